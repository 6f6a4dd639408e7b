/* candor-sample.c: one input the user can select: an image or a table row.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"

#include <glib/gi18n.h>

#include "candor-sample.h"

struct _CandorSample
{
  GObject parent_instance;

  guint index;

  /* owned */
  char *name;
  char *label;
  char *search_text;
  GFile *file;
  GdkTexture *texture;
  char **values;
  char *predicted;
  double confidence;
  int correct;
};

G_DEFINE_FINAL_TYPE (CandorSample, candor_sample, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_INDEX,
  PROP_NAME,
  PROP_LABEL,
  PROP_TEXTURE,
  PROP_SEARCH_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
candor_sample_finalize (GObject *object)
{
  CandorSample *self = CANDOR_SAMPLE (object);

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->label, g_free);
  g_clear_pointer (&self->search_text, g_free);
  g_clear_object (&self->file);
  g_clear_object (&self->texture);
  g_clear_pointer (&self->values, g_strfreev);
  g_clear_pointer (&self->predicted, g_free);

  G_OBJECT_CLASS (candor_sample_parent_class)->finalize (object);
}

static void
candor_sample_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  CandorSample *self = CANDOR_SAMPLE (object);

  switch (prop_id)
    {
    case PROP_INDEX:
      g_value_set_uint (value, self->index);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_LABEL:
      g_value_set_string (value, self->label);
      break;
    case PROP_TEXTURE:
      g_value_set_object (value, self->texture);
      break;
    case PROP_SEARCH_TEXT:
      g_value_set_string (value, self->search_text);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
candor_sample_class_init (CandorSampleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = candor_sample_finalize;
  object_class->get_property = candor_sample_get_property;

  properties[PROP_INDEX] =
    g_param_spec_uint ("index", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TEXTURE] =
    g_param_spec_object ("texture", NULL, NULL, GDK_TYPE_TEXTURE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SEARCH_TEXT] =
    g_param_spec_string ("search-text", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
candor_sample_init (CandorSample *self)
{
  self->correct = -1;
}

static void
update_search_text (CandorSample *self)
{
  g_free (self->search_text);
  self->search_text = g_strconcat (self->name, " ", self->label ? self->label : "", NULL);
}

CandorSample *
candor_sample_new_image (guint       index,
                         GFile      *file,
                         GdkTexture *texture,
                         const char *label)
{
  CandorSample *self;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (GDK_IS_TEXTURE (texture), NULL);

  self = g_object_new (CANDOR_TYPE_SAMPLE, NULL);
  self->index = index;
  self->file = g_object_ref (file);
  self->texture = g_object_ref (texture);
  self->name = g_file_get_basename (file);
  self->label = g_strdup (label);
  update_search_text (self);
  return self;
}

CandorSample *
candor_sample_new_row (guint       index,
                       char      **values,
                       const char *label)
{
  CandorSample *self;

  g_return_val_if_fail (values != NULL, NULL);

  self = g_object_new (CANDOR_TYPE_SAMPLE, NULL);
  self->index = index;
  self->values = values;
  /* Translators: a table row in the samples list; rows count from 1 */
  self->name = g_strdup_printf (_("Row %u"), index + 1);
  self->label = g_strdup (label);
  update_search_text (self);
  return self;
}

guint
candor_sample_get_index (CandorSample *self)
{
  g_return_val_if_fail (CANDOR_IS_SAMPLE (self), 0);
  return self->index;
}

const char *
candor_sample_get_name (CandorSample *self)
{
  g_return_val_if_fail (CANDOR_IS_SAMPLE (self), NULL);
  return self->name;
}

const char *
candor_sample_get_label (CandorSample *self)
{
  g_return_val_if_fail (CANDOR_IS_SAMPLE (self), NULL);
  return self->label;
}

GFile *
candor_sample_get_file (CandorSample *self)
{
  g_return_val_if_fail (CANDOR_IS_SAMPLE (self), NULL);
  return self->file;
}

GdkTexture *
candor_sample_get_texture (CandorSample *self)
{
  g_return_val_if_fail (CANDOR_IS_SAMPLE (self), NULL);
  return self->texture;
}

const char * const *
candor_sample_get_values (CandorSample *self)
{
  g_return_val_if_fail (CANDOR_IS_SAMPLE (self), NULL);
  return (const char * const *) self->values;
}

const char *
candor_sample_get_search_text (CandorSample *self)
{
  g_return_val_if_fail (CANDOR_IS_SAMPLE (self), NULL);
  return self->search_text;
}

void
candor_sample_set_prediction (CandorSample *self,
                              const char   *predicted,
                              double        confidence,
                              int           correct)
{
  g_return_if_fail (CANDOR_IS_SAMPLE (self));

  g_free (self->predicted);
  self->predicted = g_strdup (predicted);
  self->confidence = confidence;
  self->correct = correct;
  g_free (self->search_text);
  /* Searching "wrong" or a predicted class finds the sample too. */
  self->search_text = g_strjoin (" ", self->name, self->label ? self->label : "",
                                 predicted ? predicted : "",
                                 correct == 0 ? _("wrong") : correct == 1 ? _("right") : "",
                                 NULL);
}

const char *
candor_sample_get_predicted (CandorSample *self)
{
  g_return_val_if_fail (CANDOR_IS_SAMPLE (self), NULL);
  return self->predicted;
}

double
candor_sample_get_confidence (CandorSample *self)
{
  g_return_val_if_fail (CANDOR_IS_SAMPLE (self), 0.0);
  return self->confidence;
}

int
candor_sample_get_correct (CandorSample *self)
{
  g_return_val_if_fail (CANDOR_IS_SAMPLE (self), -1);
  return self->correct;
}
