/* candor-bar-chart.h: signed horizontal bars, one per labelled item, on a
 * scale symmetric around zero (a table row's attribution per column).
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CANDOR_TYPE_BAR_CHART (candor_bar_chart_get_type ())
G_DECLARE_FINAL_TYPE (CandorBarChart, candor_bar_chart, CANDOR, BAR_CHART, GtkWidget)

GtkWidget  *candor_bar_chart_new            (void);

/* Shows @n bars top to bottom in the order given: @labels[i] beside a bar
 * of signed length @values[i]. Copies both; @n = 0 clears the chart. */
void        candor_bar_chart_set_bars       (CandorBarChart     *self,
                                             guint               n,
                                             const char * const *labels,
                                             const double       *values);
guint       candor_bar_chart_get_n_bars     (CandorBarChart     *self);
const char *candor_bar_chart_get_label      (CandorBarChart     *self,
                                             guint               i);
double      candor_bar_chart_get_value      (CandorBarChart     *self,
                                             guint               i);

/* What a bar to the right (positive) and to the left (negative) means, in
 * plain words ("pushes towards approve"): the legend, the tooltips and the
 * text summary given to assistive technologies say it. */
const char *candor_bar_chart_get_positive_text (CandorBarChart  *self);
void        candor_bar_chart_set_positive_text (CandorBarChart  *self,
                                                const char      *text);
const char *candor_bar_chart_get_negative_text (CandorBarChart  *self);
void        candor_bar_chart_set_negative_text (CandorBarChart  *self,
                                                const char      *text);

/* The bars in words, largest first as shown: what the accessible
 * description holds. Free with g_free. */
char       *candor_bar_chart_dup_summary    (CandorBarChart     *self);

G_END_DECLS
