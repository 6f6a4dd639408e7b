/* candor-stall-log.h: CANDOR_DEBUG_STALLS=1 prints each main-loop stall
 * over 50 ms with what the main thread was doing (a debugging aid).
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Starts watching the default main context when CANDOR_DEBUG_STALLS=1;
 * call from the main thread. */
void candor_stall_log_init (void);
/* From the stall monitor's tick: @stall_us late, @interval_us since the
 * tick before. Prints the stall when it is over 50 ms. */
void candor_stall_log_tick (gint64 stall_us,
                            gint64 interval_us);

G_END_DECLS
