/* iid.c: the SP 800-90B IID track (section 5) as NIST's ea_iid 1.1.7
 * computes it: the 19 permutation-test statistics (§5.1.1-§5.1.11) with
 * the binary-data conversions, 10,000 seeded permutations with the tool's
 * rule for settling a statistic early, the chi-square independence and
 * goodness-of-fit tests (§5.2.1, §5.2.2), the LRS test (§5.2.3), and the
 * MCV estimate (§6.3.1) on the literal samples and their bitstring.
 *
 * Which data each statistic sees (the tool's choices, kept so that the
 * values agree): the excursion, the compression and, for non-binary data,
 * the covariance use the untranslated samples; everything else uses the
 * samples translated to their rank among the values present. Translation
 * keeps order and equality, so for non-binary data the directional runs,
 * collisions and periodicity are computed on the untranslated samples with
 * the same result. Binary data (two distinct values) goes through
 * Conversion I (ones per 8-bit block: directional runs, periodicity,
 * covariance) and Conversion II (8-bit blocks read as bytes, most
 * significant bit first: collisions), the last block padded with zeros. */
#include "iid.h"

#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bits.h"
#include "bz2len.h"
#include "internal.h"
#include "tuple.h"

struct stat_info {
  const char *key, *nist, *section;
};

static const struct stat_info stat_table[MB_IID_NSTATS] = {
#define MB_X(id, key, nist, section) {key, nist, section},
    MB_IID_STAT_TABLE(MB_X)
#undef MB_X
};

const char *mb_iid_stat_key(enum mb_iid_stat s)
{
  return (unsigned)s < MB_IID_NSTATS ? stat_table[s].key : "?";
}

const char *mb_iid_stat_nist_name(enum mb_iid_stat s)
{
  return (unsigned)s < MB_IID_NSTATS ? stat_table[s].nist : "?";
}

const char *mb_iid_stat_section(enum mb_iid_stat s)
{
  return (unsigned)s < MB_IID_NSTATS ? stat_table[s].section : "?";
}

#define ALL_STATS ((1u << MB_IID_NSTATS) - 1u)
#define BIT(s) (1u << (s))

/* §5.1.9, §5.1.10: the lags. */
static const unsigned lags[5] = {1, 2, 8, 16, 32};

/* ------------------------------------------------------------ generator */

/* splitmix64 expands a seed into generator states; xoshiro256** draws. */
static uint64_t splitmix64(uint64_t *x)
{
  uint64_t z = (*x += 0x9E3779B97F4A7C15ull);

  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
  return (x << k) | (x >> (64 - k));
}

static inline uint64_t xoshiro(uint64_t s[4])
{
  uint64_t r = rotl(s[1] * 5u, 7) * 9u, t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return r;
}

/* Permutation i has its own stream, so it is the same whichever thread
 * draws it. */
static void stream_init(uint64_t s[4], uint64_t seed, uint64_t i)
{
  uint64_t x = seed ^ (0xD1B54A32D192ED03ull * (i + 1u));
  int j;

  for (j = 0; j < 4; j++)
    s[j] = splitmix64(&x);
}

/* Uniform in [0, range), range <= 2^32 (Lemire's multiply-shift with
 * rejection, so no modulo bias). */
static inline uint32_t bounded(uint64_t s[4], uint32_t range)
{
  uint64_t m = (xoshiro(s) >> 32) * (uint64_t)range;
  uint32_t l = (uint32_t)m;

  if (l < range) {
    uint32_t t = (uint32_t)(-range) % range;

    while (l < t) {
      m = (xoshiro(s) >> 32) * (uint64_t)range;
      l = (uint32_t)m;
    }
  }
  return (uint32_t)(m >> 32);
}

/* Fisher-Yates: a[i - 1] swaps with a[bounded(i)], i = n down to 2 (the
 * plain path tests compare with). */
static void shuffle_plain(uint8_t *a, size_t n, uint64_t s[4])
{
  size_t i;

  for (i = n; i > 1; i--) {
    size_t j = bounded(s, (uint32_t)i);
    uint8_t t = a[i - 1];

    a[i - 1] = a[j];
    a[j] = t;
  }
}

/* shuffle_plain() with the same permutation: the draws do not depend on
 * the data, so they are made SHUFFLE_AHEAD swaps early, in the same order,
 * and the byte each will swap is fetched meanwhile (most would miss the
 * core's cache on 1,000,000 samples). */
#define SHUFFLE_AHEAD 32
static void shuffle(uint8_t *a, size_t n, uint64_t s[4])
{
  uint32_t ahead[SHUFFLE_AHEAD];
  size_t i, r;

  for (i = n, r = 0; i > 1 && r < SHUFFLE_AHEAD; i--, r++) {
    ahead[r] = bounded(s, (uint32_t)i);
    __builtin_prefetch(a + ahead[r], 1);
  }
  for (i = n, r = 0; i > 1; i--, r = (r + 1) % SHUFFLE_AHEAD) {
    size_t j = ahead[r];
    uint8_t t = a[i - 1];

    if (i > SHUFFLE_AHEAD + 1) {
      ahead[r] = bounded(s, (uint32_t)(i - SHUFFLE_AHEAD));
      __builtin_prefetch(a + ahead[r], 1);
    }
    a[i - 1] = a[j];
    a[j] = t;
  }
}

/* ----------------------------------------------------------- statistics */

/* What every permutation shares, read-only. */
struct shared {
  const uint8_t *raw; /* the untranslated samples */
  size_t n;
  int binary;
  double mean;
  uint8_t rank[256];  /* translation: rank among the values present */
  uint8_t below[256]; /* translated value < median (§5.1.5) */
  uint8_t low;        /* binary data: the smaller value (rank 0) */
  int plain;          /* statistics, shuffle step by step (tests compare) */
};

/* One worker's buffers. */
struct work {
  uint8_t *raw;         /* the permuted samples */
  uint8_t *c1;          /* Conversion I (binary data) */
  uint8_t *c2;          /* Conversion II (binary data) */
  uint8_t *dirs;        /* directional_bits(): a bit per difference */
  struct mb_bz2len *bz; /* bzip2's output length */
  uint32_t stamp[256];
  uint32_t gen;
};

