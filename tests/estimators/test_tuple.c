/* test_tuple.c: t-Tuple (§6.3.5) and LRS (§6.3.6): hand-checked inputs, both
 * suffix-sorting methods against naive counting on random inputs of every
 * bit width, and agreement with the reference tool ea_non_iid v1.1.7.
 *
 * `test_tuple --write DIR` writes the generated reference inputs as files of
 * one symbol per byte, so that the reference tool can be run on them. */
#include "check.h"
#include "error.h"
#include "internal.h"
#include "tuple.h"

/* ---- a fixed-seed generator (splitmix64) -------------------------------- */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
  uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);

  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double rng_unit(void)
{
  return (double)(rng_next() >> 11) * (1.0 / 9007199254740992.0);
}

/* ---- naive counting ------------------------------------------------------ */

struct naive {
  size_t v;
  uint32_t q[512];
  uint64_t s[512];
};

/* Count every t-tuple by comparing it with every other: O(n^2 t). */
static void naive_stats(const uint8_t *s, size_t n, struct naive *out)
{
  size_t t, i, j;

  memset(out, 0, sizeof(*out));
  out->q[0] = (uint32_t)n;
  out->s[0] = (uint64_t)n * (n - 1) / 2;
  for (t = 1; t < n && t < 511; t++) {
    uint32_t best = 0;
    uint64_t pairs = 0;

    for (i = 0; i + t <= n; i++) {
      uint32_t c = 0;

      for (j = 0; j + t <= n; j++)
        if (memcmp(s + i, s + j, t) == 0) {
          c++;
          if (j > i)
            pairs++;
        }
      if (c > best)
        best = c;
    }
    if (pairs == 0)
      break;
    out->v = t;
    out->q[t] = best;
    out->s[t] = pairs;
  }
}

/* The estimates straight from SP 800-90B §6.3.5 and §6.3.6 over naive counts. */
static void naive_estimates(const struct naive *nv, size_t n, int *t_ran, double *t_h,
                            int *l_ran, double *l_h)
{
  const double z = 2.5758293035489008;
  size_t u = 1, t;
  double pmax = 0, pu;

  while (u <= nv->v && nv->q[u] >= 35)
    u++;
  *t_ran = u > 1;
  for (t = 1; t < u; t++) {
    double p = pow((double)nv->q[t] / (double)(n - t + 1), 1.0 / (double)t);
    if (p > pmax)
      pmax = p;
  }
  pu = fmin(1.0, pmax + z * sqrt(pmax * (1 - pmax) / (double)(n - 1)));
  *t_h = -log2(pu);
  *l_ran = nv->v >= u;
  pmax = 0;
  for (t = u; t <= nv->v; t++) {
    double m = (double)(n - t + 1);
    double p = pow((double)nv->s[t] / (m * (m - 1) / 2), 1.0 / (double)t);
    if (p > pmax)
      pmax = p;
  }
  pu = fmin(1.0, pmax + z * sqrt(pmax * (1 - pmax) / (double)(n - 1)));
  *l_h = -log2(pu);
}

static int stats_match(const uint8_t *s, size_t n, enum mb_tuple_method method,
                       const struct naive *nv, const char *what)
{
  struct mb_tuple_stats st;
  size_t t;
  int rc = mb_tuple_stats_compute(s, n, method, &st), ok = 1;

  CHECK_EQ_INT(rc, MB_OK);
  if (rc != MB_OK) {
    mb_tuple_stats_cleanup(&st);
    return 0;
  }
  if (st.v != nv->v) {
    fprintf(stderr, "%s method %d n=%zu: v %zu != naive %zu\n", what, (int)method, n,
            st.v, nv->v);
    ok = 0;
  }
  for (t = 0; ok && t <= nv->v; t++) {
    if (st.q[t] != nv->q[t] || st.s[t] != nv->s[t]) {
      fprintf(stderr, "%s method %d n=%zu t=%zu: q %u s %llu, naive q %u s %llu\n",
              what, (int)method, n, t, (unsigned)st.q[t], (unsigned long long)st.s[t],
              (unsigned)nv->q[t], (unsigned long long)nv->s[t]);
      ok = 0;
    }
  }
  CHECK(ok);
  mb_tuple_stats_cleanup(&st);
  return ok;
}

/* ---- hand-checked inputs ------------------------------------------------- */

