/* shape.c: operators that move data without arithmetic (reshapes,
 * permutations, concatenation, slicing, gathering, padding), the shape
 * queries and constants that feed them.
 *
 * Forward kernels move elements in their storage (float for floating
 * types, int64 for integer and boolean ones), so one kernel serves every
 * element type and the output keeps the input's `elem`. The VJP of a data
 * movement is the adjoint movement on float gradients: a reshape's is a
 * reshape, a permutation's the inverse permutation, a gather's a
 * scatter-add along the same index map.
 *
 * Slice, Pad, Tile and Expand are all "per-axis gathers": output element
 * (o_0, …, o_n) reads the input at Σ map_d[o_d] (AxisMaps below), so they
 * share one forward and one backward kernel. Transpose, DepthToSpace and
 * SpaceToDepth share one permutation kernel.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "broadcast.h"
#include "onnx.pb-c.h"

#include <math.h>
#include <string.h>

/* Split's outputs, Concat's inputs: the executor's arity. */
#define MAX_PARTS 1024

typedef enum
{
  PAD_CONSTANT,
  PAD_REFLECT,
  PAD_EDGE,
} PadMode;

/* An INTS attribute (borrowed from the node's proto, valid for the model's life). */
typedef struct
{
  const int64_t *v;
  gsize n;
  gboolean present;
} IntsAttr;

/* Parsed attributes of every op in this file (each op reads its own). */
typedef struct
{
  int64_t axis;                 /* Concat, Flatten, Gather, GatherElements, Split */
  gboolean allowzero;           /* Reshape (14) */
  int n_perm;                   /* Transpose: -1 when 'perm' is absent (reverse) */
  int perm[CX_MAX_DIMS];
  IntsAttr split;               /* Split before 13 */
  int64_t num_outputs;          /* Split 18; 0 when absent */
  IntsAttr axes;                /* Squeeze/Unsqueeze before 13, Slice before 10 */
  IntsAttr starts, ends;        /* Slice before 10 */
  IntsAttr pads;                /* Pad before 11 */
  float value;                  /* Pad before 11 */
  PadMode mode;                 /* Pad */
  int64_t start, end;           /* Shape (15) */
  gboolean has_end;
  gboolean add;                 /* ScatterND reduction 'add' */
  int64_t blocksize;            /* DepthToSpace, SpaceToDepth */
  gboolean crd;                 /* DepthToSpace mode 'CRD' */
  CxTensor *tensor;             /* Constant's value, ConstantOfShape's fill */
} ShapeParams;

static void
shape_params_free (gpointer data)
{
  ShapeParams *p = data;

  if (p == NULL)
    return;
  g_clear_pointer (&p->tensor, cx_tensor_free);
  g_free (p);
}

static ShapeParams *
params_new (CxNode *node)
{
  ShapeParams *p = g_new0 (ShapeParams, 1);
  node->params = p;
  return p;
}

static IntsAttr
ints_attr (const CxNode *node, const char *name)
{
  IntsAttr a = { NULL, 0, FALSE };
  a.present = cx_node_attr_ints (node, name, &a.v, &a.n);
  return a;
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

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

/* Optional input @k, NULL when omitted or beyond the node's inputs. */
static inline const CxTensor *
opt_input (const CxNode *node, CxTensor *const *in, int k)
{
  return k < node->n_in ? in[k] : NULL;
}

static int64_t
shape_prod (const int64_t *shape, int from, int to)
{
  int64_t p = 1;
  for (int d = from; d < to; d++)
    p *= shape[d];
  return p;
}

static void
contiguous_strides (int ndim, const int64_t *shape, int64_t *strides)
{
  int64_t s = 1;
  for (int d = ndim - 1; d >= 0; d--)
    {
      strides[d] = s;
      s *= shape[d];
    }
}

/* @axis in [-rank, rank) made non-negative. */
static gboolean
norm_axis (const CxNode *node, int64_t axis, int rank, const char *what, int *out,
           GError **error)
{
  if (axis < -rank || axis >= rank)
    {
      cx_node_error (node, error, CX_ERROR_INVALID,
                     "%s %" G_GINT64_FORMAT " is out of range for a tensor of rank %d",
                     what, axis, rank);
      return FALSE;
    }
  *out = (int) (axis < 0 ? axis + rank : axis);
  return TRUE;
}

/* A list of axes normalised against @rank, each at most once; @seen gets a flag per axis. */
static gboolean
norm_axes (const CxNode *node, const int64_t *axes, gsize n, int rank, gboolean *seen,
           GError **error)
{
  memset (seen, 0, sizeof (gboolean) * CX_MAX_DIMS);
  for (gsize i = 0; i < n; i++)
    {
      int a;
      if (!norm_axis (node, axes[i], rank, "axis", &a, error))
        return FALSE;
      if (seen[a])
        {
          cx_node_error (node, error, CX_ERROR_INVALID, "axis %" G_GINT64_FORMAT
                         " is given twice", axes[i]);
          return FALSE;
        }
      seen[a] = TRUE;
    }
  return TRUE;
}

/* The values of an integer input of rank 0 or 1 (a shape, axes, pads…), borrowed. */
static gboolean
int_input (const CxNode *node, const CxTensor *t, const char *what, const int64_t **v,
           gsize *n, GError **error)
{
  if (cx_elem_is_float (t->elem))
    {
      cx_node_error (node, error, CX_ERROR_INVALID, "input '%s' is %s; it must hold integers",
                     what, cx_elem_name (t->elem));
      return FALSE;
    }
  if (t->ndim > 1)
    {
      g_autofree char *s = cx_shape_to_string (t->ndim, t->shape);
      cx_node_error (node, error, CX_ERROR_SHAPE, "input '%s' must be 1-D, not of shape %s",
                     what, s);
      return FALSE;
    }
  *v = t->data.i;
  *n = (gsize) t->numel;
  return TRUE;
}

static gboolean
need_rank (const CxNode *node, const CxTensor *t, int rank, const char *what, GError **error)
{
  g_autofree char *s = NULL;

  if (t->ndim == rank)
    return TRUE;
  s = cx_shape_to_string (t->ndim, t->shape);
  cx_node_error (node, error, CX_ERROR_SHAPE, "%s must have rank %d, not shape %s", what,
                 rank, s);
  return FALSE;
}

static gboolean
check_out_rank (const CxNode *node, int64_t rank, GError **error)
{
  if (rank <= CX_MAX_DIMS)
    return TRUE;
  cx_node_error (node, error, CX_ERROR_LIMIT, "the output would have %" G_GINT64_FORMAT
                 " dimensions; at most %d are supported", rank, CX_MAX_DIMS);
  return FALSE;
}

/* Inputs 0 to @n - 1 are present: for inputs an opset made required after
 * the table's min_inputs (the executor fills @in only up to n_in). */
static gboolean
require_inputs (const CxNode *node, int n, GError **error)
{
  for (int k = 0; k < n; k++)
    if (k >= node->n_in || node->in[k] < 0)
      {
        cx_node_error (node, error, CX_ERROR_INVALID, "input %d is required at opset %d", k,
                       node->opset);
        return FALSE;
      }
  return TRUE;
}

/* Adds @g into @acc element by element (the VJP of every pure reshape). */
static void
add_flat (const CxTensor *g, CxTensor *acc)
{
  g_assert (g->numel == acc->numel);
  for (int64_t i = 0; i < g->numel; i++)
    acc->data.f[i] += g->data.f[i];
}

/* An output with @x's element type and data under a new shape. */
static gboolean
reshape_copy (CxRun *run, const CxTensor *x, int ndim, const int64_t *shape, CxTensor **out,
              GError **error)
{
  out[0] = cx_run_alloc (run, x->elem, ndim, shape, error);
  if (out[0] == NULL)
    return FALSE;
  g_assert (out[0]->numel == x->numel);
  if (x->numel > 0)
    memcpy (out[0]->data.p, x->data.p, cx_tensor_nbytes (x));
  return TRUE;
}

static gboolean
flat_backward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor *const *out,
               CxTensor *const *gout, CxTensor **gin, GError **error)
{
  if (gout[0] != NULL && gin[0] != NULL)
    add_flat (gout[0], gin[0]);
  return TRUE;
}

/* flat_backward writing: nothing to do when the executor handed the
 * output's gradient over (CxOpDef.set_reshaped). */
