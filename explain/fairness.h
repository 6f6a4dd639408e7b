/* fairness.h: how a classifier's decisions differ between groups of people.
 *
 * The metrics are Fairlearn's (DESIGN.md, "Fairness definitions"): per
 * group the selection rate P(ŷ = 1), accuracy, TPR, FPR, FNR and precision;
 * per sensitive column (and per intersection of two) the demographic-parity
 * difference (max − min selection rate) and ratio (min / max), the
 * equalized-odds difference (the larger of the TPR and FPR differences) and
 * the equal-opportunity difference (of TPR). ŷ = 1 is the favourable
 * decision: the favourable output's probability at or above the threshold.
 * A rate whose denominator is zero is undefined (NaN), as in Fairlearn, and
 * the differences skip it.
 *
 * Intervals are percentile-bootstrap intervals: rows of the whole table are
 * resampled with replacement and every metric recomputed from the same
 * decisions; resample b draws from its own generator seeded by (seed, b), so
 * results do not depend on the number of threads.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "schema.h"
#include "engine.h"

G_BEGIN_DECLS

typedef enum
{
  CX_RATE_SELECTION,
  CX_RATE_ACCURACY,
  CX_RATE_TPR,
  CX_RATE_FPR,
  CX_RATE_FNR,
  CX_RATE_PRECISION,
  CX_N_RATES
} CxRate;

/* "selection_rate", "accuracy", "tpr", "fpr", "fnr", "precision". */
const char *cx_rate_name (CxRate rate);

/* One sensitive column coded per row: codes[r] in [0, n_groups). */
typedef struct
{
  char *column;
  int n_groups;
  char **names;                /* raw text of each group, in byte order */
  guint32 *codes;              /* per row */
} CxGroupColumn;

/* Codes column @column of @csv (groups in byte order of their text). */
CxGroupColumn *cx_group_column_new  (const CxCsv *csv, int column);
void           cx_group_column_free (CxGroupColumn *g);

typedef struct
{
  char *name;                  /* the raw value; "a,b" for an intersection */
  char **values;               /* the value of each column of the breakdown */
  int64_t n, tp, fp, fn, tn;
  gboolean too_small;          /* n below min_group_size: too few rows to conclude */
  double rate[CX_N_RATES];     /* NaN when undefined */
  double rate_ci[CX_N_RATES][2];
  /* Against the breakdown's reference (best-off) group: rate − reference, rate / reference. */
  double difference[CX_N_RATES];
  double difference_ci[CX_N_RATES][2];
  double ratio[CX_N_RATES];
  double ratio_ci[CX_N_RATES][2];
  double *attribution;         /* mean |attribution| per raw column, or NULL */
} CxFairnessGroup;

typedef enum
{
  CX_DISPARITY_DP_DIFFERENCE,  /* demographic_parity_difference */
  CX_DISPARITY_DP_RATIO,       /* demographic_parity_ratio */
  CX_DISPARITY_EO_DIFFERENCE,  /* equalized_odds_difference */
  CX_DISPARITY_EOP_DIFFERENCE, /* equal_opportunity_difference */
  CX_N_DISPARITIES
} CxDisparity;

/* The JSON key of @d. */
const char *cx_disparity_name (CxDisparity d);

typedef struct
{
  char *name;                  /* "afam", or "afam,single" for an intersection */
  char *columns[2];
  int n_columns;               /* 1, or 2 for an intersection */
  CxFairnessGroup *groups;     /* the groups present in the data, by name */
  int n_groups;
  int reference;               /* the best-off group: highest selection rate among
                                * groups not too small (all groups if every one is) */
  double disparity[CX_N_DISPARITIES];
  double disparity_ci[CX_N_DISPARITIES][2];
  gboolean four_fifths_failed; /* demographic_parity_ratio < 0.8 */
} CxFairnessBreakdown;

typedef struct
{
  double threshold;            /* on the favourable probability (0.5) */
  int resamples;               /* bootstrap resamples (1000); 0: no intervals */
  guint64 seed;                /* (0) */
  double confidence;           /* (0.95) */
  int min_group_size;          /* (30) */
  gboolean intersections;      /* every pair of sensitive columns (TRUE) */
  int n_threads;               /* 0: one per processor */
  /* Attribution by subgroup (cx_fairness_run only). */
  gboolean attribution;        /* (TRUE) */
  int ig_steps;                /* integrated-gradients steps, Gauss–Legendre (32) */
  int64_t attribution_rows;    /* rows explained at most, stratified by group (5000) */
  CxEngineOptions engine;
} CxFairnessParams;