static void test_hand(void)
{
  /* "abracadabra": a occurs 5 times; ab, br, ra twice (and abra); pairs
   * at t=1: C(5,2) + C(2,2) + C(2,2) = 12; t=2: 3 pairs (ab, br, ra);
   * t=3: abr, bra -> 2; t=4: abra -> 1; v = 4. */
  static const uint8_t abra[] = {0, 1, 4, 0, 2, 0, 3, 0, 1, 4, 0};
  static const uint8_t zeros[6] = {0};
  enum mb_tuple_method m;

  for (m = MB_TUPLE_AUTO; m <= MB_TUPLE_SAIS; m++) {
    struct mb_tuple_stats st;

    CHECK_EQ_INT(mb_tuple_stats_compute(abra, sizeof(abra), m, &st), MB_OK);
    CHECK_EQ_INT(st.v, 4);
    if (st.v == 4) {
      CHECK_EQ_INT(st.q[1], 5);
      CHECK_EQ_INT(st.q[2], 2);
      CHECK_EQ_INT(st.q[4], 2);
      CHECK_EQ_U64(st.s[1], 12);
      CHECK_EQ_U64(st.s[2], 3);
      CHECK_EQ_U64(st.s[3], 2);
      CHECK_EQ_U64(st.s[4], 1);
    }
    mb_tuple_stats_cleanup(&st);

    /* Six zeros: a t-tuple occurs 7 - t times, so C(7 - t, 2) pairs; v = 5. */
    CHECK_EQ_INT(mb_tuple_stats_compute(zeros, sizeof(zeros), m, &st), MB_OK);
    CHECK_EQ_INT(st.v, 5);
    if (st.v == 5) {
      CHECK_EQ_INT(st.q[1], 6);
      CHECK_EQ_INT(st.q[5], 2);
      CHECK_EQ_U64(st.s[1], 15);
      CHECK_EQ_U64(st.s[3], 6);
      CHECK_EQ_U64(st.s[5], 1);
    }
    mb_tuple_stats_cleanup(&st);
  }
}

/* Edge cases: defined answers where ea_non_iid asserts. */
static void test_edges(void)
{
  struct mb_estimate tt, lrs;
  struct mb_tuple_lrs_result r;
  uint8_t distinct[256], zeros[1000];
  size_t i;

  CHECK_EQ_INT(mb_est_t_tuple_lrs(NULL, 0, 2, &tt, &lrs), MB_OK);
  CHECK_EQ_INT(tt.ran, 0);
  CHECK_EQ_INT(lrs.ran, 0);
  CHECK_EQ_STR(tt.skipped, "fewer than 2 samples");
  CHECK_EQ_INT(mb_est_t_tuple_lrs(zeros, 1, 2, &tt, NULL), MB_OK);
  CHECK_EQ_INT(tt.ran, 0);

  /* 256 distinct bytes: nothing repeats (v = 0), so neither applies. */
  for (i = 0; i < 256; i++)
    distinct[i] = (uint8_t)(i * 7 + 3);
  CHECK_EQ_INT(mb_tuple_lrs_compute(distinct, 256, &r), MB_OK);
  CHECK_EQ_INT(r.v, 0);
  CHECK_EQ_INT(r.tuple_ran, 0);
  CHECK_EQ_INT(r.lrs_ran, 0);
  CHECK_EQ_STR(r.tuple_skipped, "no tuple occurs 35 times");

  /* One repeated symbol: a t-tuple occurs 1001 - t times, >= 35 up to
   * t = 966, with p-hat 1 (h = 0); v = 999 >= u = 967. */
  memset(zeros, 5, sizeof(zeros));
  CHECK_EQ_INT(mb_tuple_lrs_compute(zeros, sizeof(zeros), &r), MB_OK);
  CHECK_EQ_INT(r.t, 966);
  CHECK_EQ_INT(r.v, 999);
  CHECK_EQ_INT(r.tuple_ran, 1);
  CHECK_NEAR(r.tuple_h, 0.0, 1e-12);
  CHECK_EQ_INT(r.lrs_ran, 1);
  CHECK_NEAR(r.lrs_h, 0.0, 1e-12);
}

/* ---- random inputs against naive counting ------------------------------- */