static gboolean
flat_backward_set (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor *const *out,
                   CxTensor *const *gout, CxTensor **gin, GError **error)
{
  if (gin[0] == NULL)
    return TRUE;
  g_assert (gout[0] != NULL && gout[0]->numel == gin[0]->numel);
  if (gin[0]->data.f != gout[0]->data.f)
    memcpy (gin[0]->data.f, gout[0]->data.f, sizeof (float) * gin[0]->numel);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Per-axis gathers: Slice, Pad, Tile, Expand                          */
/* ------------------------------------------------------------------ */

/* Output element (o_0, …, o_{n-1}) reads the input at Σ map[d][o_d]
 * (element offsets, strides folded in), or takes the fill value when an
 * entry is -1. The maps live in the run's scratch slot 0. */
typedef struct
{
  int ndim;
  int64_t shape[CX_MAX_DIMS];
  int64_t *map[CX_MAX_DIMS];
} AxisMaps;

/* Only for a non-empty output (its dimensions then add up to at most its size + rank). */
static gboolean
maps_alloc (CxRun *run, AxisMaps *m, int ndim, const int64_t *shape, GError **error)
{
  int64_t total = 0;
  int64_t *buf;

  m->ndim = ndim;
  for (int d = 0; d < ndim; d++)
    {
      m->shape[d] = shape[d];
      total += shape[d];
    }
  buf = cx_run_scratch (run, 0, sizeof (int64_t) * (gsize) MAX (total, 1), error);
  if (buf == NULL)
    return FALSE;
  for (int d = 0; d < ndim; d++)
    {
      m->map[d] = buf;
      buf += shape[d];
    }
  return TRUE;
}

/* Base offset of the current row (all axes but the last), or -1 when it is fill. */
static inline int64_t
maps_row_base (const AxisMaps *m, const int64_t *idx)
{
  int64_t base = 0;
  for (int d = 0; d < m->ndim - 1; d++)
    {
      int64_t o = m->map[d][idx[d]];
      if (o < 0)
        return -1;
      base += o;
    }
  return base;
}

static inline void
maps_row_next (const AxisMaps *m, int64_t *idx)
{
  for (int d = m->ndim - 2; d >= 0; d--)
    {
      if (++idx[d] < m->shape[d])
        return;
      idx[d] = 0;
    }
}

/* y = the per-axis gather of x; @fill_f / @fill_i for -1 entries. */
static void
maps_gather (const AxisMaps *m, const CxTensor *x, CxTensor *y, float fill_f, int64_t fill_i)
{
  int nd = m->ndim;
  int64_t idx[CX_MAX_DIMS] = { 0 };
  int64_t cols, rows;
  const int64_t *last;
  gboolean is_float = cx_elem_is_float (y->elem), contiguous = TRUE;

  if (y->numel == 0)
    return;
  if (nd == 0)
    {
      memcpy (y->data.p, x->data.p, cx_tensor_elem_size (y));
      return;
    }
  cols = m->shape[nd - 1];
  rows = y->numel / cols;
  last = m->map[nd - 1];
  for (int64_t i = 0; i < cols && contiguous; i++)
    contiguous = last[0] >= 0 && last[i] == last[0] + i;
  for (int64_t r = 0; r < rows; r++, maps_row_next (m, idx))
    {
      int64_t base = maps_row_base (m, idx);
      if (is_float)
        {
          float *dst = y->data.f + r * cols;
          const float *src = x->data.f + base;
          if (base < 0)
            for (int64_t i = 0; i < cols; i++)
              dst[i] = fill_f;
          else if (contiguous)
            memcpy (dst, src + last[0], sizeof (float) * cols);
          else
            for (int64_t i = 0; i < cols; i++)
              dst[i] = last[i] < 0 ? fill_f : src[last[i]];
        }
      else
        {
          int64_t *dst = y->data.i + r * cols;
          const int64_t *src = x->data.i + base;
          if (base < 0)
            for (int64_t i = 0; i < cols; i++)
              dst[i] = fill_i;
          else if (contiguous)
            memcpy (dst, src + last[0], sizeof (int64_t) * cols);
          else
            for (int64_t i = 0; i < cols; i++)
              dst[i] = last[i] < 0 ? fill_i : src[last[i]];
        }
    }
}

/* The VJP of maps_gather: gx[map] += gy (fill positions have no source). */
static void
maps_scatter_add (const AxisMaps *m, const CxTensor *gy, CxTensor *gx)
{
  int nd = m->ndim;
  int64_t idx[CX_MAX_DIMS] = { 0 };
  int64_t cols, rows;
  const int64_t *last;

  if (gy->numel == 0)
    return;
  if (nd == 0)
    {
      gx->data.f[0] += gy->data.f[0];
      return;
    }
  cols = m->shape[nd - 1];
  rows = gy->numel / cols;
  last = m->map[nd - 1];
  for (int64_t r = 0; r < rows; r++, maps_row_next (m, idx))
    {
      int64_t base = maps_row_base (m, idx);
      const float *g = gy->data.f + r * cols;
      float *dst = gx->data.f + base;
      if (base < 0)
        continue;
      for (int64_t i = 0; i < cols; i++)
        if (last[i] >= 0)
          dst[last[i]] += g[i];
    }
}

/* ------------------------------------------------------------------ */
/* Permutations: Transpose, DepthToSpace, SpaceToDepth                 */
/* ------------------------------------------------------------------ */

/* Output axis d has extent n[d] and reads the input with stride sx[d];
 * size-1 axes are dropped and output neighbours that are neighbours in
 * the input too are merged, so [N,C,H,W]→[N,H,W,C] becomes [N, HW, C]. */
typedef struct
{
  int nd;
  int64_t n[CX_MAX_DIMS];
  int64_t sx[CX_MAX_DIMS];
} PermPlan;

/* y[i_0…] = x[i at perm]: y.shape[d] = xshape[perm[d]]. */
static void
perm_plan (PermPlan *p, int ndim, const int64_t *xshape, const int *perm)
{
  int64_t xs[CX_MAX_DIMS];

  contiguous_strides (ndim, xshape, xs);
  p->nd = 0;
  for (int d = 0; d < ndim; d++)
    {
      int64_t n = xshape[perm[d]], s = xs[perm[d]];
      if (n == 1)
        continue;
      if (p->nd > 0 && p->sx[p->nd - 1] == s * n)
        {
          p->n[p->nd - 1] *= n;
          p->sx[p->nd - 1] = s;
          continue;
        }
      p->n[p->nd] = n;
      p->sx[p->nd] = s;
      p->nd++;
    }
}

#define PERM_TILE 16

/* The walk: an odometer over every output axis but two, the last one (L)
 * and the one reading the input contiguously (q); a PERM_TILE-square tile
 * loop over q × L keeps both the reads and the writes in cache lines.
 * When q is L, rows are straight copies. No index arithmetic per element. */
#define DEFINE_PERMUTE(name, T, OP)                                                   \
static void                                                                           \
name (const PermPlan *p, const T *restrict x, T *restrict y, int64_t numel)           \
{                                                                                     \
  int nd = p->nd, L = nd - 1, q = -1, no = 0;                                         \
  int od[CX_MAX_DIMS];                                                                \
  int64_t sy[CX_MAX_DIMS], idx[CX_MAX_DIMS] = { 0 };                                  \
  int64_t outer = 1, xo = 0, yo = 0, cols, sl;                                        \
                                                                                      \
  if (numel == 0)                                                                     \
    return;                                                                           \
  if (nd == 0)                                                                        \
    {                                                                                 \
      y[0] OP x[0];                                                                   \
      return;                                                                         \
    }                                                                                 \
  contiguous_strides (nd, p->n, sy);                                                  \
  for (int d = 0; d < nd; d++)                                                        \
    if (p->sx[d] == 1)                                                                \
      q = d;                                                                          \
  if (q < 0)                                                                          \
    q = L;                                                                            \
  for (int d = 0; d < nd; d++)                                                        \
    if (d != q && d != L)                                                             \
      {                                                                               \
        od[no++] = d;                                                                 \
        outer *= p->n[d];                                                             \
      }                                                                               \
  cols = p->n[L];                                                                     \
  sl = p->sx[L];                                                                      \
  for (int64_t r = 0; r < outer; r++)                                                 \
    {                                                                                 \
      if (q == L)                                                                     \
        for (int64_t j = 0; j < cols; j++)                                            \
          y[yo + j] OP x[xo + j * sl];                                                \
      else                                                                            \
        {                                                                             \
          int64_t rows = p->n[q], syq = sy[q];                                        \
          for (int64_t i0 = 0; i0 < rows; i0 += PERM_TILE)                            \
            for (int64_t j0 = 0; j0 < cols; j0 += PERM_TILE)                          \
              {                                                                       \
                int64_t i1 = MIN (i0 + PERM_TILE, rows), j1 = MIN (j0 + PERM_TILE, cols); \
                for (int64_t i = i0; i < i1; i++)                                     \
                  {                                                                   \
                    T *yr = y + yo + i * syq;                                         \
                    const T *xr = x + xo + i;                                         \
                    for (int64_t j = j0; j < j1; j++)                                 \
                      yr[j] OP xr[j * sl];                                            \
                  }                                                                   \
              }                                                                       \
        }                                                                             \
      for (int k = no - 1; k >= 0; k--)                                               \
        {                                                                             \
          int d = od[k];                                                              \
          xo += p->sx[d];                                                             \
          yo += sy[d];                                                                \
          if (++idx[d] < p->n[d])                                                     \
            break;                                                                    \
          xo -= p->sx[d] * p->n[d];                                                   \
          yo -= sy[d] * p->n[d];                                                      \
          idx[d] = 0;                                                                 \
        }                                                                             \
    }                                                                                 \
}

DEFINE_PERMUTE (permute_f32, float, =)
DEFINE_PERMUTE (permute_i64, int64_t, =)
DEFINE_PERMUTE (permute_add, float, +=)

/* y = x viewed with shape @xshape and permuted by @perm (y's own shape is
 * only its element count here). */
static void
permute (int ndim, const int64_t *xshape, const int *perm, const CxTensor *x, CxTensor *y)
{
  PermPlan p;

  perm_plan (&p, ndim, xshape, perm);
  if (cx_elem_is_float (x->elem))
    permute_f32 (&p, x->data.f, y->data.f, y->numel);
  else
    permute_i64 (&p, x->data.i, y->data.i, y->numel);
}

/* The VJP of permute: gx += gy permuted back (gy has the permuted shape). */
static void
permute_backward (int ndim, const int64_t *xshape, const int *perm, const CxTensor *gy,
                  CxTensor *gx)
{
  int64_t yshape[CX_MAX_DIMS];
  int inv[CX_MAX_DIMS];
  PermPlan p;

  for (int d = 0; d < ndim; d++)
    {
      yshape[d] = xshape[perm[d]];
      inv[perm[d]] = d;
    }
  perm_plan (&p, ndim, yshape, inv);
  permute_add (&p, gy->data.f, gx->data.f, gx->numel);
}

/* ------------------------------------------------------------------ */
/* Reshape, Flatten, Squeeze, Unsqueeze                                */
/* ------------------------------------------------------------------ */

static gboolean
reshape_init (CxNode *node, GError **error)
{
  ShapeParams *p = params_new (node);
  p->allowzero = node->opset >= 14 && cx_node_attr_int (node, "allowzero", 0) != 0;
  return TRUE;
}

static gboolean
reshape_refuse (const CxNode *node, const CxTensor *x, const int64_t *req, gsize n,
                const char *why, GError **error)
{
  g_autofree char *xs = cx_shape_to_string (x->ndim, x->shape);
  g_autofree char *rs = cx_shape_to_string ((int) n, req);
  cx_node_error (node, error, CX_ERROR_SHAPE, "cannot reshape a tensor of shape %s to %s: %s",
                 xs, rs, why);
  return FALSE;
}

static gboolean
reshape_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
                 GError **error)
{
  const ShapeParams *p = node->params;
  const CxTensor *x = in[0];
  const int64_t *req;
  gsize n;
  int64_t shape[CX_MAX_DIMS], known = 1;
  int infer = -1;
  gboolean has_zero = FALSE;

  if (!int_input (node, in[1], "shape", &req, &n, error) || !check_out_rank (node, n, error))
    return FALSE;
  for (gsize d = 0; d < n; d++)
    {
      int64_t v = req[d];
      if (v == -1)
        {
          if (infer >= 0)
            return reshape_refuse (node, x, req, n, "more than one dimension is -1", error);
          infer = (int) d;
          continue;
        }
      if (v < -1)
        return reshape_refuse (node, x, req, n, "a dimension is negative", error);
      if (v == 0 && !p->allowzero)
        {
          if ((int) d >= x->ndim)
            return reshape_refuse (node, x, req, n, "a 0 has no input dimension to copy",
                                   error);
          v = x->shape[d];
        }
      has_zero |= v == 0;
      shape[d] = v;
      if (v != 0 && known > G_MAXINT64 / v)
        return reshape_refuse (node, x, req, n, "the element counts differ", error);
      known *= v;
    }
  if (infer >= 0)
    {
      if (p->allowzero && has_zero)
        return reshape_refuse (node, x, req, n, "with allowzero, -1 and 0 cannot be combined",
                               error);
      if (known == 0 || x->numel % known != 0)
        {
          g_autofree char *why = g_strdup_printf ("%" G_GINT64_FORMAT " elements cannot be "
                                                  "divided into parts of %" G_GINT64_FORMAT,
                                                  x->numel, known);
          return reshape_refuse (node, x, req, n, why, error);
        }
      shape[infer] = x->numel / known;
      known = x->numel;
    }
  if (known != x->numel)
    {
      g_autofree char *why = g_strdup_printf ("%" G_GINT64_FORMAT " elements, not %"
                                              G_GINT64_FORMAT, x->numel, known);
      return reshape_refuse (node, x, req, n, why, error);
    }
  return reshape_copy (run, x, (int) n, shape, out, error);
}

static gboolean
flatten_init (CxNode *node, GError **error)
{
  ShapeParams *p = params_new (node);
  p->axis = cx_node_attr_int (node, "axis", 1);
  return TRUE;
}

static gboolean
flatten_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
                 GError **error)
{
  const ShapeParams *p = node->params;
  const CxTensor *x = in[0];
  int64_t shape[2];
  int axis;

  /* Flatten cuts between axes: the axis lies in [-r, r]. */
  if (p->axis < -x->ndim || p->axis > x->ndim)
    {
      cx_node_error (node, error, CX_ERROR_INVALID, "axis %" G_GINT64_FORMAT " is out of "
                     "range for a tensor of rank %d", p->axis, x->ndim);
      return FALSE;
    }
  axis = (int) (p->axis < 0 ? p->axis + x->ndim : p->axis);
  shape[0] = shape_prod (x->shape, 0, axis);
  shape[1] = shape_prod (x->shape, axis, x->ndim);
  return reshape_copy (run, x, 2, shape, out, error);
}

