/* test-fairness.c: metrics by group against numpy and closed forms, the
 * bootstrap, attribution by group, and `candor-cli fairness`.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "testutil.h"
#include "fairness.h"
#include "attribution.h"
#include "npy.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/wait.h>

static char *tmpdir;

/* A logistic model: sigmoid (x · w + b), one output. */
static CxModel *
logistic_model (int F, const float *w, float b, gboolean sigmoid)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autoptr(GError) error = NULL;
  int64_t in_shape[2] = { -1, F }, w_shape[2] = { 1, F }, b_shape[1] = { 1 };
  g_autoptr(CxTensor) wt = cx_tensor_new_f32 (2, w_shape, w);
  g_autoptr(CxTensor) bt = cx_tensor_new_f32 (1, b_shape, &b);
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

static CxCsv *
csv_from (const char *text)
{
  g_autoptr(GError) error = NULL;
  CxCsv *csv = cx_csv_parse (text, strlen (text), "t.csv", &error);
  g_assert_no_error (error);
  return csv;
}

static CxSchema *
schema_from (const char *text)
{
  g_autoptr(GError) error = NULL;
  CxSchema *s = cx_schema_parse (text, strlen (text), "s.json", &error);
  g_assert_no_error (error);
  return s;
}

static const CxFairnessBreakdown *
breakdown (const CxFairnessReport *rep, const char *name)
{
  for (int k = 0; k < rep->n_breakdowns; k++)
    if (g_str_equal (rep->breakdowns[k].name, name))
      return &rep->breakdowns[k];
  g_error ("no breakdown %s", name);
  return NULL;
}

static const CxFairnessGroup *
group (const CxFairnessBreakdown *bd, const char *name)
{
  for (int g = 0; g < bd->n_groups; g++)
    if (g_str_equal (bd->groups[g].name, name))
      return &bd->groups[g];
  g_error ("no group %s in %s", name, bd->name);
  return NULL;
}

/* ---- HMDA against the numpy reference ---- */

typedef struct
{
  CxTestTable t;
  JsonParser *reference;
} Hmda;

static void
hmda_clear (Hmda *h)
{
  cx_test_table_clear (&h->t);
  g_clear_object (&h->reference);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Hmda, hmda_clear)

