/* cli-report.c: `candor-cli report --session FILE.candor --out REPORT.pdf`.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"
#include "cli-commands.h"

#include <stdio.h>

#include "atomic-file.h"
#include "report.h"

int
cli_cmd_report (int argc, char **argv)
{
  g_autofree char *session_path = NULL;
  g_autofree char *out = NULL;
  GOptionEntry entries[] = {
    { "session", 's', 0, G_OPTION_ARG_FILENAME, &session_path, "The session (.candor)", "FILE" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, "The PDF to write", "REPORT.pdf" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CxSession) s = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *changed = NULL;
  gint64 t0, t1;
  int pages = 0;

  g_option_context_set_summary (ctx, "Write the PDF report of a session.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return cli_fail (error);
  if (session_path == NULL || out == NULL)
    {
      fputs ("candor-cli: report needs --session FILE.candor and --out REPORT.pdf\n", stderr);
      return 2;
    }
  if (cx_same_file (out, session_path))
    {
      fprintf (stderr, "candor-cli: %s: refusing to overwrite an input file\n", out);
      return 1;
    }
  s = cx_session_load (session_path, &error);
  if (s == NULL)
    return cli_fail (error);
  changed = cx_session_check_files (s, session_path);
  if (changed != NULL)
    {
      g_autofree char *one = g_strdelimit (g_strdup (changed), "\n", ';');
      fprintf (stderr, "candor-cli: warning: %s\n", one);
    }
  t0 = g_get_monotonic_time ();
  if (!cx_report_write (s, session_path, out, NULL, NULL, &pages, &error))
    return cli_fail (error);
  t1 = g_get_monotonic_time ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "session");
  json_builder_add_string_value (b, session_path);
  json_builder_set_member_name (b, "report");
  json_builder_add_string_value (b, out);
  json_builder_set_member_name (b, "pages");
  json_builder_add_int_value (b, pages);
  json_builder_set_member_name (b, "files_changed");
  json_builder_add_boolean_value (b, changed != NULL);
  json_builder_set_member_name (b, "elapsed_ms");
  json_builder_add_double_value (b, (t1 - t0) / 1000.0);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  cli_print_json (root);
  return 0;
}
