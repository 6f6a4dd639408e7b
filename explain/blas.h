/* blas.h: the engine's matrix products.
 *
 * OpenBLAS runs single-threaded inside Candor: the engine shares the cores
 * itself (parallel.h). A convolution hands whole chunks of its columns to
 * the pool (each chunk's im2col, product and scatter on one thread, with
 * no hand-over between OpenBLAS's threads and Candor's), and a product
 * that stands alone is cut into parts that depend on its shape only. So
 * no OpenBLAS thread spins for the next product while Candor's loops run,
 * and no result depends on the number of threads (OpenBLAS's threaded
 * products block the inner dimension differently from its single-threaded
 * ones, which changes the rounding).
 *
 * Both take row-major matrices: C = alpha · op(A) · op(B) + beta · C with
 * op(A) [M, K], op(B) [K, N], C [M, N].
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One product on the calling thread. */
void cx_sgemm       (gboolean trans_a, gboolean trans_b, int M, int N, int K, float alpha,
                     const float *A, int lda, const float *B, int ldb, float beta, float *C,
                     int ldc);

/* The same product cut into parts (of the rows or of the columns of C,
 * their number set by M, N and K alone) that the pool runs in parallel. */
void cx_sgemm_parts (gboolean trans_a, gboolean trans_b, int M, int N, int K, float alpha,
                     const float *A, int lda, const float *B, int ldb, float beta, float *C,
                     int ldc);

/* Multiply-adds from which a product is cut into parts, and the most
 * parts. Each part packs the shared operand again: MobileNetV2's
 * 320 → 1280 and 960 → 320 layers on 2×2 maps and its classifier took
 * 1.34, 1.07 and 0.96 ms in 16 parts, 1.31, 0.91 and 0.90 in 4 (per-node
 * minima over 90 runs; ResNet-18's layer 4 unchanged). */
#define CX_SGEMM_PART_MACS (1 << 22)
#define CX_SGEMM_MAX_PARTS 4

G_END_DECLS
