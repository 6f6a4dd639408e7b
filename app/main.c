/* main.c: the Candor desktop application.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"

#include <adwaita.h>

int
main (int argc, char *argv[])
{
  g_autoptr(AdwApplication) app = adw_application_new (CANDOR_APP_ID, G_APPLICATION_HANDLES_OPEN);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