static gboolean
axes_attr_init (CxNode *node, GError **error)
{
  ShapeParams *p = params_new (node);
  if (node->opset >= 13 && g_str_equal (node->op_type, "Unsqueeze"))
    return require_inputs (node, 2, error);
  if (node->opset < 13)
    {
      p->axes = ints_attr (node, "axes");
      if (!p->axes.present && g_str_equal (node->op_type, "Unsqueeze"))
        {
          cx_node_error (node, error, CX_ERROR_INVALID, "attribute 'axes' is missing");
          return FALSE;
        }
    }
  return TRUE;
}

/* The axes of Squeeze/Unsqueeze: an attribute before opset 13, input 1 since. */
static gboolean
squeeze_axes (const CxNode *node, CxTensor *const *in, const int64_t **axes, gsize *n,
              gboolean *given, GError **error)
{
  const ShapeParams *p = node->params;
  const CxTensor *t;

  *axes = NULL;
  *n = 0;
  *given = FALSE;
  if (node->opset < 13)
    {
      *axes = p->axes.v;
      *n = p->axes.n;
      *given = p->axes.present;
      return TRUE;
    }
  t = opt_input (node, in, 1);
  if (t == NULL)
    return TRUE;
  if (!int_input (node, t, "axes", axes, n, error))
    return FALSE;
  /* An empty 'axes' input counts as omitted (as onnxruntime's Squeeze). */
  *given = *n > 0 || g_str_equal (node->op_type, "Unsqueeze");
  return TRUE;
}

static gboolean
squeeze_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
                 GError **error)
{
  const CxTensor *x = in[0];
  const int64_t *axes;
  gsize n;
  gboolean given, drop[CX_MAX_DIMS];
  int64_t shape[CX_MAX_DIMS];
  int nd = 0;

  if (!squeeze_axes (node, in, &axes, &n, &given, error))
    return FALSE;
  if (given)
    {
      if (!norm_axes (node, axes, n, x->ndim, drop, error))
        return FALSE;
    }
  else
    for (int d = 0; d < x->ndim; d++)
      drop[d] = x->shape[d] == 1;
  for (int d = 0; d < x->ndim; d++)
    {
      if (!drop[d])
        {
          shape[nd++] = x->shape[d];
          continue;
        }
      if (x->shape[d] != 1)
        {
          cx_node_error (node, error, CX_ERROR_SHAPE, "cannot squeeze axis %d of size %"
                         G_GINT64_FORMAT, d, x->shape[d]);
          return FALSE;
        }
    }
  return reshape_copy (run, x, nd, shape, out, error);
}

static gboolean
unsqueeze_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
                   GError **error)
{
  const CxTensor *x = in[0];
  const int64_t *axes;
  gsize n;
  gboolean given, ones[CX_MAX_DIMS];
  int64_t shape[CX_MAX_DIMS];
  int rank, k = 0;

  if (!squeeze_axes (node, in, &axes, &n, &given, error))
    return FALSE;
  if (!given)
    {
      cx_node_error (node, error, CX_ERROR_INVALID, "input 'axes' is missing");
      return FALSE;
    }
  if (!check_out_rank (node, (int64_t) x->ndim + (int64_t) n, error))
    return FALSE;
  rank = x->ndim + (int) n;
  if (!norm_axes (node, axes, n, rank, ones, error))
    return FALSE;
  for (int d = 0; d < rank; d++)
    shape[d] = ones[d] ? 1 : x->shape[k++];
  return reshape_copy (run, x, rank, shape, out, error);
}

/* ------------------------------------------------------------------ */
/* Transpose, DepthToSpace, SpaceToDepth                               */
/* ------------------------------------------------------------------ */

static gboolean
transpose_init (CxNode *node, GError **error)
{
  ShapeParams *p = params_new (node);
  IntsAttr perm = ints_attr (node, "perm");
  gboolean seen[CX_MAX_DIMS] = { 0 };

  p->n_perm = -1;
  if (!perm.present)
    return TRUE;
  if (perm.n > CX_MAX_DIMS)
    {
      cx_node_error (node, error, CX_ERROR_UNSUPPORTED, "'perm' has %" G_GSIZE_FORMAT
                     " entries; at most %d dimensions are supported", perm.n, CX_MAX_DIMS);
      return FALSE;
    }
  for (gsize d = 0; d < perm.n; d++)
    {
      if (perm.v[d] < 0 || perm.v[d] >= (int64_t) perm.n || seen[perm.v[d]])
        {
          cx_node_error (node, error, CX_ERROR_INVALID, "'perm' is not a permutation of 0 to %"
                         G_GSIZE_FORMAT, perm.n - 1);
          return FALSE;
        }
      seen[perm.v[d]] = TRUE;
      p->perm[d] = (int) perm.v[d];
    }
  p->n_perm = (int) perm.n;
  return TRUE;
}

static gboolean
transpose_perm (const CxNode *node, int rank, int *perm, GError **error)
{
  const ShapeParams *p = node->params;

  if (p->n_perm < 0)
    {
      for (int d = 0; d < rank; d++)
        perm[d] = rank - 1 - d;
      return TRUE;
    }
  if (p->n_perm != rank)
    {
      cx_node_error (node, error, CX_ERROR_SHAPE, "'perm' has %d entries but the input has "
                     "rank %d", p->n_perm, rank);
      return FALSE;
    }
  memcpy (perm, p->perm, sizeof (int) * rank);
  return TRUE;
}

static gboolean
transpose_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
                   GError **error)
{
  const CxTensor *x = in[0];
  int perm[CX_MAX_DIMS];
  int64_t shape[CX_MAX_DIMS];

  if (!transpose_perm (node, x->ndim, perm, error))
    return FALSE;
  for (int d = 0; d < x->ndim; d++)
    shape[d] = x->shape[perm[d]];
  out[0] = cx_run_alloc (run, x->elem, x->ndim, shape, error);
  if (out[0] == NULL)
    return FALSE;
  permute (x->ndim, x->shape, perm, x, out[0]);
  return TRUE;
}

static gboolean
transpose_backward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor *const *out,
                    CxTensor *const *gout, CxTensor **gin, GError **error)
{
  int perm[CX_MAX_DIMS];

  if (gout[0] == NULL || gin[0] == NULL)
    return TRUE;
  if (!transpose_perm (node, gin[0]->ndim, perm, error))
    return FALSE;
  permute_backward (gin[0]->ndim, gin[0]->shape, perm, gout[0], gin[0]);
  return TRUE;
}

static gboolean
block_init (CxNode *node, GError **error)
{
  ShapeParams *p = params_new (node);
  g_autofree char *mode = attr_string (node, "mode", "DCR");

  if (!cx_node_has_attr (node, "blocksize"))
    {
      cx_node_error (node, error, CX_ERROR_INVALID, "attribute 'blocksize' is missing");
      return FALSE;
    }
  p->blocksize = cx_node_attr_int (node, "blocksize", 0);
  if (p->blocksize <= 0)
    {
      cx_node_error (node, error, CX_ERROR_INVALID, "'blocksize' must be positive, not %"
                     G_GINT64_FORMAT, p->blocksize);
      return FALSE;
    }
  if (g_str_equal (node->op_type, "DepthToSpace"))
    {
      if (!g_str_equal (mode, "DCR") && !g_str_equal (mode, "CRD"))
        {
          cx_node_error (node, error, CX_ERROR_INVALID, "mode '%s' is neither 'DCR' nor 'CRD'",
                         mode);
          return FALSE;
        }
      p->crd = g_str_equal (mode, "CRD");
    }
  return TRUE;
}

/* The 6-D view of the input that one permutation turns into the output
 * (the reshape–transpose–reshape of the ONNX definitions), and the output shape. */
static gboolean
block_view (const CxNode *node, const CxTensor *x, gboolean to_space, int64_t *view,
            int *perm, int64_t *yshape, GError **error)
{
  const ShapeParams *p = node->params;
  int64_t b = p->blocksize, n, c, h, w;
  static const int dcr[6] = { 0, 3, 4, 1, 5, 2 }, crd[6] = { 0, 1, 4, 2, 5, 3 },
                   s2d[6] = { 0, 3, 5, 1, 2, 4 };

  if (!need_rank (node, x, 4, "the input", error))
    return FALSE;
  n = x->shape[0];
  c = x->shape[1];
  h = x->shape[2];
  w = x->shape[3];
  if (to_space)
    {
      if (b > c || c % (b * b) != 0)
        {
          cx_node_error (node, error, CX_ERROR_SHAPE, "%" G_GINT64_FORMAT " channels cannot "
                         "be divided by blocksize² = %" G_GINT64_FORMAT "²", c, b);
          return FALSE;
        }
      c /= b * b;
      if (p->crd)
        {
          int64_t v[6] = { n, c, b, b, h, w };
          memcpy (view, v, sizeof v);
          memcpy (perm, crd, sizeof crd);
        }
      else
        {
          int64_t v[6] = { n, b, b, c, h, w };
          memcpy (view, v, sizeof v);
          memcpy (perm, dcr, sizeof dcr);
        }
      yshape[0] = n;
      yshape[1] = c;
      yshape[2] = h * b;
      yshape[3] = w * b;
    }
  else
    {
      if (h % b != 0 || w % b != 0)
        {
          cx_node_error (node, error, CX_ERROR_SHAPE, "height %" G_GINT64_FORMAT " and width %"
                         G_GINT64_FORMAT " must be multiples of blocksize %" G_GINT64_FORMAT,
                         h, w, b);
          return FALSE;
        }
      {
        int64_t v[6] = { n, c, h / b, b, w / b, b };
        memcpy (view, v, sizeof v);
        memcpy (perm, s2d, sizeof s2d);
      }
      yshape[0] = n;
      yshape[1] = c * b * b;
      yshape[2] = h / b;
      yshape[3] = w / b;
    }
  return TRUE;
}

static gboolean
block_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
               gboolean to_space, GError **error)
{
  int64_t view[6], yshape[4];
  int perm[6];

  if (!block_view (node, in[0], to_space, view, perm, yshape, error))
    return FALSE;
  out[0] = cx_run_alloc (run, in[0]->elem, 4, yshape, error);
  if (out[0] == NULL)
    return FALSE;
  permute (6, view, perm, in[0], out[0]);
  return TRUE;
}

static gboolean
block_backward (const CxNode *node, CxTensor *const *gout, CxTensor **gin, gboolean to_space,
                GError **error)
{
  int64_t view[6], yshape[4];
  int perm[6];

  if (gout[0] == NULL || gin[0] == NULL)
    return TRUE;
  if (!block_view (node, gin[0], to_space, view, perm, yshape, error))
    return FALSE;
  permute_backward (6, view, perm, gout[0], gin[0]);
  return TRUE;
}

static gboolean
depth_to_space_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
                        GError **error)
{
  return block_forward (run, node, in, out, TRUE, error);
}

static gboolean
depth_to_space_backward (CxRun *run, const CxNode *node, CxTensor *const *in,
                         CxTensor *const *out, CxTensor *const *gout, CxTensor **gin,
                         GError **error)
{
  return block_backward (node, gout, gin, TRUE, error);
}

static gboolean
space_to_depth_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
                        GError **error)
{
  return block_forward (run, node, in, out, FALSE, error);
}

static gboolean
space_to_depth_backward (CxRun *run, const CxNode *node, CxTensor *const *in,
                         CxTensor *const *out, CxTensor *const *gout, CxTensor **gin,
                         GError **error)
{
  return block_backward (node, gout, gin, FALSE, error);
}

/* ------------------------------------------------------------------ */
/* Concat and Split                                                    */
/* ------------------------------------------------------------------ */

