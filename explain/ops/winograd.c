/* winograd.c: 3×3 stride-1 convolutions by Winograd's minimal filtering
 * F(2×2, 3×3) (Lavin and Gray, "Fast Algorithms for Convolutional Neural
 * Networks", 2016).
 *
 * The output is cut into 2×2 tiles; tile t reads a 4×4 patch d of the
 * input. With the constant matrices
 *
 *        ⎡1  0 −1  0⎤         ⎡ 1    0    0 ⎤
 *   Bᵀ = ⎢0  1  1  0⎥     G = ⎢ ½    ½    ½ ⎥     Aᵀ = ⎡1  1  1  0⎤
 *        ⎢0 −1  1  0⎥         ⎢ ½   −½    ½ ⎥          ⎣0  1 −1 −1⎦
 *        ⎣0  1  0 −1⎦         ⎣ 0    0    1 ⎦
 *
 * each channel's patch becomes V = Bᵀ d B and each 3×3 kernel U = G g Gᵀ
 * (both 4×4), and the tile's output is Aᵀ [Σ_c U ⊙ V] A. The sum over
 * channels, for each of the 16 positions ξ of the 4×4, is a matrix product
 * M_ξ [Cout, T] = U_ξ [Cout, Cin] · V_ξ [Cin, T] over the T tiles: per
 * tile and pair of channels 16 multiply-adds where im2col needs 36 (four
 * pixels, nine taps). The transforms are additions (and, for the weight,
 * exact halvings), so the result differs from the direct sum by rounding
 * alone: about twice as much, measured against float64.
 *
 * The tiles are taken in chunks of whole tile rows (a tile row: one image,
 * two output rows), sized by the shapes alone; each chunk runs on one
 * thread from input patches to output pixels with its own buffers, so
 * results do not depend on the number of threads.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "winograd.h"
#include "../parallel.h"
#include "../blas.h"
#include "vec8.h"
#include "convpool.h"

#include <string.h>

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(CANDOR_FUZZING)
#define CX_HOT __attribute__ ((target_clones ("arch=x86-64-v3", "default")))
#else
#define CX_HOT
#endif

/* Tiles of one chunk (whole tile rows, so rounded up): wide enough for
 * the 16 products, small enough for V and M to stay in cache (measured
 * on ResNet-18: 64 and 256 were slower). */
#define CHUNK_TILES 128
/* Floats between one V_ξ or M_ξ and the next beyond their size: the
 * transforms read or write one row of each of the 16 at a time, and 16
 * rows a multiple of 4 KiB apart would all fall in the same few sets of
 * the cache. */
#define SKEW 16
/* Bytes of one thread's transformed blocks at most. */
#define WORKER_BUDGET (64 << 20)
/* At least this many chunks, so that both cores have work. */
#define MIN_CHUNKS 2

typedef struct
{
  const CxWinograd *p;
  const float *x, *u;
  float *y;
  int64_t TH, TW;               /* tiles per image: rows, columns */
  int64_t rows_per_chunk, ld;   /* ld: columns of V and M, rows_per_chunk · TW + slack */
  int64_t vstep, mstep;         /* floats from one V_ξ (M_ξ) to the next */
  int n_chunks;
  gint next;                    /* atomic: the next chunk to take */
  float *bufs;
  gsize worker_floats;
  const float *w;               /* weight transform: the weight */
  float *u_out;
} WinoJob;

gboolean
cx_winograd_applies (const CxWinograd *p, gboolean kept)
{
  const int64_t tiles = p->N * ((p->OH + 1) / 2) * ((p->OW + 1) / 2);

  if (p->ph < 0 || p->ph > 2 || p->pw < 0 || p->pw > 2)
    return FALSE;
  /* Few channels: the transforms outweigh the products. Few tiles: the
   * kernel's transform (16 floats per pair of channels) does. */
  if (p->Cin < 16 || p->Cout < 16 || tiles < (kept ? 16 : 64))
    return FALSE;
  /* A chunk's V and M (about CHUNK_TILES tiles, or one tile row of a very
   * wide image) and an image's phase rows (input_tiles) within
   * WORKER_BUDGET, else im2col's smaller chunks. */
  return (16 * (p->Cin + p->Cout) * (CHUNK_TILES + (p->OW + 1) / 2 + 8) +
          4 * (p->OH + 6) * (p->W + p->OW + 32)) * (int64_t) sizeof (float) <= WORKER_BUDGET;
}

