/* test-ops-elementwise.c: forward values and gradient checks of the
 * elementwise and reduction operators.
 *
 * Forward values are compared with closed forms computed here in double
 * precision (broadcasting by explicit index arithmetic, independent of
 * the engine's broadcast plan); gradients with central differences.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "testutil.h"

#include <math.h>
#include <string.h>

#define EPS 1e-3
#define RTOL 1e-2
#define ATOL 1e-3

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

static CxTensor *
tensor_i (CxElem elem, int ndim, const int64_t *shape, const int64_t *values)
{
  CxTensor *t = cx_tensor_new_i64 (ndim, shape, values);
  t->elem = elem;
  return t;
}

static CxTensor *
tensor_f (CxElem elem, int ndim, const int64_t *shape, const float *values)
{
  CxTensor *t = cx_tensor_new_f32 (ndim, shape, values);
  t->elem = elem;
  return t;
}

/* A graph with one @op node reading graph inputs x0, x1, … (of the
 * tensors' types and shapes) into output y; attributes may follow. */
static CxTestGraph *
one_node (int opset, const char *op, int n, CxTensor *const *xs)
{
  CxTestGraph *g = cx_test_graph_new (opset);
  g_autoptr(GString) names = g_string_new (NULL);

  for (int i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("x%d", i);
      cx_test_graph_input (g, name, xs[i]->elem, xs[i]->ndim, xs[i]->shape);
      g_string_append_printf (names, "%s%s", i ? "," : "", name);
    }
  cx_test_graph_node (g, op, names->str, "y");
  cx_test_graph_output (g, "y");
  return g;
}

static CxModel *
build (CxTestGraph *g)
{
  g_autoptr(GError) error = NULL;
  CxModel *m = cx_test_graph_build (g, &error);
  g_assert_no_error (error);
  g_assert_nonnull (m);
  return m;
}

/* Builds @g and runs it on @xs: output 0. */
static CxTensor *
run_graph (CxTestGraph *g, CxTensor *const *xs)
{
  g_autoptr(CxModel) m = build (g);
  return cx_test_run (m, xs, 0);
}

static CxTensor *
run_op (int opset, const char *op, int n, CxTensor *const *xs)
{
  g_autoptr(CxTestGraph) g = one_node (opset, op, n, xs);
  return run_graph (g, xs);
}

/* Forward of @g on @xs fails with @code and exactly @message. */
static void
assert_run_fails (CxTestGraph *g, CxTensor *const *xs, int code, const char *message)
{
  g_autoptr(CxModel) m = build (g);
  g_autoptr(CxExec) exec = cx_exec_new (m, 0);
  g_autoptr(GError) error = NULL;

  g_assert_false (cx_exec_forward (exec, xs, FALSE, &error));
  g_assert_error (error, CX_ERROR, code);
  g_assert_cmpstr (error->message, ==, message);
}

/* Loading @g fails with @code and "test.onnx: @message". */
static void
assert_load_fails (CxTestGraph *g, int code, const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CxModel) m = cx_test_graph_build (g, &error);
  g_autofree char *want = g_strconcat ("test.onnx: ", message, NULL);

  g_assert_null (m);
  g_assert_error (error, CX_ERROR, code);
  g_assert_cmpstr (error->message, ==, want);
}

static void
assert_shape (const CxTensor *t, int ndim, const int64_t *shape)
{
  g_autofree char *got = cx_shape_to_string (t->ndim, t->shape);
  g_autofree char *want = cx_shape_to_string (ndim, shape);
  g_assert_cmpstr (got, ==, want);
}

static void
assert_close (const CxTensor *t, const double *want, double tol)
{
  for (int64_t i = 0; i < t->numel; i++)
    {
      double got = cx_tensor_get (t, i), w = want[i];
      if (isnan (w))
        {
          if (!isnan (got))
            g_error ("element %" G_GINT64_FORMAT ": %.9g, expected NaN", i, got);
          continue;
        }
      if (isinf (w))
        {
          if (got != w)
            g_error ("element %" G_GINT64_FORMAT ": %.9g, expected %g", i, got, w);
          continue;
        }
      if (!(fabs (got - w) <= tol * MAX (1.0, fabs (w))))
        g_error ("element %" G_GINT64_FORMAT ": %.9g, expected %.9g", i, got, w);
    }
}

static void
assert_ints (const CxTensor *t, CxElem elem, const int64_t *want)
{
  g_assert_cmpint (t->elem, ==, elem);
  for (int64_t i = 0; i < t->numel; i++)
    if (t->data.i[i] != want[i])
      g_error ("element %" G_GINT64_FORMAT ": %" G_GINT64_FORMAT ", expected %" G_GINT64_FORMAT,
               i, t->data.i[i], want[i]);
}

/* Offset of output index @idx (of rank @n) in @t under NumPy broadcasting. */
static int64_t
broadcast_offset (const CxTensor *t, int n, const int64_t *idx)
{
  int64_t off = 0;
  for (int d = 0; d < t->ndim; d++)
    {
      int64_t i = t->shape[d] == 1 ? 0 : idx[n - t->ndim + d];
      off = off * t->shape[d] + i;
    }
  return off;
}

/* The multi-index of flat position @flat in @shape. */
static void
unravel (int n, const int64_t *shape, int64_t flat, int64_t *idx)
{
  for (int d = n - 1; d >= 0; d--)
    {
      idx[d] = flat % shape[d];
      flat /= shape[d];
    }
}

/* @x with no value within @gap of any of the @n @kinks (moved by 4·gap). */
static void
avoid_kinks (CxTensor *x, const double *kinks, int n, double gap)
{
  for (int64_t i = 0; i < x->numel; i++)
    for (int k = 0; k < n; k++)
      if (fabs (x->data.f[i] - kinks[k]) < gap)
        x->data.f[i] = (float) (kinks[k] + (x->data.f[i] >= kinks[k] ? 4 : -4) * gap);
}

static void
gradcheck (CxTestGraph *g, CxTensor *const *xs)
{
  g_autoptr(CxModel) m = build (g);
  cx_test_gradcheck (m, xs, EPS, RTOL, ATOL, 200);
}

/* ------------------------------------------------------------------ */
/* Unary operators against closed forms                                */
/* ------------------------------------------------------------------ */

static double ref_sigmoid (double x) { return 1.0 / (1.0 + exp (-x)); }
static double ref_relu (double x) { return x > 0 ? x : 0; }
static double ref_neg (double x) { return -x; }
static double ref_leakyrelu (double x) { return x >= 0 ? x : 0.01 * x; }
static double ref_elu (double x) { return x >= 0 ? x : exp (x) - 1.0; }
static double ref_selu (double x)
{
  return 1.05070102214813232421875 * (x > 0 ? x : 1.67326319217681884765625 * (exp (x) - 1.0));
}
static double ref_hardsigmoid (double x) { return fmax (0.0, fmin (1.0, 0.2 * x + 0.5)); }
static double ref_hardswish (double x) { return x * fmax (0.0, fmin (6.0, x + 3.0)) / 6.0; }
static double ref_softplus (double x) { return log (1.0 + exp (x)); }
static double ref_softsign (double x) { return x / (1.0 + fabs (x)); }
static double ref_reciprocal (double x) { return 1.0 / x; }
static double ref_sign (double x) { return (x > 0) - (x < 0); }
static double ref_identity (double x) { return x; }

typedef struct
{
  const char *op;
  double (*f) (double);
  double lo, hi;            /* domain sampled by the gradient check */
  double kinks[2];          /* points the gradient check keeps away from */
  int n_kinks;
  gboolean differentiable;
} UnaryCase;

static const UnaryCase unary_cases[] = {
  { "Abs", fabs, -3, 3, { 0 }, 1, TRUE },
  { "Ceil", ceil, -3, 3, { 0 }, 0, FALSE },
  { "Elu", ref_elu, -3, 3, { 0 }, 1, TRUE },
  { "Erf", erf, -2, 2, { 0 }, 0, TRUE },
  { "Exp", exp, -3, 3, { 0 }, 0, TRUE },
  { "Floor", floor, -3, 3, { 0 }, 0, FALSE },
  { "HardSigmoid", ref_hardsigmoid, -4, 4, { -2.5, 2.5 }, 2, TRUE },
  { "HardSwish", ref_hardswish, -5, 5, { -3, 3 }, 2, TRUE },
  { "Identity", ref_identity, -3, 3, { 0 }, 0, TRUE },
  { "LeakyRelu", ref_leakyrelu, -3, 3, { 0 }, 1, TRUE },
  { "Log", log, 0.2, 5, { 0 }, 0, TRUE },
  { "Neg", ref_neg, -3, 3, { 0 }, 0, TRUE },
  { "Reciprocal", ref_reciprocal, 0.3, 4, { 0 }, 0, TRUE },
  { "Relu", ref_relu, -3, 3, { 0 }, 1, TRUE },
  { "Round", nearbyint, -3, 3, { 0 }, 0, FALSE },
  { "Selu", ref_selu, -3, 3, { 0 }, 1, TRUE },
  { "Sigmoid", ref_sigmoid, -6, 6, { 0 }, 0, TRUE },
  { "Sign", ref_sign, -3, 3, { 0 }, 0, FALSE },
  { "Softplus", ref_softplus, -5, 5, { 0 }, 0, TRUE },
  { "Softsign", ref_softsign, -4, 4, { 0 }, 0, TRUE },
  { "Sqrt", sqrt, 0.2, 5, { 0 }, 0, TRUE },
  { "Tanh", tanh, -3, 3, { 0 }, 0, TRUE },
};

static void
test_unary_values (gconstpointer data)
{
  const UnaryCase *c = data;
  /* Edge values (ties for Round, the kinks) and a sweep of the domain. */
  float v[24] = { -2.5f, -1.5f, -0.5f, 0.0f, 0.5f, 1.5f, 2.5f, -3.0f, 3.0f, -1e-3f, 1e-3f, 4.75f };
  int64_t shape[2] = { 4, 6 };
  g_autoptr(CxTensor) x = NULL;
  g_autoptr(CxTensor) y = NULL;
  double want[24];

  for (int i = 12; i < 24; i++)
    v[i] = (float) (c->lo + (c->hi - c->lo) * (i - 12) / 11.0);
  if (c->lo > 0)  /* Log, Sqrt, Reciprocal: positive inputs only */
    for (int i = 0; i < 12; i++)
      v[i] = fabsf (v[i]) + 0.25f;
  x = cx_tensor_new_f32 (2, shape, v);
  y = run_op (14, c->op, 1, &x);
  assert_shape (y, 2, shape);
  g_assert_cmpint (y->elem, ==, CX_ELEM_FLOAT);
  for (int i = 0; i < 24; i++)
    want[i] = c->f ((double) v[i]);
  assert_close (y, want, 2e-6);
}

