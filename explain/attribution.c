/* attribution.c: saliency, gradient × input, SmoothGrad, integrated
 * gradients, occlusion, Grad-CAM and Shapley value sampling.
 *
 * Definitions follow Captum (pytorch/captum) so results compare with it:
 * - IG: (x − x′) · Σᵢ wᵢ ∇f(x′ + αᵢ(x − x′)), Captum's αᵢ and wᵢ per rule;
 * - Occlusion: output drop when a window is replaced by a baseline value,
 *   averaged over the windows that cover each element;
 * - Grad-CAM (Selvaraju et al. 2017): ReLU(Σₖ αₖ Aᵏ), αₖ the spatial mean
 *   of ∂f/∂Aᵏ, bilinearly upsampled to the input;
 * - ShapleyValueSampling: marginal contributions over random permutations
 *   of the players, starting from the baseline.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attribution.h"
#include "random.h"

#include <math.h>
#include <string.h>

static const char *method_names[] = {
  "saliency", "gradxinput", "smoothgrad", "ig", "occlusion", "gradcam", "shap",
};
static const char *rule_names[] = {
  "riemann_left", "riemann_right", "riemann_middle", "riemann_trapezoid", "gausslegendre",
};
static const char *baseline_names[] = { "zeros", "blur", "uniform", "mean", "file" };

const char *
cx_method_name (CxMethod method)
{
  return method_names[method];
}

gboolean
cx_method_from_name (const char *name, CxMethod *method)
{
  for (guint i = 0; i < G_N_ELEMENTS (method_names); i++)
    if (g_str_equal (name, method_names[i]))
      {
        *method = (CxMethod) i;
        return TRUE;
      }
  return FALSE;
}

const char *
cx_ig_rule_name (CxIgRule rule)
{
  return rule_names[rule];
}

gboolean
cx_ig_rule_from_name (const char *name, CxIgRule *rule)
{
  for (guint i = 0; i < G_N_ELEMENTS (rule_names); i++)
    if (g_str_equal (name, rule_names[i]))
      {
        *rule = (CxIgRule) i;
        return TRUE;
      }
  return FALSE;
}

const char *
cx_baseline_name (CxBaselineKind kind)
{
  return baseline_names[kind];
}

gboolean
cx_baseline_from_name (const char *name, CxBaselineKind *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (baseline_names); i++)
    if (i != CX_BASELINE_TENSOR && g_str_equal (name, baseline_names[i]))
      {
        *kind = (CxBaselineKind) i;
        return TRUE;
      }
  return FALSE;
}

void
cx_explain_params_init (CxExplainParams *p, CxMethod method)
{
  memset (p, 0, sizeof *p);
  p->method = method;
  p->target = -1;
  p->samples = 50;
  p->noise = 0.15;
  p->steps = 50;
  p->rule = CX_RULE_GAUSS_LEGENDRE;
  p->baseline = CX_BASELINE_ZEROS;
  p->shap_permutations = 25;
}

void
cx_explanation_free (CxExplanation *e)
{
  if (e == NULL)
    return;
  cx_tensor_free (e->attribution);
  cx_tensor_free (e->layer_map);
  g_free (e->layer);
  g_free (e);
}

/* Gauss–Legendre nodes and weights on [-1, 1] by Newton's method on P_n. */
static void
gauss_legendre (int n, double *x, double *w)
{
  for (int i = 0; i < n; i++)
    {
      double z = cos (G_PI * (i + 0.75) / (n + 0.5)), pp = 1;
      for (int it = 0; it < 100; it++)
        {
          double p1 = 1, p2 = 0, z1;
          for (int j = 1; j <= n; j++)
            {
              double p3 = p2;
              p2 = p1;
              p1 = ((2.0 * j - 1) * z * p2 - (j - 1.0) * p3) / j;
            }
          pp = n * (z * p1 - p2) / (z * z - 1);
          z1 = z;
          z = z1 - p1 / pp;
          if (fabs (z - z1) < 1e-15)
            break;
        }
      /* Ascending order, like numpy's leggauss. */
      x[n - 1 - i] = z;
      w[n - 1 - i] = 2 / ((1 - z * z) * pp * pp);
    }
}

