#include "atomic-file.h"
/* csv.c: an RFC 4180 reader that unescapes in place.
 *
 * The file is read into one buffer and every cell is unescaped where it
 * lies (an unescaped cell is never longer than its source), so a table costs
 * its own size plus one offset per cell.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "csv.h"
#include "cx-error.h"
#include "parallel.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

typedef struct
{
  guint32 *v;
  gsize len;
  gsize cap;
} Offsets;

static void
offsets_push (Offsets *o, guint32 x)
{
  if (o->len == o->cap)
    {
      o->cap = MAX (o->cap * 2, 1024);
      o->v = g_renew (guint32, o->v, o->cap);
    }
  o->v[o->len++] = x;
}

/* "header, column 3" or "row 12, column income". */
static char *
where (const CxCsv *csv, int64_t record, int field)
{
  g_autofree char *col = NULL;

  if (record > 0 && field < csv->n_columns)
    col = g_strdup (csv->header[field]);
  else
    col = g_strdup_printf ("%d", field + 1);
  if (record == 0)
    return g_strdup_printf ("header, column %s", col);
  return g_strdup_printf ("row %" G_GINT64_FORMAT ", column %s", record, col);
}

static gboolean
parse_buffer (CxCsv *csv, gsize start, gsize end, gsize bad, const char *bad_what, GError **error)
{
  char *buf = csv->buffer;
  Offsets off = { 0 };
  gsize i = start, o = start;
  int64_t record = 0;
  int n_fields;
  guint8 stop[256] = { 0 };

  stop[','] = stop['\n'] = stop['\r'] = 1;

  while (i < end)
    {
      /* An empty line is no record. */
      if (buf[i] == '\n')
        {
          i++;
          continue;
        }
      if (buf[i] == '\r')
        {
          i += (i + 1 < end && buf[i + 1] == '\n') ? 2 : 1;
          continue;
        }

      n_fields = 0;
      for (;;)
        {
          gsize src = i, field = o;
          int c;

          if (buf[i] == '"')
            {
              i++;
              for (;;)
                {
                  if (i >= end)
                    {
                      g_autofree char *at = where (csv, record, n_fields);
                      g_set_error (error, CX_ERROR, CX_ERROR_PARSE,
                                   "%s: %s: unterminated quoted field", csv->path, at);
                      g_free (off.v);
                      return FALSE;
                    }
                  if (buf[i] == '"')
                    {
                      if (i + 1 < end && buf[i + 1] == '"')
                        {
                          buf[o++] = '"';
                          i += 2;
                          continue;
                        }
                      i++;
                      break;
                    }
                  buf[o++] = buf[i++];
                }
              if (i < end && buf[i] != ',' && buf[i] != '\n' && buf[i] != '\r')
                {
                  g_autofree char *at = where (csv, record, n_fields);
                  g_set_error (error, CX_ERROR, CX_ERROR_PARSE,
                               "%s: %s: text after the closing quote", csv->path, at);
                  g_free (off.v);
                  return FALSE;
                }
            }
          else
            {
              /* Most cells need no unescaping: scan, and move only when behind. */
              gsize j = i;
              while (j < end && !stop[(guchar) buf[j]])
                j++;
              if (o != i)
                memmove (buf + o, buf + i, j - i);
              o += j - i;
              i = j;
            }
          if (bad >= src && bad < i)
            {
              g_autofree char *at = where (csv, record, n_fields);
              g_set_error (error, CX_ERROR, CX_ERROR_PARSE, "%s: %s: %s", csv->path, at, bad_what);
              g_free (off.v);
              return FALSE;
            }
          /* Read the delimiter before the terminating NUL may overwrite it. */
          c = i < end ? (unsigned char) buf[i] : -1;
          buf[o++] = '\0';
          offsets_push (&off, (guint32) field);
          n_fields++;
          if (c == ',')
            {
              i++;
              if (i >= end)
                {
                  /* A trailing comma ends in one more, empty, field. */
                  buf[o] = '\0';
                  offsets_push (&off, (guint32) o);
                  o++;
                  n_fields++;
                  break;
                }
              continue;
            }
          if (c == '\r')
            i += (i + 1 < end && buf[i + 1] == '\n') ? 2 : 1;
          else if (c == '\n')
            i++;
          break;
        }

      if (record == 0)
        {
          csv->n_columns = n_fields;
          csv->header = g_new (char *, n_fields + 1);
          for (int k = 0; k < n_fields; k++)
            csv->header[k] = buf + off.v[k];
          csv->header[n_fields] = NULL;
          {
            g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
            for (int b = 0; b < n_fields; b++)
              {
                gpointer a;
                if (g_hash_table_lookup_extended (names, csv->header[b], NULL, &a))
                  {
                    g_set_error (error, CX_ERROR, CX_ERROR_PARSE,
                                 "%s: header: the column name '%s' appears twice (columns %d and %d)",
                                 csv->path, csv->header[b], GPOINTER_TO_INT (a) + 1, b + 1);
                    g_free (off.v);
                    return FALSE;
                  }
                g_hash_table_insert (names, csv->header[b], GINT_TO_POINTER (b));
              }
          }
          off.len = 0;
        }
      else if (n_fields != csv->n_columns)
        {
          g_set_error (error, CX_ERROR, CX_ERROR_PARSE,
                       "%s: row %" G_GINT64_FORMAT ": %d field%s, the header has %d",
                       csv->path, record, n_fields, n_fields == 1 ? "" : "s", csv->n_columns);
          g_free (off.v);
          return FALSE;
        }
      record++;
    }

  if (record == 0)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_PARSE, "%s: empty file (no header)", csv->path);
      g_free (off.v);
      return FALSE;
    }
  csv->n_rows = record - 1;
  csv->cells = off.v != NULL ? off.v : g_new0 (guint32, 1);
  return TRUE;
}

