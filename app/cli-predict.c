/* cli-predict.c: `candor-cli predict` and `candor-cli explain`.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"
#include "cli-commands.h"

#include <stdio.h>
#include <math.h>
#include <string.h>

#include "engine.h"
#include "input.h"
#include "npy.h"
#include "atomic-file.h"
#include "attribution.h"
#include "image.h"
#include "render.h"
#include "sanity.h"
#include "schema.h"
#include "tabular.h"

typedef struct
{
  char *model;
  char *input;
  char *schema;
  int top;
  char *method;
  int target;
  gboolean absolute;
  char *out;
  char *png;
  int steps;
  char *rule;
  char *baseline;
  int samples;
  double noise;
  int seed;
  int window;
  int stride;
  char *layer;
  double memory_limit_mib;
} CliArgs;

static void
cli_args_clear (CliArgs *a)
{
  g_free (a->model);
  g_free (a->input);
  g_free (a->schema);
  g_free (a->method);
  g_free (a->out);
  g_free (a->png);
  g_free (a->rule);
  g_free (a->baseline);
  g_free (a->layer);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CliArgs, cli_args_clear)

static gboolean
parse (int argc, char **argv, const char *summary, GOptionEntry *extra, CliArgs *a,
       GError **error)
{
  GOptionEntry common[] = {
    { "model", 'm', 0, G_OPTION_ARG_FILENAME, &a->model, "The ONNX model", "M.onnx" },
    { "input", 'i', 0, G_OPTION_ARG_FILENAME, &a->input, "The input (.npy, .png, or T.csv:ROW with --schema)", "X" },
    { "schema", 0, 0, G_OPTION_ARG_FILENAME, &a->schema, "Tabular schema for T.csv:ROW inputs", "S.json" },
    { "memory-limit", 0, 0, G_OPTION_ARG_DOUBLE, &a->memory_limit_mib,
      "Largest tensor memory, MiB (default 4096)", "MIB" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (NULL);

  g_option_context_set_summary (ctx, summary);
  g_option_context_add_main_entries (ctx, common, NULL);
  if (extra != NULL)
    g_option_context_add_main_entries (ctx, extra, NULL);
  g_option_context_set_help_enabled (ctx, TRUE);
  if (!g_option_context_parse (ctx, &argc, &argv, error))
    return FALSE;
  if (argc > 1)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "unexpected argument '%s'", argv[1]);
      return FALSE;
    }
  if (a->model == NULL || a->input == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "--model and --input are required");
      return FALSE;
    }
  if (a->memory_limit_mib > 0)
    cx_tensor_set_limit ((guint64) (a->memory_limit_mib * 1048576.0));
  return TRUE;
}

/* The model's input from a .npy, a .png, or a CSV row (T.csv:ROW) with a schema. */
static CxTensor *
load_input (const CxModel *model, const char *input, const char *schema, char **sha, GError **error)
{
  g_autofree char *path = NULL;
  int64_t row;

  if (schema != NULL && cx_schema_split_row_spec (input, &path, &row))
    return cx_schema_input_load (model, input, schema, sha, error);
  if (schema == NULL && cx_schema_split_row_spec (input, &path, &row))
    {
      g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT,
                   "%s: a CSV row needs --schema to say how its columns become the model's input",
                   input);
      return NULL;
    }
  return cx_input_load (model, input, sha, error);
}


static void
add_shape (JsonBuilder *b, const char *key, const CxTensor *t)
{
  json_builder_set_member_name (b, key);
  json_builder_begin_array (b);
  for (int d = 0; d < t->ndim; d++)
    json_builder_add_int_value (b, t->shape[d]);
  json_builder_end_array (b);
}

static void
add_floats (JsonBuilder *b, const char *key, const float *v, int64_t n)
{
  json_builder_set_member_name (b, key);
  json_builder_begin_array (b);
  for (int64_t i = 0; i < n; i++)
    json_builder_add_double_value (b, v[i]);
  json_builder_end_array (b);
}