void
cx_ig_points (CxIgRule rule, int n, double *alphas, double *weights)
{
  switch (rule)
    {
    case CX_RULE_GAUSS_LEGENDRE:
      gauss_legendre (n, alphas, weights);
      for (int i = 0; i < n; i++)
        {
          alphas[i] = 0.5 * (1 + alphas[i]);
          weights[i] *= 0.5;
        }
      return;
    case CX_RULE_RIEMANN_TRAPEZOID:
      for (int i = 0; i < n; i++)
        {
          alphas[i] = n > 1 ? (double) i / (n - 1) : 0.5;
          weights[i] = 1.0 / n;
        }
      weights[0] /= 2;
      weights[n - 1] /= 2;
      return;
    case CX_RULE_RIEMANN_LEFT:
      for (int i = 0; i < n; i++)
        {
          alphas[i] = n > 1 ? i * (1 - 1.0 / n) / (n - 1) : 0;
          weights[i] = 1.0 / n;
        }
      return;
    case CX_RULE_RIEMANN_RIGHT:
      for (int i = 0; i < n; i++)
        {
          alphas[i] = n > 1 ? 1.0 / n + i * (1 - 1.0 / n) / (n - 1) : 1;
          weights[i] = 1.0 / n;
        }
      return;
    case CX_RULE_RIEMANN_MIDDLE:
      for (int i = 0; i < n; i++)
        {
          alphas[i] = (i + 0.5) / n;
          weights[i] = 1.0 / n;
        }
      return;
    default:
      g_assert_not_reached ();
    }
}

const char *
cx_default_gradcam_layer (const CxModel *model)
{
  for (int n = model->n_nodes - 1; n >= 0; n--)
    if (g_str_equal (model->nodes[n].op_type, "Conv") && model->nodes[n].out[0] >= 0)
      return model->values[model->nodes[n].out[0]].name;
  return NULL;
}

/* ------------------------------------------------------------------ */

static CxTensor *
repeat_rows (const CxTensor *x, int64_t n, GError **error)
{
  int64_t shape[CX_MAX_DIMS];
  CxTensor *t;
  memcpy (shape, x->shape, sizeof shape);
  shape[0] = n;
  t = cx_tensor_new (CX_ELEM_FLOAT, x->ndim, shape, error);
  if (t != NULL)
    for (int64_t r = 0; r < n; r++)
      memcpy (t->data.f + r * x->numel, x->data.f, sizeof (float) * x->numel);
  return t;
}

static gboolean
predict_row_values (const CxModel *model, const CxTensor *batch, const CxExplainParams *p,
                    CxTensor **values, GError **error)
{
  *values = cx_engine_predict (model, batch, p->output, &p->engine, error);
  return *values != NULL;
}

static double
value_at (const CxTensor *out, int64_t row, int64_t target)
{
  int64_t k = out->numel / MAX (out->shape[0], 1);
  return out->data.f[row * k + target];
}

static CxTensor *
gradients (const CxModel *model, const CxTensor *batch, int64_t target,
           const CxExplainParams *p, CxTensor **values, GError **error)
{
  int64_t n = batch->shape[0];
  g_autofree int64_t *targets = g_new (int64_t, n);
  CxTensor *grad = NULL;

  for (int64_t i = 0; i < n; i++)
    targets[i] = target;
  if (!cx_engine_gradient (model, batch, p->output, targets, &p->engine, values, &grad, error))
    return NULL;
  return grad;
}

static void
input_range (const CxTensor *x, double *lo, double *hi)
{
  *lo = G_MAXDOUBLE;
  *hi = -G_MAXDOUBLE;
  for (int64_t i = 0; i < x->numel; i++)
    {
      *lo = MIN (*lo, x->data.f[i]);
      *hi = MAX (*hi, x->data.f[i]);
    }
}

