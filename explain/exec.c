/* exec.c: forward execution with a reference-counted memory plan, and the
 * reverse pass (vector-Jacobian products in reverse topological order).
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "exec.h"
#include "run.h"

#include <math.h>
#include <string.h>

#define MAX_ARITY 1024

struct _CxExec
{
  const CxModel *model;      /* borrowed */
  CxRun *run;                /* owned */
  CxTensor **vals;           /* current activations; constants and inputs borrowed */
  gboolean *owned;           /* vals[v] belongs to the run */
  int *refs;                 /* remaining reasons to keep vals[v] */
  CxTensor **grads;          /* owned by the run */
  gboolean *requires_grad;   /* static: depends on a float graph input */
  gboolean *keep;            /* values the caller wants kept */
  CxTensor *meta;            /* element type and shape of every value of the last forward */
  GHashTable *profile;       /* "Op" / "Op (backward)" -> µs and calls, with CANDOR_PROFILE=1 */
  gboolean profile_nodes;    /* CANDOR_PROFILE=nodes: one line per node instead of per op type */
  int *fuse;                 /* per node: the activation it may apply itself (clamp), or -1 */
  float *fuse_lo, *fuse_hi;  /* that activation's bounds */
  gboolean *done;            /* per node: already run, fused into its producer */
  int *pool;                 /* per node with a fused activation: the 2×2 MaxPool after it, or -1 */
  int *pooled_by;            /* per MaxPool node: the producer that ran it this pass, or -1 */
  CxTensor **codes;          /* per producer that ran its pool: the winners, for backward */
  gboolean recorded;
};

static void
profile_add (CxExec *exec, const CxNode *node, gboolean backward, gint64 start)
{
  g_autofree char *key = NULL;
  gint64 *acc;

  if (exec->profile == NULL)
    return;
  if (exec->profile_nodes)
    key = g_strdup_printf ("%s %s%s", node->name, node->op_type, backward ? " (backward)" : "");
  else
    key = g_strdup_printf ("%s%s", node->op_type, backward ? " (backward)" : "");
  acc = g_hash_table_lookup (exec->profile, key);
  if (acc == NULL)
    {
      acc = g_new0 (gint64, 2);
      g_hash_table_insert (exec->profile, g_steal_pointer (&key), acc);
    }
  acc[0] += g_get_monotonic_time () - start;
  acc[1]++;
}

static int
profile_cmp (gconstpointer a, gconstpointer b, gpointer table)
{
  gint64 ta = ((gint64 *) g_hash_table_lookup (table, a))[0];
  gint64 tb = ((gint64 *) g_hash_table_lookup (table, b))[0];
  return ta > tb ? -1 : ta < tb;
}

/* Prints the profile, most expensive first. */
static void
profile_print (CxExec *exec)
{
  GList *keys;
  gint64 total = 0;

  if (exec->profile == NULL || g_hash_table_size (exec->profile) == 0)
    return;
  keys = g_hash_table_get_keys (exec->profile);
  for (GList *l = keys; l != NULL; l = l->next)
    total += ((gint64 *) g_hash_table_lookup (exec->profile, l->data))[0];
  keys = g_list_sort_with_data (keys, profile_cmp, exec->profile);
  g_printerr ("candor profile (%.1f ms in kernels):\n", total / 1000.0);
  for (GList *l = keys; l != NULL; l = l->next)
    {
      const gint64 *v = g_hash_table_lookup (exec->profile, l->data);
      g_printerr ("  %-36s %10.2f ms %6.1f %% %8" G_GINT64_FORMAT " calls\n", (char *) l->data,
                  v[0] / 1000.0, 100.0 * v[0] / MAX (total, 1), v[1]);
    }
  g_list_free (keys);
}

/* A value needs a gradient when a float graph input reaches it through
 * differentiable inputs of differentiable ops. */
