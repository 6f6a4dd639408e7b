/* softmax.c: Softmax and LogSoftmax.
 *
 * Before opset 13 the input is coerced to 2-D at `axis` (default 1) and
 * each row of prod(shape[axis:]) elements is normalised; from opset 13
 * the normalisation runs along the one axis `axis` (default −1). Both
 * are the same loop over [outer, L, inner] (inner = 1 before 13), the
 * inner positions of one slice handled together as contiguous vectors.
 *
 * VJPs: softmax dx = y ⊙ (dy − Σ dy·y); log-softmax dx = dy − eʸ Σ dy.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "ops.h"

#include <math.h>
#include <string.h>

typedef struct
{
  int64_t axis;
  gboolean legacy;    /* opset < 13: coerce to 2-D */
  gboolean log;
} SoftmaxParams;

typedef struct
{
  int64_t outer, L, inner;
} SoftmaxGeom;

static gboolean
softmax_init_common (CxNode *node, gboolean log, GError **error)
{
  SoftmaxParams *p = g_new0 (SoftmaxParams, 1);

  node->params = p;
  p->legacy = node->opset < 13;
  p->axis = cx_node_attr_int (node, "axis", p->legacy ? 1 : -1);
  p->log = log;
  return TRUE;
}

static gboolean
softmax_init (CxNode *node, GError **error)
{
  return softmax_init_common (node, FALSE, error);
}

static gboolean
logsoftmax_init (CxNode *node, GError **error)
{
  return softmax_init_common (node, TRUE, error);
}

static gboolean
softmax_geometry (const CxNode *node, const CxTensor *x, SoftmaxGeom *g, GError **error)
{
  const SoftmaxParams *p = node->params;
  int64_t axis = p->axis;

  if (!cx_elem_is_float (x->elem))
    {
      cx_node_error (node, error, CX_ERROR_INVALID, "input is %s; the operator takes "
                     "floating-point tensors", cx_elem_name (x->elem));
      return FALSE;
    }
  if (axis < 0)
    axis += x->ndim;
  /* Before opset 13, axis == rank is allowed: rows of one element. */
  if (axis < 0 || axis > x->ndim || (axis == x->ndim && !p->legacy) || x->ndim == 0)
    {
      g_autofree char *xs = cx_shape_to_string (x->ndim, x->shape);
      cx_node_error (node, error, CX_ERROR_INVALID,
                     "attribute 'axis' is %" G_GINT64_FORMAT " but the input has shape %s",
                     p->axis, xs);
      return FALSE;
    }
  g->outer = 1;
  for (int d = 0; d < axis; d++)
    g->outer *= x->shape[d];
  g->L = 1;
  g->inner = 1;
  if (p->legacy)
    for (int d = (int) axis; d < x->ndim; d++)
      g->L *= x->shape[d];
  else
    {
      g->L = x->shape[axis];
      for (int d = (int) axis + 1; d < x->ndim; d++)
        g->inner *= x->shape[d];
    }
  return TRUE;
}

/* One slice [L, inner] of x into y; @m is scratch of `inner` floats. */
static void
softmax_slice (const float *restrict x, float *restrict y, int64_t L, int64_t inner,
               gboolean is_log, float *restrict m, float *restrict s)
{
  if (inner == 1)
    {
      float mx = -INFINITY;
      double sum = 0.0;
      for (int64_t j = 0; j < L; j++)
        mx = x[j] > mx ? x[j] : mx;
      if (isinf (mx) && mx < 0)
        mx = 0.0f;  /* all −inf: leave the NaNs of 0/0 to the arithmetic below */
      for (int64_t j = 0; j < L; j++)
        {
          y[j] = expf (x[j] - mx);
          sum += y[j];
        }
      if (is_log)
        {
          /* (x − max) − log Σ: subtracting the large max first keeps precision. */
          const float ls = (float) log (sum);
          for (int64_t j = 0; j < L; j++)
            y[j] = (x[j] - mx) - ls;
        }
      else
        {
          const float inv = (float) (1.0 / sum);
          for (int64_t j = 0; j < L; j++)
            y[j] *= inv;
        }
      return;
    }
  for (int64_t i = 0; i < inner; i++)
    {
      m[i] = -INFINITY;
      s[i] = 0.0f;
    }
  for (int64_t j = 0; j < L; j++)
    for (int64_t i = 0; i < inner; i++)
      m[i] = x[j * inner + i] > m[i] ? x[j * inner + i] : m[i];
  for (int64_t i = 0; i < inner; i++)
    if (isinf (m[i]) && m[i] < 0)
      m[i] = 0.0f;
  for (int64_t j = 0; j < L; j++)
    for (int64_t i = 0; i < inner; i++)
      {
        const float e = expf (x[j * inner + i] - m[i]);
        y[j * inner + i] = e;
        s[i] += e;
      }
  if (is_log)
    {
      for (int64_t i = 0; i < inner; i++)
        s[i] = logf (s[i]);
      for (int64_t j = 0; j < L; j++)
        for (int64_t i = 0; i < inner; i++)
          y[j * inner + i] = (x[j * inner + i] - m[i]) - s[i];
    }
  else
    {
      for (int64_t i = 0; i < inner; i++)
        s[i] = 1.0f / s[i];
      for (int64_t j = 0; j < L; j++)
        for (int64_t i = 0; i < inner; i++)
          y[j * inner + i] *= s[i];
    }
}

