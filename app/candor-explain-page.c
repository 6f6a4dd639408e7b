/* candor-explain-page.c: the selected sample and its explanations.
 *
 * For an image, a background job (candor-explain-job.c) predicts and runs
 * the six attribution methods; the page shows the top classes, the maps on
 * one colour scale and integrated gradients' completeness check. A new
 * selection or a changed control cancels the job that is running.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "candor-color-bar.h"
#include "candor-dataset.h"
#include "candor-explain-job.h"
#include "candor-explain-page.h"
#include "candor-model.h"
#include "candor-pixel-view.h"
#include "candor-wrap-box.h"
#include "candor-sample.h"
#include "candor-session.h"
#include "session-file.h"

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
  GtkListBox *details_list;
  GtkWidget *details_box;
  GtkListBox *values_list;
  GtkStack *attr_stack;
  GtkLabel *placeholder_title;
  GtkLabel *placeholder_text;
  GtkFlowBox *controls_box;
  GtkGrid *maps_grid;
  CandorColorBar *color_bar;
  GtkLabel *hover_label;
  GtkLabel *completeness_label;
  GtkListBox *findings_list;

  /* built in init */
  GtkDropDown *target_dropdown;
  GtkSpinButton *steps_spin;
  GtkDropDown *rule_dropdown;
  GtkDropDown *sign_dropdown;
  GtkScale *opacity_scale;
  CandorPixelView *map_views[CANDOR_EXPLAIN_N_MAPS];
  GtkLabel *map_captions[CANDOR_EXPLAIN_N_MAPS];

  CandorExplainParams params;
  gboolean updating_controls;

  /* owned */
  CandorSession *session;
  GCancellable *cancellable;
  CandorExplainResult *result;
  GtkStringList *target_names;
};

G_DEFINE_FINAL_TYPE (CandorExplainPage, candor_explain_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_COMPUTING,
  N_PROPS
};

static void recompute (CandorExplainPage *self);

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
    case CX_METHOD_IG: return _("The gradient summed along the path from a black image to this one; the maps add up to the score difference");
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

static void
set_computing (CandorExplainPage *self,
               gboolean           computing)
{
  gtk_widget_set_opacity (GTK_WIDGET (self->maps_grid), computing && self->result ? 0.5 : 1.0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPUTING]);
}

static void
clear_maps (CandorExplainPage *self)
{
  g_clear_pointer (&self->result, candor_explain_result_free);
  for (guint i = 0; i < CANDOR_EXPLAIN_N_MAPS; i++)
    candor_pixel_view_set_texture (self->map_views[i], NULL);
  clear_list (self->prediction_list);
  gtk_label_set_label (self->completeness_label, "");
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
  self->updating_controls = FALSE;
}

static GtkWidget *
add_probability_row (CandorExplainPage *self,
                     int64_t            k)
{
  CandorSample *sample = candor_session_get_selected_sample (self->session);
  const char *label = sample ? candor_sample_get_label (sample) : NULL;
  g_autofree char *name = class_name (self, k);
  g_autofree char *percent = g_strdup_printf ("%.1f %%", 100.0 * self->result->probabilities[k]);
  GtkWidget *row = add_row (self->prediction_list, name, percent);
  GtkWidget *bar = gtk_progress_bar_new ();

  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (bar), self->result->probabilities[k]);
  gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
  gtk_widget_set_size_request (bar, 60, -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), bar);
  if (label != NULL && g_strcmp0 (label, name) == 0)
    add_tag (row, _("true"), _("The sample’s label"), "accent");
  if (k == self->result->target)
    add_tag (row, _("explained"), _("The maps explain this class"), "warning");
  return row;
}

