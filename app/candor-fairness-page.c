/* candor-fairness-page.c: how outcomes differ between groups.
 *
 * The page shows the session's CandorFairnessAnalysis, which computes the
 * figures off the main thread and is shared with the copy of this page in
 * Side by Side. From top to bottom it answers, in words first and numbers
 * after: does a group fail the four-fifths rule; how large are the gaps
 * (demographic parity, equalized odds, equal opportunity, each with its
 * interval); the rates per group as charts; every figure in a table; and
 * which columns drive the decisions in each group. Clicking a group lists
 * its rows in the samples (the ::group-activated signal).
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>

#include "candor-dataset.h"
#include "candor-fairness-analysis.h"
#include "candor-fairness-page.h"
#include "candor-heat-table.h"
#include "candor-metric-chart.h"
#include "candor-model.h"
#include "candor-session.h"
#include "candor-tooltip.h"
#include "candor-width-bin.h"

/* The four-fifths rule: a selection rate below 80 % of the highest. */
#define FOUR_FIFTHS 0.8

/* Charts shown first, the others under "More Measures". */
static const CxRate prominent[] = { CX_RATE_SELECTION, CX_RATE_TPR, CX_RATE_FPR };
static const CxRate secondary[] = { CX_RATE_ACCURACY, CX_RATE_FNR, CX_RATE_PRECISION };

struct _CandorFairnessPage
{
  AdwBin parent_instance;

  /* template widgets */
  GtkStack *stack;
  AdwStatusPage *status_page;
  GtkWidget *demo_button;
  AdwStatusPage *computing_page;
  GtkSpinner *computing_spinner;
  GtkLabel *subtitle_label;
  AdwComboRow *column_row;
  AdwComboRow *second_row;
  AdwComboRow *favourable_row;
  AdwActionRow *threshold_row;
  GtkSpinner *updating_spinner;
  GtkScale *threshold_scale;
  GtkAdjustment *threshold_adjustment;
  GtkLabel *threshold_label;
  GtkWidget *verdict_box;
  GtkImage *verdict_icon;
  GtkLabel *verdict_title;
  GtkLabel *verdict_text;
  GtkFlowBox *figures_box;
  GtkLabel *charts_caption;
  GtkBox *charts_box;
  GtkExpander *more_expander;
  GtkBox *more_box;
  GtkLabel *table_caption;
  GtkGrid *table_grid;
  GtkWidget *attribution_section;
  GtkLabel *attribution_caption;
  CandorHeatTable *heat_table;
  GtkLabel *footnote_label;

  /* built in code */
  CandorMetricChart *charts[CX_N_RATES];
  GtkWidget *chart_cards[CX_N_RATES];
  GtkLabel *chart_descriptions[CX_N_RATES];

  /* owned */
  CandorSession *session;
  char *verdict_summary;       /* the verdict's title, for --state */
  char **shown_available;      /* what the combo rows list */
  char *shown_first;
  char **shown_classes;
  char *shown_selected;        /* the group highlighted */
  GArray *table_rows;          /* TableRow of each group in the table */
  char *table_key;             /* what the table's layout was built for */

  /* borrowed: the session's */
  CandorFairnessAnalysis *analysis;

  guint shown_serial;          /* the figures the widgets show */
  gboolean holding;            /* the analysis is held while the page is mapped */
  gboolean syncing;            /* controls are being set from the analysis */
};

