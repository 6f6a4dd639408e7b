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
 * M_ξ [Cout, T] = U_ξ [Cout, Cin] · V_ξ [Cin, T] over the T tiles: 16
 * products of 4 multiply-adds per tile and channel pair where im2col needs
 * one of 36. The transforms are additions only (and halvings, exact), so
 * the result differs from the direct sum by rounding alone.
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
/* At least this many chunks, so that both cores have work. */
#define MIN_CHUNKS 2

typedef struct
{
  const CxWinograd *p;
  const float *x, *u;
  float *y;
  int64_t TH, TW;               /* tiles per image: rows, columns */
  int64_t rows_per_chunk, ld;   /* ld: columns of V and M, rows_per_chunk · TW */
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
  return p->Cin >= 16 && p->Cout >= 16 && tiles >= (kept ? 16 : 64);
}

/* U_ξ [Cout, Cin] = (G g Gᵀ)_ξ for output channels of part @part. */
static void
job_weights (gpointer data, int part, int nparts)
{
  const WinoJob *j = data;
  const CxWinograd *p = j->p;
  const int64_t plane = p->Cout * p->Cin;
  int64_t o0, o1;

  cx_parallel_range (p->Cout, part, nparts, 1, &o0, &o1);
  for (int64_t o = o0; o < o1; o++)
    for (int64_t i = 0; i < p->Cin; i++)
      {
        float g[9], q[4][3];
        if (p->flipped)
          {
            const float *src = j->w + (i * p->Cout + o) * 9;
            for (int t = 0; t < 9; t++)
              g[t] = src[8 - t];
          }
        else
          memcpy (g, j->w + (o * p->Cin + i) * 9, sizeof g);
        for (int k = 0; k < 3; k++)
          {
            const float a = g[k], b = g[3 + k], c = g[6 + k];
            q[0][k] = a;
            q[1][k] = 0.5f * (a + b + c);
            q[2][k] = 0.5f * (a - b + c);
            q[3][k] = c;
          }
        for (int r = 0; r < 4; r++)
          {
            const float a = q[r][0], b = q[r][1], c = q[r][2];
            float *dst = j->u_out + (int64_t) (4 * r) * plane + o * p->Cin + i;
            dst[0] = a;
            dst[plane] = 0.5f * (a + b + c);
            dst[2 * plane] = 0.5f * (a - b + c);
            dst[3 * plane] = c;
          }
      }
}

/* Input row @iy of @plane into @dst, @n floats from column −pw, zero
 * outside the plane. */
static inline void
padded_row (const CxWinograd *p, const float *plane, int64_t iy, float *dst, int64_t n)
{
  int64_t lead, len;

  if (iy < 0 || iy >= p->H)
    {
      memset (dst, 0, sizeof (float) * n);
      return;
    }
  lead = MIN (p->pw, n);
  len = MIN (p->W, n - lead);
  memset (dst, 0, sizeof (float) * lead);
  memcpy (dst + lead, plane + iy * p->W, sizeof (float) * len);
  memset (dst + lead + len, 0, sizeof (float) * (n - lead - len));
}

/* V_ξ [Cin, ld] of tile rows [R0, R1): Bᵀ d B of every patch. */
CX_HOT static void
input_tiles (const WinoJob *j, int64_t R0, int64_t R1, float *restrict V, float *scratch)
{
  const CxWinograd *p = j->p;
  const int64_t TW = j->TW, PW = 2 * TW + 2, ld = j->ld, step = p->Cin * ld;
  float *restrict pr = scratch, *restrict tr = scratch + 4 * PW;

  for (int64_t c = 0; c < p->Cin; c++)
    for (int64_t R = R0; R < R1; R++)
      {
        const int64_t n = R / j->TH, ty = R % j->TH;
        const float *plane = j->x + (n * p->Cin + c) * p->H * p->W;
        float *restrict v = V + c * ld + (R - R0) * TW;
        for (int r = 0; r < 4; r++)
          padded_row (p, plane, 2 * ty - p->ph + r, pr + r * PW, PW);
        /* Bᵀ d: combinations of the four rows. */
        for (int64_t i = 0; i < PW; i++)
          {
            const float d0 = pr[i], d1 = pr[PW + i], d2 = pr[2 * PW + i], d3 = pr[3 * PW + i];
            tr[i] = d0 - d2;
            tr[PW + i] = d1 + d2;
            tr[2 * PW + i] = d2 - d1;
            tr[3 * PW + i] = d1 - d3;
          }
        /* (Bᵀ d) B: combinations of each tile's four columns. */
        for (int r = 0; r < 4; r++)
          {
            const float *restrict t = tr + r * PW;
            float *restrict v0 = v + (4 * r) * step, *restrict v1 = v0 + step;
            float *restrict v2 = v1 + step, *restrict v3 = v2 + step;
            for (int64_t tx = 0; tx < TW; tx++)
              {
                const float a = t[2 * tx], b = t[2 * tx + 1], cc = t[2 * tx + 2],
                            d = t[2 * tx + 3];
                v0[tx] = a - cc;
                v1[tx] = b + cc;
                v2[tx] = cc - b;
                v3[tx] = b - d;
              }
          }
      }
}

