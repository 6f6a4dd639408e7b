/* candor-dataset.c: the inputs opened next to a model.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <gdk/gdk.h>
#include <json-glib/json-glib.h>

#include "candor-dataset.h"
#include "candor-sample.h"
#include "model.h"

#define MAX_CSV_BYTES ((guint64) 1 << 30)

struct _CandorDataset
{
  GObject parent_instance;

  CandorDatasetKind kind;
  guint initial_index;
  gboolean truncated;

  /* owned */
  GFile *file;
  char *name;
  char *sha256;
  GListStore *samples;
  char **columns;
  gboolean *numeric;
  GFile *schema_file;
  char *label_column;
  char **sensitive;
  char **locked;
};

G_DEFINE_FINAL_TYPE (CandorDataset, candor_dataset, G_TYPE_OBJECT)

static void
candor_dataset_finalize (GObject *object)
{
  CandorDataset *self = CANDOR_DATASET (object);

  g_clear_object (&self->file);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->sha256, g_free);
  g_clear_object (&self->samples);
  g_clear_pointer (&self->columns, g_strfreev);
  g_clear_pointer (&self->numeric, g_free);
  g_clear_object (&self->schema_file);
  g_clear_pointer (&self->label_column, g_free);
  g_clear_pointer (&self->sensitive, g_strfreev);
  g_clear_pointer (&self->locked, g_strfreev);

  G_OBJECT_CLASS (candor_dataset_parent_class)->finalize (object);
}

static void
candor_dataset_class_init (CandorDatasetClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = candor_dataset_finalize;
}

static void
candor_dataset_init (CandorDataset *self)
{
  self->samples = g_list_store_new (CANDOR_TYPE_SAMPLE);
}

/* ---- CSV (RFC 4180: quoted fields, doubled quotes, CRLF, a UTF-8 BOM) ---- */

typedef struct
{
  const char *p;
  const char *end;
  guint line;
} CsvReader;

/* Reads one record into @fields; FALSE at the end of the text. */
static gboolean
csv_next_record (CsvReader  *r,
                 GPtrArray  *fields,
                 const char *name,
                 GError    **error)
{
  g_autoptr(GString) field = g_string_new (NULL);
  guint start_line = r->line;

  g_ptr_array_set_size (fields, 0);
  if (r->p >= r->end)
    return FALSE;

  for (;;)
    {
      gboolean quoted = FALSE;

      g_string_truncate (field, 0);
      if (r->p < r->end && *r->p == '"')
        {
          quoted = TRUE;
          r->p++;
          for (;;)
            {
              if (r->p >= r->end)
                {
                  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               _("%s: line %u: a quoted field is not closed"), name, start_line);
                  return FALSE;
                }
              if (*r->p == '"')
                {
                  if (r->p + 1 < r->end && r->p[1] == '"')
                    {
                      g_string_append_c (field, '"');
                      r->p += 2;
                      continue;
                    }
                  r->p++;
                  break;
                }
              if (*r->p == '\n')
                r->line++;
              g_string_append_c (field, *r->p++);
            }
        }
      while (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r')
        {
          if (quoted)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("%s: line %u: text after a closing quote"), name, r->line);
              return FALSE;
            }
          g_string_append_c (field, *r->p++);
        }
      if (!g_utf8_validate (field->str, field->len, NULL))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("%s: line %u: the text is not UTF-8"), name, r->line);
          return FALSE;
        }
      g_ptr_array_add (fields, g_strndup (field->str, field->len));

      if (r->p >= r->end)
        break;
      if (*r->p == ',')
        {
          r->p++;
          continue;
        }
      if (*r->p == '\r')
        r->p++;
      if (r->p < r->end && *r->p == '\n')
        r->p++;
      r->line++;
      break;
    }
  return TRUE;
}

static char **
steal_strv (GPtrArray *fields)
{
  g_ptr_array_add (fields, NULL);
  return (char **) g_ptr_array_steal (fields, NULL);
}

static gboolean
csv_blank_record (GPtrArray *fields)
{
  return fields->len == 1 && *(const char *) g_ptr_array_index (fields, 0) == '\0';
}

