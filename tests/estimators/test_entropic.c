/* test_entropic.c: MCV, Collision, Markov and Compression (SP 800-90B
 * §6.3.1-§6.3.4) on small inputs whose results are worked out by hand. */
#include "check.h"
#include "internal.h"
#include "testutil.h"

/* A fixed xorshift stream of bits, so the inputs need no files. */
static void random_bits(uint8_t *s, size_t n, uint64_t seed)
{
  size_t i;

  for (i = 0; i < n; i++) {
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    s[i] = (uint8_t)(seed >> 63);
  }
}

static void test_mcv(void)
{
  static uint8_t s[10000];
  struct mb_estimate e;

  /* 6000 zeros in 10000: p-hat 0.6, p_u = 0.6 + 2.5758293035489008 *
   * sqrt(0.6 * 0.4 / 9999) = 0.61261956591047750. */
  memset(s, 1, sizeof(s));
  memset(s, 0, 6000);
  CHECK_EQ_INT(mb_est_mcv(s, 10000, 2, &e), MB_OK);
  CHECK_EQ_INT(e.ran, 1);
  CHECK_NEAR(e.p, 0.6126195659104775, 1e-15);
  CHECK_NEAR(e.h, 0.7069366502631871, 1e-15);
  CHECK_NEAR(mb_test_value(&e, "mode"), 6000, 0);
  CHECK_NEAR(mb_test_value(&e, "p_hat"), 0.6, 1e-15);

  /* 3 of 4 alike: the bound passes 1 and is capped: no entropy. */
  CHECK_EQ_INT(mb_est_mcv((const uint8_t *)"\0\0\0\1", 4, 2, &e), MB_OK);
  CHECK_NEAR(e.p, 1.0, 0);
  CHECK_NEAR(e.h, 0.0, 0);

  /* One sample: p_u is undefined (n - 1 = 0). */
  CHECK_EQ_INT(mb_est_mcv(s, 1, 2, &e), MB_OK);
  CHECK_EQ_INT(e.ran, 0);
  CHECK(e.skipped != NULL);
}

static void test_collision(void)
{
  /* 00|010|11|100: collision times 2, 3, 2, 3. Mean 2.5, sigma sqrt(1/3),
   * bound 2.5 - Z sqrt(1/3) / 2 < 2, clamped to 2: p = 1, h = 0. */
  static const uint8_t s[] = {0, 0, 0, 1, 0, 1, 1, 1, 0, 0};
  static uint8_t r[100000];
  struct mb_estimate e;

  CHECK_EQ_INT(mb_est_collision(s, sizeof(s), 2, &e), MB_OK);
  CHECK_EQ_INT(e.ran, 1);
  CHECK_NEAR(mb_test_value(&e, "v"), 4, 0);
  CHECK_NEAR(mb_test_value(&e, "x_bar"), 2.5, 0);
  CHECK_NEAR(mb_test_value(&e, "sigma"), sqrt(1.0 / 3.0), 1e-15);
  CHECK_NEAR(mb_test_value(&e, "x_bar_prime"), 2.0, 0);
  CHECK_NEAR(e.p, 1.0, 0);
  CHECK_NEAR(e.h, 0.0, 0);

  /* Fair bits: mean collision time near 2.5, bound below it; the root of
   * -2p^2 + 2p + 2 = X' gives p = 0.5 + sqrt(1.25 - X'/2). */
  random_bits(r, sizeof(r), 0x9e3779b97f4a7c15ull);
  CHECK_EQ_INT(mb_est_collision(r, sizeof(r), 2, &e), MB_OK);
  CHECK_NEAR(e.p, 0.5 + sqrt(1.25 - 0.5 * mb_test_value(&e, "x_bar_prime")), 1e-15);
  CHECK(e.h > 0.8 && e.h <= 1.0);

  /* Too short for two collision times; and non-binary data. */
  CHECK_EQ_INT(mb_est_collision(s, 3, 2, &e), MB_OK);
  CHECK_EQ_INT(e.ran, 0);
  CHECK_EQ_INT(mb_est_collision(s, sizeof(s), 3, &e), MB_OK);
  CHECK_EQ_INT(e.ran, 0);
  CHECK(e.skipped && strstr(e.skipped, "binary"));
}

