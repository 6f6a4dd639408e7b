/* candor-explain-job.c: the six attribution maps of one image, or one
 * method's attribution per column of a table row, computed off the main
 * thread.
 *
 * A model with a single output (a logit) is explained at that output,
 * whatever the target: its score is the second class's, so the target
 * shown is class 1.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "candor-dataset.h"
#include "candor-explain-job.h"
#include "candor-model.h"
#include "candor-worker.h"
#include "engine.h"
#include "input.h"
#include "tabular.h"

static const CxMethod methods[CANDOR_EXPLAIN_N_MAPS] = {
  CX_METHOD_SALIENCY,
  CX_METHOD_GRADXINPUT,
  CX_METHOD_SMOOTHGRAD,
  CX_METHOD_IG,
  CX_METHOD_OCCLUSION,
  CX_METHOD_GRADCAM,
};

typedef struct
{
  CandorModel *model;
  char *path;                  /* images */
  CxTensor *image_mean;
  char **images;
  CandorDataset *dataset;      /* table rows */
  guint row;
  CandorExplainParams params;
} Job;

static void
job_free (Job *job)
{
  g_clear_object (&job->model);
  g_free (job->path);
  g_clear_pointer (&job->image_mean, cx_tensor_free);
  g_strfreev (job->images);
  g_clear_object (&job->dataset);
  g_free (job);
}

void
candor_explain_params_init (CandorExplainParams *params)
{
  CxExplainParams ig, sg;

  cx_explain_params_init (&ig, CX_METHOD_IG);
  cx_explain_params_init (&sg, CX_METHOD_SMOOTHGRAD);
  *params = (CandorExplainParams) {
    .target = -1,
    .ig_steps = ig.steps,
    .ig_rule = ig.rule,
    .ig_baseline = CX_BASELINE_ZEROS,
    .table_method = CX_METHOD_IG,
    .table_baseline = CX_BASELINE_MEAN,
    .shap_permutations = ig.shap_permutations,
    .sign = CX_SIGN_ALL,
    .outlier_percent = 2.0,
    .alpha = 0.6,
    .smoothgrad_samples = sg.samples,
    .smoothgrad_noise = sg.noise,
    .seed = sg.seed,
  };
}

CxMethod
candor_explain_method (guint i)
{
  g_return_val_if_fail (i < CANDOR_EXPLAIN_N_MAPS, CX_METHOD_SALIENCY);
  return methods[i];
}

gboolean
candor_explain_is_table_method (CxMethod method)
{
  return method == CX_METHOD_IG || method == CX_METHOD_SHAP
      || method == CX_METHOD_GRADXINPUT || method == CX_METHOD_SALIENCY;
}

void
candor_explain_result_free (CandorExplainResult *result)
{
  if (result == NULL)
    return;
  for (guint i = 0; i < CANDOR_EXPLAIN_N_MAPS; i++)
    {
      g_free (result->maps[i].rgba);
      g_clear_pointer (&result->maps[i].map, cx_tensor_free);
      g_free (result->maps[i].error);
    }
  for (int c = 0; c < result->n_columns; c++)
    {
      g_free (result->columns[c].name);
      g_free (result->columns[c].value);
    }
  g_free (result->columns);
  g_clear_pointer (&result->image_mean, cx_tensor_free);
  g_free (result->probabilities);
  g_free (result->input_sha256);
  g_free (result);
}

/* Predicts @x into @result (probabilities, predicted and target class)
 * and returns the output index the methods explain. */
static gboolean
predict (const CxModel             *model,
         const CxTensor            *x,
         const CandorExplainParams *params,
         CandorExplainResult       *result,
         int64_t                   *explained,
         GError                   **error)
{
  g_autoptr(CxTensor) out = NULL;
  g_autoptr(CxTensor) prob = NULL;

  out = cx_engine_predict (model, x, 0, NULL, error);
  if (out == NULL)
    return FALSE;
  prob = cx_output_probabilities (model, 0, out);
  if (prob == NULL)
    prob = cx_softmax_rows (out);
  result->n_classes = (int) prob->shape[prob->ndim - 1];
  result->probabilities = g_new (double, result->n_classes);
  for (int k = 0; k < result->n_classes; k++)
    result->probabilities[k] = cx_tensor_get (prob, k);
  result->predicted = cx_argmax_row (prob, 0);
  if (out->numel == 1)
    {
      result->single_output = TRUE;
      result->target = 1;
      *explained = 0;
    }
  else
    {
      result->target = params->target >= 0 && params->target < result->n_classes
                     ? params->target : result->predicted;
      *explained = result->target;
    }
  return TRUE;
}

