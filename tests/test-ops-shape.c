/* test-ops-shape.c: forward values and gradient checks of the shape operators.
 *
 * Expected values are worked out by hand (or by a naive reference loop in
 * the test); gradients are checked against central differences.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "testutil.h"

#include <math.h>
#include <string.h>

#define S(...) ((const int64_t[]) { __VA_ARGS__ })
#define F(...) ((const float[]) { __VA_ARGS__ })
#define NDIM(...) ((int) (sizeof ((const int64_t[]) { __VA_ARGS__ }) / sizeof (int64_t)))

#define EPS 1e-3
#define RTOL 1e-2
#define ATOL 1e-3

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

static CxModel *
build (CxTestGraph *g)
{
  g_autoptr(GError) error = NULL;
  CxModel *m = cx_test_graph_build (g, &error);
  g_assert_no_error (error);
  g_assert_nonnull (m);
  return m;
}

/* Builds @g and runs it on @inputs; returns a copy of output @i. */
static CxTensor *
run (CxTestGraph *g, CxTensor *const *inputs, int i)
{
  g_autoptr(CxModel) m = build (g);
  CxTensor *none[1] = { NULL };
  return cx_test_run (m, inputs ? inputs : none, i);
}

static CxTensor *
i64 (int ndim, const int64_t *shape, const int64_t *values)
{
  return cx_tensor_new_i64 (ndim, shape, values);
}

/* A 1-D int64 tensor. */
static CxTensor *
ivec (gsize n, const int64_t *values)
{
  int64_t len = (int64_t) n;
  return cx_tensor_new_i64 (1, &len, values);
}
#define IVEC(...) ivec (G_N_ELEMENTS (((const int64_t[]) { __VA_ARGS__ })), S (__VA_ARGS__))

/* 0, 1, 2, … as floats. */
static CxTensor *
iota_f32 (int ndim, const int64_t *shape)
{
  CxTensor *t = cx_tensor_new_f32 (ndim, shape, NULL);
  for (int64_t i = 0; i < t->numel; i++)
    t->data.f[i] = (float) i;
  return t;
}

static CxTensor *
iota_i64 (int ndim, const int64_t *shape)
{
  CxTensor *t = cx_tensor_new_i64 (ndim, shape, NULL);
  for (int64_t i = 0; i < t->numel; i++)
    t->data.i[i] = i;
  return t;
}

static void
assert_shape (const CxTensor *t, int ndim, const int64_t *shape)
{
  g_autofree char *got = cx_shape_to_string (t->ndim, t->shape);
  g_autofree char *want = cx_shape_to_string (ndim, shape);
  g_assert_cmpstr (got, ==, want);
}

static void
assert_f32 (const CxTensor *t, int ndim, const int64_t *shape, const float *want)
{
  g_assert_cmpint (t->elem, ==, CX_ELEM_FLOAT);
  assert_shape (t, ndim, shape);
  for (int64_t i = 0; i < t->numel; i++)
    g_assert_cmpfloat (t->data.f[i], ==, want[i]);
}

static void
assert_i64 (const CxTensor *t, CxElem elem, int ndim, const int64_t *shape,
            const int64_t *want)
{
  g_assert_cmpint (t->elem, ==, elem);
  assert_shape (t, ndim, shape);
  for (int64_t i = 0; i < t->numel; i++)
    g_assert_cmpint (t->data.i[i], ==, want[i]);
}

/* Loading or running @g fails with @code and exactly @message. */
static void
expect_error (CxTestGraph *g, CxTensor *const *inputs, int code, const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CxModel) m = cx_test_graph_build (g, &error);
  CxTensor *none[1] = { NULL };

  if (m != NULL)
    {
      g_autoptr(CxExec) exec = cx_exec_new (m, 0);
      g_assert_false (cx_exec_forward (exec, inputs ? inputs : none, FALSE, &error));
    }
  g_assert_error (error, CX_ERROR, code);
  g_assert_cmpstr (error->message, ==, message);
}

/* A graph with one float input "x" of @shape at @opset. */
static CxTestGraph *
graph_x (int opset, int ndim, const int64_t *shape)
{
  CxTestGraph *g = cx_test_graph_new (opset);
  cx_test_graph_input (g, "x", CX_ELEM_FLOAT, ndim, shape);
  return g;
}

static void
gradcheck (CxTestGraph *g, CxTensor *const *inputs)
{
  g_autoptr(CxModel) m = build (g);
  cx_test_gradcheck (m, inputs, EPS, RTOL, ATOL, 200);
}

/* Gradient check of a one-input graph on standard-normal data. */
static void
gradcheck_x (CxTestGraph *g, int ndim, const int64_t *shape, guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(CxTensor) x = cx_test_randn (rand, ndim, shape);
  gradcheck (g, &x);
}

/* ------------------------------------------------------------------ */
/* Reshape, Flatten, Squeeze, Unsqueeze                                */
/* ------------------------------------------------------------------ */

static void
test_reshape_zero_and_minus_one (void)
{
  g_autoptr(CxTestGraph) g = graph_x (13, 3, S (2, 3, 4));
  g_autoptr(CxTensor) shape = IVEC (0, -1, 2);
  g_autoptr(CxTensor) x = iota_f32 (3, S (2, 3, 4));
  g_autoptr(CxTensor) y = NULL;

  cx_test_graph_const (g, "shape", shape);
  cx_test_graph_node (g, "Reshape", "x,shape", "y");
  cx_test_graph_output (g, "y");
  y = run (g, &x, 0);
  assert_shape (y, 3, S (2, 6, 2));
  for (int i = 0; i < 24; i++)
    g_assert_cmpfloat (y->data.f[i], ==, (float) i);
}

static void
test_reshape_allowzero (void)
{
  /* allowzero = 1 takes a 0 literally: a [0, 3] tensor reshapes to [3, 0]. */
  g_autoptr(CxTestGraph) g = graph_x (14, 2, S (0, 3));
  g_autoptr(CxTestGraph) g13 = graph_x (13, 2, S (0, 3));
  g_autoptr(CxTensor) shape = IVEC (3, 0);
  g_autoptr(CxTensor) x = cx_tensor_new_f32 (2, S (0, 3), NULL);
  g_autoptr(CxTensor) y = NULL;

  cx_test_graph_const (g, "shape", shape);
  cx_test_graph_node (g, "Reshape", "x,shape", "y");
  cx_test_graph_attr_int (g, "allowzero", 1);
  cx_test_graph_output (g, "y");
  y = run (g, &x, 0);
  assert_shape (y, 2, S (3, 0));

  /* Without it (and before opset 14) the 0 copies the input's dimension 1. */
  cx_test_graph_const (g13, "shape", shape);
  cx_test_graph_node (g13, "Reshape", "x,shape", "y");
  cx_test_graph_attr_int (g13, "allowzero", 1);
  cx_test_graph_output (g13, "y");
  expect_error (g13, &x, CX_ERROR_SHAPE,
                "node Reshape_0 (Reshape): cannot reshape a tensor of shape [0, 3] to [3, 0]: "
                "0 elements, not 9");
}

static void
test_reshape_mismatch (void)
{
  g_autoptr(CxTestGraph) g = graph_x (13, 2, S (2, 3));
  g_autoptr(CxTestGraph) g2 = graph_x (13, 2, S (2, 3));
  g_autoptr(CxTestGraph) g3 = graph_x (13, 2, S (2, 3));
  g_autoptr(CxTensor) s1 = IVEC (4, 2), s2 = IVEC (4, -1), s3 = IVEC (-1, -1);
  g_autoptr(CxTensor) x = iota_f32 (2, S (2, 3));

  cx_test_graph_const (g, "shape", s1);
  cx_test_graph_node (g, "Reshape", "x,shape", "y");
  cx_test_graph_output (g, "y");
  expect_error (g, &x, CX_ERROR_SHAPE,
                "node Reshape_0 (Reshape): cannot reshape a tensor of shape [2, 3] to [4, 2]: "
                "6 elements, not 8");

  cx_test_graph_const (g2, "shape", s2);
  cx_test_graph_node (g2, "Reshape", "x,shape", "y");
  cx_test_graph_output (g2, "y");
  expect_error (g2, &x, CX_ERROR_SHAPE,
                "node Reshape_0 (Reshape): cannot reshape a tensor of shape [2, 3] to [4, -1]: "
                "6 elements cannot be divided into parts of 4");

  cx_test_graph_const (g3, "shape", s3);
  cx_test_graph_node (g3, "Reshape", "x,shape", "y");
  cx_test_graph_output (g3, "y");
  expect_error (g3, &x, CX_ERROR_SHAPE,
                "node Reshape_0 (Reshape): cannot reshape a tensor of shape [2, 3] to [-1, -1]: "
                "more than one dimension is -1");
}

static void
test_reshape_gradient (void)
{
  g_autoptr(CxTestGraph) g = graph_x (14, 3, S (2, 3, 4));
  g_autoptr(CxTensor) shape = IVEC (4, 0, -1);

  /* Reshape then Transpose so the gradient is not the identity in memory order. */
  cx_test_graph_const (g, "shape", shape);
  cx_test_graph_node (g, "Reshape", "x,shape", "r");
  cx_test_graph_node (g, "Transpose", "r", "y");
  cx_test_graph_output (g, "y");
  gradcheck_x (g, 3, S (2, 3, 4), 11);
}

static void
test_flatten_axes (void)
{
  static const struct { int64_t axis; int64_t rows, cols; } cases[] = {
    { 0, 1, 24 }, { 1, 2, 12 }, { 3, 24, 1 }, { -1, 6, 4 }, { -3, 1, 24 },
  };

  for (gsize c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(CxTestGraph) g = graph_x (13, 3, S (2, 3, 4));
      g_autoptr(CxTensor) x = iota_f32 (3, S (2, 3, 4));
      g_autoptr(CxTensor) y = NULL;

      cx_test_graph_node (g, "Flatten", "x", "y");
      cx_test_graph_attr_int (g, "axis", cases[c].axis);
      cx_test_graph_output (g, "y");
      y = run (g, &x, 0);
      assert_shape (y, 2, S (cases[c].rows, cases[c].cols));
      g_assert_cmpfloat (y->data.f[23], ==, 23.0f);
    }
}

static void
test_flatten_gradient (void)
{
  g_autoptr(CxTestGraph) g = graph_x (13, 4, S (2, 3, 2, 2));

  cx_test_graph_node (g, "Flatten", "x", "f");
  cx_test_graph_attr_int (g, "axis", -2);
  cx_test_graph_node (g, "Transpose", "f", "y");
  cx_test_graph_output (g, "y");
  gradcheck_x (g, 4, S (2, 3, 2, 2), 12);
}

static void
test_flatten_bad_axis (void)
{
  g_autoptr(CxTestGraph) g = graph_x (13, 2, S (2, 3));
  g_autoptr(CxTensor) x = iota_f32 (2, S (2, 3));

  cx_test_graph_node (g, "Flatten", "x", "y");
  cx_test_graph_attr_int (g, "axis", 3);
  cx_test_graph_output (g, "y");
  expect_error (g, &x, CX_ERROR_INVALID,
                "node Flatten_0 (Flatten): axis 3 is out of range for a tensor of rank 2");
}

static void
test_squeeze_opsets (void)
{
  g_autoptr(CxTensor) x = iota_f32 (4, S (1, 3, 1, 2));

  /* Opset 11: axes as an attribute, negative allowed. */
  {
    g_autoptr(CxTestGraph) g = graph_x (11, 4, S (1, 3, 1, 2));
    g_autoptr(CxTensor) y = NULL;
    cx_test_graph_node (g, "Squeeze", "x", "y");
    cx_test_graph_attr_ints (g, "axes", 1, S (-2));
    cx_test_graph_output (g, "y");
    y = run (g, &x, 0);
    assert_shape (y, 3, S (1, 3, 2));
  }
  /* Opset 13: axes as an input. */
  {
    g_autoptr(CxTestGraph) g = graph_x (13, 4, S (1, 3, 1, 2));
    g_autoptr(CxTensor) axes = IVEC (0, 2);
    g_autoptr(CxTensor) y = NULL;
    cx_test_graph_const (g, "axes", axes);
    cx_test_graph_node (g, "Squeeze", "x,axes", "y");
    cx_test_graph_output (g, "y");
    y = run (g, &x, 0);
    assert_shape (y, 2, S (3, 2));
  }
  /* No axes: every axis of size 1 goes. */
  {
    g_autoptr(CxTestGraph) g = graph_x (13, 4, S (1, 3, 1, 2));
    g_autoptr(CxTensor) y = NULL;
    cx_test_graph_node (g, "Squeeze", "x", "y");
    cx_test_graph_output (g, "y");
    y = run (g, &x, 0);
    assert_shape (y, 2, S (3, 2));
    g_assert_cmpfloat (y->data.f[5], ==, 5.0f);
  }
}

static void
test_squeeze_non_unit_axis (void)
{
  g_autoptr(CxTestGraph) g = graph_x (13, 2, S (1, 3));
  g_autoptr(CxTensor) axes = IVEC (1);
  g_autoptr(CxTensor) x = iota_f32 (2, S (1, 3));

  cx_test_graph_const (g, "axes", axes);
  cx_test_graph_node (g, "Squeeze", "x,axes", "y");
  cx_test_graph_output (g, "y");
  expect_error (g, &x, CX_ERROR_SHAPE, "node Squeeze_0 (Squeeze): cannot squeeze axis 1 of size 3");
}