/* The weight's own channels: a flipped convolution's weight is that of
 * the convolution it reverses, [Cin, Cout, 3, 3]. */
static void
weight_channels (const CxWinograd *p, int64_t *wout, int64_t *win)
{
  *wout = p->flipped ? p->Cin : p->Cout;
  *win = p->flipped ? p->Cout : p->Cin;
}

/* G g Gᵀ of one kernel or, with V8 lanes, of eight (T: float or V8). */
#define WINO_WEIGHT(T, g, put)                                            \
  do                                                                      \
    {                                                                     \
      T q_[4][3];                                                         \
      for (int k_ = 0; k_ < 3; k_++)                                      \
        {                                                                 \
          const T a_ = (g)[k_], b_ = (g)[3 + k_], c_ = (g)[6 + k_];       \
          q_[0][k_] = a_;                                                 \
          q_[1][k_] = 0.5f * (a_ + b_ + c_);                              \
          q_[2][k_] = 0.5f * (a_ - b_ + c_);                              \
          q_[3][k_] = c_;                                                 \
        }                                                                 \
      for (int r_ = 0; r_ < 4; r_++)                                      \
        {                                                                 \
          const T a_ = q_[r_][0], b_ = q_[r_][1], c_ = q_[r_][2];         \
          put (4 * r_, a_);                                               \
          put (4 * r_ + 1, 0.5f * (a_ + b_ + c_));                        \
          put (4 * r_ + 2, 0.5f * (a_ - b_ + c_));                        \
          put (4 * r_ + 3, c_);                                           \
        }                                                                 \
    }                                                                     \
  while (0)

/* U_ξ [wout, win] = (G g Gᵀ)_ξ of the weight as it is, for its output
 * channels of part @part. A flipped convolution uses the same U: the
 * kernel rotated by 180° has G g Gᵀ with rows and columns 0 and 3
 * swapped (G's first and last rows are each other reversed, its middle
 * two their own reverses), and its channel axes swapped is Uᵀ. */
CX_HOT static void
job_weights (gpointer data, int part, int nparts)
{
  const WinoJob *j = data;
  int64_t wout, win, plane, o0, o1;

  weight_channels (j->p, &wout, &win);
  plane = wout * win;
  cx_parallel_range (wout, part, nparts, 1, &o0, &o1);
  for (int64_t o = o0; o < o1; o++)
    {
      float *row = j->u_out + o * win;
      int64_t i = 0;
      /* Eight input channels at a time: their kernels are 72 floats in a
       * row, dealt into nine vectors of one tap each. */
      for (; i + 8 <= win; i += 8)
        {
          const float *src = j->w + (o * win + i) * 9;
          float taps[9][8];
          V8 g[9];
          for (int l = 0; l < 8; l++)
            for (int t = 0; t < 9; t++)
              taps[t][l] = src[l * 9 + t];
          for (int t = 0; t < 9; t++)
            V8_LOAD (g[t], taps[t]);
#define PUT_V8(xi, v) V8_STORE (row + (int64_t) (xi) * plane + i, (v))
          WINO_WEIGHT (V8, g, PUT_V8);
#undef PUT_V8
        }
      for (; i < win; i++)
        {
          const float *g = j->w + (o * win + i) * 9;
#define PUT_F(xi, v) (row[(int64_t) (xi) * plane + i] = (v))
          WINO_WEIGHT (float, g, PUT_F);
#undef PUT_F
        }
    }
}

/* input_tiles' phase rows: the padded input's even and odd columns
 * apart, one row of each per padded row of the tile rows at hand (at
 * most 2 · TH + 2), each phase_floats long: the tiles' loads reach
 * TW + 8, the rows' eight-pair blocks 2 + 8 · ⌈pairs / 8⌉. */
static inline int64_t
phase_floats (const CxWinograd *p, int64_t TW)
{
  const int64_t pairs = (p->W + 1) / 2;
  return MAX (TW + 8, 2 + (pairs + 7) / 8 * 8) + 8;
}

static inline int64_t
phase_rows (int64_t TH)
{
  return 2 * TH + 4;
}

/* One padded row's phases from eight pairs at a time: pair w's left and
 * right pixels (X's columns 2w and 2w + 1) go to padded columns
 * 2w + pw and 2w + 1 + pw, that is to phase (pw % 2, pw % 2 ^ 1) at
 * w + ⌊(pw + 1) / 2⌋ … For an even pw both land at w + pw / 2. */
