/* cli-tabular.c: `candor-cli fairness` and `candor-cli counterfactual`.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"
#include "cli-commands.h"

#include <stdio.h>
#include <string.h>
#include <math.h>

#include "atomic-file.h"
#include "counterfactual.h"
#include "engine.h"
#include "fairness.h"
#include "input.h"
#include "npy.h"
#include "schema.h"

typedef struct
{
  char *model;
  char *data;
  char *schema;
  double memory_limit_mib;
} TabularArgs;

static void
tabular_args_clear (TabularArgs *a)
{
  g_free (a->model);
  g_free (a->data);
  g_free (a->schema);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TabularArgs, tabular_args_clear)

static gboolean
parse (int argc, char **argv, const char *summary, GOptionEntry *extra, TabularArgs *a,
       gboolean need_table, GError **error)
{
  GOptionEntry common[] = {
    { "model", 'm', 0, G_OPTION_ARG_FILENAME, &a->model, "The ONNX model", "M.onnx" },
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &a->data, "The table (CSV with a header)", "T.csv" },
    { "schema", 's', 0, G_OPTION_ARG_FILENAME, &a->schema, "How columns become the model's input", "S.json" },
    { "memory-limit", 0, 0, G_OPTION_ARG_DOUBLE, &a->memory_limit_mib,
      "Largest tensor memory, MiB (default 4096)", "MIB" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (NULL);

  g_option_context_set_summary (ctx, summary);
  g_option_context_add_main_entries (ctx, common, NULL);
  g_option_context_add_main_entries (ctx, extra, NULL);
  g_option_context_set_help_enabled (ctx, TRUE);
  if (!g_option_context_parse (ctx, &argc, &argv, error))
    return FALSE;
  if (argc > 1)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "unexpected argument '%s'", argv[1]);
      return FALSE;
    }
  if (a->model == NULL || (need_table && (a->data == NULL || a->schema == NULL)))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "--model, --data and --schema are required");
      return FALSE;
    }
  if (a->memory_limit_mib > 0)
    cx_tensor_set_limit ((guint64) (a->memory_limit_mib * 1048576.0));
  return TRUE;
}


/* The model, the schema checked against it, the table bound and encoded. */
typedef struct
{
  CxModel *model;
  CxSchema *schema;
  CxCsv *csv;
  CxTensor *x;
  char *data_sha;
  char *schema_sha;
  GThread *sha;                /* computing data_sha */
} Tabular;

static void
tabular_clear (Tabular *t)
{
  if (t->sha != NULL)
    g_free (g_thread_join (t->sha));
  cx_model_free (t->model);
  cx_schema_free (t->schema);
  cx_csv_free (t->csv);
  cx_tensor_free (t->x);
  g_free (t->data_sha);
  g_free (t->schema_sha);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Tabular, tabular_clear)

static gboolean
load_tabular_files (const TabularArgs *a, Tabular *t, GError **error)
{
  t->model = cx_model_load (a->model, NULL, error);
  if (t->model == NULL)
    return FALSE;
  t->schema = cx_schema_load (a->schema, error);
  if (t->schema == NULL || !cx_schema_check_model (t->schema, t->model, error))
    return FALSE;
  t->csv = cx_csv_load (a->data, error);
  if (t->csv == NULL || !cx_schema_bind (t->schema, t->csv, error))
    return FALSE;
  t->x = cx_schema_encode (t->schema, t->csv, error);
  if (t->x == NULL)
    return FALSE;
  t->schema_sha = cx_file_sha256 (a->schema, error);
  return t->schema_sha != NULL;
}

static gpointer
sha_thread (gpointer path)
{
  return cx_file_sha256 (path, NULL);
}

/* Loads everything; the table's digest is computed meanwhile, and while
 * the command runs, until tabular_data_sha () waits for it. */
static gboolean
load_tabular (const TabularArgs *a, Tabular *t, GError **error)
{
  t->sha = g_thread_new ("sha256", sha_thread, a->data);
  return load_tabular_files (a, t, error);
}

