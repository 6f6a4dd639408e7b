/* report.c
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"
#include "report.h"
#include "attribution.h"
#include "atomic-file.h"
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

typedef struct
{
  cairo_t *cr;
  double y;
  int page;
  const char *footer;
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
params_from_session (const CxSession *s, CxMethod method, int64_t target, CxExplainParams *p)
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
    p->baseline = CX_BASELINE_MEAN;
  p->samples = s->smoothgrad_samples;
  p->noise = s->smoothgrad_noise;
  p->window = s->occlusion_window;
  p->stride = s->occlusion_stride;
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
  int64_t pred, k;
  double cell = (PAGE_W - 2 * MARGIN - 20) / 3.0;

  x = cx_input_load (m, sample_path, &sha, error);
  if (x == NULL)
    return FALSE;
  out = cx_engine_predict (m, x, 0, NULL, error);
  if (out == NULL)
    return FALSE;
  prob = cx_output_probabilities (m, 0, out);
  k = prob->numel;
  pred = cx_argmax_row (prob, 0);
  cx_render_options_init (&ro);
  cx_sign_from_name (s->sign, &ro.sign);
  ro.outlier_percent = s->outlier_percent;
  ro.alpha = s->alpha;

  new_page (p);
  title = g_strdup_printf ("Sample %s", sample_id);
  heading (p, title);
  kv (p, "Input SHA-256", sha);
  {
    g_autoptr(GString) top = g_string_new (NULL);
    g_autofree int64_t *order = g_new (int64_t, k);
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
      g_string_append_printf (top, "%s%s %.1f %%", j ? ", " : "",
                              classes && order[j] < (int64_t) g_strv_length (classes) ? classes[order[j]] : "class",
                              100.0 * prob->data.f[order[j]]);
    kv (p, "Prediction (top 3)", top->str);
  }
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
        double threshold, x0 = MARGIN + (i % 3) * (cell + 10), yy = y0 + (i / 3) * (cell + 36);
        int w, h;

        params_from_session (s, grid_methods[i], pred, &ep);
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
            if (e->has_completeness)
              caption = g_strdup_printf ("%s — completeness %.1f %% %s", grid_captions[i],
                                         100 * e->completeness_error,
                                         e->completeness_error <= 0.05 ? "(ok)" : "(FAILS: > 5 %)");
            else
              caption = g_strdup (grid_captions[i]);
          }
        cairo_select_font_face (p->cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
        cairo_set_font_size (p->cr, 8);
        cairo_set_source_rgb (p->cr, 0.1, 0.1, 0.1);
        cairo_move_to (p->cr, x0, yy + cell + 12);
        cairo_show_text (p->cr, caption);
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
sanity_section (Page *p, const CxSession *s, const CxModel *m, const char *sample_path,
                GError **error)
{
  g_autoptr(CxTensor) x = cx_input_load (m, sample_path, NULL, error);
  g_autoptr(CxTensor) out = NULL;
  const CxMethod methods[2] = { CX_METHOD_SALIENCY, CX_METHOD_IG };
  int64_t target;

  if (x == NULL)
    return FALSE;
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
      params_from_session (s, methods[i], target, &c.params);
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

  m = cx_model_load (model_path, NULL, error);
  if (m == NULL)
    return FALSE;
  classes = cx_model_class_names (m);
  changed = cx_session_check_files (s, session_path);

  surface = cairo_pdf_surface_create_for_stream (append_bytes, pdf, PAGE_W, PAGE_H);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, "Candor report");
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Candor " CANDOR_VERSION);
  p.cr = cairo_create (surface);
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
  {
    g_autofree char *n = g_strdup_printf ("%u", s->selected->len);
    kv (&p, "Selected samples", n);
  }

  for (guint i = 0; ok && i < s->selected->len; i++)
    {
      const char *id = s->selected->pdata[i];
      g_autofree char *sample_path = NULL;
      if (strstr (id, "/") != NULL || strstr (id, "..") != NULL)
        {
          g_set_error (error, CX_ERROR, CX_ERROR_ARGUMENT, "%s: sample '%s' is not a file name",
                       session_path, id);
          ok = FALSE;
          break;
        }
      sample_path = data_path ? g_build_filename (data_path, id, NULL) : g_strdup (id);
      ok = sample_section (&p, s, m, sample_path, id, classes, error);
      if (ok && progress && !progress ((double) (i + 1) / total, progress_data))
        {
          g_set_error (error, CX_ERROR, CX_ERROR_CANCELLED, "cancelled");
          ok = FALSE;
        }
    }
  if (ok && s->selected->len > 0)
    {
      g_autofree char *first = data_path ? g_build_filename (data_path, (char *) s->selected->pdata[0], NULL)
                                         : g_strdup (s->selected->pdata[0]);
      ok = sanity_section (&p, s, m, first, error);
    }
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
