/* test-counterfactual.c: counterfactuals on a linear model (where the
 * smallest change is known in closed form), on HMDA, for images, and
 * `candor-cli counterfactual`.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "testutil.h"
#include "counterfactual.h"
#include "fairness.h"

#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static char *tmpdir;

/* ---- the linear table ---- */

/* Encoded features: a, b, n, color=red, color=green, color=blue, lockme. */
#define LF 7
static const float LIN_W[LF] = { 0.8f, 1.5f, 1.0f, 0.0f, 0.5f, -0.5f, 5.0f };

static const char *const LIN_SCHEMA =
  "{\"features\": ["
  " {\"column\": \"a\", \"mean\": 0, \"std\": 2},"
  " {\"column\": \"b\", \"mean\": 50, \"std\": 30},"
  " {\"column\": \"n\", \"mean\": 20, \"std\": 10},"
  " {\"column\": \"color\", \"equals\": \"red\"},"
  " {\"column\": \"color\", \"equals\": \"green\"},"
  " {\"column\": \"color\", \"equals\": \"blue\"},"
  " {\"column\": \"lockme\", \"mean\": 5, \"std\": 1}],"
  " \"label\": {\"column\": \"y\", \"positive\": \"yes\"}, \"favourable_output\": 1,"
  " \"locked\": [\"lockme\"]}";

/* Row 1 is a = −1, b = 20, n = 10, blue, lockme = 5: logit −3.4. Then 299
 * (or @rows − 1) seeded rows: a ~ N(0, 2), b ~ U(0, 100), n integer in [0, 40]. */
static char *
linear_table_rows (int rows)
{
  static const char *const colors[] = { "red", "green", "blue" };
  GString *t = g_string_new ("id,a,b,n,color,lockme,y\n1,-1,20,10,blue,5,no\n");
  g_autoptr(GRand) rand = g_rand_new_with_seed (21);

  for (int r = 2; r <= rows; r++)
    {
      double u1 = g_rand_double (rand), u2 = g_rand_double (rand);
      double a = 2 * sqrt (-2 * log (1 - u1)) * cos (2 * G_PI * u2);
      g_string_append_printf (t, "%d,%.4f,%.3f,%d,%s,%.3f,%s\n", r, a, g_rand_double_range (rand, 0, 100),
                              g_rand_int_range (rand, 0, 41), colors[g_rand_int_range (rand, 0, 3)],
                              g_rand_double_range (rand, 3, 7), g_rand_boolean (rand) ? "yes" : "no");
    }
  return g_string_free (t, FALSE);
}

static char *
linear_table (void)
{
  return linear_table_rows (300);
}

static CxModel *
linear_model (gboolean sigmoid)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autoptr(GError) error = NULL;
  int64_t in_shape[2] = { -1, LF }, w_shape[2] = { 1, LF }, b_shape[1] = { 1 };
  float bias = 0;
  g_autoptr(CxTensor) wt = cx_tensor_new_f32 (2, w_shape, LIN_W);
  g_autoptr(CxTensor) bt = cx_tensor_new_f32 (1, b_shape, &bias);
  CxModel *m;

  cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 2, in_shape);
  cx_test_graph_const (g, "W", wt);
  cx_test_graph_const (g, "B", bt);
  cx_test_graph_node (g, "Gemm", "x,W,B", sigmoid ? "z" : "y");
  cx_test_graph_attr_int (g, "transB", 1);
  if (sigmoid)
    cx_test_graph_node (g, "Sigmoid", "z", "y");
  cx_test_graph_output (g, "y");
  m = cx_test_graph_build (g, &error);
  g_assert_no_error (error);
  return m;
}

