/* candor-application.c: the Candor desktop application.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"

#include <dlfcn.h>
#include <string.h>
#include <glib/gi18n.h>

#include <json-glib/json-glib.h>

#include "candor-application.h"
#include "candor-preferences.h"
#include "candor-stall-log.h"
#include "candor-worker.h"
#include "tensor.h"
#include "candor-enums.h"
#include "candor-window.h"

#define SCREENSHOT_TIMEOUT_SECONDS 120
/* Frames to let pass after loading ends before the window is captured:
 * one to lay out what arrived, one to draw it, one to spare. */
#define SCREENSHOT_SETTLE_FRAMES 3

struct _CandorApplication
{
  AdwApplication parent_instance;

  int exit_status;
  CandorView view;
  GSettings *settings;
  gboolean view_given;

  /* --screenshot */
  char *screenshot_path;
  CandorWindow *screenshot_window;   /* borrowed; the application holds it */
  guint screenshot_timeout_id;
  guint screenshot_tick_id;
  guint screenshot_frames;
  guint screenshot_fit_attempts;
  gboolean screenshot_taken;
  /* hidden test hooks of --screenshot, run through the window's actions */
  char *add_finding;
  char *save_session;
  char *export_report;
  char **actions;                   /* --action, run in order */
  guint next_action;
  char *state_path;                 /* --state */
  gboolean state_prepared;
  gboolean steps_done;

  /* What --state reports about responsiveness: how long each scripted
   * action took until the window was idle again, and, once the window is
   * up, the longest time the main loop went without running a
   * high-priority 5 ms tick. */
  gint64 started_us;
  gint64 ready_us;                  /* first time mapped and idle */
  JsonBuilder *timings;             /* an open array of {action, ms} */
  char *timed_action;               /* running, with its start */
  gint64 timed_start_us;
  guint monitor_id;
  gint64 monitor_last_us;
  gint64 max_stall_us;
  guint stalls_over_50ms;

  char *session_path;               /* --session */
};

