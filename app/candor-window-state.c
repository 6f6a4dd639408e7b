/* candor-window-state.c: what the window shows, as JSON (`--state FILE`).
 *
 * Tests drive the window through its actions and then read this document
 * to assert on the numbers a user would see: the selection and its
 * prediction, the filters, and each page's figures.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"

#include <json-glib/json-glib.h>

#include "atomic-file.h"
#include "json-output.h"
#include "candor-dataset.h"
#include "candor-model.h"
#include "candor-sample.h"
#include "candor-session.h"
#include "candor-window-private.h"

static void
add_file (JsonBuilder *b,
          const char  *member,
          const char  *name,
          const char  *sha256)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, name);
  json_builder_set_member_name (b, "sha256");
  json_builder_add_string_value (b, sha256);
  json_builder_end_object (b);
}

static void
add_data (CandorWindow  *self,
          JsonBuilder   *b,
          CandorDataset *dataset)
{
  const char *group_value = NULL;
  const char *group_column = candor_samples_view_get_group_filter (self->samples_view, &group_value);

  json_builder_set_member_name (b, "data");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, candor_dataset_get_name (dataset));
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, candor_dataset_get_kind (dataset) == CANDOR_DATASET_TABLE
                                    ? "table" : "images");
  json_builder_set_member_name (b, "samples");
  json_builder_add_int_value (b, g_list_model_get_n_items (candor_dataset_get_samples (dataset)));
  json_builder_set_member_name (b, "shown");
  json_builder_add_int_value (b, candor_samples_view_get_n_shown (self->samples_view));
  json_builder_set_member_name (b, "predicted");
  json_builder_add_boolean_value (b, candor_dataset_get_probabilities (dataset) != NULL);
  json_builder_set_member_name (b, "prediction_error");
  json_builder_add_string_value (b, candor_dataset_get_prediction_error (dataset));
  json_builder_set_member_name (b, "group_filter");
  if (group_column != NULL)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "column");
      json_builder_add_string_value (b, group_column);
      json_builder_set_member_name (b, "value");
      json_builder_add_string_value (b, group_value);
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
}

static void
add_sample (JsonBuilder  *b,
            CandorSample *sample)
{
  json_builder_set_member_name (b, "selected");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "index");
  json_builder_add_int_value (b, candor_sample_get_index (sample));
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, candor_sample_get_name (sample));
  json_builder_set_member_name (b, "label");
  json_builder_add_string_value (b, candor_sample_get_label (sample));
  json_builder_set_member_name (b, "predicted");
  json_builder_add_string_value (b, candor_sample_get_predicted (sample));
  json_builder_set_member_name (b, "confidence");
  json_builder_add_double_value (b, candor_sample_get_confidence (sample));
  json_builder_set_member_name (b, "correct");
  if (candor_sample_get_correct (sample) >= 0)
    json_builder_add_boolean_value (b, candor_sample_get_correct (sample) == 1);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
}

void
candor_window_prepare_state (CandorWindow *self)
{
  g_return_if_fail (CANDOR_IS_WINDOW (self));

  /* What If searches only while shown; the document reports it anyway. */
  candor_whatif_page_ensure (self->whatif_page);
}

gboolean
candor_window_write_state (CandorWindow  *self,
                           const char    *path,
                           JsonNode      *timing,
                           GError       **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  CandorModel *model = candor_session_get_model (self->session);
  CandorDataset *dataset = candor_session_get_dataset (self->session);
  CandorSample *sample = candor_session_get_selected_sample (self->session);
  gsize len;

  g_return_val_if_fail (CANDOR_IS_WINDOW (self), FALSE);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "view");
  json_builder_add_string_value (b, adw_view_stack_get_visible_child_name (self->view_stack));
  json_builder_set_member_name (b, "findings");
  json_builder_add_int_value (b, self->doc ? self->doc->findings->len : 0);
  if (model != NULL)
    add_file (b, "model", candor_model_get_name (model), candor_model_get_sha256 (model));
  if (dataset != NULL)
    add_data (self, b, dataset);
  if (sample != NULL)
    add_sample (b, sample);
  json_builder_set_member_name (b, "explain");
  json_builder_begin_object (b);
  candor_explain_page_add_state (self->explain_page, b);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "whatif");
  json_builder_begin_object (b);
  candor_whatif_page_add_state (self->whatif_page, b);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "fairness");
  json_builder_begin_object (b);
  candor_fairness_page_add_state (self->fairness_page, b);
  json_builder_end_object (b);
  if (timing != NULL)
    {
      json_builder_set_member_name (b, "timing");
      json_builder_add_value (b, json_node_copy (timing));
    }
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  text = cx_json_to_text (root, &len);
  return cx_atomic_write (path, text, len, error);
}