G_DEFINE_FINAL_TYPE (CandorFairnessPage, candor_fairness_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

enum {
  GROUP_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* ---- words ---- */

static const char *
rate_title (CxRate rate)
{
  switch (rate)
    {
    case CX_RATE_SELECTION:
      return _("Selection rate");
    case CX_RATE_ACCURACY:
      return _("Accuracy");
    case CX_RATE_TPR:
      return _("True positive rate");
    case CX_RATE_FPR:
      return _("False positive rate");
    case CX_RATE_FNR:
      return _("False negative rate");
    case CX_RATE_PRECISION:
      return _("Precision");
    case CX_N_RATES:
    default:
      g_assert_not_reached ();
    }
}

/* The same on short lines, for the table's narrow columns. */
static const char *
rate_heading (CxRate rate)
{
  switch (rate)
    {
    case CX_RATE_SELECTION:
      return _("Selection\nrate");
    case CX_RATE_ACCURACY:
      return _("Accuracy");
    case CX_RATE_TPR:
      return _("True\npositive\nrate");
    case CX_RATE_FPR:
      return _("False\npositive\nrate");
    case CX_RATE_FNR:
      return _("False\nnegative\nrate");
    case CX_RATE_PRECISION:
      return _("Precision");
    case CX_N_RATES:
    default:
      g_assert_not_reached ();
    }
}

/* What @rate measures, in plain words: @fav is the favourable decision,
 * @good and @bad say which recorded outcomes are favourable. */
static char *
rate_description (CxRate      rate,
                  const char *fav,
                  const char *good,
                  const char *bad)
{
  switch (rate)
    {
    case CX_RATE_SELECTION:
      /* Translators: %s is the favourable decision, e.g. approve */
      return g_strdup_printf (_("The share of each group the model decides “%s” for. The dashed line is "
                                "four-fifths of the best-off group’s rate: a group left of it fails the "
                                "four-fifths rule."), fav);
    case CX_RATE_TPR:
      return g_strdup_printf (_("Of the rows whose recorded outcome is favourable (%s), the share the model "
                                "decides “%s” for. A gap here means equally qualified people are treated "
                                "differently."), good, fav);
    case CX_RATE_FPR:
      return g_strdup_printf (_("Of the rows whose recorded outcome is unfavourable (%s), the share the "
                                "model still decides “%s” for."), bad, fav);
    case CX_RATE_ACCURACY:
      return g_strdup (_("The share of rows where the model’s decision matches the recorded outcome."));
    case CX_RATE_FNR:
      return g_strdup_printf (_("Of the rows whose recorded outcome is favourable (%s), the share the model "
                                "does not decide “%s” for."), good, fav);
    case CX_RATE_PRECISION:
      return g_strdup_printf (_("Of the rows the model decides “%s” for, the share whose recorded outcome "
                                "is favourable (%s)."), fav, good);
    case CX_N_RATES:
    default:
      g_assert_not_reached ();
    }
}

static char *
format_percent (double v)
{
  if (isnan (v))
    return g_strdup ("–");
  /* Translators: a rate as a percentage */
  return g_strdup_printf (_("%.1f %%"), 100 * v);
}

static char *
format_interval_percent (const double ci[2])
{
  if (isnan (ci[0]) || isnan (ci[1]))
    return g_strdup ("");
  /* Translators: an interval of percentages, low–high */
  return g_strdup_printf (_("%.1f–%.1f %%"), 100 * ci[0], 100 * ci[1]);
}

/* A difference of rates in percentage points, signed. */
static char *
format_points (double d)
{
  if (isnan (d))
    return g_strdup ("–");
  /* Translators: a difference of rates in percentage points; %s is the sign */
  return g_strdup_printf (_("%s%.1f pts"), d < -0.00005 ? "−" : d > 0.00005 ? "+" : "", fabs (100 * d));
}

/* "afam = yes", or "afam = yes, single = no" for an intersection. */
static char *
group_label (const CxFairnessBreakdown *bd,
             const CxFairnessGroup     *g)
{
  g_autoptr(GString) s = g_string_new (NULL);

  for (int c = 0; c < bd->n_columns; c++)
    {
      const char *v = g->values && g->values[c] ? g->values[c] : g->name;
      if (c > 0)
        g_string_append (s, ", ");
      /* Translators: a group: column = value */
      g_string_append_printf (s, _("%s = %s"), bd->columns[c], *v ? v : _("(empty)"));
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* Clicking a group lists its rows: table rows carry their values, images do not. */
static gboolean
groups_listable (CandorFairnessPage *self)
{
  CandorDataset *dataset = candor_fairness_analysis_get_dataset (self->analysis);
  return dataset != NULL && candor_dataset_get_kind (dataset) == CANDOR_DATASET_TABLE;
}

/* "339 rows", or "15 images" for an image folder. */
static char *
count_text (CandorFairnessPage *self,
            gint64              n)
{
  if (!groups_listable (self))
    return g_strdup_printf (ngettext ("%'d image", "%'d images", (unsigned long) n), (int) n);
  return g_strdup_printf (ngettext ("%'d row", "%'d rows", (unsigned long) n), (int) n);
}

static char *
rows_text (gint64 n)
{
  /* Row counts fit an int: tables hold fewer than 2³¹ rows. */
  return g_strdup_printf (ngettext ("%'d row", "%'d rows", (unsigned long) n), (int) n);
}

/* Which recorded outcomes count as favourable, in words. */
static void
truth_words (CandorFairnessPage *self,
             char              **good,
             char              **bad)
{
  CandorDataset *dataset = candor_fairness_analysis_get_dataset (self->analysis);
  const CxSchema *schema = dataset ? candor_dataset_get_schema (dataset) : NULL;

  if (schema != NULL && schema->label_column != NULL)
    {
      /* Translators: a recorded outcome: column = value */
      *good = g_strdup_printf (_("%s = %s"), schema->label_column, schema->label_positive);
      /* Translators: any other recorded outcome: column ≠ value */
      *bad = g_strdup_printf (_("%s ≠ %s"), schema->label_column, schema->label_positive);
    }
  else
    {
      const char *fav = candor_fairness_analysis_get_favourable_name (self->analysis);
      /* Translators: an image's label is the favourable class */
      *good = g_strdup_printf (_("label “%s”"), fav);
      *bad = g_strdup_printf (_("any other label"));
    }
}

/* ---- controls ---- */

static GtkStringList *
string_list_from (const char * const *items,
                  const char         *first,
                  const char         *skip)
{
  GtkStringList *list = gtk_string_list_new (NULL);

  if (first != NULL)
    gtk_string_list_append (list, first);
  for (guint i = 0; items != NULL && items[i] != NULL; i++)
    if (g_strcmp0 (items[i], skip) != 0)
      gtk_string_list_append (list, items[i]);
  return list;
}

static guint
find_string (GListModel *list,
             const char *text)
{
  guint n = g_list_model_get_n_items (list);

  for (guint i = 0; text != NULL && i < n; i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (list, i);
      if (g_strcmp0 (gtk_string_object_get_string (item), text) == 0)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

static const char *
selected_string (AdwComboRow *row)
{
  GtkStringObject *item = adw_combo_row_get_selected_item (row);
  return item ? gtk_string_object_get_string (item) : NULL;
}

static void
update_threshold_label (CandorFairnessPage *self)
{
  g_autofree char *text = g_strdup_printf ("%.0f %%", 100 * gtk_adjustment_get_value (self->threshold_adjustment));
  gtk_label_set_label (self->threshold_label, text);
}

static gboolean
same_strv (char              **a,
           const char * const *b)
{
  if (a == NULL || b == NULL)
    return (a == NULL) == (b == NULL);
  return g_strv_equal ((const char * const *) a, b);
}

static void
sync_controls (CandorFairnessPage *self)
{
  const char * const *available = candor_fairness_analysis_get_available (self->analysis);
  const char *first = candor_fairness_analysis_get_column (self->analysis, 0);
  const char *second = candor_fairness_analysis_get_column (self->analysis, 1);
  const char * const *classes = candor_fairness_analysis_get_classes (self->analysis);
  const char *fav = candor_fairness_analysis_get_favourable_name (self->analysis);
  g_autofree char *subtitle = NULL;
  guint n_available = available ? g_strv_length ((char **) available) : 0;
  guint pos;

  self->syncing = TRUE;
  /* New lists only when they change: a list replaced under an open popover closes it. */
  if (!same_strv (self->shown_available, available) || g_strcmp0 (self->shown_first, first) != 0)
    {
      g_autoptr(GtkStringList) columns = string_list_from (available, NULL, NULL);
      g_autoptr(GtkStringList) others = string_list_from (available, _("Nothing"), first);

      adw_combo_row_set_model (self->column_row, G_LIST_MODEL (columns));
      adw_combo_row_set_model (self->second_row, G_LIST_MODEL (others));
      g_strfreev (self->shown_available);
      self->shown_available = g_strdupv ((char **) available);
      g_free (self->shown_first);
      self->shown_first = g_strdup (first);
    }
  if (!same_strv (self->shown_classes, classes))
    {
      g_autoptr(GtkStringList) outcomes = string_list_from (classes, NULL, NULL);

      adw_combo_row_set_model (self->favourable_row, G_LIST_MODEL (outcomes));
      g_strfreev (self->shown_classes);
      self->shown_classes = g_strdupv ((char **) classes);
    }
  pos = find_string (adw_combo_row_get_model (self->column_row), first);
  adw_combo_row_set_selected (self->column_row, pos);
  pos = find_string (adw_combo_row_get_model (self->second_row), second);
  adw_combo_row_set_selected (self->second_row, pos != GTK_INVALID_LIST_POSITION ? pos : 0);
  gtk_widget_set_visible (GTK_WIDGET (self->second_row), n_available > 1);
  gtk_widget_set_visible (GTK_WIDGET (self->favourable_row),
                          candor_fairness_analysis_get_can_choose_favourable (self->analysis));
  adw_combo_row_set_selected (self->favourable_row, candor_fairness_analysis_get_favourable (self->analysis));
  gtk_adjustment_set_value (self->threshold_adjustment, candor_fairness_analysis_get_threshold (self->analysis));
  /* Translators: %s is the favourable decision, e.g. approve */
  subtitle = g_strdup_printf (_("The model decides “%s” when it gives it at least this probability"), fav);
  adw_action_row_set_subtitle (self->threshold_row, subtitle);
  self->syncing = FALSE;
  update_threshold_label (self);
}

static void
on_columns_chosen (CandorFairnessPage *self)
{
  const char *first, *second;

  if (self->syncing || self->analysis == NULL)
    return;
  first = selected_string (self->column_row);
  second = adw_combo_row_get_selected (self->second_row) > 0 ? selected_string (self->second_row) : NULL;
  if (g_strcmp0 (first, second) == 0)
    second = NULL;
  candor_fairness_analysis_set_columns (self->analysis, first, second);
}

static void
on_favourable_chosen (CandorFairnessPage *self)
{
  guint pos = adw_combo_row_get_selected (self->favourable_row);

  if (self->syncing || self->analysis == NULL || pos == GTK_INVALID_LIST_POSITION)
    return;
  candor_fairness_analysis_set_favourable (self->analysis, (int) pos);
}

static void
on_threshold_changed (CandorFairnessPage *self)
{
  update_threshold_label (self);
  if (self->syncing || self->analysis == NULL)
    return;
  candor_fairness_analysis_set_threshold (self->analysis, gtk_adjustment_get_value (self->threshold_adjustment));
}

/* ---- groups ---- */

static const CxFairnessGroup *
lowest_and_highest (const CxFairnessBreakdown *bd,
                    const CxFairnessGroup    **highest)
{
  const CxFairnessGroup *lo = NULL, *hi = NULL;

  for (int g = 0; g < bd->n_groups; g++)
    {
      const CxFairnessGroup *grp = &bd->groups[g];
      double v = grp->rate[CX_RATE_SELECTION];
      if (isnan (v))
        continue;
      if (lo == NULL || v < lo->rate[CX_RATE_SELECTION])
        lo = grp;
      if (hi == NULL || v > hi->rate[CX_RATE_SELECTION])
        hi = grp;
    }
  *highest = hi;
  return lo;
}

static int
selected_index (CandorFairnessPage        *self,
                const CxFairnessBreakdown *bd)
{
  const char *name = candor_fairness_analysis_get_selected_group (self->analysis);

  for (int g = 0; name != NULL && g < bd->n_groups; g++)
    if (g_str_equal (bd->groups[g].name, name))
      return g;
  return -1;
}

static void
activate_group (CandorFairnessPage        *self,
                const CxFairnessBreakdown *bd,
                int                        index)
{
  g_autofree char *column = NULL;

  if (index < 0 || index >= bd->n_groups)
    return;
  column = g_strdup (bd->name);
  candor_fairness_analysis_select_group (self->analysis, bd->groups[index].name);
  g_signal_emit (self, signals[GROUP_ACTIVATED], 0, column, bd->groups[index].name);
}

static void
on_chart_group_activated (CandorMetricChart  *chart,
                          guint               index,
                          CandorFairnessPage *self)
{
  const CxFairnessBreakdown *bd = candor_fairness_analysis_get_breakdown (self->analysis);

  if (bd != NULL)
    activate_group (self, bd, (int) index);
}

static void
on_table_group_clicked (GtkButton          *button,
                        CandorFairnessPage *self)
{
  const CxFairnessBreakdown *bd = candor_fairness_analysis_get_breakdown (self->analysis);

  if (bd != NULL)
    activate_group (self, bd, GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "group")));
}

/* ---- the verdict ---- */

static void
set_verdict_style (CandorFairnessPage *self,
                   const char         *style,
                   const char         *icon)
{
  static const char *const styles[] = { "verdict-pass", "verdict-narrow", "verdict-fail", "verdict-none" };

  for (guint i = 0; i < G_N_ELEMENTS (styles); i++)
    gtk_widget_remove_css_class (self->verdict_box, styles[i]);
  gtk_widget_add_css_class (self->verdict_box, style);
  gtk_image_set_from_icon_name (self->verdict_icon, icon);
}

static void
update_verdict (CandorFairnessPage        *self,
                const CxFairnessReport    *report,
                const CxFairnessBreakdown *bd)
{
  const char *fav = candor_fairness_analysis_get_favourable_name (self->analysis);
  const CxFairnessGroup *hi = NULL, *lo = lowest_and_highest (bd, &hi);
  double ratio = bd->disparity[CX_DISPARITY_DP_RATIO];
  const double *ci = bd->disparity_ci[CX_DISPARITY_DP_RATIO];
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *lo_name = NULL;
  g_autofree char *hi_name = NULL;
  g_autofree char *lo_rate = NULL;
  g_autofree char *hi_rate = NULL;
  const char *title;
  int n_small = 0, n_tpr = 0;

  for (int g = 0; g < bd->n_groups; g++)
    {
      n_small += bd->groups[g].too_small;
      n_tpr += !isnan (bd->groups[g].rate[CX_RATE_TPR]);
    }

  if (lo == NULL || hi == NULL || lo == hi || isnan (ratio))
    {
      title = _("Nothing to compare");
      set_verdict_style (self, "verdict-none", "dialog-information-symbolic");
      g_string_append (text, _("The data holds a single group for these columns, so no group can be "
                               "treated differently from another."));
      goto out;
    }
  {
    g_autofree char *lo_label = group_label (bd, lo);
    g_autofree char *hi_label = group_label (bd, hi);
    lo_name = g_markup_escape_text (lo_label, -1);
    hi_name = g_markup_escape_text (hi_label, -1);
  }
  lo_rate = format_percent (lo->rate[CX_RATE_SELECTION]);
  hi_rate = format_percent (hi->rate[CX_RATE_SELECTION]);

  if (bd->four_fifths_failed)
    {
      title = _("Fails the four-fifths rule");
      set_verdict_style (self, "verdict-fail", "dialog-warning-symbolic");
      /* Translators: lowest group, favourable decision, ratio in %, highest group, their rates */
      g_string_append_printf (text, _("<b>%s</b> gets “%s” %.0f %% as often as <b>%s</b> (%s against %s), "
                                      "below the 80 %% the four-fifths rule asks for."),
                              lo_name, fav, 100 * ratio, hi_name, lo_rate, hi_rate);
      if (!isnan (ci[1]) && ci[1] >= FOUR_FIFTHS)
        g_string_append_printf (text, _(" The 95 %% interval of that ratio, %.2f to %.2f, reaches above 0.8, "
                                        "so more data could change the verdict."), ci[0], ci[1]);
      else if (!isnan (ci[1]))
        g_string_append_printf (text, _(" Even the top of its 95 %% interval, %.2f, is below 0.8."), ci[1]);
    }
  else if (!isnan (ci[0]) && ci[0] < FOUR_FIFTHS)
    {
      title = _("Passes the four-fifths rule, narrowly");
      set_verdict_style (self, "verdict-narrow", "dialog-information-symbolic");
      g_string_append_printf (text, _("<b>%s</b> gets “%s” %.0f %% as often as <b>%s</b> (%s against %s): "
                                      "above the 80 %% line, but the 95 %% interval of that ratio, %.2f to "
                                      "%.2f, dips below 0.8, so a failure cannot be ruled out."),
                              lo_name, fav, 100 * ratio, hi_name, lo_rate, hi_rate, ci[0], ci[1]);
    }
  else
    {
      title = _("Passes the four-fifths rule");
      set_verdict_style (self, "verdict-pass", "emblem-ok-symbolic");
      g_string_append_printf (text, _("Every group gets “%s” at least 80 %% as often as the best-off group; "
                                      "the lowest, <b>%s</b>, %.0f %% as often as <b>%s</b> (%s against %s)."),
                              fav, lo_name, 100 * ratio, hi_name, lo_rate, hi_rate);
    }

  /* Error rates compare only when two groups have rows with a favourable outcome. */
  if (report->has_labels && n_tpr >= 2 && !isnan (bd->disparity[CX_DISPARITY_EOP_DIFFERENCE]))
    {
      double tpr_gap = bd->disparity[CX_DISPARITY_EOP_DIFFERENCE];
      double eo_gap = bd->disparity[CX_DISPARITY_EO_DIFFERENCE];
      g_string_append_printf (text, _(" Among rows with a favourable recorded outcome, the groups’ rates of "
                                      "“%s” differ by %.1f points; counting the unfavourable ones too, "
                                      "by up to %.1f points."), fav, 100 * tpr_gap, 100 * eo_gap);
    }
  if (n_small == bd->n_groups)
    g_string_append_printf (text, _(" But every group has fewer than %d rows: too few to conclude either way."),
                            report->params.min_group_size);
  else if (lo->too_small)
    {
      g_autofree char *count = count_text (self, lo->n);
      /* Translators: a group, then "15 rows" */
      g_string_append_printf (text, _(" <b>%s</b> has only %s: too few to conclude."), lo_name, count);
    }
  else if (n_small > 0)
    g_string_append_printf (text, ngettext (" %d group has fewer than %d rows: too few to conclude.",
                                            " %d groups have fewer than %d rows: too few to conclude.",
                                            n_small),
                            n_small, report->params.min_group_size);

out:
  gtk_label_set_label (self->verdict_title, title);
  gtk_label_set_markup (self->verdict_text, text->str);
  g_free (self->verdict_summary);
  self->verdict_summary = g_strdup (title);
}

/* ---- key figures ---- */

static GtkWidget *
figure_tile (const char   *title,
             const char   *value,
             const char   *interval,
             const char   *explanation,
             const char   *flag,
             const char   *flag_style)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *head = gtk_label_new (title);
  GtkWidget *number = gtk_label_new (value);
  GtkWidget *range = gtk_label_new (interval);
  GtkWidget *words = gtk_label_new (explanation);

  gtk_widget_add_css_class (box, "card");
  gtk_widget_add_css_class (box, "figure-tile");
  gtk_label_set_xalign (GTK_LABEL (head), 0);
  gtk_label_set_wrap (GTK_LABEL (head), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (head), 22);
  gtk_widget_add_css_class (head, "caption-heading");
  gtk_box_append (GTK_BOX (box), head);

  gtk_label_set_xalign (GTK_LABEL (number), 0);
  gtk_widget_add_css_class (number, "title-2");
  gtk_widget_add_css_class (number, "numeric");
  if (flag != NULL)
    {
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
      GtkWidget *tag = gtk_label_new (flag);
      gtk_widget_add_css_class (tag, "tag");
      gtk_widget_add_css_class (tag, flag_style);
      gtk_widget_set_valign (tag, GTK_ALIGN_CENTER);
      gtk_box_append (GTK_BOX (row), number);
      gtk_box_append (GTK_BOX (row), tag);
      gtk_box_append (GTK_BOX (box), row);
    }
  else
    gtk_box_append (GTK_BOX (box), number);

  gtk_label_set_xalign (GTK_LABEL (range), 0);
  gtk_widget_add_css_class (range, "caption");
  gtk_widget_add_css_class (range, "numeric");
  gtk_widget_add_css_class (range, "dim-label");
  gtk_box_append (GTK_BOX (box), range);

  gtk_label_set_xalign (GTK_LABEL (words), 0);
  gtk_label_set_wrap (GTK_LABEL (words), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (words), 24);
  gtk_label_set_width_chars (GTK_LABEL (words), 18);
  gtk_widget_set_margin_top (words, 6);
  gtk_widget_add_css_class (words, "caption");
  gtk_box_append (GTK_BOX (box), words);
  return box;
}

static void
update_figures (CandorFairnessPage        *self,
                const CxFairnessReport    *report,
                const CxFairnessBreakdown *bd)
{
  static const CxDisparity order[] = {
    CX_DISPARITY_DP_DIFFERENCE, CX_DISPARITY_DP_RATIO,
    CX_DISPARITY_EO_DIFFERENCE, CX_DISPARITY_EOP_DIFFERENCE,
  };
  const char *fav = candor_fairness_analysis_get_favourable_name (self->analysis);

  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->figures_box))) != NULL)
    gtk_flow_box_remove (self->figures_box, child);
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      CxDisparity d = order[i];
      double v = bd->disparity[d];
      const double *ci = bd->disparity_ci[d];
      g_autofree char *value = isnan (v) ? g_strdup ("–") : g_strdup_printf ("%.3f", v);
      g_autofree char *interval = NULL;
      g_autofree char *words = NULL;
      const char *title, *flag = NULL, *flag_style = NULL;

      if (!report->has_labels && d != CX_DISPARITY_DP_DIFFERENCE && d != CX_DISPARITY_DP_RATIO)
        continue;
      if (!isnan (ci[0]) && !isnan (ci[1]))
        /* Translators: a 95 % interval of a figure */
        interval = g_strdup_printf (_("95 %% interval %.3f–%.3f"), ci[0], ci[1]);
      else
        interval = g_strdup (_("no interval"));
      switch (d)
        {
        case CX_DISPARITY_DP_DIFFERENCE:
          title = _("Demographic parity difference");
          words = g_strdup_printf (_("The highest selection rate minus the lowest: %.1f points between "
                                     "the groups’ shares of “%s”."), 100 * v, fav);
          break;
        case CX_DISPARITY_DP_RATIO:
          title = _("Demographic parity ratio");
          words = g_strdup (_("The lowest selection rate divided by the highest. Below 0.8 fails the "
                              "four-fifths rule."));
          if (!isnan (v))
            {
              flag = bd->four_fifths_failed ? _("Fails") : _("Passes");
              flag_style = bd->four_fifths_failed ? "error" : "success";
            }
          break;
        case CX_DISPARITY_EO_DIFFERENCE:
          title = _("Equalized odds difference");
          words = g_strdup (_("The larger of the gaps in true positive and false positive rates: how "
                              "differently the model errs for each group."));
          break;
        case CX_DISPARITY_EOP_DIFFERENCE:
          title = _("Equal opportunity difference");
          words = g_strdup (_("The gap in true positive rates: how differently rows with a favourable "
                              "recorded outcome are treated."));
          break;
        case CX_N_DISPARITIES:
        default:
          g_assert_not_reached ();
        }
      gtk_flow_box_append (self->figures_box, figure_tile (title, value, interval, words, flag, flag_style));
    }
}

