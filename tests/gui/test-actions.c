/* test-actions.c: the window driven through its actions, as a user drives
 * it with the mouse, and the numbers it then shows (`--state`), checked
 * against references made outside Candor (PyTorch and numpy, by
 * build-aux/fixtures/make_demo.py) and against the data files themselves.
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

static char *tmpdir;

static int
compare_file_names (gconstpointer a,
                    gconstpointer b)
{
  g_autofree char *ka = g_utf8_collate_key_for_filename (*(char *const *) a, -1);
  g_autofree char *kb = g_utf8_collate_key_for_filename (*(char *const *) b, -1);
  return strcmp (ka, kb);
}

/* Fashion demo: the samples the model gets wrong are the ones PyTorch gets
 * wrong, with the same probabilities. */
static void
test_images_outcomes (void)
{
  g_autofree char *metrics_path = gui_demo_path ("metrics.json");
  g_autoptr(JsonObject) metrics = gui_load_json (metrics_path);
  JsonObject *samples = gui_member (metrics, "fashion_samples");
  g_autoptr(GList) names = json_object_get_members (samples);
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
  guint wrong = 0, first_wrong = G_MAXUINT;
  g_autoptr(JsonObject) state = NULL;
  g_autofree char *select = NULL;
  JsonObject *selected, *reference;

  if (!need_xvfb ())
    return;
  for (GList *l = names; l != NULL; l = l->next)
    g_ptr_array_add (sorted, l->data);
  /* The samples list orders files by name, as a file manager does. */
  g_ptr_array_sort (sorted, compare_file_names);
  for (guint i = 0; i < sorted->len; i++)
    {
      JsonObject *s = gui_member (samples, g_ptr_array_index (sorted, i));
      if (!g_str_equal (json_object_get_string_member (s, "label"),
                        json_object_get_string_member (s, "predicted")))
        {
          wrong++;
          first_wrong = MIN (first_wrong, i);
        }
    }
  g_assert_cmpuint (wrong, >, 0);

  select = g_strdup_printf ("select-sample(uint32 %u)", first_wrong);
  state = gui_drive (tmpdir, NULL, NULL, (const char *const[]) { "filter-outcome(2)", select, NULL });
  g_assert_cmpint (json_object_get_int_member (gui_member (state, "data"), "samples"), ==, sorted->len);
  g_assert_cmpint (json_object_get_int_member (gui_member (state, "data"), "shown"), ==, wrong);
  selected = gui_member (state, "selected");
  reference = gui_member (samples, g_ptr_array_index (sorted, first_wrong));
  g_assert_cmpstr (json_object_get_string_member (selected, "name"), ==,
                   g_ptr_array_index (sorted, first_wrong));
  g_assert_cmpstr (json_object_get_string_member (selected, "predicted"), ==,
                   json_object_get_string_member (reference, "predicted"));
  g_assert_false (json_object_get_boolean_member (selected, "correct"));
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (selected, "confidence"),
                                  json_object_get_double_member (reference, "probability"), 1e-3);
}

/* Explanation parameters set through actions reach the maps: positive
 * sign leaves no negative value; 24 trapezoid steps on this ReLU network
 * leave integrated gradients a few per cent short of complete (the page
 * flags above 5 %), far closer than a wrong rule or step count would. */
static void
test_images_parameters (void)
{
  g_autoptr(JsonObject) state = NULL;
  JsonObject *explain;
  JsonArray *maps;

  if (!need_xvfb ())
    return;
  state = gui_drive (tmpdir, NULL, NULL, (const char *const[]) { "set-ig-steps(24)", "set-ig-rule('riemann_trapezoid')",
                                               "set-sign('positive')", NULL });
  explain = gui_member (state, "explain");
  g_assert_false (json_object_get_boolean_member (explain, "computing"));
  g_assert_cmpint (json_object_get_int_member (explain, "ig_steps"), ==, 24);
  g_assert_cmpstr (json_object_get_string_member (explain, "ig_rule"), ==, "riemann_trapezoid");
  g_assert_cmpstr (json_object_get_string_member (explain, "sign"), ==, "positive");
  g_assert_cmpfloat (json_object_get_double_member (gui_member (explain, "completeness"), "relative_error"), <, 0.10);
  maps = json_object_get_array_member (explain, "maps");
  g_assert_cmpuint (json_array_get_length (maps), ==, 6);
  for (guint i = 0; i < json_array_get_length (maps); i++)
    {
      JsonObject *m = json_array_get_object_element (maps, i);
      g_assert_false (json_object_has_member (m, "error"));
      g_assert_cmpfloat (json_object_get_double_member (m, "min"), >=, 0.0);
      g_assert_cmpfloat (json_object_get_double_member (m, "max"), >, 0.0);
    }
}

