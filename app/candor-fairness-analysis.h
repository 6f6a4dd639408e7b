/* candor-fairness-analysis.h: the subgroup breakdown of the session's
 * model and data, computed off the main thread and shared by every page
 * that shows it (the Fairness view and the one inside Side by Side).
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "candor-types.h"
#include "fairness.h"

G_BEGIN_DECLS

#define CANDOR_TYPE_FAIRNESS_ANALYSIS (candor_fairness_analysis_get_type ())
G_DECLARE_FINAL_TYPE (CandorFairnessAnalysis, candor_fairness_analysis, CANDOR, FAIRNESS_ANALYSIS, GObject)

typedef enum
{
  CANDOR_FAIRNESS_UNAVAILABLE,  /* the inputs cannot be broken down; the message says why */
  CANDOR_FAIRNESS_COMPUTING,    /* nothing to show yet */
  CANDOR_FAIRNESS_READY,        /* a report (perhaps being updated) */
  CANDOR_FAIRNESS_FAILED,       /* the message says what went wrong */
} CandorFairnessStatus;

/* The session's analysis, made on first use (transfer none). */
CandorFairnessAnalysis *candor_fairness_analysis_get_for_session (CandorSession *session);

/* Pages hold the analysis while they are shown: it computes only then. */
void                 candor_fairness_analysis_hold             (CandorFairnessAnalysis *self);
void                 candor_fairness_analysis_release          (CandorFairnessAnalysis *self);

CandorFairnessStatus candor_fairness_analysis_get_status       (CandorFairnessAnalysis *self);
/* Why it is unavailable or failed; NULL otherwise. */
const char          *candor_fairness_analysis_get_message      (CandorFairnessAnalysis *self);
/* TRUE when opening a demo is the way forward (nothing suitable is open). */
gboolean             candor_fairness_analysis_get_offer_demo   (CandorFairnessAnalysis *self);
/* TRUE while new figures are being computed over the ones shown. */
gboolean             candor_fairness_analysis_get_updating     (CandorFairnessAnalysis *self);

CandorDataset       *candor_fairness_analysis_get_dataset      (CandorFairnessAnalysis *self);
/* The columns whose values form groups: the schema's sensitive columns,
 * or the extra columns of an image folder's labels.csv. */
const char * const  *candor_fairness_analysis_get_available    (CandorFairnessAnalysis *self);
/* The chosen columns: @index 0 the first, 1 the one intersected with it (or NULL). */
const char          *candor_fairness_analysis_get_column       (CandorFairnessAnalysis *self,
                                                                guint                   index);
/* Chooses the columns; @second may be NULL or "". FALSE (nothing changes)
 * when one is not available or both are the same. */
gboolean             candor_fairness_analysis_set_columns      (CandorFairnessAnalysis *self,
                                                                const char             *first,
                                                                const char             *second);
/* The decision threshold on the favourable probability (0.5). Setting it
 * recomputes the figures shortly after the last change. */
double               candor_fairness_analysis_get_threshold    (CandorFairnessAnalysis *self);
void                 candor_fairness_analysis_set_threshold    (CandorFairnessAnalysis *self,
                                                                double                  threshold);
/* Bootstrap resamples for the intervals (1000); 0: no intervals. Each
 * number of resamples is a run of its own. */
guint                candor_fairness_analysis_get_resamples    (CandorFairnessAnalysis *self);
void                 candor_fairness_analysis_set_resamples    (CandorFairnessAnalysis *self,
                                                                guint                   resamples);
/* The model's classes, and the one whose decision counts as favourable
 * (a table's schema sets it; for images it can be chosen). */
const char * const  *candor_fairness_analysis_get_classes      (CandorFairnessAnalysis *self);
int                  candor_fairness_analysis_get_favourable   (CandorFairnessAnalysis *self);
gboolean             candor_fairness_analysis_get_can_choose_favourable (CandorFairnessAnalysis *self);
void                 candor_fairness_analysis_set_favourable   (CandorFairnessAnalysis *self,
                                                                int                     favourable);
/* The favourable decision's name ("approve"). */
const char          *candor_fairness_analysis_get_favourable_name (CandorFairnessAnalysis *self);

/* When ready: the report at the current threshold, the breakdown of the
 * chosen columns in it, and the same breakdown with attribution by
 * subgroup (NULL when there is none, as for images). */
const CxFairnessReport    *candor_fairness_analysis_get_report      (CandorFairnessAnalysis *self);
const CxFairnessBreakdown *candor_fairness_analysis_get_breakdown   (CandorFairnessAnalysis *self);
const CxFairnessReport    *candor_fairness_analysis_get_attribution_report    (CandorFairnessAnalysis *self);
const CxFairnessBreakdown *candor_fairness_analysis_get_attribution_breakdown (CandorFairnessAnalysis *self);

/* The group the user picked (its name in the breakdown: "yes", or
 * "yes,no" in an intersection), or NULL. Choosing other columns clears it. */
const char          *candor_fairness_analysis_get_selected_group (CandorFairnessAnalysis *self);
void                 candor_fairness_analysis_select_group       (CandorFairnessAnalysis *self,
                                                                  const char             *name);
/* Changes whenever the figures shown do. */
guint                candor_fairness_analysis_get_serial       (CandorFairnessAnalysis *self);

/* How many full runs (predictions, bootstrap and attribution) were made:
 * shown pages share them. */
guint                candor_fairness_analysis_get_n_runs       (CandorFairnessAnalysis *self);

G_END_DECLS
