/* gui-util.c: running the candor program in tests.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "gui-util.h"

#include <stdarg.h>
#include <sys/wait.h>
#include <glib/gstdio.h>

static char *home_root;

void
gui_set_home (const char *dir)
{
  g_free (home_root);
  home_root = g_strdup (dir);
}

void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

static const char *
candor_exe (void)
{
  const char *exe = g_getenv ("CANDOR_EXE");
  g_assert_nonnull (exe);
  return exe;
}

/* An environment that keeps the user's settings and history out of it. */
static char **
test_environ (gboolean with_display)
{
  char **env = g_get_environ ();
  g_autofree char *home = g_build_filename (home_root, "home", NULL);

  g_mkdir_with_parents (home, 0700);
  env = g_environ_setenv (env, "HOME", home, TRUE);
  env = g_environ_setenv (env, "XDG_DATA_HOME", home, TRUE);
  env = g_environ_setenv (env, "XDG_CONFIG_HOME", home, TRUE);
  env = g_environ_setenv (env, "XDG_CACHE_HOME", home, TRUE);
  env = g_environ_setenv (env, "GSETTINGS_BACKEND", "memory", TRUE);
  env = g_environ_setenv (env, "LANGUAGE", "C", TRUE);
  env = g_environ_setenv (env, "LC_ALL", "C.UTF-8", TRUE);
  /* A critical in the app fails the test instead of scrolling by. */
  env = g_environ_setenv (env, "G_DEBUG", "fatal-criticals", TRUE);
  if (!with_display)
    {
      env = g_environ_unsetenv (env, "DISPLAY");
      env = g_environ_unsetenv (env, "WAYLAND_DISPLAY");
    }
  return env;
}

void
run_candor_argv (Run               *run,
                 gboolean           xvfb,
                 const char *const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) env = test_environ (xvfb);
  g_autoptr(GError) error = NULL;
  g_autofree char *xvfb_run = NULL;
  int wait_status = 0;

  if (xvfb)
    {
      xvfb_run = g_find_program_in_path ("xvfb-run");
      g_assert_nonnull (xvfb_run);
      g_ptr_array_add (argv, xvfb_run);
      g_ptr_array_add (argv, (char *) "-a");
    }
  g_ptr_array_add (argv, (char *) candor_exe ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, env, G_SPAWN_DEFAULT, NULL, NULL,
                &run->out, &run->err, &wait_status, &error);
  g_assert_no_error (error);
  if (WIFEXITED (wait_status))
    run->status = WEXITSTATUS (wait_status);
  else
    run->status = -1;
  if (run->status != 0 || *run->err != '\0')
    g_test_message ("candor exited %d; stderr:\n%s", run->status, run->err);
}

gboolean
need_xvfb (void)
{
  g_autofree char *xvfb_run = g_find_program_in_path ("xvfb-run");

  if (xvfb_run == NULL)
    {
      g_test_skip ("xvfb-run is not installed (apt-get install xvfb xauth)");
      return FALSE;
    }
  return TRUE;
}

void
run_candor (Run        *run,
            gboolean    xvfb,
            const char *first_arg,
            ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  run_candor_argv (run, xvfb, (const char *const *) args->pdata);
}
