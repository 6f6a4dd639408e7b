/* candor-worker.h: how the app's background jobs share the CPU with the
 * window.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Sets how many threads OpenBLAS uses (see candor-worker.c); call once
 * from the main thread before any job runs. */
void candor_worker_init  (void);
/* Runs the calling job thread (and threads it starts) below the window's
 * priority; cheap to call at the start of every job. */
void candor_worker_enter (void);

G_END_DECLS
