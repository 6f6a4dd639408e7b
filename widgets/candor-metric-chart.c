/* candor-metric-chart.c: one rate per group as horizontal bars.
 *
 * The scale is always 0–100 %, so a small gap looks small: a chart that
 * zoomed in on its data would make every difference look dramatic. The
 * bar is pale with a solid mark at the value, and the whisker (the
 * group's interval) is drawn over it in the text colour. Colours come from the engine's
 * colour-blind-safe tables: the bars from viridis, the reference line
 * from the red end of ColorBrewer's RdBu; text and axes use the style's
 * foreground colour, so the chart follows the light and dark styles.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "candor-metric-chart.h"
#include "colormap-data.h"

#define BAR_THICKNESS 14
#define MIN_ROW_HEIGHT 36
#define GAP 10
#define N_TICKS 5

typedef struct
{
  char *label;
  char *detail;
  double value;
  double low, high;
  gboolean faint;
  gboolean warn;
  char *tooltip;
} Bar;

typedef struct
{
  int label_width;
  int value_width;
  float plot_x0, plot_x1;
  int top;                     /* where the first row starts */
  int row_height;
  int small_height;
} Geometry;

struct _CandorMetricChart
{
  GtkWidget parent_instance;

  GArray *bars;                /* Bar */
  double reference;            /* NaN: no line */
  int selected;
  int hovered;
  int focus_row;

  /* owned */
  char *reference_label;
  char *title;
  PangoLayout *layout;         /* group names, values */
  PangoLayout *small;          /* details, ticks */
};

G_DEFINE_FINAL_TYPE (CandorMetricChart, candor_metric_chart, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SELECTED,
  PROP_TITLE,
  N_PROPS
};

enum {
  GROUP_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
bar_clear (gpointer data)
{
  Bar *bar = data;

  g_free (bar->label);
  g_free (bar->detail);
  g_free (bar->tooltip);
}

static char *
format_percent (double v)
{
  /* Translators: a rate as a percentage, e.g. "79.6 %" */
  return g_strdup_printf (_("%.1f %%"), 100.0 * v);
}

/* ---- colours ---- */

static void
get_foreground (GtkWidget *widget,
                GdkRGBA   *fg)
{
G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), fg);
G_GNUC_END_IGNORE_DEPRECATIONS
}

/* A light foreground means a dark style. */
static gboolean
is_dark (const GdkRGBA *fg)
{
  return 0.2126 * fg->red + 0.7152 * fg->green + 0.0722 * fg->blue > 0.5;
}

static GdkRGBA
lut_color (const unsigned char lut[256][3],
           int                 index)
{
  return (GdkRGBA) { lut[index][0] / 255.f, lut[index][1] / 255.f, lut[index][2] / 255.f, 1.f };
}

static GdkRGBA
bar_color (gboolean dark)
{
  return lut_color (cx_lut_viridis, dark ? 132 : 72);
}

static GdkRGBA
reference_color (gboolean dark)
{
  return lut_color (cx_lut_rdbu, dark ? 184 : 228);
}

static GdkRGBA
with_alpha (GdkRGBA c,
            float   alpha)
{
  c.alpha *= alpha;
  return c;
}

/* ---- layout ---- */

static void
ensure_layouts (CandorMetricChart *self)
{
  if (self->layout == NULL)
    {
      PangoAttrList *attrs = pango_attr_list_new ();

      self->layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
      pango_layout_set_ellipsize (self->layout, PANGO_ELLIPSIZE_END);
      self->small = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
      pango_layout_set_ellipsize (self->small, PANGO_ELLIPSIZE_END);
      pango_attr_list_insert (attrs, pango_attr_scale_new (0.85));
      pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum"));
      pango_layout_set_attributes (self->small, attrs);
      pango_attr_list_unref (attrs);
    }
}

static int
text_width (PangoLayout *layout,
            const char  *text)
{
  int w;

  pango_layout_set_width (layout, -1);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &w, NULL);
  return w;
}

