/* candor-wrap-box.c: children side by side when they fit, else stacked.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-wrap-box.h"

struct _CandorWrapBox
{
  GtkWidget parent_instance;

  int spacing;
};

G_DEFINE_FINAL_TYPE (CandorWrapBox, candor_wrap_box, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SPACING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static int
child_width (GtkWidget *child,
             gboolean   natural)
{
  int min = 0, nat = 0;

  gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
  return natural ? nat : min;
}

/* Side by side needs the natural width of all but the last child, and the
 * last child's minimum. */
gboolean
candor_wrap_box_fits (CandorWrapBox *self,
                      int            width)
{
  int needed = 0, n = 0;

  g_return_val_if_fail (CANDOR_IS_WRAP_BOX (self), FALSE);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      if (!gtk_widget_should_layout (child))
        continue;
      needed += child_width (child, gtk_widget_get_next_sibling (child) != NULL);
      n++;
    }
  return n > 0 && needed + self->spacing * (n - 1) <= width;
}

static void
candor_wrap_box_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  CandorWrapBox *self = CANDOR_WRAP_BOX (widget);
  gboolean side_by_side;
  int n = 0;

  *minimum = *natural = 0;
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      /* Stacked, the widest child decides; side by side, all of them. */
      for (GtkWidget *child = gtk_widget_get_first_child (widget);
           child != NULL; child = gtk_widget_get_next_sibling (child))
        {
          int min, nat;
          if (!gtk_widget_should_layout (child))
            continue;
          gtk_widget_measure (child, orientation, -1, &min, &nat, NULL, NULL);
          *minimum = MAX (*minimum, min);
          *natural += nat + (n++ > 0 ? self->spacing : 0);
        }
      *natural = MAX (*natural, *minimum);
      return;
    }

  side_by_side = for_size < 0 || candor_wrap_box_fits (self, for_size);
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      int min, nat;
      if (!gtk_widget_should_layout (child))
        continue;
      gtk_widget_measure (child, orientation, side_by_side ? -1 : for_size, &min, &nat, NULL, NULL);
      if (side_by_side)
        {
          *minimum = MAX (*minimum, min);
          *natural = MAX (*natural, nat);
        }
      else
        {
          *minimum += min + (n > 0 ? self->spacing : 0);
          *natural += nat + (n > 0 ? self->spacing : 0);
        }
      n++;
    }
}

static void
candor_wrap_box_size_allocate (GtkWidget *widget,
                               int        width,
                               int        height,
                               int        baseline)
{
  CandorWrapBox *self = CANDOR_WRAP_BOX (widget);
  gboolean side_by_side = candor_wrap_box_fits (self, width);
  int pos = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkAllocation a;

      if (!gtk_widget_should_layout (child))
        continue;
      if (side_by_side)
        {
          a.x = pos;
          a.y = 0;
          a.width = gtk_widget_get_next_sibling (child) != NULL ? child_width (child, TRUE) : width - pos;
          a.height = height;
          pos += a.width + self->spacing;
        }
      else
        {
          int min, nat;
          gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, width, &min, &nat, NULL, NULL);
          a.x = 0;
          a.y = pos;
          a.width = width;
          a.height = nat;
          pos += a.height + self->spacing;
        }
      gtk_widget_size_allocate (child, &a, -1);
    }
}

static GtkSizeRequestMode
candor_wrap_box_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
candor_wrap_box_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (candor_wrap_box_parent_class)->dispose (object);
}

static void
candor_wrap_box_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CandorWrapBox *self = CANDOR_WRAP_BOX (object);

  switch (prop_id)
    {
    case PROP_SPACING:
      g_value_set_int (value, self->spacing);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
candor_wrap_box_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  CandorWrapBox *self = CANDOR_WRAP_BOX (object);

  switch (prop_id)
    {
    case PROP_SPACING:
      candor_wrap_box_set_spacing (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
candor_wrap_box_class_init (CandorWrapBoxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = candor_wrap_box_dispose;
  object_class->get_property = candor_wrap_box_get_property;
  object_class->set_property = candor_wrap_box_set_property;

  widget_class->measure = candor_wrap_box_measure;
  widget_class->size_allocate = candor_wrap_box_size_allocate;
  widget_class->get_request_mode = candor_wrap_box_get_request_mode;

  properties[PROP_SPACING] =
    g_param_spec_int ("spacing", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "wrapbox");
}

static void
candor_wrap_box_init (CandorWrapBox *self)
{
}

GtkWidget *
candor_wrap_box_new (void)
{
  return g_object_new (CANDOR_TYPE_WRAP_BOX, NULL);
}

int
candor_wrap_box_get_spacing (CandorWrapBox *self)
{
  g_return_val_if_fail (CANDOR_IS_WRAP_BOX (self), 0);
  return self->spacing;
}

void
candor_wrap_box_set_spacing (CandorWrapBox *self,
                             int            spacing)
{
  g_return_if_fail (CANDOR_IS_WRAP_BOX (self));

  if (self->spacing == spacing)
    return;
  self->spacing = spacing;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPACING]);
}
