/* candor-whatif-page.c: counterfactuals for the selected sample.
 *
 * A table row: the engine's diverse counterfactuals (explain/
 * counterfactual.h) as a diff table, the row against each smallest change
 * found that makes the model decide the favourable way, with a lock per
 * column. An image: the smallest perturbation that makes the model see a
 * chosen class, the changed image and the signed difference.
 *
 * The search runs off the main thread, and only while the page is shown
 * (or when candor_whatif_page_ensure() asks for it): a selection made on
 * another page leaves this one stale until it is shown.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>

#include "atomic-file.h"
#include "candor-dataset.h"
#include "candor-diff-table.h"
#include "candor-info-row.h"
#include "candor-model.h"
#include "candor-pixel-view.h"
#include "candor-sample.h"
#include "candor-session.h"
#include "candor-whatif-job.h"
#include "candor-whatif-page.h"
#include "render.h"

#define DEFAULT_COUNT 5
#define MAX_COUNT 10

struct _CandorWhatifPage
{
  AdwBin parent_instance;

  /* template widgets */
  AdwToastOverlay *toast_overlay;
  GtkStack *stack;
  AdwStatusPage *status_page;
  GtkSpinner *status_spinner;
  GtkWidget *table_box;
  GtkLabel *table_title;
  GtkLabel *table_sentence;
  GtkSpinButton *count_spin;
  GtkWidget *show_all_box;
  GtkSwitch *show_all_switch;
  GtkWidget *unlock_button;
  GtkSpinner *table_spinner;
  GtkWidget *diff_scroller;
  CandorDiffTable *diff_table;
  GtkLabel *table_note;
  GtkLabel *table_legend;
  GtkWidget *image_box;
  GtkLabel *image_title;
  GtkLabel *image_sentence;
  GtkDropDown *target_dropdown;
  GtkStringList *target_names;
  GtkSpinner *image_spinner;
  CandorPixelView *input_view;
  CandorPixelView *perturbed_view;
  CandorPixelView *difference_view;
  GtkLabel *input_caption;
  GtkLabel *perturbed_caption;
  GtkLabel *difference_legend;
  GtkListBox *facts_list;

  /* owned */
  CandorSession *session;
  CandorWhatifResult *result;
  CandorSample *result_sample;     /* what the result is about */
  char *error;                     /* why the last search failed */
  GCancellable *cancellable;
  CandorSession *compute_session;  /* kept busy until the pending search starts */
  guint compute_id;                /* a search due once the current changes are done */
  GPtrArray *user_locks;           /* column names the user locked */
  GtkFileChooserNative *chooser;

  const char *status;               /* what the page says, for --state */
  int count;
  int64_t target;                  /* images: < 0 the runner-up */
  gboolean stale;                  /* the result is not for the current state */
  gboolean updating_controls;
};

G_DEFINE_FINAL_TYPE (CandorWhatifPage, candor_whatif_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_COMPUTING,
  PROP_CAN_EXPORT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void compute (CandorWhatifPage *self);

/* ---- words and numbers ---- */

static char *
class_name (CandorWhatifPage *self,
            int64_t           k)
{
  CandorModel *model = self->session ? candor_session_get_model (self->session) : NULL;
  const char * const *classes = model ? candor_model_get_classes (model) : NULL;

  if (classes != NULL && k >= 0 && k < (int64_t) g_strv_length ((char **) classes))
    return g_strdup (classes[k]);
  /* Translators: a class without a name; %d is its output index */
  return g_strdup_printf (_("class %d"), (int) k);
}

/* A probability as a percentage that never rounds across @threshold. */
static char *
percent (double p,
         double threshold)
{
  char *text = g_strdup_printf ("%.1f %%", 100.0 * p);

  if ((p < threshold) != (round (1000.0 * p) / 1000.0 < threshold))
    {
      g_free (text);
      text = g_strdup_printf ("%.3f %%", 100.0 * p);
    }
  return text;
}

/* A whole percentage for sentences, rounded but never across @threshold. */
static char *
whole_percent (double p,
               double threshold)
{
  double v = round (100.0 * p);

  if (p < threshold && v >= 100.0 * threshold)
    v = ceil (100.0 * threshold) - 1;
  else if (p >= threshold && v < 100.0 * threshold)
    v = ceil (100.0 * threshold);
  return g_strdup_printf ("%.0f %%", v);
}

/* A cell as the table shows it: long numbers in four significant digits,
 * more when @other would look the same. NULL: show @text as it is. */
static char *
short_number (const CxSchemaColumn *col,
              const char           *text,
              const char           *other)
{
  double v, w;

  if (col->kind != CX_COLUMN_NUMERIC || strlen (text) <= 7 || !cx_parse_number (text, &v))
    return NULL;
  for (int digits = 4; digits <= 12; digits++)
    {
      char *s = g_strdup_printf ("%.*g", digits, v);
      g_autofree char *o = other && cx_parse_number (other, &w) ? g_strdup_printf ("%.*g", digits, w) : NULL;
      if (o == NULL || strcmp (s, o) != 0 || digits == 12)
        return s;
      g_free (s);
    }
  return NULL;
}

static char *
join_names (GPtrArray *names)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *escaped = g_markup_escape_text (g_ptr_array_index (names, i), -1);
      if (i > 0)
        /* Translators: between names in a list; the last one is joined with “and” */
        g_string_append (text, i + 1 == names->len ? _(" and ") : _(", "));
      g_string_append_printf (text, "<b>%s</b>", escaped);
    }
  return g_string_free (text, FALSE);
}

/* ---- state of the page ---- */

static gboolean
user_locked (CandorWhatifPage *self,
             const char       *column)
{
  for (guint i = 0; i < self->user_locks->len; i++)
    if (g_str_equal (g_ptr_array_index (self->user_locks, i), column))
      return TRUE;
  return FALSE;
}

static const CxSchema *
current_schema (CandorWhatifPage *self)
{
  CandorDataset *dataset = self->session ? candor_session_get_dataset (self->session) : NULL;
  return dataset ? candor_dataset_get_schema (dataset) : NULL;
}

static gboolean
get_can_export (CandorWhatifPage *self)
{
  return self->result != NULL && self->result->table != NULL && self->result->table->n_items > 0
         && self->cancellable == NULL;
}

static void
set_computing (CandorWhatifPage *self,
               gboolean          computing)
{
  gtk_widget_set_visible (GTK_WIDGET (self->table_spinner), computing);
  gtk_spinner_set_spinning (self->table_spinner, computing);
  gtk_widget_set_visible (GTK_WIDGET (self->image_spinner), computing);
  gtk_spinner_set_spinning (self->image_spinner, computing);
  gtk_widget_set_visible (GTK_WIDGET (self->status_spinner), computing);
  gtk_spinner_set_spinning (self->status_spinner, computing);
  /* What is shown is about to be replaced. */
  gtk_widget_set_sensitive (self->diff_scroller, !computing);
  gtk_widget_set_opacity (self->diff_scroller, computing ? 0.5 : 1.0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPUTING]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_EXPORT]);
}