static void test_random(void)
{
  static uint8_t buf[400];
  struct naive nv;
  unsigned bits, round;

  rng_state = 20240601;
  for (bits = 1; bits <= 8; bits++) {
    for (round = 0; round < 40; round++) {
      size_t n = 1 + (size_t)(rng_next() % 300), i;
      unsigned kind = round % 4;
      unsigned mask = (1u << bits) - 1u;
      struct mb_tuple_lrs_result r;
      int t_ran, l_ran;
      double t_h, l_h;

      for (i = 0; i < n; i++) {
        uint8_t x = (uint8_t)(rng_next() & mask);

        if (kind == 1 && i > 0 && rng_unit() < 0.8) /* sticky: long runs */
          x = buf[i - 1];
        else if (kind == 2 && i >= 7 && rng_unit() < 0.95) /* period 7 */
          x = buf[i - 7];
        else if (kind == 3) /* skewed towards 0 */
          x = (uint8_t)(x & (rng_next() & mask));
        buf[i] = x;
      }
      naive_stats(buf, n, &nv);
      stats_match(buf, n, MB_TUPLE_SAIS, &nv, "random");
      stats_match(buf, n, MB_TUPLE_RADIX, &nv, "random");
      stats_match(buf, n, MB_TUPLE_AUTO, &nv, "random");
      if (n < 2)
        continue;
      CHECK_EQ_INT(mb_tuple_lrs_compute(buf, n, &r), MB_OK);
      naive_estimates(&nv, n, &t_ran, &t_h, &l_ran, &l_h);
      CHECK_EQ_INT(r.tuple_ran, t_ran);
      CHECK_EQ_INT(r.lrs_ran, l_ran);
      if (t_ran && r.tuple_ran)
        CHECK_NEAR(r.tuple_h, t_h, 1e-9);
      if (l_ran && r.lrs_ran)
        CHECK_NEAR(r.lrs_h, l_h, 1e-9);
    }
  }
}

/* Both methods on larger inputs of every width and several shapes: the
 * radix sort's keyed and in-place passes and the bucket boundaries. */
static void test_methods_agree(void)
{
  static uint8_t buf[30000];
  unsigned bits, round;

  rng_state = 99;
  for (bits = 1; bits <= 8; bits++) {
    for (round = 0; round < 6; round++) {
      size_t n = 2000 + (size_t)(rng_next() % 28000), i;
      unsigned mask = (1u << bits) - 1u;
      struct mb_tuple_stats a, b;
      int rc;

      for (i = 0; i < n; i++) {
        uint8_t x = (uint8_t)(rng_next() & mask);

        if (round == 1 && i > 0 && rng_unit() < 0.7)
          x = buf[i - 1];
        else if (round == 2 && rng_unit() < 0.6)
          x = 0;
        else if (round == 3 && i >= 300 && rng_unit() < 0.97)
          x = buf[i - 300];
        else if (round == 4)
          x = (uint8_t)(x & (rng_next() & mask) & (rng_next() & mask));
        buf[i] = x;
      }
      rc = mb_tuple_stats_compute(buf, n, MB_TUPLE_AUTO, &a);
      CHECK_EQ_INT(rc, MB_OK);
      if (round != 3) /* period 300: long repeats, SA-IS may be used */
        CHECK_EQ_INT(a.used_sais, 0);
      CHECK_EQ_INT(mb_tuple_stats_compute(buf, n, MB_TUPLE_SAIS, &b), MB_OK);
      CHECK_EQ_INT(a.v, b.v);
      if (rc == MB_OK && a.v == b.v && b.q) {
        CHECK_EQ_MEM(a.q, b.q, (a.v + 1) * sizeof(*a.q));
        CHECK_EQ_MEM(a.s, b.s, (a.v + 1) * sizeof(*a.s));
      }
      mb_tuple_stats_cleanup(&a);
      mb_tuple_stats_cleanup(&b);
    }
  }
}

/* The radix sort gives up on long repeats and the automatic method then
 * falls back to SA-IS, with the same result. */
static void test_fallback(void)
{
  size_t n = 20000, i;
  uint8_t *buf = malloc(n);
  struct mb_tuple_stats a, b;

  CHECK(buf != NULL);
  if (!buf)
    return;
  rng_state = 77;
  for (i = 0; i < n; i++)
    buf[i] = i < 100 ? (uint8_t)(rng_next() & 1) : buf[i - 100];
  buf[n / 2] ^= 1;
  CHECK_EQ_INT(mb_tuple_stats_compute(buf, n, MB_TUPLE_RADIX, &a), MB_EINTERNAL);
  mb_tuple_stats_cleanup(&a);
  CHECK_EQ_INT(mb_tuple_stats_compute(buf, n, MB_TUPLE_AUTO, &a), MB_OK);
  CHECK_EQ_INT(a.used_sais, 1);
  CHECK_EQ_INT(mb_tuple_stats_compute(buf, n, MB_TUPLE_SAIS, &b), MB_OK);
  CHECK_EQ_INT(a.v, b.v);
  CHECK_EQ_INT(a.v, n / 2 - 1);
  if (a.v == b.v && a.q && b.q) {
    CHECK_EQ_MEM(a.q, b.q, (a.v + 1) * sizeof(*a.q));
    CHECK_EQ_MEM(a.s, b.s, (a.v + 1) * sizeof(*a.s));
  }
  mb_tuple_stats_cleanup(&a);
  mb_tuple_stats_cleanup(&b);
  free(buf);
}

