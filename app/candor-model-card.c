/* candor-model-card.c: what a model is, at a glance.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"

#include <glib/gi18n.h>

#include "candor-info-row.h"
#include "candor-model-card.h"
#include "candor-model.h"
#include "candor-tooltip.h"
#include "candor-width-bin.h"

struct _CandorModelCard
{
  AdwBin parent_instance;

  /* template widgets */
  GtkStack *stack;
  GtkLabel *name_label;
  GtkLabel *producer_label;
  GtkWidget *unsupported_banner;
  GtkLabel *unsupported_label;
  GtkListBox *file_list;
  GtkListBox *inputs_list;
  GtkListBox *outputs_list;
  GtkWidget *classes_group;
  GtkFlowBox *classes_box;
  GtkListBox *graph_list;
  GtkFlowBox *ops_box;
  GtkWidget *metadata_group;
  GtkListBox *metadata_list;

  /* owned */
  CandorModel *model;
};

G_DEFINE_FINAL_TYPE (CandorModelCard, candor_model_card, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_MODEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
remove_children (GtkWidget *container)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (container)) != NULL)
    {
      if (GTK_IS_LIST_BOX (container))
        gtk_list_box_remove (GTK_LIST_BOX (container), child);
      else
        gtk_flow_box_remove (GTK_FLOW_BOX (container), child);
    }
}

/* A row with a title and, on the right, a value. */
static GtkWidget *
add_value_row (GtkListBox *list,
               const char *title,
               const char *value)
{
  GtkWidget *row = candor_info_row_new (title);
  GtkWidget *label = gtk_label_new (value);

  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "numeric");
  candor_info_row_add_suffix (CANDOR_INFO_ROW (row), label);
  gtk_list_box_append (list, row);
  return row;
}

/* A row with a title and the value under it, for long values. */
static GtkWidget *
add_subtitle_row (GtkListBox *list,
                  const char *title,
                  const char *subtitle)
{
  GtkWidget *row = candor_info_row_new (title);

  candor_info_row_set_subtitle (CANDOR_INFO_ROW (row), subtitle);
  gtk_list_box_append (list, row);
  return row;
}

static void
add_chip (GtkFlowBox *box,
          const char *text,
          gint64      count)
{
  GtkWidget *label = gtk_label_new (NULL);
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  g_autofree char *markup = NULL;

  if (count > 0)
    markup = g_strdup_printf ("%s <span alpha=\"60%%\">%" G_GINT64_FORMAT "</span>", escaped, count);
  else
    markup = g_strdup (escaped);
  gtk_label_set_markup (GTK_LABEL (label), markup);
  gtk_widget_add_css_class (label, "chip");
  gtk_flow_box_append (box, label);
}

/* 1234567 → "1,234,567" in the user's locale. */
static char *
format_count (gint64 n)
{
  return g_strdup_printf ("%'" G_GINT64_FORMAT, n);
}

