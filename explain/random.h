/* random.h: seeded random numbers: SplitMix64, and Gaussian noise fast
 * enough for SmoothGrad's batches.
 *
 * SmoothGrad adds noise to 50 copies of the input: 614 400 numbers for one
 * 3×64×64 image. GRand (a Mersenne twister returning one double per two
 * calls) with one Box–Muller draw per number took 72 ms of it; here the
 * uniform numbers come from SplitMix64 (Steele, Lea and Flood 2014) and
 * Marsaglia's polar method turns each accepted pair into two normal
 * numbers. The stream depends only on the seed.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* SplitMix64: the next 64 random bits of the stream @state (any value). */
static inline guint64
cx_splitmix64 (guint64 *state)
{
  guint64 z = (*state += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

/* dst[i] += sigma · z_i for i < n, z_i independent standard normal numbers
 * drawn from @seed. */
void        cx_random_add_normal   (float *dst, gsize n, guint64 seed, double sigma);

G_END_DECLS
