/* candor-bar-chart.c: signed horizontal bars, one per labelled item.
 *
 * Labels on the left, a zero axis in the middle of the plot, each bar
 * coloured from the engine's diverging colour-blind-safe map (ColorBrewer
 * RdBu through cx_render_color, as the maps and the colour bar) by sign
 * and size, its value written at its end. A legend over each half says in
 * words what that side means. Pointing at a row shows its exact value.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "candor-bar-chart.h"
#include "render.h"

#define LABEL_GAP 12      /* between the labels and the plot */
#define VALUE_GAP 6       /* between a bar's end and its value */
#define SWATCH 10
/* Even the smallest bar keeps this much colour, so it stays visible; on a
 * dark background the map's darkest ends would vanish, so they are left out. */
#define MIN_INTENSITY 0.4
#define MAX_INTENSITY_DARK 0.8

struct _CandorBarChart
{
  GtkWidget parent_instance;

  /* owned */
  GPtrArray *labels;        /* char * */
  GArray *values;           /* double */
  char *positive_text;
  char *negative_text;
  PangoLayout *layout;
  GskRenderNode *cache;     /* everything but the hover highlight */

  /* the cache's geometry and colour, to know when it is stale */
  int cache_width;
  int cache_height;
  GdkRGBA cache_fg;

  int hover;                /* row under the pointer, or −1 */
};

