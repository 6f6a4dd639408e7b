/* counterfactual.c: DiCE-style counterfactuals for table rows, DDN for images.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "counterfactual.h"
#include "fairness.h"
#include "input.h"
#include "exec.h"
#include "cx-error.h"
#include "parallel.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The validity margin, in log-odds, the gradient search aims past the threshold. */
#define KAPPA 0.1
/* Proximity weight relative to the steepest feature (ISTA threshold fraction). */
#define RHO 0.9
/* Extra cost of a column per earlier counterfactual that moves it (diversity). */
#define DIVERSITY 3.0
/* Grid points per round when a numeric change is shortened to the boundary. */
#define GRID 16
#define GRID_ROUNDS 3

void
cx_counterfactual_params_init (CxCounterfactualParams *params)
{
  memset (params, 0, sizeof *params);
  params->count = 5;
  params->threshold = 0.5;
  params->max_iterations = 300;
}

void
cx_counterfactual_result_free (CxCounterfactualResult *result)
{
  if (result == NULL)
    return;
  for (int i = 0; i < result->n_items; i++)
    {
      CxCounterfactual *cf = &result->items[i];
      g_strfreev (cf->values);
      /* A run cancelled late has counted the changes of its items but
       * not listed them yet. */
      for (int k = 0; cf->changes != NULL && k < cf->n_changes; k++)
        {
          g_free (cf->changes[k].from);
          g_free (cf->changes[k].to);
        }
      g_free (cf->changes);
    }
  g_free (result->items);
  g_free (result->stats);
  g_free (result);
}

/* ---- column statistics ---- */

static void
swap_d (double *a, double *b)
{
  double t = *a;
  *a = *b;
  *b = t;
}

/* The k-th smallest of v[0..n) (v is reordered): quickselect. */
static double
select_kth (double *v, int64_t n, int64_t k)
{
  int64_t lo = 0, hi = n - 1;
  while (lo < hi)
    {
      int64_t mid = lo + (hi - lo) / 2, i = lo, j = hi;
      double pivot;
      /* Median of three as the pivot. */
      if (v[mid] < v[lo])
        swap_d (&v[mid], &v[lo]);
      if (v[hi] < v[lo])
        swap_d (&v[hi], &v[lo]);
      if (v[hi] < v[mid])
        swap_d (&v[hi], &v[mid]);
      pivot = v[mid];
      while (i <= j)
        {
          while (v[i] < pivot)
            i++;
          while (v[j] > pivot)
            j--;
          if (i <= j)
            {
              swap_d (&v[i], &v[j]);
              i++;
              j--;
            }
        }
      if (k <= j)
        hi = j;
      else if (k >= i)
        lo = i;
      else
        return v[k];
    }
  return v[k];
}

static double
median (double *v, int64_t n)
{
  double a = select_kth (v, n, n / 2);
  if (n % 2 == 1)
    return a;
  /* The even case: the mean of the two middle values. */
  {
    double b = -INFINITY;
    for (int64_t i = 0; i < n / 2; i++)
      b = MAX (b, v[i]);
    return (a + b) / 2;
  }
}

/* The value of a numeric cell, the column's fill standing in for an empty one. */
static gboolean
cell_number (const CxSchemaColumn *col, const char *text, double *v)
{
  if (*text == '\0' && col->fill != NULL)
    text = col->fill;
  return cx_parse_number (text, v);
}

/* ---- the search state ---- */

typedef struct
{
  const CxModel *model;
  const CxSchema *schema;
  const CxCsv *csv;
  CxExec *exec;
  int fixed_batch;
  int64_t K;                   /* output width */
  CxOutputKind kind;
  int fav;
  double threshold;
  double logit_t;
  int F, C;
  int64_t row;
  float *x0;                   /* encoded row */
  const char **v0;             /* its text per schema column */
  double *num0;                /* its value per numeric column */
  CxColumnStats *stats;
  double *scale;               /* per feature: x = x0 + scale · u */
  double *cost;                /* per feature: cost of one unit of u */
  double *ulo, *uhi;           /* per feature: box of u */
  gboolean *movable;           /* per feature: not locked */
  int evaluations;
  /* progress */
  const CxEngineOptions *engine;
  double reported;             /* the last fraction reported */
  double span_lo, span_hi;     /* the part of the run a nested engine call stands for */
  int it_done, it_total;       /* gradient steps so far, at most */
} Search;

/* Where the run's time goes, as fractions of it: the column statistics,
 * then the gradient steps, then making candidates sparse and short, then
 * predicting the table for plausibility. */
#define PROGRESS_STATS 0.05
#define PROGRESS_SEARCH 0.85
#define PROGRESS_REFINE 0.9

/* Reports @fraction (never less than before) to the caller's progress
 * function; FALSE with CX_ERROR_CANCELLED when it says to stop. */
static gboolean
report (Search *s, double fraction, GError **error)
{
  if (s->engine == NULL || s->engine->progress == NULL)
    return TRUE;
  s->reported = MAX (s->reported, MIN (fraction, 1.0));
  if (s->engine->progress (s->reported, s->engine->progress_data))
    return TRUE;
  g_set_error (error, CX_ERROR, CX_ERROR_CANCELLED, "cancelled");
  return FALSE;
}

/* The progress function of a nested engine call: its fraction mapped into
 * [span_lo, span_hi] of the run. */
static gboolean
nested_progress (double fraction, gpointer data)
{
  Search *s = data;
  s->reported = MAX (s->reported, s->span_lo + (s->span_hi - s->span_lo) * fraction);
  return s->engine->progress (s->reported, s->engine->progress_data);
}

/* Engine options for a nested call standing for [lo, hi] of the run. */
static CxEngineOptions
nested_options (Search *s, double lo, double hi)
{
  CxEngineOptions o = *s->engine;
  s->span_lo = MAX (lo, s->reported);
  s->span_hi = MAX (hi, s->span_lo);
  if (o.progress != NULL)
    {
      o.progress = nested_progress;
      o.progress_data = s;
    }
  return o;
}

static void
search_clear (Search *s)
{
  if (s->exec != NULL)
    cx_exec_free (s->exec);
  g_free (s->x0);
  g_free (s->v0);
  g_free (s->num0);
  g_free (s->scale);
  g_free (s->cost);
  g_free (s->ulo);
  g_free (s->uhi);
  g_free (s->movable);
}

static double
clamp_prob (double p)
{
  return CLAMP (p, 1e-7, 1 - 1e-7);
}

/* Validity s (log-odds of the favourable decision minus the threshold's)
 * of @m encoded rows and, with @grad, its gradient with respect to each
 * row, from one forward and one reverse pass per chunk. */
static gboolean
score (Search *s, const float *X, int m, double *out, float *grad, GError **error)
{
  int step = s->fixed_batch > 0 ? s->fixed_batch : m;

  if (s->fixed_batch > 1 && m % s->fixed_batch != 0)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_SHAPE, "%s: counterfactuals need a model that takes "
                   "any number of rows (or one at a time)", s->model->path);
      return FALSE;
    }
  for (int r0 = 0; r0 < m; r0 += step)
    {
      int n = MIN (step, m - r0);
      int64_t shape[2] = { n, s->F };
      g_autoptr(CxTensor) in = cx_tensor_new (CX_ELEM_FLOAT, 2, shape, error);
      g_autoptr(CxTensor) seed = NULL;
      CxTensor *inputs[1];
      const CxTensor *o;
      int64_t K;

      if (in == NULL)
        return FALSE;
      memcpy (in->data.f, X + (gsize) r0 * s->F, sizeof (float) * n * s->F);
      inputs[0] = in;
      if (!cx_tensor_all_finite (in))
        {
          g_set_error (error, CX_ERROR, CX_ERROR_NUMERIC, "a counterfactual candidate is not finite");
          return FALSE;
        }
      if (!cx_exec_forward (s->exec, inputs, grad != NULL, error))
        return FALSE;
      s->evaluations += n;
      o = cx_exec_output (s->exec, 0);
      if (o == NULL || o->ndim != 2 || o->shape[0] != n || o->shape[1] != s->K)
        {
          g_set_error (error, CX_ERROR, CX_ERROR_SHAPE, "%s: the output does not have %" G_GINT64_FORMAT
                       " values per row", s->model->path, s->K);
          return FALSE;
        }
      K = s->K;
      if (grad != NULL)
        {
          seed = cx_tensor_new_zeros (CX_ELEM_FLOAT, 2, o->shape, error);
          if (seed == NULL)
            return FALSE;
        }
      for (int r = 0; r < n; r++)
        {
          const float *z = o->data.f + (int64_t) r * K;
          float *d = seed ? seed->data.f + (int64_t) r * K : NULL;
          double v;

          if (K == 1)
            {
              double sign = s->fav == 1 ? 1 : -1;
              if (s->kind == CX_OUTPUT_LOGITS)
                {
                  v = sign * z[0];
                  if (d)
                    d[0] = (float) sign;
                }
              else
                {
                  double q = clamp_prob (z[0]);
                  v = sign * log (q / (1 - q));
                  if (d)
                    d[0] = (float) (sign / (q * (1 - q)));
                }
            }
          else if (s->kind == CX_OUTPUT_LOGITS)
            {
              /* z_fav − logsumexp of the others; its gradient weighs them by softmax. */
              double mx = -INFINITY, sum = 0;
              for (int64_t j = 0; j < K; j++)
                if (j != s->fav)
                  mx = MAX (mx, z[j]);
              for (int64_t j = 0; j < K; j++)
                if (j != s->fav)
                  sum += exp (z[j] - mx);
              v = z[s->fav] - (mx + log (sum));
              if (d)
                {
                  for (int64_t j = 0; j < K; j++)
                    d[j] = j == s->fav ? 1.0f : (float) (-exp (z[j] - mx) / sum);
                }
            }
          else
            {
              double p = clamp_prob (z[s->fav]);
              v = log (p / (1 - p));
              if (d)
                d[s->fav] = (float) (1 / (p * (1 - p)));
            }
          out[r0 + r] = v - s->logit_t;
        }
      if (grad != NULL)
        {
          const CxTensor *g;
          if (!cx_exec_backward (s->exec, 0, seed, error))
            return FALSE;
          g = cx_exec_input_grad (s->exec, 0);
          if (g == NULL)
            memset (grad + (gsize) r0 * s->F, 0, sizeof (float) * n * s->F);
          else
            memcpy (grad + (gsize) r0 * s->F, g->data.f, sizeof (float) * n * s->F);
        }
    }
  return TRUE;
}

