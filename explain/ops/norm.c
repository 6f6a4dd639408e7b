/* norm.c: BatchNormalization (inference), LayerNormalization,
 * InstanceNormalization, LRN.
 *
 * Statistics are accumulated in double. The normalisation VJPs follow
 * from x̂ = (x − μ)·r with r = (σ² + ε)^(−½) over a group of D elements:
 *   dx = r · (g − mean(g) − x̂ · mean(g · x̂)),   g = dy · scale
 * (plus the terms from LayerNormalization's Mean and InvStdDev outputs
 * when they carry gradients).
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "ops.h"

#include <math.h>
#include <string.h>

typedef struct
{
  float epsilon;
  int64_t axis;            /* LayerNormalization */
  int64_t size;            /* LRN */
  float alpha, beta, bias; /* LRN */
} NormParams;

static gboolean
need_float (const CxNode *node, const CxTensor *t, const char *what, GError **error)
{
  if (cx_elem_is_float (t->elem))
    return TRUE;
  cx_node_error (node, error, CX_ERROR_INVALID, "%s is %s; the operator takes "
                 "floating-point tensors", what, cx_elem_name (t->elem));
  return FALSE;
}

/* A per-channel parameter: a float tensor of @C elements. */
static gboolean
channel_param (const CxNode *node, const CxTensor *t, const char *what, int64_t C,
               GError **error)
{
  if (!need_float (node, t, what, error))
    return FALSE;
  if (t->numel != C || t->ndim != 1)
    {
      g_autofree char *s = cx_shape_to_string (t->ndim, t->shape);
      cx_node_error (node, error, CX_ERROR_SHAPE,
                     "%s has shape %s; expected [%" G_GINT64_FORMAT "] (one per channel)",
                     what, s, C);
      return FALSE;
    }
  return TRUE;
}

