/* candor-export.h: PNG exports of what the window shows, with provenance
 * in text chunks.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CANDOR_EXPORT_ERROR (candor_export_error_quark ())

typedef enum
{
  CANDOR_EXPORT_ERROR_NOT_DRAWN,   /* the widget has no size or is not shown */
  CANDOR_EXPORT_ERROR_RENDER,      /* the renderer produced no image */
  CANDOR_EXPORT_ERROR_ENCODE,      /* libpng refused the image or a chunk */
} CandorExportError;

GQuark      candor_export_error_quark (void);

/* Renders @widget as it is on screen, at its size (times the scale
 * factor), with its window's renderer, over @background (or transparent
 * when NULL). */
GdkTexture *candor_export_render      (GtkWidget          *widget,
                                       const GdkRGBA      *background,
                                       GError            **error);

/* Encodes @texture as PNG with one text chunk per key/value pair of @text
 * (NULL-terminated: key, value, key, value, …, NULL; tEXt when the value
 * is Latin-1, else iTXt) and writes it atomically to @path. */
gboolean    candor_export_write_png   (GdkTexture         *texture,
                                       const char         *path,
                                       const char * const *text,
                                       GError            **error);

G_END_DECLS
