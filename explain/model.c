/* model.c: ONNX loading with protobuf-c, graph validation, topological
 * order, constant folding and the `info` document.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "model.h"
#include "atomic-file.h"
#include "run.h"
#include "onnx.pb-c.h"

#include <errno.h>
#include <nettle/sha2.h>
#include <unistd.h>
#include <fcntl.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DEFAULT_MAX_FILE_BYTES (G_GUINT64_CONSTANT (2) << 30)
#define DEFAULT_MAX_NODES 100000

/* ------------------------------------------------------------------ */
/* Reading the file                                                    */

/* The digest of what @sum has taken, as 64 lowercase hex digits. */
static char *
sha256_hex (struct sha256_ctx *sum)
{
  guint8 digest[SHA256_DIGEST_SIZE];
  GString *hex = g_string_sized_new (2 * sizeof digest);

  sha256_digest (sum, sizeof digest, digest);
  for (gsize i = 0; i < sizeof digest; i++)
    g_string_append_printf (hex, "%02x", digest[i]);
  return g_string_free (hex, FALSE);
}

char *
cx_file_sha256 (const char *path, GError **error)
{
  struct sha256_ctx sum;
  g_autofree guint8 *buf = g_malloc (1 << 16);
  /* Non-blocking, so that naming a FIFO cannot hang the open; only regular
   * files are read (a device such as /dev/zero would never end). */
  int fd = open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  struct stat st;
  FILE *f;
  size_t n;

  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, CX_ERROR, CX_ERROR_IO, "%s: cannot open: %s",
                   path, g_strerror (saved));
      return NULL;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, CX_ERROR, CX_ERROR_IO, "%s: not a regular file", path);
      return NULL;
    }
  f = fdopen (fd, "rb");
  if (f == NULL)
    {
      close (fd);
      g_set_error (error, CX_ERROR, CX_ERROR_IO, "%s: cannot open", path);
      return NULL;
    }
  sha256_init (&sum);
  while ((n = fread (buf, 1, 1 << 16, f)) > 0)
    sha256_update (&sum, n, buf);
  if (ferror (f))
    {
      fclose (f);
      g_set_error (error, CX_ERROR, CX_ERROR_IO, "%s: read error", path);
      return NULL;
    }
  fclose (f);
  return sha256_hex (&sum);
}

/* Walks the top level of a protobuf message to say precisely why
 * protobuf-c refused it: protobuf-c itself only says "no". */
static void
explain_bad_protobuf (const guint8 *data, gsize len, GError **error)
{
  gsize pos = 0;
  gboolean saw_graph = FALSE;

  while (pos < len)
    {
      guint64 key = 0, v = 0;
      int shift = 0;
      gsize start = pos;

      while (TRUE)
        {
          if (pos >= len)
            goto truncated;
          if (shift > 63)
            goto garbage;
          key |= (guint64) (data[pos] & 0x7f) << shift;
          shift += 7;
          if (!(data[pos++] & 0x80))
            break;
        }
      guint wire = key & 7;
      guint64 field = key >> 3;
      if (field == 0 || field > 20)
        goto garbage;
      switch (wire)
        {
        case 0:
          shift = 0;
          while (TRUE)
            {
              if (pos >= len)
                goto truncated;
              if (shift > 63)
                goto garbage;
              pos++;
              if (!(data[pos - 1] & 0x80))
                break;
              shift += 7;
            }
          break;
        case 1:
          if (len - pos < 8)
            goto truncated;
          pos += 8;
          break;
        case 5:
          if (len - pos < 4)
            goto truncated;
          pos += 4;
          break;
        case 2:
          shift = 0;
          v = 0;
          while (TRUE)
            {
              if (pos >= len)
                goto truncated;
              if (shift > 63)
                goto garbage;
              v |= (guint64) (data[pos] & 0x7f) << shift;
              shift += 7;
              if (!(data[pos++] & 0x80))
                break;
            }
          if (v > len - pos)
            {
              g_set_error (error, CX_ERROR, CX_ERROR_PARSE,
                           "truncated or corrupt: field %" G_GUINT64_FORMAT " at byte %"
                           G_GSIZE_FORMAT " claims %" G_GUINT64_FORMAT " bytes but only %"
                           G_GSIZE_FORMAT " remain", field, start, v, len - pos);
              return;
            }
          if (field == 7)
            saw_graph = TRUE;
          pos += v;
          break;
        default:
          goto garbage;
        }
      continue;
garbage:
      g_set_error (error, CX_ERROR, CX_ERROR_PARSE,
                   "not an ONNX model (invalid protobuf data at byte %" G_GSIZE_FORMAT ")",
                   start);
      return;
truncated:
      g_set_error (error, CX_ERROR, CX_ERROR_PARSE,
                   "truncated: the file ends inside a field at byte %" G_GSIZE_FORMAT, start);
      return;
    }
  g_set_error (error, CX_ERROR, CX_ERROR_PARSE,
               "corrupt ONNX model: %s", saw_graph ? "the graph cannot be decoded"
               : "the protobuf message cannot be decoded");
}

/* ------------------------------------------------------------------ */
/* Tensors from TensorProto                                            */

/* TRUE when the relative path LOCATION, read component by component,
 * climbs above the folder it is relative to.  Checked before the file
 * system is touched, so the answer does not depend on what exists
 * outside the folder; symbolic links are caught afterwards by realpath. */
