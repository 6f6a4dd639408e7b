/* bench-conv.c: Conv forward and input-gradient throughput against plain
 * cblas_sgemm of the same FLOPs (not built by meson; not a test).
 *
 *   ninja -C build explain/libexplain.a tests/libtestutil.a
 *   cc -O2 -o /tmp/bench-conv tests/bench/bench-conv.c -Iexplain -Itests -Ibuild \
 *      -Ibuild/explain build/tests/libtestutil.a build/explain/libexplain.a \
 *      build/explain/libonnx-pb.a $(pkg-config --cflags --libs glib-2.0 gio-2.0 \
 *      json-glib-1.0 libprotobuf-c libpng cairo openblas) -lm
 *   /tmp/bench-conv            # the ResNet-like 3×3 case and a table of layers
 *   /tmp/bench-conv -q         # the 3×3 case only
 *   /tmp/bench-conv dw         # layers whose name contains "dw"
 *   BENCH_PROFILE=1 perf record /tmp/bench-conv dw   # conv passes only
 *
 * The headline case is N=50, C=64, 32×32, 3×3 pad 1 → 64 channels:
 * 2·N·M·OH·OW·C·9 = 3.77 GFLOP per pass. "sgemm" is one cblas_sgemm with
 * the conv's GEMM dimensions (M = Cout, N = N·OH·OW, K = C·9), i.e. the
 * upper bound for an im2col convolution; "peak" a square 2048 sgemm.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "testutil.h"

#include <cblas.h>
#include <stdio.h>
#include <string.h>

typedef struct
{
  const char *name;
  int64_t n, c, h, w, m, k, stride, pad, group;
} Layer;

static const Layer headline = { "resnet-3x3 (bench target)", 50, 64, 32, 32, 64, 3, 1, 1, 1 };

/* ResNet-18 and MobileNetV2 layers at 64×64 input, batch 50. */
static const Layer layers[] = {
  { "resnet conv1 7x7/2", 50, 3, 64, 64, 64, 7, 2, 3, 1 },
  { "resnet layer1 3x3", 50, 64, 16, 16, 64, 3, 1, 1, 1 },
  { "resnet layer2 3x3/2", 50, 64, 16, 16, 128, 3, 2, 1, 1 },
  { "resnet layer2 1x1/2", 50, 64, 16, 16, 128, 1, 2, 0, 1 },
  { "resnet layer2 3x3", 50, 128, 8, 8, 128, 3, 1, 1, 1 },
  { "resnet layer3 3x3", 50, 256, 4, 4, 256, 3, 1, 1, 1 },
  { "resnet layer4 3x3", 50, 512, 2, 2, 512, 3, 1, 1, 1 },
  { "mobilenet dw 3x3 c144", 50, 144, 16, 16, 144, 3, 1, 1, 144 },
  { "mobilenet dw 3x3/2 c144", 50, 144, 16, 16, 144, 3, 2, 1, 144 },
  { "mobilenet pw 24->144", 50, 24, 16, 16, 144, 1, 1, 0, 1 },
  { "mobilenet pw 960->160", 50, 960, 2, 2, 160, 1, 1, 0, 1 },
  { "single image 3x3 224", 1, 64, 224, 224, 64, 3, 1, 1, 1 },
};

static double
now (void)
{
  return g_get_monotonic_time () / 1e6;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

#define REPS 9

static gboolean profiling;

/* The best of the repetitions: the machine may be shared, and interference only adds. */
static double
best (double *t, int n)
{
  qsort (t, n, sizeof *t, cmp_double);
  return t[0];
}

static double
sgemm_seconds (int M, int N, int K)
{
  float *a = g_new (float, (gsize) M * K), *b = g_new (float, (gsize) K * N);
  float *c = g_new (float, (gsize) M * N);
  double t[REPS];

  for (gsize i = 0; i < (gsize) M * K; i++)
    a[i] = (float) (i % 7) * 0.1f;
  for (gsize i = 0; i < (gsize) K * N; i++)
    b[i] = (float) (i % 5) * 0.1f;
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1, a, K, b, N, 0, c, N);
  for (int r = 0; r < REPS; r++)
    {
      double t0 = now ();
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1, a, K, b, N, 0, c, N);
      t[r] = now () - t0;
    }
  g_free (a);
  g_free (b);
  g_free (c);
  return best (t, REPS);
}

