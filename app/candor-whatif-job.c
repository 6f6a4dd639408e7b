/* candor-whatif-job.c: counterfactuals of one table row or one image,
 * computed off the main thread.
 *
 * The data set and the model are only read here (their tables are set
 * before they are shown), so a job may run beside other pages' jobs.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "candor-dataset.h"
#include "candor-model.h"
#include "candor-whatif-job.h"
#include "candor-worker.h"
#include "input.h"
#include "render.h"

typedef struct
{
  CandorModel *model;
  CandorDataset *dataset;
  guint row;
  int count;
  char **lock;
  char *path;
  int64_t target;
} Job;

static void
job_free (Job *job)
{
  g_clear_object (&job->model);
  g_clear_object (&job->dataset);
  g_strfreev (job->lock);
  g_free (job->path);
  g_free (job);
}

void
candor_whatif_result_free (CandorWhatifResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->table, cx_counterfactual_result_free);
  g_clear_pointer (&result->image, cx_image_counterfactual_free);
  g_free (result->input_rgba);
  g_free (result->perturbed_rgba);
  g_free (result->difference_rgba);
  g_free (result);
}

static gboolean
return_if_cancelled (GTask        *task,
                     GCancellable *cancellable)
{
  GError *error = NULL;

  if (!g_cancellable_set_error_if_cancelled (cancellable, &error))
    return FALSE;
  g_task_return_error (task, error);
  return TRUE;
}

static void
table_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Job *job = task_data;
  const CxModel *model = candor_model_get_cx_model (job->model);
  const CxSchema *schema = candor_dataset_get_schema (job->dataset);
  const CxCsv *csv = candor_dataset_get_csv (job->dataset);
  const CxTensor *x = candor_dataset_get_encoded (job->dataset);
  g_autoptr(CandorWhatifResult) result = g_new0 (CandorWhatifResult, 1);
  CxCounterfactualParams params;
  GError *error = NULL;

  candor_worker_enter ();
  if (schema == NULL || csv == NULL || x == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("The table has no schema that says how its columns become the model’s input"));
      return;
    }
  cx_counterfactual_params_init (&params);
  params.count = job->count;
  params.lock = (const char * const *) job->lock;
  /* A new selection or leaving the page cancels: the search stops
   * between gradient steps. */
  params.engine.progress = candor_keep_going;
  params.engine.progress_data = cancellable;
  result->table = cx_counterfactual_run (model, schema, csv, x, job->row, &params, &error);
  if (return_if_cancelled (task, cancellable))
    {
      g_clear_error (&error);
      return;
    }
  if (result->table == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&result), (GDestroyNotify) candor_whatif_result_free);
}

/* Grey (one channel) or RGB (three) values in [0, 1] as RGBA bytes. */
static guint8 *
tensor_to_rgba (const CxTensor *t,
                int             channels,
                int             height,
                int             width)
{
  gsize plane = (gsize) height * width;
  guint8 *rgba = g_new (guint8, plane * 4);

  for (gsize i = 0; i < plane; i++)
    {
      for (int k = 0; k < 3; k++)
        {
          double v = t->data.f[(channels >= 3 ? k : 0) * plane + i];
          rgba[4 * i + k] = (guint8) lround (CLAMP (v, 0.0, 1.0) * 255.0);
        }
      rgba[4 * i + 3] = 255;
    }
  return rgba;
}

/* The difference summed over channels, white at zero, the diverging map's
 * ends at ± the largest magnitude. */
static guint8 *
difference_to_rgba (const CxTensor *d,
                    int             channels,
                    int             height,
                    int             width,
                    double         *max)
{
  gsize plane = (gsize) height * width;
  g_autofree double *sum = g_new0 (double, plane);
  guint8 *rgba = g_new (guint8, plane * 4);

  *max = 0;
  for (int k = 0; k < channels; k++)
    for (gsize i = 0; i < plane; i++)
      sum[i] += d->data.f[k * plane + i];
  for (gsize i = 0; i < plane; i++)
    *max = MAX (*max, fabs (sum[i]));
  for (gsize i = 0; i < plane; i++)
    {
      guint8 rgb[3];
      cx_render_color (CX_COLORMAP_DIVERGING, CX_SIGN_ALL, *max > 0 ? sum[i] / *max : 0.0, rgb);
      rgba[4 * i + 0] = rgb[0];
      rgba[4 * i + 1] = rgb[1];
      rgba[4 * i + 2] = rgb[2];
      rgba[4 * i + 3] = 255;
    }
  return rgba;
}

static void
image_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Job *job = task_data;
  const CxModel *model = candor_model_get_cx_model (job->model);
  g_autoptr(CandorWhatifResult) result = g_new0 (CandorWhatifResult, 1);
  g_autoptr(CxTensor) x = NULL;
  CxImageCounterfactualParams params;
  GError *error = NULL;
  int channels;

  candor_worker_enter ();
  x = cx_input_load (model, job->path, NULL, &error);
  if (x == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (x->ndim != 4 || x->shape[0] != 1)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("The model does not take images: its input is not [1, channels, height, width]"));
      return;
    }
  if (return_if_cancelled (task, cancellable))
    return;

  cx_image_counterfactual_params_init (&params);
  params.target = job->target;
  /* A new selection or leaving the page cancels: stop between steps. */
  params.engine.progress = candor_keep_going;
  params.engine.progress_data = cancellable;
  result->image = cx_image_counterfactual (model, x, &params, &error);
  if (return_if_cancelled (task, cancellable))
    {
      g_clear_error (&error);
      return;
    }
  if (result->image == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  channels = (int) x->shape[1];
  result->height = (int) x->shape[2];
  result->width = (int) x->shape[3];
  result->input_rgba = tensor_to_rgba (x, channels, result->height, result->width);
  result->perturbed_rgba = tensor_to_rgba (result->image->perturbed, channels, result->height, result->width);
  result->difference_rgba = difference_to_rgba (result->image->difference, channels, result->height,
                                                result->width, &result->difference_max);
  g_task_return_pointer (task, g_steal_pointer (&result), (GDestroyNotify) candor_whatif_result_free);
}

void
candor_whatif_run_table_async (CandorModel         *model,
                               CandorDataset       *dataset,
                               guint                row,
                               int                  count,
                               const char * const  *lock,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  g_return_if_fail (CANDOR_IS_MODEL (model));
  g_return_if_fail (CANDOR_IS_DATASET (dataset));

  job = g_new0 (Job, 1);
  job->model = g_object_ref (model);
  job->dataset = g_object_ref (dataset);
  job->row = row;
  job->count = count;
  job->lock = g_strdupv ((char **) lock);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, candor_whatif_run_table_async);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, table_thread);
}

void
candor_whatif_run_image_async (CandorModel         *model,
                               GFile               *input,
                               int64_t              target,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  g_return_if_fail (CANDOR_IS_MODEL (model));
  g_return_if_fail (G_IS_FILE (input));

  job = g_new0 (Job, 1);
  job->model = g_object_ref (model);
  job->path = g_file_get_path (input);
  job->target = target;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, candor_whatif_run_image_async);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  if (job->path == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("Only local files can be changed"));
      return;
    }
  g_task_run_in_thread (task, image_thread);
}

CandorWhatifResult *
candor_whatif_run_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
