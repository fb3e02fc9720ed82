/* compare_noise.c: how noisy is this machine for `mebench compare`, and
 * what size of drop can the gate catch?
 *
 * Given N results directories of the same experiment (e.g. ci_smoke run N
 * times), print per point the spread of the per-run median assessed
 * entropies, then compare every ordered pair of runs (N (N - 1) pairs, each
 * run once as baseline and once as current) at a grid of thresholds and
 * count the pairs the gate would fail: those are false alarms, since
 * nothing changed between the runs.
 *
 * The gate itself compares one run with a baseline pooled from several, so
 * its power is measured that way (results/baselines/README.md, "The gate's
 * power"): runs with "inject_constant" = F > 0 (a known entropy drop, made
 * by scripts/ci-noise --power) are the A/B rounds, the others the A/A
 * rounds. A/A: each plain run against a baseline pooled from all the other
 * plain runs (leave one out): a failure is a false alarm. A/B: each
 * injected run against the baseline pooled from all plain runs: a failure
 * is a detection. Printed per tolerance (max_drop): false alarms and the
 * detection rate per F, with the drop in h each F caused; then the
 * tolerance that keeps false alarms at or under 1 % (empirically, and by a
 * normal model of the leave-one-out changes for the tail that N runs
 * cannot show) and the smallest drop detected in at least 90 % of rounds.
 *
 * Usage: compare_noise [--alpha A] [--floor BITS] RUN_DIR RUN_DIR [RUN_DIR...]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"

#define MAX_RUNS 256

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
  qsort(v, n, sizeof(*v), cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

/* ---- the gate's power --------------------------------------------------- */

#define N_TOL 21 /* tolerances 0, 0.025, ..., 0.5 */
#define MAX_F 16

/* A baseline pooled from runs[k] for the k with use[k], as `mebench
 * baseline` makes it; 0 on success. */
static int pool(struct mb_compare_run *runs, size_t n, const int *use,
                struct mb_compare_run *out)
{
  const struct mb_compare_run *list[MAX_RUNS];
  struct mb_error err;
  size_t k, m = 0;
  json_t *doc;

  for (k = 0; k < n; k++)
    if (use[k])
      list[m++] = &runs[k];
  mb_error_init(&err);
  doc = mb_compare_make_baseline(list, m, "pooled", "2026-01-01T00:00:00Z", &err);
  if (!doc) {
    fprintf(stderr, "compare_noise: cannot pool: %s\n", err.text);
    return 1;
  }
  mb_error_init(&err);
  if (mb_compare_run_from_json(doc, "pooled", out, &err) != MB_OK) {
    fprintf(stderr, "compare_noise: %s\n", err.text);
    return 1;
  }
  return 0;
}

/* What fails: the whole gate (any point, any gated metric, or the floor),
 * or the h_bytes test or the h_raw test alone (a point whose metric dropped
 * by more than the tolerance, significantly). */
enum { BY_GATE, BY_BYTES, BY_RAW, N_BY };

/* Compare cur with base at every tolerance: fails[by][t] += 1 where it
 * fails. The mean over points of the h_bytes and h_raw changes go to
 * change[] (the drop an injection caused), the worst (lowest) per-point
 * change of each to worst[]. */
static int judge(const struct mb_compare_run *base, const struct mb_compare_run *cur,
                 double alpha, double floor_bits, size_t fails[N_BY][N_TOL],
                 double change[2], double worst[2])
{
  size_t t, r;
  int k;

  for (t = 0; t < N_TOL; t++) {
    struct mb_compare_options opts;
    struct mb_compare_report rep;
    struct mb_error err;
    int hit[2] = {0, 0};

    mb_compare_options_init(&opts);
    opts.alpha = alpha;
    opts.max_drop = 0.025 * (double)t;
    opts.min_entropy = floor_bits;
    mb_error_init(&err);
    if (mb_compare_runs(base, cur, &opts, &rep, &err) != MB_OK) {
      fprintf(stderr, "compare_noise: %s\n", err.text);
      mb_compare_report_cleanup(&rep);
      return 1;
    }
    fails[BY_GATE][t] += mb_compare_status(&rep) == MB_EREGRESSION;
    for (r = 0; r < rep.n_rows; r++) {
      hit[0] |= rep.rows[r].stat[MB_CMP_H_BYTES].regressed;
      hit[1] |= rep.rows[r].stat[MB_CMP_H_RAW].regressed;
    }
    fails[BY_BYTES][t] += (size_t)hit[0];
    fails[BY_RAW][t] += (size_t)hit[1];
    for (k = 0; t == 0 && k < 2; k++) {
      size_t used = 0;

      change[k] = 0;
      worst[k] = NAN;
      for (r = 0; r < rep.n_rows; r++) {
        double c = rep.rows[r].stat[k == 0 ? MB_CMP_H_BYTES : MB_CMP_H_RAW].change;

        if (!rep.rows[r].in_base || !rep.rows[r].in_cur || !isfinite(c))
          continue;
        change[k] += c;
        used++;
        if (isnan(worst[k]) || c < worst[k])
          worst[k] = c;
      }
      change[k] = used ? change[k] / (double)used : NAN;
    }
    mb_compare_report_cleanup(&rep);
  }
  return 0;
}