static void work_free(struct work *w)
{
  free(w->raw);
  free(w->c1);
  free(w->c2);
  free(w->dirs);
  mb_bz2len_free(w->bz);
  memset(w, 0, sizeof(*w));
}

static int work_init(struct work *w, const struct shared *sh)
{
  size_t m = sh->n / 8 + 1;

  memset(w, 0, sizeof(*w));
  w->raw = malloc(sh->n);
  w->bz = mb_bz2len_new();
  w->dirs = calloc(m + 16, 1); /* read a word at a time: zeros after the end */
  if (sh->binary) {
    w->c1 = malloc(m);
    w->c2 = calloc(m + 16, 1); /* read a word at a time: zeros after the end */
  }
  if (!w->raw || !w->bz || !w->dirs || (sh->binary && (!w->c1 || !w->c2))) {
    work_free(w);
    return MB_ENOMEM;
  }
  return MB_OK;
}

/* §5.1.2-§5.1.4 on x[0..m-1]: runs of the signs of successive differences
 * (-1 when a value is greater than the next, +1 otherwise). */
static void directional(const uint8_t *x, size_t m, double *num_runs, double *len_runs,
                        double *inc_dec)
{
  size_t i, runs, run = 1, longest = 0, ups = 0;
  int prev;

  if (m < 2) {
    /* No differences: the tool counts no run, a longest run of 1. */
    *num_runs = 0;
    *len_runs = 1;
    *inc_dec = 0;
    return;
  }
  prev = x[0] > x[1] ? -1 : 1;
  ups = prev > 0;
  runs = 1;
  /* without branches on the data (as median_runs): the longest is kept
   * at every step, which gives the same as at every run's end */
  for (i = 1; i + 1 < m; i++) {
    int d = x[i] > x[i + 1] ? -1 : 1;
    size_t same = d == prev;

    ups += d > 0;
    runs += 1 - same;
    run = run * same + 1;
    longest = run > longest ? run : longest;
    prev = d;
  }
  if (run > longest)
    longest = run;
  *num_runs = (double)runs;
  *len_runs = (double)longest;
  *inc_dec = (double)(ups > m - 1 - ups ? ups : m - 1 - ups);
}

/* §5.1.5, §5.1.6: runs of values below / at-or-above the median. */
static void median_runs(const uint8_t *raw, size_t n, const uint8_t *below,
                        double *num_runs, double *len_runs)
{
  size_t i, runs = 1, run = 1, longest = 1;
  uint8_t prev = below[raw[0]];

  /* without branches on the data: the run length restarts at 1 on a
   * change, and the longest is kept at every step */
  for (i = 1; i < n; i++) {
    uint8_t b = below[raw[i]];
    size_t same = b == prev;

    runs += 1 - same;
    run = run * same + 1;
    longest = run > longest ? run : longest;
    prev = b;
  }
  *num_runs = (double)runs;
  *len_runs = (double)longest;
}

/* Whether z has a run of at least l (>= 1) set bits. */
static inline int has_run(uint64_t z, size_t l)
{
  size_t len = 1;

  if (l > 64)
    return 0;
  while (2 * len <= l) {
    z &= z << len;
    len *= 2;
  }
  if (len < l)
    z &= z << (l - len);
  return z != 0;
}

/* Conversions I and II of binary data (§5.1, values low and one other):
 * per 8-bit block, the ones (c1) and the bits read as a byte, the first
 * the most significant (c2); the last block padded with zeros. Eight
 * samples at a time: each byte that is not `low` gives its top bit, and
 * one multiplication gathers the eight (sample j's bit lands at 7 - j;
 * no two products overlap, so nothing carries). */
static void convert_binary(const uint8_t *raw, size_t n, uint8_t low, uint8_t *c1,
                           uint8_t *c2)
{
  const uint64_t rep = 0x0101010101010101ull * low, h = 0x7f7f7f7f7f7f7f7full;
  size_t i, full = n / 8;

  for (i = 0; i < full; i++) {
    uint64_t y = mb_load_le64(raw + 8 * i) ^ rep;
    uint64_t t = (((y & h) + h) | y) & ~h; /* 0x80 in each byte not `low` */
    unsigned byte = (unsigned)(((t >> 7) * 0x8040201008040201ull) >> 56);

    c2[i] = (uint8_t)byte;
    c1[i] = (uint8_t)mb_popcount64(byte);
  }
  if (full * 8 < n) {
    unsigned byte = 0;

    for (i = full * 8; i < n; i++)
      byte |= (unsigned)(raw[i] != low) << (7 - (i & 7));
    c2[full] = (uint8_t)byte;
    c1[full] = (uint8_t)mb_popcount64(byte);
  }
}

/* §5.1.5, §5.1.6 for binary data (median 0.5: runs of equal bits), from
 * the n bits in c2 (Conversion II's bytes, zeros after them), 64 at a
 * time: the runs are one more than the bits that differ from the one
 * before (t). The longest (when `longest` is asked for) is the largest
 * distance between changes, or from the start or to the end: a word's
 * distances inside it are looked at one by one only when its bits
 * between its first and its last change hold a run of at least the best
 * so far (rare once the best is found), a few shifts tell. */
static void median_runs_bits(const uint8_t *c2, size_t n, int longest, double *num_runs,
                             double *len_runs)
{
  size_t nw = (n + 63) / 64, k, runs = 1, best = 0, last = 0;
  uint64_t prev = 0;

  for (k = 0; k < nw; k++) {
    uint64_t x = __builtin_bswap64(mb_load_le64(c2 + 8 * k));
    uint64_t t = x ^ ((x >> 1) | (prev << 63));

    prev = x & 1;
    if (k == 0)
      t &= ~(1ull << 63); /* the first bit starts the first run */
    if ((k + 1) * 64 > n)
      t &= ~(~0ull >> (n - k * 64)); /* nothing after the last bit */
    runs += mb_popcount64(t);
    if (longest && t) {
      int f = __builtin_clzll(t), l = 63 - __builtin_ctzll(t);
      size_t pf = k * 64 + (size_t)f;

      best = pf - last > best ? pf - last : best;
      if (f < l &&
          has_run(~t & (~0ull >> (f + 1)) & (~0ull << (64 - l)), best ? best : 1)) {
        uint64_t u = t & ~((1ull << 63) >> f);
        size_t pp = pf;

        while (u) {
          int z = __builtin_clzll(u);
          size_t pos = k * 64 + (size_t)z;

          best = pos - pp > best ? pos - pp : best;
          pp = pos;
          u &= ~((1ull << 63) >> z);
        }
      }
      last = k * 64 + (size_t)l;
    }
  }
  if (n - last > best)
    best = n - last;
  *num_runs = (double)runs;
  *len_runs = (double)best;
}

