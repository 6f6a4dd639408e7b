/* cli-predict.c: `candor-cli predict` and `candor-cli explain`.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"
#include "cli-commands.h"

#include <stdio.h>

int
cli_cmd_predict (int argc, char **argv)
{
  fputs ("candor-cli: predict is not available yet\n", stderr);
  return 1;
}

int
cli_cmd_explain (int argc, char **argv)
{
  fputs ("candor-cli: explain is not available yet\n", stderr);
  return 1;
}
