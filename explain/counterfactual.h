/* counterfactual.h: the smallest changes that flip a decision.
 *
 * Tabular rows: a DiCE-style search (Mothilal et al. 2020) in the encoded
 * space for several counterfactuals at once, minimising
 *
 *   hinge(κ − s(x)) + Σ_columns cost(x − x₀) + diversity
 *
 * where s is the favourable decision's log-odds minus the threshold's (the
 * validity term), the cost is the L1 change of each numeric column in units
 * of its median absolute deviation plus 1 per changed categorical column
 * (one-hot entries relaxed to [0, 1], half a unit per entry), and the
 * diversity term makes every counterfactual pay extra for moving the
 * columns the ones before it move, so they take different routes.
 * Proximal (ISTA) steps in MAD units keep the changes sparse.
 *
 * The search runs twice: first every column moves, categorical ones
 * relaxed; then each categorical column takes its largest relaxed entry,
 * more candidates start from the single category switches that help most,
 * and only numeric columns move. Numeric columns stay within the range
 * seen in the data, integer columns (every value in the data integral)
 * take integers, locked columns never move. Every candidate is then
 * written as the text it would be saved as, re-encoded and predicted
 * again; near misses are pushed further; changes that are not needed are
 * undone and numeric changes shortened to the decision boundary; only
 * candidates whose favourable probability reaches the threshold are
 * returned, closest first, without near-duplicates.
 *
 * Images: the smallest L2 perturbation that makes the model predict a
 * chosen class, by Decoupled Direction and Norm projected gradient steps
 * (Rony et al. 2019) within the input's value range.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "schema.h"
#include "engine.h"

G_BEGIN_DECLS

typedef struct
{
  int count;                   /* counterfactuals wanted (5) */
  const char *const *lock;     /* columns locked on top of the schema's (NULL-terminated) */
  double threshold;            /* favourable probability to reach (0.5) */
  int max_iterations;          /* gradient steps (300) */
  CxEngineOptions engine;
} CxCounterfactualParams;

typedef struct
{
  int column;                  /* index into schema->columns */
  char *from;
  char *to;
} CxChange;

typedef struct
{
  char **values;               /* the text of every schema column */
  double probability;          /* favourable probability, predicted again */
  double distance;             /* Σ |Δ| / MAD (numeric) + number of changed categorical columns */
  CxChange *changes;           /* in schema column order */
  int n_changes;
  double plausibility;         /* the same distance to the nearest row of the data the
                                * model decides favourably (NaN when there is none) */
  int64_t nearest_row;         /* that row, from 1 (−1 when none) */
} CxCounterfactual;

/* What the search knows about each schema column from the data. */
typedef struct
{
  double min, max;             /* numeric: the range seen */
  double mad;                  /* numeric: median absolute deviation (else std, else 1) */
  gboolean integer;            /* numeric: every value seen is integral */
  gboolean locked;             /* schema or caller */
} CxColumnStats;

typedef struct
{
  int64_t row;                 /* from 1 */
  double probability;          /* the row's favourable probability */
  gboolean already_favourable; /* nothing to do: no counterfactuals */
  CxCounterfactual *items;     /* sorted by distance */
  int n_items;
  int n_candidates;            /* searched for */
  int n_invalid;               /* candidates that did not reach the threshold */
  int iterations;              /* gradient steps taken */
  int evaluations;             /* rows run through the model */
  CxColumnStats *stats;        /* per schema column */
  int n_columns;
} CxCounterfactualResult;

void                    cx_counterfactual_params_init (CxCounterfactualParams *params);

/* Counterfactuals for row @row (from 0) of a bound @csv whose encoded table
 * is @x (cx_schema_encode). The whole table supplies the ranges, MADs,
 * integer columns and the rows plausibility is measured against.
 * params->engine.progress hears, never decreasing, how far the run is (after
 * every gradient step, ending at 1); when it returns FALSE the run stops
 * with CX_ERROR_CANCELLED and returns NULL. */
CxCounterfactualResult *cx_counterfactual_run    (const CxModel *model, const CxSchema *schema,
                                                  const CxCsv *csv, const CxTensor *x, int64_t row,
                                                  const CxCounterfactualParams *params,
                                                  GError **error);
void                    cx_counterfactual_result_free (CxCounterfactualResult *result);

/* The CSV (the table's header, one row per counterfactual, other columns
 * copied from the row) of @result. */
char                   *cx_counterfactual_to_csv  (const CxCounterfactualResult *result,
                                                   const CxSchema *schema, const CxCsv *csv,
                                                   gsize *len);

typedef struct
{
  int64_t target;              /* class to reach; < 0: the most likely other class */
  int steps;                   /* (200) */
  double lo, hi;               /* the input's value range ([0, 1]); lo ≥ hi: no box */
  double epsilon;              /* initial L2 radius (1.0) */
  double gamma;                /* radius change per step (0.05) */
  CxEngineOptions engine;
} CxImageCounterfactualParams;

typedef struct
{
  gboolean success;            /* the model predicts the target class for the result */
  int64_t original_class;
  int64_t target;
  int64_t predicted;           /* the class predicted for the result */
  double target_probability;   /* of the target, for the result */
  double l2;                   /* ‖difference‖₂ (of the best found, when success) */
  double linf;
  CxTensor *perturbed;         /* the input's shape */
  CxTensor *difference;        /* perturbed − input */
  int steps;
} CxImageCounterfactual;

void                    cx_image_counterfactual_params_init (CxImageCounterfactualParams *params);
/* The smallest-L2 perturbation of @x ([1, …]) found that makes @model
 * predict @params->target. params->engine.progress hears the fraction of
 * the steps done after each; FALSE stops with CX_ERROR_CANCELLED. */
CxImageCounterfactual  *cx_image_counterfactual  (const CxModel *model, const CxTensor *x,
                                                  const CxImageCounterfactualParams *params,
                                                  GError **error);
void                    cx_image_counterfactual_free (CxImageCounterfactual *cf);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CxCounterfactualResult, cx_counterfactual_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CxImageCounterfactual, cx_image_counterfactual_free)

G_END_DECLS
