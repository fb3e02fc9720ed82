/* fuzz_assess.c: libFuzzer target for mb_assess over arbitrary input: any
 * length, any bit width, any estimator subset, 1 or 2 threads.
 *
 * Input layout: byte 0 picks the width (value % 9; 0 = infer it), byte 1
 * the options (bit 0: mask the samples to the width, else wider samples
 * must be refused; bit 1: no bitstring; bit 2: two threads; bit 3: a subset
 * of estimators, given by byte 2 and bits 4-5 of byte 1); the rest are the
 * samples. Besides the sanitizers' checks it aborts when a result breaks
 * the assessment's invariants.
 *
 * Built with -fsanitize=fuzzer (MB_FUZZ=ON) this is the fuzzer; linked with
 * replay_main.c it replays the corpus in tests/fuzz/corpus/assess/, which is
 * how CTest runs it under the sanitizers (tests/fuzz/CMakeLists.txt).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "estimators.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond)                                                                  \
  do {                                                                                 \
    if (!(cond)) {                                                                     \
      fprintf(stderr, "fuzz_assess: invariant broken: %s\n", #cond);                   \
      abort();                                                                         \
    }                                                                                  \
  } while (0)

static void check_section(const struct mb_estimate *sec, double cap, double hsec)
{
  unsigned i;
  double lo = -1.0;

  for (i = 0; i < MB_EST_COUNT; i++) {
    if (!sec[i].ran)
      continue;
    REQUIRE(isfinite(sec[i].h) && sec[i].h >= 0.0);
    REQUIRE(sec[i].p >= 0.0 && sec[i].p <= 1.0);
    if (lo < 0.0 || sec[i].h < lo)
      lo = sec[i].h;
  }
  if (lo < 0.0)
    REQUIRE(hsec == -1.0);
  else
    REQUIRE(hsec == fmin(lo, cap));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static struct mb_assessment a;
  struct mb_assess_options opt;
  struct mb_error err;
  unsigned bits, flags, i;
  uint8_t *s;
  size_t n;
  int status, wider = 0;

  if (size < 2)
    return 0;
  bits = data[0] % 9u;
  flags = data[1];
  memset(&opt, 0, sizeof(opt));
  opt.no_bitstring = (flags & 2) != 0;
  opt.threads = (flags & 4) ? 2 : 1;
  if ((flags & 8) && size > 2) {
    opt.estimators = data[2] | ((flags >> 4) & 3u) << 8;
    data++;
    size--;
  }
  n = size - 2;
  s = malloc(n ? n : 1);
  if (!s)
    return 0;
  for (i = 0; i < n; i++) {
    s[i] = data[2 + i];
    if (bits && (flags & 1))
      s[i] = (uint8_t)(s[i] & ((1u << bits) - 1));
    if (bits && (s[i] >> bits))
      wider = 1;
  }
  mb_error_init(&err);
  status = mb_assess(s, n, bits, &opt, &a, &err);
  if (n == 0 || wider) {
    REQUIRE(status == MB_EINVALID && err.text[0] != '\0');
  } else {
    REQUIRE(status == MB_OK);
    REQUIRE(a.samples == n);
    REQUIRE(a.bits_per_symbol >= 1 && a.bits_per_symbol <= 8);
    REQUIRE(bits == 0 || a.bits_per_symbol == bits);
    REQUIRE(a.alphabet_size >= 1 && a.alphabet_size <= (1u << a.bits_per_symbol));
    REQUIRE(a.binary == (a.alphabet_size == 2));
    if (a.alphabet_size > 1) {
      check_section(a.literal, (double)a.bits_per_symbol, a.h_original);
      check_section(a.bitstring, 1.0, a.h_bitstring);
    } else {
      REQUIRE(a.h_assessed == 0.0);
    }
    REQUIRE(a.h_assessed <= (double)a.bits_per_symbol);
    REQUIRE(a.h_assessed == -1.0 || a.h_assessed >= 0.0);
  }
  free(s);
  return 0;
}