static gboolean
location_climbs_out (const char *location)
{
  g_auto (GStrv) parts = g_strsplit_set (location, "/\\", -1);
  int depth = 0;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (g_str_equal (parts[i], ".."))
        depth--;
      else if (*parts[i] != '\0' && !g_str_equal (parts[i], "."))
        depth++;
      if (depth < 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
resolve_external (const Onnx__TensorProto *tp, const char *dir, guint8 **out_data,
                  gsize *out_len, gsize want, GError **error)
{
  const char *location = NULL;
  guint64 offset = 0, length = 0;
  gboolean has_length = FALSE;
  g_autofree char *joined = NULL;
  g_autofree char *real_dir = NULL;
  char real_file[PATH_MAX];
  FILE *f;

  for (size_t i = 0; i < tp->n_external_data; i++)
    {
      const Onnx__StringStringEntryProto *e = tp->external_data[i];
      if (e->key == NULL || e->value == NULL)
        continue;
      if (g_str_equal (e->key, "location"))
        location = e->value;
      else if (g_str_equal (e->key, "offset"))
        offset = g_ascii_strtoull (e->value, NULL, 10);
      else if (g_str_equal (e->key, "length"))
        {
          length = g_ascii_strtoull (e->value, NULL, 10);
          has_length = TRUE;
        }
    }
  if (location == NULL || *location == '\0')
    {
      g_set_error (error, CX_ERROR, CX_ERROR_INVALID, "external data has no location");
      return FALSE;
    }
  if (dir == NULL)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_INVALID,
                   "external data '%s' cannot be read: the model was not loaded from a file",
                   location);
      return FALSE;
    }
  if (g_path_is_absolute (location))
    {
      g_set_error (error, CX_ERROR, CX_ERROR_INVALID,
                   "external data location '%s' is absolute; only files inside the "
                   "model's folder are read", location);
      return FALSE;
    }
  if (location_climbs_out (location))
    {
      g_set_error (error, CX_ERROR, CX_ERROR_INVALID,
                   "external data location '%s' lies outside the model's folder; refused",
                   location);
      return FALSE;
    }
  joined = g_build_filename (dir, location, NULL);
  real_dir = realpath (dir, NULL);
  if (real_dir == NULL || realpath (joined, real_file) == NULL)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_IO, "external data file '%s' cannot be opened",
                   location);
      return FALSE;
    }
  if (!g_str_has_prefix (real_file, real_dir) || real_file[strlen (real_dir)] != '/')
    {
      g_set_error (error, CX_ERROR, CX_ERROR_INVALID,
                   "external data location '%s' lies outside the model's folder; refused",
                   location);
      return FALSE;
    }
  if (has_length && length != want)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_INVALID,
                   "external data length %" G_GUINT64_FORMAT " differs from the %"
                   G_GSIZE_FORMAT " bytes the shape needs", length, want);
      return FALSE;
    }
  f = fopen (real_file, "rb");
  if (f == NULL)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_IO, "external data file '%s' cannot be opened",
                   location);
      return FALSE;
    }
  *out_data = g_try_malloc (MAX (want, 1));
  if (*out_data == NULL || fseeko (f, (off_t) offset, SEEK_SET) != 0 ||
      fread (*out_data, 1, want, f) != want)
    {
      fclose (f);
      g_clear_pointer (out_data, g_free);
      g_set_error (error, CX_ERROR, CX_ERROR_PARSE,
                   "external data file '%s' is shorter than offset %" G_GUINT64_FORMAT
                   " + %" G_GSIZE_FORMAT " bytes", location, offset, want);
      return FALSE;
    }
  fclose (f);
  *out_len = want;
  return TRUE;
}

static gsize
raw_elem_size (CxElem elem)
{
  switch (elem)
    {
    case CX_ELEM_FLOAT: case CX_ELEM_INT32: case CX_ELEM_UINT32: return 4;
    case CX_ELEM_DOUBLE: case CX_ELEM_INT64: case CX_ELEM_UINT64: return 8;
    case CX_ELEM_UINT8: case CX_ELEM_INT8: case CX_ELEM_BOOL: return 1;
    case CX_ELEM_UINT16: case CX_ELEM_INT16: case CX_ELEM_FLOAT16:
    case CX_ELEM_BFLOAT16: return 2;
    default: return 0;
    }
}

static float
half_to_float (guint16 h)
{
  guint32 sign = (guint32) (h & 0x8000) << 16;
  guint32 exp = (h >> 10) & 0x1f;
  guint32 mant = h & 0x3ff;
  guint32 bits;
  float f;

  if (exp == 0)
    {
      if (mant == 0)
        bits = sign;
      else
        {
          /* subnormal: renormalise */
          exp = 127 - 15 + 1;
          while (!(mant & 0x400))
            {
              mant <<= 1;
              exp--;
            }
          mant &= 0x3ff;
          bits = sign | (exp << 23) | (mant << 13);
        }
    }
  else if (exp == 31)
    bits = sign | 0x7f800000 | (mant << 13);
  else
    bits = sign | ((exp - 15 + 127) << 23) | (mant << 13);
  memcpy (&f, &bits, 4);
  return f;
}

/* Decodes element i of little-endian raw data. */
static void
raw_get (const guint8 *p, CxElem elem, gsize i, float *f, int64_t *v)
{
  switch (elem)
    {
    case CX_ELEM_FLOAT: { float x; memcpy (&x, p + 4 * i, 4); *f = x; break; }
    case CX_ELEM_DOUBLE: { double x; memcpy (&x, p + 8 * i, 8); *f = (float) x; break; }
    case CX_ELEM_FLOAT16: { guint16 x; memcpy (&x, p + 2 * i, 2); *f = half_to_float (x); break; }
    case CX_ELEM_BFLOAT16:
      {
        guint16 x; guint32 b; float y;
        memcpy (&x, p + 2 * i, 2);
        b = (guint32) x << 16;
        memcpy (&y, &b, 4);
        *f = y;
        break;
      }
    case CX_ELEM_INT32: { gint32 x; memcpy (&x, p + 4 * i, 4); *v = x; break; }
    case CX_ELEM_UINT32: { guint32 x; memcpy (&x, p + 4 * i, 4); *v = x; break; }
    case CX_ELEM_INT64: { gint64 x; memcpy (&x, p + 8 * i, 8); *v = x; break; }
    case CX_ELEM_UINT64: { guint64 x; memcpy (&x, p + 8 * i, 8); *v = (int64_t) x; break; }
    case CX_ELEM_INT16: { gint16 x; memcpy (&x, p + 2 * i, 2); *v = x; break; }
    case CX_ELEM_UINT16: { guint16 x; memcpy (&x, p + 2 * i, 2); *v = x; break; }
    case CX_ELEM_INT8: *v = (gint8) p[i]; break;
    case CX_ELEM_UINT8: *v = p[i]; break;
    case CX_ELEM_BOOL: *v = p[i] != 0; break;
    default: g_assert_not_reached ();
    }
}

