/* tensor.c
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tensor.h"
#include "cx-error.h"

#include <math.h>
#include <string.h>

#define CX_ALIGN 64

static guint64 tensor_limit = G_GUINT64_CONSTANT (4) << 30;
static const char *limit_hint = "raise it with --memory-limit";

guint64
cx_tensor_get_limit (void)
{
  return tensor_limit;
}

void
cx_tensor_set_limit (guint64 bytes)
{
  tensor_limit = bytes;
}

const char *
cx_tensor_get_limit_hint (void)
{
  return limit_hint;
}

void
cx_tensor_set_limit_hint (const char *hint)
{
  limit_hint = g_intern_string (hint);
}

gboolean
cx_elem_is_float (CxElem elem)
{
  return elem == CX_ELEM_FLOAT || elem == CX_ELEM_DOUBLE ||
         elem == CX_ELEM_FLOAT16 || elem == CX_ELEM_BFLOAT16;
}

gboolean
cx_elem_is_supported (CxElem elem)
{
  switch (elem)
    {
    case CX_ELEM_FLOAT: case CX_ELEM_UINT8: case CX_ELEM_INT8:
    case CX_ELEM_UINT16: case CX_ELEM_INT16: case CX_ELEM_INT32:
    case CX_ELEM_INT64: case CX_ELEM_BOOL: case CX_ELEM_FLOAT16:
    case CX_ELEM_DOUBLE: case CX_ELEM_UINT32: case CX_ELEM_UINT64:
    case CX_ELEM_BFLOAT16:
      return TRUE;
    default:
      return FALSE;
    }
}

const char *
cx_elem_name (CxElem elem)
{
  static const char *names[] = {
    "undefined", "float", "uint8", "int8", "uint16", "int16", "int32",
    "int64", "string", "bool", "float16", "double", "uint32", "uint64",
    "complex64", "complex128", "bfloat16",
  };
  if ((guint) elem < G_N_ELEMENTS (names))
    return names[elem];
  return "unknown";
}

gboolean
cx_shape_numel (int ndim, const int64_t *shape, int64_t *numel,
                const char *what, GError **error)
{
  int64_t n = 1;

  if (ndim < 0 || ndim > CX_MAX_DIMS)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_LIMIT,
                   "%s has %d dimensions; at most %d are supported",
                   what ? what : "tensor", ndim, CX_MAX_DIMS);
      return FALSE;
    }
  for (int d = 0; d < ndim; d++)
    {
      if (shape[d] < 0)
        {
          g_set_error (error, CX_ERROR, CX_ERROR_INVALID,
                       "%s has a negative dimension (%" G_GINT64_FORMAT ")",
                       what ? what : "tensor", shape[d]);
          return FALSE;
        }
      if (shape[d] != 0 && n > G_MAXINT64 / 8 / shape[d])
        {
          g_set_error (error, CX_ERROR, CX_ERROR_LIMIT,
                       "%s is too large (dimension %d is %" G_GINT64_FORMAT ")",
                       what ? what : "tensor", d, shape[d]);
          return FALSE;
        }
      n *= shape[d];
    }
  *numel = n;
  return TRUE;
}

static CxTensor *
tensor_alloc (CxElem elem, int ndim, const int64_t *shape, gboolean zero, GError **error)
{
  int64_t numel;
  gsize esize = cx_elem_is_float (elem) ? sizeof (float) : sizeof (int64_t);
  guint64 bytes;
  CxTensor *t;

  if (!cx_shape_numel (ndim, shape, &numel, "tensor", error))
    return NULL;
  bytes = (guint64) numel * esize;
  if (bytes > tensor_limit)
    {
      g_autofree char *s = cx_shape_to_string (ndim, shape);
      g_set_error (error, CX_ERROR, CX_ERROR_LIMIT,
                   "a tensor of shape %s needs %" G_GUINT64_FORMAT " MiB, over the "
                   "memory limit of %" G_GUINT64_FORMAT " MiB (%s)",
                   s, bytes >> 20, tensor_limit >> 20, limit_hint);
      return NULL;
    }
  t = g_new0 (CxTensor, 1);
  t->elem = elem;
  t->ndim = ndim;
  if (ndim > 0)
    memcpy (t->shape, shape, sizeof (int64_t) * ndim);
  t->numel = numel;
  /* Always allocate at least one element so data is never NULL. */
  bytes = MAX (bytes, CX_ALIGN);
  bytes = (bytes + CX_ALIGN - 1) / CX_ALIGN * CX_ALIGN;
  if (posix_memalign (&t->data.p, CX_ALIGN, bytes) != 0)
    {
      g_free (t);
      g_set_error (error, CX_ERROR, CX_ERROR_LIMIT,
                   "out of memory allocating %" G_GUINT64_FORMAT " MiB", bytes >> 20);
      return NULL;
    }
  if (zero)
    memset (t->data.p, 0, bytes);
  return t;
}

