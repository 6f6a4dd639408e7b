/* test-ops-nn.c: forward values and gradient checks of the nn operators.
 *
 * Forward values are compared with naive references written here in
 * double precision straight from the ONNX definitions (nested loops, no
 * im2col, no BLAS); reverse passes with central finite differences.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "testutil.h"

#include <math.h>
#include <string.h>

#define GC_EPS 1e-3
#define GC_RTOL 1e-2
#define GC_ATOL 1e-3

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

/* Asserts |got − want| ≤ atol + rtol·|want| elementwise. */
static void
assert_close (const CxTensor *got, const double *want, int64_t n, double rtol, double atol)
{
  g_assert_cmpint (got->numel, ==, n);
  for (int64_t i = 0; i < n; i++)
    if (!(fabs (got->data.f[i] - want[i]) <= atol + rtol * fabs (want[i])))
      g_error ("element %" G_GINT64_FORMAT ": got %.7g, expected %.7g", i,
               (double) got->data.f[i], want[i]);
}

static void
assert_shape (const CxTensor *t, int ndim, const int64_t *shape)
{
  g_autofree char *got = cx_shape_to_string (t->ndim, t->shape);
  g_autofree char *want = cx_shape_to_string (ndim, shape);
  g_assert_cmpstr (got, ==, want);
}

static CxModel *
build_or_die (CxTestGraph *g)
{
  g_autoptr(GError) error = NULL;
  CxModel *m = cx_test_graph_build (g, &error);
  g_assert_no_error (error);
  g_assert_nonnull (m);
  return m;
}

/* Runs a one-node model and expects forward to fail with @code. */
static void
assert_forward_fails (CxModel *m, CxTensor *const *inputs, int code, const char *fragment)
{
  g_autoptr(CxExec) exec = cx_exec_new (m, 0);
  g_autoptr(GError) error = NULL;
  g_assert_false (cx_exec_forward (exec, inputs, FALSE, &error));
  g_assert_error (error, CX_ERROR, code);
  if (fragment != NULL && strstr (error->message, fragment) == NULL)
    g_error ("message '%s' lacks '%s'", error->message, fragment);
}

static void
assert_load_fails (CxTestGraph *g, int code, const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CxModel) m = cx_test_graph_build (g, &error);
  g_assert_null (m);
  g_assert_error (error, CX_ERROR, code);
  if (fragment != NULL && strstr (error->message, fragment) == NULL)
    g_error ("message '%s' lacks '%s'", error->message, fragment);
}

/* Uniform weights scaled by 1/√fan-in (fan-in: all but the first axis). */
static CxTensor *
weights_like (GRand *rand, int ndim, const int64_t *shape)
{
  double fan = 1.0;
  for (int i = 1; i < ndim; i++)
    fan *= shape[i];
  return cx_test_uniform (rand, ndim, shape, -1.0 / sqrt (fan), 1.0 / sqrt (fan));
}

static int64_t
prod (int n, const int64_t *v)
{
  int64_t p = 1;
  for (int i = 0; i < n; i++)
    p *= v[i];
  return p;
}

/* ------------------------------------------------------------------ */
/* Conv and ConvTranspose                                              */
/* ------------------------------------------------------------------ */

typedef struct
{
  int nsp;
  int64_t n, c, m;               /* batch, input channels, output channels */
  int64_t in[3], k[3];
  int64_t group;                 /* 0: attribute absent */
  int64_t strides[3];            /* [0] == 0: absent */
  int64_t dil[3];
  int64_t pads[6];
  gboolean has_pads;
  const char *auto_pad;          /* NULL: absent */
  gboolean bias;
  gboolean kernel_attr;
  /* ConvTranspose only */
  int64_t out_pad[3];            /* [0] == 0 and !has_out_pad: absent */
  gboolean has_out_pad;
  int64_t out_shape[3];          /* [0] == 0: absent */
} ConvSpec;

static int64_t
spec_group (const ConvSpec *s)
{
  return s->group ? s->group : 1;
}

static int64_t
spec_stride (const ConvSpec *s, int i)
{
  return s->strides[0] ? s->strides[i] : 1;
}

static int64_t
spec_dil (const ConvSpec *s, int i)
{
  return s->dil[0] ? s->dil[i] : 1;
}

static void
spec_attrs (CxTestGraph *g, const ConvSpec *s, gboolean transpose)
{
  if (s->group)
    cx_test_graph_attr_int (g, "group", s->group);
  if (s->strides[0])
    cx_test_graph_attr_ints (g, "strides", s->nsp, s->strides);
  if (s->dil[0])
    cx_test_graph_attr_ints (g, "dilations", s->nsp, s->dil);
  if (s->has_pads)
    cx_test_graph_attr_ints (g, "pads", 2 * s->nsp, s->pads);
  if (s->auto_pad)
    cx_test_graph_attr_string (g, "auto_pad", s->auto_pad);
  if (s->kernel_attr)
    cx_test_graph_attr_ints (g, "kernel_shape", s->nsp, s->k);
  if (transpose && s->has_out_pad)
    cx_test_graph_attr_ints (g, "output_padding", s->nsp, s->out_pad);
  if (transpose && s->out_shape[0])
    cx_test_graph_attr_ints (g, "output_shape", s->nsp, s->out_shape);
}