/* Separable Gaussian blur of each channel of an image row [1, C, H, W]. */
static CxTensor *
blur_image (const CxTensor *x, GError **error)
{
  int64_t C = x->shape[1], H = x->shape[2], W = x->shape[3];
  double sigma = MAX (1.0, MIN (H, W) / 8.0);
  int radius = (int) ceil (3 * sigma);
  g_autofree double *k = g_new (double, 2 * radius + 1);
  g_autofree float *tmp = g_new (float, H * W);
  double ksum = 0;
  CxTensor *out = cx_tensor_new (CX_ELEM_FLOAT, x->ndim, x->shape, error);

  if (out == NULL)
    return NULL;
  for (int i = -radius; i <= radius; i++)
    ksum += k[i + radius] = exp (-0.5 * i * i / (sigma * sigma));
  for (int i = 0; i <= 2 * radius; i++)
    k[i] /= ksum;
  for (int64_t c = 0; c < C; c++)
    {
      const float *src = x->data.f + c * H * W;
      float *dst = out->data.f + c * H * W;
      for (int64_t y = 0; y < H; y++)
        for (int64_t xx = 0; xx < W; xx++)
          {
            double s = 0;
            for (int i = -radius; i <= radius; i++)
              s += k[i + radius] * src[y * W + CLAMP (xx + i, 0, W - 1)];
            tmp[y * W + xx] = (float) s;
          }
      for (int64_t y = 0; y < H; y++)
        for (int64_t xx = 0; xx < W; xx++)
          {
            double s = 0;
            for (int i = -radius; i <= radius; i++)
              s += k[i + radius] * tmp[CLAMP (y + i, 0, H - 1) * W + xx];
            dst[y * W + xx] = (float) s;
          }
    }
  return out;
}

static CxTensor *
make_baseline (const CxTensor *x, const CxExplainParams *p, GError **error)
{
  CxTensor *b;

  switch (p->baseline)
    {
    case CX_BASELINE_ZEROS:
      return cx_tensor_new_zeros (CX_ELEM_FLOAT, x->ndim, x->shape, error);
    case CX_BASELINE_BLUR:
      if (x->ndim != 4)
        {
          g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT,
                       "the blur baseline needs an image input (N, C, H, W)");
          return NULL;
        }
      return blur_image (x, error);
    case CX_BASELINE_UNIFORM:
      {
        g_autoptr(GRand) rand = g_rand_new_with_seed ((guint32) (p->seed ^ 0x5eed));
        double lo, hi;
        input_range (x, &lo, &hi);
        b = cx_tensor_new (CX_ELEM_FLOAT, x->ndim, x->shape, error);
        if (b != NULL)
          for (int64_t i = 0; i < b->numel; i++)
            b->data.f[i] = (float) (lo == hi ? lo : g_rand_double_range (rand, lo, hi));
        return b;
      }
    case CX_BASELINE_MEAN:
      {
        /* Per channel for images, per feature for vectors, over the data set
         * (or over the input itself when none is given). */
        const CxTensor *d = p->baseline_tensor ? p->baseline_tensor : x;
        int64_t rows = d->shape[0], per_row = d->numel / MAX (rows, 1);
        gboolean image = x->ndim == 4;
        int64_t C = image ? x->shape[1] : per_row, plane = image ? x->shape[2] * x->shape[3] : 1;
        g_autofree double *acc = g_new0 (double, C);
        if (d->ndim != x->ndim || per_row != x->numel)
          {
            g_set_error (error, CX_ERROR, CX_ERROR_SHAPE,
                         "the data set for the mean baseline does not match the input's shape");
            return NULL;
          }
        for (int64_t r = 0; r < rows; r++)
          for (int64_t c = 0; c < C; c++)
            for (int64_t i = 0; i < plane; i++)
              acc[c] += d->data.f[r * per_row + c * plane + i];
        b = cx_tensor_new (CX_ELEM_FLOAT, x->ndim, x->shape, error);
        if (b != NULL)
          for (int64_t c = 0; c < C; c++)
            for (int64_t i = 0; i < plane; i++)
              b->data.f[c * plane + i] = (float) (acc[c] / (rows * plane));
        return b;
      }
    case CX_BASELINE_TENSOR:
      if (p->baseline_tensor == NULL || p->baseline_tensor->numel != x->numel)
        {
          g_set_error (error, CX_ERROR, CX_ERROR_SHAPE,
                       "the baseline does not have the input's shape");
          return NULL;
        }
      b = cx_tensor_copy (p->baseline_tensor, error);
      if (b != NULL)
        {
          b->ndim = x->ndim;
          memcpy (b->shape, x->shape, sizeof b->shape);
        }
      return b;
    default:
      g_assert_not_reached ();
    }
}

