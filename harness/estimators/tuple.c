/* tuple.c: SP 800-90B §6.3.5 t-Tuple and §6.3.6 Longest Repeated Substring
 * estimates, both from one sorted-suffix pass over the data.
 *
 * Both estimates need, for each tuple length t, only two numbers: the count
 * of the most common t-tuple and the number of equal pairs of t-tuples.
 * Neighbours in suffix order that share a prefix of length >= t form one
 * run per distinct repeated t-tuple, so a stack walk over the longest common
 * prefixes (LCP) of neighbours visits every such run once, as an interval
 * (lcp h, parent lcp h', size c) that counts for every t in (h', h]. The
 * work is therefore sorting the suffixes. Two ways:
 *
 * - radix: the symbols are bit-packed (b bits each, b from the largest
 *   symbol), so any 64 bits of a suffix are one unaligned read. Suffixes are
 *   bucketed on their first bits, then each group is sorted on its next 64
 *   bits held as keys and emitted in order straight into the walk, its LCP
 *   with the one before read off the first differing key bit. Neither a
 *   suffix array nor an LCP array exists whole: the buckets are filled part
 *   of the suffixes at a time, by bitmaps (sort_by_bitmaps) or by runs of
 *   16-bit prefixes with their keys (sort_by_runs, for skewed or very large
 *   inputs). Fast when repeats are short, as in data with entropy; a work
 *   budget bounds it on repetitive data.
 * - SA-IS (Nong, Zhang and Chan's induced sorting) for the suffix array, then
 *   the permuted-LCP method (Kärkkäinen, Manzini and Puglisi): linear time
 *   whatever the data, 8 bytes per symbol. Used when the radix sort gives up.
 */
#include "tuple.h"

#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

/* §6.3.5 step 1: t-tuples are used while the most common one occurs at least
 * 35 times; §6.3.6 step 1 starts LRS at the first length below that. */
#define MB_TUPLE_MIN_COUNT 35u

/* §6.3.5 step 4 and §6.3.6 step 5: the 99% upper confidence bound uses
 * Z_0.995; like ea_non_iid, the exact normal quantile, not the rounded 2.576. */
#define MB_TUPLE_ZALPHA 2.575829303548900384158L

#define EMPTY UINT32_MAX

/* Large arrays read or written at random: on Linux, aligned to and backed by
 * 2 MiB pages where the kernel allows it, which removes most TLB misses of
 * the bucket scatter and of the text reads (about a third of the sort's
 * time at 32 Mbit). Released with free(). */
#define HUGE_PAGE ((size_t)2 << 20)

