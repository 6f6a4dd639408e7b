/* candor-diff-table.h: an input against its counterfactuals, one column
 * each, one row per feature; changed cells stand out, unchanged ones are
 * a dash, and each feature carries a lock.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum
{
  CANDOR_DIFF_LOCK_NONE,       /* free to change; the user may lock it */
  CANDOR_DIFF_LOCK_USER,       /* locked by the user, who may unlock it */
  CANDOR_DIFF_LOCK_FIXED,      /* locked for good (by the data's schema) */
} CandorDiffLock;

typedef enum
{
  CANDOR_DIFF_PLACE_TOP,       /* under the column titles (the decision) */
  CANDOR_DIFF_PLACE_BOTTOM,    /* under the features (size of the change) */
} CandorDiffPlace;

#define CANDOR_TYPE_DIFF_TABLE (candor_diff_table_get_type ())
G_DECLARE_FINAL_TYPE (CandorDiffTable, candor_diff_table, CANDOR, DIFF_TABLE, GtkWidget)

GtkWidget  *candor_diff_table_new                (void);

/* Starts over with the columns @titles (NULL-terminated): the input
 * first, then each counterfactual. */
void        candor_diff_table_set_columns        (CandorDiffTable    *self,
                                                  const char * const *titles);
guint       candor_diff_table_get_n_columns      (CandorDiffTable    *self);

/* A feature: @cells holds one text per column, the input's first; a
 * counterfactual's cell is NULL where it keeps the input's value.
 * @tooltips (may be NULL, or hold NULLs) gives the full texts. */
void        candor_diff_table_append_row         (CandorDiffTable    *self,
                                                  const char         *name,
                                                  CandorDiffLock      lock,
                                                  const char * const *cells,
                                                  const char * const *tooltips);
/* A row about each column rather than a feature: the decision, the size
 * of the change. @styles (may be NULL, or hold NULLs) names a CSS class
 * per cell: "favourable" or "unfavourable". */
void        candor_diff_table_append_info        (CandorDiffTable    *self,
                                                  CandorDiffPlace     place,
                                                  const char         *name,
                                                  const char         *tooltip,
                                                  const char * const *cells,
                                                  const char * const *styles);

/* Features no counterfactual changes are hidden unless this is set;
 * locked ones always show. */
gboolean    candor_diff_table_get_show_unchanged (CandorDiffTable    *self);
void        candor_diff_table_set_show_unchanged (CandorDiffTable    *self,
                                                  gboolean            show_unchanged);

/* The features shown, in order (NULL-terminated; free with g_strfreev). */
char      **candor_diff_table_dup_shown_rows     (CandorDiffTable    *self);

/* The accessible name of the table. */
const char *candor_diff_table_get_title          (CandorDiffTable    *self);
void        candor_diff_table_set_title          (CandorDiffTable    *self,
                                                  const char         *title);
/* What the table shows in sentences: each counterfactual's information
 * rows and changes; also the table's accessible description. */
char       *candor_diff_table_dup_summary        (CandorDiffTable    *self);

G_END_DECLS