static void
linear_table_load (CxTestTable *t, gboolean sigmoid)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = linear_table ();
  t->model = linear_model (sigmoid);
  t->schema = cx_schema_parse (LIN_SCHEMA, strlen (LIN_SCHEMA), "lin.json", &error);
  g_assert_no_error (error);
  t->csv = cx_csv_parse (text, strlen (text), "lin.csv", &error);
  g_assert_no_error (error);
  cx_test_table_bind (t);
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* Median absolute deviation of a numeric column, by sorting (independent of the engine's). */
static double
column_mad (const CxCsv *csv, const char *name)
{
  int c = cx_csv_column (csv, name);
  int64_t n = csv->n_rows;
  g_autofree double *v = g_new (double, n);
  double med, mad;

  for (int64_t r = 0; r < n; r++)
    v[r] = g_ascii_strtod (cx_csv_cell (csv, r, c), NULL);
  qsort (v, n, sizeof (double), cmp_double);
  med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  for (int64_t r = 0; r < n; r++)
    v[r] = fabs (v[r] - med);
  qsort (v, n, sizeof (double), cmp_double);
  mad = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  return mad;
}

static double
column_max (const CxCsv *csv, const char *name)
{
  int c = cx_csv_column (csv, name);
  double m = -INFINITY;
  for (int64_t r = 0; r < csv->n_rows; r++)
    m = MAX (m, g_ascii_strtod (cx_csv_cell (csv, r, c), NULL));
  return m;
}

/* Every counterfactual: favourable when predicted again from its text,
 * locked columns as in the row, integer columns integral, categories listed. */
static void
assert_all_valid (const CxTestTable *t, const CxCounterfactualResult *res, int64_t row,
                  const char *const *also_locked)
{
  const CxSchema *s = t->schema;

  for (int i = 0; i < res->n_items; i++)
    {
      const CxCounterfactual *cf = &res->items[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(CxTensor) x = NULL;
      g_autoptr(CxTensor) out = NULL;
      g_autofree float *p = NULL;
      int64_t shape[2] = { 1, s->n_features };
      int changed = 0;

      x = cx_tensor_new (CX_ELEM_FLOAT, 2, shape, &error);
      g_assert_true (cx_schema_encode_values (s, (const char *const *) cf->values, x->data.f, "cf", &error));
      g_assert_no_error (error);
      out = cx_engine_predict (t->model, x, 0, NULL, &error);
      g_assert_no_error (error);
      p = cx_favourable_probability (t->model, s->favourable_output, out, &error);
      g_assert_no_error (error);
      g_assert_cmpfloat (p[0], >=, 0.5);
      g_assert_cmpfloat_with_epsilon (p[0], cf->probability, 1e-6);

      for (int c = 0; c < s->n_columns; c++)
        {
          const CxSchemaColumn *col = &s->columns[c];
          const char *orig = cx_csv_cell (t->csv, row, col->csv_column);
          gboolean locked = col->locked || (also_locked && g_strv_contains (also_locked, col->name));
          if (locked)
            g_assert_cmpstr (cf->values[c], ==, orig);
          if (col->kind == CX_COLUMN_CATEGORICAL)
            g_assert_true (g_strv_contains ((const char *const *) col->categories, cf->values[c]));
          else
            {
              double v;
              g_assert_true (cx_parse_number (cf->values[c], &v));
              g_assert_cmpfloat (v, >=, res->stats[c].min);
              g_assert_cmpfloat (v, <=, res->stats[c].max);
              if (res->stats[c].integer)
                g_assert_cmpfloat (v, ==, floor (v));
            }
          changed += strcmp (cf->values[c], orig) != 0;
        }
      g_assert_cmpint (cf->n_changes, ==, changed);
      g_assert_cmpint (cf->n_changes, >=, 1);
      g_assert_true (isfinite (cf->plausibility));
      g_assert_cmpfloat (cf->plausibility, >=, 0);
      if (i > 0)
        g_assert_cmpfloat (cf->distance, >=, res->items[i - 1].distance);
    }
}

/* The smallest weighted-L1 change of a linear logit: the most effective
 * single column if it can close the gap within the data's range, or a
 * category switch plus that column. */
static double
linear_optimum (const CxCsv *csv)
{
  const double gap = 3.4;
  const char *cols[] = { "a", "b", "n" };
  const double stds[] = { 2, 30, 10 }, from[] = { -1, 20, 10 };
  const double w[] = { LIN_W[0], LIN_W[1], LIN_W[2] };
  const double switch_gain[] = { 0.5, 1.0 };  /* blue → red, blue → green */
  double best = INFINITY;

  for (int k = -1; k < 2; k++)
    {
      double need = gap - (k >= 0 ? switch_gain[k] : 0), base = k >= 0 ? 1 : 0;
      if (need <= 0)
        {
          best = MIN (best, base);
          continue;
        }
      for (int c = 0; c < 3; c++)
        {
          double delta = need * stds[c] / w[c];
          if (g_str_equal (cols[c], "n"))
            delta = ceil (delta);
          if (from[c] + delta <= column_max (csv, cols[c]))
            best = MIN (best, base + delta / column_mad (csv, cols[c]));
        }
    }
  return best;
}

static void
test_linear_optimal (void)
{
  g_auto(CxTestTable) t = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(CxCounterfactualResult) res = NULL;
  CxCounterfactualParams p;
  double optimum;

  linear_table_load (&t, FALSE);
  optimum = linear_optimum (t.csv);
  cx_counterfactual_params_init (&p);
  res = cx_counterfactual_run (t.model, t.schema, t.csv, t.x, 0, &p, &error);
  g_assert_no_error (error);
  g_assert_false (res->already_favourable);
  g_assert_cmpfloat_with_epsilon (res->probability, 1 / (1 + exp (3.4)), 1e-6);
  g_assert_cmpint (res->n_items, >=, 3);
  g_assert_cmpint (res->n_items, <=, 5);
  assert_all_valid (&t, res, 0, NULL);
  /* The column n holds only integers; the others do not. */
  g_assert_true (res->stats[2].integer);
  g_assert_false (res->stats[0].integer);
  g_assert_false (res->stats[1].integer);
  g_test_message ("closest %.6f, optimum %.6f; %d counterfactuals", res->items[0].distance, optimum,
                  res->n_items);
  /* Nothing beats the optimum; the closest found is within 1 % of it. */
  g_assert_cmpfloat (res->items[0].distance, >=, optimum * (1 - 1e-9));
  g_assert_cmpfloat (res->items[0].distance, <=, optimum * 1.01);
  /* Here the optimum is b alone. */
  g_assert_cmpint (res->items[0].n_changes, ==, 1);
  g_assert_cmpstr (t.schema->columns[res->items[0].changes[0].column].name, ==, "b");
  g_assert_cmpstr (res->items[0].changes[0].from, ==, "20");
  /* Diverse: no two change the same columns the same way. */
  for (int i = 1; i < res->n_items; i++)
    g_assert_false (g_strv_equal ((const char *const *) res->items[i].values,
                                  (const char *const *) res->items[0].values));
}

/* A model ending in Sigmoid and a caller's lock: b may not move, so the
 * best route is the next best one. */
static void
test_linear_locked (void)
{
  g_auto(CxTestTable) t = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(CxCounterfactualResult) res = NULL;
  const char *const lock[] = { "b", NULL };
  CxCounterfactualParams p;

  linear_table_load (&t, TRUE);
  cx_counterfactual_params_init (&p);
  p.lock = lock;
  res = cx_counterfactual_run (t.model, t.schema, t.csv, t.x, 0, &p, &error);
  g_assert_no_error (error);
  g_assert_cmpint (res->n_items, >=, 1);
  assert_all_valid (&t, res, 0, lock);
  g_assert_true (res->stats[1].locked);
  g_assert_true (res->stats[4].locked);
  for (int i = 0; i < res->n_items; i++)
    for (int k = 0; k < res->items[i].n_changes; k++)
      {
        const char *name = t.schema->columns[res->items[i].changes[k].column].name;
        g_assert_cmpstr (name, !=, "b");
        g_assert_cmpstr (name, !=, "lockme");
      }
}

static void
test_already_favourable (void)
{
  g_auto(CxTestTable) t = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(CxCounterfactualResult) res = NULL;
  int64_t row = -1;

  linear_table_load (&t, FALSE);
  for (int64_t r = 1; r < t.csv->n_rows && row < 0; r++)
    {
      double z = 0;
      for (int f = 0; f < LF; f++)
        z += LIN_W[f] * t.x->data.f[r * LF + f];
      if (z > 1)
        row = r;
    }
  g_assert_cmpint (row, >, 0);
  res = cx_counterfactual_run (t.model, t.schema, t.csv, t.x, row, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (res->already_favourable);
  g_assert_cmpint (res->n_items, ==, 0);
}

static void
test_rejects (void)
{
  g_auto(CxTestTable) t = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(CxCounterfactualResult) res = NULL;
  const char *const lock[] = { "nosuch", NULL };
  CxCounterfactualParams p;

  linear_table_load (&t, FALSE);
  res = cx_counterfactual_run (t.model, t.schema, t.csv, t.x, 300, NULL, &error);
  g_assert_null (res);
  g_assert_error (error, CX_ERROR, CX_ERROR_ARGUMENT);
  g_assert_cmpstr (error->message, ==, "lin.csv: no row 301 (the table has 300 rows, counted from 1)");
  g_clear_error (&error);
  cx_counterfactual_params_init (&p);
  p.lock = lock;
  res = cx_counterfactual_run (t.model, t.schema, t.csv, t.x, 0, &p, &error);
  g_assert_null (res);
  g_assert_cmpstr (error->message, ==, "lin.csv: no column 'nosuch' to lock");
}

/* ---- HMDA ---- */


static void
test_hmda (void)
{
  g_auto(CxTestTable) t = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(CxTensor) out = NULL;
  g_autofree float *p = NULL;
  const char *const lock[] = { "insurance", NULL };
  int done = 0;

  if (!cx_test_table_load_hmda (&t))
    return;
  out = cx_engine_predict (t.model, t.x, 0, NULL, &error);
  g_assert_no_error (error);
  p = cx_favourable_probability (t.model, 0, out, &error);
  /* The first ten rows the model denies. */
  for (int64_t r = 0; r < t.csv->n_rows && done < 10; r++)
    {
      g_autoptr(CxCounterfactualResult) res = NULL;
      CxCounterfactualParams params;
      gint64 t0, t1;

      if (p[r] >= 0.5)
        continue;
      cx_counterfactual_params_init (&params);
      params.lock = done % 2 ? lock : NULL;
      t0 = g_get_monotonic_time ();
      res = cx_counterfactual_run (t.model, t.schema, t.csv, t.x, r, &params, &error);
      t1 = g_get_monotonic_time ();
      g_assert_no_error (error);
      g_test_message ("row %" G_GINT64_FORMAT ": p %.3f, %d counterfactuals in %.1f ms, closest %.3f",
                      r + 1, p[r], res->n_items, (t1 - t0) / 1000.0,
                      res->n_items ? res->items[0].distance : NAN);
      g_assert_cmpfloat_with_epsilon (res->probability, p[r], 1e-6);
      g_assert_cmpint (res->n_items, >=, 1);
      assert_all_valid (&t, res, r, params.lock);
      /* afam and single are locked by the schema. */
      g_assert_true (res->stats[cx_schema_find_column (t.schema, "afam")].locked);
      g_assert_true (res->stats[cx_schema_find_column (t.schema, "single")].locked);
      /* Timed by tests/bench/tabular, not asserted here. */
      g_test_message ("row %" G_GINT64_FORMAT ": %.1f ms", r, (t1 - t0) / 1000.0);
      done++;
    }
  g_assert_cmpint (done, ==, 10);
}

/* ---- images ---- */

/* z = W · flatten (x) + b over a 4 × 4 grey image, two classes. */
static void
test_image_linear (void)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (9);
  int64_t in_shape[4] = { 1, 1, 4, 4 }, w_shape[2] = { 2, 16 }, b_shape[1] = { 2 };
  g_autoptr(CxTensor) w = cx_test_uniform (rand, 2, w_shape, -1, 1);
  float bias[2] = { 0.5f, 0 };
  g_autoptr(CxTensor) bt = cx_tensor_new_f32 (1, b_shape, bias);
  g_autoptr(CxTensor) x = cx_test_uniform (rand, 4, in_shape, 0.4, 0.6);
  g_autoptr(CxModel) m = NULL;
  g_autoptr(CxImageCounterfactual) cf = NULL;
  CxImageCounterfactualParams p;
  double z0 = bias[0], z1 = bias[1], dw2 = 0, optimum;

  cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 4, in_shape);
  cx_test_graph_const (g, "W", w);
  cx_test_graph_const (g, "B", bt);
  cx_test_graph_node (g, "Flatten", "x", "f");
  cx_test_graph_node (g, "Gemm", "f,W,B", "y");
  cx_test_graph_attr_int (g, "transB", 1);
  cx_test_graph_output (g, "y");
  m = cx_test_graph_build (g, &error);
  g_assert_no_error (error);
  for (int i = 0; i < 16; i++)
    {
      z0 += w->data.f[i] * x->data.f[i];
      z1 += w->data.f[16 + i] * x->data.f[i];
      dw2 += pow (w->data.f[16 + i] - w->data.f[i], 2);
    }
  /* Make class 0 the prediction, then the distance to the boundary is closed form. */
  if (z1 > z0)
    {
      bias[0] += (float) (z1 - z0 + 0.5);
      z0 += z1 - z0 + 0.5;
      g_clear_pointer (&m, cx_model_free);
      {
        g_autoptr(CxTestGraph) g2 = cx_test_graph_new (13);
        g_autoptr(CxTensor) bt2 = cx_tensor_new_f32 (1, b_shape, bias);
        cx_test_graph_input (g2, "x", CX_ELEM_FLOAT, 4, in_shape);
        cx_test_graph_const (g2, "W", w);
        cx_test_graph_const (g2, "B", bt2);
        cx_test_graph_node (g2, "Flatten", "x", "f");
        cx_test_graph_node (g2, "Gemm", "f,W,B", "y");
        cx_test_graph_attr_int (g2, "transB", 1);
        cx_test_graph_output (g2, "y");
        m = cx_test_graph_build (g2, &error);
        g_assert_no_error (error);
      }
    }
  optimum = (z0 - z1) / sqrt (dw2);

  cx_image_counterfactual_params_init (&p);
  p.target = 1;
  cf = cx_image_counterfactual (m, x, &p, &error);
  g_assert_no_error (error);
  g_test_message ("L2 %.5f, optimum %.5f", cf->l2, optimum);
  g_assert_true (cf->success);
  g_assert_cmpint (cf->original_class, ==, 0);
  g_assert_cmpint (cf->predicted, ==, 1);
  g_assert_cmpfloat (cf->l2, >=, optimum * (1 - 1e-5));
  g_assert_cmpfloat (cf->l2, <=, optimum * 1.05);
  g_assert_true (cx_tensor_same_shape (cf->difference, x));
  for (int i = 0; i < 16; i++)
    {
      g_assert_cmpfloat_with_epsilon (cf->perturbed->data.f[i] - x->data.f[i], cf->difference->data.f[i], 1e-6);
      g_assert_cmpfloat (cf->perturbed->data.f[i], >=, 0);
      g_assert_cmpfloat (cf->perturbed->data.f[i], <=, 1);
    }
}

/* ---- plausibility ---- */

/* The nearest favourable row, found by predicting every row and measuring
 * the distance to each (ties: the first). Returns the most unfavourable
 * rows any counterfactual has nearer than its nearest favourable one. */
static int
assert_nearest_by_brute_force (const CxTestTable *t, const CxCounterfactualResult *res, double threshold)
{
  int most_nearer = 0;
  const CxSchema *s = t->schema;
  g_autoptr(GError) error = NULL;
  g_autoptr(CxTensor) out = cx_engine_predict (t->model, t->x, 0, NULL, &error);
  g_autofree float *p = NULL;

  g_assert_no_error (error);
  p = cx_favourable_probability (t->model, s->favourable_output, out, &error);
  g_assert_no_error (error);
  for (int i = 0; i < res->n_items; i++)
    {
      const CxCounterfactual *cf = &res->items[i];
      g_autofree double *dist = g_new (double, t->csv->n_rows);
      double best = INFINITY;
      int64_t best_row = -1;
      int nearer = 0;
      for (int64_t r = 0; r < t->csv->n_rows; r++)
        {
          double d = 0;
          for (int c = 0; c < s->n_columns; c++)
            {
              const CxSchemaColumn *col = &s->columns[c];
              if (col->kind == CX_COLUMN_NUMERIC)
                {
                  const CxSchemaFeature *f = &s->features[col->features[0]];
                  double v = t->x->data.f[r * s->n_features + col->features[0]] * f->std + f->mean, w;
                  g_assert_true (cx_parse_number (cf->values[c], &w));
                  d += fabs (v - w) / res->stats[c].mad;
                }
              else
                d += g_strcmp0 (cx_csv_cell (t->csv, r, col->csv_column), cf->values[c]) != 0;
            }
          dist[r] = d;
          if (p[r] < threshold)
            continue;
          if (d < best)
            {
              best = d;
              best_row = r + 1;
            }
        }
      g_assert_cmpint (best_row, >, 0);
      g_assert_cmpint (cf->nearest_row, ==, best_row);
      g_assert_cmpfloat_with_epsilon (cf->plausibility, best, 1e-9 * MAX (best, 1));
      for (int64_t r = 0; r < t->csv->n_rows; r++)
        nearer += dist[r] < best || (dist[r] == best && r + 1 < best_row);
      most_nearer = MAX (most_nearer, nearer);
    }
  return most_nearer;
}

/* Also when more than a few rows nearest a counterfactual are unfavourable
 * (so that the search has to look further than the nearest): the second
 * table adds 100 copies of row 1 with b = 87, just short of where the
 * decision flips; and on 20 000 rows, which are searched in parts. */
static void
test_plausibility (void)
{
  static const struct { int rows, copies; } cases[] = { { 300, 0 }, { 300, 100 }, { 20000, 0 } };

  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      int copies = cases[k].copies;
      g_auto(CxTestTable) t = { 0 };
      g_autoptr(GError) error = NULL;
      g_autoptr(CxCounterfactualResult) res = NULL;
      g_autofree char *base = linear_table_rows (cases[k].rows);
      GString *text = g_string_new (base);
      g_autofree char *data = NULL;
      int nearer;

      for (int j = 0; j < copies; j++)
        g_string_append_printf (text, "%d,-1,87,10,blue,5,no\n", cases[k].rows + 1 + j);
      data = g_string_free (text, FALSE);
      t.model = linear_model (FALSE);
      t.schema = cx_schema_parse (LIN_SCHEMA, strlen (LIN_SCHEMA), "lin.json", &error);
      g_assert_no_error (error);
      t.csv = cx_csv_parse (data, strlen (data), "lin.csv", &error);
      g_assert_no_error (error);
      cx_test_table_bind (&t);
      res = cx_counterfactual_run (t.model, t.schema, t.csv, t.x, 0, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (res->n_items, >=, 3);
      nearer = assert_nearest_by_brute_force (&t, res, 0.5);
      g_test_message ("%d rows, %d copies: up to %d unfavourable rows before the nearest favourable one",
                      cases[k].rows, copies, nearer);
      if (copies > 0)
        g_assert_cmpint (nearer, >=, copies);
    }
}

/* ---- progress and cancelling ---- */

typedef struct
{
  GArray *fractions;
  int stop_at;                 /* the call that returns FALSE (from 1), 0: never */
} Progress;

static gboolean
record_progress (double fraction, gpointer data)
{
  Progress *pr = data;
  g_array_append_val (pr->fractions, fraction);
  return pr->stop_at == 0 || (int) pr->fractions->len < pr->stop_at;
}

static void
assert_monotonic_to_one (GArray *fractions)
{
  g_assert_cmpuint (fractions->len, >, 0);
  for (guint i = 0; i < fractions->len; i++)
    {
      double f = g_array_index (fractions, double, i);
      g_assert_cmpfloat (f, >=, 0);
      g_assert_cmpfloat (f, <=, 1);
      if (i > 0)
        g_assert_cmpfloat (f, >=, g_array_index (fractions, double, i - 1));
    }
  g_assert_cmpfloat (g_array_index (fractions, double, fractions->len - 1), ==, 1.0);
}

/* A full run hears of every gradient step, never going back, ending at 1. */
static void
test_progress_monotonic (void)
{
  g_auto(CxTestTable) t = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(CxCounterfactualResult) res = NULL;
  g_autoptr(GArray) fractions = g_array_new (FALSE, FALSE, sizeof (double));
  Progress pr = { fractions, 0 };
  CxCounterfactualParams p;

  linear_table_load (&t, FALSE);
  cx_counterfactual_params_init (&p);
  p.engine.progress = record_progress;
  p.engine.progress_data = &pr;
  res = cx_counterfactual_run (t.model, t.schema, t.csv, t.x, 0, &p, &error);
  g_assert_no_error (error);
  g_assert_nonnull (res);
  g_assert_cmpint (res->n_items, >=, 1);
  g_assert_cmpint (res->iterations, >=, 2);
  g_assert_cmpuint (fractions->len, >=, (guint) res->iterations);
  assert_monotonic_to_one (fractions);
  /* Halfway through the steps is well before the end. */
  g_assert_cmpfloat (g_array_index (fractions, double, res->iterations / 2), <, 0.9);
}

/* Returning FALSE stops the run at once: no further calls, no result. */
static void
test_progress_cancel (void)
{
  g_auto(CxTestTable) t = { 0 };
  CxCounterfactualParams p;

  linear_table_load (&t, FALSE);
  for (int stop = 1; stop <= 5; stop += 2)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CxCounterfactualResult) res = NULL;
      g_autoptr(GArray) fractions = g_array_new (FALSE, FALSE, sizeof (double));
      Progress pr = { fractions, stop };

      cx_counterfactual_params_init (&p);
      p.engine.progress = record_progress;
      p.engine.progress_data = &pr;
      res = cx_counterfactual_run (t.model, t.schema, t.csv, t.x, 0, &p, &error);
      g_assert_null (res);
      g_assert_error (error, CX_ERROR, CX_ERROR_CANCELLED);
      g_assert_cmpuint (fractions->len, ==, (guint) stop);
      g_assert_cmpfloat (g_array_index (fractions, double, stop - 1), <, 1);
    }
}

