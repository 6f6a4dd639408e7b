/* test-ops-nn.c: forward values and gradient checks of the nn operators.
 *
 * Forward values are compared with naive references written here in
 * double precision straight from the ONNX definitions (nested loops, no
 * im2col, no BLAS); reverse passes with central finite differences, and
 * where one weight touches thousands of outputs (so that differences
 * drown in float32 rounding) with the naive gradient sums.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ops/pointwise.h"
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

/* The model y = @op (x) at opset 13, x float of shape @xs. */
static CxModel *
one_op_model (const char *op, int nd, const int64_t *xs)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);

  cx_test_graph_input (g, "x", CX_ELEM_FLOAT, nd, xs);
  cx_test_graph_node (g, op, "x", "y");
  cx_test_graph_output (g, "y");
  return build_or_die (g);
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
/* Channels-last with 8×8 transpose blocks and ragged edges on both axes
 * (19 channels, 63 pixels). */
CONV_TEST (test_conv_depthwise_channels_last_ragged, FALSE, .nsp = 2, .n = 2, .c = 19, .m = 19,
           .in = { 7, 9 }, .k = { 3, 3 }, .group = 19, .pads = { 1, 1, 1, 1 }, .has_pads = TRUE,
           .bias = TRUE)
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
/* Stride 1: the input gradient runs as a forward pass with the kernel flipped. */
CONV_TEST (test_conv_depthwise_dilated_asymmetric, FALSE, .nsp = 2, .n = 2, .c = 3, .m = 3,
           .in = { 9, 10 }, .k = { 3, 2 }, .group = 3, .dil = { 2, 1 },
           .pads = { 2, 0, 1, 1 }, .has_pads = TRUE, .bias = TRUE)
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
  /* 1×1 on 3×3 maps with a small weight: one image at a time; on 1×1 maps,
   * or with a weight too large to stay in cache (over 2^18 floats), folded. */
  const ConvSpec pw = { .nsp = 2, .n = 7, .c = 5, .m = 3, .in = { 3, 3 }, .k = { 1, 1 },
                        .bias = TRUE };
  const ConvSpec pw_single = { .nsp = 2, .n = 7, .c = 24, .m = 20, .in = { 1, 1 },
                               .k = { 1, 1 }, .bias = TRUE };
  const ConvSpec pw_large = { .nsp = 2, .n = 5, .c = 600, .m = 440, .in = { 2, 2 },
                              .k = { 1, 1 }, .bias = TRUE };
  /* A strided 1×1 (ResNet's downsampling) on enough images to share them
   * between threads, one image at a time. */
  const ConvSpec downsample = { .nsp = 2, .n = 6, .c = 16, .m = 24, .in = { 9, 8 },
                                .k = { 1, 1 }, .strides = { 2, 2 }, .bias = TRUE };
  check_conv_forward_only (&s);
  check_conv_forward_only (&pw);
  check_conv_forward_only (&pw_single);
  check_conv_forward_only (&pw_large);
  check_conv_forward_only (&downsample);
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

/* check_conv (forward, gradchecks) and then check_conv_grads_naive. */
static void
check_conv_and_grads (const ConvSpec *s)
{
  check_conv (s, FALSE);
  check_conv_grads_naive (s);
}

/* Into @g: input x of @s's shape (uniform in [−1, 1]), constants w, b
 * (uniform in [−0.2, 0.2]), lo = @lo and hi = 0.4, and node Conv (x, w, b)
 * → c. */
static void
conv_graph_with_bounds (CxTestGraph *g, const ConvSpec *s, GRand *rand, float lo,
                        CxTensor **x, CxTensor **w, CxTensor **b)
{
  g_autoptr(CxTensor) lo_t = cx_tensor_new_zeros (CX_ELEM_FLOAT, 0, NULL, NULL);
  g_autoptr(CxTensor) hi_t = cx_tensor_new_zeros (CX_ELEM_FLOAT, 0, NULL, NULL);
  int64_t xs[4], ws[4], bs[1];

  spec_shapes (s, FALSE, xs, ws, bs);
  *x = cx_test_uniform (rand, 4, xs, -1.0, 1.0);
  *w = weights_like (rand, 4, ws);
  *b = cx_test_uniform (rand, 1, bs, -0.2, 0.2);
  lo_t->data.f[0] = lo;
  hi_t->data.f[0] = 0.4f;
  cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 4, xs);
  cx_test_graph_const (g, "w", *w);
  cx_test_graph_const (g, "b", *b);
  cx_test_graph_const (g, "lo", lo_t);
  cx_test_graph_const (g, "hi", hi_t);
  cx_test_graph_node (g, "Conv", "x,w,b", "c");
  spec_attrs (g, s, FALSE);
}

/* @s's Conv followed by a Clip to [−0.25, 0.4] (fused into the Conv by
 * the executor) against the naive sums clamped; a quarter or more of the
 * outputs must be clamped. */
static void
check_conv_fused_clip (const ConvSpec *s, guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autoptr(CxModel) m = NULL;
  g_autoptr(CxTensor) x = NULL;
  g_autoptr(CxTensor) w = NULL;
  g_autoptr(CxTensor) b = NULL;
  g_autoptr(CxTensor) y = NULL;
  g_autofree double *ref = NULL;
  int64_t ys[4];
  int clamped = 0;

  conv_graph_with_bounds (g, s, rand, -0.25f, &x, &w, &b);
  cx_test_graph_node (g, "Clip", "c,lo,hi", "y");
  cx_test_graph_output (g, "y");
  m = build_or_die (g);
  ref = naive_conv (s, x, w, b, ys);
  for (int64_t i = 0; i < prod (4, ys); i++)
    {
      clamped += ref[i] < -0.25 || ref[i] > 0.4;
      ref[i] = CLAMP (ref[i], -0.25, 0.4);
    }
  g_assert_cmpint (clamped, >, prod (4, ys) / 4);
  y = cx_test_run (m, &x, 0);
  assert_close (y, ref, prod (4, ys), 1e-4, 1e-4);
}

/* @s's Conv, then a Relu (or with @clip a Clip to [−0.25, 0.4]), then a
 * 2×2 stride-2 MaxPool: the pooled output and the input's gradient for a
 * random seed against the naive sums (each window's first maximum, in
 * float64, gets the seed when the activation passes it). With @fused the
 * executor must have run the three as one kernel (ops/convpool.h): the
 * activation's output then never exists, though backward follows. */
