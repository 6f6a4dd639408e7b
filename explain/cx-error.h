/* cx-error.h: the engine's error domain.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CX_ERROR (cx_error_quark ())

typedef enum
{
  CX_ERROR_IO,            /* the file cannot be read or written */
  CX_ERROR_PARSE,         /* not the format it claims to be, truncated, corrupt */
  CX_ERROR_INVALID,       /* well-formed but inconsistent (graph, shapes, attributes) */
  CX_ERROR_UNSUPPORTED,   /* valid ONNX the engine cannot run (op, dtype, opset) */
  CX_ERROR_LIMIT,         /* a size limit would be exceeded */
  CX_ERROR_SHAPE,         /* an input's shape or type does not fit the model */
  CX_ERROR_NUMERIC,       /* NaN or infinity where a number is required */
  CX_ERROR_CANCELLED,     /* the caller asked to stop */
  CX_ERROR_ARGUMENT,      /* a bad parameter from the user */
} CxErrorCode;

GQuark cx_error_quark (void);

/* @message on one line: line breaks and tabs written as \n, \r, \t, other
 * control characters as '?' (messages quote the user's text, which may
 * hold anything). Free with g_free. */
char *cx_error_line (const char *message);

/* Prepends "PREFIX: " to the message of *error, if set. */
void cx_error_prefix (GError **error, const char *prefix);

G_END_DECLS
