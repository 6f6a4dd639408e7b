/* pool.c
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ops.h"

CX_DEFINE_OP_FAMILY (pool, )
