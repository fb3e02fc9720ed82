/* test_extract.c: mb_extract_timing_entropy against REFERENCE.md's vectors
 * and the seed's edge cases. */
#include "check.h"
#include "source.h"

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
  return CHECK_DONE();
}
