/* test-attribution.c: the explanation methods on models whose
 * attributions are known in closed form.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "testutil.h"
#include "random.h"
#include "attribution.h"
#include "input.h"

#include <math.h>

#define F 6
#define K 3

static const float W1[K * F] = {
  0.5f, -1.0f, 2.0f, 0.25f, -0.75f, 1.5f,
  -0.3f, 0.8f, 0.1f, -1.2f, 0.6f, 0.4f,
  1.1f, 0.2f, -0.9f, 0.7f, 0.3f, -0.5f,
};
static const float B1[K] = { 0.1f, -0.2f, 0.3f };
static const float X[F] = { 1.0f, -2.0f, 0.5f, 3.0f, -1.5f, 2.5f };

/* y = x W1ᵀ + b1 (Gemm, transB). */
static CxModel *
linear_model (void)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autoptr(GError) error = NULL;
  int64_t in_shape[2] = { -1, F }, w_shape[2] = { K, F }, b_shape[1] = { K };
  g_autoptr(CxTensor) w = cx_tensor_new_f32 (2, w_shape, W1);
  g_autoptr(CxTensor) b = cx_tensor_new_f32 (1, b_shape, B1);
  CxModel *m;

  cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 2, in_shape);
  cx_test_graph_const (g, "W", w);
  cx_test_graph_const (g, "B", b);
  cx_test_graph_node (g, "Gemm", "x,W,B", "y");
  cx_test_graph_attr_int (g, "transB", 1);
  cx_test_graph_output (g, "y");
  m = cx_test_graph_build (g, &error);
  g_assert_no_error (error);
  return m;
}

static CxTensor *
input_row (void)
{
  int64_t shape[2] = { 1, F };
  return cx_tensor_new_f32 (2, shape, X);
}


static CxExplanation *
explain (const CxModel *m, const CxTensor *x, const CxExplainParams *p)
{
  g_autoptr(GError) error = NULL;
  CxExplanation *e = cx_explain (m, x, p, &error);
  g_assert_no_error (error);
  g_assert_nonnull (e);
  return e;
}

static void
test_ig_linear (gconstpointer data)
{
  CxIgRule rule = GPOINTER_TO_INT (data);
  g_autoptr(CxModel) m = NULL;
  g_autoptr(CxTensor) x = NULL;
  CxExplainParams p;
  double scale = 1.0;

  m = linear_model ();
  x = input_row ();
  cx_explain_params_init (&p, CX_METHOD_IG);
  p.rule = rule;
  p.target = 1;
  /* Captum's trapezoid weights sum to 1 − 1/n. */
  if (rule == CX_RULE_RIEMANN_TRAPEZOID)
    scale = 1.0 - 1.0 / p.steps;
  {
    g_autoptr(CxExplanation) e = explain (m, x, &p);
    for (int j = 0; j < F; j++)
      g_assert_cmpfloat_with_epsilon (e->attribution->data.f[j], scale * X[j] * W1[F + j], 1e-5);
    g_assert_true (e->has_completeness);
    /* f(x) − f(0) = Σ w x for a linear model. */
    {
      double fx = B1[1], sum = 0;
      for (int j = 0; j < F; j++)
        fx += W1[F + j] * X[j];
      for (int j = 0; j < F; j++)
        sum += W1[F + j] * X[j];
      g_assert_cmpfloat_with_epsilon (e->output, fx, 1e-5);
      g_assert_cmpfloat_with_epsilon (e->output_baseline, B1[1], 1e-6);
      g_assert_cmpfloat_with_epsilon (e->attribution_sum, scale * sum, 1e-4);
      g_assert_cmpfloat_with_epsilon (e->completeness_error, 1.0 - scale, 1e-5);
    }
  }
}

