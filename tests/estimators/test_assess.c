/* test_assess.c: mb_assess's rules (what runs on which data, widths,
 * translation, minima, options) and its documented edge-case answers
 * (harness/estimators/README.md). */
#include "check.h"
#include "estimators.h"
#include "testutil.h"

static struct mb_assessment a;

static int assess(const uint8_t *s, size_t n, unsigned bits,
                  const struct mb_assess_options *o, struct mb_error *err)
{
  mb_error_init(err);
  return mb_assess(s, n, bits, o, &a, err);
}

static void random_bytes(uint8_t *s, size_t n, uint64_t seed, unsigned mod)
{
  size_t i;

  for (i = 0; i < n; i++) {
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    s[i] = (uint8_t)((seed >> 32) % mod);
  }
}

static int ran_count(const struct mb_estimate *sec)
{
  int i, c = 0;

  for (i = 0; i < MB_EST_COUNT; i++)
    c += sec[i].ran;
  return c;
}

static void test_errors(void)
{
  static const uint8_t s[] = {1, 2, 3, 0x1f, 4};
  struct mb_error err;

  CHECK_EQ_INT(assess(s, 0, 0, NULL, &err), MB_EINVALID);
  CHECK(strstr(err.text, "no samples") != NULL);
  CHECK_EQ_INT(assess(s, sizeof(s), 9, NULL, &err), MB_EINVALID);
  /* 0x1f does not fit 4 bits: its offset is named. */
  CHECK_EQ_INT(assess(s, sizeof(s), 4, NULL, &err), MB_EINVALID);
  CHECK(strstr(err.text, "offset 3") != NULL);
  CHECK(strstr(err.text, "31") != NULL);
  CHECK_EQ_INT(assess(NULL, 5, 0, NULL, &err), MB_EINVALID);
}

static void test_constant(void)
{
  static uint8_t s[100];
  struct mb_error err;
  int i;

  /* One repeated value: 0 bits (the reference tool refuses the file). */
  memset(s, 7, sizeof(s));
  CHECK_EQ_INT(assess(s, sizeof(s), 0, NULL, &err), MB_OK);
  CHECK_EQ_INT(a.alphabet_size, 1);
  CHECK_EQ_INT(a.bits_per_symbol, 3);
  CHECK_NEAR(a.h_original, 0.0, 0);
  CHECK_NEAR(a.h_assessed, 0.0, 0);
  CHECK_NEAR(a.h_bitstring, -1.0, 0);
  for (i = 0; i < MB_EST_COUNT; i++) {
    CHECK_EQ_INT(a.literal[i].ran, 0);
    CHECK(a.literal[i].skipped != NULL);
    CHECK_EQ_INT(a.bitstring[i].ran, 0);
  }
  /* All zeros with the width inferred: 1 bit per symbol, 0 bits. */
  memset(s, 0, sizeof(s));
  CHECK_EQ_INT(assess(s, sizeof(s), 0, NULL, &err), MB_OK);
  CHECK_EQ_INT(a.bits_per_symbol, 1);
  CHECK_NEAR(a.h_assessed, 0.0, 0);
  /* A single sample is the same case. */
  CHECK_EQ_INT(assess(s, 1, 8, NULL, &err), MB_OK);
  CHECK_EQ_INT(a.bits_per_symbol, 8);
  CHECK_NEAR(a.h_assessed, 0.0, 0);
}

static void test_binary_8bit(void)
{
  static uint8_t s[5000];
  struct mb_error err;
  size_t i;

  /* Two distinct 8-bit values: binary data. Every estimator runs on the
   * translated 0/1 symbols, no bitstring; H is per 8-bit symbol but at
   * most 1 in practice. */
  random_bytes(s, sizeof(s), 77, 2);
  for (i = 0; i < sizeof(s); i++)
    s[i] = s[i] ? 0xF0 : 0x0F;
  CHECK_EQ_INT(assess(s, sizeof(s), 0, NULL, &err), MB_OK);
  CHECK_EQ_INT(a.binary, 1);
  CHECK_EQ_INT(a.bits_per_symbol, 8);
  CHECK_EQ_INT(a.alphabet_size, 2);
  CHECK(a.literal[MB_EST_COLLISION].ran);
  CHECK(a.literal[MB_EST_MARKOV].ran);
  CHECK_EQ_INT(ran_count(a.bitstring), 0);
  CHECK_NEAR(a.h_bitstring, -1.0, 0);
  CHECK(a.h_original > 0.5 && a.h_original <= 1.0);
  CHECK_NEAR(a.h_assessed, a.h_original, 0);
}

