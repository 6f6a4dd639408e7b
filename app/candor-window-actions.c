/* candor-window-actions.c: what the user can do in a window: the win.*
 * actions (open, export, copy, select…), drag and drop, recent files.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "candor-dataset.h"
#include "candor-fairness-analysis.h"
#include "candor-model.h"
#include "candor-sample.h"
#include "candor-session.h"
#include "candor-enums.h"
#include "candor-window-private.h"

#define MAX_RECENT 5

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

/* ---- recent files ---- */

void
candor_window_add_recent (CandorWindow *self,
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

void
candor_window_update_recent (CandorWindow *self)
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
        candor_window_show_toast (self, _("Choose an .onnx model, a PNG image or a CSV table"), 5);
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
    candor_window_show_toast (self, _("Drop an .onnx model, a folder of PNG images, a PNG image or a CSV table"), 5);
  g_slist_free (files);
  return opened;
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
        candor_window_show_toast (self, _("Exports can only be saved to local folders"), 5);
      else if (!candor_window_export_png (self, path, &error))
        {
          g_autofree char *message = g_strdup_printf (_("Could not export: %s"), error->message);
          candor_window_show_toast (self, message, 10);
        }
      else
        {
          g_autofree char *message = g_strdup_printf (_("Exported “%s”"), name);
          candor_window_show_toast (self, message, 3);
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

/* ---- numbers ---- */

static gboolean
export_numbers (CandorWindow *self,
                const char   *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_filename_display_basename (path);

  if (!candor_explain_page_export_numbers (self->explain_page, path, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not export the numbers: %s"), error->message);
      candor_window_show_toast (self, message, 10);
      /* Scripted runs have no one to read toasts. */
      if (self->scripted)
        g_printerr ("candor: %s\n", message);
      return FALSE;
    }
  {
    g_autofree char *message = g_strdup_printf (_("Exported “%s”"), name);
    candor_window_show_toast (self, message, 3);
  }
  return TRUE;
}

static void
on_export_numbers_response (GtkNativeDialog *dialog,
                            int              response,
                            CandorWindow    *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      GtkFileFilter *filter = gtk_file_chooser_get_filter (GTK_FILE_CHOOSER (dialog));

      if (path == NULL)
        candor_window_show_toast (self, _("Exports can only be saved to local folders"), 5);
      else
        {
          /* A name without .csv or .json gets the one of the filter shown. */
          if (!has_suffix_ci (path, ".csv") && !has_suffix_ci (path, ".json"))
            {
              gboolean json = filter != NULL && g_object_get_data (G_OBJECT (filter), "json") != NULL;
              g_autofree char *named = g_strconcat (path, json ? ".json" : ".csv", NULL);
              g_free (path);
              path = g_steal_pointer (&named);
            }
          export_numbers (self, path);
        }
    }
  g_clear_object (&self->chooser);
}

static void
export_numbers_activated (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  CandorWindow *self = user_data;
  g_autofree char *stem = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GtkFileFilter) csv = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) json = gtk_file_filter_new ();

  if (self->chooser != NULL || !candor_explain_page_has_explanation (self->explain_page))
    return;
  stem = candor_explain_page_suggest_name (self->explain_page);
  name = g_strconcat (stem, ".csv", NULL);
  self->chooser = gtk_file_chooser_native_new (_("Export Numbers"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  gtk_file_filter_set_name (csv, _("CSV Tables (*.csv)"));
  gtk_file_filter_add_suffix (csv, "csv");
  gtk_file_filter_set_name (json, _("JSON Documents (*.json)"));
  gtk_file_filter_add_suffix (json, "json");
  g_object_set_data (G_OBJECT (json), "json", GINT_TO_POINTER (1));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), csv);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), json);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_export_numbers_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* The test hook: the numbers to a path, without a dialog. */
static void
export_numbers_to_activated (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  CandorWindow *self = user_data;
  g_autofree char *path = g_canonicalize_filename (g_variant_get_string (parameter, NULL), NULL);

  export_numbers (self, path);
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
  candor_window_show_toast (self, _("SHA-256 copied"), 2);
}

