/* tuple.h: the repeated-substring statistics behind the t-Tuple (§6.3.5) and
 * Longest Repeated Substring (§6.3.6) estimates, and the estimates with all
 * their intermediate values; for estimators.c, tests and benchmarks, not part
 * of the public API.
 *
 * For every length t from 1 to v (the length of the longest repeated
 * substring) the statistics hold
 *   q[t]: the number of occurrences (overlapping ones counted) of the most
 *         common t-tuple, and
 *   s[t]: the number of pairs i < j with s[i..i+t-1] == s[j..j+t-1], that is
 *         the sum over distinct t-tuples of C(count, 2).
 * All are exact integers, found in one pass over the sorted suffixes of the
 * data and the longest common prefixes of neighbours in that order. */
#ifndef MB_ESTIMATORS_TUPLE_H
#define MB_ESTIMATORS_TUPLE_H

#include <stddef.h>
#include <stdint.h>

/* How the suffixes are sorted. AUTO is what the estimators use; the others
 * exist so that tests and benchmarks can exercise each method alone. */
enum mb_tuple_method {
  MB_TUPLE_AUTO,  /* RADIX, falling back to SAIS on highly repetitive data */
  MB_TUPLE_RADIX, /* radix sort of bit-packed suffixes; gives up (MB_EINTERNAL)
                     when repeats make it exceed its work budget */
  MB_TUPLE_SAIS   /* SA-IS suffix array, then the permuted-LCP method */
};

struct mb_tuple_stats {
  size_t n;      /* symbols the statistics were computed over */
  size_t v;      /* length of the longest repeated substring (0: none) */
  uint32_t *q;   /* q[0..v]; q[0] = n; owned */
  uint64_t *s;   /* s[0..v]; s[0] = C(n, 2); owned */
  int used_sais; /* 1 when the SA-IS method produced the result */
};

/* Largest n accepted: suffix indices are 32-bit. */
#define MB_TUPLE_MAX_N ((size_t)UINT32_MAX - 1u)

/* Compute the statistics of s[0..n-1] (any byte values, 1 <= n <=
 * MB_TUPLE_MAX_N) into *out, which the caller releases with
 * mb_tuple_stats_cleanup (also after a failure). Returns MB_OK, MB_ENOMEM,
 * MB_EINVALID when n is 0 or too large, or MB_EINTERNAL when
 * method == MB_TUPLE_RADIX gave up. Thread-safe: no shared state. */
int mb_tuple_stats_compute(const uint8_t *s, size_t n, enum mb_tuple_method method,
                           struct mb_tuple_stats *out);

/* Release what mb_tuple_stats_compute allocated; safe on a zeroed struct. */
void mb_tuple_stats_cleanup(struct mb_tuple_stats *st);

/* Both estimates with their intermediate values, as ea_non_iid prints them. */
struct mb_tuple_lrs_result {
  size_t n;                  /* symbols */
  size_t t;                  /* §6.3.5: largest t whose top tuple occurs >= 35 times */
  size_t u, v;               /* §6.3.6: u = t + 1; v = longest repeated length */
  int tuple_ran, lrs_ran;    /* 1: the estimate below is valid */
  const char *tuple_skipped; /* static reason when tuple_ran == 0 */
  const char *lrs_skipped;   /* static reason when lrs_ran == 0 */
  double tuple_p_hat, tuple_p_u, tuple_h;
  double lrs_p_hat, lrs_p_u, lrs_h;
};

/* Compute both estimates over s[0..n-1] (any n, including 0). Returns MB_OK
 * or MB_ENOMEM; an estimate that does not apply has its *_ran = 0 and a
 * reason. Thread-safe. */
int mb_tuple_lrs_compute(const uint8_t *s, size_t n, struct mb_tuple_lrs_result *r);

#endif