/* Favourable probabilities of @m rows given as texts (schema column order). */
static gboolean
predict_values (Search *s, char ***values, int m, double *p, GError **error)
{
  g_autofree float *X = NULL;
  g_autofree double *sc = NULL;

  if (m == 0)
    return TRUE;
  X = g_new (float, (gsize) m * s->F);
  sc = g_new (double, m);
  for (int i = 0; i < m; i++)
    if (!cx_schema_encode_values (s->schema, (const char *const *) values[i], X + (gsize) i * s->F,
                                  "a counterfactual", error))
      return FALSE;
  if (!score (s, X, m, sc, NULL, error))
    return FALSE;
  for (int i = 0; i < m; i++)
    p[i] = 1 / (1 + exp (-(sc[i] + s->logit_t)));
  return TRUE;
}

/* The text of numeric column @c at value @v: within the column's range, on
 * a grid of a hundredth of its MAD's order of magnitude (integers for an
 * integral column), rounded away from the row's value so rounding never
 * undoes part of a change; the row's own text when it is its value. */
static char *
numeric_text (Search *s, int c, double v)
{
  const CxColumnStats *st = &s->stats[c];
  double v0 = s->num0[c];
  int e = (int) floor (log10 (st->mad)) - 2;
  double q = pow (10, e);
  double r;

  if (st->integer)
    {
      e = MAX (e, 0);
      q = MAX (q, 1);
    }
  v = CLAMP (v, st->min, st->max);
  if (v == v0)
    return g_strdup (s->v0[c]);
  r = v > v0 ? ceil (v / q - 1e-9) * q : floor (v / q + 1e-9) * q;
  if (r > st->max || r < st->min)
    r = v > v0 ? floor (v / q) * q : ceil (v / q) * q;
  if (r == v0 || (v > v0) != (r > v0) || r > st->max || r < st->min)
    {
      /* The grid has no point between: write the value itself. */
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      if (st->integer)
        return g_strdup_printf ("%.0f", v);
      return g_strdup (g_ascii_dtostr (buf, sizeof buf, v));
    }
  if (e >= 0)
    return g_strdup_printf ("%.0f", r);
  {
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    char fmt[16];
    g_snprintf (fmt, sizeof fmt, "%%.%df", -e);
    g_ascii_formatd (buf, sizeof buf, fmt, r);
    return g_strdup (buf);
  }
}

/* Texts of the candidate at @base + scale · @u (u in MAD units). */
static char **
values_of (Search *s, const float *base, const double *u, double numeric_factor)
{
  char **values = g_new0 (char *, s->C + 1);

  for (int c = 0; c < s->C; c++)
    {
      const CxSchemaColumn *col = &s->schema->columns[c];
      if (col->kind == CX_COLUMN_NUMERIC)
        {
          int f = col->features[0];
          if (u[f] == 0)
            values[c] = g_strdup (s->v0[c]);
          else
            values[c] = numeric_text (s, c, s->num0[c] + numeric_factor * u[f] * s->stats[c].mad);
        }
      else
        {
          /* The most likely category of the relaxed one-hot entries (ties: the row's own). */
          int best = -1;
          double bv = -INFINITY;
          for (int k = 0; k < col->n_features; k++)
            {
              int f = col->features[k];
              double v = base[f] + u[f];
              if (v > bv || (v == bv && s->x0[f] == 1.0f))
                {
                  bv = v;
                  best = k;
                }
            }
          if (s->x0[col->features[best]] == 1.0f)
            values[c] = g_strdup (s->v0[c]);
          else
            values[c] = g_strdup (col->categories[best]);
        }
    }
  return values;
}

/* Σ |Δ| / MAD over numeric columns + changed categorical columns. */
static double
distance_of (Search *s, char **values, int *n_changed)
{
  double d = 0;
  int changed = 0;
  for (int c = 0; c < s->C; c++)
    {
      if (strcmp (values[c], s->v0[c]) == 0)
        continue;
      if (s->schema->columns[c].kind == CX_COLUMN_NUMERIC)
        {
          double v;
          if (!cell_number (&s->schema->columns[c], values[c], &v) || v == s->num0[c])
            continue;
          d += fabs (v - s->num0[c]) / s->stats[c].mad;
        }
      else
        d += 1;
      changed++;
    }
  if (n_changed)
    *n_changed = changed;
  return d;
}

static char **
copy_values (char **values)
{
  return g_strdupv (values);
}

/* ---- the gradient search ---- */

static gboolean
gradient_search (Search *s, int M, int max_iterations, const float *B, gboolean freeze_categorical,
                 double *U, int *iterations, GError **error)
{
  int F = s->F;
  g_autofree float *X = g_new (float, (gsize) M * F);
  g_autofree float *G = g_new (float, (gsize) M * F);
  g_autofree double *sc = g_new (double, M);
  g_autofree double *alpha = g_new (double, M);
  g_autofree int *prev = g_new (int, M);
  g_autofree gboolean *done = g_new0 (gboolean, M);
  g_autofree gboolean *crossed = g_new0 (gboolean, M);
  g_autofree int *used = g_new (int, s->C);
  g_autofree gboolean *col_moved = g_new (gboolean, s->C);
  g_autofree gboolean *movable = g_new (gboolean, F);
  int it;

  for (int f = 0; f < F; f++)
    movable[f] = s->movable[f] && !(freeze_categorical && s->schema->features[f].equals != NULL);
  for (int i = 0; i < M; i++)
    {
      alpha[i] = 0.25;
      prev[i] = -1;
      for (int f = 0; f < F; f++)
        if (!movable[f])
          U[(gsize) i * F + f] = 0;
    }
  for (it = 0; it < max_iterations; it++)
    {
      gboolean all_done = TRUE;

      for (int i = 0; i < M; i++)
        for (int f = 0; f < F; f++)
          X[(gsize) i * F + f] = (float) (B[(gsize) i * F + f] + s->scale[f] * U[(gsize) i * F + f]);
      if (!score (s, X, M, sc, G, error))
        return FALSE;

      memset (used, 0, sizeof (int) * s->C);
      for (int i = 0; i < M; i++)
        {
          double *u = U + (gsize) i * F;
          const float *gx = G + (gsize) i * F;
          gboolean valid = sc[i] >= KAPPA;

          if (!done[i])
            {
              if (!valid)
                {
                  /* Steepest ascent of s per unit of (penalised) cost: the
                   * proximal L1 step then only lets through the features
                   * within RHO of the best. */
                  double best = 0;
                  for (int f = 0; f < F; f++)
                    {
                      double g = s->scale[f] * gx[f];
                      double c = s->cost[f] * (1 + DIVERSITY * used[s->schema->features[f].raw]);
                      if (!movable[f] || (g > 0 && u[f] >= s->uhi[f]) || (g < 0 && u[f] <= s->ulo[f]))
                        continue;
                      best = MAX (best, fabs (g) / c);
                    }
                  if (best == 0 || !isfinite (best))
                    done[i] = TRUE;   /* nowhere left to go */
                  else
                    for (int f = 0; f < F; f++)
                      if (movable[f])
                        u[f] += alpha[i] * s->scale[f] * gx[f] / best;
                }
              for (int f = 0; f < F; f++)
                {
                  double c = s->cost[f] * (1 + DIVERSITY * used[s->schema->features[f].raw]);
                  double t = alpha[i] * RHO * c;
                  if (!movable[f])
                    {
                      u[f] = 0;
                      continue;
                    }
                  u[f] = u[f] > t ? u[f] - t : u[f] < -t ? u[f] + t : 0;
                  u[f] = CLAMP (u[f], s->ulo[f], s->uhi[f]);
                }
              /* Faster while the boundary is far; once crossed, every
               * crossing halves the step so the candidate settles on it. */
              if (prev[i] >= 0 && prev[i] != valid)
                {
                  alpha[i] *= 0.5;
                  crossed[i] = TRUE;
                }
              else if (!crossed[i])
                alpha[i] = MIN (alpha[i] * 1.15, 2.0);
              prev[i] = valid;
              if (alpha[i] < 1e-3 && valid)
                done[i] = TRUE;
            }
          all_done = all_done && done[i];
          /* Later candidates pay for the columns this one moves. */
          memset (col_moved, 0, sizeof (gboolean) * s->C);
          for (int f = 0; f < F; f++)
            if (u[f] != 0)
              col_moved[s->schema->features[f].raw] = TRUE;
          for (int c = 0; c < s->C; c++)
            used[c] += col_moved[c];
        }
      s->it_done++;
      if (!report (s, PROGRESS_STATS + (PROGRESS_SEARCH - PROGRESS_STATS) * s->it_done / MAX (s->it_total, 1),
                   error))
        return FALSE;
      if (all_done)
        break;
    }
  *iterations = MIN (it + 1, max_iterations);
  return TRUE;
}

/* ---- making valid candidates sparse and short ---- */

typedef struct
{
  char **values;
  double p;
  gboolean valid;
} Candidate;

/* Undoes every change that is not needed, the costliest first: each round,
 * every candidate tries undoing its costliest change not tried yet. */