G_DEFINE_FINAL_TYPE (CandorBarChart, candor_bar_chart, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_POSITIVE_TEXT,
  PROP_NEGATIVE_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Where the legend goes: over the halves of the plot it describes when
 * both fit, else on one line, else on two. */
typedef enum
{
  LEGEND_NONE,
  LEGEND_HALVES,
  LEGEND_ONE_LINE,
  LEGEND_TWO_LINES,
} LegendMode;

typedef struct
{
  LegendMode legend;
  int text_height;
  int row_height;
  int bar_height;
  int legend_height;
  int label_width;          /* labels are ellipsized to this */
  int value_width;          /* room kept for a value beside a bar */
  double axis_x;
  double half;              /* the longest bar */
  double max;               /* the largest |value| */
} Geometry;

/* "+0.265", "−0.0793": three significant digits, a real minus sign. */
static char *
format_value (double v,
              int    digits)
{
  g_autofree char *magnitude = g_strdup_printf ("%.*g", digits, fabs (v));

  if (v == 0 || g_str_equal (magnitude, "0"))
    return g_strdup ("0");
  return g_strconcat (v > 0 ? "+" : "−", magnitude, NULL);
}

/* Stores a copy of @text; FALSE when it was already there. */
static gboolean
replace_text (char       **field,
              const char  *text)
{
  if (g_strcmp0 (*field, text) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (text);
  return TRUE;
}

static PangoLayout *
get_layout (CandorBarChart *self)
{
  if (self->layout == NULL)
    self->layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  pango_layout_set_width (self->layout, -1);
  pango_layout_set_ellipsize (self->layout, PANGO_ELLIPSIZE_NONE);
  return self->layout;
}

static int
text_width (CandorBarChart *self,
            const char     *text)
{
  PangoLayout *layout = get_layout (self);
  int w;

  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &w, NULL);
  return w;
}

static void
compute_geometry (CandorBarChart *self,
                  int             width,
                  Geometry       *g)
{
  PangoLayout *layout = get_layout (self);
  int widest_label = 0, widest_value = 0, plot;

  pango_layout_set_text (layout, "Ag", -1);
  pango_layout_get_pixel_size (layout, NULL, &g->text_height);
  g->row_height = MAX (24, g->text_height + 10);
  g->bar_height = g->row_height - 10;
  g->max = 0;
  for (guint i = 0; i < self->values->len; i++)
    {
      double v = g_array_index (self->values, double, i);
      g_autofree char *text = format_value (v, 3);

      g->max = MAX (g->max, fabs (v));
      widest_label = MAX (widest_label, text_width (self, g_ptr_array_index (self->labels, i)));
      widest_value = MAX (widest_value, text_width (self, text));
    }
  if (!(g->max > 0))
    g->max = 1;
  g->label_width = MIN (widest_label, (int) (0.4 * width));
  g->value_width = widest_value + VALUE_GAP;
  plot = MAX (0, width - g->label_width - LABEL_GAP);
  g->axis_x = g->label_width + LABEL_GAP + plot / 2.0;
  g->half = MAX (4.0, plot / 2.0 - g->value_width);

  {
    int neg = self->negative_text ? text_width (self, self->negative_text) + SWATCH + 6 : 0;
    int pos = self->positive_text ? text_width (self, self->positive_text) + SWATCH + 6 : 0;
    int line = g->text_height + 6;

    if (neg == 0 && pos == 0)
      g->legend = LEGEND_NONE;
    else if (neg + 8 <= g->axis_x - g->label_width - LABEL_GAP && pos + 8 <= width - g->axis_x)
      g->legend = LEGEND_HALVES;
    else if (neg + pos + 24 <= width)
      g->legend = LEGEND_ONE_LINE;
    else
      g->legend = LEGEND_TWO_LINES;
    g->legend_height = g->legend == LEGEND_NONE ? 0
                     : g->legend == LEGEND_TWO_LINES ? 2 * line + 8 : line + 8;
  }
}

/* A light foreground means a dark background. */
static gboolean
is_dark (const GdkRGBA *fg)
{
  return 0.2126 * fg->red + 0.7152 * fg->green + 0.0722 * fg->blue > 0.5;
}

/* The colour of a bar: its sign, deeper the larger it is. */
static void
bar_color (double         v,
           double         max,
           const GdkRGBA *fg,
           GdkRGBA       *color)
{
  double t = MIN (fabs (v) / max, 1.0);
  double hi = is_dark (fg) ? MAX_INTENSITY_DARK : 1.0;
  double s = (v < 0 ? -1 : 1) * (MIN_INTENSITY + (hi - MIN_INTENSITY) * t);
  guint8 rgb[3];

  cx_render_color (CX_COLORMAP_DIVERGING, CX_SIGN_ALL, s, rgb);
  *color = (GdkRGBA) { rgb[0] / 255.f, rgb[1] / 255.f, rgb[2] / 255.f, 1.f };
}

static void
append_text (CandorBarChart *self,
             GtkSnapshot    *snapshot,
             const char     *text,
             double          x,
             double          y,
             int             max_width,
             float           xalign,
             const GdkRGBA  *color)
{
  PangoLayout *layout = get_layout (self);
  int w, h;

  pango_layout_set_text (layout, text, -1);
  if (max_width > 0)
    {
      pango_layout_set_width (layout, max_width * PANGO_SCALE);
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
    }
  pango_layout_get_pixel_size (layout, &w, &h);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((float) (x - xalign * w), (float) (y - h / 2.0)));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
append_rounded (GtkSnapshot     *snapshot,
                const GdkRGBA   *color,
                graphene_rect_t *rect,
                float            radius)
{
  GskRoundedRect clip;

  gsk_rounded_rect_init_from_rect (&clip, rect, radius);
  gtk_snapshot_push_rounded_clip (snapshot, &clip);
  gtk_snapshot_append_color (snapshot, color, rect);
  gtk_snapshot_pop (snapshot);
}

/* A swatch of @v's colour and @text from @x, centred on @y; returns the
 * x after it. */
static double
append_key (CandorBarChart *self,
            GtkSnapshot    *snapshot,
            double          v,
            const char     *text,
            double          x,
            double          y,
            int             max_width,
            const GdkRGBA  *fg)
{
  GdkRGBA color;

  /* The key shows a strong bar's colour. */
  bar_color (v * 0.8, 1, fg, &color);
  append_rounded (snapshot, &color,
                  &GRAPHENE_RECT_INIT ((float) x, (float) (y - SWATCH / 2.0), SWATCH, SWATCH), 2);
  append_text (self, snapshot, text, x + SWATCH + 6, y, MAX (max_width - SWATCH - 6, 1), 0.f, fg);
  return x + SWATCH + 6 + text_width (self, text);
}

static void
draw_legend (CandorBarChart *self,
             GtkSnapshot    *snapshot,
             const Geometry *g,
             int             width,
             const GdkRGBA  *fg)
{
  double line = g->text_height + 6, y = line / 2.0;
  const char *neg = self->negative_text, *pos = self->positive_text;

  switch (g->legend)
    {
    case LEGEND_HALVES:
      /* Each key over the side it describes, against the axis. */
      if (neg != NULL)
        append_key (self, snapshot, -1, neg, g->axis_x - 8 - SWATCH - 6 - text_width (self, neg), y, width, fg);
      if (pos != NULL)
        append_key (self, snapshot, 1, pos, g->axis_x + 8, y, width, fg);
      break;
    case LEGEND_ONE_LINE:
      {
        double x = 0;
        if (neg != NULL)
          x = append_key (self, snapshot, -1, neg, 0, y, width, fg) + 24;
        if (pos != NULL)
          append_key (self, snapshot, 1, pos, x, y, (int) (width - x), fg);
      }
      break;
    case LEGEND_TWO_LINES:
      if (pos != NULL)
        append_key (self, snapshot, 1, pos, 0, y, width, fg);
      if (neg != NULL)
        append_key (self, snapshot, -1, neg, 0, y + line, width, fg);
      break;
    case LEGEND_NONE:
    default:
      break;
    }
}

static GskRenderNode *
draw_static (CandorBarChart *self,
             int             width,
             int             height,
             const GdkRGBA  *fg)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GdkRGBA dim = *fg, axis = *fg;
  Geometry g;

  dim.alpha *= 0.7f;
  axis.alpha *= 0.35f;
  compute_geometry (self, width, &g);
  draw_legend (self, snapshot, &g, width, fg);

  for (guint i = 0; i < self->values->len; i++)
    {
      double v = g_array_index (self->values, double, i);
      double y = g.legend_height + i * (double) g.row_height;
      double mid = y + g.row_height / 2.0;
      double len = fabs (v) / g.max * g.half;
      double x0 = v < 0 ? g.axis_x - len : g.axis_x;
      g_autofree char *value = format_value (v, 3);
      GdkRGBA color;

      append_text (self, snapshot, g_ptr_array_index (self->labels, i), 0, mid, g.label_width, 0.f, fg);
      bar_color (v, g.max, fg, &color);
      if (len >= 0.5)
        append_rounded (snapshot, &color,
                        &GRAPHENE_RECT_INIT ((float) x0, (float) (mid - g.bar_height / 2.0),
                                             (float) len, (float) g.bar_height), 3);
      if (v < 0)
        append_text (self, snapshot, value, g.axis_x - len - VALUE_GAP, mid, 0, 1.f, &dim);
      else
        append_text (self, snapshot, value, g.axis_x + len + VALUE_GAP, mid, 0, 0.f, &dim);
    }
  if (self->values->len > 0)
    gtk_snapshot_append_color (snapshot, &axis,
                               &GRAPHENE_RECT_INIT ((float) floor (g.axis_x), (float) g.legend_height - 4,
                                                    1, (float) (height - g.legend_height + 4)));
  return gtk_snapshot_free_to_node (snapshot);
}

