/* json-input.h: JSON documents from untrusted bytes.
 *
 * JSON-GLib parses recursively, so deep nesting overflows the stack; it
 * turns an unpaired UTF-16 surrogate or a short \u escape into invalid
 * UTF-8, cuts a string at \u0000 and takes escapes JSON does not have
 * (\q), all without a word. The schema and session readers go through
 * here, which refuses all of these before JSON-GLib sees the text.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Deepest nesting of arrays and objects read. */
#define CX_JSON_MAX_DEPTH 64

/* Parses @len bytes of @data as one JSON object and returns its root. @name
 * is the file, used in messages; @what says what it should be ("a schema").
 * Errors (CX_ERROR_PARSE) name the file and, where known, the line. */
JsonNode   *cx_json_parse_object  (const char *data, gsize len, const char *name,
                                   const char *what, GError **error);

G_END_DECLS
