/* sanity.h: the cascading model-parameter randomisation test of
 * Adebayo et al., "Sanity Checks for Saliency Maps" (NeurIPS 2018).
 *
 * The weights of the model's layers are re-initialised one layer at a
 * time from the output down; after each step the attribution is computed
 * again and compared with the original. An explanation that still looks
 * the same once the model is random does not explain the model.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "attribution.h"

G_BEGIN_DECLS

/* Computes an attribution of @x under @model (any method, or none at all). */
typedef CxTensor *(*CxAttributionFunc) (const CxModel *model, const CxTensor *x,
                                        gpointer user_data, GError **error);

typedef struct
{
  int n_steps;
  char **layers;        /* layer randomised at step i (cumulative), NULL-terminated */
  double *spearman;     /* rank correlation of |attribution| with the original */
  double *ssim;         /* structural similarity of the normalised |attribution| maps */
  double threshold;     /* |ρ| at the last step must fall below this to pass */
  gboolean passed;
} CxSanityResult;

/* Randomises the layers with weights (Conv, ConvTranspose, Gemm, MatMul),
 * from the output down, seeded. */
CxSanityResult *cx_sanity_run     (const CxModel *model, const CxTensor *x,
                                   CxAttributionFunc func, gpointer user_data,
                                   guint64 seed, GError **error);
void            cx_sanity_result_free (CxSanityResult *r);

/* Spearman's ρ of two equally long vectors (average ranks for ties). */
double          cx_spearman       (const float *a, const float *b, int64_t n);
/* SSIM (Wang et al. 2004, 7×7 uniform windows, data range 1) of two [H, W]
 * maps with values in [0, 1]. */
double          cx_ssim           (const float *a, const float *b, int64_t h, int64_t w);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CxSanityResult, cx_sanity_result_free)

G_END_DECLS