typedef struct
{
  int64_t n_rows;
  gboolean has_labels;         /* FALSE: only n and selection rate are defined */
  CxFairnessParams params;
  CxFairnessGroup overall;     /* every row (no differences) */
  CxFairnessBreakdown *breakdowns; /* one per sensitive column, then the pairs */
  int n_breakdowns;
  /* Attribution by subgroup: raw columns (the schema's), how it was computed. */
  char **attribution_columns;  /* NULL-terminated, or NULL when not computed */
  int n_attribution_columns;
  int64_t attribution_rows;    /* rows explained */
  int64_t attribution_target;  /* the output index explained */
  double elapsed_predict_ms;
  double elapsed_bootstrap_ms;
  double elapsed_attribution_ms;
} CxFairnessReport;

/* Fills @params with the defaults above. */
void              cx_fairness_params_init (CxFairnessParams *params);

/* The metrics of @n rows given the favourable probability @p of each, the
 * true labels @y (1 = positive; NULL when unknown) and the coded sensitive
 * columns. Cheap enough to call again for another threshold. */
CxFairnessReport *cx_fairness_compute     (const float *p, const guint8 *y, int64_t n,
                                           CxGroupColumn *const *columns, int n_columns,
                                           const CxFairnessParams *params, GError **error);

/* The whole breakdown of a table: predicts the encoded rows @x ([N, F],
 * from cx_schema_encode) in batches, groups by @sensitive (NULL: the
 * schema's), computes the metrics and, if asked, the mean |integrated
 * gradients| per raw column for every group (baseline: the data's mean). */
CxFairnessReport *cx_fairness_run         (const CxModel *model, const CxSchema *schema,
                                           const CxCsv *csv, const CxTensor *x,
                                           const char *const *sensitive,
                                           const CxFairnessParams *params, GError **error);
/* The same for an image data set: @labels is a CSV (`file,label[,group…]`)
 * naming PNG or NPY files relative to its folder. The decision is one class
 * against the rest: ŷ = 1 when @favourable's probability is at least the
 * threshold, y = 1 when the label is that class (its name in the model's
 * "classes" metadata, or its index). Groups: @sensitive (NULL: every
 * column but the file and the label). No attribution. */
CxFairnessReport *cx_fairness_run_images  (const CxModel *model, const CxCsv *labels,
                                           int64_t favourable, const char *const *sensitive,
                                           const CxFairnessParams *params, GError **error);
/* The file and label columns of an image data set's CSV: "file" (or
 * "filename", "image", "path"; else the first) and "label" (or "class";
 * else the next). FALSE when the table has fewer than two columns. */
gboolean          cx_image_labels_columns (const CxCsv *labels, int *file_column, int *label_column,
                                           GError **error);
/* The class index of a label: a class name of @model, or an index. */
gboolean          cx_class_index          (const CxModel *model, int64_t n_classes, const char *label,
                                           int64_t *index);
void              cx_fairness_report_free (CxFairnessReport *report);

/* The `candor-cli fairness` JSON members of @report (added to an open object). */
void              cx_fairness_report_to_json (const CxFairnessReport *report, JsonBuilder *b);

/* The favourable probability of each row of a model output @out: the
 * favourable class's softmax (or sigmoid) probability. */
float            *cx_favourable_probability (const CxModel *model, int favourable,
                                             const CxTensor *out, GError **error);

/* Integrated-gradients attribution of the raw columns, for every row of
 * @x: @out gets N × schema->n_columns values, the signed sum over each
 * column's encoded features (the caller takes absolute values).
 * Gauss–Legendre with @steps points, baseline @baseline (F values),
 * explaining output @target. Batched: many rows per engine call. */
gboolean          cx_ig_columns            (const CxModel *model, const CxSchema *schema,
                                            const CxTensor *x, const float *baseline,
                                            int64_t target, int steps,
                                            const CxEngineOptions *engine, float *out,
                                            GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CxFairnessReport, cx_fairness_report_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CxGroupColumn, cx_group_column_free)

G_END_DECLS