int
cli_cmd_predict (int argc, char **argv)
{
  g_auto(CliArgs) a = { .top = 5 };
  GOptionEntry entries[] = {
    { "top", 'k', 0, G_OPTION_ARG_INT, &a.top, "How many classes to list (default 5)", "K" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(CxModel) model = NULL;
  g_autoptr(CxTensor) x = NULL;
  g_autoptr(CxTensor) out = NULL;
  g_autoptr(CxTensor) prob = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_auto(GStrv) classes = NULL;
  g_autofree char *input_sha = NULL;
  gint64 t0, t1;
  int64_t rows, k;

  if (!parse (argc, argv, "Predict the class of an input.", entries, &a, &error))
    return cli_fail (error);
  model = cx_model_load (a.model, NULL, &error);
  if (model == NULL)
    return cli_fail (error);
  x = load_input (model, a.input, a.schema, &input_sha, &error);
  if (x == NULL)
    return cli_fail (error);
  classes = cx_model_class_names (model);

  t0 = g_get_monotonic_time ();
  out = cx_engine_predict (model, x, 0, NULL, &error);
  t1 = g_get_monotonic_time ();
  if (out == NULL)
    {
      cx_error_prefix (&error, a.model);
      return cli_fail (error);
    }
  prob = cx_output_probabilities (model, 0, out);
  rows = out->shape[0];
  k = prob->numel / MAX (rows, 1);

  json_builder_begin_object (b);
  cli_json_add_file (b, "model", a.model, model->sha256);
  cli_json_add_file (b, "input", a.input, input_sha);
  add_shape (b, "input_shape", x);
  json_builder_set_member_name (b, "output_name");
  json_builder_add_string_value (b, model->values[model->outputs[0]].name);
  add_shape (b, "output_shape", out);
  json_builder_set_member_name (b, "rows");
  json_builder_begin_array (b);
  for (int64_t r = 0; r < rows; r++)
    {
      g_autofree int64_t *order = g_new (int64_t, k);
      int64_t pred = cx_argmax_row (prob, r);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "predicted");
      json_builder_add_int_value (b, pred);
      if (classes != NULL && pred < (int64_t) g_strv_length (classes))
        {
          json_builder_set_member_name (b, "label");
          json_builder_add_string_value (b, classes[pred]);
        }
      add_floats (b, "outputs", out->data.f + r * (out->numel / rows), out->numel / rows);
      add_floats (b, "probabilities", prob->data.f + r * k, k);
      /* Top-K by probability, ties by index. */
      for (int64_t j = 0; j < k; j++)
        order[j] = j;
      for (int64_t i = 1; i < k; i++)
        for (int64_t j = i; j > 0 && prob->data.f[r * k + order[j]] > prob->data.f[r * k + order[j - 1]]; j--)
          {
            int64_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
          }
      json_builder_set_member_name (b, "top");
      json_builder_begin_array (b);
      for (int64_t j = 0; j < MIN ((int64_t) MAX (a.top, 1), k); j++)
        {
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "class");
          json_builder_add_int_value (b, order[j]);
          if (classes != NULL && order[j] < (int64_t) g_strv_length (classes))
            {
              json_builder_set_member_name (b, "label");
              json_builder_add_string_value (b, classes[order[j]]);
            }
          json_builder_set_member_name (b, "probability");
          json_builder_add_double_value (b, prob->data.f[r * k + order[j]]);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "elapsed_ms");
  json_builder_add_double_value (b, (t1 - t0) / 1000.0);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  cli_print_json (root);
  return 0;
}

static gboolean
parse_baseline (const char *spec, CxExplainParams *p, CxTensor **owned, GError **error)
{
  if (spec == NULL)
    p->baseline = CX_BASELINE_ZEROS;
  else if (cx_baseline_from_name (spec, &p->baseline))
    return TRUE;
  else if (g_str_has_suffix (spec, ".npy"))
    {
      *owned = cx_npy_load (spec, error);
      if (*owned == NULL)
        return FALSE;
      p->baseline = CX_BASELINE_TENSOR;
      p->baseline_tensor = *owned;
    }
  else
    {
      g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT,
                   "unknown baseline '%s' (zeros, blur, uniform, mean or FILE.npy)", spec);
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  CxExplainParams params;
} SanityData;

static CxTensor *
sanity_attribution (const CxModel *model, const CxTensor *x, gpointer user_data, GError **error)
{
  SanityData *d = user_data;
  g_autoptr(CxExplanation) e = cx_explain (model, x, &d->params, error);
  return e ? g_steal_pointer (&e->attribution) : NULL;
}

static int
sanity_report (CxModel *model, const char *input, const char *schema, const char *input_sha,
               CxExplainParams *p, const char *method, int seed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CxTensor) x = NULL;
  g_autoptr(CxSanityResult) r = NULL;
  g_autoptr(CxExplanation) first = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  SanityData d;
  gint64 t0, t1;

  x = load_input (model, input, schema, NULL, &error);
  if (x == NULL)
    return cli_fail (error);
  /* Fix the target to the original model's so every step explains the same class. */
  first = cx_explain (model, x, p, &error);
  if (first == NULL)
    return cli_fail (error);
  d.params = *p;
  d.params.target = first->target;
  t0 = g_get_monotonic_time ();
  r = cx_sanity_run (model, x, sanity_attribution, &d, (guint64) seed, &error);
  t1 = g_get_monotonic_time ();
  if (r == NULL)
    return cli_fail (error);
  json_builder_begin_object (b);
  cli_json_add_file (b, "model", model->path, model->sha256);
  cli_json_add_file (b, "input", input, input_sha);
  json_builder_set_member_name (b, "method");
  json_builder_add_string_value (b, method);
  json_builder_set_member_name (b, "target");
  json_builder_add_int_value (b, first->target);
  json_builder_set_member_name (b, "test");
  json_builder_add_string_value (b, "cascading model-parameter randomisation (Adebayo et al. 2018)");
  json_builder_set_member_name (b, "steps");
  json_builder_begin_array (b);
  for (int i = 0; i < r->n_steps; i++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "randomised_through");
      json_builder_add_string_value (b, r->layers[i]);
      json_builder_set_member_name (b, "spearman");
      json_builder_add_double_value (b, r->spearman[i]);
      json_builder_set_member_name (b, "ssim");
      json_builder_add_double_value (b, r->ssim[i]);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "threshold");
  json_builder_add_double_value (b, r->threshold);
  json_builder_set_member_name (b, "passed");
  json_builder_add_boolean_value (b, r->passed);
  json_builder_set_member_name (b, "verdict");
  json_builder_add_string_value (b, r->passed
    ? "the explanation changes when the model's weights are randomised: it depends on the model"
    : "the explanation barely changes when the model's weights are randomised: do not trust it");
  json_builder_set_member_name (b, "elapsed_ms");
  json_builder_add_double_value (b, (t1 - t0) / 1000.0);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  cli_print_json (root);
  return 0;
}

