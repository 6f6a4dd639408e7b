/* schema.h: how the columns of a CSV table become a model's input vector.
 *
 * The schema (DESIGN.md, "Tabular schema") lists the model's input
 * features in order. A numeric feature is (value − mean) / std of a
 * column; an "equals" feature is 1 when the column's text equals it, else
 * 0, and all "equals" features of one column form one categorical column.
 *
 * A feature may carry "fill": the value an empty cell stands for (a number
 * for a numeric column, one of the listed categories for a categorical
 * one; every feature of a column that gives it must give the same). Without
 * it an empty cell is an error naming its row and column.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "csv.h"
#include "model.h"

G_BEGIN_DECLS

typedef enum
{
  CX_COLUMN_NUMERIC,
  CX_COLUMN_CATEGORICAL,
} CxColumnKind;

typedef struct
{
  char *column;                /* the CSV column */
  char *equals;                /* the category it tests, NULL for a numeric feature */
  double mean;                 /* numeric: (value − mean) / std */
  double std;
  int raw;                     /* index into CxSchema.columns */
} CxSchemaFeature;

/* A raw column the model reads, in order of its first feature. */
typedef struct
{
  char *name;
  CxColumnKind kind;
  int *features;               /* its encoded features, in input order */
  int n_features;
  char **categories;           /* categorical: the "equals" texts, feature order */
  char *fill;                  /* text of an empty cell, or NULL: an empty cell is an error */
  gboolean locked;             /* listed in the schema's "locked" */
  int csv_column;              /* after cx_schema_bind (), else −1 */
  /* private */
  GHashTable *category_index;  /* categorical: category → position in categories */
} CxSchemaColumn;

typedef struct
{
  char *path;                  /* as given, for messages */
  CxSchemaFeature *features;
  int n_features;
  CxSchemaColumn *columns;
  int n_columns;
  char *label_column;          /* NULL when the schema gives no label */
  char *label_positive;        /* the label's text that means the positive class */
  int favourable_output;       /* the output index of the favourable decision (default 1) */
  char **sensitive;            /* NULL-terminated; may name columns the model does not read */
  char **locked;               /* NULL-terminated */

  /* Set by cx_schema_bind (): CSV column indices, −1 when absent. */
  int label_csv_column;
  int *sensitive_csv_columns;

  /* private */
  GHashTable *column_index;    /* column name → index into columns */
} CxSchema;

/* Reads and checks a schema. Errors name the file, the feature and the key. */
CxSchema   *cx_schema_load          (const char *path, GError **error);
CxSchema   *cx_schema_parse         (const char *data, gsize len, const char *name,
                                     GError **error);
void        cx_schema_free          (CxSchema *schema);

/* Index into schema->columns of the raw column @name, or −1. */
int         cx_schema_find_column   (const CxSchema *schema, const char *name);

/* Checks @model takes one [N, F] float input with F the schema's feature
 * count, and has an output row holding favourable_output. */
gboolean    cx_schema_check_model   (const CxSchema *schema, const CxModel *model,
                                     GError **error);
/* Finds every column the schema names (features, label, sensitive, locked)
 * in @csv's header. */
gboolean    cx_schema_bind          (CxSchema *schema, const CxCsv *csv, GError **error);

/* The [N, F] float input for every row of a bound @csv. Errors name the
 * row (from 1) and column: a number that is not one, a category the
 * schema does not list, an empty cell without a fill. */
CxTensor   *cx_schema_encode        (const CxSchema *schema, const CxCsv *csv, GError **error);
/* The [1, F] input for row @row (from 0) of a bound @csv. */
CxTensor   *cx_schema_encode_row    (const CxSchema *schema, const CxCsv *csv, int64_t row,
                                     GError **error);
/* Encodes one row given as the text of each schema column (schema->columns
 * order) into @out (F floats). @what names the row in messages. */
gboolean    cx_schema_encode_values (const CxSchema *schema, const char *const *values,
                                     float *out, const char *what, GError **error);
/* Per row: 1 when the label column holds label_positive, else 0. NULL
 * with an error when the schema has no label or a label cell is empty. */
guint8     *cx_schema_labels        (const CxSchema *schema, const CxCsv *csv, GError **error);

/* Parses a whole cell as a finite number (surrounding blanks allowed). */
gboolean    cx_parse_number         (const char *text, double *value);

/* `T.csv:ROW` (ROW from 1) with a schema: loads the table, checks it and the
 * schema against @model, and returns that row's [1, F] input. @sha256
 * (optional) receives the CSV file's digest. */
CxTensor   *cx_schema_input_load    (const CxModel *model, const char *spec,
                                     const char *schema_path, char **sha256, GError **error);
/* Splits "T.csv:ROW" into the path and the row (from 1); FALSE when @spec
 * does not end in ":ROW". */
gboolean    cx_schema_split_row_spec (const char *spec, char **path, int64_t *row);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CxSchema, cx_schema_free)

G_END_DECLS
