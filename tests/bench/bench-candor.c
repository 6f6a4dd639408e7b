/* bench-candor.c: Candor's side of the peer benchmark (tests/bench/run).
 *
 *   bench-candor --manifest M.json --out-dir D [--reps N] [--warmup N] [--only NAME]
 *       times, per model of the manifest (written by make-models.py), the
 *       batch-50 forward, the gradient of one logit per row, integrated
 *       gradients (50 Gauss–Legendre steps as one batch, written here as
 *       Captum runs it, and the library's cx_explain), SmoothGrad and
 *       occlusion; plus an sgemm probe. Writes logits, gradients and
 *       attributions to D for the correctness columns; JSON on stdout.
 *   bench-candor --manifest M.json --rss NAME
 *       the peak RSS (getrusage) of one batch-50 gradient, in a fresh process.
 *   bench-candor --manifest M.json --profile NAME
 *       one forward and one gradient with CANDOR_PROFILE=1; the per-op
 *       profile the engine prints, captured into the JSON.
 *
 * Not a test: nothing here asserts. A model that fails to load or run is
 * reported with its error and the others go on.
 *
 * Copyright 2026 The Candor authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attribution.h"
#include "engine.h"
#include "model.h"
#include "npy.h"
#include "parallel.h"

#include <cblas.h>
#include <errno.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define IG_STEPS 50

typedef struct
{
  const char *name;
  const char *onnx;
  const char *input;
  const char *targets;
} Entry;

typedef struct
{
  const CxModel *model;
  const CxTensor *x;          /* the batch */
  const CxTensor *row;        /* its first row, [1, …] */
  const int64_t *targets;
  CxTensor *keep;             /* the last result, for the correctness files */
  CxMethod method;            /* for cx_explain */
  gboolean bench_ig;          /* run_ig: the loop written here */
} Job;

typedef gboolean (*JobFunc) (Job *job, GError **error);

static int reps = 7, warmup = 2;

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

static void
keep_result (Job *job, CxTensor *t)
{
  g_clear_pointer (&job->keep, cx_tensor_free);
  job->keep = t;
}

static gboolean
run_forward (Job *job, GError **error)
{
  CxTensor *y = cx_engine_predict (job->model, job->x, 0, NULL, error);
  if (y == NULL)
    return FALSE;
  keep_result (job, y);
  return TRUE;
}

static gboolean
run_gradient (Job *job, GError **error)
{
  CxTensor *g = NULL;
  if (!cx_engine_gradient (job->model, job->x, 0, job->targets, NULL, NULL, &g, error))
    return FALSE;
  keep_result (job, g);
  return TRUE;
}

/* Integrated gradients of row 0 at targets[0], zero baseline, as Captum's
 * IntegratedGradients runs it: the IG_STEPS scaled inputs as one batch,
 * one reverse pass, attribution = (x − x′) · Σ wᵢ ∇f(x′ + αᵢ(x − x′)). */
static gboolean
run_ig_loop (Job *job, GError **error)
{
  double alphas[IG_STEPS], weights[IG_STEPS];
  int64_t shape[CX_MAX_DIMS], targets[IG_STEPS];
  const CxTensor *x = job->row;
  int64_t n = x->numel;
  g_autoptr(CxTensor) scaled = NULL;
  g_autoptr(CxTensor) grad = NULL;
  g_autofree double *acc = NULL;
  CxTensor *attr;

  cx_ig_points (CX_RULE_GAUSS_LEGENDRE, IG_STEPS, alphas, weights);
  memcpy (shape, x->shape, sizeof shape);
  shape[0] = IG_STEPS;
  scaled = cx_tensor_new (CX_ELEM_FLOAT, x->ndim, shape, error);
  if (scaled == NULL)
    return FALSE;
  for (int s = 0; s < IG_STEPS; s++)
    {
      float a = (float) alphas[s];
      float *dst = scaled->data.f + s * n;
      for (int64_t j = 0; j < n; j++)
        dst[j] = a * x->data.f[j];
      targets[s] = job->targets[0];
    }
  if (!cx_engine_gradient (job->model, scaled, 0, targets, NULL, NULL, &grad, error))
    return FALSE;
  acc = g_new0 (double, n);
  for (int s = 0; s < IG_STEPS; s++)
    {
      const float *g = grad->data.f + s * n;
      for (int64_t j = 0; j < n; j++)
        acc[j] += weights[s] * g[j];
    }
  attr = cx_tensor_new (CX_ELEM_FLOAT, x->ndim, x->shape, error);
  if (attr == NULL)
    return FALSE;
  for (int64_t j = 0; j < n; j++)
    attr->data.f[j] = (float) (x->data.f[j] * acc[j]);
  keep_result (job, attr);
  return TRUE;
}

