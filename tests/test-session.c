/* test-session.c: .candor session files: round trip, hostile files, and
 * no loss when the writer is killed mid-save.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "testutil.h"
#include "session-file.h"
#include "json-output.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char *tmpdir;
static const char *self;

static CxSession *
sample_session (int findings)
{
  CxSession *s = cx_session_new ();
  s->model_path = g_strdup ("model.onnx");
  s->model_sha256 = g_strnfill (64, 'a');
  s->data_path = g_strdup ("samples");
  g_ptr_array_add (s->selected, g_strdup ("sneaker-1.png"));
  g_ptr_array_add (s->sensitive, g_strdup ("afam"));
  s->ig_steps = 64;
  s->seed = 7;
  g_free (s->ig_baseline);
  s->ig_baseline = g_strdup ("blur");
  g_free (s->table_method);
  s->table_method = g_strdup ("shap");
  g_free (s->table_baseline);
  s->table_baseline = g_strdup ("zeros");
  s->threshold = 0.35;
  for (int i = 0; i < findings; i++)
    {
      g_autofree char *note = g_strdup_printf ("finding %d: the map lights up the background — «ü»", i);
      cx_session_add_finding (s, "sneaker-1.png", note);
    }
  return s;
}

static void
test_round_trip (void)
{
  g_autoptr(CxSession) s = sample_session (3);
  g_autoptr(CxSession) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (tmpdir, "round.candor", NULL);

  g_assert_true (cx_session_save (s, path, &error));
  g_assert_no_error (error);
  back = cx_session_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->model_path, ==, "model.onnx");
  g_assert_cmpstr (back->model_sha256, ==, s->model_sha256);
  g_assert_cmpint (back->ig_steps, ==, 64);
  g_assert_cmpuint (back->seed, ==, 7);
  g_assert_cmpfloat (back->threshold, ==, 0.35);
  g_assert_cmpuint (back->findings->len, ==, 3);
  g_assert_cmpstr (((CxFinding *) back->findings->pdata[2])->note, ==,
                   "finding 2: the map lights up the background — «ü»");
  g_assert_cmpstr (back->selected->pdata[0], ==, "sneaker-1.png");
  g_assert_cmpstr (back->sensitive->pdata[0], ==, "afam");
  g_assert_cmpstr (back->ig_baseline, ==, "blur");
  g_assert_cmpstr (back->table_method, ==, "shap");
  g_assert_cmpstr (back->table_baseline, ==, "zeros");
}

/* A session saved before table rows had a method and a baseline opens
 * with the defaults (integrated gradients from the table's mean). */
static void
test_old_file_defaults (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "old.candor", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CxSession) s = NULL;

  g_assert_true (g_file_set_contents (path,
    "{\"candor_session\": 1, \"model\": {\"path\": \"m.onnx\"},"
    " \"methods\": {\"ig_steps\": 32, \"ig_rule\": \"riemann_left\", \"ig_baseline\": \"uniform\"}}", -1, NULL));
  s = cx_session_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (s->ig_steps, ==, 32);
  g_assert_cmpstr (s->ig_baseline, ==, "uniform");
  g_assert_cmpstr (s->table_method, ==, "ig");
  g_assert_cmpstr (s->table_baseline, ==, "mean");
}

static void
expect_error (const char *name, const char *content, const char *message)
{
  g_autofree char *path = g_build_filename (tmpdir, name, NULL);
  g_autofree char *want = g_strdup_printf ("%s: %s", path, message);
  g_autoptr(GError) error = NULL;
  g_autoptr(CxSession) s = NULL;

  g_assert_true (g_file_set_contents (path, content, -1, NULL));
  s = cx_session_load (path, &error);
  g_assert_null (s);
  g_assert_nonnull (error);
  g_assert_cmpstr (error->message, ==, want);
}

