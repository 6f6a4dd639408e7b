/* json-output.c: JSON text with doubles in their shortest form.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "json-output.h"

#include <string.h>

/* Appends the shortest text that reads back as @v (at most 17 digits),
 * with ".0" when that looks like an integer, so it stays a double. */
static void
append_shortest (GString *out, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  for (int digits = 1; digits <= 17; digits++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", digits);
      g_ascii_formatd (buf, sizeof buf, format, v);
      if (g_ascii_strtod (buf, NULL) == v)
        break;
    }
  g_string_append (out, buf);
  if (strpbrk (buf, ".eEn") == NULL)
    g_string_append (out, ".0");
}

/* Copies @text, writing every double in its shortest form: JSON-GLib
 * prints 17 digits (0.15 as 0.14999999999999999) and puts ".0" after an
 * exponent (1e-300.0, not JSON). Integers and strings are copied as
 * they are. */
static char *
tidy_numbers (const char *text, gsize *len)
{
  GString *out = g_string_sized_new (strlen (text));
  gboolean in_string = FALSE;

  for (const char *p = text; *p; p++)
    {
      if (in_string)
        {
          g_string_append_c (out, *p);
          if (*p == '\\' && p[1] != '\0')
            g_string_append_c (out, *++p);
          else if (*p == '"')
            in_string = FALSE;
        }
      else if (*p == '"')
        {
          in_string = TRUE;
          g_string_append_c (out, *p);
        }
      else if (*p == '-' || g_ascii_isdigit (*p))
        {
          const char *q = p;
          gboolean is_double = FALSE;
          while (*q == '-' || *q == '+' || *q == '.' || *q == 'e' || *q == 'E' || g_ascii_isdigit (*q))
            is_double |= *q == '.' || *q == 'e' || *q == 'E', q++;
          if (is_double)
            {
              g_autofree char *token = g_strndup (p, q - p);
              append_shortest (out, g_ascii_strtod (token, NULL));
            }
          else
            g_string_append_len (out, p, q - p);
          p = q - 1;
        }
      else
        g_string_append_c (out, *p);
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
  return tidy_numbers (text, len);
}
