/* candor-window.c: the main window.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "candor-application.h"
#include "candor-dataset.h"
#include "candor-enums.h"
#include "candor-export.h"
#include "candor-fairness-analysis.h"
#include "candor-model.h"
#include "candor-paths.h"
#include "candor-sample.h"
#include "candor-session.h"
#include "candor-window-private.h"
#include "model.h"

G_DEFINE_FINAL_TYPE (CandorWindow, candor_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_BUSY,
  N_PROPS
};

enum {
  OPEN_FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

void
candor_window_show_toast (CandorWindow *self,
                          const char   *message,
                          guint         timeout)
{
  g_autofree char *escaped = g_markup_escape_text (message, -1);
  AdwToast *toast = adw_toast_new (escaped);

  adw_toast_set_timeout (toast, timeout);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* Error messages name files by their full path; a toast has one line, so
 * keep the base names and the first line. */
static char *
one_line_message (const char *message,
                  GFile      *model,
                  GFile      *data)
{
  g_autoptr(GString) text = g_string_new (message);
  GFile *files[] = { model, data };
  char *newline;

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = files[i] ? g_file_get_path (files[i]) : NULL;
      g_autofree char *dir = path ? g_path_get_dirname (path) : NULL;
      if (dir != NULL && strcmp (dir, ".") != 0 && strcmp (dir, "/") != 0)
        {
          g_autofree char *prefix = g_strconcat (dir, G_DIR_SEPARATOR_S, NULL);
          g_string_replace (text, prefix, "", 0);
        }
    }
  newline = strchr (text->str, '\n');
  if (newline != NULL)
    g_string_truncate (text, newline - text->str);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* ---- state ---- */

void
candor_window_update_state (CandorWindow *self)
{
  CandorModel *model = candor_session_get_model (self->session);
  CandorDataset *dataset = candor_session_get_dataset (self->session);
  gboolean busy = candor_session_get_busy (self->session);
  gboolean have_content = model != NULL || dataset != NULL;
  const char *page;
  GAction *action;

  if (have_content)
    page = "workbench";
  else if (busy)
    page = "loading";
  else
    page = "welcome";
  gtk_stack_set_visible_child_name (self->main_stack, page);
  gtk_spinner_set_spinning (self->loading_spinner, !have_content && busy);
  gtk_spinner_set_spinning (self->busy_spinner, have_content && busy);
  gtk_widget_set_visible (GTK_WIDGET (self->busy_spinner), have_content && busy);

  gtk_widget_set_visible (GTK_WIDGET (self->sidebar_button), have_content);
  adw_view_switcher_title_set_view_switcher_enabled (self->switcher_title, have_content);
  /* Narrow windows switch views at the bottom, once there is something to view. */
  adw_view_switcher_bar_set_reveal (self->switcher_bar,
                                    have_content && adw_view_switcher_title_get_title_visible (self->switcher_title));
  action = g_action_map_lookup_action (G_ACTION_MAP (self), "export-png");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), have_content);
  action = g_action_map_lookup_action (G_ACTION_MAP (self), "export-numbers");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), candor_explain_page_has_explanation (self->explain_page));
  action = g_action_map_lookup_action (G_ACTION_MAP (self), "copy-sha256");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), model != NULL);

  if (model != NULL)
    {
      g_autofree char *title = g_strdup_printf (_("%s — Candor"), candor_model_get_name (model));
      gtk_window_set_title (GTK_WINDOW (self), title);
      adw_view_switcher_title_set_subtitle (self->switcher_title, candor_model_get_name (model));
    }
  else
    {
      gtk_window_set_title (GTK_WINDOW (self), _("Candor"));
      adw_view_switcher_title_set_subtitle (self->switcher_title,
                                            dataset ? candor_dataset_get_name (dataset) : NULL);
    }
}

static void
on_dataset_changed (CandorWindow *self)
{
  CandorDataset *dataset = candor_session_get_dataset (self->session);

  /* A table needs room for its columns; thumbnails need little. */
  if (dataset != NULL)
    gtk_paned_set_position (self->samples_paned,
                            candor_dataset_get_kind (dataset) == CANDOR_DATASET_TABLE ? 440 : 300);
  candor_window_update_state (self);
}