/* Input, weight and bias shapes of a spec. */
static void
spec_shapes (const ConvSpec *s, gboolean transpose, int64_t *xs, int64_t *ws, int64_t *bs)
{
  xs[0] = s->n;
  xs[1] = s->c;
  ws[0] = transpose ? s->c : s->m;
  ws[1] = transpose ? s->m / spec_group (s) : s->c / spec_group (s);
  for (int i = 0; i < s->nsp; i++)
    {
      xs[2 + i] = s->in[i];
      ws[2 + i] = s->k[i];
    }
  bs[0] = s->m;
}

/* A model computing the op; W (and B) are graph inputs when @w_input. */
static CxModel *
conv_model (const ConvSpec *s, gboolean transpose, gboolean w_input)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autoptr(GRand) rand = g_rand_new_with_seed (77);
  int64_t xs[5], ws[5], bs[1];
  int nd = s->nsp + 2;

  spec_shapes (s, transpose, xs, ws, bs);
  cx_test_graph_input (g, "x", CX_ELEM_FLOAT, nd, xs);
  if (w_input)
    {
      cx_test_graph_input (g, "w", CX_ELEM_FLOAT, nd, ws);
      if (s->bias)
        cx_test_graph_input (g, "b", CX_ELEM_FLOAT, 1, bs);
    }
  cx_test_graph_node (g, transpose ? "ConvTranspose" : "Conv", s->bias ? "x,w,b" : "x,w", "y");
  spec_attrs (g, s, transpose);
  cx_test_graph_output (g, "y");
  return build_or_die (g);
}

/* Spatial geometry of a spec: begin pads and the output size, per the
 * ONNX definitions of Conv and ConvTranspose. */
static void
spec_geometry (const ConvSpec *s, gboolean transpose, int64_t *pb, int64_t *out)
{
  for (int i = 0; i < s->nsp; i++)
    {
      int64_t st = spec_stride (s, i), ek = (s->k[i] - 1) * spec_dil (s, i) + 1;
      int64_t p0 = s->has_pads ? s->pads[i] : 0, p1 = s->has_pads ? s->pads[s->nsp + i] : 0;
      gboolean same = s->auto_pad && g_str_has_prefix (s->auto_pad, "SAME");
      gboolean valid = s->auto_pad && g_str_equal (s->auto_pad, "VALID");
      if (!transpose)
        {
          if (valid)
            p0 = p1 = 0;
          if (same)
            {
              int64_t o = (s->in[i] + st - 1) / st;
              int64_t total = MAX (0, (o - 1) * st + ek - s->in[i]);
              p0 = g_str_equal (s->auto_pad, "SAME_UPPER") ? total / 2 : (total + 1) / 2;
              p1 = total - p0;
            }
          pb[i] = p0;
          out[i] = (s->in[i] + p0 + p1 - ek) / st + 1;
        }
      else
        {
          int64_t op = s->has_out_pad ? s->out_pad[i] : 0;
          int64_t full = st * (s->in[i] - 1) + op + ek;
          if (s->out_shape[0] || same)
            {
              int64_t o = s->out_shape[0] ? s->out_shape[i] : s->in[i] * st;
              int64_t total = full - o;
              int64_t half = (int64_t) floor (total / 2.0);
              pb[i] = (same && g_str_equal (s->auto_pad, "SAME_UPPER")) ? half : total - half;
              out[i] = o;
            }
          else
            {
              if (valid)
                p0 = p1 = 0;
              pb[i] = p0;
              out[i] = full - p0 - p1;
            }
        }
    }
}

/* Naive Conv: y[n, m, o] = b[m] + Σ_{c in m's group, k} x[n, c, o·s − p + k·d] w[m, c, k]. */
static double *
naive_conv (const ConvSpec *s, const CxTensor *x, const CxTensor *w, const CxTensor *b,
            int64_t *yshape)
{
  int64_t pb[3] = { 0 }, out[3] = { 1, 1, 1 }, in[3] = { 1, 1, 1 }, k[3] = { 1, 1, 1 };
  int64_t st[3] = { 1, 1, 1 }, dl[3] = { 1, 1, 1 }, p3[3] = { 0 }, o3[3];
  int64_t G = spec_group (s), cg = s->c / G, mg = s->m / G, osz, isz, kv;
  double *y;

  spec_geometry (s, FALSE, pb, o3);
  for (int i = 0; i < s->nsp; i++)
    {
      int j = 3 - s->nsp + i;
      in[j] = s->in[i];
      k[j] = s->k[i];
      st[j] = spec_stride (s, i);
      dl[j] = spec_dil (s, i);
      p3[j] = pb[i];
      out[j] = o3[i];
      yshape[2 + i] = o3[i];
    }
  yshape[0] = s->n;
  yshape[1] = s->m;
  osz = out[0] * out[1] * out[2];
  isz = in[0] * in[1] * in[2];
  kv = k[0] * k[1] * k[2];
  y = g_new0 (double, s->n * s->m * osz);
  for (int64_t n = 0; n < s->n; n++)
    for (int64_t m = 0; m < s->m; m++)
      for (int64_t o0 = 0; o0 < out[0]; o0++)
        for (int64_t o1 = 0; o1 < out[1]; o1++)
          for (int64_t o2 = 0; o2 < out[2]; o2++)
            {
              double acc = b != NULL ? b->data.f[m] : 0.0;
              int64_t grp = m / mg;
              for (int64_t c = 0; c < cg; c++)
                for (int64_t k0 = 0; k0 < k[0]; k0++)
                  for (int64_t k1 = 0; k1 < k[1]; k1++)
                    for (int64_t k2 = 0; k2 < k[2]; k2++)
                      {
                        int64_t i0 = o0 * st[0] - p3[0] + k0 * dl[0];
                        int64_t i1 = o1 * st[1] - p3[1] + k1 * dl[1];
                        int64_t i2 = o2 * st[2] - p3[2] + k2 * dl[2];
                        if (i0 < 0 || i0 >= in[0] || i1 < 0 || i1 >= in[1] || i2 < 0 ||
                            i2 >= in[2])
                          continue;
                        acc += (double) x->data.f[(n * s->c + grp * cg + c) * isz +
                                                  (i0 * in[1] + i1) * in[2] + i2] *
                               w->data.f[(m * cg + c) * kv + (k0 * k[1] + k1) * k[2] + k2];
                      }
              y[((n * s->m + m) * out[0] + o0) * out[1] * out[2] + o1 * out[2] + o2] = acc;
            }
  return y;
}

