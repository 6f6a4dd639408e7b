/* gemm.c: Gemm and MatMul, straight to the engine's sgemm (blas.h).
 *
 * Gemm:   Y = alpha · op(A) · op(B) + beta · C   (C broadcast to [M, N])
 * MatMul: NumPy's matmul: batched over leading dimensions with
 *         broadcasting, 1-D operands promoted and the axis dropped.
 *
 * Their VJPs are GEMMs too: dA += dY · op(B)ᵀ, dB += op(A)ᵀ · dY, each
 * accumulated into the gradient by beta = 1 (so a broadcast batch
 * dimension sums itself). A batch that only A carries (X · W with X of
 * shape [B, S, D]) is folded into the rows of a single GEMM.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "broadcast.h"
#include "../blas.h"

#include <limits.h>
#include <string.h>

typedef struct
{
  float alpha, beta;
  gboolean trans_a, trans_b;
} GemmParams;

static gboolean
need_float (const CxNode *node, const CxTensor *t, const char *what, GError **error)
{
  if (cx_elem_is_float (t->elem))
    return TRUE;
  cx_node_error (node, error, CX_ERROR_UNSUPPORTED,
                 "%s is %s; the engine multiplies floating-point matrices only", what,
                 cx_elem_name (t->elem));
  return FALSE;
}

static gboolean
blas_dims_ok (const CxNode *node, int64_t a, int64_t b, int64_t c, GError **error)
{
  if (a <= INT_MAX && b <= INT_MAX && c <= INT_MAX)
    return TRUE;
  cx_node_error (node, error, CX_ERROR_LIMIT, "the matrices are too large");
  return FALSE;
}

/* ------------------------------------------------------------------ */
/* Gemm                                                                */
/* ------------------------------------------------------------------ */

static gboolean
gemm_init (CxNode *node, GError **error)
{
  GemmParams *p = g_new0 (GemmParams, 1);
  int64_t ta = cx_node_attr_int (node, "transA", 0), tb = cx_node_attr_int (node, "transB", 0);

  node->params = p;
  p->alpha = cx_node_attr_float (node, "alpha", 1.0f);
  p->beta = cx_node_attr_float (node, "beta", 1.0f);
  if ((ta != 0 && ta != 1) || (tb != 0 && tb != 1))
    {
      cx_node_error (node, error, CX_ERROR_INVALID, "attribute '%s' must be 0 or 1, got %"
                     G_GINT64_FORMAT, ta != 0 && ta != 1 ? "transA" : "transB",
                     ta != 0 && ta != 1 ? ta : tb);
      return FALSE;
    }
  p->trans_a = ta != 0;
  p->trans_b = tb != 0;
  return TRUE;
}

typedef struct
{
  int64_t M, N, K;
  int64_t cm, cn;    /* C's rows and columns after promotion to 2-D (1 = broadcast) */
} GemmGeom;

static gboolean
gemm_geometry (const CxNode *node, CxTensor *const *in, GemmGeom *g, GError **error)
{
  const GemmParams *p = node->params;
  const CxTensor *a = in[0], *b = in[1], *c = node->n_in > 2 ? in[2] : NULL;
  int64_t ka, kb;

  if (!need_float (node, a, "input A", error) || !need_float (node, b, "input B", error) ||
      (c != NULL && !need_float (node, c, "input C", error)))
    return FALSE;
  if (a->ndim != 2 || b->ndim != 2)
    {
      g_autofree char *as = cx_shape_to_string (a->ndim, a->shape);
      g_autofree char *bs = cx_shape_to_string (b->ndim, b->shape);
      cx_node_error (node, error, CX_ERROR_SHAPE, "A %s and B %s must be matrices", as, bs);
      return FALSE;
    }
  g->M = a->shape[p->trans_a ? 1 : 0];
  ka = a->shape[p->trans_a ? 0 : 1];
  kb = b->shape[p->trans_b ? 1 : 0];
  g->N = b->shape[p->trans_b ? 0 : 1];
  g->K = ka;
  if (ka != kb)
    {
      g_autofree char *as = cx_shape_to_string (a->ndim, a->shape);
      g_autofree char *bs = cx_shape_to_string (b->ndim, b->shape);
      cx_node_error (node, error, CX_ERROR_SHAPE,
                     "A %s (transA=%d) and B %s (transB=%d) have inner dimensions %"
                     G_GINT64_FORMAT " and %" G_GINT64_FORMAT, as, p->trans_a, bs, p->trans_b,
                     ka, kb);
      return FALSE;
    }
  g->cm = g->cn = 1;
  if (c != NULL)
    {
      gboolean ok = c->ndim <= 2;
      if (c->ndim >= 1)
        g->cn = c->shape[c->ndim - 1];
      if (c->ndim == 2)
        g->cm = c->shape[0];
      ok = ok && (g->cm == 1 || g->cm == g->M) && (g->cn == 1 || g->cn == g->N);
      if (!ok)
        {
          g_autofree char *cs = cx_shape_to_string (c->ndim, c->shape);
          cx_node_error (node, error, CX_ERROR_SHAPE,
                         "C %s does not broadcast to [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT
                         "]", cs, g->M, g->N);
          return FALSE;
        }
    }
  return blas_dims_ok (node, g->M, g->N, g->K, error);
}