/* The radix sort alone (it must not give up) and the automatic choice give
 * what SA-IS gives, count for count. */
static void same_as_sais(const uint8_t *buf, size_t n)
{
  struct mb_tuple_stats a, b, c;

  CHECK_EQ_INT(mb_tuple_stats_compute(buf, n, MB_TUPLE_RADIX, &a), MB_OK);
  CHECK_EQ_INT(mb_tuple_stats_compute(buf, n, MB_TUPLE_AUTO, &c), MB_OK);
  CHECK_EQ_INT(mb_tuple_stats_compute(buf, n, MB_TUPLE_SAIS, &b), MB_OK);
  CHECK_EQ_INT(a.v, b.v);
  CHECK_EQ_INT(c.v, b.v);
  if (a.v == b.v && c.v == b.v && a.q && b.q && c.q) {
    CHECK_EQ_MEM(a.q, b.q, (a.v + 1) * sizeof(*a.q));
    CHECK_EQ_MEM(a.s, b.s, (a.v + 1) * sizeof(*a.s));
    CHECK_EQ_MEM(c.q, b.q, (c.v + 1) * sizeof(*c.q));
    CHECK_EQ_MEM(c.s, b.s, (c.v + 1) * sizeof(*c.s));
  }
  mb_tuple_stats_cleanup(&a);
  mb_tuple_stats_cleanup(&b);
  mb_tuple_stats_cleanup(&c);
}

/* The radix sort's run-by-run method takes over when an 8-bit prefix
 * starts more than 2^17 suffixes (skewed data such as timing deltas): a
 * bitstring with ones 10 % of the time (prefix 0 holds about 43 % of the
 * suffixes; 2,600,000 bits make three runs; zero runs reach past the 80
 * key bits) and bytes that are zero half the time (one run, 8-bit
 * symbols). Both must give what SA-IS gives, count for count. */
static void test_runs_path(void)
{
  static const size_t sizes[2] = {2600000, 400000};
  unsigned shape;

  rng_state = 4242;
  for (shape = 0; shape < 2; shape++) {
    size_t n = sizes[shape], i;
    uint8_t *buf = malloc(n);

    CHECK(buf != NULL);
    if (!buf)
      return;
    for (i = 0; i < n; i++)
      buf[i] = shape == 0 ? (uint8_t)(rng_unit() < 0.1)
                          : (uint8_t)(rng_unit() < 0.5 ? 0 : 1 + (rng_next() & 31u));
    same_as_sais(buf, n);
    free(buf);
  }
}

/* One timing-like sample: the low 8 bits of a heavy-tailed delta (a base
 * cost, log-normal jitter, rare long stalls, a 3-tick quantum), as
 * gen_samples's "timing" kind makes them. */
static uint8_t timing_sample(void)
{
  double t = 1200.0 + exp(3.0 + 0.6 * sqrt(-2.0 * log(rng_unit())) *
                                    cos(6.283185307179586 * rng_unit()));

  if (rng_unit() < 0.01)
    t += 2000.0 + 18000.0 * rng_unit();
  return (uint8_t)(((uint64_t)t / 3u * 3u) & 0xFFu);
}

/* The bitstring of timing-like bytes is skewed at every depth. At these
 * sizes no 8-bit prefix starts more than 2^17 suffixes, so the radix sort
 * takes the bitmaps (test_run_groups has a timing-like bitstring large
 * enough for the run-by-run sort and sort_skewed). Shapes:
 * timing-like bytes; the same with values held for up to 16 samples (common
 * prefixes past the 88 bits a key reaches); a period-1000 pattern of them with
 * 1 % of the samples replaced (long repeats: the radix sort may hand over
 * to SA-IS); and the bytes themselves (8-bit symbols). Every one must give what SA-IS
 * gives, count for count, by the radix sort alone when it does not give up, and by the
 * automatic choice. */
