/* test-screenshot.c: `candor --screenshot` under Xvfb: the PNG has the
 * fixed size, is not blank and carries its provenance; without a display
 * candor says so in one line and exits 1.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"

#include <math.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <string.h>
#include <glib/gstdio.h>
#include <cairo.h>
#include <png.h>

#include "session-file.h"
#include "testutil.h"
#include "gui-util.h"

#define SHOT_WIDTH  1280
#define SHOT_HEIGHT 800

static char *tmpdir;       /* fixtures and outputs of this run */
static char *fixture_model;
static char *fixture_images;
static char *unsupported_model;
static char *fixture_table;

/* ---- reading the PNG ---- */

typedef struct
{
  int width;
  int height;
  double luma_variance;
  GHashTable *text;       /* keyword → text */
} Shot;

static void
shot_clear (Shot *shot)
{
  g_clear_pointer (&shot->text, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Shot, shot_clear)

static void
read_shot (const char *path,
           Shot       *shot)
{
  FILE *fp = fopen (path, "rb");
  png_structp png;
  png_infop info;
  png_textp text = NULL;
  png_bytepp rows;
  int n_text = 0;
  double sum = 0, sum2 = 0;
  int channels;

  g_assert_nonnull (fp);
  png = png_create_read_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  info = png_create_info_struct (png);
  g_assert_nonnull (info);
  g_assert_cmpint (setjmp (png_jmpbuf (png)), ==, 0);
  png_init_io (png, fp);
  png_read_png (png, info, PNG_TRANSFORM_STRIP_16 | PNG_TRANSFORM_PACKING | PNG_TRANSFORM_EXPAND, NULL);

  shot->width = (int) png_get_image_width (png, info);
  shot->height = (int) png_get_image_height (png, info);
  channels = png_get_channels (png, info);
  g_assert_cmpint (channels, >=, 3);
  rows = png_get_rows (png, info);
  for (int y = 0; y < shot->height; y++)
    for (int x = 0; x < shot->width; x++)
      {
        const png_byte *p = rows[y] + x * channels;
        double l = 0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2];
        sum += l;
        sum2 += l * l;
      }
  sum /= (double) shot->width * shot->height;
  shot->luma_variance = sum2 / ((double) shot->width * shot->height) - sum * sum;

  shot->text = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  png_get_text (png, info, &text, &n_text);
  for (int i = 0; i < n_text; i++)
    g_hash_table_insert (shot->text, g_strdup (text[i].key), g_strdup (text[i].text));

  png_destroy_read_struct (&png, &info, NULL);
  fclose (fp);
}

static char *
sha256_of (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *sha = cx_file_sha256 (path, &error);
  g_assert_no_error (error);
  return sha;
}

/* Every export: the fixed size, something drawn, who made it and when. */
static void
assert_common (const Shot *shot,
               const char *view)
{
  g_assert_cmpint (shot->width, ==, SHOT_WIDTH);
  g_assert_cmpint (shot->height, ==, SHOT_HEIGHT);
  /* A blank or single-colour window has (almost) no variance. */
  g_assert_cmpfloat (shot->luma_variance, >, 50.0);
  g_assert_cmpstr (g_hash_table_lookup (shot->text, "Software"), ==, "Candor " CANDOR_VERSION);
  g_assert_cmpstr (g_hash_table_lookup (shot->text, "View"), ==, view);
  g_assert_nonnull (g_hash_table_lookup (shot->text, "Creation-Time"));
}

/* ---- fixtures ---- */

static void
write_model (const char *path,
             const char *op)
{
  g_autoptr(CxTestGraph) g = cx_test_graph_new (13);
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *bytes = NULL;
  int64_t shape[4] = { 1, 1, 28, 28 };
  gsize len;

  cx_test_graph_input (g, "image", CX_ELEM_FLOAT, 4, shape);
  cx_test_graph_node (g, op, "image", "activated");
  cx_test_graph_node (g, "Flatten", "activated", "logits");
  cx_test_graph_attr_int (g, "axis", 1);
  cx_test_graph_output (g, "logits");
  bytes = cx_test_graph_pack (g, &len);
  g_file_set_contents (path, (const char *) bytes, len, &error);
  g_assert_no_error (error);
}

