/* candor-samples-view.h: the images (as a thumbnail grid) or table rows
 * (as a column view) of the session's dataset; selecting one selects it
 * in the session.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "candor-types.h"

G_BEGIN_DECLS

#define CANDOR_TYPE_SAMPLES_VIEW (candor_samples_view_get_type ())
G_DECLARE_FINAL_TYPE (CandorSamplesView, candor_samples_view, CANDOR, SAMPLES_VIEW, AdwBin)

CandorSession *candor_samples_view_get_session  (CandorSamplesView *self);
void           candor_samples_view_set_session  (CandorSamplesView *self,
                                                 CandorSession     *session);
/* Moves the keyboard focus to the filter entry. */
void           candor_samples_view_focus_search (CandorSamplesView *self);

/* Shows only the rows whose @column holds @value (both NULL: every row). */
void           candor_samples_view_set_group_filter (CandorSamplesView *self,
                                                     const char        *column,
                                                     const char        *value);
/* The column filtered by (NULL: none) and its @value. */
const char    *candor_samples_view_get_group_filter (CandorSamplesView *self,
                                                     const char       **value);
/* 0: every sample, 1: those the model gets right, 2: those it gets wrong. */
void           candor_samples_view_set_outcome_filter (CandorSamplesView *self,
                                                       int                outcome);
/* How many samples the filters let through. */
guint          candor_samples_view_get_n_shown      (CandorSamplesView *self);

G_END_DECLS