static void
test_unary_gradient (gconstpointer data)
{
  const UnaryCase *c = data;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  const int64_t shapes[3][3] = { { 2, 3, 4 }, { 7, 1, 1 }, { 1, 1, 1 } };

  for (int s = 0; s < 3; s++)
    {
      g_autoptr(CxTensor) x = cx_test_uniform (rand, 3, shapes[s], c->lo, c->hi);
      g_autoptr(CxTestGraph) g = one_node (14, c->op, 1, &x);
      avoid_kinks (x, c->kinks, c->n_kinks, 0.02);
      gradcheck (g, &x);
    }
}

/* Piecewise-constant ops leave the input without a gradient. */
static void
test_unary_no_gradient (gconstpointer data)
{
  const UnaryCase *c = data;
  int64_t shape[1] = { 4 };
  float v[4] = { -1.2f, 0.3f, 2.7f, 5.5f };
  g_autoptr(CxTensor) x = cx_tensor_new_f32 (1, shape, v);
  g_autoptr(CxTensor) seed = cx_tensor_new_f32 (1, shape, v);
  g_autoptr(CxTestGraph) g = one_node (13, c->op, 1, &x);
  g_autoptr(CxModel) m = build (g);
  g_autoptr(CxExec) exec = cx_exec_new (m, 0);
  g_autoptr(GError) error = NULL;

  g_assert_true (cx_exec_forward (exec, &x, TRUE, &error));
  g_assert_true (cx_exec_backward (exec, 0, seed, &error));
  g_assert_no_error (error);
  g_assert_null (cx_exec_input_grad (exec, 0));
}

static void
test_activation_attributes (void)
{
  int64_t shape[1] = { 6 };
  float v[6] = { -4.0f, -1.0f, -0.25f, 0.0f, 0.5f, 3.0f };
  g_autoptr(CxTensor) x = cx_tensor_new_f32 (1, shape, v);
  struct { const char *op; float alpha, beta, gamma; } cases[] = {
    { "LeakyRelu", 0.2f, 0, 0 },
    { "Elu", 0.5f, 0, 0 },
    { "Selu", 2.0f, 0, 1.5f },
    { "HardSigmoid", 0.25f, 0.4f, 0 },
  };

  for (gsize k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      g_autoptr(CxTestGraph) g = one_node (13, cases[k].op, 1, &x);
      g_autoptr(CxTensor) y = NULL;
      double want[6];
      cx_test_graph_attr_float (g, "alpha", cases[k].alpha);
      if (cases[k].beta != 0)
        cx_test_graph_attr_float (g, "beta", cases[k].beta);
      if (cases[k].gamma != 0)
        cx_test_graph_attr_float (g, "gamma", cases[k].gamma);
      y = run_graph (g, &x);
      for (int i = 0; i < 6; i++)
        {
          double a = cases[k].alpha, xv = v[i];
          switch (k)
            {
            case 0: want[i] = xv >= 0 ? xv : a * xv; break;
            case 1: want[i] = xv >= 0 ? xv : a * (exp (xv) - 1); break;
            case 2: want[i] = cases[k].gamma * (xv > 0 ? xv : a * (exp (xv) - 1)); break;
            default: want[i] = fmax (0, fmin (1, a * xv + cases[k].beta)); break;
            }
        }
      assert_close (y, want, 1e-6);
    }
}

static void
test_activation_bad_attribute (void)
{
  int64_t shape[1] = { 2 };
  g_autoptr(CxTensor) x = cx_tensor_new_f32 (1, shape, NULL);
  g_autoptr(CxTestGraph) g = one_node (13, "LeakyRelu", 1, &x);

  cx_test_graph_attr_float (g, "alpha", INFINITY);
  assert_load_fails (g, CX_ERROR_INVALID,
                     "node LeakyRelu_0 (LeakyRelu): attribute 'alpha' is inf; it must be finite");
}

/* ------------------------------------------------------------------ */
/* Binary arithmetic with broadcasting                                 */
/* ------------------------------------------------------------------ */

static double ref_add (double a, double b) { return a + b; }
static double ref_sub (double a, double b) { return a - b; }
static double ref_mul (double a, double b) { return a * b; }
static double ref_div (double a, double b) { return a / b; }
static double ref_pow (double a, double b) { return pow (a, b); }
static double ref_max (double a, double b) { return fmax (a, b); }
static double ref_min (double a, double b) { return fmin (a, b); }

typedef struct
{
  const char *op;
  double (*f) (double, double);
  double alo, ahi, blo, bhi;
} BinaryCase;

static const BinaryCase binary_cases[] = {
  { "Add", ref_add, -2, 2, -2, 2 },
  { "Div", ref_div, -2, 2, 0.5, 2 },
  { "Max", ref_max, -2, 2, -2, 2 },
  { "Min", ref_min, -2, 2, -2, 2 },
  { "Mul", ref_mul, -2, 2, -2, 2 },
  { "Pow", ref_pow, 0.5, 2, -1.5, 1.5 },
  { "Sub", ref_sub, -2, 2, -2, 2 },
};

/* Shape pairs: equal, a column, a scalar-like [1], both ways, per channel, rank 0. */
static const struct
{
  int na;
  int64_t a[4];
  int nb;
  int64_t b[4];
} shape_pairs[] = {
  { 3, { 2, 3, 4 }, 3, { 2, 3, 4 } },
  { 3, { 2, 3, 4 }, 2, { 3, 1 } },
  { 1, { 1 }, 2, { 2, 3 } },
  { 2, { 3, 1 }, 2, { 1, 4 } },
  { 4, { 2, 3, 4, 5 }, 3, { 3, 1, 1 } },
  { 4, { 2, 1, 4, 1 }, 3, { 3, 1, 5 } },
  { 0, { 0 }, 2, { 2, 2 } },
  { 2, { 2, 3 }, 1, { 3 } },
};

static void
test_binary_values (gconstpointer data)
{
  const BinaryCase *c = data;
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);

  for (gsize s = 0; s < G_N_ELEMENTS (shape_pairs); s++)
    for (int swap = 0; swap < 2; swap++)
      {
        int na = swap ? shape_pairs[s].nb : shape_pairs[s].na;
        int nb = swap ? shape_pairs[s].na : shape_pairs[s].nb;
        const int64_t *sa = swap ? shape_pairs[s].b : shape_pairs[s].a;
        const int64_t *sb = swap ? shape_pairs[s].a : shape_pairs[s].b;
        CxTensor *xs[2];
        g_autoptr(CxTensor) a = cx_test_uniform (rand, na, sa, c->alo, c->ahi);
        g_autoptr(CxTensor) b = cx_test_uniform (rand, nb, sb, c->blo, c->bhi);
        g_autoptr(CxTensor) y = NULL;
        g_autofree double *want = NULL;
        int64_t idx[CX_MAX_DIMS];

        xs[0] = a;
        xs[1] = b;
        y = run_op (14, c->op, 2, xs);
        g_assert_cmpint (y->ndim, ==, MAX (na, nb));
        want = g_new (double, MAX (y->numel, 1));
        for (int64_t i = 0; i < y->numel; i++)
          {
            unravel (y->ndim, y->shape, i, idx);
            want[i] = c->f (a->data.f[broadcast_offset (a, y->ndim, idx)],
                            b->data.f[broadcast_offset (b, y->ndim, idx)]);
          }
        assert_close (y, want, 1e-6);
      }
}

static void
test_binary_gradient (gconstpointer data)
{
  const BinaryCase *c = data;
  g_autoptr(GRand) rand = g_rand_new_with_seed (13);

  for (gsize s = 0; s < G_N_ELEMENTS (shape_pairs); s++)
    for (int swap = 0; swap < 2; swap++)
      {
        int na = swap ? shape_pairs[s].nb : shape_pairs[s].na;
        int nb = swap ? shape_pairs[s].na : shape_pairs[s].nb;
        const int64_t *sa = swap ? shape_pairs[s].b : shape_pairs[s].a;
        const int64_t *sb = swap ? shape_pairs[s].a : shape_pairs[s].b;
        CxTensor *xs[2];
        g_autoptr(CxTensor) a = cx_test_uniform (rand, na, sa, c->alo, c->ahi);
        g_autoptr(CxTensor) b = cx_test_uniform (rand, nb, sb, c->blo, c->bhi);
        g_autoptr(CxTestGraph) g = NULL;

        if ((g_str_equal (c->op, "Max") || g_str_equal (c->op, "Min")) &&
            MAX (a->numel, b->numel) > 1)
          {
            /* Keep the two sides apart: a in [-2, -0.5] ∪ [0.5, 2], b in (-0.3, 0.3). */
            for (int64_t i = 0; i < a->numel; i++)
              a->data.f[i] = copysignf (0.5f + fabsf (a->data.f[i]) * 0.75f, a->data.f[i]);
            for (int64_t i = 0; i < b->numel; i++)
              b->data.f[i] *= 0.15f;
          }
        xs[0] = a;
        xs[1] = b;
        g = one_node (14, c->op, 2, xs);
        gradcheck (g, xs);
      }
}

static void
test_add_refuses_incompatible_shapes (void)
{
  int64_t sa[2] = { 2, 3 }, sb[1] = { 4 };
  g_autoptr(CxTensor) a = cx_tensor_new_f32 (2, sa, NULL);
  g_autoptr(CxTensor) b = cx_tensor_new_f32 (1, sb, NULL);
  CxTensor *xs[2] = { a, b };
  g_autoptr(CxTestGraph) g = one_node (14, "Add", 2, xs);

  memset (a->data.f, 0, sizeof (float) * 6);
  memset (b->data.f, 0, sizeof (float) * 4);
  assert_run_fails (g, xs, CX_ERROR_SHAPE,
                    "node Add_0 (Add): shapes [2, 3] and [4] cannot be broadcast together");
}

