/* test-model.c: loading ONNX models and `info`.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "testutil.h"

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

/* The digest of a file (nettle's SHA-256) against GChecksum's, for the
 * FIPS 180-4 example and lengths around the 64-byte block and the 64 KiB
 * read buffer's edges. */
static void
test_sha256 (void)
{
  static const gsize lengths[] = { 0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128,
                                   65535, 65536, 65537, 131072 + 17, 300001 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  g_autofree guint8 *data = g_new (guint8, 300001);
  g_autofree char *dir = g_dir_make_tmp ("candor-sha-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "data", NULL);

  memcpy (data, "abc", 3);
  for (int i = 3; i < 300001; i++)
    data[i] = (guint8) g_rand_int (rand);
  for (gsize k = 0; k < G_N_ELEMENTS (lengths); k++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *from_file = NULL;
      g_autofree char *expected = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, lengths[k]);

      g_assert_true (g_file_set_contents (path, (const char *) data, (gssize) lengths[k], NULL));
      from_file = cx_file_sha256 (path, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (from_file, ==, expected);
      if (lengths[k] == 3)
        g_assert_cmpstr (from_file, ==,
                         "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
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