/* ---- charts ---- */

static GtkWidget *
chart_card (CandorFairnessPage *self,
            CxRate              rate)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *title = gtk_label_new (rate_title (rate));
  GtkWidget *description = gtk_label_new (NULL);
  GtkWidget *chart = candor_metric_chart_new ();

  gtk_widget_add_css_class (card, "card");
  gtk_widget_add_css_class (card, "chart-card");
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_xalign (GTK_LABEL (description), 0);
  gtk_label_set_wrap (GTK_LABEL (description), TRUE);
  gtk_widget_add_css_class (description, "dim-label");
  gtk_widget_add_css_class (description, "caption");
  gtk_widget_set_margin_bottom (chart, 2);
  gtk_widget_set_margin_top (chart, 6);
  candor_metric_chart_set_title (CANDOR_METRIC_CHART (chart), rate_title (rate));
  g_signal_connect (chart, "group-activated", G_CALLBACK (on_chart_group_activated), self);
  gtk_box_append (GTK_BOX (card), title);
  gtk_box_append (GTK_BOX (card), description);
  gtk_box_append (GTK_BOX (card), chart);

  self->charts[rate] = CANDOR_METRIC_CHART (chart);
  self->chart_descriptions[rate] = GTK_LABEL (description);
  self->chart_cards[rate] = card;
  return card;
}