static gboolean
channels_input (const CxNode *node, const CxTensor *x, int64_t *N, int64_t *C, int64_t *P,
                GError **error)
{
  if (!need_float (node, x, "input X", error))
    return FALSE;
  if (x->ndim < 2)
    {
      g_autofree char *s = cx_shape_to_string (x->ndim, x->shape);
      cx_node_error (node, error, CX_ERROR_SHAPE, "input X has shape %s; expected [N, C, …]", s);
      return FALSE;
    }
  *N = x->shape[0];
  *C = x->shape[1];
  *P = 1;
  for (int i = 2; i < x->ndim; i++)
    *P *= x->shape[i];
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* BatchNormalization                                                  */
/* ------------------------------------------------------------------ */

static gboolean
batchnorm_init (CxNode *node, GError **error)
{
  NormParams *p = g_new0 (NormParams, 1);

  node->params = p;
  p->epsilon = cx_node_attr_float (node, "epsilon", 1e-5f);
  if (!(p->epsilon >= 0.0f))
    {
      cx_node_error (node, error, CX_ERROR_INVALID, "attribute 'epsilon' must be non-negative");
      return FALSE;
    }
  if (cx_node_attr_int (node, "training_mode", 0) != 0)
    {
      cx_node_error (node, error, CX_ERROR_UNSUPPORTED,
                     "attribute 'training_mode' is 1; only inference-mode batch "
                     "normalisation (running statistics) is supported");
      return FALSE;
    }
  if (node->opset < 9 && cx_node_attr_int (node, "spatial", 1) == 0)
    {
      cx_node_error (node, error, CX_ERROR_UNSUPPORTED,
                     "attribute 'spatial' is 0; per-activation statistics are not supported");
      return FALSE;
    }
  return TRUE;
}

/* y = a_c·x + b_c with a = scale/√(var+ε), b = B − mean·a. */
static gboolean
batchnorm_coefs (const CxNode *node, CxTensor *const *in, int64_t *N, int64_t *C, int64_t *P,
                 GError **error)
{
  static const char *names[] = { "X", "scale", "B", "input_mean", "input_var" };

  if (!channels_input (node, in[0], N, C, P, error))
    return FALSE;
  for (int k = 1; k < 5; k++)
    {
      g_autofree char *what = g_strdup_printf ("input '%s'", names[k]);
      if (!channel_param (node, in[k], what, *C, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
batchnorm_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
                   GError **error)
{
  const NormParams *p = node->params;
  const CxTensor *x = in[0];
  const float *scale = in[1]->data.f, *bias = in[2]->data.f;
  const float *mean = in[3]->data.f, *var = in[4]->data.f;
  int64_t N, C, P;

  if (!batchnorm_coefs (node, in, &N, &C, &P, error))
    return FALSE;
  out[0] = cx_run_alloc (run, x->elem, x->ndim, x->shape, error);
  if (out[0] == NULL)
    return FALSE;
  for (int64_t c = 0; c < C; c++)
    {
      const float a = scale[c] / sqrtf (var[c] + p->epsilon);
      const float b = bias[c] - mean[c] * a;
      for (int64_t n = 0; n < N; n++)
        {
          const float *restrict xr = x->data.f + (n * C + c) * P;
          float *restrict yr = out[0]->data.f + (n * C + c) * P;
          for (int64_t i = 0; i < P; i++)
            yr[i] = a * xr[i] + b;
        }
    }
  return TRUE;
}

static gboolean
batchnorm_backward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor *const *out,
                    CxTensor *const *gout, CxTensor **gin, GError **error)
{
  const NormParams *p = node->params;
  const CxTensor *x = in[0], *dy = gout[0];
  const float *scale = in[1]->data.f, *mean = in[3]->data.f, *var = in[4]->data.f;
  gboolean stats = gin[1] != NULL || gin[2] != NULL || gin[3] != NULL || gin[4] != NULL;
  int64_t N, C, P;

  if (dy == NULL)
    return TRUE;
  if (!batchnorm_coefs (node, in, &N, &C, &P, error))
    return FALSE;
  for (int64_t c = 0; c < C; c++)
    {
      const float r = 1.0f / sqrtf (var[c] + p->epsilon), a = scale[c] * r;
      double sum_dy = 0.0, sum_dy_xc = 0.0;
      for (int64_t n = 0; n < N; n++)
        {
          const float *restrict gr = dy->data.f + (n * C + c) * P;
          if (gin[0] != NULL)
            {
              float *restrict dx = gin[0]->data.f + (n * C + c) * P;
              for (int64_t i = 0; i < P; i++)
                dx[i] += a * gr[i];
            }
          if (stats)
            {
              const float *restrict xr = x->data.f + (n * C + c) * P;
              const float m = mean[c];
              float s0 = 0.0f, s1 = 0.0f;
              for (int64_t i = 0; i < P; i++)
                {
                  s0 += gr[i];
                  s1 += gr[i] * (xr[i] - m);
                }
              sum_dy += s0;
              sum_dy_xc += s1;
            }
        }
      if (gin[1] != NULL)
        gin[1]->data.f[c] += (float) (sum_dy_xc * r);
      if (gin[2] != NULL)
        gin[2]->data.f[c] += (float) sum_dy;
      if (gin[3] != NULL)
        gin[3]->data.f[c] -= (float) (a * sum_dy);
      if (gin[4] != NULL)
        gin[4]->data.f[c] += (float) (-0.5 * scale[c] * sum_dy_xc * r * r * r);
    }
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Normalising rows: shared by LayerNormalization and InstanceNorm     */
/* ------------------------------------------------------------------ */

/* Mean and r = 1/√(var + ε) of @n values (two passes, in double). */
static void
row_stats (const float *restrict x, int64_t n, float eps, float *mu, float *r)
{
  double s = 0.0, ss = 0.0, m;

  for (int64_t i = 0; i < n; i++)
    s += x[i];
  m = n > 0 ? s / n : 0.0;
  for (int64_t i = 0; i < n; i++)
    ss += (x[i] - m) * (x[i] - m);
  *mu = (float) m;
  *r = (float) (1.0 / sqrt ((n > 0 ? ss / n : 0.0) + eps));
}

/* Adds the VJP of one normalised row into @dx: g = dy·scale (@scale NULL:
 * the scalar @s), plus @gmu and @gr, the gradients reaching the row's
 * mean and r directly. Accumulates Σ dy·x̂ into @dscale (per element, or
 * into *dscale_sum when the scale is one scalar) when non-NULL. */
static void
row_backward (const float *restrict x, const float *restrict dy, int64_t n, float mu, float r,
              const float *restrict scale, float s, float gmu, float gr, float *restrict dx,
              float *restrict dscale, double *dscale_sum)
{
  double sg = 0.0, sgx = 0.0, sdx = 0.0;

  for (int64_t i = 0; i < n; i++)
    {
      const float xh = (x[i] - mu) * r, g = dy[i] * (scale != NULL ? scale[i] : s);
      sg += g;
      sgx += g * xh;
      sdx += dy[i] * xh;
    }
  if (dscale != NULL)
    for (int64_t i = 0; i < n; i++)
      dscale[i] += dy[i] * (x[i] - mu) * r;
  if (dscale_sum != NULL)
    *dscale_sum += sdx;
  if (dx != NULL && n > 0)
    {
      const float mg = (float) (sg / n), mgx = (float) (sgx / n);
      /* Direct paths: dμ/dx_i = 1/n, dr/dx_i = −r³(x_i − μ)/n = −r²·x̂_i/n. */
      const float cmu = gmu / n, cr = -gr * r * r / n;
      for (int64_t i = 0; i < n; i++)
        {
          const float xh = (x[i] - mu) * r, g = dy[i] * (scale != NULL ? scale[i] : s);
          dx[i] += r * (g - mg - xh * mgx) + cmu + cr * xh;
        }
    }
}

/* ------------------------------------------------------------------ */
/* LayerNormalization                                                  */
/* ------------------------------------------------------------------ */

static gboolean
layernorm_init (CxNode *node, GError **error)
{
  NormParams *p = g_new0 (NormParams, 1);

  node->params = p;
  p->epsilon = cx_node_attr_float (node, "epsilon", 1e-5f);
  p->axis = cx_node_attr_int (node, "axis", -1);
  if (!(p->epsilon >= 0.0f))
    {
      cx_node_error (node, error, CX_ERROR_INVALID, "attribute 'epsilon' must be non-negative");
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  int axis;
  int64_t rows, D;
  const float *scale, *bias;   /* expanded to D (maybe into scratch) */
  int64_t *smap, *bmap;        /* expanded index → parameter index, or NULL when identical */
  float *acc;                  /* 2·D accumulators for broadcast parameters' gradients */
} LnGeom;

/* Maps each of the D normalised positions to the element of @t (whose
 * shape broadcasts, unidirectionally, to the normalised shape). */
static gboolean
param_map (const CxNode *node, const CxTensor *x, int axis, const CxTensor *t,
           const char *what, int64_t D, int64_t *map, GError **error)
{
  const int tail = x->ndim - axis;
  int64_t strides[CX_MAX_DIMS], idx[CX_MAX_DIMS] = { 0 };

  if (t->ndim > tail)
    goto bad;
  for (int d = 0; d < tail; d++)
    {
      int td = d - (tail - t->ndim);
      int64_t len = td >= 0 ? t->shape[td] : 1;
      if (len != 1 && len != x->shape[axis + d])
        goto bad;
      strides[d] = 0;
      if (td >= 0 && len != 1)
        {
          int64_t st = 1;
          for (int e = td + 1; e < t->ndim; e++)
            st *= t->shape[e];
          strides[d] = st;
        }
    }
  for (int64_t j = 0; j < D; j++)
    {
      int64_t off = 0;
      for (int d = 0; d < tail; d++)
        off += idx[d] * strides[d];
      map[j] = off;
      for (int d = tail - 1; d >= 0; d--)
        {
          if (++idx[d] < x->shape[axis + d])
            break;
          idx[d] = 0;
        }
    }
  return TRUE;

bad:
  {
    g_autofree char *ts = cx_shape_to_string (t->ndim, t->shape);
    g_autofree char *xs = cx_shape_to_string (x->ndim, x->shape);
    cx_node_error (node, error, CX_ERROR_SHAPE,
                   "%s %s does not broadcast to the normalised axes of X %s from axis %d",
                   what, ts, xs, axis);
    return FALSE;
  }
}

static gboolean
layernorm_geometry (CxRun *run, const CxNode *node, CxTensor *const *in, LnGeom *g,
                    GError **error)
{
  const NormParams *p = node->params;
  const CxTensor *x = in[0], *s = in[1], *b = node->n_in > 2 ? in[2] : NULL;
  int64_t axis = p->axis;
  gboolean remap_s, remap_b;

  if (!need_float (node, x, "input X", error) || !need_float (node, s, "input Scale", error) ||
      (b != NULL && !need_float (node, b, "input B", error)))
    return FALSE;
  if (axis < 0)
    axis += x->ndim;
  if (axis < 0 || axis >= x->ndim)
    {
      g_autofree char *xs = cx_shape_to_string (x->ndim, x->shape);
      cx_node_error (node, error, CX_ERROR_INVALID,
                     "attribute 'axis' is %" G_GINT64_FORMAT " but X has shape %s", p->axis, xs);
      return FALSE;
    }
  g->axis = (int) axis;
  g->rows = 1;
  for (int d = 0; d < axis; d++)
    g->rows *= x->shape[d];
  g->D = g->rows > 0 ? x->numel / g->rows : 0;
  for (int d = (int) axis; g->rows == 0 && d < x->ndim; d++)
    g->D = d == axis ? x->shape[d] : g->D * x->shape[d];
  remap_s = s->numel != g->D || s->ndim > x->ndim - axis;
  remap_b = b != NULL && (b->numel != g->D || b->ndim > x->ndim - axis);
  g->scale = s->data.f;
  g->bias = b != NULL ? b->data.f : NULL;
  g->smap = g->bmap = NULL;
  g->acc = NULL;
  if (remap_s || remap_b)
    {
      int64_t *maps = cx_run_scratch (run, 1, (sizeof (int64_t) + sizeof (float)) * 2 * g->D,
                                      error);
      if (maps == NULL)
        return FALSE;
      g->acc = (float *) (maps + 2 * g->D);
      if (remap_s)
        {
          g->smap = maps;
          if (!param_map (node, x, g->axis, s, "input Scale", g->D, g->smap, error))
            return FALSE;
        }
      if (remap_b)
        {
          g->bmap = maps + g->D;
          if (!param_map (node, x, g->axis, b, "input B", g->D, g->bmap, error))
            return FALSE;
        }
    }
  return TRUE;
}

/* Scale and bias expanded to D floats (in scratch slot 0 when remapped). */
static gboolean
layernorm_expand (CxRun *run, LnGeom *g, GError **error)
{
  float *buf;

  if (g->smap == NULL && g->bmap == NULL)
    return TRUE;
  buf = cx_run_scratch (run, 0, sizeof (float) * 2 * g->D, error);
  if (buf == NULL)
    return FALSE;
  if (g->smap != NULL)
    {
      for (int64_t j = 0; j < g->D; j++)
        buf[j] = g->scale[g->smap[j]];
      g->scale = buf;
    }
  if (g->bmap != NULL)
    {
      for (int64_t j = 0; j < g->D; j++)
        buf[g->D + j] = g->bias[g->bmap[j]];
      g->bias = buf + g->D;
    }
  return TRUE;
}

static void
stat_shape (const CxTensor *x, int axis, int64_t *shape)
{
  for (int d = 0; d < x->ndim; d++)
    shape[d] = d < axis ? x->shape[d] : 1;
}

static gboolean
layernorm_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
                   GError **error)
{
  const NormParams *p = node->params;
  const CxTensor *x = in[0];
  int64_t sshape[CX_MAX_DIMS];
  LnGeom g;

  if (!layernorm_geometry (run, node, in, &g, error) || !layernorm_expand (run, &g, error))
    return FALSE;
  out[0] = cx_run_alloc (run, x->elem, x->ndim, x->shape, error);
  if (out[0] == NULL)
    return FALSE;
  stat_shape (x, g.axis, sshape);
  for (int k = 1; k < 3 && k < node->n_out; k++)
    if (node->out[k] >= 0)
      {
        out[k] = cx_run_alloc (run, CX_ELEM_FLOAT, x->ndim, sshape, error);
        if (out[k] == NULL)
          return FALSE;
      }
  for (int64_t r = 0; r < g.rows; r++)
    {
      const float *restrict xr = x->data.f + r * g.D;
      float *restrict yr = out[0]->data.f + r * g.D;
      const float *restrict sc = g.scale, *restrict bi = g.bias;
      float mu, rs;
      row_stats (xr, g.D, p->epsilon, &mu, &rs);
      if (bi != NULL)
        for (int64_t i = 0; i < g.D; i++)
          yr[i] = (xr[i] - mu) * rs * sc[i] + bi[i];
      else
        for (int64_t i = 0; i < g.D; i++)
          yr[i] = (xr[i] - mu) * rs * sc[i];
      if (node->n_out > 1 && out[1] != NULL)
        out[1]->data.f[r] = mu;
      if (node->n_out > 2 && out[2] != NULL)
        out[2]->data.f[r] = rs;
    }
  return TRUE;
}

static gboolean
layernorm_backward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor *const *out,
                    CxTensor *const *gout, CxTensor **gin, GError **error)
{
  const NormParams *p = node->params;
  const CxTensor *x = in[0], *dy = gout[0];
  const CxTensor *gmean = node->n_out > 1 ? gout[1] : NULL;
  const CxTensor *grstd = node->n_out > 2 ? gout[2] : NULL;
  CxTensor *ds = gin[1], *db = node->n_in > 2 ? gin[2] : NULL;
  float *dsf = NULL, *dbf = NULL;
  LnGeom g;

  if (dy == NULL && gmean == NULL && grstd == NULL)
    return TRUE;
  if (!layernorm_geometry (run, node, in, &g, error) || !layernorm_expand (run, &g, error))
    return FALSE;
  /* Gradients of broadcast parameters accumulate expanded, then fold. */
  if (g.acc != NULL)
    memset (g.acc, 0, sizeof (float) * 2 * g.D);
  if (ds != NULL)
    dsf = g.smap != NULL ? g.acc : ds->data.f;
  if (db != NULL)
    dbf = g.bmap != NULL ? g.acc + g.D : db->data.f;
  for (int64_t r = 0; r < g.rows; r++)
    {
      const float *restrict xr = x->data.f + r * g.D;
      float *dx = gin[0] != NULL ? gin[0]->data.f + r * g.D : NULL;
      float mu, rs;
      row_stats (xr, g.D, p->epsilon, &mu, &rs);
      if (dy != NULL)
        {
          const float *restrict gr = dy->data.f + r * g.D;
          row_backward (xr, gr, g.D, mu, rs, g.scale, 0.0f,
                        gmean != NULL ? gmean->data.f[r] : 0.0f,
                        grstd != NULL ? grstd->data.f[r] : 0.0f, dx, dsf, NULL);
          if (dbf != NULL)
            for (int64_t i = 0; i < g.D; i++)
              dbf[i] += gr[i];
        }
      else if (dx != NULL)
        {
          /* Only Mean / InvStdDev carry gradients. */
          const float cmu = gmean != NULL ? gmean->data.f[r] / g.D : 0.0f;
          const float cr = grstd != NULL ? -grstd->data.f[r] * rs * rs * rs / g.D : 0.0f;
          for (int64_t i = 0; i < g.D; i++)
            dx[i] += cmu + cr * (xr[i] - mu);
        }
    }
  if (ds != NULL && g.smap != NULL)
    for (int64_t j = 0; j < g.D; j++)
      ds->data.f[g.smap[j]] += dsf[j];
  if (db != NULL && g.bmap != NULL)
    for (int64_t j = 0; j < g.D; j++)
      db->data.f[g.bmap[j]] += dbf[j];
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* InstanceNormalization                                               */
/* ------------------------------------------------------------------ */

static gboolean
instancenorm_check (const CxNode *node, CxTensor *const *in, int64_t *N, int64_t *C,
                    int64_t *P, GError **error)
{
  return channels_input (node, in[0], N, C, P, error) &&
         channel_param (node, in[1], "input 'scale'", *C, error) &&
         channel_param (node, in[2], "input 'B'", *C, error);
}

static gboolean
instancenorm_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
                      GError **error)
{
  const NormParams *p = node->params;
  const CxTensor *x = in[0];
  int64_t N, C, P;

  if (!instancenorm_check (node, in, &N, &C, &P, error))
    return FALSE;
  out[0] = cx_run_alloc (run, x->elem, x->ndim, x->shape, error);
  if (out[0] == NULL)
    return FALSE;
  for (int64_t n = 0; n < N; n++)
    for (int64_t c = 0; c < C; c++)
      {
        const float *restrict xr = x->data.f + (n * C + c) * P;
        float *restrict yr = out[0]->data.f + (n * C + c) * P;
        const float s = in[1]->data.f[c], b = in[2]->data.f[c];
        float mu, rs;
        row_stats (xr, P, p->epsilon, &mu, &rs);
        for (int64_t i = 0; i < P; i++)
          yr[i] = (xr[i] - mu) * rs * s + b;
      }
  return TRUE;
}

static gboolean
instancenorm_backward (CxRun *run, const CxNode *node, CxTensor *const *in,
                       CxTensor *const *out, CxTensor *const *gout, CxTensor **gin,
                       GError **error)
{
  const NormParams *p = node->params;
  const CxTensor *x = in[0], *dy = gout[0];
  int64_t N, C, P;

  if (dy == NULL)
    return TRUE;
  if (!instancenorm_check (node, in, &N, &C, &P, error))
    return FALSE;
  for (int64_t n = 0; n < N; n++)
    for (int64_t c = 0; c < C; c++)
      {
        const float *restrict xr = x->data.f + (n * C + c) * P;
        const float *restrict gr = dy->data.f + (n * C + c) * P;
        float *dx = gin[0] != NULL ? gin[0]->data.f + (n * C + c) * P : NULL;
        double dsum = 0.0;
        float mu, rs;
        row_stats (xr, P, p->epsilon, &mu, &rs);
        row_backward (xr, gr, P, mu, rs, NULL, in[1]->data.f[c], 0.0f, 0.0f, dx, NULL,
                      gin[1] != NULL ? &dsum : NULL);
        if (gin[1] != NULL)
          gin[1]->data.f[c] += (float) dsum;
        if (gin[2] != NULL)
          {
            double b = 0.0;
            for (int64_t i = 0; i < P; i++)
              b += gr[i];
            gin[2]->data.f[c] += (float) b;
          }
      }
  return TRUE;
}

static gboolean
epsilon_init (CxNode *node, GError **error)
{
  NormParams *p = g_new0 (NormParams, 1);

  node->params = p;
  p->epsilon = cx_node_attr_float (node, "epsilon", 1e-5f);
  if (!(p->epsilon >= 0.0f))
    {
      cx_node_error (node, error, CX_ERROR_INVALID, "attribute 'epsilon' must be non-negative");
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* LRN                                                                 */
/* ------------------------------------------------------------------ */

/* y_c = x_c · D_c^(−β), D_c = bias + (α/size) Σ_{c' ∈ [c − ⌊(size−1)/2⌋, c + ⌈(size−1)/2⌉]} x_c'². */
static gboolean
lrn_init (CxNode *node, GError **error)
{
  NormParams *p = g_new0 (NormParams, 1);

  node->params = p;
  p->size = cx_node_attr_int (node, "size", 0);
  p->alpha = cx_node_attr_float (node, "alpha", 1e-4f);
  p->beta = cx_node_attr_float (node, "beta", 0.75f);
  p->bias = cx_node_attr_float (node, "bias", 1.0f);
  if (p->size < 1)
    {
      cx_node_error (node, error, CX_ERROR_INVALID,
                     "attribute 'size' must be positive, got %" G_GINT64_FORMAT, p->size);
      return FALSE;
    }
  return TRUE;
}

/* D for every (channel, position) of one image: sliding channel window. */
static void
lrn_denominators (const NormParams *p, const float *x, int64_t C, int64_t P, float *den,
                  float *sq)
{
  const int64_t lo = (p->size - 1) / 2, hi = p->size - 1 - lo;
  const float k = p->alpha / (float) p->size;

  /* sq holds the running window sum Σ x² for the current channel. */
  memset (sq, 0, sizeof (float) * P);
  for (int64_t c = 0; c <= MIN (hi, C - 1); c++)
    {
      const float *restrict xr = x + c * P;
      for (int64_t i = 0; i < P; i++)
        sq[i] += xr[i] * xr[i];
    }
  for (int64_t c = 0; c < C; c++)
    {
      float *restrict dr = den + c * P;
      for (int64_t i = 0; i < P; i++)
        dr[i] = p->bias + k * sq[i];
      if (c + hi + 1 < C)
        {
          const float *restrict xa = x + (c + hi + 1) * P;
          for (int64_t i = 0; i < P; i++)
            sq[i] += xa[i] * xa[i];
        }
      if (c - lo >= 0)
        {
          const float *restrict xs = x + (c - lo) * P;
          for (int64_t i = 0; i < P; i++)
            sq[i] -= xs[i] * xs[i];
        }
    }
}

static gboolean
lrn_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
             GError **error)
{
  const NormParams *p = node->params;
  const CxTensor *x = in[0];
  int64_t N, C, P;
  float *den, *sq;

  if (!channels_input (node, x, &N, &C, &P, error))
    return FALSE;
  out[0] = cx_run_alloc (run, x->elem, x->ndim, x->shape, error);
  if (out[0] == NULL)
    return FALSE;
  den = cx_run_scratch (run, 0, sizeof (float) * (C * P + P), error);
  if (den == NULL)
    return FALSE;
  sq = den + C * P;
  for (int64_t n = 0; n < N; n++)
    {
      const float *xn = x->data.f + n * C * P;
      float *yn = out[0]->data.f + n * C * P;
      lrn_denominators (p, xn, C, P, den, sq);
      for (int64_t i = 0; i < C * P; i++)
        yn[i] = xn[i] * powf (den[i], -p->beta);
    }
  return TRUE;
}

/* dx_j = dy_j D_j^(−β) − 2β(α/size) x_j Σ_{c : j ∈ window(c)} dy_c x_c D_c^(−β−1). */
static gboolean
lrn_backward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor *const *out,
              CxTensor *const *gout, CxTensor **gin, GError **error)
{
  const NormParams *p = node->params;
  const CxTensor *x = in[0], *dy = gout[0];
  const int64_t lo = (p->size - 1) / 2, hi = p->size - 1 - lo;
  const float k2b = 2.0f * p->beta * p->alpha / (float) p->size;
  int64_t N, C, P;
  float *den, *sq, *t;

  if (dy == NULL || gin[0] == NULL)
    return TRUE;
  if (!channels_input (node, x, &N, &C, &P, error))
    return FALSE;
  den = cx_run_scratch (run, 0, sizeof (float) * (C * P + P), error);
  t = den == NULL ? NULL : cx_run_scratch (run, 1, sizeof (float) * C * P, error);
  if (t == NULL)
    return FALSE;
  sq = den + C * P;
  for (int64_t n = 0; n < N; n++)
    {
      const float *xn = x->data.f + n * C * P, *gn = dy->data.f + n * C * P;
      float *dx = gin[0]->data.f + n * C * P;
      lrn_denominators (p, xn, C, P, den, sq);
      for (int64_t i = 0; i < C * P; i++)
        {
          const float dp = powf (den[i], -p->beta);
          dx[i] += gn[i] * dp;
          t[i] = gn[i] * xn[i] * dp / den[i];
        }
      /* Channel c' contributes to j when c' ∈ [j − hi, j + lo]: a sliding sum again. */
      memset (sq, 0, sizeof (float) * P);
      for (int64_t c = 0; c <= MIN (lo, C - 1); c++)
        for (int64_t i = 0; i < P; i++)
          sq[i] += t[c * P + i];
      for (int64_t j = 0; j < C; j++)
        {
          const float *restrict xr = xn + j * P;
          float *restrict dr = dx + j * P;
          for (int64_t i = 0; i < P; i++)
            dr[i] -= k2b * xr[i] * sq[i];
          if (j + lo + 1 < C)
            for (int64_t i = 0; i < P; i++)
              sq[i] += t[(j + lo + 1) * P + i];
          if (j - hi >= 0)
            for (int64_t i = 0; i < P; i++)
              sq[i] -= t[(j - hi) * P + i];
        }
    }
  return TRUE;
}

CX_DEFINE_OP_FAMILY (norm,
  { "BatchNormalization", 5, 5, 1, 5, batchnorm_init, batchnorm_forward, batchnorm_backward,
    CX_IN (0) | CX_IN (1) | CX_IN (2) | CX_IN (3) | CX_IN (4), CX_SAVE_INPUTS, NULL },
  { "InstanceNormalization", 3, 3, 1, 1, epsilon_init, instancenorm_forward,
    instancenorm_backward, CX_IN (0) | CX_IN (1) | CX_IN (2), CX_SAVE_INPUTS, NULL },
  { "LRN", 1, 1, 1, 1, lrn_init, lrn_forward, lrn_backward, CX_IN (0), CX_SAVE_INPUTS, NULL },
  { "LayerNormalization", 2, 3, 1, 3, layernorm_init, layernorm_forward, layernorm_backward,
    CX_IN (0) | CX_IN (1) | CX_IN (2), CX_SAVE_INPUTS, NULL },
)