static void test_skewed(void)
{
  static const size_t bytes[4] = {160000, 120000, 60000, 700000};
  unsigned shape;

  rng_state = 5150;
  for (shape = 0; shape < 4; shape++) {
    size_t nb = bytes[shape], n = shape == 3 ? nb : nb * 8, i;
    uint8_t *smp = malloc(nb), *buf = malloc(n);
    struct mb_tuple_stats a, b, c;
    int rc;

    CHECK(smp != NULL && buf != NULL);
    if (!smp || !buf) {
      free(smp);
      free(buf);
      return;
    }
    for (i = 0; i < nb; i++) {
      if (shape == 1 && i > 0 && rng_unit() < 0.02) {
        size_t len = 1 + (size_t)(rng_next() % 16u), e = i + len < nb ? i + len : nb;

        for (; i < e; i++)
          smp[i] = smp[i - 1];
        i--;
      } else if (shape == 2 && i >= 1000 && rng_unit() >= 0.01) {
        smp[i] = smp[i - 1000];
      } else {
        smp[i] = timing_sample();
      }
    }
    if (shape == 3)
      memcpy(buf, smp, n);
    else
      for (i = 0; i < n; i++)
        buf[i] = (uint8_t)(((unsigned)smp[i / 8] >> (7u - i % 8u)) & 1u);
    CHECK_EQ_INT(mb_tuple_stats_compute(buf, n, MB_TUPLE_SAIS, &b), MB_OK);
    CHECK_EQ_INT(mb_tuple_stats_compute(buf, n, MB_TUPLE_AUTO, &c), MB_OK);
    rc = mb_tuple_stats_compute(buf, n, MB_TUPLE_RADIX, &a);
    if (shape != 2)
      CHECK_EQ_INT(rc, MB_OK);
    CHECK_EQ_INT(c.v, b.v);
    if (c.v == b.v && c.q && b.q) {
      CHECK_EQ_MEM(c.q, b.q, (b.v + 1) * sizeof(*b.q));
      CHECK_EQ_MEM(c.s, b.s, (b.v + 1) * sizeof(*b.s));
    }
    if (rc == MB_OK) {
      CHECK_EQ_INT(a.v, b.v);
      if (a.v == b.v && a.q && b.q) {
        CHECK_EQ_MEM(a.q, b.q, (b.v + 1) * sizeof(*b.q));
        CHECK_EQ_MEM(a.s, b.s, (b.v + 1) * sizeof(*b.s));
      }
    }
    mb_tuple_stats_cleanup(&a);
    mb_tuple_stats_cleanup(&b);
    mb_tuple_stats_cleanup(&c);
    free(smp);
    free(buf);
  }
}

/* The run-by-run method puts each run's suffixes in groups of consecutive
 * 16-bit prefixes (at most 2^15 suffixes, or one prefix holding more; the
 * prefixes of a group share from 0 to 16 leading bits, where its keys
 * start) and emits the suffixes of unique keys straight into the walk
 * (emit_distinct), except the last few, whose LCP the length caps. Shapes:
 * 2-bit and 3-bit symbols, mostly zero (the LCP in bits divided by widths
 * other than 1 and 8), ending in zeros; a bitstring with ones 3 % of the
 * time (prefix 0 holds about 61 % of the suffixes, a group of one prefix
 * far past 2^15), ending in 200 zeros; and the bitstring of 1,000,000
 * timing-like bytes (about the fewest whose bitstring takes the run-by-run
 * method, an 8-bit prefix starting more than 2^17 suffixes; eight runs,
 * groups of every kind). */
static void test_run_groups(void)
{
  static const size_t sizes[4] = {700000, 600000, 400000, 8000000};
  static const size_t zeros[4] = {100, 0, 200, 0};
  unsigned shape;

  rng_state = 6060;
  for (shape = 0; shape < 4; shape++) {
    size_t n = sizes[shape], i;
    uint8_t *buf = malloc(n);

    CHECK(buf != NULL);
    if (!buf)
      return;
    for (i = 0; i < n; i++) {
      if (shape == 0)
        buf[i] = rng_unit() < 0.7 ? 0 : (uint8_t)(1 + rng_next() % 3u);
      else if (shape == 1)
        buf[i] = rng_unit() < 0.65 ? 0 : (uint8_t)(1 + rng_next() % 7u);
      else if (shape == 2)
        buf[i] = (uint8_t)(rng_unit() < 0.03);
      else if (i % 8 == 0)
        buf[i] = timing_sample();
    }
    for (i = 0; shape == 3 && i < n; i += 8) { /* each byte, MSB first */
      unsigned byte = buf[i], j;

      for (j = 0; j < 8; j++)
        buf[i + j] = (uint8_t)((byte >> (7u - j)) & 1u);
    }
    memset(buf + n - zeros[shape], 0, zeros[shape]);
    same_as_sais(buf, n);
    free(buf);
  }
}

/* ---- agreement with ea_non_iid ------------------------------------------ */

/* The reference inputs, one symbol per byte. */
enum {
  REF_UNIFORM8,
  REF_BIASED8,
  REF_MARKOV1,
  REF_SKEWED4,
  REF_PERIODIC8,
  REF_UNIFORM8_1M,
  REF_COUNT
};