static gboolean
sparsify (Search *s, Candidate *cands, int n, GError **error)
{
  g_autofree gboolean *tried = g_new0 (gboolean, (gsize) n * s->C);

  for (int round = 0; round < s->C; round++)
    {
      g_autoptr(GPtrArray) trials = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
      g_autofree int *owner = g_new (int, n);
      g_autofree double *p = NULL;
      int m = 0;

      for (int i = 0; i < n; i++)
        {
          int pick = -1, changed = 0;
          double pick_cost = -1;
          if (!cands[i].valid)
            continue;
          for (int c = 0; c < s->C; c++)
            if (strcmp (cands[i].values[c], s->v0[c]) != 0)
              {
                double v, cost = 1.0;
                changed++;
                if (tried[(gsize) i * s->C + c])
                  continue;
                if (s->schema->columns[c].kind == CX_COLUMN_NUMERIC &&
                    cell_number (&s->schema->columns[c], cands[i].values[c], &v))
                  cost = fabs (v - s->num0[c]) / s->stats[c].mad;
                if (cost > pick_cost)
                  {
                    pick = c;
                    pick_cost = cost;
                  }
              }
          /* A single change is needed (the row itself is not favourable). */
          if (pick < 0 || changed <= 1)
            continue;
          tried[(gsize) i * s->C + pick] = TRUE;
          {
            char **t = copy_values (cands[i].values);
            g_free (t[pick]);
            t[pick] = g_strdup (s->v0[pick]);
            g_ptr_array_add (trials, t);
            owner[m++] = i;
          }
        }
      if (m == 0)
        break;
      p = g_new (double, m);
      if (!predict_values (s, (char ***) trials->pdata, m, p, error))
        return FALSE;
      for (int j = 0; j < m; j++)
        if (p[j] >= s->threshold)
          {
            Candidate *cd = &cands[owner[j]];
            g_strfreev (cd->values);
            cd->values = copy_values (trials->pdata[j]);
            cd->p = p[j];
          }
    }
  return TRUE;
}

/* Shortens every numeric change to the decision boundary: a grid between
 * the row's value and the candidate's, refined GRID_ROUNDS times. */
static gboolean
shorten (Search *s, Candidate *cands, int n, GError **error)
{
  for (int c = 0; c < s->C; c++)
    {
      g_autofree double *lo = g_new0 (double, n);
      g_autofree double *hi = g_new (double, n);
      g_autofree double *target = g_new (double, n);
      g_autofree gboolean *active = g_new0 (gboolean, n);
      int any = 0;

      if (s->schema->columns[c].kind != CX_COLUMN_NUMERIC)
        continue;
      for (int i = 0; i < n; i++)
        {
          double v;
          hi[i] = 1;
          if (cands[i].valid && strcmp (cands[i].values[c], s->v0[c]) != 0 &&
              cell_number (&s->schema->columns[c], cands[i].values[c], &v))
            {
              target[i] = v;
              active[i] = TRUE;
              any++;
            }
        }
      for (int round = 0; round < GRID_ROUNDS && any > 0; round++)
        {
          g_autoptr(GPtrArray) trials = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
          g_autofree int *owner = g_new (int, (gsize) n * (GRID - 1));
          g_autofree double *lam = g_new (double, (gsize) n * (GRID - 1));
          g_autofree double *p = NULL;
          g_autofree double *best = g_new (double, n);
          int m = 0;

          for (int i = 0; i < n; i++)
            {
              best[i] = hi[i];
              if (!active[i])
                continue;
              for (int k = 1; k < GRID; k++)
                {
                  double l = lo[i] + (hi[i] - lo[i]) * k / GRID;
                  char **t = copy_values (cands[i].values);
                  double v = s->num0[c] + l * (target[i] - s->num0[c]);
                  if (s->stats[c].integer)
                    v = target[i] > s->num0[c] ? ceil (v) : floor (v);
                  g_free (t[c]);
                  t[c] = numeric_text (s, c, v);
                  g_ptr_array_add (trials, t);
                  owner[m] = i;
                  lam[m] = l;
                  m++;
                }
            }
          p = g_new (double, MAX (m, 1));
          if (!predict_values (s, (char ***) trials->pdata, m, p, error))
            return FALSE;
          /* The smallest valid fraction of each candidate's change. */
          for (int j = m - 1; j >= 0; j--)
            if (p[j] >= s->threshold && lam[j] < best[owner[j]])
              {
                Candidate *cd = &cands[owner[j]];
                best[owner[j]] = lam[j];
                g_strfreev (cd->values);
                cd->values = copy_values (trials->pdata[j]);
                cd->p = p[j];
              }
          for (int i = 0; i < n; i++)
            if (active[i])
              {
                double step = (hi[i] - lo[i]) / GRID;
                hi[i] = best[i];
                lo[i] = MAX (best[i] - step, lo[i]);
              }
        }
    }
  return TRUE;
}

/* Up to @n base rows (written to @B) that each switch one mutable
 * categorical column of the row to another category: the switches that
 * raise s most. */
static gboolean
switch_seeds (Search *s, int n, float *B, int *n_seeds, GError **error)
{
  g_autoptr(GArray) cols = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(GArray) cats = g_array_new (FALSE, FALSE, sizeof (int));
  g_autofree float *X = NULL;
  g_autofree double *sc = NULL;
  g_autofree int *order = NULL;
  int m;

  *n_seeds = 0;
  for (int c = 0; c < s->C; c++)
    {
      const CxSchemaColumn *col = &s->schema->columns[c];
      if (col->kind != CX_COLUMN_CATEGORICAL || s->stats[c].locked)
        continue;
      for (int k = 0; k < col->n_features; k++)
        if (s->x0[col->features[k]] != 1.0f)
          {
            g_array_append_val (cols, c);
            g_array_append_val (cats, k);
          }
    }
  m = (int) cols->len;
  if (m == 0)
    return TRUE;
  X = g_new (float, (gsize) m * s->F);
  sc = g_new (double, m);
  order = g_new (int, m);
  for (int j = 0; j < m; j++)
    {
      const CxSchemaColumn *col = &s->schema->columns[g_array_index (cols, int, j)];
      float *x = X + (gsize) j * s->F;
      memcpy (x, s->x0, sizeof (float) * s->F);
      for (int k = 0; k < col->n_features; k++)
        x[col->features[k]] = k == g_array_index (cats, int, j) ? 1.0f : 0.0f;
      order[j] = j;
    }
  if (!score (s, X, m, sc, NULL, error))
    return FALSE;
  for (int a = 1; a < m; a++)
    for (int b = a; b > 0 && sc[order[b]] > sc[order[b - 1]]; b--)
      {
        int t = order[b];
        order[b] = order[b - 1];
        order[b - 1] = t;
      }
  *n_seeds = MIN (n, m);
  for (int j = 0; j < *n_seeds; j++)
    memcpy (B + (gsize) j * s->F, X + (gsize) order[j] * s->F, sizeof (float) * s->F);
  return TRUE;
}

/* Whether candidate @b adds nothing to the closer, kept @a: it makes every
 * change @a makes (categories to the same ones, numbers to within a tenth
 * of a MAD), whatever else it changes. */
static gboolean
near_duplicate (Search *s, char **a, char **b)
{
  for (int c = 0; c < s->C; c++)
    if (strcmp (a[c], s->v0[c]) != 0 && strcmp (b[c], s->v0[c]) == 0)
      return FALSE;
  for (int c = 0; c < s->C; c++)
    {
      double va, vb;
      if (strcmp (a[c], s->v0[c]) == 0 || strcmp (a[c], b[c]) == 0)
        continue;
      if (s->schema->columns[c].kind != CX_COLUMN_NUMERIC)
        return FALSE;
      if (!cell_number (&s->schema->columns[c], a[c], &va) ||
          !cell_number (&s->schema->columns[c], b[c], &vb) ||
          fabs (va - vb) > 0.1 * s->stats[c].mad)
        return FALSE;
    }
  return TRUE;
}

/* ---- the whole run ---- */

/* Column statistics from the encoded table. cx_schema_encode parsed every
 * number already, and the encoded float x = (v − mean) / std keeps the
 * order of the values v and lies within a known bound of them; so order
 * statistics are found on the floats and made exact by parsing again only
 * the few cells that could be at that rank. The results equal those of
 * parsing every cell. */

typedef struct
{
  Search *s;
  const CxTensor *x;
  int n_numeric;
  const int *numeric;          /* schema column of each numeric column */
  float *cols;                 /* [n_numeric, N]: the encoded values, column by column */
  GError **errors;             /* per numeric column */
} StatsJob;

/* A float's bits as an unsigned key in the same order (−0 before +0). */
static inline guint32
float_key (float f)
{
  guint32 u;
  memcpy (&u, &f, sizeof u);
  return (u & 0x80000000u) ? ~u : u | 0x80000000u;
}

static inline float
key_float (guint32 u)
{
  float f;
  u = (u & 0x80000000u) ? u & 0x7fffffffu : ~u;
  memcpy (&f, &u, sizeof f);
  return f;
}

/* The first pass's buckets: the top 12 bits of a key. */
#define KEY_BUCKETS 4096
#define KEY_BUCKET(key) ((key) >> 20)

/* The k-th smallest of @n @keys (from 0), and in *@below how many are
 * smaller: a radix select, 12 + 10 + 10 bits, each pass keeping the
 * bucket holding rank k (in @work, n keys; @keys is not changed).
 * @hist: the keys counted by KEY_BUCKET, which the caller did as it made
 * them (the first pass's counts). The first pass's bucket is left in
 * @rows (*@n_rows row numbers, in order), and in *@base how many keys
 * the buckets before it hold. */
static guint32
select_key (const guint32 *keys, const guint32 *hist, guint32 *work, guint32 *rows, int64_t n,
            int64_t k, int64_t *below, int64_t *base, int64_t *n_rows)
{
  static const int shifts[] = { 20, 10, 0 };
  static const guint32 masks[] = { 0xfff, 0x3ff, 0x3ff };
  guint32 count[KEY_BUCKETS];
  guint32 prefix = 0;
  const guint32 *src = keys;

  *below = 0;
  for (int pass = 0; pass < 3; pass++)
    {
      int sh = shifts[pass];
      guint32 mask = masks[pass], d = 0;
      int64_t under = 0, m = 0;

      if (pass == 0)
        memcpy (count, hist, sizeof count);
      else
        {
          memset (count, 0, sizeof (guint32) * (mask + 1));
          for (int64_t i = 0; i < n; i++)
            count[(src[i] >> sh) & mask]++;
        }
      while (under + count[d] <= k)
        under += count[d++];
      k -= under;
      *below += under;
      prefix |= d << sh;
      if (pass == 0)
        {
          for (int64_t i = 0; i < n; i++)
            if (KEY_BUCKET (src[i]) == d)
              {
                work[m] = src[i];
                rows[m++] = (guint32) i;
              }
          *base = under;
          *n_rows = m;
        }
      else
        for (int64_t i = 0; i < n; i++)
          if (((src[i] >> sh) & mask) == d)
            work[m++] = src[i];
      n = m;
      src = work;
    }
  return prefix;
}

