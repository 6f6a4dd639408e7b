/* test-explain-view.c: the Explain view's numbers, read from `--state` and
 * from its exports, against `candor-cli explain` on the same files with the
 * same parameters, and against the definitions (completeness, order).
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"

#include <math.h>
#include <string.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "csv.h"
#include "schema.h"
#include "gui-util.h"
#include "testutil.h"

/* The row the table tests explain (from 0; the CLI counts from 1). */
#define ROW 6

static char *tmpdir;

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

/* Runs candor on @files with --action for each of @actions and returns
 * the `explain` object of its --state document (the whole in @whole). */
static JsonObject *
drive (const char *const *files,
       const char *const *actions,
       JsonObject       **whole)
{
  g_autoptr(JsonObject) state = gui_drive (tmpdir, "explain", files, actions);
  JsonObject *explain = gui_member (state, "explain");

  g_assert_false (json_object_get_boolean_member (explain, "computing"));
  if (whole != NULL)
    *whole = json_object_ref (state);
  return json_object_ref (explain);
}

/* The HMDA demo with row ROW selected, then @actions. */
static JsonObject *
drive_table (const char *const *actions,
             JsonObject       **whole)
{
  g_autofree char *model = gui_demo_path ("hmda-mlp.onnx");
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (all, g_strdup_printf ("select-sample(uint32 %d)", ROW));
  for (guint i = 0; actions != NULL && actions[i] != NULL; i++)
    g_ptr_array_add (all, g_strdup (actions[i]));
  g_ptr_array_add (all, NULL);
  return drive ((const char *const[]) { model, NULL }, (const char *const *) all->pdata, whole);
}

/* `candor-cli explain` on hmda.csv:ROW+1 with @method and @baseline (NULL:
 * none given). */
static JsonObject *
cli_explain (const char *method,
             const char *baseline)
{
  g_auto(CxCliResult) r = { 0 };
  g_autofree char *model = gui_demo_path ("hmda-mlp.onnx");
  g_autofree char *csv = gui_demo_path ("hmda.csv");
  g_autofree char *schema = gui_demo_path ("hmda-schema.json");
  g_autofree char *input = g_strdup_printf ("%s:%d", csv, ROW + 1);

  if (baseline != NULL)
    cx_test_run_cli (&r, "explain", "--model", model, "--input", input, "--schema", schema,
                     "--method", method, "--baseline", baseline, NULL);
  else
    cx_test_run_cli (&r, "explain", "--model", model, "--input", input, "--schema", schema,
                     "--method", method, NULL);
  g_assert_cmpstr (r.err, ==, "");
  g_assert_cmpint (r.status, ==, 0);
  return gui_parse_json (r.out, -1);
}

/* Every bar the app shows has the CLI's value for its column, and every
 * column of the CLI has a bar. */
static void
assert_columns_match_cli (JsonObject *explain,
                          JsonObject *cli)
{
  JsonArray *columns = json_object_get_array_member (explain, "columns");
  JsonObject *reference = gui_member (cli, "columns");

  g_assert_cmpuint (json_array_get_length (columns), ==, json_object_get_size (reference));
  g_assert_cmpuint (json_array_get_length (columns), ==, 13);
  for (guint i = 0; i < json_array_get_length (columns); i++)
    {
      JsonObject *c = json_array_get_object_element (columns, i);
      const char *name = json_object_get_string_member (c, "column");

      g_assert_true (json_object_has_member (reference, name));
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (c, "attribution"),
                                      json_object_get_double_member (reference, name), 1e-5);
    }
  g_assert_cmpint (json_object_get_int_member (explain, "target"), ==,
                   json_object_get_int_member (cli, "target"));
}

/* Integrated gradients of the selected row, from the table's mean: the
 * CLI's numbers with the same parameters, and complete: the bars add up to
 * f(x) − f(baseline) within the tolerance the page flags. */
