/* test-csv.c: the RFC 4180 reader and the tabular schema.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "testutil.h"
#include "parallel.h"
#include "csv.h"
#include "schema.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

static CxCsv *
parse_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  CxCsv *csv = cx_csv_parse (text, strlen (text), "t.csv", &error);
  g_assert_no_error (error);
  g_assert_nonnull (csv);
  return csv;
}

static void
assert_parse_error (const char *text, gsize len, CxErrorCode code, const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CxCsv) csv = cx_csv_parse (text, len, "t.csv", &error);
  g_assert_null (csv);
  g_assert_error (error, CX_ERROR, (int) code);
  g_assert_cmpstr (error->message, ==, message);
}

/* ---- reading ---- */

static void
test_csv_plain (void)
{
  g_autoptr(CxCsv) csv = parse_ok ("a,b,c\n1,2,3\n4,5,6\n");
  g_assert_cmpint (csv->n_columns, ==, 3);
  g_assert_cmpint (csv->n_rows, ==, 2);
  g_assert_cmpstr (csv->header[0], ==, "a");
  g_assert_cmpstr (csv->header[2], ==, "c");
  g_assert_cmpstr (cx_csv_cell (csv, 0, 0), ==, "1");
  g_assert_cmpstr (cx_csv_cell (csv, 1, 2), ==, "6");
  g_assert_cmpint (cx_csv_column (csv, "b"), ==, 1);
  g_assert_cmpint (cx_csv_column (csv, "z"), ==, -1);
}

static void
test_csv_quoting (void)
{
  /* Embedded commas, doubled quotes and line breaks (LF and CRLF) in quoted fields. */
  g_autoptr(CxCsv) csv = parse_ok ("name,note,n\r\n"
                                   "\"Smith, Jo\",\"said \"\"hi\"\"\",1\r\n"
                                   "\"two\nlines\",\"crlf\r\ninside\",2\r\n"
                                   "\"\",plain,3\r\n");
  g_assert_cmpint (csv->n_rows, ==, 3);
  g_assert_cmpstr (cx_csv_cell (csv, 0, 0), ==, "Smith, Jo");
  g_assert_cmpstr (cx_csv_cell (csv, 0, 1), ==, "said \"hi\"");
  g_assert_cmpstr (cx_csv_cell (csv, 1, 0), ==, "two\nlines");
  g_assert_cmpstr (cx_csv_cell (csv, 1, 1), ==, "crlf\r\ninside");
  g_assert_cmpstr (cx_csv_cell (csv, 2, 0), ==, "");
  g_assert_cmpstr (cx_csv_cell (csv, 2, 2), ==, "3");
}

static void
test_csv_bom_crlf_blank_lines (void)
{
  /* A UTF-8 byte-order mark is not part of the first column's name; empty
   * lines (also at the end) are no rows; the last line needs no break. */
  g_autoptr(CxCsv) csv = parse_ok ("\xEF\xBB\xBFid,v\r\n1,x\r\n\r\n2,y\n\n3,\"z\"");
  g_assert_cmpstr (csv->header[0], ==, "id");
  g_assert_cmpint (csv->n_rows, ==, 3);
  g_assert_cmpstr (cx_csv_cell (csv, 1, 1), ==, "y");
  g_assert_cmpstr (cx_csv_cell (csv, 2, 1), ==, "z");
}

static void
test_csv_empty_cells_and_trailing_comma (void)
{
  g_autoptr(CxCsv) csv = parse_ok ("a,b,c\n,,\n1,2,\n");
  g_assert_cmpint (csv->n_rows, ==, 2);
  g_assert_cmpstr (cx_csv_cell (csv, 0, 0), ==, "");
  g_assert_cmpstr (cx_csv_cell (csv, 0, 2), ==, "");
  g_assert_cmpstr (cx_csv_cell (csv, 1, 1), ==, "2");
  g_assert_cmpstr (cx_csv_cell (csv, 1, 2), ==, "");
}

static void
test_csv_utf8 (void)
{
  g_autoptr(CxCsv) csv = parse_ok ("città,naïve\nZürich,日本\n");
  g_assert_cmpstr (csv->header[0], ==, "città");
  g_assert_cmpstr (cx_csv_cell (csv, 0, 1), ==, "日本");
}

static void
test_csv_header_only (void)
{
  g_autoptr(CxCsv) csv = parse_ok ("a,b\n");
  g_assert_cmpint (csv->n_rows, ==, 0);
  g_assert_cmpint (csv->n_columns, ==, 2);
}

