/* candor-fairness-analysis.c: the session's subgroup breakdown.
 *
 * A full run (cx_fairness_run: predictions, 1000 bootstrap resamples and
 * integrated-gradients attribution per group) happens once per data set,
 * model and choice of columns, and is kept, so the pages that show it and
 * a return to earlier columns cost nothing. A new threshold only
 * recomputes the metrics from the probabilities the data set already
 * holds (cx_fairness_compute), a fraction of a second off the main thread,
 * after the slider has been still for a moment. Image folders have no
 * attribution by group; each threshold reruns cx_fairness_run_images.
 *
 * While anything is pending the session counts a job, so the window shows
 * it is busy and `--screenshot` waits for the figures.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>

#include "candor-dataset.h"
#include "candor-fairness-analysis.h"
#include "candor-model.h"
#include "candor-session.h"
#include "candor-worker.h"
#include "csv.h"
#include "fairness.h"

/* Threshold changes closer together than this are one change. */
#define DEBOUNCE_MS 150

struct _CandorFairnessAnalysis
{
  GObject parent_instance;

  CandorFairnessStatus status;
  gboolean offer_demo;
  gboolean updating;
  gboolean busy_held;          /* a session job is counted for us */
  gboolean images;
  gboolean initialised;
  double threshold;
  guint resamples;
  int favourable;
  guint holders;
  guint debounce_id;
  guint generation;
  guint n_runs;
  guint serial;

  /* owned */
  CandorDataset *dataset;
  CandorModel *model;
  char *message;
  char **available;
  char **classes;
  char *columns[2];
  char *favourable_name;
  char *selected_group;
  GCancellable *cancellable;   /* of the job in flight */
  GHashTable *runs;            /* key → CxFairnessReport with attribution */
  CxFairnessReport *metrics;   /* at the current threshold when it differs from the run's */
  char *shown_key;             /* the key of the figures shown */

  /* borrowed */
  CandorSession *session;      /* weak: the session owns us */
};

G_DEFINE_FINAL_TYPE (CandorFairnessAnalysis, candor_fairness_analysis, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void schedule (CandorFairnessAnalysis *self,
                      guint                   delay_ms);

/* ---- the job ---- */

typedef struct
{
  CandorDataset *dataset;
  CandorModel *model;
  char *sensitive[3];
  double threshold;
  guint resamples;
  int favourable;
  gboolean images;
  gboolean full;               /* a table's full run, with attribution */
  guint generation;
  char *key;
} Job;

static void
job_free (Job *job)
{
  g_clear_object (&job->dataset);
  g_clear_object (&job->model);
  g_free (job->sensitive[0]);
  g_free (job->sensitive[1]);
  g_free (job->key);
  g_free (job);
}

static char *
labels_path (CandorDataset *dataset)
{
  g_autoptr(GFile) file = g_file_get_child (candor_dataset_get_file (dataset), "labels.csv");
  return g_file_get_path (file);
}

/* The favourable probability and truth of every row come from the data
 * set, predicted when it opened; only the decisions change. */
static CxFairnessReport *
compute_table (Job                    *job,
               const CxFairnessParams *params,
               GError                **error)
{
  const CxCsv *csv = candor_dataset_get_csv (job->dataset);
  const CxTensor *prob = candor_dataset_get_probabilities (job->dataset);
  int favourable = candor_dataset_get_favourable (job->dataset);
  g_autoptr(GPtrArray) columns = g_ptr_array_new_with_free_func ((GDestroyNotify) cx_group_column_free);
  g_autofree float *p = NULL;
  int64_t n = prob->shape[0], k = prob->shape[1];

  for (guint i = 0; job->sensitive[i] != NULL; i++)
    {
      int c = cx_csv_column (csv, job->sensitive[i]);
      if (c < 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("%s has no column “%s”"), candor_dataset_get_name (job->dataset), job->sensitive[i]);
          return NULL;
        }
      g_ptr_array_add (columns, cx_group_column_new (csv, c));
    }
  p = g_new (float, n);
  for (int64_t r = 0; r < n; r++)
    p[r] = prob->data.f[r * k + favourable];
  return cx_fairness_compute (p, candor_dataset_get_truth (job->dataset), n,
                              (CxGroupColumn *const *) columns->pdata, (int) columns->len, params, error);
}