static void
test_hostile (void)
{
  expect_error ("not-json.candor", "{ nope", "not a session file: line 1, column 1: unexpected character `{', expected string constant");
  expect_error ("array.candor", "[1, 2]", "not a session file: the file holds an array, not a JSON object");
  expect_error ("no-version.candor", "{\"model\": {\"path\": \"m.onnx\"}}",
                "member 'candor_session' is missing: this is not a Candor session");
  expect_error ("future.candor", "{\"candor_session\": 9, \"model\": {\"path\": \"m.onnx\"}}",
                "member 'candor_session' is version 9, newer than this Candor reads (1)");
  expect_error ("no-model.candor", "{\"candor_session\": 1}", "member 'model' is missing");
  expect_error ("model-number.candor", "{\"candor_session\": 1, \"model\": 3}", "member 'model' must be an object");
  expect_error ("bad-sha.candor", "{\"candor_session\": 1, \"model\": {\"path\": \"m\", \"sha256\": \"xyz\"}}",
                "member 'sha256' of 'model' must be 64 lowercase hex digits");
  expect_error ("steps.candor", "{\"candor_session\": 1, \"model\": {\"path\": \"m\"}, \"methods\": {\"ig_steps\": -4}}",
                "member 'ig_steps' of 'methods' is -4, out of range (2 to 100000)");
  expect_error ("note.candor", "{\"candor_session\": 1, \"model\": {\"path\": \"m\"}, \"findings\": [{\"note\": \"a\"}, {}]}",
                "member 'note' of finding 2 is missing");
  expect_error ("findings.candor", "{\"candor_session\": 1, \"model\": {\"path\": \"m\"}, \"findings\": [3]}",
                "member 'findings' must hold objects");
  expect_error ("selected.candor", "{\"candor_session\": 1, \"model\": {\"path\": \"m\"}, \"selected\": [{}]}",
                "member 'selected' must hold strings only");
  {
    g_autofree char *deep = g_strnfill (100000, '{');
    expect_error ("deep.candor", deep, "line 1: arrays and objects nested more than 64 deep");
  }
  expect_error ("surrogate.candor", "{\"candor_session\": 1,\n \"model\": {\"path\": \"\\udc00\"}}",
                "line 2: a string holds \\uDC00, half of a UTF-16 surrogate pair");
  expect_error ("nul.candor", "{\"candor_session\": 1, \"model\": {\"path\": \"m\\u0000.x\"}}",
                "line 1: a string holds \\u0000 (a NUL character)");
  expect_error ("short-u.candor", "{\"candor_session\": 1, \"model\": {\"path\": \"\\udc\"2c[nnx\"}}",
                "line 1: a string holds a \\u escape without four hex digits");
  expect_error ("escape-q.candor", "{\"candor_session\": 1, \"model\": {\"path\": \"C:\\q.onnx\"}}",
                "line 1: a string holds the escape \\q, which JSON does not have");
  expect_error ("latin1.candor", "{\"candor_session\": 1, \"note\": \"\xe9\"}", "not valid UTF-8");
}

/* The writer child: saves two versions in turn as fast as it can. */
static int
writer (const char *path)
{
  g_autoptr(CxSession) small = sample_session (10);
  g_autoptr(CxSession) large = sample_session (20000);
  for (guint i = 0;; i++)
    if (!cx_session_save (i % 2 ? large : small, path, NULL))
      return 1;
  return 0;
}

