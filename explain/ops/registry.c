/* registry.c: the merged, sorted operator table.
 *
 * Each family file (elementwise.c, conv.c, …) exports its own table;
 * this file merges them once, sorted by name, for binary search.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ops.h"

#include <stdlib.h>
#include <string.h>

typedef struct
{
  const CxOpDef *defs;
  const guint *count;
} Family;

static const Family families[] = {
  { cx_ops_elementwise, &cx_ops_elementwise_count },
  { cx_ops_reduce, &cx_ops_reduce_count },
  { cx_ops_shape, &cx_ops_shape_count },
  { cx_ops_conv, &cx_ops_conv_count },
  { cx_ops_gemm, &cx_ops_gemm_count },
  { cx_ops_pool, &cx_ops_pool_count },
  { cx_ops_norm, &cx_ops_norm_count },
  { cx_ops_softmax, &cx_ops_softmax_count },
  { cx_ops_einsum, &cx_ops_einsum_count },
};

static const CxOpDef **table;
static const char **names;
static guint table_len;

static int
compare_defs (const void *a, const void *b)
{
  const CxOpDef *const *x = a, *const *y = b;
  return strcmp ((*x)->name, (*y)->name);
}

static void
build_table (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      guint n = 0, k = 0;
      for (gsize f = 0; f < G_N_ELEMENTS (families); f++)
        n += *families[f].count;
      table = g_new (const CxOpDef *, MAX (n, 1));
      names = g_new0 (const char *, n + 1);
      for (gsize f = 0; f < G_N_ELEMENTS (families); f++)
        for (guint i = 0; i < *families[f].count; i++)
          table[k++] = &families[f].defs[i];
      qsort (table, n, sizeof *table, compare_defs);
      for (guint i = 0; i < n; i++)
        {
          /* Two families defining one op is a programming error. */
          g_assert (i == 0 || strcmp (table[i - 1]->name, table[i]->name) != 0);
          names[i] = table[i]->name;
        }
      table_len = n;
      g_once_init_leave (&once, 1);
    }
}

const CxOpDef *
cx_op_lookup (const char *op_type)
{
  guint lo = 0, hi;

  build_table ();
  hi = table_len;
  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;
      int c = strcmp (op_type, table[mid]->name);
      if (c == 0)
        return table[mid];
      if (c < 0)
        hi = mid;
      else
        lo = mid + 1;
    }
  return NULL;
}

const char **
cx_op_names (void)
{
  build_table ();
  return names;
}