static int
line_height (PangoLayout *layout)
{
  int h;

  pango_layout_set_width (layout, -1);
  pango_layout_set_text (layout, "Ag", -1);
  pango_layout_get_pixel_size (layout, NULL, &h);
  return h;
}

static void
compute_geometry (CandorMetricChart *self,
                  int                width,
                  Geometry          *g)
{
  g_autofree char *widest = format_percent (1.0);
  int label_width = 0;

  ensure_layouts (self);
  for (guint i = 0; i < self->bars->len; i++)
    {
      Bar *bar = &g_array_index (self->bars, Bar, i);
      label_width = MAX (label_width, text_width (self->layout, bar->label));
      if (bar->detail != NULL)
        label_width = MAX (label_width, text_width (self->small, bar->detail));
    }
  g->label_width = MIN (label_width + GAP, (int) (width * 0.42));
  g->value_width = text_width (self->layout, widest) + GAP;
  g->plot_x0 = g->label_width + GAP / 2.f;
  g->plot_x1 = MAX (g->plot_x0 + 20.f, width - g->value_width - GAP / 2.f);
  g->small_height = line_height (self->small);
  g->row_height = MAX (MIN_ROW_HEIGHT, line_height (self->layout) + g->small_height + 10);
  g->top = isnan (self->reference) ? 4 : g->small_height + 8;
}

static int
natural_height (CandorMetricChart *self)
{
  Geometry g;

  compute_geometry (self, 400, &g);
  return g.top + (int) self->bars->len * g.row_height + g.small_height + 8;
}

static int
row_at (CandorMetricChart *self,
        double             y)
{
  Geometry g;
  int row;

  compute_geometry (self, gtk_widget_get_width (GTK_WIDGET (self)), &g);
  if (y < g.top)
    return -1;
  row = (int) ((y - g.top) / g.row_height);
  return row < (int) self->bars->len ? row : -1;
}

/* ---- drawing ---- */

static void
append_text (GtkSnapshot   *snapshot,
             PangoLayout   *layout,
             const char    *text,
             float          x,
             float          y,
             float          align,
             int            max_width,
             const GdkRGBA *color)
{
  int w;

  pango_layout_set_width (layout, max_width > 0 ? max_width * PANGO_SCALE : -1);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &w, NULL);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x - align * w, y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
append_rect (GtkSnapshot   *snapshot,
             const GdkRGBA *color,
             float          x,
             float          y,
             float          w,
             float          h)
{
  gtk_snapshot_append_color (snapshot, color, &GRAPHENE_RECT_INIT (x, y, w, h));
}

static void
append_rounded (GtkSnapshot   *snapshot,
                const GdkRGBA *color,
                float          x,
                float          y,
                float          w,
                float          h,
                float          radius)
{
  GskRoundedRect r;

  gsk_rounded_rect_init_from_rect (&r, &GRAPHENE_RECT_INIT (x, y, w, h), MIN (radius, MIN (w, h) / 2));
  gtk_snapshot_push_rounded_clip (snapshot, &r);
  gtk_snapshot_append_color (snapshot, color, &GRAPHENE_RECT_INIT (x, y, w, h));
  gtk_snapshot_pop (snapshot);
}

static void
append_outline (GtkSnapshot   *snapshot,
                const GdkRGBA *color,
                float          x,
                float          y,
                float          w,
                float          h,
                float          radius,
                float          thickness)
{
  GskRoundedRect r;
  float widths[4] = { thickness, thickness, thickness, thickness };
  GdkRGBA colors[4] = { *color, *color, *color, *color };

  gsk_rounded_rect_init_from_rect (&r, &GRAPHENE_RECT_INIT (x, y, w, h), MIN (radius, MIN (w, h) / 2));
  gtk_snapshot_append_border (snapshot, &r, widths, colors);
}