static const char *const ref_name[REF_COUNT] = {"uniform8", "biased8",   "markov1",
                                                "skewed4",  "periodic8", "uniform8_1m"};
static const unsigned ref_bits[REF_COUNT] = {8, 8, 1, 4, 8, 8};
static const size_t ref_n[REF_COUNT] = {100000, 20000, 50000, 20000, 20000, 1000000};

static void ref_generate(int which, uint8_t *buf, size_t n)
{
  size_t i;

  rng_state = 1000u + (uint64_t)which;
  for (i = 0; i < n; i++) {
    uint64_t x = rng_next();
    double u = rng_unit();

    switch (which) {
    case REF_UNIFORM8:
    case REF_UNIFORM8_1M:
      buf[i] = (uint8_t)x;
      break;
    case REF_BIASED8: /* 0x42 half the time, else uniform */
      buf[i] = u < 0.5 ? 0x42 : (uint8_t)x;
      break;
    case REF_MARKOV1: /* stays with probability 0.8 */
      buf[i] = i == 0 ? (uint8_t)(x & 1)
                      : (u < 0.8 ? buf[i - 1] : (uint8_t)(buf[i - 1] ^ 1));
      break;
    case REF_SKEWED4: /* min of two uniform nibbles */
      buf[i] = (uint8_t)((x & 15) < ((x >> 4) & 15) ? (x & 15) : ((x >> 4) & 15));
      break;
    default: /* period 50 with 2% noise */
      buf[i] = i < 50 ? (uint8_t)x : (u < 0.02 ? (uint8_t)x : buf[i - 50]);
      break;
    }
  }
}

/* Symbols as a bitstring, most significant bit first, as ea_non_iid makes it. */
static uint8_t *to_bits(const uint8_t *s, size_t n, unsigned bits)
{
  uint8_t *b = malloc(n * bits);
  size_t i;
  unsigned j;

  if (!b)
    return NULL;
  for (i = 0; i < n; i++)
    for (j = 0; j < bits; j++)
      b[i * bits + j] = (uint8_t)((s[i] >> (bits - 1 - j)) & 1u);
  return b;
}

/* Printed by `ea_non_iid -v -v FILE BITS` (v1.1.7, built from
 * usnistgov/SP800-90B_EntropyAssessment) on the files `test_tuple --write`
 * writes: the "t-Tuple Estimate: min entropy" and "LRS Estimate: min
 * entropy" lines, Literal and (for non-binary data) Bitstring. */
struct ref_value {
  double tuple_h, lrs_h;
  size_t t, v;
};

static const struct ref_value ref_literal[REF_COUNT] = {
    {7.6128015702883793, 7.8190569071334837, 1, 3},
    {0.97935317182688086, 1.7966537984600364, 8, 15},
    {0.32855428117851326, 0.56630845006464503, 30, 49},
    {2.8454017292856406, 3.4908943810402948, 3, 7},
    {0.79889322999054113, 0.072709612669732804, 11, 313},
    {7.3337658725840837, 7.9365327931109704, 2, 4}};
static const struct ref_value ref_bitstring[REF_COUNT] = {
    {0.93303393671445811, 0.98301869033280465, 15, 37},
    {0.17036380944421151, 0.25846789463082098, 70, 123},
    {0, 0, 0, 0}, /* binary data: no bitstring assessment */
    {0.68454705821815642, 0.91167777243180603, 16, 31},
    {0.13173050585834944, 0.010338991302939379, 90, 2505},
    {0.93149069917309046, 0.99641198142786624, 19, 43}};

static void check_ref(const struct ref_value *want, const uint8_t *s, size_t n,
                      const char *what)
{
  struct mb_tuple_lrs_result r;

  CHECK_EQ_INT(mb_tuple_lrs_compute(s, n, &r), MB_OK);
  CHECK_EQ_INT(r.t, want->t);
  CHECK_EQ_INT(r.v, want->v);
  CHECK_EQ_INT(r.tuple_ran, 1);
  CHECK_EQ_INT(r.lrs_ran, 1);
  if (fabs(r.tuple_h - want->tuple_h) > 1e-6 || fabs(r.lrs_h - want->lrs_h) > 1e-6)
    fprintf(stderr, "%s: t-tuple %.17g (want %.17g), lrs %.17g (want %.17g)\n", what,
            r.tuple_h, want->tuple_h, r.lrs_h, want->lrs_h);
  CHECK_NEAR(r.tuple_h, want->tuple_h, 1e-6);
  CHECK_NEAR(r.lrs_h, want->lrs_h, 1e-6);
}

