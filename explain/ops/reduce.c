/* reduce.c: reductions over axes (ReduceSum, ReduceMean, …) and ArgMax/ArgMin.
 *
 * A reduction walks the input with the broadcast plan (broadcast.h),
 * reading the output as if broadcast back to the input's shape: along a
 * row the output either advances with the input (a kept axis) or stays
 * put (a reduced one), so both cases are straight loops. Accumulation is
 * in double (int64 for integer tensors); the backward pass walks the
 * same plan.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "broadcast.h"

#include <math.h>
#include <string.h>

typedef enum
{
  RED_SUM,
  RED_MEAN,
  RED_MAX,
  RED_MIN,
  RED_PROD,
  RED_L1,
  RED_L2,
  RED_SUM_SQUARE,
  RED_LOG_SUM,
  RED_LOG_SUM_EXP,
} RedKind;

typedef struct
{
  RedKind kind;
  gboolean keepdims;
  gboolean noop_with_empty_axes;
  gboolean axes_input;          /* axes are input 1 (ReduceSum from opset 13, the others from 18) */
  int n_axes;                   /* the `axes` attribute; -1 when absent */
  int64_t axes[CX_MAX_DIMS];
  int64_t axis;                 /* ArgMax/ArgMin */
  gboolean select_last_index;
} ReduceParams;

static const struct
{
  const char *name;
  RedKind kind;
} reduce_kinds[] = {
  { "ReduceL1", RED_L1 },
  { "ReduceL2", RED_L2 },
  { "ReduceLogSum", RED_LOG_SUM },
  { "ReduceLogSumExp", RED_LOG_SUM_EXP },
  { "ReduceMax", RED_MAX },
  { "ReduceMean", RED_MEAN },
  { "ReduceMin", RED_MIN },
  { "ReduceProd", RED_PROD },
  { "ReduceSum", RED_SUM },
  { "ReduceSumSquare", RED_SUM_SQUARE },
};

static gboolean
bool_attr (CxNode *node, const char *name, gboolean def, gboolean *value, GError **error)
{
  int64_t v = cx_node_attr_int (node, name, def);

  if (v != 0 && v != 1)
    {
      cx_node_error (node, error, CX_ERROR_INVALID,
                     "attribute '%s' is %" G_GINT64_FORMAT "; it must be 0 or 1", name, v);
      return FALSE;
    }
  *value = v == 1;
  return TRUE;
}

static gboolean
reduce_init (CxNode *node, GError **error)
{
  ReduceParams *p = g_new0 (ReduceParams, 1);
  const int64_t *axes;
  gsize n;
  gboolean found = FALSE;

  node->params = p;
  for (gsize i = 0; i < G_N_ELEMENTS (reduce_kinds); i++)
    if (g_str_equal (node->op_type, reduce_kinds[i].name))
      {
        p->kind = reduce_kinds[i].kind;
        found = TRUE;
      }
  g_assert (found);
  if (!bool_attr (node, "keepdims", TRUE, &p->keepdims, error) ||
      !bool_attr (node, "noop_with_empty_axes", FALSE, &p->noop_with_empty_axes, error))
    return FALSE;
  p->axes_input = node->opset >= (p->kind == RED_SUM ? 13 : 18);
  p->n_axes = -1;
  if (p->axes_input)
    {
      if (cx_node_has_attr (node, "axes"))
        {
          cx_node_error (node, error, CX_ERROR_INVALID,
                         "attribute 'axes' is not allowed at opset %d: the axes are input 1",
                         node->opset);
          return FALSE;
        }
      return TRUE;
    }
  if (node->n_in > 1)
    {
      cx_node_error (node, error, CX_ERROR_INVALID,
                     "takes its axes as an attribute at opset %d, not as input 1", node->opset);
      return FALSE;
    }
  if (!cx_node_attr_ints (node, "axes", &axes, &n))
    return TRUE;
  if (n > CX_MAX_DIMS)
    {
      cx_node_error (node, error, CX_ERROR_INVALID,
                     "attribute 'axes' lists %" G_GSIZE_FORMAT " axes; at most %d are supported",
                     n, CX_MAX_DIMS);
      return FALSE;
    }
  for (gsize i = 0; i < n; i++)
    {
      if (axes[i] < -CX_MAX_DIMS || axes[i] >= CX_MAX_DIMS)
        {
          cx_node_error (node, error, CX_ERROR_INVALID,
                         "attribute 'axes' holds %" G_GINT64_FORMAT ", out of range", axes[i]);
          return FALSE;
        }
      for (gsize j = 0; j < i; j++)
        if (axes[j] == axes[i])
          {
            cx_node_error (node, error, CX_ERROR_INVALID,
                           "attribute 'axes' lists axis %" G_GINT64_FORMAT " twice", axes[i]);
            return FALSE;
          }
      p->axes[i] = axes[i];
    }
  p->n_axes = (int) n;
  return TRUE;
}

