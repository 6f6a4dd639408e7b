/* convpool.c: the direct kernel of convpool.h, for convolutions with few
 * taps per output (Cin · kh · kw ≤ 32: a first layer on one or three
 * channels).
 *
 * Forward, per image and output channel: the image's planes, padded,
 * stay in cache; each pair of output rows is summed tap by tap in
 * registers, 32 pixels at a time, clamped, and pooled there. The
 * convolution's output is never stored.
 *
 * Backward, per image: for each output channel, the gradient its windows
 * send back (convpool.h) is spread into a zero-padded plane E in cache,
 * and each input channel's gradient gathers it through the kernel
 * rotated by 180°: dX[iy][ix] = Σ w[ky][kx] · E[iy + kh − 1 − ky][ix + kw − 1 − kx].
 *
 * Parts take whole images (forward: images and groups of channels), so
 * every value is summed in the same order whatever the number of threads.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "convpool.h"
#include "../parallel.h"

#include <math.h>
#include <string.h>

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(CANDOR_FUZZING)
#define CX_HOT __attribute__ ((target_clones ("arch=x86-64-v3", "default"), \
                               optimize ("fp-contract=fast")))
#else
#define CX_HOT
#endif

/* Taps per output at most (Cin · kh · kw). */
#define MAX_TAPS 32
/* Pixels of a row summed at once: four vectors. */
#define SPAN 32
/* Floats of one padded plane at most (the scratch stays in L2). */
#define MAX_PLANE (1 << 14)

/* acc += w · the eight floats at @src (named accumulators: GCC keeps
 * an array of them on the stack). */
#define CP_FMA(acc, w, src)                                               \
  do                                                                      \
    {                                                                     \
      V8 x_;                                                              \
      V8_LOAD (x_, (src));                                                \
      (acc) += (w) * x_;                                                  \
    }                                                                     \
  while (0)

/* act_clamp's formula (conv.c) on @acc, stored at @dst. */
#define CP_CLAMP_STORE(dst, acc)                                          \
  do                                                                      \
    {                                                                     \
      V8 y_ = V8_SELECT ((acc) < V8_SPLAT (p->lo), V8_SPLAT (p->lo), (acc)); \
      y_ = V8_SELECT (y_ > V8_SPLAT (p->hi), V8_SPLAT (p->hi), y_);       \
      V8_STORE ((dst), y_);                                               \
    }                                                                     \
  while (0)

/* Floats of a row of the padded planes: OW rounded up to SPAN, plus the
 * kernel's reach, plus slack for the last span's loads. */
static inline int64_t
padded_width (const CxConvPool *p)
{
  return (p->OW + SPAN - 1) / SPAN * SPAN + p->kw - 1 + 8;
}

gboolean
cx_convpool_direct_applies (const CxConvPool *p)
{
  /* Backward reads E through the rotated kernel, whose padding is
   * kh − 1 − ph: it must not be negative. */
  return p->Cin * p->kh * p->kw <= MAX_TAPS && p->OH >= 2 && p->OW >= 2 &&
         p->ph >= 0 && p->ph < p->kh && p->pw >= 0 && p->pw < p->kw &&
         (p->OH + p->kh) * padded_width (p) <= MAX_PLANE &&
         (p->H + p->kh) * ((p->W + SPAN - 1) / SPAN * SPAN + p->kw + 8) <= MAX_PLANE;
}

typedef struct
{
  const CxConvPool *p;
  const float *x, *w, *gy;
  float *pooled, *gx;
  guint8 *codes;
  const guint8 *codes_in;
  gboolean set;
  int64_t groups;              /* forward: groups of eight output channels */
  float *scratch;
  int64_t scratch_floats;
} CpJob;

/* Image @n's planes, zero-padded: row r, column q of plane c is X's
 * (r − ph, q − pw); (OH + kh − 1) rows of padded_width floats. */
