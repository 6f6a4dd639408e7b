/* candor-preferences.c: the Preferences window, every row bound to the
 * application's GSettings.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"

#include <glib/gi18n.h>

#include "candor-preferences.h"

struct _CandorPreferences
{
  AdwPreferencesWindow parent_instance;

  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (CandorPreferences, candor_preferences, ADW_TYPE_PREFERENCES_WINDOW)

/* ---- rows ---- */

static GtkWidget *
add_group (AdwPreferencesPage *page,
           const char         *title,
           const char         *description)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  if (description != NULL)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
  adw_preferences_page_add (page, ADW_PREFERENCES_GROUP (group));
  return group;
}

/* A row with a spin button bound to the numeric @key; the range is the key's. */
static void
add_spin_row (CandorPreferences *self,
              GtkWidget         *group,
              const char        *key,
              const char        *title,
              const char        *subtitle,
              double             step,
              guint              digits)
{
  g_autoptr(GSettingsSchemaKey) schema_key = NULL;
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GVariant) range = NULL;
  g_autoptr(GVariant) bounds = NULL;
  const char *kind;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spin;
  double lo = 0, hi = 1;

  g_object_get (self->settings, "settings-schema", &schema, NULL);
  schema_key = g_settings_schema_get_key (schema, key);
  range = g_settings_schema_key_get_range (schema_key);
  g_variant_get (range, "(&sv)", &kind, &bounds);
  /* A range key's bounds are a pair of its own type. */
  if (g_str_equal (kind, "range") && g_variant_is_of_type (bounds, G_VARIANT_TYPE ("(uu)")))
    {
      guint32 min, max;
      g_variant_get (bounds, "(uu)", &min, &max);
      lo = min;
      hi = max;
    }
  else if (g_str_equal (kind, "range") && g_variant_is_of_type (bounds, G_VARIANT_TYPE ("(dd)")))
    g_variant_get (bounds, "(dd)", &lo, &hi);
  spin = gtk_spin_button_new_with_range (lo, hi, step);
  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), digits);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  g_settings_bind (self->settings, key, spin, "value", G_SETTINGS_BIND_DEFAULT);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_RELATION_LABELLED_BY, row, NULL, -1);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
}

/* An enum key shown as a combo row: the row's position is the enum's
 * position in @nicks. */
typedef struct
{
  const char *const *nicks;
} EnumMapping;

static gboolean
enum_to_position (GValue   *value,
                  GVariant *variant,
                  gpointer  user_data)
{
  const EnumMapping *m = user_data;
  const char *nick = g_variant_get_string (variant, NULL);

  for (guint i = 0; m->nicks[i] != NULL; i++)
    if (g_str_equal (m->nicks[i], nick))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
position_to_enum (const GValue       *value,
                  const GVariantType *expected_type,
                  gpointer            user_data)
{
  const EnumMapping *m = user_data;
  guint i = g_value_get_uint (value);

  if (i >= g_strv_length ((char **) m->nicks))
    return NULL;
  return g_variant_new_string (m->nicks[i]);
}

static void
add_combo_row (CandorPreferences  *self,
               GtkWidget          *group,
               const char         *key,
               const char         *title,
               const char         *subtitle,
               const char *const  *nicks,
               const char *const  *labels)
{
  GtkWidget *row = adw_combo_row_new ();
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  EnumMapping *mapping = g_new (EnumMapping, 1);

  for (guint i = 0; labels[i] != NULL; i++)
    gtk_string_list_append (model, g_dpgettext2 (NULL, "preferences", labels[i]));
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (model));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  mapping->nicks = nicks;
  g_settings_bind_with_mapping (self->settings, key, row, "selected", G_SETTINGS_BIND_DEFAULT,
                                enum_to_position, position_to_enum, mapping, g_free);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
}

/* ---- pages ---- */

static const char *const rule_nicks[] = {
  "gausslegendre", "riemann_trapezoid", "riemann_middle", "riemann_left", "riemann_right", NULL
};
static const char *const rule_labels[] = {
  NC_("preferences", "Gauss–Legendre"), NC_("preferences", "Trapezoid"),
  NC_("preferences", "Midpoint"), NC_("preferences", "Left Riemann sum"),
  NC_("preferences", "Right Riemann sum"), NULL
};
static const char *const baseline_nicks[] = { "zeros", "blur", "uniform", "mean", NULL };
static const char *const baseline_labels[] = {
  NC_("preferences", "Black (zeros)"), NC_("preferences", "Blurred input"),
  NC_("preferences", "Uniform noise"), NC_("preferences", "Mean of the data"), NULL
};
static const char *const colormap_nicks[] = { "viridis", "cividis", NULL };
static const char *const colormap_labels[] = {
  NC_("preferences", "Viridis"), NC_("preferences", "Cividis"), NULL
};

