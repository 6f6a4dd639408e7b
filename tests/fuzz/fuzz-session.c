/* fuzz-session.c: .candor session files from untrusted bytes: parsed,
 * written back, and the written text parsed again to the same document.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "session-file.h"
#include "cx-error.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CxSession) s = cx_session_parse ((const char *) data, size, "fuzz.candor", &error);
  g_autofree char *text = NULL;
  g_autofree char *again = NULL;
  g_autoptr(CxSession) s2 = NULL;
  gsize len, len2;

  g_assert ((s == NULL) == (error != NULL));
  if (s == NULL)
    {
      /* One line, naming the file. */
      g_assert (strchr (error->message, '\n') == NULL);
      return 0;
    }
  /* What Candor writes, Candor reads back unchanged. */
  text = cx_session_to_data (s, &len);
  s2 = cx_session_parse (text, len, "again.candor", &error);
  g_assert (s2 != NULL);
  again = cx_session_to_data (s2, &len2);
  g_assert (len == len2 && memcmp (text, again, len) == 0);
  return 0;
}
