/* render.c
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "render.h"
#include "colormap-data.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *sign_names[] = { "all", "positive", "negative", "absolute_value" };

void
cx_render_options_init (CxRenderOptions *o)
{
  o->sign = CX_SIGN_ALL;
  o->outlier_percent = 2.0;
  o->alpha = 0.6;
  o->colormap = CX_COLORMAP_AUTO;
  o->scale = 0;
}

const char *
cx_sign_name (CxSign sign)
{
  return sign_names[sign];
}

gboolean
cx_sign_from_name (const char *name, CxSign *sign)
{
  for (guint i = 0; i < G_N_ELEMENTS (sign_names); i++)
    if (g_str_equal (name, sign_names[i]))
      {
        *sign = (CxSign) i;
        return TRUE;
      }
  return FALSE;
}

static int
compare_float (const void *a, const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;
  return (x > y) - (x < y);
}

CxTensor *
cx_render_map (const CxTensor *attr, CxSign sign, double outlier_percent, double *threshold)
{
  int64_t H, W, C, shape[2];
  CxTensor *map;
  g_autofree float *sorted = NULL;
  double total = 0, cum = 0, limit;

  if (attr->ndim == 4)
    {
      C = attr->shape[1];
      H = attr->shape[2];
      W = attr->shape[3];
    }
  else
    {
      C = 1;
      H = 1;
      W = attr->numel;
    }
  shape[0] = H;
  shape[1] = W;
  map = cx_tensor_new_f32 (2, shape, NULL);
  for (int64_t i = 0; i < H * W; i++)
    {
      double s = 0;
      for (int64_t c = 0; c < C; c++)
        s += attr->data.f[c * H * W + i];
      switch (sign)
        {
        case CX_SIGN_POSITIVE: s = MAX (s, 0.0); break;
        case CX_SIGN_NEGATIVE: s = MAX (-s, 0.0); break;
        case CX_SIGN_ABSOLUTE: s = fabs (s); break;
        case CX_SIGN_ALL: break;
        }
      map->data.f[i] = (float) s;
    }
  /* Captum's _cumulative_sum_threshold over |values|. */
  sorted = g_new (float, (gsize) MAX (H * W, 1));
  for (int64_t i = 0; i < H * W; i++)
    {
      sorted[i] = fabsf (map->data.f[i]);
      total += sorted[i];
    }
  qsort (sorted, H * W, sizeof (float), compare_float);
  limit = total * (100.0 - CLAMP (outlier_percent, 0.0, 100.0)) / 100.0;
  *threshold = H * W > 0 ? sorted[H * W - 1] : 0;
  for (int64_t i = 0; i < H * W; i++)
    {
      cum += sorted[i];
      if (cum >= limit)
        {
          *threshold = sorted[i];
          break;
        }
    }
  if (*threshold <= 0)
    *threshold = 1e-12;
  return map;
}

void
cx_render_color (CxColormap map, CxSign sign, double v, guint8 rgb[3])
{
  const unsigned char (*lut)[3];
  int idx;

  if (map == CX_COLORMAP_AUTO)
    map = sign == CX_SIGN_ALL ? CX_COLORMAP_DIVERGING : CX_COLORMAP_VIRIDIS;
  switch (map)
    {
    case CX_COLORMAP_CIVIDIS: lut = cx_lut_cividis; break;
    case CX_COLORMAP_DIVERGING: lut = cx_lut_rdbu; break;
    default: lut = cx_lut_viridis; break;
    }
  if (sign == CX_SIGN_ALL)
    v = 0.5 * (CLAMP (v, -1.0, 1.0) + 1.0);
  else
    v = CLAMP (v, 0.0, 1.0);
  idx = (int) lround (v * 255.0);
  rgb[0] = lut[idx][0];
  rgb[1] = lut[idx][1];
  rgb[2] = lut[idx][2];
}

guint8 *
cx_render_overlay (const CxTensor *input, const CxTensor *map, double threshold,
                   const CxRenderOptions *o, int *width, int *height)
{
  int64_t H = map->shape[0], W = map->shape[1];
  int scale = o->scale > 0 ? o->scale : (int) MAX (1, 280 / MAX (H, W));
  int w = (int) (W * scale), h = (int) (H * scale);
  guint8 *rgba = g_malloc ((gsize) w * h * 4);
  gboolean image = input != NULL && input->ndim == 4 && input->shape[2] == H && input->shape[3] == W;
  int64_t C = image ? input->shape[1] : 0;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        int64_t i = (int64_t) (y / scale) * W + x / scale;
        guint8 heat[3], *px = rgba + ((gsize) y * w + x) * 4;
        double base[3] = { 0, 0, 0 };
        double a = image ? CLAMP (o->alpha, 0.0, 1.0) : 1.0;
        cx_render_color (o->colormap, o->sign, map->data.f[i] / threshold, heat);
        if (image)
          for (int c = 0; c < 3; c++)
            {
              double g = input->data.f[(C == 3 ? c : 0) * H * W + i];
              /* Gray the input so the colours of the map stay readable. */
              base[c] = CLAMP (g, 0.0, 1.0) * 255.0;
            }
        for (int c = 0; c < 3; c++)
          px[c] = (guint8) lround (a * heat[c] + (1 - a) * base[c]);
        px[3] = 255;
      }
  *width = w;
  *height = h;
  return rgba;
}
