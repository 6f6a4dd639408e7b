/* gui-util.h: running the candor program in tests, with or without Xvfb.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

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

/* resources/demo/NAME in the source tree ($CANDOR_SOURCE_DIR). */
char       *gui_demo_path  (const char *name);
/* A JSON document that must be an object (the test fails otherwise). */
JsonObject *gui_parse_json (const char *text, gssize len);
JsonObject *gui_load_json  (const char *path);
/* Member @name of @o, which must exist and be an object. */
JsonObject *gui_member     (JsonObject *o, const char *name);
/* Fails the test when the PNG at @path is one colour throughout. */
void        gui_assert_not_blank (const char *path);
/* Runs candor under Xvfb on @files, showing @view (NULL: the default),
 * with --action for each of @actions; the run must succeed silently and
 * its screenshot (in @dir) show the window. Returns the --state document. */
JsonObject *gui_drive      (const char *dir, const char *view,
                            const char *const *files, const char *const *actions);

G_END_DECLS
