/* session-file.c
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "session-file.h"
#include "atomic-file.h"
#include "cx-error.h"
#include "json-input.h"
#include "json-output.h"
#include "model.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

/* Largest session file read (it holds names and notes, not data). */
#define SESSION_MAX_BYTES (64u << 20)

static void
finding_free (gpointer data)
{
  CxFinding *f = data;
  g_free (f->sample);
  g_free (f->note);
  g_free (f->created);
  g_free (f);
}

CxSession *
cx_session_new (void)
{
  CxSession *s = g_new0 (CxSession, 1);
  s->selected = g_ptr_array_new_with_free_func (g_free);
  s->sensitive = g_ptr_array_new_with_free_func (g_free);
  s->findings = g_ptr_array_new_with_free_func (finding_free);
  s->ig_steps = 50;
  s->ig_rule = g_strdup ("gausslegendre");
  s->ig_baseline = g_strdup ("zeros");
  s->table_method = g_strdup ("ig");
  s->table_baseline = g_strdup ("mean");
  s->smoothgrad_samples = 50;
  s->smoothgrad_noise = 0.15;
  s->sign = g_strdup ("all");
  s->outlier_percent = 2.0;
  s->alpha = 0.6;
  s->threshold = 0.5;
  s->bootstrap = 1000;
  return s;
}

void
cx_session_free (CxSession *s)
{
  if (s == NULL)
    return;
  g_free (s->model_path);
  g_free (s->model_sha256);
  g_free (s->data_path);
  g_free (s->data_sha256);
  g_free (s->schema_path);
  g_free (s->schema_sha256);
  g_ptr_array_unref (s->selected);
  g_ptr_array_unref (s->sensitive);
  g_ptr_array_unref (s->findings);
  g_free (s->ig_rule);
  g_free (s->ig_baseline);
  g_free (s->table_method);
  g_free (s->table_baseline);
  g_free (s->sign);
  g_free (s);
}

void
cx_session_add_finding (CxSession *s, const char *sample, const char *note)
{
  CxFinding *f = g_new0 (CxFinding, 1);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  f->sample = g_strdup (sample);
  f->note = g_strdup (note);
  f->created = g_date_time_format_iso8601 (now);
  g_ptr_array_add (s->findings, f);
}

/* ---- reading ------------------------------------------------------- */

typedef struct
{
  const char *path;
  GError **error;
  gboolean failed;
  const char *scope;   /* what holds the members read now ("'methods'"), or NULL: the root */
} Reader;

static void
bad (Reader *r, const char *member, const char *problem)
{
  if (r->failed)
    return;
  r->failed = TRUE;
  if (r->scope != NULL)
    g_set_error (r->error, CX_ERROR, CX_ERROR_PARSE, "%s: member '%s' of %s %s", r->path, member,
                 r->scope, problem);
  else
    g_set_error (r->error, CX_ERROR, CX_ERROR_PARSE, "%s: member '%s' %s", r->path, member, problem);
}

/* @v as short as it reads back exactly, whatever the locale; @buf holds
 * G_ASCII_DTOSTR_BUF_SIZE bytes. */
static const char *
number_text (char *buf, double v)
{
  g_ascii_formatd (buf, G_ASCII_DTOSTR_BUF_SIZE, "%.15g", v);
  if (g_ascii_strtod (buf, NULL) != v)
    g_ascii_formatd (buf, G_ASCII_DTOSTR_BUF_SIZE, "%.17g", v);
  return buf;
}

static JsonNode *
member (Reader *r, JsonObject *o, const char *name, JsonNodeType type, gboolean required)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;
  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    {
      if (required)
        bad (r, name, "is missing");
      return NULL;
    }
  if (JSON_NODE_TYPE (n) != type)
    {
      bad (r, name, type == JSON_NODE_OBJECT ? "must be an object" :
                    type == JSON_NODE_ARRAY ? "must be an array" : "must be a value");
      return NULL;
    }
  return n;
}

static char *
get_string (Reader *r, JsonObject *o, const char *name, const char *def, gboolean required)
{
  JsonNode *n = member (r, o, name, JSON_NODE_VALUE, required);
  if (n == NULL)
    return def ? g_strdup (def) : NULL;
  if (json_node_get_value_type (n) != G_TYPE_STRING)
    {
      bad (r, name, "must be a string");
      return NULL;
    }
  return g_strdup (json_node_get_string (n));
}