static void
compute_requires_grad (CxExec *exec)
{
  const CxModel *m = exec->model;

  for (int i = 0; i < m->n_inputs; i++)
    {
      const CxValue *v = &m->values[m->inputs[i]];
      exec->requires_grad[m->inputs[i]] = v->elem == CX_ELEM_UNDEFINED || cx_elem_is_float (v->elem);
    }
  for (int n = 0; n < m->n_nodes; n++)
    {
      const CxNode *node = &m->nodes[n];
      gboolean req = FALSE;
      if (node->folded || node->def == NULL || node->def->backward == NULL)
        continue;
      for (int k = 0; k < node->n_in; k++)
        if (node->in[k] >= 0 && cx_op_input_is_diff (node->def, k) &&
            exec->requires_grad[node->in[k]])
          req = TRUE;
      for (int k = 0; k < node->n_out; k++)
        if (node->out[k] >= 0)
          exec->requires_grad[node->out[k]] = req;
    }
}

/* The MaxPool that alone reads the output of node @n's fused activation,
 * when the three can run as one kernel (CxOpDef.forward_clamp_pool), or
 * -1. Not after a Clip with no upper bound: the kernel passes Relu's
 * gradient at +inf, where Clip's is zero. */
static int
find_pool (const CxExec *exec, int n, const int *readers, const int *reader)
{
  const CxModel *m = exec->model;
  const CxNode *node = &m->nodes[n], *act = &m->nodes[exec->fuse[n]], *pool;
  int a = act->out[0];

  if (node->def->forward_clamp_pool == NULL || a < 0 || readers[a] != 1 ||
      m->values[a].is_output)
    return -1;
  if (!g_str_equal (act->def->name, "Relu") && !(exec->fuse_hi[n] < INFINITY))
    return -1;
  pool = &m->nodes[reader[a]];
  if (pool->def == NULL || pool->def->is_pool2 == NULL || pool->in[0] != a ||
      !pool->def->is_pool2 (pool))
    return -1;
  /* Its Indices output, if any, is read by nobody. */
  if (pool->n_out > 1 && pool->out[1] >= 0 &&
      (readers[pool->out[1]] > 0 || m->values[pool->out[1]].is_output))
    return -1;
  return reader[a];
}

/* Producer–activation pairs (Conv → Relu or Clip) that may run as one
 * kernel: the producer's output is read by that activation alone (and is
 * not a graph output) and the activation's bounds are constants. Whether
 * they do is decided per forward pass (fused_here). */
static void
find_fusions (CxExec *exec)
{
  const CxModel *m = exec->model;
  g_autofree int *readers = g_new0 (int, m->n_values);
  g_autofree int *reader = g_new (int, m->n_values);
  CxTensor *in[MAX_ARITY];

  for (int n = 0; n < m->n_nodes; n++)
    {
      const CxNode *node = &m->nodes[n];
      exec->fuse[n] = -1;
      exec->pool[n] = -1;
      if (node->folded)
        continue;
      for (int k = 0; k < node->n_in; k++)
        if (node->in[k] >= 0)
          {
            readers[node->in[k]]++;
            reader[node->in[k]] = n;
          }
    }
  for (int n = 0; n < m->n_nodes; n++)
    {
      const CxNode *node = &m->nodes[n], *act;
      int c, f;
      gboolean constant = TRUE;

      if (node->folded || node->def == NULL || node->def->forward_clamp == NULL || node->n_out < 1)
        continue;
      c = node->out[0];
      if (c < 0 || readers[c] != 1 || m->values[c].is_output)
        continue;
      f = reader[c];
      act = &m->nodes[f];
      if (act->def == NULL || act->def->clamp_bounds == NULL || act->in[0] != c)
        continue;
      for (int k = 1; k < act->n_in; k++)
        {
          in[k] = act->in[k] >= 0 ? m->values[act->in[k]].constant : NULL;
          constant &= act->in[k] < 0 || in[k] != NULL;
        }
      in[0] = NULL;
      if (constant && act->def->clamp_bounds (act, in, &exec->fuse_lo[n], &exec->fuse_hi[n]))
        {
          exec->fuse[n] = f;
          exec->pool[n] = find_pool (exec, n, readers, reader);
        }
    }
}