static void
keep_completeness (CandorExplainResult *result,
                   const CxExplanation *e)
{
  if (!e->has_completeness)
    return;
  result->has_completeness = TRUE;
  result->attribution_sum = e->attribution_sum;
  result->output = e->output;
  result->output_baseline = e->output_baseline;
  result->completeness_error = e->completeness_error;
}

static void
explain_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Job *job = task_data;
  const CxModel *model = candor_model_get_cx_model (job->model);
  g_autoptr(CandorExplainResult) result = g_new0 (CandorExplainResult, 1);
  g_autoptr(CxTensor) x = NULL;
  g_autoptr(GError) mean_error = NULL;
  GError *error = NULL;
  CxRenderOptions render;
  int64_t explained;

  candor_worker_enter ();
  result->params = job->params;
  x = cx_input_load (model, job->path, &result->input_sha256, &error);
  if (x == NULL || !predict (model, x, &job->params, result, &explained, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (job->params.ig_baseline == CX_BASELINE_MEAN)
    {
      result->image_mean = job->image_mean ? cx_tensor_copy (job->image_mean, &mean_error)
                                           : cx_input_mean (model, (const char * const *) job->images,
                                                            candor_keep_going, cancellable, &mean_error);
      if (g_cancellable_set_error_if_cancelled (cancellable, &error))
        {
          g_task_return_error (task, error);
          return;
        }
    }

  cx_render_options_init (&render);
  render.sign = job->params.sign;
  render.outlier_percent = job->params.outlier_percent;
  render.alpha = job->params.alpha;
  /* One output pixel per input pixel: the widget enlarges them sharply. */
  render.scale = 1;

  for (guint i = 0; i < CANDOR_EXPLAIN_N_MAPS; i++)
    {
      CandorExplainMap *m = &result->maps[i];
      g_autoptr(CxExplanation) e = NULL;
      g_autoptr(GError) local = NULL;
      CxExplainParams p;

      if (g_cancellable_set_error_if_cancelled (cancellable, &error))
        {
          g_task_return_error (task, error);
          return;
        }
      m->method = methods[i];
      cx_explain_params_init (&p, methods[i]);
      p.target = explained;
      p.steps = job->params.ig_steps;
      p.rule = job->params.ig_rule;
      if (methods[i] == CX_METHOD_IG)
        {
          p.baseline = job->params.ig_baseline;
          p.baseline_tensor = result->image_mean;
          p.seed = job->params.seed;
          if (p.baseline == CX_BASELINE_MEAN && result->image_mean == NULL)
            {
              m->error = g_strdup (mean_error ? mean_error->message : _("No images to average"));
              continue;
            }
        }
      if (methods[i] == CX_METHOD_SMOOTHGRAD)
        {
          p.samples = job->params.smoothgrad_samples;
          p.noise = job->params.smoothgrad_noise;
          p.seed = job->params.seed;
        }
      p.engine.progress = candor_keep_going;
      p.engine.progress_data = cancellable;

      e = cx_explain (model, x, &p, &local);
      if (e == NULL)
        {
          if (g_cancellable_set_error_if_cancelled (cancellable, &error))
            {
              g_task_return_error (task, error);
              return;
            }
          m->error = g_strdup (local->message);
          continue;
        }
      m->map = cx_render_map (e->attribution, job->params.sign, job->params.outlier_percent, &m->threshold);
      if (m->map == NULL)
        {
          m->error = g_strdup (_("The attribution cannot be drawn as a map"));
          continue;
        }
      m->rgba = cx_render_overlay (x, m->map, m->threshold, &render, &m->width, &m->height);
      keep_completeness (result, e);
    }
  g_task_return_pointer (task, g_steal_pointer (&result), (GDestroyNotify) candor_explain_result_free);
}

static int
compare_columns (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  double x = fabs (((const CandorExplainColumn *) a)->attribution);
  double y = fabs (((const CandorExplainColumn *) b)->attribution);
  return (x < y) - (x > y);
}

static void
explain_row_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  Job *job = task_data;
  const CxModel *model = candor_model_get_cx_model (job->model);
  const CxSchema *schema = candor_dataset_get_schema (job->dataset);
  const CxCsv *csv = candor_dataset_get_csv (job->dataset);
  const CxTensor *table = candor_dataset_get_encoded (job->dataset);
  g_autoptr(CandorExplainResult) result = g_new0 (CandorExplainResult, 1);
  g_autoptr(CxTensor) x = NULL;
  g_autoptr(CxTensor) encoded = NULL;
  g_autoptr(CxExplanation) e = NULL;
  g_autofree int *players = NULL;
  g_autofree double *columns = NULL;
  GError *error = NULL;
  CxExplainParams p;
  int64_t explained;

  candor_worker_enter ();
  result->params = job->params;
  if (schema == NULL || csv == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("The table has no schema saying how its columns become the model’s input"));
      return;
    }
  if (!cx_schema_check_model (schema, model, &error)
      || (x = cx_schema_encode_row (schema, csv, job->row, &error)) == NULL
      || !predict (model, x, &job->params, result, &explained, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  result->table = TRUE;
  result->row = job->row;
  result->method = job->params.table_method;
  result->input_sha256 = g_strdup (candor_dataset_get_sha256 (job->dataset));

  cx_explain_params_init (&p, job->params.table_method);
  p.target = explained;
  p.steps = job->params.ig_steps;
  p.rule = job->params.ig_rule;
  p.seed = job->params.seed;
  p.shap_permutations = job->params.shap_permutations;
  p.baseline = job->params.table_baseline;
  if (p.baseline == CX_BASELINE_MEAN)
    {
      /* The whole table, as `candor-cli explain --baseline mean` reads it. */
      if (table == NULL && (table = encoded = cx_schema_encode (schema, csv, &error)) == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      p.baseline_tensor = table;
    }
  players = cx_schema_players (schema);
  cx_schema_set_players (schema, x, players, &p);
  p.engine.progress = candor_keep_going;
  p.engine.progress_data = cancellable;

  e = cx_explain (model, x, &p, &error);
  if (g_cancellable_is_cancelled (cancellable))
    {
      g_clear_error (&error);
      g_cancellable_set_error_if_cancelled (cancellable, &error);
    }
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  keep_completeness (result, e);
  columns = g_new (double, MAX (schema->n_columns, 1));
  if (!cx_schema_column_attribution (schema, e, columns))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _("The attribution does not match the schema’s columns"));
      return;
    }
  result->n_columns = schema->n_columns;
  result->columns = g_new0 (CandorExplainColumn, MAX (schema->n_columns, 1));
  for (int c = 0; c < schema->n_columns; c++)
    {
      const CxSchemaColumn *col = &schema->columns[c];
      result->columns[c].name = g_strdup (col->name);
      result->columns[c].value = g_strdup (col->csv_column >= 0 ? cx_csv_cell (csv, job->row, col->csv_column) : "");
      result->columns[c].attribution = columns[c];
    }
  /* Largest first; a stable order for ties (the schema's). */
  g_qsort_with_data (result->columns, result->n_columns, sizeof (CandorExplainColumn),
                     compare_columns, NULL);
  g_task_return_pointer (task, g_steal_pointer (&result), (GDestroyNotify) candor_explain_result_free);
}