static gboolean
run_explain (Job *job, GError **error)
{
  CxExplainParams p;
  CxExplanation *e;

  cx_explain_params_init (&p, job->method);
  p.target = job->targets[0];
  p.seed = 1;
  e = cx_explain (job->model, job->row, &p, error);
  if (e == NULL)
    return FALSE;
  keep_result (job, g_steal_pointer (&e->attribution));
  cx_explanation_free (e);
  return TRUE;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* Warm-up, then @reps timed runs; the times (ms) go into the builder as
 * "name": [..] or, on failure, "name_error": "...". */
static gboolean
measure (JsonBuilder *b, const char *name, JobFunc fn, Job *job)
{
  g_autofree double *t = g_new (double, reps);
  g_autoptr(GError) error = NULL;

  for (int i = 0; i < warmup + reps; i++)
    {
      double t0 = now_ms ();
      if (!fn (job, &error))
        {
          g_autofree char *key = g_strconcat (name, "_error", NULL);
          json_builder_set_member_name (b, key);
          json_builder_add_string_value (b, error->message);
          g_printerr ("bench-candor: %s: %s\n", name, error->message);
          return FALSE;
        }
      if (i >= warmup)
        t[i - warmup] = now_ms () - t0;
    }
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (int i = 0; i < reps; i++)
    json_builder_add_double_value (b, t[i]);
  json_builder_end_array (b);
  qsort (t, reps, sizeof *t, cmp_double);
  g_printerr ("bench-candor:   %-14s %9.2f ms (median of %d)\n", name, t[reps / 2], reps);
  return TRUE;
}

static void
save_kept (Job *job, const char *dir, const char *model, const char *what)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *file = g_strdup_printf ("candor-%s-%s.npy", model, what);
  g_autofree char *path = g_build_filename (dir, file, NULL);

  if (job->keep == NULL)
    return;
  if (!cx_npy_save (path, job->keep, &error))
    g_printerr ("bench-candor: %s\n", error->message);
  g_clear_pointer (&job->keep, cx_tensor_free);
}

/* ---------------------------------------------------------------- sgemm */

typedef struct
{
  const char *name;
  int m, n, k;
  double ms;                  /* best median over the probe rounds */
} Probe;

/* C[m×n] = A[m×k] · B[k×n], row major: the layout of im2col convs
 * (weights × columns). Returns the median time in ms. */
static double
sgemm_median_ms (int m, int n, int k)
{
  float *A = g_new (float, (gsize) m * k), *B = g_new (float, (gsize) k * n);
  float *C = g_new0 (float, (gsize) m * n);
  g_autofree double *t = g_new (double, reps);
  double med;

  for (gsize i = 0; i < (gsize) m * k; i++)
    A[i] = (float) ((i * 7919) % 1000) / 1000.0f - 0.5f;
  for (gsize i = 0; i < (gsize) k * n; i++)
    B[i] = (float) ((i * 104729) % 1000) / 1000.0f - 0.5f;
  for (int i = 0; i < warmup + reps; i++)
    {
      double t0 = now_ms ();
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, A, k, B, n,
                   0.0f, C, n);
      if (i >= warmup)
        t[i - warmup] = now_ms () - t0;
    }
  qsort (t, reps, sizeof *t, cmp_double);
  med = t[reps / 2];
  g_free (A);
  g_free (B);
  g_free (C);
  return med;
}

static Probe probes[] = {
  { "square 1024", 1024, 1024, 1024, 0 },
  { "square 2048", 2048, 2048, 2048, 0 },
  /* im2col GEMMs of ResNet-18's 3×3 layers at 64×64, batch 50 */
  { "conv layer1 64x12800x576", 64, 12800, 576, 0 },
  { "conv layer2 128x3200x1152", 128, 3200, 1152, 0 },
  { "conv layer3 256x800x2304", 256, 800, 2304, 0 },
};

/* One round of every probe; each keeps its best median so far (the probe
 * runs before and after the models, so a moment of load does not set the
 * reference the Conv efficiency is measured against). The probe is
 * OpenBLAS's own peak: threaded on every core, although the engine runs
 * it single-threaded (blas.h), and set back after. */
