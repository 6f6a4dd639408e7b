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
#include "atomic-file.h"
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

/* ---- tables of a megabyte or more, in parts ---- */

/* Sixteen bytes at a time, in GCC's generic vectors (SSE2 on x86-64, plain
 * words elsewhere): a comparison sets every bit of each lane that holds. */
typedef signed char Bytes16 __attribute__ ((vector_size (16)));
typedef guchar UBytes16 __attribute__ ((vector_size (16)));

#define HIGH_BITS G_GUINT64_CONSTANT (0x8080808080808080)

/* A vector's lanes as two words in memory order; the lanes @v sets have their high bit set. */
static inline void
lanes_to_words (Bytes16 v, guint64 words[2])
{
  memcpy (words, &v, sizeof (Bytes16));
  words[0] &= HIGH_BITS;
  words[1] &= HIGH_BITS;
}

/* The offset in memory of the first byte @flags (high bits, not 0) marks; the mark is cleared. */
static inline int
next_flagged (guint64 *flags)
{
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  int bit = __builtin_ctzll (*flags);
  *flags &= *flags - 1;
  return bit >> 3;
#else
  int bit = __builtin_clzll (*flags);
  *flags &= ~(G_GUINT64_CONSTANT (0x8000000000000000) >> bit);
  return bit >> 3;
#endif
}

/* Part k of a table is [bounds[k], bounds[k + 1]): each starts after an
 * LF, so at a character start, and a record is never split when the table
 * has no quotes. */
static gsize *
part_bounds (const char *buffer, gsize start, gsize len, int nparts)
{
  gsize *bounds = g_new (gsize, nparts + 1);

  bounds[0] = start;
  for (int k = 1; k < nparts; k++)
    {
      gsize at = MAX (start + (len - start) / nparts * k, bounds[k - 1]);
      const char *nl = at < len ? memchr (buffer + at, '\n', len - at) : NULL;
      bounds[k] = nl != NULL ? (gsize) (nl - buffer) + 1 : len;
    }
  bounds[nparts] = len;
  return bounds;
}

typedef struct
{
  const char *buffer;
  const gsize *bounds;
  gboolean *valid;             /* per part: UTF-8 without a NUL */
  gboolean *special;           /* per part: holds a quote or a CR */
  gsize *lines;                /* per part: its LFs */
} ScanJob;

/* One pass over a part: whether it is valid UTF-8, whether parsing it
 * needs parse_buffer's quoting, and how many lines it has (which bounds
 * its records, so its cells can be written where they will stay). ASCII
 * is checked here, sixteen bytes at a time; a stretch with other bytes is
 * given to g_utf8_validate_len, cut before an ASCII byte (a character
 * start, and in invalid text no continuation of what is before it). */
static void
scan_part (gpointer data, int part, int nparts)
{
  ScanJob *j = data;
  const char *buf = j->buffer;
  gsize i = j->bounds[part], end = j->bounds[part + 1], checked = i, lines = 0;
  gboolean valid = TRUE;
  Bytes16 special = { 0 };
  guint64 words[2];

  while (end - i >= 16)
    {
      /* At most 255 blocks, so that a lane counts its LFs in a byte. */
      gsize n = MIN ((end - i) / 16, 255), from = i;
      UBytes16 count = { 0 };
      Bytes16 other = { 0 };
      guchar counts[16];

      for (gsize b = 0; b < n; b++, i += 16)
        {
          Bytes16 v;
          memcpy (&v, buf + i, sizeof v);
          count -= (UBytes16) (v == '\n');
          special |= (v == '"') | (v == '\r');
          other |= v | (v == 0);
        }
      memcpy (counts, &count, sizeof counts);
      for (int l = 0; l < 16; l++)
        lines += counts[l];
      lanes_to_words (other, words);
      if (valid && (words[0] | words[1]) != 0)
        {
          /* [checked, to) ends before an ASCII byte (or the part); it
           * starts where the last such stretch ended, or after ASCII. */
          gsize to = i;
          from = MAX (checked, from);
          while (to < end && (guchar) buf[to] >= 0x80)
            to++;
          valid = to <= from || g_utf8_validate_len (buf + from, to - from, NULL);
          checked = to;
        }
      else
        checked = MAX (checked, i);
    }
  lanes_to_words (special, words);
  j->special[part] = (words[0] | words[1]) != 0;
  for (; i < end; i++)
    {
      lines += buf[i] == '\n';
      j->special[part] = j->special[part] || buf[i] == '"' || buf[i] == '\r';
    }
  if (valid && checked < end)
    valid = g_utf8_validate_len (buf + checked, end - checked, NULL);
  j->valid[part] = valid;
  j->lines[part] = lines;
}

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
  const gsize *lo, *hi;        /* part k: [lo[k], hi[k]) */
  gsize bad;
  guint32 *cells;
  const gsize *first, *room;   /* per part: where its cells go, how many fit */
  int64_t *records;            /* per part: records parsed (up to the error) */
  PartStatus *status;
  int *field;
} PartsJob;

