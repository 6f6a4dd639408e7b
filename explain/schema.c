#include "atomic-file.h"
/* schema.c: parsing S.json, checking it against a table and a model, and
 * encoding the table.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "schema.h"
#include "parallel.h"
#include "cx-error.h"
#include "engine.h"
#include "json-input.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Largest schema file read (it is a list of features, not data). */
#define SCHEMA_MAX_BYTES (64u << 20)

void
cx_schema_free (CxSchema *schema)
{
  if (schema == NULL)
    return;
  g_clear_pointer (&schema->column_index, g_hash_table_unref);
  for (int f = 0; f < schema->n_features; f++)
    {
      g_free (schema->features[f].column);
      g_free (schema->features[f].equals);
    }
  g_free (schema->features);
  for (int c = 0; c < schema->n_columns; c++)
    {
      g_clear_pointer (&schema->columns[c].category_index, g_hash_table_unref);
      g_free (schema->columns[c].name);
      g_free (schema->columns[c].features);
      g_free (schema->columns[c].categories);  /* borrowed from the features */
      g_free (schema->columns[c].fill);
    }
  g_free (schema->columns);
  g_free (schema->label_column);
  g_free (schema->label_positive);
  g_strfreev (schema->sensitive);
  g_strfreev (schema->locked);
  g_free (schema->sensitive_csv_columns);
  g_free (schema->path);
  g_free (schema);
}

int
cx_schema_find_column (const CxSchema *schema, const char *name)
{
  gpointer c;

  if (schema->column_index == NULL ||
      !g_hash_table_lookup_extended (schema->column_index, name, NULL, &c))
    return -1;
  return GPOINTER_TO_INT (c);
}