/* Naive ConvTranspose by its definition: each input pixel scatters
 * x[n, c, i] · w[c, j, k] to y[n, g·Mg + j, i·s − p + k·d]. */
static double *
naive_conv_transpose (const ConvSpec *s, const CxTensor *x, const CxTensor *w,
                      const CxTensor *b, int64_t *yshape)
{
  int64_t pb[3] = { 0 }, out[3] = { 1, 1, 1 }, in[3] = { 1, 1, 1 }, k[3] = { 1, 1, 1 };
  int64_t st[3] = { 1, 1, 1 }, dl[3] = { 1, 1, 1 }, p3[3] = { 0 }, o3[3];
  int64_t G = spec_group (s), cg = s->c / G, mg = s->m / G, osz, isz, kv;
  double *y;

  spec_geometry (s, TRUE, pb, o3);
  for (int i = 0; i < s->nsp; i++)
    {
      int j = 3 - s->nsp + i;
      in[j] = s->in[i];
      k[j] = s->k[i];
      st[j] = spec_stride (s, i);
      dl[j] = spec_dil (s, i);
      p3[j] = pb[i];
      out[j] = o3[i];
      yshape[2 + i] = o3[i];
    }
  yshape[0] = s->n;
  yshape[1] = s->m;
  osz = out[0] * out[1] * out[2];
  isz = in[0] * in[1] * in[2];
  kv = k[0] * k[1] * k[2];
  y = g_new0 (double, s->n * s->m * osz);
  for (int64_t n = 0; n < s->n; n++)
    for (int64_t m = 0; m < s->m; m++)
      for (int64_t i = 0; i < osz; i++)
        y[(n * s->m + m) * osz + i] = b != NULL ? b->data.f[m] : 0.0;
  for (int64_t n = 0; n < s->n; n++)
    for (int64_t c = 0; c < s->c; c++)
      for (int64_t j = 0; j < mg; j++)
        for (int64_t i0 = 0; i0 < in[0]; i0++)
          for (int64_t i1 = 0; i1 < in[1]; i1++)
            for (int64_t i2 = 0; i2 < in[2]; i2++)
              for (int64_t k0 = 0; k0 < k[0]; k0++)
                for (int64_t k1 = 0; k1 < k[1]; k1++)
                  for (int64_t k2 = 0; k2 < k[2]; k2++)
                    {
                      int64_t q0 = i0 * st[0] - p3[0] + k0 * dl[0];
                      int64_t q1 = i1 * st[1] - p3[1] + k1 * dl[1];
                      int64_t q2 = i2 * st[2] - p3[2] + k2 * dl[2];
                      int64_t m = (c / cg) * mg + j;
                      if (q0 < 0 || q0 >= out[0] || q1 < 0 || q1 >= out[1] || q2 < 0 ||
                          q2 >= out[2])
                        continue;
                      y[(n * s->m + m) * osz + (q0 * out[1] + q1) * out[2] + q2] +=
                        (double) x->data.f[(n * s->c + c) * isz + (i0 * in[1] + i1) * in[2] + i2] *
                        w->data.f[(c * mg + j) * kv + (k0 * k[1] + k1) * k[2] + k2];
                    }
  return y;
}

/* Forward against the naive reference, then (unless @no_grad) gradchecks
 * with W as a constant (only gin[0]) and with W and B as graph inputs. */
static void
check_conv (const ConvSpec *s, gboolean transpose)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (11 + s->nsp + s->m);
  int64_t xs[5], ws[5], bs[1], ys[5];
  g_autoptr(CxTensor) x = NULL;
  g_autoptr(CxTensor) w = NULL;
  g_autoptr(CxTensor) b = NULL;
  g_autoptr(CxTensor) y = NULL;
  g_autofree double *ref = NULL;
  int nd = s->nsp + 2;

  spec_shapes (s, transpose, xs, ws, bs);
  /* Outputs of order one keep float32 rounding well below the gradcheck's atol. */
  x = cx_test_uniform (rand, nd, xs, -1.0, 1.0);
  w = weights_like (rand, nd, ws);
  b = cx_test_uniform (rand, 1, bs, -1.0, 1.0);
  ref = transpose ? naive_conv_transpose (s, x, w, s->bias ? b : NULL, ys)
                  : naive_conv (s, x, w, s->bias ? b : NULL, ys);
  {
    /* W as an initializer: built into the model. */
    g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
    g_autoptr(CxModel) m = NULL;
    cx_test_graph_input (g, "x", CX_ELEM_FLOAT, nd, xs);
    cx_test_graph_const (g, "w", w);
    if (s->bias)
      cx_test_graph_const (g, "b", b);
    cx_test_graph_node (g, transpose ? "ConvTranspose" : "Conv", s->bias ? "x,w,b" : "x,w", "y");
    spec_attrs (g, s, transpose);
    cx_test_graph_output (g, "y");
    m = build_or_die (g);
    y = cx_test_run (m, &x, 0);
    assert_shape (y, nd, ys);
    assert_close (y, ref, prod (nd, ys), 1e-4, 1e-4);
    cx_test_gradcheck (m, &x, GC_EPS, GC_RTOL, GC_ATOL, 60);
  }
  {
    /* W and B as graph inputs: their gradients are checked too. */
    g_autoptr(CxModel) m = conv_model (s, transpose, TRUE);
    CxTensor *inputs[3] = { x, w, b };
    cx_test_gradcheck (m, inputs, GC_EPS, GC_RTOL, GC_ATOL, 60);
  }
}

