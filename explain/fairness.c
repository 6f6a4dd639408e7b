/* fairness.c: per-group metrics, bootstrap intervals and attribution by group.
 *
 * Every row falls into one stratum: its group in every sensitive column and
 * its confusion cell (ŷ, y). The metrics of any group, intersection or
 * resample are functions of the row count of each stratum, so a bootstrap
 * resample only has to count the strata of N random rows; no prediction is
 * repeated.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fairness.h"
#include "input.h"
#include "attribution.h"
#include "cx-error.h"
#include "random.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const rate_names[CX_N_RATES] = {
  "selection_rate", "accuracy", "tpr", "fpr", "fnr", "precision",
};

static const char *const disparity_names[CX_N_DISPARITIES] = {
  "demographic_parity_difference", "demographic_parity_ratio",
  "equalized_odds_difference", "equal_opportunity_difference",
};

const char *
cx_rate_name (CxRate rate)
{
  g_return_val_if_fail (rate < CX_N_RATES, NULL);
  return rate_names[rate];
}

const char *
cx_disparity_name (CxDisparity d)
{
  g_return_val_if_fail (d < CX_N_DISPARITIES, NULL);
  return disparity_names[d];
}

void
cx_fairness_params_init (CxFairnessParams *params)
{
  memset (params, 0, sizeof *params);
  params->threshold = 0.5;
  params->resamples = 1000;
  params->seed = 0;
  params->confidence = 0.95;
  params->min_group_size = 30;
  params->intersections = TRUE;
  params->attribution = TRUE;
  params->ig_steps = 32;
  params->attribution_rows = 5000;
}

/* ---- random numbers: cx_splitmix64 seeds xoshiro256** (Blackman & Vigna) ---- */

typedef struct
{
  guint64 s[4];
} Rng;

static void
rng_seed (Rng *r, guint64 seed, guint64 stream)
{
  guint64 x = seed ^ (stream * G_GUINT64_CONSTANT (0xD1B54A32D192ED03));
  for (int i = 0; i < 4; i++)
    r->s[i] = cx_splitmix64 (&x);
}

static inline guint64
rotl (guint64 x, int k)
{
  return (x << k) | (x >> (64 - k));
}

static inline guint64
rng_next (Rng *r)
{
  guint64 *s = r->s;
  guint64 result = rotl (s[1] * 5, 7) * 9;
  guint64 t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);
  return result;
}

/* Uniform in [0, n) without bias (Lemire 2019), from 32 random bits. */
static inline guint32
rng_below (Rng *r, guint32 n)
{
  guint64 m = (guint64) (guint32) (rng_next (r) >> 32) * n;
  guint32 l = (guint32) m;
  if (G_UNLIKELY (l < n))
    {
      guint32 t = (guint32) (-n) % n;
      while (l < t)
        {
          m = (guint64) (guint32) (rng_next (r) >> 32) * n;
          l = (guint32) m;
        }
    }
  return (guint32) (m >> 32);
}

/* ---- sensitive columns ---- */

