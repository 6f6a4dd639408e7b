/* test-tabular.c: one attribution per raw column, and the mean baseline of
 * a table row.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"

#include <math.h>
#include <string.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "npy.h"
#include "tabular.h"
#include "testutil.h"

/* u numeric, k categorical over two features, v numeric. */
#define SCHEMA "{\"features\": [{\"column\": \"u\"}, {\"column\": \"k\", \"equals\": \"p\"}," \
               " {\"column\": \"k\", \"equals\": \"q\"}, {\"column\": \"v\"}]}"

static CxSchema *
schema_from (const char *text)
{
  g_autoptr(GError) error = NULL;
  CxSchema *s = cx_schema_parse (text, strlen (text), "s.json", &error);
  g_assert_no_error (error);
  return s;
}

static CxExplanation *
explanation_of (CxMethod method, const float *values, int64_t n)
{
  CxExplanation *e = g_new0 (CxExplanation, 1);
  int64_t shape[2] = { 1, n };

  e->method = method;
  e->attribution = cx_tensor_new_f32 (2, shape, values);
  return e;
}

static void
test_players (void)
{
  g_autoptr(CxSchema) schema = schema_from (SCHEMA);
  g_autofree int *players = cx_schema_players (schema);
  int64_t row_shape[2] = { 1, 4 }, other_shape[2] = { 1, 5 };
  g_autoptr(CxTensor) row = cx_tensor_new_zeros (CX_ELEM_FLOAT, 2, row_shape, NULL);
  g_autoptr(CxTensor) other = cx_tensor_new_zeros (CX_ELEM_FLOAT, 2, other_shape, NULL);
  CxExplainParams p;

  g_assert_cmpint (schema->n_columns, ==, 3);
  g_assert_cmpint (players[0], ==, 0);
  g_assert_cmpint (players[1], ==, 1);
  g_assert_cmpint (players[2], ==, 1);
  g_assert_cmpint (players[3], ==, 2);

  /* Only an input of the schema's width gets players. */
  cx_explain_params_init (&p, CX_METHOD_SHAP);
  cx_schema_set_players (schema, other, players, &p);
  g_assert_null (p.groups);
  cx_schema_set_players (schema, row, players, &p);
  g_assert_true (p.groups == players);
  g_assert_cmpint (p.n_groups, ==, 3);
}

/* Gradient methods sum a column's features; Shapley sampling already gives
 * each of them the column's value and must not count it twice. */
static void
test_column_attribution (void)
{
  g_autoptr(CxSchema) schema = schema_from (SCHEMA);
  const float ig[4] = { 0.5f, 0.25f, -0.125f, 2.0f };
  const float shap[4] = { 0.5f, 0.3f, 0.3f, -2.0f };
  g_autoptr(CxExplanation) e_ig = explanation_of (CX_METHOD_IG, ig, 4);
  g_autoptr(CxExplanation) e_shap = explanation_of (CX_METHOD_SHAP, shap, 4);
  g_autoptr(CxExplanation) e_short = explanation_of (CX_METHOD_IG, ig, 3);
  double out[3];

  g_assert_true (cx_schema_column_attribution (schema, e_ig, out));
  g_assert_cmpfloat (out[0], ==, 0.5);
  g_assert_cmpfloat (out[1], ==, 0.125);
  g_assert_cmpfloat (out[2], ==, 2.0);

  g_assert_true (cx_schema_column_attribution (schema, e_shap, out));
  g_assert_cmpfloat_with_epsilon (out[1], 0.3, 1e-7);
  g_assert_cmpfloat (out[2], ==, -2.0);

  g_assert_false (cx_schema_column_attribution (schema, e_short, out));
}

