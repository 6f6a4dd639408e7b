/* test-cli.c: candor-cli end to end: JSON on stdout, one-line errors.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "testutil.h"
#include "npy.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>
#include <sys/stat.h>

static char *tmpdir;


static char *
write_tmp (const char *name, const void *data, gsize len)
{
  char *path = g_build_filename (tmpdir, name, NULL);
  g_assert_true (g_file_set_contents (path, data, (gssize) len, NULL));
  return path;
}

/* An error is one line, names the file, and nothing reaches stdout. */
static void
assert_one_line_error (const CxCliResult *r, const char *expected)
{
  g_assert_cmpint (r->status, ==, 1);
  g_assert_cmpstr (r->out, ==, "");
  g_assert_cmpstr (r->err, ==, expected);
}

static void
test_info_missing (void)
{
  g_auto(CxCliResult) r = { 0 };
  cx_test_run_cli (&r, "info", "/nonexistent/model.onnx", NULL);
  assert_one_line_error (&r, "candor-cli: /nonexistent/model.onnx: cannot open: No such file or directory\n");
}

static void
test_info_empty (void)
{
  g_auto(CxCliResult) r = { 0 };
  g_autofree char *path = write_tmp ("empty.onnx", "", 0);
  g_autofree char *want = g_strdup_printf ("candor-cli: %s: the file is empty\n", path);
  cx_test_run_cli (&r, "info", path, NULL);
  assert_one_line_error (&r, want);
}

/* A pipe or a device never ends (or never starts): refused, not read. */
static void
test_pipes_and_devices (void)
{
  g_autofree char *fifo = g_build_filename (tmpdir, "pipe.csv", NULL);
  g_autofree char *model = cx_test_source_path ("resources", "demo", "hmda-mlp.onnx", NULL);
  g_autofree char *schema = cx_test_source_path ("resources", "demo", "hmda-schema.json", NULL);
  g_autofree char *want = g_strdup_printf ("candor-cli: %s: not a regular file (a pipe, socket or device "
                                           "cannot be read)\n", fifo);

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  {
    g_auto(CxCliResult) r = { 0 };
    cx_test_run_cli (&r, "fairness", "--model", model, "--data", fifo, "--schema", schema, NULL);
    assert_one_line_error (&r, want);
  }
  {
    g_auto(CxCliResult) r = { 0 };
    cx_test_run_cli (&r, "info", "/dev/zero", NULL);
    assert_one_line_error (&r, "candor-cli: /dev/zero: not a regular file (a pipe, socket or device "
                               "cannot be read)\n");
  }
  g_unlink (fifo);
}

static void
test_info_folder (void)
{
  g_auto(CxCliResult) r = { 0 };
  g_autofree char *want = g_strdup_printf ("candor-cli: %s: is a folder, not a model file\n", tmpdir);
  cx_test_run_cli (&r, "info", tmpdir, NULL);
  assert_one_line_error (&r, want);
}

static void
test_info_text_file (void)
{
  g_auto(CxCliResult) r = { 0 };
  const char *text = "this is not a model\n";
  g_autofree char *path = write_tmp ("readme.onnx", text, strlen (text));
  g_autofree char *want = NULL;
  cx_test_run_cli (&r, "info", path, NULL);
  /* 't' = field 14 wire type 4 (a group end): invalid at byte 0. */
  want = g_strdup_printf ("candor-cli: %s: not an ONNX model (invalid protobuf data at byte 0)\n", path);
  assert_one_line_error (&r, want);
}

static CxTestGraph *
small_graph (void)
{
  CxTestGraph *g = cx_test_graph_new (13);
  int64_t shape[2] = { -1, 3 };
  cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 2, shape);
  cx_test_graph_node (g, "Relu", "x", "y");
  cx_test_graph_output (g, "y");
  return g;
}

