/* candor-explain-page.c: the selected sample and its explanations.
 *
 * The attribution maps come from the engine's methods; until they are
 * wired in, the page shows the input itself and says where they will go.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"

#include <glib/gi18n.h>

#include "candor-dataset.h"
#include "candor-explain-page.h"
#include "candor-model.h"
#include "candor-pixel-view.h"
#include "candor-wrap-box.h"
#include "candor-sample.h"
#include "candor-session.h"

struct _CandorExplainPage
{
  AdwBin parent_instance;

  /* template widgets */
  GtkStack *stack;
  GtkLabel *title_label;
  GtkLabel *subtitle_label;
  GtkStack *input_stack;
  CandorPixelView *input_view;
  GtkListBox *details_list;
  GtkListBox *values_list;
  GtkLabel *placeholder_title;
  GtkLabel *placeholder_text;

  /* owned */
  CandorSession *session;
};

G_DEFINE_FINAL_TYPE (CandorExplainPage, candor_explain_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static GtkWidget *
add_row (GtkListBox *list,
         const char *title,
         const char *value)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label = gtk_label_new (value);
  g_autofree char *escaped = g_markup_escape_text (title, -1);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), escaped);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 28);
  gtk_label_set_xalign (GTK_LABEL (label), 1.0f);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (label, "dim-label");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  gtk_list_box_append (list, row);
  return row;
}

static void
add_tag (GtkWidget  *row,
         const char *text,
         const char *tooltip,
         const char *css_class)
{
  GtkWidget *tag = gtk_label_new (text);

  gtk_widget_set_valign (tag, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (tag, tooltip);
  gtk_widget_add_css_class (tag, "tag");
  if (css_class != NULL)
    gtk_widget_add_css_class (tag, css_class);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), tag);
}

static gboolean
strv_contains (const char * const *strv,
               const char         *text)
{
  return strv != NULL && g_strv_contains (strv, text);
}

/* "1 × 1 × 28 × 28" for the model's first input, or NULL. */
static char *
model_input_shape (CandorModel *model)
{
  JsonObject *info = model ? candor_model_get_info (model) : NULL;
  JsonArray *inputs = info ? json_object_get_array_member (info, "inputs") : NULL;
  JsonNode *shape;
  g_autoptr(GString) text = g_string_new (NULL);

  if (inputs == NULL || json_array_get_length (inputs) == 0)
    return NULL;
  shape = json_object_get_member (json_array_get_object_element (inputs, 0), "shape");
  if (shape == NULL || !JSON_NODE_HOLDS_ARRAY (shape))
    return NULL;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (shape)); i++)
    {
      JsonNode *dim = json_array_get_element (json_node_get_array (shape), i);
      if (i > 0)
        g_string_append (text, " × ");
      if (json_node_get_value_type (dim) == G_TYPE_STRING)
        g_string_append (text, json_node_get_string (dim));
      else if (JSON_NODE_HOLDS_VALUE (dim))
        g_string_append_printf (text, "%" G_GINT64_FORMAT, json_node_get_int (dim));
      else
        g_string_append (text, "?");
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Says so when the model cannot be run; TRUE if it did. */
static gboolean
show_unsupported (CandorExplainPage *self,
                  CandorModel       *model)
{
  const char * const *ops = model ? candor_model_get_unsupported_ops (model) : NULL;

  if (model == NULL)
    {
      gtk_label_set_label (self->placeholder_title, _("No model to explain"));
      gtk_label_set_label (self->placeholder_text, _("Open an ONNX model to explain its decisions about this sample."));
      return TRUE;
    }
  if (ops == NULL || ops[0] == NULL)
    return FALSE;
  gtk_label_set_label (self->placeholder_title, _("This model cannot be explained yet"));
  gtk_label_set_label (self->placeholder_text,
                       _("It uses operators Candor cannot run; the model card lists them."));
  return TRUE;
}

static void
show_image (CandorExplainPage *self,
            CandorSample      *sample)
{
  CandorDataset *dataset = candor_session_get_dataset (self->session);
  CandorModel *model = candor_session_get_model (self->session);
  GdkTexture *texture = candor_sample_get_texture (sample);
  const char *label = candor_sample_get_label (sample);
  g_autofree char *subtitle = NULL;
  g_autofree char *size = NULL;
  g_autofree char *shape = model_input_shape (model);
  g_autofree char *alt = NULL;

  gtk_stack_set_visible_child_name (self->input_stack, "image");
  candor_pixel_view_set_texture (self->input_view, texture);
  alt = label ? g_strdup_printf (_("Input image %s, labelled %s"), candor_sample_get_name (sample), label)
              : g_strdup_printf (_("Input image %s"), candor_sample_get_name (sample));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->input_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, alt, -1);

  if (label != NULL)
    /* Translators: image number, folder name, true class */
    subtitle = g_strdup_printf (_("Image %u of %s · labelled “%s”"), candor_sample_get_index (sample) + 1,
                                candor_dataset_get_name (dataset), label);
  else
    subtitle = g_strdup_printf (_("Image %u of %s · no label"), candor_sample_get_index (sample) + 1,
                                candor_dataset_get_name (dataset));
  gtk_label_set_label (self->subtitle_label, subtitle);

  clear_list (self->details_list);
  add_row (self->details_list, _("File"), candor_sample_get_name (sample));
  add_row (self->details_list, _("True Label"), label ? label : _("Not given"));
  /* Translators: image width × height */
  size = g_strdup_printf (_("%d × %d pixels"), gdk_texture_get_width (texture), gdk_texture_get_height (texture));
  add_row (self->details_list, _("Size"), size);
  if (shape != NULL)
    add_row (self->details_list, _("Model Input"), shape);

  if (!show_unsupported (self, model))
    {
      gtk_label_set_label (self->placeholder_title, _("Attribution maps appear here"));
      gtk_label_set_label (self->placeholder_text,
                           _("Saliency, gradient × input, SmoothGrad, integrated gradients, occlusion "
                             "and Grad-CAM for this image, side by side on one shared colour scale."));
    }
}

