/* einsum.c: Einsum, forward and backward, for any equation.
 *
 * The equation names every axis with a letter ("bij,bjk->bik"); "..."
 * stands for broadcast axes; a letter repeated within one operand takes
 * its diagonal; letters absent from the output are summed over. Without
 * "->" the output is the ellipsis axes followed by the letters that occur
 * once, in alphabetical (ASCII) order, as NumPy does. Spaces are ignored
 * (PyTorch's exporter writes "B G H I D, B G H J D -> B G H I J").
 *
 * Every label gets one size and, per operand, one element stride (the
 * sum of its axes' strides when it repeats: the diagonal; 0 where the
 * operand broadcasts a size-1 axis). The result is then one loop over
 * all label values: out[o] += Π in_k[i_k]. The gradient of operand j is
 * the same loop with the output's gradient in j's place, accumulated
 * through j's strides, which sums over broadcast axes and fills only the
 * diagonal, as the chain rule asks. Attention-sized contractions (MaxViT's
 * windows) take milliseconds; nothing here is tuned for large ones.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"

#include <string.h>

#include "ops.h"

#define MAX_LABELS (52 + CX_MAX_DIMS)
#define MAX_OPERANDS 8
/* Label combinations one call may visit (a guard against absurd models). */
#define MAX_VISITS (G_GINT64_CONSTANT (1) << 36)

typedef struct
{
  int n_inputs;
  char **terms;                /* each input's subscripts, spaces removed */
  char *output;                /* NULL: implicit */
} EinsumParams;

static void
einsum_params_free (gpointer data)
{
  EinsumParams *p = data;
  g_strfreev (p->terms);
  g_free (p->output);
  g_free (p);
}

static gboolean
term_valid (const char *t, gboolean *has_ellipsis)
{
  *has_ellipsis = FALSE;
  for (const char *c = t; *c; c++)
    {
      if (g_ascii_isalpha (*c))
        continue;
      if (strncmp (c, "...", 3) == 0 && !*has_ellipsis)
        {
          *has_ellipsis = TRUE;
          c += 2;
          continue;
        }
      return FALSE;
    }
  return TRUE;
}

static gboolean
einsum_init (CxNode *node, GError **error)
{
  const char *eq = cx_node_attr_string (node, "equation", NULL);
  g_autoptr(GString) clean = g_string_new (NULL);
  g_autofree char *inputs = NULL;
  EinsumParams *p;
  char *arrow;
  gboolean ell;

  if (eq == NULL)
    {
      cx_node_error (node, error, CX_ERROR_INVALID, "Einsum needs an equation");
      return FALSE;
    }
  for (const char *c = eq; *c; c++)
    if (!g_ascii_isspace (*c))
      g_string_append_c (clean, *c);
  arrow = strstr (clean->str, "->");
  inputs = arrow ? g_strndup (clean->str, arrow - clean->str) : g_strdup (clean->str);
  p = g_new0 (EinsumParams, 1);
  p->terms = g_strsplit (inputs, ",", -1);
  p->n_inputs = (int) g_strv_length (p->terms);
  p->output = arrow ? g_strdup (arrow + 2) : NULL;
  node->params = p;

  if (p->n_inputs != node->n_in || p->n_inputs > MAX_OPERANDS)
    {
      cx_node_error (node, error, CX_ERROR_INVALID,
                     "the equation '%s' has %d operands but the node has %d inputs",
                     eq, p->n_inputs, node->n_in);
      return FALSE;
    }
  for (int k = 0; k < p->n_inputs; k++)
    if (!term_valid (p->terms[k], &ell))
      {
        cx_node_error (node, error, CX_ERROR_INVALID,
                       "the equation '%s' is not letters, commas, '...' and '->'", eq);
        return FALSE;
      }
  if (p->output != NULL)
    {
      if (!term_valid (p->output, &ell) || strstr (p->output, "->") != NULL)
        {
          cx_node_error (node, error, CX_ERROR_INVALID, "the equation '%s' has a malformed output", eq);
          return FALSE;
        }
      for (const char *c = p->output; *c; c++)
        if (g_ascii_isalpha (*c) && (strchr (c + 1, *c) != NULL || strchr (inputs, *c) == NULL))
          {
            cx_node_error (node, error, CX_ERROR_INVALID,
                           "the equation '%s': output label '%c' repeats or is not an input label", eq, *c);
            return FALSE;
          }
    }
  return TRUE;
}

/* ---- the plan: one size per label, one stride per operand and label ---- */

typedef struct
{
  int n_labels;
  int64_t size[MAX_LABELS];
  int64_t stride[MAX_OPERANDS][MAX_LABELS];   /* inputs */
  int64_t out_stride[MAX_LABELS];
  int out_ndim;
  int64_t out_shape[CX_MAX_DIMS];
} Plan;