G_ALWAYS_INLINE static inline void
put_pairs (const CxWinograd *p, float *ev, float *od, int64_t w0, const V8 *left,
           const V8 *right)
{
  if (p->pw % 2 == 0)
    {
      V8_STORE (ev + p->pw / 2 + w0, *left);
      V8_STORE (od + p->pw / 2 + w0, *right);
    }
  else
    {
      V8_STORE (od + p->pw / 2 + w0, *left);
      V8_STORE (ev + p->pw / 2 + 1 + w0, *right);
    }
}

/* Row @iy of channel @c of image @n into phase rows @ev and @od: X's
 * row, or with codes_in the gradient the pool sends back to it; zero
 * outside. Lanes past the row's pairs are zero. */
G_ALWAYS_INLINE static inline void
phase_row (const WinoJob *j, int64_t n, int64_t c, int64_t iy, float *ev, float *od,
           int64_t EW)
{
  const CxWinograd *p = j->p;
  const M8 lane = { 0, 1, 2, 3, 4, 5, 6, 7 };
  const V8 zero = { 0 };

  if (iy < 0 || iy >= p->H || (p->codes_in != NULL && iy >= p->H / 2 * 2))
    {
      memset (ev, 0, sizeof (float) * EW);
      memset (od, 0, sizeof (float) * EW);
      return;
    }
  if (p->codes_in != NULL)
    {
      const int64_t OWp = p->W / 2, total = p->N * p->Cin * (p->H / 2) * OWp;
      const int64_t row = ((n * p->Cin + c) * (p->H / 2) + iy / 2) * OWp;
      const M8 l = (M8) { 0 } + (gint32) (2 * (iy % 2)), r = l + 1;
      for (int64_t w0 = 0; w0 < OWp; w0 += 8)
        {
          const M8 valid = lane < (M8) { 0 } + (gint32) MIN (8, OWp - w0);
          V8 g, left, right;
          M8 k;
          cx_pool2_load8 (p->gy, p->codes_in, row + w0, total, &g, &k);
          left = V8_SELECT (valid & (k == l), g, zero);
          right = V8_SELECT (valid & (k == r), g, zero);
          put_pairs (p, ev, od, w0, &left, &right);
        }
      return;
    }
  {
    const int64_t at = ((n * p->Cin + c) * p->H + iy) * p->W;
    const int64_t pairs = (p->W + 1) / 2, total = p->N * p->Cin * p->H * p->W;
    const float *src = j->x + at;
    for (int64_t w0 = 0; w0 < pairs; w0 += 8)
      {
        V8 lo, hi, left, right;
        if (2 * w0 + 16 <= p->W)
          {
            V8_LOAD (lo, src + 2 * w0);
            V8_LOAD (hi, src + 2 * w0 + 8);
          }
        else if (at + 2 * w0 + 16 <= total)
          {
            /* Past the row: the next row's pixels, masked. */
            const M8 col = 2 * lane + (gint32) (2 * w0);
            V8_LOAD (lo, src + 2 * w0);
            V8_LOAD (hi, src + 2 * w0 + 8);
            left = __builtin_shuffle (lo, hi, (M8) { 0, 2, 4, 6, 8, 10, 12, 14 });
            right = __builtin_shuffle (lo, hi, (M8) { 1, 3, 5, 7, 9, 11, 13, 15 });
            left = V8_SELECT (col < (M8) { 0 } + (gint32) p->W, left, zero);
            right = V8_SELECT (col + 1 < (M8) { 0 } + (gint32) p->W, right, zero);
            put_pairs (p, ev, od, w0, &left, &right);
            continue;
          }
        else
          {
            /* The row's last pixels, zero-padded. */
            float b[16] = { 0 };
            for (int64_t t = 2 * w0; t < p->W; t++)
              b[t - 2 * w0] = src[t];
            V8_LOAD (lo, b);
            V8_LOAD (hi, b + 8);
          }
        left = __builtin_shuffle (lo, hi, (M8) { 0, 2, 4, 6, 8, 10, 12, 14 });
        right = __builtin_shuffle (lo, hi, (M8) { 1, 3, 5, 7, 9, 11, 13, 15 });
        put_pairs (p, ev, od, w0, &left, &right);
      }
  }
}

