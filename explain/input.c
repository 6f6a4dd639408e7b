/* input.c
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "input.h"
#include "engine.h"
#include "image.h"
#include "npy.h"

#include <math.h>
#include <string.h>

CxTensor *
cx_input_load (const CxModel *model, const char *path, char **sha256, GError **error)
{
  const CxValue *in = cx_engine_input (model, error);
  g_autoptr(CxTensor) t = NULL;

  if (in == NULL)
    return NULL;
  if (g_str_has_suffix (path, ".npy") || g_str_has_suffix (path, ".NPY"))
    {
      t = cx_npy_load (path, error);
      if (t == NULL)
        return NULL;
      if (!cx_elem_is_float (t->elem))
        {
          g_set_error (error, CX_ERROR, CX_ERROR_SHAPE, "%s: the array holds integers; the "
                       "model's input '%s' is float", path, in->name);
          return NULL;
        }
      if (in->ndim >= 1 && t->ndim == in->ndim - 1)
        {
          memmove (t->shape + 1, t->shape, sizeof (int64_t) * t->ndim);
          t->shape[0] = 1;
          t->ndim++;
        }
      if (in->ndim >= 0)
        {
          gboolean ok = t->ndim == in->ndim;
          for (int d = 1; ok && d < in->ndim; d++)
            if (in->dims[d] >= 0 && in->dims[d] != t->shape[d])
              ok = FALSE;
          if (!ok)
            {
              g_autofree char *got = cx_shape_to_string (t->ndim, t->shape);
              g_autoptr(GString) want = g_string_new ("[");
              for (int d = 0; d < in->ndim; d++)
                {
                  if (d)
                    g_string_append (want, ", ");
                  if (in->dims[d] >= 0)
                    g_string_append_printf (want, "%" G_GINT64_FORMAT, in->dims[d]);
                  else
                    g_string_append (want, in->dim_names[d] ? in->dim_names[d] : "?");
                }
              g_string_append_c (want, ']');
              g_set_error (error, CX_ERROR, CX_ERROR_SHAPE,
                           "%s: the array has shape %s but the model's input '%s' is %s",
                           path, got, in->name, want->str);
              return NULL;
            }
        }
    }
  else if (g_str_has_suffix (path, ".png") || g_str_has_suffix (path, ".PNG"))
    {
      int channels;
      if (in->ndim != 4 || (in->dims[1] != 1 && in->dims[1] != 3))
        {
          g_set_error (error, CX_ERROR, CX_ERROR_SHAPE,
                       "%s: the model's input '%s' is not an image of 1 or 3 channels "
                       "(NCHW); give a .npy instead", path, in->name);
          return NULL;
        }
      channels = (int) in->dims[1];
      t = cx_image_load_png (path, channels, (int) in->dims[2], (int) in->dims[3], error);
      if (t == NULL)
        return NULL;
    }
  else
    {
      g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT,
                   "%s: unknown input format; give a .npy array or a .png image", path);
      return NULL;
    }
  if (!cx_check_finite (t, path, error))
    return NULL;
  if (sha256 != NULL)
    {
      *sha256 = cx_file_sha256 (path, error);
      if (*sha256 == NULL)
        return NULL;
    }
  return g_steal_pointer (&t);
}

CxTensor *
cx_input_mean (const CxModel *model, const char *const *paths, CxProgressFunc progress,
               gpointer progress_data, GError **error)
{
  g_autofree double *acc = NULL;
  g_autoptr(CxTensor) mean = NULL;
  guint n = 0, total = paths ? g_strv_length ((char **) paths) : 0;

  for (guint i = 0; i < total; i++)
    {
      g_autoptr(CxTensor) x = NULL;

      if (progress != NULL && !progress ((double) i / total, progress_data))
        {
          g_set_error (error, CX_ERROR, CX_ERROR_CANCELLED, "cancelled");
          return NULL;
        }
      x = cx_input_load (model, paths[i], NULL, error);
      if (x == NULL)
        return NULL;
      if (mean == NULL)
        {
          mean = cx_tensor_new_zeros (CX_ELEM_FLOAT, x->ndim, x->shape, error);
          if (mean == NULL)
            return NULL;
          acc = g_new0 (double, x->numel);
        }
      if (x->numel != mean->numel)
        {
          g_set_error (error, CX_ERROR, CX_ERROR_SHAPE, "%s: the input's size differs from the "
                       "other inputs'", paths[i]);
          return NULL;
        }
      for (int64_t k = 0; k < x->numel; k++)
        acc[k] += x->data.f[k];
      n++;
    }
  if (mean == NULL)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT, "there are no inputs to average");
      return NULL;
    }
  for (int64_t k = 0; k < mean->numel; k++)
    mean->data.f[k] = (float) (acc[k] / n);
  return g_steal_pointer (&mean);
}

static int
compare_file_names (gconstpointer a, gconstpointer b)
{
  g_autofree char *ka = g_utf8_collate_key_for_filename (*(char *const *) a, -1);
  g_autofree char *kb = g_utf8_collate_key_for_filename (*(char *const *) b, -1);
  return strcmp (ka, kb);
}

char **
cx_input_list_images (const char *path, guint max, GError **error)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *paths;
  const char *name;

  if (dir == NULL)
    return NULL;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      gsize len = strlen (name);
      if (len > 4 && g_ascii_strcasecmp (name + len - 4, ".png") == 0)
        g_ptr_array_add (names, g_strdup (name));
    }
  g_ptr_array_sort (names, compare_file_names);
  paths = g_ptr_array_new ();
  for (guint i = 0; i < names->len && (max == 0 || i < max); i++)
    g_ptr_array_add (paths, g_build_filename (path, (char *) names->pdata[i], NULL));
  g_ptr_array_add (paths, NULL);
  return (char **) g_ptr_array_free (paths, FALSE);
}

CxOutputKind
cx_model_output_kind (const CxModel *model, int i)
{
  int v = model->outputs[i];
  int p = model->values[v].producer;
  if (p >= 0)
    {
      const char *op = model->nodes[p].op_type;
      if (g_str_equal (op, "Softmax") || g_str_equal (op, "Sigmoid"))
        return CX_OUTPUT_PROBABILITIES;
    }
  return CX_OUTPUT_LOGITS;
}

CxTensor *
cx_output_probabilities (const CxModel *model, int i, const CxTensor *out)
{
  int64_t rows = out->ndim > 0 ? out->shape[0] : 1;
  int64_t k = out->numel / MAX (rows, 1);

  if (k == 1)
    {
      /* One score: the probability of the positive class, shown as two columns. */
      int64_t shape[2] = { rows, 2 };
      CxTensor *p = cx_tensor_new_f32 (2, shape, NULL);
      for (int64_t b = 0; b < rows; b++)
        {
          double s = out->data.f[b];
          double q = cx_model_output_kind (model, i) == CX_OUTPUT_PROBABILITIES ? s
                     : 1.0 / (1.0 + exp (-s));
          p->data.f[2 * b] = (float) (1.0 - q);
          p->data.f[2 * b + 1] = (float) q;
        }
      return p;
    }
  if (cx_model_output_kind (model, i) == CX_OUTPUT_PROBABILITIES)
    return cx_tensor_copy (out, NULL);
  return cx_softmax_rows (out);
}

char **
cx_model_class_names (const CxModel *model)
{
  const char *c = cx_model_metadata (model, "classes");
  if (c == NULL || *c == '\0')
    return NULL;
  return g_strsplit (c, ",", -1);
}
