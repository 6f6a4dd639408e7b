/* cli-commands.h: the commands of candor-cli, one file each.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

void cli_print_json  (JsonNode *root);
int  cli_fail        (GError *error);
/* "key": {"file": PATH, "sha256": SHA}: how every command names its inputs. */
void cli_json_add_file (JsonBuilder *b, const char *key, const char *path, const char *sha);

/* "candor-cli COMMAND ARGS…" with every argument shell-quoted: a line that
 * runs the same command again (from the same folder). */
char *cli_command_line (int argc, char **argv);

int  cli_cmd_predict (int argc, char **argv);
int  cli_cmd_explain (int argc, char **argv);
int  cli_cmd_sanity  (int argc, char **argv);
int  cli_cmd_report  (int argc, char **argv);
int  cli_cmd_fairness (int argc, char **argv);
int  cli_cmd_counterfactual (int argc, char **argv);
