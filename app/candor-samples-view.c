/* candor-samples-view.c: the images or table rows to pick from.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "candor-dataset.h"
#include "candor-pixel-view.h"
#include "candor-sample.h"
#include "candor-samples-view.h"
#include "candor-session.h"
#include "candor-tooltip.h"

#define THUMBNAIL_SIZE 84
/* A new data set's rows reach the views this many at a time, one step per
 * main-loop iteration, so that making their widgets never blocks the
 * window for long (a table row is a dozen cells or more). GTK 4.8's list
 * views keep at most 200 rows alive: beyond that, the rest come at once. */
#define GROW_STEP 20
#define GROW_LIMIT 200

struct _CandorSamplesView
{
  AdwBin parent_instance;

  /* template widgets */
  GtkLabel *count_label;
  GtkSearchEntry *search_entry;
  GtkStack *stack;
  GtkGridView *grid_view;
  GtkColumnView *column_view;
  GtkDropDown *outcome_dropdown;
  GtkWidget *group_chip;
  GtkLabel *notice_label;
  GtkLabel *group_label;
  GtkButton *group_clear;

  /* owned */
  CandorSession *session;
  CandorDataset *dataset;
  GtkStringFilter *filter;
  GtkCustomFilter *outcome_filter;  /* right/wrong and the group */
  GtkFilterListModel *filtered;
  GtkSliceListModel *shown;         /* the first rows of filtered, growing after a new data set */
  guint grow_id;
  CandorSession *grow_session;      /* kept busy while the rows arrive */
  char *group_column;              /* a column, or two joined by a comma */
  char *group_value;                /* its value, or theirs joined by a comma */
  int group_index[2];               /* of the filtered columns in the table */
  char **group_values;              /* the value of each */
  int n_group_columns;              /* 0: no group filter */
  GtkSingleSelection *selection;

  gboolean syncing;
};

G_DEFINE_FINAL_TYPE (CandorSamplesView, candor_samples_view, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define PREDICTION_COLUMN (-2)

/* ---- image cells ---- */

/* "✓ 99 %" or "✗ 62 % sneaker" (the wrong class named; @named: every
 * class named), or the probability and the class when there is no label;
 * NULL before anything is predicted. @css_class: "success", "error" or
 * NULL. */
static char *
prediction_text (CandorSample *sample,
                 gboolean      named,
                 const char  **css_class)
{
  const char *predicted = candor_sample_get_predicted (sample);
  int correct = candor_sample_get_correct (sample);
  double percent = 100.0 * candor_sample_get_confidence (sample);

  *css_class = correct == 1 ? "success" : correct == 0 ? "error" : NULL;
  if (predicted == NULL)
    return NULL;
  if (correct == 1 && !named)
    /* Translators: a right prediction and its probability in the samples list */
    return g_strdup_printf (_("✓ %.0f %%"), percent);
  if (correct == 1)
    /* Translators: a right prediction: its probability and the class */
    return g_strdup_printf (_("✓ %.0f %% %s"), percent, predicted);
  if (correct == 0)
    /* Translators: a wrong prediction: its probability and the predicted class */
    return g_strdup_printf (_("✗ %.0f %% %s"), percent, predicted);
  /* Translators: a prediction without a label to check it: probability and class */
  return g_strdup_printf (_("%.0f %% %s"), percent, predicted);
}

static void
set_outcome_class (GtkWidget  *widget,
                   const char *css_class)
{
  gtk_widget_remove_css_class (widget, "success");
  gtk_widget_remove_css_class (widget, "error");
  if (css_class != NULL)
    gtk_widget_add_css_class (widget, css_class);
}

/* The cell's tooltip, asked for on hover: setting one while binding
 * costs two round trips to an X server per cell (GTK looks for the
 * pointer at once). */
static gboolean
grid_query_tooltip (GtkWidget   *box,
                    int          x,
                    int          y,
                    gboolean     keyboard,
                    GtkTooltip  *tooltip,
                    GtkListItem *item)
{
  CandorSample *sample = gtk_list_item_get_item (item);

  if (sample == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, candor_sample_get_name (sample));
  return TRUE;
}

static void
grid_setup (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *image = candor_pixel_view_new ();
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *name = gtk_label_new (NULL);

  gtk_widget_set_size_request (image, THUMBNAIL_SIZE, THUMBNAIL_SIZE);
  gtk_widget_set_halign (image, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (image, "thumbnail");
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 12);
  gtk_widget_add_css_class (label, "caption-heading");
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (name), 12);
  gtk_widget_add_css_class (name, "caption");
  gtk_widget_add_css_class (name, "dim-label");
  gtk_box_append (GTK_BOX (box), image);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), name);
  gtk_widget_add_css_class (box, "sample-cell");
  gtk_widget_set_has_tooltip (box, TRUE);
  g_signal_connect (box, "query-tooltip", G_CALLBACK (grid_query_tooltip), item);
  gtk_list_item_set_child (item, box);
}

