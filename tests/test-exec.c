/* test-exec.c: the executor's forward and reverse passes.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "testutil.h"
#include "engine.h"

#include <math.h>

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

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/exec/backward/fan-out-accumulates", test_fanout_accumulates);
  g_test_add_func ("/exec/forward/wrong-input-shape-is-refused", test_wrong_input_shape);
  g_test_add_func ("/exec/forward/unsupported-op-is-refused", test_unsupported_refused);
  g_test_add_func ("/exec/backward/relu-matches-finite-differences", test_relu_gradcheck);
  return g_test_run ();
}