/* What a node reduces for input @x: @mask[d] for each reduced axis, the
 * output's shape with the reduced axes kept as 1 (@kshape), and the
 * output's real shape. *@noop when empty axes mean identity. */
typedef struct
{
  gboolean noop;
  gboolean mask[CX_MAX_DIMS];
  int64_t kshape[CX_MAX_DIMS];
  int ondim;
  int64_t oshape[CX_MAX_DIMS];
  int64_t count;                /* elements reduced into each output */
} Reduction;

static gboolean
reduce_plan (const CxNode *node, const CxTensor *x, const CxTensor *axes_in, Reduction *r,
             GError **error)
{
  const ReduceParams *p = node->params;
  const int64_t *axes = p->axes;
  int n = MAX (p->n_axes, 0), rank = x->ndim;

  memset (r, 0, sizeof *r);
  if (p->axes_input && axes_in != NULL)
    {
      if (cx_elem_is_float (axes_in->elem) || axes_in->ndim > 1)
        {
          cx_node_error (node, error, CX_ERROR_INVALID,
                         "input 'axes' must be a 1-D integer tensor, not %s of rank %d",
                         cx_elem_name (axes_in->elem), axes_in->ndim);
          return FALSE;
        }
      axes = axes_in->data.i;
      n = (int) MIN (axes_in->numel, G_MAXINT);
    }
  else if (p->axes_input)
    n = 0;
  if (n == 0)
    {
      r->noop = p->axes_input && p->noop_with_empty_axes;
      for (int d = 0; d < rank; d++)
        r->mask[d] = !r->noop;
    }
  for (int i = 0; i < n; i++)
    {
      int64_t a = axes[i];
      if (a < -rank || a >= rank)
        {
          g_autofree char *s = cx_shape_to_string (x->ndim, x->shape);
          cx_node_error (node, error, CX_ERROR_SHAPE,
                         "axis %" G_GINT64_FORMAT " is out of range for an input of shape %s",
                         a, s);
          return FALSE;
        }
      r->mask[a < 0 ? a + rank : a] = TRUE;
    }
  r->count = 1;
  for (int d = 0; d < rank; d++)
    {
      r->kshape[d] = r->mask[d] ? 1 : x->shape[d];
      if (r->mask[d])
        r->count *= x->shape[d];
      if (!r->mask[d] || p->keepdims)
        r->oshape[r->ondim++] = r->kshape[d];
    }
  return TRUE;
}

/* The plan that walks @x with the (keepdims) output as second operand. */
static void
walk_plan (const CxTensor *x, const Reduction *r, CxBroadcastPlan *plan)
{
  const int ndims[2] = { x->ndim, x->ndim };
  const int64_t *shapes[2] = { x->shape, r->kshape };

  cx_broadcast_plan_init (plan, x->ndim, x->shape, 2, ndims, shapes);
}

/* One row of a float reduction: acc[j] = COMBINE (acc[j], VAL) for the
 * x elements of output j, where j advances with the row (sy = 1) or
 * stays (sy = 0; then independent lanes keep the loop vectorizable).
 * VAL reads xv. */