void
candor_explain_run_async (CandorModel               *model,
                          GFile                     *input,
                          const CandorExplainParams *params,
                          const CxTensor            *image_mean,
                          const char * const        *images,
                          GCancellable              *cancellable,
                          GAsyncReadyCallback        callback,
                          gpointer                   user_data)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  g_return_if_fail (CANDOR_IS_MODEL (model));
  g_return_if_fail (G_IS_FILE (input));
  g_return_if_fail (params != NULL);

  job = g_new0 (Job, 1);
  job->model = g_object_ref (model);
  job->path = g_file_get_path (input);
  job->params = *params;
  job->image_mean = image_mean ? cx_tensor_copy (image_mean, NULL) : NULL;
  job->images = g_strdupv ((char **) images);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, candor_explain_run_async);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  if (job->path == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("Only local files can be explained"));
      return;
    }
  g_task_run_in_thread (task, explain_thread);
}

void
candor_explain_row_async (CandorModel               *model,
                          CandorDataset             *dataset,
                          guint                      row,
                          const CandorExplainParams *params,
                          GCancellable              *cancellable,
                          GAsyncReadyCallback        callback,
                          gpointer                   user_data)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  g_return_if_fail (CANDOR_IS_MODEL (model));
  g_return_if_fail (CANDOR_IS_DATASET (dataset));
  g_return_if_fail (params != NULL);
  g_return_if_fail (candor_explain_is_table_method (params->table_method));

  job = g_new0 (Job, 1);
  job->model = g_object_ref (model);
  job->dataset = g_object_ref (dataset);
  job->row = row;
  job->params = *params;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, candor_explain_row_async);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, explain_row_thread);
}

CandorExplainResult *
candor_explain_run_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