/* Parses row @r of numeric column @c. */
static gboolean
parse_cell (Search *s, int c, int64_t r, double *v, GError **error)
{
  const CxSchemaColumn *col = &s->schema->columns[c];
  const char *text = cx_csv_cell (s->csv, r, col->csv_column);

  if (cell_number (col, text, v))
    return TRUE;
  g_set_error (error, CX_ERROR, CX_ERROR_INVALID, "%s: row %" G_GINT64_FORMAT
               ", column %s: '%s' is not a number", s->csv->path, r + 1, col->name, text);
  return FALSE;
}

/* Every value of numeric column @c, parsed, into @v (N doubles). */
static gboolean
parse_column (Search *s, int c, double *v, GError **error)
{
  for (int64_t r = 0; r < s->csv->n_rows; r++)
    if (!parse_cell (s, c, r, &v[r], error))
      return FALSE;
  return TRUE;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* The statistics of numeric column @c from all of its values @v (reordered). */
static void
stats_of_values (CxColumnStats *st, double *v, int64_t N)
{
  double med, mean = 0, var = 0;

  st->min = INFINITY;
  st->max = -INFINITY;
  st->integer = TRUE;
  for (int64_t r = 0; r < N; r++)
    {
      st->min = MIN (st->min, v[r]);
      st->max = MAX (st->max, v[r]);
      st->integer = st->integer && v[r] == floor (v[r]) && fabs (v[r]) < 9e15;
      mean += v[r];
    }
  mean /= N;
  for (int64_t r = 0; r < N; r++)
    var += (v[r] - mean) * (v[r] - mean);
  med = median (v, N);
  for (int64_t r = 0; r < N; r++)
    v[r] = fabs (v[r] - med);
  st->mad = median (v, N);
  /* A column mostly at one value has no MAD: fall back to its spread. */
  if (!(st->mad > 0))
    st->mad = sqrt (var / N);
  if (!(st->mad > 0))
    st->mad = 1;
}

/* Scratch of one column's statistics. */
typedef struct
{
  guint32 *keys, *work, *rows;
  guint32 *hist;               /* KEY_BUCKETS: keys counted by KEY_BUCKET */
  float *dev;
  GArray *cand;                /* doubles */
} StatsScratch;

/* The exact k-th and (k−1)-th smallest (from 0; k = 0: the k-th twice)
 * of N values t, given approximations whose keys are w->keys, each within
 * @e of its value (e = 0: the keys are in the values' order, ties
 * included), and exact values from @exact. Every row whose approximation is more than 2e below
 * the approximations' (k−1)-th is smaller than both, every row more than
 * 2e above their k-th larger than both: the two are among the rest, at
 * their rank less the rows below. */
typedef gboolean (*ExactFunc) (Search *s, int c, int64_t r, double med, double *v, GError **error);

static gboolean
exact_pair (Search *s, int c, StatsScratch *w, int64_t N, int64_t k, double e, double med,
            ExactFunc exact, double *tk, double *tk1, GError **error)
{
  int64_t below = 0, under, base, n_rows;
  guint32 key = select_key (w->keys, w->hist, w->work, w->rows, N, k, &under, &base, &n_rows);
  guint32 key1 = key, bucket = KEY_BUCKET (key);
  double *cand;

  /* The (k−1)-th key: the same, or the largest smaller one (in the k-th's
   * bucket when that holds a smaller key: the buckets before hold none larger). */
  if (k > 0 && under == k)
    {
      key1 = 0;
      if (under > base)
        for (int64_t i = 0; i < n_rows; i++)
          {
            guint32 kr = w->keys[w->rows[i]];
            key1 = kr < key && kr > key1 ? kr : key1;
          }
      else
        for (int64_t r = 0; r < N; r++)
          key1 = w->keys[r] < key && w->keys[r] > key1 ? w->keys[r] : key1;
    }
  if (e > 0)
    {
      /* The band [lo, hi] around the two, as keys of the floats in it. */
      double lo = (double) key_float (key1) - 2 * e, hi = (double) key_float (key) + 2 * e;
      float flo = (float) lo, fhi = (float) hi;
      if ((double) flo < lo)
        flo = nextafterf (flo, INFINITY);
      if ((double) fhi > hi)
        fhi = nextafterf (fhi, -INFINITY);
      key1 = float_key (flo);
      key = float_key (fhi);
    }
  /* Rows below the band, and those in it (one unsigned comparison, no
   * branch the processor would guess wrong half of the time): when the
   * band lies in the bucket, its rows and the count before it say. */
  g_array_set_size (w->cand, 0);
  if (key1 <= key && KEY_BUCKET (key1) == bucket && KEY_BUCKET (key) == bucket)
    {
      below = base;
      for (int64_t i = 0; i < n_rows; i++)
        {
          guint32 kr = w->keys[w->rows[i]];
          below += kr < key1;
          if (G_UNLIKELY (kr - key1 <= key - key1))
            {
              double v;
              if (!exact (s, c, w->rows[i], med, &v, error))
                return FALSE;
              g_array_append_val (w->cand, v);
            }
        }
    }
  else
    for (int64_t r = 0; r < N; r++)
      {
        below += w->keys[r] < key1;
        if (G_UNLIKELY (w->keys[r] - key1 <= key - key1))
          {
            double v;
            if (!exact (s, c, r, med, &v, error))
              return FALSE;
            g_array_append_val (w->cand, v);
          }
      }
  cand = (double *) (gpointer) w->cand->data;
  g_assert (k >= below && k - below < (int64_t) w->cand->len);
  qsort (cand, w->cand->len, sizeof (double), cmp_double);
  *tk = cand[k - below];
  *tk1 = cand[MAX (k - 1 - below, 0)];
  return TRUE;
}

static gboolean
exact_value (Search *s, int c, int64_t r, double med, double *v, GError **error)
{
  return parse_cell (s, c, r, v, error);
}

static gboolean
exact_deviation (Search *s, int c, int64_t r, double med, double *v, GError **error)
{
  if (!parse_cell (s, c, r, v, error))
    return FALSE;
  *v = fabs (*v - med);
  return TRUE;
}

/* The median of the N values exact() gives, as median () computes it. */
static gboolean
exact_median (Search *s, int c, StatsScratch *w, int64_t N, double e, double med, ExactFunc exact,
              double *out, GError **error)
{
  double a, b;
  if (!exact_pair (s, c, w, N, N / 2, e, med, exact, &a, &b, error))
    return FALSE;
  *out = N % 2 == 1 ? a : (a + b) / 2;
  return TRUE;
}

/* The statistics of numeric column @c whose encoded values are @xs. */
static gboolean
column_stats (Search *s, int c, const float *xs, StatsScratch *w, GError **error)
{
  const CxSchemaColumn *col = &s->schema->columns[c];
  const CxSchemaFeature *feat = &s->schema->features[col->features[0]];
  CxColumnStats *st = &s->stats[c];
  int64_t N = s->csv->n_rows;
  double xmax = 0, amax = 0, e, dmax = 0, ed, med;
  guint32 kmin = G_MAXUINT32, kmax = 0;
  int64_t nmin = 0, nmax = 0, rmin = 0, rmax = 0;
  gboolean maybe_integer = TRUE, finite = TRUE;

  /* x = fl32 ((v − mean) / std) and a = x · std + mean, in double: then
   * |a − v| ≤ |x| std 2⁻²⁴ + |a| 2⁻⁵³ and a few double roundings;
   * e bounds it with room to spare. The keys are counted for the median's
   * select, and the rows holding the extreme ones for the range. */
  memset (w->hist, 0, sizeof (guint32) * KEY_BUCKETS);
  for (int64_t r = 0; r < N; r++)
    {
      double a = xs[r] * feat->std + feat->mean;
      guint32 key = float_key (xs[r]);
      w->keys[r] = key;
      w->hist[KEY_BUCKET (key)]++;
      if (G_UNLIKELY (key <= kmin))
        {
          nmin = key < kmin ? 0 : nmin;
          rmin = key < kmin ? r : rmin;
          kmin = key;
          nmin++;
        }
      if (G_UNLIKELY (key >= kmax))
        {
          nmax = key > kmax ? 0 : nmax;
          rmax = key > kmax ? r : rmax;
          kmax = key;
          nmax++;
        }
      xmax = MAX (xmax, fabs (xs[r]));
      amax = MAX (amax, fabs (a));
      finite = finite && isfinite (xs[r]);
    }
  e = xmax * feat->std * 0x1p-22 + (amax + fabs (feat->mean)) * 0x1p-50 + feat->std * 0x1p-140;
  if (!finite || !isfinite (e) || !isfinite (amax))
    {
      /* Values beyond float's range: parse them all. */
      g_autofree double *v = g_new (double, N);
      if (!parse_column (s, c, v, error))
        return FALSE;
      stats_of_values (st, v, N);
      return TRUE;
    }
  /* Integral when every value is: rule columns out on the floats, confirm on the text. */
  for (int64_t r = 0; r < N && maybe_integer; r++)
    {
      double a = xs[r] * feat->std + feat->mean;
      maybe_integer = fabs (a - nearbyint (a)) <= e && fabs (a) < 9e15 + e;
    }
  st->integer = maybe_integer;
  for (int64_t r = 0; r < N && st->integer; r++)
    {
      double v;
      if (!parse_cell (s, c, r, &v, error))
        return FALSE;
      st->integer = v == floor (v) && fabs (v) < 9e15;
    }

  /* The range: the extreme keys hold the extreme values, taken in row
   * order (which decides between −0 and +0); one row each is the usual case. */
  st->min = INFINITY;
  st->max = -INFINITY;
  if (nmin == 1 && nmax == 1)
    {
      int64_t rows[2] = { MIN (rmin, rmax), MAX (rmin, rmax) };
      for (int i = 0; i < (rows[0] == rows[1] ? 1 : 2); i++)
        {
          double v;
          if (!parse_cell (s, c, rows[i], &v, error))
            return FALSE;
          st->min = MIN (st->min, v);
          st->max = MAX (st->max, v);
        }
    }
  else
    for (int64_t r = 0; r < N; r++)
      if (w->keys[r] == kmin || w->keys[r] == kmax)
        {
          double v;
          if (!parse_cell (s, c, r, &v, error))
            return FALSE;
          st->min = MIN (st->min, v);
          st->max = MAX (st->max, v);
        }

  if (!exact_median (s, c, w, N, 0, 0, exact_value, &med, error))
    return FALSE;
  /* Deviations |a − med| as floats: within ed of |v − med|. */
  memset (w->hist, 0, sizeof (guint32) * KEY_BUCKETS);
  for (int64_t r = 0; r < N; r++)
    {
      double a = xs[r] * feat->std + feat->mean;
      w->dev[r] = (float) fabs (a - med);
      w->keys[r] = float_key (w->dev[r]);
      w->hist[KEY_BUCKET (w->keys[r])]++;
      dmax = MAX (dmax, w->dev[r]);
    }
  ed = e + dmax * 0x1p-22 + 0x1p-140;
  if (!exact_median (s, c, w, N, ed, med, exact_deviation, &st->mad, error))
    return FALSE;
  if (!(st->mad > 0))
    {
      /* The fallback needs the spread: the whole column, as before. */
      g_autofree double *v = g_new (double, N);
      if (!parse_column (s, c, v, error))
        return FALSE;
      stats_of_values (st, v, N);
    }
  return TRUE;
}

static void
stats_transpose_part (gpointer data, int part, int nparts)
{
  StatsJob *j = data;
  int64_t N = j->x->shape[0], F = j->x->shape[1], lo, hi;

  cx_parallel_range (N, part, nparts, 64, &lo, &hi);
  for (int64_t r = lo; r < hi; r++)
    {
      const float *xr = j->x->data.f + r * F;
      for (int k = 0; k < j->n_numeric; k++)
        j->cols[(gsize) k * N + r] = xr[j->s->schema->columns[j->numeric[k]].features[0]];
    }
}

static void
stats_part (gpointer data, int part, int nparts)
{
  StatsJob *j = data;
  int64_t N = j->x->shape[0], lo, hi;
  StatsScratch w;

  cx_parallel_range (j->n_numeric, part, nparts, 1, &lo, &hi);
  if (lo >= hi)
    return;
  w.keys = g_new (guint32, N);
  w.hist = g_new (guint32, KEY_BUCKETS);
  w.work = g_new (guint32, N);
  w.rows = g_new (guint32, N);
  w.dev = g_new (float, N);
  w.cand = g_array_new (FALSE, FALSE, sizeof (double));
  for (int64_t k = lo; k < hi; k++)
    column_stats (j->s, j->numeric[k], j->cols + (gsize) k * N, &w, &j->errors[k]);
  g_free (w.keys);
  g_free (w.hist);
  g_free (w.work);
  g_free (w.rows);
  g_free (w.dev);
  g_array_unref (w.cand);
}

static gboolean
compute_stats (Search *s, const CxTensor *x, GError **error)
{
  int64_t N = s->csv->n_rows;
  g_autofree int *numeric = g_new (int, MAX (s->C, 1));
  g_autofree float *cols = NULL;
  g_autofree GError **errors = NULL;
  StatsJob job = { 0 };
  int n_numeric = 0;
  gboolean ok = TRUE;

  for (int c = 0; c < s->C; c++)
    {
      s->stats[c].locked = s->schema->columns[c].locked;
      if (s->schema->columns[c].kind == CX_COLUMN_NUMERIC)
        numeric[n_numeric++] = c;
    }
  if (n_numeric == 0)
    return TRUE;
  cols = g_new (float, (gsize) N * n_numeric);
  errors = g_new0 (GError *, n_numeric);
  job.s = s;
  job.x = x;
  job.n_numeric = n_numeric;
  job.numeric = numeric;
  job.cols = cols;
  job.errors = errors;
  cx_parallel_run (stats_transpose_part, &job, cx_parallel_parts (N * n_numeric));
  /* Columns are independent: each is summarised by one thread, the same way whatever the count. */
  cx_parallel_run (stats_part, &job, MIN (n_numeric, cx_parallel_parts (N * n_numeric)));
  for (int k = 0; k < n_numeric; k++)
    {
      if (errors[k] != NULL && ok)
        {
          g_propagate_error (error, errors[k]);
          ok = FALSE;
        }
      else
        g_clear_error (&errors[k]);
    }
  return ok;
}

static gboolean
setup (Search *s, const CxTensor *x, int64_t row, const CxCounterfactualParams *p, GError **error)
{
  const CxSchema *schema = s->schema;
  const CxValue *out = &s->model->values[s->model->outputs[0]];

  s->F = schema->n_features;
  s->C = schema->n_columns;
  s->row = row;
  s->threshold = p->threshold;
  s->logit_t = log (p->threshold / (1 - p->threshold));
  s->fav = schema->favourable_output;
  s->kind = cx_model_output_kind (s->model, 0);
  s->fixed_batch = cx_engine_fixed_batch (s->model);
  s->exec = cx_exec_new (s->model, p->engine.budget);
  s->x0 = g_new (float, s->F);
  memcpy (s->x0, x->data.f + row * s->F, sizeof (float) * s->F);
  s->v0 = g_new (const char *, s->C);
  s->num0 = g_new0 (double, s->C);
  s->scale = g_new (double, s->F);
  s->cost = g_new (double, s->F);
  s->ulo = g_new (double, s->F);
  s->uhi = g_new (double, s->F);
  s->movable = g_new (gboolean, s->F);

  /* The output width, from the declared shape or one prediction. */
  if (out->ndim == 2 && out->dims[1] >= 1)
    s->K = out->dims[1];
  else
    {
      int64_t shape[2] = { 1, s->F };
      g_autoptr(CxTensor) one = cx_tensor_new_f32 (2, shape, s->x0);
      CxEngineOptions o1 = nested_options (s, 0, 0);
      g_autoptr(CxTensor) o = cx_engine_predict (s->model, one, 0, &o1, error);
      if (o == NULL)
        return FALSE;
      if (o->ndim != 2)
        {
          g_set_error (error, CX_ERROR, CX_ERROR_SHAPE, "%s: the output is not [rows, classes]",
                       s->model->path);
          return FALSE;
        }
      s->K = o->shape[1];
    }
  if (s->fav >= MAX (s->K, 2))
    {
      g_set_error (error, CX_ERROR, CX_ERROR_SHAPE,
                   "%s: favourable_output %d is not an output of the model (it has %" G_GINT64_FORMAT ")",
                   schema->path, s->fav, s->K);
      return FALSE;
    }

  for (int c = 0; c < s->C; c++)
    {
      const CxSchemaColumn *col = &schema->columns[c];
      s->v0[c] = cx_csv_cell (s->csv, row, col->csv_column);
      if (p->lock != NULL && g_strv_contains (p->lock, col->name))
        s->stats[c].locked = TRUE;
      if (col->kind == CX_COLUMN_NUMERIC)
        {
          int f = col->features[0];
          const CxColumnStats *st = &s->stats[c];
          cell_number (col, s->v0[c], &s->num0[c]);
          s->scale[f] = st->mad / schema->features[f].std;
          s->cost[f] = 1;
          s->ulo[f] = MIN (0, (st->min - s->num0[c]) / st->mad);
          s->uhi[f] = MAX (0, (st->max - s->num0[c]) / st->mad);
          s->movable[f] = !st->locked;
        }
      else
        for (int k = 0; k < col->n_features; k++)
          {
            int f = col->features[k];
            /* One-hot entries stay in [0, 1]; a full switch moves two of them by 1. */
            s->scale[f] = 1;
            s->cost[f] = 0.5;
            s->ulo[f] = -s->x0[f];
            s->uhi[f] = 1 - s->x0[f];
            s->movable[f] = !s->stats[c].locked && col->n_features > 1;
          }
    }
  return TRUE;
}

/* The values of @cf as plausibility compares them: numbers, and the
 * encoded feature of each category. */
static void
plausibility_values (Search *s, const CxCounterfactual *cf, double *num, int *cat)
{
  const CxSchema *schema = s->schema;

  for (int c = 0; c < s->C; c++)
    {
      const CxSchemaColumn *col = &schema->columns[c];
      num[c] = 0;
      cat[c] = 0;
      if (col->kind == CX_COLUMN_NUMERIC)
        cell_number (col, cf->values[c], &num[c]);
      else
        {
          const char *t = *cf->values[c] ? cf->values[c] : col->fill;
          for (int k = 0; k < col->n_features; k++)
            if (t != NULL && strcmp (col->categories[k], t) == 0)
              cat[c] = col->features[k];
        }
    }
}

/* What the distance needs of each column, side by side. */
typedef struct
{
  gboolean numeric;
  int feature;                 /* numeric: its encoded feature */
  double std, mean, mad;
} ColumnView;

static ColumnView *
column_views (Search *s)
{
  ColumnView *v = g_new0 (ColumnView, MAX (s->C, 1));

  for (int c = 0; c < s->C; c++)
    {
      const CxSchemaColumn *col = &s->schema->columns[c];
      v[c].numeric = col->kind == CX_COLUMN_NUMERIC;
      if (v[c].numeric)
        {
          v[c].feature = col->features[0];
          v[c].std = s->schema->features[col->features[0]].std;
          v[c].mean = s->schema->features[col->features[0]].mean;
          v[c].mad = s->stats[c].mad;
        }
    }
  return v;
}

/* The distance of encoded row @xr to the values, summed column by column
 * until it reaches @bound (the rest cannot make it smaller). */
static inline double
row_distance (const ColumnView *view, int C, const float *xr, const double *num, const int *cat,
              double bound)
{
  double d = 0;

  for (int c = 0; c < C && d < bound; c++)
    {
      if (view[c].numeric)
        {
          double v = xr[view[c].feature] * view[c].std + view[c].mean;
          d += fabs (v - num[c]) / view[c].mad;
        }
      else
        d += xr[cat[c]] != 1.0f;
    }
  return d;
}

/* Distance to the nearest row the model decides favourably, given every
 * row's favourable probability. */
static void
plausibility (Search *s, const CxTensor *x, const double *p_rows, CxCounterfactual *cf)
{
  g_autofree double *num = g_new0 (double, (gsize) MAX (s->C, 1));
  g_autofree int *cat = g_new0 (int, (gsize) MAX (s->C, 1));
  g_autofree ColumnView *view = column_views (s);
  int64_t N = x->shape[0];
  double best = INFINITY;

  plausibility_values (s, cf, num, cat);
  cf->nearest_row = -1;
  for (int64_t r = 0; r < N; r++)
    {
      double d;
      if (p_rows[r] < s->threshold)
        continue;
      d = row_distance (view, s->C, x->data.f + r * s->F, num, cat, best);
      if (d < best)
        {
          best = d;
          cf->nearest_row = r + 1;
        }
    }
  cf->plausibility = cf->nearest_row > 0 ? best : NAN;
}

/* Rows kept as the nearest to one counterfactual. */
#define NEAREST 64

typedef struct
{
  double d[NEAREST];
  int64_t r[NEAREST];
  int n, worst;                /* kept, and the one last in (distance, row) order */
} Nearest;

/* Plausibility of every item without predicting the whole table: the
 * NEAREST rows closest to each (distance, then row order) are found
 * first, and only they are predicted; the first favourable one among them
 * is the nearest favourable row of the table, since every other row comes
 * after all of them. An item with no favourable row among its nearest
 * falls back to predicting the table. */
typedef struct
{
  double d;
  int64_t r;
} RowDistance;

static int
cmp_row_distance (const void *a, const void *b)
{
  const RowDistance *x = a, *y = b;
  if (x->d != y->d)
    return x->d < y->d ? -1 : 1;
  return (x->r > y->r) - (x->r < y->r);
}

typedef struct
{
  Search *s;
  const CxTensor *x;
  int n;
  const double *num;
  const int *cat;
  const ColumnView *view;
  /* For row_beyond (): NULL when a MAD's reciprocal is not a normal number. */
  const double *inv_mad;       /* per column, 0 for a categorical one */
  const int *categorical;      /* the categorical columns */
  int n_categorical;
  double shrink;               /* 1 − the margin */
  Nearest *near;               /* [part][item] */
} NearestJob;

/* Whether row_distance () would reach @bound, decided without its
 * divisions where that is certain: the same |v − num| times 1/mad, each
 * within 3 roundings of the quotient, summed in another order in four
 * sums (the sums of n non-negative terms are both within γₙ = nu/(1 − nu)
 * of the exact one, Higham, Accuracy and Stability of Numerical
 * Algorithms, 2002, §4.2). Shrunk by (4C + 16)u and less an allowance for
 * underflow, the sum so far is below row_distance ()'s, which only grows;
 * FALSE is no answer, and NaN never passes. @vals: the row's v per column. */
static inline gboolean
row_beyond (const NearestJob *j, const float *xr, const double *vals, const double *num, const int *cat,
            double bound)
{
  const double *inv = j->inv_mad;
  int C = j->s->C;
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;

  for (int k = 0; k < j->n_categorical; k++)
    s0 += xr[cat[j->categorical[k]]] != 1.0f;
  for (int c = 0; c < C; c += 16)
    {
      int end = MIN (c + 16, C), k = c;
      for (; k + 4 <= end; k += 4)
        {
          s0 += fabs (vals[k] - num[k]) * inv[k];
          s1 += fabs (vals[k + 1] - num[k + 1]) * inv[k + 1];
          s2 += fabs (vals[k + 2] - num[k + 2]) * inv[k + 2];
          s3 += fabs (vals[k + 3] - num[k + 3]) * inv[k + 3];
        }
      for (; k < end; k++)
        s0 += fabs (vals[k] - num[k]) * inv[k];
      if (((s0 + s1) + (s2 + s3)) * j->shrink - 0x1p-960 >= bound)
        return TRUE;
    }
  return FALSE;
}

static void
nearest_part (gpointer data, int part, int nparts)
{
  NearestJob *j = data;
  Search *s = j->s;
  Nearest *near = j->near + (gsize) part * j->n;
  g_autofree double *vals = g_new0 (double, MAX (s->C, 1));
  int64_t lo, hi;

  cx_parallel_range (j->x->shape[0], part, nparts, 1, &lo, &hi);
  for (int64_t r = lo; r < hi; r++)
    {
      const float *xr = j->x->data.f + r * s->F;
      /* Each numeric value as row_distance () computes it. */
      if (j->inv_mad != NULL)
        for (int c = 0; c < s->C; c++)
          if (j->view[c].numeric)
            vals[c] = xr[j->view[c].feature] * j->view[c].std + j->view[c].mean;
      for (int i = 0; i < j->n; i++)
        {
          Nearest *nb = &near[i];
          double bound = nb->n < NEAREST ? INFINITY : nb->d[nb->worst];
          const double *num = j->num + (gsize) i * s->C;
          const int *cat = j->cat + (gsize) i * s->C;
          double d;
          int k;
          if (j->inv_mad != NULL && row_beyond (j, xr, vals, num, cat, bound))
            continue;
          d = row_distance (j->view, s->C, xr, num, cat, bound);
          if (!(d < bound))
            continue;
          /* Ties keep the earlier row: a later one with the worst's distance stays out. */
          k = nb->n < NEAREST ? nb->n++ : nb->worst;
          nb->d[k] = d;
          nb->r[k] = r;
          if (nb->n == NEAREST)
            {
              nb->worst = 0;
              for (int m = 1; m < NEAREST; m++)
                if (nb->d[m] > nb->d[nb->worst] ||
                    (nb->d[m] == nb->d[nb->worst] && nb->r[m] > nb->r[nb->worst]))
                  nb->worst = m;
            }
        }
    }
}

static gboolean
plausibility_all (Search *s, const CxTensor *x, CxCounterfactual *items, int n, GError **error)
{
  NearestJob job;
  g_autofree ColumnView *view = NULL;
  g_autofree double *inv_mad = NULL;
  g_autofree int *categorical = NULL;
  int nparts = (int) MIN (cx_parallel_parts (x->shape[0] * MAX (s->C, 1) * MAX (n, 1)), MAX (x->shape[0], 1));
  int64_t N = x->shape[0];
  g_autofree double *num = g_new0 (double, (gsize) MAX (s->C, 1) * MAX (n, 1));
  g_autofree int *cat = g_new0 (int, (gsize) MAX (s->C, 1) * MAX (n, 1));
  g_autofree Nearest *near = g_new0 (Nearest, MAX (n, 1));
  g_autoptr(GHashTable) slot = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (int64_t));
  g_autoptr(CxTensor) in = NULL;
  g_autoptr(CxTensor) out = NULL;
  g_autofree float *pf = NULL;
  gboolean fallback = FALSE;
  int64_t shape[2];

  if (n == 0)
    return TRUE;
  for (int i = 0; i < n; i++)
    plausibility_values (s, &items[i], num + (gsize) i * s->C, cat + (gsize) i * s->C);
  /* One pass over the table, every item per row, in parts; then the
   * parts' nearest, which hold the table's, are merged. */
  job.s = s;
  job.x = x;
  job.n = n;
  job.num = num;
  job.cat = cat;
  job.view = view = column_views (s);
  job.inv_mad = inv_mad = g_new0 (double, MAX (s->C, 1));
  job.categorical = categorical = g_new (int, MAX (s->C, 1));
  job.n_categorical = 0;
  for (int c = 0; c < s->C; c++)
    if (!view[c].numeric)
      categorical[job.n_categorical++] = c;
    else
      {
        inv_mad[c] = 1 / view[c].mad;
        if (!(view[c].mad >= DBL_MIN && isnormal (inv_mad[c])))
          job.inv_mad = NULL;
      }
  job.shrink = 1 - (4.0 * s->C + 16) * 0x1p-53;
  job.near = g_new0 (Nearest, (gsize) nparts * n);
  cx_parallel_run (nearest_part, &job, nparts);
  for (int i = 0; i < n; i++)
    {
      g_autofree RowDistance *all = g_new (RowDistance, (gsize) nparts * NEAREST);
      int m = 0;
      for (int part = 0; part < nparts; part++)
        {
          const Nearest *nb = &job.near[(gsize) part * n + i];
          for (int j = 0; j < nb->n; j++)
            {
              all[m].d = nb->d[j];
              all[m].r = nb->r[j];
              m++;
            }
        }
      qsort (all, m, sizeof *all, cmp_row_distance);
      near[i].n = MIN (m, NEAREST);
      for (int j = 0; j < near[i].n; j++)
        {
          near[i].d[j] = all[j].d;
          near[i].r[j] = all[j].r;
        }
    }
  g_free (job.near);

  for (int i = 0; i < n; i++)
    for (int j = 0; j < near[i].n; j++)
      if (!g_hash_table_contains (slot, GSIZE_TO_POINTER ((gsize) near[i].r[j])))
        {
          g_hash_table_insert (slot, GSIZE_TO_POINTER ((gsize) near[i].r[j]), GUINT_TO_POINTER (rows->len));
          g_array_append_val (rows, near[i].r[j]);
        }
  shape[0] = rows->len;
  shape[1] = s->F;
  in = cx_tensor_new (CX_ELEM_FLOAT, 2, shape, error);
  if (in == NULL)
    return FALSE;
  for (guint k = 0; k < rows->len; k++)
    memcpy (in->data.f + (gsize) k * s->F, x->data.f + g_array_index (rows, int64_t, k) * s->F,
            sizeof (float) * s->F);
  {
    CxEngineOptions o = nested_options (s, PROGRESS_REFINE, PROGRESS_REFINE);
    out = cx_engine_predict (s->model, in, 0, &o, error);
  }
  if (out == NULL)
    return FALSE;
  s->evaluations += (int) rows->len;
  pf = cx_favourable_probability (s->model, s->fav, out, error);
  if (pf == NULL)
    return FALSE;

  for (int i = 0; i < n; i++)
    {
      Nearest *nb = &near[i];
      int best = -1;
      for (int j = 0; j < nb->n; j++)
        {
          guint k = GPOINTER_TO_UINT (g_hash_table_lookup (slot, GSIZE_TO_POINTER ((gsize) nb->r[j])));
          if ((double) pf[k] < s->threshold)
            continue;
          if (best < 0 || nb->d[j] < nb->d[best] || (nb->d[j] == nb->d[best] && nb->r[j] < nb->r[best]))
            best = j;
        }
      items[i].nearest_row = best >= 0 ? nb->r[best] + 1 : -1;
      items[i].plausibility = best >= 0 ? nb->d[best] : NAN;
      /* All kept rows unfavourable, and the table holds more: look further. */
      fallback = fallback || (best < 0 && nb->n == NEAREST && N > NEAREST);
    }
  if (fallback)
    {
      CxEngineOptions o = nested_options (s, PROGRESS_REFINE, 1.0);
      g_autoptr(CxTensor) all = cx_engine_predict (s->model, x, 0, &o, error);
      g_autofree float *pall = NULL;
      g_autofree double *p_rows = NULL;
      if (all == NULL)
        return FALSE;
      s->evaluations += (int) N;
      pall = cx_favourable_probability (s->model, s->fav, all, error);
      if (pall == NULL)
        return FALSE;
      p_rows = g_new (double, N);
      for (int64_t r = 0; r < N; r++)
        p_rows[r] = pall[r];
      for (int i = 0; i < n; i++)
        if (items[i].nearest_row < 0)
          plausibility (s, x, p_rows, &items[i]);
    }
  return TRUE;
}