/* Exact powers of ten a double holds. */
static const double exact_pow10[] = {
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

static gboolean
parse_number_slow (const char *text, double *value)
{
  char *end = NULL;
  double v;

  while (*text == ' ' || *text == '\t')
    text++;
  if (*text == '\0')
    return FALSE;
  v = g_ascii_strtod (text, &end);
  if (end == text)
    return FALSE;
  while (*end == ' ' || *end == '\t')
    end++;
  if (*end != '\0' || !isfinite (v))
    return FALSE;
  *value = v;
  return TRUE;
}

/* '0' to '9', as g_ascii_isdigit () but without its table. */
static inline gboolean
is_digit (char c)
{
  return (guchar) (c - '0') < 10;
}

/* Moves *@p past the digits there, appending them to @m (wrapping when
 * there are too many: the caller counts them). */
static inline void
read_digits (const char **p, guint64 *m)
{
  const char *q = *p;
  guint64 v = *m;

  for (; is_digit (*q); q++)
    v = v * 10 + (guint64) (*q - '0');
  *m = v;
  *p = q;
}

/* A decimal Clinger's fast path reads: m·10^exp10, negated when negative. */
typedef struct
{
  guint64 m;
  int exp10;
  gboolean negative;
} Decimal;

typedef enum
{
  NUMBER_NONE,                 /* not a number */
  NUMBER_FAST,                 /* read into a Decimal */
  NUMBER_SLOW,                 /* for strtod */
} NumberKind;

/* Clinger's fast path: a decimal of at most 19 significant digits whose
 * mantissa is below 2^53 and whose power of ten is exact is correctly
 * rounded by one multiplication or division; anything else goes to strtod. */
static NumberKind
read_decimal_any (const char *text, Decimal *d)
{
  const char *p = text;
  guint64 m = 0;
  int significant = 0, exp10 = 0, digits = 0;
  gboolean negative = FALSE;

  while (*p == ' ' || *p == '\t')
    p++;
  if (*p == '-' || *p == '+')
    negative = *p++ == '-';
  for (; g_ascii_isdigit (*p); p++, digits++)
    {
      if (m == 0 && *p == '0')
        continue;
      if (++significant > 19)
        return NUMBER_SLOW;
      m = m * 10 + (guint64) (*p - '0');
    }
  if (*p == '.')
    for (p++; g_ascii_isdigit (*p); p++, digits++)
      {
        exp10--;
        if (m == 0 && *p == '0')
          continue;
        if (++significant > 19)
          return NUMBER_SLOW;
        m = m * 10 + (guint64) (*p - '0');
      }
  if (digits == 0)
    return NUMBER_SLOW;
  if (*p == 'e' || *p == 'E')
    {
      int e = 0, sign = 1;
      p++;
      if (*p == '-' || *p == '+')
        sign = *p++ == '-' ? -1 : 1;
      if (!g_ascii_isdigit (*p))
        return NUMBER_NONE;
      for (; g_ascii_isdigit (*p); p++)
        if (e < 100000)
          e = e * 10 + (*p - '0');
      exp10 += sign * e;
    }
  while (*p == ' ' || *p == '\t')
    p++;
  if (*p != '\0' || m > (G_GUINT64_CONSTANT (1) << 53) || exp10 < -22 || exp10 > 22)
    return NUMBER_SLOW;
  d->m = m;
  d->exp10 = exp10;
  d->negative = negative;
  return NUMBER_FAST;
}

/* read_decimal_any (), quicker for what tables mostly hold: [sign] digits
 * [. digits], no more than 19 digits in all (leading zeros too, which
 * then change neither m nor the exponent). */
static inline NumberKind
read_decimal (const char *text, Decimal *d)
{
  const char *p = text, *from;
  guint64 m = 0;
  gsize n;
  int exp10 = 0;
  gboolean negative = *p == '-';

  if (*p == '-' || *p == '+')
    p++;
  from = p;
  read_digits (&p, &m);
  n = (gsize) (p - from);
  if (*p == '.')
    {
      from = ++p;
      read_digits (&p, &m);
      n += (gsize) (p - from);
      exp10 = -(int) MIN ((gsize) (p - from), 23);
    }
  if (*p != '\0' || n == 0 || n > 19 || m > (G_GUINT64_CONSTANT (1) << 53) || exp10 < -22)
    return read_decimal_any (text, d);
  d->m = m;
  d->exp10 = exp10;
  d->negative = negative;
  return NUMBER_FAST;
}

static inline double
decimal_value (const Decimal *d)
{
  double v = d->exp10 < 0 ? (double) d->m / exact_pow10[-d->exp10] : (double) d->m * exact_pow10[d->exp10];
  return d->negative ? -v : v;
}

gboolean
cx_parse_number (const char *text, double *value)
{
  Decimal d;

  switch (read_decimal (text, &d))
    {
    case NUMBER_FAST:
      *value = decimal_value (&d);
      return TRUE;
    case NUMBER_SLOW:
      return parse_number_slow (text, value);
    case NUMBER_NONE:
    default:
      return FALSE;
    }
}

/* ---- parsing ---- */

static gboolean
bad (GError **error, const char *path, const char *format, ...) G_GNUC_PRINTF (3, 4);

static gboolean
bad (GError **error, const char *path, const char *format, ...)
{
  va_list args;
  g_autofree char *msg = NULL;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, CX_ERROR, CX_ERROR_PARSE, "%s: %s", path, msg);
  return FALSE;
}

static gboolean
is_string (JsonNode *n)
{
  return n != NULL && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING;
}

static gboolean
is_number (JsonNode *n)
{
  GType t;
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n))
    return FALSE;
  t = json_node_get_value_type (n);
  return t == G_TYPE_INT64 || t == G_TYPE_DOUBLE;
}

/* A string, or a number or boolean written as the text a CSV would hold. */
static char *
scalar_text (JsonNode *n)
{
  if (is_string (n))
    return g_strdup (json_node_get_string (n));
  if (n != NULL && JSON_NODE_HOLDS_VALUE (n))
    {
      GType t = json_node_get_value_type (n);
      if (t == G_TYPE_INT64)
        return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (n));
      if (t == G_TYPE_DOUBLE)
        {
          char buf[G_ASCII_DTOSTR_BUF_SIZE];
          return g_strdup (g_ascii_dtostr (buf, sizeof buf, json_node_get_double (n)));
        }
      if (t == G_TYPE_BOOLEAN)
        return g_strdup (json_node_get_boolean (n) ? "true" : "false");
    }
  return NULL;
}

static gboolean
check_keys (JsonObject *o, const char *const *allowed, const char *path, const char *what,
            GError **error)
{
  g_autoptr(GList) members = json_object_get_members (o);

  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      {
        g_autofree char *list = g_strjoinv (", ", (char **) allowed);
        return bad (error, path, "%s: unknown key '%s' (expected %s)", what,
                    (const char *) l->data, list);
      }
  return TRUE;
}

