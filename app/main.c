/* main.c: the Candor desktop application.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"

#include <locale.h>
#include <glib/gi18n.h>

#include "candor-application.h"
#include "candor-paths.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(CandorApplication) app = NULL;
  int status;

  candor_paths_init ();
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, candor_paths_locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = candor_application_new ();
  status = g_application_run (G_APPLICATION (app), argc, argv);
  return status != 0 ? status : candor_application_get_exit_status (app);
}
