/* npy.c: reading and writing NumPy arrays.
 *
 * The header is a Python dict literal; only the three keys NumPy writes
 * are accepted, and every size is checked before allocating.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "npy.h"
#include "cx-error.h"
#include "atomic-file.h"

#include <math.h>
#include <string.h>

typedef struct
{
  char kind;       /* 'f', 'i', 'u', 'b' */
  int size;        /* bytes per element */
  gboolean big;    /* big-endian */
  int ndim;
  int64_t shape[CX_MAX_DIMS];
  int64_t numel;
  gsize offset;    /* where the data starts */
} NpyHeader;

static const char *
skip_ws (const char *p)
{
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
    p++;
  return p;
}

static gboolean
parse_header (const guint8 *data, gsize len, NpyHeader *h, GError **error)
{
  static const guint8 magic[6] = { 0x93, 'N', 'U', 'M', 'P', 'Y' };
  gsize hlen, start;
  g_autofree char *text = NULL;
  const char *p, *descr = NULL, *shape = NULL;
  gboolean fortran = FALSE, have_order = FALSE;

  if (len < 10 || memcmp (data, magic, 6) != 0)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_PARSE, "not a NumPy .npy file (bad magic)");
      return FALSE;
    }
  if (data[6] == 1)
    {
      hlen = data[8] | (gsize) data[9] << 8;
      start = 10;
    }
  else if (data[6] == 2 || data[6] == 3)
    {
      if (len < 12)
        {
          g_set_error (error, CX_ERROR, CX_ERROR_PARSE, "truncated header");
          return FALSE;
        }
      hlen = data[8] | (gsize) data[9] << 8 | (gsize) data[10] << 16 | (gsize) data[11] << 24;
      start = 12;
    }
  else
    {
      g_set_error (error, CX_ERROR, CX_ERROR_UNSUPPORTED, "NPY format version %d is not supported",
                   data[6]);
      return FALSE;
    }
  if (hlen > 65536 || hlen > len - start)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_PARSE, "the header length %" G_GSIZE_FORMAT
                   " runs past the end of the file", hlen);
      return FALSE;
    }
  text = g_strndup ((const char *) data + start, hlen);
  if (strlen (text) != hlen && memchr (data + start, 0, hlen) != NULL)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_PARSE, "the header holds a NUL byte");
      return FALSE;
    }
  h->offset = start + hlen;

  p = skip_ws (text);
  if (*p++ != '{')
    goto bad;
  while (TRUE)
    {
      const char *key;
      gsize klen;
      p = skip_ws (p);
      if (*p == '}')
        break;
      if (*p != '\'' && *p != '"')
        goto bad;
      key = ++p;
      while (*p && *p != '\'' && *p != '"')
        p++;
      if (!*p)
        goto bad;
      klen = (gsize) (p - key);
      p = skip_ws (p + 1);
      if (*p++ != ':')
        goto bad;
      p = skip_ws (p);
      if (klen == 5 && strncmp (key, "descr", 5) == 0)
        {
          if (*p != '\'' && *p != '"')
            goto bad;
          descr = ++p;
          while (*p && *p != '\'' && *p != '"')
            p++;
          if (!*p)
            goto bad;
          p++;
        }
      else if (klen == 13 && strncmp (key, "fortran_order", 13) == 0)
        {
          if (strncmp (p, "False", 5) == 0)
            p += 5;
          else if (strncmp (p, "True", 4) == 0)
            {
              fortran = TRUE;
              p += 4;
            }
          else
            goto bad;
          have_order = TRUE;
        }
      else if (klen == 5 && strncmp (key, "shape", 5) == 0)
        {
          if (*p != '(')
            goto bad;
          shape = ++p;
          while (*p && *p != ')')
            p++;
          if (!*p)
            goto bad;
          p++;
        }
      else
        {
          g_set_error (error, CX_ERROR, CX_ERROR_PARSE, "unexpected header key '%.*s'",
                       (int) MIN (klen, 40), key);
          return FALSE;
        }
      p = skip_ws (p);
      if (*p == ',')
        p++;
    }
  if (descr == NULL || shape == NULL || !have_order)
    goto bad;
  if (fortran)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_UNSUPPORTED,
                   "Fortran-order arrays are not supported; save with C order");
      return FALSE;
    }

  /* descr: <f4, |b1, <i8, … */
  h->big = descr[0] == '>';
  if (descr[0] != '<' && descr[0] != '>' && descr[0] != '|' && descr[0] != '=')
    goto bad_type;
  h->kind = descr[1];
  h->size = (int) g_ascii_strtoll (descr + 2, NULL, 10);
  if (descr[2] < '0' || descr[2] > '9' || (descr[3] != '\'' && descr[3] != '"' &&
      (descr[3] < '0' || descr[3] > '9')))
    goto bad_type;
  switch (h->kind)
    {
    case 'f': if (h->size != 2 && h->size != 4 && h->size != 8) goto bad_type; break;
    case 'i': if (h->size != 1 && h->size != 2 && h->size != 4 && h->size != 8) goto bad_type; break;
    case 'u': if (h->size != 1 && h->size != 2 && h->size != 4) goto bad_type; break;
    case 'b': if (h->size != 1) goto bad_type; break;
    default: goto bad_type;
    }

  /* shape: (2, 3) or (5,) or () */
  h->ndim = 0;
  p = shape;
  while (TRUE)
    {
      char *end;
      gint64 d;
      p = skip_ws (p);
      if (*p == ')')
        break;
      if (*p < '0' || *p > '9')
        goto bad;
      d = g_ascii_strtoll (p, &end, 10);
      if (end == p || d < 0)
        goto bad;
      if (h->ndim >= CX_MAX_DIMS)
        {
          g_set_error (error, CX_ERROR, CX_ERROR_LIMIT, "the array has more than %d dimensions",
                       CX_MAX_DIMS);
          return FALSE;
        }
      h->shape[h->ndim++] = d;
      p = skip_ws (end);
      if (*p == ',')
        p++;
    }
  if (!cx_shape_numel (h->ndim, h->shape, &h->numel, "the array", error))
    return FALSE;
  if ((guint64) h->numel > (guint64) (len - h->offset) / (guint64) h->size)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_PARSE,
                   "the header promises %" G_GINT64_FORMAT " elements but the file holds only %"
                   G_GSIZE_FORMAT " bytes of data", h->numel, len - h->offset);
      return FALSE;
    }
  return TRUE;