static void
show_result (CandorExplainPage *self)
{
  CandorExplainResult *r = self->result;
  CandorSample *sample = candor_session_get_selected_sample (self->session);
  int64_t order[3] = { -1, -1, -1 };
  gboolean target_shown = FALSE;

  /* The top three classes, and the explained one when it is not among them. */
  clear_list (self->prediction_list);
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
      add_probability_row (self, order[slot]);
      target_shown |= order[slot] == r->target;
    }
  if (!target_shown)
    add_probability_row (self, r->target);
  update_targets (self);

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
          gtk_widget_set_tooltip_text (GTK_WIDGET (self->map_captions[i]), method_tooltip (m->method));
        }
      else
        {
          g_autofree char *caption = g_strdup_printf (_("%s: not available"), method_title (m->method));
          gtk_label_set_label (self->map_captions[i], caption);
          gtk_widget_set_tooltip_text (GTK_WIDGET (self->map_captions[i]), m->error);
        }
      candor_pixel_view_set_texture (self->map_views[i], texture);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->map_views[i]), method_tooltip (m->method));
      /* Translators: method, sample, class */
      alt = g_strdup_printf (_("%s map of %s for the class %s"), method_title (m->method),
                             sample ? candor_sample_get_name (sample) : "", target);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->map_views[i]),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, alt, -1);
    }
  candor_color_bar_set_sign (self->color_bar, self->params.sign);

  gtk_widget_remove_css_class (GTK_WIDGET (self->completeness_label), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->completeness_label), "success");
  if (r->has_completeness)
    {
      g_autofree char *text = NULL;
      double diff = r->output - r->output_baseline;
      gboolean failed = !(r->completeness_error <= 0.05);

      if (failed)
        /* Translators: integrated gradients' completeness check failed; %% is a percent sign */
        text = g_strdup_printf (_("⚠ Integrated gradients are incomplete: the attributions sum to %.3f, "
                                  "but f(x) − f(baseline) = %.3f (%.1f %% off, more than 5 %%). "
                                  "Use more steps or another rule before trusting this map."),
                                r->attribution_sum, diff, 100.0 * r->completeness_error);
      else
        text = g_strdup_printf (_("Completeness: integrated gradients sum to %.3f, "
                                  "f(x) − f(baseline) = %.3f (%.2f %% off, within 5 %%)."),
                                r->attribution_sum, diff, 100.0 * r->completeness_error);
      gtk_label_set_label (self->completeness_label, text);
      gtk_widget_add_css_class (GTK_WIDGET (self->completeness_label), failed ? "error" : "success");
    }
  else
    gtk_label_set_label (self->completeness_label, "");
  gtk_stack_set_visible_child_name (self->attr_stack, "maps");
}

typedef struct
{
  CandorExplainPage *self;
  CandorSession *session;
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
          clear_maps (self);
          gtk_label_set_label (self->placeholder_title, _("This sample could not be explained"));
          gtk_label_set_label (self->placeholder_text, error->message);
          gtk_stack_set_visible_child_name (self->attr_stack, "placeholder");
        }
      else
        {
          g_clear_pointer (&self->result, candor_explain_result_free);
          self->result = g_steal_pointer (&result);
          show_result (self);
        }
      set_computing (self, FALSE);
    }
  candor_session_end_job (request->session);
  g_object_unref (request->session);
  g_object_unref (request->self);
  g_free (request);
}

static void
recompute (CandorExplainPage *self)
{
  CandorSample *sample = self->session ? candor_session_get_selected_sample (self->session) : NULL;
  CandorModel *model = self->session ? candor_session_get_model (self->session) : NULL;
  const char * const *ops = model ? candor_model_get_unsupported_ops (model) : NULL;
  Request *request;

  cancel_job (self);
  if (sample == NULL || model == NULL || candor_sample_get_file (sample) == NULL
      || candor_sample_get_texture (sample) == NULL || (ops != NULL && ops[0] != NULL))
    return;

  self->cancellable = g_cancellable_new ();
  request = g_new0 (Request, 1);
  request->self = g_object_ref (self);
  request->session = g_object_ref (self->session);
  candor_session_begin_job (self->session);
  candor_explain_run_async (model, candor_sample_get_file (sample), &self->params,
                            self->cancellable, explain_done, request);
  set_computing (self, TRUE);
}

/* ---- controls ---- */

static void
on_control_changed (CandorExplainPage *self)
{
  guint target, rule, sign;

  if (self->updating_controls)
    return;
  target = gtk_drop_down_get_selected (self->target_dropdown);
  rule = gtk_drop_down_get_selected (self->rule_dropdown);
  sign = gtk_drop_down_get_selected (self->sign_dropdown);
  self->params.target = target == 0 || target == GTK_INVALID_LIST_POSITION ? -1 : (int64_t) target - 1;
  self->params.ig_steps = gtk_spin_button_get_value_as_int (self->steps_spin);
  if (rule < G_N_ELEMENTS (rule_values))
    self->params.ig_rule = rule_values[rule];
  if (sign < G_N_ELEMENTS (sign_values))
    self->params.sign = sign_values[sign];
  self->params.alpha = gtk_range_get_value (GTK_RANGE (self->opacity_scale));
  recompute (self);
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
  for (guint i = 0; i < G_N_ELEMENTS (rule_values); i++)
    if (rule_values[i] == self->params.ig_rule)
      gtk_drop_down_set_selected (self->rule_dropdown, i);
  for (guint i = 0; i < G_N_ELEMENTS (sign_values); i++)
    if (sign_values[i] == self->params.sign)
      gtk_drop_down_set_selected (self->sign_dropdown, i);
  gtk_range_set_value (GTK_RANGE (self->opacity_scale), self->params.alpha);
  self->updating_controls = FALSE;
}