/* 28 × 28 greyscale PNGs with a shape in each, like Fashion-MNIST. */
static void
write_images (const char *dir)
{
  g_autoptr(GString) labels = g_string_new ("file,label\n");
  g_autoptr(GError) error = NULL;

  g_mkdir_with_parents (dir, 0755);
  for (int i = 0; i < 12; i++)
    {
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 28, 28);
      cairo_t *cr = cairo_create (surface);
      g_autofree char *name = g_strdup_printf ("%04d.png", i);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      cairo_set_source_rgb (cr, 0, 0, 0);
      cairo_paint (cr);
      cairo_set_source_rgb (cr, 0.4 + 0.05 * i, 0.4 + 0.05 * i, 0.4 + 0.05 * i);
      cairo_rectangle (cr, 4 + i % 5, 6, 14 + i % 4, 16);
      cairo_fill (cr);
      cairo_destroy (cr);
      g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
      cairo_surface_destroy (surface);
      g_string_append_printf (labels, "%s,%s\n", name, i % 2 ? "Trouser" : "Sneaker");
    }
  {
    g_autofree char *path = g_build_filename (dir, "labels.csv", NULL);
    g_file_set_contents (path, labels->str, -1, &error);
    g_assert_no_error (error);
  }
}

static void
write_table (const char *dir)
{
  g_autoptr(GString) csv = g_string_new ("income,purpose,sex,age_group,approved\n");
  g_autoptr(GError) error = NULL;
  g_autofree char *csv_path = g_build_filename (dir, "loans.csv", NULL);
  g_autofree char *schema_path = g_build_filename (dir, "loans-schema.json", NULL);
  static const char *schema =
    "{\"features\": [{\"column\": \"income\", \"mean\": 50000, \"std\": 20000}],"
    " \"label\": {\"column\": \"approved\", \"positive\": \"yes\"},"
    " \"sensitive\": [\"sex\", \"age_group\"], \"locked\": [\"sex\"]}";

  for (int i = 0; i < 40; i++)
    g_string_append_printf (csv, "%d,%s,%s,%s,%s\n", 20000 + 1500 * i,
                            i % 3 ? "car" : "\"education, adult\"",
                            i % 2 ? "female" : "male", i % 4 ? "25-44" : "45+",
                            i % 5 ? "yes" : "no");
  g_file_set_contents (csv_path, csv->str, -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (schema_path, schema, -1, &error);
  g_assert_no_error (error);
  fixture_table = g_steal_pointer (&csv_path);
}

/* ---- tests ---- */

static int
compare_file_names (gconstpointer a,
                    gconstpointer b)
{
  g_autofree char *ka = g_utf8_collate_key_for_filename (*(const char * const *) a, -1);
  g_autofree char *kb = g_utf8_collate_key_for_filename (*(const char * const *) b, -1);
  return strcmp (ka, kb);
}

/* The image the app selects first: the first PNG in file-name order. */
static char *
first_png (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".png") || g_str_has_suffix (name, ".PNG"))
      g_ptr_array_add (names, g_strdup (name));
  g_assert_cmpuint (names->len, >, 0);
  g_ptr_array_sort (names, compare_file_names);
  return g_strdup (g_ptr_array_index (names, 0));
}