bad:
  g_set_error (error, CX_ERROR, CX_ERROR_PARSE, "malformed header");
  return FALSE;
bad_type:
  g_set_error (error, CX_ERROR, CX_ERROR_UNSUPPORTED, "unsupported element type in the header");
  return FALSE;
}

static float
half_bits_to_float (guint16 h)
{
  guint32 sign = (guint32) (h & 0x8000) << 16, exp = (h >> 10) & 0x1f, mant = h & 0x3ff, bits;
  float f;
  if (exp == 0)
    {
      f = ldexpf ((float) mant, -24);
      return sign ? -f : f;
    }
  if (exp == 31)
    bits = sign | 0x7f800000 | (mant << 13);
  else
    bits = sign | ((exp - 15 + 127) << 23) | (mant << 13);
  memcpy (&f, &bits, 4);
  return f;
}

/* An integer or boolean element, exactly (no detour through double). */
static int64_t
element_int (const guint8 *p, const NpyHeader *h)
{
  guint8 b[8];
  memcpy (b, p, h->size);
  if (h->big && h->size > 1)
    for (int i = 0; i < h->size / 2; i++)
      {
        guint8 t = b[i];
        b[i] = b[h->size - 1 - i];
        b[h->size - 1 - i] = t;
      }
  switch (h->kind)
    {
    case 'i':
      if (h->size == 1) return (gint8) b[0];
      if (h->size == 2) { gint16 v; memcpy (&v, b, 2); return v; }
      if (h->size == 4) { gint32 v; memcpy (&v, b, 4); return v; }
      { gint64 v; memcpy (&v, b, 8); return v; }
    case 'u':
      if (h->size == 1) return b[0];
      if (h->size == 2) { guint16 v; memcpy (&v, b, 2); return v; }
      { guint32 v; memcpy (&v, b, 4); return v; }
    default:
      return b[0] != 0;
    }
}

static double
element (const guint8 *p, const NpyHeader *h)
{
  guint8 b[8];
  memcpy (b, p, h->size);
  if (h->big && h->size > 1)
    for (int i = 0; i < h->size / 2; i++)
      {
        guint8 t = b[i];
        b[i] = b[h->size - 1 - i];
        b[h->size - 1 - i] = t;
      }
  switch (h->kind)
    {
    case 'f':
      if (h->size == 4) { float f; memcpy (&f, b, 4); return f; }
      if (h->size == 8) { double d; memcpy (&d, b, 8); return d; }
      { guint16 s; memcpy (&s, b, 2); return half_bits_to_float (s); }
    case 'i':
      if (h->size == 1) return (gint8) b[0];
      if (h->size == 2) { gint16 v; memcpy (&v, b, 2); return v; }
      if (h->size == 4) { gint32 v; memcpy (&v, b, 4); return v; }
      { gint64 v; memcpy (&v, b, 8); return (double) v; }
    case 'u':
      if (h->size == 1) return b[0];
      if (h->size == 2) { guint16 v; memcpy (&v, b, 2); return v; }
      { guint32 v; memcpy (&v, b, 4); return v; }
    default:
      return b[0] != 0;
    }
}