/* Mortgage demo: every row predicted, right and wrong counted as numpy
 * counted them, the first rows' probabilities as PyTorch gave them, and
 * the group filter shows exactly the rows of that group. */
static void
test_table_outcomes (void)
{
  g_autofree char *model = gui_demo_path ("hmda-mlp.onnx");
  g_autofree char *csv_path = gui_demo_path ("hmda.csv");
  g_autofree char *reference_path = gui_demo_path ("hmda-reference.json");
  g_autoptr(JsonObject) reference = gui_load_json (reference_path);
  JsonObject *counts = gui_member (gui_member (reference, "overall"), "counts");
  JsonArray *first = json_object_get_array_member (reference, "first_rows_approve_probability");
  g_autoptr(CxCsv) csv = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) right = NULL;
  g_autoptr(JsonObject) group = NULL;
  int64_t afam_yes = 0;
  int column;
  JsonObject *selected;
  double p;

  if (!need_xvfb ())
    return;
  csv = cx_csv_load (csv_path, &error);
  g_assert_no_error (error);
  column = cx_csv_column (csv, "afam");
  g_assert_cmpint (column, >=, 0);
  for (int64_t r = 0; r < csv->n_rows; r++)
    afam_yes += g_str_equal (cx_csv_cell (csv, r, column), "yes");

  right = gui_drive (tmpdir, NULL, (const char *const[]) { model, NULL },
                 (const char *const[]) { "filter-outcome(1)", "select-sample(uint32 2)", NULL });
  g_assert_true (json_object_get_boolean_member (gui_member (right, "data"), "predicted"));
  g_assert_cmpint (json_object_get_int_member (gui_member (right, "data"), "samples"), ==, csv->n_rows);
  g_assert_cmpint (json_object_get_int_member (gui_member (right, "data"), "shown"), ==,
                   json_object_get_int_member (counts, "tp") + json_object_get_int_member (counts, "tn"));
  selected = gui_member (right, "selected");
  p = json_array_get_double_element (first, 2);
  g_assert_cmpstr (json_object_get_string_member (selected, "predicted"), ==, p >= 0.5 ? "approve" : "deny");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (selected, "confidence"),
                                  MAX (p, 1 - p), 1e-4);

  group = gui_drive (tmpdir, NULL, (const char *const[]) { model, NULL },
                 (const char *const[]) { "filter-group(('afam', 'yes'))", NULL });
  g_assert_cmpint (json_object_get_int_member (gui_member (group, "data"), "shown"), ==, afam_yes);
  g_assert_cmpstr (json_object_get_string_member (gui_member (gui_member (group, "data"), "group_filter"), "value"),
                   ==, "yes");
}

/* Preferences opens over the window without a warning (criticals are fatal
 * in these runs), and an application action is reached with "app.". */
static void
test_preferences_open (void)
{
  g_autoptr(JsonObject) state = NULL;

  if (!need_xvfb ())
    return;
  state = gui_drive (tmpdir, NULL, NULL, (const char *const[]) { "app.preferences", NULL });
  g_assert_cmpstr (json_object_get_string_member (state, "view"), ==, "explain");
}

/* A misspelt action is refused with one line, not ignored. */
static void
test_unknown_action (void)
{
  g_auto(Run) run = { 0 };
  g_autofree char *shot = g_build_filename (tmpdir, "never.png", NULL);

  if (!need_xvfb ())
    return;
  run_candor (&run, TRUE, "--screenshot", shot, "--action", "no-such-thing", NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_cmpstr (run.err, ==, "candor: --action “no-such-thing”: no such action\n");
  g_assert_false (g_file_test (shot, G_FILE_TEST_EXISTS));
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("candor-actions-XXXXXX", &error);
  g_assert_no_error (error);
  gui_set_home (tmpdir);

  g_test_add_func ("/actions/images/wrong-samples-match-pytorch", test_images_outcomes);
  g_test_add_func ("/actions/images/parameters-reach-the-maps", test_images_parameters);
  g_test_add_func ("/actions/table/outcomes-and-group-filter", test_table_outcomes);
  g_test_add_func ("/actions/preferences-open-cleanly", test_preferences_open);
  g_test_add_func ("/actions/unknown-action-is-refused", test_unknown_action);
  status = g_test_run ();

  cx_test_remove_tree (tmpdir);
  g_free (tmpdir);
  return status;
}