static int
compare_strings (const void *a, const void *b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

CxGroupColumn *
cx_group_column_new (const CxCsv *csv, int column)
{
  g_autoptr(GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  CxGroupColumn *g = g_new0 (CxGroupColumn, 1);
  guint32 *remap;

  g_return_val_if_fail (column >= 0 && column < csv->n_columns, NULL);
  g->column = g_strdup (csv->header[column]);
  g->codes = g_new (guint32, MAX (csv->n_rows, 1));
  for (int64_t r = 0; r < csv->n_rows; r++)
    {
      const char *t = cx_csv_cell (csv, r, column);
      gpointer v;
      if (!g_hash_table_lookup_extended (index, t, NULL, &v))
        {
          v = GUINT_TO_POINTER (names->len);
          g_hash_table_insert (index, (gpointer) t, v);
          g_ptr_array_add (names, (gpointer) t);
        }
      g->codes[r] = GPOINTER_TO_UINT (v);
    }
  /* Groups in byte order of their text, so output does not depend on row order. */
  g->n_groups = (int) names->len;
  g->names = g_new0 (char *, names->len + 1);
  for (guint i = 0; i < names->len; i++)
    g->names[i] = g_strdup (names->pdata[i]);
  qsort (g->names, names->len, sizeof (char *), compare_strings);
  remap = g_new (guint32, MAX (names->len, 1));
  for (guint i = 0; i < names->len; i++)
    for (guint j = 0; j < names->len; j++)
      if (strcmp (names->pdata[i], g->names[j]) == 0)
        {
          remap[i] = j;
          break;
        }
  for (int64_t r = 0; r < csv->n_rows; r++)
    g->codes[r] = remap[g->codes[r]];
  g_free (remap);
  return g;
}

void
cx_group_column_free (CxGroupColumn *g)
{
  if (g == NULL)
    return;
  g_free (g->column);
  g_strfreev (g->names);
  g_free (g->codes);
  g_free (g);
}

/* ---- the layout of every metric of a report ---- */

enum { CELL_TN, CELL_FN, CELL_FP, CELL_TP };  /* cell = 2 ŷ + y */

/* Slots of one group: rates, differences, ratios. */
#define GROUP_SLOTS (3 * CX_N_RATES)

typedef struct
{
  int n_strata;
  guint32 *stratum_codes;      /* n_strata × n_columns group codes */
  guint8 *stratum_cell;        /* n_strata */
  /* Per breakdown: the group of each stratum, and where its slots start. */
  int n_breakdowns;
  int *n_groups;               /* per breakdown */
  int **stratum_group;         /* [breakdown][stratum] */
  int *slot0;                  /* first slot of each breakdown */
  int *reference;              /* reference group of each breakdown */
  int n_slots;
  gboolean has_labels;
} Layout;

static void
layout_clear (Layout *L)
{
  g_free (L->stratum_codes);
  g_free (L->stratum_cell);
  for (int k = 0; k < L->n_breakdowns; k++)
    g_free (L->stratum_group[k]);
  g_free (L->stratum_group);
  g_free (L->n_groups);
  g_free (L->slot0);
  g_free (L->reference);
}

static void
rates_from_counts (const int64_t c[4], gboolean has_labels, double *rate)
{
  double tp = (double) c[CELL_TP], fp = (double) c[CELL_FP];
  double fn = (double) c[CELL_FN], tn = (double) c[CELL_TN];
  double n = tp + fp + fn + tn;

  for (int m = 0; m < CX_N_RATES; m++)
    rate[m] = NAN;
  if (n == 0)
    return;
  rate[CX_RATE_SELECTION] = (tp + fp) / n;
  if (!has_labels)
    return;
  rate[CX_RATE_ACCURACY] = (tp + tn) / n;
  rate[CX_RATE_TPR] = tp + fn > 0 ? tp / (tp + fn) : NAN;
  rate[CX_RATE_FPR] = fp + tn > 0 ? fp / (fp + tn) : NAN;
  rate[CX_RATE_FNR] = tp + fn > 0 ? fn / (tp + fn) : NAN;
  rate[CX_RATE_PRECISION] = tp + fp > 0 ? tp / (tp + fp) : NAN;
}

/* max − min of one rate over groups where it is defined (NaN if none). */
static void
range_of (const double *slots, int n_groups, CxRate m, double *lo, double *hi)
{
  *lo = INFINITY;
  *hi = -INFINITY;
  for (int g = 0; g < n_groups; g++)
    {
      double v = slots[g * GROUP_SLOTS + m];
      if (isnan (v))
        continue;
      *lo = MIN (*lo, v);
      *hi = MAX (*hi, v);
    }
  if (*lo > *hi)
    *lo = *hi = NAN;
}

/* Every metric from the row count of each stratum. @group_counts is
 * scratch of 4 × (most groups of a breakdown) values. */
static void
evaluate (const Layout *L, const int64_t *strata, int64_t *group_counts, double *slots)
{
  int64_t all[4] = { 0 };

  for (int s = 0; s < L->n_strata; s++)
    all[L->stratum_cell[s]] += strata[s];
  rates_from_counts (all, L->has_labels, slots);

  for (int k = 0; k < L->n_breakdowns; k++)
    {
      int G = L->n_groups[k], ref = L->reference[k];
      double *bs = slots + L->slot0[k];
      double *disp = bs + G * GROUP_SLOTS;
      double lo, hi, lo2, hi2;

      memset (group_counts, 0, sizeof (int64_t) * 4 * G);
      for (int s = 0; s < L->n_strata; s++)
        group_counts[4 * L->stratum_group[k][s] + L->stratum_cell[s]] += strata[s];
      for (int g = 0; g < G; g++)
        rates_from_counts (group_counts + 4 * g, L->has_labels, bs + g * GROUP_SLOTS);
      for (int g = 0; g < G; g++)
        for (int m = 0; m < CX_N_RATES; m++)
          {
            double v = bs[g * GROUP_SLOTS + m];
            double r = ref >= 0 ? bs[ref * GROUP_SLOTS + m] : NAN;
            bs[g * GROUP_SLOTS + CX_N_RATES + m] = v - r;
            bs[g * GROUP_SLOTS + 2 * CX_N_RATES + m] = r != 0 ? v / r : NAN;
          }
      /* Fairlearn's between-groups aggregates. */
      range_of (bs, G, CX_RATE_SELECTION, &lo, &hi);
      disp[CX_DISPARITY_DP_DIFFERENCE] = hi - lo;
      disp[CX_DISPARITY_DP_RATIO] = hi > 0 ? lo / hi : NAN;
      range_of (bs, G, CX_RATE_TPR, &lo, &hi);
      range_of (bs, G, CX_RATE_FPR, &lo2, &hi2);
      disp[CX_DISPARITY_EOP_DIFFERENCE] = hi - lo;
      if (isnan (hi - lo))
        disp[CX_DISPARITY_EO_DIFFERENCE] = hi2 - lo2;
      else if (isnan (hi2 - lo2))
        disp[CX_DISPARITY_EO_DIFFERENCE] = hi - lo;
      else
        disp[CX_DISPARITY_EO_DIFFERENCE] = MAX (hi - lo, hi2 - lo2);
    }
}

/* ---- bootstrap ---- */

typedef struct
{
  const Layout *L;
  const void *row_stratum;     /* guint8, guint16 or guint32 per row */
  int stratum_bytes;
  guint32 n;
  guint64 seed;
  int first, step, resamples;  /* this thread does first, first + step, … */
  int max_groups;
  double *samples;             /* resamples × n_slots */
} BootJob;

#define COUNT_ROWS(type)                                                        \
  G_STMT_START {                                                                \
    const type *st = job->row_stratum;                                          \
    guint32 i = 0;                                                              \
    for (; i + 4 <= n; i += 4)                                                  \
      {                                                                         \
        c0[st[rng_below (&rng, n)]]++;                                          \
        c1[st[rng_below (&rng, n)]]++;                                          \
        c2[st[rng_below (&rng, n)]]++;                                          \
        c3[st[rng_below (&rng, n)]]++;                                          \
      }                                                                         \
    for (; i < n; i++)                                                          \
      c0[st[rng_below (&rng, n)]]++;                                            \
  } G_STMT_END

static gpointer
boot_thread (gpointer data)
{
  BootJob *job = data;
  const Layout *L = job->L;
  int S = L->n_strata;
  guint32 n = job->n;
  /* Four counters per stratum break the dependency between increments. */
  g_autofree guint32 *counts = g_new (guint32, 4 * (gsize) S);
  g_autofree int64_t *strata = g_new (int64_t, S);
  g_autofree int64_t *group_counts = g_new (int64_t, 4 * (gsize) MAX (job->max_groups, 1));
  g_autofree double *slots = g_new (double, L->n_slots);
  guint32 *c0 = counts, *c1 = counts + S, *c2 = counts + 2 * S, *c3 = counts + 3 * S;

  for (int b = job->first; b < job->resamples; b += job->step)
    {
      Rng rng;
      rng_seed (&rng, job->seed, (guint64) b + 1);
      memset (counts, 0, sizeof (guint32) * 4 * (gsize) S);
      if (job->stratum_bytes == 1)
        COUNT_ROWS (guint8);
      else if (job->stratum_bytes == 2)
        COUNT_ROWS (guint16);
      else
        COUNT_ROWS (guint32);
      for (int s = 0; s < S; s++)
        strata[s] = (int64_t) c0[s] + c1[s] + c2[s] + c3[s];
      evaluate (L, strata, group_counts, slots);
      for (int m = 0; m < L->n_slots; m++)
        job->samples[(gsize) b * L->n_slots + m] = slots[m];
    }
  return NULL;
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* NumPy's default (linear) percentile of sorted @v. */
static double
percentile (const double *v, int n, double q)
{
  double h = q * (n - 1);
  int lo = (int) floor (h);
  if (lo >= n - 1)
    return v[n - 1];
  return v[lo] + (h - lo) * (v[lo + 1] - v[lo]);
}

/* ---- the report ---- */

void
cx_fairness_report_free (CxFairnessReport *report)
{
  if (report == NULL)
    return;
  g_free (report->overall.name);
  g_strfreev (report->overall.values);
  g_free (report->overall.attribution);
  for (int k = 0; k < report->n_breakdowns; k++)
    {
      CxFairnessBreakdown *bd = &report->breakdowns[k];
      for (int g = 0; g < bd->n_groups; g++)
        {
          g_free (bd->groups[g].name);
          g_strfreev (bd->groups[g].values);
          g_free (bd->groups[g].attribution);
        }
      g_free (bd->groups);
      g_free (bd->name);
      g_free (bd->columns[0]);
      g_free (bd->columns[1]);
    }
  g_free (report->breakdowns);
  g_strfreev (report->attribution_columns);
  g_free (report);
}

static void
fill_group (CxFairnessGroup *grp, const int64_t c[4], const double *slots, gboolean with_comparison,
            int min_size)
{
  grp->tp = c[CELL_TP];
  grp->fp = c[CELL_FP];
  grp->fn = c[CELL_FN];
  grp->tn = c[CELL_TN];
  grp->n = grp->tp + grp->fp + grp->fn + grp->tn;
  grp->too_small = grp->n < min_size;
  for (int m = 0; m < CX_N_RATES; m++)
    {
      grp->rate[m] = slots[m];
      grp->difference[m] = with_comparison ? slots[CX_N_RATES + m] : NAN;
      grp->ratio[m] = with_comparison ? slots[2 * CX_N_RATES + m] : NAN;
      grp->rate_ci[m][0] = grp->rate_ci[m][1] = NAN;
      grp->difference_ci[m][0] = grp->difference_ci[m][1] = NAN;
      grp->ratio_ci[m][0] = grp->ratio_ci[m][1] = NAN;
    }
}

CxFairnessReport *
cx_fairness_compute (const float *p, const guint8 *y, int64_t n, CxGroupColumn *const *columns,
                     int n_columns, const CxFairnessParams *params, GError **error)
{
  g_autoptr(CxFairnessReport) rep = NULL;
  g_autofree guint8 *cell = NULL;
  g_autofree guint32 *row_key = NULL;
  g_autofree void *row_stratum = NULL;
  g_autofree int64_t *strata = NULL;
  g_autofree int64_t *group_counts = NULL;
  g_autofree double *slots = NULL;
  g_autoptr(GHashTable) key_index = NULL;
  g_autoptr(GArray) stratum_keys = NULL;
  CxFairnessParams defaults;
  Layout L = { 0 };
  int max_groups = 1, stratum_bytes, n_pairs;
  gint64 t0;

  g_return_val_if_fail (p != NULL && (n_columns == 0 || columns != NULL), NULL);
  if (params == NULL)
    {
      cx_fairness_params_init (&defaults);
      params = &defaults;
    }
  if (n < 1 || n > G_MAXUINT32 / 2)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_INVALID, "fairness needs between 1 and %u rows",
                   G_MAXUINT32 / 2);
      return NULL;
    }
  if (!(params->threshold >= 0 && params->threshold <= 1))
    {
      g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT, "the threshold %g is not in [0, 1]",
                   params->threshold);
      return NULL;
    }
  if (params->resamples < 0 || params->resamples > 1000000)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT, "%d bootstrap resamples: give 0 to 1000000",
                   params->resamples);
      return NULL;
    }
  if (!(params->confidence > 0 && params->confidence < 1))
    {
      g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT, "the confidence %g is not in (0, 1)",
                   params->confidence);
      return NULL;
    }

  /* Decisions and confusion cells. */
  cell = g_new (guint8, n);
  for (int64_t r = 0; r < n; r++)
    {
      if (!isfinite (p[r]))
        {
          g_set_error (error, CX_ERROR, CX_ERROR_NUMERIC,
                       "row %" G_GINT64_FORMAT ": the model's favourable probability is %s",
                       r + 1, isnan (p[r]) ? "NaN" : "infinite");
          return NULL;
        }
      cell[r] = (guint8) (2 * (p[r] >= params->threshold) + (y != NULL && y[r]));
    }

  /* Strata: the distinct (groups…, cell) of the rows, in first-seen order. */
  key_index = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify) g_bytes_unref, NULL);
  stratum_keys = g_array_new (FALSE, FALSE, sizeof (guint32));
  row_key = g_new (guint32, n_columns + 1);
  {
    g_autofree guint32 *rs = g_new (guint32, n);
    for (int64_t r = 0; r < n; r++)
      {
        g_autoptr(GBytes) key = NULL;
        gpointer v;
        for (int c = 0; c < n_columns; c++)
          row_key[c] = columns[c]->codes[r];
        row_key[n_columns] = cell[r];
        key = g_bytes_new (row_key, sizeof (guint32) * (n_columns + 1));
        if (!g_hash_table_lookup_extended (key_index, key, NULL, &v))
          {
            v = GUINT_TO_POINTER (L.n_strata++);
            g_array_append_vals (stratum_keys, row_key, n_columns + 1);
            g_hash_table_insert (key_index, g_steal_pointer (&key), v);
          }
        rs[r] = GPOINTER_TO_UINT (v);
      }
    stratum_bytes = L.n_strata <= 256 ? 1 : L.n_strata <= 65536 ? 2 : 4;
    row_stratum = g_malloc ((gsize) n * stratum_bytes);
    for (int64_t r = 0; r < n; r++)
      {
        if (stratum_bytes == 1)
          ((guint8 *) row_stratum)[r] = (guint8) rs[r];
        else if (stratum_bytes == 2)
          ((guint16 *) row_stratum)[r] = (guint16) rs[r];
        else
          ((guint32 *) row_stratum)[r] = rs[r];
      }
  }
  L.has_labels = y != NULL;
  L.stratum_codes = g_new (guint32, (gsize) L.n_strata * MAX (n_columns, 1));
  L.stratum_cell = g_new (guint8, L.n_strata);
  for (int s = 0; s < L.n_strata; s++)
    {
      const guint32 *k = &g_array_index (stratum_keys, guint32, (gsize) s * (n_columns + 1));
      for (int c = 0; c < n_columns; c++)
        L.stratum_codes[s * n_columns + c] = k[c];
      L.stratum_cell[s] = (guint8) k[n_columns];
    }
  strata = g_new0 (int64_t, L.n_strata);
  for (int64_t r = 0; r < n; r++)
    strata[stratum_bytes == 1 ? ((guint8 *) row_stratum)[r]
           : stratum_bytes == 2 ? ((guint16 *) row_stratum)[r] : ((guint32 *) row_stratum)[r]]++;

  /* Breakdowns: each column, then each pair (groups present in the data only). */
  n_pairs = params->intersections ? n_columns * (n_columns - 1) / 2 : 0;
  rep = g_new0 (CxFairnessReport, 1);
  rep->n_rows = n;
  rep->has_labels = y != NULL;
  rep->params = *params;
  rep->n_breakdowns = L.n_breakdowns = n_columns + n_pairs;
  rep->breakdowns = g_new0 (CxFairnessBreakdown, MAX (L.n_breakdowns, 1));
  L.n_groups = g_new0 (int, MAX (L.n_breakdowns, 1));
  L.stratum_group = g_new0 (int *, MAX (L.n_breakdowns, 1));
  L.slot0 = g_new0 (int, MAX (L.n_breakdowns, 1));
  L.reference = g_new0 (int, MAX (L.n_breakdowns, 1));
  L.n_slots = CX_N_RATES;
  for (int k = 0, a = 0, b = 1; k < L.n_breakdowns; k++)
    {
      CxFairnessBreakdown *bd = &rep->breakdowns[k];
      int *sg = L.stratum_group[k] = g_new (int, MAX (L.n_strata, 1));

      if (k < n_columns)
        {
          bd->n_columns = 1;
          bd->columns[0] = g_strdup (columns[k]->column);
          bd->name = g_strdup (columns[k]->column);
          bd->n_groups = columns[k]->n_groups;
          bd->groups = g_new0 (CxFairnessGroup, MAX (bd->n_groups, 1));
          for (int g = 0; g < bd->n_groups; g++)
            {
              bd->groups[g].name = g_strdup (columns[k]->names[g]);
              bd->groups[g].values = g_new0 (char *, 2);
              bd->groups[g].values[0] = g_strdup (columns[k]->names[g]);
            }
          for (int s = 0; s < L.n_strata; s++)
            sg[s] = (int) L.stratum_codes[s * n_columns + k];
        }
      else
        {
          const CxGroupColumn *A = columns[a], *B = columns[b];
          g_autofree int *index = g_new (int, (gsize) A->n_groups * B->n_groups);
          int G = 0;

          bd->n_columns = 2;
          bd->columns[0] = g_strdup (A->column);
          bd->columns[1] = g_strdup (B->column);
          bd->name = g_strdup_printf ("%s,%s", A->column, B->column);
          /* The present combinations, in the order of (A's group, B's group). */
          for (int i = 0; i < A->n_groups * B->n_groups; i++)
            index[i] = -1;
          for (int s = 0; s < L.n_strata; s++)
            index[L.stratum_codes[s * n_columns + a] * B->n_groups + L.stratum_codes[s * n_columns + b]] = -2;
          for (int i = 0; i < A->n_groups * B->n_groups; i++)
            if (index[i] == -2)
              index[i] = G++;
          bd->n_groups = G;
          bd->groups = g_new0 (CxFairnessGroup, MAX (G, 1));
          for (int i = 0; i < A->n_groups * B->n_groups; i++)
            if (index[i] >= 0)
              {
                CxFairnessGroup *grp = &bd->groups[index[i]];
                grp->values = g_new0 (char *, 3);
                grp->values[0] = g_strdup (A->names[i / B->n_groups]);
                grp->values[1] = g_strdup (B->names[i % B->n_groups]);
                grp->name = g_strdup_printf ("%s,%s", grp->values[0], grp->values[1]);
              }
          for (int s = 0; s < L.n_strata; s++)
            sg[s] = index[L.stratum_codes[s * n_columns + a] * B->n_groups + L.stratum_codes[s * n_columns + b]];
          if (++b == n_columns)
            {
              a++;
              b = a + 1;
            }
        }
      L.n_groups[k] = bd->n_groups;
      L.slot0[k] = L.n_slots;
      L.n_slots += bd->n_groups * GROUP_SLOTS + CX_N_DISPARITIES;
      max_groups = MAX (max_groups, bd->n_groups);
    }

  /* Point estimates; the reference group is then fixed for every resample. */
  group_counts = g_new (int64_t, 4 * (gsize) max_groups);
  slots = g_new (double, L.n_slots);
  for (int k = 0; k < L.n_breakdowns; k++)
    L.reference[k] = -1;
  evaluate (&L, strata, group_counts, slots);
  for (int k = 0; k < L.n_breakdowns; k++)
    {
      CxFairnessBreakdown *bd = &rep->breakdowns[k];
      int64_t *gc = g_new0 (int64_t, 4 * (gsize) MAX (bd->n_groups, 1));
      int best = -1, best_any = -1;

      for (int s = 0; s < L.n_strata; s++)
        gc[4 * L.stratum_group[k][s] + L.stratum_cell[s]] += strata[s];
      for (int g = 0; g < bd->n_groups; g++)
        {
          double sr = slots[L.slot0[k] + g * GROUP_SLOTS + CX_RATE_SELECTION];
          int64_t ng = gc[4 * g] + gc[4 * g + 1] + gc[4 * g + 2] + gc[4 * g + 3];
          if (best_any < 0 || sr > slots[L.slot0[k] + best_any * GROUP_SLOTS + CX_RATE_SELECTION])
            best_any = g;
          if (ng >= params->min_group_size &&
              (best < 0 || sr > slots[L.slot0[k] + best * GROUP_SLOTS + CX_RATE_SELECTION]))
            best = g;
        }
      L.reference[k] = bd->reference = best >= 0 ? best : best_any;
      g_free (gc);
    }
  evaluate (&L, strata, group_counts, slots);
  {
    int64_t all[4] = { 0 };
    for (int s = 0; s < L.n_strata; s++)
      all[L.stratum_cell[s]] += strata[s];
    fill_group (&rep->overall, all, slots, FALSE, params->min_group_size);
    rep->overall.name = g_strdup ("all");
  }
  for (int k = 0; k < L.n_breakdowns; k++)
    {
      CxFairnessBreakdown *bd = &rep->breakdowns[k];
      g_autofree int64_t *gc = g_new0 (int64_t, 4 * (gsize) MAX (bd->n_groups, 1));
      const double *bs = slots + L.slot0[k];

      for (int s = 0; s < L.n_strata; s++)
        gc[4 * L.stratum_group[k][s] + L.stratum_cell[s]] += strata[s];
      for (int g = 0; g < bd->n_groups; g++)
        fill_group (&bd->groups[g], gc + 4 * g, bs + g * GROUP_SLOTS, TRUE, params->min_group_size);
      for (int d = 0; d < CX_N_DISPARITIES; d++)
        {
          bd->disparity[d] = bs[bd->n_groups * GROUP_SLOTS + d];
          bd->disparity_ci[d][0] = bd->disparity_ci[d][1] = NAN;
        }
      bd->four_fifths_failed = bd->disparity[CX_DISPARITY_DP_RATIO] < 0.8;
    }

  /* Bootstrap. */
  t0 = g_get_monotonic_time ();
  if (params->resamples > 0)
    {
      int B = params->resamples;
      int T = params->n_threads > 0 ? params->n_threads : (int) g_get_num_processors ();
      g_autofree double *samples = NULL;
      g_autofree BootJob *jobs = NULL;
      g_autofree GThread **threads = NULL;
      g_autofree double *column = g_new (double, B);
      double q_lo = (1 - params->confidence) / 2, q_hi = 1 - q_lo;

      if ((guint64) B * L.n_slots * sizeof (double) > (G_GUINT64_CONSTANT (1) << 31))
        {
          g_set_error (error, CX_ERROR, CX_ERROR_LIMIT,
                       "%d resamples of %d metrics would take more than 2 GiB", B, L.n_slots);
          layout_clear (&L);
          return NULL;
        }
      samples = g_new (double, (gsize) B * L.n_slots);
      T = CLAMP (T, 1, MIN (B, 64));
      jobs = g_new0 (BootJob, T);
      threads = g_new0 (GThread *, T);
      for (int t = 0; t < T; t++)
        {
          jobs[t] = (BootJob) { .L = &L, .row_stratum = row_stratum, .stratum_bytes = stratum_bytes,
                                .n = (guint32) n, .seed = params->seed, .first = t, .step = T,
                                .resamples = B, .max_groups = max_groups, .samples = samples };
          if (t > 0)
            threads[t] = g_thread_new ("bootstrap", boot_thread, &jobs[t]);
        }
      boot_thread (&jobs[0]);
      for (int t = 1; t < T; t++)
        g_thread_join (threads[t]);

      /* Percentile intervals of every slot, over the resamples where it is defined. */
      for (int m = 0; m < L.n_slots; m++)
        {
          int k = 0;
          double lo = NAN, hi = NAN;
          double *dst;
          for (int b = 0; b < B; b++)
            {
              double v = samples[(gsize) b * L.n_slots + m];
              if (!isnan (v))
                column[k++] = v;
            }
          if (k > 0)
            {
              qsort (column, k, sizeof (double), compare_doubles);
              lo = percentile (column, k, q_lo);
              hi = percentile (column, k, q_hi);
            }
          /* Where slot m lands in the report. */
          dst = NULL;
          if (m < CX_N_RATES)
            dst = rep->overall.rate_ci[m];
          else
            for (int kk = 0; kk < L.n_breakdowns && dst == NULL; kk++)
              {
                CxFairnessBreakdown *bd = &rep->breakdowns[kk];
                int rel = m - L.slot0[kk];
                if (rel < 0 || rel >= bd->n_groups * GROUP_SLOTS + CX_N_DISPARITIES)
                  continue;
                if (rel >= bd->n_groups * GROUP_SLOTS)
                  dst = bd->disparity_ci[rel - bd->n_groups * GROUP_SLOTS];
                else
                  {
                    CxFairnessGroup *grp = &bd->groups[rel / GROUP_SLOTS];
                    int j = rel % GROUP_SLOTS;
                    dst = j < CX_N_RATES ? grp->rate_ci[j]
                          : j < 2 * CX_N_RATES ? grp->difference_ci[j - CX_N_RATES]
                          : grp->ratio_ci[j - 2 * CX_N_RATES];
                  }
              }
          g_assert (dst != NULL);
          dst[0] = lo;
          dst[1] = hi;
        }
    }
  rep->elapsed_bootstrap_ms = (g_get_monotonic_time () - t0) / 1000.0;
  layout_clear (&L);
  return g_steal_pointer (&rep);
}

