/* test-whatif-view.c: the What If view driven through the window's
 * actions, and what it then shows (`--state`) checked independently:
 * every counterfactual is predicted again by `candor-cli predict` from a
 * table row rebuilt from the original CSV and the changes the view lists,
 * locked columns are left alone, whole-number columns stay whole, and the
 * view shows what `candor-cli counterfactual` finds for the same row and
 * parameters.
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
#include "gui-util.h"
#include "testutil.h"
#include "schema.h"

#define APPROVE 0               /* favourable_output of the HMDA schema */

static char *tmpdir;

static JsonArray *
array_member (JsonObject *o,
              const char *name)
{
  g_assert_true (json_object_has_member (o, name));
  return json_object_get_array_member (o, name);
}

/* `candor-cli ARGS…`: its JSON document. */
static JsonObject *
cli (const char *const *args)
{
  const char *exe = g_getenv ("CANDOR_CLI");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_assert_nonnull (exe);
  g_ptr_array_add (argv, (char *) exe);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("candor-cli failed: %s", err);
  return gui_parse_json (out, -1);
}

/* The favourable probability `candor-cli predict` gives row @row (from
 * 1) of @csv_path. */
static double
cli_approve (const char *model,
             const char *csv_path,
             int64_t     row,
             const char *schema)
{
  g_autofree char *input = g_strdup_printf ("%s:%" G_GINT64_FORMAT, csv_path, row);
  g_autoptr(JsonObject) doc = cli ((const char *const[]) { "predict", "--model", model, "--input", input,
                                                            "--schema", schema, NULL });
  JsonArray *rows = array_member (doc, "rows");
  JsonArray *probabilities;

  g_assert_cmpuint (json_array_get_length (rows), ==, 1);
  probabilities = array_member (json_array_get_object_element (rows, 0), "probabilities");
  return json_array_get_double_element (probabilities, APPROVE);
}

/* A whole number, written as one: digits, perhaps a minus sign. */
static gboolean
is_integral (const char *text)
{
  if (*text == '-')
    text++;
  if (*text == '\0')
    return FALSE;
  for (; *text != '\0'; text++)
    if (!g_ascii_isdigit (*text))
      return FALSE;
  return TRUE;
}

static gboolean
array_has_string (JsonArray  *array,
                  const char *text)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    if (g_str_equal (json_array_get_string_element (array, i), text))
      return TRUE;
  return FALSE;
}

/* The first row labelled denied that the model denies too, from 0. */
static int64_t
find_denied_row (const char *model,
                 const char *csv_path,
                 const char *schema,
                 const CxCsv *csv)
{
  int deny = cx_csv_column (csv, "deny");

  g_assert_cmpint (deny, >=, 0);
  for (int64_t r = 0; r < csv->n_rows && r < 200; r++)
    if (g_str_equal (cx_csv_cell (csv, r, deny), "yes") && cli_approve (model, csv_path, r + 1, schema) < 0.5)
      return r;
  g_assert_not_reached ();
}

/* The HMDA demo's table and its first row denied by label and model
 * (from 0); @select gets the action that selects it. */
static int64_t
demo_denied_row (const char *model, const char *csv_path, const char *schema, CxCsv **csv,
                 char **select)
{
  g_autoptr(GError) error = NULL;
  int64_t row;

  *csv = cx_csv_load (csv_path, &error);
  g_assert_no_error (error);
  row = find_denied_row (model, csv_path, schema, *csv);
  *select = g_strdup_printf ("select-sample(uint32 %" G_GINT64_FORMAT ")", row);
  return row;
}

/* Checks each counterfactual the view lists for row @row (from 0) of
 * @csv: its changes start from the row's own cells, leave every column in
 * @locked alone, keep whole-number columns whole, and the row they
 * describe is what `candor-cli predict` gives the probability of. */