static gboolean
axis_init (CxNode *node, GError **error)
{
  ShapeParams *p = params_new (node);

  if (g_str_equal (node->op_type, "Concat") && !cx_node_has_attr (node, "axis"))
    {
      cx_node_error (node, error, CX_ERROR_INVALID, "attribute 'axis' is missing");
      return FALSE;
    }
  p->axis = cx_node_attr_int (node, "axis", 0);
  return TRUE;
}

/* Checks the inputs fit together and gives the output shape and axis. */
static gboolean
concat_shape (const CxNode *node, CxTensor *const *in, int *axis, int64_t *shape,
              GError **error)
{
  const ShapeParams *p = node->params;
  const CxTensor *x0 = NULL;

  for (int k = 0; k < node->n_in; k++)
    {
      const CxTensor *x = in[k];
      gboolean fits;
      if (x == NULL)
        {
          cx_node_error (node, error, CX_ERROR_INVALID, "input %d is empty", k);
          return FALSE;
        }
      if (x0 == NULL)
        {
          x0 = x;
          if (x->ndim == 0)
            {
              cx_node_error (node, error, CX_ERROR_SHAPE, "cannot concatenate scalars");
              return FALSE;
            }
          if (!norm_axis (node, p->axis, x->ndim, "axis", axis, error))
            return FALSE;
          memcpy (shape, x->shape, sizeof (int64_t) * x->ndim);
          continue;
        }
      if (x->elem != x0->elem)
        {
          cx_node_error (node, error, CX_ERROR_INVALID, "input %d is %s but input 0 is %s", k,
                         cx_elem_name (x->elem), cx_elem_name (x0->elem));
          return FALSE;
        }
      fits = x->ndim == x0->ndim;
      for (int d = 0; fits && d < x->ndim; d++)
        fits = d == *axis || x->shape[d] == x0->shape[d];
      if (!fits)
        {
          g_autofree char *a = cx_shape_to_string (x0->ndim, x0->shape);
          g_autofree char *b = cx_shape_to_string (x->ndim, x->shape);
          cx_node_error (node, error, CX_ERROR_SHAPE, "input %d of shape %s does not fit "
                         "input 0 of shape %s along axis %d", k, b, a, *axis);
          return FALSE;
        }
      shape[*axis] += x->shape[*axis];
    }
  return TRUE;
}

static gboolean
concat_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
                GError **error)
{
  int64_t shape[CX_MAX_DIMS], outer, inner, row;
  int axis;
  gsize es;
  guint8 *dst;

  if (!concat_shape (node, in, &axis, shape, error))
    return FALSE;
  out[0] = cx_run_alloc (run, in[0]->elem, in[0]->ndim, shape, error);
  if (out[0] == NULL || out[0]->numel == 0)
    return out[0] != NULL;
  es = cx_tensor_elem_size (out[0]);
  outer = shape_prod (shape, 0, axis);
  inner = shape_prod (shape, axis + 1, in[0]->ndim);
  row = shape[axis] * inner;
  dst = out[0]->data.p;
  for (int64_t o = 0; o < outer; o++)
    {
      int64_t off = o * row;
      for (int k = 0; k < node->n_in; k++)
        {
          int64_t chunk = in[k]->shape[axis] * inner;
          memcpy (dst + off * es, (const guint8 *) in[k]->data.p + o * chunk * es, chunk * es);
          off += chunk;
        }
    }
  return TRUE;
}

/* Needs the inputs' sizes along the axis, including those of inputs that
 * take no gradient: hence CX_SAVE_INPUTS. */
static gboolean
concat_backward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor *const *out,
                 CxTensor *const *gout, CxTensor **gin, GError **error)
{
  const CxTensor *g = gout[0];
  int64_t shape[CX_MAX_DIMS], outer, inner, row;
  int axis;

  if (g == NULL || g->numel == 0)
    return TRUE;
  if (!concat_shape (node, in, &axis, shape, error))
    return FALSE;
  outer = shape_prod (shape, 0, axis);
  inner = shape_prod (shape, axis + 1, g->ndim);
  row = shape[axis] * inner;
  for (int64_t o = 0; o < outer; o++)
    {
      int64_t off = o * row;
      for (int k = 0; k < node->n_in; k++)
        {
          int64_t chunk = in[k]->shape[axis] * inner;
          if (gin[k] != NULL)
            {
              float *dst = gin[k]->data.f + o * chunk;
              const float *src = g->data.f + off;
              g_assert (cx_tensor_same_shape (gin[k], in[k]));
              for (int64_t i = 0; i < chunk; i++)
                dst[i] += src[i];
            }
          off += chunk;
        }
    }
  return TRUE;
}

static gboolean
split_init (CxNode *node, GError **error)
{
  ShapeParams *p = params_new (node);

  p->axis = cx_node_attr_int (node, "axis", 0);
  if (node->opset < 13)
    p->split = ints_attr (node, "split");
  if (node->opset >= 18)
    {
      p->num_outputs = cx_node_attr_int (node, "num_outputs", 0);
      if (cx_node_has_attr (node, "num_outputs") && p->num_outputs != node->n_out)
        {
          cx_node_error (node, error, CX_ERROR_INVALID, "'num_outputs' is %" G_GINT64_FORMAT
                         " but the node has %d outputs", p->num_outputs, node->n_out);
          return FALSE;
        }
    }
  return TRUE;
}

/* The size of each part: 'split' (an attribute before opset 13, input 1
 * since), else chunks of ceil(dim / n) with num_outputs (18), else equal parts. */
static gboolean
split_sizes (const CxNode *node, CxTensor *const *in, int64_t dim, int axis, int64_t *sizes,
             GError **error)
{
  const ShapeParams *p = node->params;
  const CxTensor *s = node->opset >= 13 ? opt_input (node, in, 1) : NULL;
  const int64_t *v = p->split.v;
  gsize nv = p->split.n;
  int n = node->n_out;

  if (s != NULL && !int_input (node, s, "split", &v, &nv, error))
    return FALSE;
  if (s != NULL || p->split.present)
    {
      int64_t sum = 0;
      if (s != NULL && p->num_outputs > 0)
        {
          cx_node_error (node, error, CX_ERROR_INVALID,
                         "'split' and 'num_outputs' cannot both be given");
          return FALSE;
        }
      if (nv != (gsize) n)
        {
          cx_node_error (node, error, CX_ERROR_INVALID, "'split' has %" G_GSIZE_FORMAT
                         " entries but the node has %d outputs", nv, n);
          return FALSE;
        }
      for (int j = 0; j < n; j++)
        {
          if (v[j] < 0 || v[j] > dim - sum)
            {
              cx_node_error (node, error, CX_ERROR_SHAPE, "'split' does not divide axis %d "
                             "of size %" G_GINT64_FORMAT " (part %d is %" G_GINT64_FORMAT ")",
                             axis, dim, j, v[j]);
              return FALSE;
            }
          sizes[j] = v[j];
          sum += v[j];
        }
      if (sum != dim)
        {
          cx_node_error (node, error, CX_ERROR_SHAPE, "the parts of 'split' add up to %"
                         G_GINT64_FORMAT ", not the size %" G_GINT64_FORMAT " of axis %d",
                         sum, dim, axis);
          return FALSE;
        }
      return TRUE;
    }
  if (p->num_outputs > 0)
    {
      int64_t chunk = dim / n + (dim % n != 0), left = dim;
      for (int j = 0; j < n; j++)
        {
          sizes[j] = MIN (chunk, left);
          left -= sizes[j];
        }
      return TRUE;
    }
  if (dim % n != 0)
    {
      cx_node_error (node, error, CX_ERROR_SHAPE, "axis %d of size %" G_GINT64_FORMAT
                     " cannot be split into %d equal parts", axis, dim, n);
      return FALSE;
    }
  for (int j = 0; j < n; j++)
    sizes[j] = dim / n;
  return TRUE;
}

static gboolean
split_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
               GError **error)
{
  const ShapeParams *p = node->params;
  const CxTensor *x = in[0];
  int64_t sizes[MAX_PARTS], shape[CX_MAX_DIMS], outer, inner, row, off = 0;
  gsize es = cx_tensor_elem_size (x);
  int axis;

  if (x->ndim == 0)
    {
      cx_node_error (node, error, CX_ERROR_SHAPE, "cannot split a scalar");
      return FALSE;
    }
  if (!norm_axis (node, p->axis, x->ndim, "axis", &axis, error) ||
      !split_sizes (node, in, x->shape[axis], axis, sizes, error))
    return FALSE;
  memcpy (shape, x->shape, sizeof (int64_t) * x->ndim);
  outer = shape_prod (x->shape, 0, axis);
  inner = shape_prod (x->shape, axis + 1, x->ndim);
  row = x->shape[axis] * inner;
  for (int j = 0; j < node->n_out; j++)
    {
      int64_t chunk = sizes[j] * inner;
      shape[axis] = sizes[j];
      out[j] = cx_run_alloc (run, x->elem, x->ndim, shape, error);
      if (out[j] == NULL)
        return FALSE;
      for (int64_t o = 0; o < outer && chunk > 0; o++)
        memcpy ((guint8 *) out[j]->data.p + o * chunk * es,
                (const guint8 *) x->data.p + (o * row + off) * es, chunk * es);
      off += chunk;
    }
  return TRUE;
}

