/* elementwise.c: unary, binary and variadic element-wise operators.
 *
 * Kernels are written once per storage type as row functions: a row is a
 * straight loop over contiguous memory in which each operand either
 * advances (stride 1) or stays put (stride 0, broadcast); the broadcast
 * plan (broadcast.h) cuts any pair of broadcast-compatible shapes into
 * such rows. Integer and boolean tensors (int64 storage) take the integer
 * rows, with wrap-around to the narrower ONNX type afterwards.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "broadcast.h"
#include "../parallel.h"

#include <float.h>
#include <math.h>
#include <string.h>

/* Parsed attributes of every op in this file (each op reads its own). */
typedef struct
{
  float alpha, beta, gamma;     /* LeakyRelu, Elu, Selu, HardSigmoid */
  float min, max;               /* Clip before opset 11 */
  float ratio;                  /* Dropout before opset 12 */
  gboolean fmod;                /* Mod */
  CxElem to;                    /* Cast */
  gboolean detect_negative;     /* IsInf */
  gboolean detect_positive;
  gboolean legacy;              /* opset < 7: the `broadcast`/`axis` attributes */
  gboolean broadcast;
  int64_t axis;                 /* -1: align trailing dimensions */
} EwParams;

/* ------------------------------------------------------------------ */
/* Element types                                                       */
/* ------------------------------------------------------------------ */

/* @v wrapped to the range of the integer type @elem (C's modular
 * conversion, as NumPy's astype does). */
static inline int64_t
wrap_int (CxElem elem, int64_t v)
{
  switch (elem)
    {
    case CX_ELEM_UINT8: return (uint8_t) v;
    case CX_ELEM_INT8: return (int8_t) v;
    case CX_ELEM_UINT16: return (uint16_t) v;
    case CX_ELEM_INT16: return (int16_t) v;
    case CX_ELEM_INT32: return (int32_t) v;
    case CX_ELEM_UINT32: return (uint32_t) v;
    case CX_ELEM_BOOL: return v != 0;
    default: return v;
    }
}

/* Wraps an integer result to its element type (int64 needs nothing). */
static void
wrap_tensor (CxTensor *t)
{
  if (cx_elem_is_float (t->elem) || t->elem == CX_ELEM_INT64 || t->elem == CX_ELEM_UINT64 ||
      t->elem == CX_ELEM_BOOL)
    return;
  for (int64_t i = 0; i < t->numel; i++)
    t->data.i[i] = wrap_int (t->elem, t->data.i[i]);
}

/* The nearest IEEE half-precision value (ties to even; overflow to ±inf). */
static float
round_to_half (float f)
{
  float a = fabsf (f);
  int e;

  if (!isfinite (f) || a == 0.0f)
    return f;
  if (a >= 65520.0f)  /* halfway between 65504 and 2^16 rounds to even: inf */
    return copysignf (INFINITY, f);
  if (a < 6.103515625e-05f)  /* subnormal halves are multiples of 2^-24 */
    return copysignf (nearbyintf (a * 16777216.0f) / 16777216.0f, f);
  frexpf (a, &e);  /* a in [2^(e-1), 2^e): 11 significant bits */
  return copysignf (ldexpf (nearbyintf (ldexpf (a, 11 - e)), e - 11), f);
}

/* The nearest bfloat16 value (ties to even), as PyTorch and ONNX ≥ 1.13 round. */
static float
round_to_bfloat16 (float f)
{
  guint32 u;

  if (isnan (f))
    return f;
  memcpy (&u, &f, 4);
  u += 0x7fffu + ((u >> 16) & 1u);
  u &= 0xffff0000u;
  memcpy (&f, &u, 4);
  return f;
}

/* Rounds the float-stored values of @t to the precision of its element type. */
static void
round_tensor (CxTensor *t)
{
  if (t->elem == CX_ELEM_FLOAT16)
    for (int64_t i = 0; i < t->numel; i++)
      t->data.f[i] = round_to_half (t->data.f[i]);
  else if (t->elem == CX_ELEM_BFLOAT16)
    for (int64_t i = 0; i < t->numel; i++)
      t->data.f[i] = round_to_bfloat16 (t->data.f[i]);
}

/* Float to an integer type: truncation toward zero, saturating at the
 * int64 range, then wrap-around to the narrower type; NaN becomes 0. */
static int64_t
float_to_int (CxElem to, float f)
{
  double t;

  if (to == CX_ELEM_BOOL)
    return f != 0.0f;
  if (isnan (f))
    return 0;
  t = trunc ((double) f);
  if (to == CX_ELEM_UINT64 && t >= 9223372036854775808.0)
    return t >= 18446744073709551615.0 ? -1 : (int64_t) (uint64_t) t;
  if (t >= 9223372036854775807.0)
    return G_MAXINT64;
  if (t <= -9223372036854775808.0)
    return G_MININT64;
  return wrap_int (to, (int64_t) t);
}

static gboolean
need_float (const CxNode *node, const CxTensor *t, const char *what, GError **error)
{
  if (cx_elem_is_float (t->elem))
    return TRUE;
  cx_node_error (node, error, CX_ERROR_INVALID,
                 "%s is %s; the operator takes floating-point tensors", what,
                 cx_elem_name (t->elem));
  return FALSE;
}

static gboolean
need_int (const CxNode *node, const CxTensor *t, const char *what, GError **error)
{
  if (!cx_elem_is_float (t->elem))
    return TRUE;
  cx_node_error (node, error, CX_ERROR_INVALID,
                 "%s is %s; the operator takes integer or boolean tensors", what,
                 cx_elem_name (t->elem));
  return FALSE;
}

static gboolean
same_storage (const CxNode *node, const CxTensor *a, const CxTensor *b, GError **error)
{
  if (cx_elem_is_float (a->elem) == cx_elem_is_float (b->elem))
    return TRUE;
  cx_node_error (node, error, CX_ERROR_INVALID, "inputs of types %s and %s cannot be mixed",
                 cx_elem_name (a->elem), cx_elem_name (b->elem));
  return FALSE;
}

/* A 0/1 attribute. */
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

