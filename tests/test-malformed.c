/* test-malformed.c: every crafted hostile file in tests/malformed gives its
 * own one-line error and exit status 1, with nothing on stdout.
 *
 * The cases and their expected messages are listed in
 * tests/malformed/cases.txt (made by build-aux/make-malformed.py).
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "testutil.h"

#include <string.h>
#include <sys/wait.h>

typedef struct
{
  char *file;
  char *command;
  char *expected;
} Case;

static char *root;

static void
case_free (gpointer data)
{
  Case *c = data;
  g_free (c->file);
  g_free (c->command);
  g_free (c->expected);
  g_free (c);
}

static char *
substitute (const char *text, const char *file)
{
  g_autofree char *path = g_build_filename (root, file, NULL);
  g_auto(GStrv) a = g_strsplit (text, "FILE", -1);
  g_autofree char *step = g_strjoinv (path, a);
  g_auto(GStrv) b = g_strsplit (step, "ROOT", -1);
  return g_strjoinv (root, b);
}

static void
test_case (gconstpointer data)
{
  const Case *c = data;
  g_autofree char *command = substitute (c->command, c->file);
  g_autofree char *expected = NULL;
  g_autofree char *expanded = substitute (c->expected, c->file);
  g_auto(GStrv) args = g_strsplit (command, " ", -1);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_ptr_array_add (argv, (gpointer) g_getenv ("CANDOR_CLI"));
  for (int i = 0; args[i]; i++)
    g_ptr_array_add (argv, args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  expected = g_strdup_printf ("candor-cli: %s\n", expanded);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpstr (err, ==, expected);
  g_assert_cmpint (WEXITSTATUS (status), ==, 1);
  g_assert_cmpstr (out, ==, "");
}

int
main (int argc, char *argv[])
{
  g_autofree char *list = NULL;
  g_autofree char *path = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func (case_free);
  g_autoptr(GError) error = NULL;

  g_test_init (&argc, &argv, NULL);
  g_test_set_nonfatal_assertions ();
  root = cx_test_source_path ("tests", "malformed", NULL);
  path = g_build_filename (root, "cases.txt", NULL);
  g_assert_true (g_file_get_contents (path, &list, NULL, &error));
  lines = g_strsplit (list, "\n", -1);
  for (int i = 0; lines[i]; i++)
    {
      g_auto(GStrv) f = NULL;
      Case *c;
      g_autofree char *name = NULL;
      if (lines[i][0] == '#' || lines[i][0] == '\0')
        continue;
      f = g_strsplit (lines[i], "\t", 3);
      g_assert_cmpint (g_strv_length (f), ==, 3);
      c = g_new0 (Case, 1);
      c->file = g_strdup (f[0]);
      c->command = g_strdup (f[1]);
      c->expected = g_strdup (f[2]);
      name = g_strdup_printf ("/malformed/%s", c->file);
      g_test_add_data_func (name, c, test_case);
      g_ptr_array_add (cases, c);
    }
  g_assert_cmpuint (cases->len, >=, 100);
  {
    int status = g_test_run ();
    g_free (root);
    return status;
  }
}
