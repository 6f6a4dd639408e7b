/* candor-explain-export.h: an explanation's numbers as CSV or JSON, with
 * their provenance.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "candor-explain-job.h"

G_BEGIN_DECLS

/* Where an explanation came from. */
typedef struct
{
  const char *model_file;
  const char *model_sha256;
  const char *input_file;      /* the image, or the CSV of a row */
  const char *input_sha256;
  const char *sample;          /* as the samples list names it */
  const char * const *classes; /* the model's class names, or NULL */
} CandorExplainSource;

/* "method=ig target=0 steps=50 rule=gausslegendre baseline=mean seed=0":
 * every parameter that changes @method's result, as `candor-cli explain`
 * writes them. */
char     *candor_explain_parameters_text (const CandorExplainResult *result,
                                          CxMethod                   method);

/* Writes @result atomically to @path: JSON when it ends in .json, CSV when
 * it ends in .csv (provenance in leading “# ” lines; a table row as
 * column,value,method,attribution; an image as x,y and one column per
 * map). Refuses to overwrite the model or the input. */
gboolean  candor_explain_export_numbers  (const CandorExplainResult *result,
                                          const CandorExplainSource *source,
                                          const char                *path,
                                          GError                   **error);

G_END_DECLS