static void
grid_bind (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  CandorSample *sample = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *image = gtk_widget_get_first_child (box);
  GtkWidget *label = gtk_widget_get_next_sibling (image);
  GtkWidget *name = gtk_widget_get_next_sibling (label);
  const char *text = candor_sample_get_label (sample);
  const char *css_class;
  g_autofree char *prediction = NULL;
  g_autofree char *description = NULL;

  candor_pixel_view_set_texture (CANDOR_PIXEL_VIEW (image), candor_sample_get_texture (sample));
  gtk_label_set_label (GTK_LABEL (label), text ? text : _("Unlabelled"));
  gtk_widget_set_opacity (label, text ? 1.0 : 0.55);
  prediction = prediction_text (sample, FALSE, &css_class);
  gtk_label_set_label (GTK_LABEL (name), prediction ? prediction : candor_sample_get_name (sample));
  set_outcome_class (name, css_class);

  description = text ? g_strdup_printf ("%s, %s. %s", candor_sample_get_name (sample), text,
                                        gtk_label_get_label (GTK_LABEL (name)))
                     : g_strdup_printf ("%s. %s", candor_sample_get_name (sample),
                                        gtk_label_get_label (GTK_LABEL (name)));
  gtk_accessible_update_property (GTK_ACCESSIBLE (image),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, description, -1);
}

static void
grid_unbind (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  GtkWidget *box = gtk_list_item_get_child (item);
  candor_pixel_view_set_texture (CANDOR_PIXEL_VIEW (gtk_widget_get_first_child (box)), NULL);
}

/* ---- table cells ---- */

static void
cell_setup (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  GtkWidget *cell = gtk_inscription_new (NULL);
  float xalign = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "numeric")) ? 1.0f : 0.0f;

  gtk_inscription_set_xalign (GTK_INSCRIPTION (cell), xalign);
  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (cell), GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_inscription_set_min_chars (GTK_INSCRIPTION (cell), 3);
  gtk_list_item_set_child (item, cell);
}

static void
cell_bind (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  CandorSample *sample = gtk_list_item_get_item (item);
  GtkInscription *cell = GTK_INSCRIPTION (gtk_list_item_get_child (item));
  int column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "column"));
  const char * const *values = candor_sample_get_values (sample);

  if (column == PREDICTION_COLUMN)
    {
      const char *css_class;
      g_autofree char *text = prediction_text (sample, TRUE, &css_class);
      gtk_inscription_set_text (cell, text);
      set_outcome_class (GTK_WIDGET (cell), css_class);
    }
  else if (column < 0)
    {
      g_autofree char *number = g_strdup_printf ("%u", candor_sample_get_index (sample) + 1);
      gtk_inscription_set_text (cell, number);
      gtk_widget_add_css_class (GTK_WIDGET (cell), "dim-label");
    }
  else
    gtk_inscription_set_text (cell, values ? values[column] : NULL);
}