typedef struct
{
  const char *buffer;
  gsize start, len;
  gboolean *valid;             /* per part */
} Utf8Job;

/* A part boundary moved past up to three continuation bytes: in valid
 * UTF-8 that is the start of a character. */
static int64_t
utf8_boundary (const Utf8Job *j, int64_t at)
{
  for (int t = 0; t < 3 && at < (int64_t) j->len && ((guchar) j->buffer[at] & 0xC0) == 0x80; t++)
    at++;
  return at;
}

static void
utf8_part (gpointer data, int part, int nparts)
{
  Utf8Job *j = data;
  int64_t lo, hi;

  cx_parallel_range ((int64_t) (j->len - j->start), part, nparts, 1, &lo, &hi);
  lo = part > 0 ? utf8_boundary (j, lo + (int64_t) j->start) : lo + (int64_t) j->start;
  hi = part < nparts - 1 ? utf8_boundary (j, hi + (int64_t) j->start) : hi + (int64_t) j->start;
  j->valid[part] = lo >= hi || g_utf8_validate_len (j->buffer + lo, (gsize) (hi - lo), NULL);
}

/* ---- tables without quotes or carriage returns, in parts ---- */

/* Where a part of the data stopped. */
typedef enum
{
  PART_OK,
  PART_BAD_BYTE,               /* at field @field of record @record */
  PART_FIELD_COUNT,            /* record @record has @field fields */
} PartStatus;

typedef struct
{
  CxCsv *csv;
  gsize *bounds;               /* part k: [bounds[k], bounds[k + 1]) */
  gsize len, bad;
  Offsets *off;                /* per part */
  int64_t *records;            /* per part: records parsed (up to the error) */
  PartStatus *status;
  int *field;
} PartsJob;

/* The records of one part, every one ending in LF (the last one may end
 * the buffer) and none holding a quote or CR: parse_buffer's loop
 * without quoting. Errors are kept, not formatted: the part does not know
 * its first record's number. */
static void
parse_part (gpointer data, int part, int nparts)
{
  PartsJob *j = data;
  char *buf = j->csv->buffer;
  gsize i = j->bounds[part], o = i, end = j->bounds[part + 1];
  Offsets *off = &j->off[part];
  guint8 stop[256] = { 0 };

  stop[','] = stop['\n'] = 1;
  j->records[part] = 0;
  j->status[part] = PART_OK;
  while (i < end)
    {
      int n_fields = 0;

      if (buf[i] == '\n')
        {
          i++;
          continue;
        }
      for (;;)
        {
          gsize src = i, field = o, k = i;
          int c;

          while (k < end && !stop[(guchar) buf[k]])
            k++;
          if (o != i)
            memmove (buf + o, buf + i, k - i);
          o += k - i;
          i = k;
          if (j->bad >= src && j->bad < i)
            {
              j->status[part] = PART_BAD_BYTE;
              j->field[part] = n_fields;
              return;
            }
          c = i < end ? (unsigned char) buf[i] : -1;
          buf[o++] = '\0';
          offsets_push (off, (guint32) field);
          n_fields++;
          if (c == ',')
            {
              i++;
              if (i >= end)
                {
                  /* A trailing comma ends in one more, empty, field. */
                  buf[o] = '\0';
                  offsets_push (off, (guint32) o);
                  o++;
                  n_fields++;
                  break;
                }
              continue;
            }
          if (c == '\n')
            i++;
          break;
        }
      if (n_fields != j->csv->n_columns)
        {
          j->status[part] = PART_FIELD_COUNT;
          j->field[part] = n_fields;
          return;
        }
      j->records[part]++;
    }
}