static void
check_conv_act_pool (const ConvSpec *s, gboolean clip, gboolean fused, guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autoptr(CxModel) m = NULL;
  g_autoptr(CxExec) exec = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CxTensor) x = NULL;
  g_autoptr(CxTensor) w = NULL;
  g_autoptr(CxTensor) b = NULL;
  g_autoptr(CxTensor) dy = NULL;
  g_autoptr(CxTensor) dconv = NULL;
  g_autofree double *conv = NULL;
  g_autofree double *pooled = NULL;
  g_autofree double *dx = NULL;
  g_autofree double *dw = NULL;
  const double l = clip ? -0.25 : 0.0, h = clip ? 0.4 : INFINITY;
  const int64_t k2[2] = { 2, 2 };
  int64_t cs[4], ps[4];
  int passed = 0;

  conv_graph_with_bounds (g, s, rand, (float) l, &x, &w, &b);
  if (clip)
    cx_test_graph_node (g, "Clip", "c,lo,hi", "a");
  else
    cx_test_graph_node (g, "Relu", "c", "a");
  cx_test_graph_node (g, "MaxPool", "a", "y");
  cx_test_graph_attr_ints (g, "kernel_shape", 2, k2);
  cx_test_graph_attr_ints (g, "strides", 2, k2);
  cx_test_graph_output (g, "y");
  m = build_or_die (g);

  /* The reference: windows, winners and the gradient they pass. */
  conv = naive_conv (s, x, w, b, cs);
  memcpy (ps, cs, sizeof ps);
  ps[2] = cs[2] / 2;
  ps[3] = cs[3] / 2;
  pooled = g_new (double, prod (4, ps));
  dy = cx_test_uniform (rand, 4, ps, -1.0, 1.0);
  dconv = cx_tensor_new_zeros (CX_ELEM_FLOAT, 4, cs, NULL);
  for (int64_t plane = 0; plane < cs[0] * cs[1]; plane++)
    for (int64_t oh = 0; oh < ps[2]; oh++)
      for (int64_t ow = 0; ow < ps[3]; ow++)
        {
          const int64_t o = (plane * ps[2] + oh) * ps[3] + ow;
          int64_t best = -1;
          double mx = -INFINITY;
          for (int k = 0; k < 4; k++)
            {
              const int64_t i = (plane * cs[2] + 2 * oh + k / 2) * cs[3] + 2 * ow + k % 2;
              const double v = CLAMP (conv[i], l, clip ? h : G_MAXDOUBLE);
              if (v > mx)
                {
                  mx = v;
                  best = i;
                }
            }
          pooled[o] = mx;
          if (best >= 0 && mx > l && mx < h)
            {
              dconv->data.f[best] = dy->data.f[o];
              passed++;
            }
        }
  /* Some windows pass the gradient and some do not. */
  g_assert_cmpint (passed, >, prod (4, ps) / 8);
  g_assert_cmpint (passed, <, prod (4, ps));
  dx = g_new (double, x->numel);
  dw = g_new (double, w->numel);
  naive_conv_grads (s, x, w, dconv, dx, dw);

  exec = cx_exec_new (m, 0);
  g_assert_true (cx_exec_forward (exec, &x, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true ((cx_exec_value (exec, cx_model_find_value (m, "a")) == NULL) == fused);
  assert_close (cx_exec_output (exec, 0), pooled, prod (4, ps), 1e-4, 1e-4);
  g_assert_true (cx_exec_backward (exec, 0, dy, &error));
  g_assert_no_error (error);
  assert_close (cx_exec_input_grad (exec, 0), dx, x->numel, 1e-4, 1e-4);
}

/* Conv → Relu or Clip → 2×2 MaxPool as one kernel: the direct kernel
 * (one to three channels: odd sizes, no padding, a 5×5 kernel, rows
 * wider than one span, one image), Winograd's pooled mode (odd sizes),
 * its forward with the spread-out gradient's backward when the flipped
 * Winograd does not apply (few tiles), and a shape neither takes. */
static void
test_conv_act_pool (void)
{
  const ConvSpec one = { 2, 3, 1, 10, { 12, 13 }, { 3, 3 }, .pads = { 1, 1, 1, 1 },
                         .has_pads = TRUE, .bias = TRUE };
  const ConvSpec five = { 2, 2, 1, 6, { 11, 16 }, { 5, 5 }, .pads = { 2, 2, 2, 2 },
                            .has_pads = TRUE, .bias = TRUE };
  const ConvSpec unpadded = { 2, 2, 2, 5, { 9, 10 }, { 3, 3 }, .bias = TRUE };
  const ConvSpec wide = { 2, 1, 3, 8, { 6, 70 }, { 3, 3 }, .pads = { 1, 0, 1, 2 },
                          .has_pads = TRUE, .bias = TRUE };
  const ConvSpec wino = { 2, 2, 16, 16, { 10, 10 }, { 3, 3 }, .pads = { 1, 1, 1, 1 },
                          .has_pads = TRUE, .bias = TRUE };
  const ConvSpec wino_odd = { 2, 1, 16, 24, { 9, 11 }, { 3, 3 }, .pads = { 1, 1, 1, 1 },
                              .has_pads = TRUE, .bias = TRUE };
  const ConvSpec spread = { 2, 1, 16, 16, { 6, 6 }, { 3, 3 }, .pads = { 2, 2, 2, 2 },
                            .has_pads = TRUE, .bias = TRUE };
  const ConvSpec strided = { 2, 2, 2, 4, { 12, 12 }, { 3, 3 }, .strides = { 2, 2 },
                             .pads = { 1, 1, 1, 1 }, .has_pads = TRUE, .bias = TRUE };

  check_conv_act_pool (&one, FALSE, TRUE, 61);
  check_conv_act_pool (&one, TRUE, TRUE, 62);
  check_conv_act_pool (&five, FALSE, TRUE, 63);
  check_conv_act_pool (&unpadded, TRUE, TRUE, 64);
  check_conv_act_pool (&wide, TRUE, TRUE, 65);
  check_conv_act_pool (&wino, FALSE, TRUE, 66);
  check_conv_act_pool (&wino_odd, TRUE, TRUE, 67);
  check_conv_act_pool (&spread, FALSE, TRUE, 68);
  check_conv_act_pool (&strided, FALSE, FALSE, 69);
}

/* The folded 1×1 product's transposed direction and weight gradient
 * (a weight too large to go one image at a time) and its fused Clip, and
 * a strided 1×1's one image at a time. */
static void
test_conv_batch_folded_gradients (void)
{
  const ConvSpec pw_large = { .nsp = 2, .n = 5, .c = 600, .m = 440, .in = { 2, 2 },
                              .k = { 1, 1 }, .bias = TRUE };
  const ConvSpec downsample = { .nsp = 2, .n = 6, .c = 16, .m = 24, .in = { 9, 8 },
                                .k = { 1, 1 }, .strides = { 2, 2 }, .bias = TRUE };
  check_conv_grads_naive (&pw_large);
  check_conv_grads_naive (&downsample);
  /* The folded product's column side scattered four pixels at a time,
   * through the fused Clip. */
  check_conv_fused_clip (&pw_large, 53);
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

/* Strided convolutions with planes too large for the pixel map: im2col and
 * col2im through stride phases. */
static void
test_conv_strided_large (void)
{
  const ConvSpec stem = { .nsp = 2, .n = 3, .c = 3, .m = 4, .in = { 40, 36 }, .k = { 7, 7 },
                          .strides = { 2, 2 }, .pads = { 3, 3, 3, 3 }, .has_pads = TRUE,
                          .bias = TRUE };
  const ConvSpec mixed = { .nsp = 2, .n = 2, .c = 2, .m = 3, .in = { 45, 50 }, .k = { 5, 3 },
                           .strides = { 2, 3 }, .dil = { 2, 1 }, .pads = { 1, 2, 3, 0 },
                           .has_pads = TRUE };
  const ConvSpec band = { .nsp = 2, .n = 1, .c = 96, .m = 2, .in = { 140, 130 }, .k = { 3, 3 },
                          .strides = { 2, 2 }, .pads = { 1, 1, 1, 1 }, .has_pads = TRUE };
  check_conv_forward_only (&stem);
  check_conv_grads_naive (&stem);
  check_conv_forward_only (&mixed);
  check_conv_grads_naive (&mixed);
  check_conv_grads_naive (&band);
}

CONV_TEST (test_convt_strided_large, TRUE, .nsp = 2, .n = 2, .c = 3, .m = 2, .in = { 30, 28 },
           .k = { 5, 4 }, .strides = { 3, 2 }, .pads = { 1, 2, 0, 1 }, .has_pads = TRUE,
           .bias = TRUE)

/* 3×3 stride-1 layers with 16 channels or more on both sides go through
 * Winograd's F(2×2, 3×3) (explain/ops/winograd.c), the input gradient
 * through the same with the kernel flipped: odd output sizes (part
 * tiles), every begin pad it takes (0, 1, 2 and SAME's uneven ones), one
 * image cut into chunks of tile rows; the weight built in (transformed
 * once and kept: from 16 tiles) and as a graph input (per call: from 64). */
CONV_TEST (test_conv_winograd_kept, FALSE, .nsp = 2, .n = 2, .c = 16, .m = 18, .in = { 5, 6 },
           .k = { 3, 3 }, .pads = { 1, 1, 1, 1 }, .has_pads = TRUE, .bias = TRUE)
CONV_TEST (test_conv_winograd_same_lower, FALSE, .nsp = 2, .n = 3, .c = 17, .m = 16,
           .in = { 8, 7 }, .k = { 3, 3 }, .auto_pad = "SAME_LOWER")
CONV_TEST (test_convt_winograd, TRUE, .nsp = 2, .n = 2, .c = 16, .m = 20, .in = { 7, 6 },
           .k = { 3, 3 }, .pads = { 1, 0, 1, 2 }, .has_pads = TRUE, .bias = TRUE)

static void
test_conv_winograd (void)
{
  const ConvSpec odd = { .nsp = 2, .n = 4, .c = 20, .m = 17, .in = { 9, 7 }, .k = { 3, 3 },
                         .pads = { 1, 1, 1, 1 }, .has_pads = TRUE, .bias = TRUE };
  const ConvSpec uneven = { .nsp = 2, .n = 5, .c = 16, .m = 24, .in = { 8, 11 },
                            .k = { 3, 3 }, .pads = { 0, 2, 2, 0 }, .has_pads = TRUE };
  const ConvSpec wide = { .nsp = 2, .n = 5, .c = 16, .m = 16, .in = { 6, 5 }, .k = { 3, 3 },
                          .pads = { 2, 2, 2, 2 }, .has_pads = TRUE, .bias = TRUE };
  const ConvSpec band = { .nsp = 2, .n = 1, .c = 16, .m = 20, .in = { 61, 35 },
                          .k = { 3, 3 }, .pads = { 1, 1, 1, 1 }, .has_pads = TRUE };
  const ConvSpec *specs[] = { &odd, &uneven, &wide, &band };

  for (gsize i = 0; i < G_N_ELEMENTS (specs); i++)
    {
      check_conv_forward_only (specs[i]);
      check_conv_grads_naive (specs[i]);
    }
}

/* A Clip that alone reads the Conv's output is applied by the Winograd
 * kernel as it writes the pixels (eight tile pairs at a time, then the
 * rest of the row): against the naive sums clamped. */
static void
test_conv_winograd_clamp (void)
{
  const ConvSpec s = { .nsp = 2, .n = 2, .c = 16, .m = 16, .in = { 9, 37 }, .k = { 3, 3 },
                       .pads = { 1, 1, 1, 1 }, .has_pads = TRUE, .bias = TRUE };

  check_conv_fused_clip (&s, 23);
}

/* The kept transform of a built-in weight is dropped with
 * cx_model_forget_derived after the weight changes in place (as the
 * sanity check's randomisation does): the next run uses the new weight. */
static void
test_conv_winograd_forget (void)
{
  const ConvSpec s = { .nsp = 2, .n = 2, .c = 16, .m = 16, .in = { 6, 6 }, .k = { 3, 3 },
                       .pads = { 1, 1, 1, 1 }, .has_pads = TRUE };
  g_autoptr(GRand) rand = g_rand_new_with_seed (21);
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autoptr(CxModel) m = NULL;
  g_autoptr(CxTensor) x = NULL;
  g_autoptr(CxTensor) w = NULL;
  int64_t xs[4], ws[4], bs[1], ys[4];
  CxTensor *kept;

  spec_shapes (&s, FALSE, xs, ws, bs);
  x = cx_test_uniform (rand, 4, xs, -1.0, 1.0);
  w = weights_like (rand, 4, ws);
  cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 4, xs);
  cx_test_graph_const (g, "w", w);
  cx_test_graph_node (g, "Conv", "x,w", "y");
  spec_attrs (g, &s, FALSE);
  cx_test_graph_output (g, "y");
  m = build_or_die (g);
  kept = m->values[cx_model_find_value (m, "w")].constant;
  for (int round = 0; round < 3; round++)
    {
      g_autoptr(CxTensor) y = NULL;
      g_autofree double *ref = NULL;
      if (round > 0)
        {
          for (int64_t i = 0; i < kept->numel; i++)
            kept->data.f[i] = (float) g_rand_double_range (rand, -0.3, 0.3);
          cx_model_forget_derived (m);
        }
      ref = naive_conv (&s, x, kept, NULL, ys);
      y = cx_test_run (m, &x, 0);
      assert_close (y, ref, prod (4, ys), 1e-4, 1e-4);
    }
}

/* Depthwise layers large enough for the kernels to split across a helper
 * thread, on both paths (phase planes, channels-last). */
static void
test_conv_depthwise_large (void)
{
  const ConvSpec phases = { .nsp = 2, .n = 4, .c = 16, .m = 16, .in = { 24, 24 },
                            .k = { 3, 3 }, .group = 16, .strides = { 2, 1 },
                            .pads = { 1, 1, 1, 1 }, .has_pads = TRUE, .bias = TRUE };
  const ConvSpec channels_last = { .nsp = 2, .n = 41, .c = 64, .m = 64, .in = { 4, 4 },
                                   .k = { 3, 3 }, .group = 64, .pads = { 1, 1, 1, 1 },
                                   .has_pads = TRUE, .bias = TRUE };
  check_conv_forward_only (&phases);
  check_conv_grads_naive (&phases);
  check_conv_forward_only (&channels_last);
  check_conv_grads_naive (&channels_last);
}

/* 3×3 depthwise layers padded by one on rows a multiple of eight wide
 * (MobileNetV2's large maps): the kernels that sum each output vector in
 * registers. Stride 1 (its input gradient is the same kernel turned) with
 * a depth multiplier of 2, whose two outputs add into one input gradient;
 * stride 2 with an odd number of rows (the last output row's lower taps
 * fall outside) and without end pads; output rows four wide, two to a
 * vector, at stride 1 and at stride 2 (from seven rows, the last
 * output's lower taps outside), with depth multipliers; and a fused Clip
 * on each path. */
static void
test_conv_depthwise_direct (void)
{
  const ConvSpec s1 = { .nsp = 2, .n = 2, .c = 3, .m = 6, .in = { 5, 24 }, .k = { 3, 3 },
                        .group = 3, .pads = { 1, 1, 1, 1 }, .has_pads = TRUE, .bias = TRUE };
  const ConvSpec s2 = { .nsp = 2, .n = 2, .c = 3, .m = 3, .in = { 7, 16 }, .k = { 3, 3 },
                        .group = 3, .strides = { 2, 2 }, .pads = { 1, 1, 1, 1 },
                        .has_pads = TRUE, .bias = TRUE };
  const ConvSpec s2_unpadded_end = { .nsp = 2, .n = 1, .c = 2, .m = 4, .in = { 6, 32 },
                                     .k = { 3, 3 }, .group = 2, .strides = { 2, 2 },
                                     .pads = { 1, 1, 0, 0 }, .has_pads = TRUE };
  const ConvSpec four_wide = { .nsp = 2, .n = 2, .c = 9, .m = 18, .in = { 6, 4 }, .k = { 3, 3 },
                               .group = 9, .pads = { 1, 1, 1, 1 }, .has_pads = TRUE,
                               .bias = TRUE };
  const ConvSpec clip4 = { .nsp = 2, .n = 3, .c = 4, .m = 4, .in = { 4, 4 }, .k = { 3, 3 },
                           .group = 4, .pads = { 1, 1, 1, 1 }, .has_pads = TRUE, .bias = TRUE };
  const ConvSpec four_wide_s2 = { .nsp = 2, .n = 2, .c = 3, .m = 6, .in = { 7, 8 },
                                  .k = { 3, 3 }, .group = 3, .strides = { 2, 2 },
                                  .pads = { 1, 1, 1, 1 }, .has_pads = TRUE, .bias = TRUE };
  const ConvSpec clip4_s2 = { .nsp = 2, .n = 3, .c = 4, .m = 4, .in = { 8, 8 }, .k = { 3, 3 },
                              .group = 4, .strides = { 2, 2 }, .pads = { 1, 1, 1, 1 },
                              .has_pads = TRUE, .bias = TRUE };
  const ConvSpec clip1 = { .nsp = 2, .n = 3, .c = 5, .m = 5, .in = { 6, 16 }, .k = { 3, 3 },
                           .group = 5, .pads = { 1, 1, 1, 1 }, .has_pads = TRUE, .bias = TRUE };
  const ConvSpec clip2 = { .nsp = 2, .n = 3, .c = 5, .m = 5, .in = { 6, 16 }, .k = { 3, 3 },
                           .group = 5, .strides = { 2, 2 }, .pads = { 1, 1, 1, 1 },
                           .has_pads = TRUE, .bias = TRUE };

  check_conv_and_grads (&s1);
  check_conv_and_grads (&s2);
  check_conv_and_grads (&s2_unpadded_end);
  check_conv_and_grads (&four_wide);
  check_conv_fused_clip (&clip4, 37);
  check_conv_and_grads (&four_wide_s2);
  check_conv_fused_clip (&clip4_s2, 40);
  check_conv_fused_clip (&clip1, 29);
  check_conv_fused_clip (&clip2, 31);
}

/* 1×1 convolutions of at most 24 input channels, one image at a time
 * (and a 3×3 one whose im2col has 27 rows):
 * packed strips of 16 pixels in blocks of 64, then the last block's
 * ragged strip (135 = 2 × 64 + 7), output channels four at a time
 * then one by one (7 = 4 + 3); grouped; fused Clip. ConvTranspose's
 * input gradient is such a convolution, adding into the gradient. */
static void
test_conv_pointwise_small_k (void)
{
  const ConvSpec plain = { .nsp = 2, .n = 4, .c = 5, .m = 7, .in = { 9, 15 }, .k = { 1, 1 },
                           .bias = TRUE };
  const ConvSpec grouped = { .nsp = 2, .n = 4, .c = 6, .m = 10, .in = { 8, 20 },
                             .k = { 1, 1 }, .group = 2, .bias = TRUE };
  const ConvSpec transposed = { .nsp = 2, .n = 4, .c = 6, .m = 5, .in = { 9, 15 },
                                .k = { 1, 1 } };
  const ConvSpec stem = { .nsp = 2, .n = 4, .c = 3, .m = 33, .in = { 9, 15 }, .k = { 3, 3 },
                          .pads = { 1, 1, 1, 1 }, .has_pads = TRUE, .bias = TRUE };

  check_conv_and_grads (&plain);
  check_conv_and_grads (&grouped);
  check_conv_fused_clip (&plain, 41);
  check_conv (&transposed, TRUE);
  /* A 3×3 layer on 3 channels (27 taps) to 33: the kernel on its im2col. */
  check_conv (&stem, FALSE);
  check_conv_fused_clip (&stem, 47);
  {
    /* x feeds two 1×1 ConvTranspose layers of 7 output channels: the
     * second one's input gradient adds onto the first's. */
    g_autoptr(GRand) rand = g_rand_new_with_seed (43);
    g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
    g_autoptr(CxModel) m = NULL;
    const int64_t xs[4] = { 4, 5, 9, 15 }, ws[4] = { 5, 7, 1, 1 };
    g_autoptr(CxTensor) x = cx_test_uniform (rand, 4, xs, -1.0, 1.0);
    g_autoptr(CxTensor) wa = cx_test_uniform (rand, 4, ws, -1.0, 1.0);
    g_autoptr(CxTensor) wb = cx_test_uniform (rand, 4, ws, -1.0, 1.0);
    cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 4, xs);
    cx_test_graph_const (g, "wa", wa);
    cx_test_graph_const (g, "wb", wb);
    cx_test_graph_node (g, "ConvTranspose", "x,wa", "a");
    cx_test_graph_node (g, "ConvTranspose", "x,wb", "b");
    cx_test_graph_node (g, "Add", "a,b", "y");
    cx_test_graph_output (g, "y");
    m = build_or_die (g);
    cx_test_gradcheck (m, &x, GC_EPS, GC_RTOL, GC_ATOL, 200);
  }
}

