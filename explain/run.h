/* run.h: the allocation context kernels run in (engine-internal).
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "op.h"

G_BEGIN_DECLS

/* A run with a budget for live tensor bytes (0: cx_tensor_get_limit ()). */
CxRun       *cx_run_new               (guint64 budget);
void         cx_run_free              (CxRun *run);
/* Bytes currently held by live tensors and scratch, and the peak so far. */
guint64      cx_run_live_bytes        (const CxRun *run);
guint64      cx_run_peak_bytes        (const CxRun *run);
/* Frees pooled buffers not in use. */
void         cx_run_trim              (CxRun *run);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CxRun, cx_run_free)

G_END_DECLS