static char **
string_list (JsonObject *o, const char *key, const char *path, GError **error)
{
  JsonNode *n = json_object_get_member (o, key);
  JsonArray *a;
  GStrvBuilder *b;

  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    return g_new0 (char *, 1);
  if (!JSON_NODE_HOLDS_ARRAY (n))
    {
      bad (error, path, "'%s' must be a list of column names", key);
      return NULL;
    }
  a = json_node_get_array (n);
  b = g_strv_builder_new ();
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonNode *e = json_array_get_element (a, i);
      if (!is_string (e))
        {
          g_strv_builder_unref (b);
          bad (error, path, "'%s' item %u must be a column name (a string)", key, i + 1);
          return NULL;
        }
      g_strv_builder_add (b, json_node_get_string (e));
    }
  {
    char **v = g_strv_builder_end (b);
    g_strv_builder_unref (b);
    return v;
  }
}

static gboolean
parse_feature (CxSchema *s, int f, JsonNode *node, char **fill, GError **error)
{
  static const char *const keys[] = { "column", "mean", "std", "equals", "fill", NULL };
  CxSchemaFeature *feat = &s->features[f];
  g_autofree char *what = g_strdup_printf ("feature %d", f + 1);
  JsonObject *o;
  JsonNode *n;

  feat->std = 1.0;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return bad (error, s->path, "%s must be an object", what);
  o = json_node_get_object (node);
  if (!check_keys (o, keys, s->path, what, error))
    return FALSE;
  n = json_object_get_member (o, "column");
  if (!is_string (n) || *json_node_get_string (n) == '\0')
    return bad (error, s->path, "%s: 'column' must be a column name", what);
  feat->column = g_strdup (json_node_get_string (n));
  g_free (what);
  what = g_strdup_printf ("feature %d (%s)", f + 1, feat->column);

  n = json_object_get_member (o, "equals");
  if (n != NULL)
    {
      feat->equals = scalar_text (n);
      if (feat->equals == NULL)
        return bad (error, s->path, "%s: 'equals' must be a string", what);
      if (json_object_has_member (o, "mean") || json_object_has_member (o, "std"))
        return bad (error, s->path, "%s: an 'equals' feature takes no 'mean' or 'std'", what);
    }
  else
    {
      n = json_object_get_member (o, "mean");
      if (n != NULL)
        {
          if (!is_number (n) || !isfinite (json_node_get_double (n)))
            return bad (error, s->path, "%s: 'mean' must be a number", what);
          feat->mean = json_node_get_double (n);
        }
      n = json_object_get_member (o, "std");
      if (n != NULL)
        {
          if (!is_number (n) || !isfinite (json_node_get_double (n)) || json_node_get_double (n) <= 0)
            return bad (error, s->path, "%s: 'std' must be a positive number", what);
          feat->std = json_node_get_double (n);
        }
    }

  n = json_object_get_member (o, "fill");
  if (n != NULL)
    {
      double v;
      if (feat->equals == NULL)
        {
          if (!is_number (n) && !(is_string (n) && cx_parse_number (json_node_get_string (n), &v)))
            return bad (error, s->path, "%s: 'fill' must be a number", what);
        }
      *fill = scalar_text (n);
      if (*fill == NULL)
        return bad (error, s->path, "%s: 'fill' must be a category (a string)", what);
    }
  return TRUE;
}

/* Groups the features into raw columns and checks they agree. Columns and
 * categories are found through hash tables: a schema may list many. */