/* V_ξ [Cin, ld] of tile rows [R0, R1): Bᵀ d B of every patch. Per
 * channel and image, the padded rows the tile rows read are split once
 * into even and odd columns (phase_row); a tile (ty, tx) then takes
 * columns tx and tx + 1 of both phases of rows 2·ty … 2·ty + 3, eight
 * tiles at a time (lanes past the row's last tile land in the next
 * row's place, written after, or in the slack at the end of ld). */
CX_HOT static void
input_tiles (const WinoJob *j, int64_t R0, int64_t R1, float *restrict V, float *scratch)
{
  const CxWinograd *p = j->p;
  const int64_t TW = j->TW, TH = j->TH, EW = phase_floats (p, TW), ER = phase_rows (TH);
  const int64_t ld = j->ld, step = j->vstep;
  float *even = scratch, *odd = scratch + ER * EW;

  /* Columns no pair reaches stay zero. */
  memset (scratch, 0, sizeof (float) * 2 * ER * EW);
  for (int64_t c = 0; c < p->Cin; c++)
    for (int64_t R = R0; R < R1;)
      {
        const int64_t n = R / TH, ty0 = R % TH, Rend = MIN (R1, (n + 1) * TH);
        const int64_t ty1 = Rend - 1 - n * TH;
        /* Padded rows 2·ty0 … 2·ty1 + 3: X's rows less ph. */
        for (int64_t e = 2 * ty0; e <= 2 * ty1 + 3; e++)
          phase_row (j, n, c, e - p->ph, even + e * EW, odd + e * EW, EW);
        for (; R < Rend; R++)
          {
            const int64_t ty = R % TH;
            float *restrict v = V + c * ld + (R - R0) * TW;
            for (int64_t tx = 0; tx < TW; tx += 8)
              {
                /* Row r of Bᵀ d is rows i and k of d combined (Bᵀ: row 0
                 * d0 − d2, 1 d1 + d2, 2 d2 − d1, 3 d1 − d3); per such
                 * row, (Bᵀ d) B from the even and odd columns at tx
                 * (a, b) and tx + 1 (c, d). Loaded afresh per row: held
                 * all at once they spill. */
                const float *e0 = even + 2 * ty * EW + tx, *o0 = odd + 2 * ty * EW + tx;
#define WINO_ROW(r, i, k, op)                                             \
  do                                                                      \
    {                                                                     \
      V8 ai_, ak_, bi_, bk_, ci_, ck_, di_, dk_, a_, b_, c_, d_;          \
      float *v_ = v + (4 * r) * step + tx;                                \
      V8_LOAD (ai_, e0 + (i) * EW);                                       \
      V8_LOAD (ak_, e0 + (k) * EW);                                       \
      V8_LOAD (bi_, o0 + (i) * EW);                                       \
      V8_LOAD (bk_, o0 + (k) * EW);                                       \
      V8_LOAD (ci_, e0 + (i) * EW + 1);                                   \
      V8_LOAD (ck_, e0 + (k) * EW + 1);                                   \
      V8_LOAD (di_, o0 + (i) * EW + 1);                                   \
      V8_LOAD (dk_, o0 + (k) * EW + 1);                                   \
      a_ = ai_ op ak_;                                                    \
      b_ = bi_ op bk_;                                                    \
      c_ = ci_ op ck_;                                                    \
      d_ = di_ op dk_;                                                    \
      V8_STORE (v_, a_ - c_);                                             \
      V8_STORE (v_ + step, b_ + c_);                                      \
      V8_STORE (v_ + 2 * step, c_ - b_);                                  \
      V8_STORE (v_ + 3 * step, b_ - d_);                                  \
    }                                                                     \
  while (0)
                WINO_ROW (0, 0, 2, -);
                WINO_ROW (1, 1, 2, +);
                WINO_ROW (2, 2, 1, -);
                WINO_ROW (3, 1, 3, -);
#undef WINO_ROW
              }
          }
      }
}

/* Aᵀ m A of @n tiles from M_ξ's rows (@step apart): the tiles' four
 * outputs, in four rows. */
