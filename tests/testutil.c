/* testutil.c
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"
#include "testutil.h"
#include "npy.h"
#include "onnx.pb-c.h"

#include <math.h>
#include <stdarg.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

struct _CxTestGraph
{
  Onnx__ModelProto model;
  Onnx__GraphProto graph;
  Onnx__OperatorSetIdProto opset;
  Onnx__OperatorSetIdProto *opsets[1];
  GPtrArray *nodes, *inputs, *outputs, *inits;
  GPtrArray *garbage;          /* everything else we allocated */
  Onnx__NodeProto *current;
  GPtrArray *current_attrs;
};

static gpointer
keep (CxTestGraph *g, gpointer p)
{
  g_ptr_array_add (g->garbage, p);
  return p;
}

static char *
keep_str (CxTestGraph *g, const char *s)
{
  return keep (g, g_strdup (s));
}

CxTestGraph *
cx_test_graph_new (int opset)
{
  CxTestGraph *g = g_new0 (CxTestGraph, 1);
  Onnx__ModelProto m = ONNX__MODEL_PROTO__INIT;
  Onnx__GraphProto gr = ONNX__GRAPH_PROTO__INIT;
  Onnx__OperatorSetIdProto os = ONNX__OPERATOR_SET_ID_PROTO__INIT;

  g->model = m;
  g->graph = gr;
  g->opset = os;
  g->garbage = g_ptr_array_new_with_free_func (g_free);
  g->nodes = g_ptr_array_new ();
  g->inputs = g_ptr_array_new ();
  g->outputs = g_ptr_array_new ();
  g->inits = g_ptr_array_new ();
  g->opset.domain = keep_str (g, "");
  g->opset.has_version = TRUE;
  g->opset.version = opset;
  g->opsets[0] = &g->opset;
  g->model.has_ir_version = TRUE;
  g->model.ir_version = 8;
  g->model.producer_name = keep_str (g, "candor-tests");
  g->model.n_opset_import = 1;
  g->model.opset_import = g->opsets;
  g->model.graph = &g->graph;
  g->graph.name = keep_str (g, "test");
  return g;
}

void
cx_test_graph_free (CxTestGraph *g)
{
  if (g == NULL)
    return;
  g_ptr_array_unref (g->nodes);
  g_ptr_array_unref (g->inputs);
  g_ptr_array_unref (g->outputs);
  g_ptr_array_unref (g->inits);
  if (g->current_attrs)
    g_ptr_array_unref (g->current_attrs);
  g_ptr_array_unref (g->garbage);
  g_free (g);
}

static Onnx__ValueInfoProto *
value_info (CxTestGraph *g, const char *name, CxElem elem, int ndim, const int64_t *shape)
{
  Onnx__ValueInfoProto *vi = keep (g, g_new0 (Onnx__ValueInfoProto, 1));
  Onnx__TypeProto *tp = keep (g, g_new0 (Onnx__TypeProto, 1));
  Onnx__TypeProto__Tensor *tt = keep (g, g_new0 (Onnx__TypeProto__Tensor, 1));
  Onnx__ValueInfoProto vi0 = ONNX__VALUE_INFO_PROTO__INIT;
  Onnx__TypeProto tp0 = ONNX__TYPE_PROTO__INIT;
  Onnx__TypeProto__Tensor tt0 = ONNX__TYPE_PROTO__TENSOR__INIT;

  *vi = vi0;
  *tp = tp0;
  *tt = tt0;
  vi->name = keep_str (g, name);
  vi->type = tp;
  tp->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
  tp->tensor_type = tt;
  tt->has_elem_type = TRUE;
  tt->elem_type = elem;
  if (ndim >= 0)
    {
      Onnx__TensorShapeProto *sp = keep (g, g_new0 (Onnx__TensorShapeProto, 1));
      Onnx__TensorShapeProto sp0 = ONNX__TENSOR_SHAPE_PROTO__INIT;
      *sp = sp0;
      sp->n_dim = ndim;
      sp->dim = keep (g, g_new0 (Onnx__TensorShapeProto__Dimension *, MAX (ndim, 1)));
      for (int d = 0; d < ndim; d++)
        {
          Onnx__TensorShapeProto__Dimension *dim = keep (g, g_new0 (Onnx__TensorShapeProto__Dimension, 1));
          Onnx__TensorShapeProto__Dimension d0 = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__INIT;
          *dim = d0;
          if (shape[d] >= 0)
            {
              dim->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
              dim->dim_value = shape[d];
            }
          else
            {
              dim->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
              dim->dim_param = keep_str (g, d == 0 ? "N" : "D");
            }
          sp->dim[d] = dim;
        }
      tt->shape = sp;
    }
  return vi;
}