#define CONV_TEST(fn, transpose, ...) \
  static void \
  fn (void) \
  { \
    const ConvSpec s = { __VA_ARGS__ }; \
    check_conv (&s, transpose); \
  }

CONV_TEST (test_conv_basic, FALSE, .nsp = 2, .n = 1, .c = 2, .m = 3, .in = { 5, 6 }, .k = { 3, 3 })
CONV_TEST (test_conv_padded_bias, FALSE, .nsp = 2, .n = 2, .c = 3, .m = 4, .in = { 5, 5 },
           .k = { 3, 3 }, .pads = { 1, 1, 1, 1 }, .has_pads = TRUE, .bias = TRUE, .kernel_attr = TRUE)
CONV_TEST (test_conv_asymmetric_pads, FALSE, .nsp = 2, .n = 1, .c = 2, .m = 2, .in = { 6, 5 },
           .k = { 2, 3 }, .pads = { 0, 2, 1, 1 }, .has_pads = TRUE, .strides = { 2, 1 })
CONV_TEST (test_conv_grouped_dilated_strided, FALSE, .nsp = 2, .n = 2, .c = 4, .m = 6,
           .in = { 9, 8 }, .k = { 3, 2 }, .group = 2, .strides = { 2, 3 }, .dil = { 2, 1 },
           .pads = { 1, 0, 2, 1 }, .has_pads = TRUE, .bias = TRUE)
CONV_TEST (test_conv_same_upper, FALSE, .nsp = 2, .n = 2, .c = 2, .m = 3, .in = { 7, 6 },
           .k = { 3, 4 }, .strides = { 2, 2 }, .auto_pad = "SAME_UPPER")
CONV_TEST (test_conv_same_lower, FALSE, .nsp = 2, .n = 1, .c = 2, .m = 2, .in = { 6, 7 },
           .k = { 4, 2 }, .strides = { 1, 2 }, .auto_pad = "SAME_LOWER", .bias = TRUE)
CONV_TEST (test_conv_valid, FALSE, .nsp = 2, .n = 2, .c = 3, .m = 2, .in = { 7, 7 },
           .k = { 3, 3 }, .strides = { 2, 2 }, .auto_pad = "VALID",
           .pads = { 1, 1, 1, 1 }, .has_pads = TRUE)
CONV_TEST (test_conv_depthwise, FALSE, .nsp = 2, .n = 2, .c = 4, .m = 4, .in = { 7, 6 },
           .k = { 3, 3 }, .group = 4, .pads = { 1, 1, 1, 1 }, .has_pads = TRUE, .bias = TRUE)
CONV_TEST (test_conv_depthwise_strided_dilated, FALSE, .nsp = 2, .n = 2, .c = 3, .m = 3,
           .in = { 9, 8 }, .k = { 3, 3 }, .group = 3, .strides = { 2, 2 }, .dil = { 2, 1 },
           .pads = { 2, 1, 0, 1 }, .has_pads = TRUE)
CONV_TEST (test_conv_depthwise_multiplier, FALSE, .nsp = 2, .n = 1, .c = 2, .m = 6,
           .in = { 5, 5 }, .k = { 3, 2 }, .group = 2, .strides = { 1, 2 }, .bias = TRUE)
/* Eight channels or more and small planes: the channels-last path. */
CONV_TEST (test_conv_depthwise_channels_last, FALSE, .nsp = 2, .n = 2, .c = 10, .m = 10,
           .in = { 5, 5 }, .k = { 3, 3 }, .group = 10, .pads = { 1, 1, 1, 1 }, .has_pads = TRUE,
           .bias = TRUE)
CONV_TEST (test_conv_depthwise_channels_last_strided, FALSE, .nsp = 2, .n = 2, .c = 9, .m = 9,
           .in = { 8, 7 }, .k = { 3, 2 }, .group = 9, .strides = { 2, 2 }, .dil = { 2, 1 },
           .pads = { 1, 0, 2, 1 }, .has_pads = TRUE)
/* Large planes, stride 2: phase planes with four phases. */
CONV_TEST (test_conv_depthwise_phases_strided, FALSE, .nsp = 2, .n = 1, .c = 2, .m = 2,
           .in = { 19, 17 }, .k = { 3, 3 }, .group = 2, .strides = { 2, 3 },
           .pads = { 1, 1, 1, 0 }, .has_pads = TRUE, .bias = TRUE)
