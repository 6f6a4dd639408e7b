/* atomic-file.h: every file Candor writes goes through here.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Writes @data to a temporary file beside @path, flushes it and renames it
 * over @path, so a reader sees the old file or the new one, never half of
 * one. On failure the old file is intact and @error names @path. */
gboolean cx_atomic_write (const char *path, const void *data, gsize len, GError **error);

/* TRUE when @a and @b name the same existing file (so an output never
 * overwrites an input). */
gboolean cx_same_file    (const char *a, const char *b);

/* FALSE, with an error naming @path, when @path exists but is not a
 * regular file or a folder (a pipe, a socket, a device): reading one could
 * block for ever or never end. Loaders call it before opening. */
gboolean cx_file_check_readable (const char *path, GError **error);

G_END_DECLS
