/* test_stats.c: raw-delta statistics against hand-computed values and a
 * brute-force cross-check of the percentile and MAD definitions. */
#include <stdint.h>

#include "check.h"
#include "stats.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static int cmp_u64(const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

  return (x > y) - (x < y);
}

/* xorshift64: a fixed, seeded sequence for the cross-check. */
static uint64_t next_rand(uint64_t *s)
{
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return *s;
}

static void check_hand_computed(void)
{
  /* sorted: 1 1 2 3 4 5 5 5 6 9; sum 41; sum of squared deviations 54.9;
   * |x - 4| sorted: 0 1 1 1 1 2 2 3 3 5. */
  const uint64_t x[] = {5, 1, 4, 1, 5, 9, 2, 6, 5, 3};
  const uint64_t copy[] = {5, 1, 4, 1, 5, 9, 2, 6, 5, 3};
  struct mb_stats st;
  struct mb_error err;

  mb_error_init(&err);
  CHECK_EQ_INT(mb_stats_compute(x, N_OF(x), NULL, &st, &err), MB_OK);
  CHECK_EQ_INT(st.n, 10);
  CHECK_EQ_U64(st.min, 1);
  CHECK_EQ_U64(st.p01, 1); /* rank ceil(0.1) = 1 */
  CHECK_EQ_U64(st.p50, 4); /* rank 5: the lower middle value */
  CHECK_EQ_U64(st.p99, 9); /* rank ceil(9.9) = 10 */
  CHECK_EQ_U64(st.max, 9);
  CHECK_NEAR(st.mean, 4.1, 1e-12);
  CHECK_NEAR(st.stddev, 2.4698178070456938, 1e-12); /* sqrt(54.9 / 9) */
  CHECK_EQ_U64(st.mad, 1);
  CHECK_EQ_INT(st.distinct, 7);
  CHECK_EQ_U64(st.quantum, 1);
  CHECK_EQ_MEM(x, copy, sizeof(x)); /* input untouched */
}

static void check_quantum_and_mad(void)
{
  /* sorted 40 40 80 120 200; deviations from 80: 0 40 40 40 120. */
  const uint64_t x[] = {40, 80, 120, 40, 200};
  /* median 3; deviations 0 1 1 2 97: the merge must not run past the far
   * outlier. */
  const uint64_t y[] = {100, 4, 3, 2, 1};
  struct mb_stats st;

  CHECK_EQ_INT(mb_stats_compute(x, N_OF(x), NULL, &st, NULL), MB_OK);
  CHECK_EQ_U64(st.quantum, 40);
  CHECK_EQ_INT(st.distinct, 4);
  CHECK_EQ_U64(st.p50, 80);
  CHECK_EQ_U64(st.mad, 40);
  CHECK_NEAR(st.mean, 96.0, 1e-12);
  CHECK_NEAR(st.stddev, 66.932802122726045, 1e-10); /* sqrt(17920 / 4) */

  CHECK_EQ_INT(mb_stats_compute(y, N_OF(y), NULL, &st, NULL), MB_OK);
  CHECK_EQ_U64(st.p50, 3);
  CHECK_EQ_U64(st.mad, 1);
  CHECK_EQ_U64(st.quantum, 1);
}