#define ACC_LOOP(COMBINE, ID, VAL) \
  if (sy) \
    CX_VEC_LOOP (n, const double xv = xr[i]; COMBINE (acc[i], (VAL));); \
  else \
    { \
      double lane[CX_VEC_BLOCK]; \
      int64_t b = 0; \
      for (int k = 0; k < CX_VEC_BLOCK; k++) \
        lane[k] = (ID); \
      for (; b + CX_VEC_BLOCK <= n; b += CX_VEC_BLOCK) \
        for (int k = 0; k < CX_VEC_BLOCK; k++) \
          { \
            const double xv = xr[b + k]; \
            COMBINE (lane[k], (VAL)); \
          } \
      for (; b < n; b++) \
        { \
          const double xv = xr[b]; \
          COMBINE (lane[0], (VAL)); \
        } \
      for (int k = 0; k < CX_VEC_BLOCK; k++) \
        COMBINE (acc[0], lane[k]); \
    }

#define C_ADD(a, v) a += v
#define C_MUL(a, v) a *= v
/* NaN wins, as in NumPy's max and min. */
#define C_MAX(a, v) a = cx_select_d (((v) > a) | ((v) != (v)), (v), a)
#define C_MIN(a, v) a = cx_select_d (((v) < a) | ((v) != (v)), (v), a)

typedef enum { PASS_SUM, PASS_ABS, PASS_SQUARE, PASS_MAX, PASS_MIN, PASS_PROD, PASS_EXP_SHIFTED } Pass;

/* @acc and @shift point at the row's first output. */
static void
reduce_row_f (Pass pass, const float *restrict xr, double *restrict acc,
              const double *restrict shift, int64_t n, int64_t sy)
{
  switch (pass)
    {
    case PASS_SUM: ACC_LOOP (C_ADD, 0.0, xv) break;
    case PASS_ABS: ACC_LOOP (C_ADD, 0.0, fabs (xv)) break;
    case PASS_SQUARE: ACC_LOOP (C_ADD, 0.0, xv * xv) break;
    case PASS_MAX: ACC_LOOP (C_MAX, -INFINITY, xv) break;
    case PASS_MIN: ACC_LOOP (C_MIN, INFINITY, xv) break;
    case PASS_PROD: ACC_LOOP (C_MUL, 1.0, xv) break;
    case PASS_EXP_SHIFTED:
      /* Σ exp(x − m), m the row's maximum (a float, so the difference is exact). */
      if (sy)
        CX_VEC_LOOP (n, acc[i] += expf (xr[i] - (float) shift[i]););
      else
        {
          const float m = (float) shift[0];
          double sum = 0;
          for (int64_t i = 0; i < n; i++)
            sum += expf (xr[i] - m);
          acc[0] += sum;
        }
      break;
    default: g_assert_not_reached ();
    }
}

static void
reduce_pass_f (const CxBroadcastPlan *plan, const float *x, double *acc, Pass pass,
               const double *shift)
{
  CxBroadcastIter it;

  cx_broadcast_iter_init (&it);
  for (int64_t r = 0; r < plan->rows; r++, cx_broadcast_iter_next (plan, &it))
    reduce_row_f (pass, x + it.off[0], acc + it.off[1], shift != NULL ? shift + it.off[1] : NULL,
                  plan->cols, plan->inner[1]);
}

/* The integer version: int64 accumulators, wrapping on overflow. */
static void
reduce_pass_i (const CxBroadcastPlan *plan, const int64_t *x, int64_t *acc, Pass pass)
{
  CxBroadcastIter it;

  cx_broadcast_iter_init (&it);
  for (int64_t r = 0; r < plan->rows; r++, cx_broadcast_iter_next (plan, &it))
    {
      const int64_t *xr = x + it.off[0];
      for (int64_t i = 0; i < plan->cols; i++)
        {
          int64_t *a = &acc[it.off[1] + i * plan->inner[1]];
          uint64_t v = (uint64_t) xr[i];
          switch (pass)
            {
            case PASS_SUM: *a = (int64_t) ((uint64_t) *a + v); break;
            case PASS_ABS: *a = (int64_t) ((uint64_t) *a + (xr[i] < 0 ? 0 - v : v)); break;
            case PASS_SQUARE: *a = (int64_t) ((uint64_t) *a + v * v); break;
            case PASS_MAX: *a = MAX (*a, xr[i]); break;
            case PASS_MIN: *a = MIN (*a, xr[i]); break;
            case PASS_PROD: *a = (int64_t) ((uint64_t) *a * v); break;
            default: g_assert_not_reached ();
            }
        }
    }
}

