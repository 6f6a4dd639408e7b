/* bench-conv.c: Conv forward and input-gradient throughput against plain
 * cblas_sgemm of the same FLOPs (not built by meson; not a test).
 *
 *   ninja -C build explain/libexplain.a tests/libtestutil.a
 *   cc -O2 -o /tmp/bench-conv tests/bench/bench-conv.c -Iexplain -Itests -Ibuild \
 *      -Ibuild/explain build/tests/libtestutil.a build/explain/libexplain.a \
 *      build/explain/libonnx-pb.a $(pkg-config --cflags --libs glib-2.0 gio-2.0 \
 *      json-glib-1.0 libprotobuf-c libpng cairo openblas nettle) -lm
 *   /tmp/bench-conv            # the ResNet-like 3×3 case and a table of layers
 *   /tmp/bench-conv -q         # the 3×3 case only
 *   /tmp/bench-conv dw         # layers whose name contains "dw"
 *   /tmp/bench-conv resnet18   # every conv of ResNet-18 (or mobilenet_v2) at 64×64,
 *                              # with the model's total conv time
 *   /tmp/bench-conv resnet18 2x2   # its layers whose name contains "2x2"
 *   BENCH_PROFILE=1 perf record /tmp/bench-conv dw   # conv passes only
 *
 * The headline case is N=50, C=64, 32×32, 3×3 pad 1 → 64 channels:
 * 2·N·M·OH·OW·C·9 = 3.77 GFLOP per pass. "sgemm" is one cblas_sgemm with
 * the conv's GEMM dimensions (M = Cout, N = N·OH·OW, K = C·9), i.e. the
 * upper bound for an im2col convolution; "peak" a square 2048 sgemm.
 * Times are the best of 9 runs; "cpu" is the CPU time of all threads (a
 * figure that holds up when another process shares the cores). "dX" is
 * the executor's whole reverse pass of the one-node graph (seed copy,
 * zeroed gradient, the kernel).
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "testutil.h"

#include <cblas.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

typedef struct
{
  const char *name;
  int64_t n, c, h, w, m, k, stride, pad, group;
  int count;           /* times the layer occurs in its model (model tables) */
} Layer;

static const Layer headline = { "resnet-3x3 (bench target)", 50, 64, 32, 32, 64, 3, 1, 1, 1, 1 };

/* Every convolution of ResNet-18 and MobileNetV2 at 64×64, batch 50, with
 * its multiplicity (torchvision's graphs as exported by tests/bench). */
static const Layer resnet18[] = {
  { "conv1 c3->64 64x64 k7/2", 50, 3, 64, 64, 64, 7, 2, 3, 1, 1 },
  { "c64->64 16x16 k3", 50, 64, 16, 16, 64, 3, 1, 1, 1, 4 },
  { "c64->128 16x16 k3/2", 50, 64, 16, 16, 128, 3, 2, 1, 1, 1 },
  { "c64->128 16x16 k1/2", 50, 64, 16, 16, 128, 1, 2, 0, 1, 1 },
  { "c128->128 8x8 k3", 50, 128, 8, 8, 128, 3, 1, 1, 1, 3 },
  { "c128->256 8x8 k3/2", 50, 128, 8, 8, 256, 3, 2, 1, 1, 1 },
  { "c128->256 8x8 k1/2", 50, 128, 8, 8, 256, 1, 2, 0, 1, 1 },
  { "c256->256 4x4 k3", 50, 256, 4, 4, 256, 3, 1, 1, 1, 3 },
  { "c256->512 4x4 k3/2", 50, 256, 4, 4, 512, 3, 2, 1, 1, 1 },
  { "c256->512 4x4 k1/2", 50, 256, 4, 4, 512, 1, 2, 0, 1, 1 },
  { "c512->512 2x2 k3", 50, 512, 2, 2, 512, 3, 1, 1, 1, 3 },
};