static gboolean
build_columns (CxSchema *s, char **fills, GError **error)
{
  g_autofree int *count = g_new0 (int, s->n_features);

  s->columns = g_new0 (CxSchemaColumn, s->n_features);
  s->column_index = g_hash_table_new (g_str_hash, g_str_equal);
  /* Each feature's column, and how many features each column has. */
  for (int f = 0; f < s->n_features; f++)
    {
      CxSchemaFeature *feat = &s->features[f];
      int c = cx_schema_find_column (s, feat->column);

      if (c < 0)
        {
          CxSchemaColumn *col = &s->columns[c = s->n_columns++];
          col->name = g_strdup (feat->column);
          col->kind = feat->equals ? CX_COLUMN_CATEGORICAL : CX_COLUMN_NUMERIC;
          col->csv_column = -1;
          g_hash_table_insert (s->column_index, col->name, GINT_TO_POINTER (c));
        }
      feat->raw = c;
      count[c]++;
    }
  for (int c = 0; c < s->n_columns; c++)
    {
      CxSchemaColumn *col = &s->columns[c];
      col->features = g_new (int, count[c]);
      col->categories = g_new0 (char *, count[c] + 1);
      if (col->kind == CX_COLUMN_CATEGORICAL)
        col->category_index = g_hash_table_new (g_str_hash, g_str_equal);
    }
  for (int f = 0; f < s->n_features; f++)
    {
      CxSchemaFeature *feat = &s->features[f];
      CxSchemaColumn *col = &s->columns[feat->raw];

      if ((col->kind == CX_COLUMN_CATEGORICAL) != (feat->equals != NULL))
        return bad (error, s->path, "feature %d (%s): the column is both numeric and categorical",
                    f + 1, feat->column);
      if (col->kind == CX_COLUMN_NUMERIC && col->n_features > 0)
        return bad (error, s->path, "feature %d (%s): the numeric column appears twice",
                    f + 1, feat->column);
      if (col->kind == CX_COLUMN_CATEGORICAL)
        {
          if (!g_hash_table_insert (col->category_index, feat->equals,
                                    GINT_TO_POINTER (col->n_features)))
            return bad (error, s->path, "feature %d (%s): the category '%s' appears twice",
                        f + 1, feat->column, feat->equals);
          col->categories[col->n_features] = feat->equals;
        }
      col->features[col->n_features++] = f;
      if (fills[f] != NULL)
        {
          if (col->fill != NULL && strcmp (col->fill, fills[f]) != 0)
            return bad (error, s->path, "feature %d (%s): 'fill' differs from the column's "
                        "other features ('%s' and '%s')", f + 1, feat->column, col->fill, fills[f]);
          if (col->fill == NULL)
            col->fill = g_strdup (fills[f]);
        }
    }
  for (int c = 0; c < s->n_columns; c++)
    {
      CxSchemaColumn *col = &s->columns[c];
      if (col->kind == CX_COLUMN_CATEGORICAL && col->fill != NULL &&
          !g_hash_table_contains (col->category_index, col->fill))
        return bad (error, s->path, "column %s: 'fill' '%s' is not one of its categories",
                    col->name, col->fill);
    }
  return TRUE;
}

