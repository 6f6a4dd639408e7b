/* image.c
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "image.h"
#include "cx-error.h"
#include "atomic-file.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

typedef struct
{
  const guint8 *data;
  gsize len, pos;
  char message[256];
  char warning[256];   /* libpng's specific complaint before a generic error */
} ReadState;

static void
on_png_error (png_structp png, png_const_charp msg)
{
  ReadState *st = png_get_error_ptr (png);
  if (st != NULL)
    g_strlcpy (st->message, msg, sizeof st->message);
  png_longjmp (png, 1);
}

static void
on_png_warning (png_structp png, png_const_charp msg)
{
  ReadState *st = png_get_error_ptr (png);
  if (st != NULL && st->warning[0] == '\0')
    g_strlcpy (st->warning, msg, sizeof st->warning);
}

/* The most specific thing libpng said. */
static const char *
png_problem (const ReadState *st)
{
  if (g_str_equal (st->message, "Invalid IHDR data") && st->warning[0] != '\0')
    return st->warning;
  return st->message[0] ? st->message : "decoding failed";
}

static void
read_mem (png_structp png, png_bytep out, png_size_t n)
{
  ReadState *st = png_get_io_ptr (png);
  if (n > st->len - st->pos)
    png_error (png, "the file is truncated");
  memcpy (out, st->data + st->pos, n);
  st->pos += n;
}

/* Decodes to 8-bit RGBA; returns pixels (g_free) or NULL. */
static guint8 *
decode_rgba_data (const guint8 *data, gsize len, const char *path, int *w, int *h,
                  gboolean header_only, GError **error)
{
  ReadState st = { 0 };
  png_structp png = NULL;
  png_infop info = NULL;
  guint8 *volatile pixels = NULL;
  png_bytep *volatile rows = NULL;
  png_uint_32 width, height;

  st.data = data;
  st.len = len;
  if (st.len < 8 || png_sig_cmp (st.data, 0, 8) != 0)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_PARSE, "%s: not a PNG image", path);
      return NULL;
    }
  png = png_create_read_struct (PNG_LIBPNG_VER_STRING, &st, on_png_error, on_png_warning);
  info = png ? png_create_info_struct (png) : NULL;
  if (info == NULL)
    {
      png_destroy_read_struct (&png, NULL, NULL);
      g_set_error (error, CX_ERROR, CX_ERROR_LIMIT, "%s: out of memory", path);
      return NULL;
    }
  if (setjmp (png_jmpbuf (png)))
    {
      png_destroy_read_struct (&png, &info, NULL);
      g_free (pixels);
      g_free (rows);
      g_set_error (error, CX_ERROR, CX_ERROR_PARSE, "%s: corrupt PNG: %s", path,
                   png_problem (&st));
      return NULL;
    }
  /* Bound what a hostile file can make us allocate. */
  png_set_user_limits (png, 0x7fffffffL, 0x7fffffffL);  /* checked below, clearly */
  png_set_chunk_cache_max (png, 1000);
  png_set_chunk_malloc_max (png, 8 << 20);
  png_set_read_fn (png, &st, read_mem);
  png_read_info (png, info);
  width = png_get_image_width (png, info);
  height = png_get_image_height (png, info);
  if (width == 0 || height == 0 || (guint64) width * height > CX_IMAGE_MAX_PIXELS)
    {
      png_destroy_read_struct (&png, &info, NULL);
      g_set_error (error, CX_ERROR, CX_ERROR_LIMIT,
                   "%s: the image is %ux%u pixels; Candor reads images of 1 to %d pixels",
                   path, (unsigned) width, (unsigned) height, CX_IMAGE_MAX_PIXELS);
      return NULL;
    }
  *w = (int) width;
  *h = (int) height;
  if (header_only)
    {
      png_destroy_read_struct (&png, &info, NULL);
      return g_malloc (1);
    }
  png_set_expand (png);
  png_set_strip_16 (png);
  png_set_gray_to_rgb (png);
  png_set_add_alpha (png, 0xff, PNG_FILLER_AFTER);
  png_set_interlace_handling (png);
  png_read_update_info (png, info);
  if (png_get_rowbytes (png, info) != (gsize) width * 4)
    png_error (png, "unexpected pixel format");
  pixels = g_malloc ((gsize) width * height * 4);
  rows = g_new (png_bytep, height);
  for (png_uint_32 y = 0; y < height; y++)
    rows[y] = pixels + (gsize) y * width * 4;
  png_read_image (png, rows);
  png_read_end (png, NULL);
  png_destroy_read_struct (&png, &info, NULL);
  g_free (rows);
  return pixels;
}