static void
update_charts (CandorFairnessPage        *self,
               const CxFairnessReport    *report,
               const CxFairnessBreakdown *bd)
{
  const char *fav = candor_fairness_analysis_get_favourable_name (self->analysis);
  const CxFairnessGroup *ref = &bd->groups[bd->reference];
  g_autofree char *ref_name = group_label (bd, ref);
  g_autofree char *good = NULL;
  g_autofree char *bad = NULL;
  int selected = selected_index (self, bd);
  gboolean listable = groups_listable (self);

  truth_words (self, &good, &bad);
  for (int m = 0; m < CX_N_RATES; m++)
    {
      g_autofree CandorMetricBar *bars = g_new0 (CandorMetricBar, MAX (bd->n_groups, 1));
      g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *description = rate_description (m, fav, good, bad);
      gboolean shown = m == CX_RATE_SELECTION || report->has_labels;

      gtk_widget_set_visible (self->chart_cards[m], shown);
      if (!shown)
        continue;
      gtk_label_set_label (self->chart_descriptions[m], description);
      for (int g = 0; g < bd->n_groups; g++)
        {
          const CxFairnessGroup *grp = &bd->groups[g];
          char *label = group_label (bd, grp);
          char *rows = count_text (self, grp->n);
          char *detail, *tooltip, *value, *interval, *gap;

          if (grp->too_small)
            /* Translators: a group's row count, then the warning */
            detail = g_strdup_printf (_("%s · too few to conclude"), rows);
          else if (m == CX_RATE_SELECTION && g == bd->reference)
            /* Translators: a group's row count, then that it is the best-off group */
            detail = g_strdup_printf (_("%s · best-off"), rows);
          else
            detail = g_strdup (rows);
          value = format_percent (grp->rate[m]);
          interval = format_interval_percent (grp->rate_ci[m]);
          gap = format_points (grp->difference[m]);
          if (isnan (grp->rate[m]))
            tooltip = g_strdup_printf (_("%s: not defined (%s)"), label, rows);
          else if (g == bd->reference)
            /* Translators: group: rate (interval), rows */
            tooltip = g_strdup_printf (_("%s: %s (95 %% interval %s), %s."), label, value, interval, rows);
          else
            /* Translators: group: rate (interval), rows, gap to the best-off group */
            tooltip = g_strdup_printf (_("%s: %s (95 %% interval %s), %s; %s against %s."),
                                       label, value, interval, rows, gap, ref_name);
          if (listable)
            {
              char *longer = g_strconcat (tooltip, " ", _("Click to list these rows."), NULL);
              g_free (tooltip);
              tooltip = longer;
            }
          bars[g] = (CandorMetricBar) {
            .label = label, .detail = detail, .value = grp->rate[m],
            .low = grp->rate_ci[m][0], .high = grp->rate_ci[m][1],
            .faint = grp->too_small, .warn = grp->too_small, .tooltip = tooltip,
          };
          g_ptr_array_add (strings, label);
          g_ptr_array_add (strings, rows);
          g_ptr_array_add (strings, detail);
          g_ptr_array_add (strings, tooltip);
          g_ptr_array_add (strings, value);
          g_ptr_array_add (strings, interval);
          g_ptr_array_add (strings, gap);
        }
      candor_metric_chart_set_bars (self->charts[m], bars, bd->n_groups);
      if (m == CX_RATE_SELECTION && !isnan (ref->rate[m]))
        {
          g_autofree char *line = g_strdup_printf (_("four-fifths line · %.1f %%"),
                                                   100 * FOUR_FIFTHS * ref->rate[m]);
          candor_metric_chart_set_reference_line (self->charts[m], FOUR_FIFTHS * ref->rate[m], line);
        }
      candor_metric_chart_set_selected (self->charts[m], selected);
    }
}

