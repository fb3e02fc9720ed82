/* test_bz2len.c: bz2len.c's output length against libbz2's own
 * (BZ2_bzBuffToBuffCompress, verbosity 0, workFactor 0) on hand cases and
 * hundreds of generated inputs: few and many distinct bytes, runs of every
 * length (RLE1, also across block ends), periodic and constant data, tiny
 * inputs, inputs around the block size, several blocks, and the decimal
 * text of the IID compression statistic, also as mb_bz2len_decimal computes
 * it from the samples (also of two-valued samples, in every shape that
 * bz2len.c's one-bit-a-token sort meets). Each case also without SIMD
 * (mb_bz2len_simd) where the CPU has it. */
#include <bzlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bz2len.h"
#include "check.h"
#include "error.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void)
{
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

static size_t cases;

/* The compression statistic's text: samples in decimal, single spaces. */
static size_t decimal_text(uint8_t *d, const uint8_t *s, size_t n)
{
  size_t i, len = 0;

  for (i = 0; i < n; i++)
    len += (size_t)sprintf((char *)d + len, "%u ", (unsigned)s[i]);
  return len ? len - 1 : 0;
}

/* One comparison; prints the case on a mismatch; returns libbz2's
 * length. */
static uint64_t check_len(struct mb_bz2len *w, const uint8_t *d, size_t n, int level,
                          const char *what)
{
  unsigned int cap = (unsigned int)(n + n / 50 + 1024), got_bz = cap;
  char *o = malloc(cap);
  uint64_t got = 0;
  int rc, st;

  CHECK(o != NULL);
  if (!o)
    return 0;
  rc = BZ2_bzBuffToBuffCompress(o, &got_bz, (char *)(uintptr_t)d, (unsigned int)n,
                                level, 0, 0);
  st = mb_bz2len_compute(w, d, n, level, &got);
  free(o);
  cases++;
  CHECK_EQ_INT(rc, BZ_OK);
  if (rc == BZ_OK && st == MB_OK && mb_bz2len_simd(w, 0)) {
    /* the same without SIMD (the other move-to-front of small alphabets) */
    uint64_t plain = 0;

    CHECK_EQ_INT(mb_bz2len_compute(w, d, n, level, &plain), MB_OK);
    CHECK_EQ_U64(plain, got_bz);
  }
  mb_bz2len_simd(w, 1);
  CHECK_EQ_INT(st, MB_OK);
  if (got != got_bz)
    fprintf(stderr, "mismatch: %s, %zu bytes, level %d\n", what, n, level);
  CHECK_EQ_U64(got, got_bz);
  return got_bz;
}

/* mb_bz2len_decimal on samples s[0..n-1] against libbz2 on their text
 * (written into d). The decimal call comes first, so that the worker's
 * arrays hold another input's (a byte of L the code failed to write
 * would otherwise still hold the right value, from mb_bz2len_compute on
 * the same text). */
static void check_decimal(struct mb_bz2len *w, uint8_t *d, const uint8_t *s, size_t n,
                          int level, const char *what)
{
  uint64_t want, got = 0;

  CHECK_EQ_INT(mb_bz2len_decimal(w, s, n, level, &got), MB_OK);
  want = check_len(w, d, decimal_text(d, s, n), level, what);
  if (got != want)
    fprintf(stderr, "decimal mismatch: %s, %zu samples, level %d\n", what, n, level);
  CHECK_EQ_U64(got, want);
  if (mb_bz2len_simd(w, 0)) {
    CHECK_EQ_INT(mb_bz2len_decimal(w, s, n, level, &got), MB_OK);
    CHECK_EQ_U64(got, want);
  }
  mb_bz2len_simd(w, 1);
}

/* check_len, then the same with binary_runs turned off; returns whether
 * binary_runs ordered a block of it. */
static int check_both(struct mb_bz2len *w, const uint8_t *d, size_t n, int level,
                      const char *what)
{
  size_t before = mb_bz2len_binary_runs(w, 1), after;
  uint64_t want = check_len(w, d, n, level, what), got = 0;

  after = mb_bz2len_binary_runs(w, 0);
  CHECK_EQ_INT(mb_bz2len_compute(w, d, n, level, &got), MB_OK);
  CHECK_EQ_U64(got, want);
  mb_bz2len_binary_runs(w, 1);
  return after > before;
}

/* The same for mb_bz2len_decimal (first, as in check_decimal; the call
 * without binary_runs on a new worker). */
static int check_decimal_both(struct mb_bz2len *w, uint8_t *d, const uint8_t *s,
                              size_t n, int level, const char *what)
{
  size_t before = mb_bz2len_binary_runs(w, 1), after;
  uint64_t want, got = 0;
  struct mb_bz2len *w2 = mb_bz2len_new();

  CHECK(w2 != NULL);
  if (!w2)
    return 0;
  CHECK_EQ_INT(mb_bz2len_decimal(w, s, n, level, &got), MB_OK);
  want = check_len(w, d, decimal_text(d, s, n), level, what);
  if (got != want)
    fprintf(stderr, "decimal mismatch: %s, %zu samples, level %d\n", what, n, level);
  CHECK_EQ_U64(got, want);
  if (mb_bz2len_simd(w, 0)) {
    CHECK_EQ_INT(mb_bz2len_decimal(w, s, n, level, &got), MB_OK);
    CHECK_EQ_U64(got, want);
  }
  mb_bz2len_simd(w, 1);
  after = mb_bz2len_binary_runs(w, 1);
  mb_bz2len_binary_runs(w2, 0);
  CHECK_EQ_INT(mb_bz2len_decimal(w2, s, n, level, &got), MB_OK);
  CHECK_EQ_U64(got, want);
  mb_bz2len_free(w2);
  return after > before;
}

/* Generated data of one kind. */
static void fill(uint8_t *d, size_t n, int kind)
{
  size_t i;

  for (i = 0; i < n; i++) {
    switch (kind) {
    case 0: /* uniform bytes */
      d[i] = (uint8_t)rnd();
      break;
    case 1: /* three values */
      d[i] = (uint8_t)(rnd() % 3);
      break;
    case 2: /* two values in runs of random length up to 300 */
      d[i] = i && rnd() % 150 ? d[i - 1] : (uint8_t)('a' + rnd() % 2);
      break;
    case 3: /* period 5 */
      d[i] = (uint8_t) "abcab"[i % 5];
      break;
    case 4: /* constant */
      d[i] = 7;
      break;
    case 5: /* 20 values, a separator every 1..8 bytes */
      d[i] = rnd() % 5 == 0 ? 0 : (uint8_t)(1 + rnd() % 20);
      break;
    case 6: /* digits and spaces */
      d[i] = i % 7 == 6 ? ' ' : (uint8_t)('0' + rnd() % 10);
      break;
    case 7: /* runs of random bytes, lengths 1..40 */
      d[i] = i && rnd() % 20 ? d[i - 1] : (uint8_t)rnd();
      break;
    case 8: /* 25 values, skewed */
      d[i] = (uint8_t)((rnd() % 25) * (rnd() % 25) / 25);
      break;
    default: /* bits */
      d[i] = (uint8_t)(rnd() & 1);
      break;
    }
  }
}

#define N_KINDS 10

int main(void)
{
  struct mb_bz2len *w = mb_bz2len_new();
  size_t cap = 4200000, n, i;
  uint8_t *d = malloc(cap), *s = malloc(1100000);
  uint64_t out;
  int kind, level;

  CHECK(w != NULL && d != NULL && s != NULL);
  if (!w || !d || !s)
    return CHECK_DONE();

  /* Hand cases: no input, every 1-byte input, tiny inputs. */
  check_len(w, d, 0, 5, "empty");
  for (i = 0; i < 256; i++) {
    d[0] = (uint8_t)i;
    check_len(w, d, 1, 5, "one byte");
  }
  for (n = 2; n <= 20; n++)
    for (kind = 0; kind < N_KINDS; kind++) {
      fill(d, n, kind);
      check_len(w, d, n, 5, "tiny");
    }
  memcpy(d, "0 1 1 0 255 17 3", 16);
  check_len(w, d, 16, 5, "hand text");
  CHECK_EQ_INT(mb_bz2len_compute(w, d, 4, 0, &out), MB_EINVALID);
  CHECK_EQ_INT(mb_bz2len_compute(w, d, 4, 10, &out), MB_EINVALID);

  /* Runs of every length 1..600 of one byte, alone and between others. */
  for (n = 1; n <= 600; n += n < 20 ? 1 : 37) {
    memset(d, 'x', n);
    check_len(w, d, n, 5, "one run");
    d[0] = 'a';
    d[n] = 'b';
    memset(d + 1, 'x', n);
    check_len(w, d, n + 2, 5, "run between");
  }

  /* Random kinds and sizes, block size 100k and 500k. */
  for (i = 0; i < 200; i++) {
    kind = (int)(i % N_KINDS);
    level = i % 3 == 0 ? 1 : 5;
    n = (size_t)(rnd() % (i % 4 == 0 ? 700000 : i % 4 == 1 ? 40 : 6000));
    fill(d, n, kind);
    check_len(w, d, n, level, "generated");
  }

  /* Around the end of a block (100k: 99981 bytes after RLE1), with plain
   * bytes, with runs of 2, 3 and 5 (RLE1 output 5 bytes per run), and with
   * a long run across the end. */
  for (n = 99972; n <= 99992; n++) {
    size_t k;

    fill(d, n, 0);
    check_len(w, d, n, 1, "block end, bytes");
    for (k = 2; k <= 6; k++) {
      size_t j;

      for (j = 0; j < n; j++)
        d[j] = (uint8_t)((j / k) % 2 ? 'p' : 'q');
      check_len(w, d, n, 1, "block end, runs");
    }
    fill(d, n + 400, 0);
    memset(d + n - 200, 'r', 400);
    check_len(w, d, n + 400, 1, "block end, long run");
  }
  /* Several blocks of runs. */
  fill(d, 1500000, 7);
  check_len(w, d, 1500000, 1, "blocks of runs");
  fill(d, 1200000, 2);
  check_len(w, d, 1200000, 5, "blocks of two values");

  /* The decimal text of uniform bytes, of bits (a Markov chain), of a few
   * values, of a constant; 1,000,000 uniform bytes as the IID test makes
   * it (8 blocks), and sizes around the block ends. */
  {
    static const size_t sizes[] = {1, 2, 3, 10, 1000, 100000, 140000, 1000000};
    size_t k;

    for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
      n = sizes[k];
      for (kind = 0; kind < 4; kind++) {
        for (i = 0; i < n; i++) {
          switch (kind) {
          case 0:
            s[i] = (uint8_t)rnd();
            break;
          case 1:
            s[i] = (uint8_t)(i && rnd() % 10 < 7 ? s[i - 1] : rnd() & 1);
            break;
          case 2:
            s[i] = (uint8_t)(rnd() % 4 * 50);
            break;
          default:
            s[i] = 9;
            break;
          }
        }
        check_decimal(w, d, s, n, 5, "decimal text");
        if (n <= 140000)
          check_decimal(w, d, s, n, 1, "decimal text, 100k blocks");
      }
    }
    for (n = 0; n <= 40; n++) {
      for (i = 0; i < n; i++)
        s[i] = (uint8_t)(rnd() % (n % 3 == 0 ? 2 : n % 3 == 1 ? 12 : 256));
      check_decimal(w, d, s, n, 5, "decimal text, tiny");
    }
    /* Uniform bytes with stretches of 6..80 samples repeated, and a
     * period of 1000 samples with a few changed: rotations equal on more
     * tokens than one sort key holds (bz2len.c's first-token buckets of
     * 257 tokens, refined by doubling). */
    for (k = 0; k < 4; k++) {
      size_t r;

      n = k < 2 ? 60000 : 150000;
      for (i = 0; i < n; i++)
        s[i] = k == 3 && i >= 1000 && rnd() % 1000 ? s[i - 1000] : (uint8_t)rnd();
      for (r = 0; k < 3 && r < n / 500; r++) {
        size_t len = 6 + (size_t)(rnd() % 75), from = (size_t)(rnd() % (n - len)),
               to = (size_t)(rnd() % (n - len));

        memmove(s + to, s + from, len);
      }
      check_decimal(w, d, s, n, k % 2 ? 1 : 5, "decimal text, repeated stretches");
    }
    /* One stretch repeated: a few rotations equal on a sort key, each tie
     * seen in its bucket alone (with many, a bucket that misses one tie
     * often finds another) */
    for (k = 0; k < 60; k++) {
      size_t len = 8 + (size_t)(rnd() % 20), from, to;

      n = 5000 + (size_t)(rnd() % 20000);
      from = (size_t)(rnd() % (n - len));
      to = (size_t)(rnd() % (n - len));
      for (i = 0; i < n; i++)
        s[i] = (uint8_t)rnd();
      memmove(s + to, s + from, len);
      check_decimal(w, d, s, n, 5, "decimal text, one repeated stretch");
    }
    /* Block ends at every offset within a number and at its space: a
     * 100k block holds about 28,000 samples, a 500k block 140,000. */
    for (n = 139990; n < 140010; n += 3) {
      for (i = 0; i < n; i++)
        s[i] = (uint8_t)rnd();
      check_decimal(w, d, s, n, 5, "decimal text, block end");
    }
    for (n = 27990; n < 28060; n++) {
      for (i = 0; i < n; i++)
        s[i] = (uint8_t)(n % 2 ? rnd() : rnd() % 3 * 100 + 1);
      check_decimal(w, d, s, n, 1, "decimal text, 100k block end");
    }
    /* Texts of every length around the 100k block's 99981 bytes, ending
     * in a 1-, 2- or 3-digit number: the last block may hold only (the
     * end of) the last number, with no separator. */
    {
      static const uint8_t last[3] = {7, 22, 222};
      size_t t, j;

      for (t = 99976; t <= 99992; t++)
        for (j = 0; j < 3; j++) {
          size_t r = t + 1 - (size_t)(j + 2), x = (3 * r) % 4, y = (r - 3 * x) / 4;

          n = 0;
          for (i = 0; i < x; i++)
            s[n++] = 22;
          for (i = 0; i < y; i++)
            s[n++] = 222;
          s[n++] = last[j];
          check_decimal(w, d, s, n, 1, "decimal text, last number at the block end");
        }
    }
  }
  /* Two-valued samples (bz2len.c's binary sort: one bit a token, the wrap
   * token a sentinel below, between or above the two): every length up to
   * 300, then random lengths; fair, biased (long runs: equal 64-token keys,
   * refined by doubling), alternating, period 3, constant; values whose
   * tokens differ in length ({5, 123}: the blocks end at every offset of a
   * token) and values whose wrap token is one of them ({1, 11}). */
  {
    static const uint8_t pairs[][2] = {{0, 1}, {1, 0}, {5, 123}, {1, 11}, {200, 7}};
    size_t k, kinds = 8, t, by_runs = 0, two_valued = 0;

    for (t = 0; t < 1200; t++) {
      size_t j;

      n = t < 600 ? t / 2 + 1 : (size_t)(rnd() % (t % 5 == 0 ? 20000 : 3000)) + 1;
      kind = (int)(t % kinds);
      k = (t / kinds) % (sizeof(pairs) / sizeof(pairs[0]));
      for (j = 0; j < n; j++) {
        unsigned b;

        switch (kind) {
        case 0: /* fair */
          b = (unsigned)(rnd() & 1);
          break;
        case 1: /* mostly 1 */
          b = rnd() % 64 != 0;
          break;
        case 2: /* mostly 0 */
          b = rnd() % 300 == 0;
          break;
        case 3: /* alternating */
          b = (unsigned)(j & 1);
          break;
        case 4: /* period 3 */
          b = j % 3 == 2;
          break;
        case 5: /* constant */
          b = (unsigned)(t / kinds) & 1;
          break;
        case 6: /* runs of 60..70 (keys equal but for one bit) */
          b = (unsigned)(j / (60 + t % 11)) & 1;
          break;
        default: /* a Markov chain */
          b = j && rnd() % 10 < 8 ? s[j - 1] == pairs[k][1] : (unsigned)(rnd() & 1);
          break;
        }
        s[j] = pairs[k][b];
      }
      by_runs +=
          (size_t)check_decimal_both(w, d, s, n, t % 3 == 0 ? 1 : 5, "two values");
      two_valued++;
    }
    /* Around a 100k block's end (99981 bytes: about 50,000 bits, or
     * 25,000 samples of 5 and 123), and several blocks. */
    for (n = 49985; n <= 49996; n++) {
      for (i = 0; i < n; i++)
        s[i] = (uint8_t)(rnd() & 1);
      check_decimal(w, d, s, n, 1, "two values, block end");
    }
    for (n = 24990; n <= 25010; n++) {
      for (i = 0; i < n; i++)
        s[i] = rnd() % 3 ? 5 : 123;
      check_decimal(w, d, s, n, 1, "two values, 2 and 4 bytes, block end");
    }
    for (k = 0; k < 2; k++) { /* 3 blocks of 500k; 4 of 100k */
      n = k ? 150000 + (size_t)(rnd() % 50000) : 700000 + (size_t)(rnd() % 50000);
      for (i = 0; i < n; i++)
        s[i] = (uint8_t)(k ? (size_t)(rnd() % 40 != 0) : rnd() & 1);
      check_decimal(w, d, s, n, k ? 1 : 5, "two values, several blocks");
    }
    /* binary_runs ordered most of them (not the periodic ones, nor those
     * of one value and the wrap token's) */
    printf("two-valued sample sets: %zu of %zu ordered by their runs\n", by_runs,
           two_valued);
    CHECK(by_runs * 10 >= two_valued * 6);
  }
  /* binary_runs' other cases, which decimal text never makes (its wrap
   * token ranks above the last sample's token, so never below both):
   * text of tokens "a " and "b " after a first token below ("0 "),
   * between ("ab ") or above ("c ") them, which mb_bz2len_compute's
   * rotation makes the last, the sentinel; the last run and the first
   * of either value; long runs; an ending repeated earlier (keys equal
   * until one reaches the end: 40 to 140 tokens, so in the first word or
   * a later one); a repeat of over 1,024 tokens, which binary_runs leaves
   * to the other sort. */
  {
    static const char *const firsts[3] = {"0 ", "ab ", "c "};
    size_t t, by_runs = 0, total = 0, j, fallbacks = 0;

    for (t = 0; t < 900; t++) {
      size_t shape = t % 6, rep, before, len;
      const char *u = firsts[(t / 24) % 3];

      n = t < 300 ? 3 + t : 3 + (size_t)(rnd() % 6000);
      for (j = 0; j < n; j++) {
        switch (shape) {
        case 0: /* fair */
          s[j] = (uint8_t)(rnd() & 1);
          break;
        case 1: /* mostly "a " */
          s[j] = rnd() % 12 == 0;
          break;
        case 2: /* mostly "b " */
          s[j] = rnd() % 12 != 0;
          break;
        case 3: /* Markov */
          s[j] = (uint8_t)(j && rnd() % 10 < 7 ? s[j - 1] : rnd() & 1);
          break;
        default: /* fair, the end repeated earlier */
          s[j] = (uint8_t)(rnd() & 1);
          break;
        }
      }
      s[0] = (t / 6) % 2;
      s[n - 1] = (t / 12) % 2;
      rep = 40 + t % 101;
      if (shape >= 4 && n > 3 * rep + 30)
        memcpy(s + n / 2 - rep - (shape == 5), s + n - rep, rep);
      if (t % 50 == 49 && n > 2100) /* a long repeat */
        memcpy(s + 2, s + n - 1100, 1100);
      len = strlen(u);
      memcpy(d, u, len);
      for (j = 0; j < n; j++) {
        d[len++] = s[j] ? 'b' : 'a';
        d[len++] = ' ';
      }
      before = mb_bz2len_binary_runs(w, 1);
      by_runs += (size_t)check_both(w, d, len, 5, "tokens a and b after a first one");
      total++;
      if (t % 50 == 49 && n > 2100)
        fallbacks += mb_bz2len_binary_runs(w, 1) == before;
    }
    printf("tokens a and b: %zu of %zu ordered by their runs, %zu long repeats left "
           "to the other sort\n",
           by_runs, total, fallbacks);
    CHECK(by_runs * 10 >= total * 9);
    CHECK(fallbacks > 0);
  }
  /* The bucket sort (16 to 4096 distinct tokens) on decimal text in more
   * shapes: uniform; 16 or 20 values; skewed; sticky (runs); sorted up
   * and down; a sawtooth (period 256: rotations equal beyond a sort key,
   * refined by doubling); a period of 300 with a few changes; one value
   * with rare others; bits with rare others (tokens "0 " and "1 " fill
   * their buckets of L at once, the others write through counters);
   * sizes from 300 samples to several blocks, around
   * the 100k and 500k block ends; and bytes without a separator (each
   * byte a token). */
  {
    static const size_t sizes[] = {300,   301,   1000,   4099,   27990, 28001,
                                   28037, 60000, 139997, 140003, 400000};
    size_t k, shape;

    for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
      n = sizes[k];
      for (shape = 0; shape < 10; shape++) {
        for (i = 0; i < n; i++) {
          switch (shape) {
          case 0:
            s[i] = (uint8_t)rnd();
            break;
          case 1:
            s[i] = (uint8_t)(rnd() % (k % 2 ? 16 : 20) * 13);
            break;
          case 2: /* skewed: low values more often */
            s[i] = (uint8_t)((rnd() % 256) * (rnd() % 256) / 255);
            break;
          case 3: /* sticky */
            s[i] = (uint8_t)(i && rnd() % 10 < 8 ? s[i - 1] : rnd());
            break;
          case 4: /* sorted up */
            s[i] = (uint8_t)(i * 256 / n);
            break;
          case 5: /* sorted down */
            s[i] = (uint8_t)(255 - i * 256 / n);
            break;
          case 6: /* sawtooth */
            s[i] = (uint8_t)i;
            break;
          case 7: /* period 300, a few changed */
            s[i] = i >= 300 && rnd() % 500 ? s[i - 300] : (uint8_t)rnd();
            break;
          case 8: /* one value, rarely others */
            s[i] = rnd() % 50 ? 77 : (uint8_t)rnd();
            break;
          default: /* bits, rarely values that end in 2..9 (the scatter
                    * of L with a branch on each token's record) */
            s[i] = (uint8_t)(rnd() % 40 ? rnd() & 1 : rnd() % 25 * 10 + 2 + rnd() % 8);
            break;
          }
        }
        check_decimal(w, d, s, n, k % 3 == 1 ? 1 : 5, "decimal text, more shapes");
      }
    }
    /* tokens "0 " and "1 ", rarely one of 2 to 7 digits 2..9 (the
     * scatter's branch on each token's record, with bytes past the
     * second written one by one) */
    for (k = 0; k < 40; k++) {
      size_t len = 0, want = 200 + k * k * 97;

      while (len < want) {
        if (rnd() % 30) {
          d[len++] = (uint8_t)('0' + rnd() % 2);
        } else {
          size_t l = 1 + rnd() % 6, j;

          for (j = 0; j < l; j++)
            d[len++] = (uint8_t)('2' + rnd() % 8);
        }
        d[len++] = ' ';
      }
      check_len(w, d, len, k % 2 ? 5 : 1, "bits, rarely long tokens");
    }
    for (k = 0; k < 6; k++) {
      n = k < 3 ? 1000 + k * 50000 : 500000 + (k - 3) * 99000;
      for (i = 0; i < n; i++)
        d[i] = (uint8_t)(k % 2 ? rnd() : rnd() % 40 + 'a');
      check_len(w, d, n, k % 2 ? 5 : 1, "bytes, 40 or 256 values");
    }
  }
  printf("%zu inputs compared with libbz2\n", cases);
  mb_bz2len_free(w);
  free(d);
  free(s);
  return CHECK_DONE();
}