static void
test_unsqueeze_opsets (void)
{
  g_autoptr(CxTensor) x = iota_f32 (2, S (3, 4));

  {
    g_autoptr(CxTestGraph) g = graph_x (11, 2, S (3, 4));
    g_autoptr(CxTensor) y = NULL;
    cx_test_graph_node (g, "Unsqueeze", "x", "y");
    cx_test_graph_attr_ints (g, "axes", 2, S (-1, 0));
    cx_test_graph_output (g, "y");
    y = run (g, &x, 0);
    assert_shape (y, 4, S (1, 3, 4, 1));
  }
  {
    g_autoptr(CxTestGraph) g = graph_x (13, 2, S (3, 4));
    g_autoptr(CxTensor) axes = IVEC (3, 1);
    g_autoptr(CxTensor) y = NULL;
    cx_test_graph_const (g, "axes", axes);
    cx_test_graph_node (g, "Unsqueeze", "x,axes", "y");
    cx_test_graph_output (g, "y");
    y = run (g, &x, 0);
    assert_shape (y, 4, S (3, 1, 4, 1));
    g_assert_cmpfloat (y->data.f[11], ==, 11.0f);
  }
  {
    g_autoptr(CxTestGraph) g = graph_x (13, 2, S (3, 4));
    g_autoptr(CxTensor) axes = IVEC (1, -3);
    cx_test_graph_const (g, "axes", axes);
    cx_test_graph_node (g, "Unsqueeze", "x,axes", "y");
    cx_test_graph_output (g, "y");
    expect_error (g, &x, CX_ERROR_INVALID,
                  "node Unsqueeze_0 (Unsqueeze): axis -3 is given twice");
  }
}

static void
test_squeeze_unsqueeze_gradient (void)
{
  g_autoptr(CxTestGraph) g = graph_x (13, 3, S (2, 1, 3));
  g_autoptr(CxTensor) a1 = IVEC (1), a2 = IVEC (0, 3);

  cx_test_graph_const (g, "a1", a1);
  cx_test_graph_const (g, "a2", a2);
  cx_test_graph_node (g, "Squeeze", "x,a1", "s");
  cx_test_graph_node (g, "Unsqueeze", "s,a2", "u");
  cx_test_graph_node (g, "Transpose", "u", "y");
  cx_test_graph_output (g, "y");
  gradcheck_x (g, 3, S (2, 1, 3), 13);
}

/* ------------------------------------------------------------------ */
/* Transpose, DepthToSpace, SpaceToDepth                               */
/* ------------------------------------------------------------------ */

/* The definition, one element at a time. */
static void
naive_permute (int ndim, const int64_t *xshape, const int *perm, const CxTensor *x, CxTensor *y)
{
  int64_t xs[CX_MAX_DIMS], s = 1;

  for (int d = ndim - 1; d >= 0; d--)
    {
      xs[d] = s;
      s *= xshape[d];
    }
  for (int64_t i = 0; i < y->numel; i++)
    {
      int64_t rem = i, off = 0;
      for (int d = ndim - 1; d >= 0; d--)
        {
          int64_t n = xshape[perm[d]];
          off += (rem % n) * xs[perm[d]];
          rem /= n;
        }
      if (cx_elem_is_float (x->elem))
        y->data.f[i] = x->data.f[off];
      else
        y->data.i[i] = x->data.i[off];
    }
}

static void
test_transpose_matches_definition (void)
{
  static const struct { int ndim; int64_t shape[6]; int perm[6]; } cases[] = {
    { 4, { 2, 3, 4, 5 }, { 0, 2, 3, 1 } },      /* NCHW → NHWC */
    { 4, { 2, 4, 5, 3 }, { 0, 3, 1, 2 } },      /* NHWC → NCHW */
    { 4, { 2, 3, 4, 5 }, { 3, 2, 1, 0 } },
    { 4, { 2, 1, 37, 19 }, { 0, 3, 1, 2 } },    /* size-1 axis, tiles with remainders */
    { 3, { 40, 33, 2 }, { 1, 0, 2 } },          /* a contiguous inner run */
    { 5, { 2, 3, 2, 4, 3 }, { 0, 3, 1, 4, 2 } },
    { 6, { 1, 2, 2, 3, 4, 5 }, { 0, 3, 4, 1, 5, 2 } },
    { 2, { 1, 1 }, { 1, 0 } },
  };

  for (gsize c = 0; c < G_N_ELEMENTS (cases); c++)
    for (int storage = 0; storage < 2; storage++)
      {
        int nd = cases[c].ndim;
        g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
        int64_t perm[6], yshape[6];
        g_autoptr(CxTensor) x = storage ? iota_i64 (nd, cases[c].shape)
                                        : iota_f32 (nd, cases[c].shape);
        g_autoptr(CxTensor) want = NULL, y = NULL;

        for (int d = 0; d < nd; d++)
          {
            perm[d] = cases[c].perm[d];
            yshape[d] = cases[c].shape[cases[c].perm[d]];
          }
        want = storage ? cx_tensor_new_i64 (nd, yshape, NULL) : cx_tensor_new_f32 (nd, yshape, NULL);
        naive_permute (nd, cases[c].shape, cases[c].perm, x, want);
        cx_test_graph_input (g, "x", storage ? CX_ELEM_INT64 : CX_ELEM_FLOAT, nd, cases[c].shape);
        cx_test_graph_node (g, "Transpose", "x", "y");
        cx_test_graph_attr_ints (g, "perm", nd, perm);
        cx_test_graph_output (g, "y");
        y = run (g, &x, 0);
        g_assert_cmpint (y->elem, ==, x->elem);
        assert_shape (y, nd, yshape);
        g_assert_cmpmem (y->data.p, cx_tensor_nbytes (y), want->data.p, cx_tensor_nbytes (want));
      }
}

static void
test_transpose_default_perm (void)
{
  g_autoptr(CxTestGraph) g = graph_x (13, 2, S (2, 3));
  g_autoptr(CxTensor) x = iota_f32 (2, S (2, 3));
  g_autoptr(CxTensor) y = NULL;

  cx_test_graph_node (g, "Transpose", "x", "y");
  cx_test_graph_output (g, "y");
  y = run (g, &x, 0);
  assert_f32 (y, 2, S (3, 2), F (0, 3, 1, 4, 2, 5));
}

static void
test_transpose_gradient (void)
{
  static const int64_t perms[][4] = { { 0, 2, 3, 1 }, { 2, 0, 3, 1 } };

  for (gsize c = 0; c < G_N_ELEMENTS (perms); c++)
    {
      g_autoptr(CxTestGraph) g = graph_x (13, 4, S (2, 3, 4, 5));
      cx_test_graph_node (g, "Transpose", "x", "y");
      cx_test_graph_attr_ints (g, "perm", 4, perms[c]);
      cx_test_graph_output (g, "y");
      gradcheck_x (g, 4, S (2, 3, 4, 5), 20 + c);
    }
}

static void
test_transpose_bad_perm (void)
{
  g_autoptr(CxTestGraph) g = graph_x (13, 2, S (2, 3));
  g_autoptr(CxTestGraph) g2 = graph_x (13, 3, S (2, 3, 1));
  g_autoptr(CxTensor) x = iota_f32 (3, S (2, 3, 1));

  cx_test_graph_node (g, "Transpose", "x", "y");
  cx_test_graph_attr_ints (g, "perm", 2, S (1, 1));
  cx_test_graph_output (g, "y");
  expect_error (g, NULL, CX_ERROR_INVALID,
                "test.onnx: node Transpose_0 (Transpose): 'perm' is not a permutation of 0 to 1");

  cx_test_graph_node (g2, "Transpose", "x", "y");
  cx_test_graph_attr_ints (g2, "perm", 2, S (1, 0));
  cx_test_graph_output (g2, "y");
  expect_error (g2, &x, CX_ERROR_SHAPE,
                "node Transpose_0 (Transpose): 'perm' has 2 entries but the input has rank 3");
}

static void
test_depth_to_space_modes (void)
{
  /* x[0, c, 0, 0] = c with 8 channels, blocksize 2: two output channels of 2×2. */
  g_autoptr(CxTensor) x = iota_f32 (4, S (1, 8, 1, 1));

  {
    g_autoptr(CxTestGraph) g = graph_x (13, 4, S (1, 8, 1, 1));
    g_autoptr(CxTensor) y = NULL;
    cx_test_graph_node (g, "DepthToSpace", "x", "y");
    cx_test_graph_attr_int (g, "blocksize", 2);
    cx_test_graph_output (g, "y");
    y = run (g, &x, 0);
    /* DCR: channel = (bh·2 + bw)·2 + c. */
    assert_f32 (y, 4, S (1, 2, 2, 2), F (0, 2, 4, 6, 1, 3, 5, 7));
  }
  {
    g_autoptr(CxTestGraph) g = graph_x (13, 4, S (1, 8, 1, 1));
    g_autoptr(CxTensor) y = NULL;
    cx_test_graph_node (g, "DepthToSpace", "x", "y");
    cx_test_graph_attr_int (g, "blocksize", 2);
    cx_test_graph_attr_string (g, "mode", "CRD");
    cx_test_graph_output (g, "y");
    y = run (g, &x, 0);
    /* CRD: channel = c·4 + bh·2 + bw. */
    assert_f32 (y, 4, S (1, 2, 2, 2), F (0, 1, 2, 3, 4, 5, 6, 7));
  }
}

static void
test_space_to_depth_values (void)
{
  /* One channel of 2×4, blocksize 2: channel (bh·2 + bw) of block (0, j). */
  g_autoptr(CxTestGraph) g = graph_x (13, 4, S (1, 1, 2, 4));
  g_autoptr(CxTensor) x = iota_f32 (4, S (1, 1, 2, 4));
  g_autoptr(CxTensor) y = NULL;

  cx_test_graph_node (g, "SpaceToDepth", "x", "y");
  cx_test_graph_attr_int (g, "blocksize", 2);
  cx_test_graph_output (g, "y");
  y = run (g, &x, 0);
  assert_f32 (y, 4, S (1, 4, 1, 2), F (0, 2, 1, 3, 4, 6, 5, 7));
}

static void
test_space_depth_round_trip (void)
{
  g_autoptr(CxTestGraph) g = graph_x (13, 4, S (2, 3, 4, 6));
  g_autoptr(CxTensor) x = iota_f32 (4, S (2, 3, 4, 6));
  g_autoptr(CxTensor) y = NULL;

  cx_test_graph_node (g, "SpaceToDepth", "x", "s");
  cx_test_graph_attr_int (g, "blocksize", 2);
  cx_test_graph_node (g, "DepthToSpace", "s", "y");
  cx_test_graph_attr_int (g, "blocksize", 2);
  cx_test_graph_attr_string (g, "mode", "DCR");
  cx_test_graph_output (g, "y");
  y = run (g, &x, 0);
  assert_shape (y, 4, S (2, 3, 4, 6));
  g_assert_cmpmem (y->data.f, cx_tensor_nbytes (y), x->data.f, cx_tensor_nbytes (x));
}

static void
test_depth_space_gradient (void)
{
  {
    g_autoptr(CxTestGraph) g = graph_x (13, 4, S (2, 8, 2, 3));
    cx_test_graph_node (g, "DepthToSpace", "x", "y");
    cx_test_graph_attr_int (g, "blocksize", 2);
    cx_test_graph_attr_string (g, "mode", "CRD");
    cx_test_graph_output (g, "y");
    gradcheck_x (g, 4, S (2, 8, 2, 3), 30);
  }
  {
    g_autoptr(CxTestGraph) g = graph_x (13, 4, S (2, 18, 2, 1));
    cx_test_graph_node (g, "DepthToSpace", "x", "y");
    cx_test_graph_attr_int (g, "blocksize", 3);
    cx_test_graph_output (g, "y");
    gradcheck_x (g, 4, S (2, 18, 2, 1), 31);
  }
  {
    g_autoptr(CxTestGraph) g = graph_x (13, 4, S (1, 2, 4, 6));
    cx_test_graph_node (g, "SpaceToDepth", "x", "y");
    cx_test_graph_attr_int (g, "blocksize", 2);
    cx_test_graph_output (g, "y");
    gradcheck_x (g, 4, S (1, 2, 4, 6), 32);
  }
}

static void
test_depth_to_space_bad_channels (void)
{
  g_autoptr(CxTestGraph) g = graph_x (13, 4, S (1, 6, 2, 2));
  g_autoptr(CxTensor) x = iota_f32 (4, S (1, 6, 2, 2));

  cx_test_graph_node (g, "DepthToSpace", "x", "y");
  cx_test_graph_attr_int (g, "blocksize", 2);
  cx_test_graph_output (g, "y");
  expect_error (g, &x, CX_ERROR_SHAPE,
                "node DepthToSpace_0 (DepthToSpace): 6 channels cannot be divided by "
                "blocksize² = 2²");
}

/* ------------------------------------------------------------------ */
/* Concat and Split                                                    */
/* ------------------------------------------------------------------ */