/* TRUE when node @n, fused with its activation in this pass, may also
 * run its pool: the activation's output is not kept, and when a backward
 * pass follows, no input but the first needs a gradient. */
static gboolean
pooled_here (CxExec *exec, int n, gboolean record)
{
  const CxNode *node = &exec->model->nodes[n];

  if (exec->pool[n] < 0 || exec->keep[exec->model->nodes[exec->fuse[n]].out[0]])
    return FALSE;
  for (int k = 1; record && k < node->n_in; k++)
    if (node->in[k] >= 0 && exec->requires_grad[node->in[k]])
      return FALSE;
  return TRUE;
}

/* TRUE when node @n runs fused with its activation in this pass: nothing
 * but the activation reads the producer's output (not the memory plan for
 * backward, not a kept value). */
static gboolean
fused_here (CxExec *exec, int n)
{
  int c = exec->model->nodes[n].out[0];
  return exec->fuse[n] >= 0 && exec->refs[c] == 1 && !exec->keep[c];
}

CxExec *
cx_exec_new (const CxModel *model, guint64 budget)
{
  CxExec *exec = g_new0 (CxExec, 1);
  int nv = model->n_values;

  g_return_val_if_fail (model != NULL, NULL);
  exec->model = model;
  exec->run = cx_run_new (budget);
  exec->vals = g_new0 (CxTensor *, nv);
  exec->owned = g_new0 (gboolean, nv);
  exec->refs = g_new0 (int, nv);
  exec->grads = g_new0 (CxTensor *, nv);
  exec->requires_grad = g_new0 (gboolean, nv);
  exec->keep = g_new0 (gboolean, nv);
  exec->meta = g_new0 (CxTensor, nv);
  if (g_strcmp0 (g_getenv ("CANDOR_PROFILE"), "1") == 0 ||
      g_strcmp0 (g_getenv ("CANDOR_PROFILE"), "nodes") == 0)
    {
      exec->profile = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      exec->profile_nodes = g_str_equal (g_getenv ("CANDOR_PROFILE"), "nodes");
    }
  exec->fuse = g_new (int, model->n_nodes);
  exec->fuse_lo = g_new (float, model->n_nodes);
  exec->fuse_hi = g_new (float, model->n_nodes);
  exec->done = g_new0 (gboolean, model->n_nodes);
  exec->pool = g_new (int, model->n_nodes);
  exec->pooled_by = g_new (int, model->n_nodes);
  exec->codes = g_new0 (CxTensor *, model->n_nodes);
  for (int n = 0; n < model->n_nodes; n++)
    exec->pooled_by[n] = -1;
  compute_requires_grad (exec);
  find_fusions (exec);
  return exec;
}

static void
release_value (CxExec *exec, int v)
{
  if (exec->vals[v] != NULL && exec->owned[v])
    cx_run_release (exec->run, exec->vals[v]);
  exec->vals[v] = NULL;
  exec->owned[v] = FALSE;
  exec->refs[v] = 0;
}

static void
clear_grads (CxExec *exec)
{
  for (int v = 0; v < exec->model->n_values; v++)
    if (exec->grads[v] != NULL)
      {
        cx_run_release (exec->run, exec->grads[v]);
        exec->grads[v] = NULL;
      }
}

static void
clear_all (CxExec *exec)
{
  clear_grads (exec);
  for (int n = 0; n < exec->model->n_nodes; n++)
    {
      if (exec->codes[n] != NULL)
        cx_run_release (exec->run, exec->codes[n]);
      exec->codes[n] = NULL;
      exec->pooled_by[n] = -1;
    }
  for (int v = 0; v < exec->model->n_values; v++)
    release_value (exec, v);
  exec->recorded = FALSE;
}

