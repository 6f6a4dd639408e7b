/* candor-model.h: an ONNX model opened in the app, with its model card.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "candor-types.h"
#include "model.h"

G_BEGIN_DECLS

#define CANDOR_TYPE_MODEL (candor_model_get_type ())
G_DECLARE_FINAL_TYPE (CandorModel, candor_model, CANDOR, MODEL, GObject)

/* Loads @file (blocking; call it from a worker thread). Unsupported
 * operators do not fail the load: the model card lists them. */
CandorModel   *candor_model_load            (GFile         *file,
                                             GCancellable  *cancellable,
                                             GError       **error);

GFile         *candor_model_get_file        (CandorModel *self);
/* The file's base name, for titles. */
const char    *candor_model_get_name        (CandorModel *self);
const char    *candor_model_get_sha256      (CandorModel *self);
/* The `candor-cli info` document. */
JsonObject    *candor_model_get_info        (CandorModel *self);
/* Class names from the "classes" metadata, or NULL. */
const char * const *candor_model_get_classes (CandorModel *self);
/* Operators without a kernel, sorted; empty when the model can run. */
const char * const *candor_model_get_unsupported_ops (CandorModel *self);
const CxModel *candor_model_get_cx_model    (CandorModel *self);

G_END_DECLS