static void
sgemm_round (void)
{
  int saved = openblas_get_num_threads ();

  openblas_set_num_threads (cx_parallel_get_threads ());
  for (guint i = 0; i < G_N_ELEMENTS (probes); i++)
    {
      double ms = sgemm_median_ms (probes[i].m, probes[i].n, probes[i].k);
      if (probes[i].ms == 0 || ms < probes[i].ms)
        probes[i].ms = ms;
    }
  openblas_set_num_threads (saved);
}

static void
sgemm_json (JsonBuilder *b)
{
  json_builder_set_member_name (b, "sgemm");
  json_builder_begin_array (b);
  for (guint i = 0; i < G_N_ELEMENTS (probes); i++)
    {
      const Probe *p = &probes[i];
      double gflops = 2.0 * p->m * p->n * p->k / (p->ms * 1e6);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, p->name);
      json_builder_set_member_name (b, "m");
      json_builder_add_int_value (b, p->m);
      json_builder_set_member_name (b, "n");
      json_builder_add_int_value (b, p->n);
      json_builder_set_member_name (b, "k");
      json_builder_add_int_value (b, p->k);
      json_builder_set_member_name (b, "median_ms");
      json_builder_add_double_value (b, p->ms);
      json_builder_set_member_name (b, "gflops");
      json_builder_add_double_value (b, gflops);
      json_builder_end_object (b);
      g_printerr ("bench-candor: sgemm %-28s %7.1f GFLOP/s\n", p->name, gflops);
    }
  json_builder_end_array (b);
}

/* ---------------------------------------------------------------- models */

static GPtrArray *
read_manifest (const char *path, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *models;
  GPtrArray *entries;

  if (!json_parser_load_from_file (parser, path, error))
    return NULL;
  models = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                         "models");
  entries = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < json_array_get_length (models); i++)
    {
      JsonObject *o = json_array_get_object_element (models, i);
      Entry *e = g_new0 (Entry, 1);
      e->name = g_intern_string (json_object_get_string_member (o, "name"));
      e->onnx = g_intern_string (json_object_get_string_member (o, "onnx"));
      e->input = g_intern_string (json_object_get_string_member (o, "input"));
      e->targets = g_intern_string (json_object_get_string_member (o, "targets"));
      g_ptr_array_add (entries, e);
    }
  return entries;
}

typedef struct
{
  CxModel *model;
  CxTensor *x;
  CxTensor *row;
  CxTensor *targets;
} Loaded;

static void
loaded_clear (Loaded *l)
{
  g_clear_pointer (&l->model, cx_model_free);
  g_clear_pointer (&l->x, cx_tensor_free);
  g_clear_pointer (&l->row, cx_tensor_free);
  g_clear_pointer (&l->targets, cx_tensor_free);
}

static gboolean
load_entry (const Entry *e, Loaded *l, double *load_ms, GError **error)
{
  int64_t shape[CX_MAX_DIMS];
  double t0 = now_ms ();

  memset (l, 0, sizeof *l);
  l->model = cx_model_load (e->onnx, NULL, error);
  if (l->model == NULL)
    return FALSE;
  if (load_ms)
    *load_ms = now_ms () - t0;
  l->x = cx_npy_load (e->input, error);
  if (l->x == NULL)
    return FALSE;
  l->targets = cx_npy_load (e->targets, error);
  if (l->targets == NULL)
    return FALSE;
  if (l->targets->elem != CX_ELEM_INT64 || l->targets->numel != l->x->shape[0])
    {
      g_set_error (error, CX_ERROR, CX_ERROR_SHAPE, "%s: expected int64 [%" G_GINT64_FORMAT "]",
                   e->targets, l->x->shape[0]);
      return FALSE;
    }
  memcpy (shape, l->x->shape, sizeof shape);
  shape[0] = 1;
  l->row = cx_tensor_new_f32 (l->x->ndim, shape, l->x->data.f);
  return TRUE;
}

static void
add_error (JsonBuilder *b, const char *key, const char *message)
{
  json_builder_set_member_name (b, key);
  json_builder_add_string_value (b, message);
}

