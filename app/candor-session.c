/* candor-session.c: what the user is looking at.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "candor-dataset.h"
#include "candor-model.h"
#include "candor-sample.h"
#include "candor-session.h"
#include "candor-worker.h"

struct _CandorSession
{
  GObject parent_instance;

  guint n_jobs;

  /* owned */
  CandorModel *model;
  CandorDataset *dataset;
  CandorSample *selected_sample;
  GCancellable *open_cancellable;
};

G_DEFINE_FINAL_TYPE (CandorSession, candor_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MODEL,
  PROP_DATASET,
  PROP_SELECTED_SAMPLE,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  GFile *model_file;
  GFile *data_file;
  char **classes;          /* of the current model, when only data is opened */
  CandorModel *model;
  CandorDataset *dataset;
  GFile *previous_data;    /* the data open before, predicted again by a new model */
  CandorModel *previous_model;
  gboolean drop_dataset;   /* the data open before does not suit the new model */
} OpenJob;

static void
open_job_free (OpenJob *job)
{
  g_clear_object (&job->model_file);
  g_clear_object (&job->data_file);
  g_clear_pointer (&job->classes, g_strfreev);
  g_clear_object (&job->model);
  g_clear_object (&job->dataset);
  g_clear_object (&job->previous_data);
  g_clear_object (&job->previous_model);
  g_free (job);
}

static void
candor_session_dispose (GObject *object)
{
  CandorSession *self = CANDOR_SESSION (object);

  if (self->open_cancellable != NULL)
    g_cancellable_cancel (self->open_cancellable);
  g_clear_object (&self->open_cancellable);
  g_clear_object (&self->selected_sample);
  g_clear_object (&self->dataset);
  g_clear_object (&self->model);

  G_OBJECT_CLASS (candor_session_parent_class)->dispose (object);
}

