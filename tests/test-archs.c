/* test-archs.c: the torchvision families of tests/data against their
 * float64 PyTorch references, and `info` against what onnx.load saw.
 *
 * For every model in tests/data/manifest.json: the logits within 1e-4
 * relative (of the largest logit), and the gradient of each row's top
 * logit with respect to the input with cosine similarity ≥ 0.9999 and
 * relative L2 error ≤ 1e-3.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "testutil.h"
#include "engine.h"
#include "parallel.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

typedef struct
{
  char *dir;
  char *name;
  JsonObject *entry;   /* borrowed from the manifest */
} Arch;

static JsonParser *manifests[2];
static GPtrArray *all_archs;

static void
arch_free (gpointer data)
{
  Arch *a = data;
  g_free (a->dir);
  g_free (a->name);
  g_free (a);
}

static char *
path_of (const Arch *a, const char *suffix)
{
  g_autofree char *base = g_strdup_printf ("%s%s", a->name, suffix);
  return g_build_filename (a->dir, base, NULL);
}

static const char *
model_file (const Arch *a)
{
  return json_object_get_string_member (a->entry, "file");
}

static void
test_info (gconstpointer data)
{
  const Arch *a = data;
  g_autofree char *path = g_build_filename (a->dir, model_file (a), NULL);
  CxLoadOptions opt = { .allow_unsupported = TRUE };
  g_autoptr(GError) error = NULL;
  g_autoptr(CxModel) m = cx_model_load (path, &opt, &error);
  g_autoptr(JsonNode) info = NULL;
  JsonObject *o, *hist, *want_hist;
  g_autoptr(GList) ops = NULL;

  g_assert_no_error (error);
  info = cx_model_info (m);
  o = json_node_get_object (info);
  g_assert_cmpint (json_object_get_int_member (o, "ir_version"), ==,
                   json_object_get_int_member (a->entry, "ir_version"));
  g_assert_cmpint (json_object_get_int_member (o, "node_count"), ==,
                   json_object_get_int_member (a->entry, "node_count"));
  g_assert_cmpint (json_object_get_int_member (o, "initializer_count"), ==,
                   json_object_get_int_member (a->entry, "initializer_count"));
  g_assert_cmpint (json_object_get_int_member (o, "parameter_count"), ==,
                   json_object_get_int_member (a->entry, "parameter_count"));
  g_assert_cmpstr (json_object_get_string_member (o, "producer_name"), ==,
                   json_object_get_string_member (a->entry, "producer_name"));
  g_assert_cmpint (m->opset, ==, json_object_get_int_member (a->entry, "opset"));
  hist = json_object_get_object_member (o, "op_histogram");
  want_hist = json_object_get_object_member (a->entry, "op_histogram");
  g_assert_cmpuint (json_object_get_size (hist), ==, json_object_get_size (want_hist));
  ops = json_object_get_members (want_hist);
  for (GList *l = ops; l; l = l->next)
    g_assert_cmpint (json_object_get_int_member_with_default (hist, l->data, -1), ==,
                     json_object_get_int_member (want_hist, l->data));
  /* The declared input shape, batch symbolic. */
  {
    JsonArray *shape = json_object_get_array_member (a->entry, "input_shape");
    const CxValue *in = &m->values[m->inputs[0]];
    g_assert_cmpint (in->ndim, ==, (int) json_array_get_length (shape));
    g_assert_cmpint (in->dims[0], ==, -1);
    for (int d = 1; d < in->ndim; d++)
      g_assert_cmpint (in->dims[d], ==, json_array_get_int_element (shape, d));
  }
}

