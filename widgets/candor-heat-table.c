/* candor-heat-table.c: rows × columns of numbers as coloured cells.
 *
 * Colours are viridis from the engine's tables (perceptually uniform and
 * readable with every common colour-vision deficiency), from 0 at the dark
 * end to the largest value at the bright end. Each cell also prints its
 * number, in black or white, whichever stands out on that colour; labels
 * and the legend use the style's foreground colour.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "candor-heat-table.h"
#include "colormap-data.h"

#define CELL_HEIGHT 28
#define CELL_GAP 2
#define MIN_CELL_WIDTH 56
#define MAX_CELL_WIDTH 150
#define GAP 12
#define LEGEND_BAR_WIDTH 160
#define LEGEND_BAR_HEIGHT 10
#define LEGEND_STEPS 64

typedef struct
{
  int label_width;
  int cell_width;
  int header_height;
  int legend_top;
  int small_height;
} Geometry;

struct _CandorHeatTable
{
  GtkWidget parent_instance;

  guint n_rows;
  guint n_columns;
  double max;
  int hover_row, hover_column;

  /* owned */
  char **row_labels;
  char **column_labels;
  double *values;
  char *legend;
  char *title;
  PangoLayout *layout;
  PangoLayout *small;
};

G_DEFINE_FINAL_TYPE (CandorHeatTable, candor_heat_table, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TITLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static char *
format_value (double v,
              double max)
{
  if (isnan (v))
    return g_strdup ("–");
  if (max >= 10)
    return g_strdup_printf ("%.1f", v);
  if (max >= 1)
    return g_strdup_printf ("%.2f", v);
  return g_strdup_printf ("%.3f", v);
}

static GdkRGBA
cell_color (double t)
{
  int i = (int) lround (CLAMP (t, 0.0, 1.0) * 255);
  return (GdkRGBA) { cx_lut_viridis[i][0] / 255.f, cx_lut_viridis[i][1] / 255.f,
                     cx_lut_viridis[i][2] / 255.f, 1.f };
}

/* Black or white, whichever contrasts more with @c (WCAG relative luminance). */
static GdkRGBA
ink_on (const GdkRGBA *c)
{
  double ch[3] = { c->red, c->green, c->blue }, l;

  for (int i = 0; i < 3; i++)
    ch[i] = ch[i] <= 0.04045 ? ch[i] / 12.92 : pow ((ch[i] + 0.055) / 1.055, 2.4);
  l = 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
  return (l + 0.05) / 0.05 > 1.05 / (l + 0.05) ? (GdkRGBA) { 0, 0, 0, 0.87f } : (GdkRGBA) { 1, 1, 1, 1 };
}

/* ---- layout ---- */

static void
ensure_layouts (CandorHeatTable *self)
{
  if (self->layout == NULL)
    {
      PangoAttrList *attrs = pango_attr_list_new ();

      self->layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
      self->small = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
      pango_attr_list_insert (attrs, pango_attr_scale_new (0.85));
      pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum"));
      pango_layout_set_attributes (self->small, attrs);
      pango_attr_list_unref (attrs);
    }
}

/* Sets @text on @layout, wrapped (at most @lines lines) or on one line
 * when @width is −1, ellipsized beyond; returns its pixel size. */
static void
set_text (PangoLayout *layout,
          const char  *text,
          int          width,
          int          lines,
          int         *w,
          int         *h)
{
  pango_layout_set_text (layout, text, -1);
  pango_layout_set_width (layout, width > 0 ? width * PANGO_SCALE : -1);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_height (layout, width > 0 ? -lines : -1);
  pango_layout_set_alignment (layout, PANGO_ALIGN_LEFT);
  pango_layout_get_pixel_size (layout, w, h);
}

static void
compute_geometry (CandorHeatTable *self,
                  int              width,
                  Geometry        *g)
{
  int label_width = 0, header = 0, w, h;

  ensure_layouts (self);
  for (guint r = 0; r < self->n_rows; r++)
    {
      set_text (self->layout, self->row_labels[r], -1, 1, &w, NULL);
      label_width = MAX (label_width, w);
    }
  g->label_width = MIN (label_width + GAP, MAX (width * 2 / 5, 60));
  g->cell_width = self->n_columns > 0
                  ? CLAMP ((width - g->label_width) / (int) self->n_columns, MIN_CELL_WIDTH, MAX_CELL_WIDTH)
                  : MIN_CELL_WIDTH;
  for (guint c = 0; c < self->n_columns; c++)
    {
      set_text (self->small, self->column_labels[c], g->cell_width - 6, 3, NULL, &h);
      header = MAX (header, h);
    }
  set_text (self->small, "Ag", -1, 1, NULL, &g->small_height);
  g->header_height = header + 6;
  g->legend_top = g->header_height + (int) self->n_rows * CELL_HEIGHT + GAP;
}

static int
height_for_width (CandorHeatTable *self,
                  int              width)
{
  Geometry g;
  int legend_h;

  if (self->n_rows == 0 || self->n_columns == 0)
    return 0;
  compute_geometry (self, width, &g);
  legend_h = LEGEND_BAR_HEIGHT + 4 + g.small_height;
  return g.legend_top + legend_h;
}

static gboolean
cell_at (CandorHeatTable *self,
         double           x,
         double           y,
         int             *row,
         int             *column)
{
  Geometry g;

  compute_geometry (self, gtk_widget_get_width (GTK_WIDGET (self)), &g);
  if (x < g.label_width || y < g.header_height)
    return FALSE;
  *row = (int) ((y - g.header_height) / CELL_HEIGHT);
  *column = (int) ((x - g.label_width) / g.cell_width);
  return *row < (int) self->n_rows && *column < (int) self->n_columns;
}

/* ---- drawing ---- */

static void
append_layout_at (GtkSnapshot   *snapshot,
                  PangoLayout   *layout,
                  float          x,
                  float          y,
                  const GdkRGBA *color)
{
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
candor_heat_table_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  CandorHeatTable *self = CANDOR_HEAT_TABLE (widget);
  int width = gtk_widget_get_width (widget);
  GdkRGBA fg, dim;
  Geometry g;
  int w, h;

  if (width <= 0 || self->n_rows == 0 || self->n_columns == 0)
    return;
  compute_geometry (self, width, &g);
G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
G_GNUC_END_IGNORE_DEPRECATIONS
  dim = fg;
  dim.alpha *= 0.62f;

  /* Column headers, centred over their cells, at the bottom of the band. */
  for (guint c = 0; c < self->n_columns; c++)
    {
      float x = g.label_width + c * g.cell_width;
      set_text (self->small, self->column_labels[c], g.cell_width - 6, 3, &w, &h);
      pango_layout_set_alignment (self->small, PANGO_ALIGN_CENTER);
      append_layout_at (snapshot, self->small, x + 3, g.header_height - 4 - h, &fg);
    }

  for (guint r = 0; r < self->n_rows; r++)
    {
      float y = g.header_height + r * CELL_HEIGHT;

      set_text (self->layout, self->row_labels[r], g.label_width - GAP, 1, &w, &h);
      append_layout_at (snapshot, self->layout, 0, y + (CELL_HEIGHT - h) / 2.f, &fg);
      for (guint c = 0; c < self->n_columns; c++)
        {
          double v = self->values[r * self->n_columns + c];
          float x = g.label_width + c * g.cell_width;
          g_autofree char *text = format_value (v, self->max);
          GdkRGBA color, ink;
          graphene_rect_t rect = GRAPHENE_RECT_INIT (x, y, g.cell_width - CELL_GAP, CELL_HEIGHT - CELL_GAP);

          if (isnan (v))
            {
              color = fg;
              color.alpha = 0.06f;
              ink = dim;
            }
          else
            {
              color = cell_color (self->max > 0 ? v / self->max : 0);
              ink = ink_on (&color);
            }
          gtk_snapshot_append_color (snapshot, &color, &rect);
          if ((int) r == self->hover_row && (int) c == self->hover_column)
            {
              GskRoundedRect outline;
              float widths[4] = { 2, 2, 2, 2 };
              GdkRGBA colors[4] = { fg, fg, fg, fg };
              gsk_rounded_rect_init_from_rect (&outline, &rect, 0);
              gtk_snapshot_append_border (snapshot, &outline, widths, colors);
            }
          set_text (self->small, text, -1, 1, &w, &h);
          append_layout_at (snapshot, self->small, x + (g.cell_width - CELL_GAP - w) / 2.f,
                            y + (CELL_HEIGHT - CELL_GAP - h) / 2.f, &ink);
        }
    }

  /* Legend: the colour ramp from 0 to the largest value, and what it means. */
  {
    float x0 = g.label_width, y0 = g.legend_top;
    float bar_w = MIN (LEGEND_BAR_WIDTH, MAX (width - g.label_width, 80));
    g_autofree char *max_text = format_value (self->max, self->max);

    for (int i = 0; i < LEGEND_STEPS; i++)
      {
        GdkRGBA color = cell_color ((i + 0.5) / LEGEND_STEPS);
        float a = x0 + bar_w * i / LEGEND_STEPS, b = x0 + bar_w * (i + 1) / LEGEND_STEPS;
        gtk_snapshot_append_color (snapshot, &color, &GRAPHENE_RECT_INIT (a, y0, b - a + 0.5f, LEGEND_BAR_HEIGHT));
      }
    set_text (self->small, "0", -1, 1, &w, &h);
    append_layout_at (snapshot, self->small, x0, y0 + LEGEND_BAR_HEIGHT + 2, &dim);
    set_text (self->small, max_text, -1, 1, &w, &h);
    append_layout_at (snapshot, self->small, x0 + bar_w - w, y0 + LEGEND_BAR_HEIGHT + 2, &dim);
    if (self->legend != NULL && width - (x0 + bar_w + GAP) > 40)
      {
        set_text (self->small, self->legend, (int) (width - (x0 + bar_w + GAP)), 2, &w, &h);
        append_layout_at (snapshot, self->small, x0 + bar_w + GAP, y0 + (LEGEND_BAR_HEIGHT - g.small_height) / 2.f, &dim);
      }
  }
}

/* ---- accessibility and input ---- */

static void
update_accessible (CandorHeatTable *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (self->legend != NULL)
    g_string_append_printf (text, "%s. ", self->legend);
  for (guint r = 0; r < self->n_rows; r++)
    {
      g_string_append_printf (text, "%s:", self->row_labels[r]);
      for (guint c = 0; c < self->n_columns; c++)
        {
          g_autofree char *v = format_value (self->values[r * self->n_columns + c], self->max);
          g_string_append_printf (text, "%s %s %s", c > 0 ? "," : "", self->column_labels[c], v);
        }
      g_string_append (text, r + 1 < self->n_rows ? "; " : ".");
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, self->title ? self->title : _("Heat table"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text->str,
                                  -1);
}

static void
set_hover (CandorHeatTable *self,
           int              row,
           int              column)
{
  if (self->hover_row == row && self->hover_column == column)
    return;
  self->hover_row = row;
  self->hover_column = column;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           CandorHeatTable          *self)
{
  int row, column;

  if (cell_at (self, x, y, &row, &column))
    set_hover (self, row, column);
  else
    set_hover (self, -1, -1);
}

static void
on_leave (GtkEventControllerMotion *controller,
          CandorHeatTable          *self)
{
  set_hover (self, -1, -1);
}

static gboolean
on_query_tooltip (GtkWidget       *widget,
                  int              x,
                  int              y,
                  gboolean         keyboard,
                  GtkTooltip      *tooltip,
                  CandorHeatTable *self)
{
  int row, column;
  g_autofree char *value = NULL;
  g_autofree char *text = NULL;

  if (keyboard || !cell_at (self, x, y, &row, &column))
    return FALSE;
  value = format_value (self->values[row * self->n_columns + column], self->max);
  /* Translators: heat table tooltip: row label, column label, value, what it is */
  text = g_strdup_printf (_("%s · %s: %s %s"), self->row_labels[row], self->column_labels[column], value,
                          self->legend ? self->legend : "");
  gtk_tooltip_set_text (tooltip, g_strstrip (text));
  return TRUE;
}

/* ---- GtkWidget ---- */

static GtkSizeRequestMode
candor_heat_table_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
candor_heat_table_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  CandorHeatTable *self = CANDOR_HEAT_TABLE (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      Geometry g;
      compute_geometry (self, 600, &g);
      *minimum = MIN (g.label_width, 120) + (int) self->n_columns * MIN_CELL_WIDTH;
      *natural = g.label_width + (int) self->n_columns * MAX_CELL_WIDTH;
    }
  else
    *minimum = *natural = height_for_width (self, for_size > 0 ? for_size : 400);
}

static void
candor_heat_table_css_changed (GtkWidget         *widget,
                               GtkCssStyleChange *change)
{
  CandorHeatTable *self = CANDOR_HEAT_TABLE (widget);

  GTK_WIDGET_CLASS (candor_heat_table_parent_class)->css_changed (widget, change);
  g_clear_object (&self->layout);
  g_clear_object (&self->small);
  gtk_widget_queue_resize (widget);
}

static void
candor_heat_table_dispose (GObject *object)
{
  CandorHeatTable *self = CANDOR_HEAT_TABLE (object);

  g_clear_object (&self->layout);
  g_clear_object (&self->small);
  G_OBJECT_CLASS (candor_heat_table_parent_class)->dispose (object);
}

static void
candor_heat_table_finalize (GObject *object)
{
  CandorHeatTable *self = CANDOR_HEAT_TABLE (object);

  g_strfreev (self->row_labels);
  g_strfreev (self->column_labels);
  g_free (self->values);
  g_free (self->legend);
  g_free (self->title);
  G_OBJECT_CLASS (candor_heat_table_parent_class)->finalize (object);
}

static void
candor_heat_table_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CandorHeatTable *self = CANDOR_HEAT_TABLE (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
candor_heat_table_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  CandorHeatTable *self = CANDOR_HEAT_TABLE (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      candor_heat_table_set_title (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
candor_heat_table_class_init (CandorHeatTableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = candor_heat_table_dispose;
  object_class->finalize = candor_heat_table_finalize;
  object_class->get_property = candor_heat_table_get_property;
  object_class->set_property = candor_heat_table_set_property;

  widget_class->snapshot = candor_heat_table_snapshot;
  widget_class->measure = candor_heat_table_measure;
  widget_class->get_request_mode = candor_heat_table_get_request_mode;
  widget_class->css_changed = candor_heat_table_css_changed;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "heattable");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
candor_heat_table_init (CandorHeatTable *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();

  self->hover_row = self->hover_column = -1;
  self->row_labels = g_new0 (char *, 1);
  self->column_labels = g_new0 (char *, 1);
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip), self);
  update_accessible (self);
}

GtkWidget *
candor_heat_table_new (void)
{
  return g_object_new (CANDOR_TYPE_HEAT_TABLE, NULL);
}

void
candor_heat_table_set_data (CandorHeatTable    *self,
                            guint               n_rows,
                            guint               n_columns,
                            const char * const *row_labels,
                            const char * const *column_labels,
                            const double       *values)
{
  g_return_if_fail (CANDOR_IS_HEAT_TABLE (self));
  g_return_if_fail (n_rows == 0 || n_columns == 0 || (row_labels && column_labels && values));

  g_strfreev (self->row_labels);
  g_strfreev (self->column_labels);
  g_free (self->values);
  self->n_rows = n_rows;
  self->n_columns = n_columns;
  self->row_labels = g_new0 (char *, n_rows + 1);
  self->column_labels = g_new0 (char *, n_columns + 1);
  self->values = g_new (double, MAX ((gsize) n_rows * n_columns, 1));
  self->max = 0;
  for (guint r = 0; r < n_rows; r++)
    self->row_labels[r] = g_strdup (row_labels[r] ? row_labels[r] : "");
  for (guint c = 0; c < n_columns; c++)
    self->column_labels[c] = g_strdup (column_labels[c] ? column_labels[c] : "");
  for (gsize i = 0; i < (gsize) n_rows * n_columns; i++)
    {
      self->values[i] = values[i];
      if (!isnan (values[i]))
        self->max = MAX (self->max, values[i]);
    }
  self->hover_row = self->hover_column = -1;
  update_accessible (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

guint
candor_heat_table_get_n_rows (CandorHeatTable *self)
{
  g_return_val_if_fail (CANDOR_IS_HEAT_TABLE (self), 0);
  return self->n_rows;
}

guint
candor_heat_table_get_n_columns (CandorHeatTable *self)
{
  g_return_val_if_fail (CANDOR_IS_HEAT_TABLE (self), 0);
  return self->n_columns;
}

void
candor_heat_table_set_legend (CandorHeatTable *self,
                              const char      *legend)
{
  g_return_if_fail (CANDOR_IS_HEAT_TABLE (self));

  g_free (self->legend);
  self->legend = g_strdup (legend);
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
candor_heat_table_get_title (CandorHeatTable *self)
{
  g_return_val_if_fail (CANDOR_IS_HEAT_TABLE (self), NULL);
  return self->title;
}

void
candor_heat_table_set_title (CandorHeatTable *self,
                             const char      *title)
{
  g_return_if_fail (CANDOR_IS_HEAT_TABLE (self));

  if (g_strcmp0 (self->title, title) == 0)
    return;
  g_free (self->title);
  self->title = g_strdup (title);
  update_accessible (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}
