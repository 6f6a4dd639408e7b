/* pool.c: MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool.
 *
 * Windows are walked a whole output row at a time: for each kernel
 * offset along W the valid output columns form one range, so the inner
 * loop is a straight (strided) loop over that range with no bounds
 * checks. 1-D and 2-D pooling are 3-D pooling with leading axes of one.
 *
 * MaxPool's backward recomputes the argmax from the saved input (the
 * first maximum in window order, as the forward's Indices output) and
 * routes each output gradient there.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "ops.h"
#include "../parallel.h"
#include "vec8.h"
#include "onnx.pb-c.h"

#include <math.h>
#include <string.h>

#define MAX_SPATIAL 3

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(CANDOR_FUZZING)
#define CX_HOT __attribute__ ((target_clones ("arch=x86-64-v3", "default")))
#else
#define CX_HOT
#endif

typedef enum
{
  PAD_NOTSET,
  PAD_SAME_UPPER,
  PAD_SAME_LOWER,
  PAD_VALID,
} AutoPad;

typedef struct
{
  AutoPad auto_pad;
  gboolean ceil_mode, count_include_pad, column_major;
  gsize n_kernel, n_strides, n_dilations, n_pads;
  int64_t kernel[MAX_SPATIAL];
  int64_t strides[MAX_SPATIAL];
  int64_t dilations[MAX_SPATIAL];
  int64_t pads[2 * MAX_SPATIAL];
} PoolParams;

typedef struct
{
  int64_t N, C;
  int nsp;
  int64_t in[MAX_SPATIAL], out[MAX_SPATIAL];
  int64_t k[MAX_SPATIAL], s[MAX_SPATIAL], d[MAX_SPATIAL], pb[MAX_SPATIAL], pe[MAX_SPATIAL];
  int64_t isz, osz;
} PoolGeom;

/* ------------------------------------------------------------------ */
/* Attributes                                                          */
/* ------------------------------------------------------------------ */

/* Attribute strings are protobuf bytes without a terminating NUL: read
 * them with their length (cx_node_attr_string () assumes a NUL). */
static char *
attr_string (const CxNode *node, const char *name, const char *def)
{
  const Onnx__NodeProto *np = node->proto;

  for (size_t i = 0; np != NULL && i < np->n_attribute; i++)
    {
      const Onnx__AttributeProto *a = np->attribute[i];
      if (a->name != NULL && g_str_equal (a->name, name) && a->has_s)
        return g_strndup ((const char *) a->s.data, a->s.len);
    }
  return g_strdup (def);
}

static gboolean
read_ints (CxNode *node, const char *name, int64_t *dst, gsize max, gsize *n,
           int64_t min_value, GError **error)
{
  const int64_t *v;

  *n = 0;
  if (!cx_node_attr_ints (node, name, &v, n))
    return TRUE;
  if (*n > max)
    {
      cx_node_error (node, error, CX_ERROR_UNSUPPORTED,
                     "attribute '%s' has %" G_GSIZE_FORMAT " values; at most %" G_GSIZE_FORMAT
                     " spatial dimensions are supported", name, *n, max);
      return FALSE;
    }
  for (gsize i = 0; i < *n; i++)
    {
      if (v[i] < min_value)
        {
          cx_node_error (node, error, CX_ERROR_INVALID,
                         "attribute '%s' must be %s, got %" G_GINT64_FORMAT, name,
                         min_value > 0 ? "positive" : "non-negative", v[i]);
          return FALSE;
        }
      dst[i] = v[i];
    }
  return TRUE;
}

static gboolean
flag_attr (CxNode *node, const char *name, gboolean *dst, GError **error)
{
  int64_t v = cx_node_attr_int (node, name, 0);

  if (v != 0 && v != 1)
    {
      cx_node_error (node, error, CX_ERROR_INVALID,
                     "attribute '%s' must be 0 or 1, got %" G_GINT64_FORMAT, name, v);
      return FALSE;
    }
  *dst = v != 0;
  return TRUE;
}

