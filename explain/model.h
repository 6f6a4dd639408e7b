/* model.h: an ONNX model loaded, validated and ready to execute.
 *
 * A CxModel is immutable once loaded and may be shared between threads;
 * execution state lives in a CxExec (exec.h).
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "tensor.h"
#include "op.h"

G_BEGIN_DECLS

typedef struct _CxModel CxModel;

/* A named tensor of the graph: a graph input, an initializer, or a node's output. */
typedef struct
{
  char *name;
  CxElem elem;                 /* CX_ELEM_UNDEFINED when not declared */
  int ndim;                    /* -1 when the rank is not declared */
  int64_t dims[CX_MAX_DIMS];   /* -1 for a symbolic or unknown dimension */
  char *dim_names[CX_MAX_DIMS];/* symbolic dimension names, or NULL */
  CxTensor *constant;          /* initializer or folded constant, owned */
  int producer;                /* node index, or -1 */
  int n_consumers;             /* nodes that read it */
  gboolean is_input;           /* a graph input the caller feeds */
  gboolean is_output;          /* a graph output */
} CxValue;

struct _CxModel
{
  char *path;                  /* as given, for messages */
  char *sha256;                /* hex digest of the file */
  gint64 file_size;
  gpointer proto;              /* Onnx__ModelProto, owned */

  int64_t ir_version;
  char *producer_name;
  char *producer_version;
  char *graph_name;
  int opset;                   /* opset of the default domain */

  CxValue *values;
  int n_values;
  CxNode *nodes;               /* in topological order */
  int n_nodes;
  int *inputs;                 /* value ids of the inputs the caller feeds */
  int n_inputs;
  int *outputs;
  int n_outputs;

  int n_initializers;
  int64_t n_parameters;        /* elements in all initializers */
  GHashTable *op_histogram;    /* op_type -> count (GINT_TO_POINTER), of the file's nodes */
  GPtrArray *unsupported_ops;  /* sorted op types without a kernel */
  GHashTable *metadata;        /* metadata_props key -> value */
  GHashTable *value_ids;       /* name -> id + 1 */
};

typedef struct
{
  gsize max_file_bytes;        /* default 2 GiB */
  int max_nodes;               /* default 100000 */
  gboolean allow_unsupported;  /* load even when ops lack a kernel (for info) */
} CxLoadOptions;

/* Loads and validates @path. With @options NULL, the defaults apply and
 * unsupported ops are an error. Every error message starts with the path. */
CxModel     *cx_model_load            (const char *path, const CxLoadOptions *options,
                                       GError **error);
/* The same from memory; @name is used in messages and @dir resolves
 * external data (NULL: none allowed). */
CxModel     *cx_model_load_from_data  (const guint8 *data, gsize len, const char *name,
                                       const char *dir, const CxLoadOptions *options,
                                       GError **error);
void         cx_model_free            (CxModel *model);
/* Drops what kernels derived from the model's constants (transformed
 * weights): call after changing a constant in place, with no run using
 * the model. */
void         cx_model_forget_derived  (CxModel *model);

/* Value id of @name, or -1. */
int          cx_model_find_value      (const CxModel *model, const char *name);
/* TRUE when every node has a kernel. */
gboolean     cx_model_is_supported    (const CxModel *model);
/* The `candor-cli info` document. */
JsonNode    *cx_model_info            (const CxModel *model);
/* A metadata_props value, or NULL. */
const char  *cx_model_metadata        (const CxModel *model, const char *key);

/* A copy whose initializers can be changed (sanity checks); shares nothing
 * mutable with @model. */
CxModel     *cx_model_copy            (const CxModel *model, GError **error);

/* Reads a serialized TensorProto (.pb of the ONNX test data) as a tensor. */
CxTensor    *cx_tensor_load_pb        (const char *path, char **name, GError **error);

/* SHA-256 of a file, lowercase hex; NULL with an error naming the file. */
char        *cx_file_sha256           (const char *path, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CxModel, cx_model_free)

G_END_DECLS