static void
test_references (gconstpointer data)
{
  const Arch *a = data;
  g_autofree char *model_path = g_build_filename (a->dir, model_file (a), NULL);
  g_autofree char *in_path = path_of (a, "-input.npy");
  g_autofree char *logits_path = path_of (a, "-logits.npy");
  g_autofree char *grad_path = path_of (a, "-grad.npy");
  g_autoptr(GError) error = NULL;
  g_autoptr(CxModel) m = NULL;
  g_autoptr(CxTensor) x = NULL;
  g_autoptr(CxTensor) logits = NULL;
  g_autoptr(CxTensor) grad = NULL;
  g_autoptr(CxTensor) want_logits_t = NULL;
  g_autoptr(CxTensor) want_grad_t = NULL;
  g_autofree double *want_logits = NULL;
  g_autofree double *want_grad = NULL;
  g_autofree int64_t *targets = NULL;
  double max_logit = 0, dot = 0, n_got = 0, n_want = 0, n_diff = 0;
  int64_t rows, k;

  m = cx_model_load (model_path, NULL, &error);
  g_assert_no_error (error);
  x = cx_test_load_npy (in_path, NULL);
  want_logits_t = cx_test_load_npy (logits_path, &want_logits);
  want_grad_t = cx_test_load_npy (grad_path, &want_grad);
  rows = x->shape[0];
  k = want_logits_t->numel / rows;
  targets = g_new (int64_t, rows);
  for (int64_t b = 0; b < rows; b++)
    {
      int64_t best = 0;
      for (int64_t j = 1; j < k; j++)
        if (want_logits[b * k + j] > want_logits[b * k + best])
          best = j;
      targets[b] = best;
    }
  g_assert_true (cx_engine_gradient (m, x, 0, targets, NULL, &logits, &grad, &error));
  g_assert_no_error (error);
  g_assert_cmpint (logits->numel, ==, want_logits_t->numel);
  for (int64_t i = 0; i < logits->numel; i++)
    max_logit = MAX (max_logit, fabs (want_logits[i]));
  for (int64_t i = 0; i < logits->numel; i++)
    if (fabs (logits->data.f[i] - want_logits[i]) > 1e-4 * max_logit)
      g_error ("%s: logit %" G_GINT64_FORMAT " is %.8g, PyTorch says %.8g", a->name, i,
               logits->data.f[i], want_logits[i]);
  g_assert_true (cx_tensor_same_shape (grad, want_grad_t));
  for (int64_t i = 0; i < grad->numel; i++)
    {
      double g = grad->data.f[i], w = want_grad[i];
      dot += g * w;
      n_got += g * g;
      n_want += w * w;
      n_diff += (g - w) * (g - w);
    }
  g_assert_cmpfloat (n_want, >, 0);
  if (dot / sqrt (n_got * n_want) < 0.9999 || sqrt (n_diff / n_want) > 1e-3)
    g_error ("%s: input gradient cosine %.7f, relative L2 error %.3g", a->name,
             dot / sqrt (n_got * n_want), sqrt (n_diff / n_want));
}

/* Runs forward and backward (a fixed seed on output 0) with @exec; copies
 * of output 0 and of the input's gradient. */
static void
run_exec (CxExec *exec, CxTensor *x, CxTensor **y, CxTensor **gx)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CxTensor) seed = NULL;
  const CxTensor *o;

  g_assert_true (cx_exec_forward (exec, &x, TRUE, &error));
  g_assert_no_error (error);
  o = cx_exec_output (exec, 0);
  *y = cx_tensor_copy (o, &error);
  seed = cx_tensor_new_zeros (CX_ELEM_FLOAT, o->ndim, o->shape, &error);
  for (int64_t i = 0; i < seed->numel; i++)
    seed->data.f[i] = (float) ((i * 7919) % 13) / 13.0f - 0.5f;
  g_assert_true (cx_exec_backward (exec, 0, seed, &error));
  g_assert_no_error (error);
  *gx = cx_tensor_copy (cx_exec_input_grad (exec, 0), &error);
  g_assert_no_error (error);
}

/* The executor's shortcuts (activations fused into their Conv, gradients
 * updated in place) give the very bits of the plain path, which keeping
 * every value forces. */
static void
test_shortcuts_bit_identical (gconstpointer data)
{
  const Arch *a = data;
  g_autofree char *model_path = g_build_filename (a->dir, model_file (a), NULL);
  g_autofree char *in_path = path_of (a, "-input.npy");
  g_autoptr(GError) error = NULL;
  g_autoptr(CxModel) m = cx_model_load (model_path, NULL, &error);
  g_autoptr(CxTensor) x = NULL;
  g_autoptr(CxExec) fast = NULL;
  g_autoptr(CxExec) plain = NULL;
  g_autoptr(CxTensor) y1 = NULL, g1 = NULL, y2 = NULL, g2 = NULL;

  g_assert_no_error (error);
  x = cx_test_load_npy (in_path, NULL);
  fast = cx_exec_new (m, 0);
  plain = cx_exec_new (m, 0);
  for (int v = 0; v < m->n_values; v++)
    cx_exec_keep (plain, v);
  run_exec (fast, x, &y1, &g1);
  run_exec (plain, x, &y2, &g2);
  g_assert_cmpmem (y1->data.f, cx_tensor_nbytes (y1), y2->data.f, cx_tensor_nbytes (y2));
  g_assert_cmpmem (g1->data.f, cx_tensor_nbytes (g1), g2->data.f, cx_tensor_nbytes (g2));
}

/* One thread, two or three: the very same bits. The engine's kernels
 * split only independent outputs between threads, cut products into
 * parts set by their shapes alone, and run OpenBLAS single-threaded
 * (threaded, it blocks the inner dimension of some products differently,
 * K > 320 on AMD EPYC with OpenBLAS 0.3.21). The fixture's rows are
 * repeated to a batch of 8 so the loops are large enough to be split. */
