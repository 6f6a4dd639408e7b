/* engine.h: batched prediction and input gradients over a whole data set.
 *
 * These split a batch into chunks the model accepts (one row at a time for
 * a model exported with a fixed batch of 1) and that fit the memory
 * budget, run each through a CxExec and stitch the results together.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "exec.h"

G_BEGIN_DECLS

/* Called between chunks with the fraction done; return FALSE to cancel. */
typedef gboolean (*CxProgressFunc) (double fraction, gpointer user_data);

typedef struct
{
  guint64 budget;              /* live tensor bytes per chunk; 0: global limit */
  int max_batch;               /* rows per chunk; 0: as large as the budget allows */
  CxProgressFunc progress;
  gpointer progress_data;
} CxEngineOptions;

/* The single float input the explanation methods work on: checks the model
 * has exactly one input, a float tensor, and returns its value. */
const CxValue *cx_engine_input     (const CxModel *model, GError **error);
/* Rows the model accepts per run: 1 for a fixed batch of 1, else 0 (any). */
int            cx_engine_fixed_batch (const CxModel *model);

/* Output @output of the model for every row of @input (batch first). */
CxTensor      *cx_engine_predict   (const CxModel *model, const CxTensor *input, int output,
                                    const CxEngineOptions *options, GError **error);

/* For every row b: the output values, and the gradient of
 * output[b, targets[b]] with respect to the input row. Either result
 * pointer may be NULL. */
gboolean       cx_engine_gradient  (const CxModel *model, const CxTensor *input, int output,
                                    const int64_t *targets, const CxEngineOptions *options,
                                    CxTensor **values, CxTensor **grad, GError **error);

/* Softmax of each row of a [N, K] tensor into a new tensor. */
CxTensor      *cx_softmax_rows     (const CxTensor *logits);
/* Index of the largest value of row @b. */
int64_t        cx_argmax_row       (const CxTensor *t, int64_t b);

/* Checks a float tensor holds no NaN or infinity; names @what. */
gboolean       cx_check_finite     (const CxTensor *t, const char *what, GError **error);

G_END_DECLS
