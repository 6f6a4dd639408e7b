/* test-fairness-view.c: the Fairness view driven through its actions, and
 * the figures it then shows (`--state`), checked against references made
 * outside the page: numpy's metrics of the mortgage demo
 * (resources/demo/hmda-reference.json), metrics this test computes itself
 * from probabilities that `candor-cli predict` gives for rows the test
 * encodes itself, the CSV's own row counts, and PyTorch's predictions of
 * the fashion samples (resources/demo/metrics.json).
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"

#include <math.h>
#include <string.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <cairo.h>

#include "csv.h"
#include "npy.h"
#include "tensor.h"
#include "gui-util.h"
#include "testutil.h"

static char *tmpdir;

/* ---- helpers ---- */

static JsonObject *
drive_hmda (const char        *view,
            const char *const *actions)
{
  g_autofree char *model = gui_demo_path ("hmda-mlp.onnx");
  return gui_drive (tmpdir, view, (const char *const[]) { model, NULL }, actions);
}

/* A member that may be null (an undefined rate) as a double: NaN. */
static double
number (JsonObject *o,
        const char *name)
{
  JsonNode *node = json_object_get_member (o, name);

  g_assert_nonnull (node);
  if (JSON_NODE_HOLDS_NULL (node))
    return NAN;
  return json_node_get_double (node);
}

static void
assert_same (double      actual,
             double      expected,
             const char *what)
{
  if (isnan (expected) && isnan (actual))
    return;
  if (isnan (expected) || isnan (actual) || fabs (actual - expected) > 1e-12 * MAX (1.0, fabs (expected)))
    g_error ("%s: %.17g, expected %.17g", what, actual, expected);
}

/* [low, high] holds @value, and both lie in [0, 1] for a rate. */
static void
assert_interval_holds (JsonObject *o,
                       const char *name,
                       gboolean    rate)
{
  g_autofree char *key = g_strconcat (name, "_ci", NULL);
  double v = number (o, name);
  JsonArray *ci;
  double lo, hi;

  g_assert_true (json_object_has_member (o, key));
  ci = json_object_get_array_member (o, key);
  g_assert_nonnull (ci);
  g_assert_cmpuint (json_array_get_length (ci), ==, 2);
  lo = json_array_get_double_element (ci, 0);
  hi = json_array_get_double_element (ci, 1);
  g_assert_cmpfloat (lo, <=, v);
  g_assert_cmpfloat (v, <=, hi);
  if (rate)
    {
      g_assert_cmpfloat (lo, >=, 0.0);
      g_assert_cmpfloat (hi, <=, 1.0);
    }
}

/* ---- metrics computed here ---- */

typedef struct
{
  gint64 tp, fp, fn, tn;
} Counts;

static gint64
counts_n (const Counts *c)
{
  return c->tp + c->fp + c->fn + c->tn;
}

static double
ratio (gint64 a,
       gint64 b)
{
  return b > 0 ? (double) a / (double) b : NAN;
}

/* Checks a group of the page against counts made here. */
static void
assert_group_counts (JsonObject   *group,
                     const Counts *c,
                     const char   *what)
{
  g_autofree char *n_what = g_strconcat (what, " n", NULL);
  g_autofree char *s_what = g_strconcat (what, " selection rate", NULL);
  g_autofree char *t_what = g_strconcat (what, " true positive rate", NULL);
  g_autofree char *f_what = g_strconcat (what, " false positive rate", NULL);
  g_autofree char *a_what = g_strconcat (what, " accuracy", NULL);

  g_assert_cmpint (json_object_get_int_member (group, "n"), ==, counts_n (c));
  assert_same (number (group, "selection_rate"), ratio (c->tp + c->fp, counts_n (c)), s_what);
  assert_same (number (group, "tpr"), ratio (c->tp, c->tp + c->fn), t_what);
  assert_same (number (group, "fpr"), ratio (c->fp, c->fp + c->tn), f_what);
  assert_same (number (group, "accuracy"), ratio (c->tp + c->tn, counts_n (c)), a_what);
  g_assert_cmpint (json_object_get_boolean_member (group, "too_small"), ==, counts_n (c) < 30);
}

