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
#include "candor-explain-page.h"
#include "candor-export.h"
#include "candor-fairness-page.h"
#include "candor-model-card.h"
#include "candor-model.h"
#include "candor-paths.h"
#include "candor-sample.h"
#include "candor-samples-view.h"
#include "candor-session.h"
#include "candor-split-page.h"
#include "candor-whatif-page.h"
#include "candor-window.h"
#include "model.h"

#define MAX_RECENT 5

struct _CandorWindow
{
  AdwApplicationWindow parent_instance;

  /* template widgets */
  AdwHeaderBar *header_bar;
  GtkToggleButton *sidebar_button;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewSwitcherBar *switcher_bar;
  GtkSpinner *busy_spinner;
  AdwToastOverlay *toast_overlay;
  GtkStack *main_stack;
  AdwStatusPage *welcome_page;
  AdwPreferencesGroup *recent_group;
  GtkListBox *recent_list;
  GtkSpinner *loading_spinner;
  AdwFlap *flap;
  CandorModelCard *model_card;
  GtkPaned *samples_paned;
  CandorSamplesView *samples_view;
  AdwViewStack *view_stack;
  CandorExplainPage *explain_page;
  CandorWhatifPage *whatif_page;
  CandorFairnessPage *fairness_page;
  CandorSplitPage *split_page;

  /* owned */
  CandorSession *session;
  GtkFileChooserNative *chooser;
  GSettings *settings;

  /* borrowed */
  GtkRecentManager *recent_manager;

  gboolean scripted;
};

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

static gboolean
has_suffix_ci (const char *name,
               const char *suffix)
{
  gsize n = strlen (name), s = strlen (suffix);
  return n > s && g_ascii_strcasecmp (name + n - s, suffix) == 0;
}

static gboolean
is_model_file (GFile *file)
{
  g_autofree char *name = g_file_get_basename (file);
  return name != NULL && has_suffix_ci (name, ".onnx");
}

static void
show_toast (CandorWindow *self,
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

static void
update_state (CandorWindow *self)
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
                            candor_dataset_get_kind (dataset) == CANDOR_DATASET_TABLE ? 520 : 300);
  update_state (self);
}

static void
on_busy_changed (CandorWindow *self)
{
  update_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* ---- recent files ---- */

static void
add_recent (CandorWindow *self,
            GFile        *file)
{
  g_autofree char *uri = NULL;
  g_autofree char *name = NULL;
  GtkRecentData data = { 0 };

  if (self->scripted || file == NULL)
    return;
  uri = g_file_get_uri (file);
  name = g_file_get_basename (file);
  data.app_name = (char *) g_get_prgname ();
  data.app_exec = (char *) "candor %u";
  if (g_file_query_file_type (file, G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_DIRECTORY)
    data.mime_type = (char *) "inode/directory";
  else if (has_suffix_ci (name, ".onnx"))
    data.mime_type = (char *) "application/octet-stream";
  else if (has_suffix_ci (name, ".csv"))
    data.mime_type = (char *) "text/csv";
  else
    data.mime_type = (char *) "image/png";
  gtk_recent_manager_add_full (self->recent_manager, uri, &data);
}

static void
on_recent_row_activated (AdwActionRow *row,
                         CandorWindow *self)
{
  GFile *file = g_object_get_data (G_OBJECT (row), "file");

  if (is_model_file (file))
    candor_window_open (self, file, NULL);
  else
    candor_window_open (self, NULL, file);
}

static int
compare_recent (gconstpointer a,
                gconstpointer b)
{
  GtkRecentInfo *ra = *(GtkRecentInfo * const *) a;
  GtkRecentInfo *rb = *(GtkRecentInfo * const *) b;
  /* transfer none */
  return g_date_time_compare (gtk_recent_info_get_modified (rb), gtk_recent_info_get_modified (ra));
}

static void
update_recent (CandorWindow *self)
{
  GList *items = gtk_recent_manager_get_items (self->recent_manager);
  g_autoptr(GPtrArray) mine = g_ptr_array_new ();
  GtkWidget *child;
  guint shown = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->recent_list))) != NULL)
    gtk_list_box_remove (self->recent_list, child);

  for (GList *l = items; l != NULL; l = l->next)
    if (gtk_recent_info_has_application (l->data, g_get_prgname ())
        && gtk_recent_info_is_local (l->data) && gtk_recent_info_exists (l->data))
      g_ptr_array_add (mine, l->data);
  g_ptr_array_sort (mine, compare_recent);

  for (guint i = 0; i < mine->len && shown < MAX_RECENT; i++)
    {
      GtkRecentInfo *info = g_ptr_array_index (mine, i);
      g_autoptr(GFile) file = g_file_new_for_uri (gtk_recent_info_get_uri (info));
      g_autoptr(GFile) parent = g_file_get_parent (file);
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *dir = parent ? g_file_get_path (parent) : NULL;
      g_autofree char *escaped_name = g_markup_escape_text (name ? name : "", -1);
      g_autofree char *escaped_dir = NULL;
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *icon;

      if (dir != NULL && g_str_has_prefix (dir, g_get_home_dir ()))
        {
          g_autofree char *tilde = g_strconcat ("~", dir + strlen (g_get_home_dir ()), NULL);
          g_free (dir);
          dir = g_steal_pointer (&tilde);
        }
      escaped_dir = g_markup_escape_text (dir ? dir : "", -1);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), escaped_name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), escaped_dir);
      if (is_model_file (file))
        icon = gtk_image_new_from_icon_name ("candor-model-symbolic");
      else if (has_suffix_ci (name, ".csv"))
        icon = gtk_image_new_from_icon_name ("x-office-spreadsheet-symbolic");
      else if (g_str_equal (gtk_recent_info_get_mime_type (info), "inode/directory"))
        icon = gtk_image_new_from_icon_name ("folder-symbolic");
      else
        icon = gtk_image_new_from_icon_name ("image-x-generic-symbolic");
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "file", g_steal_pointer (&file), g_object_unref);
      g_signal_connect (row, "activated", G_CALLBACK (on_recent_row_activated), self);
      gtk_list_box_append (self->recent_list, row);
      shown++;
    }
  /* A scripted screenshot must not depend on (or show) the user's history. */
  gtk_widget_set_visible (GTK_WIDGET (self->recent_group), shown > 0 && !self->scripted);
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
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

  if (!candor_session_open_finish (CANDOR_SESSION (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = one_line_message (error->message, request->model, request->data);
          show_toast (self, message, 10);
          g_signal_emit (self, signals[OPEN_FAILED], 0, message);
        }
      update_state (self);
      open_request_free (request);
      return;
    }

  add_recent (self, request->model);
  add_recent (self, request->data);
  update_state (self);
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
  update_state (self);
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
      show_toast (self, message, 10);
      update_state (self);
      return;
    }
  model = g_file_new_for_path (model_path);
  if (g_file_test (data_path, G_FILE_TEST_EXISTS))
    data = g_file_new_for_path (data_path);
  candor_window_open (self, model, data);
}