static void
test_concat_values (void)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autoptr(CxTensor) a = iota_f32 (2, S (2, 2));
  g_autoptr(CxTensor) b = cx_tensor_new_f32 (2, S (2, 1), F (10, 11));
  g_autoptr(CxTensor) y = NULL;
  CxTensor *inputs[2] = { a, b };

  cx_test_graph_input (g, "a", CX_ELEM_FLOAT, 2, S (2, 2));
  cx_test_graph_input (g, "b", CX_ELEM_FLOAT, 2, S (2, 1));
  cx_test_graph_node (g, "Concat", "b,a,b", "y");
  cx_test_graph_attr_int (g, "axis", -1);
  cx_test_graph_output (g, "y");
  y = run (g, inputs, 0);
  assert_f32 (y, 2, S (2, 4), F (10, 0, 1, 10, 11, 2, 3, 11));
}

static void
test_concat_int64 (void)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autoptr(CxTensor) a = IVEC (1, 2);
  g_autoptr(CxTensor) b = IVEC (-1);
  g_autoptr(CxTensor) y = NULL;
  CxTensor *inputs[1] = { a };

  cx_test_graph_input (g, "a", CX_ELEM_INT64, 1, S (2));
  cx_test_graph_const (g, "b", b);
  cx_test_graph_node (g, "Concat", "a,b,a", "y");
  cx_test_graph_attr_int (g, "axis", 0);
  cx_test_graph_output (g, "y");
  y = run (g, inputs, 0);
  assert_i64 (y, CX_ELEM_INT64, 1, S (5), S (1, 2, -1, 1, 2));
}

static void
test_concat_gradient (void)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autoptr(GRand) rand = g_rand_new_with_seed (40);
  g_autoptr(CxTensor) a = cx_test_randn (rand, 3, S (2, 3, 2));
  g_autoptr(CxTensor) b = cx_test_randn (rand, 3, S (2, 1, 2));
  g_autoptr(CxTensor) c = cx_test_randn (rand, 3, S (2, 2, 2));
  CxTensor *inputs[2] = { a, b };

  /* A constant between the two inputs: backward must know its size too. */
  cx_test_graph_input (g, "a", CX_ELEM_FLOAT, 3, S (2, 3, 2));
  cx_test_graph_input (g, "b", CX_ELEM_FLOAT, 3, S (2, 1, 2));
  cx_test_graph_const (g, "c", c);
  cx_test_graph_node (g, "Concat", "c,a,c,b,a", "y");
  cx_test_graph_attr_int (g, "axis", 1);
  cx_test_graph_output (g, "y");
  gradcheck (g, inputs);
}

static void
test_concat_mismatch (void)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autoptr(CxTestGraph) g2 = cx_test_graph_new (13);
  g_autoptr(CxTensor) a = iota_f32 (2, S (2, 3));
  g_autoptr(CxTensor) b = iota_f32 (2, S (3, 3));
  g_autoptr(CxTensor) c = iota_f32 (1, S (3));
  CxTensor *ab[2] = { a, b }, *ac[2] = { a, c };

  cx_test_graph_input (g, "a", CX_ELEM_FLOAT, 2, S (2, 3));
  cx_test_graph_input (g, "b", CX_ELEM_FLOAT, 2, S (3, 3));
  cx_test_graph_node (g, "Concat", "a,b", "y");
  cx_test_graph_attr_int (g, "axis", 1);
  cx_test_graph_output (g, "y");
  expect_error (g, ab, CX_ERROR_SHAPE, "node Concat_0 (Concat): input 1 of shape [3, 3] does "
                "not fit input 0 of shape [2, 3] along axis 1");

  cx_test_graph_input (g2, "a", CX_ELEM_FLOAT, 2, S (2, 3));
  cx_test_graph_input (g2, "c", CX_ELEM_FLOAT, 1, S (3));
  cx_test_graph_node (g2, "Concat", "a,c", "y");
  cx_test_graph_attr_int (g2, "axis", 0);
  cx_test_graph_output (g2, "y");
  expect_error (g2, ac, CX_ERROR_SHAPE, "node Concat_0 (Concat): input 1 of shape [3] does "
                "not fit input 0 of shape [2, 3] along axis 0");
}

static void
test_split_opsets (void)
{
  g_autoptr(CxTensor) x = iota_f32 (2, S (2, 6));

  /* Opset 11: 'split' attribute, negative axis. */
  {
    g_autoptr(CxTestGraph) g = graph_x (11, 2, S (2, 6));
    g_autoptr(CxModel) m = NULL;
    g_autoptr(CxTensor) y0 = NULL, y1 = NULL;
    cx_test_graph_node (g, "Split", "x", "y0,y1");
    cx_test_graph_attr_int (g, "axis", -1);
    cx_test_graph_attr_ints (g, "split", 2, S (4, 2));
    cx_test_graph_output (g, "y0");
    cx_test_graph_output (g, "y1");
    m = build (g);
    y0 = cx_test_run (m, &x, 0);
    y1 = cx_test_run (m, &x, 1);
    assert_f32 (y0, 2, S (2, 4), F (0, 1, 2, 3, 6, 7, 8, 9));
    assert_f32 (y1, 2, S (2, 2), F (4, 5, 10, 11));
  }
  /* Opset 13: 'split' input; a zero-sized part. */
  {
    g_autoptr(CxTestGraph) g = graph_x (13, 2, S (2, 6));
    g_autoptr(CxTensor) split = IVEC (1, 0, 5);
    g_autoptr(CxModel) m = NULL;
    g_autoptr(CxTensor) y0 = NULL, y1 = NULL, y2 = NULL;
    cx_test_graph_const (g, "split", split);
    cx_test_graph_node (g, "Split", "x,split", "y0,y1,y2");
    cx_test_graph_attr_int (g, "axis", 1);
    cx_test_graph_output (g, "y0");
    cx_test_graph_output (g, "y1");
    cx_test_graph_output (g, "y2");
    m = build (g);
    y0 = cx_test_run (m, &x, 0);
    y1 = cx_test_run (m, &x, 1);
    y2 = cx_test_run (m, &x, 2);
    assert_f32 (y0, 2, S (2, 1), F (0, 6));
    assert_shape (y1, 2, S (2, 0));
    assert_f32 (y2, 2, S (2, 5), F (1, 2, 3, 4, 5, 7, 8, 9, 10, 11));
  }
  /* Equal parts along axis 0 by default. */
  {
    g_autoptr(CxTestGraph) g = graph_x (13, 2, S (2, 6));
    g_autoptr(CxTensor) y1 = NULL;
    cx_test_graph_node (g, "Split", "x", "y0,y1");
    cx_test_graph_output (g, "y1");
    y1 = run (g, &x, 0);
    assert_f32 (y1, 2, S (1, 6), F (6, 7, 8, 9, 10, 11));
  }
  /* Opset 18: num_outputs, the last part smaller. */
  {
    g_autoptr(CxTestGraph) g = graph_x (18, 2, S (2, 6));
    g_autoptr(CxModel) m = NULL;
    g_autoptr(CxTensor) y0 = NULL, y3 = NULL;
    cx_test_graph_node (g, "Split", "x", "y0,y1,y2,y3");
    cx_test_graph_attr_int (g, "axis", 1);
    cx_test_graph_attr_int (g, "num_outputs", 4);
    cx_test_graph_output (g, "y0");
    cx_test_graph_output (g, "y3");
    m = build (g);
    y0 = cx_test_run (m, &x, 0);
    y3 = cx_test_run (m, &x, 1);
    assert_f32 (y0, 2, S (2, 2), F (0, 1, 6, 7));
    assert_shape (y3, 2, S (2, 0));
  }
}

static void
test_split_uneven_is_refused (void)
{
  g_autoptr(CxTestGraph) g = graph_x (13, 2, S (2, 5));
  g_autoptr(CxTestGraph) g2 = graph_x (13, 2, S (2, 5));
  g_autoptr(CxTensor) x = iota_f32 (2, S (2, 5));
  g_autoptr(CxTensor) split = IVEC (2, 2);

  cx_test_graph_node (g, "Split", "x", "a,b");
  cx_test_graph_attr_int (g, "axis", 1);
  cx_test_graph_output (g, "a");
  expect_error (g, &x, CX_ERROR_SHAPE,
                "node Split_0 (Split): axis 1 of size 5 cannot be split into 2 equal parts");

  cx_test_graph_const (g2, "split", split);
  cx_test_graph_node (g2, "Split", "x,split", "a,b");
  cx_test_graph_attr_int (g2, "axis", 1);
  cx_test_graph_output (g2, "a");
  expect_error (g2, &x, CX_ERROR_SHAPE,
                "node Split_0 (Split): the parts of 'split' add up to 4, not the size 5 of axis 1");
}

static void
test_split_gradient (void)
{
  /* Every output reaches the result: the parts concatenated in another order. */
  {
    g_autoptr(CxTestGraph) g = graph_x (13, 3, S (2, 5, 3));
    g_autoptr(CxTensor) split = IVEC (1, 3, 1);
    cx_test_graph_const (g, "split", split);
    cx_test_graph_node (g, "Split", "x,split", "a,b,c");
    cx_test_graph_attr_int (g, "axis", 1);
    cx_test_graph_node (g, "Concat", "c,a,b,b", "y");
    cx_test_graph_attr_int (g, "axis", 1);
    cx_test_graph_output (g, "y");
    gradcheck_x (g, 3, S (2, 5, 3), 41);
  }
  /* Only the middle output is used: the others' gradients are zero (NULL). */
  {
    g_autoptr(CxTestGraph) g = graph_x (11, 3, S (2, 5, 3));
    cx_test_graph_node (g, "Split", "x", "a,b,c");
    cx_test_graph_attr_int (g, "axis", -1);
    cx_test_graph_node (g, "Transpose", "b", "y");
    cx_test_graph_output (g, "y");
    gradcheck_x (g, 3, S (2, 5, 3), 42);
  }
}

/* ------------------------------------------------------------------ */
/* Slice                                                               */
/* ------------------------------------------------------------------ */

/* Slices a [3, 4] iota with the given inputs (opset 13); omitted ones are NULL. */
static CxTensor *
slice_3x4 (CxTensor *starts, CxTensor *ends, CxTensor *axes, CxTensor *steps, gboolean as_i64)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autoptr(CxTensor) x = as_i64 ? iota_i64 (2, S (3, 4)) : iota_f32 (2, S (3, 4));
  g_autoptr(GString) ins = g_string_new ("x,starts,ends");

  cx_test_graph_input (g, "x", x->elem, 2, S (3, 4));
  cx_test_graph_const (g, "starts", starts);
  cx_test_graph_const (g, "ends", ends);
  if (axes)
    cx_test_graph_const (g, "axes", axes);
  if (steps)
    cx_test_graph_const (g, "steps", steps);
  g_string_append (ins, axes ? ",axes" : steps ? "," : "");
  g_string_append (ins, steps ? ",steps" : "");
  cx_test_graph_node (g, "Slice", ins->str, "y");
  cx_test_graph_output (g, "y");
  return run (g, &x, 0);
}

static void
test_slice_basic (void)
{
  g_autoptr(CxTensor) s = IVEC (1, 0), e = IVEC (2, 3);
  g_autoptr(CxTensor) y = slice_3x4 (s, e, NULL, NULL, FALSE);
  assert_f32 (y, 2, S (1, 3), F (4, 5, 6));
}

static void
test_slice_negative_step (void)
{
  /* x[::-1, 3:0:-2] */
  g_autoptr(CxTensor) s = IVEC (-1, 3), e = IVEC (G_MININT64, 0), a = IVEC (0, 1);
  g_autoptr(CxTensor) st = IVEC (-1, -2);
  g_autoptr(CxTensor) y = slice_3x4 (s, e, a, st, FALSE);
  g_autoptr(CxTensor) yi = slice_3x4 (s, e, a, st, TRUE);

  assert_f32 (y, 2, S (3, 2), F (11, 9, 7, 5, 3, 1));
  assert_i64 (yi, CX_ELEM_INT64, 2, S (3, 2), S (11, 9, 7, 5, 3, 1));
}

static void
test_slice_clamped_ends (void)
{
  /* Columns 1 to INT64_MAX, rows -100 to 100: clamped to the tensor. */
  {
    g_autoptr(CxTensor) s = IVEC (1, -100), e = IVEC (G_MAXINT64, 100), a = IVEC (-1, 0);
    g_autoptr(CxTensor) y = slice_3x4 (s, e, a, NULL, FALSE);
    assert_f32 (y, 2, S (3, 3), F (1, 2, 3, 5, 6, 7, 9, 10, 11));
  }
  /* A start past the end: empty. */
  {
    g_autoptr(CxTensor) s = IVEC (10), e = IVEC (20), a = IVEC (1);
    g_autoptr(CxTensor) y = slice_3x4 (s, e, a, NULL, FALSE);
    assert_shape (y, 2, S (3, 0));
  }
  /* Backwards from past the end, with a step of INT64_MIN: one element. */
  {
    g_autoptr(CxTensor) s = IVEC (100), e = IVEC (G_MININT64), a = IVEC (1);
    g_autoptr(CxTensor) st = IVEC (G_MININT64);
    g_autoptr(CxTensor) y = slice_3x4 (s, e, a, st, FALSE);
    assert_f32 (y, 2, S (3, 1), F (3, 7, 11));
  }
  /* Steps of 3 from -4 (= 0) to -1 (= 3): column 0 only. */
  {
    g_autoptr(CxTensor) s = IVEC (-4), e = IVEC (-1), a = IVEC (1), st = IVEC (3);
    g_autoptr(CxTensor) y = slice_3x4 (s, e, a, st, FALSE);
    assert_f32 (y, 2, S (3, 1), F (0, 4, 8));
  }
}