static void
cancel_job (CandorWhatifPage *self)
{
  if (self->cancellable == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  set_computing (self, FALSE);
}

static void
drop_pending_compute (CandorWhatifPage *self)
{
  g_autoptr(CandorSession) session = g_steal_pointer (&self->compute_session);

  if (self->compute_id == 0)
    return;
  g_clear_handle_id (&self->compute_id, g_source_remove);
  candor_session_end_job (session);
}

static gboolean
compute_idle (gpointer user_data)
{
  CandorWhatifPage *self = user_data;
  g_autoptr(CandorSession) session = g_steal_pointer (&self->compute_session);

  self->compute_id = 0;
  if (self->stale && gtk_widget_get_mapped (GTK_WIDGET (self)))
    compute (self);
  candor_session_end_job (session);
  return G_SOURCE_REMOVE;
}

/* Searches once the main loop is done with what changed now: opening a
 * file or a session changes the model, the data, the selection and the
 * settings one after the other, and only the last state is searched.
 * The session counts as busy meanwhile. */
static void
schedule_compute (CandorWhatifPage *self)
{
  if (self->compute_id != 0 || self->session == NULL)
    return;
  self->compute_session = g_object_ref (self->session);
  candor_session_begin_job (self->compute_session);
  self->compute_id = g_idle_add_full (G_PRIORITY_DEFAULT, compute_idle, self, NULL);
}

static void
show_status (CandorWhatifPage *self,
             const char       *icon,
             const char       *title,
             const char       *description)
{
  /* The description is markup; error messages name files. */
  g_autofree char *escaped = description ? g_markup_escape_text (description, -1) : NULL;

  adw_status_page_set_icon_name (self->status_page, icon ? icon : "candor-whatif-symbolic");
  adw_status_page_set_title (self->status_page, title);
  adw_status_page_set_description (self->status_page, escaped);
  gtk_stack_set_visible_child_name (self->stack, "status");
}

/* The result no longer matches what is selected: drop it, and search
 * again now if the page is shown. */
static void
invalidate (CandorWhatifPage *self)
{
  cancel_job (self);
  g_clear_pointer (&self->result, candor_whatif_result_free);
  g_clear_object (&self->result_sample);
  g_clear_pointer (&self->error, g_free);
  self->status = "stale";
  self->stale = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_EXPORT]);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    schedule_compute (self);
}

/* ---- tables ---- */

/* No option found: which locks and limits may be why. */
static char *
none_found_reason (CandorWhatifPage             *self,
                   const CxCounterfactualResult *r)
{
  const CxSchema *schema = current_schema (self);
  g_autoptr(GPtrArray) locked = g_ptr_array_new ();
  g_autofree char *names = NULL;
  g_autofree char *note = NULL;

  for (int c = 0; c < r->n_columns; c++)
    if (r->stats[c].locked)
      g_ptr_array_add (locked, schema->columns[c].name);
  names = join_names (locked);
  if (locked->len > 0)
    /* Translators: %s lists the locked columns */
    note = g_strdup_printf (_("Locked now: %s. Unlocking a column gives the search more room. It also "
                              "keeps every number within the range seen in the data and only switches "
                              "to categories the data has, so a row far from every favourable one may "
                              "have no option within reach."), names);
  else
    note = g_strdup (_("No column is locked. The search keeps every number within the range seen in the "
                       "data and only switches to categories the data has, so a row far from every "
                       "favourable one may have no option within reach."));
  return g_steal_pointer (&note);
}