G_ALWAYS_INLINE static inline void
tile_sums (const float *restrict mb, int64_t n, int64_t step, float *restrict y00,
           float *restrict y01, float *restrict y10, float *restrict y11)
{
  for (int64_t t = 0; t < n; t++)
    {
      float s0[4], s1[4];
      for (int k = 0; k < 4; k++)
        {
          const float m0 = mb[k * step + t], m1 = mb[(4 + k) * step + t],
                      m2 = mb[(8 + k) * step + t], m3 = mb[(12 + k) * step + t];
          s0[k] = m0 + m1 + m2;
          s1[k] = m1 - m2 - m3;
        }
      y00[t] = s0[0] + s0[1] + s0[2];
      y01[t] = s0[1] - s0[2] - s0[3];
      y10[t] = s1[0] + s1[1] + s1[2];
      y11[t] = s1[1] - s1[2] - s1[3];
    }
}

/* output_tiles in pooled mode for output channel @m: each tile's four
 * outputs, biased and clamped, are one pooling window. */
G_ALWAYS_INLINE static inline void
output_pooled (const WinoJob *j, int64_t R0, int64_t R1, const float *restrict mb, int64_t m,
               float bv, float *scratch)
{
  const CxWinograd *p = j->p;
  const int64_t TW = j->TW, ld = j->ld, step = j->mstep, n = (R1 - R0) * TW;
  const int64_t OHp = p->OH / 2, OWp = p->OW / 2;
  const V8 vb = V8_SPLAT (bv), vlo = V8_SPLAT (p->lo), vhi = V8_SPLAT (p->hi);
  float *restrict y00 = scratch, *restrict y01 = y00 + ld;
  float *restrict y10 = y01 + ld, *restrict y11 = y10 + ld;

  tile_sums (mb, n, step, y00, y01, y10, y11);
  for (int64_t R = R0; R < R1; R++)
    {
      const int64_t img = R / j->TH, ty = R % j->TH, t0 = (R - R0) * TW;
      const int64_t at = ((img * p->Cout + m) * OHp + ty) * OWp;
      if (ty >= OHp)
        continue;
      /* Eight windows at a time; the last block's lanes past OWp read the
       * slack of ld and are dropped. */
      for (int64_t tx = 0; tx < OWp; tx += 8)
        {
          V8 a, b, c, d, mx;
          M8 k;
          float mv[8];
          gint32 kv[8];
          V8_LOAD (a, y00 + t0 + tx);
          V8_LOAD (b, y01 + t0 + tx);
          V8_LOAD (c, y10 + t0 + tx);
          V8_LOAD (d, y11 + t0 + tx);
#define WINO_CLAMP(v)                                                     \
  do                                                                      \
    {                                                                     \
      v = v + vb;                                                         \
      v = V8_SELECT (v < vlo, vlo, v);                                    \
      v = V8_SELECT (v > vhi, vhi, v);                                    \
    }                                                                     \
  while (0)
          WINO_CLAMP (a);
          WINO_CLAMP (b);
          WINO_CLAMP (c);
          WINO_CLAMP (d);
#undef WINO_CLAMP
          cx_pool2_by8 (&a, &b, &c, &d, p->lo, p->hi, &mx, &k);
          /* A whole block when its lanes past the row land in this
           * plane's next row, which this chunk writes after. */
          if (tx + 8 <= OWp || (ty + 1 < OHp && R + 1 < R1 && 8 - (OWp - tx) <= OWp))
            {
              V8_STORE (p->pooled + at + tx, mx);
              if (p->codes != NULL)
                cx_pool2_store_codes (&k, p->codes + at + tx);
              continue;
            }
          V8_STORE (mv, mx);
          memcpy (kv, &k, sizeof kv);
          for (int l = 0; l < 8 && tx + l < OWp; l++)
            {
              p->pooled[at + tx + l] = mv[l];
              if (p->codes != NULL)
                p->codes[at + tx + l] = (guint8) kv[l];
            }
        }
    }
}

/* Y of tile rows [R0, R1) from M_ξ [Cout, ld]: Aᵀ m A, then the bias,
 * the accumulation and the clamp. Per output channel, Aᵀ m A runs over
 * all the chunk's tiles at once (16 long rows in, the tiles' four
 * outputs in four rows of @scratch), then they are dealt to the pixels. */
