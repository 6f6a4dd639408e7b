/* candor-diff-table.c: an input against its counterfactuals.
 *
 * Built from GTK widgets in a GtkGrid, so every cell is a label a screen
 * reader can reach and text can be selected and read in tooltips. Grid
 * rows: the titles, the information rows placed at the top, the features,
 * then those placed at the bottom; grid columns: the feature names with
 * their locks, the input, each counterfactual. A changed cell is marked by
 * weight and a tinted pill, not by colour alone; an unchanged one is a
 * dash.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"

#include <glib/gi18n.h>

#include "candor-diff-table.h"
#include "candor-tooltip.h"

/* Grid rows where each kind of row starts. */
#define TOP_ROW     1
#define FEATURE_ROW 1000
#define BOTTOM_ROW  100000

typedef struct
{
  char *name;
  CandorDiffLock lock;
  char **cells;                /* n_cells, NULL: unchanged */
  guint n_cells;
  gboolean changed;            /* some counterfactual changes it */
  GPtrArray *widgets;          /* the row's cells in the grid */
} Row;

typedef struct
{
  CandorDiffPlace place;
  char *name;
  char **cells;                /* n_columns, NULL: empty */
} Info;

struct _CandorDiffTable
{
  GtkWidget parent_instance;

  /* owned */
  GtkGrid *grid;
  char **titles;
  GPtrArray *rows;             /* Row */
  GPtrArray *infos;            /* Info */
  char *title;
  char *refocus;               /* the feature whose lock had the focus */

  guint n_columns;
  guint n_top, n_bottom;
  gboolean show_unchanged;
};

G_DEFINE_FINAL_TYPE (CandorDiffTable, candor_diff_table, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SHOW_UNCHANGED,
  PROP_TITLE,
  N_PROPS
};

