/* candor-metric-chart.h: one rate per group as horizontal bars on a fixed
 * 0–100 % scale, with interval whiskers and an optional reference line.
 * Groups can be clicked (or chosen with the keyboard).
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CANDOR_TYPE_METRIC_CHART (candor_metric_chart_get_type ())
G_DECLARE_FINAL_TYPE (CandorMetricChart, candor_metric_chart, CANDOR, METRIC_CHART, GtkWidget)

/* One group's bar. The chart copies every field. */
typedef struct
{
  const char *label;     /* the group, e.g. "afam = yes" */
  const char *detail;    /* a second, smaller line, e.g. "339 rows"; may be NULL */
  double value;          /* a rate in [0, 1]; NaN: not defined for this group */
  double low, high;      /* its interval; NaN: none */
  gboolean faint;        /* too few rows to conclude: drawn pale and outlined */
  gboolean warn;         /* the detail line is a warning */
  const char *tooltip;   /* the numbers in words, on hover; may be NULL */
} CandorMetricBar;

GtkWidget  *candor_metric_chart_new                (void);
void        candor_metric_chart_set_bars           (CandorMetricChart     *self,
                                                    const CandorMetricBar *bars,
                                                    guint                  n_bars);
guint       candor_metric_chart_get_n_bars         (CandorMetricChart     *self);
/* A dashed vertical line at @value (0…1) labelled @label; NaN hides it. */
void        candor_metric_chart_set_reference_line (CandorMetricChart     *self,
                                                    double                 value,
                                                    const char            *label);
/* The highlighted group, or −1. */
int         candor_metric_chart_get_selected       (CandorMetricChart     *self);
void        candor_metric_chart_set_selected       (CandorMetricChart     *self,
                                                    int                    index);
/* What the chart shows, for its accessible name ("Selection rate"). */
const char *candor_metric_chart_get_title          (CandorMetricChart     *self);
void        candor_metric_chart_set_title          (CandorMetricChart     *self,
                                                    const char            *title);

G_END_DECLS
