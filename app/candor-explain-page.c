/* candor-explain-page.c: the selected sample and its explanations.
 *
 * For an image, a background job (candor-explain-job.c) predicts and runs
 * the six attribution maps; the page shows the top classes, the maps on
 * one colour scale and integrated gradients' completeness check. For a
 * table row, the job runs the method the user picks and the page shows
 * one signed bar per raw column, largest first. A new selection or a
 * changed control cancels the job that is running.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>

#include "candor-bar-chart.h"
#include "candor-color-bar.h"
#include "candor-dataset.h"
#include "candor-explain-export.h"
#include "candor-explain-job.h"
#include "candor-explain-page.h"
#include "candor-info-row.h"
#include "candor-model.h"
#include "candor-pixel-view.h"
#include "candor-wrap-box.h"
#include "candor-sample.h"
#include "candor-session.h"
#include "session-file.h"
#include "candor-tooltip.h"

/* Above this relative error integrated gradients are flagged (DESIGN.md). */
#define COMPLETENESS_TOLERANCE 0.05

struct _CandorExplainPage
{
  AdwBin parent_instance;

  /* template widgets */
  GtkStack *stack;
  GtkLabel *title_label;
  GtkLabel *subtitle_label;
  GtkStack *input_stack;
  CandorPixelView *input_view;
  GtkListBox *prediction_list;
  GtkListBox *row_prediction_list;
  GtkListBox *details_list;
  GtkWidget *details_box;
  GtkWidget *values_box;
  GtkListBox *values_list;
  GtkStack *attr_stack;
  GtkLabel *placeholder_title;
  GtkLabel *placeholder_text;
  GtkWidget *controls_box;
  GtkWidget *settings_button;
  GtkWidget *method_control;
  GtkDropDown *method_dropdown;
  GtkWidget *target_control;
  GtkDropDown *target_dropdown;
  GtkStringList *target_names;
  GtkWidget *image_baseline_control;
  GtkDropDown *image_baseline_dropdown;
  GtkWidget *table_baseline_control;
  GtkDropDown *table_baseline_dropdown;
  GtkWidget *steps_control;
  GtkSpinButton *steps_spin;
  GtkWidget *rule_control;
  GtkDropDown *rule_dropdown;
  GtkWidget *sign_control;
  GtkDropDown *sign_dropdown;
  GtkWidget *outlier_control;
  GtkSpinButton *outlier_spin;
  GtkWidget *opacity_control;
  GtkScale *opacity_scale;
  GtkFlowBox *maps_grid;       /* three maps a row, two when the page is narrow */
  CandorColorBar *color_bar;
  GtkLabel *hover_label;
  GtkLabel *bars_caption;
  CandorBarChart *bar_chart;
  GtkLabel *completeness_label;
  GtkListBox *findings_list;

  /* built in init */
  CandorPixelView *map_views[CANDOR_EXPLAIN_N_MAPS];
  GtkLabel *map_captions[CANDOR_EXPLAIN_N_MAPS];

  CandorExplainParams params;
  gboolean updating_controls;
  gboolean stale;              /* something changed while the page was hidden */

  /* owned */
  CandorSession *session;
  GCancellable *cancellable;
  CandorExplainResult *result;
  /* the mean of the images open, for the mean baseline, and what it is of */
  CxTensor *image_mean;
  CandorDataset *image_mean_dataset;
  CandorModel *image_mean_model;
};

G_DEFINE_FINAL_TYPE (CandorExplainPage, candor_explain_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_COMPUTING,
  N_PROPS
};

static void recompute (CandorExplainPage *self);

/* The drop-downs' items, in order. */
static const CxMethod table_method_values[] = {
  CX_METHOD_IG, CX_METHOD_SHAP, CX_METHOD_GRADXINPUT, CX_METHOD_SALIENCY,
};
static const CxBaselineKind image_baseline_values[] = {
  CX_BASELINE_ZEROS, CX_BASELINE_BLUR, CX_BASELINE_UNIFORM, CX_BASELINE_MEAN,
};
static const CxBaselineKind table_baseline_values[] = {
  CX_BASELINE_MEAN, CX_BASELINE_ZEROS,
};
static const CxIgRule rule_values[] = {
  CX_RULE_RIEMANN_LEFT, CX_RULE_RIEMANN_RIGHT, CX_RULE_RIEMANN_MIDDLE,
  CX_RULE_RIEMANN_TRAPEZOID, CX_RULE_GAUSS_LEGENDRE,
};
static const CxSign sign_values[] = {
  CX_SIGN_ALL, CX_SIGN_POSITIVE, CX_SIGN_NEGATIVE, CX_SIGN_ABSOLUTE,
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
  GtkWidget *row = candor_info_row_new (title);
  GtkWidget *label = gtk_label_new (value);

  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 28);
  gtk_label_set_xalign (GTK_LABEL (label), 1.0f);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (label, "dim-label");
  candor_info_row_add_suffix (CANDOR_INFO_ROW (row), label);
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
  candor_set_tooltip_text (tag, tooltip);
  gtk_widget_add_css_class (tag, "tag");
  if (css_class != NULL)
    gtk_widget_add_css_class (tag, css_class);
  candor_info_row_add_prefix (CANDOR_INFO_ROW (row), tag);
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

static const char *
method_title (CxMethod method)
{
  switch (method)
    {
    case CX_METHOD_SALIENCY: return _("Saliency");
    case CX_METHOD_GRADXINPUT: return _("Gradient × Input");
    case CX_METHOD_SMOOTHGRAD: return _("SmoothGrad");
    case CX_METHOD_IG: return _("Integrated Gradients");
    case CX_METHOD_OCCLUSION: return _("Occlusion");
    case CX_METHOD_GRADCAM: return _("Grad-CAM");
    case CX_METHOD_SHAP: return _("Shapley Sampling");
    default: return cx_method_name (method);
    }
}

/* What each map answers, for its tooltip. */
static const char *
method_tooltip (CxMethod method)
{
  switch (method)
    {
    case CX_METHOD_SALIENCY: return _("How much the class score changes when a pixel changes a little (the gradient)");
    case CX_METHOD_GRADXINPUT: return _("The gradient times the pixel’s value: a first-order share of the score");
    case CX_METHOD_SMOOTHGRAD: return _("The gradient averaged over noisy copies of the image, which removes speckle");
    case CX_METHOD_IG: return _("The gradient summed along the path from the baseline to this image; the map adds up to the difference in score");
    case CX_METHOD_OCCLUSION: return _("How much the score drops when a patch of the image is covered");
    case CX_METHOD_GRADCAM: return _("Which regions of the last convolution’s feature maps the class relies on");
    default: return NULL;
    }
}