/* Part @part stops with @status at field @field after @records records. */
static inline void
part_stop (PartsJob *j, int part, PartStatus status, int field, int64_t records)
{
  j->status[part] = status;
  j->field[part] = field;
  j->records[part] = records;
}

/* The records of one part, every one ending in LF (the last one may end
 * the buffer) and none holding a quote or CR: parse_buffer's loop
 * without quoting, moving from one comma or LF to the next sixteen bytes
 * at a time. Cells stay where they are, so only delimiters become NULs.
 * Errors are kept, not formatted: the part does not know its first
 * record's number. */
static void
parse_part (gpointer data, int part, int nparts)
{
  PartsJob *j = data;
  char *buf = j->csv->buffer;
  gsize i = j->lo[part], end = j->hi[part], cell = i, bad = j->bad;
  guint32 *out = j->cells + j->first[part];
  int n_columns = j->csv->n_columns, n_fields = 0;
  int64_t records = 0;

  j->status[part] = PART_OK;
  while (i < end)
    {
      gsize at = i;
      guint64 words[2];
      Bytes16 v;

      if (end - i >= 16)
        memcpy (&v, buf + i, sizeof v);
      else
        {
          /* The tail, padded with NULs (which delimit nothing): the next part is not ours to read. */
          char tail[16] = { 0 };
          memcpy (tail, buf + i, end - i);
          memcpy (&v, tail, sizeof v);
        }
      i = MIN (i + 16, end);
      lanes_to_words ((v == ',') | (v == '\n'), words);
      for (int h = 0; h < 2; h++)
        while (words[h] != 0)
          {
            gsize p = at + 8 * h + next_flagged (&words[h]);
            char c = buf[p];

            /* An empty line is no record. */
            if (c == '\n' && n_fields == 0 && p == cell)
              {
                cell = p + 1;
                continue;
              }
            if (G_UNLIKELY (bad - cell < p - cell))
              {
                part_stop (j, part, PART_BAD_BYTE, n_fields, records);
                return;
              }
            /* A record with too many fields stores no more than fit: it is an error anyway. */
            if (n_fields < n_columns)
              *out++ = (guint32) cell;
            n_fields++;
            buf[p] = '\0';
            cell = p + 1;
            if (c == '\n')
              {
                if (n_fields != n_columns)
                  {
                    part_stop (j, part, PART_FIELD_COUNT, n_fields, records);
                    return;
                  }
                records++;
                n_fields = 0;
              }
          }
    }
  /* The last record of the buffer need not end in LF; a trailing comma
   * ends in one more, empty, field. The buffer has a NUL after its end. */
  if (n_fields > 0 || cell < end)
    {
      if (bad - cell < end - cell)
        {
          part_stop (j, part, PART_BAD_BYTE, n_fields, records);
          return;
        }
      if (n_fields < n_columns)
        *out++ = (guint32) cell;
      n_fields++;
      buf[end] = '\0';
      if (n_fields != n_columns)
        {
          part_stop (j, part, PART_FIELD_COUNT, n_fields, records);
          return;
        }
      records++;
    }
  g_assert (out <= j->cells + j->first[part] + j->room[part]);
  j->records[part] = records;
}

/* LFs in [from, to). */
static gsize
count_lines (const char *buffer, gsize from, gsize to)
{
  gsize n = 0;
  for (const char *p = buffer + from; (p = memchr (p, '\n', buffer + to - p)) != NULL; p++)
    n++;
  return n;
}

/* Parses the data records after the header (from @from) in the parts
 * @bounds gives, with @lines LFs each from @from on, for a table with
 * neither quotes nor carriage returns (so that every LF ends a record).
 * The cells, rows and errors are those parse_buffer gives. */
