/* candor-split-page.c: explanation and subgroup breakdown side by side.
 *
 * Both halves are the full pages, bound to the same session, so whatever
 * the Explain and Fairness views learn to show appears here too.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"

#include "candor-explain-page.h"
#include "candor-fairness-page.h"
#include "candor-session.h"
#include "candor-split-page.h"

struct _CandorSplitPage
{
  AdwBin parent_instance;

  /* template widgets */
  GtkPaned *paned;
  CandorExplainPage *explain_page;
  CandorFairnessPage *fairness_page;

  /* owned */
  CandorSession *session;

  gboolean positioned;
};

G_DEFINE_FINAL_TYPE (CandorSplitPage, candor_split_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

CandorSession *
candor_split_page_get_session (CandorSplitPage *self)
{
  g_return_val_if_fail (CANDOR_IS_SPLIT_PAGE (self), NULL);
  return self->session;
}

void
candor_split_page_set_session (CandorSplitPage *self,
                               CandorSession   *session)
{
  g_return_if_fail (CANDOR_IS_SPLIT_PAGE (self));
  g_return_if_fail (session == NULL || CANDOR_IS_SESSION (session));

  if (!g_set_object (&self->session, session))
    return;
  candor_explain_page_set_session (self->explain_page, session);
  candor_fairness_page_set_session (self->fairness_page, session);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

CandorFairnessPage *
candor_split_page_get_fairness_page (CandorSplitPage *self)
{
  g_return_val_if_fail (CANDOR_IS_SPLIT_PAGE (self), NULL);
  return self->fairness_page;
}

/* Halve the space the first time there is space to halve. */
static void
candor_split_page_size_allocate (GtkWidget *widget,
                                 int        width,
                                 int        height,
                                 int        baseline)
{
  CandorSplitPage *self = CANDOR_SPLIT_PAGE (widget);

  if (!self->positioned && width > 0)
    {
      gtk_paned_set_position (self->paned, width / 2);
      self->positioned = TRUE;
    }
  GTK_WIDGET_CLASS (candor_split_page_parent_class)->size_allocate (widget, width, height, baseline);
}

static void
candor_split_page_dispose (GObject *object)
{
  CandorSplitPage *self = CANDOR_SPLIT_PAGE (object);

  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), CANDOR_TYPE_SPLIT_PAGE);

  G_OBJECT_CLASS (candor_split_page_parent_class)->dispose (object);
}

static void
candor_split_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CandorSplitPage *self = CANDOR_SPLIT_PAGE (object);

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
candor_split_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  CandorSplitPage *self = CANDOR_SPLIT_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      candor_split_page_set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
candor_split_page_class_init (CandorSplitPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = candor_split_page_dispose;
  object_class->get_property = candor_split_page_get_property;
  object_class->set_property = candor_split_page_set_property;

  widget_class->size_allocate = candor_split_page_size_allocate;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, CANDOR_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CANDOR_TYPE_EXPLAIN_PAGE);
  g_type_ensure (CANDOR_TYPE_FAIRNESS_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/candor/Candor/ui/candor-split-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CandorSplitPage, paned);
  gtk_widget_class_bind_template_child (widget_class, CandorSplitPage, explain_page);
  gtk_widget_class_bind_template_child (widget_class, CandorSplitPage, fairness_page);
}

static void
candor_split_page_init (CandorSplitPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