CxCounterfactualResult *
cx_counterfactual_run (const CxModel *model, const CxSchema *schema, const CxCsv *csv,
                       const CxTensor *x, int64_t row, const CxCounterfactualParams *params,
                       GError **error)
{
  g_autoptr(CxCounterfactualResult) res = NULL;
  g_autofree double *U = NULL;
  g_autofree float *B = NULL;
  g_autofree Candidate *cands = NULL;
  CxCounterfactualParams defaults;
  Search s = { 0 };
  double s0;
  int M = 0, M0, n_seeds = 0;
  gboolean ok = FALSE;

  g_return_val_if_fail (model != NULL && schema != NULL && csv != NULL && x != NULL, NULL);
  if (params == NULL)
    {
      cx_counterfactual_params_init (&defaults);
      params = &defaults;
    }
  if (params->count < 1 || params->count > 100)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT, "%d counterfactuals: ask for 1 to 100",
                   params->count);
      return NULL;
    }
  if (!(params->threshold > 0 && params->threshold < 1))
    {
      g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT, "the threshold %g is not in (0, 1)",
                   params->threshold);
      return NULL;
    }
  if (row < 0 || row >= csv->n_rows)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT,
                   "%s: no row %" G_GINT64_FORMAT " (the table has %" G_GINT64_FORMAT
                   " rows, counted from 1)", csv->path, row + 1, csv->n_rows);
      return NULL;
    }
  if (x->ndim != 2 || x->shape[0] != csv->n_rows || x->shape[1] != schema->n_features)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT, "the encoded table does not match %s", csv->path);
      return NULL;
    }
  for (const char *const *l = params->lock; l != NULL && *l != NULL; l++)
    if (cx_schema_find_column (schema, *l) < 0 && cx_csv_column (csv, *l) < 0)
      {
        g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT, "%s: no column '%s' to lock", csv->path, *l);
        return NULL;
      }

  res = g_new0 (CxCounterfactualResult, 1);
  res->row = row + 1;
  res->n_columns = schema->n_columns;
  res->stats = g_new0 (CxColumnStats, schema->n_columns);
  s.model = model;
  s.schema = schema;
  s.csv = csv;
  s.stats = res->stats;
  s.F = schema->n_features;
  s.C = schema->n_columns;
  s.engine = &params->engine;
  if (!compute_stats (&s, x, error) || !setup (&s, x, row, params, error) ||
      !report (&s, PROGRESS_STATS, error))
    goto out;
  if (!score (&s, s.x0, 1, &s0, NULL, error))
    goto out;
  res->probability = 1 / (1 + exp (-(s0 + s.logit_t)));
  if (res->probability >= params->threshold)
    {
      res->already_favourable = TRUE;
      ok = report (&s, 1.0, error);
      goto out;
    }

  /* Candidates: 2 × count from a relaxed search where every column moves,
   * then count more that start from the single category switches that
   * raise s most; all of them then move their numeric columns. */
  M0 = 2 * params->count;
  M = M0 + params->count;
  U = g_new0 (double, (gsize) M * s.F);
  B = g_new (float, (gsize) M * s.F);
  for (int i = 0; i < M; i++)
    memcpy (B + (gsize) i * s.F, s.x0, sizeof (float) * s.F);
  {
    int it1 = 0, it2 = 0, T = MAX (params->max_iterations, 2);
    s.it_total = T;
    if (!gradient_search (&s, M0, T / 2, B, FALSE, U, &it1, error))
      goto out;
    /* Each categorical column takes the largest of its relaxed entries. */
    for (int i = 0; i < M0; i++)
      for (int c = 0; c < s.C; c++)
        {
          const CxSchemaColumn *col = &schema->columns[c];
          float *b = B + (gsize) i * s.F;
          double *u = U + (gsize) i * s.F;
          int best = -1;
          if (col->kind != CX_COLUMN_CATEGORICAL)
            continue;
          for (int k = 0; k < col->n_features; k++)
            {
              int f = col->features[k];
              if (best < 0 || s.x0[f] + u[f] > s.x0[col->features[best]] + u[col->features[best]] ||
                  (s.x0[f] + u[f] == s.x0[col->features[best]] + u[col->features[best]] && s.x0[f] == 1.0f))
                best = k;
            }
          if (s.x0[col->features[best]] == 1.0f)
            best = -1;
          for (int k = 0; k < col->n_features; k++)
            {
              int f = col->features[k];
              if (best >= 0)
                b[f] = k == best ? 1.0f : 0.0f;
              u[f] = 0;
            }
        }
    if (!switch_seeds (&s, params->count, B + (gsize) M0 * s.F, &n_seeds, error))
      goto out;
    M = M0 + n_seeds;
    if (!gradient_search (&s, M, T - T / 2, B, TRUE, U, &it2, error))
      goto out;
    res->iterations = it1 + it2;
  }

  /* Project to texts, predict again, repair near misses by going further. */
  cands = g_new0 (Candidate, M);
  {
    g_autofree double *p = g_new (double, M);
    g_autoptr(GPtrArray) vals = g_ptr_array_new ();
    for (int i = 0; i < M; i++)
      {
        cands[i].values = values_of (&s, B + (gsize) i * s.F, U + (gsize) i * s.F, 1.0);
        g_ptr_array_add (vals, cands[i].values);
      }
    if (!predict_values (&s, (char ***) vals->pdata, M, p, error))
      goto out;
    for (int i = 0; i < M; i++)
      {
        cands[i].p = p[i];
        cands[i].valid = p[i] >= params->threshold;
      }
  }
  {
    static const double factors[] = { 1.25, 1.5, 2, 3, 5 };
    int nf = G_N_ELEMENTS (factors);
    g_autoptr(GPtrArray) trials = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
    g_autofree int *owner = g_new (int, (gsize) M * nf);
    g_autofree double *p = g_new (double, (gsize) M * nf);
    int m = 0;
    for (int i = 0; i < M; i++)
      if (!cands[i].valid)
        for (int k = 0; k < nf; k++)
          {
            g_ptr_array_add (trials, values_of (&s, B + (gsize) i * s.F, U + (gsize) i * s.F, factors[k]));
            owner[m++] = i;
          }
    if (!predict_values (&s, (char ***) trials->pdata, m, p, error))
      goto out;
    for (int j = 0; j < m; j++)
      if (!cands[owner[j]].valid && p[j] >= params->threshold)
        {
          g_strfreev (cands[owner[j]].values);
          cands[owner[j]].values = copy_values (trials->pdata[j]);
          cands[owner[j]].p = p[j];
          cands[owner[j]].valid = TRUE;
        }
  }
  if (!sparsify (&s, cands, M, error) || !shorten (&s, cands, M, error) ||
      !report (&s, PROGRESS_REFINE, error))
    goto out;

  /* Every survivor was predicted from its own text. The closest first; a
   * candidate that only adds changes to one kept already, or changes the
   * same columns to nearly the same values, adds nothing. */
  res->n_candidates = M;
  res->items = g_new0 (CxCounterfactual, M);
  {
    g_autofree int *order = g_new (int, M);
    g_autofree double *dist = g_new (double, M);
    int n = 0;
    for (int i = 0; i < M; i++)
      if (cands[i].valid)
        {
          dist[i] = distance_of (&s, cands[i].values, NULL);
          order[n++] = i;
        }
      else
        res->n_invalid++;
    for (int a1 = 1; a1 < n; a1++)
      for (int b1 = a1; b1 > 0 && dist[order[b1]] < dist[order[b1 - 1]]; b1--)
        {
          int t = order[b1];
          order[b1] = order[b1 - 1];
          order[b1 - 1] = t;
        }
    for (int j = 0; j < n && res->n_items < params->count; j++)
      {
        Candidate *cd = &cands[order[j]];
        CxCounterfactual *cf;
        gboolean dup = FALSE;
        for (int k = 0; k < res->n_items && !dup; k++)
          dup = near_duplicate (&s, res->items[k].values, cd->values);
        if (dup)
          continue;
        cf = &res->items[res->n_items++];
        cf->values = g_steal_pointer (&cd->values);
        cf->probability = cd->p;
        cf->distance = distance_of (&s, cf->values, &cf->n_changes);
      }
  }
  for (int i = 0; i < res->n_items; i++)
    {
      CxCounterfactual *cf = &res->items[i];
      int k = 0;
      cf->changes = g_new0 (CxChange, (gsize) MAX (cf->n_changes, 1));
      for (int c = 0; c < s.C; c++)
        {
          double v;
          if (strcmp (cf->values[c], s.v0[c]) == 0)
            continue;
          if (schema->columns[c].kind == CX_COLUMN_NUMERIC &&
              cell_number (&schema->columns[c], cf->values[c], &v) && v == s.num0[c])
            continue;
          g_assert (k < cf->n_changes);
          cf->changes[k].column = c;
          cf->changes[k].from = g_strdup (s.v0[c]);
          cf->changes[k].to = g_strdup (cf->values[c]);
          k++;
        }
    }
  if (!plausibility_all (&s, x, res->items, res->n_items, error))
    goto out;
  ok = report (&s, 1.0, error);