static void
on_busy_changed (CandorWindow *self)
{
  candor_window_update_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* ---- opening ---- */

typedef struct
{
  CandorWindow *self;
  GFile *model;
  GFile *data;
} OpenRequest;

static void
open_request_free (OpenRequest *request)
{
  g_clear_object (&request->self);
  g_clear_object (&request->model);
  g_clear_object (&request->data);
  g_free (request);
}

static void
open_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  OpenRequest *request = user_data;
  CandorWindow *self = request->self;
  g_autoptr(GError) error = NULL;
  gboolean ok = candor_session_open_finish (CANDOR_SESSION (object), result, &error);

  /* The window was closed while the files loaded. */
  if (self->session == NULL)
    {
      open_request_free (request);
      return;
    }
  if (!ok)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = one_line_message (error->message, request->model, request->data);
          /* An opened session's selection and What If settings were for
           * these files, not for whatever opens next. */
          g_clear_pointer (&self->pending_sample, g_free);
          self->pending_whatif = FALSE;
          candor_window_show_toast (self, message, 10);
          g_signal_emit (self, signals[OPEN_FAILED], 0, message);
        }
      candor_window_update_state (self);
      open_request_free (request);
      return;
    }

  candor_window_add_recent (self, request->model);
  candor_window_add_recent (self, request->data);
  candor_window_session_opened (self);
  candor_window_update_state (self);
  open_request_free (request);
}

void
candor_window_open (CandorWindow *self,
                    GFile        *model,
                    GFile        *data)
{
  OpenRequest *request;

  g_return_if_fail (CANDOR_IS_WINDOW (self));
  g_return_if_fail (model != NULL || data != NULL);

  request = g_new0 (OpenRequest, 1);
  request->self = g_object_ref (self);
  request->model = model ? g_object_ref (model) : NULL;
  request->data = data ? g_object_ref (data) : NULL;
  candor_session_open_async (self->session, model, data, NULL, open_done, request);
  candor_window_update_state (self);
}

void
candor_window_open_demo (CandorWindow *self,
                         const char   *name)
{
  const char *dir = candor_paths_demo_dir ();
  g_autofree char *model_path = NULL;
  g_autofree char *data_path = NULL;
  g_autoptr(GFile) model = NULL;
  g_autoptr(GFile) data = NULL;

  g_return_if_fail (CANDOR_IS_WINDOW (self));

  if (g_strcmp0 (name, "hmda") == 0)
    {
      model_path = g_build_filename (dir, "hmda-mlp.onnx", NULL);
      data_path = g_build_filename (dir, "hmda.csv", NULL);
    }
  else
    {
      model_path = g_build_filename (dir, "fashion-cnn.onnx", NULL);
      data_path = g_build_filename (dir, "fashion-samples", NULL);
    }

  if (!g_file_test (model_path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *base = g_path_get_basename (model_path);
      g_autofree char *message = g_strdup_printf (_("The demo is not installed: %s is missing"), base);
      /* Not an ::open-failed: the welcome page is the right thing to show. */
      candor_window_show_toast (self, message, 10);
      candor_window_update_state (self);
      return;
    }
  model = g_file_new_for_path (model_path);
  if (g_file_test (data_path, G_FILE_TEST_EXISTS))
    data = g_file_new_for_path (data_path);
  candor_window_open (self, model, data);
}

/* ---- export ---- */

/* The window's content over the window background: no resize borders,
 * shadows or rounded corners, whatever the window manager does. */
static GdkTexture *
candor_window_render (CandorWindow  *self,
                      GError       **error)
{
  GtkWidget *content = adw_application_window_get_content (ADW_APPLICATION_WINDOW (self));
  GdkRGBA background = { 0.98f, 0.98f, 0.98f, 1.0f };

G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_lookup_color (gtk_widget_get_style_context (GTK_WIDGET (self)),
                                  "window_bg_color", &background);
G_GNUC_END_IGNORE_DEPRECATIONS
  return candor_export_render (content, &background, error);
}

gboolean
candor_window_fit_content (CandorWindow *self,
                           int           width,
                           int           height)
{
  GtkWidget *content;
  int dw, dh, ww, wh;

  g_return_val_if_fail (CANDOR_IS_WINDOW (self), FALSE);

  content = adw_application_window_get_content (ADW_APPLICATION_WINDOW (self));
  dw = width - gtk_widget_get_width (content);
  dh = height - gtk_widget_get_height (content);
  if (dw == 0 && dh == 0)
    return TRUE;
  gtk_window_get_default_size (GTK_WINDOW (self), &ww, &wh);
  gtk_window_set_default_size (GTK_WINDOW (self), ww + dw, wh + dh);
  return FALSE;
}

gboolean
candor_window_export_png (CandorWindow  *self,
                          const char    *path,
                          GError       **error)
{
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GPtrArray) text = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  CandorModel *model;
  CandorDataset *dataset;
  CandorSample *sample;

  g_return_val_if_fail (CANDOR_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  texture = candor_window_render (self, error);
  if (texture == NULL)
    return FALSE;

#define ADD(key, value) G_STMT_START { \
    g_ptr_array_add (text, g_strdup (key)); \
    g_ptr_array_add (text, value); \
  } G_STMT_END

  ADD ("Software", g_strdup_printf ("Candor %s", CANDOR_VERSION));
  ADD ("View", g_strdup (adw_view_stack_get_visible_child_name (self->view_stack)));
  model = candor_session_get_model (self->session);
  if (model != NULL)
    {
      ADD ("Model-File", g_strdup (candor_model_get_name (model)));
      ADD ("Model-SHA256", g_strdup (candor_model_get_sha256 (model)));
    }
  dataset = candor_session_get_dataset (self->session);
  if (dataset != NULL)
    {
      ADD ("Data-File", g_strdup (candor_dataset_get_name (dataset)));
      if (candor_dataset_get_sha256 (dataset) != NULL)
        ADD ("Data-SHA256", g_strdup (candor_dataset_get_sha256 (dataset)));
    }
  sample = candor_session_get_selected_sample (self->session);
  if (sample != NULL && candor_sample_get_file (sample) != NULL)
    {
      g_autofree char *input_path = g_file_get_path (candor_sample_get_file (sample));
      char *sha = input_path ? cx_file_sha256 (input_path, NULL) : NULL;
      ADD ("Input-File", g_strdup (candor_sample_get_name (sample)));
      if (sha != NULL)
        ADD ("Input-SHA256", sha);
    }
  else if (sample != NULL)
    ADD ("Input-Row", g_strdup_printf ("%u", candor_sample_get_index (sample) + 1));
  ADD ("Creation-Time", g_date_time_format_iso8601 (now));
#undef ADD
  g_ptr_array_add (text, NULL);

  return candor_export_write_png (texture, path, (const char * const *) text->pdata, error);
}

