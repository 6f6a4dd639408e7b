/* report.c
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"
#include "report.h"
#include "attribution.h"
#include "atomic-file.h"
#include "csv.h"
#include "fairness.h"
#include "schema.h"
#include "tabular.h"
#include "input.h"
#include "render.h"
#include "sanity.h"

#include <cairo.h>
#include <cairo-pdf.h>
#include <math.h>
#include <string.h>

#define PAGE_W 595.0   /* A4 in points */
#define PAGE_H 842.0
#define MARGIN 48.0

/* As many images as the app opens from a folder (CANDOR_DATASET_MAX_IMAGES). */
#define REPORT_MAX_IMAGES 5000

typedef struct
{
  cairo_t *cr;
  double y;
  int page;
  const char *footer;
  const CxTensor *mean;        /* the data set's mean input, for the mean baseline */
} Page;

static cairo_status_t
append_bytes (void *closure, const unsigned char *data, unsigned int length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static void
footer (Page *p)
{
  g_autofree char *num = g_strdup_printf ("%d", p->page);
  cairo_save (p->cr);
  cairo_select_font_face (p->cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (p->cr, 7.5);
  cairo_set_source_rgb (p->cr, 0.4, 0.4, 0.4);
  cairo_move_to (p->cr, MARGIN, PAGE_H - 24);
  cairo_show_text (p->cr, p->footer);
  cairo_move_to (p->cr, PAGE_W - MARGIN - 10, PAGE_H - 24);
  cairo_show_text (p->cr, num);
  cairo_restore (p->cr);
}

static void
new_page (Page *p)
{
  if (p->page > 0)
    {
      footer (p);
      cairo_show_page (p->cr);
    }
  p->page++;
  p->y = MARGIN;
}

static void
need (Page *p, double height)
{
  if (p->y + height > PAGE_H - MARGIN - 10)
    new_page (p);
}

/* Draws @text wrapped to the page width; returns the height used. */
static void
text (Page *p, const char *s, double size, gboolean bold, double indent)
{
  g_auto(GStrv) words = g_strsplit (s, " ", -1);
  g_autoptr(GString) line = g_string_new (NULL);
  double width = PAGE_W - 2 * MARGIN - indent;

  cairo_select_font_face (p->cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                          bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (p->cr, size);
  cairo_set_source_rgb (p->cr, 0.1, 0.1, 0.1);
  for (int i = 0; words[i] != NULL; i++)
    {
      g_autofree char *trial = g_strdup_printf ("%s%s%s", line->str, line->len ? " " : "", words[i]);
      cairo_text_extents_t ext;
      cairo_text_extents (p->cr, trial, &ext);
      if (ext.x_advance > width && line->len > 0)
        {
          need (p, size * 1.4);
          cairo_move_to (p->cr, MARGIN + indent, p->y + size);
          cairo_show_text (p->cr, line->str);
          p->y += size * 1.4;
          g_string_assign (line, words[i]);
        }
      else
        g_string_assign (line, trial);
    }
  if (line->len > 0)
    {
      need (p, size * 1.4);
      cairo_move_to (p->cr, MARGIN + indent, p->y + size);
      cairo_show_text (p->cr, line->str);
      p->y += size * 1.4;
    }
}

static void
heading (Page *p, const char *s)
{
  need (p, 40);
  p->y += 8;
  text (p, s, 14, TRUE, 0);
  cairo_set_source_rgb (p->cr, 0.75, 0.75, 0.75);
  cairo_rectangle (p->cr, MARGIN, p->y + 1, PAGE_W - 2 * MARGIN, 0.6);
  cairo_fill (p->cr);
  p->y += 8;
}

static void
kv (Page *p, const char *key, const char *value)
{
  g_autofree char *s = g_strdup_printf ("%s: %s", key, value);
  text (p, s, 9, FALSE, 8);
}

static void
draw_rgba (Page *p, const guint8 *rgba, int w, int h, double x, double y, double size)
{
  cairo_surface_t *img = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  guint8 *dst = cairo_image_surface_get_data (img);
  int stride = cairo_image_surface_get_stride (img);
  double s = size / MAX (w, h);

  cairo_surface_flush (img);
  for (int yy = 0; yy < h; yy++)
    for (int xx = 0; xx < w; xx++)
      {
        const guint8 *src = rgba + ((gsize) yy * w + xx) * 4;
        guint32 v = (guint32) src[0] << 16 | (guint32) src[1] << 8 | src[2];
        memcpy (dst + yy * stride + xx * 4, &v, 4);
      }
  cairo_surface_mark_dirty (img);
  cairo_save (p->cr);
  cairo_translate (p->cr, x, y);
  cairo_scale (p->cr, s, s);
  cairo_set_source_surface (p->cr, img, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (p->cr), CAIRO_FILTER_NEAREST);
  cairo_paint (p->cr);
  cairo_restore (p->cr);
  cairo_surface_destroy (img);
}

static void
colour_bar (Page *p, CxSign sign, double x, double y, double w)
{
  for (int i = 0; i < 256; i++)
    {
      guint8 rgb[3];
      double v = sign == CX_SIGN_ALL ? (i / 255.0) * 2 - 1 : i / 255.0;
      cx_render_color (CX_COLORMAP_AUTO, sign, v, rgb);
      cairo_set_source_rgb (p->cr, rgb[0] / 255.0, rgb[1] / 255.0, rgb[2] / 255.0);
      cairo_rectangle (p->cr, x + w * i / 256.0, y, w / 256.0 + 0.3, 8);
      cairo_fill (p->cr);
    }
  cairo_set_source_rgb (p->cr, 0.2, 0.2, 0.2);
  cairo_set_font_size (p->cr, 7);
  cairo_move_to (p->cr, x, y + 17);
  cairo_show_text (p->cr, sign == CX_SIGN_ALL ? "−1 (against the class)" : "0");
  cairo_move_to (p->cr, x + w - 70, y + 17);
  cairo_show_text (p->cr, sign == CX_SIGN_ALL ? "+1 (for the class)" : "1 (strongest)");
}

static void
model_card (Page *p, const CxModel *m)
{
  g_autoptr(GString) ops = g_string_new (NULL);
  g_autoptr(GList) keys = g_list_sort (g_hash_table_get_keys (m->op_histogram), (GCompareFunc) g_strcmp0);
  g_autofree char *params = g_strdup_printf ("%" G_GINT64_FORMAT " in %d initializers",
                                             m->n_parameters, m->n_initializers);
  g_autofree char *graph = g_strdup_printf ("%d nodes, opset %d, IR version %" G_GINT64_FORMAT,
                                            m->n_nodes, m->opset, m->ir_version);
  heading (p, "Model");
  kv (p, "File", m->path);
  kv (p, "SHA-256", m->sha256);
  kv (p, "Producer", *m->producer_name ? m->producer_name : "(not recorded)");
  kv (p, "Graph", graph);
  kv (p, "Parameters", params);
  for (int i = 0; i < m->n_inputs + m->n_outputs; i++)
    {
      const CxValue *v = &m->values[i < m->n_inputs ? m->inputs[i] : m->outputs[i - m->n_inputs]];
      g_autoptr(GString) s = g_string_new (NULL);
      g_string_append_printf (s, "%s %s [", v->name, cx_elem_name (v->elem));
      for (int d = 0; d < v->ndim; d++)
        {
          if (d)
            g_string_append (s, ", ");
          if (v->dims[d] >= 0)
            g_string_append_printf (s, "%" G_GINT64_FORMAT, v->dims[d]);
          else
            g_string_append (s, v->dim_names[d] ? v->dim_names[d] : "?");
        }
      g_string_append_c (s, ']');
      kv (p, i < m->n_inputs ? "Input" : "Output", s->str);
    }
  for (GList *l = keys; l; l = l->next)
    g_string_append_printf (ops, "%s%s ×%d", ops->len ? ", " : "", (char *) l->data,
                            GPOINTER_TO_INT (g_hash_table_lookup (m->op_histogram, l->data)));
  kv (p, "Operators", ops->str);
}

static const CxMethod grid_methods[6] = {
  CX_METHOD_SALIENCY, CX_METHOD_GRADXINPUT, CX_METHOD_SMOOTHGRAD,
  CX_METHOD_IG, CX_METHOD_OCCLUSION, CX_METHOD_GRADCAM,
};
static const char *grid_captions[6] = {
  "Saliency (gradient)", "Gradient × input", "SmoothGrad", "Integrated gradients",
  "Occlusion", "Grad-CAM",
};

static void
params_from_session (const CxSession *s, const CxTensor *mean, CxMethod method, int64_t target,
                     CxExplainParams *p)
{
  cx_explain_params_init (p, method);
  p->target = target;
  p->seed = s->seed;
  p->steps = s->ig_steps;
  cx_ig_rule_from_name (s->ig_rule, &p->rule);
  if (g_strcmp0 (s->ig_baseline, "blur") == 0)
    p->baseline = CX_BASELINE_BLUR;
  else if (g_strcmp0 (s->ig_baseline, "uniform") == 0)
    p->baseline = CX_BASELINE_UNIFORM;
  else if (g_strcmp0 (s->ig_baseline, "mean") == 0)
    {
      /* The mean of the images open, as the app computes it. */
      p->baseline = CX_BASELINE_MEAN;
      p->baseline_tensor = mean;
    }
  p->samples = s->smoothgrad_samples;
  p->noise = s->smoothgrad_noise;
  p->window = s->occlusion_window;
  p->stride = s->occlusion_stride;
}

static const char *
class_name (char **classes, int64_t k)
{
  return classes && k >= 0 && k < (int64_t) g_strv_length (classes) ? classes[k] : "?";
}

/* The top classes of one row of probabilities, "approve 95.6 %, deny 4.4 %". */
static char *
top_classes (const CxTensor *prob, char **classes)
{
  int64_t k = prob->numel;
  g_autofree int64_t *order = g_new (int64_t, k);
  GString *top = g_string_new (NULL);

  for (int64_t j = 0; j < k; j++)
    order[j] = j;
  for (int64_t i = 1; i < k; i++)
    for (int64_t j = i; j > 0 && prob->data.f[order[j]] > prob->data.f[order[j - 1]]; j--)
      {
        int64_t t = order[j];
        order[j] = order[j - 1];
        order[j - 1] = t;
      }
  for (int64_t j = 0; j < MIN (k, 3); j++)
    {
      g_autofree char *unnamed = g_strdup_printf ("class %" G_GINT64_FORMAT, order[j]);
      g_string_append_printf (top, "%s%s %.1f %%", j ? ", " : "",
                              classes ? class_name (classes, order[j]) : unnamed,
                              100.0 * prob->data.f[order[j]]);
    }
  return g_string_free (top, FALSE);
}

/* The "Prediction" line of a sample's page: every class when there are
 * three or fewer, else the three most likely. */
static void
prediction_kv (Page *p, const CxTensor *prob, char **classes)
{
  g_autofree char *top = top_classes (prob, classes);

  kv (p, prob->numel > 3 ? "Prediction (top 3)" : "Prediction", top);
}

static gboolean
sample_section (Page *p, const CxSession *s, const CxModel *m, const char *sample_path,
                const char *sample_id, char **classes, GError **error)
{
  g_autoptr(CxTensor) x = NULL;
  g_autoptr(CxTensor) out = NULL;
  g_autoptr(CxTensor) prob = NULL;
  g_autofree char *sha = NULL;
  g_autofree char *title = NULL;
  CxRenderOptions ro;
  int64_t pred;
  double cell = (PAGE_W - 2 * MARGIN - 20) / 3.0;

  x = cx_input_load (m, sample_path, &sha, error);
  if (x == NULL)
    return FALSE;
  out = cx_engine_predict (m, x, 0, NULL, error);
  if (out == NULL)
    return FALSE;
  prob = cx_output_probabilities (m, 0, out);
  pred = cx_argmax_row (prob, 0);
  cx_render_options_init (&ro);
  cx_sign_from_name (s->sign, &ro.sign);
  ro.outlier_percent = s->outlier_percent;
  ro.alpha = s->alpha;

  new_page (p);
  title = g_strdup_printf ("Sample %s", sample_id);
  heading (p, title);
  kv (p, "Input SHA-256", sha);
  prediction_kv (p, prob, classes);
  /* The input itself. */
  if (x->ndim == 4)
    {
      g_autoptr(CxTensor) blank = cx_tensor_new_zeros (CX_ELEM_FLOAT, 2, x->shape + 2, NULL);
      CxRenderOptions plain = ro;
      int w, h;
      g_autofree guint8 *rgba = NULL;
      plain.alpha = 0;
      rgba = cx_render_overlay (x, blank, 1.0, &plain, &w, &h);
      need (p, 130);
      draw_rgba (p, rgba, w, h, MARGIN, p->y + 4, 110);
      p->y += 122;
    }
  {
    g_autofree char *what = g_strdup_printf (
      "Attributions of the raw output for class %s (%" G_GINT64_FORMAT "), each map normalised to "
      "its own %g %% outlier threshold; shown as %s, heat map at opacity %.1f over the input.",
      classes && pred < (int64_t) g_strv_length (classes) ? classes[pred] : "?", pred,
      s->outlier_percent, s->sign, s->alpha);
    text (p, what, 8.5, FALSE, 0);
  }
  need (p, 2 * (cell + 36) + 30);
  {
    double y0 = p->y + 6;
    for (int i = 0; i < 6; i++)
      {
        CxExplainParams ep;
        g_autoptr(CxExplanation) e = NULL;
        g_autoptr(CxTensor) map = NULL;
        g_autofree guint8 *rgba = NULL;
        g_autofree char *caption = NULL;
        g_autofree char *detail = NULL;   /* a second line under the caption */
        double threshold, x0 = MARGIN + (i % 3) * (cell + 10), yy = y0 + (i / 3) * (cell + 36);
        int w, h;

        params_from_session (s, p->mean, grid_methods[i], pred, &ep);
        e = cx_explain (m, x, &ep, error);
        if (e == NULL)
          {
            if (grid_methods[i] != CX_METHOD_GRADCAM)
              return FALSE;
            /* A model without convolutions has no Grad-CAM: say so. */
            g_clear_error (error);
            cairo_set_source_rgb (p->cr, 0.9, 0.9, 0.9);
            cairo_rectangle (p->cr, x0, yy, cell, cell);
            cairo_fill (p->cr);
            caption = g_strdup ("Grad-CAM: no convolution");
          }
        else
          {
            map = cx_render_map (e->attribution, ro.sign, ro.outlier_percent, &threshold);
            rgba = cx_render_overlay (x, map, threshold, &ro, &w, &h);
            draw_rgba (p, rgba, w, h, x0, yy, cell);
            caption = g_strdup (grid_captions[i]);
            if (e->has_completeness)
              detail = g_strdup_printf ("completeness %.1f %% %s", 100 * e->completeness_error,
                                        e->completeness_error <= 0.05 ? "(ok)" : "(FAILS: > 5 %)");
          }
        cairo_select_font_face (p->cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
        cairo_set_font_size (p->cr, 8);
        cairo_set_source_rgb (p->cr, 0.1, 0.1, 0.1);
        cairo_move_to (p->cr, x0, yy + cell + 12);
        cairo_show_text (p->cr, caption);
        if (detail != NULL)
          {
            cairo_move_to (p->cr, x0, yy + cell + 23);
            cairo_show_text (p->cr, detail);
          }
      }
    p->y = y0 + 2 * (cell + 36);
    colour_bar (p, ro.sign, MARGIN, p->y, PAGE_W - 2 * MARGIN);
    p->y += 28;
  }
  {
    g_autofree char *params = g_strdup_printf (
      "Integrated gradients: %d steps, rule %s, baseline %s. SmoothGrad: %d samples, noise %.2f "
      "of the input's range. Seed %" G_GUINT64_FORMAT ".", s->ig_steps, s->ig_rule, s->ig_baseline,
      s->smoothgrad_samples, s->smoothgrad_noise, s->seed);
    text (p, params, 8, FALSE, 0);
  }
  return TRUE;
}

/* ---- tables ---- */

/* A session on a CSV table: the table, its schema and the encoded rows. */
typedef struct
{
  CxCsv *csv;
  CxSchema *schema;
  CxTensor *x;                 /* [N, F]: the data set whose mean row is the mean baseline */
} Table;

static void
table_clear (Table *t)
{
  g_clear_pointer (&t->csv, cx_csv_free);
  g_clear_pointer (&t->schema, cx_schema_free);
  g_clear_pointer (&t->x, cx_tensor_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Table, table_clear)

static gboolean
table_load (Table *t, const CxSession *s, const char *session_path, const CxModel *m,
            const char *data_path, GError **error)
{
  g_autofree char *schema_path = cx_session_resolve (session_path, s->schema_path);

  if (schema_path == NULL)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT,
                   "%s: the table %s has no schema, so its rows cannot be explained",
                   session_path ? session_path : "session", data_path);
      return FALSE;
    }
  t->csv = cx_csv_load (data_path, error);
  if (t->csv == NULL)
    return FALSE;
  t->schema = cx_schema_load (schema_path, error);
  if (t->schema == NULL || !cx_schema_check_model (t->schema, m, error)
      || !cx_schema_bind (t->schema, t->csv, error))
    return FALSE;
  t->x = cx_schema_encode (t->schema, t->csv, error);
  return t->x != NULL;
}

/* "row N" (from 1) as a session names a table row. */
static gboolean
parse_row_id (const char *id, const Table *t, int64_t *row)
{
  char *end = NULL;
  guint64 v;

  if (!g_str_has_prefix (id, "row "))
    return FALSE;
  v = g_ascii_strtoull (id + 4, &end, 10);
  if (end == id + 4 || *end != '\0' || v < 1 || (int64_t) v > t->csv->n_rows)
    return FALSE;
  *row = (int64_t) v - 1;
  return TRUE;
}

typedef struct
{
  int column;
  double value;
} Bar;

static int
compare_bars (gconstpointer a, gconstpointer b)
{
  double x = fabs (((const Bar *) a)->value), y = fabs (((const Bar *) b)->value);
  return x < y ? 1 : x > y ? -1 : ((const Bar *) a)->column - ((const Bar *) b)->column;
}

/* What the app explains a table row with, as the session saved it: the
 * method (integrated gradients by default) and its baseline. */
static gboolean
table_method (const CxSession *s, const char *session_path, CxMethod *method,
              CxBaselineKind *baseline, GError **error)
{
  *method = CX_METHOD_IG;
  *baseline = CX_BASELINE_MEAN;
  if ((s->table_method != NULL && !cx_method_from_name (s->table_method, method))
      || (*method != CX_METHOD_IG && *method != CX_METHOD_SHAP && *method != CX_METHOD_GRADXINPUT
          && *method != CX_METHOD_SALIENCY))
    {
      g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT, "%s: table_method '%s' is not ig, shap, "
                   "gradxinput or saliency", session_path ? session_path : "session", s->table_method);
      return FALSE;
    }
  if ((s->table_baseline != NULL && !cx_baseline_from_name (s->table_baseline, baseline))
      || (*baseline != CX_BASELINE_MEAN && *baseline != CX_BASELINE_ZEROS))
    {
      g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT, "%s: table_baseline '%s' is not mean or zeros",
                   session_path ? session_path : "session", s->table_baseline);
      return FALSE;
    }
  return TRUE;
}

/* How the bars were made, in words. */
static char *
method_description (const CxSession *s, CxMethod method, CxBaselineKind baseline, const char *target)
{
  const char *from = baseline == CX_BASELINE_MEAN ? "the data's mean row" : "a row of zeros";

  switch (method)
    {
    case CX_METHOD_SHAP:
      return g_strdup_printf ("Shapley value sampling (25 random orders of the columns, seed %" G_GUINT64_FORMAT
                              ") of the raw output for class %s, against %s.", s->seed, target, from);
    case CX_METHOD_GRADXINPUT:
      return g_strdup_printf ("Gradient × input of the raw output for class %s, summed over each column's "
                              "encoded features.", target);
    case CX_METHOD_SALIENCY:
      return g_strdup_printf ("Saliency (the gradient) of the raw output for class %s, summed over each "
                              "column's encoded features.", target);
    case CX_METHOD_IG:
    default:
      return g_strdup_printf ("Integrated gradients (%s, %d points) of the raw output for class %s, from %s "
                              "to this row, summed over each column's encoded features.",
                              s->ig_rule ? s->ig_rule : "gausslegendre", s->ig_steps, target, from);
    }
}

/* One page for a table row: its prediction, and the session's method per
 * raw column as signed bars, largest first, with the row's values (the
 * numbers the app's bars and `candor-cli explain` give). */
static gboolean
row_section (Page *p, const CxSession *s, const char *session_path, const CxModel *m, const Table *t,
             int64_t row, const char *sample_id, char **classes, GError **error)
{
  g_autoptr(CxTensor) x = cx_schema_encode_row (t->schema, t->csv, row, error);
  g_autoptr(CxTensor) out = NULL;
  g_autoptr(CxTensor) prob = NULL;
  g_autoptr(CxExplanation) e = NULL;
  g_autofree int *players = cx_schema_players (t->schema);
  g_autofree double *attr = NULL;
  g_autofree Bar *bars = NULL;
  g_autofree char *title = NULL;
  g_autofree char *what = NULL;
  g_autofree char *how = NULL;
  g_autofree char *check = NULL;
  int C = t->schema->n_columns;
  int64_t pred;
  double maxabs = 0;
  double label_w = 190, bar_x, bar_w, row_h = 13;
  CxExplainParams ep;
  CxMethod method;
  CxBaselineKind baseline;

  if (x == NULL || !table_method (s, session_path, &method, &baseline, error))
    return FALSE;
  out = cx_engine_predict (m, x, 0, NULL, error);
  if (out == NULL)
    return FALSE;
  prob = cx_output_probabilities (m, 0, out);
  pred = cx_argmax_row (prob, 0);
  cx_explain_params_init (&ep, method);
  /* A single logit is explained at its one output. */
  ep.target = out->numel == 1 ? 0 : pred;
  ep.steps = s->ig_steps;
  if (s->ig_rule != NULL)
    cx_ig_rule_from_name (s->ig_rule, &ep.rule);
  ep.seed = s->seed;
  ep.baseline = baseline;
  ep.baseline_tensor = baseline == CX_BASELINE_MEAN ? t->x : NULL;
  cx_schema_set_players (t->schema, x, players, &ep);
  e = cx_explain (m, x, &ep, error);
  if (e == NULL)
    return FALSE;
  attr = g_new0 (double, MAX (C, 1));
  if (!cx_schema_column_attribution (t->schema, e, attr))
    {
      g_set_error (error, CX_ERROR, CX_ERROR_SHAPE, "%s: the attribution does not match the schema",
                   t->csv->path);
      return FALSE;
    }
  bars = g_new (Bar, C);
  for (int c = 0; c < C; c++)
    {
      bars[c].column = c;
      bars[c].value = attr[c];
      maxabs = MAX (maxabs, fabs (attr[c]));
    }
  qsort (bars, C, sizeof (Bar), compare_bars);

  new_page (p);
  title = g_strdup_printf ("Sample %s", sample_id);
  heading (p, title);
  kv (p, "Table", t->csv->path);
  prediction_kv (p, prob, classes);
  if (t->schema->label_csv_column >= 0)
    {
      g_autofree char *label = g_strdup_printf ("%s = %s", t->schema->label_column,
                                                cx_csv_cell (t->csv, row, t->schema->label_csv_column));
      kv (p, "Label", label);
    }
  how = method_description (s, method, baseline, class_name (classes, pred));
  what = g_strdup_printf (
    "%s Bars to the right push the decision towards %s, bars to the left away from it; the "
    "longest bar is the column that mattered most.", how, class_name (classes, pred));
  p->y += 4;
  text (p, what, 8.5, FALSE, 0);
  p->y += 6;

  bar_x = MARGIN + label_w + (PAGE_W - 2 * MARGIN - label_w - 60) / 2;
  bar_w = (PAGE_W - 2 * MARGIN - label_w - 60) / 2;
  for (int i = 0; i < C; i++)
    {
      const CxSchemaColumn *col = &t->schema->columns[bars[i].column];
      const char *value = col->csv_column >= 0 ? cx_csv_cell (t->csv, row, col->csv_column) : "";
      g_autofree char *label = g_strdup_printf ("%s = %s", col->name, value);
      g_autofree char *number = g_strdup_printf ("%+.4f", bars[i].value);
      double v = maxabs > 0 ? bars[i].value / maxabs : 0, len = fabs (v) * bar_w;
      guint8 rgb[3];

      need (p, row_h);
      cairo_select_font_face (p->cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
      cairo_set_font_size (p->cr, 8);
      cairo_set_source_rgb (p->cr, 0.1, 0.1, 0.1);
      cairo_move_to (p->cr, MARGIN, p->y + 9);
      cairo_show_text (p->cr, label);
      /* Length is the size; colour only the direction, strong enough to see. */
      cx_render_color (CX_COLORMAP_DIVERGING, CX_SIGN_ALL, v >= 0 ? 0.8 : -0.8, rgb);
      cairo_set_source_rgb (p->cr, rgb[0] / 255.0, rgb[1] / 255.0, rgb[2] / 255.0);
      cairo_rectangle (p->cr, v >= 0 ? bar_x : bar_x - len, p->y + 2, MAX (len, 0.5), row_h - 4);
      cairo_fill (p->cr);
      cairo_set_source_rgb (p->cr, 0.1, 0.1, 0.1);
      cairo_move_to (p->cr, PAGE_W - MARGIN - 48, p->y + 9);
      cairo_show_text (p->cr, number);
      p->y += row_h;
    }
  cairo_set_source_rgb (p->cr, 0.4, 0.4, 0.4);
  cairo_rectangle (p->cr, bar_x - 0.3, p->y - C * row_h, 0.6, C * row_h);
  cairo_fill (p->cr);
  p->y += 6;
  if (e->has_completeness)
    {
      check = g_strdup_printf ("Completeness: the bars sum to %.6g; f(row) − f(baseline) = %.6g; "
                               "relative difference %.2f %% %s.", e->attribution_sum,
                               e->output - e->output_baseline, 100 * e->completeness_error,
                               e->completeness_error <= 0.05
                               ? "(ok)" : "(FAILS: above 5 %, do not rely on these bars)");
      text (p, check, 8.5, FALSE, 0);
    }
  return TRUE;
}

/* ---- fairness ---- */

static void
interval_text (GString *out, double v, const double ci[2], gboolean percent)
{
  double k = percent ? 100 : 1;
  if (isnan (v))
    {
      g_string_append (out, "—");
      return;
    }
  g_string_append_printf (out, percent ? "%.1f" : "%.3f", k * v);
  if (!isnan (ci[0]) && !isnan (ci[1]))
    g_string_append_printf (out, percent ? " [%.1f, %.1f]" : " [%.3f, %.3f]", k * ci[0], k * ci[1]);
}

/* Selection rate per group with its interval, and the four-fifths line. */
static void
selection_chart (Page *p, const CxFairnessBreakdown *b)
{
  const CxFairnessGroup *ref = &b->groups[b->reference];
  double label_w = 150, x0 = MARGIN + label_w, w = PAGE_W - 2 * MARGIN - label_w - 20, row_h = 14;
  double line = 0.8 * ref->rate[CX_RATE_SELECTION], top;
  guint8 rgb[3];

  need (p, row_h * b->n_groups + 30);
  top = p->y;
  for (int g = 0; g < b->n_groups; g++)
    {
      const CxFairnessGroup *grp = &b->groups[g];
      double v = grp->rate[CX_RATE_SELECTION];
      g_autofree char *label = g_strdup_printf ("%s%s", grp->name, grp->too_small ? " (too few)" : "");

      cairo_select_font_face (p->cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
      cairo_set_font_size (p->cr, 8);
      cairo_set_source_rgb (p->cr, 0.1, 0.1, 0.1);
      cairo_move_to (p->cr, MARGIN, p->y + 10);
      cairo_show_text (p->cr, label);
      if (!isnan (v))
        {
          cx_render_color (CX_COLORMAP_CIVIDIS, CX_SIGN_POSITIVE, grp->too_small ? 0.25 : 0.6, rgb);
          cairo_set_source_rgb (p->cr, rgb[0] / 255.0, rgb[1] / 255.0, rgb[2] / 255.0);
          cairo_rectangle (p->cr, x0, p->y + 3, v * w, row_h - 6);
          cairo_fill (p->cr);
          if (!isnan (grp->rate_ci[CX_RATE_SELECTION][0]))
            {
              double a = x0 + grp->rate_ci[CX_RATE_SELECTION][0] * w;
              double c = x0 + grp->rate_ci[CX_RATE_SELECTION][1] * w;
              cairo_set_source_rgb (p->cr, 0.1, 0.1, 0.1);
              cairo_set_line_width (p->cr, 0.8);
              cairo_move_to (p->cr, a, p->y + row_h / 2);
              cairo_line_to (p->cr, c, p->y + row_h / 2);
              cairo_move_to (p->cr, a, p->y + 4);
              cairo_line_to (p->cr, a, p->y + row_h - 4);
              cairo_move_to (p->cr, c, p->y + 4);
              cairo_line_to (p->cr, c, p->y + row_h - 4);
              cairo_stroke (p->cr);
            }
        }
      p->y += row_h;
    }
  /* The axis, 0 to 100 %, and the four-fifths line. */
  cairo_set_source_rgb (p->cr, 0.4, 0.4, 0.4);
  cairo_set_line_width (p->cr, 0.6);
  cairo_move_to (p->cr, x0, p->y + 2);
  cairo_line_to (p->cr, x0 + w, p->y + 2);
  cairo_stroke (p->cr);
  cairo_set_font_size (p->cr, 7);
  for (int i = 0; i <= 4; i++)
    {
      g_autofree char *tick = g_strdup_printf ("%d %%", i * 25);
      cairo_move_to (p->cr, x0 + w * i / 4.0 - 6, p->y + 11);
      cairo_show_text (p->cr, tick);
    }
  if (!isnan (line))
    {
      static const double dash[] = { 3, 2 };
      cairo_set_source_rgb (p->cr, 0.75, 0.1, 0.1);
      cairo_set_dash (p->cr, dash, 2, 0);
      cairo_move_to (p->cr, x0 + line * w, top);
      cairo_line_to (p->cr, x0 + line * w, p->y + 2);
      cairo_stroke (p->cr);
      cairo_set_dash (p->cr, NULL, 0, 0);
    }
  p->y += 16;
  text (p, "Bars: selection rate (favourable decisions) per group with its 95 % bootstrap interval; "
        "dashed red line: four fifths of the best-off group's rate — a group left of it fails the "
        "four-fifths rule.", 7.5, FALSE, 0);
}

static void
breakdown_section (Page *p, const CxFairnessBreakdown *b, gboolean has_labels)
{
  g_autofree char *title = g_strdup_printf ("By %s", b->name);
  g_autoptr(GString) dp = g_string_new ("Demographic parity: difference ");
  const CxFairnessGroup *ref = &b->groups[b->reference];

  need (p, 60);
  p->y += 6;
  text (p, title, 11, TRUE, 0);
  interval_text (dp, b->disparity[CX_DISPARITY_DP_DIFFERENCE], b->disparity_ci[CX_DISPARITY_DP_DIFFERENCE], FALSE);
  g_string_append (dp, ", ratio ");
  interval_text (dp, b->disparity[CX_DISPARITY_DP_RATIO], b->disparity_ci[CX_DISPARITY_DP_RATIO], FALSE);
  g_string_append (dp, b->four_fifths_failed ? " — FAILS the four-fifths rule (ratio below 0.8)."
                                             : " — meets the four-fifths rule.");
  text (p, dp->str, 8.5, b->four_fifths_failed, 0);
  if (has_labels)
    {
      g_autoptr(GString) eo = g_string_new ("Equalized odds difference ");
      interval_text (eo, b->disparity[CX_DISPARITY_EO_DIFFERENCE], b->disparity_ci[CX_DISPARITY_EO_DIFFERENCE], FALSE);
      g_string_append (eo, "; equal opportunity difference ");
      interval_text (eo, b->disparity[CX_DISPARITY_EOP_DIFFERENCE], b->disparity_ci[CX_DISPARITY_EOP_DIFFERENCE], FALSE);
      g_string_append_c (eo, '.');
      text (p, eo->str, 8.5, FALSE, 0);
    }
  {
    g_autofree char *refline = g_strdup_printf ("Reference (best-off) group: %s.", ref->name);
    text (p, refline, 8.5, FALSE, 0);
  }
  p->y += 4;
  selection_chart (p, b);
  p->y += 2;
  for (int g = 0; g < b->n_groups; g++)
    {
      const CxFairnessGroup *grp = &b->groups[g];
      g_autoptr(GString) line = g_string_new (NULL);
      g_string_append_printf (line, "%s: n = %" G_GINT64_FORMAT "%s; selection rate (%%) ", grp->name, grp->n,
                              grp->too_small ? " (too few to conclude)" : "");
      interval_text (line, grp->rate[CX_RATE_SELECTION], grp->rate_ci[CX_RATE_SELECTION], TRUE);
      if (has_labels)
        {
          g_string_append (line, "; accuracy (%) ");
          interval_text (line, grp->rate[CX_RATE_ACCURACY], grp->rate_ci[CX_RATE_ACCURACY], TRUE);
          g_string_append (line, "; TPR (%) ");
          interval_text (line, grp->rate[CX_RATE_TPR], grp->rate_ci[CX_RATE_TPR], TRUE);
          g_string_append (line, "; FPR (%) ");
          interval_text (line, grp->rate[CX_RATE_FPR], grp->rate_ci[CX_RATE_FPR], TRUE);
        }
      g_string_append (line, "; ratio to reference ");
      interval_text (line, grp->ratio[CX_RATE_SELECTION], grp->ratio_ci[CX_RATE_SELECTION], FALSE);
      text (p, line->str, 7.5, FALSE, 8);
    }
}

/* Groups × columns: mean |attribution|, shaded on one scale per breakdown. */
static void
attribution_table (Page *p, const CxFairnessReport *r, const CxFairnessBreakdown *b)
{
  int C = r->n_attribution_columns;
  double label_w = 110, cell_w = MIN (40.0, (PAGE_W - 2 * MARGIN - label_w) / MAX (C, 1)), row_h = 14;
  double hi = 0;

  for (int g = 0; g < b->n_groups; g++)
    for (int c = 0; b->groups[g].attribution != NULL && c < C; c++)
      hi = MAX (hi, b->groups[g].attribution[c]);
  need (p, row_h * (b->n_groups + 1) + 70);
  p->y += 4;
  cairo_set_font_size (p->cr, 6.5);
  for (int c = 0; c < C; c++)
    {
      cairo_save (p->cr);
      cairo_set_source_rgb (p->cr, 0.1, 0.1, 0.1);
      cairo_move_to (p->cr, MARGIN + label_w + c * cell_w + cell_w / 2 + 2, p->y + 50);
      cairo_rotate (p->cr, -G_PI / 3);
      cairo_show_text (p->cr, r->attribution_columns[c]);
      cairo_restore (p->cr);
    }
  p->y += 54;
  for (int g = 0; g < b->n_groups; g++)
    {
      const CxFairnessGroup *grp = &b->groups[g];
      cairo_set_font_size (p->cr, 8);
      cairo_set_source_rgb (p->cr, 0.1, 0.1, 0.1);
      cairo_move_to (p->cr, MARGIN, p->y + 10);
      cairo_show_text (p->cr, grp->name);
      for (int c = 0; grp->attribution != NULL && c < C; c++)
        {
          double v = hi > 0 ? grp->attribution[c] / hi : 0;
          g_autofree char *num = g_strdup_printf ("%.2f", grp->attribution[c]);
          guint8 rgb[3];
          cx_render_color (CX_COLORMAP_VIRIDIS, CX_SIGN_POSITIVE, v, rgb);
          cairo_set_source_rgb (p->cr, rgb[0] / 255.0, rgb[1] / 255.0, rgb[2] / 255.0);
          cairo_rectangle (p->cr, MARGIN + label_w + c * cell_w, p->y, cell_w - 1, row_h - 1);
          cairo_fill (p->cr);
          cairo_set_font_size (p->cr, 6);
          if (v > 0.55)
            cairo_set_source_rgb (p->cr, 0.05, 0.05, 0.05);
          else
            cairo_set_source_rgb (p->cr, 1, 1, 1);
          cairo_move_to (p->cr, MARGIN + label_w + c * cell_w + 3, p->y + 9);
          cairo_show_text (p->cr, num);
        }
      p->y += row_h;
    }
  p->y += 4;
}

static gboolean
fairness_section (Page *p, const CxSession *s, const CxModel *m, const Table *t, GError **error)
{
  CxFairnessParams fp;
  g_autoptr(CxFairnessReport) r = NULL;
  g_autoptr(GPtrArray) sensitive = g_ptr_array_new ();
  g_autofree char *intro = NULL;

  cx_fairness_params_init (&fp);
  fp.threshold = s->threshold;
  fp.resamples = s->bootstrap;
  fp.seed = s->seed;
  fp.n_threads = 1;
  for (guint i = 0; s->sensitive != NULL && i < s->sensitive->len; i++)
    g_ptr_array_add (sensitive, s->sensitive->pdata[i]);
  g_ptr_array_add (sensitive, NULL);
  r = cx_fairness_run (m, t->schema, t->csv, t->x,
                       sensitive->len > 1 ? (const char *const *) sensitive->pdata : NULL, &fp, error);
  if (r == NULL)
    return FALSE;

  new_page (p);
  heading (p, "Fairness by subgroup");
  intro = g_strdup_printf (
    "All %" G_GINT64_FORMAT " rows of the table, decided favourably when the probability of the "
    "favourable output is at least %.2f. Rates are Fairlearn's; intervals are 95 %% percentile-"
    "bootstrap intervals from %d resamples (seed %" G_GUINT64_FORMAT "). Groups under %d rows are "
    "too few to conclude from.", r->n_rows, fp.threshold, fp.resamples, fp.seed, fp.min_group_size);
  text (p, intro, 8.5, FALSE, 0);
  {
    g_autoptr(GString) overall = g_string_new ("Overall: selection rate (%) ");
    interval_text (overall, r->overall.rate[CX_RATE_SELECTION], r->overall.rate_ci[CX_RATE_SELECTION], TRUE);
    if (r->has_labels)
      {
        g_string_append (overall, "; accuracy (%) ");
        interval_text (overall, r->overall.rate[CX_RATE_ACCURACY], r->overall.rate_ci[CX_RATE_ACCURACY], TRUE);
      }
    text (p, overall->str, 8.5, FALSE, 0);
  }
  for (int i = 0; i < r->n_breakdowns; i++)
    breakdown_section (p, &r->breakdowns[i], r->has_labels);
  if (r->attribution_columns != NULL)
    {
      g_autofree char *what = g_strdup_printf (
        "Mean |integrated gradients| of each raw column for the favourable output, per group (%"
        G_GINT64_FORMAT " rows explained, %d points, baseline the data's mean row). A column that "
        "matters for one group only may stand in for group membership.", r->attribution_rows, fp.ig_steps);
      new_page (p);
      heading (p, "What drives decisions, by subgroup");
      text (p, what, 8.5, FALSE, 0);
      for (int i = 0; i < r->n_breakdowns; i++)
        {
          g_autofree char *title = g_strdup_printf ("By %s", r->breakdowns[i].name);
          need (p, 90);
          p->y += 6;
          text (p, title, 10, TRUE, 0);
          attribution_table (p, r, &r->breakdowns[i]);
        }
    }
  return TRUE;
}

typedef struct
{
  CxExplainParams params;
} SanityClosure;

static CxTensor *
sanity_attr (const CxModel *model, const CxTensor *x, gpointer data, GError **error)
{
  SanityClosure *c = data;
  g_autoptr(CxExplanation) e = cx_explain (model, x, &c->params, error);
  return e ? g_steal_pointer (&e->attribution) : NULL;
}

static gboolean
sanity_section (Page *p, const CxSession *s, const CxModel *m, const CxTensor *x, GError **error)
{
  g_autoptr(CxTensor) out = NULL;
  const CxMethod methods[2] = { CX_METHOD_SALIENCY, CX_METHOD_IG };
  int64_t target;

  out = cx_engine_predict (m, x, 0, NULL, error);
  if (out == NULL)
    return FALSE;
  target = out->numel == 1 ? 0 : cx_argmax_row (out, 0);
  new_page (p);
  heading (p, "Sanity check: model-parameter randomisation");
  text (p, "Following Adebayo et al. (2018), the weights are re-initialised layer by layer from the "
        "output down and the attribution is computed again. A trustworthy explanation changes as the "
        "model is destroyed: its rank correlation with the original falls (pass: |ρ| < 0.5 once every "
        "layer is random). An explanation that stays the same is not explaining the model.", 9, FALSE, 0);
  for (int i = 0; i < 2; i++)
    {
      SanityClosure c;
      g_autoptr(CxSanityResult) r = NULL;
      g_autofree char *title = NULL;
      params_from_session (s, p->mean, methods[i], target, &c.params);
      r = cx_sanity_run (m, x, sanity_attr, &c, s->seed, error);
      if (r == NULL)
        return FALSE;
      title = g_strdup_printf ("%s: %s", i == 0 ? "Saliency" : "Integrated gradients",
                               r->passed ? "PASSED" : "FAILED — do not rely on this method here");
      p->y += 6;
      text (p, title, 10, TRUE, 0);
      for (int k = 0; k < r->n_steps; k++)
        {
          g_autofree char *line = g_strdup_printf ("randomised through %s: Spearman ρ = %.3f, SSIM = %.3f",
                                                   r->layers[k], r->spearman[k], r->ssim[k]);
          text (p, line, 8.5, FALSE, 10);
        }
    }
  return TRUE;
}

gboolean
cx_report_write (const CxSession *s, const char *session_path, const char *out_pdf,
                 CxProgressFunc progress, gpointer progress_data, int *n_pages, GError **error)
{
  g_autofree char *model_path = cx_session_resolve (session_path, s->model_path);
  g_autofree char *data_path = cx_session_resolve (session_path, s->data_path);
  g_autoptr(CxModel) m = NULL;
  g_autoptr(CxTensor) mean = NULL;
  g_autoptr(GByteArray) pdf = g_byte_array_new ();
  g_auto(GStrv) classes = NULL;
  g_autofree char *changed = NULL;
  g_autofree char *foot = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *when = g_date_time_format (now, "%Y-%m-%d %H:%M UTC");
  cairo_surface_t *surface;
  Page p = { 0 };
  gboolean ok = TRUE;
  guint total = s->selected->len + 2;
  g_auto(Table) table = { 0 };
  g_autoptr(CxTensor) sanity_x = NULL;

  m = cx_model_load (model_path, NULL, error);
  if (m == NULL)
    return FALSE;
  classes = cx_model_class_names (m);
  changed = cx_session_check_files (s, session_path);
  if (g_strcmp0 (s->ig_baseline, "mean") == 0 && data_path != NULL
      && g_file_test (data_path, G_FILE_TEST_IS_DIR))
    {
      /* The mean of the images the app opens from that folder. */
      g_auto(GStrv) images = cx_input_list_images (data_path, REPORT_MAX_IMAGES, error);
      mean = images ? cx_input_mean (m, (const char *const *) images, NULL, NULL, error) : NULL;
      if (mean == NULL)
        return FALSE;
    }

  surface = cairo_pdf_surface_create_for_stream (append_bytes, pdf, PAGE_W, PAGE_H);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, "Candor report");
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Candor " CANDOR_VERSION);
  p.cr = cairo_create (surface);
  p.mean = mean;
  foot = g_strdup_printf ("Candor %s — %s — model %.16s…  Rebuild: candor-cli report --session %s",
                          CANDOR_VERSION, when, m->sha256, session_path ? session_path : "SESSION");
  p.footer = foot;
  new_page (&p);
  text (&p, "Candor report", 22, TRUE, 0);
  text (&p, when, 10, FALSE, 0);
  if (changed != NULL)
    {
      g_autofree char *warn = g_strdup_printf ("WARNING: files changed since the session was saved: %s", changed);
      text (&p, warn, 10, TRUE, 0);
    }
  model_card (&p, m);
  heading (&p, "Inputs");
  kv (&p, "Data", s->data_path ? s->data_path : "(none)");
  if (s->data_sha256)
    kv (&p, "Data SHA-256", s->data_sha256);
  if (s->schema_path)
    kv (&p, "Schema", s->schema_path);
  {
    g_autofree char *n = g_strdup_printf ("%u", s->selected->len);
    kv (&p, "Selected samples", n);
  }

  if (data_path != NULL && g_str_has_suffix (data_path, ".csv"))
    {
      ok = table_load (&table, s, session_path, m, data_path, error);
    }
  for (guint i = 0; ok && i < s->selected->len; i++)
    {
      const char *id = s->selected->pdata[i];
      g_autofree char *sample_path = NULL;
      int64_t row;

      if (table.csv != NULL)
        {
          if (!parse_row_id (id, &table, &row))
            {
              g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT, "%s: sample '%s' is not a row of %s",
                           session_path, id, data_path);
              ok = FALSE;
              break;
            }
          ok = row_section (&p, s, session_path, m, &table, row, id, classes, error);
          if (ok && sanity_x == NULL)
            sanity_x = cx_schema_encode_row (table.schema, table.csv, row, error);
        }
      else
        {
          if (strstr (id, "/") != NULL || strstr (id, "..") != NULL)
            {
              g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT, "%s: sample '%s' is not a file name",
                           session_path, id);
              ok = FALSE;
              break;
            }
          sample_path = data_path ? g_build_filename (data_path, id, NULL) : g_strdup (id);
          ok = sample_section (&p, s, m, sample_path, id, classes, error);
          if (ok && sanity_x == NULL)
            sanity_x = cx_input_load (m, sample_path, NULL, error);
        }
      if (ok && progress && !progress ((double) (i + 1) / total, progress_data))
        {
          g_set_error (error, CX_ERROR, CX_ERROR_CANCELLED, "cancelled");
          ok = FALSE;
        }
    }
  if (ok && table.csv != NULL && (table.schema->sensitive[0] != NULL
                                  || (s->sensitive != NULL && s->sensitive->len > 0)))
    ok = fairness_section (&p, s, m, &table, error);
  if (ok && sanity_x != NULL)
    ok = sanity_section (&p, s, m, sanity_x, error);
  if (ok)
    {
      new_page (&p);
      heading (&p, "Findings");
      if (s->findings->len == 0)
        text (&p, "The reviewer recorded no findings.", 10, FALSE, 0);
      for (guint i = 0; i < s->findings->len; i++)
        {
          const CxFinding *f = s->findings->pdata[i];
          g_autofree char *head = g_strdup_printf ("%u. %s (%s)", i + 1, f->sample, f->created);
          text (&p, head, 10, TRUE, 0);
          text (&p, f->note, 10, FALSE, 12);
          p.y += 4;
        }
      footer (&p);
      cairo_show_page (p.cr);
    }
  cairo_destroy (p.cr);
  cairo_surface_finish (surface);
  if (ok && cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_IO, "%s: cannot render the PDF: %s", out_pdf,
                   cairo_status_to_string (cairo_surface_status (surface)));
      ok = FALSE;
    }
  cairo_surface_destroy (surface);
  if (!ok)
    return FALSE;
  if (n_pages)
    *n_pages = p.page;
  return cx_atomic_write (out_pdf, pdf->data, pdf->len, error);
}