static void
test_table_ig_matches_cli (void)
{
  g_autoptr(JsonObject) explain = NULL;
  g_autoptr(JsonObject) cli = NULL;
  JsonObject *completeness, *reference;
  JsonArray *columns;
  double sum = 0, difference;

  if (!need_xvfb ())
    return;
  explain = drive_table (NULL, NULL);
  cli = cli_explain ("ig", "mean");

  g_assert_cmpstr (json_object_get_string_member (explain, "kind"), ==, "table");
  g_assert_cmpstr (json_object_get_string_member (explain, "method"), ==, "ig");
  g_assert_cmpstr (json_object_get_string_member (explain, "table_baseline"), ==, "mean");
  assert_columns_match_cli (explain, cli);

  completeness = gui_member (explain, "completeness");
  reference = gui_member (cli, "completeness");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (completeness, "output"),
                                  json_object_get_double_member (reference, "output"), 1e-5);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (completeness, "output_baseline"),
                                  json_object_get_double_member (reference, "output_baseline"), 1e-5);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (completeness, "attribution_sum"),
                                  json_object_get_double_member (reference, "attribution_sum"), 1e-5);

  /* The bars themselves add up to f(x) − f(baseline), within 5 %. */
  columns = json_object_get_array_member (explain, "columns");
  for (guint i = 0; i < json_array_get_length (columns); i++)
    sum += json_object_get_double_member (json_array_get_object_element (columns, i), "attribution");
  difference = json_object_get_double_member (completeness, "output")
               - json_object_get_double_member (completeness, "output_baseline");
  g_assert_cmpfloat_with_epsilon (sum, json_object_get_double_member (completeness, "attribution_sum"), 1e-4);
  g_assert_cmpfloat (fabs (difference), >, 1e-3);
  g_assert_cmpfloat (fabs (sum - difference), <=, 0.05 * fabs (difference));
  g_assert_false (json_object_get_boolean_member (completeness, "flagged"));
}

/* Largest |value| first, labelled "column = value" in the row's own
 * values, with a legend in words naming the class explained. */
static void
test_table_bars_sorted (void)
{
  g_autoptr(JsonObject) explain = NULL;
  g_autoptr(JsonObject) cli = NULL;
  g_autoptr(GList) names = NULL;
  g_autofree char *csv_path = gui_demo_path ("hmda.csv");
  g_autoptr(CxCsv) csv = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *columns;
  JsonObject *reference;
  double previous = INFINITY, last = INFINITY;
  gboolean schema_order_sorted = TRUE;

  if (!need_xvfb ())
    return;
  explain = drive_table (NULL, NULL);
  columns = json_object_get_array_member (explain, "columns");
  csv = cx_csv_load (csv_path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < json_array_get_length (columns); i++)
    {
      JsonObject *c = json_array_get_object_element (columns, i);
      const char *name = json_object_get_string_member (c, "column");
      const char *value = json_object_get_string_member (c, "value");
      g_autofree char *prefix = g_strdup_printf ("%s = ", name);
      double v = fabs (json_object_get_double_member (c, "attribution"));
      int column = cx_csv_column (csv, name);

      g_assert_cmpfloat (v, <=, previous);
      previous = v;
      g_assert_cmpint (column, >=, 0);
      g_assert_cmpstr (value, ==, cx_csv_cell (csv, ROW, column));
      g_assert_true (g_str_has_prefix (json_object_get_string_member (c, "label"), prefix));
    }
  /* Numbers read as a person writes them (0.221000003814697 as 0.221),
   * still the row's value to three digits; categories as they are. */
  for (guint i = 0; i < json_array_get_length (columns); i++)
    {
      JsonObject *c = json_array_get_object_element (columns, i);
      const char *value = json_object_get_string_member (c, "value");
      const char *shown = json_object_get_string_member (c, "label") + strlen (json_object_get_string_member (c, "column")) + 3;
      double raw, v;

      if (cx_parse_number (value, &raw))
        {
          g_assert_true (cx_parse_number (shown, &v));
          g_assert_cmpuint (strlen (shown), <=, 6);
          g_assert_cmpfloat (fabs (v - raw), <=, 5e-3 * fabs (raw));
        }
      else
        g_assert_cmpstr (shown, ==, value);
    }
  g_assert_cmpstr (json_object_get_string_member (gui_member (explain, "legend"), "positive"), ==,
                   "pushes towards approve");
  g_assert_cmpstr (json_object_get_string_member (gui_member (explain, "legend"), "negative"), ==,
                   "pushes away from approve");

  /* The order is the page's doing: the schema's order is not sorted. */
  cli = cli_explain ("ig", "mean");
  reference = gui_member (cli, "columns");
  names = json_object_get_members (reference);
  for (GList *l = names; l != NULL; l = l->next)
    {
      double v = fabs (json_object_get_double_member (reference, l->data));
      schema_order_sorted &= v <= last;
      last = v;
    }
  g_assert_false (schema_order_sorted);
}

/* The method and the baseline picked through the actions reach the bars:
 * each combination gives the CLI's numbers for the same options. */
