/* compare_noise.c: how noisy is this machine for `mebench compare`?
 *
 * Given N results directories of the same experiment (e.g. ci_smoke run N
 * times), print per point the spread of the per-run median assessed
 * entropies, then compare every ordered pair of runs (N (N - 1) pairs, each
 * run once as baseline and once as current) at a grid of thresholds and
 * count the pairs the gate would fail: those are false alarms, since
 * nothing changed between the runs. Thresholds for CI are chosen where the
 * count is zero with a margin.
 *
 * Usage: compare_noise [--alpha A] RUN_DIR RUN_DIR [RUN_DIR...]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"

#define MAX_RUNS 64

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

int main(int argc, char **argv)
{
  static struct mb_compare_run runs[MAX_RUNS];
  static const double drops[] = {0.0,  0.05, 0.10, 0.15, 0.20,
                                 0.25, 0.30, 0.35, 0.40, 0.45};
  double alpha = 0.01;
  size_t n = 0, i, j, p, m, d;
  int a;

  for (a = 1; a < argc; a++) {
    struct mb_error err;
    char buf[2048];

    if (strcmp(argv[a], "--alpha") == 0 && a + 1 < argc) {
      alpha = atof(argv[++a]);
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
    fprintf(stderr, "usage: compare_noise [--alpha A] RUN_DIR RUN_DIR [RUN_DIR...]\n");
    return 2;
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
