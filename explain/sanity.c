/* sanity.c
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "sanity.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PASS_THRESHOLD 0.5

void
cx_sanity_result_free (CxSanityResult *r)
{
  if (r == NULL)
    return;
  g_strfreev (r->layers);
  g_free (r->spearman);
  g_free (r->ssim);
  g_free (r);
}

typedef struct
{
  float v;
  int64_t i;
} Ranked;

static int
compare_ranked (const void *a, const void *b)
{
  const Ranked *x = a, *y = b;
  if (x->v != y->v)
    return x->v < y->v ? -1 : 1;
  return (x->i > y->i) - (x->i < y->i);
}

static double *
ranks (const float *v, int64_t n)
{
  Ranked *r = g_new (Ranked, n);
  double *out = g_new (double, n);

  for (int64_t i = 0; i < n; i++)
    {
      r[i].v = v[i];
      r[i].i = i;
    }
  qsort (r, n, sizeof (Ranked), compare_ranked);
  for (int64_t i = 0; i < n;)
    {
      int64_t j = i;
      while (j + 1 < n && r[j + 1].v == r[i].v)
        j++;
      for (int64_t k = i; k <= j; k++)
        out[r[k].i] = 0.5 * (i + j) + 1;
      i = j + 1;
    }
  g_free (r);
  return out;
}

double
cx_spearman (const float *a, const float *b, int64_t n)
{
  g_autofree double *ra = ranks (a, n);
  g_autofree double *rb = ranks (b, n);
  double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;

  for (int64_t i = 0; i < n; i++)
    {
      ma += ra[i];
      mb += rb[i];
    }
  ma /= n;
  mb /= n;
  for (int64_t i = 0; i < n; i++)
    {
      sab += (ra[i] - ma) * (rb[i] - mb);
      saa += (ra[i] - ma) * (ra[i] - ma);
      sbb += (rb[i] - mb) * (rb[i] - mb);
    }
  if (saa == 0 || sbb == 0)
    return saa == sbb ? 1.0 : 0.0;  /* a constant map correlates with nothing */
  return sab / sqrt (saa * sbb);
}

double
cx_ssim (const float *a, const float *b, int64_t h, int64_t w)
{
  const double c1 = 0.01 * 0.01, c2 = 0.03 * 0.03;
  int64_t win = MIN (7, MIN (h, w)), count = 0;
  double total = 0;

  for (int64_t y = 0; y + win <= h; y++)
    for (int64_t x = 0; x + win <= w; x++)
      {
        double ma = 0, mb = 0, vaa = 0, vbb = 0, vab = 0, n = (double) win * win;
        for (int64_t dy = 0; dy < win; dy++)
          for (int64_t dx = 0; dx < win; dx++)
            {
              ma += a[(y + dy) * w + x + dx];
              mb += b[(y + dy) * w + x + dx];
            }
        ma /= n;
        mb /= n;
        for (int64_t dy = 0; dy < win; dy++)
          for (int64_t dx = 0; dx < win; dx++)
            {
              double da = a[(y + dy) * w + x + dx] - ma, db = b[(y + dy) * w + x + dx] - mb;
              vaa += da * da;
              vbb += db * db;
              vab += da * db;
            }
        /* Sample covariances, as scikit-image's default. */
        if (n > 1)
          {
            vaa /= n - 1;
            vbb /= n - 1;
            vab /= n - 1;
          }
        total += ((2 * ma * mb + c1) * (2 * vab + c2)) /
                 ((ma * ma + mb * mb + c1) * (vaa + vbb + c2));
        count++;
      }
  return count ? total / count : 1.0;
}

/* |attribution| summed over channels, scaled to [0, 1]. */
static float *
normalised_map (const CxTensor *attr, int64_t *h, int64_t *w)
{
  int64_t C = attr->ndim == 4 ? attr->shape[1] : 1;
  float *m;
  double mx = 0;

  *h = attr->ndim == 4 ? attr->shape[2] : 1;
  *w = attr->ndim == 4 ? attr->shape[3] : attr->numel;
  m = g_new0 (float, *h * *w);
  for (int64_t c = 0; c < C; c++)
    for (int64_t i = 0; i < *h * *w; i++)
      m[i] += fabsf (attr->data.f[c * *h * *w + i]);
  for (int64_t i = 0; i < *h * *w; i++)
    mx = MAX (mx, m[i]);
  if (mx > 0)
    for (int64_t i = 0; i < *h * *w; i++)
      m[i] = (float) (m[i] / mx);
  return m;
}

