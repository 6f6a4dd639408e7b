/* candor-pixel-view.c: an image scaled with nearest-neighbour sampling.
 *
 * GTK 4.8 has no nearest-neighbour filter for textures, so the image is
 * drawn through cairo with CAIRO_FILTER_NEAREST; the cairo surface is
 * cached until the texture changes.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "candor-pixel-view.h"

struct _CandorPixelView
{
  GtkWidget parent_instance;

  /* owned */
  GdkTexture *texture;
  cairo_surface_t *surface;
};

G_DEFINE_FINAL_TYPE (CandorPixelView, candor_pixel_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TEXTURE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static cairo_surface_t *
surface_from_texture (GdkTexture *texture)
{
  cairo_surface_t *surface;

  /* GDK_MEMORY_DEFAULT is cairo's ARGB32: premultiplied, native endian. */
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                        gdk_texture_get_width (texture),
                                        gdk_texture_get_height (texture));
  gdk_texture_download (texture,
                        cairo_image_surface_get_data (surface),
                        cairo_image_surface_get_stride (surface));
  cairo_surface_mark_dirty (surface);
  return surface;
}

/* Where the texture is drawn, and at what scale. */
static void
placement (CandorPixelView *self,
           double          *scale,
           double          *x,
           double          *y)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  int tw = gdk_texture_get_width (self->texture);
  int th = gdk_texture_get_height (self->texture);

  *scale = MIN ((double) width / tw, (double) height / th);
  /* Whole multiples keep every pixel the same size. */
  if (*scale >= 1.0)
    *scale = floor (*scale);
  *x = floor ((width - tw * *scale) / 2);
  *y = floor ((height - th * *scale) / 2);
}

static void
candor_pixel_view_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  CandorPixelView *self = CANDOR_PIXEL_VIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int tw, th;
  double scale, x, y;
  cairo_t *cr;

  if (self->texture == NULL || width <= 0 || height <= 0)
    return;

  tw = gdk_texture_get_width (self->texture);
  th = gdk_texture_get_height (self->texture);
  placement (self, &scale, &x, &y);

  if (self->surface == NULL)
    self->surface = surface_from_texture (self->texture);

  cr = gtk_snapshot_append_cairo (snapshot,
                                  &GRAPHENE_RECT_INIT (x, y, tw * scale, th * scale));
  cairo_translate (cr, x, y);
  cairo_scale (cr, scale, scale);
  cairo_set_source_surface (cr, self->surface, 0, 0);
  /* Enlarged pixels stay square; shrunk images are averaged instead. */
  cairo_pattern_set_filter (cairo_get_source (cr), scale >= 1.0 ? CAIRO_FILTER_NEAREST : CAIRO_FILTER_GOOD);
  cairo_rectangle (cr, 0, 0, tw, th);
  cairo_fill (cr);
  cairo_destroy (cr);
}

static void
candor_pixel_view_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  CandorPixelView *self = CANDOR_PIXEL_VIEW (widget);

  *minimum = 0;
  *natural = 0;
  if (self->texture != NULL)
    *natural = orientation == GTK_ORIENTATION_HORIZONTAL
             ? gdk_texture_get_width (self->texture)
             : gdk_texture_get_height (self->texture);
}

static void
candor_pixel_view_dispose (GObject *object)
{
  CandorPixelView *self = CANDOR_PIXEL_VIEW (object);

  g_clear_object (&self->texture);
  g_clear_pointer (&self->surface, cairo_surface_destroy);

  G_OBJECT_CLASS (candor_pixel_view_parent_class)->dispose (object);
}

static void
candor_pixel_view_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CandorPixelView *self = CANDOR_PIXEL_VIEW (object);

  switch (prop_id)
    {
    case PROP_TEXTURE:
      g_value_set_object (value, self->texture);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
candor_pixel_view_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  CandorPixelView *self = CANDOR_PIXEL_VIEW (object);

  switch (prop_id)
    {
    case PROP_TEXTURE:
      candor_pixel_view_set_texture (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
candor_pixel_view_class_init (CandorPixelViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = candor_pixel_view_dispose;
  object_class->get_property = candor_pixel_view_get_property;
  object_class->set_property = candor_pixel_view_set_property;

  widget_class->snapshot = candor_pixel_view_snapshot;
  widget_class->measure = candor_pixel_view_measure;

  properties[PROP_TEXTURE] =
    g_param_spec_object ("texture", NULL, NULL, GDK_TYPE_TEXTURE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "pixelview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
candor_pixel_view_init (CandorPixelView *self)
{
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
}

GtkWidget *
candor_pixel_view_new (void)
{
  return g_object_new (CANDOR_TYPE_PIXEL_VIEW, NULL);
}

GdkTexture *
candor_pixel_view_get_texture (CandorPixelView *self)
{
  g_return_val_if_fail (CANDOR_IS_PIXEL_VIEW (self), NULL);
  return self->texture;
}

void
candor_pixel_view_set_texture (CandorPixelView *self,
                               GdkTexture      *texture)
{
  g_return_if_fail (CANDOR_IS_PIXEL_VIEW (self));
  g_return_if_fail (texture == NULL || GDK_IS_TEXTURE (texture));

  if (!g_set_object (&self->texture, texture))
    return;
  g_clear_pointer (&self->surface, cairo_surface_destroy);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXTURE]);
}

gboolean
candor_pixel_view_pick (CandorPixelView *self,
                        double           x,
                        double           y,
                        int             *tx,
                        int             *ty)
{
  double scale, x0, y0;
  int px, py;

  g_return_val_if_fail (CANDOR_IS_PIXEL_VIEW (self), FALSE);

  if (self->texture == NULL || gtk_widget_get_width (GTK_WIDGET (self)) <= 0)
    return FALSE;
  placement (self, &scale, &x0, &y0);
  if (scale <= 0)
    return FALSE;
  px = (int) floor ((x - x0) / scale);
  py = (int) floor ((y - y0) / scale);
  if (px < 0 || py < 0 || px >= gdk_texture_get_width (self->texture)
      || py >= gdk_texture_get_height (self->texture))
    return FALSE;
  *tx = px;
  *ty = py;
  return TRUE;
}