void
cx_test_graph_input (CxTestGraph *g, const char *name, CxElem elem, int ndim,
                     const int64_t *shape)
{
  g_ptr_array_add (g->inputs, value_info (g, name, elem, ndim, shape));
}

static Onnx__TensorProto *
tensor_proto (CxTestGraph *g, const char *name, const CxTensor *t)
{
  Onnx__TensorProto *tp = keep (g, g_new0 (Onnx__TensorProto, 1));
  Onnx__TensorProto tp0 = ONNX__TENSOR_PROTO__INIT;

  *tp = tp0;
  tp->name = keep_str (g, name);
  tp->has_data_type = TRUE;
  tp->data_type = t->elem == CX_ELEM_FLOAT || t->elem == CX_ELEM_INT64 || t->elem == CX_ELEM_BOOL
                  ? t->elem : (cx_elem_is_float (t->elem) ? CX_ELEM_FLOAT : CX_ELEM_INT64);
  tp->n_dims = t->ndim;
  tp->dims = keep (g, g_memdup2 (t->shape, sizeof (int64_t) * MAX (t->ndim, 1)));
  if (cx_elem_is_float (t->elem))
    {
      tp->n_float_data = t->numel;
      tp->float_data = keep (g, g_memdup2 (t->data.f, sizeof (float) * MAX (t->numel, 1)));
    }
  else if (t->elem == CX_ELEM_BOOL)
    {
      tp->n_int32_data = t->numel;
      tp->int32_data = keep (g, g_new0 (int32_t, MAX (t->numel, 1)));
      for (int64_t i = 0; i < t->numel; i++)
        tp->int32_data[i] = t->data.i[i] != 0;
    }
  else
    {
      tp->n_int64_data = t->numel;
      tp->int64_data = keep (g, g_memdup2 (t->data.i, sizeof (int64_t) * MAX (t->numel, 1)));
    }
  return tp;
}

void
cx_test_graph_const (CxTestGraph *g, const char *name, const CxTensor *value)
{
  g_ptr_array_add (g->inits, tensor_proto (g, name, value));
}

static void
finish_node (CxTestGraph *g)
{
  if (g->current == NULL)
    return;
  g->current->n_attribute = g->current_attrs->len;
  g->current->attribute = keep (g, g_memdup2 (g->current_attrs->pdata,
                                             sizeof (gpointer) * MAX (g->current_attrs->len, 1)));
  g_clear_pointer (&g->current_attrs, g_ptr_array_unref);
  g->current = NULL;
}

static char **
split_names (CxTestGraph *g, const char *list, size_t *n)
{
  char **parts;
  if (list == NULL || *list == '\0')
    {
      *n = 0;
      return NULL;
    }
  parts = g_strsplit (list, ",", -1);
  *n = g_strv_length (parts);
  for (size_t i = 0; i < *n; i++)
    keep (g, parts[i]);
  keep (g, parts);  /* the vector itself; its strings are kept separately */
  return parts;
}

void
cx_test_graph_node (CxTestGraph *g, const char *op_type, const char *inputs, const char *outputs)
{
  Onnx__NodeProto *np = keep (g, g_new0 (Onnx__NodeProto, 1));
  Onnx__NodeProto np0 = ONNX__NODE_PROTO__INIT;

  finish_node (g);
  *np = np0;
  np->op_type = keep_str (g, op_type);
  np->name = keep (g, g_strdup_printf ("%s_%u", op_type, g->nodes->len));
  np->domain = keep_str (g, "");
  np->input = split_names (g, inputs, &np->n_input);
  np->output = split_names (g, outputs, &np->n_output);
  g_ptr_array_add (g->nodes, np);
  g->current = np;
  g->current_attrs = g_ptr_array_new ();
}

static Onnx__AttributeProto *
new_attr (CxTestGraph *g, const char *name, Onnx__AttributeProto__AttributeType type)
{
  Onnx__AttributeProto *a = keep (g, g_new0 (Onnx__AttributeProto, 1));
  Onnx__AttributeProto a0 = ONNX__ATTRIBUTE_PROTO__INIT;
  g_assert (g->current != NULL);
  *a = a0;
  a->name = keep_str (g, name);
  a->has_type = TRUE;
  a->type = type;
  g_ptr_array_add (g->current_attrs, a);
  return a;
}

void
cx_test_graph_attr_int (CxTestGraph *g, const char *name, int64_t value)
{
  Onnx__AttributeProto *a = new_attr (g, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);
  a->has_i = TRUE;
  a->i = value;
}