/* The mortgage demo, as this test reads it: every row's favourable
 * ("approve") probability from `candor-cli predict` on rows encoded here
 * as the schema says, its recorded outcome, and its groups. */
typedef struct
{
  CxCsv *csv;
  double *p;
  gboolean *y;
  gint64 n;
} Hmda;

static Hmda hmda;

static void
encode_and_predict (void)
{
  g_autofree char *csv_path = gui_demo_path ("hmda.csv");
  g_autofree char *schema_path = gui_demo_path ("hmda-schema.json");
  g_autofree char *model = gui_demo_path ("hmda-mlp.onnx");
  g_autofree char *npy = g_build_filename (tmpdir, "hmda-encoded.npy", NULL);
  g_autoptr(JsonObject) schema = gui_load_json (schema_path);
  JsonArray *features = json_object_get_array_member (schema, "features");
  JsonObject *label = gui_member (schema, "label");
  guint F = json_array_get_length (features);
  int favourable = (int) json_object_get_int_member (schema, "favourable_output");
  int label_col;
  g_autoptr(GError) error = NULL;
  g_autoptr(CxTensor) x = NULL;
  g_autoptr(JsonObject) out = NULL;
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;
  int status = 0;
  JsonArray *rows;
  const char *cli = g_getenv ("CANDOR_CLI");

  if (hmda.csv != NULL)
    return;
  g_assert_nonnull (cli);
  hmda.csv = cx_csv_load (csv_path, &error);
  g_assert_no_error (error);
  hmda.n = hmda.csv->n_rows;
  x = cx_tensor_new (CX_ELEM_FLOAT, 2, (int64_t[]) { hmda.n, F }, &error);
  g_assert_no_error (error);
  for (guint f = 0; f < F; f++)
    {
      JsonObject *feature = json_array_get_object_element (features, f);
      int c = cx_csv_column (hmda.csv, json_object_get_string_member (feature, "column"));
      g_assert_cmpint (c, >=, 0);
      for (gint64 r = 0; r < hmda.n; r++)
        {
          const char *cell = cx_csv_cell (hmda.csv, r, c);
          float v;
          if (json_object_has_member (feature, "equals"))
            v = g_str_equal (cell, json_object_get_string_member (feature, "equals")) ? 1.f : 0.f;
          else
            v = (float) ((g_ascii_strtod (cell, NULL) - json_object_get_double_member (feature, "mean"))
                         / json_object_get_double_member (feature, "std"));
          x->data.f[r * F + f] = v;
        }
    }
  cx_npy_save (npy, x, &error);
  g_assert_no_error (error);

  g_spawn_sync (NULL, (char *[]) { (char *) cli, (char *) "predict", (char *) "--model", model,
                                   (char *) "--input", npy, (char *) "--top", (char *) "1", NULL },
                NULL, G_SPAWN_DEFAULT, NULL, NULL, &stdout_text, &stderr_text, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stderr_text, ==, "");
  out = gui_parse_json (stdout_text, -1);
  rows = json_object_get_array_member (out, "rows");
  g_assert_cmpuint (json_array_get_length (rows), ==, hmda.n);
  hmda.p = g_new (double, hmda.n);
  hmda.y = g_new (gboolean, hmda.n);
  label_col = cx_csv_column (hmda.csv, json_object_get_string_member (label, "column"));
  g_assert_cmpint (label_col, >=, 0);
  for (gint64 r = 0; r < hmda.n; r++)
    {
      JsonObject *row = json_array_get_object_element (rows, r);
      hmda.p[r] = json_array_get_double_element (json_object_get_array_member (row, "probabilities"), favourable);
      hmda.y[r] = g_str_equal (cx_csv_cell (hmda.csv, r, label_col),
                               json_object_get_string_member (label, "positive"));
    }
}

/* Confusion counts at @threshold of the rows where @column holds @value
 * (and @column2 holds @value2, when given); all rows when @column is NULL. */