G_DEFINE_FINAL_TYPE (CandorApplication, candor_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "screenshot", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Open the window, write a PNG of it to FILE and exit"), N_("FILE") },
  { "view", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("The view to show: explain, whatif, fairness or split"), N_("VIEW") },
  { "session", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Open the session FILE (.candor)"), N_("FILE") },
  { "add-finding", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, NULL, NULL, NULL },
  { "save-session", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, NULL, NULL, NULL },
  { "export-report", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, NULL, NULL, NULL },
  /* --action 'select-sample(uint32 3)': a window action (or app.NAME, an
   * application action), as a detailed name, activated once the window
   * is idle; repeatable, in order. */
  { "action", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING_ARRAY, NULL, NULL, NULL },
  /* --state FILE: the numbers the window shows, as JSON, after the actions. */
  { "state", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, NULL, NULL, NULL },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Print the version and exit"), NULL },
  { NULL }
};

static void
fail (CandorApplication *self,
      const char        *message)
{
  if (self->exit_status == 0)
    g_printerr ("candor: %s\n", message);
  self->exit_status = 1;
  g_application_quit (G_APPLICATION (self));
}

/* ---- --screenshot ---- */

static void screenshot_check (CandorApplication *self);

#define MONITOR_INTERVAL_MS 5

static gboolean
monitor_tick (gpointer user_data)
{
  CandorApplication *self = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 stall = now - self->monitor_last_us - MONITOR_INTERVAL_MS * 1000;

  candor_stall_log_tick (self->ready_us != 0 ? stall : 0, now - self->monitor_last_us);
  self->monitor_last_us = now;
  /* Starting up (building the window, loading the files) is ready_ms. */
  if (self->ready_us == 0)
    return G_SOURCE_CONTINUE;
  self->max_stall_us = MAX (self->max_stall_us, stall);
  if (stall > 50000)
    self->stalls_over_50ms++;
  return G_SOURCE_CONTINUE;
}

/* The action that was running has ended (the window is idle again). */
static void
timing_end (CandorApplication *self)
{
  if (self->timed_action == NULL)
    return;
  json_builder_begin_object (self->timings);
  json_builder_set_member_name (self->timings, "action");
  json_builder_add_string_value (self->timings, self->timed_action);
  json_builder_set_member_name (self->timings, "ms");
  json_builder_add_double_value (self->timings, (g_get_monotonic_time () - self->timed_start_us) / 1000.0);
  json_builder_end_object (self->timings);
  g_clear_pointer (&self->timed_action, g_free);
}

static JsonNode *
timing_report (CandorApplication *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_end_array (self->timings);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ready_ms");
  json_builder_add_double_value (b, (self->ready_us - self->started_us) / 1000.0);
  json_builder_set_member_name (b, "actions");
  json_builder_add_value (b, json_builder_get_root (self->timings));
  json_builder_set_member_name (b, "max_main_loop_stall_ms");
  json_builder_add_double_value (b, self->max_stall_us / 1000.0);
  json_builder_set_member_name (b, "main_loop_stalls_over_50ms");
  json_builder_add_int_value (b, self->stalls_over_50ms);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void screenshot_check (CandorApplication *self);

static gboolean
screenshot_take (gpointer user_data)
{
  CandorApplication *self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean acted = FALSE;

  if (self->screenshot_taken || self->screenshot_window == NULL)
    return G_SOURCE_REMOVE;
  /* Scripted actions, each once the work of the one before has ended. */
  while (self->actions != NULL && self->actions[self->next_action] != NULL)
    {
      const char *text = self->actions[self->next_action++];
      g_autofree char *name = NULL;
      g_autoptr(GVariant) target = NULL;
      GActionGroup *group = G_ACTION_GROUP (self->screenshot_window);

      if (g_str_has_prefix (text, "app."))
        {
          group = G_ACTION_GROUP (self);
          text += 4;
        }
      else if (g_str_has_prefix (text, "win."))
        text += 4;
      if (!g_action_parse_detailed_name (text, &name, &target, &error)
          || !g_action_group_has_action (group, name))
        {
          g_autofree char *message = g_strdup_printf (_("--action “%s”: %s"), text,
                                                      error ? error->message : _("no such action"));
          fail (self, message);
          return G_SOURCE_REMOVE;
        }
      self->timed_action = g_strdup (text);
      self->timed_start_us = g_get_monotonic_time ();
      g_action_group_activate_action (group, name, target);
      acted = TRUE;
      if (candor_window_get_busy (self->screenshot_window))
        return G_SOURCE_REMOVE;
      timing_end (self);
    }
  /* What the actions changed without starting work is laid out and drawn
   * before the capture: let the window settle again. */
  if (acted)
    {
      screenshot_check (self);
      return G_SOURCE_REMOVE;
    }
  /* Then the test hooks, as a user would before exporting; a report
   * makes the window busy, and the screenshot waits for it again. */
  if (!self->steps_done)
    {
      GActionGroup *group = G_ACTION_GROUP (self->screenshot_window);

      self->steps_done = TRUE;
      if (self->add_finding != NULL)
        g_action_group_activate_action (group, "add-finding", g_variant_new_string (self->add_finding));
      if (self->save_session != NULL)
        g_action_group_activate_action (group, "save-session-to", g_variant_new_string (self->save_session));
      if (self->export_report != NULL)
        g_action_group_activate_action (group, "export-report-to", g_variant_new_string (self->export_report));
      if (candor_window_get_busy (self->screenshot_window))
        return G_SOURCE_REMOVE;
    }
  /* A state document reports pages that compute only when shown. */
  if (self->state_path != NULL && !self->state_prepared)
    {
      self->state_prepared = TRUE;
      candor_window_prepare_state (self->screenshot_window);
      if (candor_window_get_busy (self->screenshot_window))
        return G_SOURCE_REMOVE;
    }
  if (self->state_path != NULL)
    {
      g_autoptr(JsonNode) timing = timing_report (self);
      if (!candor_window_write_state (self->screenshot_window, self->state_path, timing, &error))
        {
          fail (self, error->message);
          return G_SOURCE_REMOVE;
        }
    }
  self->screenshot_taken = TRUE;
  if (!candor_window_export_png (self->screenshot_window, self->screenshot_path, &error))
    {
      fail (self, error->message);
      return G_SOURCE_REMOVE;
    }
  g_application_quit (G_APPLICATION (self));
  return G_SOURCE_REMOVE;
}

static gboolean
screenshot_tick (GtkWidget     *widget,
                 GdkFrameClock *frame_clock,
                 gpointer       user_data)
{
  CandorApplication *self = user_data;

  if (candor_window_get_busy (self->screenshot_window))
    {
      /* More work arrived; screenshot_check() starts over when it ends. */
      self->screenshot_tick_id = 0;
      return G_SOURCE_REMOVE;
    }
  /* Window borders (resize margins without a compositor) must not eat
   * into the fixed size: grow the window and let it settle again. */
  if (self->screenshot_fit_attempts < 4
      && !candor_window_fit_content (self->screenshot_window, CANDOR_SCREENSHOT_WIDTH, CANDOR_SCREENSHOT_HEIGHT))
    {
      self->screenshot_fit_attempts++;
      self->screenshot_frames = 0;
      return G_SOURCE_CONTINUE;
    }
  if (++self->screenshot_frames < SCREENSHOT_SETTLE_FRAMES)
    return G_SOURCE_CONTINUE;

  self->screenshot_tick_id = 0;
  /* Capture outside the frame cycle, once this frame has been drawn. */
  g_idle_add_full (G_PRIORITY_LOW, screenshot_take, self, NULL);
  return G_SOURCE_REMOVE;
}

static void
screenshot_check (CandorApplication *self)
{
  GtkWidget *window = GTK_WIDGET (self->screenshot_window);

  if (window == NULL || self->screenshot_taken || self->screenshot_tick_id != 0)
    return;
  if (!gtk_widget_get_mapped (window) || candor_window_get_busy (self->screenshot_window))
    return;
  self->screenshot_frames = 0;
  self->screenshot_tick_id = gtk_widget_add_tick_callback (window, screenshot_tick, self, NULL);
}

static gboolean
screenshot_timeout (gpointer user_data)
{
  CandorApplication *self = user_data;
  g_autofree char *message = NULL;

  self->screenshot_timeout_id = 0;
  message = g_strdup_printf (_("gave up after %d s waiting for the window to be drawn"),
                             SCREENSHOT_TIMEOUT_SECONDS);
  fail (self, message);
  return G_SOURCE_REMOVE;
}

static void
on_screenshot_open_failed (CandorWindow      *window,
                           const char        *message,
                           CandorApplication *self)
{
  fail (self, message);
}

static void
on_screenshot_state_changed (CandorApplication *self)
{
  CandorWindow *window = self->screenshot_window;

  if (gtk_widget_get_mapped (GTK_WIDGET (window)) && !candor_window_get_busy (window))
    {
      if (self->ready_us == 0)
        self->ready_us = g_get_monotonic_time ();
      timing_end (self);
    }
  screenshot_check (self);
}

static void
screenshot_start (CandorApplication *self,
                  CandorWindow      *window)
{
  self->screenshot_window = window;
  g_signal_connect (window, "open-failed", G_CALLBACK (on_screenshot_open_failed), self);
  g_signal_connect_swapped (window, "map", G_CALLBACK (on_screenshot_state_changed), self);
  g_signal_connect_swapped (window, "notify::busy", G_CALLBACK (on_screenshot_state_changed), self);
  self->screenshot_timeout_id = g_timeout_add_seconds (SCREENSHOT_TIMEOUT_SECONDS,
                                                       screenshot_timeout, self);
  self->timings = json_builder_new ();
  json_builder_begin_array (self->timings);
  candor_stall_log_init ();
  self->monitor_last_us = g_get_monotonic_time ();
  self->monitor_id = g_timeout_add_full (G_PRIORITY_HIGH, MONITOR_INTERVAL_MS, monitor_tick, self, NULL);
}

/* ---- windows ---- */

static CandorWindow *
create_window (CandorApplication *self)
{
  CandorWindow *window = candor_window_new (self);

  if (self->screenshot_path != NULL && self->screenshot_window == NULL)
    {
      /* A capture must not catch a page crossfading into another. */
      g_object_set (gtk_widget_get_settings (GTK_WIDGET (window)),
                    "gtk-enable-animations", FALSE, NULL);
      screenshot_start (self, window);
    }
  if (self->view_given)
    candor_window_set_view (window, self->view);
  return window;
}

static void
candor_application_activate (GApplication *app)
{
  CandorApplication *self = CANDOR_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL && self->session_path != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (self->session_path);
      window = GTK_WINDOW (create_window (self));
      candor_window_open_session (CANDOR_WINDOW (window), file);
    }
  else if (window == NULL)
    {
      window = GTK_WINDOW (create_window (self));
      candor_window_open_demo (CANDOR_WINDOW (window), "fashion");
    }
  gtk_window_present (window);
}

static gboolean
has_suffix_ci (const char *name,
               const char *suffix)
{
  gsize n = strlen (name), s = strlen (suffix);
  return n > s && g_ascii_strcasecmp (name + n - s, suffix) == 0;
}

static void
candor_application_open (GApplication  *app,
                         GFile        **files,
                         int            n_files,
                         const char    *hint)
{
  CandorApplication *self = CANDOR_APPLICATION (app);
  GFile *model = NULL, *data = NULL;
  CandorWindow *window;

  /* candor MODEL [DATA]; a lone data file opens without a model. */
  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *name = g_file_get_basename (files[i]);
      if (model == NULL && name != NULL && has_suffix_ci (name, ".onnx"))
        model = files[i];
      else if (data == NULL)
        data = files[i];
    }
  if (model == NULL && data == NULL)
    return;

  window = create_window (self);
  candor_window_open (window, model, data);
  gtk_window_present (GTK_WINDOW (window));
}

