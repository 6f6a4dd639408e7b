/* convpool.c: the direct kernel of convpool.h, for convolutions with few
 * taps per output (Cin · kh · kw ≤ 32: a first layer on one or three
 * channels).
 *
 * Both directions work on "phase planes": a plane split into its even
 * and odd columns (forward: the padded input's; backward: the windows'
 * gradients by winning pixel), so that a window's four pixels come out
 * of the sums in four separate vectors, eight windows to a vector, with
 * no shuffles, and each load serves several taps.
 *
 * Forward, per image and output channel, per row of windows: the top
 * and bottom rows' even and odd outputs are summed in registers from
 * the kh + 1 input rows they read, clamped and pooled (cx_pool2_by8).
 * The convolution's output is never stored.
 *
 * Backward, per image: for each output channel the windows' gradients
 * are dealt into four planes G_k by winning pixel k (zero elsewhere);
 * the input gradient, split into its four (row, column) parity phases,
 * gathers them through the kernel: phase (py, px) at (i, j) is
 * Σ w[ky][kx] · G_k[i + δy][j + δx], where k, δy and δx follow from the
 * parities and the tap. Then the phases are interleaved into rows.
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

/* Taps per output at most (Cin · kh · kw), and kernel sides. */
#define MAX_TAPS 32
#define MAX_SIDE 7
/* Floats of one image's phase planes at most: 1 MiB per thread, which
 * takes a 224 × 224 RGB image (VGG-11's first block, measured with
 * candor-cli saliency: forward 7.9 + 1.6 ms pool → 5.2 ms; the recorded
 * pass and backward 8.6–9.6 → 6.3 ms). */
#define MAX_PLANES (1 << 18)

/* acc += w · the eight floats at @src. */
#define CP_FMA(acc, w, src)                                               \
  do                                                                      \
    {                                                                     \
      V8 x_;                                                              \
      V8_LOAD (x_, (src));                                                \
      (acc) += (w) * x_;                                                  \
    }                                                                     \
  while (0)

/* act_clamp's formula (conv.c). */
#define CP_CLAMP(acc)                                                     \
  do                                                                      \
    {                                                                     \
      (acc) = V8_SELECT ((acc) < V8_SPLAT (p->lo), V8_SPLAT (p->lo), (acc)); \
      (acc) = V8_SELECT ((acc) > V8_SPLAT (p->hi), V8_SPLAT (p->hi), (acc)); \
    }                                                                     \
  while (0)

/* Sixteen windows (two blocks of eight) at a time, forward and back. */
static inline int64_t
pairs_of_blocks (int64_t n)
{
  return (n + 15) / 16;
}

/* Forward phase planes: (OH + kh − 1) rows per channel and phase, each
 * 16 · pairs + kw / 2 + 1 floats (the blocks' loads reach kw / 2 past). */
static inline int64_t
fwd_width (const CxConvPool *p)
{
  return 16 * pairs_of_blocks (p->OW / 2) + p->kw / 2 + 1;
}

static inline int64_t
fwd_floats (const CxConvPool *p)
{
  return 2 * p->Cin * (p->OH + p->kh - 1) * fwd_width (p);
}

/* Backward geometry: the input gradient's phases are Hh × Wh (blocks of
 * 16 columns); G_k has margins my0 above, mx0 left (and as much again
 * below and right), for the shifts δ the taps reach. */
typedef struct
{
  int64_t Hh, Wh, gw, gh, my0, mx0, dw;
} BackGeom;

/* floor (a / 2) for any sign. */
static inline int64_t
half_floor (int64_t a)
{
  return a >= 0 ? a / 2 : -((1 - a) / 2);
}

static void
back_geometry (const CxConvPool *p, BackGeom *b)
{
  b->Hh = (p->H + 1) / 2;
  b->Wh = (p->W + 1) / 2;
  /* δ = floor ((parity + pad − tap) / 2) over parities and taps. */
  b->my0 = -half_floor (p->ph - (p->kh - 1));
  b->mx0 = -half_floor (p->pw - (p->kw - 1));
  b->dw = 16 * pairs_of_blocks (b->Wh);
  b->gh = MAX (p->OH / 2, b->Hh) + 2 * b->my0 + 2 + half_floor (1 + p->ph);
  b->gw = MAX (b->dw, 16 * pairs_of_blocks (p->OW / 2)) + 2 * b->mx0 + 2 + half_floor (1 + p->pw);
}