/* Arithmetic keeps the element type of its inputs (double, float16). */
static void
test_add_keeps_element_type (void)
{
  int64_t s[1] = { 2 };
  float av[2] = { 0.5f, 1.5f }, bv[2] = { 0.25f, -3.0f };
  const double want[2] = { 0.75, -1.5 };

  for (int k = 0; k < 2; k++)
    {
      CxElem elem = k ? CX_ELEM_FLOAT16 : CX_ELEM_DOUBLE;
      g_autoptr(CxTensor) a = tensor_f (elem, 1, s, av);
      g_autoptr(CxTensor) b = tensor_f (elem, 1, s, bv);
      CxTensor *xs[2] = { a, b };
      g_autoptr(CxTensor) y = run_op (14, "Add", 2, xs);
      g_assert_cmpint (y->elem, ==, elem);
      assert_close (y, want, 0);
    }
}

static void
test_add_legacy_broadcast_axis (void)
{
  int64_t sa[3] = { 2, 3, 4 }, sb[1] = { 3 };
  float bv[3] = { 10, 20, 30 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  g_autoptr(CxTensor) a = cx_test_randn (rand, 3, sa);
  g_autoptr(CxTensor) b = cx_tensor_new_f32 (1, sb, bv);
  CxTensor *xs[2] = { a, b };
  g_autoptr(CxTestGraph) g = one_node (6, "Add", 2, xs);
  g_autoptr(CxTensor) y = NULL;
  double want[24];

  cx_test_graph_attr_int (g, "broadcast", 1);
  cx_test_graph_attr_int (g, "axis", 1);
  y = run_graph (g, xs);
  assert_shape (y, 3, sa);
  for (int i = 0; i < 24; i++)
    want[i] = a->data.f[i] + bv[(i / 4) % 3];
  assert_close (y, want, 1e-6);
  /* The gradient of B sums over the axes it was spread along. */
  {
    g_autoptr(CxTestGraph) g2 = one_node (6, "Mul", 2, xs);
    cx_test_graph_attr_int (g2, "broadcast", 1);
    cx_test_graph_attr_int (g2, "axis", 1);
    gradcheck (g2, xs);
  }
}

static void
test_add_legacy_needs_broadcast_attribute (void)
{
  int64_t sa[2] = { 2, 3 }, sb[1] = { 3 };
  g_autoptr(CxTensor) a = cx_tensor_new_f32 (2, sa, NULL);
  g_autoptr(CxTensor) b = cx_tensor_new_f32 (1, sb, NULL);
  CxTensor *xs[2] = { a, b };
  g_autoptr(CxTestGraph) g = one_node (6, "Add", 2, xs);

  memset (a->data.f, 0, sizeof (float) * 6);
  memset (b->data.f, 0, sizeof (float) * 3);
  assert_run_fails (g, xs, CX_ERROR_SHAPE,
                    "node Add_0 (Add): shapes [2, 3] and [3] differ and attribute 'broadcast' is 0");
}

static void
test_prelu_per_channel (void)
{
  int64_t sx[4] = { 2, 3, 4, 5 }, ss[3] = { 3, 1, 1 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (17);
  g_autoptr(CxTensor) x = cx_test_randn (rand, 4, sx);
  g_autoptr(CxTensor) s = cx_test_uniform (rand, 3, ss, 0.05, 0.5);
  CxTensor *xs[2] = { x, s };
  double want[120];
  g_autoptr(CxTensor) y = run_op (16, "PRelu", 2, xs);

  for (int i = 0; i < 120; i++)
    want[i] = x->data.f[i] >= 0 ? x->data.f[i] : x->data.f[i] * s->data.f[(i / 20) % 3];
  assert_close (y, want, 1e-6);
  {
    double kink = 0;
    g_autoptr(CxTestGraph) g = one_node (16, "PRelu", 2, xs);
    avoid_kinks (x, &kink, 1, 0.02);
    gradcheck (g, xs);
  }
}

static void
test_prelu_refuses_slope_wider_than_x (void)
{
  int64_t sx[1] = { 3 }, ss[2] = { 2, 3 };
  g_autoptr(CxTensor) x = cx_tensor_new_f32 (1, sx, NULL);
  g_autoptr(CxTensor) s = cx_tensor_new_f32 (2, ss, NULL);
  CxTensor *xs[2] = { x, s };
  g_autoptr(CxTestGraph) g = one_node (16, "PRelu", 2, xs);

  memset (x->data.f, 0, sizeof (float) * 3);
  memset (s->data.f, 0, sizeof (float) * 6);
  assert_run_fails (g, xs, CX_ERROR_SHAPE,
                    "node PRelu_0 (PRelu): slope of shape [2, 3] does not broadcast to X of shape [3]");
}

static void
test_pow_gradient_of_exponent (void)
{
  int64_t sa[2] = { 2, 3 }, sb[1] = { 1 };
  float av[6] = { 0.5f, 1.0f, 1.5f, 2.0f, 2.5f, 3.0f }, bv[1] = { 2.5f };
  g_autoptr(CxTensor) a = cx_tensor_new_f32 (2, sa, av);
  g_autoptr(CxTensor) b = cx_tensor_new_f32 (1, sb, bv);
  g_autoptr(CxTensor) seed = NULL;
  CxTensor *xs[2] = { a, b };
  g_autoptr(CxTestGraph) g = one_node (15, "Pow", 2, xs);
  g_autoptr(CxModel) m = build (g);
  g_autoptr(CxExec) exec = cx_exec_new (m, 0);
  g_autoptr(GError) error = NULL;
  double want_b = 0;
  float ones[6] = { 1, 1, 1, 1, 1, 1 };

  seed = cx_tensor_new_f32 (2, sa, ones);
  g_assert_true (cx_exec_forward (exec, xs, TRUE, &error));
  g_assert_true (cx_exec_backward (exec, 0, seed, &error));
  g_assert_no_error (error);
  /* d/db Σ a^b = Σ a^b ln a; d/da a^b = b a^(b−1). */
  for (int i = 0; i < 6; i++)
    {
      want_b += pow (av[i], 2.5) * log (av[i]);
      g_assert_cmpfloat_with_epsilon (cx_exec_input_grad (exec, 0)->data.f[i],
                                      2.5 * pow (av[i], 1.5), 1e-5);
    }
  g_assert_cmpfloat_with_epsilon (cx_exec_input_grad (exec, 1)->data.f[0], want_b, 1e-4);
}

static void
test_pow_mixed_types (void)
{
  int64_t s[1] = { 3 };
  float fv[3] = { 1, 2, 3 }, ev[3] = { 4, 5, 6 };
  int64_t iv[3] = { 1, 2, 3 }, jv[3] = { 4, 5, 6 };
  g_autoptr(CxTensor) f = cx_tensor_new_f32 (1, s, fv);
  g_autoptr(CxTensor) e = cx_tensor_new_f32 (1, s, ev);
  g_autoptr(CxTensor) i = tensor_i (CX_ELEM_INT32, 1, s, iv);
  g_autoptr(CxTensor) j = tensor_i (CX_ELEM_INT64, 1, s, jv);
  const int64_t want_i[3] = { 1, 32, 729 };
  const double want_f[3] = { 1, 32, 729 };

  {
    CxTensor *xs[2] = { f, j };
    g_autoptr(CxTensor) y = run_op (15, "Pow", 2, xs);
    g_assert_cmpint (y->elem, ==, CX_ELEM_FLOAT);
    assert_close (y, want_f, 1e-6);
  }
  {
    CxTensor *xs[2] = { i, e };
    g_autoptr(CxTensor) y = run_op (15, "Pow", 2, xs);
    assert_ints (y, CX_ELEM_INT32, want_i);
  }
  {
    CxTensor *xs[2] = { i, j };
    g_autoptr(CxTensor) y = run_op (15, "Pow", 2, xs);
    assert_ints (y, CX_ELEM_INT32, want_i);
  }
}

/* ------------------------------------------------------------------ */
/* Integer tensors                                                     */
/* ------------------------------------------------------------------ */

static void
test_int64_arithmetic (void)
{
  int64_t s[1] = { 6 }, sb[1] = { 1 };
  int64_t av[6] = { -7, 7, -8, 9, 0, 100 }, bv[6] = { 2, -2, 3, 3, 5, -7 }, one[1] = { 3 };
  g_autoptr(CxTensor) a = tensor_i (CX_ELEM_INT64, 1, s, av);
  g_autoptr(CxTensor) b = tensor_i (CX_ELEM_INT64, 1, s, bv);
  g_autoptr(CxTensor) c = tensor_i (CX_ELEM_INT64, 1, sb, one);
  struct { const char *op; int64_t want[6]; } cases[] = {
    { "Add", { -5, 5, -5, 12, 5, 93 } },
    { "Sub", { -9, 9, -11, 6, -5, 107 } },
    { "Mul", { -14, -14, -24, 27, 0, -700 } },
    { "Div", { -3, -3, -2, 3, 0, -14 } },      /* truncation toward zero */
    { "Mod", { 1, -1, 1, 0, 0, -5 } },         /* the divisor's sign */
    { "Max", { 2, 7, 3, 9, 5, 100 } },
    { "Min", { -7, -2, -8, 3, 0, -7 } },
  };
  CxTensor *xs[2] = { a, b };

  for (gsize k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      g_autoptr(CxTensor) y = run_op (13, cases[k].op, 2, xs);
      assert_ints (y, CX_ELEM_INT64, cases[k].want);
    }
  /* With a broadcast scalar, and unary ops. */
  {
    CxTensor *ys[2] = { a, c };
    const int64_t want_mul[6] = { -21, 21, -24, 27, 0, 300 };
    const int64_t want_neg[6] = { 7, -7, 8, -9, 0, -100 };
    const int64_t want_abs[6] = { 7, 7, 8, 9, 0, 100 };
    const int64_t want_sign[6] = { -1, 1, -1, 1, 0, 1 };
    const int64_t want_relu[6] = { 0, 7, 0, 9, 0, 100 };
    g_autoptr(CxTensor) y = run_op (13, "Mul", 2, ys);
    g_autoptr(CxTensor) n = run_op (13, "Neg", 1, &a);
    g_autoptr(CxTensor) ab = run_op (13, "Abs", 1, &a);
    g_autoptr(CxTensor) sg = run_op (13, "Sign", 1, &a);
    g_autoptr(CxTensor) r = run_op (14, "Relu", 1, &a);
    assert_ints (y, CX_ELEM_INT64, want_mul);
    assert_ints (n, CX_ELEM_INT64, want_neg);
    assert_ints (ab, CX_ELEM_INT64, want_abs);
    assert_ints (sg, CX_ELEM_INT64, want_sign);
    assert_ints (r, CX_ELEM_INT64, want_relu);
  }
}

static void
test_int_division_by_zero_is_zero (void)
{
  int64_t s[1] = { 2 }, av[2] = { 5, G_MININT64 }, bv[2] = { 0, -1 };
  g_autoptr(CxTensor) a = tensor_i (CX_ELEM_INT64, 1, s, av);
  g_autoptr(CxTensor) b = tensor_i (CX_ELEM_INT64, 1, s, bv);
  CxTensor *xs[2] = { a, b };
  g_autoptr(CxTensor) y = run_op (13, "Div", 2, xs);
  const int64_t want[2] = { 0, G_MININT64 };  /* no trap; INT64_MIN / −1 wraps */

  assert_ints (y, CX_ELEM_INT64, want);
}

static void
test_mod_fmod (void)
{
  int64_t s[1] = { 6 };
  int64_t av[6] = { -4, 7, 5, 4, -7, 8 }, bv[6] = { 2, -3, 8, -2, 3, 5 };
  float fa[6] = { -4.3f, 7.2f, 5.0f, 4.3f, -7.2f, 8.0f }, fb[6] = { 2.1f, -3.4f, 8.0f, -2.1f, 3.4f, 5.0f };
  g_autoptr(CxTensor) a = tensor_i (CX_ELEM_INT8, 1, s, av);
  g_autoptr(CxTensor) b = tensor_i (CX_ELEM_INT8, 1, s, bv);
  g_autoptr(CxTensor) x = cx_tensor_new_f32 (1, s, fa);
  g_autoptr(CxTensor) z = cx_tensor_new_f32 (1, s, fb);
  CxTensor *ints[2] = { a, b }, *floats[2] = { x, z };
  const int64_t want_mod[6] = { 0, -2, 5, 0, 2, 3 }, want_fmod[6] = { 0, 1, 5, 0, -1, 3 };
  double want_f[6], want_py[6];

  for (int i = 0; i < 6; i++)
    {
      want_f[i] = fmodf (fa[i], fb[i]);
      want_py[i] = want_f[i] != 0 && ((want_f[i] < 0) != (fb[i] < 0)) ? want_f[i] + fb[i] : want_f[i];
    }
  {
    g_autoptr(CxTensor) y = run_op (13, "Mod", 2, ints);
    assert_ints (y, CX_ELEM_INT8, want_mod);
  }
  {
    g_autoptr(CxTestGraph) g = one_node (13, "Mod", 2, ints);
    g_autoptr(CxTensor) y = NULL;
    cx_test_graph_attr_int (g, "fmod", 1);
    y = run_graph (g, ints);
    assert_ints (y, CX_ELEM_INT8, want_fmod);
  }
  {
    g_autoptr(CxTestGraph) g = one_node (13, "Mod", 2, floats);
    g_autoptr(CxTensor) y = NULL;
    cx_test_graph_attr_int (g, "fmod", 1);
    y = run_graph (g, floats);
    assert_close (y, want_f, 1e-6);
  }
  {
    g_autoptr(CxTensor) y = run_op (13, "Mod", 2, floats);
    assert_close (y, want_py, 1e-6);
  }
  {
    g_autoptr(CxTestGraph) g = one_node (13, "Mod", 2, ints);
    cx_test_graph_attr_int (g, "fmod", 2);
    assert_load_fails (g, CX_ERROR_INVALID,
                       "node Mod_0 (Mod): attribute 'fmod' is 2; it must be 0 or 1");
  }
}

static void
test_mod_gradient (void)
{
  int64_t sa[2] = { 3, 4 }, sb[2] = { 3, 1 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (19);
  g_autoptr(CxTensor) a = cx_test_uniform (rand, 2, sa, 0.2, 3.9);
  g_autoptr(CxTensor) b = cx_test_uniform (rand, 2, sb, 2.0, 2.5);
  CxTensor *xs[2] = { a, b };
  g_autoptr(CxTestGraph) g = one_node (13, "Mod", 2, xs);
  /* Away from the jump at a = b (b is 2.0 to 2.5; 2b is past 3.9). */
  const double kink = 2.25;

  avoid_kinks (a, &kink, 1, 0.35);
  cx_test_graph_attr_int (g, "fmod", 1);
  gradcheck (g, xs);
}

static void
test_narrow_ints_wrap (void)
{
  int64_t s[1] = { 3 }, av[3] = { 200, 10, 255 }, bv[3] = { 100, 20, 1 };
  g_autoptr(CxTensor) a = tensor_i (CX_ELEM_UINT8, 1, s, av);
  g_autoptr(CxTensor) b = tensor_i (CX_ELEM_UINT8, 1, s, bv);
  CxTensor *xs[2] = { a, b };
  const int64_t want_add[3] = { 44, 30, 0 }, want_sub[3] = { 100, 246, 254 };
  g_autoptr(CxTensor) y = run_op (14, "Add", 2, xs);
  g_autoptr(CxTensor) d = run_op (14, "Sub", 2, xs);

  assert_ints (y, CX_ELEM_UINT8, want_add);
  assert_ints (d, CX_ELEM_UINT8, want_sub);
}

/* ------------------------------------------------------------------ */
/* Comparisons and logic                                               */
/* ------------------------------------------------------------------ */

static void
test_comparisons (void)
{
  int64_t sa[2] = { 2, 3 }, sb[1] = { 3 };
  float av[6] = { 1, 2, 3, 4, 5, NAN }, bv[3] = { 2, 2, 5 };
  int64_t ia[6] = { 1, 2, 3, 4, 5, 6 }, ib[3] = { 2, 2, 5 };
  g_autoptr(CxTensor) a = cx_tensor_new_f32 (2, sa, av);
  g_autoptr(CxTensor) b = cx_tensor_new_f32 (1, sb, bv);
  g_autoptr(CxTensor) x = tensor_i (CX_ELEM_INT32, 2, sa, ia);
  g_autoptr(CxTensor) z = tensor_i (CX_ELEM_INT32, 1, sb, ib);
  struct { const char *op; int opset; int64_t want[6]; } cases[] = {
    { "Equal", 13, { 0, 1, 0, 0, 0, 0 } },
    { "Less", 13, { 1, 0, 1, 0, 0, 0 } },
    { "Greater", 13, { 0, 0, 0, 1, 1, 0 } },
    { "LessOrEqual", 16, { 1, 1, 1, 0, 0, 0 } },
    { "GreaterOrEqual", 16, { 0, 1, 0, 1, 1, 0 } },
  };

  for (gsize k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      CxTensor *fs[2] = { a, b }, *is[2] = { x, z };
      g_autoptr(CxTensor) y = run_op (cases[k].opset, cases[k].op, 2, fs);
      g_autoptr(CxTensor) yi = run_op (cases[k].opset, cases[k].op, 2, is);
      int64_t want_i[6];
      assert_shape (y, 2, sa);
      assert_ints (y, CX_ELEM_BOOL, cases[k].want);  /* NaN compares false */
      memcpy (want_i, cases[k].want, sizeof want_i);
      /* The last integer element is 6 against 5 where the float was NaN. */
      want_i[5] = g_str_has_prefix (cases[k].op, "Greater") ? 1 : 0;
      assert_ints (yi, CX_ELEM_BOOL, want_i);
    }
}

static void
test_logic (void)
{
  int64_t sa[2] = { 2, 2 }, sb[1] = { 2 };
  int64_t av[4] = { 0, 0, 1, 1 }, bv[2] = { 0, 1 };
  g_autoptr(CxTensor) a = tensor_i (CX_ELEM_BOOL, 2, sa, av);
  g_autoptr(CxTensor) b = tensor_i (CX_ELEM_BOOL, 1, sb, bv);
  CxTensor *xs[2] = { a, b };
  const int64_t want_and[4] = { 0, 0, 0, 1 }, want_or[4] = { 0, 1, 1, 1 };
  const int64_t want_xor[4] = { 0, 1, 1, 0 }, want_not[4] = { 1, 1, 0, 0 };
  g_autoptr(CxTensor) y_and = run_op (7, "And", 2, xs);
  g_autoptr(CxTensor) y_or = run_op (7, "Or", 2, xs);
  g_autoptr(CxTensor) y_xor = run_op (7, "Xor", 2, xs);
  g_autoptr(CxTensor) y_not = run_op (7, "Not", 1, &a);

  assert_ints (y_and, CX_ELEM_BOOL, want_and);
  assert_ints (y_or, CX_ELEM_BOOL, want_or);
  assert_ints (y_xor, CX_ELEM_BOOL, want_xor);
  assert_ints (y_not, CX_ELEM_BOOL, want_not);
}

static void
test_isnan_isinf (void)
{
  int64_t s[1] = { 6 };
  float v[6] = { -1.7f, NAN, INFINITY, -3.6f, -INFINITY, INFINITY };
  g_autoptr(CxTensor) x = cx_tensor_new_f32 (1, s, v);
  const int64_t want_nan[6] = { 0, 1, 0, 0, 0, 0 }, want_inf[6] = { 0, 0, 1, 0, 1, 1 };
  const int64_t want_neg[6] = { 0, 0, 0, 0, 1, 0 };
  g_autoptr(CxTensor) y_nan = run_op (13, "IsNaN", 1, &x);
  g_autoptr(CxTensor) y_inf = run_op (10, "IsInf", 1, &x);
  g_autoptr(CxTestGraph) g = one_node (10, "IsInf", 1, &x);
  g_autoptr(CxTensor) y_neg = NULL;

  cx_test_graph_attr_int (g, "detect_positive", 0);
  y_neg = run_graph (g, &x);
  assert_ints (y_nan, CX_ELEM_BOOL, want_nan);
  assert_ints (y_inf, CX_ELEM_BOOL, want_inf);
  assert_ints (y_neg, CX_ELEM_BOOL, want_neg);
}

/* ------------------------------------------------------------------ */
/* Where, Clip                                                         */
/* ------------------------------------------------------------------ */

static void
test_where (void)
{
  int64_t sc[2] = { 2, 1 }, sx[1] = { 3 }, sy[2] = { 2, 3 }, cv[2] = { 1, 0 };
  float xv[3] = { 1, 2, 3 }, yv[6] = { -1, -2, -3, -4, -5, -6 };
  int64_t ixv[3] = { 1, 2, 3 }, iyv[6] = { 9, 8, 7, 6, 5, 4 };
  g_autoptr(CxTensor) c = tensor_i (CX_ELEM_BOOL, 2, sc, cv);
  g_autoptr(CxTensor) x = cx_tensor_new_f32 (1, sx, xv);
  g_autoptr(CxTensor) y = cx_tensor_new_f32 (2, sy, yv);
  g_autoptr(CxTensor) ix = tensor_i (CX_ELEM_INT64, 1, sx, ixv);
  g_autoptr(CxTensor) iy = tensor_i (CX_ELEM_INT64, 2, sy, iyv);
  CxTensor *xs[3] = { c, x, y }, *is[3] = { c, ix, iy };
  const double want[6] = { 1, 2, 3, -4, -5, -6 };
  const int64_t want_i[6] = { 1, 2, 3, 6, 5, 4 };
  g_autoptr(CxTensor) out = run_op (16, "Where", 3, xs);
  g_autoptr(CxTensor) out_i = run_op (16, "Where", 3, is);

  assert_shape (out, 2, sy);
  assert_close (out, want, 0);
  assert_ints (out_i, CX_ELEM_INT64, want_i);
  {
    g_autoptr(CxTestGraph) g = one_node (16, "Where", 3, xs);
    gradcheck (g, xs);
  }
}

static void
test_clip_opset6_attributes (void)
{
  int64_t s[1] = { 5 };
  float v[5] = { -3, -1, 0, 1, 3 };
  g_autoptr(CxTensor) x = cx_tensor_new_f32 (1, s, v);
  g_autoptr(CxTestGraph) g = one_node (6, "Clip", 1, &x);
  g_autoptr(CxTensor) y = NULL;
  const double want[5] = { -1.5, -1, 0, 1, 2 };

  cx_test_graph_attr_float (g, "min", -1.5f);
  cx_test_graph_attr_float (g, "max", 2.0f);
  y = run_graph (g, &x);
  assert_close (y, want, 0);
}

static void
test_clip_opset13_inputs (void)
{
  int64_t s[1] = { 5 };
  float v[5] = { -3, -1, 0, 1, 3 }, lo[1] = { -1.5f }, hi[1] = { 2.0f };
  g_autoptr(CxTensor) x = cx_tensor_new_f32 (1, s, v);
  g_autoptr(CxTensor) tlo = cx_tensor_new_f32 (0, NULL, lo);
  g_autoptr(CxTensor) thi = cx_tensor_new_f32 (0, NULL, hi);
  const double want_both[5] = { -1.5, -1, 0, 1, 2 }, want_max[5] = { -3, -1, 0, 1, 2 };
  const double want_swapped[5] = { -1.5, -1.5, -1.5, -1.5, -1.5 };

  {
    g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
    g_autoptr(CxTensor) y = NULL;
    cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 1, s);
    cx_test_graph_const (g, "lo", tlo);
    cx_test_graph_const (g, "hi", thi);
    cx_test_graph_node (g, "Clip", "x,lo,hi", "y");
    cx_test_graph_output (g, "y");
    y = run_graph (g, &x);
    assert_close (y, want_both, 0);
  }
  {
    /* An omitted min. */
    g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
    g_autoptr(CxTensor) y = NULL;
    cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 1, s);
    cx_test_graph_const (g, "hi", thi);
    cx_test_graph_node (g, "Clip", "x,,hi", "y");
    cx_test_graph_output (g, "y");
    y = run_graph (g, &x);
    assert_close (y, want_max, 0);
  }
  {
    /* min > max: everything becomes max. */
    g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
    g_autoptr(CxTensor) y = NULL;
    cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 1, s);
    cx_test_graph_const (g, "lo", thi);
    cx_test_graph_const (g, "hi", tlo);
    cx_test_graph_node (g, "Clip", "x,lo,hi", "y");
    cx_test_graph_output (g, "y");
    y = run_graph (g, &x);
    assert_close (y, want_swapped, 0);
  }
}