static void
show_table (CandorWhatifPage *self)
{
  const CxCounterfactualResult *r = self->result->table;
  const CxSchema *schema = current_schema (self);
  CandorSample *sample = self->result_sample;
  CandorDataset *dataset = candor_session_get_dataset (self->session);
  g_autofree char *favourable = class_name (self, candor_dataset_get_favourable (dataset));
  g_autofree char *fav_escaped = g_markup_escape_text (favourable, -1);
  const char *predicted = candor_sample_get_predicted (sample);
  g_autofree char *predicted_escaped = g_markup_escape_text (predicted ? predicted : "", -1);
  g_autofree char *p0 = whole_percent (r->probability, 0.5);
  g_autofree char *sentence = NULL;
  g_autofree char *accessible = NULL;
  g_autoptr(GPtrArray) titles = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) fixed = g_ptr_array_new ();
  g_autoptr(GString) legend = g_string_new (NULL);
  const double threshold = 0.5;
  int n = r->n_items;

  if (r->already_favourable)
    {
      g_autofree char *title = g_strdup_printf (_("The Model Already Decides “%s”"), favourable);
      g_autofree char *p = percent (r->probability, threshold);
      /* Translators: sample name, favourable decision, its probability */
      g_autofree char *description = g_strdup_printf (_("%s: %s %s. Nothing needs to change. Pick a row the "
                                                        "model decides otherwise to see what would change "
                                                        "its decision."),
                                                      candor_sample_get_name (sample), favourable, p);
      show_status (self, "emblem-ok-symbolic", title, description);
      return;
    }

  gtk_label_set_label (self->table_title, candor_sample_get_name (sample));
  if (n > 0)
    /* Translators: decision on the row, the favourable decision, its probability, the favourable decision again */
    sentence = g_strdup_printf (_("The model decides <b>%s</b> for this row (%s %s). Each option below is "
                                  "one of the smallest changes found that make it decide <b>%s</b>."),
                                predicted_escaped, fav_escaped, p0, fav_escaped);
  else
    {
      g_autofree char *reason = none_found_reason (self, r);
      g_autofree char *first = g_strdup_printf (_("The model decides <b>%s</b> for this row (%s %s), and no "
                                                  "change was found that makes it decide <b>%s</b>."),
                                                predicted_escaped, fav_escaped, p0, fav_escaped);
      sentence = g_strconcat (first, "\n\n", reason, NULL);
    }
  gtk_label_set_markup (self->table_sentence, sentence);

  /* Columns: the row, then each option. */
  g_ptr_array_add (titles, g_strdup (candor_sample_get_name (sample)));
  for (int i = 0; i < n; i++)
    /* Translators: the title of a counterfactual's column */
    g_ptr_array_add (titles, g_strdup_printf (_("Option %d"), i + 1));
  g_ptr_array_add (titles, NULL);
  candor_diff_table_set_columns (self->diff_table, (const char * const *) titles->pdata);
  /* Translators: the accessible name of the counterfactual table; %s is the row */
  accessible = g_strdup_printf (_("Changes that flip the decision on %s"), candor_sample_get_name (sample));
  candor_diff_table_set_title (self->diff_table, accessible);

  {
    g_autoptr(GPtrArray) decisions = g_ptr_array_new_with_free_func (g_free);
    g_autoptr(GPtrArray) styles = g_ptr_array_new ();
    g_autoptr(GPtrArray) chances = g_ptr_array_new_with_free_func (g_free);
    g_autofree char *chance_name = g_strdup_printf (_("Chance of “%s”"), favourable);

    g_ptr_array_add (decisions, g_strdup (predicted ? predicted : ""));
    g_ptr_array_add (styles, (gpointer) "unfavourable");
    g_ptr_array_add (chances, percent (r->probability, threshold));
    for (int i = 0; i < n; i++)
      {
        g_ptr_array_add (decisions, g_strdup (favourable));
        g_ptr_array_add (styles, (gpointer) "favourable");
        g_ptr_array_add (chances, percent (r->items[i].probability, threshold));
      }
    candor_diff_table_append_info (self->diff_table, CANDOR_DIFF_PLACE_TOP, _("Decision"),
                                   _("What the model decides for the row and for each option"),
                                   (const char * const *) decisions->pdata,
                                   (const char * const *) styles->pdata);
    candor_diff_table_append_info (self->diff_table, CANDOR_DIFF_PLACE_TOP, chance_name,
                                   /* xgettext:no-c-format */
                                   _("The model’s probability of the favourable decision; 50 % or more decides it"),
                                   (const char * const *) chances->pdata, NULL);
  }

  /* One row per column the model reads, in the schema's order. */
  for (int c = 0; c < schema->n_columns; c++)
    {
      const CxSchemaColumn *col = &schema->columns[c];
      const char *original = candor_sample_get_values (sample)[col->csv_column];
      g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GPtrArray) tooltips = g_ptr_array_new_with_free_func (g_free);
      CandorDiffLock lock = CANDOR_DIFF_LOCK_NONE;
      char *shown = short_number (col, original, NULL);

      if (col->locked)
        {
          lock = CANDOR_DIFF_LOCK_FIXED;
          g_ptr_array_add (fixed, col->name);
        }
      else if (user_locked (self, col->name))
        lock = CANDOR_DIFF_LOCK_USER;
      g_ptr_array_add (cells, shown ? shown : g_strdup (original));
      g_ptr_array_add (tooltips, shown ? g_strdup (original) : NULL);
      for (int i = 0; i < n; i++)
        {
          const CxCounterfactual *cf = &r->items[i];
          const char *to = NULL;
          for (int k = 0; k < cf->n_changes; k++)
            if (cf->changes[k].column == c)
              to = cf->changes[k].to;
          shown = to ? short_number (col, to, original) : NULL;
          g_ptr_array_add (cells, to ? (shown ? shown : g_strdup (to)) : NULL);
          g_ptr_array_add (tooltips, shown ? g_strdup (to) : NULL);
        }
      candor_diff_table_append_row (self->diff_table, col->name, lock,
                                    (const char * const *) cells->pdata,
                                    (const char * const *) tooltips->pdata);
    }

  if (n > 0)
    {
      g_autoptr(GPtrArray) distances = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GPtrArray) nearest = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *nearest_tooltip = g_strdup_printf (_("The most similar row of the data that the model "
                                                            "already decides “%s”: an option close to a real "
                                                            "row looks like real cases"), favourable);

      g_ptr_array_add (distances, NULL);
      g_ptr_array_add (nearest, NULL);
      for (int i = 0; i < n; i++)
        {
          const CxCounterfactual *cf = &r->items[i];
          g_ptr_array_add (distances, g_strdup_printf ("%.2f", cf->distance));
          if (cf->nearest_row > 0)
            /* Translators: the most similar real row of the data */
            g_ptr_array_add (nearest, g_strdup_printf (_("Row %lld"), (long long) cf->nearest_row));
          else
            g_ptr_array_add (nearest, g_strdup (_("none")));
        }
      candor_diff_table_append_info (self->diff_table, CANDOR_DIFF_PLACE_BOTTOM, _("Size of change"),
                                     _("How far the option moves the row: each number’s change in typical "
                                       "steps of its column, plus 1 for each category switched"),
                                     (const char * const *) distances->pdata, NULL);
      candor_diff_table_append_info (self->diff_table, CANDOR_DIFF_PLACE_BOTTOM, _("Closest real row"),
                                     nearest_tooltip, (const char * const *) nearest->pdata, NULL);
    }

  gtk_widget_set_visible (self->show_all_box, n > 0);
  /* Few columns stay together; many fill the width (and scroll). */
  gtk_widget_set_halign (self->diff_scroller, n >= 3 ? GTK_ALIGN_FILL : GTK_ALIGN_START);
  gtk_widget_set_visible (self->unlock_button, self->user_locks->len > 0);
  /* With nothing changed, every column shows, so any lock can be lifted. */
  candor_diff_table_set_show_unchanged (self->diff_table,
                                        n == 0 || gtk_switch_get_active (self->show_all_switch));

  if (n > 0)
    {
      g_autoptr(GString) note = g_string_new (NULL);
      if (fixed->len > 0)
        {
          g_autofree char *names = join_names (fixed);
          /* Translators: %s lists columns; “are” agrees with a list of one or more */
          g_string_append_printf (note, fixed->len == 1
                                        ? _("%s is locked by the data’s schema, a protected attribute no "
                                            "option may change. ")
                                        : _("%s are locked by the data’s schema, protected attributes no "
                                            "option may change. "), names);
        }
      g_string_append (note, _("Click a column’s lock to keep it as it is, and the options are searched "
                               "again."));
      if (n < self->count)
        {
          g_string_append_c (note, ' ');
          g_string_append_printf (note, ngettext ("Found %d different option of the %d asked for.",
                                                  "Found %d different options of the %d asked for.", n),
                                  n, self->count);
        }
      gtk_label_set_markup (self->table_note, note->str);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->table_note), n > 0);

  g_string_append (legend, _("Changed values are in bold on a tinted background; a dash means unchanged. "
                             "Numbers stay within the range seen in the data, and whole numbers stay whole."));
  gtk_label_set_markup (self->table_legend, legend->str);
  gtk_stack_set_visible_child_name (self->stack, "table");
}

/* ---- images ---- */

static GdkTexture *
texture_from_rgba (const guint8 *rgba,
                   int           width,
                   int           height)
{
  g_autoptr(GBytes) bytes = g_bytes_new (rgba, (gsize) width * height * 4);
  return gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8A8, bytes, (gsize) width * 4);
}

static void
add_fact (CandorWhatifPage *self,
          const char       *title,
          const char       *subtitle,
          const char       *value)
{
  GtkWidget *row = candor_info_row_new (title);
  GtkWidget *label = gtk_label_new (value);

  candor_info_row_set_subtitle (CANDOR_INFO_ROW (row), subtitle);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (label, "numeric");
  candor_info_row_add_suffix (CANDOR_INFO_ROW (row), label);
  gtk_list_box_append (self->facts_list, row);
}