static Pass
pass_of (RedKind kind)
{
  switch (kind)
    {
    case RED_SUM: case RED_MEAN: case RED_LOG_SUM: return PASS_SUM;
    case RED_L1: return PASS_ABS;
    case RED_L2: case RED_SUM_SQUARE: return PASS_SQUARE;
    case RED_MAX: case RED_LOG_SUM_EXP: return PASS_MAX;
    case RED_MIN: return PASS_MIN;
    case RED_PROD: return PASS_PROD;
    default: g_assert_not_reached ();
    }
  return PASS_SUM;
}

static double
pass_identity (Pass pass)
{
  switch (pass)
    {
    case PASS_MAX: return -INFINITY;
    case PASS_MIN: return INFINITY;
    case PASS_PROD: return 1.0;
    default: return 0.0;
    }
}

static gboolean
reduce_forward_i (CxRun *run, const CxNode *node, const CxTensor *x, const Reduction *red,
                  const CxBroadcastPlan *plan, CxTensor *y, GError **error)
{
  const ReduceParams *p = node->params;
  Pass pass = pass_of (p->kind);
  int64_t init = pass == PASS_MAX ? G_MININT64 : pass == PASS_MIN ? G_MAXINT64 :
                 pass == PASS_PROD ? 1 : 0;

  if (p->kind == RED_L2 || p->kind == RED_LOG_SUM || p->kind == RED_LOG_SUM_EXP)
    {
      cx_node_error (node, error, CX_ERROR_UNSUPPORTED, "%s of %s tensors is not supported",
                     node->op_type, cx_elem_name (x->elem));
      return FALSE;
    }
  for (int64_t j = 0; j < y->numel; j++)
    y->data.i[j] = init;
  if (x->numel > 0)
    reduce_pass_i (plan, x->data.i, y->data.i, pass);
  if (p->kind == RED_MEAN)
    for (int64_t j = 0; j < y->numel; j++)
      y->data.i[j] = red->count > 0 ? y->data.i[j] / red->count : 0;
  return TRUE;
}

static gboolean
reduce_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
                GError **error)
{
  const ReduceParams *p = node->params;
  const CxTensor *x = in[0];
  Reduction red;
  CxBroadcastPlan plan;
  CxTensor *y;
  double *acc, *shift = NULL;
  Pass pass;

  if (!reduce_plan (node, x, node->n_in > 1 ? in[1] : NULL, &red, error))
    return FALSE;
  if (red.noop)
    {
      out[0] = cx_run_alloc (run, x->elem, x->ndim, x->shape, error);
      if (out[0] == NULL)
        return FALSE;
      memcpy (out[0]->data.p, x->data.p, cx_tensor_nbytes (x));
      return TRUE;
    }
  y = out[0] = cx_run_alloc (run, x->elem, red.ondim, red.oshape, error);
  if (y == NULL)
    return FALSE;
  walk_plan (x, &red, &plan);
  if (!cx_elem_is_float (x->elem))
    return reduce_forward_i (run, node, x, &red, &plan, y, error);

  acc = cx_run_scratch (run, 0, sizeof (double) * MAX (y->numel, 1) *
                                (p->kind == RED_LOG_SUM_EXP ? 2 : 1), error);
  if (acc == NULL)
    return FALSE;
  pass = pass_of (p->kind);
  for (int64_t j = 0; j < y->numel; j++)
    acc[j] = pass_identity (pass);
  if (x->numel > 0)
    reduce_pass_f (&plan, x->data.f, acc, pass, NULL);
  if (p->kind == RED_LOG_SUM_EXP)
    {
      /* log Σ exp(x) = m + log Σ exp(x − m), m the maximum, for stability. */
      shift = acc;
      acc = shift + y->numel;
      for (int64_t j = 0; j < y->numel; j++)
        {
          if (isinf (shift[j]))
            shift[j] = shift[j] > 0 ? INFINITY : 0.0;  /* all −inf: log Σ = log 0 = −inf */
          acc[j] = 0.0;
        }
      if (x->numel > 0)
        reduce_pass_f (&plan, x->data.f, acc, PASS_EXP_SHIFTED, shift);
    }
  for (int64_t j = 0; j < y->numel; j++)
    {
      double v = acc[j];
      switch (p->kind)
        {
        case RED_MEAN: v = v / (double) red.count; break;
        case RED_L2: v = sqrt (v); break;
        case RED_LOG_SUM: v = log (v); break;
        case RED_LOG_SUM_EXP: v = isinf (shift[j]) ? shift[j] : shift[j] + log (v); break;
        default: break;
        }
      y->data.f[j] = (float) v;
    }
  return TRUE;
}

