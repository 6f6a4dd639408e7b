/* op.h: the operator interface.
 *
 * Every ONNX operator the engine runs is one CxOpDef in the table of its
 * family (ops/elementwise.c, ops/conv.c, …); ops/registry.c merges the
 * family tables into one sorted table looked up once per node at load.
 *
 * Conventions every kernel follows:
 * - forward() allocates each output with cx_run_alloc() and fills it; an
 *   omitted optional input is NULL in @in; outputs the graph does not use
 *   are still produced (the executor frees them).
 * - backward() computes the vector-Jacobian product: given the gradients
 *   of the outputs (@gout[j], NULL when output j carries no gradient,
 *   i.e. zero) it ADDS the gradient of each input into @gin[i] (a zeroed
 *   or partially accumulated tensor of exactly the input's shape), and
 *   leaves @gin[i] alone when it is NULL (that input needs no gradient).
 *   Only inputs in `diff_inputs` ever get a non-NULL @gin.
 * - backward_set(), where an op has one, is backward() for inputs whose
 *   gradients start here: it writes @gin[i] (uninitialised, or with
 *   set_in_place perhaps @gout[0] itself) instead of adding into it.
 * - Kernels keep no globals and allocate through the run only, so one
 *   model can be executed from several threads, each with its own run.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "tensor.h"
#include "cx-error.h"

G_BEGIN_DECLS

typedef struct _CxNode CxNode;
typedef struct _CxRun CxRun;
typedef struct _CxOpDef CxOpDef;

/* What backward needs kept from forward (lets the memory plan free the rest). */
typedef enum
{
  CX_SAVE_NONE = 0,
  CX_SAVE_INPUTS = 1 << 0,
  CX_SAVE_OUTPUTS = 1 << 1,
  CX_SAVE_BOUND_INPUTS = 1 << 2,  /* every input but the first (Clip's min and max) */
} CxSaveFlags;

/* diff_inputs value for variadic ops (Concat, Sum…): every input, however many. */
#define CX_DIFF_ALL 0xffffffffu

/* TRUE when input @k of @def is differentiable. */
static inline gboolean
cx_op_input_is_diff (const struct _CxOpDef *def, int k);

typedef gboolean (*CxOpInit)     (CxNode *node, GError **error);
typedef gboolean (*CxOpForward)  (CxRun *run, const CxNode *node,
                                  CxTensor *const *in, CxTensor **out, GError **error);
typedef gboolean (*CxOpBackward) (CxRun *run, const CxNode *node,
                                  CxTensor *const *in, CxTensor *const *out,
                                  CxTensor *const *gout, CxTensor **gin, GError **error);

struct _CxOpDef
{
  const char *name;           /* ONNX op_type, default domain */
  int min_inputs, max_inputs;
  int min_outputs, max_outputs;
  CxOpInit init;              /* validates attributes, fills node->params; may be NULL */
  CxOpForward forward;
  CxOpBackward backward;      /* NULL for non-differentiable ops */
  guint32 diff_inputs;        /* bit i set: input i is differentiable; CX_DIFF_ALL: every input */
  CxSaveFlags saves;          /* what backward reads besides the gradients */
  GDestroyNotify free_params; /* frees node->params; NULL means g_free */
  /* Optional, for hot ops: the same VJP when no @gin holds an earlier
   * contribution. It WRITES every element of each non-NULL @gin instead of
   * adding, so the executor neither zero-fills nor the kernel reads them.
   * Less memory traffic; the values are those of backward on zeros. */
  CxOpBackward backward_set;
  /* backward_set may get gin[0] == gout[0] (the same tensor, when their
   * shapes agree and the output's gradient is not kept): it then updates
   * the gradient in place, and no new buffer is taken. */
  gboolean set_in_place;
  /* Optional, for activations: the op is y = min (max (x, lo), hi) on its
   * first input with constant bounds, as @lo and @hi (Relu, Clip); FALSE
   * when this node's bounds are not constants. */
  gboolean (*clamp_bounds) (const CxNode *node, CxTensor *const *in, float *lo, float *hi);
  /* Optional, for producers (Conv): forward with that clamp applied to
   * out[0] while it is still in cache; the executor uses it in place of
   * the producer and the activation when nothing else reads the producer's
   * own output (see exec.c). */
  gboolean (*forward_clamp) (CxRun *run, const CxNode *node, CxTensor *const *in,
                             CxTensor **out, float lo, float hi, GError **error);
  /* Optional, for MaxPool: TRUE when @node pools 2×2 windows at stride
   * 2, unpadded, undilated, rounding down, on images (ops/convpool.h). */
  gboolean (*is_pool2) (const CxNode *node);
  /* Optional, for producers (Conv): forward_clamp, then such a pool, as
   * one kernel (ops/convpool.h): *@pooled gets the pool's output and, when
   * @codes is not NULL, *@codes the winners backward_pool reads. FALSE in
   * *@applied (and nothing allocated) when the kernel does not take this
   * shape. */
  gboolean (*forward_clamp_pool) (CxRun *run, const CxNode *node, CxTensor *const *in,
                                  float lo, float hi, CxTensor **pooled, CxTensor **codes,
                                  gboolean *applied, GError **error);
  /* Its backward: the gradient of the producer's first input, written into
   * @gx (with @set; added otherwise), from the pool's output gradient @gy
   * and the codes. Only for producers whose other inputs need none. */
  gboolean (*backward_pool) (CxRun *run, const CxNode *node, CxTensor *const *in,
                             const CxTensor *gy, const CxTensor *codes, CxTensor *gx,
                             gboolean set, GError **error);
  /* With set_in_place, for ops whose output is their input's data in the
   * same order (Reshape, Flatten, Squeeze, Unsqueeze): @gout[0] may be
   * handed over as gin[0] even when the shapes differ, reshaped. */
  gboolean set_reshaped;
};