static gboolean
explain_gradient_family (const CxModel *model, const CxTensor *x, const CxExplainParams *p,
                         CxExplanation *e, GError **error)
{
  g_autoptr(CxTensor) values = NULL;
  g_autoptr(CxTensor) grad = NULL;

  if (p->method == CX_METHOD_SMOOTHGRAD)
    {
      g_autoptr(CxTensor) batch = NULL;
      double lo, hi, sigma;
      int n = MAX (p->samples, 1);

      input_range (x, &lo, &hi);
      sigma = p->noise * (hi - lo);
      batch = repeat_rows (x, n, error);
      if (batch == NULL)
        return FALSE;
      cx_random_add_normal (batch->data.f, (gsize) batch->numel, p->seed, sigma);
      grad = gradients (model, batch, e->target, p, NULL, error);
      if (grad == NULL)
        return FALSE;
      e->attribution = cx_tensor_new_zeros (CX_ELEM_FLOAT, x->ndim, x->shape, error);
      if (e->attribution == NULL)
        return FALSE;
      for (int64_t j = 0; j < x->numel; j++)
        {
          double s = 0;
          for (int r = 0; r < n; r++)
            {
              double g = grad->data.f[r * x->numel + j];
              s += p->squared ? g * g : g;
            }
          e->attribution->data.f[j] = (float) (s / n);
        }
      e->n_evaluations = n;
      return TRUE;
    }

  grad = gradients (model, x, e->target, p, &values, error);
  if (grad == NULL)
    return FALSE;
  for (int64_t j = 0; j < grad->numel; j++)
    {
      if (p->method == CX_METHOD_GRADXINPUT)
        grad->data.f[j] *= x->data.f[j];
      else if (p->absolute)
        grad->data.f[j] = fabsf (grad->data.f[j]);
    }
  e->attribution = g_steal_pointer (&grad);
  e->n_evaluations = 1;
  return TRUE;
}

static gboolean
explain_ig (const CxModel *model, const CxTensor *x, const CxExplainParams *p,
            CxExplanation *e, GError **error)
{
  int n = p->steps;
  g_autofree double *alphas = NULL, *weights = NULL;
  g_autoptr(CxTensor) base = NULL;
  g_autoptr(CxTensor) batch = NULL;
  g_autoptr(CxTensor) grad = NULL;
  g_autoptr(CxTensor) ends = NULL;
  g_autoptr(CxTensor) end_values = NULL;
  g_autofree double *total = NULL;
  double delta, sum = 0;

  if (n < 1 || n > 100000 || (n < 2 && p->rule != CX_RULE_GAUSS_LEGENDRE))
    {
      g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT,
                   "integrated gradients needs between 2 and 100000 steps (got %d)", n);
      return FALSE;
    }
  alphas = g_new (double, n);
  weights = g_new (double, n);
  cx_ig_points (p->rule, n, alphas, weights);
  base = make_baseline (x, p, error);
  if (base == NULL)
    return FALSE;

  batch = repeat_rows (x, n, error);
  if (batch == NULL)
    return FALSE;
  for (int i = 0; i < n; i++)
    for (int64_t j = 0; j < x->numel; j++)
      batch->data.f[i * x->numel + j] =
        (float) (base->data.f[j] + alphas[i] * (x->data.f[j] - base->data.f[j]));
  grad = gradients (model, batch, e->target, p, NULL, error);
  if (grad == NULL)
    return FALSE;
  e->attribution = cx_tensor_new (CX_ELEM_FLOAT, x->ndim, x->shape, error);
  if (e->attribution == NULL)
    return FALSE;
  /* Σ_i weight_i · gradient_i, step by step along the rows (the same
   * sums in the same order as element by element). */
  total = g_new0 (double, x->numel);
  for (int i = 0; i < n; i++)
    {
      const float *g = grad->data.f + i * x->numel;
      for (int64_t j = 0; j < x->numel; j++)
        total[j] += weights[i] * g[j];
    }
  for (int64_t j = 0; j < x->numel; j++)
    {
      e->attribution->data.f[j] = (float) (total[j] * ((double) x->data.f[j] - base->data.f[j]));
      sum += e->attribution->data.f[j];
    }

  /* Completeness: Σ attributions against f(x) − f(x′). */
  ends = repeat_rows (x, 2, error);
  if (ends == NULL)
    return FALSE;
  memcpy (ends->data.f + x->numel, base->data.f, sizeof (float) * x->numel);
  if (!predict_row_values (model, ends, p, &end_values, error))
    return FALSE;
  e->output = value_at (end_values, 0, e->target);
  e->output_baseline = value_at (end_values, 1, e->target);
  delta = e->output - e->output_baseline;
  e->has_completeness = TRUE;
  e->attribution_sum = sum;
  e->completeness_error = fabs (delta) > 1e-12 ? fabs (sum - delta) / fabs (delta)
                          : fabs (sum - delta);
  e->n_evaluations = n + 2;
  return TRUE;
}