static gboolean
pool_init (CxNode *node, GError **error)
{
  PoolParams *p = g_new0 (PoolParams, 1);
  g_autofree char *ap = attr_string (node, "auto_pad", "NOTSET");

  node->params = p;
  if (g_str_equal (ap, "NOTSET"))
    p->auto_pad = PAD_NOTSET;
  else if (g_str_equal (ap, "SAME_UPPER"))
    p->auto_pad = PAD_SAME_UPPER;
  else if (g_str_equal (ap, "SAME_LOWER"))
    p->auto_pad = PAD_SAME_LOWER;
  else if (g_str_equal (ap, "VALID"))
    p->auto_pad = PAD_VALID;
  else
    {
      cx_node_error (node, error, CX_ERROR_INVALID,
                     "attribute 'auto_pad' is '%s'; expected NOTSET, SAME_UPPER, "
                     "SAME_LOWER or VALID", ap);
      return FALSE;
    }
  if (!read_ints (node, "kernel_shape", p->kernel, MAX_SPATIAL, &p->n_kernel, 1, error) ||
      !read_ints (node, "strides", p->strides, MAX_SPATIAL, &p->n_strides, 1, error) ||
      !read_ints (node, "dilations", p->dilations, MAX_SPATIAL, &p->n_dilations, 1, error) ||
      !read_ints (node, "pads", p->pads, 2 * MAX_SPATIAL, &p->n_pads, 0, error) ||
      !flag_attr (node, "ceil_mode", &p->ceil_mode, error) ||
      !flag_attr (node, "count_include_pad", &p->count_include_pad, error) ||
      !flag_attr (node, "storage_order", &p->column_major, error))
    return FALSE;
  if (p->n_kernel == 0)
    {
      cx_node_error (node, error, CX_ERROR_INVALID, "attribute 'kernel_shape' is required");
      return FALSE;
    }
  if ((p->n_strides && p->n_strides != p->n_kernel) ||
      (p->n_dilations && p->n_dilations != p->n_kernel) ||
      (p->n_pads && p->n_pads != 2 * p->n_kernel))
    {
      const char *what = p->n_strides && p->n_strides != p->n_kernel ? "strides"
                         : p->n_dilations && p->n_dilations != p->n_kernel ? "dilations" : "pads";
      cx_node_error (node, error, CX_ERROR_INVALID,
                     "attribute '%s' does not match the %" G_GSIZE_FORMAT " axes of "
                     "'kernel_shape'", what, p->n_kernel);
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Geometry                                                            */
/* ------------------------------------------------------------------ */

static gboolean
pool_geometry (const CxNode *node, const CxTensor *x, PoolGeom *g, GError **error)
{
  const PoolParams *p = node->params;
  int nsp = x->ndim - 2;

  if (!cx_elem_is_float (x->elem) && !g_str_equal (node->op_type, "MaxPool"))
    {
      cx_node_error (node, error, CX_ERROR_INVALID, "input is %s; the operator takes "
                     "floating-point tensors", cx_elem_name (x->elem));
      return FALSE;
    }
  if (nsp != (int) p->n_kernel)
    {
      g_autofree char *xs = cx_shape_to_string (x->ndim, x->shape);
      cx_node_error (node, error, CX_ERROR_SHAPE,
                     "input X has shape %s but 'kernel_shape' has %" G_GSIZE_FORMAT " axes",
                     xs, p->n_kernel);
      return FALSE;
    }
  g->nsp = nsp;
  g->N = x->shape[0];
  g->C = x->shape[1];
  for (int i = 0; i < MAX_SPATIAL; i++)
    {
      g->in[i] = g->out[i] = g->k[i] = g->s[i] = g->d[i] = 1;
      g->pb[i] = g->pe[i] = 0;
    }
  for (int i = 0; i < nsp; i++)
    {
      const int j = MAX_SPATIAL - nsp + i;
      const int64_t L = x->shape[2 + i], k = p->kernel[i];
      const int64_t s = p->n_strides ? p->strides[i] : 1;
      const int64_t d = p->n_dilations ? p->dilations[i] : 1;
      const int64_t ek = (k - 1) * d + 1;
      int64_t pb = p->n_pads ? p->pads[i] : 0, pe = p->n_pads ? p->pads[nsp + i] : 0, o;

      if (p->auto_pad == PAD_VALID)
        pb = pe = 0;
      if (p->auto_pad == PAD_SAME_UPPER || p->auto_pad == PAD_SAME_LOWER)
        {
          int64_t total;
          o = (L + s - 1) / s;
          total = MAX (0, (o - 1) * s + ek - L);
          pb = p->auto_pad == PAD_SAME_UPPER ? total / 2 : total - total / 2;
          pe = total - pb;
        }
      else
        {
          int64_t span = L + pb + pe - ek;
          if (span < 0)
            {
              g_autofree char *xs = cx_shape_to_string (x->ndim, x->shape);
              cx_node_error (node, error, CX_ERROR_SHAPE,
                             "input X %s is smaller than the (dilated, padded) kernel", xs);
              return FALSE;
            }
          o = (p->ceil_mode ? (span + s - 1) / s : span / s) + 1;
          /* The last window must start inside the input or its left padding. */
          if (p->ceil_mode && (o - 1) * s >= L + pb)
            o--;
        }
      g->in[j] = L;
      g->out[j] = o;
      g->k[j] = k;
      g->s[j] = s;
      g->d[j] = d;
      g->pb[j] = pb;
      g->pe[j] = pe;
    }
  g->isz = g->in[0] * g->in[1] * g->in[2];
  g->osz = g->out[0] * g->out[1] * g->out[2];
  return TRUE;
}

static void
pool_out_shape (const CxTensor *x, const PoolGeom *g, int64_t *shape)
{
  shape[0] = g->N;
  shape[1] = g->C;
  for (int i = 0; i < g->nsp; i++)
    shape[2 + i] = g->out[MAX_SPATIAL - g->nsp + i];
}

/* Kernel positions k with 0 ≤ o·s − p + k·d < L, for output o: [*lo, *hi). */
static inline void
kernel_range (const PoolGeom *g, int axis, int64_t o, int64_t *lo, int64_t *hi)
{
  const int64_t start = o * g->s[axis] - g->pb[axis], d = g->d[axis];
  const int64_t L = g->in[axis], k = g->k[axis];
  *lo = start >= 0 ? 0 : (-start + d - 1) / d;
  *hi = L - start <= 0 ? 0 : MIN (k, (L - start + d - 1) / d);
  *hi = MAX (*hi, *lo);
}

/* Output columns o with 0 ≤ o·s + off < L (off = kw·d − p): [*lo, *hi). */
static inline void
column_range (const PoolGeom *g, int64_t off, int64_t *lo, int64_t *hi)
{
  const int64_t s = g->s[2], L = g->in[2], O = g->out[2];
  int64_t a = off >= 0 ? 0 : (-off + s - 1) / s;
  int64_t b = L - 1 - off < 0 ? 0 : (L - 1 - off) / s + 1;
  *lo = MIN (a, O);
  *hi = MAX (*lo, MIN (b, O));
}

/* Per-call tables: for each kernel column kw, its output column range. */
typedef struct
{
  int64_t *wlo, *whi;
} ColTable;

static gboolean
col_table (CxRun *run, const PoolGeom *g, ColTable *t, GError **error)
{
  t->wlo = cx_run_scratch (run, 1, sizeof (int64_t) * 2 * g->k[2], error);
  if (t->wlo == NULL)
    return FALSE;
  t->whi = t->wlo + g->k[2];
  for (int64_t kw = 0; kw < g->k[2]; kw++)
    column_range (g, kw * g->d[2] - g->pb[2], &t->wlo[kw], &t->whi[kw]);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* MaxPool                                                             */
/* ------------------------------------------------------------------ */

/* Max over each window of one plane, a row of outputs at a time; with
 * @arg, also the position (in the plane) of the first maximum. */
CX_HOT static void
max_plane_f (const PoolGeom *g, const ColTable *t, const float *restrict x,
             float *restrict y, int32_t *restrict arg)
{
  const int64_t OW = g->out[2], sw = g->s[2];

  for (int64_t od = 0; od < g->out[0]; od++)
    for (int64_t oh = 0; oh < g->out[1]; oh++)
      {
        float *restrict acc = y + (od * g->out[1] + oh) * OW;
        int32_t *restrict ai = arg != NULL ? arg + (od * g->out[1] + oh) * OW : NULL;
        int64_t dlo, dhi, hlo, hhi;
        kernel_range (g, 0, od, &dlo, &dhi);
        kernel_range (g, 1, oh, &hlo, &hhi);
        for (int64_t ow = 0; ow < OW; ow++)
          acc[ow] = -INFINITY;
        if (ai != NULL)
          for (int64_t ow = 0; ow < OW; ow++)
            ai[ow] = -1;
        for (int64_t kd = dlo; kd < dhi; kd++)
          for (int64_t kh = hlo; kh < hhi; kh++)
            {
              const int64_t id = od * g->s[0] - g->pb[0] + kd * g->d[0];
              const int64_t ih = oh * g->s[1] - g->pb[1] + kh * g->d[1];
              const int64_t rowoff = (id * g->in[1] + ih) * g->in[2];
              const float *restrict row = x + rowoff;
              for (int64_t kw = 0; kw < g->k[2]; kw++)
                {
                  const int64_t off = kw * g->d[2] - g->pb[2];
                  if (ai == NULL)
                    for (int64_t ow = t->wlo[kw]; ow < t->whi[kw]; ow++)
                      {
                        const float v = row[ow * sw + off];
                        acc[ow] = v > acc[ow] ? v : acc[ow];
                      }
                  else
                    for (int64_t ow = t->wlo[kw]; ow < t->whi[kw]; ow++)
                      {
                        const float v = row[ow * sw + off];
                        const int32_t here = (int32_t) (rowoff + ow * sw + off);
                        const gboolean gt = v > acc[ow];
                        ai[ow] = gt ? here : ai[ow];
                        acc[ow] = gt ? v : acc[ow];
                      }
                }
            }
      }
}

/* Windows that tile the plane (2-D or 1-D, kernel = stride, no dilation,
 * no padding, every window whole): each input pixel lies in at most one
 * window, so the backward pass writes each gradient pixel once, from the
 * window it belongs to, without zeroing the plane first or scattering. */
static gboolean
tiled_applies (const PoolGeom *g)
{
  if (g->in[0] != 1 || g->out[0] != 1)
    return FALSE;
  for (int a = 1; a < MAX_SPATIAL; a++)
    if (g->k[a] != g->s[a] || g->d[a] != 1 || g->pb[a] != 0 || g->out[a] * g->k[a] > g->in[a])
      return FALSE;
  return TRUE;
}

/* The 2×2 backward below takes eight windows at a time (vec8.h), the
 * pairs of each input row split into their left and right pixels. */

/* The left (even) and right (odd) pixels of 8 pairs at @p. */
G_ALWAYS_INLINE static inline void
v8_split_pairs (const float *p, V8 *left, V8 *right)
{
  V8 lo, hi;
  V8_LOAD (lo, p);
  V8_LOAD (hi, p + 8);
  *left = __builtin_shuffle (lo, hi, (M8) { 0, 2, 4, 6, 8, 10, 12, 14 });
  *right = __builtin_shuffle (lo, hi, (M8) { 1, 3, 5, 7, 9, 11, 13, 15 });
}

/* The inverse: 8 pairs (left[i], right[i]) stored at @p. */
G_ALWAYS_INLINE static inline void
v8_store_pairs (float *p, const V8 *left, const V8 *right)
{
  V8 lo = __builtin_shuffle (*left, *right, (M8) { 0, 8, 1, 9, 2, 10, 3, 11 });
  V8 hi = __builtin_shuffle (*left, *right, (M8) { 4, 12, 5, 13, 6, 14, 7, 15 });
  V8_STORE (p, lo);
  V8_STORE (p + 8, hi);
}

/* The gradient pixels of eight 2×2 windows whose pixel pairs start at
 * @x0 and @x1 (rows 2·oh and 2·oh + 1), for output gradients @gy: each
 * window's gradient at its first maximum (from the last pixel
 * back, where the running max last rose), zero elsewhere. `0 +` keeps the
 * bits of adding into a zeroed plane (a −0 gradient becomes +0). Selects
 * only, so every lane does what the scalar rule does. */
G_ALWAYS_INLINE static inline void
max_2x2_backward_by8 (const float *x0, const float *x1, const float *gy, float *g0, float *g1)
{
  const V8 ninf = { -INFINITY, -INFINITY, -INFINITY, -INFINITY,
                    -INFINITY, -INFINITY, -INFINITY, -INFINITY };
  const V8 zero = { 0 };
  V8 a, b, c, d, ma, mb, mc, rest, va, vb, vc, vd;
  M8 up;

  v8_split_pairs (x0, &a, &b);
  v8_split_pairs (x1, &c, &d);
  ma = V8_SELECT (a > ninf, a, ninf);
  mb = V8_SELECT (b > ma, b, ma);
  mc = V8_SELECT (c > mb, c, mb);
  V8_LOAD (rest, gy);
  rest = zero + rest;
  up = d > mc;
  vd = V8_SELECT (up, rest, zero);
  rest = V8_SELECT (up, zero, rest);
  up = c > mb;
  vc = V8_SELECT (up, rest, zero);
  rest = V8_SELECT (up, zero, rest);
  up = b > ma;
  vb = V8_SELECT (up, rest, zero);
  rest = V8_SELECT (up, zero, rest);
  va = V8_SELECT (a > ninf, rest, zero);
  v8_store_pairs (g0, &va, &vb);
  v8_store_pairs (g1, &vc, &vd);
}

/* The last n < 8 windows of a row: through copies padded with −inf
 * (which never wins; the padded lanes are dropped). */
G_ALWAYS_INLINE static inline void
pad_pairs (const float *src, int64_t n, float *dst)
{
  for (int i = 0; i < 16; i++)
    dst[i] = -INFINITY;
  memcpy (dst, src, sizeof (float) * 2 * n);
}

/* 2×2 windows, stride 2: the forward's max in window order (GCC
 * vectorises this loop well as it is). */
CX_HOT static void
max_tiled_2x2 (const PoolGeom *g, const float *restrict x, float *restrict y)
{
  const int64_t OH = g->out[1], OW = g->out[2], IW = g->in[2];

  for (int64_t oh = 0; oh < OH; oh++)
    {
      const float *restrict r0 = x + 2 * oh * IW, *restrict r1 = r0 + IW;
      float *restrict yr = y + oh * OW;
      for (int64_t ow = 0; ow < OW; ow++)
        {
          /* As max_plane_f: from −inf, take v when v > the running max. */
          float m = -INFINITY;
          m = r0[2 * ow] > m ? r0[2 * ow] : m;
          m = r0[2 * ow + 1] > m ? r0[2 * ow + 1] : m;
          m = r1[2 * ow] > m ? r1[2 * ow] : m;
          m = r1[2 * ow + 1] > m ? r1[2 * ow + 1] : m;
          yr[ow] = m;
        }
    }
}

/* 2×2 windows, stride 2, backward_set: writes every gradient pixel of
 * the windows (max_2x2_backward_by8). */
CX_HOT static void
max_tiled_2x2_backward_set (const PoolGeom *g, const float *restrict x, const float *restrict gy,
                            float *restrict gx)
{
  const int64_t OH = g->out[1], OW = g->out[2], IW = g->in[2];

  for (int64_t oh = 0; oh < OH; oh++)
    {
      const float *x0 = x + 2 * oh * IW, *x1 = x0 + IW, *gr = gy + oh * OW;
      float *g0 = gx + 2 * oh * IW, *g1 = g0 + IW;
      int64_t ow = 0;
      for (; ow + 8 <= OW; ow += 8)
        max_2x2_backward_by8 (x0 + 2 * ow, x1 + 2 * ow, gr + ow, g0 + 2 * ow, g1 + 2 * ow);
      if (ow < OW)
        {
          const int64_t n = OW - ow;
          float p0[16], p1[16], pg[8] = { 0 }, o0[16], o1[16];
          pad_pairs (x0 + 2 * ow, n, p0);
          pad_pairs (x1 + 2 * ow, n, p1);
          memcpy (pg, gr + ow, sizeof (float) * n);
          max_2x2_backward_by8 (p0, p1, pg, o0, o1);
          memcpy (g0 + 2 * ow, o0, sizeof (float) * 2 * n);
          memcpy (g1 + 2 * ow, o1, sizeof (float) * 2 * n);
        }
    }
}

/* Any tiling window, backward: routes each output's gradient to its
 * window's first maximum; with @set, also zeroes the rest of the plane. */
static void
max_tiled_backward (const PoolGeom *g, const float *restrict x, const float *restrict gy,
                    float *restrict gx, gboolean set)
{
  const int64_t OH = g->out[1], OW = g->out[2], IH = g->in[1], IW = g->in[2];
  const int64_t KH = g->k[1], KW = g->k[2];

  if (set && KH == 2 && KW == 2)
    max_tiled_2x2_backward_set (g, x, gy, gx);
  else
    for (int64_t oh = 0; oh < OH; oh++)
      for (int64_t ow = 0; ow < OW; ow++)
        {
          const int64_t base = oh * KH * IW + ow * KW;
          int64_t best = -1;
          float m = -INFINITY;
          for (int64_t kh = 0; kh < KH; kh++)
            for (int64_t kw = 0; kw < KW; kw++)
              {
                const int64_t i = base + kh * IW + kw;
                if (x[i] > m)
                  {
                    m = x[i];
                    best = i;
                  }
              }
          if (set)
            for (int64_t kh = 0; kh < KH; kh++)
              for (int64_t kw = 0; kw < KW; kw++)
                gx[base + kh * IW + kw] = 0.0f;
          if (best >= 0)
            gx[best] += gy[oh * OW + ow];
        }
  if (!set)
    return;
  /* Pixels no window covers (the input's last rows and columns). */
  for (int64_t ih = 0; ih < IH; ih++)
    {
      const int64_t from = ih < OH * KH ? OW * KW : 0;
      for (int64_t iw = from; iw < IW; iw++)
        gx[ih * IW + iw] = 0.0f;
    }
}

/* The same on integer storage (MaxPool takes int8/uint8 since opset 12). */
static void
max_plane_i (const PoolGeom *g, const ColTable *t, const int64_t *x, int64_t *y,
             int32_t *arg)
{
  const int64_t OW = g->out[2], sw = g->s[2];

  for (int64_t od = 0; od < g->out[0]; od++)
    for (int64_t oh = 0; oh < g->out[1]; oh++)
      {
        int64_t *acc = y + (od * g->out[1] + oh) * OW;
        int32_t *ai = arg != NULL ? arg + (od * g->out[1] + oh) * OW : NULL;
        int64_t dlo, dhi, hlo, hhi;
        kernel_range (g, 0, od, &dlo, &dhi);
        kernel_range (g, 1, oh, &hlo, &hhi);
        for (int64_t ow = 0; ow < OW; ow++)
          {
            acc[ow] = G_MININT64;
            if (ai != NULL)
              ai[ow] = -1;
          }
        for (int64_t kd = dlo; kd < dhi; kd++)
          for (int64_t kh = hlo; kh < hhi; kh++)
            {
              const int64_t id = od * g->s[0] - g->pb[0] + kd * g->d[0];
              const int64_t ih = oh * g->s[1] - g->pb[1] + kh * g->d[1];
              const int64_t rowoff = (id * g->in[1] + ih) * g->in[2];
              for (int64_t kw = 0; kw < g->k[2]; kw++)
                {
                  const int64_t off = kw * g->d[2] - g->pb[2];
                  for (int64_t ow = t->wlo[kw]; ow < t->whi[kw]; ow++)
                    {
                      const int64_t v = x[rowoff + ow * sw + off];
                      if (v > acc[ow] || (ai != NULL && ai[ow] < 0))
                        {
                          acc[ow] = v;
                          if (ai != NULL)
                            ai[ow] = (int32_t) (rowoff + ow * sw + off);
                        }
                    }
                }
            }
      }
}

/* An index in the plane as ONNX's Indices output spells it (row- or
 * column-major within the spatial axes). */
static int64_t
onnx_index (const PoolGeom *g, gboolean column_major, int64_t pos)
{
  int64_t w, h, d;

  if (!column_major)
    return pos;
  w = pos % g->in[2];
  h = (pos / g->in[2]) % g->in[1];
  d = pos / (g->in[2] * g->in[1]);
  return h + w * g->in[1] + d * g->in[1] * g->in[2];
}

/* MaxPool over planes [pl0, pl1) of @x; with @arg (one plane of scratch),
 * also each maximum's position, written to @yi as ONNX's Indices or, for
 * the backward pass (@gy, @gx), used to route the gradient. */
typedef struct
{
  const PoolGeom *g;
  const ColTable *t;
  gboolean column_major;
  const CxTensor *x;
  CxTensor *y, *yi;
  const float *gy;
  float *gx;
  int32_t *arg;      /* nparts planes of scratch */
  float *ymax;       /* backward: nparts planes of scratch */
  gboolean set;      /* backward: @gx starts uninitialised (backward_set) */
  gboolean tiled;    /* float, no indices, windows tile the plane (tiled_applies) */
} MaxJob;

static void
maxpool_part (gpointer data, int part, int nparts)
{
  const MaxJob *j = data;
  const PoolGeom *g = j->g;
  int32_t *arg = j->arg != NULL ? j->arg + part * g->osz : NULL;
  int64_t pl0, pl1;

  pl0 = g->N * g->C * part / nparts;
  pl1 = g->N * g->C * (part + 1) / nparts;
  for (int64_t pl = pl0; pl < pl1; pl++)
    {
      if (j->gx != NULL && j->tiled)
        {
          max_tiled_backward (g, j->x->data.f + pl * g->isz, j->gy + pl * g->osz,
                              j->gx + pl * g->isz, j->set);
          continue;
        }
      if (j->gx != NULL)
        {
          const float *restrict gy = j->gy + pl * g->osz;
          float *restrict gx = j->gx + pl * g->isz;
          if (j->set)
            memset (gx, 0, sizeof (float) * g->isz);
          max_plane_f (g, j->t, j->x->data.f + pl * g->isz, j->ymax + part * g->osz, arg);
          for (int64_t o = 0; o < g->osz; o++)
            if (arg[o] >= 0)
              gx[arg[o]] += gy[o];
          continue;
        }
      if (j->tiled && g->k[1] == 2 && g->k[2] == 2)
        max_tiled_2x2 (g, j->x->data.f + pl * g->isz, j->y->data.f + pl * g->osz);
      else if (cx_elem_is_float (j->x->elem))
        max_plane_f (g, j->t, j->x->data.f + pl * g->isz, j->y->data.f + pl * g->osz,
                     j->yi != NULL ? arg : NULL);
      else
        max_plane_i (g, j->t, j->x->data.i + pl * g->isz, j->y->data.i + pl * g->osz, arg);
      if (j->yi != NULL)
        for (int64_t o = 0; o < g->osz; o++)
          j->yi->data.i[pl * g->osz + o] =
            arg[o] < 0 ? -1 : pl * g->isz + onnx_index (g, j->column_major, arg[o]);
    }
}

static gboolean
maxpool_check_size (const CxNode *node, const PoolGeom *g, GError **error)
{
  if (g->isz < G_MAXINT32)
    return TRUE;
  cx_node_error (node, error, CX_ERROR_LIMIT, "the input planes are too large");
  return FALSE;
}

static gboolean
maxpool_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
                 GError **error)
{
  const PoolParams *p = node->params;
  const CxTensor *x = in[0];
  gboolean want_indices = node->n_out > 1 && node->out[1] >= 0;
  int64_t shape[MAX_SPATIAL + 2];
  int32_t *arg = NULL;
  PoolGeom g;
  ColTable t;
  MaxJob job;
  int nparts;

  if (!pool_geometry (node, x, &g, error) || !maxpool_check_size (node, &g, error))
    return FALSE;
  pool_out_shape (x, &g, shape);
  out[0] = cx_run_alloc (run, x->elem, x->ndim, shape, error);
  if (out[0] == NULL)
    return FALSE;
  if (want_indices)
    {
      out[1] = cx_run_alloc (run, CX_ELEM_INT64, x->ndim, shape, error);
      if (out[1] == NULL)
        return FALSE;
    }
  if (out[0]->numel == 0)
    return TRUE;
  if (!col_table (run, &g, &t, error))
    return FALSE;
  /* Planes are independent: split between threads (parallel.h). */
  nparts = MAX (1, MIN (cx_parallel_parts (x->numel), g.N * g.C));
  if (want_indices || !cx_elem_is_float (x->elem))
    {
      arg = cx_run_scratch (run, 0, sizeof (int32_t) * g.osz * nparts, error);
      if (arg == NULL)
        return FALSE;
    }
  job = (MaxJob) { &g, &t, p->column_major, x, out[0], want_indices ? out[1] : NULL,
                   NULL, NULL, arg, NULL, FALSE,
                   tiled_applies (&g) && !want_indices && cx_elem_is_float (x->elem) };
  cx_parallel_run (maxpool_part, &job, nparts);
  return TRUE;
}

static gboolean
maxpool_vjp (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor *const *gout,
             CxTensor **gin, gboolean set, GError **error)
{
  const CxTensor *x = in[0], *dy = gout[0];
  PoolGeom g;
  ColTable t;
  float *ymax;
  MaxJob job;
  int nparts;

  if (dy == NULL || gin[0] == NULL || dy->numel == 0)
    return TRUE;
  if (!pool_geometry (node, x, &g, error) || !maxpool_check_size (node, &g, error) ||
      !col_table (run, &g, &t, error))
    return FALSE;
  /* Each plane's gradient comes from its own plane: split between threads. */
  nparts = MAX (1, MIN (cx_parallel_parts (x->numel), g.N * g.C));
  ymax = cx_run_scratch (run, 0, (sizeof (float) + sizeof (int32_t)) * g.osz * nparts, error);
  if (ymax == NULL)
    return FALSE;
  job = (MaxJob) { &g, &t, FALSE, x, NULL, NULL, dy->data.f, gin[0]->data.f,
                   (int32_t *) (ymax + g.osz * nparts), ymax, set, tiled_applies (&g) };
  cx_parallel_run (maxpool_part, &job, nparts);
  return TRUE;
}

static gboolean
maxpool_backward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor *const *out,
                  CxTensor *const *gout, CxTensor **gin, GError **error)
{
  return maxpool_vjp (run, node, in, gout, gin, FALSE, error);
}

/* Each plane's gradient is zeroed just before its maxima are routed into
 * it, while it is in cache, instead of in a pass of its own. */
static gboolean
maxpool_backward_set (CxRun *run, const CxNode *node, CxTensor *const *in,
                      CxTensor *const *out, CxTensor *const *gout, CxTensor **gin,
                      GError **error)
{
  if (gout[0] == NULL || gout[0]->numel == 0)
    {
      if (gin[0]->numel > 0)
        memset (gin[0]->data.f, 0, sizeof (float) * gin[0]->numel);
      return TRUE;
    }
  return maxpool_vjp (run, node, in, gout, gin, TRUE, error);
}

/* ------------------------------------------------------------------ */
/* AveragePool                                                         */
/* ------------------------------------------------------------------ */

/* Window element counts per axis and output position: the positions
 * inside the input, or (count_include_pad) inside the padded input. */
static void
axis_counts (const PoolGeom *g, gboolean include_pad, int axis, float *cnt)
{
  for (int64_t o = 0; o < g->out[axis]; o++)
    {
      int64_t lo, hi;
      if (!include_pad)
        {
          kernel_range (g, axis, o, &lo, &hi);
          cnt[o] = (float) (hi - lo);
        }
      else
        {
          /* Positions in [−pb, L + pe); ceil_mode windows may reach past that. */
          const int64_t start = o * g->s[axis] - g->pb[axis], d = g->d[axis];
          const int64_t L = g->in[axis] + g->pb[axis] + g->pe[axis];
          const int64_t rel = start + g->pb[axis];
          int64_t n = 0;
          for (int64_t k = 0; k < g->k[axis]; k++)
            n += rel + k * d >= 0 && rel + k * d < L;
          cnt[o] = (float) n;
        }
    }
}

static gboolean
avgpool_tables (CxRun *run, const CxNode *node, const PoolGeom *g, ColTable *t,
                float **inv, GError **error)
{
  const PoolParams *p = node->params;
  float *cd, *ch, *cw;

  if (!col_table (run, g, t, error))
    return FALSE;
  *inv = cx_run_scratch (run, 0, sizeof (float) * (g->osz + g->out[0] + g->out[1] + g->out[2]),
                         error);
  if (*inv == NULL)
    return FALSE;
  cd = *inv + g->osz;
  ch = cd + g->out[0];
  cw = ch + g->out[1];
  axis_counts (g, p->count_include_pad, 0, cd);
  axis_counts (g, p->count_include_pad, 1, ch);
  axis_counts (g, p->count_include_pad, 2, cw);
  for (int64_t od = 0, o = 0; od < g->out[0]; od++)
    for (int64_t oh = 0; oh < g->out[1]; oh++)
      for (int64_t ow = 0; ow < g->out[2]; ow++, o++)
        {
          float n = cd[od] * ch[oh] * cw[ow];
          (*inv)[o] = n > 0.0f ? 1.0f / n : 0.0f;
        }
  return TRUE;
}

CX_HOT static void
avg_plane (const PoolGeom *g, const ColTable *t, const float *inv, const float *restrict x,
           float *restrict y)
{
  const int64_t OW = g->out[2], sw = g->s[2];

  for (int64_t od = 0; od < g->out[0]; od++)
    for (int64_t oh = 0; oh < g->out[1]; oh++)
      {
        const int64_t o0 = (od * g->out[1] + oh) * OW;
        float *restrict acc = y + o0;
        int64_t dlo, dhi, hlo, hhi;
        kernel_range (g, 0, od, &dlo, &dhi);
        kernel_range (g, 1, oh, &hlo, &hhi);
        for (int64_t ow = 0; ow < OW; ow++)
          acc[ow] = 0.0f;
        for (int64_t kd = dlo; kd < dhi; kd++)
          for (int64_t kh = hlo; kh < hhi; kh++)
            {
              const int64_t id = od * g->s[0] - g->pb[0] + kd * g->d[0];
              const int64_t ih = oh * g->s[1] - g->pb[1] + kh * g->d[1];
              const float *restrict row = x + (id * g->in[1] + ih) * g->in[2];
              for (int64_t kw = 0; kw < g->k[2]; kw++)
                {
                  const int64_t off = kw * g->d[2] - g->pb[2];
                  for (int64_t ow = t->wlo[kw]; ow < t->whi[kw]; ow++)
                    acc[ow] += row[ow * sw + off];
                }
            }
        for (int64_t ow = 0; ow < OW; ow++)
          acc[ow] *= inv[o0 + ow];
      }
}

CX_HOT static void
avg_plane_backward (const PoolGeom *g, const ColTable *t, const float *inv,
                    const float *restrict gy, float *restrict gx, float *restrict scaled)
{
  const int64_t OW = g->out[2], sw = g->s[2];

  for (int64_t o = 0; o < g->osz; o++)
    scaled[o] = gy[o] * inv[o];
  for (int64_t od = 0; od < g->out[0]; od++)
    for (int64_t oh = 0; oh < g->out[1]; oh++)
      {
        const float *restrict sr = scaled + (od * g->out[1] + oh) * OW;
        int64_t dlo, dhi, hlo, hhi;
        kernel_range (g, 0, od, &dlo, &dhi);
        kernel_range (g, 1, oh, &hlo, &hhi);
        for (int64_t kd = dlo; kd < dhi; kd++)
          for (int64_t kh = hlo; kh < hhi; kh++)
            {
              const int64_t id = od * g->s[0] - g->pb[0] + kd * g->d[0];
              const int64_t ih = oh * g->s[1] - g->pb[1] + kh * g->d[1];
              float *restrict row = gx + (id * g->in[1] + ih) * g->in[2];
              for (int64_t kw = 0; kw < g->k[2]; kw++)
                {
                  const int64_t off = kw * g->d[2] - g->pb[2];
                  for (int64_t ow = t->wlo[kw]; ow < t->whi[kw]; ow++)
                    row[ow * sw + off] += sr[ow];
                }
            }
      }
}

static gboolean
avgpool_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
                 GError **error)
{
  const CxTensor *x = in[0];
  int64_t shape[MAX_SPATIAL + 2];
  PoolGeom g;
  ColTable t;
  float *inv;

  if (!pool_geometry (node, x, &g, error))
    return FALSE;
  pool_out_shape (x, &g, shape);
  out[0] = cx_run_alloc (run, x->elem, x->ndim, shape, error);
  if (out[0] == NULL)
    return FALSE;
  if (out[0]->numel == 0)
    return TRUE;
  if (!avgpool_tables (run, node, &g, &t, &inv, error))
    return FALSE;
  for (int64_t pl = 0; pl < g.N * g.C; pl++)
    avg_plane (&g, &t, inv, x->data.f + pl * g.isz, out[0]->data.f + pl * g.osz);
  return TRUE;
}