static void
test_ig_baseline_tensor (void)
{
  g_autoptr(CxModel) m = NULL;
  g_autoptr(CxTensor) x = NULL;
  g_autoptr(CxTensor) base = NULL;
  g_autoptr(CxExplanation) e = NULL;
  CxExplainParams p;
  float bv[F] = { 0.5f, 0.5f, -1, 1, 0, 2 };

  m = linear_model ();
  x = input_row ();
  base = cx_tensor_new_f32 (2, x->shape, bv);
  cx_explain_params_init (&p, CX_METHOD_IG);
  p.baseline = CX_BASELINE_TENSOR;
  p.baseline_tensor = base;
  p.target = 2;
  p.steps = 7;
  e = explain (m, x, &p);
  for (int j = 0; j < F; j++)
    g_assert_cmpfloat_with_epsilon (e->attribution->data.f[j], (X[j] - bv[j]) * W1[2 * F + j], 1e-5);
  g_assert_cmpfloat (e->completeness_error, <, 1e-5);
}

static void
test_gradient_family_linear (void)
{
  g_autoptr(CxModel) m = NULL;
  g_autoptr(CxTensor) x = NULL;
  CxExplainParams p;

  m = linear_model ();
  x = input_row ();
  for (CxMethod method = CX_METHOD_SALIENCY; method <= CX_METHOD_SMOOTHGRAD; method++)
    {
      g_autoptr(CxExplanation) e = NULL;
      cx_explain_params_init (&p, method);
      p.target = 0;
      p.samples = 8;
      e = explain (m, x, &p);
      for (int j = 0; j < F; j++)
        {
          double want = method == CX_METHOD_GRADXINPUT ? W1[j] * X[j] : W1[j];
          g_assert_cmpfloat_with_epsilon (e->attribution->data.f[j], want, 1e-5);
        }
    }
  /* --abs: Captum's default for Saliency. */
  {
    g_autoptr(CxExplanation) e = NULL;
    cx_explain_params_init (&p, CX_METHOD_SALIENCY);
    p.target = 0;
    p.absolute = TRUE;
    e = explain (m, x, &p);
    g_assert_cmpfloat (e->attribution->data.f[1], ==, 1.0f);
  }
}

/* Occlusion with a window of one feature and value v: w_j (x_j − v). With a
 * window of 2 and stride 1, each inner feature averages two windows. */
static void
test_occlusion_linear (void)
{
  g_autoptr(CxModel) m = NULL;
  g_autoptr(CxTensor) x = NULL;
  CxExplainParams p;

  m = linear_model ();
  x = input_row ();
  cx_explain_params_init (&p, CX_METHOD_OCCLUSION);
  p.target = 0;
  p.window = 1;
  p.stride = 1;
  p.occlusion_value = 0.5f;
  {
    g_autoptr(CxExplanation) e = explain (m, x, &p);
    for (int j = 0; j < F; j++)
      g_assert_cmpfloat_with_epsilon (e->attribution->data.f[j], W1[j] * (X[j] - 0.5), 1e-5);
    g_assert_cmpint (e->n_evaluations, ==, F + 1);
  }
  p.window = 2;
  p.occlusion_value = 0;
  {
    g_autoptr(CxExplanation) e = explain (m, x, &p);
    for (int j = 0; j < F; j++)
      {
        double s = 0;
        int n = 0;
        for (int start = MAX (0, j - 1); start <= MIN (j, F - 2); start++, n++)
          s += W1[start] * X[start] + W1[start + 1] * X[start + 1];
        g_assert_cmpfloat_with_epsilon (e->attribution->data.f[j], s / n, 1e-5);
      }
  }
}

/* For a linear model every permutation gives φ_j = w_j (x_j − b_j). */
static void
test_shap_linear (void)
{
  g_autoptr(CxModel) m = NULL;
  g_autoptr(CxTensor) x = NULL;
  g_autoptr(CxExplanation) e = NULL;
  CxExplainParams p;
  int groups[F] = { 0, 1, 1, 2, 3, 3 };

  m = linear_model ();
  x = input_row ();
  cx_explain_params_init (&p, CX_METHOD_SHAP);
  p.target = 2;
  p.groups = groups;
  p.n_groups = 4;
  p.seed = 11;
  e = explain (m, x, &p);
  for (int j = 0; j < F; j++)
    {
      double want = 0;
      for (int i = 0; i < F; i++)
        if (groups[i] == groups[j])
          want += W1[2 * F + i] * X[i];
      g_assert_cmpfloat_with_epsilon (e->attribution->data.f[j], want, 1e-5);
    }
}

