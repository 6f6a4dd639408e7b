/* broadcast.c
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "broadcast.h"
#include "../parallel.h"

gboolean
cx_broadcast_shape (int na, const int64_t *a, int nb, const int64_t *b,
                    int *nout, int64_t *out, GError **error)
{
  int n = MAX (na, nb);

  for (int d = 0; d < n; d++)
    {
      int64_t da = d - (n - na) >= 0 ? a[d - (n - na)] : 1;
      int64_t db = d - (n - nb) >= 0 ? b[d - (n - nb)] : 1;
      if (da != db && da != 1 && db != 1)
        {
          g_autofree char *sa = cx_shape_to_string (na, a);
          g_autofree char *sb = cx_shape_to_string (nb, b);
          g_set_error (error, CX_ERROR, CX_ERROR_SHAPE,
                       "shapes %s and %s cannot be broadcast together", sa, sb);
          return FALSE;
        }
      out[d] = da == 1 ? db : da;
    }
  *nout = n;
  return TRUE;
}

void
cx_broadcast_strides (int nin, const int64_t *in, int nout, const int64_t *out, int64_t *strides)
{
  int64_t s = 1;

  for (int d = nout - 1; d >= 0; d--)
    {
      int k = d - (nout - nin);
      if (k < 0 || in[k] == 1)
        strides[d] = 0;
      else
        strides[d] = s;
      if (k >= 0)
        s *= in[k];
    }
}

void
cx_broadcast_plan_init (CxBroadcastPlan *plan, int ndim, const int64_t *shape,
                        int n, const int *ndims, const int64_t *const *shapes)
{
  int64_t full[CX_BROADCAST_MAX_OPERANDS][CX_MAX_DIMS];
  int nd = 0;

  g_assert (n >= 1 && n <= CX_BROADCAST_MAX_OPERANDS);
  g_assert (ndim >= 0 && ndim <= CX_MAX_DIMS);
  memset (plan, 0, sizeof *plan);
  plan->n = n;
  for (int k = 0; k < n; k++)
    {
      g_assert (ndims[k] <= ndim);
      cx_broadcast_strides (ndims[k], shapes[k], ndim, shape, full[k]);
    }
  for (int d = 0; d < ndim; d++)
    {
      gboolean merge = nd > 0;
      if (shape[d] == 1)
        continue;
      for (int k = 0; merge && k < n; k++)
        merge = plan->strides[k][nd - 1] == full[k][d] * shape[d];
      if (merge)
        {
          plan->shape[nd - 1] *= shape[d];
          for (int k = 0; k < n; k++)
            plan->strides[k][nd - 1] = full[k][d];
          continue;
        }
      plan->shape[nd] = shape[d];
      for (int k = 0; k < n; k++)
        plan->strides[k][nd] = full[k][d];
      nd++;
    }
  if (nd == 0)
    {
      /* A single element: one row of one. */
      plan->shape[0] = 1;
      nd = 1;
    }
  plan->ndim = nd;
  plan->cols = plan->shape[nd - 1];
  plan->rows = 1;
  for (int d = 0; d < nd - 1; d++)
    plan->rows *= plan->shape[d];
  for (int k = 0; k < n; k++)
    {
      plan->inner[k] = plan->strides[k][nd - 1];
      g_assert (plan->inner[k] == 0 || plan->inner[k] == 1);
    }
}

/* d += alpha · s over a row. */
static void
axpy_row (float *restrict d, const float *restrict s, float alpha, int64_t n)
{
  if (alpha == 1.0f)
    CX_VEC_LOOP (n, d[i] += s[i];);
  else
    CX_VEC_LOOP (n, d[i] += alpha * s[i];);
}

typedef struct
{
  float *d;
  const float *s;
  float alpha;
  int64_t n;
} AxpyJob;

static void
axpy_part (gpointer data, int part, int nparts)
{
  const AxpyJob *j = data;
  int64_t lo, hi;

  cx_parallel_range (j->n, part, nparts, CX_VEC_BLOCK, &lo, &hi);
  axpy_row (j->d + lo, j->s + lo, j->alpha, hi - lo);
}

/* The sum of a row, in double. */
static double
sum_row (const float *restrict s, int64_t n)
{
  double sum = 0;
  CX_VEC_SUM (sum, n, s[i]);
  return sum;
}

void
cx_unbroadcast_add_scaled (const CxTensor *g, float alpha, CxTensor *acc)
{
  CxBroadcastPlan plan;
  CxBroadcastIter it;
  const int ndims[2] = { acc->ndim, g->ndim };
  const int64_t *shapes[2] = { acc->shape, g->shape };

  if (acc->numel == g->numel)
    {
      /* Equal sizes under broadcasting mean equal layouts; element-wise,
       * so large ones are split between threads (parallel.h). */
      AxpyJob j = { acc->data.f, g->data.f, alpha, g->numel };
      cx_parallel_run (axpy_part, &j, cx_parallel_parts (g->numel));
      return;
    }
  g_assert (acc->numel <= g->numel || g->numel == 0);
  if (acc->numel == 1)
    {
      acc->data.f[0] += (float) (alpha * sum_row (g->data.f, g->numel));
      return;
    }
  cx_broadcast_plan_init (&plan, g->ndim, g->shape, 2, ndims, shapes);
  cx_broadcast_iter_init (&it);
  for (int64_t r = 0; r < plan.rows; r++, cx_broadcast_iter_next (&plan, &it))
    {
      float *d = acc->data.f + it.off[0];
      const float *src = g->data.f + it.off[1];
      if (plan.inner[0])
        axpy_row (d, src, alpha, plan.cols);
      else
        d[0] += (float) (alpha * sum_row (src, plan.cols));
    }
}

void
cx_unbroadcast_add (const CxTensor *g, CxTensor *acc)
{
  cx_unbroadcast_add_scaled (g, 1.0f, acc);
}
