/* candor-info-row.c: a list row drawn as an AdwActionRow, measured cheaply.
 * See the header for why.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-info-row.h"
#include "candor-width-bin.h"

#define SHORT_TEXT_CHARS 24

struct _CandorInfoRow
{
  GtkListBoxRow parent_instance;

  /* borrowed (children of the row's header box) */
  GtkWidget *prefixes;
  GtkLabel *title;
  GtkLabel *subtitle;
  GtkWidget *suffixes;
};

G_DEFINE_FINAL_TYPE (CandorInfoRow, candor_info_row, GTK_TYPE_LIST_BOX_ROW)

static GtkLabel *
make_label (const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
  gtk_widget_add_css_class (label, css_class);
  return GTK_LABEL (label);
}

/* A wrapping label is measured again at each width GTK tries, a label on
 * one line once: short texts (a column's name, "Size") stay on one line,
 * ellipsized only where even they do not fit, longer ones wrap. */
static void
set_text (GtkLabel   *label,
          const char *text)
{
  gboolean wrap = text != NULL && g_utf8_strlen (text, -1) > SHORT_TEXT_CHARS;

  gtk_label_set_label (label, text);
  gtk_label_set_wrap (label, wrap);
  gtk_label_set_ellipsize (label, wrap ? PANGO_ELLIPSIZE_NONE : PANGO_ELLIPSIZE_END);
}

static GtkWidget *
make_end_box (const char *css_class)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);

  gtk_widget_add_css_class (box, css_class);
  gtk_widget_set_visible (box, FALSE);
  return box;
}

static void
candor_info_row_class_init (CandorInfoRowClass *klass)
{
}

static void
candor_info_row_init (CandorInfoRow *self)
{
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *title_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *bin = candor_width_bin_new ();

  /* The same nodes and classes as AdwActionRow's, so Adwaita's style
   * applies; style.css styles the title box inside the bin. */
  gtk_widget_add_css_class (header, "header");
  gtk_widget_set_valign (header, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (title_box, "title");
  gtk_widget_set_valign (title_box, GTK_ALIGN_CENTER);
  gtk_widget_set_hexpand (bin, TRUE);
  gtk_widget_set_valign (bin, GTK_ALIGN_CENTER);

  self->prefixes = make_end_box ("prefixes");
  self->title = make_label ("title");
  self->subtitle = make_label ("subtitle");
  self->suffixes = make_end_box ("suffixes");
  gtk_widget_set_visible (GTK_WIDGET (self->subtitle), FALSE);

  gtk_box_append (GTK_BOX (title_box), GTK_WIDGET (self->title));
  gtk_box_append (GTK_BOX (title_box), GTK_WIDGET (self->subtitle));
  candor_width_bin_set_child (CANDOR_WIDTH_BIN (bin), title_box);
  gtk_box_append (GTK_BOX (header), self->prefixes);
  gtk_box_append (GTK_BOX (header), bin);
  gtk_box_append (GTK_BOX (header), self->suffixes);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (self), header);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self), FALSE);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, self->title, NULL,
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, self->subtitle, NULL,
                                  -1);
}

GtkWidget *
candor_info_row_new (const char *title)
{
  CandorInfoRow *self = g_object_new (CANDOR_TYPE_INFO_ROW, NULL);

  set_text (self->title, title);
  return GTK_WIDGET (self);
}

const char *
candor_info_row_get_title (CandorInfoRow *self)
{
  g_return_val_if_fail (CANDOR_IS_INFO_ROW (self), NULL);
  return gtk_label_get_label (self->title);
}

void
candor_info_row_set_subtitle (CandorInfoRow *self,
                              const char    *subtitle)
{
  g_return_if_fail (CANDOR_IS_INFO_ROW (self));
  set_text (self->subtitle, subtitle);
  gtk_widget_set_visible (GTK_WIDGET (self->subtitle), subtitle != NULL && *subtitle != '\0');
}

void
candor_info_row_set_title_one_line (CandorInfoRow *self)
{
  g_return_if_fail (CANDOR_IS_INFO_ROW (self));
  gtk_label_set_wrap (self->title, FALSE);
  gtk_label_set_ellipsize (self->title, PANGO_ELLIPSIZE_END);
}

void
candor_info_row_add_prefix (CandorInfoRow *self,
                            GtkWidget     *widget)
{
  g_return_if_fail (CANDOR_IS_INFO_ROW (self));
  gtk_box_prepend (GTK_BOX (self->prefixes), widget);
  gtk_widget_set_visible (self->prefixes, TRUE);
}

void
candor_info_row_add_suffix (CandorInfoRow *self,
                            GtkWidget     *widget)
{
  g_return_if_fail (CANDOR_IS_INFO_ROW (self));
  gtk_box_append (GTK_BOX (self->suffixes), widget);
  gtk_widget_set_visible (self->suffixes, TRUE);
}