/* The interval as an I-beam, with a halo that keeps it readable on the bar. */
static void
append_whisker (GtkSnapshot   *snapshot,
                float          x0,
                float          x1,
                float          cy,
                const GdkRGBA *ink,
                const GdkRGBA *halo)
{
  const float cap = 10.f, line = 1.5f, pad = 1.f;

  append_rect (snapshot, halo, x0 - pad - line / 2, cy - line / 2 - pad, x1 - x0 + line + 2 * pad, line + 2 * pad);
  append_rect (snapshot, halo, x0 - line / 2 - pad, cy - cap / 2 - pad, line + 2 * pad, cap + 2 * pad);
  append_rect (snapshot, halo, x1 - line / 2 - pad, cy - cap / 2 - pad, line + 2 * pad, cap + 2 * pad);
  append_rect (snapshot, ink, x0, cy - line / 2, x1 - x0, line);
  append_rect (snapshot, ink, x0 - line / 2, cy - cap / 2, line, cap);
  append_rect (snapshot, ink, x1 - line / 2, cy - cap / 2, line, cap);
}

static void
candor_metric_chart_snapshot (GtkWidget   *widget,
                              GtkSnapshot *snapshot)
{
  CandorMetricChart *self = CANDOR_METRIC_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int n = (int) self->bars->len;
  GdkRGBA fg, grid, dim, bar, ref, halo, warning;
  gboolean dark;
  float plot_w, bottom;
  Geometry g;

  if (width <= 0 || n == 0)
    return;
  compute_geometry (self, width, &g);
  get_foreground (widget, &fg);
  dark = is_dark (&fg);
  grid = with_alpha (fg, 0.12f);
  dim = with_alpha (fg, 0.62f);
  bar = bar_color (dark);
  ref = reference_color (dark);
  halo = dark ? (GdkRGBA) { 0.f, 0.f, 0.f, 0.35f } : (GdkRGBA) { 1.f, 1.f, 1.f, 0.6f };
  warning = fg;
G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), "warning_color", &warning);
G_GNUC_END_IGNORE_DEPRECATIONS
  plot_w = g.plot_x1 - g.plot_x0;
  bottom = g.top + n * g.row_height;

  /* Grid and ticks: 0, 25, 50, 75, 100 %. */
  for (int t = 0; t < N_TICKS; t++)
    {
      double v = (double) t / (N_TICKS - 1);
      float x = g.plot_x0 + (float) v * plot_w;
      g_autofree char *text = g_strdup_printf ("%d %%", (int) lround (100 * v));

      append_rect (snapshot, &grid, x - 0.5f, g.top, 1.f, bottom - g.top);
      append_text (snapshot, self->small, text, x, bottom + 4, t == 0 ? 0.f : t == N_TICKS - 1 ? 1.f : 0.5f,
                   -1, &dim);
    }

  for (int i = 0; i < n; i++)
    {
      Bar *b = &g_array_index (self->bars, Bar, i);
      float y0 = g.top + i * g.row_height;
      float cy = y0 + g.row_height / 2.f;
      int h1 = line_height (self->layout);
      float ty = cy - (b->detail ? (h1 + g.small_height) / 2.f : h1 / 2.f);

      if (i == self->selected || i == self->hovered)
        append_rounded (snapshot, &(GdkRGBA) { fg.red, fg.green, fg.blue, i == self->selected ? 0.10f : 0.05f },
                        0, y0 + 1, width, g.row_height - 2, 6);
      if (i == self->selected)
        append_rounded (snapshot, &bar, 0, y0 + 6, 3, g.row_height - 12, 1.5f);
      if (i == self->focus_row && gtk_widget_has_visible_focus (widget))
        append_outline (snapshot, &dim, 0.5f, y0 + 1.5f, width - 1.f, g.row_height - 3.f, 6, 1.f);

      append_text (snapshot, self->layout, b->label, 8, ty, 0.f, g.label_width - 8, &fg);
      if (b->detail != NULL)
        append_text (snapshot, self->small, b->detail, 8, ty + h1, 0.f, g.label_width - 8,
                     b->warn ? &warning : &dim);

      if (isnan (b->value))
        {
          append_text (snapshot, self->small, _("not defined: no rows to measure it on"),
                       g.plot_x0 + 6, cy - g.small_height / 2.f, 0.f, (int) plot_w - 6, &dim);
          continue;
        }
      {
        float w = (float) CLAMP (b->value, 0.0, 1.0) * plot_w;
        g_autofree char *text = format_percent (b->value);

        /* A pale bar ending in a solid mark at the value, so the whisker
         * reads on it; a group too small to conclude is paler still. */
        GdkRGBA fill = with_alpha (bar, b->faint ? 0.14f : dark ? 0.5f : 0.45f);
        float by = cy - BAR_THICKNESS / 2.f;

        append_rounded (snapshot, &fill, g.plot_x0, by, MAX (w, 1.f), BAR_THICKNESS, 3);
        if (b->faint)
          append_outline (snapshot, &bar, g.plot_x0, by, MAX (w, 2.f), BAR_THICKNESS, 3, 1.f);
        append_rect (snapshot, &bar, g.plot_x0 + MAX (w, 3.f) - 3, by - 2, 3, BAR_THICKNESS + 4);
        if (!isnan (b->low) && !isnan (b->high))
          append_whisker (snapshot, g.plot_x0 + (float) CLAMP (b->low, 0.0, 1.0) * plot_w,
                          g.plot_x0 + (float) CLAMP (b->high, 0.0, 1.0) * plot_w, cy, &fg, &halo);
        append_text (snapshot, self->layout, text, width, cy - h1 / 2.f, 1.f, -1, b->faint ? &dim : &fg);
      }
    }

  if (!isnan (self->reference))
    {
      float x = g.plot_x0 + (float) CLAMP (self->reference, 0.0, 1.0) * plot_w;
      int w = self->reference_label ? text_width (self->small, self->reference_label) : 0;
      float lx = CLAMP (x - w / 2.f, g.plot_x0, MAX (g.plot_x0, width - w));

      for (float y = g.top - 2; y < bottom; y += 7)
        append_rect (snapshot, &ref, x - 1, y, 2, MIN (4.f, bottom - y));
      if (self->reference_label != NULL)
        append_text (snapshot, self->small, self->reference_label, lx, 0, 0.f, -1, &ref);
    }
}