/* ---- the table ---- */

static GtkWidget *
table_label (const char *markup,
             float       xalign,
             const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_markup (GTK_LABEL (label), markup);
  gtk_label_set_xalign (GTK_LABEL (label), xalign);
  gtk_label_set_yalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "cell");
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static const CxRate table_rates[] = {
  CX_RATE_SELECTION, CX_RATE_TPR, CX_RATE_FPR, CX_RATE_ACCURACY, CX_RATE_FNR, CX_RATE_PRECISION,
};

/* The widgets of one group's row, kept so a new threshold only changes texts. */
typedef struct
{
  GtkWidget *widgets[3 + CX_N_RATES];  /* group button, rows, rates…, spacer */
  GtkLabel *group_label;
  GtkLabel *rows;
  GtkLabel *cells[CX_N_RATES];
} TableRow;

/* Lays out the table's headings and one row of widgets per group. */
static void
build_table (CandorFairnessPage        *self,
             const CxFairnessBreakdown *bd,
             guint                      n_rates)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->table_grid))) != NULL)
    gtk_grid_remove (self->table_grid, child);
  g_array_set_size (self->table_rows, 0);

  gtk_grid_attach (self->table_grid, table_label (_("Group"), 0, "header"), 0, 0, 1, 1);
  gtk_grid_attach (self->table_grid, table_label (groups_listable (self) ? _("Rows") : _("Images"), 1, "header"),
                   1, 0, 1, 1);
  for (guint c = 0; c < n_rates; c++)
    {
      g_autofree char *head = g_markup_escape_text (rate_heading (table_rates[c]), -1);
      GtkWidget *label = table_label (head, 1, "header");
      gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_RIGHT);
      gtk_grid_attach (self->table_grid, label, 2 + c, 0, 1, 1);
    }
  /* An empty last column takes the card's spare width, so rows shade across it. */
  child = table_label ("", 0, "header");
  gtk_widget_set_hexpand (child, TRUE);
  gtk_grid_attach (self->table_grid, child, 2 + n_rates, 0, 1, 1);

  for (int g = 0; g < bd->n_groups; g++)
    {
      TableRow row = { { NULL } };
      GtkWidget *button = gtk_button_new ();
      guint k = 0;

      row.group_label = GTK_LABEL (gtk_label_new (NULL));
      gtk_label_set_xalign (row.group_label, 0);
      gtk_button_set_child (GTK_BUTTON (button), GTK_WIDGET (row.group_label));
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_add_css_class (button, "group-button");
      gtk_widget_add_css_class (button, "cell");
      if (groups_listable (self))
        candor_set_tooltip_text (button, _("List the rows of this group in the samples"));
      g_object_set_data (G_OBJECT (button), "group", GINT_TO_POINTER (g));
      g_signal_connect (button, "clicked", G_CALLBACK (on_table_group_clicked), self);
      gtk_grid_attach (self->table_grid, button, 0, 1 + g, 1, 1);
      row.widgets[k++] = button;

      row.rows = GTK_LABEL (table_label ("", 1, NULL));
      gtk_grid_attach (self->table_grid, GTK_WIDGET (row.rows), 1, 1 + g, 1, 1);
      row.widgets[k++] = GTK_WIDGET (row.rows);
      for (guint c = 0; c < n_rates; c++)
        {
          row.cells[c] = GTK_LABEL (table_label ("", 1, "numeric"));
          gtk_label_set_justify (row.cells[c], GTK_JUSTIFY_RIGHT);
          gtk_grid_attach (self->table_grid, GTK_WIDGET (row.cells[c]), 2 + c, 1 + g, 1, 1);
          row.widgets[k++] = GTK_WIDGET (row.cells[c]);
        }
      row.widgets[k] = table_label ("", 0, NULL);
      gtk_grid_attach (self->table_grid, row.widgets[k], 2 + n_rates, 1 + g, 1, 1);
      g_array_append_val (self->table_rows, row);
    }
}

static void
update_table (CandorFairnessPage        *self,
              const CxFairnessReport    *report,
              const CxFairnessBreakdown *bd)
{
  guint n_rates = report->has_labels ? G_N_ELEMENTS (table_rates) : 1;
  g_autofree char *ref_name = group_label (bd, &bd->groups[bd->reference]);
  g_autofree char *caption = NULL;
  g_autofree char *key = NULL;
  int selected = selected_index (self, bd);

  caption = g_strdup_printf (_("Each cell gives the rate, its 95 %% interval, and under it the gap to the "
                               "best-off group (%s) in percentage points."), ref_name);
  if (groups_listable (self))
    {
      char *longer = g_strconcat (caption, " ", _("Click a group to list its rows."), NULL);
      g_free (caption);
      caption = longer;
    }
  gtk_label_set_label (self->table_caption, caption);

  /* The same groups and columns as shown: only the texts change. */
  key = g_strdup_printf ("%s\x1f%d\x1f%u\x1f%d", bd->name, bd->n_groups, n_rates, groups_listable (self));
  if (g_strcmp0 (key, self->table_key) != 0)
    {
      build_table (self, bd, n_rates);
      g_free (self->table_key);
      self->table_key = g_steal_pointer (&key);
    }

  for (int g = 0; g < bd->n_groups; g++)
    {
      const CxFairnessGroup *grp = &bd->groups[g];
      TableRow *row = &g_array_index (self->table_rows, TableRow, g);
      g_autofree char *label = group_label (bd, grp);
      g_auto(GStrv) parts = g_strsplit (label, ", ", -1);
      /* An intersection on two lines keeps the table narrow. */
      g_autofree char *name = bd->n_columns == 2 && g_strv_length (parts) == 2 ? g_strjoinv ("\n", parts)
                                                                                  : g_strdup (label);
      g_autofree char *escaped = g_markup_escape_text (name, -1);
      g_autofree char *group_markup = NULL;
      g_autofree char *rows_markup = NULL;
      const char *row_class = g == selected ? "selected" : (g % 2 ? "odd" : NULL);

      for (guint k = 0; k < G_N_ELEMENTS (row->widgets) && row->widgets[k] != NULL; k++)
        {
          gtk_widget_remove_css_class (row->widgets[k], "selected");
          gtk_widget_remove_css_class (row->widgets[k], "odd");
          if (row_class != NULL)
            gtk_widget_add_css_class (row->widgets[k], row_class);
        }

      if (g == bd->reference)
        group_markup = g_strdup_printf ("%s\n<span size=\"small\" alpha=\"65%%\">%s</span>", escaped,
                                        _("best-off group"));
      else
        group_markup = g_strdup (escaped);
      gtk_label_set_markup (row->group_label, group_markup);

      if (grp->too_small)
        rows_markup = g_strdup_printf ("%'d\n<span size=\"small\">%s</span>", (int) grp->n,
                                       _("too few to conclude"));
      else
        rows_markup = g_strdup_printf ("%'d", (int) grp->n);
      gtk_label_set_markup (row->rows, rows_markup);
      if (grp->too_small)
        gtk_widget_add_css_class (GTK_WIDGET (row->rows), "warning");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (row->rows), "warning");

      for (guint c = 0; c < n_rates; c++)
        {
          CxRate m = table_rates[c];
          g_autofree char *value = format_percent (grp->rate[m]);
          g_autofree char *interval = format_interval_percent (grp->rate_ci[m]);
          g_autofree char *gap = g == bd->reference ? g_strdup ("") : format_points (grp->difference[m]);
          g_autofree char *markup = isnan (grp->rate[m])
                                    ? g_strdup (value)
                                    : g_strdup_printf ("%s\n<span size=\"small\" alpha=\"65%%\">%s</span>"
                                                       "\n<span size=\"small\" alpha=\"65%%\">%s</span>",
                                                       value, interval, gap);
          gtk_label_set_markup (row->cells[c], markup);
        }
    }
}

