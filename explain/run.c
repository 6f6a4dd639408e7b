/* run.c: per-run allocation with a byte budget and a pool of freed
 * buffers, so tensors whose lifetime has ended are reused by later ones.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "run.h"

#include <malloc.h>
#include <string.h>

struct _CxRun
{
  guint64 budget;
  guint64 live;            /* bytes of tensors handed out and not released */
  guint64 pooled;          /* bytes sitting in the pool */
  guint64 peak;
  GHashTable *pool;        /* data bytes (guint64*) -> GSList of CxTensor shells */
  gpointer scratch[2];
  gsize scratch_size[2];
};

static guint
u64_hash (gconstpointer p)
{
  return g_int64_hash (p);
}

static gboolean
u64_equal (gconstpointer a, gconstpointer b)
{
  return g_int64_equal (a, b);
}

static void
free_list (gpointer data)
{
  g_slist_free_full (data, (GDestroyNotify) cx_tensor_free);
}

/* Activation buffers are large and short-lived: by default glibc hands each
 * one out as a fresh mmap, and every first write to it is a page fault
 * (millions per explanation). Keep them on the heap and let freed memory
 * stay mapped between runs. */
static void
tune_allocator (void)
{
  static gsize once = 0;
  if (g_once_init_enter (&once))
    {
      mallopt (M_MMAP_THRESHOLD, 64 << 20);
      mallopt (M_TRIM_THRESHOLD, 512 << 20);
      mallopt (M_TOP_PAD, 64 << 20);
      g_once_init_leave (&once, 1);
    }
}

CxRun *
cx_run_new (guint64 budget)
{
  CxRun *run;

  tune_allocator ();
  run = g_new0 (CxRun, 1);
  run->budget = budget ? budget : cx_tensor_get_limit ();
  run->pool = g_hash_table_new_full (u64_hash, u64_equal, g_free, free_list);
  return run;
}

void
cx_run_free (CxRun *run)
{
  if (run == NULL)
    return;
  g_hash_table_destroy (run->pool);
  free (run->scratch[0]);
  free (run->scratch[1]);
  g_free (run);
}

guint64
cx_run_live_bytes (const CxRun *run)
{
  return run->live + run->scratch_size[0] + run->scratch_size[1];
}

guint64
cx_run_peak_bytes (const CxRun *run)
{
  return run->peak;
}

void
cx_run_trim (CxRun *run)
{
  g_hash_table_remove_all (run->pool);
  run->pooled = 0;
}

static void
note_peak (CxRun *run)
{
  guint64 now = run->live + run->pooled + run->scratch_size[0] + run->scratch_size[1];
  run->peak = MAX (run->peak, now);
}

static CxTensor *
run_alloc (CxRun *run, CxElem elem, int ndim, const int64_t *shape,
           gboolean zero, GError **error)
{
  int64_t numel;
  guint64 bytes;
  GSList *list = NULL;
  gpointer key = NULL;
  CxTensor *t;

  if (!cx_shape_numel (ndim, shape, &numel, "tensor", error))
    return NULL;
  bytes = (guint64) numel * (cx_elem_is_float (elem) ? 4 : 8);

  if (g_hash_table_steal_extended (run->pool, &bytes, &key, (gpointer *) &list))
    {
      t = list->data;
      list = g_slist_delete_link (list, list);
      if (list != NULL)
        g_hash_table_insert (run->pool, key, list);
      else
        g_free (key);
      run->pooled -= bytes;
      t->elem = elem;
      t->ndim = ndim;
      memset (t->shape, 0, sizeof t->shape);
      if (ndim > 0)
        memcpy (t->shape, shape, sizeof (int64_t) * ndim);
      t->numel = numel;
      if (zero && bytes > 0)
        memset (t->data.p, 0, bytes);
    }
  else
    {
      if (run->live + run->scratch_size[0] + run->scratch_size[1] + bytes > run->budget)
        {
          /* Give pooled memory back before declaring the budget exhausted. */
          cx_run_trim (run);
          if (run->live + bytes > run->budget)
            {
              g_autofree char *s = cx_shape_to_string (ndim, shape);
              g_set_error (error, CX_ERROR, CX_ERROR_LIMIT,
                           "a tensor of shape %s would take the engine past its "
                           "memory budget of %" G_GUINT64_FORMAT " MiB "
                           "(%s, or use a smaller batch)",
                           s, run->budget >> 20, cx_tensor_get_limit_hint ());
              return NULL;
            }
        }
      t = zero ? cx_tensor_new_zeros (elem, ndim, shape, error)
               : cx_tensor_new (elem, ndim, shape, error);
      if (t == NULL)
        return NULL;
    }
  run->live += bytes;
  note_peak (run);
  return t;
}

CxTensor *
cx_run_alloc (CxRun *run, CxElem elem, int ndim, const int64_t *shape, GError **error)
{
  return run_alloc (run, elem, ndim, shape, FALSE, error);
}

CxTensor *
cx_run_alloc_zeros (CxRun *run, CxElem elem, int ndim, const int64_t *shape, GError **error)
{
  return run_alloc (run, elem, ndim, shape, TRUE, error);
}

void
cx_run_release (CxRun *run, CxTensor *t)
{
  guint64 bytes;
  GSList *list = NULL;
  gpointer key = NULL;

  if (t == NULL)
    return;
  bytes = cx_tensor_nbytes (t);
  g_assert (run->live >= bytes);
  run->live -= bytes;
  if (!g_hash_table_steal_extended (run->pool, &bytes, &key, (gpointer *) &list))
    key = g_memdup2 (&bytes, sizeof bytes);
  list = g_slist_prepend (list, t);
  g_hash_table_insert (run->pool, key, list);
  run->pooled += bytes;
}

gpointer
cx_run_scratch (CxRun *run, int slot, gsize bytes, GError **error)
{
  g_assert (slot == 0 || slot == 1);
  if (bytes <= run->scratch_size[slot] && run->scratch[slot] != NULL)
    return run->scratch[slot];
  if (run->live + bytes > run->budget)
    {
      cx_run_trim (run);
      if (run->live + bytes > run->budget)
        {
          g_set_error (error, CX_ERROR, CX_ERROR_LIMIT,
                       "a work buffer of %" G_GSIZE_FORMAT " MiB would take the engine "
                       "past its memory budget of %" G_GUINT64_FORMAT " MiB "
                       "(%s, or use a smaller batch)",
                       bytes >> 20, run->budget >> 20, cx_tensor_get_limit_hint ());
          return NULL;
        }
    }
  free (run->scratch[slot]);
  run->scratch[slot] = NULL;
  run->scratch_size[slot] = 0;
  if (posix_memalign (&run->scratch[slot], 64, MAX (bytes, 64)) != 0)
    {
      g_set_error (error, CX_ERROR, CX_ERROR_LIMIT,
                   "out of memory allocating a work buffer of %" G_GSIZE_FORMAT " MiB",
                   bytes >> 20);
      return NULL;
    }
  run->scratch_size[slot] = bytes;
  note_peak (run);
  return run->scratch[slot];
}
