/* candor-whatif-job.h: counterfactuals of one table row or one image,
 * computed off the main thread.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "candor-types.h"
#include "counterfactual.h"

G_BEGIN_DECLS

typedef struct
{
  /* tables */
  CxCounterfactualResult *table;
  /* images */
  CxImageCounterfactual *image;
  int width, height;
  guint8 *input_rgba;          /* the input as the model sees it, width × height RGBA */
  guint8 *perturbed_rgba;      /* the changed image */
  guint8 *difference_rgba;     /* perturbed − input, signed diverging colours */
  double difference_max;       /* the |difference| (summed over channels) at full colour */
} CandorWhatifResult;

/* Counterfactuals of row @row (from 0) of the table @dataset, which must
 * have been predicted with @model; @count wanted, @lock (NULL-terminated,
 * may be NULL) locked besides the schema's columns. */
void                candor_whatif_run_table_async (CandorModel         *model,
                                                   CandorDataset       *dataset,
                                                   guint                row,
                                                   int                  count,
                                                   const char * const  *lock,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
/* The smallest change to the image @input that makes @model predict
 * @target (< 0: the runner-up class). */
void                candor_whatif_run_image_async (CandorModel         *model,
                                                   GFile               *input,
                                                   int64_t              target,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
CandorWhatifResult *candor_whatif_run_finish      (GAsyncResult        *result,
                                                   GError             **error);
void                candor_whatif_result_free     (CandorWhatifResult  *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CandorWhatifResult, candor_whatif_result_free)

G_END_DECLS
