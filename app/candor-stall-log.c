/* candor-stall-log.c: what the main loop was doing when it stalled.
 *
 * With CANDOR_DEBUG_STALLS=1, the main context's poll function is wrapped
 * so the time the main thread spends waiting in poll() and working outside
 * it is known, and a sampler thread records the main thread's stack (by a
 * signal and backtrace()) every 10 ms while it has been working for more
 * than 20 ms. Each stall the application's monitor sees is then printed on
 * stderr: how long, how much of it the main thread worked (its CPU time)
 * or waited (in poll, or for the CPU), and the stacks sampled meanwhile
 * (addresses in candor itself print as "candor(+0xOFFSET)": addr2line -f
 * -e build/app/candor OFFSET names them). CANDOR_DEBUG_STALLS_MS=N
 * prints the stalls over N ms instead of 50, to see the smaller ones
 * that load on the machine can push over. A debugging aid only.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "candor-config.h"

#include <execinfo.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "candor-stall-log.h"

#define MAX_SAMPLES 24
#define MAX_FRAMES 64
#define SAMPLE_AFTER_US 20000
#define SAMPLE_EVERY_US 10000

typedef struct
{
  int n_frames;
  void *frames[MAX_FRAMES];
} Sample;

static gboolean enabled;
static pthread_t main_thread;
static GPollFunc real_poll;
/* Written by the main thread, read by the sampler. */
static gint in_poll;                /* atomic: 1 while the main thread waits in poll() */
static gint64 busy_since_us;        /* atomic: when it last left poll() */
/* Filled by the signal handler on the main thread, read there too. */
static Sample samples[MAX_SAMPLES];
static volatile sig_atomic_t n_samples;
/* Main-thread bookkeeping between two reports. */
static gint64 poll_us;              /* time spent in poll() */
static gint64 last_cpu_us;
static gint64 report_over_us = 50000;

static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static int
poll_wrapper (GPollFD *fds,
              guint    nfds,
              gint     timeout)
{
  gint64 start = g_get_monotonic_time ();
  int ret;

  g_atomic_int_set (&in_poll, 1);
  ret = real_poll (fds, nfds, timeout);
  g_atomic_int_set (&in_poll, 0);
  poll_us += g_get_monotonic_time () - start;
  __atomic_store_n (&busy_since_us, g_get_monotonic_time (), __ATOMIC_RELAXED);
  return ret;
}

static void
on_sample_signal (int signo)
{
  int i = n_samples;

  if (i >= MAX_SAMPLES)
    return;
  samples[i].n_frames = backtrace (samples[i].frames, MAX_FRAMES);
  n_samples = i + 1;
}

static gpointer
sampler_thread (gpointer data)
{
  for (;;)
    {
      g_usleep (SAMPLE_EVERY_US);
      if (g_atomic_int_get (&in_poll))
        continue;
      if (g_get_monotonic_time () - __atomic_load_n (&busy_since_us, __ATOMIC_RELAXED) > SAMPLE_AFTER_US)
        pthread_kill (main_thread, SIGPROF);
    }
  return NULL;
}

void
candor_stall_log_init (void)
{
  struct sigaction sa = { 0 };
  void *warm[2];

  if (enabled || g_strcmp0 (g_getenv ("CANDOR_DEBUG_STALLS"), "1") != 0)
    return;
  enabled = TRUE;
  if (g_getenv ("CANDOR_DEBUG_STALLS_MS") != NULL)
    report_over_us = 1000 * CLAMP (atoi (g_getenv ("CANDOR_DEBUG_STALLS_MS")), 1, 1000);
  main_thread = pthread_self ();
  /* backtrace() loads libgcc on first use: not inside a signal handler. */
  backtrace (warm, 2);
  sa.sa_handler = on_sample_signal;
  sa.sa_flags = SA_RESTART;
  sigemptyset (&sa.sa_mask);
  sigaction (SIGPROF, &sa, NULL);
  real_poll = g_main_context_get_poll_func (g_main_context_default ());
  g_main_context_set_poll_func (g_main_context_default (), poll_wrapper);
  last_cpu_us = thread_cpu_us ();
  __atomic_store_n (&busy_since_us, g_get_monotonic_time (), __ATOMIC_RELAXED);
  g_thread_unref (g_thread_new ("candor-stall-sampler", sampler_thread, NULL));
}

void
candor_stall_log_tick (gint64 stall_us,
                       gint64 interval_us)
{
  gint64 cpu;
  int n;

  if (!enabled)
    return;
  cpu = thread_cpu_us ();
  n = n_samples;
  if (stall_us > report_over_us)
    {
      g_autoptr(GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

      fprintf (stderr, "candor: at %.3f s, stall %.0f ms: main thread worked %.0f ms (CPU), waited in poll %.0f ms, "
               "waited for the CPU or a lock %.0f ms; %d stack samples\n",
               g_get_monotonic_time () / 1e6, stall_us / 1000.0, (cpu - last_cpu_us) / 1000.0, poll_us / 1000.0,
               MAX (0, interval_us - (cpu - last_cpu_us) - poll_us) / 1000.0, n);
      for (int i = 0; i < n; i++)
        {
          char **names = backtrace_symbols (samples[i].frames, samples[i].n_frames);
          GString *stack = g_string_new (NULL);
          /* Skip the handler and the signal trampoline. */
          for (int k = 2; names != NULL && k < samples[i].n_frames; k++)
            {
              const char *slash = strrchr (names[k], '/');
              g_string_append_printf (stack, "%s  %s\n", k == 2 ? "" : "   ", slash ? slash + 1 : names[k]);
            }
          free (names);
          fprintf (stderr, "  sample %d:\n    %s", i + 1, stack->str);
          g_string_free (stack, TRUE);
        }
    }
  n_samples = 0;
  poll_us = 0;
  last_cpu_us = cpu;
}
