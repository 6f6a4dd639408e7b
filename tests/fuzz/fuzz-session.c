/* fuzz-session.c: .candor session files from untrusted bytes.
 *
 * A session that parses is written out again; that text must parse, and
 * write out to the very same text (saving a session that was read loses
 * nothing and adds nothing).
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "session-file.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CxSession) s = NULL;
  g_autoptr(CxSession) back = NULL;
  g_autofree char *text = NULL;
  g_autofree char *again = NULL;
  g_autofree char *model = NULL;
  gsize len = 0, again_len = 0;

  s = cx_session_parse ((const char *) data, size, "fuzz.candor", &error);
  g_assert ((s == NULL) == (error != NULL));
  if (s == NULL)
    return 0;
  g_assert_nonnull (s->model_path);
  model = cx_session_resolve ("sessions/fuzz.candor", s->model_path);
  g_assert_nonnull (model);

  text = cx_session_to_data (s, &len);
  back = cx_session_parse (text, len, "fuzz-saved.candor", &error);
  g_assert_no_error (error);
  again = cx_session_to_data (back, &again_len);
  g_assert_cmpstr (again, ==, text);
  return 0;
}