/* pointwise.h's kernels, each against double sums, on shapes that reach
 * every part: tiles of 4 (eight lanes) or 6 (sixteen) channels and the
 * rows left over; packed blocks, strips of 32 and 16 pixels and the last
 * pixels in a zero-padded strip (whose tile goes through a buffer, and
 * must leave the rest of y as it was); rows of x and y wider than the
 * plane; several packed
 * blocks when K is large; the bias, accumulation and clamp. The AVX-512
 * kernel only where the CPU has it. */
static void
check_pointwise_kernel (CxPointwiseKernel kernel, int64_t M, int64_t K, int64_t P,
                        gboolean accumulate, gboolean clamp, gboolean bias)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed ((guint32) (M * 1000 + K * 10 + P));
  const int64_t ldx = P + 3, ldy = P + 5;
  const CxPointwise p = { M, K, P, ldx, ldy, NULL, accumulate, clamp, -0.15f, 0.2f };
  g_autofree float *w = g_new (float, M * K);
  g_autofree float *x = g_new (float, K * ldx);
  g_autofree float *y = g_new (float, M * ldy);
  g_autofree float *b = g_new (float, M);
  g_autofree double *ref = g_new (double, M * ldy);
  CxPointwise q = p;
  int clamped = 0;

  if (!cx_pointwise_can_run (kernel, &p))
    return;
  for (int64_t i = 0; i < M * K; i++)
    w[i] = (float) g_rand_double_range (rand, -1.0, 1.0) / sqrt ((double) K);
  for (int64_t i = 0; i < K * ldx; i++)
    x[i] = (float) g_rand_double_range (rand, -1.0, 1.0);
  for (int64_t i = 0; i < M; i++)
    b[i] = (float) g_rand_double_range (rand, -0.3, 0.3);
  for (int64_t i = 0; i < M * ldy; i++)
    {
      y[i] = (float) g_rand_double_range (rand, -0.5, 0.5);
      ref[i] = y[i];
    }
  q.bias = bias ? b : NULL;
  for (int64_t m = 0; m < M; m++)
    for (int64_t i = 0; i < P; i++)
      {
        double a = accumulate ? ref[m * ldy + i] : bias ? b[m] : 0.0;
        for (int64_t k = 0; k < K; k++)
          a += (double) w[m * K + k] * x[k * ldx + i];
        if (clamp)
          {
            clamped += a < -0.15 || a > 0.2;
            a = CLAMP (a, -0.15, 0.2);
          }
        ref[m * ldy + i] = a;
      }
  if (clamp)
    g_assert_cmpint (clamped, >, M * P / 10);
  cx_pointwise_run (kernel, &q, w, x, y);
  for (int64_t m = 0; m < M; m++)
    for (int64_t i = 0; i < ldy; i++)
      /* Past the plane's P pixels, the rows stay as they were. */
      g_assert_cmpfloat_with_epsilon (y[m * ldy + i], ref[m * ldy + i], 2e-5);
}

static void
test_conv_pointwise_kernels (void)
{
  static const CxPointwiseKernel kernels[] = { CX_POINTWISE_PORTABLE, CX_POINTWISE_AVX512 };

  for (guint i = 0; i < G_N_ELEMENTS (kernels); i++)
    {
      check_pointwise_kernel (kernels[i], 7, 5, 135, FALSE, FALSE, TRUE);
      check_pointwise_kernel (kernels[i], 13, 24, 83, TRUE, FALSE, FALSE);
      check_pointwise_kernel (kernels[i], 13, 9, 83, FALSE, TRUE, TRUE);
      check_pointwise_kernel (kernels[i], 6, 3, 20, FALSE, TRUE, FALSE);
      check_pointwise_kernel (kernels[i], 1, 16, 7, TRUE, TRUE, TRUE);
      check_pointwise_kernel (kernels[i], 9, 300, 200, FALSE, FALSE, TRUE);
    }
  {
    /* What each kernel takes: K within its bounds. */
    const CxPointwise small = { 96, 16, 1024, 1024, 1024, NULL, FALSE, FALSE, 0, 0 };
    const CxPointwise deep = { 96, 600, 64, 64, 64, NULL, FALSE, FALSE, 0, 0 };
    g_assert_true (cx_pointwise_can_run (CX_POINTWISE_PORTABLE, &small));
    g_assert_false (cx_pointwise_can_run (CX_POINTWISE_PORTABLE, &deep));
    g_assert_false (cx_pointwise_can_run (CX_POINTWISE_AVX512, &deep));
    g_assert_cmpint (cx_pointwise_choose (&small), !=, CX_POINTWISE_NONE);
    g_assert_cmpint (cx_pointwise_choose (&deep), ==, CX_POINTWISE_NONE);
  }
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

/* ------------------------------------------------------------------ */
/* Gemm and MatMul                                                     */
/* ------------------------------------------------------------------ */

/* Naive Gemm: y[i, j] = alpha Σ_k op(A)[i, k] op(B)[k, j] + beta C[i|0, j|0]. */
static double *
naive_gemm (const CxTensor *a, const CxTensor *b, const CxTensor *c, gboolean ta, gboolean tb,
            double alpha, double beta, int64_t *M, int64_t *N)
{
  int64_t K = ta ? a->shape[0] : a->shape[1];
  double *y;

  *M = ta ? a->shape[1] : a->shape[0];
  *N = tb ? b->shape[0] : b->shape[1];
  y = g_new0 (double, *M * *N);
  for (int64_t i = 0; i < *M; i++)
    for (int64_t j = 0; j < *N; j++)
      {
        double acc = 0.0;
        for (int64_t k = 0; k < K; k++)
          acc += (double) a->data.f[ta ? k * *M + i : i * K + k] *
                 b->data.f[tb ? j * K + k : k * *N + j];
        acc *= alpha;
        if (c != NULL)
          {
            int64_t cm = c->ndim == 2 ? c->shape[0] : 1, cn = c->ndim >= 1 ? c->shape[c->ndim - 1] : 1;
            acc += beta * c->data.f[(cm == 1 ? 0 : i) * cn + (cn == 1 ? 0 : j)];
          }
        y[i * *N + j] = acc;
      }
  return y;
}

static CxModel *
gemm_model (int opset, int na, const int64_t *as, int nb, const int64_t *bs, int nc,
            const int64_t *cs, gboolean ta, gboolean tb, float alpha, float beta)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (opset);

  cx_test_graph_input (g, "a", CX_ELEM_FLOAT, na, as);
  cx_test_graph_input (g, "b", CX_ELEM_FLOAT, nb, bs);
  if (nc >= 0)
    cx_test_graph_input (g, "c", CX_ELEM_FLOAT, nc, cs);
  cx_test_graph_node (g, "Gemm", nc >= 0 ? "a,b,c" : "a,b", "y");
  if (ta)
    cx_test_graph_attr_int (g, "transA", 1);
  if (tb)
    cx_test_graph_attr_int (g, "transB", 1);
  if (alpha != 1.0f)
    cx_test_graph_attr_float (g, "alpha", alpha);
  if (beta != 1.0f)
    cx_test_graph_attr_float (g, "beta", beta);
  cx_test_graph_output (g, "y");
  return build_or_die (g);
}