static void
swatch (GString    *text,
        double      v,
        const char *word)
{
  guint8 rgb[3];

  cx_render_color (CX_COLORMAP_DIVERGING, CX_SIGN_ALL, v, rgb);
  /* A framed square: white (no change) must show on a light window too. */
  g_string_append_printf (text, "<span foreground=\"#%02x%02x%02x\" size=\"x-large\">■</span> %s",
                          rgb[0], rgb[1], rgb[2], word);
}

/* How many classes the model tells apart: as many as it names, or as many
 * outputs as the samples were predicted with; 0 when unknown. */
static int
n_classes (CandorWhatifPage *self)
{
  CandorModel *model = self->session ? candor_session_get_model (self->session) : NULL;
  CandorDataset *dataset = self->session ? candor_session_get_dataset (self->session) : NULL;
  const char * const *classes = model ? candor_model_get_classes (model) : NULL;
  const CxTensor *p = dataset ? candor_dataset_get_probabilities (dataset) : NULL;

  if (classes != NULL)
    return (int) g_strv_length ((char **) classes);
  return p != NULL && p->ndim == 2 ? (int) p->shape[1] : 0;
}

/* "Runner-up (sneaker)" and every class, for the target drop-down. */
static void
update_targets (CandorWhatifPage *self)
{
  const CandorWhatifResult *r = self->result;
  guint n_old = g_list_model_get_n_items (G_LIST_MODEL (self->target_names));
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  int n = n_classes (self);

  if (r != NULL && r->image != NULL && self->target < 0)
    {
      g_autofree char *runner_up = class_name (self, r->image->target);
      /* Translators: the first item of the “Aim for” drop-down; %s is a class */
      g_ptr_array_add (names, g_strdup_printf (_("Runner-up (%s)"), runner_up));
    }
  else
    g_ptr_array_add (names, g_strdup (_("Runner-up class")));
  for (int k = 0; k < n; k++)
    g_ptr_array_add (names, class_name (self, k));
  g_ptr_array_add (names, NULL);

  self->updating_controls = TRUE;
  gtk_string_list_splice (self->target_names, 0, n_old, (const char * const *) names->pdata);
  gtk_drop_down_set_selected (self->target_dropdown,
                              self->target >= 0 && self->target < n ? (guint) self->target + 1 : 0);
  self->updating_controls = FALSE;
}

static void
show_image (CandorWhatifPage *self)
{
  const CandorWhatifResult *r = self->result;
  const CxImageCounterfactual *cf = r->image;
  CandorSample *sample = self->result_sample;
  g_autofree char *original = class_name (self, cf->original_class);
  g_autofree char *target = class_name (self, cf->target);
  g_autofree char *predicted = class_name (self, cf->predicted);
  g_autofree char *original_e = g_markup_escape_text (original, -1);
  g_autofree char *target_e = g_markup_escape_text (target, -1);
  g_autofree char *predicted_e = g_markup_escape_text (predicted, -1);
  g_autofree char *sentence = NULL;
  g_autofree char *caption = NULL;
  g_autofree char *alt = NULL;
  g_autofree char *size = NULL;
  g_autofree char *largest = NULL;
  g_autofree char *reach = NULL;
  g_autoptr(GdkTexture) input = texture_from_rgba (r->input_rgba, r->width, r->height);
  g_autoptr(GdkTexture) perturbed = texture_from_rgba (r->perturbed_rgba, r->width, r->height);
  g_autoptr(GdkTexture) difference = texture_from_rgba (r->difference_rgba, r->width, r->height);
  g_autoptr(GString) legend = g_string_new (NULL);
  /* The sample was predicted when it opened: its class is the original. */
  double p0 = candor_sample_get_confidence (sample);
  GtkWidget *child;

  gtk_label_set_label (self->image_title, candor_sample_get_name (sample));
  if (cf->target == cf->original_class)
    /* Translators: the class the model sees, its probability */
    sentence = g_strdup_printf (_("The model already sees <b>%s</b> (%.0f %%). Choose another class to aim "
                                  "for."), original_e, round (100.0 * p0));
  else if (cf->success)
    /* Translators: class now, its probability, class after the change, its probability */
    sentence = g_strdup_printf (_("The model sees <b>%s</b> (%.0f %%). The smallest change found makes it see "
                                  "<b>%s</b> (%.0f %%)."), original_e, round (100.0 * p0), target_e,
                                round (100.0 * cf->target_probability));
  else
    sentence = g_strdup_printf (_("The model sees <b>%s</b> (%.0f %%). No change found in %d steps makes it "
                                  "see <b>%s</b>; the closest attempt, shown below, is still seen as "
                                  "<b>%s</b>."), original_e, round (100.0 * p0), cf->steps, target_e,
                                predicted_e);
  gtk_label_set_markup (self->image_sentence, sentence);
  /* Nothing changed: only the image itself is worth showing. */
  gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (self->perturbed_view)),
                          cf->target != cf->original_class);
  gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (self->difference_view)),
                          cf->target != cf->original_class);
  gtk_widget_set_visible (GTK_WIDGET (self->difference_legend), cf->target != cf->original_class);
  gtk_widget_set_visible (GTK_WIDGET (self->facts_list), cf->target != cf->original_class);

  candor_pixel_view_set_texture (self->input_view, input);
  candor_pixel_view_set_texture (self->perturbed_view, perturbed);
  candor_pixel_view_set_texture (self->difference_view, difference);
  /* Translators: caption of the input image: the class the model sees */
  caption = g_strdup_printf (_("Now: %s"), original);
  gtk_label_set_label (self->input_caption, caption);
  g_free (caption);
  /* Translators: caption of the changed image: the class the model sees */
  caption = g_strdup_printf (_("Changed: %s"), predicted);
  gtk_label_set_label (self->perturbed_caption, caption);
  alt = g_strdup_printf (_("%s as the model sees it"), candor_sample_get_name (sample));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->input_view), GTK_ACCESSIBLE_PROPERTY_LABEL, alt, -1);
  g_free (alt);
  alt = g_strdup_printf (_("%s changed so that the model sees %s"), candor_sample_get_name (sample), predicted);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->perturbed_view), GTK_ACCESSIBLE_PROPERTY_LABEL, alt, -1);
  g_free (alt);
  alt = g_strdup_printf (_("Map of the change: red where the image got brighter, blue where it got darker, "
                           "strongest ±%.3f"), r->difference_max);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->difference_view), GTK_ACCESSIBLE_PROPERTY_LABEL, alt, -1);

  swatch (legend, -1.0, _("darker"));
  g_string_append (legend, "   ");
  swatch (legend, 1.0, _("brighter"));
  g_string_append (legend, "   ");
  /* Translators: the legend of the difference map; %.2f is a pixel value change */
  g_string_append_printf (legend, _("White: unchanged. Full colour is a change of %.2f in a pixel "
                                    "(pixels run from 0 to 1)."), r->difference_max);
  gtk_label_set_markup (self->difference_legend, legend->str);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->facts_list))) != NULL)
    gtk_list_box_remove (self->facts_list, child);
  reach = g_strdup_printf ("%.1f %%", 100.0 * cf->target_probability);
  add_fact (self, _("Aimed at"), cf->success ? _("The model now sees this class") : _("Not reached"), target);
  /* Translators: %s is a class */
  {
    g_autofree char *title = g_strdup_printf (_("Probability of “%s” after the change"), target);
    add_fact (self, title, NULL, reach);
  }
  size = g_strdup_printf ("%.3f", cf->l2);
  add_fact (self, _("Size of the change"),
            _("Square root of the summed squared pixel changes (L2); smaller is subtler"), size);
  largest = g_strdup_printf ("%.0f %%", 100.0 * cf->linf);
  add_fact (self, _("Largest change of one pixel"), _("Of the full range from black to white"), largest);

  update_targets (self);
  gtk_stack_set_visible_child_name (self->stack, "image");
}

