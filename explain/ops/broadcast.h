/* broadcast.h: NumPy-style (multidirectional) broadcasting for kernels.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ops.h"

#include <string.h>

G_BEGIN_DECLS

/* The broadcast shape of @a and @b; FALSE with CX_ERROR_SHAPE when
 * incompatible. */
gboolean cx_broadcast_shape   (int na, const int64_t *a, int nb, const int64_t *b,
                               int *nout, int64_t *out, GError **error);
/* Strides (in elements) to read a tensor of shape @in as if it had shape
 * @out: 0 along broadcast dimensions. @strides has @nout entries. */
void     cx_broadcast_strides (int nin, const int64_t *in, int nout, const int64_t *out,
                               int64_t *strides);
/* The VJP of broadcasting: adds @g (of the broadcast shape) into @acc
 * (of the original shape), summing over broadcast dimensions. */
void     cx_unbroadcast_add   (const CxTensor *g, CxTensor *acc);
/* The same, adding @alpha times the sum (Sub's −1, Mean's 1/n). */
void     cx_unbroadcast_add_scaled (const CxTensor *g, float alpha, CxTensor *acc);

/* --- loops the compiler vectorizes --- */

/* A straight loop over [0, n) that GCC vectorizes at -O2: its cheap cost
 * model only vectorizes loops whose trip count is known to be a multiple
 * of the vector width, so the body runs in blocks of CX_VEC_BLOCK and the
 * remainder after. The body (the variadic argument; commas allowed) reads
 * the index `i`; write it branch-free (cx_select, not ifs), and pass the
 * arrays as `restrict` parameters of a small row function (GCC ignores
 * `restrict` on local pointers and then will not vectorize). */
#define CX_VEC_BLOCK 16
#define CX_VEC_LOOP(n, ...) \
  do \
    { \
      const int64_t cx_n_ = (n); \
      int64_t cx_b_ = 0; \
      for (; cx_b_ + CX_VEC_BLOCK <= cx_n_; cx_b_ += CX_VEC_BLOCK) \
        for (int64_t cx_k_ = 0; cx_k_ < CX_VEC_BLOCK; cx_k_++) \
          { \
            const int64_t i = cx_b_ + cx_k_; \
            __VA_ARGS__ \
          } \
      for (; cx_b_ < cx_n_; cx_b_++) \
        { \
          const int64_t i = cx_b_; \
          __VA_ARGS__ \
        } \
    } \
  while (0)

/* Adds to the double @acc the sum over i in [0, n) of VALUE (a float or
 * double expression of i, after the declarations in the variadic
 * argument), accumulating in CX_VEC_BLOCK independent double lanes so the
 * loop vectorizes without reassociating a single sum. */
#define CX_VEC_SUM(acc, n, VALUE, ...) \
  do \
    { \
      double cx_lane_[CX_VEC_BLOCK] = { 0 }; \
      const int64_t cx_n_ = (n); \
      int64_t cx_b_ = 0; \
      for (; cx_b_ + CX_VEC_BLOCK <= cx_n_; cx_b_ += CX_VEC_BLOCK) \
        for (int64_t cx_k_ = 0; cx_k_ < CX_VEC_BLOCK; cx_k_++) \
          { \
            const int64_t i = cx_b_ + cx_k_; \
            __VA_ARGS__ \
            cx_lane_[cx_k_] += (VALUE); \
          } \
      for (; cx_b_ < cx_n_; cx_b_++) \
        { \
          const int64_t i = cx_b_; \
          __VA_ARGS__ \
          (acc) += (VALUE); \
        } \
      for (int cx_k_ = 0; cx_k_ < CX_VEC_BLOCK; cx_k_++) \
        (acc) += cx_lane_[cx_k_]; \
    } \
  while (0)

/* @c ? @a : @b without a branch. GCC leaves `c ? a : b` on computed floats
 * as control flow, which stops the vectorizer; this mask form it turns
 * into compare-and-blend. */
static inline float
cx_select (int c, float a, float b)
{
  union { float f; int32_t i; } ua, ub, r;
  const int32_t m = -(int32_t) (c != 0);
  ua.f = a;
  ub.f = b;
  r.i = (ua.i & m) | (ub.i & ~m);
  return r.f;
}

static inline double
cx_select_d (int c, double a, double b)
{
  union { double f; int64_t i; } ua, ub, r;
  const int64_t m = -(int64_t) (c != 0);
  ua.f = a;
  ub.f = b;
  r.i = (ua.i & m) | (ub.i & ~m);
  return r.f;
}

/* @v clamped to [@lo, @hi]; NaN stays NaN. */
static inline float
cx_clampf (float v, float lo, float hi)
{
  v = cx_select (v < lo, lo, v);
  return cx_select (v > hi, hi, v);
}

/* --- walking several broadcast operands row by row --- */

#define CX_BROADCAST_MAX_OPERANDS 4

/* A walk over a broadcast shape in row-major order, with up to
 * CX_BROADCAST_MAX_OPERANDS operands. Dimensions of size 1 are dropped
 * and neighbours along which every operand is contiguous are merged, so
 * the walk is `rows` rows of `cols` elements, and along a row every
 * operand advances by `inner[k]`, which is 1 or 0 (broadcast): kernels
 * write a straight loop per row. ([N,C,H,W] with [C,1,1] becomes N·C
 * rows of H·W with the channel operand constant along each row.) */
typedef struct
{
  int ndim;                                              /* collapsed rank, ≥ 1 */
  int n;                                                 /* operands */
  int64_t shape[CX_MAX_DIMS];
  int64_t strides[CX_BROADCAST_MAX_OPERANDS][CX_MAX_DIMS];
  int64_t rows, cols;
  int64_t inner[CX_BROADCAST_MAX_OPERANDS];              /* 1 or 0 */
} CxBroadcastPlan;

/* Where the walk is: the operands' element offsets at the start of a row. */
typedef struct
{
  int64_t idx[CX_MAX_DIMS];
  int64_t off[CX_BROADCAST_MAX_OPERANDS];
} CxBroadcastIter;

/* Plans a walk over @shape (rank @ndim) for @n operands of ranks @ndims
 * and shapes @shapes, each broadcastable to @shape (not checked: compute
 * @shape with cx_broadcast_shape first). */
void     cx_broadcast_plan_init (CxBroadcastPlan *plan, int ndim, const int64_t *shape,
                                 int n, const int *ndims, const int64_t *const *shapes);

/* Starts @it at row 0. */
static inline void
cx_broadcast_iter_init (CxBroadcastIter *it)
{
  memset (it, 0, sizeof *it);
}

/* Moves @it to the next row. */
static inline void
cx_broadcast_iter_next (const CxBroadcastPlan *plan, CxBroadcastIter *it)
{
  for (int d = plan->ndim - 2; d >= 0; d--)
    {
      it->idx[d]++;
      for (int k = 0; k < plan->n; k++)
        it->off[k] += plan->strides[k][d];
      if (it->idx[d] < plan->shape[d])
        return;
      for (int k = 0; k < plan->n; k++)
        it->off[k] -= plan->strides[k][d] * it->idx[d];
      it->idx[d] = 0;
    }
}

G_END_DECLS