/* ---- attribution ---- */

typedef struct
{
  int column;
  double overall;
} Ranked;

static int
compare_ranked (gconstpointer a,
                gconstpointer b)
{
  const Ranked *x = a, *y = b;
  if (x->overall != y->overall)
    return x->overall > y->overall ? -1 : 1;
  return x->column - y->column;
}

static void
update_attribution (CandorFairnessPage *self)
{
  const CxFairnessReport *run = candor_fairness_analysis_get_attribution_report (self->analysis);
  const CxFairnessBreakdown *bd = candor_fairness_analysis_get_attribution_breakdown (self->analysis);
  CandorDataset *dataset = candor_fairness_analysis_get_dataset (self->analysis);
  const char * const *sensitive = dataset ? candor_dataset_get_sensitive_columns (dataset) : NULL;
  const char *fav = candor_fairness_analysis_get_favourable_name (self->analysis);
  g_autofree Ranked *ranked = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func (g_free);
  g_autofree double *values = NULL;
  g_autofree char *caption = NULL;
  g_autofree char *legend = NULL;
  g_autofree char *n_rows = NULL;
  int C;

  gtk_widget_set_visible (self->attribution_section, run != NULL && bd != NULL);
  if (run == NULL || bd == NULL)
    return;

  C = run->n_attribution_columns;
  ranked = g_new (Ranked, MAX (C, 1));
  for (int c = 0; c < C; c++)
    ranked[c] = (Ranked) { c, run->overall.attribution ? run->overall.attribution[c] : 0 };
  qsort (ranked, C, sizeof (Ranked), compare_ranked);

  values = g_new (double, (gsize) MAX (C, 1) * MAX (bd->n_groups, 1));
  for (int r = 0; r < C; r++)
    {
      const char *name = run->attribution_columns[ranked[r].column];
      if (sensitive != NULL && g_strv_contains (sensitive, name))
        /* Translators: a column the schema lists as sensitive */
        g_ptr_array_add (rows, g_strdup_printf (_("%s (sensitive)"), name));
      else
        g_ptr_array_add (rows, g_strdup (name));
      for (int g = 0; g < bd->n_groups; g++)
        values[r * bd->n_groups + g] = bd->groups[g].attribution ? bd->groups[g].attribution[ranked[r].column] : NAN;
    }
  for (int g = 0; g < bd->n_groups; g++)
    g_ptr_array_add (groups, group_label (bd, &bd->groups[g]));
  g_ptr_array_add (rows, NULL);
  g_ptr_array_add (groups, NULL);

  candor_heat_table_set_data (self->heat_table, C, bd->n_groups, (const char * const *) rows->pdata,
                              (const char * const *) groups->pdata, values);
  /* Translators: %s is the favourable decision */
  legend = g_strdup_printf (_("mean |attribution| to “%s”: brighter is stronger"), fav);
  candor_heat_table_set_legend (self->heat_table, legend);
  n_rows = rows_text (run->attribution_rows);
  caption = g_strdup_printf (_("How strongly each column moves the model’s “%s” score, on average over each "
                               "group’s rows (mean absolute integrated-gradients attribution, %s explained). "
                               "A column that weighs much more in one group than in another deserves a "
                               "closer look, and so does any weight on a sensitive column."), fav, n_rows);
  gtk_label_set_label (self->attribution_caption, caption);
}

/* ---- the page ---- */

static void
update_results (CandorFairnessPage *self)
{
  const CxFairnessReport *report = candor_fairness_analysis_get_report (self->analysis);
  const CxFairnessBreakdown *bd = candor_fairness_analysis_get_breakdown (self->analysis);
  CandorDataset *dataset = candor_fairness_analysis_get_dataset (self->analysis);
  CandorModel *model = self->session ? candor_session_get_model (self->session) : NULL;
  const char *fav = candor_fairness_analysis_get_favourable_name (self->analysis);
  g_autofree char *rows = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *footnote = NULL;
  g_autoptr(GString) foot = g_string_new (NULL);

  if (report == NULL || bd == NULL)
    return;
  rows = count_text (self, report->n_rows);
  /* Translators: model, favourable decision, "2,380 rows", data */
  subtitle = g_strdup_printf (_("How %s decides “%s” for the %s of %s, group by group."),
                              model ? candor_model_get_name (model) : _("the model"), fav, rows,
                              dataset ? candor_dataset_get_name (dataset) : "");
  gtk_label_set_label (self->subtitle_label, subtitle);

  update_verdict (self, report, bd);
  update_figures (self, report, bd);
  update_charts (self, report, bd);
  {
    /* xgettext:no-c-format */
    const char *caption = _("Each bar is a group’s rate; the whisker is its 95 % interval, the range the rate "
                            "could plausibly take in another sample of the same kind. Overlapping whiskers "
                            "mean the gap may be chance.");
    g_autofree char *text = groups_listable (self)
                            ? g_strconcat (caption, " ", _("Click a group to list its rows."), NULL)
                            : g_strdup (caption);
    gtk_label_set_label (self->charts_caption, text);
  }
  gtk_widget_set_visible (GTK_WIDGET (self->more_expander), report->has_labels);
  update_table (self, report, bd);
  update_attribution (self);

  g_string_append (foot, _("Metrics as Fairlearn defines them."));
  if (report->params.resamples > 0)
    /* (gettext cannot see through G_GUINT64_FORMAT: plain %llu) */
    g_string_append_printf (foot, _(" Intervals: %.0f %% percentile bootstrap over the rows, %d resamples, "
                                    "seed %llu."),
                            100 * report->params.confidence, report->params.resamples,
                            (unsigned long long) report->params.seed);
  g_string_append_printf (foot, _(" Groups with fewer than %d rows are marked “too few to conclude”."),
                          report->params.min_group_size);
  if (!report->has_labels)
    g_string_append (foot, _(" The data has no recorded outcomes, so only selection rates can be compared."));
  if (candor_fairness_analysis_get_attribution_report (self->analysis) != NULL)
    g_string_append_printf (foot, _(" Attribution: integrated gradients, %d Gauss–Legendre steps from the "
                                    "mean row."),
                            candor_fairness_analysis_get_attribution_report (self->analysis)->params.ig_steps);
  gtk_label_set_label (self->footnote_label, foot->str);
}