static gboolean
avgpool_backward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor *const *out,
                  CxTensor *const *gout, CxTensor **gin, GError **error)
{
  const CxTensor *dy = gout[0];
  PoolGeom g;
  ColTable t;
  float *inv, *scaled;

  if (dy == NULL || gin[0] == NULL || dy->numel == 0)
    return TRUE;
  /* The input's shape is the gradient's: the input itself is not kept. */
  if (!pool_geometry (node, gin[0], &g, error))
    return FALSE;
  /* Slot 0 holds the divisors and one plane of scaled gradients. */
  if (cx_run_scratch (run, 0, sizeof (float) * (2 * g.osz + g.out[0] + g.out[1] + g.out[2]),
                      error) == NULL ||
      !avgpool_tables (run, node, &g, &t, &inv, error))
    return FALSE;
  scaled = inv + g.osz + g.out[0] + g.out[1] + g.out[2];
  for (int64_t pl = 0; pl < g.N * g.C; pl++)
    avg_plane_backward (&g, &t, inv, dy->data.f + pl * g.osz, gin[0]->data.f + pl * g.isz,
                        scaled);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Global pooling                                                      */
/* ------------------------------------------------------------------ */

static gboolean
global_shape (const CxNode *node, const CxTensor *x, int64_t *shape, int64_t *planes,
              int64_t *size, GError **error)
{
  if (!cx_elem_is_float (x->elem) || x->ndim < 3)
    {
      g_autofree char *xs = cx_shape_to_string (x->ndim, x->shape);
      cx_node_error (node, error, CX_ERROR_SHAPE,
                     "input X is %s %s; expected a float tensor [N, C, D1 …]",
                     cx_elem_name (x->elem), xs);
      return FALSE;
    }
  shape[0] = x->shape[0];
  shape[1] = x->shape[1];
  *size = 1;
  for (int i = 2; i < x->ndim; i++)
    {
      shape[i] = 1;
      *size *= x->shape[i];
    }
  *planes = x->shape[0] * x->shape[1];
  return TRUE;
}

static gboolean
global_avg_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
                    GError **error)
{
  const CxTensor *x = in[0];
  int64_t shape[CX_MAX_DIMS], planes, size;

  if (!global_shape (node, x, shape, &planes, &size, error))
    return FALSE;
  out[0] = cx_run_alloc (run, x->elem, x->ndim, shape, error);
  if (out[0] == NULL)
    return FALSE;
  if (size == 4)
    /* 2×2 maps (the last layers at 64×64): the loop below unrolled, the
     * same sums, and × 0.25 for / 4 (exact): MobileNetV2's 64 000 planes
     * took 0.12 ms in the loop's entries and exits and the divisions,
     * 0.09 so. */
    for (int64_t pl = 0; pl < planes; pl++)
      {
        const float *restrict row = x->data.f + pl * 4;
        out[0]->data.f[pl] = (float) (((((0.0 + row[0]) + row[1]) + row[2]) + row[3]) * 0.25);
      }
  else
    for (int64_t pl = 0; pl < planes; pl++)
      {
        const float *restrict row = x->data.f + pl * size;
        double acc = 0.0;
        for (int64_t i = 0; i < size; i++)
          acc += row[i];
        out[0]->data.f[pl] = size > 0 ? (float) (acc / size) : NAN;
      }
  return TRUE;
}