static void
test_table_methods (void)
{
  static const struct { const char *method, *baseline; } cases[] = {
    { "shap", "mean" },
    { "ig", "zeros" },
    { "gradxinput", NULL },
    { "saliency", NULL },
  };
  double first_shap = 0;

  if (!need_xvfb ())
    return;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *method = g_strdup_printf ("set-explain-method('%s')", cases[i].method);
      g_autofree char *baseline = g_strdup_printf ("set-ig-baseline('%s')", cases[i].baseline ? cases[i].baseline : "mean");
      g_autoptr(JsonObject) explain = drive_table ((const char *const[]) { method, baseline, NULL }, NULL);
      g_autoptr(JsonObject) cli = cli_explain (cases[i].method, cases[i].baseline);

      g_test_message ("method %s, baseline %s", cases[i].method, cases[i].baseline ? cases[i].baseline : "-");
      g_assert_cmpstr (json_object_get_string_member (explain, "method"), ==, cases[i].method);
      assert_columns_match_cli (explain, cli);
      /* Only integrated gradients has a completeness check. */
      g_assert_true (json_object_has_member (explain, "completeness") == g_str_equal (cases[i].method, "ig"));
      if (i == 0)
        first_shap = json_object_get_double_member (
          json_array_get_object_element (json_object_get_array_member (explain, "columns"), 0), "attribution");
    }
  g_assert_cmpfloat (fabs (first_shap), >, 1e-3);
}

/* Parses a CSV export: provenance ("# key: value") into @provenance, the
 * header and the rows. */
static GPtrArray *
read_csv_export (const char  *path,
                 GHashTable  *provenance,
                 char      ***header)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  *header = NULL;
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (lines[i][0] == '\0')
        continue;
      if (g_str_has_prefix (lines[i], "# "))
        {
          char *colon = strstr (lines[i], ": ");
          g_assert_nonnull (colon);
          g_assert_null (*header);
          g_hash_table_insert (provenance, g_strndup (lines[i] + 2, colon - lines[i] - 2), g_strdup (colon + 2));
        }
      else if (*header == NULL)
        *header = g_strsplit (lines[i], ",", -1);
      else
        g_ptr_array_add (rows, g_strsplit (lines[i], ",", -1));
    }
  g_assert_nonnull (*header);
  return rows;
}

static char *
file_sha256 (const char *path)
{
  g_autofree char *data = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, len);
}

/* CSV and JSON exports hold the bars' numbers, in their order, and say
 * where they come from; another extension is refused and writes nothing. */