static int
letter_label (char c)
{
  return c >= 'A' && c <= 'Z' ? c - 'A' : 26 + (c - 'a');
}

/* Label ids: 0–51 the letters (A–Z, a–z), 52 + e the ellipsis axes. */
static gboolean
plan_make (const CxNode *node, const EinsumParams *p, CxTensor *const *in, Plan *plan, GError **error)
{
  int n_ell = 0, ell_rank[MAX_OPERANDS];
  gboolean used[MAX_LABELS] = { FALSE };
  int count[MAX_LABELS] = { 0 };

  memset (plan, 0, sizeof *plan);
  for (int l = 0; l < MAX_LABELS; l++)
    plan->size[l] = -1;
  plan->n_labels = MAX_LABELS;

  for (int k = 0; k < p->n_inputs; k++)
    {
      const char *t = p->terms[k];
      int letters = 0;
      gboolean ell = strstr (t, "...") != NULL;
      for (const char *c = t; *c; c++)
        letters += g_ascii_isalpha (*c) != 0;
      if (!cx_elem_is_float (in[k]->elem))
        {
          cx_node_error (node, error, CX_ERROR_UNSUPPORTED, "Einsum of %s tensors is not supported",
                         cx_elem_name (in[k]->elem));
          return FALSE;
        }
      ell_rank[k] = in[k]->ndim - letters;
      if (ell_rank[k] < 0 || (!ell && ell_rank[k] != 0))
        {
          cx_node_error (node, error, CX_ERROR_SHAPE,
                         "operand %d has rank %d but its subscripts '%s' name %d axes",
                         k, in[k]->ndim, t, letters);
          return FALSE;
        }
      n_ell = MAX (n_ell, ell_rank[k]);
    }

  /* Sizes: letters must agree; ellipsis axes broadcast (1 against n). */
  for (int pass = 0; pass < 2; pass++)
    for (int k = 0; k < p->n_inputs; k++)
      {
        const char *t = p->terms[k];
        int64_t stride = 1, strides[CX_MAX_DIMS];
        int axis = 0, label[CX_MAX_DIMS];

        for (int d = in[k]->ndim - 1; d >= 0; d--)
          {
            strides[d] = stride;
            stride *= in[k]->shape[d];
          }
        for (const char *c = t; *c; c++)
          {
            if (*c == '.')
              {
                for (int e = 0; e < ell_rank[k]; e++)
                  label[axis++] = 52 + (n_ell - ell_rank[k]) + e;
                c += 2;
              }
            else
              label[axis++] = letter_label (*c);
          }
        for (int d = 0; d < in[k]->ndim; d++)
          {
            int l = label[d];
            int64_t s = in[k]->shape[d];
            used[l] = TRUE;
            if (pass == 0)
              {
                if (l < 52)
                  count[l]++;
                if (plan->size[l] < 0 || (l >= 52 && plan->size[l] == 1))
                  plan->size[l] = s;
                else if (s != plan->size[l] && !(l >= 52 && s == 1))
                  {
                    cx_node_error (node, error, CX_ERROR_SHAPE,
                                   "operand %d: axis %d has size %" G_GINT64_FORMAT
                                   " where the equation needs %" G_GINT64_FORMAT, k, d, s, plan->size[l]);
                    return FALSE;
                  }
              }
            else if (s == plan->size[l])
              plan->stride[k][l] += strides[d];
          }
      }

  /* The output's labels, in order. */
  {
    int labels[MAX_LABELS], n = 0;
    if (p->output != NULL)
      {
        for (const char *c = p->output; *c; c++)
          if (*c == '.')
            {
              for (int e = 0; e < n_ell; e++)
                labels[n++] = 52 + e;
              c += 2;
            }
          else
            labels[n++] = letter_label (*c);
      }
    else
      {
        for (int e = 0; e < n_ell; e++)
          labels[n++] = 52 + e;
        for (int l = 0; l < 52; l++)
          if (count[l] == 1)
            labels[n++] = l;
      }
    if (n > CX_MAX_DIMS)
      {
        cx_node_error (node, error, CX_ERROR_SHAPE, "the output would have %d axes", n);
        return FALSE;
      }
    plan->out_ndim = n;
    int64_t stride = 1;
    for (int i = n - 1; i >= 0; i--)
      {
        plan->out_shape[i] = plan->size[labels[i]];
        plan->out_stride[labels[i]] = stride;
        stride *= MAX (plan->out_shape[i], 0);
      }
  }
  for (int l = 0; l < MAX_LABELS; l++)
    if (!used[l])
      plan->size[l] = 1;
  return TRUE;
}