static gboolean
hmda_load (Hmda *h)
{
  g_autofree char *ref = cx_test_source_path ("resources", "demo", "hmda-reference.json", NULL);
  g_autoptr(GError) error = NULL;

  if (!g_file_test (ref, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("the HMDA demo is not built");
      return FALSE;
    }
  if (!cx_test_table_load_hmda (&h->t))
    return FALSE;
  h->reference = json_parser_new ();
  g_assert_true (json_parser_load_from_file (h->reference, ref, &error));
  return TRUE;
}

static void
assert_group_matches (const CxFairnessGroup *g, JsonObject *ref)
{
  JsonObject *counts = json_object_get_object_member (ref, "counts");

  g_assert_cmpint (g->n, ==, json_object_get_int_member (ref, "n"));
  g_assert_cmpint (g->tp, ==, json_object_get_int_member (counts, "tp"));
  g_assert_cmpint (g->fp, ==, json_object_get_int_member (counts, "fp"));
  g_assert_cmpint (g->fn, ==, json_object_get_int_member (counts, "fn"));
  g_assert_cmpint (g->tn, ==, json_object_get_int_member (counts, "tn"));
  /* The same counts divided the same way: equal to the last bit. */
  for (int m = 0; m < CX_N_RATES; m++)
    g_assert_cmpfloat (g->rate[m], ==, json_object_get_double_member (ref, cx_rate_name (m)));
}

static void
test_hmda_reference (void)
{
  g_auto(Hmda) h = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(CxFairnessReport) rep = NULL;
  g_autoptr(CxTensor) out = NULL;
  g_autofree float *p = NULL;
  CxFairnessParams params;
  JsonObject *root, *sens;
  JsonArray *first;

  if (!hmda_load (&h))
    return;
  root = json_node_get_object (json_parser_get_root (h.reference));
  g_assert_cmpint (json_object_get_int_member (root, "rows"), ==, h.t.csv->n_rows);
  cx_fairness_params_init (&params);
  params.threshold = json_object_get_double_member (root, "threshold");
  params.resamples = 200;
  params.attribution = FALSE;
  rep = cx_fairness_run (h.t.model, h.t.schema, h.t.csv, h.t.x, NULL, &params, &error);
  g_assert_no_error (error);

  assert_group_matches (&rep->overall, json_object_get_object_member (root, "overall"));
  sens = json_object_get_object_member (root, "sensitive");
  g_assert_cmpint (rep->n_breakdowns, ==, 3);   /* afam, single, afam,single */
  g_autoptr(GList) columns = json_object_get_members (sens);
  for (GList *c = columns; c; c = c->next)
    {
      JsonObject *col = json_object_get_object_member (sens, c->data);
      JsonObject *groups = json_object_get_object_member (col, "groups");
      const CxFairnessBreakdown *bd = breakdown (rep, c->data);
      g_autoptr(GList) names = json_object_get_members (groups);

      g_assert_cmpint (bd->n_groups, ==, g_list_length (names));
      for (GList *n = names; n; n = n->next)
        assert_group_matches (group (bd, n->data), json_object_get_object_member (groups, n->data));
      for (int d = 0; d < CX_N_DISPARITIES; d++)
        g_assert_cmpfloat_with_epsilon (bd->disparity[d],
                                        json_object_get_double_member (col, cx_disparity_name (d)), 1e-15);
    }
  /* afam: 0.82 passes the four-fifths rule; the best-off group is "no". */
  g_assert_false (breakdown (rep, "afam")->four_fifths_failed);
  g_assert_cmpstr (breakdown (rep, "afam")->groups[breakdown (rep, "afam")->reference].name, ==, "no");
  g_assert_cmpfloat_with_epsilon (group (breakdown (rep, "afam"), "yes")->ratio[CX_RATE_SELECTION],
                                  0.8218277154898574, 1e-12);
  /* The intersection's groups add up to the table. */
  {
    const CxFairnessBreakdown *pair = breakdown (rep, "afam,single");
    int64_t total = 0;
    g_assert_cmpint (pair->n_groups, ==, 4);
    for (int g = 0; g < pair->n_groups; g++)
      total += pair->groups[g].n;
    g_assert_cmpint (total, ==, 2380);
    g_assert_cmpstr (group (pair, "yes,no")->values[1], ==, "no");
  }

  /* The engine's probabilities of the first rows, float32 against float64. */
  out = cx_engine_predict (h.t.model, h.t.x, 0, NULL, &error);
  g_assert_no_error (error);
  p = cx_favourable_probability (h.t.model, h.t.schema->favourable_output, out, &error);
  g_assert_no_error (error);
  first = json_object_get_array_member (root, "first_rows_approve_probability");
  for (guint i = 0; i < json_array_get_length (first); i++)
    g_assert_cmpfloat_with_epsilon (p[i], json_array_get_double_element (first, i), 1e-5);
}

/* Intervals: the same seed gives the same numbers whatever the threads; the
 * point estimate lies inside; another seed moves them. */
static void
test_bootstrap_reproducible (void)
{
  g_auto(Hmda) h = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(CxFairnessReport) a = NULL;
  g_autoptr(CxFairnessReport) b = NULL;
  g_autoptr(CxFairnessReport) c = NULL;
  CxFairnessParams params;

  if (!hmda_load (&h))
    return;
  cx_fairness_params_init (&params);
  params.attribution = FALSE;
  params.seed = 42;
  params.n_threads = 1;
  a = cx_fairness_run (h.t.model, h.t.schema, h.t.csv, h.t.x, NULL, &params, &error);
  g_assert_no_error (error);
  params.n_threads = 3;
  b = cx_fairness_run (h.t.model, h.t.schema, h.t.csv, h.t.x, NULL, &params, &error);
  g_assert_no_error (error);
  params.seed = 43;
  c = cx_fairness_run (h.t.model, h.t.schema, h.t.csv, h.t.x, NULL, &params, &error);
  g_assert_no_error (error);

  g_assert_cmpmem (a->overall.rate_ci, sizeof a->overall.rate_ci, b->overall.rate_ci, sizeof b->overall.rate_ci);
  for (int k = 0; k < a->n_breakdowns; k++)
    {
      const CxFairnessBreakdown *x = &a->breakdowns[k], *y = &b->breakdowns[k];
      g_assert_cmpmem (x->disparity_ci, sizeof x->disparity_ci, y->disparity_ci, sizeof y->disparity_ci);
      for (int g = 0; g < x->n_groups; g++)
        {
          g_assert_cmpmem (x->groups[g].rate_ci, sizeof x->groups[g].rate_ci,
                           y->groups[g].rate_ci, sizeof y->groups[g].rate_ci);
          g_assert_cmpmem (x->groups[g].difference_ci, sizeof x->groups[g].difference_ci,
                           y->groups[g].difference_ci, sizeof y->groups[g].difference_ci);
          for (int m = 0; m < CX_N_RATES; m++)
            {
              g_assert_cmpfloat (x->groups[g].rate_ci[m][0], <=, x->groups[g].rate[m]);
              g_assert_cmpfloat (x->groups[g].rate[m], <=, x->groups[g].rate_ci[m][1]);
            }
        }
      for (int d = 0; d < CX_N_DISPARITIES; d++)
        g_assert_cmpfloat (x->disparity_ci[d][0], <, x->disparity_ci[d][1]);
    }
  g_assert_true (memcmp (a->overall.rate_ci, c->overall.rate_ci, sizeof a->overall.rate_ci) != 0);
  g_assert_true (memcmp (a->breakdowns[0].disparity_ci, c->breakdowns[0].disparity_ci,
                         sizeof a->breakdowns[0].disparity_ci) != 0);
  /* The selection rate of 2380 rows near 0.94: a 95 % interval about ±0.0095 wide. */
  g_assert_cmpfloat (a->overall.rate_ci[CX_RATE_SELECTION][1] - a->overall.rate_ci[CX_RATE_SELECTION][0], >, 0.012);
  g_assert_cmpfloat (a->overall.rate_ci[CX_RATE_SELECTION][1] - a->overall.rate_ci[CX_RATE_SELECTION][0], <, 0.026);
}

/* ---- a table where the answers are known ---- */

/* 60 rows of group a (6 denied by their score), 60 of group b (all denied),
 * 10 of group c (all approved, too few to conclude); a second column s. */
static char *
known_table (void)
{
  GString *t = g_string_new ("g,score,s,y\n");
  for (int i = 0; i < 60; i++)
    g_string_append_printf (t, "a,%d,%s,%s\n", i < 6 ? 1 : 0, i % 2 ? "x" : "z", i < 45 ? "yes" : "no");
  for (int i = 0; i < 60; i++)
    g_string_append_printf (t, "b,0,%s,%s\n", i % 3 ? "x" : "z", i < 20 ? "yes" : "no");
  for (int i = 0; i < 10; i++)
    g_string_append_printf (t, "c,0,x,%s\n", i < 5 ? "yes" : "no");
  return g_string_free (t, FALSE);
}

static const char *const KNOWN_SCHEMA =
  "{\"features\": [{\"column\": \"g\", \"equals\": \"a\"}, {\"column\": \"g\", \"equals\": \"b\"},"
  " {\"column\": \"g\", \"equals\": \"c\"}, {\"column\": \"score\"}],"
  " \"label\": {\"column\": \"y\", \"positive\": \"yes\"}, \"favourable_output\": 1,"
  " \"sensitive\": [\"g\", \"s\"]}";

/* z = 10 − 20·[g = b] − 20·score. */
static const float KNOWN_W[4] = { 0, -20, 0, -20 };

static void
test_known_denies_one_group (void)
{
  g_autofree char *text = known_table ();
  g_autoptr(CxCsv) csv = csv_from (text);
  g_autoptr(CxSchema) schema = schema_from (KNOWN_SCHEMA);
  /* A logit (sigmoid applied by the reader): the same decisions as σ(z) ≥ 0.5. */
  g_autoptr(CxModel) model = logistic_model (4, KNOWN_W, 10, FALSE);
  g_autoptr(CxTensor) x = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CxFairnessReport) rep = NULL;
  const CxFairnessBreakdown *bd;
  const CxFairnessGroup *a, *b, *c;
  CxFairnessParams params;

  g_assert_true (cx_schema_check_model (schema, model, &error));
  g_assert_true (cx_schema_bind (schema, csv, &error));
  x = cx_schema_encode (schema, csv, &error);
  g_assert_no_error (error);
  cx_fairness_params_init (&params);
  params.resamples = 100;
  rep = cx_fairness_run (model, schema, csv, x, NULL, &params, &error);
  g_assert_no_error (error);

  bd = breakdown (rep, "g");
  a = group (bd, "a");
  b = group (bd, "b");
  c = group (bd, "c");
  /* a: 54 approved of 60; the 6 denied are positives (rows 0–5 < 45). */
  g_assert_cmpint (a->n, ==, 60);
  g_assert_cmpint (a->tp, ==, 39);
  g_assert_cmpint (a->fn, ==, 6);
  g_assert_cmpint (a->fp, ==, 15);
  g_assert_cmpint (a->tn, ==, 0);
  g_assert_cmpfloat (a->rate[CX_RATE_SELECTION], ==, 54.0 / 60);
  g_assert_cmpfloat (a->rate[CX_RATE_ACCURACY], ==, 39.0 / 60);
  g_assert_cmpfloat (a->rate[CX_RATE_TPR], ==, 39.0 / 45);
  g_assert_cmpfloat (a->rate[CX_RATE_FPR], ==, 1.0);
  g_assert_cmpfloat (a->rate[CX_RATE_FNR], ==, 6.0 / 45);
  g_assert_cmpfloat (a->rate[CX_RATE_PRECISION], ==, 39.0 / 54);
  /* b: everyone denied: no predicted positives, so precision is undefined. */
  g_assert_cmpfloat (b->rate[CX_RATE_SELECTION], ==, 0);
  g_assert_cmpfloat (b->rate[CX_RATE_TPR], ==, 0);
  g_assert_cmpfloat (b->rate[CX_RATE_FPR], ==, 0);
  g_assert_cmpfloat (b->rate[CX_RATE_FNR], ==, 1);
  g_assert_cmpfloat (b->rate[CX_RATE_ACCURACY], ==, 40.0 / 60);
  g_assert_true (isnan (b->rate[CX_RATE_PRECISION]));
  /* c: all approved but only 10 rows: too small, and not the reference. */
  g_assert_true (c->too_small);
  g_assert_false (a->too_small);
  g_assert_cmpfloat (c->rate[CX_RATE_SELECTION], ==, 1);
  g_assert_cmpstr (bd->groups[bd->reference].name, ==, "a");
  g_assert_cmpfloat (b->ratio[CX_RATE_SELECTION], ==, 0);
  g_assert_cmpfloat (b->difference[CX_RATE_SELECTION], ==, -0.9);
  g_assert_cmpfloat (c->ratio[CX_RATE_SELECTION], ==, 1 / 0.9);
  /* Fairlearn's aggregates over every group (c included). */
  g_assert_cmpfloat (bd->disparity[CX_DISPARITY_DP_DIFFERENCE], ==, 1);
  g_assert_cmpfloat (bd->disparity[CX_DISPARITY_DP_RATIO], ==, 0);
  g_assert_true (bd->four_fifths_failed);
  g_assert_cmpfloat (bd->disparity[CX_DISPARITY_EOP_DIFFERENCE], ==, 1);
  g_assert_cmpfloat (bd->disparity[CX_DISPARITY_EO_DIFFERENCE], ==, 1);
  /* A ratio of zero in every resample too. */
  g_assert_cmpfloat (bd->disparity_ci[CX_DISPARITY_DP_RATIO][0], ==, 0);
  g_assert_cmpfloat (bd->disparity_ci[CX_DISPARITY_DP_RATIO][1], ==, 0);

  /* The pairs g × s: only the combinations present. */
  bd = breakdown (rep, "g,s");
  g_assert_cmpint (bd->n_groups, ==, 5);
  g_assert_cmpint (group (bd, "a,x")->n, ==, 30);
  g_assert_cmpint (group (bd, "b,z")->n, ==, 20);
  g_assert_cmpint (group (bd, "c,x")->n, ==, 10);

  /* Attribution by group of a linear logit from the data's mean: exactly
   * w · (x − mean) per row; score (mean 6/130) matters in group a. */
  {
    double m = 6.0 / 130, share_b = 60.0 / 130;
    g_assert_nonnull (rep->attribution_columns);
    g_assert_cmpstr (rep->attribution_columns[0], ==, "g");
    g_assert_cmpstr (rep->attribution_columns[1], ==, "score");
    g_assert_cmpfloat_with_epsilon (a->attribution[1], (6 * 20 * (1 - m) + 54 * 20 * m) / 60, 1e-4);
    g_assert_cmpfloat_with_epsilon (b->attribution[1], 20 * m, 1e-4);
    g_assert_cmpfloat_with_epsilon (a->attribution[0], 20 * share_b, 1e-4);
    g_assert_cmpfloat_with_epsilon (b->attribution[0], 20 * (1 - share_b), 1e-4);
    g_assert_cmpfloat_with_epsilon (rep->overall.attribution[1], (6 * 20 * (1 - m) + 124 * 20 * m) / 130, 1e-4);
  }
}