/* ---- views ---- */

/* A group picked in a fairness chart or table: list its rows. */
static void
on_fairness_group_activated (CandorWindow *self,
                             const char   *column,
                             const char   *value)
{
  candor_samples_view_set_group_filter (self->samples_view, column, value);
}

/* Side by Side needs the width of two pages, Fairness the width of its
 * charts and table, What If the width of its table: the model card makes
 * way while they are shown, and comes back after. */
static void
on_view_changed (CandorWindow *self)
{
  const char *view = adw_view_stack_get_visible_child_name (self->view_stack);
  gboolean wide = g_strcmp0 (view, "split") == 0 || g_strcmp0 (view, "fairness") == 0
                  || g_strcmp0 (view, "whatif") == 0;

  if (wide && adw_flap_get_reveal_flap (self->flap)
      && gtk_widget_get_width (GTK_WIDGET (self)) < 1600)
    {
      self->card_hidden_for_split = TRUE;
      adw_flap_set_reveal_flap (self->flap, FALSE);
    }
  else if (!wide && self->card_hidden_for_split)
    {
      self->card_hidden_for_split = FALSE;
      adw_flap_set_reveal_flap (self->flap, TRUE);
    }
}

CandorView
candor_window_get_view (CandorWindow *self)
{
  g_autoptr(GEnumClass) views = g_type_class_ref (CANDOR_TYPE_VIEW);
  GEnumValue *value;

  g_return_val_if_fail (CANDOR_IS_WINDOW (self), CANDOR_VIEW_EXPLAIN);

  value = g_enum_get_value_by_nick (views, adw_view_stack_get_visible_child_name (self->view_stack));
  return value ? value->value : CANDOR_VIEW_EXPLAIN;
}

void
candor_window_set_view (CandorWindow *self,
                        CandorView    view)
{
  g_autoptr(GEnumClass) views = g_type_class_ref (CANDOR_TYPE_VIEW);
  GEnumValue *value;

  g_return_if_fail (CANDOR_IS_WINDOW (self));

  value = g_enum_get_value (views, view);
  g_return_if_fail (value != NULL);
  adw_view_stack_set_visible_child_name (self->view_stack, value->value_nick);
}

gboolean
candor_window_get_busy (CandorWindow *self)
{
  g_return_val_if_fail (CANDOR_IS_WINDOW (self), FALSE);
  return candor_session_get_busy (self->session);
}

CandorSession *
candor_window_get_session (CandorWindow *self)
{
  g_return_val_if_fail (CANDOR_IS_WINDOW (self), NULL);
  return self->session;
}