static gboolean
split_backward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor *const *out,
                CxTensor *const *gout, CxTensor **gin, GError **error)
{
  const ShapeParams *p = node->params;
  CxTensor *gx = gin[0];
  int64_t sizes[MAX_PARTS], outer, inner, row, off = 0;
  int axis;

  if (gx == NULL)
    return TRUE;
  if (!norm_axis (node, p->axis, gx->ndim, "axis", &axis, error) ||
      !split_sizes (node, in, gx->shape[axis], axis, sizes, error))
    return FALSE;
  outer = shape_prod (gx->shape, 0, axis);
  inner = shape_prod (gx->shape, axis + 1, gx->ndim);
  row = gx->shape[axis] * inner;
  for (int j = 0; j < node->n_out; j++)
    {
      int64_t chunk = sizes[j] * inner;
      if (gout[j] != NULL)
        {
          g_assert (gout[j]->numel == outer * chunk);
          for (int64_t o = 0; o < outer; o++)
            {
              float *dst = gx->data.f + o * row + off;
              const float *src = gout[j]->data.f + o * chunk;
              for (int64_t i = 0; i < chunk; i++)
                dst[i] += src[i];
            }
        }
      off += chunk;
    }
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Slice                                                               */
/* ------------------------------------------------------------------ */

static gboolean
slice_init (CxNode *node, GError **error)
{
  ShapeParams *p = params_new (node);

  if (node->opset >= 10)
    return require_inputs (node, 3, error);
  p->starts = ints_attr (node, "starts");
  p->ends = ints_attr (node, "ends");
  p->axes = ints_attr (node, "axes");
  if (!p->starts.present || !p->ends.present)
    {
      cx_node_error (node, error, CX_ERROR_INVALID, "attribute '%s' is missing",
                     p->starts.present ? "ends" : "starts");
      return FALSE;
    }
  return TRUE;
}

/* ceil(a / b) for a ≥ 0, b > 0, as unsigned to survive |INT64_MIN|. */
static inline int64_t
ceil_div_u (guint64 a, guint64 b)
{
  return (int64_t) (a / b + (a % b != 0));
}

/* Per input axis: the first index read, the step and the output size. */
static gboolean
slice_plan (const CxNode *node, CxTensor *const *in, int ndim, const int64_t *shape,
            int64_t *first, int64_t *step, int64_t *yshape, GError **error)
{
  const ShapeParams *p = node->params;
  const int64_t *starts = p->starts.v, *ends = p->ends.v, *axes = p->axes.v, *steps = NULL;
  gsize ns = p->starts.n, ne = p->ends.n, na = p->axes.n, nst = 0;
  gboolean has_axes = p->axes.present, seen[CX_MAX_DIMS];

  if (node->opset >= 10)
    {
      const CxTensor *ta = opt_input (node, in, 3), *tst = opt_input (node, in, 4);
      if (!int_input (node, in[1], "starts", &starts, &ns, error) ||
          !int_input (node, in[2], "ends", &ends, &ne, error) ||
          (ta != NULL && !int_input (node, ta, "axes", &axes, &na, error)) ||
          (tst != NULL && !int_input (node, tst, "steps", &steps, &nst, error)))
        return FALSE;
      has_axes = ta != NULL;
      if (tst != NULL && nst != ns)
        {
          cx_node_error (node, error, CX_ERROR_INVALID, "'steps' has %" G_GSIZE_FORMAT
                         " entries but 'starts' has %" G_GSIZE_FORMAT, nst, ns);
          return FALSE;
        }
    }
  if (ne != ns || (has_axes && na != ns))
    {
      cx_node_error (node, error, CX_ERROR_INVALID, "'starts', 'ends' and 'axes' have %"
                     G_GSIZE_FORMAT ", %" G_GSIZE_FORMAT " and %" G_GSIZE_FORMAT " entries",
                     ns, ne, has_axes ? na : ns);
      return FALSE;
    }
  if (!has_axes && ns > (gsize) ndim)
    {
      cx_node_error (node, error, CX_ERROR_INVALID, "%" G_GSIZE_FORMAT " starts for a tensor "
                     "of rank %d", ns, ndim);
      return FALSE;
    }
  if (has_axes && !norm_axes (node, axes, na, ndim, seen, error))
    return FALSE;
  for (int d = 0; d < ndim; d++)
    {
      first[d] = 0;
      step[d] = 1;
      yshape[d] = shape[d];
    }
  for (gsize i = 0; i < ns; i++)
    {
      int a = has_axes ? (int) (axes[i] < 0 ? axes[i] + ndim : axes[i]) : (int) i;
      int64_t dim = shape[a], s = starts[i], e = ends[i], st = steps ? steps[i] : 1;
      if (st == 0)
        {
          cx_node_error (node, error, CX_ERROR_INVALID, "step %" G_GSIZE_FORMAT " is 0", i);
          return FALSE;
        }
      /* As the spec: negatives count from the end, then clamp to the range a step may visit. */
      if (s < 0)
        s += dim;
      if (e < 0)
        e += dim;
      step[a] = st;
      if (st > 0)
        {
          s = CLAMP (s, 0, dim);
          e = CLAMP (e, 0, dim);
          yshape[a] = e > s ? ceil_div_u ((guint64) (e - s), (guint64) st) : 0;
        }
      else
        {
          s = CLAMP (s, 0, dim - 1);
          e = CLAMP (e, -1, dim - 1);
          yshape[a] = s > e && dim > 0 ? ceil_div_u ((guint64) (s - e), 0 - (guint64) st) : 0;
        }
      first[a] = yshape[a] > 0 ? s : 0;
    }
  return TRUE;
}

static gboolean
slice_maps (CxRun *run, const int64_t *first, const int64_t *step, int ndim,
            const int64_t *xshape, const int64_t *yshape, AxisMaps *m, GError **error)
{
  int64_t xs[CX_MAX_DIMS];

  if (!maps_alloc (run, m, ndim, yshape, error))
    return FALSE;
  contiguous_strides (ndim, xshape, xs);
  for (int d = 0; d < ndim; d++)
    for (int64_t o = 0; o < yshape[d]; o++)
      m->map[d][o] = (first[d] + o * step[d]) * xs[d];
  return TRUE;
}

static gboolean
slice_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
               GError **error)
{
  const CxTensor *x = in[0];
  int64_t first[CX_MAX_DIMS], step[CX_MAX_DIMS], yshape[CX_MAX_DIMS];
  AxisMaps m;

  if (!slice_plan (node, in, x->ndim, x->shape, first, step, yshape, error))
    return FALSE;
  out[0] = cx_run_alloc (run, x->elem, x->ndim, yshape, error);
  if (out[0] == NULL || out[0]->numel == 0)
    return out[0] != NULL;
  if (!slice_maps (run, first, step, x->ndim, x->shape, yshape, &m, error))
    return FALSE;
  maps_gather (&m, x, out[0], 0.0f, 0);
  return TRUE;
}

static gboolean
slice_backward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor *const *out,
                CxTensor *const *gout, CxTensor **gin, GError **error)
{
  CxTensor *gx = gin[0];
  int64_t first[CX_MAX_DIMS], step[CX_MAX_DIMS], yshape[CX_MAX_DIMS];
  AxisMaps m;

  if (gx == NULL || gout[0] == NULL || gout[0]->numel == 0)
    return TRUE;
  if (!slice_plan (node, in, gx->ndim, gx->shape, first, step, yshape, error) ||
      !slice_maps (run, first, step, gx->ndim, gx->shape, yshape, &m, error))
    return FALSE;
  g_assert (shape_prod (yshape, 0, gx->ndim) == gout[0]->numel);
  maps_scatter_add (&m, gout[0], gx);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Pad                                                                 */
/* ------------------------------------------------------------------ */

static gboolean
pad_init (CxNode *node, GError **error)
{
  ShapeParams *p = params_new (node);
  g_autofree char *mode = attr_string (node, "mode", "constant");

  if (g_str_equal (mode, "constant"))
    p->mode = PAD_CONSTANT;
  else if (g_str_equal (mode, "reflect"))
    p->mode = PAD_REFLECT;
  else if (g_str_equal (mode, "edge"))
    p->mode = PAD_EDGE;
  else
    {
      cx_node_error (node, error, CX_ERROR_UNSUPPORTED, "mode '%s' is not supported "
                     "(only 'constant', 'reflect' and 'edge')", mode);
      return FALSE;
    }
  if (node->opset >= 11)
    return require_inputs (node, 2, error);
  p->pads = ints_attr (node, "pads");
  p->value = cx_node_attr_float (node, "value", 0.0f);
  if (!p->pads.present)
    {
      cx_node_error (node, error, CX_ERROR_INVALID, "attribute 'pads' is missing");
      return FALSE;
    }
  return TRUE;
}

/* Pads at the start (@pb) and end (@pe) of each axis: 'pads' (an attribute
 * before opset 11, input 1 since) over all axes, or over 'axes' (input 3, opset 18). */
static gboolean
pad_amounts (const CxNode *node, CxTensor *const *in, int ndim, int64_t *pb, int64_t *pe,
             GError **error)
{
  const ShapeParams *p = node->params;
  const int64_t *pads = p->pads.v, *axes = NULL;
  gsize np = p->pads.n, na = (gsize) ndim;
  const CxTensor *ta = node->opset >= 18 ? opt_input (node, in, 3) : NULL;
  gboolean seen[CX_MAX_DIMS];

  if (node->opset >= 11 && !int_input (node, in[1], "pads", &pads, &np, error))
    return FALSE;
  if (ta != NULL)
    {
      if (!int_input (node, ta, "axes", &axes, &na, error) ||
          !norm_axes (node, axes, na, ndim, seen, error))
        return FALSE;
    }
  if (np != 2 * na)
    {
      cx_node_error (node, error, CX_ERROR_INVALID, "'pads' has %" G_GSIZE_FORMAT " entries; "
                     "%" G_GSIZE_FORMAT " axes need %" G_GSIZE_FORMAT, np, na, 2 * na);
      return FALSE;
    }
  for (int d = 0; d < ndim; d++)
    pb[d] = pe[d] = 0;
  for (gsize i = 0; i < na; i++)
    {
      int a = axes ? (int) (axes[i] < 0 ? axes[i] + ndim : axes[i]) : (int) i;
      int64_t b = pads[i], e = pads[na + i];
      /* Beyond ±2^60 no output fits in memory; refusing keeps the sums below exact. */
      if (b > (G_GINT64_CONSTANT (1) << 60) || b < -(G_GINT64_CONSTANT (1) << 60) ||
          e > (G_GINT64_CONSTANT (1) << 60) || e < -(G_GINT64_CONSTANT (1) << 60))
        {
          cx_node_error (node, error, CX_ERROR_LIMIT, "pads of axis %d (%" G_GINT64_FORMAT
                         ", %" G_GINT64_FORMAT ") are out of range", a, b, e);
          return FALSE;
        }
      pb[a] = b;
      pe[a] = e;
    }
  return TRUE;
}

/* Per-axis maps of a pad: negative pads crop first, then the kept window
 * [lo, lo + n) is padded by the mode (as onnxruntime; reflection repeats
 * when the pad exceeds the window, as numpy.pad). */
static gboolean
pad_plan (CxRun *run, const CxNode *node, const int64_t *pb, const int64_t *pe, int ndim,
          const int64_t *xshape, int64_t *yshape, AxisMaps *m, GError **error)
{
  const ShapeParams *p = node->params;
  int64_t xs[CX_MAX_DIMS];
  gboolean empty = FALSE;

  for (int d = 0; d < ndim; d++)
    {
      int64_t lo = MAX (0, -pb[d]), n = xshape[d] - lo - MAX (0, -pe[d]);
      int64_t b = MAX (0, pb[d]), e = MAX (0, pe[d]);
      if (n < 0)
        {
          cx_node_error (node, error, CX_ERROR_SHAPE, "pads (%" G_GINT64_FORMAT ", %"
                         G_GINT64_FORMAT ") crop more than the %" G_GINT64_FORMAT
                         " elements of axis %d", pb[d], pe[d], xshape[d], d);
          return FALSE;
        }
      if (n == 0 && b + e > 0 && p->mode != PAD_CONSTANT)
        {
          cx_node_error (node, error, CX_ERROR_SHAPE, "cannot pad the empty axis %d in %s mode",
                         d, p->mode == PAD_EDGE ? "edge" : "reflect");
          return FALSE;
        }
      yshape[d] = b + n + e;
      empty |= yshape[d] == 0;
    }
  if (m == NULL || empty)
    return TRUE;
  if (!maps_alloc (run, m, ndim, yshape, error))
    return FALSE;
  contiguous_strides (ndim, xshape, xs);
  for (int d = 0; d < ndim; d++)
    {
      int64_t lo = MAX (0, -pb[d]), n = xshape[d] - lo - MAX (0, -pe[d]), b = MAX (0, pb[d]);
      int64_t period = 2 * (n - 1);
      for (int64_t o = 0; o < yshape[d]; o++)
        {
          int64_t j = o - b;
          if (j < 0 || j >= n)
            {
              if (p->mode == PAD_CONSTANT)
                {
                  m->map[d][o] = -1;
                  continue;
                }
              if (p->mode == PAD_EDGE || n == 1)
                j = CLAMP (j, 0, n - 1);
              else
                {
                  j %= period;
                  if (j < 0)
                    j += period;
                  if (j >= n)
                    j = period - j;
                }
            }
          m->map[d][o] = (lo + j) * xs[d];
        }
    }
  return TRUE;
}

/* The fill value: attribute 'value' before opset 11, input 2 since. */
static gboolean
pad_value (const CxNode *node, CxTensor *const *in, const CxTensor *x, float *f, int64_t *i,
           GError **error)
{
  const ShapeParams *p = node->params;
  const CxTensor *v = node->opset >= 11 ? opt_input (node, in, 2) : NULL;

  /* Before opset 11 the value is a float attribute, truncated for integer data. */
  *f = node->opset < 11 ? p->value : 0.0f;
  *i = isfinite (*f) && fabsf (*f) < 9.2e18f ? (int64_t) *f : 0;
  if (v == NULL)
    return TRUE;
  if (cx_elem_is_float (v->elem) != cx_elem_is_float (x->elem) || v->numel != 1)
    {
      cx_node_error (node, error, CX_ERROR_INVALID, "'constant_value' must be one %s value",
                     cx_elem_name (x->elem));
      return FALSE;
    }
  if (cx_elem_is_float (v->elem))
    *f = v->data.f[0];
  else
    *i = v->data.i[0];
  return TRUE;
}

static gboolean
pad_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
             GError **error)
{
  const CxTensor *x = in[0];
  int64_t pb[CX_MAX_DIMS], pe[CX_MAX_DIMS], yshape[CX_MAX_DIMS];
  float fill_f;
  int64_t fill_i;
  AxisMaps m;

  if (!pad_amounts (node, in, x->ndim, pb, pe, error) ||
      !pad_value (node, in, x, &fill_f, &fill_i, error) ||
      !pad_plan (run, node, pb, pe, x->ndim, x->shape, yshape, NULL, error))
    return FALSE;
  out[0] = cx_run_alloc (run, x->elem, x->ndim, yshape, error);
  if (out[0] == NULL || out[0]->numel == 0)
    return out[0] != NULL;
  if (!pad_plan (run, node, pb, pe, x->ndim, x->shape, yshape, &m, error))
    return FALSE;
  maps_gather (&m, x, out[0], fill_f, fill_i);
  return TRUE;
}

