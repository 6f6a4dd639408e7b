/* image.h: PNG input (libpng) and PNG output with provenance text chunks.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tensor.h"

G_BEGIN_DECLS

/* Largest image accepted, in pixels (a decompression-bomb guard). */
#define CX_IMAGE_MAX_PIXELS (4096 * 4096)

/* Decodes @path to a [1, channels, height, width] float tensor with values
 * in [0, 1] (gray for 1 channel, RGB for 3; alpha is composited on black),
 * resized bilinearly when @height/@width (> 0) differ from the file's. */
CxTensor *cx_image_load_png   (const char *path, int channels, int height, int width,
                               GError **error);

/* The same from memory; @name is used in messages. */
CxTensor *cx_image_parse_png  (const guint8 *data, gsize len, const char *name, int channels,
                               int height, int width, GError **error);

/* Reads just the size of a PNG. */
gboolean  cx_image_png_size   (const char *path, int *width, int *height, GError **error);

/* Writes 8-bit RGBA pixels (row stride 4·width) as a PNG with tEXt chunks
 * (@keys/@values NULL-terminated, may be NULL), atomically. */
gboolean  cx_image_save_png   (const char *path, int width, int height, const guint8 *rgba,
                               const char *const *keys, const char *const *values,
                               GError **error);

/* Reads the tEXt chunks of a PNG into a new table (key → value). */
GHashTable *cx_image_png_text (const char *path, GError **error);

G_END_DECLS
