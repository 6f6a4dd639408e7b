/* candor-split-page.h: the selected sample's explanation and the subgroup
 * breakdown side by side, because the question is usually both.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "candor-fairness-page.h"
#include "candor-types.h"

G_BEGIN_DECLS

#define CANDOR_TYPE_SPLIT_PAGE (candor_split_page_get_type ())
G_DECLARE_FINAL_TYPE (CandorSplitPage, candor_split_page, CANDOR, SPLIT_PAGE, AdwBin)

CandorSession *candor_split_page_get_session (CandorSplitPage *self);
void           candor_split_page_set_session (CandorSplitPage *self,
                                              CandorSession   *session);
/* The subgroup breakdown half (transfer none). */
CandorFairnessPage *candor_split_page_get_fairness_page (CandorSplitPage *self);

G_END_DECLS