static Counts
hmda_counts (double      threshold,
             const char *column,
             const char *value,
             const char *column2,
             const char *value2)
{
  int c1 = column ? cx_csv_column (hmda.csv, column) : -1;
  int c2 = column2 ? cx_csv_column (hmda.csv, column2) : -1;
  Counts counts = { 0 };

  for (gint64 r = 0; r < hmda.n; r++)
    {
      gboolean decided = hmda.p[r] >= threshold;
      if (c1 >= 0 && !g_str_equal (cx_csv_cell (hmda.csv, r, c1), value))
        continue;
      if (c2 >= 0 && !g_str_equal (cx_csv_cell (hmda.csv, r, c2), value2))
        continue;
      if (decided && hmda.y[r])
        counts.tp++;
      else if (decided)
        counts.fp++;
      else if (hmda.y[r])
        counts.fn++;
      else
        counts.tn++;
    }
  return counts;
}

/* ---- tests ---- */

/* At the default threshold every figure of both sensitive columns is
 * numpy's, and the intervals hold their estimates. */
static void
test_matches_numpy (void)
{
  g_autofree char *reference_path = gui_demo_path ("hmda-reference.json");
  g_autoptr(JsonObject) reference = gui_load_json (reference_path);
  static const char *const rates[] = { "selection_rate", "accuracy", "tpr", "fpr", "fnr", "precision" };
  static const char *const disparities[] = {
    "demographic_parity_difference", "demographic_parity_ratio",
    "equalized_odds_difference", "equal_opportunity_difference",
  };
  static const char *const columns[] = { "afam", "single" };

  if (!need_xvfb ())
    return;
  g_assert_cmpfloat (json_object_get_double_member (reference, "threshold"), ==, 0.5);
  for (guint k = 0; k < G_N_ELEMENTS (columns); k++)
    {
      g_autofree char *action = g_strdup_printf ("set-fairness-columns(('%s', ''))", columns[k]);
      g_autoptr(JsonObject) state = drive_hmda ("fairness", (const char *const[]) { action, NULL });
      JsonObject *fair = gui_member (state, "fairness");
      JsonObject *expected = gui_member (gui_member (reference, "sensitive"), columns[k]);
      JsonObject *expected_groups = gui_member (expected, "groups");
      JsonObject *groups = gui_member (fair, "groups");
      g_autoptr(GList) names = json_object_get_members (expected_groups);
      double best = -1;

      g_assert_cmpstr (json_object_get_string_member (state, "view"), ==, "fairness");
      g_assert_true (json_object_get_boolean_member (fair, "ready"));
      g_assert_false (json_object_get_boolean_member (fair, "updating"));
      g_assert_cmpstr (json_object_get_string_member (fair, "breakdown"), ==, columns[k]);
      g_assert_cmpfloat (json_object_get_double_member (fair, "threshold"), ==, 0.5);
      g_assert_cmpfloat (json_object_get_double_member (fair, "report_threshold"), ==, 0.5);
      g_assert_cmpstr (json_object_get_string_member (fair, "favourable"), ==, "approve");
      g_assert_cmpint (json_object_get_int_member (fair, "rows"), ==,
                       json_object_get_int_member (reference, "rows"));
      g_assert_cmpint (json_object_get_int_member (fair, "resamples"), ==, 1000);

      for (guint m = 0; m < G_N_ELEMENTS (rates); m++)
        {
          g_autofree char *what = g_strdup_printf ("overall %s", rates[m]);
          assert_same (number (gui_member (fair, "overall"), rates[m]),
                       number (gui_member (reference, "overall"), rates[m]), what);
          assert_interval_holds (gui_member (fair, "overall"), rates[m], TRUE);
        }
      g_assert_cmpuint (json_object_get_size (groups), ==, json_object_get_size (expected_groups));
      for (GList *l = names; l != NULL; l = l->next)
        {
          JsonObject *g = gui_member (groups, l->data);
          JsonObject *e = gui_member (expected_groups, l->data);

          g_assert_cmpint (json_object_get_int_member (g, "n"), ==, json_object_get_int_member (e, "n"));
          for (guint m = 0; m < G_N_ELEMENTS (rates); m++)
            {
              g_autofree char *what = g_strdup_printf ("%s = %s: %s", columns[k], (char *) l->data, rates[m]);
              assert_same (number (g, rates[m]), number (e, rates[m]), what);
              assert_interval_holds (g, rates[m], TRUE);
            }
          best = MAX (best, number (e, "selection_rate"));
        }
      for (guint d = 0; d < G_N_ELEMENTS (disparities); d++)
        {
          g_autofree char *what = g_strdup_printf ("%s: %s", columns[k], disparities[d]);
          assert_same (number (fair, disparities[d]), number (expected, disparities[d]), what);
          assert_interval_holds (fair, disparities[d], FALSE);
        }
      g_assert_cmpint (json_object_get_boolean_member (fair, "four_fifths_failed"), ==,
                       number (expected, "demographic_parity_ratio") < 0.8);
      assert_same (number (fair, "four_fifths_line"), 0.8 * best, "four-fifths line");
      /* The words say what the flag says. */
      g_assert_cmpint (g_str_has_prefix (json_object_get_string_member (fair, "verdict"), "Fails"), ==,
                       json_object_get_boolean_member (fair, "four_fifths_failed"));
      /* Attribution by group: every raw column, for every group. */
      g_assert_cmpint (json_object_get_int_member (gui_member (fair, "attribution"), "rows"), ==, 2380);
      g_assert_cmpuint (json_object_get_size (gui_member (gui_member (gui_member (fair, "attribution"), "groups"), "yes")),
                        ==, 13);
    }
}

