/* test-method-refs.c: the explanation methods on the torchvision fixtures
 * against float64 PyTorch references (build-aux/fixtures/make_method_refs.py),
 * and integrated gradients' completeness on every fixture model.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "testutil.h"
#include "attribution.h"

#include <math.h>
#include <string.h>

static char *data_dir;

typedef struct
{
  char *model;
  char *kind;      /* "ig-RULE", "gradxinput", "occlusion", "gradcam" */
  int64_t target;
} RefCase;

static void
ref_case_free (gpointer p)
{
  RefCase *c = p;
  g_free (c->model);
  g_free (c->kind);
  g_free (c);
}

static CxTensor *
first_row (const char *model)
{
  g_autofree char *base = g_strdup_printf ("%s-input.npy", model);
  g_autofree char *path = g_build_filename (data_dir, base, NULL);
  g_autoptr(CxTensor) all = cx_test_load_npy (path, NULL);
  int64_t shape[CX_MAX_DIMS];
  CxTensor *row;

  memcpy (shape, all->shape, sizeof shape);
  shape[0] = 1;
  row = cx_tensor_new_f32 (all->ndim, shape, NULL);
  memcpy (row->data.f, all->data.f, sizeof (float) * row->numel);
  return row;
}

static CxModel *
load (const char *model)
{
  g_autofree char *base = g_strdup_printf ("%s.onnx", model);
  g_autofree char *path = g_build_filename (data_dir, base, NULL);
  g_autoptr(GError) error = NULL;
  CxModel *m = cx_model_load (path, NULL, &error);
  g_assert_no_error (error);
  return m;
}

static double
cosine (const CxTensor *a, const double *b)
{
  double dot = 0, na = 0, nb = 0;
  for (int64_t i = 0; i < a->numel; i++)
    {
      dot += a->data.f[i] * b[i];
      na += (double) a->data.f[i] * a->data.f[i];
      nb += b[i] * b[i];
    }
  g_assert_cmpfloat (nb, >, 0);
  return dot / sqrt (na * nb);
}

static void
test_reference (gconstpointer data)
{
  const RefCase *c = data;
  g_autoptr(CxModel) m = load (c->model);
  g_autoptr(CxTensor) x = first_row (c->model);
  g_autoptr(CxTensor) ref_t = NULL;
  g_autoptr(CxExplanation) e = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree double *ref = NULL;
  g_autofree char *base = g_strdup_printf ("%s-%s.npy", c->model, c->kind);
  g_autofree char *path = g_build_filename (data_dir, base, NULL);
  CxExplainParams p;
  double cos, want;

  ref_t = cx_test_load_npy (path, &ref);
  if (g_str_has_prefix (c->kind, "ig-"))
    {
      cx_explain_params_init (&p, CX_METHOD_IG);
      g_assert_true (cx_ig_rule_from_name (c->kind + 3, &p.rule));
      p.steps = 50;
      want = 0.999;
    }
  else if (g_str_equal (c->kind, "gradxinput"))
    {
      cx_explain_params_init (&p, CX_METHOD_GRADXINPUT);
      want = 0.9999;
    }
  else if (g_str_equal (c->kind, "occlusion"))
    {
      cx_explain_params_init (&p, CX_METHOD_OCCLUSION);
      p.window = 8;
      p.stride = 4;
      want = 0.999;
    }
  else
    {
      cx_explain_params_init (&p, CX_METHOD_GRADCAM);
      want = 0.999;
    }
  p.target = c->target;
  e = cx_explain (m, x, &p, &error);
  g_assert_no_error (error);
  g_assert_true (cx_tensor_same_shape (e->attribution, ref_t));
  cos = cosine (e->attribution, ref);
  if (cos < want)
    g_error ("%s %s: cosine similarity %.6f with PyTorch, below %.4f", c->model, c->kind, cos, want);
}

static double
completeness_error (const CxModel *m, const CxTensor *x, CxIgRule rule, int steps)
{
  g_autoptr(CxExplanation) e = NULL;
  g_autoptr(GError) error = NULL;
  CxExplainParams p;

  cx_explain_params_init (&p, CX_METHOD_IG);
  p.rule = rule;
  p.steps = steps;
  e = cx_explain (m, x, &p, &error);
  g_assert_no_error (error);
  g_assert_true (e->has_completeness);
  return e->completeness_error;
}