/* directional() eight differences at a time, with the same values: bit i
 * of dirs (the first the most significant of its byte, as Conversion II's)
 * is whether x[i] <= x[i+1] (a +1), one byte from two overlapping 8-byte
 * reads; the increases are their count, and the runs those of equal bits,
 * as median_runs_bits() counts them. dirs holds (m - 1) / 8 + 16 bytes;
 * m >= 2. */
static void directional_bits(const uint8_t *x, size_t m, uint8_t *dirs,
                             double *num_runs, double *len_runs, double *inc_dec)
{
  const uint64_t h = 0x8080808080808080ull;
  size_t nd = m - 1, i, ups = 0;

  for (i = 0; i + 9 <= m; i += 8) {
    uint64_t a = mb_load_le64(x + i), b = mb_load_le64(x + i + 1);
    /* Each byte of b | 0x80 minus a's low 7 bits stays positive (no
     * borrow between bytes); its top bit says b >= a on the low 7 bits.
     * b >= a: b's top bit alone, or equal top bits and that. */
    uint64_t low_ge = (b | h) - (a & ~h);
    uint64_t ge = ((b & ~a) | (~(a ^ b) & low_ge)) & h;
    unsigned byte = (unsigned)(((ge >> 7) * 0x8040201008040201ull) >> 56);

    dirs[i / 8] = (uint8_t)byte;
    ups += mb_popcount64(byte);
  }
  if (i < nd) {
    unsigned byte = 0;
    size_t at = i / 8;

    for (; i < nd; i++)
      byte |= (unsigned)(x[i] <= x[i + 1]) << (7 - (i & 7));
    dirs[at] = (uint8_t)byte;
    ups += mb_popcount64(byte);
  }
  memset(dirs + (nd + 7) / 8, 0, 8);
  median_runs_bits(dirs, nd, 1, num_runs, len_runs);
  *inc_dec = (double)(ups > nd - ups ? ups : nd - ups);
}

/* median_runs() with the same values: a bit per sample (below the median
 * or not, eight to a byte, the first the most significant) into bits
 * (n / 8 + 9 bytes), and the runs of equal bits as median_runs_bits()
 * counts them. */
static void median_runs_wide(const uint8_t *raw, size_t n, const uint8_t *below,
                             uint8_t *bits, double *num_runs, double *len_runs)
{
  size_t i;

  for (i = 0; i + 8 <= n; i += 8) {
    const uint8_t *q = raw + i;

    bits[i / 8] = (uint8_t)(below[q[0]] << 7 | below[q[1]] << 6 | below[q[2]] << 5 |
                            below[q[3]] << 4 | below[q[4]] << 3 | below[q[5]] << 2 |
                            below[q[6]] << 1 | below[q[7]]);
  }
  if (i < n) {
    unsigned byte = 0;
    size_t at = i / 8;

    for (; i < n; i++)
      byte |= (unsigned)below[raw[i]] << (7 - (i & 7));
    bits[at] = (uint8_t)byte;
  }
  memset(bits + (n + 7) / 8, 0, 8);
  median_runs_bits(bits, n, 1, num_runs, len_runs);
}

/* §5.1.7, §5.1.8: walk the data taking the number of samples up to and
 * including the first repeat, then start afresh after it. No repeat at
 * all gives 0 and 0 (the tool divides 0 by 0). */
static void collisions(struct work *w, const uint8_t *y, size_t m, double *avg,
                       double *max)
{
  size_t start = 0, count = 0, sum = 0, longest = 0, p;

  while (start < m) {
    if (++w->gen == 0) {
      memset(w->stamp, 0, sizeof(w->stamp));
      w->gen = 1;
    }
    for (p = start; p < m; p++) {
      if (w->stamp[y[p]] == w->gen)
        break;
      w->stamp[y[p]] = w->gen;
    }
    if (p == m)
      break;
    count++;
    sum += p - start + 1;
    if (p - start + 1 > longest)
      longest = p - start + 1;
    start = p + 1;
  }
  *avg = count ? (double)sum / (double)count : 0.0;
  *max = (double)longest;
}

/* §5.1.9: matches at lag p; 0 when the data is not longer than p. Sample
 * by sample (the plain path tests compare with). */
static double periodicity_plain(const uint8_t *x, size_t m, size_t p)
{
  size_t i, t = 0;

  for (i = 0; i + p < m; i++)
    t += x[i] == x[i + p];
  return (double)t;
}

/* periodicity_plain(), eight samples at a time. */
static double periodicity(const uint8_t *x, size_t m, size_t p)
{
  size_t i, t = 0;

  if (m <= p)
    return 0;
  /* eight at a time: a byte of x[i..] ^ x[i+p..] that is not zero is a
   * mismatch (its top bit set by the same test as convert_binary's) */
  for (i = 0; i + p + 8 <= m; i += 8) {
    const uint64_t h = 0x7f7f7f7f7f7f7f7full;
    uint64_t y = mb_load_le64(x + i) ^ mb_load_le64(x + i + p);
    uint64_t ne = ((((y & h) + h) | y) & ~h) >> 7;

    t += 8 - (size_t)((ne * 0x0101010101010101ull) >> 56);
  }
  for (; i + p < m; i++)
    t += x[i] == x[i + p];
  return (double)t;
}

/* §5.1.10: the sum of lagged products; 0 when the data is not longer
 * than p. */
static double covariance(const uint8_t *x, size_t m, size_t p)
{
  uint64_t t = 0;
  size_t i;

  if (m <= p)
    return 0;
  for (i = 0; i + p < m; i++)
    t += (uint64_t)x[i] * x[i + p];
  return (double)t;
}