static const Layer mobilenet_v2[] = {
  { "conv c3->32 64x64 k3/2", 50, 3, 64, 64, 32, 3, 2, 1, 1, 1 },
  { "dw c32 32x32", 50, 32, 32, 32, 32, 3, 1, 1, 32, 1 },
  { "pw c32->16 32x32", 50, 32, 32, 32, 16, 1, 1, 0, 1, 1 },
  { "pw c16->96 32x32", 50, 16, 32, 32, 96, 1, 1, 0, 1, 1 },
  { "dw c96 32x32 /2", 50, 96, 32, 32, 96, 3, 2, 1, 96, 1 },
  { "pw c96->24 16x16", 50, 96, 16, 16, 24, 1, 1, 0, 1, 1 },
  { "pw c24->144 16x16", 50, 24, 16, 16, 144, 1, 1, 0, 1, 2 },
  { "dw c144 16x16", 50, 144, 16, 16, 144, 3, 1, 1, 144, 1 },
  { "pw c144->24 16x16", 50, 144, 16, 16, 24, 1, 1, 0, 1, 1 },
  { "dw c144 16x16 /2", 50, 144, 16, 16, 144, 3, 2, 1, 144, 1 },
  { "pw c144->32 8x8", 50, 144, 8, 8, 32, 1, 1, 0, 1, 1 },
  { "pw c32->192 8x8", 50, 32, 8, 8, 192, 1, 1, 0, 1, 3 },
  { "dw c192 8x8", 50, 192, 8, 8, 192, 3, 1, 1, 192, 2 },
  { "pw c192->32 8x8", 50, 192, 8, 8, 32, 1, 1, 0, 1, 2 },
  { "dw c192 8x8 /2", 50, 192, 8, 8, 192, 3, 2, 1, 192, 1 },
  { "pw c192->64 4x4", 50, 192, 4, 4, 64, 1, 1, 0, 1, 1 },
  { "pw c64->384 4x4", 50, 64, 4, 4, 384, 1, 1, 0, 1, 4 },
  { "dw c384 4x4", 50, 384, 4, 4, 384, 3, 1, 1, 384, 4 },
  { "pw c384->64 4x4", 50, 384, 4, 4, 64, 1, 1, 0, 1, 3 },
  { "pw c384->96 4x4", 50, 384, 4, 4, 96, 1, 1, 0, 1, 1 },
  { "pw c96->576 4x4", 50, 96, 4, 4, 576, 1, 1, 0, 1, 3 },
  { "dw c576 4x4", 50, 576, 4, 4, 576, 3, 1, 1, 576, 2 },
  { "pw c576->96 4x4", 50, 576, 4, 4, 96, 1, 1, 0, 1, 2 },
  { "dw c576 4x4 /2", 50, 576, 4, 4, 576, 3, 2, 1, 576, 1 },
  { "pw c576->160 2x2", 50, 576, 2, 2, 160, 1, 1, 0, 1, 1 },
  { "pw c160->960 2x2", 50, 160, 2, 2, 960, 1, 1, 0, 1, 3 },
  { "dw c960 2x2", 50, 960, 2, 2, 960, 3, 1, 1, 960, 3 },
  { "pw c960->160 2x2", 50, 960, 2, 2, 160, 1, 1, 0, 1, 2 },
  { "pw c960->320 2x2", 50, 960, 2, 2, 320, 1, 1, 0, 1, 1 },
  { "pw c320->1280 2x2", 50, 320, 2, 2, 1280, 1, 1, 0, 1, 1 },
};

/* ResNet-18 and MobileNetV2 layers at 64×64 input, batch 50. */
static const Layer layers[] = {
  { "resnet conv1 7x7/2", 50, 3, 64, 64, 64, 7, 2, 3, 1, 1 },
  { "resnet layer1 3x3", 50, 64, 16, 16, 64, 3, 1, 1, 1, 1 },
  { "resnet layer2 3x3/2", 50, 64, 16, 16, 128, 3, 2, 1, 1, 1 },
  { "resnet layer2 1x1/2", 50, 64, 16, 16, 128, 1, 2, 0, 1, 1 },
  { "resnet layer2 3x3", 50, 128, 8, 8, 128, 3, 1, 1, 1, 1 },
  { "resnet layer3 3x3", 50, 256, 4, 4, 256, 3, 1, 1, 1, 1 },
  { "resnet layer4 3x3", 50, 512, 2, 2, 512, 3, 1, 1, 1, 1 },
  { "mobilenet dw 3x3 c32 32x32", 50, 32, 32, 32, 32, 3, 1, 1, 32, 1 },
  { "mobilenet dw 3x3/2 c96 32x32", 50, 96, 32, 32, 96, 3, 2, 1, 96, 1 },
  { "mobilenet dw 3x3 c144", 50, 144, 16, 16, 144, 3, 1, 1, 144, 1 },
  { "mobilenet dw 3x3/2 c144", 50, 144, 16, 16, 144, 3, 2, 1, 144, 1 },
  { "mobilenet dw 3x3 c192 8x8", 50, 192, 8, 8, 192, 3, 1, 1, 192, 1 },
  { "mobilenet dw 3x3 c576 4x4", 50, 576, 4, 4, 576, 3, 1, 1, 576, 1 },
  { "mobilenet dw 3x3 c960 2x2", 50, 960, 2, 2, 960, 3, 1, 1, 960, 1 },
  { "mobilenet pw 24->144", 50, 24, 16, 16, 144, 1, 1, 0, 1, 1 },
  { "mobilenet pw 960->160", 50, 960, 2, 2, 160, 1, 1, 0, 1, 1 },
  { "single image 3x3 224", 1, 64, 224, 224, 64, 3, 1, 1, 1, 1 },
};