static void
test_kill_during_save (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "killed.candor", NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (99);
  g_autoptr(CxSession) first = sample_session (10);

  g_assert_true (cx_session_save (first, path, NULL));
  for (int round = 0; round < 20; round++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CxSession) s = NULL;
      char *argv[] = { (char *) self, "--writer", path, NULL };
      GPid pid;
      int status;

      g_assert_true (g_spawn_async (NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, &error));
      g_usleep (g_rand_int_range (rand, 5000, 120000));
      kill (pid, SIGKILL);
      waitpid (pid, &status, 0);
      g_spawn_close_pid (pid);
      /* Whatever instant it died at, the file is one whole session. */
      s = cx_session_load (path, &error);
      g_assert_no_error (error);
      g_assert_true (s->findings->len == 10 || s->findings->len == 20000);
    }
  /* No temporary files are left to be mistaken for sessions. */
  {
    g_autoptr(GDir) d = g_dir_open (tmpdir, 0, NULL);
    const char *e;
    while ((e = g_dir_read_name (d)) != NULL)
      if (g_str_has_prefix (e, "killed.candor."))
        {
          g_autofree char *p = g_build_filename (tmpdir, e, NULL);
          g_unlink (p);  /* GLib's temporary; harmless, but tidy up */
        }
  }
}

/* JSON-GLib prints 1e-300 as "1e-300.0"; what Candor writes must be JSON
 * that reads back to the same numbers, and strings must stay untouched. */
static void
test_json_exponents (void)
{
  static const double values[] = { 1e-300, -2.5e+20, 0.5, 3.0, 1e300, 4e-7 };
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *text = NULL;
  JsonArray *numbers;
  gsize len;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "numbers");
  json_builder_begin_array (b);
  for (gsize i = 0; i < G_N_ELEMENTS (values); i++)
    json_builder_add_double_value (b, values[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "text");
  json_builder_add_string_value (b, "1e5.0 \"2e3.0\"");
  json_builder_end_object (b);
  root = json_builder_get_root (b);

  text = cx_json_to_text (root, &len);
  g_assert_cmpuint (len, ==, strlen (text));
  g_assert_null (strstr (text, "e-300.0"));
  g_assert_null (strstr (text, "e+20.0"));
  g_assert_nonnull (strstr (text, "\"1e5.0 \\\"2e3.0\\\"\""));
  /* Python's json module is strict about numbers; JsonParser is not, so
   * check the grammar by hand: after an exponent's digits comes no '.'
   * (in the numbers, which come before the string). */
  *strstr (text, "\"text\"") = '\0';
  for (const char *p = text; (p = strpbrk (p, "eE")) != NULL; p++)
    {
      const char *q = p + 1;
      if (!g_ascii_isdigit (p[-1]) || !(*q == '-' || *q == '+' || g_ascii_isdigit (*q)))
        continue;
      q++;
      while (g_ascii_isdigit (*q))
        q++;
      g_assert_cmpint (*q, !=, '.');
    }

  text[strlen (text)] = '"';
  g_assert_true (json_parser_load_from_data (parser, text, len, NULL));
  numbers = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                          "numbers");
  g_assert_cmpuint (json_array_get_length (numbers), ==, G_N_ELEMENTS (values));
  for (gsize i = 0; i < G_N_ELEMENTS (values); i++)
    g_assert_cmpfloat (json_array_get_double_element (numbers, (guint) i), ==, values[i]);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)),
                                                  "text"), ==, "1e5.0 \"2e3.0\"");
}

int
main (int argc, char *argv[])
{
  int status;

  if (argc == 3 && g_str_equal (argv[1], "--writer"))
    return writer (argv[2]);
  self = argv[0];
  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("candor-session-XXXXXX", NULL);
  g_test_add_func ("/session/round-trip", test_round_trip);
  g_test_add_func ("/session/old-file-gets-table-defaults", test_old_file_defaults);
  g_test_add_func ("/session/hostile-files-are-refused", test_hostile);
  g_test_add_func ("/session/kill-during-save-loses-nothing", test_kill_during_save);
  g_test_add_func ("/session/json-exponents", test_json_exponents);
  status = g_test_run ();
  {
    g_autoptr(GDir) d = g_dir_open (tmpdir, 0, NULL);
    const char *e;
    while (d && (e = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *p = g_build_filename (tmpdir, e, NULL);
        g_unlink (p);
      }
    g_rmdir (tmpdir);
  }
  return status;
}
