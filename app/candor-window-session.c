/* candor-window-session.c: findings, .candor session files and the PDF
 * report of a window.
 *
 * The window keeps one CxSession (explain/session-file.h) for what is not
 * on screen (the findings); saving fills in the files, their SHA-256, the
 * selected sample and the parameters, so the file, the report and the
 * window always agree.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"

#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "candor-dataset.h"
#include "candor-explain-page.h"
#include "candor-model.h"
#include "candor-sample.h"
#include "candor-session.h"
#include "candor-window-private.h"
#include "candor-worker.h"
#include "model.h"
#include "report.h"

/* ---- the session document ---- */

/* The id a session file uses: the image's file name, or "row N". */
static char *
sample_id (CandorSample *sample)
{
  if (candor_sample_get_file (sample) != NULL)
    return g_file_get_basename (candor_sample_get_file (sample));
  return g_strdup_printf ("row %u", candor_sample_get_index (sample) + 1);
}

static void
refresh_findings (CandorWindow *self)
{
  candor_explain_page_set_findings (self->explain_page, self->doc->findings);
}

/* @path relative to @session_path's folder when it lies inside it. */
static char *
relative_path (const char *session_path,
               const char *path)
{
  g_autofree char *dir = session_path ? g_path_get_dirname (session_path) : NULL;
  g_autofree char *prefix = dir ? g_strconcat (dir, G_DIR_SEPARATOR_S, NULL) : NULL;

  if (path == NULL)
    return NULL;
  if (prefix != NULL && g_path_is_absolute (session_path) && g_str_has_prefix (path, prefix))
    return g_strdup (path + strlen (prefix));
  return g_strdup (path);
}

static void
replace (char       **field,
         const char  *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

/* Brings the document up to date with the window; paths are written
 * relative to @session_path when they lie beside it (NULL: absolute). */
static void
fill_doc (CandorWindow *self,
          const char   *session_path)
{
  CandorModel *model = candor_session_get_model (self->session);
  CandorDataset *dataset = candor_session_get_dataset (self->session);
  CandorSample *sample = candor_session_get_selected_sample (self->session);
  CxSession *doc = self->doc;
  CandorExplainParams params;

  g_clear_pointer (&doc->model_path, g_free);
  g_clear_pointer (&doc->model_sha256, g_free);
  g_clear_pointer (&doc->data_path, g_free);
  g_clear_pointer (&doc->data_sha256, g_free);
  g_clear_pointer (&doc->schema_path, g_free);
  g_clear_pointer (&doc->schema_sha256, g_free);
  if (model != NULL)
    {
      g_autofree char *path = g_file_get_path (candor_model_get_file (model));
      doc->model_path = relative_path (session_path, path);
      doc->model_sha256 = g_strdup (candor_model_get_sha256 (model));
    }
  if (dataset != NULL)
    {
      g_autofree char *path = g_file_get_path (candor_dataset_get_file (dataset));
      GFile *schema = candor_dataset_get_schema_file (dataset);

      doc->data_path = relative_path (session_path, path);
      doc->data_sha256 = g_strdup (candor_dataset_get_sha256 (dataset));
      if (schema != NULL)
        {
          g_autofree char *schema_path = g_file_get_path (schema);
          doc->schema_path = relative_path (session_path, schema_path);
          doc->schema_sha256 = schema_path ? cx_file_sha256 (schema_path, NULL) : NULL;
        }
    }
  g_ptr_array_set_size (doc->selected, 0);
  if (sample != NULL)
    g_ptr_array_add (doc->selected, sample_id (sample));

  candor_explain_page_get_params (self->explain_page, &params);
  doc->ig_steps = params.ig_steps;
  replace (&doc->ig_rule, cx_ig_rule_name (params.ig_rule));
  replace (&doc->ig_baseline, cx_baseline_name (params.ig_baseline));
  replace (&doc->table_method, cx_method_name (params.table_method));
  replace (&doc->table_baseline, cx_baseline_name (params.table_baseline));
  doc->smoothgrad_samples = params.smoothgrad_samples;
  doc->smoothgrad_noise = params.smoothgrad_noise;
  doc->seed = params.seed;
  replace (&doc->sign, cx_sign_name (params.sign));
  doc->outlier_percent = params.outlier_percent;
  doc->alpha = params.alpha;

  {
    g_auto(GStrv) locked = candor_whatif_page_dup_locked (self->whatif_page);
    g_ptr_array_set_size (doc->whatif_locked, 0);
    for (guint i = 0; locked[i] != NULL; i++)
      g_ptr_array_add (doc->whatif_locked, g_strdup (locked[i]));
  }
  doc->whatif_count = candor_whatif_page_get_count (self->whatif_page);
  doc->whatif_target = candor_whatif_page_get_target (self->whatif_page);
}

/* An independent copy, for a worker thread (through the file format, so
 * every member is carried over). */
static CxSession *
copy_doc (CandorWindow  *self,
          GError       **error)
{
  g_autofree char *tmp = NULL;
  CxSession *copy;
  int fd;

  fd = g_file_open_tmp ("candor-report-XXXXXX.candor", &tmp, error);
  if (fd < 0)
    return NULL;
  close (fd);
  if (!cx_session_save (self->doc, tmp, error))
    {
      g_unlink (tmp);
      return NULL;
    }
  copy = cx_session_load (tmp, error);
  g_unlink (tmp);
  return copy;
}

/* ---- findings ---- */

static void
add_finding (CandorWindow *self,
             const char   *note)
{
  CandorSample *sample = candor_session_get_selected_sample (self->session);
  g_autofree char *id = NULL;
  g_autofree char *trimmed = g_strstrip (g_strdup (note ? note : ""));

  if (sample == NULL || *trimmed == '\0')
    return;
  id = sample_id (sample);
  cx_session_add_finding (self->doc, id, trimmed);
  refresh_findings (self);
  candor_window_show_toast (self, _("Finding added"), 2);
}

static void
add_finding_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  add_finding (CANDOR_WINDOW (user_data), g_variant_get_string (parameter, NULL));
}