/* Converts a TensorProto; @what names it in errors ("initializer 'w'"). */
static CxTensor *
tensor_from_proto (const Onnx__TensorProto *tp, const char *dir, const char *what,
                   GError **error)
{
  CxElem elem = tp->has_data_type ? (CxElem) tp->data_type : CX_ELEM_UNDEFINED;
  int64_t numel;
  g_autoptr(CxTensor) t = NULL;
  g_autofree guint8 *external = NULL;
  const guint8 *raw = NULL;
  gsize raw_len = 0;
  gboolean is_float;

  if (!cx_elem_is_supported (elem))
    {
      g_set_error (error, CX_ERROR, CX_ERROR_UNSUPPORTED,
                   "%s has element type %s, which the engine does not support",
                   what, cx_elem_name (elem));
      return NULL;
    }
  if (tp->n_dims > CX_MAX_DIMS)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_LIMIT, "%s has %" G_GSIZE_FORMAT
                   " dimensions; at most %d are supported", what, tp->n_dims, CX_MAX_DIMS);
      return NULL;
    }
  if (tp->segment != NULL)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_UNSUPPORTED, "%s is segmented", what);
      return NULL;
    }
  if (!cx_shape_numel ((int) tp->n_dims, tp->dims, &numel, what, error))
    return NULL;

  is_float = cx_elem_is_float (elem);
  if (tp->has_data_location && tp->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL)
    {
      guint64 want = (guint64) numel * raw_elem_size (elem);
      if (want > cx_tensor_get_limit ())
        {
          g_set_error (error, CX_ERROR, CX_ERROR_LIMIT, "%s needs %" G_GUINT64_FORMAT
                       " MiB, over the memory limit", what, want >> 20);
          return NULL;
        }
      if (!resolve_external (tp, dir, &external, &raw_len, want, error))
        {
          g_prefix_error (error, "%s: ", what);
          return NULL;
        }
      raw = external;
    }
  else if (tp->has_raw_data)
    {
      raw = tp->raw_data.data;
      raw_len = tp->raw_data.len;
      if ((guint64) raw_len != (guint64) numel * raw_elem_size (elem))
        {
          g_autofree char *s = cx_shape_to_string ((int) tp->n_dims, tp->dims);
          g_set_error (error, CX_ERROR, CX_ERROR_INVALID,
                       "%s has %" G_GSIZE_FORMAT " bytes of data but its shape %s of %s "
                       "needs %" G_GUINT64_FORMAT, what, raw_len, s, cx_elem_name (elem),
                       (guint64) numel * raw_elem_size (elem));
          return NULL;
        }
    }

  t = cx_tensor_new (elem, (int) tp->n_dims, tp->dims, error);
  if (t == NULL)
    {
      g_prefix_error (error, "%s: ", what);
      return NULL;
    }

  if (raw != NULL)
    {
      for (int64_t i = 0; i < numel; i++)
        {
          float f = 0;
          int64_t v = 0;
          raw_get (raw, elem, (gsize) i, &f, &v);
          if (is_float)
            t->data.f[i] = f;
          else
            t->data.i[i] = v;
        }
      return g_steal_pointer (&t);
    }

  /* Typed fields. */
  {
    gsize have;
    switch (elem)
      {
      case CX_ELEM_FLOAT: have = tp->n_float_data; break;
      case CX_ELEM_DOUBLE: have = tp->n_double_data; break;
      case CX_ELEM_INT64: have = tp->n_int64_data; break;
      case CX_ELEM_UINT32: case CX_ELEM_UINT64: have = tp->n_uint64_data; break;
      default: have = tp->n_int32_data; break;
      }
    if ((guint64) have != (guint64) numel)
      {
        g_autofree char *s = cx_shape_to_string ((int) tp->n_dims, tp->dims);
        g_set_error (error, CX_ERROR, CX_ERROR_INVALID,
                     "%s has %" G_GSIZE_FORMAT " values but its shape %s needs %"
                     G_GINT64_FORMAT, what, have, s, numel);
        return NULL;
      }
    for (int64_t i = 0; i < numel; i++)
      {
        switch (elem)
          {
          case CX_ELEM_FLOAT: t->data.f[i] = tp->float_data[i]; break;
          case CX_ELEM_DOUBLE: t->data.f[i] = (float) tp->double_data[i]; break;
          case CX_ELEM_FLOAT16: t->data.f[i] = half_to_float ((guint16) tp->int32_data[i]); break;
          case CX_ELEM_BFLOAT16:
            {
              guint32 b = (guint32) (tp->int32_data[i] & 0xffff) << 16;
              memcpy (&t->data.f[i], &b, 4);
              break;
            }
          case CX_ELEM_INT64: t->data.i[i] = tp->int64_data[i]; break;
          case CX_ELEM_UINT32: case CX_ELEM_UINT64: t->data.i[i] = (int64_t) tp->uint64_data[i]; break;
          case CX_ELEM_BOOL: t->data.i[i] = tp->int32_data[i] != 0; break;
          default: t->data.i[i] = tp->int32_data[i]; break;
          }
      }
  }
  return g_steal_pointer (&t);
}

CxTensor *
cx_tensor_load_pb (const char *path, char **name, GError **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr(GError) local = NULL;
  Onnx__TensorProto *tp;
  CxTensor *t;
  g_autofree char *what = NULL;

  if (!g_file_get_contents (path, &data, &len, &local))
    {
      g_set_error (error, CX_ERROR, CX_ERROR_IO, "%s", local->message);
      return NULL;
    }
  tp = onnx__tensor_proto__unpack (NULL, len, (const guint8 *) data);
  if (tp == NULL)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_PARSE, "%s: not a serialized ONNX tensor", path);
      return NULL;
    }
  what = g_strdup_printf ("%s: tensor", path);
  t = tensor_from_proto (tp, NULL, what, error);
  if (t != NULL && name != NULL)
    *name = g_strdup (tp->name ? tp->name : "");
  onnx__tensor_proto__free_unpacked (tp, NULL);
  return t;
}

/* ------------------------------------------------------------------ */
/* Attributes                                                          */

static const Onnx__AttributeProto *
find_attr (const CxNode *node, const char *name)
{
  const Onnx__NodeProto *np = node->proto;
  if (np == NULL)
    return NULL;
  for (size_t i = 0; i < np->n_attribute; i++)
    if (np->attribute[i]->name != NULL && g_str_equal (np->attribute[i]->name, name))
      return np->attribute[i];
  return NULL;
}

gboolean
cx_node_has_attr (const CxNode *node, const char *name)
{
  return find_attr (node, name) != NULL;
}

int64_t
cx_node_attr_int (const CxNode *node, const char *name, int64_t def)
{
  const Onnx__AttributeProto *a = find_attr (node, name);
  if (a == NULL || !a->has_i)
    return def;
  return a->i;
}

float
cx_node_attr_float (const CxNode *node, const char *name, float def)
{
  const Onnx__AttributeProto *a = find_attr (node, name);
  if (a == NULL || !a->has_f)
    return def;
  return a->f;
}

const char *
cx_node_attr_string (const CxNode *node, const char *name, const char *def)
{
  const Onnx__AttributeProto *a = find_attr (node, name);
  if (a == NULL || !a->has_s)
    return def;
  /* Attribute strings are bytes; the loader checked they hold no NUL. */
  return (const char *) a->s.data;
}