static void
bench_model (JsonBuilder *b, const Entry *e, const char *out_dir)
{
  g_autoptr(GError) error = NULL;
  Loaded l;
  double load_ms = 0;
  Job job = { 0 };
  static const struct
  {
    const char *key;
    CxMethod method;
    const char *file;
  } methods[] = {
    { "ig_explain", CX_METHOD_IG, "ig-explain" },
    { "smoothgrad", CX_METHOD_SMOOTHGRAD, NULL },
    { "occlusion", CX_METHOD_OCCLUSION, "occlusion" },
  };

  json_builder_set_member_name (b, e->name);
  json_builder_begin_object (b);
  g_printerr ("bench-candor: %s\n", e->name);
  if (!load_entry (e, &l, &load_ms, &error))
    {
      g_printerr ("bench-candor: %s: %s\n", e->name, error->message);
      add_error (b, "error", error->message);
      loaded_clear (&l);
      json_builder_end_object (b);
      return;
    }
  json_builder_set_member_name (b, "load_ms");
  json_builder_add_double_value (b, load_ms);
  job.model = l.model;
  job.x = l.x;
  job.row = l.row;
  job.targets = l.targets->data.i;

  if (measure (b, "forward", run_forward, &job))
    save_kept (&job, out_dir, e->name, "logits");
  if (measure (b, "gradient", run_gradient, &job))
    save_kept (&job, out_dir, e->name, "grad");
  if (measure (b, "ig_loop", run_ig_loop, &job))
    save_kept (&job, out_dir, e->name, "ig");
  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      job.method = methods[i].method;
      if (measure (b, methods[i].key, run_explain, &job) && methods[i].file)
        save_kept (&job, out_dir, e->name, methods[i].file);
      g_clear_pointer (&job.keep, cx_tensor_free);
    }
  loaded_clear (&l);
  json_builder_end_object (b);
}

static const Entry *
find_entry (GPtrArray *entries, const char *name)
{
  for (guint i = 0; i < entries->len; i++)
    if (g_str_equal (((Entry *) entries->pdata[i])->name, name))
      return entries->pdata[i];
  return NULL;
}