static void
fairness_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  Job *job = task_data;
  const CxModel *model = candor_model_get_cx_model (job->model);
  g_autoptr(CxFairnessReport) report = NULL;
  GError *error = NULL;
  CxFairnessParams params;

  candor_worker_enter ();
  cx_fairness_params_init (&params);
  params.threshold = job->threshold;
  params.resamples = (int) job->resamples;
  params.engine.progress = candor_keep_going;
  params.engine.progress_data = cancellable;

  if (job->images)
    {
      g_autofree char *path = labels_path (job->dataset);
      g_autoptr(CxCsv) labels = cx_csv_load (path, &error);

      if (labels != NULL)
        report = cx_fairness_run_images (model, labels, job->favourable,
                                         (const char *const *) job->sensitive, &params, &error);
    }
  else if (job->full)
    report = cx_fairness_run (model, candor_dataset_get_schema (job->dataset),
                              candor_dataset_get_csv (job->dataset),
                              candor_dataset_get_encoded (job->dataset),
                              (const char *const *) job->sensitive, &params, &error);
  else
    {
      params.attribution = FALSE;
      report = compute_table (job, &params, &error);
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, &error) || report == NULL)
    {
      g_clear_pointer (&report, cx_fairness_report_free);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&report), (GDestroyNotify) cx_fairness_report_free);
}

/* ---- state ---- */

static void
set_busy (CandorFairnessAnalysis *self,
          gboolean                busy)
{
  if (self->busy_held == busy)
    return;
  self->busy_held = busy;
  if (self->session == NULL)
    return;
  if (busy)
    candor_session_begin_job (self->session);
  else
    candor_session_end_job (self->session);
}

static void
update_busy (CandorFairnessAnalysis *self)
{
  set_busy (self, self->debounce_id != 0 || self->cancellable != NULL);
}

static void
cancel_job (CandorFairnessAnalysis *self)
{
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->generation++;
}