static gboolean
tabular_data_sha (const TabularArgs *a, Tabular *t, GError **error)
{
  if (t->sha != NULL)
    t->data_sha = g_thread_join (g_steal_pointer (&t->sha));
  if (t->data_sha == NULL)
    t->data_sha = cx_file_sha256 (a->data, error);
  return t->data_sha != NULL;
}

static void
add_inputs (JsonBuilder *b, const TabularArgs *a, const Tabular *t)
{
  cli_json_add_file (b, "model", a->model, t->model->sha256);
  cli_json_add_file (b, "data", a->data, t->data_sha);
  cli_json_add_file (b, "schema", a->schema, t->schema_sha);
  json_builder_set_member_name (b, "label");
  if (t->schema->label_column == NULL)
    json_builder_add_null_value (b);
  else
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "column");
      json_builder_add_string_value (b, t->schema->label_column);
      json_builder_set_member_name (b, "positive");
      json_builder_add_string_value (b, t->schema->label_positive);
      json_builder_end_object (b);
    }
  json_builder_set_member_name (b, "favourable_output");
  json_builder_add_int_value (b, t->schema->favourable_output);
}

static char **
split_columns (const char *list)
{
  g_auto(GStrv) parts = NULL;
  GStrvBuilder *sb;
  char **out;

  if (list == NULL)
    return NULL;
  parts = g_strsplit (list, ",", -1);
  sb = g_strv_builder_new ();
  for (char **p = parts; *p; p++)
    {
      g_strstrip (*p);
      if (**p != '\0')
        g_strv_builder_add (sb, *p);
    }
  out = g_strv_builder_end (sb);
  g_strv_builder_unref (sb);
  return out;
}

static void
add_ms (JsonBuilder *b, const char *key, double ms)
{
  json_builder_set_member_name (b, key);
  json_builder_add_double_value (b, round (ms * 1000) / 1000);
}

static int
image_fairness (const TabularArgs *a, const char *favourable, const char *const *sensitive,
                const CxFairnessParams *p)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CxModel) model = NULL;
  g_autoptr(CxCsv) labels = NULL;
  g_autoptr(CxFairnessReport) rep = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *data_sha = NULL;
  g_auto(GStrv) classes = NULL;
  const CxValue *out;
  int64_t k, n_classes;
  int file_col, label_col;
  gint64 t0 = g_get_monotonic_time ();

  model = cx_model_load (a->model, NULL, &error);
  if (model == NULL)
    return cli_fail (error);
  labels = cx_csv_load (a->data, &error);
  if (labels == NULL || !cx_image_labels_columns (labels, &file_col, &label_col, &error))
    return cli_fail (error);
  out = &model->values[model->outputs[0]];
  n_classes = out->ndim == 2 && out->dims[1] > 0 ? out->dims[1] : G_MAXINT32;
  if (!cx_class_index (model, n_classes, favourable, &k))
    {
      fprintf (stderr, "candor-cli: %s: '%s' is not a class of the model\n", a->model, favourable);
      return 1;
    }
  data_sha = cx_file_sha256 (a->data, &error);
  if (data_sha == NULL)
    return cli_fail (error);
  rep = cx_fairness_run_images (model, labels, k, sensitive, p, &error);
  if (rep == NULL)
    return cli_fail (error);
  classes = cx_model_class_names (model);

  json_builder_begin_object (b);
  cli_json_add_file (b, "model", a->model, model->sha256);
  cli_json_add_file (b, "data", a->data, data_sha);
  json_builder_set_member_name (b, "label");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "column");
  json_builder_add_string_value (b, labels->header[label_col]);
  json_builder_set_member_name (b, "positive");
  json_builder_add_string_value (b, classes != NULL && k < (int64_t) g_strv_length (classes)
                                 ? classes[k] : favourable);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "favourable_output");
  json_builder_add_int_value (b, k);
  cx_fairness_report_to_json (rep, b);
  json_builder_set_member_name (b, "elapsed_ms");
  json_builder_begin_object (b);
  add_ms (b, "predict", rep->elapsed_predict_ms);
  add_ms (b, "bootstrap", rep->elapsed_bootstrap_ms);
  add_ms (b, "total", (g_get_monotonic_time () - t0) / 1000.0);
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  cli_print_json (root);
  return 0;
}

