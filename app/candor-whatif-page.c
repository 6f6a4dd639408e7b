/* candor-whatif-page.c: counterfactuals for the selected sample.
 *
 * The counterfactual search is the engine's; until it is wired in, the
 * page says what it will show for the current selection.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"

#include <glib/gi18n.h>

#include "candor-dataset.h"
#include "candor-sample.h"
#include "candor-session.h"
#include "candor-whatif-page.h"

struct _CandorWhatifPage
{
  AdwBin parent_instance;

  /* template widgets */
  AdwStatusPage *status_page;
  GtkWidget *locked_group;
  GtkFlowBox *locked_box;

  /* owned */
  CandorSession *session;
};

G_DEFINE_FINAL_TYPE (CandorWhatifPage, candor_whatif_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update (CandorWhatifPage *self)
{
  CandorDataset *dataset = self->session ? candor_session_get_dataset (self->session) : NULL;
  CandorSample *sample = self->session ? candor_session_get_selected_sample (self->session) : NULL;
  const char * const *locked = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->locked_box))) != NULL)
    gtk_flow_box_remove (self->locked_box, child);

  if (dataset == NULL || sample == NULL)
    {
      adw_status_page_set_title (self->status_page, _("What Would Change the Decision?"));
      adw_status_page_set_description (self->status_page,
                                       _("Pick a sample to find the smallest plausible change to it "
                                         "that flips the model’s decision."));
    }
  else if (candor_dataset_get_kind (dataset) == CANDOR_DATASET_IMAGES)
    {
      g_autofree char *title = g_strdup_printf (_("What If for %s"), candor_sample_get_name (sample));
      adw_status_page_set_title (self->status_page, title);
      adw_status_page_set_description (self->status_page,
                                       _("The smallest change to this image that flips the decision, "
                                         "and a map of where it changed, will appear here."));
    }
  else
    {
      g_autofree char *title = g_strdup_printf (_("What If for %s"), candor_sample_get_name (sample));
      adw_status_page_set_title (self->status_page, title);
      adw_status_page_set_description (self->status_page,
                                       _("Counterfactuals will appear here: this row against the smallest "
                                         "plausible changes that flip the decision, changed cells "
                                         "highlighted, with each new decision and its probability."));
      locked = candor_dataset_get_locked_columns (dataset);
    }

  for (guint i = 0; locked != NULL && locked[i] != NULL; i++)
    {
      GtkWidget *chip = gtk_label_new (locked[i]);
      gtk_widget_add_css_class (chip, "chip");
      gtk_flow_box_append (self->locked_box, chip);
    }
  gtk_widget_set_visible (self->locked_group, locked != NULL && locked[0] != NULL);
}

CandorSession *
candor_whatif_page_get_session (CandorWhatifPage *self)
{
  g_return_val_if_fail (CANDOR_IS_WHATIF_PAGE (self), NULL);
  return self->session;
}

void
candor_whatif_page_set_session (CandorWhatifPage *self,
                                CandorSession    *session)
{
  g_return_if_fail (CANDOR_IS_WHATIF_PAGE (self));
  g_return_if_fail (session == NULL || CANDOR_IS_SESSION (session));

  if (self->session == session)
    return;
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  if (session != NULL)
    {
      g_signal_connect_swapped (session, "notify::selected-sample", G_CALLBACK (update), self);
      g_signal_connect_swapped (session, "notify::dataset", G_CALLBACK (update), self);
    }
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

static void
candor_whatif_page_dispose (GObject *object)
{
  CandorWhatifPage *self = CANDOR_WHATIF_PAGE (object);

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), CANDOR_TYPE_WHATIF_PAGE);

  G_OBJECT_CLASS (candor_whatif_page_parent_class)->dispose (object);
}

static void
candor_whatif_page_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  CandorWhatifPage *self = CANDOR_WHATIF_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
candor_whatif_page_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  CandorWhatifPage *self = CANDOR_WHATIF_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      candor_whatif_page_set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
candor_whatif_page_class_init (CandorWhatifPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = candor_whatif_page_dispose;
  object_class->get_property = candor_whatif_page_get_property;
  object_class->set_property = candor_whatif_page_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, CANDOR_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/candor/Candor/ui/candor-whatif-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CandorWhatifPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, CandorWhatifPage, locked_group);
  gtk_widget_class_bind_template_child (widget_class, CandorWhatifPage, locked_box);
}

static void
candor_whatif_page_init (CandorWhatifPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
candor_whatif_page_add_state (CandorWhatifPage *self,
                            JsonBuilder *b)
{
  g_return_if_fail (CANDOR_IS_WHATIF_PAGE (self));

  /* Nothing computed on this page yet. */
  json_builder_set_member_name (b, "ready");
  json_builder_add_boolean_value (b, FALSE);
}