static void
test_clip_int (void)
{
  int64_t s[1] = { 5 }, v[5] = { -100, -3, 0, 7, 120 }, lo[1] = { -5 }, hi[1] = { 100 };
  g_autoptr(CxTensor) x = tensor_i (CX_ELEM_INT8, 1, s, v);
  g_autoptr(CxTensor) tlo = tensor_i (CX_ELEM_INT8, 0, NULL, lo);
  g_autoptr(CxTensor) thi = tensor_i (CX_ELEM_INT8, 0, NULL, hi);
  CxTensor *xs[3] = { x, tlo, thi };
  g_autoptr(CxTensor) y = run_op (13, "Clip", 3, xs);
  const int64_t want[5] = { -5, -3, 0, 7, 100 };

  assert_ints (y, CX_ELEM_INT8, want);
}

static void
test_clip_gradient (void)
{
  int64_t s[2] = { 4, 5 };
  float lo[1] = { -0.5f }, hi[1] = { 0.7f };
  g_autoptr(GRand) rand = g_rand_new_with_seed (23);
  g_autoptr(CxTensor) x = cx_test_uniform (rand, 2, s, -2, 2);
  g_autoptr(CxTensor) tlo = cx_tensor_new_f32 (0, NULL, lo);
  g_autoptr(CxTensor) thi = cx_tensor_new_f32 (0, NULL, hi);
  CxTensor *xs[3] = { x, tlo, thi };
  const double kinks[2] = { -0.5, 0.7 };

  avoid_kinks (x, kinks, 2, 0.02);
  {
    /* Gradients of x and of both bounds. */
    g_autoptr(CxTestGraph) g = one_node (13, "Clip", 3, xs);
    gradcheck (g, xs);
  }
  {
    g_autoptr(CxTestGraph) g = one_node (6, "Clip", 1, &x);
    cx_test_graph_attr_float (g, "min", -0.5f);
    cx_test_graph_attr_float (g, "max", 0.7f);
    gradcheck (g, &x);
  }
}