static void
select_sample_activated (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  CandorWindow *self = user_data;
  candor_session_select_index (self->session, g_variant_get_uint32 (parameter));
}

/* Explanation parameters, as a user sets them with the page's controls. */
static void
set_explain_param_activated (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  CandorWindow *self = user_data;
  const char *name = g_action_get_name (G_ACTION (action));
  CandorExplainParams params;

  candor_explain_page_get_params (self->explain_page, &params);
  if (g_str_equal (name, "set-ig-steps"))
    params.ig_steps = g_variant_get_int32 (parameter);
  else if (g_str_equal (name, "set-target"))
    params.target = g_variant_get_int32 (parameter);
  else if (g_str_equal (name, "set-outlier-percent"))
    params.outlier_percent = CLAMP (g_variant_get_double (parameter), 0.0, 20.0);
  else if (g_str_equal (name, "set-ig-rule")
           && !cx_ig_rule_from_name (g_variant_get_string (parameter, NULL), &params.ig_rule))
    return;
  else if (g_str_equal (name, "set-sign")
           && !cx_sign_from_name (g_variant_get_string (parameter, NULL), &params.sign))
    return;
  else if (g_str_equal (name, "set-explain-method")
           && (!cx_method_from_name (g_variant_get_string (parameter, NULL), &params.table_method)
               || !candor_explain_is_table_method (params.table_method)))
    return;
  else if (g_str_equal (name, "set-ig-baseline"))
    {
      /* The baseline control the page shows: a table row's or an image's. */
      CxBaselineKind kind;

      if (!cx_baseline_from_name (g_variant_get_string (parameter, NULL), &kind))
        return;
      if (!candor_explain_page_get_showing_row (self->explain_page))
        params.ig_baseline = kind;
      else if (kind == CX_BASELINE_MEAN || kind == CX_BASELINE_ZEROS)
        params.table_baseline = kind;
      else
        return;
    }
  candor_explain_page_set_params (self->explain_page, &params);
}

static void
filter_outcome_activated (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  CandorWindow *self = user_data;
  candor_samples_view_set_outcome_filter (self->samples_view, g_variant_get_int32 (parameter));
}

/* ("", "") shows every group again. */
static void
filter_group_activated (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  CandorWindow *self = user_data;
  const char *column, *value;

  g_variant_get (parameter, "(&s&s)", &column, &value);
  candor_samples_view_set_group_filter (self->samples_view, *column ? column : NULL,
                                        *column ? value : NULL);
}

/* Fairness: the decision threshold, the columns compared ("" as the
 * second: none) and a group to pick, as the Fairness view's controls do. */
static void
set_threshold_activated (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  CandorWindow *self = user_data;
  candor_fairness_analysis_set_threshold (candor_fairness_analysis_get_for_session (self->session),
                                          g_variant_get_double (parameter));
}

static void
set_fairness_columns_activated (GSimpleAction *action,
                                GVariant      *parameter,
                                gpointer       user_data)
{
  CandorWindow *self = user_data;
  const char *first, *second;

  g_variant_get (parameter, "(&s&s)", &first, &second);
  if (!candor_fairness_analysis_set_columns (candor_fairness_analysis_get_for_session (self->session),
                                             first, second))
    {
      g_autofree char *message = g_strdup_printf (_("“%s” cannot be compared: it is not a sensitive column"),
                                                  *second && !g_str_equal (first, second) ? second : first);
      candor_window_show_toast (self, message, 5);
    }
}

static void
select_group_activated (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  CandorWindow *self = user_data;
  const char *column, *value;

  g_variant_get (parameter, "(&s&s)", &column, &value);
  candor_fairness_page_select_group (self->fairness_page, column, value);
}

