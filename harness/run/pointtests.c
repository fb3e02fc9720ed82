/* pointtests.c: per-point health-test replay and per-call IID track, run
 * once a run's calls are recorded (see pointtests.h). */
#include "pointtests.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "health.h"
#include "iid.h"
#include "iid_json.h"
#include "rawfile.h"
#include "source.h"

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return x < y ? -1 : x > y;
}

static double now_s(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The IID track's progress: calls done of total, elapsed seconds. */
static void show(const struct mb_pointtests_watch *w, size_t done, size_t total,
                 double elapsed, const json_t *call)
{
  double eta = done ? elapsed / (double)done * (double)(total - done) : NAN;
  const json_t *iid = json_object_get(json_object_get(call, "entropy"), "raw_iid");

  if (!w || !w->progress)
    return;
  if (w->tty)
    fprintf(w->progress, "\rmebench: IID track: call %zu/%zu  %.0f s  ETA %.0f s\033[K",
            done, total, elapsed, eta);
  else
    fprintf(w->progress,
            "mebench: IID track: call %zu/%zu  point %lld rep %lld  iid %s  "
            "h_assessed %.3f  %.1f s  ETA %.0f s\n",
            done, total, (long long)json_integer_value(json_object_get(call, "point")),
            (long long)json_integer_value(json_object_get(call, "repetition")),
            json_is_true(json_object_get(iid, "iid")) ? "yes" : "no",
            json_number_value(json_object_get(iid, "h_assessed")), elapsed, eta);
  fflush(w->progress);
}

static double num(const json_t *o, const char *a, const char *b, const char *c)
{
  const json_t *v = json_object_get(o, a);

  if (b)
    v = json_object_get(v, b);
  if (c)
    v = json_object_get(v, c);
  return json_is_number(v) ? json_number_value(v) : NAN;
}

/* One call: its raw symbols replayed, and the IID track when asked. */
static int one_call(const struct mb_experiment *exp, const char *dir, json_t *call,
                    const struct mb_health_cutoffs *cut, struct mb_health_counts *k,
                    struct mb_collection *coll, uint8_t **sym, size_t *cap,
                    uint64_t seed, const volatile sig_atomic_t *stop,
                    struct mb_error *err)
{
  const char *name = json_string_value(json_object_get(call, "raw_file"));
  uint64_t mask = (1u << exp->raw_bits) - 1u;
  struct mb_raw_meta meta;
  char path[4608];
  size_t i;
  int rc;

  if (!name)
    return MB_OK; /* nothing recorded for it */
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  rc = mb_rawfile_read(path, &meta, coll, err);
  if (rc != MB_OK)
    return rc;
  if (coll->n_timings > *cap) {
    uint8_t *s = realloc(*sym, coll->n_timings);

    if (!s)
      return mb_error_set(err, MB_ENOMEM, path, 0, 0, NULL, "out of memory");
    *sym = s;
    *cap = coll->n_timings;
  }
  for (i = 0; i < coll->n_timings; i++)
    (*sym)[i] = (uint8_t)(coll->timings[i] & mask);
  if (cut->rct)
    mb_health_replay(*sym, coll->n_timings, cut, k);
  if (exp->iid && coll->n_timings > 0) {
    struct mb_iid_result *r = malloc(sizeof(*r));
    struct mb_iid_options o;
    json_t *j, *ent = json_object_get(call, "entropy");

    if (!r)
      return mb_error_set(err, MB_ENOMEM, path, 0, 0, NULL, "out of memory");
    memset(&o, 0, sizeof(o));
    o.seed = (seed + (uint64_t)num(call, "sequence", NULL, NULL)) & MB_IID_SEED_MAX;
    o.stop = stop;
    rc = mb_iid_assess(*sym, coll->n_timings, exp->raw_bits, &o, r, err);
    if (rc != MB_OK) {
      free(r);
      return rc;
    }
    j = mb_iid_json(r);
    free(r);
    if (!j || !json_is_object(ent) || json_object_set_new(ent, "raw_iid", j) != 0)
      return mb_error_set(err, MB_ENOMEM, path, 0, 0, NULL, "out of memory");
  }
  return MB_OK;
}

int mb_pointtests_run(const struct mb_experiment *exp, const char *dir, json_t *doc,
                      uint64_t seed, const struct mb_pointtests_watch *watch,
                      struct mb_error *err)
{
  json_t *calls = json_object_get(doc, "calls"), *health = json_array();
  size_t n = json_array_size(calls), p, i, done = 0;
  const volatile sig_atomic_t *stop = watch ? watch->stop : NULL;
  double t0 = now_s();
  size_t total = 0;
  double *h = malloc((n ? n : 1) * sizeof(*h));
  struct mb_collection coll;
  uint8_t *sym = NULL;
  size_t cap = 0;
  int rc = MB_OK;

  if (!health || !h) {
    json_decref(health);
    free(h);
    return mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
  }
  for (i = 0; i < n; i++)
    total += json_object_get(json_array_get(calls, i), "raw_file") != NULL;
  mb_collection_init(&coll);
  for (p = 0; p < exp->n_points && rc == MB_OK; p++) {
    struct mb_health_cutoffs cut;
    struct mb_health_counts k;
    size_t m = 0;
    int binary = 0;
    json_t *entry;

    for (i = 0; i < n; i++) {
      json_t *c = json_array_get(calls, i);
      double v = num(c, "entropy", "raw", "h_assessed");

      if ((size_t)num(c, "point", NULL, NULL) != p)
        continue;
      if (isfinite(v))
        h[m++] = v;
      binary = json_is_true(json_object_get(
          json_object_get(json_object_get(c, "entropy"), "raw"), "binary"));
    }
    if (m == 0)
      continue;
    /* The point's claim: the median of its calls' assessed raw entropy,
     * the figure its summary reports. */
    qsort(h, m, sizeof(*h), cmp_double);
    memset(&k, 0, sizeof(k));
    mb_health_cutoffs(m % 2 ? h[m / 2] : (h[m / 2 - 1] + h[m / 2]) / 2,
                      exp->health_alpha, binary, &cut);
    for (i = 0; i < n && rc == MB_OK; i++) {
      json_t *c = json_array_get(calls, i);

      if ((size_t)num(c, "point", NULL, NULL) != p)
        continue;
      if (stop && *stop) {
        rc = mb_error_set(err, MB_EINTERRUPTED, NULL, 0, 0, NULL,
                          "the health-test replay was interrupted");
        break;
      }
      rc = one_call(exp, dir, c, &cut, &k, &coll, &sym, &cap, seed, stop, err);
      if (rc == MB_OK && exp->iid && json_object_get(c, "raw_file"))
        show(watch, ++done, total, now_s() - t0, c);
    }
    if (rc != MB_OK)
      break;
    entry = cut.rct ? mb_health_json(&cut, &k) : json_object();
    if (!entry ||
        json_object_set_new(entry, "point", json_integer((json_int_t)p)) != 0 ||
        (!cut.rct && json_object_set_new(entry, "skipped",
                                         json_string("assessed entropy is 0: no "
                                                     "cut-offs")) != 0) ||
        json_array_append_new(health, entry) != 0)
      rc = mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
  }
  if (watch && watch->progress && watch->tty && done) {
    fprintf(watch->progress, "\r\033[K");
    fflush(watch->progress);
  }
  if (rc == MB_OK && json_object_set_new(doc, "health", health) != 0)
    rc = mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
  else if (rc != MB_OK)
    json_decref(health);
  mb_collection_cleanup(&coll);
  free(sym);
  free(h);
  return rc;
}

int mb_pointtests_rerun(const char *dir, json_t *doc, struct mb_error *err)
{
  const json_t *e = json_object_get(doc, "experiment");
  const json_t *text = json_object_get(e, "text");
  const char *name = json_string_value(json_object_get(e, "path"));
  struct mb_experiment exp;
  int rc;

  if (!json_is_string(text)) {
    json_object_del(doc, "health");
    return MB_OK;
  }
  rc = mb_experiment_load_buffer(json_string_value(text), json_string_length(text),
                                 name ? name : "run.json experiment.text", &exp, err);
  if (rc != MB_OK)
    return rc;
  exp.iid = 0; /* per call: the inputs' results stand */
  rc = mb_pointtests_run(&exp, dir, doc, 0, NULL, err);
  mb_experiment_cleanup(&exp);
  return rc;
}