/* At the bounds the gradient stops, as inside the clipped range: the rule
 * of PyTorch's ReLU6 (hardtanh) and of Relu at 0, read from the output
 * (see clip_backward); between them it passes. */
static void
test_clip_gradient_at_bounds (void)
{
  int64_t s[1] = { 5 };
  float v[5] = { -1, -0.5f, 0.1f, 0.7f, 1 }, ones[5] = { 1, 1, 1, 1, 1 };
  g_autoptr(CxTensor) x = cx_tensor_new_f32 (1, s, v);
  g_autoptr(CxTensor) seed = cx_tensor_new_f32 (1, s, ones);
  g_autoptr(CxTestGraph) g = one_node (6, "Clip", 1, &x);
  g_autoptr(CxModel) m = NULL;
  g_autoptr(CxExec) exec = NULL;
  g_autoptr(GError) error = NULL;
  const CxTensor *gx;

  cx_test_graph_attr_float (g, "min", -0.5f);
  cx_test_graph_attr_float (g, "max", 0.7f);
  m = build (g);
  exec = cx_exec_new (m, 0);
  g_assert_true (cx_exec_forward (exec, &x, TRUE, &error));
  g_assert_true (cx_exec_backward (exec, 0, seed, &error));
  gx = cx_exec_input_grad (exec, 0);
  g_assert_cmpfloat (gx->data.f[0], ==, 0);
  g_assert_cmpfloat (gx->data.f[1], ==, 0);
  g_assert_cmpfloat (gx->data.f[2], ==, 1);
  g_assert_cmpfloat (gx->data.f[3], ==, 0);
  g_assert_cmpfloat (gx->data.f[4], ==, 0);
}

/* ------------------------------------------------------------------ */
/* Variadic                                                            */
/* ------------------------------------------------------------------ */