static void
check_counterfactuals (JsonObject         *whatif,
                       const CxCsv        *csv,
                       int64_t             row,
                       const char         *model,
                       const char         *schema,
                       const char *const  *locked)
{
  JsonArray *cfs = array_member (whatif, "counterfactuals");
  g_autofree const char **fields = g_new0 (const char *, csv->n_columns);

  g_assert_cmpuint (json_array_get_length (cfs), >=, 1);
  for (guint i = 0; i < json_array_get_length (cfs); i++)
    {
      JsonObject *cf = json_array_get_object_element (cfs, i);
      JsonArray *changes = array_member (cf, "changes");
      double p = json_object_get_double_member (cf, "probability");
      g_autoptr(GString) text = g_string_new (NULL);
      g_autofree char *name = g_strdup_printf ("cf-%u.csv", i);
      g_autofree char *path = g_build_filename (tmpdir, name, NULL);
      g_autoptr(GError) error = NULL;

      for (int c = 0; c < csv->n_columns; c++)
        fields[c] = cx_csv_cell (csv, row, c);
      g_assert_cmpuint (json_array_get_length (changes), >=, 1);
      for (guint k = 0; k < json_array_get_length (changes); k++)
        {
          JsonObject *change = json_array_get_object_element (changes, k);
          const char *column = json_object_get_string_member (change, "column");
          const char *to = json_object_get_string_member (change, "to");
          int c = cx_csv_column (csv, column);
          gboolean whole = TRUE;

          g_assert_cmpint (c, >=, 0);
          g_assert_false (g_strv_contains (locked, column));
          g_assert_cmpstr (json_object_get_string_member (change, "from"), ==, cx_csv_cell (csv, row, c));
          g_assert_cmpstr (to, !=, cx_csv_cell (csv, row, c));
          /* A column whole in every row of the data stays whole. */
          for (int64_t r = 0; r < csv->n_rows && whole; r++)
            whole = is_integral (cx_csv_cell (csv, r, c));
          if (whole)
            g_assert_true (is_integral (to));
          fields[c] = to;
        }
      cx_csv_append_record (text, (const char *const *) csv->header, csv->n_columns);
      cx_csv_append_record (text, fields, csv->n_columns);
      g_file_set_contents (path, text->str, text->len, &error);
      g_assert_no_error (error);

      g_assert_cmpfloat (p, >=, 0.5);
      g_assert_cmpfloat_with_epsilon (cli_approve (model, path, 1, schema), p, 1e-6);
    }
}

/* The view's counterfactuals are the ones `candor-cli counterfactual`
 * finds: the search is deterministic, so the numbers are identical. */
static void
check_same_as_cli (JsonObject *whatif,
                   JsonObject *reference)
{
  JsonArray *got = array_member (whatif, "counterfactuals");
  JsonArray *want = array_member (reference, "counterfactuals");

  g_assert_cmpint (json_object_get_int_member (whatif, "row"), ==, json_object_get_int_member (reference, "row"));
  g_assert_cmpfloat (json_object_get_double_member (whatif, "probability"), ==,
                     json_object_get_double_member (reference, "probability"));
  g_assert_cmpuint (json_array_get_length (got), ==, json_array_get_length (want));
  for (guint i = 0; i < json_array_get_length (want); i++)
    {
      JsonObject *a = json_array_get_object_element (got, i);
      JsonObject *b = json_array_get_object_element (want, i);
      JsonArray *ca = array_member (a, "changes");
      JsonArray *cb = array_member (b, "changes");

      g_assert_cmpfloat (json_object_get_double_member (a, "probability"), ==,
                         json_object_get_double_member (b, "probability"));
      g_assert_cmpfloat (json_object_get_double_member (a, "distance"), ==,
                         json_object_get_double_member (b, "distance"));
      g_assert_cmpint (json_object_get_int_member (a, "nearest_row"), ==,
                       json_object_get_int_member (b, "nearest_row"));
      g_assert_cmpuint (json_array_get_length (ca), ==, json_array_get_length (cb));
      for (guint k = 0; k < json_array_get_length (cb); k++)
        {
          JsonObject *x = json_array_get_object_element (ca, k);
          JsonObject *y = json_array_get_object_element (cb, k);
          g_assert_cmpstr (json_object_get_string_member (x, "column"), ==, json_object_get_string_member (y, "column"));
          g_assert_cmpstr (json_object_get_string_member (x, "from"), ==, json_object_get_string_member (y, "from"));
          g_assert_cmpstr (json_object_get_string_member (x, "to"), ==, json_object_get_string_member (y, "to"));
        }
    }
  {
    JsonArray *la = array_member (whatif, "locked");
    JsonArray *lb = array_member (reference, "locked");
    g_assert_cmpuint (json_array_get_length (la), ==, json_array_get_length (lb));
    for (guint i = 0; i < json_array_get_length (lb); i++)
      g_assert_true (array_has_string (la, json_array_get_string_element (lb, i)));
  }
}

