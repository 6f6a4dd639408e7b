/* candor-explain-job.c: the six attribution maps of one image, computed
 * off the main thread.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"

#include <glib/gi18n.h>

#include "candor-explain-job.h"
#include "candor-model.h"
#include "engine.h"
#include "input.h"

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
  char *path;
  CandorExplainParams params;
} Job;

static void
job_free (Job *job)
{
  g_clear_object (&job->model);
  g_free (job->path);
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
  g_free (result->probabilities);
  g_free (result->input_sha256);
  g_free (result);
}

/* The engine asks between chunks whether to go on. */
static gboolean
keep_going (double   fraction,
            gpointer user_data)
{
  return !g_cancellable_is_cancelled (user_data);
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
  g_autoptr(CxTensor) out = NULL;
  g_autoptr(CxTensor) prob = NULL;
  GError *error = NULL;
  CxRenderOptions render;

  x = cx_input_load (model, job->path, &result->input_sha256, &error);
  if (x == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  out = cx_engine_predict (model, x, 0, NULL, &error);
  if (out == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  prob = cx_output_probabilities (model, 0, out);
  if (prob == NULL)
    prob = cx_softmax_rows (out);
  result->n_classes = (int) prob->shape[prob->ndim - 1];
  result->probabilities = g_new (double, result->n_classes);
  for (int k = 0; k < result->n_classes; k++)
    result->probabilities[k] = cx_tensor_get (prob, k);
  result->predicted = cx_argmax_row (prob, 0);
  result->target = job->params.target >= 0 && job->params.target < result->n_classes
                 ? job->params.target : result->predicted;

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
      p.target = result->target;
      p.steps = job->params.ig_steps;
      p.rule = job->params.ig_rule;
      if (methods[i] == CX_METHOD_SMOOTHGRAD)
        {
          p.samples = job->params.smoothgrad_samples;
          p.noise = job->params.smoothgrad_noise;
          p.seed = job->params.seed;
        }
      p.engine.progress = keep_going;
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
      if (e->has_completeness)
        {
          result->has_completeness = TRUE;
          result->attribution_sum = e->attribution_sum;
          result->output = e->output;
          result->output_baseline = e->output_baseline;
          result->completeness_error = e->completeness_error;
        }
    }
  g_task_return_pointer (task, g_steal_pointer (&result), (GDestroyNotify) candor_explain_result_free);
}

void
candor_explain_run_async (CandorModel               *model,
                          GFile                     *input,
                          const CandorExplainParams *params,
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

CandorExplainResult *
candor_explain_run_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
