/* candor-dataset.h: the inputs opened next to a model: a folder of PNG
 * images or the rows of a CSV table (with its schema when there is one).
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "candor-types.h"

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

G_END_DECLS
