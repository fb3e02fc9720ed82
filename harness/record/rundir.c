/* rundir.c: the one strict reader of run.json and baselines (resume,
 * report, plotdata, compare and baseline all read through it), and a run
 * read back with its calls aggregated per point. */
#include "plural.h"
#include "rundir.h"
#include "results.h"
#include "experiment.h"
#include "fsutil.h"
#include "health.h"
#include "stats.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

/* From the table itself, so reading results needs no estimator code. */
static const char *const est_keys[MB_EST_COUNT] = {
#define MB_X(id, key, title, section) key,
    MB_ESTIMATOR_TABLE(MB_X)
#undef MB_X
};

const char *mb_rundir_est_key(int e)
{
  return e >= 0 && e < MB_EST_COUNT ? est_keys[e] : "?";
}

const char *mb_axis_name(enum mb_axis axis)
{
  switch (axis) {
  case MB_AXIS_NUM_PORTS:
    return "num_ports";
  case MB_AXIS_OOL_SIZE:
    return "ool_size";
  case MB_AXIS_MODE:
    return "mode";
  case MB_AXIS_PLACEMENT:
    return "placement";
  case MB_AXIS_VARIANT:
    return "variant";
  default:
    return "?";
  }
}

int mb_axis_categorical(enum mb_axis axis)
{
  return axis == MB_AXIS_MODE || axis == MB_AXIS_PLACEMENT || axis == MB_AXIS_VARIANT;
}

const char *mb_axis_value_name(enum mb_axis axis, uint32_t value)
{
  if (axis == MB_AXIS_MODE)
    return mb_mode_name((enum mb_mode)value);
  if (axis == MB_AXIS_PLACEMENT)
    return mb_placement_name((enum mb_placement)value);
  if (axis == MB_AXIS_VARIANT)
    return mb_variant_name((enum mb_variant)value);
  return NULL;
}

/* Typed access to a JSON value under a parent, naming its path on failure. */
struct getter {
  const char *file;
  struct mb_error *err;
  int failed;
};

static json_t *child(struct getter *g, json_t *parent, const char *ppath,
                     const char *key, char *path, size_t n)
{
  json_t *v;

  if (ppath[0])
    snprintf(path, n, "%s.%s", ppath, key);
  else
    snprintf(path, n, "%s", key);
  v = json_object_get(parent, key);
  if (!v && !g->failed) {
    g->failed = 1;
    mb_error_set(g->err, MB_EINVALID, g->file, 0, 0, path, "missing");
  }
  return v;
}

static void wrong(struct getter *g, const char *path, const char *expected)
{
  if (!g->failed) {
    g->failed = 1;
    mb_error_set(g->err, MB_EINVALID, g->file, 0, 0, path, "expected %s", expected);
  }
}

static json_t *get_object(struct getter *g, json_t *parent, const char *ppath,
                          const char *key)
{
  char path[256];
  json_t *v = child(g, parent, ppath, key, path, sizeof(path));

  if (v && !json_is_object(v)) {
    wrong(g, path, "an object");
    return NULL;
  }
  return v;
}

/* A text: a string, or null/absent standing for "" when optional. */
static const char *get_text(struct getter *g, json_t *parent, const char *ppath,
                            const char *key, int optional)
{
  char path[256];
  json_t *v;

  if (!parent)
    return "";
  if (optional &&
      (!json_object_get(parent, key) || json_is_null(json_object_get(parent, key))))
    return "";
  v = child(g, parent, ppath, key, path, sizeof(path));
  if (!v)
    return "";
  if (!json_is_string(v)) {
    wrong(g, path, "a string");
    return "";
  }
  return json_string_value(v);
}

static double get_number(struct getter *g, json_t *parent, const char *ppath,
                         const char *key)
{
  char path[256];
  json_t *v;

  if (!parent)
    return NAN;
  v = child(g, parent, ppath, key, path, sizeof(path));
  if (!v)
    return NAN;
  /* results/README.md: a number that cannot be computed is null. */
  if (json_is_null(v))
    return NAN;
  if (!json_is_number(v)) {
    wrong(g, path, "a number or null");
    return NAN;
  }
  return json_number_value(v);
}

static unsigned long long get_count(struct getter *g, json_t *parent, const char *ppath,
                                    const char *key)
{
  char path[256];
  json_t *v;

  if (!parent)
    return 0;
  v = child(g, parent, ppath, key, path, sizeof(path));
  if (!v)
    return 0;
  if (!json_is_integer(v) || json_integer_value(v) < 0) {
    wrong(g, path, "a whole number >= 0");
    return 0;
  }
  return (unsigned long long)json_integer_value(v);
}

/* Each estimator's effective estimate from an assessment object. */
static double get_assessment(struct getter *g, json_t *a, const char *apath,
                             double est[MB_EST_COUNT])
{
  json_t *lit, *bits;
  double h, bps;
  int e;

  for (e = 0; e < MB_EST_COUNT; e++)
    est[e] = NAN;
  if (!a)
    return NAN;
  h = get_number(g, a, apath, "h_assessed");
  bps = (double)get_count(g, a, apath, "bits_per_symbol");
  lit = json_object_get(a, "literal");
  bits = json_object_get(a, "bitstring");
  for (e = 0; e < MB_EST_COUNT; e++) {
    const char *key = mb_rundir_est_key(e);
    json_t *l = json_is_object(lit) ? json_object_get(lit, key) : NULL;
    json_t *b = json_is_object(bits) ? json_object_get(bits, key) : NULL;
    json_t *lh = json_is_object(l) ? json_object_get(l, "h") : NULL;
    json_t *bh = json_is_object(b) ? json_object_get(b, "h") : NULL;

    if (json_is_number(lh) && json_number_value(lh) >= 0)
      est[e] = json_number_value(lh);
    if (json_is_number(bh) && json_number_value(bh) >= 0) {
      double v = bps * json_number_value(bh);

      if (isnan(est[e]) || v < est[e])
        est[e] = v;
    }
  }
  /* The tool reports -1 when no estimator ran. */
  return h >= 0 ? h : NAN;
}

static struct mb_spread spread_of(double *v, size_t n)
{
  struct mb_spread s = {NAN, NAN, NAN};
  size_t i;

  for (i = 0; i < n; i++) {
    if (isnan(v[i]))
      continue;
    if (isnan(s.min) || v[i] < s.min)
      s.min = v[i];
    if (isnan(s.max) || v[i] > s.max)
      s.max = v[i];
  }
  s.med = mb_stats_median_finite(v, n);
  return s;
}

static void axis_add(struct mb_axis_values *a, uint32_t v)
{
  size_t i, j;

  for (i = 0; i < a->n && a->values[i] < v; i++)
    ;
  if (i < a->n && a->values[i] == v)
    return;
  if (a->n == sizeof(a->values) / sizeof(a->values[0]))
    return;
  for (j = a->n; j > i; j--)
    a->values[j] = a->values[j - 1];
  a->values[i] = v;
  a->n++;
}

uint32_t mb_rundir_axis_value(const struct mb_rundir_point *p, enum mb_axis axis)
{
  switch (axis) {
  case MB_AXIS_NUM_PORTS:
    return p->config.num_ports;
  case MB_AXIS_OOL_SIZE:
    return p->config.ool_size;
  case MB_AXIS_PLACEMENT:
    return (uint32_t)p->config.placement;
  case MB_AXIS_VARIANT:
    return (uint32_t)p->config.variant;
  default:
    return (uint32_t)p->config.mode;
  }
}

int mb_rundir_swept(const struct mb_rundir *rd, enum mb_axis axis)
{
  return rd->axes[axis].n > 1;
}