static void test_markov(void)
{
  static uint8_t s[100];
  struct mb_estimate e;
  size_t i;

  /* 0101...: P_0 = P_1 = 1/2, P_01 = P_10 = 1, P_00 = P_11 = 0. The most
   * likely 128-bit sequence is 0101... (or 1010...) with probability 1/2:
   * H = 1 bit per 128. */
  for (i = 0; i < 100; i++)
    s[i] = (uint8_t)(i & 1);
  CHECK_EQ_INT(mb_est_markov(s, 100, 2, &e), MB_OK);
  CHECK_EQ_INT(e.ran, 1);
  CHECK_NEAR(mb_test_value(&e, "p_0"), 0.5, 0);
  CHECK_NEAR(mb_test_value(&e, "p_01"), 1.0, 0);
  CHECK_NEAR(mb_test_value(&e, "p_00"), 0.0, 0);
  CHECK_NEAR(e.h, 1.0 / 128.0, 1e-15);
  CHECK_NEAR(e.p, 0.5, 1e-15);

  /* 0011 repeated: every transition probability 1/2, P_0 = 1/2: each of
   * the six sequences has probability 2^-128 except the all-equal ones
   * (2^-1 * 2^-127 as well): h = 1, less the sampling error of n = 100. */
  for (i = 0; i < 100; i++)
    s[i] = (uint8_t)((i >> 1) & 1);
  CHECK_EQ_INT(mb_est_markov(s, 100, 2, &e), MB_OK);
  CHECK(e.h > 0.9 && e.h <= 1.0);

  CHECK_EQ_INT(mb_est_markov(s, 1, 2, &e), MB_OK);
  CHECK_EQ_INT(e.ran, 0);
  CHECK_EQ_INT(mb_est_markov(s, 100, 4, &e), MB_OK);
  CHECK_EQ_INT(e.ran, 0);
}

static void test_compression(void)
{
  static uint8_t s[60000];
  struct mb_estimate e;

  /* All zeros: every block repeats the last, distance 1, log2 0: X' = 0,
   * only p -> 1 explains it: h near 0. */
  memset(s, 0, sizeof(s));
  CHECK_EQ_INT(mb_est_compression(s, 12000, 2, &e), MB_OK);
  CHECK_EQ_INT(e.ran, 1);
  CHECK_NEAR(mb_test_value(&e, "x_bar"), 0.0, 0);
  CHECK_NEAR(mb_test_value(&e, "sigma"), 0.0, 0);
  CHECK(e.h >= 0.0 && e.h < 0.01);

  /* Fair bits: close to full entropy, but never above 1. */
  random_bits(s, sizeof(s), 12345);
  CHECK_EQ_INT(mb_est_compression(s, sizeof(s), 2, &e), MB_OK);
  CHECK_EQ_INT(e.ran, 1);
  CHECK(e.h > 0.6 && e.h <= 1.0);
  CHECK(e.p >= 1.0 / 64.0 && e.p < 0.1);

  /* d = 1000 dictionary blocks plus at least one test block: 1000 blocks
   * (6000 bits) or 6005 bits are not enough, 1001 blocks are. */
  CHECK_EQ_INT(mb_est_compression(s, 6005, 2, &e), MB_OK);
  CHECK_EQ_INT(e.ran, 0);
  CHECK(e.skipped != NULL);
  CHECK_EQ_INT(mb_est_compression(s, 6006, 2, &e), MB_OK);
  CHECK_EQ_INT(e.ran, 1);
  CHECK_EQ_INT(mb_est_compression(s, sizeof(s), 3, &e), MB_OK);
  CHECK_EQ_INT(e.ran, 0);
}

static void test_table(void)
{
  enum mb_estimator e;

  CHECK_EQ_STR(mb_estimator_key(MB_EST_MCV), "mcv");
  CHECK_EQ_STR(mb_estimator_key(MB_EST_LZ78Y), "lz78y");
  CHECK_EQ_STR(mb_estimator_section(MB_EST_LZ78Y), "6.3.10");
  CHECK_EQ_STR(mb_estimator_title(MB_EST_LRS), "Longest Repeated Substring");
  CHECK_EQ_INT(mb_estimator_parse("multi_mmc", &e), MB_OK);
  CHECK_EQ_INT(e, MB_EST_MULTI_MMC);
  CHECK_EQ_INT(mb_estimator_parse("MCV", &e), MB_EINVALID);
  CHECK_EQ_INT(mb_estimator_parse(NULL, &e), MB_EINVALID);
  CHECK_EQ_STR(mb_estimator_key((enum mb_estimator)MB_EST_COUNT), "?");
}

int main(void)
{
  test_table();
  test_mcv();
  test_collision();
  test_markov();
  test_compression();
  return CHECK_DONE();
}