static void
candor_session_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  CandorSession *self = CANDOR_SESSION (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;
    case PROP_DATASET:
      g_value_set_object (value, self->dataset);
      break;
    case PROP_SELECTED_SAMPLE:
      g_value_set_object (value, self->selected_sample);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, candor_session_get_busy (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
candor_session_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  CandorSession *self = CANDOR_SESSION (object);

  switch (prop_id)
    {
    case PROP_SELECTED_SAMPLE:
      candor_session_set_selected_sample (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
candor_session_class_init (CandorSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = candor_session_dispose;
  object_class->get_property = candor_session_get_property;
  object_class->set_property = candor_session_set_property;

  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL, CANDOR_TYPE_MODEL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DATASET] =
    g_param_spec_object ("dataset", NULL, NULL, CANDOR_TYPE_DATASET,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTED_SAMPLE] =
    g_param_spec_object ("selected-sample", NULL, NULL, CANDOR_TYPE_SAMPLE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
candor_session_init (CandorSession *self)
{
}

CandorSession *
candor_session_new (void)
{
  return g_object_new (CANDOR_TYPE_SESSION, NULL);
}

CandorModel *
candor_session_get_model (CandorSession *self)
{
  g_return_val_if_fail (CANDOR_IS_SESSION (self), NULL);
  return self->model;
}

CandorDataset *
candor_session_get_dataset (CandorSession *self)
{
  g_return_val_if_fail (CANDOR_IS_SESSION (self), NULL);
  return self->dataset;
}

CandorSample *
candor_session_get_selected_sample (CandorSession *self)
{
  g_return_val_if_fail (CANDOR_IS_SESSION (self), NULL);
  return self->selected_sample;
}

void
candor_session_set_selected_sample (CandorSession *self,
                                    CandorSample  *sample)
{
  g_return_if_fail (CANDOR_IS_SESSION (self));
  g_return_if_fail (sample == NULL || CANDOR_IS_SAMPLE (sample));

  if (g_set_object (&self->selected_sample, sample))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_SAMPLE]);
}

gboolean
candor_session_select_index (CandorSession *self,
                             guint          index)
{
  g_autoptr(CandorSample) sample = NULL;

  g_return_val_if_fail (CANDOR_IS_SESSION (self), FALSE);

  if (self->dataset == NULL)
    return FALSE;
  sample = g_list_model_get_item (candor_dataset_get_samples (self->dataset), index);
  if (sample == NULL)
    return FALSE;
  candor_session_set_selected_sample (self, sample);
  return TRUE;
}

gboolean
candor_session_get_busy (CandorSession *self)
{
  g_return_val_if_fail (CANDOR_IS_SESSION (self), FALSE);
  return self->n_jobs > 0;
}

static void
job_started (CandorSession *self)
{
  if (self->n_jobs++ == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
job_finished (CandorSession *self)
{
  g_assert (self->n_jobs > 0);
  if (--self->n_jobs == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

void
candor_session_begin_job (CandorSession *self)
{
  g_return_if_fail (CANDOR_IS_SESSION (self));
  job_started (self);
}

void
candor_session_end_job (CandorSession *self)
{
  g_return_if_fail (CANDOR_IS_SESSION (self));
  g_return_if_fail (self->n_jobs > 0);
  job_finished (self);
}

static gboolean
has_suffix_ci (const char *name,
               const char *suffix)
{
  gsize n = strlen (name), s = strlen (suffix);
  return n > s && g_ascii_strcasecmp (name + n - s, suffix) == 0;
}

GFile *
candor_session_find_paired_data (GFile *model)
{
  g_autoptr(GFile) dir = g_file_get_parent (model);
  g_autofree char *base = g_file_get_basename (model);
  g_autofree char *stem = NULL;

  if (dir == NULL || base == NULL || !has_suffix_ci (base, ".onnx"))
    return NULL;
  stem = g_strndup (base, strlen (base) - strlen (".onnx"));

  /* Try the whole stem, then drop "-suffix" parts: fashion-cnn → fashion. */
  for (;;)
    {
      g_autofree char *folder = g_strconcat (stem, "-samples", NULL);
      g_autofree char *table = g_strconcat (stem, ".csv", NULL);
      g_autoptr(GFile) f = g_file_get_child (dir, folder);
      g_autoptr(GFile) t = g_file_get_child (dir, table);
      char *dash;

      if (g_file_query_file_type (f, G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_DIRECTORY)
        return g_steal_pointer (&f);
      if (g_file_query_file_type (t, G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_REGULAR)
        return g_steal_pointer (&t);
      dash = strrchr (stem, '-');
      if (dash == NULL)
        dash = strrchr (stem, '_');
      if (dash == NULL || dash == stem)
        return NULL;
      *dash = '\0';
    }
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  OpenJob *job = task_data;
  GError *error = NULL;
  gboolean came_along = FALSE;  /* the data open before, kept for a new model */

  candor_worker_enter ();
  if (job->model_file != NULL)
    {
      job->model = candor_model_load (job->model_file, cancellable, &error);
      if (job->model == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      if (job->data_file == NULL)
        job->data_file = candor_session_find_paired_data (job->model_file);
      /* A new model predicts the data already open afresh. */
      if (job->data_file == NULL && job->previous_data != NULL)
        {
          job->data_file = g_object_ref (job->previous_data);
          came_along = TRUE;
        }
    }
  if (job->data_file != NULL)
    {
      const char * const *classes = job->model ? candor_model_get_classes (job->model)
                                               : (const char * const *) job->classes;
      CandorModel *model = job->model ? job->model : job->previous_model;

      job->dataset = candor_dataset_load (job->data_file, classes, cancellable, &error);
      if (job->dataset != NULL && model != NULL
          && !candor_dataset_predict (job->dataset, candor_model_get_cx_model (model),
                                      candor_model_get_classes (model), cancellable, &error))
        {
          /* Data the user named opens without predictions, saying why. */
          if (!came_along && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              candor_dataset_set_prediction_error (job->dataset, error->message);
              g_clear_error (&error);
            }
          else
            g_clear_object (&job->dataset);
        }
      if (job->dataset == NULL)
        {
          /* Data that only came along with a new model is closed, not an
           * error: the model the user asked for opens. */
          if (came_along && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_clear_error (&error);
              job->drop_dataset = TRUE;
              g_task_return_boolean (task, TRUE);
              return;
            }
          g_task_return_error (task, error);
          return;
        }
    }
  g_task_return_boolean (task, TRUE);
}

static void
open_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  CandorSession *self = CANDOR_SESSION (object);
  g_autoptr(GTask) outer = user_data;
  GTask *task = G_TASK (result);
  OpenJob *job = g_task_get_task_data (task);
  GError *error = NULL;

  job_finished (self);
  if (!g_task_propagate_boolean (task, &error))
    {
      g_task_return_error (outer, error);
      return;
    }

  g_object_freeze_notify (G_OBJECT (self));
  if (job->model != NULL && g_set_object (&self->model, job->model))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
  if (job->drop_dataset && g_set_object (&self->dataset, NULL))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATASET]);
      candor_session_set_selected_sample (self, NULL);
    }
  if (job->dataset != NULL && g_set_object (&self->dataset, job->dataset))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATASET]);
      candor_session_set_selected_sample (self, NULL);
      candor_session_select_index (self, candor_dataset_get_initial_index (self->dataset));
    }
  g_object_thaw_notify (G_OBJECT (self));
  g_task_return_boolean (outer, TRUE);
}

void
candor_session_open_async (CandorSession       *self,
                           GFile               *model,
                           GFile               *data,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) outer = NULL;
  g_autoptr(GTask) task = NULL;
  OpenJob *job;

  g_return_if_fail (CANDOR_IS_SESSION (self));
  g_return_if_fail (model == NULL || G_IS_FILE (model));
  g_return_if_fail (data == NULL || G_IS_FILE (data));

  if (self->open_cancellable != NULL)
    g_cancellable_cancel (self->open_cancellable);
  g_clear_object (&self->open_cancellable);
  self->open_cancellable = cancellable ? g_object_ref (cancellable) : g_cancellable_new ();

  outer = g_task_new (self, self->open_cancellable, callback, user_data);
  g_task_set_source_tag (outer, candor_session_open_async);

  job = g_new0 (OpenJob, 1);
  job->model_file = model ? g_object_ref (model) : NULL;
  job->data_file = data ? g_object_ref (data) : NULL;
  if (self->model != NULL)
    {
      job->classes = g_strdupv ((char **) candor_model_get_classes (self->model));
      job->previous_model = g_object_ref (self->model);
    }
  if (self->dataset != NULL)
    job->previous_data = g_object_ref (candor_dataset_get_file (self->dataset));

  /* The inner task runs the work; the outer one reports to the caller
   * after the session has changed, so callbacks see the new state. */
  task = g_task_new (self, self->open_cancellable, open_done, g_steal_pointer (&outer));
  g_task_set_task_data (task, job, (GDestroyNotify) open_job_free);
  g_task_set_return_on_cancel (task, FALSE);
  job_started (self);
  g_task_run_in_thread (task, open_thread);
}

void
candor_session_cancel (CandorSession *self)
{
  g_return_if_fail (CANDOR_IS_SESSION (self));

  if (self->open_cancellable != NULL)
    g_cancellable_cancel (self->open_cancellable);
}

gboolean
candor_session_open_finish (CandorSession  *self,
                            GAsyncResult   *result,
                            GError        **error)
{
  g_return_val_if_fail (CANDOR_IS_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