/* Moving the threshold moves the decisions: the figures follow what the
 * probabilities say at the new threshold, for one column and for an
 * intersection. */
static void
test_threshold (void)
{
  g_autofree char *reference_path = gui_demo_path ("hmda-reference.json");
  g_autoptr(JsonObject) reference = gui_load_json (reference_path);
  static const char *const values[] = { "no", "yes" };
  const double threshold = 0.9;
  g_autoptr(JsonObject) one = NULL;
  g_autoptr(JsonObject) two = NULL;
  JsonObject *fair;
  double lo = 1, hi = 0, moved = 0;

  if (!need_xvfb ())
    return;
  encode_and_predict ();

  /* This test's own pipeline gives numpy's decisions at 0.5. */
  for (guint v = 0; v < G_N_ELEMENTS (values); v++)
    {
      JsonObject *e = gui_member (gui_member (gui_member (gui_member (gui_member (reference, "sensitive"), "afam"), "groups"),
                                      values[v]), "counts");
      Counts c = hmda_counts (0.5, "afam", values[v], NULL, NULL);
      g_assert_cmpint (c.tp, ==, json_object_get_int_member (e, "tp"));
      g_assert_cmpint (c.fp, ==, json_object_get_int_member (e, "fp"));
      g_assert_cmpint (c.fn, ==, json_object_get_int_member (e, "fn"));
      g_assert_cmpint (c.tn, ==, json_object_get_int_member (e, "tn"));
    }

  one = drive_hmda ("fairness", (const char *const[]) { "set-threshold(0.3)", "set-threshold(0.9)", NULL });
  fair = gui_member (one, "fairness");
  g_assert_true (json_object_get_boolean_member (fair, "ready"));
  g_assert_false (json_object_get_boolean_member (fair, "updating"));
  g_assert_cmpfloat (json_object_get_double_member (fair, "threshold"), ==, threshold);
  g_assert_cmpfloat (json_object_get_double_member (fair, "report_threshold"), ==, threshold);
  {
    Counts all = hmda_counts (threshold, NULL, NULL, NULL, NULL);
    assert_group_counts (gui_member (fair, "overall"), &all, "overall");
  }
  for (guint v = 0; v < G_N_ELEMENTS (values); v++)
    {
      Counts c = hmda_counts (threshold, "afam", values[v], NULL, NULL);
      Counts half = hmda_counts (0.5, "afam", values[v], NULL, NULL);
      double rate = ratio (c.tp + c.fp, counts_n (&c));
      g_autofree char *what = g_strdup_printf ("afam = %s at %g", values[v], threshold);

      assert_group_counts (gui_member (gui_member (fair, "groups"), values[v]), &c, what);
      assert_interval_holds (gui_member (gui_member (fair, "groups"), values[v]), "selection_rate", TRUE);
      lo = MIN (lo, rate);
      hi = MAX (hi, rate);
      moved = MAX (moved, fabs (rate - ratio (half.tp + half.fp, counts_n (&half))));
    }
  /* The threshold matters for this data, or the test would prove nothing. */
  g_assert_cmpfloat (moved, >, 0.05);
  assert_same (number (fair, "demographic_parity_difference"), hi - lo, "demographic parity difference");
  assert_same (number (fair, "demographic_parity_ratio"), lo / hi, "demographic parity ratio");
  g_assert_cmpint (json_object_get_boolean_member (fair, "four_fifths_failed"), ==, lo / hi < 0.8);

  /* The intersection, on a full run of its own, then a new threshold. */
  two = drive_hmda ("fairness", (const char *const[]) { "set-fairness-columns(('afam', 'single'))",
                                                        "set-threshold(0.9)", NULL });
  fair = gui_member (two, "fairness");
  g_assert_true (json_object_get_boolean_member (fair, "ready"));
  g_assert_cmpstr (json_object_get_string_member (fair, "breakdown"), ==, "afam,single");
  g_assert_cmpuint (json_object_get_size (gui_member (fair, "groups")), ==, 4);
  for (guint a = 0; a < G_N_ELEMENTS (values); a++)
    for (guint s = 0; s < G_N_ELEMENTS (values); s++)
      {
        g_autofree char *name = g_strdup_printf ("%s,%s", values[a], values[s]);
        Counts c = hmda_counts (threshold, "afam", values[a], "single", values[s]);
        assert_group_counts (gui_member (gui_member (fair, "groups"), name), &c, name);
      }
}

