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

/* The texture pixel under widget point (@x, @y); FALSE outside the image. */
gboolean    candor_pixel_view_pick          (CandorPixelView *self,
                                             double           x,
                                             double           y,
                                             int             *tx,
                                             int             *ty);

G_END_DECLS
