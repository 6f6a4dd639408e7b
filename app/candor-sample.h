/* candor-sample.h: one input the user can select: an image or a table row.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gdk/gdk.h>

#include "candor-types.h"

G_BEGIN_DECLS

#define CANDOR_TYPE_SAMPLE (candor_sample_get_type ())
G_DECLARE_FINAL_TYPE (CandorSample, candor_sample, CANDOR, SAMPLE, GObject)

/* An image sample; @label may be NULL when the folder has no labels. */
CandorSample       *candor_sample_new_image      (guint        index,
                                                  GFile       *file,
                                                  GdkTexture  *texture,
                                                  const char  *label);
/* A table row: @values are the row's cells in column order (taken). */
CandorSample       *candor_sample_new_row        (guint        index,
                                                  char       **values,
                                                  const char  *label);

/* Position in the dataset, from 0. */
guint               candor_sample_get_index      (CandorSample *self);
/* "0007.png" or "Row 8", for titles. */
const char         *candor_sample_get_name       (CandorSample *self);
/* The true class or label column value, or NULL. */
const char         *candor_sample_get_label      (CandorSample *self);
GFile              *candor_sample_get_file       (CandorSample *self);
GdkTexture         *candor_sample_get_texture    (CandorSample *self);
const char * const *candor_sample_get_values     (CandorSample *self);
/* Name and label in one string, what the samples filter matches. */
const char         *candor_sample_get_search_text (CandorSample *self);

/* The model's decision on the sample: the predicted class's name, its
 * probability, and whether it matches the label (1), does not (0) or
 * there is no label to tell (−1). Set once, before the sample is shown. */
void                candor_sample_set_prediction  (CandorSample *self,
                                                   const char   *predicted,
                                                   double        confidence,
                                                   int           correct);
/* NULL until a prediction is set. */
const char         *candor_sample_get_predicted   (CandorSample *self);
double              candor_sample_get_confidence  (CandorSample *self);
int                 candor_sample_get_correct     (CandorSample *self);

G_END_DECLS
