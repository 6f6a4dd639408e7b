/* attribution.h: the explanation methods, as Captum defines them.
 *
 * Every method explains the model's raw output at one target index for one
 * input row and returns an attribution of the input's shape.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "engine.h"

G_BEGIN_DECLS

typedef enum
{
  CX_METHOD_SALIENCY,
  CX_METHOD_GRADXINPUT,
  CX_METHOD_SMOOTHGRAD,
  CX_METHOD_IG,
  CX_METHOD_OCCLUSION,
  CX_METHOD_GRADCAM,
  CX_METHOD_SHAP,
} CxMethod;

typedef enum
{
  CX_RULE_RIEMANN_LEFT,
  CX_RULE_RIEMANN_RIGHT,
  CX_RULE_RIEMANN_MIDDLE,
  CX_RULE_RIEMANN_TRAPEZOID,
  CX_RULE_GAUSS_LEGENDRE,
} CxIgRule;

typedef enum
{
  CX_BASELINE_ZEROS,
  CX_BASELINE_BLUR,
  CX_BASELINE_UNIFORM,
  CX_BASELINE_MEAN,     /* per-channel (images) or per-feature mean of a data set */
  CX_BASELINE_TENSOR,   /* given by the caller (a .npy) */
} CxBaselineKind;

typedef struct
{
  CxMethod method;
  int output;                  /* model output, normally 0 */
  int64_t target;              /* class; < 0: the predicted one */
  gboolean absolute;           /* saliency: |gradient| as Captum's default */
  guint64 seed;

  int samples;                 /* smoothgrad: noisy copies (default 50) */
  double noise;                /* smoothgrad: σ as a fraction of the input's range (0.15) */
  gboolean squared;            /* smoothgrad: mean of squared gradients */

  int steps;                   /* ig: integration points (50) */
  CxIgRule rule;               /* ig: default Gauss–Legendre */
  CxBaselineKind baseline;     /* ig: default zeros */
  const CxTensor *baseline_tensor; /* CX_BASELINE_TENSOR: the input's shape;
                                    * CX_BASELINE_MEAN: a data set [N, …] */

  int window;                  /* occlusion: window side (image) or length (vector) */
  int stride;                  /* occlusion: stride */
  float occlusion_value;       /* occlusion: what the window is replaced by */

  const char *layer;           /* gradcam: value name; NULL: the last Conv's output */

  const int *groups;           /* shap: player of each input feature (NULL: one each) */
  int n_groups;
  int shap_permutations;       /* shap: random permutations (25, as Captum's n_samples) */

  CxEngineOptions engine;
} CxExplainParams;

typedef struct
{
  CxMethod method;
  CxTensor *attribution;       /* the input's shape (one row) */
  int64_t target;
  double output;               /* f(x) at the target */
  /* ig: completeness check */
  gboolean has_completeness;
  double attribution_sum;
  double output_baseline;      /* f(baseline) at the target */
  double completeness_error;   /* |sum − (f(x) − f(x′))| / |f(x) − f(x′)| */
  /* gradcam: the map at the layer's resolution, [h, w] */
  CxTensor *layer_map;
  char *layer;
  int n_evaluations;           /* rows run through the model */
} CxExplanation;

/* Fills @params with the documented defaults. */
void            cx_explain_params_init (CxExplainParams *params, CxMethod method);
/* Explains row @x ([1, …]) of @model. */
CxExplanation  *cx_explain             (const CxModel *model, const CxTensor *x,
                                        const CxExplainParams *params, GError **error);
void            cx_explanation_free    (CxExplanation *e);

const char     *cx_method_name         (CxMethod method);
gboolean        cx_method_from_name    (const char *name, CxMethod *method);
const char     *cx_ig_rule_name        (CxIgRule rule);
gboolean        cx_ig_rule_from_name   (const char *name, CxIgRule *rule);
const char     *cx_baseline_name       (CxBaselineKind kind);
/* "zeros", "blur", "uniform" or "mean" (not "file": a tensor needs data). */
gboolean        cx_baseline_from_name  (const char *name, CxBaselineKind *kind);

/* The integration points and weights of @rule with @n steps, as Captum's
 * approximation_methods (note Captum's trapezoid weights sum to 1 − 1/n). */
void            cx_ig_points           (CxIgRule rule, int n, double *alphas, double *weights);

/* The value name Grad-CAM uses by default: the output of the last Conv. */
const char     *cx_default_gradcam_layer (const CxModel *model);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CxExplanation, cx_explanation_free)

G_END_DECLS