void
cx_test_graph_attr_float (CxTestGraph *g, const char *name, float value)
{
  Onnx__AttributeProto *a = new_attr (g, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
  a->has_f = TRUE;
  a->f = value;
}

void
cx_test_graph_attr_string (CxTestGraph *g, const char *name, const char *value)
{
  Onnx__AttributeProto *a = new_attr (g, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING);
  a->has_s = TRUE;
  a->s.len = strlen (value);
  a->s.data = (guint8 *) keep_str (g, value);
}

void
cx_test_graph_attr_ints (CxTestGraph *g, const char *name, gsize n, const int64_t *values)
{
  Onnx__AttributeProto *a = new_attr (g, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);
  a->n_ints = n;
  a->ints = keep (g, g_memdup2 (values, sizeof (int64_t) * MAX (n, 1)));
}

void
cx_test_graph_attr_floats (CxTestGraph *g, const char *name, gsize n, const float *values)
{
  Onnx__AttributeProto *a = new_attr (g, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS);
  a->n_floats = n;
  a->floats = keep (g, g_memdup2 (values, sizeof (float) * MAX (n, 1)));
}

void
cx_test_graph_attr_tensor (CxTestGraph *g, const char *name, const CxTensor *value)
{
  Onnx__AttributeProto *a = new_attr (g, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR);
  a->t = tensor_proto (g, "", value);
}

void
cx_test_graph_output (CxTestGraph *g, const char *name)
{
  g_ptr_array_add (g->outputs, value_info (g, name, CX_ELEM_UNDEFINED, -1, NULL));
  ((Onnx__ValueInfoProto *) g_ptr_array_index (g->outputs, g->outputs->len - 1))->type = NULL;
}

guint8 *
cx_test_graph_pack (CxTestGraph *g, gsize *len)
{
  guint8 *buf;

  finish_node (g);
  g->graph.n_node = g->nodes->len;
  g->graph.node = (Onnx__NodeProto **) g->nodes->pdata;
  g->graph.n_input = g->inputs->len;
  g->graph.input = (Onnx__ValueInfoProto **) g->inputs->pdata;
  g->graph.n_output = g->outputs->len;
  g->graph.output = (Onnx__ValueInfoProto **) g->outputs->pdata;
  g->graph.n_initializer = g->inits->len;
  g->graph.initializer = (Onnx__TensorProto **) g->inits->pdata;
  *len = onnx__model_proto__get_packed_size (&g->model);
  buf = g_malloc (MAX (*len, 1));
  onnx__model_proto__pack (&g->model, buf);
  return buf;
}

CxModel *
cx_test_graph_build (CxTestGraph *g, GError **error)
{
  gsize len;
  g_autofree guint8 *buf = cx_test_graph_pack (g, &len);
  return cx_model_load_from_data (buf, len, "test.onnx", NULL, NULL, error);
}

CxTensor *
cx_test_randn (GRand *rand, int ndim, const int64_t *shape)
{
  CxTensor *t = cx_tensor_new_f32 (ndim, shape, NULL);
  for (int64_t i = 0; i < t->numel; i++)
    {
      double u1 = g_rand_double_range (rand, 1e-12, 1.0), u2 = g_rand_double (rand);
      t->data.f[i] = (float) (sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2));
    }
  return t;
}

CxTensor *
cx_test_uniform (GRand *rand, int ndim, const int64_t *shape, double lo, double hi)
{
  CxTensor *t = cx_tensor_new_f32 (ndim, shape, NULL);
  for (int64_t i = 0; i < t->numel; i++)
    t->data.f[i] = (float) g_rand_double_range (rand, lo, hi);
  return t;
}

static double
weighted_sum (CxExec *exec, const CxTensor *seed)
{
  const CxTensor *o = cx_exec_output (exec, 0);
  double s = 0;
  g_assert_nonnull (o);
  for (int64_t i = 0; i < o->numel; i++)
    s += (double) seed->data.f[i] * o->data.f[i];
  return s;
}

