/* conv.c: Conv and ConvTranspose.
 *
 * The two are one linear map and its adjoint. Per group g, with the weight
 * as an [Mg, K] matrix Wg (K = Cg · kernel volume) and im2col(image) the
 * [K, N·P] matrix whose rows are kernel offsets and whose columns are the
 * output pixels of every image of the batch:
 *
 *   Conv           Y = Wg · im2col (X)           dX += col2im (Wgᵀ · dY)
 *   ConvTranspose  Y = col2im (Wgᵀ · X)          dX += Wg · im2col (dY)
 *   both           dW += colside · im2col (image)ᵀ
 *
 * where the "image" is the side with the larger spatial extent (Conv's
 * input, ConvTranspose's output) and the "column side" the other. So three
 * kernels serve both ops: conv_apply (colside ← W·im2col(image)),
 * conv_apply_t (image += col2im(Wᵀ·colside)) and conv_weight_grad.
 *
 * Each is one sgemm per group and chunk of columns. Small images
 * fold the batch into the columns (one sgemm over N·OH·OW, the result
 * scattered back to NCHW) so late layers with 4×4 feature maps still give
 * BLAS a wide matrix; large images take one image (or one band of rows)
 * at a time and write the result in place. 1×1 stride-1 unpadded
 * convolutions skip im2col when a chunk is one image.
 *
 * Depthwise convolutions (one input channel per group) are direct loops:
 * on "phase planes" (the padded plane split by stride phase, so every
 * kernel tap is one long contiguous axpy) for large planes, channels-last
 * (one vector operation over all channels per pixel and tap) for the
 * small planes of late layers.
 *
 * OpenBLAS runs single-threaded (blas.h). A kernel with enough chunks
 * hands them whole to the pool of parallel.h, each thread doing a chunk's
 * im2col, product and scatter alone with its own buffers; otherwise the
 * chunks go one after the other, each product cut in parts
 * (cx_sgemm_parts) and the loops around it split (see Crew).
 *
 * A Relu or Clip that alone reads a Conv's output is applied by these
 * kernels as they write each block (forward_clamp); the input's gradient
 * is written rather than added when it starts here (backward_set).
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ops.h"
#include "onnx.pb-c.h"
#include "../parallel.h"
#include "../blas.h"
#include "pointwise.h"
#include "winograd.h"
#include "convpool.h"
#include "vec8.h"

#include <limits.h>
#include <string.h>

#define MAX_SPATIAL 3

/* Whole-tensor loops that are not BLAS get an AVX2/FMA clone on x86-64. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(CANDOR_FUZZING)
#define CX_HOT __attribute__ ((target_clones ("arch=x86-64-v3", "default")))
#else
#define CX_HOT
#endif

/* Bytes the im2col buffer of one chunk may take; larger batches are cut. */
#define COL_BUDGET (2u << 20)
/* Images with at least this many column-side pixels are done one at a
 * time (no scatter or gather; measured on 2 cores): 1×1 convolutions,
 * which then need no im2col at all; other forward GEMMs; the transposed
 * GEMMs (col2im, weight gradient), whose inner dimension is small. */
#define PER_IMAGE_POINTWISE 256
/* A convolution whose weight is at most this many floats (1 MiB: it
 * stays in cache from one image to the next) goes one image at a time
 * from 4 pixels up, in the forward and transposed products when the
 * images are shared whole between threads (and 1×1 ones always):
 * OpenBLAS's small-matrix kernel on an image's [K, P] beat gathering the
 * batch and scattering the product back (MobileNetV2's 1×1 layers:
 * forward 31.5 → 27 ms, gradient 71 → 61 ms; ResNet-18's downsampling
 * and first stride-2 3×3 layer too). Larger weights (a 320 to 1280
 * expansion on 2×2 maps) are read once for the whole batch. */
#define CACHED_WEIGHT (1 << 18)
#define PER_IMAGE_CACHED 4
#define PER_IMAGE_FORWARD 1024
#define PER_IMAGE_TRANSPOSED 4096
#define PER_IMAGE_MIN_MACS (1 << 22)
/* Output planes up to this many pixels use im2col through a pixel map. */
#define PIXEL_MAP_SMALL 64
/* Depthwise outputs up to this many pixels go channels-last. */
#define DW_CHANNELS_LAST_PIXELS 64

typedef enum
{
  PAD_NOTSET,
  PAD_SAME_UPPER,
  PAD_SAME_LOWER,
  PAD_VALID,
} AutoPad;

typedef struct
{
  gboolean transpose;
  AutoPad auto_pad;
  int64_t group;
  /* Lengths as given (0: attribute absent). */
  gsize n_kernel, n_strides, n_dilations, n_pads, n_out_pad, n_out_shape;
  int64_t kernel[MAX_SPATIAL];
  int64_t strides[MAX_SPATIAL];
  int64_t dilations[MAX_SPATIAL];
  int64_t pads[2 * MAX_SPATIAL];
  int64_t out_pad[MAX_SPATIAL];
  int64_t out_shape[MAX_SPATIAL + 2];
} ConvParams;

typedef struct
{
  int64_t N, G;
  int64_t C, Cg;                /* image side: Conv's input, ConvTranspose's output */
  int64_t M, Mg;                /* column side: Conv's output, ConvTranspose's input */
  /* Spatial sizes; 1-D and 2-D are padded to 3-D at the front with ones. */
  int64_t im[MAX_SPATIAL], co[MAX_SPATIAL];
  int64_t k[MAX_SPATIAL], s[MAX_SPATIAL], d[MAX_SPATIAL], p[MAX_SPATIAL];
  int nsp;
  int64_t isz, osz, kvol, K;
  gboolean pointwise;           /* 1×1, stride 1, unpadded: im2col is the identity */
  gboolean depthwise;           /* one image channel per group: direct loops */
  /* Forward only: a Relu or Clip applied to the column side as it is
   * written (CxOpDef.forward_clamp), min (max (y, lo), hi). */
  gboolean clamp;
  float lo, hi;
  /* The node whose weight this is (its kept transforms), or NULL. */
  const CxNode *node;
} ConvGeom;

/* The fused activation, with exactly Relu's and Clip's formula. */
static inline float
act_clamp (float y, float lo, float hi)
{
  const float v = y < lo ? lo : y;
  return v > hi ? hi : v;
}

/* act_clamp over @rows rows of @n floats, @ld apart. */
CX_HOT static void
clamp_rows (float *y, int64_t rows, int64_t n, int64_t ld, float lo, float hi)
{
  for (int64_t r = 0; r < rows; r++)
    {
      float *restrict row = y + r * ld;
      for (int64_t i = 0; i < n; i++)
        row[i] = act_clamp (row[i], lo, hi);
    }
}

/* Row m of @rows rows of @n floats, @ld apart, set to bias[m]. */
CX_HOT static void
bias_rows (float *y, int64_t rows, int64_t n, int64_t ld, const float *bias)
{
  for (int64_t r = 0; r < rows; r++)
    {
      const float bv = bias[r];
      float *restrict row = y + r * ld;
      for (int64_t i = 0; i < n; i++)
        row[i] = bv;
    }
}

/* Columns of one chunk: images [n0, n0+nb), and within them the output
 * rows (od, oh pairs) [r0, r1); partial rows only when nb == 1. */
typedef struct
{
  int64_t n0, nb, r0, r1;
} Chunk;

/* ------------------------------------------------------------------ */
/* Attributes                                                          */
/* ------------------------------------------------------------------ */

static gboolean
read_ints (CxNode *node, const char *name, int64_t *dst, gsize max, gsize *n,
           int64_t min_value, GError **error)
{
  const int64_t *v;

  *n = 0;
  if (!cx_node_attr_ints (node, name, &v, n))
    return TRUE;
  if (*n > max)
    {
      cx_node_error (node, error, CX_ERROR_UNSUPPORTED,
                     "attribute '%s' has %" G_GSIZE_FORMAT " values; at most %" G_GSIZE_FORMAT
                     " spatial dimensions are supported", name, *n, max);
      return FALSE;
    }
  for (gsize i = 0; i < *n; i++)
    {
      if (v[i] < min_value)
        {
          cx_node_error (node, error, CX_ERROR_INVALID,
                         "attribute '%s' must be %s, got %" G_GINT64_FORMAT, name,
                         min_value > 0 ? "positive" : "non-negative", v[i]);
          return FALSE;
        }
      dst[i] = v[i];
    }
  return TRUE;
}

/* A string attribute as a new string, or a copy of @def. Attribute
 * strings are protobuf bytes without a terminating NUL, so this reads
 * them with their length rather than through cx_node_attr_string (). */
static char *
attr_string (const CxNode *node, const char *name, const char *def)
{
  const Onnx__NodeProto *np = node->proto;

  for (size_t i = 0; np != NULL && i < np->n_attribute; i++)
    {
      const Onnx__AttributeProto *a = np->attribute[i];
      if (a->name != NULL && g_str_equal (a->name, name) && a->has_s)
        return g_strndup ((const char *) a->s.data, a->s.len);
    }
  return g_strdup (def);
}

static gboolean
conv_init_common (CxNode *node, gboolean transpose, GError **error)
{
  ConvParams *p = g_new0 (ConvParams, 1);
  g_autofree char *ap = NULL;

  node->params = p;
  p->transpose = transpose;
  p->group = cx_node_attr_int (node, "group", 1);
  if (p->group < 1)
    {
      cx_node_error (node, error, CX_ERROR_INVALID,
                     "attribute 'group' must be positive, got %" G_GINT64_FORMAT, p->group);
      return FALSE;
    }
  ap = attr_string (node, "auto_pad", "NOTSET");
  if (g_str_equal (ap, "NOTSET"))
    p->auto_pad = PAD_NOTSET;
  else if (g_str_equal (ap, "SAME_UPPER"))
    p->auto_pad = PAD_SAME_UPPER;
  else if (g_str_equal (ap, "SAME_LOWER"))
    p->auto_pad = PAD_SAME_LOWER;
  else if (g_str_equal (ap, "VALID"))
    p->auto_pad = PAD_VALID;
  else
    {
      cx_node_error (node, error, CX_ERROR_INVALID,
                     "attribute 'auto_pad' is '%s'; expected NOTSET, SAME_UPPER, "
                     "SAME_LOWER or VALID", ap);
      return FALSE;
    }
  if (!read_ints (node, "kernel_shape", p->kernel, MAX_SPATIAL, &p->n_kernel, 1, error) ||
      !read_ints (node, "strides", p->strides, MAX_SPATIAL, &p->n_strides, 1, error) ||
      !read_ints (node, "dilations", p->dilations, MAX_SPATIAL, &p->n_dilations, 1, error) ||
      !read_ints (node, "pads", p->pads, 2 * MAX_SPATIAL, &p->n_pads, 0, error))
    return FALSE;
  if (p->n_pads % 2 != 0)
    {
      cx_node_error (node, error, CX_ERROR_INVALID,
                     "attribute 'pads' has %" G_GSIZE_FORMAT " values; it needs a begin and "
                     "an end for each spatial axis", p->n_pads);
      return FALSE;
    }
  if (transpose &&
      (!read_ints (node, "output_padding", p->out_pad, MAX_SPATIAL, &p->n_out_pad, 0, error) ||
       !read_ints (node, "output_shape", p->out_shape, MAX_SPATIAL + 2, &p->n_out_shape, 1,
                   error)))
    return FALSE;
  return TRUE;
}

static gboolean
conv_init (CxNode *node, GError **error)
{
  return conv_init_common (node, FALSE, error);
}

static gboolean
conv_transpose_init (CxNode *node, GError **error)
{
  return conv_init_common (node, TRUE, error);
}

/* ------------------------------------------------------------------ */
/* Geometry                                                            */
/* ------------------------------------------------------------------ */

static gboolean
attr_len_ok (const CxNode *node, const char *name, gsize n, gsize want, GError **error)
{
  if (n == 0 || n == want)
    return TRUE;
  cx_node_error (node, error, CX_ERROR_SHAPE,
                 "attribute '%s' has %" G_GSIZE_FORMAT " values; the input's spatial axes "
                 "need %" G_GSIZE_FORMAT, name, n, want);
  return FALSE;
}

static gboolean
shape_error (const CxNode *node, GError **error, const CxTensor *x, const CxTensor *w,
             const char *what)
{
  g_autofree char *xs = cx_shape_to_string (x->ndim, x->shape);
  g_autofree char *ws = cx_shape_to_string (w->ndim, w->shape);
  cx_node_error (node, error, CX_ERROR_SHAPE, "input X %s and weight W %s: %s", xs, ws, what);
  return FALSE;
}