static void
test_slice_opset9_attributes (void)
{
  g_autoptr(CxTestGraph) g = graph_x (9, 2, S (3, 4));
  g_autoptr(CxTensor) x = iota_f32 (2, S (3, 4));
  g_autoptr(CxTensor) y = NULL;

  cx_test_graph_node (g, "Slice", "x", "y");
  cx_test_graph_attr_ints (g, "starts", 2, S (1, -3));
  cx_test_graph_attr_ints (g, "ends", 2, S (1000, -1));
  cx_test_graph_attr_ints (g, "axes", 2, S (1, 0));
  cx_test_graph_output (g, "y");
  y = run (g, &x, 0);
  assert_f32 (y, 2, S (2, 3), F (1, 2, 3, 5, 6, 7));
}

static void
test_slice_zero_step (void)
{
  g_autoptr(CxTestGraph) g = graph_x (13, 2, S (3, 4));
  g_autoptr(CxTensor) x = iota_f32 (2, S (3, 4));
  g_autoptr(CxTensor) s = IVEC (0), e = IVEC (2), a = IVEC (0), st = IVEC (0);

  cx_test_graph_const (g, "s", s);
  cx_test_graph_const (g, "e", e);
  cx_test_graph_const (g, "a", a);
  cx_test_graph_const (g, "st", st);
  cx_test_graph_node (g, "Slice", "x,s,e,a,st", "y");
  cx_test_graph_output (g, "y");
  expect_error (g, &x, CX_ERROR_INVALID, "node Slice_0 (Slice): step 0 is 0");
}

static void
test_slice_missing_inputs (void)
{
  /* Required since opset 10, though the operator's arity allows one input. */
  g_autoptr(CxTestGraph) g = graph_x (10, 1, S (3));
  g_autoptr(CxTestGraph) g2 = graph_x (13, 1, S (3));
  g_autoptr(CxTensor) s = IVEC (0);

  cx_test_graph_node (g, "Slice", "x", "y");
  cx_test_graph_output (g, "y");
  expect_error (g, NULL, CX_ERROR_INVALID,
                "test.onnx: node Slice_0 (Slice): input 1 is required at opset 10");

  cx_test_graph_const (g2, "s", s);
  cx_test_graph_node (g2, "Slice", "x,s,", "y");
  cx_test_graph_output (g2, "y");
  expect_error (g2, NULL, CX_ERROR_INVALID,
                "test.onnx: node Slice_0 (Slice): input 2 is required at opset 13");
}

static void
test_slice_gradient (void)
{
  {
    g_autoptr(CxTestGraph) g = graph_x (13, 3, S (4, 5, 3));
    g_autoptr(CxTensor) s = IVEC (-1, 1), e = IVEC (G_MININT64, 5), a = IVEC (1, 0);
    g_autoptr(CxTensor) st = IVEC (-2, 2);
    cx_test_graph_const (g, "s", s);
    cx_test_graph_const (g, "e", e);
    cx_test_graph_const (g, "a", a);
    cx_test_graph_const (g, "st", st);
    cx_test_graph_node (g, "Slice", "x,s,e,a,st", "y");
    cx_test_graph_output (g, "y");
    gradcheck_x (g, 3, S (4, 5, 3), 50);
  }
  {
    g_autoptr(CxTestGraph) g = graph_x (9, 3, S (4, 5, 3));
    cx_test_graph_node (g, "Slice", "x", "y");
    cx_test_graph_attr_ints (g, "starts", 2, S (1, 1));
    cx_test_graph_attr_ints (g, "ends", 2, S (-1, G_MAXINT64));
    cx_test_graph_output (g, "y");
    gradcheck_x (g, 3, S (4, 5, 3), 51);
  }
}

/* ------------------------------------------------------------------ */
/* Gather, GatherElements, ScatterND                                   */
/* ------------------------------------------------------------------ */

static void
test_gather_negative_indices (void)
{
  g_autoptr(CxTestGraph) g = graph_x (13, 2, S (3, 4));
  g_autoptr(CxTensor) x = iota_f32 (2, S (3, 4));
  g_autoptr(CxTensor) idx = i64 (2, S (2, 2), S (-1, 0, 2, -4));
  g_autoptr(CxTensor) y = NULL;

  cx_test_graph_const (g, "idx", idx);
  cx_test_graph_node (g, "Gather", "x,idx", "y");
  cx_test_graph_attr_int (g, "axis", 1);
  cx_test_graph_output (g, "y");
  y = run (g, &x, 0);
  assert_f32 (y, 3, S (3, 2, 2), F (3, 0, 2, 0, 7, 4, 6, 4, 11, 8, 10, 8));
}

static void
test_gather_scalar_index_int32 (void)
{
  /* An int32 data tensor keeps its element type; a scalar index drops the axis. */
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autoptr(CxTensor) x = i64 (2, S (2, 3), S (1, 2, 3, 4, 5, 6));
  g_autoptr(CxTensor) idx = i64 (0, NULL, S (-2));
  g_autoptr(CxTensor) y = NULL;

  x->elem = CX_ELEM_INT32;
  cx_test_graph_input (g, "x", CX_ELEM_INT32, 2, S (2, 3));
  cx_test_graph_const (g, "idx", idx);
  cx_test_graph_node (g, "Gather", "x,idx", "y");
  cx_test_graph_output (g, "y");
  y = run (g, &x, 0);
  assert_i64 (y, CX_ELEM_INT32, 1, S (3), S (1, 2, 3));
}

static void
test_gather_out_of_range (void)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autoptr(CxTestGraph) g2 = cx_test_graph_new (13);
  g_autoptr(CxTensor) x = iota_f32 (2, S (3, 2));
  g_autoptr(CxTensor) idx = IVEC (0, 3);
  g_autoptr(CxTensor) idx2 = IVEC (-4);
  CxTensor *inputs[2] = { x, idx }, *inputs2[2] = { x, idx2 };

  cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 2, S (3, 2));
  cx_test_graph_input (g, "idx", CX_ELEM_INT64, 1, S (-1));
  cx_test_graph_node (g, "Gather", "x,idx", "y");
  cx_test_graph_output (g, "y");
  expect_error (g, inputs, CX_ERROR_INVALID, "node Gather_0 (Gather): index 3 (element 1 of "
                "the indices) is out of range for axis 0 of size 3");

  cx_test_graph_input (g2, "x", CX_ELEM_FLOAT, 2, S (3, 2));
  cx_test_graph_input (g2, "idx", CX_ELEM_INT64, 1, S (-1));
  cx_test_graph_node (g2, "Gather", "x,idx", "y");
  cx_test_graph_output (g2, "y");
  expect_error (g2, inputs2, CX_ERROR_INVALID, "node Gather_0 (Gather): index -4 (element 0 of "
                "the indices) is out of range for axis 0 of size 3");
}

static void
test_gather_gradient (void)
{
  /* Repeated indices: their gradients add up. */
  static const int64_t axes[] = { 1, -1, 0 };

  for (gsize c = 0; c < G_N_ELEMENTS (axes); c++)
    {
      g_autoptr(CxTestGraph) g = graph_x (13, 3, S (3, 4, 3));
      g_autoptr(CxTensor) idx = i64 (2, S (2, 3), S (0, 2, 0, -1, 2, 2));
      cx_test_graph_const (g, "idx", idx);
      cx_test_graph_node (g, "Gather", "x,idx", "y");
      cx_test_graph_attr_int (g, "axis", axes[c]);
      cx_test_graph_output (g, "y");
      gradcheck_x (g, 3, S (3, 4, 3), 60 + c);
    }
}

static void
test_gather_elements_values (void)
{
  /* The spec's examples, the second with a negative index. */
  {
    g_autoptr(CxTestGraph) g = graph_x (13, 2, S (2, 2));
    g_autoptr(CxTensor) x = cx_tensor_new_f32 (2, S (2, 2), F (1, 2, 3, 4));
    g_autoptr(CxTensor) idx = i64 (2, S (2, 2), S (0, 0, 1, 0));
    g_autoptr(CxTensor) y = NULL;
    cx_test_graph_const (g, "idx", idx);
    cx_test_graph_node (g, "GatherElements", "x,idx", "y");
    cx_test_graph_attr_int (g, "axis", 1);
    cx_test_graph_output (g, "y");
    y = run (g, &x, 0);
    assert_f32 (y, 2, S (2, 2), F (1, 1, 4, 3));
  }
  {
    g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
    g_autoptr(CxTensor) x = i64 (2, S (3, 3), S (1, 2, 3, 4, 5, 6, 7, 8, 9));
    g_autoptr(CxTensor) idx = i64 (2, S (2, 3), S (1, 2, 0, -1, 0, 0));
    g_autoptr(CxTensor) y = NULL;
    cx_test_graph_input (g, "x", CX_ELEM_INT64, 2, S (3, 3));
    cx_test_graph_const (g, "idx", idx);
    cx_test_graph_node (g, "GatherElements", "x,idx", "y");
    cx_test_graph_output (g, "y");
    y = run (g, &x, 0);
    assert_i64 (y, CX_ELEM_INT64, 2, S (2, 3), S (4, 8, 3, 7, 2, 3));
  }
}

static void
test_gather_elements_errors (void)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autoptr(CxTestGraph) g2 = graph_x (13, 2, S (2, 2));
  g_autoptr(CxTensor) x = iota_f32 (2, S (2, 2));
  g_autoptr(CxTensor) idx = i64 (2, S (2, 1), S (0, 2));
  g_autoptr(CxTensor) big = i64 (2, S (3, 1), S (0, 0, 0));
  CxTensor *inputs[2] = { x, idx };

  cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 2, S (2, 2));
  cx_test_graph_input (g, "idx", CX_ELEM_INT64, 2, S (2, 1));
  cx_test_graph_node (g, "GatherElements", "x,idx", "y");
  cx_test_graph_attr_int (g, "axis", 1);
  cx_test_graph_output (g, "y");
  expect_error (g, inputs, CX_ERROR_INVALID, "node GatherElements_0 (GatherElements): index 2 "
                "(element 1 of the indices) is out of range for axis 1 of size 2");

  cx_test_graph_const (g2, "idx", big);
  cx_test_graph_node (g2, "GatherElements", "x,idx", "y");
  cx_test_graph_attr_int (g2, "axis", 1);
  cx_test_graph_output (g2, "y");
  expect_error (g2, &x, CX_ERROR_SHAPE, "node GatherElements_0 (GatherElements): the indices "
                "[3, 1] are larger than the data [2, 2] along axis 0");
}

static void
test_gather_elements_gradient (void)
{
  for (int axis = 0; axis < 3; axis++)
    {
      g_autoptr(CxTestGraph) g = graph_x (13, 3, S (3, 4, 2));
      g_autoptr(GRand) rand = g_rand_new_with_seed (70 + axis);
      int64_t dims[3] = { 3, 4, 2 };
      /* Indices smaller than the data off the axis, repeats along it. */
      g_autoptr(CxTensor) idx = cx_tensor_new_i64 (3, S (2, 3, 2), NULL);
      for (int64_t i = 0; i < idx->numel; i++)
        idx->data.i[i] = g_rand_int_range (rand, (gint32) -dims[axis], (gint32) dims[axis]);
      cx_test_graph_const (g, "idx", idx);
      cx_test_graph_node (g, "GatherElements", "x,idx", "y");
      cx_test_graph_attr_int (g, "axis", axis - 3);
      cx_test_graph_output (g, "y");
      gradcheck_x (g, 3, S (3, 4, 2), 75 + axis);
    }
}

static void
test_scatter_nd_values (void)
{
  /* The spec's example 1, and slices of a 2-D tensor. */
  {
    g_autoptr(CxTestGraph) g = graph_x (13, 1, S (8));
    g_autoptr(CxTensor) x = cx_tensor_new_f32 (1, S (8), F (1, 2, 3, 4, 5, 6, 7, 8));
    g_autoptr(CxTensor) idx = i64 (2, S (4, 1), S (4, 3, 1, 7));
    g_autoptr(CxTensor) upd = cx_tensor_new_f32 (1, S (4), F (9, 10, 11, 12));
    g_autoptr(CxTensor) y = NULL;
    cx_test_graph_const (g, "idx", idx);
    cx_test_graph_const (g, "upd", upd);
    cx_test_graph_node (g, "ScatterND", "x,idx,upd", "y");
    cx_test_graph_output (g, "y");
    y = run (g, &x, 0);
    assert_f32 (y, 1, S (8), F (1, 11, 3, 10, 9, 6, 7, 12));
  }
  {
    g_autoptr(CxTestGraph) g = cx_test_graph_new (16);
    g_autoptr(CxTensor) x = iota_i64 (2, S (3, 2));
    g_autoptr(CxTensor) idx = i64 (2, S (2, 1), S (-1, 0));
    g_autoptr(CxTensor) upd = i64 (2, S (2, 2), S (10, 20, 30, 40));
    g_autoptr(CxTensor) y = NULL;
    cx_test_graph_input (g, "x", CX_ELEM_INT64, 2, S (3, 2));
    cx_test_graph_const (g, "idx", idx);
    cx_test_graph_const (g, "upd", upd);
    cx_test_graph_node (g, "ScatterND", "x,idx,upd", "y");
    cx_test_graph_attr_string (g, "reduction", "add");
    cx_test_graph_output (g, "y");
    y = run (g, &x, 0);
    assert_i64 (y, CX_ELEM_INT64, 2, S (3, 2), S (30, 41, 2, 3, 14, 25));
  }
}