/* The name of class @k, or "class k" when the model has none. */
static char *
class_name (CandorExplainPage *self,
            int64_t            k)
{
  CandorModel *model = self->session ? candor_session_get_model (self->session) : NULL;
  const char * const *classes = model ? candor_model_get_classes (model) : NULL;

  for (int64_t i = 0; classes != NULL && classes[i] != NULL; i++)
    if (i == k)
      return g_strdup (classes[i]);
  /* Translators: a class without a name, by its number */
  return g_strdup_printf (_("class %d"), (int) k);
}

/* A table row is selected (rather than an image). */
static gboolean
row_selected (CandorExplainPage *self)
{
  CandorSample *sample = self->session ? candor_session_get_selected_sample (self->session) : NULL;
  return sample != NULL && candor_sample_get_texture (sample) == NULL;
}

static void
set_computing (CandorExplainPage *self,
               gboolean           computing)
{
  double opacity = computing && self->result ? 0.5 : 1.0;

  gtk_widget_set_opacity (GTK_WIDGET (self->maps_grid), opacity);
  gtk_widget_set_opacity (GTK_WIDGET (self->bar_chart), opacity);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPUTING]);
}

static void
clear_result (CandorExplainPage *self)
{
  g_clear_pointer (&self->result, candor_explain_result_free);
  for (guint i = 0; i < CANDOR_EXPLAIN_N_MAPS; i++)
    candor_pixel_view_set_texture (self->map_views[i], NULL);
  candor_bar_chart_set_bars (self->bar_chart, 0, NULL, NULL);
  clear_list (self->prediction_list);
  clear_list (self->row_prediction_list);
  gtk_label_set_label (self->completeness_label, "");
  gtk_widget_set_visible (GTK_WIDGET (self->completeness_label), FALSE);
  gtk_label_set_label (self->hover_label, _("Point at a pixel to read its value in every map."));
}

static void
cancel_job (CandorExplainPage *self)
{
  if (self->cancellable != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
      set_computing (self, FALSE);
    }
}

static void
forget_image_mean (CandorExplainPage *self)
{
  g_clear_pointer (&self->image_mean, cx_tensor_free);
  g_clear_object (&self->image_mean_dataset);
  g_clear_object (&self->image_mean_model);
}

/* "Predicted class (bag)" and every class, for the target drop-down. */
static void
update_targets (CandorExplainPage *self)
{
  CandorModel *model = self->session ? candor_session_get_model (self->session) : NULL;
  const char * const *classes = model ? candor_model_get_classes (model) : NULL;
  guint n_old = g_list_model_get_n_items (G_LIST_MODEL (self->target_names));
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  int n = classes ? (int) g_strv_length ((char **) classes)
                  : (self->result ? self->result->n_classes : 0);
  guint selected = gtk_drop_down_get_selected (self->target_dropdown);
  gboolean updating = self->updating_controls;

  if (self->result != NULL)
    {
      g_autofree char *predicted = class_name (self, self->result->predicted);
      /* Translators: the target drop-down's first item; %s is the class */
      g_ptr_array_add (names, g_strdup_printf (_("Predicted (%s)"), predicted));
    }
  else
    g_ptr_array_add (names, g_strdup (_("Predicted class")));
  for (int k = 0; k < n; k++)
    g_ptr_array_add (names, class_name (self, k));
  g_ptr_array_add (names, NULL);

  self->updating_controls = TRUE;
  gtk_string_list_splice (self->target_names, 0, n_old, (const char * const *) names->pdata);
  gtk_drop_down_set_selected (self->target_dropdown,
                              selected < (guint) n + 1 ? selected : 0);
  self->updating_controls = updating;
}

/* The sample's true class, or −1: its label for an image; for a table row
 * the favourable class when the label is the schema's positive one, else
 * the other class of two. */
static int64_t
true_class (CandorExplainPage *self)
{
  CandorSample *sample = candor_session_get_selected_sample (self->session);
  CandorDataset *dataset = candor_session_get_dataset (self->session);
  const char *label = sample ? candor_sample_get_label (sample) : NULL;
  const guint8 *truth = dataset ? candor_dataset_get_truth (dataset) : NULL;
  const CandorExplainResult *r = self->result;

  if (sample == NULL || label == NULL)
    return -1;
  if (r->table)
    {
      int64_t favourable = candor_dataset_get_favourable (dataset);
      if (truth == NULL)
        return -1;
      if (truth[candor_sample_get_index (sample)])
        return favourable;
      return r->n_classes == 2 ? 1 - favourable : -1;
    }
  for (int k = 0; k < r->n_classes; k++)
    {
      g_autofree char *name = class_name (self, k);
      if (g_str_equal (name, label))
        return k;
    }
  return -1;
}

/* A class, its probability above a bar, and what it is to this sample. */
static GtkWidget *
add_probability_row (CandorExplainPage *self,
                     GtkListBox        *list,
                     int64_t            k)
{
  g_autofree char *name = class_name (self, k);
  g_autofree char *percent = g_strdup_printf ("%.1f %%", 100.0 * self->result->probabilities[k]);
  GtkWidget *row = candor_info_row_new (name);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *value = gtk_label_new (percent);
  GtkWidget *bar = gtk_progress_bar_new ();

  candor_info_row_set_title_one_line (CANDOR_INFO_ROW (row));
  candor_set_tooltip_text (row, name);
  gtk_label_set_xalign (GTK_LABEL (value), 1.0f);
  gtk_widget_add_css_class (value, "numeric");
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (bar), self->result->probabilities[k]);
  gtk_widget_add_css_class (bar, "probability");
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), value);
  gtk_box_append (GTK_BOX (box), bar);
  candor_info_row_add_suffix (CANDOR_INFO_ROW (row), box);
  if (k == true_class (self))
    add_tag (row, _("true"), _("The sample’s label"), "accent");
  if (k == self->result->target)
    add_tag (row, _("explained"), _("The attributions explain this class"), "warning");
  gtk_list_box_append (list, row);
  return row;
}