CxTensor *
cx_tensor_new (CxElem elem, int ndim, const int64_t *shape, GError **error)
{
  return tensor_alloc (elem, ndim, shape, FALSE, error);
}

CxTensor *
cx_tensor_new_zeros (CxElem elem, int ndim, const int64_t *shape, GError **error)
{
  return tensor_alloc (elem, ndim, shape, TRUE, error);
}

CxTensor *
cx_tensor_new_f32 (int ndim, const int64_t *shape, const float *values)
{
  CxTensor *t = tensor_alloc (CX_ELEM_FLOAT, ndim, shape, TRUE, NULL);
  g_assert (t != NULL);
  if (values != NULL)
    memcpy (t->data.f, values, sizeof (float) * t->numel);
  return t;
}

CxTensor *
cx_tensor_new_i64 (int ndim, const int64_t *shape, const int64_t *values)
{
  CxTensor *t = tensor_alloc (CX_ELEM_INT64, ndim, shape, TRUE, NULL);
  g_assert (t != NULL);
  if (values != NULL)
    memcpy (t->data.i, values, sizeof (int64_t) * t->numel);
  return t;
}

CxTensor *
cx_tensor_copy (const CxTensor *t, GError **error)
{
  CxTensor *c = tensor_alloc (t->elem, t->ndim, t->shape, FALSE, error);
  if (c != NULL)
    memcpy (c->data.p, t->data.p, cx_tensor_nbytes (t));
  return c;
}

void
cx_tensor_free (CxTensor *t)
{
  if (t == NULL)
    return;
  free (t->data.p);
  g_free (t);
}

gsize
cx_tensor_elem_size (const CxTensor *t)
{
  return cx_elem_is_float (t->elem) ? sizeof (float) : sizeof (int64_t);
}

gsize
cx_tensor_nbytes (const CxTensor *t)
{
  return (gsize) t->numel * cx_tensor_elem_size (t);
}

gboolean
cx_tensor_same_shape (const CxTensor *a, const CxTensor *b)
{
  if (a->ndim != b->ndim)
    return FALSE;
  for (int d = 0; d < a->ndim; d++)
    if (a->shape[d] != b->shape[d])
      return FALSE;
  return TRUE;
}

char *
cx_shape_to_string (int ndim, const int64_t *shape)
{
  GString *s = g_string_new ("[");
  for (int d = 0; d < ndim; d++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, d ? ", " : "", shape[d]);
  g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

double
cx_tensor_get (const CxTensor *t, int64_t i)
{
  g_assert (i >= 0 && i < t->numel);
  return cx_elem_is_float (t->elem) ? (double) t->data.f[i] : (double) t->data.i[i];
}

gboolean
cx_tensor_all_finite (const CxTensor *t)
{
  if (!cx_elem_is_float (t->elem))
    return TRUE;
  for (int64_t i = 0; i < t->numel; i++)
    if (!isfinite (t->data.f[i]))
      return FALSE;
  return TRUE;
}