static double mean_of(const double *v, size_t n)
{
  double s = 0;
  size_t i;

  for (i = 0; i < n; i++)
    s += v[i];
  return n ? s / (double)n : NAN;
}

static double sd_of(const double *v, size_t n)
{
  double mu = mean_of(v, n), s = 0;
  size_t i;

  for (i = 0; i < n; i++)
    s += (v[i] - mu) * (v[i] - mu);
  return n > 1 ? sqrt(s / (double)(n - 1)) : NAN;
}

/* The smallest drop of one metric that its test alone catches in >= 90 %
 * of the injected runs at tolerance t: linear between the last level below
 * 90 % and the first at or above it (levels in ascending drop). NAN when
 * none reaches 90 %. */
static double smallest_drop(size_t n_fs, const size_t *order, const double *drop,
                            size_t fails[][N_BY][N_TOL], int by, size_t t,
                            const size_t *n_f)
{
  double prev_drop = 0, prev_pow = 0;
  size_t a;

  for (a = 0; a < n_fs; a++) {
    size_t f = order[a];
    double pw = n_f[f] ? (double)fails[f][by][t] / (double)n_f[f] : 0;

    if (pw >= 0.9) {
      if (a > 0 && pw > prev_pow && drop[f] > prev_drop)
        return prev_drop + (0.9 - prev_pow) / (pw - prev_pow) * (drop[f] - prev_drop);
      return drop[f];
    }
    prev_drop = drop[f];
    prev_pow = pw;
  }
  return NAN;
}

