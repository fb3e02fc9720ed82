/* test_extract.c: mb_extract_timing_entropy against REFERENCE.md's vectors
 * and the seed's edge cases; the inject_constant drop built on it. */
#include "check.h"
#include "source.h"

/* mb_collection_inject_constant: blocks of MB_INJECT_BLOCK timings set to
 * the median, about the asked share of them, each block giving
 * MB_INJECT_BLOCK - 2 zero bytes; the same seed gives the same blocks. */
static void inject(void)
{
  enum { N = 1000, K = 4 * N + 64 };
  struct mb_collection a, b;
  size_t i, replaced, zeros = 0, zeros_before = 0, at_median = 0;
  uint64_t x = 12345;

  mb_collection_init(&a);
  mb_collection_init(&b);
  CHECK_EQ_INT(mb_collection_reserve(&a, K, N), MB_OK);
  CHECK_EQ_INT(mb_collection_reserve(&b, K, N), MB_OK);
  for (i = 0; i < K; i++) {
    x = x * 6364136223846793005u + 1442695040888963407u; /* an LCG: varied timings */
    a.timings[i] = 1000 + (x >> 54);                     /* 1000 .. 2023 */
    a.status[i] = 0;
  }
  a.n_timings = K;
  a.n_bytes = mb_extract_timing_entropy(a.timings, K, a.bytes, N);
  for (i = 0; i < a.n_bytes; i++)
    zeros_before += a.bytes[i] == 0;
  memcpy(b.timings, a.timings, K * sizeof(uint64_t));
  b.n_timings = K;

  CHECK_EQ_INT(mb_collection_inject_constant(&a, 0.0, 1, N), 0);
  replaced = mb_collection_inject_constant(&a, 0.1, 7, N);
  CHECK(replaced >= K / 10 - MB_INJECT_BLOCK && replaced <= K / 10 + MB_INJECT_BLOCK);
  CHECK_EQ_INT(replaced % MB_INJECT_BLOCK, 0);
  CHECK_EQ_INT(a.n_bytes, N);
  for (i = 0; i < a.n_bytes; i++)
    zeros += a.bytes[i] == 0;
  /* Each whole block within the first N + 2 timings yields 6 zero bytes. */
  CHECK(zeros >= zeros_before + (N / 10 / MB_INJECT_BLOCK - 1) * (MB_INJECT_BLOCK - 2));
  for (i = 1; i < K; i++)
    at_median += a.timings[i] == a.timings[i - 1];
  CHECK(at_median >= replaced - replaced / MB_INJECT_BLOCK);
  CHECK_EQ_INT(mb_collection_inject_constant(&b, 0.1, 7, N), replaced);
  CHECK_EQ_MEM(a.timings, b.timings, K * sizeof(uint64_t));
  CHECK_EQ_MEM(a.bytes, b.bytes, N);
  mb_collection_cleanup(&a);
  mb_collection_cleanup(&b);
}

int main(void)
{
  const uint64_t t[] = {100, 110, 105, 120, 108, 130, 112, 125};
  const uint8_t want[] = {0x0e, 0x0b, 0x04, 0x1d, 0x07, 0x1c};
  uint8_t out[16];

  /* REFERENCE.md: n = 4 gives 0e 0b 04 1d; n = 100 gives all k - 2 = 6. */
  memset(out, 0xAA, sizeof(out));
  CHECK_EQ_INT(mb_extract_timing_entropy(t, 8, out, 4), 4);
  CHECK_EQ_MEM(out, want, 4);
  CHECK_EQ_INT(out[4], 0xAA); /* nothing written past n */
  CHECK_EQ_INT(mb_extract_timing_entropy(t, 8, out, 100), 6);
  CHECK_EQ_MEM(out, want, 6);

  /* Fewer than 2 timings, and exactly 2, give nothing; 3 give one byte. */
  CHECK_EQ_INT(mb_extract_timing_entropy(t, 0, out, 10), 0);
  CHECK_EQ_INT(mb_extract_timing_entropy(t, 1, out, 10), 0);
  CHECK_EQ_INT(mb_extract_timing_entropy(t, 2, out, 10), 0);
  CHECK_EQ_INT(mb_extract_timing_entropy(t, 3, out, 10), 1);
  CHECK_EQ_INT(out[0], 0x0e);
  CHECK_EQ_INT(mb_extract_timing_entropy(t, 8, out, 0), 0);

  /* Subtraction wraps like Rust's wrapping_sub: d0 = 1 - 2 = 2^64 - 1,
   * d1 = 0 - 1 = 2^64 - 1, so x = 0 and the byte is 0. */
  {
    const uint64_t w[] = {2, 1, 0};
    CHECK_EQ_INT(mb_extract_timing_entropy(w, 3, out, 1), 1);
    CHECK_EQ_INT(out[0], 0);
  }
  /* All eight bytes of x are folded: d0 = 2^56 * 0x5A (only the top byte
   * set), d1 = 0 gives 0x5A; then 0x0102030405060708 ^ 0 folds to 0x08. */
  {
    const uint64_t w[] = {0, (uint64_t)0x5A << 56, (uint64_t)0x5A << 56};
    const uint64_t v[] = {0, 0x0102030405060708u, 0x0102030405060708u};
    CHECK_EQ_INT(mb_extract_timing_entropy(w, 3, out, 1), 1);
    CHECK_EQ_INT(out[0], 0x5A);
    CHECK_EQ_INT(mb_extract_timing_entropy(v, 3, out, 1), 1);
    CHECK_EQ_INT(out[0], 0x01 ^ 0x02 ^ 0x03 ^ 0x04 ^ 0x05 ^ 0x06 ^ 0x07 ^ 0x08);
  }
  inject();
  return CHECK_DONE();
}