enum {
  LOCK_TOGGLED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
free_cells (char **cells,
            guint  n)
{
  if (cells == NULL)
    return;
  for (guint i = 0; i < n; i++)
    g_free (cells[i]);
  g_free (cells);
}

static char **
copy_cells (const char * const *cells,
            guint               n)
{
  char **copy = g_new0 (char *, MAX (n, 1));

  for (guint i = 0; cells != NULL && i < n; i++)
    copy[i] = g_strdup (cells[i]);
  return copy;
}

static void
row_free (gpointer data)
{
  Row *row = data;

  free_cells (row->cells, row->n_cells);
  g_free (row->name);
  g_ptr_array_unref (row->widgets);
  g_free (row);
}

/* ---- summary and accessibility ---- */

static gboolean
row_is_shown (CandorDiffTable *self,
              const Row       *row)
{
  return row->changed || row->lock != CANDOR_DIFF_LOCK_NONE || self->show_unchanged;
}

static void
append_infos (CandorDiffTable *self,
              GString         *text,
              guint            column)
{
  gboolean first = TRUE;

  for (guint i = 0; i < self->infos->len; i++)
    {
      Info *info = g_ptr_array_index (self->infos, i);
      if (info->cells[column] == NULL)
        continue;
      /* Translators: one fact about a column of the table: name and value, as “size of change 1.2” */
      g_string_append_printf (text, first ? _("%s %s") : _(", %s %s"), info->name, info->cells[column]);
      first = FALSE;
    }
}

char *
candor_diff_table_dup_summary (CandorDiffTable *self)
{
  GString *text;
  g_autoptr(GPtrArray) locked = g_ptr_array_new ();

  g_return_val_if_fail (CANDOR_IS_DIFF_TABLE (self), NULL);

  text = g_string_new (NULL);
  if (self->n_columns == 0)
    return g_string_free (text, FALSE);

  /* Translators: start of the table's summary: the input's title, then its facts */
  g_string_append_printf (text, _("%s: "), self->titles[0]);
  append_infos (self, text, 0);
  g_string_append (text, ".");
  for (guint c = 1; c < self->n_columns; c++)
    {
      gboolean first = TRUE;

      g_string_append_printf (text, " %s: ", self->titles[c]);
      append_infos (self, text, c);
      for (guint r = 0; r < self->rows->len; r++)
        {
          Row *row = g_ptr_array_index (self->rows, r);
          if (row->cells[c] == NULL)
            continue;
          /* Translators: a change in the table's summary: feature, old value, new value */
          g_string_append_printf (text, first ? _("; changes %s from %s to %s") : _(", %s from %s to %s"),
                                  row->name, row->cells[0] ? row->cells[0] : "", row->cells[c]);
          first = FALSE;
        }
      if (first)
        g_string_append (text, _("; changes nothing"));
      g_string_append (text, ".");
    }
  for (guint r = 0; r < self->rows->len; r++)
    {
      Row *row = g_ptr_array_index (self->rows, r);
      if (row->lock != CANDOR_DIFF_LOCK_NONE)
        g_ptr_array_add (locked, row->name);
    }
  if (locked->len > 0)
    {
      g_ptr_array_add (locked, NULL);
      g_autofree char *names = g_strjoinv (", ", (char **) locked->pdata);
      /* Translators: the end of the table's summary; %s lists features */
      g_string_append_printf (text, _(" Locked: %s."), names);
    }
  return g_string_free (text, FALSE);
}

static void
update_accessible (CandorDiffTable *self)
{
  g_autofree char *summary = candor_diff_table_dup_summary (self);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, self->title ? self->title : _("Counterfactuals"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, summary,
                                  -1);
}

/* ---- cells ---- */

/* A cell of the grid: a box that draws the row's rule, holding a label
 * that carries the value's style. */
static GtkWidget *
add_cell (CandorDiffTable *self,
          int              column,
          int              grid_row,
          const char      *text,
          const char      *tooltip,
          const char      *cell_class,
          const char      *label_class,
          GtkLabel       **label_out)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (box, "cell");
  if (column == 1)
    gtk_widget_add_css_class (box, "input");
  if (cell_class != NULL)
    gtk_widget_add_css_class (box, cell_class);
  /* Spare width goes to the values, not to the names. */
  gtk_widget_set_hexpand (label, column > 0);
  gtk_widget_set_halign (label, column == 0 ? GTK_ALIGN_START : GTK_ALIGN_CENTER);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_label_set_xalign (GTK_LABEL (label), column == 0 ? 0.0f : 0.5f);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
  /* Names wrap; values keep their width, and the table scrolls sideways
   * rather than hide a digit. */
  if (column == 0)
    {
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 16);
    }
  if (label_class != NULL)
    gtk_widget_add_css_class (label, label_class);
  if (tooltip != NULL)
    candor_set_tooltip_text (box, tooltip);
  gtk_box_append (GTK_BOX (box), label);
  gtk_grid_attach (self->grid, box, column, grid_row, 1, 1);
  if (label_out != NULL)
    *label_out = GTK_LABEL (label);
  return box;
}

static void
on_lock_toggled (GtkToggleButton *button,
                 CandorDiffTable *self)
{
  const char *name = g_object_get_data (G_OBJECT (button), "feature");
  gboolean locked = gtk_toggle_button_get_active (button);
  g_autofree char *tooltip = NULL;

  gtk_button_set_icon_name (GTK_BUTTON (button), locked ? "changes-prevent-symbolic" : "changes-allow-symbolic");
  tooltip = locked ? g_strdup_printf (_("Locked: no change touches “%s”. Click to let it change."), name)
                   : g_strdup_printf (_("Click to lock “%s”, so no change touches it"), name);
  candor_set_tooltip_text (GTK_WIDGET (button), tooltip);
  g_signal_emit (self, signals[LOCK_TOGGLED], 0, name, locked);
}