void
cx_exec_free (CxExec *exec)
{
  if (exec == NULL)
    return;
  clear_all (exec);
  profile_print (exec);
  g_clear_pointer (&exec->profile, g_hash_table_destroy);
  cx_run_free (exec->run);
  g_free (exec->vals);
  g_free (exec->owned);
  g_free (exec->refs);
  g_free (exec->grads);
  g_free (exec->requires_grad);
  g_free (exec->keep);
  g_free (exec->meta);
  g_free (exec->fuse);
  g_free (exec->fuse_lo);
  g_free (exec->fuse_hi);
  g_free (exec->done);
  g_free (exec->pool);
  g_free (exec->pooled_by);
  g_free (exec->codes);
  g_free (exec);
}

void
cx_exec_keep (CxExec *exec, int value_id)
{
  g_return_if_fail (value_id >= 0 && value_id < exec->model->n_values);
  exec->keep[value_id] = TRUE;
}

guint64
cx_exec_peak_bytes (CxExec *exec)
{
  return cx_run_peak_bytes (exec->run);
}

static gboolean
check_input (const CxModel *m, int i, const CxTensor *t, GError **error)
{
  const CxValue *v = &m->values[m->inputs[i]];

  if (t == NULL)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_SHAPE, "input '%s' is missing", v->name);
      return FALSE;
    }
  if (v->elem != CX_ELEM_UNDEFINED && cx_elem_is_float (v->elem) != cx_elem_is_float (t->elem))
    {
      g_set_error (error, CX_ERROR, CX_ERROR_SHAPE,
                   "input '%s' is %s but the model expects %s", v->name,
                   cx_elem_name (t->elem), cx_elem_name (v->elem));
      return FALSE;
    }
  if (v->ndim >= 0)
    {
      gboolean ok = v->ndim == t->ndim;
      for (int d = 0; ok && d < v->ndim; d++)
        if (v->dims[d] >= 0 && v->dims[d] != t->shape[d])
          ok = FALSE;
      if (!ok)
        {
          g_autofree char *got = cx_shape_to_string (t->ndim, t->shape);
          g_autoptr(GString) want = g_string_new ("[");
          for (int d = 0; d < v->ndim; d++)
            {
              if (d)
                g_string_append (want, ", ");
              if (v->dims[d] >= 0)
                g_string_append_printf (want, "%" G_GINT64_FORMAT, v->dims[d]);
              else
                g_string_append (want, v->dim_names[d] ? v->dim_names[d] : "?");
            }
          g_string_append_c (want, ']');
          g_set_error (error, CX_ERROR, CX_ERROR_SHAPE,
                       "input '%s' has shape %s but the model expects %s",
                       v->name, got, want->str);
          return FALSE;
        }
    }
  return TRUE;
}

/* Node @n, its activation and its pool as one kernel, when it takes
 * them (*@applied): the pool's output is stored, the two values before it
 * never exist (their meta says so: numel −1), and with @record the codes
 * are kept for backward, where the pool's node stands for the three. */
static gboolean
run_pooled (CxExec *exec, int n, CxTensor *const *in, gboolean record, gboolean *applied,
            GError **error)
{
  const CxModel *m = exec->model;
  const CxNode *node = &m->nodes[n], *act = &m->nodes[exec->fuse[n]];
  const CxNode *pool = &m->nodes[exec->pool[n]];
  int v = pool->out[0];
  CxTensor *pooled = NULL, *codes = NULL;

  if (!node->def->forward_clamp_pool (exec->run, node, in, exec->fuse_lo[n], exec->fuse_hi[n],
                                      &pooled, record ? &codes : NULL, applied, error))
    return FALSE;
  if (!*applied)
    return TRUE;
  exec->meta[node->out[0]] = (CxTensor) { .elem = CX_ELEM_FLOAT, .numel = -1 };
  exec->meta[act->out[0]] = exec->meta[node->out[0]];
  exec->done[exec->fuse[n]] = TRUE;
  exec->done[exec->pool[n]] = TRUE;
  exec->codes[n] = codes;
  exec->pooled_by[exec->pool[n]] = n;
  if (v >= 0)
    {
      exec->meta[v] = *pooled;
      exec->meta[v].data.p = NULL;
    }
  if (v >= 0 && exec->refs[v] > 0)
    {
      exec->vals[v] = pooled;
      exec->owned[v] = TRUE;
    }
  else
    cx_run_release (exec->run, pooled);
  /* Drop the producer's inputs whose last reader this was. */
  for (int k = 0; k < node->n_in; k++)
    if (node->in[k] >= 0 && --exec->refs[node->in[k]] == 0)
      release_value (exec, node->in[k]);
  return TRUE;
}

