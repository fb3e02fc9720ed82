/* report.c: the Markdown report and LaTeX table of a results directory. */
#include "report.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

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
    if (pt->n_calls < reps)
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
          "of %zu calls.",
          p, label, pt->failures, pt->failures == 1 ? "" : "s", pt->failure_calls,
          pt->n_calls);
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

      if (range > MB_REPORT_REP_H_ABS && range > MB_REPORT_REP_H_REL * pt->h_bytes.med)
        rc = add(&l, &k, &cap, MB_ANOMALY_REPS_ENTROPY, p,
                 "Point %zu (%s): repetitions disagree on min-entropy: %.2f to %.2f "
                 "bits/byte (range %.2f, median %.2f).",
                 p, label, pt->h_bytes.min, pt->h_bytes.max, range, pt->h_bytes.med);
    }
    if (!rc && pt->n_calls >= 2 && pt->ns_per_op.med > 0) {
      double range = pt->ns_per_op.max - pt->ns_per_op.min;

      char t_lo[32], t_hi[32];

      if (range > MB_REPORT_REP_TIME_REL * pt->ns_per_op.med)
        rc =
            add(&l, &k, &cap, MB_ANOMALY_REPS_TIME, p,
                "Point %zu (%s): repetitions disagree on operation time: median deltas "
                "from %s to %s ns (range %.0f%% of the median).",
                p, label, ns_text(pt->ns_per_op.min, t_lo, sizeof(t_lo)),
                ns_text(pt->ns_per_op.max, t_hi, sizeof(t_hi)),
                100 * range / pt->ns_per_op.med);
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
          "(p01–p99) | rate (bits/s) | timeouts | binding estimator |\n|",
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
    fprintf(f, " %zu |", p->timeouts);
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
  size_t nan_ = 0, nfig = 0, i, nswept = 0, shard_k = 0, shard_n = 0;
  double t0 = parse_utc(rd->started), t1 = parse_utc(rd->finished);
  int a;

  if (mb_report_anomalies(rd, &an, &nan_) ||
      mb_plotdata_figures(rd, opt->point, &figs, &nfig)) {
    free(an);
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
      "with "
      "the lowest median estimate, and in how many calls it was the lowest. "
      "`summary.csv` "
      "holds the same figures for other tools.\n\n",
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

  if (opt->plots_drawn)
    fprintf(f,
            "## Figures\n\nDrawn by `scripts/plot` (PNG and SVG side by side; the "
            "tables gnuplot drew from are in `%s/data/`).\n\n",
            opt->plots);
  else
    fprintf(f,
            "## Figures\n\nNot drawn yet: `scripts/plot %s` draws them (PNG and SVG) "
            "where these links point.\n\n",
            rd->dir);
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
      "points with fewer calls than planned; timeouts; system-error failures; "
      "fallback to the simple path; timer step coarse (deltas' median absolute "
      "deviation at most %.0f timer step); estimators disagreeing (lowest under %.0f%% "
      "of highest); repetitions disagreeing on min-entropy (range over %.1f bits/byte "
      "and %.0f%% of the median) or on operation time (range over %.0f%% of the "
      "median).\n",
      MB_REPORT_TICK_STEPS, MB_REPORT_EST_RATIO * 100, MB_REPORT_REP_H_ABS,
      MB_REPORT_REP_H_REL * 100, MB_REPORT_REP_TIME_REL * 100);
  free(an);
  free(figs);
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
          ", %s. Median over %zu repetitions of %zu extracted bytes each, [min, max] "
          "where they differ; time per operation: median raw delta (1st--99th "
          "percentile).",
          date, rd->repetitions, rd->samples);
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

int mb_report_write(FILE *out, const char *out_name, const struct mb_rundir *rd,
                    const struct mb_report_options *opt, struct mb_error *err)
{
  int rc;

  errno = 0;
  if (opt->format == MB_REPORT_LATEX)
    rc = write_latex(out, rd);
  else
    rc = write_markdown(out, rd, opt, err);
  if (rc)
    return rc;
  if (fflush(out) != 0 || ferror(out))
    return mb_error_errno(err, errno ? errno : EIO, out_name,
                          "cannot write the report");
  return MB_OK;
}