static void
test_gemm_forward_and_gradients (void)
{
  /* C as absent, a scalar, [N], [1, N], [M, 1], [M, N]. */
  const int64_t M = 3, K = 4, N = 5;
  const int64_t c_shapes[][2] = { { 0, 0 }, { 0, 0 }, { N, 0 }, { 1, N }, { M, 1 }, { M, N } };
  const int c_ndims[] = { -1, 0, 1, 2, 2, 2 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (21);

  for (int ta = 0; ta < 2; ta++)
    for (int tb = 0; tb < 2; tb++)
      for (gsize ci = 0; ci < G_N_ELEMENTS (c_ndims); ci++)
        {
          int64_t as[2] = { ta ? K : M, ta ? M : K }, bs[2] = { tb ? N : K, tb ? K : N };
          float alpha = ci % 2 ? 0.5f : 1.0f, beta = ci % 3 ? -2.0f : 1.0f;
          g_autoptr(CxTensor) a = cx_test_uniform (rand, 2, as, -1, 1);
          g_autoptr(CxTensor) b = cx_test_uniform (rand, 2, bs, -1, 1);
          g_autoptr(CxTensor) c = c_ndims[ci] >= 0
                                  ? cx_test_uniform (rand, c_ndims[ci], c_shapes[ci], -1, 1) : NULL;
          g_autoptr(CxModel) m = gemm_model (13, 2, as, 2, bs, c_ndims[ci], c_shapes[ci], ta, tb,
                                             alpha, beta);
          CxTensor *inputs[3] = { a, b, c };
          g_autoptr(CxTensor) y = cx_test_run (m, inputs, 0);
          int64_t rm, rn, ys[2] = { M, N };
          g_autofree double *ref = naive_gemm (a, b, c, ta, tb, alpha, beta, &rm, &rn);
          assert_shape (y, 2, ys);
          assert_close (y, ref, M * N, 1e-5, 1e-5);
          cx_test_gradcheck (m, inputs, GC_EPS, GC_RTOL, GC_ATOL, 100);
        }
}

static void
test_gemm_shape_mismatch (void)
{
  int64_t as[2] = { 3, 4 }, bs[2] = { 5, 2 };
  g_autoptr(CxModel) m = gemm_model (13, 2, as, 2, bs, -1, NULL, FALSE, FALSE, 1, 1);
  g_autoptr(CxTensor) a = cx_tensor_new_f32 (2, as, NULL);
  g_autoptr(CxTensor) b = cx_tensor_new_f32 (2, bs, NULL);
  CxTensor *inputs[2] = { a, b };

  assert_forward_fails (m, inputs, CX_ERROR_SHAPE,
                        "A [3, 4] (transA=0) and B [5, 2] (transB=0) have inner dimensions 4 and 5");
}

/* Naive MatMul with NumPy's rules: 1-D operands promoted, batch dims broadcast. */
static double *
naive_matmul (const CxTensor *a, const CxTensor *b, int *ynd, int64_t *ys)
{
  int64_t ash[CX_MAX_DIMS + 1], bsh[CX_MAX_DIMS + 1], batch[CX_MAX_DIMS];
  int na = a->ndim, nb = b->ndim, nbatch;
  int64_t M, K, N, count = 1;
  double *y;

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
  M = ash[na - 2];
  K = ash[na - 1];
  N = bsh[nb - 1];
  nbatch = MAX (na, nb) - 2;
  for (int d = 0; d < nbatch; d++)
    {
      int da = d - (nbatch - (na - 2)), db = d - (nbatch - (nb - 2));
      int64_t la = da >= 0 ? ash[da] : 1, lb = db >= 0 ? bsh[db] : 1;
      batch[d] = MAX (la, lb);
      count *= batch[d];
    }
  *ynd = 0;
  for (int d = 0; d < nbatch; d++)
    ys[(*ynd)++] = batch[d];
  if (a->ndim > 1)
    ys[(*ynd)++] = M;
  if (b->ndim > 1)
    ys[(*ynd)++] = N;
  y = g_new0 (double, count * M * N);
  for (int64_t t = 0; t < count; t++)
    {
      /* Unravel t over the batch and find each operand's matrix. */
      int64_t rem = t, oa = 0, ob = 0, sa = 1, sb = 1;
      for (int d = nbatch - 1; d >= 0; d--)
        {
          int64_t idx = rem % batch[d];
          int da = d - (nbatch - (na - 2)), db = d - (nbatch - (nb - 2));
          rem /= batch[d];
          if (da >= 0)
            {
              oa += (ash[da] == 1 ? 0 : idx) * sa;
              sa *= ash[da];
            }
          if (db >= 0)
            {
              ob += (bsh[db] == 1 ? 0 : idx) * sb;
              sb *= bsh[db];
            }
        }
      for (int64_t i = 0; i < M; i++)
        for (int64_t j = 0; j < N; j++)
          {
            double acc = 0.0;
            for (int64_t k = 0; k < K; k++)
              acc += (double) a->data.f[oa * M * K + i * K + k] * b->data.f[ob * K * N + k * N + j];
            y[t * M * N + i * N + j] = acc;
          }
    }
  return y;
}

static void
test_matmul_forward_and_gradients (void)
{
  static const struct { int na; int64_t a[4]; int nb; int64_t b[4]; } cases[] = {
    { 2, { 3, 4 }, 2, { 4, 5 } },
    { 3, { 2, 3, 4 }, 2, { 4, 5 } },          /* A's batch folds into rows */
    { 3, { 2, 3, 4 }, 3, { 2, 4, 5 } },
    { 4, { 2, 1, 3, 4 }, 3, { 3, 4, 2 } },    /* both broadcast */
    { 2, { 3, 4 }, 3, { 2, 4, 5 } },          /* A broadcast over B's batch */
    { 3, { 1, 3, 4 }, 3, { 2, 4, 5 } },
    { 1, { 4 }, 2, { 4, 5 } },
    { 3, { 2, 3, 4 }, 1, { 4 } },
    { 1, { 4 }, 1, { 4 } },
    { 1, { 4 }, 3, { 2, 4, 3 } },
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (22);

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
      g_autoptr(CxModel) m = NULL;
      g_autoptr(CxTensor) a = cx_test_uniform (rand, cases[i].na, cases[i].a, -1, 1);
      g_autoptr(CxTensor) b = cx_test_uniform (rand, cases[i].nb, cases[i].b, -1, 1);
      g_autoptr(CxTensor) y = NULL;
      g_autofree double *ref = NULL;
      CxTensor *inputs[2] = { a, b };
      int64_t ys[CX_MAX_DIMS];
      int ynd;

      cx_test_graph_input (g, "a", CX_ELEM_FLOAT, cases[i].na, cases[i].a);
      cx_test_graph_input (g, "b", CX_ELEM_FLOAT, cases[i].nb, cases[i].b);
      cx_test_graph_node (g, "MatMul", "a,b", "y");
      cx_test_graph_output (g, "y");
      m = build_or_die (g);
      y = cx_test_run (m, inputs, 0);
      ref = naive_matmul (a, b, &ynd, ys);
      assert_shape (y, ynd, ys);
      assert_close (y, ref, prod (ynd, ys), 1e-5, 1e-5);
      cx_test_gradcheck (m, inputs, GC_EPS, GC_RTOL, GC_ATOL, 100);
    }
}

/* Attention-style: both operands are activations of one input. */
static void
test_matmul_both_operands_activations (void)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autoptr(CxModel) m = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (23);
  int64_t xs[3] = { 2, 3, 4 }, ws[2] = { 4, 4 };
  int64_t perm[3] = { 0, 2, 1 };
  g_autoptr(CxTensor) x = cx_test_uniform (rand, 3, xs, -1, 1);
  g_autoptr(CxTensor) w = cx_test_uniform (rand, 2, ws, -1, 1);

  cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 3, xs);
  cx_test_graph_const (g, "w", w);
  cx_test_graph_node (g, "MatMul", "x,w", "q");
  cx_test_graph_node (g, "Transpose", "x", "xt");
  cx_test_graph_attr_ints (g, "perm", 3, perm);
  cx_test_graph_node (g, "MatMul", "q,xt", "y");
  cx_test_graph_output (g, "y");
  {
    g_autoptr(GError) error = NULL;
    m = cx_test_graph_build (g, &error);
    if (m == NULL)
      {
        /* Transpose belongs to the shape family; without it, skip. */
        g_test_skip (error->message);
        return;
      }
  }
  cx_test_gradcheck (m, &x, GC_EPS, GC_RTOL, GC_ATOL, 100);
}

static void
test_matmul_bad_shapes (void)
{
  int64_t as[3] = { 2, 3, 4 }, bs[3] = { 3, 4, 5 }, cs[2] = { 5, 2 };
  g_autoptr(CxTensor) a = cx_tensor_new_f32 (3, as, NULL);
  g_autoptr(CxTensor) b = cx_tensor_new_f32 (3, bs, NULL);
  g_autoptr(CxTensor) c = cx_tensor_new_f32 (2, cs, NULL);

  {
    g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
    g_autoptr(CxModel) m = NULL;
    CxTensor *inputs[2] = { a, b };
    cx_test_graph_input (g, "a", CX_ELEM_FLOAT, 3, as);
    cx_test_graph_input (g, "b", CX_ELEM_FLOAT, 3, bs);
    cx_test_graph_node (g, "MatMul", "a,b", "y");
    cx_test_graph_output (g, "y");
    m = build_or_die (g);
    assert_forward_fails (m, inputs, CX_ERROR_SHAPE,
                          "A [2, 3, 4] and B [3, 4, 5]: the batch dimensions do not broadcast");
  }
  {
    g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
    g_autoptr(CxModel) m = NULL;
    CxTensor *inputs[2] = { a, c };
    cx_test_graph_input (g, "a", CX_ELEM_FLOAT, 3, as);
    cx_test_graph_input (g, "c", CX_ELEM_FLOAT, 2, cs);
    cx_test_graph_node (g, "MatMul", "a,c", "y");
    cx_test_graph_output (g, "y");
    m = build_or_die (g);
    assert_forward_fails (m, inputs, CX_ERROR_SHAPE,
                          "A [2, 3, 4] and B [5, 2]: inner dimensions 4 and 5 differ");
  }
}

/* ------------------------------------------------------------------ */
/* Pooling                                                             */
/* ------------------------------------------------------------------ */

typedef struct
{
  const char *op;                /* "MaxPool" or "AveragePool" */
  int nsp;
  int64_t n, c, in[3], k[3];
  int64_t strides[3];            /* [0] == 0: absent */
  int64_t dil[3];
  int64_t pads[6];
  gboolean has_pads;
  const char *auto_pad;
  gboolean ceil_mode, count_include_pad;
  gboolean indices;              /* MaxPool's second output */
  gboolean column_major;         /* storage_order = 1 */
} PoolSpec;

/* Per-axis geometry per the ONNX definition (with the rule, shared with
 * PyTorch, that a ceil_mode window must start inside the input or its
 * left padding). */
static void
pool_spec_geometry (const PoolSpec *s, int i, int64_t *pb, int64_t *pe, int64_t *out)
{
  int64_t st = s->strides[0] ? s->strides[i] : 1, dl = s->dil[0] ? s->dil[i] : 1;
  int64_t ek = (s->k[i] - 1) * dl + 1, L = s->in[i];

  *pb = s->has_pads ? s->pads[i] : 0;
  *pe = s->has_pads ? s->pads[s->nsp + i] : 0;
  if (s->auto_pad && g_str_has_prefix (s->auto_pad, "SAME"))
    {
      int64_t total;
      *out = (L + st - 1) / st;
      total = MAX (0, (*out - 1) * st + ek - L);
      *pb = g_str_equal (s->auto_pad, "SAME_UPPER") ? total / 2 : total - total / 2;
      *pe = total - *pb;
      return;
    }
  if (s->auto_pad && g_str_equal (s->auto_pad, "VALID"))
    *pb = *pe = 0;
  if (s->ceil_mode)
    {
      *out = (int64_t) ceil ((double) (L + *pb + *pe - ek) / st) + 1;
      if ((*out - 1) * st >= L + *pb)
        (*out)--;
    }
  else
    *out = (L + *pb + *pe - ek) / st + 1;
}