/* [1, 1, 28, 28] → "1 × 1 × 28 × 28"; symbolic dimensions keep their names. */
static char *
format_shape (JsonNode *shape)
{
  g_autoptr(GString) text = g_string_new (NULL);
  JsonArray *dims;

  if (shape == NULL || JSON_NODE_HOLDS_NULL (shape) || !JSON_NODE_HOLDS_ARRAY (shape))
    return g_strdup (_("shape not declared"));
  dims = json_node_get_array (shape);
  if (json_array_get_length (dims) == 0)
    return g_strdup (_("scalar"));
  for (guint i = 0; i < json_array_get_length (dims); i++)
    {
      JsonNode *dim = json_array_get_element (dims, i);
      if (i > 0)
        g_string_append (text, " × ");
      if (JSON_NODE_HOLDS_VALUE (dim) && json_node_get_value_type (dim) == G_TYPE_STRING)
        g_string_append (text, json_node_get_string (dim));
      else if (JSON_NODE_HOLDS_VALUE (dim))
        g_string_append_printf (text, "%" G_GINT64_FORMAT, json_node_get_int (dim));
      else
        g_string_append (text, "?");
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
fill_values (GtkListBox *list,
             JsonArray  *values)
{
  remove_children (GTK_WIDGET (list));
  for (guint i = 0; values != NULL && i < json_array_get_length (values); i++)
    {
      JsonObject *value = json_array_get_object_element (values, i);
      g_autofree char *shape = format_shape (json_object_get_member (value, "shape"));
      const char *type = json_object_get_string_member_with_default (value, "type", "undefined");
      g_autofree char *subtitle = g_strdup_printf ("%s · %s",
                                                   g_str_equal (type, "undefined") ? _("type not declared") : type,
                                                   shape);
      add_subtitle_row (list, json_object_get_string_member_with_default (value, "name", ""), subtitle);
    }
}

typedef struct
{
  const char *name;
  gint64 count;
} OpCount;

static int
compare_op_counts (gconstpointer a,
                   gconstpointer b)
{
  const OpCount *x = a, *y = b;
  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  return g_strcmp0 (x->name, y->name);
}

static void
fill_card (CandorModelCard *self)
{
  JsonObject *info = candor_model_get_info (self->model);
  const char * const *unsupported = candor_model_get_unsupported_ops (self->model);
  const char * const *classes = candor_model_get_classes (self->model);
  const char *producer = json_object_get_string_member_with_default (info, "producer_name", "");
  const char *producer_version = json_object_get_string_member_with_default (info, "producer_version", "");
  const char *sha256 = candor_model_get_sha256 (self->model);
  const char *graph_name = json_object_get_string_member_with_default (info, "graph_name", "");
  JsonObject *histogram = json_object_get_object_member (info, "op_histogram");
  JsonObject *metadata = json_object_get_object_member (info, "metadata");
  JsonArray *opsets = json_object_get_array_member (info, "opset_import");
  g_autoptr(GString) opset_text = g_string_new (NULL);
  g_autofree char *producer_text = NULL;
  g_autofree char *sha_short = NULL;
  g_autofree char *size = NULL;
  g_autofree char *format = NULL;
  g_autofree char *ir = NULL;
  g_autofree char *params = NULL;
  g_autofree char *nodes = NULL;
  g_autofree char *initializers = NULL;
  GtkWidget *row, *copy;
  guint n_metadata = 0;

  gtk_label_set_label (self->name_label, candor_model_get_name (self->model));
  if (*producer != '\0')
    producer_text = g_strdup_printf (_("Made with %s %s"), producer, producer_version);
  else
    producer_text = g_strdup (_("Producer not recorded"));
  gtk_label_set_label (self->producer_label, g_strstrip (producer_text));

  /* What cannot run, first: it changes what the rest of the app can do. */
  gtk_widget_set_visible (self->unsupported_banner, unsupported != NULL && unsupported[0] != NULL);
  if (unsupported != NULL && unsupported[0] != NULL)
    {
      g_autofree char *list = g_strjoinv (", ", (char **) unsupported);
      g_autofree char *text = g_strdup_printf (_("This model uses operators Candor cannot run yet: %s. "
                                                 "Its card is shown, but it cannot be explained."), list);
      gtk_label_set_label (self->unsupported_label, text);
    }

  /* File */
  remove_children (GTK_WIDGET (self->file_list));
  sha_short = g_strndup (sha256, 16);
  row = add_value_row (self->file_list, _("SHA-256"), sha_short);
  candor_set_tooltip_text (row, sha256);
  copy = gtk_button_new_from_icon_name ("edit-copy-symbolic");
  gtk_widget_set_valign (copy, GTK_ALIGN_CENTER);
  candor_set_tooltip_text (copy, _("Copy the Full SHA-256"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (copy), "win.copy-sha256");
  gtk_widget_add_css_class (copy, "flat");
  candor_info_row_add_suffix (CANDOR_INFO_ROW (row), copy);
  size = g_format_size (json_object_get_int_member_with_default (info, "size_bytes", 0));
  add_value_row (self->file_list, _("Size"), size);
  for (guint i = 0; opsets != NULL && i < json_array_get_length (opsets); i++)
    {
      JsonObject *opset = json_array_get_object_element (opsets, i);
      const char *domain = json_object_get_string_member_with_default (opset, "domain", "");
      if (opset_text->len > 0)
        g_string_append (opset_text, ", ");
      g_string_append_printf (opset_text, "%s%s%" G_GINT64_FORMAT,
                              domain, *domain ? " " : "",
                              json_object_get_int_member_with_default (opset, "version", 0));
    }
  ir = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member_with_default (info, "ir_version", 0));
  /* Translators: ONNX IR version, then the opset versions */
  format = g_strdup_printf (_("IR %s · opset %s"), ir, opset_text->str);
  add_value_row (self->file_list, _("Format"), format);

  /* Inputs and outputs */
  fill_values (self->inputs_list, json_object_get_array_member (info, "inputs"));
  fill_values (self->outputs_list, json_object_get_array_member (info, "outputs"));

  /* Classes */
  remove_children (GTK_WIDGET (self->classes_box));
  gtk_widget_set_visible (self->classes_group, classes != NULL && classes[0] != NULL);
  for (guint i = 0; classes != NULL && classes[i] != NULL; i++)
    add_chip (self->classes_box, classes[i], 0);

  /* Graph */
  remove_children (GTK_WIDGET (self->graph_list));
  if (*graph_name != '\0')
    add_value_row (self->graph_list, _("Name"), graph_name);
  params = format_count (json_object_get_int_member_with_default (info, "parameter_count", 0));
  add_value_row (self->graph_list, _("Parameters"), params);
  nodes = format_count (json_object_get_int_member_with_default (info, "node_count", 0));
  add_value_row (self->graph_list, _("Nodes"), nodes);
  initializers = format_count (json_object_get_int_member_with_default (info, "initializer_count", 0));
  add_value_row (self->graph_list, _("Weight Tensors"), initializers);

  /* Operators, most used first */
  remove_children (GTK_WIDGET (self->ops_box));
  if (histogram != NULL)
    {
      g_autoptr(GList) names = json_object_get_members (histogram);
      g_autoptr(GArray) counts = g_array_new (FALSE, FALSE, sizeof (OpCount));
      for (GList *l = names; l != NULL; l = l->next)
        {
          OpCount c = { l->data, json_object_get_int_member (histogram, l->data) };
          g_array_append_val (counts, c);
        }
      g_array_sort (counts, compare_op_counts);
      for (guint i = 0; i < counts->len; i++)
        {
          OpCount *c = &g_array_index (counts, OpCount, i);
          add_chip (self->ops_box, c->name, c->count);
        }
    }

  /* Metadata, except what is shown above */
  remove_children (GTK_WIDGET (self->metadata_list));
  if (metadata != NULL)
    {
      g_autoptr(GList) keys = json_object_get_members (metadata);
      keys = g_list_sort (keys, (GCompareFunc) g_strcmp0);
      for (GList *l = keys; l != NULL; l = l->next)
        {
          if (g_strcmp0 (l->data, "classes") == 0)
            continue;
          add_subtitle_row (self->metadata_list, l->data,
                            json_object_get_string_member_with_default (metadata, l->data, ""));
          n_metadata++;
        }
    }
  gtk_widget_set_visible (self->metadata_group, n_metadata > 0);
}

CandorModel *
candor_model_card_get_model (CandorModelCard *self)
{
  g_return_val_if_fail (CANDOR_IS_MODEL_CARD (self), NULL);
  return self->model;
}

void
candor_model_card_set_model (CandorModelCard *self,
                             CandorModel     *model)
{
  g_return_if_fail (CANDOR_IS_MODEL_CARD (self));
  g_return_if_fail (model == NULL || CANDOR_IS_MODEL (model));

  if (!g_set_object (&self->model, model))
    return;
  if (model != NULL)
    fill_card (self);
  gtk_stack_set_visible_child_name (self->stack, model ? "card" : "empty");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

static void
candor_model_card_dispose (GObject *object)
{
  CandorModelCard *self = CANDOR_MODEL_CARD (object);

  g_clear_object (&self->model);
  gtk_widget_dispose_template (GTK_WIDGET (self), CANDOR_TYPE_MODEL_CARD);

  G_OBJECT_CLASS (candor_model_card_parent_class)->dispose (object);
}

static void
candor_model_card_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CandorModelCard *self = CANDOR_MODEL_CARD (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
candor_model_card_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  CandorModelCard *self = CANDOR_MODEL_CARD (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      candor_model_card_set_model (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
candor_model_card_class_init (CandorModelCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = candor_model_card_dispose;
  object_class->get_property = candor_model_card_get_property;
  object_class->set_property = candor_model_card_set_property;

  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL, CANDOR_TYPE_MODEL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/candor/Candor/ui/candor-model-card.ui");
  gtk_widget_class_bind_template_child (widget_class, CandorModelCard, stack);
  gtk_widget_class_bind_template_child (widget_class, CandorModelCard, name_label);
  gtk_widget_class_bind_template_child (widget_class, CandorModelCard, producer_label);
  gtk_widget_class_bind_template_child (widget_class, CandorModelCard, unsupported_banner);
  gtk_widget_class_bind_template_child (widget_class, CandorModelCard, unsupported_label);
  gtk_widget_class_bind_template_child (widget_class, CandorModelCard, file_list);
  gtk_widget_class_bind_template_child (widget_class, CandorModelCard, inputs_list);
  gtk_widget_class_bind_template_child (widget_class, CandorModelCard, outputs_list);
  gtk_widget_class_bind_template_child (widget_class, CandorModelCard, classes_group);
  gtk_widget_class_bind_template_child (widget_class, CandorModelCard, classes_box);
  gtk_widget_class_bind_template_child (widget_class, CandorModelCard, graph_list);
  gtk_widget_class_bind_template_child (widget_class, CandorModelCard, ops_box);
  gtk_widget_class_bind_template_child (widget_class, CandorModelCard, metadata_group);
  gtk_widget_class_bind_template_child (widget_class, CandorModelCard, metadata_list);

  gtk_widget_class_set_css_name (widget_class, "modelcard");
}

static void
candor_model_card_init (CandorModelCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* The name and producer wrap beside the badge: their width, asked at
   * each height the row is tried at, is their width (widgets/candor-width-bin.h). */
  candor_width_bin_wrap (gtk_widget_get_parent (GTK_WIDGET (self->name_label)));
}
