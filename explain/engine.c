/* engine.c
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "engine.h"

#include <math.h>
#include <string.h>

const CxValue *
cx_engine_input (const CxModel *model, GError **error)
{
  const CxValue *v;

  if (model->n_inputs != 1)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_UNSUPPORTED,
                   "%s: the model has %d inputs; explanations need exactly one",
                   model->path, model->n_inputs);
      return NULL;
    }
  v = &model->values[model->inputs[0]];
  if (v->elem != CX_ELEM_UNDEFINED && !cx_elem_is_float (v->elem))
    {
      g_set_error (error, CX_ERROR, CX_ERROR_UNSUPPORTED,
                   "%s: the input '%s' is %s; explanations need a float input",
                   model->path, v->name, cx_elem_name (v->elem));
      return NULL;
    }
  return v;
}

int
cx_engine_fixed_batch (const CxModel *model)
{
  const CxValue *v;
  if (model->n_inputs < 1)
    return 0;
  v = &model->values[model->inputs[0]];
  if (v->ndim >= 1 && v->dims[0] >= 1)
    return (int) v->dims[0];
  return 0;
}

gboolean
cx_check_finite (const CxTensor *t, const char *what, GError **error)
{
  if (!cx_elem_is_float (t->elem))
    return TRUE;
  for (int64_t i = 0; i < t->numel; i++)
    if (!isfinite (t->data.f[i]))
      {
        g_set_error (error, CX_ERROR, CX_ERROR_NUMERIC,
                     "%s holds %s at element %" G_GINT64_FORMAT, what,
                     isnan (t->data.f[i]) ? "NaN" : "an infinity", i);
        return FALSE;
      }
  return TRUE;
}

/* Working memory a chunk of rows may take when no budget is given. */
#define CX_ENGINE_WORKING_SET (G_GUINT64_CONSTANT (512) << 20)

/* Rows per chunk: what the model accepts, bounded by the options. */
static int64_t
chunk_rows (const CxModel *model, const CxTensor *input, const CxEngineOptions *opt)
{
  int fixed = cx_engine_fixed_batch (model);
  int64_t rows = input->shape[0];

  if (fixed > 0)
    return fixed;
  if (opt != NULL && opt->max_batch > 0)
    rows = MIN (rows, opt->max_batch);
  /* Keep chunks moderate so activations stay within a few hundred MB even
   * for large inputs: about 64 MB of input per chunk. */
  {
    int64_t per_row = input->numel / MAX (input->shape[0], 1);
    int64_t cap = MAX (1, (int64_t) (16 << 20) / MAX (per_row, 1));
    rows = MIN (rows, cap);
  }
  return MAX (rows, 1);
}

static CxTensor *
slice_rows (const CxTensor *t, int64_t start, int64_t n, GError **error)
{
  int64_t shape[CX_MAX_DIMS];
  int64_t per_row = t->numel / MAX (t->shape[0], 1);
  CxTensor *s;

  memcpy (shape, t->shape, sizeof shape);
  shape[0] = n;
  s = cx_tensor_new (t->elem, t->ndim, shape, error);
  if (s != NULL)
    memcpy (s->data.f, t->data.f + start * per_row, sizeof (float) * n * per_row);
  return s;
}

static gboolean
append_rows (CxTensor **acc, const CxTensor *part, int64_t total, int64_t start, GError **error)
{
  int64_t per_row;
  if (*acc == NULL)
    {
      int64_t shape[CX_MAX_DIMS];
      memcpy (shape, part->shape, sizeof shape);
      shape[0] = total;
      *acc = cx_tensor_new (part->elem, part->ndim, shape, error);
      if (*acc == NULL)
        return FALSE;
    }
  per_row = part->numel / MAX (part->shape[0], 1);
  memcpy ((char *) (*acc)->data.p + start * per_row * cx_tensor_elem_size (part),
          part->data.p, cx_tensor_nbytes (part));
  return TRUE;
}

