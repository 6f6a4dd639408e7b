/* cx-error.c
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cx-error.h"

G_DEFINE_QUARK (cx-error-quark, cx_error)

void
cx_error_prefix (GError **error, const char *prefix)
{
  if (error == NULL || *error == NULL || prefix == NULL)
    return;
  g_prefix_error (error, "%s: ", prefix);
}