/* ---- running ---- */

static void
show_error (CandorWhatifPage *self)
{
  show_status (self, "dialog-warning-symbolic", _("No Changes Could Be Searched For"), self->error);
}

static void
show_result (CandorWhatifPage *self)
{
  if (self->result == NULL)
    return;
  if (self->result->table != NULL)
    show_table (self);
  else if (self->result->image != NULL)
    show_image (self);
}

typedef struct
{
  CandorWhatifPage *self;
  CandorSession *session;
  CandorSample *sample;
} Request;

static void
run_done (GObject      *source,
          GAsyncResult *res,
          gpointer      user_data)
{
  Request *request = user_data;
  CandorWhatifPage *self = request->self;
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (res));
  g_autoptr(GError) error = NULL;
  g_autoptr(CandorWhatifResult) result = candor_whatif_run_finish (res, &error);

  /* Only the job that is still wanted may change the page. */
  if (cancellable != NULL && cancellable == self->cancellable && !g_cancellable_is_cancelled (cancellable))
    {
      g_clear_object (&self->cancellable);
      g_clear_pointer (&self->result, candor_whatif_result_free);
      g_set_object (&self->result_sample, request->sample);
      g_clear_pointer (&self->error, g_free);
      if (result == NULL)
        {
          self->status = "error";
          self->error = g_strdup (error->message);
          show_error (self);
        }
      else
        {
          self->status = "shown";
          self->result = g_steal_pointer (&result);
          show_result (self);
        }
      set_computing (self, FALSE);
    }
  candor_session_end_job (request->session);
  g_object_unref (request->session);
  g_object_unref (request->sample);
  g_object_unref (request->self);
  g_free (request);
}

/* Says why there is nothing to search for; FALSE when there is. */
static gboolean
explain_nothing (CandorWhatifPage *self,
                 CandorModel      *model,
                 CandorDataset    *dataset,
                 CandorSample     *sample)
{
  const char * const *ops = model ? candor_model_get_unsupported_ops (model) : NULL;

  if (dataset == NULL || sample == NULL)
    {
      self->status = "no-sample";
      show_status (self, NULL, _("No Sample Selected"),
                   _("Pick an image or a table row to find the smallest change to it that flips the "
                     "model’s decision."));
      return TRUE;
    }
  if (model == NULL)
    {
      self->status = "no-model";
      show_status (self, NULL, _("No Model"), _("Open an ONNX model to ask what would change its decisions."));
      return TRUE;
    }
  if (ops != NULL && ops[0] != NULL)
    {
      self->status = "unsupported-model";
      show_status (self, "dialog-warning-symbolic", _("This Model Cannot Run Yet"),
                   _("It uses operators Candor cannot run; the model card lists them."));
      return TRUE;
    }
  if (candor_sample_get_texture (sample) == NULL && candor_dataset_get_schema (dataset) == NULL)
    {
      g_autofree char *stem = g_strdup (candor_dataset_get_name (dataset));
      g_autofree char *text = NULL;

      if (g_str_has_suffix (stem, ".csv"))
        stem[strlen (stem) - 4] = '\0';
      /* Translators: %s is the table's name without .csv */
      text = g_strdup_printf (_("Changes are made to the table’s own values, so Candor needs the schema that "
                                "says how its columns become the model’s input: put it beside the table as "
                                "%s-schema.json."), stem);
      self->status = "no-schema";
      show_status (self, "dialog-information-symbolic", _("This Table Has No Schema"), text);
      return TRUE;
    }
  if (candor_sample_get_predicted (sample) == NULL
      || (candor_sample_get_texture (sample) == NULL && candor_dataset_get_encoded (dataset) == NULL))
    {
      const char *why = candor_dataset_get_prediction_error (dataset);
      self->status = "no-prediction";
      show_status (self, "dialog-warning-symbolic", _("The Model Does Not Fit These Inputs"),
                   why ? why : _("The model could not be run on them."));
      return TRUE;
    }
  return FALSE;
}

static void
compute (CandorWhatifPage *self)
{
  CandorSample *sample = self->session ? candor_session_get_selected_sample (self->session) : NULL;
  CandorModel *model = self->session ? candor_session_get_model (self->session) : NULL;
  CandorDataset *dataset = self->session ? candor_session_get_dataset (self->session) : NULL;
  Request *request;

  cancel_job (self);
  drop_pending_compute (self);
  self->stale = FALSE;
  if (explain_nothing (self, model, dataset, sample))
    return;

  self->cancellable = g_cancellable_new ();
  request = g_new0 (Request, 1);
  request->self = g_object_ref (self);
  request->session = g_object_ref (self->session);
  request->sample = g_object_ref (sample);
  self->status = "computing";
  candor_session_begin_job (self->session);
  if (candor_sample_get_texture (sample) != NULL)
    {
      candor_whatif_run_image_async (model, candor_sample_get_file (sample), self->target,
                                     self->cancellable, run_done, request);
      if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "image") != 0)
        show_status (self, NULL, _("Searching for the Smallest Change…"),
                     _("Nudging the image, pixel by pixel, until the model sees another class."));
    }
  else
    {
      g_autoptr(GPtrArray) lock = g_ptr_array_new ();
      for (guint i = 0; i < self->user_locks->len; i++)
        g_ptr_array_add (lock, g_ptr_array_index (self->user_locks, i));
      g_ptr_array_add (lock, NULL);
      candor_whatif_run_table_async (model, dataset, candor_sample_get_index (sample), self->count,
                                     (const char * const *) lock->pdata, self->cancellable, run_done, request);
      if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "table") != 0)
        show_status (self, NULL, _("Searching for Changes…"),
                     _("Looking for the smallest changes to this row that flip the model’s decision."));
    }
  set_computing (self, TRUE);
}

/* ---- controls ---- */

static void
on_count_changed (CandorWhatifPage *self)
{
  if (!self->updating_controls)
    candor_whatif_page_set_count (self, gtk_spin_button_get_value_as_int (self->count_spin));
}