static void
check_images_shot (const char *model,
                   const char *images,
                   const char *view)
{
  g_auto(Run) run = { 0 };
  g_auto(Shot) shot = { 0 };
  g_autofree char *name = g_strdup_printf ("images-%s.png", view);
  g_autofree char *out = g_build_filename (tmpdir, name, NULL);
  g_autofree char *tmp = g_strconcat (out, ".tmp", NULL);
  g_autofree char *model_sha = sha256_of (model);
  g_autofree char *first_name = first_png (images);
  g_autofree char *first = g_build_filename (images, first_name, NULL);
  g_autofree char *first_sha = sha256_of (first);
  g_autofree char *model_base = g_path_get_basename (model);

  run_candor (&run, TRUE, "--screenshot", out, "--view", view, model, images, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_true (g_file_test (out, G_FILE_TEST_IS_REGULAR));
  g_assert_false (g_file_test (tmp, G_FILE_TEST_EXISTS));

  read_shot (out, &shot);
  assert_common (&shot, view);
  g_assert_cmpstr (g_hash_table_lookup (shot.text, "Model-SHA256"), ==, model_sha);
  g_assert_cmpstr (g_hash_table_lookup (shot.text, "Model-File"), ==, model_base);
  /* The first sample is selected when the images open. */
  g_assert_cmpstr (g_hash_table_lookup (shot.text, "Input-File"), ==, first_name);
  g_assert_cmpstr (g_hash_table_lookup (shot.text, "Input-SHA256"), ==, first_sha);
}

static void
test_images_explain (void)
{
  if (need_xvfb ())
    check_images_shot (fixture_model, fixture_images, "explain");
}

static void
test_images_split (void)
{
  if (need_xvfb ())
    check_images_shot (fixture_model, fixture_images, "split");
}

static void
test_table_fairness (void)
{
  g_auto(Run) run = { 0 };
  g_auto(Shot) shot = { 0 };
  g_autofree char *out = g_build_filename (tmpdir, "table-fairness.png", NULL);
  g_autofree char *data_sha = NULL;

  if (!need_xvfb ())
    return;
  data_sha = sha256_of (fixture_table);
  run_candor (&run, TRUE, "--screenshot", out, "--view", "fairness", fixture_model, fixture_table, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");
  read_shot (out, &shot);
  assert_common (&shot, "fairness");
  g_assert_cmpstr (g_hash_table_lookup (shot.text, "Data-File"), ==, "loans.csv");
  g_assert_cmpstr (g_hash_table_lookup (shot.text, "Data-SHA256"), ==, data_sha);
  g_assert_cmpstr (g_hash_table_lookup (shot.text, "Input-Row"), ==, "1");
}

/* A model the engine cannot run still opens, to show its card. */
static void
test_unsupported_model (void)
{
  g_auto(Run) run = { 0 };
  g_auto(Shot) shot = { 0 };
  g_autofree char *out = g_build_filename (tmpdir, "unsupported.png", NULL);
  g_autofree char *sha = NULL;

  if (!need_xvfb ())
    return;
  sha = sha256_of (unsupported_model);
  run_candor (&run, TRUE, "--screenshot", out, unsupported_model, fixture_images, NULL);
  g_assert_cmpint (run.status, ==, 0);
  read_shot (out, &shot);
  assert_common (&shot, "explain");
  g_assert_cmpstr (g_hash_table_lookup (shot.text, "Model-SHA256"), ==, sha);
}

static void
test_demo (void)
{
  g_autofree char *model = g_build_filename (CANDOR_DEMO_DIR, "fashion-cnn.onnx", NULL);
  g_autofree char *images = g_build_filename (CANDOR_DEMO_DIR, "fashion-samples", NULL);

  if (!need_xvfb ())
    return;
  if (!g_file_test (model, G_FILE_TEST_IS_REGULAR) || !g_file_test (images, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("the demo (resources/demo/fashion-cnn.onnx, fashion-samples/) is not there yet");
      return;
    }
  check_images_shot (model, images, "explain");
}

static void
test_demo_table (void)
{
  g_auto(Run) run = { 0 };
  g_auto(Shot) shot = { 0 };
  g_autofree char *model = g_build_filename (CANDOR_DEMO_DIR, "hmda-mlp.onnx", NULL);
  g_autofree char *table = g_build_filename (CANDOR_DEMO_DIR, "hmda.csv", NULL);
  g_autofree char *out = g_build_filename (tmpdir, "demo-hmda-split.png", NULL);
  g_autofree char *model_sha = NULL;
  g_autofree char *table_sha = NULL;

  if (!need_xvfb ())
    return;
  if (!g_file_test (model, G_FILE_TEST_IS_REGULAR) || !g_file_test (table, G_FILE_TEST_IS_REGULAR))
    {
      g_test_skip ("the demo (resources/demo/hmda-mlp.onnx, hmda.csv) is not there yet");
      return;
    }
  model_sha = sha256_of (model);
  table_sha = sha256_of (table);
  /* The table is found next to the model by its name. */
  run_candor (&run, TRUE, "--screenshot", out, "--view", "split", model, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");
  read_shot (out, &shot);
  assert_common (&shot, "split");
  g_assert_cmpstr (g_hash_table_lookup (shot.text, "Model-SHA256"), ==, model_sha);
  g_assert_cmpstr (g_hash_table_lookup (shot.text, "Data-SHA256"), ==, table_sha);
}

static void
test_bad_model (void)
{
  g_auto(Run) run = { 0 };
  g_autofree char *model = g_build_filename (tmpdir, "garbage.onnx", NULL);
  g_autofree char *out = g_build_filename (tmpdir, "never.png", NULL);
  g_autoptr(GError) error = NULL;

  if (!need_xvfb ())
    return;
  g_file_set_contents (model, "\xff\xfe not a model", -1, &error);
  g_assert_no_error (error);
  run_candor (&run, TRUE, "--screenshot", out, model, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_true (g_str_has_prefix (run.err, "candor: garbage.onnx: "));
  /* exactly one line */
  g_assert_nonnull (strchr (run.err, '\n'));
  g_assert_cmpstr (strchr (run.err, '\n') + 1, ==, "");
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

static void
test_unknown_view (void)
{
  g_auto(Run) run = { 0 };

  run_candor (&run, FALSE, "--screenshot", "x.png", "--view", "pie-chart", NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_true (g_str_has_prefix (run.err, "candor: unknown view “pie-chart”"));
}

static void
test_no_display (void)
{
  g_auto(Run) run = { 0 };
  g_autofree char *out = g_build_filename (tmpdir, "headless.png", NULL);

  run_candor (&run, FALSE, "--screenshot", out, fixture_model, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_cmpstr (run.err, ==,
                   "candor: no display found; run it inside a desktop session "
                   "or under xvfb-run (apt-get install xvfb)\n");
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

static void
test_version (void)
{
  g_auto(Run) run = { 0 };

  run_candor (&run, FALSE, "--version", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "candor " CANDOR_VERSION "\n");
}


/* ---- explanations, findings, sessions, reports ---- */

/* Pixels in the region under the Attributions heading that are clearly
 * red (for the class) and clearly blue (against it). */
static void
count_map_colours (const char *path,
                   int        *red,
                   int        *blue,
                   guint      *distinct)
{
  cairo_surface_t *surface = cairo_image_surface_create_from_png (path);
  g_autoptr(GHashTable) colours = g_hash_table_new (g_direct_hash, g_direct_equal);
  const guint8 *data;
  int stride;

  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  *red = *blue = 0;
  /* The Explain page fills the right half; the maps sit in its lower part. */
  for (int y = SHOT_HEIGHT / 2; y < SHOT_HEIGHT; y++)
    for (int x = SHOT_WIDTH / 2; x < SHOT_WIDTH; x++)
      {
        guint32 px = *(const guint32 *) (data + y * stride + x * 4);
        int r = (px >> 16) & 0xff, g = (px >> 8) & 0xff, b = px & 0xff;

        g_hash_table_add (colours, GUINT_TO_POINTER (px & 0xffffff));
        if (r > b + 60 && r > g + 30)
          (*red)++;
        else if (b > r + 60)
          (*blue)++;
      }
  *distinct = g_hash_table_size (colours);
  cairo_surface_destroy (surface);
}

static gboolean
need_demo (const char *model,
           const char *images)
{
  if (!need_xvfb ())
    return FALSE;
  if (!g_file_test (model, G_FILE_TEST_IS_REGULAR) || !g_file_test (images, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("the demo (resources/demo/fashion-cnn.onnx, fashion-samples/) is not there yet");
      return FALSE;
    }
  return TRUE;
}

static void
test_demo_maps (void)
{
  g_auto(Run) run = { 0 };
  g_autofree char *model = g_build_filename (CANDOR_DEMO_DIR, "fashion-cnn.onnx", NULL);
  g_autofree char *images = g_build_filename (CANDOR_DEMO_DIR, "fashion-samples", NULL);
  g_autofree char *out = g_build_filename (tmpdir, "demo-maps.png", NULL);
  int red, blue;
  guint distinct;

  if (!need_demo (model, images))
    return;
  run_candor (&run, TRUE, "--screenshot", out, "--view", "explain", model, images, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");
  count_map_colours (out, &red, &blue, &distinct);
  g_test_message ("attribution area: %d red, %d blue pixels, %u colours", red, blue, distinct);
  /* A placeholder is grey on grey; maps on a diverging scale are neither
   * uniform nor one-sided. */
  g_assert_cmpuint (distinct, >, 200);
  g_assert_cmpint (red, >, 500);
  g_assert_cmpint (blue, >, 100);
}

static CxSession *
load_session (const char *path)
{
  g_autoptr(GError) error = NULL;
  CxSession *s = cx_session_load (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (s);
  return s;
}

static void
test_session_round_trip (void)
{
  g_auto(Run) first = { 0 };
  g_auto(Run) second = { 0 };
  g_autofree char *shot1 = g_build_filename (tmpdir, "session-1.png", NULL);
  g_autofree char *shot2 = g_build_filename (tmpdir, "session-2.png", NULL);
  g_autofree char *saved = g_build_filename (tmpdir, "review.candor", NULL);
  g_autofree char *resaved = g_build_filename (tmpdir, "review-again.candor", NULL);
  g_autofree char *model_sha = sha256_of (fixture_model);
  g_autofree char *first_name = first_png (fixture_images);
  g_autoptr(CxSession) s1 = NULL;
  g_autoptr(CxSession) s2 = NULL;
  const CxFinding *f;

  if (!need_xvfb ())
    return;
  run_candor (&first, TRUE, "--screenshot", shot1, "--add-finding", "The map lights up the background",
              "--save-session", saved, fixture_model, fixture_images, NULL);
  g_assert_cmpint (first.status, ==, 0);
  g_assert_cmpstr (first.err, ==, "");
  s1 = load_session (saved);
  g_assert_cmpstr (s1->model_sha256, ==, model_sha);
  g_assert_cmpuint (s1->selected->len, ==, 1);
  g_assert_cmpstr (s1->selected->pdata[0], ==, first_name);
  g_assert_cmpuint (s1->findings->len, ==, 1);
  f = s1->findings->pdata[0];
  g_assert_cmpstr (f->note, ==, "The map lights up the background");
  g_assert_cmpstr (f->sample, ==, first_name);

  /* Reopened with --session and saved again: the same files, selection and finding. */
  run_candor (&second, TRUE, "--screenshot", shot2, "--session", saved, "--save-session", resaved, NULL);
  g_assert_cmpint (second.status, ==, 0);
  g_assert_cmpstr (second.err, ==, "");
  s2 = load_session (resaved);
  g_assert_cmpstr (s2->model_sha256, ==, model_sha);
  g_assert_cmpstr (s2->selected->pdata[0], ==, first_name);
  g_assert_cmpuint (s2->findings->len, ==, 1);
  f = s2->findings->pdata[0];
  g_assert_cmpstr (f->note, ==, "The map lights up the background");
  g_assert_cmpstr (f->created, ==, ((CxFinding *) s1->findings->pdata[0])->created);
}

static void
test_report_pdf (void)
{
  g_auto(Run) run = { 0 };
  g_autofree char *model = g_build_filename (CANDOR_DEMO_DIR, "fashion-cnn.onnx", NULL);
  g_autofree char *images = g_build_filename (CANDOR_DEMO_DIR, "fashion-samples", NULL);
  g_autofree char *shot = g_build_filename (tmpdir, "report.png", NULL);
  g_autofree char *pdf = g_build_filename (tmpdir, "report.pdf", NULL);
  g_autofree char *pdfinfo = g_find_program_in_path ("pdfinfo");
  g_autofree char *info = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { pdfinfo, pdf, NULL };
  const char *pages;
  int status = 0;

  if (!need_demo (model, images))
    return;
  if (pdfinfo == NULL)
    {
      g_test_skip ("pdfinfo is not installed (apt-get install poppler-utils)");
      return;
    }
  run_candor (&run, TRUE, "--screenshot", shot, "--add-finding", "Check the sole",
              "--export-report", pdf, model, images, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_true (g_file_test (pdf, G_FILE_TEST_IS_REGULAR));

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &info, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  pages = strstr (info, "Pages:");
  g_assert_nonnull (pages);
  g_test_message ("%s", info);
  g_assert_cmpint (atoi (pages + strlen ("Pages:")), >=, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  tmpdir = g_dir_make_tmp ("candor-gui-XXXXXX", &error);
  gui_set_home (tmpdir);
  g_assert_no_error (error);
  fixture_model = g_build_filename (tmpdir, "shapes-net.onnx", NULL);
  write_model (fixture_model, "Relu");
  unsupported_model = g_build_filename (tmpdir, "exotic.onnx", NULL);
  write_model (unsupported_model, "NotARealOperator");
  fixture_images = g_build_filename (tmpdir, "shapes", NULL);
  write_images (fixture_images);
  write_table (tmpdir);

  g_test_add_func ("/screenshot/version/prints-the-version", test_version);
  g_test_add_func ("/screenshot/no-display/says-how-to-run-it", test_no_display);
  g_test_add_func ("/screenshot/view/unknown-is-refused", test_unknown_view);
  g_test_add_func ("/screenshot/images/explain-carries-provenance", test_images_explain);
  g_test_add_func ("/screenshot/images/split-carries-provenance", test_images_split);
  g_test_add_func ("/screenshot/table/fairness-carries-data-hash", test_table_fairness);
  g_test_add_func ("/screenshot/model/unsupported-still-opens", test_unsupported_model);
  g_test_add_func ("/screenshot/model/garbage-fails-in-one-line", test_bad_model);
  g_test_add_func ("/screenshot/demo/fashion-explain", test_demo);
  g_test_add_func ("/screenshot/demo/hmda-split-finds-its-table", test_demo_table);
  g_test_add_func ("/screenshot/demo/explain-draws-the-maps", test_demo_maps);
  g_test_add_func ("/screenshot/session/finding-survives-save-and-reopen", test_session_round_trip);
  g_test_add_func ("/screenshot/report/pdf-has-pages", test_report_pdf);

  status = g_test_run ();

  if (g_getenv ("CANDOR_KEEP_SHOTS") == NULL)
    cx_test_remove_tree (tmpdir);
  else
    g_printerr ("screenshots kept in %s\n", tmpdir);
  return status;
}