static void
test_threshold_moves_decisions (void)
{
  const float p[8] = { 0.1f, 0.2f, 0.35f, 0.45f, 0.55f, 0.65f, 0.8f, 0.95f };
  const guint8 y[8] = { 0, 0, 1, 0, 1, 1, 0, 1 };
  g_autoptr(CxGroupColumn) col = g_new0 (CxGroupColumn, 1);
  g_autoptr(CxFairnessReport) lo = NULL;
  g_autoptr(CxFairnessReport) hi = NULL;
  g_autoptr(GError) error = NULL;
  CxGroupColumn *cols[1];
  CxFairnessParams params;
  guint32 codes[8] = { 0, 1, 0, 1, 0, 1, 0, 1 };

  col->column = g_strdup ("parity");
  col->n_groups = 2;
  col->names = g_strsplit ("even,odd", ",", -1);
  col->codes = g_memdup2 (codes, sizeof codes);
  cols[0] = col;
  cx_fairness_params_init (&params);
  params.resamples = 0;
  params.threshold = 0.3;
  lo = cx_fairness_compute (p, y, 8, cols, 1, &params, &error);
  g_assert_no_error (error);
  params.threshold = 0.7;
  hi = cx_fairness_compute (p, y, 8, cols, 1, &params, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (lo->overall.rate[CX_RATE_SELECTION], ==, 6.0 / 8);
  g_assert_cmpfloat (hi->overall.rate[CX_RATE_SELECTION], ==, 2.0 / 8);
  /* At 0.7: even rows 0.1, 0.35, 0.55, 0.8 → one selected; odd 0.2, 0.45, 0.65, 0.95 → one. */
  g_assert_cmpfloat (hi->breakdowns[0].groups[0].rate[CX_RATE_SELECTION], ==, 0.25);
  g_assert_cmpfloat (hi->breakdowns[0].disparity[CX_DISPARITY_DP_RATIO], ==, 1);
  /* At 0.3: even 3 of 4, odd 3 of 4; TPR even = 2/2 (rows 2, 4), odd = 2/2. */
  g_assert_cmpfloat (lo->breakdowns[0].groups[1].rate[CX_RATE_TPR], ==, 1);
  g_assert_true (isnan (lo->breakdowns[0].groups[0].rate_ci[0][0]));
}

static void
test_compute_rejects (void)
{
  const float bad[2] = { 0.5f, NAN };
  CxFairnessParams params;
  g_autoptr(GError) error = NULL;
  g_autoptr(CxFairnessReport) rep = NULL;

  cx_fairness_params_init (&params);
  rep = cx_fairness_compute (bad, NULL, 2, NULL, 0, &params, &error);
  g_assert_null (rep);
  g_assert_error (error, CX_ERROR, CX_ERROR_NUMERIC);
  g_assert_cmpstr (error->message, ==, "row 2: the model's favourable probability is NaN");
  g_clear_error (&error);
  params.threshold = 1.5;
  rep = cx_fairness_compute (bad, NULL, 1, NULL, 0, &params, &error);
  g_assert_error (error, CX_ERROR, CX_ERROR_ARGUMENT);
  g_assert_cmpstr (error->message, ==, "the threshold 1.5 is not in [0, 1]");
}

/* The batched integrated gradients equal cx_explain's, column by column. */
static void
test_ig_columns_match_explain (void)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  g_autoptr(CxSchema) schema = schema_from (
    "{\"features\": [{\"column\": \"u\"}, {\"column\": \"k\", \"equals\": \"p\"},"
    " {\"column\": \"k\", \"equals\": \"q\"}, {\"column\": \"v\"}]}");
  int64_t in_shape[2] = { -1, 4 }, s1[2] = { 6, 4 }, s2[2] = { 6, 2 }, xs[2] = { 3, 4 }, bs[2] = { 1, 4 };
  g_autoptr(CxTensor) w1 = cx_test_randn (rand, 2, s1);
  g_autoptr(CxTensor) w2 = cx_test_randn (rand, 2, s2);
  g_autoptr(CxTensor) x = cx_test_randn (rand, 2, xs);
  g_autoptr(CxTensor) base = cx_test_randn (rand, 2, bs);
  g_autoptr(CxModel) m = NULL;
  float cols[3 * 3];

  cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 2, in_shape);
  cx_test_graph_const (g, "W1", w1);
  cx_test_graph_const (g, "W2", w2);
  cx_test_graph_node (g, "Gemm", "x,W1", "h");
  cx_test_graph_attr_int (g, "transB", 1);
  cx_test_graph_node (g, "Tanh", "h", "r");
  cx_test_graph_node (g, "MatMul", "r,W2", "y");
  cx_test_graph_output (g, "y");
  m = cx_test_graph_build (g, &error);
  g_assert_no_error (error);

  g_assert_true (cx_ig_columns (m, schema, x, base->data.f, 1, 32, NULL, cols, &error));
  g_assert_no_error (error);
  for (int r = 0; r < 3; r++)
    {
      CxExplainParams p;
      g_autoptr(CxExplanation) e = NULL;
      int64_t one[2] = { 1, 4 };
      g_autoptr(CxTensor) row = cx_tensor_new_f32 (2, one, x->data.f + r * 4);
      cx_explain_params_init (&p, CX_METHOD_IG);
      p.steps = 32;
      p.target = 1;
      p.baseline = CX_BASELINE_TENSOR;
      p.baseline_tensor = base;
      e = cx_explain (m, row, &p, &error);
      g_assert_no_error (error);
      g_assert_cmpfloat_with_epsilon (cols[r * 3 + 0], e->attribution->data.f[0], 1e-5);
      g_assert_cmpfloat_with_epsilon (cols[r * 3 + 1], e->attribution->data.f[1] + e->attribution->data.f[2], 1e-5);
      g_assert_cmpfloat_with_epsilon (cols[r * 3 + 2], e->attribution->data.f[3], 1e-5);
    }
}

