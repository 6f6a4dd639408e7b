/* candor-model-card.h: what a model is, at a glance: file and hash, inputs
 * and outputs with their shapes, size, operators, and what Candor cannot
 * run.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "candor-types.h"

G_BEGIN_DECLS

#define CANDOR_TYPE_MODEL_CARD (candor_model_card_get_type ())
G_DECLARE_FINAL_TYPE (CandorModelCard, candor_model_card, CANDOR, MODEL_CARD, AdwBin)

CandorModel *candor_model_card_get_model (CandorModelCard *self);
void         candor_model_card_set_model (CandorModelCard *self,
                                          CandorModel     *model);

G_END_DECLS
