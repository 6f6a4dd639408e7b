/* candor-fairness-page.h: how the model's outcomes differ between the
 * groups of the sensitive columns.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "candor-types.h"

G_BEGIN_DECLS

#define CANDOR_TYPE_FAIRNESS_PAGE (candor_fairness_page_get_type ())
G_DECLARE_FINAL_TYPE (CandorFairnessPage, candor_fairness_page, CANDOR, FAIRNESS_PAGE, AdwBin)

CandorSession *candor_fairness_page_get_session (CandorFairnessPage *self);
void           candor_fairness_page_set_session (CandorFairnessPage *self,
                                                 CandorSession      *session);

/* Picks a group as clicking it does: highlights it and emits
 * ::group-activated. @column is a column or two joined by a comma
 * ("afam,single"), @value the group's value or values ("yes,no"). */
void           candor_fairness_page_select_group (CandorFairnessPage *self,
                                                  const char         *column,
                                                  const char         *value);

/* The page's figures, as members of the open object of @b (`--state`). */
void           candor_fairness_page_add_state    (CandorFairnessPage *self,
                                                  JsonBuilder        *b);

G_END_DECLS