static void
test_csv_errors (void)
{
  assert_parse_error ("a,b\n1,2\n3\n", 10, CX_ERROR_PARSE, "t.csv: row 2: 1 field, the header has 2");
  assert_parse_error ("a,b\n1,2,3\n", 10, CX_ERROR_PARSE, "t.csv: row 1: 3 fields, the header has 2");
  assert_parse_error ("a,b\n1,\"open\n2,3\n", 16, CX_ERROR_PARSE,
                      "t.csv: row 1, column b: unterminated quoted field");
  assert_parse_error ("a,b\n\"x\"y,2\n", 11, CX_ERROR_PARSE, "t.csv: row 1, column a: text after the closing quote");
  assert_parse_error ("a,b\n1,2\n3,caf\xE9\n", 16, CX_ERROR_PARSE, "t.csv: row 2, column b: invalid UTF-8");
  assert_parse_error ("a,b\xFF\n1,2\n", 9, CX_ERROR_PARSE, "t.csv: header, column 2: invalid UTF-8");
  assert_parse_error ("a,b\n1,\0\n", 8, CX_ERROR_PARSE, "t.csv: row 1, column b: a NUL byte");
  /* After a blank first line every cell moves up a byte as it is parsed:
   * what the bad byte was is decided before (it was read after, and came
   * out as "invalid UTF-8"; found by the csv fuzzer). */
  assert_parse_error ("\n0lf,yes\n31000\0\x19:am\n", 20, CX_ERROR_PARSE,
                      "t.csv: row 1, column 0lf: a NUL byte");
  assert_parse_error ("a,b,a\n1,2,3\n", 12, CX_ERROR_PARSE,
                      "t.csv: header: the column name 'a' appears twice (columns 1 and 3)");
  assert_parse_error ("", 0, CX_ERROR_PARSE, "t.csv: empty file (no header)");
  assert_parse_error ("\n\r\n", 3, CX_ERROR_PARSE, "t.csv: empty file (no header)");
}

static void
test_csv_missing_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CxCsv) csv = cx_csv_load ("/nonexistent/t.csv", &error);
  g_assert_null (csv);
  g_assert_error (error, CX_ERROR, CX_ERROR_IO);
  g_assert_cmpstr (error->message, ==, "/nonexistent/t.csv: cannot open: No such file or directory");
}

static void
test_csv_writer_round_trip (void)
{
  const char *fields[] = { "plain", "with, comma", "say \"x\"", "two\nlines", " padded", "" };
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(CxCsv) csv = NULL;

  cx_csv_append_record (out, fields, G_N_ELEMENTS (fields));
  cx_csv_append_record (out, fields, G_N_ELEMENTS (fields));
  g_assert_cmpstr (out->str, ==,
                   "plain,\"with, comma\",\"say \"\"x\"\"\",\"two\nlines\",\" padded\",\n"
                   "plain,\"with, comma\",\"say \"\"x\"\"\",\"two\nlines\",\" padded\",\n");
  csv = parse_ok (out->str);
  g_assert_cmpint (csv->n_rows, ==, 1);
  for (guint c = 0; c < G_N_ELEMENTS (fields); c++)
    g_assert_cmpstr (cx_csv_cell (csv, 0, (int) c), ==, fields[c]);

  /* One column: an empty cell must not turn into a blank line. */
  g_string_truncate (out, 0);
  cx_csv_append_record (out, (const char *[]) { "a" }, 1);
  cx_csv_append_record (out, (const char *[]) { "" }, 1);
  cx_csv_append_record (out, (const char *[]) { "b" }, 1);
  g_assert_cmpstr (out->str, ==, "a\n\"\"\nb\n");
  g_clear_pointer (&csv, cx_csv_free);
  csv = parse_ok (out->str);
  g_assert_cmpint (csv->n_rows, ==, 2);
  g_assert_cmpstr (cx_csv_cell (csv, 0, 0), ==, "");

  /* A first field that starts with a byte-order mark keeps it. */
  g_string_truncate (out, 0);
  cx_csv_append_record (out, (const char *[]) { "\xEF\xBB\xBF" "a", "b" }, 2);
  g_assert_cmpstr (out->str, ==, "\"\xEF\xBB\xBF" "a\",b\n");
  g_clear_pointer (&csv, cx_csv_free);
  csv = parse_ok (out->str);
  g_assert_cmpstr (csv->header[0], ==, "\xEF\xBB\xBF" "a");
}

/* 100 000 rows of HMDA's shape; rows @bad1 and @bad2 (from 0) have a pirat
 * that is not a number. */
static GString *
big_hmda_table (int bad1, int bad2)
{
  GString *text = g_string_new ("deny,pirat,hirat,lvrat,chist,mhist,phist,unemp,selfemp,"
                                "insurance,condomin,afam,single,hschool\n");
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);

  for (int r = 0; r < 100000; r++)
    {
      g_string_append_printf (text, "%s,%.6f,%.6f,%.6f,%d,%d,%s,%.1f,no,no,%s,%s,yes,yes\n",
                              g_rand_boolean (rand) ? "yes" : "no", g_rand_double (rand),
                              g_rand_double (rand), g_rand_double (rand), g_rand_int_range (rand, 1, 7),
                              g_rand_int_range (rand, 1, 5), g_rand_boolean (rand) ? "yes" : "no",
                              g_rand_double_range (rand, 1, 10), g_rand_boolean (rand) ? "yes" : "no",
                              g_rand_boolean (rand) ? "yes" : "no");
      if (r == bad1 || r == bad2)
        {
          /* The first number of the line just written. */
          char *line = strrchr (text->str, '\n');
          gsize at;
          *line = '\0';
          at = (gsize) (strrchr (text->str, '\n') - text->str) + 1;
          *line = '\n';
          at += strcspn (text->str + at, ",") + 1;
          g_string_insert (text, (gssize) at, "bad");
        }
    }
  return text;
}

