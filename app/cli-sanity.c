/* cli-sanity.c: `candor-cli sanity`.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"
#include "cli-commands.h"

#include <stdio.h>

int
cli_cmd_sanity (int argc, char **argv)
{
  fputs ("candor-cli: sanity is not available in this version yet\n", stderr);
  return 2;
}