/* Mortgage demo, a row the model denies, one column locked by the user,
 * four options asked for. */
static void
test_table_counterfactuals (void)
{
  g_autofree char *model = gui_demo_path ("hmda-mlp.onnx");
  g_autofree char *csv_path = gui_demo_path ("hmda.csv");
  g_autofree char *schema = gui_demo_path ("hmda-schema.json");
  g_autoptr(CxCsv) csv = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) state = NULL;
  g_autoptr(JsonObject) reference = NULL;
  g_autofree char *select = NULL;
  g_autofree char *row_arg = NULL;
  const char *const locked[] = { "afam", "single", "insurance", NULL };
  JsonObject *whatif;
  JsonArray *shown;
  int64_t row;

  if (!need_xvfb ())
    return;
  row = demo_denied_row (model, csv_path, schema, &csv, &select);

  state = gui_drive (tmpdir, NULL, (const char *const[]) { model, NULL },
                 (const char *const[]) { "set-view('whatif')", select, "lock-column(('insurance', true))",
                                         /* the schema's lock stands */
                                         "lock-column(('afam', false))",
                                         "set-counterfactual-count(4)", NULL });
  g_assert_cmpstr (json_object_get_string_member (state, "view"), ==, "whatif");
  whatif = gui_member (state, "whatif");
  g_assert_cmpstr (json_object_get_string_member (whatif, "status"), ==, "shown");
  g_assert_false (json_object_get_boolean_member (whatif, "computing"));
  g_assert_true (json_object_get_boolean_member (whatif, "ready"));
  g_assert_cmpstr (json_object_get_string_member (whatif, "kind"), ==, "table");
  g_assert_cmpint (json_object_get_int_member (whatif, "sample"), ==, row);
  g_assert_cmpint (json_object_get_int_member (whatif, "row"), ==, row + 1);
  g_assert_cmpint (json_object_get_int_member (whatif, "count"), ==, 4);
  g_assert_false (json_object_get_boolean_member (whatif, "already_favourable"));
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (whatif, "probability"),
                                  cli_approve (model, csv_path, row + 1, schema), 1e-6);
  for (guint i = 0; locked[i] != NULL; i++)
    g_assert_true (array_has_string (array_member (whatif, "locked"), locked[i]));
  g_assert_cmpuint (json_array_get_length (array_member (whatif, "user_locked")), ==, 1);
  g_assert_cmpuint (json_array_get_length (array_member (whatif, "counterfactuals")), <=, 4);
  check_counterfactuals (whatif, csv, row, model, schema, locked);

  row_arg = g_strdup_printf ("%" G_GINT64_FORMAT, row + 1);
  reference = cli ((const char *const[]) { "counterfactual", "--model", model, "--data", csv_path,
                                           "--schema", schema, "--row", row_arg, "--count", "4",
                                           "--lock", "insurance", NULL });
  check_same_as_cli (whatif, reference);

  /* Changed columns only, and the locked ones, in the schema's order. */
  shown = array_member (whatif, "shown_columns");
  g_assert_false (json_object_get_boolean_member (whatif, "show_all_columns"));
  for (guint i = 0; i < json_array_get_length (shown); i++)
    {
      const char *column = json_array_get_string_element (shown, i);
      JsonArray *cfs = array_member (whatif, "counterfactuals");
      gboolean changed = FALSE;
      for (guint j = 0; j < json_array_get_length (cfs); j++)
        {
          JsonArray *changes = array_member (json_array_get_object_element (cfs, j), "changes");
          for (guint k = 0; k < json_array_get_length (changes); k++)
            changed |= g_str_equal (json_object_get_string_member (json_array_get_object_element (changes, k),
                                                                   "column"), column);
        }
      g_assert_true (changed || g_strv_contains (locked, column));
    }
  g_assert_cmpuint (json_array_get_length (shown), <, 13);
}