char *mb_rundir_point_label(const struct mb_rundir *rd, const struct mb_rundir_point *p,
                            int swept_only, char *buf, size_t n)
{
  int any = 0, a;
  size_t len = 0;

  buf[0] = '\0';
  for (a = 0; a < MB_AXIS_COUNT; a++)
    any |= mb_rundir_swept(rd, (enum mb_axis)a);
  for (a = 0; a < MB_AXIS_COUNT; a++) {
    if (swept_only && any && !mb_rundir_swept(rd, (enum mb_axis)a))
      continue;
    if (len >= n)
      break;
    if (a == MB_AXIS_NUM_PORTS)
      snprintf(buf + len, n - len, "%s%u port%s", len ? ", " : "", p->config.num_ports,
               p->config.num_ports == 1 ? "" : "s");
    else if (a == MB_AXIS_OOL_SIZE)
      snprintf(buf + len, n - len, "%s%u B", len ? ", " : "", p->config.ool_size);
    else
      snprintf(buf + len, n - len, "%s%s", len ? ", " : "",
               mb_axis_value_name((enum mb_axis)a,
                                  mb_rundir_axis_value(p, (enum mb_axis)a)));
    len = strlen(buf);
  }
  return buf;
}

/* --- the one strict reader of run.json and baselines ---------------------- */