CxTensor *
cx_npy_parse (const guint8 *data, gsize len, const char *name, GError **error)
{
  NpyHeader h;
  CxTensor *t;
  CxElem elem;

  if (!parse_header (data, len, &h, error))
    {
      cx_error_prefix (error, name);
      return NULL;
    }
  elem = h.kind == 'f' ? CX_ELEM_FLOAT : h.kind == 'b' ? CX_ELEM_BOOL : CX_ELEM_INT64;
  t = cx_tensor_new (elem, h.ndim, h.shape, error);
  if (t == NULL)
    {
      cx_error_prefix (error, name);
      return NULL;
    }
  for (int64_t i = 0; i < h.numel; i++)
    {
      const guint8 *p = data + h.offset + (gsize) i * h.size;
      if (h.kind == 'f')
        t->data.f[i] = (float) element (p, &h);
      else
        t->data.i[i] = element_int (p, &h);
    }
  return t;
}

CxTensor *
cx_npy_load (const char *path, GError **error)
{
  g_autoptr(GMappedFile) f = NULL;
  g_autoptr(GError) local = NULL;

  if (!cx_file_check_readable (path, error))
    return NULL;

  f = g_mapped_file_new (path, FALSE, &local);
  if (f == NULL)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_IO, "%s", local->message);
      return NULL;
    }
  return cx_npy_parse ((const guint8 *) g_mapped_file_get_contents (f),
                       g_mapped_file_get_length (f), path, error);
}

double *
cx_npy_load_f64 (const char *path, int *ndim, int64_t *shape, GError **error)
{
  g_autoptr(GMappedFile) f = NULL;
  g_autoptr(GError) local = NULL;
  const guint8 *data;
  NpyHeader h;
  double *out;

  f = g_mapped_file_new (path, FALSE, &local);
  if (f == NULL)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_IO, "%s", local->message);
      return NULL;
    }
  data = (const guint8 *) g_mapped_file_get_contents (f);
  if (!parse_header (data, g_mapped_file_get_length (f), &h, error))
    {
      cx_error_prefix (error, path);
      return NULL;
    }
  out = g_try_new (double, MAX (h.numel, 1));
  if (out == NULL)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_LIMIT, "%s: out of memory", path);
      return NULL;
    }
  for (int64_t i = 0; i < h.numel; i++)
    out[i] = element (data + h.offset + (gsize) i * h.size, &h);
  *ndim = h.ndim;
  memcpy (shape, h.shape, sizeof (int64_t) * h.ndim);
  return out;
}

gboolean
cx_npy_save (const char *path, const CxTensor *t, GError **error)
{
  gboolean is_float = cx_elem_is_float (t->elem);
  g_autoptr(GString) header = g_string_new (NULL);
  g_autoptr(GByteArray) buf = g_byte_array_new ();
  gsize total;
  guint16 hlen;

  g_string_append_printf (header, "{'descr': '%s', 'fortran_order': False, 'shape': (",
                          is_float ? "<f4" : "<i8");
  for (int d = 0; d < t->ndim; d++)
    g_string_append_printf (header, "%" G_GINT64_FORMAT "%s", t->shape[d],
                            (t->ndim == 1 || d + 1 < t->ndim) ? "," : "");
  g_string_append (header, "), }");
  /* Pad with spaces so the data starts on a 64-byte boundary. */
  total = 10 + header->len + 1;
  while (total % 64 != 0)
    {
      g_string_append_c (header, ' ');
      total++;
    }
  g_string_append_c (header, '\n');
  hlen = (guint16) header->len;
  g_byte_array_append (buf, (const guint8 *) "\x93NUMPY\x01\x00", 8);
  {
    guint8 le[2] = { hlen & 0xff, hlen >> 8 };
    g_byte_array_append (buf, le, 2);
  }
  g_byte_array_append (buf, (const guint8 *) header->str, header->len);
  /* The engine runs on little-endian machines only (checked at build). */
  g_byte_array_append (buf, t->data.p, (guint) cx_tensor_nbytes (t));
  return cx_atomic_write (path, buf->data, buf->len, error);
}