CONV_TEST (test_conv_depthwise_3d, FALSE, .nsp = 3, .n = 1, .c = 3, .m = 3, .in = { 4, 4, 3 },
           .k = { 2, 3, 2 }, .group = 3, .strides = { 1, 2, 1 }, .pads = { 1, 1, 0, 0, 1, 1 },
           .has_pads = TRUE, .bias = TRUE)
CONV_TEST (test_conv_depthwise_3d_channels_last, FALSE, .nsp = 3, .n = 2, .c = 8, .m = 8,
           .in = { 3, 4, 3 }, .k = { 2, 2, 2 }, .group = 8, .pads = { 1, 0, 1, 0, 1, 1 },
           .has_pads = TRUE)
CONV_TEST (test_conv_depthwise_1d, FALSE, .nsp = 1, .n = 2, .c = 3, .m = 3, .in = { 70 },
           .k = { 5 }, .group = 3, .strides = { 2 }, .dil = { 3 }, .pads = { 4, 2 }, .has_pads = TRUE)
CONV_TEST (test_conv_pointwise, FALSE, .nsp = 2, .n = 3, .c = 5, .m = 4, .in = { 4, 3 },
           .k = { 1, 1 }, .bias = TRUE)
CONV_TEST (test_conv_pointwise_strided, FALSE, .nsp = 2, .n = 2, .c = 3, .m = 4, .in = { 5, 6 },
           .k = { 1, 1 }, .strides = { 2, 2 })
CONV_TEST (test_conv_pointwise_grouped, FALSE, .nsp = 2, .n = 2, .c = 6, .m = 4, .in = { 3, 3 },
           .k = { 1, 1 }, .group = 2)
CONV_TEST (test_conv_1d, FALSE, .nsp = 1, .n = 2, .c = 3, .m = 2, .in = { 11 }, .k = { 3 },
           .strides = { 2 }, .dil = { 2 }, .pads = { 2, 1 }, .has_pads = TRUE, .bias = TRUE)
CONV_TEST (test_conv_3d, FALSE, .nsp = 3, .n = 1, .c = 2, .m = 2, .in = { 4, 5, 4 },
           .k = { 2, 3, 2 }, .strides = { 1, 2, 1 }, .pads = { 1, 0, 1, 0, 1, 1 },
           .has_pads = TRUE, .bias = TRUE)

CONV_TEST (test_convt_basic, TRUE, .nsp = 2, .n = 1, .c = 2, .m = 3, .in = { 3, 4 }, .k = { 3, 3 })
CONV_TEST (test_convt_strided_padded, TRUE, .nsp = 2, .n = 2, .c = 3, .m = 2, .in = { 3, 3 },
           .k = { 3, 2 }, .strides = { 2, 3 }, .pads = { 1, 0, 0, 1 }, .has_pads = TRUE,
           .bias = TRUE)
CONV_TEST (test_convt_grouped_dilated, TRUE, .nsp = 2, .n = 2, .c = 4, .m = 6, .in = { 3, 4 },
           .k = { 2, 3 }, .group = 2, .dil = { 2, 1 }, .strides = { 1, 2 }, .bias = TRUE)
CONV_TEST (test_convt_output_padding, TRUE, .nsp = 2, .n = 1, .c = 2, .m = 2, .in = { 3, 3 },
           .k = { 3, 3 }, .strides = { 2, 2 }, .out_pad = { 1, 0 }, .has_out_pad = TRUE,
           .pads = { 1, 1, 1, 1 }, .has_pads = TRUE)
CONV_TEST (test_convt_output_shape, TRUE, .nsp = 2, .n = 1, .c = 1, .m = 2, .in = { 3, 3 },
           .k = { 3, 3 }, .strides = { 3, 2 }, .out_shape = { 10, 8 })
CONV_TEST (test_convt_same_upper, TRUE, .nsp = 2, .n = 2, .c = 2, .m = 2, .in = { 3, 4 },
           .k = { 3, 3 }, .strides = { 2, 2 }, .auto_pad = "SAME_UPPER", .bias = TRUE)
CONV_TEST (test_convt_same_lower, TRUE, .nsp = 2, .n = 1, .c = 2, .m = 3, .in = { 3, 3 },
           .k = { 4, 3 }, .strides = { 2, 1 }, .auto_pad = "SAME_LOWER")
CONV_TEST (test_convt_depthwise, TRUE, .nsp = 2, .n = 2, .c = 3, .m = 3, .in = { 4, 3 },
           .k = { 3, 3 }, .group = 3, .strides = { 2, 1 }, .pads = { 1, 1, 0, 0 },
           .has_pads = TRUE, .bias = TRUE)
CONV_TEST (test_convt_depthwise_channels_last, TRUE, .nsp = 2, .n = 2, .c = 8, .m = 8,
           .in = { 3, 3 }, .k = { 3, 3 }, .group = 8, .strides = { 2, 2 }, .pads = { 1, 1, 1, 1 },
           .has_pads = TRUE, .bias = TRUE)
CONV_TEST (test_convt_pointwise, TRUE, .nsp = 2, .n = 2, .c = 3, .m = 4, .in = { 3, 3 },
           .k = { 1, 1 })
CONV_TEST (test_convt_1d, TRUE, .nsp = 1, .n = 2, .c = 2, .m = 3, .in = { 5 }, .k = { 3 },
           .strides = { 3 }, .pads = { 1, 0 }, .has_pads = TRUE, .bias = TRUE)
