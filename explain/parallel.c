/* parallel.c: a small pool of helper threads for kernels' loops.
 *
 * One job at a time: a caller posts (fn, data, nparts), helpers and the
 * caller take parts from an atomic counter, and the caller returns when
 * every part is done and every helper has left the job. Helpers start on
 * first use and then sleep between jobs (starting a thread per kernel
 * call cost tens of microseconds, hundreds of times per pass).
 *
 * The pool is the library's one piece of process-wide state, like
 * OpenBLAS's own threads; kernels stay free of globals.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "parallel.h"

#include <stdlib.h>

#define MAX_HELPERS 63
/* Elements of memory-bound work from which a second thread pays off. */
#define PARALLEL_MIN_WORK (1 << 17)
/* How long a thread polls before it sleeps. */
#define SPIN_US 100

typedef struct
{
  GMutex busy;                 /* held by the caller whose job the pool runs */
  GMutex lock;                 /* guards everything below but `next` */
  GCond wake, done;
  CxParallelFunc fn;
  gpointer data;
  int nparts;
  gint next;                   /* atomic: the next part to take */
  /* Written under the lock with atomics, so that polling may read them. */
  gint finished;               /* parts done */
  gint active;                 /* helpers inside the current job */
  gint generation;             /* bumped per job */
  int n_helpers;
  GThread *helpers[MAX_HELPERS];
} Pool;

static Pool pool;
static gint threads_wanted = 0;  /* 0: not decided yet */

int
cx_parallel_get_threads (void)
{
  int n = g_atomic_int_get (&threads_wanted);

  if (n == 0)
    {
      const char *env = g_getenv ("CANDOR_THREADS");
      n = env != NULL ? atoi (env) : 0;
      if (n < 1)
        n = (int) g_get_num_processors ();
      n = CLAMP (n, 1, MAX_HELPERS + 1);
      g_atomic_int_set (&threads_wanted, n);
    }
  return n;
}

void
cx_parallel_set_threads (int n)
{
  g_return_if_fail (n >= 1);
  g_atomic_int_set (&threads_wanted, MIN (n, MAX_HELPERS + 1));
}

int
cx_parallel_parts (int64_t work)
{
  return work >= PARALLEL_MIN_WORK ? cx_parallel_get_threads () : 1;
}

static inline void
cpu_relax (void)
{
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause ();
#endif
}

/* Polls, for at most SPIN_US, while a new job has not been posted
 * (@generation: the last one seen) or, with @nparts, while the current
 * job's parts are not all done or a helper is still inside it. */
static void
spin (gint generation, int nparts)
{
  gint64 until = 0;

  for (int i = 0;; i++)
    {
      if (nparts > 0 ? g_atomic_int_get (&pool.finished) >= nparts &&
                         g_atomic_int_get (&pool.active) == 0
                     : g_atomic_int_get (&pool.generation) != generation)
        return;
      if (i % 64 == 0)
        {
          const gint64 now = g_get_monotonic_time ();
          if (until == 0)
            until = now + SPIN_US;
          else if (now >= until)
            return;
        }
      cpu_relax ();
    }
}

/* Takes parts of the posted job until none is left. */
static void
take_parts (CxParallelFunc fn, gpointer data, int nparts)
{
  int p;

  while ((p = g_atomic_int_add (&pool.next, 1)) < nparts)
    {
      fn (data, p, nparts);
      g_mutex_lock (&pool.lock);
      if (g_atomic_int_add (&pool.finished, 1) + 1 == nparts)
        g_cond_broadcast (&pool.done);
      g_mutex_unlock (&pool.lock);
    }
}

static gpointer
helper_main (gpointer unused)
{
  gint seen;

  g_mutex_lock (&pool.lock);
  seen = pool.generation;
  for (;;)
    {
      CxParallelFunc fn;
      gpointer data;
      int nparts;

      if (pool.generation == seen)
        {
          g_mutex_unlock (&pool.lock);
          spin (seen, 0);
          g_mutex_lock (&pool.lock);
        }
      while (pool.generation == seen)
        g_cond_wait (&pool.wake, &pool.lock);
      seen = pool.generation;
      fn = pool.fn;
      data = pool.data;
      nparts = pool.nparts;
      g_atomic_int_inc (&pool.active);
      g_mutex_unlock (&pool.lock);
      take_parts (fn, data, nparts);
      g_mutex_lock (&pool.lock);
      if (g_atomic_int_dec_and_test (&pool.active))
        g_cond_broadcast (&pool.done);
    }
  return NULL;
}

/* Starts helpers up to @n; called with pool.busy held. FALSE: none runs. */
static gboolean
ensure_helpers (int n)
{
  n = MIN (n, MAX_HELPERS);
  while (pool.n_helpers < n)
    {
      GThread *t = g_thread_try_new ("cx-helper", helper_main, NULL, NULL);
      if (t == NULL)
        break;
      g_mutex_lock (&pool.lock);
      pool.helpers[pool.n_helpers++] = t;
      g_mutex_unlock (&pool.lock);
    }
  return pool.n_helpers > 0;
}

void
cx_parallel_run (CxParallelFunc fn, gpointer data, int nparts)
{
  if (nparts > 1 && g_mutex_trylock (&pool.busy))
    {
      if (ensure_helpers (MIN (nparts, cx_parallel_get_threads ()) - 1))
        {
          g_mutex_lock (&pool.lock);
          /* A helper that woke too late for the last job may still be
           * leaving it (with nothing to take): let it go first. */
          while (pool.active > 0)
            g_cond_wait (&pool.done, &pool.lock);
          pool.fn = fn;
          pool.data = data;
          pool.nparts = nparts;
          g_atomic_int_set (&pool.finished, 0);
          g_atomic_int_set (&pool.next, 0);
          g_atomic_int_inc (&pool.generation);
          g_cond_broadcast (&pool.wake);
          g_mutex_unlock (&pool.lock);
          take_parts (fn, data, nparts);
          /* Wait for the parts and for every helper to leave the job, so
           * none takes a part of the next one with this one's function. */
          spin (0, nparts);
          g_mutex_lock (&pool.lock);
          while (pool.finished < nparts || pool.active > 0)
            g_cond_wait (&pool.done, &pool.lock);
          g_mutex_unlock (&pool.lock);
          g_mutex_unlock (&pool.busy);
          return;
        }
      g_mutex_unlock (&pool.busy);
    }
  for (int p = 0; p < nparts; p++)
    fn (data, p, nparts);
}