static gint64
count_rows (const char *column,
            const char *value,
            const char *column2,
            const char *value2)
{
  g_autofree char *path = gui_demo_path ("hmda.csv");
  g_autoptr(GError) error = NULL;
  g_autoptr(CxCsv) csv = cx_csv_load (path, &error);
  int c1, c2 = -1;
  gint64 n = 0;

  g_assert_no_error (error);
  c1 = cx_csv_column (csv, column);
  g_assert_cmpint (c1, >=, 0);
  if (column2 != NULL)
    {
      c2 = cx_csv_column (csv, column2);
      g_assert_cmpint (c2, >=, 0);
    }
  for (gint64 r = 0; r < csv->n_rows; r++)
    n += g_str_equal (cx_csv_cell (csv, r, c1), value)
         && (c2 < 0 || g_str_equal (cx_csv_cell (csv, r, c2), value2));
  return n;
}

/* Picking a group lists exactly its rows in the samples, for a column and
 * for an intersection; the groups' sizes are the CSV's. */
static void
test_select_group (void)
{
  g_autoptr(JsonObject) one = NULL;
  g_autoptr(JsonObject) two = NULL;
  JsonObject *data, *fair;
  gint64 afam_yes = count_rows ("afam", "yes", NULL, NULL);
  gint64 yes_no = count_rows ("afam", "yes", "single", "no");

  if (!need_xvfb ())
    return;
  g_assert_cmpint (afam_yes, >, 0);
  g_assert_cmpint (yes_no, >, 0);
  g_assert_cmpint (yes_no, <, afam_yes);

  one = drive_hmda ("fairness", (const char *const[]) { "select-group(('afam', 'yes'))", NULL });
  data = gui_member (one, "data");
  fair = gui_member (one, "fairness");
  g_assert_cmpint (json_object_get_int_member (data, "shown"), ==, afam_yes);
  g_assert_cmpstr (json_object_get_string_member (gui_member (data, "group_filter"), "column"), ==, "afam");
  g_assert_cmpstr (json_object_get_string_member (gui_member (data, "group_filter"), "value"), ==, "yes");
  g_assert_cmpstr (json_object_get_string_member (fair, "selected_group"), ==, "yes");
  g_assert_cmpint (json_object_get_int_member (gui_member (gui_member (fair, "groups"), "yes"), "n"), ==, afam_yes);

  two = drive_hmda ("fairness", (const char *const[]) { "set-fairness-columns(('afam', 'single'))",
                                                        "select-group(('afam,single', 'yes,no'))", NULL });
  data = gui_member (two, "data");
  fair = gui_member (two, "fairness");
  g_assert_cmpint (json_object_get_int_member (data, "shown"), ==, yes_no);
  g_assert_cmpstr (json_object_get_string_member (fair, "selected_group"), ==, "yes,no");
  g_assert_cmpint (json_object_get_int_member (gui_member (gui_member (fair, "groups"), "yes,no"), "n"), ==, yes_no);
  g_assert_cmpint (json_object_get_int_member (gui_member (gui_member (fair, "groups"), "no,yes"), "n"), ==,
                   count_rows ("afam", "no", "single", "yes"));
}