/* ---- from a model and a table ---- */

float *
cx_favourable_probability (const CxModel *model, int favourable, const CxTensor *out,
                           GError **error)
{
  g_autoptr(CxTensor) prob = NULL;
  int64_t rows, k;
  float *p;

  if (out->ndim != 2 || out->shape[0] < 1 || out->shape[1] < 1)
    {
      g_autofree char *s = cx_shape_to_string (out->ndim, out->shape);
      g_set_error (error, CX_ERROR, CX_ERROR_SHAPE,
                   "%s: the output is %s; a classifier gives [rows, classes]", model->path, s);
      return NULL;
    }
  prob = cx_output_probabilities (model, 0, out);
  rows = prob->shape[0];
  k = prob->shape[1];
  if (favourable < 0 || favourable >= k)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_SHAPE,
                   "%s: favourable_output %d is not an output of the model (it has %" G_GINT64_FORMAT ")",
                   model->path, favourable, out->shape[1]);
      return NULL;
    }
  p = g_new (float, rows);
  for (int64_t r = 0; r < rows; r++)
    p[r] = prob->data.f[r * k + favourable];
  return p;
}

gboolean
cx_ig_columns (const CxModel *model, const CxSchema *schema, const CxTensor *x,
               const float *baseline, int64_t target, int steps, const CxEngineOptions *engine,
               float *out, GError **error)
{
  int64_t N = x->shape[0], F = schema->n_features, C = schema->n_columns;
  int64_t chunk = MAX (1, 32768 / MAX (steps, 1));
  g_autofree double *alphas = g_new (double, steps);
  g_autofree double *weights = g_new (double, steps);
  g_autofree int64_t *targets = NULL;
  g_autofree double *acc = g_new (double, F);

  g_return_val_if_fail (steps >= 1 && x->ndim == 2 && x->shape[1] == F, FALSE);
  cx_ig_points (CX_RULE_GAUSS_LEGENDRE, steps, alphas, weights);
  targets = g_new (int64_t, chunk * steps);
  for (int64_t i = 0; i < chunk * steps; i++)
    targets[i] = target;
  for (int64_t r0 = 0; r0 < N; r0 += chunk)
    {
      int64_t R = MIN (chunk, N - r0);
      int64_t shape[2] = { R * steps, F };
      g_autoptr(CxTensor) batch = cx_tensor_new (CX_ELEM_FLOAT, 2, shape, error);
      g_autoptr(CxTensor) grad = NULL;

      if (batch == NULL)
        return FALSE;
      for (int64_t r = 0; r < R; r++)
        {
          const float *xr = x->data.f + (r0 + r) * F;
          for (int k = 0; k < steps; k++)
            {
              float *dst = batch->data.f + (r * steps + k) * F;
              for (int64_t f = 0; f < F; f++)
                dst[f] = (float) (baseline[f] + alphas[k] * (xr[f] - baseline[f]));
            }
        }
      if (!cx_engine_gradient (model, batch, 0, targets, engine, NULL, &grad, error))
        return FALSE;
      for (int64_t r = 0; r < R; r++)
        {
          const float *xr = x->data.f + (r0 + r) * F;
          float *o = out + (r0 + r) * C;
          memset (acc, 0, sizeof (double) * F);
          for (int k = 0; k < steps; k++)
            {
              const float *g = grad->data.f + (r * steps + k) * F;
              for (int64_t f = 0; f < F; f++)
                acc[f] += weights[k] * g[f];
            }
          for (int64_t c = 0; c < C; c++)
            o[c] = 0;
          for (int64_t f = 0; f < F; f++)
            o[schema->features[f].raw] += (float) ((xr[f] - baseline[f]) * acc[f]);
        }
    }
  return TRUE;
}