/* A scalar input (Clip's bounds, Dropout's ratio) as a double. */
static gboolean
scalar_input (const CxNode *node, const CxTensor *t, const char *what, double *v,
              GError **error)
{
  if (t->numel != 1)
    {
      g_autofree char *s = cx_shape_to_string (t->ndim, t->shape);
      cx_node_error (node, error, CX_ERROR_SHAPE, "input '%s' must hold one value, not %s",
                     what, s);
      return FALSE;
    }
  *v = cx_tensor_get (t, 0);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Integer arithmetic without undefined behaviour                      */
/* ------------------------------------------------------------------ */

static inline int64_t iadd (int64_t a, int64_t b) { return (int64_t) ((uint64_t) a + (uint64_t) b); }
static inline int64_t isub (int64_t a, int64_t b) { return (int64_t) ((uint64_t) a - (uint64_t) b); }
static inline int64_t imul (int64_t a, int64_t b) { return (int64_t) ((uint64_t) a * (uint64_t) b); }
static inline int64_t ineg (int64_t a) { return (int64_t) (0 - (uint64_t) a); }

/* Truncating division, as C; division by zero gives 0 rather than a trap. */
static inline int64_t
idiv (int64_t a, int64_t b)
{
  if (b == 0)
    return 0;
  if (b == -1)
    return ineg (a);
  return a / b;
}

/* Remainder with the sign of the dividend (C's %, ONNX fmod=1). */
static inline int64_t
irem (int64_t a, int64_t b)
{
  if (b == 0 || b == -1)
    return 0;
  return a % b;
}

/* Remainder with the sign of the divisor (Python's %, ONNX fmod=0). */
static inline int64_t
imod (int64_t a, int64_t b)
{
  int64_t r = irem (a, b);
  if (r != 0 && ((r < 0) != (b < 0)))
    r += b;
  return r;
}

static inline int64_t
ipow (int64_t a, int64_t b)
{
  int64_t r = 1;

  if (b < 0)
    return a == 1 ? 1 : a == -1 ? ((b & 1) ? -1 : 1) : 0;
  while (b > 0)
    {
      if (b & 1)
        r = imul (r, a);
      a = imul (a, a);
      b >>= 1;
    }
  return r;
}

/* Remainder with the sign of the divisor for floats (NumPy's mod). */
static inline float
fmodpy (float a, float b)
{
  float r = fmodf (a, b);
  if (r != 0.0f && ((r < 0.0f) != (b < 0.0f)))
    r += b;
  return r;
}

/* Accurate over the whole range (e^−x overflows to inf, giving 0) and
 * faster than the branchy two-sided form. */
static inline float
sigmoidf (float x)
{
  return 1.0f / (1.0f + expf (-x));
}

/* tanh |x| = −m / (2 + m) with m = e^(−2|x|) − 1: within 2 ulp, and half
 * the time of glibc's tanhf. */
static inline float
tanh_fast (float x)
{
  float m = expm1f (-2.0f * fabsf (x));
  return copysignf (-m / (2.0f + m), x);
}

static inline float
softplusf (float x)
{
  return x > 0.0f ? x + log1pf (expf (-x)) : log1pf (expf (x));
}

static inline float
signf (float x)
{
  return (float) ((x > 0.0f) - (x < 0.0f));
}

/* ------------------------------------------------------------------ */
/* Splitting element-wise loops between threads                        */
/* ------------------------------------------------------------------ */

/* Large element-wise loops run in slices on the pool (parallel.h); each
 * element is computed the same way whichever thread takes it. */
typedef void (*EwSlice) (gpointer data, int64_t lo, int64_t hi);

typedef struct
{
  EwSlice fn;
  gpointer data;
  int64_t n;
} EwSplit;

static void
ew_part (gpointer data, int part, int nparts)
{
  const EwSplit *s = data;
  int64_t lo, hi;

  cx_parallel_range (s->n, part, nparts, CX_VEC_BLOCK, &lo, &hi);
  if (lo < hi)
    s->fn (s->data, lo, hi);
}

/* fn (data, lo, hi) over slices covering [0, n). */
static void
ew_run (int64_t n, EwSlice fn, gpointer data)
{
  EwSplit s = { fn, data, n };
  cx_parallel_run (ew_part, &s, cx_parallel_parts (n));
}

/* Up to four arrays and two bounds, for the slices below. */
typedef struct
{
  void (*row) (void);            /* the row function, cast back by the slice */
  const float *a, *b, *c;
  float *out;
  const EwParams *p;
  float lo, hi;
} EwJob;

/* ------------------------------------------------------------------ */
/* Unary operators                                                     */
/* ------------------------------------------------------------------ */

typedef void (*UnaryRowF) (const float *restrict x, float *restrict y, int64_t n,
                           const EwParams *p);
typedef void (*UnaryRowI) (const int64_t *restrict x, int64_t *restrict y, int64_t n,
                           const EwParams *p);
/* Adds g·dy/dx into gx; x or y may be a stand-in when the op does not read it. */
typedef void (*UnaryGrad) (const float *restrict x, const float *restrict y,
                           const float *restrict g, float *restrict gx, int64_t n,
                           const EwParams *p);

static void
unary_slice (gpointer data, int64_t lo, int64_t hi)
{
  const EwJob *j = data;
  ((UnaryRowF) j->row) (j->a + lo, j->out + lo, hi - lo, j->p);
}

static void
unary_grad_slice (gpointer data, int64_t lo, int64_t hi)
{
  const EwJob *j = data;
  ((UnaryGrad) j->row) (j->a + lo, j->b + lo, j->c + lo, j->out + lo, hi - lo, j->p);
}

/* Output of the input's element type; @ri NULL: floats only. */
static gboolean
unary_forward (CxRun *run, const CxNode *node, const CxTensor *x, UnaryRowF rf,
               UnaryRowI ri, CxTensor **out, GError **error)
{
  gboolean is_float = cx_elem_is_float (x->elem);

  if (!is_float && ri == NULL)
    return need_float (node, x, "the input", error);
  out[0] = cx_run_alloc (run, x->elem, x->ndim, x->shape, error);
  if (out[0] == NULL)
    return FALSE;
  if (is_float)
    {
      EwJob j = { .row = (void (*) (void)) rf, .a = x->data.f, .out = out[0]->data.f,
                  .p = node->params };
      ew_run (x->numel, unary_slice, &j);
    }
  else
    {
      ri (x->data.i, out[0]->data.i, x->numel, node->params);
      wrap_tensor (out[0]);
    }
  return TRUE;
}

static gboolean
unary_backward (const CxNode *node, const CxTensor *x, const CxTensor *y, const CxTensor *g,
                CxTensor *gx, UnaryGrad grad)
{
  if (g == NULL || gx == NULL)
    return TRUE;
  g_assert (gx->numel == g->numel);
  {
    /* Unsaved operands are not read by that op's formula: pass g in their place. */
    EwJob j = { .row = (void (*) (void)) grad, .a = x != NULL ? x->data.f : g->data.f,
                .b = y != NULL ? y->data.f : g->data.f, .c = g->data.f, .out = gx->data.f,
                .p = node->params };
    ew_run (gx->numel, unary_grad_slice, &j);
  }
  return TRUE;
}

#define UNARY_ROW_F(name, FWD) \
  static void \
  name##_row_f (const float *restrict X, float *restrict Y, int64_t n, const EwParams *p) \
  { \
    (void) p; \
    CX_VEC_LOOP (n, const float x = X[i]; Y[i] = (FWD);); \
  }

#define UNARY_ROW_I(name, FWD) \
  static void \
  name##_row_i (const int64_t *restrict X, int64_t *restrict Y, int64_t n, const EwParams *p) \
  { \
    (void) p; \
    CX_VEC_LOOP (n, const int64_t x = X[i]; Y[i] = (FWD);); \
  }

/* DX is dy/dx in terms of x, y and the params p. */
#define UNARY_GRAD(name, DX) \
  static void \
  name##_grad (const float *restrict X, const float *restrict Y, const float *restrict G, \
               float *restrict GX, int64_t n, const EwParams *p) \
  { \
    (void) p; \
    CX_VEC_LOOP (n, const float x = X[i], y = Y[i]; (void) x; (void) y; \
                 GX[i] += G[i] * (DX);); \
  } \
  static gboolean \
  name##_backward (CxRun *run, const CxNode *node, CxTensor *const *in, \
                   CxTensor *const *out, CxTensor *const *gout, CxTensor **gin, \
                   GError **error) \
  { \
    return unary_backward (node, in[0], out[0], gout[0], gin[0], name##_grad); \
  }

/* A unary op's forward: float kernel, optional integer kernel (NULL: floats only). */
#define UNARY_FORWARD(name, RI) \
  static gboolean \
  name##_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out, \
                  GError **error) \
  { \
    return unary_forward (run, node, in[0], name##_row_f, RI, out, error); \
  }

#define UNARY_F(name, FWD, DX) \
  UNARY_ROW_F (name, FWD) \
  UNARY_FORWARD (name, NULL) \
  UNARY_GRAD (name, DX)

#define UNARY_FI(name, FWD, FWD_I, DX) \
  UNARY_ROW_F (name, FWD) \
  UNARY_ROW_I (name, FWD_I) \
  UNARY_FORWARD (name, name##_row_i) \
  UNARY_GRAD (name, DX)

UNARY_F  (sqrt, sqrtf (x), 0.5f / y)
UNARY_F  (exp, expf (x), y)
UNARY_F  (log, logf (x), 1.0f / x)
UNARY_FI (neg, -x, ineg (x), -1.0f)
UNARY_FI (abs, fabsf (x), x < 0 ? ineg (x) : x, signf (x))
UNARY_F  (erf, erff (x), 1.1283791670955126f * expf (-x * x))  /* 2/√π e^(−x²) */
UNARY_FI (relu, cx_select (x < 0.0f, 0.0f, x), x > 0 ? x : 0, cx_select (y > 0.0f, 1.0f, 0.0f))

/* Relu's backward_set: the gradient where y > 0, written (in place when
 * the executor hands over the output's gradient). `0.0f +` keeps the bits
 * of backward on a zeroed buffer (a −0 gradient becomes +0). */
static void
relu_grad_set (const float *restrict Y, const float *restrict G, float *restrict GX, int64_t n)
{
  CX_VEC_LOOP (n, GX[i] = 0.0f + G[i] * cx_select (Y[i] > 0.0f, 1.0f, 0.0f););
}

static void
relu_grad_in_place (const float *restrict Y, float *restrict G, int64_t n)
{
  CX_VEC_LOOP (n, G[i] = 0.0f + G[i] * cx_select (Y[i] > 0.0f, 1.0f, 0.0f););
}

static void
relu_set_slice (gpointer data, int64_t lo, int64_t hi)
{
  const EwJob *j = data;
  if (j->out == j->c)
    relu_grad_in_place (j->a + lo, j->out + lo, hi - lo);
  else
    relu_grad_set (j->a + lo, j->c + lo, j->out + lo, hi - lo);
}

static gboolean
relu_backward_set (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor *const *out,
                   CxTensor *const *gout, CxTensor **gin, GError **error)
{
  const CxTensor *y = out[0], *g = gout[0];
  CxTensor *gx = gin[0];

  EwJob j;

  g_assert (gx != NULL && g != NULL && gx->numel == g->numel);
  j = (EwJob) { .a = y->data.f, .c = g->data.f, .out = gx->data.f };
  ew_run (gx->numel, relu_set_slice, &j);
  return TRUE;
}

UNARY_F  (leakyrelu, cx_select (x >= 0.0f, x, p->alpha * x), cx_select (x > 0.0f, 1.0f, p->alpha))
UNARY_F  (elu, cx_select (x >= 0.0f, x, p->alpha * expm1f (x)),
          cx_select (x > 0.0f, 1.0f, p->alpha * expf (x)))
UNARY_F  (selu, p->gamma * cx_select (x > 0.0f, x, p->alpha * expm1f (x)),
          p->gamma * cx_select (x > 0.0f, 1.0f, p->alpha * expf (x)))
UNARY_F  (sigmoid, sigmoidf (x), y * (1.0f - y))
UNARY_F  (tanh, tanh_fast (x), 1.0f - y * y)
UNARY_F  (hardsigmoid, cx_clampf (p->alpha * x + p->beta, 0.0f, 1.0f),
          cx_select ((p->alpha * x + p->beta > 0.0f) & (p->alpha * x + p->beta < 1.0f),
                     p->alpha, 0.0f))
/* x · relu6(x + 3) / 6 */
UNARY_F  (hardswish, x * cx_clampf (x / 6.0f + 0.5f, 0.0f, 1.0f),
          cx_select (x < -3.0f, 0.0f, cx_select (x > 3.0f, 1.0f, (2.0f * x + 3.0f) / 6.0f)))
UNARY_F  (softplus, softplusf (x), sigmoidf (x))
UNARY_F  (softsign, x / (1.0f + fabsf (x)), 1.0f / ((1.0f + fabsf (x)) * (1.0f + fabsf (x))))
UNARY_F  (reciprocal, 1.0f / x, -y * y)

/* Piecewise-constant ops: no gradient. */
UNARY_ROW_F (floor, floorf (x))
UNARY_FORWARD (floor, NULL)
UNARY_ROW_F (ceil, ceilf (x))
UNARY_FORWARD (ceil, NULL)
UNARY_ROW_F (round, nearbyintf (x))  /* half to even in the default rounding mode */
UNARY_FORWARD (round, NULL)
UNARY_ROW_F (sign, cx_select (x != x, x, signf (x)))  /* NaN stays NaN, as in NumPy */
UNARY_ROW_I (sign, (x > 0) - (x < 0))
UNARY_FORWARD (sign, sign_row_i)

static gboolean
not_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
             GError **error)
{
  const CxTensor *x = in[0];

  if (!need_int (node, x, "the input", error))
    return FALSE;
  out[0] = cx_run_alloc (run, CX_ELEM_BOOL, x->ndim, x->shape, error);
  if (out[0] == NULL)
    return FALSE;
  for (int64_t i = 0; i < x->numel; i++)
    out[0]->data.i[i] = x->data.i[i] == 0;
  return TRUE;
}

static gboolean
isnan_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
               GError **error)
{
  const CxTensor *x = in[0];

  if (!need_float (node, x, "the input", error))
    return FALSE;
  out[0] = cx_run_alloc (run, CX_ELEM_BOOL, x->ndim, x->shape, error);
  if (out[0] == NULL)
    return FALSE;
  for (int64_t i = 0; i < x->numel; i++)
    out[0]->data.i[i] = isnan (x->data.f[i]) ? 1 : 0;
  return TRUE;
}