/* Cancelled at any of the last calls, when the options are already found
 * and being checked, the run still ends cleanly with the cancelled error
 * (it once freed the changes of options it had not listed yet). */
static void
test_progress_cancel_late (void)
{
  g_auto(CxTestTable) t = { 0 };
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (double));
  Progress full = { all, 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(CxCounterfactualResult) done = NULL;
  CxCounterfactualParams p;
  int row = -1;

  cx_test_table_load_hmda (&t);
  /* A row the model denies, so there is a search to cancel. */
  for (int r = 0; r < 200 && row < 0; r++)
    {
      g_autoptr(CxCounterfactualResult) probe = NULL;
      cx_counterfactual_params_init (&p);
      p.count = 1;
      p.max_iterations = 1;
      probe = cx_counterfactual_run (t.model, t.schema, t.csv, t.x, r, &p, &error);
      g_assert_no_error (error);
      if (!probe->already_favourable)
        row = r;
    }
  g_assert_cmpint (row, >=, 0);

  cx_counterfactual_params_init (&p);
  p.engine.progress = record_progress;
  p.engine.progress_data = &full;
  done = cx_counterfactual_run (t.model, t.schema, t.csv, t.x, row, &p, &error);
  g_assert_no_error (error);
  g_assert_cmpint (done->n_items, >=, 1);
  for (int stop = MAX (1, (int) all->len - 6); stop <= (int) all->len; stop++)
    {
      g_autoptr(CxCounterfactualResult) res = NULL;
      g_autoptr(GArray) fractions = g_array_new (FALSE, FALSE, sizeof (double));
      Progress pr = { fractions, stop };

      p.engine.progress_data = &pr;
      res = cx_counterfactual_run (t.model, t.schema, t.csv, t.x, row, &p, &error);
      g_assert_null (res);
      g_assert_error (error, CX_ERROR, CX_ERROR_CANCELLED);
      g_clear_error (&error);
      g_assert_cmpuint (fractions->len, ==, (guint) stop);
    }
}

