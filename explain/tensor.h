/* tensor.h: dense tensors of the engine.
 *
 * Activations are float32, shape arithmetic int64, both contiguous in C
 * order. Every ONNX element type is stored as one of the two: floating
 * types as float32, integer and boolean types as int64; `elem` keeps the
 * ONNX type so casts, comparisons and reports stay faithful.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

#define CX_MAX_DIMS 8

/* ONNX TensorProto.DataType values. */
typedef enum
{
  CX_ELEM_UNDEFINED = 0,
  CX_ELEM_FLOAT = 1,
  CX_ELEM_UINT8 = 2,
  CX_ELEM_INT8 = 3,
  CX_ELEM_UINT16 = 4,
  CX_ELEM_INT16 = 5,
  CX_ELEM_INT32 = 6,
  CX_ELEM_INT64 = 7,
  CX_ELEM_STRING = 8,
  CX_ELEM_BOOL = 9,
  CX_ELEM_FLOAT16 = 10,
  CX_ELEM_DOUBLE = 11,
  CX_ELEM_UINT32 = 12,
  CX_ELEM_UINT64 = 13,
  CX_ELEM_COMPLEX64 = 14,
  CX_ELEM_COMPLEX128 = 15,
  CX_ELEM_BFLOAT16 = 16,
} CxElem;

typedef struct
{
  CxElem elem;             /* the ONNX element type */
  int ndim;
  int64_t shape[CX_MAX_DIMS];
  int64_t numel;
  union
  {
    float *f;              /* when cx_elem_is_float (elem) */
    int64_t *i;            /* otherwise */
    void *p;
  } data;
} CxTensor;

/* TRUE when @elem is stored as float32, FALSE when stored as int64. */
gboolean     cx_elem_is_float       (CxElem elem);
/* TRUE for element types the engine can hold (no strings or complex). */
gboolean     cx_elem_is_supported   (CxElem elem);
/* The ONNX name of @elem ("float", "int64", …). */
const char  *cx_elem_name           (CxElem elem);

/* The largest tensor the engine will allocate, in bytes (default 4 GiB). */
guint64      cx_tensor_get_limit    (void);
void         cx_tensor_set_limit    (guint64 bytes);
/* How the memory-limit messages tell the user to raise it ("raise it with
 * --memory-limit" for the command line; the app names its setting). */
const char  *cx_tensor_get_limit_hint (void);
void         cx_tensor_set_limit_hint (const char *hint);

/* Multiplies out @shape; FALSE with CX_ERROR_LIMIT on overflow or a
 * negative dimension, naming @what in the message. */
gboolean     cx_shape_numel         (int ndim, const int64_t *shape, int64_t *numel,
                                     const char *what, GError **error);

/* A new tensor, uninitialised (cx_tensor_new) or zeroed. NULL with
 * CX_ERROR_LIMIT when the size exceeds the limit. */
CxTensor    *cx_tensor_new          (CxElem elem, int ndim, const int64_t *shape, GError **error);
CxTensor    *cx_tensor_new_zeros    (CxElem elem, int ndim, const int64_t *shape, GError **error);
/* Convenience for tests and small tensors: aborts on failure. */
CxTensor    *cx_tensor_new_f32      (int ndim, const int64_t *shape, const float *values);
CxTensor    *cx_tensor_new_i64      (int ndim, const int64_t *shape, const int64_t *values);
CxTensor    *cx_tensor_copy         (const CxTensor *t, GError **error);
void         cx_tensor_free         (CxTensor *t);

/* Bytes per stored element (4 or 8). */
gsize        cx_tensor_elem_size    (const CxTensor *t);
gsize        cx_tensor_nbytes       (const CxTensor *t);
gboolean     cx_tensor_same_shape   (const CxTensor *a, const CxTensor *b);
/* "[2, 3, 224, 224]"; free with g_free. */
char        *cx_shape_to_string     (int ndim, const int64_t *shape);
/* Value i as double, whatever the storage. */
double       cx_tensor_get          (const CxTensor *t, int64_t i);
/* FALSE when a float tensor holds a NaN or infinity. */
gboolean     cx_tensor_all_finite   (const CxTensor *t);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CxTensor, cx_tensor_free)

G_END_DECLS
