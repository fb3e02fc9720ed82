/* report.c: the Markdown report and LaTeX table of a results directory. */
#include "plural.h"
#include "report.h"
#include "rawfile.h"
#include "report_health.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "findings.h"
#include "stats.h"
#include "plotdata.h"

/* --- anomalies -------------------------------------------------------------- */

static int add(struct mb_anomaly **list, size_t *n, size_t *cap,
               enum mb_anomaly_kind kind, size_t point, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

static int add(struct mb_anomaly **list, size_t *n, size_t *cap,
               enum mb_anomaly_kind kind, size_t point, const char *fmt, ...)
{
  va_list ap;

  if (*n == *cap) {
    size_t c = *cap ? *cap * 2 : 8;
    struct mb_anomaly *l = realloc(*list, c * sizeof(*l));

    if (!l)
      return MB_ENOMEM;
    *list = l;
    *cap = c;
  }
  (*list)[*n].kind = kind;
  (*list)[*n].point = point;
  va_start(ap, fmt);
  vsnprintf((*list)[*n].text, sizeof((*list)[*n].text), fmt, ap);
  va_end(ap);
  (*n)++;
  return MB_OK;
}

/* A time in ns: 4 significant digits, but whole numbers from 10000 ns up, so
 * that a tail reads 13020, never 1.302e+04. */
static const char *ns_text(double v, char *buf, size_t n)
{
  if (fabs(v) >= 9999.5)
    snprintf(buf, n, "%.0f", v);
  else
    snprintf(buf, n, "%.4g", v);
  return buf;
}

/* Each call of point p whose raw file is missing or damaged (read in full,
 * checksum verified): the figures drawn from raw timings leave it out. */
static int raw_anomalies(const struct mb_rundir *rd, size_t p, const char *label,
                         struct mb_anomaly **l, size_t *k, size_t *cap)
{
  struct mb_collection c;
  struct mb_raw_meta meta;
  size_t i;
  int rc = MB_OK;

  if (!rd->calls || !rd->dir)
    return MB_OK; /* a run made in memory (tests) has no raw files */
  mb_collection_init(&c);
  for (i = 0; i < rd->n_calls && !rc; i++) {
    const struct mb_rundir_call *call = &rd->calls[i];
    char path[4200], what[300];
    struct mb_error e;
    int st;

    if (call->point != p)
      continue;
    snprintf(path, sizeof(path), "%s/%s", rd->dir, call->raw_file);
    mb_error_init(&e);
    if (access(path, F_OK) != 0) {
      snprintf(what, sizeof(what), "is missing");
    } else {
      st = mb_rawfile_read(path, &meta, &c, &e);
      if (st == MB_ENOMEM) {
        rc = MB_ENOMEM;
        break;
      }
      if (st == MB_OK && (meta.point != p || meta.repetition != call->repetition ||
                          c.n_timings != call->timings))
        snprintf(what, sizeof(what),
                 "holds another call (point %zu repetition %zu, %zu timings)",
                 meta.point, meta.repetition, c.n_timings);
      else if (st == MB_OK)
        continue;
      else
        snprintf(what, sizeof(what), "is damaged (%.200s)", e.text);
    }
    rc = add(l, k, cap, MB_ANOMALY_RAW, p,
             "Point %zu (%s), repetition %zu: the raw file `%.120s` %s: the figures "
             "drawn from raw timings leave this call out; `mebench run --resume` "
             "measures it again.",
             p, label, call->repetition, call->raw_file, what);
  }
  mb_collection_cleanup(&c);
  return rc;
}

/* " Cause: ..." when a recorded condition follows metric m over point p's
 * calls (findings.h, MB_FINDINGS_CAUSE_R), else "". */
static const char *cause_text(const struct mb_rundir *rd, size_t p, enum mb_metric m,
                              char *buf, size_t n)
{
  char name[72];
  double r;
  size_t cnt = 0;

  buf[0] = '\0';
  if (mb_findings_point_cause(rd, p, m, name, sizeof(name), &r, &cnt))
    snprintf(buf, n,
             " Likely cause: the calls' `%s` (correlation %+.2f over %zu call%s: the "
             "higher it is, the %s the %s).",
             name, r, cnt, mb_s(cnt), r > 0 ? "higher" : "lower",
             m == MB_METRIC_NS_PER_OP ? "operation time" : "min-entropy");
  return buf;
}

/* The repetitions per point this run planned: all of them, or those of its
 * shard (run --shard K/N: r mod N = K - 1), with *k and *n set (0 when the
 * run holds the whole plan). */
static size_t planned_reps(const struct mb_rundir *rd, size_t *k, size_t *n)
{
  const json_t *sh = json_object_get((const json_t *)rd->root, "shard");
  json_int_t ki = json_integer_value(json_object_get(sh, "index"));
  json_int_t ni = json_integer_value(json_object_get(sh, "count"));

  *k = *n = 0;
  if (ni < 1 || ki < 1 || ki > ni)
    return rd->repetitions;
  *k = (size_t)ki;
  *n = (size_t)ni;
  return rd->repetitions / *n + (rd->repetitions % *n >= *k ? 1 : 0);
}

/* A point's health tests and IID calls for the JSON report; null when the
 * run has no health entry for it. */
static json_t *health_json(const struct mb_rundir_point *pt)
{
  const struct mb_rundir_health *h = &pt->health;
  json_t *o;

  if (!h->present)
    return json_null();
  o = json_pack("{s:b,s:I,s:I}", "cutoffs", h->cutoffs, "iid_calls",
                (json_int_t)pt->iid_tested, "iid_passed", (json_int_t)pt->iid_passed);
  if (o && h->cutoffs)
    json_object_update_new(
        o, json_pack("{s:f,s:f,s:I,s:I,s:I,s:I,s:f,s:I,s:f,s:b}", "h", h->h, "alpha",
                     h->alpha, "rct_cutoff", (json_int_t)h->rct_cutoff, "apt_cutoff",
                     (json_int_t)h->apt_cutoff, "apt_window", (json_int_t)h->apt_window,
                     "rct_fired", (json_int_t)h->rct_fired, "rct_expected",
                     h->rct_expected, "apt_fired", (json_int_t)h->apt_fired,
                     "apt_expected", h->apt_expected, "flagged", h->flagged));
  return o ? o : json_null();
}

int mb_report_anomalies(const struct mb_rundir *rd, struct mb_anomaly **out, size_t *n)
{
  struct mb_anomaly *l = NULL;
  size_t cap = 0, k = 0, p, sk, sn, reps = planned_reps(rd, &sk, &sn);
  int rc = MB_OK;
  char label[128];

  *out = NULL;
  *n = 0;
  if (strcmp(rd->status, "complete") != 0)
    rc = add(&l, &k, &cap, MB_ANOMALY_STATUS, SIZE_MAX,
             "The run is **%s**: %zu of %zu planned calls were measured%s%s%s",
             rd->status, rd->n_calls, rd->n_points * reps,
             rd->error[0] ? " (error: " : ".", rd->error, rd->error[0] ? ")." : "");
  for (p = 0; p < rd->n_points && !rc; p++) {
    const struct mb_rundir_point *pt = &rd->points[p];
    double step =
        rd->resolution_ns > pt->quantum_ns ? rd->resolution_ns : pt->quantum_ns;
    int lo = -1, hi = -1, e;

    mb_rundir_point_label(rd, pt, 1, label, sizeof(label));
    rc = raw_anomalies(rd, p, label, &l, &k, &cap);
    if (!rc && pt->health.flagged)
      rc =
          add(&l, &k, &cap, MB_ANOMALY_HEALTH, p,
              "Point %zu (%s): the health tests fired far more often than alpha "
              "(%.3g) predicts: RCT %llu times (%.3g expected), APT %llu times "
              "(%.3g expected) over the recorded raw symbols; the assessed "
              "entropy (%.3f bits) is too high for this data, and cut-offs from "
              "it would fire in production.",
              p, label, pt->health.alpha, pt->health.rct_fired, pt->health.rct_expected,
              pt->health.apt_fired, pt->health.apt_expected, pt->health.h);
    if (!rc && pt->n_calls < reps)
      rc = add(&l, &k, &cap, MB_ANOMALY_MISSING, p,
               "Point %zu (%s): %zu of %zu repetitions measured.", p, label,
               pt->n_calls, reps);
    if (!rc && pt->timeouts > 0)
      rc = add(&l, &k, &cap, MB_ANOMALY_TIMEOUTS, p,
               "Point %zu (%s): %zu timed operation%s timed out, in %zu of %zu calls; "
               "their deltas stay in the raw files and the estimates.",
               p, label, pt->timeouts, pt->timeouts == 1 ? "" : "s", pt->timeout_calls,
               pt->n_calls);
    if (!rc && pt->failures > 0)
      rc = add(
          &l, &k, &cap, MB_ANOMALY_FAILURES, p,
          "Point %zu (%s): %zu timed operation%s failed with a system error, in %zu "
          "of %zu calls%s.",
          p, label, pt->failures, pt->failures == 1 ? "" : "s", pt->failure_calls,
          pt->n_calls,
          pt->config.mode == MB_MODE_COMPLEX &&
                  !(mb_variant_fixes(pt->config.variant) & MB_FIX_COPY_SEND)
              ? ", as its variant predicts: a send after the first to each endpoint "
                "finds no send right (sources/FINDINGS.md)"
              : "");
    if (!rc && pt->aborted > 0)
      rc = add(&l, &k, &cap, MB_ANOMALY_FAILURES, p,
               "Point %zu (%s): the watchdog ended %zu of %zu calls, in which a "
               "timed operation stayed blocked for %u s; %zu operations did not "
               "finish (status aborted, timing 0 for those never started).",
               p, label, pt->aborted_calls, pt->n_calls, MB_STALL_LIMIT_MS / 1000u,
               pt->aborted);
    if (!rc && pt->fallbacks > 0)
      rc =
          add(&l, &k, &cap, MB_ANOMALY_FALLBACK, p,
              "Point %zu (%s): the collector made no port pool in %zu of %zu calls and "
              "fell back to the simple path (pool_size 0).",
              p, label, pt->fallbacks, pt->n_calls);
    if (!rc && pt->n_calls > 0 && step > 0 && !isnan(pt->mad_ns) &&
        pt->mad_ns <= MB_REPORT_TICK_STEPS * step)
      rc = add(
          &l, &k, &cap, MB_ANOMALY_COARSE_TICK, p,
          "Point %zu (%s): the timer step (%.3g ns) is as coarse as the spread of the "
          "deltas (median absolute deviation %.3g ns): the low bits largely record "
          "quantization.",
          p, label, step, pt->mad_ns);
    for (e = 0; e < MB_EST_COUNT; e++) {
      double v = pt->est_bytes[e].med;

      if (isnan(v))
        continue;
      if (lo < 0 || v < pt->est_bytes[lo].med)
        lo = e;
      if (hi < 0 || v > pt->est_bytes[hi].med)
        hi = e;
    }
    if (!rc && lo >= 0 &&
        pt->est_bytes[lo].med < MB_REPORT_EST_RATIO * pt->est_bytes[hi].med)
      rc = add(
          &l, &k, &cap, MB_ANOMALY_ESTIMATORS, p,
          "Point %zu (%s): estimators disagree widely on the extracted bytes: %s gives "
          "%.2f bits/byte, %s %.2f (lowest under %.0f%% of highest).",
          p, label, mb_rundir_est_key(lo), pt->est_bytes[lo].med, mb_rundir_est_key(hi),
          pt->est_bytes[hi].med, MB_REPORT_EST_RATIO * 100);
    if (!rc && pt->n_calls >= 2 && !isnan(pt->h_bytes.med)) {
      double range = pt->h_bytes.max - pt->h_bytes.min;

      if (range > MB_REPORT_REP_H_ABS &&
          range > MB_REPORT_REP_H_REL * pt->h_bytes.med) {
        char cause[200];

        rc = add(&l, &k, &cap, MB_ANOMALY_REPS_ENTROPY, p,
                 "Point %zu (%s): repetitions disagree on min-entropy: %.2f to %.2f "
                 "bits/byte (range %.2f, median %.2f).%s",
                 p, label, pt->h_bytes.min, pt->h_bytes.max, range, pt->h_bytes.med,
                 cause_text(rd, p, MB_METRIC_H_BYTES, cause, sizeof(cause)));
      }
    }
    if (!rc && pt->n_calls >= 2 && pt->ns_per_op.med > 0) {
      double range = pt->ns_per_op.max - pt->ns_per_op.min;

      char t_lo[32], t_hi[32];

      if (range > MB_REPORT_REP_TIME_REL * pt->ns_per_op.med) {
        char cause[200];

        rc =
            add(&l, &k, &cap, MB_ANOMALY_REPS_TIME, p,
                "Point %zu (%s): repetitions disagree on operation time: median deltas "
                "from %s to %s ns (range %.0f%% of the median).%s",
                p, label, ns_text(pt->ns_per_op.min, t_lo, sizeof(t_lo)),
                ns_text(pt->ns_per_op.max, t_hi, sizeof(t_hi)),
                100 * range / pt->ns_per_op.med,
                cause_text(rd, p, MB_METRIC_NS_PER_OP, cause, sizeof(cause)));
      }
    }
  }
  if (rc) {
    free(l);
    return rc;
  }
  *out = l;
  *n = k;
  return MB_OK;
}

/* --- formatting helpers ----------------------------------------------------- */

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static long days_from_civil(long y, long m, long d)
{
  long era, yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/* Seconds since the epoch of "YYYY-MM-DDTHH:MM:SSZ", or -1. */
static double parse_utc(const char *s)
{
  int y, mo, d, h, mi;
  double sec;

  if (sscanf(s, "%d-%d-%dT%d:%d:%lf", &y, &mo, &d, &h, &mi, &sec) != 6)
    return -1;
  return (double)days_from_civil(y, mo, d) * 86400.0 + h * 3600.0 + mi * 60.0 + sec;
}

/* A number with an SI prefix and 3 significant digits: "725 k", "1.90 M". */
static const char *si(double v, char *buf, size_t n)
{
  static const char *const pre[] = {"", " k", " M", " G", " T"};
  int i = 0;

  if (isnan(v)) {
    snprintf(buf, n, "n/a");
    return buf;
  }
  while (fabs(v) >= 1000 && i < 4) {
    v /= 1000;
    i++;
  }
  snprintf(buf, n, "%.3g%s", v, pre[i]);
  return buf;
}

/* A duration in the unit that suits it: "0.844 s", "287 ms", "35.6 us". */
static const char *dur(double s, char *buf, size_t n)
{
  if (isnan(s))
    snprintf(buf, n, "n/a");
  else if (s >= 1 || s == 0)
    snprintf(buf, n, "%.3g s", s);
  else if (s >= 1e-3)
    snprintf(buf, n, "%.3g ms", s * 1e3);
  else
    snprintf(buf, n, "%.3g us", s * 1e6);
  return buf;
}

static const char *fix2(double v, char *buf, size_t n)
{
  if (isnan(v))
    snprintf(buf, n, "n/a");
  else
    snprintf(buf, n, "%.2f", v);
  return buf;
}

/* "6.34 [6.32, 6.37]" or "6.34" for a single repetition. */
static const char *spread2(const struct mb_spread *s, char *buf, size_t n)
{
  if (isnan(s->med))
    snprintf(buf, n, "n/a");
  else if (s->min == s->max)
    snprintf(buf, n, "%.2f", s->med);
  else
    snprintf(buf, n, "%.2f [%.2f, %.2f]", s->med, s->min, s->max);
  return buf;
}

/* Markdown text in a table cell: | and newlines would break the row. */
static void md_text(FILE *f, const char *s)
{
  for (; *s; s++) {
    if (*s == '|')
      fputs("\\|", f);
    else if (*s == '\n' || *s == '\r')
      fputc(' ', f);
    else
      fputc(*s, f);
  }
}

static void tex_text(FILE *f, const char *s)
{
  for (; *s; s++) {
    switch (*s) {
    case '&':
    case '%':
    case '$':
    case '#':
    case '_':
    case '{':
    case '}':
      fputc('\\', f);
      fputc(*s, f);
      break;
    case '~':
      fputs("\\textasciitilde{}", f);
      break;
    case '^':
      fputs("\\textasciicircum{}", f);
      break;
    case '\\':
      fputs("\\textbackslash{}", f);
      break;
    default:
      fputc(*s, f);
    }
  }
}

static const char *or_unknown(const char *s)
{
  return s && s[0] ? s : "unknown";
}

/* Points ordered for the table of axis a: by the other axes (in axis order),
 * then by a, so each series reads down along the axis. */
static const struct mb_rundir *sort_rd;
static enum mb_axis sort_axis;

static int cmp_points(const void *x, const void *y)
{
  const struct mb_rundir_point *p = &sort_rd->points[*(const size_t *)x];
  const struct mb_rundir_point *q = &sort_rd->points[*(const size_t *)y];
  int b;

  for (b = 0; b <= MB_AXIS_COUNT; b++) {
    enum mb_axis ax = b == MB_AXIS_COUNT ? sort_axis : (enum mb_axis)b;
    uint32_t u, v;

    if (b < MB_AXIS_COUNT && ax == sort_axis)
      continue;
    u = mb_rundir_axis_value(p, ax);
    v = mb_rundir_axis_value(q, ax);
    if (u != v)
      return u < v ? -1 : 1;
  }
  return (p->index > q->index) - (p->index < q->index);
}

static void axis_cell(FILE *f, const struct mb_rundir_point *p, enum mb_axis a)
{
  if (mb_axis_categorical(a))
    fputs(mb_axis_value_name(a, mb_rundir_axis_value(p, a)), f);
  else
    fprintf(f, "%u", mb_rundir_axis_value(p, a));
}

static const char *axis_head(enum mb_axis a)
{
  return a == MB_AXIS_OOL_SIZE ? "ool_size (B)" : mb_axis_name(a);
}

/* --- Markdown --------------------------------------------------------------- */

/* An axis value in words: a mode's or variant's name, else the number. */
static const char *axis_value_text(enum mb_axis a, uint32_t v, char *buf, size_t n)
{
  if (mb_axis_categorical(a))
    snprintf(buf, n, "%s", mb_axis_value_name(a, v));
  else
    snprintf(buf, n, "%u", v);
  return buf;
}

static const char *pct(double share, char *buf, size_t n)
{
  if (isnan(share))
    snprintf(buf, n, "n/a");
  else if (share > 0 && share < 0.005)
    snprintf(buf, n, "<1%%");
  else
    snprintf(buf, n, "%.0f%%", 100 * share);
  return buf;
}

/* A metric's value with the precision that suits it. */
static const char *metric_num(enum mb_metric m, double v, char *buf, size_t n)
{
  if (isnan(v))
    snprintf(buf, n, "n/a");
  else if (m == MB_METRIC_NS_PER_OP && fabs(v) >= 100)
    snprintf(buf, n, "%+.0f", v);
  else if (m == MB_METRIC_NS_PER_OP)
    snprintf(buf, n, "%+.3g", v);
  else
    snprintf(buf, n, "%+.2f", v);
  return buf;
}

static void effect_text(FILE *f, const struct mb_effect *e)
{
  char l[32], r[32], m0[32], m1[32], m2[32];

  fprintf(f, "%s %s vs %s: %s [%s, %s]", mb_axis_name(e->axis),
          axis_value_text(e->axis, e->level, l, sizeof(l)),
          axis_value_text(e->axis, e->reference, r, sizeof(r)),
          metric_num(e->metric, e->iv.mean, m0, sizeof(m0)),
          metric_num(e->metric, e->iv.lo, m1, sizeof(m1)),
          metric_num(e->metric, e->iv.hi, m2, sizeof(m2)));
}

/* The report's opening: what the numbers say, in words. */
static void md_conclusions(FILE *f, const struct mb_rundir *rd,
                           const struct mb_findings *fd)
{
  int m, any_axis = 0, a;
  char u[48], p0[16], p1[16], p2[16], p3[16];

  for (a = 0; a < MB_AXIS_COUNT; a++)
    any_axis |= mb_rundir_swept(rd, (enum mb_axis)a);
  fputs("## Conclusions\n\n", f);
  if (!fd->m[MB_METRIC_H_BYTES].ok && !fd->m[MB_METRIC_NS_PER_OP].ok) {
    fputs("Too few measured calls to separate effects from noise (at least 3 are "
          "needed).\n\n",
          f);
    return;
  }
  if (any_axis) {
    fputs("**Which knobs matter.** Effects are each level against the axis's first "
          "level, measured within rounds (repetitions) and given with 95% intervals; "
          "an effect \"matters\" when its interval excludes 0.\n\n",
          f);
    for (m = 0; m < MB_METRIC_COUNT; m++) {
      size_t i, nclear = 0, nall = 0;

      for (i = 0; i < fd->n_effects; i++)
        if (fd->effects[i].metric == (enum mb_metric)m) {
          nall++;
          nclear += (size_t)mb_effect_clear(&fd->effects[i]);
        }
      if (nall == 0)
        continue;
      fprintf(f, "- `%s` (%s): ", mb_metric_name((enum mb_metric)m),
              mb_metric_unit((enum mb_metric)m, u, sizeof(u), rd->raw_bits));
      if (nclear == 0) {
        fprintf(f,
                "no level differs from its reference by more than its uncertainty "
                "(%zu comparison%s).\n",
                nall, nall == 1 ? "" : "s");
        continue;
      }
      fprintf(f, "%zu of %zu level%s differ%s beyond %s uncertainty, the largest: ",
              nclear, nall, nall == 1 ? "" : "s", nclear == 1 ? "s" : "",
              nclear == 1 ? "its" : "their");
      {
        /* the clear effects, largest first; at most 5 named */
        size_t shown = 0, j;
        char *used = calloc(fd->n_effects, 1);

        while (used && shown < 5 && shown < nclear) {
          const struct mb_effect *best = NULL;
          size_t bi = 0;

          for (j = 0; j < fd->n_effects; j++) {
            const struct mb_effect *e = &fd->effects[j];

            if (used[j] || e->metric != (enum mb_metric)m || !mb_effect_clear(e))
              continue;
            if (!best || fabs(e->iv.mean) > fabs(best->iv.mean)) {
              best = e;
              bi = j;
            }
          }
          if (!best)
            break;
          used[bi] = 1;
          if (shown++ > 0)
            fputs("; ", f);
          effect_text(f, best);
        }
        free(used);
        if (nclear > shown)
          fprintf(f, "; and %zu more (\"Effects of the swept axes\")", nclear - shown);
      }
      fputs(".\n", f);
    }
    fputs("\n", f);
  }
  fputs("**Where the spread between calls comes from** (shares of each metric's "
        "variance between calls; sequential sums of squares in the order axes, "
        "round, conditions):\n\n",
        f);
  for (m = 0; m < MB_METRIC_COUNT; m++) {
    const struct mb_metric_findings *mf = &fd->m[m];

    if (!mf->ok)
      continue;
    fprintf(f, "- `%s`: the swept axes explain %s, the round %s, ",
            mb_metric_name((enum mb_metric)m), pct(mf->share_axes, p0, sizeof(p0)),
            mf->round_left_out ? "nothing (left out: one call per round)"
                               : pct(mf->share_round, p1, sizeof(p1)));
    if (mf->n_cond_terms == 0)
      fputs("no recorded condition varies between calls", f);
    else
      fprintf(f, "the recorded conditions %s", pct(mf->share_cond, p2, sizeof(p2)));
    if (mf->main_cond >= 0 && mf->terms[mf->main_cond].alone_share >= 0.005)
      fprintf(f, " (the most: `%s`, %s on its own after axes and round)",
              mf->terms[mf->main_cond].name,
              pct(mf->terms[mf->main_cond].alone_share, p3, sizeof(p3)));
    fprintf(f, "; %s is unexplained.", pct(mf->residual.share, p0, sizeof(p0)));
    if (m == MB_METRIC_H_BYTES) {
      if (mf->noise_n > 0)
        fprintf(f,
                " The estimator's own sampling noise (from the two halves of each "
                "call's bytes) accounts for about %s of the variance, %s of the "
                "unexplained part: %s",
                pct(mf->noise_share, p1, sizeof(p1)),
                pct(mf->noise_share_resid, p2, sizeof(p2)),
                isnan(mf->noise_share_resid) ? "nothing is left unexplained."
                : mf->noise_share_resid < 0.5
                    ? "most of the unexplained spread is real variation between "
                      "calls (the source, or conditions not recorded), not the "
                      "estimator."
                    : "much of the unexplained spread is the estimator's own noise; "
                      "more samples per call would narrow it.");
      else
        fputs(" The estimator's own noise was not measured (the run predates "
              "`bytes_halves`).",
              f);
    }
    fputs("\n", f);
  }
  fputs("\n", f);
  if (!fd->blocked && fd->m[MB_METRIC_H_BYTES].ok)
    fprintf(f,
            "The order is %s: a round is not a block in time here, so round effects "
            "and drifts are confounded with the points.\n\n",
            rd->order);
}

static void md_variance(FILE *f, const struct mb_rundir *rd,
                        const struct mb_findings *fd)
{
  int m;
  size_t k;
  char s[16], s2[16], u[48];

  fputs("## Where the variance comes from\n\n"
        "Each metric per call, fitted by least squares on the swept axes (one factor "
        "each), the points themselves (\"axes together\": what the axes do jointly "
        "beyond their separate effects), the round (which repetition), then each "
        "recorded condition (linear), in that order. Share: the term's sequential sum "
        "of squares over the total; the shares and the residual add up to 100%. "
        "Alone: a condition entered on its own after the axes and the round, so its "
        "rank does not depend on the order of the conditions. Method: "
        "scripts/README.md, \"Where the variance comes from\".\n\n",
        f);
  for (m = 0; m < MB_METRIC_COUNT; m++) {
    const struct mb_metric_findings *mf = &fd->m[m];

    if (!mf->ok)
      continue;
    fprintf(f,
            "### `%s` (%s), %zu call%s, variance %.4g\n\n| term | df | share | alone "
            "|\n| --- | ---: | ---: | ---: |\n",
            mb_metric_name((enum mb_metric)m),
            mb_metric_unit((enum mb_metric)m, u, sizeof(u), rd->raw_bits), mf->n,
            mb_s(mf->n), mf->total_var);
    for (k = 0; k < mf->n_terms; k++) {
      const struct mb_term_result *t = &mf->terms[k];

      fprintf(f, "| %s%s%s | %zu | %s | %s |\n",
              t->group == MB_TERM_AXIS        ? "axis "
              : t->group == MB_TERM_CONDITION ? "condition "
                                              : "",
              t->name,
              t->group != MB_TERM_ROUND            ? ""
              : strcmp(rd->order, "shuffled") == 0 ? " (time block)"
                                                   : " (repetition)",
              t->seq.df, pct(t->seq.share, s, sizeof(s)),
              t->group == MB_TERM_CONDITION ? pct(t->alone_share, s2, sizeof(s2)) : "");
    }
    fprintf(f, "| residual | %zu | %s | |\n", mf->residual.df,
            pct(mf->residual.share, s, sizeof(s)));
    if (m == MB_METRIC_H_BYTES && mf->noise_n > 0)
      fprintf(f, "| *of which estimator noise (halves)* | | %s | |\n",
              pct(mf->noise_share, s, sizeof(s)));
    fputs("\n", f);
    if (mf->residual.df > 0 && !isnan(mf->residual.share))
      fprintf(f,
              "By chance alone a term takes about its df times %.2g%% of the variance "
              "(the residual share per residual degree of freedom): shares near that "
              "say nothing.\n\n",
              100 * mf->residual.share / (double)mf->residual.df);
    if (mf->round_left_out)
      fputs("The round is left out: every call is a round of its own here (one "
            "point), so it would stand for the calls themselves and leave nothing "
            "to the conditions or the residual.\n\n",
            f);
    if (mf->cond_left_out)
      fprintf(f,
              "%zu condition%s left out, recorded for some calls only (calls that have "
              "it): %s.\n\n",
              mf->cond_left_out, mf->cond_left_out == 1 ? "" : "s", mf->left_out);
    if (m == MB_METRIC_H_BYTES && mf->noise_n > 0)
      fprintf(f,
              "Estimator noise: each call's first and second halves of extracted bytes "
              "are assessed on their own; a whole call's estimate is taken to vary by "
              "sampling alone by mean((h1 - h2)^2) / 4 = %.4g (over %zu call%s), %s of "
              "the variance between calls and %s of the residual variance. It is an "
              "upper bound where the source drifts within a call.\n\n",
              mf->noise_var, mf->noise_n, mb_s(mf->noise_n),
              pct(mf->noise_share, s, sizeof(s)),
              pct(mf->noise_share_resid, s2, sizeof(s2)));
  }
}

static void md_effects(FILE *f, const struct mb_rundir *rd,
                       const struct mb_findings *fd)
{
  size_t i;
  char l[32], r[32], u[48], m0[32], m1[32], m2[32];

  if (fd->n_effects == 0)
    return;
  fputs(
      "## Effects of the swept axes\n\n"
      "Each level against the axis's first level: in every round, the difference "
      "of the metric between the two levels, averaged over the other axes' "
      "settings; then the mean over rounds with a Student t 95% interval on the "
      "per-round differences (rounds - 1 degrees of freedom). Pairing within a "
      "round removes what the round does to both. Intervals are each at 95%, not "
      "corrected for the number of comparisons.\n\n"
      "| metric | axis | level vs reference | rounds | effect [95% interval] | beyond "
      "uncertainty |\n| --- | --- | --- | ---: | ---: | --- |\n",
      f);
  for (i = 0; i < fd->n_effects; i++) {
    const struct mb_effect *e = &fd->effects[i];

    fprintf(f, "| `%s` (%s) | %s | %s vs %s | %zu | %s [%s, %s] | %s |\n",
            mb_metric_name(e->metric),
            mb_metric_unit(e->metric, u, sizeof(u), rd->raw_bits),
            mb_axis_name(e->axis), axis_value_text(e->axis, e->level, l, sizeof(l)),
            axis_value_text(e->axis, e->reference, r, sizeof(r)), e->iv.n,
            metric_num(e->metric, e->iv.mean, m0, sizeof(m0)),
            metric_num(e->metric, e->iv.lo, m1, sizeof(m1)),
            metric_num(e->metric, e->iv.hi, m2, sizeof(m2)),
            isnan(e->iv.lo)      ? "n/a"
            : mb_effect_clear(e) ? "**yes**"
                                 : "no");
  }
  fputs("\n", f);
}

/* "0.12 [0.01, 0.9]": 3 significant digits. */
static const char *spread3(double med, double lo, double hi, char *buf, size_t n)
{
  if (isnan(med))
    snprintf(buf, n, "n/a");
  else if (lo == hi)
    snprintf(buf, n, "%.3g", med);
  else
    snprintf(buf, n, "%.3g [%.3g, %.3g]", med, lo, hi);
  return buf;
}

/* Per point: the waited share and every recorded condition, median over
 * calls [min, max]. */
static void md_conditions(FILE *f, const struct mb_rundir *rd)
{
  size_t nc = mb_findings_n_conditions(rd), k, p, i, m;
  double *v = malloc((rd->n_calls + 1) * sizeof(*v));
  char label[128], x[96];

  if (!v)
    return;
  fputs(
      "### Conditions per point\n\n"
      "The conditions each call ran under (results/README.md, \"conditions\"), median "
      "over the point's calls [min, max]. waited_share: the share of sends that "
      "waited for room in a full queue.\n\n| point |",
      f);
  for (k = 0; k < nc; k++)
    fprintf(f, " %s |", mb_findings_condition_name(rd, k));
  fputs("\n| --- |", f);
  for (k = 0; k < nc; k++)
    fputs(" ---: |", f);
  fputs("\n", f);
  for (p = 0; p < rd->n_points; p++) {
    mb_rundir_point_label(rd, &rd->points[p], 1, label, sizeof(label));
    fprintf(f, "| %zu: %s |", p, label);
    for (k = 0; k < nc; k++) {
      double lo = NAN, hi = NAN, med;

      for (i = 0, m = 0; i < rd->n_calls; i++) {
        double c;

        if (rd->calls[i].point != p)
          continue;
        c = mb_findings_condition(rd, &rd->calls[i], k);
        if (isnan(c))
          continue;
        v[m++] = c;
        lo = isnan(lo) || c < lo ? c : lo;
        hi = isnan(hi) || c > hi ? c : hi;
      }
      med = mb_stats_median_finite(v, m);
      fprintf(f, " %s |", spread3(med, lo, hi, x, sizeof(x)));
    }
    fputs("\n", f);
  }
  fputs("\n", f);
  free(v);
}

static void md_table(FILE *f, const struct mb_rundir *rd, enum mb_axis a, int by_axis)
{
  size_t *order = malloc(rd->n_points * sizeof(*order));
  size_t i;
  int b;
  char x[64];

  if (!order)
    return;
  for (i = 0; i < rd->n_points; i++)
    order[i] = i;
  if (by_axis) {
    sort_rd = rd;
    sort_axis = a;
    qsort(order, rd->n_points, sizeof(*order), cmp_points);
  }
  fputs("|", f);
  if (by_axis)
    fprintf(f, " %s |", axis_head(a));
  for (b = 0; b < MB_AXIS_COUNT; b++)
    if ((!by_axis || b != (int)a) && (mb_rundir_swept(rd, (enum mb_axis)b) || !by_axis))
      fprintf(f, " %s |", axis_head((enum mb_axis)b));
  fprintf(f,
          " H bytes (bits/byte) | H raw (bits/%u-bit symbol) | time/op, ns: median "
          "(p01–p99) | rate (bits/s) | timeouts, failures, aborted | binding "
          "estimator |\n|",
          rd->raw_bits);
  if (by_axis)
    fputs(mb_axis_categorical(a) ? " --- |" : " ---: |", f);
  for (b = 0; b < MB_AXIS_COUNT; b++)
    if ((!by_axis || b != (int)a) && (mb_rundir_swept(rd, (enum mb_axis)b) || !by_axis))
      fputs(mb_axis_categorical((enum mb_axis)b) ? " --- |" : " ---: |", f);
  fputs(" ---: | ---: | ---: | ---: | ---: | --- |\n", f);
  for (i = 0; i < rd->n_points; i++) {
    const struct mb_rundir_point *p = &rd->points[order[i]];
    char t0[32], t1[32], t2[32];

    fputs("|", f);
    if (by_axis) {
      fputs(" ", f);
      axis_cell(f, p, a);
      fputs(" |", f);
    }
    for (b = 0; b < MB_AXIS_COUNT; b++)
      if ((!by_axis || b != (int)a) &&
          (mb_rundir_swept(rd, (enum mb_axis)b) || !by_axis)) {
        fputs(" ", f);
        axis_cell(f, p, (enum mb_axis)b);
        fputs(" |", f);
      }
    fprintf(f, " %s |", spread2(&p->h_bytes, x, sizeof(x)));
    fprintf(f, " %s |", spread2(&p->h_raw, x, sizeof(x)));
    if (isnan(p->ns_per_op.med))
      fputs(" n/a |", f);
    else
      fprintf(f, " %s (%s–%s) |", ns_text(p->ns_per_op.med, t0, sizeof(t0)),
              ns_text(p->ns_p01, t1, sizeof(t1)), ns_text(p->ns_p99, t2, sizeof(t2)));
    fprintf(f, " %s |", si(p->bits_per_s.med, x, sizeof(x)));
    fprintf(f, " %zu, %zu, %zu |", p->timeouts, p->failures, p->aborted);
    if (p->bind_bytes >= 0)
      fprintf(f, " %s (%zu/%zu) |\n", mb_rundir_est_key(p->bind_bytes), p->bind_count,
              p->n_calls);
    else
      fputs(" n/a |\n", f);
  }
  free(order);
}

/* N when `mebench merge` joined the run from N shards (run.json's
 * merged.shards), else 0: its sessions are the shards', not resumptions. */
static long long merged_shards(const struct mb_rundir *rd)
{
  const json_t *m =
      json_object_get(json_object_get((const json_t *)rd->root, "merged"), "shards");

  return json_is_integer(m) ? (long long)json_integer_value(m) : 0;
}

static void md_figure(FILE *f, const char *plots, const struct mb_figure *fig)
{
  fprintf(f, "![%s](%s/%s.png)\n\n", fig->title, plots, fig->name);
}

static int write_markdown(FILE *f, const struct mb_rundir *rd,
                          const struct mb_report_options *opt, struct mb_error *err)
{
  struct mb_anomaly *an = NULL;
  struct mb_figure *figs = NULL;
  struct mb_findings fd;
  size_t nan_ = 0, nfig = 0, i, nswept = 0, shard_k = 0, shard_n = 0;
  double t0 = parse_utc(rd->started), t1 = parse_utc(rd->finished);
  int a, rc;

  rc = mb_findings_compute(rd, &fd, err);
  if (rc)
    return rc;
  if (mb_report_anomalies(rd, &an, &nan_) ||
      mb_plotdata_figures(rd, opt->point, &figs, &nfig)) {
    free(an);
    mb_findings_cleanup(&fd);
    return mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
  }
  for (a = 0; a < MB_AXIS_COUNT; a++)
    nswept += (size_t)mb_rundir_swept(rd, (enum mb_axis)a);

  fprintf(f, "# mebench report: %s\n\n", rd->exp_name[0] ? rd->exp_name : rd->exp_path);
  if (rd->exp_description[0]) {
    md_text(f, rd->exp_description);
    fputs("\n\n", f);
  }
  planned_reps(rd, &shard_k, &shard_n);
  if (shard_n > 0)
    fprintf(f,
            "Results directory `%s`: status **%s**, shard %zu/%zu of the plan "
            "(repetitions r with r mod %zu = %zu; `mebench merge` joins all %zu): "
            "%zu of its %zu calls measured (`run.json`, `summary.csv`, raw timings in "
            "`raw/`).\n\n",
            rd->dir, rd->status, shard_k, shard_n, shard_n, shard_k - 1, shard_n,
            rd->n_calls, rd->n_points * planned_reps(rd, &shard_k, &shard_n));
  else
    fprintf(f,
            "Results directory `%s`: status **%s**, %zu of %zu planned calls measured "
            "(`run.json`, `summary.csv`, raw timings in `raw/`).\n\n",
            rd->dir, rd->status, rd->n_calls, rd->n_points * rd->repetitions);
  md_conclusions(f, rd, &fd);

  fputs("## Machine and provenance\n\n| | |\n| --- | --- |\n", f);
  fputs("| Machine | ", f);
  md_text(f, rd->hostname);
  fputs(": ", f);
  md_text(f, or_unknown(rd->cpu_model));
  fprintf(f, ", %lld cores, ", rd->cores);
  md_text(f, or_unknown(rd->arch));
  fputs(" |\n| System | ", f);
  md_text(f, or_unknown(rd->os));
  fputs(", kernel ", f);
  md_text(f, or_unknown(rd->kernel));
  fputs(" |\n| Clock | ", f);
  md_text(f, rd->clock_name);
  fprintf(
      f, ": 1 tick = %llu/%llu ns (%.4g ns); read cost %.3g ns; resolution %.3g ns |\n",
      (unsigned long long)rd->tick_num, (unsigned long long)rd->tick_den, rd->tick_ns,
      rd->read_cost_ns, rd->resolution_ns);
  fputs("| Collector | ", f);
  md_text(f, rd->source_name);
  if (rd->source_platform[0]) {
    fputs(" (", f);
    md_text(f, rd->source_platform);
    fputs(")", f);
  }
  if (rd->source_description[0]) {
    fputs(": ", f);
    md_text(f, rd->source_description);
  }
  if (rd->source_replay[0]) {
    fputs("; playing back `", f);
    md_text(f, rd->source_replay);
    fputs("`", f);
  }
  fputs(" |\n| mebench | ", f);
  md_text(f, or_unknown(rd->version));
  fputs(", commit ", f);
  md_text(f, or_unknown(rd->git_commit));
  fputs(", ", f);
  md_text(f, or_unknown(rd->compiler));
  if (rd->flags[0]) {
    fputs(", flags `", f);
    md_text(f, rd->flags);
    fputs("`", f);
  }
  fprintf(f, " |\n| Run | %s to %s", rd->started, rd->finished[0] ? rd->finished : "?");
  if (t0 >= 0 && t1 >= t0)
    fprintf(f, " (%.0f s)", t1 - t0);
  if (merged_shards(rd) > 0)
    fprintf(f, ", merged from %lld shards (`mebench merge`; %zu sessions in all)",
            merged_shards(rd), rd->n_sessions);
  else if (rd->n_sessions > 1)
    fprintf(f, ", in %zu sessions (resumed)", rd->n_sessions);
  fputs(" |\n", f);
  if (!isnan(rd->total_s)) {
    char d1[32], d2[32], d3[32], d4[32], d5[32];

    /* The warm-up is part of the total: without it the shares do not add up. */
    fprintf(f, "| Time spent | %s: collecting %s, assessing %s, writing %s",
            dur(rd->total_s, d1, sizeof(d1)), dur(rd->collect_s, d2, sizeof(d2)),
            dur(rd->analyse_s, d3, sizeof(d3)), dur(rd->write_s, d4, sizeof(d4)));
    if (!isnan(rd->warmup_s))
      fprintf(f, ", warm-up %s", dur(rd->warmup_s, d5, sizeof(d5)));
    fputs(" |\n", f);
  }
  fputs("\n", f);

  fputs("## The experiment\n\n| | |\n| --- | --- |\n", f);
  fputs("| File | `", f);
  md_text(f, or_unknown(rd->exp_path));
  fputs("`", f);
  if (rd->exp_sha256[0])
    fprintf(f, ", SHA-256 `%s`", rd->exp_sha256);
  fputs(" |\n| Sweep | ", f);
  for (a = 0; a < MB_AXIS_COUNT; a++) {
    const struct mb_axis_values *v = &rd->axes[a];

    fprintf(f, "%s%s: ", a ? "; " : "", mb_axis_name((enum mb_axis)a));
    for (i = 0; i < v->n; i++) {
      if (mb_axis_categorical((enum mb_axis)a))
        fprintf(f, "%s%s", i ? ", " : "",
                mb_axis_value_name((enum mb_axis)a, v->values[i]));
      else
        fprintf(f, "%s%u", i ? ", " : "", v->values[i]);
    }
  }
  fprintf(f, " (%zu point%s) |\n", rd->n_points, rd->n_points == 1 ? "" : "s");
  fprintf(f, "| Per call | %zu extracted bytes from %zu timed operations |\n",
          rd->samples, (size_t)MB_RAW_COUNT(rd->samples));
  /* A seed only means something for a shuffled order (run.json records 0
   * for the others). */
  fprintf(f, "| Repetitions | %zu per point, %zu warm-up call%s, order %s",
          rd->repetitions, rd->warmup, rd->warmup == 1 ? "" : "s", rd->order);
  if (strcmp(rd->order, "shuffled") == 0)
    fprintf(f, ", seed %llu", rd->seed);
  fputs(" |\n", f);
  fprintf(
      f,
      "| Assessment | NIST SP 800-90B non-IID estimators (%s) on the extracted bytes "
      "(8-bit symbols) and on the raw deltas' low %u bits; bitstring assessment %s "
      "|\n\n",
      rd->estimators, rd->raw_bits, rd->bitstring ? "on" : "off");

  fputs(
      "## Results\n\n"
      "Each figure is the median over a point's repetitions, with [min, max] when they "
      "differ. H: assessed min-entropy (SP 800-90B, the lowest estimator). time/op: "
      "the "
      "median raw delta of a call, with the 1st and 99th percentiles. Rate: assessed "
      "bits "
      "per byte times extracted bytes per second. Binding estimator: the estimator "
      "that gave a call's minimum in the most calls, and in how many (a tie goes to "
      "the lower median estimate). `summary.csv` holds the same figures for other "
      "tools.\n\n",
      f);
  if (strcmp(rd->source_name, "replay") == 0)
    fputs(
        "The collector is `replay`: its wall times, and so the throughputs and rates, "
        "measure the playback of recorded timings, not the source.\n\n",
        f);
  if (nswept == 0) {
    md_table(f, rd, MB_AXIS_NUM_PORTS, 0);
    fputs("\n", f);
  }
  for (a = 0; a < MB_AXIS_COUNT; a++) {
    if (!mb_rundir_swept(rd, (enum mb_axis)a))
      continue;
    fprintf(f, "### By %s\n\n", mb_axis_name((enum mb_axis)a));
    md_table(f, rd, (enum mb_axis)a, 1);
    fputs("\n", f);
  }
  md_conditions(f, rd);
  md_variance(f, rd, &fd);
  md_effects(f, rd, &fd);

  if (opt->plots_drawn)
    fprintf(f,
            "## Figures\n\nDrawn by `scripts/plot` (PNG and SVG side by side; the "
            "tables gnuplot drew from are in `%s/data/`).\n\n",
            opt->plots);
  else
    fprintf(f,
            "## Figures\n\nNot drawn yet: `scripts/plot %s%s%.0zu` draws them (PNG "
            "and SVG) where these links point.\n\n",
            rd->dir, opt->point ? " --point " : "", opt->point); /* %.0zu: "" for 0 */
  for (i = 0; i < nfig; i++) {
    if (strcmp(figs[i].script, "hist.gp") == 0 && rd->n_points > 4)
      continue;
    md_figure(f, opt->plots, &figs[i]);
  }
  if (rd->n_points > 4) {
    fputs("Histograms of raw deltas:", f);
    for (i = 0; i < nfig; i++)
      if (strcmp(figs[i].script, "hist.gp") == 0)
        fprintf(f, " [point %s](%s/%s.png)", figs[i].name + 6, opt->plots,
                figs[i].name);
    fputs("\n\n", f);
  }

  mb_report_health_md(f, rd);
  fputs("## Anomalies\n\n", f);
  if (nan_ == 0)
    fputs("None found.\n\n", f);
  for (i = 0; i < nan_; i++)
    fprintf(f, "- %s\n", an[i].text);
  if (nan_)
    fputs("\n", f);
  fprintf(
      f,
      "Rules checked (see scripts/README.md, \"Anomaly rules\"): run not complete; "
      "raw files missing or damaged; "
      "points with fewer calls than planned; timeouts; system-error failures; "
      "fallback to the simple path; timer step coarse (deltas' median absolute "
      "deviation at most %.0f timer step); estimators disagreeing (lowest under %.0f%% "
      "of highest); repetitions disagreeing on min-entropy (range over %.1f bits/byte "
      "and %.0f%% of the median) or on operation time (range over %.0f%% of the "
      "median); health tests firing far more often than alpha predicts.\n",
      MB_REPORT_TICK_STEPS, MB_REPORT_EST_RATIO * 100, MB_REPORT_REP_H_ABS,
      MB_REPORT_REP_H_REL * 100, MB_REPORT_REP_TIME_REL * 100);
  free(an);
  free(figs);
  mb_findings_cleanup(&fd);
  return MB_OK;
}

/* --- LaTeX ------------------------------------------------------------------ */

static void tex_spread(FILE *f, const struct mb_spread *s)
{
  if (isnan(s->med))
    fputs("--", f);
  else if (s->min == s->max)
    fprintf(f, "%.2f", s->med);
  else
    fprintf(f, "%.2f [%.2f, %.2f]", s->med, s->min, s->max);
}

static int write_latex(FILE *f, const struct mb_rundir *rd)
{
  static const char *const prefix[] = {"", "k", "M", "G"};
  double maxrate = 0, scale = 1;
  size_t i;
  int a, nswept = 0, lvl = 0;
  char date[16], fx[64];

  for (a = 0; a < MB_AXIS_COUNT; a++)
    nswept += mb_rundir_swept(rd, (enum mb_axis)a);
  for (i = 0; i < rd->n_points; i++)
    if (rd->points[i].bits_per_s.med > maxrate)
      maxrate = rd->points[i].bits_per_s.med;
  while (maxrate / scale >= 1000 && lvl < 3) {
    scale *= 1000;
    lvl++;
  }
  snprintf(date, sizeof(date), "%.10s", rd->started);
  fputs("% mebench report: ", f);
  fputs(rd->exp_name[0] ? rd->exp_name : rd->exp_path, f);
  fprintf(f, ", %s, %s.\n%% Needs \\usepackage{booktabs}.\n", rd->hostname, date);
  fputs(
      "\\begin{table}[htbp]\n  \\centering\n  \\caption{Min-entropy (NIST SP 800-90B) "
      "and entropy rate of the ",
      f);
  tex_text(f, rd->source_name);
  fputs(" collector on ", f);
  tex_text(f, rd->hostname);
  if (rd->cpu_model[0]) {
    fputs(" (", f);
    tex_text(f, rd->cpu_model);
    fputs(")", f);
  }
  fprintf(f,
          ", %s. Median over %zu repetition%s of %zu extracted bytes each, [min, max] "
          "where they differ; time per operation: median raw delta (1st--99th "
          "percentile).",
          date, rd->repetitions, mb_s(rd->repetitions), rd->samples);
  for (a = 0; a < MB_AXIS_COUNT; a++) {
    if (mb_rundir_swept(rd, (enum mb_axis)a) || nswept == 0)
      continue;
    fputs(" Fixed: ", f);
    tex_text(f, mb_axis_name((enum mb_axis)a));
    fputs(" = ", f);
    if (mb_axis_categorical((enum mb_axis)a))
      tex_text(f, mb_axis_value_name((enum mb_axis)a, rd->axes[a].values[0]));
    else
      fprintf(f, "%u%s", rd->axes[a].values[0], a == MB_AXIS_OOL_SIZE ? "~B" : "");
    fputs(".", f);
  }
  fputs("}\n  \\label{tab:mebench-", f);
  for (const char *s = rd->exp_name[0] ? rd->exp_name : "run"; *s; s++)
    fputc(*s == '_' ? '-' : *s, f);
  fputs("}\n  \\begin{tabular}{", f);
  for (a = 0; a < MB_AXIS_COUNT; a++)
    if (mb_rundir_swept(rd, (enum mb_axis)a) || nswept == 0)
      fputs(mb_axis_categorical((enum mb_axis)a) ? "l" : "r", f);
  fputs("rrrr}\n    \\toprule\n    ", f);
  for (a = 0; a < MB_AXIS_COUNT; a++)
    if (mb_rundir_swept(rd, (enum mb_axis)a) || nswept == 0)
      fprintf(f, "%s & ",
              a == MB_AXIS_NUM_PORTS  ? "\\texttt{num\\_ports}"
              : a == MB_AXIS_OOL_SIZE ? "\\texttt{ool\\_size} (B)"
                                      : mb_axis_name((enum mb_axis)a));
  fprintf(f,
          "$H_{\\mathrm{bytes}}$ (bits/byte) & $H_{\\mathrm{raw}}$ (bits/%u-bit "
          "symbol) & time/op (ns) & rate (%sbit/s) \\\\\n    \\midrule\n",
          rd->raw_bits, prefix[lvl]);
  for (i = 0; i < rd->n_points; i++) {
    const struct mb_rundir_point *p = &rd->points[i];
    char t0[32], t1[32], t2[32];

    fputs("    ", f);
    for (a = 0; a < MB_AXIS_COUNT; a++)
      if (mb_rundir_swept(rd, (enum mb_axis)a) || nswept == 0) {
        axis_cell(f, p, (enum mb_axis)a);
        fputs(" & ", f);
      }
    tex_spread(f, &p->h_bytes);
    fputs(" & ", f);
    tex_spread(f, &p->h_raw);
    if (isnan(p->ns_per_op.med))
      fputs(" & --", f);
    else
      fprintf(f, " & %s (%s--%s)", ns_text(p->ns_per_op.med, t0, sizeof(t0)),
              ns_text(p->ns_p01, t1, sizeof(t1)), ns_text(p->ns_p99, t2, sizeof(t2)));
    fprintf(f, " & %s \\\\\n",
            isnan(p->bits_per_s.med) ? "--"
                                     : fix2(p->bits_per_s.med / scale, fx, sizeof(fx)));
  }
  fputs("    \\bottomrule\n  \\end{tabular}\n\\end{table}\n", f);
  return MB_OK;
}

/* --- JSON ------------------------------------------------------------------- */

static json_t *jnum(double v)
{
  return isfinite(v) ? json_real(v) : json_null();
}

static json_t *jspread(const struct mb_spread *s)
{
  return json_pack("{s:o,s:o,s:o}", "median", jnum(s->med), "min", jnum(s->min), "max",
                   jnum(s->max));
}

static json_t *jaxis_value(enum mb_axis a, uint32_t v)
{
  return mb_axis_categorical(a) ? json_string(mb_axis_value_name(a, v))
                                : json_integer((json_int_t)v);
}

static int write_json(FILE *f, const struct mb_rundir *rd, struct mb_error *err)
{
  struct mb_findings fd;
  struct mb_anomaly *an = NULL;
  size_t nan_ = 0, i, k, p;
  json_t *root, *metrics, *effects, *points, *anoms;
  char *text;
  int m, a, rc = mb_findings_compute(rd, &fd, err);

  if (rc)
    return rc;
  if (mb_report_anomalies(rd, &an, &nan_)) {
    mb_findings_cleanup(&fd);
    return mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
  }
  root = json_object();
  metrics = json_array();
  effects = json_array();
  points = json_array();
  anoms = json_array();
  json_object_set_new(root, "schema", json_string("mebench-report/1"));
  json_object_set_new(root, "dir", json_string(rd->dir));
  json_object_set_new(root, "status", json_string(rd->status));
  json_object_set_new(root, "order", json_string(rd->order));
  json_object_set_new(root, "calls", json_integer((json_int_t)rd->n_calls));
  json_object_set_new(root, "rounds_are_blocks", json_boolean(fd.blocked));
  for (m = 0; m < MB_METRIC_COUNT; m++) {
    const struct mb_metric_findings *mf = &fd.m[m];
    json_t *o, *terms;

    if (!mf->ok)
      continue;
    terms = json_array();
    for (k = 0; k < mf->n_terms; k++) {
      const struct mb_term_result *t = &mf->terms[k];
      static const char *const group[] = {"axis", "axes_together", "round",
                                          "condition"};

      json_array_append_new(
          terms,
          json_pack("{s:s,s:s,s:I,s:o,s:o,s:o}", "term", t->name, "kind",
                    group[t->group], "df", (json_int_t)t->seq.df, "ss", jnum(t->seq.ss),
                    "share", jnum(t->seq.share), "alone_share", jnum(t->alone_share)));
    }
    o = json_pack("{s:s,s:I,s:o,s:o,s:o,s:o,s:o,s:{s:I,s:o,s:o}}", "metric",
                  mb_metric_name((enum mb_metric)m), "n", (json_int_t)mf->n, "variance",
                  jnum(mf->total_var), "terms", terms, "share_axes",
                  jnum(mf->share_axes), "share_round",
                  mf->round_left_out ? json_null() : jnum(mf->share_round),
                  "share_conditions", jnum(mf->share_cond), "residual", "df",
                  (json_int_t)mf->residual.df, "ss", jnum(mf->residual.ss), "share",
                  jnum(mf->residual.share));
    if (o && m == MB_METRIC_H_BYTES)
      json_object_set_new(
          o, "estimator_noise",
          mf->noise_n ? json_pack("{s:s,s:I,s:o,s:o,s:o}", "method", "halves", "calls",
                                  (json_int_t)mf->noise_n, "variance",
                                  jnum(mf->noise_var), "share", jnum(mf->noise_share),
                                  "share_of_residual", jnum(mf->noise_share_resid))
                      : json_null());
    if (o && mf->main_cond >= 0)
      json_object_set_new(o, "main_condition",
                          json_string(mf->terms[mf->main_cond].name));
    json_array_append_new(metrics, o);
  }
  for (i = 0; i < fd.n_effects; i++) {
    const struct mb_effect *e = &fd.effects[i];

    json_array_append_new(
        effects, json_pack("{s:s,s:s,s:o,s:o,s:I,s:o,s:o,s:o,s:o,s:f,s:b}", "metric",
                           mb_metric_name(e->metric), "axis", mb_axis_name(e->axis),
                           "level", jaxis_value(e->axis, e->level), "reference",
                           jaxis_value(e->axis, e->reference), "rounds",
                           (json_int_t)e->iv.n, "effect", jnum(e->iv.mean), "sd",
                           jnum(e->iv.sd), "lo", jnum(e->iv.lo), "hi", jnum(e->iv.hi),
                           "confidence", e->iv.conf, "clear", mb_effect_clear(e)));
  }
  for (p = 0; p < rd->n_points; p++) {
    const struct mb_rundir_point *pt = &rd->points[p];
    json_t *o = json_object(), *ax = json_object(), *cond = json_object();
    size_t nc = mb_findings_n_conditions(rd);
    double *v = malloc((rd->n_calls + 1) * sizeof(*v));

    for (a = 0; a < MB_AXIS_COUNT; a++)
      json_object_set_new(
          ax, mb_axis_name((enum mb_axis)a),
          jaxis_value((enum mb_axis)a, mb_rundir_axis_value(pt, (enum mb_axis)a)));
    json_object_set_new(o, "index", json_integer((json_int_t)p));
    json_object_set_new(o, "axes", ax);
    json_object_set_new(o, "calls", json_integer((json_int_t)pt->n_calls));
    json_object_set_new(o, "h_bytes", jspread(&pt->h_bytes));
    json_object_set_new(o, "h_raw", jspread(&pt->h_raw));
    json_object_set_new(o, "ns_per_op", jspread(&pt->ns_per_op));
    json_object_set_new(o, "binding",
                        pt->bind_bytes >= 0
                            ? json_pack("{s:s,s:I}", "estimator",
                                        mb_rundir_est_key(pt->bind_bytes), "calls",
                                        (json_int_t)pt->bind_count)
                            : json_null());
    json_object_set_new(o, "health", health_json(pt));
    for (k = 0; k < nc && v; k++) {
      struct mb_spread sp;
      size_t mm = 0;

      for (i = 0; i < rd->n_calls; i++)
        if (rd->calls[i].point == p)
          v[mm++] = mb_findings_condition(rd, &rd->calls[i], k);
      sp.min = sp.max = NAN;
      for (i = 0; i < mm; i++)
        if (!isnan(v[i])) {
          sp.min = isnan(sp.min) || v[i] < sp.min ? v[i] : sp.min;
          sp.max = isnan(sp.max) || v[i] > sp.max ? v[i] : sp.max;
        }
      sp.med = mb_stats_median_finite(v, mm);
      json_object_set_new(cond, mb_findings_condition_name(rd, k), jspread(&sp));
    }
    free(v);
    json_object_set_new(o, "conditions", cond);
    json_array_append_new(points, o);
  }
  for (i = 0; i < nan_; i++)
    json_array_append_new(anoms,
                          json_pack("{s:i,s:o,s:s}", "kind", (int)an[i].kind, "point",
                                    an[i].point == SIZE_MAX
                                        ? json_null()
                                        : json_integer((json_int_t)an[i].point),
                                    "text", an[i].text));
  {
    /* the opening of the Markdown report, for scripts that quote it */
    char *md = NULL;
    size_t mdlen = 0;
    FILE *mf = open_memstream(&md, &mdlen);

    if (mf) {
      md_conclusions(mf, rd, &fd);
      fclose(mf);
    }
    json_object_set_new(root, "conclusions", md ? json_string(md) : json_null());
    free(md);
  }
  json_object_set_new(root, "decomposition", metrics);
  json_object_set_new(root, "effects", effects);
  json_object_set_new(root, "points", points);
  json_object_set_new(root, "anomalies", anoms);
  text =
      json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
  json_decref(root);
  free(an);
  mb_findings_cleanup(&fd);
  if (!text)
    return mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
  fputs(text, f);
  fputc('\n', f);
  free(text);
  return MB_OK;
}

int mb_report_write(FILE *out, const char *out_name, const struct mb_rundir *rd,
                    const struct mb_report_options *opt, struct mb_error *err)
{
  int rc;

  errno = 0;
  if (opt->format == MB_REPORT_LATEX)
    rc = write_latex(out, rd);
  else if (opt->format == MB_REPORT_JSON)
    rc = write_json(out, rd, err);
  else
    rc = write_markdown(out, rd, opt, err);
  if (rc)
    return rc;
  if (fflush(out) != 0 || ferror(out))
    return mb_error_errno(err, errno ? errno : EIO, out_name,
                          "cannot write the report");
  return MB_OK;
}