static int bad_at(struct mb_error *err, const char *file, const char *path,
                  const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static int bad_at(struct mb_error *err, const char *file, const char *path,
                  const char *fmt, ...)
{
  char text[600];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(text, sizeof(text), fmt, ap);
  va_end(ap);
  return mb_error_set(err, MB_EINVALID, file, 0, 0, path, "%s", text);
}

/* An integer in lo..hi at obj.key; path names it. */
static int check_int(json_t *obj, const char *key, const char *ppath, long long lo,
                     long long hi, const char *file, long long *out,
                     struct mb_error *err)
{
  char path[256];
  json_t *v = json_object_get(obj, key);

  snprintf(path, sizeof(path), "%s%s%s", ppath, *ppath ? "." : "", key);
  if (!v)
    return bad_at(err, file, path, "missing: expected a whole number in %lld..%lld", lo,
                  hi);
  if (!json_is_integer(v))
    return bad_at(err, file, path, "expected a whole number in %lld..%lld, found %s",
                  lo, hi, json_is_real(v) ? "a fraction or exponent" : "another type");
  if (json_integer_value(v) < lo || json_integer_value(v) > hi)
    return bad_at(err, file, path, "%lld is outside %lld..%lld",
                  (long long)json_integer_value(v), lo, hi);
  if (out)
    *out = (long long)json_integer_value(v);
  return MB_OK;
}

/* A number in lo..hi, or null (not computed) when nullable; path names it. */
static int check_num(json_t *v, const char *path, double lo, double hi, int nullable,
                     const char *file, struct mb_error *err)
{
  double x;

  if (!v)
    return bad_at(err, file, path, "missing: expected a number%s",
                  nullable ? " or null" : "");
  if (json_is_null(v) && nullable)
    return MB_OK;
  if (!json_is_number(v))
    return bad_at(err, file, path, "expected a number%s", nullable ? " or null" : "");
  x = json_number_value(v);
  if (!isfinite(x) || x < lo || x > hi)
    return bad_at(err, file, path, "%.17g is outside %g..%g", x, lo, hi);
  return MB_OK;
}

/* An assessment object (entropy.bytes / entropy.raw): h_assessed 0..width
 * bits per symbol or null; each estimator's h likewise (bitstring: 0..1). */
static int check_assessment(json_t *a, const char *apath, long long width,
                            const char *file, struct mb_error *err)
{
  static const char *const parts[] = {"literal", "bitstring"};
  char path[256];
  long long bps = width;
  size_t k;
  int rc;

  if (!json_is_object(a))
    return bad_at(err, file, apath, "expected an object (an assessment)");
  if (json_object_get(a, "bits_per_symbol")) {
    rc = check_int(a, "bits_per_symbol", apath, 1, width, file, &bps, err);
    if (rc)
      return rc;
  }
  snprintf(path, sizeof(path), "%s.h_assessed", apath);
  rc = check_num(json_object_get(a, "h_assessed"), path, 0, (double)bps, 1, file, err);
  for (k = 0; k < 2 && !rc; k++) {
    json_t *ests = json_object_get(a, parts[k]), *e;
    const char *name;

    if (!json_is_object(ests))
      continue;
    json_object_foreach(ests, name, e)
    {
      json_t *h = json_is_object(e) ? json_object_get(e, "h") : NULL;

      if (!h)
        continue;
      snprintf(path, sizeof(path), "%s.%s.%s.h", apath, parts[k], name);
      /* -1: the estimator did not run (results/README.md) */
      if (json_is_number(h) && json_number_value(h) == -1)
        continue;
      rc = check_num(h, path, 0, k == 0 ? (double)bps : 1.0, 1, file, err);
      if (rc)
        break;
    }
  }
  return rc;
}

/* a.key and b.key are equal, or both absent (an axis the run did not have). */
static int same_value(json_t *a, json_t *b, const char *key)
{
  json_t *x = json_object_get(a, key), *y = json_object_get(b, key);

  return (!x && !y) || (x && y && json_equal(x, y));
}

struct seen_call {
  long long run, point, repetition;
  size_t index;
};

static int cmp_seen(const void *a, const void *b)
{
  const struct seen_call *x = a, *y = b;

  if (x->run != y->run)
    return x->run < y->run ? -1 : 1;
  if (x->point != y->point)
    return x->point < y->point ? -1 : 1;
  if (x->repetition != y->repetition)
    return x->repetition < y->repetition ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

/* A call's IID track (entropy.raw_iid), when it has one: iid a boolean,
 * h_assessed null or within 0..raw_bits. */
static int check_raw_iid(json_t *r, const char *path, long long raw_bits,
                         const char *file, struct mb_error *err)
{
  char p[192];

  if (!r)
    return MB_OK;
  if (!json_is_object(r))
    return bad_at(err, file, path, "expected an object (the call's IID track)");
  snprintf(p, sizeof(p), "%s.iid", path);
  if (!json_is_boolean(json_object_get(r, "iid")))
    return bad_at(err, file, p, "expected true or false");
  snprintf(p, sizeof(p), "%s.h_assessed", path);
  return check_num(json_object_get(r, "h_assessed"), p, 0, (double)raw_bits, 1, file,
                   err);
}

/* run.json's "health" (absent in runs before it): one object a point, each
 * point once; with "skipped" no cut-offs, else h in (0, 8], alpha in (0, 1),
 * cut-offs and counts whole numbers >= 0, expectations numbers >= 0 and
 * flagged a boolean. */
static int check_health(json_t *health, long long np, const char *file,
                        struct mb_error *err)
{
  static const char *const counts[] = {"rct_cutoff", "apt_cutoff", "apt_window",
                                       "samples",    "rct_fired",  "apt_fired",
                                       "apt_windows"};
  unsigned char *seen;
  size_t i, k;
  int rc = MB_OK;

  if (!health)
    return MB_OK;
  if (!json_is_array(health))
    return bad_at(err, file, "health", "expected an array of per-point health entries");
  seen = calloc((size_t)np, 1);
  if (!seen)
    return mb_error_set(err, MB_ENOMEM, file, 0, 0, NULL, "out of memory");
  for (i = 0; i < json_array_size(health) && !rc; i++) {
    json_t *e = json_array_get(health, i);
    char hp[64], p[96];
    long long point = 0, v;

    snprintf(hp, sizeof(hp), "health[%zu]", i);
    if (!json_is_object(e)) {
      rc = bad_at(err, file, hp, "expected an object");
      break;
    }
    rc = check_int(e, "point", hp, 0, np - 1, file, &point, err);
    if (rc)
      break;
    if (seen[point]) {
      snprintf(p, sizeof(p), "%s.point", hp);
      rc = bad_at(err, file, p, "point %lld has a second entry", point);
      break;
    }
    seen[point] = 1;
    if (json_object_get(e, "skipped")) {
      snprintf(p, sizeof(p), "%s.skipped", hp);
      if (!json_is_string(json_object_get(e, "skipped")))
        rc = bad_at(err, file, p, "expected a string (why there are no cut-offs)");
      continue;
    }
    snprintf(p, sizeof(p), "%s.h", hp);
    rc = check_num(json_object_get(e, "h"), p, 1e-300, 8, 0, file, err);
    snprintf(p, sizeof(p), "%s.alpha", hp);
    if (!rc)
      rc = check_num(json_object_get(e, "alpha"), p, MB_HEALTH_ALPHA_MIN,
                     MB_HEALTH_ALPHA_MAX, 0, file, err);
    for (k = 0; k < sizeof(counts) / sizeof(counts[0]) && !rc; k++)
      rc = check_int(e, counts[k], hp, 0, INT64_MAX, file, &v, err);
    snprintf(p, sizeof(p), "%s.rct_expected", hp);
    if (!rc)
      rc = check_num(json_object_get(e, "rct_expected"), p, 0, HUGE_VAL, 0, file, err);
    snprintf(p, sizeof(p), "%s.apt_expected", hp);
    if (!rc)
      rc = check_num(json_object_get(e, "apt_expected"), p, 0, HUGE_VAL, 0, file, err);
    snprintf(p, sizeof(p), "%s.flagged", hp);
    if (!rc && !json_is_boolean(json_object_get(e, "flagged")))
      rc = bad_at(err, file, p, "expected true or false");
  }
  free(seen);
  return rc;
}

int mb_rundir_check_doc(json_t *doc, const char *file, int accept, int *is_baseline,
                        struct mb_error *err)
{
  json_t *clk, *exp, *pts, *calls, *v;
  const char *schema, *status;
  long long reps = 0, raw_bits = 8, np;
  struct seen_call *seen;
  size_t i, j, nc;
  int rc = MB_OK, baseline;

  if (is_baseline)
    *is_baseline = 0;
  if (!json_is_object(doc))
    return bad_at(err, file, NULL, "expected a JSON object (%s)",
                  accept & MB_RUNDIR_BASELINE ? "a run.json or a baseline"
                                              : "a run.json");
  v = json_object_get(doc, "schema");
  schema = json_string_value(v);
  baseline = schema && strcmp(schema, MB_RUNDIR_BASELINE_SCHEMA) == 0;
  if (!schema ||
      !((baseline && (accept & MB_RUNDIR_BASELINE)) ||
        (strcmp(schema, MB_RUNDIR_RUN_SCHEMA) == 0 && (accept & MB_RUNDIR_RUN))))
    return bad_at(
        err, file, "schema",
        "%s%s%s is not a schema this mebench reads here "
        "(expected \"%s\"%s)",
        schema ? "\"" : "", schema ? schema : (v ? "not a string" : "missing"),
        schema ? "\"" : "", MB_RUNDIR_RUN_SCHEMA,
        accept & MB_RUNDIR_BASELINE ? " or \"" MB_RUNDIR_BASELINE_SCHEMA "\"" : "");
  if (is_baseline)
    *is_baseline = baseline;
  status = json_string_value(json_object_get(doc, "status"));
  if (!status || !(strcmp(status, "running") == 0 || strcmp(status, "complete") == 0 ||
                   strcmp(status, "interrupted") == 0 || strcmp(status, "failed") == 0))
    return bad_at(err, file, "status",
                  "expected \"running\", \"complete\", \"interrupted\" or \"failed\"");
  /* The clock gives raw deltas their unit: without it nothing is comparable. */
  clk = json_object_get(doc, "clock");
  if (!json_is_object(clk))
    return bad_at(err, file, "clock",
                  "%s: expected an object (name, tick_num, tick_den)",
                  clk ? "not an object" : "missing");
  if (!json_is_string(json_object_get(clk, "name")) ||
      !*json_string_value(json_object_get(clk, "name")))
    return bad_at(err, file, "clock.name", "expected the clock's name");
  rc = check_int(clk, "tick_num", "clock", 1, INT64_MAX, file, NULL, err);
  if (!rc)
    rc = check_int(clk, "tick_den", "clock", 1, INT64_MAX, file, NULL, err);
  if (rc)
    return rc;
  exp = json_object_get(doc, "experiment");
  if (!json_is_object(exp))
    return bad_at(err, file, "experiment", "expected an object");
  rc = check_int(exp, "samples", "experiment", 1, MB_EXP_SAMPLES_MAX, file, NULL, err);
  if (!rc)
    rc = check_int(exp, "repetitions", "experiment", 1, MB_EXP_REPETITIONS_MAX, file,
                   &reps, err);
  if (!rc)
    rc = check_int(exp, "raw_bits", "experiment", 1, 8, file, &raw_bits, err);
  if (rc)
    return rc;
  pts = json_object_get(doc, "points");
  if (!json_is_array(pts) || json_array_size(pts) == 0)
    return bad_at(err, file, "points", "expected a non-empty array of sweep points");
  np = (long long)json_array_size(pts);
  for (i = 0; i < (size_t)np; i++) {
    json_t *p = json_array_get(pts, i), *q;
    char pp[64];
    const char *mode;
    enum mb_mode m;

    snprintf(pp, sizeof(pp), "points[%zu]", i);
    if (!json_is_object(p))
      return bad_at(err, file, pp, "expected an object");
    rc = check_int(p, "index", pp, (long long)i, (long long)i, file, NULL, err);
    if (!rc)
      rc = check_int(p, "num_ports", pp, MB_NUM_PORTS_MIN, MB_NUM_PORTS_MAX, file, NULL,
                     err);
    if (!rc)
      rc = check_int(p, "ool_size", pp, MB_OOL_SIZE_MIN, MB_OOL_SIZE_MAX, file, NULL,
                     err);
    if (rc)
      return rc;
    mode = json_string_value(json_object_get(p, "mode"));
    if (!mode || mb_mode_parse(mode, &m) != MB_OK) {
      char mp[80];

      snprintf(mp, sizeof(mp), "%s.mode", pp);
      return bad_at(err, file, mp, "expected \"complex\" or \"simple\"");
    }
    for (j = 0; j < i; j++) {
      q = json_array_get(pts, j);
      if (same_value(q, p, "num_ports") && same_value(q, p, "ool_size") &&
          same_value(q, p, "mode") && same_value(q, p, "variant") &&
          same_value(q, p, "placement"))
        return bad_at(err, file, pp, "the same configuration as points[%zu]", j);
    }
  }
  calls = json_object_get(doc, "calls");
  if (!json_is_array(calls))
    return bad_at(err, file, "calls", "expected an array of calls");
  nc = json_array_size(calls);
  if (nc == 0 && strcmp(status, "complete") == 0)
    return bad_at(err, file, "calls",
                  "empty, but the status says the run is complete: a complete run has "
                  "its calls");
  seen = malloc((nc ? nc : 1) * sizeof(*seen));
  if (!seen)
    return mb_error_set(err, MB_ENOMEM, file, 0, 0, NULL, "out of memory");
  for (i = 0; i < nc && !rc; i++) {
    json_t *c = json_array_get(calls, i), *en;
    char cp[64], path[128];
    long long point = 0, rep = 0, run = 0;

    snprintf(cp, sizeof(cp), "calls[%zu]", i);
    if (!json_is_object(c)) {
      rc = bad_at(err, file, cp, "expected an object");
      break;
    }
    rc = check_int(c, "point", cp, 0, np - 1, file, &point, err);
    if (!rc)
      rc = check_int(c, "repetition", cp, 0, reps - 1, file, &rep, err);
    if (!rc && json_object_get(c, "run"))
      rc = check_int(c, "run", cp, 0, INT32_MAX, file, &run, err);
    if (rc)
      break;
    seen[i].run = run;
    seen[i].point = point;
    seen[i].repetition = rep;
    seen[i].index = i;
    en = json_object_get(c, "entropy");
    snprintf(path, sizeof(path), "%s.entropy", cp);
    if (!json_is_object(en)) {
      rc = bad_at(err, file, path, "expected an object (bytes, raw)");
      break;
    }
    snprintf(path, sizeof(path), "%s.entropy.bytes", cp);
    rc = check_assessment(json_object_get(en, "bytes"), path, 8, file, err);
    snprintf(path, sizeof(path), "%s.entropy.raw", cp);
    if (!rc)
      rc = check_assessment(json_object_get(en, "raw"), path, raw_bits, file, err);
    snprintf(path, sizeof(path), "%s.rate.bits_per_s", cp);
    if (!rc && !json_is_object(json_object_get(c, "rate")))
      rc = bad_at(err, file, path, "missing: expected a number or null");
    if (!rc)
      rc = check_num(json_object_get(json_object_get(c, "rate"), "bits_per_s"), path, 0,
                     HUGE_VAL, 1, file, err);
    if (!rc && json_object_get(c, "wall_s")) {
      snprintf(path, sizeof(path), "%s.wall_s", cp);
      rc = check_num(json_object_get(c, "wall_s"), path, 0, HUGE_VAL, 1, file, err);
    }
    snprintf(path, sizeof(path), "%s.entropy.raw_iid", cp);
    if (!rc)
      rc = check_raw_iid(json_object_get(en, "raw_iid"), path, raw_bits, file, err);
  }
  if (!rc)
    rc = check_health(json_object_get(doc, "health"), np, file, err);
  if (!rc && nc > 1) {
    /* One call per point and repetition (and pooled run): a duplicated call
     * would move the median. */
    qsort(seen, nc, sizeof(*seen), cmp_seen);
    for (i = 1; i < nc && !rc; i++)
      if (seen[i].run == seen[i - 1].run && seen[i].point == seen[i - 1].point &&
          seen[i].repetition == seen[i - 1].repetition) {
        char cp[64];

        snprintf(cp, sizeof(cp), "calls[%zu]", seen[i].index);
        rc = bad_at(err, file, cp,
                    "point %lld repetition %lld is recorded twice (also calls[%zu])",
                    seen[i].point, seen[i].repetition, seen[i - 1].index);
      }
  }
  free(seen);
  return rc;
}

/* The call journal beside a run.json (results.h, MB_RESULTS_JOURNAL). */
struct journal {
  char path[4200];
  unsigned char *text; /* NULL: none */
  size_t len;
  size_t have;   /* calls run.json held before the fold */
  size_t *lines; /* journal line of each call folded in */
  size_t n_lines;
};

/* Read the journal beside file, if file is a run.json and it has one. It
 * is read BEFORE run.json: the runner rewrites run.json (a superset of the
 * journal's calls) and then empties the journal, so a journal older than
 * run.json only repeats calls, where the other order could miss some. A
 * journal that disappears meanwhile (the run ended) is none. */
static int read_journal(const char *file, struct journal *j, struct mb_error *err)
{
  const char *slash = strrchr(file, '/');
  struct mb_error mine;
  struct stat st;
  int rc;

  memset(j, 0, sizeof(*j));
  if (strcmp(slash ? slash + 1 : file, "run.json") != 0)
    return MB_OK;
  snprintf(j->path, sizeof(j->path), "%.*s%s", slash ? (int)(slash - file + 1) : 0,
           file, MB_RESULTS_JOURNAL);
  mb_error_init(&mine);
  rc = mb_fs_read_file(j->path, 1, &j->text, &j->len, &mine);
  if (rc == MB_OK)
    return MB_OK;
  j->text = NULL;
  if (lstat(j->path, &st) != 0 && (errno == ENOENT || errno == ENOTDIR))
    return MB_OK;
  if (err && !err->code)
    *err = mine;
  return rc;
}

/* Fold the journal's calls that run.json does not hold yet into doc's
 * calls, in order. A last line without its newline is a write the process
 * did not finish (killed, or still writing): it is not a recorded call and
 * is skipped. The journal's calls were measured by run.json's last session
 * (each session writes run.json before its first call), whose count they
 * join. */
static int fold_journal(struct journal *j, json_t *doc, struct mb_error *err)
{
  json_t *calls = json_object_get(doc, "calls");
  json_t *sessions = json_object_get(doc, "sessions");
  json_t *last = json_array_get(sessions, json_array_size(sessions) - 1);
  const unsigned char *text = j->text;
  size_t len = j->len, pos = 0, line = 0;
  int rc = MB_OK;

  if (!text || !json_is_array(calls))
    return MB_OK;
  j->have = json_array_size(calls);
  while (rc == MB_OK && pos < len) {
    const unsigned char *nl = memchr(text + pos, '\n', len - pos);
    json_error_t jerr;
    json_t *c;
    json_int_t p, r;
    size_t i;

    if (!nl)
      break; /* the unfinished last write */
    line++;
    c = json_loadb((const char *)text + pos, (size_t)(nl - (text + pos)),
                   JSON_REJECT_DUPLICATES, &jerr);
    pos = (size_t)(nl - text) + 1;
    if (!c) {
      rc = mb_error_set(err, MB_EINVALID, j->path, (int)line, jerr.column, NULL,
                        "%s; expected one call summary (a JSON object) per line",
                        jerr.text);
      break;
    }
    if (!json_is_object(c) || !json_is_integer(json_object_get(c, "point")) ||
        !json_is_integer(json_object_get(c, "repetition"))) {
      json_decref(c);
      rc = mb_error_set(err, MB_EINVALID, j->path, (int)line, 1, NULL,
                        "expected a call summary: an object with integer point and "
                        "repetition");
      break;
    }
    p = json_integer_value(json_object_get(c, "point"));
    r = json_integer_value(json_object_get(c, "repetition"));
    /* Already in run.json when the journal's emptying was lost, or when
     * run.json was rewritten after the journal was read. */
    for (i = 0; i < j->have; i++) {
      const json_t *o = json_array_get(calls, i);

      if (json_integer_value(json_object_get(o, "point")) == p &&
          json_integer_value(json_object_get(o, "repetition")) == r)
        break;
    }
    if (i < j->have) {
      json_decref(c);
      continue;
    }
    if (j->n_lines % 64 == 0) {
      size_t *more = realloc(j->lines, (j->n_lines + 64) * sizeof(*more));

      if (!more) {
        json_decref(c);
        rc = mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        break;
      }
      j->lines = more;
    }
    if (json_array_append_new(calls, c) != 0) {
      rc = mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
      break;
    }
    j->lines[j->n_lines++] = line;
  }
  if (rc == MB_OK && j->n_lines > 0 && json_is_integer(json_object_get(last, "calls")))
    json_object_set_new(
        last, "calls",
        json_integer(json_integer_value(json_object_get(last, "calls")) +
                     (json_int_t)j->n_lines));
  return rc;
}

/* An error the check found in a call folded in from the journal names the
 * journal and its line, not run.json (which does not hold that call). */
static void blame_journal(const struct journal *j, struct mb_error *err)
{
  unsigned long k;
  size_t n;
  char *end;

  if (!err || !j->n_lines || strncmp(err->path, "calls[", 6) != 0)
    return;
  k = strtoul(err->path + 6, &end, 10);
  if (*end != ']' || k < j->have || k - j->have >= j->n_lines)
    return;
  n = strlen(j->path) < sizeof(err->source) ? strlen(j->path) : sizeof(err->source) - 1;
  memcpy(err->source, j->path, n);
  err->source[n] = '\0';
  err->line = (int)j->lines[k - j->have];
  err->column = 1;
  memmove(err->path, end + 1 + (end[1] == '.'), strlen(end + 1 + (end[1] == '.')) + 1);
}

int mb_rundir_read(const char *path, int accept, json_t **doc, char *file, size_t n,
                   int *is_baseline, struct mb_error *err)
{
  unsigned char *text = NULL;
  size_t len = 0;
  json_error_t jerr;
  struct journal jn;
  struct stat st;
  int rc;

  *doc = NULL;
  memset(&jn, 0, sizeof(jn));
  if (strcmp(path, "-") == 0) {
    snprintf(file, n, "<stdin>");
    rc = mb_fs_read_stream(stdin, file, &text, &len, err);
  } else {
    if (stat(path, &st) != 0) {
      int e = errno;

      if (e == ENOENT || e == ENOTDIR || e == ELOOP || e == ENAMETOOLONG)
        return mb_error_set(err, MB_EINVALID, path, 0, 0, NULL,
                            "cannot open results directory: %s; expected a results "
                            "directory%s",
                            strerror(e),
                            accept & MB_RUNDIR_BASELINE
                                ? ", its run.json or a baseline file"
                                : " (the folder holding run.json)");
      return mb_error_errno(err, e, path, "cannot read the results");
    }
    if (S_ISDIR(st.st_mode)) {
      size_t l = strlen(path);

      while (l > 1 && path[l - 1] == '/')
        l--;
      if (snprintf(file, n, "%.*s/run.json", (int)l, path) >= (int)n)
        return mb_error_set(err, MB_EINVALID, path, 0, 0, NULL, "path is too long");
      if (lstat(file, &st) != 0 && errno == ENOENT)
        return mb_error_set(err, MB_EINVALID, path, 0, 0, NULL,
                            "this directory holds no run.json: expected a results "
                            "directory made by `mebench run`");
    } else if (!(accept & MB_RUNDIR_FILE)) {
      return mb_error_set(err, MB_EINVALID, path, 0, 0, NULL,
                          "not a directory; expected a results directory (the folder "
                          "holding run.json)");
    } else if (snprintf(file, n, "%s", path) >= (int)n) {
      return mb_error_set(err, MB_EINVALID, path, 0, 0, NULL, "path is too long");
    }
    rc = read_journal(file, &jn, err);
    if (rc == MB_OK)
      rc = mb_fs_read_file(file, 1, &text, &len, err);
  }
  if (rc)
    goto out;
  *doc = json_loadb((const char *)text, len, JSON_REJECT_DUPLICATES, &jerr);
  if (!*doc) {
    rc = mb_error_set(err, MB_EINVALID, file, jerr.line, jerr.column, NULL,
                      "%s; expected the JSON of %s", jerr.text,
                      (accept & MB_RUNDIR_BASELINE) ? "a run.json or a baseline file"
                                                    : "a run.json");
    goto out;
  }
  rc = fold_journal(&jn, *doc, err);
  if (rc == MB_OK) {
    rc = mb_rundir_check_doc(*doc, file, accept, is_baseline, err);
    if (rc)
      blame_journal(&jn, err);
  }
  if (rc) {
    json_decref(*doc);
    *doc = NULL;
  }
out:
  free(text);
  free(jn.text);
  free(jn.lines);
  return rc;
}

static int load_points(struct getter *g, json_t *root, struct mb_rundir *rd)
{
  json_t *pts = json_object_get(root, "points");
  enum mb_variant legacy;
  size_t i;

  if (!json_is_array(pts) || json_array_size(pts) == 0) {
    wrong(g, "points", "a non-empty array");
    return MB_EINVALID;
  }
  rd->n_points = json_array_size(pts);
  rd->points = calloc(rd->n_points, sizeof(*rd->points));
  if (!rd->points)
    return mb_error_set(g->err, MB_ENOMEM, g->file, 0, 0, NULL, "out of memory");
  {
    json_t *src = json_object_get(root, "source");

    legacy = mb_variant_legacy(json_string_value(json_object_get(src, "name")),
                               json_string_value(json_object_get(src, "layout")));
  }
  for (i = 0; i < rd->n_points && !g->failed; i++) {
    json_t *p = json_array_get(pts, i);
    struct mb_rundir_point *pt = &rd->points[i];
    char pp[64];
    unsigned long long v;
    const char *mode, *placement;

    snprintf(pp, sizeof(pp), "points[%zu]", i);
    if (!json_is_object(p)) {
      wrong(g, pp, "an object");
      break;
    }
    v = get_count(g, p, pp, "index");
    if (!g->failed && v != i) {
      char path[80];

      snprintf(path, sizeof(path), "%s.index", pp);
      mb_error_set(g->err, MB_EINVALID, g->file, 0, 0, path,
                   "%llu where %zu was expected", v, i);
      g->failed = 1;
      break;
    }
    pt->index = i;
    v = get_count(g, p, pp, "num_ports");
    if (!g->failed && (v < MB_NUM_PORTS_MIN || v > MB_NUM_PORTS_MAX)) {
      char path[80];

      snprintf(path, sizeof(path), "%s.num_ports", pp);
      mb_error_set(g->err, MB_EINVALID, g->file, 0, 0, path, "%llu is outside %u..%u",
                   v, MB_NUM_PORTS_MIN, MB_NUM_PORTS_MAX);
      g->failed = 1;
    }
    pt->config.num_ports = (uint32_t)v;
    v = get_count(g, p, pp, "ool_size");
    if (!g->failed && (v < MB_OOL_SIZE_MIN || v > MB_OOL_SIZE_MAX)) {
      char path[80];

      snprintf(path, sizeof(path), "%s.ool_size", pp);
      mb_error_set(g->err, MB_EINVALID, g->file, 0, 0, path, "%llu is outside %u..%u",
                   v, MB_OOL_SIZE_MIN, MB_OOL_SIZE_MAX);
      g->failed = 1;
    }
    pt->config.ool_size = (uint32_t)v;
    mode = get_text(g, p, pp, "mode", 0);
    if (!g->failed && mb_mode_parse(mode, &pt->config.mode) != MB_OK) {
      char path[80];

      snprintf(path, sizeof(path), "%s.mode", pp);
      mb_error_set(g->err, MB_EINVALID, g->file, 0, 0, path,
                   "'%s' is not a mode (expected \"complex\" or \"simple\")", mode);
      g->failed = 1;
    }
    /* Runs from before the placement axis ran free. */
    placement = get_text(g, p, pp, "placement", 1);
    if (!g->failed && *placement &&
        mb_placement_parse(placement, &pt->config.placement) != MB_OK) {
      char path[80];

      snprintf(path, sizeof(path), "%s.placement", pp);
      mb_error_set(g->err, MB_EINVALID, g->file, 0, 0, path,
                   "'%s' is not a placement (expected \"free\", \"shared\", "
                   "\"split\" or a qos_* class)",
                   placement);
      g->failed = 1;
    }
    axis_add(&rd->axes[MB_AXIS_NUM_PORTS], pt->config.num_ports);
    axis_add(&rd->axes[MB_AXIS_OOL_SIZE], pt->config.ool_size);
    pt->config.variant = legacy;
    if (json_object_get(p, "variant")) {
      const char *variant = get_text(g, p, pp, "variant", 0);

      if (!g->failed && mb_variant_parse(variant, &pt->config.variant) != MB_OK) {
        char path[80], list[160];

        snprintf(path, sizeof(path), "%s.variant", pp);
        mb_error_set(g->err, MB_EINVALID, g->file, 0, 0, path,
                     "'%s' is not a variant (expected one of %s)", variant,
                     mb_source_variant_list("linux_ipc", list, sizeof(list)));
        g->failed = 1;
      }
    }
    axis_add(&rd->axes[MB_AXIS_MODE], (uint32_t)pt->config.mode);
    axis_add(&rd->axes[MB_AXIS_PLACEMENT], (uint32_t)pt->config.placement);
    axis_add(&rd->axes[MB_AXIS_VARIANT], (uint32_t)pt->config.variant);
  }
  return g->failed ? MB_EINVALID : MB_OK;
}

/* A number under an optional object: NAN when the object or the key is
 * absent or null (older runs, unknown values); a wrong type is an error. */
static double get_optional(struct getter *g, json_t *parent, const char *ppath,
                           const char *key)
{
  if (!json_is_object(parent) || !json_object_get(parent, key))
    return NAN;
  return get_number(g, parent, ppath, key);
}

static void load_conditions(struct getter *g, json_t *k, const char *kp,
                            struct mb_rundir_conditions *out)
{
  json_t *t = json_is_object(k) ? json_object_get(k, "timing_thread") : NULL;
  json_t *r = json_is_object(k) ? json_object_get(k, "receiver_thread") : NULL;
  char tp[128], rp[128];

  snprintf(tp, sizeof(tp), "%s.timing_thread", kp);
  snprintf(rp, sizeof(rp), "%s.receiver_thread", kp);
  if (k && !json_is_object(k) && !json_is_null(k))
    wrong(g, kp, "an object or null");
  out->waited_share = get_optional(g, k, kp, "waited_share");
  out->timing_nvcsw = get_optional(g, t, tp, "nvcsw");
  out->timing_nivcsw = get_optional(g, t, tp, "nivcsw");
  out->timing_migrations = get_optional(g, t, tp, "migrations");
  out->timing_cpus = get_optional(g, t, tp, "cpus");
  out->recv_nvcsw = get_optional(g, r, rp, "nvcsw");
  out->recv_nivcsw = get_optional(g, r, rp, "nivcsw");
  out->recv_migrations = get_optional(g, r, rp, "migrations");
  out->recv_cpus = get_optional(g, r, rp, "cpus");
  out->same_cpu_share = get_optional(g, k, kp, "same_cpu_share");
  out->load_before = get_optional(g, k, kp, "load_before");
  out->load_after = get_optional(g, k, kp, "load_after");
  out->cpu_mhz = get_optional(g, k, kp, "cpu_mhz");
}

static int load_calls(struct getter *g, json_t *root, struct mb_rundir *rd)
{
  json_t *calls = json_object_get(root, "calls");
  size_t i;

  if (!json_is_array(calls)) {
    wrong(g, "calls", "an array");
    return MB_EINVALID;
  }
  rd->n_calls = json_array_size(calls);
  rd->calls = calloc(rd->n_calls ? rd->n_calls : 1, sizeof(*rd->calls));
  if (!rd->calls)
    return mb_error_set(g->err, MB_ENOMEM, g->file, 0, 0, NULL, "out of memory");
  for (i = 0; i < rd->n_calls && !g->failed; i++) {
    json_t *c = json_array_get(calls, i);
    struct mb_rundir_call *k = &rd->calls[i];
    json_t *rs, *tp, *en, *rate;
    char cp[64], sp[96];

    snprintf(cp, sizeof(cp), "calls[%zu]", i);
    if (!json_is_object(c)) {
      wrong(g, cp, "an object");
      break;
    }
    k->point = (size_t)get_count(g, c, cp, "point");
    if (!g->failed && k->point >= rd->n_points) {
      snprintf(sp, sizeof(sp), "%s.point", cp);
      mb_error_set(g->err, MB_EINVALID, g->file, 0, 0, sp,
                   "%zu is not a point index (the run has %zu point%s)", k->point,
                   rd->n_points, mb_s(rd->n_points));
      g->failed = 1;
      break;
    }
    k->repetition = (size_t)get_count(g, c, cp, "repetition");
    k->sequence = (size_t)get_count(g, c, cp, "sequence");
    k->raw_file = get_text(g, c, cp, "raw_file", 0);
    k->wall_s = get_number(g, c, cp, "wall_s");
    k->pool_size = (uint32_t)get_count(g, c, cp, "pool_size");
    k->timings = (size_t)get_count(g, c, cp, "timings");
    k->bytes = (size_t)get_count(g, c, cp, "bytes");
    k->timeouts = (size_t)get_count(g, c, cp, "timeouts");
    k->failures = (size_t)get_count(g, c, cp, "failures");
    if (json_object_get(c, "aborted"))
      k->aborted = (size_t)get_count(g, c, cp, "aborted");
    rs = get_object(g, c, cp, "raw_stats");
    snprintf(sp, sizeof(sp), "%s.raw_stats", cp);
    k->raw_min = get_number(g, rs, sp, "min");
    k->raw_p01 = get_number(g, rs, sp, "p01");
    k->raw_p50 = get_number(g, rs, sp, "p50");
    k->raw_p99 = get_number(g, rs, sp, "p99");
    k->raw_max = get_number(g, rs, sp, "max");
    k->raw_mean = get_number(g, rs, sp, "mean");
    k->raw_stddev = get_number(g, rs, sp, "stddev");
    k->raw_mad = get_number(g, rs, sp, "mad");
    k->raw_distinct = (size_t)get_count(g, rs, sp, "distinct");
    k->raw_quantum = get_number(g, rs, sp, "quantum");
    k->ns_per_op = get_number(g, c, cp, "ns_per_op");
    tp = get_object(g, c, cp, "throughput");
    snprintf(sp, sizeof(sp), "%s.throughput", cp);
    k->ops_per_s = get_number(g, tp, sp, "ops_per_s");
    k->bytes_per_s = get_number(g, tp, sp, "bytes_per_s");
    en = get_object(g, c, cp, "entropy");
    snprintf(sp, sizeof(sp), "%s.entropy", cp);
    if (en) {
      json_t *b = get_object(g, en, sp, "bytes");
      json_t *r = get_object(g, en, sp, "raw");

      snprintf(sp, sizeof(sp), "%s.entropy.bytes", cp);
      k->h_bytes = get_assessment(g, b, sp, k->est_bytes);
      snprintf(sp, sizeof(sp), "%s.entropy.raw", cp);
      k->h_raw = get_assessment(g, r, sp, k->est_raw);
    }
    {
      json_t *w = json_object_get(c, "waited");
      json_t *halves = en ? json_object_get(en, "bytes_halves") : NULL;

      k->waited = json_is_integer(w) && json_integer_value(w) > 0
                      ? (size_t)json_integer_value(w)
                      : 0;
      k->waited_share = k->timings ? (double)k->waited / (double)k->timings : NAN;
      k->h_half[0] = k->h_half[1] = NAN;
      if (json_is_array(halves) && json_array_size(halves) == 2) {
        json_t *h0 = json_array_get(halves, 0), *h1 = json_array_get(halves, 1);

        if (json_is_number(h0) && json_is_number(h1) && json_number_value(h0) >= 0 &&
            json_number_value(h1) >= 0) {
          k->h_half[0] = json_number_value(h0);
          k->h_half[1] = json_number_value(h1);
        }
      }
    }
    rate = get_object(g, c, cp, "rate");
    snprintf(sp, sizeof(sp), "%s.rate", cp);
    k->bits_per_s = get_number(g, rate, sp, "bits_per_s");
    /* Recorded since the conditions were (absent in older runs). */
    if (json_object_get(c, "injected"))
      k->injected = (size_t)get_count(g, c, cp, "injected");
    snprintf(sp, sizeof(sp), "%s.conditions", cp);
    load_conditions(g, json_object_get(c, "conditions"), sp, &k->cond);
  }
  return g->failed ? MB_EINVALID : MB_OK;
}

/* The numeric leaves under obj, flattened with '.' after prefix: registered
 * in rd->cond_names when names is set (first pass), else stored in row
 * (second pass). Strings, booleans, arrays and nulls are not conditions. */
static void cond_walk(struct mb_rundir *rd, json_t *obj, const char *prefix, int names,
                      double *row)
{
  const char *key;
  json_t *v;

  json_object_foreach(obj, key, v)
  {
    char name[64];
    size_t j;

    if (snprintf(name, sizeof(name), "%s%s%s", prefix, prefix[0] ? "." : "", key) >=
        (int)sizeof(name))
      continue;
    if (json_is_object(v)) {
      cond_walk(rd, v, name, names, row);
      continue;
    }
    if (!json_is_number(v))
      continue;
    for (j = 0; j < rd->n_cond; j++)
      if (strcmp(rd->cond_names[j], name) == 0)
        break;
    if (names && j == rd->n_cond && rd->n_cond < MB_RUNDIR_MAX_COND)
      memcpy(rd->cond_names[rd->n_cond++], name, sizeof(name));
    else if (!names && j < rd->n_cond)
      row[j] = json_number_value(v);
  }
}

/* calls[].conditions, when the run recorded them (results/README.md). */
static double jnum(const json_t *o, const char *key)
{
  const json_t *v = json_object_get(o, key);

  return json_is_number(v) ? json_number_value(v) : NAN;
}

static unsigned long long jcount(const json_t *o, const char *key)
{
  json_int_t v = json_integer_value(json_object_get(o, key));

  return v > 0 ? (unsigned long long)v : 0;
}

/* Each call's IID track (entropy.raw_iid) and each point's health entry,
 * as mb_rundir_check_doc has checked them (check_raw_iid, check_health). */
static void load_tests(json_t *root, struct mb_rundir *rd)
{
  json_t *calls = json_object_get(root, "calls"),
         *health = json_object_get(root, "health");
  size_t i;

  for (i = 0; i < rd->n_calls; i++) {
    json_t *r = json_object_get(json_object_get(json_array_get(calls, i), "entropy"),
                                "raw_iid");

    rd->calls[i].iid = r ? json_is_true(json_object_get(r, "iid")) : -1;
    rd->calls[i].h_iid = r ? jnum(r, "h_assessed") : NAN;
  }
  for (i = 0; i < json_array_size(health); i++) {
    json_t *e = json_array_get(health, i);
    size_t p = (size_t)jcount(e, "point");
    struct mb_rundir_health *h;

    if (p >= rd->n_points)
      continue;
    h = &rd->points[p].health;
    h->present = 1;
    if (json_object_get(e, "skipped"))
      continue;
    h->cutoffs = 1;
    h->h = jnum(e, "h");
    h->alpha = jnum(e, "alpha");
    h->rct_cutoff = jcount(e, "rct_cutoff");
    h->apt_cutoff = jcount(e, "apt_cutoff");
    h->apt_window = jcount(e, "apt_window");
    h->samples = jcount(e, "samples");
    h->rct_fired = jcount(e, "rct_fired");
    h->apt_fired = jcount(e, "apt_fired");
    h->apt_windows = jcount(e, "apt_windows");
    h->rct_expected = jnum(e, "rct_expected");
    h->apt_expected = jnum(e, "apt_expected");
    h->flagged = json_is_true(json_object_get(e, "flagged"));
  }
}

static int load_cond_leaves(json_t *root, struct mb_rundir *rd, struct mb_error *err)
{
  json_t *calls = json_object_get(root, "calls");
  size_t i, j;
  int pass;

  rd->cond_names = calloc(MB_RUNDIR_MAX_COND, sizeof(*rd->cond_names));
  if (!rd->cond_names)
    return mb_error_set(err, MB_ENOMEM, rd->json_path, 0, 0, NULL, "out of memory");
  for (pass = 0; pass < 2; pass++) {
    if (pass == 1) {
      rd->cond_values = malloc((rd->n_calls * rd->n_cond + 1) * sizeof(double));
      if (!rd->cond_values)
        return mb_error_set(err, MB_ENOMEM, rd->json_path, 0, 0, NULL, "out of memory");
      for (j = 0; j < rd->n_calls * rd->n_cond; j++)
        rd->cond_values[j] = NAN;
    }
    for (i = 0; i < rd->n_calls; i++) {
      json_t *c = json_object_get(json_array_get(calls, i), "conditions");

      if (pass == 1)
        rd->calls[i].condv = rd->cond_values + i * rd->n_cond;
      if (json_is_object(c))
        cond_walk(rd, c, "", pass == 0,
                  pass == 1 ? rd->cond_values + i * rd->n_cond : NULL);
    }
  }
  return MB_OK;
}

static int aggregate(struct mb_rundir *rd, struct mb_error *err)
{
  size_t n = rd->n_calls ? rd->n_calls : 1, p, i, m;
  double *v = calloc(n, sizeof(*v));
  int e;

  if (!v)
    return mb_error_set(err, MB_ENOMEM, rd->json_path, 0, 0, NULL, "out of memory");
#define MB_GATHER(expr)                                                                \
  do {                                                                                 \
    m = 0;                                                                             \
    for (i = 0; i < rd->n_calls; i++) {                                                \
      const struct mb_rundir_call *c = &rd->calls[i];                                  \
      if (c->point == p)                                                               \
        v[m++] = (expr);                                                               \
    }                                                                                  \
  } while (0)
  for (p = 0; p < rd->n_points; p++) {
    struct mb_rundir_point *pt = &rd->points[p];
    double q = 0;

    pt->bind_bytes = -1;
    for (i = 0; i < rd->n_calls; i++) {
      const struct mb_rundir_call *c = &rd->calls[i];

      if (c->point != p)
        continue;
      pt->n_calls++;
      pt->iid_tested += c->iid >= 0;
      pt->iid_passed += c->iid == 1;
      pt->timeouts += c->timeouts;
      pt->failures += c->failures;
      pt->timeout_calls += c->timeouts > 0;
      pt->failure_calls += c->failures > 0;
      pt->aborted += c->aborted;
      pt->aborted_calls += c->aborted > 0;
      if (c->pool_size == 0)
        pt->fallbacks++;
      if (c->raw_quantum * rd->tick_ns > q)
        q = c->raw_quantum * rd->tick_ns;
    }
    pt->quantum_ns = q;
    MB_GATHER(c->h_bytes);
    pt->h_bytes = spread_of(v, m);
    MB_GATHER(c->h_raw);
    pt->h_raw = spread_of(v, m);
    MB_GATHER(c->bits_per_s);
    pt->bits_per_s = spread_of(v, m);
    MB_GATHER(c->ops_per_s);
    pt->ops_per_s = spread_of(v, m);
    MB_GATHER(c->wall_s);
    pt->wall_s = spread_of(v, m);
    MB_GATHER(c->ns_per_op);
    pt->ns_per_op = spread_of(v, m);
    MB_GATHER(c->raw_p01 * rd->tick_ns);
    pt->ns_p01 = mb_stats_median_finite(v, m);
    MB_GATHER(c->raw_p99 * rd->tick_ns);
    pt->ns_p99 = mb_stats_median_finite(v, m);
    MB_GATHER(c->raw_mad * rd->tick_ns);
    pt->mad_ns = mb_stats_median_finite(v, m);
    MB_GATHER(c->waited_share);
    pt->waited_share = spread_of(v, m);
    for (e = 0; e < MB_EST_COUNT; e++) {
      MB_GATHER(c->est_bytes[e]);
      pt->est_bytes[e] = spread_of(v, m);
      MB_GATHER(c->est_raw[e]);
      pt->est_raw[e] = spread_of(v, m);
    }
    /* The binding estimator is the one that set the assessed value (the
     * lowest estimate) in the most calls; its median alone can name one that
     * never did, since the assessed value is the median of per-call minima. */
    {
      size_t count[MB_EST_COUNT] = {0};

      for (i = 0; i < rd->n_calls; i++) {
        const struct mb_rundir_call *c = &rd->calls[i];
        int lowest = -1;

        if (c->point != p)
          continue;
        for (e = 0; e < MB_EST_COUNT; e++)
          if (!isnan(c->est_bytes[e]) &&
              (lowest < 0 || c->est_bytes[e] < c->est_bytes[lowest]))
            lowest = e;
        if (lowest >= 0)
          count[lowest]++;
      }
      for (e = 0; e < MB_EST_COUNT; e++)
        if (count[e] > 0 &&
            (pt->bind_bytes < 0 || count[e] > count[pt->bind_bytes] ||
             (count[e] == count[pt->bind_bytes] &&
              pt->est_bytes[e].med < pt->est_bytes[pt->bind_bytes].med)))
          pt->bind_bytes = e;
      pt->bind_count = pt->bind_bytes >= 0 ? count[pt->bind_bytes] : 0;
    }
  }
#undef MB_GATHER
  free(v);
  return MB_OK;
}

static char *join_path(const char *dir, const char *name)
{
  size_t n = strlen(dir) + strlen(name) + 2;
  char *s = malloc(n);

  if (s)
    snprintf(s, n, "%s/%s", dir, name);
  return s;
}

int mb_rundir_load(const char *dir, struct mb_rundir *rd, struct mb_error *err)
{
  struct getter g;
  json_t *root, *mach, *clk, *src, *exp, *ests, *mb;
  size_t i;
  int rc;

  memset(rd, 0, sizeof(*rd));
  rd->dir = malloc(strlen(dir) + 1);
  rd->json_path = join_path(dir, "run.json");
  if (!rd->dir || !rd->json_path)
    return mb_error_set(err, MB_ENOMEM, dir, 0, 0, NULL, "out of memory");
  memcpy(rd->dir, dir, strlen(dir) + 1);
  g.file = rd->json_path;
  g.err = err;
  g.failed = 0;
  {
    char file[4200];

    rc = mb_rundir_read(dir, MB_RUNDIR_RUN, &root, file, sizeof(file), NULL, err);
    if (rc)
      return rc;
  }
  rd->root = root;
  if (!json_is_object(root)) {
    wrong(&g, "", "a JSON object at the top level");
    return MB_EINVALID;
  }
  rd->schema = get_text(&g, root, "", "schema", 0);
  if (!g.failed && strcmp(rd->schema, "mebench-run/1") != 0) {
    return mb_error_set(err, MB_EINVALID, rd->json_path, 0, 0, "schema",
                        "\"%s\" is not a schema this mebench reads (expected "
                        "\"mebench-run/1\")",
                        rd->schema);
  }
  rd->status = get_text(&g, root, "", "status", 0);
  rd->error = get_text(&g, root, "", "error", 1);
  rd->started = get_text(&g, root, "", "started", 0);
  rd->finished = get_text(&g, root, "", "finished", 1);
  mb = get_object(&g, root, "", "mebench");
  rd->version = get_text(&g, mb, "mebench", "version", 1);
  rd->git_commit = get_text(&g, mb, "mebench", "git_commit", 1);
  rd->compiler = get_text(&g, mb, "mebench", "compiler", 1);
  rd->flags = get_text(&g, mb, "mebench", "flags", 1);
  mach = get_object(&g, root, "", "machine");
  rd->hostname = get_text(&g, mach, "machine", "hostname", 0);
  rd->os = get_text(&g, mach, "machine", "os", 1);
  rd->kernel = get_text(&g, mach, "machine", "kernel", 1);
  rd->arch = get_text(&g, mach, "machine", "arch", 1);
  rd->cpu_model = get_text(&g, mach, "machine", "cpu_model", 1);
  rd->cores = mach && json_is_integer(json_object_get(mach, "cores"))
                  ? (long long)json_integer_value(json_object_get(mach, "cores"))
                  : 0;
  clk = get_object(&g, root, "", "clock");
  rd->clock_name = get_text(&g, clk, "clock", "name", 0);
  rd->tick_num = get_count(&g, clk, "clock", "tick_num");
  rd->tick_den = get_count(&g, clk, "clock", "tick_den");
  if (!g.failed && (rd->tick_num == 0 || rd->tick_den == 0))
    return mb_error_set(err, MB_EINVALID, rd->json_path, 0, 0,
                        rd->tick_num == 0 ? "clock.tick_num" : "clock.tick_den",
                        "must be at least 1");
  rd->tick_ns = rd->tick_den ? (double)rd->tick_num / (double)rd->tick_den : NAN;
  rd->read_cost_ns = get_number(&g, clk, "clock", "read_cost_ns");
  rd->resolution_ns = get_number(&g, clk, "clock", "resolution_ns");
  src = get_object(&g, root, "", "source");
  rd->source_name = get_text(&g, src, "source", "name", 0);
  rd->source_platform = get_text(&g, src, "source", "platform", 1);
  rd->source_description = get_text(&g, src, "source", "description", 1);
  rd->source_replay = get_text(&g, src, "source", "replay", 1);
  rd->total_s = rd->collect_s = rd->analyse_s = rd->write_s = rd->warmup_s = NAN;
  {
    json_t *d = json_object_get(root, "durations");

    if (json_is_object(d)) {
      rd->total_s = get_number(&g, d, "durations", "total_s");
      rd->collect_s = get_number(&g, d, "durations", "collect_s");
      rd->analyse_s = get_number(&g, d, "durations", "analyse_s");
      rd->write_s = get_number(&g, d, "durations", "write_s");
      if (json_is_number(json_object_get(d, "warmup_s")))
        rd->warmup_s = json_number_value(json_object_get(d, "warmup_s"));
    }
    d = json_object_get(root, "sessions");
    rd->n_sessions = json_is_array(d) ? json_array_size(d) : 0;
  }
  exp = get_object(&g, root, "", "experiment");
  rd->exp_path = get_text(&g, exp, "experiment", "path", 1);
  rd->exp_sha256 = get_text(&g, exp, "experiment", "sha256", 1);
  rd->samples = (size_t)get_count(&g, exp, "experiment", "samples");
  rd->repetitions = (size_t)get_count(&g, exp, "experiment", "repetitions");
  rd->warmup = (size_t)get_count(&g, exp, "experiment", "warmup");
  rd->order = get_text(&g, exp, "experiment", "order", 0);
  rd->seed = get_count(&g, exp, "experiment", "seed");
  rd->raw_bits = (unsigned)get_count(&g, exp, "experiment", "raw_bits");
  rd->bitstring = exp && json_is_true(json_object_get(exp, "bitstring"));
  rd->inject_constant = get_optional(&g, exp, "experiment", "inject_constant");
  if (isnan(rd->inject_constant))
    rd->inject_constant = 0;
  rd->exp_name = "";
  rd->exp_description = "";
  if (exp) {
    json_t *content = json_object_get(exp, "content");

    if (json_is_object(content)) {
      rd->exp_name = get_text(&g, content, "experiment.content", "name", 1);
      rd->exp_description =
          get_text(&g, content, "experiment.content", "description", 1);
    }
    ests = json_object_get(exp, "estimators");
    if (json_is_array(ests)) {
      for (i = 0; i < json_array_size(ests); i++) {
        json_t *s = json_array_get(ests, i);
        size_t len = strlen(rd->estimators);

        if (!json_is_string(s)) {
          char path[64];

          snprintf(path, sizeof(path), "experiment.estimators[%zu]", i);
          wrong(&g, path, "an estimator key");
          break;
        }
        snprintf(rd->estimators + len, sizeof(rd->estimators) - len, "%s%s",
                 len ? ", " : "", json_string_value(s));
      }
    } else if (!g.failed) {
      wrong(&g, "experiment.estimators", "an array of estimator keys");
    }
  }
  if (g.failed)
    return err && err->code ? err->code : MB_EINVALID;
  rc = load_points(&g, root, rd);
  if (!rc)
    rc = load_calls(&g, root, rd);
  if (!rc)
    load_tests(root, rd);
  if (!rc)
    rc = load_cond_leaves(root, rd, err);
  if (!rc)
    rc = aggregate(rd, err);
  return rc;
}

void mb_rundir_cleanup(struct mb_rundir *rd)
{
  if (!rd)
    return;
  free(rd->dir);
  free(rd->json_path);
  free(rd->points);
  free(rd->calls);
  free(rd->cond_names);
  free(rd->cond_values);
  json_decref((json_t *)rd->root);
  memset(rd, 0, sizeof(*rd));
}