/* §5.1.1, in the tool's arithmetic: a running sum against (i+1) * mean.
 * Sample by sample, the sum a double as the tool keeps it. */
static double excursion_plain(const uint8_t *x, size_t n, double mean)
{
  double sum = 0, best = 0;
  size_t i;

  for (i = 0; i < n; i++) {
    double d;

    sum += x[i];
    d = fabs(sum - (double)(i + 1) * mean);
    if (d > best)
      best = d;
  }
  return best;
}

/* excursion_plain() with the same values, four samples a step: the
 * running sum and the index are whole numbers below 2^53, so as doubles
 * they are exact whichever way they are added up (the sum within a step
 * as an integer first), and the largest distance is kept in four lanes (a
 * maximum does not depend on the order). No step waits on more than one
 * floating-point add. */
static double excursion(const uint8_t *x, size_t n, double mean)
{
  double b0 = 0, b1 = 0, b2 = 0, b3 = 0, sum = 0, at = 0;
  size_t i;

  for (i = 0; i + 4 <= n; i += 4) {
    unsigned s0 = x[i], s1 = s0 + x[i + 1], s2 = s1 + x[i + 2], s3 = s2 + x[i + 3];
    double d0 = fabs((sum + (double)s0) - (at + 1.0) * mean);
    double d1 = fabs((sum + (double)s1) - (at + 2.0) * mean);
    double d2 = fabs((sum + (double)s2) - (at + 3.0) * mean);
    double d3 = fabs((sum + (double)s3) - (at + 4.0) * mean);

    b0 = d0 > b0 ? d0 : b0;
    b1 = d1 > b1 ? d1 : b1;
    b2 = d2 > b2 ? d2 : b2;
    b3 = d3 > b3 ? d3 : b3;
    sum += (double)s3;
    at += 4.0;
  }
  for (; i < n; i++) {
    double d;

    sum += x[i];
    at += 1.0;
    d = fabs(sum - at * mean);
    b0 = d > b0 ? d : b0;
  }
  b0 = b1 > b0 ? b1 : b0;
  b2 = b3 > b2 ? b3 : b2;
  return b2 > b0 ? b2 : b0;
}

/* §5.1.11: the bzip2 length (block size 500k, as the tool asks) of the
 * samples written in decimal, separated by single spaces: computed exactly
 * from the samples by bz2len.c, without writing the text or compressing
 * (the tool calls BZ2_bzBuffToBuffCompress and takes the output length;
 * its output room, 1.01 times the text plus 600 bytes, always suffices for
 * such text, so the call never fails short of memory). */
static int compression(struct work *w, const uint8_t *raw, size_t n, double *out)
{
  uint64_t bytes;
  int rc = mb_bz2len_decimal(w->bz, raw, n, 5, &bytes);

  if (rc != MB_OK)
    return rc;
  *out = (double)bytes;
  return MB_OK;
}

/* Every statistic in `mask` of the samples raw[0..n-1] into st[]. */
static int statistics(const struct shared *sh, struct work *w, const uint8_t *raw,
                      unsigned mask, double *st)
{
  size_t n = sh->n, i, j;
  const uint8_t *seq = raw; /* directional runs, periodicity */
  size_t m = n;

  if (mask & BIT(MB_IID_EXCURSION))
    st[MB_IID_EXCURSION] =
        sh->plain ? excursion_plain(raw, n, sh->mean) : excursion(raw, n, sh->mean);
  if (sh->binary) {
    /* Conversions I and II of the translated bits, 8 per block. */
    m = (n + 7) / 8;
    if (!sh->plain) {
      convert_binary(raw, n, sh->low, w->c1, w->c2);
    } else {
      for (i = 0; i < m; i++) {
        size_t k, end = i * 8 + 8 < n ? i * 8 + 8 : n;
        unsigned ones = 0, byte = 0;

        for (k = i * 8; k < end; k++) {
          unsigned b = sh->rank[raw[k]];

          ones += b;
          byte |= b << (7 - (k & 7));
        }
        w->c1[i] = (uint8_t)ones;
        w->c2[i] = (uint8_t)byte;
      }
    }
    seq = w->c1;
  }
  if (mask &
      (BIT(MB_IID_NUM_DIR_RUNS) | BIT(MB_IID_LEN_DIR_RUNS) | BIT(MB_IID_NUM_INC_DEC))) {
    if (sh->plain || m < 2)
      directional(seq, m, &st[MB_IID_NUM_DIR_RUNS], &st[MB_IID_LEN_DIR_RUNS],
                  &st[MB_IID_NUM_INC_DEC]);
    else
      directional_bits(seq, m, w->dirs, &st[MB_IID_NUM_DIR_RUNS],
                       &st[MB_IID_LEN_DIR_RUNS], &st[MB_IID_NUM_INC_DEC]);
  }
  if (mask & (BIT(MB_IID_NUM_RUNS_MEDIAN) | BIT(MB_IID_LEN_RUNS_MEDIAN))) {
    if (sh->binary && !sh->plain)
      median_runs_bits(w->c2, n, (mask & BIT(MB_IID_LEN_RUNS_MEDIAN)) != 0,
                       &st[MB_IID_NUM_RUNS_MEDIAN], &st[MB_IID_LEN_RUNS_MEDIAN]);
    else if (sh->binary || sh->plain)
      median_runs(raw, n, sh->below, &st[MB_IID_NUM_RUNS_MEDIAN],
                  &st[MB_IID_LEN_RUNS_MEDIAN]);
    else
      median_runs_wide(raw, n, sh->below, w->dirs, &st[MB_IID_NUM_RUNS_MEDIAN],
                       &st[MB_IID_LEN_RUNS_MEDIAN]);
  }
  if (mask & (BIT(MB_IID_AVG_COLLISION) | BIT(MB_IID_MAX_COLLISION))) {
    if (sh->binary)
      collisions(w, w->c2, m, &st[MB_IID_AVG_COLLISION], &st[MB_IID_MAX_COLLISION]);
    else
      collisions(w, raw, n, &st[MB_IID_AVG_COLLISION], &st[MB_IID_MAX_COLLISION]);
  }
  for (j = 0; j < 5; j++) {
    if (mask & BIT(MB_IID_PERIODICITY_1 + j))
      st[MB_IID_PERIODICITY_1 + j] =
          sh->plain ? periodicity_plain(seq, m, lags[j]) : periodicity(seq, m, lags[j]);
    if (mask & BIT(MB_IID_COVARIANCE_1 + j))
      st[MB_IID_COVARIANCE_1 + j] = covariance(seq, m, lags[j]);
  }
  if (mask & BIT(MB_IID_COMPRESSION))
    return compression(w, raw, n, &st[MB_IID_COMPRESSION]);
  return MB_OK;
}

