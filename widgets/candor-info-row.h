/* candor-info-row.h: a list row with a title, an optional subtitle and
 * widgets before and after them, drawn as Adwaita draws an AdwActionRow.
 *
 * AdwActionRow's title and subtitle are wrapping labels in a horizontal
 * box. When a row is laid out, GTK 4.8 asks the box for each child's width
 * at the row's height, and a wrapping label answers by laying its text out
 * at width after width until it fits that height: ~50 text layouts per row,
 * ~100 ms of the main thread for the rows shown when a table opens. This
 * row keeps the same CSS nodes, with its text in a width bin
 * (widgets/candor-width-bin.h) so the text's width is asked once, and
 * keeps short texts on one line (a wrapping label is laid out again at
 * each width it is tried at); longer ones wrap as in AdwActionRow.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CANDOR_TYPE_INFO_ROW (candor_info_row_get_type ())
G_DECLARE_FINAL_TYPE (CandorInfoRow, candor_info_row, CANDOR, INFO_ROW, GtkListBoxRow)

/* A row titled @title (plain text, not markup). */
GtkWidget *candor_info_row_new          (const char    *title);
const char *candor_info_row_get_title   (CandorInfoRow *self);
/* Plain text under the title; NULL or "" hides it. */
void       candor_info_row_set_subtitle (CandorInfoRow *self,
                                         const char    *subtitle);
/* Keeps the title on one line, ellipsized, as adw_action_row_set_title_lines (1). */
void       candor_info_row_set_title_one_line (CandorInfoRow *self);
/* Adds @widget before the title, and before the ones added before it (as AdwActionRow). */
void       candor_info_row_add_prefix   (CandorInfoRow *self,
                                         GtkWidget     *widget);
/* Adds @widget at the end of the row (after the ones added before it). */
void       candor_info_row_add_suffix   (CandorInfoRow *self,
                                         GtkWidget     *widget);

G_END_DECLS