static gboolean
pad_backward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor *const *out,
              CxTensor *const *gout, CxTensor **gin, GError **error)
{
  CxTensor *gx = gin[0];
  int64_t pb[CX_MAX_DIMS], pe[CX_MAX_DIMS], yshape[CX_MAX_DIMS];
  AxisMaps m;

  if (gx == NULL || gout[0] == NULL || gout[0]->numel == 0)
    return TRUE;
  if (!pad_amounts (node, in, gx->ndim, pb, pe, error) ||
      !pad_plan (run, node, pb, pe, gx->ndim, gx->shape, yshape, &m, error))
    return FALSE;
  maps_scatter_add (&m, gout[0], gx);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Tile and Expand                                                     */
/* ------------------------------------------------------------------ */

static gboolean
tile_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
              GError **error)
{
  const CxTensor *x = in[0];
  const int64_t *reps;
  gsize n;
  int64_t yshape[CX_MAX_DIMS], xs[CX_MAX_DIMS];
  AxisMaps m;

  if (!int_input (node, in[1], "repeats", &reps, &n, error))
    return FALSE;
  if (n != (gsize) x->ndim)
    {
      cx_node_error (node, error, CX_ERROR_INVALID, "'repeats' has %" G_GSIZE_FORMAT
                     " entries but the input has rank %d", n, x->ndim);
      return FALSE;
    }
  for (int d = 0; d < x->ndim; d++)
    {
      if (reps[d] < 0)
        {
          cx_node_error (node, error, CX_ERROR_INVALID, "repeat %" G_GINT64_FORMAT
                         " of axis %d is negative", reps[d], d);
          return FALSE;
        }
      if (x->shape[d] != 0 && reps[d] > G_MAXINT64 / 8 / x->shape[d])
        {
          cx_node_error (node, error, CX_ERROR_LIMIT, "repeating axis %d of size %"
                         G_GINT64_FORMAT " %" G_GINT64_FORMAT " times is too large", d,
                         x->shape[d], reps[d]);
          return FALSE;
        }
      yshape[d] = x->shape[d] * reps[d];
    }
  out[0] = cx_run_alloc (run, x->elem, x->ndim, yshape, error);
  if (out[0] == NULL || out[0]->numel == 0)
    return out[0] != NULL;
  if (!maps_alloc (run, &m, x->ndim, yshape, error))
    return FALSE;
  contiguous_strides (x->ndim, x->shape, xs);
  for (int d = 0; d < x->ndim; d++)
    for (int64_t o = 0, i = 0; o < yshape[d]; o++, i = i + 1 == x->shape[d] ? 0 : i + 1)
      m.map[d][o] = i * xs[d];
  maps_gather (&m, x, out[0], 0.0f, 0);
  return TRUE;
}

/* The repeats follow from the shapes, so nothing needs saving. */
static gboolean
tile_backward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor *const *out,
               CxTensor *const *gout, CxTensor **gin, GError **error)
{
  CxTensor *gx = gin[0];
  const CxTensor *g = gout[0];
  int64_t xs[CX_MAX_DIMS];
  AxisMaps m;

  if (gx == NULL || g == NULL || g->numel == 0)
    return TRUE;
  g_assert (g->ndim == gx->ndim);
  if (!maps_alloc (run, &m, g->ndim, g->shape, error))
    return FALSE;
  contiguous_strides (gx->ndim, gx->shape, xs);
  for (int d = 0; d < g->ndim; d++)
    for (int64_t o = 0, i = 0; o < g->shape[d]; o++, i = i + 1 == gx->shape[d] ? 0 : i + 1)
      m.map[d][o] = i * xs[d];
  maps_scatter_add (&m, g, gx);
  return TRUE;
}

static gboolean
expand_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
                GError **error)
{
  const CxTensor *x = in[0];
  const int64_t *req;
  gsize n;
  int nout;
  int64_t yshape[CX_MAX_DIMS], xs[CX_MAX_DIMS];
  AxisMaps m;

  if (!int_input (node, in[1], "shape", &req, &n, error) || !check_out_rank (node, n, error))
    return FALSE;
  for (gsize d = 0; d < n; d++)
    if (req[d] < 0)
      {
        cx_node_error (node, error, CX_ERROR_INVALID, "dimension %" G_GSIZE_FORMAT " of "
                       "'shape' is negative (%" G_GINT64_FORMAT ")", d, req[d]);
        return FALSE;
      }
  if (!cx_broadcast_shape (x->ndim, x->shape, (int) n, req, &nout, yshape, error))
    {
      g_prefix_error (error, "node %s (%s): ", node->name, node->op_type);
      return FALSE;
    }
  out[0] = cx_run_alloc (run, x->elem, nout, yshape, error);
  if (out[0] == NULL || out[0]->numel == 0)
    return out[0] != NULL;
  if (!maps_alloc (run, &m, nout, yshape, error))
    return FALSE;
  cx_broadcast_strides (x->ndim, x->shape, nout, yshape, xs);
  for (int d = 0; d < nout; d++)
    for (int64_t o = 0; o < yshape[d]; o++)
      m.map[d][o] = o * xs[d];
  maps_gather (&m, x, out[0], 0.0f, 0);
  return TRUE;
}

static gboolean
expand_backward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor *const *out,
                 CxTensor *const *gout, CxTensor **gin, GError **error)
{
  if (gout[0] != NULL && gin[0] != NULL)
    cx_unbroadcast_add (gout[0], gin[0]);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Gather and GatherElements                                           */
/* ------------------------------------------------------------------ */

/* Index @i of @idx made non-negative against @dim, or an error naming it. */
static gboolean
check_index (const CxNode *node, const CxTensor *idx, int64_t i, int axis, int64_t dim,
             int64_t *v, GError **error)
{
  int64_t k = idx->data.i[i];
  if (k < -dim || k >= dim)
    {
      cx_node_error (node, error, CX_ERROR_INVALID, "index %" G_GINT64_FORMAT " (element %"
                     G_GINT64_FORMAT " of the indices) is out of range for axis %d of size %"
                     G_GINT64_FORMAT, k, i, axis, dim);
      return FALSE;
    }
  *v = k < 0 ? k + dim : k;
  return TRUE;
}

static gboolean
need_indices (const CxNode *node, const CxTensor *idx, GError **error)
{
  if (!cx_elem_is_float (idx->elem))
    return TRUE;
  cx_node_error (node, error, CX_ERROR_INVALID, "the indices are %s; they must be integers",
                 cx_elem_name (idx->elem));
  return FALSE;
}

/* Checks every index before a kernel reads with them. */
static gboolean
check_indices (const CxNode *node, const CxTensor *idx, int axis, int64_t dim, GError **error)
{
  int64_t v;
  for (int64_t i = 0; i < idx->numel; i++)
    if (!check_index (node, idx, i, axis, dim, &v, error))
      return FALSE;
  return TRUE;
}

static gboolean
gather_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
                GError **error)
{
  const ShapeParams *p = node->params;
  const CxTensor *x = in[0], *idx = in[1];
  int64_t yshape[CX_MAX_DIMS], outer, inner, dim, n = idx->numel;
  gsize es = cx_tensor_elem_size (x);
  int axis, k = 0;
  guint8 *dst;

  if (x->ndim == 0)
    {
      cx_node_error (node, error, CX_ERROR_SHAPE, "cannot gather from a scalar");
      return FALSE;
    }
  if (!need_indices (node, idx, error) ||
      !norm_axis (node, p->axis, x->ndim, "axis", &axis, error) ||
      !check_out_rank (node, (int64_t) x->ndim - 1 + idx->ndim, error))
    return FALSE;
  dim = x->shape[axis];
  if (!check_indices (node, idx, axis, dim, error))
    return FALSE;
  for (int d = 0; d < axis; d++)
    yshape[k++] = x->shape[d];
  for (int d = 0; d < idx->ndim; d++)
    yshape[k++] = idx->shape[d];
  for (int d = axis + 1; d < x->ndim; d++)
    yshape[k++] = x->shape[d];
  out[0] = cx_run_alloc (run, x->elem, k, yshape, error);
  if (out[0] == NULL || out[0]->numel == 0)
    return out[0] != NULL;
  outer = shape_prod (x->shape, 0, axis);
  inner = shape_prod (x->shape, axis + 1, x->ndim);
  dst = out[0]->data.p;
  for (int64_t o = 0; o < outer; o++)
    for (int64_t j = 0; j < n; j++, dst += inner * es)
      {
        int64_t v = idx->data.i[j] < 0 ? idx->data.i[j] + dim : idx->data.i[j];
        memcpy (dst, (const guint8 *) x->data.p + (o * dim + v) * inner * es, inner * es);
      }
  return TRUE;
}

static gboolean
gather_backward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor *const *out,
                 CxTensor *const *gout, CxTensor **gin, GError **error)
{
  const ShapeParams *p = node->params;
  const CxTensor *idx = in[1], *g = gout[0];
  CxTensor *gx = gin[0];
  int64_t outer, inner, dim;
  const float *src;
  int axis;

  if (gx == NULL || g == NULL || g->numel == 0)
    return TRUE;
  if (!norm_axis (node, p->axis, gx->ndim, "axis", &axis, error))
    return FALSE;
  dim = gx->shape[axis];
  if (!check_indices (node, idx, axis, dim, error))
    return FALSE;
  outer = shape_prod (gx->shape, 0, axis);
  inner = shape_prod (gx->shape, axis + 1, gx->ndim);
  g_assert (g->numel == outer * idx->numel * inner);
  src = g->data.f;
  for (int64_t o = 0; o < outer; o++)
    for (int64_t j = 0; j < idx->numel; j++, src += inner)
      {
        int64_t v = idx->data.i[j] < 0 ? idx->data.i[j] + dim : idx->data.i[j];
        float *dst = gx->data.f + (o * dim + v) * inner;
        for (int64_t i = 0; i < inner; i++)
          dst[i] += src[i];
      }
  return TRUE;
}

/* Checks GatherElements' operands: same rank, indices no larger than the
 * data off the axis (as onnxruntime), every index in range. */