static gboolean
explain_occlusion (const CxModel *model, const CxTensor *x, const CxExplainParams *p,
                   CxExplanation *e, GError **error)
{
  gboolean image = x->ndim == 4;
  int64_t H = image ? x->shape[2] : 1, W = image ? x->shape[3] : x->numel;
  int64_t C = image ? x->shape[1] : 1;
  int win = p->window > 0 ? p->window : (image ? (int) MAX (2, MIN (H, W) / 7) : 1);
  int stride = p->stride > 0 ? p->stride : MAX (1, win / 2);
  int64_t wh = image ? win : 1, ny, nx, n_windows, chunk;
  g_autoptr(CxTensor) base_values = NULL;
  g_autofree double *acc = NULL;
  g_autofree int *count = NULL;
  double f0;

  if (win > W || (image && win > H))
    {
      g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT,
                   "the occlusion window (%d) is larger than the input (%" G_GINT64_FORMAT
                   "×%" G_GINT64_FORMAT ")", win, H, W);
      return FALSE;
    }
  ny = image ? (H - wh) / stride + 1 : 1;
  nx = (W - win) / stride + 1;
  n_windows = ny * nx;
  if (!predict_row_values (model, x, p, &base_values, error))
    return FALSE;
  f0 = value_at (base_values, 0, e->target);
  e->output = f0;
  acc = g_new0 (double, H * W);
  count = g_new0 (int, H * W);
  /* Windows go through the model in batches of bounded size. */
  chunk = MAX (1, MIN (n_windows, (int64_t) (8 << 20) / MAX (x->numel, 1)));
  for (int64_t start = 0; start < n_windows; start += chunk)
    {
      int64_t m = MIN (chunk, n_windows - start);
      g_autoptr(CxTensor) batch = repeat_rows (x, m, error);
      g_autoptr(CxTensor) out = NULL;
      if (batch == NULL)
        return FALSE;
      for (int64_t r = 0; r < m; r++)
        {
          int64_t wy = (start + r) / nx * stride, wx = (start + r) % nx * stride;
          for (int64_t c = 0; c < C; c++)
            for (int64_t yy = wy; yy < wy + wh; yy++)
              for (int64_t xx = wx; xx < wx + win; xx++)
                batch->data.f[r * x->numel + (c * H + yy) * W + xx] = p->occlusion_value;
        }
      if (!predict_row_values (model, batch, p, &out, error))
        return FALSE;
      for (int64_t r = 0; r < m; r++)
        {
          int64_t wy = (start + r) / nx * stride, wx = (start + r) % nx * stride;
          double drop = f0 - value_at (out, r, e->target);
          for (int64_t yy = wy; yy < wy + wh; yy++)
            for (int64_t xx = wx; xx < wx + win; xx++)
              {
                acc[yy * W + xx] += drop;
                count[yy * W + xx]++;
              }
        }
    }
  e->attribution = cx_tensor_new (CX_ELEM_FLOAT, x->ndim, x->shape, error);
  if (e->attribution == NULL)
    return FALSE;
  for (int64_t c = 0; c < C; c++)
    for (int64_t i = 0; i < H * W; i++)
      e->attribution->data.f[c * H * W + i] = count[i] ? (float) (acc[i] / count[i]) : 0.0f;
  e->n_evaluations = (int) (n_windows + 1);
  return TRUE;
}

