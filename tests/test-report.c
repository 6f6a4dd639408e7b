/* test-report.c: the PDF report of a table session, rebuilt by
 * `candor-cli report` from the session file alone: a page per selected
 * row with the method the session saved per column, the fairness breakdown (its
 * figures equal to the numpy reference of the demo), attribution by
 * subgroup, the sanity check and the findings; and the mean baseline of a
 * table row is the table's mean row.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "testutil.h"

#include <math.h>
#include <string.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "counterfactual.h"
#include "engine.h"
#include "input.h"
#include "session-file.h"

static char *tmpdir;

static char *
demo (const char *name)
{
  return cx_test_source_path ("resources", "demo", name, NULL);
}

static char *
write_session_full (const char *name, const char *const *selected, const char *table_method,
                    const char *table_baseline, const char *const *whatif_locked, int whatif_count)
{
  g_autoptr(CxSession) s = cx_session_new ();
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (tmpdir, name, NULL);

  s->model_path = demo ("hmda-mlp.onnx");
  s->data_path = demo ("hmda.csv");
  s->schema_path = demo ("hmda-schema.json");
  s->model_sha256 = cx_file_sha256 (s->model_path, &error);
  s->data_sha256 = cx_file_sha256 (s->data_path, &error);
  s->schema_sha256 = cx_file_sha256 (s->schema_path, &error);
  g_assert_no_error (error);
  s->seed = 0;
  for (guint i = 0; selected[i] != NULL; i++)
    g_ptr_array_add (s->selected, g_strdup (selected[i]));
  g_free (s->table_method);
  s->table_method = g_strdup (table_method);
  g_free (s->table_baseline);
  s->table_baseline = g_strdup (table_baseline);
  for (guint i = 0; whatif_locked != NULL && whatif_locked[i] != NULL; i++)
    g_ptr_array_add (s->whatif_locked, g_strdup (whatif_locked[i]));
  s->whatif_count = whatif_count;
  cx_session_add_finding (s, "row 13", "Denied while the data's approved rows look alike");
  g_assert_true (cx_session_save (s, path, &error));
  g_assert_no_error (error);
  return path;
}

static char *
write_session_with (const char *name, const char *const *selected, const char *table_method,
                    const char *table_baseline)
{
  return write_session_full (name, selected, table_method, table_baseline, NULL, 5);
}

static char *
write_session (const char *name, const char *const *selected)
{
  return write_session_with (name, selected, "ig", "mean");
}

/* The text of @pdf, by poppler's pdftotext; NULL (test skipped) without it. */
static char *
pdf_text (const char *pdf)
{
  g_autofree char *tool = g_find_program_in_path ("pdftotext");
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status;

  if (tool == NULL)
    {
      g_test_skip ("pdftotext is not installed (apt-get install poppler-utils)");
      return NULL;
    }
  g_spawn_sync (NULL, (char *[]) { tool, "-layout", (char *) pdf, "-", NULL }, NULL, G_SPAWN_DEFAULT,
                NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out;
}

/* Runs `candor-cli report` on @session into @pdf, which must succeed
 * silently, and returns the PDF's text (NULL: test skipped). */
static char *
report_text (const char *session, const char *pdf)
{
  g_auto(CxCliResult) r = { 0 };

  cx_test_run_cli (&r, "report", "--session", session, "--out", pdf, NULL);
  g_assert_cmpstr (r.err, ==, "");
  g_assert_cmpint (r.status, ==, 0);
  return pdf_text (pdf);
}

static JsonObject *
reference_breakdown (JsonParser *parser, const char *column)
{
  JsonObject *root = json_node_get_object (json_parser_get_root (parser));
  return json_object_get_object_member (json_object_get_object_member (root, "sensitive"), column);
}

static void
assert_contains (const char *text, const char *needle)
{
  if (strstr (text, needle) == NULL)
    g_error ("the report does not say “%s”", needle);
}

static void
test_table_report (void)
{
  g_auto(CxTestTable) t = { 0 };
  g_autofree char *session = NULL;
  g_autofree char *pdf = g_build_filename (tmpdir, "report.pdf", NULL);
  g_autofree char *text = NULL;
  g_autofree char *ref_path = demo ("hmda-reference.json");
  g_autoptr(JsonParser) ref = json_parser_new ();
  g_autoptr(GError) error = NULL;
  const char *columns[] = { "afam", "single" };
  char *flat;

  if (!cx_test_table_load_hmda (&t))
    return;
  session = write_session ("table.candor", (const char *const[]) { "row 13", NULL });
  text = report_text (session, pdf);
  if (text == NULL)
    return;
  /* pdftotext breaks lines where the page does: compare on one line. */
  for (flat = text; *flat; flat++)
    if (*flat == '\n')
      *flat = ' ';

  assert_contains (text, "Sample row 13");
  assert_contains (text, "Fairness by subgroup");
  assert_contains (text, "What drives decisions, by subgroup");
  assert_contains (text, "Sanity check");
  assert_contains (text, "Denied while the data's approved rows look alike");
  assert_contains (text, "(ok)");
  g_assert_true (json_parser_load_from_file (ref, ref_path, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      JsonObject *b = reference_breakdown (ref, columns[i]);
      g_autofree char *dp = g_strdup_printf ("Demographic parity: difference %.3f",
                                             json_object_get_double_member (b, "demographic_parity_difference"));
      g_autofree char *ratio = g_strdup_printf ("ratio %.3f",
                                                json_object_get_double_member (b, "demographic_parity_ratio"));
      g_autofree char *eo = g_strdup_printf ("Equalized odds difference %.3f",
                                             json_object_get_double_member (b, "equalized_odds_difference"));
      JsonObject *groups = json_object_get_object_member (b, "groups");
      g_autoptr(GList) names = json_object_get_members (groups);

      assert_contains (text, dp);
      assert_contains (text, ratio);
      assert_contains (text, eo);
      for (GList *l = names; l != NULL; l = l->next)
        {
          JsonObject *g = json_object_get_object_member (groups, l->data);
          g_autofree char *line = g_strdup_printf ("%s: n = %" G_GINT64_FORMAT "; selection rate (%%) %.1f",
                                                   (char *) l->data, json_object_get_int_member (g, "n"),
                                                   100 * json_object_get_double_member (g, "selection_rate"));
          assert_contains (text, line);
        }
    }
}

/* `explain --baseline mean` on T.csv:ROW: the baseline is the table's mean
 * row, whose output the test computes itself. */
static void
test_row_mean_baseline (void)
{
  g_auto(CxTestTable) t = { 0 };
  g_auto(CxCliResult) r = { 0 };
  g_autofree char *model = demo ("hmda-mlp.onnx");
  g_autofree char *csv = demo ("hmda.csv");
  g_autofree char *schema = demo ("hmda-schema.json");
  g_autofree char *input = g_strdup_printf ("%s:13", csv);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CxTensor) mean = NULL;
  g_autoptr(CxTensor) out = NULL;
  JsonObject *root, *completeness, *cols;
  int64_t F, N, target;
  double sum = 0;

  if (!cx_test_table_load_hmda (&t))
    return;
  cx_test_run_cli (&r, "explain", "--model", model, "--input", input, "--schema", schema,
                   "--method", "ig", "--baseline", "mean", NULL);
  g_assert_cmpstr (r.err, ==, "");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (json_parser_load_from_data (parser, r.out, -1, &error));
  root = json_node_get_object (json_parser_get_root (parser));
  completeness = json_object_get_object_member (root, "completeness");
  target = json_object_get_int_member (root, "target");

  N = t.x->shape[0];
  F = t.x->shape[1];
  mean = cx_tensor_new_f32 (2, (int64_t[]) { 1, F }, NULL);
  for (int64_t j = 0; j < F; j++)
    {
      double acc = 0;
      for (int64_t i = 0; i < N; i++)
        acc += t.x->data.f[i * F + j];
      mean->data.f[j] = (float) (acc / N);
    }
  out = cx_engine_predict (t.model, mean, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (completeness, "output_baseline"),
                                  out->data.f[target], 1e-5);
  cols = json_object_get_object_member (root, "columns");
  {
    g_autoptr(GList) names = json_object_get_members (cols);
    for (GList *l = names; l != NULL; l = l->next)
      sum += fabs (json_object_get_double_member (cols, l->data));
  }
  g_assert_cmpfloat (sum, >, 0.1);
}

static void
test_bad_row (void)
{
  g_auto(CxTestTable) t = { 0 };
  g_auto(CxCliResult) r = { 0 };
  g_autofree char *session = NULL;
  g_autofree char *pdf = g_build_filename (tmpdir, "never.pdf", NULL);
  g_autofree char *csv = demo ("hmda.csv");
  g_autofree char *want = NULL;

  if (!cx_test_table_load_hmda (&t))
    return;
  session = write_session ("bad.candor", (const char *const[]) { "row 99999", NULL });
  want = g_strdup_printf ("candor-cli: %s: sample 'row 99999' is not a row of %s\n", session, csv);
  cx_test_run_cli (&r, "report", "--session", session, "--out", pdf, NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_cmpstr (r.err, ==, want);
  g_assert_false (g_file_test (pdf, G_FILE_TEST_EXISTS));
}

/* A row page explains with the method and baseline the session saved, as
 * the app showed them: Shapley sampling against zeros here, each bar the
 * value `candor-cli explain` gives, and no completeness line (that is
 * integrated gradients' check). */
static void
test_row_follows_session_method (void)
{
  g_autofree char *session = write_session_with ("shap.candor", (const char *const[]) { "row 13", NULL },
                                                 "shap", "zeros");
  g_autofree char *pdf = g_build_filename (tmpdir, "shap.pdf", NULL);
  g_autofree char *model = demo ("hmda-mlp.onnx");
  g_autofree char *csv = demo ("hmda.csv");
  g_autofree char *schema = demo ("hmda-schema.json");
  g_autofree char *input = g_strdup_printf ("%s:13", csv);
  g_autofree char *text = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_auto(CxCliResult) e = { 0 };
  g_autoptr(GList) names = NULL;
  JsonObject *columns;

  text = report_text (session, pdf);
  if (text == NULL)
    return;
  {
    /* pdftotext breaks and indents lines where the page does: one space. */
    char *w = text;
    for (const char *c = text; *c; c++)
      if (!g_ascii_isspace (*c) || (w > text && w[-1] != ' '))
        *w++ = g_ascii_isspace (*c) ? ' ' : *c;
    *w = '\0';
  }
  cx_test_run_cli (&e, "explain", "--model", model, "--input", input, "--schema", schema,
                   "--method", "shap", "--baseline", "zeros", NULL);
  g_assert_cmpint (e.status, ==, 0);
  g_assert_true (json_parser_load_from_data (parser, e.out, -1, &error));
  columns = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "columns");
  names = json_object_get_members (columns);
  g_assert_cmpuint (g_list_length (names), ==, 13);
  for (GList *l = names; l != NULL; l = l->next)
    {
      g_autofree char *number = g_strdup_printf ("%+.4f", json_object_get_double_member (columns, l->data));
      assert_contains (text, number);
    }
  assert_contains (text, "Shapley value sampling");
  assert_contains (text, "against a row of zeros");
  g_assert_null (strstr (text, "Completeness"));

  /* A name the app never writes is refused, not replaced. */
  {
    g_autofree char *bad = write_session_with ("bad-method.candor", (const char *const[]) { "row 13", NULL },
                                               "gradcam", "mean");
    g_autofree char *want = g_strdup_printf ("candor-cli: %s: table_method 'gradcam' is not ig, shap, "
                                             "gradxinput or saliency\n", bad);
    g_auto(CxCliResult) b = { 0 };
    cx_test_run_cli (&b, "report", "--session", bad, "--out", pdf, NULL);
    g_assert_cmpint (b.status, ==, 1);
    g_assert_cmpstr (b.err, ==, want);
  }
}

/* The lines of @text from the one starting with @first up to the one
 * starting with @last (both trimmed), without those. */
static GPtrArray *
section_lines (const char *text, const char *first, const char *last)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  gboolean inside = FALSE;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *trimmed = g_strstrip (g_strdup (lines[i]));
      if (!inside)
        inside = g_str_has_prefix (trimmed, first);
      else if (g_str_has_prefix (trimmed, last))
        return out;
      else
        g_ptr_array_add (out, g_strdup (lines[i]));
    }
  g_error ("the report has no section from “%s” to “%s”", first, last);
  return out;
}