/* Rows to explain: all of them up to @cap, else a seeded sample stratified
 * by the combination of groups, each sampled row weighted by the inverse of
 * its sampling fraction so group means stay unbiased. */
static int64_t *
attribution_sample (CxGroupColumn *const *columns, int n_columns, int64_t n, int64_t cap,
                    guint64 seed, double **weights, int64_t *n_sample)
{
  g_autoptr(GHashTable) index = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                                       (GDestroyNotify) g_bytes_unref, NULL);
  g_autoptr(GPtrArray) members = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  g_autofree guint32 *key = g_new (guint32, MAX (n_columns, 1));
  int64_t *rows;
  int64_t quota, lo, hi, total = 0;
  Rng rng;

  if (n <= cap)
    {
      rows = g_new (int64_t, n);
      *weights = g_new (double, n);
      for (int64_t r = 0; r < n; r++)
        {
          rows[r] = r;
          (*weights)[r] = 1;
        }
      *n_sample = n;
      return rows;
    }
  for (int64_t r = 0; r < n; r++)
    {
      g_autoptr(GBytes) k = NULL;
      gpointer v;
      for (int c = 0; c < n_columns; c++)
        key[c] = columns[c]->codes[r];
      k = g_bytes_new (key, sizeof (guint32) * MAX (n_columns, 1));
      if (!g_hash_table_lookup_extended (index, k, NULL, &v))
        {
          v = GUINT_TO_POINTER (members->len);
          g_ptr_array_add (members, g_array_new (FALSE, FALSE, sizeof (int64_t)));
          g_hash_table_insert (index, g_steal_pointer (&k), v);
        }
      g_array_append_val ((GArray *) members->pdata[GPOINTER_TO_UINT (v)], r);
    }
  /* The largest per-stratum quota that keeps the total within the cap. */
  lo = 1;
  hi = cap;
  while (lo < hi)
    {
      int64_t mid = (lo + hi + 1) / 2, sum = 0;
      for (guint s = 0; s < members->len; s++)
        sum += MIN ((int64_t) ((GArray *) members->pdata[s])->len, mid);
      if (sum <= cap)
        lo = mid;
      else
        hi = mid - 1;
    }
  quota = lo;
  for (guint s = 0; s < members->len; s++)
    total += MIN ((int64_t) ((GArray *) members->pdata[s])->len, quota);
  rows = g_new (int64_t, total);
  *weights = g_new (double, total);
  *n_sample = 0;
  rng_seed (&rng, seed, G_GUINT64_CONSTANT (0xA77));
  for (guint s = 0; s < members->len; s++)
    {
      GArray *m = members->pdata[s];
      int64_t *v = (int64_t *) m->data, len = m->len, k = MIN (len, quota);
      /* A partial Fisher–Yates shuffle picks k of the stratum's rows. */
      for (int64_t i = 0; i < k; i++)
        {
          int64_t j = i + rng_below (&rng, (guint32) (len - i));
          int64_t t = v[i];
          v[i] = v[j];
          v[j] = t;
          rows[*n_sample] = v[i];
          (*weights)[*n_sample] = (double) len / k;
          (*n_sample)++;
        }
    }
  return rows;
}

