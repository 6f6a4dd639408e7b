/* vec8.h: eight lanes of floats for the kernels' inner loops.
 *
 * GCC's vector extensions: AVX in the x86-64-v3 clones (target_clones),
 * pairs of SSE registers otherwise. Loaded and stored through memcpy, so
 * any alignment will do. Only inside inlined kernels, through macros and
 * pointers: a function taking or returning a V8 by value would have a
 * different ABI in the AVX2 clone.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <string.h>

typedef float V8 __attribute__ ((vector_size (32)));
/* Comparison masks and shuffle indices. */
typedef gint32 M8 __attribute__ ((vector_size (32)));

#define V8_LOAD(v, p) memcpy (&(v), (p), sizeof (V8))
#define V8_STORE(p, v)                                                  \
  do                                                                    \
    {                                                                   \
      const V8 v8_stored_ = (v);                                        \
      memcpy ((p), &v8_stored_, sizeof (V8));                           \
    }                                                                   \
  while (0)
/* Lanes of @a where the mask @m is set, of @b elsewhere. */
#define V8_SELECT(m, a, b) ((V8) (((M8) (a) & (m)) | ((M8) (b) & ~(m))))
/* All lanes @x. */
#define V8_SPLAT(x) ((V8) { (x), (x), (x), (x), (x), (x), (x), (x) })