static gboolean
parse_number (const char *text)
{
  char *end = NULL;

  if (text == NULL || *text == '\0')
    return FALSE;
  g_ascii_strtod (text, &end);
  return end != NULL && *end == '\0';
}

/* ---- schema ---- */

static char **
json_string_list (JsonObject *object,
                  const char *member)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonNode *node = json_object_get_member (object, member);

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
            g_strv_builder_add (builder, json_node_get_string (element));
        }
    }
  return g_strv_builder_end (builder);
}

static GFile *
find_schema (GFile *csv)
{
  g_autoptr(GFile) dir = g_file_get_parent (csv);
  g_autofree char *base = g_file_get_basename (csv);
  char *dot = strrchr (base, '.');
  g_autofree char *stem = g_strndup (base, dot ? (gsize) (dot - base) : strlen (base));
  g_autofree char *a = g_strconcat (stem, "-schema.json", NULL);
  g_autofree char *b = g_strconcat (stem, ".schema.json", NULL);
  const char *candidates[] = { a, b, "schema.json" };

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      g_autoptr(GFile) f = g_file_get_child (dir, candidates[i]);
      if (g_file_query_file_type (f, G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_REGULAR)
        return g_steal_pointer (&f);
    }
  return NULL;
}

static gboolean
check_schema_column (CandorDataset *self,
                     const char    *column,
                     GError       **error)
{
  if (candor_dataset_find_column (self, column) >= 0)
    return TRUE;
  {
    g_autofree char *schema = g_file_get_basename (self->schema_file);
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                 _("%s: column “%s” is not in %s"), schema, column, self->name);
  }
  return FALSE;
}

static gboolean
load_schema (CandorDataset *self,
             GError       **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *path = g_file_get_path (self->schema_file);
  g_autofree char *schema_name = g_file_get_basename (self->schema_file);
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonObject *object;
  JsonNode *label;

  if (!json_parser_load_from_file (parser, path, &local_error))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s: %s", schema_name, local_error->message);
      return FALSE;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("%s: the schema is not a JSON object"), schema_name);
      return FALSE;
    }
  object = json_node_get_object (root);

  label = json_object_get_member (object, "label");
  if (label != NULL && JSON_NODE_HOLDS_OBJECT (label))
    {
      const char *column = json_object_get_string_member_with_default (json_node_get_object (label),
                                                                       "column", NULL);
      if (column != NULL)
        {
          if (!check_schema_column (self, column, error))
            return FALSE;
          self->label_column = g_strdup (column);
        }
    }
  self->sensitive = json_string_list (object, "sensitive");
  self->locked = json_string_list (object, "locked");
  for (guint i = 0; self->sensitive[i] != NULL; i++)
    if (!check_schema_column (self, self->sensitive[i], error))
      return FALSE;
  for (guint i = 0; self->locked[i] != NULL; i++)
    if (!check_schema_column (self, self->locked[i], error))
      return FALSE;
  return TRUE;
}

/* ---- tables ---- */

