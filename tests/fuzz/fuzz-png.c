/* fuzz-png.c: PNG images from untrusted bytes.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "image.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CxTensor) gray = NULL;
  g_autoptr(CxTensor) rgb = NULL;

  gray = cx_image_parse_png (data, size, "fuzz.png", 1, 28, 28, &error);
  g_assert ((gray == NULL) == (error != NULL));
  g_clear_error (&error);
  rgb = cx_image_parse_png (data, size, "fuzz.png", 3, 0, 0, &error);
  g_assert ((rgb == NULL) == (error != NULL));
  return 0;
}
