/* json-output.c: JSON text without JSON-GLib's "1e-300.0".
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "json-output.h"

#include <string.h>

/* Copies @text, dropping the ".0" JSON-GLib puts after an exponent. */
static char *
repair_exponents (const char *text, gsize *len)
{
  GString *out = g_string_sized_new (strlen (text));
  gboolean in_string = FALSE;

  for (const char *p = text; *p; p++)
    {
      g_string_append_c (out, *p);
      if (in_string)
        {
          if (*p == '\\' && p[1] != '\0')
            g_string_append_c (out, *++p);
          else if (*p == '"')
            in_string = FALSE;
        }
      else if (*p == '"')
        in_string = TRUE;
      else if ((*p == 'e' || *p == 'E') && p > text && g_ascii_isdigit (p[-1]))
        {
          const char *q = p + 1;
          if (*q == '+' || *q == '-')
            q++;
          while (g_ascii_isdigit (*q))
            q++;
          g_string_append_len (out, p + 1, q - (p + 1));
          p = q - 1;
          if (q[0] == '.' && q[1] == '0' && !g_ascii_isdigit (q[2]))
            p += 2;
        }
    }
  if (len != NULL)
    *len = out->len;
  return g_string_free (out, FALSE);
}

char *
cx_json_to_text (JsonNode *root, gsize *len)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 2);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  return repair_exponents (text, len);
}