/* Fills @g from the inputs' shapes; @out_shape receives the output's. */
static gboolean
conv_geometry (const CxNode *node, const CxTensor *x, const CxTensor *w, const CxTensor *b,
               ConvGeom *g, int64_t *out_shape, GError **error)
{
  const ConvParams *p = node->params;
  int nsp = x->ndim - 2, off;
  int64_t cin, wcin, cout;
  int64_t k[MAX_SPATIAL], in[MAX_SPATIAL], out[MAX_SPATIAL], pb[MAX_SPATIAL];

  if (!cx_elem_is_float (x->elem) || !cx_elem_is_float (w->elem))
    {
      cx_node_error (node, error, CX_ERROR_INVALID, "inputs are %s and %s; the operator "
                     "takes floating-point tensors", cx_elem_name (x->elem),
                     cx_elem_name (w->elem));
      return FALSE;
    }
  if (nsp < 1 || nsp > MAX_SPATIAL)
    {
      g_autofree char *xs = cx_shape_to_string (x->ndim, x->shape);
      cx_node_error (node, error, nsp < 1 ? CX_ERROR_SHAPE : CX_ERROR_UNSUPPORTED,
                     "input X has shape %s; expected [N, C, D1 … Dn] with 1 to %d spatial "
                     "axes", xs, MAX_SPATIAL);
      return FALSE;
    }
  if (w->ndim != x->ndim)
    return shape_error (node, error, x, w, "the weight must have as many axes as the input");
  if (!attr_len_ok (node, "kernel_shape", p->n_kernel, nsp, error) ||
      !attr_len_ok (node, "strides", p->n_strides, nsp, error) ||
      !attr_len_ok (node, "dilations", p->n_dilations, nsp, error) ||
      !attr_len_ok (node, "pads", p->n_pads, 2 * nsp, error) ||
      (p->transpose && !attr_len_ok (node, "output_padding", p->n_out_pad, nsp, error)))
    return FALSE;
  if (p->transpose && p->n_out_shape != 0 && p->n_out_shape != (gsize) nsp &&
      p->n_out_shape != (gsize) nsp + 2)
    return attr_len_ok (node, "output_shape", p->n_out_shape, nsp, error);

  cin = x->shape[1];
  if (cin % p->group != 0)
    {
      g_autofree char *xs = cx_shape_to_string (x->ndim, x->shape);
      g_autofree char *ws = cx_shape_to_string (w->ndim, w->shape);
      cx_node_error (node, error, CX_ERROR_SHAPE,
                     "input X %s has %" G_GINT64_FORMAT " channels, not divisible by group %"
                     G_GINT64_FORMAT " (weight W %s)", xs, cin, p->group, ws);
      return FALSE;
    }
  if (!p->transpose)
    {
      wcin = w->shape[1] * p->group;
      cout = w->shape[0];
      if (wcin != cin)
        return shape_error (node, error, x, w, "the weight's input channels times group "
                            "differ from the input's channels");
      if (cout % p->group != 0 || cout == 0)
        return shape_error (node, error, x, w, "the weight's output channels are not "
                            "divisible by group");
    }
  else
    {
      if (w->shape[0] != cin)
        return shape_error (node, error, x, w, "the weight's first axis differs from the "
                            "input's channels");
      cout = w->shape[1] * p->group;
      if (cout == 0)
        return shape_error (node, error, x, w, "the weight has no output channels");
    }
  for (int i = 0; i < nsp; i++)
    {
      k[i] = w->shape[2 + i];
      if (p->n_kernel && p->kernel[i] != k[i])
        return shape_error (node, error, x, w, "attribute 'kernel_shape' differs from the "
                            "weight's spatial shape");
      if (k[i] < 1)
        return shape_error (node, error, x, w, "the kernel is empty");
      in[i] = x->shape[2 + i];
    }
  if (b != NULL && (b->ndim != 1 || b->shape[0] != cout || !cx_elem_is_float (b->elem)))
    {
      g_autofree char *bs = cx_shape_to_string (b->ndim, b->shape);
      cx_node_error (node, error, CX_ERROR_SHAPE,
                     "bias B has shape %s; expected [%" G_GINT64_FORMAT "]", bs, cout);
      return FALSE;
    }

  for (int i = 0; i < nsp; i++)
    {
      int64_t s = p->n_strides ? p->strides[i] : 1;
      int64_t d = p->n_dilations ? p->dilations[i] : 1;
      int64_t ek = (k[i] - 1) * d + 1, pe, total, half;
      pb[i] = p->n_pads ? p->pads[i] : 0;
      pe = p->n_pads ? p->pads[nsp + i] : 0;
      if (!p->transpose)
        {
          if (p->auto_pad == PAD_VALID)
            pb[i] = pe = 0;
          else if (p->auto_pad != PAD_NOTSET)
            {
              int64_t o = (in[i] + s - 1) / s;
              total = MAX (0, (o - 1) * s + ek - in[i]);
              pb[i] = p->auto_pad == PAD_SAME_UPPER ? total / 2 : total - total / 2;
              pe = total - pb[i];
            }
          if (in[i] + pb[i] + pe < ek)
            return shape_error (node, error, x, w, "the dilated kernel is larger than the "
                                "padded input");
          out[i] = (in[i] + pb[i] + pe - ek) / s + 1;
        }
      else
        {
          int64_t op = p->n_out_pad ? p->out_pad[i] : 0;
          int64_t full = s * (in[i] - 1) + op + ek;
          if (p->n_out_shape || p->auto_pad == PAD_SAME_UPPER || p->auto_pad == PAD_SAME_LOWER)
            {
              out[i] = p->n_out_shape ? p->out_shape[p->n_out_shape - nsp + i] : in[i] * s;
              total = full - out[i];
              /* As the ONNX definition (opset 11+) splits it, with Python's
               * floor division: a negative total (output_shape beyond the
               * full extent) is taken from the end, like output_padding. */
              half = total >= 0 ? total / 2 : -((1 - total) / 2);
              pb[i] = p->auto_pad == PAD_SAME_UPPER ? half : total - half;
            }
          else
            {
              if (p->auto_pad == PAD_VALID)
                pb[i] = pe = 0;
              out[i] = full - pb[i] - pe;
            }
          if (out[i] < 1)
            return shape_error (node, error, x, w, "the output would be empty");
        }
      off = MAX_SPATIAL - nsp + i;
      g->k[off] = k[i];
      g->s[off] = s;
      g->d[off] = d;
      g->p[off] = pb[i];
    }

  out_shape[0] = x->shape[0];
  out_shape[1] = cout;
  for (int i = 0; i < nsp; i++)
    out_shape[2 + i] = out[i];

  g->nsp = nsp;
  g->N = x->shape[0];
  g->G = p->group;
  for (int i = 0; i < MAX_SPATIAL - nsp; i++)
    {
      g->im[i] = g->co[i] = g->k[i] = g->s[i] = g->d[i] = 1;
      g->p[i] = 0;
    }
  for (int i = 0; i < nsp; i++)
    {
      off = MAX_SPATIAL - nsp + i;
      g->im[off] = p->transpose ? out[i] : in[i];
      g->co[off] = p->transpose ? in[i] : out[i];
    }
  g->C = p->transpose ? cout : cin;
  g->M = p->transpose ? cin : cout;
  g->Cg = g->C / g->G;
  g->Mg = g->M / g->G;
  g->isz = g->im[0] * g->im[1] * g->im[2];
  g->osz = g->co[0] * g->co[1] * g->co[2];
  g->kvol = g->k[0] * g->k[1] * g->k[2];
  g->K = g->Cg * g->kvol;
  g->pointwise = g->kvol == 1 && g->isz == g->osz;
  for (int i = 0; i < MAX_SPATIAL; i++)
    g->pointwise = g->pointwise && g->s[i] == 1 && g->p[i] == 0;
  g->depthwise = g->Cg == 1 && g->G > 1;
  g->clamp = FALSE;
  g->node = node;
  /* BLAS takes int dimensions. */
  if (g->K > INT_MAX / 4 || g->osz > INT_MAX / 4 || g->Mg > INT_MAX / 4 ||
      g->N * g->osz > INT_MAX / 4)
    {
      cx_node_error (node, error, CX_ERROR_LIMIT, "the convolution is too large");
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* The crew                                                            */
/* ------------------------------------------------------------------ */

/* When a kernel's chunks go one after the other, the loops around each
 * product (im2col, col2im, scatter, gather) are split into parts run by
 * the pool (parallel.h) if there is enough of that work. Parts write
 * disjoint outputs, so results do not depend on the number of threads. */
typedef CxParallelFunc CrewFunc;

typedef struct
{
  int nparts;
} Crew;

static void
crew_start (Crew *c, int64_t work)
{
  c->nparts = cx_parallel_parts (work);
}

static void
crew_run (Crew *c, CrewFunc fn, gpointer data)
{
  cx_parallel_run (fn, data, c->nparts);
}

static void
crew_stop (Crew *c)
{
  c->nparts = 1;
}

/* Part @part of @nparts of [0, n). */
static inline void
part_range (int64_t n, int part, int nparts, int64_t *lo, int64_t *hi)
{
  *lo = n * part / nparts;
  *hi = n * (part + 1) / nparts;
}

/* ------------------------------------------------------------------ */
/* im2col and col2im                                                   */
/* ------------------------------------------------------------------ */

/* Output positions o in [0, O) whose input o·s + off lies in [0, L): [*lo, *hi). */
static inline void
valid_range (int64_t off, int64_t s, int64_t L, int64_t O, int64_t *lo, int64_t *hi)
{
  int64_t a = off >= 0 ? 0 : (-off + s - 1) / s;
  int64_t b = L - 1 - off < 0 ? 0 : (L - 1 - off) / s + 1;
  *lo = MIN (a, O);
  *hi = MAX (*lo, MIN (b, O));
}

/* The chunk's columns of kernel row (c, kd, kh, kw) for image plane @src.
 * (Inlined into im2col_walk, so it gets the walk's AVX2 clone.) */
G_ALWAYS_INLINE static inline void
im2col_plane (const ConvGeom *g, const float *restrict src, const Chunk *ch,
              int64_t offd, int64_t offh, int64_t offw, int64_t wlo, int64_t whi,
              float *restrict dst)
{
  const int64_t OH = g->co[1], OW = g->co[2], IH = g->im[1], IW = g->im[2];
  const int64_t sw = g->s[2];
  int64_t od = ch->r0 / OH, oh = ch->r0 % OH;

  if (g->im[0] == 1 && g->s[1] == 1 && sw == 1 && IW == OW)
    {
      /* Stride 1, rows as wide as the input's: the plane's valid rows are
       * one shifted copy, dst[q] = src[q + shift]; then the border columns
       * (which that copy fills from neighbouring rows) are zeroed. */
      const int64_t nq = (ch->r1 - ch->r0) * OW, shift = (ch->r0 + offh) * OW + offw;
      const int64_t ra = MAX (ch->r0, -offh), rb = MIN (ch->r1, IH - offh);
      /* Clamped to the chunk: a chunk may lie wholly above or below the
       * input's rows (large negative padding), then it is all zeros. */
      const int64_t qa = CLAMP ((ra - ch->r0) * OW, 0, nq), qb = CLAMP ((rb - ch->r0) * OW, qa, nq);
      const int64_t q0 = MIN (qb, MAX (qa, -shift)), q1 = MAX (q0, MIN (qb, IH * IW - shift));
      memset (dst, 0, sizeof (float) * q0);
      memcpy (dst + q0, src + q0 + shift, sizeof (float) * (q1 - q0));
      memset (dst + q1, 0, sizeof (float) * (nq - q1));
      if (wlo > 0 || whi < OW)
        for (int64_t q = qa; q < qb; q += OW)
          {
            for (int64_t ow = 0; ow < wlo; ow++)
              dst[q + ow] = 0.0f;
            for (int64_t ow = whi; ow < OW; ow++)
              dst[q + ow] = 0.0f;
          }
      return;
    }
  for (int64_t r = ch->r0; r < ch->r1; r++, dst += OW)
    {
      int64_t id = od * g->s[0] + offd, ih = oh * g->s[1] + offh;
      if (++oh == OH)
        {
          oh = 0;
          od++;
        }
      if (id < 0 || id >= g->im[0] || ih < 0 || ih >= IH)
        {
          memset (dst, 0, sizeof (float) * OW);
          continue;
        }
      const float *row = src + (id * IH + ih) * IW;
      for (int64_t ow = 0; ow < wlo; ow++)
        dst[ow] = 0.0f;
      if (sw == 1)
        memcpy (dst + wlo, row + wlo + offw, sizeof (float) * (whi - wlo));
      else if (sw == 2)
        for (int64_t ow = wlo; ow < whi; ow++)   /* a constant stride vectorizes */
          dst[ow] = row[2 * ow + offw];
      else
        for (int64_t ow = wlo; ow < whi; ow++)
          dst[ow] = row[ow * sw + offw];
      for (int64_t ow = whi; ow < OW; ow++)
        dst[ow] = 0.0f;
    }
}

/* The same in reverse: adds the row's columns into the image plane. */
G_ALWAYS_INLINE static inline void
col2im_plane (const ConvGeom *g, float *restrict img, const Chunk *ch,
              int64_t offd, int64_t offh, int64_t offw, int64_t wlo, int64_t whi,
              float *restrict src)
{
  const int64_t OH = g->co[1], OW = g->co[2], IH = g->im[1], IW = g->im[2];
  const int64_t sw = g->s[2];
  int64_t od = ch->r0 / OH, oh = ch->r0 % OH;

  if (g->im[0] == 1 && g->s[1] == 1 && sw == 1 && IW == OW)
    {
      /* As in im2col_plane: zero the border columns of the (scratch)
       * column block, then add it as one shifted block. */
      const int64_t shift = (ch->r0 + offh) * OW + offw, nq = (ch->r1 - ch->r0) * OW;
      const int64_t ra = MAX (ch->r0, -offh), rb = MIN (ch->r1, IH - offh);
      /* Clamped to the chunk: a chunk may lie wholly above or below the
       * input's rows (large negative padding), then it is all zeros. */
      const int64_t qa = CLAMP ((ra - ch->r0) * OW, 0, nq), qb = CLAMP ((rb - ch->r0) * OW, qa, nq);
      const int64_t q0 = MIN (qb, MAX (qa, -shift)), q1 = MAX (q0, MIN (qb, IH * IW - shift));
      if (wlo > 0 || whi < OW)
        for (int64_t q = qa; q < qb; q += OW)
          {
            for (int64_t ow = 0; ow < wlo; ow++)
              src[q + ow] = 0.0f;
            for (int64_t ow = whi; ow < OW; ow++)
              src[q + ow] = 0.0f;
          }
      for (int64_t q = q0; q < q1; q++)
        img[q + shift] += src[q];
      return;
    }

  for (int64_t r = ch->r0; r < ch->r1; r++, src += OW)
    {
      int64_t id = od * g->s[0] + offd, ih = oh * g->s[1] + offh;
      if (++oh == OH)
        {
          oh = 0;
          od++;
        }
      if (id < 0 || id >= g->im[0] || ih < 0 || ih >= IH)
        continue;
      float *row = img + (id * IH + ih) * IW;
      if (sw == 1)
        for (int64_t ow = wlo; ow < whi; ow++)
          row[ow + offw] += src[ow];
      else if (sw == 2)
        for (int64_t ow = wlo; ow < whi; ow++)
          row[2 * ow + offw] += src[ow];
      else
        for (int64_t ow = wlo; ow < whi; ow++)
          row[ow * sw + offw] += src[ow];
    }
}

/* 1-D and 2-D depthwise convolution on "phase planes": the zero-padded
 * input plane split by stride phase, x_ab[r][c] = xpad[r·sh + a][c·sw + b].
 * Tap (kh, kw) reads phase ((kh·dh) mod sh, (kw·dw) mod sw) at the constant
 * shift ((kh·dh) div sh, (kw·dw) div sw), so over the flattened plane
 * (rows of Wq ≥ OW, the columns past OW being junk) every tap is one long
 * contiguous axpy or dot product: no bounds checks and no short rows. */
typedef struct
{
  int64_t sh, sw, Hq, Wq, plane, nph, L;
  int64_t *tap_phase, *tap_off;  /* per kernel tap */
  float *phases;                 /* nph planes of Hq × Wq (part 0's) */
  float *flat;                   /* L: one column-side plane with rows of Wq (part 0's) */
  int64_t part_stride;           /* floats from one part's buffers to the next's */
} DwPlan;

/* The phase planes' geometry for a 1-D or 2-D convolution. */
static void
phase_geometry (const ConvGeom *g, DwPlan *dp)
{
  const int64_t sh_max = ((g->k[1] - 1) * g->d[1]) / g->s[1];
  const int64_t sw_max = ((g->k[2] - 1) * g->d[2]) / g->s[2];

  dp->sh = g->s[1];
  dp->sw = g->s[2];
  dp->Wq = g->co[2] + sw_max;
  dp->Hq = g->co[1] + sh_max + 1;  /* a spare row for the junk columns' overrun */
  dp->plane = dp->Hq * dp->Wq;
  dp->nph = dp->sh * dp->sw;
  dp->L = g->co[1] * dp->Wq;
  dp->part_stride = dp->nph * dp->plane + dp->L + 16;
}

static gboolean
dw_plan (CxRun *run, const ConvGeom *g, int nparts, DwPlan *dp, GError **error)
{
  const int64_t KH = g->k[1], KW = g->k[2];
  gsize bytes;
  char *buf;

  phase_geometry (g, dp);
  bytes = sizeof (int64_t) * 2 * g->kvol + sizeof (float) * nparts * dp->part_stride;
  buf = cx_run_scratch (run, 0, bytes, error);
  if (buf == NULL)
    return FALSE;
  dp->tap_phase = (int64_t *) buf;
  dp->tap_off = dp->tap_phase + g->kvol;
  dp->phases = (float *) (dp->tap_off + g->kvol);
  dp->flat = dp->phases + dp->nph * dp->plane;
  for (int64_t kh = 0, t = 0; kh < KH; kh++)
    for (int64_t kw = 0; kw < KW; kw++, t++)
      {
        int64_t oh = kh * g->d[1], ow = kw * g->d[2];
        dp->tap_phase[t] = ((oh % dp->sh) * dp->sw + ow % dp->sw) * dp->plane;
        dp->tap_off[t] = (oh / dp->sh) * dp->Wq + ow / dp->sw;
      }
  return TRUE;
}

/* Phase planes from an image plane (@reverse: adds them back into it).
 * Each input row is read once and dealt to its sw column phases; inside
 * the columns where every phase is in range the loop is branch-free. */
G_ALWAYS_INLINE static inline void
dw_phases (const ConvGeom *g, const DwPlan *dp, float *restrict img, float *restrict ph,
           gboolean reverse)
{
  const int64_t IH = g->im[1], IW = g->im[2], Wq = dp->Wq, sw = dp->sw, pw = g->p[2];
  /* Columns c with 0 ≤ c·sw − pw and c·sw + sw − 1 − pw < IW. */
  const int64_t c_lo = MIN (Wq, (pw + sw - 1) / sw);
  const int64_t c_hi = MAX (c_lo, MIN (Wq, IW + pw - sw < 0 ? 0 : (IW + pw - sw) / sw + 1));

  /* Padded rows q = r·sh + a in order, so the input is read sequentially. */
  for (int64_t q = 0; q < dp->Hq * dp->sh; q++)
      {
        const int64_t a = q % dp->sh, r = q / dp->sh, ih = q - g->p[1];
        float *restrict d0 = ph + (a * sw) * dp->plane + r * Wq;
        float *restrict row;
        if (ih < 0 || ih >= IH)
          {
            if (!reverse)
              for (int64_t b = 0; b < sw; b++)
                memset (d0 + b * dp->plane, 0, sizeof (float) * Wq);
            continue;
          }
        row = img + ih * IW;
        /* Edge columns, with bounds checks. */
        for (int64_t c = 0; c < Wq; c++)
          {
            if (c == c_lo)
              c = c_hi;
            if (c >= Wq)
              break;
            for (int64_t b = 0; b < sw; b++)
              {
                const int64_t iw = c * sw + b - pw;
                const gboolean in = iw >= 0 && iw < IW;
                if (reverse)
                  {
                    if (in)
                      row[iw] += d0[b * dp->plane + c];
                  }
                else
                  d0[b * dp->plane + c] = in ? row[iw] : 0.0f;
              }
          }
        /* Interior columns. */
        if (sw == 1)
          {
            if (reverse)
              for (int64_t c = c_lo; c < c_hi; c++)
                row[c - pw] += d0[c];
            else
              memcpy (d0 + c_lo, row + c_lo - pw, sizeof (float) * (c_hi - c_lo));
          }
        else if (sw == 2)
          {
            float *restrict d1 = d0 + dp->plane;
            if (reverse)
              for (int64_t c = c_lo; c < c_hi; c++)
                {
                  row[2 * c - pw] += d0[c];
                  row[2 * c + 1 - pw] += d1[c];
                }
            else
              for (int64_t c = c_lo; c < c_hi; c++)
                {
                  d0[c] = row[2 * c - pw];
                  d1[c] = row[2 * c + 1 - pw];
                }
          }
        else
          for (int64_t b = 0; b < sw; b++)
            for (int64_t c = c_lo; c < c_hi; c++)
              {
                if (reverse)
                  row[c * sw + b - pw] += d0[b * dp->plane + c];
                else
                  d0[b * dp->plane + c] = row[c * sw + b - pw];
              }
      }
}

/* Small output planes (late layers: 8×8 down to 1×1, strided layers) make
 * per-row copies all overhead; there im2col goes through a map, per kernel
 * offset, from output pixel to input pixel (−1: padding), and each
 * (row, image) is one short gather. */
#define PIXEL_MAP_MAX 4096

static gboolean
pixel_map_applies (const ConvGeom *g)
{
  const gboolean rows_contiguous = g->im[0] == 1 && g->s[1] == 1 && g->s[2] == 1 &&
                                   g->im[2] == g->co[2];
  return g->kvol * g->osz <= PIXEL_MAP_MAX &&
         (g->osz <= PIXEL_MAP_SMALL || !rows_contiguous);
}

G_ALWAYS_INLINE static inline void
im2col_mapped (const ConvGeom *g, float *image, int64_t grp, const Chunk *ch, float *col,
               gboolean reverse, int64_t c0, int64_t c1, int64_t j0, int64_t j1)
{
  const int64_t P = g->osz, ld = ch->nb * P;
  int32_t map[PIXEL_MAP_MAX];

  for (int64_t kd = 0, t = 0; kd < g->k[0]; kd++)
    for (int64_t kh = 0; kh < g->k[1]; kh++)
      for (int64_t kw = 0; kw < g->k[2]; kw++, t++)
        for (int64_t od = 0, o = 0; od < g->co[0]; od++)
          for (int64_t oh = 0; oh < g->co[1]; oh++)
            for (int64_t ow = 0; ow < g->co[2]; ow++, o++)
              {
                const int64_t id = od * g->s[0] + kd * g->d[0] - g->p[0];
                const int64_t ih = oh * g->s[1] + kh * g->d[1] - g->p[1];
                const int64_t iw = ow * g->s[2] + kw * g->d[2] - g->p[2];
                const gboolean in = id >= 0 && id < g->im[0] && ih >= 0 && ih < g->im[1] &&
                                    iw >= 0 && iw < g->im[2];
                map[t * P + o] = in ? (int32_t) ((id * g->im[1] + ih) * g->im[2] + iw) : -1;
              }
  for (int64_t c = c0; c < c1; c++)
    for (int64_t t = 0; t < g->kvol; t++)
      {
        const int32_t *restrict mp = map + t * P;
        float *restrict dst = col + (c * g->kvol + t) * ld;
        for (int64_t j = j0; j < j1; j++)
          {
            float *restrict plane = image + ((ch->n0 + j) * g->C + grp * g->Cg + c) * g->isz;
            float *restrict d = dst + j * P;
            if (reverse)
              {
                for (int64_t o = 0; o < P; o++)
                  if (mp[o] >= 0)
                    plane[mp[o]] += d[o];
              }
            else
              for (int64_t o = 0; o < P; o++)
                {
                  const int32_t i = mp[o];
                  const float v = plane[i < 0 ? 0 : i];
                  d[o] = i < 0 ? 0.0f : v;
                }
          }
      }
}

/* Strided 2-D convolutions with large planes (a 7×7/2 stem): per image
 * plane, the padded input split into stride phases (dw_phases), after
 * which every kernel row is a set of contiguous row copies with no bounds
 * checks, and col2im adds into the phases and deals them back once per
 * plane instead of once per kernel offset. */
static gboolean
phased_applies (const ConvGeom *g)
{
  return g->im[0] == 1 && (g->s[1] > 1 || g->s[2] > 1) && !pixel_map_applies (g);
}

G_ALWAYS_INLINE static inline void
im2col_phased (const ConvGeom *g, float *image, int64_t grp, const Chunk *ch, float *col,
               gboolean reverse, int64_t c0, int64_t c1, int64_t j0, int64_t j1, float *ph)
{
  const int64_t OW = g->co[2], per_image = (ch->r1 - ch->r0) * OW, ld = ch->nb * per_image;
  DwPlan dp;

  phase_geometry (g, &dp);
  for (int64_t c = c0; c < c1; c++)
    for (int64_t j = j0; j < j1; j++)
      {
        float *plane = image + ((ch->n0 + j) * g->C + grp * g->Cg + c) * g->isz;
        if (reverse)
          memset (ph, 0, sizeof (float) * dp.nph * dp.plane);
        else
          dw_phases (g, &dp, plane, ph, FALSE);
        for (int64_t kh = 0, t = 0; kh < g->k[1]; kh++)
          for (int64_t kw = 0; kw < g->k[2]; kw++, t++)
            {
              const int64_t oh_ = kh * g->d[1], ow_ = kw * g->d[2];
              float *restrict base = ph + ((oh_ % dp.sh) * dp.sw + ow_ % dp.sw) * dp.plane +
                                     (oh_ / dp.sh) * dp.Wq + ow_ / dp.sw;
              float *restrict dst = col + (c * g->kvol + t) * ld + j * per_image;
              for (int64_t oh = ch->r0; oh < ch->r1; oh++)
                {
                  float *restrict srow = base + oh * dp.Wq;
                  float *restrict d = dst + (oh - ch->r0) * OW;
                  if (reverse)
                    for (int64_t ow = 0; ow < OW; ow++)
                      srow[ow] += d[ow];
                  else
                    for (int64_t ow = 0; ow < OW; ow++)
                      d[ow] = srow[ow];
                }
            }
        if (reverse)
          dw_phases (g, &dp, plane, ph, TRUE);
      }
}

/* Floats of one part's phase buffer for im2col_phased. */
static int64_t
phased_floats (const ConvGeom *g)
{
  DwPlan dp;

  if (!phased_applies (g))
    return 0;
  phase_geometry (g, &dp);
  return dp.nph * dp.plane + 16;
}

/* Walks the kernel rows of group @grp: calls im2col_plane or col2im_plane
 * for each (row, image) with the column block of width ld. Part @part of
 * @nparts takes a share of the channels (or, with one channel, of the
 * images): shares write disjoint column rows and image planes. */
CX_HOT static void
im2col_walk (const ConvGeom *g, float *image, int64_t grp, const Chunk *ch,
             float *col, gboolean reverse, int part, int nparts, float *phases)
{
  const int64_t per_image = (ch->r1 - ch->r0) * g->co[2];
  const int64_t ld = ch->nb * per_image;
  int64_t c0 = 0, c1 = g->Cg, j0 = 0, j1 = ch->nb;

  if (g->Cg >= nparts)
    part_range (g->Cg, part, nparts, &c0, &c1);
  else
    part_range (ch->nb, part, nparts, &j0, &j1);
  if (g->pointwise)
    {
      /* A 1×1 convolution's columns are the planes themselves: one short
       * straight copy (or add) per channel and image, no map, no calls. */
      const int64_t first = ch->r0 * g->co[2];
      for (int64_t c = c0; c < c1; c++)
        for (int64_t j = j0; j < j1; j++)
          {
            float *restrict plane = image + ((ch->n0 + j) * g->C + grp * g->Cg + c) * g->isz + first;
            float *restrict block = col + c * ld + j * per_image;
            if (reverse)
              for (int64_t o = 0; o < per_image; o++)
                plane[o] += block[o];
            else
              for (int64_t o = 0; o < per_image; o++)
                block[o] = plane[o];
          }
      return;
    }
  if (pixel_map_applies (g) && ch->r0 == 0 && ch->r1 == g->co[0] * g->co[1])
    {
      im2col_mapped (g, image, grp, ch, col, reverse, c0, c1, j0, j1);
      return;
    }
  if (phases != NULL)
    {
      im2col_phased (g, image, grp, ch, col, reverse, c0, c1, j0, j1,
                     phases + part * phased_floats (g));
      return;
    }
  for (int64_t c = c0, r = c0 * g->kvol; c < c1; c++)
    for (int64_t kd = 0; kd < g->k[0]; kd++)
      for (int64_t kh = 0; kh < g->k[1]; kh++)
        for (int64_t kw = 0; kw < g->k[2]; kw++, r++)
          {
            int64_t offd = kd * g->d[0] - g->p[0];
            int64_t offh = kh * g->d[1] - g->p[1];
            int64_t offw = kw * g->d[2] - g->p[2];
            int64_t wlo, whi;
            valid_range (offw, g->s[2], g->im[2], g->co[2], &wlo, &whi);
            for (int64_t j = j0; j < j1; j++)
              {
                float *plane = image + ((ch->n0 + j) * g->C + grp * g->Cg + c) * g->isz;
                float *block = col + r * ld + j * per_image;
                if (reverse)
                  col2im_plane (g, plane, ch, offd, offh, offw, wlo, whi, block);
                else
                  im2col_plane (g, plane, ch, offd, offh, offw, wlo, whi, block);
              }
          }
}

/* Column-side block of group @grp for the chunk: [Mg, nb·cols] gathered
 * from, or scattered (added, or stored plus bias) back to, NCHW. */
static void
gather_colside (const ConvGeom *g, const float *colside, int64_t grp, const Chunk *ch,
                float *restrict dst, int part, int nparts)
{
  const int64_t per = (ch->r1 - ch->r0) * g->co[2], first = ch->r0 * g->co[2];
  const int64_t ld = ch->nb * per;
  int64_t m0, m1;

  part_range (g->Mg, part, nparts, &m0, &m1);
  /* Image by image, reading on through its channels (as scatter_colside
   * writes); four pixels (2×2 maps) as one fixed-size copy, not a call. */
  for (int64_t j = 0; j < ch->nb; j++)
    for (int64_t m = m0; m < m1; m++)
      {
        const float *s = colside + ((ch->n0 + j) * g->M + grp * g->Mg + m) * g->osz + first;
        if (per == 4)
          memcpy (dst + m * ld + j * per, s, 4 * sizeof (float));
        else
          memcpy (dst + m * ld + j * per, s, sizeof (float) * per);
      }
}

CX_HOT static void
scatter_colside (const ConvGeom *g, const float *restrict src, int64_t grp, const Chunk *ch,
                 const float *bias, gboolean accumulate, float *colside, int part, int nparts)
{
  const int64_t per = (ch->r1 - ch->r0) * g->co[2], first = ch->r0 * g->co[2];
  const int64_t ld = ch->nb * per;
  int64_t m0, m1;

  part_range (g->Mg, part, nparts, &m0, &m1);
  /* Image by image, so that the writes run on through the image's
   * channels; the reads stride through the product (in cache). On 2×2
   * maps, channel by channel, every write of four pixels went to another
   * page: MobileNetV2's 320 → 1280 layer spent 0.31 ms here. */
  for (int64_t j = 0; j < ch->nb; j++)
    for (int64_t m = m0; m < m1; m++)
      {
        const float bv = bias != NULL ? bias[grp * g->Mg + m] : 0.0f;
        const float *restrict s = src + m * ld + j * per;
        float *restrict d = colside + ((ch->n0 + j) * g->M + grp * g->Mg + m) * g->osz + first;
        if (per == 4 && !accumulate)
          {
            /* Four pixels as one vector: the loops' vector code below
             * cost more to enter than to run. */
            typedef float V4 __attribute__ ((vector_size (16)));
            typedef gint32 M4 __attribute__ ((vector_size (16)));
            const V4 vlo = { g->lo, g->lo, g->lo, g->lo }, vhi = { g->hi, g->hi, g->hi, g->hi };
            V4 v;
            memcpy (&v, s, sizeof v);
            v = v + (V4) { bv, bv, bv, bv };
            if (g->clamp)
              {
                const M4 below = v < vlo;
                v = (V4) ((below & (M4) vlo) | (~below & (M4) v));
                const M4 above = v > vhi;
                v = (V4) ((above & (M4) vhi) | (~above & (M4) v));
              }
            memcpy (d, &v, sizeof v);
          }
        else if (accumulate)
          for (int64_t i = 0; i < per; i++)
            d[i] += s[i];
        else if (g->clamp && bias != NULL)
          for (int64_t i = 0; i < per; i++)
            d[i] = act_clamp (s[i] + bv, g->lo, g->hi);
        else if (g->clamp)
          for (int64_t i = 0; i < per; i++)
            d[i] = act_clamp (s[i], g->lo, g->hi);
        else if (bias != NULL)
          for (int64_t i = 0; i < per; i++)
            d[i] = s[i] + bv;
        else
          memcpy (d, s, sizeof (float) * per);
      }
}

/* ------------------------------------------------------------------ */
/* Chunks                                                              */
/* ------------------------------------------------------------------ */

typedef struct
{
  int64_t nb;        /* images per chunk (1: one image, maybe in bands of rows) */
  int64_t rows;      /* output rows (od, oh pairs) per chunk when nb == 1 */
} ChunkPlan;

/* Chunks from which a kernel hands them whole to the pool's threads
 * (see run_chunks). */
#define MIN_PARALLEL_CHUNKS 4

/* @images_parallel: whole images will run on the pool's threads, so a
 * per-image product need not be large to keep the cores busy. */
static ChunkPlan
plan_chunks (const ConvGeom *g, int64_t per_image_pixels, gboolean images_parallel)
{
  ChunkPlan plan;
  const int64_t R = g->co[0] * g->co[1];
  int64_t budget_cols = COL_BUDGET / (sizeof (float) * MAX (1, MAX (g->K, g->Mg)));

  budget_cols = MAX (budget_cols, g->co[2]);
  /* A per-image GEMM must also be big enough to keep both cores busy,
   * unless the images go to the threads whole. */
  if ((g->osz >= per_image_pixels &&
       (g->pointwise || g->Mg * g->K * g->osz >= PER_IMAGE_MIN_MACS ||
        (images_parallel && g->N >= MIN_PARALLEL_CHUNKS))) ||
      g->osz >= budget_cols || g->N <= 1)
    {
      plan.nb = 1;
      plan.rows = CLAMP (budget_cols / g->co[2], 1, R);
    }
  else
    {
      plan.nb = CLAMP (budget_cols / g->osz, 1, g->N);
      plan.rows = R;
    }
  return plan;
}

static gboolean
chunk_next (const ConvGeom *g, const ChunkPlan *plan, Chunk *ch)
{
  const int64_t R = g->co[0] * g->co[1];

  if (ch->nb == 0)
    {
      ch->n0 = 0;
      ch->nb = MIN (plan->nb, g->N);
      ch->r0 = 0;
      ch->r1 = MIN (plan->rows, R);
      return g->N > 0;
    }
  if (ch->r1 < R)
    {
      ch->r0 = ch->r1;
      ch->r1 = MIN (ch->r0 + plan->rows, R);
      return TRUE;
    }
  ch->n0 += ch->nb;
  if (ch->n0 >= g->N)
    return FALSE;
  ch->nb = MIN (plan->nb, g->N - ch->n0);
  ch->r0 = 0;
  ch->r1 = MIN (plan->rows, R);
  return TRUE;
}

static gsize
chunk_cols (const ConvGeom *g, const ChunkPlan *plan)
{
  return (gsize) plan->nb * (plan->nb == 1 ? plan->rows * g->co[2] : g->osz);
}

/* ------------------------------------------------------------------ */
/* Depthwise: direct loops                                             */
/* ------------------------------------------------------------------ */

/* Calls BODY for every kernel offset with valid output ranges, rows of
 * the column-side plane `cp` (pointer to a row of OW) and the matching
 * image row `ip` (to be indexed with ow·sw + offw). */
#define DW_FOR_EACH_ROW(g, ...) \
  for (int64_t kd = 0, kidx = 0; kd < (g)->k[0]; kd++) \
    for (int64_t kh = 0; kh < (g)->k[1]; kh++) \
      for (int64_t kw = 0; kw < (g)->k[2]; kw++, kidx++) \
        { \
          const int64_t offd = kd * (g)->d[0] - (g)->p[0]; \
          const int64_t offh = kh * (g)->d[1] - (g)->p[1]; \
          const int64_t offw = kw * (g)->d[2] - (g)->p[2]; \
          int64_t dlo, dhi, hlo, hhi, wlo, whi; \
          valid_range (offd, (g)->s[0], (g)->im[0], (g)->co[0], &dlo, &dhi); \
          valid_range (offh, (g)->s[1], (g)->im[1], (g)->co[1], &hlo, &hhi); \
          valid_range (offw, (g)->s[2], (g)->im[2], (g)->co[2], &wlo, &whi); \
          if (wlo >= whi) \
            continue; \
          for (int64_t od = dlo; od < dhi; od++) \
            for (int64_t oh = hlo; oh < hhi; oh++) \
              { \
                const int64_t crow = (od * (g)->co[1] + oh) * (g)->co[2]; \
                const int64_t irow = ((od * (g)->s[0] + offd) * (g)->im[1] + \
                                      oh * (g)->s[1] + offh) * (g)->im[2] + offw; \
                __VA_ARGS__ \
              } \
        }

/* colside (=, +=) W ⋆ image (+ bias). */
CX_HOT static void
depthwise_apply (const ConvGeom *g, const float *image, const float *w, const float *bias,
                 gboolean accumulate, float *colside)
{
  const int64_t sw = g->s[2];

  for (int64_t n = 0; n < g->N; n++)
    for (int64_t grp = 0; grp < g->G; grp++)
      for (int64_t j = 0; j < g->Mg; j++)
        {
          const int64_t m = grp * g->Mg + j;
          const float *restrict ip = image + (n * g->C + grp) * g->isz;
          float *restrict cp = colside + (n * g->M + m) * g->osz;
          const float *wk = w + m * g->kvol;
          if (!accumulate)
            {
              const float bv = bias != NULL ? bias[m] : 0.0f;
              for (int64_t i = 0; i < g->osz; i++)
                cp[i] = bv;
            }
          DW_FOR_EACH_ROW (g, {
            const float wv = wk[kidx];
            float *restrict yr = cp + crow;
            if (sw == 1)
              for (int64_t ow = wlo; ow < whi; ow++)
                yr[ow] += wv * ip[irow + ow];
            else
              for (int64_t ow = wlo; ow < whi; ow++)
                yr[ow] += wv * ip[irow + ow * sw];
          })
        }
}

/* image += Wᵀ ⋆ colside */
CX_HOT static void
depthwise_apply_t (const ConvGeom *g, const float *colside, const float *w, float *image)
{
  const int64_t sw = g->s[2];

  for (int64_t n = 0; n < g->N; n++)
    for (int64_t grp = 0; grp < g->G; grp++)
      for (int64_t j = 0; j < g->Mg; j++)
        {
          const int64_t m = grp * g->Mg + j;
          float *restrict ip = image + (n * g->C + grp) * g->isz;
          const float *restrict cp = colside + (n * g->M + m) * g->osz;
          const float *wk = w + m * g->kvol;
          DW_FOR_EACH_ROW (g, {
            const float wv = wk[kidx];
            const float *restrict yr = cp + crow;
            if (sw == 1)
              {
                for (int64_t ow = wlo; ow < whi; ow++)
                  ip[irow + ow] += wv * yr[ow];
              }
            else
              for (int64_t ow = wlo; ow < whi; ow++)
                ip[irow + ow * sw] += wv * yr[ow];
          })
        }
}

/* dW += colside ⋆ image */
CX_HOT static void
depthwise_weight_grad (const ConvGeom *g, const float *image, const float *colside, float *dw)
{
  const int64_t sw = g->s[2];

  for (int64_t n = 0; n < g->N; n++)
    for (int64_t grp = 0; grp < g->G; grp++)
      for (int64_t j = 0; j < g->Mg; j++)
        {
          const int64_t m = grp * g->Mg + j;
          const float *restrict ip = image + (n * g->C + grp) * g->isz;
          const float *restrict cp = colside + (n * g->M + m) * g->osz;
          float *wk = dw + m * g->kvol;
          DW_FOR_EACH_ROW (g, {
            const float *restrict yr = cp + crow;
            float acc = 0.0f;
            for (int64_t ow = wlo; ow < whi; ow++)
              acc += yr[ow] * ip[irow + ow * sw];
            wk[kidx] += acc;
          })
        }
}

/* 3×3 depthwise layers with one pixel of padding, unit dilation and
 * stride 1 or 2, on rows a multiple of eight outputs wide (MobileNetV2's
 * 32×32, 16×16 and 8×8 maps), or on output rows four wide (two rows to
 * a vector: its 4×4 maps): each vector of eight outputs sums its nine taps
 * in a register. The neighbouring columns come from unaligned loads, or
 * at a row's ends from lane shifts that bring in the zero padding; at
 * stride 2 the even and odd input columns are dealt apart by shuffles.
 * No phase planes, no accumulator passes, no short per-row loops. */
static gboolean
dw3_direct (const ConvGeom *g)
{
  const int64_t s = g->s[2];

  return g->nsp == 2 && g->k[1] == 3 && g->k[2] == 3 && g->d[1] == 1 && g->d[2] == 1
         && g->p[1] == 1 && g->p[2] == 1 && g->s[1] == s && (s == 1 || s == 2)
         && ((g->co[2] % 8 == 0 && g->im[2] == s * g->co[2] && (s == 2 || g->co[1] == g->im[1]))
             || (g->co[2] == 4 && g->im[2] == 4 * s && g->co[1] % 2 == 0
                 && (s == 2 || g->co[1] == g->im[1])));
}

/* Input row @r's columns under outputs ow … ow + 7, for the kernel's
 * left, middle and right taps (zero outside the row). Stride 1: the
 * pixels and their neighbours, by unaligned loads or, at the row's ends,
 * lane shifts. Stride 2: the even and odd columns dealt apart, and the
 * odd ones shifted by one for the left taps. */
G_ALWAYS_INLINE static inline void
dw3_row (const float *restrict r, int64_t s, int64_t ow, gboolean left_end, gboolean right_end,
         V8 *l, V8 *c, V8 *rt)
{
  const V8 zero = V8_SPLAT (0.0f);

  if (s == 1)
    {
      V8_LOAD (*c, r + ow);
      if (left_end)
        *l = __builtin_shufflevector (*c, zero, 8, 0, 1, 2, 3, 4, 5, 6);
      else
        V8_LOAD (*l, r + ow - 1);
      if (right_end)
        *rt = __builtin_shufflevector (*c, zero, 1, 2, 3, 4, 5, 6, 7, 8);
      else
        V8_LOAD (*rt, r + ow + 1);
    }
  else
    {
      V8 a, b;
      V8_LOAD (a, r + 2 * ow);
      V8_LOAD (b, r + 2 * ow + 8);
      *c = __builtin_shufflevector (a, b, 0, 2, 4, 6, 8, 10, 12, 14);
      *rt = __builtin_shufflevector (a, b, 1, 3, 5, 7, 9, 11, 13, 15);
      *l = __builtin_shufflevector (*rt, V8_SPLAT (left_end ? 0.0f : r[2 * ow - 1]), 8, 0, 1, 2,
                                    3, 4, 5, 6);
    }
}

/* One kernel row's taps @w over a row's three column vectors. */
#define DW3_TAPS(w, l, c, rt) ((w)[0] * (l) + (w)[1] * (c) + (w)[2] * (rt))

/* Output row @oh's vector at @ow from its sum @acc: stored (clamped), or
 * with @add added to what is there. */
G_ALWAYS_INLINE static inline void
dw3_put (const ConvGeom *g, gboolean add, gboolean clamp, V8 acc, float *restrict y)
{
  if (add)
    {
      V8 old;
      V8_LOAD (old, y);
      acc = old + acc;
    }
  else if (clamp)
    {
      const V8 vlo = V8_SPLAT (g->lo), vhi = V8_SPLAT (g->hi);
      acc = V8_SELECT (acc < vlo, vlo, acc);
      acc = V8_SELECT (acc > vhi, vhi, acc);
    }
  V8_STORE (y, acc);
}

/* One kernel row's taps @w over a vector holding two rows four wide. */
#define DW3_TAPS4(w, v)                                                             \
  ((w)[0] * __builtin_shufflevector ((v), zero, 8, 0, 1, 2, 8, 4, 5, 6) + (w)[1] * (v) \
   + (w)[2] * __builtin_shufflevector ((v), zero, 1, 2, 3, 8, 5, 6, 7, 8))

/* dw3_plane on rows four wide, at stride 1: vector k holds rows 2k and
 * 2k + 1; the rows above and below them are the neighbouring vectors'
 * halves, and the neighbouring columns lane shifts inside each half. */
G_ALWAYS_INLINE static inline void
dw3_plane4 (const ConvGeom *g, const float *restrict x, const float *restrict wk, float bv,
            gboolean add, gboolean clamp, float *restrict y)
{
  const int64_t H = g->im[1];
  const V8 zero = V8_SPLAT (0.0f), init = V8_SPLAT (bv);
  V8 here, above;

  V8_LOAD (here, x);
  above = __builtin_shufflevector (zero, here, 4, 5, 6, 7, 8, 9, 10, 11);
  for (int64_t k = 0; 2 * k < H; k++)
    {
      V8 next = zero, below;
      if (2 * k + 2 < H)
        V8_LOAD (next, x + 8 * (k + 1));
      below = __builtin_shufflevector (here, next, 4, 5, 6, 7, 8, 9, 10, 11);
      dw3_put (g, add, clamp,
               ((init + DW3_TAPS4 (wk, above)) + DW3_TAPS4 (wk + 3, here)) + DW3_TAPS4 (wk + 6, below),
               y + 8 * k);
      above = below;
      here = next;
    }
}

/* dw3_plane4 at stride 2, from rows eight wide: kernel row kh of output
 * rows 2k and 2k + 1 reads input rows 4k − 1 + kh and 4k + 1 + kh, one
 * to each half of the vector; their even and odd columns are dealt
 * apart, and the odd ones shifted by one (inside each half) for the
 * left taps. */
G_ALWAYS_INLINE static inline void
dw3_plane4_s2 (const ConvGeom *g, const float *restrict x, const float *restrict wk, float bv,
               gboolean add, gboolean clamp, float *restrict y)
{
  const int64_t IH = g->im[1], OH = g->co[1];
  const V8 zero = V8_SPLAT (0.0f);

  for (int64_t k = 0; 2 * k < OH; k++)
    {
      V8 acc = V8_SPLAT (bv);
      for (int kh = 0; kh < 3; kh++)
        {
          const int64_t top = 4 * k - 1 + kh, bottom = top + 2;
          V8 a = zero, b = zero, c, rt;
          if (top >= 0 && top < IH)
            V8_LOAD (a, x + 8 * top);
          if (bottom < IH)
            V8_LOAD (b, x + 8 * bottom);
          c = __builtin_shufflevector (a, b, 0, 2, 4, 6, 8, 10, 12, 14);
          rt = __builtin_shufflevector (a, b, 1, 3, 5, 7, 9, 11, 13, 15);
          acc += DW3_TAPS (wk + 3 * kh, __builtin_shufflevector (rt, zero, 8, 0, 1, 2, 8, 4, 5, 6),
                           c, rt);
        }
      dw3_put (g, add, clamp, acc, y + 8 * k);
    }
}

/* One output plane @y of input plane @x, weights @wk (row-major 3×3):
 * y = clamp (W ⋆ x + bias) stored, or with @add y += W ⋆ x. Each strip of
 * eight columns walks down the input rows, reading each once: a row adds
 * its three kernel rows' taps into the (at most three) output rows it
 * reaches, kept in registers, and the output row it completes is stored.
 * Every output is ((bias + top row) + middle row) + bottom row. */
G_ALWAYS_INLINE static inline void
dw3_plane (const ConvGeom *g, const float *restrict x, const float *restrict wk, float bv,
           gboolean add, gboolean clamp, float *restrict y)
{
  const int64_t IH = g->im[1], IW = g->im[2], OH = g->co[1], OW = g->co[2], s = g->s[2];
  const V8 init = V8_SPLAT (bv);

  if (OW == 4)
    {
      if (s == 1)
        dw3_plane4 (g, x, wk, bv, add, clamp, y);
      else
        dw3_plane4_s2 (g, x, wk, bv, add, clamp, y);
      return;
    }
  for (int64_t ow = 0; ow < OW; ow += 8)
    {
      const gboolean left_end = ow == 0, right_end = ow + 8 >= IW;
      V8 l, c, rt;
      if (s == 1)
        {
          /* Row i is the bottom row of output i − 1, the middle of i, the top of i + 1. */
          V8 above = init, here = init;
          for (int64_t i = 0; i < IH; i++)
            {
              dw3_row (x + i * IW, 1, ow, left_end, right_end, &l, &c, &rt);
              if (i > 0)
                dw3_put (g, add, clamp, above + DW3_TAPS (wk + 6, l, c, rt),
                         y + (i - 1) * OW + ow);
              above = here + DW3_TAPS (wk + 3, l, c, rt);
              here = init + DW3_TAPS (wk, l, c, rt);
            }
          dw3_put (g, add, clamp, above, y + (IH - 1) * OW + ow);
        }
      else
        {
          /* Output oh: rows 2·oh − 1 (top), 2·oh (middle), 2·oh + 1 (bottom). */
          V8 acc = init;
          for (int64_t oh = 0; oh < OH; oh++)
            {
              V8 next = init;
              if (2 * oh < IH)
                {
                  dw3_row (x + 2 * oh * IW, 2, ow, left_end, FALSE, &l, &c, &rt);
                  acc = acc + DW3_TAPS (wk + 3, l, c, rt);
                }
              if (2 * oh + 1 < IH)
                {
                  dw3_row (x + (2 * oh + 1) * IW, 2, ow, left_end, FALSE, &l, &c, &rt);
                  next = init + DW3_TAPS (wk, l, c, rt);
                  acc = acc + DW3_TAPS (wk + 6, l, c, rt);
                }
              dw3_put (g, add, clamp, acc, y + oh * OW + ow);
              acc = next;
            }
        }
    }
}

/* The input gradient of a stride-2 dw3_direct layer, image plane @x
 * (stored, or added into with @add) from column-side plane @y: even input
 * rows and columns take the middle tap of one output, odd ones the outer
 * taps of the two outputs around them. Every pixel is written once. */
G_ALWAYS_INLINE static inline void
dw3_plane_t2 (const ConvGeom *g, const float *restrict y, const float *restrict wk, gboolean add,
              float *restrict x)
{
  const int64_t IH = g->im[1], IW = g->im[2], OH = g->co[1], OW = g->co[2];
  const V8 zero = V8_SPLAT (0.0f);

  if (OW == 4)
    {
      /* Rows four wide, in a vector's first half: output row a reaches
       * input row 2a through the middle kernel row, and 2a + 1 through
       * the bottom one, as does row a + 1 through the top one. */
      V8 here = zero, next = zero;
      memcpy (&here, y, 4 * sizeof (float));
      for (int64_t a = 0; 2 * a < IH; a++)
        {
          const V8 sh = __builtin_shufflevector (here, zero, 1, 2, 3, 8, 8, 8, 8, 8);
          V8 shn, rows[2];
          next = zero;
          if (a + 1 < OH)
            memcpy (&next, y + 4 * (a + 1), 4 * sizeof (float));
          shn = __builtin_shufflevector (next, zero, 1, 2, 3, 8, 8, 8, 8, 8);
          rows[0] = __builtin_shufflevector (wk[4] * here, wk[5] * here + wk[3] * sh, 0, 8, 1, 9,
                                             2, 10, 3, 11);
          rows[1] = __builtin_shufflevector (wk[7] * here + wk[1] * next,
                                             wk[8] * here + wk[6] * sh + wk[2] * next + wk[0] * shn,
                                             0, 8, 1, 9, 2, 10, 3, 11);
          for (int r = 0; r < 2 && 2 * a + r < IH; r++)
            {
              V8 row = rows[r];
              if (add)
                {
                  V8 old;
                  V8_LOAD (old, x + 8 * (2 * a + r));
                  row = old + row;
                }
              V8_STORE (x + 8 * (2 * a + r), row);
            }
          here = next;
        }
      return;
    }
  for (int64_t ih = 0; ih < IH; ih++)
    for (int64_t ow = 0; ow < OW; ow += 8)
      {
        V8 even = zero, odd = zero, lo, hi;
        /* (output row, kernel row) pairs that reach input row ih = 2·oh − 1 + kh. */
        for (int kh = 0; kh < 3; kh++)
          {
            const int64_t twice = ih + 1 - kh, oh = twice / 2;
            const float *restrict gr = y + oh * OW;
            V8 c, next;
            if (twice < 0 || twice % 2 != 0 || oh >= OH)
              continue;
            V8_LOAD (c, gr + ow);
            if (ow + 8 < OW)
              V8_LOAD (next, gr + ow + 1);
            else
              next = __builtin_shufflevector (c, zero, 1, 2, 3, 4, 5, 6, 7, 8);
            even += wk[3 * kh + 1] * c;
            odd += wk[3 * kh + 2] * c + wk[3 * kh] * next;
          }
        lo = __builtin_shufflevector (even, odd, 0, 8, 1, 9, 2, 10, 3, 11);
        hi = __builtin_shufflevector (even, odd, 4, 12, 5, 13, 6, 14, 7, 15);
        if (add)
          {
            V8 a, b;
            V8_LOAD (a, x + ih * IW + 2 * ow);
            V8_LOAD (b, x + ih * IW + 2 * ow + 8);
            lo = a + lo;
            hi = b + hi;
          }
        V8_STORE (x + ih * IW + 2 * ow, lo);
        V8_STORE (x + ih * IW + 2 * ow + 8, hi);
      }
}

/* The dw2_* kernels: part @part of @nparts takes a share of the groups
 * (so weight-gradient rows are never shared) with its own buffers. */
CX_HOT static void
dw2_apply (const ConvGeom *g, const DwPlan *dp, const float *image, const float *w,
           const float *bias, gboolean accumulate, float *colside, int part, int nparts)
{
  const int64_t L = dp->L, OW = g->co[2], Wq = dp->Wq;
  float *phases = dp->phases + part * dp->part_stride;
  float *restrict acc = dp->flat + part * dp->part_stride;
  int64_t g0, g1;

  part_range (g->G, part, nparts, &g0, &g1);
  if (dw3_direct (g))
    {
      for (int64_t n = 0; n < g->N; n++)
        for (int64_t grp = g0; grp < g1; grp++)
          for (int64_t j = 0; j < g->Mg; j++)
            {
              const int64_t m = grp * g->Mg + j;
              const float bv = bias != NULL && !accumulate ? bias[m] : 0.0f;
              const float *x = image + (n * g->C + grp) * g->isz;
              float *y = colside + (n * g->M + m) * g->osz;
              if (accumulate)
                dw3_plane (g, x, w + m * 9, 0.0f, TRUE, FALSE, y);
              else if (g->clamp)
                dw3_plane (g, x, w + m * 9, bv, FALSE, TRUE, y);
              else
                dw3_plane (g, x, w + m * 9, bv, FALSE, FALSE, y);
            }
      return;
    }
  for (int64_t n = 0; n < g->N; n++)
    for (int64_t grp = g0; grp < g1; grp++)
      {
        dw_phases (g, dp, (float *) image + (n * g->C + grp) * g->isz, phases, FALSE);
        for (int64_t j = 0; j < g->Mg; j++)
          {
            const int64_t m = grp * g->Mg + j;
            const float *wk = w + m * g->kvol;
            float *restrict cp = colside + (n * g->M + m) * g->osz;
            const float bv = bias != NULL && !accumulate ? bias[m] : 0.0f;
            /* Three taps per pass over the accumulator: a third of its loads and stores. */
            for (int64_t t = 0; t < g->kvol; t += 3)
              {
                const float *restrict s0 = phases + dp->tap_phase[t] + dp->tap_off[t];
                const float w0 = wk[t];
                if (t + 3 <= g->kvol)
                  {
                    const float *restrict s1 = phases + dp->tap_phase[t + 1] + dp->tap_off[t + 1];
                    const float *restrict s2 = phases + dp->tap_phase[t + 2] + dp->tap_off[t + 2];
                    const float w1 = wk[t + 1], w2 = wk[t + 2];
                    if (t == 0)
                      for (int64_t i = 0; i < L; i++)
                        acc[i] = w0 * s0[i] + w1 * s1[i] + w2 * s2[i];
                    else
                      for (int64_t i = 0; i < L; i++)
                        acc[i] += w0 * s0[i] + w1 * s1[i] + w2 * s2[i];
                  }
                else
                  for (int64_t u = t; u < g->kvol; u++)
                    {
                      const float wv = wk[u];
                      const float *restrict src = phases + dp->tap_phase[u] + dp->tap_off[u];
                      if (u == 0)
                        for (int64_t i = 0; i < L; i++)
                          acc[i] = wv * src[i];
                      else
                        for (int64_t i = 0; i < L; i++)
                          acc[i] += wv * src[i];
                    }
              }
            for (int64_t oh = 0; oh < g->co[1]; oh++)
              {
                const float *restrict ar = acc + oh * Wq;
                float *restrict yr = cp + oh * OW;
                if (accumulate)
                  for (int64_t ow = 0; ow < OW; ow++)
                    yr[ow] += ar[ow];
                else if (g->clamp)
                  for (int64_t ow = 0; ow < OW; ow++)
                    yr[ow] = act_clamp (ar[ow] + bv, g->lo, g->hi);
                else
                  for (int64_t ow = 0; ow < OW; ow++)
                    yr[ow] = ar[ow] + bv;
              }
          }
      }
}

/* One column-side plane laid out with rows of Wq, zeros in the junk columns. */
static void
dw_flat (const ConvGeom *g, const DwPlan *dp, const float *restrict cp, float *restrict flat)
{
  const int64_t OW = g->co[2], Wq = dp->Wq;

  for (int64_t oh = 0; oh < g->co[1]; oh++)
    {
      memcpy (flat + oh * Wq, cp + oh * OW, sizeof (float) * OW);
      for (int64_t c = OW; c < Wq; c++)
        flat[oh * Wq + c] = 0.0f;
    }
}

CX_HOT static void
dw2_apply_t (const ConvGeom *g, const DwPlan *dp, const float *colside, const float *w,
             float *image, gboolean set, int part, int nparts)
{
  const int64_t L = dp->L;
  float *phases = dp->phases + part * dp->part_stride;
  float *restrict flat = dp->flat + part * dp->part_stride;
  int64_t g0, g1;

  part_range (g->G, part, nparts, &g0, &g1);
  if (dw3_direct (g))
    {
      /* At stride 1 the input gradient is the same convolution with the
       * kernel turned by 180°. */
      for (int64_t n = 0; n < g->N; n++)
        for (int64_t grp = g0; grp < g1; grp++)
          for (int64_t j = 0; j < g->Mg; j++)
            {
              const int64_t m = grp * g->Mg + j;
              const float *wk = w + m * 9, *cp = colside + (n * g->M + m) * g->osz;
              float *x = image + (n * g->C + grp) * g->isz;
              const gboolean add = !set || j > 0;
              float turned[9];
              if (g->s[2] == 2)
                {
                  dw3_plane_t2 (g, cp, wk, add, x);
                  continue;
                }
              for (int t = 0; t < 9; t++)
                turned[t] = wk[8 - t];
              if (add)
                dw3_plane (g, cp, turned, 0.0f, TRUE, FALSE, x);
              else
                dw3_plane (g, cp, turned, 0.0f, FALSE, FALSE, x);
            }
      return;
    }
  for (int64_t n = 0; n < g->N; n++)
    for (int64_t grp = g0; grp < g1; grp++)
      {
        memset (phases, 0, sizeof (float) * dp->nph * dp->plane);
        for (int64_t j = 0; j < g->Mg; j++)
          {
            const int64_t m = grp * g->Mg + j;
            const float *wk = w + m * g->kvol;
            dw_flat (g, dp, colside + (n * g->M + m) * g->osz, flat);
            for (int64_t t = 0; t < g->kvol; t++)
              {
                const float wv = wk[t];
                float *restrict dst = phases + dp->tap_phase[t] + dp->tap_off[t];
                for (int64_t i = 0; i < L; i++)
                  dst[i] += wv * flat[i];
              }
          }
        /* With @set the plane is cleared here, while it is about to be
         * added into, rather than the whole gradient in a pass of its own. */
        if (set)
          memset (image + (n * g->C + grp) * g->isz, 0, sizeof (float) * g->isz);
        dw_phases (g, dp, image + (n * g->C + grp) * g->isz, phases, TRUE);
      }
}

CX_HOT static void
dw2_weight_grad (const ConvGeom *g, const DwPlan *dp, const float *image, const float *colside,
                 float *dw, int part, int nparts)
{
  const int64_t L = dp->L, L8 = L & ~(int64_t) 7;
  float *phases = dp->phases + part * dp->part_stride;
  float *restrict flat = dp->flat + part * dp->part_stride;
  int64_t g0, g1;

  part_range (g->G, part, nparts, &g0, &g1);
  for (int64_t n = 0; n < g->N; n++)
    for (int64_t grp = g0; grp < g1; grp++)
      {
        dw_phases (g, dp, (float *) image + (n * g->C + grp) * g->isz, phases, FALSE);
        for (int64_t j = 0; j < g->Mg; j++)
          {
            const int64_t m = grp * g->Mg + j;
            dw_flat (g, dp, colside + (n * g->M + m) * g->osz, flat);
            for (int64_t t = 0; t < g->kvol; t++)
              {
                const float *restrict src = phases + dp->tap_phase[t] + dp->tap_off[t];
                float lane[8] = { 0 }, sum = 0.0f;
                /* Eight independent partial sums: a reduction the compiler may vectorize. */
                for (int64_t i = 0; i < L8; i += 8)
                  for (int u = 0; u < 8; u++)
                    lane[u] += flat[i + u] * src[i + u];
                for (int64_t i = L8; i < L; i++)
                  sum += flat[i] * src[i];
                for (int u = 0; u < 8; u++)
                  sum += lane[u];
                dw[m * g->kvol + t] += sum;
              }
          }
      }
}

/* Depthwise convolution of small planes (late layers: 4×4, 2×2 pixels with
 * hundreds of channels) in channels-last order, one image at a time: each
 * (output pixel, tap) pair is one vector operation over all channels. */

/* dst[j·ldd + i] (=, or += with @add) src[i·lds + j] for an 8×8 block: the
 * usual unpack / shuffle / lane-swap transpose, all in registers. */
G_ALWAYS_INLINE static inline void
transpose_8x8 (const float *restrict src, int64_t lds, float *restrict dst, int64_t ldd,
               gboolean add)
{
  V8 r[8], t[8], u[8], o[8];

  for (int i = 0; i < 8; i++)
    memcpy (&r[i], src + i * lds, sizeof r[i]);
  for (int i = 0; i < 8; i += 2)
    {
      t[i] = __builtin_shufflevector (r[i], r[i + 1], 0, 8, 1, 9, 4, 12, 5, 13);
      t[i + 1] = __builtin_shufflevector (r[i], r[i + 1], 2, 10, 3, 11, 6, 14, 7, 15);
    }
  for (int i = 0; i < 8; i += 4)
    for (int k = 0; k < 2; k++)
      {
        u[i + 2 * k] = __builtin_shufflevector (t[i + k], t[i + k + 2], 0, 1, 8, 9, 4, 5, 12, 13);
        u[i + 2 * k + 1] = __builtin_shufflevector (t[i + k], t[i + k + 2], 2, 3, 10, 11, 6, 7,
                                                    14, 15);
      }
  for (int j = 0; j < 4; j++)
    {
      o[j] = __builtin_shufflevector (u[j], u[j + 4], 0, 1, 2, 3, 8, 9, 10, 11);
      o[j + 4] = __builtin_shufflevector (u[j], u[j + 4], 4, 5, 6, 7, 12, 13, 14, 15);
    }
  for (int j = 0; j < 8; j++)
    {
      if (add)
        {
          V8 d;
          memcpy (&d, dst + j * ldd, sizeof d);
          o[j] = d + o[j];
        }
      memcpy (dst + j * ldd, &o[j], sizeof o[j]);
    }
}

/* [C][P] → [P][C] (@add: dst += the transpose): 8×8 blocks in registers,
 * the ragged edges element by element. Always inlined, so dwcl_part's
 * AVX2 clone has an AVX2 transpose. */
G_ALWAYS_INLINE static inline void
transpose_cp (const float *restrict src, int64_t C, int64_t P, float *restrict dst, gboolean add)
{
  const int64_t C8 = C & ~(int64_t) 7, P8 = P & ~(int64_t) 7;

  for (int64_t c0 = 0; c0 < C8; c0 += 8)
    for (int64_t p0 = 0; p0 < P8; p0 += 8)
      transpose_8x8 (src + c0 * P + p0, P, dst + p0 * C + c0, C, add);
  for (int64_t p = 0; p < P; p++)
    {
      float *restrict d = dst + p * C;
      /* Columns p ≥ P8 of every row, and rows c ≥ C8 of the others. */
      for (int64_t c = p < P8 ? C8 : 0; c < C; c++)
        d[c] = add ? d[c] + src[c * P + p] : src[c * P + p];
    }
}

/* Calls BODY with `o` (output pixel), `i` (input pixel) and `t` (tap) for
 * every tap of every output pixel that lands inside the image. */
#define CL_FOR_EACH_TAP(g, ...) \
  for (int64_t od = 0, o = 0; od < (g)->co[0]; od++) \
    for (int64_t oh = 0; oh < (g)->co[1]; oh++) \
      for (int64_t ow = 0; ow < (g)->co[2]; ow++, o++) \
        for (int64_t kd = 0, t = 0; kd < (g)->k[0]; kd++) \
          { \
            const int64_t id = od * (g)->s[0] + kd * (g)->d[0] - (g)->p[0]; \
            if (id < 0 || id >= (g)->im[0]) \
              { \
                t += (g)->k[1] * (g)->k[2]; \
                continue; \
              } \
            for (int64_t kh = 0; kh < (g)->k[1]; kh++) \
              { \
                const int64_t ih = oh * (g)->s[1] + kh * (g)->d[1] - (g)->p[1]; \
                if (ih < 0 || ih >= (g)->im[1]) \
                  { \
                    t += (g)->k[2]; \
                    continue; \
                  } \
                for (int64_t kw = 0; kw < (g)->k[2]; kw++, t++) \
                  { \
                    const int64_t iw = ow * (g)->s[2] + kw * (g)->d[2] - (g)->p[2]; \
                    const int64_t i = (id * (g)->im[1] + ih) * (g)->im[2] + iw; \
                    if (iw < 0 || iw >= (g)->im[2]) \
                      continue; \
                    __VA_ARGS__ \
                  } \
              } \
          }

/* Buffers of the channels-last path: the transposed weight (shared) and,
 * per part, an input image, an output image and a weight-gradient
 * accumulator, all channels-last. */
typedef struct
{
  float *wt;
  float *parts;
  int64_t part_stride;
  /* The taps inside the image, as CL_FOR_EACH_TAP walks them, listed once
   * per call rather than walked again for every image: output pixel o's
   * are [start[o], start[o + 1]), with input pixel tap_i and tap tap_t. */
  int32_t *start, *tap_i, *tap_t;
} DwclBufs;

static gboolean
dwcl_alloc (CxRun *run, const ConvGeom *g, int nparts, DwclBufs *b, GError **error)
{
  const int64_t C = g->C;
  int32_t n = 0;

  b->part_stride = C * (g->isz + g->osz + g->kvol) + 16;
  b->wt = cx_run_scratch (run, 0, sizeof (float) * (C * g->kvol + nparts * b->part_stride),
                          error);
  if (b->wt == NULL)
    return FALSE;
  b->parts = b->wt + C * g->kvol;
  b->start = cx_run_scratch (run, 1, sizeof (int32_t) * (g->osz + 1 + 2 * g->osz * g->kvol),
                             error);
  if (b->start == NULL)
    return FALSE;
  b->tap_i = b->start + g->osz + 1;
  b->tap_t = b->tap_i + g->osz * g->kvol;
  memset (b->start, 0, sizeof (int32_t) * (g->osz + 1));
  CL_FOR_EACH_TAP (g, {
    b->start[o + 1] = n + 1;
    b->tap_i[n] = (int32_t) i;
    b->tap_t[n] = (int32_t) t;
    n++;
  })
  /* Pixels without taps (only padding under the kernel) start where the last one ended. */
  for (int64_t o = 0; o < g->osz; o++)
    b->start[o + 1] = MAX (b->start[o + 1], b->start[o]);
  return TRUE;
}

/* yt[o] += Σ over the valid taps t of o: wt[t] ⊙ xt[i(o, t)], three taps
 * per pass over the output vector (a third of its loads and stores). */
#define DWCL_MAX_TAPS 64

G_ALWAYS_INLINE static inline void
dwcl_pixels (const ConvGeom *g, const DwclBufs *b, const float *restrict xt,
             const float *restrict wt, float *restrict yt)
{
  const int64_t C = g->C;

  for (int64_t o = 0; o < g->osz; o++)
    {
      float *restrict yr = yt + o * C;
      const int32_t *ii = b->tap_i, *tt = b->tap_t;
      int32_t q = b->start[o];
      for (; q + 3 <= b->start[o + 1]; q += 3)
        {
          const float *restrict x0 = xt + ii[q] * C, *restrict x1 = xt + ii[q + 1] * C;
          const float *restrict x2 = xt + ii[q + 2] * C;
          const float *restrict w0 = wt + tt[q] * C, *restrict w1 = wt + tt[q + 1] * C;
          const float *restrict w2 = wt + tt[q + 2] * C;
          for (int64_t c = 0; c < C; c++)
            yr[c] += w0[c] * x0[c] + w1[c] * x1[c] + w2[c] * x2[c];
        }
      for (; q < b->start[o + 1]; q++)
        {
          const float *restrict x0 = xt + ii[q] * C, *restrict w0 = wt + tt[q] * C;
          for (int64_t c = 0; c < C; c++)
            yr[c] += w0[c] * x0[c];
        }
    }
}

/* Calls BODY with `o`, `i` and `t` for every listed tap, in CL_FOR_EACH_TAP's order. */
#define DWCL_FOR_EACH_TAP(b, g, ...) \
  for (int64_t o = 0; o < (g)->osz; o++) \
    for (int32_t q = (b)->start[o]; q < (b)->start[o + 1]; q++) \
      { \
        const int64_t i = (b)->tap_i[q], t = (b)->tap_t[q]; \
        __VA_ARGS__ \
      }

/* Part @part of @nparts takes a share of the images; weight gradients go
 * to the part's own accumulator (summed by the caller). */
CX_HOT static void
dwcl_part (const ConvGeom *g, const DwclBufs *b, int which, const float *image,
           const float *colside, const float *bias, gboolean accumulate, gboolean set,
           float *out, int part, int nparts)
{
  const int64_t C = g->C;
  float *xt = b->parts + part * b->part_stride, *yt = xt + g->isz * C, *dwt = yt + g->osz * C;
  const float *wt = b->wt;
  int64_t n0, n1;

  part_range (g->N, part, nparts, &n0, &n1);
  if (which == 2)
    memset (dwt, 0, sizeof (float) * g->kvol * C);
  for (int64_t n = n0; n < n1; n++)
    {
      if (which == 0)
        {
          transpose_cp (image + n * C * g->isz, C, g->isz, xt, FALSE);
          for (int64_t o = 0; o < g->osz; o++)
            for (int64_t c = 0; c < C; c++)
              yt[o * C + c] = bias != NULL && !accumulate ? bias[c] : 0.0f;
          if (g->kvol <= DWCL_MAX_TAPS)
            dwcl_pixels (g, b, xt, wt, yt);
          else
            DWCL_FOR_EACH_TAP (b, g, {
              float *restrict yr = yt + o * C;
              const float *restrict xr = xt + i * C, *restrict wr = wt + t * C;
              for (int64_t c = 0; c < C; c++)
                yr[c] += wr[c] * xr[c];
            })
          if (g->clamp)
            clamp_rows (yt, 1, g->osz * C, 0, g->lo, g->hi);
          transpose_cp (yt, g->osz, C, out + n * C * g->osz, accumulate);
        }
      else if (which == 1)
        {
          transpose_cp (colside + n * C * g->osz, C, g->osz, yt, FALSE);
          memset (xt, 0, sizeof (float) * g->isz * C);
          DWCL_FOR_EACH_TAP (b, g, {
            const float *restrict yr = yt + o * C, *restrict wr = wt + t * C;
            float *restrict xr = xt + i * C;
            for (int64_t c = 0; c < C; c++)
              xr[c] += wr[c] * yr[c];
          })
          transpose_cp (xt, g->isz, C, out + n * C * g->isz, !set);
        }
      else
        {
          transpose_cp (image + n * C * g->isz, C, g->isz, xt, FALSE);
          transpose_cp (colside + n * C * g->osz, C, g->osz, yt, FALSE);
          DWCL_FOR_EACH_TAP (b, g, {
            const float *restrict yr = yt + o * C, *restrict xr = xt + i * C;
            float *restrict dr = dwt + t * C;
            for (int64_t c = 0; c < C; c++)
              dr[c] += yr[c] * xr[c];
          })
        }
    }
}

typedef struct
{
  const ConvGeom *g;
  const DwPlan *dp;
  const DwclBufs *cl;
  int which;
  const float *image, *colside, *w, *bias;
  gboolean accumulate;
  gboolean set;      /* the transposed direction (dw_sets): write @out, not add */
  float *out;
} DwJob;

static void
job_depthwise (gpointer data, int part, int nparts)
{
  const DwJob *j = data;

  if (j->cl != NULL)
    dwcl_part (j->g, j->cl, j->which, j->image, j->colside, j->bias, j->accumulate, j->set,
               j->out, part, nparts);
  else if (j->which == 0)
    dw2_apply (j->g, j->dp, j->image, j->w, j->bias, j->accumulate, j->out, part, nparts);
  else if (j->which == 1)
    dw2_apply_t (j->g, j->dp, j->colside, j->w, j->out, j->set, part, nparts);
  else
    dw2_weight_grad (j->g, j->dp, j->image, j->colside, j->out, part, nparts);
}

/* Small planes go channels-last (one vector operation over all channels
 * per pixel and tap), unless dw3_direct's kernels apply (MobileNetV2's
 * 8×8 maps: 0.35 → 0.13 ms forward, 0.41 → 0.22 ms input gradient). */
static gboolean
dw_channels_last (const ConvGeom *g)
{
  return g->Mg == 1 && g->osz <= DW_CHANNELS_LAST_PIXELS && g->C >= 8 && !dw3_direct (g);
}

/* Whether depthwise_dispatch's transposed direction can write the image
 * instead of adding into it (@set): on phase planes and channels-last,
 * not in the 3-D loops. */
static gboolean
dw_sets (const ConvGeom *g)
{
  return g->nsp != 3 || dw_channels_last (g);
}

/* @which: 0 colside (=, +=) W ⋆ image; 1 image += Wᵀ ⋆ colside; 2 dW += colside ⋆ image. */
static gboolean
depthwise_dispatch (CxRun *run, const ConvGeom *g, int which, const float *image,
                    const float *colside_in, const float *w, const float *bias,
                    gboolean accumulate, gboolean set, float *out, GError **error)
{
  DwPlan dp;
  DwclBufs cl;
  DwJob job = { g, NULL, NULL, which, image, colside_in, w, bias, accumulate, set, out };
  Crew crew;

  if (g->nsp == 3 && !dw_channels_last (g))
    {
      /* 3-D: the plain loops. */
      if (which == 0)
        {
          depthwise_apply (g, image, w, bias, accumulate, out);
          if (g->clamp)
            clamp_rows (out, 1, g->N * g->M * g->osz, 0, g->lo, g->hi);
        }
      else if (which == 1)
        depthwise_apply_t (g, colside_in, w, out);
      else
        depthwise_weight_grad (g, image, colside_in, out);
      return TRUE;
    }
  crew_start (&crew, g->N * g->M * g->osz * g->kvol);
  if (dw_channels_last (g))
    {
      /* Its weight gradient sums per-part accumulators: one part keeps
       * that sum's order, and so its bits, the same for any thread count. */
      if (which == 2)
        crew.nparts = 1;
      if (!dwcl_alloc (run, g, crew.nparts, &cl, error))
        goto fail;
      if (which != 2)
        transpose_cp (w, g->C, g->kvol, cl.wt, FALSE);
      job.cl = &cl;
    }
  else
    {
      if (!dw_plan (run, g, crew.nparts, &dp, error))
        goto fail;
      job.dp = &dp;
    }
  crew_run (&crew, job_depthwise, &job);
  if (which == 2 && job.cl != NULL)
    transpose_cp (cl.parts + g->C * (g->isz + g->osz), g->kvol, g->C, out, TRUE);
  crew_stop (&crew);
  return TRUE;

fail:
  crew_stop (&crew);
  return FALSE;
}

/* One crew job around a GEMM: the arguments of the loop to share. */
typedef struct
{
  const ConvGeom *g;
  float *image, *col, *colside;
  const float *src, *bias;
  int64_t grp;
  const Chunk *ch;
  gboolean flag;   /* im2col_walk: reverse; scatter: accumulate */
  float *phases;   /* im2col_walk: per-part phase buffers, or NULL */
} ConvJob;

static void
job_im2col (gpointer data, int part, int nparts)
{
  const ConvJob *j = data;
  im2col_walk (j->g, j->image, j->grp, j->ch, j->col, j->flag, part, nparts, j->phases);
}

static void
job_scatter (gpointer data, int part, int nparts)
{
  const ConvJob *j = data;
  scatter_colside (j->g, j->src, j->grp, j->ch, j->bias, j->flag, j->colside, part, nparts);
}

static void
job_gather (gpointer data, int part, int nparts)
{
  const ConvJob *j = data;
  gather_colside (j->g, j->src, j->grp, j->ch, j->col, part, nparts);
}

static void
crew_im2col (Crew *crew, const ConvGeom *g, float *image, int64_t grp, const Chunk *ch,
             float *col, gboolean reverse, float *phases)
{
  ConvJob j = { .g = g, .image = image, .col = col, .grp = grp, .ch = ch, .flag = reverse,
                .phases = phases };
  crew_run (crew, job_im2col, &j);
}

static void
crew_scatter (Crew *crew, const ConvGeom *g, const float *src, int64_t grp, const Chunk *ch,
              const float *bias, gboolean accumulate, float *colside)
{
  ConvJob j = { .g = g, .src = src, .grp = grp, .ch = ch, .bias = bias, .flag = accumulate,
                .colside = colside };
  crew_run (crew, job_scatter, &j);
}

static void
crew_gather (Crew *crew, const ConvGeom *g, const float *colside, int64_t grp, const Chunk *ch,
             float *dst)
{
  ConvJob j = { .g = g, .src = colside, .grp = grp, .ch = ch, .col = dst };
  crew_run (crew, job_gather, &j);
}

/* Pixels from which a 1×1 convolution's images go one at a time. */
static int64_t
pointwise_per_image (const ConvGeom *g)
{
  return g->Mg * g->K <= CACHED_WEIGHT ? PER_IMAGE_CACHED : PER_IMAGE_POINTWISE;
}

/* The same for any forward or transposed product: @large for a weight
 * that is neither 1×1 nor cached. */
static int64_t
per_image_pixels (const ConvGeom *g, int64_t large)
{
  return g->kvol == 1 || g->Mg * g->K <= CACHED_WEIGHT ? pointwise_per_image (g) : large;
}

/* The im2col traffic of a call, to decide whether a helper thread pays off. */
static int64_t
conv_work (const ConvGeom *g)
{
  return g->pointwise && g->osz >= pointwise_per_image (g) ? 0 : g->N * g->G * g->K * g->osz;
}

/* ------------------------------------------------------------------ */
/* The three kernels                                                   */
/* ------------------------------------------------------------------ */

/* Few taps (K up to SMALL_K: a first layer on one or three channels). A
 * GEMM with so short an inner dimension is mostly packing, zeroing and
 * scattering; here each image's columns are built in the part's own
 * buffer and each output row is written straight into the output: the
 * bias (or the output itself, with @accumulate), then the taps three at a
 * time, then the clamp, while the row is in cache. Parts take whole
 * images, so every output element is summed in the same order whatever
 * the number of threads. */
#define SMALL_K 32
/* Forward, BLAS takes over above this many taps: measured on MobileNetV2's
 * 3×3 stem on 3 channels (K = 27), 2.2 → 1.6 ms; its transposed product
 * stays here (1.1 ms against 1.5 with BLAS). */
#define SMALL_K_FORWARD 16

typedef struct
{
  const ConvGeom *g;
  const float *image, *w, *bias;
  gboolean accumulate;
  float *colside, *cols, *phases;
  float *grad;       /* the transposed direction: image (=, += with !accumulate) col2im (Wᵀ · colside) */
} SmallKJob;

static gboolean
small_k_applies (const ConvGeom *g, gboolean forward)
{
  /* Not 1×1 layers (MobileNets' expansions of 16 to 32 channels): their
   * GEMM reads the image as it is, with no im2col to save, and BLAS was
   * measured 8 % faster on MobileNetV2's forward than these loops. */
  return !g->depthwise && !g->pointwise && g->G == 1 &&
         g->K <= (forward ? SMALL_K_FORWARD : SMALL_K) &&
         sizeof (float) * g->K * g->osz <= COL_BUDGET;
}

/* small_k_rows for output channels m … m + 3 over the first P − P % 8
 * pixels: each column vector read once for four channels, the sums kept
 * in registers, in the same order as the one-channel loop below. */
CX_HOT static void
small_k_block4 (const ConvGeom *g, const float *restrict col, const float *w,
                const float *bias, gboolean accumulate, float *out, int64_t m)
{
  const int64_t P = g->osz, K = g->K;
  const float *w0 = w + m * K, *w1 = w0 + K, *w2 = w1 + K, *w3 = w2 + K;
  float *restrict y0 = out + m * P, *restrict y1 = y0 + P, *restrict y2 = y1 + P,
        *restrict y3 = y2 + P;

  for (int64_t p = 0; p + 8 <= P; p += 8)
    {
      V8 a0, a1, a2, a3;
      int64_t k = 0;
      if (accumulate)
        {
          memcpy (&a0, y0 + p, sizeof a0);
          memcpy (&a1, y1 + p, sizeof a1);
          memcpy (&a2, y2 + p, sizeof a2);
          memcpy (&a3, y3 + p, sizeof a3);
        }
      else
        {
          const float b0 = bias ? bias[m] : 0.0f, b1 = bias ? bias[m + 1] : 0.0f;
          const float b2 = bias ? bias[m + 2] : 0.0f, b3 = bias ? bias[m + 3] : 0.0f;
          a0 = (V8) { b0, b0, b0, b0, b0, b0, b0, b0 };
          a1 = (V8) { b1, b1, b1, b1, b1, b1, b1, b1 };
          a2 = (V8) { b2, b2, b2, b2, b2, b2, b2, b2 };
          a3 = (V8) { b3, b3, b3, b3, b3, b3, b3, b3 };
        }
      for (; k + 3 <= K; k += 3)
        {
          V8 c0, c1, c2;
          memcpy (&c0, col + k * P + p, sizeof c0);
          memcpy (&c1, col + (k + 1) * P + p, sizeof c1);
          memcpy (&c2, col + (k + 2) * P + p, sizeof c2);
          a0 += w0[k] * c0 + w0[k + 1] * c1 + w0[k + 2] * c2;
          a1 += w1[k] * c0 + w1[k + 1] * c1 + w1[k + 2] * c2;
          a2 += w2[k] * c0 + w2[k + 1] * c1 + w2[k + 2] * c2;
          a3 += w3[k] * c0 + w3[k + 1] * c1 + w3[k + 2] * c2;
        }
      for (; k < K; k++)
        {
          V8 c;
          memcpy (&c, col + k * P + p, sizeof c);
          a0 += w0[k] * c;
          a1 += w1[k] * c;
          a2 += w2[k] * c;
          a3 += w3[k] * c;
        }
      memcpy (y0 + p, &a0, sizeof a0);
      memcpy (y1 + p, &a1, sizeof a1);
      memcpy (y2 + p, &a2, sizeof a2);
      memcpy (y3 + p, &a3, sizeof a3);
    }
}

CX_HOT static void
small_k_rows (const ConvGeom *g, const float *restrict col, const float *w, const float *bias,
              gboolean accumulate, float *out)
{
  const int64_t P = g->osz, K = g->K, head = P - P % 8;
  int64_t m0 = 0;

  for (; m0 + 4 <= g->M && head > 0; m0 += 4)
    small_k_block4 (g, col, w, bias, accumulate, out, m0);
  for (int64_t m = 0; m < g->M; m++)
    {
      const int64_t from = m < m0 ? head : 0;
      const float *wm = w + m * K;
      float *restrict y = out + m * P;
      int64_t k = 0;
      if (!accumulate)
        {
          const float bv = bias != NULL ? bias[m] : 0.0f;
          for (int64_t p = from; p < P; p++)
            y[p] = bv;
        }
      for (; k + 3 <= K; k += 3)
        {
          const float w0 = wm[k], w1 = wm[k + 1], w2 = wm[k + 2];
          const float *restrict c0 = col + k * P, *restrict c1 = c0 + P, *restrict c2 = c1 + P;
          for (int64_t p = from; p < P; p++)
            y[p] += w0 * c0[p] + w1 * c1[p] + w2 * c2[p];
        }
      for (; k < K; k++)
        {
          const float wk = wm[k];
          const float *restrict ck = col + k * P;
          for (int64_t p = from; p < P; p++)
            y[p] += wk * ck[p];
        }
      if (g->clamp)
        for (int64_t p = 0; p < P; p++)
          y[p] = act_clamp (y[p], g->lo, g->hi);
    }
}

/* The transposed direction for one image: col = Wᵀ · dy, K rows of P,
 * three output channels per pass. */
CX_HOT static void
small_k_cols_t (const ConvGeom *g, const float *restrict dy, const float *w, float *restrict col)
{
  const int64_t P = g->osz, K = g->K, M = g->M;

  for (int64_t k = 0; k < K; k++)
    {
      float *restrict c = col + k * P;
      int64_t m = 0;
      for (int64_t p = 0; p < P; p++)
        c[p] = 0.0f;
      for (; m + 3 <= M; m += 3)
        {
          const float w0 = w[m * K + k], w1 = w[(m + 1) * K + k], w2 = w[(m + 2) * K + k];
          const float *restrict d0 = dy + m * P, *restrict d1 = d0 + P, *restrict d2 = d1 + P;
          for (int64_t p = 0; p < P; p++)
            c[p] += w0 * d0[p] + w1 * d1[p] + w2 * d2[p];
        }
      for (; m < M; m++)
        {
          const float wm = w[m * K + k];
          const float *restrict dm = dy + m * P;
          for (int64_t p = 0; p < P; p++)
            c[p] += wm * dm[p];
        }
    }
}

/* Images of part @part: forward (colside = W · im2col (image)) or, when
 * the job has a gradient to fill, the transposed direction. */
static void
job_small_k (gpointer data, int part, int nparts)
{
  const SmallKJob *j = data;
  const ConvGeom *g = j->g;
  float *col = j->cols + part * g->K * g->osz;
  float *ph = j->phases != NULL ? j->phases + part * phased_floats (g) : NULL;
  int64_t n0, n1;

  part_range (g->N, part, nparts, &n0, &n1);
  for (int64_t n = n0; n < n1; n++)
    {
      const Chunk ch = { n, 1, 0, g->co[0] * g->co[1] };
      /* The walk's phase buffers are per part: hand it this part's as part 0 of 1. */
      if (j->grad == NULL)
        {
          im2col_walk (g, (float *) j->image, 0, &ch, col, FALSE, 0, 1, ph);
          small_k_rows (g, col, j->w, j->bias, j->accumulate, j->colside + n * g->M * g->osz);
          continue;
        }
      if (!j->accumulate)
        memset (j->grad + n * g->C * g->isz, 0, sizeof (float) * g->C * g->isz);
      small_k_cols_t (g, j->colside + n * g->M * g->osz, j->w, col);
      im2col_walk (g, j->grad, 0, &ch, col, TRUE, 0, 1, ph);
    }
}

/* @grad set: image (=, or += with @accumulate) col2im (Wᵀ · colside);
 * else colside (=, +=) W · im2col (image) (+ bias). */
static gboolean
conv_apply_small_k (CxRun *run, const ConvGeom *g, const float *image, const float *w,
                    const float *bias, gboolean accumulate, float *colside, float *grad,
                    GError **error)
{
  const int nparts = (int) MAX (1, MIN (cx_parallel_parts (g->N * g->M * g->osz), g->N));
  const int64_t pf = phased_floats (g);
  SmallKJob job = { g, image, w, bias, accumulate, colside, NULL, NULL };

  job.cols = cx_run_scratch (run, 0, sizeof (float) * (g->K * g->osz + pf) * nparts, error);
  if (job.cols == NULL)
    return FALSE;
  if (pf > 0)
    job.phases = job.cols + g->K * g->osz * nparts;
  job.grad = grad;
  cx_parallel_run (job_small_k, &job, nparts);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Chunks and who runs them                                            */
/* ------------------------------------------------------------------ */

/* A kernel's chunks go to the pool whole when there are at least
 * MIN_PARALLEL_CHUNKS of them (each thread then does a chunk's im2col,
 * product and scatter alone, with its own buffers); with fewer, one
 * chunk at a time, its product cut in parts (cx_sgemm_parts) and its
 * loops split by the crew. Either way is decided by shapes alone, so
 * results do not depend on the number of threads. */

typedef struct ChunksJob ChunksJob;

/* One chunk of a kernel, with that chunk's buffers (@col: im2col, @tmp:
 * the gathered or multiplied column side, @phases: im2col_walk's). With a
 * @crew, the loops are split among it and the product is cut in parts;
 * without, all runs on this thread. */
typedef void (*ChunkFunc) (const ChunksJob *j, const Chunk *ch, float *col, float *tmp,
                           float *phases, Crew *crew);

struct ChunksJob
{
  const ConvGeom *g;
  ChunkFunc fn;
  const float *image, *w, *bias, *colside;
  float *out;                  /* the column side (apply) or the image (apply_t, weight_grad: dW) */
  gboolean flag;               /* apply: accumulate; apply_t: set */
  gboolean direct;             /* apply_t: the 1×1 product writes the image itself */
  const Chunk *chunks;
  int n_chunks;
  gint next;                   /* atomic: the next chunk to take */
  float *bufs;                 /* per worker: col, tmp, phases */
  gsize col_floats, tmp_floats, phase_floats;
};

static void
sgemm_chunk (Crew *crew, gboolean ta, gboolean tb, int64_t M, int64_t N, int64_t K,
             const float *A, int64_t lda, const float *B, int64_t ldb, float beta, float *C,
             int64_t ldc)
{
  if (crew != NULL)
    cx_sgemm_parts (ta, tb, (int) M, (int) N, (int) K, 1.0f, A, (int) lda, B, (int) ldb, beta,
                    C, (int) ldc);
  else
    cx_sgemm (ta, tb, (int) M, (int) N, (int) K, 1.0f, A, (int) lda, B, (int) ldb, beta, C,
              (int) ldc);
}

static void
walk_chunk (Crew *crew, const ConvGeom *g, float *image, int64_t grp, const Chunk *ch,
            float *col, gboolean reverse, float *phases)
{
  if (crew != NULL)
    crew_im2col (crew, g, image, grp, ch, col, reverse, phases);
  else
    im2col_walk (g, image, grp, ch, col, reverse, 0, 1, phases);
}

/* The chunk's column side of group @grp as an [Mg, n] matrix: in place
 * for one image, else gathered into @tmp. Its leading dimension in *@ld. */
static const float *
chunk_colside (const ChunksJob *j, const Chunk *ch, int64_t grp, float *tmp, Crew *crew,
               int64_t *ld)
{
  const ConvGeom *g = j->g;

  if (ch->nb == 1)
    {
      *ld = g->osz;
      return j->colside + (ch->n0 * g->M + grp * g->Mg) * g->osz + ch->r0 * g->co[2];
    }
  if (crew != NULL)
    crew_gather (crew, g, j->colside, grp, ch, tmp);
  else
    gather_colside (g, j->colside, grp, ch, tmp, 0, 1);
  *ld = ch->nb * (ch->r1 - ch->r0) * g->co[2];
  return tmp;
}

/* The chunk's im2col of group @grp as a [K, n] matrix: the image itself
 * when @col is NULL (1×1, one image), else built in @col. */
static const float *
chunk_image_cols (const ChunksJob *j, const Chunk *ch, int64_t grp, float *col, float *phases,
                  Crew *crew, int64_t *ld)
{
  const ConvGeom *g = j->g;

  if (col == NULL)
    {
      *ld = g->isz;
      return j->image + (ch->n0 * g->C + grp * g->Cg) * g->isz;
    }
  walk_chunk (crew, g, (float *) j->image, grp, ch, col, FALSE, phases);
  *ld = ch->nb * (ch->r1 - ch->r0) * g->co[2];
  return col;
}

static void
job_chunks (gpointer data, int part, int nparts)
{
  ChunksJob *j = data;
  float *col = j->bufs + part * (j->col_floats + j->tmp_floats + j->phase_floats);
  float *tmp = col + j->col_floats, *ph = tmp + j->tmp_floats;
  int c;

  while ((c = g_atomic_int_add (&j->next, 1)) < j->n_chunks)
    j->fn (j, &j->chunks[c], j->col_floats ? col : NULL, j->tmp_floats ? tmp : NULL,
           j->phase_floats ? ph : NULL, NULL);
}

/* Runs @j's function over the chunks of @plan: whole chunks in parallel
 * when @whole allows it and there are enough (see MIN_PARALLEL_CHUNKS),
 * else one after the other. @col, @tmp: whether the function needs those
 * buffers (of chunk_cols columns). */
static gboolean
run_chunks (CxRun *run, ChunksJob *j, const ChunkPlan *plan, gboolean col, gboolean tmp,
            gboolean whole, GError **error)
{
  const ConvGeom *g = j->g;
  const gsize cols = chunk_cols (g, plan);
  const int64_t macs = g->N * g->G * g->Mg * g->K * g->osz;
  g_autoptr(GArray) chunks = g_array_new (FALSE, FALSE, sizeof (Chunk));
  Chunk ch = { 0 };
  CxTensor *buf;
  int64_t shape[1];
  int workers;

  while (chunk_next (g, plan, &ch))
    g_array_append_val (chunks, ch);
  j->chunks = (const Chunk *) (gpointer) chunks->data;
  j->n_chunks = (int) chunks->len;
  j->col_floats = col ? g->K * cols : 0;
  j->tmp_floats = tmp ? g->Mg * cols : 0;
  j->phase_floats = col ? phased_floats (g) : 0;
  if (whole && j->n_chunks >= MIN_PARALLEL_CHUNKS)
    {
      workers = macs >= CX_SGEMM_PART_MACS ? cx_parallel_get_threads ()
                                           : cx_parallel_parts (conv_work (g));
      workers = MAX (1, MIN (workers, j->n_chunks));
      shape[0] = MAX (1, (int64_t) workers * (j->col_floats + j->tmp_floats + j->phase_floats));
      buf = cx_run_alloc (run, CX_ELEM_FLOAT, 1, shape, error);
      if (buf == NULL)
        return FALSE;
      j->bufs = buf->data.f;
      g_atomic_int_set (&j->next, 0);
      cx_parallel_run (job_chunks, j, workers);
      cx_run_release (run, buf);
      return TRUE;
    }
  {
    Crew crew;
    float *b;
    crew_start (&crew, conv_work (g));
    shape[0] = MAX (1, (int64_t) (j->col_floats + j->tmp_floats + crew.nparts * j->phase_floats));
    buf = cx_run_alloc (run, CX_ELEM_FLOAT, 1, shape, error);
    if (buf == NULL)
      return FALSE;
    b = buf->data.f;
    for (int c = 0; c < j->n_chunks; c++)
      j->fn (j, &j->chunks[c], col ? b : NULL, tmp ? b + j->col_floats : NULL,
             j->phase_floats ? b + j->col_floats + j->tmp_floats : NULL, &crew);
    crew_stop (&crew);
    cx_run_release (run, buf);
  }
  return TRUE;
}

/* conv_apply's chunk: colside (=, +=) W · im2col (image) (+ bias). */
static void
apply_chunk (const ChunksJob *j, const Chunk *ch, float *col, float *tmp, float *phases,
             Crew *crew)
{
  const ConvGeom *g = j->g;
  const int64_t per = (ch->r1 - ch->r0) * g->co[2], n = ch->nb * per;
  const gboolean accumulate = j->flag;

  for (int64_t grp = 0; grp < g->G; grp++)
    {
      const float *wg = j->w + grp * g->Mg * g->K;
      int64_t ldb;
      const float *B = chunk_image_cols (j, ch, grp, col, phases, crew, &ldb);
      if (ch->nb == 1)
        {
          /* In place: the group's channels of one image are a [Mg, P] matrix. */
          float *C = j->out + (ch->n0 * g->M + grp * g->Mg) * g->osz + ch->r0 * g->co[2];
          if (crew == NULL)
            {
              /* The kernel with the bias and the clamp inside (pointwise.h):
               * 1×1 layers on the image itself, others on its im2col. */
              const CxPointwise pw = { g->Mg, g->K, n, ldb, g->osz,
                                       j->bias != NULL && !accumulate ? j->bias + grp * g->Mg
                                                                      : NULL,
                                       accumulate, g->clamp, g->lo, g->hi };
              const CxPointwiseKernel kernel = cx_pointwise_choose (&pw);
              if (kernel != CX_POINTWISE_NONE)
                {
                  cx_pointwise_run (kernel, &pw, wg, B, C);
                  continue;
                }
            }
          /* With a bias, C starts as the bias and the GEMM adds onto it
           * (beta = 1 also spares OpenBLAS its zeroing pass). */
          if (j->bias != NULL && !accumulate)
            bias_rows (C, g->Mg, n, g->osz, j->bias + grp * g->Mg);
          sgemm_chunk (crew, FALSE, FALSE, g->Mg, n, g->K, wg, g->K, B, ldb,
                       accumulate || j->bias != NULL ? 1.0f : 0.0f, C, g->osz);
          /* The activation while the block is still in cache. */
          if (g->clamp)
            clamp_rows (C, g->Mg, n, g->osz, g->lo, g->hi);
        }
      else
        {
          sgemm_chunk (crew, FALSE, FALSE, g->Mg, n, g->K, wg, g->K, B, ldb, 0.0f, tmp, n);
          if (crew != NULL)
            crew_scatter (crew, g, tmp, grp, ch, j->bias, accumulate, j->out);
          else
            scatter_colside (g, tmp, grp, ch, j->bias, accumulate, j->out, 0, 1);
        }
    }
}

/* Fills @p for winograd.h when @g is its kind of convolution (2-D, 3×3,
 * stride and dilation 1, one group): @g itself, or with @flipped the
 * convolution that computes image += col2im (Wᵀ · colside). FALSE when
 * the shape is not its kind or too small to gain. */
/* Whether @g's weight is its node's constant (kept transforms). */
static gboolean
winograd_kept (const ConvGeom *g)
{
  return g->node != NULL && (g->node->constant_inputs & (1u << 1)) != 0;
}

static gboolean
winograd_shape (const ConvGeom *g, gboolean flipped, CxWinograd *p)
{
  if (g->G != 1 || g->im[0] != 1 || g->k[0] != 1 || g->k[1] != 3 || g->k[2] != 3)
    return FALSE;
  for (int i = 1; i < MAX_SPATIAL; i++)
    if (g->s[i] != 1 || g->d[i] != 1)
      return FALSE;
  if (!flipped)
    *p = (CxWinograd) { .N = g->N, .Cin = g->C, .Cout = g->M, .H = g->im[1], .W = g->im[2],
                        .OH = g->co[1], .OW = g->co[2], .ph = g->p[1], .pw = g->p[2] };
  else
    *p = (CxWinograd) { .N = g->N, .Cin = g->M, .Cout = g->C, .H = g->co[1], .W = g->co[2],
                        .OH = g->im[1], .OW = g->im[2], .ph = 2 - g->p[1], .pw = 2 - g->p[2],
                        .flipped = TRUE };
  return cx_winograd_applies (p, winograd_kept (g));
}

typedef struct
{
  const CxWinograd *p;
  const float *w;
} WinoMake;

static void
winograd_make (gpointer data, float *dst)
{
  const WinoMake *m = data;
  cx_winograd_weights (m->p, m->w, dst);
}

/* The Winograd convolution, its weight transformed once per model when
 * the weight is the node's constant. */
static gboolean
winograd_run (CxRun *run, const ConvGeom *g, CxWinograd *p, const float *x, const float *w,
              float *y, GError **error)
{
  if (winograd_kept (g))
    {
      WinoMake make = { p, w };
      /* One transform serves the forward and the input gradient. */
      p->u = cx_node_derived (g->node, 0, w, cx_winograd_weight_floats (p), winograd_make,
                              &make);
    }
  return cx_winograd_conv (run, p, x, w, y, error);
}

/* colside (=, or += with @accumulate) W · im2col (image) (+ bias). */
static gboolean
conv_apply (CxRun *run, const ConvGeom *g, const float *image, const float *w,
            const float *bias, gboolean accumulate, float *colside, GError **error)
{
  ChunksJob job = { .g = g, .fn = apply_chunk, .image = image, .w = w, .bias = bias,
                    .out = colside, .flag = accumulate };
  ChunkPlan plan;
  CxWinograd wp;

  if (g->depthwise)
    return depthwise_dispatch (run, g, 0, image, NULL, w, bias, accumulate, FALSE, colside,
                               error);
  if (small_k_applies (g, TRUE))
    return conv_apply_small_k (run, g, image, w, bias, accumulate, colside, NULL, error);
  if (winograd_shape (g, FALSE, &wp))
    {
      wp.bias = bias;
      wp.accumulate = accumulate;
      wp.clamp = g->clamp;
      wp.lo = g->lo;
      wp.hi = g->hi;
      return winograd_run (run, g, &wp, image, w, colside, error);
    }
  plan = plan_chunks (g, per_image_pixels (g, PER_IMAGE_FORWARD), TRUE);
  /* Chunks write disjoint parts of the column side. */
  return run_chunks (run, &job, &plan,
                     !(g->pointwise && plan.nb == 1 && plan.rows * g->co[2] == g->osz),
                     plan.nb > 1, TRUE, error);
}

/* With stride 1, image += col2im (Wᵀ · colside) is itself a convolution:
 * of colside with the kernel flipped and its two channel axes swapped,
 * padded by (k − 1)·d − p, which conv_apply runs. FALSE in *@done: it
 * does not apply (strides, or padding beyond the dilated kernel). With
 * @set it stores instead of adding. */
static gboolean
conv_apply_flipped (CxRun *run, const ConvGeom *g, const float *colside, const float *w,
                    float *image, gboolean set, gboolean *done, GError **error)
{
  ConvGeom f = *g;
  int64_t wshape[1] = { g->M * g->K };

  f.node = NULL;                /* another weight */
  CxTensor *wf;
  gboolean ok;

  *done = FALSE;
  for (int i = 0; i < MAX_SPATIAL; i++)
    if (g->s[i] != 1 || (g->k[i] - 1) * g->d[i] < g->p[i])
      return TRUE;
  if (g->N * g->isz > INT_MAX / 4 || g->Mg * g->kvol > INT_MAX / 4)
    return TRUE;
  f.C = g->M;
  f.Cg = g->Mg;
  f.M = g->C;
  f.Mg = g->Cg;
  f.pointwise = g->kvol == 1;
  for (int i = 0; i < MAX_SPATIAL; i++)
    {
      f.im[i] = g->co[i];
      f.co[i] = g->im[i];
      f.p[i] = (g->k[i] - 1) * g->d[i] - g->p[i];
      f.pointwise = f.pointwise && f.p[i] == 0;
    }
  f.isz = g->osz;
  f.osz = g->isz;
  f.K = g->Mg * g->kvol;
  f.depthwise = f.Cg == 1 && f.G > 1;
  wf = cx_run_alloc (run, CX_ELEM_FLOAT, 1, wshape, error);
  if (wf == NULL)
    return FALSE;
  /* w: [G·Mg][Cg][k] → wf: [G·Cg][Mg][k reversed]. */
  for (int64_t grp = 0; grp < g->G; grp++)
    for (int64_t m = 0; m < g->Mg; m++)
      for (int64_t c = 0; c < g->Cg; c++)
        {
          const float *src = w + ((grp * g->Mg + m) * g->Cg + c) * g->kvol;
          float *dst = wf->data.f + ((grp * g->Cg + c) * g->Mg + m) * g->kvol;
          for (int64_t t = 0; t < g->kvol; t++)
            dst[g->kvol - 1 - t] = src[t];
        }
  ok = conv_apply (run, &f, colside, wf->data.f, NULL, !set, image, error);
  cx_run_release (run, wf);
  *done = ok;
  return ok;
}

/* conv_apply_t's chunk: image += col2im (Wᵀ · colside). */
static void
apply_t_chunk (const ChunksJob *j, const Chunk *ch, float *col, float *tmp, float *phases,
               Crew *crew)
{
  const ConvGeom *g = j->g;
  const int64_t per = (ch->r1 - ch->r0) * g->co[2], n = ch->nb * per;

  for (int64_t grp = 0; grp < g->G; grp++)
    {
      const float *wg = j->w + grp * g->Mg * g->K;
      int64_t lda;
      const float *A = chunk_colside (j, ch, grp, tmp, crew, &lda);
      if (j->direct)
        sgemm_chunk (crew, TRUE, FALSE, g->K, n, g->Mg, wg, g->K, A, lda, j->flag ? 0.0f : 1.0f,
                     j->out + (ch->n0 * g->C + grp * g->Cg) * g->isz, g->isz);
      else
        {
          sgemm_chunk (crew, TRUE, FALSE, g->K, n, g->Mg, wg, g->K, A, lda, 0.0f, col, n);
          walk_chunk (crew, g, j->out, grp, ch, col, TRUE, phases);
        }
    }
}

/* image += col2im (Wᵀ · colside); with @set, image = col2im (…): @image
 * may start uninitialised (Conv's backward_set). */
static gboolean
conv_apply_t (CxRun *run, const ConvGeom *g, const float *colside, const float *w,
              float *image, gboolean set, GError **error)
{
  ChunksJob job = { .g = g, .fn = apply_t_chunk, .colside = colside, .w = w, .out = image,
                    .flag = set };
  ChunkPlan plan;
  CxWinograd wp;
  gboolean direct;

  /* Measured, the flipped dense convolution gained nothing over col2im
   * (its weight transposition costs in late layers); for depthwise layers
   * it replaces the scatter with the faster forward kernel. */
  if (g->depthwise && g->Mg == 1)
    {
      if (!conv_apply_flipped (run, g, colside, w, image, set, &direct, error))
        return FALSE;
      if (direct)
        return TRUE;
    }
  if (small_k_applies (g, FALSE))
    return conv_apply_small_k (run, g, NULL, w, NULL, !set, (float *) colside, image, error);
  if (winograd_shape (g, TRUE, &wp))
    {
      wp.accumulate = !set;
      return winograd_run (run, g, &wp, colside, w, image, error);
    }
  plan = plan_chunks (g, per_image_pixels (g, PER_IMAGE_TRANSPOSED), TRUE);
  direct = !g->depthwise && g->pointwise && plan.nb == 1 && plan.rows * g->co[2] == g->osz;
  /* The direct GEMM writes every pixel (beta = 0), as do the depthwise
   * kernels but in 3-D; the other paths add. */
  if (set && !direct && !(g->depthwise && dw_sets (g)))
    memset (image, 0, sizeof (float) * g->N * g->C * g->isz);
  if (g->depthwise)
    return depthwise_dispatch (run, g, 1, NULL, colside, w, NULL, FALSE, set, image, error);
  job.direct = direct;
  /* Chunks of whole images add into disjoint images; bands of rows of one
   * image overlap at their edges and go one after the other. */
  return run_chunks (run, &job, &plan, !direct, plan.nb > 1,
                     plan.nb > 1 || plan.rows >= g->co[0] * g->co[1], error);
}

/* conv_weight_grad's chunk: dW += colside · im2col (image)ᵀ. */
static void
weight_grad_chunk (const ChunksJob *j, const Chunk *ch, float *col, float *tmp, float *phases,
                   Crew *crew)
{
  const ConvGeom *g = j->g;
  const int64_t per = (ch->r1 - ch->r0) * g->co[2], n = ch->nb * per;

  for (int64_t grp = 0; grp < g->G; grp++)
    {
      int64_t lda, ldb;
      const float *A = chunk_colside (j, ch, grp, tmp, crew, &lda);
      const float *B = chunk_image_cols (j, ch, grp, col, phases, crew, &ldb);
      sgemm_chunk (crew, FALSE, TRUE, g->Mg, g->K, n, A, lda, B, ldb, 1.0f,
                   j->out + grp * g->Mg * g->K, g->K);
    }
}

/* dW += colside · im2col (image)ᵀ. */
static gboolean
conv_weight_grad (CxRun *run, const ConvGeom *g, const float *image, const float *colside,
                  float *dw, GError **error)
{
  ChunksJob job = { .g = g, .fn = weight_grad_chunk, .image = image, .colside = colside,
                    .out = dw };
  ChunkPlan plan;

  if (g->depthwise)
    return depthwise_dispatch (run, g, 2, image, colside, NULL, NULL, FALSE, FALSE, dw, error);
  plan = plan_chunks (g, g->pointwise ? pointwise_per_image (g) : PER_IMAGE_TRANSPOSED, FALSE);
  /* Every chunk adds into all of dW: one after the other. */
  return run_chunks (run, &job, &plan,
                     !(g->pointwise && plan.nb == 1 && plan.rows * g->co[2] == g->osz),
                     plan.nb > 1, FALSE, error);
}

/* db[c] += Σ over batch and pixels of t[n, c, …]. */
static void
channel_sums (const float *t, int64_t N, int64_t C, int64_t P, float *db)
{
  for (int64_t c = 0; c < C; c++)
    {
      double acc = 0.0;
      for (int64_t n = 0; n < N; n++)
        {
          const float *restrict row = t + (n * C + c) * P;
          float part = 0.0f;
          for (int64_t i = 0; i < P; i++)
            part += row[i];
          acc += part;
        }
      db[c] += (float) acc;
    }
}

/* ------------------------------------------------------------------ */
/* The ops                                                             */
/* ------------------------------------------------------------------ */

static CxTensor *
optional_input (const CxNode *node, CxTensor *const *in, int i)
{
  return i < node->n_in ? in[i] : NULL;
}

/* Conv, then min (max (y, lo), hi) when @clamp (a fused Relu or Clip). */
static gboolean
conv_run (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
          gboolean clamp, float lo, float hi, GError **error)
{
  const CxTensor *x = in[0], *w = in[1], *b = optional_input (node, in, 2);
  int64_t shape[MAX_SPATIAL + 2];
  ConvGeom g;

  if (!conv_geometry (node, x, w, b, &g, shape, error))
    return FALSE;
  g.clamp = clamp;
  g.lo = lo;
  g.hi = hi;
  out[0] = cx_run_alloc (run, CX_ELEM_FLOAT, x->ndim, shape, error);
  if (out[0] == NULL)
    return FALSE;
  out[0]->elem = x->elem;
  if (out[0]->numel == 0)
    return TRUE;
  return conv_apply (run, &g, x->data.f, w->data.f, b != NULL ? b->data.f : NULL, FALSE,
                     out[0]->data.f, error);
}

static gboolean
conv_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
              GError **error)
{
  return conv_run (run, node, in, out, FALSE, 0.0f, 0.0f, error);
}

/* The activation is applied by the kernels as they write each block, so
 * the output makes one trip through memory instead of three. */
static gboolean
conv_forward_clamp (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
                    float lo, float hi, GError **error)
{
  return conv_run (run, node, in, out, TRUE, lo, hi, error);
}

/* The shapes convpool.h takes: a 2-D float convolution, stride and
 * dilation 1, one group, whose output has at least one 2×2 window. */
static gboolean
convpool_shape (const ConvGeom *g, const CxTensor *x, float lo, float hi, CxConvPool *cp)
{
  if (x->ndim != 4 || x->elem != CX_ELEM_FLOAT || g->G != 1 || g->N == 0 ||
      g->co[1] < 2 || g->co[2] < 2)
    return FALSE;
  for (int i = 1; i < MAX_SPATIAL; i++)
    if (g->s[i] != 1 || g->d[i] != 1)
      return FALSE;
  *cp = (CxConvPool) { .N = g->N, .Cin = g->C, .Cout = g->M, .H = g->im[1], .W = g->im[2],
                       .OH = g->co[1], .OW = g->co[2], .kh = g->k[1], .kw = g->k[2],
                       .ph = g->p[1], .pw = g->p[2], .lo = lo, .hi = hi };
  return TRUE;
}

/* CxOpDef.forward_clamp_pool: the direct kernel for few taps, Winograd's
 * in pooled mode for 3×3 layers it takes, else not applied. */
static gboolean
conv_forward_clamp_pool (CxRun *run, const CxNode *node, CxTensor *const *in, float lo,
                         float hi, CxTensor **pooled, CxTensor **codes, gboolean *applied,
                         GError **error)
{
  const CxTensor *x = in[0], *w = in[1], *b = optional_input (node, in, 2);
  int64_t shape[MAX_SPATIAL + 2];
  ConvGeom g;
  CxConvPool cp;
  CxWinograd wp;
  gboolean direct, ok;

  *applied = FALSE;
  if (!conv_geometry (node, x, w, b, &g, shape, error))
    return FALSE;
  if (!convpool_shape (&g, x, lo, hi, &cp))
    return TRUE;
  direct = cx_convpool_direct_applies (&cp);
  if (!direct && !winograd_shape (&g, FALSE, &wp))
    return TRUE;
  shape[2] /= 2;
  shape[3] /= 2;
  *pooled = cx_run_alloc (run, CX_ELEM_FLOAT, 4, shape, error);
  if (*pooled == NULL)
    return FALSE;
  if (codes != NULL)
    {
      /* One byte per window: the engine's integer tensors hold int64, so
       * the bytes live in a float tensor a quarter as long, read through
       * data.p. */
      int64_t bytes[1] = { ((*pooled)->numel + 3) / 4 };
      *codes = cx_run_alloc (run, CX_ELEM_FLOAT, 1, bytes, error);
      if (*codes == NULL)
        {
          cx_run_release (run, *pooled);
          return FALSE;
        }
    }
  cp.bias = b != NULL ? b->data.f : NULL;
  if (direct)
    ok = cx_convpool_direct_forward (run, &cp, x->data.f, w->data.f, (*pooled)->data.f,
                                     codes != NULL ? (guint8 *) (*codes)->data.p : NULL, error);
  else
    {
      wp.bias = cp.bias;
      wp.clamp = TRUE;
      wp.lo = lo;
      wp.hi = hi;
      wp.pooled = (*pooled)->data.f;
      wp.codes = codes != NULL ? (guint8 *) (*codes)->data.p : NULL;
      ok = winograd_run (run, &g, &wp, x->data.f, w->data.f, NULL, error);
    }
  if (!ok)
    {
      cx_run_release (run, *pooled);
      if (codes != NULL)
        cx_run_release (run, *codes);
      return FALSE;
    }
  *applied = TRUE;
  return TRUE;
}

/* CxOpDef.backward_pool: the paths of conv_forward_clamp_pool, or the
 * convolution's own input gradient of the spread-out gradient where the
 * flipped Winograd does not apply. */
static gboolean
conv_backward_pool (CxRun *run, const CxNode *node, CxTensor *const *in, const CxTensor *gy,
                    const CxTensor *codes, CxTensor *gx, gboolean set, GError **error)
{
  const CxTensor *x = in[0], *w = in[1], *b = optional_input (node, in, 2);
  int64_t shape[MAX_SPATIAL + 2];
  ConvGeom g;
  CxConvPool cp;
  CxWinograd wp;
  CxTensor *dyt;
  float *dy;
  int64_t total;
  gboolean ok;

  if (!conv_geometry (node, x, w, b, &g, shape, error))
    return FALSE;
  if (!convpool_shape (&g, x, 0.0f, 0.0f, &cp))
    g_assert_not_reached ();
  if (cx_convpool_direct_applies (&cp))
    return cx_convpool_direct_backward (run, &cp, w->data.f, gy->data.f, (const guint8 *) codes->data.p,
                                        gx->data.f, set, error);
  if (winograd_shape (&g, TRUE, &wp))
    {
      wp.accumulate = !set;
      wp.gy = gy->data.f;
      wp.codes_in = (const guint8 *) codes->data.p;
      return winograd_run (run, &g, &wp, NULL, w->data.f, gx->data.f, error);
    }
  /* The spread-out gradient, with room for the last row's whole blocks. */
  total = g.N * g.M * g.osz + 16;
  dyt = cx_run_alloc_zeros (run, CX_ELEM_FLOAT, 1, &total, error);
  if (dyt == NULL)
    return FALSE;
  dy = dyt->data.f;
  /* Row by row in order: a row's block of zeros past its end is
   * overwritten by the next row, or is where no window reaches. */
  for (int64_t plane = 0; plane < g.N * g.M; plane++)
    for (int64_t oh = 0; oh < g.co[1] / 2; oh++)
      for (int r = 0; r < 2; r++)
        {
          const int64_t at = (plane * (g.co[1] / 2) + oh) * (g.co[2] / 2);
          cx_pool2_expand_row (gy->data.f + at, (const guint8 *) codes->data.p + at,
                               g.co[2] / 2, gy->numel - at, r,
                               dy + (plane * g.co[1] + 2 * oh + r) * g.co[2]);
        }
  ok = conv_apply_t (run, &g, dy, w->data.f, gx->data.f, set, error);
  cx_run_release (run, dyt);
  return ok;
}

/* Conv's VJP; with @set, the gradients are written, not added into. */
static gboolean
conv_vjp (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor *const *out,
          CxTensor *const *gout, CxTensor **gin, gboolean set, GError **error)
{
  const CxTensor *x = in[0], *w = in[1], *b = optional_input (node, in, 2), *dy = gout[0];
  CxTensor *db = node->n_in > 2 ? gin[2] : NULL;
  int64_t shape[MAX_SPATIAL + 2];
  ConvGeom g;

  if (dy == NULL || dy->numel == 0)
    return TRUE;
  if (!conv_geometry (node, x, w, b, &g, shape, error))
    return FALSE;
  g_assert (dy->ndim == x->ndim && dy->numel == g.N * g.M * g.osz);
  if (gin[0] != NULL &&
      !conv_apply_t (run, &g, dy->data.f, w->data.f, gin[0]->data.f, set, error))
    return FALSE;
  if (set && gin[1] != NULL && gin[1]->numel > 0)
    memset (gin[1]->data.f, 0, sizeof (float) * gin[1]->numel);
  if (gin[1] != NULL &&
      !conv_weight_grad (run, &g, x->data.f, dy->data.f, gin[1]->data.f, error))
    return FALSE;
  if (set && db != NULL && db->numel > 0)
    memset (db->data.f, 0, sizeof (float) * db->numel);
  if (db != NULL)
    channel_sums (dy->data.f, g.N, g.M, g.osz, db->data.f);
  return TRUE;
}

static gboolean
conv_backward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor *const *out,
               CxTensor *const *gout, CxTensor **gin, GError **error)
{
  return conv_vjp (run, node, in, out, gout, gin, FALSE, error);
}

/* The input's gradient is mostly written by a GEMM with beta = 0, or by the
 * flipped depthwise convolution in store mode: no zero fill and no reads
 * of it. */
static gboolean
conv_backward_set (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor *const *out,
                   CxTensor *const *gout, CxTensor **gin, GError **error)
{
  if (gout[0] == NULL || gout[0]->numel == 0)
    {
      for (int k = 0; k < node->n_in; k++)
        if (gin[k] != NULL && gin[k]->numel > 0)
          memset (gin[k]->data.f, 0, sizeof (float) * gin[k]->numel);
      return TRUE;
    }
  return conv_vjp (run, node, in, out, gout, gin, TRUE, error);
}

static gboolean
conv_transpose_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
                        GError **error)
{
  const CxTensor *x = in[0], *w = in[1], *b = optional_input (node, in, 2);
  int64_t shape[MAX_SPATIAL + 2];
  ConvGeom g;
  CxTensor *y;

  if (!conv_geometry (node, x, w, b, &g, shape, error))
    return FALSE;
  y = out[0] = cx_run_alloc_zeros (run, CX_ELEM_FLOAT, x->ndim, shape, error);
  if (y == NULL)
    return FALSE;
  y->elem = x->elem;
  if (y->numel == 0 || x->numel == 0)
    return TRUE;
  if (!conv_apply_t (run, &g, x->data.f, w->data.f, y->data.f, FALSE, error))
    return FALSE;
  if (b != NULL)
    for (int64_t n = 0; n < g.N; n++)
      for (int64_t c = 0; c < g.C; c++)
        {
          const float bv = b->data.f[c];
          float *restrict row = y->data.f + (n * g.C + c) * g.isz;
          for (int64_t i = 0; i < g.isz; i++)
            row[i] += bv;
        }
  return TRUE;
}

