/* winograd.h: 3×3 stride-1 convolutions by Winograd's minimal filtering.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "../op.h"

G_BEGIN_DECLS

/* One dense 2-D convolution with a 3×3 kernel, stride 1, dilation 1 and
 * one group: X [N, Cin, H, W] to Y [N, Cout, OH, OW], with Y's pixel
 * (oy, ox) reading X's rows oy − ph … oy − ph + 2 and columns likewise
 * (zero outside X). */
typedef struct
{
  int64_t N, Cin, Cout, H, W, OH, OW, ph, pw;
  /* The weight: [Cout, Cin, 3, 3]; or, with @flipped, [Cin, Cout, 3, 3]
   * read rotated by 180° (the transposed convolution's kernel: Conv's
   * input gradient as a convolution of its output gradient). */
  gboolean flipped;
  const float *bias;           /* [Cout] or NULL */
  gboolean accumulate;         /* Y += conv (X) instead of Y = … */
  gboolean clamp;              /* then Y = min (max (Y, lo), hi) */
  float lo, hi;
  /* The transformed weight (cx_winograd_weights), or NULL: made per call.
   * It depends on the weight alone, flipped or not: a Conv's forward and
   * input gradient share it. */
  const float *u;
  /* Pooled (convpool.h), forward only: Y is not written; the clamped
   * output goes through the 2×2 stride-2 max pool into @pooled [N, Cout,
   * OH/2, OW/2], with the winners in @codes (or not, when NULL). Tiles are
   * 2×2 blocks of Y, so each is one window. */
  float *pooled;
  guint8 *codes;
  /* Flipped only: X is not read; its rows are the gradient that the pool
   * over X sends back (cx_pool2_expand_row) from its output gradient
   * @gy [N, Cin, H/2, W/2] and codes @codes_in. */
  const float *gy;
  const guint8 *codes_in;
} CxWinograd;

/* Whether the Winograd kernel is the faster way for this shape, with the
 * weight transformed once (@kept) or per call. */
gboolean cx_winograd_applies (const CxWinograd *p, gboolean kept);

/* Floats of the transformed weight, and the transform. */
gsize    cx_winograd_weight_floats (const CxWinograd *p);
void     cx_winograd_weights (const CxWinograd *p, const float *w, float *u);

/* Runs the convolution. */
gboolean cx_winograd_conv    (CxRun *run, const CxWinograd *p, const float *x,
                              const float *w, float *y, GError **error);

G_END_DECLS