/* Naive pooling in double; @arg receives the first maximum's flat index. */
static double *
naive_pool (const PoolSpec *s, const CxTensor *x, int64_t *ys, int64_t *arg)
{
  int64_t pb[3] = { 0 }, pe[3] = { 0 }, out[3] = { 1, 1, 1 }, in[3] = { 1, 1, 1 };
  int64_t k[3] = { 1, 1, 1 }, st[3] = { 1, 1, 1 }, dl[3] = { 1, 1, 1 }, osz, isz;
  gboolean is_max = g_str_equal (s->op, "MaxPool");
  double *y;

  for (int i = 0; i < s->nsp; i++)
    {
      int j = 3 - s->nsp + i;
      pool_spec_geometry (s, i, &pb[j], &pe[j], &out[j]);
      in[j] = s->in[i];
      k[j] = s->k[i];
      st[j] = s->strides[0] ? s->strides[i] : 1;
      dl[j] = s->dil[0] ? s->dil[i] : 1;
      ys[2 + i] = out[j];
    }
  ys[0] = s->n;
  ys[1] = s->c;
  osz = out[0] * out[1] * out[2];
  isz = in[0] * in[1] * in[2];
  y = g_new0 (double, s->n * s->c * osz);
  for (int64_t pl = 0; pl < s->n * s->c; pl++)
    for (int64_t o0 = 0; o0 < out[0]; o0++)
      for (int64_t o1 = 0; o1 < out[1]; o1++)
        for (int64_t o2 = 0; o2 < out[2]; o2++)
          {
            int64_t o = (o0 * out[1] + o1) * out[2] + o2, best = -1, count = 0, padded = 1;
            double acc = is_max ? -INFINITY : 0.0;
            int64_t oo[3] = { o0, o1, o2 };
            for (int a = 0; a < 3; a++)
              {
                int64_t n = 0;
                for (int64_t kk = 0; kk < k[a]; kk++)
                  {
                    int64_t p = oo[a] * st[a] - pb[a] + kk * dl[a];
                    n += p >= -pb[a] && p < in[a] + pe[a];
                  }
                padded *= n;
              }
            for (int64_t k0 = 0; k0 < k[0]; k0++)
              for (int64_t k1 = 0; k1 < k[1]; k1++)
                for (int64_t k2 = 0; k2 < k[2]; k2++)
                  {
                    int64_t i0 = o0 * st[0] - pb[0] + k0 * dl[0];
                    int64_t i1 = o1 * st[1] - pb[1] + k1 * dl[1];
                    int64_t i2 = o2 * st[2] - pb[2] + k2 * dl[2];
                    int64_t pos = (i0 * in[1] + i1) * in[2] + i2;
                    double v;
                    if (i0 < 0 || i0 >= in[0] || i1 < 0 || i1 >= in[1] || i2 < 0 || i2 >= in[2])
                      continue;
                    v = cx_tensor_get (x, pl * isz + pos);
                    count++;
                    if (is_max && v > acc)
                      {
                        acc = v;
                        best = s->column_major ? i1 + i2 * in[1] + i0 * in[1] * in[2] : pos;
                      }
                    if (!is_max)
                      acc += v;
                  }
            if (!is_max)
              acc /= s->count_include_pad ? padded : count;
            y[pl * osz + o] = acc;
            if (arg != NULL)
              arg[pl * osz + o] = pl * isz + best;
          }
  return y;
}

/* Distinct values at least 0.01 apart (no ties, no argmax flips under
 * the gradcheck's ±1e-3), shuffled. */
static CxTensor *
spaced_values (GRand *rand, int ndim, const int64_t *shape)
{
  CxTensor *t = cx_tensor_new_f32 (ndim, shape, NULL);
  for (int64_t i = 0; i < t->numel; i++)
    t->data.f[i] = (float) (0.01 * (i - t->numel / 2));
  for (int64_t i = t->numel - 1; i > 0; i--)
    {
      int64_t j = g_rand_int_range (rand, 0, (gint32) i + 1);
      float v = t->data.f[i];
      t->data.f[i] = t->data.f[j];
      t->data.f[j] = v;
    }
  return t;
}

static CxModel *
pool_model (const PoolSpec *s, int opset, CxElem elem)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (opset);
  int64_t xs[5] = { s->n, s->c };

  for (int i = 0; i < s->nsp; i++)
    xs[2 + i] = s->in[i];
  cx_test_graph_input (g, "x", elem, s->nsp + 2, xs);
  cx_test_graph_node (g, s->op, "x", s->indices ? "y,idx" : "y");
  cx_test_graph_attr_ints (g, "kernel_shape", s->nsp, s->k);
  if (s->strides[0])
    cx_test_graph_attr_ints (g, "strides", s->nsp, s->strides);
  if (s->dil[0])
    cx_test_graph_attr_ints (g, "dilations", s->nsp, s->dil);
  if (s->has_pads)
    cx_test_graph_attr_ints (g, "pads", 2 * s->nsp, s->pads);
  if (s->auto_pad)
    cx_test_graph_attr_string (g, "auto_pad", s->auto_pad);
  if (s->ceil_mode)
    cx_test_graph_attr_int (g, "ceil_mode", 1);
  if (s->count_include_pad)
    cx_test_graph_attr_int (g, "count_include_pad", 1);
  if (s->column_major)
    cx_test_graph_attr_int (g, "storage_order", 1);
  cx_test_graph_output (g, "y");
  if (s->indices)
    cx_test_graph_output (g, "idx");
  return build_or_die (g);
}

static void
check_pool (const PoolSpec *s)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (31);
  g_autoptr(CxModel) m = pool_model (s, 12, CX_ELEM_FLOAT);
  g_autoptr(CxExec) exec = cx_exec_new (m, 0);
  g_autoptr(GError) error = NULL;
  int64_t xs[5] = { s->n, s->c }, ys[5];
  g_autoptr(CxTensor) x = NULL;
  g_autofree double *ref = NULL;
  g_autofree int64_t *arg = NULL;
  int nd = s->nsp + 2;
  int64_t nout;

  for (int i = 0; i < s->nsp; i++)
    xs[2 + i] = s->in[i];
  x = spaced_values (rand, nd, xs);
  arg = g_new (int64_t, x->numel * 4);
  ref = naive_pool (s, x, ys, arg);
  nout = prod (nd, ys);
  g_assert_true (cx_exec_forward (exec, &x, FALSE, &error));
  g_assert_no_error (error);
  assert_shape (cx_exec_output (exec, 0), nd, ys);
  assert_close (cx_exec_output (exec, 0), ref, nout, 1e-5, 1e-6);
  if (s->indices)
    {
      const CxTensor *idx = cx_exec_output (exec, 1);
      g_assert_cmpint (idx->elem, ==, CX_ELEM_INT64);
      assert_shape (idx, nd, ys);
      for (int64_t i = 0; i < nout; i++)
        g_assert_cmpint (idx->data.i[i], ==, arg[i]);
    }
  cx_test_gradcheck (m, &x, GC_EPS, GC_RTOL, GC_ATOL, 200);
}

#define POOL_TEST(fn, ...) \
  static void \
  fn (void) \
  { \
    const PoolSpec s = { __VA_ARGS__ }; \
    check_pool (&s); \
  }

POOL_TEST (test_maxpool_resnet, .op = "MaxPool", .nsp = 2, .n = 2, .c = 3, .in = { 9, 8 },
           .k = { 3, 3 }, .strides = { 2, 2 }, .pads = { 1, 1, 1, 1 }, .has_pads = TRUE)
POOL_TEST (test_maxpool_ceil, .op = "MaxPool", .nsp = 2, .n = 1, .c = 2, .in = { 8, 7 },
           .k = { 3, 2 }, .strides = { 2, 2 }, .ceil_mode = TRUE)
POOL_TEST (test_maxpool_ceil_padded, .op = "MaxPool", .nsp = 2, .n = 1, .c = 2, .in = { 6, 6 },
           .k = { 3, 3 }, .strides = { 2, 2 }, .pads = { 1, 1, 1, 1 }, .has_pads = TRUE,
           .ceil_mode = TRUE)
POOL_TEST (test_maxpool_dilated, .op = "MaxPool", .nsp = 2, .n = 1, .c = 2, .in = { 9, 7 },
           .k = { 2, 3 }, .dil = { 2, 2 }, .strides = { 1, 2 }, .pads = { 1, 0, 0, 2 },
           .has_pads = TRUE)
POOL_TEST (test_maxpool_same_upper, .op = "MaxPool", .nsp = 2, .n = 1, .c = 2, .in = { 7, 6 },
           .k = { 3, 2 }, .strides = { 2, 2 }, .auto_pad = "SAME_UPPER")
POOL_TEST (test_maxpool_same_lower, .op = "MaxPool", .nsp = 2, .n = 1, .c = 2, .in = { 5, 6 },
           .k = { 2, 4 }, .auto_pad = "SAME_LOWER")
POOL_TEST (test_maxpool_1d, .op = "MaxPool", .nsp = 1, .n = 2, .c = 2, .in = { 11 },
           .k = { 3 }, .strides = { 2 }, .pads = { 1, 1 }, .has_pads = TRUE)
POOL_TEST (test_maxpool_3d, .op = "MaxPool", .nsp = 3, .n = 1, .c = 2, .in = { 4, 5, 4 },
           .k = { 2, 2, 3 }, .strides = { 2, 1, 2 }, .pads = { 0, 1, 1, 1, 0, 1 },
           .has_pads = TRUE)
POOL_TEST (test_maxpool_tiled_2x2, .op = "MaxPool", .nsp = 2, .n = 2, .c = 3, .in = { 7, 9 },
           .k = { 2, 2 }, .strides = { 2, 2 })
POOL_TEST (test_maxpool_tiled_3x3, .op = "MaxPool", .nsp = 2, .n = 1, .c = 2, .in = { 9, 10 },
           .k = { 3, 3 }, .strides = { 3, 3 })
POOL_TEST (test_maxpool_indices, .op = "MaxPool", .nsp = 2, .n = 2, .c = 2, .in = { 6, 5 },
           .k = { 3, 2 }, .strides = { 2, 1 }, .pads = { 1, 0, 0, 1 }, .has_pads = TRUE,
           .indices = TRUE)
POOL_TEST (test_maxpool_indices_column_major, .op = "MaxPool", .nsp = 2, .n = 2, .c = 1,
           .in = { 5, 6 }, .k = { 2, 2 }, .strides = { 2, 2 }, .indices = TRUE,
           .column_major = TRUE)
POOL_TEST (test_maxpool_indices_3d, .op = "MaxPool", .nsp = 3, .n = 1, .c = 2, .in = { 3, 4, 3 },
           .k = { 2, 2, 2 }, .indices = TRUE, .column_major = TRUE)
POOL_TEST (test_avgpool_exclude_pad, .op = "AveragePool", .nsp = 2, .n = 2, .c = 2,
           .in = { 7, 6 }, .k = { 3, 3 }, .strides = { 2, 2 }, .pads = { 1, 1, 1, 1 },
           .has_pads = TRUE)