/* dst[·] += Π src_k[·] over every combination of label values. */
static gboolean
contract (const CxNode *node, const Plan *plan, int n_src, const float *const *src,
          const int64_t (*src_stride)[MAX_LABELS], float *dst, const int64_t *dst_stride,
          GError **error)
{
  int order[MAX_LABELS], n = 0, inner;
  int64_t idx[MAX_LABELS] = { 0 }, visits = 1;
  int64_t off[MAX_OPERANDS + 1] = { 0 };

  /* Axes of size 1 change nothing; the innermost is a summed label when
   * there is one, so the inner loop accumulates into one element. */
  for (int l = 0; l < MAX_LABELS; l++)
    if (plan->size[l] > 1)
      order[n++] = l;
  for (int i = 0; i < n; i++)
    if (plan->size[order[i]] == 0)
      return TRUE;
  for (int i = n - 1; i >= 0; i--)
    if (dst_stride[order[i]] == 0)
      {
        int t = order[i];
        order[i] = order[n - 1];
        order[n - 1] = t;
        break;
      }
  for (int i = 0; i < n; i++)
    {
      visits *= plan->size[order[i]];
      if (visits > MAX_VISITS)
        {
          cx_node_error (node, error, CX_ERROR_LIMIT,
                         "Einsum would visit more than 2^36 index combinations");
          return FALSE;
        }
    }
  if (n == 0)
    {
      float prod = 1.0f;
      for (int k = 0; k < n_src; k++)
        prod *= src[k][0];
      dst[0] += prod;
      return TRUE;
    }
  inner = order[n - 1];
  for (;;)
    {
      int64_t d = off[n_src];
      for (int64_t i = 0; i < plan->size[inner]; i++)
        {
          float prod = 1.0f;
          for (int k = 0; k < n_src; k++)
            prod *= src[k][off[k] + i * src_stride[k][inner]];
          dst[d + i * dst_stride[inner]] += prod;
        }
      /* The odometer over the outer labels, offsets kept incrementally. */
      int j = n - 2;
      for (; j >= 0; j--)
        {
          int l = order[j];
          if (++idx[l] < plan->size[l])
            {
              for (int k = 0; k < n_src; k++)
                off[k] += src_stride[k][l];
              off[n_src] += dst_stride[l];
              break;
            }
          for (int k = 0; k < n_src; k++)
            off[k] -= src_stride[k][l] * (plan->size[l] - 1);
          off[n_src] -= dst_stride[l] * (plan->size[l] - 1);
          idx[l] = 0;
        }
      if (j < 0)
        return TRUE;
    }
}

static gboolean
einsum_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out, GError **error)
{
  const EinsumParams *p = node->params;
  const float *src[MAX_OPERANDS];
  Plan *plan = g_new (Plan, 1);
  gboolean ok;

  ok = plan_make (node, p, in, plan, error);
  if (ok)
    {
      out[0] = cx_run_alloc_zeros (run, CX_ELEM_FLOAT, plan->out_ndim, plan->out_shape, error);
      ok = out[0] != NULL;
    }
  if (ok)
    {
      for (int k = 0; k < p->n_inputs; k++)
        src[k] = in[k]->data.f;
      ok = contract (node, plan, p->n_inputs, src, (const int64_t (*)[MAX_LABELS]) plan->stride,
                     out[0]->data.f, plan->out_stride, error);
    }
  g_free (plan);
  return ok;
}

static gboolean
einsum_backward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor *const *out,
                 CxTensor *const *gout, CxTensor **gin, GError **error)
{
  const EinsumParams *p = node->params;
  Plan *plan = g_new (Plan, 1);
  int64_t (*strides)[MAX_LABELS] = g_malloc0 (sizeof (int64_t[MAX_OPERANDS][MAX_LABELS]));
  gboolean ok = gout[0] == NULL || plan_make (node, p, in, plan, error);

  for (int j = 0; ok && gout[0] != NULL && j < p->n_inputs; j++)
    {
      const float *src[MAX_OPERANDS];
      int n = 0;

      if (gin[j] == NULL)
        continue;
      for (int k = 0; k < p->n_inputs; k++)
        if (k != j)
          {
            src[n] = in[k]->data.f;
            memcpy (strides[n++], plan->stride[k], sizeof strides[0]);
          }
      src[n] = gout[0]->data.f;
      memcpy (strides[n++], plan->out_stride, sizeof strides[0]);
      ok = contract (node, plan, n, src, (const int64_t (*)[MAX_LABELS]) strides, gin[j]->data.f,
                     plan->stride[j], error);
    }
  g_free (strides);
  g_free (plan);
  return ok;
}

CX_DEFINE_OP_FAMILY (einsum,
  { "Einsum", 1, MAX_OPERANDS, 1, 1, einsum_init, einsum_forward, einsum_backward,
    CX_DIFF_ALL, CX_SAVE_INPUTS, einsum_params_free },
)
