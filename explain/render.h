/* render.h: attribution maps as pictures, as Captum's visualize_image_attr.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tensor.h"

G_BEGIN_DECLS

typedef enum
{
  CX_SIGN_ALL,           /* signed, diverging map, white at zero */
  CX_SIGN_POSITIVE,
  CX_SIGN_NEGATIVE,
  CX_SIGN_ABSOLUTE,
} CxSign;

typedef enum
{
  CX_COLORMAP_AUTO,      /* diverging for CX_SIGN_ALL, viridis otherwise */
  CX_COLORMAP_VIRIDIS,
  CX_COLORMAP_CIVIDIS,
  CX_COLORMAP_DIVERGING, /* ColorBrewer RdBu, blue negative, red positive */
} CxColormap;

typedef struct
{
  CxSign sign;
  double outlier_percent;  /* top share of the total attribution clipped (default 2) */
  double alpha;            /* opacity of the heat map over the input; 1: heat map alone */
  CxColormap colormap;
  int scale;               /* output pixels per input pixel (default: to about 280 px) */
} CxRenderOptions;

void         cx_render_options_init (CxRenderOptions *o);
const char  *cx_sign_name           (CxSign sign);
gboolean     cx_sign_from_name      (const char *name, CxSign *sign);

/* Reduces an attribution [1, C, H, W] over channels (sum) to an [H, W]
 * map, applies the sign and returns the clipping threshold: the value below
 * which 100 − outlier_percent % of the cumulative |attribution| lies. */
CxTensor    *cx_render_map          (const CxTensor *attr, CxSign sign, double outlier_percent,
                                     double *threshold);
/* The colour of a normalised value (−1…1 for CX_SIGN_ALL, 0…1 otherwise). */
void         cx_render_color        (CxColormap map, CxSign sign, double v, guint8 rgb[3]);
/* An RGBA picture of @map (normalised by @threshold) over @input
 * ([1, C, H, W], values in [0, 1]; may be NULL). Free with g_free. */
guint8      *cx_render_overlay      (const CxTensor *input, const CxTensor *map, double threshold,
                                     const CxRenderOptions *o, int *width, int *height);

G_END_DECLS
