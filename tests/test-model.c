/* test-model.c: loading ONNX models and `info`.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "testutil.h"
#include "sha256.h"

#include <glib/gstdio.h>
#include <string.h>

static CxModel *
relu_model (void)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autoptr(GError) error = NULL;
  int64_t shape[2] = { -1, 3 };
  CxModel *m;

  cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 2, shape);
  cx_test_graph_node (g, "Relu", "x", "y");
  cx_test_graph_output (g, "y");
  m = cx_test_graph_build (g, &error);
  g_assert_no_error (error);
  return m;
}

static void
test_load_built (void)
{
  g_autoptr(CxModel) m = relu_model ();
  g_assert_cmpint (m->n_nodes, ==, 1);
  g_assert_cmpint (m->n_inputs, ==, 1);
  g_assert_cmpint (m->opset, ==, 13);
  g_assert_cmpstr (m->values[m->inputs[0]].dim_names[0], ==, "N");
  g_assert_cmpint (m->values[m->inputs[0]].dims[1], ==, 3);
}

static void
test_load_empty (void)
{
  g_autoptr(GError) error = NULL;
  CxModel *m = cx_model_load_from_data ((const guint8 *) "", 0, "empty.onnx", NULL, NULL, &error);
  g_assert_null (m);
  g_assert_error (error, CX_ERROR, CX_ERROR_PARSE);
  g_assert_cmpstr (error->message, ==, "empty.onnx: the file is empty");
}

static void
test_load_truncated (void)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *buf = NULL;
  int64_t shape[2] = { 2, 3 };
  gsize len;
  CxModel *m;

  cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 2, shape);
  cx_test_graph_node (g, "Relu", "x", "y");
  cx_test_graph_output (g, "y");
  buf = cx_test_graph_pack (g, &len);
  m = cx_model_load_from_data (buf, len - 5, "cut.onnx", NULL, NULL, &error);
  g_assert_null (m);
  g_assert_error (error, CX_ERROR, CX_ERROR_PARSE);
  g_assert_true (g_str_has_prefix (error->message, "cut.onnx: truncated"));
}

static void
test_load_garbage (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  guint8 buf[4096];
  CxModel *m;

  for (gsize i = 0; i < sizeof buf; i++)
    buf[i] = (guint8) g_rand_int_range (rand, 0, 256);
  buf[0] = 0xff;  /* field 31, wire type 7: never valid */
  m = cx_model_load_from_data (buf, sizeof buf, "noise.onnx", NULL, NULL, &error);
  g_assert_null (m);
  g_assert_error (error, CX_ERROR, CX_ERROR_PARSE);
  g_assert_cmpstr (error->message, ==, "noise.onnx: not an ONNX model (invalid protobuf data at byte 0)");
}

static void
test_load_unknown_op (void)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autoptr(GError) error = NULL;
  int64_t shape[1] = { 3 };
  CxModel *m;

  cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 1, shape);
  cx_test_graph_node (g, "FrobnicateV9", "x", "y");
  cx_test_graph_output (g, "y");
  m = cx_test_graph_build (g, &error);
  g_assert_null (m);
  g_assert_error (error, CX_ERROR, CX_ERROR_UNSUPPORTED);
  g_assert_cmpstr (error->message, ==, "test.onnx: the engine does not support the operator FrobnicateV9");
}

static void
test_load_cycle (void)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autoptr(GError) error = NULL;
  int64_t shape[1] = { 3 };
  CxModel *m;

  cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 1, shape);
  cx_test_graph_node (g, "Relu", "b", "a");
  cx_test_graph_node (g, "Relu", "a", "b");
  cx_test_graph_output (g, "b");
  m = cx_test_graph_build (g, &error);
  g_assert_null (m);
  g_assert_error (error, CX_ERROR, CX_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "test.onnx: the graph has a cycle through node Relu_"));
}

static void
test_load_two_producers (void)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autoptr(GError) error = NULL;
  int64_t shape[1] = { 3 };
  CxModel *m;

  cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 1, shape);
  cx_test_graph_node (g, "Relu", "x", "y");
  cx_test_graph_node (g, "Relu", "x", "y");
  cx_test_graph_output (g, "y");
  m = cx_test_graph_build (g, &error);
  g_assert_null (m);
  g_assert_error (error, CX_ERROR, CX_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "test.onnx: node Relu_1 (Relu): output 'y' is already produced by another node");
}

static void
test_load_missing_input (void)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autoptr(GError) error = NULL;
  int64_t shape[1] = { 3 };
  CxModel *m;

  cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 1, shape);
  cx_test_graph_node (g, "Relu", "ghost", "y");
  cx_test_graph_output (g, "y");
  m = cx_test_graph_build (g, &error);
  g_assert_null (m);
  g_assert_error (error, CX_ERROR, CX_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "test.onnx: node Relu_0 (Relu): input 'ghost' is not produced by any node, graph input or initializer");
}

