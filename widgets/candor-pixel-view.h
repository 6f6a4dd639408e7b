/* candor-pixel-view.h: shows an image scaled to fit, pixels as crisp
 * squares (nearest neighbour), as small model inputs must be seen.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CANDOR_TYPE_PIXEL_VIEW (candor_pixel_view_get_type ())
G_DECLARE_FINAL_TYPE (CandorPixelView, candor_pixel_view, CANDOR, PIXEL_VIEW, GtkWidget)

GtkWidget  *candor_pixel_view_new         (void);
GdkTexture *candor_pixel_view_get_texture (CandorPixelView *self);
void        candor_pixel_view_set_texture (CandorPixelView *self,
                                           GdkTexture      *texture);

G_END_DECLS