CxSchema *
cx_schema_parse (const char *data, gsize len, const char *name, GError **error)
{
  static const char *const keys[] = { "features", "label", "favourable_output", "sensitive",
                                      "locked", "name", "description", NULL };
  g_autoptr(CxSchema) s = g_new0 (CxSchema, 1);
  g_autoptr(JsonNode) root = NULL;
  JsonNode *n;
  JsonObject *o;
  JsonArray *features;
  char **fills;
  gboolean ok = TRUE;

  s->path = g_strdup (name);
  s->favourable_output = 1;
  s->label_csv_column = -1;
  root = cx_json_parse_object (data, len, name, "a schema", error);
  if (root == NULL)
    return NULL;
  o = json_node_get_object (root);
  if (!check_keys (o, keys, name, "the schema", error))
    return NULL;

  n = json_object_get_member (o, "features");
  if (n == NULL || !JSON_NODE_HOLDS_ARRAY (n) || json_array_get_length (json_node_get_array (n)) == 0)
    {
      bad (error, name, "'features' must be a non-empty list");
      return NULL;
    }
  features = json_node_get_array (n);
  s->n_features = (int) MIN (json_array_get_length (features), (guint) G_MAXINT / 2);
  s->features = g_new0 (CxSchemaFeature, s->n_features);
  fills = g_new0 (char *, s->n_features + 1);
  for (int f = 0; f < s->n_features && ok; f++)
    ok = parse_feature (s, f, json_array_get_element (features, (guint) f), &fills[f], error);
  if (ok)
    ok = build_columns (s, fills, error);
  for (int f = 0; f < s->n_features; f++)
    g_free (fills[f]);
  g_free (fills);
  if (!ok)
    return NULL;

  n = json_object_get_member (o, "label");
  if (n != NULL && !JSON_NODE_HOLDS_NULL (n))
    {
      static const char *const label_keys[] = { "column", "positive", NULL };
      JsonObject *lo;
      if (!JSON_NODE_HOLDS_OBJECT (n))
        {
          bad (error, name, "'label' must be an object with 'column' and 'positive'");
          return NULL;
        }
      lo = json_node_get_object (n);
      if (!check_keys (lo, label_keys, name, "label", error))
        return NULL;
      if (!is_string (json_object_get_member (lo, "column")))
        {
          bad (error, name, "label: 'column' must be a column name");
          return NULL;
        }
      s->label_column = g_strdup (json_object_get_string_member (lo, "column"));
      s->label_positive = scalar_text (json_object_get_member (lo, "positive"));
      if (s->label_positive == NULL)
        {
          bad (error, name, "label: 'positive' must be the text of the positive class");
          return NULL;
        }
      if (cx_schema_find_column (s, s->label_column) >= 0)
        {
          bad (error, name, "label: the column '%s' is also a feature", s->label_column);
          return NULL;
        }
    }

  n = json_object_get_member (o, "favourable_output");
  if (n != NULL)
    {
      if (!is_number (n) || json_node_get_value_type (n) != G_TYPE_INT64 ||
          json_node_get_int (n) < 0 || json_node_get_int (n) > 1000000)
        {
          bad (error, name, "'favourable_output' must be an output index (0, 1, …)");
          return NULL;
        }
      s->favourable_output = (int) json_node_get_int (n);
    }

  s->sensitive = string_list (o, "sensitive", name, error);
  if (s->sensitive == NULL)
    return NULL;
  s->locked = string_list (o, "locked", name, error);
  if (s->locked == NULL)
    return NULL;
  for (char **l = s->locked; *l; l++)
    {
      int c = cx_schema_find_column (s, *l);
      if (c >= 0)
        s->columns[c].locked = TRUE;
    }
  return g_steal_pointer (&s);
}

CxSchema *
cx_schema_load (const char *path, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(GMappedFile) f = NULL;

  if (!cx_file_check_readable (path, error))
    return NULL;

  g_return_val_if_fail (path != NULL, NULL);
  f = g_mapped_file_new (path, FALSE, &local);
  if (f == NULL)
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_set_error (error, CX_ERROR, CX_ERROR_IO, "%s: cannot open: No such file or directory", path);
      else
        g_set_error (error, CX_ERROR, CX_ERROR_IO, "%s: cannot open: %s", path, local->message);
      return NULL;
    }
  if (g_mapped_file_get_length (f) > SCHEMA_MAX_BYTES)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_LIMIT, "%s: a schema of %" G_GSIZE_FORMAT
                   " MiB is too large", path, g_mapped_file_get_length (f) >> 20);
      return NULL;
    }
  return cx_schema_parse (g_mapped_file_get_contents (f), g_mapped_file_get_length (f), path,
                          error);
}

/* ---- checks against a model and a table ---- */

gboolean
cx_schema_check_model (const CxSchema *schema, const CxModel *model, GError **error)
{
  const CxValue *in = cx_engine_input (model, error);
  const CxValue *out;

  if (in == NULL)
    return FALSE;
  if (in->ndim >= 0 && in->ndim != 2)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_SHAPE,
                   "%s: the model's input '%s' has %d dimensions; a tabular model takes "
                   "[rows, features]", model->path, in->name, in->ndim);
      return FALSE;
    }
  if (in->ndim == 2 && in->dims[1] >= 0 && in->dims[1] != schema->n_features)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_SHAPE,
                   "%s: the schema encodes %d feature(s); the model's input '%s' takes %" G_GINT64_FORMAT,
                   schema->path, schema->n_features, in->name, in->dims[1]);
      return FALSE;
    }
  out = &model->values[model->outputs[0]];
  if (out->ndim == 2 && out->dims[1] >= 1)
    {
      int64_t k = MAX (out->dims[1], 2);
      if (schema->favourable_output >= k)
        {
          g_set_error (error, CX_ERROR, CX_ERROR_SHAPE,
                       "%s: favourable_output %d is not an output of the model (it has %" G_GINT64_FORMAT ")",
                       schema->path, schema->favourable_output, out->dims[1]);
          return FALSE;
        }
    }
  return TRUE;
}

