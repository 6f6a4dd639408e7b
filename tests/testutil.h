/* testutil.h: building small ONNX graphs in tests, and gradient checks.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "model.h"
#include "exec.h"
#include "csv.h"
#include "schema.h"

G_BEGIN_DECLS

typedef struct _CxTestGraph CxTestGraph;

/* A graph in the default domain at @opset. */
CxTestGraph *cx_test_graph_new        (int opset);
void         cx_test_graph_free       (CxTestGraph *g);
/* Declares a graph input; a dimension of -1 is symbolic ("N"). */
void         cx_test_graph_input      (CxTestGraph *g, const char *name, CxElem elem,
                                       int ndim, const int64_t *shape);
/* An initializer holding a copy of @value. */
void         cx_test_graph_const      (CxTestGraph *g, const char *name, const CxTensor *value);
/* Adds a node; @inputs and @outputs are comma-separated names, an empty
 * item is an omitted optional input ("X,,B"). Attributes added next go to it. */
void         cx_test_graph_node       (CxTestGraph *g, const char *op_type,
                                       const char *inputs, const char *outputs);
void         cx_test_graph_attr_int   (CxTestGraph *g, const char *name, int64_t value);
void         cx_test_graph_attr_float (CxTestGraph *g, const char *name, float value);
void         cx_test_graph_attr_string(CxTestGraph *g, const char *name, const char *value);
void         cx_test_graph_attr_ints  (CxTestGraph *g, const char *name, gsize n,
                                       const int64_t *values);
void         cx_test_graph_attr_floats(CxTestGraph *g, const char *name, gsize n,
                                       const float *values);
void         cx_test_graph_attr_tensor(CxTestGraph *g, const char *name, const CxTensor *value);
/* Declares a graph output (float unless the type is given later). */
void         cx_test_graph_output     (CxTestGraph *g, const char *name);
/* Serialised ModelProto bytes (free with g_free). */
guint8      *cx_test_graph_pack       (CxTestGraph *g, gsize *len);
/* Packs and loads through the real loader. */
CxModel     *cx_test_graph_build      (CxTestGraph *g, GError **error);

/* A tensor of standard-normal (or uniform [lo, hi)) values from @rand. */
CxTensor    *cx_test_randn            (GRand *rand, int ndim, const int64_t *shape);
CxTensor    *cx_test_uniform          (GRand *rand, int ndim, const int64_t *shape,
                                       double lo, double hi);

/* Checks the reverse pass of @model (output 0) against central finite
 * differences for every float input, on at most @max_checks elements of
 * each; asserts |num − ana| ≤ atol + rtol·max(|num|, |ana|). */
void         cx_test_gradcheck        (const CxModel *model, CxTensor *const *inputs,
                                       double eps, double rtol, double atol,
                                       int max_checks);

/* Runs forward and returns a copy of output @i. */
CxTensor    *cx_test_run              (const CxModel *model, CxTensor *const *inputs, int i);

/* Path of a file in the source tree (tests/… or resources/…); free with g_free. */
char        *cx_test_source_path      (const char *first, ...) G_GNUC_NULL_TERMINATED;

/* Reads a NumPy .npy (float32/float64/int64) for references; aborts on error. */
CxTensor    *cx_test_load_npy         (const char *path, double **f64);

/* What `candor-cli ARGS…` did: exit status (0 on success), stdout, stderr. */
typedef struct
{
  int status;
  char *out;
  char *err;
} CxCliResult;

void         cx_cli_result_clear      (CxCliResult *r);
/* Runs the candor-cli named by $CANDOR_CLI with the arguments (NULL-ended). */
void         cx_test_run_cli          (CxCliResult *r, const char *first, ...) G_GNUC_NULL_TERMINATED;
/* The same with a NULL-terminated vector. */
void         cx_test_run_cli_argv     (CxCliResult *r, const char *const *args);

/* The HMDA mortgage demo (resources/demo): the model, its schema bound to
 * the table, the table and its encoded rows, checked against each other.
 * FALSE, with the test skipped, when the demo is not built. */
typedef struct
{
  CxModel *model;
  CxSchema *schema;
  CxCsv *csv;
  CxTensor *x;                 /* [N, F] */
} CxTestTable;

gboolean     cx_test_table_load_hmda  (CxTestTable *t);
/* Checks @t's parts against each other, binds and encodes the rows. */
void         cx_test_table_bind       (CxTestTable *t);
void         cx_test_table_clear      (CxTestTable *t);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CxTestTable, cx_test_table_clear)

/* Deletes @path and everything under it (symbolic links, not their targets). */
void         cx_test_remove_tree      (const char *path);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CxTestGraph, cx_test_graph_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CxCliResult, cx_cli_result_clear)

G_END_DECLS