static gboolean
load_table (CandorDataset *self,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autofree char *path = g_file_get_path (self->file);
  g_autofree char *contents = NULL;
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  CsvReader reader;
  gsize len = 0;
  guint n_columns;
  int label_index = -1;

  self->kind = CANDOR_DATASET_TABLE;
  if (path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("%s: only local files can be opened"), self->name);
      return FALSE;
    }
  {
    g_autoptr(GFileInfo) info = g_file_query_info (self->file, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                                   G_FILE_QUERY_INFO_NONE, cancellable, error);
    if (info == NULL)
      return FALSE;
    if ((guint64) g_file_info_get_size (info) > MAX_CSV_BYTES)
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                     _("%s: the table is larger than 1 GiB"), self->name);
        return FALSE;
      }
  }
  if (!g_file_get_contents (path, &contents, &len, error))
    return FALSE;
  self->sha256 = cx_file_sha256 (path, error);
  if (self->sha256 == NULL)
    return FALSE;

  reader.p = contents;
  reader.end = contents + len;
  reader.line = 1;
  if (len >= 3 && memcmp (contents, "\xef\xbb\xbf", 3) == 0)
    reader.p += 3;

  if (!csv_next_record (&reader, fields, self->name, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                     _("%s: the table is empty"), self->name);
      return FALSE;
    }
  self->columns = steal_strv (fields);
  n_columns = g_strv_length (self->columns);

  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      guint line = reader.line;

      if (!csv_next_record (&reader, fields, self->name, &local_error))
        {
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          break;
        }
      if (csv_blank_record (fields))
        continue;
      if (fields->len != n_columns)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("%s: line %u has %u fields, the header has %u"),
                       self->name, line, fields->len, n_columns);
          return FALSE;
        }
      if (rows->len == CANDOR_DATASET_MAX_ROWS)
        {
          self->truncated = TRUE;
          break;
        }
      g_ptr_array_add (rows, steal_strv (fields));
      if (rows->len % 4096 == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
    }
  if (rows->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("%s: the table has a header but no rows"), self->name);
      return FALSE;
    }

  self->schema_file = find_schema (self->file);
  if (self->schema_file != NULL && !load_schema (self, error))
    return FALSE;
  if (self->sensitive == NULL)
    self->sensitive = g_new0 (char *, 1);
  if (self->locked == NULL)
    self->locked = g_new0 (char *, 1);
  if (self->label_column != NULL)
    label_index = candor_dataset_find_column (self, self->label_column);

  /* A column is numeric when its first rows all hold numbers; it decides
   * the alignment only, so a sample is enough. */
  self->numeric = g_new0 (gboolean, n_columns);
  for (guint c = 0; c < n_columns; c++)
    {
      self->numeric[c] = TRUE;
      for (guint r = 0; r < MIN (rows->len, 100u) && self->numeric[c]; r++)
        self->numeric[c] = parse_number (((char **) g_ptr_array_index (rows, r))[c]);
    }

  {
    g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func (g_object_unref);
    for (guint r = 0; r < rows->len; r++)
      {
        char **values = g_steal_pointer (&g_ptr_array_index (rows, r));
        const char *label = label_index >= 0 ? values[label_index] : NULL;
        g_ptr_array_add (samples, candor_sample_new_row (r, values, label));
      }
    g_list_store_splice (self->samples, 0, 0, samples->pdata, samples->len);
  }
  return TRUE;
}

/* ---- image folders ---- */

static const char *file_column_names[] = { "file", "filename", "file_name", "image", "path", "name" };
static const char *label_column_names[] = { "class_name", "label_name", "class", "label", "target", "y" };

static int
find_header (char       **header,
             const char **names,
             guint        n_names,
             int          skip)
{
  for (guint n = 0; n < n_names; n++)
    for (int c = 0; header[c] != NULL; c++)
      if (c != skip && g_ascii_strcasecmp (g_strstrip (header[c]), names[n]) == 0)
        return c;
  return -1;
}

/* labels.csv: a header naming the file and label columns (file/filename/
 * image…, label/class/class_name…) and one row per image. A numeric label
 * is a class index into the model's "classes" metadata. */
static GHashTable *
load_labels (GFile              *folder,
             const char * const *classes,
             GError            **error)
{
  g_autoptr(GFile) file = g_file_get_child (folder, "labels.csv");
  g_autoptr(GHashTable) labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *contents = NULL;
  g_auto(GStrv) header = NULL;
  guint n_classes = classes ? g_strv_length ((char **) classes) : 0;
  CsvReader reader;
  gsize len;
  int file_col, label_col;

  if (!g_file_load_contents (file, NULL, &contents, &len, NULL, NULL))
    return NULL;  /* no labels: the samples are shown without them */

  reader.p = contents;
  reader.end = contents + len;
  reader.line = 1;
  if (len >= 3 && memcmp (contents, "\xef\xbb\xbf", 3) == 0)
    reader.p += 3;
  if (!csv_next_record (&reader, fields, "labels.csv", error))
    return (error && *error) ? NULL : g_steal_pointer (&labels);
  header = steal_strv (fields);
  file_col = find_header (header, file_column_names, G_N_ELEMENTS (file_column_names), -1);
  if (file_col < 0)
    file_col = 0;
  label_col = find_header (header, label_column_names, G_N_ELEMENTS (label_column_names), file_col);
  if (label_col < 0)
    label_col = file_col == 0 ? 1 : 0;
  if (label_col >= (int) g_strv_length (header))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("labels.csv: expected a file column and a label column"));
      return NULL;
    }

  while (csv_next_record (&reader, fields, "labels.csv", error))
    {
      const char *name, *label;
      char *end = NULL;
      guint64 index;

      if (csv_blank_record (fields))
        continue;
      if ((int) fields->len <= MAX (file_col, label_col))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("labels.csv: line %u has %u fields, expected %d"),
                       reader.line - 1, fields->len, MAX (file_col, label_col) + 1);
          return NULL;
        }
      name = g_ptr_array_index (fields, file_col);
      label = g_ptr_array_index (fields, label_col);
      index = g_ascii_strtoull (label, &end, 10);
      if (end != label && *end == '\0' && index < n_classes)
        label = classes[index];
      g_hash_table_insert (labels, g_path_get_basename (name), g_strdup (label));
    }
  if (error != NULL && *error != NULL)
    return NULL;
  return g_steal_pointer (&labels);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  const char * const *sa = a;
  const char * const *sb = b;
  g_autofree char *ka = g_utf8_collate_key_for_filename (*sa, -1);
  g_autofree char *kb = g_utf8_collate_key_for_filename (*sb, -1);
  return strcmp (ka, kb);
}