/* Splits what the user picked or dropped into one model and one input. */
static gboolean
open_files (CandorWindow *self,
            GSList       *files)
{
  GFile *model = NULL, *data = NULL;

  for (GSList *l = files; l != NULL; l = l->next)
    {
      if (model == NULL && is_model_file (l->data))
        model = l->data;
      else if (data == NULL && candor_dataset_can_load (l->data))
        data = l->data;
    }
  if (model == NULL && data == NULL)
    return FALSE;
  candor_window_open (self, model, data);
  return TRUE;
}

static void
on_open_response (GtkNativeDialog *dialog,
                  int              response,
                  CandorWindow    *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func (g_object_unref);
      GSList *list = NULL;

      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        {
          GFile *file = g_list_model_get_item (files, i);
          g_ptr_array_add (owned, file);
          list = g_slist_append (list, file);
        }
      if (!open_files (self, list))
        show_toast (self, _("Choose an .onnx model, a PNG image or a CSV table"), 5);
      g_slist_free (list);
    }
  g_clear_object (&self->chooser);
}

static void
add_filter (GtkFileChooser *chooser,
            const char     *name,
            const char     *suffixes)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_auto(GStrv) list = g_strsplit (suffixes, " ", -1);

  gtk_file_filter_set_name (filter, name);
  for (guint i = 0; list[i] != NULL; i++)
    gtk_file_filter_add_suffix (filter, list[i]);
  gtk_file_chooser_add_filter (chooser, filter);
}

static void
open_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  CandorWindow *self = user_data;
  GtkFileChooser *chooser;

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Open a Model or Data"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Open"), _("_Cancel"));
  chooser = GTK_FILE_CHOOSER (self->chooser);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_select_multiple (chooser, TRUE);
  add_filter (chooser, _("Models and Data (*.onnx, *.png, *.csv)"), "onnx png csv");
  add_filter (chooser, _("ONNX Models (*.onnx)"), "onnx");
  add_filter (chooser, _("PNG Images (*.png)"), "png");
  add_filter (chooser, _("CSV Tables (*.csv)"), "csv");
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_open_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
open_demo_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  candor_window_open_demo (CANDOR_WINDOW (user_data), g_variant_get_string (parameter, NULL));
}

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         CandorWindow  *self)
{
  GdkFileList *list = g_value_get_boxed (value);
  GSList *files = list ? gdk_file_list_get_files (list) : NULL;
  gboolean opened = open_files (self, files);

  if (!opened)
    show_toast (self, _("Drop an .onnx model, a folder of PNG images, a PNG image or a CSV table"), 5);
  g_slist_free (files);
  return opened;
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

static void
on_export_response (GtkNativeDialog *dialog,
                    int              response,
                    CandorWindow    *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      g_autofree char *name = g_file_get_basename (file);
      g_autoptr(GError) error = NULL;

      /* Let the dialog go away before the window is captured. */
      if (path == NULL)
        show_toast (self, _("Exports can only be saved to local folders"), 5);
      else if (!candor_window_export_png (self, path, &error))
        {
          g_autofree char *message = g_strdup_printf (_("Could not export: %s"), error->message);
          show_toast (self, message, 10);
        }
      else
        {
          g_autofree char *message = g_strdup_printf (_("Exported “%s”"), name);
          show_toast (self, message, 3);
        }
    }
  g_clear_object (&self->chooser);
}

