/* candor-explain-export.c: an explanation's numbers as CSV or JSON, with
 * their provenance.
 *
 * Numbers are written in the C locale whatever the user's, floats with
 * nine significant digits and sums with seventeen, so they read back
 * exactly.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "atomic-file.h"
#include "json-output.h"
#include "candor-explain-export.h"

/* Below this relative error integrated gradients pass (DESIGN.md). */
#define COMPLETENESS_TOLERANCE 0.05

#define EXPORT_VERSION 1

static char *
format_float (double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.9g", v));
}

static char *
format_double (double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  return g_strdup (g_ascii_dtostr (buf, sizeof buf, v));
}

char *
candor_explain_parameters_text (const CandorExplainResult *result,
                                CxMethod                   method)
{
  const CandorExplainParams *p = &result->params;
  GString *text = g_string_new (NULL);
  CxExplainParams defaults;
  g_autofree char *noise = format_float (p->smoothgrad_noise);
  const char *baseline = cx_baseline_name (result->table ? p->table_baseline : p->ig_baseline);

  cx_explain_params_init (&defaults, method);
  /* The output explained: one logit is explained at 0, whatever the class. */
  g_string_append_printf (text, "method=%s target=%" G_GINT64_FORMAT, cx_method_name (method),
                          result->single_output ? 0 : result->target);
  switch (method)
    {
    case CX_METHOD_SALIENCY:
      g_string_append_printf (text, " abs=%d", defaults.absolute);
      break;
    case CX_METHOD_SMOOTHGRAD:
      g_string_append_printf (text, " samples=%d noise=%s squared=%d seed=%" G_GUINT64_FORMAT,
                              p->smoothgrad_samples, noise, defaults.squared, p->seed);
      break;
    case CX_METHOD_IG:
      g_string_append_printf (text, " steps=%d rule=%s baseline=%s seed=%" G_GUINT64_FORMAT,
                              p->ig_steps, cx_ig_rule_name (p->ig_rule), baseline, p->seed);
      break;
    case CX_METHOD_OCCLUSION:
      g_string_append_printf (text, " window=%d stride=%d value=0", defaults.window, defaults.stride);
      break;
    case CX_METHOD_SHAP:
      g_string_append_printf (text, " permutations=%d baseline=%s seed=%" G_GUINT64_FORMAT,
                              p->shap_permutations, baseline, p->seed);
      break;
    case CX_METHOD_GRADXINPUT:
    case CX_METHOD_GRADCAM:
    default:
      break;
    }
  return g_string_free (text, FALSE);
}

static const char *
class_label (const CandorExplainSource *source,
             int64_t                    k)
{
  for (int64_t i = 0; source->classes != NULL && source->classes[i] != NULL; i++)
    if (i == k)
      return source->classes[i];
  return NULL;
}

static char *
now_iso8601 (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  return g_date_time_format_iso8601 (now);
}

/* ---- JSON ---- */

static void
add_file (JsonBuilder *b,
          const char  *member,
          const char  *file,
          const char  *sha256)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "file");
  json_builder_add_string_value (b, file);
  json_builder_set_member_name (b, "sha256");
  json_builder_add_string_value (b, sha256);
}

static void
add_completeness (JsonBuilder               *b,
                  const CandorExplainResult *r)
{
  if (!r->has_completeness)
    return;
  json_builder_set_member_name (b, "completeness");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "attribution_sum");
  json_builder_add_double_value (b, r->attribution_sum);
  json_builder_set_member_name (b, "output");
  json_builder_add_double_value (b, r->output);
  json_builder_set_member_name (b, "output_baseline");
  json_builder_add_double_value (b, r->output_baseline);
  json_builder_set_member_name (b, "difference");
  json_builder_add_double_value (b, r->output - r->output_baseline);
  json_builder_set_member_name (b, "relative_error");
  json_builder_add_double_value (b, r->completeness_error);
  json_builder_set_member_name (b, "passed");
  json_builder_add_boolean_value (b, r->completeness_error <= COMPLETENESS_TOLERANCE);
  json_builder_end_object (b);
}