CX_HOT static void
output_tiles (const WinoJob *j, int64_t R0, int64_t R1, const float *restrict Mb,
              float *scratch)
{
  const CxWinograd *p = j->p;
  const int64_t TW = j->TW, ld = j->ld, step = j->mstep, n = (R1 - R0) * TW;
  const int64_t pairs = p->OW / 2;
  const M8 first = { 0, 8, 1, 9, 2, 10, 3, 11 }, second = { 4, 12, 5, 13, 6, 14, 7, 15 };
  float *restrict y00 = scratch, *restrict y01 = y00 + ld;
  float *restrict y10 = y01 + ld, *restrict y11 = y10 + ld;

  for (int64_t m = 0; m < p->Cout; m++)
    {
      const float bv = p->bias != NULL ? p->bias[m] : 0.0f;
      const float *restrict mb = Mb + m * ld;
      if (p->pooled != NULL)
        {
          output_pooled (j, R0, R1, mb, m, bv, scratch);
          continue;
        }
      tile_sums (mb, n, step, y00, y01, y10, y11);
      for (int64_t R = R0; R < R1; R++)
        {
          const int64_t img = R / j->TH, ty = R % j->TH, t0 = (R - R0) * TW;
          float *plane = j->y + (img * p->Cout + m) * p->OH * p->OW;
          /* This chunk writes the plane's rows up to here. */
          const int64_t rows_end = MIN (p->OH, 2 * (MIN (R1, (img + 1) * j->TH) - img * j->TH));
          for (int r = 0; r < 2 && 2 * ty + r < p->OH; r++)
            {
              const float *restrict ya = (r == 0 ? y00 : y10) + t0;
              const float *restrict yb = (r == 0 ? y01 : y11) + t0;
              float *restrict row = plane + (2 * ty + r) * p->OW;
              int64_t tx = 0;
              /* The last block of eight may run on into the next rows
               * when they are this plane's and this chunk writes them
               * after; accumulating, its lanes there are written back as
               * they were. */
              const int64_t at = (2 * ty + r) * p->OW + 2 * (pairs / 8 * 8) + 16;
              /* (Not for a few pairs: the scalar loop is then cheaper.) */
              const gboolean spill = pairs % 8 >= 4 && at <= rows_end * p->OW;
              /* Eight pairs at a time: the two outputs of each tile side by side. */
              for (; tx + 8 <= pairs || (tx < pairs && spill); tx += 8)
                {
                  V8 a, b, l, h, rl = { 0 }, rh = { 0 };
                  V8_LOAD (a, ya + tx);
                  V8_LOAD (b, yb + tx);
                  if (p->accumulate)
                    {
                      V8_LOAD (rl, row + 2 * tx);
                      V8_LOAD (rh, row + 2 * tx + 8);
                    }
                  a = a + V8_SPLAT (bv);
                  b = b + V8_SPLAT (bv);
                  l = __builtin_shuffle (a, b, first);
                  h = __builtin_shuffle (a, b, second);
                  if (p->accumulate)
                    {
                      l = rl + l;
                      h = rh + h;
                    }
                  if (p->clamp)
                    {
                      const V8 vlo = V8_SPLAT (p->lo), vhi = V8_SPLAT (p->hi);
                      l = V8_SELECT (l < vlo, vlo, l);
                      l = V8_SELECT (l > vhi, vhi, l);
                      h = V8_SELECT (h < vlo, vlo, h);
                      h = V8_SELECT (h > vhi, vhi, h);
                    }
                  if (p->accumulate && tx + 8 > pairs)
                    {
                      const M8 lane = { 0, 1, 2, 3, 4, 5, 6, 7 };
                      const M8 keep = (M8) { 0 } + (gint32) (2 * (pairs - tx));
                      l = V8_SELECT (lane < keep, l, rl);
                      h = V8_SELECT (lane + 8 < keep, h, rh);
                    }
                  V8_STORE (row + 2 * tx, l);
                  V8_STORE (row + 2 * tx + 8, h);
                }
              for (; tx < pairs; tx++)
                {
                  float a = ya[tx] + bv, b = yb[tx] + bv;
                  if (p->accumulate)
                    {
                      a = row[2 * tx] + a;
                      b = row[2 * tx + 1] + b;
                    }
                  if (p->clamp)
                    {
                      a = a < p->lo ? p->lo : a;
                      a = a > p->hi ? p->hi : a;
                      b = b < p->lo ? p->lo : b;
                      b = b > p->hi ? p->hi : b;
                    }
                  row[2 * tx] = a;
                  row[2 * tx + 1] = b;
                }
              if (p->OW % 2 != 0)
                {
                  float a = ya[pairs] + bv;
                  if (p->accumulate)
                    a = row[2 * pairs] + a;
                  if (p->clamp)
                    {
                      a = a < p->lo ? p->lo : a;
                      a = a > p->hi ? p->hi : a;
                    }
                  row[2 * pairs] = a;
                }
            }
        }
    }
}