/* ------------------------------------------------------- permutations */

/* Workers take permutation numbers in order; each computes the
 * statistics still counting when it took its number (a superset of those
 * still counting once every earlier permutation is counted, since the set
 * only shrinks); results are counted strictly in permutation order. */
#define WINDOW_PER_THREAD 2

struct slot {
  int ready;
  int status;
  double st[MB_IID_NSTATS];
};

struct perm_state {
  const struct shared *sh;
  uint64_t seed;
  unsigned total; /* permutations asked for */
  pthread_mutex_t lock;
  pthread_cond_t cond;
  unsigned next;    /* next permutation to hand out */
  unsigned counted; /* permutations counted so far */
  unsigned window;
  struct slot *slots;
  unsigned active; /* statistics still counting */
  int stop;
  int status;
  const volatile sig_atomic_t *cancel; /* the caller's stop flag, or NULL */
  const double *t;                     /* statistics of the original data */
  uint32_t (*c)[3];
};

/* Count one permutation's statistics (lock held). */
static void count_one(struct perm_state *ps, const double *st)
{
  unsigned j;

  for (j = 0; j < MB_IID_NSTATS; j++) {
    if (!(ps->active & BIT(j)))
      continue;
    if (st[j] > ps->t[j])
      ps->c[j][0]++;
    else if (st[j] == ps->t[j])
      ps->c[j][1]++;
    else
      ps->c[j][2]++;
    /* §5.1: once both sides hold more than 5, the verdict cannot change. */
    if (ps->c[j][0] + ps->c[j][1] > 5 && ps->c[j][1] + ps->c[j][2] > 5)
      ps->active &= ~BIT(j);
  }
}

static void *perm_worker(void *arg)
{
  struct perm_state *ps = arg;
  struct work w;
  int status = work_init(&w, ps->sh);

  pthread_mutex_lock(&ps->lock);
  if (status != MB_OK) {
    if (ps->status == MB_OK)
      ps->status = status;
    ps->stop = 1;
    pthread_cond_broadcast(&ps->cond);
  }
  for (;;) {
    unsigned i, mask;
    double st[MB_IID_NSTATS];
    uint64_t rng[4];
    struct slot *sl;

    while (!ps->stop && ps->next < ps->total && ps->next >= ps->counted + ps->window)
      pthread_cond_wait(&ps->cond, &ps->lock);
    if (!ps->stop && ps->cancel && *ps->cancel) {
      ps->status = MB_EINTERRUPTED;
      ps->stop = 1;
      pthread_cond_broadcast(&ps->cond);
    }
    if (ps->stop || ps->next >= ps->total)
      break;
    i = ps->next++;
    mask = ps->active;
    pthread_mutex_unlock(&ps->lock);

    memcpy(w.raw, ps->sh->raw, ps->sh->n);
    stream_init(rng, ps->seed, i);
    if (ps->sh->plain)
      shuffle_plain(w.raw, ps->sh->n, rng);
    else
      shuffle(w.raw, ps->sh->n, rng);
    memset(st, 0, sizeof(st));
    status = statistics(ps->sh, &w, w.raw, mask, st);

    pthread_mutex_lock(&ps->lock);
    sl = &ps->slots[i % ps->window];
    memcpy(sl->st, st, sizeof(st));
    sl->status = status;
    sl->ready = 1;
    while (!ps->stop && ps->slots[ps->counted % ps->window].ready) {
      sl = &ps->slots[ps->counted % ps->window];
      sl->ready = 0;
      if (sl->status != MB_OK) {
        ps->status = sl->status;
        ps->stop = 1;
        break;
      }
      count_one(ps, sl->st);
      ps->counted++;
      if (ps->active == 0 || ps->counted == ps->total)
        ps->stop = 1;
    }
    pthread_cond_broadcast(&ps->cond);
  }
  pthread_mutex_unlock(&ps->lock);
  work_free(&w);
  return NULL;
}

static int permutations(const struct shared *sh, const struct mb_iid_options *opt,
                        unsigned total, struct mb_iid_result *out)
{
  struct perm_state ps;
  pthread_t tid[64];
  size_t nthreads, started = 0, i;
  int threads = opt->threads;

  if (threads <= 0) {
    long cores = sysconf(_SC_NPROCESSORS_ONLN);

    threads = cores > 0 ? (int)(cores < 64 ? cores : 64) : 1;
  }
  nthreads = (size_t)(threads > 64 ? 64 : threads);
  memset(&ps, 0, sizeof(ps));
  ps.sh = sh;
  ps.seed = opt->seed;
  ps.cancel = opt->stop;
  ps.total = total;
  ps.window = (unsigned)(WINDOW_PER_THREAD * nthreads);
  ps.active = ALL_STATS;
  ps.t = out->stat;
  ps.c = out->counter;
  ps.slots = calloc(ps.window, sizeof(*ps.slots));
  if (!ps.slots)
    return MB_ENOMEM;
  if (pthread_mutex_init(&ps.lock, NULL) != 0) {
    free(ps.slots);
    return MB_ESYSTEM;
  }
  if (pthread_cond_init(&ps.cond, NULL) != 0) {
    pthread_mutex_destroy(&ps.lock);
    free(ps.slots);
    return MB_ESYSTEM;
  }
  if (total == 0)
    ps.stop = 1;
  for (i = 1; i < nthreads; i++) {
    if (pthread_create(&tid[started], NULL, perm_worker, &ps) != 0)
      break; /* fewer threads only makes it slower */
    started++;
  }
  perm_worker(&ps);
  for (i = 0; i < started; i++)
    pthread_join(tid[i], NULL);
  pthread_cond_destroy(&ps.cond);
  pthread_mutex_destroy(&ps.lock);
  free(ps.slots);
  out->permutations_counted = ps.counted;
  return ps.status;
}

