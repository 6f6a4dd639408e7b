/* convpool.h: a convolution, its Relu or Clip and a 2×2 stride-2 max
 * pool as one kernel (the block of LeNet- and VGG-like classifiers).
 *
 * The convolution's output never exists: the kernel writes the pooled
 * values and, per window, one byte saying which pixel won (Pool2Code).
 * The input gradient is then computed from the pool's output gradient
 * and those bytes, which is what MaxPool's, the activation's and the
 * convolution's backward passes would compute in three trips through the
 * convolution's output (exec.c decides when the three nodes run so).
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "../op.h"
#include "vec8.h"

#include <math.h>

G_BEGIN_DECLS

/* A window's byte: the pixel that won the max, 0 (top left), 1 (top
 * right), 2 (bottom left) or 3 (bottom right), as MaxPool's backward
 * picks it (the first maximum in that order); or CX_POOL2_NONE when no
 * gradient flows: no pixel won (all NaN), or the activation's derivative
 * is zero at the winner (clamped to lo, or to a finite hi). */
#define CX_POOL2_NONE 4

/* One 2-D convolution with stride 1, dilation 1 and one group, X [N,
 * Cin, H, W] to Y [N, Cout, OH, OW] (pixel (oy, ox) reads X's rows
 * oy − ph … oy − ph + kh − 1, columns likewise, zero outside), then
 * min (max (Y, lo), hi), then 2×2 windows at stride 2 (OH / 2 by OW / 2
 * of them, rounded down). */
typedef struct
{
  int64_t N, Cin, Cout, H, W, OH, OW, kh, kw, ph, pw;
  const float *bias;           /* [Cout] or NULL */
  float lo, hi;
} CxConvPool;

/* Whether the direct kernel below takes this shape: few taps per output
 * (Cin · kh · kw ≤ 32, the first layers of image classifiers). Larger
 * 3×3 layers go through winograd.c's pooled mode. */
gboolean cx_convpool_direct_applies (const CxConvPool *p);

/* pooled [N, Cout, OH/2, OW/2] and codes (same shape; may be NULL when no
 * backward follows). */
gboolean cx_convpool_direct_forward (CxRun *run, const CxConvPool *p, const float *x,
                                     const float *w, float *pooled, guint8 *codes,
                                     GError **error);

/* gx [N, Cin, H, W] (=, or += with !@set) the gradient of the pooled
 * output's gradient @gy through the pool, the activation and the
 * convolution. */
gboolean cx_convpool_direct_backward (CxRun *run, const CxConvPool *p, const float *w,
                                      const float *gy, const guint8 *codes, float *gx,
                                      gboolean set, GError **error);

/* The rule, on eight windows at once: pixels @a @b (top row), @c @d
 * (bottom row), already clamped to [lo, hi]. *@max gets MaxPool's value
 * (from −inf, a pixel counts when greater than the running max), *@code
 * the byte above. Relu's derivative is y > lo (hi = +inf), Clip's
 * lo < y < hi: with hi = +inf the two differ only at y = +inf. */
G_ALWAYS_INLINE static inline void
cx_pool2_by8 (const V8 *a, const V8 *b, const V8 *c, const V8 *d, float lo, float hi,
              V8 *max, M8 *code)
{
  const V8 ninf = V8_SPLAT (-INFINITY);
  const M8 none = { 4, 4, 4, 4, 4, 4, 4, 4 };
  M8 up, win, pass;
  V8 m;

  up = *a > ninf;
  m = V8_SELECT (up, *a, ninf);
  win = (up & (M8) { 0 }) | (~up & none);
  up = *b > m;
  m = V8_SELECT (up, *b, m);
  win = (up & (M8) { 1, 1, 1, 1, 1, 1, 1, 1 }) | (~up & win);
  up = *c > m;
  m = V8_SELECT (up, *c, m);
  win = (up & (M8) { 2, 2, 2, 2, 2, 2, 2, 2 }) | (~up & win);
  up = *d > m;
  m = V8_SELECT (up, *d, m);
  win = (up & (M8) { 3, 3, 3, 3, 3, 3, 3, 3 }) | (~up & win);
  pass = (m > V8_SPLAT (lo)) & ((m < V8_SPLAT (hi)) | (M8) (V8_SPLAT (hi) == V8_SPLAT (INFINITY)));
  *max = m;
  *code = (pass & win) | (~pass & none);
}

/* The eight codes of @code (one per lane) as eight bytes at @dst. */
G_ALWAYS_INLINE static inline void
cx_pool2_store_codes (const M8 *code, guint8 *dst)
{
  typedef guint8 U8x32 __attribute__ ((vector_size (32)));
  /* Each lane's low byte (the codes are 0 … 4). */
  const U8x32 low = __builtin_shuffle ((U8x32) *code,
                                       (U8x32) { 0, 4, 8, 12, 16, 20, 24, 28 });

  memcpy (dst, &low, 8);
}

/* Eight windows from @at: their gradients in *@g and codes in *@k, read
 * whole when @total (the windows in all) allows, else through copies
 * whose lanes past the end are zero (code 0: callers mask those lanes). */
G_ALWAYS_INLINE static inline void
cx_pool2_load8 (const float *gy, const guint8 *codes, int64_t at, int64_t total, V8 *g, M8 *k)
{
  typedef guint8 U8x8 __attribute__ ((vector_size (8)));
  U8x8 k8;

  if (at + 8 <= total)
    {
      memcpy (&k8, codes + at, 8);
      V8_LOAD (*g, gy + at);
    }
  else
    {
      guint8 kb[8] = { 0 };
      float gb[8] = { 0 };
      for (int64_t t = at; t < total; t++)
        {
          kb[t - at] = codes[t];
          gb[t - at] = gy[t];
        }
      memcpy (&k8, kb, 8);
      V8_LOAD (*g, gb);
    }
  *k = __builtin_convertvector (k8, M8);
}

/* Row @parity (0: the windows' top pixels, 1: their bottom ones) of the
 * gradient reaching the clamped convolution's output from @n windows:
 * each window's @gy at its winning pixel in that row, zero elsewhere.
 * Eight windows at a time: reads up to the next multiple of eight of
 * @gy's floats and @codes' bytes when @avail (how many can be read there)
 * allows, and writes 2·@n floats at @dst rounded up to a multiple of 16,
 * zeros past the 2·@n. */
G_ALWAYS_INLINE static inline void
cx_pool2_expand_row (const float *gy, const guint8 *codes, int64_t n, int64_t avail,
                     int parity, float *dst)
{
  const M8 left = { 2 * parity, 2 * parity, 2 * parity, 2 * parity,
                    2 * parity, 2 * parity, 2 * parity, 2 * parity };
  const M8 right = left + 1, lane = { 0, 1, 2, 3, 4, 5, 6, 7 };
  const V8 zero = { 0 };

  for (int64_t i = 0; i < n; i += 8)
    {
      const M8 valid = lane < (M8) { 0 } + (gint32) MIN (8, n - i);
      V8 g, l, r;
      M8 k;
      cx_pool2_load8 (gy, codes, i, avail, &g, &k);
      l = V8_SELECT (valid & (k == left), g, zero);
      r = V8_SELECT (valid & (k == right), g, zero);
      V8_STORE (dst + 2 * i, __builtin_shuffle (l, r, (M8) { 0, 8, 1, 9, 2, 10, 3, 11 }));
      V8_STORE (dst + 2 * i + 8, __builtin_shuffle (l, r, (M8) { 4, 12, 5, 13, 6, 14, 7, 15 }));
    }
}

G_END_DECLS