static void
add_control (CandorExplainPage *self,
             const char        *title,
             const char        *tooltip,
             GtkWidget         *control)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new_with_mnemonic (title);

  gtk_label_set_mnemonic_widget (GTK_LABEL (label), control);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_tooltip_text (box, tooltip);
  gtk_widget_set_valign (control, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), control);
  gtk_flow_box_append (self->controls_box, box);
}

static GtkDropDown *
new_dropdown (const char * const *items)
{
  GtkWidget *dropdown = gtk_drop_down_new_from_strings (items);
  return GTK_DROP_DOWN (dropdown);
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

static void
build_controls (CandorExplainPage *self)
{
  const char *rules[] = { _("Left Riemann"), _("Right Riemann"), _("Middle Riemann"),
                          _("Trapezoid"), _("Gauss–Legendre"), NULL };
  const char *signs[] = { _("For and against"), _("For the class"), _("Against the class"),
                          _("Absolute"), NULL };

  self->target_names = gtk_string_list_new (NULL);
  gtk_string_list_append (self->target_names, _("Predicted class"));
  self->target_dropdown = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_object_ref (self->target_names)), NULL));
  add_control (self, _("_Target"), _("The class whose score the maps explain"), GTK_WIDGET (self->target_dropdown));

  self->steps_spin = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (2, 500, 1));
  add_control (self, _("IG _Steps"), _("Integration points of integrated gradients"), GTK_WIDGET (self->steps_spin));

  self->rule_dropdown = new_dropdown (rules);
  add_control (self, _("IG _Rule"), _("How integrated gradients approximate the path integral"),
               GTK_WIDGET (self->rule_dropdown));

  self->sign_dropdown = new_dropdown (signs);
  add_control (self, _("S_ign"), _("Which attributions the maps show"), GTK_WIDGET (self->sign_dropdown));

  self->opacity_scale = GTK_SCALE (gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, 0.0, 1.0, 0.05));
  gtk_scale_set_draw_value (self->opacity_scale, FALSE);
  gtk_widget_set_size_request (GTK_WIDGET (self->opacity_scale), 90, -1);
  add_control (self, _("_Opacity"), _("How strongly the maps cover the image"), GTK_WIDGET (self->opacity_scale));

  sync_controls (self);
  g_signal_connect_swapped (self->target_dropdown, "notify::selected", G_CALLBACK (on_control_changed), self);
  g_signal_connect_swapped (self->steps_spin, "value-changed", G_CALLBACK (on_control_changed), self);
  g_signal_connect_swapped (self->rule_dropdown, "notify::selected", G_CALLBACK (on_control_changed), self);
  g_signal_connect_swapped (self->sign_dropdown, "notify::selected", G_CALLBACK (on_control_changed), self);
  g_signal_connect_swapped (self->opacity_scale, "value-changed", G_CALLBACK (on_control_changed), self);

  for (guint i = 0; i < CANDOR_EXPLAIN_N_MAPS; i++)
    {
      GtkWidget *cell = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
      GtkWidget *view = candor_pixel_view_new ();
      GtkWidget *caption = gtk_label_new (method_title (candor_explain_method (i)));
      GtkEventController *motion = gtk_event_controller_motion_new ();

      gtk_widget_set_size_request (view, 96, 96);
      gtk_widget_set_hexpand (view, TRUE);
      gtk_widget_add_css_class (view, "attribution-map");
      gtk_label_set_ellipsize (GTK_LABEL (caption), PANGO_ELLIPSIZE_END);
      gtk_widget_add_css_class (caption, "caption-heading");
      g_signal_connect (motion, "motion", G_CALLBACK (on_map_motion), self);
      g_signal_connect (motion, "leave", G_CALLBACK (on_map_leave), self);
      gtk_widget_add_controller (view, motion);
      gtk_box_append (GTK_BOX (cell), view);
      gtk_box_append (GTK_BOX (cell), caption);
      gtk_grid_attach (self->maps_grid, cell, i % 3, i / 3, 1, 1);
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
  clear_maps (self);
  if (!show_unsupported (self, model))
    {
      gtk_label_set_label (self->placeholder_title, _("Computing attribution maps…"));
      gtk_label_set_label (self->placeholder_text,
                           _("Saliency, gradient × input, SmoothGrad, integrated gradients, occlusion "
                             "and Grad-CAM for this image, side by side on one shared colour scale."));
    }
  gtk_stack_set_visible_child_name (self->attr_stack, "placeholder");
  recompute (self);
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

  cancel_job (self);
  clear_maps (self);
  gtk_widget_set_visible (self->details_box, FALSE);
  if (!show_unsupported (self, candor_session_get_model (self->session)))
    {
      /* No numbers until the engine can map rows through the schema. */
      gtk_label_set_label (self->placeholder_title, _("Tabular explanations arrive with the schema support"));
      gtk_label_set_label (self->placeholder_text,
                           _("Then each column gets one signed bar, largest first: how much its value "
                             "pushed this row’s decision up or down."));
    }
  gtk_stack_set_visible_child_name (self->attr_stack, "placeholder");
}