/* Whether GTK's OpenGL renderer would draw on the CPU (Mesa's llvmpipe,
 * softpipe or swrast: no GPU, as under Xvfb). GTK 4.8 has no call that
 * names the OpenGL renderer: libepoxy, which GTK loads, answers
 * glGetString (GL_RENDERER) in a context made for the purpose. */
static gboolean
gl_is_software (void)
{
  typedef const unsigned char *(*GetStringFunc) (unsigned int name);
  GdkDisplay *display = gdk_display_get_default ();
  g_autoptr(GdkGLContext) context = NULL;
  GetStringFunc *get_string;
  const char *renderer;
  gboolean software;

  if (display == NULL || !gdk_display_prepare_gl (display, NULL))
    return FALSE;
  context = gdk_display_create_gl_context (display, NULL);
  if (context == NULL || !gdk_gl_context_realize (context, NULL))
    return FALSE;
  get_string = dlsym (RTLD_DEFAULT, "epoxy_glGetString");
  if (get_string == NULL || *get_string == NULL)
    return FALSE;
  gdk_gl_context_make_current (context);
  renderer = (const char *) (*get_string) (0x1F01 /* GL_RENDERER */);
  software = renderer != NULL && (strstr (renderer, "llvmpipe") != NULL || strstr (renderer, "softpipe") != NULL
                                  || strstr (renderer, "Software Rasterizer") != NULL
                                  || strstr (renderer, "swrast") != NULL);
  gdk_gl_context_clear_current ();
  return software;
}