static void
pad_image (const CxConvPool *p, const float *x, int64_t n, float *xp)
{
  const int64_t PW = padded_width (p), PH = p->OH + p->kh - 1;

  memset (xp, 0, sizeof (float) * p->Cin * PH * PW);
  for (int64_t c = 0; c < p->Cin; c++)
    for (int64_t r = 0; r < PH; r++)
      {
        const int64_t iy = r - p->ph;
        const int64_t from = MAX (0, p->pw) - p->pw, to = MIN (p->W, PW - p->pw);
        if (iy < 0 || iy >= p->H)
          continue;
        memcpy (xp + (c * PH + r) * PW + p->pw + from,
                x + ((n * p->Cin + c) * p->H + iy) * p->W + from,
                sizeof (float) * (to - from));
      }
}

/* One output channel's windows of one pair of rows: the pooled values
 * and codes of OW / 2 windows from two rows of SPAN-pixel sums. */
G_ALWAYS_INLINE static inline void
pool_rows (const CxConvPool *p, const float *r0, const float *r1, float *dst, guint8 *code)
{
  const int64_t OWp = p->OW / 2;

  for (int64_t i = 0; i < OWp; i += 8)
    {
      V8 lo, hi, a, b, c, d, m;
      M8 k;
      float mv[8];
      gint32 kv[8];
      V8_LOAD (lo, r0 + 2 * i);
      V8_LOAD (hi, r0 + 2 * i + 8);
      a = __builtin_shuffle (lo, hi, (M8) { 0, 2, 4, 6, 8, 10, 12, 14 });
      b = __builtin_shuffle (lo, hi, (M8) { 1, 3, 5, 7, 9, 11, 13, 15 });
      V8_LOAD (lo, r1 + 2 * i);
      V8_LOAD (hi, r1 + 2 * i + 8);
      c = __builtin_shuffle (lo, hi, (M8) { 0, 2, 4, 6, 8, 10, 12, 14 });
      d = __builtin_shuffle (lo, hi, (M8) { 1, 3, 5, 7, 9, 11, 13, 15 });
      cx_pool2_by8 (&a, &b, &c, &d, p->lo, p->hi, &m, &k);
      V8_STORE (mv, m);
      memcpy (kv, &k, sizeof kv);
      for (int l = 0; l < 8 && i + l < OWp; l++)
        {
          dst[i + l] = mv[l];
          if (code != NULL)
            code[i + l] = (guint8) kv[l];
        }
    }
}