POOL_TEST (test_avgpool_include_pad, .op = "AveragePool", .nsp = 2, .n = 1, .c = 2,
           .in = { 7, 6 }, .k = { 3, 2 }, .strides = { 2, 1 }, .pads = { 1, 1, 2, 0 },
           .has_pads = TRUE, .count_include_pad = TRUE)
POOL_TEST (test_avgpool_ceil_include_pad, .op = "AveragePool", .nsp = 2, .n = 1, .c = 2,
           .in = { 6, 7 }, .k = { 3, 3 }, .strides = { 2, 2 }, .pads = { 1, 0, 1, 0 },
           .has_pads = TRUE, .ceil_mode = TRUE, .count_include_pad = TRUE)
POOL_TEST (test_avgpool_ceil, .op = "AveragePool", .nsp = 2, .n = 1, .c = 1, .in = { 8, 8 },
           .k = { 3, 3 }, .strides = { 2, 2 }, .ceil_mode = TRUE)
POOL_TEST (test_avgpool_same_upper, .op = "AveragePool", .nsp = 2, .n = 1, .c = 2,
           .in = { 5, 6 }, .k = { 3, 3 }, .strides = { 2, 2 }, .auto_pad = "SAME_UPPER")
POOL_TEST (test_avgpool_same_lower_include_pad, .op = "AveragePool", .nsp = 2, .n = 1, .c = 1,
           .in = { 5, 5 }, .k = { 2, 2 }, .auto_pad = "SAME_LOWER", .count_include_pad = TRUE)
POOL_TEST (test_avgpool_dilated, .op = "AveragePool", .nsp = 2, .n = 1, .c = 2, .in = { 8, 7 },
           .k = { 2, 2 }, .dil = { 2, 3 }, .pads = { 1, 1, 0, 1 }, .has_pads = TRUE)
POOL_TEST (test_avgpool_1d, .op = "AveragePool", .nsp = 1, .n = 2, .c = 3, .in = { 10 },
           .k = { 4 }, .strides = { 3 }, .pads = { 2, 1 }, .has_pads = TRUE,
           .count_include_pad = TRUE)
POOL_TEST (test_avgpool_3d, .op = "AveragePool", .nsp = 3, .n = 1, .c = 2, .in = { 4, 4, 5 },
           .k = { 2, 3, 2 }, .strides = { 2, 1, 2 }, .pads = { 1, 1, 0, 0, 1, 1 },
           .has_pads = TRUE)

/* Ties, −inf and NaN in the windows: the gradient goes to the first
 * maximum in window order (NaN never wins), as the naive pool's argmax,
 * for tiling windows (2×2 and 3×3, which have their own kernels) and
 * overlapping ones. */
static void
test_maxpool_ties (void)
{
  const PoolSpec specs[] = {
    { .op = "MaxPool", .nsp = 2, .n = 2, .c = 2, .in = { 9, 8 }, .k = { 2, 2 },
      .strides = { 2, 2 } },
    /* Rows of 18 and 16 windows: the 2×2 kernels' eight-wide loops and tails. */
    { .op = "MaxPool", .nsp = 2, .n = 2, .c = 2, .in = { 9, 37 }, .k = { 2, 2 },
      .strides = { 2, 2 } },
    { .op = "MaxPool", .nsp = 2, .n = 1, .c = 3, .in = { 6, 32 }, .k = { 2, 2 },
      .strides = { 2, 2 } },
    { .op = "MaxPool", .nsp = 2, .n = 2, .c = 2, .in = { 9, 8 }, .k = { 3, 3 },
      .strides = { 3, 3 } },
    { .op = "MaxPool", .nsp = 2, .n = 2, .c = 2, .in = { 9, 8 }, .k = { 3, 3 },
      .strides = { 2, 2 }, .pads = { 1, 1, 1, 1 }, .has_pads = TRUE },
  };

  for (gsize k = 0; k < G_N_ELEMENTS (specs); k++)
    {
      const PoolSpec *s = &specs[k];
      g_autoptr(CxModel) m = pool_model (s, 12, CX_ELEM_FLOAT);
      g_autoptr(CxExec) exec = cx_exec_new (m, 0);
      g_autoptr(GError) error = NULL;
      int64_t xs[4] = { s->n, s->c, s->in[0], s->in[1] }, ys[4];
      g_autoptr(CxTensor) x = cx_tensor_new_f32 (4, xs, NULL);
      g_autoptr(CxTensor) dy = NULL;
      g_autofree double *ref = NULL;
      g_autofree int64_t *arg = g_new (int64_t, x->numel);
      g_autofree double *want = g_new0 (double, x->numel);
      const CxTensor *gx;

      for (int64_t i = 0; i < x->numel; i++)
        x->data.f[i] = i % 11 == 3 ? NAN
                       : i % 13 == 5 ? -INFINITY
                       : (float) (((guint32) i * 2654435761u >> 13) % 3);  /* many ties */
      ref = naive_pool (s, x, ys, arg);
      dy = cx_tensor_new_f32 (4, ys, NULL);
      for (int64_t o = 0; o < dy->numel; o++)
        dy->data.f[o] = (float) (o + 1);
      for (int64_t o = 0; o < dy->numel; o++)
        {
          int64_t pl = o / (ys[2] * ys[3]);
          if (arg[o] >= pl * s->in[0] * s->in[1])  /* -1 + pl·isz: no finite maximum */
            want[arg[o]] += dy->data.f[o];
        }
      g_assert_true (cx_exec_forward (exec, &x, TRUE, &error));
      g_assert_no_error (error);
      for (int64_t o = 0; o < dy->numel; o++)
        g_assert_cmpfloat (cx_exec_output (exec, 0)->data.f[o], ==, (float) ref[o]);
      g_assert_true (cx_exec_backward (exec, 0, dy, &error));
      g_assert_no_error (error);
      gx = cx_exec_input_grad (exec, 0);
      for (int64_t i = 0; i < x->numel; i++)
        g_assert_cmpfloat (gx->data.f[i], ==, want[i]);
    }
}

/* MaxPool on integers (opset 12): values and indices. */
static void
test_maxpool_int (void)
{
  const PoolSpec s = { .op = "MaxPool", .nsp = 2, .n = 1, .c = 2, .in = { 5, 5 },
                       .k = { 2, 3 }, .strides = { 2, 2 }, .pads = { 0, 1, 1, 1 },
                       .has_pads = TRUE, .indices = TRUE };
  g_autoptr(CxModel) m = pool_model (&s, 12, CX_ELEM_INT64);
  g_autoptr(CxExec) exec = cx_exec_new (m, 0);
  g_autoptr(GError) error = NULL;
  int64_t xs[4] = { 1, 2, 5, 5 }, ys[4];
  g_autoptr(CxTensor) x = cx_tensor_new_i64 (4, xs, NULL);
  g_autofree double *ref = NULL;
  int64_t arg[64];

  for (int64_t i = 0; i < x->numel; i++)
    x->data.i[i] = (i * 37) % 23 - 11;
  ref = naive_pool (&s, x, ys, arg);
  g_assert_true (cx_exec_forward (exec, &x, FALSE, &error));
  g_assert_no_error (error);
  assert_shape (cx_exec_output (exec, 0), 4, ys);
  for (int64_t i = 0; i < prod (4, ys); i++)
    {
      g_assert_cmpint (cx_exec_output (exec, 0)->data.i[i], ==, (int64_t) ref[i]);
      g_assert_cmpint (cx_exec_output (exec, 1)->data.i[i], ==, arg[i]);
    }
}

/* GlobalAveragePool and GlobalMaxPool on 4×5 planes, and on 2×2 ones
 * (GlobalAveragePool's unrolled path). */
static void
test_global_pools (void)
{
  static const int64_t sizes[2][2] = { { 4, 5 }, { 2, 2 } };

  for (int shape = 0; shape < 2; shape++)
    for (int op = 0; op < 2; op++)
      {
        g_autoptr(GRand) rand = g_rand_new_with_seed (33 + shape);
        const int64_t xs[4] = { 2, 3, sizes[shape][0], sizes[shape][1] }, ys[4] = { 2, 3, 1, 1 };
        const int64_t size = xs[2] * xs[3];
        g_autoptr(CxTensor) x = spaced_values (rand, 4, xs);
        g_autoptr(CxModel) m = one_op_model (op ? "GlobalMaxPool" : "GlobalAveragePool", 4, xs);
        g_autoptr(CxTensor) y = NULL;
        double ref[6];
        for (int pl = 0; pl < 6; pl++)
          {
            double acc = op ? -INFINITY : 0.0;
            for (int i = 0; i < size; i++)
              acc = op ? MAX (acc, x->data.f[pl * size + i])
                       : acc + x->data.f[pl * size + i] / (double) size;
            ref[pl] = acc;
          }
        y = cx_test_run (m, &x, 0);
        assert_shape (y, 4, ys);
        assert_close (y, ref, 6, 1e-5, 1e-6);
        cx_test_gradcheck (m, &x, GC_EPS, GC_RTOL, GC_ATOL, 200);
      }
}

static void
test_pool_bad_attributes (void)
{
  static const struct { const char *attr; int64_t v[4]; gsize n; const char *msg; } cases[] = {
    { "kernel_shape", { 0, 2 }, 2, "attribute 'kernel_shape' must be positive" },
    { "strides", { 1, 0 }, 2, "attribute 'strides' must be positive" },
    { "dilations", { -1, 1 }, 2, "attribute 'dilations' must be positive" },
    { "pads", { 0, 0, -1, 0 }, 4, "attribute 'pads' must be non-negative" },
    { "strides", { 1, 1, 1 }, 3, "attribute 'strides' does not match" },
  };
  int64_t xs[4] = { 1, 1, 5, 5 }, ks[2] = { 2, 2 };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CxTestGraph) g = cx_test_graph_new (12);
      cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 4, xs);
      cx_test_graph_node (g, "MaxPool", "x", "y");
      if (!g_str_equal (cases[i].attr, "kernel_shape"))
        cx_test_graph_attr_ints (g, "kernel_shape", 2, ks);
      cx_test_graph_attr_ints (g, cases[i].attr, cases[i].n, cases[i].v);
      cx_test_graph_output (g, "y");
      assert_load_fails (g, CX_ERROR_INVALID, cases[i].msg);
    }
  {
    g_autoptr(CxTestGraph) g = cx_test_graph_new (12);
    cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 4, xs);
    cx_test_graph_node (g, "AveragePool", "x", "y");
    cx_test_graph_output (g, "y");
    assert_load_fails (g, CX_ERROR_INVALID, "attribute 'kernel_shape' is required");
  }
}

/* ------------------------------------------------------------------ */
/* Normalisation                                                       */
/* ------------------------------------------------------------------ */

