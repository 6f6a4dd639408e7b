/* csv.h: comma-separated tables as RFC 4180 defines them.
 *
 * Quoted fields may hold commas, doubled quotes and line breaks; records end
 * in LF or CRLF; a UTF-8 byte-order mark is skipped; empty lines are skipped.
 * The first record is the header. Every cell must be valid UTF-8 and every
 * record must have as many fields as the header.
 *
 * Rows are numbered from 1, the first record after the header, in messages
 * and wherever a caller names a row (`--row`, `T.csv:ROW`).
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

/* Largest table read, in bytes (1 GiB). */
#define CX_CSV_MAX_BYTES (G_GUINT64_CONSTANT (1) << 30)

typedef struct
{
  char *path;                  /* as given, for messages */
  int n_columns;
  int64_t n_rows;              /* records after the header */
  char **header;               /* n_columns names, borrowed from the buffer */
  /* private */
  char *buffer;                /* unescaped cells, NUL-terminated, owned */
  guint32 *cells;              /* n_rows × n_columns offsets into buffer */
} CxCsv;

/* Reads and parses @path. Errors (CX_ERROR) name the file, and the row and
 * column where the table is broken. */
CxCsv       *cx_csv_load         (const char *path, GError **error);
/* Parses @len bytes of @data; @name is used in messages. */
CxCsv       *cx_csv_parse        (const char *data, gsize len, const char *name, GError **error);
/* Tables of a megabyte or more are validated and parsed in parts, one per
 * thread. For the tests and the fuzzer: @nparts > 0 makes every later
 * parse of any size use that many parts, 0 goes back to choosing by size. */
void         cx_csv_set_parts    (int nparts);
void         cx_csv_free         (CxCsv *csv);

/* The text of a cell (row counted from 0 here), never NULL. */
static inline const char *
cx_csv_cell (const CxCsv *csv, int64_t row, int column)
{
  return csv->buffer + csv->cells[row * csv->n_columns + column];
}

/* Index of the column named @name, or -1. */
int          cx_csv_column       (const CxCsv *csv, const char *name);

/* Appends @text as one field, quoted when it holds a comma, a quote, a line
 * break, leading or trailing space or a leading byte-order mark. */
void         cx_csv_append_field (GString *out, const char *text);
/* Appends a record of @n fields and a line break (LF); a record of one
 * empty field is written as "" so that it is not read as an empty line. */
void         cx_csv_append_record (GString *out, const char *const *fields, int n);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CxCsv, cx_csv_free)

G_END_DECLS