static guint
count_matching (GPtrArray *lines, const char *pattern)
{
  g_autoptr(GRegex) re = g_regex_new (pattern, 0, 0, NULL);
  guint n = 0;

  g_assert_nonnull (re);
  for (guint i = 0; i < lines->len; i++)
    n += g_regex_match (re, lines->pdata[i], 0, NULL);
  return n;
}

/* A row's page lists the counterfactuals the What If view finds with the
 * session's settings: as many options as cx_counterfactual_run gives for
 * that count and those locks, each with its probability, distance and
 * changes (column, from → to); the column the reviewer locked, which the
 * search changes when it is free, never appears as changed. */
static void
test_counterfactuals_follow_session (void)
{
  g_auto(CxTestTable) t = { 0 };
  g_autoptr(CxCounterfactualResult) free_run = NULL;
  g_autoptr(CxCounterfactualResult) locked_run = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *session = NULL;
  g_autofree char *pdf = g_build_filename (tmpdir, "whatif.pdf", NULL);
  g_autofree char *text = NULL;
  g_autofree char *locked_name = NULL;
  g_autofree char *never = NULL;
  g_autofree char *said = NULL;
  g_autofree char *row_id = NULL;
  g_autoptr(CxTensor) out = NULL;
  g_autoptr(CxTensor) prob = NULL;
  const char *lock[2] = { NULL, NULL };
  CxCounterfactualParams cp;
  int64_t row = -1;
  const int count = 3;

  if (!cx_test_table_load_hmda (&t))
    return;
  /* The first row the model denies. */
  out = cx_engine_predict (t.model, t.x, 0, NULL, &error);
  g_assert_no_error (error);
  prob = cx_output_probabilities (t.model, 0, out);
  for (int64_t i = 0; i < t.x->shape[0] && row < 0; i++)
    if (prob->data.f[i * prob->shape[1] + t.schema->favourable_output] < 0.4)
      row = i;
  g_assert_cmpint (row, >=, 0);
  row_id = g_strdup_printf ("row %" G_GINT64_FORMAT, row + 1);
  cx_counterfactual_params_init (&cp);
  cp.count = count;
  free_run = cx_counterfactual_run (t.model, t.schema, t.csv, t.x, row, &cp, &error);
  g_assert_no_error (error);
  g_assert_false (free_run->already_favourable);
  g_assert_cmpint (free_run->n_items, >, 0);
  g_assert_cmpint (free_run->items[0].n_changes, >, 0);
  /* The column the free search changes first is the one locked. */
  locked_name = g_strdup (t.schema->columns[free_run->items[0].changes[0].column].name);
  lock[0] = locked_name;
  cp.lock = lock;
  locked_run = cx_counterfactual_run (t.model, t.schema, t.csv, t.x, row, &cp, &error);
  g_assert_no_error (error);
  g_assert_cmpint (locked_run->n_items, >, 0);

  session = write_session_full ("whatif.candor", (const char *const[]) { row_id, NULL }, "ig", "mean",
                                lock, count);
  text = report_text (session, pdf);
  if (text == NULL)
    return;
  lines = section_lines (text, "What would change the decision", "Probability: the model");

  /* One line per option, numbered, with its probability and distance. */
  g_assert_cmpuint (count_matching (lines, "^\\s*\\d+\\s+\\S.*→"), ==, locked_run->n_items);
  for (int i = 0; i < locked_run->n_items; i++)
    {
      const CxCounterfactual *cf = &locked_run->items[i];
      g_autofree char *option = g_strdup_printf ("^\\s*%d\\s+.*\\s%.1f %%\\s+%.2f\\s*$", i + 1,
                                                 100 * cf->probability, cf->distance);
      g_assert_cmpuint (count_matching (lines, option), ==, 1);
      for (int k = 0; k < cf->n_changes; k++)
        {
          g_autofree char *name = g_regex_escape_string (t.schema->columns[cf->changes[k].column].name, -1);
          g_autofree char *from = g_regex_escape_string (cf->changes[k].from, -1);
          g_autofree char *to = g_regex_escape_string (cf->changes[k].to, -1);
          g_autofree char *change = g_strdup_printf ("(^|\\s)%s\\s+%s\\s*→\\s*%s(\\s|$)", name, from, to);
          if (count_matching (lines, change) == 0)
            g_error ("the report does not list option %d's change of %s", i + 1, cf->changes[k].column >= 0
                     ? t.schema->columns[cf->changes[k].column].name : "?");
        }
    }
  {
    g_autofree char *escaped = g_regex_escape_string (locked_name, -1);
    never = g_strdup_printf ("(^|\\s)%s\\s+\\S.*→", escaped);
  }
  g_assert_cmpuint (count_matching (lines, never), ==, 0);
  said = g_strdup_printf ("Locked by the reviewer: %s.", locked_name);
  {
    /* pdftotext breaks and indents lines where the page does: one space. */
    char *w = text;
    for (const char *c = text; *c; c++)
      if (!g_ascii_isspace (*c) || (w > text && w[-1] != ' '))
        *w++ = g_ascii_isspace (*c) ? ' ' : *c;
    *w = '\0';
  }
  assert_contains (text, said);
  assert_contains (text, "Locked by the schema: afam and single.");
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("candor-report-XXXXXX", &error);
  g_assert_no_error (error);
  g_test_add_func ("/report/table/rows-fairness-sanity-findings", test_table_report);
  g_test_add_func ("/report/table/bad-row-is-refused", test_bad_row);
  g_test_add_func ("/report/table/rows-follow-the-sessions-method", test_row_follows_session_method);
  g_test_add_func ("/report/table/counterfactuals-follow-the-sessions-whatif", test_counterfactuals_follow_session);
  g_test_add_func ("/cli/explain/row-mean-baseline-is-the-table-mean", test_row_mean_baseline);
  status = g_test_run ();
  cx_test_remove_tree (tmpdir);
  g_free (tmpdir);
  return status;
}