/* The table is encoded as cx_schema_encode does, row by row. */
static void
test_table_load (void)
{
  g_autofree char *csv = cx_test_source_path ("resources", "demo", "hmda.csv", NULL);
  g_autofree char *schema_path = cx_test_source_path ("resources", "demo", "hmda-schema.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CxTensor) table = cx_schema_table_load (schema_path, csv, &error);
  g_autoptr(CxCsv) data = cx_csv_load (csv, &error);
  g_autoptr(CxSchema) schema = cx_schema_load (schema_path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (table);
  g_assert_true (cx_schema_bind (schema, data, &error));
  g_assert_cmpint (table->ndim, ==, 2);
  g_assert_cmpint (table->shape[0], ==, data->n_rows);
  g_assert_cmpint (table->shape[1], ==, schema->n_features);
  for (int64_t r = 0; r < data->n_rows; r += 797)
    {
      g_autoptr(CxTensor) row = cx_schema_encode_row (schema, data, r, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (row->data.f, sizeof (float) * row->numel,
                       table->data.f + r * schema->n_features, sizeof (float) * row->numel);
    }

  g_assert_null (cx_schema_table_load (schema_path, "/nonexistent/t.csv", &error));
  g_assert_nonnull (error);
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* `--baseline mean` for a CSV row is the mean of the whole table: f(baseline)
 * is the model's output for that mean, computed here column by column and
 * predicted from an .npy. */
static void
test_cli_mean_baseline (void)
{
  g_autofree char *model = cx_test_source_path ("resources", "demo", "hmda-mlp.onnx", NULL);
  g_autofree char *csv = cx_test_source_path ("resources", "demo", "hmda.csv", NULL);
  g_autofree char *schema_path = cx_test_source_path ("resources", "demo", "hmda-schema.json", NULL);
  g_autofree char *row = g_strdup_printf ("%s:7", csv);
  g_autofree char *tmpdir = g_dir_make_tmp ("candor-tabular-XXXXXX", NULL);
  g_autofree char *mean_path = g_build_filename (tmpdir, "mean.npy", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CxSchema) schema = cx_schema_load (schema_path, &error);
  g_autoptr(CxCsv) data = cx_csv_load (csv, &error);
  g_autoptr(CxTensor) x = NULL;
  g_autoptr(CxTensor) mean = NULL;
  g_autoptr(JsonObject) explained = NULL;
  g_autoptr(JsonObject) predicted = NULL;
  g_auto(CxCliResult) r1 = { 0 };
  g_auto(CxCliResult) r2 = { 0 };
  int64_t shape[2] = { 1, 0 };
  JsonObject *completeness;
  JsonArray *outputs;
  int64_t target;

  g_assert_true (cx_schema_bind (schema, data, &error));
  x = cx_schema_encode (schema, data, &error);
  g_assert_no_error (error);
  shape[1] = schema->n_features;
  mean = cx_tensor_new_zeros (CX_ELEM_FLOAT, 2, shape, NULL);
  for (int f = 0; f < schema->n_features; f++)
    {
      double s = 0;
      for (int64_t r = 0; r < data->n_rows; r++)
        s += x->data.f[r * schema->n_features + f];
      mean->data.f[f] = (float) (s / data->n_rows);
    }
  g_assert_true (cx_npy_save (mean_path, mean, &error));

  cx_test_run_cli (&r1, "explain", "--model", model, "--input", row, "--schema", schema_path,
                   "--method", "ig", "--baseline", "mean", NULL);
  g_assert_cmpstr (r1.err, ==, "");
  g_assert_cmpint (r1.status, ==, 0);
  explained = parse_object (r1.out);
  completeness = json_object_get_object_member (explained, "completeness");
  target = json_object_get_int_member (explained, "target");

  cx_test_run_cli (&r2, "predict", "--model", model, "--input", mean_path, NULL);
  g_assert_cmpint (r2.status, ==, 0);
  predicted = parse_object (r2.out);
  outputs = json_object_get_array_member (json_array_get_object_element (
              json_object_get_array_member (predicted, "rows"), 0), "outputs");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (completeness, "output_baseline"),
                                  json_array_get_double_element (outputs, target), 1e-5);
  /* And the baseline is not the row itself (which would make every bar 0). */
  g_assert_cmpfloat (fabs (json_object_get_double_member (completeness, "difference")), >, 1e-3);

  g_unlink (mean_path);
  g_rmdir (tmpdir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tabular/players/one-per-raw-column", test_players);
  g_test_add_func ("/tabular/columns/sum-features-but-not-shapley-values", test_column_attribution);
  g_test_add_func ("/tabular/table/encoded-as-row-by-row", test_table_load);
  g_test_add_func ("/tabular/cli/mean-baseline-is-the-tables-mean", test_cli_mean_baseline);
  return g_test_run ();
}
