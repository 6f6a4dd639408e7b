/* candor-dataset.h: the inputs opened next to a model: a folder of PNG
 * images or the rows of a CSV table (with its schema when there is one).
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "candor-types.h"
#include "csv.h"
#include "schema.h"

G_BEGIN_DECLS

#define CANDOR_TYPE_DATASET (candor_dataset_get_type ())
G_DECLARE_FINAL_TYPE (CandorDataset, candor_dataset, CANDOR, DATASET, GObject)

#define CANDOR_DATASET_MAX_IMAGES 5000
#define CANDOR_DATASET_MAX_ROWS   200000

/* Loads @file (blocking; call it from a worker thread): a folder of PNG
 * images, one PNG (its folder is opened and it is selected), or a CSV
 * table. Numeric labels in labels.csv are mapped through @classes. */
CandorDataset      *candor_dataset_load                  (GFile               *file,
                                                          const char * const  *classes,
                                                          GCancellable        *cancellable,
                                                          GError             **error);

/* TRUE when @file has a name or type candor_dataset_load() accepts. */
gboolean            candor_dataset_can_load              (GFile               *file);

CandorDatasetKind   candor_dataset_get_kind              (CandorDataset *self);
/* The folder or the CSV file. */
GFile              *candor_dataset_get_file              (CandorDataset *self);
/* The base name of the folder or the file, for titles. */
const char         *candor_dataset_get_name              (CandorDataset *self);
/* SHA-256 of the CSV file; NULL for an image folder. */
const char         *candor_dataset_get_sha256            (CandorDataset *self);
/* A list of CandorSample. */
GListModel         *candor_dataset_get_samples           (CandorDataset *self);
/* The sample to select first. */
guint               candor_dataset_get_initial_index     (CandorDataset *self);
/* TRUE when the file had more rows or images than were loaded. */
gboolean            candor_dataset_get_truncated         (CandorDataset *self);

/* Tables: the CSV header, and what the schema says about the columns. */
const char * const *candor_dataset_get_columns           (CandorDataset *self);
GFile              *candor_dataset_get_schema_file       (CandorDataset *self);
const char         *candor_dataset_get_label_column      (CandorDataset *self);
const char * const *candor_dataset_get_sensitive_columns (CandorDataset *self);
const char * const *candor_dataset_get_locked_columns    (CandorDataset *self);
/* Index of @column in the header, or -1. */
int                 candor_dataset_find_column           (CandorDataset *self,
                                                          const char    *column);
/* Whether the column's first values all parse as numbers. */
gboolean            candor_dataset_column_is_numeric     (CandorDataset *self,
                                                          guint          column);

/* Tables read through explain/: the CSV, and the schema bound to it (NULL
 * when the table has none). */
const CxCsv        *candor_dataset_get_csv               (CandorDataset *self);
const CxSchema     *candor_dataset_get_schema            (CandorDataset *self);

/* Predicts every sample with @model (blocking; call it from a worker
 * thread before the data set is shown) and sets each sample's prediction;
 * @classes names the outputs. A table without a schema is left without
 * predictions. */
gboolean            candor_dataset_predict               (CandorDataset       *self,
                                                          const CxModel       *model,
                                                          const char * const  *classes,
                                                          GCancellable        *cancellable,
                                                          GError             **error);
/* After candor_dataset_predict (): the encoded [N, F] rows of a table (NULL
 * for images), the [N, K] probabilities (NULL when nothing was predicted),
 * per row 1 when the label is the schema's positive one (NULL without
 * labels), and the output index of the favourable decision. */
const CxTensor     *candor_dataset_get_encoded           (CandorDataset *self);
const CxTensor     *candor_dataset_get_probabilities     (CandorDataset *self);
const guint8       *candor_dataset_get_truth             (CandorDataset *self);
int                 candor_dataset_get_favourable        (CandorDataset *self);
/* Why the samples have no predictions (the model does not fit them), or NULL. */
void                candor_dataset_set_prediction_error  (CandorDataset *self,
                                                          const char    *message);
const char         *candor_dataset_get_prediction_error  (CandorDataset *self);

G_END_DECLS