/* The top three classes, and the explained one when it is not among them. */
static void
show_prediction (CandorExplainPage *self)
{
  CandorExplainResult *r = self->result;
  GtkListBox *list = r->table ? self->row_prediction_list : self->prediction_list;
  int64_t order[3] = { -1, -1, -1 };
  gboolean target_shown = FALSE;

  clear_list (list);
  for (int slot = 0; slot < 3 && slot < r->n_classes; slot++)
    {
      for (int k = 0; k < r->n_classes; k++)
        {
          gboolean taken = FALSE;
          for (int j = 0; j < slot; j++)
            taken |= order[j] == k;
          if (!taken && (order[slot] < 0 || r->probabilities[k] > r->probabilities[order[slot]]))
            order[slot] = k;
        }
      add_probability_row (self, list, order[slot]);
      target_shown |= order[slot] == r->target;
    }
  if (!target_shown)
    add_probability_row (self, list, r->target);
}

static void
show_maps (CandorExplainPage *self)
{
  CandorExplainResult *r = self->result;
  CandorSample *sample = candor_session_get_selected_sample (self->session);

  for (guint i = 0; i < CANDOR_EXPLAIN_N_MAPS; i++)
    {
      CandorExplainMap *m = &r->maps[i];
      g_autoptr(GdkTexture) texture = NULL;
      g_autofree char *target = class_name (self, r->target);
      g_autofree char *alt = NULL;

      if (m->rgba != NULL)
        {
          g_autoptr(GBytes) bytes = g_bytes_new (m->rgba, (gsize) m->width * m->height * 4);
          texture = gdk_memory_texture_new (m->width, m->height, GDK_MEMORY_R8G8B8A8, bytes, m->width * 4);
          gtk_label_set_label (self->map_captions[i], method_title (m->method));
          candor_set_tooltip_text (GTK_WIDGET (self->map_captions[i]), method_tooltip (m->method));
        }
      else
        {
          g_autofree char *caption = g_strdup_printf (_("%s: not available"), method_title (m->method));
          gtk_label_set_label (self->map_captions[i], caption);
          candor_set_tooltip_text (GTK_WIDGET (self->map_captions[i]), m->error);
        }
      candor_pixel_view_set_texture (self->map_views[i], texture);
      candor_set_tooltip_text (GTK_WIDGET (self->map_views[i]), method_tooltip (m->method));
      /* Translators: method, sample, class */
      alt = g_strdup_printf (_("%s map of %s for the class %s"), method_title (m->method),
                             sample ? candor_sample_get_name (sample) : "", target);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->map_views[i]),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, alt, -1);
    }
  candor_color_bar_set_sign (self->color_bar, r->params.sign);
}

/* A cell as a person reads it: "0.221000003814697" → "0.221", text as is. */
static char *
format_cell (const char *text)
{
  double v;

  if (text == NULL || *text == '\0')
    return g_strdup (_("(empty)"));
  if (!cx_parse_number (text, &v))
    return g_strdup (text);
  if (v == rint (v) && fabs (v) < 1e15)
    return g_strdup_printf ("%.0f", v);
  if (fabs (v) >= 1000)
    return g_strdup_printf ("%.1f", v);
  return g_strdup_printf ("%.3g", v);
}

/* What a positive and a negative attribution do, in words. */
static void
direction_texts (CandorExplainPage *self,
                 char             **positive,
                 char             **negative)
{
  const CandorExplainResult *r = self->result;
  g_autofree char *target = class_name (self, r->target);

  /* Translators: the legend of a bar pointing right; %s is a class ("approve") */
  *positive = g_strdup_printf (_("pushes towards %s"), target);
  if (r->single_output)
    {
      /* One logit: lowering it is raising the other class. */
      g_autofree char *other = class_name (self, 0);
      *negative = g_strdup_printf (_("pushes towards %s"), other);
    }
  else
    /* Translators: the legend of a bar pointing left; %s is a class ("approve") */
    *negative = g_strdup_printf (_("pushes away from %s"), target);
}

/* What the bars answer, for the method and baseline that made them. */
static char *
bars_caption (CandorExplainPage *self)
{
  const CandorExplainResult *r = self->result;
  g_autofree char *target = class_name (self, r->target);
  const char *baseline = r->params.table_baseline == CX_BASELINE_MEAN
                         ? _("the table’s average row") : _("a row of zeros");

  switch (r->method)
    {
    case CX_METHOD_IG:
      /* Translators: integrated gradients' caption: the baseline, the class */
      return g_strdup_printf (_("Integrated gradients from %s to this row: each bar is a column’s share "
                                "of the change in the score of “%s”. Point at a bar for its exact value."),
                              baseline, target);
    case CX_METHOD_SHAP:
      return g_strdup_printf (_("Shapley sampling against %s: each bar is what putting in this row’s value "
                                "of a column adds to the score of “%s”, averaged over %d random orders of "
                                "the columns. Point at a bar for its exact value."),
                              baseline, target, r->params.shap_permutations);
    case CX_METHOD_GRADXINPUT:
      return g_strdup_printf (_("Gradient × input: how steeply the score of “%s” changes with each column, "
                                "times the column’s encoded value, a first-order share of the score. "
                                "Point at a bar for its exact value."), target);
    case CX_METHOD_SALIENCY:
    default:
      return g_strdup_printf (_("Saliency: how steeply the score of “%s” changes with each column (the "
                                "gradient); a bar says which way a small increase would push. Point at a "
                                "bar for its exact value."), target);
    }
}

