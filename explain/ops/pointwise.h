/* pointwise.h: one image's 1×1 convolution as a product with the bias,
 * the accumulation and the clamp inside the kernel.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* y[M, P] = w[M, K] · x[K, P] + bias, or with @accumulate y += w · x;
 * then, with @clamp, y = min (max (y, lo), hi). Rows of x are @ldx
 * floats apart, rows of y @ldy; w is dense. */
typedef struct
{
  int64_t M, K, P, ldx, ldy;
  const float *bias;           /* [M] or NULL */
  gboolean accumulate, clamp;
  float lo, hi;
} CxPointwise;

/* The kernels, by the instructions they need. */
typedef enum
{
  CX_POINTWISE_NONE,           /* neither applies: the caller's GEMM */
  CX_POINTWISE_PORTABLE,       /* eight lanes (AVX2 where the CPU has it) */
  CX_POINTWISE_AVX512,         /* sixteen lanes, 32 registers (x86-64-v4) */
} CxPointwiseKernel;

/* The kernel that beats OpenBLAS for this shape on this CPU, if any. */
CxPointwiseKernel cx_pointwise_choose (const CxPointwise *p);

/* Whether @kernel can run @p here at all (tests run every kernel). */
gboolean          cx_pointwise_can_run (CxPointwiseKernel kernel, const CxPointwise *p);

/* Runs @p with @kernel (cx_pointwise_can_run must hold). Every output
 * sums its K terms in order: the bits depend on the kernel and the shape,
 * not on how the caller shares images between threads. */
void              cx_pointwise_run (CxPointwiseKernel kernel, const CxPointwise *p,
                                    const float *w, const float *x, float *y);

G_END_DECLS