/* Software OpenGL rasterizes every frame, and compiles every shader, on
 * the cores the engine needs, while the main thread waits (frames of
 * 100 ms and more on two cores, a first frame of seconds): GTK's cairo
 * renderer is cheaper there. GSK_RENDERER, when set, decides. Must run
 * before the first window is shown (GTK reads GSK_RENDERER once). */
static void
choose_renderer (void)
{
  if (g_getenv ("GSK_RENDERER") != NULL)
    return;
  if (gl_is_software ())
    g_setenv ("GSK_RENDERER", "cairo", TRUE);
}

static int
candor_application_handle_local_options (GApplication *app,
                                         GVariantDict *options)
{
  CandorApplication *self = CANDOR_APPLICATION (app);
  const char *view = NULL;
  const char *screenshot = NULL;

  self->started_us = g_get_monotonic_time ();
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("candor %s\n", CANDOR_VERSION);
      return 0;
    }

  if (g_variant_dict_lookup (options, "view", "&s", &view))
    {
      g_autoptr(GEnumClass) views = g_type_class_ref (CANDOR_TYPE_VIEW);
      GEnumValue *value = g_enum_get_value_by_nick (views, view);

      if (value == NULL)
        {
          g_printerr (_("candor: unknown view “%s”; expected explain, whatif, fairness or split\n"), view);
          return 1;
        }
      self->view = value->value;
      self->view_given = TRUE;
    }

  {
    const char *path = NULL;
    if (g_variant_dict_lookup (options, "session", "^&ay", &path))
      self->session_path = g_canonicalize_filename (path, NULL);
    if (g_variant_dict_lookup (options, "add-finding", "&s", &path))
      self->add_finding = g_strdup (path);
    if (g_variant_dict_lookup (options, "save-session", "^&ay", &path))
      self->save_session = g_canonicalize_filename (path, NULL);
    if (g_variant_dict_lookup (options, "export-report", "^&ay", &path))
      self->export_report = g_canonicalize_filename (path, NULL);
    if (g_variant_dict_lookup (options, "state", "^&ay", &path))
      self->state_path = g_canonicalize_filename (path, NULL);
    g_variant_dict_lookup (options, "action", "^as", &self->actions);
  }

  if (g_variant_dict_lookup (options, "screenshot", "^&ay", &screenshot))
    {
      if (*screenshot == '\0')
        {
          g_printerr (_("candor: --screenshot needs a file name\n"));
          return 1;
        }
      self->screenshot_path = g_strdup (screenshot);
      /* Nothing reads a scripted window aloud; without a session bus the
       * accessibility bridge would only warn. */
      g_setenv ("GTK_A11Y", "none", FALSE);
      /* A scripted run must not hand its work to a running instance. */
      g_application_set_flags (app, g_application_get_flags (app) | G_APPLICATION_NON_UNIQUE);
    }

  /* GTK would print a warning and exit; say what to do instead. */
  if (!gtk_init_check ())
    {
      const char *display = g_getenv ("WAYLAND_DISPLAY");
      if (display == NULL || *display == '\0')
        display = g_getenv ("DISPLAY");
      if (display == NULL || *display == '\0')
        g_printerr (_("candor: no display found; run it inside a desktop session "
                      "or under xvfb-run (apt-get install xvfb)\n"));
      else
        g_printerr (_("candor: cannot open display “%s”; run it inside a desktop session "
                      "or under xvfb-run (apt-get install xvfb)\n"), display);
      return 1;
    }
  /* Before any thread that reads the environment starts (the session
   * bus's, dconf's): it may set GSK_RENDERER. */
  choose_renderer ();

  return -1;
}