static char *
to_json (const CandorExplainResult *r,
         const CandorExplainSource *source)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *software = g_strdup_printf ("Candor %s", CANDOR_VERSION);
  g_autofree char *created = now_iso8601 ();
  const char *label;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "candor_numbers");
  json_builder_add_int_value (b, EXPORT_VERSION);
  json_builder_set_member_name (b, "software");
  json_builder_add_string_value (b, software);
  json_builder_set_member_name (b, "created");
  json_builder_add_string_value (b, created);
  add_file (b, "model", source->model_file, source->model_sha256);
  json_builder_end_object (b);
  add_file (b, "input", source->input_file, source->input_sha256);
  if (r->table)
    {
      /* As `candor-cli explain --input T.csv:ROW` counts rows, from 1. */
      json_builder_set_member_name (b, "row");
      json_builder_add_int_value (b, (gint64) r->row + 1);
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "sample");
  json_builder_add_string_value (b, source->sample);

  json_builder_set_member_name (b, "predicted");
  json_builder_add_int_value (b, r->predicted);
  if ((label = class_label (source, r->predicted)) != NULL)
    {
      json_builder_set_member_name (b, "predicted_label");
      json_builder_add_string_value (b, label);
    }
  json_builder_set_member_name (b, "probabilities");
  json_builder_begin_array (b);
  for (int k = 0; k < r->n_classes; k++)
    json_builder_add_double_value (b, r->probabilities[k]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "target");
  json_builder_add_int_value (b, r->target);
  if ((label = class_label (source, r->target)) != NULL)
    {
      json_builder_set_member_name (b, "target_label");
      json_builder_add_string_value (b, label);
    }
  add_completeness (b, r);

  if (r->table)
    {
      g_autofree char *parameters = candor_explain_parameters_text (r, r->method);

      json_builder_set_member_name (b, "method");
      json_builder_add_string_value (b, cx_method_name (r->method));
      json_builder_set_member_name (b, "parameters");
      json_builder_add_string_value (b, parameters);
      json_builder_set_member_name (b, "columns");
      json_builder_begin_array (b);
      for (int c = 0; c < r->n_columns; c++)
        {
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "column");
          json_builder_add_string_value (b, r->columns[c].name);
          json_builder_set_member_name (b, "value");
          json_builder_add_string_value (b, r->columns[c].value);
          json_builder_set_member_name (b, "attribution");
          json_builder_add_double_value (b, r->columns[c].attribution);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  else
    {
      json_builder_set_member_name (b, "render");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "sign");
      json_builder_add_string_value (b, cx_sign_name (r->params.sign));
      json_builder_set_member_name (b, "outlier_percent");
      json_builder_add_double_value (b, r->params.outlier_percent);
      json_builder_set_member_name (b, "alpha");
      json_builder_add_double_value (b, r->params.alpha);
      json_builder_end_object (b);
      /* Each map: the attribution summed over channels, the sign applied,
       * one array per image row. */
      json_builder_set_member_name (b, "maps");
      json_builder_begin_array (b);
      for (guint i = 0; i < CANDOR_EXPLAIN_N_MAPS; i++)
        {
          const CandorExplainMap *m = &r->maps[i];
          g_autofree char *parameters = candor_explain_parameters_text (r, m->method);

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "method");
          json_builder_add_string_value (b, cx_method_name (m->method));
          json_builder_set_member_name (b, "parameters");
          json_builder_add_string_value (b, parameters);
          if (m->map == NULL)
            {
              json_builder_set_member_name (b, "error");
              json_builder_add_string_value (b, m->error);
            }
          else
            {
              int64_t h = m->map->shape[0], w = m->map->shape[1];

              json_builder_set_member_name (b, "values");
              json_builder_begin_array (b);
              for (int64_t y = 0; y < h; y++)
                {
                  json_builder_begin_array (b);
                  for (int64_t x = 0; x < w; x++)
                    json_builder_add_double_value (b, m->map->data.f[y * w + x]);
                  json_builder_end_array (b);
                }
              json_builder_end_array (b);
            }
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  return cx_json_to_text (root, NULL);
}

/* ---- CSV ---- */

/* RFC 4180: quoted when it holds a comma, a quote or a line break. */
static void
append_field (GString    *out,
              const char *text)
{
  if (text == NULL)
    return;
  if (strpbrk (text, ",\"\r\n") == NULL && text[0] != ' ' && text[0] != '#')
    {
      g_string_append (out, text);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *c = text; *c; c++)
    {
      if (*c == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *c);
    }
  g_string_append_c (out, '"');
}

/* A provenance line, "# key: value", on one line whatever the value. */
static void
append_comment (GString    *out,
                const char *key,
                const char *value)
{
  g_autofree char *flat = g_strdup (value ? value : "");

  g_strdelimit (flat, "\r\n", ' ');
  g_string_append_printf (out, "# %s: %s\n", key, flat);
}