static GtkColumnViewColumn *
make_column (const char *title,
             int         column,
             gboolean    numeric,
             int         width)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *view_column;

  g_object_set_data (G_OBJECT (factory), "column", GINT_TO_POINTER (column));
  g_object_set_data (G_OBJECT (factory), "numeric", GINT_TO_POINTER (numeric));
  g_signal_connect (factory, "setup", G_CALLBACK (cell_setup), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (cell_bind), NULL);
  view_column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_resizable (view_column, TRUE);
  gtk_column_view_column_set_fixed_width (view_column, width);
  return view_column;
}

/* Wide enough for the header and the first rows' values, within reason. */
static int
column_width (CandorDataset *dataset,
              guint          column)
{
  GListModel *samples = candor_dataset_get_samples (dataset);
  const char *title = candor_dataset_get_columns (dataset)[column];
  glong chars = g_utf8_strlen (title, -1);
  guint n = MIN (g_list_model_get_n_items (samples), 50u);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CandorSample) sample = g_list_model_get_item (samples, i);
      chars = MAX (chars, g_utf8_strlen (candor_sample_get_values (sample)[column], -1));
    }
  return CLAMP ((int) chars * 8 + 28, 64, 220);
}

static void
rebuild_columns (CandorSamplesView *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->column_view);
  const char * const *names;

  while (g_list_model_get_n_items (columns) > 0)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, 0);
      gtk_column_view_remove_column (self->column_view, column);
    }
  if (self->dataset == NULL || candor_dataset_get_kind (self->dataset) != CANDOR_DATASET_TABLE)
    return;

  {
    g_autoptr(GtkColumnViewColumn) number = make_column ("#", -1, TRUE, 56);
    gtk_column_view_append_column (self->column_view, number);
  }
  if (candor_dataset_get_probabilities (self->dataset) != NULL)
    {
      /* Translators: the column of the model's decision in the samples table */
      g_autoptr(GtkColumnViewColumn) prediction = make_column (_("Prediction"), PREDICTION_COLUMN,
                                                               FALSE, 130);
      gtk_column_view_append_column (self->column_view, prediction);
    }
  names = candor_dataset_get_columns (self->dataset);
  for (guint c = 0; names[c] != NULL; c++)
    {
      g_autoptr(GtkColumnViewColumn) column =
        make_column (names[c], (int) c, candor_dataset_column_is_numeric (self->dataset, c),
                     column_width (self->dataset, c));
      gtk_column_view_append_column (self->column_view, column);
    }
}

/* ---- state ---- */

static void
update_page (CandorSamplesView *self)
{
  const char *page;

  if (self->dataset == NULL)
    page = "empty";
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->filtered)) == 0)
    page = "no-match";
  else if (candor_dataset_get_kind (self->dataset) == CANDOR_DATASET_TABLE)
    page = "table";
  else
    page = "images";
  gtk_stack_set_visible_child_name (self->stack, page);
}

static void
update_count (CandorSamplesView *self)
{
  g_autofree char *text = NULL;
  guint n;

  if (self->dataset == NULL)
    {
      gtk_label_set_label (self->count_label, NULL);
      return;
    }
  n = g_list_model_get_n_items (candor_dataset_get_samples (self->dataset));
  if (candor_dataset_get_kind (self->dataset) == CANDOR_DATASET_TABLE)
    text = g_strdup_printf (candor_dataset_get_truncated (self->dataset)
                            ? ngettext ("first %'u row", "first %'u rows", n)
                            : ngettext ("%'u row", "%'u rows", n), n);
  else
    text = g_strdup_printf (candor_dataset_get_truncated (self->dataset)
                            ? ngettext ("first %'u image", "first %'u images", n)
                            : ngettext ("%'u image", "%'u images", n), n);
  gtk_label_set_label (self->count_label, text);
  candor_set_tooltip_text (GTK_WIDGET (self->count_label), candor_dataset_get_name (self->dataset));
}