CX_HOT static void
forward_part (gpointer data, int part, int nparts)
{
  const CpJob *j = data;
  const CxConvPool *p = j->p;
  const int64_t PW = padded_width (p), PH = p->OH + p->kh - 1, T = p->Cin * p->kh * p->kw;
  const int64_t OHp = p->OH / 2, OWp = p->OW / 2, spans = (p->OW + SPAN - 1) / SPAN;
  float *xp = j->scratch + part * j->scratch_floats;
  /* Two rows of sums, SPAN-wide spans side by side, and 16 floats of
   * slack for pool_rows' last loads. */
  float *rows = xp + p->Cin * PH * PW;
  const int64_t RW = spans * SPAN + 16;
  int64_t u0, u1, image = -1;
  int64_t off[MAX_TAPS];

  for (int64_t c = 0, t = 0; c < p->Cin; c++)
    for (int64_t ky = 0; ky < p->kh; ky++)
      for (int64_t kx = 0; kx < p->kw; kx++)
        off[t++] = (c * PH + ky) * PW + kx;
  memset (rows, 0, sizeof (float) * 2 * RW);
  cx_parallel_range (p->N * j->groups, part, nparts, 1, &u0, &u1);
  for (int64_t u = u0; u < u1; u++)
    {
      const int64_t n = u / j->groups, m0 = u % j->groups * 8, m1 = MIN (p->Cout, m0 + 8);
      if (n != image)
        {
          pad_image (p, j->x, n, xp);
          image = n;
        }
      for (int64_t m = m0; m < m1; m++)
        {
          const float *wm = j->w + m * T;
          const float bv = p->bias != NULL ? p->bias[m] : 0.0f;
          const int64_t out = (n * p->Cout + m) * OHp * OWp;
          for (int64_t oh = 0; oh < OHp; oh++)
            {
              for (int64_t s = 0; s < spans; s++)
                {
                  const float *base = xp + 2 * oh * PW + s * SPAN;
                  const V8 vb = V8_SPLAT (bv);
                  V8 a0 = vb, a1 = vb, a2 = vb, a3 = vb, b0 = vb, b1 = vb, b2 = vb, b3 = vb;
                  for (int64_t t = 0; t < T; t++)
                    {
                      const V8 wv = V8_SPLAT (wm[t]);
                      const float *src = base + off[t];
                      CP_FMA (a0, wv, src);
                      CP_FMA (a1, wv, src + 8);
                      CP_FMA (a2, wv, src + 16);
                      CP_FMA (a3, wv, src + 24);
                      CP_FMA (b0, wv, src + PW);
                      CP_FMA (b1, wv, src + PW + 8);
                      CP_FMA (b2, wv, src + PW + 16);
                      CP_FMA (b3, wv, src + PW + 24);
                    }
                  {
                    float *r0 = rows + s * SPAN, *r1 = r0 + RW;
                    CP_CLAMP_STORE (r0, a0);
                    CP_CLAMP_STORE (r0 + 8, a1);
                    CP_CLAMP_STORE (r0 + 16, a2);
                    CP_CLAMP_STORE (r0 + 24, a3);
                    CP_CLAMP_STORE (r1, b0);
                    CP_CLAMP_STORE (r1 + 8, b1);
                    CP_CLAMP_STORE (r1 + 16, b2);
                    CP_CLAMP_STORE (r1 + 24, b3);
                  }
                }
              pool_rows (p, rows, rows + RW, j->pooled + out + oh * OWp,
                         j->codes != NULL ? j->codes + out + oh * OWp : NULL);
            }
        }
    }
}

gboolean
cx_convpool_direct_forward (CxRun *run, const CxConvPool *p, const float *x, const float *w,
                            float *pooled, guint8 *codes, GError **error)
{
  const int64_t spans = (p->OW + SPAN - 1) / SPAN;
  CpJob j = { .p = p, .x = x, .w = w, .pooled = pooled, .codes = codes };
  int nparts;

  j.groups = (p->Cout + 7) / 8;
  nparts = MAX (1, MIN (cx_parallel_parts (p->N * p->Cout * p->OH * p->OW * p->kh * p->kw *
                                           p->Cin),
                        p->N * j.groups));
  j.scratch_floats = p->Cin * (p->OH + p->kh - 1) * padded_width (p) + 2 * (spans * SPAN + 16);
  j.scratch = cx_run_scratch (run, 0, sizeof (float) * j.scratch_floats * nparts, error);
  if (j.scratch == NULL)
    return FALSE;
  cx_parallel_run (forward_part, &j, nparts);
  return TRUE;
}

/* Backward's planes: E, (H + kh − 1) rows of ew floats; the input
 * gradients being summed, Cin planes of H rows of dw floats. */
static inline int64_t
e_width (const CxConvPool *p)
{
  return (p->W + SPAN - 1) / SPAN * SPAN + p->kw - 1 + 8;
}

static inline int64_t
d_width (const CxConvPool *p)
{
  return (p->W + SPAN - 1) / SPAN * SPAN;
}

