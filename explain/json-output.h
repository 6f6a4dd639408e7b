/* json-output.h: JSON documents as text that other JSON readers accept.
 *
 * JSON-GLib 1.6 appends ".0" to every double it prints without a '.', also
 * to one in exponent form: 1e-300 comes out as "1e-300.0", which is not
 * JSON (Python's json module and jq refuse it). Everything Candor writes as
 * JSON (sessions, candor-cli's output, exported numbers, --state) goes
 * through here, which drops that ".0".
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* @root as indented text (two spaces a level), NUL-terminated; its length
 * in @len when not NULL. */
char       *cx_json_to_text       (JsonNode *root, gsize *len);

G_END_DECLS