CONV_TEST (test_convt_3d, TRUE, .nsp = 3, .n = 1, .c = 2, .m = 2, .in = { 2, 3, 2 },
           .k = { 2, 2, 3 }, .strides = { 2, 1, 2 }, .bias = TRUE)

/* A larger batch of small images folds the batch into one GEMM; a large
 * image goes one image (and band of rows) at a time: both against naive. */
static void
check_conv_forward_only (const ConvSpec *s)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  int64_t xs[5], ws[5], bs[1], ys[5];
  g_autoptr(CxTensor) x = NULL;
  g_autoptr(CxTensor) w = NULL;
  g_autoptr(CxTensor) b = NULL;
  g_autoptr(CxTensor) y = NULL;
  g_autoptr(CxModel) m = NULL;
  g_autofree double *ref = NULL;
  int nd = s->nsp + 2;

  spec_shapes (s, FALSE, xs, ws, bs);
  x = cx_test_randn (rand, nd, xs);
  w = cx_test_randn (rand, nd, ws);
  b = cx_test_randn (rand, 1, bs);
  ref = naive_conv (s, x, w, s->bias ? b : NULL, ys);
  m = conv_model (s, FALSE, TRUE);
  {
    CxTensor *inputs[3] = { x, w, b };
    y = cx_test_run (m, inputs, 0);
  }
  assert_shape (y, nd, ys);
  assert_close (y, ref, prod (nd, ys), 1e-4, 1e-3);
}

static void
test_conv_batch_folded (void)
{
  const ConvSpec s = { .nsp = 2, .n = 9, .c = 6, .m = 8, .in = { 6, 5 }, .k = { 3, 3 },
                       .pads = { 1, 1, 1, 1 }, .has_pads = TRUE, .bias = TRUE,
                       .strides = { 1, 2 } };
  const ConvSpec pw = { .nsp = 2, .n = 7, .c = 5, .m = 3, .in = { 3, 3 }, .k = { 1, 1 },
                        .bias = TRUE };
  check_conv_forward_only (&s);
  check_conv_forward_only (&pw);
}

static void
test_conv_large_image (void)
{
  /* 80×80 output pixels: one image at a time; 3×3 on 40 channels. */
  const ConvSpec s = { .nsp = 2, .n = 2, .c = 40, .m = 5, .in = { 80, 80 }, .k = { 3, 3 },
                       .pads = { 1, 1, 1, 1 }, .has_pads = TRUE, .bias = TRUE };
  const ConvSpec pw = { .nsp = 2, .n = 2, .c = 4, .m = 3, .in = { 70, 70 }, .k = { 1, 1 } };
  check_conv_forward_only (&s);
  check_conv_forward_only (&pw);
}

/* Naive Conv gradients for a seed dy: dx[n, c, i] and dw[m, c, k] as sums
 * over the same index set as naive_conv. */
static void
naive_conv_grads (const ConvSpec *s, const CxTensor *x, const CxTensor *w, const CxTensor *dy,
                  double *dx, double *dw)
{
  int64_t pb[3] = { 0 }, out[3] = { 1, 1, 1 }, in[3] = { 1, 1, 1 }, k[3] = { 1, 1, 1 };
  int64_t st[3] = { 1, 1, 1 }, dl[3] = { 1, 1, 1 }, p3[3] = { 0 }, o3[3];
  int64_t G = spec_group (s), cg = s->c / G, mg = s->m / G, osz, isz, kv;

  spec_geometry (s, FALSE, pb, o3);
  for (int i = 0; i < s->nsp; i++)
    {
      int j = 3 - s->nsp + i;
      in[j] = s->in[i];
      k[j] = s->k[i];
      st[j] = spec_stride (s, i);
      dl[j] = spec_dil (s, i);
      p3[j] = pb[i];
      out[j] = o3[i];
    }
  osz = out[0] * out[1] * out[2];
  isz = in[0] * in[1] * in[2];
  kv = k[0] * k[1] * k[2];
  memset (dx, 0, sizeof (double) * s->n * s->c * isz);
  memset (dw, 0, sizeof (double) * s->m * cg * kv);
  for (int64_t n = 0; n < s->n; n++)
    for (int64_t m = 0; m < s->m; m++)
      for (int64_t o0 = 0; o0 < out[0]; o0++)
        for (int64_t o1 = 0; o1 < out[1]; o1++)
          for (int64_t o2 = 0; o2 < out[2]; o2++)
            {
              double g = dy->data.f[((n * s->m + m) * out[0] + o0) * out[1] * out[2] +
                                    o1 * out[2] + o2];
              int64_t grp = m / mg;
              for (int64_t c = 0; c < cg; c++)
                for (int64_t k0 = 0; k0 < k[0]; k0++)
                  for (int64_t k1 = 0; k1 < k[1]; k1++)
                    for (int64_t k2 = 0; k2 < k[2]; k2++)
                      {
                        int64_t i0 = o0 * st[0] - p3[0] + k0 * dl[0];
                        int64_t i1 = o1 * st[1] - p3[1] + k1 * dl[1];
                        int64_t i2 = o2 * st[2] - p3[2] + k2 * dl[2];
                        int64_t xi = (n * s->c + grp * cg + c) * isz + (i0 * in[1] + i1) * in[2] + i2;
                        int64_t wi = (m * cg + c) * kv + (k0 * k[1] + k1) * k[2] + k2;
                        if (i0 < 0 || i0 >= in[0] || i1 < 0 || i1 >= in[1] || i2 < 0 ||
                            i2 >= in[2])
                          continue;
                        dx[xi] += g * w->data.f[wi];
                        dw[wi] += g * x->data.f[xi];
                      }
            }
  (void) osz;
}

