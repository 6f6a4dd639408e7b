/* test-exec.c: the executor's forward and reverse passes.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "testutil.h"
#include "engine.h"
#include "blas.h"
#include "parallel.h"

#include <math.h>
#include <string.h>

/* y = relu(relu(x)) used twice: the gradient reaching x accumulates from both paths. */
static void
test_fanout_accumulates (void)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autoptr(GError) error = NULL;
  g_autoptr(CxModel) m = NULL;
  g_autoptr(CxExec) exec = NULL;
  int64_t shape[2] = { -1, 4 }, real[2] = { 2, 4 };
  float xv[8] = { -1, 2, 3, -4, 5, -6, 7, 0.5f };
  g_autoptr(CxTensor) x = cx_tensor_new_f32 (2, real, xv);
  const CxTensor *gx;
  int64_t classes[2] = { 1, 1 };

  cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 2, shape);
  cx_test_graph_node (g, "Relu", "x", "a");
  cx_test_graph_node (g, "Identity", "a", "b");
  cx_test_graph_node (g, "Relu", "a", "c");
  cx_test_graph_node (g, "Identity", "b", "y");
  cx_test_graph_output (g, "y");
  cx_test_graph_output (g, "c");
  m = cx_test_graph_build (g, &error);
  g_assert_no_error (error);

  exec = cx_exec_new (m, 0);
  g_assert_true (cx_exec_forward (exec, &x, TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (cx_exec_output (exec, 0)->data.f[0], ==, 0.0f);
  g_assert_cmpfloat (cx_exec_output (exec, 0)->data.f[1], ==, 2.0f);
  g_assert_cmpfloat (cx_exec_output (exec, 1)->data.f[4], ==, 5.0f);
  g_assert_true (cx_exec_backward_class (exec, 0, classes, &error));
  g_assert_no_error (error);
  gx = cx_exec_input_grad (exec, 0);
  g_assert_nonnull (gx);
  for (int i = 0; i < 8; i++)
    g_assert_cmpfloat (gx->data.f[i], ==, (float) (i == 1));  /* row 1 class 1 is x = -6: relu' = 0 */
  /* A second backward after the same forward works too. */
  classes[0] = 2;
  classes[1] = 0;
  g_assert_true (cx_exec_backward_class (exec, 0, classes, &error));
  gx = cx_exec_input_grad (exec, 0);
  for (int i = 0; i < 8; i++)
    g_assert_cmpfloat (gx->data.f[i], ==, (float) (i == 2 || i == 4));
}

static void
test_wrong_input_shape (void)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autoptr(GError) error = NULL;
  g_autoptr(CxModel) m = NULL;
  g_autoptr(CxExec) exec = NULL;
  int64_t shape[2] = { -1, 4 }, bad[2] = { 2, 5 };
  g_autoptr(CxTensor) x = cx_tensor_new_f32 (2, bad, NULL);

  cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 2, shape);
  cx_test_graph_node (g, "Relu", "x", "y");
  cx_test_graph_output (g, "y");
  m = cx_test_graph_build (g, &error);
  g_assert_no_error (error);
  exec = cx_exec_new (m, 0);
  g_assert_false (cx_exec_forward (exec, &x, TRUE, &error));
  g_assert_error (error, CX_ERROR, CX_ERROR_SHAPE);
  g_assert_cmpstr (error->message, ==, "input 'x' has shape [2, 5] but the model expects [N, 4]");
}

/* A model opened only to be described cannot run: an error, not a crash. */
static void
test_unsupported_refused (void)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autoptr(GError) error = NULL;
  g_autoptr(CxModel) m = NULL;
  g_autoptr(CxTensor) out = NULL;
  g_autofree guint8 *buf = NULL;
  int64_t shape[2] = { -1, 4 }, real[2] = { 1, 4 };
  g_autoptr(CxTensor) x = cx_tensor_new_f32 (2, real, NULL);
  CxLoadOptions options = { 0 };
  gsize len;

  cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 2, shape);
  cx_test_graph_node (g, "Relu", "x", "a");
  cx_test_graph_node (g, "Exotic", "a", "y");
  cx_test_graph_output (g, "y");
  buf = cx_test_graph_pack (g, &len);
  g_assert_null (cx_model_load_from_data (buf, len, "exotic.onnx", NULL, NULL, &error));
  g_assert_error (error, CX_ERROR, CX_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  options.allow_unsupported = TRUE;
  m = cx_model_load_from_data (buf, len, "exotic.onnx", NULL, &options, &error);
  g_assert_no_error (error);
  out = cx_engine_predict (m, x, 0, NULL, &error);
  g_assert_null (out);
  g_assert_error (error, CX_ERROR, CX_ERROR_UNSUPPORTED);
  g_assert_cmpstr (error->message, ==, "the engine does not support the operator Exotic");
}