static gboolean
has_suffix_ci (const char *name,
               const char *suffix)
{
  gsize n = strlen (name), s = strlen (suffix);
  return n > s && g_ascii_strcasecmp (name + n - s, suffix) == 0;
}

static gboolean
load_images (CandorDataset      *self,
             GFile              *selected,
             const char * const *classes,
             GCancellable       *cancellable,
             GError            **error)
{
  g_autoptr(GFileEnumerator) enumerator = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) labels = NULL;
  g_autofree char *selected_name = selected ? g_file_get_basename (selected) : NULL;

  self->kind = CANDOR_DATASET_IMAGES;
  enumerator = g_file_enumerate_children (self->file,
                                          G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                          G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                          G_FILE_QUERY_INFO_NONE, cancellable, error);
  if (enumerator == NULL)
    return FALSE;
  for (;;)
    {
      GFileInfo *info = NULL;
      if (!g_file_enumerator_iterate (enumerator, &info, NULL, cancellable, error))
        return FALSE;
      if (info == NULL)
        break;
      if (g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR
          && has_suffix_ci (g_file_info_get_name (info), ".png"))
        g_ptr_array_add (names, g_strdup (g_file_info_get_name (info)));
    }
  if (names->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("%s: there are no PNG images in this folder"), self->name);
      return FALSE;
    }
  g_ptr_array_sort (names, compare_names);
  if (names->len > CANDOR_DATASET_MAX_IMAGES)
    {
      g_ptr_array_set_size (names, CANDOR_DATASET_MAX_IMAGES);
      self->truncated = TRUE;
    }

  labels = load_labels (self->file, classes, error);
  if (error != NULL && *error != NULL)
    return FALSE;

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autoptr(GFile) file = g_file_get_child (self->file, name);
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GdkTexture) texture = gdk_texture_new_from_file (file, &local_error);

      if (texture == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "%s: %s", name, local_error->message);
          return FALSE;
        }
      if (selected_name != NULL && strcmp (name, selected_name) == 0)
        self->initial_index = i;
      g_ptr_array_add (samples, candor_sample_new_image (i, file, texture,
                                                         labels ? g_hash_table_lookup (labels, name) : NULL));
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
    }
  g_list_store_splice (self->samples, 0, 0, samples->pdata, samples->len);
  return TRUE;
}

gboolean
candor_dataset_can_load (GFile *file)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  if (g_file_query_file_type (file, G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_DIRECTORY)
    return TRUE;
  name = g_file_get_basename (file);
  return name != NULL && (has_suffix_ci (name, ".png") || has_suffix_ci (name, ".csv"));
}