static void
bench_layer (const Layer *l)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autoptr(GRand) rand = g_rand_new_with_seed (1);
  g_autoptr(GError) error = NULL;
  g_autoptr(CxModel) model = NULL;
  g_autoptr(CxExec) exec = NULL;
  g_autoptr(CxTensor) x = NULL;
  g_autoptr(CxTensor) w = NULL;
  g_autoptr(CxTensor) seed = NULL;
  int64_t xs[4] = { l->n, l->c, l->h, l->w };
  int64_t ws[4] = { l->m, l->c / l->group, l->k, l->k };
  int64_t strides[2] = { l->stride, l->stride }, pads[4] = { l->pad, l->pad, l->pad, l->pad };
  int64_t oh = (l->h + 2 * l->pad - l->k) / l->stride + 1;
  int64_t ow = (l->w + 2 * l->pad - l->k) / l->stride + 1;
  int64_t K = l->c / l->group * l->k * l->k;
  double flops = 2.0 * l->n * l->m * oh * ow * K;
  double tf[REPS], tb[REPS], fwd, bwd, gemm;

  x = cx_test_randn (rand, 4, xs);
  w = cx_test_randn (rand, 4, ws);
  cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 4, xs);
  cx_test_graph_const (g, "w", w);
  cx_test_graph_node (g, "Conv", "x,w", "y");
  cx_test_graph_attr_ints (g, "strides", 2, strides);
  cx_test_graph_attr_ints (g, "pads", 4, pads);
  if (l->group > 1)
    cx_test_graph_attr_int (g, "group", l->group);
  cx_test_graph_output (g, "y");
  model = cx_test_graph_build (g, &error);
  g_assert_no_error (error);
  exec = cx_exec_new (model, 0);

  /* Warm up (allocations, BLAS threads), then time. */
  g_assert_true (cx_exec_forward (exec, &x, TRUE, &error));
  seed = cx_test_randn (rand, 4, cx_exec_output (exec, 0)->shape);
  g_assert_true (cx_exec_backward (exec, 0, seed, &error));
  for (int r = 0; r < REPS; r++)
    {
      double t0 = now ();
      g_assert_true (cx_exec_forward (exec, &x, TRUE, &error));
      tf[r] = now () - t0;
      t0 = now ();
      g_assert_true (cx_exec_backward (exec, 0, seed, &error));
      tb[r] = now () - t0;
    }
  fwd = best (tf, REPS);
  bwd = best (tb, REPS);
  gemm = l->group == 1 && !profiling ? sgemm_seconds (l->m, l->n * oh * ow, K) : 0;
  printf ("%-28s %8.2f ms %7.1f GF/s | dX %8.2f ms %7.1f GF/s",
          l->name, fwd * 1e3, flops / fwd / 1e9, bwd * 1e3, flops / bwd / 1e9);
  if (gemm > 0)
    printf (" | sgemm %7.1f GF/s  fwd %3.0f %%  dX %3.0f %%\n", flops / gemm / 1e9,
            100 * gemm / fwd, 100 * gemm / bwd);
  else
    printf ("\n");
}

int
main (int argc, char *argv[])
{
  gboolean quick = argc > 1 && strcmp (argv[1], "-q") == 0;
  const char *filter = argc > 1 && !quick ? argv[1] : NULL;
  double peak;

  profiling = g_getenv ("BENCH_PROFILE") != NULL;
  peak = profiling ? 1.0 : sgemm_seconds (2048, 2048, 2048);
  printf ("sgemm peak (2048³): %.1f GF/s\n", 2.0 * 2048 * 2048 * 2048 / peak / 1e9);
  if (filter == NULL)
    bench_layer (&headline);
  if (!quick)
    for (gsize i = 0; i < G_N_ELEMENTS (layers); i++)
      if (filter == NULL || strstr (layers[i].name, filter) != NULL)
        bench_layer (&layers[i]);
  return 0;
}
