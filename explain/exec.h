/* exec.h: executing a model forward and in reverse mode.
 *
 * A CxExec holds one job's activations for one CxModel; several CxExec
 * may run the same model at once from different threads.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "model.h"

G_BEGIN_DECLS

typedef struct _CxExec CxExec;

/* A new executor; @budget bounds live tensor bytes (0: the global limit). */
CxExec         *cx_exec_new          (const CxModel *model, guint64 budget);
void            cx_exec_free         (CxExec *exec);

/* Asks forward to keep value @value_id (and backward its gradient), e.g.
 * the layer Grad-CAM looks at. */
void            cx_exec_keep         (CxExec *exec, int value_id);

/* Runs the graph on @inputs (one per model input, in order; borrowed and
 * read only). With @record, keeps what a later backward needs. */
gboolean        cx_exec_forward      (CxExec *exec, CxTensor *const *inputs,
                                      gboolean record, GError **error);
/* Output @i of the last forward (borrowed). */
const CxTensor *cx_exec_output       (CxExec *exec, int i);
/* A kept value of the last forward, or NULL. */
const CxTensor *cx_exec_value        (CxExec *exec, int value_id);

/* Reverse pass after a recorded forward: the vector-Jacobian product of
 * output @output with @seed (same shape as the output). May be called
 * several times after one forward. */
gboolean        cx_exec_backward     (CxExec *exec, int output, const CxTensor *seed,
                                      GError **error);
/* The same with a one-hot seed: row b of output @output at class
 * @classes[b] (the output's first dimension is the batch). */
gboolean        cx_exec_backward_class (CxExec *exec, int output, const int64_t *classes,
                                        GError **error);
/* Gradient of input @i, or of a kept value, after backward (borrowed);
 * NULL when it does not depend on the output. */
const CxTensor *cx_exec_input_grad   (CxExec *exec, int i);
const CxTensor *cx_exec_value_grad   (CxExec *exec, int value_id);

guint64         cx_exec_peak_bytes   (CxExec *exec);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CxExec, cx_exec_free)

G_END_DECLS
