/* candor-explain-page.h: the selected sample and, once computed, its
 * attribution maps (images) or signed bars per column (table rows).
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "candor-explain-job.h"
#include "candor-types.h"

G_BEGIN_DECLS

#define CANDOR_TYPE_EXPLAIN_PAGE (candor_explain_page_get_type ())
G_DECLARE_FINAL_TYPE (CandorExplainPage, candor_explain_page, CANDOR, EXPLAIN_PAGE, AdwBin)

CandorSession *candor_explain_page_get_session (CandorExplainPage *self);
void           candor_explain_page_set_session (CandorExplainPage *self,
                                                CandorSession     *session);

/* The method and rendering parameters the controls show. Setting them
 * recomputes the maps. */
void           candor_explain_page_get_params  (CandorExplainPage         *self,
                                                CandorExplainParams       *params);
void           candor_explain_page_set_params  (CandorExplainPage         *self,
                                                const CandorExplainParams *params);
/* TRUE while the maps of the selected sample are being computed. */
gboolean       candor_explain_page_get_computing (CandorExplainPage       *self);
/* TRUE when the selected sample is a table row (its controls are the
 * method and the table's baseline). */
gboolean       candor_explain_page_get_showing_row (CandorExplainPage     *self);
/* TRUE once the selected sample's explanation is shown. */
gboolean       candor_explain_page_has_explanation (CandorExplainPage     *self);
/* A file name (without extension) for the numbers of what is shown. */
char          *candor_explain_page_suggest_name (CandorExplainPage        *self);
/* Writes the numbers of the explanation shown to @path, CSV or JSON by its
 * extension, atomically (candor-explain-export.h). */
gboolean       candor_explain_page_export_numbers (CandorExplainPage      *self,
                                                   const char             *path,
                                                   GError                **error);
/* Lists @findings (CxFinding *, or NULL for none). */
void           candor_explain_page_set_findings (CandorExplainPage        *self,
                                                 GPtrArray                *findings);

/* The page's figures, as members of the open object of @b (`--state`). */
void           candor_explain_page_add_state   (CandorExplainPage         *self,
                                                JsonBuilder               *b);

G_END_DECLS