static void
on_flag_response (AdwMessageDialog *dialog,
                  const char       *response,
                  CandorWindow     *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "entry");

  if (g_strcmp0 (response, "flag") == 0)
    add_finding (self, gtk_editable_get_text (entry));
}

static void
flag_sample_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  CandorWindow *self = user_data;
  CandorSample *sample = candor_session_get_selected_sample (self->session);
  GtkWidget *dialog, *entry;
  g_autofree char *body = NULL;

  if (sample == NULL)
    return;
  /* Translators: %s is the sample's name */
  body = g_strdup_printf (_("What looks wrong about %s, and why?"), candor_sample_get_name (sample));
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Flag Sample"), body);
  entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("e.g. the map highlights the background, not the object"));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "flag", _("_Flag"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "flag", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "flag");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "entry", entry);
  g_signal_connect (dialog, "response", G_CALLBACK (on_flag_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

/* ---- saving and opening sessions ---- */

static void
report_failure (CandorWindow *self,
                const char   *message)
{
  candor_window_show_toast (self, message, 10);
  /* Scripted runs have no one to read toasts. */
  if (self->scripted)
    g_printerr ("candor: %s\n", message);
}

static gboolean
save_session_to (CandorWindow *self,
                 const char   *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *absolute = g_canonicalize_filename (path, NULL);
  g_autofree char *name = g_path_get_basename (absolute);

  fill_doc (self, absolute);
  if (!cx_session_save (self->doc, absolute, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not save the session: %s"), error->message);
      report_failure (self, message);
      return FALSE;
    }
  g_free (self->session_path);
  self->session_path = g_steal_pointer (&absolute);
  {
    g_autofree char *message = g_strdup_printf (_("Saved “%s”"), name);
    candor_window_show_toast (self, message, 3);
  }
  return TRUE;
}

static void
save_session_to_activated (GSimpleAction *action,
                           GVariant      *parameter,
                           gpointer       user_data)
{
  save_session_to (CANDOR_WINDOW (user_data), g_variant_get_string (parameter, NULL));
}

static void
add_suffix_filter (GtkFileChooser *chooser,
                   const char     *name,
                   const char     *suffix)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  gtk_file_filter_add_suffix (filter, suffix);
  gtk_file_chooser_add_filter (chooser, filter);
}

/* The model's name without ".onnx", for suggested file names. */
static char *
suggested_stem (CandorWindow *self)
{
  CandorModel *model = candor_session_get_model (self->session);
  const char *name = model ? candor_model_get_name (model) : "candor";
  const char *dot = strrchr (name, '.');

  return g_strndup (name, dot ? (gsize) (dot - name) : strlen (name));
}

typedef void (*PathFunc) (CandorWindow *self, const char *path);

static void
on_chooser_response (GtkNativeDialog *dialog,
                     int              response,
                     CandorWindow    *self)
{
  PathFunc func = g_object_get_data (G_OBJECT (dialog), "func");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;

      if (path == NULL)
        candor_window_show_toast (self, _("Sessions and reports can only be saved to local folders"), 5);
      else
        func (self, path);
    }
  g_clear_object (&self->chooser);
}

static void
choose_file (CandorWindow         *self,
             const char           *title,
             GtkFileChooserAction  mode,
             const char           *accept,
             const char           *filter_name,
             const char           *suffix,
             PathFunc              func)
{
  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), mode, accept, _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  add_suffix_filter (GTK_FILE_CHOOSER (self->chooser), filter_name, suffix);
  if (mode == GTK_FILE_CHOOSER_ACTION_SAVE)
    {
      g_autofree char *stem = suggested_stem (self);
      g_autofree char *name = g_strdup_printf ("%s.%s", stem, suffix);
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
    }
  g_object_set_data (G_OBJECT (self->chooser), "func", func);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
save_session_path (CandorWindow *self,
                   const char   *path)
{
  save_session_to (self, path);
}

static void
save_session_activated (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  choose_file (CANDOR_WINDOW (user_data), _("Save Session"), GTK_FILE_CHOOSER_ACTION_SAVE,
               _("_Save"), _("Candor Sessions (*.candor)"), "candor", save_session_path);
}

static void
open_session_path (CandorWindow *self,
                   const char   *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  candor_window_open_session (self, file);
}

static void
open_session_activated (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  choose_file (CANDOR_WINDOW (user_data), _("Open Session"), GTK_FILE_CHOOSER_ACTION_OPEN,
               _("_Open"), _("Candor Sessions (*.candor)"), "candor", open_session_path);
}

static void
open_session_file_activated (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  open_session_path (CANDOR_WINDOW (user_data), g_variant_get_string (parameter, NULL));
}

void
candor_window_open_session (CandorWindow *self,
                            GFile        *file)
{
  g_autofree char *raw = NULL;
  g_autofree char *path = NULL;
  g_autofree char *changed = NULL;
  g_autofree char *model_path = NULL;
  g_autofree char *data_path = NULL;
  g_autoptr(GFile) model = NULL;
  g_autoptr(GFile) data = NULL;
  g_autoptr(GError) error = NULL;
  CxSession *doc;
  CandorExplainParams params;

  g_return_if_fail (CANDOR_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  raw = g_file_get_path (file);
  if (raw == NULL)
    {
      report_failure (self, _("Sessions can only be opened from local folders"));
      return;
    }
  path = g_canonicalize_filename (raw, NULL);
  doc = cx_session_load (path, &error);
  if (doc == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Could not open the session: %s"), error->message);
      report_failure (self, message);
      return;
    }
  g_clear_pointer (&self->doc, cx_session_free);
  self->doc = doc;
  g_free (self->session_path);
  self->session_path = g_strdup (path);
  refresh_findings (self);

  candor_explain_page_get_params (self->explain_page, &params);
  params.ig_steps = doc->ig_steps;
  if (doc->ig_rule != NULL)
    cx_ig_rule_from_name (doc->ig_rule, &params.ig_rule);
  /* Unknown names (a newer file, or a hand edit) keep what is set. */
  if (doc->ig_baseline != NULL)
    cx_baseline_from_name (doc->ig_baseline, &params.ig_baseline);
  if (doc->table_method != NULL)
    cx_method_from_name (doc->table_method, &params.table_method);
  if (doc->table_baseline != NULL)
    cx_baseline_from_name (doc->table_baseline, &params.table_baseline);
  if (doc->sign != NULL)
    cx_sign_from_name (doc->sign, &params.sign);
  params.outlier_percent = doc->outlier_percent;
  params.alpha = doc->alpha;
  params.smoothgrad_samples = doc->smoothgrad_samples;
  params.smoothgrad_noise = doc->smoothgrad_noise;
  params.seed = doc->seed;
  params.target = -1;
  candor_explain_page_set_params (self->explain_page, &params);

  changed = cx_session_check_files (doc, path);
  if (changed != NULL)
    {
      g_autofree char *one_line = g_strdelimit (g_strdup (changed), "\n", ',');
      g_autofree char *message = g_strdup_printf (_("Changed since the session was saved: %s"), one_line);
      candor_window_show_toast (self, message, 10);
    }

  g_free (self->pending_sample);
  self->pending_sample = doc->selected->len > 0 ? g_strdup (doc->selected->pdata[0]) : NULL;
  /* The locks name the table's columns and the target the model's
   * classes: both are set once the files have loaded. */
  self->pending_whatif = TRUE;
  model_path = cx_session_resolve (path, doc->model_path);
  data_path = cx_session_resolve (path, doc->data_path);
  if (model_path != NULL && g_file_test (model_path, G_FILE_TEST_EXISTS))
    model = g_file_new_for_path (model_path);
  if (data_path != NULL && g_file_test (data_path, G_FILE_TEST_EXISTS))
    data = g_file_new_for_path (data_path);
  if (model == NULL && data == NULL)
    {
      report_failure (self, _("The session’s model and data are missing"));
      return;
    }
  candor_window_open (self, model, data);
}

/* Sets the What If view as the opened session left it. */
static void
restore_whatif (CandorWindow *self)
{
  g_autoptr(GPtrArray) locked = g_ptr_array_copy (self->doc->whatif_locked, NULL, NULL);

  g_ptr_array_add (locked, NULL);
  candor_whatif_page_set_count (self->whatif_page, self->doc->whatif_count);
  candor_whatif_page_set_target (self->whatif_page, self->doc->whatif_target);
  candor_whatif_page_set_all_locked (self->whatif_page, (const char *const *) locked->pdata);
}

void
candor_window_session_opened (CandorWindow *self)
{
  CandorDataset *dataset = candor_session_get_dataset (self->session);
  g_autofree char *wanted = g_steal_pointer (&self->pending_sample);
  GListModel *samples = dataset ? candor_dataset_get_samples (dataset) : NULL;

  for (guint i = 0; wanted != NULL && samples != NULL && i < g_list_model_get_n_items (samples); i++)
    {
      g_autoptr(CandorSample) sample = g_list_model_get_item (samples, i);
      g_autofree char *id = sample_id (sample);

      if (g_strcmp0 (id, wanted) == 0)
        {
          candor_session_set_selected_sample (self->session, sample);
          break;
        }
    }
  if (self->pending_whatif)
    {
      self->pending_whatif = FALSE;
      restore_whatif (self);
    }
}

/* ---- the PDF report ---- */

typedef struct
{
  CandorWindow *self;
  double fraction;
} Progress;

static gboolean
show_progress (gpointer user_data)
{
  Progress *p = user_data;

  if (p->self->report_cancellable != NULL)
    gtk_progress_bar_set_fraction (p->self->report_progress, p->fraction);
  g_object_unref (p->self);
  g_free (p);
  return G_SOURCE_REMOVE;
}

typedef struct
{
  CandorWindow *self;
  CxSession *doc;
  char *session_path;
  char *out;
  GCancellable *cancellable;
  int pages;
} ReportJob;

static void
report_job_free (ReportJob *job)
{
  g_clear_object (&job->self);
  g_clear_pointer (&job->doc, cx_session_free);
  g_free (job->session_path);
  g_free (job->out);
  g_clear_object (&job->cancellable);
  g_free (job);
}

/* Runs in the worker: hands the fraction to the main loop, and stops the
 * engine when the user cancelled. */
static gboolean
report_progress (double   fraction,
                 gpointer user_data)
{
  ReportJob *job = user_data;
  Progress *p = g_new0 (Progress, 1);

  p->self = g_object_ref (job->self);
  p->fraction = fraction;
  g_idle_add (show_progress, p);
  return !g_cancellable_is_cancelled (job->cancellable);
}

static void
report_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ReportJob *job = task_data;
  GError *error = NULL;

  candor_worker_enter ();
  if (!cx_report_write (job->doc, job->session_path, job->out, report_progress, job,
                        &job->pages, &error))
    {
      if (g_cancellable_is_cancelled (cancellable))
        {
          g_clear_error (&error);
          g_cancellable_set_error_if_cancelled (cancellable, &error);
        }
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
report_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  CandorWindow *self = CANDOR_WINDOW (source);
  ReportJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  gtk_revealer_set_reveal_child (self->report_revealer, FALSE);
  g_clear_object (&self->report_cancellable);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "cancel-report")),
                               FALSE);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        candor_window_show_toast (self, _("Report cancelled"), 3);
      else
        {
          g_autofree char *message = g_strdup_printf (_("Could not write the report: %s"), error->message);
          report_failure (self, message);
        }
    }
  else
    {
      g_autofree char *name = g_path_get_basename (job->out);
      g_autofree char *message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Report “%s” written: %d page",
                                                               "Report “%s” written: %d pages", job->pages),
                                                  name, job->pages);
      candor_window_show_toast (self, message, 5);
    }
  if (self->session != NULL)
    candor_session_end_job (self->session);
}