static void test_translation(void)
{
  static uint8_t s[20000], t[20000];
  struct mb_error err;
  struct mb_assessment b;
  size_t i;

  /* Literal estimates depend only on the ranks of the values: 3 values
   * spread over 8 bits give the literal results of the values 0, 1, 2 at
   * 8 bits; the bitstring differs (it uses the raw values). */
  random_bytes(s, sizeof(s), 5, 3);
  for (i = 0; i < sizeof(s); i++)
    t[i] = (uint8_t)(s[i] == 0 ? 0x11 : s[i] == 1 ? 0x80 : 0xFE);
  CHECK_EQ_INT(assess(s, sizeof(s), 8, NULL, &err), MB_OK);
  b = a;
  CHECK_EQ_INT(assess(t, sizeof(t), 0, NULL, &err), MB_OK);
  CHECK_EQ_INT(a.alphabet_size, 3);
  CHECK_EQ_INT(a.binary, 0);
  CHECK_NEAR(a.literal[MB_EST_MCV].h, b.literal[MB_EST_MCV].h, 0);
  CHECK_EQ_INT(a.literal[MB_EST_COLLISION].ran, 0);
  CHECK(a.literal[MB_EST_COLLISION].skipped != NULL);
  CHECK(a.bitstring[MB_EST_COLLISION].ran);
  CHECK(a.bitstring[MB_EST_MCV].h != b.bitstring[MB_EST_MCV].h);
  /* The final values follow the reference's formula. */
  CHECK(a.h_original <= 8.0 && a.h_original <= a.literal[MB_EST_MCV].h);
  CHECK(a.h_bitstring <= a.bitstring[MB_EST_MCV].h);
  CHECK_NEAR(a.h_assessed, fmin(a.h_original, 8.0 * a.h_bitstring), 0);
}

static void test_bitstring_order(void)
{
  static uint8_t s[3000];
  struct mb_assess_options o = {1u << MB_EST_MARKOV, 0, 1, 0};
  struct mb_error err;
  size_t i;

  /* 2, 3, 0 at 2 bits, most significant bit first: 10 11 00 repeated, in
   * which a 0 is followed by 0 once in three (0 -> 1, 0 -> 0, 0 -> 1);
   * least significant first (01 11 00) it would be twice in three. */
  for (i = 0; i < sizeof(s); i++)
    s[i] = (uint8_t)(i % 3 == 0 ? 2 : i % 3 == 1 ? 3 : 0);
  CHECK_EQ_INT(assess(s, sizeof(s), 2, &o, &err), MB_OK);
  CHECK(a.bitstring[MB_EST_MARKOV].ran);
  CHECK_NEAR(mb_test_value(&a.bitstring[MB_EST_MARKOV], "p_00"), 1.0 / 3.0, 1e-3);
  CHECK_NEAR(mb_test_value(&a.bitstring[MB_EST_MARKOV], "p_0"), 0.5, 1e-3);
}

static void test_options(void)
{
  static uint8_t s[20000];
  struct mb_assess_options o = {0, 0, 1, 0};
  struct mb_error err;
  int i;

  random_bytes(s, sizeof(s), 9, 16);
  o.estimators = 1u << MB_EST_MCV;
  CHECK_EQ_INT(assess(s, sizeof(s), 4, &o, &err), MB_OK);
  CHECK_EQ_INT(ran_count(a.literal), 1);
  CHECK_EQ_INT(ran_count(a.bitstring), 1);
  for (i = 1; i < MB_EST_COUNT; i++)
    CHECK(a.literal[i].skipped == NULL && a.bitstring[i].skipped == NULL);
  CHECK_NEAR(a.h_original, fmin(4.0, a.literal[MB_EST_MCV].h), 0);
  CHECK_NEAR(a.h_bitstring, fmin(1.0, a.bitstring[MB_EST_MCV].h), 0);

  o.no_bitstring = 1;
  CHECK_EQ_INT(assess(s, sizeof(s), 4, &o, &err), MB_OK);
  CHECK_EQ_INT(ran_count(a.bitstring), 0);
  CHECK_NEAR(a.h_bitstring, -1.0, 0);
  CHECK_NEAR(a.h_assessed, a.h_original, 0);

  /* Only a binary-only estimator on non-binary data, no bitstring:
   * nothing runs, nothing is assessed. */
  o.estimators = 1u << MB_EST_MARKOV;
  CHECK_EQ_INT(assess(s, sizeof(s), 4, &o, &err), MB_OK);
  CHECK_NEAR(a.h_original, -1.0, 0);
  CHECK_NEAR(a.h_assessed, -1.0, 0);
}

