/* compare.c: loading runs and baselines, matching points, verdicts. */
#include "compare.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fsutil.h"
#include "plural.h"
#include "jsonpath.h"
#include "source.h"
#include "mwu.h"
#include "rundir.h"
#include "stats.h"

#define RUN_SCHEMA "mebench-run/1"
#define BASELINE_SCHEMA "mebench-baseline/1"

static const char *const metric_keys[] = {
#define MB_X(id, key, title, unit, gated) key,
    MB_COMPARE_METRIC_TABLE(MB_X)
#undef MB_X
};
static const char *const metric_units[] = {
#define MB_X(id, key, title, unit, gated) unit,
    MB_COMPARE_METRIC_TABLE(MB_X)
#undef MB_X
};
/* Where each metric is in a call of run.json. */
static const char *const metric_paths[] = {"entropy.bytes.h_assessed",
                                           "entropy.raw.h_assessed", "rate.bits_per_s"};
static const int metric_gated[] = {
#define MB_X(id, key, title, unit, gated) gated,
    MB_COMPARE_METRIC_TABLE(MB_X)
#undef MB_X
};

const char *mb_compare_metric_key(enum mb_compare_metric m)
{
  return (unsigned)m < MB_CMP_METRIC_COUNT ? metric_keys[m] : "?";
}

const char *mb_compare_metric_unit(enum mb_compare_metric m)
{
  return (unsigned)m < MB_CMP_METRIC_COUNT ? metric_units[m] : "?";
}

const char *mb_verdict_name(enum mb_verdict v)
{
  switch (v) {
  case MB_VERDICT_UNCHANGED:
    return "unchanged";
  case MB_VERDICT_IMPROVED:
    return "improved";
  case MB_VERDICT_REGRESSED:
    return "regressed";
  case MB_VERDICT_MISSING:
    return "missing";
  }
  return "?";
}

/* --- loading ------------------------------------------------------------- */

static const char *opt_string(json_t *obj, const char *key)
{
  const char *s = json_string_value(json_object_get(obj, key));

  return s ? s : "";
}

static long long opt_integer(json_t *obj, const char *key)
{
  json_t *v = json_object_get(obj, key);

  if (json_is_integer(v))
    return (long long)json_integer_value(v);
  if (json_is_boolean(v))
    return json_is_true(v) ? 1 : 0;
  return -1;
}