/* The benchmark: 1000 resamples of 100 000 rows in under 2 s. */
static void
test_bootstrap_speed (void)
{
  const int64_t N = 100000;
  g_autofree float *p = g_new (float, N);
  g_autofree guint8 *y = g_new (guint8, N);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(CxGroupColumn) sex = g_new0 (CxGroupColumn, 1);
  g_autoptr(CxGroupColumn) race = g_new0 (CxGroupColumn, 1);
  g_autoptr(CxFairnessReport) rep = NULL;
  g_autoptr(GError) error = NULL;
  CxGroupColumn *cols[2] = { sex, race };
  CxFairnessParams params;
  gint64 t0, t1;

  sex->column = g_strdup ("sex");
  sex->n_groups = 2;
  sex->names = g_strsplit ("female,male", ",", -1);
  sex->codes = g_new (guint32, N);
  race->column = g_strdup ("race");
  race->n_groups = 4;
  race->names = g_strsplit ("a,b,c,d", ",", -1);
  race->codes = g_new (guint32, N);
  for (int64_t r = 0; r < N; r++)
    {
      p[r] = (float) g_rand_double (rand);
      y[r] = g_rand_double (rand) < p[r];
      sex->codes[r] = g_rand_int_range (rand, 0, 2);
      race->codes[r] = g_rand_int_range (rand, 0, 4);
    }
  cx_fairness_params_init (&params);
  t0 = g_get_monotonic_time ();
  rep = cx_fairness_compute (p, y, N, cols, 2, &params, &error);
  t1 = g_get_monotonic_time ();
  g_assert_no_error (error);
  g_test_message ("1000 resamples of 100000 rows: %.1f ms", (t1 - t0) / 1000.0);
  g_assert_cmpint (rep->n_breakdowns, ==, 3);
  g_assert_cmpint (breakdown (rep, "sex,race")->n_groups, ==, 8);
  /* p uniform, y ~ Bernoulli(p): at 0.5, TPR = 3/4 in every group. */
  g_assert_cmpfloat_with_epsilon (rep->overall.rate[CX_RATE_TPR], 0.75, 0.01);
}

