/* tabular.h: explanations of one table row, one value per raw column.
 *
 * The model reads encoded features (a numeric column is one feature, a
 * categorical column one 0/1 feature per category); a person reads raw
 * columns. These turn one into the other, so `candor-cli explain` and the
 * app's bars give the same numbers.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "attribution.h"
#include "schema.h"

G_BEGIN_DECLS

/* The Shapley player of each encoded feature: the index of its raw column
 * (schema->n_features values, for CxExplainParams.groups, with n_groups =
 * schema->n_columns). Free with g_free. */
int      *cx_schema_players             (const CxSchema *schema);

/* Sets @params's players to @players (from cx_schema_players) when @x has
 * the schema's feature count, so Shapley sampling switches a categorical
 * column's features on together. */
void      cx_schema_set_players         (const CxSchema *schema, const CxTensor *x,
                                         const int *players, CxExplainParams *params);

/* The attribution of each raw column (schema->n_columns values into @out,
 * schema->columns order): the sum over its encoded features, as
 * integrated gradients' completeness asks; for Shapley sampling, whose
 * features already all carry their column's value, that value. FALSE when
 * @e's attribution is not one row of the schema's features. */
gboolean  cx_schema_column_attribution  (const CxSchema *schema, const CxExplanation *e,
                                         double *out);

/* Every row of the CSV @csv_path encoded through the schema at
 * @schema_path ([N, F]): the data set whose mean is a table row's mean
 * baseline. */
CxTensor *cx_schema_table_load          (const char *schema_path, const char *csv_path,
                                         GError **error);

G_END_DECLS
