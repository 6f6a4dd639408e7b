/* tabular.c: explanations of one table row, one value per raw column.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tabular.h"

int *
cx_schema_players (const CxSchema *schema)
{
  int *players;

  g_return_val_if_fail (schema != NULL, NULL);
  players = g_new (int, MAX (schema->n_features, 1));
  for (int f = 0; f < schema->n_features; f++)
    players[f] = schema->features[f].raw;
  return players;
}

void
cx_schema_set_players (const CxSchema *schema, const CxTensor *x, const int *players,
                       CxExplainParams *params)
{
  g_return_if_fail (schema != NULL && x != NULL && params != NULL);

  if (players == NULL || x->ndim != 2 || x->shape[1] != schema->n_features)
    return;
  params->groups = players;
  params->n_groups = schema->n_columns;
}

gboolean
cx_schema_column_attribution (const CxSchema *schema, const CxExplanation *e, double *out)
{
  const CxTensor *a;

  g_return_val_if_fail (schema != NULL && e != NULL && out != NULL, FALSE);
  a = e->attribution;
  if (a == NULL || a->numel != schema->n_features)
    return FALSE;
  for (int c = 0; c < schema->n_columns; c++)
    {
      const CxSchemaColumn *col = &schema->columns[c];
      double v = 0;

      if (e->method == CX_METHOD_SHAP && col->n_features > 0)
        v = a->data.f[col->features[0]];
      else
        for (int k = 0; k < col->n_features; k++)
          v += a->data.f[col->features[k]];
      out[c] = v;
    }
  return TRUE;
}

CxTensor *
cx_schema_table_load (const char *schema_path, const char *csv_path, GError **error)
{
  g_autoptr(CxSchema) schema = NULL;
  g_autoptr(CxCsv) csv = NULL;

  schema = cx_schema_load (schema_path, error);
  if (schema == NULL)
    return NULL;
  csv = cx_csv_load (csv_path, error);
  if (csv == NULL || !cx_schema_bind (schema, csv, error))
    return NULL;
  return cx_schema_encode (schema, csv, error);
}