static gboolean
conv_transpose_backward (CxRun *run, const CxNode *node, CxTensor *const *in,
                         CxTensor *const *out, CxTensor *const *gout, CxTensor **gin,
                         GError **error)
{
  const CxTensor *x = in[0], *w = in[1], *b = optional_input (node, in, 2), *dy = gout[0];
  CxTensor *db = node->n_in > 2 ? gin[2] : NULL;
  int64_t shape[MAX_SPATIAL + 2];
  ConvGeom g;

  if (dy == NULL || dy->numel == 0)
    return TRUE;
  if (!conv_geometry (node, x, w, b, &g, shape, error))
    return FALSE;
  g_assert (dy->numel == g.N * g.C * g.isz);
  if (x->numel == 0)
    return TRUE;
  if (gin[0] != NULL &&
      !conv_apply (run, &g, dy->data.f, w->data.f, NULL, TRUE, gin[0]->data.f, error))
    return FALSE;
  if (gin[1] != NULL &&
      !conv_weight_grad (run, &g, dy->data.f, x->data.f, gin[1]->data.f, error))
    return FALSE;
  if (db != NULL)
    channel_sums (dy->data.f, g.N, g.C, g.isz, db->data.f);
  return TRUE;
}

CX_DEFINE_OP_FAMILY (conv,
  { "Conv", 2, 3, 1, 1, conv_init, conv_forward, conv_backward,
    CX_IN (0) | CX_IN (1) | CX_IN (2), CX_SAVE_INPUTS, NULL, conv_backward_set, FALSE,
    NULL, conv_forward_clamp, NULL, conv_forward_clamp_pool, conv_backward_pool },
  { "ConvTranspose", 2, 3, 1, 1, conv_transpose_init, conv_transpose_forward,
    conv_transpose_backward, CX_IN (0) | CX_IN (1) | CX_IN (2), CX_SAVE_INPUTS, NULL },
)
