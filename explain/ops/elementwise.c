/* elementwise.c: unary and binary element-wise operators.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ops.h"

#include <string.h>

static gboolean
identity_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
                  GError **error)
{
  out[0] = cx_run_alloc (run, in[0]->elem, in[0]->ndim, in[0]->shape, error);
  if (out[0] == NULL)
    return FALSE;
  memcpy (out[0]->data.p, in[0]->data.p, cx_tensor_nbytes (in[0]));
  return TRUE;
}

static gboolean
identity_backward (CxRun *run, const CxNode *node, CxTensor *const *in,
                   CxTensor *const *out, CxTensor *const *gout, CxTensor **gin,
                   GError **error)
{
  if (gout[0] != NULL)
    for (int64_t i = 0; i < gin[0]->numel; i++)
      gin[0]->data.f[i] += gout[0]->data.f[i];
  return TRUE;
}

static gboolean
relu_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
              GError **error)
{
  const float *x = in[0]->data.f;
  float *y;

  out[0] = cx_run_alloc (run, in[0]->elem, in[0]->ndim, in[0]->shape, error);
  if (out[0] == NULL)
    return FALSE;
  y = out[0]->data.f;
  for (int64_t i = 0; i < in[0]->numel; i++)
    y[i] = x[i] > 0.0f ? x[i] : 0.0f;
  return TRUE;
}

static gboolean
relu_backward (CxRun *run, const CxNode *node, CxTensor *const *in,
               CxTensor *const *out, CxTensor *const *gout, CxTensor **gin,
               GError **error)
{
  const float *y = out[0]->data.f, *g = gout[0]->data.f;
  float *gx = gin[0]->data.f;

  for (int64_t i = 0; i < gin[0]->numel; i++)
    gx[i] += y[i] > 0.0f ? g[i] : 0.0f;
  return TRUE;
}

CX_DEFINE_OP_FAMILY (elementwise,
  { "Identity", 1, 1, 1, 1, NULL, identity_forward, identity_backward, CX_IN (0), CX_SAVE_NONE, NULL },
  { "Relu", 1, 1, 1, 1, NULL, relu_forward, relu_backward, CX_IN (0), CX_SAVE_OUTPUTS, NULL },
)
