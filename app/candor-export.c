/* candor-export.c: PNG exports of what the window shows, with provenance.
 *
 * gdk_texture_save_to_png() cannot add text chunks, so the PNG is encoded
 * here with libpng, into memory, and written with cx_atomic_write().
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"

#include <string.h>
#include <png.h>
#include <glib/gi18n.h>

#include "atomic-file.h"
#include "candor-export.h"

G_DEFINE_QUARK (candor-export-error-quark, candor_export_error)

GdkTexture *
candor_export_render (GtkWidget     *widget,
                      const GdkRGBA *background,
                      GError       **error)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  GtkSnapshot *snapshot;
  GtkNative *native;
  GskRenderer *renderer;
  GdkTexture *texture;
  int width, height, scale;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);

  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  native = gtk_widget_get_native (widget);
  if (width <= 0 || height <= 0 || native == NULL || !gtk_widget_get_mapped (widget))
    {
      g_set_error (error, CANDOR_EXPORT_ERROR, CANDOR_EXPORT_ERROR_NOT_DRAWN,
                   _("The window has not been drawn yet"));
      return NULL;
    }
  renderer = gtk_native_get_renderer (native);
  scale = gtk_widget_get_scale_factor (widget);

  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gtk_snapshot_scale (snapshot, scale, scale);
  if (background != NULL)
    gtk_snapshot_append_color (snapshot, background, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL || renderer == NULL)
    {
      g_set_error (error, CANDOR_EXPORT_ERROR, CANDOR_EXPORT_ERROR_RENDER,
                   _("The window produced nothing to render"));
      return NULL;
    }
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width * scale, height * scale));
  if (texture == NULL)
    g_set_error (error, CANDOR_EXPORT_ERROR, CANDOR_EXPORT_ERROR_RENDER,
                 _("The renderer produced no image"));
  return texture;
}

typedef struct
{
  GByteArray *bytes;
  char message[256];
} PngSink;

static void
png_sink_write (png_structp png,
                png_bytep   data,
                png_size_t  len)
{
  PngSink *sink = png_get_io_ptr (png);
  g_byte_array_append (sink->bytes, data, len);
}

static void
png_sink_flush (png_structp png)
{
}

static void
png_sink_error (png_structp     png,
                png_const_charp message)
{
  PngSink *sink = png_get_error_ptr (png);
  g_strlcpy (sink->message, message, sizeof sink->message);
  png_longjmp (png, 1);
}

static void
png_sink_warning (png_structp     png,
                  png_const_charp message)
{
}

static gboolean
is_latin1_printable (const char *text)
{
  for (const guchar *p = (const guchar *) text; *p; p++)
    if (*p >= 0x80 || (*p < 0x20 && *p != '\n'))
      return FALSE;
  return TRUE;
}

/* Straight (non-premultiplied) RGBA rows from cairo-style BGRA premultiplied
 * pixels; reports whether every pixel is opaque. */
static guint8 *
unpremultiply (const guint8 *src,
               gsize         stride,
               int           width,
               int           height,
               gboolean     *opaque)
{
  guint8 *dst = g_malloc ((gsize) width * height * 4);

  *opaque = TRUE;
  for (int y = 0; y < height; y++)
    {
      const guint32 *s = (const guint32 *) (src + y * stride);
      guint8 *d = dst + (gsize) y * width * 4;
      for (int x = 0; x < width; x++)
        {
          guint32 p = s[x];
          guint a = p >> 24, r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;
          if (a != 0 && a != 255)
            {
              r = (r * 255 + a / 2) / a;
              g = (g * 255 + a / 2) / a;
              b = (b * 255 + a / 2) / a;
            }
          if (a != 255)
            *opaque = FALSE;
          d[4 * x + 0] = MIN (r, 255u);
          d[4 * x + 1] = MIN (g, 255u);
          d[4 * x + 2] = MIN (b, 255u);
          d[4 * x + 3] = a;
        }
    }
  return dst;
}