static void
test_relu_gradcheck (void)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autoptr(GError) error = NULL;
  g_autoptr(CxModel) m = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  int64_t shape[3] = { 2, 3, 5 };
  g_autoptr(CxTensor) x = cx_test_randn (rand, 3, shape);

  cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 3, shape);
  cx_test_graph_node (g, "Relu", "x", "y");
  cx_test_graph_output (g, "y");
  m = cx_test_graph_build (g, &error);
  g_assert_no_error (error);
  /* Keep away from the kink at 0. */
  for (int64_t i = 0; i < x->numel; i++)
    if (fabsf (x->data.f[i]) < 0.05f)
      x->data.f[i] = 0.5f;
  cx_test_gradcheck (m, &x, 1e-3, 1e-2, 1e-3, 100);
}

/* x feeds a Conv and a Clip whose sum goes through a Relu. In reverse, the
 * Relu's gradient is written in place (backward_set); then the later of
 * the Conv and the Clip (@conv_last) writes x's gradient and the other
 * adds onto it. */
static CxModel *
fanout_model (gboolean conv_last)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  int64_t xs[4] = { 2, 3, 5, 5 }, ws[4] = { 3, 3, 3, 3 }, bs[1] = { 0 };
  int64_t pads[4] = { 1, 1, 1, 1 };
  g_autoptr(CxTensor) w = cx_test_randn (rand, 4, ws);
  g_autoptr(CxTensor) lo = cx_tensor_new_f32 (0, bs, (float[]) { -0.5f });
  g_autoptr(CxTensor) hi = cx_tensor_new_f32 (0, bs, (float[]) { 0.8f });
  CxModel *m;

  cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 4, xs);
  cx_test_graph_const (g, "w", w);
  cx_test_graph_const (g, "lo", lo);
  cx_test_graph_const (g, "hi", hi);
  if (conv_last)
    cx_test_graph_node (g, "Clip", "x,lo,hi", "r");
  cx_test_graph_node (g, "Conv", "x,w", "c");
  cx_test_graph_attr_ints (g, "pads", 4, pads);
  if (!conv_last)
    cx_test_graph_node (g, "Clip", "x,lo,hi", "r");
  cx_test_graph_node (g, "Add", "c,r", "s");
  cx_test_graph_node (g, "Relu", "s", "y");
  cx_test_graph_output (g, "y");
  m = cx_test_graph_build (g, &error);
  g_assert_no_error (error);
  return m;
}

static CxTensor *
fanout_input (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (12);
  int64_t xs[4] = { 2, 3, 5, 5 };
  CxTensor *x = cx_test_randn (rand, 4, xs);

  /* Keep away from the kinks of the Clip. */
  for (int64_t i = 0; i < x->numel; i++)
    if (fabsf (x->data.f[i] + 0.5f) < 0.05f || fabsf (x->data.f[i] - 0.8f) < 0.05f)
      x->data.f[i] += 0.2f;
  return x;
}

static void
test_written_then_added_gradcheck (void)
{
  g_autoptr(CxTensor) x = fanout_input ();

  for (int conv_last = 0; conv_last <= 1; conv_last++)
    {
      g_autoptr(CxModel) m = fanout_model (conv_last);
      cx_test_gradcheck (m, &x, 1e-3, 2e-2, 2e-3, 150);
    }
}

/* Keeping every value stops the in-place updates: the input's gradient
 * must come out bit for bit the same. */