static void *big_alloc(size_t size)
{
  void *p = NULL;

  if (size < HUGE_PAGE)
    return malloc(size ? size : 1);
  size = (size + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
  if (posix_memalign(&p, HUGE_PAGE, size) != 0)
    return NULL;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  (void)madvise(p, size, MADV_HUGEPAGE);
#endif
  return p;
}

/* ------------------------------------------------------------------------ */
/* Interval accumulator over the LCP sequence in suffix order.              */

/* An open interval: its lcp and left boundary in sorted order. */
struct acc_frame {
  uint32_t h, lb;
};

#define ACC_BATCH 4096u

struct acc {
  struct acc_frame *stk;   /* stk[0] is the root interval, never reported */
  size_t top, stk_cap;     /* stk[top] is the innermost open interval */
  uint32_t *m;             /* m[h]: largest interval with lcp exactly h */
  uint64_t *d;             /* differences of s[]: s[t] = d[1] + ... + d[t] */
  size_t cap;              /* entries in m and d */
  size_t vmax;             /* largest lcp seen */
  uint32_t buf[ACC_BATCH]; /* lcps not yet walked, of positions next.. */
  size_t nbuf;
  uint32_t next; /* sorted position of buf[0] */
  int nomem;
};

static struct acc *acc_new(void)
{
  struct acc *a = calloc(1, sizeof(*a));

  if (!a)
    return NULL;
  a->stk_cap = 64;
  a->cap = 64;
  a->next = 1;
  a->stk = malloc(a->stk_cap * sizeof(*a->stk));
  a->m = calloc(a->cap, sizeof(*a->m));
  a->d = calloc(a->cap, sizeof(*a->d));
  if (!a->stk || !a->m || !a->d) {
    free(a->stk);
    free(a->m);
    free(a->d);
    free(a);
    return NULL;
  }
  a->stk[0].h = 0;
  a->stk[0].lb = 0;
  return a;
}

static void acc_free(struct acc *a)
{
  if (!a)
    return;
  free(a->stk);
  free(a->m);
  free(a->d);
  free(a);
}

/* Room in m[] and d[] for lcps up to l, in one step (no doubling). */
static int acc_reserve(struct acc *a, size_t l)
{
  size_t cap = l + 2;
  uint32_t *m;
  uint64_t *d;

  if (cap <= a->cap)
    return MB_OK;
  m = realloc(a->m, cap * sizeof(*m));
  if (!m)
    return MB_ENOMEM;
  a->m = m;
  d = realloc(a->d, cap * sizeof(*d));
  if (!d)
    return MB_ENOMEM;
  a->d = d;
  memset(a->m + a->cap, 0, (cap - a->cap) * sizeof(*a->m));
  memset(a->d + a->cap, 0, (cap - a->cap) * sizeof(*a->d));
  a->cap = cap;
  return MB_OK;
}

/* Walk the buffered lcps: close the intervals each one ends, open the one it
 * starts. Room for the deepest lcp and for one new frame per lcp is made
 * first, so the loop itself has no checks. */
static void acc_flush(struct acc *a)
{
  struct acc_frame *stk;
  uint32_t *m;
  uint64_t *d;
  size_t top, k, need;
  uint32_t i, th, lmax = 0;

  if (a->nomem || a->nbuf == 0)
    return;
  for (k = 0; k < a->nbuf; k++)
    if (a->buf[k] > lmax)
      lmax = a->buf[k];
  if ((size_t)lmax + 2 > a->cap) {
    size_t cap = a->cap;

    while (cap < (size_t)lmax + 2)
      cap *= 2;
    m = realloc(a->m, cap * sizeof(*m));
    if (m)
      a->m = m;
    d = m ? realloc(a->d, cap * sizeof(*d)) : NULL;
    if (!d) {
      a->nomem = 1;
      return;
    }
    a->d = d;
    memset(a->m + a->cap, 0, (cap - a->cap) * sizeof(*a->m));
    memset(a->d + a->cap, 0, (cap - a->cap) * sizeof(*a->d));
    a->cap = cap;
  }
  need = a->top + a->nbuf + 1;
  if (need > a->stk_cap) {
    size_t cap = a->stk_cap;

    while (cap < need)
      cap *= 2;
    stk = realloc(a->stk, cap * sizeof(*stk));
    if (!stk) {
      a->nomem = 1;
      return;
    }
    a->stk = stk;
    a->stk_cap = cap;
  }
  if (lmax > a->vmax)
    a->vmax = lmax;

  stk = a->stk;
  m = a->m;
  d = a->d;
  top = a->top;
  th = stk[top].h;
  i = a->next;
  for (k = 0; k < a->nbuf; k++, i++) {
    uint32_t l = a->buf[k], lb = i - 1;

    while (l < th) {
      uint32_t h = th, parent, size;
      uint64_t pairs;

      lb = stk[top].lb;
      top--;
      th = stk[top].h;
      parent = th > l ? th : l;
      size = i - lb;
      pairs = (uint64_t)size * (uint64_t)(size - 1) / 2u;
      m[h] = m[h] > size ? m[h] : size;
      /* Unsigned wrap-around is intended: the prefix sums are exact. */
      d[parent + 1] += pairs;
      d[h + 1] -= pairs;
    }
    if (l > th) {
      top++;
      stk[top].h = l;
      stk[top].lb = lb;
      th = l;
    }
  }
  a->top = top;
  a->next = i;
  a->nbuf = 0;
}

/* The next suffix in sorted order (positions 1, 2, ..., n-1) shares l
 * symbols with the one before it; the walk ends with acc_push(a, 0) for
 * position n. */
static inline void acc_push(struct acc *a, uint32_t l)
{
  a->buf[a->nbuf++] = l;
  if (a->nbuf == ACC_BATCH)
    acc_flush(a);
}

/* Turn the accumulated intervals into q[] and s[], in place of m[] and d[]
 * (which st then owns): on repetitive data v is close to n. */
static int acc_finish(struct acc *a, size_t n, struct mb_tuple_stats *st)
{
  size_t v, t;
  uint32_t run = 0;
  uint64_t sum = 0;

  acc_push(a, 0);
  acc_flush(a);
  if (a->nomem)
    return MB_ENOMEM;
  free(a->stk);
  a->stk = NULL;
  v = a->vmax;
  for (t = v; t >= 1; t--) {
    if (a->m[t] > run)
      run = a->m[t];
    a->m[t] = run;
  }
  a->m[0] = (uint32_t)n;
  for (t = 1; t <= v; t++) {
    sum += a->d[t];
    a->d[t] = sum;
  }
  a->d[0] = (uint64_t)n * (uint64_t)(n - 1) / 2u;
  st->n = n;
  st->v = v;
  st->q = a->m;
  st->s = a->d;
  a->m = NULL;
  a->d = NULL;
  return MB_OK;
}

/* ------------------------------------------------------------------------ */
/* SA-IS over bytes (top level) or 32-bit names (recursion).                */

struct text {
  const uint8_t *t8;
  const uint32_t *t32;
};

static inline uint32_t ch(const struct text *t, uint32_t i)
{
  return t->t8 ? t->t8[i] : t->t32[i];
}

/* Type bits: 1 = S-type (smaller than the suffix after it). */
static inline int is_s(const uint8_t *ty, uint32_t i)
{
  return (ty[i >> 3] >> (i & 7)) & 1;
}

static inline int is_lms(const uint8_t *ty, uint32_t i)
{
  return i > 0 && is_s(ty, i) && !is_s(ty, i - 1);
}

static void buckets(const struct text *t, uint32_t n, uint32_t k, uint32_t *bkt,
                    int ends)
{
  uint32_t i, sum = 0;

  memset(bkt, 0, (size_t)k * sizeof(*bkt));
  for (i = 0; i < n; i++)
    bkt[ch(t, i)]++;
  for (i = 0; i < k; i++) {
    sum += bkt[i];
    bkt[i] = ends ? sum : sum - bkt[i];
  }
}

static void induce(const struct text *t, const uint8_t *ty, uint32_t *sa, uint32_t n,
                   uint32_t k, uint32_t *bkt)
{
  uint32_t i, j;

  buckets(t, n, k, bkt, 0);
  /* The virtual sentinel after the text comes first; the suffix before it,
   * n-1, is L-type. */
  sa[bkt[ch(t, n - 1)]++] = n - 1;
  for (i = 0; i < n; i++) {
    j = sa[i];
    if (j != EMPTY && j > 0 && !is_s(ty, j - 1))
      sa[bkt[ch(t, j - 1)]++] = j - 1;
  }
  buckets(t, n, k, bkt, 1);
  for (i = n; i-- > 0;) {
    j = sa[i];
    if (j != EMPTY && j > 0 && is_s(ty, j - 1))
      sa[--bkt[ch(t, j - 1)]] = j - 1;
  }
}

/* Suffix array of t[0..n-1] (symbols < k) into sa[0..n-1]. */
static int sais(const struct text *t, uint32_t *sa, uint32_t n, uint32_t k)
{
  uint8_t *ty;
  uint32_t *bkt;
  uint32_t i, j, n1, names, prev;
  int rc = MB_OK;

  if (n == 1) {
    sa[0] = 0;
    return MB_OK;
  }
  ty = calloc((size_t)n / 8 + 1, 1);
  bkt = malloc((size_t)k * sizeof(*bkt));
  if (!ty || !bkt) {
    free(ty);
    free(bkt);
    return MB_ENOMEM;
  }
  /* The last symbol is L-type: the virtual sentinel after it is smaller. */
  for (i = n - 1; i-- > 0;) {
    uint32_t a = ch(t, i), b = ch(t, i + 1);

    if (a < b || (a == b && is_s(ty, i + 1)))
      ty[i >> 3] = (uint8_t)(ty[i >> 3] | (1u << (i & 7)));
  }

  /* Stage 1: sort the LMS substrings by induction. */
  for (i = 0; i < n; i++)
    sa[i] = EMPTY;
  buckets(t, n, k, bkt, 1);
  for (i = 1; i < n; i++)
    if (is_lms(ty, i))
      sa[--bkt[ch(t, i)]] = i;
  induce(t, ty, sa, n, k, bkt);

  /* Name the sorted LMS substrings; equal substrings share a name. */
  n1 = 0;
  for (i = 0; i < n; i++)
    if (sa[i] != EMPTY && is_lms(ty, sa[i]))
      sa[n1++] = sa[i];
  for (i = n1; i < n; i++)
    sa[i] = EMPTY;
  names = 0;
  prev = EMPTY;
  for (i = 0; i < n1; i++) {
    uint32_t p = sa[i], d;
    int diff = 0;

    if (prev == EMPTY) {
      diff = 1;
    } else {
      for (d = 0;; d++) {
        if (p + d == n || prev + d == n || ch(t, p + d) != ch(t, prev + d) ||
            is_s(ty, p + d) != is_s(ty, prev + d)) {
          diff = 1;
          break;
        }
        if (d > 0 && (is_lms(ty, p + d) || is_lms(ty, prev + d)))
          break;
      }
    }
    if (diff) {
      names++;
      prev = p;
    }
    sa[n1 + p / 2] = names - 1;
  }
  for (i = n, j = n; i-- > n1;)
    if (sa[i] != EMPTY)
      sa[--j] = sa[i];

  /* Stage 2: sort the LMS suffixes, recursing while names repeat. */
  if (n1 > 0) {
    uint32_t *s1 = sa + n - n1;

    if (names < n1) {
      struct text t1 = {NULL, s1};

      rc = sais(&t1, sa, n1, names);
      if (rc != MB_OK)
        goto out;
    } else {
      for (i = 0; i < n1; i++)
        sa[s1[i]] = i;
    }
    for (i = 1, j = 0; i < n; i++)
      if (is_lms(ty, i))
        s1[j++] = i;
    for (i = 0; i < n1; i++)
      sa[i] = s1[sa[i]];
  }

  /* Stage 3: induce every suffix from the sorted LMS suffixes. */
  for (i = n1; i < n; i++)
    sa[i] = EMPTY;
  buckets(t, n, k, bkt, 1);
  for (i = n1; i-- > 0;) {
    j = sa[i];
    sa[i] = EMPTY;
    sa[--bkt[ch(t, j)]] = j;
  }
  induce(t, ty, sa, n, k, bkt);
out:
  free(ty);
  free(bkt);
  return rc;
}

static int stats_sais(const uint8_t *s, uint32_t n, struct acc *a)
{
  struct text t = {s, NULL};
  uint32_t *sa, *phi;
  uint32_t i, r, h, vmax;
  int rc;

  sa = malloc((size_t)n * sizeof(*sa));
  if (!sa)
    return MB_ENOMEM;
  rc = sais(&t, sa, n, 256);
  if (rc != MB_OK) {
    free(sa);
    return rc;
  }
  /* phi[i]: the suffix just before suffix i in sorted order; then, in place,
   * the LCP of suffix i with it, which drops by at most 1 from i to i+1. */
  phi = malloc((size_t)n * sizeof(*phi));
  if (!phi) {
    free(sa);
    return MB_ENOMEM;
  }
  phi[sa[0]] = EMPTY;
  for (r = 1; r < n; r++)
    phi[sa[r]] = sa[r - 1];
  h = 0;
  for (i = 0; i < n; i++) {
    uint32_t j = phi[i];

    if (j == EMPTY) {
      h = 0;
    } else {
      while (i + h < n && j + h < n && s[i + h] == s[j + h])
        h++;
    }
    phi[i] = h;
    if (h > 0)
      h--;
  }
  /* The LCPs in sorted order replace the suffix array, and phi goes before
   * the walk's arrays (12 bytes per unit of the deepest LCP) are made: on
   * repetitive data that depth is close to n. */
  vmax = 0;
  for (r = 1; r < n; r++) {
    uint32_t l = phi[sa[r]];

    sa[r - 1] = l;
    vmax = l > vmax ? l : vmax;
  }
  free(phi);
  if (acc_reserve(a, vmax) != MB_OK) {
    free(sa);
    return MB_ENOMEM;
  }
  for (r = 0; r + 1 < n; r++)
    acc_push(a, sa[r]);
  free(sa);
  return a->nomem ? MB_ENOMEM : MB_OK;
}

/* ------------------------------------------------------------------------ */
/* Radix sort of bit-packed suffixes.                                        */

/* Deepest prefix, in bits, the radix sort examines before it gives up: past
 * this, repeats are long enough for SA-IS to be the better method. */
#define RADIX_MAX_DEPTH 2048u
/* Work budget, in 64-bit window reads per symbol. */
#define RADIX_WORK_PER_SYMBOL 12u
/* Groups this small are sorted on cached 64-bit keys. */
#define RADIX_LEAF 32u
/* Groups larger than this take in-place passes before the keyed sort, which
 * bounds the keyed sort's buffers (24 bytes per suffix). */
#define KEY_MAX_BUCKET ((size_t)1 << 17)
/* Bits of the keyed sort's first, out-of-place, pass. */
#define KEY_DIGIT 15u
/* Digit width of the in-place passes. */
#define RADIX_DIGIT 8u
/* Nested in-place passes at most: each goes at least a digit deeper. */
#define RADIX_LEVELS (RADIX_MAX_DEPTH / RADIX_DIGIT + 2u)

/* The sort emits suffixes in order straight into the interval walk, with the
 * LCP to the one before known from where the two were told apart. */
struct radix {
  const uint64_t *w; /* packed text, MSB first, 2 zero words of padding */
  uint64_t nbits;    /* n * b */
  uint32_t n;
  unsigned b; /* bits per symbol */
  uint64_t work, budget;
  int gave_up;
  uint32_t *scratch; /* per nesting level: counts and cursors, 2 x 256 */
  uint64_t *key;     /* sort_bucket_keys: 2 x the largest bucket it takes */
  uint32_t *idx;     /* and 1 x */
  uint32_t *kcnt;    /* 2^KEY_DIGIT counts */
  int key_busy;      /* sort_bucket_keys is running */
  struct acc *acc;
  uint32_t emitted;   /* suffixes emitted so far */
  uint64_t prev_bits; /* length of the last one emitted, in bits */
  uint64_t next_lcp;  /* padded LCP, in bits, of prev and the next emitted */
};

/* The 64 bits starting at bit p; zero past the end of the text. */
static inline uint64_t window(const struct radix *r, uint64_t p)
{
  size_t q;
  unsigned o;
  uint64_t x;

  if (p >= r->nbits)
    return 0;
  q = (size_t)(p >> 6);
  o = (unsigned)(p & 63u);
  x = r->w[q] << o;
  if (o)
    x |= r->w[q + 1] >> (64u - o);
  return x;
}

static inline uint64_t suffix_bits(const struct radix *r, uint32_t i)
{
  return (uint64_t)(r->n - i) * r->b;
}

/* Append suffix x to the sorted order. The padded LCP is capped by both
 * lengths: zero padding may match past the end of either suffix. */
static inline void emit(struct radix *r, uint32_t x)
{
  uint64_t lx = suffix_bits(r, x);

  if (r->emitted > 0) {
    uint64_t l = r->next_lcp;

    if (l > r->prev_bits)
      l = r->prev_bits;
    if (l > lx)
      l = lx;
    /* Bits to symbols; the common widths avoid a division. */
    l = r->b == 1 ? l : r->b == 8 ? l >> 3 : l / r->b;
    acc_push(r->acc, (uint32_t)l);
  }
  r->prev_bits = lx;
  r->emitted++;
}

/* Emit x[e], x[e+1], ... of keys k[] sorted at depth d (their first d bits
 * equal), while each key is unique and each suffix longer than d + 64 bits,
 * so that the LCP to the one before is d plus the leading bits two keys
 * share, never capped; the suffix emitted last (at e - 1 or before) must be
 * that long too, and k[e - 1] != k[e]. The same as emit() one by one, with
 * the LCPs written straight into the walk's buffer. Returns where it
 * stopped: m, a key shared with the next, or a short suffix. */
static size_t emit_distinct(struct radix *r, const uint64_t *k, const uint32_t *x,
                            size_t e, size_t m, uint64_t d)
{
  struct acc *a = r->acc;
  const unsigned b = r->b;
  /* Suffixes at x < xlim have more than d + 64 bits. */
  const uint64_t need = (d + 64u) / b + 1u;
  const uint32_t xlim = r->n > need ? (uint32_t)(r->n - need) : 0;
  const size_t e0 = e;
  size_t nb = a->nbuf;

  for (; e < m; e++) {
    uint64_t l;

    if (x[e] >= xlim || (e + 1 < m && k[e + 1] == k[e]))
      break;
    l = d + (uint64_t)__builtin_clzll(k[e - 1] ^ k[e]);
    a->buf[nb++] = (uint32_t)(b == 1 ? l : b == 8 ? l >> 3 : l / b);
    if (nb == ACC_BATCH) {
      a->nbuf = nb;
      acc_flush(a);
      nb = 0;
    }
  }
  a->nbuf = nb;
  if (e > e0) {
    r->prev_bits = suffix_bits(r, x[e - 1]);
    r->emitted += (uint32_t)(e - e0);
  }
  return e;
}

static inline int spend(struct radix *r, uint64_t work)
{
  r->work += work;
  if (r->work > r->budget)
    r->gave_up = 1;
  return !r->gave_up;
}

static void sort_group(struct radix *r, uint32_t *a, size_t m, uint64_t d,
                       unsigned level);

/* Sort and emit a[0..m), m <= RADIX_LEAF, agreeing on their first d bits and
 * none ended, on the next 64 bits held in a local array. */
static void sort_leaf(struct radix *r, uint32_t *a, size_t m, uint64_t d,
                      unsigned level)
{
  uint64_t key[RADIX_LEAF];
  size_t i, j;

  if (!spend(r, m))
    return;
  for (i = 0; i < m; i++)
    key[i] = window(r, (uint64_t)a[i] * r->b + d);
  for (i = 1; i < m; i++) {
    uint64_t k = key[i];
    uint32_t x = a[i];

    for (j = i; j > 0 && key[j - 1] > k; j--) {
      key[j] = key[j - 1];
      a[j] = a[j - 1];
    }
    key[j] = k;
    a[j] = x;
  }
  for (i = 0; i < m && !r->gave_up; i = j) {
    for (j = i + 1; j < m && key[j] == key[i]; j++)
      ;
    if (i > 0)
      r->next_lcp = d + (uint64_t)__builtin_clzll(key[i - 1] ^ key[i]);
    if (j - i == 1)
      emit(r, a[i]);
    else
      sort_group(r, a + i, j - i, d + 64, level + 1);
  }
}

static unsigned bit_length(uint64_t x)
{
  unsigned l = 0;

  while (x) {
    l++;
    x >>= 1;
  }
  return l;
}

/* Sort pairs (key[i], idx[i]), i < m, on key bits below the top sh bits,
 * the top sh bits being equal: insertion sort when small, else an in-place
 * byte-wise radix pass. */
static void sort_pairs(uint64_t *key, uint32_t *idx, size_t m, unsigned sh)
{
  size_t cnt[256], start[257], next[256], i, j;
  unsigned bk, shift;

  while (m > RADIX_LEAF && sh < 64) {
    shift = 64u - 8u - sh > 64u ? 0 : 64u - 8u - sh; /* sh > 56: low bits */
    memset(cnt, 0, sizeof(cnt));
    for (i = 0; i < m; i++)
      cnt[(key[i] >> shift) & 255u]++;
    if (cnt[(key[0] >> shift) & 255u] == m) {
      sh += 8;
      continue;
    }
    start[0] = 0;
    for (bk = 0; bk < 256; bk++) {
      start[bk + 1] = start[bk] + cnt[bk];
      next[bk] = start[bk];
    }
    for (bk = 0; bk < 256; bk++) {
      while (next[bk] < start[bk + 1]) {
        uint64_t k = key[next[bk]];
        uint32_t x = idx[next[bk]];
        unsigned dg = (unsigned)((k >> shift) & 255u);

        while (dg != bk) {
          uint64_t k2 = key[next[dg]];
          uint32_t x2 = idx[next[dg]];

          key[next[dg]] = k;
          idx[next[dg]++] = x;
          k = k2;
          x = x2;
          dg = (unsigned)((k >> shift) & 255u);
        }
        key[next[bk]] = k;
        idx[next[bk]++] = x;
      }
    }
    for (bk = 0; bk < 256; bk++)
      if (cnt[bk] > 1)
        sort_pairs(key + start[bk], idx + start[bk], cnt[bk], sh + 8);
    return;
  }
  for (i = 1; i < m; i++) {
    uint64_t k = key[i];
    uint32_t x = idx[i];

    for (j = i; j > 0 && key[j - 1] > k; j--) {
      key[j] = key[j - 1];
      idx[j] = idx[j - 1];
    }
    key[j] = k;
    idx[j] = x;
  }
}

/* Sort and emit a[0..m), suffixes agreeing on their first d bits, on their
 * next 64 bits cached as keys: one out-of-place pass on the keys' top bits
 * (up to KEY_DIGIT), then sort_pairs. Keys of suffixes that end within them are
 * zero-padded: that orders them right, except against equal keys, which
 * sort_group resolves a level deeper; emit() caps the LCP by the lengths.
 * Uses r->key (2m) and r->idx (m), so it does not nest. */
static void sort_bucket_keys(struct radix *r, const uint32_t *a, size_t m, uint64_t d,
                             unsigned level)
{
  uint64_t *k1 = r->key, *k2 = r->key + m;
  uint32_t *i2 = r->idx;
  uint32_t *cnt = r->kcnt;
  /* About one key per sub-bucket: insertion sorts stay trivial. */
  unsigned kd = bit_length(m) > KEY_DIGIT ? KEY_DIGIT : bit_length(m);
  const unsigned shift = 64u - kd;
  size_t i, j, lo, nb = (size_t)1 << kd;

  if (!spend(r, m))
    return;
  r->key_busy = 1;
  memset(cnt, 0, nb * sizeof(*cnt));
  for (i = 0; i < m; i++) {
    uint64_t k = window(r, (uint64_t)a[i] * r->b + d);

    k1[i] = k;
    cnt[k >> shift]++;
  }
  {
    uint32_t sum = 0;

    for (i = 0; i < nb; i++) {
      uint32_t c = cnt[i];

      cnt[i] = sum;
      sum += c;
    }
  }
  for (i = 0; i < m; i++) {
    uint32_t at = cnt[k1[i] >> shift]++;

    k2[at] = k1[i];
    i2[at] = a[i];
  }
  /* cnt[g] is now the end of sub-bucket g. */
  for (lo = 0, i = 0; i < nb; i++) {
    size_t c = cnt[i] - lo;

    if (c == 2 && k2[lo] > k2[lo + 1]) {
      uint64_t k = k2[lo];
      uint32_t x = i2[lo];

      k2[lo] = k2[lo + 1];
      i2[lo] = i2[lo + 1];
      k2[lo + 1] = k;
      i2[lo + 1] = x;
    } else if (c > 2) {
      sort_pairs(k2 + lo, i2 + lo, c, kd);
    }
    lo = cnt[i];
  }
  for (i = 0; i < m && !r->gave_up; i = j) {
    for (j = i + 1; j < m && k2[j] == k2[i]; j++)
      ;
    if (i > 0)
      r->next_lcp = d + (uint64_t)__builtin_clzll(k2[i - 1] ^ k2[i]);
    if (j - i == 1)
      emit(r, i2[i]);
    else
      sort_group(r, i2 + i, j - i, d + 64, level + 1);
  }
  r->key_busy = 0;
}

static inline unsigned digit(const struct radix *r, uint32_t i, uint64_t d)
{
  return (unsigned)(window(r, (uint64_t)i * r->b + d) >> (64u - RADIX_DIGIT));
}

/* Sort and emit a[0..m), suffixes agreeing on their first d bits. */
static void sort_group(struct radix *r, uint32_t *a, size_t m, uint64_t d,
                       unsigned level)
{
  uint32_t *start, *next;
  size_t i, e;
  unsigned bk, prev_bk;
  int first;

  for (;;) {
    if (r->gave_up)
      return;
    if (d > RADIX_MAX_DEPTH || level >= RADIX_LEVELS) {
      r->gave_up = 1;
      return;
    }
    /* Suffixes no longer than d are prefixes of the others: they come first,
     * shortest (largest position) first. */
    e = 0;
    for (i = 0; i < m; i++) {
      if (suffix_bits(r, a[i]) <= d) {
        uint32_t x = a[i];

        a[i] = a[e];
        a[e++] = x;
      }
    }
    if (e > 0) {
      for (i = 1; i < e; i++) {
        uint32_t x = a[i];
        size_t j;

        for (j = i; j > 0 && a[j - 1] < x; j--)
          a[j] = a[j - 1];
        a[j] = x;
      }
      for (i = 0; i < e; i++) {
        emit(r, a[i]);
        r->next_lcp = d;
      }
      a += e;
      m -= e;
    }
    if (m == 0)
      return;
    if (m == 1) {
      emit(r, a[0]);
      return;
    }
    if (m <= RADIX_LEAF) {
      sort_leaf(r, a, m, d, level);
      return;
    }
    if (m <= KEY_MAX_BUCKET && r->key && !r->key_busy) {
      sort_bucket_keys(r, a, m, d, level);
      return;
    }
    start = r->scratch + (size_t)level * 2u * 257u;
    next = start + 257;
    memset(next, 0, 256 * sizeof(*next));
    for (i = 0; i < m; i++)
      next[digit(r, a[i], d)]++;
    if (!spend(r, m))
      return;
    bk = digit(r, a[0], d);
    if (next[bk] == m) { /* one shared digit: go deeper without moving */
      d += RADIX_DIGIT;
      continue;
    }
    start[0] = 0;
    for (bk = 0; bk < 256; bk++) {
      start[bk + 1] = start[bk] + next[bk];
      next[bk] = start[bk];
    }
    /* In-place permutation, cycle by cycle (American flag sort). */
    for (bk = 0; bk < 256; bk++) {
      while (next[bk] < start[bk + 1]) {
        uint32_t x = a[next[bk]];
        unsigned dg = digit(r, x, d);

        while (dg != bk) {
          uint32_t y = a[next[dg]];

          a[next[dg]++] = x;
          x = y;
          dg = digit(r, x, d);
        }
        a[next[bk]++] = x;
      }
    }
    if (!spend(r, m))
      return;
    first = 1;
    prev_bk = 0;
    for (bk = 0; bk < 256 && !r->gave_up; bk++) {
      uint32_t c = start[bk + 1] - start[bk];

      if (c == 0)
        continue;
      if (!first) /* the digits differ first at this bit */
        r->next_lcp =
            d + RADIX_DIGIT - 1u - (uint64_t)(31 - __builtin_clz(prev_bk ^ bk));
      first = 0;
      prev_bk = bk;
      if (c == 1)
        emit(r, a[start[bk]]);
      else
        sort_group(r, a + start[bk], c, d + RADIX_DIGIT, level + 1);
    }
    return;
  }
}

static unsigned symbol_bits(const uint8_t *s, size_t n)
{
  unsigned all = 0, b = 1;
  size_t i;

  for (i = 0; i < n; i++)
    all |= s[i];
  while (b < 8 && (all >> b) != 0)
    b++;
  return b;
}

/* Sub-buckets of sort_keys larger than this take sort_skewed. */
#define SKEWED_MIN 32u
/* sort_skewed sorts on the top 2 * bit_length(m) + SKEWED_EXTRA varying bits. */
#define SKEWED_EXTRA 4u

/* Sort pairs (k[i], x[i]), i < m, on the key bits below the top sh bits
 * (equal in all), using sk/sx (m pairs) as scratch. Meant for the
 * sub-buckets of skewed data (the bitstring of timing deltas), whose key
 * bits carry about half a bit of entropy each: an in-place byte pass there
 * splits into a few sub-buckets only. Instead, stable counting passes of up
 * to 8 bits, least significant first, sort the top 2 * bit_length(m) + 4
 * bits that vary (in cache: m is a sub-bucket of at most a few thousand),
 * enough to leave groups of a few keys; the groups that still tie on those
 * bits are then sorted on the bits below (sort_pairs). Passes over a digit
 * that all keys share are skipped. */
static void sort_skewed(uint64_t *k, uint32_t *x, size_t m, unsigned sh, uint64_t *sk,
                        uint32_t *sx)
{
  uint64_t diff = 0, *ka = k, *kb = sk;
  uint32_t *xa = x, *xb = sx, cnt[256];
  unsigned hi, lo, low, width, npass, dw, p;
  size_t i, j;

  for (i = 1; i < m; i++)
    diff |= k[i] ^ k[0];
  if (sh > 0)
    diff = sh >= 64 ? 0 : diff & (~(uint64_t)0 >> sh);
  if (diff == 0)
    return;
  /* Bits [lo, hi) take the counting passes; none differs below low. */
  hi = 64u - (unsigned)__builtin_clzll(diff);
  low = (unsigned)__builtin_ctzll(diff);
  width = 2u * bit_length(m) + SKEWED_EXTRA;
  lo = hi > width && hi - width > low ? hi - width : low;
  npass = (hi - lo + 7u) / 8u;
  dw = (hi - lo + npass - 1u) / npass;
  for (p = 0; p < npass; p++) {
    unsigned shp = lo + p * dw, w = shp + dw > hi ? hi - shp : dw;
    uint32_t sum = 0, mask = (1u << w) - 1u, g;

    memset(cnt, 0, sizeof(*cnt) << w);
    for (i = 0; i < m; i++)
      cnt[(ka[i] >> shp) & mask]++;
    if (cnt[(ka[0] >> shp) & mask] == m)
      continue;
    for (g = 0; g <= mask; g++) {
      uint32_t c = cnt[g];

      cnt[g] = sum;
      sum += c;
    }
    for (i = 0; i < m; i++) {
      uint64_t kv = ka[i];
      uint32_t at = cnt[(kv >> shp) & mask]++;

      kb[at] = kv;
      xb[at] = xa[i];
    }
    {
      uint64_t *t = ka;
      uint32_t *u = xa;

      ka = kb;
      kb = t;
      xa = xb;
      xb = u;
    }
  }
  if (ka != k) {
    memcpy(k, ka, m * sizeof(*k));
    memcpy(x, xa, m * sizeof(*x));
  }
  if (lo == low)
    return;
  /* Keys equal on bits [lo, 64) form consecutive groups; sort each on the
   * bits below lo. */
  for (i = 0; i < m; i = j) {
    uint64_t g = k[i] >> lo;

    for (j = i + 1; j < m && (k[j] >> lo) == g; j++)
      ;
    if (j - i == 2) {
      if (k[i] > k[i + 1]) {
        uint64_t kv = k[i];
        uint32_t xv = x[i];

        k[i] = k[i + 1];
        x[i] = x[i + 1];
        k[i + 1] = kv;
        x[i + 1] = xv;
      }
    } else if (j - i > 2) {
      sort_pairs(k + i, x + i, j - i, 64u - lo);
    }
  }
}

/* Bits of sort_keys's out-of-place pass (about one key per sub-bucket on
 * the buckets of uniform data up to 2^19 suffixes). */
#define SORT_KEYS_DIGIT 15u

/* Sort pairs (k[i], x[i]), i < m, on the key bits below the top sh bits
 * (equal in all), in memory: groups that fit the buffers tk/tx (tcap pairs)
 * take one out-of-place pass on up to KEY_DIGIT bits (about one key per
 * sub-bucket on uniform data; larger sub-buckets, as skewed data leaves,
 * take sort_skewed) and are copied back, except at the top level (top = 1): then
 * the sorted pairs are left in tk/tx and 1 is returned; larger ones first
 * take in-place byte passes. cnt has room for 2^SORT_KEYS_DIGIT counts. */
static int sort_keys(uint64_t *k, uint32_t *x, size_t m, unsigned sh, uint64_t *tk,
                     uint32_t *tx, size_t tcap, uint32_t *cnt, int top)
{
  size_t i, lo, nb;
  unsigned kd, shift;

  if (m <= RADIX_LEAF || sh >= 56 || m > tcap) {
    size_t c[256], start[257], next[256];
    unsigned bk;

    if (m <= RADIX_LEAF || sh >= 56 || !tk) {
      sort_pairs(k, x, m, sh);
      return 0;
    }
    /* Too large for the buffers: one in-place pass on the next byte. */
    shift = 56u - sh;
    memset(c, 0, sizeof(c));
    for (i = 0; i < m; i++)
      c[(k[i] >> shift) & 255u]++;
    start[0] = 0;
    for (bk = 0; bk < 256; bk++) {
      start[bk + 1] = start[bk] + c[bk];
      next[bk] = start[bk];
    }
    for (bk = 0; bk < 256; bk++) {
      while (next[bk] < start[bk + 1]) {
        uint64_t kv = k[next[bk]];
        uint32_t xv = x[next[bk]];
        unsigned dg = (unsigned)((kv >> shift) & 255u);

        while (dg != bk) {
          uint64_t k2 = k[next[dg]];
          uint32_t x2 = x[next[dg]];

          k[next[dg]] = kv;
          x[next[dg]++] = xv;
          kv = k2;
          xv = x2;
          dg = (unsigned)((kv >> shift) & 255u);
        }
        k[next[bk]] = kv;
        x[next[bk]++] = xv;
      }
    }
    for (bk = 0; bk < 256; bk++)
      if (c[bk] > 1)
        sort_keys(k + start[bk], x + start[bk], c[bk], sh + 8, tk, tx, tcap, cnt, 0);
    return 0;
  }
  kd = bit_length(m) > SORT_KEYS_DIGIT ? SORT_KEYS_DIGIT : bit_length(m);
  if (kd > 64u - sh)
    kd = 64u - sh;
  shift = 64u - sh - kd;
  nb = (size_t)1 << kd;
  memset(cnt, 0, nb * sizeof(*cnt));
  for (i = 0; i < m; i++)
    cnt[(k[i] >> shift) & (nb - 1)]++;
  {
    uint32_t sum = 0;

    for (i = 0; i < nb; i++) {
      uint32_t c = cnt[i];

      cnt[i] = sum;
      sum += c;
    }
  }
  for (i = 0; i < m; i++) {
    uint32_t at = cnt[(k[i] >> shift) & (nb - 1)]++;

    tk[at] = k[i];
    tx[at] = x[i];
  }
  /* cnt[g] is now the end of sub-bucket g. */
  for (lo = 0, i = 0; i < nb; i++) {
    size_t c = cnt[i] - lo;

    if (c == 2 && tk[lo] > tk[lo + 1]) {
      uint64_t kv = tk[lo];
      uint32_t xv = tx[lo];

      tk[lo] = tk[lo + 1];
      tx[lo] = tx[lo + 1];
      tk[lo + 1] = kv;
      tx[lo + 1] = xv;
    } else if (c > SKEWED_MIN) {
      /* The pairs have moved to tk/tx: k/x are free as scratch. */
      sort_skewed(tk + lo, tx + lo, c, sh + kd, k + lo, x + lo);
    } else if (c > 2) {
      sort_pairs(tk + lo, tx + lo, c, sh + kd);
    }
    lo = cnt[i];
  }
  if (top)
    return 1; /* the caller reads them from tk/tx */
  memcpy(k, tk, m * sizeof(*k));
  memcpy(x, tx, m * sizeof(*x));
  return 0;
}

/* Bits of the first bucketing pass of sort_by_bitmaps. */
#define RADIX_TOP_BITS 8u
/* From this many symbols on, sort_by_bitmaps buckets suffixes in
 * RADIX_CHUNKS runs. */
#define RADIX_CHUNK_MIN ((uint32_t)1 << 22)
#define RADIX_CHUNKS 4u

/* The sort when no 8-bit prefix is shared by more than KEY_MAX_BUCKET
 * suffixes (data with entropy, up to a few million symbols): suffixes are
 * bucketed on their first 8 bits, a quarter of the buckets at a time on
 * large inputs (one bitmap of positions per quarter, made in the counting
 * pass), and each bucket is sorted by sort_group on keys read from the
 * text in position order. MB_OK, MB_ENOMEM or MB_EINTERNAL (gave up). */
static int sort_by_bitmaps(struct radix *r)
{
  const uint32_t n = r->n;
  uint32_t *sa = NULL;
  uint32_t cnt[1u << RADIX_TOP_BITS], pos[1u << RADIX_TOP_BITS];
  uint8_t run_of[1u << RADIX_TOP_BITS];
  uint64_t *bits = NULL;
  size_t i, b0, b1, prev = 0, top = (size_t)1 << RADIX_TOP_BITS, keyed;
  size_t nruns, run, nw, j;
  uint32_t k, cap, largest = 0;
  int first = 1;
  int rc = MB_OK;

  /* Bucket by the first bits. The suffix buffer holds one run of
   * consecutive buckets at a time: on large inputs a quarter of the buckets
   * (a quarter of the suffixes when the first bits are balanced), with one
   * bitmap of positions per run, filled in the same pass, so that each run's
   * pass visits only its own suffixes. */
  nruns = n >= RADIX_CHUNK_MIN ? RADIX_CHUNKS : 1;
  nw = (size_t)n / 64u + 1u;
  if (nruns > 1) {
    bits = malloc(nruns * nw * sizeof(*bits));
    if (!bits) {
      rc = MB_ENOMEM;
      goto out;
    }
  }
  memset(cnt, 0, sizeof(cnt));
  for (j = 0; j < nw; j++) {
    uint64_t word[RADIX_CHUNKS] = {0};
    uint32_t kend = j + 1 < nw ? (uint32_t)(j + 1) * 64u : n;

    for (k = (uint32_t)j * 64u; k < kend; k++) {
      size_t t = (size_t)(window(r, (uint64_t)k * r->b) >> (64u - RADIX_TOP_BITS));

      cnt[t]++;
      word[t * nruns / top] |= (uint64_t)1 << (k & 63u);
    }
    if (nruns > 1)
      for (run = 0; run < nruns; run++)
        bits[run * nw + j] = word[run];
  }
  cap = 0;
  for (run = 0; run < nruns; run++) {
    uint32_t sum = 0;

    for (i = run * top / nruns; i < (run + 1) * top / nruns; i++) {
      sum += cnt[i];
      if (cnt[i] > largest)
        largest = cnt[i];
      run_of[i] = (uint8_t)run;
    }
    if (sum > cap)
      cap = sum;
  }
  keyed = largest < KEY_MAX_BUCKET ? largest : KEY_MAX_BUCKET;
  if (keyed > RADIX_LEAF) {
    r->key = malloc(2 * keyed * sizeof(*r->key));
    r->idx = malloc(keyed * sizeof(*r->idx));
    if (!r->key || !r->idx) {
      rc = MB_ENOMEM;
      goto out;
    }
  }
  sa = malloc((size_t)cap * sizeof(*sa));
  if (!sa) {
    rc = MB_ENOMEM;
    goto out;
  }
  for (b0 = 0, run = 0; b0 < top && !r->gave_up; b0 = b1, run++) {
    uint32_t sum = 0, lo;

    for (b1 = b0; b1 < top && run_of[b1] == run; b1++) {
      pos[b1] = sum;
      sum += cnt[b1];
    }
    /* Suffixes enter each bucket in position order. */
    if (nruns == 1) {
      for (k = 0; k < n; k++)
        sa[pos[window(r, (uint64_t)k * r->b) >> (64u - RADIX_TOP_BITS)]++] = k;
    } else {
      const uint64_t *bm = bits + run * nw;

      for (j = 0; j < nw; j++) {
        uint64_t word = bm[j];

        while (word) {
          k = (uint32_t)(j * 64u) + (uint32_t)__builtin_ctzll(word);
          word &= word - 1u;
          sa[pos[window(r, (uint64_t)k * r->b) >> (64u - RADIX_TOP_BITS)]++] = k;
        }
      }
    }
    for (i = b0, lo = 0; i < b1 && !r->gave_up; i++) {
      uint32_t m = cnt[i];

      if (m == 0)
        continue;
      if (!first)
        r->next_lcp = RADIX_TOP_BITS - bit_length(prev ^ i);
      first = 0;
      prev = i;
      sort_group(r, sa + lo, m, RADIX_TOP_BITS, 0);
      lo += m;
    }
  }
  if (r->gave_up)
    rc = MB_EINTERNAL;
out:
  free(sa);
  free(bits);
  return rc;
}

/* Bits of the prefix the suffixes are first bucketed on. */
#define TOP_BITS 16u
#define TOP_BUCKETS ((size_t)1 << TOP_BITS)
/* Suffixes are sorted a run of consecutive prefixes at a time, each run
 * holding at most about this share of them (or RUN_MIN), with their keys. */
#define RUN_SHARE 16u
#define RUN_MIN ((size_t)1 << 20)
/* Buckets of up to this many suffixes are sorted on their keys out of
 * place (20 bytes a suffix); larger ones first take in-place passes. */
#define KEY_TEMP_MAX ((size_t)1 << 19)

/* One run of prefixes [lo, hi), holding m suffixes. */
struct keyed_run {
  uint32_t lo, hi;
  size_t m;
};

/* The prefix (first TOP_BITS bits) of the suffix at bit p. */
static inline uint32_t prefix_at(const struct radix *r, uint64_t p)
{
  return (uint32_t)(window(r, p) >> (64u - TOP_BITS));
}

/* A run's suffixes are put, with their keys, in groups of consecutive
 * prefixes holding at most this many (or one prefix holding more): a
 * group's pairs (12 bytes each) fit in a core's 1 MiB level-2 cache while
 * sort_keys sorts them. */
#define RUN_GROUP ((size_t)1 << 15)

/* Runs are numbered 0..MAX_RUNS-1 in a nibble per suffix; NO_RUN marks
 * the padding after the last suffix. */
#define MAX_RUNS 15u
#define NO_RUN 15u
#define NIBBLES_ONE 0x1111111111111111ull

/* Runs of consecutive prefixes holding at most cap suffixes each (a prefix
 * holding more is a run of its own); returns how many. */
static size_t cut_runs(const uint32_t *cnt, size_t cap, struct keyed_run *runs)
{
  size_t i, nruns = 0;

  for (i = 0; i < TOP_BUCKETS; i++) {
    if (nruns == 0 || runs[nruns - 1].m + cnt[i] > cap) {
      runs[nruns].lo = (uint32_t)i;
      runs[nruns].m = 0;
      nruns++;
    }
    runs[nruns - 1].hi = (uint32_t)i + 1u;
    runs[nruns - 1].m += cnt[i];
  }
  return nruns;
}

/* The sort otherwise (skewed prefixes, or tens of millions of suffixes):
 * cnt holds the number of suffixes of each 16-bit prefix. The prefixes are
 * cut into runs of consecutive ones, each holding about a RUN_SHARE-th of
 * the suffixes, and each run's prefixes into groups of consecutive ones
 * holding at most RUN_GROUP suffixes (or one prefix holding more); one
 * pass per run over a nibble per suffix (its run) puts each suffix of the
 * run in its group with a key, the 64 bits after those its group's
 * prefixes share; each group is sorted on the keys in memory (sort_keys),
 * in cache, and only suffixes whose keys tie read the text again, in
 * sort_group; suffixes of unique keys go straight into the walk
 * (emit_distinct). Memory: 12 bytes per suffix of the largest run, half a
 * byte per suffix. MB_OK, MB_ENOMEM or MB_EINTERNAL (gave up). */
static int sort_by_runs(struct radix *r, const uint32_t *cnt)
{
  const uint32_t n = r->n;
  uint64_t *keys = NULL;
  uint32_t *idx = NULL;
  uint64_t *nib = NULL;
  uint8_t run_of[TOP_BUCKETS];
  struct keyed_run *runs = NULL;
  /* A run's groups: for each prefix its group; for each group its first
   * prefix, its size, its cursor and the bits its prefixes share. */
  uint32_t *group_of = NULL, *gfirst, *gcnt, *gpos, g;
  uint8_t *gbits;
  size_t i, nruns = 0, cap, bufcap = 0, largest = 0, sum, keyed, nnib;
  int rc = MB_OK;

  /* Runs of at most a RUN_SHARE-th of the suffixes, or a little more when
   * that takes more than MAX_RUNS runs (skewed prefixes). */
  runs = malloc((TOP_BUCKETS + 1) * sizeof(*runs));
  if (!runs) {
    rc = MB_ENOMEM;
    goto out;
  }
  {
    size_t lo_cap = n / RUN_SHARE > RUN_MIN ? n / RUN_SHARE : RUN_MIN, hi_cap = n;

    if (cut_runs(cnt, lo_cap, runs) > MAX_RUNS) {
      while (lo_cap + 1 < hi_cap) { /* cut_runs(hi_cap) fits, lo_cap does not */
        size_t mid = lo_cap + (hi_cap - lo_cap) / 2;

        if (cut_runs(cnt, mid, runs) > MAX_RUNS)
          lo_cap = mid;
        else
          hi_cap = mid;
      }
      cap = hi_cap;
    } else {
      cap = lo_cap;
    }
  }
  nruns = cut_runs(cnt, cap, runs);
  /* largest: a bound on the groups sort_keys takes, RUN_GROUP or a
   * single prefix holding more. */
  for (i = 0; i < TOP_BUCKETS; i++)
    if (cnt[i] > largest)
      largest = cnt[i];
  if (largest < RUN_GROUP)
    largest = n < RUN_GROUP ? n : RUN_GROUP;
  group_of = malloc(4u * TOP_BUCKETS * sizeof(*group_of) + TOP_BUCKETS);
  if (!group_of) {
    rc = MB_ENOMEM;
    goto out;
  }
  gfirst = group_of + TOP_BUCKETS;
  gcnt = gfirst + TOP_BUCKETS;
  gpos = gcnt + TOP_BUCKETS;
  gbits = (uint8_t *)(gpos + TOP_BUCKETS);
  for (i = 0; i < nruns; i++) {
    if (runs[i].m > bufcap)
      bufcap = runs[i].m;
    for (g = runs[i].lo; g < runs[i].hi; g++)
      run_of[g] = (uint8_t)i;
  }
  keyed = largest < KEY_TEMP_MAX ? largest : KEY_TEMP_MAX;
  if (keyed > RADIX_LEAF) {
    r->key = malloc(2 * keyed * sizeof(*r->key));
    r->idx = malloc(keyed * sizeof(*r->idx));
    if (!r->key || !r->idx) {
      rc = MB_ENOMEM;
      goto out;
    }
  }
  /* Each suffix's run in a nibble, so that a run's pass visits only its
   * own suffixes; the padding belongs to no run. */
  nnib = (size_t)n / 16u + 1u;
  nib = big_alloc(nnib * sizeof(*nib));
  keys = big_alloc(bufcap * sizeof(*keys));
  idx = big_alloc(bufcap * sizeof(*idx));
  if (!nib || !keys || !idx) {
    rc = MB_ENOMEM;
    goto out;
  }
  for (i = 0; i < nnib; i++) {
    uint64_t word = 0;
    unsigned j;

    for (j = 0; j < 16; j++) {
      uint64_t k = (uint64_t)i * 16u + j;
      unsigned id = k < n ? run_of[prefix_at(r, k * r->b)] : NO_RUN;

      word |= (uint64_t)id << (4u * j);
    }
    nib[i] = word;
  }

  for (i = 0; i < nruns && !r->gave_up; i++) {
    const uint64_t self = NIBBLES_ONE * i;
    size_t ngroups, gi, j;

    if (runs[i].m == 0)
      continue;
    /* The run's prefixes cut into groups, each holding at most RUN_GROUP
     * suffixes or a single prefix; gpos[] their starts. */
    ngroups = 0;
    for (g = runs[i].lo; g < runs[i].hi; g++) {
      if (ngroups == 0 || gcnt[ngroups - 1] + cnt[g] > RUN_GROUP) {
        gfirst[ngroups] = g;
        gcnt[ngroups++] = 0;
      }
      gcnt[ngroups - 1] += cnt[g];
      group_of[g] = (uint32_t)(ngroups - 1);
    }
    for (gi = 0, sum = 0; gi < ngroups; gi++) {
      /* The group's prefixes share their first gbits[gi] bits; its keys
       * start there. */
      uint32_t last = gi + 1 < ngroups ? gfirst[gi + 1] - 1u : runs[i].hi - 1u;

      gbits[gi] = (uint8_t)(TOP_BITS - bit_length(gfirst[gi] ^ last));
      gpos[gi] = (uint32_t)sum;
      sum += gcnt[gi];
    }
    /* Each suffix of the run into its group with its key; within a group
     * in position order. */
    for (j = 0; j < nnib; j++) {
      uint64_t x = nib[j] ^ self;
      /* The top bit of each nibble of x that is zero. */
      uint64_t zero = ~(((x & 0x7777777777777777ull) + 0x7777777777777777ull) | x) &
                      0x8888888888888888ull;

      while (zero) {
        uint32_t k = (uint32_t)(j * 16u + (unsigned)__builtin_ctzll(zero) / 4u);
        uint64_t p = (uint64_t)k * r->b;
        uint32_t gk = group_of[prefix_at(r, p)], at = gpos[gk]++;

        zero &= zero - 1u;
        keys[at] = window(r, p + gbits[gk]);
        idx[at] = k;
      }
    }
    for (gi = 0, sum = 0; gi < ngroups && !r->gave_up; gi++) {
      size_t m = gcnt[gi], e, f;
      unsigned kb = gbits[gi];
      uint64_t *k = keys + sum;
      uint32_t *x = idx + sum;

      if (m == 0)
        continue;
      sum += m;
      if (!spend(r, m))
        break;
      if (sort_keys(k, x, m, 0, r->key, r->idx, r->key ? keyed : 0, r->kcnt, 1)) {
        /* The keyed sort of nested groups would reuse these buffers. */
        k = r->key;
        x = r->idx;
        r->key_busy = 1;
      }
      if (r->emitted > 0) {
        /* Where the last suffix emitted and this group's first differ. */
        uint64_t pa = (uint64_t)(n - r->prev_bits / r->b) * r->b,
                 pb = (uint64_t)x[0] * r->b;

        r->next_lcp = (uint64_t)__builtin_clzll(window(r, pa) ^ window(r, pb));
      }
      for (e = 0; e < m && !r->gave_up; e = f) {
        if (e > 0 && r->prev_bits > kb + 64u) {
          e = emit_distinct(r, k, x, e, m, kb);
          if (e == m)
            break;
        }
        for (f = e + 1; f < m && k[f] == k[e]; f++)
          ;
        if (e > 0)
          r->next_lcp = kb + (uint64_t)__builtin_clzll(k[e - 1] ^ k[e]);
        if (f - e == 1)
          emit(r, x[e]);
        else
          sort_group(r, x + e, f - e, kb + 64u, 1);
      }
      r->key_busy = 0;
    }
  }
  if (r->gave_up)
    rc = MB_EINTERNAL;
out:
  free(keys);
  free(idx);
  free(nib);
  free(runs);
  free(group_of);
  return rc;
}

/* MB_OK; MB_ENOMEM; MB_EINTERNAL when the work budget ran out. The text is
 * packed, the suffixes counted by their first 16 bits, and the sort that
 * suits those counts runs: sort_by_bitmaps when no 8-bit prefix holds more
 * than KEY_MAX_BUCKET suffixes (it is the faster there), else
 * sort_by_runs. */
static int stats_radix(const uint8_t *s, uint32_t n, struct acc *a)
{
  struct radix r;
  uint64_t *w;
  uint32_t *cnt = NULL;
  size_t nwords, i, group = 0, largest = 0;
  int rc = MB_OK;

  memset(&r, 0, sizeof(r));
  r.n = n;
  r.b = symbol_bits(s, n);
  r.nbits = (uint64_t)n * r.b;
  r.budget = (uint64_t)n * RADIX_WORK_PER_SYMBOL + 4096u;
  r.acc = a;
  nwords = (size_t)(r.nbits / 64u) + 3u;
  w = big_alloc(nwords * sizeof(*w));
  if (w)
    memset(w, 0, nwords * sizeof(*w));
  r.scratch = malloc((size_t)RADIX_LEVELS * 2u * 257u * sizeof(*r.scratch));
  r.kcnt = malloc(((size_t)1 << KEY_DIGIT) * sizeof(*r.kcnt));
  cnt = calloc(TOP_BUCKETS, sizeof(*cnt));
  if (!w || !r.scratch || !r.kcnt || !cnt) {
    rc = MB_ENOMEM;
    goto out;
  }
  {
    uint64_t p = 0;

    i = 0;
    if (r.b == 1) {
      /* Bits (bytes 0 or 1) eight at a time: the product moves byte j's
       * bit to bit 63 - j of the word, its partial products never
       * overlapping, so nothing carries into the top byte. */
      for (; i + 8 <= n; i += 8, p += 8) {
        const uint8_t *q = s + i;
        uint64_t x = (uint64_t)q[0] | (uint64_t)q[1] << 8 | (uint64_t)q[2] << 16 |
                     (uint64_t)q[3] << 24 | (uint64_t)q[4] << 32 |
                     (uint64_t)q[5] << 40 | (uint64_t)q[6] << 48 | (uint64_t)q[7] << 56;

        w[p >> 6] |= ((x * 0x8040201008040201ull) >> 56) << (56u - (unsigned)(p & 63u));
      }
    }
    for (; i < n; i++, p += r.b) {
      /* Symbols are MSB first; a symbol may straddle two words. */
      uint64_t v = s[i];
      unsigned o = (unsigned)(p & 63u), end = o + r.b;

      if (end <= 64) {
        w[p >> 6] |= v << (64u - end);
      } else {
        w[p >> 6] |= v >> (end - 64u);
        w[(p >> 6) + 1] |= v << (128u - end);
      }
    }
  }
  r.w = w;

  if (r.b == 1) {
    uint64_t q;

    for (q = 0; q < (r.nbits + 63u) / 64u; q++) {
      uint64_t hi = w[q], lo = w[q + 1];
      unsigned o, top = r.nbits - q * 64u < 64u ? (unsigned)(r.nbits - q * 64u) : 64u;

      cnt[hi >> (64u - TOP_BITS)]++;
      for (o = 1; o < top; o++)
        cnt[((hi << o) | (lo >> (64u - o))) >> (64u - TOP_BITS)]++;
    }
  } else {
    uint32_t k;

    for (k = 0; k < n; k++)
      cnt[prefix_at(&r, (uint64_t)k * r.b)]++;
  }
  for (i = 0; i < TOP_BUCKETS; i++) {
    group = (i & 255u) ? group + cnt[i] : cnt[i];
    if (group > largest)
      largest = group;
  }
  rc = largest <= KEY_MAX_BUCKET ? sort_by_bitmaps(&r) : sort_by_runs(&r, cnt);
  if (rc == MB_OK && a->nomem)
    rc = MB_ENOMEM;
out:
  free(w);
  free(cnt);
  free(r.scratch);
  free(r.kcnt);
  free(r.key);
  free(r.idx);
  return rc;
}

/* ------------------------------------------------------------------------ */

void mb_tuple_stats_cleanup(struct mb_tuple_stats *st)
{
  if (!st)
    return;
  free(st->q);
  free(st->s);
  memset(st, 0, sizeof(*st));
}

int mb_tuple_stats_compute(const uint8_t *s, size_t n, enum mb_tuple_method method,
                           struct mb_tuple_stats *out)
{
  struct acc *a;
  int rc = MB_EINTERNAL;

  memset(out, 0, sizeof(*out));
  if (n == 0 || n > MB_TUPLE_MAX_N)
    return MB_EINVALID;
  a = acc_new();
  if (!a)
    return MB_ENOMEM;
  if (method != MB_TUPLE_SAIS)
    rc = stats_radix(s, (uint32_t)n, a);
  if (rc == MB_EINTERNAL && method != MB_TUPLE_RADIX) {
    /* Start over: the radix sort's walk stopped part way. */
    acc_free(a);
    a = acc_new();
    rc = a ? stats_sais(s, (uint32_t)n, a) : MB_ENOMEM;
    out->used_sais = 1;
  }
  if (rc == MB_OK)
    rc = acc_finish(a, n, out);
  acc_free(a);
  return rc;
}

/* P_t of §6.3.5 step 2 (lrs = 0: Q[t] / (n - t + 1)) or §6.3.6 step 3
 * (lrs = 1: S[t] / C(n - t + 1, 2)), in [0, 1]. */
static long double tuple_p(const struct mb_tuple_stats *st, size_t n, size_t t, int lrs)
{
  uint64_t m = (uint64_t)(n - t + 1);

  if (!lrs)
    return (long double)st->q[t] / (long double)m;
  return (long double)st->s[t] / (long double)(m * (m - 1u) / 2u);
}

/* Whether p^(1/t) is certainly below pmax, judged in double with a margin
 * far above its rounding error. */
static int below_max(long double p, size_t t, long double pmax)
{
  if (pmax <= 0.0L)
    return 0;
  if (p <= 0.0L)
    return 1;
  return log((double)p) / (double)t < log((double)pmax) - 1e-9;
}

#define ROOT_BLOCK 256u

/* max of P_t^(1/t) over lo <= t <= hi, each power taken in long double as
 * the reference tool does (§6.3.5 step 3, §6.3.6 step 4). On repetitive
 * data hi - lo runs to millions and the largest root tends to be at the
 * top, so blocks of t are taken from the top down and a block is skipped
 * whole when (max P_t)^(1/t_max), which bounds every root in it since all
 * P_t <= 1, is clearly below the maximum so far. Skipping only values
 * that cannot be the maximum leaves the result unchanged. */
static long double max_root(const struct mb_tuple_stats *st, size_t n, size_t lo,
                            size_t hi, int lrs)
{
  long double pmax = 0.0L;
  size_t top, bottom, t;

  for (top = hi + 1; top > lo && pmax < 1.0L; top = bottom) {
    long double pm = 0.0L;

    bottom = top - lo > ROOT_BLOCK ? top - ROOT_BLOCK : lo;
    for (t = bottom; t < top; t++) {
      long double p = tuple_p(st, n, t, lrs);

      pm = p > pm ? p : pm;
    }
    if (pm <= 0.0L ||
        (pmax > 0.0L && top - bottom > 1 &&
         powl(pm, 1.0L / (long double)(top - 1)) < pmax * (1.0L - 1e-12L)))
      continue;
    for (t = bottom; t < top; t++) {
      long double p = tuple_p(st, n, t, lrs), pt;

      if (below_max(p, t, pmax))
        continue;
      pt = powl(p, 1.0L / (long double)t);
      if (pt > pmax)
        pmax = pt;
    }
  }
  return pmax;
}

int mb_tuple_lrs_compute(const uint8_t *s, size_t n, struct mb_tuple_lrs_result *r)
{
  struct mb_tuple_stats st;
  long double pmax, pu;
  size_t u, v;
  int rc;

  memset(r, 0, sizeof(*r));
  r->n = n;
  if (n < 2) {
    /* ea_non_iid asserts on this; neither estimate has any tuple to count. */
    r->tuple_skipped = "fewer than 2 samples";
    r->lrs_skipped = "fewer than 2 samples";
    return MB_OK;
  }
  if (n > MB_TUPLE_MAX_N) {
    r->tuple_skipped = "more than 4294967294 samples";
    r->lrs_skipped = "more than 4294967294 samples";
    return MB_OK;
  }
  rc = mb_tuple_stats_compute(s, n, MB_TUPLE_AUTO, &st);
  if (rc != MB_OK) {
    mb_tuple_stats_cleanup(&st);
    return rc;
  }
  v = st.v;
  /* §6.3.5 step 1 / §6.3.6 step 1: u is the first length whose most common
   * tuple occurs fewer than 35 times; t = u - 1. */
  for (u = 1; u <= v && st.q[u] >= MB_TUPLE_MIN_COUNT; u++)
    ;
  r->t = u - 1;
  r->u = u;
  r->v = v;

  /* §6.3.5 steps 2-3: P_i = Q[i] / (L - i + 1), p̂ = max P_i^(1/i). */
  if (u > 1) {
    pmax = max_root(&st, n, 1, u - 1, 0);
    /* §6.3.5 step 4. */
    pu = pmax + MB_TUPLE_ZALPHA * sqrtl(pmax * (1.0L - pmax) / (long double)(n - 1));
    if (pu > 1.0L)
      pu = 1.0L;
    r->tuple_ran = 1;
    r->tuple_p_hat = (double)pmax;
    r->tuple_p_u = (double)pu;
    r->tuple_h = (double)-log2l(pu);
  } else {
    r->tuple_skipped = "no tuple occurs 35 times";
  }

  /* §6.3.6 steps 2-4: P_W = sum C(C_i, 2) / C(L - W + 1, 2) for u <= W <= v,
   * p̂ = max P_W^(1/W). */
  if (v >= u) {
    pmax = max_root(&st, n, u, v, 1);
    /* §6.3.6 step 5. */
    pu = pmax + MB_TUPLE_ZALPHA * sqrtl(pmax * (1.0L - pmax) / (long double)(n - 1));
    if (pu > 1.0L)
      pu = 1.0L;
    r->lrs_ran = 1;
    r->lrs_p_hat = (double)pmax;
    r->lrs_p_u = (double)pu;
    r->lrs_h = (double)-log2l(pu);
  } else {
    r->lrs_skipped = "longest repeated substring shorter than u (v < u)";
  }
  mb_tuple_stats_cleanup(&st);
  return MB_OK;
}

int mb_est_t_tuple_lrs(const uint8_t *s, size_t n, unsigned k,
                       struct mb_estimate *t_tuple, struct mb_estimate *lrs)
{
  struct mb_tuple_lrs_result r;
  int rc;

  (void)k; /* both estimates depend only on which symbols are equal */
  rc = mb_tuple_lrs_compute(s, n, &r);
  if (rc != MB_OK)
    return rc;
  if (t_tuple && r.tuple_ran) {
    t_tuple->n_values = 0;
    mb_estimate_set(t_tuple, r.tuple_h, r.tuple_p_u);
    mb_estimate_add(t_tuple, "t", (double)r.t);
    mb_estimate_add(t_tuple, "p_hat", r.tuple_p_hat);
  } else if (t_tuple) {
    mb_estimate_skip(t_tuple, r.tuple_skipped);
  }
  if (lrs && r.lrs_ran) {
    lrs->n_values = 0;
    mb_estimate_set(lrs, r.lrs_h, r.lrs_p_u);
    mb_estimate_add(lrs, "u", (double)r.u);
    mb_estimate_add(lrs, "v", (double)r.v);
    mb_estimate_add(lrs, "p_hat", r.lrs_p_hat);
  } else if (lrs) {
    mb_estimate_skip(lrs, r.lrs_skipped);
  }
  return MB_OK;
}