/* ---- accessibility ---- */

static void
update_accessible (CandorMetricChart *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < self->bars->len; i++)
    {
      Bar *b = &g_array_index (self->bars, Bar, i);

      if (text->len > 0)
        g_string_append (text, "; ");
      if (isnan (b->value))
        /* Translators: a group whose rate cannot be computed */
        g_string_append_printf (text, _("%s: not defined"), b->label);
      else if (!isnan (b->low) && !isnan (b->high))
        /* Translators: group: rate (interval low to high) */
        g_string_append_printf (text, _("%s: %.1f %% (interval %.1f to %.1f %%)"), b->label,
                                100 * b->value, 100 * b->low, 100 * b->high);
      else
        g_string_append_printf (text, _("%s: %.1f %%"), b->label, 100 * b->value);
      if (b->detail != NULL)
        g_string_append_printf (text, ", %s", b->detail);
    }
  if (!isnan (self->reference) && self->reference_label != NULL)
    g_string_append_printf (text, ". %s", self->reference_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, self->title ? self->title : _("Rates by group"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text->str,
                                  -1);
}

/* ---- input ---- */

static void
set_hovered (CandorMetricChart *self,
             int                row)
{
  if (self->hovered == row)
    return;
  self->hovered = row;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), row >= 0 ? "pointer" : NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           CandorMetricChart        *self)
{
  set_hovered (self, row_at (self, y));
}

static void
on_leave (GtkEventControllerMotion *controller,
          CandorMetricChart        *self)
{
  set_hovered (self, -1);
}

static void
activate_row (CandorMetricChart *self,
              int                row)
{
  if (row < 0 || row >= (int) self->bars->len)
    return;
  self->focus_row = row;
  candor_metric_chart_set_selected (self, row);
  g_signal_emit (self, signals[GROUP_ACTIVATED], 0, (guint) row);
}

