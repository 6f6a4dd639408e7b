/* report.h: the PDF report an auditor files (cairo).
 *
 * Built from a session alone, so anyone with the same files can rebuild
 * it: model card, each selected sample with its prediction and the six
 * attribution maps, the sanity check, and the reviewer's findings.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "engine.h"
#include "session-file.h"

G_BEGIN_DECLS

/* Writes @out_pdf atomically. @session_path resolves relative paths. */
gboolean cx_report_write (const CxSession *session, const char *session_path,
                          const char *out_pdf, CxProgressFunc progress, gpointer progress_data,
                          int *n_pages, GError **error);

G_END_DECLS