static gboolean
gemm_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
              GError **error)
{
  const GemmParams *p = node->params;
  const CxTensor *a = in[0], *b = in[1], *c = node->n_in > 2 ? in[2] : NULL;
  int64_t shape[2];
  GemmGeom g;
  float *y;
  float beta = 0.0f;

  if (!gemm_geometry (node, in, &g, error))
    return FALSE;
  shape[0] = g.M;
  shape[1] = g.N;
  out[0] = cx_run_alloc (run, CX_ELEM_FLOAT, 2, shape, error);
  if (out[0] == NULL)
    return FALSE;
  y = out[0]->data.f;
  if (c != NULL && p->beta != 0.0f)
    {
      /* Y starts as beta·C broadcast; the GEMM adds onto it. */
      for (int64_t i = 0; i < g.M; i++)
        {
          const float *cr = c->data.f + (g.cm == 1 ? 0 : i * g.cn);
          float *restrict yr = y + i * g.N;
          if (g.cn == 1)
            for (int64_t j = 0; j < g.N; j++)
              yr[j] = p->beta * cr[0];
          else
            for (int64_t j = 0; j < g.N; j++)
              yr[j] = p->beta * cr[j];
        }
      beta = 1.0f;
    }
  if (g.M == 0 || g.N == 0)
    return TRUE;
  if (g.K == 0)
    {
      if (beta == 0.0f)
        memset (y, 0, sizeof (float) * g.M * g.N);
      return TRUE;
    }
  cx_sgemm_parts (p->trans_a, p->trans_b, g.M, g.N, g.K, p->alpha, a->data.f, a->shape[1],
                  b->data.f, b->shape[1], beta, y, g.N);
  return TRUE;
}

