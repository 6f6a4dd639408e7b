/* gui-util.h: running the candor program in tests, with or without Xvfb.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  int status;              /* exit status, or -1 when killed by a signal */
  char *out;
  char *err;
} Run;

void     run_clear    (Run *run);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* The folder that stands in for $HOME (settings, history) of every run. */
void     gui_set_home (const char *dir);
/* Runs $CANDOR_EXE with the NULL-terminated arguments, under xvfb-run -a
 * when @xvfb, else without any display. */
void     run_candor   (Run *run, gboolean xvfb, const char *first_arg, ...) G_GNUC_NULL_TERMINATED;
/* The same with an argument vector. */
void     run_candor_argv (Run *run, gboolean xvfb, const char *const *args);
/* FALSE, and the test skipped, when xvfb-run is missing. */
gboolean need_xvfb    (void);

G_END_DECLS