static void
emit_changed (CandorFairnessAnalysis *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

/* The figures shown changed (or went). */
static void
figures_changed (CandorFairnessAnalysis *self)
{
  self->serial++;
}

static void
set_unavailable (CandorFairnessAnalysis *self,
                 gboolean                offer_demo,
                 const char             *format,
                 ...) G_GNUC_PRINTF (3, 4);

static void
set_unavailable (CandorFairnessAnalysis *self,
                 gboolean                offer_demo,
                 const char             *format,
                 ...)
{
  va_list ap;

  self->status = CANDOR_FAIRNESS_UNAVAILABLE;
  self->offer_demo = offer_demo;
  g_free (self->message);
  va_start (ap, format);
  self->message = g_strdup_vprintf (format, ap);
  va_end (ap);
}

/* The key of a full run: everything its figures depend on but the threshold. */
static char *
make_key (CandorFairnessAnalysis *self)
{
  return g_strdup_printf ("%p\x1f%p\x1f%s\x1f%s\x1f%d\x1f%u", (void *) self->dataset, (void *) self->model,
                          self->columns[0] ? self->columns[0] : "",
                          self->columns[1] ? self->columns[1] : "", self->favourable, self->resamples);
}

/* The image folder's labels.csv: its group columns are those beside the
 * file and the label. */
static char **
image_group_columns (CandorFairnessAnalysis *self,
                     gboolean               *has_labels)
{
  g_autofree char *path = labels_path (self->dataset);
  g_autoptr(CxCsv) labels = NULL;
  g_autoptr(GStrvBuilder) columns = g_strv_builder_new ();
  int file_col, label_col;

  *has_labels = FALSE;
  if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return NULL;
  labels = cx_csv_load (path, NULL);
  if (labels == NULL || !cx_image_labels_columns (labels, &file_col, &label_col, NULL))
    return NULL;
  *has_labels = TRUE;
  for (int c = 0; c < labels->n_columns; c++)
    if (c != file_col && c != label_col)
      g_strv_builder_add (columns, labels->header[c]);
  return g_strv_builder_end (columns);
}

static gboolean
is_available (CandorFairnessAnalysis *self,
              const char             *column)
{
  return column != NULL && self->available != NULL
         && g_strv_contains ((const char *const *) self->available, column);
}

static void
update_favourable_name (CandorFairnessAnalysis *self)
{
  g_free (self->favourable_name);
  if (self->classes != NULL && self->favourable >= 0
      && self->favourable < (int) g_strv_length (self->classes))
    self->favourable_name = g_strdup (self->classes[self->favourable]);
  else
    self->favourable_name = g_strdup_printf (_("output %d"), self->favourable);
}

/* The session's model or data changed: start over. */
static void
reset (CandorFairnessAnalysis *self)
{
  CandorDataset *dataset = self->session ? candor_session_get_dataset (self->session) : NULL;
  CandorModel *model = self->session ? candor_session_get_model (self->session) : NULL;
  g_autofree char *first = g_strdup (self->columns[0]);
  g_autofree char *second = g_strdup (self->columns[1]);

  if (self->initialised && dataset == self->dataset && model == self->model)
    return;
  self->initialised = TRUE;
  cancel_job (self);
  g_hash_table_remove_all (self->runs);
  g_clear_pointer (&self->metrics, cx_fairness_report_free);
  g_clear_pointer (&self->shown_key, g_free);
  g_set_object (&self->dataset, dataset);
  g_set_object (&self->model, model);
  g_clear_pointer (&self->available, g_strfreev);
  g_clear_pointer (&self->classes, g_strfreev);
  g_clear_pointer (&self->message, g_free);
  g_clear_pointer (&self->columns[0], g_free);
  g_clear_pointer (&self->columns[1], g_free);
  g_clear_pointer (&self->selected_group, g_free);
  figures_changed (self);
  self->updating = FALSE;
  self->offer_demo = FALSE;
  self->images = dataset != NULL && candor_dataset_get_kind (dataset) == CANDOR_DATASET_IMAGES;
  self->status = CANDOR_FAIRNESS_COMPUTING;
  if (model != NULL)
    self->classes = g_strdupv ((char **) candor_model_get_classes (model));

  if (dataset == NULL)
    set_unavailable (self, TRUE, "%s",
                     _("Fairness is measured on data whose groups are known: a table whose schema "
                       "names sensitive columns, such as sex or age group, or images whose labels.csv "
                       "has a group column. The mortgage demo is such a table."));
  else if (self->images)
    {
      gboolean has_labels;
      self->available = image_group_columns (self, &has_labels);
      self->favourable = 0;
      if ((self->available == NULL || self->available[0] == NULL) && has_labels)
        set_unavailable (self, TRUE,
                         _("The labels.csv of %s gives each image its file and label, but no group to "
                           "compare. Add a column per group, for example “file,label,skin_tone”: each image "
                           "then belongs to the group its row names."),
                         candor_dataset_get_name (dataset));
      else if (self->available == NULL || self->available[0] == NULL)
        set_unavailable (self, TRUE,
                         _("The images of %s have no groups to compare. Add a labels.csv to the folder with "
                           "a column per group beside the file and its label, for example "
                           "“file,label,skin_tone”: each image then belongs to the group its row names."),
                         candor_dataset_get_name (dataset));
      else if (model == NULL)
        set_unavailable (self, FALSE, "%s", _("Open a model to see how its decisions differ between groups."));
    }
  else if (candor_dataset_get_schema_file (dataset) == NULL)
    set_unavailable (self, FALSE,
                     _("There is no schema next to %s. Add a schema file that lists the sensitive "
                       "columns to compare groups."), candor_dataset_get_name (dataset));
  else
    {
      const char * const *sensitive = candor_dataset_get_sensitive_columns (dataset);
      g_autofree char *schema = g_file_get_basename (candor_dataset_get_schema_file (dataset));

      self->available = g_strdupv ((char **) sensitive);
      if (sensitive == NULL || sensitive[0] == NULL)
        set_unavailable (self, FALSE, _("%s names no sensitive columns, so there are no groups to compare."),
                         schema);
      else if (model == NULL)
        set_unavailable (self, FALSE, "%s", _("Open a model to see how its decisions differ between groups."));
      else if (candor_dataset_get_probabilities (dataset) == NULL)
        set_unavailable (self, FALSE, _("The model could not decide on the rows of %s: %s"),
                         candor_dataset_get_name (dataset),
                         candor_dataset_get_prediction_error (dataset)
                         ? candor_dataset_get_prediction_error (dataset) : _("no predictions"));
      else
        self->favourable = candor_dataset_get_favourable (dataset);
    }
  update_favourable_name (self);

  if (self->status != CANDOR_FAIRNESS_UNAVAILABLE)
    {
      /* Keep the columns chosen before when the new data has them. */
      if (is_available (self, first))
        {
          self->columns[0] = g_steal_pointer (&first);
          if (is_available (self, second) && g_strcmp0 (second, self->columns[0]) != 0)
            self->columns[1] = g_steal_pointer (&second);
        }
      else
        self->columns[0] = g_strdup (self->available[0]);
      schedule (self, 0);
    }
  update_busy (self);
  emit_changed (self);
}

/* ---- running ---- */

static void
fairness_done (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  CandorFairnessAnalysis *self = CANDOR_FAIRNESS_ANALYSIS (object);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  CxFairnessReport *report = g_task_propagate_pointer (G_TASK (result), &error);

  /* Superseded: a newer job or a new data set owns the state. */
  if (job->generation != self->generation)
    {
      g_clear_pointer (&report, cx_fairness_report_free);
      return;
    }
  g_clear_object (&self->cancellable);
  self->updating = FALSE;
  figures_changed (self);
  if (report == NULL)
    {
      self->status = CANDOR_FAIRNESS_FAILED;
      g_free (self->message);
      self->message = g_strdup (error->message);
      g_clear_pointer (&self->metrics, cx_fairness_report_free);
      g_clear_pointer (&self->shown_key, g_free);
    }
  else if (job->full)
    {
      self->n_runs++;
      g_hash_table_replace (self->runs, g_strdup (job->key), report);
      g_free (self->shown_key);
      self->shown_key = g_strdup (job->key);
      g_clear_pointer (&self->metrics, cx_fairness_report_free);
      self->status = CANDOR_FAIRNESS_READY;
    }
  else
    {
      if (job->images)
        self->n_runs++;
      g_clear_pointer (&self->metrics, cx_fairness_report_free);
      self->metrics = report;
      g_free (self->shown_key);
      self->shown_key = g_strdup (job->key);
      self->status = CANDOR_FAIRNESS_READY;
    }
  update_busy (self);
  emit_changed (self);
}

static void
start_job (CandorFairnessAnalysis *self)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *key = make_key (self);
  CxFairnessReport *run = g_hash_table_lookup (self->runs, key);
  Job *job;

  /* A run of these columns at this threshold is all there is to show. */
  if (run != NULL && run->params.threshold == self->threshold)
    {
      g_free (self->shown_key);
      self->shown_key = g_steal_pointer (&key);
      g_clear_pointer (&self->metrics, cx_fairness_report_free);
      self->status = CANDOR_FAIRNESS_READY;
      self->updating = FALSE;
      figures_changed (self);
      update_busy (self);
      emit_changed (self);
      return;
    }

  job = g_new0 (Job, 1);
  job->dataset = g_object_ref (self->dataset);
  job->model = g_object_ref (self->model);
  job->sensitive[0] = g_strdup (self->columns[0]);
  job->sensitive[1] = g_strdup (self->columns[1]);
  job->threshold = self->threshold;
  job->resamples = self->resamples;
  job->favourable = self->favourable;
  job->images = self->images;
  job->full = !self->images && run == NULL;
  job->generation = self->generation;
  job->key = g_steal_pointer (&key);

  self->cancellable = g_cancellable_new ();
  task = g_task_new (self, self->cancellable, fairness_done, NULL);
  g_task_set_source_tag (task, start_job);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, fairness_thread);
}

