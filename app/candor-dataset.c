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
#include "csv.h"
#include "engine.h"
#include "fairness.h"
#include "input.h"
#include "model.h"
#include "schema.h"

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
  CxCsv *csv;
  CxSchema *schema;
  CxTensor *encoded;         /* [N, F] after candor_dataset_predict (), tables */
  CxTensor *probabilities;   /* [N, K] after candor_dataset_predict () */
  guint8 *truth;             /* tables: 1 when the label is the positive one */
  int favourable;            /* the output index of the favourable decision */
  char *prediction_error;    /* why the model could not predict the samples */
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
  g_clear_pointer (&self->csv, cx_csv_free);
  g_clear_pointer (&self->schema, cx_schema_free);
  g_clear_pointer (&self->encoded, cx_tensor_free);
  g_clear_pointer (&self->probabilities, cx_tensor_free);
  g_clear_pointer (&self->truth, g_free);
  g_clear_pointer (&self->prediction_error, g_free);

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

static gboolean
parse_number (const char *text)
{
  double value;

  return text != NULL && *text != '\0' && cx_parse_number (text, &value);
}

/* ---- schema ---- */

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

/* ---- tables ---- */

static gboolean
load_table (CandorDataset *self,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autofree char *path = g_file_get_path (self->file);
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func (g_object_unref);
  const CxCsv *csv;
  int64_t n_rows;
  int label_index = -1;

  self->kind = CANDOR_DATASET_TABLE;
  if (path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("%s: only local files can be opened"), self->name);
      return FALSE;
    }
  self->csv = cx_csv_load (path, error);
  if (self->csv == NULL)
    return FALSE;
  csv = self->csv;
  if (csv->n_rows == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("%s: the table has a header but no rows"), self->name);
      return FALSE;
    }
  self->sha256 = cx_file_sha256 (path, error);
  if (self->sha256 == NULL || g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  self->columns = g_new0 (char *, csv->n_columns + 1);
  for (int c = 0; c < csv->n_columns; c++)
    self->columns[c] = g_strdup (csv->header[c]);

  /* The schema says which columns are the label, the groups and the
   * locked ones, and how a row becomes the model's input. */
  self->schema_file = find_schema (self->file);
  if (self->schema_file != NULL)
    {
      g_autofree char *schema_path = g_file_get_path (self->schema_file);
      self->schema = cx_schema_load (schema_path, error);
      if (self->schema == NULL || !cx_schema_bind (self->schema, csv, error))
        return FALSE;
      self->label_column = g_strdup (self->schema->label_column);
      self->sensitive = g_strdupv (self->schema->sensitive);
      self->locked = g_strdupv (self->schema->locked);
    }
  if (self->sensitive == NULL)
    self->sensitive = g_new0 (char *, 1);
  if (self->locked == NULL)
    self->locked = g_new0 (char *, 1);
  if (self->label_column != NULL)
    label_index = cx_csv_column (csv, self->label_column);

  /* A column is numeric when its first rows all hold numbers; it decides
   * the alignment only, so a sample is enough. */
  self->numeric = g_new0 (gboolean, csv->n_columns);
  for (int c = 0; c < csv->n_columns; c++)
    {
      self->numeric[c] = TRUE;
      for (int64_t r = 0; r < MIN (csv->n_rows, 100) && self->numeric[c]; r++)
        self->numeric[c] = parse_number (cx_csv_cell (csv, r, c));
    }

  n_rows = MIN (csv->n_rows, CANDOR_DATASET_MAX_ROWS);
  self->truncated = csv->n_rows > n_rows;
  for (int64_t r = 0; r < n_rows; r++)
    {
      char **values = g_new (char *, csv->n_columns + 1);
      for (int c = 0; c < csv->n_columns; c++)
        values[c] = g_strdup (cx_csv_cell (csv, r, c));
      values[csv->n_columns] = NULL;
      g_ptr_array_add (samples, candor_sample_new_row ((guint) r, values,
                                                       label_index >= 0 ? values[label_index] : NULL));
      if (r % 4096 == 4095 && g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
    }
  g_list_store_splice (self->samples, 0, 0, samples->pdata, samples->len);
  return TRUE;
}

/* ---- image folders ---- */

/* labels.csv: a file column and a label column (as cx_image_labels_columns
 * finds them) and one row per image. A numeric label is a class index
 * into the model's "classes" metadata. */
static GHashTable *
load_labels (GFile              *folder,
             const char * const *classes,
             GError            **error)
{
  g_autoptr(GFile) file = g_file_get_child (folder, "labels.csv");
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(GHashTable) labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(CxCsv) csv = NULL;
  guint n_classes = classes ? g_strv_length ((char **) classes) : 0;
  int file_col, label_col;

  if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return NULL;  /* no labels: the samples are shown without them */
  csv = cx_csv_load (path, error);
  if (csv == NULL || !cx_image_labels_columns (csv, &file_col, &label_col, error))
    return NULL;
  for (int64_t r = 0; r < csv->n_rows; r++)
    {
      const char *name = cx_csv_cell (csv, r, file_col);
      const char *label = cx_csv_cell (csv, r, label_col);
      char *end = NULL;
      guint64 index = g_ascii_strtoull (label, &end, 10);

      if (end != label && *end == '\0' && index < n_classes)
        label = classes[index];
      g_hash_table_insert (labels, g_path_get_basename (name), g_strdup (label));
    }
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

const CxCsv *
candor_dataset_get_csv (CandorDataset *self)
{
  g_return_val_if_fail (CANDOR_IS_DATASET (self), NULL);
  return self->csv;
}

const CxSchema *
candor_dataset_get_schema (CandorDataset *self)
{
  g_return_val_if_fail (CANDOR_IS_DATASET (self), NULL);
  return self->schema;
}

const CxTensor *
candor_dataset_get_encoded (CandorDataset *self)
{
  g_return_val_if_fail (CANDOR_IS_DATASET (self), NULL);
  return self->encoded;
}

const CxTensor *
candor_dataset_get_probabilities (CandorDataset *self)
{
  g_return_val_if_fail (CANDOR_IS_DATASET (self), NULL);
  return self->probabilities;
}

const guint8 *
candor_dataset_get_truth (CandorDataset *self)
{
  g_return_val_if_fail (CANDOR_IS_DATASET (self), NULL);
  return self->truth;
}

int
candor_dataset_get_favourable (CandorDataset *self)
{
  g_return_val_if_fail (CANDOR_IS_DATASET (self), 0);
  return self->favourable;
}

/* ---- predictions ---- */

#define IMAGE_CHUNK 64

/* The [N, C, H, W] inputs of images @first … @first + @n − 1. */
static CxTensor *
load_image_batch (CandorDataset *self,
                  const CxModel *model,
                  guint          first,
                  guint          n,
                  GError       **error)
{
  CxTensor *batch = NULL;
  gsize row = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CandorSample) sample = g_list_model_get_item (G_LIST_MODEL (self->samples), first + i);
      g_autofree char *path = g_file_get_path (candor_sample_get_file (sample));
      g_autoptr(CxTensor) x = cx_input_load (model, path, NULL, error);

      if (x == NULL)
        {
          g_clear_pointer (&batch, cx_tensor_free);
          return NULL;
        }
      if (batch == NULL)
        {
          int64_t shape[CX_MAX_DIMS];
          memcpy (shape, x->shape, sizeof (int64_t) * x->ndim);
          shape[0] = n;
          row = x->numel;
          batch = cx_tensor_new (CX_ELEM_FLOAT, x->ndim, shape, error);
          if (batch == NULL)
            return NULL;
        }
      if (x->numel != (int64_t) row)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("%s: the image gives an input of another size than the first one"),
                       candor_sample_get_name (sample));
          g_clear_pointer (&batch, cx_tensor_free);
          return NULL;
        }
      memcpy (batch->data.f + i * row, x->data.f, row * sizeof (float));
    }
  return batch;
}