/* @header maps each of @csv's column names to its index. */
static gboolean
find_in_csv (const CxCsv *csv, GHashTable *header, const char *column, const char *schema_path,
             int *index, GError **error)
{
  gpointer c;

  if (!g_hash_table_lookup_extended (header, column, NULL, &c))
    {
      *index = -1;
      g_set_error (error, CX_ERROR, CX_ERROR_INVALID, "%s: no column '%s', which %s names",
                   csv->path, column, schema_path);
      return FALSE;
    }
  *index = GPOINTER_TO_INT (c);
  return TRUE;
}

gboolean
cx_schema_bind (CxSchema *schema, const CxCsv *csv, GError **error)
{
  g_autoptr(GHashTable) header = g_hash_table_new (g_str_hash, g_str_equal);
  int k = 0, unused;

  for (int c = 0; c < csv->n_columns; c++)
    g_hash_table_insert (header, csv->header[c], GINT_TO_POINTER (c));
  for (int c = 0; c < schema->n_columns; c++)
    if (!find_in_csv (csv, header, schema->columns[c].name, schema->path,
                      &schema->columns[c].csv_column, error))
      return FALSE;
  schema->label_csv_column = -1;
  if (schema->label_column != NULL &&
      !find_in_csv (csv, header, schema->label_column, schema->path, &schema->label_csv_column,
                    error))
    return FALSE;
  g_free (schema->sensitive_csv_columns);
  schema->sensitive_csv_columns = g_new (int, g_strv_length (schema->sensitive) + 1);
  for (char **s = schema->sensitive; *s; s++, k++)
    if (!find_in_csv (csv, header, *s, schema->path, &schema->sensitive_csv_columns[k], error))
      return FALSE;
  for (char **l = schema->locked; *l; l++)
    if (!find_in_csv (csv, header, *l, schema->path, &unused, error))
      return FALSE;
  return TRUE;
}

/* ---- encoding ---- */

static gboolean
encode_column (const CxSchema *s, const CxSchemaColumn *col, const char *text, float *out,
               const char *csv_path, const char *what, GError **error)
{
  if (*text == '\0')
    {
      if (col->fill == NULL)
        {
          g_set_error (error, CX_ERROR, CX_ERROR_INVALID,
                       "%s: %s, column %s: empty cell (give the column's features a \"fill\" "
                       "in %s)", csv_path, what, col->name, s->path);
          return FALSE;
        }
      text = col->fill;
    }
  if (col->kind == CX_COLUMN_NUMERIC)
    {
      const CxSchemaFeature *feat = &s->features[col->features[0]];
      double v;
      if (!cx_parse_number (text, &v))
        {
          g_set_error (error, CX_ERROR, CX_ERROR_INVALID, "%s: %s, column %s: '%s' is not a number",
                       csv_path, what, col->name, text);
          return FALSE;
        }
      out[col->features[0]] = (float) ((v - feat->mean) / feat->std);
      return TRUE;
    }
  for (int k = 0; k < col->n_features; k++)
    out[col->features[k]] = 0.0f;
  {
    gpointer k;
    if (g_hash_table_lookup_extended (col->category_index, text, NULL, &k))
      {
        out[col->features[GPOINTER_TO_INT (k)]] = 1.0f;
        return TRUE;
      }
  }
  {
    g_autofree char *list = g_strjoinv (", ", col->categories);
    g_set_error (error, CX_ERROR, CX_ERROR_INVALID,
                 "%s: %s, column %s: '%s' is not one of the categories %s lists (%s)",
                 csv_path, what, col->name, text, s->path, list);
  }
  return FALSE;
}

/* What encoding a table's column needs, side by side, so that a numeric
 * cell is read without going through its column and feature. */
typedef struct
{
  int csv_column;
  int feature;                 /* numeric: its feature; categorical: −1 */
  double mean, std;
} ColumnPlan;

static ColumnPlan *
column_plans (const CxSchema *schema)
{
  ColumnPlan *plans = g_new (ColumnPlan, MAX (schema->n_columns, 1));

  for (int c = 0; c < schema->n_columns; c++)
    {
      const CxSchemaColumn *col = &schema->columns[c];
      plans[c].csv_column = col->csv_column;
      plans[c].feature = col->kind == CX_COLUMN_NUMERIC ? col->features[0] : -1;
      plans[c].mean = plans[c].feature >= 0 ? schema->features[plans[c].feature].mean : 0;
      plans[c].std = plans[c].feature >= 0 ? schema->features[plans[c].feature].std : 1;
    }
  return plans;
}