static void
update (CandorExplainPage *self)
{
  CandorSample *sample = self->session ? candor_session_get_selected_sample (self->session) : NULL;

  if (sample == NULL)
    {
      cancel_job (self);
      clear_maps (self);
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
  g_return_if_fail (CANDOR_IS_EXPLAIN_PAGE (self));

  self->params = *params;
  self->params.ig_steps = CLAMP (self->params.ig_steps, 2, 500);
  self->params.alpha = CLAMP (self->params.alpha, 0.0, 1.0);
  sync_controls (self);
  recompute (self);
}

gboolean
candor_explain_page_get_computing (CandorExplainPage *self)
{
  g_return_val_if_fail (CANDOR_IS_EXPLAIN_PAGE (self), FALSE);
  return self->cancellable != NULL;
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
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *title = g_markup_escape_text (f->note ? f->note : "", -1);
      g_autofree char *subtitle = NULL;
      g_autoptr(GDateTime) when = f->created ? g_date_time_new_from_iso8601 (f->created, NULL) : NULL;
      g_autoptr(GDateTime) local = when ? g_date_time_to_local (when) : NULL;
      g_autofree char *date = local ? g_date_time_format (local, "%x %H:%M") : NULL;

      /* Translators: sample name · date */
      subtitle = g_markup_printf_escaped (_("%s · %s"), f->sample ? f->sample : "", date ? date : "");
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("emblem-important-symbolic"));
      gtk_list_box_append (self->findings_list, row);
    }
  if (findings == NULL || findings->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No findings yet"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
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
  g_clear_object (&self->target_names);
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
  properties[PROP_COMPUTING] =
    g_param_spec_boolean ("computing", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CANDOR_TYPE_PIXEL_VIEW);
  g_type_ensure (CANDOR_TYPE_WRAP_BOX);
  g_type_ensure (CANDOR_TYPE_COLOR_BAR);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/candor/Candor/ui/candor-explain-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, input_stack);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, input_view);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, details_list);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, details_box);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, prediction_list);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, attr_stack);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, controls_box);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, maps_grid);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, color_bar);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, hover_label);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, completeness_label);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, findings_list);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, values_list);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, placeholder_title);
  gtk_widget_class_bind_template_child (widget_class, CandorExplainPage, placeholder_text);
}

static void
candor_explain_page_init (CandorExplainPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  candor_explain_params_init (&self->params);
  build_controls (self);
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
  json_builder_set_member_name (b, "sign");
  json_builder_add_string_value (b, cx_sign_name (self->params.sign));
  json_builder_set_member_name (b, "outlier_percent");
  json_builder_add_double_value (b, self->params.outlier_percent);
  if (r == NULL)
    return;
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
      json_builder_set_member_name (b, "output_difference");
      json_builder_add_double_value (b, r->output - r->output_baseline);
      json_builder_set_member_name (b, "relative_error");
      json_builder_add_double_value (b, r->completeness_error);
      json_builder_end_object (b);
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