static gboolean
parse_parts (CxCsv *csv, gsize from, gsize len, const gsize *bounds, const gsize *lines,
             gsize bad, const char *bad_what, int nparts, GError **error)
{
  g_autofree gsize *lo = g_new (gsize, nparts);
  g_autofree gsize *hi = g_new (gsize, nparts);
  g_autofree gsize *first = g_new (gsize, nparts);
  g_autofree gsize *room = g_new (gsize, nparts);
  g_autofree int64_t *records = g_new0 (int64_t, nparts);
  g_autofree PartStatus *status = g_new0 (PartStatus, nparts);
  g_autofree int *field = g_new0 (int, nparts);
  g_autofree guint32 *cells = NULL;
  PartsJob job;
  int64_t record = 1;
  gsize total = 0, n_cells = 0;
  gboolean ok = TRUE;

  /* A part holds at most one record per LF (and the buffer's unended last
   * one), and at most one cell per delimiter (and that last one): room
   * for the cells of every record, where no row misses an empty line. */
  for (int k = 0; k < nparts; k++)
    {
      gsize n = lines[k];
      lo[k] = MAX (bounds[k], from);
      hi[k] = MAX (bounds[k + 1], from);
      if (hi[k] == len && hi[k] > lo[k] && csv->buffer[len - 1] != '\n')
        n++;
      first[k] = total;
      room[k] = hi[k] > lo[k] ? MIN (n * (gsize) csv->n_columns, hi[k] - lo[k] + 1) : 0;
      total += room[k];
    }
  cells = g_new (guint32, MAX (total, 1));
  job = (PartsJob) { csv, lo, hi, bad, cells, first, room, records, status, field };
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
  if (!ok)
    return FALSE;
  /* Empty lines left gaps: close them. */
  for (int k = 0; k < nparts; k++)
    {
      gsize n = (gsize) records[k] * (gsize) csv->n_columns;
      if (first[k] != n_cells && n > 0)
        memmove (cells + n_cells, cells + first[k], sizeof (guint32) * n);
      n_cells += n;
    }
  if (n_cells < total)
    cells = g_renew (guint32, cells, MAX (n_cells, 1));
  g_free (csv->cells);
  csv->cells = g_steal_pointer (&cells);
  csv->n_rows = record - 1;
  return TRUE;
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
  g_autofree gsize *bounds = NULL;
  g_autofree gboolean *valid = NULL;
  g_autofree gboolean *special = NULL;
  g_autofree gsize *lines = NULL;
  gboolean all_valid = TRUE, quoting = FALSE;
  int nparts;

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
  /* A table of a megabyte or more is scanned in parts, one per thread,
   * that end after an LF (the text is valid exactly when every part is);
   * cells are only checked when it fails, at the first invalid byte,
   * which the whole buffer's validation then finds. */
  nparts = parts_for (len - start);
  if (nparts > 1)
    {
      ScanJob job;
      bounds = part_bounds (buffer, start, len, nparts);
      valid = g_new (gboolean, nparts);
      special = g_new (gboolean, nparts);
      lines = g_new (gsize, nparts);
      job = (ScanJob) { buffer, bounds, valid, special, lines };
      cx_parallel_run (scan_part, &job, nparts);
      for (int k = 0; k < nparts; k++)
        {
          all_valid = all_valid && valid[k];
          quoting = quoting || special[k];
        }
    }
  if ((nparts == 1 || !all_valid) && !g_utf8_validate_len (buffer + start, len - start, &bad_end))
    bad = (gsize) (bad_end - buffer);
  /* Named now: parsing moves cells within the buffer. */
  bad_what = bad < len && buffer[bad] == '\0' ? "a NUL byte" : "invalid UTF-8";
  if (nparts > 1 && !quoting)
    {
      /* No quotes, no CR: the header is the first line that is not
       * empty; the data after it is parsed in parts. */
      gsize h = start;
      const char *nl;
      while (h < len && buffer[h] == '\n')
        h++;
      nl = h < len ? memchr (buffer + h, '\n', len - h) : NULL;
      h = nl != NULL ? (gsize) (nl - buffer) + 1 : len;
      /* The parts' lines from the header's end on, counted before its LF becomes a NUL. */
      for (int k = 0; k < nparts && bounds[k] < h; k++)
        lines[k] -= count_lines (buffer, bounds[k], MIN (h, bounds[k + 1]));
      if (!parse_buffer (csv, start, h, bad, bad_what, error) ||
          !parse_parts (csv, h, len, bounds, lines, bad, bad_what, nparts, error))
        return NULL;
      return g_steal_pointer (&csv);
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