/* ---- GObject ---- */

static const char *const explain_keys[] = {
  "ig-steps", "ig-rule", "smoothgrad-samples", "smoothgrad-noise", "overlay-opacity", "outlier-percent",
  "baseline",
};

/* The method defaults of Preferences, for the explanations shown. */
static void
apply_explain_defaults (CandorWindow *self)
{
  CandorExplainParams params;
  g_autofree char *rule = g_settings_get_string (self->settings, "ig-rule");
  g_autofree char *baseline = g_settings_get_string (self->settings, "baseline");

  candor_explain_page_get_params (self->explain_page, &params);
  params.ig_steps = (int) g_settings_get_uint (self->settings, "ig-steps");
  cx_ig_rule_from_name (rule, &params.ig_rule);
  /* An image's baseline; a table row's stays the table's mean unless picked. */
  cx_baseline_from_name (baseline, &params.ig_baseline);
  params.smoothgrad_samples = (int) g_settings_get_uint (self->settings, "smoothgrad-samples");
  params.smoothgrad_noise = g_settings_get_double (self->settings, "smoothgrad-noise");
  params.alpha = g_settings_get_double (self->settings, "overlay-opacity");
  params.outlier_percent = g_settings_get_double (self->settings, "outlier-percent");
  candor_explain_page_set_params (self->explain_page, &params);
}

/* The fairness defaults of Preferences, for the groups compared. */
static void
apply_fairness_defaults (CandorWindow *self)
{
  CandorFairnessAnalysis *analysis = candor_fairness_analysis_get_for_session (self->session);

  candor_fairness_analysis_set_threshold (analysis, g_settings_get_double (self->settings, "decision-threshold"));
  candor_fairness_analysis_set_resamples (analysis, g_settings_get_uint (self->settings, "bootstrap-resamples"));
}

/* "application" is not a construct property, so this runs after
 * construction, from candor_window_new(). */
static void
setup_for_application (CandorWindow      *self,
                       CandorApplication *app)
{
  self->scripted = app != NULL && candor_application_get_scripted (app);
  candor_window_update_recent (self);
  if (app != NULL && !self->scripted && candor_application_get_settings (app) != NULL)
    {
      self->settings = g_object_ref (candor_application_get_settings (app));
      g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "show-model-card", self->flap, "reveal-flap", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "view", self->view_stack, "visible-child-name", G_SETTINGS_BIND_DEFAULT);
      apply_explain_defaults (self);
      apply_fairness_defaults (self);
      g_signal_connect_object (self->settings, "changed::decision-threshold",
                               G_CALLBACK (apply_fairness_defaults), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->settings, "changed::bootstrap-resamples",
                               G_CALLBACK (apply_fairness_defaults), self, G_CONNECT_SWAPPED);
      for (guint i = 0; i < G_N_ELEMENTS (explain_keys); i++)
        {
          g_autofree char *signal = g_strconcat ("changed::", explain_keys[i], NULL);
          g_signal_connect_object (self->settings, signal, G_CALLBACK (apply_explain_defaults),
                                   self, G_CONNECT_SWAPPED);
        }
    }
  else if (self->scripted)
    {
      /* A screenshot is reproducible: fixed size, default layout. */
      gtk_window_set_default_size (GTK_WINDOW (self), CANDOR_SCREENSHOT_WIDTH, CANDOR_SCREENSHOT_HEIGHT);
      /* Without a compositor, a decorated window keeps a resize border
       * inside its size; a screenshot wants the content only. */
      gtk_window_set_decorated (GTK_WINDOW (self), FALSE);
      /* GTK caps the default size a little inside the screen (1270 on
       * xvfb-run's 1280-wide screen); a minimum size is not capped. */
      gtk_widget_set_size_request (adw_application_window_get_content (ADW_APPLICATION_WINDOW (self)),
                                   CANDOR_SCREENSHOT_WIDTH, CANDOR_SCREENSHOT_HEIGHT);
    }
}

static void
candor_window_dispose (GObject *object)
{
  CandorWindow *self = CANDOR_WINDOW (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  if (self->recent_manager != NULL)
    g_signal_handlers_disconnect_by_data (self->recent_manager, self);
  self->recent_manager = NULL;
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      candor_session_cancel (self->session);
    }
  g_clear_object (&self->session);
  g_clear_object (&self->settings);
  candor_window_session_clear (self);

  gtk_widget_dispose_template (GTK_WIDGET (self), CANDOR_TYPE_WINDOW);

  G_OBJECT_CLASS (candor_window_parent_class)->dispose (object);
}

