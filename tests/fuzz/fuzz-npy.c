/* fuzz-npy.c: NumPy arrays from untrusted bytes.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "npy.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CxTensor) t = NULL;

  cx_tensor_set_limit (64 << 20);
  t = cx_npy_parse (data, size, "fuzz.npy", &error);
  g_assert ((t == NULL) == (error != NULL));
  if (t != NULL)
    {
      /* Touch every element: the parser must have sized the buffer right. */
      volatile double s = 0;
      for (int64_t i = 0; i < t->numel; i++)
        s += cx_tensor_get (t, i);
      (void) s;
    }
  return 0;
}