/* The same for an image: one call per step, and a stop after the third. */
static void
test_image_progress (void)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (4);
  int64_t in_shape[4] = { 1, 1, 3, 3 }, w_shape[2] = { 2, 9 };
  g_autoptr(CxTensor) w = cx_test_uniform (rand, 2, w_shape, -1, 1);
  g_autoptr(CxTensor) x = cx_test_uniform (rand, 4, in_shape, 0.2, 0.8);
  g_autoptr(CxModel) m = NULL;
  g_autoptr(GArray) fractions = g_array_new (FALSE, FALSE, sizeof (double));
  Progress pr = { fractions, 0 };
  CxImageCounterfactualParams p;

  cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 4, in_shape);
  cx_test_graph_const (g, "W", w);
  cx_test_graph_node (g, "Flatten", "x", "f");
  cx_test_graph_node (g, "Gemm", "f,W", "y");
  cx_test_graph_attr_int (g, "transB", 1);
  cx_test_graph_output (g, "y");
  m = cx_test_graph_build (g, &error);
  g_assert_no_error (error);

  cx_image_counterfactual_params_init (&p);
  p.steps = 20;
  p.engine.progress = record_progress;
  p.engine.progress_data = &pr;
  {
    g_autoptr(CxImageCounterfactual) cf = cx_image_counterfactual (m, x, &p, &error);
    g_assert_no_error (error);
    g_assert_nonnull (cf);
    g_assert_cmpuint (fractions->len, ==, 20);
    assert_monotonic_to_one (fractions);
  }
  g_array_set_size (fractions, 0);
  pr.stop_at = 3;
  {
    g_autoptr(CxImageCounterfactual) cf = cx_image_counterfactual (m, x, &p, &error);
    g_assert_null (cf);
    g_assert_error (error, CX_ERROR, CX_ERROR_CANCELLED);
    g_assert_cmpuint (fractions->len, ==, 3);
  }
}