static void test_tiny(void)
{
  static uint8_t all[256];
  struct mb_error err;
  int i;

  /* 256 distinct bytes once each; 2 samples (16 bits); 3 samples. Each
   * gives a defined answer within 0..bits; the reference tool aborts on
   * all three (see README.md). */
  for (i = 0; i < 256; i++)
    all[i] = (uint8_t)((i * 73) & 0xFF);
  CHECK_EQ_INT(assess(all, 256, 0, NULL, &err), MB_OK);
  CHECK_EQ_INT(a.alphabet_size, 256);
  CHECK(a.h_assessed >= 0.0 && a.h_assessed <= 8.0);
  CHECK(a.literal[MB_EST_MCV].ran);
  CHECK_EQ_INT(assess((const uint8_t *)"\x35\xc9", 2, 0, NULL, &err), MB_OK);
  CHECK(a.h_assessed >= 0.0 && a.h_assessed <= 8.0);
  CHECK_EQ_INT(a.bitstring[MB_EST_COMPRESSION].ran, 0);
  CHECK_EQ_INT(assess((const uint8_t *)"\1\2\3", 3, 0, NULL, &err), MB_OK);
  CHECK(a.h_assessed >= 0.0 && a.h_assessed <= 2.0);
  /* Two 1-bit samples, 0 then 1. */
  CHECK_EQ_INT(assess((const uint8_t *)"\0\1", 2, 0, NULL, &err), MB_OK);
  CHECK_EQ_INT(a.binary, 1);
  CHECK(a.h_assessed >= 0.0 && a.h_assessed <= 1.0);
}

/* The same results on 1, 2 and 3 threads, with the memory-heavy tasks
 * (t-Tuple/LRS, MultiMMC on the literal symbols: assess.c,
 * HEAVY_MIN_SYMBOLS) free (the default at this size) and heavy from 2^19
 * symbols on: the literal sort and MultiMMC then run beside each other
 * and wait for the bitstring's sort. */
static void test_threads_heavy(void)
{
  static struct mb_assessment one;
  const size_t n = 600000;
  uint8_t *s = malloc(n);
  struct mb_assess_options o = {0, 0, 1, 0};
  struct mb_error err;
  int threads, i;

  if (!s) {
    CHECK(0 && "out of memory");
    return;
  }
  random_bytes(s, n, 99, 6);
  for (i = 0; i < (int)n; i += 7)
    s[i] = 5; /* a little structure: longer repeats */
  CHECK_EQ_INT(assess(s, n, 0, &o, &err), MB_OK);
  one = a;
  for (threads = 2; threads <= 5; threads++) {
    o.threads = threads <= 3 ? threads : threads - 2;
    o.heavy_min = threads <= 3 ? 0 : (size_t)1 << 19;
    CHECK_EQ_INT(assess(s, n, 0, &o, &err), MB_OK);
    for (i = 0; i < MB_EST_COUNT; i++) {
      CHECK_EQ_INT(a.literal[i].ran, one.literal[i].ran);
      CHECK(a.literal[i].h == one.literal[i].h && a.literal[i].p == one.literal[i].p);
      CHECK_EQ_INT(a.bitstring[i].ran, one.bitstring[i].ran);
      CHECK(a.bitstring[i].h == one.bitstring[i].h &&
            a.bitstring[i].p == one.bitstring[i].p);
    }
    CHECK(a.h_assessed == one.h_assessed);
  }
  CHECK_EQ_INT(one.literal[MB_EST_MULTI_MMC].ran, 1);
  CHECK_EQ_INT(one.bitstring[MB_EST_T_TUPLE].ran, 1);
  free(s);
}

int main(void)
{
  test_errors();
  test_constant();
  test_binary_8bit();
  test_translation();
  test_bitstring_order();
  test_options();
  test_tiny();
  test_threads_heavy();
  return CHECK_DONE();
}