static void
test_variadic (void)
{
  int64_t s0[3] = { 2, 3, 4 }, s1[2] = { 3, 1 }, s2[1] = { 1 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (29);
  g_autoptr(CxTensor) a = cx_test_uniform (rand, 3, s0, 1, 2);
  g_autoptr(CxTensor) b = cx_test_uniform (rand, 2, s1, -0.4, 0.4);
  g_autoptr(CxTensor) c = cx_tensor_new_f32 (1, s2, (float[]) { 0.6f });
  CxTensor *xs[3] = { b, a, c };   /* the largest shape is not first */
  const char *ops[4] = { "Sum", "Mean", "Max", "Min" };

  /* a in ±[1, 2], b within ±0.4, c = 0.6: every max and min is clear of
   * the runner-up by 0.2, so the finite differences see no switch. */
  for (int i = 0; i < 24; i++)
    if (i % 3 == 0)
      a->data.f[i] = -a->data.f[i];

  for (int k = 0; k < 4; k++)
    {
      g_autoptr(CxTensor) y = run_op (13, ops[k], 3, xs);
      double want[24];
      assert_shape (y, 3, s0);
      for (int i = 0; i < 24; i++)
        {
          double va = a->data.f[i], vb = b->data.f[(i / 4) % 3], vc = c->data.f[0];
          switch (k)
            {
            case 0: want[i] = va + vb + vc; break;
            case 1: want[i] = (va + vb + vc) / 3; break;
            case 2: want[i] = fmax (va, fmax (vb, vc)); break;
            default: want[i] = fmin (va, fmin (vb, vc)); break;
            }
        }
      assert_close (y, want, 1e-6);
      {
        g_autoptr(CxTestGraph) g = one_node (13, ops[k], 3, xs);
        gradcheck (g, xs);
      }
    }
  {
    /* One input: a copy. */
    g_autoptr(CxTensor) y = run_op (13, "Max", 1, &a);
    g_assert_cmpmem (y->data.f, 24 * sizeof (float), a->data.f, 24 * sizeof (float));
  }
}

/* Ties: the whole gradient goes to the first input holding the maximum. */
static void
test_max_tie_goes_to_first (void)
{
  int64_t s[1] = { 3 };
  float av[3] = { 1, 2, 3 }, bv[3] = { 1, 5, 3 }, ones[3] = { 1, 1, 1 };
  g_autoptr(CxTensor) a = cx_tensor_new_f32 (1, s, av);
  g_autoptr(CxTensor) b = cx_tensor_new_f32 (1, s, bv);
  g_autoptr(CxTensor) seed = cx_tensor_new_f32 (1, s, ones);
  CxTensor *xs[2] = { a, b };
  g_autoptr(CxTestGraph) g = one_node (13, "Max", 2, xs);
  g_autoptr(CxModel) m = build (g);
  g_autoptr(CxExec) exec = cx_exec_new (m, 0);
  g_autoptr(GError) error = NULL;
  const float want_a[3] = { 1, 0, 1 }, want_b[3] = { 0, 1, 0 };

  g_assert_true (cx_exec_forward (exec, xs, TRUE, &error));
  g_assert_true (cx_exec_backward (exec, 0, seed, &error));
  g_assert_cmpmem (cx_exec_input_grad (exec, 0)->data.f, sizeof want_a, want_a, sizeof want_a);
  g_assert_cmpmem (cx_exec_input_grad (exec, 1)->data.f, sizeof want_b, want_b, sizeof want_b);
}

/* ------------------------------------------------------------------ */
/* Cast, Identity, Dropout                                             */
/* ------------------------------------------------------------------ */

static CxTensor *
cast (const CxTensor *x, CxElem to)
{
  g_autoptr(CxTestGraph) g = one_node (13, "Cast", 1, (CxTensor *const *) &x);
  CxTensor *y;

  cx_test_graph_attr_int (g, "to", to);
  y = run_graph (g, (CxTensor *const *) &x);
  g_assert_cmpint (y->elem, ==, to);
  return y;
}

static void
test_cast_float_to_ints (void)
{
  int64_t s[1] = { 6 };
  float v[6] = { -2.7f, -0.5f, 0.0f, 2.9f, 300.0f, -1.0f };
  g_autoptr(CxTensor) x = cx_tensor_new_f32 (1, s, v);
  g_autoptr(CxTensor) i32 = cast (x, CX_ELEM_INT32);
  g_autoptr(CxTensor) u8 = cast (x, CX_ELEM_UINT8);
  g_autoptr(CxTensor) b = cast (x, CX_ELEM_BOOL);
  g_autoptr(CxTensor) back = cast (i32, CX_ELEM_FLOAT);
  g_autoptr(CxTensor) from_bool = cast (b, CX_ELEM_FLOAT);
  const int64_t want_i32[6] = { -2, 0, 0, 2, 300, -1 };
  const int64_t want_u8[6] = { 254, 0, 0, 2, 44, 255 };  /* truncate, then wrap */
  const int64_t want_b[6] = { 1, 1, 0, 1, 1, 1 };
  const double want_back[6] = { -2, 0, 0, 2, 300, -1 };
  const double want_fb[6] = { 1, 1, 0, 1, 1, 1 };

  assert_ints (i32, CX_ELEM_INT32, want_i32);
  assert_ints (u8, CX_ELEM_UINT8, want_u8);
  assert_ints (b, CX_ELEM_BOOL, want_b);
  assert_close (back, want_back, 0);
  assert_close (from_bool, want_fb, 0);
}

static void
test_cast_int_round_trips (void)
{
  int64_t s[1] = { 5 }, v[5] = { -129, -1, 0, 127, 65537 };
  g_autoptr(CxTensor) x = tensor_i (CX_ELEM_INT64, 1, s, v);
  g_autoptr(CxTensor) i8 = cast (x, CX_ELEM_INT8);
  g_autoptr(CxTensor) u16 = cast (x, CX_ELEM_UINT16);
  g_autoptr(CxTensor) d = cast (x, CX_ELEM_DOUBLE);
  g_autoptr(CxTensor) back = cast (d, CX_ELEM_INT64);
  const int64_t want_i8[5] = { 127, -1, 0, 127, 1 };
  const int64_t want_u16[5] = { 65407, 65535, 0, 127, 1 };

  assert_ints (i8, CX_ELEM_INT8, want_i8);
  assert_ints (u16, CX_ELEM_UINT16, want_u16);
  assert_ints (back, CX_ELEM_INT64, v);
}

static void
test_cast_half_precision (void)
{
  int64_t s[1] = { 6 };
  float v[6] = { 0.1f, 1.0f / 3.0f, 65504.0f, 65520.0f, 1e-7f, -2.5e-5f };
  g_autoptr(CxTensor) x = cx_tensor_new_f32 (1, s, v);
  g_autoptr(CxTensor) h = cast (x, CX_ELEM_FLOAT16);
  g_autoptr(CxTensor) bf = cast (x, CX_ELEM_BFLOAT16);
  g_autoptr(CxTensor) back = cast (h, CX_ELEM_FLOAT);
  /* Nearest float16 values: 0.1 → 1638/16384, 1/3 → 1365/4096, 65520 ties
   * to even = 65536 = inf, 1e-7 → 2·2^-24, −2.5e-5 → −419·2^-24. */
  const double want_h[6] = { 0.0999755859375, 0.333251953125, 65504, INFINITY,
                             ldexp (2, -24), -ldexp (419, -24) };
  double want_bf[6];

  for (int i = 0; i < 6; i++)
    {
      guint32 u;
      float f;
      memcpy (&u, &v[i], 4);
      u = (u + 0x7fffu + ((u >> 16) & 1u)) & 0xffff0000u;
      memcpy (&f, &u, 4);
      want_bf[i] = f;
    }
  assert_close (h, want_h, 0);
  assert_close (back, want_h, 0);
  assert_close (bf, want_bf, 0);
}

static void
test_cast_gradient (void)
{
  int64_t s[2] = { 3, 4 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (31);
  g_autoptr(CxTensor) x = cx_test_randn (rand, 2, s);
  g_autoptr(CxTestGraph) g = one_node (13, "Cast", 1, &x);

  cx_test_graph_attr_int (g, "to", CX_ELEM_DOUBLE);
  gradcheck (g, &x);
}

static void
test_cast_to_string_is_refused (void)
{
  int64_t s[1] = { 2 };
  g_autoptr(CxTensor) x = cx_tensor_new_f32 (1, s, NULL);
  g_autoptr(CxTestGraph) g = one_node (13, "Cast", 1, &x);

  cx_test_graph_attr_int (g, "to", CX_ELEM_STRING);
  assert_load_fails (g, CX_ERROR_UNSUPPORTED,
                     "node Cast_0 (Cast): attribute 'to' is 8 (string); casting to it is not supported");
}

static void
test_castlike (void)
{
  int64_t s[1] = { 3 }, like_v[1] = { 0 };
  float v[3] = { -1.5f, 2.5f, 7.9f };
  g_autoptr(CxTensor) x = cx_tensor_new_f32 (1, s, v);
  g_autoptr(CxTensor) like = tensor_i (CX_ELEM_INT16, 1, (int64_t[]) { 1 }, like_v);
  CxTensor *xs[2] = { x, like };
  g_autoptr(CxTensor) y = run_op (15, "CastLike", 2, xs);
  const int64_t want[3] = { -1, 2, 7 };

  assert_ints (y, CX_ELEM_INT16, want);
}

static void
test_dropout_is_identity_with_mask (void)
{
  int64_t s[2] = { 3, 4 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (37);
  g_autoptr(CxTensor) x = cx_test_randn (rand, 2, s);
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autoptr(CxModel) m = NULL;
  g_autoptr(CxTensor) y = NULL;
  g_autoptr(CxTensor) mask = NULL;

  cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 2, s);
  cx_test_graph_node (g, "Dropout", "x", "y,mask");
  cx_test_graph_output (g, "y");
  cx_test_graph_output (g, "mask");
  m = build (g);
  y = cx_test_run (m, &x, 0);
  mask = cx_test_run (m, &x, 1);
  g_assert_cmpmem (y->data.f, 12 * sizeof (float), x->data.f, 12 * sizeof (float));
  g_assert_cmpint (mask->elem, ==, CX_ELEM_BOOL);
  for (int i = 0; i < 12; i++)
    g_assert_cmpint (mask->data.i[i], ==, 1);
  cx_test_gradcheck (m, &x, EPS, RTOL, ATOL, 100);
}

static void
test_dropout_refuses_training (void)
{
  int64_t s[1] = { 4 }, t[1] = { 1 };
  float r[1] = { 0.5f };
  g_autoptr(CxTensor) x = cx_tensor_new_f32 (1, s, NULL);
  g_autoptr(CxTensor) ratio = cx_tensor_new_f32 (0, NULL, r);
  g_autoptr(CxTensor) training = tensor_i (CX_ELEM_BOOL, 0, NULL, t);
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);

  memset (x->data.f, 0, sizeof (float) * 4);
  cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 1, s);
  cx_test_graph_input (g, "ratio", CX_ELEM_FLOAT, 0, NULL);
  cx_test_graph_input (g, "training", CX_ELEM_BOOL, 0, NULL);
  cx_test_graph_node (g, "Dropout", "x,ratio,training", "y");
  cx_test_graph_output (g, "y");
  {
    CxTensor *xs[3] = { x, ratio, training };
    assert_run_fails (g, xs, CX_ERROR_UNSUPPORTED,
                      "node Dropout_0 (Dropout): training_mode is true with ratio 0.5: random "
                      "dropout is not supported (the engine runs inference)");
  }
}

/* ------------------------------------------------------------------ */
/* Reductions                                                          */
/* ------------------------------------------------------------------ */

typedef enum { R_SUM, R_MEAN, R_MAX, R_MIN, R_PROD, R_L1, R_L2, R_SUMSQ, R_LOGSUM, R_LSE } RefKind;

static const struct
{
  const char *op;
  RefKind kind;
} reduce_ops[] = {
  { "ReduceSum", R_SUM },
  { "ReduceMean", R_MEAN },
  { "ReduceMax", R_MAX },
  { "ReduceMin", R_MIN },
  { "ReduceProd", R_PROD },
  { "ReduceL1", R_L1 },
  { "ReduceL2", R_L2 },
  { "ReduceSumSquare", R_SUMSQ },
  { "ReduceLogSum", R_LOGSUM },
  { "ReduceLogSumExp", R_LSE },
};

/* The reduction of @x over the axes in @mask, by explicit enumeration. */
static void
ref_reduce (RefKind kind, const CxTensor *x, const gboolean *mask, double *out, int64_t nout)
{
  int64_t idx[CX_MAX_DIMS];
  g_autofree int64_t *count = g_new0 (int64_t, nout);
  g_autofree double *m = g_new (double, nout);

  for (int64_t j = 0; j < nout; j++)
    {
      out[j] = kind == R_PROD ? 1 : kind == R_MAX ? -INFINITY : kind == R_MIN ? INFINITY : 0;
      m[j] = -INFINITY;
    }
  for (int pass = 0; pass < (kind == R_LSE ? 2 : 1); pass++)
    for (int64_t i = 0; i < x->numel; i++)
      {
        int64_t j = 0;
        double v = x->data.f[i];
        unravel (x->ndim, x->shape, i, idx);
        for (int d = 0; d < x->ndim; d++)
          if (!mask[d])
            j = j * x->shape[d] + idx[d];
        if (kind == R_LSE && pass == 0)
          {
            m[j] = fmax (m[j], v);
            continue;
          }
        count[j]++;
        switch (kind)
          {
          case R_SUM: case R_MEAN: case R_LOGSUM: out[j] += v; break;
          case R_MAX: out[j] = fmax (out[j], v); break;
          case R_MIN: out[j] = fmin (out[j], v); break;
          case R_PROD: out[j] *= v; break;
          case R_L1: out[j] += fabs (v); break;
          case R_L2: case R_SUMSQ: out[j] += v * v; break;
          case R_LSE: out[j] += exp (v - m[j]); break;
          }
      }
  for (int64_t j = 0; j < nout; j++)
    switch (kind)
      {
      case R_MEAN: out[j] /= count[j]; break;
      case R_L2: out[j] = sqrt (out[j]); break;
      case R_LOGSUM: out[j] = log (out[j]); break;
      case R_LSE: out[j] = m[j] + log (out[j]); break;
      default: break;
      }
}

