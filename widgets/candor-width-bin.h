/* candor-width-bin.h: a child whose width does not depend on its height.
 *
 * Some of GTK 4.8's containers ask a child for its width at a given
 * height, several heights in a row (the fairness verdict's box is asked
 * seven times for one layout). A wrapping label answers each by laying
 * its text out at ever other widths until it fits (a binary search): the
 * verdict's paragraph took 260 layouts, ~40-60 ms of the main thread,
 * whenever the fairness figures appeared. In a page that grows downwards
 * a paragraph's width never depends on the height, so this bin answers
 * with the child's width for any height, and passes the rest through.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CANDOR_TYPE_WIDTH_BIN (candor_width_bin_get_type ())
G_DECLARE_FINAL_TYPE (CandorWidthBin, candor_width_bin, CANDOR, WIDTH_BIN, GtkWidget)

GtkWidget *candor_width_bin_new       (void);
GtkWidget *candor_width_bin_get_child (CandorWidthBin *self);
void       candor_width_bin_set_child (CandorWidthBin *self,
                                       GtkWidget      *child);
/* Puts a width bin in @child's place in its parent box, with @child in it. */
GtkWidget *candor_width_bin_wrap      (GtkWidget      *child);

G_END_DECLS