gboolean
cx_node_attr_ints (const CxNode *node, const char *name, const int64_t **values, gsize *n)
{
  const Onnx__AttributeProto *a = find_attr (node, name);
  if (a == NULL)
    return FALSE;
  *values = a->ints;
  *n = a->n_ints;
  return TRUE;
}

gboolean
cx_node_attr_floats (const CxNode *node, const char *name, const float **values, gsize *n)
{
  const Onnx__AttributeProto *a = find_attr (node, name);
  if (a == NULL)
    return FALSE;
  *values = a->floats;
  *n = a->n_floats;
  return TRUE;
}

CxTensor *
cx_node_attr_tensor (const CxNode *node, const char *name, GError **error)
{
  const Onnx__AttributeProto *a = find_attr (node, name);
  g_autofree char *what = NULL;

  if (a == NULL || a->t == NULL)
    {
      cx_node_error (node, error, CX_ERROR_INVALID, "attribute '%s' (a tensor) is missing", name);
      return NULL;
    }
  what = g_strdup_printf ("node %s (%s): attribute '%s'", node->name, node->op_type, name);
  return tensor_from_proto (a->t, NULL, what, error);
}

void
cx_node_error (const CxNode *node, GError **error, int code, const char *format, ...)
{
  va_list args;
  g_autofree char *msg = NULL;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, CX_ERROR, code, "node %s (%s): %s", node->name, node->op_type, msg);
}

/* ------------------------------------------------------------------ */
/* Building the graph                                                  */

static int
value_get (CxModel *m, GArray *values, const char *name)
{
  gpointer id = g_hash_table_lookup (m->value_ids, name);
  CxValue v = { 0 };

  if (id != NULL)
    return GPOINTER_TO_INT (id) - 1;
  v.name = g_strdup (name);
  v.ndim = -1;
  v.producer = -1;
  for (int d = 0; d < CX_MAX_DIMS; d++)
    v.dims[d] = -1;
  g_array_append_val (values, v);
  g_hash_table_insert (m->value_ids, v.name, GINT_TO_POINTER (values->len));
  return (int) values->len - 1;
}

static gboolean
value_set_type (CxValue *v, const Onnx__ValueInfoProto *vi, GError **error)
{
  const Onnx__TypeProto *type = vi->type;
  const Onnx__TypeProto__Tensor *tt;

  if (type == NULL || type->value_case == ONNX__TYPE_PROTO__VALUE__NOT_SET)
    return TRUE;
  if (type->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_UNSUPPORTED,
                   "'%s' is a sequence, map, optional or sparse value; only dense tensors "
                   "are supported", v->name);
      return FALSE;
    }
  tt = type->tensor_type;
  if (tt == NULL)
    return TRUE;
  if (tt->has_elem_type)
    v->elem = (CxElem) tt->elem_type;
  if (tt->shape != NULL && tt->shape->n_dim <= CX_MAX_DIMS)
    {
      v->ndim = (int) tt->shape->n_dim;
      for (size_t d = 0; d < tt->shape->n_dim; d++)
        {
          const Onnx__TensorShapeProto__Dimension *dim = tt->shape->dim[d];
          v->dims[d] = -1;
          g_clear_pointer (&v->dim_names[d], g_free);
          if (dim->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE)
            v->dims[d] = dim->dim_value;
          else if (dim->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM)
            v->dim_names[d] = g_strdup (dim->dim_param);
        }
    }
  if (v->elem != CX_ELEM_UNDEFINED && !cx_elem_is_supported (v->elem))
    {
      g_set_error (error, CX_ERROR, CX_ERROR_UNSUPPORTED,
                   "'%s' has element type %s, which the engine does not support",
                   v->name, cx_elem_name (v->elem));
      return FALSE;
    }
  return TRUE;
}

void
cx_model_free (CxModel *m)
{
  if (m == NULL)
    return;
  for (int i = 0; i < m->n_nodes; i++)
    {
      CxNode *n = &m->nodes[i];
      if (n->params != NULL)
        {
          if (n->def != NULL && n->def->free_params != NULL)
            n->def->free_params (n->params);
          else
            g_free (n->params);
        }
      g_free (n->in);
      g_free (n->out);
      g_free ((char *) n->name);
      g_free (n->derived[0]);
      g_free (n->derived[1]);
    }
  g_free (m->nodes);
  for (int i = 0; i < m->n_values; i++)
    {
      g_free (m->values[i].name);
      for (int d = 0; d < CX_MAX_DIMS; d++)
        g_free (m->values[i].dim_names[d]);
      cx_tensor_free (m->values[i].constant);
    }
  g_free (m->values);
  g_free (m->inputs);
  g_free (m->outputs);
  g_clear_pointer (&m->value_ids, g_hash_table_destroy);
  g_clear_pointer (&m->op_histogram, g_hash_table_destroy);
  g_clear_pointer (&m->unsupported_ops, g_ptr_array_unref);
  g_clear_pointer (&m->metadata, g_hash_table_destroy);
  if (m->proto != NULL)
    onnx__model_proto__free_unpacked (m->proto, NULL);
  g_free (m->path);
  g_free (m->sha256);
  g_free (m->producer_name);
  g_free (m->producer_version);
  g_free (m->graph_name);
  g_free (m);
}

static gboolean
check_strings (Onnx__NodeProto *np, GError **error)
{
  for (size_t a = 0; a < np->n_attribute; a++)
    {
      Onnx__AttributeProto *attr = np->attribute[a];
      if (attr->name == NULL)
        {
          g_set_error (error, CX_ERROR, CX_ERROR_INVALID, "an attribute has no name");
          return FALSE;
        }
      if (attr->has_s && attr->s.len > 0 && memchr (attr->s.data, 0, attr->s.len) != NULL)
        {
          g_set_error (error, CX_ERROR, CX_ERROR_INVALID,
                       "attribute '%s' holds a NUL byte", attr->name);
          return FALSE;
        }
      if (attr->has_s)
        {
          /* s is protobuf bytes, which protobuf-c does not NUL-terminate:
           * swap in a terminated copy (same allocator, malloc) so the
           * attribute getters can hand out C strings. */
          guint8 *copy = malloc (attr->s.len + 1);
          if (copy == NULL)
            {
              g_set_error (error, CX_ERROR, CX_ERROR_LIMIT, "out of memory");
              return FALSE;
            }
          if (attr->s.len > 0)
            memcpy (copy, attr->s.data, attr->s.len);
          copy[attr->s.len] = '\0';
          free (attr->s.data);
          attr->s.data = copy;
        }
    }
  return TRUE;
}

