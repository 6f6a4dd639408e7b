/* fuzz-csv.c: CSV tables and their schemas from untrusted bytes.
 *
 * An input holding a NUL byte is a schema (before it) and a table (after
 * it); one without is a table read with the mortgage demo's schema. Each
 * goes through everything Candor does with a table before predicting:
 * parse, check the schema, bind it to the header, encode every row, read
 * the labels.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "csv.h"
#include "schema.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static char *demo_schema;
static gsize demo_schema_len;

static void
load_demo_schema (void)
{
  const char *src = g_getenv ("CANDOR_SOURCE_DIR");
  g_autofree char *path = g_build_filename (src ? src : CANDOR_SOURCE_DIR, "resources", "demo",
                                            "hmda-schema.json", NULL);
  if (!g_file_get_contents (path, &demo_schema, &demo_schema_len, NULL))
    g_error ("fuzz-csv: cannot read %s", path);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *text = (const char *) data;
  const char *nul = memchr (data, '\0', size);
  g_autoptr(GError) error = NULL;
  g_autoptr(CxSchema) schema = NULL;
  g_autoptr(CxCsv) csv = NULL;
  g_autoptr(CxTensor) x = NULL;
  g_autofree guint8 *labels = NULL;

  if (demo_schema == NULL)
    load_demo_schema ();
  cx_tensor_set_limit (64 << 20);
  if (nul != NULL)
    {
      schema = cx_schema_parse (text, nul - text, "fuzz.json", &error);
      g_assert ((schema == NULL) == (error != NULL));
      g_clear_error (&error);
      size -= (nul - text) + 1;
      text = nul + 1;
    }
  else
    {
      schema = cx_schema_parse (demo_schema, demo_schema_len, "hmda-schema.json", &error);
      g_assert (schema != NULL);
    }
  csv = cx_csv_parse (text, size, "fuzz.csv", &error);
  g_assert ((csv == NULL) == (error != NULL));
  if (csv == NULL || schema == NULL)
    return 0;
  /* Every cell is readable. */
  for (int64_t r = 0; r < csv->n_rows; r++)
    for (int c = 0; c < csv->n_columns; c++)
      g_assert (cx_csv_cell (csv, r, c) != NULL);
  if (!cx_schema_bind (schema, csv, &error))
    {
      g_assert (error != NULL);
      return 0;
    }
  x = cx_schema_encode (schema, csv, &error);
  g_assert ((x == NULL) == (error != NULL));
  g_clear_error (&error);
  if (x != NULL)
    g_assert (x->numel == csv->n_rows * schema->n_features);
  if (schema->label_column != NULL)
    {
      labels = cx_schema_labels (schema, csv, &error);
      g_assert ((labels == NULL) == (error != NULL));
    }
  return 0;
}