static gboolean
debounce_done (gpointer user_data)
{
  CandorFairnessAnalysis *self = user_data;

  self->debounce_id = 0;
  start_job (self);
  update_busy (self);
  return G_SOURCE_REMOVE;
}

/* Computes the figures for the current choices, now or after @delay_ms,
 * when a page shows them. */
static void
schedule (CandorFairnessAnalysis *self,
          guint                   delay_ms)
{
  g_autofree char *key = NULL;

  if (self->status == CANDOR_FAIRNESS_UNAVAILABLE || self->dataset == NULL || self->model == NULL
      || self->columns[0] == NULL)
    return;
  cancel_job (self);
  key = make_key (self);
  /* Figures of other columns or data are not worth showing meanwhile. */
  if (g_strcmp0 (key, self->shown_key) != 0)
    {
      self->status = CANDOR_FAIRNESS_COMPUTING;
      g_clear_pointer (&self->metrics, cx_fairness_report_free);
      g_clear_pointer (&self->shown_key, g_free);
      figures_changed (self);
    }
  self->updating = self->status == CANDOR_FAIRNESS_READY;
  if (self->holders == 0)
    {
      /* Computed when a page is shown. */
      update_busy (self);
      return;
    }
  if (delay_ms > 0)
    self->debounce_id = g_timeout_add (delay_ms, debounce_done, self);
  else
    start_job (self);
  update_busy (self);
}