static double
get_number (Reader *r, JsonObject *o, const char *name, double def, double lo, double hi)
{
  JsonNode *n = member (r, o, name, JSON_NODE_VALUE, FALSE);
  GType t;
  double v;
  if (n == NULL)
    return def;
  t = json_node_get_value_type (n);
  if (t != G_TYPE_INT64 && t != G_TYPE_DOUBLE)
    {
      bad (r, name, "must be a number");
      return def;
    }
  v = t == G_TYPE_INT64 ? (double) json_node_get_int (n) : json_node_get_double (n);
  if (!(v >= lo && v <= hi))
    {
      char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE], c[G_ASCII_DTOSTR_BUF_SIZE];
      g_autofree char *problem = g_strdup_printf ("is %s, out of range (%s to %s)",
                                                  number_text (a, v), number_text (b, lo),
                                                  number_text (c, hi));
      bad (r, name, problem);
      return def;
    }
  return v;
}

static void
read_file_ref (Reader *r, JsonObject *root, const char *name, char **path, char **sha, gboolean required)
{
  JsonNode *n = member (r, root, name, JSON_NODE_OBJECT, required);
  g_autofree char *scope = g_strdup_printf ("'%s'", name);
  JsonObject *o;
  if (n == NULL)
    return;
  o = json_node_get_object (n);
  r->scope = scope;
  *path = get_string (r, o, "path", NULL, TRUE);
  *sha = get_string (r, o, "sha256", NULL, FALSE);
  if (*sha != NULL && (strlen (*sha) != 64 || strspn (*sha, "0123456789abcdef") != 64))
    bad (r, "sha256", "must be 64 lowercase hex digits");
  r->scope = NULL;
}

static void
read_strings (Reader *r, JsonObject *o, const char *name, GPtrArray *into)
{
  JsonNode *n = member (r, o, name, JSON_NODE_ARRAY, FALSE);
  JsonArray *a;
  if (n == NULL)
    return;
  a = json_node_get_array (n);
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonNode *e = json_array_get_element (a, i);
      if (JSON_NODE_TYPE (e) != JSON_NODE_VALUE || json_node_get_value_type (e) != G_TYPE_STRING)
        {
          bad (r, name, "must hold strings only");
          return;
        }
      g_ptr_array_add (into, g_strdup (json_node_get_string (e)));
    }
}

/* "candor_session": the format version, an integer from 1 to CX_SESSION_VERSION. */
static void
read_version (Reader *r, JsonObject *o)
{
  JsonNode *n = member (r, o, "candor_session", JSON_NODE_VALUE, FALSE);
  g_autofree char *problem = NULL;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  GType t;
  double v;

  if (n == NULL)
    {
      if (!r->failed)
        bad (r, "candor_session", "is missing: this is not a Candor session");
      return;
    }
  t = json_node_get_value_type (n);
  if (t != G_TYPE_INT64 && t != G_TYPE_DOUBLE)
    {
      bad (r, "candor_session", "must be a version number");
      return;
    }
  v = t == G_TYPE_INT64 ? (double) json_node_get_int (n) : json_node_get_double (n);
  if (v > CX_SESSION_VERSION)
    problem = g_strdup_printf ("is version %s, newer than this Candor reads (%d)",
                               number_text (buf, v), CX_SESSION_VERSION);
  else if (!(v >= 1) || v != floor (v))
    problem = g_strdup_printf ("is %s, not a version number (1 to %d)", number_text (buf, v),
                               CX_SESSION_VERSION);
  if (problem != NULL)
    bad (r, "candor_session", problem);
}