static void
test_scatter_nd_errors (void)
{
  g_autoptr(CxTestGraph) g = graph_x (13, 2, S (3, 2));
  g_autoptr(CxTestGraph) g2 = graph_x (13, 2, S (3, 2));
  g_autoptr(CxTestGraph) g3 = graph_x (18, 2, S (3, 2));
  g_autoptr(CxTensor) x = iota_f32 (2, S (3, 2));
  g_autoptr(CxTensor) idx = i64 (2, S (1, 2), S (1, 2));
  g_autoptr(CxTensor) upd = cx_tensor_new_f32 (1, S (1), F (5));
  g_autoptr(CxTensor) upd2 = cx_tensor_new_f32 (1, S (2), F (5, 6));

  cx_test_graph_const (g, "idx", idx);
  cx_test_graph_const (g, "upd", upd);
  cx_test_graph_node (g, "ScatterND", "x,idx,upd", "y");
  cx_test_graph_output (g, "y");
  expect_error (g, &x, CX_ERROR_INVALID, "node ScatterND_0 (ScatterND): index 2 (element 1 "
                "of the indices) is out of range for axis 1 of size 2");

  cx_test_graph_const (g2, "idx", idx);
  cx_test_graph_const (g2, "upd", upd2);
  cx_test_graph_node (g2, "ScatterND", "x,idx,upd", "y");
  cx_test_graph_output (g2, "y");
  expect_error (g2, &x, CX_ERROR_SHAPE, "node ScatterND_0 (ScatterND): updates of shape [2] "
                "do not fit data of shape [3, 2] and indices of shape [1, 2]");

  cx_test_graph_const (g3, "idx", idx);
  cx_test_graph_const (g3, "upd", upd);
  cx_test_graph_node (g3, "ScatterND", "x,idx,upd", "y");
  cx_test_graph_attr_string (g3, "reduction", "max");
  cx_test_graph_output (g3, "y");
  expect_error (g3, &x, CX_ERROR_UNSUPPORTED, "test.onnx: node ScatterND_0 (ScatterND): "
                "reduction 'max' is not supported (only 'none' and 'add')");
}

static void
test_scatter_nd_gradient (void)
{
  static const char *reductions[] = { "none", "add" };

  for (gsize c = 0; c < G_N_ELEMENTS (reductions); c++)
    {
      g_autoptr(CxTestGraph) g = cx_test_graph_new (16);
      g_autoptr(GRand) rand = g_rand_new_with_seed (80 + c);
      g_autoptr(CxTensor) x = cx_test_randn (rand, 3, S (4, 3, 2));
      g_autoptr(CxTensor) upd = cx_test_randn (rand, 3, S (2, 2, 2));
      /* Rows (3, 1) and (0, 2) of the first two axes. */
      g_autoptr(CxTensor) idx = i64 (3, S (2, 2, 2), S (3, 1, 0, 2, -4, 0, 1, -1));
      CxTensor *inputs[2] = { x, upd };
      cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 3, S (4, 3, 2));
      cx_test_graph_input (g, "upd", CX_ELEM_FLOAT, 3, S (2, 2, 2));
      cx_test_graph_const (g, "idx", idx);
      cx_test_graph_node (g, "ScatterND", "x,idx,upd", "y");
      cx_test_graph_attr_string (g, "reduction", reductions[c]);
      cx_test_graph_output (g, "y");
      gradcheck (g, inputs);
    }
}

static void
test_scatter_nd_duplicates_last_wins (void)
{
  /* With reduction 'none' the last update to a slot is what the output holds, so
   * only it takes that slot's gradient. */
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autoptr(CxTensor) x = cx_tensor_new_f32 (1, S (3), F (1, 2, 3));
  g_autoptr(CxTensor) upd = cx_tensor_new_f32 (1, S (3), F (7, 8, 9));
  g_autoptr(CxTensor) idx = i64 (2, S (3, 1), S (1, 2, 1));
  g_autoptr(CxModel) m = NULL;
  g_autoptr(CxExec) exec = NULL;
  g_autoptr(CxTensor) seed = cx_tensor_new_f32 (1, S (3), F (1, 10, 100));
  g_autoptr(GError) error = NULL;
  CxTensor *inputs[2] = { x, upd };

  cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 1, S (3));
  cx_test_graph_input (g, "upd", CX_ELEM_FLOAT, 1, S (3));
  cx_test_graph_const (g, "idx", idx);
  cx_test_graph_node (g, "ScatterND", "x,idx,upd", "y");
  cx_test_graph_output (g, "y");
  m = build (g);
  exec = cx_exec_new (m, 0);
  g_assert_true (cx_exec_forward (exec, inputs, TRUE, &error));
  assert_f32 (cx_exec_output (exec, 0), 1, S (3), F (1, 9, 8));
  g_assert_true (cx_exec_backward (exec, 0, seed, &error));
  g_assert_no_error (error);
  assert_f32 (cx_exec_input_grad (exec, 0), 1, S (3), F (1, 0, 0));
  assert_f32 (cx_exec_input_grad (exec, 1), 1, S (3), F (0, 100, 10));
}

/* ------------------------------------------------------------------ */
/* Expand, Tile, Pad                                                   */
/* ------------------------------------------------------------------ */

static void
test_expand_values (void)
{
  g_autoptr(CxTestGraph) g = graph_x (13, 2, S (3, 1));
  g_autoptr(CxTensor) x = cx_tensor_new_f32 (2, S (3, 1), F (1, 2, 3));
  g_autoptr(CxTensor) shape = IVEC (2, 1, 2);
  g_autoptr(CxTensor) y = NULL;

  /* The shape's 1 keeps the input's 3: the result is [2, 3, 2]. */
  cx_test_graph_const (g, "shape", shape);
  cx_test_graph_node (g, "Expand", "x,shape", "y");
  cx_test_graph_output (g, "y");
  y = run (g, &x, 0);
  assert_f32 (y, 3, S (2, 3, 2), F (1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3));
}

static void
test_expand_gradient (void)
{
  g_autoptr(CxTestGraph) g = graph_x (13, 3, S (3, 1, 2));
  g_autoptr(CxTensor) shape = IVEC (2, 1, 4, 1);

  cx_test_graph_const (g, "shape", shape);
  cx_test_graph_node (g, "Expand", "x,shape", "y");
  cx_test_graph_output (g, "y");
  gradcheck_x (g, 3, S (3, 1, 2), 90);
}

static void
test_expand_errors (void)
{
  g_autoptr(CxTestGraph) g = graph_x (13, 1, S (3));
  g_autoptr(CxTestGraph) g2 = graph_x (13, 1, S (1));
  g_autoptr(CxTensor) x = iota_f32 (1, S (3));
  g_autoptr(CxTensor) x1 = iota_f32 (1, S (1));
  g_autoptr(CxTensor) bad = IVEC (2, 4), huge = IVEC (1 << 20, 1 << 20, 1 << 20);

  cx_test_graph_const (g, "shape", bad);
  cx_test_graph_node (g, "Expand", "x,shape", "y");
  cx_test_graph_output (g, "y");
  expect_error (g, &x, CX_ERROR_SHAPE, "node Expand_0 (Expand): shapes [3] and [2, 4] cannot "
                "be broadcast together");

  cx_test_graph_const (g2, "shape", huge);
  cx_test_graph_node (g2, "Expand", "x,shape", "y");
  cx_test_graph_output (g2, "y");
  {
    g_autoptr(CxModel) m = build (g2);
    g_autoptr(CxExec) exec = cx_exec_new (m, 0);
    g_autoptr(GError) error = NULL;
    g_assert_false (cx_exec_forward (exec, &x1, FALSE, &error));
    g_assert_error (error, CX_ERROR, CX_ERROR_LIMIT);
  }
}

static void
test_tile_values (void)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autoptr(CxTensor) x = i64 (2, S (2, 2), S (1, 2, 3, 4));
  g_autoptr(CxTensor) reps = IVEC (2, 3);
  g_autoptr(CxTensor) y = NULL;

  cx_test_graph_input (g, "x", CX_ELEM_INT64, 2, S (2, 2));
  cx_test_graph_const (g, "reps", reps);
  cx_test_graph_node (g, "Tile", "x,reps", "y");
  cx_test_graph_output (g, "y");
  y = run (g, &x, 0);
  assert_i64 (y, CX_ELEM_INT64, 2, S (4, 6),
              S (1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4, 1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4));
}

static void
test_tile_gradient (void)
{
  g_autoptr(CxTestGraph) g = graph_x (13, 3, S (2, 3, 1));
  g_autoptr(CxTensor) reps = IVEC (3, 1, 4);

  cx_test_graph_const (g, "reps", reps);
  cx_test_graph_node (g, "Tile", "x,reps", "y");
  cx_test_graph_output (g, "y");
  gradcheck_x (g, 3, S (2, 3, 1), 91);
}

static void
test_tile_over_limit (void)
{
  g_autoptr(CxTestGraph) g = graph_x (13, 1, S (2));
  g_autoptr(CxTestGraph) g2 = graph_x (13, 1, S (2));
  g_autoptr(CxTensor) x = iota_f32 (1, S (2));
  g_autoptr(CxTensor) reps = IVEC (G_GINT64_CONSTANT (1) << 40);
  g_autoptr(CxTensor) reps2 = IVEC (G_MAXINT64);

  cx_test_graph_const (g, "reps", reps);
  cx_test_graph_node (g, "Tile", "x,reps", "y");
  cx_test_graph_output (g, "y");
  {
    g_autoptr(CxModel) m = build (g);
    g_autoptr(CxExec) exec = cx_exec_new (m, 0);
    g_autoptr(GError) error = NULL;
    g_assert_false (cx_exec_forward (exec, &x, FALSE, &error));
    g_assert_error (error, CX_ERROR, CX_ERROR_LIMIT);
  }
  cx_test_graph_const (g2, "reps", reps2);
  cx_test_graph_node (g2, "Tile", "x,reps", "y");
  cx_test_graph_output (g2, "y");
  expect_error (g2, &x, CX_ERROR_LIMIT, "node Tile_0 (Tile): repeating axis 0 of size 2 "
                "9223372036854775807 times is too large");
}

/* Pads a [2, 3] iota (0…5) along the last axis, opset 11 form. */
static CxTensor *
pad_2x3 (const char *mode, const int64_t *pads, gboolean as_i64)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (11);
  g_autoptr(CxTensor) x = as_i64 ? iota_i64 (2, S (2, 3)) : iota_f32 (2, S (2, 3));
  g_autoptr(CxTensor) p = ivec (4, pads);
  g_autoptr(CxTensor) v = as_i64 ? i64 (0, NULL, S (-7)) : cx_tensor_new_f32 (0, NULL, F (-7));

  cx_test_graph_input (g, "x", x->elem, 2, S (2, 3));
  cx_test_graph_const (g, "pads", p);
  cx_test_graph_const (g, "v", v);
  cx_test_graph_node (g, "Pad", "x,pads,v", "y");
  cx_test_graph_attr_string (g, "mode", mode);
  cx_test_graph_output (g, "y");
  return run (g, &x, 0);
}

static void
test_pad_modes (void)
{
  {
    g_autoptr(CxTensor) y = pad_2x3 ("constant", S (0, 2, 0, 1), FALSE);
    assert_f32 (y, 2, S (2, 6), F (-7, -7, 0, 1, 2, -7, -7, -7, 3, 4, 5, -7));
  }
  {
    g_autoptr(CxTensor) y = pad_2x3 ("reflect", S (0, 2, 0, 1), FALSE);
    assert_f32 (y, 2, S (2, 6), F (2, 1, 0, 1, 2, 1, 5, 4, 3, 4, 5, 4));
  }
  {
    g_autoptr(CxTensor) y = pad_2x3 ("edge", S (0, 2, 0, 1), TRUE);
    assert_i64 (y, CX_ELEM_INT64, 2, S (2, 6), S (0, 0, 0, 1, 2, 2, 3, 3, 3, 4, 5, 5));
  }
  /* Rows padded too, and a reflection longer than the axis (as numpy.pad). */
  {
    g_autoptr(CxTensor) y = pad_2x3 ("reflect", S (1, 0, 0, 5), FALSE);
    assert_f32 (y, 2, S (3, 8), F (3, 4, 5, 4, 3, 4, 5, 4,
                                   0, 1, 2, 1, 0, 1, 2, 1,
                                   3, 4, 5, 4, 3, 4, 5, 4));
  }
  {
    g_autoptr(CxTensor) y = pad_2x3 ("constant", S (1, 0, 0, 0), TRUE);
    assert_i64 (y, CX_ELEM_INT64, 2, S (3, 3), S (-7, -7, -7, 0, 1, 2, 3, 4, 5));
  }
}

static void
test_pad_negative_pads (void)
{
  /* Crop one column at the start, then pad two at the end of what is left. */
  {
    g_autoptr(CxTensor) y = pad_2x3 ("constant", S (0, -1, 0, 2), FALSE);
    assert_f32 (y, 2, S (2, 4), F (1, 2, -7, -7, 4, 5, -7, -7));
  }
  {
    g_autoptr(CxTensor) y = pad_2x3 ("reflect", S (0, -1, 0, 2), FALSE);
    assert_f32 (y, 2, S (2, 4), F (1, 2, 1, 2, 4, 5, 4, 5));
  }
  {
    g_autoptr(CxTestGraph) g = graph_x (11, 2, S (2, 3));
    g_autoptr(CxTensor) x = iota_f32 (2, S (2, 3));
    g_autoptr(CxTensor) pads = IVEC (0, -2, 0, -2);
    cx_test_graph_const (g, "pads", pads);
    cx_test_graph_node (g, "Pad", "x,pads", "y");
    cx_test_graph_output (g, "y");
    expect_error (g, &x, CX_ERROR_SHAPE, "node Pad_0 (Pad): pads (-2, -2) crop more than the 3 "
                  "elements of axis 1");
  }
}

