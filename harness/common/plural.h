/* plural.h: the "s" of a count's noun in messages ("1 sample", "2 samples"). */
#ifndef MB_PLURAL_H
#define MB_PLURAL_H

/* "" when n is 1, else "s": printf("%zu sample%s", n, mb_s(n)). Every noun
 * mebench counts (sample, call, point, repetition, permutation, value, bit)
 * takes a plain s. Pure; thread-safe. */
static inline const char *mb_s(unsigned long long n)
{
  return n == 1 ? "" : "s";
}

#endif
