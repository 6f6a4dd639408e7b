/* test-ops-einsum.c: Einsum against loops written out by hand for each
 * equation, and its gradient against central finite differences: matrix
 * products, MaxViT's attention equations (upper case, spaces), diagonals,
 * traces, sums, implicit outputs, broadcasting "...".
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "testutil.h"

#include <math.h>

#define GC_EPS 1e-3
#define GC_RTOL 1e-2
#define GC_ATOL 1e-3

static CxModel *
einsum_model (const char *equation, int n, const int64_t *const *shapes, const int *ndims,
              GError **error)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autoptr(GString) ins = g_string_new (NULL);

  for (int k = 0; k < n; k++)
    {
      g_autofree char *name = g_strdup_printf ("x%d", k);
      cx_test_graph_input (g, name, CX_ELEM_FLOAT, ndims[k], shapes[k]);
      g_string_append_printf (ins, "%s%s", k ? "," : "", name);
    }
  cx_test_graph_node (g, "Einsum", ins->str, "y");
  cx_test_graph_attr_string (g, "equation", equation);
  cx_test_graph_output (g, "y");
  return cx_test_graph_build (g, error);
}

static void
assert_near (const CxTensor *got, const double *want, int64_t n)
{
  g_assert_cmpint (got->numel, ==, n);
  for (int64_t i = 0; i < n; i++)
    g_assert_cmpfloat_with_epsilon (got->data.f[i], want[i], 1e-4 + 1e-4 * fabs (want[i]));
}

/* Runs @equation on random operands; @reference fills the expected output. */
typedef void (*Reference) (CxTensor *const *x, double *out);

static void
check (const char *equation, int n, const int64_t *const *shapes, const int *ndims,
       int out_ndim, const int64_t *out_shape, Reference reference)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(GError) error = NULL;
  g_autoptr(CxModel) m = einsum_model (equation, n, shapes, ndims, &error);
  g_autoptr(CxTensor) y = NULL;
  g_autofree double *want = NULL;
  CxTensor *x[4] = { NULL };
  int64_t numel = 1;

  g_assert_no_error (error);
  for (int k = 0; k < n; k++)
    x[k] = cx_test_uniform (rand, ndims[k], shapes[k], -1, 1);
  y = cx_test_run (m, x, 0);
  g_assert_cmpint (y->ndim, ==, out_ndim);
  for (int d = 0; d < out_ndim; d++)
    {
      g_assert_cmpint (y->shape[d], ==, out_shape[d]);
      numel *= out_shape[d];
    }
  want = g_new0 (double, MAX (numel, 1));
  reference (x, want);
  assert_near (y, want, numel);
  cx_test_gradcheck (m, x, GC_EPS, GC_RTOL, GC_ATOL, 60);
  for (int k = 0; k < n; k++)
    cx_tensor_free (x[k]);
}

#define F(t, i) ((double) (t)->data.f[i])

static void
ref_matmul (CxTensor *const *x, double *out)
{
  for (int i = 0; i < 3; i++)
    for (int k = 0; k < 5; k++)
      for (int j = 0; j < 4; j++)
        out[i * 5 + k] += F (x[0], i * 4 + j) * F (x[1], j * 5 + k);
}

static void
test_matmul (void)
{
  const int64_t a[] = { 3, 4 }, b[] = { 4, 5 }, y[] = { 3, 5 };
  check ("ij,jk->ik", 2, (const int64_t *[]) { a, b }, (int[]) { 2, 2 }, 2, y, ref_matmul);
  /* The same with the output implied: i and k occur once, in order. */
  check ("ij,jk", 2, (const int64_t *[]) { a, b }, (int[]) { 2, 2 }, 2, y, ref_matmul);
}

/* MaxViT's window attention, as PyTorch exports it. */
enum { B = 1, G = 2, H = 2, I = 3, J = 4, D = 5 };

static void
ref_scores (CxTensor *const *x, double *out)
{
  for (int b = 0; b < B * G * H; b++)
    for (int i = 0; i < I; i++)
      for (int j = 0; j < J; j++)
        for (int d = 0; d < D; d++)
          out[(b * I + i) * J + j] += F (x[0], (b * I + i) * D + d) * F (x[1], (b * J + j) * D + d);
}

static void
ref_mix (CxTensor *const *x, double *out)
{
  for (int b = 0; b < B * G * H; b++)
    for (int i = 0; i < I; i++)
      for (int d = 0; d < D; d++)
        for (int j = 0; j < J; j++)
          out[(b * I + i) * D + d] += F (x[0], (b * I + i) * J + j) * F (x[1], (b * J + j) * D + d);
}