/* Kahn's algorithm over node dependencies; FALSE on a cycle. */
static gboolean
topo_sort (CxModel *m, CxNode *nodes, int n, GError **error)
{
  g_autofree int *indeg = g_new0 (int, n);
  g_autofree int *order = g_new (int, n);
  g_autoptr(GPtrArray) users = g_ptr_array_new_full (m->n_values, (GDestroyNotify) g_array_unref);
  int head = 0, tail = 0;

  for (int v = 0; v < m->n_values; v++)
    g_ptr_array_add (users, g_array_new (FALSE, FALSE, sizeof (int)));
  for (int i = 0; i < n; i++)
    for (int k = 0; k < nodes[i].n_in; k++)
      {
        int v = nodes[i].in[k];
        if (v >= 0 && m->values[v].producer >= 0)
          {
            indeg[i]++;
            g_array_append_val (g_ptr_array_index (users, v), i);
          }
      }
  for (int i = 0; i < n; i++)
    if (indeg[i] == 0)
      order[tail++] = i;
  while (head < tail)
    {
      int i = order[head++];
      for (int k = 0; k < nodes[i].n_out; k++)
        {
          int v = nodes[i].out[k];
          GArray *u;
          if (v < 0)
            continue;
          u = g_ptr_array_index (users, v);
          for (guint j = 0; j < u->len; j++)
            if (--indeg[g_array_index (u, int, j)] == 0)
              order[tail++] = g_array_index (u, int, j);
        }
    }
  if (tail < n)
    {
      for (int i = 0; i < n; i++)
        if (indeg[i] > 0)
          {
            g_set_error (error, CX_ERROR, CX_ERROR_INVALID,
                         "the graph has a cycle through node %s (%s)",
                         nodes[i].name, nodes[i].op_type);
            return FALSE;
          }
    }

  /* Permute into order and renumber producers. */
  if (n > 0)
  {
    CxNode *sorted = g_new0 (CxNode, n);
    for (int k = 0; k < n; k++)
      {
        sorted[k] = nodes[order[k]];
        sorted[k].index = (guint) k;
        for (int o = 0; o < sorted[k].n_out; o++)
          if (sorted[k].out[o] >= 0)
            m->values[sorted[k].out[o]].producer = k;
      }
    memcpy (nodes, sorted, sizeof (CxNode) * n);
    g_free (sorted);
  }
  return TRUE;
}

static gboolean
fold_constants (CxModel *m, GError **error)
{
  g_autoptr(CxRun) run = cx_run_new (0);

  for (int i = 0; i < m->n_nodes; i++)
    {
      CxNode *node = &m->nodes[i];
      CxTensor *in[64] = { 0 };
      CxTensor *out[64] = { 0 };
      gboolean all_const = TRUE;

      if (node->def == NULL || node->n_in > 64 || node->n_out > 64)
        continue;
      for (int k = 0; k < node->n_in; k++)
        {
          if (node->in[k] < 0)
            continue;
          if (m->values[node->in[k]].constant == NULL)
            all_const = FALSE;
          else
            in[k] = m->values[node->in[k]].constant;
        }
      if (!all_const)
        continue;
      /* Folding a large computation (a Conv on constants) would still be
       * right, but keep load time predictable: fold small results only. */
      if (!node->def->forward (run, node, in, out, error))
        {
          for (int k = 0; k < node->n_out; k++)
            if (out[k] != NULL)
              cx_run_release (run, out[k]);
          return FALSE;
        }
      for (int k = 0; k < node->n_out; k++)
        {
          if (out[k] == NULL)
            continue;
          if (node->out[k] >= 0)
            {
              CxTensor *copy = cx_tensor_copy (out[k], error);
              if (copy == NULL)
                return FALSE;
              m->values[node->out[k]].constant = copy;
            }
          cx_run_release (run, out[k]);
        }
      node->folded = TRUE;
    }
  return TRUE;
}

static void
clear_value (gpointer data)
{
  CxValue *v = data;
  g_free (v->name);
  for (int d = 0; d < CX_MAX_DIMS; d++)
    g_free (v->dim_names[d]);
  cx_tensor_free (v->constant);
}