/* A bias-free ReLU network is positively homogeneous: along the ray from
 * the zero baseline the activation pattern never changes, so IG equals
 * gradient × input exactly and f(0) = 0. */
static void
test_ig_relu_homogeneous (void)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autoptr(GError) error = NULL;
  g_autoptr(CxModel) m = NULL;
  g_autoptr(CxTensor) x = NULL;
  g_autoptr(CxTensor) w1 = NULL, w2 = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  int64_t in_shape[2] = { -1, F }, s1[2] = { 8, F }, s2[2] = { 8, K };
  CxExplainParams p;

  w1 = cx_test_randn (rand, 2, s1);
  w2 = cx_test_randn (rand, 2, s2);
  cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 2, in_shape);
  cx_test_graph_const (g, "W1", w1);
  cx_test_graph_const (g, "W2", w2);
  cx_test_graph_node (g, "Gemm", "x,W1", "h");
  cx_test_graph_attr_int (g, "transB", 1);
  cx_test_graph_node (g, "Relu", "h", "r");
  cx_test_graph_node (g, "MatMul", "r,W2", "y");
  cx_test_graph_output (g, "y");
  m = cx_test_graph_build (g, &error);
  g_assert_no_error (error);
  x = input_row ();
  for (CxIgRule rule = CX_RULE_RIEMANN_LEFT; rule <= CX_RULE_GAUSS_LEGENDRE; rule++)
    {
      g_autoptr(CxExplanation) ig = NULL, gxi = NULL;
      if (rule == CX_RULE_RIEMANN_TRAPEZOID || rule == CX_RULE_RIEMANN_LEFT)
        continue;  /* weights not summing to 1, or α = 0 where ReLU' is undefined */
      cx_explain_params_init (&p, CX_METHOD_IG);
      p.rule = rule;
      p.target = 1;
      p.steps = 5;
      ig = explain (m, x, &p);
      cx_explain_params_init (&p, CX_METHOD_GRADXINPUT);
      p.target = 1;
      gxi = explain (m, x, &p);
      for (int j = 0; j < F; j++)
        g_assert_cmpfloat_with_epsilon (ig->attribution->data.f[j], gxi->attribution->data.f[j], 1e-4);
      g_assert_cmpfloat_with_epsilon (ig->output_baseline, 0.0, 1e-7);
      g_assert_cmpfloat (ig->completeness_error, <, 1e-4);
    }
}

static void
test_ig_points (void)
{
  double a[5], w[5];
  /* numpy.polynomial.legendre.leggauss(5), rescaled to [0, 1]. */
  const double nodes[5] = { -0.9061798459386640, -0.5384693101056831, 0.0,
                            0.5384693101056831, 0.9061798459386640 };
  const double weights[5] = { 0.2369268850561891, 0.4786286704993665, 0.5688888888888889,
                              0.4786286704993665, 0.2369268850561891 };
  cx_ig_points (CX_RULE_GAUSS_LEGENDRE, 5, a, w);
  for (int i = 0; i < 5; i++)
    {
      g_assert_cmpfloat_with_epsilon (a[i], 0.5 * (1 + nodes[i]), 1e-12);
      g_assert_cmpfloat_with_epsilon (w[i], 0.5 * weights[i], 1e-12);
    }
  cx_ig_points (CX_RULE_RIEMANN_LEFT, 4, a, w);
  g_assert_cmpfloat_with_epsilon (a[3], 0.75, 1e-12);
  cx_ig_points (CX_RULE_RIEMANN_RIGHT, 4, a, w);
  g_assert_cmpfloat_with_epsilon (a[0], 0.25, 1e-12);
  cx_ig_points (CX_RULE_RIEMANN_MIDDLE, 4, a, w);
  g_assert_cmpfloat_with_epsilon (a[0], 0.125, 1e-12);
  cx_ig_points (CX_RULE_RIEMANN_TRAPEZOID, 4, a, w);
  g_assert_cmpfloat_with_epsilon (a[1], 1.0 / 3, 1e-12);
  g_assert_cmpfloat_with_epsilon (w[0], 0.125, 1e-12);
  g_assert_cmpfloat_with_epsilon (w[1], 0.25, 1e-12);
}