CxSession *
cx_session_parse (const char *data, gsize len, const char *name, GError **error)
{
  g_autoptr(CxSession) s = cx_session_new ();
  g_autoptr(JsonNode) root = NULL;
  Reader r = { name, error, FALSE };
  JsonObject *o, *m = NULL, *render = NULL, *fair = NULL;
  JsonNode *n;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  if (len > SESSION_MAX_BYTES)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_LIMIT, "%s: a session file of %" G_GSIZE_FORMAT
                   " MiB is too large", name, len >> 20);
      return NULL;
    }
  root = cx_json_parse_object (data, len, name, "a session file", error);
  if (root == NULL)
    return NULL;
  o = json_node_get_object (root);
  read_version (&r, o);
  g_clear_pointer (&s->ig_rule, g_free);
  g_clear_pointer (&s->ig_baseline, g_free);
  g_clear_pointer (&s->table_method, g_free);
  g_clear_pointer (&s->table_baseline, g_free);
  g_clear_pointer (&s->sign, g_free);
  read_file_ref (&r, o, "model", &s->model_path, &s->model_sha256, TRUE);
  read_file_ref (&r, o, "data", &s->data_path, &s->data_sha256, FALSE);
  read_file_ref (&r, o, "schema", &s->schema_path, &s->schema_sha256, FALSE);
  read_strings (&r, o, "selected", s->selected);
  if ((n = member (&r, o, "methods", JSON_NODE_OBJECT, FALSE)) != NULL)
    m = json_node_get_object (n);
  r.scope = "'methods'";
  s->ig_steps = (int) get_number (&r, m, "ig_steps", 50, 2, 100000);
  s->ig_rule = get_string (&r, m, "ig_rule", "gausslegendre", FALSE);
  s->ig_baseline = get_string (&r, m, "ig_baseline", "zeros", FALSE);
  /* Sessions saved before tables had methods do not name them. */
  s->table_method = get_string (&r, m, "table_method", "ig", FALSE);
  s->table_baseline = get_string (&r, m, "table_baseline", "mean", FALSE);
  s->smoothgrad_samples = (int) get_number (&r, m, "smoothgrad_samples", 50, 1, 100000);
  s->smoothgrad_noise = get_number (&r, m, "smoothgrad_noise", 0.15, 0, 100);
  s->occlusion_window = (int) get_number (&r, m, "occlusion_window", 0, 0, 100000);
  s->occlusion_stride = (int) get_number (&r, m, "occlusion_stride", 0, 0, 100000);
  s->seed = (guint64) get_number (&r, m, "seed", 0, 0, 4294967295.0);
  r.scope = NULL;
  if ((n = member (&r, o, "render", JSON_NODE_OBJECT, FALSE)) != NULL)
    render = json_node_get_object (n);
  r.scope = "'render'";
  s->sign = get_string (&r, render, "sign", "all", FALSE);
  s->outlier_percent = get_number (&r, render, "outlier_percent", 2.0, 0, 100);
  s->alpha = get_number (&r, render, "alpha", 0.6, 0, 1);
  r.scope = NULL;
  if ((n = member (&r, o, "fairness", JSON_NODE_OBJECT, FALSE)) != NULL)
    fair = json_node_get_object (n);
  r.scope = "'fairness'";
  read_strings (&r, fair, "sensitive", s->sensitive);
  s->threshold = get_number (&r, fair, "threshold", 0.5, 0, 1);
  s->bootstrap = (int) get_number (&r, fair, "bootstrap", 1000, 0, 1000000);
  r.scope = NULL;
  if ((n = member (&r, o, "findings", JSON_NODE_ARRAY, FALSE)) != NULL)
    {
      JsonArray *a = json_node_get_array (n);
      for (guint i = 0; i < json_array_get_length (a) && !r.failed; i++)
        {
          JsonNode *e = json_array_get_element (a, i);
          g_autofree char *scope = g_strdup_printf ("finding %u", i + 1);
          CxFinding *f;
          if (JSON_NODE_TYPE (e) != JSON_NODE_OBJECT)
            {
              bad (&r, "findings", "must hold objects");
              break;
            }
          f = g_new0 (CxFinding, 1);
          r.scope = scope;
          f->sample = get_string (&r, json_node_get_object (e), "sample", "", FALSE);
          f->note = get_string (&r, json_node_get_object (e), "note", NULL, TRUE);
          f->created = get_string (&r, json_node_get_object (e), "created", "", FALSE);
          r.scope = NULL;
          g_ptr_array_add (s->findings, f);
        }
    }
  if (r.failed)
    return NULL;
  return g_steal_pointer (&s);
}

CxSession *
cx_session_load (const char *path, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autofree char *data = NULL;
  gsize len;

  if (!cx_file_check_readable (path, error))
    return NULL;

  if (!g_file_get_contents (path, &data, &len, &local))
    {
      g_set_error (error, CX_ERROR, CX_ERROR_IO, "%s", local->message);
      return NULL;
    }
  return cx_session_parse (data, len, path, error);
}

/* ---- writing ------------------------------------------------------- */

static void
write_file_ref (JsonBuilder *b, const char *name, const char *path, const char *sha)
{
  json_builder_set_member_name (b, name);
  if (path == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "path");
  json_builder_add_string_value (b, path);
  json_builder_set_member_name (b, "sha256");
  if (sha)
    json_builder_add_string_value (b, sha);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
}