gboolean
cx_exec_forward (CxExec *exec, CxTensor *const *inputs, gboolean record, GError **error)
{
  const CxModel *m = exec->model;
  CxTensor *in[MAX_ARITY];
  CxTensor *out[MAX_ARITY];
  gint64 t0;
  gboolean ok;

  g_return_val_if_fail (inputs != NULL || m->n_inputs == 0, FALSE);
  clear_all (exec);

  /* A model loaded only to be described (allow_unsupported) cannot run. */
  if (m->unsupported_ops->len > 0)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_UNSUPPORTED,
                   "the engine does not support the operator %s",
                   (const char *) g_ptr_array_index (m->unsupported_ops, 0));
      return FALSE;
    }

  for (int i = 0; i < m->n_inputs; i++)
    if (!check_input (m, i, inputs[i], error))
      return FALSE;

  /* Reference counts: consumers, outputs, kept values, and what backward reads. */
  for (int v = 0; v < m->n_values; v++)
    {
      exec->refs[v] = (m->values[v].is_output || exec->keep[v]) ? 1 : 0;
      if (m->values[v].constant != NULL)
        exec->vals[v] = m->values[v].constant;
    }
  for (int n = 0; n < m->n_nodes; n++)
    {
      const CxNode *node = &m->nodes[n];
      gboolean on_path = FALSE;
      if (node->folded)
        continue;
      for (int k = 0; k < node->n_in; k++)
        if (node->in[k] >= 0)
          {
            exec->refs[node->in[k]]++;
            if (cx_op_input_is_diff (node->def, k) && exec->requires_grad[node->in[k]])
              on_path = TRUE;
          }
      if (!record || !on_path || node->def->backward == NULL)
        continue;
      if (node->def->saves & (CX_SAVE_INPUTS | CX_SAVE_BOUND_INPUTS))
        for (int k = (node->def->saves & CX_SAVE_INPUTS) ? 0 : 1; k < node->n_in; k++)
          if (node->in[k] >= 0)
            exec->refs[node->in[k]]++;
      if (node->def->saves & CX_SAVE_OUTPUTS)
        for (int k = 0; k < node->n_out; k++)
          if (node->out[k] >= 0)
            exec->refs[node->out[k]]++;
    }
  for (int i = 0; i < m->n_inputs; i++)
    {
      exec->vals[m->inputs[i]] = inputs[i];
      exec->owned[m->inputs[i]] = FALSE;
    }
  for (int v = 0; v < m->n_values; v++)
    if (exec->vals[v] != NULL)
      {
        exec->meta[v] = *exec->vals[v];
        exec->meta[v].data.p = NULL;
      }

  if (m->n_nodes > 0)  /* a graph of inputs wired straight to outputs has none */
    memset (exec->done, 0, sizeof (gboolean) * m->n_nodes);
  for (int n = 0; n < m->n_nodes; n++)
    {
      const CxNode *node = &m->nodes[n];
      gboolean fused;
      if (node->folded)
        continue;
      if (exec->done[n])
        {
          /* Its output came from its producer: only drop its inputs. */
          for (int k = 0; k < node->n_in; k++)
            if (node->in[k] >= 0 && --exec->refs[node->in[k]] == 0)
              release_value (exec, node->in[k]);
          continue;
        }
      for (int k = 0; k < node->n_in; k++)
        in[k] = node->in[k] >= 0 ? exec->vals[node->in[k]] : NULL;
      for (int k = 0; k < node->n_out; k++)
        out[k] = NULL;
      fused = fused_here (exec, n);
      t0 = exec->profile ? g_get_monotonic_time () : 0;
      if (fused && pooled_here (exec, n, record))
        {
          gboolean applied;
          if (!run_pooled (exec, n, in, record, &applied, error))
            {
              clear_all (exec);
              return FALSE;
            }
          if (applied)
            {
              profile_add (exec, node, FALSE, t0);
              continue;
            }
        }
      if (fused)
        ok = node->def->forward_clamp (exec->run, node, in, out, exec->fuse_lo[n],
                                       exec->fuse_hi[n], error);
      else
        ok = node->def->forward (exec->run, node, in, out, error);
      profile_add (exec, node, FALSE, t0);
      if (ok && fused)
        {
          /* out[0] is the activation's output; the producer's own output
           * (read by nobody else) keeps only its shape, for backward. */
          const CxNode *act = &m->nodes[exec->fuse[n]];
          int a = act->out[0], c = node->out[0];
          exec->meta[c] = *out[0];
          exec->meta[c].data.p = NULL;
          exec->done[exec->fuse[n]] = TRUE;
          if (a >= 0 && exec->refs[a] > 0)
            {
              exec->vals[a] = out[0];
              exec->owned[a] = TRUE;
              exec->meta[a] = *out[0];
              exec->meta[a].data.p = NULL;
            }
          else
            cx_run_release (exec->run, out[0]);
          out[0] = NULL;
        }
      if (!ok)
        {
          for (int k = 0; k < node->n_out; k++)
            if (out[k] != NULL)
              cx_run_release (exec->run, out[k]);
          clear_all (exec);
          return FALSE;
        }
      for (int k = 0; k < node->n_out; k++)
        {
          int v = node->out[k];
          if (out[k] == NULL)
            {
              if (v >= 0 && exec->refs[v] > 0 && !(fused && k == 0))
                {
                  cx_node_error (node, error, CX_ERROR_INVALID,
                                 "output %d is used but was not produced", k);
                  clear_all (exec);
                  return FALSE;
                }
              continue;
            }
          if (v < 0 || exec->refs[v] == 0)
            {
              cx_run_release (exec->run, out[k]);
              continue;
            }
          exec->vals[v] = out[k];
          exec->owned[v] = TRUE;
          exec->meta[v] = *out[k];
          exec->meta[v].data.p = NULL;
        }
      /* Drop inputs whose last reader this was. */
      for (int k = 0; k < node->n_in; k++)
        {
          int v = node->in[k];
          if (v >= 0 && --exec->refs[v] == 0)
            release_value (exec, v);
        }
    }
  exec->recorded = record;
  return TRUE;
}