static void
get_fg (GtkWidget *widget,
        GdkRGBA   *fg)
{
G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), fg);
G_GNUC_END_IGNORE_DEPRECATIONS
}

static void
candor_bar_chart_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  CandorBarChart *self = CANDOR_BAR_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GdkRGBA fg;

  if (width <= 0 || height <= 0)
    return;
  get_fg (widget, &fg);
  if (self->cache != NULL
      && (self->cache_width != width || self->cache_height != height || !gdk_rgba_equal (&fg, &self->cache_fg)))
    g_clear_pointer (&self->cache, gsk_render_node_unref);
  if (self->cache == NULL)
    {
      self->cache = draw_static (self, width, height, &fg);
      self->cache_width = width;
      self->cache_height = height;
      self->cache_fg = fg;
    }

  if (self->hover >= 0 && (guint) self->hover < self->values->len)
    {
      Geometry g;
      GdkRGBA shade = fg;

      compute_geometry (self, width, &g);
      shade.alpha *= 0.07f;
      append_rounded (snapshot, &shade,
                      &GRAPHENE_RECT_INIT (-6, (float) (g.legend_height + self->hover * g.row_height),
                                           (float) width + 12, (float) g.row_height), 6);
    }
  if (self->cache != NULL)
    gtk_snapshot_append_node (snapshot, self->cache);
}

