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

CandorSession *candor_whatif_page_get_session   (CandorWhatifPage *self);
void           candor_whatif_page_set_session   (CandorWhatifPage *self,
                                                 CandorSession    *session);

/* Tables: how many counterfactuals to search for (1 to 10). */
int            candor_whatif_page_get_count     (CandorWhatifPage *self);
void           candor_whatif_page_set_count     (CandorWhatifPage *self,
                                                 int               count);
/* Tables: keeps @column as it is (or lets it change again); FALSE when it
 * is not a column the model reads or the schema locks it for good. */
gboolean       candor_whatif_page_set_locked    (CandorWhatifPage *self,
                                                 const char       *column,
                                                 gboolean          locked);
/* Tables: the columns the user locked, in the schema's order. */
char         **candor_whatif_page_dup_locked    (CandorWhatifPage *self);
/* Tables: locks exactly @columns (NULL-terminated) besides the schema's,
 * searching again once; names the model does not read are skipped. */
void           candor_whatif_page_set_all_locked (CandorWhatifPage  *self,
                                                  const char *const *columns);
/* Tables: also list the columns no counterfactual changes. */
void           candor_whatif_page_set_show_all  (CandorWhatifPage *self,
                                                 gboolean          show_all);
/* Images: the class to reach; −1 for the runner-up. */
void           candor_whatif_page_set_target    (CandorWhatifPage *self,
                                                 int               target);
int            candor_whatif_page_get_target    (CandorWhatifPage *self);

/* Searches now if what the page would show is not computed yet, even
 * while the page is hidden (for `--state`). */
void           candor_whatif_page_ensure        (CandorWhatifPage *self);
gboolean       candor_whatif_page_get_computing (CandorWhatifPage *self);

/* Writes the counterfactuals as CSV (the table's header, one row each)
 * to @path, atomically; or asks where with a file chooser. */
gboolean       candor_whatif_page_write_csv     (CandorWhatifPage  *self,
                                                 const char        *path,
                                                 GError           **error);
void           candor_whatif_page_export        (CandorWhatifPage *self);

/* The page's figures, as members of the open object of @b (`--state`). */
void           candor_whatif_page_add_state     (CandorWhatifPage *self,
                                                 JsonBuilder      *b);

G_END_DECLS