/* Y of tile rows [R0, R1) from M_ξ [Cout, ld]: Aᵀ m A, then the bias,
 * the accumulation and the clamp. */
CX_HOT static void
output_tiles (const WinoJob *j, int64_t R0, int64_t R1, const float *restrict Mb,
              float *scratch)
{
  const CxWinograd *p = j->p;
  const int64_t TW = j->TW, ld = j->ld, step = p->Cout * ld;
  float *restrict o0 = scratch, *restrict o1 = scratch + 2 * TW;

  for (int64_t m = 0; m < p->Cout; m++)
    {
      const float bv = p->bias != NULL ? p->bias[m] : 0.0f;
      for (int64_t R = R0; R < R1; R++)
        {
          const int64_t n = R / j->TH, ty = R % j->TH;
          const float *restrict mb = Mb + m * ld + (R - R0) * TW;
          float *plane = j->y + (n * p->Cout + m) * p->OH * p->OW;
          for (int64_t tx = 0; tx < TW; tx++)
            {
              float s0[4], s1[4];
              for (int k = 0; k < 4; k++)
                {
                  const float m0 = mb[k * step + tx], m1 = mb[(4 + k) * step + tx],
                              m2 = mb[(8 + k) * step + tx], m3 = mb[(12 + k) * step + tx];
                  s0[k] = m0 + m1 + m2;
                  s1[k] = m1 - m2 - m3;
                }
              o0[2 * tx] = s0[0] + s0[1] + s0[2];
              o0[2 * tx + 1] = s0[1] - s0[2] - s0[3];
              o1[2 * tx] = s1[0] + s1[1] + s1[2];
              o1[2 * tx + 1] = s1[1] - s1[2] - s1[3];
            }
          for (int r = 0; r < 2 && 2 * ty + r < p->OH; r++)
            {
              const float *restrict o = r == 0 ? o0 : o1;
              float *restrict row = plane + (2 * ty + r) * p->OW;
              if (p->accumulate)
                for (int64_t x = 0; x < p->OW; x++)
                  row[x] += o[x] + bv;
              else
                for (int64_t x = 0; x < p->OW; x++)
                  row[x] = o[x] + bv;
              if (p->clamp)
                for (int64_t x = 0; x < p->OW; x++)
                  {
                    const float v = row[x] < p->lo ? p->lo : row[x];
                    row[x] = v > p->hi ? p->hi : v;
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
  float *Mb = V + 16 * p->Cin * j->ld, *scratch = Mb + 16 * p->Cout * j->ld;
  const int64_t rows = p->N * j->TH;
  int c;

  (void) nparts;
  while ((c = g_atomic_int_add (&j->next, 1)) < j->n_chunks)
    {
      const int64_t R0 = c * j->rows_per_chunk, R1 = MIN (rows, R0 + j->rows_per_chunk);
      const int n = (int) ((R1 - R0) * j->TW);
      input_tiles (j, R0, R1, V, scratch);
      for (int xi = 0; xi < 16; xi++)
        cx_sgemm (FALSE, FALSE, (int) p->Cout, n, (int) p->Cin, 1.0f,
                  j->u + (int64_t) xi * p->Cout * p->Cin, (int) p->Cin,
                  V + (int64_t) xi * p->Cin * j->ld, (int) j->ld, 0.0f,
                  Mb + (int64_t) xi * p->Cout * j->ld, (int) j->ld);
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
  j.ld = per_chunk * TW;
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
  j.worker_floats = 16 * (p->Cin + p->Cout) * j.ld + 8 * (2 * TW + 2);
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