static gboolean
encode_csv_row (const CxSchema *schema, const ColumnPlan *plans, const CxCsv *csv, int64_t r,
                float *out, GError **error)
{
  const guint32 *cells = csv->cells + r * csv->n_columns;

  for (int c = 0; c < schema->n_columns; c++)
    {
      const CxSchemaColumn *col = &schema->columns[c];
      const char *text = csv->buffer + cells[plans[c].csv_column];
      Decimal d;
      /* A number, as encode_column () encodes it; the rest (empty cells,
       * categories, strtod's numbers, errors) goes there. */
      if (plans[c].feature >= 0 && *text != '\0' && read_decimal (text, &d) == NUMBER_FAST)
        {
          out[plans[c].feature] = (float) ((decimal_value (&d) - plans[c].mean) / plans[c].std);
          continue;
        }
      if (G_UNLIKELY (!encode_column (schema, col, text, out, csv->path, NULL, NULL)))
        {
          g_autofree char *what = g_strdup_printf ("row %" G_GINT64_FORMAT, r + 1);
          return encode_column (schema, col, text, out, csv->path, what, error);
        }
    }
  return TRUE;
}

static gboolean
check_bound (const CxSchema *schema, const CxCsv *csv, GError **error)
{
  for (int c = 0; c < schema->n_columns; c++)
    if (schema->columns[c].csv_column < 0 || schema->columns[c].csv_column >= csv->n_columns)
      {
        g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT, "%s: the schema is not bound to %s",
                     schema->path, csv->path);
        return FALSE;
      }
  return TRUE;
}

typedef struct
{
  const CxSchema *schema;
  const ColumnPlan *plans;
  const CxCsv *csv;
  float *out;
  int64_t *first_bad;          /* per part: the first row that does not encode, or −1 */
} EncodeJob;

static void
encode_part (gpointer data, int part, int nparts)
{
  EncodeJob *j = data;
  int64_t lo, hi;

  cx_parallel_range (j->csv->n_rows, part, nparts, 1, &lo, &hi);
  j->first_bad[part] = -1;
  for (int64_t r = lo; r < hi; r++)
    if (!encode_csv_row (j->schema, j->plans, j->csv, r, j->out + r * j->schema->n_features, NULL))
      {
        j->first_bad[part] = r;
        return;
      }
}

CxTensor *
cx_schema_encode (const CxSchema *schema, const CxCsv *csv, GError **error)
{
  g_autoptr(CxTensor) x = NULL;
  int64_t shape[2];
  int nparts;
  g_autofree int64_t *first_bad = NULL;
  g_autofree ColumnPlan *plans = NULL;
  EncodeJob job;

  g_return_val_if_fail (schema != NULL && csv != NULL, NULL);
  if (!check_bound (schema, csv, error))
    return NULL;
  if (csv->n_rows == 0)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_INVALID, "%s: the table has a header but no rows",
                   csv->path);
      return NULL;
    }
  shape[0] = csv->n_rows;
  shape[1] = schema->n_features;
  x = cx_tensor_new (CX_ELEM_FLOAT, 2, shape, error);
  if (x == NULL)
    return NULL;
  /* Rows in parts, one per thread; the first bad row of all is the one reported. */
  nparts = (int) MIN (cx_parallel_parts (csv->n_rows * MAX (schema->n_columns, 1)), csv->n_rows);
  first_bad = g_new (int64_t, nparts);
  plans = column_plans (schema);
  job.schema = schema;
  job.plans = plans;
  job.csv = csv;
  job.out = x->data.f;
  job.first_bad = first_bad;
  cx_parallel_run (encode_part, &job, nparts);
  for (int k = 0; k < nparts; k++)
    if (first_bad[k] >= 0)
      {
        if (!encode_csv_row (schema, plans, csv, first_bad[k],
                             x->data.f + first_bad[k] * schema->n_features, error))
          return NULL;
        g_assert_not_reached ();
      }
  return g_steal_pointer (&x);
}