/* One gradient row: gx[i] += g[j] · (DX), DX reading xv, y[j] and j,
 * where j = i (sy = 1) or 0 (sy = 0); g, y, nzprod, zeros point at the
 * row's first output. */
#define GRAD_LOOP(DX) \
  if (sy) \
    CX_VEC_LOOP (n, const float xv = xr[i]; const int64_t j = i; (void) xv; (void) j; \
                 gr[i] += g[j] * (DX);); \
  else \
    { \
      const int64_t j = 0; \
      const float gv = g[0]; \
      (void) j; \
      CX_VEC_LOOP (n, const float xv = xr[i]; (void) xv; gr[i] += gv * (DX);); \
    }

static void
reduce_grad_row (RedKind kind, const float *restrict xr, float *restrict gr,
                 const float *restrict g, const float *restrict y,
                 const double *restrict nzprod, const double *restrict zeros,
                 float inv_count, int64_t n, int64_t sy)
{
  switch (kind)
    {
    case RED_SUM: GRAD_LOOP (1.0f) break;
    case RED_MEAN: GRAD_LOOP (inv_count) break;
    case RED_SUM_SQUARE: GRAD_LOOP (2.0f * xv) break;
    case RED_L1: GRAD_LOOP ((float) ((xv > 0.0f) - (xv < 0.0f))) break;
    case RED_L2: GRAD_LOOP (cx_select (y[j] > 0.0f, xv / y[j], 0.0f)) break;
    case RED_LOG_SUM: GRAD_LOOP (expf (-y[j])) break;
    case RED_LOG_SUM_EXP: GRAD_LOOP (expf (xv - y[j])) break;
    case RED_PROD:
      GRAD_LOOP ((float) (zeros[j] == 0.0 ? nzprod[j] / xv :
                          (zeros[j] == 1.0 && xv == 0.0f) ? nzprod[j] : 0.0))
      break;
    default:
      g_assert_not_reached ();
    }
}