static GtkWidget *
lock_widget (CandorDiffTable *self,
             const char      *name,
             CandorDiffLock   lock)
{
  g_autofree char *tooltip = NULL;
  g_autofree char *label = NULL;
  GtkWidget *button;

  if (lock == CANDOR_DIFF_LOCK_FIXED)
    {
      GtkWidget *image = gtk_image_new_from_icon_name ("changes-prevent-symbolic");
      tooltip = g_strdup_printf (_("“%s” is locked by the data’s schema (a protected attribute): "
                                   "no change may touch it"), name);
      candor_set_tooltip_text (image, tooltip);
      gtk_widget_add_css_class (image, "fixed-lock");
      gtk_accessible_update_property (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
      return image;
    }
  button = gtk_toggle_button_new ();
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "circular");
  gtk_widget_add_css_class (button, "lock-button");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_object_set_data_full (G_OBJECT (button), "feature", g_strdup (name), g_free);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), lock == CANDOR_DIFF_LOCK_USER);
  gtk_button_set_icon_name (GTK_BUTTON (button), lock == CANDOR_DIFF_LOCK_USER ? "changes-prevent-symbolic"
                                                                                 : "changes-allow-symbolic");
  tooltip = lock == CANDOR_DIFF_LOCK_USER
          ? g_strdup_printf (_("Locked: no change touches “%s”. Click to let it change."), name)
          : g_strdup_printf (_("Click to lock “%s”, so no change touches it"), name);
  candor_set_tooltip_text (button, tooltip);
  /* Translators: the accessible name of a feature's lock button */
  label = g_strdup_printf (_("Lock %s"), name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_signal_connect (button, "toggled", G_CALLBACK (on_lock_toggled), self);
  return button;
}

static void
update_visibility (CandorDiffTable *self)
{
  for (guint r = 0; r < self->rows->len; r++)
    {
      Row *row = g_ptr_array_index (self->rows, r);
      gboolean shown = row_is_shown (self, row);
      for (guint i = 0; i < row->widgets->len; i++)
        gtk_widget_set_visible (g_ptr_array_index (row->widgets, i), shown);
    }
}

/* ---- public ---- */

GtkWidget *
candor_diff_table_new (void)
{
  return g_object_new (CANDOR_TYPE_DIFF_TABLE, NULL);
}

static void
clear (CandorDiffTable *self)
{
  GtkWidget *child;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;

  g_clear_pointer (&self->refocus, g_free);
  if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->grid))
      && g_object_get_data (G_OBJECT (focus), "feature") != NULL)
    self->refocus = g_strdup (g_object_get_data (G_OBJECT (focus), "feature"));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->grid))) != NULL)
    gtk_grid_remove (self->grid, child);
  g_ptr_array_set_size (self->rows, 0);
  for (guint i = 0; i < self->infos->len; i++)
    {
      Info *info = g_ptr_array_index (self->infos, i);
      free_cells (info->cells, self->n_columns);
      g_free (info->name);
      g_free (info);
    }
  g_ptr_array_set_size (self->infos, 0);
  g_clear_pointer (&self->titles, g_strfreev);
  self->n_columns = 0;
  self->n_top = self->n_bottom = 0;
}

void
candor_diff_table_set_columns (CandorDiffTable    *self,
                               const char * const *titles)
{
  g_return_if_fail (CANDOR_IS_DIFF_TABLE (self));

  clear (self);
  self->titles = g_strdupv ((char **) titles);
  self->n_columns = titles ? g_strv_length ((char **) titles) : 0;
  if (self->n_columns > 0)
    add_cell (self, 0, 0, "", NULL, "title", NULL, NULL);
  for (guint c = 0; c < self->n_columns; c++)
    add_cell (self, c + 1, 0, self->titles[c], NULL, "title", "heading", NULL);
  update_accessible (self);
}

guint
candor_diff_table_get_n_columns (CandorDiffTable *self)
{
  g_return_val_if_fail (CANDOR_IS_DIFF_TABLE (self), 0);
  return self->n_columns;
}