static gboolean
isinf_init (CxNode *node, GError **error)
{
  EwParams *p = g_new0 (EwParams, 1);

  node->params = p;
  return bool_attr (node, "detect_negative", TRUE, &p->detect_negative, error) &&
         bool_attr (node, "detect_positive", TRUE, &p->detect_positive, error);
}

static gboolean
isinf_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
               GError **error)
{
  const EwParams *p = node->params;
  const CxTensor *x = in[0];

  if (!need_float (node, x, "the input", error))
    return FALSE;
  out[0] = cx_run_alloc (run, CX_ELEM_BOOL, x->ndim, x->shape, error);
  if (out[0] == NULL)
    return FALSE;
  for (int64_t i = 0; i < x->numel; i++)
    {
      float v = x->data.f[i];
      out[0]->data.i[i] = isinf (v) && ((v > 0 && p->detect_positive) ||
                                        (v < 0 && p->detect_negative));
    }
  return TRUE;
}

/* Attributes of the activation functions, with the ONNX defaults. */
static gboolean
activation_init (CxNode *node, float alpha, float beta, float gamma, GError **error)
{
  EwParams *p = g_new0 (EwParams, 1);
  const char *names[3] = { "alpha", "beta", "gamma" };

  node->params = p;
  p->alpha = cx_node_attr_float (node, "alpha", alpha);
  p->beta = cx_node_attr_float (node, "beta", beta);
  p->gamma = cx_node_attr_float (node, "gamma", gamma);
  for (int k = 0; k < 3; k++)
    {
      float v = k == 0 ? p->alpha : k == 1 ? p->beta : p->gamma;
      if (!isfinite (v))
        {
          cx_node_error (node, error, CX_ERROR_INVALID, "attribute '%s' is %g; it must be finite",
                         names[k], v);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
leakyrelu_init (CxNode *node, GError **error)
{
  return activation_init (node, 0.01f, 0.0f, 0.0f, error);
}

static gboolean
elu_init (CxNode *node, GError **error)
{
  return activation_init (node, 1.0f, 0.0f, 0.0f, error);
}

static gboolean
selu_init (CxNode *node, GError **error)
{
  return activation_init (node, 1.67326319217681884765625f, 0.0f,
                          1.05070102214813232421875f, error);
}

static gboolean
hardsigmoid_init (CxNode *node, GError **error)
{
  return activation_init (node, 0.2f, 0.5f, 0.0f, error);
}

/* ------------------------------------------------------------------ */
/* Identity, Dropout, Cast                                             */
/* ------------------------------------------------------------------ */

static gboolean
identity_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
                  GError **error)
{
  out[0] = cx_run_alloc (run, in[0]->elem, in[0]->ndim, in[0]->shape, error);
  if (out[0] == NULL)
    return FALSE;
  memcpy (out[0]->data.p, in[0]->data.p, cx_tensor_nbytes (in[0]));
  return TRUE;
}

/* Identity, Dropout and float-to-float Cast pass the gradient through. */
static gboolean
identity_backward (CxRun *run, const CxNode *node, CxTensor *const *in,
                   CxTensor *const *out, CxTensor *const *gout, CxTensor **gin,
                   GError **error)
{
  if (gout[0] == NULL || gin[0] == NULL)
    return TRUE;
  cx_unbroadcast_add (gout[0], gin[0]);
  return TRUE;
}

static gboolean
dropout_init (CxNode *node, GError **error)
{
  EwParams *p = g_new0 (EwParams, 1);

  node->params = p;
  p->ratio = cx_node_attr_float (node, "ratio", 0.5f);
  if (!(p->ratio >= 0.0f && p->ratio < 1.0f))
    {
      cx_node_error (node, error, CX_ERROR_INVALID,
                     "attribute 'ratio' is %g; it must be in [0, 1)", p->ratio);
      return FALSE;
    }
  return TRUE;
}

/* Inference: the data pass unchanged and the mask is all true. Opset 12
 * made training a runtime input; random dropout has no place in an
 * explanation, so training mode with a non-zero ratio is refused. */
static gboolean
dropout_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
                 GError **error)
{
  const EwParams *p = node->params;
  double ratio = p->ratio, training = 0;

  if (node->opset >= 12)
    {
      if (node->n_in > 1 && in[1] != NULL && !scalar_input (node, in[1], "ratio", &ratio, error))
        return FALSE;
      if (node->n_in > 2 && in[2] != NULL &&
          !scalar_input (node, in[2], "training_mode", &training, error))
        return FALSE;
      if (training != 0 && ratio != 0)
        {
          cx_node_error (node, error, CX_ERROR_UNSUPPORTED,
                         "training_mode is true with ratio %g: random dropout is not "
                         "supported (the engine runs inference)", ratio);
          return FALSE;
        }
    }
  if (!identity_forward (run, node, in, out, error))
    return FALSE;
  if (node->n_out > 1)
    {
      /* The mask was of the data's type before opset 10, bool since. */
      const CxTensor *x = in[0];
      CxElem elem = node->opset < 10 ? x->elem : CX_ELEM_BOOL;
      out[1] = cx_run_alloc (run, elem, x->ndim, x->shape, error);
      if (out[1] == NULL)
        return FALSE;
      for (int64_t i = 0; i < x->numel; i++)
        {
          if (cx_elem_is_float (elem))
            out[1]->data.f[i] = 1.0f;
          else
            out[1]->data.i[i] = 1;
        }
    }
  return TRUE;
}

static gboolean
cast_init (CxNode *node, GError **error)
{
  EwParams *p = g_new0 (EwParams, 1);
  int64_t to;

  node->params = p;
  if (!cx_node_has_attr (node, "to"))
    {
      cx_node_error (node, error, CX_ERROR_INVALID, "attribute 'to' is missing");
      return FALSE;
    }
  to = cx_node_attr_int (node, "to", 0);
  if (to < 0 || to > G_MAXINT || !cx_elem_is_supported ((CxElem) to))
    {
      cx_node_error (node, error, CX_ERROR_UNSUPPORTED,
                     "attribute 'to' is %" G_GINT64_FORMAT " (%s); casting to it is not supported",
                     to, cx_elem_name ((CxElem) CLAMP (to, 0, G_MAXINT)));
      return FALSE;
    }
  p->to = (CxElem) to;
  return TRUE;
}

static gboolean
cast_tensor (CxRun *run, const CxTensor *x, CxElem to, CxTensor **out, GError **error)
{
  CxTensor *y = cx_run_alloc (run, to, x->ndim, x->shape, error);

  if (y == NULL)
    return FALSE;
  *out = y;
  if (cx_elem_is_float (x->elem) && cx_elem_is_float (to))
    {
      memcpy (y->data.f, x->data.f, sizeof (float) * x->numel);
      if (to != x->elem)
        round_tensor (y);
    }
  else if (cx_elem_is_float (x->elem))
    {
      for (int64_t i = 0; i < x->numel; i++)
        y->data.i[i] = float_to_int (to, x->data.f[i]);
    }
  else if (cx_elem_is_float (to))
    {
      for (int64_t i = 0; i < x->numel; i++)
        y->data.f[i] = x->elem == CX_ELEM_UINT64 ? (float) (uint64_t) x->data.i[i]
                                                 : (float) x->data.i[i];
      round_tensor (y);
    }
  else
    {
      for (int64_t i = 0; i < x->numel; i++)
        y->data.i[i] = wrap_int (to, x->data.i[i]);
    }
  return TRUE;
}

static gboolean
cast_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
              GError **error)
{
  const EwParams *p = node->params;
  return cast_tensor (run, in[0], p->to, &out[0], error);
}

static gboolean
castlike_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
                  GError **error)
{
  return cast_tensor (run, in[0], in[1]->elem, &out[0], error);
}

/* ------------------------------------------------------------------ */
/* Binary operators                                                    */
/* ------------------------------------------------------------------ */

/* Before opset 7, arithmetic and comparisons broadcast only with the
 * attribute broadcast=1, B aligned with A at `axis` (or at the end). */
static gboolean
binary_init (CxNode *node, GError **error)
{
  EwParams *p = g_new0 (EwParams, 1);

  node->params = p;
  p->axis = -1;
  if (node->opset >= 7)
    return TRUE;
  p->legacy = TRUE;
  if (!bool_attr (node, "broadcast", FALSE, &p->broadcast, error))
    return FALSE;
  if (cx_node_has_attr (node, "axis"))
    {
      p->axis = cx_node_attr_int (node, "axis", 0);
      if (p->axis < 0 || p->axis >= CX_MAX_DIMS)
        {
          cx_node_error (node, error, CX_ERROR_INVALID,
                         "attribute 'axis' is %" G_GINT64_FORMAT "; it must be in [0, %d)",
                         p->axis, CX_MAX_DIMS);
          return FALSE;
        }
    }
  return TRUE;
}