static void
test_table_export (void)
{
  g_autofree char *csv_out = tmp_path ("numbers.csv");
  g_autofree char *json_out = tmp_path ("numbers.json");
  g_autofree char *csv_action = g_strdup_printf ("export-numbers-to('%s')", csv_out);
  g_autofree char *json_action = g_strdup_printf ("export-numbers-to('%s')", json_out);
  g_autofree char *data = gui_demo_path ("hmda.csv");
  g_autofree char *data_sha = file_sha256 (data);
  g_autoptr(JsonObject) state = NULL;
  g_autoptr(JsonObject) explain = NULL;
  g_autoptr(JsonObject) exported = NULL;
  g_autoptr(GHashTable) provenance = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) rows = NULL;
  g_auto(GStrv) header = NULL;
  g_autofree char *model_line = NULL;
  g_autofree char *input_line = NULL;
  g_autofree char *joined = NULL;
  const char *model_sha;
  JsonArray *columns, *exported_columns;

  if (!need_xvfb ())
    return;
  g_remove (csv_out);
  g_remove (json_out);
  explain = drive_table ((const char *const[]) { csv_action, json_action, NULL }, &state);
  columns = json_object_get_array_member (explain, "columns");
  model_sha = json_object_get_string_member (gui_member (state, "model"), "sha256");

  rows = read_csv_export (csv_out, provenance, &header);
  joined = g_strjoinv (",", header);
  g_assert_cmpstr (joined, ==, "column,value,method,attribution");
  g_assert_cmpuint (rows->len, ==, json_array_get_length (columns));
  for (guint i = 0; i < rows->len; i++)
    {
      char **row = g_ptr_array_index (rows, i);
      JsonObject *c = json_array_get_object_element (columns, i);

      g_assert_cmpuint (g_strv_length (row), ==, 4);
      g_assert_cmpstr (row[0], ==, json_object_get_string_member (c, "column"));
      g_assert_cmpstr (row[1], ==, json_object_get_string_member (c, "value"));
      g_assert_cmpstr (row[2], ==, "ig");
      g_assert_cmpfloat_with_epsilon (g_ascii_strtod (row[3], NULL),
                                      json_object_get_double_member (c, "attribution"), 1e-12);
    }
  model_line = g_strdup_printf ("sha256=%s", model_sha);
  input_line = g_strdup_printf ("row=%d sha256=%s", ROW + 1, data_sha);
  g_assert_true (g_str_has_suffix (g_hash_table_lookup (provenance, "model"), model_line));
  g_assert_true (g_str_has_suffix (g_hash_table_lookup (provenance, "input"), input_line));
  g_assert_cmpstr (g_hash_table_lookup (provenance, "parameters"), ==,
                   "method=ig target=0 steps=50 rule=gausslegendre baseline=mean seed=0");
  g_assert_true (g_str_has_prefix (g_hash_table_lookup (provenance, "software"), "Candor " CANDOR_VERSION));

  exported = gui_load_json (json_out);
  g_assert_cmpstr (json_object_get_string_member (gui_member (exported, "model"), "sha256"), ==, model_sha);
  g_assert_cmpstr (json_object_get_string_member (gui_member (exported, "input"), "sha256"), ==, data_sha);
  g_assert_cmpint (json_object_get_int_member (gui_member (exported, "input"), "row"), ==, ROW + 1);
  g_assert_cmpstr (json_object_get_string_member (exported, "method"), ==, "ig");
  g_assert_cmpfloat (json_object_get_double_member (gui_member (exported, "completeness"), "attribution_sum"), ==,
                     json_object_get_double_member (gui_member (explain, "completeness"), "attribution_sum"));
  exported_columns = json_object_get_array_member (exported, "columns");
  g_assert_cmpuint (json_array_get_length (exported_columns), ==, json_array_get_length (columns));
  for (guint i = 0; i < json_array_get_length (columns); i++)
    {
      JsonObject *a = json_array_get_object_element (columns, i);
      JsonObject *b = json_array_get_object_element (exported_columns, i);
      g_assert_cmpstr (json_object_get_string_member (a, "column"), ==, json_object_get_string_member (b, "column"));
      g_assert_cmpfloat (json_object_get_double_member (a, "attribution"), ==,
                         json_object_get_double_member (b, "attribution"));
    }

  /* Neither .csv nor .json: refused, said, nothing written. */
  {
    g_auto(Run) run = { 0 };
    g_autofree char *model = gui_demo_path ("hmda-mlp.onnx");
    g_autofree char *shot = tmp_path ("refused.png");
    g_autofree char *bad = tmp_path ("numbers.txt");
    g_autofree char *action = g_strdup_printf ("export-numbers-to('%s')", bad);

    run_candor (&run, TRUE, "--screenshot", shot, "--action", action, model, NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.err, "numbers are exported as .csv or .json"));
    g_assert_false (g_file_test (bad, G_FILE_TEST_EXISTS));
  }
}

static JsonObject *
map_of (JsonObject *explain,
        const char *method)
{
  JsonArray *maps = json_object_get_array_member (explain, "maps");

  for (guint i = 0; i < json_array_get_length (maps); i++)
    {
      JsonObject *m = json_array_get_object_element (maps, i);
      if (g_str_equal (json_object_get_string_member (m, "method"), method))
        return m;
    }
  g_assert_not_reached ();
}

/* The image's integrated gradients from each baseline: the map changes, the
 * other maps do not, and each map is complete (sums to f(x) − f(baseline)
 * within 5 %) — with a baseline of its own, f(baseline) differs. */