static long
max_rss_kb (void)
{
  struct rusage ru;
  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

/* Peak RSS of one batch-50 gradient, in this fresh process. */
static gboolean
rss_mode (JsonBuilder *b, const Entry *e, GError **error)
{
  Loaded l;
  g_autoptr(CxTensor) grad = NULL;
  g_autoptr(CxExec) exec = NULL;
  long before, after;
  CxTensor *inputs[1];

  if (!load_entry (e, &l, NULL, error))
    {
      loaded_clear (&l);
      return FALSE;
    }
  before = max_rss_kb ();
  if (!cx_engine_gradient (l.model, l.x, 0, l.targets->data.i, NULL, NULL, &grad, error))
    {
      loaded_clear (&l);
      return FALSE;
    }
  after = max_rss_kb ();
  /* The executor's own account of live tensor bytes, from a second run
   * (the RSS high-water mark above is already taken). */
  exec = cx_exec_new (l.model, 0);
  inputs[0] = l.x;
  if (!cx_exec_forward (exec, inputs, TRUE, error) ||
      !cx_exec_backward_class (exec, 0, l.targets->data.i, error))
    {
      loaded_clear (&l);
      return FALSE;
    }
  json_builder_set_member_name (b, "rss_loaded_kb");
  json_builder_add_int_value (b, before);
  json_builder_set_member_name (b, "rss_peak_kb");
  json_builder_add_int_value (b, after);
  json_builder_set_member_name (b, "exec_peak_bytes");
  json_builder_add_int_value (b, (gint64) cx_exec_peak_bytes (exec));
  loaded_clear (&l);
  return TRUE;
}

/* Runs @fn once with CANDOR_PROFILE=1 and returns what it printed on stderr. */
static char *
profiled (JobFunc fn, Job *job, GError **error)
{
  FILE *tmp = tmpfile ();
  int saved;
  gboolean ok;
  GString *s = g_string_new (NULL);
  char line[512];

  fflush (stderr);
  saved = dup (2);
  dup2 (fileno (tmp), 2);
  g_setenv ("CANDOR_PROFILE", "1", TRUE);
  ok = fn (job, error);
  g_unsetenv ("CANDOR_PROFILE");
  fflush (stderr);
  dup2 (saved, 2);
  close (saved);
  rewind (tmp);
  while (fgets (line, sizeof line, tmp))
    g_string_append (s, line);
  fclose (tmp);
  if (!ok)
    {
      g_string_free (s, TRUE);
      return NULL;
    }
  return g_string_free (s, FALSE);
}

static gboolean
profile_mode (JsonBuilder *b, const Entry *e, GError **error)
{
  Loaded l;
  Job job = { 0 };
  static const struct
  {
    const char *key;
    JobFunc fn;
  } runs[] = { { "forward", run_forward }, { "gradient", run_gradient } };

  g_unsetenv ("CANDOR_PROFILE");
  if (!load_entry (e, &l, NULL, error))
    {
      loaded_clear (&l);
      return FALSE;
    }
  job.model = l.model;
  job.x = l.x;
  job.row = l.row;
  job.targets = l.targets->data.i;
  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    {
      g_autofree char *text = NULL;
      double t0;
      /* warm-up without the profile, then one profiled run */
      if (!runs[i].fn (&job, error))
        break;
      t0 = now_ms ();
      text = profiled (runs[i].fn, &job, error);
      if (text == NULL)
        break;
      json_builder_set_member_name (b, runs[i].key);
      json_builder_add_string_value (b, text);
      {
        g_autofree char *k = g_strconcat (runs[i].key, "_ms", NULL);
        json_builder_set_member_name (b, k);
        json_builder_add_double_value (b, now_ms () - t0);
      }
    }
  g_clear_pointer (&job.keep, cx_tensor_free);
  loaded_clear (&l);
  return error == NULL || *error == NULL;
}

int
main (int argc, char **argv)
{
  g_autofree char *manifest = NULL;
  g_autofree char *out_dir = NULL;
  g_autofree char *only = NULL;
  g_autofree char *rss = NULL;
  g_autofree char *profile = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) ctx = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  g_autofree char *config = g_strdup (openblas_get_config ());
  int status = 0;
  GOptionEntry options[] = {
    { "manifest", 0, 0, G_OPTION_ARG_FILENAME, &manifest, "manifest.json of make-models.py", "FILE" },
    { "out-dir", 0, 0, G_OPTION_ARG_FILENAME, &out_dir, "where to write results (.npy)", "DIR" },
    { "reps", 0, 0, G_OPTION_ARG_INT, &reps, "timed repetitions (default 7)", "N" },
    { "warmup", 0, 0, G_OPTION_ARG_INT, &warmup, "untimed runs first (default 2)", "N" },
    { "only", 0, 0, G_OPTION_ARG_STRING, &only, "only this model", "NAME" },
    { "rss", 0, 0, G_OPTION_ARG_STRING, &rss, "peak RSS of one gradient of model NAME", "NAME" },
    { "profile", 0, 0, G_OPTION_ARG_STRING, &profile, "per-op profile of model NAME", "NAME" },
    { NULL }
  };

  ctx = g_option_context_new ("- Candor's side of the peer benchmark");
  g_option_context_add_main_entries (ctx, options, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || manifest == NULL || reps < 1 ||
      warmup < 0)
    {
      g_printerr ("bench-candor: %s\n", error ? error->message : "--manifest is required");
      return 2;
    }
  entries = read_manifest (manifest, &error);
  if (entries == NULL)
    {
      g_printerr ("bench-candor: %s\n", error->message);
      return 2;
    }

  json_builder_begin_object (b);
  if (rss != NULL || profile != NULL)
    {
      const char *name = rss ? rss : profile;
      const Entry *e = find_entry (entries, name);
      json_builder_set_member_name (b, "model");
      json_builder_add_string_value (b, name);
      if (e == NULL)
        {
          add_error (b, "error", "not in the manifest");
          status = 1;
        }
      else if (!(rss ? rss_mode (b, e, &error) : profile_mode (b, e, &error)))
        {
          add_error (b, "error", error->message);
          g_printerr ("bench-candor: %s: %s\n", name, error->message);
          status = 1;
        }
    }
  else
    {
      if (out_dir == NULL)
        out_dir = g_strdup (".");
      g_mkdir_with_parents (out_dir, 0755);
      json_builder_set_member_name (b, "peer");
      json_builder_add_string_value (b, "candor");
      json_builder_set_member_name (b, "openblas");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "config");
      json_builder_add_string_value (b, g_strstrip (config));
      json_builder_set_member_name (b, "core");
      json_builder_add_string_value (b, openblas_get_corename ());
      json_builder_set_member_name (b, "threads");
      json_builder_add_int_value (b, cx_parallel_get_threads ());
      json_builder_end_object (b);
      json_builder_set_member_name (b, "reps");
      json_builder_add_int_value (b, reps);
      json_builder_set_member_name (b, "warmup");
      json_builder_add_int_value (b, warmup);

      sgemm_round ();
      json_builder_set_member_name (b, "models");
      json_builder_begin_object (b);
      for (guint i = 0; i < entries->len; i++)
        {
          const Entry *e = entries->pdata[i];
          if (only == NULL || g_str_equal (only, e->name))
            bench_model (b, e, out_dir);
        }
      json_builder_end_object (b);
      sgemm_round ();
      sgemm_json (b);
    }
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, NULL);
  g_print ("%s\n", text);
  return status;
}