/* Before opset 7 a slope of C values applies per channel (axis 1). */
static gboolean
prelu_init (CxNode *node, GError **error)
{
  EwParams *p = g_new0 (EwParams, 1);

  node->params = p;
  p->axis = -1;
  if (node->opset < 7)
    {
      p->legacy = TRUE;
      p->broadcast = TRUE;
      p->axis = 1;
    }
  return TRUE;
}

static gboolean
mod_init (CxNode *node, GError **error)
{
  EwParams *p = g_new0 (EwParams, 1);

  node->params = p;
  p->axis = -1;
  return bool_attr (node, "fmod", FALSE, &p->fmod, error);
}

/* B's shape aligned at the legacy `axis` (rank @na), when that applies;
 * otherwise @nb_eff and @b_eff are left alone. A single value needs no
 * alignment. */
static void
legacy_align (const EwParams *p, int na, int nb, const int64_t *b, int *nb_eff, int64_t *b_eff)
{
  int64_t numel = 1;

  for (int d = 0; d < nb; d++)
    numel *= b[d];
  if (p == NULL || !p->legacy || p->axis < 0 || numel == 1 || nb == na || p->axis + nb > na)
    return;
  *nb_eff = na;
  for (int d = 0; d < na; d++)
    b_eff[d] = d >= p->axis && d < p->axis + nb ? b[d - p->axis] : 1;
}

/* The shape B is read with (legacy alignment applied) and the output
 * shape of A ∘ B. */
static gboolean
binary_shapes (const CxNode *node, int na, const int64_t *a, int nb, const int64_t *b,
               int *nb_eff, int64_t *b_eff, int *nout, int64_t *out, GError **error)
{
  const EwParams *p = node->params;

  *nb_eff = nb;
  memcpy (b_eff, b, sizeof (int64_t) * nb);
  if (p != NULL && p->legacy)
    {
      gboolean same = na == nb && memcmp (a, b, sizeof (int64_t) * na) == 0;
      int64_t bn = 1;
      for (int d = 0; d < nb; d++)
        bn *= b[d];
      if (!same && !p->broadcast)
        {
          g_autofree char *sa = cx_shape_to_string (na, a);
          g_autofree char *sb = cx_shape_to_string (nb, b);
          cx_node_error (node, error, CX_ERROR_SHAPE,
                         "shapes %s and %s differ and attribute 'broadcast' is 0", sa, sb);
          return FALSE;
        }
      if (!same && p->axis >= 0 && bn != 1 && nb < na && p->axis + nb > na)
        {
          g_autofree char *sa = cx_shape_to_string (na, a);
          g_autofree char *sb = cx_shape_to_string (nb, b);
          cx_node_error (node, error, CX_ERROR_SHAPE,
                         "shape %s does not fit shape %s at axis %" G_GINT64_FORMAT,
                         sb, sa, p->axis);
          return FALSE;
        }
      legacy_align (p, na, nb, b, nb_eff, b_eff);
    }
  if (!cx_broadcast_shape (na, a, *nb_eff, b_eff, nout, out, error))
    {
      g_prefix_error (error, "node %s (%s): ", node->name, node->op_type);
      return FALSE;
    }
  return TRUE;
}

/* y = f(a, b) over a row; sa, sb are 1 (advance) or 0 (broadcast). */
typedef void (*BinaryRow) (const void *a, int64_t sa, const void *b, int64_t sb, void *y,
                           int64_t n, const EwParams *p);

#define BINARY_ROW(fn, TA, TB, TY, EXPR) \
  static void \
  fn (const void *pa, int64_t sa, const void *pb, int64_t sb, void *py, int64_t n, \
      const EwParams *p) \
  { \
    const TA *restrict A = pa; \
    const TB *restrict B = pb; \
    TY *restrict Y = py; \
    (void) p; \
    if (sa && sb) \
      CX_VEC_LOOP (n, const TA a = A[i]; const TB b = B[i]; Y[i] = (EXPR);); \
    else if (sa) \
      { \
        const TB b = B[0]; \
        CX_VEC_LOOP (n, const TA a = A[i]; Y[i] = (EXPR);); \
      } \
    else if (sb) \
      { \
        const TA a = A[0]; \
        CX_VEC_LOOP (n, const TB b = B[i]; Y[i] = (EXPR);); \
      } \
    else \
      { \
        const TA a = A[0]; \
        const TB b = B[0]; \
        const TY v = (EXPR); \
        CX_VEC_LOOP (n, Y[i] = v;); \
      } \
  }

typedef struct
{
  BinaryRow row;
  const char *a, *b;
  char *y;
  gsize ea, eb, ey;
  int64_t sa, sb;                /* 1: the operand advances; 0: a scalar */
  const EwParams *p;
} BinaryJob;

static void
binary_slice (gpointer data, int64_t lo, int64_t hi)
{
  const BinaryJob *j = data;
  j->row (j->a + lo * j->sa * j->ea, j->sa, j->b + lo * j->sb * j->eb, j->sb,
          j->y + lo * j->ey, hi - lo, j->p);
}

/* Runs @row over the broadcast of @a and @b (B read as @nb, @bshape) into @y. */
static void
binary_walk (const CxTensor *a, const CxTensor *b, int nb, const int64_t *bshape,
             CxTensor *y, BinaryRow row, const EwParams *p)
{
  const char *pa = a->data.p, *pb = b->data.p;
  char *py = y->data.p;
  gsize ea = cx_tensor_elem_size (a), eb = cx_tensor_elem_size (b), ey = cx_tensor_elem_size (y);
  CxBroadcastPlan plan;
  CxBroadcastIter it;
  const int ndims[2] = { a->ndim, nb };
  const int64_t *shapes[2] = { a->shape, bshape };

  if (y->numel == 0)
    return;
  /* No broadcasting, or a scalar on one side: one row. */
  if ((a->numel == y->numel || a->numel == 1) && (b->numel == y->numel || b->numel == 1))
    {
      BinaryJob j = { row, pa, pb, py, ea, eb, ey, a->numel == y->numel, b->numel == y->numel,
                      p };
      ew_run (y->numel, binary_slice, &j);
      return;
    }
  cx_broadcast_plan_init (&plan, y->ndim, y->shape, 2, ndims, shapes);
  cx_broadcast_iter_init (&it);
  for (int64_t r = 0; r < plan.rows; r++, cx_broadcast_iter_next (&plan, &it))
    row (pa + it.off[0] * ea, plan.inner[0], pb + it.off[1] * eb, plan.inner[1],
         py + r * plan.cols * ey, plan.cols, p);
}

/* Output of element type @elem (int64 storage results are wrapped to it). */
static gboolean
binary_apply (CxRun *run, const CxNode *node, const CxTensor *a, const CxTensor *b,
              CxElem elem, BinaryRow row, CxTensor **out, GError **error)
{
  int nb, nout;
  int64_t bshape[CX_MAX_DIMS], oshape[CX_MAX_DIMS];

  if (!binary_shapes (node, a->ndim, a->shape, b->ndim, b->shape, &nb, bshape, &nout, oshape,
                      error))
    return FALSE;
  *out = cx_run_alloc (run, elem, nout, oshape, error);
  if (*out == NULL)
    return FALSE;
  binary_walk (a, b, nb, bshape, *out, row, node->params);
  wrap_tensor (*out);
  return TRUE;
}

/* Arithmetic: both inputs of one storage, output of the first's type. */
static gboolean
arith_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
               BinaryRow ff, BinaryRow ii, GError **error)
{
  const CxTensor *a = in[0], *b = in[1];

  if (!same_storage (node, a, b, error))
    return FALSE;
  return binary_apply (run, node, a, b, a->elem, cx_elem_is_float (a->elem) ? ff : ii, out,
                       error);
}

/* Comparisons: a bool output. */
static gboolean
compare_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
                 BinaryRow ff, BinaryRow ii, GError **error)
{
  const CxTensor *a = in[0], *b = in[1];

  if (!same_storage (node, a, b, error))
    return FALSE;
  return binary_apply (run, node, a, b, CX_ELEM_BOOL, cx_elem_is_float (a->elem) ? ff : ii,
                       out, error);
}

