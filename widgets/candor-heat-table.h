/* candor-heat-table.h: a table of non-negative numbers whose cells are
 * coloured by value on a colour-blind-safe sequential map, with a legend.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CANDOR_TYPE_HEAT_TABLE (candor_heat_table_get_type ())
G_DECLARE_FINAL_TYPE (CandorHeatTable, candor_heat_table, CANDOR, HEAT_TABLE, GtkWidget)

GtkWidget  *candor_heat_table_new        (void);
/* @values holds @n_rows × @n_columns numbers, row after row; NaN marks a
 * cell without a value. The colours run from 0 to the largest value.
 * Everything is copied. */
void        candor_heat_table_set_data   (CandorHeatTable    *self,
                                          guint               n_rows,
                                          guint               n_columns,
                                          const char * const *row_labels,
                                          const char * const *column_labels,
                                          const double       *values);
guint       candor_heat_table_get_n_rows    (CandorHeatTable *self);
guint       candor_heat_table_get_n_columns (CandorHeatTable *self);
/* What the colour stands for, written beside the legend. */
void        candor_heat_table_set_legend (CandorHeatTable    *self,
                                          const char         *legend);
/* What the table shows, for its accessible name. */
const char *candor_heat_table_get_title  (CandorHeatTable    *self);
void        candor_heat_table_set_title  (CandorHeatTable    *self,
                                          const char         *title);

G_END_DECLS
