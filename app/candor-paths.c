/* candor-paths.c: where the app finds its files.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"
#include "candor-build-config.h"

#include <stdlib.h>

#include "candor-paths.h"

gboolean
candor_paths_in_build_tree (void)
{
  static gsize done;
  static gboolean in_build_tree;

  if (g_once_init_enter (&done))
    {
      g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
      g_autofree char *root = realpath (CANDOR_BUILD_ROOT, NULL);

      if (exe != NULL && root != NULL)
        {
          g_autofree char *prefix = g_strconcat (root, G_DIR_SEPARATOR_S, NULL);
          in_build_tree = g_str_has_prefix (exe, prefix);
        }
      g_once_init_leave (&done, 1);
    }
  return in_build_tree;
}

const char *
candor_paths_locale_dir (void)
{
  return candor_paths_in_build_tree () ? CANDOR_BUILD_LOCALEDIR : CANDOR_LOCALEDIR;
}

const char *
candor_paths_demo_dir (void)
{
  if (candor_paths_in_build_tree () || !g_file_test (CANDOR_INSTALLED_DEMO_DIR, G_FILE_TEST_IS_DIR))
    return CANDOR_DEMO_DIR;
  return CANDOR_INSTALLED_DEMO_DIR;
}

void
candor_paths_init (void)
{
  if (candor_paths_in_build_tree ())
    g_setenv ("GSETTINGS_SCHEMA_DIR", CANDOR_BUILD_SCHEMADIR, FALSE);
}