/* A copy of the table with the payments ratio in whole per cent (its
 * schema scaled to match): the numeric column the search moves must stay
 * whole, and the view says it is. */
static void
test_table_integer_column (void)
{
  g_autofree char *model = gui_demo_path ("hmda-mlp.onnx");
  g_autofree char *csv_path = gui_demo_path ("hmda.csv");
  g_autofree char *schema_path = gui_demo_path ("hmda-schema.json");
  g_autofree char *int_csv = g_build_filename (tmpdir, "hmda-int.csv", NULL);
  g_autofree char *int_schema = g_build_filename (tmpdir, "hmda-int-schema.json", NULL);
  g_autoptr(CxCsv) csv = NULL;
  g_autoptr(CxCsv) int_table = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *schema_text = NULL;
  g_autoptr(JsonObject) schema = NULL;
  g_autoptr(JsonObject) state = NULL;
  g_autofree char *select = NULL;
  g_autofree char *out = NULL;
  const char *const locked[] = { "afam", "single", NULL };
  g_autofree const char **fields = NULL;
  JsonObject *whatif;
  JsonArray *features, *cfs;
  gboolean pirat_changed = FALSE;
  int pirat;
  int64_t row;

  if (!need_xvfb ())
    return;
  csv = cx_csv_load (csv_path, &error);
  g_assert_no_error (error);
  pirat = cx_csv_column (csv, "pirat");
  g_assert_cmpint (pirat, >=, 0);
  fields = g_new0 (const char *, csv->n_columns);
  cx_csv_append_record (text, (const char *const *) csv->header, csv->n_columns);
  for (int64_t r = 0; r < csv->n_rows; r++)
    {
      double v;
      g_autofree char *percent = NULL;
      for (int c = 0; c < csv->n_columns; c++)
        fields[c] = cx_csv_cell (csv, r, c);
      g_assert_true (cx_parse_number (fields[pirat], &v));
      percent = g_strdup_printf ("%.0f", round (100 * v));
      fields[pirat] = percent;
      cx_csv_append_record (text, fields, csv->n_columns);
    }
  g_file_set_contents (int_csv, text->str, text->len, &error);
  g_assert_no_error (error);

  g_file_get_contents (schema_path, &schema_text, NULL, &error);
  g_assert_no_error (error);
  schema = gui_parse_json (schema_text, -1);
  features = array_member (schema, "features");
  for (guint i = 0; i < json_array_get_length (features); i++)
    {
      JsonObject *f = json_array_get_object_element (features, i);
      if (g_str_equal (json_object_get_string_member (f, "column"), "pirat"))
        {
          json_object_set_double_member (f, "mean", 100 * json_object_get_double_member (f, "mean"));
          json_object_set_double_member (f, "std", 100 * json_object_get_double_member (f, "std"));
        }
    }
  {
    g_autoptr(JsonNode) root = json_node_init_object (json_node_alloc (), schema);
    out = json_to_string (root, TRUE);
  }
  g_file_set_contents (int_schema, out, -1, &error);
  g_assert_no_error (error);

  int_table = cx_csv_load (int_csv, &error);
  g_assert_no_error (error);
  row = find_denied_row (model, int_csv, int_schema, int_table);
  select = g_strdup_printf ("select-sample(uint32 %" G_GINT64_FORMAT ")", row);
  state = gui_drive (tmpdir, NULL, (const char *const[]) { model, int_csv, NULL },
                 (const char *const[]) { "set-view('whatif')", select, NULL });
  whatif = gui_member (state, "whatif");
  g_assert_true (json_object_get_boolean_member (whatif, "ready"));
  g_assert_cmpuint (json_array_get_length (array_member (whatif, "integer_columns")), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (array_member (whatif, "integer_columns"), 0), ==, "pirat");
  check_counterfactuals (whatif, int_table, row, model, int_schema, locked);
  cfs = array_member (whatif, "counterfactuals");
  for (guint i = 0; i < json_array_get_length (cfs); i++)
    {
      JsonArray *changes = array_member (json_array_get_object_element (cfs, i), "changes");
      for (guint k = 0; k < json_array_get_length (changes); k++)
        {
          JsonObject *change = json_array_get_object_element (changes, k);
          if (g_str_equal (json_object_get_string_member (change, "column"), "pirat"))
            {
              pirat_changed = TRUE;
              g_assert_true (is_integral (json_object_get_string_member (change, "to")));
            }
        }
    }
  /* Otherwise the check above proved nothing. */
  g_assert_true (pirat_changed);
}

