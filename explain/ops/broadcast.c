/* broadcast.c
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "broadcast.h"

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
cx_unbroadcast_add (const CxTensor *g, CxTensor *acc)
{
  int64_t strides[CX_MAX_DIMS], idx[CX_MAX_DIMS] = { 0 };
  const float *src = g->data.f;
  float *dst = acc->data.f;
  int64_t off = 0;
  int n = g->ndim;

  if (cx_tensor_same_shape (g, acc))
    {
      for (int64_t i = 0; i < g->numel; i++)
        dst[i] += src[i];
      return;
    }
  if (acc->numel == 1)
    {
      double s = 0;
      for (int64_t i = 0; i < g->numel; i++)
        s += src[i];
      dst[0] += (float) s;
      return;
    }
  cx_broadcast_strides (acc->ndim, acc->shape, n, g->shape, strides);
  for (int64_t i = 0; i < g->numel; i++)
    {
      dst[off] += src[i];
      for (int d = n - 1; d >= 0; d--)
        {
          idx[d]++;
          off += strides[d];
          if (idx[d] < g->shape[d])
            break;
          off -= strides[d] * idx[d];
          idx[d] = 0;
        }
    }
}