static gboolean
explain_gradcam (const CxModel *model, const CxTensor *x, const CxExplainParams *p,
                 CxExplanation *e, GError **error)
{
  const char *layer = p->layer ? p->layer : cx_default_gradcam_layer (model);
  g_autoptr(CxExec) exec = NULL;
  const CxTensor *A, *G;
  int64_t K, h, w, H, W, C;
  g_autofree double *alpha = NULL;
  CxTensor *const inputs[1] = { (CxTensor *) x };
  int id;

  if (layer == NULL)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT,
                   "Grad-CAM needs a convolutional layer and the model has no Conv; "
                   "name one with --layer");
      return FALSE;
    }
  id = cx_model_find_value (model, layer);
  if (id < 0)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT, "the model has no value named '%s'", layer);
      return FALSE;
    }
  if (x->ndim != 4)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT, "Grad-CAM needs an image input (N, C, H, W)");
      return FALSE;
    }
  exec = cx_exec_new (model, p->engine.budget);
  cx_exec_keep (exec, id);
  if (!cx_exec_forward (exec, inputs, TRUE, error) ||
      !cx_exec_backward_class (exec, p->output, &e->target, error))
    return FALSE;
  e->output = value_at (cx_exec_output (exec, p->output), 0, e->target);
  A = cx_exec_value (exec, id);
  G = cx_exec_value_grad (exec, id);
  if (A == NULL || A->ndim != 4 || A->shape[0] != 1)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT,
                   "layer '%s' is not a feature map of shape [1, K, h, w]", layer);
      return FALSE;
    }
  K = A->shape[1];
  h = A->shape[2];
  w = A->shape[3];
  alpha = g_new0 (double, K);
  if (G != NULL)
    for (int64_t k = 0; k < K; k++)
      {
        double s = 0;
        for (int64_t i = 0; i < h * w; i++)
          s += G->data.f[k * h * w + i];
        alpha[k] = s / (h * w);
      }
  {
    int64_t shape[2] = { h, w };
    e->layer_map = cx_tensor_new_zeros (CX_ELEM_FLOAT, 2, shape, error);
    if (e->layer_map == NULL)
      return FALSE;
  }
  for (int64_t i = 0; i < h * w; i++)
    {
      double s = 0;
      for (int64_t k = 0; k < K; k++)
        s += alpha[k] * A->data.f[k * h * w + i];
      e->layer_map->data.f[i] = (float) MAX (s, 0.0);
    }
  /* Bilinear upsampling to the input (align_corners = false). */
  C = x->shape[1];
  H = x->shape[2];
  W = x->shape[3];
  e->attribution = cx_tensor_new (CX_ELEM_FLOAT, 4, x->shape, error);
  if (e->attribution == NULL)
    return FALSE;
  for (int64_t y = 0; y < H; y++)
    for (int64_t xx = 0; xx < W; xx++)
      {
        double sy = MAX ((y + 0.5) * h / H - 0.5, 0.0), sx = MAX ((xx + 0.5) * w / W - 0.5, 0.0);
        int64_t y0 = MIN ((int64_t) sy, h - 1), x0 = MIN ((int64_t) sx, w - 1);
        int64_t y1 = MIN (y0 + 1, h - 1), x1 = MIN (x0 + 1, w - 1);
        double fy = sy - y0, fx = sx - x0;
        const float *m = e->layer_map->data.f;
        double v = (m[y0 * w + x0] * (1 - fx) + m[y0 * w + x1] * fx) * (1 - fy) +
                   (m[y1 * w + x0] * (1 - fx) + m[y1 * w + x1] * fx) * fy;
        for (int64_t c = 0; c < C; c++)
          e->attribution->data.f[(c * H + y) * W + xx] = (float) v;
      }
  e->layer = g_strdup (layer);
  e->n_evaluations = 1;
  return TRUE;
}

