/* candor-width-bin.c: a child whose width does not depend on its height.
 * See the header for why.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-width-bin.h"

struct _CandorWidthBin
{
  GtkWidget parent_instance;

  /* owned (the widget's only child) */
  GtkWidget *child;
};

G_DEFINE_FINAL_TYPE (CandorWidthBin, candor_width_bin, GTK_TYPE_WIDGET)

static GtkSizeRequestMode
candor_width_bin_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
candor_width_bin_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  CandorWidthBin *self = CANDOR_WIDTH_BIN (widget);

  if (self->child == NULL || !gtk_widget_get_visible (self->child))
    return;
  /* The width for any height is the width for none (cached by GTK). */
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    for_size = -1;
  gtk_widget_measure (self->child, orientation, for_size, minimum, natural, minimum_baseline, natural_baseline);
}

static void
candor_width_bin_size_allocate (GtkWidget *widget,
                                int        width,
                                int        height,
                                int        baseline)
{
  CandorWidthBin *self = CANDOR_WIDTH_BIN (widget);

  if (self->child != NULL && gtk_widget_get_visible (self->child))
    gtk_widget_allocate (self->child, width, height, baseline, NULL);
}

static void
candor_width_bin_dispose (GObject *object)
{
  CandorWidthBin *self = CANDOR_WIDTH_BIN (object);

  g_clear_pointer (&self->child, gtk_widget_unparent);
  G_OBJECT_CLASS (candor_width_bin_parent_class)->dispose (object);
}

static void
candor_width_bin_class_init (CandorWidthBinClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = candor_width_bin_dispose;
  widget_class->get_request_mode = candor_width_bin_get_request_mode;
  widget_class->measure = candor_width_bin_measure;
  widget_class->size_allocate = candor_width_bin_size_allocate;

  gtk_widget_class_set_css_name (widget_class, "widthbin");
}

static void
candor_width_bin_init (CandorWidthBin *self)
{
}

GtkWidget *
candor_width_bin_new (void)
{
  return g_object_new (CANDOR_TYPE_WIDTH_BIN, NULL);
}

GtkWidget *
candor_width_bin_get_child (CandorWidthBin *self)
{
  g_return_val_if_fail (CANDOR_IS_WIDTH_BIN (self), NULL);

  return self->child;
}

void
candor_width_bin_set_child (CandorWidthBin *self,
                            GtkWidget      *child)
{
  g_return_if_fail (CANDOR_IS_WIDTH_BIN (self));
  g_return_if_fail (child == NULL || gtk_widget_get_parent (child) == NULL);

  if (self->child == child)
    return;
  g_clear_pointer (&self->child, gtk_widget_unparent);
  if (child != NULL)
    {
      self->child = child;
      gtk_widget_set_parent (child, GTK_WIDGET (self));
    }
}

GtkWidget *
candor_width_bin_wrap (GtkWidget *child)
{
  GtkWidget *box;
  GtkWidget *before;
  GtkWidget *bin;

  g_return_val_if_fail (GTK_IS_WIDGET (child), NULL);
  box = gtk_widget_get_parent (child);
  g_return_val_if_fail (GTK_IS_BOX (box), NULL);

  before = gtk_widget_get_prev_sibling (child);
  bin = candor_width_bin_new ();
  gtk_widget_set_hexpand (bin, gtk_widget_get_hexpand (child));
  gtk_widget_set_vexpand (bin, gtk_widget_get_vexpand (child));
  g_object_ref (child);
  gtk_box_remove (GTK_BOX (box), child);
  candor_width_bin_set_child (CANDOR_WIDTH_BIN (bin), child);
  g_object_unref (child);
  gtk_box_insert_child_after (GTK_BOX (box), bin, before);
  return bin;
}