#define ARITH_OP(name, EXPR_F, EXPR_I) \
  BINARY_ROW (name##_ff, float, float, float, EXPR_F) \
  BINARY_ROW (name##_ii, int64_t, int64_t, int64_t, EXPR_I) \
  static gboolean \
  name##_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out, \
                  GError **error) \
  { \
    return arith_forward (run, node, in, out, name##_ff, name##_ii, error); \
  }

#define COMPARE_OP(name, EXPR) \
  BINARY_ROW (name##_ff, float, float, int64_t, EXPR) \
  BINARY_ROW (name##_ii, int64_t, int64_t, int64_t, EXPR) \
  static gboolean \
  name##_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out, \
                  GError **error) \
  { \
    return compare_forward (run, node, in, out, name##_ff, name##_ii, error); \
  }

#define LOGIC_OP(name, EXPR) \
  BINARY_ROW (name##_ii, int64_t, int64_t, int64_t, EXPR) \
  static gboolean \
  name##_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out, \
                  GError **error) \
  { \
    if (!need_int (node, in[0], "input A", error) || !need_int (node, in[1], "input B", error)) \
      return FALSE; \
    return binary_apply (run, node, in[0], in[1], CX_ELEM_BOOL, name##_ii, out, error); \
  }

ARITH_OP (add, a + b, iadd (a, b))
ARITH_OP (sub, a - b, isub (a, b))
ARITH_OP (mul, a * b, imul (a, b))
ARITH_OP (div, a / b, idiv (a, b))
/* ONNX asks for fmod=1 on floats; for fmod=0 NumPy's mod is the natural reading. */
ARITH_OP (mod, p->fmod ? fmodf (a, b) : fmodpy (a, b), p->fmod ? irem (a, b) : imod (a, b))
ARITH_OP (prelu, cx_select (a >= 0.0f, a, a * b), a >= 0 ? a : imul (a, b))

COMPARE_OP (equal, a == b)
COMPARE_OP (less, a < b)
COMPARE_OP (greater, a > b)
COMPARE_OP (less_or_equal, a <= b)
COMPARE_OP (greater_or_equal, a >= b)

LOGIC_OP (and, (a != 0) & (b != 0))
LOGIC_OP (or, (a != 0) | (b != 0))
LOGIC_OP (xor, (a != 0) ^ (b != 0))

/* Pow: since opset 12 the exponent may be of another type than the base;
 * the result has the base's type. */
BINARY_ROW (pow_ff, float, float, float, powf (a, b))
BINARY_ROW (pow_fi, float, int64_t, float, powf (a, (float) b))
BINARY_ROW (pow_if, int64_t, float, int64_t, float_to_int (CX_ELEM_INT64, powf ((float) a, b)))
BINARY_ROW (pow_ii, int64_t, int64_t, int64_t, ipow (a, b))

static gboolean
pow_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
             GError **error)
{
  gboolean fa = cx_elem_is_float (in[0]->elem), fb = cx_elem_is_float (in[1]->elem);
  BinaryRow row = fa ? (fb ? pow_ff : pow_fi) : (fb ? pow_if : pow_ii);

  return binary_apply (run, node, in[0], in[1], in[0]->elem, row, out, error);
}

/* PRelu broadcasts the slope to X only (unidirectional). */
static gboolean
prelu_forward_checked (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
                       GError **error)
{
  if (!prelu_forward (run, node, in, out, error))
    return FALSE;
  if (!cx_tensor_same_shape (out[0], in[0]))
    {
      g_autofree char *sx = cx_shape_to_string (in[0]->ndim, in[0]->shape);
      g_autofree char *ss = cx_shape_to_string (in[1]->ndim, in[1]->shape);
      cx_node_error (node, error, CX_ERROR_SHAPE,
                     "slope of shape %s does not broadcast to X of shape %s", ss, sx);
      return FALSE;  /* the executor releases out[0] */
    }
  return TRUE;
}

/* --- binary gradients --- */

/* Adds g·∂y/∂x into gx over a row, for x one of the operands a, b: DX is
 * written in terms of a, b, y and p. sx is x's stride (the same as its
 * operand's); with sx = 0 the row sums into gx[0]. */
typedef void (*GradRow) (const float *A, int64_t sa, const float *B, int64_t sb,
                         const float *Y, const float *G, float *GX, int64_t sx, int64_t n,
                         const EwParams *p);

#define GRAD_LOOP(AV, BV, ACT) \
  CX_VEC_LOOP (n, const float a = (AV), b = (BV), y = Y[i]; (void) a; (void) b; (void) y; ACT;);

#define GRAD_SUM(AV, BV, VALUE) \
  CX_VEC_SUM (acc, n, VALUE, const float a = (AV), b = (BV), y = Y[i]; \
              (void) a; (void) b; (void) y;)

#define GRAD_ROW(fn, DX) \
  static void \
  fn (const float *restrict A, int64_t sa, const float *restrict B, int64_t sb, \
      const float *restrict Y, const float *restrict G, float *restrict GX, int64_t sx, \
      int64_t n, const EwParams *p) \
  { \
    double acc = 0; \
    (void) p; \
    if (sx) \
      { \
        if (sa && sb) \
          { GRAD_LOOP (A[i], B[i], GX[i] += G[i] * (DX)) } \
        else if (sa) \
          { GRAD_LOOP (A[i], B[0], GX[i] += G[i] * (DX)) } \
        else \
          { GRAD_LOOP (A[0], B[i], GX[i] += G[i] * (DX)) } \
        return; \
      } \
    if (sa) \
      GRAD_SUM (A[i], B[0], G[i] * (DX)); \
    else if (sb) \
      GRAD_SUM (A[0], B[i], G[i] * (DX)); \
    else \
      GRAD_SUM (A[0], B[0], G[i] * (DX)); \
    GX[0] += (float) acc; \
  }

/* Adds the gradient of operand @which (0: a, 1: b) of y = f(a, b) into @gx.
 * @y may be NULL when the formula does not read it. */
static void
binary_grad (const CxNode *node, const CxTensor *a, const CxTensor *b, const CxTensor *y,
             const CxTensor *g, CxTensor *gx, int which, GradRow row)
{
  const float *A = a->data.f, *B = b->data.f, *G = g->data.f;
  const float *Y = y != NULL ? y->data.f : G;
  int nb, nout;
  int64_t bshape[CX_MAX_DIMS], oshape[CX_MAX_DIMS];
  CxBroadcastPlan plan;
  CxBroadcastIter it;
  const int64_t *shapes[2] = { a->shape, bshape };
  int ndims[2];
  gboolean ok;

  g_assert (which == 0 || which == 1);
  g_assert (gx->numel == (which == 0 ? a : b)->numel);
  ok = binary_shapes (node, a->ndim, a->shape, b->ndim, b->shape, &nb, bshape, &nout, oshape,
                      NULL);
  g_assert (ok);  /* forward succeeded with the same shapes */
  ndims[0] = a->ndim;
  ndims[1] = nb;
  if (g->numel == 0)
    return;
  if (a->numel == g->numel && b->numel == g->numel)
    {
      row (A, 1, B, 1, Y, G, gx->data.f, 1, g->numel, node->params);
      return;
    }
  cx_broadcast_plan_init (&plan, nout, oshape, 2, ndims, shapes);
  cx_broadcast_iter_init (&it);
  for (int64_t r = 0; r < plan.rows; r++, cx_broadcast_iter_next (&plan, &it))
    row (A + it.off[0], plan.inner[0], B + it.off[1], plan.inner[1],
         Y + r * plan.cols, G + r * plan.cols, gx->data.f + it.off[which], plan.inner[which],
         plan.cols, node->params);
}

/* Gradient of B, viewed with its legacy-aligned shape. */
static void
unbroadcast_b (const CxNode *node, const CxTensor *g, float alpha, CxTensor *gb)
{
  CxTensor view = *gb;

  legacy_align (node->params, g->ndim, gb->ndim, gb->shape, &view.ndim, view.shape);
  cx_unbroadcast_add_scaled (g, alpha, &view);
}

static gboolean
add_backward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor *const *out,
              CxTensor *const *gout, CxTensor **gin, GError **error)
{
  if (gout[0] == NULL)
    return TRUE;
  if (gin[0] != NULL)
    cx_unbroadcast_add (gout[0], gin[0]);
  if (gin[1] != NULL)
    unbroadcast_b (node, gout[0], 1.0f, gin[1]);
  return TRUE;
}

static gboolean
sub_backward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor *const *out,
              CxTensor *const *gout, CxTensor **gin, GError **error)
{
  if (gout[0] == NULL)
    return TRUE;
  if (gin[0] != NULL)
    cx_unbroadcast_add (gout[0], gin[0]);
  if (gin[1] != NULL)
    unbroadcast_b (node, gout[0], -1.0f, gin[1]);
  return TRUE;
}

/* A backward from two gradient rows; inputs are saved, the output only
 * when the op says so. */
#define BINARY_BACKWARD(name, DA, DB) \
  GRAD_ROW (name##_grad_a, DA) \
  GRAD_ROW (name##_grad_b, DB) \
  static gboolean \
  name##_backward (CxRun *run, const CxNode *node, CxTensor *const *in, \
                   CxTensor *const *out, CxTensor *const *gout, CxTensor **gin, \
                   GError **error) \
  { \
    if (gout[0] == NULL || !cx_elem_is_float (in[0]->elem) || \
        !cx_elem_is_float (in[1]->elem)) \
      return TRUE; \
    if (gin[0] != NULL) \
      binary_grad (node, in[0], in[1], out[0], gout[0], gin[0], 0, name##_grad_a); \
    if (gin[1] != NULL) \
      binary_grad (node, in[0], in[1], out[0], gout[0], gin[1], 1, name##_grad_b); \
    return TRUE; \
  }

BINARY_BACKWARD (mul, b, a)
BINARY_BACKWARD (div, 1.0f / b, -a / (b * b))
/* d(a mod b)/db = −trunc(a/b) (fmod) or −floor(a/b). */
BINARY_BACKWARD (mod, 1.0f, p->fmod ? -truncf (a / b) : -floorf (a / b))
BINARY_BACKWARD (prelu, cx_select (a > 0.0f, 1.0f, b), cx_select (a > 0.0f, 0.0f, a))
/* The exponent's derivative y·ln a exists for a > 0 only; 0 elsewhere keeps
 * attributions finite (PyTorch gives NaN for a < 0). */
BINARY_BACKWARD (pow, b == 0.0f ? 0.0f : b * powf (a, b - 1.0f),
                 a > 0.0f ? powf (a, b) * logf (a) : 0.0f)

/* Pow with an integer exponent: the base's gradient reads it as float. */
static gboolean
pow_backward_mixed (CxRun *run, const CxNode *node, CxTensor *const *in,
                    CxTensor *const *out, CxTensor *const *gout, CxTensor **gin,
                    GError **error)
{
  CxTensor *fb;
  CxTensor *args[2];

  if (gout[0] == NULL || !cx_elem_is_float (in[0]->elem))
    return TRUE;
  if (cx_elem_is_float (in[1]->elem))
    return pow_backward (run, node, in, out, gout, gin, error);
  if (gin[0] == NULL)
    return TRUE;
  fb = cx_run_alloc (run, CX_ELEM_FLOAT, in[1]->ndim, in[1]->shape, error);
  if (fb == NULL)
    return FALSE;
  for (int64_t i = 0; i < fb->numel; i++)
    fb->data.f[i] = (float) in[1]->data.i[i];
  args[0] = in[0];
  args[1] = fb;
  binary_grad (node, args[0], args[1], NULL, gout[0], gin[0], 0, pow_grad_a);
  cx_run_release (run, fb);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Variadic operators: Sum, Mean, Max, Min                             */
/* ------------------------------------------------------------------ */

/* y = f(y, b) over a row of y; b advances by sb (1 or 0). */
typedef void (*AccRow) (void *y, const void *b, int64_t sb, int64_t n);

#define ACC_ROW(fn, T, EXPR) \
  static void \
  fn (void *py, const void *pb, int64_t sb, int64_t n) \
  { \
    T *restrict Y = py; \
    const T *restrict B = pb; \
    if (sb) \
      CX_VEC_LOOP (n, const T a = Y[i], b = B[i]; (void) a; Y[i] = (EXPR);); \
    else \
      { \
        const T b = B[0]; \
        CX_VEC_LOOP (n, const T a = Y[i]; (void) a; Y[i] = (EXPR);); \
      } \
  }

ACC_ROW (copy_acc_f, float, b)
ACC_ROW (copy_acc_i, int64_t, b)
ACC_ROW (sum_acc_f, float, a + b)
ACC_ROW (sum_acc_i, int64_t, iadd (a, b))
/* NaN propagates from either side, as in NumPy's maximum and minimum. */
ACC_ROW (max_acc_f, float, cx_select ((a > b) | (a != a), a, b))
ACC_ROW (max_acc_i, int64_t, a > b ? a : b)
ACC_ROW (min_acc_f, float, cx_select ((a < b) | (a != a), a, b))
ACC_ROW (min_acc_i, int64_t, a < b ? a : b)

/* y = f(y, b) with b broadcast to y's shape. */
static void
acc_walk (CxTensor *y, const CxTensor *b, AccRow row)
{
  char *py = y->data.p;
  const char *pb = b->data.p;
  gsize e = cx_tensor_elem_size (y);
  CxBroadcastPlan plan;
  CxBroadcastIter it;
  const int ndims[1] = { b->ndim };
  const int64_t *shapes[1] = { b->shape };

  if (y->numel == 0)
    return;
  if (b->numel == y->numel || b->numel == 1)
    {
      row (py, pb, b->numel == y->numel, y->numel);
      return;
    }
  cx_broadcast_plan_init (&plan, y->ndim, y->shape, 1, ndims, shapes);
  cx_broadcast_iter_init (&it);
  for (int64_t r = 0; r < plan.rows; r++, cx_broadcast_iter_next (&plan, &it))
    row (py + r * plan.cols * e, pb + it.off[0] * e, plan.inner[0], plan.cols);
}

typedef enum { VAR_SUM, VAR_MEAN, VAR_MAX, VAR_MIN } VarKind;

static gboolean
variadic_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
                  VarKind kind, GError **error)
{
  static const AccRow rows_f[] = { sum_acc_f, sum_acc_f, max_acc_f, min_acc_f };
  static const AccRow rows_i[] = { sum_acc_i, NULL, max_acc_i, min_acc_i };
  int nout = in[0]->ndim;
  int64_t shape[CX_MAX_DIMS];
  gboolean is_float = cx_elem_is_float (in[0]->elem);
  CxTensor *y;

  if (!is_float && kind == VAR_MEAN)
    return need_float (node, in[0], "input 0", error);
  memcpy (shape, in[0]->shape, sizeof (int64_t) * nout);
  for (int k = 1; k < node->n_in; k++)
    {
      int64_t prev[CX_MAX_DIMS];
      int nprev = nout;
      if (in[k] == NULL)
        {
          cx_node_error (node, error, CX_ERROR_INVALID, "input %d is empty", k);
          return FALSE;
        }
      if (!same_storage (node, in[0], in[k], error))
        return FALSE;
      memcpy (prev, shape, sizeof (int64_t) * nprev);
      if (!cx_broadcast_shape (nprev, prev, in[k]->ndim, in[k]->shape, &nout, shape, error))
        {
          g_prefix_error (error, "node %s (%s): ", node->name, node->op_type);
          return FALSE;
        }
    }
  y = out[0] = cx_run_alloc (run, in[0]->elem, nout, shape, error);
  if (y == NULL)
    return FALSE;
  acc_walk (y, in[0], is_float ? copy_acc_f : copy_acc_i);
  for (int k = 1; k < node->n_in; k++)
    acc_walk (y, in[k], is_float ? rows_f[kind] : rows_i[kind]);
  if (kind == VAR_MEAN)
    {
      float s = 1.0f / (float) node->n_in;
      for (int64_t i = 0; i < y->numel; i++)
        y->data.f[i] *= s;
    }
  wrap_tensor (y);
  return TRUE;
}

static gboolean
sum_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
             GError **error)
{
  return variadic_forward (run, node, in, out, VAR_SUM, error);
}

static gboolean
mean_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
              GError **error)
{
  return variadic_forward (run, node, in, out, VAR_MEAN, error);
}

static gboolean
vmax_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
              GError **error)
{
  return variadic_forward (run, node, in, out, VAR_MAX, error);
}

static gboolean
vmin_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
              GError **error)
{
  return variadic_forward (run, node, in, out, VAR_MIN, error);
}

static gboolean
sum_backward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor *const *out,
              CxTensor *const *gout, CxTensor **gin, GError **error)
{
  if (gout[0] == NULL)
    return TRUE;
  for (int k = 0; k < node->n_in; k++)
    if (gin[k] != NULL)
      cx_unbroadcast_add (gout[0], gin[k]);
  return TRUE;
}