static gboolean
gemm_backward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor *const *out,
               CxTensor *const *gout, CxTensor **gin, GError **error)
{
  const GemmParams *p = node->params;
  const CxTensor *a = in[0], *b = in[1], *dy = gout[0];
  CxTensor *dc = node->n_in > 2 ? gin[2] : NULL;
  GemmGeom g;

  if (dy == NULL)
    return TRUE;
  if (!gemm_geometry (node, in, &g, error))
    return FALSE;
  if (g.M == 0 || g.N == 0)
    return TRUE;
  if (gin[0] != NULL && g.K > 0)
    {
      /* op(A) = dY · op(B)ᵀ: A itself or its transpose. */
      if (!p->trans_a)
        cx_sgemm_parts (FALSE, !p->trans_b, g.M, g.K, g.N, p->alpha, dy->data.f, g.N,
                        b->data.f, b->shape[1], 1.0f, gin[0]->data.f, g.K);
      else
        cx_sgemm_parts (p->trans_b, TRUE, g.K, g.M, g.N, p->alpha, b->data.f, b->shape[1],
                        dy->data.f, g.N, 1.0f, gin[0]->data.f, g.M);
    }
  if (gin[1] != NULL && g.K > 0)
    {
      if (!p->trans_b)
        cx_sgemm_parts (!p->trans_a, FALSE, g.K, g.N, g.M, p->alpha, a->data.f, a->shape[1],
                        dy->data.f, g.N, 1.0f, gin[1]->data.f, g.N);
      else
        cx_sgemm_parts (TRUE, p->trans_a, g.N, g.K, g.M, p->alpha, dy->data.f, g.N, a->data.f,
                        a->shape[1], 1.0f, gin[1]->data.f, g.K);
    }
  if (dc != NULL && p->beta != 0.0f)
    cx_unbroadcast_add_scaled (dy, p->beta, dc);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* MatMul                                                              */
/* ------------------------------------------------------------------ */

typedef struct
{
  int64_t M, N, K;
  int nbatch;                       /* rank of the broadcast batch shape */
  int64_t batch[CX_MAX_DIMS];
  int64_t sa[CX_MAX_DIMS], sb[CX_MAX_DIMS];   /* batch strides in matrices, 0: broadcast */
  int64_t count;                    /* batch elements */
  gboolean fold;                    /* B has no batch: A's batch folds into M */
  int out_ndim;
  int64_t out_shape[CX_MAX_DIMS];
} MatMulGeom;

static gboolean
matmul_geometry (const CxNode *node, const CxTensor *a, const CxTensor *b, MatMulGeom *g,
                 GError **error)
{
  int64_t ash[CX_MAX_DIMS + 1], bsh[CX_MAX_DIMS + 1];
  int na = a->ndim, nb = b->ndim, nba, nbb;
  int64_t abatch = 1, bbatch = 1;

  if (!need_float (node, a, "input A", error) || !need_float (node, b, "input B", error))
    return FALSE;
  if (na < 1 || nb < 1)
    {
      cx_node_error (node, error, CX_ERROR_SHAPE, "MatMul needs operands of rank 1 or more");
      return FALSE;
    }
  /* 1-D operands: [K] is [1, K] on the left and [K, 1] on the right. */
  if (na == 1)
    {
      ash[0] = 1;
      ash[1] = a->shape[0];
      na = 2;
    }
  else
    memcpy (ash, a->shape, sizeof (int64_t) * na);
  if (nb == 1)
    {
      bsh[0] = b->shape[0];
      bsh[1] = 1;
      nb = 2;
    }
  else
    memcpy (bsh, b->shape, sizeof (int64_t) * nb);
  g->M = ash[na - 2];
  g->K = ash[na - 1];
  g->N = bsh[nb - 1];
  if (bsh[nb - 2] != g->K)
    {
      g_autofree char *as = cx_shape_to_string (a->ndim, a->shape);
      g_autofree char *bs = cx_shape_to_string (b->ndim, b->shape);
      cx_node_error (node, error, CX_ERROR_SHAPE,
                     "A %s and B %s: inner dimensions %" G_GINT64_FORMAT " and %"
                     G_GINT64_FORMAT " differ", as, bs, g->K, bsh[nb - 2]);
      return FALSE;
    }
  nba = na - 2;
  nbb = nb - 2;
  if (!cx_broadcast_shape (nba, ash, nbb, bsh, &g->nbatch, g->batch, NULL))
    {
      g_autofree char *as = cx_shape_to_string (a->ndim, a->shape);
      g_autofree char *bs = cx_shape_to_string (b->ndim, b->shape);
      cx_node_error (node, error, CX_ERROR_SHAPE,
                     "A %s and B %s: the batch dimensions do not broadcast", as, bs);
      return FALSE;
    }
  {
    int64_t st[CX_MAX_DIMS];
    cx_broadcast_strides (nba, ash, g->nbatch, g->batch, st);
    for (int d = 0; d < g->nbatch; d++)
      g->sa[d] = st[d];
    cx_broadcast_strides (nbb, bsh, g->nbatch, g->batch, st);
    for (int d = 0; d < g->nbatch; d++)
      g->sb[d] = st[d];
  }
  g->count = 1;
  for (int d = 0; d < g->nbatch; d++)
    g->count *= g->batch[d];
  for (int d = 0; d < nba; d++)
    abatch *= ash[d];
  for (int d = 0; d < nbb; d++)
    bbatch *= bsh[d];
  g->fold = bbatch == 1 && abatch == g->count;

  g->out_ndim = 0;
  for (int d = 0; d < g->nbatch; d++)
    g->out_shape[g->out_ndim++] = g->batch[d];
  if (a->ndim > 1)
    g->out_shape[g->out_ndim++] = g->M;
  if (b->ndim > 1)
    g->out_shape[g->out_ndim++] = g->N;
  if (g->out_ndim > CX_MAX_DIMS)
    {
      cx_node_error (node, error, CX_ERROR_UNSUPPORTED, "the result has more than %d axes",
                     CX_MAX_DIMS);
      return FALSE;
    }
  return blas_dims_ok (node, g->fold ? g->count * g->M : g->M, g->N, g->K, error);
}

/* Batch offsets (in matrices) of A and B for each batch index, row-major. */
typedef struct
{
  int64_t idx[CX_MAX_DIMS];
  int64_t oa, ob;
} BatchIter;

static void
batch_next (const MatMulGeom *g, BatchIter *it)
{
  for (int d = g->nbatch - 1; d >= 0; d--)
    {
      it->idx[d]++;
      it->oa += g->sa[d];
      it->ob += g->sb[d];
      if (it->idx[d] < g->batch[d])
        return;
      it->oa -= g->sa[d] * it->idx[d];
      it->ob -= g->sb[d] * it->idx[d];
      it->idx[d] = 0;
    }
}

static gboolean
matmul_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
                GError **error)
{
  const CxTensor *a = in[0], *b = in[1];
  MatMulGeom g;
  BatchIter it = { { 0 }, 0, 0 };
  float *y;

  if (!matmul_geometry (node, a, b, &g, error))
    return FALSE;
  out[0] = cx_run_alloc (run, CX_ELEM_FLOAT, g.out_ndim, g.out_shape, error);
  if (out[0] == NULL)
    return FALSE;
  y = out[0]->data.f;
  if (out[0]->numel == 0)
    return TRUE;
  if (g.K == 0)
    {
      memset (y, 0, sizeof (float) * out[0]->numel);
      return TRUE;
    }
  if (g.fold)
    {
      cx_sgemm_parts (FALSE, FALSE, g.count * g.M, g.N, g.K, 1.0f, a->data.f, g.K, b->data.f,
                      g.N, 0.0f, y, g.N);
      return TRUE;
    }
  for (int64_t i = 0; i < g.count; i++, batch_next (&g, &it))
    cx_sgemm_parts (FALSE, FALSE, g.M, g.N, g.K, 1.0f, a->data.f + it.oa * g.M * g.K, g.K,
                    b->data.f + it.ob * g.K * g.N, g.N, 0.0f, y + i * g.M * g.N, g.N);
  return TRUE;
}

