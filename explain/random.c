/* random.c: SplitMix64 uniforms through Marsaglia's polar method.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "random.h"

#include <math.h>

/* A double in [-1, 1): 53 random bits. */
static inline double
signed_unit (guint64 *state)
{
  return (cx_splitmix64 (state) >> 11) * (2.0 / 9007199254740992.0) - 1.0;
}

/* Marsaglia's polar form of Box–Muller: a point drawn uniformly in the unit
 * disc gives two independent normal numbers, no sine or cosine needed. */
void
cx_random_add_normal (float *dst, gsize n, guint64 seed, double sigma)
{
  guint64 state = seed;

  for (gsize i = 0; i < n; i += 2)
    {
      double u, v, s, m;

      do
        {
          u = signed_unit (&state);
          v = signed_unit (&state);
          s = u * u + v * v;
        }
      while (s >= 1.0 || s == 0.0);
      m = sigma * sqrt (-2.0 * log (s) / s);
      dst[i] += (float) (u * m);
      if (i + 1 < n)
        dst[i + 1] += (float) (v * m);
    }
}
