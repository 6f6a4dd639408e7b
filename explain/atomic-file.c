/* atomic-file.c
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "atomic-file.h"
#include "cx-error.h"

#include <sys/stat.h>

gboolean
cx_atomic_write (const char *path, const void *data, gsize len, GError **error)
{
  g_autoptr(GError) local = NULL;

  /* GLib writes a temporary file, fsyncs it and renames it into place. */
  if (!g_file_set_contents_full (path, data, (gssize) len,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0644, &local))
    {
      g_set_error (error, CX_ERROR, CX_ERROR_IO, "%s: cannot write: %s", path, local->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
cx_same_file (const char *a, const char *b)
{
  struct stat sa, sb;
  if (a == NULL || b == NULL || stat (a, &sa) != 0 || stat (b, &sb) != 0)
    return FALSE;
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

gboolean
cx_file_check_readable (const char *path, GError **error)
{
  struct stat st;

  /* A missing file is left to the loader, which says so in its words. */
  if (stat (path, &st) != 0 || S_ISREG (st.st_mode) || S_ISDIR (st.st_mode))
    return TRUE;
  g_set_error (error, CX_ERROR, CX_ERROR_IO,
               "%s: not a regular file (a pipe, socket or device cannot be read)", path);
  return FALSE;
}