static int bad(struct mb_error *err, const char *src, const char *path, const char *fmt,
               ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static int bad(struct mb_error *err, const char *src, const char *path, const char *fmt,
               ...)
{
  char text[512];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(text, sizeof(text), fmt, ap);
  va_end(ap);
  return mb_error_set(err, MB_EINVALID, src, 0, 0, path, "%s", text);
}

/* Points are matched by their configuration, never by index. */
static int same_config(const struct mb_compare_point *a,
                       const struct mb_compare_point *b)
{
  return a->num_ports == b->num_ports && a->ool_size == b->ool_size &&
         strcmp(a->mode, b->mode) == 0 && strcmp(a->variant, b->variant) == 0 &&
         strcmp(a->placement, b->placement) == 0;
}

/* A finite number at obj.k1.k2... ; path names it in messages. */
static int get_number(json_t *obj, const char *src, const char *path, double *out,
                      struct mb_error *err)
{
  if (!json_is_number(obj))
    return bad(err, src, path, "expected a number, found %s",
               obj ? (json_is_null(obj) ? "null" : "another type") : "nothing");
  *out = json_number_value(obj);
  if (!isfinite(*out))
    return bad(err, src, path, "expected a finite number");
  return MB_OK;
}

static void free_points(struct mb_compare_run *run)
{
  size_t i, m;

  for (i = 0; i < run->n_points; i++)
    for (m = 0; m < MB_CMP_METRIC_COUNT; m++)
      free(run->points[i].values[m]);
  free(run->points);
  run->points = NULL;
  run->n_points = 0;
}

void mb_compare_run_cleanup(struct mb_compare_run *run)
{
  if (!run)
    return;
  free_points(run);
  json_decref(run->root);
  run->root = NULL;
}

static int load_points(struct mb_compare_run *run, const char *src,
                       struct mb_error *err)
{
  json_t *points = json_object_get(run->root, "points");
  json_t *calls = json_object_get(run->root, "calls");
  json_t *source = json_object_get(run->root, "source");
  enum mb_variant legacy =
      mb_variant_legacy(json_string_value(json_object_get(source, "name")),
                        json_string_value(json_object_get(source, "layout")));
  size_t i, j, m, np, nc;
  char path[96];

  if (!json_is_array(points))
    return bad(err, src, "points", "expected an array of sweep points");
  if (!json_is_array(calls))
    return bad(err, src, "calls", "expected an array of calls");
  np = json_array_size(points);
  nc = json_array_size(calls);
  run->points = calloc(np ? np : 1, sizeof(*run->points));
  if (!run->points)
    return MB_ENOMEM;
  run->n_points = np;
  for (i = 0; i < np; i++) {
    json_t *p = json_array_get(points, i);
    struct mb_compare_point *pt = &run->points[i];
    json_t *idx = json_object_get(p, "index");
    json_t *ports = json_object_get(p, "num_ports");
    json_t *ool = json_object_get(p, "ool_size");
    const char *mode = json_string_value(json_object_get(p, "mode"));
    json_t *placement = json_object_get(p, "placement");
    json_t *jv = json_object_get(p, "variant");
    const char *variant = jv ? json_string_value(jv) : mb_variant_name(legacy);
    enum mb_variant parsed;

    snprintf(path, sizeof(path), "points[%zu]", i);
    if (!json_is_object(p))
      return bad(err, src, path, "expected an object");
    if (idx && (!json_is_integer(idx) || json_integer_value(idx) != (json_int_t)i))
      return bad(err, src, path, "index must equal the position in the array (%zu)", i);
    if (!json_is_integer(ports) || json_integer_value(ports) < 1 ||
        json_integer_value(ports) > 0xffffffffLL)
      return bad(err, src, path, "num_ports: expected a positive integer");
    if (!json_is_integer(ool) || json_integer_value(ool) < 1 ||
        json_integer_value(ool) > 0xffffffffLL)
      return bad(err, src, path, "ool_size: expected a positive integer");
    if (!mode || !*mode || strlen(mode) >= sizeof(pt->mode))
      return bad(err, src, path, "mode: expected a mode name (complex, simple)");
    if (mb_variant_parse(variant, &parsed) != MB_OK)
      return bad(err, src, path,
                 "variant: expected a variant name (seed, sdk, copy_send, packed, "
                 "send_timeout)");
    pt->num_ports = (uint32_t)json_integer_value(ports);
    pt->ool_size = (uint32_t)json_integer_value(ool);
    snprintf(pt->mode, sizeof(pt->mode), "%s", mode);
    snprintf(pt->variant, sizeof(pt->variant), "%s", variant);
    /* Runs from before the placement axis ran free. */
    if (placement && (!json_is_string(placement) || !*json_string_value(placement) ||
                      strlen(json_string_value(placement)) >= sizeof(pt->placement)))
      return bad(err, src, path, "placement: expected a placement name (free, ...)");
    snprintf(pt->placement, sizeof(pt->placement), "%s",
             placement ? json_string_value(placement) : "free");
    for (j = 0; j < i; j++)
      if (same_config(&run->points[j], pt))
        return bad(err, src, path, "the same configuration as points[%zu]", j);
  }
  /* Two passes over calls: count per point, then fill. */
  for (i = 0; i < nc; i++) {
    json_t *c = json_array_get(calls, i);
    json_t *pi = json_object_get(c, "point");

    snprintf(path, sizeof(path), "calls[%zu].point", i);
    if (!json_is_integer(pi) || json_integer_value(pi) < 0 ||
        (size_t)json_integer_value(pi) >= np)
      return bad(err, src, path, "expected a point index in 0..%zu", np ? np - 1 : 0);
    run->points[json_integer_value(pi)].n++;
  }
  for (i = 0; i < np; i++)
    for (m = 0; m < MB_CMP_METRIC_COUNT; m++) {
      run->points[i].values[m] =
          malloc((run->points[i].n ? run->points[i].n : 1) * sizeof(double));
      if (!run->points[i].values[m])
        return MB_ENOMEM;
    }
  for (i = 0; i < nc; i++) {
    json_t *c = json_array_get(calls, i);
    size_t p = (size_t)json_integer_value(json_object_get(c, "point"));
    json_t *ent = json_object_get(c, "entropy");
    json_t *found[MB_CMP_METRIC_COUNT];

    found[MB_CMP_H_BYTES] =
        json_object_get(json_object_get(ent, "bytes"), "h_assessed");
    found[MB_CMP_H_RAW] = json_object_get(json_object_get(ent, "raw"), "h_assessed");
    found[MB_CMP_RATE] = json_object_get(json_object_get(c, "rate"), "bits_per_s");
    for (m = 0; m < MB_CMP_METRIC_COUNT; m++) {
      struct mb_compare_point *pt = &run->points[p];
      int status;

      if (json_is_null(found[m])) { /* not assessed: left out, counted */
        run->n_null[m]++;
        continue;
      }
      snprintf(path, sizeof(path), "calls[%zu].%s", i, metric_paths[m]);
      status = get_number(found[m], src, path, &pt->values[m][pt->count[m]], err);
      if (status != MB_OK)
        return status;
      pt->count[m]++;
    }
  }
  return MB_OK;
}

int mb_compare_run_from_json(json_t *root, const char *source_name,
                             struct mb_compare_run *run, struct mb_error *err)
{
  const char *src = source_name ? source_name : "";
  const char *schema;
  json_t *exp, *machine, *est;
  int status;

  memset(run, 0, sizeof(*run));
  run->root = root;
  snprintf(run->path, sizeof(run->path), "%s", src);
  status =
      mb_rundir_check_doc(root, src, MB_RUNDIR_RUN | MB_RUNDIR_BASELINE, NULL, err);
  if (status)
    return status;
  schema = json_string_value(json_object_get(root, "schema"));
  if (!schema)
    return bad(err, src, "schema", "missing: expected \"%s\" or \"%s\"", RUN_SCHEMA,
               BASELINE_SCHEMA);
  if (strcmp(schema, BASELINE_SCHEMA) == 0) {
    run->is_baseline = 1;
  } else if (strcmp(schema, RUN_SCHEMA) != 0) {
    return bad(err, src, "schema", "\"%s\" is not supported: expected \"%s\" or \"%s\"",
               schema, RUN_SCHEMA, BASELINE_SCHEMA);
  }
  run->baseline_name = opt_string(json_object_get(root, "baseline"), "name");
  run->status = opt_string(root, "status");
  exp = json_object_get(root, "experiment");
  if (!json_is_object(exp))
    return bad(err, src, "experiment", "expected an object");
  run->experiment = opt_string(json_object_get(exp, "content"), "name");
  if (!*run->experiment)
    run->experiment = opt_string(exp, "name");
  run->sha256 = opt_string(exp, "sha256");
  run->samples = opt_integer(exp, "samples");
  run->repetitions = opt_integer(exp, "repetitions");
  run->raw_bits = opt_integer(exp, "raw_bits");
  run->bitstring = opt_integer(exp, "bitstring");
  {
    json_t *inject = json_object_get(exp, "inject_constant");

    run->inject_constant = json_is_number(inject) ? json_number_value(inject) : 0.0;
  }
  if (run->samples < 1)
    return bad(err, src, "experiment.samples", "expected a positive integer");
  if (run->raw_bits < 1 || run->raw_bits > 8)
    return bad(err, src, "experiment.raw_bits", "expected an integer in 1..8");
  est = json_object_get(exp, "estimators");
  if (json_is_array(est)) {
    size_t i, len = 0;

    for (i = 0; i < json_array_size(est); i++) {
      const char *k = json_string_value(json_array_get(est, i));
      int w;

      if (!k)
        return bad(err, src, "experiment.estimators", "expected estimator keys");
      w = snprintf(run->estimators + len, sizeof(run->estimators) - len, "%s%s",
                   i ? "," : "", k);
      if (w < 0 || (size_t)w >= sizeof(run->estimators) - len)
        return bad(err, src, "experiment.estimators", "too long");
      len += (size_t)w;
    }
  }
  run->source = opt_string(json_object_get(root, "source"), "name");
  if (!*run->source)
    return bad(err, src, "source.name", "missing: expected the collector's name");
  run->clock = opt_string(json_object_get(root, "clock"), "name");
  run->tick_num = opt_integer(json_object_get(root, "clock"), "tick_num");
  run->tick_den = opt_integer(json_object_get(root, "clock"), "tick_den");
  machine = json_object_get(root, "machine");
  run->hostname = opt_string(machine, "hostname");
  run->os = opt_string(machine, "os");
  run->kernel = opt_string(machine, "kernel");
  run->arch = opt_string(machine, "arch");
  run->cpu_model = opt_string(machine, "cpu_model");
  run->cores = opt_integer(machine, "cores");
  run->started = opt_string(root, "started");
  run->git_commit = opt_string(json_object_get(root, "mebench"), "git_commit");
  status = load_points(run, src, err);
  if (status == MB_ENOMEM)
    mb_error_set(err, MB_ENOMEM, src, 0, 0, NULL, "out of memory");
  return status;
}

int mb_compare_run_load(const char *path, struct mb_compare_run *run,
                        struct mb_error *err)
{
  char file[512];
  json_t *root;
  int rc;

  memset(run, 0, sizeof(*run));
  /* The one strict reader (rundir.h): a directory, its run.json, a
   * baseline, or "-" for standard input. */
  rc = mb_rundir_read(path, MB_RUNDIR_RUN | MB_RUNDIR_BASELINE | MB_RUNDIR_FILE, &root,
                      file, sizeof(file), NULL, err);
  if (rc)
    return rc;
  return mb_compare_run_from_json(root, file, run, err);
}

/* --- comparing ----------------------------------------------------------- */

void mb_compare_options_init(struct mb_compare_options *opts)
{
  opts->alpha = 0.01;
  opts->max_drop = 0.10;
  opts->min_entropy = -1;
  opts->gate_rate = 0;
}

/* Median, min and max of n >= 1 finite values (the loader refuses others);
 * tmp receives a sorted copy. */
static void summarise(const double *v, size_t n, double *tmp, double *median,
                      double *lo, double *hi)
{
  memcpy(tmp, v, n * sizeof(*v));
  *median = mb_stats_median_finite(tmp, n);
  *lo = tmp[0];
  *hi = tmp[n - 1];
}

/* 1 / C(n, k): the smallest one-sided exact p without ties. */
static double smallest_p(size_t n, size_t k)
{
  double c = 1;
  size_t i;

  if (k > n - k)
    k = n - k;
  for (i = 1; i <= k; i++)
    c = c * (double)(n - k + i) / (double)i;
  return 1.0 / c;
}

static int add_warning(struct mb_compare_report *rep, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static int add_warning(struct mb_compare_report *rep, const char *fmt, ...)
{
  char text[1024];
  char **grown;
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(text, sizeof(text), fmt, ap);
  va_end(ap);
  grown = realloc(rep->warnings, (rep->n_warnings + 1) * sizeof(*grown));
  if (!grown)
    return MB_ENOMEM;
  rep->warnings = grown;
  rep->warnings[rep->n_warnings] = strdup(text);
  if (!rep->warnings[rep->n_warnings])
    return MB_ENOMEM;
  rep->n_warnings++;
  return MB_OK;
}

static const struct mb_compare_point *find_point(const struct mb_compare_run *run,
                                                 const struct mb_compare_point *p)
{
  size_t i;

  for (i = 0; i < run->n_points; i++)
    if (same_config(&run->points[i], p))
      return &run->points[i];
  return NULL;
}

/* What makes two runs incomparable: the figures would measure different
 * things. Returns MB_EMISMATCH with a message naming the field and both
 * values. */
static int check_refusals(const struct mb_compare_run *b,
                          const struct mb_compare_run *c, struct mb_error *err)
{
  const char *why = NULL;
  char bv[256], cv[256];

#define MB_DIFF_STR(field, what)                                                       \
  if (!why && strcmp(b->field, c->field) != 0) {                                       \
    why = what;                                                                        \
    snprintf(bv, sizeof(bv), "'%.250s'", b->field);                                    \
    snprintf(cv, sizeof(cv), "'%.250s'", c->field);                                    \
  }
/* Fields older or hand-made files may lack: compared when both have them. */
#define MB_DIFF_OPT(field, what)                                                       \
  if (*b->field && *c->field)                                                          \
  MB_DIFF_STR(field, what)
#define MB_DIFF_INT(field, what)                                                       \
  if (!why && b->field != c->field && b->field >= 0 && c->field >= 0) {                \
    why = what;                                                                        \
    snprintf(bv, sizeof(bv), "%lld", b->field);                                        \
    snprintf(cv, sizeof(cv), "%lld", c->field);                                        \
  }
  MB_DIFF_STR(source, "different collectors (source.name)")
  MB_DIFF_STR(experiment, "different experiments (experiment name)")
  MB_DIFF_INT(samples, "different samples per call (experiment.samples)")
  MB_DIFF_INT(raw_bits, "different raw_bits (experiment.raw_bits)")
  MB_DIFF_INT(bitstring, "different bitstring settings (experiment.bitstring)")
  MB_DIFF_OPT(estimators, "different estimator sets (experiment.estimators)")
  MB_DIFF_OPT(clock, "different clocks (clock.name)")
  /* The same clock with another tick (Mach absolute time: 125/3 ns on Apple
   * silicon, 1 ns on Intel) makes raw deltas, hence h_raw, other units. */
  if (!why && b->tick_num > 0 && b->tick_den > 0 && c->tick_num > 0 &&
      c->tick_den > 0 && b->tick_num * c->tick_den != c->tick_num * b->tick_den) {
    why = "different clock ticks (clock.tick_num / clock.tick_den, ns)";
    snprintf(bv, sizeof(bv), "%lld/%lld", b->tick_num, b->tick_den);
    snprintf(cv, sizeof(cv), "%lld/%lld", c->tick_num, c->tick_den);
  }
#undef MB_DIFF_OPT
#undef MB_DIFF_STR
#undef MB_DIFF_INT
  if (!why)
    return MB_OK;
  return mb_error_set(err, MB_EMISMATCH, NULL, 0, 0, NULL,
                      "refusing to compare %s and %s: %s: baseline %s, current %s",
                      b->path, c->path, why, bv, cv);
}

/* The i-th run a side is made of: a run is one, a baseline lists the runs
 * it pools in baseline.from. 0 when there is no such run. */
static int run_of(const struct mb_compare_run *r, size_t i, const char **started,
                  const char **host)
{
  json_t *from = json_object_get(json_object_get(r->root, "baseline"), "from");

  if (!r->is_baseline || !json_is_array(from)) {
    *started = r->started;
    *host = r->hostname;
    return i == 0;
  }
  if (i >= json_array_size(from))
    return 0;
  *started = opt_string(json_array_get(from, i), "started");
  *host = opt_string(json_array_get(from, i), "hostname");
  return 1;
}

/* The same run on both sides (a run with itself or its copy, a baseline
 * made from or pooling the current run) cannot show a change: say so. A
 * run is known by its start time and machine. */
static int note_same_data(const struct mb_compare_run *b,
                          const struct mb_compare_run *c, struct mb_compare_report *rep)
{
  const char *bs, *bh, *cs, *ch;
  size_t i, j;

  for (i = 0; run_of(b, i, &bs, &bh); i++)
    for (j = 0; run_of(c, j, &cs, &ch); j++)
      if (*bs && strcmp(bs, cs) == 0 && strcmp(bh, ch) == 0)
        return add_warning(rep,
                           "the same data on both sides: the run started %s on %s is "
                           "in the baseline%s and in the current %s; the comparison "
                           "cannot show a change",
                           bs, *bh ? bh : "an unnamed machine",
                           b->is_baseline ? " (made from it)" : "",
                           c->is_baseline ? "baseline" : "run");
  return MB_OK;
}

static int note_differences(const struct mb_compare_run *b,
                            const struct mb_compare_run *c,
                            struct mb_compare_report *rep)
{
  char what[512] = "";
  size_t len = 0;
  int status = MB_OK;

#define MB_NOTE(cond, ...)                                                             \
  if (cond && len < sizeof(what)) {                                                    \
    int w_ = snprintf(what + len, sizeof(what) - len, __VA_ARGS__);                    \
    if (w_ > 0)                                                                        \
      len += (size_t)w_;                                                               \
  }
  MB_NOTE(strcmp(b->hostname, c->hostname) != 0, "%shostname '%s' vs '%s'",
          len ? "; " : "", b->hostname, c->hostname)
  MB_NOTE(strcmp(b->cpu_model, c->cpu_model) != 0, "%scpu '%s' vs '%s'",
          len ? "; " : "", b->cpu_model, c->cpu_model)
  MB_NOTE(b->cores != c->cores, "%scores %lld vs %lld", len ? "; " : "", b->cores,
          c->cores)
  MB_NOTE(strcmp(b->os, c->os) != 0, "%sos '%s' vs '%s'", len ? "; " : "", b->os, c->os)
  MB_NOTE(strcmp(b->kernel, c->kernel) != 0, "%skernel '%s' vs '%s'", len ? "; " : "",
          b->kernel, c->kernel)
  MB_NOTE(strcmp(b->arch, c->arch) != 0, "%sarch '%s' vs '%s'", len ? "; " : "",
          b->arch, c->arch)
#undef MB_NOTE
  if (len) {
    status = add_warning(rep,
                         "different machines (%s): entropy per byte and per symbol "
                         "are compared; the rate in bits/s depends on the machine "
                         "and is %s",
                         what, rep->opts.gate_rate ? "not gated" : "only reported");
    if (status)
      return status;
  }
  rep->rate_gated = rep->opts.gate_rate && !len;
  /* A run with a deliberate entropy drop (the gate's power measurement) is
   * compared as any other, and said so. */
  if (b->inject_constant > 0 || c->inject_constant > 0) {
    status =
        add_warning(rep,
                    "inject_constant: the %s run replaced %g of its timings by a "
                    "constant (a deliberate entropy drop for measuring the gate)",
                    c->inject_constant > 0 ? "current" : "baseline",
                    c->inject_constant > 0 ? c->inject_constant : b->inject_constant);
    if (status)
      return status;
  }
  if (strcmp(b->sha256, c->sha256) != 0) {
    status = add_warning(rep, "the experiment file changed: sha256 %.12s vs %.12s",
                         b->sha256, c->sha256);
    if (status)
      return status;
  }
  if (b->repetitions != c->repetitions) {
    status = add_warning(rep, "different repetitions: baseline %lld, current %lld",
                         b->repetitions, c->repetitions);
    if (status)
      return status;
  }
  {
    size_t m;

    for (m = 0; m < MB_CMP_METRIC_COUNT && status == MB_OK; m++)
      if (b->n_null[m] || c->n_null[m])
        status = add_warning(rep,
                             "%s is null (not assessed) in %zu call%s of the baseline "
                             "and %zu of the current run: those calls are left out",
                             metric_paths[m], b->n_null[m], mb_s(b->n_null[m]),
                             c->n_null[m]);
    if (status)
      return status;
  }
  if (!status)
    status = note_same_data(b, c, rep);
  if (!status && *b->status && strcmp(b->status, "complete") != 0)
    status = add_warning(rep, "the baseline run is %s, not complete", b->status);
  if (!status && *c->status && strcmp(c->status, "complete") != 0)
    status = add_warning(rep, "the current run is %s, not complete", c->status);
  return status;
}

/* Test one metric of a point present on both sides (st holds the
 * summaries already). */
static void judge_metric(const struct mb_compare_point *bp,
                         const struct mb_compare_point *cp, enum mb_compare_metric m,
                         const struct mb_compare_options *opts, double level, int gated,
                         struct mb_compare_stat *st)
{
  struct mb_mwu_result r;
  size_t nb = bp->count[m], nc = cp->count[m];

  st->gated = gated;
  if (nb == 0 || nc == 0)
    return; /* nothing to test: p stays 1, no verdict from this metric */
  if (st->base_median != 0)
    st->change = (st->cur_median - st->base_median) / fabs(st->base_median);
  else
    st->change = st->cur_median == 0 ? 0 : NAN;
  st->p_drop = st->p_rise = 1;
  /* Values were checked finite at load, so only NOMEM can fail here; a test
   * that cannot run leaves p = 1, which never flags. */
  if (mb_mwu_test(cp->values[m], nc, bp->values[m], nb, MB_MWU_LESS, &r) == MB_OK) {
    st->p_drop = r.p;
    st->exact = r.exact;
  }
  if (mb_mwu_test(cp->values[m], nc, bp->values[m], nb, MB_MWU_GREATER, &r) == MB_OK)
    st->p_rise = r.p;
  st->p_min = smallest_p(nb + nc, nc);
  if (gated && isfinite(st->change)) {
    st->regressed = st->p_drop <= level && st->change < -opts->max_drop;
    st->improved = st->p_rise <= level && st->change > opts->max_drop;
  }
}

static void append(char *buf, size_t n, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void append(char *buf, size_t n, const char *fmt, ...)
{
  size_t len = strlen(buf);
  va_list ap;

  if (len >= n - 1)
    return;
  va_start(ap, fmt);
  vsnprintf(buf + len, n - len, fmt, ap);
  va_end(ap);
}

/* Number of metrics that decide verdicts. */
static unsigned gated_count(const struct mb_compare_report *rep)
{
  unsigned m, k = 0;

  for (m = 0; m < MB_CMP_METRIC_COUNT; m++)
    k += m == MB_CMP_RATE ? (rep->rate_gated ? 1u : 0u) : (metric_gated[m] ? 1u : 0u);
  return k ? k : 1;
}

static void judge_row(struct mb_compare_row *row, const struct mb_compare_point *bp,
                      const struct mb_compare_point *cp,
                      const struct mb_compare_report *rep, double *tmp)
{
  const struct mb_compare_options *opts = &rep->opts;
  size_t m;
  int regressed = 0, improved = 0;

  row->cur_h_bytes = NAN;
  for (m = 0; m < MB_CMP_METRIC_COUNT; m++) {
    struct mb_compare_stat *st = &row->stat[m];

    st->base_median = st->base_min = st->base_max = NAN;
    st->cur_median = st->cur_min = st->cur_max = NAN;
    st->change = NAN;
    st->p_drop = st->p_rise = st->p_min = 1;
    if (row->in_cur && cp->count[m]) {
      st->n_cur = cp->count[m];
      summarise(cp->values[m], cp->count[m], tmp, &st->cur_median, &st->cur_min,
                &st->cur_max);
    }
    if (row->in_base && bp->count[m]) {
      st->n_base = bp->count[m];
      summarise(bp->values[m], bp->count[m], tmp, &st->base_median, &st->base_min,
                &st->base_max);
    }
  }
  if (row->in_cur) {
    row->cur_h_bytes = row->stat[MB_CMP_H_BYTES].cur_median;
    /* A point whose entropy could not be assessed at all cannot show that
     * it meets the floor. */
    row->below_floor =
        opts->min_entropy >= 0 && !(row->cur_h_bytes >= opts->min_entropy);
  }
  if (row->in_base && row->in_cur) {
    /* Each gated metric is tested at alpha / k (Bonferroni), so that a point
     * from an unchanged source is flagged with probability <= alpha however
     * many metrics are gated. */
    double level = opts->alpha / (double)gated_count(rep);

    for (m = 0; m < MB_CMP_METRIC_COUNT; m++) {
      int gated = m == MB_CMP_RATE ? rep->rate_gated : metric_gated[m];
      struct mb_compare_stat *st = &row->stat[m];

      judge_metric(bp, cp, (enum mb_compare_metric)m, opts, level, gated, st);
      if (st->regressed) {
        append(row->reason, sizeof(row->reason), "%s%s %+.1f%% (p=%.2g)",
               regressed ? ", " : "", metric_keys[m], 100.0 * st->change, st->p_drop);
        regressed = 1;
      }
      improved |= st->improved;
    }
    row->untestable = row->stat[MB_CMP_H_BYTES].p_min > level;
  }
  if (row->below_floor) {
    if (isfinite(row->cur_h_bytes))
      append(row->reason, sizeof(row->reason), "%sh_bytes %.4g below the floor %.4g",
             regressed ? ", " : "", row->cur_h_bytes, opts->min_entropy);
    else
      append(row->reason, sizeof(row->reason),
             "%sh_bytes not assessed: floor %.4g unmet", regressed ? ", " : "",
             opts->min_entropy);
    regressed = 1;
  }
  if (!row->in_base || !row->in_cur) {
    append(row->reason, sizeof(row->reason), "%s%s", regressed ? ", " : "",
           !row->in_cur ? (row->in_base ? "not in the current run"
                                        : "in neither run: no repetitions")
                        : "not in the baseline");
    row->verdict = regressed ? MB_VERDICT_REGRESSED : MB_VERDICT_MISSING;
    return;
  }
  if (regressed) {
    row->verdict = MB_VERDICT_REGRESSED;
  } else if (improved) {
    row->verdict = MB_VERDICT_IMPROVED;
    for (m = 0; m < MB_CMP_METRIC_COUNT; m++)
      if (row->stat[m].improved)
        append(row->reason, sizeof(row->reason), "%s%s %+.1f%% (p=%.2g)",
               row->reason[0] ? ", " : "", metric_keys[m], 100.0 * row->stat[m].change,
               row->stat[m].p_rise);
  } else {
    row->verdict = MB_VERDICT_UNCHANGED;
  }
}

static size_t max_reps(const struct mb_compare_run *run)
{
  size_t i, n = 1;

  for (i = 0; i < run->n_points; i++)
    if (run->points[i].n > n)
      n = run->points[i].n;
  return n;
}

int mb_compare_runs(const struct mb_compare_run *base, const struct mb_compare_run *cur,
                    const struct mb_compare_options *opts,
                    struct mb_compare_report *rep, struct mb_error *err)
{
  size_t i, n_rows = 0, untestable = 0, missing_cur = 0, missing_base = 0;
  double *tmp;
  int status;

  memset(rep, 0, sizeof(*rep));
  rep->opts = *opts;
  rep->base = base;
  rep->cur = cur;
  if (!(opts->alpha > 0 && opts->alpha < 1))
    return mb_error_set(err, MB_EINVALID, NULL, 0, 0, NULL,
                        "alpha %g is outside (0, 1)", opts->alpha);
  if (!(opts->max_drop >= 0 && opts->max_drop < 1))
    return mb_error_set(err, MB_EINVALID, NULL, 0, 0, NULL,
                        "max drop %g is outside [0, 1)", opts->max_drop);
  status = check_refusals(base, cur, err);
  if (status)
    return status;
  rep->rows = calloc(base->n_points + cur->n_points + 1, sizeof(*rep->rows));
  tmp = malloc((max_reps(base) > max_reps(cur) ? max_reps(base) : max_reps(cur)) *
               sizeof(*tmp));
  if (!rep->rows || !tmp) {
    free(tmp);
    return mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
  }
  status = note_differences(base, cur, rep);
  for (i = 0; i < base->n_points + cur->n_points && status == MB_OK; i++) {
    const struct mb_compare_point *bp, *cp, *p;
    struct mb_compare_row *row;

    if (i < base->n_points) {
      p = bp = &base->points[i];
      cp = find_point(cur, p);
    } else {
      p = cp = &cur->points[i - base->n_points];
      if (find_point(base, p))
        continue; /* already a row */
      bp = NULL;
    }
    row = &rep->rows[n_rows++];
    row->num_ports = p->num_ports;
    row->ool_size = p->ool_size;
    snprintf(row->mode, sizeof(row->mode), "%s", p->mode);
    snprintf(row->placement, sizeof(row->placement), "%s", p->placement);
    snprintf(row->variant, sizeof(row->variant), "%s", p->variant);
    row->in_base = bp && bp->n > 0;
    row->in_cur = cp && cp->n > 0;
    judge_row(row, bp, cp, rep, tmp);
    untestable += row->untestable ? 1u : 0u;
    rep->n_compared += row->in_base && row->in_cur;
    missing_cur += row->in_base && !row->in_cur;
    missing_base += row->in_cur && !row->in_base;
    switch (row->verdict) {
    case MB_VERDICT_REGRESSED:
      rep->n_regressed++;
      break;
    case MB_VERDICT_IMPROVED:
      rep->n_improved++;
      break;
    case MB_VERDICT_UNCHANGED:
      rep->n_unchanged++;
      break;
    case MB_VERDICT_MISSING:
      rep->n_missing++;
      break;
    }
  }
  free(tmp);
  rep->n_rows = n_rows;
  if (!status && missing_cur)
    status =
        add_warning(rep,
                    "%zu point%s of the baseline %s missing from the current "
                    "run: not compared",
                    missing_cur, mb_s(missing_cur), missing_cur == 1 ? "is" : "are");
  if (!status && missing_base)
    status =
        add_warning(rep,
                    "%zu point%s of the current run %s not in the baseline: "
                    "only the floor applies",
                    missing_base, mb_s(missing_base), missing_base == 1 ? "is" : "are");
  if (!status && untestable)
    status = add_warning(rep,
                         "%zu point%s too few repetitions for the test to reach "
                         "alpha %g / %u gated metrics (smallest possible p is "
                         "1/C(n_base + n_cur, n_cur)): such a point fails only by "
                         "--min-entropy",
                         untestable, untestable == 1 ? " has" : "s have", opts->alpha,
                         gated_count(rep));
  if (status)
    return mb_error_set(err, status, NULL, 0, 0, NULL, "out of memory");
  return MB_OK;
}

int mb_compare_status(const struct mb_compare_report *report)
{
  if (report->n_regressed)
    return MB_EREGRESSION;
  return report->n_compared ? MB_OK : MB_ENOTHING;
}

void mb_compare_report_cleanup(struct mb_compare_report *report)
{
  size_t i;

  if (!report)
    return;
  for (i = 0; i < report->n_warnings; i++)
    free(report->warnings[i]);
  free(report->warnings);
  free(report->rows);
  memset(report, 0, sizeof(*report));
}

/* --- files --------------------------------------------------------------- */

/* Replace the per-estimator objects (literal, bitstring) by the name of the
 * estimator that gave each minimum ("min_by"): the per-estimator figures
 * explain one call's raw data, which a baseline does not keep, and they are
 * nine tenths of a run.json's size. The assessed values stay. */
static void slim_assessment(json_t *assessment)
{
  static const char *const parts[] = {"literal", "bitstring"};
  json_t *min_by = json_object();
  size_t k;

  if (!json_is_object(assessment) || !min_by) {
    json_decref(min_by);
    return;
  }
  for (k = 0; k < 2; k++) {
    json_t *ests = json_object_get(assessment, parts[k]), *est;
    const char *name, *best = NULL;
    double best_h = 0;

    json_object_foreach(ests, name, est)
    {
      json_t *h = json_object_get(est, "h");

      if (json_is_number(h) && (!best || json_number_value(h) < best_h)) {
        best = name;
        best_h = json_number_value(h);
      }
    }
    if (best)
      json_object_set_new(min_by, parts[k], json_string(best));
    json_object_del(assessment, parts[k]);
  }
  json_object_set_new(assessment, "min_by", min_by);
}

/* The index of cfg's point in the baseline's points array, appending it
 * when it is new. -1 when out of memory. */
static json_int_t baseline_point(json_t *points, const struct mb_compare_point *cfg)
{
  size_t i;

  for (i = 0; i < json_array_size(points); i++) {
    json_t *p = json_array_get(points, i);

    const char *placement = json_string_value(json_object_get(p, "placement"));

    if (json_integer_value(json_object_get(p, "num_ports")) == cfg->num_ports &&
        json_integer_value(json_object_get(p, "ool_size")) == cfg->ool_size &&
        strcmp(json_string_value(json_object_get(p, "mode")), cfg->mode) == 0 &&
        json_string_value(json_object_get(p, "variant")) &&
        strcmp(json_string_value(json_object_get(p, "variant")), cfg->variant) == 0 &&
        strcmp(placement ? placement : "free", cfg->placement) == 0)
      return (json_int_t)i;
  }
  if (json_array_append_new(
          points, json_pack("{s:I, s:I, s:I, s:s, s:s, s:s}", "index", (json_int_t)i,
                            "num_ports", (json_int_t)cfg->num_ports, "ool_size",
                            (json_int_t)cfg->ool_size, "mode", cfg->mode, "variant",
                            cfg->variant, "placement", cfg->placement)))
    return -1;
  return (json_int_t)i;
}

json_t *mb_compare_make_baseline(const struct mb_compare_run *const *runs,
                                 size_t n_runs, const char *name, const char *created,
                                 struct mb_error *err)
{
  json_t *doc = NULL, *calls, *points, *meta = NULL, *from = NULL, *it_val;
  const char *key;
  size_t i, k;

  if (n_runs == 0) {
    mb_error_set(err, MB_EINVALID, NULL, 0, 0, NULL, "no run to make a baseline of");
    return NULL;
  }
  for (k = 0; k < n_runs; k++) {
    if (runs[k]->is_baseline) {
      mb_error_set(err, MB_EINVALID, runs[k]->path, 0, 0, NULL,
                   "is already a baseline (%s); make baselines from results "
                   "directories",
                   runs[k]->baseline_name);
      return NULL;
    }
    /* Pooled runs must be runs of the same experiment file: the same
     * refusals as compare, and the same file contents. */
    if (k > 0 && (check_refusals(runs[0], runs[k], err) ||
                  strcmp(runs[0]->sha256, runs[k]->sha256) != 0)) {
      mb_error_set(err, MB_EMISMATCH, runs[k]->path, 0, 0, "experiment.sha256",
                   "cannot be pooled with %s: another experiment file (sha256 "
                   "%.12s vs %.12s)",
                   runs[0]->path, runs[k]->sha256, runs[0]->sha256);
      return NULL;
    }
  }
  doc = json_object();
  from = json_array();
  if (!doc || !from)
    goto nomem;
  for (k = 0; k < n_runs; k++) {
    json_t *one =
        json_pack("{s:s, s:s, s:s, s:I}", "started", runs[k]->started, "hostname",
                  runs[k]->hostname, "git_commit", runs[k]->git_commit, "calls",
                  (json_int_t)json_array_size(json_object_get(runs[k]->root, "calls")));

    /* the path is any bytes; JSON holds UTF-8 (jsonpath.h) */
    if (one && mb_json_set_path(one, "path", runs[k]->path) != 0) {
      json_decref(one);
      one = NULL;
    }
    if (!one || json_array_append_new(from, one) != 0)
      goto nomem;
  }
  meta = json_pack("{s:s, s:s, s:s, s:o}", "name", name, "created", created,
                   "run_schema", RUN_SCHEMA, "from", from);
  from = NULL; /* stolen by json_pack, even on failure */
  if (!meta || json_object_set_new(doc, "schema", json_string(BASELINE_SCHEMA)))
    goto nomem;
  i = (size_t)json_object_set_new(doc, "baseline", meta); /* steals meta */
  meta = NULL;
  if (i)
    goto nomem;
  json_object_foreach(runs[0]->root, key, it_val)
  {
    if (strcmp(key, "schema") == 0 || strcmp(key, "baseline") == 0)
      continue;
    if (json_object_set_new(doc, key, json_deep_copy(it_val)))
      goto nomem;
  }
  points = json_object_get(doc, "points");
  calls = json_object_get(doc, "calls");
  /* Every point names its variant, also when the first run predates them
   * (mb_variant_legacy), so later runs' points match by it. */
  for (i = 0; i < json_array_size(points) && i < runs[0]->n_points; i++)
    if (json_object_set_new(json_array_get(points, i), "variant",
                            json_string(runs[0]->points[i].variant)))
      goto nomem;
  /* Further runs: their calls join the first run's, each pointing at the
   * baseline's point of the same configuration. */
  for (k = 1; k < n_runs; k++) {
    json_t *more = json_object_get(runs[k]->root, "calls");

    for (i = 0; i < json_array_size(more); i++) {
      json_t *call = json_deep_copy(json_array_get(more, i));
      json_int_t src = json_integer_value(json_object_get(call, "point"));
      json_int_t dst = baseline_point(points, &runs[k]->points[src]);

      if (!call || dst < 0 || json_object_set_new(call, "point", json_integer(dst)) ||
          json_object_set_new(call, "run", json_integer((json_int_t)k)) ||
          json_array_append_new(calls, call))
        goto nomem;
    }
  }
  for (i = 0; i < json_array_size(calls); i++) {
    json_t *call = json_array_get(calls, i);

    json_object_del(call, "raw_file");
    if (n_runs > 1 && !json_object_get(call, "run"))
      json_object_set_new(call, "run", json_integer(0));
    slim_assessment(json_object_get(json_object_get(call, "entropy"), "bytes"));
    slim_assessment(json_object_get(json_object_get(call, "entropy"), "raw"));
  }
  return doc;
nomem:
  json_decref(from);
  json_decref(meta);
  json_decref(doc);
  mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
  return NULL;
}
