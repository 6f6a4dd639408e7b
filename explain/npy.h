/* npy.h: NumPy .npy files (format 1.0–3.0 read, 1.0 written).
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tensor.h"

G_BEGIN_DECLS

/* Reads float16/32/64 as float32 and bool/int8–64/uint8–32 as int64;
 * C order only. Errors name the file and the problem. */
CxTensor *cx_npy_load      (const char *path, GError **error);
/* Reads the same as doubles (for float64 references). */
double   *cx_npy_load_f64  (const char *path, int *ndim, int64_t *shape, GError **error);
/* Parses an in-memory .npy. */
CxTensor *cx_npy_parse     (const guint8 *data, gsize len, const char *name, GError **error);
/* Writes float32 (or int64) NPY v1.0, C order, atomically. */
gboolean  cx_npy_save      (const char *path, const CxTensor *t, GError **error);

G_END_DECLS
