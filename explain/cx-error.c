/* cx-error.c
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cx-error.h"

#include <string.h>

G_DEFINE_QUARK (cx-error-quark, cx_error)

void
cx_error_prefix (GError **error, const char *prefix)
{
  if (error == NULL || *error == NULL || prefix == NULL)
    return;
  g_prefix_error (error, "%s: ", prefix);
}

char *
cx_error_line (const char *message)
{
  GString *line = g_string_sized_new (strlen (message));

  for (const char *c = message; *c; c++)
    switch (*c)
      {
      case '\n': g_string_append (line, "\\n"); break;
      case '\r': g_string_append (line, "\\r"); break;
      case '\t': g_string_append (line, "\\t"); break;
      default:
        g_string_append_c (line, (guchar) *c < 0x20 || *c == 0x7f ? '?' : *c);
      }
  return g_string_free (line, FALSE);
}