static void
on_show_all_changed (CandorWhatifPage *self)
{
  if (self->updating_controls)
    return;
  candor_diff_table_set_show_unchanged (self->diff_table, gtk_switch_get_active (self->show_all_switch));
}

static void
on_target_changed (CandorWhatifPage *self)
{
  guint selected = gtk_drop_down_get_selected (self->target_dropdown);

  if (!self->updating_controls && selected != GTK_INVALID_LIST_POSITION)
    candor_whatif_page_set_target (self, (int) selected - 1);
}

static void
on_lock_toggled (CandorWhatifPage *self,
                 const char       *column,
                 gboolean          locked)
{
  candor_whatif_page_set_locked (self, column, locked);
}

static void
on_unlock_all (CandorWhatifPage *self)
{
  if (self->user_locks->len == 0)
    return;
  g_ptr_array_set_size (self->user_locks, 0);
  invalidate (self);
}

static void
on_dataset_changed (CandorWhatifPage *self)
{
  /* Locks name another table's columns. */
  g_ptr_array_set_size (self->user_locks, 0);
  invalidate (self);
}

static void
on_model_changed (CandorWhatifPage *self)
{
  /* Class numbers of another model mean other classes. */
  self->target = -1;
  invalidate (self);
  update_targets (self);
}

/* ---- public ---- */

/* Whether the selection is a table row (TRUE) or an image (FALSE). */
static gboolean
selected_is_row (CandorWhatifPage *self)
{
  CandorSample *sample = self->session ? candor_session_get_selected_sample (self->session) : NULL;
  return sample != NULL && candor_sample_get_texture (sample) == NULL;
}

void
candor_whatif_page_set_count (CandorWhatifPage *self,
                              int               count)
{
  g_return_if_fail (CANDOR_IS_WHATIF_PAGE (self));

  count = CLAMP (count, 1, MAX_COUNT);
  self->updating_controls = TRUE;
  gtk_spin_button_set_value (self->count_spin, count);
  self->updating_controls = FALSE;
  if (self->count == count)
    return;
  self->count = count;
  if (selected_is_row (self))
    invalidate (self);
}

int
candor_whatif_page_get_count (CandorWhatifPage *self)
{
  g_return_val_if_fail (CANDOR_IS_WHATIF_PAGE (self), DEFAULT_COUNT);
  return self->count;
}

void
candor_whatif_page_set_target (CandorWhatifPage *self,
                               int               target)
{
  g_return_if_fail (CANDOR_IS_WHATIF_PAGE (self));

  target = MAX (target, -1);
  if (n_classes (self) > 0 && target >= n_classes (self))
    return;
  if (self->target == target)
    return;
  self->target = target;
  update_targets (self);
  if (!selected_is_row (self))
    invalidate (self);
}

int
candor_whatif_page_get_target (CandorWhatifPage *self)
{
  g_return_val_if_fail (CANDOR_IS_WHATIF_PAGE (self), -1);
  return (int) self->target;
}

char **
candor_whatif_page_dup_locked (CandorWhatifPage *self)
{
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();

  g_return_val_if_fail (CANDOR_IS_WHATIF_PAGE (self), NULL);

  for (guint i = 0; i < self->user_locks->len; i++)
    g_strv_builder_add (names, g_ptr_array_index (self->user_locks, i));
  return g_strv_builder_end (names);
}

void
candor_whatif_page_set_all_locked (CandorWhatifPage  *self,
                                   const char *const *columns)
{
  const CxSchema *schema;
  g_autoptr(GPtrArray) locks = g_ptr_array_new_with_free_func (g_free);
  gboolean same;

  g_return_if_fail (CANDOR_IS_WHATIF_PAGE (self));

  schema = current_schema (self);
  /* In the schema's order, as candor_whatif_page_set_locked () keeps them. */
  for (int c = 0; schema != NULL && c < schema->n_columns; c++)
    if (!schema->columns[c].locked && columns != NULL
        && g_strv_contains (columns, schema->columns[c].name))
      g_ptr_array_add (locks, g_strdup (schema->columns[c].name));
  same = locks->len == self->user_locks->len;
  for (guint i = 0; same && i < locks->len; i++)
    same = g_str_equal (g_ptr_array_index (locks, i), g_ptr_array_index (self->user_locks, i));
  if (same)
    return;
  g_ptr_array_unref (self->user_locks);
  self->user_locks = g_steal_pointer (&locks);
  invalidate (self);
}

gboolean
candor_whatif_page_set_locked (CandorWhatifPage *self,
                               const char       *column,
                               gboolean          locked)
{
  const CxSchema *schema;
  int c;

  g_return_val_if_fail (CANDOR_IS_WHATIF_PAGE (self), FALSE);
  g_return_val_if_fail (column != NULL, FALSE);

  schema = current_schema (self);
  c = schema ? cx_schema_find_column (schema, column) : -1;
  /* The schema's locks stand; other names are not the model's columns. */
  if (c < 0 || schema->columns[c].locked)
    return FALSE;
  if (user_locked (self, column) == !!locked)
    return TRUE;
  if (locked)
    {
      /* Kept in the schema's order, as the engine and the state list them. */
      guint at = 0;
      while (at < self->user_locks->len
             && cx_schema_find_column (schema, g_ptr_array_index (self->user_locks, at)) < c)
        at++;
      g_ptr_array_insert (self->user_locks, at, g_strdup (column));
    }
  else
    for (guint i = 0; i < self->user_locks->len; i++)
      if (g_str_equal (g_ptr_array_index (self->user_locks, i), column))
        {
          g_ptr_array_remove_index (self->user_locks, i);
          break;
        }
  invalidate (self);
  return TRUE;
}

void
candor_whatif_page_set_show_all (CandorWhatifPage *self,
                                 gboolean          show_all)
{
  g_return_if_fail (CANDOR_IS_WHATIF_PAGE (self));
  gtk_switch_set_active (self->show_all_switch, show_all);
}

void
candor_whatif_page_ensure (CandorWhatifPage *self)
{
  g_return_if_fail (CANDOR_IS_WHATIF_PAGE (self));

  if (self->stale && self->cancellable == NULL)
    compute (self);
}

gboolean
candor_whatif_page_get_computing (CandorWhatifPage *self)
{
  g_return_val_if_fail (CANDOR_IS_WHATIF_PAGE (self), FALSE);
  return self->cancellable != NULL;
}