const CxTensor *
cx_exec_output (CxExec *exec, int i)
{
  g_return_val_if_fail (i >= 0 && i < exec->model->n_outputs, NULL);
  return exec->vals[exec->model->outputs[i]];
}

const CxTensor *
cx_exec_value (CxExec *exec, int value_id)
{
  g_return_val_if_fail (value_id >= 0 && value_id < exec->model->n_values, NULL);
  return exec->vals[value_id];
}

/* Backward of pool node @p that ran with its producer (run_pooled): the
 * gradient of the producer's first input, written when it starts here,
 * added otherwise. */
static gboolean
backward_pooled (CxExec *exec, int p, GError **error)
{
  const CxModel *m = exec->model;
  const int n = exec->pooled_by[p];
  const CxNode *node = &m->nodes[n], *pool = &m->nodes[p];
  CxTensor *in[MAX_ARITY];
  CxTensor *gy = exec->grads[pool->out[0]];
  int v = node->in[0];
  gboolean set = FALSE, ok;
  gint64 t0;

  if (gy == NULL || !exec->requires_grad[v] || !cx_elem_is_float (exec->meta[v].elem))
    return TRUE;
  if (exec->grads[v] == NULL)
    {
      const CxTensor *src = &exec->meta[v];
      g_assert (src->numel >= 0);
      exec->grads[v] = cx_run_alloc (exec->run, CX_ELEM_FLOAT, src->ndim, src->shape, error);
      if (exec->grads[v] == NULL)
        return FALSE;
      set = TRUE;
    }
  for (int k = 0; k < node->n_in; k++)
    in[k] = node->in[k] >= 0 ? exec->vals[node->in[k]] : NULL;
  t0 = exec->profile ? g_get_monotonic_time () : 0;
  ok = node->def->backward_pool (exec->run, node, in, gy, exec->codes[n], exec->grads[v], set,
                                 error);
  profile_add (exec, node, TRUE, t0);
  if (!exec->keep[pool->out[0]])
    {
      cx_run_release (exec->run, gy);
      exec->grads[pool->out[0]] = NULL;
    }
  return ok;
}

