/* blas.c: the engine's matrix products (see blas.h).
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "blas.h"
#include "parallel.h"

#include <cblas.h>

/* Columns or rows per part are kept multiples of this (OpenBLAS's
 * AVX-512 kernels work on blocks of 16 rows and of 2 to 8 columns). */
#define PART_ALIGN 16

/* OpenBLAS's own thread pool (pthread builds; absent from serial ones,
 * hence weak). */
extern int blas_thread_shutdown_ (void) __attribute__ ((weak));

/* OpenBLAS reads its thread count at start-up (all cores); the engine's
 * first product sets it to one, for the whole process: a host that sets
 * it back only gets OpenBLAS's threads competing with the pool's. */
static void
single_threaded (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      openblas_set_num_threads (1);
      g_once_init_leave (&done, 1);
    }
}

/* At start-up, before main: one thread, and OpenBLAS's idle helpers
 * stopped. They poll (sched_yield) for about 2^28 cycles after they are
 * started, which on two cores took one from the engine for the first
 * tenth of a second of every process: a command's whole run, or a
 * benchmark's first measurements, at half speed. OpenBLAS starts them
 * again should anyone ask it for more threads. */
#if defined(__GNUC__)
__attribute__ ((constructor)) static void
quiet_openblas (void)
{
  single_threaded ();
  if (blas_thread_shutdown_ != NULL)
    blas_thread_shutdown_ ();
}
#endif

void
cx_sgemm (gboolean trans_a, gboolean trans_b, int M, int N, int K, float alpha,
          const float *A, int lda, const float *B, int ldb, float beta, float *C, int ldc)
{
  single_threaded ();
  cblas_sgemm (CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
               trans_b ? CblasTrans : CblasNoTrans, M, N, K, alpha, A, lda, B, ldb, beta,
               C, ldc);
}

typedef struct
{
  gboolean trans_a, trans_b, by_rows;
  int M, N, K, lda, ldb, ldc;
  float alpha, beta;
  const float *A, *B;
  float *C;
} Product;

static void
product_part (gpointer data, int part, int nparts)
{
  const Product *p = data;
  int64_t lo, hi;

  cx_parallel_range (p->by_rows ? p->M : p->N, part, nparts, PART_ALIGN, &lo, &hi);
  if (lo >= hi)
    return;
  if (p->by_rows)
    /* Rows lo..hi of op(A): rows of A, or its columns when transposed. */
    cx_sgemm (p->trans_a, p->trans_b, (int) (hi - lo), p->N, p->K, p->alpha,
              p->A + (p->trans_a ? lo : lo * p->lda), p->lda, p->B, p->ldb, p->beta,
              p->C + lo * p->ldc, p->ldc);
  else
    /* Columns lo..hi of op(B): columns of B, or its rows when transposed. */
    cx_sgemm (p->trans_a, p->trans_b, p->M, (int) (hi - lo), p->K, p->alpha, p->A, p->lda,
              p->B + (p->trans_b ? lo * p->ldb : lo), p->ldb, p->beta, p->C + lo, p->ldc);
}

void
cx_sgemm_parts (gboolean trans_a, gboolean trans_b, int M, int N, int K, float alpha,
                const float *A, int lda, const float *B, int ldb, float beta, float *C, int ldc)
{
  Product p = { trans_a, trans_b, M >= N, M, N, K, lda, ldb, ldc, alpha, beta, A, B, C };
  int64_t macs = (int64_t) M * N * K;
  int64_t blocks = ((p.by_rows ? M : N) + PART_ALIGN - 1) / PART_ALIGN;
  int nparts = (int) CLAMP (macs / CX_SGEMM_PART_MACS, 1, MIN (CX_SGEMM_MAX_PARTS, blocks));

  if (nparts <= 1)
    {
      cx_sgemm (trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
      return;
    }
  cx_parallel_run (product_part, &p, nparts);
}