/* A row the model approves: nothing to change, at the probability
 * PyTorch gave (build-aux/fixtures/make_demo.py). */
static void
test_table_already_favourable (void)
{
  g_autofree char *model = gui_demo_path ("hmda-mlp.onnx");
  g_autofree char *reference_path = gui_demo_path ("hmda-reference.json");
  g_autofree char *reference_text = NULL;
  g_autoptr(JsonObject) reference = NULL;
  g_autoptr(JsonObject) state = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *first;
  JsonObject *whatif;
  double p;

  if (!need_xvfb ())
    return;
  g_file_get_contents (reference_path, &reference_text, NULL, &error);
  g_assert_no_error (error);
  reference = gui_parse_json (reference_text, -1);
  first = array_member (reference, "first_rows_approve_probability");
  p = json_array_get_double_element (first, 1);
  g_assert_cmpfloat (p, >=, 0.5);

  state = gui_drive (tmpdir, NULL, (const char *const[]) { model, NULL },
                 (const char *const[]) { "set-view('whatif')", "select-sample(uint32 1)", NULL });
  whatif = gui_member (state, "whatif");
  g_assert_true (json_object_get_boolean_member (whatif, "ready"));
  g_assert_cmpint (json_object_get_int_member (whatif, "row"), ==, 2);
  g_assert_true (json_object_get_boolean_member (whatif, "already_favourable"));
  g_assert_cmpuint (json_array_get_length (array_member (whatif, "counterfactuals")), ==, 0);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (whatif, "probability"), p, 1e-4);
}

/* Every column locked: nothing found, every lock reported; the view also
 * computes for --state while another view is shown. */
static void
test_table_none_found (void)
{
  static const char *const free_columns[] = {
    "pirat", "hirat", "lvrat", "chist", "mhist", "phist", "unemp", "selfemp", "insurance",
    "condomin", "hschool", NULL
  };
  g_autofree char *model = gui_demo_path ("hmda-mlp.onnx");
  g_autoptr(GPtrArray) actions = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonObject) state = NULL;
  JsonObject *whatif;
  JsonArray *locked;

  if (!need_xvfb ())
    return;
  g_ptr_array_add (actions, g_strdup ("set-view('explain')"));
  g_ptr_array_add (actions, g_strdup ("select-sample(uint32 8)"));
  for (guint i = 0; free_columns[i] != NULL; i++)
    g_ptr_array_add (actions, g_strdup_printf ("lock-column(('%s', true))", free_columns[i]));
  g_ptr_array_add (actions, NULL);
  state = gui_drive (tmpdir, NULL, (const char *const[]) { model, NULL }, (const char *const *) actions->pdata);
  g_assert_cmpstr (json_object_get_string_member (state, "view"), ==, "explain");
  whatif = gui_member (state, "whatif");
  g_assert_true (json_object_get_boolean_member (whatif, "ready"));
  g_assert_false (json_object_get_boolean_member (whatif, "already_favourable"));
  g_assert_cmpuint (json_array_get_length (array_member (whatif, "counterfactuals")), ==, 0);
  locked = array_member (whatif, "locked");
  g_assert_cmpuint (json_array_get_length (locked), ==, 13);
  for (guint i = 0; free_columns[i] != NULL; i++)
    g_assert_true (array_has_string (locked, free_columns[i]));
  /* With nothing changed, every column shows, so any lock can be lifted. */
  g_assert_cmpuint (json_array_get_length (array_member (whatif, "shown_columns")), ==, 13);
}

