/* json-input.c
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "json-input.h"
#include "cx-error.h"

#include <stdio.h>
#include <string.h>

/* The value of the four hex digits at @p, or −1. */
static int
hex4 (const char *p, const char *end)
{
  int v = 0;

  if (end - p < 4)
    return -1;
  for (int k = 0; k < 4; k++)
    {
      int d = g_ascii_xdigit_value (p[k]);
      if (d < 0)
        return -1;
      v = v * 16 + d;
    }
  return v;
}

/* One pass over the text as JSON tokenises it: nesting depth outside
 * strings, escapes inside (JSON-GLib takes \q or \u12G4 without a word).
 * Anything else malformed is left to JSON-GLib. */
static gboolean
check_text (const char *data, gsize len, const char *name, GError **error)
{
  const char *end = data + len;
  gboolean in_string = FALSE;
  int depth = 0, line = 1;

  for (const char *p = data; p < end; p++)
    {
      if (*p == '\n')
        line++;
      if (!in_string)
        {
          if (*p == '"')
            in_string = TRUE;
          else if (*p == '[' || *p == '{')
            {
              if (++depth > CX_JSON_MAX_DEPTH)
                {
                  g_set_error (error, CX_ERROR, CX_ERROR_PARSE,
                               "%s: line %d: arrays and objects nested more than %d deep",
                               name, line, CX_JSON_MAX_DEPTH);
                  return FALSE;
                }
            }
          else if (*p == ']' || *p == '}')
            depth--;
          continue;
        }
      if (*p == '"')
        in_string = FALSE;
      else if (*p == '\\' && p + 1 < end)
        {
          int u;
          p++;
          if (*p != 'u')
            {
              if (strchr ("\"\\/bfnrt", *p) == NULL || *p == '\0')
                {
                  g_set_error (error, CX_ERROR, CX_ERROR_PARSE,
                               "%s: line %d: a string holds the escape \\%.*s, which JSON does not have",
                               name, line, (int) (g_utf8_next_char (p) - p), p);
                  return FALSE;
                }
              continue;
            }
          if ((u = hex4 (p + 1, end)) < 0)
            {
              g_set_error (error, CX_ERROR, CX_ERROR_PARSE,
                           "%s: line %d: a string holds a \\u escape without four hex digits",
                           name, line);
              return FALSE;
            }
          p += 4;
          if (u == 0)
            {
              g_set_error (error, CX_ERROR, CX_ERROR_PARSE,
                           "%s: line %d: a string holds \\u0000 (a NUL character)", name, line);
              return FALSE;
            }
          if (u >= 0xD800 && u <= 0xDBFF && end - p > 2 && p[1] == '\\' && p[2] == 'u')
            {
              int low = hex4 (p + 3, end);
              if (low >= 0xDC00 && low <= 0xDFFF)
                {
                  p += 6;
                  continue;
                }
            }
          if (u >= 0xD800 && u <= 0xDFFF)
            {
              g_set_error (error, CX_ERROR, CX_ERROR_PARSE,
                           "%s: line %d: a string holds \\u%04X, half of a UTF-16 surrogate pair",
                           name, line, (unsigned) u);
              return FALSE;
            }
        }
    }
  return TRUE;
}

/* JSON-GLib says "<data>:3:14: Parse error: unexpected …"; this says
 * "line 3, column 14: unexpected …". */
static char *
parse_message (const char *message)
{
  int line, column, n = 0;

  if (sscanf (message, "<data>:%d:%d: %n", &line, &column, &n) == 2 && n > 0)
    {
      const char *rest = message + n;
      g_autofree char *what = NULL;
      if (g_str_has_prefix (rest, "Parse error: "))
        rest += strlen ("Parse error: ");
      /* The token quoted may hold a line break: keep the message one line. */
      what = cx_error_line (rest);
      return g_strdup_printf ("line %d, column %d: %s", line, column, what);
    }
  return cx_error_line (message);
}

JsonNode *
cx_json_parse_object (const char *data, gsize len, const char *name, const char *what,
                      GError **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  if (data == NULL)
    data = "";
  if (len > G_MAXSSIZE || !g_utf8_validate_len (data, len, NULL))
    {
      g_set_error (error, CX_ERROR, CX_ERROR_PARSE, "%s: not valid UTF-8", name);
      return NULL;
    }
  if (!check_text (data, len, name, error))
    return NULL;
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, (gssize) len, &local))
    {
      g_autofree char *message = parse_message (local->message);
      g_set_error (error, CX_ERROR, CX_ERROR_PARSE, "%s: not %s: %s", name, what, message);
      return NULL;
    }
  root = json_parser_steal_root (parser);
  if (root == NULL)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_PARSE, "%s: not %s: the file is empty", name, what);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      const char *found = JSON_NODE_HOLDS_ARRAY (root) ? "an array" :
                          JSON_NODE_HOLDS_NULL (root) ? "null" : "a single value";
      g_set_error (error, CX_ERROR, CX_ERROR_PARSE, "%s: not %s: the file holds %s, not a JSON object",
                   name, what, found);
      return NULL;
    }
  return g_steal_pointer (&root);
}