/* 100 000 rows of HMDA's shape, read and encoded well under a second (in
 * parts, one per thread), every row as it encodes alone. */
static void
test_csv_hundred_thousand_rows (void)
{
  g_autoptr(GString) text = NULL;
  g_autofree char *schema_path = cx_test_source_path ("resources", "demo", "hmda-schema.json", NULL);
  g_autoptr(CxSchema) schema = NULL;
  g_autoptr(CxCsv) csv = NULL;
  g_autoptr(CxTensor) x = NULL;
  g_autoptr(GError) error = NULL;
  gint64 t0, t1;

  text = big_hmda_table (-1, -1);
  schema = cx_schema_load (schema_path, &error);
  g_assert_no_error (error);
  t0 = g_get_monotonic_time ();
  csv = cx_csv_parse (text->str, text->len, "big.csv", &error);
  g_assert_no_error (error);
  g_assert_true (cx_schema_bind (schema, csv, &error));
  x = cx_schema_encode (schema, csv, &error);
  g_assert_no_error (error);
  t1 = g_get_monotonic_time ();
  g_assert_cmpint (x->shape[0], ==, 100000);
  g_assert_cmpint (x->shape[1], ==, 28);
  g_test_message ("100000 rows (%.1f MB) parsed and encoded in %.1f ms", text->len / 1e6,
                  (t1 - t0) / 1000.0);
  for (int64_t r = 0; r < 100000; r += r < 10 || r > 99990 ? 1 : 997)
    {
      g_autoptr(CxTensor) one = cx_schema_encode_row (schema, csv, r, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (one->data.f, sizeof (float) * 28, x->data.f + r * 28, sizeof (float) * 28);
    }
}

/* A table of a few megabytes is validated in parts: characters of two,
 * three and four bytes wherever the parts meet are valid, and an invalid
 * byte or a NUL is reported in its cell, the first one when there are two. */
static void
test_csv_utf8_in_parts (void)
{
  static const char *const words[] = { "caf\xC3\xA9", "\xE2\x82\xAC" "5", "\xF0\x9F\x98\x80", "plain" };
  g_autoptr(GString) text = g_string_new ("id,word,n\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(CxCsv) csv = NULL;
  int rows = 200000;

  for (int r = 0; r < rows; r++)
    g_string_append_printf (text, "%d,%s,%d\n", r, words[r % 4], r % 7);
  csv = cx_csv_parse (text->str, text->len, "big.csv", &error);
  g_assert_no_error (error);
  g_assert_cmpint (csv->n_rows, ==, rows);
  g_assert_cmpstr (cx_csv_cell (csv, rows - 1, 1), ==, words[(rows - 1) % 4]);
  g_clear_pointer (&csv, cx_csv_free);

  /* Break the word of a row in the second half, then also one in the first. */
  for (int pass = 0; pass < 3; pass++)
    {
      static const int row[] = { 150001, 40003, 120002 };
      static const char bad[] = { '\xFF', '\0', '\x80' };
      g_autofree char *expected = NULL;
      g_autofree char *needle = g_strdup_printf ("\n%d,", row[pass]);
      /* The rows are in order: search from the previous break on. */
      char *at = strstr (text->str + (pass == 2 ? text->len / 2 : 0), needle);

      g_assert_nonnull (at);
      at += strlen (needle);
      at[0] = bad[pass];
      csv = cx_csv_parse (text->str, text->len, "big.csv", &error);
      g_assert_null (csv);
      g_assert_error (error, CX_ERROR, CX_ERROR_PARSE);
      /* The first broken row so far: 150001, then 40003 (and still 40003). */
      expected = g_strdup_printf ("big.csv: row %d, column word: %s", pass == 0 ? 150002 : 40004,
                                  pass == 0 ? "invalid UTF-8" : "a NUL byte");
      g_assert_cmpstr (error->message, ==, expected);
      g_clear_error (&error);
    }
}

/* Parses @text with one thread and with two: the same cells, or the same error. */
static void
assert_same_in_parts (const GString *text)
{
  int saved = cx_parallel_get_threads ();
  g_autoptr(GError) e1 = NULL;
  g_autoptr(GError) e2 = NULL;
  g_autoptr(CxCsv) one = NULL;
  g_autoptr(CxCsv) two = NULL;

  cx_parallel_set_threads (1);
  one = cx_csv_parse (text->str, text->len, "big.csv", &e1);
  cx_parallel_set_threads (2);
  two = cx_csv_parse (text->str, text->len, "big.csv", &e2);
  cx_parallel_set_threads (saved);
  if (one == NULL)
    {
      g_assert_null (two);
      g_assert_error (e2, CX_ERROR, e1->code);
      g_assert_cmpstr (e2->message, ==, e1->message);
      g_test_message ("%s", e1->message);
      return;
    }
  g_assert_no_error (e2);
  g_assert_cmpint (two->n_rows, ==, one->n_rows);
  g_assert_cmpint (two->n_columns, ==, one->n_columns);
  for (int c = 0; c < one->n_columns; c++)
    g_assert_cmpstr (two->header[c], ==, one->header[c]);
  for (int64_t r = 0; r < one->n_rows; r++)
    for (int c = 0; c < one->n_columns; c++)
      g_assert_cmpstr (cx_csv_cell (two, r, c), ==, cx_csv_cell (one, r, c));
  g_test_message ("%" G_GINT64_FORMAT " rows", one->n_rows);
}

/* Large tables without quotes are parsed in parts: empty lines, a missing
 * last line break, a trailing comma, rows of the wrong length or with a
 * bad byte in either half, a header longer than the rest, long runs of
 * two-byte characters, a character cut short at the end, and (parsed
 * whole) CR line ends and quotes all give what one pass gives. */
static void
test_csv_parts (void)
{
  for (int k = 0; k < 14; k++)
    {
      g_autoptr(GString) text = g_string_new (k == 2 ? "\n\n" : "");
      int rows = k == 7 ? 0 : 120000;

      g_string_append (text, k == 8 ? "id,word,x,y\r\n" : "id,word,x,y\n");
      if (k == 11)
        {
          /* The last column's name runs on past where the parts split. */
          g_string_truncate (text, text->len - 1);
          for (int r = 0; r < 4000000; r++)
            g_string_append_c (text, "yz"[r % 2]);
          g_string_append_c (text, '\n');
        }
      for (int r = 0; r < rows; r++)
        {
          const char *word = r % 3 == 0 ? "caf\xC3\xA9" : r % 3 == 1 ? "" : "plain";
          if (k == 12)
            word = r % 2 == 0 ? "\xCE\xB1\xCE\xB2\xCE\xB3\xCE\xB4\xCE\xB5\xCE\xB6\xCE\xB7\xCE\xB8\xCE\xB9"
                                "\xCE\xBA\xCE\xBB\xCE\xBC" : "\xC3\xA9t\xC3\xA9";
          if (k == 2 && r % 1000 == 7)
            g_string_append (text, "\n\n");
          if (k == 4 && r == 90000)
            g_string_append_printf (text, "%d,%s,%d\n", r, word, r % 5);        /* a field short */
          else if (k == 5 && (r == 100000 || r == 12000))
            g_string_append_printf (text, "%d,%s,%d,1,2\n", r, word, r % 5);    /* a field over */
          else if (k == 6 && r == 100001)
            g_string_append_printf (text, "%d,bad\xFFword,%d,1\n", r, r % 5);
          else if (k == 9 && r == 100)
            g_string_append_printf (text, "%d,\"quoted, with a comma\",%d,1\n", r, r % 5);
          else if (k == 10 && r == 30000)
            {
              g_string_append_printf (text, "%d,nul", r);
              g_string_append_len (text, "\0", 1);
              g_string_append_printf (text, "here,%d,1\n", r % 5);
            }
          else
            g_string_append_printf (text, "%d,%s,%d,%d%s", r, word, r % 5, r % 11, k == 8 ? "\r\n" : "\n");
        }
      if (k == 1)
        g_string_truncate (text, text->len - 1);
      if (k == 3)
        g_string_append (text, "7,a,b,");
      if (k == 7)
        for (int r = 0; r < 1200000; r++)
          g_string_append_c (text, '\n');
      if (k == 13)
        g_string_append (text, "7,\xCE");
      assert_same_in_parts (text);
    }
}

/* The error names the first bad row, wherever the rows are split. */
static void
test_schema_first_bad_row (void)
{
  static const int bad[][2] = { { 20000, 90000 }, { 70000, 99999 }, { 0, 50000 }, { 49999, 50000 } };
  g_autofree char *schema_path = cx_test_source_path ("resources", "demo", "hmda-schema.json", NULL);

  for (guint k = 0; k < G_N_ELEMENTS (bad); k++)
    {
      g_autoptr(GString) text = big_hmda_table (bad[k][0], bad[k][1]);
      g_autoptr(CxSchema) schema = cx_schema_load (schema_path, NULL);
      g_autoptr(CxCsv) csv = NULL;
      g_autoptr(CxTensor) x = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *expected = NULL;

      csv = cx_csv_parse (text->str, text->len, "big.csv", &error);
      g_assert_no_error (error);
      g_assert_true (cx_schema_bind (schema, csv, &error));
      x = cx_schema_encode (schema, csv, &error);
      g_assert_null (x);
      g_assert_error (error, CX_ERROR, CX_ERROR_INVALID);
      g_assert_nonnull (strstr (cx_csv_cell (csv, bad[k][0], 1), "bad"));
      expected = g_strdup_printf ("big.csv: row %d, column pirat: '%s' is not a number", bad[k][0] + 1,
                                  cx_csv_cell (csv, bad[k][0], 1));
      g_assert_cmpstr (error->message, ==, expected);
    }
}

/* ---- numbers ---- */

static void
test_parse_number (void)
{
  static const struct { const char *text; double value; } ok[] = {
    { "0", 0 }, { "-0.5", -0.5 }, { "+3", 3 }, { " 42 ", 42 }, { "1e3", 1000 }, { "2.5E-3", 0.0025 },
    { ".5", 0.5 }, { "5.", 5 }, { "0.221000003814697", 0.221000003814697 },
    { "12345678901234567890123", 12345678901234567890123.0 }, { "1e-30", 1e-30 },
    { "0.1", 0.1 }, { "3.90000009536743", 3.90000009536743 },
    /* Around the quick reader's limits: 19 digits in all, 2^53, 10^-22. */
    { "-0", -0.0 }, { "123456789.0123456789", 123456789.0123456789 },
    { "0000000000000000000001.5", 1.5 }, { "9007199254740993", 9007199254740993.0 },
    { "0.0000000000000000000001", 1e-22 }, { "0.00000000000000000000012", 1.2e-22 },
    { "-12.5000000000000000000", -12.5 },
  };
  static const char *const bad[] = { "", " ", "abc", "1,5", "1e", "--1", "nan", "inf", "1e999", "0x", "1 2" };

  for (guint i = 0; i < G_N_ELEMENTS (ok); i++)
    {
      double v = NAN;
      g_assert_true (cx_parse_number (ok[i].text, &v));
      /* Correctly rounded: the same double strtod gives. */
      g_assert_cmpfloat (v, ==, ok[i].value);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      double v;
      g_assert_false (cx_parse_number (bad[i], &v));
    }
}

/* ---- the schema ---- */

static const char *const SCHEMA =
  "{\"features\": ["
  "  {\"column\": \"income\", \"mean\": 50000, \"std\": 20000},"
  "  {\"column\": \"purpose\", \"equals\": \"car\"},"
  "  {\"column\": \"purpose\", \"equals\": \"education\"},"
  "  {\"column\": \"age\"}"
  "],"
  " \"label\": {\"column\": \"approved\", \"positive\": \"yes\"},"
  " \"favourable_output\": 1, \"sensitive\": [\"sex\"], \"locked\": [\"sex\", \"age\"]}";

static CxSchema *
schema_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  CxSchema *s = cx_schema_parse (text, strlen (text), "s.json", &error);
  g_assert_no_error (error);
  return s;
}

static void
assert_schema_error (const char *text, const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CxSchema) s = cx_schema_parse (text, strlen (text), "s.json", &error);
  g_assert_null (s);
  g_assert_error (error, CX_ERROR, CX_ERROR_PARSE);
  g_assert_cmpstr (error->message, ==, message);
}