static void
test_load_short_initializer (void)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *buf = NULL;
  int64_t shape[1] = { 3 };
  g_autoptr(CxTensor) w = cx_tensor_new_f32 (1, shape, NULL);
  gsize len;
  CxModel *m;

  /* Declare 3 elements, then shrink the claimed shape to 4 in the bytes. */
  w->shape[0] = 4;
  w->numel = 3;
  cx_test_graph_const (g, "w", w);
  cx_test_graph_node (g, "Relu", "w", "y");
  cx_test_graph_output (g, "y");
  buf = cx_test_graph_pack (g, &len);
  m = cx_model_load_from_data (buf, len, "short.onnx", NULL, NULL, &error);
  g_assert_null (m);
  g_assert_error (error, CX_ERROR, CX_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "short.onnx: initializer 'w' has 3 values but its shape [4] needs 4");
}

static void
test_opset_too_new (void)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (99);
  g_autoptr(GError) error = NULL;
  int64_t shape[1] = { 3 };
  CxModel *m;

  cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 1, shape);
  cx_test_graph_node (g, "Relu", "x", "y");
  cx_test_graph_output (g, "y");
  m = cx_test_graph_build (g, &error);
  g_assert_null (m);
  g_assert_error (error, CX_ERROR, CX_ERROR_UNSUPPORTED);
  g_assert_cmpstr (error->message, ==, "test.onnx: opset 99 is newer than the engine knows (it supports opsets 1 to 18)");
}

static void
test_info_document (void)
{
  g_autoptr(CxModel) m = relu_model ();
  g_autoptr(JsonNode) root = cx_model_info (m);
  JsonObject *o = json_node_get_object (root);
  JsonArray *inputs = json_object_get_array_member (o, "inputs");
  JsonArray *shape = json_object_get_array_member (json_array_get_object_element (inputs, 0), "shape");

  g_assert_cmpint (json_object_get_int_member (o, "node_count"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (o, "ir_version"), ==, 8);
  g_assert_cmpstr (json_array_get_string_element (shape, 0), ==, "N");
  g_assert_cmpint (json_array_get_int_element (shape, 1), ==, 3);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (o, "op_histogram"), "Relu"), ==, 1);
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (o, "unsupported_ops")), ==, 0);
  g_assert_cmpuint (strlen (json_object_get_string_member (o, "sha256")), ==, 64);
}

/* FIPS 180-4's examples, then every length around the padding's edges
 * and streams fed in uneven pieces, against GChecksum; and a file. */
static void
test_sha256 (void)
{
  static const char *const abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  static const char *const two = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  g_autofree guint8 *data = g_new (guint8, 5000);
  g_autofree char *dir = g_dir_make_tmp ("candor-sha-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "data", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *from_file = NULL;
  g_autofree char *expected = NULL;

  g_test_message ("hardware rounds: %s", cx_sha256_hardware () ? "yes" : "no");
  {
    g_autoptr(CxSha256) sum = cx_sha256_new ();
    g_autofree char *hex = NULL;
    cx_sha256_update (sum, (const guint8 *) "abc", 3);
    hex = cx_sha256_finish (sum);
    g_assert_cmpstr (hex, ==, abc);
  }
  {
    const char *msg = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    g_autoptr(CxSha256) sum = cx_sha256_new ();
    g_autofree char *hex = NULL;
    cx_sha256_update (sum, (const guint8 *) msg, strlen (msg));
    hex = cx_sha256_finish (sum);
    g_assert_cmpstr (hex, ==, two);
  }
  for (int i = 0; i < 5000; i++)
    data[i] = (guint8) g_rand_int (rand);
  for (gsize len = 0; len <= 5000; len += len < 300 ? 1 : 97)
    {
      g_autoptr(CxSha256) sum = cx_sha256_new ();
      g_autofree char *hex = NULL;
      g_autofree char *ref = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, len);
      /* Pieces of 0 to 130 bytes. */
      for (gsize at = 0; at < len;)
        {
          gsize n = (gsize) g_rand_int_range (rand, 0, 131);
          n = MIN (n, len - at);
          cx_sha256_update (sum, data + at, n);
          at += n;
        }
      hex = cx_sha256_finish (sum);
      g_assert_cmpstr (hex, ==, ref);
    }
  g_assert_true (g_file_set_contents (path, (const char *) data, 5000, NULL));
  from_file = cx_file_sha256 (path, &error);
  g_assert_no_error (error);
  expected = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, 5000);
  g_assert_cmpstr (from_file, ==, expected);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/model/load/built-graph", test_load_built);
  g_test_add_func ("/model/load/empty-file-is-refused", test_load_empty);
  g_test_add_func ("/model/load/truncated-file-is-refused", test_load_truncated);
  g_test_add_func ("/model/load/random-bytes-are-refused", test_load_garbage);
  g_test_add_func ("/model/load/unknown-op-is-refused", test_load_unknown_op);
  g_test_add_func ("/model/load/cycle-is-refused", test_load_cycle);
  g_test_add_func ("/model/load/two-producers-are-refused", test_load_two_producers);
  g_test_add_func ("/model/load/missing-input-is-refused", test_load_missing_input);
  g_test_add_func ("/model/load/short-initializer-is-refused", test_load_short_initializer);
  g_test_add_func ("/model/load/opset-99-is-refused", test_opset_too_new);
  g_test_add_func ("/model/info/document", test_info_document);
  g_test_add_func ("/model/sha256/equals-glib-at-every-padding-edge", test_sha256);
  return g_test_run ();
}