/* Both pages that show the breakdown (Side by Side, then Fairness) share
 * one full run, and going back to columns seen before reuses theirs. */
static void
test_shared_runs (void)
{
  g_autoptr(JsonObject) split = NULL;
  g_autoptr(JsonObject) back = NULL;
  JsonObject *fair;

  if (!need_xvfb ())
    return;
  split = drive_hmda ("split", (const char *const[]) { "set-view('fairness')", NULL });
  fair = gui_member (split, "fairness");
  g_assert_cmpstr (json_object_get_string_member (split, "view"), ==, "fairness");
  g_assert_true (json_object_get_boolean_member (fair, "ready"));
  g_assert_cmpint (json_object_get_int_member (fair, "runs"), ==, 1);

  back = drive_hmda ("fairness", (const char *const[]) { "set-fairness-columns(('single', ''))",
                                                         "set-fairness-columns(('afam', ''))", NULL });
  fair = gui_member (back, "fairness");
  g_assert_true (json_object_get_boolean_member (fair, "ready"));
  g_assert_cmpstr (json_object_get_string_member (fair, "breakdown"), ==, "afam");
  g_assert_cmpint (json_object_get_int_member (fair, "runs"), ==, 2);
}

/* The fashion demo's labels.csv has no group column: the view says what
 * is missing instead of showing figures. */
static void
test_images_without_groups (void)
{
  g_autoptr(JsonObject) state = NULL;
  JsonObject *fair;

  if (!need_xvfb ())
    return;
  state = gui_drive (tmpdir, "fairness", NULL, NULL);
  fair = gui_member (state, "fairness");
  g_assert_cmpstr (json_object_get_string_member (gui_member (state, "data"), "kind"), ==, "images");
  g_assert_false (json_object_get_boolean_member (fair, "ready"));
  g_assert_cmpstr (json_object_get_string_member (fair, "status"), ==, "unavailable");
  g_assert_nonnull (strstr (json_object_get_string_member (fair, "message"), "labels.csv"));
}

/* Images whose labels.csv has a group column are compared on the first
 * class ("t-shirt"); the figures follow PyTorch's predictions. */