static gboolean
matmul_backward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor *const *out,
                 CxTensor *const *gout, CxTensor **gin, GError **error)
{
  const CxTensor *a = in[0], *b = in[1], *dy = gout[0];
  MatMulGeom g;
  BatchIter it = { { 0 }, 0, 0 };

  if (dy == NULL)
    return TRUE;
  if (!matmul_geometry (node, a, b, &g, error))
    return FALSE;
  if (dy->numel == 0 || g.K == 0)
    return TRUE;
  if (g.fold)
    {
      /* A's batch is rows of one [count·M, K] matrix. */
      if (gin[0] != NULL)
        cx_sgemm_parts (FALSE, TRUE, g.count * g.M, g.K, g.N, 1.0f, dy->data.f, g.N,
                        b->data.f, g.N, 1.0f, gin[0]->data.f, g.K);
      if (gin[1] != NULL)
        cx_sgemm_parts (TRUE, FALSE, g.K, g.N, g.count * g.M, 1.0f, a->data.f, g.K,
                        dy->data.f, g.N, 1.0f, gin[1]->data.f, g.N);
      return TRUE;
    }
  /* Broadcast batch entries accumulate through beta = 1. */
  for (int64_t i = 0; i < g.count; i++, batch_next (&g, &it))
    {
      const float *dyi = dy->data.f + i * g.M * g.N;
      if (gin[0] != NULL)
        cx_sgemm_parts (FALSE, TRUE, g.M, g.K, g.N, 1.0f, dyi, g.N,
                        b->data.f + it.ob * g.K * g.N, g.N, 1.0f,
                        gin[0]->data.f + it.oa * g.M * g.K, g.K);
      if (gin[1] != NULL)
        cx_sgemm_parts (TRUE, FALSE, g.K, g.N, g.M, 1.0f, a->data.f + it.oa * g.M * g.K, g.K,
                        dyi, g.N, 1.0f, gin[1]->data.f + it.ob * g.K * g.N, g.N);
    }
  return TRUE;
}

CX_DEFINE_OP_FAMILY (gemm,
  { "Gemm", 2, 3, 1, 1, gemm_init, gemm_forward, gemm_backward,
    CX_IN (0) | CX_IN (1) | CX_IN (2), CX_SAVE_INPUTS, NULL },
  { "MatMul", 2, 2, 1, 1, NULL, matmul_forward, matmul_backward,
    CX_IN (0) | CX_IN (1), CX_SAVE_INPUTS, NULL },
)