CandorDataset *
candor_dataset_load (GFile               *file,
                     const char * const  *classes,
                     GCancellable        *cancellable,
                     GError             **error)
{
  g_autoptr(CandorDataset) self = NULL;
  g_autofree char *name = NULL;
  GFileType type;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  self = g_object_new (CANDOR_TYPE_DATASET, NULL);
  name = g_file_get_basename (file);
  type = g_file_query_file_type (file, G_FILE_QUERY_INFO_NONE, cancellable);

  if (type == G_FILE_TYPE_DIRECTORY)
    {
      self->file = g_object_ref (file);
      self->name = g_steal_pointer (&name);
      if (!load_images (self, NULL, classes, cancellable, error))
        return NULL;
    }
  else if (type == G_FILE_TYPE_UNKNOWN)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("%s: no such file or folder"), name);
      return NULL;
    }
  else if (has_suffix_ci (name, ".png"))
    {
      self->file = g_file_get_parent (file);
      self->name = g_file_get_basename (self->file);
      if (!load_images (self, file, classes, cancellable, error))
        return NULL;
    }
  else if (has_suffix_ci (name, ".csv"))
    {
      self->file = g_object_ref (file);
      self->name = g_steal_pointer (&name);
      if (!load_table (self, cancellable, error))
        return NULL;
    }
  else
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("%s: expected a folder of PNG images, a PNG image or a CSV table"), name);
      return NULL;
    }
  return g_steal_pointer (&self);
}

CandorDatasetKind
candor_dataset_get_kind (CandorDataset *self)
{
  g_return_val_if_fail (CANDOR_IS_DATASET (self), 0);
  return self->kind;
}

GFile *
candor_dataset_get_file (CandorDataset *self)
{
  g_return_val_if_fail (CANDOR_IS_DATASET (self), NULL);
  return self->file;
}

const char *
candor_dataset_get_name (CandorDataset *self)
{
  g_return_val_if_fail (CANDOR_IS_DATASET (self), NULL);
  return self->name;
}

const char *
candor_dataset_get_sha256 (CandorDataset *self)
{
  g_return_val_if_fail (CANDOR_IS_DATASET (self), NULL);
  return self->sha256;
}

GListModel *
candor_dataset_get_samples (CandorDataset *self)
{
  g_return_val_if_fail (CANDOR_IS_DATASET (self), NULL);
  return G_LIST_MODEL (self->samples);
}

guint
candor_dataset_get_initial_index (CandorDataset *self)
{
  g_return_val_if_fail (CANDOR_IS_DATASET (self), 0);
  return self->initial_index;
}

gboolean
candor_dataset_get_truncated (CandorDataset *self)
{
  g_return_val_if_fail (CANDOR_IS_DATASET (self), FALSE);
  return self->truncated;
}

const char * const *
candor_dataset_get_columns (CandorDataset *self)
{
  g_return_val_if_fail (CANDOR_IS_DATASET (self), NULL);
  return (const char * const *) self->columns;
}

GFile *
candor_dataset_get_schema_file (CandorDataset *self)
{
  g_return_val_if_fail (CANDOR_IS_DATASET (self), NULL);
  return self->schema_file;
}

const char *
candor_dataset_get_label_column (CandorDataset *self)
{
  g_return_val_if_fail (CANDOR_IS_DATASET (self), NULL);
  return self->label_column;
}

const char * const *
candor_dataset_get_sensitive_columns (CandorDataset *self)
{
  g_return_val_if_fail (CANDOR_IS_DATASET (self), NULL);
  return (const char * const *) self->sensitive;
}

const char * const *
candor_dataset_get_locked_columns (CandorDataset *self)
{
  g_return_val_if_fail (CANDOR_IS_DATASET (self), NULL);
  return (const char * const *) self->locked;
}

int
candor_dataset_find_column (CandorDataset *self,
                            const char    *column)
{
  g_return_val_if_fail (CANDOR_IS_DATASET (self), -1);

  if (self->columns == NULL || column == NULL)
    return -1;
  for (int c = 0; self->columns[c] != NULL; c++)
    if (strcmp (self->columns[c], column) == 0)
      return c;
  return -1;
}

gboolean
candor_dataset_column_is_numeric (CandorDataset *self,
                                  guint          column)
{
  g_return_val_if_fail (CANDOR_IS_DATASET (self), FALSE);

  if (self->numeric == NULL || self->columns == NULL || column >= g_strv_length (self->columns))
    return FALSE;
  return self->numeric[column];
}