static void
test_pad_opsets (void)
{
  g_autoptr(CxTensor) x = iota_f32 (2, S (2, 2));

  /* Opset 2: pads and value as attributes. */
  {
    g_autoptr(CxTestGraph) g = graph_x (7, 2, S (2, 2));
    g_autoptr(CxTensor) y = NULL;
    cx_test_graph_node (g, "Pad", "x", "y");
    cx_test_graph_attr_ints (g, "pads", 4, S (1, 0, 0, 1));
    cx_test_graph_attr_float (g, "value", 9.5f);
    cx_test_graph_output (g, "y");
    y = run (g, &x, 0);
    assert_f32 (y, 2, S (3, 3), F (9.5f, 9.5f, 9.5f, 0, 1, 9.5f, 2, 3, 9.5f));
  }
  /* Opset 11 without constant_value: zeros. */
  {
    g_autoptr(CxTestGraph) g = graph_x (13, 2, S (2, 2));
    g_autoptr(CxTensor) pads = IVEC (0, 1, 0, 0);
    g_autoptr(CxTensor) y = NULL;
    cx_test_graph_const (g, "pads", pads);
    cx_test_graph_node (g, "Pad", "x,pads", "y");
    cx_test_graph_output (g, "y");
    y = run (g, &x, 0);
    assert_f32 (y, 2, S (2, 3), F (0, 0, 1, 0, 2, 3));
  }
  /* Opset 18: pads of the listed axes only. */
  {
    g_autoptr(CxTestGraph) g = graph_x (18, 2, S (2, 2));
    g_autoptr(CxTensor) pads = IVEC (1, 2), axes = IVEC (-1);
    g_autoptr(CxTensor) y = NULL;
    cx_test_graph_const (g, "pads", pads);
    cx_test_graph_const (g, "axes", axes);
    cx_test_graph_node (g, "Pad", "x,pads,,axes", "y");
    cx_test_graph_attr_string (g, "mode", "edge");
    cx_test_graph_output (g, "y");
    y = run (g, &x, 0);
    assert_f32 (y, 2, S (2, 5), F (0, 0, 1, 1, 1, 2, 2, 3, 3, 3));
  }
}

static void
test_pad_errors (void)
{
  g_autoptr(CxTestGraph) g = graph_x (13, 2, S (2, 2));
  g_autoptr(CxTestGraph) g2 = graph_x (13, 2, S (2, 0));
  g_autoptr(CxTestGraph) g3 = graph_x (13, 2, S (2, 2));
  g_autoptr(CxTensor) x = iota_f32 (2, S (2, 2));
  g_autoptr(CxTensor) x0 = cx_tensor_new_f32 (2, S (2, 0), NULL);
  g_autoptr(CxTensor) pads3 = IVEC (1, 1, 1), pads = IVEC (0, 1, 0, 1);

  cx_test_graph_const (g, "pads", pads3);
  cx_test_graph_node (g, "Pad", "x,pads", "y");
  cx_test_graph_output (g, "y");
  expect_error (g, &x, CX_ERROR_INVALID, "node Pad_0 (Pad): 'pads' has 3 entries; 2 axes need 4");

  cx_test_graph_const (g2, "pads", pads);
  cx_test_graph_node (g2, "Pad", "x,pads", "y");
  cx_test_graph_attr_string (g2, "mode", "reflect");
  cx_test_graph_output (g2, "y");
  expect_error (g2, &x0, CX_ERROR_SHAPE,
                "node Pad_0 (Pad): cannot pad the empty axis 1 in reflect mode");

  cx_test_graph_const (g3, "pads", pads);
  cx_test_graph_node (g3, "Pad", "x,pads", "y");
  cx_test_graph_attr_string (g3, "mode", "wrap");
  cx_test_graph_output (g3, "y");
  expect_error (g3, &x, CX_ERROR_UNSUPPORTED, "test.onnx: node Pad_0 (Pad): mode 'wrap' is "
                "not supported (only 'constant', 'reflect' and 'edge')");
}

static void
test_pad_gradient (void)
{
  static const char *modes[] = { "constant", "reflect", "edge" };

  for (gsize c = 0; c < G_N_ELEMENTS (modes); c++)
    {
      g_autoptr(CxTestGraph) g = graph_x (13, 4, S (2, 2, 3, 4));
      g_autoptr(CxTensor) pads = IVEC (0, 0, 2, -1, 0, 1, 1, 5);
      g_autoptr(CxTensor) v = cx_tensor_new_f32 (0, NULL, F (0.5f));
      cx_test_graph_const (g, "pads", pads);
      cx_test_graph_const (g, "v", v);
      cx_test_graph_node (g, "Pad", "x,pads,v", "y");
      cx_test_graph_attr_string (g, "mode", modes[c]);
      cx_test_graph_output (g, "y");
      gradcheck_x (g, 4, S (2, 2, 3, 4), 100 + c);
    }
  /* Opset 2's attribute form. */
  {
    g_autoptr(CxTestGraph) g = graph_x (7, 2, S (3, 3));
    cx_test_graph_node (g, "Pad", "x", "y");
    cx_test_graph_attr_ints (g, "pads", 4, S (2, 1, 1, 2));
    cx_test_graph_attr_string (g, "mode", "reflect");
    cx_test_graph_output (g, "y");
    gradcheck_x (g, 2, S (3, 3), 104);
  }
}

/* ------------------------------------------------------------------ */
/* Shape, Size, Range, ConstantOfShape, Constant                       */
/* ------------------------------------------------------------------ */

static void
test_shape_start_end (void)
{
  static const struct { int opset; gboolean has_start, has_end; int64_t start, end;
                        int n; int64_t want[4]; } cases[] = {
    { 13, TRUE, TRUE, 1, 2, 4, { 2, 3, 4, 5 } },   /* ignored before opset 15 */
    { 15, FALSE, FALSE, 0, 0, 4, { 2, 3, 4, 5 } },
    { 15, TRUE, FALSE, -1, 0, 1, { 5 } },
    { 15, FALSE, TRUE, 0, -1, 3, { 2, 3, 4 } },
    { 15, TRUE, TRUE, 1, 3, 2, { 3, 4 } },
    { 15, TRUE, TRUE, -10, 10, 4, { 2, 3, 4, 5 } },
    { 15, TRUE, TRUE, 3, 1, 0, { 0 } },
  };

  for (gsize c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(CxTestGraph) g = graph_x (cases[c].opset, 4, S (2, 3, 4, 5));
      g_autoptr(CxTensor) x = cx_tensor_new_f32 (4, S (2, 3, 4, 5), NULL);
      g_autoptr(CxTensor) y = NULL;
      int64_t n = cases[c].n;

      cx_test_graph_node (g, "Shape", "x", "y");
      if (cases[c].has_start)
        cx_test_graph_attr_int (g, "start", cases[c].start);
      if (cases[c].has_end)
        cx_test_graph_attr_int (g, "end", cases[c].end);
      cx_test_graph_output (g, "y");
      y = run (g, &x, 0);
      assert_i64 (y, CX_ELEM_INT64, 1, &n, cases[c].want);
    }
}

static void
test_size_values (void)
{
  g_autoptr(CxTestGraph) g = graph_x (13, 3, S (2, 3, 4));
  g_autoptr(CxTensor) x = cx_tensor_new_f32 (3, S (2, 3, 4), NULL);
  g_autoptr(CxTensor) y = NULL;

  cx_test_graph_node (g, "Size", "x", "y");
  cx_test_graph_output (g, "y");
  y = run (g, &x, 0);
  assert_i64 (y, CX_ELEM_INT64, 0, NULL, S (24));
}

static CxTensor *
range_of (CxTensor *start, CxTensor *limit, CxTensor *delta)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (11);
  CxTensor *inputs[3] = { start, limit, delta };

  cx_test_graph_input (g, "start", start->elem, 0, NULL);
  cx_test_graph_input (g, "limit", limit->elem, 0, NULL);
  cx_test_graph_input (g, "delta", delta->elem, 0, NULL);
  cx_test_graph_node (g, "Range", "start,limit,delta", "y");
  cx_test_graph_output (g, "y");
  return run (g, inputs, 0);
}

static void
test_range_values (void)
{
  {
    g_autoptr(CxTensor) s = i64 (0, NULL, S (10)), l = i64 (0, NULL, S (4));
    g_autoptr(CxTensor) d = i64 (0, NULL, S (-2));
    g_autoptr(CxTensor) y = NULL;
    s->elem = l->elem = d->elem = CX_ELEM_INT32;
    y = range_of (s, l, d);
    assert_i64 (y, CX_ELEM_INT32, 1, S (3), S (10, 8, 6));
  }
  {
    g_autoptr(CxTensor) s = i64 (0, NULL, S (3)), l = i64 (0, NULL, S (9));
    g_autoptr(CxTensor) d = i64 (0, NULL, S (3));
    g_autoptr(CxTensor) y = range_of (s, l, d);
    assert_i64 (y, CX_ELEM_INT64, 1, S (2), S (3, 6));
  }
  {
    /* The whole int64 range in one step: no overflow on the way. */
    g_autoptr(CxTensor) s = i64 (0, NULL, S (G_MININT64)), l = i64 (0, NULL, S (G_MAXINT64));
    g_autoptr(CxTensor) d = i64 (0, NULL, S (G_MAXINT64));
    g_autoptr(CxTensor) y = range_of (s, l, d);
    assert_i64 (y, CX_ELEM_INT64, 1, S (3), S (G_MININT64, -1, G_MAXINT64 - 1));
  }
  {
    g_autoptr(CxTensor) s = cx_tensor_new_f32 (0, NULL, F (1)), l = cx_tensor_new_f32 (0, NULL, F (5));
    g_autoptr(CxTensor) d = cx_tensor_new_f32 (0, NULL, F (1.5f));
    g_autoptr(CxTensor) y = range_of (s, l, d);
    assert_f32 (y, 1, S (3), F (1, 2.5f, 4));
  }
  {
    g_autoptr(CxTensor) s = cx_tensor_new_f32 (0, NULL, F (1)), l = cx_tensor_new_f32 (0, NULL, F (5));
    g_autoptr(CxTensor) d = cx_tensor_new_f32 (0, NULL, F (-1));
    g_autoptr(CxTensor) y = range_of (s, l, d);
    assert_shape (y, 1, S (0));
  }
}

static void
test_range_errors (void)
{
  {
    g_autoptr(CxTestGraph) g = cx_test_graph_new (11);
    g_autoptr(CxTensor) s = i64 (0, NULL, S (0)), l = i64 (0, NULL, S (5)), d = i64 (0, NULL, S (0));
    cx_test_graph_const (g, "s", s);
    cx_test_graph_const (g, "l", l);
    cx_test_graph_const (g, "d", d);
    cx_test_graph_node (g, "Range", "s,l,d", "y");
    cx_test_graph_output (g, "y");
    /* All inputs constant: folded at load, so the loader reports it. */
    expect_error (g, NULL, CX_ERROR_INVALID,
                  "test.onnx: node Range_0 (Range): cannot count from 0 to 5 in steps of 0");
  }
  {
    g_autoptr(CxTestGraph) g = cx_test_graph_new (11);
    g_autoptr(CxTensor) s = i64 (0, NULL, S (0)), l = i64 (0, NULL, S (G_MAXINT64));
    g_autoptr(CxTensor) d = i64 (0, NULL, S (1));
    CxTensor *inputs[1] = { l };
    g_autoptr(CxModel) m = NULL;
    g_autoptr(CxExec) exec = NULL;
    g_autoptr(GError) error = NULL;
    cx_test_graph_const (g, "s", s);
    cx_test_graph_input (g, "l", CX_ELEM_INT64, 0, NULL);
    cx_test_graph_const (g, "d", d);
    cx_test_graph_node (g, "Range", "s,l,d", "y");
    cx_test_graph_output (g, "y");
    m = build (g);
    exec = cx_exec_new (m, 0);
    g_assert_false (cx_exec_forward (exec, inputs, FALSE, &error));
    g_assert_error (error, CX_ERROR, CX_ERROR_LIMIT);
  }
}

