/* cli-tabular.c: `candor-cli fairness` and `candor-cli counterfactual`.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"
#include "cli-commands.h"

#include <stdio.h>

int
cli_cmd_fairness (int argc, char **argv)
{
  fputs ("candor-cli: fairness is not available in this version yet\n", stderr);
  return 2;
}

int
cli_cmd_counterfactual (int argc, char **argv)
{
  fputs ("candor-cli: counterfactual is not available in this version yet\n", stderr);
  return 2;
}
