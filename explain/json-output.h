/* json-output.h: JSON documents as text that other JSON readers accept.
 *
 * JSON-GLib 1.6 prints a double with 17 significant digits (0.15 comes
 * out as 0.14999999999999999, in a session a person reads) and appends
 * ".0" to one it prints without a '.', also in exponent form: 1e-300
 * comes out as "1e-300.0", which is not JSON (Python's json module and jq
 * refuse it). Everything Candor writes as JSON (sessions, candor-cli's
 * output, exported numbers, --state) goes through here, which writes
 * every double in the shortest form that reads back to the same value.
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