/* Integrated gradients' completeness (Σ attributions = f(x) − f(0)) is a
 * property of the exact path integral. For smooth networks 200
 * Gauss–Legendre points reach it within 1 %. For piecewise-linear ones
 * (ReLU, max-pooling, hard activations) the integrand jumps wherever a unit
 * switches and every quadrature converges slowly — PyTorch in float64 shows
 * the same gaps — so there the check is that the error shrinks as the
 * steps grow (200 → 2000 midpoint steps), or is already under 1 %, and
 * ends below 10 %. */
static void
test_completeness (gconstpointer data)
{
  const char *name = data;
  g_autoptr(CxModel) m = load (name);
  g_autoptr(CxTensor) x = first_row (name);
  const char *kinked[] = { "Relu", "Clip", "MaxPool", "HardSigmoid", "HardSwish",
                           "LeakyRelu", "PRelu", "GlobalMaxPool", "Abs", NULL };
  gboolean smooth = TRUE;

  for (int i = 0; kinked[i]; i++)
    if (g_hash_table_contains (m->op_histogram, kinked[i]))
      smooth = FALSE;
  if (smooth)
    {
      double err = completeness_error (m, x, CX_RULE_GAUSS_LEGENDRE, 200);
      if (err > 0.01)
        g_error ("%s: IG with 200 steps misses completeness by %.3f %%", name, 100 * err);
    }
  else
    {
      double coarse = completeness_error (m, x, CX_RULE_RIEMANN_MIDDLE, 200);
      double fine = completeness_error (m, x, CX_RULE_RIEMANN_MIDDLE, 2000);
      if (!(fine < coarse || fine < 0.01) || fine > 0.10)
        g_error ("%s: completeness error %.3f %% at 200 steps, %.3f %% at 2000", name,
                 100 * coarse, 100 * fine);
    }
}

int
main (int argc, char *argv[])
{
  g_autoptr(JsonParser) methods = json_parser_new ();
  g_autoptr(JsonParser) manifest = json_parser_new ();
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func (ref_case_free);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *methods_path = NULL, *manifest_path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GList) models = NULL;
  JsonObject *mo;
  const char *rules[] = { "riemann_left", "riemann_right", "riemann_middle", "riemann_trapezoid", "gausslegendre" };
  int status;

  g_test_init (&argc, &argv, NULL);
  data_dir = cx_test_source_path ("tests", "data", NULL);
  methods_path = g_build_filename (data_dir, "methods.json", NULL);
  manifest_path = g_build_filename (data_dir, "manifest.json", NULL);
  g_assert_true (json_parser_load_from_file (methods, methods_path, &error));
  g_assert_true (json_parser_load_from_file (manifest, manifest_path, &error));

  mo = json_node_get_object (json_parser_get_root (methods));
  models = json_object_get_members (mo);
  for (GList *l = models; l; l = l->next)
    {
      JsonObject *entry = json_object_get_object_member (mo, l->data);
      int64_t target = json_object_get_int_member (entry, "target");
      g_autoptr(GPtrArray) kinds = g_ptr_array_new_with_free_func (g_free);
      for (gsize r = 0; r < G_N_ELEMENTS (rules); r++)
        g_ptr_array_add (kinds, g_strdup_printf ("ig-%s", rules[r]));
      g_ptr_array_add (kinds, g_strdup ("gradxinput"));
      if (json_object_has_member (entry, "occlusion"))
        g_ptr_array_add (kinds, g_strdup ("occlusion"));
      if (json_object_has_member (entry, "gradcam"))
        g_ptr_array_add (kinds, g_strdup ("gradcam"));
      for (guint k = 0; k < kinds->len; k++)
        {
          RefCase *c = g_new0 (RefCase, 1);
          g_autofree char *path = NULL;
          c->model = g_strdup (l->data);
          c->kind = g_strdup (kinds->pdata[k]);
          c->target = target;
          path = g_strdup_printf ("/methods/matches-pytorch/%s/%s", c->model, c->kind);
          g_test_add_data_func (path, c, test_reference);
          g_ptr_array_add (cases, c);
        }
    }
  {
    JsonObject *all = json_object_get_object_member (json_node_get_object (json_parser_get_root (manifest)), "models");
    g_autoptr(GList) archs = json_object_get_members (all);
    for (GList *l = archs; l; l = l->next)
      {
        char *name = g_strdup (l->data);
        g_autofree char *path = g_strdup_printf ("/methods/ig-completeness/%s", name);
        g_ptr_array_add (names, name);
        g_test_add_data_func (path, name, test_completeness);
      }
  }
  status = g_test_run ();
  g_free (data_dir);
  return status;
}