static gboolean
global_avg_backward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor *const *out,
                     CxTensor *const *gout, CxTensor **gin, GError **error)
{
  const CxTensor *dy = gout[0];
  CxTensor *gx = gin[0];
  int64_t planes, size;

  if (dy == NULL || gx == NULL || gx->numel == 0)
    return TRUE;
  planes = dy->numel;
  size = gx->numel / planes;
  for (int64_t pl = 0; pl < planes; pl++)
    {
      const float v = dy->data.f[pl] / (float) size;
      float *restrict row = gx->data.f + pl * size;
      for (int64_t i = 0; i < size; i++)
        row[i] += v;
    }
  return TRUE;
}

static gboolean
global_max_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
                    GError **error)
{
  const CxTensor *x = in[0];
  int64_t shape[CX_MAX_DIMS], planes, size;

  if (!global_shape (node, x, shape, &planes, &size, error))
    return FALSE;
  out[0] = cx_run_alloc (run, x->elem, x->ndim, shape, error);
  if (out[0] == NULL)
    return FALSE;
  for (int64_t pl = 0; pl < planes; pl++)
    {
      const float *restrict row = x->data.f + pl * size;
      float m = -INFINITY;
      for (int64_t i = 0; i < size; i++)
        m = row[i] > m ? row[i] : m;
      out[0]->data.f[pl] = m;
    }
  return TRUE;
}