/* ----------------------------------------------------------- chi-square */

/* The regularized upper incomplete gamma Q(a, x): a power series for the
 * lower part when x < max(1, a), otherwise a continued fraction (modified
 * Lentz), each run to double precision. */
static double gamma_q(double a, double x)
{
  double lg, ax;

  if (x <= 0 || a <= 0)
    return 1.0;
  lg = lgamma(a);
  ax = a * log(x) - x - lg;
  if (ax < log(DBL_MIN)) /* the prefactor underflows */
    return x < 1.0 || x < a ? 1.0 : 0.0;
  ax = exp(ax);
  if (x < 1.0 || x < a) {
    double r = a, c = 1.0, sum = 1.0;

    do {
      r += 1.0;
      c *= x / r;
      sum += c;
    } while (c / sum > DBL_EPSILON / 2);
    return 1.0 - sum * ax / a;
  } else {
    const double tiny = DBL_MIN / DBL_EPSILON;
    double b = x + 1.0 - a, c = 1.0 / tiny, d = 1.0 / b, h = d, del;
    int i;

    for (i = 1; i < 100000; i++) {
      double an = -(double)i * ((double)i - a);

      b += 2.0;
      d = an * d + b;
      if (fabs(d) < tiny)
        d = tiny;
      c = b + an / c;
      if (fabs(c) < tiny)
        c = tiny;
      d = 1.0 / d;
      del = d * c;
      h *= del;
      if (fabs(del - 1.0) <= DBL_EPSILON / 2)
        break;
    }
    return ax * h;
  }
}

double mb_iid_chisq_pvalue(double t, double df)
{
  return gamma_q(df / 2.0, t / 2.0);
}

/* Proportions as the tool accumulates them: 1/n added once per
 * occurrence (the rounding of that sum decides borderline bins). */
static void proportions(const size_t *count, unsigned k, size_t n, double *p)
{
  unsigned s;

  for (s = 0; s < k; s++) {
    size_t i;
    double acc = 0;

    for (i = 0; i < count[s]; i++)
      acc += 1.0 / (double)n;
    p[s] = acc;
  }
}

struct cell {
  uint32_t tuple;
  double e;
};

static int cell_order(const void *a, const void *b)
{
  const struct cell *x = a, *y = b;

  if (x->e != y->e)
    return x->e < y->e ? -1 : 1;
  return x->tuple < y->tuple ? -1 : x->tuple > y->tuple;
}

/* §5.2.1/§5.2.2: cells in increasing order of expectation go into bins
 * that close once they expect at least 5; a last bin expecting less is
 * merged into the one before. bin[tuple] receives each cell's bin,
 * bin_e[] the expectations; returns the number of bins. */
static size_t make_bins(struct cell *cells, size_t ncells, uint32_t *bin, double *bin_e)
{
  size_t i, nb = 0;
  double cur = 0;

  qsort(cells, ncells, sizeof(*cells), cell_order);
  for (i = 0; i < ncells; i++) {
    if (cur >= 5.0) {
      bin_e[nb++] = cur;
      cur = 0;
    }
    bin[cells[i].tuple] = (uint32_t)nb;
    cur += cells[i].e;
  }
  if (nb != 0 && cur < 5.0) {
    for (i = ncells; i-- > 0 && bin[cells[i].tuple] == nb;)
      bin[cells[i].tuple] = (uint32_t)(nb - 1);
    bin_e[nb - 1] += cur;
  } else {
    bin_e[nb++] = cur;
  }
  return nb;
}

/* The p-value and verdict of a test whose T and df are set. NIST's ea_iid
 * fails a test only when its p-value is below 0.001: with df <= 0 (fewer
 * samples than the alphabet needs) its p-value is 1, and with T undefined
 * (fewer than ten samples for ten parts) it is NaN; both pass there, and
 * here too, with a note that says the test was not made. */
static void chisq_verdict(struct mb_iid_chisq *c, const char *what)
{
  c->p_value = mb_iid_chisq_pvalue(c->t, (double)c->df);
  c->pass = !(c->p_value < 0.001);
  c->note = NULL;
  if (!isfinite(c->t) || isnan(c->p_value))
    c->note = "T is undefined (fewer than ten samples for ten parts): no test; "
              "it passes, as in NIST's ea_iid";
  else if (c->df <= 0)
    c->note = what;
}

static double chisq_t(const double *e, const size_t *o, size_t nb)
{
  double t = 0;
  size_t i;

  for (i = 0; i < nb; i++) {
    double d = (double)o[i] - e[i];

    t += d * d / e[i];
  }
  return t;
}

/* Non-binary tests on translated symbols lit[0..n-1] < k. */
static int chisq_general(const uint8_t *lit, size_t n, unsigned k, const size_t *count,
                         struct mb_iid_chisq *ind, struct mb_iid_chisq *gof)
{
  size_t kk = (size_t)k * k, nb, i, j;
  struct cell *cells = malloc(kk * sizeof(*cells));
  uint32_t *bin = malloc(kk * sizeof(*bin));
  double *bin_e = malloc(kk * sizeof(*bin_e)), p[256];
  size_t *o = calloc(kk, sizeof(*o));

  if (!cells || !bin || !bin_e || !o) {
    free(cells);
    free(bin);
    free(bin_e);
    free(o);
    return MB_ENOMEM;
  }
  proportions(count, k, n, p);

  /* §5.2.1: pairs of successive non-overlapping samples. */
  for (i = 0; i < k; i++)
    for (j = 0; j < k; j++) {
      cells[i * k + j].tuple = (uint32_t)(i * k + j);
      cells[i * k + j].e = p[i] * p[j] * floor((double)n * 0.5);
    }
  nb = make_bins(cells, kk, bin, bin_e);
  for (i = 0; i + 1 < n; i += 2)
    o[bin[(size_t)lit[i] * k + lit[i + 1]]]++;
  ind->t = chisq_t(bin_e, o, nb);
  ind->df = (long)nb - (long)k;
  chisq_verdict(ind, "df <= 0 (too few pairs of samples for the alphabet's bins): no "
                     "test; it passes, as in NIST's ea_iid");