static void
test_constant_of_shape (void)
{
  {
    g_autoptr(CxTestGraph) g = cx_test_graph_new (9);
    g_autoptr(CxTensor) shape = IVEC (2, 3);
    g_autoptr(CxTensor) y = NULL;
    cx_test_graph_input (g, "shape", CX_ELEM_INT64, 1, S (2));
    cx_test_graph_node (g, "ConstantOfShape", "shape", "y");
    cx_test_graph_output (g, "y");
    y = run (g, &shape, 0);
    assert_f32 (y, 2, S (2, 3), F (0, 0, 0, 0, 0, 0));
  }
  {
    g_autoptr(CxTestGraph) g = cx_test_graph_new (9);
    g_autoptr(CxTensor) shape = IVEC (3);
    g_autoptr(CxTensor) value = i64 (1, S (1), S (-5));
    g_autoptr(CxTensor) y = NULL;
    value->elem = CX_ELEM_INT32;
    cx_test_graph_input (g, "shape", CX_ELEM_INT64, 1, S (1));
    cx_test_graph_node (g, "ConstantOfShape", "shape", "y");
    cx_test_graph_attr_tensor (g, "value", value);
    cx_test_graph_output (g, "y");
    y = run (g, &shape, 0);
    /* The test builder stores int32 initializers as int64; the element type follows the value. */
    assert_i64 (y, CX_ELEM_INT64, 1, S (3), S (-5, -5, -5));
  }
  {
    /* An empty shape: a scalar. */
    g_autoptr(CxTestGraph) g = cx_test_graph_new (9);
    g_autoptr(CxTensor) shape = cx_tensor_new_i64 (1, S (0), NULL);
    g_autoptr(CxTensor) value = cx_tensor_new_f32 (1, S (1), F (2.5f));
    g_autoptr(CxTensor) y = NULL;
    cx_test_graph_input (g, "shape", CX_ELEM_INT64, 1, S (0));
    cx_test_graph_node (g, "ConstantOfShape", "shape", "y");
    cx_test_graph_attr_tensor (g, "value", value);
    cx_test_graph_output (g, "y");
    y = run (g, &shape, 0);
    assert_f32 (y, 0, NULL, F (2.5f));
  }
}

static void
test_constant_of_shape_errors (void)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (9);
  g_autoptr(CxTestGraph) g2 = cx_test_graph_new (9);
  g_autoptr(CxTensor) huge = IVEC (1 << 20, 1 << 20, 1 << 20);
  g_autoptr(CxTensor) neg = IVEC (2, -1);

  cx_test_graph_input (g, "shape", CX_ELEM_INT64, 1, S (3));
  cx_test_graph_node (g, "ConstantOfShape", "shape", "y");
  cx_test_graph_output (g, "y");
  {
    g_autoptr(CxModel) m = build (g);
    g_autoptr(CxExec) exec = cx_exec_new (m, 0);
    g_autoptr(GError) error = NULL;
    g_assert_false (cx_exec_forward (exec, &huge, FALSE, &error));
    g_assert_error (error, CX_ERROR, CX_ERROR_LIMIT);
  }
  cx_test_graph_input (g2, "shape", CX_ELEM_INT64, 1, S (2));
  cx_test_graph_node (g2, "ConstantOfShape", "shape", "y");
  cx_test_graph_output (g2, "y");
  expect_error (g2, &neg, CX_ERROR_INVALID, "node ConstantOfShape_0 (ConstantOfShape): "
                "dimension 1 of the shape is negative (-1)");
}

static void
test_constant_forms (void)
{
  {
    g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
    g_autoptr(CxTensor) y = NULL;
    cx_test_graph_node (g, "Constant", "", "y");
    cx_test_graph_attr_ints (g, "value_ints", 3, S (4, -1, 7));
    cx_test_graph_output (g, "y");
    y = run (g, NULL, 0);
    assert_i64 (y, CX_ELEM_INT64, 1, S (3), S (4, -1, 7));
  }
  {
    g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
    g_autoptr(CxTensor) y = NULL;
    cx_test_graph_node (g, "Constant", "", "y");
    cx_test_graph_attr_int (g, "value_int", 42);
    cx_test_graph_output (g, "y");
    y = run (g, NULL, 0);
    assert_i64 (y, CX_ELEM_INT64, 0, NULL, S (42));
  }
  {
    g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
    g_autoptr(CxTensor) y = NULL;
    cx_test_graph_node (g, "Constant", "", "y");
    cx_test_graph_attr_float (g, "value_float", 0.25f);
    cx_test_graph_output (g, "y");
    y = run (g, NULL, 0);
    assert_f32 (y, 0, NULL, F (0.25f));
  }
  {
    g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
    g_autoptr(CxTensor) y = NULL;
    cx_test_graph_node (g, "Constant", "", "y");
    cx_test_graph_attr_floats (g, "value_floats", 2, F (1.5f, -2));
    cx_test_graph_output (g, "y");
    y = run (g, NULL, 0);
    assert_f32 (y, 1, S (2), F (1.5f, -2));
  }
  {
    g_autoptr(CxTestGraph) g = cx_test_graph_new (9);
    g_autoptr(CxTensor) value = iota_f32 (2, S (2, 2));
    g_autoptr(CxTensor) y = NULL;
    cx_test_graph_node (g, "Constant", "", "y");
    cx_test_graph_attr_tensor (g, "value", value);
    cx_test_graph_output (g, "y");
    y = run (g, NULL, 0);
    assert_f32 (y, 2, S (2, 2), F (0, 1, 2, 3));
  }
  {
    g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
    cx_test_graph_node (g, "Constant", "", "y");
    cx_test_graph_attr_string (g, "value_string", "hello");
    cx_test_graph_output (g, "y");
    expect_error (g, NULL, CX_ERROR_UNSUPPORTED, "test.onnx: node Constant_0 (Constant): "
                  "attribute 'value_string' is not supported");
  }
}

/* ------------------------------------------------------------------ */
/* Shape sub-graphs on int64                                           */
/* ------------------------------------------------------------------ */

/* y = Reshape (x, Concat (Unsqueeze (Gather (Shape (x), 0)), [-1])): [N, …] → [N, rest]. */
static void
add_flatten_chain (CxTestGraph *g, int opset)
{
  g_autoptr(CxTensor) zero = i64 (0, NULL, S (0));
  g_autoptr(CxTensor) minus1 = IVEC (-1);
  g_autoptr(CxTensor) axes = IVEC (0);

  cx_test_graph_const (g, "zero", zero);
  cx_test_graph_const (g, "minus1", minus1);
  cx_test_graph_node (g, "Shape", "x", "shape");
  cx_test_graph_node (g, "Gather", "shape,zero", "n");
  if (opset >= 13)
    {
      cx_test_graph_const (g, "axes", axes);
      cx_test_graph_node (g, "Unsqueeze", "n,axes", "n1");
    }
  else
    {
      cx_test_graph_node (g, "Unsqueeze", "n", "n1");
      cx_test_graph_attr_ints (g, "axes", 1, S (0));
    }
  cx_test_graph_node (g, "Concat", "n1,minus1", "target");
  cx_test_graph_attr_int (g, "axis", 0);
  cx_test_graph_node (g, "Reshape", "x,target", "y");
  cx_test_graph_output (g, "y");
  cx_test_graph_output (g, "target");
}

static void
test_chain_at_run_time (void)
{
  static const int opsets[] = { 11, 13 };

  for (gsize c = 0; c < G_N_ELEMENTS (opsets); c++)
    {
      g_autoptr(CxTestGraph) g = graph_x (opsets[c], 3, S (-1, 3, 4));
      g_autoptr(CxModel) m = NULL;
      g_autoptr(CxTensor) x = iota_f32 (3, S (2, 3, 4));
      g_autoptr(CxTensor) y = NULL, target = NULL;

      add_flatten_chain (g, opsets[c]);
      m = build (g);
      /* The batch is symbolic: nothing folds. */
      for (int n = 0; n < m->n_nodes; n++)
        g_assert_false (m->nodes[n].folded);
      y = cx_test_run (m, &x, 0);
      target = cx_test_run (m, &x, 1);
      assert_i64 (target, CX_ELEM_INT64, 1, S (2), S (2, -1));
      assert_shape (y, 2, S (2, 12));
      g_assert_cmpfloat (y->data.f[23], ==, 23.0f);
      cx_test_gradcheck (m, &x, EPS, RTOL, ATOL, 50);
    }
}

static void
test_chain_folded (void)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autoptr(CxTensor) x = iota_f32 (3, S (5, 2, 2));
  g_autoptr(CxModel) m = NULL;
  g_autoptr(CxTensor) y = NULL;

  cx_test_graph_const (g, "x", x);
  add_flatten_chain (g, 13);
  m = build (g);
  for (int n = 0; n < m->n_nodes; n++)
    g_assert_true (m->nodes[n].folded);
  y = run (g, NULL, 0);
  assert_shape (y, 2, S (5, 4));
  g_assert_cmpfloat (y->data.f[19], ==, 19.0f);
}

static void
test_chain_slice_of_shape (void)
{
  /* Shape → Slice (drop the batch) → ReduceProd-free: Concat with a given batch, Expand. */
  g_autoptr(CxTestGraph) g = graph_x (13, 3, S (-1, 2, 3));
  g_autoptr(CxTensor) s = IVEC (1), e = IVEC (G_MAXINT64), four = IVEC (4);
  g_autoptr(CxTensor) x = iota_f32 (3, S (1, 2, 3));
  g_autoptr(CxTensor) y = NULL;

  cx_test_graph_const (g, "s", s);
  cx_test_graph_const (g, "e", e);
  cx_test_graph_const (g, "four", four);
  cx_test_graph_node (g, "Shape", "x", "shape");
  cx_test_graph_node (g, "Slice", "shape,s,e", "rest");
  cx_test_graph_node (g, "Concat", "four,rest", "target");
  cx_test_graph_attr_int (g, "axis", 0);
  cx_test_graph_node (g, "Expand", "x,target", "y");
  cx_test_graph_output (g, "y");
  y = run (g, &x, 0);
  assert_shape (y, 3, S (4, 2, 3));
  g_assert_cmpfloat (y->data.f[23], ==, 5.0f);
}

/* ------------------------------------------------------------------ */
/* Every backward is the adjoint of its forward                        */
/* ------------------------------------------------------------------ */

/* The ops here are linear in their float inputs, so for any seed g the
 * VJP must satisfy <g, f(x, u)> = <x, gx> + <u, gu> exactly (up to
 * rounding). Random attributes, some invalid: forward may refuse them,
 * but must never crash or read out of bounds (run under ASan). */

static int64_t
rand_dim (GRand *rand)
{
  return g_rand_int_range (rand, 0, 8) == 0 ? 0 : g_rand_int_range (rand, 1, 5);
}

static CxTensor *
rand_ints (GRand *rand, gsize n, int lo, int hi)
{
  int64_t len = (int64_t) n;
  CxTensor *t = cx_tensor_new_i64 (1, &len, NULL);
  for (gsize i = 0; i < n; i++)
    t->data.i[i] = g_rand_int_range (rand, lo, hi);
  return t;
}

/* Picks @k distinct axes of @rank in random order, some written negative. */
static CxTensor *
rand_axes (GRand *rand, int rank, int k)
{
  int order[CX_MAX_DIMS];
  int64_t len = k;
  CxTensor *t = cx_tensor_new_i64 (1, &len, NULL);

  for (int d = 0; d < rank; d++)
    order[d] = d;
  for (int d = rank - 1; d > 0; d--)
    {
      int j = g_rand_int_range (rand, 0, d + 1), tmp = order[d];
      order[d] = order[j];
      order[j] = tmp;
    }
  for (int i = 0; i < k; i++)
    t->data.i[i] = g_rand_boolean (rand) ? order[i] - rank : order[i];
  return t;
}

static double
dot (const CxTensor *a, const CxTensor *b)
{
  double s = 0;
  g_assert_cmpint (a->numel, ==, b->numel);
  for (int64_t i = 0; i < a->numel; i++)
    s += (double) a->data.f[i] * b->data.f[i];
  return s;
}

/* Returns FALSE when the forward pass refused the configuration. */
static gboolean
adjoint_holds (CxTestGraph *g, CxTensor *const *inputs, int n_inputs, GRand *rand)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CxModel) m = cx_test_graph_build (g, &error);
  g_autoptr(CxExec) exec = NULL;
  g_autoptr(CxTensor) seed = NULL;
  const CxTensor *y;
  double lhs, rhs = 0;

  if (m == NULL)
    {
      g_assert_nonnull (error);
      return FALSE;
    }
  exec = cx_exec_new (m, 0);
  if (!cx_exec_forward (exec, inputs, TRUE, &error))
    {
      g_assert_nonnull (error);
      g_assert_true (g_str_has_prefix (error->message, "node "));
      return FALSE;
    }
  y = cx_exec_output (exec, 0);
  seed = cx_test_randn (rand, y->ndim, y->shape);
  lhs = dot (seed, y);
  g_assert_true (cx_exec_backward (exec, 0, seed, &error));
  g_assert_no_error (error);
  for (int i = 0; i < n_inputs; i++)
    if (cx_exec_input_grad (exec, i) != NULL)
      rhs += dot (inputs[i], cx_exec_input_grad (exec, i));
  if (fabs (lhs - rhs) > 1e-4 * (1.0 + fabs (lhs)))
    g_error ("<g, y> = %.9g but <x, gx> = %.9g", lhs, rhs);
  return TRUE;
}