int
cli_cmd_fairness (int argc, char **argv)
{
  g_auto(TabularArgs) a = { 0 };
  g_autofree char *sensitive = NULL;
  g_autofree char *favourable = NULL;
  double threshold = 0.5;
  int resamples = 1000, min_group = 30, ig_steps = 32, threads = 0;
  gint64 seed = 0, attribution_rows = 5000;
  gboolean no_attribution = FALSE, no_intersections = FALSE;
  GOptionEntry entries[] = {
    { "sensitive", 0, 0, G_OPTION_ARG_STRING, &sensitive,
      "Sensitive columns (default: the schema's)", "COL[,COL]" },
    { "threshold", 0, 0, G_OPTION_ARG_DOUBLE, &threshold,
      "Favourable when its probability is at least T (0.5)", "T" },
    { "bootstrap", 0, 0, G_OPTION_ARG_INT, &resamples, "Bootstrap resamples, 0 for none (1000)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed of the bootstrap and of sampling (0)", "S" },
    { "min-group-size", 0, 0, G_OPTION_ARG_INT, &min_group,
      "Groups with fewer rows are marked too small (30)", "N" },
    { "no-intersections", 0, 0, G_OPTION_ARG_NONE, &no_intersections,
      "Leave out the pairs of sensitive columns", NULL },
    { "no-attribution", 0, 0, G_OPTION_ARG_NONE, &no_attribution,
      "Leave out the attribution by subgroup", NULL },
    { "ig-steps", 0, 0, G_OPTION_ARG_INT, &ig_steps, "Integrated-gradients steps (32)", "N" },
    { "attribution-rows", 0, 0, G_OPTION_ARG_INT64, &attribution_rows,
      "Rows explained at most, sampled by group (5000)", "N" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "Bootstrap threads (default: one per processor)", "N" },
    { "favourable", 0, 0, G_OPTION_ARG_STRING, &favourable,
      "Image data set (file,label[,group…] without --schema): the favourable class, name or index", "CLASS" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_auto(Tabular) t = { 0 };
  g_auto(GStrv) columns = NULL;
  g_autoptr(CxFairnessReport) rep = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  CxFairnessParams p;
  gint64 t0 = g_get_monotonic_time (), t1;

  if (!parse (argc, argv, "Break a classifier's decisions down by group.", entries, &a, FALSE, &error))
    return cli_fail (error);
  if (a.data == NULL || (a.schema == NULL && favourable == NULL))
    {
      fputs ("candor-cli: --model, --data and --schema are required (for an image data set, "
             "--favourable CLASS instead of --schema)\n", stderr);
      return 1;
    }
  if (!(threshold >= 0 && threshold <= 1))
    {
      fprintf (stderr, "candor-cli: --threshold %g is not in [0, 1]\n", threshold);
      return 1;
    }
  if (resamples < 0 || seed < 0 || min_group < 0 || ig_steps < 1 || attribution_rows < 1)
    {
      fputs ("candor-cli: --bootstrap, --seed and --min-group-size take numbers from 0, "
             "--ig-steps and --attribution-rows from 1\n", stderr);
      return 1;
    }
  columns = split_columns (sensitive);
  if (columns != NULL && columns[0] == NULL)
    {
      fputs ("candor-cli: --sensitive names no column\n", stderr);
      return 1;
    }
  cx_fairness_params_init (&p);
  p.threshold = threshold;
  p.resamples = resamples;
  p.seed = (guint64) seed;
  p.min_group_size = min_group;
  p.intersections = !no_intersections;
  p.n_threads = threads;
  if (a.schema == NULL)
    return image_fairness (&a, favourable, (const char *const *) columns, &p);
  if (favourable != NULL)
    {
      fputs ("candor-cli: --favourable is for image data sets; a schema names its favourable_output\n", stderr);
      return 1;
    }
  if (!load_tabular (&a, &t, &error))
    return cli_fail (error);
  t1 = g_get_monotonic_time ();

  p.attribution = !no_attribution;
  p.ig_steps = ig_steps;
  p.attribution_rows = attribution_rows;
  rep = cx_fairness_run (t.model, t.schema, t.csv, t.x, (const char *const *) columns, &p, &error);
  if (rep == NULL || !tabular_data_sha (&a, &t, &error))
    return cli_fail (error);

  json_builder_begin_object (b);
  add_inputs (b, &a, &t);
  cx_fairness_report_to_json (rep, b);
  json_builder_set_member_name (b, "elapsed_ms");
  json_builder_begin_object (b);
  add_ms (b, "load", (t1 - t0) / 1000.0);
  add_ms (b, "predict", rep->elapsed_predict_ms);
  add_ms (b, "bootstrap", rep->elapsed_bootstrap_ms);
  add_ms (b, "attribution", rep->elapsed_attribution_ms);
  add_ms (b, "total", (g_get_monotonic_time () - t0) / 1000.0);
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  cli_print_json (root);
  return 0;
}

static int
image_counterfactual (const TabularArgs *a, const char *input, int target, int steps,
                      const char *out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CxModel) model = NULL;
  g_autoptr(CxTensor) x = NULL;
  g_autoptr(CxImageCounterfactual) cf = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *input_sha = NULL;
  g_auto(GStrv) classes = NULL;
  CxImageCounterfactualParams p;
  gint64 t0;

  model = cx_model_load (a->model, NULL, &error);
  if (model == NULL)
    return cli_fail (error);
  x = cx_input_load (model, input, &input_sha, &error);
  if (x == NULL)
    return cli_fail (error);
  classes = cx_model_class_names (model);
  cx_image_counterfactual_params_init (&p);
  p.target = target;
  p.steps = steps;
  t0 = g_get_monotonic_time ();
  cf = cx_image_counterfactual (model, x, &p, &error);
  if (cf == NULL)
    {
      cx_error_prefix (&error, a->model);
      return cli_fail (error);
    }
  if (out != NULL && !cx_npy_save (out, cf->difference, &error))
    return cli_fail (error);

  json_builder_begin_object (b);
  cli_json_add_file (b, "model", a->model, model->sha256);
  cli_json_add_file (b, "input", input, input_sha);
  json_builder_set_member_name (b, "method");
  json_builder_add_string_value (b, "smallest L2 perturbation, decoupled direction and norm (Rony et al. 2019)");
  json_builder_set_member_name (b, "original_class");
  json_builder_add_int_value (b, cf->original_class);
  json_builder_set_member_name (b, "target");
  json_builder_add_int_value (b, cf->target);
  if (classes != NULL && cf->target < (int64_t) g_strv_length (classes))
    {
      json_builder_set_member_name (b, "target_label");
      json_builder_add_string_value (b, classes[cf->target]);
    }
  json_builder_set_member_name (b, "success");
  json_builder_add_boolean_value (b, cf->success);
  json_builder_set_member_name (b, "predicted");
  json_builder_add_int_value (b, cf->predicted);
  json_builder_set_member_name (b, "target_probability");
  json_builder_add_double_value (b, cf->target_probability);
  json_builder_set_member_name (b, "l2");
  json_builder_add_double_value (b, cf->l2);
  json_builder_set_member_name (b, "linf");
  json_builder_add_double_value (b, cf->linf);
  json_builder_set_member_name (b, "steps");
  json_builder_add_int_value (b, cf->steps);
  json_builder_set_member_name (b, "out");
  if (out != NULL)
    json_builder_add_string_value (b, out);
  else
    json_builder_add_null_value (b);
  add_ms (b, "elapsed_ms", (g_get_monotonic_time () - t0) / 1000.0);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  cli_print_json (root);
  return 0;
}

int
cli_cmd_counterfactual (int argc, char **argv)
{
  g_auto(TabularArgs) a = { 0 };
  g_autofree char *lock = NULL;
  g_autofree char *out = NULL;
  g_autofree char *input = NULL;
  gint64 row = 0;
  int count = 5, iterations = 300, target = -1, steps = 200;
  double threshold = 0.5;
  GOptionEntry entries[] = {
    { "row", 'r', 0, G_OPTION_ARG_INT64, &row, "The row to change, counted from 1 after the header", "I" },
    { "count", 'n', 0, G_OPTION_ARG_INT, &count, "Counterfactuals wanted (5)", "N" },
    { "lock", 0, 0, G_OPTION_ARG_STRING, &lock, "Columns that must not change (besides the schema's)", "COL,COL" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out,
      "Write the counterfactuals as CSV (an image's difference as NPY)", "CF.csv" },
    { "threshold", 0, 0, G_OPTION_ARG_DOUBLE, &threshold,
      "Favourable when its probability is at least T (0.5)", "T" },
    { "max-iterations", 0, 0, G_OPTION_ARG_INT, &iterations, "Gradient steps at most (300)", "N" },
    { "input", 'i', 0, G_OPTION_ARG_FILENAME, &input, "An image (.png or .npy) instead of a table row", "X" },
    { "target", 't', 0, G_OPTION_ARG_INT, &target, "Image: the class to reach (default: the runner-up)", "K" },
    { "steps", 0, 0, G_OPTION_ARG_INT, &steps, "Image: projected gradient steps (200)", "N" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_auto(Tabular) t = { 0 };
  g_auto(GStrv) locks = NULL;
  g_autoptr(CxCounterfactualResult) res = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  CxCounterfactualParams p;
  gint64 t0 = g_get_monotonic_time (), t1, t2;

  if (!parse (argc, argv, "Find the smallest changes to a row that flip the decision.", entries, &a,
              FALSE, &error))
    return cli_fail (error);
  if (input != NULL)
    {
      if (a.data != NULL)
        {
          fputs ("candor-cli: give either --input (an image) or --data with --row\n", stderr);
          return 1;
        }
      if (out != NULL && (cx_same_file (out, a.model) || cx_same_file (out, input)))
        {
          fprintf (stderr, "candor-cli: %s: refusing to overwrite an input file\n", out);
          return 1;
        }
      return image_counterfactual (&a, input, target, steps, out);
    }
  if (a.data == NULL || a.schema == NULL || row == 0)
    {
      fputs ("candor-cli: --model, --data, --schema and --row are required\n", stderr);
      return 1;
    }
  if (row < 1)
    {
      fprintf (stderr, "candor-cli: --row %" G_GINT64_FORMAT ": rows are counted from 1\n", row);
      return 1;
    }
  if (count < 1 || count > 100 || iterations < 1 || !(threshold > 0 && threshold < 1))
    {
      fputs ("candor-cli: --count takes 1 to 100, --max-iterations at least 1, --threshold a "
             "probability in (0, 1)\n", stderr);
      return 1;
    }
  if (out != NULL && (cx_same_file (out, a.model) || cx_same_file (out, a.data) ||
                      cx_same_file (out, a.schema)))
    {
      fprintf (stderr, "candor-cli: %s: refusing to overwrite an input file\n", out);
      return 1;
    }
  locks = split_columns (lock);
  if (!load_tabular (&a, &t, &error))
    return cli_fail (error);
  if (row > t.csv->n_rows)
    {
      fprintf (stderr, "candor-cli: %s: no row %" G_GINT64_FORMAT " (the table has %" G_GINT64_FORMAT
               " rows, counted from 1)\n", a.data, row, t.csv->n_rows);
      return 1;
    }
  cx_counterfactual_params_init (&p);
  p.count = count;
  p.lock = (const char *const *) locks;
  p.threshold = threshold;
  p.max_iterations = iterations;
  t1 = g_get_monotonic_time ();
  res = cx_counterfactual_run (t.model, t.schema, t.csv, t.x, row - 1, &p, &error);
  if (res == NULL)
    return cli_fail (error);
  t2 = g_get_monotonic_time ();
  if (!tabular_data_sha (&a, &t, &error))
    return cli_fail (error);
  if (out != NULL)
    {
      gsize len;
      g_autofree char *text = cx_counterfactual_to_csv (res, t.schema, t.csv, &len);
      if (!cx_atomic_write (out, text, len, &error))
        return cli_fail (error);
    }

  json_builder_begin_object (b);
  add_inputs (b, &a, &t);
  json_builder_set_member_name (b, "row");
  json_builder_add_int_value (b, res->row);
  json_builder_set_member_name (b, "threshold");
  json_builder_add_double_value (b, threshold);
  json_builder_set_member_name (b, "probability");
  json_builder_add_double_value (b, res->probability);
  json_builder_set_member_name (b, "already_favourable");
  json_builder_add_boolean_value (b, res->already_favourable);
  json_builder_set_member_name (b, "locked");
  json_builder_begin_array (b);
  for (int c = 0; c < res->n_columns; c++)
    if (res->stats[c].locked)
      json_builder_add_string_value (b, t.schema->columns[c].name);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "integer_columns");
  json_builder_begin_array (b);
  for (int c = 0; c < res->n_columns; c++)
    if (t.schema->columns[c].kind == CX_COLUMN_NUMERIC && res->stats[c].integer)
      json_builder_add_string_value (b, t.schema->columns[c].name);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "distance");
  json_builder_add_string_value (b, "sum of |change| / median absolute deviation over numeric "
                                 "columns + 1 per changed categorical column");
  json_builder_set_member_name (b, "counterfactuals");
  json_builder_begin_array (b);
  for (int i = 0; i < res->n_items; i++)
    {
      const CxCounterfactual *cf = &res->items[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "probability");
      json_builder_add_double_value (b, cf->probability);
      json_builder_set_member_name (b, "distance");
      json_builder_add_double_value (b, cf->distance);
      json_builder_set_member_name (b, "n_changed");
      json_builder_add_int_value (b, cf->n_changes);
      json_builder_set_member_name (b, "plausibility");
      if (isnan (cf->plausibility))
        json_builder_add_null_value (b);
      else
        json_builder_add_double_value (b, cf->plausibility);
      json_builder_set_member_name (b, "nearest_row");
      if (cf->nearest_row > 0)
        json_builder_add_int_value (b, cf->nearest_row);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "changes");
      json_builder_begin_array (b);
      for (int k = 0; k < cf->n_changes; k++)
        {
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "column");
          json_builder_add_string_value (b, t.schema->columns[cf->changes[k].column].name);
          json_builder_set_member_name (b, "from");
          json_builder_add_string_value (b, cf->changes[k].from);
          json_builder_set_member_name (b, "to");
          json_builder_add_string_value (b, cf->changes[k].to);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_set_member_name (b, "values");
      json_builder_begin_object (b);
      for (int c = 0; c < res->n_columns; c++)
        {
          json_builder_set_member_name (b, t.schema->columns[c].name);
          json_builder_add_string_value (b, cf->values[c]);
        }
      json_builder_end_object (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "requested");
  json_builder_add_int_value (b, count);
  json_builder_set_member_name (b, "found");
  json_builder_add_int_value (b, res->n_items);
  json_builder_set_member_name (b, "candidates");
  json_builder_add_int_value (b, res->n_candidates);
  json_builder_set_member_name (b, "invalid_candidates");
  json_builder_add_int_value (b, res->n_invalid);
  json_builder_set_member_name (b, "iterations");
  json_builder_add_int_value (b, res->iterations);
  json_builder_set_member_name (b, "evaluations");
  json_builder_add_int_value (b, res->evaluations);
  json_builder_set_member_name (b, "out");
  if (out != NULL)
    json_builder_add_string_value (b, out);
  else
    json_builder_add_null_value (b);
  /* As fairness: reading and encoding the table, the search, and all of it. */
  json_builder_set_member_name (b, "elapsed_ms");
  json_builder_begin_object (b);
  add_ms (b, "load", (t1 - t0) / 1000.0);
  add_ms (b, "search", (t2 - t1) / 1000.0);
  add_ms (b, "total", (g_get_monotonic_time () - t0) / 1000.0);
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  cli_print_json (root);
  return 0;
}