CxFairnessReport *
cx_fairness_run (const CxModel *model, const CxSchema *schema, const CxCsv *csv,
                 const CxTensor *x, const char *const *sensitive, const CxFairnessParams *params,
                 GError **error)
{
  g_autoptr(CxFairnessReport) rep = NULL;
  g_autoptr(CxTensor) out = NULL;
  g_autofree float *p = NULL;
  g_autofree guint8 *y = NULL;
  g_autoptr(GPtrArray) columns = g_ptr_array_new_with_free_func ((GDestroyNotify) cx_group_column_free);
  CxFairnessParams defaults;
  int64_t N;
  gint64 t0;

  g_return_val_if_fail (model != NULL && schema != NULL && csv != NULL && x != NULL, NULL);
  if (params == NULL)
    {
      cx_fairness_params_init (&defaults);
      params = &defaults;
    }
  if (sensitive == NULL)
    sensitive = (const char *const *) schema->sensitive;
  if (sensitive[0] == NULL)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT,
                   "%s: no sensitive columns: list them under \"sensitive\" or give --sensitive",
                   schema->path);
      return NULL;
    }
  N = x->shape[0];
  if (x->ndim != 2 || N != csv->n_rows || x->shape[1] != schema->n_features)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT, "the encoded table does not match %s",
                   csv->path);
      return NULL;
    }
  for (const char *const *s = sensitive; *s; s++)
    {
      int c = cx_csv_column (csv, *s);
      if (c < 0)
        {
          g_set_error (error, CX_ERROR, CX_ERROR_INVALID, "%s: no sensitive column '%s'",
                       csv->path, *s);
          return NULL;
        }
      for (const char *const *t = sensitive; t < s; t++)
        if (strcmp (*s, *t) == 0)
          {
            g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT, "the sensitive column '%s' is given twice", *s);
            return NULL;
          }
      g_ptr_array_add (columns, cx_group_column_new (csv, c));
    }

  t0 = g_get_monotonic_time ();
  out = cx_engine_predict (model, x, 0, &params->engine, error);
  if (out == NULL)
    {
      cx_error_prefix (error, model->path);
      return NULL;
    }
  p = cx_favourable_probability (model, schema->favourable_output, out, error);
  if (p == NULL)
    return NULL;
  if (schema->label_column != NULL)
    {
      y = cx_schema_labels (schema, csv, error);
      if (y == NULL)
        return NULL;
    }
  {
    double predict_ms = (g_get_monotonic_time () - t0) / 1000.0;
    rep = cx_fairness_compute (p, y, N, (CxGroupColumn *const *) columns->pdata, (int) columns->len,
                               params, error);
    if (rep == NULL)
      {
        g_prefix_error (error, "%s: ", csv->path);
        return NULL;
      }
    rep->elapsed_predict_ms = predict_ms;
  }

  if (params->attribution)
    {
      int64_t C = schema->n_columns, F = schema->n_features, n_sample = 0;
      g_autofree double *weights = NULL;
      g_autofree int64_t *rows = NULL;
      g_autofree float *baseline = g_new0 (float, F);
      g_autofree double *mean = g_new0 (double, F);
      g_autofree float *attr = NULL;
      g_autoptr(CxTensor) xs = NULL;
      int64_t shape[2];
      int64_t target = out->shape[1] == 1 ? 0 : schema->favourable_output;

      t0 = g_get_monotonic_time ();
      for (int64_t r = 0; r < N; r++)
        for (int64_t f = 0; f < F; f++)
          mean[f] += x->data.f[r * F + f];
      for (int64_t f = 0; f < F; f++)
        baseline[f] = (float) (mean[f] / N);
      rows = attribution_sample ((CxGroupColumn *const *) columns->pdata, (int) columns->len, N,
                                 MAX (params->attribution_rows, 1), params->seed, &weights, &n_sample);
      shape[0] = n_sample;
      shape[1] = F;
      xs = cx_tensor_new (CX_ELEM_FLOAT, 2, shape, error);
      if (xs == NULL)
        return NULL;
      for (int64_t i = 0; i < n_sample; i++)
        memcpy (xs->data.f + i * F, x->data.f + rows[i] * F, sizeof (float) * F);
      attr = g_new (float, n_sample * C);
      if (!cx_ig_columns (model, schema, xs, baseline, target, MAX (params->ig_steps, 1),
                          &params->engine, attr, error))
        {
          cx_error_prefix (error, model->path);
          return NULL;
        }
      rep->attribution_columns = g_new0 (char *, C + 1);
      for (int64_t c = 0; c < C; c++)
        rep->attribution_columns[c] = g_strdup (schema->columns[c].name);
      rep->n_attribution_columns = (int) C;
      rep->attribution_rows = n_sample;
      rep->attribution_target = target;

      /* Weighted means of |attribution| per group. */
      {
        g_autofree double *wsum_all = g_new0 (double, C);
        double w_all = 0;
        for (int64_t i = 0; i < n_sample; i++)
          {
            w_all += weights[i];
            for (int64_t c = 0; c < C; c++)
              wsum_all[c] += weights[i] * fabsf (attr[i * C + c]);
          }
        rep->overall.attribution = g_new (double, C);
        for (int64_t c = 0; c < C; c++)
          rep->overall.attribution[c] = wsum_all[c] / w_all;
      }
      for (int k = 0; k < rep->n_breakdowns; k++)
        {
          CxFairnessBreakdown *bd = &rep->breakdowns[k];
          int ca = -1, cb = -1;
          g_autofree double *wsum = g_new0 (double, (gsize) bd->n_groups * C);
          g_autofree double *wtot = g_new0 (double, bd->n_groups);
          g_autofree int *pair_index = NULL;

          for (guint c = 0; c < columns->len; c++)
            {
              const CxGroupColumn *gc = columns->pdata[c];
              if (strcmp (gc->column, bd->columns[0]) == 0)
                ca = (int) c;
              if (bd->n_columns == 2 && strcmp (gc->column, bd->columns[1]) == 0)
                cb = (int) c;
            }
          if (bd->n_columns == 2)
            {
              const CxGroupColumn *A = columns->pdata[ca], *B = columns->pdata[cb];
              pair_index = g_new (int, (gsize) A->n_groups * B->n_groups);
              for (int i = 0; i < A->n_groups * B->n_groups; i++)
                pair_index[i] = -1;
              for (int g = 0; g < bd->n_groups; g++)
                {
                  int ia = -1, ib = -1;
                  for (int i = 0; i < A->n_groups; i++)
                    if (strcmp (A->names[i], bd->groups[g].values[0]) == 0)
                      ia = i;
                  for (int i = 0; i < B->n_groups; i++)
                    if (strcmp (B->names[i], bd->groups[g].values[1]) == 0)
                      ib = i;
                  pair_index[ia * B->n_groups + ib] = g;
                }
            }
          for (int64_t i = 0; i < n_sample; i++)
            {
              const CxGroupColumn *A = columns->pdata[ca];
              int g = (int) A->codes[rows[i]];
              if (bd->n_columns == 2)
                {
                  const CxGroupColumn *B = columns->pdata[cb];
                  g = pair_index[g * B->n_groups + (int) B->codes[rows[i]]];
                }
              wtot[g] += weights[i];
              for (int64_t c = 0; c < C; c++)
                wsum[g * C + c] += weights[i] * fabsf (attr[i * C + c]);
            }
          for (int g = 0; g < bd->n_groups; g++)
            {
              bd->groups[g].attribution = g_new (double, C);
              for (int64_t c = 0; c < C; c++)
                bd->groups[g].attribution[c] = wtot[g] > 0 ? wsum[g * C + c] / wtot[g] : NAN;
            }
        }
      rep->elapsed_attribution_ms = (g_get_monotonic_time () - t0) / 1000.0;
    }
  return g_steal_pointer (&rep);
}