static gboolean
build_graph (CxModel *m, const char *dir, const CxLoadOptions *opt, GError **error)
{
  Onnx__ModelProto *mp = m->proto;
  Onnx__GraphProto *g = mp->graph;
  g_autoptr(GArray) values = g_array_new (FALSE, TRUE, sizeof (CxValue));
  g_autoptr(GArray) inputs = g_array_new (FALSE, FALSE, sizeof (int));
  CxNode *nodes;
  int n_nodes;
  gboolean has_default_domain = FALSE;

  m->ir_version = mp->has_ir_version ? mp->ir_version : 0;
  m->producer_name = g_strdup (mp->producer_name ? mp->producer_name : "");
  m->producer_version = g_strdup (mp->producer_version ? mp->producer_version : "");
  m->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (size_t i = 0; i < mp->n_metadata_props; i++)
    if (mp->metadata_props[i]->key != NULL)
      g_hash_table_replace (m->metadata, g_strdup (mp->metadata_props[i]->key),
                            g_strdup (mp->metadata_props[i]->value ?
                                      mp->metadata_props[i]->value : ""));

  for (size_t i = 0; i < mp->n_opset_import; i++)
    {
      const char *dom = mp->opset_import[i]->domain;
      if (dom == NULL || *dom == '\0' || g_str_equal (dom, "ai.onnx"))
        {
          m->opset = (int) CLAMP (mp->opset_import[i]->version, 0, G_MAXINT);
          has_default_domain = TRUE;
        }
    }
  if (!has_default_domain)
    m->opset = 1;
  if (m->opset > 18)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_UNSUPPORTED,
                   "opset %d is newer than the engine knows (it supports opsets 1 to 18)",
                   m->opset);
      return FALSE;
    }
  if (g == NULL)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_INVALID, "the model has no graph");
      return FALSE;
    }
  if (g->n_node > (size_t) (opt->max_nodes > 0 ? opt->max_nodes : DEFAULT_MAX_NODES))
    {
      g_set_error (error, CX_ERROR, CX_ERROR_LIMIT,
                   "the graph has %" G_GSIZE_FORMAT " nodes, over the limit of %d "
                   "(raise it with --max-nodes)", g->n_node,
                   opt->max_nodes > 0 ? opt->max_nodes : DEFAULT_MAX_NODES);
      return FALSE;
    }
  m->graph_name = g_strdup (g->name ? g->name : "");
  m->value_ids = g_hash_table_new (g_str_hash, g_str_equal);
  /* Until the table moves into the model, an error frees what it holds. */
  g_array_set_clear_func (values, clear_value);
  m->op_histogram = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  m->unsupported_ops = g_ptr_array_new_with_free_func (g_free);

  /* Initializers first: they are constants even when listed as inputs. */
  for (size_t i = 0; i < g->n_initializer; i++)
    {
      const Onnx__TensorProto *tp = g->initializer[i];
      g_autofree char *what = NULL;
      CxValue *v;
      int id;

      if (tp->name == NULL || *tp->name == '\0')
        {
          g_set_error (error, CX_ERROR, CX_ERROR_INVALID, "initializer #%" G_GSIZE_FORMAT
                       " has no name", i);
          return FALSE;
        }
      id = value_get (m, values, tp->name);
      v = &g_array_index (values, CxValue, id);
      if (v->constant != NULL)
        {
          g_set_error (error, CX_ERROR, CX_ERROR_INVALID, "initializer '%s' is defined twice",
                       tp->name);
          return FALSE;
        }
      what = g_strdup_printf ("initializer '%s'", tp->name);
      v->constant = tensor_from_proto (tp, dir, what, error);
      if (v->constant == NULL)
        return FALSE;
      v->elem = v->constant->elem;
      v->ndim = v->constant->ndim;
      for (int d = 0; d < v->ndim; d++)
        v->dims[d] = v->constant->shape[d];
      m->n_initializers++;
      m->n_parameters += v->constant->numel;
    }

  for (size_t i = 0; i < g->n_input; i++)
    {
      const Onnx__ValueInfoProto *vi = g->input[i];
      CxValue *v;
      int id;

      if (vi->name == NULL || *vi->name == '\0')
        {
          g_set_error (error, CX_ERROR, CX_ERROR_INVALID, "graph input #%" G_GSIZE_FORMAT
                       " has no name", i);
          return FALSE;
        }
      id = value_get (m, values, vi->name);
      v = &g_array_index (values, CxValue, id);
      if (v->constant != NULL)
        continue;
      if (v->is_input)
        {
          g_set_error (error, CX_ERROR, CX_ERROR_INVALID, "graph input '%s' is listed twice",
                       vi->name);
          return FALSE;
        }
      if (!value_set_type (v, vi, error))
        return FALSE;
      v->is_input = TRUE;
      g_array_append_val (inputs, id);
    }

  n_nodes = (int) g->n_node;
  nodes = g_new0 (CxNode, MAX (n_nodes, 1));
  m->nodes = nodes;
  for (int i = 0; i < n_nodes; i++)
    {
      Onnx__NodeProto *np = g->node[i];
      CxNode *node = &nodes[i];
      const char *op = np->op_type ? np->op_type : "";
      const char *dom = np->domain ? np->domain : "";
      gboolean std_domain = *dom == '\0' || g_str_equal (dom, "ai.onnx");
      g_autofree char *key = NULL;

      m->n_nodes = i + 1;
      node->index = (guint) i;
      node->name = (np->name && *np->name) ? g_strdup (np->name) : g_strdup_printf ("#%d", i);
      node->op_type = op;
      node->proto = np;
      node->opset = m->opset;
      if (*op == '\0')
        {
          g_set_error (error, CX_ERROR, CX_ERROR_INVALID, "node %s has no op_type", node->name);
          return FALSE;
        }
      key = std_domain ? g_strdup (op) : g_strdup_printf ("%s.%s", dom, op);
      g_hash_table_insert (m->op_histogram, g_strdup (key),
                           GINT_TO_POINTER (GPOINTER_TO_INT (g_hash_table_lookup (m->op_histogram, key)) + 1));
      node->def = std_domain ? cx_op_lookup (op) : NULL;
      if (node->def == NULL)
        {
          gboolean seen = FALSE;
          for (guint k = 0; k < m->unsupported_ops->len; k++)
            seen |= g_str_equal (g_ptr_array_index (m->unsupported_ops, k), key);
          if (!seen)
            g_ptr_array_add (m->unsupported_ops, g_strdup (key));
        }
      if (!check_strings (np, error))
        {
          g_prefix_error (error, "node %s (%s): ", node->name, op);
          return FALSE;
        }
      if (np->n_input > 1024 || np->n_output > 1024)
        {
          g_set_error (error, CX_ERROR, CX_ERROR_LIMIT, "node %s (%s) has too many inputs or outputs",
                       node->name, op);
          return FALSE;
        }
      node->n_in = (int) np->n_input;
      node->n_out = (int) np->n_output;
      node->in = g_new (int, MAX (node->n_in, 1));
      node->out = g_new (int, MAX (node->n_out, 1));
      for (int k = 0; k < node->n_in; k++)
        node->in[k] = (np->input[k] && *np->input[k]) ? value_get (m, values, np->input[k]) : -1;
      for (int k = 0; k < node->n_out; k++)
        {
          CxValue *v;
          int id;
          if (np->output[k] == NULL || *np->output[k] == '\0')
            {
              node->out[k] = -1;
              continue;
            }
          id = value_get (m, values, np->output[k]);
          v = &g_array_index (values, CxValue, id);
          if (v->producer >= 0 || v->is_input || v->constant != NULL)
            {
              g_set_error (error, CX_ERROR, CX_ERROR_INVALID,
                           "node %s (%s): output '%s' is already %s", node->name, op,
                           np->output[k],
                           v->producer >= 0 ? "produced by another node" :
                           v->is_input ? "a graph input" : "an initializer");
              return FALSE;
            }
          v->producer = i;
          node->out[k] = id;
        }
    }
  {
    GPtrArray *u = m->unsupported_ops;
    for (guint a = 0; a + 1 < u->len; a++)
      for (guint b = a + 1; b < u->len; b++)
        if (g_strcmp0 (u->pdata[a], u->pdata[b]) > 0)
          {
            gpointer t = u->pdata[a];
            u->pdata[a] = u->pdata[b];
            u->pdata[b] = t;
          }
  }

  /* value_info and outputs carry declared types. */
  for (size_t i = 0; i < g->n_output; i++)
    {
      const Onnx__ValueInfoProto *vi = g->output[i];
      int id;
      if (vi->name == NULL || g_hash_table_lookup (m->value_ids, vi->name) == NULL)
        {
          g_set_error (error, CX_ERROR, CX_ERROR_INVALID,
                       "graph output '%s' is not produced by any node, input or initializer",
                       vi->name ? vi->name : "");
          return FALSE;
        }
      id = value_get (m, values, vi->name);
      if (!value_set_type (&g_array_index (values, CxValue, id), vi, error))
        return FALSE;
      g_array_index (values, CxValue, id).is_output = TRUE;
    }
  m->n_outputs = (int) g->n_output;
  m->outputs = g_new (int, MAX (m->n_outputs, 1));
  for (int i = 0; i < m->n_outputs; i++)
    m->outputs[i] = GPOINTER_TO_INT (g_hash_table_lookup (m->value_ids, g->output[i]->name)) - 1;
  if (m->n_outputs == 0)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_INVALID, "the graph has no outputs");
      return FALSE;
    }

  m->n_values = (int) values->len;
  g_array_set_clear_func (values, NULL);
  m->values = (CxValue *) g_array_free (g_steal_pointer (&values), FALSE);
  m->n_inputs = (int) inputs->len;
  m->inputs = (int *) g_array_free (g_steal_pointer (&inputs), FALSE);

  /* Every input must come from somewhere. */
  for (int i = 0; i < n_nodes; i++)
    for (int k = 0; k < nodes[i].n_in; k++)
      {
        int v = nodes[i].in[k];
        if (v < 0)
          continue;
        m->values[v].n_consumers++;
        if (m->values[v].producer < 0 && !m->values[v].is_input && m->values[v].constant == NULL)
          {
            g_set_error (error, CX_ERROR, CX_ERROR_INVALID,
                         "node %s (%s): input '%s' is not produced by any node, graph input "
                         "or initializer", nodes[i].name, nodes[i].op_type, m->values[v].name);
            return FALSE;
          }
      }

  if (!topo_sort (m, nodes, n_nodes, error))
    return FALSE;

  if (m->unsupported_ops->len > 0 && !opt->allow_unsupported)
    {
      g_autoptr(GString) list = g_string_new (NULL);
      for (guint k = 0; k < m->unsupported_ops->len; k++)
        g_string_append_printf (list, "%s%s", k ? ", " : "",
                                (char *) g_ptr_array_index (m->unsupported_ops, k));
      g_set_error (error, CX_ERROR, CX_ERROR_UNSUPPORTED,
                   "the engine does not support the operator%s %s",
                   m->unsupported_ops->len > 1 ? "s" : "", list->str);
      return FALSE;
    }

  /* Arity and attributes. */
  for (int i = 0; i < n_nodes; i++)
    {
      CxNode *node = &nodes[i];
      const CxOpDef *def = node->def;
      if (def == NULL)
        continue;
      if (node->n_in < def->min_inputs || node->n_in > def->max_inputs ||
          node->n_out < def->min_outputs || node->n_out > def->max_outputs)
        {
          g_set_error (error, CX_ERROR, CX_ERROR_INVALID,
                       "node %s (%s): has %d inputs and %d outputs; the operator takes "
                       "%d to %d inputs and %d to %d outputs", node->name, node->op_type,
                       node->n_in, node->n_out, def->min_inputs, def->max_inputs,
                       def->min_outputs, def->max_outputs);
          return FALSE;
        }
      for (int k = 0; k < def->min_inputs && k < node->n_in; k++)
        if (node->in[k] < 0)
          {
            g_set_error (error, CX_ERROR, CX_ERROR_INVALID,
                         "node %s (%s): required input %d is empty", node->name,
                         node->op_type, k);
            return FALSE;
          }
      if (def->init != NULL && !def->init (node, error))
        return FALSE;
    }

  if (m->unsupported_ops->len == 0 && !fold_constants (m, error))
    return FALSE;
  for (int i = 0; i < m->n_nodes; i++)
    {
      CxNode *node = &m->nodes[i];
      for (int k = 0; k < node->n_in && k < 32; k++)
        if (node->in[k] >= 0 && m->values[node->in[k]].constant != NULL)
          node->constant_inputs |= 1u << k;
    }
  return TRUE;
}

