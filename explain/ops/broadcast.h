/* broadcast.h: NumPy-style (multidirectional) broadcasting for kernels.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ops.h"

G_BEGIN_DECLS

/* The broadcast shape of @a and @b; FALSE with CX_ERROR_SHAPE when
 * incompatible. */
gboolean cx_broadcast_shape   (int na, const int64_t *a, int nb, const int64_t *b,
                               int *nout, int64_t *out, GError **error);
/* Strides (in elements) to read a tensor of shape @in as if it had shape
 * @out: 0 along broadcast dimensions. @strides has @nout entries. */
void     cx_broadcast_strides (int nin, const int64_t *in, int nout, const int64_t *out,
                               int64_t *strides);
/* The VJP of broadcasting: adds @g (of the broadcast shape) into @acc
 * (of the original shape), summing over broadcast dimensions. */
void     cx_unbroadcast_add   (const CxTensor *g, CxTensor *acc);

G_END_DECLS