static gboolean
global_max_backward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor *const *out,
                     CxTensor *const *gout, CxTensor **gin, GError **error)
{
  const CxTensor *x = in[0], *dy = gout[0];
  CxTensor *gx = gin[0];
  int64_t planes, size;

  if (dy == NULL || gx == NULL || gx->numel == 0)
    return TRUE;
  planes = dy->numel;
  size = gx->numel / planes;
  for (int64_t pl = 0; pl < planes; pl++)
    {
      const float *row = x->data.f + pl * size;
      int64_t best = 0;
      for (int64_t i = 1; i < size; i++)
        if (row[i] > row[best])
          best = i;
      gx->data.f[pl * size + best] += dy->data.f[pl];
    }
  return TRUE;
}

/* For the executor's Conv → activation → MaxPool kernel (op.h). */
static gboolean
maxpool_is_pool2 (const CxNode *node)
{
  const PoolParams *p = node->params;

  if (p == NULL || p->n_kernel != 2 || p->ceil_mode ||
      (p->auto_pad != PAD_NOTSET && p->auto_pad != PAD_VALID))
    return FALSE;
  for (gsize a = 0; a < 2; a++)
    if (p->kernel[a] != 2 || (p->n_strides ? p->strides[a] : 1) != 2 ||
        (p->n_dilations ? p->dilations[a] : 1) != 1 ||
        (p->n_pads && (p->pads[a] != 0 || p->pads[2 + a] != 0)))
      return FALSE;
  return TRUE;
}

CX_DEFINE_OP_FAMILY (pool,
  { "AveragePool", 1, 1, 1, 1, pool_init, avgpool_forward, avgpool_backward,
    CX_IN (0), CX_SAVE_NONE, NULL },
  { "GlobalAveragePool", 1, 1, 1, 1, NULL, global_avg_forward, global_avg_backward,
    CX_IN (0), CX_SAVE_NONE, NULL },
  { "GlobalMaxPool", 1, 1, 1, 1, NULL, global_max_forward, global_max_backward,
    CX_IN (0), CX_SAVE_INPUTS, NULL },
  { "MaxPool", 1, 1, 1, 2, pool_init, maxpool_forward, maxpool_backward,
    CX_IN (0), CX_SAVE_INPUTS, NULL, maxpool_backward_set, FALSE, NULL, NULL,
    maxpool_is_pool2 },
)