static void
update (CandorFairnessPage *self)
{
  CandorFairnessStatus status;
  gboolean busy;

  if (self->analysis == NULL)
    {
      adw_status_page_set_description (self->status_page, NULL);
      gtk_widget_set_visible (self->demo_button, FALSE);
      gtk_stack_set_visible_child_name (self->stack, "status");
      return;
    }
  status = candor_fairness_analysis_get_status (self->analysis);
  busy = status == CANDOR_FAIRNESS_COMPUTING;
  gtk_spinner_set_spinning (self->computing_spinner, busy);
  gtk_spinner_set_spinning (self->updating_spinner, candor_fairness_analysis_get_updating (self->analysis));
  gtk_widget_set_visible (GTK_WIDGET (self->updating_spinner), candor_fairness_analysis_get_updating (self->analysis));

  switch (status)
    {
    case CANDOR_FAIRNESS_UNAVAILABLE:
    case CANDOR_FAIRNESS_FAILED:
      adw_status_page_set_title (self->status_page, status == CANDOR_FAIRNESS_FAILED
                                                    ? _("Groups Could Not Be Compared")
                                                    : _("Is Any Group Treated Differently?"));
      adw_status_page_set_description (self->status_page, candor_fairness_analysis_get_message (self->analysis));
      gtk_widget_set_visible (self->demo_button, candor_fairness_analysis_get_offer_demo (self->analysis));
      gtk_stack_set_visible_child_name (self->stack, "status");
      self->shown_serial = 0;
      return;
    case CANDOR_FAIRNESS_COMPUTING:
      gtk_stack_set_visible_child_name (self->stack, "computing");
      self->shown_serial = 0;
      return;
    case CANDOR_FAIRNESS_READY:
    default:
      break;
    }

  sync_controls (self);
  if (self->shown_serial != candor_fairness_analysis_get_serial (self->analysis))
    {
      self->shown_serial = candor_fairness_analysis_get_serial (self->analysis);
      update_results (self);
    }
  else if (g_strcmp0 (self->shown_selected, candor_fairness_analysis_get_selected_group (self->analysis)) != 0)
    {
      /* Only the selected group changed. */
      const CxFairnessBreakdown *bd = candor_fairness_analysis_get_breakdown (self->analysis);
      const CxFairnessReport *report = candor_fairness_analysis_get_report (self->analysis);
      if (bd != NULL && report != NULL)
        {
          int selected = selected_index (self, bd);
          for (int m = 0; m < CX_N_RATES; m++)
            candor_metric_chart_set_selected (self->charts[m], selected);
          update_table (self, report, bd);
        }
    }
  g_free (self->shown_selected);
  self->shown_selected = g_strdup (candor_fairness_analysis_get_selected_group (self->analysis));
  gtk_stack_set_visible_child_name (self->stack, "results");
}

static void
hold_if_mapped (CandorFairnessPage *self)
{
  gboolean want = self->analysis != NULL && gtk_widget_get_mapped (GTK_WIDGET (self));

  if (want == self->holding)
    return;
  self->holding = want;
  if (want)
    candor_fairness_analysis_hold (self->analysis);
  else
    candor_fairness_analysis_release (self->analysis);
}

CandorSession *
candor_fairness_page_get_session (CandorFairnessPage *self)
{
  g_return_val_if_fail (CANDOR_IS_FAIRNESS_PAGE (self), NULL);
  return self->session;
}

void
candor_fairness_page_set_session (CandorFairnessPage *self,
                                  CandorSession      *session)
{
  g_return_if_fail (CANDOR_IS_FAIRNESS_PAGE (self));
  g_return_if_fail (session == NULL || CANDOR_IS_SESSION (session));

  if (self->session == session)
    return;
  if (self->analysis != NULL)
    {
      if (self->holding)
        candor_fairness_analysis_release (self->analysis);
      self->holding = FALSE;
      g_signal_handlers_disconnect_by_data (self->analysis, self);
      self->analysis = NULL;
    }
  g_set_object (&self->session, session);
  if (session != NULL)
    {
      self->analysis = candor_fairness_analysis_get_for_session (session);
      g_signal_connect_swapped (self->analysis, "changed", G_CALLBACK (update), self);
    }
  self->shown_serial = 0;
  hold_if_mapped (self);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

void
candor_fairness_page_select_group (CandorFairnessPage *self,
                                   const char         *column,
                                   const char         *value)
{
  const CxFairnessBreakdown *bd;

  g_return_if_fail (CANDOR_IS_FAIRNESS_PAGE (self));
  g_return_if_fail (column != NULL && value != NULL);

  bd = self->analysis ? candor_fairness_analysis_get_breakdown (self->analysis) : NULL;
  if (bd != NULL && g_str_equal (bd->name, column))
    for (int g = 0; g < bd->n_groups; g++)
      if (g_str_equal (bd->groups[g].name, value))
        {
          activate_group (self, bd, g);
          return;
        }
  /* A group of columns not shown: still list its rows. */
  g_signal_emit (self, signals[GROUP_ACTIVATED], 0, column, value);
}

static void
candor_fairness_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (candor_fairness_page_parent_class)->map (widget);
  hold_if_mapped (CANDOR_FAIRNESS_PAGE (widget));
}

static void
candor_fairness_page_unmap (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (candor_fairness_page_parent_class)->unmap (widget);
  hold_if_mapped (CANDOR_FAIRNESS_PAGE (widget));
}

static void
candor_fairness_page_dispose (GObject *object)
{
  CandorFairnessPage *self = CANDOR_FAIRNESS_PAGE (object);

  candor_fairness_page_set_session (self, NULL);
  g_clear_pointer (&self->verdict_summary, g_free);
  g_clear_pointer (&self->shown_available, g_strfreev);
  g_clear_pointer (&self->shown_first, g_free);
  g_clear_pointer (&self->shown_classes, g_strfreev);
  g_clear_pointer (&self->shown_selected, g_free);
  g_clear_pointer (&self->table_rows, g_array_unref);
  g_clear_pointer (&self->table_key, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), CANDOR_TYPE_FAIRNESS_PAGE);

  G_OBJECT_CLASS (candor_fairness_page_parent_class)->dispose (object);
}