static void test_reference(void)
{
  int which;

  for (which = 0; which < REF_COUNT; which++) {
    size_t n = ref_n[which];
    uint8_t *buf = malloc(n), *bits;

    CHECK(buf != NULL);
    if (!buf)
      return;
    ref_generate(which, buf, n);
    check_ref(&ref_literal[which], buf, n, ref_name[which]);
    if (ref_bits[which] > 1) {
      bits = to_bits(buf, n, ref_bits[which]);
      CHECK(bits != NULL);
      if (bits)
        check_ref(&ref_bitstring[which], bits, n * ref_bits[which], ref_name[which]);
      free(bits);
    }
    free(buf);
  }
}

/* Small committed files (tests/data/estimators/tuple/), values printed by
 * `ea_non_iid -v -v FILE BITS`: 1000 uniform bytes, where no byte occurs 35
 * times, so t-Tuple fails on the literal data and LRS runs from u = 1; and
 * 40 symbols of 2 bits. {tuple ran, tuple h, lrs h, t, u, v}. */
struct file_case {
  const char *name;
  unsigned bits;
  struct {
    int tuple_ran;
    double tuple_h, lrs_h;
    size_t t, u, v;
  } lit, bitstring;
};

static const struct file_case file_cases[] = {
    {"small1k.bin",
     8,
     {0, 0, 6.5596963552356886, 0, 1, 2},
     {1, 0.8662878153730722, 0.88136739815761977, 8, 9, 27}},
    {"small40.bin",
     2,
     {0, 0, 1.1101280009580525, 0, 1, 5},
     {1, 0.60525225727441645, 0.59952645335297838, 1, 2, 10}},
};

static void test_files(void)
{
  size_t c;

  for (c = 0; c < sizeof(file_cases) / sizeof(file_cases[0]); c++) {
    const struct file_case *fc = &file_cases[c];
    char path[1024];
    uint8_t buf[2000], *bits;
    size_t n, pass;
    FILE *f;

    snprintf(path, sizeof(path), "%s/tests/data/estimators/tuple/%s", MB_SOURCE_DIR,
             fc->name);
    f = fopen(path, "rb");
    CHECK(f != NULL);
    if (!f)
      continue;
    n = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    bits = to_bits(buf, n, fc->bits);
    CHECK(bits != NULL);
    for (pass = 0; pass < 2 && bits; pass++) {
      struct mb_tuple_lrs_result r;

      CHECK_EQ_INT(mb_tuple_lrs_compute(pass ? bits : buf, pass ? n * fc->bits : n, &r),
                   MB_OK);
      if (pass == 0) {
        CHECK_EQ_INT(r.tuple_ran, fc->lit.tuple_ran);
        CHECK_EQ_STR(r.tuple_skipped, "no tuple occurs 35 times");
        CHECK_EQ_INT(r.u, fc->lit.u);
        CHECK_EQ_INT(r.v, fc->lit.v);
        CHECK_EQ_INT(r.lrs_ran, 1);
        CHECK_NEAR(r.lrs_h, fc->lit.lrs_h, 1e-6);
      } else {
        CHECK_EQ_INT(r.tuple_ran, fc->bitstring.tuple_ran);
        CHECK_EQ_INT(r.t, fc->bitstring.t);
        CHECK_EQ_INT(r.u, fc->bitstring.u);
        CHECK_EQ_INT(r.v, fc->bitstring.v);
        CHECK_NEAR(r.tuple_h, fc->bitstring.tuple_h, 1e-6);
        CHECK_EQ_INT(r.lrs_ran, 1);
        CHECK_NEAR(r.lrs_h, fc->bitstring.lrs_h, 1e-6);
      }
      {
        /* The estimator interface carries the same values, p being p_u. */
        struct mb_estimate tt, lrs;

        memset(&tt, 0xff, sizeof(tt));
        CHECK_EQ_INT(mb_est_t_tuple_lrs(pass ? bits : buf, pass ? n * fc->bits : n,
                                        pass ? 2 : 1u << fc->bits, &tt, &lrs),
                     MB_OK);
        CHECK_EQ_INT(tt.ran, r.tuple_ran);
        CHECK(tt.ran ? tt.skipped == NULL : tt.skipped == r.tuple_skipped);
        CHECK_NEAR(tt.h, r.tuple_ran ? r.tuple_h : -1.0, 0.0);
        CHECK_NEAR(tt.p, r.tuple_ran ? r.tuple_p_u : -1.0, 0.0);
        if (tt.ran) {
          CHECK_EQ_INT(tt.n_values, 2);
          CHECK_EQ_STR(tt.values[0].name, "t");
          CHECK_NEAR(tt.values[0].value, (double)r.t, 0.0);
          CHECK_EQ_STR(tt.values[1].name, "p_hat");
          CHECK_NEAR(tt.values[1].value, r.tuple_p_hat, 0.0);
        } else {
          CHECK_EQ_INT(tt.n_values, 0);
        }
        CHECK_EQ_INT(lrs.ran, 1);
        CHECK(lrs.skipped == NULL);
        CHECK_NEAR(lrs.h, r.lrs_h, 0.0);
        CHECK_NEAR(lrs.p, r.lrs_p_u, 0.0);
        CHECK_EQ_INT(lrs.n_values, 3);
        CHECK_EQ_STR(lrs.values[0].name, "u");
        CHECK_NEAR(lrs.values[0].value, (double)r.u, 0.0);
        CHECK_EQ_STR(lrs.values[1].name, "v");
        CHECK_NEAR(lrs.values[1].value, (double)r.v, 0.0);
        CHECK_EQ_STR(lrs.values[2].name, "p_hat");
        CHECK_NEAR(lrs.values[2].value, r.lrs_p_hat, 0.0);
      }
    }
    free(bits);
  }
}