static void
test_maxvit (void)
{
  const int64_t q[] = { B, G, H, I, D }, k[] = { B, G, H, J, D }, s[] = { B, G, H, I, J };
  const int64_t v[] = { B, G, H, J, D }, o[] = { B, G, H, I, D };
  check ("B G H I D, B G H J D -> B G H I J", 2, (const int64_t *[]) { q, k }, (int[]) { 5, 5 }, 5, s,
         ref_scores);
  check ("B G H I J, B G H J D -> B G H I D", 2, (const int64_t *[]) { s, v }, (int[]) { 5, 5 }, 5, o,
         ref_mix);
}

static void
ref_diagonal (CxTensor *const *x, double *out)
{
  for (int i = 0; i < 4; i++)
    out[i] = F (x[0], i * 4 + i);
}

static void
ref_trace (CxTensor *const *x, double *out)
{
  for (int i = 0; i < 4; i++)
    out[0] += F (x[0], i * 4 + i);
}

static void
ref_sum (CxTensor *const *x, double *out)
{
  for (int i = 0; i < 12; i++)
    out[0] += F (x[0], i);
}

static void
ref_transpose (CxTensor *const *x, double *out)
{
  /* "ba" implied: the output is "ab", the transpose. */
  for (int b = 0; b < 3; b++)
    for (int a = 0; a < 4; a++)
      out[a * 3 + b] = F (x[0], b * 4 + a);
}

static void
test_reductions (void)
{
  const int64_t sq[] = { 4, 4 }, m[] = { 3, 4 }, d[] = { 4 }, t[] = { 4, 3 };
  check ("ii->i", 1, (const int64_t *[]) { sq }, (int[]) { 2 }, 1, d, ref_diagonal);
  check ("ii", 1, (const int64_t *[]) { sq }, (int[]) { 2 }, 0, NULL, ref_trace);
  check ("ij->", 1, (const int64_t *[]) { m }, (int[]) { 2 }, 0, NULL, ref_sum);
  check ("ba", 1, (const int64_t *[]) { m }, (int[]) { 2 }, 2, t, ref_transpose);
}

/* a [2, 1, 3, 4] and b [5, 4, 2] over "...ij,...jk": the ellipsis axes
 * [2, 1] and [5] broadcast to [2, 5]; a's gradient sums over the 5. */
static void
ref_broadcast (CxTensor *const *x, double *out)
{
  for (int p = 0; p < 2; p++)
    for (int q = 0; q < 5; q++)
      for (int i = 0; i < 3; i++)
        for (int k = 0; k < 2; k++)
          for (int j = 0; j < 4; j++)
            out[((p * 5 + q) * 3 + i) * 2 + k] += F (x[0], (p * 3 + i) * 4 + j) * F (x[1], (q * 4 + j) * 2 + k);
}

static void
test_broadcast (void)
{
  const int64_t a[] = { 2, 1, 3, 4 }, b[] = { 5, 4, 2 }, y[] = { 2, 5, 3, 2 };
  check ("...ij,...jk->...ik", 2, (const int64_t *[]) { a, b }, (int[]) { 4, 3 }, 4, y, ref_broadcast);
  check ("...ij,...jk", 2, (const int64_t *[]) { a, b }, (int[]) { 4, 3 }, 4, y, ref_broadcast);
}

static void
test_errors (void)
{
  const int64_t a[] = { 3, 4 }, b[] = { 5, 5 };
  g_autoptr(GError) error = NULL;
  g_autoptr(CxModel) m = einsum_model ("ij,jk->iq", 2, (const int64_t *[]) { a, b }, (int[]) { 2, 2 },
                                       &error);
  g_autoptr(CxModel) ok = NULL;
  g_autoptr(CxExec) exec = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (1);
  CxTensor *x[2];

  g_assert_null (m);
  g_assert_error (error, CX_ERROR, CX_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "output label 'q' repeats or is not an input label"));
  g_clear_error (&error);

  ok = einsum_model ("ij,jk->ik", 2, (const int64_t *[]) { a, b }, (int[]) { 2, 2 }, &error);
  g_assert_no_error (error);
  x[0] = cx_test_uniform (rand, 2, a, -1, 1);
  x[1] = cx_test_uniform (rand, 2, b, -1, 1);
  exec = cx_exec_new (ok, 0);
  g_assert_false (cx_exec_forward (exec, x, FALSE, &error));
  g_assert_error (error, CX_ERROR, CX_ERROR_SHAPE);
  g_assert_nonnull (strstr (error->message, "operand 1: axis 0 has size 5 where the equation needs 4"));
  cx_tensor_free (x[0]);
  cx_tensor_free (x[1]);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/einsum/matmul", test_matmul);
  g_test_add_func ("/einsum/maxvit-attention", test_maxvit);
  g_test_add_func ("/einsum/diagonal-trace-sum-transpose", test_reductions);
  g_test_add_func ("/einsum/ellipsis-broadcast", test_broadcast);
  g_test_add_func ("/einsum/errors", test_errors);
  return g_test_run ();
}