static char *
to_csv (const CandorExplainResult *r,
        const CandorExplainSource *source)
{
  GString *out = g_string_new (NULL);
  g_autofree char *software = g_strdup_printf ("Candor %s", CANDOR_VERSION);
  g_autofree char *created = now_iso8601 ();
  g_autofree char *model = g_strdup_printf ("%s sha256=%s", source->model_file, source->model_sha256);
  g_autofree char *input = r->table
    ? g_strdup_printf ("%s row=%u sha256=%s", source->input_file, r->row + 1, source->input_sha256)
    : g_strdup_printf ("%s sha256=%s", source->input_file, source->input_sha256);
  const char *target_label = class_label (source, r->target);
  g_autofree char *target = target_label ? g_strdup_printf ("%" G_GINT64_FORMAT " %s", r->target, target_label)
                                         : g_strdup_printf ("%" G_GINT64_FORMAT, r->target);

  append_comment (out, "software", software);
  append_comment (out, "created", created);
  append_comment (out, "model", model);
  append_comment (out, "input", input);
  append_comment (out, "sample", source->sample);
  append_comment (out, "target", target);
  if (r->has_completeness)
    {
      g_autofree char *sum = format_double (r->attribution_sum);
      g_autofree char *fx = format_double (r->output);
      g_autofree char *fb = format_double (r->output_baseline);
      g_autofree char *err = format_double (r->completeness_error);
      g_autofree char *text = g_strdup_printf ("sum=%s f(x)=%s f(baseline)=%s relative_error=%s passed=%s",
                                               sum, fx, fb, err,
                                               r->completeness_error <= COMPLETENESS_TOLERANCE ? "yes" : "no");
      append_comment (out, "completeness", text);
    }

  if (r->table)
    {
      g_autofree char *parameters = candor_explain_parameters_text (r, r->method);

      append_comment (out, "parameters", parameters);
      g_string_append (out, "column,value,method,attribution\n");
      for (int c = 0; c < r->n_columns; c++)
        {
          g_autofree char *v = format_double (r->columns[c].attribution);

          append_field (out, r->columns[c].name);
          g_string_append_c (out, ',');
          append_field (out, r->columns[c].value);
          g_string_append_printf (out, ",%s,%s\n", cx_method_name (r->method), v);
        }
      return g_string_free (out, FALSE);
    }

  {
    g_autofree char *outlier = format_float (r->params.outlier_percent);
    g_autofree char *alpha = format_float (r->params.alpha);
    g_autofree char *render = g_strdup_printf ("sign=%s outlier_percent=%s alpha=%s (values are channel sums, "
                                               "the sign applied)", cx_sign_name (r->params.sign),
                                               outlier, alpha);
    int64_t h = 0, w = 0;

    for (guint i = 0; i < CANDOR_EXPLAIN_N_MAPS; i++)
      {
        const CandorExplainMap *m = &r->maps[i];
        g_autofree char *parameters = candor_explain_parameters_text (r, m->method);
        g_autofree char *line = m->map ? g_steal_pointer (&parameters)
                                       : g_strdup_printf ("%s (not available: %s)", parameters, m->error);
        append_comment (out, cx_method_name (m->method), line);
        if (m->map != NULL)
          {
            h = MAX (h, m->map->shape[0]);
            w = MAX (w, m->map->shape[1]);
          }
      }
    append_comment (out, "render", render);
    g_string_append (out, "x,y");
    for (guint i = 0; i < CANDOR_EXPLAIN_N_MAPS; i++)
      g_string_append_printf (out, ",%s", cx_method_name (r->maps[i].method));
    g_string_append_c (out, '\n');
    for (int64_t y = 0; y < h; y++)
      for (int64_t x = 0; x < w; x++)
        {
          g_string_append_printf (out, "%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT, x, y);
          for (guint i = 0; i < CANDOR_EXPLAIN_N_MAPS; i++)
            {
              const CxTensor *map = r->maps[i].map;
              g_string_append_c (out, ',');
              if (map != NULL && map->shape[0] == h && map->shape[1] == w)
                {
                  g_autofree char *v = format_float (map->data.f[y * w + x]);
                  g_string_append (out, v);
                }
            }
          g_string_append_c (out, '\n');
        }
  }
  return g_string_free (out, FALSE);
}

static gboolean
has_suffix_ci (const char *name,
               const char *suffix)
{
  gsize n = strlen (name), s = strlen (suffix);
  return n > s && g_ascii_strcasecmp (name + n - s, suffix) == 0;
}

gboolean
candor_explain_export_numbers (const CandorExplainResult *result,
                               const CandorExplainSource *source,
                               const char                *path,
                               GError                   **error)
{
  g_autofree char *text = NULL;
  gboolean json;

  g_return_val_if_fail (result != NULL, FALSE);
  g_return_val_if_fail (source != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  json = has_suffix_ci (path, ".json");
  if (!json && !has_suffix_ci (path, ".csv"))
    {
      g_autofree char *name = g_filename_display_basename (path);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s”: numbers are exported as .csv or .json"), name);
      return FALSE;
    }
  if ((source->model_file != NULL && cx_same_file (path, source->model_file))
      || (source->input_file != NULL && cx_same_file (path, source->input_file)))
    {
      g_autofree char *name = g_filename_display_basename (path);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("“%s” is the model or the data explained; choose another file"), name);
      return FALSE;
    }
  text = json ? to_json (result, source) : to_csv (result, source);
  return cx_atomic_write (path, text, strlen (text), error);
}