static gboolean
mean_backward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor *const *out,
               CxTensor *const *gout, CxTensor **gin, GError **error)
{
  if (gout[0] == NULL)
    return TRUE;
  for (int k = 0; k < node->n_in; k++)
    if (gin[k] != NULL)
      cx_unbroadcast_add_scaled (gout[0], 1.0f / (float) node->n_in, gin[k]);
  return TRUE;
}

/* The gradient of Max/Min goes to the first input holding the extreme at
 * each position (as the first of tied maxima in PyTorch's max). */
static gboolean
extreme_backward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor *const *out,
                  CxTensor *const *gout, CxTensor **gin, GError **error)
{
  const CxTensor *y = out[0], *g = gout[0];
  guint8 *taken;
  CxTensor *tmp = NULL;

  if (g == NULL || !cx_elem_is_float (y->elem) || y->numel == 0)
    return TRUE;
  taken = cx_run_scratch (run, 0, (gsize) y->numel, error);
  if (taken == NULL)
    return FALSE;
  memset (taken, 0, (gsize) y->numel);
  for (int k = 0; k < node->n_in; k++)
    {
      const CxTensor *x = in[k];
      const int ndims[1] = { x->ndim };
      const int64_t *shapes[1] = { x->shape };
      CxBroadcastPlan plan;
      CxBroadcastIter it;
      float *dst = NULL;
      gboolean direct = gin[k] != NULL && gin[k]->numel == y->numel;

      if (gin[k] != NULL && !direct)
        {
          if (tmp == NULL)
            {
              tmp = cx_run_alloc (run, CX_ELEM_FLOAT, y->ndim, y->shape, error);
              if (tmp == NULL)
                return FALSE;
            }
          memset (tmp->data.f, 0, sizeof (float) * tmp->numel);
          dst = tmp->data.f;
        }
      else if (direct)
        dst = gin[k]->data.f;
      cx_broadcast_plan_init (&plan, y->ndim, y->shape, 1, ndims, shapes);
      cx_broadcast_iter_init (&it);
      for (int64_t r = 0; r < plan.rows; r++, cx_broadcast_iter_next (&plan, &it))
        {
          const float *xr = x->data.f + it.off[0];
          int64_t base = r * plan.cols;
          for (int64_t i = 0; i < plan.cols; i++)
            if (!taken[base + i] && xr[i * plan.inner[0]] == y->data.f[base + i])
              {
                taken[base + i] = 1;
                if (dst != NULL)
                  dst[base + i] += g->data.f[base + i];
              }
        }
      if (gin[k] != NULL && !direct)
        cx_unbroadcast_add (tmp, gin[k]);
    }
  if (tmp != NULL)
    cx_run_release (run, tmp);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Where and Clip                                                      */
/* ------------------------------------------------------------------ */

static gboolean
where_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
               GError **error)
{
  const CxTensor *c = in[0], *x = in[1], *yv = in[2];
  int n1, nout;
  int64_t s1[CX_MAX_DIMS], shape[CX_MAX_DIMS];
  CxBroadcastPlan plan;
  CxBroadcastIter it;
  const int ndims[3] = { c->ndim, x->ndim, yv->ndim };
  const int64_t *shapes[3] = { c->shape, x->shape, yv->shape };
  CxTensor *y;

  if (!need_int (node, c, "the condition", error) || !same_storage (node, x, yv, error))
    return FALSE;
  if (!cx_broadcast_shape (c->ndim, c->shape, x->ndim, x->shape, &n1, s1, error) ||
      !cx_broadcast_shape (n1, s1, yv->ndim, yv->shape, &nout, shape, error))
    {
      g_prefix_error (error, "node %s (%s): ", node->name, node->op_type);
      return FALSE;
    }
  y = out[0] = cx_run_alloc (run, x->elem, nout, shape, error);
  if (y == NULL)
    return FALSE;
  if (y->numel == 0)
    return TRUE;
  cx_broadcast_plan_init (&plan, nout, shape, 3, ndims, shapes);
  cx_broadcast_iter_init (&it);
  for (int64_t r = 0; r < plan.rows; r++, cx_broadcast_iter_next (&plan, &it))
    {
      const int64_t *cr = c->data.i + it.off[0];
      int64_t sc = plan.inner[0], sx = plan.inner[1], sy = plan.inner[2];
      if (cx_elem_is_float (x->elem))
        {
          const float *xr = x->data.f + it.off[1], *yr = yv->data.f + it.off[2];
          float *o = y->data.f + r * plan.cols;
          for (int64_t i = 0; i < plan.cols; i++)
            o[i] = cr[i * sc] ? xr[i * sx] : yr[i * sy];
        }
      else
        {
          const int64_t *xr = x->data.i + it.off[1], *yr = yv->data.i + it.off[2];
          int64_t *o = y->data.i + r * plan.cols;
          for (int64_t i = 0; i < plan.cols; i++)
            o[i] = cr[i * sc] ? xr[i * sx] : yr[i * sy];
        }
    }
  return TRUE;
}