static void
show_bars (CandorExplainPage *self)
{
  const CandorExplainResult *r = self->result;
  CandorSample *sample = candor_session_get_selected_sample (self->session);
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autofree double *values = g_new (double, MAX (r->n_columns, 1));
  g_autofree char *positive = NULL;
  g_autofree char *negative = NULL;
  g_autofree char *caption = bars_caption (self);
  g_autofree char *target = class_name (self, r->target);
  g_autofree char *name = NULL;

  for (int c = 0; c < r->n_columns; c++)
    {
      g_autofree char *value = format_cell (r->columns[c].value);
      /* Translators: a bar's label: column = value ("lvrat = 0.8") */
      g_ptr_array_add (labels, g_strdup_printf (_("%s = %s"), r->columns[c].name, value));
      values[c] = r->columns[c].attribution;
    }
  direction_texts (self, &positive, &negative);
  candor_bar_chart_set_positive_text (self->bar_chart, positive);
  candor_bar_chart_set_negative_text (self->bar_chart, negative);
  candor_bar_chart_set_bars (self->bar_chart, labels->len, (const char * const *) labels->pdata, values);
  /* Translators: the bar chart's accessible name: method, sample, class */
  name = g_strdup_printf (_("%s of each column of %s for the class %s"), method_title (r->method),
                          sample ? candor_sample_get_name (sample) : "", target);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->bar_chart), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  gtk_label_set_label (self->bars_caption, caption);
}

static void
show_completeness (CandorExplainPage *self)
{
  const CandorExplainResult *r = self->result;
  g_autofree char *text = NULL;
  double diff = r->output - r->output_baseline;
  gboolean failed = !(r->completeness_error <= COMPLETENESS_TOLERANCE);

  gtk_widget_remove_css_class (GTK_WIDGET (self->completeness_label), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->completeness_label), "success");
  gtk_widget_set_visible (GTK_WIDGET (self->completeness_label), r->has_completeness);
  if (!r->has_completeness)
    {
      gtk_label_set_label (self->completeness_label, "");
      return;
    }
  if (failed)
    /* Translators: integrated gradients' completeness check failed; %% is a percent sign */
    text = g_strdup_printf (_("⚠ Integrated gradients are incomplete: the attributions sum to %.3f, "
                              "but f(x) − f(baseline) = %.3f (%.1f %% off, more than 5 %%). "
                              "Use more steps or another rule before trusting them."),
                            r->attribution_sum, diff, 100.0 * r->completeness_error);
  else
    text = g_strdup_printf (_("Completeness: integrated gradients sum to %.3f, "
                              "f(x) − f(baseline) = %.3f (%.2f %% off, within 5 %%)."),
                            r->attribution_sum, diff, 100.0 * r->completeness_error);
  gtk_label_set_label (self->completeness_label, text);
  gtk_widget_add_css_class (GTK_WIDGET (self->completeness_label), failed ? "error" : "success");
}

static void
show_result (CandorExplainPage *self)
{
  show_prediction (self);
  update_targets (self);
  if (self->result->table)
    show_bars (self);
  else
    show_maps (self);
  show_completeness (self);
  gtk_stack_set_visible_child_name (self->attr_stack, self->result->table ? "bars" : "maps");
}

typedef struct
{
  CandorExplainPage *self;
  CandorSession *session;
  CandorDataset *dataset;
  CandorModel *model;
} Request;

static void
explain_done (GObject      *source,
              GAsyncResult *res,
              gpointer      user_data)
{
  Request *request = user_data;
  CandorExplainPage *self = request->self;
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (res));
  g_autoptr(GError) error = NULL;
  g_autoptr(CandorExplainResult) result = candor_explain_run_finish (res, &error);

  /* Only the job that is still wanted may change the page. */
  if (cancellable != NULL && cancellable == self->cancellable && !g_cancellable_is_cancelled (cancellable))
    {
      g_clear_object (&self->cancellable);
      if (result == NULL)
        {
          clear_result (self);
          gtk_label_set_label (self->placeholder_title, _("This sample could not be explained"));
          gtk_label_set_label (self->placeholder_text, error->message);
          gtk_stack_set_visible_child_name (self->attr_stack, "placeholder");
        }
      else
        {
          /* The images' mean is the same for every image of this data set. */
          if (result->image_mean != NULL && self->image_mean == NULL)
            {
              self->image_mean = cx_tensor_copy (result->image_mean, NULL);
              g_set_object (&self->image_mean_dataset, request->dataset);
              g_set_object (&self->image_mean_model, request->model);
            }
          g_clear_pointer (&self->result, candor_explain_result_free);
          self->result = g_steal_pointer (&result);
          show_result (self);
        }
      set_computing (self, FALSE);
    }
  candor_session_end_job (request->session);
  g_clear_object (&request->dataset);
  g_clear_object (&request->model);
  g_object_unref (request->session);
  g_object_unref (request->self);
  g_free (request);
}

/* The files of every image open, for the mean baseline. */
static char **
image_paths (CandorDataset *dataset)
{
  GListModel *samples = candor_dataset_get_samples (dataset);
  guint n = g_list_model_get_n_items (samples);
  GPtrArray *paths = g_ptr_array_new_full (n + 1, g_free);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CandorSample) sample = g_list_model_get_item (samples, i);
      GFile *file = candor_sample_get_file (sample);
      char *path = file ? g_file_get_path (file) : NULL;

      if (path != NULL)
        g_ptr_array_add (paths, path);
    }
  g_ptr_array_add (paths, NULL);
  return (char **) g_ptr_array_free (paths, FALSE);
}

static void
recompute (CandorExplainPage *self)
{
  CandorSample *sample = self->session ? candor_session_get_selected_sample (self->session) : NULL;
  CandorModel *model = self->session ? candor_session_get_model (self->session) : NULL;
  CandorDataset *dataset = self->session ? candor_session_get_dataset (self->session) : NULL;
  const char * const *ops = model ? candor_model_get_unsupported_ops (model) : NULL;
  gboolean image = sample != NULL && candor_sample_get_texture (sample) != NULL
                   && candor_sample_get_file (sample) != NULL;
  gboolean row = sample != NULL && candor_sample_get_texture (sample) == NULL && dataset != NULL
                 && candor_dataset_get_schema (dataset) != NULL;
  Request *request;

  cancel_job (self);
  /* A page nobody sees (Explain behind Side by Side, or the other way
   * round) computes when it is shown, not twice for every selection. */
  self->stale = !gtk_widget_get_mapped (GTK_WIDGET (self));
  if (self->stale)
    return;
  if (model == NULL || (ops != NULL && ops[0] != NULL) || !(image || row))
    return;

  self->cancellable = g_cancellable_new ();
  request = g_new0 (Request, 1);
  request->self = g_object_ref (self);
  request->session = g_object_ref (self->session);
  request->model = g_object_ref (model);
  request->dataset = dataset ? g_object_ref (dataset) : NULL;
  candor_session_begin_job (self->session);
  if (image)
    {
      g_auto(GStrv) paths = NULL;
      const CxTensor *mean = NULL;

      if (self->image_mean != NULL && (self->image_mean_dataset != dataset || self->image_mean_model != model))
        forget_image_mean (self);
      mean = self->image_mean;
      if (self->params.ig_baseline == CX_BASELINE_MEAN && mean == NULL && dataset != NULL)
        paths = image_paths (dataset);
      candor_explain_run_async (model, candor_sample_get_file (sample), &self->params, mean,
                                (const char * const *) paths, self->cancellable, explain_done, request);
    }
  else
    candor_explain_row_async (model, dataset, candor_sample_get_index (sample), &self->params,
                              self->cancellable, explain_done, request);
  set_computing (self, TRUE);
}