static guint8 *
decode_rgba (const char *path, int *w, int *h, gboolean header_only, GError **error)
{
  g_autoptr(GMappedFile) file = NULL;
  g_autoptr(GError) local = NULL;

  file = g_mapped_file_new (path, FALSE, &local);
  if (file == NULL)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_IO, "%s", local->message);
      return NULL;
    }
  return decode_rgba_data ((const guint8 *) g_mapped_file_get_contents (file),
                           g_mapped_file_get_length (file), path, w, h, header_only, error);
}

gboolean
cx_image_png_size (const char *path, int *width, int *height, GError **error)
{
  g_autofree guint8 *p = decode_rgba (path, width, height, TRUE, error);
  return p != NULL;
}

static CxTensor *
rgba_to_tensor (const guint8 *rgba, int w, int h, const char *path, int channels,
                int height, int width, GError **error);

CxTensor *
cx_image_load_png (const char *path, int channels, int height, int width, GError **error)
{
  int w = 0, h = 0;
  g_autofree guint8 *rgba = NULL;

  if (!cx_file_check_readable (path, error))
    return NULL;

  g_return_val_if_fail (channels == 1 || channels == 3, NULL);
  rgba = decode_rgba (path, &w, &h, FALSE, error);
  if (rgba == NULL)
    return NULL;
  return rgba_to_tensor (rgba, w, h, path, channels, height, width, error);
}

CxTensor *
cx_image_parse_png (const guint8 *data, gsize len, const char *name, int channels,
                    int height, int width, GError **error)
{
  int w = 0, h = 0;
  g_autofree guint8 *rgba = NULL;

  g_return_val_if_fail (channels == 1 || channels == 3, NULL);
  rgba = decode_rgba_data (data, len, name, &w, &h, FALSE, error);
  if (rgba == NULL)
    return NULL;
  return rgba_to_tensor (rgba, w, h, name, channels, height, width, error);
}

static CxTensor *
rgba_to_tensor (const guint8 *rgba, int w, int h, const char *path, int channels,
                int height, int width, GError **error)
{
  int64_t shape[4];
  CxTensor *t;

  if (height <= 0)
    height = h;
  if (width <= 0)
    width = w;
  if ((guint64) width * height > CX_IMAGE_MAX_PIXELS)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_LIMIT, "%s: the model's input size %dx%d is too large",
                   path, width, height);
      return NULL;
    }
  shape[0] = 1;
  shape[1] = channels;
  shape[2] = height;
  shape[3] = width;
  t = cx_tensor_new (CX_ELEM_FLOAT, 4, shape, error);
  if (t == NULL)
    return NULL;
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        /* Bilinear sampling at pixel centres (align_corners = false). */
        double sy = (y + 0.5) * h / height - 0.5, sx = (x + 0.5) * w / width - 0.5;
        int y0 = (int) CLAMP (sy < 0 ? 0 : (int) sy, 0, h - 1), x0 = (int) CLAMP (sx < 0 ? 0 : (int) sx, 0, w - 1);
        int y1 = MIN (y0 + 1, h - 1), x1 = MIN (x0 + 1, w - 1);
        double fy = CLAMP (sy - y0, 0.0, 1.0), fx = CLAMP (sx - x0, 0.0, 1.0);
        double rgb[3];
        for (int c = 0; c < 3; c++)
          {
            double a = rgba[((gsize) y0 * w + x0) * 4 + c], b = rgba[((gsize) y0 * w + x1) * 4 + c];
            double cc = rgba[((gsize) y1 * w + x0) * 4 + c], d = rgba[((gsize) y1 * w + x1) * 4 + c];
            double alpha = rgba[((gsize) y0 * w + x0) * 4 + 3] / 255.0;
            rgb[c] = ((a * (1 - fx) + b * fx) * (1 - fy) + (cc * (1 - fx) + d * fx) * fy) / 255.0 * alpha;
          }
        if (channels == 1)
          {
            /* Gray files expand to equal R, G, B; for colour use ITU-R BT.601 luma. */
            t->data.f[(gsize) y * width + x] = (float) (0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]);
          }
        else
          for (int c = 0; c < 3; c++)
            t->data.f[((gsize) c * height + y) * width + x] = (float) rgb[c];
      }
  return t;
}

typedef struct
{
  GByteArray *buf;
} WriteState;

static void
write_mem (png_structp png, png_bytep data, png_size_t n)
{
  WriteState *st = png_get_io_ptr (png);
  g_byte_array_append (st->buf, data, (guint) n);
}

static void
flush_mem (png_structp png)
{
}