/* Parses the data records after the header (from @from) in @nparts parts,
 * for a table with neither quotes nor carriage returns (so that every LF
 * ends a record). The cells, rows and errors are those parse_buffer gives. */
static gboolean
parse_parts (CxCsv *csv, gsize from, gsize len, gsize bad, const char *bad_what, int nparts,
             GError **error)
{
  g_autofree gsize *bounds = NULL;
  g_autofree Offsets *off = NULL;
  g_autofree int64_t *records = NULL;
  g_autofree PartStatus *status = NULL;
  g_autofree int *field = NULL;
  PartsJob job;
  int64_t record = 1;
  gsize total = 0;
  gboolean ok = TRUE;

  bounds = g_new (gsize, nparts + 1);
  bounds[0] = from;
  for (int k = 1; k < nparts; k++)
    {
      gsize at = MAX (from + (len - from) / nparts * k, bounds[k - 1]);
      const char *nl = at < len ? memchr (csv->buffer + at, '\n', len - at) : NULL;
      bounds[k] = nl != NULL ? (gsize) (nl - csv->buffer) + 1 : len;
    }
  bounds[nparts] = len;
  off = g_new0 (Offsets, nparts);
  records = g_new0 (int64_t, nparts);
  status = g_new0 (PartStatus, nparts);
  field = g_new0 (int, nparts);
  job = (PartsJob) { csv, bounds, len, bad, off, records, status, field };
  cx_parallel_run (parse_part, &job, nparts);

  /* The first part that stopped reports, its rows counted on from the parts before. */
  for (int k = 0; k < nparts && ok; k++)
    {
      record += records[k];
      if (status[k] == PART_BAD_BYTE)
        {
          g_autofree char *at = where (csv, record, field[k]);
          g_set_error (error, CX_ERROR, CX_ERROR_PARSE, "%s: %s: %s", csv->path, at, bad_what);
          ok = FALSE;
        }
      else if (status[k] == PART_FIELD_COUNT)
        {
          g_set_error (error, CX_ERROR, CX_ERROR_PARSE,
                       "%s: row %" G_GINT64_FORMAT ": %d field%s, the header has %d",
                       csv->path, record, field[k], field[k] == 1 ? "" : "s", csv->n_columns);
          ok = FALSE;
        }
    }
  if (ok)
    {
      guint32 *cells;
      for (int k = 0; k < nparts; k++)
        total += off[k].len;
      cells = g_new (guint32, MAX (total, 1));
      total = 0;
      for (int k = 0; k < nparts; k++)
        {
          if (off[k].len > 0)
            memcpy (cells + total, off[k].v, sizeof (guint32) * off[k].len);
          total += off[k].len;
        }
      g_free (csv->cells);
      csv->cells = cells;
      csv->n_rows = record - 1;
    }
  for (int k = 0; k < nparts; k++)
    g_free (off[k].v);
  return ok;
}

static gint forced_parts;

void
cx_csv_set_parts (int nparts)
{
  g_atomic_int_set (&forced_parts, MAX (nparts, 0));
}

/* Parts for @bytes of text: forced, or one per thread above a megabyte. */
static int
parts_for (gsize bytes)
{
  int forced = g_atomic_int_get (&forced_parts);

  return forced > 0 ? forced : cx_parallel_parts ((int64_t) bytes / 8);
}

static CxCsv *
parse_owned (char *buffer, gsize len, const char *name, GError **error)
{
  g_autoptr(CxCsv) csv = g_new0 (CxCsv, 1);
  const char *bad_end = NULL, *bad_what;
  gsize start = 0, bad = G_MAXSIZE;

  csv->path = g_strdup (name);
  csv->buffer = buffer;
  if (len > CX_CSV_MAX_BYTES)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_LIMIT, "%s: a table of %" G_GSIZE_FORMAT
                   " MiB is larger than the limit of %d MiB", name, len >> 20,
                   (int) (CX_CSV_MAX_BYTES >> 20));
      return NULL;
    }
  if (len >= 3 && memcmp (buffer, "\xEF\xBB\xBF", 3) == 0)
    start = 3;
  /* One pass over the whole buffer, in parts whose ends are moved to
   * character starts (the text is valid exactly when every part is); cells
   * are only checked when it fails, at the first invalid byte, which the
   * whole buffer's validation then finds. */
  {
    int nparts = parts_for (len - start);
    g_autofree gboolean *valid = g_new (gboolean, nparts);
    Utf8Job job = { buffer, start, len, valid };
    gboolean all = TRUE;
    if (nparts > 1)
      {
        cx_parallel_run (utf8_part, &job, nparts);
        for (int k = 0; k < nparts; k++)
          all = all && valid[k];
      }
    if ((nparts == 1 || !all) && !g_utf8_validate_len (buffer + start, len - start, &bad_end))
      bad = (gsize) (bad_end - buffer);
  }
  /* Named now: parsing moves cells within the buffer. */
  bad_what = bad < len && buffer[bad] == '\0' ? "a NUL byte" : "invalid UTF-8";
  {
    int nparts = parts_for (len - start);
    if (nparts > 1 && memchr (buffer + start, '"', len - start) == NULL &&
        memchr (buffer + start, '\r', len - start) == NULL)
      {
        /* No quotes, no CR: the header is the first line that is not
         * empty; the data after it is parsed in parts. */
        gsize h = start;
        const char *nl;
        while (h < len && buffer[h] == '\n')
          h++;
        nl = h < len ? memchr (buffer + h, '\n', len - h) : NULL;
        h = nl != NULL ? (gsize) (nl - buffer) + 1 : len;
        if (!parse_buffer (csv, start, h, bad, bad_what, error) ||
            !parse_parts (csv, h, len, bad, bad_what, nparts, error))
          return NULL;
        return g_steal_pointer (&csv);
      }
  }
  if (!parse_buffer (csv, start, len, bad, bad_what, error))
    return NULL;
  return g_steal_pointer (&csv);
}