static void
export_png_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  CandorWindow *self = user_data;
  CandorModel *model = candor_session_get_model (self->session);
  g_autofree char *stem = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;
  if (model != NULL)
    {
      const char *model_name = candor_model_get_name (model);
      const char *dot = strrchr (model_name, '.');
      stem = g_strndup (model_name, dot ? (gsize) (dot - model_name) : strlen (model_name));
    }
  name = g_strdup_printf ("%s-%s.png", stem ? stem : "candor",
                          adw_view_stack_get_visible_child_name (self->view_stack));

  self->chooser = gtk_file_chooser_native_new (_("Export View as PNG"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  gtk_file_filter_set_name (filter, _("PNG Images (*.png)"));
  gtk_file_filter_add_suffix (filter, "png");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* ---- other actions ---- */

static void
copy_sha256_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  CandorWindow *self = user_data;
  CandorModel *model = candor_session_get_model (self->session);

  if (model == NULL)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)),
                          candor_model_get_sha256 (model));
  show_toast (self, _("SHA-256 copied"), 2);
}

static void
select_sample_activated (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  CandorWindow *self = user_data;
  candor_session_select_index (self->session, g_variant_get_uint32 (parameter));
}

static void
search_samples_activated (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  CandorWindow *self = user_data;

  if (candor_session_get_dataset (self->session) != NULL)
    candor_samples_view_focus_search (self->samples_view);
}

static const GActionEntry win_actions[] = {
  { "open", open_activated },
  { "open-demo", open_demo_activated, "s" },
  { "export-png", export_png_activated },
  { "copy-sha256", copy_sha256_activated },
  { "select-sample", select_sample_activated, "u" },
  { "search-samples", search_samples_activated },
};

/* ---- views ---- */

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

/* "application" is not a construct property, so this runs after
 * construction, from candor_window_new(). */
static void
setup_for_application (CandorWindow      *self,
                       CandorApplication *app)
{
  self->scripted = app != NULL && candor_application_get_scripted (app);
  update_recent (self);
  if (app != NULL && !self->scripted && candor_application_get_settings (app) != NULL)
    {
      self->settings = g_object_ref (candor_application_get_settings (app));
      g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "show-model-card", self->flap, "reveal-flap", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "view", self->view_stack, "visible-child-name", G_SETTINGS_BIND_DEFAULT);
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
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);

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
}

static void
candor_window_init (CandorWindow *self)
{
  g_autoptr(GPropertyAction) show_sidebar = NULL;
  g_autoptr(GPropertyAction) show_view = NULL;
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->session = candor_session_new ();
  g_signal_connect_swapped (self->session, "notify::model", G_CALLBACK (update_state), self);
  g_signal_connect_swapped (self->session, "notify::dataset", G_CALLBACK (on_dataset_changed), self);
  g_signal_connect_swapped (self->session, "notify::busy", G_CALLBACK (on_busy_changed), self);
  g_object_bind_property (self->session, "model", self->model_card, "model", G_BINDING_SYNC_CREATE);
  g_object_set (self->samples_view, "session", self->session, NULL);
  g_object_set (self->explain_page, "session", self->session, NULL);
  g_object_set (self->whatif_page, "session", self->session, NULL);
  g_object_set (self->fairness_page, "session", self->session, NULL);
  g_object_set (self->split_page, "session", self->session, NULL);

  g_signal_connect_swapped (self->switcher_title, "notify::title-visible",
                            G_CALLBACK (update_state), self);

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions), self);
  show_sidebar = g_property_action_new ("show-sidebar", self->flap, "reveal-flap");
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (show_sidebar));
  show_view = g_property_action_new ("show-view", self->view_stack, "visible-child-name");
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (show_view));

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self->toast_overlay), GTK_EVENT_CONTROLLER (drop));

  self->recent_manager = gtk_recent_manager_get_default ();
  g_signal_connect_swapped (self->recent_manager, "changed", G_CALLBACK (update_recent), self);
  update_recent (self);

  update_state (self);
}

CandorWindow *
candor_window_new (CandorApplication *application)
{
  CandorWindow *self = g_object_new (CANDOR_TYPE_WINDOW, "application", application, NULL);

  setup_for_application (self, application);
  return self;
}