CxTensor *
cx_schema_encode_row (const CxSchema *schema, const CxCsv *csv, int64_t row, GError **error)
{
  g_autoptr(CxTensor) x = NULL;
  g_autofree ColumnPlan *plans = NULL;
  int64_t shape[2] = { 1, schema->n_features };

  if (!check_bound (schema, csv, error))
    return NULL;
  if (row < 0 || row >= csv->n_rows)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT,
                   "%s: no row %" G_GINT64_FORMAT " (the table has %" G_GINT64_FORMAT " rows)",
                   csv->path, row + 1, csv->n_rows);
      return NULL;
    }
  x = cx_tensor_new (CX_ELEM_FLOAT, 2, shape, error);
  plans = column_plans (schema);
  if (x == NULL || !encode_csv_row (schema, plans, csv, row, x->data.f, error))
    return NULL;
  return g_steal_pointer (&x);
}

gboolean
cx_schema_encode_values (const CxSchema *schema, const char *const *values, float *out,
                         const char *what, GError **error)
{
  for (int c = 0; c < schema->n_columns; c++)
    if (!encode_column (schema, &schema->columns[c], values[c], out, schema->path,
                        what ? what : "a row", error))
      return FALSE;
  return TRUE;
}

guint8 *
cx_schema_labels (const CxSchema *schema, const CxCsv *csv, GError **error)
{
  g_autofree guint8 *y = NULL;
  int lc = schema->label_csv_column;

  if (schema->label_column == NULL)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_INVALID, "%s: the schema gives no label", schema->path);
      return NULL;
    }
  if (lc < 0 || lc >= csv->n_columns)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT, "%s: the schema is not bound to %s",
                   schema->path, csv->path);
      return NULL;
    }
  y = g_new (guint8, MAX (csv->n_rows, 1));
  for (int64_t r = 0; r < csv->n_rows; r++)
    {
      const char *t = cx_csv_cell (csv, r, lc);
      if (*t == '\0')
        {
          g_set_error (error, CX_ERROR, CX_ERROR_INVALID,
                       "%s: row %" G_GINT64_FORMAT ", column %s: empty label", csv->path, r + 1,
                       schema->label_column);
          return NULL;
        }
      y[r] = strcmp (t, schema->label_positive) == 0;
    }
  return g_steal_pointer (&y);
}

/* ---- T.csv:ROW ---- */

gboolean
cx_schema_split_row_spec (const char *spec, char **path, int64_t *row)
{
  const char *colon = strrchr (spec, ':');
  char *end = NULL;
  gint64 r;

  if (colon == NULL || colon == spec || colon[1] == '\0' || !g_ascii_isdigit (colon[1]))
    return FALSE;
  r = g_ascii_strtoll (colon + 1, &end, 10);
  if (*end != '\0')
    return FALSE;
  *path = g_strndup (spec, (gsize) (colon - spec));
  *row = r;
  return TRUE;
}

CxTensor *
cx_schema_input_load (const CxModel *model, const char *spec, const char *schema_path,
                      char **sha256, GError **error)
{
  g_autofree char *path = NULL;
  g_autoptr(CxSchema) schema = NULL;
  g_autoptr(CxCsv) csv = NULL;
  int64_t row;

  if (!cx_schema_split_row_spec (spec, &path, &row))
    {
      g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT,
                   "%s: a table row is given as T.csv:ROW (ROW from 1)", spec);
      return NULL;
    }
  if (schema_path == NULL)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT, "%s: a table row needs --schema S.json", spec);
      return NULL;
    }
  schema = cx_schema_load (schema_path, error);
  if (schema == NULL || !cx_schema_check_model (schema, model, error))
    return NULL;
  csv = cx_csv_load (path, error);
  if (csv == NULL || !cx_schema_bind (schema, csv, error))
    return NULL;
  if (row < 1 || row > csv->n_rows)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT,
                   "%s: no row %" G_GINT64_FORMAT " (the table has %" G_GINT64_FORMAT
                   " rows, counted from 1)", path, row, csv->n_rows);
      return NULL;
    }
  if (sha256 != NULL)
    {
      *sha256 = cx_file_sha256 (path, error);
      if (*sha256 == NULL)
        return NULL;
    }
  return cx_schema_encode_row (schema, csv, row - 1, error);
}