static void
candor_window_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  CandorWindow *self = CANDOR_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, candor_window_get_busy (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
candor_window_class_init (CandorWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = candor_window_dispose;
  object_class->get_property = candor_window_get_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, CANDOR_TYPE_SESSION,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CandorWindow::open-failed:
   * @message: one line saying what went wrong
   *
   * Opening files failed; the window shows what it showed before.
   */
  signals[OPEN_FAILED] =
    g_signal_new ("open-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (CANDOR_TYPE_MODEL_CARD);
  g_type_ensure (CANDOR_TYPE_SAMPLES_VIEW);
  g_type_ensure (CANDOR_TYPE_EXPLAIN_PAGE);
  g_type_ensure (CANDOR_TYPE_WHATIF_PAGE);
  g_type_ensure (CANDOR_TYPE_FAIRNESS_PAGE);
  g_type_ensure (CANDOR_TYPE_SPLIT_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/candor/Candor/ui/candor-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CandorWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, CandorWindow, sidebar_button);
  gtk_widget_class_bind_template_child (widget_class, CandorWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, CandorWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, CandorWindow, busy_spinner);
  gtk_widget_class_bind_template_child (widget_class, CandorWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CandorWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, CandorWindow, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, CandorWindow, recent_group);
  gtk_widget_class_bind_template_child (widget_class, CandorWindow, recent_list);
  gtk_widget_class_bind_template_child (widget_class, CandorWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, CandorWindow, flap);
  gtk_widget_class_bind_template_child (widget_class, CandorWindow, model_card);
  gtk_widget_class_bind_template_child (widget_class, CandorWindow, samples_paned);
  gtk_widget_class_bind_template_child (widget_class, CandorWindow, samples_view);
  gtk_widget_class_bind_template_child (widget_class, CandorWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, CandorWindow, explain_page);
  gtk_widget_class_bind_template_child (widget_class, CandorWindow, whatif_page);
  gtk_widget_class_bind_template_child (widget_class, CandorWindow, fairness_page);
  gtk_widget_class_bind_template_child (widget_class, CandorWindow, split_page);
  gtk_widget_class_bind_template_child (widget_class, CandorWindow, report_revealer);
  gtk_widget_class_bind_template_child (widget_class, CandorWindow, report_label);
  gtk_widget_class_bind_template_child (widget_class, CandorWindow, report_progress);
}

static void
candor_window_init (CandorWindow *self)
{
  g_autoptr(GPropertyAction) show_sidebar = NULL;
  g_autoptr(GPropertyAction) show_view = NULL;
  gtk_widget_init_template (GTK_WIDGET (self));

  self->session = candor_session_new ();
  g_signal_connect_swapped (self->session, "notify::model", G_CALLBACK (candor_window_update_state), self);
  g_signal_connect_swapped (self->session, "notify::dataset", G_CALLBACK (on_dataset_changed), self);
  g_signal_connect_swapped (self->session, "notify::busy", G_CALLBACK (on_busy_changed), self);
  g_object_bind_property (self->session, "model", self->model_card, "model", G_BINDING_SYNC_CREATE);
  g_object_set (self->samples_view, "session", self->session, NULL);
  g_object_set (self->explain_page, "session", self->session, NULL);
  g_object_set (self->whatif_page, "session", self->session, NULL);
  g_object_set (self->fairness_page, "session", self->session, NULL);
  g_object_set (self->split_page, "session", self->session, NULL);
  g_signal_connect_swapped (self->fairness_page, "group-activated",
                            G_CALLBACK (on_fairness_group_activated), self);
  g_signal_connect_swapped (candor_split_page_get_fairness_page (self->split_page), "group-activated",
                            G_CALLBACK (on_fairness_group_activated), self);

  g_signal_connect_swapped (self->switcher_title, "notify::title-visible",
                            G_CALLBACK (candor_window_update_state), self);

  candor_window_actions_init (self);
  candor_window_session_init (self);
  g_signal_connect_swapped (self->view_stack, "notify::visible-child-name",
                            G_CALLBACK (on_view_changed), self);
  show_sidebar = g_property_action_new ("show-sidebar", self->flap, "reveal-flap");
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (show_sidebar));
  show_view = g_property_action_new ("show-view", self->view_stack, "visible-child-name");
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (show_view));

  candor_window_update_state (self);
}

CandorWindow *
candor_window_new (CandorApplication *application)
{
  CandorWindow *self = g_object_new (CANDOR_TYPE_WINDOW, "application", application, NULL);

  setup_for_application (self, application);
  return self;
}