/* Export writes what `candor-cli counterfactual --out` writes. */
static void
test_table_export (void)
{
  g_autofree char *model = gui_demo_path ("hmda-mlp.onnx");
  g_autofree char *csv_path = gui_demo_path ("hmda.csv");
  g_autofree char *schema = gui_demo_path ("hmda-schema.json");
  g_autofree char *exported = g_build_filename (tmpdir, "exported.csv", NULL);
  g_autofree char *expected = g_build_filename (tmpdir, "expected.csv", NULL);
  g_autofree char *export_action = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autoptr(JsonObject) state = NULL;
  g_autoptr(JsonObject) reference = NULL;
  g_autoptr(CxCsv) table = NULL;
  g_autoptr(GError) error = NULL;

  if (!need_xvfb ())
    return;
  export_action = g_strdup_printf ("export-counterfactuals-to('%s')", exported);
  state = gui_drive (tmpdir, NULL, (const char *const[]) { model, NULL },
                 (const char *const[]) { "set-view('whatif')", "select-sample(uint32 8)",
                                         "lock-column(('chist', true))", export_action, NULL });
  reference = cli ((const char *const[]) { "counterfactual", "--model", model, "--data", csv_path,
                                           "--schema", schema, "--row", "9", "--lock", "chist",
                                           "--out", expected, NULL });
  g_file_get_contents (exported, &a, NULL, &error);
  g_assert_no_error (error);
  g_file_get_contents (expected, &b, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (a, ==, b);
  table = cx_csv_load (exported, &error);
  g_assert_no_error (error);
  g_assert_cmpint (table->n_rows, ==,
                   json_array_get_length (array_member (gui_member (state, "whatif"), "counterfactuals")));
  g_assert_cmpint (table->n_rows, >=, 1);
}

/* Fashion demo: the flipping perturbation for a chosen class, as the CLI
 * finds it. */
static void
test_image_target (void)
{
  g_autofree char *model = gui_demo_path ("fashion-cnn.onnx");
  g_autofree char *image = gui_demo_path ("fashion-samples/ankle-boot-1.png");
  g_autoptr(JsonObject) state = NULL;
  g_autoptr(JsonObject) reference = NULL;
  g_autoptr(JsonObject) runner_up = NULL;
  g_autoptr(JsonObject) default_state = NULL;
  JsonObject *whatif;

  if (!need_xvfb ())
    return;
  state = gui_drive (tmpdir, NULL, NULL, (const char *const[]) { "set-view('whatif')", "set-counterfactual-target(8)", NULL });
  g_assert_cmpstr (json_object_get_string_member (gui_member (state, "selected"), "name"), ==, "ankle-boot-1.png");
  whatif = gui_member (state, "whatif");
  g_assert_true (json_object_get_boolean_member (whatif, "ready"));
  g_assert_cmpstr (json_object_get_string_member (whatif, "kind"), ==, "image");
  reference = cli ((const char *const[]) { "counterfactual", "--model", model, "--input", image,
                                           "--target", "8", NULL });
  g_assert_cmpint (json_object_get_int_member (whatif, "target"), ==, 8);
  g_assert_cmpint (json_object_get_int_member (whatif, "original_class"), ==,
                   json_object_get_int_member (reference, "original_class"));
  g_assert_true (json_object_get_boolean_member (whatif, "success") ==
                 json_object_get_boolean_member (reference, "success"));
  g_assert_cmpint (json_object_get_int_member (whatif, "predicted"), ==,
                   json_object_get_int_member (reference, "predicted"));
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (whatif, "target_probability"),
                                  json_object_get_double_member (reference, "target_probability"), 1e-5);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (whatif, "l2"),
                                  json_object_get_double_member (reference, "l2"), 1e-5);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (whatif, "linf"),
                                  json_object_get_double_member (reference, "linf"), 1e-5);
  /* One grey channel: the map's full colour is the largest pixel change. */
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (whatif, "difference_max"),
                                  json_object_get_double_member (whatif, "linf"), 1e-6);
  g_assert_cmpfloat (json_object_get_double_member (whatif, "l2"), >, 0);

  /* Without a target: the runner-up, as the CLI picks it. */
  default_state = gui_drive (tmpdir, NULL, NULL, (const char *const[]) { "set-view('whatif')", NULL });
  runner_up = cli ((const char *const[]) { "counterfactual", "--model", model, "--input", image, NULL });
  g_assert_cmpint (json_object_get_int_member (gui_member (default_state, "whatif"), "target"), ==,
                   json_object_get_int_member (runner_up, "target"));
  g_assert_cmpint (json_object_get_int_member (runner_up, "target"), !=, 8);
}