/* ---- column statistics ---- */

/* Columns: i integers; k mostly one value (no MAD: its spread instead);
 * big values near 1e7, closer together than the floats they are encoded
 * as; tiny negative ones with many digits; e in exponent
 * notation; f with empty cells standing for 2.5. */
static const char *const STATS_SCHEMA =
  "{\"features\": ["
  " {\"column\": \"i\", \"mean\": 0, \"std\": 20},"
  " {\"column\": \"k\", \"mean\": 7, \"std\": 1},"
  " {\"column\": \"big\", \"mean\": 0, \"std\": 1},"
  " {\"column\": \"neg\", \"mean\": -0.001, \"std\": 0.0007},"
  " {\"column\": \"e\", \"mean\": 0.003, \"std\": 0.002},"
  " {\"column\": \"f\", \"mean\": 3, \"std\": 1.5, \"fill\": 2.5}]}";

static char *
stats_table (int rows)
{
  GString *t = g_string_new ("i,k,big,neg,e,f\n");
  g_autoptr(GRand) rand = g_rand_new_with_seed (77);

  for (int r = 0; r < rows; r++)
    {
      double u = g_rand_double (rand);
      g_string_append_printf (t, "%d,", g_rand_int_range (rand, -60, 61));
      if (u < 0.7)
        g_string_append (t, "7,");
      else
        g_string_append_printf (t, "%.3f,", g_rand_double_range (rand, 0, 14));
      g_string_append_printf (t, "%.3f,%.9f,%.4e,", g_rand_double_range (rand, 1e7, 1e7 + 40),
                              -g_rand_double_range (rand, 0, 0.002), g_rand_double_range (rand, 0, 0.006));
      if (g_rand_double (rand) < 0.1)
        g_string_append (t, "\n");
      else
        g_string_append_printf (t, "%.4f\n", g_rand_double_range (rand, 0, 6));
    }
  return g_string_free (t, FALSE);
}