/* ---- the command line ---- */


static char *
write_tmp (const char *name, const void *data, gsize len)
{
  char *path = g_build_filename (tmpdir, name, NULL);
  g_assert_true (g_file_set_contents (path, data, (gssize) len, NULL));
  return path;
}

/* ---- image data sets ---- */

/* A 2 × 2 grey image is class 1 when its first pixel is bright. */
static guint8 *
image_model_bytes (gsize *len)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  int64_t in_shape[4] = { -1, 1, 2, 2 }, w_shape[2] = { 2, 4 }, b_shape[1] = { 2 };
  const float w[8] = { 0, 0, 0, 0, 10, 0, 0, 0 }, b[2] = { 0, -5 };
  g_autoptr(CxTensor) wt = cx_tensor_new_f32 (2, w_shape, w);
  g_autoptr(CxTensor) bt = cx_tensor_new_f32 (1, b_shape, b);

  cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 4, in_shape);
  cx_test_graph_const (g, "W", wt);
  cx_test_graph_const (g, "B", bt);
  cx_test_graph_node (g, "Flatten", "x", "f");
  cx_test_graph_node (g, "Gemm", "f,W,B", "y");
  cx_test_graph_attr_int (g, "transB", 1);
  cx_test_graph_output (g, "y");
  return cx_test_graph_pack (g, len);
}