static gboolean
where_backward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor *const *out,
                CxTensor *const *gout, CxTensor **gin, GError **error)
{
  const CxTensor *c = in[0], *g = gout[0];
  CxTensor *tmp;
  const int ndims[1] = { c->ndim };
  const int64_t *shapes[1] = { c->shape };
  CxBroadcastPlan plan;

  if (g == NULL || g->numel == 0)
    return TRUE;
  tmp = cx_run_alloc (run, CX_ELEM_FLOAT, g->ndim, g->shape, error);
  if (tmp == NULL)
    return FALSE;
  cx_broadcast_plan_init (&plan, g->ndim, g->shape, 1, ndims, shapes);
  for (int k = 1; k <= 2; k++)
    {
      CxBroadcastIter it;
      int64_t want = k == 1;  /* X where the condition holds, Y elsewhere */
      if (gin[k] == NULL)
        continue;
      cx_broadcast_iter_init (&it);
      for (int64_t r = 0; r < plan.rows; r++, cx_broadcast_iter_next (&plan, &it))
        {
          const int64_t *cr = c->data.i + it.off[0];
          int64_t base = r * plan.cols;
          for (int64_t i = 0; i < plan.cols; i++)
            tmp->data.f[base + i] = ((cr[i * plan.inner[0]] != 0) == want) ? g->data.f[base + i]
                                                                           : 0.0f;
        }
      cx_unbroadcast_add (tmp, gin[k]);
    }
  cx_run_release (run, tmp);
  return TRUE;
}

static gboolean
clip_init (CxNode *node, GError **error)
{
  EwParams *p = g_new0 (EwParams, 1);

  node->params = p;
  p->min = -FLT_MAX;
  p->max = FLT_MAX;
  if (node->opset >= 11)
    return TRUE;
  p->min = cx_node_attr_float (node, "min", -FLT_MAX);
  p->max = cx_node_attr_float (node, "max", FLT_MAX);
  if (isnan (p->min) || isnan (p->max))
    {
      cx_node_error (node, error, CX_ERROR_INVALID, "attribute '%s' is NaN",
                     isnan (p->min) ? "min" : "max");
      return FALSE;
    }
  return TRUE;
}

/* The bounds: attributes before opset 11, optional scalar inputs since. */
static gboolean
clip_bounds (const CxNode *node, const CxTensor *x, CxTensor *const *in, double *lo, double *hi,
             GError **error)
{
  const EwParams *p = node->params;
  gboolean is_float = cx_elem_is_float (x->elem);

  *lo = is_float ? p->min : (double) G_MININT64;
  *hi = is_float ? p->max : (double) G_MAXINT64;
  if (node->opset < 11)
    return TRUE;
  for (int k = 1; k <= 2 && k < node->n_in; k++)
    {
      if (in[k] == NULL)
        continue;
      if (!same_storage (node, x, in[k], error) ||
          !scalar_input (node, in[k], k == 1 ? "min" : "max", k == 1 ? lo : hi, error))
        return FALSE;
    }
  return TRUE;
}

static void
clip_row (const float *restrict X, float *restrict Y, int64_t n, float l, float h)
{
  CX_VEC_LOOP (n, const float v = cx_select (X[i] < l, l, X[i]); Y[i] = cx_select (v > h, h, v););
}

static void
clip_slice (gpointer data, int64_t lo, int64_t hi)
{
  const EwJob *j = data;
  clip_row (j->a + lo, j->out + lo, hi - lo, j->lo, j->hi);
}

static gboolean
clip_forward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor **out,
              GError **error)
{
  const CxTensor *x = in[0];
  double lo, hi;

  if (!clip_bounds (node, x, in, &lo, &hi, error))
    return FALSE;
  out[0] = cx_run_alloc (run, x->elem, x->ndim, x->shape, error);
  if (out[0] == NULL)
    return FALSE;
  /* min(max(x, lo), hi): all values become hi when lo > hi, as the spec says. */
  if (cx_elem_is_float (x->elem))
    {
      EwJob j = { .a = x->data.f, .out = out[0]->data.f, .lo = (float) lo, .hi = (float) hi };
      ew_run (x->numel, clip_slice, &j);
    }
  else
    {
      /* Integer bounds are read back exactly from their tensors. */
      int64_t l = node->n_in > 1 && in[1] != NULL ? in[1]->data.i[0] : G_MININT64;
      int64_t h = node->n_in > 2 && in[2] != NULL ? in[2]->data.i[0] : G_MAXINT64;
      for (int64_t i = 0; i < x->numel; i++)
        {
          int64_t v = x->data.i[i] < l ? l : x->data.i[i];
          out[0]->data.i[i] = v > h ? h : v;
        }
    }
  return TRUE;
}

/* As PyTorch's clamp: x's gradient passes where lo ≤ x ≤ hi; below, it
 * goes to min, above (or everywhere when lo > hi) to max. */
/* Clip's gradient comes from its output y = min (max (x, lo), hi): it
 * passes where lo < y < hi, and goes to max where y ≥ hi, to min where
 * y ≤ lo (and nowhere where y is NaN). That is PyTorch's hardtanh (ReLU6)
 * rule; at x = lo or x = hi exactly, a point without a derivative, it
 * differs from clamp's, which passes the gradient there. Reading y, not
 * x, lets a convolution apply the clip as it writes its output even when
 * the pass is recorded for backward (exec.c), so that x never exists. */
static gboolean
clip_backward (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor *const *out,
               CxTensor *const *gout, CxTensor **gin, GError **error)
{
  const CxTensor *y = out[0], *g = gout[0];
  CxTensor *gmin = node->n_in > 1 ? gin[1] : NULL, *gmax = node->n_in > 2 ? gin[2] : NULL;
  double lo, hi, to_min = 0, to_max = 0;
  float l, h;

  if (g == NULL || !cx_elem_is_float (y->elem))
    return TRUE;
  if (!clip_bounds (node, y, in, &lo, &hi, error))
    return FALSE;
  l = (float) lo;
  h = (float) hi;
  if (gmin == NULL && gmax == NULL && gin[0] != NULL)
    {
      /* The common case (ReLU6 of MobileNets): constant bounds, so only the
       * input's gradient, as a branch-free mask GCC vectorises. */
      const float *restrict Y = y->data.f, *restrict G = g->data.f;
      float *restrict GX = gin[0]->data.f;
      for (int64_t i = 0; i < y->numel; i++)
        GX[i] += ((Y[i] > l) & (Y[i] < h)) ? G[i] : 0.0f;
      return TRUE;
    }
  for (int64_t i = 0; i < y->numel; i++)
    {
      float yv = y->data.f[i], gv = g->data.f[i];
      if (yv > l && yv < h)
        {
          if (gin[0] != NULL)
            gin[0]->data.f[i] += gv;
        }
      else if (yv >= h)
        to_max += gv;
      else if (yv <= l)
        to_min += gv;
    }
  if (gmin != NULL)
    gmin->data.f[0] += (float) to_min;
  if (gmax != NULL)
    gmax->data.f[0] += (float) to_max;
  return TRUE;
}

/* Relu and Clip as a clamp a producer may apply (CxOpDef.clamp_bounds). */
static gboolean
relu_clamp_bounds (const CxNode *node, CxTensor *const *in, float *lo, float *hi)
{
  *lo = 0.0f;
  *hi = INFINITY;  /* v > +inf is never true: relu's select (x < 0, 0, x) exactly */
  return TRUE;
}

static gboolean
clip_clamp_bounds (const CxNode *node, CxTensor *const *in, float *lo, float *hi)
{
  const EwParams *p = node->params;
  double b[3] = { 0, p->min, p->max };

  /* As clip_bounds for a float input (@in[0] is not read: the producer's
   * output does not exist yet). */
  for (int k = 1; node->opset >= 11 && k < node->n_in && k <= 2; k++)
    if (in[k] != NULL &&
        (!cx_elem_is_float (in[k]->elem) || !scalar_input (node, in[k], "bound", &b[k], NULL)))
      return FALSE;
  *lo = (float) b[1];
  *hi = (float) b[2];
  return TRUE;
}

/* Clip's backward_set: clip_backward writing instead of adding (in place
 * when the executor hands over the output's gradient). */
static void
clip_grad_set (const float *restrict Y, const float *restrict G, float *restrict GX, int64_t n,
               float l, float h)
{
  CX_VEC_LOOP (n, GX[i] = 0.0f + cx_select ((Y[i] > l) & (Y[i] < h), G[i], 0.0f););
}

static void
clip_grad_in_place (const float *restrict Y, float *restrict G, int64_t n, float l, float h)
{
  CX_VEC_LOOP (n, G[i] = 0.0f + cx_select ((Y[i] > l) & (Y[i] < h), G[i], 0.0f););
}

static void
clip_set_slice (gpointer data, int64_t lo, int64_t hi)
{
  const EwJob *j = data;
  if (j->out == j->c)
    clip_grad_in_place (j->a + lo, j->out + lo, hi - lo, j->lo, j->hi);
  else
    clip_grad_set (j->a + lo, j->c + lo, j->out + lo, hi - lo, j->lo, j->hi);
}

