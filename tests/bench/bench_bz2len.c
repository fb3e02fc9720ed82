/* bench_bz2len.c: speed of the IID compression statistic (§5.1.11): the
 * bzip2 length of samples written in decimal, by bz2len.c (from the text,
 * and from the samples without the text) against libbz2 compressing the
 * text (BZ2_bzBuffToBuffCompress, block size 500k), on uniform bytes and
 * on the bits of a Markov chain. The lengths must agree; it says so.
 *
 * Usage: bench_bz2len [SAMPLES [REPEATS [CASES]]]
 *   SAMPLES  8-bit samples (default 1000000); the Markov chain has a tenth
 *   REPEATS  timed runs of each, the best is reported (default 5)
 *   CASES    all (default), bytes (uniform bytes only) or bits (the Markov
 *            chain, and the same bits shuffled, as a permutation of the
 *            IID track makes them)
 * CPU time is the steadier figure on a busy machine; MB/s is of the text. */
#include <bzlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bz2len.h"
#include "error.h"

static double cpu_s(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static size_t text_of(const uint8_t *s, size_t n, char *t)
{
  size_t i, len = 0;

  for (i = 0; i < n; i++)
    len += (size_t)sprintf(t + len, "%u ", (unsigned)s[i]);
  return len ? len - 1 : 0;
}

static int bench(const char *label, const uint8_t *s, size_t n, int repeats)
{
  size_t tlen, cap = 4 * n + 16;
  char *t = malloc(cap), *out = malloc(cap + cap / 50 + 1024);
  struct mb_bz2len *w = mb_bz2len_new();
  double best_lib = 1e30, best_text = 1e30, best_dec = 1e30;
  uint64_t len_text = 0, len_dec = 0;
  unsigned int len_lib = 0;
  int r, ok = 1;

  if (!t || !out || !w) {
    fprintf(stderr, "bench_bz2len: out of memory\n");
    free(t);
    free(out);
    mb_bz2len_free(w);
    return 1;
  }
  tlen = text_of(s, n, t);
  for (r = 0; r < repeats; r++) {
    double c0 = cpu_s(), c1, c2, c3;

    len_lib = (unsigned int)(cap + cap / 50 + 1024);
    if (BZ2_bzBuffToBuffCompress(out, &len_lib, t, (unsigned int)tlen, 5, 0, 0) !=
        BZ_OK)
      ok = 0;
    c1 = cpu_s();
    if (mb_bz2len_compute(w, (const uint8_t *)t, tlen, 5, &len_text) != MB_OK)
      ok = 0;
    c2 = cpu_s();
    if (mb_bz2len_decimal(w, s, n, 5, &len_dec) != MB_OK)
      ok = 0;
    c3 = cpu_s();
    if (c1 - c0 < best_lib)
      best_lib = c1 - c0;
    if (c2 - c1 < best_text)
      best_text = c2 - c1;
    if (c3 - c2 < best_dec)
      best_dec = c3 - c2;
  }
  ok = ok && len_text == len_lib && len_dec == len_lib;
  printf("%s: %zu samples, text %zu bytes, bzip2 length %u (%s)\n", label, n, tlen,
         len_lib, ok ? "all three agree" : "MISMATCH");
  printf("  %-34s %9.2f ms CPU  %8.1f MB/s\n", "libbz2 BZ2_bzBuffToBuffCompress",
         best_lib * 1e3, (double)tlen / best_lib / 1e6);
  printf("  %-34s %9.2f ms CPU  %8.1f MB/s  %5.1fx\n", "mb_bz2len_compute (text)",
         best_text * 1e3, (double)tlen / best_text / 1e6, best_lib / best_text);
  printf("  %-34s %9.2f ms CPU  %8.1f MB/s  %5.1fx\n", "mb_bz2len_decimal (samples)",
         best_dec * 1e3, (double)tlen / best_dec / 1e6, best_lib / best_dec);
  free(t);
  free(out);
  mb_bz2len_free(w);
  return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
  size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 1000000, i;
  int repeats = argc > 2 ? atoi(argv[2]) : 5, rc = 0;
  const char *cases = argc > 3 ? argv[3] : "all";
  int bytes = !strcmp(cases, "all") || !strcmp(cases, "bytes");
  int bits = !strcmp(cases, "all") || !strcmp(cases, "bits");
  uint8_t *s;
  uint64_t x = 20261202;
  unsigned bit = 0;

  if (n == 0 || repeats < 1 || (!bytes && !bits)) {
    fprintf(stderr, "usage: bench_bz2len [SAMPLES [REPEATS [all|bytes|bits]]]\n");
    return 2;
  }
  s = malloc(n);
  if (!s)
    return 1;
  for (i = 0; i < n; i++) { /* xorshift64 */
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    s[i] = (uint8_t)(x >> 24);
  }
  if (bytes)
    rc |= bench("uniform bytes", s, n, repeats);
  for (i = 0; i < n / 10; i++) { /* flips with probability 0.3 */
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    if ((x >> 11) % 10 < 3)
      bit ^= 1;
    s[i] = (uint8_t)bit;
  }
  if (bits && n / 10 > 0) {
    rc |= bench("Markov chain bits", s, n / 10, repeats);
    for (i = n / 10; i > 1; i--) { /* Fisher-Yates */
      size_t j;
      uint8_t t;

      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      j = (size_t)((x >> 11) % i);
      t = s[i - 1];
      s[i - 1] = s[j];
      s[j] = t;
    }
    rc |= bench("the same bits shuffled", s, n / 10, repeats);
  }
  free(s);
  return rc;
}