/* ---- image data sets ---- */

static int
find_header (const CxCsv *csv, const char *const *names, int skip)
{
  for (const char *const *n = names; *n; n++)
    for (int c = 0; c < csv->n_columns; c++)
      if (c != skip && g_ascii_strcasecmp (csv->header[c], *n) == 0)
        return c;
  return -1;
}

gboolean
cx_image_labels_columns (const CxCsv *labels, int *file_column, int *label_column, GError **error)
{
  static const char *const file_names[] = { "file", "filename", "image", "path", NULL };
  static const char *const label_names[] = { "label", "class", "class_name", NULL };

  if (labels->n_columns < 2)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_INVALID,
                   "%s: an image data set has a file column and a label column", labels->path);
      return FALSE;
    }
  *file_column = find_header (labels, file_names, -1);
  if (*file_column < 0)
    *file_column = 0;
  *label_column = find_header (labels, label_names, *file_column);
  if (*label_column < 0)
    *label_column = *file_column == 0 ? 1 : 0;
  return TRUE;
}

gboolean
cx_class_index (const CxModel *model, int64_t n_classes, const char *label, int64_t *index)
{
  g_auto(GStrv) classes = cx_model_class_names (model);
  char *end = NULL;
  guint64 v;

  for (int64_t k = 0; classes != NULL && classes[k] != NULL && k < n_classes; k++)
    if (strcmp (g_strstrip (classes[k]), label) == 0)
      {
        *index = k;
        return TRUE;
      }
  if (!g_ascii_isdigit (label[0]))
    return FALSE;
  v = g_ascii_strtoull (label, &end, 10);
  if (*end != '\0' || v >= (guint64) n_classes)
    return FALSE;
  *index = (int64_t) v;
  return TRUE;
}