CxModel *
cx_model_load_from_data (const guint8 *data, gsize len, const char *name,
                         const char *dir, const CxLoadOptions *options, GError **error)
{
  CxLoadOptions defaults = { 0 };
  const CxLoadOptions *opt = options ? options : &defaults;
  g_autoptr(CxModel) m = g_new0 (CxModel, 1);

  m->path = g_strdup (name);
  if (m->sha256 == NULL)
    {
      struct sha256_ctx sum;
      sha256_init (&sum);
      sha256_update (&sum, len, data);
      m->sha256 = sha256_hex (&sum);
    }
  m->file_size = (gint64) len;
  if (len == 0)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_PARSE, "%s: the file is empty", name);
      return NULL;
    }
  m->proto = onnx__model_proto__unpack (NULL, len, data);
  if (m->proto == NULL)
    {
      explain_bad_protobuf (data, len, error);
      cx_error_prefix (error, name);
      return NULL;
    }
  if (!build_graph (m, dir, opt, error))
    {
      cx_error_prefix (error, name);
      return NULL;
    }
  return g_steal_pointer (&m);
}

CxModel *
cx_model_load (const char *path, const CxLoadOptions *options, GError **error)
{
  CxLoadOptions defaults = { 0 };
  const CxLoadOptions *opt = options ? options : &defaults;
  guint64 max = opt->max_file_bytes ? opt->max_file_bytes : DEFAULT_MAX_FILE_BYTES;
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *dir = NULL;
  struct stat st;
  CxModel *m;

  if (!cx_file_check_readable (path, error))
    return NULL;

  if (stat (path, &st) != 0)
    {
      int saved = errno;
      g_set_error (error, CX_ERROR, CX_ERROR_IO, "%s: cannot open: %s", path, g_strerror (saved));
      return NULL;
    }
  if (S_ISDIR (st.st_mode))
    {
      g_set_error (error, CX_ERROR, CX_ERROR_IO, "%s: is a folder, not a model file", path);
      return NULL;
    }
  if ((guint64) st.st_size > max)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_LIMIT,
                   "%s: the file is %" G_GUINT64_FORMAT " MiB, over the limit of %"
                   G_GUINT64_FORMAT " MiB", path, (guint64) st.st_size >> 20, max >> 20);
      return NULL;
    }
  if (st.st_size == 0)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_PARSE, "%s: the file is empty", path);
      return NULL;
    }
  mapped = g_mapped_file_new (path, FALSE, &local);
  if (mapped == NULL)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_IO, "%s: cannot open: %s", path, local->message);
      return NULL;
    }
  dir = g_path_get_dirname (path);
  m = cx_model_load_from_data ((const guint8 *) g_mapped_file_get_contents (mapped),
                               g_mapped_file_get_length (mapped), path, dir, opt, error);
  return m;
}