/* Input and weight gradients against the naive sums (finite differences
 * of a weight that touches thousands of outputs drown in float32 rounding). */
static void
check_conv_grads_naive (const ConvSpec *s)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (8);
  g_autoptr(CxModel) m = conv_model (s, FALSE, TRUE);
  g_autoptr(CxExec) exec = cx_exec_new (m, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(CxTensor) x = NULL;
  g_autoptr(CxTensor) w = NULL;
  g_autoptr(CxTensor) b = NULL;
  g_autoptr(CxTensor) dy = NULL;
  g_autofree double *dx = NULL;
  g_autofree double *dw = NULL;
  int64_t xs[5], ws[5], bs[1];
  int nd = s->nsp + 2;
  const CxTensor *y;
  CxTensor *inputs[3];

  spec_shapes (s, FALSE, xs, ws, bs);
  x = cx_test_uniform (rand, nd, xs, -1.0, 1.0);
  w = weights_like (rand, nd, ws);
  b = cx_test_uniform (rand, 1, bs, -1.0, 1.0);
  inputs[0] = x;
  inputs[1] = w;
  inputs[2] = b;
  g_assert_true (cx_exec_forward (exec, inputs, TRUE, &error));
  g_assert_no_error (error);
  y = cx_exec_output (exec, 0);
  dy = cx_test_uniform (rand, y->ndim, y->shape, -1.0, 1.0);
  g_assert_true (cx_exec_backward (exec, 0, dy, &error));
  g_assert_no_error (error);
  dx = g_new (double, x->numel);
  dw = g_new (double, w->numel);
  naive_conv_grads (s, x, w, dy, dx, dw);
  assert_close (cx_exec_input_grad (exec, 0), dx, x->numel, 1e-4, 1e-4);
  assert_close (cx_exec_input_grad (exec, 1), dw, w->numel, 1e-4, 1e-3);
  if (s->bias)
    {
      g_autofree double *db = g_new0 (double, s->m);
      int64_t per = y->numel / (s->n * s->m);
      for (int64_t i = 0; i < y->numel; i++)
        db[(i / per) % s->m] += dy->data.f[i];
      assert_close (cx_exec_input_grad (exec, 2), db, s->m, 1e-4, 1e-3);
    }
}

/* An image large enough to be cut into bands of rows, and a batch folded
 * into one GEMM in several chunks. */
static void
test_conv_large_image_gradients (void)
{
  const ConvSpec band = { .nsp = 2, .n = 2, .c = 56, .m = 3, .in = { 70, 66 }, .k = { 3, 3 },
                          .pads = { 1, 1, 1, 1 }, .has_pads = TRUE, .bias = TRUE };
  const ConvSpec band_pw = { .nsp = 2, .n = 1, .c = 600, .m = 2, .in = { 72, 64 },
                             .k = { 1, 1 } };
  const ConvSpec folded = { .nsp = 2, .n = 40, .c = 160, .m = 4, .in = { 9, 9 }, .k = { 3, 3 },
                            .pads = { 1, 1, 1, 1 }, .has_pads = TRUE, .bias = TRUE,
                            .group = 2 };
  check_conv_grads_naive (&band);
  check_conv_grads_naive (&band_pw);
  check_conv_grads_naive (&folded);
}

static void
test_conv_bad_attributes (void)
{
  static const struct { const char *attr; int64_t v[4]; gsize n; const char *msg; } cases[] = {
    { "kernel_shape", { 3, 0 }, 2, "attribute 'kernel_shape' must be positive" },
    { "strides", { 1, 0 }, 2, "attribute 'strides' must be positive" },
    { "strides", { -1, 1 }, 2, "attribute 'strides' must be positive" },
    { "dilations", { 0, 1 }, 2, "attribute 'dilations' must be positive" },
    { "pads", { 0, -1, 0, 0 }, 4, "attribute 'pads' must be non-negative" },
    { "pads", { 0, 1, 0 }, 3, "attribute 'pads' has 3 values" },
    { "group", { 0 }, 1, "attribute 'group' must be positive" },
  };
  int64_t xs[4] = { 1, 2, 5, 5 };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
      cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 4, xs);
      cx_test_graph_input (g, "w", CX_ELEM_FLOAT, 4, xs);
      cx_test_graph_node (g, "Conv", "x,w", "y");
      if (g_str_equal (cases[i].attr, "group"))
        cx_test_graph_attr_int (g, "group", cases[i].v[0]);
      else
        cx_test_graph_attr_ints (g, cases[i].attr, cases[i].n, cases[i].v);
      cx_test_graph_output (g, "y");
      assert_load_fails (g, CX_ERROR_INVALID, cases[i].msg);
    }
  {
    g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
    cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 4, xs);
    cx_test_graph_input (g, "w", CX_ELEM_FLOAT, 4, xs);
    cx_test_graph_node (g, "Conv", "x,w", "y");
    cx_test_graph_attr_string (g, "auto_pad", "SAME");
    cx_test_graph_output (g, "y");
    assert_load_fails (g, CX_ERROR_INVALID, "attribute 'auto_pad' is 'SAME'");
  }
}