void
candor_diff_table_append_row (CandorDiffTable    *self,
                              const char         *name,
                              CandorDiffLock      lock,
                              const char * const *cells,
                              const char * const *tooltips)
{
  Row *row;
  int grid_row;
  GtkWidget *name_cell;
  GtkWidget *lock_button;
  GtkLabel *label;

  g_return_if_fail (CANDOR_IS_DIFF_TABLE (self));
  g_return_if_fail (name != NULL && cells != NULL);
  g_return_if_fail (self->n_columns > 0);

  row = g_new0 (Row, 1);
  row->name = g_strdup (name);
  row->lock = lock;
  row->cells = copy_cells (cells, self->n_columns);
  row->n_cells = self->n_columns;
  row->widgets = g_ptr_array_new ();
  grid_row = FEATURE_ROW + (int) self->rows->len;

  name_cell = add_cell (self, 0, grid_row, name, NULL, "name", NULL, &label);
  gtk_box_set_spacing (GTK_BOX (name_cell), 6);
  lock_button = lock_widget (self, name, lock);
  gtk_box_prepend (GTK_BOX (name_cell), lock_button);
  /* A lock clicked from the keyboard keeps the focus when the table is
   * filled again with what the click asked for. */
  if (g_strcmp0 (self->refocus, name) == 0)
    {
      gtk_widget_grab_focus (lock_button);
      g_clear_pointer (&self->refocus, g_free);
    }
  g_ptr_array_add (row->widgets, name_cell);

  for (guint c = 0; c < self->n_columns; c++)
    {
      const char *tooltip = tooltips ? tooltips[c] : NULL;
      GtkWidget *cell;

      if (c == 0)
        cell = add_cell (self, 1, grid_row, cells[0] ? cells[0] : "", tooltip, NULL, "value", NULL);
      else if (cells[c] != NULL)
        {
          g_autofree char *full = NULL;
          row->changed = TRUE;
          /* Translators: tooltip of a changed cell: feature, old value, new value */
          full = g_strdup_printf (_("%s changes from %s to %s"), name,
                                  tooltips && tooltips[0] ? tooltips[0] : (cells[0] ? cells[0] : ""),
                                  tooltip ? tooltip : cells[c]);
          cell = add_cell (self, c + 1, grid_row, cells[c], full, NULL, "changed", NULL);
        }
      else
        {
          /* Translators: tooltip of an unchanged cell; %s is the input's column title */
          g_autofree char *same = g_strdup_printf (_("Unchanged: as in %s"), self->titles[0]);
          cell = add_cell (self, c + 1, grid_row, "—", same, NULL, "same", NULL);
          gtk_accessible_update_property (GTK_ACCESSIBLE (cell), GTK_ACCESSIBLE_PROPERTY_LABEL, same, -1);
        }
      g_ptr_array_add (row->widgets, cell);
    }
  if (lock != CANDOR_DIFF_LOCK_NONE)
    for (guint i = 0; i < row->widgets->len; i++)
      gtk_widget_add_css_class (g_ptr_array_index (row->widgets, i), "locked");
  g_ptr_array_add (self->rows, row);
  update_visibility (self);
  update_accessible (self);
}

void
candor_diff_table_append_info (CandorDiffTable    *self,
                               CandorDiffPlace     place,
                               const char         *name,
                               const char         *tooltip,
                               const char * const *cells,
                               const char * const *styles)
{
  Info *info;
  int grid_row;
  GtkWidget *name_cell;

  g_return_if_fail (CANDOR_IS_DIFF_TABLE (self));
  g_return_if_fail (name != NULL && cells != NULL);
  g_return_if_fail (self->n_columns > 0);

  info = g_new0 (Info, 1);
  info->place = place;
  info->name = g_strdup (name);
  info->cells = copy_cells (cells, self->n_columns);
  g_ptr_array_add (self->infos, info);
  grid_row = place == CANDOR_DIFF_PLACE_TOP ? TOP_ROW + (int) self->n_top++
                                            : BOTTOM_ROW + (int) self->n_bottom++;

  name_cell = add_cell (self, 0, grid_row, name, tooltip, "info-name", "dim-label", NULL);
  if (place == CANDOR_DIFF_PLACE_BOTTOM && self->n_bottom == 1)
    gtk_widget_add_css_class (name_cell, "first-bottom");
  for (guint c = 0; c < self->n_columns; c++)
    {
      const char *style = styles ? styles[c] : NULL;
      GtkWidget *cell = add_cell (self, c + 1, grid_row, cells[c] ? cells[c] : "", tooltip,
                                  "info", style, NULL);
      if (place == CANDOR_DIFF_PLACE_BOTTOM && self->n_bottom == 1)
        gtk_widget_add_css_class (cell, "first-bottom");
    }
  update_accessible (self);
}

