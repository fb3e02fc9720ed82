/* stats.c: raw-delta statistics (definitions in stats.h). */
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void mb_stats_scratch_init(struct mb_stats_scratch *s)
{
  s->sorted = NULL;
  s->cap = 0;
}

void mb_stats_scratch_cleanup(struct mb_stats_scratch *s)
{
  free(s->sorted);
  mb_stats_scratch_init(s);
}

static int cmp_u64(const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

  return (x > y) - (x < y);
}

uint64_t mb_stats_gcd(uint64_t a, uint64_t b)
{
  while (b != 0) {
    uint64_t t = a % b;

    a = b;
    b = t;
  }
  return a;
}

/* 1-based nearest rank of whole percentile pct among n values. */
static size_t rank_of(size_t n, unsigned pct)
{
  size_t r = (n / 100) * pct + ((n % 100) * pct + 99) / 100;

  return r < 1 ? 1 : r > n ? n : r;
}

uint64_t mb_stats_percentile(const uint64_t *sorted, size_t n, unsigned pct)
{
  return sorted[rank_of(n, pct) - 1];
}

/* The r-th smallest (1-based) of |a[i] - m| over sorted a. The values <= m,
 * read leftwards, and the values > m, read rightwards, are two ascending runs
 * of deviations; merging them finds the r-th in O(r) without a second sort. */
static uint64_t kth_deviation(const uint64_t *a, size_t n, uint64_t m, size_t r)
{
  size_t lo = 0, hi = n, left, right;
  uint64_t d = 0;

  while (lo < hi) { /* first index with a[i] > m */
    size_t mid = lo + (hi - lo) / 2;

    if (a[mid] <= m)
      lo = mid + 1;
    else
      hi = mid;
  }
  left = lo;  /* a[left - 1] is the next value <= m, if left > 0 */
  right = lo; /* a[right] is the next value > m, if right < n */
  while (r-- > 0) {
    if (left > 0 && (right >= n || m - a[left - 1] <= a[right] - m))
      d = m - a[--left];
    else
      d = a[right++] - m;
  }
  return d;
}

int mb_stats_compute(const uint64_t *x, size_t n, struct mb_stats_scratch *scratch,
                     struct mb_stats *out, struct mb_error *err)
{
  struct mb_stats_scratch local;
  uint64_t *a;
  uint64_t sum_lo = 0, sum_hi = 0, g = 0;
  double ss = 0.0;
  size_t i;

  memset(out, 0, sizeof(*out));
  if (n == 0)
    return MB_OK;
  if (!scratch) {
    mb_stats_scratch_init(&local);
    scratch = &local;
  }
  if (scratch->cap < n) {
    uint64_t *grown = n > SIZE_MAX / sizeof(*grown)
                          ? NULL
                          : realloc(scratch->sorted, n * sizeof(*grown));

    if (!grown) {
      if (scratch == &local)
        mb_stats_scratch_cleanup(&local);
      return mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL,
                          "out of memory sorting %zu raw deltas", n);
    }
    scratch->sorted = grown;
    scratch->cap = n;
  }
  a = scratch->sorted;
  memcpy(a, x, n * sizeof(*a));
  qsort(a, n, sizeof(*a), cmp_u64);

  out->n = n;
  out->min = a[0];
  out->max = a[n - 1];
  out->p01 = mb_stats_percentile(a, n, 1);
  out->p50 = mb_stats_percentile(a, n, 50);
  out->p99 = mb_stats_percentile(a, n, 99);
  out->distinct = 1;
  for (i = 0; i < n; i++) {
    sum_lo += a[i];
    if (sum_lo < a[i])
      sum_hi++;
    g = mb_stats_gcd(g, a[i]);
    if (i > 0 && a[i] != a[i - 1])
      out->distinct++;
  }
  out->quantum = g;
  /* 2^64 as a double is exact; the 128-bit sum loses only the rounding of
   * one division. */
  out->mean = ((double)sum_hi * 18446744073709551616.0 + (double)sum_lo) / (double)n;
  if (n > 1) {
    for (i = 0; i < n; i++) {
      double d = (double)a[i] - out->mean;

      ss += d * d;
    }
    out->stddev = sqrt(ss / (double)(n - 1));
  }
  out->mad = kth_deviation(a, n, out->p50, rank_of(n, 50));
  if (scratch == &local)
    mb_stats_scratch_cleanup(&local);
  return MB_OK;
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

double mb_stats_median_finite(double *v, size_t n)
{
  size_t m = 0, i;

  for (i = 0; i < n; i++)
    if (isfinite(v[i]))
      v[m++] = v[i];
  if (m == 0)
    return NAN;
  qsort(v, m, sizeof(*v), cmp_double);
  return m % 2 ? v[m / 2] : (v[m / 2 - 1] + v[m / 2]) / 2.0;
}
