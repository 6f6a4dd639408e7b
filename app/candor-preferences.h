/* candor-preferences.h: the Preferences window (default method parameters,
 * display, fairness and limits), bound to GSettings.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CANDOR_TYPE_PREFERENCES (candor_preferences_get_type ())
G_DECLARE_FINAL_TYPE (CandorPreferences, candor_preferences, CANDOR, PREFERENCES, AdwPreferencesWindow)

CandorPreferences *candor_preferences_new (GtkWindow *parent,
                                           GSettings *settings);

G_END_DECLS