/* Predicts @rows images of @labels: the favourable probability of each. */
static float *
predict_images (const CxModel *model, const CxCsv *labels, int file_col, int64_t favourable,
                const CxEngineOptions *engine, int64_t *n_classes, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (labels->path);
  g_autofree float *p = g_new (float, MAX (labels->n_rows, 1));
  const int64_t chunk = 64;

  *n_classes = -1;
  for (int64_t r0 = 0; r0 < labels->n_rows; r0 += chunk)
    {
      int64_t n = MIN (chunk, labels->n_rows - r0);
      g_autoptr(CxTensor) batch = NULL;
      g_autoptr(CxTensor) out = NULL;
      g_autoptr(CxTensor) prob = NULL;

      for (int64_t i = 0; i < n; i++)
        {
          const char *name = cx_csv_cell (labels, r0 + i, file_col);
          g_autofree char *path = g_path_is_absolute (name) ? g_strdup (name)
                                  : g_build_filename (dir, name, NULL);
          g_autoptr(CxTensor) x = NULL;

          if (*name == '\0')
            {
              g_set_error (error, CX_ERROR, CX_ERROR_INVALID, "%s: row %" G_GINT64_FORMAT
                           ", column %s: no file name", labels->path, r0 + i + 1, labels->header[file_col]);
              return NULL;
            }
          x = cx_input_load (model, path, NULL, error);
          if (x == NULL)
            {
              g_prefix_error (error, "%s: row %" G_GINT64_FORMAT ": ", labels->path, r0 + i + 1);
              return NULL;
            }
          if (batch == NULL)
            {
              int64_t shape[CX_MAX_DIMS];
              memcpy (shape, x->shape, sizeof shape);
              shape[0] = n;
              batch = cx_tensor_new (CX_ELEM_FLOAT, x->ndim, shape, error);
              if (batch == NULL)
                return NULL;
            }
          if (x->numel * n != batch->numel || x->shape[0] != 1)
            {
              g_set_error (error, CX_ERROR, CX_ERROR_SHAPE, "%s: row %" G_GINT64_FORMAT
                           ": %s does not have the shape of the other images", labels->path,
                           r0 + i + 1, path);
              return NULL;
            }
          memcpy (batch->data.f + i * x->numel, x->data.f, sizeof (float) * x->numel);
        }
      out = cx_engine_predict (model, batch, 0, engine, error);
      if (out == NULL)
        {
          cx_error_prefix (error, model->path);
          return NULL;
        }
      if (out->ndim != 2 || out->shape[1] < 2)
        {
          g_set_error (error, CX_ERROR, CX_ERROR_SHAPE,
                       "%s: an image data set needs a model with two or more classes", model->path);
          return NULL;
        }
      *n_classes = out->shape[1];
      if (favourable < 0 || favourable >= out->shape[1])
        {
          g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT, "%s: no class %" G_GINT64_FORMAT
                       " (the model has %" G_GINT64_FORMAT ")", model->path, favourable, out->shape[1]);
          return NULL;
        }
      prob = cx_output_probabilities (model, 0, out);
      for (int64_t i = 0; i < n; i++)
        p[r0 + i] = prob->data.f[i * prob->shape[1] + favourable];
    }
  return g_steal_pointer (&p);
}

CxFairnessReport *
cx_fairness_run_images (const CxModel *model, const CxCsv *labels, int64_t favourable,
                        const char *const *sensitive, const CxFairnessParams *params, GError **error)
{
  g_autoptr(GPtrArray) columns = g_ptr_array_new_with_free_func ((GDestroyNotify) cx_group_column_free);
  g_autofree float *p = NULL;
  g_autofree guint8 *y = NULL;
  CxFairnessParams defaults, local;
  CxFairnessReport *rep;
  int file_col, label_col;
  int64_t n_classes;
  gint64 t0;

  g_return_val_if_fail (model != NULL && labels != NULL, NULL);
  if (params == NULL)
    {
      cx_fairness_params_init (&defaults);
      params = &defaults;
    }
  if (!cx_image_labels_columns (labels, &file_col, &label_col, error))
    return NULL;
  if (labels->n_rows == 0)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_INVALID, "%s: the table has a header but no rows", labels->path);
      return NULL;
    }
  if (sensitive != NULL)
    for (const char *const *s = sensitive; *s; s++)
      {
        int c = cx_csv_column (labels, *s);
        if (c < 0)
          {
            g_set_error (error, CX_ERROR, CX_ERROR_INVALID, "%s: no sensitive column '%s'", labels->path, *s);
            return NULL;
          }
        g_ptr_array_add (columns, cx_group_column_new (labels, c));
      }
  else
    for (int c = 0; c < labels->n_columns; c++)
      if (c != file_col && c != label_col)
        g_ptr_array_add (columns, cx_group_column_new (labels, c));
  if (columns->len == 0)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT,
                   "%s: no group columns: add columns beside file and label, or give --sensitive",
                   labels->path);
      return NULL;
    }

  t0 = g_get_monotonic_time ();
  p = predict_images (model, labels, file_col, favourable, &params->engine, &n_classes, error);
  if (p == NULL)
    return NULL;
  y = g_new (guint8, labels->n_rows);
  for (int64_t r = 0; r < labels->n_rows; r++)
    {
      int64_t k;
      const char *t = cx_csv_cell (labels, r, label_col);
      if (!cx_class_index (model, n_classes, t, &k))
        {
          g_set_error (error, CX_ERROR, CX_ERROR_INVALID, "%s: row %" G_GINT64_FORMAT
                       ", column %s: '%s' is not a class of the model", labels->path, r + 1,
                       labels->header[label_col], t);
          return NULL;
        }
      y[r] = k == favourable;
    }
  local = *params;
  local.attribution = FALSE;
  rep = cx_fairness_compute (p, y, labels->n_rows, (CxGroupColumn *const *) columns->pdata,
                             (int) columns->len, &local, error);
  if (rep == NULL)
    {
      g_prefix_error (error, "%s: ", labels->path);
      return NULL;
    }
  rep->elapsed_predict_ms = (g_get_monotonic_time () - t0) / 1000.0 - rep->elapsed_bootstrap_ms;
  return rep;
}