static inline int64_t
back_floats (const CxConvPool *p, const BackGeom *b)
{
  /* Four G planes, four phases per input channel, a row of 2 · dw. */
  return 4 * b->gh * b->gw + 4 * p->Cin * b->Hh * b->dw + 2 * b->dw;
}

gboolean
cx_convpool_direct_applies (const CxConvPool *p)
{
  BackGeom b;

  if (p->Cin * p->kh * p->kw > MAX_TAPS || p->kh > MAX_SIDE || p->kw > MAX_SIDE ||
      p->OH < 2 || p->OW < 2 || p->ph < 0 || p->pw < 0 || p->ph >= p->kh || p->pw >= p->kw)
    return FALSE;
  back_geometry (p, &b);
  return fwd_floats (p) <= MAX_PLANES && back_floats (p, &b) <= MAX_PLANES;
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

/* Image @n's forward phase planes: plane (c, q) row r, column j holds the
 * padded input's (r, 2j + q), that is X's (r − ph, 2j + q − pw), zero
 * outside X. */
static void
phase_image (const CxConvPool *p, const float *x, int64_t n, float *ph)
{
  const int64_t PH = p->OH + p->kh - 1, FW = fwd_width (p);

  for (int64_t c = 0; c < p->Cin; c++)
    for (int q = 0; q < 2; q++)
      for (int64_t r = 0; r < PH; r++)
        {
          const int64_t iy = r - p->ph;
          float *dst = ph + ((c * 2 + q) * PH + r) * FW;
          if (iy < 0 || iy >= p->H)
            {
              memset (dst, 0, sizeof (float) * FW);
              continue;
            }
          for (int64_t j = 0; j < FW; j++)
            {
              const int64_t ix = 2 * j + q - p->pw;
              dst[j] = ix >= 0 && ix < p->W ? x[((n * p->Cin + c) * p->H + iy) * p->W + ix] : 0.0f;
            }
        }
}

/* Pooled values and codes of windows [w0, w0 + 8) of a row (@n of them
 * in all) from their four pixels' clamped sums; a whole block while it
 * ends before @end (rows this part writes later), else lane by lane. */
G_ALWAYS_INLINE static inline void
put_windows (const CxConvPool *p, const V8 *a, const V8 *b, const V8 *c, const V8 *d,
             int64_t w0, int64_t n, float *dst, guint8 *code, const float *end)
{
  V8 m;
  M8 k;

  if (w0 >= n)
    return;
  cx_pool2_by8 (a, b, c, d, p->lo, p->hi, &m, &k);
  if (dst + w0 + 8 <= end)
    {
      V8_STORE (dst + w0, m);
      if (code != NULL)
        cx_pool2_store_codes (&k, code + w0);
    }
  else
    {
      float mv[8];
      gint32 kv[8];
      V8_STORE (mv, m);
      memcpy (kv, &k, sizeof kv);
      for (int l = 0; l < 8 && w0 + l < n; l++)
        {
          dst[w0 + l] = mv[l];
          if (code != NULL)
            code[w0 + l] = (guint8) kv[l];
        }
    }
}

CX_HOT static void
forward_part (gpointer data, int part, int nparts)
{
  const CpJob *j = data;
  const CxConvPool *p = j->p;
  const int64_t PH = p->OH + p->kh - 1, FW = fwd_width (p), taps = p->kh * p->kw;
  const int64_t OHp = p->OH / 2, OWp = p->OW / 2, pairs = pairs_of_blocks (OWp);
  const int64_t T = p->Cin * taps;
  float *planes = j->scratch + part * j->scratch_floats;
  int64_t u0, u1, image = -1;
  /* Tap (c, ky, kx) of the even outputs of the top row reads phase
   * kx % 2 of plane c at row ky, from column kx / 2; of the odd ones,
   * phase (kx + 1) % 2 from column (kx + 1) / 2; the bottom row, one
   * row down. */
  int64_t even[MAX_TAPS], odd[MAX_TAPS];

  for (int64_t c = 0, t = 0; c < p->Cin; c++)
    for (int64_t ky = 0; ky < p->kh; ky++)
      for (int64_t kx = 0; kx < p->kw; kx++, t++)
        {
          even[t] = ((c * 2 + kx % 2) * PH + ky) * FW + kx / 2;
          odd[t] = ((c * 2 + (kx + 1) % 2) * PH + ky) * FW + (kx + 1) / 2;
        }

  cx_parallel_range (p->N * j->groups, part, nparts, 1, &u0, &u1);
  for (int64_t u = u0; u < u1; u++)
    {
      const int64_t n = u / j->groups, m0 = u % j->groups * 8, m1 = MIN (p->Cout, m0 + 8);
      /* This unit's planes end here. */
      const float *end = j->pooled + (n * p->Cout + m1) * OHp * OWp;
      if (n != image)
        {
          phase_image (p, j->x, n, planes);
          image = n;
        }
      for (int64_t m = m0; m < m1; m++)
        {
          const float *wm = j->w + m * p->Cin * taps;
          const V8 vb = V8_SPLAT (p->bias != NULL ? p->bias[m] : 0.0f);
          const int64_t out = (n * p->Cout + m) * OHp * OWp;
          for (int64_t oh = 0; oh < OHp; oh++)
            for (int64_t bp = 0; bp < pairs; bp++)
              {
                /* Top and bottom rows, even and odd outputs, two blocks:
                 * each tap's weight is broadcast once for eight sums. */
                const float *base = planes + 2 * oh * FW + 16 * bp;
                V8 te0 = vb, to0 = vb, be0 = vb, bo0 = vb;
                V8 te1 = vb, to1 = vb, be1 = vb, bo1 = vb;
                for (int64_t t = 0; t < T; t++)
                  {
                    const V8 wv = V8_SPLAT (wm[t]);
                    const float *e = base + even[t], *o = base + odd[t];
                    CP_FMA (te0, wv, e);
                    CP_FMA (te1, wv, e + 8);
                    CP_FMA (to0, wv, o);
                    CP_FMA (to1, wv, o + 8);
                    CP_FMA (be0, wv, e + FW);
                    CP_FMA (be1, wv, e + FW + 8);
                    CP_FMA (bo0, wv, o + FW);
                    CP_FMA (bo1, wv, o + FW + 8);
                  }
                CP_CLAMP (te0);
                CP_CLAMP (to0);
                CP_CLAMP (be0);
                CP_CLAMP (bo0);
                CP_CLAMP (te1);
                CP_CLAMP (to1);
                CP_CLAMP (be1);
                CP_CLAMP (bo1);
                {
                  float *dst = j->pooled + out + oh * OWp;
                  guint8 *code = j->codes != NULL ? j->codes + out + oh * OWp : NULL;
                  put_windows (p, &te0, &to0, &be0, &bo0, 16 * bp, OWp, dst, code, end);
                  put_windows (p, &te1, &to1, &be1, &bo1, 16 * bp + 8, OWp, dst, code, end);
                }
              }
        }
    }
}

gboolean
cx_convpool_direct_forward (CxRun *run, const CxConvPool *p, const float *x, const float *w,
                            float *pooled, guint8 *codes, GError **error)
{
  CpJob j = { .p = p, .x = x, .w = w, .pooled = pooled, .codes = codes };
  int nparts;

  j.groups = (p->Cout + 7) / 8;
  nparts = MAX (1, MIN (cx_parallel_parts (p->N * p->Cout * p->OH * p->OW * p->kh * p->kw *
                                           p->Cin),
                        p->N * j.groups));
  /* phase_image writes every float of the planes, and the loads stay
   * inside them (fwd_width). */
  j.scratch_floats = fwd_floats (p);
  j.scratch = cx_run_scratch (run, 0, sizeof (float) * j.scratch_floats * nparts, error);
  if (j.scratch == NULL)
    return FALSE;
  cx_parallel_run (forward_part, &j, nparts);
  return TRUE;
}

/* One gather of the backward pass: G_k shifted by (dy, dx) (as offsets
 * into its plane), and the weight (index into one [kh, kw] kernel, or
 * −1) it is multiplied by for each of the four phases. */
typedef struct
{
  int64_t at;
  int w[2][2];
} Gather;

/* The gathers of a kernel; returns how many. */
static int
gathers (const CxConvPool *p, const BackGeom *b, Gather *g)
{
  int n = 0;

  for (int k = 0; k < 4; k++)
    for (int64_t sy = -b->my0; sy <= half_floor (1 + p->ph); sy++)
      for (int64_t sx = -b->mx0; sx <= half_floor (1 + p->pw); sx++)
        {
          Gather e = { .at = (k * b->gh + b->my0 + sy) * b->gw + b->mx0 + sx,
                       .w = { { -1, -1 }, { -1, -1 } } };
          gboolean any = FALSE;
          /* Phase (py, px) reads G_k at (i + sy, j + sx) through tap
           * (ky, kx) when py + ph − ky = 2·sy + k / 2, and likewise. */
          for (int py = 0; py < 2; py++)
            for (int px = 0; px < 2; px++)
              {
                const int64_t ky = py + p->ph - 2 * sy - k / 2, kx = px + p->pw - 2 * sx - k % 2;
                if (ky >= 0 && ky < p->kh && kx >= 0 && kx < p->kw)
                  {
                    e.w[py][px] = (int) (ky * p->kw + kx);
                    any = TRUE;
                  }
              }
          if (any)
            g[n++] = e;
        }
  return n;
}

CX_HOT static void
backward_part (gpointer data, int part, int nparts)
{
  const CpJob *j = data;
  const CxConvPool *p = j->p;
  const int64_t OHp = p->OH / 2, OWp = p->OW / 2, taps = p->kh * p->kw;
  const int64_t total = p->N * p->Cout * OHp * OWp;
  BackGeom b;
  Gather gl[4 * (MAX_SIDE + 3) * (MAX_SIDE + 3)];
  float *G, *D, *row;
  int64_t n0, n1, pairs, plane;
  int ng;

  back_geometry (p, &b);
  ng = gathers (p, &b, gl);
  pairs = b.dw / 16;
  plane = b.Hh * b.dw;
  G = j->scratch + part * j->scratch_floats;
  D = G + 4 * b.gh * b.gw;
  row = D + 4 * p->Cin * plane;
  /* G's margins and the rows and columns no window reaches stay zero. */
  memset (G, 0, sizeof (float) * 4 * b.gh * b.gw);
  cx_parallel_range (p->N, part, nparts, 1, &n0, &n1);
  for (int64_t n = n0; n < n1; n++)
    {
      memset (D, 0, sizeof (float) * 4 * p->Cin * plane);
      for (int64_t m = 0; m < p->Cout; m++)
        {
          const int64_t win = (n * p->Cout + m) * OHp * OWp;
          /* Deal the windows' gradients to G_k, eight at a time; lanes
           * past the row's end are zero. */
          for (int64_t oh = 0; oh < OHp; oh++)
            for (int64_t w0 = 0; w0 < OWp; w0 += 8)
              {
                const M8 lane = { 0, 1, 2, 3, 4, 5, 6, 7 };
                const M8 valid = lane < (M8) { 0 } + (gint32) MIN (8, OWp - w0);
                const V8 zero = { 0 };
                float *gk = G + (b.my0 + oh) * b.gw + b.mx0 + w0;
                V8 g;
                M8 k;
                cx_pool2_load8 (j->gy, j->codes_in, win + oh * OWp + w0, total, &g, &k);
                for (int q = 0; q < 4; q++)
                  V8_STORE (gk + q * b.gh * b.gw,
                            V8_SELECT (valid & (k == (M8) { 0 } + q), g, zero));
              }
          for (int64_t c = 0; c < p->Cin; c++)
            {
              const float *wc = j->w + (m * p->Cin + c) * taps;
              float *d = D + 4 * c * plane;
              for (int64_t i = 0; i < b.Hh; i++)
                for (int64_t bp = 0; bp < pairs; bp++)
                  {
                    float *d00 = d + i * b.dw + 16 * bp, *d01 = d00 + plane;
                    float *d10 = d01 + plane, *d11 = d10 + plane;
                    const float *src = G + i * b.gw + 16 * bp;
                    V8 a00, a01, a10, a11, c00, c01, c10, c11;
                    V8_LOAD (a00, d00);
                    V8_LOAD (c00, d00 + 8);
                    V8_LOAD (a01, d01);
                    V8_LOAD (c01, d01 + 8);
                    V8_LOAD (a10, d10);
                    V8_LOAD (c10, d10 + 8);
                    V8_LOAD (a11, d11);
                    V8_LOAD (c11, d11 + 8);
                    for (int e = 0; e < ng; e++)
                      {
                        const Gather *ge = &gl[e];
                        V8 x0, x1;
                        V8_LOAD (x0, src + ge->at);
                        V8_LOAD (x1, src + ge->at + 8);
#define CP_PHASE(py, px, a, cc)                                           \
  if (ge->w[py][px] >= 0)                                                 \
    {                                                                     \
      const V8 wv = V8_SPLAT (wc[ge->w[py][px]]);                         \
      a += wv * x0;                                                       \
      cc += wv * x1;                                                      \
    }
                        CP_PHASE (0, 0, a00, c00);
                        CP_PHASE (0, 1, a01, c01);
                        CP_PHASE (1, 0, a10, c10);
                        CP_PHASE (1, 1, a11, c11);
#undef CP_PHASE
                      }
                    V8_STORE (d00, a00);
                    V8_STORE (d00 + 8, c00);
                    V8_STORE (d01, a01);
                    V8_STORE (d01 + 8, c01);
                    V8_STORE (d10, a10);
                    V8_STORE (d10 + 8, c10);
                    V8_STORE (d11, a11);
                    V8_STORE (d11 + 8, c11);
                  }
            }
        }
      /* The phases interleaved into the input gradient's rows. */
      for (int64_t c = 0; c < p->Cin; c++)
        for (int64_t iy = 0; iy < p->H; iy++)
          {
            const float *ev = D + (4 * c + 2 * (iy % 2)) * plane + iy / 2 * b.dw;
            const float *od = ev + plane;
            float *dst = j->gx + ((n * p->Cin + c) * p->H + iy) * p->W;
            for (int64_t t = 0; t < b.dw; t += 8)
              {
                V8 l, r;
                V8_LOAD (l, ev + t);
                V8_LOAD (r, od + t);
                V8_STORE (row + 2 * t,
                          __builtin_shuffle (l, r, (M8) { 0, 8, 1, 9, 2, 10, 3, 11 }));
                V8_STORE (row + 2 * t + 8,
                          __builtin_shuffle (l, r, (M8) { 4, 12, 5, 13, 6, 14, 7, 15 }));
              }
            if (j->set)
              memcpy (dst, row, sizeof (float) * p->W);
            else
              for (int64_t t = 0; t < p->W; t++)
                dst[t] += row[t];
          }
    }
}

gboolean
cx_convpool_direct_backward (CxRun *run, const CxConvPool *p, const float *w, const float *gy,
                             const guint8 *codes, float *gx, gboolean set, GError **error)
{
  CpJob j = { .p = p, .w = w, .gy = gy, .codes_in = codes, .gx = gx, .set = set };
  BackGeom b;
  int nparts;

  back_geometry (p, &b);
  nparts = MAX (1, MIN (cx_parallel_parts (p->N * p->Cout * p->H * p->W * p->kh * p->kw *
                                           p->Cin),
                        p->N));
  /* The gathers' loads reach 16 floats past G's last row. */
  j.scratch_floats = back_floats (p, &b) + 16;
  j.scratch = cx_run_scratch (run, 0, sizeof (float) * j.scratch_floats * nparts, error);
  if (j.scratch == NULL)
    return FALSE;
  cx_parallel_run (backward_part, &j, nparts);
  return TRUE;
}