gboolean
cx_exec_backward (CxExec *exec, int output, const CxTensor *seed, GError **error)
{
  const CxModel *m = exec->model;
  CxTensor *in[MAX_ARITY], *out[MAX_ARITY], *gout[MAX_ARITY], *gin[MAX_ARITY];
  gboolean need[MAX_ARITY], set;
  int ov;
  gint64 t0;
  gboolean ok;

  g_return_val_if_fail (output >= 0 && output < m->n_outputs, FALSE);
  if (!exec->recorded)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT,
                   "backward needs a recorded forward pass first");
      return FALSE;
    }
  ov = m->outputs[output];
  if (exec->vals[ov] == NULL || !cx_tensor_same_shape (exec->vals[ov], seed) ||
      !cx_elem_is_float (exec->vals[ov]->elem))
    {
      g_set_error (error, CX_ERROR, CX_ERROR_SHAPE,
                   "the gradient seed does not match output '%s'", m->values[ov].name);
      return FALSE;
    }
  clear_grads (exec);
  if (!exec->requires_grad[ov])
    return TRUE;  /* the output does not depend on any input */

  exec->grads[ov] = cx_run_alloc (exec->run, CX_ELEM_FLOAT, seed->ndim, seed->shape, error);
  if (exec->grads[ov] == NULL)
    return FALSE;
  memcpy (exec->grads[ov]->data.f, seed->data.f, sizeof (float) * seed->numel);

  for (int n = m->n_nodes - 1; n >= 0; n--)
    {
      const CxNode *node = &m->nodes[n];
      gboolean any_out = FALSE, any_in = FALSE;

      if (node->folded || node->def->backward == NULL)
        continue;
      if (exec->pooled_by[n] >= 0)
        {
          /* The activation's and the producer's backward come with it:
           * they then find no output gradient and are skipped. */
          if (!backward_pooled (exec, n, error))
            {
              clear_grads (exec);
              return FALSE;
            }
          continue;
        }
      for (int k = 0; k < node->n_out; k++)
        {
          int v = node->out[k];
          gout[k] = v >= 0 ? exec->grads[v] : NULL;
          out[k] = v >= 0 ? exec->vals[v] : NULL;
          any_out |= gout[k] != NULL;
        }
      if (!any_out)
        continue;
      /* First contributions to an input's gradient may be written rather
       * than added (backward_set): all inputs that need a gradient must
       * have none yet, and be distinct values. */
      set = node->def->backward_set != NULL;
      for (int k = 0; k < node->n_in; k++)
        {
          int v = node->in[k];
          in[k] = v >= 0 ? exec->vals[v] : NULL;
          gin[k] = NULL;
          need[k] = FALSE;
          /* Integer values (indices, shapes) carry no gradient. */
          if (v < 0 || !cx_op_input_is_diff (node->def, k) || !exec->requires_grad[v] ||
              !cx_elem_is_float (exec->meta[v].elem))
            continue;
          need[k] = any_in = TRUE;
          if (exec->grads[v] != NULL)
            set = FALSE;
          for (int j = 0; j < k; j++)
            if (need[j] && node->in[j] == v)
              set = FALSE;
        }
      if (!any_in)
        continue;
      for (int k = 0; k < node->n_in; k++)
        {
          int v = node->in[k];
          if (!need[k])
            continue;
          if (exec->grads[v] == NULL)
            {
              const CxTensor *src = &exec->meta[v];
              int ov0 = node->out[0];
              g_assert (src->numel >= 0);
              if (set && k == 0 && node->def->set_in_place && gout[0] != NULL && ov0 >= 0 &&
                  !exec->keep[ov0] &&
                  (cx_tensor_same_shape (gout[0], src) ||
                   (node->def->set_reshaped && gout[0]->numel == src->numel)))
                {
                  /* The output's gradient is consumed here: take its buffer over. */
                  exec->grads[v] = gout[0];
                  exec->grads[ov0] = NULL;
                  gout[0]->ndim = src->ndim;
                  memcpy (gout[0]->shape, src->shape, sizeof (int64_t) * src->ndim);
                }
              else
                {
                  exec->grads[v] = set ? cx_run_alloc (exec->run, CX_ELEM_FLOAT, src->ndim,
                                                       src->shape, error)
                                       : cx_run_alloc_zeros (exec->run, CX_ELEM_FLOAT,
                                                             src->ndim, src->shape, error);
                  if (exec->grads[v] == NULL)
                    return FALSE;
                }
            }
          gin[k] = exec->grads[v];
        }
      t0 = exec->profile ? g_get_monotonic_time () : 0;
      ok = (set ? node->def->backward_set : node->def->backward) (exec->run, node, in, out,
                                                                 gout, gin, error);
      profile_add (exec, node, TRUE, t0);
      if (!ok)
        {
          clear_grads (exec);
          return FALSE;
        }
      /* Output gradients are consumed; keep only those asked for. */
      for (int k = 0; k < node->n_out; k++)
        {
          int v = node->out[k];
          if (v >= 0 && exec->grads[v] != NULL && !exec->keep[v])
            {
              cx_run_release (exec->run, exec->grads[v]);
              exec->grads[v] = NULL;
            }
        }
    }
  return TRUE;
}

