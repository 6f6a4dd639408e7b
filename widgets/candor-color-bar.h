/* candor-color-bar.h: the shared colour scale under attribution maps.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CANDOR_TYPE_COLOR_BAR (candor_color_bar_get_type ())
G_DECLARE_FINAL_TYPE (CandorColorBar, candor_color_bar, CANDOR, COLOR_BAR, GtkWidget)

GtkWidget *candor_color_bar_new        (void);
/* A CxSign: CX_SIGN_ALL draws the diverging −1…+1 scale, the others the
 * sequential 0…1 scale of that sign. */
int        candor_color_bar_get_sign   (CandorColorBar *self);
void       candor_color_bar_set_sign   (CandorColorBar *self,
                                        int             sign);

G_END_DECLS