void
cx_test_gradcheck (const CxModel *model, CxTensor *const *inputs, double eps,
                   double rtol, double atol, int max_checks)
{
  g_autoptr(CxExec) exec = cx_exec_new (model, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (1234);
  g_autoptr(CxTensor) seed = NULL;
  const CxTensor *o;

  g_assert_true (cx_exec_forward (exec, inputs, TRUE, &error));
  g_assert_no_error (error);
  o = cx_exec_output (exec, 0);
  seed = cx_test_randn (rand, o->ndim, o->shape);
  g_assert_true (cx_exec_backward (exec, 0, seed, &error));
  g_assert_no_error (error);

  for (int i = 0; i < model->n_inputs; i++)
    {
      CxTensor *x = inputs[i];
      g_autoptr(CxTensor) grad = NULL;
      g_autoptr(CxExec) probe = cx_exec_new (model, 0);
      int64_t step;

      if (!cx_elem_is_float (x->elem))
        continue;
      if (cx_exec_input_grad (exec, i) == NULL)
        grad = cx_tensor_new_zeros (CX_ELEM_FLOAT, x->ndim, x->shape, NULL);
      else
        grad = cx_tensor_copy (cx_exec_input_grad (exec, i), NULL);
      g_assert_true (cx_tensor_same_shape (grad, x));
      step = MAX (1, x->numel / MAX (max_checks, 1));
      for (int64_t j = 0; j < x->numel; j += step)
        {
          float saved = x->data.f[j];
          double plus, minus, num, ana = grad->data.f[j];
          x->data.f[j] = (float) (saved + eps);
          g_assert_true (cx_exec_forward (probe, inputs, FALSE, &error));
          plus = weighted_sum (probe, seed);
          x->data.f[j] = (float) (saved - eps);
          g_assert_true (cx_exec_forward (probe, inputs, FALSE, &error));
          minus = weighted_sum (probe, seed);
          x->data.f[j] = saved;
          num = (plus - minus) / (2.0 * eps);
          if (fabs (num - ana) > atol + rtol * MAX (fabs (num), fabs (ana)))
            g_error ("gradient of input %d element %" G_GINT64_FORMAT ": analytic %.6g, "
                     "numeric %.6g", i, j, ana, num);
        }
    }
}

CxTensor *
cx_test_run (const CxModel *model, CxTensor *const *inputs, int i)
{
  g_autoptr(CxExec) exec = cx_exec_new (model, 0);
  g_autoptr(GError) error = NULL;
  gboolean ok = cx_exec_forward (exec, inputs, FALSE, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  return cx_tensor_copy (cx_exec_output (exec, i), NULL);
}

char *
cx_test_source_path (const char *first, ...)
{
  va_list args;
  const char *root = g_getenv ("CANDOR_SOURCE_DIR");
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  char *path;

  if (root == NULL)
    root = CANDOR_SOURCE_DIR;
  g_ptr_array_add (parts, (gpointer) root);
  va_start (args, first);
  for (const char *p = first; p != NULL; p = va_arg (args, const char *))
    g_ptr_array_add (parts, (gpointer) p);
  va_end (args);
  g_ptr_array_add (parts, NULL);
  path = g_build_filenamev ((char **) parts->pdata);
  return path;
}

CxTensor *
cx_test_load_npy (const char *path, double **f64)
{
  g_autoptr(GError) error = NULL;
  CxTensor *t = cx_npy_load (path, &error);
  g_assert_no_error (error);
  if (f64 != NULL)
    {
      int ndim;
      int64_t shape[CX_MAX_DIMS];
      *f64 = cx_npy_load_f64 (path, &ndim, shape, &error);
      g_assert_no_error (error);
    }
  return t;
}

void
cx_cli_result_clear (CxCliResult *r)
{
  g_clear_pointer (&r->out, g_free);
  g_clear_pointer (&r->err, g_free);
}

void
cx_test_run_cli_argv (CxCliResult *r, const char *const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("CANDOR_CLI");

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (gpointer) cli);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &r->out, &r->err, &r->status, &error);
  g_assert_no_error (error);
  r->status = g_spawn_check_wait_status (r->status, NULL) ? 0 : WEXITSTATUS (r->status);
}

void
cx_test_run_cli (CxCliResult *r, const char *first, ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  cx_test_run_cli_argv (r, (const char *const *) args->pdata);
}

void
cx_test_table_bind (CxTestTable *t)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (cx_schema_check_model (t->schema, t->model, &error));
  g_assert_no_error (error);
  g_assert_true (cx_schema_bind (t->schema, t->csv, &error));
  g_assert_no_error (error);
  t->x = cx_schema_encode (t->schema, t->csv, &error);
  g_assert_no_error (error);
}

gboolean
cx_test_table_load_hmda (CxTestTable *t)
{
  g_autofree char *model = cx_test_source_path ("resources", "demo", "hmda-mlp.onnx", NULL);
  g_autofree char *data = cx_test_source_path ("resources", "demo", "hmda.csv", NULL);
  g_autofree char *schema = cx_test_source_path ("resources", "demo", "hmda-schema.json", NULL);
  g_autoptr(GError) error = NULL;

  if (!g_file_test (model, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("the HMDA demo is not built");
      return FALSE;
    }
  t->model = cx_model_load (model, NULL, &error);
  if (t->model == NULL)
    {
      g_test_skip (error->message);
      return FALSE;
    }
  t->schema = cx_schema_load (schema, &error);
  g_assert_no_error (error);
  t->csv = cx_csv_load (data, &error);
  g_assert_no_error (error);
  cx_test_table_bind (t);
  return TRUE;
}

void
cx_test_table_clear (CxTestTable *t)
{
  g_clear_pointer (&t->x, cx_tensor_free);
  g_clear_pointer (&t->csv, cx_csv_free);
  g_clear_pointer (&t->schema, cx_schema_free);
  g_clear_pointer (&t->model, cx_model_free);
}

void
cx_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        cx_test_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}