static gboolean
explain_shap (const CxModel *model, const CxTensor *x, const CxExplainParams *p,
              CxExplanation *e, GError **error)
{
  int64_t F = x->numel;
  int P = p->groups ? p->n_groups : (int) F;
  int perms = MAX (p->shap_permutations, 1);
  g_autoptr(GRand) rand = g_rand_new_with_seed ((guint32) p->seed);
  g_autoptr(CxTensor) base = NULL;
  g_autoptr(CxTensor) fx = NULL;
  g_autofree double *phi = g_new0 (double, P);
  g_autofree int *order = g_new (int, P);

  if (P < 1 || P > 100000)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT, "Shapley sampling needs 1 to 100000 players");
      return FALSE;
    }
  if (p->groups != NULL)
    for (int64_t j = 0; j < F; j++)
      if (p->groups[j] < 0 || p->groups[j] >= P)
        {
          g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT, "feature %" G_GINT64_FORMAT
                       " has no valid player", j);
          return FALSE;
        }
  base = make_baseline (x, p, error);
  if (base == NULL)
    return FALSE;
  if (!predict_row_values (model, x, p, &fx, error))
    return FALSE;
  e->output = value_at (fx, 0, e->target);
  for (int s = 0; s < perms; s++)
    {
      g_autoptr(CxTensor) batch = repeat_rows (base, P + 1, error);
      g_autoptr(CxTensor) out = NULL;
      if (batch == NULL)
        return FALSE;
      for (int i = 0; i < P; i++)
        order[i] = i;
      for (int i = P - 1; i > 0; i--)
        {
          int j = g_rand_int_range (rand, 0, i + 1), t = order[i];
          order[i] = order[j];
          order[j] = t;
        }
      /* Row r has the first r players of the permutation switched on. */
      for (int r = 1; r <= P; r++)
        {
          float *row = batch->data.f + (int64_t) r * F;
          memcpy (row, batch->data.f + (int64_t) (r - 1) * F, sizeof (float) * F);
          for (int64_t j = 0; j < F; j++)
            if ((p->groups ? p->groups[j] : (int) j) == order[r - 1])
              row[j] = x->data.f[j];
        }
      if (!predict_row_values (model, batch, p, &out, error))
        return FALSE;
      for (int r = 1; r <= P; r++)
        phi[order[r - 1]] += value_at (out, r, e->target) - value_at (out, r - 1, e->target);
    }
  e->attribution = cx_tensor_new (CX_ELEM_FLOAT, x->ndim, x->shape, error);
  if (e->attribution == NULL)
    return FALSE;
  /* As Captum with a feature mask: every feature carries its player's value. */
  for (int64_t j = 0; j < F; j++)
    e->attribution->data.f[j] = (float) (phi[p->groups ? p->groups[j] : (int) j] / perms);
  e->n_evaluations = perms * (P + 1) + 1;
  return TRUE;
}

CxExplanation *
cx_explain (const CxModel *model, const CxTensor *x, const CxExplainParams *p, GError **error)
{
  g_autoptr(CxExplanation) e = g_new0 (CxExplanation, 1);
  gboolean ok = FALSE;

  g_return_val_if_fail (x != NULL && x->ndim >= 1 && x->shape[0] == 1, NULL);
  if (cx_engine_input (model, error) == NULL)
    return NULL;
  if (!cx_check_finite (x, "the input", error))
    return NULL;
  e->method = p->method;
  e->target = p->target;
  {
    /* One forward gives the predicted class and f(x). */
    g_autoptr(CxTensor) out = NULL;
    if (!predict_row_values (model, x, p, &out, error))
      return NULL;
    if (e->target < 0)
      e->target = out->numel == 1 ? 0 : cx_argmax_row (out, 0);
    if (e->target >= out->numel)
      {
        g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT,
                     "target class %" G_GINT64_FORMAT " is out of range (the model has %"
                     G_GINT64_FORMAT " outputs)", e->target, out->numel);
        return NULL;
      }
    e->output = value_at (out, 0, e->target);
  }

  switch (p->method)
    {
    case CX_METHOD_SALIENCY:
    case CX_METHOD_GRADXINPUT:
    case CX_METHOD_SMOOTHGRAD:
      ok = explain_gradient_family (model, x, p, e, error);
      break;
    case CX_METHOD_IG:
      ok = explain_ig (model, x, p, e, error);
      break;
    case CX_METHOD_OCCLUSION:
      ok = explain_occlusion (model, x, p, e, error);
      break;
    case CX_METHOD_GRADCAM:
      ok = explain_gradcam (model, x, p, e, error);
      break;
    case CX_METHOD_SHAP:
      ok = explain_shap (model, x, p, e, error);
      break;
    }
  if (!ok)
    return NULL;
  return g_steal_pointer (&e);
}
