/* candor-worker.c: how the app's background jobs share the CPU with the
 * window.
 *
 * The window must answer within 50 ms while a job computes, on machines
 * with as few as two cores. Two things take the CPU from it:
 *
 * - the jobs themselves: a job's thread runs at a lower priority (nice
 *   CANDOR_WORKER_NICE, default 10) than the main thread, so the
 *   scheduler gives the window the CPU whenever it has something to do;
 *   the engine's helper threads, started from a job's thread, inherit it;
 * - OpenBLAS's threads, started when the library loads (at the main
 *   thread's priority), would spin (sched_yield) between calls: the
 *   engine runs OpenBLAS single-threaded (explain/blas.h) and shares the
 *   cores with its own helper threads, which sleep between calls.
 *
 * candor-cli keeps every thread: it has no window to keep responsive.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "candor-worker.h"

#define DEFAULT_NICE 10

static int worker_nice = DEFAULT_NICE;
static _Thread_local gboolean entered;

void
candor_worker_init (void)
{
  const char *nice_env = g_getenv ("CANDOR_WORKER_NICE");

  if (nice_env != NULL)
    worker_nice = CLAMP (atoi (nice_env), 0, 19);
}

void
candor_worker_enter (void)
{
#ifdef SYS_gettid
  pid_t tid;
  int now;

  if (entered)
    return;
  entered = TRUE;
  tid = (pid_t) syscall (SYS_gettid);
  /* On Linux a priority is per thread: this one, and those it starts. */
  errno = 0;
  now = getpriority (PRIO_PROCESS, (id_t) tid);
  if (errno == 0 && now < worker_nice)
    setpriority (PRIO_PROCESS, (id_t) tid, worker_nice);
#endif
}