/* A reduction node at @opset: axes as attribute or as input, by opset. */
static CxTestGraph *
reduce_graph (int opset, const char *op, const CxTensor *x, int n_axes, const int64_t *axes,
              int keepdims)
{
  gboolean as_input = opset >= (g_str_equal (op, "ReduceSum") ? 13 : 18);
  CxTestGraph *g = cx_test_graph_new (opset);

  cx_test_graph_input (g, "x", x->elem, x->ndim, x->shape);
  if (as_input && n_axes >= 0)
    {
      int64_t len = n_axes;
      g_autoptr(CxTensor) t = cx_tensor_new_i64 (1, &len, axes);
      cx_test_graph_const (g, "axes", t);
      cx_test_graph_node (g, op, "x,axes", "y");
    }
  else
    cx_test_graph_node (g, op, "x", "y");
  if (!as_input && n_axes >= 0)
    cx_test_graph_attr_ints (g, "axes", n_axes, axes);
  if (keepdims >= 0)
    cx_test_graph_attr_int (g, "keepdims", keepdims);
  cx_test_graph_output (g, "y");
  return g;
}

static const struct
{
  int n;
  int64_t axes[3];
} axes_cases[] = {
  { 1, { 1 } },
  { 2, { 0, 2 } },
  { 1, { -1 } },
  { -1, { 0 } },        /* absent: all axes */
  { 3, { 2, 0, 1 } },
};