static void
candor_fairness_page_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  CandorFairnessPage *self = CANDOR_FAIRNESS_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
candor_fairness_page_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  CandorFairnessPage *self = CANDOR_FAIRNESS_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      candor_fairness_page_set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
candor_fairness_page_class_init (CandorFairnessPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = candor_fairness_page_dispose;
  object_class->get_property = candor_fairness_page_get_property;
  object_class->set_property = candor_fairness_page_set_property;

  widget_class->map = candor_fairness_page_map;
  widget_class->unmap = candor_fairness_page_unmap;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, CANDOR_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CandorFairnessPage::group-activated:
   * @column: the column ("afam"), or the columns of an intersection ("afam,single")
   * @value: the group's value ("yes"), or its values ("yes,no")
   *
   * The user picked a group (in a chart or the table) to see its rows.
   */
  signals[GROUP_ACTIVATED] =
    g_signal_new ("group-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  g_type_ensure (CANDOR_TYPE_HEAT_TABLE);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/candor/Candor/ui/candor-fairness-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CandorFairnessPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CandorFairnessPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, CandorFairnessPage, demo_button);
  gtk_widget_class_bind_template_child (widget_class, CandorFairnessPage, computing_page);
  gtk_widget_class_bind_template_child (widget_class, CandorFairnessPage, computing_spinner);
  gtk_widget_class_bind_template_child (widget_class, CandorFairnessPage, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, CandorFairnessPage, column_row);
  gtk_widget_class_bind_template_child (widget_class, CandorFairnessPage, second_row);
  gtk_widget_class_bind_template_child (widget_class, CandorFairnessPage, favourable_row);
  gtk_widget_class_bind_template_child (widget_class, CandorFairnessPage, threshold_row);
  gtk_widget_class_bind_template_child (widget_class, CandorFairnessPage, updating_spinner);
  gtk_widget_class_bind_template_child (widget_class, CandorFairnessPage, threshold_scale);
  gtk_widget_class_bind_template_child (widget_class, CandorFairnessPage, threshold_adjustment);
  gtk_widget_class_bind_template_child (widget_class, CandorFairnessPage, threshold_label);
  gtk_widget_class_bind_template_child (widget_class, CandorFairnessPage, verdict_box);
  gtk_widget_class_bind_template_child (widget_class, CandorFairnessPage, verdict_icon);
  gtk_widget_class_bind_template_child (widget_class, CandorFairnessPage, verdict_title);
  gtk_widget_class_bind_template_child (widget_class, CandorFairnessPage, verdict_text);
  gtk_widget_class_bind_template_child (widget_class, CandorFairnessPage, figures_box);
  gtk_widget_class_bind_template_child (widget_class, CandorFairnessPage, charts_caption);
  gtk_widget_class_bind_template_child (widget_class, CandorFairnessPage, charts_box);
  gtk_widget_class_bind_template_child (widget_class, CandorFairnessPage, more_expander);
  gtk_widget_class_bind_template_child (widget_class, CandorFairnessPage, more_box);
  gtk_widget_class_bind_template_child (widget_class, CandorFairnessPage, table_caption);
  gtk_widget_class_bind_template_child (widget_class, CandorFairnessPage, table_grid);
  gtk_widget_class_bind_template_child (widget_class, CandorFairnessPage, attribution_section);
  gtk_widget_class_bind_template_child (widget_class, CandorFairnessPage, attribution_caption);
  gtk_widget_class_bind_template_child (widget_class, CandorFairnessPage, heat_table);
  gtk_widget_class_bind_template_child (widget_class, CandorFairnessPage, footnote_label);
}

static void
candor_fairness_page_init (CandorFairnessPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* The verdict's title and paragraph (see candor-width-bin.h). */
  candor_width_bin_wrap (gtk_widget_get_parent (GTK_WIDGET (self->verdict_text)));

  self->table_rows = g_array_new (FALSE, TRUE, sizeof (TableRow));
  for (guint i = 0; i < G_N_ELEMENTS (prominent); i++)
    gtk_box_append (self->charts_box, chart_card (self, prominent[i]));
  for (guint i = 0; i < G_N_ELEMENTS (secondary); i++)
    gtk_box_append (self->more_box, chart_card (self, secondary[i]));
  candor_heat_table_set_title (self->heat_table, _("What drives the decisions in each group"));

  g_signal_connect_swapped (self->column_row, "notify::selected", G_CALLBACK (on_columns_chosen), self);
  g_signal_connect_swapped (self->second_row, "notify::selected", G_CALLBACK (on_columns_chosen), self);
  g_signal_connect_swapped (self->favourable_row, "notify::selected", G_CALLBACK (on_favourable_chosen), self);
  g_signal_connect_swapped (self->threshold_adjustment, "value-changed", G_CALLBACK (on_threshold_changed), self);
  gtk_scale_add_mark (self->threshold_scale, 0.5, GTK_POS_BOTTOM, NULL);
  update_threshold_label (self);
  update (self);
}

/* ---- --state ---- */

static void
add_number (JsonBuilder *b,
            const char  *key,
            double       v)
{
  json_builder_set_member_name (b, key);
  if (isnan (v) || isinf (v))
    json_builder_add_null_value (b);
  else
    json_builder_add_double_value (b, v);
}

static void
add_interval (JsonBuilder  *b,
              const char   *key,
              const double  ci[2])
{
  g_autofree char *name = g_strconcat (key, "_ci", NULL);

  json_builder_set_member_name (b, name);
  if (isnan (ci[0]) || isnan (ci[1]))
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_array (b);
  json_builder_add_double_value (b, ci[0]);
  json_builder_add_double_value (b, ci[1]);
  json_builder_end_array (b);
}

static void
add_group (JsonBuilder           *b,
           const CxFairnessGroup *g,
           gboolean               comparison)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "n");
  json_builder_add_int_value (b, g->n);
  json_builder_set_member_name (b, "too_small");
  json_builder_add_boolean_value (b, g->too_small);
  for (int m = 0; m < CX_N_RATES; m++)
    {
      add_number (b, cx_rate_name (m), g->rate[m]);
      add_interval (b, cx_rate_name (m), g->rate_ci[m]);
    }
  if (comparison)
    for (int m = 0; m < CX_N_RATES; m++)
      {
        g_autofree char *d = g_strconcat (cx_rate_name (m), "_difference", NULL);
        add_number (b, d, g->difference[m]);
        add_interval (b, d, g->difference_ci[m]);
      }
  json_builder_end_object (b);
}

void
candor_fairness_page_add_state (CandorFairnessPage *self,
                                JsonBuilder        *b)
{
  static const char *const status_names[] = { "unavailable", "computing", "ready", "failed" };
  const CxFairnessReport *report;
  const CxFairnessBreakdown *bd, *abd;
  const CxFairnessReport *run;
  CandorFairnessStatus status;

  g_return_if_fail (CANDOR_IS_FAIRNESS_PAGE (self));

  status = self->analysis ? candor_fairness_analysis_get_status (self->analysis) : CANDOR_FAIRNESS_UNAVAILABLE;
  report = self->analysis ? candor_fairness_analysis_get_report (self->analysis) : NULL;
  bd = self->analysis ? candor_fairness_analysis_get_breakdown (self->analysis) : NULL;

  json_builder_set_member_name (b, "ready");
  json_builder_add_boolean_value (b, report != NULL && bd != NULL);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, status_names[status]);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, self->analysis ? candor_fairness_analysis_get_message (self->analysis) : NULL);
  if (self->analysis == NULL)
    return;
  json_builder_set_member_name (b, "updating");
  json_builder_add_boolean_value (b, candor_fairness_analysis_get_updating (self->analysis));
  json_builder_set_member_name (b, "runs");
  json_builder_add_int_value (b, candor_fairness_analysis_get_n_runs (self->analysis));
  json_builder_set_member_name (b, "columns");
  json_builder_begin_array (b);
  for (guint i = 0; i < 2; i++)
    if (candor_fairness_analysis_get_column (self->analysis, i) != NULL)
      json_builder_add_string_value (b, candor_fairness_analysis_get_column (self->analysis, i));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "threshold");
  json_builder_add_double_value (b, candor_fairness_analysis_get_threshold (self->analysis));
  json_builder_set_member_name (b, "favourable");
  json_builder_add_string_value (b, candor_fairness_analysis_get_favourable_name (self->analysis));
  json_builder_set_member_name (b, "selected_group");
  json_builder_add_string_value (b, candor_fairness_analysis_get_selected_group (self->analysis));
  if (report == NULL || bd == NULL)
    return;

  json_builder_set_member_name (b, "verdict");
  json_builder_add_string_value (b, self->verdict_summary);
  json_builder_set_member_name (b, "rows");
  json_builder_add_int_value (b, report->n_rows);
  json_builder_set_member_name (b, "report_threshold");
  json_builder_add_double_value (b, report->params.threshold);
  json_builder_set_member_name (b, "resamples");
  json_builder_add_int_value (b, report->params.resamples);
  json_builder_set_member_name (b, "breakdown");
  json_builder_add_string_value (b, bd->name);
  json_builder_set_member_name (b, "reference_group");
  json_builder_add_string_value (b, bd->groups[bd->reference].name);
  json_builder_set_member_name (b, "overall");
  add_group (b, &report->overall, FALSE);
  json_builder_set_member_name (b, "groups");
  json_builder_begin_object (b);
  for (int g = 0; g < bd->n_groups; g++)
    {
      json_builder_set_member_name (b, bd->groups[g].name);
      add_group (b, &bd->groups[g], TRUE);
    }
  json_builder_end_object (b);
  for (int d = 0; d < CX_N_DISPARITIES; d++)
    {
      add_number (b, cx_disparity_name (d), bd->disparity[d]);
      add_interval (b, cx_disparity_name (d), bd->disparity_ci[d]);
    }
  json_builder_set_member_name (b, "four_fifths_failed");
  json_builder_add_boolean_value (b, bd->four_fifths_failed);
  add_number (b, "four_fifths_line", FOUR_FIFTHS * bd->groups[bd->reference].rate[CX_RATE_SELECTION]);

  run = candor_fairness_analysis_get_attribution_report (self->analysis);
  abd = candor_fairness_analysis_get_attribution_breakdown (self->analysis);
  json_builder_set_member_name (b, "attribution");
  if (run == NULL || abd == NULL)
    json_builder_add_null_value (b);
  else
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "rows");
      json_builder_add_int_value (b, run->attribution_rows);
      json_builder_set_member_name (b, "groups");
      json_builder_begin_object (b);
      for (int g = 0; g < abd->n_groups; g++)
        {
          json_builder_set_member_name (b, abd->groups[g].name);
          json_builder_begin_object (b);
          for (int c = 0; c < run->n_attribution_columns; c++)
            add_number (b, run->attribution_columns[c],
                        abd->groups[g].attribution ? abd->groups[g].attribution[c] : NAN);
          json_builder_end_object (b);
        }
      json_builder_end_object (b);
      json_builder_end_object (b);
    }
}