static void
on_released (GtkGestureClick   *gesture,
             int                n_press,
             double             x,
             double             y,
             CandorMetricChart *self)
{
  int row = row_at (self, y);

  if (row < 0)
    return;
  gtk_widget_grab_focus (GTK_WIDGET (self));
  activate_row (self, row);
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                CandorMetricChart     *self)
{
  int n = (int) self->bars->len;

  if (n == 0)
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      if (self->focus_row <= 0)
        return FALSE;  /* let focus leave the chart */
      self->focus_row--;
      break;
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      if (self->focus_row >= n - 1)
        return FALSE;
      self->focus_row = MAX (self->focus_row + 1, 0);
      break;
    case GDK_KEY_Home:
      self->focus_row = 0;
      break;
    case GDK_KEY_End:
      self->focus_row = n - 1;
      break;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_space:
      activate_row (self, MAX (self->focus_row, 0));
      return TRUE;
    default:
      return FALSE;
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return TRUE;
}

static gboolean
on_query_tooltip (GtkWidget         *widget,
                  int                x,
                  int                y,
                  gboolean           keyboard,
                  GtkTooltip        *tooltip,
                  CandorMetricChart *self)
{
  int row = keyboard ? self->focus_row : row_at (self, y);
  Bar *b;

  if (row < 0 || row >= (int) self->bars->len)
    return FALSE;
  b = &g_array_index (self->bars, Bar, row);
  if (b->tooltip == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, b->tooltip);
  return TRUE;
}

/* ---- GtkWidget ---- */

static void
candor_metric_chart_measure (GtkWidget      *widget,
                             GtkOrientation  orientation,
                             int             for_size,
                             int            *minimum,
                             int            *natural,
                             int            *minimum_baseline,
                             int            *natural_baseline)
{
  CandorMetricChart *self = CANDOR_METRIC_CHART (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 220;
      *natural = 420;
    }
  else
    *minimum = *natural = self->bars->len > 0 ? natural_height (self) : 0;
}

static void
candor_metric_chart_css_changed (GtkWidget         *widget,
                                 GtkCssStyleChange *change)
{
  CandorMetricChart *self = CANDOR_METRIC_CHART (widget);

  GTK_WIDGET_CLASS (candor_metric_chart_parent_class)->css_changed (widget, change);
  /* The font may have changed. */
  g_clear_object (&self->layout);
  g_clear_object (&self->small);
  gtk_widget_queue_resize (widget);
}

static gboolean
candor_metric_chart_focus (GtkWidget        *widget,
                           GtkDirectionType  direction)
{
  CandorMetricChart *self = CANDOR_METRIC_CHART (widget);

  if (gtk_widget_has_focus (widget) || self->bars->len == 0)
    return FALSE;
  if (self->focus_row < 0)
    self->focus_row = self->selected >= 0 ? self->selected : 0;
  return gtk_widget_grab_focus (widget);
}

static void
candor_metric_chart_dispose (GObject *object)
{
  CandorMetricChart *self = CANDOR_METRIC_CHART (object);

  g_clear_object (&self->layout);
  g_clear_object (&self->small);
  G_OBJECT_CLASS (candor_metric_chart_parent_class)->dispose (object);
}

static void
candor_metric_chart_finalize (GObject *object)
{
  CandorMetricChart *self = CANDOR_METRIC_CHART (object);

  g_array_unref (self->bars);
  g_free (self->reference_label);
  g_free (self->title);
  G_OBJECT_CLASS (candor_metric_chart_parent_class)->finalize (object);
}