static void
test_in_place_matches_kept (void)
{
  g_autoptr(CxModel) m = fanout_model (TRUE);
  g_autoptr(CxTensor) x = fanout_input ();
  g_autoptr(CxExec) plain = cx_exec_new (m, 0);
  g_autoptr(CxExec) kept = cx_exec_new (m, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (13);
  g_autoptr(CxTensor) seed = NULL;
  const CxTensor *a, *b;

  for (int v = 0; v < m->n_values; v++)
    cx_exec_keep (kept, v);
  g_assert_true (cx_exec_forward (plain, &x, TRUE, &error));
  g_assert_true (cx_exec_forward (kept, &x, TRUE, &error));
  g_assert_no_error (error);
  seed = cx_test_randn (rand, x->ndim, cx_exec_output (plain, 0)->shape);
  g_assert_true (cx_exec_backward (plain, 0, seed, &error));
  g_assert_true (cx_exec_backward (kept, 0, seed, &error));
  g_assert_no_error (error);
  a = cx_exec_input_grad (plain, 0);
  b = cx_exec_input_grad (kept, 0);
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpmem (a->data.f, sizeof (float) * a->numel, b->data.f, sizeof (float) * b->numel);
  /* The kept run still has the intermediate gradients. */
  for (int v = 0; v < m->n_values; v++)
    if (g_str_equal (m->values[v].name, "s"))
      g_assert_nonnull (cx_exec_value_grad (kept, v));
}

/* cx_sgemm_parts against a plain triple loop in double, for the four
 * transpositions, cut by rows (M >= N) and by columns (N > M), with beta
 * adding onto C and padded leading dimensions (the padding untouched);
 * and the same bits for 1 and 3 threads (its parts are set by the shape
 * alone). */
static void
test_sgemm_parts (void)
{
  const int shapes[2][3] = { { 301, 47, 1200 }, { 37, 530, 900 } };  /* M, N, K */
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  int saved = cx_parallel_get_threads ();

  for (int s = 0; s < 2; s++)
    for (int ta = 0; ta < 2; ta++)
      for (int tb = 0; tb < 2; tb++)
        {
          const int M = shapes[s][0], N = shapes[s][1], K = shapes[s][2];
          const int lda = (ta ? M : K) + 3, ldb = (tb ? K : N) + 5, ldc = N + 2;
          g_autofree float *A = g_new (float, (gsize) (ta ? K : M) * lda);
          g_autofree float *B = g_new (float, (gsize) (tb ? N : K) * ldb);
          g_autofree float *C0 = g_new (float, (gsize) M * ldc);
          g_autofree float *C1 = g_new (float, (gsize) M * ldc);
          g_autofree float *C3 = g_new (float, (gsize) M * ldc);

          g_assert_cmpint ((int64_t) M * N * K / CX_SGEMM_PART_MACS, >, 1);
          for (int i = 0; i < (ta ? K : M) * lda; i++)
            A[i] = (float) g_rand_double_range (rand, -1, 1);
          for (int i = 0; i < (tb ? N : K) * ldb; i++)
            B[i] = (float) g_rand_double_range (rand, -1, 1);
          for (int i = 0; i < M * ldc; i++)
            C0[i] = (float) g_rand_double_range (rand, -1, 1);
          memcpy (C1, C0, sizeof (float) * M * ldc);
          memcpy (C3, C0, sizeof (float) * M * ldc);
          cx_parallel_set_threads (1);
          cx_sgemm_parts (ta, tb, M, N, K, 0.5f, A, lda, B, ldb, 2.0f, C1, ldc);
          cx_parallel_set_threads (3);
          cx_sgemm_parts (ta, tb, M, N, K, 0.5f, A, lda, B, ldb, 2.0f, C3, ldc);
          g_assert_cmpmem (C1, sizeof (float) * M * ldc, C3, sizeof (float) * M * ldc);
          for (int i = 0; i < M; i++)
            {
              for (int j = 0; j < N; j++)
                {
                  double want = 2.0 * C0[i * ldc + j];
                  for (int k = 0; k < K; k++)
                    want += 0.5 * (ta ? A[k * lda + i] : A[i * lda + k]) *
                            (tb ? B[j * ldb + k] : B[k * ldb + j]);
                  g_assert_cmpfloat (fabs (C1[i * ldc + j] - want), <, 1e-4);
                }
              for (int j = N; j < ldc; j++)
                g_assert_cmpfloat (C1[i * ldc + j], ==, C0[i * ldc + j]);
            }
        }
  cx_parallel_set_threads (saved);
}

/* Threads of this process, from /proc (0 when it cannot be read). */
static int threads_at_start;

static int
count_threads (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  int n = 0;

  if (dir == NULL)
    return 0;
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* OpenBLAS starts helper threads when it loads, and they poll for a
 * tenth of a second; explain/blas.c stops them before main (the engine
 * runs OpenBLAS on one thread in its own pool). So main starts alone. */
static void
test_openblas_quiet (void)
{
  if (threads_at_start == 0)
    {
      g_test_skip ("/proc/self/task cannot be read");
      return;
    }
  g_assert_cmpint (threads_at_start, ==, 1);
}

int
main (int argc, char *argv[])
{
  threads_at_start = count_threads ();
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/exec/openblas-helpers-are-stopped-before-main", test_openblas_quiet);
  g_test_add_func ("/exec/backward/fan-out-accumulates", test_fanout_accumulates);
  g_test_add_func ("/exec/forward/wrong-input-shape-is-refused", test_wrong_input_shape);
  g_test_add_func ("/exec/forward/unsupported-op-is-refused", test_unsupported_refused);
  g_test_add_func ("/exec/backward/relu-matches-finite-differences", test_relu_gradcheck);
  g_test_add_func ("/exec/backward/written-then-added-matches-finite-differences",
                   test_written_then_added_gradcheck);
  g_test_add_func ("/exec/backward/in-place-matches-kept-values", test_in_place_matches_kept);
  g_test_add_func ("/blas/parts/match-the-product-for-any-thread-count", test_sgemm_parts);
  return g_test_run ();
}