static gboolean
gather_elements_check (const CxNode *node, int ndim, const int64_t *xshape,
                       const CxTensor *idx, int *axis, GError **error)
{
  const ShapeParams *p = node->params;

  if (!need_indices (node, idx, error))
    return FALSE;
  if (ndim == 0 || idx->ndim != ndim)
    {
      g_autofree char *a = cx_shape_to_string (ndim, xshape);
      g_autofree char *b = cx_shape_to_string (idx->ndim, idx->shape);
      cx_node_error (node, error, CX_ERROR_SHAPE, "the data %s and the indices %s must have "
                     "the same rank, at least 1", a, b);
      return FALSE;
    }
  if (!norm_axis (node, p->axis, ndim, "axis", axis, error))
    return FALSE;
  for (int d = 0; d < ndim; d++)
    if (d != *axis && idx->shape[d] > xshape[d])
      {
        g_autofree char *a = cx_shape_to_string (ndim, xshape);
        g_autofree char *b = cx_shape_to_string (idx->ndim, idx->shape);
        cx_node_error (node, error, CX_ERROR_SHAPE, "the indices %s are larger than the "
                       "data %s along axis %d", b, a, d);
        return FALSE;
      }
  return check_indices (node, idx, *axis, xshape[*axis], error);
}

/* Calls BODY with `off` (the data offset) and `i` (the index element) for
 * every element of the indices, walking rows of the last axis. */
#define GATHER_ELEMENTS_WALK(ndim, xshape, idx, axis, BODY)                        \
  G_STMT_START {                                                                   \
    int64_t xs_[CX_MAX_DIMS], pos_[CX_MAX_DIMS] = { 0 }, base_ = 0;                \
    int64_t cols_ = (idx)->shape[(ndim) - 1], dim_ = (xshape)[axis];               \
    int64_t lstride_ = (axis) == (ndim) - 1 ? 0 : 1;                               \
    contiguous_strides ((ndim), (xshape), xs_);                                    \
    for (int64_t i = 0; i < (idx)->numel;)                          \
      {                                                                            \
        for (int64_t c_ = 0; c_ < cols_; c_++, i++)                                \
          {                                                                        \
            int64_t k_ = (idx)->data.i[i] < 0 ? (idx)->data.i[i] + dim_            \
                                              : (idx)->data.i[i];                  \
            int64_t off = base_ + c_ * lstride_ + k_ * xs_[axis];                  \
            BODY;                                                                  \
          }                                                                        \
        for (int d_ = (ndim) - 2; d_ >= 0; d_--)                                   \
          {                                                                        \
            if (d_ != (axis))                                                      \
              base_ += xs_[d_];                                                    \
            if (++pos_[d_] < (idx)->shape[d_])                                     \
              break;                                                               \
            if (d_ != (axis))                                                      \
              base_ -= xs_[d_] * pos_[d_];                                         \
            pos_[d_] = 0;                                                          \
          }                                                                        \
      }                                                                            \
  } G_STMT_END

static gboolean
gather_elements_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
                         GError **error)
{
  const CxTensor *x = in[0], *idx = in[1];
  CxTensor *y;
  int axis;

  if (!gather_elements_check (node, x->ndim, x->shape, idx, &axis, error))
    return FALSE;
  y = out[0] = cx_run_alloc (run, x->elem, idx->ndim, idx->shape, error);
  if (y == NULL || y->numel == 0)
    return y != NULL;
  if (cx_elem_is_float (x->elem))
    GATHER_ELEMENTS_WALK (x->ndim, x->shape, idx, axis, y->data.f[i] = x->data.f[off]);
  else
    GATHER_ELEMENTS_WALK (x->ndim, x->shape, idx, axis, y->data.i[i] = x->data.i[off]);
  return TRUE;
}

static gboolean
gather_elements_backward (CxRun *run, const CxNode *node, CxTensor *const *in,
                          CxTensor *const *out, CxTensor *const *gout, CxTensor **gin,
                          GError **error)
{
  const CxTensor *idx = in[1], *g = gout[0];
  CxTensor *gx = gin[0];
  int axis;

  if (gx == NULL || g == NULL || g->numel == 0)
    return TRUE;
  if (!gather_elements_check (node, gx->ndim, gx->shape, idx, &axis, error))
    return FALSE;
  GATHER_ELEMENTS_WALK (gx->ndim, gx->shape, idx, axis, gx->data.f[off] += g->data.f[i]);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* ScatterND                                                           */
/* ------------------------------------------------------------------ */

static gboolean
scatter_nd_init (CxNode *node, GError **error)
{
  ShapeParams *p = params_new (node);
  g_autofree char *red = attr_string (node, "reduction", "none");

  if (node->opset < 16 || g_str_equal (red, "none"))
    return TRUE;
  if (g_str_equal (red, "add"))
    {
      p->add = TRUE;
      return TRUE;
    }
  cx_node_error (node, error, CX_ERROR_UNSUPPORTED, "reduction '%s' is not supported "
                 "(only 'none' and 'add')", red);
  return FALSE;
}

/* Checks the shapes and turns each index tuple into a slot: the position
 * of its slice in data viewed as [slots, slice]. @slots_out gets one
 * entry per update (scratch slot 1). */
static gboolean
scatter_nd_slots (CxRun *run, const CxNode *node, const CxTensor *data, const CxTensor *idx,
                  const CxTensor *upd, int64_t **slots_out, int64_t *n_upd, int64_t *slice,
                  GError **error)
{
  int q = idx->ndim, r = data->ndim;
  int64_t k, stride[CX_MAX_DIMS], *slots;
  gboolean fits;

  if (!need_indices (node, idx, error))
    return FALSE;
  if (cx_elem_is_float (upd->elem) != cx_elem_is_float (data->elem))
    {
      cx_node_error (node, error, CX_ERROR_INVALID, "the updates are %s but the data is %s",
                     cx_elem_name (upd->elem), cx_elem_name (data->elem));
      return FALSE;
    }
  k = q > 0 ? idx->shape[q - 1] : -1;
  if (r == 0 || q == 0 || k > r)
    {
      g_autofree char *a = cx_shape_to_string (r, data->shape);
      g_autofree char *b = cx_shape_to_string (q, idx->shape);
      cx_node_error (node, error, CX_ERROR_SHAPE, "indices of shape %s cannot index data of "
                     "shape %s", b, a);
      return FALSE;
    }
  /* updates.shape = indices.shape[:-1] ++ data.shape[k:] */
  fits = upd->ndim == q - 1 + r - (int) k;
  for (int d = 0; fits && d < q - 1; d++)
    fits = upd->shape[d] == idx->shape[d];
  for (int d = (int) k; fits && d < r; d++)
    fits = upd->shape[q - 1 + d - k] == data->shape[d];
  if (!fits)
    {
      g_autofree char *a = cx_shape_to_string (r, data->shape);
      g_autofree char *b = cx_shape_to_string (q, idx->shape);
      g_autofree char *c = cx_shape_to_string (upd->ndim, upd->shape);
      cx_node_error (node, error, CX_ERROR_SHAPE, "updates of shape %s do not fit data of "
                     "shape %s and indices of shape %s", c, a, b);
      return FALSE;
    }
  *n_upd = shape_prod (idx->shape, 0, q - 1);
  *slice = shape_prod (data->shape, (int) k, r);
  contiguous_strides ((int) k, data->shape, stride);
  slots = cx_run_scratch (run, 1, sizeof (int64_t) * (gsize) MAX (*n_upd, 1), error);
  if (slots == NULL)
    return FALSE;
  for (int64_t j = 0; j < *n_upd; j++)
    {
      int64_t s = 0;
      for (int m = 0; m < k; m++)
        {
          int64_t v;
          if (!check_index (node, idx, j * k + m, m, data->shape[m], &v, error))
            return FALSE;
          s += v * stride[m];
        }
      slots[j] = s;
    }
  *slots_out = slots;
  return TRUE;
}

static gboolean
scatter_nd_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
                    GError **error)
{
  const ShapeParams *p = node->params;
  const CxTensor *x = in[0], *upd = in[2];
  int64_t *slots, n_upd, slice;
  gsize es = cx_tensor_elem_size (x);
  CxTensor *y;

  if (!scatter_nd_slots (run, node, x, in[1], upd, &slots, &n_upd, &slice, error))
    return FALSE;
  y = out[0] = cx_run_alloc (run, x->elem, x->ndim, x->shape, error);
  if (y == NULL)
    return FALSE;
  if (x->numel > 0)
    memcpy (y->data.p, x->data.p, cx_tensor_nbytes (x));
  for (int64_t j = 0; j < n_upd; j++)
    {
      int64_t at = slots[j] * slice, from = j * slice;
      if (!p->add)
        memcpy ((guint8 *) y->data.p + at * es, (const guint8 *) upd->data.p + from * es,
                slice * es);
      else if (cx_elem_is_float (x->elem))
        for (int64_t i = 0; i < slice; i++)
          y->data.f[at + i] += upd->data.f[from + i];
      else
        for (int64_t i = 0; i < slice; i++)
          y->data.i[at + i] = (int64_t) ((guint64) y->data.i[at + i] + (guint64) upd->data.i[from + i]);
    }
  return TRUE;
}

/* With reduction 'none', a written slice's gradient goes to the update
 * that wrote it last (the spec leaves duplicates undefined; this matches
 * the forward's order), and the data keeps the gradient of the slices
 * nothing overwrote. With 'add' both receive everything. */
static gboolean
scatter_nd_backward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor *const *out,
                     CxTensor *const *gout, CxTensor **gin, GError **error)
{
  const ShapeParams *p = node->params;
  const CxTensor *g = gout[0];
  CxTensor *gx = gin[0], *gu = gin[2];
  int64_t *slots, *owner = NULL, n_upd, slice, n_slots;

  if (g == NULL || g->numel == 0)
    return TRUE;
  if (!scatter_nd_slots (run, node, in[0], in[1], in[2], &slots, &n_upd, &slice, error))
    return FALSE;
  n_slots = slice > 0 ? g->numel / slice : 0;
  if (!p->add && n_slots > 0)
    {
      owner = cx_run_scratch (run, 0, sizeof (int64_t) * (gsize) n_slots, error);
      if (owner == NULL)
        return FALSE;
      for (int64_t s = 0; s < n_slots; s++)
        owner[s] = -1;
      for (int64_t j = 0; j < n_upd; j++)
        owner[slots[j]] = j;
    }
  if (gx != NULL)
    for (int64_t s = 0; s < n_slots; s++)
      if (owner == NULL || owner[s] < 0)
        for (int64_t i = 0; i < slice; i++)
          gx->data.f[s * slice + i] += g->data.f[s * slice + i];
  if (gu != NULL)
    for (int64_t j = 0; j < n_upd; j++)
      if (owner == NULL || owner[slots[j]] == j)
        for (int64_t i = 0; i < slice; i++)
          gu->data.f[j * slice + i] += g->data.f[slots[j] * slice + i];
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Shape, Size, Range, ConstantOfShape, Constant                       */
/* ------------------------------------------------------------------ */

static gboolean
shape_init (CxNode *node, GError **error)
{
  ShapeParams *p = params_new (node);

  if (node->opset < 15)
    return TRUE;
  p->start = cx_node_attr_int (node, "start", 0);
  p->has_end = cx_node_has_attr (node, "end");
  p->end = cx_node_attr_int (node, "end", 0);
  return TRUE;
}

static gboolean
shape_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
               GError **error)
{
  const ShapeParams *p = node->params;
  const CxTensor *x = in[0];
  int64_t r = x->ndim, start = p->start, end = p->has_end ? p->end : r, n;

  /* Negative axes count from the back; both then clamp to [0, r]. */
  if (start < 0)
    start += r;
  if (end < 0)
    end += r;
  start = CLAMP (start, 0, r);
  end = CLAMP (end, 0, r);
  n = MAX (end - start, 0);
  out[0] = cx_run_alloc (run, CX_ELEM_INT64, 1, &n, error);
  if (out[0] == NULL)
    return FALSE;
  for (int64_t d = 0; d < n; d++)
    out[0]->data.i[d] = x->shape[start + d];
  return TRUE;
}