/* ---- GObject ---- */

static void
candor_fairness_analysis_dispose (GObject *object)
{
  CandorFairnessAnalysis *self = CANDOR_FAIRNESS_ANALYSIS (object);

  cancel_job (self);
  set_busy (self, FALSE);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_weak_pointer (&self->session);
  g_clear_object (&self->dataset);
  g_clear_object (&self->model);
  G_OBJECT_CLASS (candor_fairness_analysis_parent_class)->dispose (object);
}

static void
candor_fairness_analysis_finalize (GObject *object)
{
  CandorFairnessAnalysis *self = CANDOR_FAIRNESS_ANALYSIS (object);

  g_free (self->message);
  g_strfreev (self->available);
  g_strfreev (self->classes);
  g_free (self->columns[0]);
  g_free (self->columns[1]);
  g_free (self->favourable_name);
  g_free (self->selected_group);
  g_hash_table_unref (self->runs);
  g_clear_pointer (&self->metrics, cx_fairness_report_free);
  g_free (self->shown_key);
  G_OBJECT_CLASS (candor_fairness_analysis_parent_class)->finalize (object);
}

static void
candor_fairness_analysis_class_init (CandorFairnessAnalysisClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = candor_fairness_analysis_dispose;
  object_class->finalize = candor_fairness_analysis_finalize;

  /**
   * CandorFairnessAnalysis::changed:
   *
   * The status, the choices or the figures changed.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
candor_fairness_analysis_init (CandorFairnessAnalysis *self)
{
  self->threshold = 0.5;
  self->resamples = 1000;
  self->status = CANDOR_FAIRNESS_UNAVAILABLE;
  self->runs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) cx_fairness_report_free);
}

/* ---- public ---- */

CandorFairnessAnalysis *
candor_fairness_analysis_get_for_session (CandorSession *session)
{
  static GQuark quark;
  CandorFairnessAnalysis *self;

  g_return_val_if_fail (CANDOR_IS_SESSION (session), NULL);

  if (quark == 0)
    quark = g_quark_from_static_string ("candor-fairness-analysis");
  self = g_object_get_qdata (G_OBJECT (session), quark);
  if (self != NULL)
    return self;
  self = g_object_new (CANDOR_TYPE_FAIRNESS_ANALYSIS, NULL);
  g_set_weak_pointer (&self->session, session);
  g_signal_connect_swapped (session, "notify::dataset", G_CALLBACK (reset), self);
  g_signal_connect_swapped (session, "notify::model", G_CALLBACK (reset), self);
  g_object_set_qdata_full (G_OBJECT (session), quark, self, g_object_unref);
  reset (self);
  return self;
}

void
candor_fairness_analysis_hold (CandorFairnessAnalysis *self)
{
  g_return_if_fail (CANDOR_IS_FAIRNESS_ANALYSIS (self));

  /* Start what waited for a page. */
  if (self->holders++ == 0 && self->status != CANDOR_FAIRNESS_UNAVAILABLE
      && self->cancellable == NULL && self->debounce_id == 0
      && (self->status == CANDOR_FAIRNESS_COMPUTING || self->updating))
    schedule (self, 0);
}

void
candor_fairness_analysis_release (CandorFairnessAnalysis *self)
{
  g_return_if_fail (CANDOR_IS_FAIRNESS_ANALYSIS (self));
  g_return_if_fail (self->holders > 0);

  /* A job in flight finishes: its figures are kept for the next look. */
  self->holders--;
}

CandorFairnessStatus
candor_fairness_analysis_get_status (CandorFairnessAnalysis *self)
{
  g_return_val_if_fail (CANDOR_IS_FAIRNESS_ANALYSIS (self), CANDOR_FAIRNESS_UNAVAILABLE);
  return self->status;
}

const char *
candor_fairness_analysis_get_message (CandorFairnessAnalysis *self)
{
  g_return_val_if_fail (CANDOR_IS_FAIRNESS_ANALYSIS (self), NULL);
  return self->status == CANDOR_FAIRNESS_UNAVAILABLE || self->status == CANDOR_FAIRNESS_FAILED
         ? self->message : NULL;
}

gboolean
candor_fairness_analysis_get_offer_demo (CandorFairnessAnalysis *self)
{
  g_return_val_if_fail (CANDOR_IS_FAIRNESS_ANALYSIS (self), FALSE);
  return self->offer_demo;
}

gboolean
candor_fairness_analysis_get_updating (CandorFairnessAnalysis *self)
{
  g_return_val_if_fail (CANDOR_IS_FAIRNESS_ANALYSIS (self), FALSE);
  return self->updating;
}

CandorDataset *
candor_fairness_analysis_get_dataset (CandorFairnessAnalysis *self)
{
  g_return_val_if_fail (CANDOR_IS_FAIRNESS_ANALYSIS (self), NULL);
  return self->dataset;
}

const char * const *
candor_fairness_analysis_get_available (CandorFairnessAnalysis *self)
{
  g_return_val_if_fail (CANDOR_IS_FAIRNESS_ANALYSIS (self), NULL);
  return (const char * const *) self->available;
}

const char *
candor_fairness_analysis_get_column (CandorFairnessAnalysis *self,
                                     guint                   index)
{
  g_return_val_if_fail (CANDOR_IS_FAIRNESS_ANALYSIS (self), NULL);
  g_return_val_if_fail (index < 2, NULL);
  return self->columns[index];
}

gboolean
candor_fairness_analysis_set_columns (CandorFairnessAnalysis *self,
                                      const char             *first,
                                      const char             *second)
{
  g_return_val_if_fail (CANDOR_IS_FAIRNESS_ANALYSIS (self), FALSE);

  if (second != NULL && *second == '\0')
    second = NULL;
  if (!is_available (self, first) || (second != NULL && (!is_available (self, second)
                                                         || g_str_equal (first, second))))
    return FALSE;
  if (g_strcmp0 (first, self->columns[0]) == 0 && g_strcmp0 (second, self->columns[1]) == 0)
    return TRUE;
  g_free (self->columns[0]);
  g_free (self->columns[1]);
  self->columns[0] = g_strdup (first);
  self->columns[1] = g_strdup (second);
  g_clear_pointer (&self->selected_group, g_free);
  schedule (self, 0);
  emit_changed (self);
  return TRUE;
}

double
candor_fairness_analysis_get_threshold (CandorFairnessAnalysis *self)
{
  g_return_val_if_fail (CANDOR_IS_FAIRNESS_ANALYSIS (self), 0.5);
  return self->threshold;
}

void
candor_fairness_analysis_set_threshold (CandorFairnessAnalysis *self,
                                        double                  threshold)
{
  g_return_if_fail (CANDOR_IS_FAIRNESS_ANALYSIS (self));

  threshold = isnan (threshold) ? 0.5 : CLAMP (threshold, 0.0, 1.0);
  if (threshold == self->threshold)
    return;
  self->threshold = threshold;
  schedule (self, DEBOUNCE_MS);
  emit_changed (self);
}

guint
candor_fairness_analysis_get_resamples (CandorFairnessAnalysis *self)
{
  g_return_val_if_fail (CANDOR_IS_FAIRNESS_ANALYSIS (self), 0);
  return self->resamples;
}

void
candor_fairness_analysis_set_resamples (CandorFairnessAnalysis *self,
                                        guint                   resamples)
{
  g_return_if_fail (CANDOR_IS_FAIRNESS_ANALYSIS (self));

  /* The engine's limit. */
  resamples = MIN (resamples, 1000000);
  if (resamples == self->resamples)
    return;
  self->resamples = resamples;
  schedule (self, 0);
  emit_changed (self);
}

const char * const *
candor_fairness_analysis_get_classes (CandorFairnessAnalysis *self)
{
  g_return_val_if_fail (CANDOR_IS_FAIRNESS_ANALYSIS (self), NULL);
  return (const char * const *) self->classes;
}

int
candor_fairness_analysis_get_favourable (CandorFairnessAnalysis *self)
{
  g_return_val_if_fail (CANDOR_IS_FAIRNESS_ANALYSIS (self), 0);
  return self->favourable;
}

gboolean
candor_fairness_analysis_get_can_choose_favourable (CandorFairnessAnalysis *self)
{
  g_return_val_if_fail (CANDOR_IS_FAIRNESS_ANALYSIS (self), FALSE);
  return self->images && self->classes != NULL && self->classes[0] != NULL;
}

void
candor_fairness_analysis_set_favourable (CandorFairnessAnalysis *self,
                                         int                     favourable)
{
  g_return_if_fail (CANDOR_IS_FAIRNESS_ANALYSIS (self));

  if (!candor_fairness_analysis_get_can_choose_favourable (self) || favourable == self->favourable
      || favourable < 0 || favourable >= (int) g_strv_length (self->classes))
    return;
  self->favourable = favourable;
  update_favourable_name (self);
  schedule (self, 0);
  emit_changed (self);
}

const char *
candor_fairness_analysis_get_favourable_name (CandorFairnessAnalysis *self)
{
  g_return_val_if_fail (CANDOR_IS_FAIRNESS_ANALYSIS (self), NULL);
  return self->favourable_name;
}

const CxFairnessReport *
candor_fairness_analysis_get_report (CandorFairnessAnalysis *self)
{
  g_return_val_if_fail (CANDOR_IS_FAIRNESS_ANALYSIS (self), NULL);

  if (self->status != CANDOR_FAIRNESS_READY)
    return NULL;
  if (self->metrics != NULL)
    return self->metrics;
  return self->shown_key ? g_hash_table_lookup (self->runs, self->shown_key) : NULL;
}

static const CxFairnessBreakdown *
find_breakdown (const CxFairnessReport *report,
                const char             *first,
                const char             *second)
{
  if (report == NULL || first == NULL)
    return NULL;
  for (int k = 0; k < report->n_breakdowns; k++)
    {
      const CxFairnessBreakdown *bd = &report->breakdowns[k];
      if (second == NULL && bd->n_columns == 1 && g_str_equal (bd->columns[0], first))
        return bd;
      if (second != NULL && bd->n_columns == 2 && g_str_equal (bd->columns[0], first)
          && g_str_equal (bd->columns[1], second))
        return bd;
    }
  return NULL;
}

const CxFairnessBreakdown *
candor_fairness_analysis_get_breakdown (CandorFairnessAnalysis *self)
{
  g_return_val_if_fail (CANDOR_IS_FAIRNESS_ANALYSIS (self), NULL);
  return find_breakdown (candor_fairness_analysis_get_report (self), self->columns[0], self->columns[1]);
}

const CxFairnessReport *
candor_fairness_analysis_get_attribution_report (CandorFairnessAnalysis *self)
{
  CxFairnessReport *run;

  g_return_val_if_fail (CANDOR_IS_FAIRNESS_ANALYSIS (self), NULL);

  if (self->status != CANDOR_FAIRNESS_READY || self->shown_key == NULL)
    return NULL;
  run = g_hash_table_lookup (self->runs, self->shown_key);
  return run != NULL && run->attribution_columns != NULL ? run : NULL;
}

const CxFairnessBreakdown *
candor_fairness_analysis_get_attribution_breakdown (CandorFairnessAnalysis *self)
{
  g_return_val_if_fail (CANDOR_IS_FAIRNESS_ANALYSIS (self), NULL);
  return find_breakdown (candor_fairness_analysis_get_attribution_report (self),
                         self->columns[0], self->columns[1]);
}

guint
candor_fairness_analysis_get_n_runs (CandorFairnessAnalysis *self)
{
  g_return_val_if_fail (CANDOR_IS_FAIRNESS_ANALYSIS (self), 0);
  return self->n_runs;
}

const char *
candor_fairness_analysis_get_selected_group (CandorFairnessAnalysis *self)
{
  g_return_val_if_fail (CANDOR_IS_FAIRNESS_ANALYSIS (self), NULL);
  return self->selected_group;
}

void
candor_fairness_analysis_select_group (CandorFairnessAnalysis *self,
                                       const char             *name)
{
  g_return_if_fail (CANDOR_IS_FAIRNESS_ANALYSIS (self));

  if (g_strcmp0 (self->selected_group, name) == 0)
    return;
  g_free (self->selected_group);
  self->selected_group = g_strdup (name);
  emit_changed (self);
}

guint
candor_fairness_analysis_get_serial (CandorFairnessAnalysis *self)
{
  g_return_val_if_fail (CANDOR_IS_FAIRNESS_ANALYSIS (self), 0);
  return self->serial;
}
