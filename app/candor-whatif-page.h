/* candor-whatif-page.h: counterfactuals for the selected sample: the
 * smallest plausible changes that flip the decision.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "candor-types.h"

G_BEGIN_DECLS

#define CANDOR_TYPE_WHATIF_PAGE (candor_whatif_page_get_type ())
G_DECLARE_FINAL_TYPE (CandorWhatifPage, candor_whatif_page, CANDOR, WHATIF_PAGE, AdwBin)

CandorSession *candor_whatif_page_get_session (CandorWhatifPage *self);
void           candor_whatif_page_set_session (CandorWhatifPage *self,
                                               CandorSession    *session);

/* The page's figures, as members of the open object of @b (`--state`). */
void candor_whatif_page_add_state (CandorWhatifPage *self,
                                 JsonBuilder *b);

G_END_DECLS