static void
test_info_truncated (void)
{
  g_auto(CxCliResult) r = { 0 };
  g_autoptr(CxTestGraph) g = small_graph ();
  gsize len;
  g_autofree guint8 *buf = cx_test_graph_pack (g, &len);
  g_autofree char *path = write_tmp ("cut.onnx", buf, len / 2);
  g_autofree char *prefix = g_strdup_printf ("candor-cli: %s: truncated", path);

  cx_test_run_cli (&r, "info", path, NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_cmpstr (r.out, ==, "");
  g_assert_true (g_str_has_prefix (r.err, prefix));
  g_assert_cmpint (strchr (r.err, '\n') - r.err, ==, (int) strlen (r.err) - 1);
}

static void
test_info_json (void)
{
  g_auto(CxCliResult) r = { 0 };
  g_autoptr(CxTestGraph) g = small_graph ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  gsize len;
  g_autofree guint8 *buf = cx_test_graph_pack (g, &len);
  g_autofree char *path = write_tmp ("relu.onnx", buf, len);
  g_autofree char *sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, buf, len);
  JsonObject *o;

  cx_test_run_cli (&r, "info", path, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.err, ==, "");
  g_assert_true (json_parser_load_from_data (parser, r.out, -1, &error));
  o = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (o, "sha256"), ==, sha);
  g_assert_cmpint (json_object_get_int_member (o, "node_count"), ==, 1);
}

/* y = W x + b through Gemm: the saliency of class k is row k of W. */
static void
test_explain_saliency_linear (void)
{
  g_auto(CxCliResult) r = { 0 };
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  int64_t in_shape[2] = { -1, 3 }, w_shape[2] = { 2, 3 }, b_shape[1] = { 2 }, x_shape[2] = { 1, 3 };
  float w[6] = { 1, -2, 3, 0.5f, 4, -1 }, bias[2] = { 0.25f, -0.5f }, xv[3] = { 1, 2, 3 };
  g_autoptr(CxTensor) W = cx_tensor_new_f32 (2, w_shape, w);
  g_autoptr(CxTensor) B = cx_tensor_new_f32 (1, b_shape, bias);
  g_autoptr(CxTensor) X = cx_tensor_new_f32 (2, x_shape, xv);
  g_autoptr(CxTensor) attr = NULL;
  g_autofree char *model = NULL, *input = NULL, *out = NULL;
  gsize len;
  g_autofree guint8 *buf = NULL;
  JsonObject *row;

  cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 2, in_shape);
  cx_test_graph_const (g, "W", W);
  cx_test_graph_const (g, "B", B);
  cx_test_graph_node (g, "Gemm", "x,W,B", "y");
  cx_test_graph_attr_int (g, "transB", 1);
  cx_test_graph_output (g, "y");
  buf = cx_test_graph_pack (g, &len);
  model = write_tmp ("linear.onnx", buf, len);
  input = g_build_filename (tmpdir, "x.npy", NULL);
  out = g_build_filename (tmpdir, "attr.npy", NULL);
  g_assert_true (cx_npy_save (input, X, &error));

  /* f = (1-4+9+0.25, 0.5+8-3-0.5) = (6.25, 5): class 0 is predicted. */
  cx_test_run_cli (&r, "explain", "--model", model, "--input", input, "--method", "gradxinput",
           "--out", out, NULL);
  g_assert_cmpstr (r.err, ==, "");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (json_parser_load_from_data (parser, r.out, -1, &error));
  row = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (row, "target"), ==, 0);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (row, "output"), 6.25, 1e-6);
  /* Completeness of gradient × input for a linear model: sum = f(x) - bias. */
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (row, "attribution_sum"), 6.0, 1e-6);
  attr = cx_test_load_npy (out, NULL);
  g_assert_cmpint (attr->ndim, ==, 2);
  g_assert_cmpfloat (attr->data.f[0], ==, 1.0f);
  g_assert_cmpfloat (attr->data.f[1], ==, -4.0f);
  g_assert_cmpfloat (attr->data.f[2], ==, 9.0f);
}

static void
test_explain_refuses_to_overwrite_input (void)
{
  g_auto(CxCliResult) r = { 0 };
  g_autoptr(CxTestGraph) g = small_graph ();
  gsize len;
  g_autofree guint8 *buf = cx_test_graph_pack (g, &len);
  g_autofree char *model = write_tmp ("relu2.onnx", buf, len);
  g_autofree char *want = g_strdup_printf ("candor-cli: %s: refusing to overwrite an input file\n", model);
  g_autofree char *before = NULL, *after = NULL;

  g_assert_true (g_file_get_contents (model, &before, NULL, NULL));
  cx_test_run_cli (&r, "explain", "--model", model, "--input", model, "--method", "saliency",
           "--out", model, NULL);
  assert_one_line_error (&r, want);
  g_assert_true (g_file_get_contents (model, &after, NULL, NULL));
  g_assert_cmpmem (before, len, after, len);
}