static gboolean
reduce_backward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor *const *out,
                 CxTensor *const *gout, CxTensor **gin, GError **error)
{
  const ReduceParams *p = node->params;
  const CxTensor *x = in[0];
  const float *g, *y;
  Reduction red;
  CxBroadcastPlan plan;
  CxBroadcastIter it;
  guint8 *taken = NULL;
  double *nzprod = NULL, *zeros = NULL;
  int64_t ny;
  float inv_count;

  if (gout[0] == NULL || gin[0] == NULL || !cx_elem_is_float (x->elem))
    return TRUE;
  if (!reduce_plan (node, x, node->n_in > 1 ? in[1] : NULL, &red, error))
    return FALSE;
  g = gout[0]->data.f;
  if (red.noop)
    {
      for (int64_t i = 0; i < x->numel; i++)
        gin[0]->data.f[i] += g[i];
      return TRUE;
    }
  ny = gout[0]->numel;
  y = out[0] != NULL ? out[0]->data.f : g;  /* read only by the kinds that save it */
  inv_count = red.count > 0 ? 1.0f / (float) red.count : 0.0f;
  if (x->numel == 0)
    return TRUE;
  walk_plan (x, &red, &plan);
  if (p->kind == RED_MAX || p->kind == RED_MIN)
    {
      taken = cx_run_scratch (run, 0, (gsize) ny, error);
      if (taken == NULL)
        return FALSE;
      memset (taken, 0, (gsize) ny);
    }
  else if (p->kind == RED_PROD)
    {
      /* ∂Π/∂x_i is the product of the others, also when x_i or others are 0. */
      nzprod = cx_run_scratch (run, 0, sizeof (double) * 2 * ny, error);
      if (nzprod == NULL)
        return FALSE;
      zeros = nzprod + ny;
      for (int64_t j = 0; j < ny; j++)
        {
          nzprod[j] = 1.0;
          zeros[j] = 0.0;
        }
      cx_broadcast_iter_init (&it);
      for (int64_t r = 0; r < plan.rows; r++, cx_broadcast_iter_next (&plan, &it))
        for (int64_t i = 0; i < plan.cols; i++)
          {
            float xv = x->data.f[it.off[0] + i];
            int64_t j = it.off[1] + i * plan.inner[1];
            if (xv == 0.0f)
              zeros[j] += 1.0;
            else
              nzprod[j] *= xv;
          }
    }

  cx_broadcast_iter_init (&it);
  for (int64_t r = 0; r < plan.rows; r++, cx_broadcast_iter_next (&plan, &it))
    {
      const float *xr = x->data.f + it.off[0];
      float *gr = gin[0]->data.f + it.off[0];
      const int64_t sy = plan.inner[1], yo = it.off[1];

      if (p->kind == RED_MAX || p->kind == RED_MIN)
        {
          /* To the first extreme of each output, in the input's order. */
          for (int64_t i = 0; i < plan.cols; i++)
            {
              int64_t j = yo + i * sy;
              if (!taken[j] && xr[i] == y[j])
                {
                  taken[j] = 1;
                  gr[i] += g[j];
                }
            }
          continue;
        }
      reduce_grad_row (p->kind, xr, gr, g + yo, y + yo, nzprod != NULL ? nzprod + yo : NULL,
                       zeros != NULL ? zeros + yo : NULL, inv_count, plan.cols, sy);
    }
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* ArgMax, ArgMin                                                      */
/* ------------------------------------------------------------------ */

static gboolean
arg_init (CxNode *node, GError **error)
{
  ReduceParams *p = g_new0 (ReduceParams, 1);

  node->params = p;
  p->axis = cx_node_attr_int (node, "axis", 0);
  if (p->axis < -CX_MAX_DIMS || p->axis >= CX_MAX_DIMS)
    {
      cx_node_error (node, error, CX_ERROR_INVALID,
                     "attribute 'axis' is %" G_GINT64_FORMAT ", out of range", p->axis);
      return FALSE;
    }
  p->kind = g_str_equal (node->op_type, "ArgMax") ? RED_MAX : RED_MIN;
  return bool_attr (node, "keepdims", TRUE, &p->keepdims, error) &&
         bool_attr (node, "select_last_index", FALSE, &p->select_last_index, error);
}

static gboolean
arg_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
             GError **error)
{
  const ReduceParams *p = node->params;
  const CxTensor *x = in[0];
  int64_t axis = p->axis, outer = 1, len, inner = 1, shape[CX_MAX_DIMS] = { 0 };
  int ndim = 0;
  gboolean is_max = p->kind == RED_MAX, last = p->select_last_index;
  CxTensor *y;

  if (axis < -x->ndim || axis >= x->ndim)
    {
      g_autofree char *s = cx_shape_to_string (x->ndim, x->shape);
      cx_node_error (node, error, CX_ERROR_SHAPE,
                     "attribute 'axis' is %" G_GINT64_FORMAT ", out of range for an input of "
                     "shape %s", axis, s);
      return FALSE;
    }
  if (axis < 0)
    axis += x->ndim;
  len = x->shape[axis];
  for (int d = 0; d < x->ndim; d++)
    {
      if (d < axis)
        outer *= x->shape[d];
      else if (d > axis)
        inner *= x->shape[d];
      if (d != axis)
        shape[ndim++] = x->shape[d];
      else if (p->keepdims)
        shape[ndim++] = 1;
    }
  if (len == 0 && outer * inner > 0)
    {
      cx_node_error (node, error, CX_ERROR_SHAPE, "axis %" G_GINT64_FORMAT " is empty", axis);
      return FALSE;
    }
  y = out[0] = cx_run_alloc (run, CX_ELEM_INT64, ndim, shape, error);
  if (y == NULL)
    return FALSE;
  for (int64_t o = 0; o < outer; o++)
    for (int64_t k = 0; k < inner; k++)
      {
        int64_t base = o * len * inner + k, best = 0;
        if (cx_elem_is_float (x->elem))
          {
            const float *v = x->data.f + base;
            float bv = v[0];
            for (int64_t i = 1; i < len && !isnan (bv); i++)
              {
                float c = v[i * inner];
                /* The first NaN wins, as in NumPy. */
                gboolean better = isnan (c) || (is_max ? c > bv : c < bv) || (last && c == bv);
                if (better)
                  {
                    bv = c;
                    best = i;
                  }
              }
          }
        else
          {
            const int64_t *v = x->data.i + base;
            int64_t bv = v[0];
            for (int64_t i = 1; i < len; i++)
              {
                int64_t c = v[i * inner];
                if ((is_max ? c > bv : c < bv) || (last && c == bv))
                  {
                    bv = c;
                    best = i;
                  }
              }
          }
        y->data.i[o * inner + k] = best;
      }
  return TRUE;
}