static guint
find_position (CandorSamplesView *self,
               CandorSample      *sample)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CandorSample) item = g_list_model_get_item (G_LIST_MODEL (self->filtered), i);
      if (item == sample)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

static void
on_session_selection_changed (CandorSamplesView *self)
{
  CandorSample *sample = candor_session_get_selected_sample (self->session);
  guint position;
  GtkWidget *list;

  if (self->syncing || sample == NULL)
    return;
  if (gtk_single_selection_get_selected_item (self->selection) == (gpointer) sample)
    return;
  position = find_position (self, sample);
  /* Beyond the rows shown so far: selected once they all are. */
  if (position == GTK_INVALID_LIST_POSITION
      || position >= g_list_model_get_n_items (G_LIST_MODEL (self->shown)))
    return;

  self->syncing = TRUE;
  gtk_single_selection_set_selected (self->selection, position);
  self->syncing = FALSE;

  list = GTK_WIDGET (self->grid_view);
  if (self->dataset && candor_dataset_get_kind (self->dataset) == CANDOR_DATASET_TABLE)
    {
      /* The column view's rows are a list view inside it, which has the action. */
      list = gtk_widget_get_first_child (GTK_WIDGET (self->column_view));
      while (list != NULL && !GTK_IS_LIST_VIEW (list))
        list = gtk_widget_get_next_sibling (list);
    }
  if (list != NULL)
    gtk_widget_activate_action (list, "list.scroll-to-item", "u", position);
}

static void
on_selected_item_changed (CandorSamplesView *self)
{
  CandorSample *sample = gtk_single_selection_get_selected_item (self->selection);

  update_page (self);
  if (self->syncing || self->session == NULL || sample == NULL)
    return;
  self->syncing = TRUE;
  candor_session_set_selected_sample (self->session, sample);
  self->syncing = FALSE;
}

static void
stop_growing (CandorSamplesView *self)
{
  g_autoptr(CandorSession) session = g_steal_pointer (&self->grow_session);

  if (self->grow_id == 0)
    return;
  g_clear_handle_id (&self->grow_id, g_source_remove);
  gtk_slice_list_model_set_size (self->shown, G_MAXUINT);
  candor_session_end_job (session);
}

static gboolean
grow_step (gpointer user_data)
{
  CandorSamplesView *self = user_data;
  guint size = gtk_slice_list_model_get_size (self->shown);

  if (size + GROW_STEP < GROW_LIMIT)
    {
      /* The first rows select the first of them (the selection model
       * autoselects): the session's sample stays selected. */
      self->syncing = TRUE;
      gtk_slice_list_model_set_size (self->shown, size + GROW_STEP);
      self->syncing = FALSE;
      if (size == 0)
        on_session_selection_changed (self);
      return G_SOURCE_CONTINUE;
    }
  self->grow_id = 0;
  gtk_slice_list_model_set_size (self->shown, G_MAXUINT);
  candor_session_end_job (self->grow_session);
  g_clear_object (&self->grow_session);
  /* The session's sample may lie beyond the first rows. */
  on_session_selection_changed (self);
  return G_SOURCE_REMOVE;
}

static void
start_growing (CandorSamplesView *self)
{
  /* Even the first rows arrive in an idle of their own: a data set is
   * set while the rest of the window fills in, and one main-loop
   * iteration that made both stalled it (the table's first 20 rows
   * are 320 cells). */
  gtk_slice_list_model_set_size (self->shown, self->session != NULL ? 0 : GROW_STEP);
  if (self->grow_id != 0 || self->session == NULL)
    return;
  self->grow_session = g_object_ref (self->session);
  candor_session_begin_job (self->grow_session);
  self->grow_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, grow_step, self, NULL);
}

