/* candor-tooltip.h: tooltips set without a round trip to the display.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* As gtk_widget_set_tooltip_text (), but the text is handed over only when
 * the tooltip is asked for: GTK 4.8 looks for the pointer at once on every
 * call, two round trips to an X server, which add up when a view sets
 * dozens of tooltips as it fills. Also the widget's accessible description,
 * as GTK's does. NULL or "": no tooltip. */
void candor_set_tooltip_text (GtkWidget  *widget,
                              const char *text);

G_END_DECLS