#define SAVE_IO (CX_SAVE_INPUTS | CX_SAVE_OUTPUTS)

/* Reductions save their inputs: backward reads the axes input (and x for
 * most kinds); those whose gradient reads the result save it too. */
CX_DEFINE_OP_FAMILY (reduce,
  { "ArgMax", 1, 1, 1, 1, arg_init, arg_forward, NULL, 0, CX_SAVE_NONE, NULL },
  { "ArgMin", 1, 1, 1, 1, arg_init, arg_forward, NULL, 0, CX_SAVE_NONE, NULL },
  { "ReduceL1", 1, 2, 1, 1, reduce_init, reduce_forward, reduce_backward, CX_IN (0), CX_SAVE_INPUTS, NULL },
  { "ReduceL2", 1, 2, 1, 1, reduce_init, reduce_forward, reduce_backward, CX_IN (0), SAVE_IO, NULL },
  { "ReduceLogSum", 1, 2, 1, 1, reduce_init, reduce_forward, reduce_backward, CX_IN (0), SAVE_IO, NULL },
  { "ReduceLogSumExp", 1, 2, 1, 1, reduce_init, reduce_forward, reduce_backward, CX_IN (0), SAVE_IO, NULL },
  { "ReduceMax", 1, 2, 1, 1, reduce_init, reduce_forward, reduce_backward, CX_IN (0), SAVE_IO, NULL },
  { "ReduceMean", 1, 2, 1, 1, reduce_init, reduce_forward, reduce_backward, CX_IN (0), CX_SAVE_INPUTS, NULL },
  { "ReduceMin", 1, 2, 1, 1, reduce_init, reduce_forward, reduce_backward, CX_IN (0), SAVE_IO, NULL },
  { "ReduceProd", 1, 2, 1, 1, reduce_init, reduce_forward, reduce_backward, CX_IN (0), CX_SAVE_INPUTS, NULL },
  { "ReduceSum", 1, 2, 1, 1, reduce_init, reduce_forward, reduce_backward, CX_IN (0), CX_SAVE_INPUTS, NULL },
  { "ReduceSumSquare", 1, 2, 1, 1, reduce_init, reduce_forward, reduce_backward, CX_IN (0), CX_SAVE_INPUTS, NULL },
)
