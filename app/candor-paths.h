/* candor-paths.h: where the app finds its translations, schemas and demo,
 * installed or run from the build tree.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TRUE when the running executable lives in the build tree. */
gboolean    candor_paths_in_build_tree (void);
const char *candor_paths_locale_dir    (void);
const char *candor_paths_demo_dir      (void);
/* Points GSettings at the build tree's compiled schema when run from it
 * (unless GSETTINGS_SCHEMA_DIR is already set). Call before any GSettings. */
void        candor_paths_init          (void);

G_END_DECLS