/* 40 images in group a, all bright; 40 in group b, one in four bright.
 * Labels: class 1 for the first 30 of a and the first 20 of b. */
static char *
image_table (void)
{
  g_autoptr(GString) csv = g_string_new ("file,label,g\n");
  g_autoptr(GError) error = NULL;
  int64_t shape[4] = { 1, 1, 2, 2 };

  for (int i = 0; i < 80; i++)
    {
      gboolean in_a = i < 40;
      float px[4] = { in_a || i % 4 == 0 ? 1.0f : 0.0f, 0.5f, 0.5f, 0.5f };
      g_autoptr(CxTensor) t = cx_tensor_new_f32 (4, shape, px);
      g_autofree char *name = g_strdup_printf ("img-%02d.npy", i);
      g_autofree char *path = g_build_filename (tmpdir, name, NULL);
      g_assert_true (cx_npy_save (path, t, &error));
      g_string_append_printf (csv, "%s,%d,%s\n", name, in_a ? i < 30 : i < 60, in_a ? "a" : "b");
    }
  return write_tmp ("images.csv", csv->str, csv->len);
}

static void
test_images (void)
{
  g_autofree char *labels_path = image_table ();
  g_autofree guint8 *bytes = NULL;
  g_autofree char *model_path = NULL;
  g_autoptr(CxModel) model = NULL;
  g_autoptr(CxCsv) labels = NULL;
  g_autoptr(CxFairnessReport) rep = NULL;
  g_autoptr(GError) error = NULL;
  const CxFairnessBreakdown *bd;
  const CxFairnessGroup *a, *b;
  CxFairnessParams params;
  gsize len;

  bytes = image_model_bytes (&len);
  model_path = write_tmp ("image.onnx", bytes, len);
  model = cx_model_load (model_path, NULL, &error);
  g_assert_no_error (error);
  labels = cx_csv_load (labels_path, &error);
  g_assert_no_error (error);
  cx_fairness_params_init (&params);
  params.resamples = 50;
  rep = cx_fairness_run_images (model, labels, 1, NULL, &params, &error);
  g_assert_no_error (error);
  bd = breakdown (rep, "g");
  a = group (bd, "a");
  b = group (bd, "b");
  g_assert_cmpfloat (a->rate[CX_RATE_SELECTION], ==, 1);
  g_assert_cmpfloat (b->rate[CX_RATE_SELECTION], ==, 0.25);
  g_assert_cmpint (a->tp, ==, 30);
  g_assert_cmpint (a->fp, ==, 10);
  /* b: bright are rows 40, 44, …, 76; labels 1 for 40–59: 5 true positives. */
  g_assert_cmpint (b->tp, ==, 5);
  g_assert_cmpint (b->fp, ==, 5);
  g_assert_cmpint (b->fn, ==, 15);
  g_assert_cmpint (b->tn, ==, 15);
  g_assert_cmpfloat (bd->disparity[CX_DISPARITY_DP_RATIO], ==, 0.25);
  g_assert_true (bd->four_fifths_failed);
  g_assert_null (rep->attribution_columns);

  {
    g_auto(CxCliResult) r = { 0 };
    cx_test_run_cli (&r, "fairness", "--model", model_path, "--data", labels_path, "--favourable", "1",
             "--bootstrap", "20", NULL);
    g_assert_cmpstr (r.err, ==, "");
    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (r.out, "\"demographic_parity_ratio\" : 0.25"));
  }
  {
    g_auto(CxCliResult) r = { 0 };
    g_autofree char *expected = g_strdup_printf ("candor-cli: %s: 'boat' is not a class of the model\n", model_path);
    cx_test_run_cli (&r, "fairness", "--model", model_path, "--data", labels_path, "--favourable", "boat", NULL);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_cmpstr (r.err, ==, expected);
  }
}

