/* candor-cli.c: the batch front end over the engine.
 *
 * Every command prints one JSON document on stdout; human messages go to
 * stderr; bad input is one line and a non-zero exit.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "cx-error.h"
#include "json-output.h"
#include "model.h"
#include "cli-commands.h"

static void
usage (FILE *out)
{
  fputs ("Usage: candor-cli COMMAND [OPTIONS]\n"
         "\n"
         "Commands:\n"
         "  info MODEL.onnx                      describe a model\n"
         "  predict --model M --input X [--top K]\n"
         "  explain --model M --input X --method METHOD [options]\n"
         "  sanity --model M --input X --method METHOD\n"
         "  fairness --model M --data T.csv --schema S.json [options]\n"
         "  counterfactual --model M --data T.csv --schema S.json --row I [options]\n"
         "  report --session FILE.candor --out REPORT.pdf\n"
         "\n"
         "Run 'candor-cli COMMAND --help' for a command's options.\n", out);
}

void
cli_print_json (JsonNode *root)
{
  g_autofree char *text = cx_json_to_text (root, NULL);

  fputs (text, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

void
cli_json_add_file (JsonBuilder *b, const char *key, const char *path, const char *sha)
{
  json_builder_set_member_name (b, key);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "file");
  json_builder_add_string_value (b, path);
  json_builder_set_member_name (b, "sha256");
  if (sha != NULL)
    json_builder_add_string_value (b, sha);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
}

char *
cli_command_line (int    argc,
                  char **argv)
{
  GString *line = g_string_new ("candor-cli");

  for (int i = 0; i < argc; i++)
    {
      g_autofree char *quoted = g_shell_quote (argv[i]);
      g_string_append_c (line, ' ');
      /* Plain words stay plain; the rest is quoted for the shell. */
      if (strpbrk (argv[i], " \t\n'\"\\$`*?[]{}()<>|&;#~!") == NULL && *argv[i] != '\0')
        g_string_append (line, argv[i]);
      else
        g_string_append (line, quoted);
    }
  return g_string_free (line, FALSE);
}

int
cli_fail (GError *error)
{
  /* One line, whatever user text the message quotes. */
  g_autofree char *msg = cx_error_line (error ? error->message : "unknown error");
  fprintf (stderr, "candor-cli: %s\n", msg);
  return 1;
}

static int
cmd_info (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CxModel) model = NULL;
  g_autoptr(JsonNode) root = NULL;
  CxLoadOptions opt = { .allow_unsupported = TRUE };

  if (argc != 2 || g_str_has_prefix (argv[1], "-"))
    {
      if (argc == 2 && (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")))
        {
          fputs ("Usage: candor-cli info MODEL.onnx\n", stdout);
          return 0;
        }
      fputs ("candor-cli: info takes exactly one model file\n", stderr);
      return 2;
    }
  model = cx_model_load (argv[1], &opt, &error);
  if (model == NULL)
    return cli_fail (error);
  root = cx_model_info (model);
  cli_print_json (root);
  return 0;
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  /* Numbers in JSON and files are always written the C way. */
  setlocale (LC_NUMERIC, "C");

  if (argc < 2)
    {
      usage (stderr);
      return 2;
    }
  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
      g_str_equal (argv[1], "help"))
    {
      usage (stdout);
      return 0;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      printf ("candor-cli %s\n", CANDOR_VERSION);
      return 0;
    }
  if (g_str_equal (argv[1], "info"))
    return cmd_info (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "predict"))
    return cli_cmd_predict (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "explain"))
    return cli_cmd_explain (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "report"))
    return cli_cmd_report (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "sanity"))
    return cli_cmd_sanity (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "fairness"))
    return cli_cmd_fairness (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "counterfactual"))
    return cli_cmd_counterfactual (argc - 1, argv + 1);
  fprintf (stderr, "candor-cli: unknown command '%s' (try --help)\n", argv[1]);
  return 2;
}
