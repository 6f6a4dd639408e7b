/* candor-color-bar.c: the shared colour scale under attribution maps.
 *
 * The colours come from the engine's colour maps (cx_render_color), so the
 * bar and the maps agree by construction. A signed scale runs from −1
 * (against the class) through white to +1 (for the class).
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"

#include <glib/gi18n.h>

#include "candor-color-bar.h"
#include "render.h"

#define BAR_HEIGHT 14
#define N_STEPS 128

struct _CandorColorBar
{
  GtkWidget parent_instance;

  int sign;

  /* owned */
  PangoLayout *layout;
};

G_DEFINE_FINAL_TYPE (CandorColorBar, candor_color_bar, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SIGN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
labels_for_sign (int          sign,
                 const char **left,
                 const char **middle,
                 const char **right)
{
  switch (sign)
    {
    case CX_SIGN_POSITIVE:
      *left = "0";
      *middle = NULL;
      *right = _("for the class");
      break;
    case CX_SIGN_NEGATIVE:
      *left = "0";
      *middle = NULL;
      *right = _("against the class");
      break;
    case CX_SIGN_ABSOLUTE:
      *left = "0";
      *middle = NULL;
      *right = _("strong either way");
      break;
    default:
      *left = _("−1 · against the class");
      *middle = "0";
      *right = _("for the class · +1");
      break;
    }
}

static void
update_accessible (CandorColorBar *self)
{
  const char *left, *middle, *right;
  g_autofree char *text = NULL;

  labels_for_sign (self->sign, &left, &middle, &right);
  /* Translators: the colour bar's summary: left end, right end */
  text = g_strdup_printf (_("Colour scale from “%s” to “%s”"), left, right);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
}

static void
append_label (CandorColorBar *self,
              GtkSnapshot    *snapshot,
              const char     *text,
              int             x,
              int             y,
              float           align,
              const GdkRGBA  *color)
{
  int w, h;

  pango_layout_set_text (self->layout, text, -1);
  pango_layout_get_pixel_size (self->layout, &w, &h);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x - align * w, y));
  gtk_snapshot_append_layout (snapshot, self->layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
candor_color_bar_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  CandorColorBar *self = CANDOR_COLOR_BAR (widget);
  int width = gtk_widget_get_width (widget);
  const char *left, *middle, *right;
  GdkRGBA fg;
  gboolean signed_scale = self->sign == CX_SIGN_ALL;

  if (width <= 0)
    return;

  for (int i = 0; i < N_STEPS; i++)
    {
      double t = (i + 0.5) / N_STEPS;
      double v = signed_scale ? 2 * t - 1 : t;
      guint8 rgb[3];
      float x0 = (float) width * i / N_STEPS, x1 = (float) width * (i + 1) / N_STEPS;

      cx_render_color (CX_COLORMAP_AUTO, self->sign, v, rgb);
      gtk_snapshot_append_color (snapshot,
                                 &(GdkRGBA) { rgb[0] / 255.f, rgb[1] / 255.f, rgb[2] / 255.f, 1.f },
                                 &GRAPHENE_RECT_INIT (x0, 0, x1 - x0 + 0.5f, BAR_HEIGHT));
    }

G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
G_GNUC_END_IGNORE_DEPRECATIONS
  /* A thin frame so white (zero) stays visible against a light window. */
  {
    GdkRGBA frame = fg;
    float w[4] = { 1, 1, 1, 1 };
    GdkRGBA colors[4];
    frame.alpha = 0.25f;
    for (int i = 0; i < 4; i++)
      colors[i] = frame;
    gtk_snapshot_append_border (snapshot,
                                &GSK_ROUNDED_RECT_INIT (0, 0, width, BAR_HEIGHT),
                                w, colors);
  }

  if (self->layout == NULL)
    self->layout = gtk_widget_create_pango_layout (widget, NULL);
  labels_for_sign (self->sign, &left, &middle, &right);
  append_label (self, snapshot, left, 0, BAR_HEIGHT + 4, 0.f, &fg);
  if (middle != NULL)
    append_label (self, snapshot, middle, width / 2, BAR_HEIGHT + 4, 0.5f, &fg);
  append_label (self, snapshot, right, width, BAR_HEIGHT + 4, 1.f, &fg);
}

static void
candor_color_bar_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  CandorColorBar *self = CANDOR_COLOR_BAR (widget);
  int h = 0;

  if (self->layout == NULL)
    self->layout = gtk_widget_create_pango_layout (widget, "Ag");
  else
    pango_layout_set_text (self->layout, "Ag", -1);
  pango_layout_get_pixel_size (self->layout, NULL, &h);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 200;
      *natural = 400;
    }
  else
    *minimum = *natural = BAR_HEIGHT + 4 + h;
}

static void
candor_color_bar_css_changed (GtkWidget         *widget,
                              GtkCssStyleChange *change)
{
  CandorColorBar *self = CANDOR_COLOR_BAR (widget);

  GTK_WIDGET_CLASS (candor_color_bar_parent_class)->css_changed (widget, change);
  /* The font may have changed. */
  g_clear_object (&self->layout);
  gtk_widget_queue_resize (widget);
}

static void
candor_color_bar_dispose (GObject *object)
{
  CandorColorBar *self = CANDOR_COLOR_BAR (object);

  g_clear_object (&self->layout);
  G_OBJECT_CLASS (candor_color_bar_parent_class)->dispose (object);
}

static void
candor_color_bar_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  CandorColorBar *self = CANDOR_COLOR_BAR (object);

  switch (prop_id)
    {
    case PROP_SIGN:
      g_value_set_int (value, self->sign);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
candor_color_bar_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  CandorColorBar *self = CANDOR_COLOR_BAR (object);

  switch (prop_id)
    {
    case PROP_SIGN:
      candor_color_bar_set_sign (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
candor_color_bar_class_init (CandorColorBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = candor_color_bar_dispose;
  object_class->get_property = candor_color_bar_get_property;
  object_class->set_property = candor_color_bar_set_property;

  widget_class->snapshot = candor_color_bar_snapshot;
  widget_class->measure = candor_color_bar_measure;
  widget_class->css_changed = candor_color_bar_css_changed;

  properties[PROP_SIGN] =
    g_param_spec_int ("sign", NULL, NULL, CX_SIGN_ALL, CX_SIGN_ABSOLUTE, CX_SIGN_ALL,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "colorbar");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
candor_color_bar_init (CandorColorBar *self)
{
  self->sign = CX_SIGN_ALL;
  update_accessible (self);
}

GtkWidget *
candor_color_bar_new (void)
{
  return g_object_new (CANDOR_TYPE_COLOR_BAR, NULL);
}

int
candor_color_bar_get_sign (CandorColorBar *self)
{
  g_return_val_if_fail (CANDOR_IS_COLOR_BAR (self), CX_SIGN_ALL);
  return self->sign;
}

void
candor_color_bar_set_sign (CandorColorBar *self,
                           int             sign)
{
  g_return_if_fail (CANDOR_IS_COLOR_BAR (self));

  if (self->sign == sign)
    return;
  self->sign = sign;
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGN]);
}