static void
test_cli_known (void)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autofree char *text = known_table ();
  g_autofree char *data = write_tmp ("known.csv", text, strlen (text));
  g_autofree char *schema = write_tmp ("known.json", KNOWN_SCHEMA, strlen (KNOWN_SCHEMA));
  g_autofree char *model = NULL;
  g_autofree guint8 *bytes = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  int64_t in_shape[2] = { -1, 4 }, w_shape[2] = { 1, 4 }, b_shape[1] = { 1 };
  float b = 10;
  g_autoptr(CxTensor) wt = cx_tensor_new_f32 (2, w_shape, KNOWN_W);
  g_autoptr(CxTensor) bt = cx_tensor_new_f32 (1, b_shape, &b);
  JsonObject *root, *gcol, *bgroup;
  gsize len;

  cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 2, in_shape);
  cx_test_graph_const (g, "W", wt);
  cx_test_graph_const (g, "B", bt);
  cx_test_graph_node (g, "Gemm", "x,W,B", "z");
  cx_test_graph_attr_int (g, "transB", 1);
  cx_test_graph_node (g, "Sigmoid", "z", "y");
  cx_test_graph_output (g, "y");
  bytes = cx_test_graph_pack (g, &len);
  model = write_tmp ("known.onnx", bytes, len);

  {
    g_auto(CxCliResult) r = { 0 };
    cx_test_run_cli (&r, "fairness", "--model", model, "--data", data, "--schema", schema,
             "--bootstrap", "50", "--seed", "3", NULL);
    g_assert_cmpstr (r.err, ==, "");
    g_assert_cmpint (r.status, ==, 0);
    g_assert_true (json_parser_load_from_data (parser, r.out, -1, &error));
    root = json_node_get_object (json_parser_get_root (parser));
    gcol = json_object_get_object_member (json_object_get_object_member (root, "sensitive"), "g");
    g_assert_cmpfloat (json_object_get_double_member (gcol, "demographic_parity_ratio"), ==, 0);
    g_assert_true (json_object_get_boolean_member (gcol, "four_fifths_rule_failed"));
    g_assert_cmpstr (json_object_get_string_member (gcol, "reference_group"), ==, "a");
    g_assert_nonnull (json_object_get_array_member (gcol, "demographic_parity_ratio_ci"));
    bgroup = json_object_get_object_member (json_object_get_object_member (gcol, "groups"), "b");
    g_assert_cmpint (json_object_get_int_member (bgroup, "n"), ==, 60);
    g_assert_true (json_object_get_null_member (bgroup, "precision"));
    g_assert_cmpfloat (json_object_get_double_member (bgroup, "selection_rate_difference"), ==, -0.9);
    g_assert_true (json_object_get_boolean_member (
      json_object_get_object_member (json_object_get_object_member (gcol, "groups"), "c"), "too_small"));
    g_assert_true (json_object_has_member (json_object_get_object_member (root, "intersections"), "g,s"));
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (root, "bootstrap"), "seed"), ==, 3);
    g_assert_nonnull (json_object_get_object_member (bgroup, "mean_abs_attribution"));
  }
  {
    g_auto(CxCliResult) r = { 0 };
    cx_test_run_cli (&r, "fairness", "--model", model, "--data", data, "--schema", schema,
             "--sensitive", "zip", NULL);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_cmpstr (r.out, ==, "");
    g_assert_true (g_str_has_suffix (r.err, "known.csv: no sensitive column 'zip'\n"));
  }
  {
    g_auto(CxCliResult) r = { 0 };
    cx_test_run_cli (&r, "fairness", "--model", model, "--data", data, NULL);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_cmpstr (r.err, ==, "candor-cli: --model, --data and --schema are required (for an image "
                     "data set, --favourable CLASS instead of --schema)\n");
  }
  {
    g_auto(CxCliResult) r = { 0 };
    g_autofree char *broken = write_tmp ("broken.csv", "g,score,s,y\na,1,x\n", 18);
    cx_test_run_cli (&r, "fairness", "--model", model, "--data", broken, "--schema", schema, NULL);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_cmpstr (r.out, ==, "");
    g_assert_true (g_str_has_suffix (r.err, "broken.csv: row 1: 3 fields, the header has 4\n"));
  }
  {
    g_auto(CxCliResult) r = { 0 };
    g_autofree char *bad = write_tmp ("bad.csv", "g,score,s,y\na,high,x,yes\n", 24);
    g_autofree char *expected = g_strdup_printf ("candor-cli: %s: row 1, column score: 'high' is not a number\n", bad);
    cx_test_run_cli (&r, "fairness", "--model", model, "--data", bad, "--schema", schema, NULL);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_cmpstr (r.err, ==, expected);
  }
}