struct _CxNode
{
  guint index;                /* position in topological order */
  const char *name;           /* the node's name, or "#<index>" when unnamed */
  const char *op_type;
  int opset;                  /* opset version of the node's domain */
  const CxOpDef *def;
  int n_in, n_out;
  int *in;                    /* value ids, -1 for omitted optional inputs */
  int *out;                   /* value ids, -1 for omitted optional outputs */
  gconstpointer proto;        /* the Onnx__NodeProto, for attribute lookup */
  gpointer params;            /* parsed attributes, owned */
  gboolean folded;            /* evaluated at load: its outputs are constants */
  guint32 constant_inputs;    /* bit k: input k is a constant of the model */
  /* Data a kernel derives once from constant inputs (transformed weights),
   * kept with the model; see cx_node_derived. */
  gpointer derived[2];
};

/* What a kernel keeps in a node's derived slot: @floats floats made from
 * the constant tensor @source. */
typedef struct
{
  gconstpointer source;
  gsize floats;
  float data[];
} CxDerived;

typedef void (*CxDeriveFunc) (gpointer user_data, float *dst);

/* The floats in slot @slot (0 or 1) of @node, made by @make the first time
 * (from @source, which must be the node's constant input: the slot is
 * dropped when constants change, cx_model_forget_derived). Safe from
 * several runs at once: a run that loses the race frees its copy. NULL
 * when memory is short; the caller then derives into its own buffer. */
const float *cx_node_derived (const CxNode *node, int slot, gconstpointer source, gsize floats,
                              CxDeriveFunc make, gpointer user_data);

static inline gboolean
cx_op_input_is_diff (const CxOpDef *def, int k)
{
  if (def->diff_inputs == CX_DIFF_ALL)
    return TRUE;
  return k < 32 && (def->diff_inputs & (1u << k)) != 0;
}

/* The merged, sorted operator table. */
const CxOpDef *cx_op_lookup     (const char *op_type);
/* All supported op names, sorted; NULL-terminated, static. */
const char   **cx_op_names      (void);

/* --- attributes (valid during init and afterwards) --- */
gboolean     cx_node_has_attr         (const CxNode *node, const char *name);
int64_t      cx_node_attr_int         (const CxNode *node, const char *name, int64_t def);
float        cx_node_attr_float       (const CxNode *node, const char *name, float def);
/* Borrowed string, or @def. */
const char  *cx_node_attr_string      (const CxNode *node, const char *name, const char *def);
/* Borrowed array and its length; FALSE when absent. */
gboolean     cx_node_attr_ints        (const CxNode *node, const char *name,
                                       const int64_t **values, gsize *n);
gboolean     cx_node_attr_floats      (const CxNode *node, const char *name,
                                       const float **values, gsize *n);
/* A tensor attribute (Constant's value) as a new tensor; NULL and FALSE-like
 * with @error set when absent or malformed. */
CxTensor    *cx_node_attr_tensor      (const CxNode *node, const char *name, GError **error);

/* Sets a CX_ERROR_INVALID error "node NAME (OP): <message>". */
void         cx_node_error            (const CxNode *node, GError **error, int code,
                                       const char *format, ...) G_GNUC_PRINTF (4, 5);

/* --- the run: allocation for kernels --- */
/* A new output tensor (uninitialised / zeroed) counted against the run's
 * memory budget; reuses buffers freed earlier in the run. */
CxTensor    *cx_run_alloc             (CxRun *run, CxElem elem, int ndim,
                                       const int64_t *shape, GError **error);
CxTensor    *cx_run_alloc_zeros       (CxRun *run, CxElem elem, int ndim,
                                       const int64_t *shape, GError **error);
/* Returns a tensor allocated by the run to its pool. */
void         cx_run_release           (CxRun *run, CxTensor *t);
/* Scratch memory for the duration of one kernel call (im2col buffers…);
 * slot 0 or 1 for two independent buffers. Contents are undefined. */
gpointer     cx_run_scratch           (CxRun *run, int slot, gsize bytes, GError **error);

G_END_DECLS