static void
job_tiles (gpointer data, int part, int nparts)
{
  WinoJob *j = data;
  const CxWinograd *p = j->p;
  float *V = j->bufs + part * j->worker_floats;
  float *Mb = V + 16 * j->vstep, *scratch = Mb + 16 * j->mstep;
  const int64_t rows = p->N * j->TH;
  int c;

  (void) nparts;
  while ((c = g_atomic_int_add (&j->next, 1)) < j->n_chunks)
    {
      const int64_t R0 = c * j->rows_per_chunk, R1 = MIN (rows, R0 + j->rows_per_chunk);
      const int n = (int) ((R1 - R0) * j->TW);
      input_tiles (j, R0, R1, V, scratch);
      for (int xi = 0; xi < 16; xi++)
        {
          /* Flipped: U of position (π i, π j) transposed, π swapping 0 and 3. */
          static const int swap03[4] = { 3, 1, 2, 0 };
          const int ui = p->flipped ? swap03[xi / 4] * 4 + swap03[xi % 4] : xi;
          cx_sgemm (p->flipped, FALSE, (int) p->Cout, n, (int) p->Cin, 1.0f,
                    j->u + (int64_t) ui * p->Cout * p->Cin,
                    (int) (p->flipped ? p->Cout : p->Cin), V + xi * j->vstep, (int) j->ld, 0.0f,
                    Mb + xi * j->mstep, (int) j->ld);
        }
      output_tiles (j, R0, R1, Mb, scratch);
    }
}

gsize
cx_winograd_weight_floats (const CxWinograd *p)
{
  return 16 * (gsize) p->Cout * (gsize) p->Cin;
}

void
cx_winograd_weights (const CxWinograd *p, const float *w, float *u)
{
  WinoJob j = { .p = p, .w = w, .u_out = u };

  cx_parallel_run (job_weights, &j, cx_parallel_parts (16 * p->Cout * p->Cin));
}

gboolean
cx_winograd_conv (CxRun *run, const CxWinograd *p, const float *x, const float *w, float *y,
                  GError **error)
{
  WinoJob j = { .p = p, .x = x, .y = y, .w = w };
  const int64_t TH = (p->OH + 1) / 2, TW = (p->OW + 1) / 2, rows = p->N * TH;
  int64_t shape[1], per_chunk;
  CxTensor *u, *bufs;
  int workers;

  j.TH = TH;
  j.TW = TW;
  per_chunk = MIN ((CHUNK_TILES + TW - 1) / TW, (rows + MIN_CHUNKS - 1) / MIN_CHUNKS);
  j.rows_per_chunk = per_chunk;
  /* Slack for input_tiles' last eight-tile block. */
  j.ld = per_chunk * TW + 8;
  j.n_chunks = (int) ((rows + per_chunk - 1) / per_chunk);

  u = NULL;
  if (p->u != NULL)
    j.u = p->u;
  else
    {
      shape[0] = 16 * p->Cout * p->Cin;
      u = cx_run_alloc (run, CX_ELEM_FLOAT, 1, shape, error);
      if (u == NULL)
        return FALSE;
      cx_winograd_weights (p, w, u->data.f);
      j.u = u->data.f;
    }

  workers = MAX (1, MIN (cx_parallel_get_threads (), j.n_chunks));
  /* V, M, then scratch: input_tiles' phase rows, or output_tiles' 4 rows
   * of ld. */
  j.vstep = p->Cin * j.ld + SKEW;
  j.mstep = p->Cout * j.ld + SKEW;
  j.worker_floats = 16 * (j.vstep + j.mstep) +
                    MAX (2 * phase_rows (TH) * phase_floats (p, TW), 4 * j.ld);
  shape[0] = (int64_t) workers * j.worker_floats;
  bufs = cx_run_alloc (run, CX_ELEM_FLOAT, 1, shape, error);
  if (bufs == NULL)
    {
      if (u != NULL)
        cx_run_release (run, u);
      return FALSE;
    }
  j.bufs = bufs->data.f;
  g_atomic_int_set (&j.next, 0);
  cx_parallel_run (job_tiles, &j, workers);
  cx_run_release (run, bufs);
  if (u != NULL)
    cx_run_release (run, u);
  return TRUE;
}