/* The libpng part, kept apart: nothing here changes after setjmp(). */
static gboolean
png_encode_rows (PngSink   *sink,
                 int        width,
                 int        height,
                 gboolean   opaque,
                 png_bytep *rows,
                 png_text  *chunks,
                 int        n_text)
{
  png_structp png;
  png_infop info;

  png = png_create_write_struct (PNG_LIBPNG_VER_STRING, sink, png_sink_error, png_sink_warning);
  if (png == NULL)
    return FALSE;
  info = png_create_info_struct (png);
  if (info == NULL)
    {
      png_destroy_write_struct (&png, NULL);
      return FALSE;
    }
  if (setjmp (png_jmpbuf (png)))
    {
      png_destroy_write_struct (&png, &info);
      return FALSE;
    }
  png_set_write_fn (png, sink, png_sink_write, png_sink_flush);
  png_set_IHDR (png, info, width, height, 8,
                opaque ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_RGB_ALPHA,
                PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_set_sRGB_gAMA_and_cHRM (png, info, PNG_sRGB_INTENT_PERCEPTUAL);
  if (n_text > 0)
    png_set_text (png, info, chunks, n_text);
  png_set_rows (png, info, rows);
  png_write_png (png, info, PNG_TRANSFORM_IDENTITY, NULL);
  png_destroy_write_struct (&png, &info);
  return TRUE;
}

static GByteArray *
encode_png (GdkTexture         *texture,
            const char * const *text,
            GError            **error)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  gsize stride = (gsize) width * 4;
  g_autofree guint8 *pixels = g_malloc (stride * height);
  g_autofree guint8 *rgba = NULL;
  g_autofree png_bytep *rows = NULL;
  g_autofree png_text *chunks = NULL;
  PngSink sink = { g_byte_array_new (), "" };
  gboolean opaque;
  guint n_text = 0;

  gdk_texture_download (texture, pixels, stride);
  rgba = unpremultiply (pixels, stride, width, height, &opaque);
  /* Drop alpha when nothing is transparent: same image, a quarter smaller. */
  if (opaque)
    for (gsize i = 0; i < (gsize) width * height; i++)
      memmove (rgba + i * 3, rgba + i * 4, 3);

  rows = g_new (png_bytep, height);
  for (int y = 0; y < height; y++)
    rows[y] = rgba + (gsize) y * width * (opaque ? 3 : 4);

  while (text != NULL && text[2 * n_text] != NULL)
    {
      g_return_val_if_fail (text[2 * n_text + 1] != NULL, NULL);
      n_text++;
    }
  chunks = g_new0 (png_text, MAX (n_text, 1));
  for (guint i = 0; i < n_text; i++)
    {
      const char *value = text[2 * i + 1];
      chunks[i].key = (png_charp) text[2 * i];
      chunks[i].text = (png_charp) value;
      if (is_latin1_printable (value))
        {
          chunks[i].compression = PNG_TEXT_COMPRESSION_NONE;
          chunks[i].text_length = strlen (value);
        }
      else
        {
          chunks[i].compression = PNG_ITXT_COMPRESSION_NONE;
          chunks[i].itxt_length = strlen (value);
        }
    }

  if (!png_encode_rows (&sink, width, height, opaque, rows, chunks, (int) n_text))
    {
      g_set_error (error, CANDOR_EXPORT_ERROR, CANDOR_EXPORT_ERROR_ENCODE,
                   _("Cannot encode the PNG: %s"),
                   sink.message[0] ? sink.message : _("out of memory"));
      g_byte_array_unref (sink.bytes);
      return NULL;
    }
  return sink.bytes;
}

gboolean
candor_export_write_png (GdkTexture         *texture,
                         const char         *path,
                         const char * const *text,
                         GError            **error)
{
  g_autoptr(GByteArray) bytes = NULL;

  g_return_val_if_fail (GDK_IS_TEXTURE (texture), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  bytes = encode_png (texture, text, error);
  if (bytes == NULL)
    return FALSE;
  return cx_atomic_write (path, bytes->data, bytes->len, error);
}