gboolean
candor_whatif_page_write_csv (CandorWhatifPage  *self,
                              const char        *path,
                              GError           **error)
{
  CandorDataset *dataset;
  g_autofree char *text = NULL;
  gsize len;

  g_return_val_if_fail (CANDOR_IS_WHATIF_PAGE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  dataset = self->session ? candor_session_get_dataset (self->session) : NULL;
  if (!get_can_export (self) || dataset == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("There are no options to export"));
      return FALSE;
    }
  if (candor_dataset_get_file (dataset) != NULL)
    {
      g_autofree char *input = g_file_get_path (candor_dataset_get_file (dataset));
      if (input != NULL && cx_same_file (path, input))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                       _("%s is the table the options come from; choose another file"), path);
          return FALSE;
        }
    }
  text = cx_counterfactual_to_csv (self->result->table, candor_dataset_get_schema (dataset),
                                   candor_dataset_get_csv (dataset), &len);
  return cx_atomic_write (path, text, len, error);
}

static void
on_export_response (GtkNativeDialog  *dialog,
                    int               response,
                    CandorWhatifPage *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      g_autofree char *name = g_file_get_basename (file);
      g_autoptr(GError) error = NULL;
      g_autofree char *message = NULL;

      if (path == NULL)
        message = g_strdup (_("Exports can only be saved to local folders"));
      else if (!candor_whatif_page_write_csv (self, path, &error))
        message = g_strdup_printf (_("Could not export: %s"), error->message);
      else
        message = g_strdup_printf (_("Exported “%s”"), name);
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
    }
  g_clear_object (&self->chooser);
}

