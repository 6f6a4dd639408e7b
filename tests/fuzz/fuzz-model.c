/* fuzz-model.c: ONNX models from untrusted bytes, through validation,
 * shape inference and one forward and backward pass on a tiny input.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "model.h"
#include "exec.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  CxLoadOptions opt = { .max_file_bytes = 1 << 20, .max_nodes = 512 };
  g_autoptr(GError) error = NULL;
  g_autoptr(CxModel) m = NULL;
  g_autoptr(CxExec) exec = NULL;
  g_autoptr(GPtrArray) inputs = g_ptr_array_new_with_free_func ((GDestroyNotify) cx_tensor_free);

  cx_tensor_set_limit (32 << 20);
  m = cx_model_load_from_data (data, size, "fuzz.onnx", NULL, &opt, &error);
  g_assert ((m == NULL) == (error != NULL));
  if (m == NULL)
    return 0;

  /* A small input for every graph input: declared dims, symbolic ones 1. */
  for (int i = 0; i < m->n_inputs; i++)
    {
      const CxValue *v = &m->values[m->inputs[i]];
      int64_t shape[CX_MAX_DIMS];
      int ndim = v->ndim < 0 ? 1 : v->ndim;
      int64_t numel = 1;
      CxTensor *t;
      for (int d = 0; d < ndim; d++)
        {
          shape[d] = (v->ndim < 0 || v->dims[d] < 0) ? 1 : v->dims[d];
          if (shape[d] > 64 || numel * MAX (shape[d], 1) > 4096)
            return 0;
          numel *= MAX (shape[d], 1);
        }
      t = cx_tensor_new_zeros (v->elem == CX_ELEM_UNDEFINED ? CX_ELEM_FLOAT : v->elem, ndim, shape, NULL);
      if (t == NULL)
        return 0;
      if (cx_elem_is_float (t->elem))
        for (int64_t k = 0; k < t->numel; k++)
          t->data.f[k] = (float) ((k % 7) - 3) * 0.25f;
      g_ptr_array_add (inputs, t);
    }
  exec = cx_exec_new (m, 64 << 20);
  if (!cx_exec_forward (exec, (CxTensor *const *) inputs->pdata, TRUE, &error))
    return 0;
  for (int o = 0; o < m->n_outputs; o++)
    {
      const CxTensor *out = cx_exec_output (exec, o);
      g_autoptr(CxTensor) seed = NULL;
      if (out == NULL || !cx_elem_is_float (out->elem))
        continue;
      seed = cx_tensor_new_zeros (CX_ELEM_FLOAT, out->ndim, out->shape, NULL);
      if (seed == NULL)
        continue;
      for (int64_t k = 0; k < seed->numel; k++)
        seed->data.f[k] = 1.0f;
      g_clear_error (&error);
      cx_exec_backward (exec, o, seed, &error);
    }
  return 0;
}
