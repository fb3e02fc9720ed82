/* bench_stats.c: time of the raw-delta statistics (sort, percentiles, MAD,
 * GCD) as the number of timings grows, to show the O(n log n) cost.
 *
 * Usage: bench_stats [MAX_TIMINGS]   (default 4194368: MB_RAW_COUNT(2^20))
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "stats.h"

static double now_s(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
  size_t max = argc > 1 ? strtoul(argv[1], NULL, 10) : 4194368u, n, i;
  uint64_t *x = malloc(max * sizeof(*x)), s = 0x9E3779B97F4A7C15u;
  struct mb_stats_scratch scratch;
  struct mb_stats st;

  if (!x)
    return 1;
  /* Timing-like data: a baseline, jitter, a slow mode and rare stalls. */
  for (i = 0; i < max; i++) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    x[i] = 3000 + s % 400 + (i % 7 == 3 ? 500 : 0) + (s % 1000 == 0 ? 5000000 : 0);
  }
  mb_stats_scratch_init(&scratch);
  printf("%12s %12s %14s %16s\n", "timings", "ms", "ns per timing", "ns / log2(n)");
  for (n = 1024; n <= max; n *= 4) {
    int reps = n < 100000 ? 20 : 3, k;
    double t0 = now_s(), per;
    unsigned lg = 0;

    for (k = 0; k < reps; k++)
      mb_stats_compute(x, n, &scratch, &st, NULL);
    per = (now_s() - t0) / reps;
    while ((1ull << lg) < n)
      lg++;
    printf("%12zu %12.3f %14.1f %16.2f\n", n, per * 1e3, per * 1e9 / (double)n,
           per * 1e9 / (double)n / lg);
  }
  mb_stats_scratch_cleanup(&scratch);
  free(x);
  return 0;
}