static CxTensor *
predict_rows (const CxModel *model,
              const CxTensor *x,
              GError       **error)
{
  g_autoptr(CxTensor) out = cx_engine_predict (model, x, 0, NULL, error);
  CxTensor *prob;

  if (out == NULL)
    return NULL;
  prob = cx_output_probabilities (model, 0, out);
  return prob != NULL ? prob : cx_softmax_rows (out);
}

gboolean
candor_dataset_predict (CandorDataset *self,
                        const CxModel *model,
                        const char * const *classes,
                        GCancellable  *cancellable,
                        GError       **error)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->samples));
  int64_t k;

  g_return_val_if_fail (CANDOR_IS_DATASET (self), FALSE);

  g_clear_pointer (&self->probabilities, cx_tensor_free);
  g_clear_pointer (&self->encoded, cx_tensor_free);
  g_clear_pointer (&self->truth, g_free);

  if (self->kind == CANDOR_DATASET_TABLE)
    {
      if (self->schema == NULL)
        return TRUE;  /* without a schema rows cannot become inputs */
      if (!cx_schema_check_model (self->schema, model, error))
        return FALSE;
      self->encoded = cx_schema_encode (self->schema, self->csv, error);
      if (self->encoded == NULL)
        return FALSE;
      self->probabilities = predict_rows (model, self->encoded, error);
      if (self->probabilities == NULL)
        return FALSE;
      self->favourable = self->schema->favourable_output;
      if (self->schema->label_column != NULL)
        {
          self->truth = cx_schema_labels (self->schema, self->csv, error);
          if (self->truth == NULL)
            return FALSE;
        }
    }
  else
    {
      for (guint first = 0; first < n; first += IMAGE_CHUNK)
        {
          guint m = MIN (IMAGE_CHUNK, n - first);
          g_autoptr(CxTensor) x = load_image_batch (self, model, first, m, error);
          g_autoptr(CxTensor) prob = NULL;

          if (x == NULL || g_cancellable_set_error_if_cancelled (cancellable, error))
            return FALSE;
          prob = predict_rows (model, x, error);
          if (prob == NULL)
            return FALSE;
          if (self->probabilities == NULL)
            {
              int64_t shape[2] = { n, prob->shape[prob->ndim - 1] };
              self->probabilities = cx_tensor_new (CX_ELEM_FLOAT, 2, shape, error);
              if (self->probabilities == NULL)
                return FALSE;
            }
          memcpy (self->probabilities->data.f + (gsize) first * self->probabilities->shape[1],
                  prob->data.f, prob->numel * sizeof (float));
        }
    }

  k = self->probabilities->shape[1];
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CandorSample) sample = g_list_model_get_item (G_LIST_MODEL (self->samples), i);
      int64_t predicted = cx_argmax_row (self->probabilities, i);
      const char *name = classes != NULL && predicted < (int64_t) g_strv_length ((char **) classes)
                         ? classes[predicted] : NULL;
      g_autofree char *fallback = name ? NULL : g_strdup_printf ("%" G_GINT64_FORMAT, predicted);
      int correct = -1;

      if (self->truth != NULL)
        correct = (predicted == self->favourable) == (self->truth[i] != 0);
      else if (candor_sample_get_label (sample) != NULL && name != NULL)
        correct = g_strcmp0 (candor_sample_get_label (sample), name) == 0;
      candor_sample_set_prediction (sample, name ? name : fallback,
                                    self->probabilities->data.f[(gsize) i * k + predicted], correct);
    }
  return TRUE;
}

void
candor_dataset_set_prediction_error (CandorDataset *self,
                                     const char    *message)
{
  g_return_if_fail (CANDOR_IS_DATASET (self));
  g_free (self->prediction_error);
  self->prediction_error = g_strdup (message);
}

const char *
candor_dataset_get_prediction_error (CandorDataset *self)
{
  g_return_val_if_fail (CANDOR_IS_DATASET (self), NULL);
  return self->prediction_error;
}
