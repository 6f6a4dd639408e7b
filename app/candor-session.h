/* candor-session.h: what the user is looking at: the model, its inputs and
 * the selected sample. Pages observe it; loading goes through it.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "candor-types.h"

G_BEGIN_DECLS

#define CANDOR_TYPE_SESSION (candor_session_get_type ())
G_DECLARE_FINAL_TYPE (CandorSession, candor_session, CANDOR, SESSION, GObject)

CandorSession *candor_session_new                 (void);

CandorModel   *candor_session_get_model           (CandorSession *self);
CandorDataset *candor_session_get_dataset         (CandorSession *self);
CandorSample  *candor_session_get_selected_sample (CandorSession *self);
void           candor_session_set_selected_sample (CandorSession *self,
                                                   CandorSample  *sample);
/* Selects the dataset's sample at @index; FALSE when there is none. */
gboolean       candor_session_select_index        (CandorSession *self,
                                                   guint          index);
/* TRUE while files are loading (and, later, explanations computing). */
gboolean       candor_session_get_busy            (CandorSession *self);

/* Work done on the session's behalf elsewhere (explanations, reports):
 * the session stays busy until every begun job has ended. */
void           candor_session_begin_job           (CandorSession *self);
void           candor_session_end_job             (CandorSession *self);

/* Opens @model and/or @data off the main thread. When only a model is
 * given, inputs named after it beside it (fashion-cnn.onnx →
 * fashion-samples/, hmda-mlp.onnx → hmda.csv) are opened too; when there
 * are none the current inputs stay. Nothing changes unless every file
 * loads. A new call cancels the previous one. */
void           candor_session_open_async          (CandorSession       *self,
                                                   GFile               *model,
                                                   GFile               *data,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean       candor_session_open_finish         (CandorSession       *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);

/* Cancels whatever the session is loading or computing. */
void           candor_session_cancel              (CandorSession       *self);

/* The inputs that belong to @model by name, or NULL. */
GFile         *candor_session_find_paired_data    (GFile               *model);

G_END_DECLS