gboolean
candor_diff_table_get_show_unchanged (CandorDiffTable *self)
{
  g_return_val_if_fail (CANDOR_IS_DIFF_TABLE (self), FALSE);
  return self->show_unchanged;
}

void
candor_diff_table_set_show_unchanged (CandorDiffTable *self,
                                      gboolean         show_unchanged)
{
  g_return_if_fail (CANDOR_IS_DIFF_TABLE (self));

  show_unchanged = !!show_unchanged;
  if (self->show_unchanged == show_unchanged)
    return;
  self->show_unchanged = show_unchanged;
  update_visibility (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_UNCHANGED]);
}

char **
candor_diff_table_dup_shown_rows (CandorDiffTable *self)
{
  GStrvBuilder *builder;
  char **names;

  g_return_val_if_fail (CANDOR_IS_DIFF_TABLE (self), NULL);

  builder = g_strv_builder_new ();
  for (guint r = 0; r < self->rows->len; r++)
    {
      Row *row = g_ptr_array_index (self->rows, r);
      if (row_is_shown (self, row))
        g_strv_builder_add (builder, row->name);
    }
  names = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return names;
}

const char *
candor_diff_table_get_title (CandorDiffTable *self)
{
  g_return_val_if_fail (CANDOR_IS_DIFF_TABLE (self), NULL);
  return self->title;
}

void
candor_diff_table_set_title (CandorDiffTable *self,
                             const char      *title)
{
  g_return_if_fail (CANDOR_IS_DIFF_TABLE (self));

  if (g_strcmp0 (self->title, title) == 0)
    return;
  g_free (self->title);
  self->title = g_strdup (title);
  update_accessible (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

/* ---- GObject ---- */

static void
candor_diff_table_dispose (GObject *object)
{
  CandorDiffTable *self = CANDOR_DIFF_TABLE (object);

  if (self->grid != NULL)
    {
      clear (self);
      gtk_widget_unparent (GTK_WIDGET (self->grid));
      self->grid = NULL;
    }
  G_OBJECT_CLASS (candor_diff_table_parent_class)->dispose (object);
}

static void
candor_diff_table_finalize (GObject *object)
{
  CandorDiffTable *self = CANDOR_DIFF_TABLE (object);

  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->infos, g_ptr_array_unref);
  g_clear_pointer (&self->titles, g_strfreev);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->refocus, g_free);
  G_OBJECT_CLASS (candor_diff_table_parent_class)->finalize (object);
}

static void
candor_diff_table_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CandorDiffTable *self = CANDOR_DIFF_TABLE (object);

  switch (prop_id)
    {
    case PROP_SHOW_UNCHANGED:
      g_value_set_boolean (value, self->show_unchanged);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
candor_diff_table_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  CandorDiffTable *self = CANDOR_DIFF_TABLE (object);

  switch (prop_id)
    {
    case PROP_SHOW_UNCHANGED:
      candor_diff_table_set_show_unchanged (self, g_value_get_boolean (value));
      break;
    case PROP_TITLE:
      candor_diff_table_set_title (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
candor_diff_table_class_init (CandorDiffTableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = candor_diff_table_dispose;
  object_class->finalize = candor_diff_table_finalize;
  object_class->get_property = candor_diff_table_get_property;
  object_class->set_property = candor_diff_table_set_property;

  properties[PROP_SHOW_UNCHANGED] =
    g_param_spec_boolean ("show-unchanged", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CandorDiffTable::lock-toggled:
   * @name: the feature
   * @locked: whether the user locked it
   */
  signals[LOCK_TOGGLED] =
    g_signal_new ("lock-toggled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_BOOLEAN);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "difftable");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
candor_diff_table_init (CandorDiffTable *self)
{
  self->grid = GTK_GRID (gtk_grid_new ());
  gtk_widget_set_parent (GTK_WIDGET (self->grid), GTK_WIDGET (self));
  self->rows = g_ptr_array_new_with_free_func (row_free);
  self->infos = g_ptr_array_new ();
  update_accessible (self);
}