/* ---- controls ---- */

static void
show_control (GtkWidget *control,
              gboolean   visible)
{
  gtk_widget_set_visible (control, visible);
}

/* Only the controls that change what is shown: the method and its
 * settings for a row, the methods' settings and the rendering for an
 * image; none when there is nothing to explain. */
static void
update_control_visibility (CandorExplainPage *self,
                           gboolean           explainable)
{
  gboolean row = row_selected (self);
  gboolean ig = !row || self->params.table_method == CX_METHOD_IG;
  gboolean baseline = self->params.table_method == CX_METHOD_IG || self->params.table_method == CX_METHOD_SHAP;

  gtk_widget_set_visible (self->settings_button, explainable);
  show_control (self->method_control, explainable && row);
  show_control (self->image_baseline_control, !row);
  show_control (self->table_baseline_control, row && baseline);
  show_control (self->steps_control, ig);
  show_control (self->rule_control, ig);
  show_control (self->sign_control, !row);
  show_control (self->outlier_control, !row);
  show_control (self->opacity_control, !row);
}

static void
on_control_changed (CandorExplainPage *self)
{
  guint target, rule, sign, method, image_baseline, table_baseline;

  if (self->updating_controls)
    return;
  target = gtk_drop_down_get_selected (self->target_dropdown);
  rule = gtk_drop_down_get_selected (self->rule_dropdown);
  sign = gtk_drop_down_get_selected (self->sign_dropdown);
  method = gtk_drop_down_get_selected (self->method_dropdown);
  image_baseline = gtk_drop_down_get_selected (self->image_baseline_dropdown);
  table_baseline = gtk_drop_down_get_selected (self->table_baseline_dropdown);
  self->params.target = target == 0 || target == GTK_INVALID_LIST_POSITION ? -1 : (int64_t) target - 1;
  self->params.ig_steps = gtk_spin_button_get_value_as_int (self->steps_spin);
  if (rule < G_N_ELEMENTS (rule_values))
    self->params.ig_rule = rule_values[rule];
  if (sign < G_N_ELEMENTS (sign_values))
    self->params.sign = sign_values[sign];
  if (method < G_N_ELEMENTS (table_method_values))
    self->params.table_method = table_method_values[method];
  if (image_baseline < G_N_ELEMENTS (image_baseline_values))
    self->params.ig_baseline = image_baseline_values[image_baseline];
  if (table_baseline < G_N_ELEMENTS (table_baseline_values))
    self->params.table_baseline = table_baseline_values[table_baseline];
  self->params.outlier_percent = gtk_spin_button_get_value (self->outlier_spin);
  self->params.alpha = gtk_range_get_value (GTK_RANGE (self->opacity_scale));
  update_control_visibility (self, TRUE);
  recompute (self);
}

static void
select_value (GtkDropDown *dropdown,
              const int   *values,
              guint        n,
              int          value)
{
  for (guint i = 0; i < n; i++)
    if (values[i] == value)
      gtk_drop_down_set_selected (dropdown, i);
}

static void
sync_controls (CandorExplainPage *self)
{
  guint n_targets = g_list_model_get_n_items (G_LIST_MODEL (self->target_names));

  self->updating_controls = TRUE;
  gtk_drop_down_set_selected (self->target_dropdown,
                              self->params.target >= 0 && (guint) self->params.target + 1 < n_targets
                              ? (guint) self->params.target + 1 : 0);
  gtk_spin_button_set_value (self->steps_spin, self->params.ig_steps);
  select_value (self->rule_dropdown, (const int *) rule_values, G_N_ELEMENTS (rule_values), self->params.ig_rule);
  select_value (self->sign_dropdown, (const int *) sign_values, G_N_ELEMENTS (sign_values), self->params.sign);
  select_value (self->method_dropdown, (const int *) table_method_values, G_N_ELEMENTS (table_method_values),
                self->params.table_method);
  select_value (self->image_baseline_dropdown, (const int *) image_baseline_values,
                G_N_ELEMENTS (image_baseline_values), self->params.ig_baseline);
  select_value (self->table_baseline_dropdown, (const int *) table_baseline_values,
                G_N_ELEMENTS (table_baseline_values), self->params.table_baseline);
  gtk_spin_button_set_value (self->outlier_spin, self->params.outlier_percent);
  gtk_range_set_value (GTK_RANGE (self->opacity_scale), self->params.alpha);
  update_control_visibility (self, gtk_widget_get_visible (self->settings_button));
  self->updating_controls = FALSE;
}

/* ---- hover ---- */

static void
on_map_motion (GtkEventControllerMotion *motion,
               double                    x,
               double                    y,
               CandorExplainPage        *self)
{
  CandorPixelView *view = CANDOR_PIXEL_VIEW (gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (motion)));
  g_autoptr(GString) text = g_string_new (NULL);
  int tx, ty;

  if (self->result == NULL || !candor_pixel_view_pick (view, x, y, &tx, &ty))
    return;
  /* Translators: pixel column and row under the pointer */
  g_string_append_printf (text, _("Pixel (%d, %d):"), tx, ty);
  for (guint i = 0; i < CANDOR_EXPLAIN_N_MAPS; i++)
    {
      CandorExplainMap *m = &self->result->maps[i];
      int64_t h, w, mx, my;

      if (m->map == NULL || m->width <= 0 || m->height <= 0)
        continue;
      h = m->map->shape[0];
      w = m->map->shape[1];
      mx = (int64_t) tx * w / m->width;
      my = (int64_t) ty * h / m->height;
      g_string_append_printf (text, "  %s %+.3g%s", method_title (m->method),
                              cx_tensor_get (m->map, my * w + mx),
                              i + 1 < CANDOR_EXPLAIN_N_MAPS ? " ·" : "");
    }
  gtk_label_set_label (self->hover_label, text->str);
}
static void
on_map_leave (GtkEventControllerMotion *motion,
              CandorExplainPage        *self)
{
  gtk_label_set_label (self->hover_label, _("Point at a pixel to read its value in every map."));
}

