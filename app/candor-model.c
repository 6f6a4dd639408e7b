/* candor-model.c: an ONNX model opened in the app, with its model card.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"

#include "candor-model.h"

struct _CandorModel
{
  GObject parent_instance;

  /* owned */
  GFile *file;
  char *name;
  CxModel *cx_model;
  JsonNode *info;
  char **classes;
  char **unsupported_ops;
};

G_DEFINE_FINAL_TYPE (CandorModel, candor_model, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_FILE,
  PROP_NAME,
  PROP_SHA256,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
candor_model_finalize (GObject *object)
{
  CandorModel *self = CANDOR_MODEL (object);

  g_clear_object (&self->file);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->cx_model, cx_model_free);
  g_clear_pointer (&self->info, json_node_unref);
  g_clear_pointer (&self->classes, g_strfreev);
  g_clear_pointer (&self->unsupported_ops, g_strfreev);

  G_OBJECT_CLASS (candor_model_parent_class)->finalize (object);
}

static void
candor_model_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  CandorModel *self = CANDOR_MODEL (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_SHA256:
      g_value_set_string (value, candor_model_get_sha256 (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
candor_model_class_init (CandorModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = candor_model_finalize;
  object_class->get_property = candor_model_get_property;

  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHA256] =
    g_param_spec_string ("sha256", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
candor_model_init (CandorModel *self)
{
}

static char **
split_classes (const char *text)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (text == NULL || *text == '\0')
    return NULL;
  parts = g_strsplit (text, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    g_strv_builder_add (builder, g_strstrip (parts[i]));
  return g_strv_builder_end (builder);
}

CandorModel *
candor_model_load (GFile         *file,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(CandorModel) self = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GStrvBuilder) unsupported = g_strv_builder_new ();
  /* Load for display even when some operators lack a kernel: the model
   * card is where the user learns which ones. */
  CxLoadOptions options = { .allow_unsupported = TRUE };

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (file);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "%s: only local files can be opened", uri);
      return NULL;
    }

  self = g_object_new (CANDOR_TYPE_MODEL, NULL);
  self->file = g_object_ref (file);
  self->name = g_file_get_basename (file);
  self->cx_model = cx_model_load (path, &options, error);
  if (self->cx_model == NULL)
    return NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  self->info = cx_model_info (self->cx_model);
  self->classes = split_classes (cx_model_metadata (self->cx_model, "classes"));
  for (guint i = 0; i < self->cx_model->unsupported_ops->len; i++)
    g_strv_builder_add (unsupported, g_ptr_array_index (self->cx_model->unsupported_ops, i));
  self->unsupported_ops = g_strv_builder_end (unsupported);

  return g_steal_pointer (&self);
}

GFile *
candor_model_get_file (CandorModel *self)
{
  g_return_val_if_fail (CANDOR_IS_MODEL (self), NULL);
  return self->file;
}

const char *
candor_model_get_name (CandorModel *self)
{
  g_return_val_if_fail (CANDOR_IS_MODEL (self), NULL);
  return self->name;
}

const char *
candor_model_get_sha256 (CandorModel *self)
{
  g_return_val_if_fail (CANDOR_IS_MODEL (self), NULL);
  return self->cx_model ? self->cx_model->sha256 : NULL;
}

JsonObject *
candor_model_get_info (CandorModel *self)
{
  g_return_val_if_fail (CANDOR_IS_MODEL (self), NULL);
  return self->info ? json_node_get_object (self->info) : NULL;
}

const char * const *
candor_model_get_classes (CandorModel *self)
{
  g_return_val_if_fail (CANDOR_IS_MODEL (self), NULL);
  return (const char * const *) self->classes;
}

const char * const *
candor_model_get_unsupported_ops (CandorModel *self)
{
  g_return_val_if_fail (CANDOR_IS_MODEL (self), NULL);
  return (const char * const *) self->unsupported_ops;
}

const CxModel *
candor_model_get_cx_model (CandorModel *self)
{
  g_return_val_if_fail (CANDOR_IS_MODEL (self), NULL);
  return self->cx_model;
}