static void
build_explanations (CandorPreferences *self)
{
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *group;

  adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (page), _("Explanations"));
  adw_preferences_page_set_icon_name (ADW_PREFERENCES_PAGE (page), "view-grid-symbolic");

  group = add_group (ADW_PREFERENCES_PAGE (page), _("Integrated Gradients"),
                     _("The path from a baseline input to the sample is integrated numerically; "
                       "more steps are slower and more exact."));
  add_spin_row (self, group, "ig-steps", _("Steps"), NULL, 1, 0);
  add_combo_row (self, group, "ig-rule", _("Integration rule"), NULL, rule_nicks, rule_labels);
  add_combo_row (self, group, "baseline", _("Baseline"),
                 _("What “no information” looks like"), baseline_nicks, baseline_labels);

  group = add_group (ADW_PREFERENCES_PAGE (page), _("SmoothGrad"),
                     _("The gradient averaged over noisy copies of the input."));
  add_spin_row (self, group, "smoothgrad-samples", _("Noisy copies"), NULL, 1, 0);
  add_spin_row (self, group, "smoothgrad-noise", _("Noise level"),
                _("Standard deviation, as a fraction of the input’s range"), 0.01, 2);

  group = add_group (ADW_PREFERENCES_PAGE (page), _("Occlusion"),
                     _("A patch is hidden at each position and the drop in the output recorded."));
  add_spin_row (self, group, "occlusion-window", _("Patch size"), _("In pixels"), 1, 0);
  add_spin_row (self, group, "occlusion-stride", _("Stride"), _("In pixels"), 1, 0);

  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), ADW_PREFERENCES_PAGE (page));
}

static void
build_display (CandorPreferences *self)
{
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *group;

  adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (page), _("Display"));
  adw_preferences_page_set_icon_name (ADW_PREFERENCES_PAGE (page), "applications-graphics-symbolic");
  group = add_group (ADW_PREFERENCES_PAGE (page), _("Attribution Maps"), NULL);
  add_combo_row (self, group, "colormap", _("Colour map for magnitudes"),
                 _("Signed maps are always blue–white–red"), colormap_nicks, colormap_labels);
  add_spin_row (self, group, "overlay-opacity", _("Opacity over the input"), NULL, 0.05, 2);
  add_spin_row (self, group, "outlier-percent", _("Outliers clipped"),
                _("Per cent of the total attribution drawn at full colour"), 0.5, 1);
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), ADW_PREFERENCES_PAGE (page));
}

static void
build_fairness_and_limits (CandorPreferences *self)
{
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *group;

  adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (page), _("Fairness and Limits"));
  adw_preferences_page_set_icon_name (ADW_PREFERENCES_PAGE (page), "emblem-system-symbolic");
  group = add_group (ADW_PREFERENCES_PAGE (page), _("Fairness"), NULL);
  add_spin_row (self, group, "decision-threshold", _("Decision threshold"),
                _("Probability of the favourable outcome at which it is granted"), 0.01, 2);
  add_spin_row (self, group, "bootstrap-resamples", _("Bootstrap resamples"),
                /* xgettext:no-c-format */
                _("For the 95 % intervals; more are slower and steadier"), 100, 0);
  group = add_group (ADW_PREFERENCES_PAGE (page), _("Limits"),
                     _("Models and data come from outside: these limits keep a hostile or "
                       "oversized file from exhausting the computer."));
  add_spin_row (self, group, "memory-limit", _("Memory limit"), _("In MiB, for one explanation"), 256, 0);
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), ADW_PREFERENCES_PAGE (page));
}

/* ---- GObject ---- */

static void
candor_preferences_dispose (GObject *object)
{
  CandorPreferences *self = CANDOR_PREFERENCES (object);

  g_clear_object (&self->settings);
  G_OBJECT_CLASS (candor_preferences_parent_class)->dispose (object);
}

static void
candor_preferences_class_init (CandorPreferencesClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = candor_preferences_dispose;
}

static void
candor_preferences_init (CandorPreferences *self)
{
}

CandorPreferences *
candor_preferences_new (GtkWindow *parent,
                        GSettings *settings)
{
  CandorPreferences *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (CANDOR_TYPE_PREFERENCES,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       "search-enabled", TRUE,
                       NULL);
  self->settings = g_object_ref (settings);
  build_explanations (self);
  build_display (self);
  build_fairness_and_limits (self);
  return self;
}