static void
write_strings (JsonBuilder *b, const char *name, GPtrArray *a)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (guint i = 0; i < a->len; i++)
    json_builder_add_string_value (b, a->pdata[i]);
  json_builder_end_array (b);
}

char *
cx_session_to_data (const CxSession *s, gsize *len)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "candor_session");
  json_builder_add_int_value (b, CX_SESSION_VERSION);
  write_file_ref (b, "model", s->model_path, s->model_sha256);
  write_file_ref (b, "data", s->data_path, s->data_sha256);
  write_file_ref (b, "schema", s->schema_path, s->schema_sha256);
  write_strings (b, "selected", s->selected);
  json_builder_set_member_name (b, "methods");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ig_steps");
  json_builder_add_int_value (b, s->ig_steps);
  json_builder_set_member_name (b, "ig_rule");
  json_builder_add_string_value (b, s->ig_rule);
  json_builder_set_member_name (b, "ig_baseline");
  json_builder_add_string_value (b, s->ig_baseline);
  json_builder_set_member_name (b, "table_method");
  json_builder_add_string_value (b, s->table_method);
  json_builder_set_member_name (b, "table_baseline");
  json_builder_add_string_value (b, s->table_baseline);
  json_builder_set_member_name (b, "smoothgrad_samples");
  json_builder_add_int_value (b, s->smoothgrad_samples);
  json_builder_set_member_name (b, "smoothgrad_noise");
  json_builder_add_double_value (b, s->smoothgrad_noise);
  json_builder_set_member_name (b, "occlusion_window");
  json_builder_add_int_value (b, s->occlusion_window);
  json_builder_set_member_name (b, "occlusion_stride");
  json_builder_add_int_value (b, s->occlusion_stride);
  json_builder_set_member_name (b, "seed");
  json_builder_add_int_value (b, (gint64) s->seed);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "render");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "sign");
  json_builder_add_string_value (b, s->sign);
  json_builder_set_member_name (b, "outlier_percent");
  json_builder_add_double_value (b, s->outlier_percent);
  json_builder_set_member_name (b, "alpha");
  json_builder_add_double_value (b, s->alpha);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "fairness");
  json_builder_begin_object (b);
  write_strings (b, "sensitive", s->sensitive);
  json_builder_set_member_name (b, "threshold");
  json_builder_add_double_value (b, s->threshold);
  json_builder_set_member_name (b, "bootstrap");
  json_builder_add_int_value (b, s->bootstrap);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "findings");
  json_builder_begin_array (b);
  for (guint i = 0; i < s->findings->len; i++)
    {
      const CxFinding *f = s->findings->pdata[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "sample");
      json_builder_add_string_value (b, f->sample ? f->sample : "");
      json_builder_set_member_name (b, "note");
      json_builder_add_string_value (b, f->note ? f->note : "");
      json_builder_set_member_name (b, "created");
      json_builder_add_string_value (b, f->created ? f->created : "");
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return cx_json_to_text (root, len);
}

gboolean
cx_session_save (const CxSession *s, const char *path, GError **error)
{
  gsize len;
  g_autofree char *text = cx_session_to_data (s, &len);

  return cx_atomic_write (path, text, len, error);
}

char *
cx_session_resolve (const char *session_path, const char *path)
{
  g_autofree char *dir = NULL;
  if (path == NULL)
    return NULL;
  if (g_path_is_absolute (path) || session_path == NULL)
    return g_strdup (path);
  dir = g_path_get_dirname (session_path);
  return g_build_filename (dir, path, NULL);
}

char *
cx_session_check_files (const CxSession *s, const char *session_path)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const char *paths[3] = { s->model_path, s->data_path, s->schema_path };
  const char *shas[3] = { s->model_sha256, s->data_sha256, s->schema_sha256 };

  for (int i = 0; i < 3; i++)
    {
      g_autofree char *p = cx_session_resolve (session_path, paths[i]);
      g_autofree char *now = NULL;
      if (p == NULL || shas[i] == NULL)
        continue;
      if (g_file_test (p, G_FILE_TEST_IS_DIR))
        continue;
      now = cx_file_sha256 (p, NULL);
      if (now == NULL)
        g_string_append_printf (out, "%s%s is missing", out->len ? "\n" : "", paths[i]);
      else if (!g_str_equal (now, shas[i]))
        g_string_append_printf (out, "%s%s changed since the session was saved", out->len ? "\n" : "", paths[i]);
    }
  return out->len ? g_string_free (g_steal_pointer (&out), FALSE) : NULL;
}