static void
set_view_activated (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  CandorWindow *self = user_data;
  g_autoptr(GEnumClass) views = g_type_class_ref (CANDOR_TYPE_VIEW);
  GEnumValue *value = g_enum_get_value_by_nick (views, g_variant_get_string (parameter, NULL));

  if (value != NULL)
    candor_window_set_view (self, value->value);
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

/* ---- What If ---- */

static void
lock_column_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  CandorWindow *self = user_data;
  const char *column;
  gboolean locked;

  g_variant_get (parameter, "(&sb)", &column, &locked);
  candor_whatif_page_set_locked (self->whatif_page, column, locked);
}

static void
set_counterfactual_param_activated (GSimpleAction *action,
                                    GVariant      *parameter,
                                    gpointer       user_data)
{
  CandorWindow *self = user_data;

  if (g_str_equal (g_action_get_name (G_ACTION (action)), "set-counterfactual-count"))
    candor_whatif_page_set_count (self->whatif_page, g_variant_get_int32 (parameter));
  else
    candor_whatif_page_set_target (self->whatif_page, g_variant_get_int32 (parameter));
}

static void
show_all_columns_activated (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  CandorWindow *self = user_data;
  candor_whatif_page_set_show_all (self->whatif_page, g_variant_get_boolean (parameter));
}

static void
export_counterfactuals_activated (GSimpleAction *action,
                                  GVariant      *parameter,
                                  gpointer       user_data)
{
  CandorWindow *self = user_data;
  candor_whatif_page_export (self->whatif_page);
}

static void
export_counterfactuals_to_activated (GSimpleAction *action,
                                     GVariant      *parameter,
                                     gpointer       user_data)
{
  CandorWindow *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!candor_whatif_page_write_csv (self->whatif_page, g_variant_get_string (parameter, NULL), &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not export: %s"), error->message);
      candor_window_show_toast (self, message, 10);
    }
}

static void
on_whatif_can_export (CandorWindow *self)
{
  gboolean can_export;
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "export-counterfactuals");

  g_object_get (self->whatif_page, "can-export", &can_export, NULL);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), can_export);
}

static const GActionEntry win_actions[] = {
  { "open", open_activated },
  { "open-demo", open_demo_activated, "s" },
  { "export-png", export_png_activated },
  { "export-numbers", export_numbers_activated },
  { "export-numbers-to", export_numbers_to_activated, "s" },
  { "copy-sha256", copy_sha256_activated },
  { "select-sample", select_sample_activated, "u" },
  { "search-samples", search_samples_activated },
  { "set-ig-steps", set_explain_param_activated, "i" },
  { "set-target", set_explain_param_activated, "i" },
  { "set-outlier-percent", set_explain_param_activated, "d" },
  { "set-ig-rule", set_explain_param_activated, "s" },
  { "set-sign", set_explain_param_activated, "s" },
  { "set-ig-baseline", set_explain_param_activated, "s" },
  { "set-explain-method", set_explain_param_activated, "s" },
  { "filter-outcome", filter_outcome_activated, "i" },
  { "filter-group", filter_group_activated, "(ss)" },
  { "set-view", set_view_activated, "s" },
  { "set-threshold", set_threshold_activated, "d" },
  { "set-fairness-columns", set_fairness_columns_activated, "(ss)" },
  { "select-group", select_group_activated, "(ss)" },
  { "lock-column", lock_column_activated, "(sb)" },
  { "set-counterfactual-count", set_counterfactual_param_activated, "i" },
  { "set-counterfactual-target", set_counterfactual_param_activated, "i" },
  { "show-all-columns", show_all_columns_activated, "b" },
  { "export-counterfactuals", export_counterfactuals_activated },
  { "export-counterfactuals-to", export_counterfactuals_to_activated, "s" },
};

void
candor_window_actions_init (CandorWindow *self)
{
  GtkDropTarget *drop;

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions), self);
  g_signal_connect_swapped (self->whatif_page, "notify::can-export", G_CALLBACK (on_whatif_can_export), self);
  on_whatif_can_export (self);

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self->toast_overlay), GTK_EVENT_CONTROLLER (drop));

  self->recent_manager = gtk_recent_manager_get_default ();
  g_signal_connect_swapped (self->recent_manager, "changed",
                            G_CALLBACK (candor_window_update_recent), self);
  candor_window_update_recent (self);
}