out:
  if (cands != NULL)
    for (int i = 0; i < M; i++)
      g_strfreev (cands[i].values);
  res->evaluations = s.evaluations;
  search_clear (&s);
  return ok ? g_steal_pointer (&res) : NULL;
}

char *
cx_counterfactual_to_csv (const CxCounterfactualResult *result, const CxSchema *schema,
                          const CxCsv *csv, gsize *len)
{
  GString *out = g_string_new (NULL);
  g_autofree const char **fields = g_new (const char *, MAX (csv->n_columns, 1));

  cx_csv_append_record (out, (const char *const *) csv->header, csv->n_columns);
  for (int i = 0; i < result->n_items; i++)
    {
      for (int c = 0; c < csv->n_columns; c++)
        fields[c] = cx_csv_cell (csv, result->row - 1, c);
      for (int c = 0; c < schema->n_columns; c++)
        fields[schema->columns[c].csv_column] = result->items[i].values[c];
      cx_csv_append_record (out, fields, csv->n_columns);
    }
  if (len != NULL)
    *len = out->len;
  return g_string_free (out, FALSE);
}

/* ---- images: Decoupled Direction and Norm (Rony et al. 2019) ---- */

void
cx_image_counterfactual_params_init (CxImageCounterfactualParams *params)
{
  memset (params, 0, sizeof *params);
  params->target = -1;
  params->steps = 200;
  params->lo = 0;
  params->hi = 1;
  params->epsilon = 1.0;
  params->gamma = 0.05;
}

