/* candor-fairness-page.c: how outcomes differ between groups.
 *
 * The metrics with their intervals are the engine's; until they are wired
 * in, the page shows the groups the data holds (counted here: plain
 * counts, no model involved) and where the metrics will go.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"

#include <glib/gi18n.h>

#include "candor-dataset.h"
#include "candor-fairness-page.h"
#include "candor-sample.h"
#include "candor-session.h"

/* Columns with more distinct values than this are not groups. */
#define MAX_GROUPS 24

struct _CandorFairnessPage
{
  AdwBin parent_instance;

  /* template widgets */
  GtkStack *stack;
  AdwStatusPage *status_page;
  GtkWidget *demo_button;
  GtkLabel *groups_subtitle;
  GtkBox *columns_box;

  /* owned */
  CandorSession *session;
};

G_DEFINE_FINAL_TYPE (CandorFairnessPage, candor_fairness_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  const char *value;
  guint count;
} Group;

static int
compare_groups (gconstpointer a,
                gconstpointer b)
{
  const Group *x = a, *y = b;
  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  return g_strcmp0 (x->value, y->value);
}

static GtkWidget *
build_column_group (CandorDataset *dataset,
                    const char    *column)
{
  GListModel *samples = candor_dataset_get_samples (dataset);
  guint n = g_list_model_get_n_items (samples);
  int index = candor_dataset_find_column (dataset, column);
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) groups = g_array_new (FALSE, FALSE, sizeof (Group));
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *list = gtk_list_box_new ();
  GHashTableIter iter;
  gpointer key, value;

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), column);
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), list);

  /* The samples (and so the strings) outlive this function's tables. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CandorSample) sample = g_list_model_get_item (samples, i);
      const char *v = candor_sample_get_values (sample)[index];
      g_hash_table_insert (counts, (gpointer) v,
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, v)) + 1));
    }
  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Group g = { key, GPOINTER_TO_UINT (value) };
      g_array_append_val (groups, g);
    }
  g_array_sort (groups, compare_groups);

  if (groups->len > MAX_GROUPS)
    {
      g_autofree char *text = g_strdup_printf (_("%u different values: too many to compare as groups"),
                                               groups->len);
      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), text);
      gtk_widget_set_visible (list, FALSE);
      return group;
    }

  for (guint i = 0; i < groups->len; i++)
    {
      Group *g = &g_array_index (groups, Group, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *bar = gtk_level_bar_new_for_interval (0.0, 1.0);
      GtkWidget *count = gtk_label_new (NULL);
      double share = n ? (double) g->count / n : 0.0;
      g_autofree char *escaped = g_markup_escape_text (*g->value ? g->value : _("(empty)"), -1);
      /* Translators: rows in a group, then their share of all rows */
      g_autofree char *text = g_strdup_printf (_("%'u rows · %.1f %%"), g->count, 100.0 * share);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), escaped);
      gtk_level_bar_set_value (GTK_LEVEL_BAR (bar), share);
      gtk_widget_set_size_request (bar, 120, -1);
      gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
      gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_LOW);
      gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_HIGH);
      gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_FULL);
      gtk_label_set_label (GTK_LABEL (count), text);
      gtk_label_set_width_chars (GTK_LABEL (count), 16);
      gtk_label_set_xalign (GTK_LABEL (count), 1.0f);
      gtk_widget_add_css_class (count, "dim-label");
      gtk_widget_add_css_class (count, "numeric");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), count);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), bar);
      gtk_list_box_append (GTK_LIST_BOX (list), row);
    }
  return group;
}

static void
show_status (CandorFairnessPage *self,
             const char         *description,
             gboolean            offer_demo)
{
  adw_status_page_set_description (self->status_page, description);
  gtk_widget_set_visible (self->demo_button, offer_demo);
  gtk_stack_set_visible_child_name (self->stack, "status");
}