/* ---- app actions ---- */

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  static const char *developers[] = { "The Candor authors", NULL };

  adw_show_about_window (gtk_application_get_active_window (app),
                         "application-name", _("Candor"),
                         "application-icon", CANDOR_APP_ID,
                         "developer-name", _("The Candor authors"),
                         "version", CANDOR_VERSION,
                         "comments", _("Candor explains the decisions of neural-network classifiers: "
                                       "which parts of an input drove a prediction, what would change it, "
                                       "and whether groups of people are treated differently."),
                         "website", "https://github.com/candor/candor",
                         "issue-url", "https://github.com/candor/candor/issues",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "copyright", "© 2026 The Candor authors",
                         "developers", developers,
                         /* Translators: your names, one per line */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  CandorApplication *self = CANDOR_APPLICATION (user_data);
  CandorPreferences *preferences;

  if (self->settings == NULL)
    return;
  preferences = candor_preferences_new (gtk_application_get_active_window (GTK_APPLICATION (self)),
                                        self->settings);
  gtk_window_present (GTK_WINDOW (preferences));
}

/* The engine's memory limit follows the setting; its messages name it. */
static void
apply_memory_limit (CandorApplication *self)
{
  cx_tensor_set_limit ((guint64) g_settings_get_uint (self->settings, "memory-limit") << 20);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated },
  { "about", about_activated },
  { "preferences", preferences_activated },
};

/* GSettings starts dconf's worker thread, which reads the environment:
 * made only once every g_setenv of the start is done (setenv while
 * another thread runs getenv can crash it). */
static void
create_settings (CandorApplication *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, CANDOR_APP_ID, TRUE);
  if (schema != NULL)
    self->settings = g_settings_new_full (schema, NULL, NULL);
}