/* The locks and the count chosen in the view are saved with the session,
 * and the session reopened with --session shows the same locks and count,
 * with the options `candor-cli counterfactual` finds for them; an image
 * session keeps the class aimed for. */
static void
test_session_keeps_whatif (void)
{
  g_autofree char *model = gui_demo_path ("hmda-mlp.onnx");
  g_autofree char *csv_path = gui_demo_path ("hmda.csv");
  g_autofree char *schema = gui_demo_path ("hmda-schema.json");
  g_autofree char *session = g_build_filename (tmpdir, "whatif.candor", NULL);
  g_autofree char *image_session = g_build_filename (tmpdir, "whatif-image.candor", NULL);
  g_autofree char *save = g_strdup_printf ("save-session-to('%s')", session);
  g_autofree char *save_image = g_strdup_printf ("save-session-to('%s')", image_session);
  g_autofree char *select = NULL;
  g_autofree char *row_arg = NULL;
  g_autoptr(CxCsv) csv = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) saved = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(JsonObject) reopened = NULL;
  g_autoptr(JsonObject) reference = NULL;
  g_autoptr(JsonObject) image_saved = NULL;
  g_autoptr(JsonObject) image_reopened = NULL;
  g_autoptr(JsonObject) image_doc = NULL;
  const char *const user_locks[] = { "hirat", "insurance", NULL };
  const char *const locked[] = { "afam", "single", "hirat", "insurance", NULL };
  JsonObject *whatif;
  JsonArray *names;
  int64_t row;

  if (!need_xvfb ())
    return;
  row = demo_denied_row (model, csv_path, schema, &csv, &select);
  g_remove (session);

  /* Locked in the other order than the schema's: saved in the schema's. */
  saved = gui_drive (tmpdir, NULL, (const char *const[]) { model, NULL },
                     (const char *const[]) { "set-view('whatif')", select, "lock-column(('insurance', true))",
                                             "lock-column(('hirat', true))", "set-counterfactual-count(3)",
                                             save, NULL });
  g_assert_cmpint (json_object_get_int_member (gui_member (saved, "whatif"), "count"), ==, 3);
  doc = gui_load_json (session);
  whatif = gui_member (doc, "whatif");
  names = array_member (whatif, "locked");
  g_assert_cmpuint (json_array_get_length (names), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (names, 0), ==, user_locks[0]);
  g_assert_cmpstr (json_array_get_string_element (names, 1), ==, user_locks[1]);
  g_assert_cmpint (json_object_get_int_member (whatif, "count"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (whatif, "target"), ==, -1);

  reopened = gui_drive (tmpdir, "whatif", (const char *const[]) { "--session", session, NULL }, NULL);
  g_assert_cmpstr (json_object_get_string_member (reopened, "view"), ==, "whatif");
  whatif = gui_member (reopened, "whatif");
  g_assert_cmpstr (json_object_get_string_member (whatif, "status"), ==, "shown");
  g_assert_cmpint (json_object_get_int_member (whatif, "sample"), ==, row);
  g_assert_cmpint (json_object_get_int_member (whatif, "count"), ==, 3);
  names = array_member (whatif, "user_locked");
  g_assert_cmpuint (json_array_get_length (names), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (names, 0), ==, user_locks[0]);
  g_assert_cmpstr (json_array_get_string_element (names, 1), ==, user_locks[1]);
  for (guint i = 0; locked[i] != NULL; i++)
    g_assert_true (array_has_string (array_member (whatif, "locked"), locked[i]));
  g_assert_cmpuint (json_array_get_length (array_member (whatif, "counterfactuals")), <=, 3);
  check_counterfactuals (whatif, csv, row, model, schema, locked);
  row_arg = g_strdup_printf ("%" G_GINT64_FORMAT, row + 1);
  reference = cli ((const char *const[]) { "counterfactual", "--model", model, "--data", csv_path,
                                           "--schema", schema, "--row", row_arg, "--count", "3",
                                           "--lock", "hirat,insurance", NULL });
  check_same_as_cli (whatif, reference);

  /* Images: the class aimed for. */
  g_remove (image_session);
  image_saved = gui_drive (tmpdir, NULL, NULL, (const char *const[]) { "set-view('whatif')",
                                                                     "set-counterfactual-target(8)",
                                                                     save_image, NULL });
  image_doc = gui_load_json (image_session);
  g_assert_cmpint (json_object_get_int_member (gui_member (image_doc, "whatif"), "target"), ==, 8);
  image_reopened = gui_drive (tmpdir, "whatif", (const char *const[]) { "--session", image_session, NULL }, NULL);
  whatif = gui_member (image_reopened, "whatif");
  g_assert_cmpint (json_object_get_int_member (whatif, "requested_target"), ==, 8);
  g_assert_cmpint (json_object_get_int_member (whatif, "target"), ==, 8);
}

