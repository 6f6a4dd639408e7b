/* test-sanity.c: the model-randomisation sanity check.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "testutil.h"
#include "sanity.h"
#include "input.h"

#include <math.h>

static void
test_spearman_closed_form (void)
{
  const float a[5] = { 1, 2, 3, 4, 5 }, b[5] = { 10, 20, 30, 40, 50 };
  const float c[5] = { 5, 4, 3, 2, 1 }, d[5] = { 1, 3, 2, 5, 4 };
  g_assert_cmpfloat_with_epsilon (cx_spearman (a, b, 5), 1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (cx_spearman (a, c, 5), -1.0, 1e-12);
  /* Σd² = 4 → ρ = 1 − 6·4 / (5·24) = 0.8 */
  g_assert_cmpfloat_with_epsilon (cx_spearman (a, d, 5), 0.8, 1e-12);
}

static void
test_ssim_closed_form (void)
{
  float a[64], b[64];
  for (int i = 0; i < 64; i++)
    {
      a[i] = (float) ((i * 37) % 64) / 63.0f;
      b[i] = 1.0f - a[i];
    }
  g_assert_cmpfloat_with_epsilon (cx_ssim (a, a, 8, 8), 1.0, 1e-12);
  g_assert_cmpfloat (cx_ssim (a, b, 8, 8), <, 0.0);
}

/* Sobel edge magnitude of the input: a "method" that ignores the model. */
static CxTensor *
edge_detector (const CxModel *model, const CxTensor *x, gpointer data, GError **error)
{
  int64_t H = x->shape[2], W = x->shape[3];
  CxTensor *e = cx_tensor_new_zeros (CX_ELEM_FLOAT, x->ndim, x->shape, error);
  for (int64_t y = 1; y + 1 < H; y++)
    for (int64_t xx = 1; xx + 1 < W; xx++)
      {
        const float *p = x->data.f;
        double gx = p[(y - 1) * W + xx + 1] + 2 * p[y * W + xx + 1] + p[(y + 1) * W + xx + 1]
                    - p[(y - 1) * W + xx - 1] - 2 * p[y * W + xx - 1] - p[(y + 1) * W + xx - 1];
        double gy = p[(y + 1) * W + xx - 1] + 2 * p[(y + 1) * W + xx] + p[(y + 1) * W + xx + 1]
                    - p[(y - 1) * W + xx - 1] - 2 * p[(y - 1) * W + xx] - p[(y - 1) * W + xx + 1];
        e->data.f[y * W + xx] = (float) sqrt (gx * gx + gy * gy);
      }
  return e;
}

static CxTensor *
saliency (const CxModel *model, const CxTensor *x, gpointer data, GError **error)
{
  CxExplainParams p;
  g_autoptr(CxExplanation) e = NULL;
  cx_explain_params_init (&p, CX_METHOD_SALIENCY);
  p.target = GPOINTER_TO_INT (data);
  e = cx_explain (model, x, &p, error);
  return e ? g_steal_pointer (&e->attribution) : NULL;
}

static void
demo (CxModel **model, CxTensor **x)
{
  g_autofree char *path = cx_test_source_path ("resources", "demo", "fashion-cnn.onnx", NULL);
  g_autofree char *image = cx_test_source_path ("resources", "demo", "fashion-samples", "sneaker-1.png", NULL);
  g_autoptr(GError) error = NULL;
  *model = cx_model_load (path, NULL, &error);
  g_assert_no_error (error);
  *x = cx_input_load (*model, image, NULL, &error);
  g_assert_no_error (error);
}

static void
test_edge_detector_fails (void)
{
  g_autoptr(CxModel) m = NULL;
  g_autoptr(CxTensor) x = NULL;
  g_autoptr(CxSanityResult) r = NULL;
  g_autoptr(GError) error = NULL;

  demo (&m, &x);
  r = cx_sanity_run (m, x, edge_detector, NULL, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (r->n_steps, >=, 2);
  for (int i = 0; i < r->n_steps; i++)
    {
      g_assert_cmpfloat_with_epsilon (r->spearman[i], 1.0, 1e-12);
      g_assert_cmpfloat_with_epsilon (r->ssim[i], 1.0, 1e-12);
    }
  g_assert_false (r->passed);
}

static void
test_saliency_passes (void)
{
  g_autoptr(CxModel) m = NULL;
  g_autoptr(CxTensor) x = NULL;
  g_autoptr(CxSanityResult) r = NULL;
  g_autoptr(GError) error = NULL;

  demo (&m, &x);
  /* Class 7 is "sneaker". */
  r = cx_sanity_run (m, x, saliency, GINT_TO_POINTER (7), 1, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (r->spearman[r->n_steps - 1], <, r->spearman[0] + 1e-9);
  g_assert_cmpfloat (fabs (r->spearman[r->n_steps - 1]), <, 0.5);
  g_assert_true (r->passed);
  /* The randomisation is seeded: the same numbers twice. */
  {
    g_autoptr(CxSanityResult) again = cx_sanity_run (m, x, saliency, GINT_TO_POINTER (7), 1, &error);
    g_assert_no_error (error);
    for (int i = 0; i < r->n_steps; i++)
      g_assert_cmpfloat (again->spearman[i], ==, r->spearman[i]);
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sanity/spearman/closed-form", test_spearman_closed_form);
  g_test_add_func ("/sanity/ssim/closed-form", test_ssim_closed_form);
  g_test_add_func ("/sanity/edge-detector-ignores-the-model-and-fails", test_edge_detector_fails);
  g_test_add_func ("/sanity/saliency-on-demo-cnn-passes", test_saliency_passes);
  return g_test_run ();
}