static void
test_batchnorm (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (41);
  int64_t xs[4] = { 2, 3, 4, 5 }, cs[1] = { 3 };
  g_autoptr(CxTensor) x = cx_test_uniform (rand, 4, xs, -1, 1);
  g_autoptr(CxTensor) s = cx_test_uniform (rand, 1, cs, 0.5, 1.5);
  g_autoptr(CxTensor) b = cx_test_uniform (rand, 1, cs, -1, 1);
  g_autoptr(CxTensor) mean = cx_test_uniform (rand, 1, cs, -0.5, 0.5);
  g_autoptr(CxTensor) var = cx_test_uniform (rand, 1, cs, 0.5, 1.5);
  CxTensor *inputs[5] = { x, s, b, mean, var };
  const float eps = 1e-2f;

  for (int opset = 9; opset <= 15; opset += 6)
    {
      g_autoptr(CxTestGraph) g = cx_test_graph_new (opset);
      g_autoptr(CxModel) m = NULL;
      g_autoptr(CxTensor) y = NULL;
      g_autofree double *ref = g_new (double, x->numel);
      cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 4, xs);
      cx_test_graph_input (g, "s", CX_ELEM_FLOAT, 1, cs);
      cx_test_graph_input (g, "b", CX_ELEM_FLOAT, 1, cs);
      cx_test_graph_input (g, "mean", CX_ELEM_FLOAT, 1, cs);
      cx_test_graph_input (g, "var", CX_ELEM_FLOAT, 1, cs);
      cx_test_graph_node (g, "BatchNormalization", "x,s,b,mean,var", "y");
      cx_test_graph_attr_float (g, "epsilon", eps);
      cx_test_graph_output (g, "y");
      m = build_or_die (g);
      for (int64_t i = 0; i < x->numel; i++)
        {
          int64_t c = (i / 20) % 3;
          ref[i] = (x->data.f[i] - (double) mean->data.f[c]) / sqrt ((double) var->data.f[c] + eps) *
                   s->data.f[c] + b->data.f[c];
        }
      y = cx_test_run (m, inputs, 0);
      assert_close (y, ref, x->numel, 1e-5, 1e-6);
      cx_test_gradcheck (m, inputs, GC_EPS, GC_RTOL, GC_ATOL, 100);
    }
}

static void
test_batchnorm_training_refused (void)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (15);
  int64_t xs[2] = { 2, 3 }, cs[1] = { 3 };

  cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 2, xs);
  cx_test_graph_input (g, "s", CX_ELEM_FLOAT, 1, cs);
  cx_test_graph_node (g, "BatchNormalization", "x,s,s,s,s", "y");
  cx_test_graph_attr_int (g, "training_mode", 1);
  cx_test_graph_output (g, "y");
  assert_load_fails (g, CX_ERROR_UNSUPPORTED, "attribute 'training_mode' is 1");
}

/* Layer normalisation over the axes from @axis, in double. */
static void
naive_layernorm (const CxTensor *x, int axis, const double *scale, const double *bias,
                 double eps, double *y, double *mean, double *rstd)
{
  int64_t rows = 1, D;
  for (int d = 0; d < axis; d++)
    rows *= x->shape[d];
  D = x->numel / rows;
  for (int64_t r = 0; r < rows; r++)
    {
      double mu = 0.0, var = 0.0;
      for (int64_t i = 0; i < D; i++)
        mu += x->data.f[r * D + i];
      mu /= D;
      for (int64_t i = 0; i < D; i++)
        var += (x->data.f[r * D + i] - mu) * (x->data.f[r * D + i] - mu);
      var /= D;
      mean[r] = mu;
      rstd[r] = 1.0 / sqrt (var + eps);
      for (int64_t i = 0; i < D; i++)
        y[r * D + i] = (x->data.f[r * D + i] - mu) * rstd[r] * scale[i] + (bias ? bias[i] : 0.0);
    }
}

static void
test_layernorm (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  int64_t xs[3] = { 2, 3, 4 };
  g_autoptr(CxTensor) x = cx_test_uniform (rand, 3, xs, -1, 1);

  for (int axis = -1; axis <= 1; axis += 2)
    for (int with_bias = 0; with_bias < 2; with_bias++)
      {
        int real_axis = axis < 0 ? 3 + axis : axis;
        int64_t ps[2] = { 3, 4 }, ss[3] = { 2, 1, 1 };
        const int64_t *pshape = real_axis == 2 ? ps + 1 : ps;
        int pnd = 3 - real_axis, rows = real_axis == 2 ? 6 : 2, D = 24 / rows;
        g_autoptr(CxTensor) s = cx_test_uniform (rand, pnd, pshape, 0.5, 1.5);
        g_autoptr(CxTensor) b = cx_test_uniform (rand, pnd, pshape, -1, 1);
        g_autoptr(CxTestGraph) g = cx_test_graph_new (17);
        g_autoptr(CxModel) m = NULL;
        g_autoptr(CxExec) exec = NULL;
        g_autoptr(GError) error = NULL;
        g_autofree double *y = g_new (double, 24);
        g_autofree double *sd = g_new (double, D);
        g_autofree double *bd = g_new (double, D);
        double mean[6], rstd[6];
        CxTensor *inputs[3] = { x, s, b };

        if (real_axis == 2)
          ss[1] = 3;
        for (int i = 0; i < D; i++)
          {
            sd[i] = s->data.f[i];
            bd[i] = b->data.f[i];
          }
        cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 3, xs);
        cx_test_graph_input (g, "s", CX_ELEM_FLOAT, pnd, pshape);
        if (with_bias)
          cx_test_graph_input (g, "b", CX_ELEM_FLOAT, pnd, pshape);
        cx_test_graph_node (g, "LayerNormalization", with_bias ? "x,s,b" : "x,s", "y,mu,rs");
        cx_test_graph_attr_int (g, "axis", axis);
        cx_test_graph_attr_float (g, "epsilon", 1e-3f);
        cx_test_graph_output (g, "y");
        cx_test_graph_output (g, "mu");
        cx_test_graph_output (g, "rs");
        m = build_or_die (g);
        naive_layernorm (x, real_axis, sd, with_bias ? bd : NULL, 1e-3, y, mean, rstd);
        exec = cx_exec_new (m, 0);
        g_assert_true (cx_exec_forward (exec, inputs, FALSE, &error));
        g_assert_no_error (error);
        assert_close (cx_exec_output (exec, 0), y, 24, 1e-5, 1e-5);
        assert_shape (cx_exec_output (exec, 1), 3, ss);
        assert_close (cx_exec_output (exec, 1), mean, rows, 1e-5, 1e-6);
        assert_close (cx_exec_output (exec, 2), rstd, rows, 1e-5, 1e-6);
        cx_test_gradcheck (m, inputs, GC_EPS, GC_RTOL, GC_ATOL, 100);
      }
}

/* Gradients through the Mean and InvStdDev outputs, and a Scale and B
 * that broadcast to the normalised shape. */
static void
test_layernorm_stats_and_broadcast (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (43);
  int64_t xs[3] = { 2, 3, 4 }, ss[1] = { 4 }, bs[2] = { 3, 1 };
  g_autoptr(CxTensor) x = cx_test_uniform (rand, 3, xs, -1, 1);
  g_autoptr(CxTensor) s = cx_test_uniform (rand, 1, ss, 0.5, 1.5);
  g_autoptr(CxTensor) b = cx_test_uniform (rand, 2, bs, -1, 1);
  g_autoptr(CxTestGraph) g = cx_test_graph_new (17);
  g_autoptr(CxModel) m = NULL;
  g_autoptr(CxTensor) y = NULL;
  CxTensor *inputs[3] = { x, s, b };
  g_autofree double *ref = g_new (double, 24);
  double sd[12], mean[2], rstd[2];

  cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 3, xs);
  cx_test_graph_input (g, "s", CX_ELEM_FLOAT, 1, ss);
  cx_test_graph_input (g, "b", CX_ELEM_FLOAT, 2, bs);
  cx_test_graph_node (g, "LayerNormalization", "x,s,b", "y,mu,rs");
  cx_test_graph_attr_int (g, "axis", 1);
  cx_test_graph_node (g, "Mul", "mu,rs", "murs");
  cx_test_graph_node (g, "Add", "y,murs", "z");
  cx_test_graph_output (g, "z");
  m = build_or_die (g);
  for (int i = 0; i < 12; i++)
    sd[i] = s->data.f[i % 4];
  naive_layernorm (x, 1, sd, NULL, 1e-5, ref, mean, rstd);
  for (int i = 0; i < 24; i++)
    ref[i] += b->data.f[(i % 12) / 4] + mean[i / 12] * rstd[i / 12];
  y = cx_test_run (m, inputs, 0);
  assert_close (y, ref, 24, 1e-5, 1e-5);
  cx_test_gradcheck (m, inputs, GC_EPS, GC_RTOL, GC_ATOL, 100);
}

static void
test_instancenorm (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (44);
  int64_t xs[4] = { 2, 3, 3, 4 }, cs[1] = { 3 };
  g_autoptr(CxTensor) x = cx_test_uniform (rand, 4, xs, -1, 1);
  g_autoptr(CxTensor) s = cx_test_uniform (rand, 1, cs, 0.5, 1.5);
  g_autoptr(CxTensor) b = cx_test_uniform (rand, 1, cs, -1, 1);
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autoptr(CxModel) m = NULL;
  g_autoptr(CxTensor) y = NULL;
  g_autofree double *ref = g_new (double, x->numel);
  CxTensor *inputs[3] = { x, s, b };

  cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 4, xs);
  cx_test_graph_input (g, "s", CX_ELEM_FLOAT, 1, cs);
  cx_test_graph_input (g, "b", CX_ELEM_FLOAT, 1, cs);
  cx_test_graph_node (g, "InstanceNormalization", "x,s,b", "y");
  cx_test_graph_attr_float (g, "epsilon", 1e-3f);
  cx_test_graph_output (g, "y");
  m = build_or_die (g);
  for (int pl = 0; pl < 6; pl++)
    {
      double mu = 0, var = 0;
      for (int i = 0; i < 12; i++)
        mu += x->data.f[pl * 12 + i] / 12.0;
      for (int i = 0; i < 12; i++)
        var += (x->data.f[pl * 12 + i] - mu) * (x->data.f[pl * 12 + i] - mu) / 12.0;
      for (int i = 0; i < 12; i++)
        ref[pl * 12 + i] = (x->data.f[pl * 12 + i] - mu) / sqrt (var + 1e-3) * s->data.f[pl % 3] +
                           b->data.f[pl % 3];
    }
  y = cx_test_run (m, inputs, 0);
  assert_close (y, ref, x->numel, 1e-5, 1e-5);
  cx_test_gradcheck (m, inputs, GC_EPS, GC_RTOL, GC_ATOL, 100);
}

static void
test_lrn (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (45);
  int64_t xs[4] = { 2, 7, 2, 3 };
  g_autoptr(CxTensor) x = cx_test_uniform (rand, 4, xs, -2, 2);

  for (int size = 2; size <= 5; size += 3)
    {
      g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
      g_autoptr(CxModel) m = NULL;
      g_autoptr(CxTensor) y = NULL;
      g_autofree double *ref = g_new (double, x->numel);
      const double alpha = 0.3, beta = 0.6, bias = 1.5;
      cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 4, xs);
      cx_test_graph_node (g, "LRN", "x", "y");
      cx_test_graph_attr_int (g, "size", size);
      cx_test_graph_attr_float (g, "alpha", (float) alpha);
      cx_test_graph_attr_float (g, "beta", (float) beta);
      cx_test_graph_attr_float (g, "bias", (float) bias);
      cx_test_graph_output (g, "y");
      m = build_or_die (g);
      /* square_sum over [c − ⌊(size−1)/2⌋, c + ⌈(size−1)/2⌉], per the definition. */
      for (int n = 0; n < 2; n++)
        for (int c = 0; c < 7; c++)
          for (int p = 0; p < 6; p++)
            {
              double sq = 0.0;
              for (int cc = MAX (0, c - (size - 1) / 2); cc <= MIN (6, c + size / 2); cc++)
                sq += (double) x->data.f[(n * 7 + cc) * 6 + p] * x->data.f[(n * 7 + cc) * 6 + p];
              ref[(n * 7 + c) * 6 + p] = x->data.f[(n * 7 + c) * 6 + p] /
                                         pow (bias + alpha / size * sq, beta);
            }
      y = cx_test_run (m, &x, 0);
      assert_close (y, ref, x->numel, 1e-5, 1e-6);
      cx_test_gradcheck (m, &x, GC_EPS, GC_RTOL, GC_ATOL, 100);
    }
}

