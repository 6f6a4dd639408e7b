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

typedef struct
{
  char *model;
  char *input;
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
    { "input", 'i', 0, G_OPTION_ARG_FILENAME, &a->input, "The input (.npy or .png)", "X" },
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

static void
add_file (JsonBuilder *b, const char *key, const char *path, const char *sha)
{
  json_builder_set_member_name (b, key);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "file");
  json_builder_add_string_value (b, path);
  json_builder_set_member_name (b, "sha256");
  json_builder_add_string_value (b, sha);
  json_builder_end_object (b);
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
  x = cx_input_load (model, a.input, &input_sha, &error);
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
  add_file (b, "model", a.model, model->sha256);
  add_file (b, "input", a.input, input_sha);
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

int
cli_cmd_explain (int argc, char **argv)
{
  g_auto(CliArgs) a = { .target = -1, .steps = 50, .samples = 50, .noise = 0.15, .seed = 0 };
  GOptionEntry entries[] = {
    { "method", 0, 0, G_OPTION_ARG_STRING, &a.method,
      "saliency, gradxinput (more methods: see the README)", "METHOD" },
    { "target", 't', 0, G_OPTION_ARG_INT, &a.target, "Class to explain (default: the predicted one)", "K" },
    { "abs", 0, 0, G_OPTION_ARG_NONE, &a.absolute, "Absolute value of the attribution (saliency)", NULL },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &a.out, "Write the attribution as float32 NPY", "ATTR.npy" },
    { "png", 0, 0, G_OPTION_ARG_FILENAME, &a.png, "Write the overlay as PNG", "OVERLAY.png" },
    { "steps", 0, 0, G_OPTION_ARG_INT, &a.steps, "Integration steps (ig)", "N" },
    { "rule", 0, 0, G_OPTION_ARG_STRING, &a.rule, "Integration rule (ig)", "RULE" },
    { "baseline", 0, 0, G_OPTION_ARG_STRING, &a.baseline, "Baseline (ig)", "B" },
    { "samples", 0, 0, G_OPTION_ARG_INT, &a.samples, "Noisy samples (smoothgrad)", "N" },
    { "noise", 0, 0, G_OPTION_ARG_DOUBLE, &a.noise, "Noise level (smoothgrad)", "SIGMA" },
    { "seed", 0, 0, G_OPTION_ARG_INT, &a.seed, "Random seed", "S" },
    { "window", 0, 0, G_OPTION_ARG_INT, &a.window, "Window size (occlusion)", "N" },
    { "stride", 0, 0, G_OPTION_ARG_INT, &a.stride, "Window stride (occlusion)", "N" },
    { "layer", 0, 0, G_OPTION_ARG_STRING, &a.layer, "Layer (gradcam)", "NODE" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(CxModel) model = NULL;
  g_autoptr(CxTensor) x = NULL;
  g_autoptr(CxTensor) out = NULL;
  g_autoptr(CxTensor) grad = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_auto(GStrv) classes = NULL;
  g_autofree char *input_sha = NULL;
  g_autofree int64_t *targets = NULL;
  gboolean gradxinput;
  gint64 t0, t1;
  int64_t rows, k, per_row;

  if (!parse (argc, argv, "Explain a prediction: attributions of the input.", entries, &a, &error))
    return cli_fail (error);
  if (a.method == NULL)
    {
      fputs ("candor-cli: --method is required (saliency, gradxinput)\n", stderr);
      return 2;
    }
  if (!g_str_equal (a.method, "saliency") && !g_str_equal (a.method, "gradxinput"))
    {
      if (g_strv_contains ((const char *[]) { "smoothgrad", "ig", "occlusion", "gradcam", "shap", NULL }, a.method))
        fprintf (stderr, "candor-cli: method '%s' is not implemented in this version yet; "
                 "available: saliency, gradxinput\n", a.method);
      else
        fprintf (stderr, "candor-cli: unknown method '%s'; available: saliency, gradxinput\n", a.method);
      return 2;
    }
  if (a.png != NULL)
    {
      fputs ("candor-cli: --png is not implemented in this version yet\n", stderr);
      return 2;
    }
  if (a.out != NULL && (cx_same_file (a.out, a.model) || cx_same_file (a.out, a.input)))
    {
      fprintf (stderr, "candor-cli: %s: refusing to overwrite an input file\n", a.out);
      return 1;
    }
  gradxinput = g_str_equal (a.method, "gradxinput");
  model = cx_model_load (a.model, NULL, &error);
  if (model == NULL)
    return cli_fail (error);
  x = cx_input_load (model, a.input, &input_sha, &error);
  if (x == NULL)
    return cli_fail (error);
  classes = cx_model_class_names (model);
  rows = x->shape[0];

  t0 = g_get_monotonic_time ();
  /* The target defaults to the predicted class: one forward first. */
  targets = g_new (int64_t, rows);
  if (a.target < 0)
    {
      g_autoptr(CxTensor) pred = cx_engine_predict (model, x, 0, NULL, &error);
      if (pred == NULL)
        {
          cx_error_prefix (&error, a.model);
          return cli_fail (error);
        }
      for (int64_t r = 0; r < rows; r++)
        targets[r] = pred->numel / rows == 1 ? 0 : cx_argmax_row (pred, r);
    }
  else
    for (int64_t r = 0; r < rows; r++)
      targets[r] = a.target;
  if (!cx_engine_gradient (model, x, 0, targets, NULL, &out, &grad, &error))
    {
      cx_error_prefix (&error, a.model);
      return cli_fail (error);
    }
  for (int64_t i = 0; i < grad->numel; i++)
    {
      if (gradxinput)
        grad->data.f[i] *= x->data.f[i];
      else if (a.absolute)
        grad->data.f[i] = fabsf (grad->data.f[i]);
    }
  t1 = g_get_monotonic_time ();

  if (a.out != NULL && !cx_npy_save (a.out, grad, &error))
    return cli_fail (error);

  k = out->numel / rows;
  per_row = grad->numel / rows;
  json_builder_begin_object (b);
  add_file (b, "model", a.model, model->sha256);
  add_file (b, "input", a.input, input_sha);
  json_builder_set_member_name (b, "method");
  json_builder_add_string_value (b, a.method);
  json_builder_set_member_name (b, "parameters");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "abs");
  json_builder_add_boolean_value (b, a.absolute);
  json_builder_end_object (b);
  add_shape (b, "shape", grad);
  json_builder_set_member_name (b, "rows");
  json_builder_begin_array (b);
  for (int64_t r = 0; r < rows; r++)
    {
      double sum = 0, mn = G_MAXDOUBLE, mx = -G_MAXDOUBLE;
      for (int64_t i = 0; i < per_row; i++)
        {
          double v = grad->data.f[r * per_row + i];
          sum += v;
          mn = MIN (mn, v);
          mx = MAX (mx, v);
        }
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "target");
      json_builder_add_int_value (b, targets[r]);
      if (classes != NULL && targets[r] < (int64_t) g_strv_length (classes))
        {
          json_builder_set_member_name (b, "target_label");
          json_builder_add_string_value (b, classes[targets[r]]);
        }
      json_builder_set_member_name (b, "output");
      json_builder_add_double_value (b, out->data.f[r * k + targets[r]]);
      add_floats (b, "outputs", out->data.f + r * k, k);
      json_builder_set_member_name (b, "attribution_sum");
      json_builder_add_double_value (b, sum);
      json_builder_set_member_name (b, "attribution_min");
      json_builder_add_double_value (b, mn);
      json_builder_set_member_name (b, "attribution_max");
      json_builder_add_double_value (b, mx);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "out");
  if (a.out)
    json_builder_add_string_value (b, a.out);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "elapsed_ms");
  json_builder_add_double_value (b, (t1 - t0) / 1000.0);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  cli_print_json (root);
  return 0;
}