static void
test_adjoint_random (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (2026);
  static const char *ops[] = { "Slice", "Pad", "Tile", "Expand", "Transpose", "Gather",
                               "GatherElements", "ScatterND", "Split", "DepthToSpace",
                               "Reshape", "Squeeze" };
  int ran[G_N_ELEMENTS (ops)] = { 0 };

  for (int iter = 0; iter < 1200; iter++)
    {
      gsize which = (gsize) iter % G_N_ELEMENTS (ops);
      const char *op = ops[which];
      g_autoptr(CxTestGraph) g = cx_test_graph_new (g_rand_boolean (rand) ? 13 : 18);
      int rank = g_rand_int_range (rand, 1, 5);
      int64_t shape[CX_MAX_DIMS];
      g_autoptr(CxTensor) x = NULL, u = NULL, a = NULL, b = NULL, c = NULL, d = NULL;
      CxTensor *inputs[2] = { NULL, NULL };
      int n_inputs = 1;

      for (int k = 0; k < rank; k++)
        shape[k] = rand_dim (rand);
      if (g_str_equal (op, "DepthToSpace"))
        {
          rank = 4;
          shape[1] = 4 * g_rand_int_range (rand, 1, 4);
        }
      x = cx_test_randn (rand, rank, shape);
      inputs[0] = x;
      cx_test_graph_input (g, "x", CX_ELEM_FLOAT, rank, shape);

      if (g_str_equal (op, "Slice"))
        {
          int k = g_rand_int_range (rand, 0, rank + 1);
          a = rand_ints (rand, (gsize) k, -7, 7);
          b = rand_ints (rand, (gsize) k, -7, 7);
          c = rand_axes (rand, rank, k);
          d = rand_ints (rand, (gsize) k, -3, 4);
          for (int i = 0; i < k; i++)
            {
              if (d->data.i[i] == 0)
                d->data.i[i] = 1;
              if (g_rand_int_range (rand, 0, 6) == 0)
                b->data.i[i] = d->data.i[i] > 0 ? G_MAXINT64 : G_MININT64;
            }
          cx_test_graph_const (g, "a", a);
          cx_test_graph_const (g, "b", b);
          cx_test_graph_const (g, "c", c);
          cx_test_graph_const (g, "d", d);
          cx_test_graph_node (g, op, "x,a,b,c,d", "y");
        }
      else if (g_str_equal (op, "Pad"))
        {
          static const char *modes[] = { "constant", "reflect", "edge" };
          a = rand_ints (rand, 2 * (gsize) rank, -2, 6);
          cx_test_graph_const (g, "a", a);
          cx_test_graph_node (g, op, "x,a", "y");
          cx_test_graph_attr_string (g, "mode", modes[g_rand_int_range (rand, 0, 3)]);
        }
      else if (g_str_equal (op, "Tile"))
        {
          a = rand_ints (rand, (gsize) rank, 0, 4);
          cx_test_graph_const (g, "a", a);
          cx_test_graph_node (g, op, "x,a", "y");
        }
      else if (g_str_equal (op, "Expand"))
        {
          int n = g_rand_int_range (rand, 0, 6);
          a = rand_ints (rand, (gsize) n, 1, 4);
          /* Mostly compatible: copy the input's trailing dimensions. */
          for (int i = 0; i < n && i < rank; i++)
            if (g_rand_int_range (rand, 0, 4) != 0)
              a->data.i[n - 1 - i] = shape[rank - 1 - i];
          cx_test_graph_const (g, "a", a);
          cx_test_graph_node (g, op, "x,a", "y");
        }
      else if (g_str_equal (op, "Transpose"))
        {
          g_autoptr(CxTensor) perm = rand_axes (rand, rank, rank);
          for (int i = 0; i < rank; i++)
            perm->data.i[i] = (perm->data.i[i] + rank) % rank;
          cx_test_graph_node (g, op, "x", "y");
          cx_test_graph_attr_ints (g, "perm", (gsize) rank, perm->data.i);
        }
      else if (g_str_equal (op, "Gather") || g_str_equal (op, "GatherElements"))
        {
          int axis = g_rand_int_range (rand, 0, rank);
          int64_t dim = MAX (shape[axis], 1);
          gboolean elements = g_str_equal (op, "GatherElements");
          int qrank = elements ? rank : g_rand_int_range (rand, 0, 3);
          int64_t ishape[CX_MAX_DIMS];
          for (int k = 0; k < qrank; k++)
            ishape[k] = elements && k != axis ? g_rand_int_range (rand, 0, (int) shape[k] + 1)
                                              : g_rand_int_range (rand, 0, 4);
          a = cx_tensor_new_i64 (qrank, ishape, NULL);
          for (int64_t i = 0; i < a->numel; i++)
            a->data.i[i] = g_rand_int_range (rand, (int) -dim, (int) dim);
          cx_test_graph_const (g, "a", a);
          cx_test_graph_node (g, op, "x,a", "y");
          cx_test_graph_attr_int (g, "axis", g_rand_boolean (rand) ? axis : axis - rank);
        }
      else if (g_str_equal (op, "ScatterND"))
        {
          int k = g_rand_int_range (rand, 1, rank + 1), q = g_rand_int_range (rand, 1, 3);
          int64_t ishape[CX_MAX_DIMS], ushape[CX_MAX_DIMS];
          int nu = 0;
          for (int i = 0; i < q - 1; i++)
            ishape[i] = ushape[nu++] = g_rand_int_range (rand, 1, 4);
          ishape[q - 1] = k;
          for (int i = k; i < rank; i++)
            ushape[nu++] = shape[i];
          a = cx_tensor_new_i64 (q, ishape, NULL);
          for (int64_t i = 0; i < a->numel; i++)
            {
              int64_t dim = MAX (shape[i % k], 1);
              a->data.i[i] = g_rand_int_range (rand, (int) -dim, (int) dim);
            }
          u = cx_test_randn (rand, nu, ushape);
          inputs[1] = u;
          n_inputs = 2;
          cx_test_graph_input (g, "u", CX_ELEM_FLOAT, nu, ushape);
          cx_test_graph_const (g, "a", a);
          cx_test_graph_node (g, op, "x,a,u", "y");
          if (g_rand_boolean (rand))
            cx_test_graph_attr_string (g, "reduction", "add");
        }
      else if (g_str_equal (op, "Split"))
        {
          /* Split into three, then concatenate the parts in another order. */
          int axis = g_rand_int_range (rand, 0, rank);
          a = rand_ints (rand, 3, 0, (int) shape[axis] + 1);
          a->data.i[2] = shape[axis] - a->data.i[0] - a->data.i[1];
          cx_test_graph_const (g, "a", a);
          cx_test_graph_node (g, op, "x,a", "p,q,r");
          cx_test_graph_attr_int (g, "axis", axis);
          cx_test_graph_node (g, "Concat", "r,p,r,q", "y");
          cx_test_graph_attr_int (g, "axis", axis);
        }
      else if (g_str_equal (op, "DepthToSpace"))
        {
          cx_test_graph_node (g, op, "x", "y");
          cx_test_graph_attr_int (g, "blocksize", 2);
          cx_test_graph_attr_string (g, "mode", g_rand_boolean (rand) ? "DCR" : "CRD");
        }
      else if (g_str_equal (op, "Reshape"))
        {
          int64_t n = 1;
          for (int k = 0; k < rank; k++)
            n *= shape[k];
          a = IVEC (-1, g_rand_boolean (rand) ? 1 : 0);
          cx_test_graph_const (g, "a", a);
          cx_test_graph_node (g, op, "x,a", "r");
          cx_test_graph_node (g, "Transpose", "r", "y");
        }
      else
        {
          cx_test_graph_node (g, op, "x", "s");
          cx_test_graph_node (g, "Transpose", "s", "y");
        }
      cx_test_graph_output (g, "y");
      if (adjoint_holds (g, inputs, n_inputs, rand))
        ran[which]++;
    }
  /* Most random configurations are valid: each op was really exercised. */
  for (gsize k = 0; k < G_N_ELEMENTS (ops); k++)
    if (ran[k] < 30)
      g_error ("only %d valid %s configurations", ran[k], ops[k]);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ops/reshape/zero-copies-and-minus-one-infers", test_reshape_zero_and_minus_one);
  g_test_add_func ("/ops/reshape/allowzero-keeps-zeros", test_reshape_allowzero);
  g_test_add_func ("/ops/reshape/mismatch-is-refused", test_reshape_mismatch);
  g_test_add_func ("/ops/reshape/gradient", test_reshape_gradient);
  g_test_add_func ("/ops/flatten/axes", test_flatten_axes);
  g_test_add_func ("/ops/flatten/gradient", test_flatten_gradient);
  g_test_add_func ("/ops/flatten/bad-axis-is-refused", test_flatten_bad_axis);
  g_test_add_func ("/ops/squeeze/attribute-and-input-forms", test_squeeze_opsets);
  g_test_add_func ("/ops/squeeze/non-unit-axis-is-refused", test_squeeze_non_unit_axis);
  g_test_add_func ("/ops/unsqueeze/attribute-and-input-forms", test_unsqueeze_opsets);
  g_test_add_func ("/ops/squeeze/gradient-with-unsqueeze", test_squeeze_unsqueeze_gradient);

  g_test_add_func ("/ops/transpose/matches-the-definition", test_transpose_matches_definition);
  g_test_add_func ("/ops/transpose/default-reverses", test_transpose_default_perm);
  g_test_add_func ("/ops/transpose/gradient", test_transpose_gradient);
  g_test_add_func ("/ops/transpose/bad-perm-is-refused", test_transpose_bad_perm);
  g_test_add_func ("/ops/depth-to-space/dcr-and-crd", test_depth_to_space_modes);
  g_test_add_func ("/ops/depth-to-space/bad-channels-are-refused", test_depth_to_space_bad_channels);
  g_test_add_func ("/ops/space-to-depth/values", test_space_to_depth_values);
  g_test_add_func ("/ops/space-to-depth/round-trip", test_space_depth_round_trip);
  g_test_add_func ("/ops/depth-to-space/gradient", test_depth_space_gradient);

  g_test_add_func ("/ops/concat/values", test_concat_values);
  g_test_add_func ("/ops/concat/int64", test_concat_int64);
  g_test_add_func ("/ops/concat/gradient-around-a-constant", test_concat_gradient);
  g_test_add_func ("/ops/concat/mismatch-is-refused", test_concat_mismatch);
  g_test_add_func ("/ops/split/attribute-input-and-num-outputs", test_split_opsets);
  g_test_add_func ("/ops/split/uneven-is-refused", test_split_uneven_is_refused);
  g_test_add_func ("/ops/split/gradient", test_split_gradient);

  g_test_add_func ("/ops/slice/basic", test_slice_basic);
  g_test_add_func ("/ops/slice/negative-step", test_slice_negative_step);
  g_test_add_func ("/ops/slice/clamped-ends", test_slice_clamped_ends);
  g_test_add_func ("/ops/slice/opset-9-attributes", test_slice_opset9_attributes);
  g_test_add_func ("/ops/slice/zero-step-is-refused", test_slice_zero_step);
  g_test_add_func ("/ops/slice/missing-inputs-are-refused", test_slice_missing_inputs);
  g_test_add_func ("/ops/slice/gradient", test_slice_gradient);

  g_test_add_func ("/ops/gather/negative-indices", test_gather_negative_indices);
  g_test_add_func ("/ops/gather/scalar-index-keeps-int32", test_gather_scalar_index_int32);
  g_test_add_func ("/ops/gather/out-of-range-is-refused", test_gather_out_of_range);
  g_test_add_func ("/ops/gather/gradient-accumulates-repeats", test_gather_gradient);
  g_test_add_func ("/ops/gather-elements/values", test_gather_elements_values);
  g_test_add_func ("/ops/gather-elements/errors", test_gather_elements_errors);
  g_test_add_func ("/ops/gather-elements/gradient", test_gather_elements_gradient);
  g_test_add_func ("/ops/scatter-nd/values", test_scatter_nd_values);
  g_test_add_func ("/ops/scatter-nd/errors", test_scatter_nd_errors);
  g_test_add_func ("/ops/scatter-nd/gradient", test_scatter_nd_gradient);
  g_test_add_func ("/ops/scatter-nd/duplicate-indices-last-wins", test_scatter_nd_duplicates_last_wins);

  g_test_add_func ("/ops/expand/values", test_expand_values);
  g_test_add_func ("/ops/expand/gradient", test_expand_gradient);
  g_test_add_func ("/ops/expand/errors", test_expand_errors);
  g_test_add_func ("/ops/tile/values", test_tile_values);
  g_test_add_func ("/ops/tile/gradient", test_tile_gradient);
  g_test_add_func ("/ops/tile/over-the-limit-is-refused", test_tile_over_limit);
  g_test_add_func ("/ops/pad/modes", test_pad_modes);
  g_test_add_func ("/ops/pad/negative-pads-crop", test_pad_negative_pads);
  g_test_add_func ("/ops/pad/attribute-input-and-axes-forms", test_pad_opsets);
  g_test_add_func ("/ops/pad/errors", test_pad_errors);
  g_test_add_func ("/ops/pad/gradient", test_pad_gradient);

  g_test_add_func ("/ops/shape/start-and-end", test_shape_start_end);
  g_test_add_func ("/ops/size/values", test_size_values);
  g_test_add_func ("/ops/range/values", test_range_values);
  g_test_add_func ("/ops/range/errors", test_range_errors);
  g_test_add_func ("/ops/constant-of-shape/values", test_constant_of_shape);
  g_test_add_func ("/ops/constant-of-shape/errors", test_constant_of_shape_errors);
  g_test_add_func ("/ops/constant/value-forms", test_constant_forms);

  g_test_add_func ("/ops/shape-chain/runs-on-int64-at-run-time", test_chain_at_run_time);
  g_test_add_func ("/ops/shape-chain/folds-at-load", test_chain_folded);
  g_test_add_func ("/ops/shape-chain/slice-of-shape-feeds-expand", test_chain_slice_of_shape);
  g_test_add_func ("/ops/backward/is-the-adjoint-of-forward", test_adjoint_random);
  return g_test_run ();
}