static int write_refs(const char *dir)
{
  int which;

  for (which = 0; which < REF_COUNT; which++) {
    char path[1024];
    size_t n = ref_n[which];
    uint8_t *buf = malloc(n);
    FILE *f;

    if (!buf)
      return 1;
    ref_generate(which, buf, n);
    snprintf(path, sizeof(path), "%s/%s.bin", dir, ref_name[which]);
    f = fopen(path, "wb");
    if (!f || fwrite(buf, 1, n, f) != n || fclose(f) != 0) {
      fprintf(stderr, "cannot write %s\n", path);
      free(buf);
      return 1;
    }
    printf("%s %u\n", path, ref_bits[which]);
    free(buf);
  }
  return 0;
}

/* The largest root over millions of tuple lengths is found block-wise with
 * bounds (tuple.c, max_root); it must equal the plain maximum over every
 * length, bit for bit. Periodic data whose roots grow with t, and the same
 * with noise (roots that rise and fall), at both widths. */
static void test_max_root(void)
{
  static uint8_t buf[24000];
  unsigned shape;

  rng_state = 20261202;
  for (shape = 0; shape < 4; shape++) {
    size_t n = sizeof buf, i, t, u;
    struct mb_tuple_stats st;
    struct mb_tuple_lrs_result r;
    long double pmax;

    for (i = 0; i < n; i++) {
      uint8_t x = (uint8_t)(shape < 2 ? (i % 3) * 7u : (i % 41) & 5u);

      if (shape % 2 == 1 && rng_unit() < 0.002)
        x = (uint8_t)(rng_next() & 7u);
      buf[i] = x;
    }
    CHECK_EQ_INT(mb_tuple_stats_compute(buf, n, MB_TUPLE_AUTO, &st), MB_OK);
    CHECK_EQ_INT(mb_tuple_lrs_compute(buf, n, &r), MB_OK);
    for (u = 1; u <= st.v && st.q[u] >= 35; u++)
      ;
    pmax = 0.0L;
    for (t = 1; t < u; t++) {
      long double p =
          powl((long double)st.q[t] / (long double)(n - t + 1), 1.0L / (long double)t);
      pmax = p > pmax ? p : pmax;
    }
    CHECK(r.tuple_ran == (u > 1));
    if (u > 1)
      CHECK_NEAR(r.tuple_p_hat, (double)pmax, 0.0);
    pmax = 0.0L;
    for (t = u; t <= st.v; t++) {
      uint64_t m = (uint64_t)(n - t + 1);
      long double p = powl((long double)st.s[t] / (long double)(m * (m - 1u) / 2u),
                           1.0L / (long double)t);
      pmax = p > pmax ? p : pmax;
    }
    CHECK(r.lrs_ran == (st.v >= u));
    if (st.v >= u)
      CHECK_NEAR(r.lrs_p_hat, (double)pmax, 0.0);
    CHECK(st.v > 1000);
    mb_tuple_stats_cleanup(&st);
  }
}

int main(int argc, char **argv)
{
  if (argc == 3 && strcmp(argv[1], "--write") == 0)
    return write_refs(argv[2]);
  test_hand();
  test_edges();
  test_random();
  test_methods_agree();
  test_fallback();
  test_runs_path();
  test_skewed();
  test_run_groups();
  test_max_root();
  test_reference();
  test_files();
  return CHECK_DONE();
}