static gboolean
clip_backward_set (CxRun *run, const CxNode *node, CxTensor *const *in, CxTensor *const *out,
                   CxTensor *const *gout, CxTensor **gin, GError **error)
{
  const CxTensor *y = out[0], *g = gout[0];
  CxTensor *gmin = node->n_in > 1 ? gin[1] : NULL, *gmax = node->n_in > 2 ? gin[2] : NULL;
  double lo, hi, to_min = 0, to_max = 0;
  float l, h;

  g_assert (g != NULL && cx_elem_is_float (y->elem));
  if (!clip_bounds (node, y, in, &lo, &hi, error))
    return FALSE;
  l = (float) lo;
  h = (float) hi;
  if (gmin == NULL && gmax == NULL && gin[0] != NULL)
    {
      EwJob j = { .a = y->data.f, .c = g->data.f, .out = gin[0]->data.f, .lo = l, .hi = h };
      ew_run (y->numel, clip_set_slice, &j);
      return TRUE;
    }
  /* As clip_backward; each g[i] is read before gin[0][i] is written. */
  for (int64_t i = 0; i < y->numel; i++)
    {
      float yv = y->data.f[i], gv = g->data.f[i], r = 0.0f;
      if (yv > l && yv < h)
        r = gv;
      else if (yv >= h)
        to_max += gv;
      else if (yv <= l)
        to_min += gv;
      if (gin[0] != NULL)
        gin[0]->data.f[i] = 0.0f + r;
    }
  if (gmin != NULL)
    gmin->data.f[0] = 0.0f + (float) to_min;
  if (gmax != NULL)
    gmax->data.f[0] = 0.0f + (float) to_max;
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* The table                                                           */
/* ------------------------------------------------------------------ */

#define ALL_INPUTS 0xffffffffu
#define SAVE_IO (CX_SAVE_INPUTS | CX_SAVE_OUTPUTS)

CX_DEFINE_OP_FAMILY (elementwise,
  { "Abs", 1, 1, 1, 1, NULL, abs_forward, abs_backward, CX_IN (0), CX_SAVE_INPUTS, NULL },
  { "Add", 2, 2, 1, 1, binary_init, add_forward, add_backward, CX_IN (0) | CX_IN (1), CX_SAVE_NONE, NULL },
  { "And", 2, 2, 1, 1, binary_init, and_forward, NULL, 0, CX_SAVE_NONE, NULL },
  { "Cast", 1, 1, 1, 1, cast_init, cast_forward, identity_backward, CX_IN (0), CX_SAVE_NONE, NULL },
  { "CastLike", 2, 2, 1, 1, NULL, castlike_forward, identity_backward, CX_IN (0), CX_SAVE_NONE, NULL },
  { "Ceil", 1, 1, 1, 1, NULL, ceil_forward, NULL, 0, CX_SAVE_NONE, NULL },
  { "Clip", 1, 3, 1, 1, clip_init, clip_forward, clip_backward, CX_IN (0) | CX_IN (1) | CX_IN (2), CX_SAVE_OUTPUTS | CX_SAVE_BOUND_INPUTS, NULL, clip_backward_set, TRUE, clip_clamp_bounds },
  { "Div", 2, 2, 1, 1, binary_init, div_forward, div_backward, CX_IN (0) | CX_IN (1), CX_SAVE_INPUTS, NULL },
  { "Dropout", 1, 3, 1, 2, dropout_init, dropout_forward, identity_backward, CX_IN (0), CX_SAVE_NONE, NULL },
  { "Elu", 1, 1, 1, 1, elu_init, elu_forward, elu_backward, CX_IN (0), CX_SAVE_INPUTS, NULL },
  { "Equal", 2, 2, 1, 1, binary_init, equal_forward, NULL, 0, CX_SAVE_NONE, NULL },
  { "Erf", 1, 1, 1, 1, NULL, erf_forward, erf_backward, CX_IN (0), CX_SAVE_INPUTS, NULL },
  { "Exp", 1, 1, 1, 1, NULL, exp_forward, exp_backward, CX_IN (0), CX_SAVE_OUTPUTS, NULL },
  { "Floor", 1, 1, 1, 1, NULL, floor_forward, NULL, 0, CX_SAVE_NONE, NULL },
  { "Greater", 2, 2, 1, 1, binary_init, greater_forward, NULL, 0, CX_SAVE_NONE, NULL },
  { "GreaterOrEqual", 2, 2, 1, 1, NULL, greater_or_equal_forward, NULL, 0, CX_SAVE_NONE, NULL },
  { "HardSigmoid", 1, 1, 1, 1, hardsigmoid_init, hardsigmoid_forward, hardsigmoid_backward, CX_IN (0), CX_SAVE_INPUTS, NULL },
  { "HardSwish", 1, 1, 1, 1, NULL, hardswish_forward, hardswish_backward, CX_IN (0), CX_SAVE_INPUTS, NULL },
  { "Identity", 1, 1, 1, 1, NULL, identity_forward, identity_backward, CX_IN (0), CX_SAVE_NONE, NULL },
  { "IsInf", 1, 1, 1, 1, isinf_init, isinf_forward, NULL, 0, CX_SAVE_NONE, NULL },
  { "IsNaN", 1, 1, 1, 1, NULL, isnan_forward, NULL, 0, CX_SAVE_NONE, NULL },
  { "LeakyRelu", 1, 1, 1, 1, leakyrelu_init, leakyrelu_forward, leakyrelu_backward, CX_IN (0), CX_SAVE_INPUTS, NULL },
  { "Less", 2, 2, 1, 1, binary_init, less_forward, NULL, 0, CX_SAVE_NONE, NULL },
  { "LessOrEqual", 2, 2, 1, 1, NULL, less_or_equal_forward, NULL, 0, CX_SAVE_NONE, NULL },
  { "Log", 1, 1, 1, 1, NULL, log_forward, log_backward, CX_IN (0), CX_SAVE_INPUTS, NULL },
  { "Max", 1, 1024, 1, 1, NULL, vmax_forward, extreme_backward, ALL_INPUTS, SAVE_IO, NULL },
  { "Mean", 1, 1024, 1, 1, NULL, mean_forward, mean_backward, ALL_INPUTS, CX_SAVE_NONE, NULL },
  { "Min", 1, 1024, 1, 1, NULL, vmin_forward, extreme_backward, ALL_INPUTS, SAVE_IO, NULL },
  { "Mod", 2, 2, 1, 1, mod_init, mod_forward, mod_backward, CX_IN (0) | CX_IN (1), CX_SAVE_INPUTS, NULL },
  { "Mul", 2, 2, 1, 1, binary_init, mul_forward, mul_backward, CX_IN (0) | CX_IN (1), CX_SAVE_INPUTS, NULL },
  { "Neg", 1, 1, 1, 1, NULL, neg_forward, neg_backward, CX_IN (0), CX_SAVE_NONE, NULL },
  { "Not", 1, 1, 1, 1, NULL, not_forward, NULL, 0, CX_SAVE_NONE, NULL },
  { "Or", 2, 2, 1, 1, binary_init, or_forward, NULL, 0, CX_SAVE_NONE, NULL },
  { "PRelu", 2, 2, 1, 1, prelu_init, prelu_forward_checked, prelu_backward, CX_IN (0) | CX_IN (1), CX_SAVE_INPUTS, NULL },
  { "Pow", 2, 2, 1, 1, binary_init, pow_forward, pow_backward_mixed, CX_IN (0) | CX_IN (1), CX_SAVE_INPUTS, NULL },
  { "Reciprocal", 1, 1, 1, 1, NULL, reciprocal_forward, reciprocal_backward, CX_IN (0), CX_SAVE_OUTPUTS, NULL },
  { "Relu", 1, 1, 1, 1, NULL, relu_forward, relu_backward, CX_IN (0), CX_SAVE_OUTPUTS, NULL, relu_backward_set, TRUE, relu_clamp_bounds },
  { "Round", 1, 1, 1, 1, NULL, round_forward, NULL, 0, CX_SAVE_NONE, NULL },
  { "Selu", 1, 1, 1, 1, selu_init, selu_forward, selu_backward, CX_IN (0), CX_SAVE_INPUTS, NULL },
  { "Sigmoid", 1, 1, 1, 1, NULL, sigmoid_forward, sigmoid_backward, CX_IN (0), CX_SAVE_OUTPUTS, NULL },
  { "Sign", 1, 1, 1, 1, NULL, sign_forward, NULL, 0, CX_SAVE_NONE, NULL },
  { "Softplus", 1, 1, 1, 1, NULL, softplus_forward, softplus_backward, CX_IN (0), CX_SAVE_INPUTS, NULL },
  { "Softsign", 1, 1, 1, 1, NULL, softsign_forward, softsign_backward, CX_IN (0), CX_SAVE_INPUTS, NULL },
  { "Sqrt", 1, 1, 1, 1, NULL, sqrt_forward, sqrt_backward, CX_IN (0), CX_SAVE_OUTPUTS, NULL },
  { "Sub", 2, 2, 1, 1, binary_init, sub_forward, sub_backward, CX_IN (0) | CX_IN (1), CX_SAVE_NONE, NULL },
  { "Sum", 1, 1024, 1, 1, NULL, sum_forward, sum_backward, ALL_INPUTS, CX_SAVE_NONE, NULL },
  { "Tanh", 1, 1, 1, 1, NULL, tanh_forward, tanh_backward, CX_IN (0), CX_SAVE_OUTPUTS, NULL },
  { "Where", 3, 3, 1, 1, NULL, where_forward, where_backward, CX_IN (1) | CX_IN (2), CX_SAVE_INPUTS, NULL },
  { "Xor", 2, 2, 1, 1, binary_init, xor_forward, NULL, 0, CX_SAVE_NONE, NULL },
)