void
candor_whatif_page_export (CandorWhatifPage *self)
{
  GtkRoot *root;
  CandorDataset *dataset;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *name = NULL;
  g_autofree char *stem = NULL;

  g_return_if_fail (CANDOR_IS_WHATIF_PAGE (self));

  if (self->chooser != NULL || !get_can_export (self))
    return;
  root = gtk_widget_get_root (GTK_WIDGET (self));
  dataset = candor_session_get_dataset (self->session);
  stem = g_strdup (candor_dataset_get_name (dataset));
  if (g_str_has_suffix (stem, ".csv"))
    stem[strlen (stem) - 4] = '\0';
  name = g_strdup_printf ("%s-row-%" G_GINT64_FORMAT "-options.csv", stem, self->result->table->row);
  self->chooser = gtk_file_chooser_native_new (_("Export Options as CSV"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  gtk_file_filter_set_name (filter, _("CSV Tables (*.csv)"));
  gtk_file_filter_add_suffix (filter, "csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

CandorSession *
candor_whatif_page_get_session (CandorWhatifPage *self)
{
  g_return_val_if_fail (CANDOR_IS_WHATIF_PAGE (self), NULL);
  return self->session;
}

void
candor_whatif_page_set_session (CandorWhatifPage *self,
                                CandorSession    *session)
{
  g_return_if_fail (CANDOR_IS_WHATIF_PAGE (self));
  g_return_if_fail (session == NULL || CANDOR_IS_SESSION (session));

  if (self->session == session)
    return;
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  drop_pending_compute (self);
  g_set_object (&self->session, session);
  if (session != NULL)
    {
      g_signal_connect_swapped (session, "notify::selected-sample", G_CALLBACK (invalidate), self);
      g_signal_connect_swapped (session, "notify::dataset", G_CALLBACK (on_dataset_changed), self);
      g_signal_connect_swapped (session, "notify::model", G_CALLBACK (on_model_changed), self);
    }
  g_ptr_array_set_size (self->user_locks, 0);
  invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

/* ---- GObject ---- */

static void
candor_whatif_page_map (GtkWidget *widget)
{
  CandorWhatifPage *self = CANDOR_WHATIF_PAGE (widget);

  GTK_WIDGET_CLASS (candor_whatif_page_parent_class)->map (widget);
  /* Searched only once someone looks. */
  if (self->stale)
    compute (self);
}

static void
candor_whatif_page_dispose (GObject *object)
{
  CandorWhatifPage *self = CANDOR_WHATIF_PAGE (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  drop_pending_compute (self);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_pointer (&self->result, candor_whatif_result_free);
  g_clear_object (&self->result_sample);
  g_clear_pointer (&self->error, g_free);
  g_clear_pointer (&self->user_locks, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), CANDOR_TYPE_WHATIF_PAGE);

  G_OBJECT_CLASS (candor_whatif_page_parent_class)->dispose (object);
}

static void
candor_whatif_page_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  CandorWhatifPage *self = CANDOR_WHATIF_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_COMPUTING:
      g_value_set_boolean (value, self->cancellable != NULL);
      break;
    case PROP_CAN_EXPORT:
      g_value_set_boolean (value, get_can_export (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
candor_whatif_page_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  CandorWhatifPage *self = CANDOR_WHATIF_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      candor_whatif_page_set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
candor_whatif_page_class_init (CandorWhatifPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = candor_whatif_page_dispose;
  object_class->get_property = candor_whatif_page_get_property;
  object_class->set_property = candor_whatif_page_set_property;
  widget_class->map = candor_whatif_page_map;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, CANDOR_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COMPUTING] =
    g_param_spec_boolean ("computing", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_EXPORT] =
    g_param_spec_boolean ("can-export", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CANDOR_TYPE_DIFF_TABLE);
  g_type_ensure (CANDOR_TYPE_PIXEL_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/candor/Candor/ui/candor-whatif-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CandorWhatifPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CandorWhatifPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CandorWhatifPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, CandorWhatifPage, status_spinner);
  gtk_widget_class_bind_template_child (widget_class, CandorWhatifPage, table_box);
  gtk_widget_class_bind_template_child (widget_class, CandorWhatifPage, table_title);
  gtk_widget_class_bind_template_child (widget_class, CandorWhatifPage, table_sentence);
  gtk_widget_class_bind_template_child (widget_class, CandorWhatifPage, count_spin);
  gtk_widget_class_bind_template_child (widget_class, CandorWhatifPage, show_all_box);
  gtk_widget_class_bind_template_child (widget_class, CandorWhatifPage, show_all_switch);
  gtk_widget_class_bind_template_child (widget_class, CandorWhatifPage, unlock_button);
  gtk_widget_class_bind_template_child (widget_class, CandorWhatifPage, table_spinner);
  gtk_widget_class_bind_template_child (widget_class, CandorWhatifPage, diff_scroller);
  gtk_widget_class_bind_template_child (widget_class, CandorWhatifPage, diff_table);
  gtk_widget_class_bind_template_child (widget_class, CandorWhatifPage, table_note);
  gtk_widget_class_bind_template_child (widget_class, CandorWhatifPage, table_legend);
  gtk_widget_class_bind_template_child (widget_class, CandorWhatifPage, image_box);
  gtk_widget_class_bind_template_child (widget_class, CandorWhatifPage, image_title);
  gtk_widget_class_bind_template_child (widget_class, CandorWhatifPage, image_sentence);
  gtk_widget_class_bind_template_child (widget_class, CandorWhatifPage, target_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CandorWhatifPage, target_names);
  gtk_widget_class_bind_template_child (widget_class, CandorWhatifPage, image_spinner);
  gtk_widget_class_bind_template_child (widget_class, CandorWhatifPage, input_view);
  gtk_widget_class_bind_template_child (widget_class, CandorWhatifPage, perturbed_view);
  gtk_widget_class_bind_template_child (widget_class, CandorWhatifPage, difference_view);
  gtk_widget_class_bind_template_child (widget_class, CandorWhatifPage, input_caption);
  gtk_widget_class_bind_template_child (widget_class, CandorWhatifPage, perturbed_caption);
  gtk_widget_class_bind_template_child (widget_class, CandorWhatifPage, difference_legend);
  gtk_widget_class_bind_template_child (widget_class, CandorWhatifPage, facts_list);
}

static void
candor_whatif_page_init (CandorWhatifPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->count = DEFAULT_COUNT;
  self->target = -1;
  self->stale = TRUE;
  self->status = "no-sample";
  self->user_locks = g_ptr_array_new_with_free_func (g_free);
  gtk_spin_button_set_value (self->count_spin, self->count);
  g_signal_connect_swapped (self->count_spin, "value-changed", G_CALLBACK (on_count_changed), self);
  g_signal_connect_swapped (self->show_all_switch, "notify::active", G_CALLBACK (on_show_all_changed), self);
  g_signal_connect_swapped (self->target_dropdown, "notify::selected", G_CALLBACK (on_target_changed), self);
  g_signal_connect_swapped (self->diff_table, "lock-toggled", G_CALLBACK (on_lock_toggled), self);
  g_signal_connect_swapped (self->unlock_button, "clicked", G_CALLBACK (on_unlock_all), self);
  update_targets (self);
  show_status (self, NULL, _("No Sample Selected"),
               _("Pick an image or a table row to find the smallest change to it that flips the "
                 "model’s decision."));
}

/* ---- --state ---- */

static void
add_string_array (JsonBuilder        *b,
                  const char         *member,
                  const char * const *names)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    json_builder_add_string_value (b, names[i]);
  json_builder_end_array (b);
}

static void
add_table_state (CandorWhatifPage *self,
                 JsonBuilder      *b)
{
  const CxCounterfactualResult *r = self->result->table;
  const CxSchema *schema = current_schema (self);
  g_auto(GStrv) shown = candor_diff_table_dup_shown_rows (self->diff_table);
  g_autoptr(GPtrArray) locked = g_ptr_array_new ();
  g_autofree char *summary = candor_diff_table_dup_summary (self->diff_table);

  json_builder_set_member_name (b, "sample");
  json_builder_add_int_value (b, candor_sample_get_index (self->result_sample));
  json_builder_set_member_name (b, "row");
  json_builder_add_int_value (b, r->row);
  json_builder_set_member_name (b, "probability");
  json_builder_add_double_value (b, r->probability);
  json_builder_set_member_name (b, "already_favourable");
  json_builder_add_boolean_value (b, r->already_favourable);
  for (int c = 0; c < r->n_columns; c++)
    if (r->stats[c].locked)
      g_ptr_array_add (locked, schema->columns[c].name);
  g_ptr_array_add (locked, NULL);
  add_string_array (b, "locked", (const char * const *) locked->pdata);
  json_builder_set_member_name (b, "integer_columns");
  json_builder_begin_array (b);
  for (int c = 0; c < r->n_columns; c++)
    if (schema->columns[c].kind == CX_COLUMN_NUMERIC && r->stats[c].integer)
      json_builder_add_string_value (b, schema->columns[c].name);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "counterfactuals");
  json_builder_begin_array (b);
  for (int i = 0; i < r->n_items; i++)
    {
      const CxCounterfactual *cf = &r->items[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "probability");
      json_builder_add_double_value (b, cf->probability);
      json_builder_set_member_name (b, "distance");
      json_builder_add_double_value (b, cf->distance);
      json_builder_set_member_name (b, "nearest_row");
      if (cf->nearest_row > 0)
        json_builder_add_int_value (b, cf->nearest_row);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "changes");
      json_builder_begin_array (b);
      for (int k = 0; k < cf->n_changes; k++)
        {
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "column");
          json_builder_add_string_value (b, schema->columns[cf->changes[k].column].name);
          json_builder_set_member_name (b, "from");
          json_builder_add_string_value (b, cf->changes[k].from);
          json_builder_set_member_name (b, "to");
          json_builder_add_string_value (b, cf->changes[k].to);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "show_all_columns");
  json_builder_add_boolean_value (b, gtk_switch_get_active (self->show_all_switch));
  add_string_array (b, "shown_columns", (const char * const *) shown);
  json_builder_set_member_name (b, "summary");
  json_builder_add_string_value (b, summary);
}

static void
add_image_state (CandorWhatifPage *self,
                 JsonBuilder      *b)
{
  const CandorWhatifResult *r = self->result;
  const CxImageCounterfactual *cf = r->image;

  json_builder_set_member_name (b, "sample");
  json_builder_add_int_value (b, candor_sample_get_index (self->result_sample));
  json_builder_set_member_name (b, "original_class");
  json_builder_add_int_value (b, cf->original_class);
  json_builder_set_member_name (b, "probability");
  json_builder_add_double_value (b, candor_sample_get_confidence (self->result_sample));
  json_builder_set_member_name (b, "target");
  json_builder_add_int_value (b, cf->target);
  json_builder_set_member_name (b, "success");
  json_builder_add_boolean_value (b, cf->success);
  json_builder_set_member_name (b, "predicted");
  json_builder_add_int_value (b, cf->predicted);
  json_builder_set_member_name (b, "target_probability");
  json_builder_add_double_value (b, cf->target_probability);
  json_builder_set_member_name (b, "l2");
  json_builder_add_double_value (b, cf->l2);
  json_builder_set_member_name (b, "linf");
  json_builder_add_double_value (b, cf->linf);
  json_builder_set_member_name (b, "difference_max");
  json_builder_add_double_value (b, r->difference_max);
}

void
candor_whatif_page_add_state (CandorWhatifPage *self,
                              JsonBuilder      *b)
{
  g_return_if_fail (CANDOR_IS_WHATIF_PAGE (self));

  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, self->status);
  json_builder_set_member_name (b, "computing");
  json_builder_add_boolean_value (b, self->cancellable != NULL);
  json_builder_set_member_name (b, "ready");
  json_builder_add_boolean_value (b, self->result != NULL);
  json_builder_set_member_name (b, "count");
  json_builder_add_int_value (b, self->count);
  json_builder_set_member_name (b, "requested_target");
  json_builder_add_int_value (b, self->target);
  json_builder_set_member_name (b, "user_locked");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->user_locks->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (self->user_locks, i));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "error");
  if (self->error != NULL)
    json_builder_add_string_value (b, self->error);
  else
    json_builder_add_null_value (b);
  if (self->result == NULL)
    return;
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, self->result->table != NULL ? "table" : "image");
  if (self->result->table != NULL)
    add_table_state (self, b);
  else
    add_image_state (self, b);
}