static void
test_schema_parse (void)
{
  g_autoptr(CxSchema) s = schema_ok (SCHEMA);

  g_assert_cmpint (s->n_features, ==, 4);
  g_assert_cmpint (s->n_columns, ==, 3);
  g_assert_cmpstr (s->columns[0].name, ==, "income");
  g_assert_cmpint (s->columns[0].kind, ==, CX_COLUMN_NUMERIC);
  g_assert_cmpstr (s->columns[1].name, ==, "purpose");
  g_assert_cmpint (s->columns[1].kind, ==, CX_COLUMN_CATEGORICAL);
  g_assert_cmpint (s->columns[1].n_features, ==, 2);
  g_assert_cmpstr (s->columns[1].categories[1], ==, "education");
  g_assert_cmpint (s->features[3].raw, ==, 2);
  g_assert_cmpfloat (s->features[3].mean, ==, 0);
  g_assert_cmpfloat (s->features[3].std, ==, 1);
  g_assert_true (s->columns[2].locked);
  g_assert_false (s->columns[0].locked);
  g_assert_cmpstr (s->label_column, ==, "approved");
  g_assert_cmpstr (s->label_positive, ==, "yes");
  g_assert_cmpint (s->favourable_output, ==, 1);
  g_assert_cmpstr (s->sensitive[0], ==, "sex");
  g_assert_null (s->sensitive[1]);
}