static void
test_reduce_values (gconstpointer data)
{
  gsize k = GPOINTER_TO_SIZE (data);
  RefKind kind = reduce_ops[k].kind;
  const char *op = reduce_ops[k].op;
  int64_t s[3] = { 2, 3, 4 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (41);
  g_autoptr(CxTensor) x = NULL;

  x = (kind == R_LOGSUM || kind == R_PROD) ? cx_test_uniform (rand, 3, s, 0.5, 1.5)
                                           : cx_test_randn (rand, 3, s);
  for (gsize a = 0; a < G_N_ELEMENTS (axes_cases); a++)
    for (int keep = 0; keep < 2; keep++)
      for (int v = 0; v < 3; v++)
        {
          int opset = v == 0 ? 11 : v == 1 ? 13 : 18;
          g_autoptr(CxTestGraph) g = reduce_graph (opset, op, x, axes_cases[a].n,
                                                   axes_cases[a].axes, keep);
          g_autoptr(CxTensor) y = NULL;
          gboolean mask[3] = { 0 };
          double want[24];
          int64_t shape[3];
          int nd = 0;

          for (int i = 0; i < axes_cases[a].n; i++)
            mask[(axes_cases[a].axes[i] + 3) % 3] = TRUE;
          if (axes_cases[a].n < 0)
            mask[0] = mask[1] = mask[2] = TRUE;
          for (int d = 0; d < 3; d++)
            if (!mask[d] || keep)
              shape[nd++] = mask[d] ? 1 : s[d];
          y = run_graph (g, &x);
          assert_shape (y, nd, shape);
          ref_reduce (kind, x, mask, want, y->numel);
          assert_close (y, want, 2e-6);
        }
}

static void
test_reduce_gradient (gconstpointer data)
{
  gsize k = GPOINTER_TO_SIZE (data);
  RefKind kind = reduce_ops[k].kind;
  int64_t s[3] = { 2, 3, 4 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (43);

  for (gsize a = 0; a < G_N_ELEMENTS (axes_cases); a++)
    for (int keep = 0; keep < 2; keep++)
      {
        g_autoptr(CxTensor) x = NULL;
        g_autoptr(CxTestGraph) g = NULL;
        if (kind == R_LOGSUM || kind == R_PROD)
          x = cx_test_uniform (rand, 3, s, 0.5, 1.5);
        else if (kind == R_MAX || kind == R_MIN || kind == R_L1)
          {
            /* Distinct values well apart, away from 0: a shuffled ramp. */
            x = cx_test_randn (rand, 3, s);
            for (int i = 0; i < 24; i++)
              x->data.f[i] = (float) (((i * 7) % 24) - 11.5) * 0.1f;
          }
        else
          x = cx_test_randn (rand, 3, s);
        g = reduce_graph (a % 2 ? 18 : 13, reduce_ops[k].op, x, axes_cases[a].n,
                          axes_cases[a].axes, keep);
        gradcheck (g, &x);
      }
}

static void
test_reduce_sum_opsets (void)
{
  int64_t s[2] = { 2, 3 }, axes[1] = { 1 }, one[1] = { 1 };
  float v[6] = { 1, 2, 3, 4, 5, 6 };
  g_autoptr(CxTensor) x = cx_tensor_new_f32 (2, s, v);
  const double want_rows[2] = { 6, 15 }, want_all[1] = { 21 };

  {
    /* Opset 11: axes attribute, keepdims default 1. */
    g_autoptr(CxTestGraph) g = reduce_graph (11, "ReduceSum", x, 1, axes, -1);
    g_autoptr(CxTensor) y = run_graph (g, &x);
    int64_t want_shape[2] = { 2, 1 };
    assert_shape (y, 2, want_shape);
    assert_close (y, want_rows, 0);
  }
  {
    /* Opset 13: axes input. */
    g_autoptr(CxTestGraph) g = reduce_graph (13, "ReduceSum", x, 1, axes, 0);
    g_autoptr(CxTensor) y = run_graph (g, &x);
    int64_t want_shape[1] = { 2 };
    assert_shape (y, 1, want_shape);
    assert_close (y, want_rows, 0);
  }
  {
    /* Opset 13 without axes: everything; with noop_with_empty_axes: identity. */
    g_autoptr(CxTestGraph) g = reduce_graph (13, "ReduceSum", x, -1, NULL, 0);
    g_autoptr(CxTestGraph) g2 = reduce_graph (13, "ReduceSum", x, 0, NULL, 1);
    g_autoptr(CxTensor) y = run_graph (g, &x);
    g_autoptr(CxTensor) y2 = NULL;
    double want_same[6] = { 1, 2, 3, 4, 5, 6 };
    assert_shape (y, 0, NULL);
    assert_close (y, want_all, 0);
    cx_test_graph_attr_int (g2, "noop_with_empty_axes", 1);
    y2 = run_graph (g2, &x);
    assert_shape (y2, 2, s);
    assert_close (y2, want_same, 0);
    {
      g_autoptr(CxModel) m = build (g2);
      cx_test_gradcheck (m, &x, EPS, RTOL, ATOL, 10);
    }
  }
  {
    /* Opset 13 refuses the old attribute form. */
    g_autoptr(CxTestGraph) g = reduce_graph (13, "ReduceSum", x, -1, NULL, 1);
    cx_test_graph_attr_ints (g, "axes", 1, one);
    assert_load_fails (g, CX_ERROR_INVALID,
                       "node ReduceSum_0 (ReduceSum): attribute 'axes' is not allowed at opset "
                       "13: the axes are input 1");
  }
}

static void
test_reduce_mean_opset18 (void)
{
  int64_t s[3] = { 2, 2, 2 }, axes[2] = { 0, -1 };
  float v[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
  g_autoptr(CxTensor) x = cx_tensor_new_f32 (3, s, v);
  g_autoptr(CxTestGraph) g = reduce_graph (18, "ReduceMean", x, 2, axes, 1);
  g_autoptr(CxTestGraph) g13 = reduce_graph (13, "ReduceMean", x, 2, axes, 1);
  g_autoptr(CxTensor) y = run_graph (g, &x);
  g_autoptr(CxTensor) y13 = run_graph (g13, &x);
  const double want[2] = { (1 + 2 + 5 + 6) / 4.0, (3 + 4 + 7 + 8) / 4.0 };
  int64_t want_shape[3] = { 1, 2, 1 };

  assert_shape (y, 3, want_shape);
  assert_close (y, want, 0);
  assert_close (y13, want, 0);
}

static void
test_reduce_errors (void)
{
  int64_t s[2] = { 2, 3 }, bad[1] = { 2 };
  g_autoptr(CxTensor) x = cx_tensor_new_f32 (2, s, NULL);

  memset (x->data.f, 0, sizeof (float) * 6);
  {
    g_autoptr(CxTestGraph) g = reduce_graph (11, "ReduceMax", x, 1, bad, 1);
    assert_run_fails (g, &x, CX_ERROR_SHAPE,
                      "node ReduceMax_0 (ReduceMax): axis 2 is out of range for an input of "
                      "shape [2, 3]");
  }
  {
    g_autoptr(CxTestGraph) g = reduce_graph (11, "ReduceMean", x, -1, NULL, 2);
    assert_load_fails (g, CX_ERROR_INVALID,
                       "node ReduceMean_0 (ReduceMean): attribute 'keepdims' is 2; it must be 0 or 1");
  }
  {
    int64_t twice[2] = { 1, 1 };
    g_autoptr(CxTestGraph) g = reduce_graph (11, "ReduceL2", x, 2, twice, 1);
    assert_load_fails (g, CX_ERROR_INVALID,
                       "node ReduceL2_0 (ReduceL2): attribute 'axes' lists axis 1 twice");
  }
}

static void
test_reduce_int (void)
{
  int64_t s[2] = { 2, 3 }, v[6] = { 1, -2, 3, 4, 5, -6 }, axes[1] = { 1 };
  g_autoptr(CxTensor) x = tensor_i (CX_ELEM_INT64, 2, s, v);
  struct { const char *op; int64_t want[2]; } cases[] = {
    { "ReduceSum", { 2, 3 } },
    { "ReduceProd", { -6, -120 } },
    { "ReduceMax", { 3, 5 } },
    { "ReduceMin", { -2, -6 } },
    { "ReduceMean", { 0, 1 } },
    { "ReduceSumSquare", { 14, 77 } },
    { "ReduceL1", { 6, 15 } },
  };

  for (gsize k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      g_autoptr(CxTestGraph) g = reduce_graph (11, cases[k].op, x, 1, axes, 0);
      g_autoptr(CxTensor) y = run_graph (g, &x);
      assert_ints (y, CX_ELEM_INT64, cases[k].want);
    }
}

/* The product's gradient is the product of the others, also with zeros. */
static void
test_reduce_prod_gradient_with_zeros (void)
{
  int64_t s[2] = { 3, 3 }, axes[1] = { 1 };
  float v[9] = { 2, 0, 3, 0, 0, 5, 1, 2, 4 }, ones[3] = { 1, 1, 1 };
  int64_t so[1] = { 3 };
  g_autoptr(CxTensor) x = cx_tensor_new_f32 (2, s, v);
  g_autoptr(CxTensor) seed = cx_tensor_new_f32 (1, so, ones);
  g_autoptr(CxTestGraph) g = reduce_graph (13, "ReduceProd", x, 1, axes, 0);
  g_autoptr(CxModel) m = build (g);
  g_autoptr(CxExec) exec = cx_exec_new (m, 0);
  g_autoptr(GError) error = NULL;
  const float want[9] = { 0, 6, 0, 0, 0, 0, 8, 4, 2 };

  g_assert_true (cx_exec_forward (exec, &x, TRUE, &error));
  g_assert_true (cx_exec_backward (exec, 0, seed, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (cx_exec_input_grad (exec, 0)->data.f, sizeof want, want, sizeof want);
}

static void
test_reduce_max_tie_goes_to_first (void)
{
  int64_t s[2] = { 2, 3 }, axes[1] = { 1 }, so[2] = { 2, 1 };
  float v[6] = { 4, 1, 4, 2, 7, 7 }, ones[2] = { 1, 1 };
  g_autoptr(CxTensor) x = cx_tensor_new_f32 (2, s, v);
  g_autoptr(CxTensor) seed = cx_tensor_new_f32 (2, so, ones);
  g_autoptr(CxTestGraph) g = reduce_graph (13, "ReduceMax", x, 1, axes, 1);
  g_autoptr(CxModel) m = build (g);
  g_autoptr(CxExec) exec = cx_exec_new (m, 0);
  g_autoptr(GError) error = NULL;
  const float want[6] = { 1, 0, 0, 0, 1, 0 };

  g_assert_true (cx_exec_forward (exec, &x, TRUE, &error));
  g_assert_true (cx_exec_backward (exec, 0, seed, &error));
  g_assert_cmpmem (cx_exec_input_grad (exec, 0)->data.f, sizeof want, want, sizeof want);
}

static void
test_argmax_argmin (void)
{
  int64_t s[2] = { 2, 4 };
  float v[8] = { 1, 5, 5, 0, -1, -3, 2, -3 };
  g_autoptr(CxTensor) x = cx_tensor_new_f32 (2, s, v);
  struct { const char *op; int64_t axis, keep, last; int nd; int64_t shape[2]; int64_t want[4]; } cases[] = {
    { "ArgMax", 1, 1, 0, 2, { 2, 1 }, { 1, 2 } },
    { "ArgMax", 1, 1, 1, 2, { 2, 1 }, { 2, 2 } },
    { "ArgMin", -1, 0, 0, 1, { 2 }, { 3, 1 } },
    { "ArgMin", -1, 0, 1, 1, { 2 }, { 3, 3 } },
    { "ArgMax", 0, 0, 0, 1, { 4 }, { 0, 0, 0, 0 } },
    { "ArgMin", 0, 1, 0, 2, { 1, 4 }, { 1, 1, 1, 1 } },
  };

  for (gsize k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      g_autoptr(CxTestGraph) g = one_node (13, cases[k].op, 1, &x);
      g_autoptr(CxTensor) y = NULL;
      cx_test_graph_attr_int (g, "axis", cases[k].axis);
      cx_test_graph_attr_int (g, "keepdims", cases[k].keep);
      cx_test_graph_attr_int (g, "select_last_index", cases[k].last);
      y = run_graph (g, &x);
      assert_shape (y, cases[k].nd, cases[k].shape);
      assert_ints (y, CX_ELEM_INT64, cases[k].want);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (unary_cases); i++)
    {
      g_autofree char *lower = g_ascii_strdown (unary_cases[i].op, -1);
      g_autofree char *p1 = g_strdup_printf ("/ops/%s/matches-closed-form", lower);
      g_test_add_data_func (p1, &unary_cases[i], test_unary_values);
      if (unary_cases[i].differentiable)
        {
          g_autofree char *p2 = g_strdup_printf ("/ops/%s/gradient-matches-finite-differences",
                                                 lower);
          g_test_add_data_func (p2, &unary_cases[i], test_unary_gradient);
        }
      else
        {
          g_autofree char *p2 = g_strdup_printf ("/ops/%s/has-no-gradient", lower);
          g_test_add_data_func (p2, &unary_cases[i], test_unary_no_gradient);
        }
    }
  g_test_add_func ("/ops/activations/honour-their-attributes", test_activation_attributes);
  g_test_add_func ("/ops/leakyrelu/refuses-an-infinite-alpha", test_activation_bad_attribute);

  for (gsize i = 0; i < G_N_ELEMENTS (binary_cases); i++)
    {
      g_autofree char *lower = g_ascii_strdown (binary_cases[i].op, -1);
      g_autofree char *p1 = g_strdup_printf ("/ops/%s/broadcasts-like-numpy", lower);
      g_autofree char *p2 = g_strdup_printf ("/ops/%s/gradient-matches-finite-differences", lower);
      g_test_add_data_func (p1, &binary_cases[i], test_binary_values);
      g_test_add_data_func (p2, &binary_cases[i], test_binary_gradient);
    }
  g_test_add_func ("/ops/add/refuses-incompatible-shapes", test_add_refuses_incompatible_shapes);
  g_test_add_func ("/ops/add/keeps-the-input-element-type", test_add_keeps_element_type);
  g_test_add_func ("/ops/add/opset6-broadcasts-at-axis", test_add_legacy_broadcast_axis);
  g_test_add_func ("/ops/add/opset6-needs-the-broadcast-attribute",
                   test_add_legacy_needs_broadcast_attribute);
  g_test_add_func ("/ops/prelu/applies-a-slope-per-channel", test_prelu_per_channel);
  g_test_add_func ("/ops/prelu/refuses-a-slope-wider-than-x", test_prelu_refuses_slope_wider_than_x);
  g_test_add_func ("/ops/pow/differentiates-the-exponent", test_pow_gradient_of_exponent);
  g_test_add_func ("/ops/pow/mixes-integer-and-float-types", test_pow_mixed_types);

  g_test_add_func ("/ops/int64/arithmetic-is-exact", test_int64_arithmetic);
  g_test_add_func ("/ops/int64/division-by-zero-gives-zero", test_int_division_by_zero_is_zero);
  g_test_add_func ("/ops/mod/follows-the-fmod-attribute", test_mod_fmod);
  g_test_add_func ("/ops/mod/gradient-matches-finite-differences", test_mod_gradient);
  g_test_add_func ("/ops/uint8/arithmetic-wraps-around", test_narrow_ints_wrap);

  g_test_add_func ("/ops/compare/outputs-bool-with-broadcasting", test_comparisons);
  g_test_add_func ("/ops/logic/and-or-xor-not", test_logic);
  g_test_add_func ("/ops/isnan-isinf/detect-what-they-are-asked", test_isnan_isinf);

  g_test_add_func ("/ops/where/selects-with-broadcasting", test_where);
  g_test_add_func ("/ops/clip/opset6-reads-attributes", test_clip_opset6_attributes);
  g_test_add_func ("/ops/clip/opset13-reads-optional-inputs", test_clip_opset13_inputs);
  g_test_add_func ("/ops/clip/clamps-integers", test_clip_int);
  g_test_add_func ("/ops/clip/gradient-matches-finite-differences", test_clip_gradient);
  g_test_add_func ("/ops/clip/gradient-passes-at-the-bounds", test_clip_gradient_at_bounds);

  g_test_add_func ("/ops/variadic/sum-mean-max-min-broadcast", test_variadic);
  g_test_add_func ("/ops/max/tie-gradient-goes-to-the-first-input", test_max_tie_goes_to_first);

  g_test_add_func ("/ops/cast/float-to-integers-truncates-and-wraps", test_cast_float_to_ints);
  g_test_add_func ("/ops/cast/integers-round-trip", test_cast_int_round_trips);
  g_test_add_func ("/ops/cast/rounds-to-half-precision", test_cast_half_precision);
  g_test_add_func ("/ops/cast/float-to-double-passes-the-gradient", test_cast_gradient);
  g_test_add_func ("/ops/cast/refuses-strings", test_cast_to_string_is_refused);
  g_test_add_func ("/ops/castlike/takes-the-type-of-its-second-input", test_castlike);
  g_test_add_func ("/ops/dropout/is-identity-with-a-true-mask", test_dropout_is_identity_with_mask);
  g_test_add_func ("/ops/dropout/refuses-training-mode", test_dropout_refuses_training);

  for (gsize i = 0; i < G_N_ELEMENTS (reduce_ops); i++)
    {
      g_autofree char *lower = g_ascii_strdown (reduce_ops[i].op, -1);
      g_autofree char *p1 = g_strdup_printf ("/ops/%s/matches-enumeration-over-axes", lower);
      g_autofree char *p2 = g_strdup_printf ("/ops/%s/gradient-matches-finite-differences", lower);
      g_test_add_data_func (p1, GSIZE_TO_POINTER (i), test_reduce_values);
      g_test_add_data_func (p2, GSIZE_TO_POINTER (i), test_reduce_gradient);
    }
  g_test_add_func ("/ops/reducesum/axes-attribute-then-input", test_reduce_sum_opsets);
  g_test_add_func ("/ops/reducemean/opset18-takes-axes-as-input", test_reduce_mean_opset18);
  g_test_add_func ("/ops/reduce/refuses-bad-axes-and-attributes", test_reduce_errors);
  g_test_add_func ("/ops/reduce/integer-tensors", test_reduce_int);
  g_test_add_func ("/ops/reduceprod/gradient-with-zeros", test_reduce_prod_gradient_with_zeros);
  g_test_add_func ("/ops/reducemax/tie-gradient-goes-to-the-first", test_reduce_max_tie_goes_to_first);
  g_test_add_func ("/ops/argmax-argmin/axis-keepdims-select-last-index", test_argmax_argmin);
  return g_test_run ();
}
