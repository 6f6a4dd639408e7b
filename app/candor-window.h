/* candor-window.h: the main window: header bar, model card, samples and
 * the Explain / What If / Fairness / Side by Side views.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "candor-types.h"

G_BEGIN_DECLS

#define CANDOR_TYPE_WINDOW (candor_window_get_type ())
G_DECLARE_FINAL_TYPE (CandorWindow, candor_window, CANDOR, WINDOW, AdwApplicationWindow)

CandorWindow  *candor_window_new         (CandorApplication *application);
CandorSession *candor_window_get_session (CandorWindow      *self);

/* Opens @model and/or @data (see candor_session_open_async()); failures
 * show a toast, emit ::open-failed and leave the window as it was. */
void           candor_window_open        (CandorWindow      *self,
                                          GFile             *model,
                                          GFile             *data);
/* Opens a bundled demo: "fashion" (images) or "hmda" (table). */
void           candor_window_open_demo   (CandorWindow      *self,
                                          const char        *name);

/* Opens a .candor session: its files, selection, parameters and
 * findings; a toast says which files changed since it was saved. */
void           candor_window_open_session (CandorWindow     *self,
                                           GFile            *file);

CandorView     candor_window_get_view    (CandorWindow      *self);
void           candor_window_set_view    (CandorWindow      *self,
                                          CandorView         view);
/* TRUE while anything is loading or computing. */
gboolean       candor_window_get_busy    (CandorWindow      *self);

/* Resizes the window so that its content (without borders) is @width ×
 * @height; TRUE when it already is. */
gboolean       candor_window_fit_content (CandorWindow      *self,
                                          int                width,
                                          int                height);
/* Writes the window as a PNG with its provenance in text chunks. */
gboolean       candor_window_export_png  (CandorWindow      *self,
                                          const char        *path,
                                          GError           **error);

/* Starts what the --state document needs that hidden pages have not
 * computed; the window stays busy until it ends. */
void           candor_window_prepare_state (CandorWindow    *self);
/* Writes what the window shows as JSON to @path (atomically): the
 * selection, the filters and each page's figures (`candor --state`), and
 * @timing (an object, or NULL) as "timing". */
gboolean       candor_window_write_state (CandorWindow      *self,
                                          const char        *path,
                                          JsonNode          *timing,
                                          GError           **error);

G_END_DECLS