/* The six map cells, in candor_explain_method () order. */
static void
build_maps (CandorExplainPage *self)
{
  for (guint i = 0; i < CANDOR_EXPLAIN_N_MAPS; i++)
    {
      GtkWidget *cell = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
      GtkWidget *view = candor_pixel_view_new ();
      GtkWidget *caption = gtk_label_new (method_title (candor_explain_method (i)));
      GtkEventController *motion = gtk_event_controller_motion_new ();

      gtk_widget_set_size_request (view, 112, 112);
      gtk_widget_set_hexpand (view, TRUE);
      gtk_widget_add_css_class (view, "attribution-map");
      gtk_label_set_ellipsize (GTK_LABEL (caption), PANGO_ELLIPSIZE_END);
      gtk_widget_add_css_class (caption, "caption-heading");
      g_signal_connect (motion, "motion", G_CALLBACK (on_map_motion), self);
      g_signal_connect (motion, "leave", G_CALLBACK (on_map_leave), self);
      gtk_widget_add_controller (view, motion);
      gtk_box_append (GTK_BOX (cell), view);
      gtk_box_append (GTK_BOX (cell), caption);
      gtk_flow_box_append (self->maps_grid, cell);
      gtk_widget_set_focusable (gtk_widget_get_parent (cell), FALSE);
      self->map_views[i] = CANDOR_PIXEL_VIEW (view);
      self->map_captions[i] = GTK_LABEL (caption);
    }
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
  gboolean unsupported;

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

  gtk_widget_set_visible (self->details_box, TRUE);
  gtk_widget_set_visible (self->values_box, FALSE);
  cancel_job (self);
  clear_result (self);
  unsupported = show_unsupported (self, model);
  if (!unsupported)
    {
      gtk_label_set_label (self->placeholder_title, _("Computing attribution maps…"));
      gtk_label_set_label (self->placeholder_text,
                           _("Saliency, gradient × input, SmoothGrad, integrated gradients, occlusion "
                             "and Grad-CAM for this image, side by side on one shared colour scale."));
    }
  update_control_visibility (self, !unsupported);
  gtk_stack_set_visible_child_name (self->attr_stack, "placeholder");
  recompute (self);
}

static void
show_row (CandorExplainPage *self,
          CandorSample      *sample)
{
  CandorDataset *dataset = candor_session_get_dataset (self->session);
  CandorModel *model = candor_session_get_model (self->session);
  const char * const *columns = candor_dataset_get_columns (dataset);
  const char * const *values = candor_sample_get_values (sample);
  const char * const *sensitive = candor_dataset_get_sensitive_columns (dataset);
  const char * const *locked = candor_dataset_get_locked_columns (dataset);
  const char *label_column = candor_dataset_get_label_column (dataset);
  const char *label = candor_sample_get_label (sample);
  gboolean explainable;
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
          candor_set_tooltip_text (lock, _("Locked: counterfactuals never change this column"));
          gtk_widget_add_css_class (lock, "dim-label");
          candor_info_row_add_prefix (CANDOR_INFO_ROW (row), lock);
        }
    }

  gtk_widget_set_visible (self->details_box, FALSE);
  gtk_widget_set_visible (self->values_box, TRUE);
  cancel_job (self);
  clear_result (self);
  explainable = !show_unsupported (self, model);
  if (explainable && candor_dataset_get_schema (dataset) == NULL)
    {
      explainable = FALSE;
      gtk_label_set_label (self->placeholder_title, _("This table has no schema"));
      gtk_label_set_label (self->placeholder_text,
                           _("A schema says how the columns become the model’s input. Open the table "
                             "with its schema beside it (hmda.csv with hmda-schema.json) to explain its rows."));
    }
  else if (explainable)
    {
      gtk_label_set_label (self->placeholder_title, _("Computing attributions…"));
      gtk_label_set_label (self->placeholder_text,
                           _("One signed bar per column, largest first: how much its value pushed this "
                             "row’s decision one way or the other."));
    }
  update_control_visibility (self, explainable);
  gtk_stack_set_visible_child_name (self->attr_stack, "placeholder");
  recompute (self);
}