/* A model that cannot read the table: said so, nothing searched. */
static void
test_model_does_not_fit (void)
{
  g_autofree char *model = gui_demo_path ("fashion-cnn.onnx");
  g_autofree char *csv_path = gui_demo_path ("hmda.csv");
  g_autoptr(JsonObject) state = NULL;
  JsonObject *whatif;

  if (!need_xvfb ())
    return;
  state = gui_drive (tmpdir, NULL, (const char *const[]) { model, csv_path, NULL },
                 (const char *const[]) { "set-view('whatif')", "select-sample(uint32 8)", NULL });
  whatif = gui_member (state, "whatif");
  g_assert_cmpstr (json_object_get_string_member (whatif, "status"), ==, "no-prediction");
  g_assert_false (json_object_get_boolean_member (whatif, "ready"));
  g_assert_false (json_object_get_boolean_member (whatif, "computing"));
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("candor-whatif-XXXXXX", &error);
  g_assert_no_error (error);
  gui_set_home (tmpdir);

  g_test_add_func ("/whatif/table/counterfactuals-flip-the-decision", test_table_counterfactuals);
  g_test_add_func ("/whatif/table/whole-number-columns-stay-whole", test_table_integer_column);
  g_test_add_func ("/whatif/table/approved-row-needs-no-change", test_table_already_favourable);
  g_test_add_func ("/whatif/table/all-locked-finds-nothing", test_table_none_found);
  g_test_add_func ("/whatif/table/export-matches-the-cli", test_table_export);
  g_test_add_func ("/whatif/image/target-class-as-the-cli", test_image_target);
  g_test_add_func ("/whatif/model-that-does-not-fit-is-said", test_model_does_not_fit);
  g_test_add_func ("/whatif/session/keeps-locks-count-and-target", test_session_keeps_whatif);
  status = g_test_run ();

  cx_test_remove_tree (tmpdir);
  g_free (tmpdir);
  return status;
}