static void
test_schema_errors (void)
{
  {
    /* The parser's own words follow. */
    g_autoptr(GError) error = NULL;
    g_autoptr(CxSchema) s = cx_schema_parse ("{", 1, "s.json", &error);
    g_assert_null (s);
    g_assert_error (error, CX_ERROR, CX_ERROR_PARSE);
    g_assert_true (g_str_has_prefix (error->message, "s.json: not a schema: "));
  }
  assert_schema_error ("[]", "s.json: not a schema: the file holds an array, not a JSON object");
  /* What JSON-GLib would crash on or pass on wrongly is refused first. */
  {
    g_autofree char *deep = g_strnfill (100000, '[');
    assert_schema_error (deep, "s.json: line 1: arrays and objects nested more than 64 deep");
  }
  assert_schema_error ("{\"features\": [{\"column\": \"a\\ud800\"}]}",
                       "s.json: line 1: a string holds \\uD800, half of a UTF-16 surrogate pair");
  assert_schema_error ("{\"features\": [{\"column\": \"in\\come\"}]}",
                       "s.json: line 1: a string holds the escape \\c, which JSON does not have");
  assert_schema_error ("{\n\"features\": [{\"column\": \"a\\u0000b\"}]}",
                       "s.json: line 2: a string holds \\u0000 (a NUL character)");
  assert_schema_error ("{\"features\": []}", "s.json: 'features' must be a non-empty list");
  assert_schema_error ("{\"features\": [{\"column\": \"a\", \"mena\": 1}]}",
                       "s.json: feature 1: unknown key 'mena' (expected column, mean, std, equals, fill)");
  assert_schema_error ("{\"features\": [{\"column\": 3}]}", "s.json: feature 1: 'column' must be a column name");
  assert_schema_error ("{\"features\": [{\"column\": \"a\", \"std\": 0}]}",
                       "s.json: feature 1 (a): 'std' must be a positive number");
  assert_schema_error ("{\"features\": [{\"column\": \"a\", \"mean\": \"x\"}]}",
                       "s.json: feature 1 (a): 'mean' must be a number");
  assert_schema_error ("{\"features\": [{\"column\": \"a\"}, {\"column\": \"a\", \"equals\": \"x\"}]}",
                       "s.json: feature 2 (a): the column is both numeric and categorical");
  assert_schema_error ("{\"features\": [{\"column\": \"a\", \"equals\": \"x\"}, {\"column\": \"a\", \"equals\": \"x\"}]}",
                       "s.json: feature 2 (a): the category 'x' appears twice");
  assert_schema_error ("{\"features\": [{\"column\": \"a\", \"equals\": \"x\", \"fill\": \"y\"}]}",
                       "s.json: column a: 'fill' 'y' is not one of its categories");
  assert_schema_error ("{\"features\": [{\"column\": \"a\", \"fill\": \"many\"}]}",
                       "s.json: feature 1 (a): 'fill' must be a number");
  assert_schema_error ("{\"features\": [{\"column\": \"a\"}], \"sensitve\": [\"a\"]}",
                       "s.json: the schema: unknown key 'sensitve' (expected features, label, "
                       "favourable_output, sensitive, locked, name, description)");
  assert_schema_error ("{\"features\": [{\"column\": \"a\"}], \"label\": {\"column\": \"a\", \"positive\": 1}}",
                       "s.json: label: the column 'a' is also a feature");
  assert_schema_error ("{\"features\": [{\"column\": \"a\"}], \"favourable_output\": -1}",
                       "s.json: 'favourable_output' must be an output index (0, 1, …)");
  assert_schema_error ("{\"features\": [{\"column\": \"a\"}], \"sensitive\": \"sex\"}",
                       "s.json: 'sensitive' must be a list of column names");
}