/* ------------------------------------------------------------------ */
/* Softmax and LogSoftmax                                              */
/* ------------------------------------------------------------------ */

/* Normalises over [outer, L, inner] slices. */
static void
naive_softmax (const CxTensor *x, int64_t outer, int64_t L, int64_t inner, gboolean log_,
               double *y)
{
  for (int64_t o = 0; o < outer; o++)
    for (int64_t i = 0; i < inner; i++)
      {
        double mx = -INFINITY, sum = 0.0;
        for (int64_t j = 0; j < L; j++)
          mx = MAX (mx, x->data.f[(o * L + j) * inner + i]);
        for (int64_t j = 0; j < L; j++)
          sum += exp (x->data.f[(o * L + j) * inner + i] - mx);
        for (int64_t j = 0; j < L; j++)
          {
            double v = x->data.f[(o * L + j) * inner + i] - mx;
            y[(o * L + j) * inner + i] = log_ ? v - log (sum) : exp (v) / sum;
          }
      }
}

static void
test_softmax (void)
{
  static const struct { int opset; int axis; gboolean has_axis; int64_t outer, L, inner; } cases[] = {
    { 13, -1, FALSE, 6, 4, 1 },    /* default: last axis */
    { 13, 1, TRUE, 2, 3, 4 },      /* a middle axis */
    { 13, 0, TRUE, 1, 2, 12 },
    { 13, -2, TRUE, 2, 3, 4 },
    { 11, 1, FALSE, 2, 12, 1 },    /* opset < 13: coerced to 2-D at the default axis 1 */
    { 11, 2, TRUE, 6, 4, 1 },
    { 11, 0, TRUE, 1, 24, 1 },
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (46);
  int64_t xs[3] = { 2, 3, 4 };
  g_autoptr(CxTensor) x = cx_test_uniform (rand, 3, xs, -3, 3);

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    for (int lg = 0; lg < 2; lg++)
      {
        g_autoptr(CxTestGraph) g = cx_test_graph_new (cases[i].opset);
        g_autoptr(CxModel) m = NULL;
        g_autoptr(CxTensor) y = NULL;
        double ref[24];
        cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 3, xs);
        cx_test_graph_node (g, lg ? "LogSoftmax" : "Softmax", "x", "y");
        if (cases[i].has_axis)
          cx_test_graph_attr_int (g, "axis", cases[i].axis);
        cx_test_graph_output (g, "y");
        m = build_or_die (g);
        naive_softmax (x, cases[i].outer, cases[i].L, cases[i].inner, lg, ref);
        y = cx_test_run (m, &x, 0);
        assert_shape (y, 3, xs);
        assert_close (y, ref, 24, 1e-5, 1e-6);
        cx_test_gradcheck (m, &x, GC_EPS, GC_RTOL, GC_ATOL, 100);
      }
}

static void
test_softmax_large_values (void)
{
  int64_t xs[2] = { 2, 3 };
  const float v[6] = { 1000, 1001, 1002, -1000, -1001, -3000 };
  g_autoptr(CxTensor) x = cx_tensor_new_f32 (2, xs, v);

  for (int lg = 0; lg < 2; lg++)
    {
      g_autoptr(CxModel) m = one_op_model (lg ? "LogSoftmax" : "Softmax", 2, xs);
      g_autoptr(CxTensor) y = NULL;
      double ref[6];
      naive_softmax (x, 2, 3, 1, lg, ref);
      y = cx_test_run (m, &x, 0);
      g_assert_true (cx_tensor_all_finite (y));
      assert_close (y, ref, 6, 1e-5, 1e-6);
    }
}

static void
test_softmax_bad_axis (void)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autoptr(CxModel) m = NULL;
  int64_t xs[2] = { 2, 3 };
  g_autoptr(CxTensor) x = cx_tensor_new_f32 (2, xs, NULL);

  cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 2, xs);
  cx_test_graph_node (g, "Softmax", "x", "y");
  cx_test_graph_attr_int (g, "axis", 2);
  cx_test_graph_output (g, "y");
  m = build_or_die (g);
  assert_forward_fails (m, &x, CX_ERROR_INVALID,
                        "attribute 'axis' is 2 but the input has shape [2, 3]");
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
  g_test_add_func ("/ops/conv/depthwise-channels-last-ragged-blocks",
                   test_conv_depthwise_channels_last_ragged);
  g_test_add_func ("/ops/conv/depthwise-channels-last-strided-dilated",
                   test_conv_depthwise_channels_last_strided);
  g_test_add_func ("/ops/conv/depthwise-phase-planes-strided", test_conv_depthwise_phases_strided);
  g_test_add_func ("/ops/conv/depthwise-3d", test_conv_depthwise_3d);
  g_test_add_func ("/ops/conv/depthwise-3d-channels-last", test_conv_depthwise_3d_channels_last);
  g_test_add_func ("/ops/conv/depthwise-dilated-asymmetric-pads",
                   test_conv_depthwise_dilated_asymmetric);
  g_test_add_func ("/ops/conv/depthwise-1d", test_conv_depthwise_1d);
  g_test_add_func ("/ops/conv/pointwise", test_conv_pointwise);
  g_test_add_func ("/ops/conv/pointwise-strided", test_conv_pointwise_strided);
  g_test_add_func ("/ops/conv/pointwise-grouped", test_conv_pointwise_grouped);
  g_test_add_func ("/ops/conv/pointwise-few-channels", test_conv_pointwise_small_k);
  g_test_add_func ("/ops/conv/pointwise-kernels", test_conv_pointwise_kernels);
  g_test_add_func ("/ops/conv/winograd/matches-naive-sums-and-gradients", test_conv_winograd);
  g_test_add_func ("/ops/conv/winograd/built-in-weight", test_conv_winograd_kept);
  g_test_add_func ("/ops/conv/winograd/auto-pad-same-lower", test_conv_winograd_same_lower);
  g_test_add_func ("/ops/conv/winograd/changed-weight-used-once-forgotten", test_conv_winograd_forget);
  g_test_add_func ("/ops/conv/winograd/fused-clip", test_conv_winograd_clamp);
  g_test_add_func ("/ops/conv/fused-activation-and-max-pool", test_conv_act_pool);
  g_test_add_func ("/ops/convtranspose/winograd-stride-1", test_convt_winograd);
  g_test_add_func ("/ops/conv/1d", test_conv_1d);
  g_test_add_func ("/ops/conv/3d", test_conv_3d);
  g_test_add_func ("/ops/conv/batch-folded-into-gemm", test_conv_batch_folded);
  g_test_add_func ("/ops/conv/batch-folded-and-per-image-gradients", test_conv_batch_folded_gradients);
  g_test_add_func ("/ops/conv/large-image-one-at-a-time", test_conv_large_image);
  g_test_add_func ("/ops/conv/large-image-gradients", test_conv_large_image_gradients);
  g_test_add_func ("/ops/conv/depthwise-large-two-threads", test_conv_depthwise_large);
  g_test_add_func ("/ops/conv/depthwise-3x3-in-registers", test_conv_depthwise_direct);
  g_test_add_func ("/ops/conv/strided-large-planes", test_conv_strided_large);
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
  g_test_add_func ("/ops/conv-transpose/strided-large-planes", test_convt_strided_large);
  g_test_add_func ("/ops/conv-transpose/1d", test_convt_1d);
  g_test_add_func ("/ops/conv-transpose/3d", test_convt_3d);
  g_test_add_func ("/ops/gemm/forward-and-gradients-all-transposes-and-c-shapes",
                   test_gemm_forward_and_gradients);
  g_test_add_func ("/ops/gemm/inner-dimension-mismatch-is-refused", test_gemm_shape_mismatch);
  g_test_add_func ("/ops/matmul/forward-and-gradients-broadcast-and-1d",
                   test_matmul_forward_and_gradients);
  g_test_add_func ("/ops/matmul/both-operands-activations", test_matmul_both_operands_activations);
  g_test_add_func ("/ops/matmul/bad-shapes-are-refused", test_matmul_bad_shapes);
  g_test_add_func ("/ops/maxpool/resnet-3x3-stride-2-padded", test_maxpool_resnet);
  g_test_add_func ("/ops/maxpool/ceil-mode", test_maxpool_ceil);
  g_test_add_func ("/ops/maxpool/ceil-mode-padded", test_maxpool_ceil_padded);
  g_test_add_func ("/ops/maxpool/dilated", test_maxpool_dilated);
  g_test_add_func ("/ops/maxpool/auto-pad-same-upper", test_maxpool_same_upper);
  g_test_add_func ("/ops/maxpool/auto-pad-same-lower", test_maxpool_same_lower);
  g_test_add_func ("/ops/maxpool/1d", test_maxpool_1d);
  g_test_add_func ("/ops/maxpool/3d", test_maxpool_3d);
  g_test_add_func ("/ops/maxpool/tiled-2x2", test_maxpool_tiled_2x2);
  g_test_add_func ("/ops/maxpool/tiled-3x3", test_maxpool_tiled_3x3);
  g_test_add_func ("/ops/maxpool/ties-nan-and-inf", test_maxpool_ties);
  g_test_add_func ("/ops/maxpool/indices-row-major", test_maxpool_indices);
  g_test_add_func ("/ops/maxpool/indices-column-major", test_maxpool_indices_column_major);
  g_test_add_func ("/ops/maxpool/indices-3d-column-major", test_maxpool_indices_3d);
  g_test_add_func ("/ops/maxpool/integers", test_maxpool_int);
  g_test_add_func ("/ops/maxpool/bad-attributes-are-refused", test_pool_bad_attributes);
  g_test_add_func ("/ops/averagepool/padding-excluded", test_avgpool_exclude_pad);
  g_test_add_func ("/ops/averagepool/padding-included", test_avgpool_include_pad);
  g_test_add_func ("/ops/averagepool/ceil-mode-padding-included", test_avgpool_ceil_include_pad);
  g_test_add_func ("/ops/averagepool/ceil-mode", test_avgpool_ceil);
  g_test_add_func ("/ops/averagepool/auto-pad-same-upper", test_avgpool_same_upper);
  g_test_add_func ("/ops/averagepool/auto-pad-same-lower-padding-included",
                   test_avgpool_same_lower_include_pad);
  g_test_add_func ("/ops/averagepool/dilated", test_avgpool_dilated);
  g_test_add_func ("/ops/averagepool/1d", test_avgpool_1d);
  g_test_add_func ("/ops/averagepool/3d", test_avgpool_3d);
  g_test_add_func ("/ops/global-pool/average-and-max", test_global_pools);
  g_test_add_func ("/ops/batchnorm/closed-form-and-gradients", test_batchnorm);
  g_test_add_func ("/ops/batchnorm/training-mode-is-refused", test_batchnorm_training_refused);
  g_test_add_func ("/ops/layernorm/closed-form-and-gradients", test_layernorm);
  g_test_add_func ("/ops/layernorm/statistics-outputs-and-broadcast-parameters",
                   test_layernorm_stats_and_broadcast);
  g_test_add_func ("/ops/instancenorm/closed-form-and-gradients", test_instancenorm);
  g_test_add_func ("/ops/lrn/definition-and-gradients", test_lrn);
  g_test_add_func ("/ops/softmax/axes-and-opsets", test_softmax);
  g_test_add_func ("/ops/softmax/large-values-stay-finite", test_softmax_large_values);
  g_test_add_func ("/ops/softmax/bad-axis-is-refused", test_softmax_bad_axis);

  return g_test_run ();
}