static void
show_row (CandorExplainPage *self,
          CandorSample      *sample)
{
  CandorDataset *dataset = candor_session_get_dataset (self->session);
  const char * const *columns = candor_dataset_get_columns (dataset);
  const char * const *values = candor_sample_get_values (sample);
  const char * const *sensitive = candor_dataset_get_sensitive_columns (dataset);
  const char * const *locked = candor_dataset_get_locked_columns (dataset);
  const char *label_column = candor_dataset_get_label_column (dataset);
  const char *label = candor_sample_get_label (sample);
  g_autofree char *subtitle = NULL;

  gtk_stack_set_visible_child_name (self->input_stack, "row");
  if (label != NULL)
    /* Translators: file name, label column, its value */
    subtitle = g_strdup_printf (_("From %s · %s is “%s”"), candor_dataset_get_name (dataset),
                                label_column, label);
  else
    subtitle = g_strdup_printf (_("From %s"), candor_dataset_get_name (dataset));
  gtk_label_set_label (self->subtitle_label, subtitle);

  clear_list (self->values_list);
  for (guint c = 0; columns[c] != NULL; c++)
    {
      GtkWidget *row = add_row (self->values_list, columns[c], values[c]);

      if (g_strcmp0 (columns[c], label_column) == 0)
        add_tag (row, _("label"), _("The outcome the model is judged against"), "accent");
      if (strv_contains (sensitive, columns[c]))
        add_tag (row, _("sensitive"), _("Fairness is measured across this column’s groups"), "warning");
      if (strv_contains (locked, columns[c]))
        {
          GtkWidget *lock = gtk_image_new_from_icon_name ("changes-prevent-symbolic");
          gtk_widget_set_tooltip_text (lock, _("Locked: counterfactuals never change this column"));
          gtk_widget_add_css_class (lock, "dim-label");
          adw_action_row_add_prefix (ADW_ACTION_ROW (row), lock);
        }
    }

  if (!show_unsupported (self, candor_session_get_model (self->session)))
    {
      gtk_label_set_label (self->placeholder_title, _("Attribution bars appear here"));
      gtk_label_set_label (self->placeholder_text,
                           _("One signed bar per column, largest first: how much each value "
                             "pushed this row’s decision up or down."));
    }
}

static void
update (CandorExplainPage *self)
{
  CandorSample *sample = self->session ? candor_session_get_selected_sample (self->session) : NULL;

  if (sample == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      candor_pixel_view_set_texture (self->input_view, NULL);
      return;
    }
  gtk_label_set_label (self->title_label, candor_sample_get_name (sample));
  if (candor_sample_get_texture (sample) != NULL)
    show_image (self, sample);
  else
    show_row (self, sample);
  gtk_stack_set_visible_child_name (self->stack, "sample");
}

CandorSession *
candor_explain_page_get_session (CandorExplainPage *self)
{
  g_return_val_if_fail (CANDOR_IS_EXPLAIN_PAGE (self), NULL);
  return self->session;
}

void
candor_explain_page_set_session (CandorExplainPage *self,
                                 CandorSession     *session)
{
  g_return_if_fail (CANDOR_IS_EXPLAIN_PAGE (self));
  g_return_if_fail (session == NULL || CANDOR_IS_SESSION (session));

  if (self->session == session)
    return;
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  if (session != NULL)
    {
      g_signal_connect_swapped (session, "notify::selected-sample", G_CALLBACK (update), self);
      g_signal_connect_swapped (session, "notify::model", G_CALLBACK (update), self);
    }
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

static void
candor_explain_page_dispose (GObject *object)
{
  CandorExplainPage *self = CANDOR_EXPLAIN_PAGE (object);

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), CANDOR_TYPE_EXPLAIN_PAGE);

  G_OBJECT_CLASS (candor_explain_page_parent_class)->dispose (object);
}

static void
candor_explain_page_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  CandorExplainPage *self = CANDOR_EXPLAIN_PAGE (object);

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
candor_explain_page_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  CandorExplainPage *self = CANDOR_EXPLAIN_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      candor_explain_page_set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
candor_explain_page_class_init (CandorExplainPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = candor_explain_page_dispose;
  object_class->get_property = candor_explain_page_get_property;
  object_class->set_property = candor_explain_page_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, CANDOR_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CANDOR_TYPE_PIXEL_VIEW);
  g_type_ensure (CANDOR_TYPE_WRAP_BOX);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/candor/Candor/ui/candor-explain-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, input_stack);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, input_view);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, details_list);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, values_list);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, placeholder_title);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, placeholder_text);
}

static void
candor_explain_page_init (CandorExplainPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