static void
assert_encode_error (CxSchema *s, const char *table, CxErrorCode code, const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CxCsv) csv = parse_ok (table);
  g_autoptr(CxTensor) x = NULL;

  if (cx_schema_bind (s, csv, &error))
    x = cx_schema_encode (s, csv, &error);
  g_assert_null (x);
  g_assert_error (error, CX_ERROR, (int) code);
  g_assert_cmpstr (error->message, ==, message);
}

static void
test_schema_encode (void)
{
  g_autoptr(CxSchema) s = schema_ok (SCHEMA);
  g_autoptr(CxCsv) csv = parse_ok ("sex,age,purpose,income,approved\n"
                                   "f,30,car,70000,yes\n"
                                   "m,45,education,30000,no\n"
                                   "m,50,car,50000,yes\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(CxTensor) x = NULL;
  g_autoptr(CxTensor) row = NULL;
  g_autofree guint8 *y = NULL;
  const float expected[3][4] = { { 1.0f, 1, 0, 30 }, { -1.0f, 0, 1, 45 }, { 0.0f, 1, 0, 50 } };

  g_assert_true (cx_schema_bind (s, csv, &error));
  g_assert_no_error (error);
  g_assert_cmpint (s->columns[0].csv_column, ==, 3);
  x = cx_schema_encode (s, csv, &error);
  g_assert_no_error (error);
  g_assert_cmpint (x->shape[0], ==, 3);
  g_assert_cmpint (x->shape[1], ==, 4);
  for (int r = 0; r < 3; r++)
    for (int f = 0; f < 4; f++)
      g_assert_cmpfloat (x->data.f[r * 4 + f], ==, expected[r][f]);
  row = cx_schema_encode_row (s, csv, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (row->shape[0], ==, 1);
  g_assert_cmpfloat (row->data.f[0], ==, -1.0f);
  y = cx_schema_labels (s, csv, &error);
  g_assert_no_error (error);
  g_assert_cmpint (y[0], ==, 1);
  g_assert_cmpint (y[1], ==, 0);
  g_assert_cmpint (y[2], ==, 1);
}

static void
test_schema_encode_errors (void)
{
  g_autoptr(CxSchema) s = schema_ok (SCHEMA);

  assert_encode_error (s, "sex,age,purpose,approved\nf,30,car,yes\n", CX_ERROR_INVALID,
                       "t.csv: no column 'income', which s.json names");
  assert_encode_error (s, "income,age,purpose,approved\n1,30,car,yes\n", CX_ERROR_INVALID,
                       "t.csv: no column 'sex', which s.json names");
  assert_encode_error (s, "sex,age,purpose,income,approved\nf,30,car,1,yes\nm,31,boat,2,no\n",
                       CX_ERROR_INVALID,
                       "t.csv: row 2, column purpose: 'boat' is not one of the categories s.json lists (car, education)");
  assert_encode_error (s, "sex,age,purpose,income,approved\nf,30,car,1,yes\nm,31,car,lots,no\n",
                       CX_ERROR_INVALID, "t.csv: row 2, column income: 'lots' is not a number");
  assert_encode_error (s, "sex,age,purpose,income,approved\nf,,car,1,yes\n", CX_ERROR_INVALID,
                       "t.csv: row 1, column age: empty cell (give the column's features a \"fill\" in s.json)");
  assert_encode_error (s, "sex,age,purpose,income,approved\n", CX_ERROR_INVALID,
                       "t.csv: the table has a header but no rows");
}

static void
test_schema_fill (void)
{
  const char *text =
    "{\"features\": ["
    "  {\"column\": \"income\", \"mean\": 100, \"std\": 10, \"fill\": 120},"
    "  {\"column\": \"purpose\", \"equals\": \"car\", \"fill\": \"education\"},"
    "  {\"column\": \"purpose\", \"equals\": \"education\"}]}";
  g_autoptr(CxSchema) s = schema_ok (text);
  g_autoptr(CxCsv) csv = parse_ok ("income,purpose\n,\n90,car\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(CxTensor) x = NULL;

  g_assert_cmpstr (s->columns[0].fill, ==, "120");
  g_assert_cmpstr (s->columns[1].fill, ==, "education");
  g_assert_true (cx_schema_bind (s, csv, &error));
  x = cx_schema_encode (s, csv, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (x->data.f[0], ==, 2.0f);
  g_assert_cmpfloat (x->data.f[1], ==, 0.0f);
  g_assert_cmpfloat (x->data.f[2], ==, 1.0f);
  g_assert_cmpfloat (x->data.f[3], ==, -1.0f);
  g_assert_cmpfloat (x->data.f[4], ==, 1.0f);
}

static void
test_schema_label_empty (void)
{
  g_autoptr(CxSchema) s = schema_ok (SCHEMA);
  g_autoptr(CxCsv) csv = parse_ok ("sex,age,purpose,income,approved\nf,30,car,1,yes\nm,31,car,2,\n");
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *y = NULL;

  g_assert_true (cx_schema_bind (s, csv, &error));
  y = cx_schema_labels (s, csv, &error);
  g_assert_null (y);
  g_assert_error (error, CX_ERROR, CX_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "t.csv: row 2, column approved: empty label");
}

/* The demo: its schema against its table and model. */
static void
test_schema_hmda (void)
{
  g_autofree char *model_path = cx_test_source_path ("resources", "demo", "hmda-mlp.onnx", NULL);
  g_autofree char *data_path = cx_test_source_path ("resources", "demo", "hmda.csv", NULL);
  g_autofree char *schema_path = cx_test_source_path ("resources", "demo", "hmda-schema.json", NULL);
  g_autofree char *spec = g_strdup_printf ("%s:3", data_path);
  g_autofree char *bad_spec = g_strdup_printf ("%s:0", data_path);
  g_autofree char *sha = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CxModel) model = NULL;
  g_autoptr(CxSchema) schema = NULL;
  g_autoptr(CxCsv) csv = NULL;
  g_autoptr(CxTensor) x = NULL;
  g_autoptr(CxTensor) row = NULL;
  g_autoptr(CxTensor) none = NULL;

  if (!g_file_test (model_path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("the HMDA demo is not built");
      return;
    }
  model = cx_model_load (model_path, NULL, &error);
  if (model == NULL)
    {
      g_test_skip (error->message);
      return;
    }
  schema = cx_schema_load (schema_path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (schema->n_features, ==, 28);
  g_assert_cmpint (schema->n_columns, ==, 13);
  g_assert_true (cx_schema_check_model (schema, model, &error));
  csv = cx_csv_load (data_path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (csv->n_rows, ==, 2380);
  g_assert_true (cx_schema_bind (schema, csv, &error));
  x = cx_schema_encode (schema, csv, &error);
  g_assert_no_error (error);
  /* Row 1: pirat 0.221000003814697, chist 5, afam no. */
  g_assert_cmpfloat_with_epsilon (x->data.f[0], (0.221000003814697 - schema->features[0].mean) /
                                  schema->features[0].std, 1e-6);
  g_assert_cmpfloat (x->data.f[7], ==, 1.0f);
  g_assert_cmpfloat (x->data.f[22], ==, 1.0f);
  g_assert_cmpfloat (x->data.f[23], ==, 0.0f);

  /* T.csv:ROW, rows from 1. */
  row = cx_schema_input_load (model, spec, schema_path, &sha, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (row->data.f, 28 * sizeof (float), x->data.f + 2 * 28, 28 * sizeof (float));
  g_assert_cmpuint (strlen (sha), ==, 64);
  none = cx_schema_input_load (model, bad_spec, schema_path, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, CX_ERROR, CX_ERROR_ARGUMENT);
  g_clear_error (&error);

  /* A schema one feature short does not fit the model. */
  {
    g_autoptr(CxSchema) short_schema = schema_ok ("{\"features\": [{\"column\": \"pirat\"}]}");
    g_assert_false (cx_schema_check_model (short_schema, model, &error));
    g_assert_error (error, CX_ERROR, CX_ERROR_SHAPE);
    g_assert_cmpstr (error->message, ==, "s.json: the schema encodes 1 feature(s); the model's input 'features' takes 28");
  }
}

static void
test_row_spec (void)
{
  g_autofree char *path = NULL;
  int64_t row = 0;

  g_assert_true (cx_schema_split_row_spec ("data/t.csv:12", &path, &row));
  g_assert_cmpstr (path, ==, "data/t.csv");
  g_assert_cmpint (row, ==, 12);
  g_clear_pointer (&path, g_free);
  g_assert_true (cx_schema_split_row_spec ("C:/x.csv:3", &path, &row));
  g_assert_cmpstr (path, ==, "C:/x.csv");
  g_assert_false (cx_schema_split_row_spec ("t.csv", &path, &row));
  g_assert_false (cx_schema_split_row_spec ("t.csv:", &path, &row));
  g_assert_false (cx_schema_split_row_spec ("t.csv:1x", &path, &row));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/csv/reads/a-plain-table", test_csv_plain);
  g_test_add_func ("/csv/reads/quoted-commas-quotes-and-line-breaks", test_csv_quoting);
  g_test_add_func ("/csv/reads/bom-crlf-and-blank-lines", test_csv_bom_crlf_blank_lines);
  g_test_add_func ("/csv/reads/empty-cells-and-a-trailing-comma", test_csv_empty_cells_and_trailing_comma);
  g_test_add_func ("/csv/reads/utf8", test_csv_utf8);
  g_test_add_func ("/csv/reads/utf8-validated-in-parts", test_csv_utf8_in_parts);
  g_test_add_func ("/csv/reads/in-parts-as-in-one-pass", test_csv_parts);
  g_test_add_func ("/csv/reads/a-header-without-rows", test_csv_header_only);
  g_test_add_func ("/csv/rejects/broken-tables-with-row-and-column", test_csv_errors);
  g_test_add_func ("/csv/rejects/a-missing-file", test_csv_missing_file);
  g_test_add_func ("/csv/writes/fields-that-read-back", test_csv_writer_round_trip);
  g_test_add_func ("/csv/reads/100000-rows-in-under-a-second", test_csv_hundred_thousand_rows);
  g_test_add_func ("/csv/numbers/parse-correctly-rounded-or-refuse", test_parse_number);
  g_test_add_func ("/schema/parses/features-label-sensitive-locked", test_schema_parse);
  g_test_add_func ("/schema/rejects/bad-schemas-naming-the-key", test_schema_errors);
  g_test_add_func ("/schema/encodes/numeric-and-one-hot", test_schema_encode);
  g_test_add_func ("/schema/rejects/cells-naming-row-and-column", test_schema_encode_errors);
  g_test_add_func ("/schema/rejects/the-first-bad-row-of-a-large-table", test_schema_first_bad_row);
  g_test_add_func ("/schema/fills/empty-cells-when-told", test_schema_fill);
  g_test_add_func ("/schema/rejects/an-empty-label", test_schema_label_empty);
  g_test_add_func ("/schema/hmda/fits-table-and-model", test_schema_hmda);
  g_test_add_func ("/schema/row-spec/splits-path-and-row", test_row_spec);
  return g_test_run ();
}