static void check_edges(void)
{
  const uint64_t one[] = {777};
  const uint64_t zeros[] = {0, 0, 0};
  const uint64_t even[] = {4, 3, 2, 1};
  const uint64_t huge[] = {UINT64_MAX, UINT64_MAX};
  struct mb_stats st;

  CHECK_EQ_INT(mb_stats_compute(NULL, 0, NULL, &st, NULL), MB_OK);
  CHECK_EQ_INT(st.n, 0);
  CHECK_EQ_INT(st.distinct, 0);

  CHECK_EQ_INT(mb_stats_compute(one, 1, NULL, &st, NULL), MB_OK);
  CHECK_EQ_U64(st.min, 777);
  CHECK_EQ_U64(st.p01, 777);
  CHECK_EQ_U64(st.p99, 777);
  CHECK_NEAR(st.stddev, 0.0, 0.0);
  CHECK_EQ_U64(st.mad, 0);
  CHECK_EQ_U64(st.quantum, 777);

  CHECK_EQ_INT(mb_stats_compute(zeros, 3, NULL, &st, NULL), MB_OK);
  CHECK_EQ_U64(st.quantum, 0);
  CHECK_EQ_INT(st.distinct, 1);

  CHECK_EQ_INT(mb_stats_compute(even, 4, NULL, &st, NULL), MB_OK);
  CHECK_EQ_U64(st.p50, 2);
  CHECK_NEAR(st.mean, 2.5, 0.0);

  /* The 128-bit sum: 2 * (2^64 - 1) overflows 64 bits. */
  CHECK_EQ_INT(mb_stats_compute(huge, 2, NULL, &st, NULL), MB_OK);
  CHECK_NEAR(st.mean, 18446744073709551615.0, 1.0);
  CHECK_NEAR(st.stddev, 0.0, 0.0);
}

static void check_ranks(void)
{
  uint64_t v[201];
  size_t i;

  for (i = 0; i < 201; i++)
    v[i] = i + 1; /* value == 1-based rank */
  CHECK_EQ_U64(mb_stats_percentile(v, 100, 1), 1);
  CHECK_EQ_U64(mb_stats_percentile(v, 100, 99), 99);
  CHECK_EQ_U64(mb_stats_percentile(v, 101, 1), 2);    /* ceil(1.01) */
  CHECK_EQ_U64(mb_stats_percentile(v, 101, 50), 51);  /* ceil(50.5) */
  CHECK_EQ_U64(mb_stats_percentile(v, 101, 99), 100); /* ceil(99.99) */
  CHECK_EQ_U64(mb_stats_percentile(v, 200, 1), 2);
  CHECK_EQ_U64(mb_stats_percentile(v, 200, 99), 198);
  CHECK_EQ_U64(mb_stats_percentile(v, 201, 100), 201);
  CHECK_EQ_U64(mb_stats_percentile(v, 1, 1), 1);
}

/* Against the definitions applied literally: sort, index, sort deviations. */
static void check_brute_force(void)
{
  enum { N = 1237 };
  static uint64_t x[N], s[N], dev[N];
  struct mb_stats_scratch scratch;
  struct mb_stats st;
  uint64_t seed = 0x9E3779B97F4A7C15u;
  int round;

  mb_stats_scratch_init(&scratch);
  for (round = 0; round < 4; round++) {
    size_t n = round == 3 ? N : (size_t)(N / (round + 2)), i;
    size_t r50 = (n * 50 + 99) / 100;

    for (i = 0; i < n; i++)
      x[i] =
          300 + (next_rand(&seed) % 97) * 3 + (round == 2 && i % 50 == 0 ? 9000u : 0u);
    memcpy(s, x, n * sizeof(*s));
    qsort(s, n, sizeof(*s), cmp_u64);
    for (i = 0; i < n; i++)
      dev[i] = s[i] > s[r50 - 1] ? s[i] - s[r50 - 1] : s[r50 - 1] - s[i];
    qsort(dev, n, sizeof(*dev), cmp_u64);
    CHECK_EQ_INT(mb_stats_compute(x, n, &scratch, &st, NULL), MB_OK);
    CHECK_EQ_U64(st.p01, s[(n * 1 + 99) / 100 - 1]);
    CHECK_EQ_U64(st.p50, s[r50 - 1]);
    CHECK_EQ_U64(st.p99, s[(n * 99 + 99) / 100 - 1]);
    CHECK_EQ_U64(st.mad, dev[r50 - 1]);
    {
      uint64_t g = 0;

      for (i = 0; i < n; i++)
        g = mb_stats_gcd(x[i], g);
      CHECK_EQ_U64(st.quantum, g);
      CHECK_EQ_U64(g % 3, 0);
    }
  }
  mb_stats_scratch_cleanup(&scratch);
}

int main(void)
{
  check_hand_computed();
  check_quantum_and_mad();
  check_edges();
  check_ranks();
  check_brute_force();
  return CHECK_DONE();
}