void
cx_image_counterfactual_free (CxImageCounterfactual *cf)
{
  if (cf == NULL)
    return;
  cx_tensor_free (cf->perturbed);
  cx_tensor_free (cf->difference);
  g_free (cf);
}

static double
l2_norm (const float *v, int64_t n)
{
  double s = 0;
  for (int64_t i = 0; i < n; i++)
    s += (double) v[i] * v[i];
  return sqrt (s);
}

CxImageCounterfactual *
cx_image_counterfactual (const CxModel *model, const CxTensor *x,
                         const CxImageCounterfactualParams *params, GError **error)
{
  g_autoptr(CxImageCounterfactual) cf = g_new0 (CxImageCounterfactual, 1);
  g_autoptr(CxExec) exec = NULL;
  g_autoptr(CxTensor) adv = NULL;
  g_autoptr(CxTensor) seed = NULL;
  g_autofree float *delta = NULL;
  g_autofree float *best = NULL;
  CxImageCounterfactualParams defaults;
  CxOutputKind kind;
  gboolean box;
  double eps, best_l2 = INFINITY;
  int64_t n = x->numel, K;
  const CxTensor *o;
  CxTensor *inputs[1];

  g_return_val_if_fail (model != NULL && x != NULL, NULL);
  if (params == NULL)
    {
      cx_image_counterfactual_params_init (&defaults);
      params = &defaults;
    }
  if (cx_engine_input (model, error) == NULL)
    return NULL;
  if (x->ndim < 1 || x->shape[0] != 1 || !cx_elem_is_float (x->elem))
    {
      g_set_error (error, CX_ERROR, CX_ERROR_SHAPE, "a counterfactual is searched for one input row");
      return NULL;
    }
  if (params->steps < 1 || !(params->epsilon > 0) || !(params->gamma > 0 && params->gamma < 1))
    {
      g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT, "steps must be at least 1, epsilon positive, "
                   "gamma in (0, 1)");
      return NULL;
    }
  box = params->lo < params->hi;
  kind = cx_model_output_kind (model, 0);
  exec = cx_exec_new (model, params->engine.budget);
  adv = cx_tensor_copy (x, error);
  if (adv == NULL)
    return NULL;
  inputs[0] = adv;
  if (!cx_exec_forward (exec, inputs, FALSE, error))
    return NULL;
  o = cx_exec_output (exec, 0);
  if (o == NULL || o->ndim != 2 || o->shape[0] != 1 || o->shape[1] < 2)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_SHAPE,
                   "%s: image counterfactuals need an output of two or more classes", model->path);
      return NULL;
    }
  K = o->shape[1];
  cf->original_class = cx_argmax_row (o, 0);
  cf->target = params->target;
  if (cf->target < 0)
    {
      /* The runner-up. */
      cf->target = cf->original_class == 0 ? 1 : 0;
      for (int64_t j = 0; j < K; j++)
        if (j != cf->original_class && o->data.f[j] > o->data.f[cf->target])
          cf->target = j;
    }
  if (cf->target >= K)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT, "%s: no class %" G_GINT64_FORMAT
                   " (the model has %" G_GINT64_FORMAT ")", model->path, cf->target, K);
      return NULL;
    }

  delta = g_new0 (float, n);
  best = g_new (float, n);
  seed = cx_tensor_new_zeros (CX_ELEM_FLOAT, 2, o->shape, error);
  if (seed == NULL)
    return NULL;
  eps = params->epsilon;
  for (int k = 0; k < params->steps; k++)
    {
      const CxTensor *g;
      double alpha = 0.01 + 0.5 * (1 - 0.01) * (1 + cos (G_PI * k / params->steps));
      double gn, dn, l2;
      int64_t pred, rival = -1;
      gboolean is_adv;

      for (int64_t i = 0; i < n; i++)
        {
          float v = x->data.f[i] + delta[i];
          adv->data.f[i] = box ? CLAMP (v, (float) params->lo, (float) params->hi) : v;
          delta[i] = adv->data.f[i] - x->data.f[i];
        }
      if (!cx_exec_forward (exec, inputs, TRUE, error))
        return NULL;
      o = cx_exec_output (exec, 0);
      pred = cx_argmax_row (o, 0);
      is_adv = pred == cf->target;
      l2 = l2_norm (delta, n);
      if (is_adv && l2 < best_l2)
        {
          best_l2 = l2;
          memcpy (best, adv->data.f, sizeof (float) * n);
        }
      eps = is_adv ? eps * (1 - params->gamma) : eps * (1 + params->gamma);

      /* Ascend the margin of the target over the strongest other class. */
      for (int64_t j = 0; j < K; j++)
        if (j != cf->target && (rival < 0 || o->data.f[j] > o->data.f[rival]))
          rival = j;
      memset (seed->data.f, 0, sizeof (float) * K);
      if (kind == CX_OUTPUT_LOGITS)
        {
          seed->data.f[cf->target] = 1;
          seed->data.f[rival] = -1;
        }
      else
        {
          seed->data.f[cf->target] = (float) (1 / clamp_prob (o->data.f[cf->target]));
          seed->data.f[rival] = (float) (-1 / clamp_prob (o->data.f[rival]));
        }
      if (!cx_exec_backward (exec, 0, seed, error))
        return NULL;
      g = cx_exec_input_grad (exec, 0);
      gn = g ? l2_norm (g->data.f, n) : 0;
      if (gn > 0 && isfinite (gn))
        for (int64_t i = 0; i < n; i++)
          delta[i] += (float) (alpha * g->data.f[i] / gn);
      /* Project onto the sphere of radius eps, then into the value range. */
      dn = l2_norm (delta, n);
      if (dn > 0)
        for (int64_t i = 0; i < n; i++)
          delta[i] = (float) (delta[i] * eps / dn);
      cf->steps = k + 1;
      if (params->engine.progress != NULL &&
          !params->engine.progress ((double) (k + 1) / params->steps, params->engine.progress_data))
        {
          g_set_error (error, CX_ERROR, CX_ERROR_CANCELLED, "cancelled");
          return NULL;
        }
    }

  cf->success = isfinite (best_l2);
  if (!cf->success)
    for (int64_t i = 0; i < n; i++)
      {
        float v = x->data.f[i] + delta[i];
        best[i] = box ? CLAMP (v, (float) params->lo, (float) params->hi) : v;
      }
  cf->perturbed = cx_tensor_copy (x, error);
  cf->difference = cx_tensor_copy (x, error);
  if (cf->perturbed == NULL || cf->difference == NULL)
    return NULL;
  memcpy (cf->perturbed->data.f, best, sizeof (float) * n);
  cf->linf = 0;
  for (int64_t i = 0; i < n; i++)
    {
      cf->difference->data.f[i] = best[i] - x->data.f[i];
      cf->linf = MAX (cf->linf, fabs (cf->difference->data.f[i]));
    }
  cf->l2 = l2_norm (cf->difference->data.f, n);
  inputs[0] = cf->perturbed;
  if (!cx_exec_forward (exec, inputs, FALSE, error))
    return NULL;
  o = cx_exec_output (exec, 0);
  cf->predicted = cx_argmax_row (o, 0);
  cf->success = cf->predicted == cf->target;
  {
    g_autoptr(CxTensor) prob = cx_output_probabilities (model, 0, o);
    cf->target_probability = prob->data.f[cf->target];
  }
  return g_steal_pointer (&cf);
}
