/* candor-explain-job.h: the six attribution maps of one image, computed
 * off the main thread.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "attribution.h"
#include "candor-types.h"
#include "render.h"

G_BEGIN_DECLS

#define CANDOR_EXPLAIN_N_MAPS 6

typedef struct
{
  int64_t target;              /* < 0: the predicted class */
  int ig_steps;
  CxIgRule ig_rule;
  CxSign sign;
  double outlier_percent;
  double alpha;
  int smoothgrad_samples;
  double smoothgrad_noise;
  guint64 seed;
} CandorExplainParams;

typedef struct
{
  CxMethod method;
  guint8 *rgba;                /* the overlay, width × height RGBA */
  int width, height;
  CxTensor *map;               /* [H, W], the sign applied */
  double threshold;            /* the clipping value the colours are scaled by */
  char *error;                 /* why this method failed, or NULL */
} CandorExplainMap;

typedef struct
{
  char *input_sha256;
  int n_classes;
  double *probabilities;       /* n_classes */
  int64_t predicted;
  int64_t target;
  CandorExplainMap maps[CANDOR_EXPLAIN_N_MAPS];
  /* integrated gradients' completeness */
  gboolean has_completeness;
  double attribution_sum;
  double output;
  double output_baseline;
  double completeness_error;
} CandorExplainResult;

/* The defaults of the engine and of the session file. */
void                 candor_explain_params_init   (CandorExplainParams *params);
/* The methods in the order the page shows them. */
CxMethod             candor_explain_method        (guint i);

void                 candor_explain_run_async     (CandorModel                *model,
                                                   GFile                      *input,
                                                   const CandorExplainParams  *params,
                                                   GCancellable               *cancellable,
                                                   GAsyncReadyCallback         callback,
                                                   gpointer                    user_data);
CandorExplainResult *candor_explain_run_finish    (GAsyncResult               *result,
                                                   GError                    **error);
void                 candor_explain_result_free   (CandorExplainResult        *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CandorExplainResult, candor_explain_result_free)

G_END_DECLS
