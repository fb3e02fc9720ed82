/* bits.h: word-at-a-time helpers several estimator files share, inline. */
#ifndef MB_ESTIMATORS_BITS_H
#define MB_ESTIMATORS_BITS_H

#include <stdint.h>
#include <string.h>

/* Set bits of x. Without a popcount instruction in the baseline target
 * (x86-64 without -mpopcnt) the builtin becomes a library call; this is
 * the same few operations inline. */
static inline unsigned mb_popcount64(uint64_t x)
{
  x = x - ((x >> 1) & 0x5555555555555555ull);
  x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
  x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
  return (unsigned)((x * 0x0101010101010101ull) >> 56);
}

/* The 8 bytes at p as a little-endian word (p[0] lowest), whatever the
 * host's byte order; p need not be aligned. */
static inline uint64_t mb_load_le64(const uint8_t *p)
{
  uint64_t x;

  memcpy(&x, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  x = __builtin_bswap64(x);
#endif
  return x;
}

#endif