/* ---- JSON ---- */

static void
add_number (JsonBuilder *b, const char *key, double v)
{
  json_builder_set_member_name (b, key);
  if (isnan (v) || isinf (v))
    json_builder_add_null_value (b);
  else
    json_builder_add_double_value (b, v);
}

static void
add_interval (JsonBuilder *b, const char *key, const double ci[2])
{
  g_autofree char *name = g_strconcat (key, "_ci", NULL);
  json_builder_set_member_name (b, name);
  if (isnan (ci[0]) || isnan (ci[1]))
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_array (b);
  json_builder_add_double_value (b, ci[0]);
  json_builder_add_double_value (b, ci[1]);
  json_builder_end_array (b);
}

static void
add_group (JsonBuilder *b, const CxFairnessReport *rep, const CxFairnessGroup *g,
           gboolean comparison)
{
  gboolean ci = rep->params.resamples > 0;

  json_builder_begin_object (b);
  if (g->values != NULL && g->values[0] != NULL && g->values[1] != NULL)
    {
      json_builder_set_member_name (b, "values");
      json_builder_begin_array (b);
      for (char **v = g->values; *v; v++)
        json_builder_add_string_value (b, *v);
      json_builder_end_array (b);
    }
  json_builder_set_member_name (b, "n");
  json_builder_add_int_value (b, g->n);
  json_builder_set_member_name (b, "too_small");
  json_builder_add_boolean_value (b, g->too_small);
  for (int m = 0; m < CX_N_RATES; m++)
    add_number (b, rate_names[m], g->rate[m]);
  if (rep->has_labels)
    {
      json_builder_set_member_name (b, "counts");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "tp");
      json_builder_add_int_value (b, g->tp);
      json_builder_set_member_name (b, "fp");
      json_builder_add_int_value (b, g->fp);
      json_builder_set_member_name (b, "fn");
      json_builder_add_int_value (b, g->fn);
      json_builder_set_member_name (b, "tn");
      json_builder_add_int_value (b, g->tn);
      json_builder_end_object (b);
    }
  if (ci)
    for (int m = 0; m < CX_N_RATES; m++)
      add_interval (b, rate_names[m], g->rate_ci[m]);
  if (comparison)
    for (int m = 0; m < CX_N_RATES; m++)
      {
        g_autofree char *d = g_strconcat (rate_names[m], "_difference", NULL);
        g_autofree char *r = g_strconcat (rate_names[m], "_ratio", NULL);
        add_number (b, d, g->difference[m]);
        if (ci)
          add_interval (b, d, g->difference_ci[m]);
        add_number (b, r, g->ratio[m]);
        if (ci)
          add_interval (b, r, g->ratio_ci[m]);
      }
  if (g->attribution != NULL && rep->attribution_columns != NULL)
    {
      json_builder_set_member_name (b, "mean_abs_attribution");
      json_builder_begin_object (b);
      for (int c = 0; c < rep->n_attribution_columns; c++)
        add_number (b, rep->attribution_columns[c], g->attribution[c]);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
}

static void
add_breakdown (JsonBuilder *b, const CxFairnessReport *rep, const CxFairnessBreakdown *bd)
{
  json_builder_set_member_name (b, bd->name);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "columns");
  json_builder_begin_array (b);
  for (int c = 0; c < bd->n_columns; c++)
    json_builder_add_string_value (b, bd->columns[c]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "reference_group");
  json_builder_add_string_value (b, bd->groups[bd->reference].name);
  for (int d = 0; d < CX_N_DISPARITIES; d++)
    {
      add_number (b, disparity_names[d], bd->disparity[d]);
      if (rep->params.resamples > 0)
        add_interval (b, disparity_names[d], bd->disparity_ci[d]);
    }
  json_builder_set_member_name (b, "four_fifths_rule_failed");
  json_builder_add_boolean_value (b, bd->four_fifths_failed);
  json_builder_set_member_name (b, "groups");
  json_builder_begin_object (b);
  for (int g = 0; g < bd->n_groups; g++)
    {
      json_builder_set_member_name (b, bd->groups[g].name);
      add_group (b, rep, &bd->groups[g], TRUE);
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
}

void
cx_fairness_report_to_json (const CxFairnessReport *rep, JsonBuilder *b)
{
  const CxFairnessParams *p = &rep->params;
  gboolean any_pair = FALSE;

  json_builder_set_member_name (b, "rows");
  json_builder_add_int_value (b, rep->n_rows);
  json_builder_set_member_name (b, "threshold");
  json_builder_add_double_value (b, p->threshold);
  json_builder_set_member_name (b, "min_group_size");
  json_builder_add_int_value (b, p->min_group_size);
  json_builder_set_member_name (b, "bootstrap");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "method");
  json_builder_add_string_value (b, "percentile bootstrap over rows");
  json_builder_set_member_name (b, "resamples");
  json_builder_add_int_value (b, p->resamples);
  json_builder_set_member_name (b, "seed");
  json_builder_add_int_value (b, (gint64) p->seed);
  json_builder_set_member_name (b, "confidence");
  json_builder_add_double_value (b, p->confidence);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "overall");
  add_group (b, rep, &rep->overall, FALSE);
  json_builder_set_member_name (b, "sensitive");
  json_builder_begin_object (b);
  for (int k = 0; k < rep->n_breakdowns; k++)
    if (rep->breakdowns[k].n_columns == 1)
      add_breakdown (b, rep, &rep->breakdowns[k]);
    else
      any_pair = TRUE;
  json_builder_end_object (b);
  json_builder_set_member_name (b, "intersections");
  json_builder_begin_object (b);
  for (int k = 0; k < rep->n_breakdowns && any_pair; k++)
    if (rep->breakdowns[k].n_columns == 2)
      add_breakdown (b, rep, &rep->breakdowns[k]);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "attribution");
  if (rep->attribution_columns == NULL)
    json_builder_add_null_value (b);
  else
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "method");
      json_builder_add_string_value (b, "ig");
      json_builder_set_member_name (b, "statistic");
      json_builder_add_string_value (b, "mean |attribution| per raw column (sum over its encoded features)");
      json_builder_set_member_name (b, "rule");
      json_builder_add_string_value (b, "gausslegendre");
      json_builder_set_member_name (b, "steps");
      json_builder_add_int_value (b, p->ig_steps);
      json_builder_set_member_name (b, "baseline");
      json_builder_add_string_value (b, "mean");
      json_builder_set_member_name (b, "target");
      json_builder_add_int_value (b, rep->attribution_target);
      json_builder_set_member_name (b, "rows");
      json_builder_add_int_value (b, rep->attribution_rows);
      json_builder_set_member_name (b, "columns");
      json_builder_begin_array (b);
      for (int c = 0; c < rep->n_attribution_columns; c++)
        json_builder_add_string_value (b, rep->attribution_columns[c]);
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
}
