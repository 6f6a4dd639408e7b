/* candor-application.h: the Candor desktop application.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "candor-types.h"

G_BEGIN_DECLS

#define CANDOR_TYPE_APPLICATION (candor_application_get_type ())
G_DECLARE_FINAL_TYPE (CandorApplication, candor_application, CANDOR, APPLICATION, AdwApplication)

CandorApplication *candor_application_new             (void);
/* The status main() returns: 0, or 1 after a failed --screenshot. */
int                candor_application_get_exit_status (CandorApplication *self);
/* TRUE in --screenshot mode: fixed window size, no saved state, no
 * recent files, errors on stderr. */
gboolean           candor_application_get_scripted    (CandorApplication *self);
/* The app's preferences, or NULL when the schema is not installed (the
 * defaults apply then). */
GSettings         *candor_application_get_settings    (CandorApplication *self);

G_END_DECLS
