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

G_END_DECLS
