/* parallel.h: sharing a kernel's loop between cores.
 *
 * OpenBLAS threads its GEMMs; the loops around them (element-wise ops,
 * pooling, im2col, depthwise convolution) are split here into a fixed
 * number of parts that write disjoint outputs, so a result never depends
 * on how many threads ran it: no floating-point reduction is ever split.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

/* Part @part of @nparts of a kernel's work. */
typedef void (*CxParallelFunc) (gpointer data, int part, int nparts);

/* Threads kernels may use (default: the processors this process may run
 * on, or CANDOR_THREADS); 1 runs everything on the calling thread. */
int      cx_parallel_get_threads (void);
void     cx_parallel_set_threads (int n);

/* Parts worth making for @work elements of memory-bound work: 1 below a
 * threshold where waking a helper costs more than it saves. */
int      cx_parallel_parts       (int64_t work);

/* Runs fn (data, part, nparts) for every part and returns when all are
 * done; the calling thread takes a share. Helpers are started once and
 * kept. When another kernel is using them (several jobs at once, or a
 * call from inside a part), the caller runs every part itself. */
void     cx_parallel_run         (CxParallelFunc fn, gpointer data, int nparts);

/* Part @part of @nparts of [0, n), boundaries rounded to multiples of
 * @align (so vector loops keep whole blocks). */
static inline void
cx_parallel_range (int64_t n, int part, int nparts, int64_t align, int64_t *lo, int64_t *hi)
{
  int64_t blocks = (n + align - 1) / align;
  *lo = MIN (n, blocks * part / nparts * align);
  *hi = MIN (n, blocks * (part + 1) / nparts * align);
}

G_END_DECLS
