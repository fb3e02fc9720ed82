/* stats.h: descriptive statistics of one call's raw timing deltas.
 *
 * Definitions (also in results/README.md, "raw_stats"), for n values x:
 *   percentile p (p01, p50, p99): nearest rank, the value of 1-based rank
 *     max(1, ceil(p * n / 100)) in ascending order, so every percentile is a
 *     value that was observed (a whole number of ticks). p50 is the median;
 *     for even n it is the lower of the two middle values.
 *   mean: exact integer sum / n (the sum is kept in 128 bits, so it cannot
 *     overflow).
 *   stddev: sample standard deviation, sqrt(sum (x - mean)^2 / (n - 1)),
 *     computed in two passes; 0 when n < 2.
 *   mad: median absolute deviation, the nearest-rank median (as p50) of
 *     |x - p50|; a whole number of ticks.
 *   distinct: number of different values.
 *   quantum: greatest common divisor of all values (0 when all are 0): the
 *     clock's effective tick as seen in this data.
 * Cost: one sort of a copy, O(n log n) time and n extra words of memory.
 */
#ifndef MB_STATS_H
#define MB_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct mb_stats {
  size_t n;
  uint64_t min, p01, p50, p99, max;
  double mean;
  double stddev;
  uint64_t mad;
  size_t distinct;
  uint64_t quantum;
};

/* Reusable working memory for mb_stats_compute(): caller-allocated,
 * mb_stats_scratch_init(), reused across calls (grows, never shrinks),
 * mb_stats_scratch_cleanup(). Not thread-safe: one scratch per thread. */
struct mb_stats_scratch {
  uint64_t *sorted;
  size_t cap;
};

void mb_stats_scratch_init(struct mb_stats_scratch *s);
void mb_stats_scratch_cleanup(struct mb_stats_scratch *s);

/* Statistics of x[0..n-1] into out (x is not modified). n == 0 gives a
 * zeroed out (n = 0). Returns MB_OK, or MB_ENOMEM when the scratch cannot
 * grow (err says so). scratch may be NULL: a temporary buffer is used. */
int mb_stats_compute(const uint64_t *x, size_t n, struct mb_stats_scratch *scratch,
                     struct mb_stats *out, struct mb_error *err);

/* The value of whole percentile pct (1..100) of sorted[0..n-1] by the
 * nearest rank rule above, computed in integers (no rounding surprises);
 * n must be > 0. */
uint64_t mb_stats_percentile(const uint64_t *sorted, size_t n, unsigned pct);

/* Median of the finite values among v[0..n-1], which it reorders (the
 * finite values move to the front, sorted): the middle value, or the mean of
 * the two middle values for an even count, since these are summaries of
 * per-call figures rather than observed ticks; NAN when none is finite. */
double mb_stats_median_finite(double *v, size_t n);

/* Greatest common divisor; gcd(0, b) = b. */
uint64_t mb_stats_gcd(uint64_t a, uint64_t b);

#endif
