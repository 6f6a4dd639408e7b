/* candor-types.h: forward declarations and the enums the app shares.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _CandorApplication   CandorApplication;
typedef struct _CandorWindow        CandorWindow;
typedef struct _CandorSession       CandorSession;
typedef struct _CandorModel         CandorModel;
typedef struct _CandorDataset       CandorDataset;
typedef struct _CandorSample        CandorSample;

/* The size of `candor --screenshot` images, in pixels. */
#define CANDOR_SCREENSHOT_WIDTH  1280
#define CANDOR_SCREENSHOT_HEIGHT 800

/* The pages of the view stack; the nicks are the page names and the
 * values of `--view`. */
typedef enum
{
  CANDOR_VIEW_EXPLAIN,
  CANDOR_VIEW_WHATIF,
  CANDOR_VIEW_FAIRNESS,
  CANDOR_VIEW_SPLIT,
} CandorView;

typedef enum
{
  CANDOR_DATASET_IMAGES,   /* a folder of PNG images, labels from labels.csv */
  CANDOR_DATASET_TABLE,    /* CSV rows, described by a schema when there is one */
} CandorDatasetKind;

/* A CxProgressFunc for the engine's long calls in a job: go on until the
 * job's GCancellable (@user_data) is cancelled. */
static inline gboolean
candor_keep_going (double   fraction,
                   gpointer user_data)
{
  return !g_cancellable_is_cancelled (user_data);
}

G_END_DECLS