static gboolean
size_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
              GError **error)
{
  out[0] = cx_run_alloc (run, CX_ELEM_INT64, 0, NULL, error);
  if (out[0] == NULL)
    return FALSE;
  out[0]->data.i[0] = in[0]->numel;
  return TRUE;
}

static gboolean
range_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
               GError **error)
{
  static const char *names[3] = { "start", "limit", "delta" };
  const CxTensor *t0 = in[0];
  gboolean is_float = cx_elem_is_float (t0->elem);
  int64_t n;

  for (int k = 0; k < 3; k++)
    if (in[k]->numel != 1 || in[k]->ndim > 1 || cx_elem_is_float (in[k]->elem) != is_float)
      {
        cx_node_error (node, error, CX_ERROR_INVALID, "'%s' must be one %s value", names[k],
                       cx_elem_name (t0->elem));
        return FALSE;
      }
  if (is_float)
    {
      double start = in[0]->data.f[0], limit = in[1]->data.f[0], delta = in[2]->data.f[0];
      double count = ceil ((limit - start) / delta);
      if (delta == 0.0 || isnan (count))
        {
          cx_node_error (node, error, CX_ERROR_INVALID, "cannot count from %g to %g in steps "
                         "of %g", start, limit, delta);
          return FALSE;
        }
      /* Beyond int64 the allocator's limit refuses it anyway. */
      n = count <= 0 ? 0 : count >= 9.2e18 ? G_MAXINT64 : (int64_t) count;
      out[0] = cx_run_alloc (run, t0->elem, 1, &n, error);
      if (out[0] == NULL)
        return FALSE;
      for (int64_t i = 0; i < n; i++)
        out[0]->data.f[i] = (float) (start + (double) i * delta);
    }
  else
    {
      int64_t start = in[0]->data.i[0], limit = in[1]->data.i[0], delta = in[2]->data.i[0];
      if (delta == 0)
        {
          cx_node_error (node, error, CX_ERROR_INVALID, "cannot count from %" G_GINT64_FORMAT
                         " to %" G_GINT64_FORMAT " in steps of 0", start, limit);
          return FALSE;
        }
      /* Unsigned differences are exact whatever the signs. */
      if (delta > 0)
        n = limit > start ? ceil_div_u ((guint64) limit - (guint64) start, (guint64) delta) : 0;
      else
        n = start > limit ? ceil_div_u ((guint64) start - (guint64) limit, 0 - (guint64) delta)
                          : 0;
      out[0] = cx_run_alloc (run, t0->elem, 1, &n, error);
      if (out[0] == NULL)
        return FALSE;
      for (int64_t i = 0; i < n; i++)
        out[0]->data.i[i] = (int64_t) ((guint64) start + (guint64) i * (guint64) delta);
    }
  return TRUE;
}

static gboolean
constant_of_shape_init (CxNode *node, GError **error)
{
  ShapeParams *p = params_new (node);

  if (!cx_node_has_attr (node, "value"))
    return TRUE;
  p->tensor = cx_node_attr_tensor (node, "value", error);
  if (p->tensor == NULL)
    return FALSE;
  if (p->tensor->numel != 1)
    {
      cx_node_error (node, error, CX_ERROR_INVALID, "'value' must hold one element, not %"
                     G_GINT64_FORMAT, p->tensor->numel);
      return FALSE;
    }
  return TRUE;
}

static gboolean
constant_of_shape_forward (CxRun *run, const CxNode *node, CxTensor *const *in,
                           CxTensor **out, GError **error)
{
  const ShapeParams *p = node->params;
  const int64_t *shape;
  gsize n;
  CxElem elem = p->tensor ? p->tensor->elem : CX_ELEM_FLOAT;
  CxTensor *y;

  if (!int_input (node, in[0], "input", &shape, &n, error) || !check_out_rank (node, n, error))
    return FALSE;
  for (gsize d = 0; d < n; d++)
    if (shape[d] < 0)
      {
        cx_node_error (node, error, CX_ERROR_INVALID, "dimension %" G_GSIZE_FORMAT " of the "
                       "shape is negative (%" G_GINT64_FORMAT ")", d, shape[d]);
        return FALSE;
      }
  y = out[0] = cx_run_alloc (run, elem, (int) n, shape, error);
  if (y == NULL)
    return FALSE;
  if (cx_elem_is_float (elem))
    {
      float v = p->tensor ? p->tensor->data.f[0] : 0.0f;
      for (int64_t i = 0; i < y->numel; i++)
        y->data.f[i] = v;
    }
  else
    for (int64_t i = 0; i < y->numel; i++)
      y->data.i[i] = p->tensor->data.i[0];
  return TRUE;
}

static gboolean
constant_init (CxNode *node, GError **error)
{
  ShapeParams *p = params_new (node);
  static const char *unsupported[] = { "sparse_value", "value_string", "value_strings" };
  const int64_t *iv;
  const float *fv;
  gsize n;

  for (gsize k = 0; k < G_N_ELEMENTS (unsupported); k++)
    if (cx_node_has_attr (node, unsupported[k]))
      {
        cx_node_error (node, error, CX_ERROR_UNSUPPORTED, "attribute '%s' is not supported",
                       unsupported[k]);
        return FALSE;
      }
  if (cx_node_has_attr (node, "value"))
    p->tensor = cx_node_attr_tensor (node, "value", error);
  else if (cx_node_has_attr (node, "value_float"))
    {
      p->tensor = cx_tensor_new (CX_ELEM_FLOAT, 0, NULL, error);
      if (p->tensor != NULL)
        p->tensor->data.f[0] = cx_node_attr_float (node, "value_float", 0.0f);
    }
  else if (cx_node_attr_floats (node, "value_floats", &fv, &n))
    {
      int64_t len = (int64_t) n;
      p->tensor = cx_tensor_new (CX_ELEM_FLOAT, 1, &len, error);
      if (p->tensor != NULL && n > 0)
        memcpy (p->tensor->data.f, fv, sizeof (float) * n);
    }
  else if (cx_node_has_attr (node, "value_int"))
    {
      p->tensor = cx_tensor_new (CX_ELEM_INT64, 0, NULL, error);
      if (p->tensor != NULL)
        p->tensor->data.i[0] = cx_node_attr_int (node, "value_int", 0);
    }
  else if (cx_node_attr_ints (node, "value_ints", &iv, &n))
    {
      int64_t len = (int64_t) n;
      p->tensor = cx_tensor_new (CX_ELEM_INT64, 1, &len, error);
      if (p->tensor != NULL && n > 0)
        memcpy (p->tensor->data.i, iv, sizeof (int64_t) * n);
    }
  else
    {
      cx_node_error (node, error, CX_ERROR_INVALID, "no 'value' attribute");
      return FALSE;
    }
  return p->tensor != NULL;
}

static gboolean
constant_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
                  GError **error)
{
  const ShapeParams *p = node->params;
  return reshape_copy (run, p->tensor, p->tensor->ndim, p->tensor->shape, out, error);
}

/* ------------------------------------------------------------------ */
/* The table                                                           */
/* ------------------------------------------------------------------ */

#define ALL_INPUTS 0xffffffffu
#define FREE_PARAMS shape_params_free

CX_DEFINE_OP_FAMILY (shape,
  { "Concat", 1, MAX_PARTS, 1, 1, axis_init, concat_forward, concat_backward, ALL_INPUTS, CX_SAVE_INPUTS, FREE_PARAMS },
  { "Constant", 0, 0, 1, 1, constant_init, constant_forward, NULL, 0, CX_SAVE_NONE, FREE_PARAMS },
  { "ConstantOfShape", 1, 1, 1, 1, constant_of_shape_init, constant_of_shape_forward, NULL, 0, CX_SAVE_NONE, FREE_PARAMS },
  { "DepthToSpace", 1, 1, 1, 1, block_init, depth_to_space_forward, depth_to_space_backward, CX_IN (0), CX_SAVE_NONE, FREE_PARAMS },
  { "Expand", 2, 2, 1, 1, NULL, expand_forward, expand_backward, CX_IN (0), CX_SAVE_NONE, NULL },
  { "Flatten", 1, 1, 1, 1, flatten_init, flatten_forward, flat_backward, CX_IN (0), CX_SAVE_NONE, FREE_PARAMS,
    .backward_set = flat_backward_set, .set_in_place = TRUE, .set_reshaped = TRUE },
  { "Gather", 2, 2, 1, 1, axis_init, gather_forward, gather_backward, CX_IN (0), CX_SAVE_INPUTS, FREE_PARAMS },
  { "GatherElements", 2, 2, 1, 1, axis_init, gather_elements_forward, gather_elements_backward, CX_IN (0), CX_SAVE_INPUTS, FREE_PARAMS },
  { "Pad", 1, 4, 1, 1, pad_init, pad_forward, pad_backward, CX_IN (0), CX_SAVE_INPUTS, FREE_PARAMS },
  { "Range", 3, 3, 1, 1, NULL, range_forward, NULL, 0, CX_SAVE_NONE, NULL },
  { "Reshape", 2, 2, 1, 1, reshape_init, reshape_forward, flat_backward, CX_IN (0), CX_SAVE_NONE, FREE_PARAMS,
    .backward_set = flat_backward_set, .set_in_place = TRUE, .set_reshaped = TRUE },
  { "ScatterND", 3, 3, 1, 1, scatter_nd_init, scatter_nd_forward, scatter_nd_backward, CX_IN (0) | CX_IN (2), CX_SAVE_INPUTS, FREE_PARAMS },
  { "Shape", 1, 1, 1, 1, shape_init, shape_forward, NULL, 0, CX_SAVE_NONE, FREE_PARAMS },
  { "Size", 1, 1, 1, 1, NULL, size_forward, NULL, 0, CX_SAVE_NONE, NULL },
  { "Slice", 1, 5, 1, 1, slice_init, slice_forward, slice_backward, CX_IN (0), CX_SAVE_INPUTS, FREE_PARAMS },
  { "SpaceToDepth", 1, 1, 1, 1, block_init, space_to_depth_forward, space_to_depth_backward, CX_IN (0), CX_SAVE_NONE, FREE_PARAMS },
  { "Split", 1, 2, 1, MAX_PARTS, split_init, split_forward, split_backward, CX_IN (0), CX_SAVE_INPUTS, FREE_PARAMS },
  { "Squeeze", 1, 2, 1, 1, axes_attr_init, squeeze_forward, flat_backward, CX_IN (0), CX_SAVE_NONE, FREE_PARAMS,
    .backward_set = flat_backward_set, .set_in_place = TRUE, .set_reshaped = TRUE },
  { "Tile", 2, 2, 1, 1, NULL, tile_forward, tile_backward, CX_IN (0), CX_SAVE_NONE, NULL },
  { "Transpose", 1, 1, 1, 1, transpose_init, transpose_forward, transpose_backward, CX_IN (0), CX_SAVE_NONE, FREE_PARAMS },
  { "Unsqueeze", 1, 2, 1, 1, axes_attr_init, unsqueeze_forward, flat_backward, CX_IN (0), CX_SAVE_NONE, FREE_PARAMS,
    .backward_set = flat_backward_set, .set_in_place = TRUE, .set_reshaped = TRUE },
)