static double
now (void)
{
  return g_get_monotonic_time () / 1e6;
}

/* CPU seconds of all threads: a measure of work that holds up on a busy machine. */
static double
cpu_now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
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
bench_layer (const Layer *l, gboolean bias, double *t_fwd, double *t_bwd)
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
  double tf[REPS], tb[REPS], cf[REPS], cb[REPS], fwd, bwd, gemm;

  x = cx_test_randn (rand, 4, xs);
  w = cx_test_randn (rand, 4, ws);
  cx_test_graph_input (g, "x", CX_ELEM_FLOAT, 4, xs);
  cx_test_graph_const (g, "w", w);
  if (bias)
    {
      int64_t bs[1] = { l->m };
      g_autoptr(CxTensor) b = cx_test_randn (rand, 1, bs);
      cx_test_graph_const (g, "b", b);
    }
  cx_test_graph_node (g, "Conv", bias ? "x,w,b" : "x,w", "y");
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
      double t0 = now (), c0 = cpu_now ();
      g_assert_true (cx_exec_forward (exec, &x, TRUE, &error));
      tf[r] = now () - t0;
      cf[r] = cpu_now () - c0;
      t0 = now ();
      c0 = cpu_now ();
      g_assert_true (cx_exec_backward (exec, 0, seed, &error));
      tb[r] = now () - t0;
      cb[r] = cpu_now () - c0;
    }
  fwd = best (tf, REPS);
  bwd = best (tb, REPS);
  gemm = l->group == 1 && !profiling ? sgemm_seconds (l->m, l->n * oh * ow, K) : 0;
  printf ("%-28s %8.2f ms %7.1f GF/s (cpu %6.2f ms) | dX %8.2f ms %7.1f GF/s (cpu %6.2f ms)",
          l->name, fwd * 1e3, flops / fwd / 1e9, best (cf, REPS) * 1e3, bwd * 1e3,
          flops / bwd / 1e9, best (cb, REPS) * 1e3);
  if (gemm > 0)
    printf (" | sgemm %7.1f GF/s  fwd %3.0f %%  dX %3.0f %%\n", flops / gemm / 1e9,
            100 * gemm / fwd, 100 * gemm / bwd);
  else
    printf ("\n");
  if (t_fwd != NULL)
    *t_fwd = fwd;
  if (t_bwd != NULL)
    *t_bwd = bwd;
}

/* A model's convolutions: each layer once, then the totals weighted by count. */
static void
bench_model (const char *name, const Layer *table, gsize n, const char *only)
{
  double fwd = 0, bwd = 0, flops = 0;

  printf ("%s, every convolution (with bias), batch 50:\n", name);
  for (gsize i = 0; i < n; i++)
    {
      const Layer *l = &table[i];
      if (only != NULL && strstr (l->name, only) == NULL)
        continue;
      int64_t oh = (l->h + 2 * l->pad - l->k) / l->stride + 1;
      int64_t ow = (l->w + 2 * l->pad - l->k) / l->stride + 1;
      double f, b;
      bench_layer (l, TRUE, &f, &b);
      fwd += l->count * f;
      bwd += l->count * b;
      flops += l->count * 2.0 * l->n * l->m * oh * ow * (l->c / l->group) * l->k * l->k;
    }
  printf ("%s total: %.2f GFLOP; forward %.2f ms (%.1f GF/s), input gradient %.2f ms "
          "(%.1f GF/s)\n", name, flops / 1e9, fwd * 1e3, flops / fwd / 1e9, bwd * 1e3,
          flops / bwd / 1e9);
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
  if (filter != NULL && strcmp (filter, "resnet18") == 0)
    {
      bench_model ("resnet18", resnet18, G_N_ELEMENTS (resnet18), argc > 2 ? argv[2] : NULL);
      return 0;
    }
  if (filter != NULL && strcmp (filter, "mobilenet_v2") == 0)
    {
      bench_model ("mobilenet_v2", mobilenet_v2, G_N_ELEMENTS (mobilenet_v2),
                   argc > 2 ? argv[2] : NULL);
      return 0;
    }
  if (filter == NULL)
    bench_layer (&headline, FALSE, NULL, NULL);
  if (!quick)
    for (gsize i = 0; i < G_N_ELEMENTS (layers); i++)
      if (filter == NULL || strstr (layers[i].name, filter) != NULL)
        bench_layer (&layers[i], FALSE, NULL, NULL);
  return 0;
}
