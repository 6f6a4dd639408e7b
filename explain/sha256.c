/* sha256.c: SHA-256 with the x86 SHA extensions, else GChecksum.
 *
 * The hardware path keeps the state as the instructions want it, two
 * registers of four words: ABEF and CDGH. Each SHA256RNDS2 does two rounds
 * with two words of W + K; SHA256MSG1 and SHA256MSG2 extend the message
 * schedule four words at a time (FIPS 180-4, 6.2.2).
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "sha256.h"

#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CX_SHA_X86 1
#include <immintrin.h>
#endif

struct _CxSha256
{
  GChecksum *checksum;         /* without the hardware path */
  guint32 h[8];
  guint8 block[64];
  gsize fill;                  /* bytes in block */
  guint64 length;              /* bytes hashed */
};

#ifdef CX_SHA_X86

static const guint32 K[64] = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* Compresses @n 64-byte blocks of @data into @h. */
__attribute__ ((target ("sha,sse4.1,ssse3")))
static void
compress_x86 (guint32 h[8], const guint8 *data, gsize n)
{
  /* Big-endian words: reverse the bytes of each 32-bit lane. */
  const __m128i bswap = _mm_set_epi64x (0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  __m128i abef, cdgh, t;

  /* h = a b c d | e f g h  →  ABEF = (f, e, b, a), CDGH = (h, g, d, c), lane 0 first. */
  t = _mm_shuffle_epi32 (_mm_loadu_si128 ((const __m128i *) &h[0]), 0xB1);      /* b a d c */
  cdgh = _mm_shuffle_epi32 (_mm_loadu_si128 ((const __m128i *) &h[4]), 0x1B);   /* h g f e */
  abef = _mm_alignr_epi8 (t, cdgh, 8);                                          /* f e b a */
  cdgh = _mm_blend_epi16 (cdgh, t, 0xF0);                                       /* h g d c */

  for (; n > 0; n--, data += 64)
    {
      __m128i w[16];
      __m128i abef0 = abef, cdgh0 = cdgh;

      for (int k = 0; k < 4; k++)
        w[k] = _mm_shuffle_epi8 (_mm_loadu_si128 ((const __m128i *) (data + 16 * k)), bswap);
      /* W[t] = σ1(W[t−2]) + W[t−7] + σ0(W[t−15]) + W[t−16], four at a time. */
      for (int k = 4; k < 16; k++)
        {
          t = _mm_add_epi32 (_mm_sha256msg1_epu32 (w[k - 4], w[k - 3]), _mm_alignr_epi8 (w[k - 1], w[k - 2], 4));
          w[k] = _mm_sha256msg2_epu32 (t, w[k - 1]);
        }
      for (int k = 0; k < 16; k++)
        {
          __m128i wk = _mm_add_epi32 (w[k], _mm_loadu_si128 ((const __m128i *) &K[4 * k]));
          /* Two rounds make the old ABEF the new CDGH: the registers take turns. */
          cdgh = _mm_sha256rnds2_epu32 (cdgh, abef, wk);
          abef = _mm_sha256rnds2_epu32 (abef, cdgh, _mm_shuffle_epi32 (wk, 0x0E));
        }
      abef = _mm_add_epi32 (abef, abef0);
      cdgh = _mm_add_epi32 (cdgh, cdgh0);
    }

  t = _mm_shuffle_epi32 (abef, 0x1B);                                          /* a b e f */
  cdgh = _mm_shuffle_epi32 (cdgh, 0xB1);                                       /* g h c d */
  _mm_storeu_si128 ((__m128i *) &h[0], _mm_blend_epi16 (t, cdgh, 0xF0));         /* a b c d */
  _mm_storeu_si128 ((__m128i *) &h[4], _mm_alignr_epi8 (cdgh, t, 8));            /* e f g h */
}

#endif

gboolean
cx_sha256_hardware (void)
{
#ifdef CX_SHA_X86
  static int have = -1;
  if (g_atomic_int_get (&have) < 0)
    {
      __builtin_cpu_init ();
      g_atomic_int_set (&have, __builtin_cpu_supports ("sha") && __builtin_cpu_supports ("sse4.1") &&
                               __builtin_cpu_supports ("ssse3"));
    }
  return g_atomic_int_get (&have) == 1 && g_getenv ("CANDOR_NO_SHA_NI") == NULL;
#else
  return FALSE;
#endif
}

CxSha256 *
cx_sha256_new (void)
{
  static const guint32 h0[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  };
  CxSha256 *sum = g_new0 (CxSha256, 1);

  if (!cx_sha256_hardware ())
    sum->checksum = g_checksum_new (G_CHECKSUM_SHA256);
  memcpy (sum->h, h0, sizeof h0);
  return sum;
}

void
cx_sha256_free (CxSha256 *sum)
{
  if (sum == NULL)
    return;
  if (sum->checksum != NULL)
    g_checksum_free (sum->checksum);
  g_free (sum);
}

void
cx_sha256_update (CxSha256 *sum, const guint8 *data, gsize len)
{
  if (sum->checksum != NULL)
    {
      g_checksum_update (sum->checksum, data, (gssize) len);
      return;
    }
#ifdef CX_SHA_X86
  sum->length += len;
  if (sum->fill > 0)
    {
      gsize take = MIN (len, 64 - sum->fill);
      memcpy (sum->block + sum->fill, data, take);
      sum->fill += take;
      data += take;
      len -= take;
      if (sum->fill < 64)
        return;
      compress_x86 (sum->h, sum->block, 1);
      sum->fill = 0;
    }
  if (len >= 64)
    {
      compress_x86 (sum->h, data, len / 64);
      data += len / 64 * 64;
      len %= 64;
    }
  memcpy (sum->block, data, len);
  sum->fill = len;
#endif
}

char *
cx_sha256_finish (CxSha256 *sum)
{
  GString *hex;

  if (sum->checksum != NULL)
    return g_strdup (g_checksum_get_string (sum->checksum));
#ifdef CX_SHA_X86
  {
    /* Padding: 0x80, zeros to 56 bytes mod 64, the length in bits (big-endian). */
    guint64 bits = sum->length * 8;
    guint8 pad[72] = { 0x80 };
    gsize n = (sum->fill < 56 ? 56 : 120) - sum->fill;
    for (int i = 0; i < 8; i++)
      pad[n + i] = (guint8) (bits >> (56 - 8 * i));
    cx_sha256_update (sum, pad, n + 8);
    g_assert (sum->fill == 0);
  }
#endif
  hex = g_string_sized_new (64);
  for (int i = 0; i < 8; i++)
    g_string_append_printf (hex, "%08x", sum->h[i]);
  return g_string_free (hex, FALSE);
}