static void
test_conv_bad_shapes (void)
{
  int64_t xs[4] = { 1, 3, 5, 5 }, ws[4] = { 4, 1, 3, 3 }, ws2[4] = { 4, 2, 3, 3 };
  g_autoptr(CxTensor) x = cx_tensor_new_f32 (4, xs, NULL);
  g_autoptr(CxTensor) w = cx_tensor_new_f32 (4, ws, NULL);
  g_autoptr(CxTensor) w2 = cx_tensor_new_f32 (4, ws2, NULL);

  memset (x->data.f, 0, cx_tensor_nbytes (x));
  {
    /* 3 channels into 2 groups. */
    g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
    g_autoptr(CxModel) m = NULL;
    CxTensor *inputs[2] = { x, w };
    cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 4, xs);
    cx_test_graph_input (g, "w", CX_ELEM_FLOAT, 4, ws);
    cx_test_graph_node (g, "Conv", "x,w", "y");
    cx_test_graph_attr_int (g, "group", 2);
    cx_test_graph_output (g, "y");
    m = build_or_die (g);
    assert_forward_fails (m, inputs, CX_ERROR_SHAPE,
                          "input X [1, 3, 5, 5] has 3 channels, not divisible by group 2 "
                          "(weight W [4, 1, 3, 3])");
  }
  {
    /* W expects 2 input channels, X has 3. */
    g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
    g_autoptr(CxModel) m = NULL;
    CxTensor *inputs[2] = { x, w2 };
    cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 4, xs);
    cx_test_graph_input (g, "w", CX_ELEM_FLOAT, 4, ws2);
    cx_test_graph_node (g, "Conv", "x,w", "y");
    cx_test_graph_output (g, "y");
    m = build_or_die (g);
    assert_forward_fails (m, inputs, CX_ERROR_SHAPE,
                          "input X [1, 3, 5, 5] and weight W [4, 2, 3, 3]");
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ops/conv/basic", test_conv_basic);
  g_test_add_func ("/ops/conv/padded-with-bias", test_conv_padded_bias);
  g_test_add_func ("/ops/conv/asymmetric-pads", test_conv_asymmetric_pads);
  g_test_add_func ("/ops/conv/grouped-dilated-strided", test_conv_grouped_dilated_strided);
  g_test_add_func ("/ops/conv/auto-pad-same-upper", test_conv_same_upper);
  g_test_add_func ("/ops/conv/auto-pad-same-lower", test_conv_same_lower);
  g_test_add_func ("/ops/conv/auto-pad-valid-ignores-pads", test_conv_valid);
  g_test_add_func ("/ops/conv/depthwise", test_conv_depthwise);
  g_test_add_func ("/ops/conv/depthwise-strided-dilated", test_conv_depthwise_strided_dilated);
  g_test_add_func ("/ops/conv/depthwise-with-multiplier", test_conv_depthwise_multiplier);
  g_test_add_func ("/ops/conv/depthwise-channels-last", test_conv_depthwise_channels_last);
  g_test_add_func ("/ops/conv/depthwise-channels-last-strided-dilated",
                   test_conv_depthwise_channels_last_strided);
  g_test_add_func ("/ops/conv/depthwise-phase-planes-strided", test_conv_depthwise_phases_strided);
  g_test_add_func ("/ops/conv/depthwise-3d", test_conv_depthwise_3d);
  g_test_add_func ("/ops/conv/depthwise-3d-channels-last", test_conv_depthwise_3d_channels_last);
  g_test_add_func ("/ops/conv/depthwise-1d", test_conv_depthwise_1d);
  g_test_add_func ("/ops/conv/pointwise", test_conv_pointwise);
  g_test_add_func ("/ops/conv/pointwise-strided", test_conv_pointwise_strided);
  g_test_add_func ("/ops/conv/pointwise-grouped", test_conv_pointwise_grouped);
  g_test_add_func ("/ops/conv/1d", test_conv_1d);
  g_test_add_func ("/ops/conv/3d", test_conv_3d);
  g_test_add_func ("/ops/conv/batch-folded-into-gemm", test_conv_batch_folded);
  g_test_add_func ("/ops/conv/large-image-one-at-a-time", test_conv_large_image);
  g_test_add_func ("/ops/conv/large-image-gradients", test_conv_large_image_gradients);
  g_test_add_func ("/ops/conv/bad-attributes-are-refused", test_conv_bad_attributes);
  g_test_add_func ("/ops/conv/bad-shapes-are-refused", test_conv_bad_shapes);
  g_test_add_func ("/ops/conv-transpose/basic", test_convt_basic);
  g_test_add_func ("/ops/conv-transpose/strided-padded", test_convt_strided_padded);
  g_test_add_func ("/ops/conv-transpose/grouped-dilated", test_convt_grouped_dilated);
  g_test_add_func ("/ops/conv-transpose/output-padding", test_convt_output_padding);
  g_test_add_func ("/ops/conv-transpose/output-shape", test_convt_output_shape);
  g_test_add_func ("/ops/conv-transpose/auto-pad-same-upper", test_convt_same_upper);
  g_test_add_func ("/ops/conv-transpose/auto-pad-same-lower", test_convt_same_lower);
  g_test_add_func ("/ops/conv-transpose/depthwise", test_convt_depthwise);
  g_test_add_func ("/ops/conv-transpose/depthwise-channels-last", test_convt_depthwise_channels_last);
  g_test_add_func ("/ops/conv-transpose/pointwise", test_convt_pointwise);
  g_test_add_func ("/ops/conv-transpose/1d", test_convt_1d);
  g_test_add_func ("/ops/conv-transpose/3d", test_convt_3d);

  return g_test_run ();
}