  /* §5.2.2: the symbol counts of ten equal parts against the whole. */
  for (i = 0; i < k; i++) {
    cells[i].tuple = (uint32_t)i;
    cells[i].e = p[i] * floor((double)n / 10.0);
  }
  nb = make_bins(cells, k, bin, bin_e);
  gof->t = 0;
  for (j = 0; j < 10; j++) {
    size_t part = n / 10;

    memset(o, 0, nb * sizeof(*o));
    for (i = j * part; i < (j + 1) * part; i++)
      o[bin[lit[i]]]++;
    gof->t += chisq_t(bin_e, o, nb);
  }
  gof->df = 9 * ((long)nb - 1);
  chisq_verdict(gof, "df = 0 (the expected counts make one bin): no test; it passes, "
                     "as in NIST's ea_iid");
  free(cells);
  free(bin);
  free(bin_e);
  free(o);
  return MB_OK;
}

/* Binary tests on bits b[0..n-1]. */
static int chisq_binary(const uint8_t *b, size_t n, struct mb_iid_chisq *ind,
                        struct mb_iid_chisq *gof)
{
  size_t i, j, ones = 0;
  double p1, p0, minp, t = 0;
  int m;

  for (i = 0; i < n; i++)
    ones += b[i];
  p1 = (double)ones / (double)n;
  p0 = 1.0 - p1;
  minp = p0 < p1 ? p0 : p1;

  /* §5.2.1 for binary data: the longest m <= 11 whose least likely m-bit
   * tuple is expected at least 5 times among the n/m blocks. */
  for (m = 11; m > 1; m--)
    if (pow(minp, m) * (double)(n / (size_t)m) >= 5)
      break;
  if (m < 2) {
    ind->t = 0;
    ind->df = 0;
  } else {
    size_t blocks = n / (size_t)m, tuples = (size_t)1 << m;
    size_t *occ = calloc(tuples, sizeof(*occ));

    if (!occ)
      return MB_ENOMEM;
    for (i = 0; i < blocks; i++) {
      size_t v = 0;

      for (j = 0; j < (size_t)m; j++)
        v = (v << 1) | b[i * (size_t)m + j];
      occ[v]++;
    }
    for (i = 0; i < tuples; i++) {
      int w = __builtin_popcount((unsigned)i);
      double e = pow(p1, w) * pow(p0, m - w) * (double)blocks;
      double d = (double)occ[i] - e;

      t += d * d / e;
    }
    free(occ);
    ind->t = t;
    ind->df = (long)tuples - 2;
  }
  chisq_verdict(ind, "df = 0 (too few samples for a tuple of 2 bits to be expected 5 "
                     "times): no test; it passes, as in NIST's ea_iid");

  /* §5.2.2 for binary data: ones and zeros in ten parts. */
  {
    size_t part = n / 10;
    double e0 = (1.0 - p1) * (double)part, e1 = p1 * (double)part;

    t = 0;
    for (j = 0; j < 10; j++) {
      size_t o1 = 0, o0;
      double d0, d1;

      for (i = j * part; i < (j + 1) * part; i++)
        o1 += b[i];
      o0 = part - o1;
      d0 = (double)o0 - e0;
      d1 = (double)o1 - e1;
      t += d0 * d0 / e0 + d1 * d1 / e1;
    }
    gof->t = t;
    gof->df = 9;
  }
  chisq_verdict(gof, "df <= 0: no test; it passes, as in NIST's ea_iid");
  return MB_OK;
}

/* ------------------------------------------------------------------ LRS */

/* §5.2.3: the longest repeated substring W against the collision
 * probability P_col; passes when Pr(X >= 1) = 1 - (1 - P_col^W)^N, with N
 * the C(n - W + 1, 2) pairs of W-substrings, is at least 1/1000. */
static int lrs_test(const uint8_t *lit, size_t n, unsigned k, const size_t *count,
                    struct mb_iid_result *out)
{
  struct mb_tuple_stats ts;
  double p[256];
  long double pcol = 0, pw, lp, pairs;
  unsigned s;
  size_t w;
  int status;

  proportions(count, k, n, p);
  for (s = 0; s < k; s++)
    pcol += (long double)p[s] * (long double)p[s];
  out->lrs_p_col = (double)pcol;
  if (pcol > 1.0L - LDBL_EPSILON) {
    out->lrs_pr = 1.0;
    out->lrs_pass = 1;
    return MB_OK;
  }
  memset(&ts, 0, sizeof(ts));
  status = mb_tuple_stats_compute(lit, n, MB_TUPLE_AUTO, &ts);
  w = ts.v;
  mb_tuple_stats_cleanup(&ts);
  if (status != MB_OK)
    return status;
  out->lrs_w = w;
  if (w == 0) {
    /* Nothing repeats (the tool asserts): no long repeat to reject on. */
    out->lrs_pr = 1.0;
    out->lrs_pass = 1;
    return MB_OK;
  }
  pw = powl(pcol, (long double)w);
  lp = log1pl(-pw);
  pairs = (long double)((n - w + 1) * (n - w) / 2);
  out->lrs_pr = (double)(1.0L - expl(pairs * lp));
  out->lrs_pass = logl(0.999L) >= pairs * lp;
  return MB_OK;
}

/* ------------------------------------------------------------ the track */

int mb_iid_assess(const uint8_t *symbols, size_t n, unsigned bits,
                  const struct mb_iid_options *opt, struct mb_iid_result *out,
                  struct mb_error *err)
{
  static const struct mb_iid_options defaults = {0, 0, 0, 0, 0, NULL};
  struct shared sh;
  unsigned mask = 0, k = 0, v, j;
  size_t count[256], i, half, acc;
  uint64_t total = 0;
  uint8_t *lit = NULL, *bitstr = NULL;
  struct work w;
  int status;

  if (!opt)
    opt = &defaults;
  memset(out, 0, sizeof(*out));
  out->h_original = out->h_bitstring = out->h_assessed = -1.0;
  out->seed = opt->seed;
  out->permutations = opt->permutations ? opt->permutations : MB_IID_PERMUTATIONS;
  if (bits > 8)
    return mb_error_set(err, MB_EINVALID, NULL, 0, 0, NULL,
                        "%u bits per symbol is outside 1..8", bits);
  if (n == 0 || !symbols)
    return mb_error_set(err, MB_EINVALID, NULL, 0, 0, NULL, "no samples to test");
  if (n > MB_TUPLE_MAX_N || n > (size_t)INT32_MAX)
    return mb_error_set(err, MB_EINVALID, NULL, 0, 0, NULL,
                        "%zu samples are more than the IID tests take (2^31 - 1)", n);

