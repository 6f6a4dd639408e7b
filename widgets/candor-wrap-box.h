/* candor-wrap-box.h: children side by side when they fit, else stacked.
 * The last child takes the width that is left; the others get their
 * natural width. A breakpoint for libadwaita 1.2, which has none.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CANDOR_TYPE_WRAP_BOX (candor_wrap_box_get_type ())
G_DECLARE_FINAL_TYPE (CandorWrapBox, candor_wrap_box, CANDOR, WRAP_BOX, GtkWidget)

GtkWidget *candor_wrap_box_new         (void);
int        candor_wrap_box_get_spacing (CandorWrapBox *self);
void       candor_wrap_box_set_spacing (CandorWrapBox *self,
                                        int            spacing);
/* TRUE when the children are side by side at @width. */
gboolean   candor_wrap_box_fits        (CandorWrapBox *self,
                                        int            width);

G_END_DECLS