int
cx_model_find_value (const CxModel *model, const char *name)
{
  gpointer id = g_hash_table_lookup (model->value_ids, name);
  return id ? GPOINTER_TO_INT (id) - 1 : -1;
}

gboolean
cx_model_is_supported (const CxModel *model)
{
  return model->unsupported_ops->len == 0;
}

const char *
cx_model_metadata (const CxModel *model, const char *key)
{
  return g_hash_table_lookup (model->metadata, key);
}

const float *
cx_node_derived (const CxNode *node, int slot, gconstpointer source, gsize floats,
                 CxDeriveFunc make, gpointer user_data)
{
  /* The slot is a cache: filling it does not change what the node means. */
  gpointer *place = (gpointer *) &((CxNode *) node)->derived[slot];
  CxDerived *d = g_atomic_pointer_get (place);

  if (d != NULL && d->source == source && d->floats == floats)
    return d->data;
  if (d != NULL)
    return NULL;                /* another source or size: not this cache's */
  d = g_try_malloc (sizeof (CxDerived) + floats * sizeof (float));
  if (d == NULL)
    return NULL;
  d->source = source;
  d->floats = floats;
  make (user_data, d->data);
  if (!g_atomic_pointer_compare_and_exchange (place, NULL, d))
    {
      g_free (d);
      d = g_atomic_pointer_get (place);
      return d->source == source && d->floats == floats ? d->data : NULL;
    }
  return d->data;
}

void
cx_model_forget_derived (CxModel *model)
{
  for (int i = 0; i < model->n_nodes; i++)
    for (int s = 0; s < 2; s++)
      g_clear_pointer (&model->nodes[i].derived[s], g_free);
}

CxModel *
cx_model_copy (const CxModel *model, GError **error)
{
  guint8 *buf;
  gsize len;
  g_autofree char *dir = NULL;
  CxLoadOptions opt = { .allow_unsupported = FALSE };
  CxModel *copy;

  /* Re-serialising keeps the copy independent of the original's buffers;
   * external data was inlined into constants already, so re-read it from
   * the model's folder as before. */
  len = onnx__model_proto__get_packed_size (model->proto);
  buf = g_try_malloc (MAX (len, 1));
  if (buf == NULL)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_LIMIT, "out of memory copying the model");
      return NULL;
    }
  onnx__model_proto__pack (model->proto, buf);
  dir = model->path ? g_path_get_dirname (model->path) : NULL;
  copy = cx_model_load_from_data (buf, len, model->path, dir, &opt, error);
  g_free (buf);
  if (copy != NULL)
    {
      g_free (copy->sha256);
      copy->sha256 = g_strdup (model->sha256);
    }
  return copy;
}

/* ------------------------------------------------------------------ */
/* info                                                                */

static void
add_value_info (JsonBuilder *b, const CxValue *v)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, v->name);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, cx_elem_name (v->elem));
  json_builder_set_member_name (b, "shape");
  if (v->ndim < 0)
    json_builder_add_null_value (b);
  else
    {
      json_builder_begin_array (b);
      for (int d = 0; d < v->ndim; d++)
        {
          if (v->dims[d] >= 0)
            json_builder_add_int_value (b, v->dims[d]);
          else if (v->dim_names[d] != NULL)
            json_builder_add_string_value (b, v->dim_names[d]);
          else
            json_builder_add_null_value (b);
        }
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
}

JsonNode *
cx_model_info (const CxModel *m)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const Onnx__ModelProto *mp = m->proto;
  g_autoptr(GList) keys = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "file");
  json_builder_add_string_value (b, m->path ? m->path : "");
  json_builder_set_member_name (b, "sha256");
  json_builder_add_string_value (b, m->sha256);
  json_builder_set_member_name (b, "size_bytes");
  json_builder_add_int_value (b, m->file_size);
  json_builder_set_member_name (b, "ir_version");
  json_builder_add_int_value (b, m->ir_version);
  json_builder_set_member_name (b, "opset_import");
  json_builder_begin_array (b);
  for (size_t i = 0; i < mp->n_opset_import; i++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "domain");
      json_builder_add_string_value (b, mp->opset_import[i]->domain ? mp->opset_import[i]->domain : "");
      json_builder_set_member_name (b, "version");
      json_builder_add_int_value (b, mp->opset_import[i]->version);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "producer_name");
  json_builder_add_string_value (b, m->producer_name);
  json_builder_set_member_name (b, "producer_version");
  json_builder_add_string_value (b, m->producer_version);
  json_builder_set_member_name (b, "graph_name");
  json_builder_add_string_value (b, m->graph_name);

  json_builder_set_member_name (b, "inputs");
  json_builder_begin_array (b);
  for (int i = 0; i < m->n_inputs; i++)
    add_value_info (b, &m->values[m->inputs[i]]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "outputs");
  json_builder_begin_array (b);
  for (int i = 0; i < m->n_outputs; i++)
    add_value_info (b, &m->values[m->outputs[i]]);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "initializer_count");
  json_builder_add_int_value (b, m->n_initializers);
  json_builder_set_member_name (b, "parameter_count");
  json_builder_add_int_value (b, m->n_parameters);
  json_builder_set_member_name (b, "node_count");
  json_builder_add_int_value (b, m->n_nodes);

  json_builder_set_member_name (b, "op_histogram");
  json_builder_begin_object (b);
  keys = g_hash_table_get_keys (m->op_histogram);
  keys = g_list_sort (keys, (GCompareFunc) g_strcmp0);
  for (GList *l = keys; l; l = l->next)
    {
      json_builder_set_member_name (b, l->data);
      json_builder_add_int_value (b, GPOINTER_TO_INT (g_hash_table_lookup (m->op_histogram, l->data)));
    }
  json_builder_end_object (b);

  json_builder_set_member_name (b, "unsupported_ops");
  json_builder_begin_array (b);
  for (guint k = 0; k < m->unsupported_ops->len; k++)
    json_builder_add_string_value (b, g_ptr_array_index (m->unsupported_ops, k));
  json_builder_end_array (b);

  json_builder_set_member_name (b, "metadata");
  json_builder_begin_object (b);
  {
    g_autoptr(GList) mk = g_list_sort (g_hash_table_get_keys (m->metadata), (GCompareFunc) g_strcmp0);
    for (GList *l = mk; l; l = l->next)
      {
        json_builder_set_member_name (b, l->data);
        json_builder_add_string_value (b, g_hash_table_lookup (m->metadata, l->data));
      }
  }
  json_builder_end_object (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