gboolean
cx_exec_backward_class (CxExec *exec, int output, const int64_t *classes, GError **error)
{
  const CxTensor *o;
  g_autoptr(CxTensor) seed = NULL;
  int64_t rows, per_row;

  g_return_val_if_fail (output >= 0 && output < exec->model->n_outputs, FALSE);
  o = exec->vals[exec->model->outputs[output]];
  if (o == NULL || o->ndim < 1)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_SHAPE, "the output has no batch dimension");
      return FALSE;
    }
  rows = o->shape[0];
  per_row = rows > 0 ? o->numel / rows : 0;
  seed = cx_tensor_new_zeros (CX_ELEM_FLOAT, o->ndim, o->shape, error);
  if (seed == NULL)
    return FALSE;
  for (int64_t b = 0; b < rows; b++)
    {
      if (classes[b] < 0 || classes[b] >= per_row)
        {
          g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT,
                       "target class %" G_GINT64_FORMAT " is out of range (the output has %"
                       G_GINT64_FORMAT " classes)", classes[b], per_row);
          return FALSE;
        }
      seed->data.f[b * per_row + classes[b]] = 1.0f;
    }
  return cx_exec_backward (exec, output, seed, error);
}

const CxTensor *
cx_exec_input_grad (CxExec *exec, int i)
{
  g_return_val_if_fail (i >= 0 && i < exec->model->n_inputs, NULL);
  return exec->grads[exec->model->inputs[i]];
}

const CxTensor *
cx_exec_value_grad (CxExec *exec, int value_id)
{
  g_return_val_if_fail (value_id >= 0 && value_id < exec->model->n_values, NULL);
  return exec->grads[value_id];
}