static void
candor_metric_chart_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  CandorMetricChart *self = CANDOR_METRIC_CHART (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      g_value_set_int (value, self->selected);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
candor_metric_chart_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  CandorMetricChart *self = CANDOR_METRIC_CHART (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      candor_metric_chart_set_selected (self, g_value_get_int (value));
      break;
    case PROP_TITLE:
      candor_metric_chart_set_title (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
candor_metric_chart_class_init (CandorMetricChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = candor_metric_chart_dispose;
  object_class->finalize = candor_metric_chart_finalize;
  object_class->get_property = candor_metric_chart_get_property;
  object_class->set_property = candor_metric_chart_set_property;

  widget_class->snapshot = candor_metric_chart_snapshot;
  widget_class->measure = candor_metric_chart_measure;
  widget_class->css_changed = candor_metric_chart_css_changed;
  widget_class->focus = candor_metric_chart_focus;

  properties[PROP_SELECTED] =
    g_param_spec_int ("selected", NULL, NULL, -1, G_MAXINT, -1,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CandorMetricChart::group-activated:
   * @index: the group's bar
   *
   * The user clicked a group, or chose it with Enter.
   */
  signals[GROUP_ACTIVATED] =
    g_signal_new ("group-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_set_css_name (widget_class, "metricchart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
candor_metric_chart_init (CandorMetricChart *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *keys = gtk_event_controller_key_new ();

  self->bars = g_array_new (FALSE, TRUE, sizeof (Bar));
  g_array_set_clear_func (self->bars, bar_clear);
  self->reference = NAN;
  self->selected = -1;
  self->hovered = -1;
  self->focus_row = -1;

  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "released", G_CALLBACK (on_released), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip), self);
  update_accessible (self);
}

GtkWidget *
candor_metric_chart_new (void)
{
  return g_object_new (CANDOR_TYPE_METRIC_CHART, NULL);
}

void
candor_metric_chart_set_bars (CandorMetricChart     *self,
                              const CandorMetricBar *bars,
                              guint                  n_bars)
{
  g_return_if_fail (CANDOR_IS_METRIC_CHART (self));
  g_return_if_fail (bars != NULL || n_bars == 0);

  g_array_set_size (self->bars, 0);
  for (guint i = 0; i < n_bars; i++)
    {
      Bar b = {
        .label = g_strdup (bars[i].label ? bars[i].label : ""),
        .detail = g_strdup (bars[i].detail),
        .value = bars[i].value,
        .low = bars[i].low,
        .high = bars[i].high,
        .faint = bars[i].faint,
        .warn = bars[i].warn,
        .tooltip = g_strdup (bars[i].tooltip),
      };
      g_array_append_val (self->bars, b);
    }
  if (self->selected >= (int) n_bars)
    candor_metric_chart_set_selected (self, -1);
  if (self->focus_row >= (int) n_bars)
    self->focus_row = -1;
  self->hovered = -1;
  update_accessible (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

guint
candor_metric_chart_get_n_bars (CandorMetricChart *self)
{
  g_return_val_if_fail (CANDOR_IS_METRIC_CHART (self), 0);
  return self->bars->len;
}

void
candor_metric_chart_set_reference_line (CandorMetricChart *self,
                                        double             value,
                                        const char        *label)
{
  g_return_if_fail (CANDOR_IS_METRIC_CHART (self));

  self->reference = isnan (value) ? NAN : value;
  g_free (self->reference_label);
  self->reference_label = g_strdup (label);
  update_accessible (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

int
candor_metric_chart_get_selected (CandorMetricChart *self)
{
  g_return_val_if_fail (CANDOR_IS_METRIC_CHART (self), -1);
  return self->selected;
}

void
candor_metric_chart_set_selected (CandorMetricChart *self,
                                  int                index)
{
  g_return_if_fail (CANDOR_IS_METRIC_CHART (self));

  if (index < 0 || index >= (int) self->bars->len)
    index = -1;
  if (self->selected == index)
    return;
  self->selected = index;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

const char *
candor_metric_chart_get_title (CandorMetricChart *self)
{
  g_return_val_if_fail (CANDOR_IS_METRIC_CHART (self), NULL);
  return self->title;
}

void
candor_metric_chart_set_title (CandorMetricChart *self,
                               const char        *title)
{
  g_return_if_fail (CANDOR_IS_METRIC_CHART (self));

  if (g_strcmp0 (self->title, title) == 0)
    return;
  g_free (self->title);
  self->title = g_strdup (title);
  update_accessible (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}