static void
test_cli_hmda (void)
{
  g_autofree char *model = cx_test_source_path ("resources", "demo", "hmda-mlp.onnx", NULL);
  g_autofree char *data = cx_test_source_path ("resources", "demo", "hmda.csv", NULL);
  g_autofree char *schema = cx_test_source_path ("resources", "demo", "hmda-schema.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_auto(CxCliResult) r = { 0 };
  JsonObject *root, *yes;

  if (!g_file_test (model, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("the HMDA demo is not built");
      return;
    }
  cx_test_run_cli (&r, "fairness", "--model", model, "--data", data, "--schema", schema, "--bootstrap", "100", NULL);
  if (r.status != 0 && strstr (r.err, "does not support") != NULL)
    {
      g_test_skip (r.err);
      return;
    }
  g_assert_cmpstr (r.err, ==, "");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (json_parser_load_from_data (parser, r.out, -1, &error));
  root = json_node_get_object (json_parser_get_root (parser));
  yes = json_object_get_object_member (json_object_get_object_member (json_object_get_object_member (
          json_object_get_object_member (root, "sensitive"), "afam"), "groups"), "yes");
  g_assert_cmpint (json_object_get_int_member (yes, "n"), ==, 339);
  g_assert_cmpfloat (json_object_get_double_member (yes, "selection_rate"), ==, 270.0 / 339);
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (yes, "tpr_ci")), ==, 2);
  g_assert_cmpint (json_object_get_int_member (root, "rows"), ==, 2380);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (root, "data"), "sha256"), ==,
                   "0a738c999fd83595baada1c3af83c11a366b48d2e8f962914ae381b80ecdfdbd");
}

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("candor-fairness-XXXXXX", NULL);
  g_test_add_func ("/fairness/hmda/every-group-metric-matches-numpy", test_hmda_reference);
  g_test_add_func ("/fairness/bootstrap/reproducible-for-a-seed-whatever-the-threads", test_bootstrap_reproducible);
  g_test_add_func ("/fairness/known/a-model-that-denies-one-group", test_known_denies_one_group);
  g_test_add_func ("/fairness/known/the-threshold-moves-decisions", test_threshold_moves_decisions);
  g_test_add_func ("/fairness/compute/rejects-nan-and-bad-thresholds", test_compute_rejects);
  g_test_add_func ("/fairness/attribution/batched-ig-equals-cx-explain", test_ig_columns_match_explain);
  g_test_add_func ("/fairness/bootstrap/1000-resamples-of-100000-rows-under-2s", test_bootstrap_speed);
  g_test_add_func ("/fairness/cli/known-table-json-and-errors", test_cli_known);
  g_test_add_func ("/fairness/cli/hmda", test_cli_hmda);
  g_test_add_func ("/fairness/images/one-class-against-the-rest-by-group", test_images);
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