static void
update (CandorExplainPage *self)
{
  CandorSample *sample = self->session ? candor_session_get_selected_sample (self->session) : NULL;

  if (sample == NULL)
    {
      cancel_job (self);
      clear_result (self);
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

static void
on_model_changed (CandorExplainPage *self)
{
  /* Class numbers of another model mean other classes. */
  g_clear_pointer (&self->result, candor_explain_result_free);
  forget_image_mean (self);
  self->params.target = -1;
  update_targets (self);
  sync_controls (self);
  update (self);
}

void
candor_explain_page_get_params (CandorExplainPage   *self,
                                CandorExplainParams *params)
{
  g_return_if_fail (CANDOR_IS_EXPLAIN_PAGE (self));
  *params = self->params;
}

void
candor_explain_page_set_params (CandorExplainPage         *self,
                                const CandorExplainParams *params)
{
  CandorExplainParams defaults;

  g_return_if_fail (CANDOR_IS_EXPLAIN_PAGE (self));

  candor_explain_params_init (&defaults);
  self->params = *params;
  self->params.ig_steps = CLAMP (self->params.ig_steps, 2, 500);
  self->params.alpha = CLAMP (self->params.alpha, 0.0, 1.0);
  self->params.outlier_percent = CLAMP (self->params.outlier_percent, 0.0, 20.0);
  if (!candor_explain_is_table_method (self->params.table_method))
    self->params.table_method = defaults.table_method;
  if (self->params.ig_baseline > CX_BASELINE_MEAN)
    self->params.ig_baseline = defaults.ig_baseline;
  if (self->params.table_baseline != CX_BASELINE_MEAN && self->params.table_baseline != CX_BASELINE_ZEROS)
    self->params.table_baseline = defaults.table_baseline;
  sync_controls (self);
  recompute (self);
}

gboolean
candor_explain_page_get_computing (CandorExplainPage *self)
{
  g_return_val_if_fail (CANDOR_IS_EXPLAIN_PAGE (self), FALSE);
  return self->cancellable != NULL;
}

gboolean
candor_explain_page_has_explanation (CandorExplainPage *self)
{
  g_return_val_if_fail (CANDOR_IS_EXPLAIN_PAGE (self), FALSE);
  return self->result != NULL;
}

/* "hmda-mlp-row-3-ig", "fashion-cnn-ankle-boot-1": a file name for the
 * numbers of what is shown, without extension. */
char *
candor_explain_page_suggest_name (CandorExplainPage *self)
{
  CandorModel *model;
  CandorSample *sample;
  const char *model_name, *dot;
  g_autofree char *stem = NULL;
  g_autofree char *sample_stem = NULL;

  g_return_val_if_fail (CANDOR_IS_EXPLAIN_PAGE (self), NULL);

  model = self->session ? candor_session_get_model (self->session) : NULL;
  sample = self->session ? candor_session_get_selected_sample (self->session) : NULL;
  model_name = model ? candor_model_get_name (model) : "candor";
  dot = strrchr (model_name, '.');
  stem = g_strndup (model_name, dot ? (gsize) (dot - model_name) : strlen (model_name));
  if (self->result != NULL && self->result->table)
    return g_strdup_printf ("%s-row-%u-%s", stem, self->result->row + 1, cx_method_name (self->result->method));
  if (sample != NULL)
    {
      const char *name = candor_sample_get_name (sample);
      dot = strrchr (name, '.');
      sample_stem = g_strndup (name, dot ? (gsize) (dot - name) : strlen (name));
      return g_strdup_printf ("%s-%s", stem, sample_stem);
    }
  return g_steal_pointer (&stem);
}

gboolean
candor_explain_page_export_numbers (CandorExplainPage  *self,
                                    const char         *path,
                                    GError            **error)
{
  CandorModel *model;
  CandorDataset *dataset;
  CandorSample *sample;
  g_autofree char *model_file = NULL;
  g_autofree char *input_file = NULL;
  CandorExplainSource source = { 0 };
  GFile *file;

  g_return_val_if_fail (CANDOR_IS_EXPLAIN_PAGE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (self->result == NULL || self->session == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                           _("There is no explanation to export yet"));
      return FALSE;
    }
  model = candor_session_get_model (self->session);
  dataset = candor_session_get_dataset (self->session);
  sample = candor_session_get_selected_sample (self->session);
  model_file = g_file_get_path (candor_model_get_file (model));
  file = self->result->table ? (dataset ? candor_dataset_get_file (dataset) : NULL)
                             : (sample ? candor_sample_get_file (sample) : NULL);
  input_file = file ? g_file_get_path (file) : NULL;
  source.model_file = model_file;
  source.model_sha256 = candor_model_get_sha256 (model);
  source.input_file = input_file;
  source.input_sha256 = self->result->input_sha256;
  source.sample = sample ? candor_sample_get_name (sample) : NULL;
  source.classes = candor_model_get_classes (model);
  return candor_explain_export_numbers (self->result, &source, path, error);
}

gboolean
candor_explain_page_get_showing_row (CandorExplainPage *self)
{
  g_return_val_if_fail (CANDOR_IS_EXPLAIN_PAGE (self), FALSE);
  return row_selected (self);
}

void
candor_explain_page_set_findings (CandorExplainPage *self,
                                  GPtrArray         *findings)
{
  g_return_if_fail (CANDOR_IS_EXPLAIN_PAGE (self));

  clear_list (self->findings_list);
  for (guint i = 0; findings != NULL && i < findings->len; i++)
    {
      const CxFinding *f = g_ptr_array_index (findings, i);
      GtkWidget *row = candor_info_row_new (f->note ? f->note : "");
      g_autofree char *subtitle = NULL;
      g_autoptr(GDateTime) when = f->created ? g_date_time_new_from_iso8601 (f->created, NULL) : NULL;
      g_autoptr(GDateTime) local = when ? g_date_time_to_local (when) : NULL;
      g_autofree char *date = local ? g_date_time_format (local, "%x %H:%M") : NULL;

      /* Translators: sample name · date */
      subtitle = g_strdup_printf (_("%s · %s"), f->sample ? f->sample : "", date ? date : "");
      candor_info_row_set_subtitle (CANDOR_INFO_ROW (row), subtitle);
      candor_info_row_add_prefix (CANDOR_INFO_ROW (row), gtk_image_new_from_icon_name ("emblem-important-symbolic"));
      gtk_list_box_append (self->findings_list, row);
    }
  if (findings == NULL || findings->len == 0)
    {
      GtkWidget *row = candor_info_row_new (_("No findings yet"));
      candor_info_row_set_subtitle (CANDOR_INFO_ROW (row),
                                    _("Flag a sample when something about its explanation looks wrong."));
      gtk_widget_add_css_class (row, "dim-label");
      gtk_list_box_append (self->findings_list, row);
    }
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
      g_signal_connect_swapped (session, "notify::model", G_CALLBACK (on_model_changed), self);
    }
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

static void
candor_explain_page_dispose (GObject *object)
{
  CandorExplainPage *self = CANDOR_EXPLAIN_PAGE (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_pointer (&self->result, candor_explain_result_free);
  forget_image_mean (self);
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
    case PROP_COMPUTING:
      g_value_set_boolean (value, candor_explain_page_get_computing (self));
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
candor_explain_page_map (GtkWidget *widget)
{
  CandorExplainPage *self = CANDOR_EXPLAIN_PAGE (widget);

  GTK_WIDGET_CLASS (candor_explain_page_parent_class)->map (widget);
  if (self->stale)
    recompute (self);
}

static void
candor_explain_page_class_init (CandorExplainPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = candor_explain_page_dispose;
  object_class->get_property = candor_explain_page_get_property;
  object_class->set_property = candor_explain_page_set_property;
  widget_class->map = candor_explain_page_map;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, CANDOR_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COMPUTING] =
    g_param_spec_boolean ("computing", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CANDOR_TYPE_PIXEL_VIEW);
  g_type_ensure (CANDOR_TYPE_WRAP_BOX);
  g_type_ensure (CANDOR_TYPE_COLOR_BAR);
  g_type_ensure (CANDOR_TYPE_BAR_CHART);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/candor/Candor/ui/candor-explain-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, input_stack);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, input_view);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, prediction_list);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, row_prediction_list);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, details_list);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, details_box);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, values_box);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, values_list);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, attr_stack);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, placeholder_title);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, placeholder_text);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, controls_box);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, settings_button);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, method_control);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, method_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, target_control);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, target_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, target_names);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, image_baseline_control);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, image_baseline_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, table_baseline_control);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, table_baseline_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, steps_control);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, steps_spin);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, rule_control);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, rule_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, sign_control);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, sign_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, outlier_control);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, outlier_spin);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, opacity_control);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, opacity_scale);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, maps_grid);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, color_bar);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, hover_label);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, bars_caption);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, bar_chart);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, completeness_label);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, findings_list);
  gtk_widget_class_bind_template_callback (widget_class, on_control_changed);
}

