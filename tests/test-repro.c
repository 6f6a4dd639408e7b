/* test-repro.c: an exported explanation can be recomputed from what it
 * records. The PNG `candor-cli explain --png` writes carries the command
 * line and its folder; running that command again, with a different
 * number of threads, must give bit-identical attributions and pixels
 * (see test-archs for why the thread count cannot change a bit).
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "testutil.h"

#include <string.h>
#include <glib/gstdio.h>

#include "image.h"

static char *
read_all (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize len;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  return data;
}

static gsize
file_size (const char *path)
{
  GStatBuf st;
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_size;
}

/* Runs @method with seeded randomness on one demo image with 1 thread,
 * then re-runs the command recorded in the PNG with 2, in the recorded
 * folder, and compares the NPY files byte for byte and the PNG pixels. */
static void
check_method (gconstpointer data)
{
  const char *const *method_args = data;
  g_autofree char *model = cx_test_source_path ("resources", "demo", "fashion-cnn.onnx", NULL);
  g_autofree char *input = cx_test_source_path ("resources", "demo", "fashion-samples", "coat-1.png", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("candor-repro-XXXXXX", &error);
  g_autofree char *npy = g_build_filename (dir, "attribution.npy", NULL);
  g_autofree char *png = g_build_filename (dir, "overlay.png", NULL);
  g_autofree char *first_npy = g_build_filename (dir, "first.npy", NULL);
  g_autofree char *first_png = g_build_filename (dir, "first.png", NULL);
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GHashTable) text = NULL;
  g_auto(GStrv) argv = NULL;
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *a = NULL, *b = NULL;
  g_autoptr(CxTensor) pa = NULL, pb = NULL;
  const char *command, *folder;
  int status = 0;

  g_assert_no_error (error);
  g_setenv ("CANDOR_THREADS", "1", TRUE);
  {
    g_auto(CxCliResult) r = { 0 };
    const char *base[] = { "explain", "--model", model, "--input", input, "--out", npy, "--png", png };
    for (guint i = 0; i < G_N_ELEMENTS (base); i++)
      g_ptr_array_add (args, (gpointer) base[i]);
    for (guint i = 0; method_args[i] != NULL; i++)
      g_ptr_array_add (args, (gpointer) method_args[i]);
    g_ptr_array_add (args, NULL);
    cx_test_run_cli_argv (&r, (const char *const *) args->pdata);
    g_assert_cmpstr (r.err, ==, "");
    g_assert_cmpint (r.status, ==, 0);
  }
  g_assert_cmpint (g_rename (npy, first_npy), ==, 0);
  g_assert_cmpint (g_rename (png, first_png), ==, 0);

  text = cx_image_png_text (first_png, &error);
  g_assert_no_error (error);
  command = g_hash_table_lookup (text, "Command");
  folder = g_hash_table_lookup (text, "Directory");
  g_assert_nonnull (command);
  g_assert_nonnull (folder);
  g_assert_true (g_str_has_prefix (command, "candor-cli explain "));
  g_assert_nonnull (strstr (command, method_args[1]));

  g_shell_parse_argv (command, NULL, &argv, &error);
  g_assert_no_error (error);
  g_free (argv[0]);
  argv[0] = g_strdup (g_getenv ("CANDOR_CLI"));
  g_setenv ("CANDOR_THREADS", "2", TRUE);
  g_spawn_sync (folder, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (err, ==, "");
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  /* The attributions: the same bytes. */
  g_assert_cmpuint (file_size (npy), ==, file_size (first_npy));
  a = read_all (first_npy);
  b = read_all (npy);
  g_assert_cmpint (memcmp (a, b, file_size (npy)), ==, 0);
  /* The picture: the same pixels (the creation time differs). */
  pa = cx_image_load_png (first_png, 3, 0, 0, &error);
  g_assert_no_error (error);
  pb = cx_image_load_png (png, 3, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pa->numel, ==, pb->numel);
  g_assert_cmpint (memcmp (pa->data.f, pb->data.f, pa->numel * sizeof (float)), ==, 0);

  g_unlink (npy);
  g_unlink (png);
  g_unlink (first_npy);
  g_unlink (first_png);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  static const char *const ig[] = { "--method", "ig", "--steps", "16", "--baseline", "uniform",
                                    "--seed", "7", NULL };
  static const char *const smoothgrad[] = { "--method", "smoothgrad", "--samples", "12", "--seed",
                                            "3", NULL };
  static const char *const occlusion[] = { "--method", "occlusion", "--window", "4", "--stride",
                                           "2", NULL };

  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/repro/ig-uniform-baseline", ig, check_method);
  g_test_add_data_func ("/repro/smoothgrad", smoothgrad, check_method);
  g_test_add_data_func ("/repro/occlusion", occlusion, check_method);
  return g_test_run ();
}