CX_HOT static void
backward_part (gpointer data, int part, int nparts)
{
  const CpJob *j = data;
  const CxConvPool *p = j->p;
  const int64_t EW = e_width (p), EH = p->H + p->kh - 1, DW = d_width (p), spans = DW / SPAN;
  const int64_t OHp = p->OH / 2, OWp = p->OW / 2, taps = p->kh * p->kw;
  /* E's row and column of the gradient's pixel (0, 0). */
  const int64_t qh = p->kh - 1 - p->ph, qw = p->kw - 1 - p->pw;
  float *e = j->scratch + part * j->scratch_floats, *d = e + EH * EW;
  int64_t n0, n1;
  int64_t off[MAX_TAPS];

  /* Tap (ky, kx) reads E at (iy + kh − 1 − ky, ix + kw − 1 − kx). */
  for (int64_t ky = 0, t = 0; ky < p->kh; ky++)
    for (int64_t kx = 0; kx < p->kw; kx++)
      off[t++] = (p->kh - 1 - ky) * EW + (p->kw - 1 - kx);
  /* Only the windows' rows are ever written, with zeros past their
   * pixels (cx_pool2_expand_row): the margins, and rows no window covers,
   * stay zero. */
  memset (e, 0, sizeof (float) * EH * EW);
  cx_parallel_range (p->N, part, nparts, 1, &n0, &n1);
  for (int64_t n = n0; n < n1; n++)
    {
      memset (d, 0, sizeof (float) * p->Cin * p->H * DW);
      for (int64_t m = 0; m < p->Cout; m++)
        {
          const int64_t win = (n * p->Cout + m) * OHp * OWp;
          for (int64_t oh = 0; oh < OHp; oh++)
            for (int r = 0; r < 2; r++)
              {
                const int64_t oy = 2 * oh + r;
                /* Rows of E past the image are dropped (odd padding). */
                if (oy + qh < EH)
                  cx_pool2_expand_row (j->gy + win + oh * OWp, j->codes_in + win + oh * OWp,
                                       OWp, p->N * p->Cout * OHp * OWp - win - oh * OWp, r,
                                       e + (oy + qh) * EW + qw);
              }
          for (int64_t c = 0; c < p->Cin; c++)
            {
              const float *wc = j->w + (m * p->Cin + c) * taps;
              for (int64_t iy = 0; iy < p->H; iy++)
                for (int64_t s = 0; s < spans; s++)
                  {
                    float *dst = d + (c * p->H + iy) * DW + s * SPAN;
                    const float *src = e + iy * EW + s * SPAN;
                    V8 a0, a1, a2, a3;
                    V8_LOAD (a0, dst);
                    V8_LOAD (a1, dst + 8);
                    V8_LOAD (a2, dst + 16);
                    V8_LOAD (a3, dst + 24);
                    for (int64_t t = 0; t < taps; t++)
                      {
                        const V8 wv = V8_SPLAT (wc[t]);
                        CP_FMA (a0, wv, src + off[t]);
                        CP_FMA (a1, wv, src + off[t] + 8);
                        CP_FMA (a2, wv, src + off[t] + 16);
                        CP_FMA (a3, wv, src + off[t] + 24);
                      }
                    V8_STORE (dst, a0);
                    V8_STORE (dst + 8, a1);
                    V8_STORE (dst + 16, a2);
                    V8_STORE (dst + 24, a3);
                  }
            }
        }
      for (int64_t c = 0; c < p->Cin; c++)
        for (int64_t iy = 0; iy < p->H; iy++)
          {
            const float *src = d + (c * p->H + iy) * DW;
            float *dst = j->gx + ((n * p->Cin + c) * p->H + iy) * p->W;
            if (j->set)
              memcpy (dst, src, sizeof (float) * p->W);
            else
              for (int64_t i = 0; i < p->W; i++)
                dst[i] += src[i];
          }
    }
}

gboolean
cx_convpool_direct_backward (CxRun *run, const CxConvPool *p, const float *w, const float *gy,
                             const guint8 *codes, float *gx, gboolean set, GError **error)
{
  CpJob j = { .p = p, .w = w, .gy = gy, .codes_in = codes, .gx = gx, .set = set };
  int nparts;

  nparts = MAX (1, MIN (cx_parallel_parts (p->N * p->Cout * p->H * p->W * p->kh * p->kw *
                                           p->Cin),
                        p->N));
  j.scratch_floats = (p->H + p->kh - 1) * e_width (p) + p->Cin * p->H * d_width (p);
  j.scratch = cx_run_scratch (run, 0, sizeof (float) * j.scratch_floats * nparts, error);
  if (j.scratch == NULL)
    return FALSE;
  cx_parallel_run (backward_part, &j, nparts);
  return TRUE;
}
