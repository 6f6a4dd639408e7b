/* candor-window-private.h: what the window's source files share.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "candor-explain-page.h"
#include "candor-fairness-page.h"
#include "candor-model-card.h"
#include "candor-samples-view.h"
#include "candor-split-page.h"
#include "candor-whatif-page.h"
#include "candor-window.h"
#include "session-file.h"

G_BEGIN_DECLS

struct _CandorWindow
{
  AdwApplicationWindow parent_instance;

  /* template widgets */
  AdwHeaderBar *header_bar;
  GtkToggleButton *sidebar_button;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewSwitcherBar *switcher_bar;
  GtkSpinner *busy_spinner;
  AdwToastOverlay *toast_overlay;
  GtkStack *main_stack;
  AdwStatusPage *welcome_page;
  AdwPreferencesGroup *recent_group;
  GtkListBox *recent_list;
  GtkSpinner *loading_spinner;
  AdwFlap *flap;
  CandorModelCard *model_card;
  GtkPaned *samples_paned;
  CandorSamplesView *samples_view;
  AdwViewStack *view_stack;
  CandorExplainPage *explain_page;
  CandorWhatifPage *whatif_page;
  CandorFairnessPage *fairness_page;
  CandorSplitPage *split_page;
  GtkRevealer *report_revealer;
  GtkLabel *report_label;
  GtkProgressBar *report_progress;

  /* owned */
  CandorSession *session;
  GtkFileChooserNative *chooser;
  GSettings *settings;
  CxSession *doc;               /* findings and what a saved session records */
  char *session_path;           /* the .candor file last opened or saved */
  char *pending_sample;         /* to select once an opened session's files load */
  GCancellable *report_cancellable;

  /* borrowed */
  GtkRecentManager *recent_manager;

  gboolean scripted;
  gboolean pending_whatif;      /* an opened session's What If settings wait for its files */
  gboolean card_hidden_for_split;
};

/* candor-window.c */
void candor_window_show_toast    (CandorWindow *self,
                                  const char   *message,
                                  guint         timeout);
void candor_window_update_state  (CandorWindow *self);

/* candor-window-actions.c: the win.* actions, drag and drop, recent files */
void candor_window_actions_init  (CandorWindow *self);
void candor_window_add_recent    (CandorWindow *self,
                                  GFile        *file);
void candor_window_update_recent (CandorWindow *self);

/* candor-window-session.c: findings, .candor sessions, the PDF report */
void candor_window_session_init  (CandorWindow *self);
void candor_window_session_clear (CandorWindow *self);
/* After files opened: selects the sample an opened session names. */
void candor_window_session_opened (CandorWindow *self);

G_END_DECLS