static void
update (CandorFairnessPage *self)
{
  CandorDataset *dataset = self->session ? candor_session_get_dataset (self->session) : NULL;
  const char * const *sensitive;
  GtkWidget *child;
  g_autofree char *subtitle = NULL;
  guint n;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->columns_box))) != NULL)
    gtk_box_remove (self->columns_box, child);

  if (dataset == NULL || candor_dataset_get_kind (dataset) != CANDOR_DATASET_TABLE)
    {
      show_status (self, _("Fairness is measured on tables whose schema names sensitive columns, "
                           "such as sex or age group. The mortgage demo has one."), TRUE);
      return;
    }
  if (candor_dataset_get_schema_file (dataset) == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("There is no schema next to %s. Add a schema file "
                                                 "that lists the sensitive columns to compare groups."),
                                               candor_dataset_get_name (dataset));
      show_status (self, text, FALSE);
      return;
    }
  sensitive = candor_dataset_get_sensitive_columns (dataset);
  if (sensitive == NULL || sensitive[0] == NULL)
    {
      g_autofree char *schema = g_file_get_basename (candor_dataset_get_schema_file (dataset));
      g_autofree char *text = g_strdup_printf (_("%s names no sensitive columns, so there are no "
                                                 "groups to compare."), schema);
      show_status (self, text, FALSE);
      return;
    }

  n = g_list_model_get_n_items (candor_dataset_get_samples (dataset));
  subtitle = g_strdup_printf (ngettext ("How the %'u row of %s divides by each sensitive column.",
                                        "How the %'u rows of %s divide by each sensitive column.", n),
                              n, candor_dataset_get_name (dataset));
  gtk_label_set_label (self->groups_subtitle, subtitle);
  for (guint i = 0; sensitive[i] != NULL; i++)
    gtk_box_append (self->columns_box, build_column_group (dataset, sensitive[i]));
  gtk_stack_set_visible_child_name (self->stack, "groups");
}

CandorSession *
candor_fairness_page_get_session (CandorFairnessPage *self)
{
  g_return_val_if_fail (CANDOR_IS_FAIRNESS_PAGE (self), NULL);
  return self->session;
}

void
candor_fairness_page_set_session (CandorFairnessPage *self,
                                  CandorSession      *session)
{
  g_return_if_fail (CANDOR_IS_FAIRNESS_PAGE (self));
  g_return_if_fail (session == NULL || CANDOR_IS_SESSION (session));

  if (self->session == session)
    return;
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  if (session != NULL)
    g_signal_connect_swapped (session, "notify::dataset", G_CALLBACK (update), self);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

static void
candor_fairness_page_dispose (GObject *object)
{
  CandorFairnessPage *self = CANDOR_FAIRNESS_PAGE (object);

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), CANDOR_TYPE_FAIRNESS_PAGE);

  G_OBJECT_CLASS (candor_fairness_page_parent_class)->dispose (object);
}

static void
candor_fairness_page_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  CandorFairnessPage *self = CANDOR_FAIRNESS_PAGE (object);

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
candor_fairness_page_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  CandorFairnessPage *self = CANDOR_FAIRNESS_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      candor_fairness_page_set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
candor_fairness_page_class_init (CandorFairnessPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = candor_fairness_page_dispose;
  object_class->get_property = candor_fairness_page_get_property;
  object_class->set_property = candor_fairness_page_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, CANDOR_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/candor/Candor/ui/candor-fairness-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CandorFairnessPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CandorFairnessPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, CandorFairnessPage, demo_button);
  gtk_widget_class_bind_template_child (widget_class, CandorFairnessPage, groups_subtitle);
  gtk_widget_class_bind_template_child (widget_class, CandorFairnessPage, columns_box);
}

static void
candor_fairness_page_init (CandorFairnessPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
candor_fairness_page_add_state (CandorFairnessPage *self,
                            JsonBuilder *b)
{
  g_return_if_fail (CANDOR_IS_FAIRNESS_PAGE (self));

  /* Nothing computed on this page yet. */
  json_builder_set_member_name (b, "ready");
  json_builder_add_boolean_value (b, FALSE);
}