  memset(count, 0, sizeof(count));
  for (i = 0; i < n; i++) {
    mask |= symbols[i];
    count[symbols[i]]++;
    total += symbols[i];
  }
  if (bits != 0 && (mask >> bits) != 0) {
    for (i = 0; i < n && (symbols[i] >> bits) == 0; i++)
      ;
    return mb_error_set(err, MB_EINVALID, NULL, 0, 0, NULL,
                        "sample %zu (offset %zu) is %u, wider than %u bit%s", i, i,
                        (unsigned)symbols[i], bits, bits == 1 ? "" : "s");
  }
  if (bits == 0)
    for (bits = 8; bits > 1 && !(mask & (1u << (bits - 1))); bits--)
      ;
  memset(&sh, 0, sizeof(sh));
  for (v = 0; v < 256; v++)
    if (count[v])
      sh.rank[v] = (uint8_t)k++;
  out->samples = n;
  out->bits_per_symbol = bits;
  out->alphabet_size = k;
  out->binary = k == 2;
  if (k < 2) {
    /* The tool refuses one repeated value ("No entropy awarded"). */
    out->skipped = "one distinct symbol: no entropy, nothing to test";
    out->h_original = out->h_assessed = 0.0;
    return MB_OK;
  }

  /* §5.1: the mean of the samples as they are; the median of the
   * translated ones (0.5 for binary data, as §5.1.5 says). */
  sh.raw = symbols;
  sh.n = n;
  sh.binary = out->binary;
  sh.plain = opt->plain;
  for (v = 0; v < 256 && !count[v]; v++)
    ;
  sh.low = (uint8_t)v;
  sh.mean = (double)total / (double)n;
  if (out->binary) {
    out->median = 0.5;
  } else {
    size_t lo = 0, hi = 0;

    half = n / 2;
    /* The translated values at sorted positions half - 1 and half. */
    acc = 0;
    for (v = 0; v < 256; v++) {
      if (!count[v])
        continue;
      if (half >= 1 && acc <= half - 1 && half - 1 < acc + count[v])
        lo = sh.rank[v];
      if (acc <= half && half < acc + count[v])
        hi = sh.rank[v];
      acc += count[v];
    }
    out->median = (n & 1) ? (double)hi : ((double)hi + (double)lo) / 2.0;
  }
  out->mean = sh.mean;
  for (v = 0; v < 256; v++)
    sh.below[v] = (double)sh.rank[v] < out->median;

  lit = malloc(n);
  bitstr = malloc(n * bits);
  if (!lit || !bitstr) {
    free(lit);
    free(bitstr);
    return mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL,
                        "out of memory for %zu samples", n);
  }
  for (i = 0; i < n; i++) {
    lit[i] = sh.rank[symbols[i]];
    for (j = 0; j < bits; j++)
      bitstr[i * bits + j] = (uint8_t)((symbols[i] >> (bits - 1 - j)) & 1u);
  }

  /* §6.3.1 on the literal samples, and on the bitstring of non-binary
   * data; h = min(bits, H_original, bits * H_bitstring). */
  status = mb_est_mcv(lit, n, k, &out->mcv_literal);
  if (status == MB_OK && !out->binary)
    status = mb_est_mcv(bitstr, n * bits, 2, &out->mcv_bitstring);
  free(bitstr);
  bitstr = NULL;
  if (status != MB_OK)
    goto fail;
  out->h_assessed = bits;
  if (out->mcv_literal.ran) {
    out->h_original = out->mcv_literal.h + 0.0;
    if (out->h_original < out->h_assessed)
      out->h_assessed = out->h_original;
  }
  if (out->mcv_bitstring.ran) {
    out->h_bitstring = out->mcv_bitstring.h + 0.0;
    if (bits * out->h_bitstring < out->h_assessed)
      out->h_assessed = bits * out->h_bitstring;
  }

  /* §5.2 */
  {
    size_t lcount[256];

    memset(lcount, 0, sizeof(lcount));
    for (v = 0; v < 256; v++)
      if (count[v])
        lcount[sh.rank[v]] = count[v];
    status = out->binary
                 ? chisq_binary(lit, n, &out->independence, &out->goodness_of_fit)
                 : chisq_general(lit, n, k, lcount, &out->independence,
                                 &out->goodness_of_fit);
    if (status != MB_OK)
      goto fail;
    out->chi_square_pass = out->independence.pass && out->goodness_of_fit.pass;
    status = lrs_test(lit, n, k, lcount, out);
    if (status != MB_OK)
      goto fail;
  }
  free(lit);
  lit = NULL;

  /* §5.1: the statistics of the data as it is, then the permutations. */
  status = work_init(&w, &sh);
  if (status != MB_OK)
    goto fail;
  status = statistics(&sh, &w, symbols, ALL_STATS, out->stat);
  work_free(&w);
  if (status != MB_OK)
    goto fail;
  out->permutation_pass = 1;
  if (!opt->no_permutations) {
    status = permutations(&sh, opt, out->permutations, out);
    if (status != MB_OK)
      goto fail;
    out->permutations_ran = 1;
    for (j = 0; j < MB_IID_NSTATS; j++) {
      uint32_t *c = out->counter[j];

      out->stat_pass[j] = c[0] + c[1] > 5 && c[1] + c[2] > 5;
      if (!out->stat_pass[j])
        out->permutation_pass = 0;
    }
  }
  out->iid = out->chi_square_pass && out->lrs_pass && out->permutation_pass &&
             out->permutations_ran;
  return MB_OK;

fail:
  free(lit);
  free(bitstr);
  if (status == MB_EINTERRUPTED)
    return mb_error_set(err, status, NULL, 0, 0, NULL,
                        "the IID tests were interrupted");
  return mb_error_set(err, status, NULL, 0, 0, NULL, "IID tests failed: %s",
                      mb_strerror(status));
}