static void
export_report_to (CandorWindow *self,
                  const char   *path)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  ReportJob *job;

  if (self->report_cancellable != NULL)
    return;
  if (candor_session_get_model (self->session) == NULL)
    {
      report_failure (self, _("Open a model before exporting a report"));
      return;
    }
  /* Absolute paths: the report is written from this window's files. */
  fill_doc (self, NULL);
  job = g_new0 (ReportJob, 1);
  job->doc = copy_doc (self, &error);
  if (job->doc == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Could not write the report: %s"), error->message);
      report_job_free (job);
      report_failure (self, message);
      return;
    }
  job->self = g_object_ref (self);
  job->out = g_canonicalize_filename (path, NULL);
  job->session_path = g_strdup (self->session_path);
  self->report_cancellable = g_cancellable_new ();
  job->cancellable = g_object_ref (self->report_cancellable);

  gtk_progress_bar_set_fraction (self->report_progress, 0.0);
  gtk_revealer_set_reveal_child (self->report_revealer, TRUE);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "cancel-report")),
                               TRUE);
  candor_session_begin_job (self->session);

  task = g_task_new (self, self->report_cancellable, report_done, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) report_job_free);
  g_task_run_in_thread (task, report_thread);
}

static void
export_report_activated (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  choose_file (CANDOR_WINDOW (user_data), _("Export Report"), GTK_FILE_CHOOSER_ACTION_SAVE,
               _("_Export"), _("PDF Documents (*.pdf)"), "pdf", export_report_to);
}