static void
test_predict_bad_npy (void)
{
  g_auto(CxCliResult) r = { 0 };
  g_autoptr(CxTestGraph) g = small_graph ();
  gsize len;
  g_autofree guint8 *buf = cx_test_graph_pack (g, &len);
  g_autofree char *model = write_tmp ("relu3.onnx", buf, len);
  /* A header that promises 2^40 × 3 elements in a file with no data. */
  const char *dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776, 3), }\n";
  g_autoptr(GByteArray) npy = g_byte_array_new ();
  guint8 hlen[2] = { (guint8) strlen (dict), 0 };
  g_autofree char *input = NULL;
  g_byte_array_append (npy, (const guint8 *) "\x93NUMPY\x01\x00", 8);
  g_byte_array_append (npy, hlen, 2);
  g_byte_array_append (npy, (const guint8 *) dict, (guint) strlen (dict));
  input = write_tmp ("huge.npy", npy->data, npy->len);
  g_autofree char *want = g_strdup_printf ("candor-cli: %s: the header promises 3298534883328 elements "
                                           "but the file holds only 0 bytes of data\n", input);
  cx_test_run_cli (&r, "predict", "--model", model, "--input", input, NULL);
  assert_one_line_error (&r, want);
}

/* A CSV row through the schema: one bar per raw column, and the bars add
 * up to the attribution (integrated gradients, completeness within 5 %). */
static void
test_explain_csv_row (void)
{
  g_auto(CxCliResult) r = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *model = cx_test_source_path ("resources", "demo", "hmda-mlp.onnx", NULL);
  g_autofree char *csv = cx_test_source_path ("resources", "demo", "hmda.csv", NULL);
  g_autofree char *schema = cx_test_source_path ("resources", "demo", "hmda-schema.json", NULL);
  g_autofree char *row = g_strdup_printf ("%s:3", csv);
  JsonObject *o, *cols;
  g_autoptr(GList) names = NULL;
  double sum = 0;

  cx_test_run_cli (&r, "explain", "--model", model, "--input", row, "--schema", schema, "--method", "ig", NULL);
  g_assert_cmpstr (r.err, ==, "");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (json_parser_load_from_data (parser, r.out, -1, &error));
  o = json_node_get_object (json_parser_get_root (parser));
  cols = json_object_get_object_member (o, "columns");
  g_assert_cmpuint (json_object_get_size (cols), ==, 13);
  g_assert_true (json_object_has_member (cols, "afam"));
  g_assert_false (json_object_has_member (cols, "deny"));
  names = json_object_get_members (cols);
  for (GList *l = names; l; l = l->next)
    sum += json_object_get_double_member (cols, l->data);
  g_assert_cmpfloat_with_epsilon (sum, json_object_get_double_member (o, "attribution_sum"), 1e-4);
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (o, "completeness"), "passed"));
}

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("candor-cli-XXXXXX", NULL);
  g_test_add_func ("/cli/info/missing-file", test_info_missing);
  g_test_add_func ("/cli/info/empty-file", test_info_empty);
  g_test_add_func ("/cli/info/folder", test_info_folder);
  g_test_add_func ("/cli/pipes-and-devices-are-refused", test_pipes_and_devices);
  g_test_add_func ("/cli/info/text-file", test_info_text_file);
  g_test_add_func ("/cli/info/truncated-file", test_info_truncated);
  g_test_add_func ("/cli/info/prints-json-with-sha256", test_info_json);
  g_test_add_func ("/cli/explain/gradxinput-of-linear-model", test_explain_saliency_linear);
  g_test_add_func ("/cli/explain/refuses-to-overwrite-input", test_explain_refuses_to_overwrite_input);
  g_test_add_func ("/cli/predict/absurd-npy-header", test_predict_bad_npy);
  g_test_add_func ("/cli/explain/csv-row-gives-one-bar-per-column", test_explain_csv_row);
  status = g_test_run ();
  {
    g_autoptr(GDir) d = g_dir_open (tmpdir, 0, NULL);
    const char *e;
    while (d && (e = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *p = g_build_filename (tmpdir, e, NULL);
        g_unlink (p);
      }
    g_rmdir (tmpdir);
  }
  return status;
}