static double
sorted_median (const double *v, int64_t n)
{
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Ranges, MADs (or the spread) and integral columns equal, to the last
 * bit, those of every cell parsed and sorted, for odd and even row counts. */
static void
test_stats_exact (void)
{
  for (int rows = 2000; rows <= 2001; rows++)
    {
      g_auto(CxTestTable) t = { 0 };
      g_autoptr(GError) error = NULL;
      g_autoptr(CxCounterfactualResult) res = NULL;
      g_autofree char *text = stats_table (rows);
      int64_t shape[2] = { 6, 1 };
      float ones[6] = { 1, 1, 1, 1, 1, 1 };
      g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
      g_autoptr(CxTensor) wt = cx_tensor_new_f32 (2, shape, ones);
      int64_t in_shape[2] = { -1, 6 };

      cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 2, in_shape);
      cx_test_graph_const (g, "W", wt);
      cx_test_graph_node (g, "MatMul", "x,W", "y");
      cx_test_graph_output (g, "y");
      t.model = cx_test_graph_build (g, &error);
      g_assert_no_error (error);
      t.schema = cx_schema_parse (STATS_SCHEMA, strlen (STATS_SCHEMA), "stats.json", &error);
      g_assert_no_error (error);
      t.csv = cx_csv_parse (text, strlen (text), "stats.csv", &error);
      g_assert_no_error (error);
      cx_test_table_bind (&t);
      res = cx_counterfactual_run (t.model, t.schema, t.csv, t.x, 0, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (res->n_columns, ==, 6);
      for (int c = 0; c < 6; c++)
        {
          int64_t n = t.csv->n_rows;
          g_autofree double *v = g_new (double, n);
          double mean = 0, var = 0, med, mad;
          gboolean integer = TRUE;

          for (int64_t r = 0; r < n; r++)
            {
              const char *cell = cx_csv_cell (t.csv, r, c);
              v[r] = *cell ? g_ascii_strtod (cell, NULL) : 2.5;
              integer = integer && v[r] == floor (v[r]);
              mean += v[r];
            }
          mean /= n;
          for (int64_t r = 0; r < n; r++)
            var += (v[r] - mean) * (v[r] - mean);
          qsort (v, n, sizeof (double), cmp_double);
          med = sorted_median (v, n);
          g_assert_cmpfloat (res->stats[c].min, ==, v[0]);
          g_assert_cmpfloat (res->stats[c].max, ==, v[n - 1]);
          for (int64_t r = 0; r < n; r++)
            v[r] = fabs (v[r] - med);
          qsort (v, n, sizeof (double), cmp_double);
          mad = sorted_median (v, n);
          if (c == 1)
            {
              g_assert_cmpfloat (mad, ==, 0);
              mad = sqrt (var / n);
            }
          g_assert_cmpfloat (mad, >, 0);
          g_assert_cmpfloat (res->stats[c].mad, ==, mad);
          g_assert_true (res->stats[c].integer == integer);
          g_assert_true (integer == (c == 0));
        }
    }
}

/* ---- the command line ---- */


static char *
write_tmp (const char *name, const void *data, gsize len)
{
  char *path = g_build_filename (tmpdir, name, NULL);
  g_assert_true (g_file_set_contents (path, data, (gssize) len, NULL));
  return path;
}

static void
test_cli (void)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autofree char *text = linear_table ();
  g_autofree char *data = write_tmp ("lin.csv", text, strlen (text));
  g_autofree char *schema = write_tmp ("lin.json", LIN_SCHEMA, strlen (LIN_SCHEMA));
  g_autofree char *out = g_build_filename (tmpdir, "cf.csv", NULL);
  g_autofree char *model = NULL;
  g_autofree guint8 *bytes = NULL;
  int64_t in_shape[2] = { -1, LF }, w_shape[2] = { 1, LF }, b_shape[1] = { 1 };
  float bias = 0;
  g_autoptr(CxTensor) wt = cx_tensor_new_f32 (2, w_shape, LIN_W);
  g_autoptr(CxTensor) bt = cx_tensor_new_f32 (1, b_shape, &bias);
  gsize len;

  cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 2, in_shape);
  cx_test_graph_const (g, "W", wt);
  cx_test_graph_const (g, "B", bt);
  cx_test_graph_node (g, "Gemm", "x,W,B", "y");
  cx_test_graph_attr_int (g, "transB", 1);
  cx_test_graph_output (g, "y");
  bytes = cx_test_graph_pack (g, &len);
  model = write_tmp ("lin.onnx", bytes, len);

  {
    g_auto(CxCliResult) r = { 0 };
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autoptr(GError) error = NULL;
    g_autoptr(CxCsv) back = NULL;
    JsonObject *root, *first;
    JsonArray *cfs;

    cx_test_run_cli (&r, "counterfactual", "--model", model, "--data", data, "--schema", schema, "--row", "1",
             "--count", "3", "--lock", "a", "--out", out, NULL);
    g_assert_cmpstr (r.err, ==, "");
    g_assert_cmpint (r.status, ==, 0);
    g_assert_true (json_parser_load_from_data (parser, r.out, -1, &error));
    root = json_node_get_object (json_parser_get_root (parser));
    g_assert_cmpint (json_object_get_int_member (root, "row"), ==, 1);
    g_assert_false (json_object_get_boolean_member (root, "already_favourable"));
    cfs = json_object_get_array_member (root, "counterfactuals");
    g_assert_cmpint (json_array_get_length (cfs), >=, 1);
    g_assert_cmpint (json_array_get_length (cfs), <=, 3);
    g_assert_cmpint (json_object_get_int_member (root, "found"), ==, json_array_get_length (cfs));
    first = json_array_get_object_element (cfs, 0);
    g_assert_cmpint (json_object_get_int_member (first, "n_changed"), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                       json_object_get_array_member (first, "changes"), 0), "column"), ==, "b");
    g_assert_cmpfloat (json_object_get_double_member (first, "probability"), >=, 0.5);
    g_assert_true (json_object_has_member (first, "plausibility"));
    g_assert_cmpint (json_array_get_length (json_object_get_array_member (root, "locked")), ==, 2);
    g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (root, "integer_columns"), 0),
                     ==, "n");

    /* The CSV: the table's header, one row per counterfactual, the rest copied. */
    back = cx_csv_load (out, &error);
    g_assert_no_error (error);
    g_assert_cmpint (back->n_columns, ==, 7);
    g_assert_cmpstr (back->header[0], ==, "id");
    g_assert_cmpint (back->n_rows, ==, json_array_get_length (cfs));
    for (int64_t i = 0; i < back->n_rows; i++)
      {
        g_assert_cmpstr (cx_csv_cell (back, i, 0), ==, "1");
        g_assert_cmpstr (cx_csv_cell (back, i, 1), ==, "-1");   /* a, locked */
        g_assert_cmpstr (cx_csv_cell (back, i, 5), ==, "5");    /* lockme */
        g_assert_cmpstr (cx_csv_cell (back, i, 6), ==, "no");
      }
    g_assert_cmpstr (cx_csv_cell (back, 0, 2), ==,
                     json_object_get_string_member (json_object_get_object_member (first, "values"), "b"));
  }
  {
    g_auto(CxCliResult) r = { 0 };
    cx_test_run_cli (&r, "counterfactual", "--model", model, "--data", data, "--schema", schema, "--row", "1",
             "--out", data, NULL);
    g_autofree char *expected = g_strdup_printf ("candor-cli: %s: refusing to overwrite an input file\n", data);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_cmpstr (r.out, ==, "");
    g_assert_cmpstr (r.err, ==, expected);
  }
  {
    g_auto(CxCliResult) r = { 0 };
    g_autofree char *expected = g_strdup_printf ("candor-cli: %s: no row 301 (the table has 300 rows, "
                                                 "counted from 1)\n", data);
    cx_test_run_cli (&r, "counterfactual", "--model", model, "--data", data, "--schema", schema, "--row", "301", NULL);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_cmpstr (r.err, ==, expected);
  }
  {
    g_auto(CxCliResult) r = { 0 };
    cx_test_run_cli (&r, "counterfactual", "--model", model, "--data", data, "--schema", schema, NULL);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_cmpstr (r.err, ==, "candor-cli: --model, --data, --schema and --row are required\n");
  }
  {
    g_auto(CxCliResult) r = { 0 };
    g_autofree char *expected = g_strdup_printf ("candor-cli: %s: no column 'zzz' to lock\n", data);
    cx_test_run_cli (&r, "counterfactual", "--model", model, "--data", data, "--schema", schema, "--row", "1",
             "--lock", "zzz", NULL);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_cmpstr (r.err, ==, expected);
  }
}

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("candor-cf-XXXXXX", NULL);
  g_test_add_func ("/counterfactual/linear/within-one-percent-of-the-closed-form", test_linear_optimal);
  g_test_add_func ("/counterfactual/linear/locked-columns-never-change", test_linear_locked);
  g_test_add_func ("/counterfactual/linear/nothing-to-do-when-already-favourable", test_already_favourable);
  g_test_add_func ("/counterfactual/rejects/a-missing-row-and-an-unknown-lock", test_rejects);
  g_test_add_func ("/counterfactual/hmda/all-valid-locked-untouched-under-200ms", test_hmda);
  g_test_add_func ("/counterfactual/image/smallest-l2-on-a-linear-model", test_image_linear);
  g_test_add_func ("/counterfactual/plausibility/the-nearest-favourable-row-of-all", test_plausibility);
  g_test_add_func ("/counterfactual/progress/monotonic-up-to-one", test_progress_monotonic);
  g_test_add_func ("/counterfactual/progress/cancelled-from-the-callback", test_progress_cancel);
  g_test_add_func ("/counterfactual/progress/cancelled-late", test_progress_cancel_late);
  g_test_add_func ("/counterfactual/image/progress-and-cancel", test_image_progress);
  g_test_add_func ("/counterfactual/stats/equal-to-sorting-every-parsed-cell", test_stats_exact);
  g_test_add_func ("/counterfactual/cli/json-csv-and-errors", test_cli);
  status = g_test_run ();
  {
    g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
    const char *name;
    while (dir && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *p = g_build_filename (tmpdir, name, NULL);
        g_unlink (p);
      }
    g_rmdir (tmpdir);
    g_free (tmpdir);
  }
  return status;
}