static gboolean
is_layer (const CxModel *m, const CxNode *node)
{
  const char *op = node->op_type;
  int w;
  if (!g_str_equal (op, "Conv") && !g_str_equal (op, "ConvTranspose") &&
      !g_str_equal (op, "Gemm") && !g_str_equal (op, "MatMul"))
    return FALSE;
  if (node->n_in < 2 || node->in[1] < 0)
    return FALSE;
  w = node->in[1];
  return m->values[w].constant != NULL && m->values[w].producer < 0 &&
         m->values[w].constant->ndim >= 2 && cx_elem_is_float (m->values[w].constant->elem);
}

static void
randomise (CxTensor *t, GRand *rand)
{
  double mean = 0, var = 0, sd;
  for (int64_t i = 0; i < t->numel; i++)
    mean += t->data.f[i];
  mean /= MAX (t->numel, 1);
  for (int64_t i = 0; i < t->numel; i++)
    var += (t->data.f[i] - mean) * (t->data.f[i] - mean);
  sd = sqrt (var / MAX (t->numel, 1));
  if (sd == 0)
    sd = 1.0 / sqrt ((double) MAX (t->numel / MAX (t->shape[0], 1), 1));
  for (int64_t i = 0; i < t->numel; i++)
    {
      double u1 = g_rand_double_range (rand, 1e-300, 1.0), u2 = g_rand_double (rand);
      t->data.f[i] = (float) (sd * sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2));
    }
}

CxSanityResult *
cx_sanity_run (const CxModel *model, const CxTensor *x, CxAttributionFunc func,
               gpointer user_data, guint64 seed, GError **error)
{
  g_autoptr(CxModel) work = NULL;
  g_autoptr(CxTensor) original = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed ((guint32) seed);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autofree float *map0 = NULL;
  CxSanityResult *r;
  int64_t h, w;
  int n = 0;

  original = func (model, x, user_data, error);
  if (original == NULL)
    return NULL;
  map0 = normalised_map (original, &h, &w);
  work = cx_model_copy (model, error);
  if (work == NULL)
    return NULL;
  for (int i = work->n_nodes - 1; i >= 0; i--)
    if (is_layer (work, &work->nodes[i]))
      n++;
  if (n == 0)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_UNSUPPORTED,
                   "%s: the model has no layers with weights (Conv, Gemm, MatMul) to randomise",
                   model->path);
      return NULL;
    }
  r = g_new0 (CxSanityResult, 1);
  r->n_steps = n;
  r->spearman = g_new0 (double, n);
  r->ssim = g_new0 (double, n);
  r->threshold = PASS_THRESHOLD;
  n = 0;
  for (int i = work->n_nodes - 1; i >= 0; i--)
    {
      CxNode *node = &work->nodes[i];
      g_autoptr(CxTensor) attr = NULL;
      g_autofree float *map = NULL;
      int64_t hh, ww;
      if (!is_layer (work, node))
        continue;
      randomise (work->values[node->in[1]].constant, rand);
      if (node->n_in > 2 && node->in[2] >= 0 && work->values[node->in[2]].constant != NULL &&
          work->values[node->in[2]].producer < 0)
        randomise (work->values[node->in[2]].constant, rand);
      cx_model_forget_derived (work);
      g_ptr_array_add (names, g_strdup (node->name));
      attr = func (work, x, user_data, error);
      if (attr == NULL)
        {
          g_ptr_array_add (names, NULL);
          r->layers = (char **) g_ptr_array_free (g_steal_pointer (&names), FALSE);
          cx_sanity_result_free (r);
          return NULL;
        }
      map = normalised_map (attr, &hh, &ww);
      r->spearman[n] = cx_spearman (map0, map, h * w);
      r->ssim[n] = h > 1 ? cx_ssim (map0, map, h, w) : cx_ssim (map0, map, 1, w);
      n++;
    }
  g_ptr_array_add (names, NULL);
  r->layers = (char **) g_ptr_array_free (g_steal_pointer (&names), FALSE);
  r->passed = fabs (r->spearman[r->n_steps - 1]) < r->threshold;
  return r;
}