gboolean
cx_image_save_png (const char *path, int width, int height, const guint8 *rgba,
                   const char *const *keys, const char *const *values, GError **error)
{
  g_autoptr(GByteArray) buf = g_byte_array_new ();
  WriteState st = { buf };
  ReadState err = { 0 };
  png_structp png;
  png_infop info;
  png_bytep *volatile rows = NULL;
  png_textp volatile text = NULL;
  int n_text = 0;

  png = png_create_write_struct (PNG_LIBPNG_VER_STRING, &err, on_png_error, on_png_warning);
  info = png ? png_create_info_struct (png) : NULL;
  if (info == NULL)
    {
      png_destroy_write_struct (&png, NULL);
      g_set_error (error, CX_ERROR, CX_ERROR_IO, "%s: out of memory", path);
      return FALSE;
    }
  if (setjmp (png_jmpbuf (png)))
    {
      png_destroy_write_struct (&png, &info);
      g_free (rows);
      g_free (text);
      g_set_error (error, CX_ERROR, CX_ERROR_IO, "%s: cannot encode PNG: %s", path, err.message);
      return FALSE;
    }
  png_set_write_fn (png, &st, write_mem, flush_mem);
  png_set_IHDR (png, info, (png_uint_32) width, (png_uint_32) height, 8, PNG_COLOR_TYPE_RGB_ALPHA,
                PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  while (keys != NULL && keys[n_text] != NULL)
    n_text++;
  if (n_text > 0)
    {
      text = g_new0 (png_text, n_text);
      for (int i = 0; i < n_text; i++)
        {
          text[i].compression = strlen (values[i]) > 512 ? PNG_TEXT_COMPRESSION_zTXt
                                                        : PNG_TEXT_COMPRESSION_NONE;
          text[i].key = (png_charp) keys[i];
          text[i].text = (png_charp) values[i];
        }
      png_set_text (png, info, text, n_text);
    }
  png_write_info (png, info);
  rows = g_new (png_bytep, MAX (height, 1));
  for (int y = 0; y < height; y++)
    rows[y] = (png_bytep) rgba + (gsize) y * width * 4;
  png_write_image (png, rows);
  png_write_end (png, NULL);
  png_destroy_write_struct (&png, &info);
  g_free (rows);
  g_free (text);
  return cx_atomic_write (path, buf->data, buf->len, error);
}

GHashTable *
cx_image_png_text (const char *path, GError **error)
{
  g_autoptr(GMappedFile) file = NULL;
  g_autoptr(GError) local = NULL;
  ReadState st = { 0 };
  png_structp png;
  png_infop info;
  png_textp text = NULL;
  int n = 0;
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  file = g_mapped_file_new (path, FALSE, &local);
  if (file == NULL)
    {
      g_hash_table_unref (table);
      g_set_error (error, CX_ERROR, CX_ERROR_IO, "%s", local->message);
      return NULL;
    }
  st.data = (const guint8 *) g_mapped_file_get_contents (file);
  st.len = g_mapped_file_get_length (file);
  if (st.len < 8 || png_sig_cmp (st.data, 0, 8) != 0)
    {
      g_hash_table_unref (table);
      g_set_error (error, CX_ERROR, CX_ERROR_PARSE, "%s: not a PNG image", path);
      return NULL;
    }
  png = png_create_read_struct (PNG_LIBPNG_VER_STRING, &st, on_png_error, on_png_warning);
  info = png_create_info_struct (png);
  if (setjmp (png_jmpbuf (png)))
    {
      png_destroy_read_struct (&png, &info, NULL);
      g_hash_table_unref (table);
      g_set_error (error, CX_ERROR, CX_ERROR_PARSE, "%s: corrupt PNG: %s", path, st.message);
      return NULL;
    }
  png_set_read_fn (png, &st, read_mem);
  png_read_info (png, info);
  /* Text chunks may also follow the image data: read to the end. */
  png_set_user_limits (png, 16384, 16384);
  {
    png_uint_32 h = png_get_image_height (png, info);
    gsize rowbytes = png_get_rowbytes (png, info);
    g_autofree guint8 *row = g_malloc (MAX (rowbytes, 1) * 2);
    int passes = png_set_interlace_handling (png);
    for (int p = 0; p < passes; p++)
      for (png_uint_32 y = 0; y < h; y++)
        png_read_row (png, row, NULL);
  }
  png_read_end (png, info);
  png_get_text (png, info, &text, &n);
  for (int i = 0; i < n; i++)
    g_hash_table_replace (table, g_strdup (text[i].key), g_strdup (text[i].text ? text[i].text : ""));
  png_destroy_read_struct (&png, &info, NULL);
  return table;
}