static void
on_dataset_changed (CandorSamplesView *self)
{
  CandorDataset *dataset = self->session ? candor_session_get_dataset (self->session) : NULL;

  if (!g_set_object (&self->dataset, dataset))
    return;

  self->syncing = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_string_filter_set_search (self->filter, NULL);
  gtk_drop_down_set_selected (self->outcome_dropdown, 0);
  candor_samples_view_set_group_filter (self, NULL, NULL);
  /* Only the view that shows the samples makes and binds widgets for
   * them, and a table's columns are in place before its rows arrive
   * (each column added later makes a cell in every row shown). */
  {
    gboolean table = dataset != NULL && candor_dataset_get_kind (dataset) == CANDOR_DATASET_TABLE;
    gtk_grid_view_set_model (self->grid_view, NULL);
    gtk_column_view_set_model (self->column_view, NULL);
    start_growing (self);
    gtk_filter_list_model_set_model (self->filtered, dataset ? candor_dataset_get_samples (dataset) : NULL);
    rebuild_columns (self);
    if (table)
      gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
    else
      gtk_grid_view_set_model (self->grid_view, GTK_SELECTION_MODEL (self->selection));
  }
  self->syncing = FALSE;

  gtk_widget_set_sensitive (GTK_WIDGET (self->search_entry), dataset != NULL);
  {
    const char *problem = dataset ? candor_dataset_get_prediction_error (dataset) : NULL;
    g_autofree char *notice = problem ? g_strdup_printf (_("No predictions: %s"), problem) : NULL;
    gtk_label_set_label (self->notice_label, notice);
    gtk_widget_set_visible (GTK_WIDGET (self->notice_label), notice != NULL);
  }
  gtk_widget_set_sensitive (GTK_WIDGET (self->outcome_dropdown),
                            dataset != NULL && candor_dataset_get_probabilities (dataset) != NULL);
  update_count (self);
  update_page (self);
  on_session_selection_changed (self);

  /* Arrow keys should move through the samples right away. */
  if (dataset != NULL)
    gtk_widget_grab_focus (candor_dataset_get_kind (dataset) == CANDOR_DATASET_TABLE
                           ? GTK_WIDGET (self->column_view) : GTK_WIDGET (self->grid_view));
}

static gboolean
outcome_match (gpointer item,
               gpointer user_data)
{
  CandorSamplesView *self = user_data;
  CandorSample *sample = item;
  guint outcome = gtk_drop_down_get_selected (self->outcome_dropdown);

  if (outcome == 1 && candor_sample_get_correct (sample) != 1)
    return FALSE;
  if (outcome == 2 && candor_sample_get_correct (sample) != 0)
    return FALSE;
  for (int i = 0; i < self->n_group_columns; i++)
    {
      const char * const *values = candor_sample_get_values (sample);
      if (values == NULL || g_strcmp0 (values[self->group_index[i]], self->group_values[i]) != 0)
        return FALSE;
    }
  return TRUE;
}