static void
test_threads_bit_identical (gconstpointer data)
{
  const Arch *a = data;
  g_autofree char *model_path = g_build_filename (a->dir, model_file (a), NULL);
  g_autofree char *in_path = path_of (a, "-input.npy");
  g_autoptr(GError) error = NULL;
  g_autoptr(CxModel) m = cx_model_load (model_path, NULL, &error);
  g_autoptr(CxTensor) x1 = NULL, x = NULL;
  CxTensor *y[3], *g[3];
  int64_t shape[CX_MAX_DIMS], per_row;
  int saved = cx_parallel_get_threads ();

  g_assert_no_error (error);
  x1 = cx_test_load_npy (in_path, NULL);
  memcpy (shape, x1->shape, sizeof shape);
  shape[0] = 8;
  x = cx_tensor_new (CX_ELEM_FLOAT, x1->ndim, shape, &error);
  per_row = x1->numel / x1->shape[0];
  for (int64_t b = 0; b < 8; b++)
    memcpy (x->data.f + b * per_row, x1->data.f + (b % x1->shape[0]) * per_row,
            sizeof (float) * per_row);
  for (int t = 0; t < 3; t++)
    {
      g_autoptr(CxExec) exec = cx_exec_new (m, 0);
      cx_parallel_set_threads (t + 1);
      run_exec (exec, x, &y[t], &g[t]);
    }
  cx_parallel_set_threads (saved);
  g_assert_cmpint (openblas_get_num_threads (), ==, 1);
  for (int t = 1; t < 3; t++)
    {
      g_assert_cmpmem (y[0]->data.f, cx_tensor_nbytes (y[0]), y[t]->data.f, cx_tensor_nbytes (y[t]));
      g_assert_cmpmem (g[0]->data.f, cx_tensor_nbytes (g[0]), g[t]->data.f, cx_tensor_nbytes (g[t]));
    }
  for (int t = 0; t < 3; t++)
    {
      cx_tensor_free (y[t]);
      cx_tensor_free (g[t]);
    }
}

static void
add_manifest (int slot, const char *dir, const char *prefix, gboolean references)
{
  g_autofree char *path = g_build_filename (dir, "manifest.json", NULL);
  g_autoptr(GError) error = NULL;
  JsonObject *models;
  g_autoptr(GList) names = NULL;

  manifests[slot] = json_parser_new ();
  g_assert_true (json_parser_load_from_file (manifests[slot], path, &error));
  g_assert_no_error (error);
  models = json_node_get_object (json_parser_get_root (manifests[slot]));
  if (json_object_has_member (models, "models"))
    models = json_object_get_object_member (models, "models");
  names = json_object_get_members (models);
  for (GList *l = names; l; l = l->next)
    {
      Arch *a = g_new0 (Arch, 1);
      g_autofree char *info_path = g_strdup_printf ("/%s/info/%s", prefix, (char *) l->data);
      a->dir = g_strdup (dir);
      a->name = g_strdup (l->data);
      a->entry = json_object_get_object_member (models, l->data);
      g_ptr_array_add (all_archs, a);
      g_test_add_data_func (info_path, a, test_info);
      if (references)
        {
          g_autofree char *ref_path = g_strdup_printf ("/%s/matches-pytorch/%s", prefix, (char *) l->data);
          g_autofree char *bits_path = g_strdup_printf ("/%s/shortcuts-bit-identical/%s",
                                                        prefix, (char *) l->data);
          g_test_add_data_func (ref_path, a, test_references);
          g_autofree char *threads_path = g_strdup_printf ("/%s/threads-bit-identical/%s",
                                                           prefix, (char *) l->data);
          g_test_add_data_func (bits_path, a, test_shortcuts_bit_identical);
          g_test_add_data_func (threads_path, a, test_threads_bit_identical);
        }
    }
}

int
main (int argc, char *argv[])
{
  g_autofree char *data = NULL;
  g_autofree char *demo = NULL;

  int status;

  g_test_init (&argc, &argv, NULL);
  all_archs = g_ptr_array_new_with_free_func (arch_free);
  data = cx_test_source_path ("tests", "data", NULL);
  demo = cx_test_source_path ("resources", "demo", NULL);
  add_manifest (0, data, "archs", TRUE);
  add_manifest (1, demo, "demo", FALSE);
  status = g_test_run ();
  g_ptr_array_unref (all_archs);
  g_clear_object (&manifests[0]);
  g_clear_object (&manifests[1]);
  return status;
}