static gboolean
run_chunks (const CxModel *model, const CxTensor *input, int output, const int64_t *targets,
            const CxEngineOptions *opt, CxTensor **values, CxTensor **grad, GError **error)
{
  g_autoptr(CxExec) exec = NULL;
  g_autoptr(CxTensor) vals = NULL;
  g_autoptr(CxTensor) grads = NULL;
  int64_t rows = input->shape[0], step;
  gboolean want_grad = targets != NULL;

  if (input->ndim < 1 || rows < 1)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_SHAPE, "the input has no rows");
      return FALSE;
    }
  if (output < 0 || output >= model->n_outputs)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT, "the model has no output %d", output);
      return FALSE;
    }
  if (!cx_check_finite (input, "the input", error))
    return FALSE;
  exec = cx_exec_new (model, opt ? opt->budget : 0);
  step = chunk_rows (model, input, opt);
  if (cx_engine_fixed_batch (model) > 1 && rows % step != 0)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_SHAPE,
                   "the model takes batches of exactly %" G_GINT64_FORMAT " rows", step);
      return FALSE;
    }
  /* With a free batch dimension, a first small chunk measures what one row
   * costs, and the rest go in chunks that fit the working-memory target. */
  gboolean probing = cx_engine_fixed_batch (model) == 0 && step > 8 && rows > 8 &&
                     (guint64) cx_tensor_nbytes (input) * 64 > CX_ENGINE_WORKING_SET;
  if (probing)
    step = 4;
  for (int64_t start = 0, n = 0; start < rows; start += n)
    {
      n = MIN (step, rows - start);
      g_autoptr(CxTensor) part = NULL;
      CxTensor *inputs[1];
      const CxTensor *out;

      part = (start == 0 && n == rows) ? NULL : slice_rows (input, start, n, error);
      if (part == NULL && !(start == 0 && n == rows))
        return FALSE;
      inputs[0] = part ? part : (CxTensor *) input;
      if (!cx_exec_forward (exec, inputs, want_grad, error))
        return FALSE;
      out = cx_exec_output (exec, output);
      if (out == NULL || out->ndim < 1 || out->shape[0] != n)
        {
          g_set_error (error, CX_ERROR, CX_ERROR_SHAPE,
                       "the model's output does not have one row per input row");
          return FALSE;
        }
      if (!append_rows (&vals, out, rows, start, error))
        return FALSE;
      if (want_grad)
        {
          const CxTensor *g;
          if (!cx_exec_backward_class (exec, output, targets + start, error))
            return FALSE;
          g = cx_exec_input_grad (exec, 0);
          if (g == NULL)
            {
              g_autoptr(CxTensor) zero = cx_tensor_new_zeros (CX_ELEM_FLOAT, inputs[0]->ndim,
                                                              inputs[0]->shape, error);
              if (zero == NULL || !append_rows (&grads, zero, rows, start, error))
                return FALSE;
            }
          else if (!append_rows (&grads, g, rows, start, error))
            return FALSE;
        }
      if (probing)
        {
          guint64 target = (opt && opt->budget) ? opt->budget / 2 : CX_ENGINE_WORKING_SET;
          guint64 per_row = MAX (cx_exec_peak_bytes (exec) / (guint64) n, 1);
          int64_t fit = (int64_t) MAX (target / per_row, 1);
          step = MIN (chunk_rows (model, input, opt), fit);
          probing = FALSE;
        }
      if (opt != NULL && opt->progress != NULL &&
          !opt->progress ((double) (start + n) / rows, opt->progress_data))
        {
          g_set_error (error, CX_ERROR, CX_ERROR_CANCELLED, "cancelled");
          return FALSE;
        }
    }
  if (values != NULL)
    *values = g_steal_pointer (&vals);
  if (grad != NULL)
    *grad = g_steal_pointer (&grads);
  return TRUE;
}

CxTensor *
cx_engine_predict (const CxModel *model, const CxTensor *input, int output,
                   const CxEngineOptions *options, GError **error)
{
  CxTensor *values = NULL;
  if (!run_chunks (model, input, output, NULL, options, &values, NULL, error))
    return NULL;
  return values;
}

gboolean
cx_engine_gradient (const CxModel *model, const CxTensor *input, int output,
                    const int64_t *targets, const CxEngineOptions *options,
                    CxTensor **values, CxTensor **grad, GError **error)
{
  g_return_val_if_fail (targets != NULL, FALSE);
  return run_chunks (model, input, output, targets, options, values, grad, error);
}

CxTensor *
cx_softmax_rows (const CxTensor *logits)
{
  CxTensor *p = cx_tensor_copy (logits, NULL);
  int64_t rows = logits->ndim > 0 ? logits->shape[0] : 1;
  int64_t k = logits->numel / MAX (rows, 1);

  for (int64_t b = 0; b < rows; b++)
    {
      float *r = p->data.f + b * k;
      double mx = -INFINITY, s = 0;
      for (int64_t j = 0; j < k; j++)
        mx = MAX (mx, r[j]);
      for (int64_t j = 0; j < k; j++)
        s += exp (r[j] - mx);
      for (int64_t j = 0; j < k; j++)
        r[j] = (float) (exp (r[j] - mx) / s);
    }
  return p;
}

int64_t
cx_argmax_row (const CxTensor *t, int64_t b)
{
  int64_t rows = t->ndim > 0 ? t->shape[0] : 1;
  int64_t k = t->numel / MAX (rows, 1), best = 0;
  for (int64_t j = 1; j < k; j++)
    if (t->data.f[b * k + j] > t->data.f[b * k + best])
      best = j;
  return best;
}
