/* sha256.h: SHA-256 (FIPS 180-4) of a stream of bytes.
 *
 * With the x86 SHA extensions the rounds run in hardware (about ten times
 * GLib's portable code, which matters for a table of a few hundred
 * megabytes whose digest goes into every report); without them, or with
 * CANDOR_NO_SHA_NI set in the environment, GChecksum does the work.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _CxSha256 CxSha256;

CxSha256 *cx_sha256_new      (void);
void      cx_sha256_update   (CxSha256 *sum, const guint8 *data, gsize len);
/* The digest as 64 lowercase hex digits; no update may follow. */
char     *cx_sha256_finish   (CxSha256 *sum);
void      cx_sha256_free     (CxSha256 *sum);

/* Whether the hardware rounds are used on this processor. */
gboolean  cx_sha256_hardware (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CxSha256, cx_sha256_free)

G_END_DECLS
