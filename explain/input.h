/* input.h: turning a user's input file into the model's input tensor.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "engine.h"

G_BEGIN_DECLS

typedef enum
{
  CX_OUTPUT_LOGITS,        /* raw scores: softmax (or sigmoid for one) gives probabilities */
  CX_OUTPUT_PROBABILITIES, /* the graph ends in Softmax or Sigmoid */
} CxOutputKind;

/* Loads @path for @model's single input: a .npy used as is (a missing
 * batch dimension is added), or a .png decoded and resized to the input's
 * [1, C, H, W]. @sha256 (optional) receives the file's digest. */
CxTensor     *cx_input_load         (const CxModel *model, const char *path,
                                     char **sha256, GError **error);
/* The element-wise mean of the inputs at @paths (NULL-terminated), each
 * loaded as cx_input_load () does: the data set whose per-channel mean is
 * integrated gradients' mean baseline. @progress (optional) is asked
 * between files whether to go on. */
CxTensor     *cx_input_mean         (const CxModel *model, const char *const *paths,
                                     CxProgressFunc progress, gpointer progress_data,
                                     GError **error);
/* The PNG files of folder @path, in file-manager order, at most @max (0:
 * all): the images an image data set is made of. Free with g_strfreev. */
char        **cx_input_list_images  (const char *path, guint max, GError **error);
/* Whether output @i of @model is raw scores or probabilities. */
CxOutputKind  cx_model_output_kind  (const CxModel *model, int i);
/* Probabilities for a [N, K] output of that kind (K = 1: sigmoid, 2 columns). */
CxTensor     *cx_output_probabilities (const CxModel *model, int i, const CxTensor *out);
/* Class names from the model's metadata ("classes", comma-separated), or NULL. */
char        **cx_model_class_names  (const CxModel *model);

G_END_DECLS
