/* ops.h: the family tables and helpers shared by kernels.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "../op.h"

G_BEGIN_DECLS

#define CX_OP_FAMILY(family) \
  extern const CxOpDef cx_ops_##family[]; \
  extern const guint cx_ops_##family##_count;

CX_OP_FAMILY (elementwise)
CX_OP_FAMILY (reduce)
CX_OP_FAMILY (shape)
CX_OP_FAMILY (conv)
CX_OP_FAMILY (gemm)
CX_OP_FAMILY (pool)
CX_OP_FAMILY (norm)
CX_OP_FAMILY (softmax)
CX_OP_FAMILY (einsum)

/* Defines a family's table and its count. Each entry ends with a comma:
 *   CX_DEFINE_OP_FAMILY (pool, { "MaxPool", … }, { "AveragePool", … }, )
 * (a NULL sentinel closes the table, so a family may be empty). */
#define CX_DEFINE_OP_FAMILY(family, ...) \
  const CxOpDef cx_ops_##family[] = { __VA_ARGS__ { NULL } }; \
  const guint cx_ops_##family##_count = G_N_ELEMENTS (cx_ops_##family) - 1;

/* Bit for input i in CxOpDef.diff_inputs. */
#define CX_IN(i) (1u << (i))

G_END_DECLS