static void
test_images_with_groups (void)
{
  g_autofree char *samples = gui_demo_path ("fashion-samples");
  g_autofree char *model = gui_demo_path ("fashion-cnn.onnx");
  g_autofree char *metrics_path = gui_demo_path ("metrics.json");
  g_autoptr(JsonObject) metrics = gui_load_json (metrics_path);
  JsonObject *predictions = gui_member (metrics, "fashion_samples");
  g_autoptr(GList) names = json_object_get_members (predictions);
  g_autofree char *folder = g_build_filename (tmpdir, "grouped", NULL);
  g_autofree char *labels_path = g_build_filename (folder, "labels.csv", NULL);
  g_autoptr(GString) labels = g_string_new ("file,label,site\n");
  g_autoptr(JsonObject) state = NULL;
  Counts counts[2] = { { 0 } };
  static const char *const sites[] = { "north", "south" };
  g_autoptr(GError) error = NULL;
  JsonObject *fair;

  if (!need_xvfb ())
    return;
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonObject *p = gui_member (predictions, name);
      g_autofree char *from = g_build_filename (samples, name, NULL);
      g_autofree char *to = g_build_filename (folder, name, NULL);
      g_autofree char *bytes = NULL;
      gsize len;
      /* Uneven groups: the t-shirts, trousers and a bag in the north. */
      int site = g_str_has_prefix (name, "t-shirt") || g_str_has_prefix (name, "trouser")
                 || g_str_equal (name, "bag-1.png") ? 0 : 1;
      /* The favourable probability is at least 0.5 only when "t-shirt" is
       * the predicted class with that probability: no other class can
       * then reach 0.5, and a class below the top one is below 0.5. */
      gboolean decided = g_str_equal (json_object_get_string_member (p, "predicted"), "t-shirt")
                         && json_object_get_double_member (p, "probability") >= 0.5;
      gboolean positive = g_str_equal (json_object_get_string_member (p, "label"), "t-shirt");

      g_file_get_contents (from, &bytes, &len, &error);
      g_assert_no_error (error);
      g_file_set_contents (to, bytes, (gssize) len, &error);
      g_assert_no_error (error);
      g_string_append_printf (labels, "%s,%s,%s\n", name, json_object_get_string_member (p, "label"), sites[site]);
      if (decided && positive)
        counts[site].tp++;
      else if (decided)
        counts[site].fp++;
      else if (positive)
        counts[site].fn++;
      else
        counts[site].tn++;
    }
  g_file_set_contents (labels_path, labels->str, (gssize) labels->len, &error);
  g_assert_no_error (error);
  g_assert_cmpint (counts[0].tp + counts[0].fp, >, 0);

  state = gui_drive (tmpdir, "fairness", (const char *const[]) { model, folder, NULL }, NULL);
  fair = gui_member (state, "fairness");
  g_assert_true (json_object_get_boolean_member (fair, "ready"));
  g_assert_cmpstr (json_object_get_string_member (fair, "breakdown"), ==, "site");
  g_assert_cmpstr (json_object_get_string_member (fair, "favourable"), ==, "t-shirt");
  g_assert_cmpuint (json_object_get_size (gui_member (fair, "groups")), ==, 2);
  for (guint s = 0; s < G_N_ELEMENTS (sites); s++)
    assert_group_counts (gui_member (gui_member (fair, "groups"), sites[s]), &counts[s], sites[s]);
  /* The south gets no t-shirt decision at all: the rule fails. */
  g_assert_true (json_object_get_boolean_member (fair, "four_fifths_failed"));
  /* Images have no attribution by group. */
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (fair, "attribution")));
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("candor-fairness-XXXXXX", &error);
  g_assert_no_error (error);
  gui_set_home (tmpdir);

  g_test_add_func ("/fairness/table/figures-match-numpy", test_matches_numpy);
  g_test_add_func ("/fairness/table/threshold-moves-the-figures", test_threshold);
  g_test_add_func ("/fairness/table/picked-group-lists-its-rows", test_select_group);
  g_test_add_func ("/fairness/table/pages-share-runs", test_shared_runs);
  g_test_add_func ("/fairness/images/without-groups-say-what-is-missing", test_images_without_groups);
  g_test_add_func ("/fairness/images/groups-from-labels-csv", test_images_with_groups);
  status = g_test_run ();

  if (hmda.csv != NULL)
    {
      cx_csv_free (hmda.csv);
      g_free (hmda.p);
      g_free (hmda.y);
    }
  cx_test_remove_tree (tmpdir);
  g_free (tmpdir);
  return status;
}