/* Determinism: the same seed gives bit-identical SmoothGrad. */
static void
test_smoothgrad_deterministic (void)
{
  g_autoptr(CxModel) m = NULL;
  g_autoptr(CxTensor) x = NULL;
  g_autoptr(CxExplanation) a = NULL, b = NULL, c = NULL;
  CxExplainParams p;

  m = linear_model ();
  x = input_row ();
  cx_explain_params_init (&p, CX_METHOD_SMOOTHGRAD);
  p.squared = TRUE;
  p.seed = 42;
  p.target = 0;
  a = explain (m, x, &p);
  b = explain (m, x, &p);
  g_assert_cmpmem (a->attribution->data.f, F * 4, b->attribution->data.f, F * 4);
  /* Squared gradients of a linear model: w². */
  for (int j = 0; j < F; j++)
    g_assert_cmpfloat_with_epsilon (a->attribution->data.f[j], W1[j] * W1[j], 1e-5);
}

/* The mean baseline of an image data set: the folder's PNGs in file-manager
 * order, averaged pixel by pixel as the model reads them; IG from it is
 * complete and starts from the per-channel mean (a flat image). */
static void
test_image_mean (void)
{
  g_autofree char *folder = cx_test_source_path ("resources", "demo", "fashion-samples", NULL);
  g_autofree char *model_path = cx_test_source_path ("resources", "demo", "fashion-cnn.onnx", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CxModel) m = cx_model_load (model_path, NULL, &error);
  g_auto(GStrv) images = cx_input_list_images (folder, 0, &error);
  g_auto(GStrv) first = cx_input_list_images (folder, 3, &error);
  g_autoptr(CxTensor) mean = NULL;
  g_autoptr(CxTensor) a = NULL;
  g_autoptr(CxTensor) b = NULL;
  g_autoptr(CxTensor) flat = NULL;
  g_autoptr(CxTensor) out = NULL;
  g_autoptr(CxExplanation) e = NULL;
  CxExplainParams p;
  double level = 0;

  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (images), ==, 20);
  g_assert_cmpuint (g_strv_length (first), ==, 3);
  g_assert_true (g_str_has_suffix (images[0], "/ankle-boot-1.png"));
  g_assert_true (g_str_has_suffix (images[1], "/ankle-boot-2.png"));
  g_assert_true (g_str_has_suffix (images[19], "/trouser-2.png"));

  /* Two images: their average, element by element. */
  mean = cx_input_mean (m, (const char *const[]) { images[0], images[5], NULL }, NULL, NULL, &error);
  a = cx_input_load (m, images[0], NULL, &error);
  b = cx_input_load (m, images[5], NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (mean->numel, ==, 28 * 28);
  for (int64_t k = 0; k < mean->numel; k++)
    g_assert_cmpfloat_with_epsilon (mean->data.f[k], 0.5 * (a->data.f[k] + b->data.f[k]), 1e-7);
  g_clear_pointer (&mean, cx_tensor_free);
  g_assert_null (cx_input_mean (m, (const char *const[]) { NULL }, NULL, NULL, &error));
  g_clear_error (&error);

  mean = cx_input_mean (m, (const char *const *) images, NULL, NULL, &error);
  g_assert_no_error (error);
  for (int64_t k = 0; k < mean->numel; k++)
    level += mean->data.f[k] / mean->numel;
  flat = cx_tensor_new_zeros (CX_ELEM_FLOAT, a->ndim, a->shape, NULL);
  for (int64_t k = 0; k < flat->numel; k++)
    flat->data.f[k] = (float) level;
  out = cx_engine_predict (m, flat, 0, NULL, &error);
  g_assert_no_error (error);

  cx_explain_params_init (&p, CX_METHOD_IG);
  p.baseline = CX_BASELINE_MEAN;
  p.baseline_tensor = mean;
  p.target = 3;
  e = cx_explain (m, a, &p, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (e->output_baseline, out->data.f[3], 1e-4);
  g_assert_cmpfloat (e->completeness_error, <, 0.05);
}

/* SmoothGrad's noise: standard normal numbers scaled by σ, the same for a
 * seed and different between seeds. Moments of 10⁶ draws: the mean within
 * 5 standard errors of 0, the variance of σ², skewness 0 and kurtosis 3;
 * one draw in 10⁶ may pass 4.9 σ, none 6 σ. */
static void
test_noise_normal (void)
{
  const gsize n = 1000001;    /* odd: the last number is half a pair */
  const double sigma = 0.3;
  g_autofree float *a = g_new0 (float, n);
  g_autofree float *b = g_new0 (float, n);
  g_autofree float *c = g_new0 (float, n);
  double m1 = 0, m2 = 0, m3 = 0, m4 = 0, var, tail = 0;
  gsize differ = 0;

  cx_random_add_normal (a, n, 7, sigma);
  cx_random_add_normal (b, n, 7, sigma);
  cx_random_add_normal (c, n, 8, sigma);
  g_assert_cmpmem (a, n * sizeof (float), b, n * sizeof (float));
  for (gsize i = 0; i < n; i++)
    {
      double z = a[i] / sigma;
      m1 += z;
      m2 += z * z;
      m3 += z * z * z;
      m4 += z * z * z * z;
      tail = MAX (tail, fabs (z));
      differ += a[i] != c[i];
    }
  m1 /= n, m2 /= n, m3 /= n, m4 /= n;
  var = m2 - m1 * m1;
  g_assert_cmpfloat (fabs (m1), <, 5.0 / sqrt ((double) n));
  g_assert_cmpfloat (fabs (var - 1.0), <, 0.01);
  g_assert_cmpfloat (fabs (m3), <, 0.02);
  g_assert_cmpfloat (fabs (m4 / (var * var) - 3.0), <, 0.05);
  g_assert_cmpfloat (tail, >, 4.0);
  g_assert_cmpfloat (tail, <, 6.0);
  g_assert_cmpuint (differ, >, n - 10);
  g_assert_cmpfloat (a[n - 1], !=, 0.0f);

  /* It adds to what is there. */
  cx_random_add_normal (b, n, 7, sigma);
  for (gsize i = 0; i < n; i += 9973)
    g_assert_cmpfloat (b[i], ==, 2.0f * a[i]);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/attribution/ig/points-match-captum", test_ig_points);
  g_test_add_data_func ("/attribution/ig/linear/riemann-left", GINT_TO_POINTER (CX_RULE_RIEMANN_LEFT), test_ig_linear);
  g_test_add_data_func ("/attribution/ig/linear/riemann-right", GINT_TO_POINTER (CX_RULE_RIEMANN_RIGHT), test_ig_linear);
  g_test_add_data_func ("/attribution/ig/linear/riemann-middle", GINT_TO_POINTER (CX_RULE_RIEMANN_MIDDLE), test_ig_linear);
  g_test_add_data_func ("/attribution/ig/linear/riemann-trapezoid", GINT_TO_POINTER (CX_RULE_RIEMANN_TRAPEZOID), test_ig_linear);
  g_test_add_data_func ("/attribution/ig/linear/gausslegendre", GINT_TO_POINTER (CX_RULE_GAUSS_LEGENDRE), test_ig_linear);
  g_test_add_func ("/attribution/ig/linear/baseline-from-file", test_ig_baseline_tensor);
  g_test_add_func ("/attribution/ig/relu-network-equals-gradxinput", test_ig_relu_homogeneous);
  g_test_add_func ("/attribution/gradient-family/linear", test_gradient_family_linear);
  g_test_add_func ("/attribution/occlusion/linear", test_occlusion_linear);
  g_test_add_func ("/attribution/shap/linear-groups", test_shap_linear);
  g_test_add_func ("/attribution/smoothgrad/deterministic", test_smoothgrad_deterministic);
  g_test_add_func ("/attribution/smoothgrad/noise-is-normal", test_noise_normal);
  g_test_add_func ("/attribution/ig/mean-of-an-image-folder", test_image_mean);
  return g_test_run ();
}
