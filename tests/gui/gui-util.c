/* gui-util.c: running the candor program in tests.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "gui-util.h"

#include <stdarg.h>
#include <sys/wait.h>
#include <glib/gstdio.h>
#include <string.h>
#include <cairo.h>

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

char *
gui_demo_path (const char *name)
{
  const char *src = g_getenv ("CANDOR_SOURCE_DIR");
  g_assert_nonnull (src);
  return g_build_filename (src, "resources", "demo", name, NULL);
}

JsonObject *
gui_parse_json (const char *text, gssize len)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, len, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

JsonObject *
gui_load_json (const char *path)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;

  g_file_get_contents (path, &text, &len, &error);
  g_assert_no_error (error);
  return gui_parse_json (text, (gssize) len);
}

JsonObject *
gui_member (JsonObject *o, const char *name)
{
  g_assert_true (json_object_has_member (o, name));
  return json_object_get_object_member (o, name);
}

void
gui_assert_not_blank (const char *path)
{
  cairo_surface_t *surface = cairo_image_surface_create_from_png (path);
  const guint8 *data;
  int stride, width, height;
  gboolean varied = FALSE;

  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  width = cairo_image_surface_get_width (surface);
  height = cairo_image_surface_get_height (surface);
  for (int y = 0; y < height && !varied; y++)
    for (int x = 0; x < width && !varied; x++)
      varied = memcmp (data + y * stride + 4 * x, data, 4) != 0;
  cairo_surface_destroy (surface);
  g_assert_true (varied);
}

JsonObject *
gui_drive (const char *dir, const char *view, const char *const *files, const char *const *actions)
{
  g_auto(Run) run = { 0 };
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *shot = g_build_filename (dir, "shot.png", NULL);
  g_autofree char *state = g_build_filename (dir, "state.json", NULL);

  g_ptr_array_add (args, g_strdup ("--screenshot"));
  g_ptr_array_add (args, g_strdup (shot));
  g_ptr_array_add (args, g_strdup ("--state"));
  g_ptr_array_add (args, g_strdup (state));
  if (view != NULL)
    {
      g_ptr_array_add (args, g_strdup ("--view"));
      g_ptr_array_add (args, g_strdup (view));
    }
  for (guint i = 0; actions != NULL && actions[i] != NULL; i++)
    {
      g_ptr_array_add (args, g_strdup ("--action"));
      g_ptr_array_add (args, g_strdup (actions[i]));
    }
  for (guint i = 0; files != NULL && files[i] != NULL; i++)
    g_ptr_array_add (args, g_strdup (files[i]));
  g_ptr_array_add (args, NULL);
  g_remove (state);
  run_candor_argv (&run, TRUE, (const char *const *) args->pdata);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);
  gui_assert_not_blank (shot);
  return gui_load_json (state);
}