static int
run_explain (int argc, char **argv, gboolean sanity)
{
  g_auto(CliArgs) a = { .target = -1, .steps = 50, .samples = 50, .noise = 0.15, .seed = 0 };
  g_autofree char *sign = NULL;
  double outlier = 2.0, alpha = 0.6;
  gboolean squared = FALSE;
  double occlusion_value = 0;
  int permutations = 25;
  GOptionEntry entries[] = {
    { "method", 0, 0, G_OPTION_ARG_STRING, &a.method,
      "saliency, gradxinput, smoothgrad, ig, occlusion, gradcam or shap", "METHOD" },
    { "target", 't', 0, G_OPTION_ARG_INT, &a.target, "Class to explain (default: the predicted one)", "K" },
    { "abs", 0, 0, G_OPTION_ARG_NONE, &a.absolute, "Absolute value of the gradient (saliency)", NULL },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &a.out, "Write the attribution as float32 NPY", "ATTR.npy" },
    { "png", 0, 0, G_OPTION_ARG_FILENAME, &a.png, "Write the heat map over the input as PNG", "OVERLAY.png" },
    { "sign", 0, 0, G_OPTION_ARG_STRING, &sign, "PNG: all, positive, negative or absolute_value", "SIGN" },
    { "outlier", 0, 0, G_OPTION_ARG_DOUBLE, &outlier, "PNG: percent of outliers clipped (2)", "P" },
    { "alpha", 0, 0, G_OPTION_ARG_DOUBLE, &alpha, "PNG: opacity of the heat map over the input (0.6)", "A" },
    { "steps", 0, 0, G_OPTION_ARG_INT, &a.steps, "ig: integration steps (50)", "N" },
    { "rule", 0, 0, G_OPTION_ARG_STRING, &a.rule,
      "ig: riemann_left, riemann_right, riemann_middle, riemann_trapezoid, gausslegendre", "RULE" },
    { "baseline", 0, 0, G_OPTION_ARG_STRING, &a.baseline, "ig, shap: zeros, blur, uniform, mean or FILE.npy", "B" },
    { "samples", 0, 0, G_OPTION_ARG_INT, &a.samples, "smoothgrad: noisy copies (50)", "N" },
    { "noise", 0, 0, G_OPTION_ARG_DOUBLE, &a.noise, "smoothgrad: σ as a fraction of the input's range (0.15)", "SIGMA" },
    { "squared", 0, 0, G_OPTION_ARG_NONE, &squared, "smoothgrad: mean of squared gradients", NULL },
    { "seed", 0, 0, G_OPTION_ARG_INT, &a.seed, "Random seed (smoothgrad, uniform baseline, shap)", "S" },
    { "window", 0, 0, G_OPTION_ARG_INT, &a.window, "occlusion: window size", "N" },
    { "stride", 0, 0, G_OPTION_ARG_INT, &a.stride, "occlusion: window stride", "N" },
    { "occlusion-value", 0, 0, G_OPTION_ARG_DOUBLE, &occlusion_value, "occlusion: replacement value (0)", "V" },
    { "layer", 0, 0, G_OPTION_ARG_STRING, &a.layer, "gradcam: value name (default: the last Conv)", "NODE" },
    { "permutations", 0, 0, G_OPTION_ARG_INT, &permutations, "shap: random permutations (25)", "N" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(CxModel) model = NULL;
  g_autoptr(CxTensor) x = NULL;
  g_autoptr(CxTensor) baseline = NULL;
  g_autoptr(CxTensor) table = NULL;
  g_autofree char *table_path = NULL;
  int64_t table_row;
  g_autoptr(CxExplanation) e = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_auto(GStrv) classes = NULL;
  g_autofree char *input_sha = NULL;
  g_autofree char *command = NULL;
  g_autoptr(GString) params = g_string_new (NULL);
  CxExplainParams p;
  CxRenderOptions ro;
  CxMethod method;
  gint64 t0, t1;
  double sum = 0;

  command = cli_command_line (argc, argv);
  if (!parse (argc, argv, "Explain a prediction: attributions of the input.", entries, &a, &error))
    return cli_fail (error);
  if (a.method == NULL)
    {
      fputs ("candor-cli: --method is required (saliency, gradxinput, smoothgrad, ig, occlusion, gradcam, shap)\n", stderr);
      return 2;
    }
  if (!cx_method_from_name (a.method, &method))
    {
      fprintf (stderr, "candor-cli: unknown method '%s' (saliency, gradxinput, smoothgrad, ig, "
               "occlusion, gradcam, shap)\n", a.method);
      return 2;
    }
  cx_explain_params_init (&p, method);
  cx_render_options_init (&ro);
  p.target = a.target;
  p.absolute = a.absolute;
  p.seed = (guint64) a.seed;
  p.samples = a.samples;
  p.noise = a.noise;
  p.squared = squared;
  p.steps = a.steps;
  p.window = a.window;
  p.stride = a.stride;
  p.occlusion_value = (float) occlusion_value;
  p.layer = a.layer;
  p.shap_permutations = permutations;
  if (a.rule != NULL && !cx_ig_rule_from_name (a.rule, &p.rule))
    {
      fprintf (stderr, "candor-cli: unknown rule '%s' (riemann_left, riemann_right, "
               "riemann_middle, riemann_trapezoid, gausslegendre)\n", a.rule);
      return 2;
    }
  if (sign != NULL && !cx_sign_from_name (sign, &ro.sign))
    {
      fprintf (stderr, "candor-cli: unknown sign '%s' (all, positive, negative, absolute_value)\n", sign);
      return 2;
    }
  ro.outlier_percent = outlier;
  ro.alpha = alpha;
  if (!parse_baseline (a.baseline, &p, &baseline, &error))
    return cli_fail (error);
  for (const char *out_path = a.out; out_path != NULL; out_path = (out_path == a.out ? a.png : NULL))
    if (cx_same_file (out_path, a.model) || cx_same_file (out_path, a.input))
      {
        fprintf (stderr, "candor-cli: %s: refusing to overwrite an input file\n", out_path);
        return 1;
      }
  model = cx_model_load (a.model, NULL, &error);
  if (model == NULL)
    return cli_fail (error);
  x = load_input (model, a.input, a.schema, &input_sha, &error);
  if (x == NULL)
    return cli_fail (error);
  if (x->shape[0] != 1)
    {
      fprintf (stderr, "candor-cli: %s: explain takes one input row; this file has %" G_GINT64_FORMAT "\n",
               a.input, x->shape[0]);
      return 1;
    }
  if (p.baseline == CX_BASELINE_MEAN && a.schema != NULL
      && cx_schema_split_row_spec (a.input, &table_path, &table_row))
    {
      /* A table row's mean baseline is the mean of its table, as the app's. */
      table = cx_schema_table_load (a.schema, table_path, &error);
      if (table == NULL)
        return cli_fail (error);
      p.baseline_tensor = table;
    }
  else if (p.baseline == CX_BASELINE_MEAN && p.baseline_tensor == NULL)
    fprintf (stderr, "candor-cli: no data set given: the mean baseline is the input's own "
             "per-channel mean\n");
  classes = cx_model_class_names (model);
  if (sanity)
    return sanity_report (model, a.input, a.schema, input_sha, &p, a.method, a.seed);

  /* Shapley players for a table row: all one-hot features of a raw column. */
  g_autofree int *groups = NULL;
  g_autoptr(CxSchema) schema = NULL;
  if (a.schema != NULL && x->ndim == 2)
    {
      schema = cx_schema_load (a.schema, &error);
      if (schema == NULL)
        return cli_fail (error);
      if (schema->n_features == x->shape[1])
        {
          groups = cx_schema_players (schema);
          cx_schema_set_players (schema, x, groups, &p);
        }
    }

  t0 = g_get_monotonic_time ();
  e = cx_explain (model, x, &p, &error);
  t1 = g_get_monotonic_time ();
  if (e == NULL)
    {
      cx_error_prefix (&error, a.model);
      return cli_fail (error);
    }
  for (int64_t i = 0; i < e->attribution->numel; i++)
    sum += e->attribution->data.f[i];

  /* Every parameter that changes the result, for the record. */
  g_string_append_printf (params, "method=%s target=%" G_GINT64_FORMAT, a.method, e->target);
  switch (method)
    {
    case CX_METHOD_SALIENCY: g_string_append_printf (params, " abs=%d", a.absolute); break;
    case CX_METHOD_SMOOTHGRAD:
      g_string_append_printf (params, " samples=%d noise=%g squared=%d seed=%d", p.samples, p.noise, squared, a.seed);
      break;
    case CX_METHOD_IG:
      g_string_append_printf (params, " steps=%d rule=%s baseline=%s seed=%d", p.steps,
                              cx_ig_rule_name (p.rule), a.baseline ? a.baseline : "zeros", a.seed);
      break;
    case CX_METHOD_OCCLUSION:
      g_string_append_printf (params, " window=%d stride=%d value=%g", p.window, p.stride, occlusion_value);
      break;
    case CX_METHOD_GRADCAM: g_string_append_printf (params, " layer=%s", e->layer); break;
    case CX_METHOD_SHAP:
      g_string_append_printf (params, " permutations=%d baseline=%s seed=%d", permutations,
                              a.baseline ? a.baseline : "zeros", a.seed);
      break;
    default: break;
    }

  if (a.out != NULL && !cx_npy_save (a.out, e->attribution, &error))
    return cli_fail (error);
  if (a.png != NULL)
    {
      double threshold;
      g_autoptr(CxTensor) map = cx_render_map (e->attribution, ro.sign, ro.outlier_percent, &threshold);
      int w, h;
      g_autofree guint8 *rgba = cx_render_overlay (x, map, threshold, &ro, &w, &h);
      g_autofree char *render = g_strdup_printf ("sign=%s outlier=%g alpha=%g", cx_sign_name (ro.sign),
                                                 ro.outlier_percent, ro.alpha);
      g_autoptr(GDateTime) dt = g_date_time_new_now_utc ();
      g_autofree char *now = g_date_time_format_iso8601 (dt);
      g_autofree char *completeness = e->has_completeness
        ? g_strdup_printf ("sum=%.9g f(x)=%.9g f(baseline)=%.9g relative_error=%.6g",
                           e->attribution_sum, e->output, e->output_baseline, e->completeness_error)
        : g_strdup ("");
      g_autofree char *cwd = g_get_current_dir ();
      const char *keys[] = { "Software", "Model-File", "Model-SHA256", "Input-File", "Input-SHA256",
                             "Method", "Parameters", "Rendering", "Command", "Directory",
                             "Creation-Time", "Completeness", NULL };
      g_autofree char *software = g_strdup_printf ("Candor %s", CANDOR_VERSION);
      const char *values[] = { software, a.model, model->sha256, a.input, input_sha, a.method,
                               params->str, render, command, cwd, now, completeness, NULL };
      if (!e->has_completeness)
        keys[11] = values[11] = NULL;
      if (!cx_image_save_png (a.png, w, h, rgba, keys, values, &error))
        return cli_fail (error);
    }

  json_builder_begin_object (b);
  cli_json_add_file (b, "model", a.model, model->sha256);
  cli_json_add_file (b, "input", a.input, input_sha);
  json_builder_set_member_name (b, "method");
  json_builder_add_string_value (b, a.method);
  json_builder_set_member_name (b, "parameters");
  json_builder_add_string_value (b, params->str);
  json_builder_set_member_name (b, "target");
  json_builder_add_int_value (b, e->target);
  if (classes != NULL && e->target < (int64_t) g_strv_length (classes))
    {
      json_builder_set_member_name (b, "target_label");
      json_builder_add_string_value (b, classes[e->target]);
    }
  json_builder_set_member_name (b, "output");
  json_builder_add_double_value (b, e->output);
  add_shape (b, "shape", e->attribution);
  json_builder_set_member_name (b, "attribution_sum");
  json_builder_add_double_value (b, sum);
  if (e->has_completeness)
    {
      json_builder_set_member_name (b, "completeness");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "attribution_sum");
      json_builder_add_double_value (b, e->attribution_sum);
      json_builder_set_member_name (b, "output");
      json_builder_add_double_value (b, e->output);
      json_builder_set_member_name (b, "output_baseline");
      json_builder_add_double_value (b, e->output_baseline);
      json_builder_set_member_name (b, "difference");
      json_builder_add_double_value (b, e->output - e->output_baseline);
      json_builder_set_member_name (b, "relative_error");
      json_builder_add_double_value (b, e->completeness_error);
      json_builder_set_member_name (b, "passed");
      json_builder_add_boolean_value (b, e->completeness_error <= 0.05);
      json_builder_end_object (b);
    }
  if (schema != NULL && groups != NULL)
    {
      /* One bar per raw CSV column. */
      g_autofree double *columns = g_new (double, MAX (schema->n_columns, 1));
      if (!cx_schema_column_attribution (schema, e, columns))
        g_assert_not_reached ();
      json_builder_set_member_name (b, "columns");
      json_builder_begin_object (b);
      for (int c = 0; c < schema->n_columns; c++)
        {
          json_builder_set_member_name (b, schema->columns[c].name);
          json_builder_add_double_value (b, columns[c]);
        }
      json_builder_end_object (b);
    }
  if (e->layer != NULL)
    {
      json_builder_set_member_name (b, "layer");
      json_builder_add_string_value (b, e->layer);
    }
  json_builder_set_member_name (b, "evaluations");
  json_builder_add_int_value (b, e->n_evaluations);
  json_builder_set_member_name (b, "out");
  if (a.out)
    json_builder_add_string_value (b, a.out);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "png");
  if (a.png)
    json_builder_add_string_value (b, a.png);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "elapsed_ms");
  json_builder_add_double_value (b, (t1 - t0) / 1000.0);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  cli_print_json (root);
  return 0;
}

int
cli_cmd_explain (int argc, char **argv)
{
  return run_explain (argc, argv, FALSE);
}

int
cli_cmd_sanity (int argc, char **argv)
{
  return run_explain (argc, argv, TRUE);
}