static void
refilter (CandorSamplesView *self)
{
  gtk_filter_changed (GTK_FILTER (self->outcome_filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_page (self);
}

static void
on_search_changed (CandorSamplesView *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  gtk_string_filter_set_search (self->filter, *text ? text : NULL);
  update_page (self);
}

/* ---- public ---- */

CandorSession *
candor_samples_view_get_session (CandorSamplesView *self)
{
  g_return_val_if_fail (CANDOR_IS_SAMPLES_VIEW (self), NULL);
  return self->session;
}

void
candor_samples_view_set_session (CandorSamplesView *self,
                                 CandorSession     *session)
{
  g_return_if_fail (CANDOR_IS_SAMPLES_VIEW (self));
  g_return_if_fail (session == NULL || CANDOR_IS_SESSION (session));

  if (self->session == session)
    return;
  stop_growing (self);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  if (session != NULL)
    {
      g_signal_connect_swapped (session, "notify::dataset", G_CALLBACK (on_dataset_changed), self);
      g_signal_connect_swapped (session, "notify::selected-sample",
                                G_CALLBACK (on_session_selection_changed), self);
    }
  on_dataset_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

void
candor_samples_view_set_group_filter (CandorSamplesView *self,
                                      const char        *column,
                                      const char        *value)
{
  g_auto(GStrv) columns = NULL;
  g_auto(GStrv) values = NULL;

  g_return_if_fail (CANDOR_IS_SAMPLES_VIEW (self));

  g_free (self->group_column);
  g_free (self->group_value);
  g_clear_pointer (&self->group_values, g_strfreev);
  self->group_column = column && value ? g_strdup (column) : NULL;
  self->group_value = column && value ? g_strdup (value) : NULL;
  self->n_group_columns = 0;
  if (self->group_column != NULL && self->dataset != NULL)
    {
      /* A column, or an intersection of two ("afam,single" = "yes,no"). */
      self->group_index[0] = candor_dataset_find_column (self->dataset, column);
      columns = g_strsplit (column, ",", 2);
      values = g_strsplit (value, ",", 2);
      if (self->group_index[0] >= 0)
        {
          self->group_values = g_strdupv ((char *[]) { self->group_value, NULL });
          self->n_group_columns = 1;
        }
      else if (g_strv_length (columns) == 2 && g_strv_length (values) == 2)
        {
          self->group_index[0] = candor_dataset_find_column (self->dataset, columns[0]);
          self->group_index[1] = candor_dataset_find_column (self->dataset, columns[1]);
          if (self->group_index[0] >= 0 && self->group_index[1] >= 0)
            {
              self->group_values = g_steal_pointer (&values);
              self->n_group_columns = 2;
            }
        }
    }
  if (self->n_group_columns == 0)
    {
      g_clear_pointer (&self->group_column, g_free);
      g_clear_pointer (&self->group_value, g_free);
    }
  else if (self->n_group_columns == 1)
    {
      /* Translators: the group the samples are filtered by: column = value */
      g_autofree char *text = g_strdup_printf (_("Only %s = %s"), self->group_column, self->group_value);
      gtk_label_set_label (self->group_label, text);
    }
  else
    {
      /* Translators: the intersection the samples are filtered by */
      g_autofree char *text = g_strdup_printf (_("Only %s = %s, %s = %s"), columns[0], self->group_values[0],
                                               columns[1], self->group_values[1]);
      gtk_label_set_label (self->group_label, text);
    }
  gtk_widget_set_visible (self->group_chip, self->n_group_columns > 0);
  refilter (self);
}

const char *
candor_samples_view_get_group_filter (CandorSamplesView *self,
                                      const char       **value)
{
  g_return_val_if_fail (CANDOR_IS_SAMPLES_VIEW (self), NULL);
  if (value != NULL)
    *value = self->group_value;
  return self->group_column;
}

void
candor_samples_view_set_outcome_filter (CandorSamplesView *self,
                                        int                outcome)
{
  g_return_if_fail (CANDOR_IS_SAMPLES_VIEW (self));
  gtk_drop_down_set_selected (self->outcome_dropdown, CLAMP (outcome, 0, 2));
}

guint
candor_samples_view_get_n_shown (CandorSamplesView *self)
{
  g_return_val_if_fail (CANDOR_IS_SAMPLES_VIEW (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
}

static void
on_group_clear (CandorSamplesView *self)
{
  candor_samples_view_set_group_filter (self, NULL, NULL);
}

void
candor_samples_view_focus_search (CandorSamplesView *self)
{
  g_return_if_fail (CANDOR_IS_SAMPLES_VIEW (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* ---- GObject ---- */

static void
candor_samples_view_dispose (GObject *object)
{
  CandorSamplesView *self = CANDOR_SAMPLES_VIEW (object);

  stop_growing (self);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_object (&self->dataset);
  gtk_widget_dispose_template (GTK_WIDGET (self), CANDOR_TYPE_SAMPLES_VIEW);
  g_clear_object (&self->selection);
  g_clear_object (&self->shown);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  g_clear_object (&self->outcome_filter);
  g_clear_pointer (&self->group_column, g_free);
  g_clear_pointer (&self->group_value, g_free);
  g_clear_pointer (&self->group_values, g_strfreev);

  G_OBJECT_CLASS (candor_samples_view_parent_class)->dispose (object);
}

static void
candor_samples_view_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  CandorSamplesView *self = CANDOR_SAMPLES_VIEW (object);

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
candor_samples_view_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  CandorSamplesView *self = CANDOR_SAMPLES_VIEW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      candor_samples_view_set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
candor_samples_view_class_init (CandorSamplesViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = candor_samples_view_dispose;
  object_class->get_property = candor_samples_view_get_property;
  object_class->set_property = candor_samples_view_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, CANDOR_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/candor/Candor/ui/candor-samples-view.ui");
  gtk_widget_class_bind_template_child (widget_class, CandorSamplesView, count_label);
  gtk_widget_class_bind_template_child (widget_class, CandorSamplesView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, CandorSamplesView, stack);
  gtk_widget_class_bind_template_child (widget_class, CandorSamplesView, grid_view);
  gtk_widget_class_bind_template_child (widget_class, CandorSamplesView, column_view);
  gtk_widget_class_bind_template_child (widget_class, CandorSamplesView, outcome_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CandorSamplesView, group_chip);
  gtk_widget_class_bind_template_child (widget_class, CandorSamplesView, notice_label);
  gtk_widget_class_bind_template_child (widget_class, CandorSamplesView, group_label);
  gtk_widget_class_bind_template_child (widget_class, CandorSamplesView, group_clear);

  gtk_widget_class_set_css_name (widget_class, "samplesview");
}

static void
candor_samples_view_init (CandorSamplesView *self)
{
  GtkListItemFactory *factory;
  GtkExpression *expression;
  GtkFilter *every;

  gtk_widget_init_template (GTK_WIDGET (self));

  expression = gtk_property_expression_new (CANDOR_TYPE_SAMPLE, NULL, "search-text");
  self->filter = gtk_string_filter_new (expression);
  gtk_string_filter_set_match_mode (self->filter, GTK_STRING_FILTER_MATCH_MODE_SUBSTRING);
  gtk_string_filter_set_ignore_case (self->filter, TRUE);
  self->outcome_filter = gtk_custom_filter_new (outcome_match, self, NULL);
  every = GTK_FILTER (gtk_every_filter_new ());
  gtk_multi_filter_append (GTK_MULTI_FILTER (every), GTK_FILTER (g_object_ref (self->filter)));
  gtk_multi_filter_append (GTK_MULTI_FILTER (every), GTK_FILTER (g_object_ref (self->outcome_filter)));
  self->filtered = gtk_filter_list_model_new (NULL, every);
  self->shown = gtk_slice_list_model_new (G_LIST_MODEL (g_object_ref (self->filtered)), 0, G_MAXUINT);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->shown)));
  gtk_single_selection_set_autoselect (self->selection, TRUE);
  gtk_single_selection_set_can_unselect (self->selection, FALSE);
  g_signal_connect_swapped (self->selection, "notify::selected-item",
                            G_CALLBACK (on_selected_item_changed), self);
  g_signal_connect_swapped (self->search_entry, "search-changed",
                            G_CALLBACK (on_search_changed), self);
  g_signal_connect_swapped (self->outcome_dropdown, "notify::selected",
                            G_CALLBACK (refilter), self);
  g_signal_connect_swapped (self->group_clear, "clicked", G_CALLBACK (on_group_clear), self);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (grid_setup), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (grid_bind), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (grid_unbind), NULL);
  gtk_grid_view_set_factory (self->grid_view, factory);
  g_object_unref (factory);
  gtk_grid_view_set_model (self->grid_view, GTK_SELECTION_MODEL (self->selection));
}