static void
candor_bar_chart_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  CandorBarChart *self = CANDOR_BAR_CHART (widget);
  Geometry g;

  compute_geometry (self, for_size > 0 ? for_size : 480, &g);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 240;
      *natural = 480;
    }
  else
    *minimum = *natural = g.legend_height + (int) self->values->len * g.row_height;
}

static int
row_at (CandorBarChart *self,
        double          y)
{
  Geometry g;
  int row;

  compute_geometry (self, MAX (gtk_widget_get_width (GTK_WIDGET (self)), 1), &g);
  if (y < g.legend_height)
    return -1;
  row = (int) ((y - g.legend_height) / g.row_height);
  return row < (int) self->values->len ? row : -1;
}

static void
set_hover (CandorBarChart *self,
           int             hover)
{
  if (self->hover == hover)
    return;
  self->hover = hover;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_motion (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           CandorBarChart           *self)
{
  set_hover (self, row_at (self, y));
}

static void
on_leave (GtkEventControllerMotion *motion,
          CandorBarChart           *self)
{
  set_hover (self, -1);
}

/* "+0.2647 · pushes towards approve": the exact value and what it means. */
static char *
describe_value (CandorBarChart *self,
                double          v)
{
  g_autofree char *value = format_value (v, 4);
  const char *meaning = v > 0 ? self->positive_text : v < 0 ? self->negative_text : NULL;

  if (meaning == NULL)
    return g_steal_pointer (&value);
  /* Translators: a bar's value and what its sign means */
  return g_strdup_printf (_("%s · %s"), value, meaning);
}

static gboolean
on_query_tooltip (GtkWidget      *widget,
                  int             x,
                  int             y,
                  gboolean        keyboard,
                  GtkTooltip     *tooltip,
                  CandorBarChart *self)
{
  int row = keyboard ? self->hover : row_at (self, y);
  g_autofree char *value = NULL;
  g_autofree char *text = NULL;

  if (row < 0)
    return FALSE;
  value = describe_value (self, g_array_index (self->values, double, row));
  text = g_strdup_printf ("%s\n%s", (const char *) g_ptr_array_index (self->labels, row), value);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

char *
candor_bar_chart_dup_summary (CandorBarChart *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_val_if_fail (CANDOR_IS_BAR_CHART (self), NULL);

  for (guint i = 0; i < self->values->len; i++)
    {
      g_autofree char *value = describe_value (self, g_array_index (self->values, double, i));

      if (i > 0)
        g_string_append (text, "; ");
      /* Translators: one bar in the chart's text summary: label, value */
      g_string_append_printf (text, _("%s: %s"), (const char *) g_ptr_array_index (self->labels, i), value);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
update_accessible (CandorBarChart *self)
{
  g_autofree char *summary = candor_bar_chart_dup_summary (self);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, summary, -1);
}

static void
invalidate (CandorBarChart *self,
            gboolean        resize)
{
  g_clear_pointer (&self->cache, gsk_render_node_unref);
  if (resize)
    gtk_widget_queue_resize (GTK_WIDGET (self));
  else
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
candor_bar_chart_css_changed (GtkWidget         *widget,
                              GtkCssStyleChange *change)
{
  CandorBarChart *self = CANDOR_BAR_CHART (widget);

  GTK_WIDGET_CLASS (candor_bar_chart_parent_class)->css_changed (widget, change);
  /* The font or the colours may have changed. */
  g_clear_object (&self->layout);
  invalidate (self, TRUE);
}

static void
candor_bar_chart_dispose (GObject *object)
{
  CandorBarChart *self = CANDOR_BAR_CHART (object);

  g_clear_object (&self->layout);
  g_clear_pointer (&self->cache, gsk_render_node_unref);
  G_OBJECT_CLASS (candor_bar_chart_parent_class)->dispose (object);
}

static void
candor_bar_chart_finalize (GObject *object)
{
  CandorBarChart *self = CANDOR_BAR_CHART (object);

  g_ptr_array_unref (self->labels);
  g_array_unref (self->values);
  g_free (self->positive_text);
  g_free (self->negative_text);
  G_OBJECT_CLASS (candor_bar_chart_parent_class)->finalize (object);
}

static void
candor_bar_chart_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  CandorBarChart *self = CANDOR_BAR_CHART (object);

  switch (prop_id)
    {
    case PROP_POSITIVE_TEXT:
      g_value_set_string (value, self->positive_text);
      break;
    case PROP_NEGATIVE_TEXT:
      g_value_set_string (value, self->negative_text);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
candor_bar_chart_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  CandorBarChart *self = CANDOR_BAR_CHART (object);

  switch (prop_id)
    {
    case PROP_POSITIVE_TEXT:
      candor_bar_chart_set_positive_text (self, g_value_get_string (value));
      break;
    case PROP_NEGATIVE_TEXT:
      candor_bar_chart_set_negative_text (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
candor_bar_chart_class_init (CandorBarChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = candor_bar_chart_dispose;
  object_class->finalize = candor_bar_chart_finalize;
  object_class->get_property = candor_bar_chart_get_property;
  object_class->set_property = candor_bar_chart_set_property;

  widget_class->snapshot = candor_bar_chart_snapshot;
  widget_class->measure = candor_bar_chart_measure;
  widget_class->css_changed = candor_bar_chart_css_changed;

  properties[PROP_POSITIVE_TEXT] =
    g_param_spec_string ("positive-text", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NEGATIVE_TEXT] =
    g_param_spec_string ("negative-text", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "barchart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
candor_bar_chart_init (CandorBarChart *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();

  self->labels = g_ptr_array_new_with_free_func (g_free);
  self->values = g_array_new (FALSE, FALSE, sizeof (double));
  self->hover = -1;
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip), self);
}

GtkWidget *
candor_bar_chart_new (void)
{
  return g_object_new (CANDOR_TYPE_BAR_CHART, NULL);
}

void
candor_bar_chart_set_bars (CandorBarChart     *self,
                           guint               n,
                           const char * const *labels,
                           const double       *values)
{
  g_return_if_fail (CANDOR_IS_BAR_CHART (self));
  g_return_if_fail (n == 0 || (labels != NULL && values != NULL));

  g_ptr_array_set_size (self->labels, 0);
  g_array_set_size (self->values, 0);
  for (guint i = 0; i < n; i++)
    {
      g_ptr_array_add (self->labels, g_strdup (labels[i] ? labels[i] : ""));
      g_array_append_val (self->values, values[i]);
    }
  self->hover = -1;
  update_accessible (self);
  invalidate (self, TRUE);
}

guint
candor_bar_chart_get_n_bars (CandorBarChart *self)
{
  g_return_val_if_fail (CANDOR_IS_BAR_CHART (self), 0);
  return self->values->len;
}

const char *
candor_bar_chart_get_label (CandorBarChart *self,
                            guint           i)
{
  g_return_val_if_fail (CANDOR_IS_BAR_CHART (self), NULL);
  g_return_val_if_fail (i < self->labels->len, NULL);
  return g_ptr_array_index (self->labels, i);
}

double
candor_bar_chart_get_value (CandorBarChart *self,
                            guint           i)
{
  g_return_val_if_fail (CANDOR_IS_BAR_CHART (self), 0);
  g_return_val_if_fail (i < self->values->len, 0);
  return g_array_index (self->values, double, i);
}

const char *
candor_bar_chart_get_positive_text (CandorBarChart *self)
{
  g_return_val_if_fail (CANDOR_IS_BAR_CHART (self), NULL);
  return self->positive_text;
}

void
candor_bar_chart_set_positive_text (CandorBarChart *self,
                                    const char     *text)
{
  g_return_if_fail (CANDOR_IS_BAR_CHART (self));

  if (!replace_text (&self->positive_text, text))
    return;
  update_accessible (self);
  invalidate (self, TRUE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITIVE_TEXT]);
}

const char *
candor_bar_chart_get_negative_text (CandorBarChart *self)
{
  g_return_val_if_fail (CANDOR_IS_BAR_CHART (self), NULL);
  return self->negative_text;
}

void
candor_bar_chart_set_negative_text (CandorBarChart *self,
                                    const char     *text)
{
  g_return_if_fail (CANDOR_IS_BAR_CHART (self));

  if (!replace_text (&self->negative_text, text))
    return;
  update_accessible (self);
  invalidate (self, TRUE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEGATIVE_TEXT]);
}
