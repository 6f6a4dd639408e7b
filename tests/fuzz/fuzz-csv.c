/* fuzz-csv.c: CSV tables and their schemas from untrusted bytes.
 *
 * An input holding a NUL byte is SCHEMA NUL TABLE: both are fuzzed. One
 * without is a table alone, read with the demo HMDA schema. The pair goes
 * through parse, the check against the demo HMDA model, bind, encode and
 * labels. A table that parses must also survive being written back with
 * cx_csv_append_record (), and one encoded row must match the whole table's.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"
#include "csv.h"
#include "schema.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const char *
demo_schema (gsize *len)
{
  static char *text;
  static gsize text_len;

  if (text == NULL)
    g_assert_true (g_file_get_contents (CANDOR_DEMO_DIR "/hmda-schema.json", &text, &text_len, NULL));
  *len = text_len;
  return text;
}

static const CxModel *
demo_model (void)
{
  static CxModel *model;

  if (model == NULL)
    {
      g_autoptr(GError) error = NULL;
      model = cx_model_load (CANDOR_DEMO_DIR "/hmda-mlp.onnx", NULL, &error);
      g_assert_no_error (error);
    }
  return model;
}

/* Writes the table back as CSV and reads it again: every cell must return. */
static void
check_round_trip (const CxCsv *csv)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree const char **row = g_new (const char *, csv->n_columns);
  g_autoptr(GError) error = NULL;
  g_autoptr(CxCsv) back = NULL;

  cx_csv_append_record (text, (const char *const *) csv->header, csv->n_columns);
  for (int64_t r = 0; r < csv->n_rows; r++)
    {
      for (int c = 0; c < csv->n_columns; c++)
        row[c] = cx_csv_cell (csv, r, c);
      cx_csv_append_record (text, row, csv->n_columns);
    }
  back = cx_csv_parse (text->str, text->len, "round-trip.csv", &error);
  g_assert_no_error (error);
  g_assert_cmpint (back->n_columns, ==, csv->n_columns);
  g_assert_cmpint (back->n_rows, ==, csv->n_rows);
  for (int c = 0; c < csv->n_columns; c++)
    g_assert_cmpstr (back->header[c], ==, csv->header[c]);
  for (int64_t r = 0; r < csv->n_rows; r++)
    for (int c = 0; c < csv->n_columns; c++)
      g_assert_cmpstr (cx_csv_cell (back, r, c), ==, cx_csv_cell (csv, r, c));
}

/* Row @r encoded alone, and from its cells, equals that row of @x. */
static void
check_row (const CxSchema *schema, const CxCsv *csv, const CxTensor *x, int64_t r)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CxTensor) one = cx_schema_encode_row (schema, csv, r, &error);
  g_autofree const char **values = g_new (const char *, schema->n_columns);
  g_autofree float *direct = g_new (float, schema->n_features);
  gsize bytes = (gsize) schema->n_features * sizeof (float);

  g_assert_no_error (error);
  g_assert_cmpmem (one->data.f, bytes, x->data.f + r * schema->n_features, bytes);
  for (int c = 0; c < schema->n_columns; c++)
    values[c] = cx_csv_cell (csv, r, schema->columns[c].csv_column);
  g_assert_true (cx_schema_encode_values (schema, values, direct, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (direct, bytes, one->data.f, bytes);
}

/* Parsed in parts (what tables of a megabyte or more get), the table must
 * give the very same cells, or the very same error. */
static void
check_in_parts (const char *text, gsize len, const CxCsv *whole, const GError *whole_error)
{
  for (int nparts = 2; nparts <= 5; nparts += 3)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CxCsv) parts = NULL;

      cx_csv_set_parts (nparts);
      parts = cx_csv_parse (text, len, "fuzz.csv", &error);
      cx_csv_set_parts (0);
      if (whole == NULL)
        {
          g_assert_null (parts);
          g_assert_nonnull (error);
          g_assert_cmpstr (error->message, ==, whole_error->message);
          continue;
        }
      g_assert_no_error (error);
      g_assert_cmpint (parts->n_rows, ==, whole->n_rows);
      g_assert_cmpint (parts->n_columns, ==, whole->n_columns);
      for (int c = 0; c < whole->n_columns; c++)
        g_assert_cmpstr (parts->header[c], ==, whole->header[c]);
      for (int64_t r = 0; r < whole->n_rows; r++)
        for (int c = 0; c < whole->n_columns; c++)
          g_assert_cmpstr (cx_csv_cell (parts, r, c), ==, cx_csv_cell (whole, r, c));
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *text = (const char *) data;
  const char *nul = size > 0 ? memchr (data, '\0', size) : NULL;
  const char *schema_text = text;
  gsize schema_len, table_len = size;
  g_autoptr(GError) error = NULL;
  g_autoptr(CxSchema) schema = NULL;
  g_autoptr(CxCsv) csv = NULL;
  g_autoptr(CxTensor) x = NULL;
  g_autofree guint8 *labels = NULL;

  cx_tensor_set_limit (64 << 20);
  if (nul != NULL)
    {
      schema_len = (gsize) (nul - text);
      text = nul + 1;
      table_len = size - schema_len - 1;
    }
  else
    schema_text = demo_schema (&schema_len);

  csv = cx_csv_parse (text, table_len, "fuzz.csv", &error);
  g_assert ((csv == NULL) == (error != NULL));
  check_in_parts (text, table_len, csv, error);
  if (csv == NULL)
    return 0;
  check_round_trip (csv);

  schema = cx_schema_parse (schema_text, schema_len, "fuzz.json", &error);
  g_assert ((schema == NULL) == (error != NULL));
  if (schema == NULL)
    return 0;
  if (!cx_schema_check_model (schema, demo_model (), &error))
    g_clear_error (&error);
  if (!cx_schema_bind (schema, csv, &error))
    {
      g_assert_nonnull (error);
      return 0;
    }
  g_assert_no_error (error);

  x = cx_schema_encode (schema, csv, &error);
  g_assert ((x == NULL) == (error != NULL));
  g_clear_error (&error);
  if (x != NULL)
    {
      g_assert_cmpint (x->shape[0], ==, csv->n_rows);
      g_assert_cmpint (x->shape[1], ==, schema->n_features);
      check_row (schema, csv, x, 0);
      check_row (schema, csv, x, csv->n_rows - 1);
    }
  labels = cx_schema_labels (schema, csv, &error);
  g_assert ((labels == NULL) == (error != NULL));
  return 0;
}