static void
candor_explain_page_init (CandorExplainPage *self)
{
  /* The template's values are not the user's choices. */
  self->updating_controls = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  candor_explain_params_init (&self->params);
  build_maps (self);
  sync_controls (self);
  candor_explain_page_set_findings (self, NULL);
}

void
candor_explain_page_add_state (CandorExplainPage *self,
                               JsonBuilder       *b)
{
  const CandorExplainResult *r = self->result;

  g_return_if_fail (CANDOR_IS_EXPLAIN_PAGE (self));

  json_builder_set_member_name (b, "computing");
  json_builder_add_boolean_value (b, self->cancellable != NULL);
  json_builder_set_member_name (b, "ig_steps");
  json_builder_add_int_value (b, self->params.ig_steps);
  json_builder_set_member_name (b, "ig_rule");
  json_builder_add_string_value (b, cx_ig_rule_name (self->params.ig_rule));
  json_builder_set_member_name (b, "ig_baseline");
  json_builder_add_string_value (b, cx_baseline_name (self->params.ig_baseline));
  json_builder_set_member_name (b, "table_method");
  json_builder_add_string_value (b, cx_method_name (self->params.table_method));
  json_builder_set_member_name (b, "table_baseline");
  json_builder_add_string_value (b, cx_baseline_name (self->params.table_baseline));
  json_builder_set_member_name (b, "sign");
  json_builder_add_string_value (b, cx_sign_name (self->params.sign));
  json_builder_set_member_name (b, "outlier_percent");
  json_builder_add_double_value (b, self->params.outlier_percent);
  if (r == NULL)
    return;
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, r->table ? "table" : "image");
  json_builder_set_member_name (b, "predicted");
  json_builder_add_int_value (b, r->predicted);
  json_builder_set_member_name (b, "target");
  json_builder_add_int_value (b, r->target);
  json_builder_set_member_name (b, "probabilities");
  json_builder_begin_array (b);
  for (int k = 0; k < r->n_classes; k++)
    json_builder_add_double_value (b, r->probabilities[k]);
  json_builder_end_array (b);
  if (r->has_completeness)
    {
      json_builder_set_member_name (b, "completeness");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "attribution_sum");
      json_builder_add_double_value (b, r->attribution_sum);
      json_builder_set_member_name (b, "output");
      json_builder_add_double_value (b, r->output);
      json_builder_set_member_name (b, "output_baseline");
      json_builder_add_double_value (b, r->output_baseline);
      json_builder_set_member_name (b, "output_difference");
      json_builder_add_double_value (b, r->output - r->output_baseline);
      json_builder_set_member_name (b, "relative_error");
      json_builder_add_double_value (b, r->completeness_error);
      json_builder_set_member_name (b, "flagged");
      json_builder_add_boolean_value (b, !(r->completeness_error <= COMPLETENESS_TOLERANCE));
      json_builder_end_object (b);
    }
  if (r->table)
    {
      guint n = candor_bar_chart_get_n_bars (self->bar_chart);

      json_builder_set_member_name (b, "method");
      json_builder_add_string_value (b, cx_method_name (r->method));
      json_builder_set_member_name (b, "legend");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "positive");
      json_builder_add_string_value (b, candor_bar_chart_get_positive_text (self->bar_chart));
      json_builder_set_member_name (b, "negative");
      json_builder_add_string_value (b, candor_bar_chart_get_negative_text (self->bar_chart));
      json_builder_end_object (b);
      /* The bars as drawn, top to bottom. */
      json_builder_set_member_name (b, "columns");
      json_builder_begin_array (b);
      for (guint i = 0; i < n && i < (guint) r->n_columns; i++)
        {
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "column");
          json_builder_add_string_value (b, r->columns[i].name);
          json_builder_set_member_name (b, "value");
          json_builder_add_string_value (b, r->columns[i].value);
          json_builder_set_member_name (b, "label");
          json_builder_add_string_value (b, candor_bar_chart_get_label (self->bar_chart, i));
          json_builder_set_member_name (b, "attribution");
          json_builder_add_double_value (b, candor_bar_chart_get_value (self->bar_chart, i));
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      return;
    }
  /* Each map's sum and extremes: enough to tell one map from another. */
  json_builder_set_member_name (b, "maps");
  json_builder_begin_array (b);
  for (guint i = 0; i < CANDOR_EXPLAIN_N_MAPS; i++)
    {
      const CandorExplainMap *m = &r->maps[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "method");
      json_builder_add_string_value (b, cx_method_name (m->method));
      if (m->map != NULL)
        {
          double sum = 0, lo = INFINITY, hi = -INFINITY;
          for (int64_t k = 0; k < m->map->numel; k++)
            {
              sum += m->map->data.f[k];
              lo = MIN (lo, m->map->data.f[k]);
              hi = MAX (hi, m->map->data.f[k]);
            }
          json_builder_set_member_name (b, "sum");
          json_builder_add_double_value (b, sum);
          json_builder_set_member_name (b, "min");
          json_builder_add_double_value (b, lo);
          json_builder_set_member_name (b, "max");
          json_builder_add_double_value (b, hi);
        }
      else
        {
          json_builder_set_member_name (b, "error");
          json_builder_add_string_value (b, m->error);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}
