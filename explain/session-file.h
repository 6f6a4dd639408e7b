/* session-file.h: the .candor session document (JSON).
 *
 * A session names the files it was made from with their SHA-256, the
 * samples the reviewer selected, the method parameters and the findings,
 * so another person can reopen it, or rebuild its report, from the same
 * files. Reading never trusts the file: every member is type-checked.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CX_SESSION_VERSION 1
/* Most counterfactuals a session asks for per row (the What If view's limit). */
#define CX_SESSION_MAX_COUNT 10

typedef struct
{
  char *sample;        /* sample id: an image file name, or "row N" */
  char *note;          /* what looks wrong and why */
  char *created;       /* ISO 8601 */
} CxFinding;

typedef struct
{
  char *model_path;    /* as written (relative paths are relative to the session's folder) */
  char *model_sha256;
  char *data_path;     /* image folder or CSV, or NULL */
  char *data_sha256;   /* for a CSV; NULL for a folder */
  char *schema_path;   /* or NULL */
  char *schema_sha256;
  GPtrArray *selected; /* sample ids (char *) */
  /* method parameters */
  int ig_steps;
  char *ig_rule;
  char *ig_baseline;   /* images */
  char *table_method;  /* table rows: ig, shap, gradxinput or saliency (default ig) */
  char *table_baseline; /* table rows: mean or zeros (default mean) */
  int smoothgrad_samples;
  double smoothgrad_noise;
  int occlusion_window;
  int occlusion_stride;
  guint64 seed;
  /* rendering */
  char *sign;
  double outlier_percent;
  double alpha;
  /* fairness */
  GPtrArray *sensitive;  /* column names (char *) */
  double threshold;
  int bootstrap;
  GPtrArray *findings;   /* CxFinding * */
  /* What If */
  GPtrArray *whatif_locked; /* columns the reviewer locked on top of the schema's (char *) */
  int whatif_count;         /* counterfactuals searched for per table row (1 to CX_SESSION_MAX_COUNT) */
  int whatif_target;        /* images: the class to reach; -1: the runner-up */
} CxSession;

CxSession  *cx_session_new        (void);
void        cx_session_free       (CxSession *s);
/* Reads @path; errors name the file and the member at fault. */
CxSession  *cx_session_load       (const char *path, GError **error);
/* Parses @len bytes of @data as cx_session_load () does; @name is used in messages. */
CxSession  *cx_session_parse      (const char *data, gsize len, const char *name, GError **error);
/* Writes atomically (a crash mid-save leaves the previous file intact). */
gboolean    cx_session_save       (const CxSession *s, const char *path, GError **error);
/* The document cx_session_save () writes, as NUL-terminated JSON text. */
char       *cx_session_to_data    (const CxSession *s, gsize *len);
/* Adds a finding stamped now. */
void        cx_session_add_finding (CxSession *s, const char *sample, const char *note);
/* @path resolved against the session file's folder when relative. */
char       *cx_session_resolve    (const char *session_path, const char *path);
/* Checks every file's SHA-256; returns a newline-separated list of the
 * files that changed or vanished since the session was saved, or NULL. */
char       *cx_session_check_files (const CxSession *s, const char *session_path);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CxSession, cx_session_free)

G_END_DECLS