static int power(struct mb_compare_run *runs, size_t n, double alpha, double floor_bits)
{
  static int use[MAX_RUNS];
  static double aa_worst[2][MAX_RUNS], ch[2][MAX_RUNS];
  static size_t ab_fail[MAX_F][N_BY][N_TOL];
  double fs[MAX_F], drop[2][MAX_F];
  size_t aa_fail[N_BY][N_TOL], n_f[MAX_F] = {0}, order[MAX_F];
  size_t n_a = 0, n_fs = 0, i, t, f, w = 0, t_star;
  struct mb_compare_run all_a;
  double d_model = 0, sd_worst[2];
  int k, by;

  memset(aa_fail, 0, sizeof(aa_fail));
  memset(ab_fail, 0, sizeof(ab_fail));
  for (i = 0; i < n; i++) {
    if (!(runs[i].inject_constant > 0)) {
      n_a++;
      continue;
    }
    for (f = 0; f < n_fs && fs[f] != runs[i].inject_constant; f++)
      ;
    if (f == n_fs) {
      if (n_fs == MAX_F) {
        fprintf(stderr, "compare_noise: at most %d injected fractions\n", MAX_F);
        return 2;
      }
      fs[n_fs++] = runs[i].inject_constant;
    }
  }
  if (n_a < 3) {
    fprintf(stderr,
            "compare_noise: the power needs at least 3 runs without injection\n");
    return 2;
  }
  printf("%zu plain runs (A/A) and %zu injected runs (A/B) of %s (%s), alpha %g", n_a,
         n - n_a, runs[0].experiment, runs[0].source, alpha);
  if (floor_bits >= 0)
    printf(", floor %.2f bits/byte", floor_bits);
  printf("\n");

  /* A/A, leave one out: the gate as CI runs it, against a pooled baseline. */
  for (i = 0; i < n; i++) {
    struct mb_compare_run base;
    double change[2], worst[2];
    size_t j;

    if (runs[i].inject_constant > 0)
      continue;
    for (j = 0; j < n; j++)
      use[j] = j != i && !(runs[j].inject_constant > 0);
    memset(&base, 0, sizeof(base));
    if (pool(runs, n, use, &base) ||
        judge(&base, &runs[i], alpha, floor_bits, aa_fail, change, worst)) {
      mb_compare_run_cleanup(&base);
      return 1;
    }
    mb_compare_run_cleanup(&base);
    aa_worst[0][w] = worst[0];
    aa_worst[1][w] = worst[1];
    w++;
  }
  /* A/B: every injected run against all plain runs pooled. */
  for (i = 0; i < n; i++)
    use[i] = !(runs[i].inject_constant > 0);
  memset(&all_a, 0, sizeof(all_a));
  if (pool(runs, n, use, &all_a))
    return 1;
  for (f = 0; f < n_fs; f++) {
    for (i = 0; i < n; i++) {
      double change[2], worst[2];

      if (runs[i].inject_constant != fs[f])
        continue;
      if (judge(&all_a, &runs[i], alpha, floor_bits, ab_fail[f], change, worst)) {
        mb_compare_run_cleanup(&all_a);
        return 1;
      }
      ch[0][n_f[f]] = change[0];
      ch[1][n_f[f]] = change[1];
      n_f[f]++;
    }
    for (k = 0; k < 2; k++) {
      double tmp[MAX_RUNS];

      memcpy(tmp, ch[k], n_f[f] * sizeof(double));
      drop[k][f] = -median(tmp, n_f[f]);
    }
  }
  mb_compare_run_cleanup(&all_a);
  for (f = 0; f < n_fs; f++)
    order[f] = f;
  for (i = 0; i < n_fs; i++) /* by F, ascending */
    for (t = i + 1; t < n_fs; t++)
      if (fs[order[t]] < fs[order[i]]) {
        size_t tmp = order[i];

        order[i] = order[t];
        order[t] = tmp;
      }

  /* The noise: each plain run's worst point against the others pooled. A
   * normal model of it gives the tolerance that a 1 % false-alarm rate needs
   * (one-sided, z = 2.326 for each metric), beyond what N runs can show. */
  for (k = 0; k < 2; k++) {
    double mu = mean_of(aa_worst[k], n_a);

    sd_worst[k] = sd_of(aa_worst[k], n_a);
    if (-(mu - 2.326 * sd_worst[k]) > d_model)
      d_model = -(mu - 2.326 * sd_worst[k]);
  }
  printf("\nA/A: each plain run against the other %zu pooled, its worst point's change:"
         "\n  h_bytes mean %+.2f%% sd %.2f%%, h_raw mean %+.2f%% sd %.2f%%; normal "
         "model: a tolerance of %.1f%% keeps false alarms at 1%%\n",
         n_a - 1, 100 * mean_of(aa_worst[0], n_a), 100 * sd_worst[0],
         100 * mean_of(aa_worst[1], n_a), 100 * sd_worst[1], 100 * d_model);
  printf("\nA/B: F = share of timings replaced by a constant; drop = median over its "
         "runs of the mean change over points against the plain runs pooled\n");
  printf("%8s %6s %13s %13s\n", "F", "runs", "h_bytes drop", "h_raw drop");
  for (i = 0; i < n_fs; i++) {
    f = order[i];
    printf("%8.3f %6zu %12.1f%% %12.1f%%\n", fs[f], n_f[f], 100 * drop[0][f],
           100 * drop[1][f]);
  }
  for (by = 0; by < N_BY; by++) {
    printf("\n%s: runs failing per tolerance (A/A = false alarms; A/B = detections)\n",
           by == BY_GATE    ? "the whole gate (any point or metric, or the floor)"
           : by == BY_BYTES ? "the h_bytes test alone"
                            : "the h_raw test alone");
    printf("%9s %9s", "max_drop", "A/A");
    for (i = 0; i < n_fs; i++)
      printf("  F=%-7.3f", fs[order[i]]);
    printf("\n");
    for (t = 0; t < N_TOL; t++) {
      printf("%8.1f%% %4zu/%-4zu", 2.5 * (double)t, aa_fail[by][t], n_a);
      for (i = 0; i < n_fs; i++)
        printf("  %4zu/%-4zu", ab_fail[order[i]][by][t], n_f[order[i]]);
      printf("\n");
    }
  }
  /* The gate's tolerance: the smallest in the grid with at most 1 % false
   * alarms of the whole gate in the A/A rounds, and at or above the normal
   * model's. */
  for (t_star = 0; t_star < N_TOL; t_star++)
    if ((double)aa_fail[BY_GATE][t_star] <= 0.01 * (double)n_a &&
        0.025 * (double)t_star >= d_model - 1e-9)
      break;
  if (t_star == N_TOL) {
    printf("\nno tolerance up to 50%% keeps false alarms at 1%%\n");
    return 0;
  }
  printf("\nat max_drop %.3f (the smallest with <= 1%% false alarms: %zu of %zu A/A "
         "rounds failed, normal model %.1f%%):\n",
         0.025 * (double)t_star, aa_fail[BY_GATE][t_star], n_a, 100 * d_model);
  for (i = 0; i < n_fs; i++) {
    f = order[i];
    printf("  F=%.3f (h_bytes -%.1f%%, h_raw -%.1f%%): gate %zu/%zu, h_bytes test %zu, "
           "h_raw test %zu\n",
           fs[f], 100 * drop[0][f], 100 * drop[1][f], ab_fail[f][BY_GATE][t_star],
           n_f[f], ab_fail[f][BY_BYTES][t_star], ab_fail[f][BY_RAW][t_star]);
  }
  for (k = 0; k < 2; k++) {
    double d = smallest_drop(n_fs, order, drop[k], ab_fail, k == 0 ? BY_BYTES : BY_RAW,
                             t_star, n_f);

    size_t f0 = order[0];
    int by0 = k == 0 ? BY_BYTES : BY_RAW;

    if (isnan(d))
      printf("smallest %s drop its test catches with 90%% power: more than the largest "
             "injected (%.1f%%)\n",
             k == 0 ? "h_bytes" : "h_raw", n_fs ? 100 * drop[k][order[n_fs - 1]] : 0.0);
    else if (n_f[f0] && (double)ab_fail[f0][by0][t_star] >= 0.9 * (double)n_f[f0])
      printf("smallest %s drop its test catches with 90%% power at <= 1%% false "
             "alarms: at most %.1f%% (already the smallest injected drop)\n",
             k == 0 ? "h_bytes" : "h_raw", 100 * d);
    else
      printf("smallest %s drop its test catches with 90%% power at <= 1%% false "
             "alarms: %.1f%%\n",
             k == 0 ? "h_bytes" : "h_raw", 100 * d);
  }
  return 0;
}