CxCsv *
cx_csv_parse (const char *data, gsize len, const char *name, GError **error)
{
  char *buffer;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  if (len > CX_CSV_MAX_BYTES)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_LIMIT, "%s: a table of %" G_GSIZE_FORMAT
                   " MiB is larger than the limit of %d MiB", name, len >> 20,
                   (int) (CX_CSV_MAX_BYTES >> 20));
      return NULL;
    }
  buffer = g_malloc (len + 1);
  if (len > 0)
    memcpy (buffer, data, len);
  buffer[len] = '\0';
  return parse_owned (buffer, len, name, error);
}

CxCsv *
cx_csv_load (const char *path, GError **error)
{
  g_autoptr(GError) local = NULL;
  GStatBuf st;
  char *buffer = NULL;
  gsize len = 0;

  if (!cx_file_check_readable (path, error))
    return NULL;

  g_return_val_if_fail (path != NULL, NULL);
  if (g_stat (path, &st) != 0)
    {
      int saved = errno;
      g_set_error (error, CX_ERROR, CX_ERROR_IO, "%s: cannot open: %s", path, g_strerror (saved));
      return NULL;
    }
  if (S_ISDIR (st.st_mode))
    {
      g_set_error (error, CX_ERROR, CX_ERROR_IO, "%s: is a folder, not a CSV file", path);
      return NULL;
    }
  if ((guint64) st.st_size > CX_CSV_MAX_BYTES)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_LIMIT, "%s: a table of %" G_GUINT64_FORMAT
                   " MiB is larger than the limit of %d MiB", path, (guint64) st.st_size >> 20,
                   (int) (CX_CSV_MAX_BYTES >> 20));
      return NULL;
    }
  if (!g_file_get_contents (path, &buffer, &len, &local))
    {
      g_set_error (error, CX_ERROR, CX_ERROR_IO, "%s: cannot read: %s", path, local->message);
      return NULL;
    }
  return parse_owned (buffer, len, path, error);
}

void
cx_csv_free (CxCsv *csv)
{
  if (csv == NULL)
    return;
  g_free (csv->path);
  g_free (csv->header);
  g_free (csv->buffer);
  g_free (csv->cells);
  g_free (csv);
}

int
cx_csv_column (const CxCsv *csv, const char *name)
{
  for (int c = 0; c < csv->n_columns; c++)
    if (strcmp (csv->header[c], name) == 0)
      return c;
  return -1;
}

void
cx_csv_append_field (GString *out, const char *text)
{
  gsize n = strlen (text);
  gboolean quote = n > 0 && (g_ascii_isspace (text[0]) || g_ascii_isspace (text[n - 1]));

  if (!quote)
    quote = strpbrk (text, ",\"\r\n") != NULL;
  /* A leading byte-order mark would be skipped as the file's own. */
  if (!quote)
    quote = g_str_has_prefix (text, "\xEF\xBB\xBF");
  if (!quote)
    {
      g_string_append_len (out, text, (gssize) n);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = text; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

void
cx_csv_append_record (GString *out, const char *const *fields, int n)
{
  /* A lone empty field unquoted is an empty line, which readers skip. */
  if (n == 1 && fields[0][0] == '\0')
    {
      g_string_append (out, "\"\"\n");
      return;
    }
  for (int k = 0; k < n; k++)
    {
      if (k > 0)
        g_string_append_c (out, ',');
      cx_csv_append_field (out, fields[k]);
    }
  g_string_append_c (out, '\n');
}