static void
export_report_to_activated (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  export_report_to (CANDOR_WINDOW (user_data), g_variant_get_string (parameter, NULL));
}

static void
cancel_report_activated (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  CandorWindow *self = user_data;

  if (self->report_cancellable != NULL)
    g_cancellable_cancel (self->report_cancellable);
}

static const GActionEntry session_actions[] = {
  { "flag-sample", flag_sample_activated },
  { "add-finding", add_finding_activated, "s" },
  { "save-session", save_session_activated },
  { "save-session-to", save_session_to_activated, "s" },
  { "open-session", open_session_activated },
  { "open-session-file", open_session_file_activated, "s" },
  { "export-report", export_report_activated },
  { "export-report-to", export_report_to_activated, "s" },
  { "cancel-report", cancel_report_activated },
};

void
candor_window_session_init (CandorWindow *self)
{
  self->doc = cx_session_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self), session_actions, G_N_ELEMENTS (session_actions), self);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "cancel-report")),
                               FALSE);
  refresh_findings (self);
}

void
candor_window_session_clear (CandorWindow *self)
{
  if (self->report_cancellable != NULL)
    g_cancellable_cancel (self->report_cancellable);
  g_clear_object (&self->report_cancellable);
  g_clear_pointer (&self->doc, cx_session_free);
  g_clear_pointer (&self->session_path, g_free);
  g_clear_pointer (&self->pending_sample, g_free);
}
