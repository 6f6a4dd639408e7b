/* candor-explain-job.h: the six attribution maps of one image, or one
 * method's attribution per column of a table row, computed off the main
 * thread.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "attribution.h"
#include "candor-types.h"
#include "render.h"

G_BEGIN_DECLS

#define CANDOR_EXPLAIN_N_MAPS 6

typedef struct
{
  int64_t target;              /* < 0: the predicted class */
  int ig_steps;
  CxIgRule ig_rule;
  CxBaselineKind ig_baseline;  /* images: zeros, blur, uniform or mean (of the images open) */
  CxMethod table_method;       /* table rows: ig, shap, gradxinput or saliency */
  CxBaselineKind table_baseline; /* table rows, ig and shap: mean (of the table) or zeros */
  int shap_permutations;
  CxSign sign;
  double outlier_percent;
  double alpha;
  int smoothgrad_samples;
  double smoothgrad_noise;
  guint64 seed;
} CandorExplainParams;

typedef struct
{
  CxMethod method;
  guint8 *rgba;                /* the overlay, width × height RGBA */
  int width, height;
  CxTensor *map;               /* [H, W], the sign applied */
  double threshold;            /* the clipping value the colours are scaled by */
  char *error;                 /* why this method failed, or NULL */
} CandorExplainMap;

/* One raw column of a table row. */
typedef struct
{
  char *name;
  char *value;                 /* the row's text in it */
  double attribution;
} CandorExplainColumn;

typedef struct
{
  CandorExplainParams params;  /* what the job was asked for */
  char *input_sha256;          /* the image, or the CSV a row comes from */
  int n_classes;
  double *probabilities;       /* n_classes */
  int64_t predicted;
  int64_t target;              /* the class explained */
  gboolean single_output;      /* one logit: its score is class 1's against class 0 */
  CandorExplainMap maps[CANDOR_EXPLAIN_N_MAPS];
  /* integrated gradients' completeness */
  gboolean has_completeness;
  double attribution_sum;
  double output;
  double output_baseline;
  double completeness_error;
  /* images, mean baseline: the mean of the images open ([1, C, H, W]),
   * which later jobs on the same images may reuse */
  CxTensor *image_mean;
  /* table rows */
  gboolean table;
  guint row;                   /* from 0 */
  CxMethod method;
  CandorExplainColumn *columns; /* largest |attribution| first */
  int n_columns;
} CandorExplainResult;

/* The defaults of the engine and of the session file. */
void                 candor_explain_params_init   (CandorExplainParams *params);
/* The methods in the order the page shows them. */
CxMethod             candor_explain_method        (guint i);
/* TRUE for the methods a table row can be explained with. */
gboolean             candor_explain_is_table_method (CxMethod method);

/* The maps of the image @input. For the mean baseline: @image_mean when
 * given (an earlier result's), else the mean of the images @images. */
void                 candor_explain_run_async     (CandorModel                *model,
                                                   GFile                      *input,
                                                   const CandorExplainParams  *params,
                                                   const CxTensor             *image_mean,
                                                   const char * const         *images,
                                                   GCancellable               *cancellable,
                                                   GAsyncReadyCallback         callback,
                                                   gpointer                    user_data);
/* One attribution per raw column of row @row (from 0) of @dataset, a table
 * with a schema, by params->table_method. */
void                 candor_explain_row_async     (CandorModel                *model,
                                                   CandorDataset              *dataset,
                                                   guint                       row,
                                                   const CandorExplainParams  *params,
                                                   GCancellable               *cancellable,
                                                   GAsyncReadyCallback         callback,
                                                   gpointer                    user_data);
/* The result of either. */
CandorExplainResult *candor_explain_run_finish    (GAsyncResult               *result,
                                                   GError                    **error);
void                 candor_explain_result_free   (CandorExplainResult        *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CandorExplainResult, candor_explain_result_free)

G_END_DECLS