int main(int argc, char **argv)
{
  static struct mb_compare_run runs[MAX_RUNS];
  static const double drops[] = {0.0,  0.05, 0.10, 0.15, 0.20,
                                 0.25, 0.30, 0.35, 0.40, 0.45};
  double alpha = 0.01, floor_bits = -1;
  size_t n = 0, i, j, p, m, d;
  int a;

  for (a = 1; a < argc; a++) {
    struct mb_error err;
    char buf[2048];

    if (strcmp(argv[a], "--alpha") == 0 && a + 1 < argc) {
      alpha = atof(argv[++a]);
      continue;
    }
    if (strcmp(argv[a], "--floor") == 0 && a + 1 < argc) {
      floor_bits = atof(argv[++a]);
      continue;
    }
    if (n == MAX_RUNS) {
      fprintf(stderr, "compare_noise: at most %d runs\n", MAX_RUNS);
      return 2;
    }
    mb_error_init(&err);
    if (mb_compare_run_load(argv[a], &runs[n], &err) != MB_OK) {
      fprintf(stderr, "compare_noise: %s\n", mb_error_format(&err, buf, sizeof(buf)));
      return 1;
    }
    n++;
  }
  if (n < 2) {
    fprintf(stderr, "usage: compare_noise [--alpha A] [--floor BITS] RUN_DIR RUN_DIR "
                    "[RUN_DIR...]\n");
    return 2;
  }
  {
    size_t plain = 0;

    for (i = 0; i < n; i++)
      plain += !(runs[i].inject_constant > 0);
    if (plain < n) {
      int rc = power(runs, n, alpha, floor_bits);

      for (i = 0; i < n; i++)
        mb_compare_run_cleanup(&runs[i]);
      return rc;
    }
  }

  printf("%zu runs of %s (%s), alpha %g\n\n", n, runs[0].experiment, runs[0].source,
         alpha);
  printf("Per point: spread of the per-run medians across the %zu runs\n", n);
  printf("%5s %7s %-8s %-8s %10s %10s %10s %9s %9s %6s\n", "ports", "ool", "mode",
         "metric", "median", "min", "max", "range%", "sd%", "reps");
  for (p = 0; p < runs[0].n_points; p++) {
    const struct mb_compare_point *pt = &runs[0].points[p];

    for (m = 0; m < MB_CMP_METRIC_COUNT; m++) {
      double med[MAX_RUNS], sorted[MAX_RUNS], lo, hi, mid, mean = 0, var = 0;
      size_t k = 0, reps = 0;

      for (i = 0; i < n; i++)
        for (j = 0; j < runs[i].n_points; j++) {
          const struct mb_compare_point *q = &runs[i].points[j];
          double tmp[4096];

          if (q->num_ports != pt->num_ports || q->ool_size != pt->ool_size ||
              strcmp(q->mode, pt->mode) != 0 || q->count[m] == 0 || q->count[m] > 4096)
            continue;
          memcpy(tmp, q->values[m], q->count[m] * sizeof(double));
          med[k++] = median(tmp, q->count[m]);
          reps = q->count[m];
        }
      if (k == 0)
        continue;
      memcpy(sorted, med, k * sizeof(double));
      mid = median(sorted, k);
      lo = sorted[0];
      hi = sorted[k - 1];
      for (i = 0; i < k; i++)
        mean += med[i] / (double)k;
      for (i = 0; i < k; i++)
        var += (med[i] - mean) * (med[i] - mean) / (double)(k > 1 ? k - 1 : 1);
      printf("%5u %7u %-8s %-8s %10.5g %10.5g %10.5g %9.2f %9.2f %6zu\n", pt->num_ports,
             pt->ool_size, pt->mode, mb_compare_metric_key((enum mb_compare_metric)m),
             mid, lo, hi, mid != 0 ? 100.0 * (hi - lo) / fabs(mid) : 0.0,
             mean != 0 ? 100.0 * sqrt(var) / fabs(mean) : 0.0, reps);
    }
  }

  printf("\nFalse alarms over %zu ordered pairs (gated: h_bytes, h_raw; the rate "
         "separately)\n",
         n * (n - 1));
  printf("%9s %16s %18s %16s %14s\n", "max_drop", "pairs failing", "points flagged",
         "rate-gated pairs", "significant");
  for (d = 0; d < sizeof(drops) / sizeof(drops[0]); d++) {
    size_t fail = 0, flagged = 0, fail_rate = 0, signif = 0, points = 0;

    for (i = 0; i < n; i++)
      for (j = 0; j < n; j++) {
        struct mb_compare_options opts;
        struct mb_compare_report rep;
        struct mb_error err;
        size_t r;

        if (i == j)
          continue;
        mb_compare_options_init(&opts);
        opts.alpha = alpha;
        opts.max_drop = drops[d];
        mb_error_init(&err);
        if (mb_compare_runs(&runs[i], &runs[j], &opts, &rep, &err) != MB_OK) {
          fprintf(stderr, "compare_noise: %s\n", err.text);
          mb_compare_report_cleanup(&rep);
          return 1;
        }
        fail += rep.n_regressed > 0;
        flagged += rep.n_regressed;
        points += rep.n_rows;
        for (r = 0; r < rep.n_rows; r++)
          for (m = 0; m < MB_CMP_METRIC_COUNT; m++)
            signif += rep.rows[r].stat[m].p_drop <= alpha / 2 && m != MB_CMP_RATE;
        mb_compare_report_cleanup(&rep);
        /* The same pair with the rate gated (same machine). */
        opts.gate_rate = 1;
        mb_error_init(&err);
        if (mb_compare_runs(&runs[i], &runs[j], &opts, &rep, &err) == MB_OK)
          fail_rate += rep.n_regressed > 0;
        mb_compare_report_cleanup(&rep);
      }
    printf("%8.0f%% %9zu / %-4zu %10zu / %-5zu %9zu / %-4zu %8zu\n", 100.0 * drops[d],
           fail, n * (n - 1), flagged, points, fail_rate, n * (n - 1), signif);
  }
  printf("\n(significant: metric tests with p_drop <= alpha/2, whatever the size of "
         "the drop)\n");
  for (i = 0; i < n; i++)
    mb_compare_run_cleanup(&runs[i]);
  return 0;
}