static gboolean
softmax_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
                 GError **error)
{
  const SoftmaxParams *p = node->params;
  const CxTensor *x = in[0];
  SoftmaxGeom g;
  float *m = NULL;

  if (!softmax_geometry (node, x, &g, error))
    return FALSE;
  out[0] = cx_run_alloc (run, x->elem, x->ndim, x->shape, error);
  if (out[0] == NULL)
    return FALSE;
  if (x->numel == 0)
    return TRUE;
  if (g.inner > 1)
    {
      m = cx_run_scratch (run, 0, sizeof (float) * 2 * g.inner, error);
      if (m == NULL)
        return FALSE;
    }
  for (int64_t o = 0; o < g.outer; o++)
    softmax_slice (x->data.f + o * g.L * g.inner, out[0]->data.f + o * g.L * g.inner, g.L,
                   g.inner, p->log, m, m != NULL ? m + g.inner : NULL);
  return TRUE;
}

/* Backward from the saved output y (its shape is the input's). */
static gboolean
softmax_backward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor *const *out,
                  CxTensor *const *gout, CxTensor **gin, GError **error)
{
  const SoftmaxParams *p = node->params;
  const CxTensor *y = out[0], *dy = gout[0];
  SoftmaxGeom g;
  float *s;

  if (dy == NULL || gin[0] == NULL || dy->numel == 0)
    return TRUE;
  if (!softmax_geometry (node, y, &g, error))
    return FALSE;
  s = cx_run_scratch (run, 0, sizeof (float) * g.inner, error);
  if (s == NULL)
    return FALSE;
  for (int64_t o = 0; o < g.outer; o++)
    {
      const int64_t base = o * g.L * g.inner;
      const float *restrict yr = y->data.f + base, *restrict gr = dy->data.f + base;
      float *restrict dx = gin[0]->data.f + base;
      memset (s, 0, sizeof (float) * g.inner);
      /* s = Σ_j dy·y (softmax) or Σ_j dy (log-softmax), per inner position. */
      for (int64_t j = 0; j < g.L; j++)
        for (int64_t i = 0; i < g.inner; i++)
          s[i] += p->log ? gr[j * g.inner + i] : gr[j * g.inner + i] * yr[j * g.inner + i];
      if (p->log)
        for (int64_t j = 0; j < g.L; j++)
          for (int64_t i = 0; i < g.inner; i++)
            dx[j * g.inner + i] += gr[j * g.inner + i] - expf (yr[j * g.inner + i]) * s[i];
      else
        for (int64_t j = 0; j < g.L; j++)
          for (int64_t i = 0; i < g.inner; i++)
            dx[j * g.inner + i] += yr[j * g.inner + i] * (gr[j * g.inner + i] - s[i]);
    }
  return TRUE;
}

CX_DEFINE_OP_FAMILY (softmax,
  { "LogSoftmax", 1, 1, 1, 1, logsoftmax_init, softmax_forward, softmax_backward,
    CX_IN (0), CX_SAVE_OUTPUTS, NULL },
  { "Softmax", 1, 1, 1, 1, softmax_init, softmax_forward, softmax_backward,
    CX_IN (0), CX_SAVE_OUTPUTS, NULL },
)