static void
test_image_baselines (void)
{
  static const char *baselines[] = { "zeros", "blur", "mean" };
  double sums[3], outputs_baseline[3], saliency = 0;
  g_autofree char *csv_out = tmp_path ("image.csv");
  g_autofree char *export = g_strdup_printf ("export-numbers-to('%s')", csv_out);

  if (!need_xvfb ())
    return;
  for (guint i = 0; i < G_N_ELEMENTS (baselines); i++)
    {
      g_autofree char *action = g_strdup_printf ("set-ig-baseline('%s')", baselines[i]);
      g_autoptr(JsonObject) explain = drive (NULL, (const char *const[]) { action, export, NULL }, NULL);
      JsonObject *completeness = gui_member (explain, "completeness");
      JsonObject *ig = map_of (explain, "ig");
      double difference = json_object_get_double_member (completeness, "output_difference");
      g_autoptr(GHashTable) provenance = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_auto(GStrv) header = NULL;
      g_autoptr(GPtrArray) rows = NULL;
      g_autofree char *parameters = NULL;
      double exported = 0;
      int ig_column = -1;

      g_test_message ("baseline %s", baselines[i]);
      g_assert_cmpstr (json_object_get_string_member (explain, "kind"), ==, "image");
      g_assert_cmpstr (json_object_get_string_member (explain, "ig_baseline"), ==, baselines[i]);
      sums[i] = json_object_get_double_member (ig, "sum");
      outputs_baseline[i] = json_object_get_double_member (completeness, "output_baseline");
      /* The map shown is the attribution whose completeness is reported. */
      g_assert_cmpfloat (fabs (sums[i] - json_object_get_double_member (completeness, "attribution_sum")), <=,
                         1e-4 * fabs (sums[i]));
      g_assert_cmpfloat (fabs (sums[i] - difference), <=, 0.05 * fabs (difference));
      g_assert_false (json_object_get_boolean_member (completeness, "flagged"));
      if (i == 0)
        saliency = json_object_get_double_member (map_of (explain, "saliency"), "sum");
      else
        {
          g_assert_cmpfloat (json_object_get_double_member (map_of (explain, "saliency"), "sum"), ==, saliency);
          g_assert_cmpfloat (fabs (sums[i] - sums[0]), >, 1e-3 * fabs (sums[0]));
          g_assert_cmpfloat (fabs (outputs_baseline[i] - outputs_baseline[0]), >, 1e-3);
        }

      /* The CSV export holds the same map: 28 × 28 rows, one column per map. */
      rows = read_csv_export (csv_out, provenance, &header);
      g_assert_cmpuint (rows->len, ==, 28 * 28);
      for (guint k = 0; header[k] != NULL; k++)
        if (g_str_equal (header[k], "ig"))
          ig_column = (int) k;
      g_assert_cmpint (ig_column, ==, 5);
      g_assert_cmpstr (header[0], ==, "x");
      for (guint r = 0; r < rows->len; r++)
        exported += g_ascii_strtod (((char **) g_ptr_array_index (rows, r))[ig_column], NULL);
      g_assert_cmpfloat (fabs (exported - sums[i]), <=, 1e-5 * fabs (sums[i]));
      parameters = g_strdup_printf ("method=ig target=9 steps=50 rule=gausslegendre baseline=%s seed=0", baselines[i]);
      g_assert_cmpstr (g_hash_table_lookup (provenance, "ig"), ==, parameters);
    }
}

/* The method and the baselines are kept in the session file and come back
 * with it. */
static void
test_session_keeps_choices (void)
{
  g_autofree char *session = tmp_path ("choices.candor");
  g_autofree char *save = g_strdup_printf ("save-session-to('%s')", session);
  g_autofree char *open = g_strdup_printf ("open-session-file('%s')", session);
  g_autoptr(JsonObject) saved = NULL;
  g_autoptr(JsonObject) reopened = NULL;
  g_autoptr(JsonObject) doc = NULL;

  if (!need_xvfb ())
    return;
  g_remove (session);
  saved = drive_table ((const char *const[]) { "set-explain-method('saliency')", "set-ig-baseline('zeros')",
                                               save, NULL }, NULL);
  g_assert_cmpstr (json_object_get_string_member (saved, "method"), ==, "saliency");
  doc = gui_load_json (session);
  g_assert_cmpstr (json_object_get_string_member (gui_member (doc, "methods"), "table_method"), ==, "saliency");
  g_assert_cmpstr (json_object_get_string_member (gui_member (doc, "methods"), "table_baseline"), ==, "zeros");

  reopened = drive (NULL, (const char *const[]) { open, NULL }, NULL);
  g_assert_cmpstr (json_object_get_string_member (reopened, "table_method"), ==, "saliency");
  g_assert_cmpstr (json_object_get_string_member (reopened, "table_baseline"), ==, "zeros");
  g_assert_cmpstr (json_object_get_string_member (reopened, "method"), ==, "saliency");
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("candor-explain-view-XXXXXX", &error);
  g_assert_no_error (error);
  gui_set_home (tmpdir);

  g_test_add_func ("/explain-view/table/ig-equals-candor-cli-and-is-complete", test_table_ig_matches_cli);
  g_test_add_func ("/explain-view/table/bars-largest-first-with-plain-labels", test_table_bars_sorted);
  g_test_add_func ("/explain-view/table/each-method-and-baseline-equals-candor-cli", test_table_methods);
  g_test_add_func ("/explain-view/table/exports-hold-the-bars-and-their-provenance", test_table_export);
  g_test_add_func ("/explain-view/image/baseline-changes-ig-and-stays-complete", test_image_baselines);
  g_test_add_func ("/explain-view/session/keeps-method-and-baseline", test_session_keeps_choices);
  status = g_test_run ();

  cx_test_remove_tree (tmpdir);
  g_free (tmpdir);
  return status;
}
