/* regress-main.c: replays every input a fuzz target once found a fault
 * with (tests/fuzz/regressions/TARGET/) through that target, as a test.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
replay (gconstpointer path)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  g_assert_cmpint (LLVMFuzzerTestOneInput ((const uint8_t *) data, len), ==, 0);
}

int
main (int argc, char *argv[])
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_test_init (&argc, &argv, NULL);
  dir = g_dir_open (REGRESSION_DIR, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      char *path;
      g_autofree char *test = NULL;
      if (name[0] == '.')
        continue;
      path = g_build_filename (REGRESSION_DIR, name, NULL);
      test = g_strdup_printf ("/fuzz-regression/%s/%s", REGRESSION_TARGET, name);
      g_ptr_array_add (paths, path);
      g_test_add_data_func (test, path, replay);
    }
  return g_test_run ();
}