static void
candor_application_startup (GApplication *app)
{
  static const struct { const char *action; const char *accels[3]; } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "win.open", { "<Control>o", NULL } },
    { "win.export-numbers", { "<Control>e", NULL } },
    { "win.export-png", { "<Control><Shift>e", NULL } },
    { "win.save-session", { "<Control>s", NULL } },
    { "win.open-session", { "<Control><Shift>o", NULL } },
    { "win.export-report", { "<Control>p", NULL } },
    { "win.show-sidebar", { "F9", NULL } },
    { "win.search-samples", { "<Control>f", NULL } },
    { "win.show-view::explain", { "<Alt>1", NULL } },
    { "win.show-view::whatif", { "<Alt>2", NULL } },
    { "win.show-view::fairness", { "<Alt>3", NULL } },
    { "win.show-view::split", { "<Alt>4", NULL } },
    { "window.close", { "<Control>w", NULL } },
  };

  G_APPLICATION_CLASS (candor_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (app), accels[i].action, accels[i].accels);

  gtk_window_set_default_icon_name (CANDOR_APP_ID);
  candor_worker_init ();
  create_settings (CANDOR_APPLICATION (app));
  /* Translators: how a "memory limit reached" message ends in the app */
  cx_tensor_set_limit_hint (_("raise it in Preferences › Fairness and Limits › Memory limit"));
  if (CANDOR_APPLICATION (app)->settings != NULL)
    {
      apply_memory_limit (CANDOR_APPLICATION (app));
      g_signal_connect_swapped (CANDOR_APPLICATION (app)->settings, "changed::memory-limit",
                                G_CALLBACK (apply_memory_limit), app);
    }
}

static void
candor_application_shutdown (GApplication *app)
{
  CandorApplication *self = CANDOR_APPLICATION (app);

  g_clear_handle_id (&self->screenshot_timeout_id, g_source_remove);
  if (self->screenshot_window != NULL && self->screenshot_tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->screenshot_window), self->screenshot_tick_id);
  self->screenshot_tick_id = 0;
  self->screenshot_window = NULL;

  G_APPLICATION_CLASS (candor_application_parent_class)->shutdown (app);
}

static void
candor_application_finalize (GObject *object)
{
  CandorApplication *self = CANDOR_APPLICATION (object);

  g_clear_pointer (&self->screenshot_path, g_free);
  g_clear_pointer (&self->add_finding, g_free);
  g_clear_pointer (&self->save_session, g_free);
  g_clear_pointer (&self->export_report, g_free);
  g_clear_pointer (&self->actions, g_strfreev);
  g_clear_pointer (&self->state_path, g_free);
  g_clear_pointer (&self->timed_action, g_free);
  g_clear_object (&self->timings);
  g_clear_handle_id (&self->monitor_id, g_source_remove);
  g_clear_pointer (&self->session_path, g_free);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (candor_application_parent_class)->finalize (object);
}

static void
candor_application_class_init (CandorApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = candor_application_finalize;

  app_class->activate = candor_application_activate;
  app_class->open = candor_application_open;
  app_class->startup = candor_application_startup;
  app_class->shutdown = candor_application_shutdown;
  app_class->handle_local_options = candor_application_handle_local_options;
}

static void
candor_application_init (CandorApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), _("[MODEL [DATA]]"));
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Explain the decisions of an ONNX classifier. MODEL is an .onnx "
                                              "file; DATA a folder of PNG images, a PNG or a CSV table. "
                                              "Without arguments the bundled demo opens."));
}

CandorApplication *
candor_application_new (void)
{
  return g_object_new (CANDOR_TYPE_APPLICATION,
                       "application-id", CANDOR_APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/candor/Candor",
                       NULL);
}

int
candor_application_get_exit_status (CandorApplication *self)
{
  g_return_val_if_fail (CANDOR_IS_APPLICATION (self), 1);
  return self->exit_status;
}

gboolean
candor_application_get_scripted (CandorApplication *self)
{
  g_return_val_if_fail (CANDOR_IS_APPLICATION (self), FALSE);
  return self->screenshot_path != NULL;
}

GSettings *
candor_application_get_settings (CandorApplication *self)
{
  g_return_val_if_fail (CANDOR_IS_APPLICATION (self), NULL);
  return self->settings;
}
