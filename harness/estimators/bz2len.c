/* bz2len.c: the exact length of bzip2's output, computed without
 * compressing (see bz2len.h and harness/estimators/README.md).
 *
 * bzip2's output length depends only on: how the first run-length stage
 * (RLE1) cuts the input into blocks; per block, the bytes in use, the
 * Burrows-Wheeler transform (only its last column L; the origin pointer has
 * a fixed width), the move-to-front and zero-run coding of L, and the
 * Huffman tables and selectors that the encoder's four refinement passes
 * choose. Each stage is reproduced exactly, written from the format and
 * the encoder's documented behaviour.
 *
 * The speed comes from the BWT. When a byte S cuts the cyclic block into
 * short tokens, each ending with its only S ("123 " in the compression
 * test's decimal text), the tokens are prefix-free, so rotations that
 * start at token boundaries compare as their token sequences, tokens
 * ordered as strings; a suffix sort of the token ranks (far fewer than
 * bytes, many packed into one 64-bit key) orders them, and every other
 * rotation (starting at offset o inside token i) sorts by the partial
 * token i[o..] first, then by the rotation at token i+1. Without such a
 * byte each byte is a token. */
#include "bz2len.h"

#include <stdlib.h>
#include <string.h>

#include "bits.h"
#include "error.h"

/* The move-to-front of small alphabets (mtf_small) keeps its list in one
 * SSE register where the CPU has SSSE3 (pshufb): x86 with GCC or Clang,
 * checked at run time unless the compiler may assume it. */
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#define MTF_SSSE3 1
#include <tmmintrin.h>
#else
#define MTF_SSSE3 0
#endif

#define MAX_ALPHA 258 /* 256 MTF values + RUNA/RUNB - 1 + EOB */
#define N_GROUPS 6
#define G_SIZE 50
#define N_ITERS 4
#define MAX_CODE_LEN 17
#define RUNA 0
#define RUNB 1
#define HIST_MAX_ALPHA 32 /* group histograms below this alphabet size */

/* A distinct token: packed big-endian and zero padded (trailing zero bytes
 * may also be the token's own, hence the length). */
struct dtoken {
  uint64_t val;
  uint32_t cnt;
  uint8_t len;
};

struct mb_bz2len {
  size_t cap_block; /* bytes room in blk, rot, L */
  size_t cap_tok;   /* token room in the token arrays */
  size_t cap_sel;   /* groups of 50 */
  uint8_t *blk;     /* the block after RLE1 */
  uint8_t *rot;     /* the block rotated to start after a separator (+8 pad) */
  uint8_t *L;       /* the BWT's last column */
  uint16_t *mtfv;   /* MTF/RLE2 values (large alphabets) */
  uint16_t *hist;   /* per group of 50 values, counts (small alphabets) */
  uint64_t *starts; /* a bit per byte of L that starts a run (mtf_small) */
  uint8_t *sel;     /* selectors */
  uint32_t *tr;     /* token ranks, then K-1 wrapped ones */
  uint64_t *key, *key2;
  uint32_t *sa, *sa2, *grank;
  uint32_t *groups; /* unsorted groups: start, length pairs */
  uint32_t *groups2;
  uint32_t *bcnt; /* bucket starts (bucket_sort) */
  size_t cap_bcnt;
  uint64_t *bits; /* binary_sort's tokens, one bit each */
  size_t cap_bits;
  uint64_t *runs; /* binary_runs' run lists */
  size_t cap_runs;
  int no_runs;      /* binary_runs disabled (tests compare the two ways) */
  int no_simd;      /* mtf_small without SSSE3 (tests compare the two ways) */
  size_t runs_done; /* blocks binary_runs has ordered */
  int ib, packed;   /* sa[] holds position | preceding rank << ib when packed */
  /* distinct tokens */
  size_t cap_dist;
  uint64_t *dval;    /* packed token (big-endian, zero padded) */
  uint32_t *dcnt;    /* occurrences */
  uint32_t *drank;   /* id -> rank */
  struct dtoken *dt; /* by rank */
  size_t hcap;       /* hash table: packed token -> id */
  uint64_t *hkey;
  uint32_t *hid;
};

struct mb_bz2len *mb_bz2len_new(void)
{
  return calloc(1, sizeof(struct mb_bz2len));
}

static void free_arrays(struct mb_bz2len *w)
{
  free(w->blk);
  free(w->rot);
  free(w->L);
  free(w->mtfv);
  free(w->hist);
  free(w->starts);
  free(w->sel);
  free(w->tr);
  free(w->key);
  free(w->key2);
  free(w->sa);
  free(w->sa2);
  free(w->grank);
  free(w->groups);
  free(w->groups2);
  free(w->bcnt);
  free(w->bits);
  free(w->runs);
  free(w->dval);
  free(w->dcnt);
  free(w->drank);
  free(w->dt);
  free(w->hkey);
  free(w->hid);
}

void mb_bz2len_free(struct mb_bz2len *w)
{
  if (!w)
    return;
  free_arrays(w);
  free(w);
}

size_t mb_bz2len_binary_runs(struct mb_bz2len *w, int on)
{
  w->no_runs = !on;
  return w->runs_done;
}

/* Whether mtf_small may use SSSE3 here. */
static int mtf_ssse3(void)
{
#if MTF_SSSE3 && defined(__SSSE3__)
  return 1;
#elif MTF_SSSE3
  return __builtin_cpu_supports("ssse3") != 0;
#else
  return 0;
#endif
}

int mb_bz2len_simd(struct mb_bz2len *w, int on)
{
  w->no_simd = !on;
  return mtf_ssse3();
}

static int grow(void **p, size_t n, size_t size)
{
  void *q = realloc(*p, n * size + 64);

  if (!q)
    return MB_ENOMEM;
  *p = q;
  return MB_OK;
}

static int ensure_block(struct mb_bz2len *w, size_t nb)
{
  size_t ng = nb / G_SIZE + 2;

  if (nb <= w->cap_block)
    return MB_OK;
  if (grow((void **)&w->blk, nb, 1) || grow((void **)&w->rot, nb + 8, 1) ||
      grow((void **)&w->L, nb, 1) || grow((void **)&w->mtfv, nb + 2, 2) ||
      grow((void **)&w->hist, ng * HIST_MAX_ALPHA, 2) ||
      grow((void **)&w->starts, nb / 64 + 1, 8) || grow((void **)&w->sel, ng, 1))
    return MB_ENOMEM;
  w->cap_block = nb;
  w->cap_sel = ng;
  return MB_OK;
}

static int ensure_tokens(struct mb_bz2len *w, size_t m)
{
  if (m <= w->cap_tok)
    return MB_OK;
  if (grow((void **)&w->tr, m + 64, 4) || grow((void **)&w->key, m, 8) ||
      grow((void **)&w->key2, m, 8) || grow((void **)&w->sa, m, 4) ||
      grow((void **)&w->sa2, m, 4) || grow((void **)&w->grank, m, 4) ||
      grow((void **)&w->groups, m + 2, 4) || grow((void **)&w->groups2, m + 2, 4))
    return MB_ENOMEM;
  w->cap_tok = m;
  return MB_OK;
}

/* How often each byte value occurs in s[0..n-1] (n < 2^32), in four
 * tables so that equal neighbours do not wait on each other. */
static void byte_counts(const uint8_t *s, size_t n, uint32_t out[256])
{
  uint32_t c4[4][256];
  size_t i;

  memset(c4, 0, sizeof(c4));
  for (i = 0; i + 4 <= n; i += 4) {
    c4[0][s[i]]++;
    c4[1][s[i + 1]]++;
    c4[2][s[i + 2]]++;
    c4[3][s[i + 3]]++;
  }
  for (; i < n; i++)
    c4[0][s[i]]++;
  for (i = 0; i < 256; i++)
    out[i] = c4[0][i] + c4[1][i] + c4[2][i] + c4[3][i];
}

/* ------------------------------------------------------------- sorting */

static inline void insertion(uint64_t *k, uint32_t *v, size_t n)
{
  size_t i, j;

  for (i = 1; i < n; i++) {
    uint64_t x = k[i];
    uint32_t y = v[i];

    for (j = i; j > 0 && k[j - 1] > x; j--) {
      k[j] = k[j - 1];
      v[j] = v[j - 1];
    }
    k[j] = x;
    v[j] = y;
  }
}

/* insertion() of keys alone. */
static inline void insertion_keys(uint64_t *k, size_t n)
{
  size_t i, j;

  for (i = 1; i < n; i++) {
    uint64_t x = k[i];

    for (j = i; j > 0 && k[j - 1] > x; j--)
      k[j] = k[j - 1];
    k[j] = x;
  }
}

/* One MSD radix pass's counts: the digit (k >> shift) & dmask of n keys,
 * nbk = dmask + 1 buckets. Returns 1, cnt unfinished, when every key has
 * the same digit (the caller goes on to the next digit); else 0 with
 * cnt[b] the start of bucket b. */
static inline int digit_starts(const uint64_t *k, size_t n, int shift, uint64_t dmask,
                               size_t nbk, uint32_t *cnt)
{
  size_t i, b;

  memset(cnt, 0, (nbk + 1) * sizeof(*cnt));
  for (i = 0; i < n; i++)
    cnt[((k[i] >> shift) & dmask) + 1]++;
  for (b = 1; b <= nbk; b++) {
    if (cnt[b] == n)
      return 1;
    cnt[b] += cnt[b - 1];
  }
  return 0;
}

/* Sorts n (key, value) pairs by key, all keys < 2^bits: MSD radix, the
 * digit width chosen from n so that buckets come out small. The pairs are
 * in (k, v); (tk, tv) is a scratch of n pairs; the sorted pairs end in
 * (tk, tv) when to_t, else in (k, v). Each pass moves the pairs from one
 * pair of arrays to the other, never back. */
static void sort_pairs(uint64_t *k, uint32_t *v, uint64_t *tk, uint32_t *tv, size_t n,
                       int bits, int to_t)
{
  uint32_t cnt[257];
  size_t i;

  while (n > 16 && bits > 0) {
    int d = 4, shift;
    size_t nbk, start = 0, b;
    uint64_t dmask;

    while (d < 8 && ((size_t)2 << (d + 1)) <= n)
      d++;
    if (d > bits)
      d = bits;
    shift = bits - d;
    nbk = (size_t)1 << d;
    dmask = nbk - 1;
    if (digit_starts(k, n, shift, dmask, nbk, cnt)) { /* one digit value: next digit */
      bits = shift;
      continue;
    }
    for (i = 0; i < n; i++) {
      uint32_t p = cnt[(k[i] >> shift) & dmask]++;

      tk[p] = k[i];
      tv[p] = v[i];
    }
    /* now cnt[b] is the end of bucket b; the pairs are in (tk, tv) */
    for (b = 0; b < nbk; b++) {
      size_t e = cnt[b];

      if (e - start == 1) {
        if (!to_t) {
          k[start] = tk[start];
          v[start] = tv[start];
        }
      } else if (e - start > 1) {
        sort_pairs(tk + start, tv + start, k + start, v + start, e - start, shift,
                   !to_t);
      }
      start = e;
    }
    return;
  }
  if (bits > 0 && n > 1)
    insertion(k, v, n);
  if (to_t) {
    memcpy(tk, k, n * sizeof(*k));
    memcpy(tv, v, n * sizeof(*v));
  }
}

/* sort_pairs without payloads: n keys, all < 2^bits in the bits that
 * differ, sorted by their whole value; ends in t when to_t, else in k. */
static void sort_u64(uint64_t *k, uint64_t *t, size_t n, int bits, int to_t)
{
  uint32_t cnt[257];
  size_t i;

  while (n > 32 && bits > 0) {
    int d = 8, shift = bits - d < 0 ? 0 : bits - d;
    size_t start = 0, b;
    uint64_t dmask = ((uint64_t)1 << (bits - shift)) - 1;
    size_t nbk = (size_t)dmask + 1;

    if (digit_starts(k, n, shift, dmask, nbk, cnt)) { /* one digit value: next digit */
      bits = shift;
      continue;
    }
    for (i = 0; i < n; i++)
      t[cnt[(k[i] >> shift) & dmask]++] = k[i];
    for (b = 0; b < nbk; b++) {
      size_t e = cnt[b];

      if (e - start == 1) {
        if (!to_t)
          k[start] = t[start];
      } else if (e - start > 1) {
        sort_u64(t + start, k + start, e - start, shift, !to_t);
      }
      start = e;
    }
    return;
  }
  insertion_keys(k, n);
  if (to_t)
    memcpy(t, k, n * sizeof(*k));
}

static inline int bit_width(uint64_t x)
{
  return x ? 64 - __builtin_clzll(x) : 0;
}

/* Prefix doubling of the ng tie groups left after the first h tokens
 * (defined below). */
static void doubling(struct mb_bz2len *w, size_t m, size_t h, size_t ng,
                     uint32_t imask);

/* Sorts the n numbers in k (all <= maxv); returns where they are sorted:
 * t + 1 (k is then scratch; t[0] becomes 0, below every number, so that
 * the insertion needs no bound check) or k itself. One counting pass
 * on the top bits (the digit: about one number a digit value; cnt and
 * cnt2 have room for 2^11 + 1 counts each). When no digit value holds
 * more than 32 numbers, the next digit down (2 bits narrower: a quarter
 * of the counters to clear and sum, and still about one number in a
 * hundred equal to a neighbour on both; counted in the same pass as the
 * top digit) sorts them first, stably, into t + 1, and the top one moves
 * them back into k: then only numbers equal on both digits are out of
 * order, and the insertion pass that ends the sort seldom moves one
 * (after the top digit alone about half would move, on a comparison no
 * branch predictor guesses). Otherwise,
 * the numbers go into t + 1 by the top digit, radix for digits holding
 * more than 32, then one insertion pass over the whole, each number
 * moving only within its digit. The first way also writes the payloads
 * (k & pmask, in sorted order) into sa and the least xor of neighbours
 * into *least, in its insertion pass (one pass less for bucket_sort);
 * the other leaves *least alone. */
static uint64_t *sort_small(uint64_t *k, uint64_t *t, size_t n, uint64_t maxv,
                            uint32_t *cnt, uint32_t *cnt2, uint32_t *sa, uint64_t pmask,
                            uint64_t *least)
{
  uint64_t lst = UINT64_MAX;

  int d = bit_width(n) - 1, bits = bit_width(maxv), shift, d2, s2;
  uint64_t m2;
  size_t i, j, nbk, b, start;
  uint32_t most = 0;

  t[0] = 0;
  t++;
  if (n > 32) {
    d = d < 4 ? 4 : d > 11 ? 11 : d;
    d = d > bits ? bits : d;
    shift = bits - d;
    nbk = (size_t)(maxv >> shift) + 1;
    d2 = d - 2 < 4 ? 4 : d - 2;
    s2 = shift - d2;
    m2 = ((uint64_t)1 << d2) - 1;
    memset(cnt, 0, (nbk + 1) * sizeof(*cnt));
    if (shift >= d2) {
      memset(cnt2, 0, (m2 + 2) * sizeof(*cnt2));
      for (i = 0; i < n; i++) {
        cnt[(k[i] >> shift) + 1]++;
        cnt2[((k[i] >> s2) & m2) + 1]++;
      }
    } else {
      for (i = 0; i < n; i++)
        cnt[(k[i] >> shift) + 1]++;
    }
    for (b = 1; b <= nbk; b++) {
      most = cnt[b] > most ? cnt[b] : most;
      cnt[b] += cnt[b - 1];
    }
    if (most <= 32 && shift >= d2) {
      for (b = 1; b <= m2 + 1; b++)
        cnt2[b] += cnt2[b - 1];
      for (i = 0; i < n; i++)
        t[cnt2[(k[i] >> s2) & m2]++] = k[i];
      for (i = 0; i < n; i++)
        k[cnt[t[i] >> shift]++] = t[i];
      /* the insertion pass writes the payloads and the least xor of
       * neighbours as it goes (a pair once neighbours and equal above
       * pmask leaves an equal pair of neighbours in the end) */
      sa[0] = (uint32_t)(k[0] & pmask);
      for (i = 1; i < n; i++) {
        uint64_t x = k[i], y = k[i - 1];

        if (y > x) { /* seldom */
          size_t q;

          for (j = i; j > 0 && k[j - 1] > x; j--)
            k[j] = k[j - 1];
          k[j] = x;
          for (q = j; q <= i; q++)
            sa[q] = (uint32_t)(k[q] & pmask);
          if (j > 0)
            lst = (k[j - 1] ^ x) < lst ? k[j - 1] ^ x : lst;
          lst = (x ^ k[j + 1]) < lst ? x ^ k[j + 1] : lst;
        } else {
          sa[i] = (uint32_t)(x & pmask);
          lst = (x ^ y) < lst ? x ^ y : lst;
        }
      }
      *least = lst;
      return k;
    }
    for (i = 0; i < n; i++)
      t[cnt[k[i] >> shift]++] = k[i];
    /* cnt[b] is the end of digit b */
    for (start = 0, b = 0; most > 32 && b < nbk; b++) {
      if (cnt[b] - start > 32)
        sort_u64(t + start, k + start, cnt[b] - start, shift, 0);
      start = cnt[b];
    }
  } else {
    memcpy(t, k, n * sizeof(*k));
  }
  for (i = 1; i < n; i++) {
    uint64_t x = t[i];

    for (j = i; t[j - 1] > x; j--)
      t[j] = t[j - 1];
    t[j] = x;
  }
  return t;
}

/* The cyclic suffix array as cyclic_sort leaves it, for token alphabets
 * of 16..4096 ranks (8-bit samples: 257, about 140,000 rotations a
 * block). Each rotation becomes one 64-bit item: the ranks of its tokens
 * 2..K+1 (b bits each, the most that fit) above its payload (position
 * and preceding rank, pbits). A pass in position order moves the items
 * into the buckets of their first token (counts from one pass over the
 * ranks); each bucket (a few thousand bytes, in L1) is then sorted as
 * plain numbers. That orders the rotations by their first K+1 tokens;
 * equal ones are refined by prefix doubling. 0 when it does not apply
 * (cyclic_sort then sorts by packed keys). */
static int bucket_sort(struct mb_bz2len *w, size_t m, size_t nd)
{
  uint32_t *tr = w->tr, *sa = w->sa, *st;
  uint64_t *key = w->key, *key2 = w->key2, x = 0, kmask, pmask, maxv;
  size_t i, p, b, start, ng = 0;
  int bb = bit_width(nd - 1), ib = bit_width(m), pbits, K, ties = 0;
  uint32_t imask, cnt[(1 << 11) + 1], cnt2[(1 << 11) + 1];

  if (nd < 16 || nd > 4096 || m < 256)
    return 0;
  w->ib = ib;
  w->packed = ib + bb <= 32;
  pbits = w->packed ? ib + bb : ib;
  K = (64 - pbits) / bb;
  if (K < 2)
    return 0;
  if (nd + 1 > w->cap_bcnt) {
    if (grow((void **)&w->bcnt, nd + 1, sizeof(*w->bcnt)))
      return 0;
    w->cap_bcnt = nd + 1;
  }
  st = w->bcnt;
  imask = w->packed ? ((uint32_t)1 << ib) - 1 : UINT32_MAX;
  pmask = ((uint64_t)1 << pbits) - 1;
  kmask = ((uint64_t)1 << (K * bb)) - 1;
  /* items are below nd << (the bits under the first token in them) */
  maxv = ((uint64_t)nd << ((K - 1) * bb + pbits)) - 1;
  for (i = 0; i <= (size_t)K; i++)
    tr[m + i] = tr[i];
  /* bucket starts from the tokens' counts (w->dt[r].cnt occurrences of
   * rank r in tr, as bwt_tokens' scatter of L relies on too) */
  st[0] = 0;
  for (b = 0; b < nd; b++)
    st[b + 1] = st[b] + w->dt[b].cnt;
  /* x holds tokens i+1 .. i+K (the first in the top bits) */
  for (i = 1; i <= (size_t)K; i++)
    x = (x << bb) | tr[i];
  {
    /* the preceding rank above the position, when packed */
    const uint64_t rmask = w->packed ? pmask : 0;
    uint64_t prev = ((uint64_t)tr[m - 1] << ib) & rmask;

    for (i = 0; i < m; i++) {
      key[st[tr[i]]++] = (x << pbits) | prev | i;
      x = ((x << bb) | tr[i + (size_t)K + 1]) & kmask;
      prev = ((uint64_t)tr[i] << ib) & rmask;
    }
  }
  /* st[b] is now the end of bucket b. Each is sorted into the start of
   * key2 (the same for every bucket, so that it stays in L1) and goes
   * back to key only when some of its keys are equal. */
  for (start = 0, b = 0; b < nd; b++) {
    size_t e = st[b], n = e - start;
    const uint64_t *srt = key + start;
    uint64_t least = UINT64_MAX; /* of neighbours' xor: equal keys when <= pmask */

    if (n > 1)
      srt =
          sort_small(key + start, key2, n, maxv, cnt, cnt2, sa + start, pmask, &least);
    if (least == UINT64_MAX) { /* not written by sort_small */
      if (n > 0)
        sa[start] = (uint32_t)(srt[0] & pmask);
      for (p = 1; p < n; p++) {
        uint64_t y = srt[p], d = y ^ srt[p - 1];

        sa[start + p] = (uint32_t)(y & pmask);
        least = d < least ? d : least;
      }
    }
    if (least <= pmask) {
      if (srt != key + start)
        memcpy(key + start, srt, n * sizeof(*key));
      ties = 1;
    }
    start = e;
  }
  if (!ties)
    return 1;
  /* Groups of rotations equal on their first K+1 tokens: rank = the
   * group's first position. */
  for (start = 0, b = 0; b < nd; b++) {
    size_t e = st[b];

    for (p = start; p < e;) {
      size_t q = p + 1;

      while (q < e && (key[q] ^ key[p]) <= pmask)
        q++;
      for (i = p; i < q; i++)
        w->grank[sa[i] & imask] = (uint32_t)p;
      if (q - p > 1) {
        w->groups[2 * ng] = (uint32_t)p;
        w->groups[2 * ng + 1] = (uint32_t)(q - p);
        ng++;
      }
      p = q;
    }
    start = e;
  }
  doubling(w, m, (size_t)K + 1, ng, imask);
  return 1;
}

/* The cyclic suffix array of tr[0..m-1] (ranks < nd) into w->sa, ties
 * between identical rotations in any order. The first sort key packs the
 * first K ranks of a rotation as a base-nd number (the largest K with
 * nd^K <= 2^64: 7 tokens of 257 values, 40 of 3). */
static void cyclic_sort(struct mb_bz2len *w, size_t m, size_t nd)
{
  uint32_t *tr = w->tr, *sa = w->sa, *grank = w->grank;
  uint64_t *key = w->key, pow = 1;
  size_t K = 1, i, p, ng = 0;
  uint32_t imask;

  if (bucket_sort(w, m, nd))
    return;
  if (nd < 2)
    nd = 2;
  while (K < m && pow <= UINT64_MAX / nd / nd) {
    pow *= nd; /* nd^(K-1) */
    K++;
  }
  for (i = 0; i + 1 < K; i++)
    tr[m + i] = tr[i];
  {
    uint64_t x = 0;

    for (i = 0; i + 1 < K; i++)
      x = x * nd + tr[i];
    /* The payload is the position, with the preceding token's rank above
     * it when both fit in 32 bits (the BWT needs that token next). */
    w->ib = bit_width(m);
    w->packed = w->ib + bit_width(nd - 1) <= 32;
    for (i = 0; i < m; i++) {
      x = x * nd + tr[i + K - 1];
      key[i] = x;
      x -= tr[i] * pow;
      sa[i] = (uint32_t)i;
    }
    if (w->packed)
      for (i = 0; i < m; i++)
        sa[i] |= tr[i ? i - 1 : m - 1] << w->ib;
  }
  imask = w->packed ? ((uint32_t)1 << w->ib) - 1 : UINT32_MAX;
  sort_pairs(key, sa, w->key2, w->sa2, m, bit_width(pow * nd - 1), 0);

  /* Groups of equal keys: rank = the group's first position (needed only
   * when some group has two rotations or more: usually none). */
  for (p = 1; p < m && key[p] != key[p - 1]; p++)
    ;
  if (p >= m)
    return;
  for (p = 0; p < m;) {
    size_t q = p + 1;

    while (q < m && key[q] == key[p])
      q++;
    for (i = p; i < q; i++)
      grank[sa[i] & imask] = (uint32_t)p;
    if (q - p > 1) {
      w->groups[2 * ng] = (uint32_t)p;
      w->groups[2 * ng + 1] = (uint32_t)(q - p);
      ng++;
    }
    p = q;
  }
  doubling(w, m, K, ng, imask);
}

/* Prefix doubling over the ng groups in w->groups (start, length), whose
 * rotations are equal on their first h tokens, grank[] holding every
 * rotation's group start: a group is sorted by the rank of the rotation h
 * tokens on. A round that splits nothing means the rotations left are
 * identical. */
static void doubling(struct mb_bz2len *w, size_t m, size_t h, size_t ng, uint32_t imask)
{
  uint32_t *sa = w->sa, *grank = w->grank;
  uint64_t *key = w->key;
  size_t i, p;

  for (; ng > 0 && h < m; h *= 2) {
    size_t g, ng2 = 0, split = 0;

    for (g = 0; g < ng; g++) {
      size_t s = w->groups[2 * g], n = w->groups[2 * g + 1];

      for (p = s; p < s + n; p++)
        key[p] = grank[((sa[p] & imask) + h) % m];
    }
    for (g = 0; g < ng; g++) {
      size_t s = w->groups[2 * g], n = w->groups[2 * g + 1];

      sort_pairs(key + s, sa + s, w->key2 + s, w->sa2 + s, n, bit_width(m), 0);
    }
    for (g = 0; g < ng; g++) {
      size_t s = w->groups[2 * g], n = w->groups[2 * g + 1];

      for (p = s; p < s + n;) {
        size_t q = p + 1;

        while (q < s + n && key[q] == key[p])
          q++;
        for (i = p; i < q; i++)
          grank[sa[i] & imask] = (uint32_t)p;
        if (q - p > 1) {
          w->groups2[2 * ng2] = (uint32_t)p;
          w->groups2[2 * ng2 + 1] = (uint32_t)(q - p);
          ng2++;
        }
        if (q - p < n)
          split = 1;
        p = q;
      }
    }
    if (!split)
      break;
    {
      uint32_t *t = w->groups;

      w->groups = w->groups2;
      w->groups2 = t;
    }
    ng = ng2;
  }
}

/* The first 64 tokens of the linear sequence at position i, one bit
 * each, from the bit string bw (first token in the top bit). */
static inline uint64_t bits_at(const uint64_t *bw, size_t i)
{
  size_t k = i >> 6;
  unsigned s = (unsigned)(i & 63);

  return s ? (bw[k] << s) | (bw[k + 1] >> (64 - s)) : bw[k];
}

/* Sorts the m packed keys in w->key (a suffix's first 64 tokens with its
 * position in the bits of pmask; w->bits holds the tokens) by suffix:
 * two counting passes on the first d1 and the next d2 bits (each into at
 * most 256 buckets, which keeps the writes near each other); buckets of
 * more than 32 by radix, the rest by one pass of insertion over the whole
 * (each moves only within its bucket). Neighbours equal on the top bits
 * are then ordered by their whole keys. Afterwards w->key[p] & pmask is
 * the position at rank p. Returns whether two whole keys are equal (the
 * order of those is not settled). w->key2 and w->sa are scratch. */
static int sort_keys(struct mb_bz2len *w, size_t m, uint64_t pmask)
{
  const uint64_t *bw = w->bits;
  uint64_t *key = w->key;
  uint32_t *sa = w->sa, cnt1[257], cnt2[257];
  size_t i, b, start, p;
  int d, d1, d2, ties = 0;

  d = bit_width(m);
  d = d < 4 ? 4 : d > 16 ? 16 : d;
  d1 = d / 2;
  d2 = d - d1;
  memset(cnt1, 0, sizeof(cnt1));
  for (i = 0; i < m; i++)
    cnt1[(key[i] >> (64 - d1)) + 1]++;
  for (b = 1; b <= ((size_t)1 << d1); b++)
    cnt1[b] += cnt1[b - 1];
  for (i = 0; i < m; i++) {
    uint64_t v = key[i];

    w->key2[cnt1[v >> (64 - d1)]++] = v;
  }
  /* cnt1[b] is now the end of bucket b: each by the next d2 bits, back
   * into key */
  for (start = 0, b = 0; b < ((size_t)1 << d1); b++) {
    size_t e = cnt1[b], b2, s2;
    const uint64_t *src = w->key2;

    if (e - start <= 1) {
      if (e > start)
        key[start] = src[start];
      start = e;
      continue;
    }
    memset(cnt2, 0, sizeof(cnt2));
    for (i = start; i < e; i++)
      cnt2[((src[i] >> (64 - d)) & (((size_t)1 << d2) - 1)) + 1]++;
    cnt2[0] = (uint32_t)start;
    for (b2 = 1; b2 <= ((size_t)1 << d2); b2++)
      cnt2[b2] += cnt2[b2 - 1];
    for (i = start; i < e; i++) {
      uint64_t v = src[i];

      key[cnt2[(v >> (64 - d)) & (((size_t)1 << d2) - 1)]++] = v;
    }
    for (s2 = start, b2 = 0; b2 < ((size_t)1 << d2); b2++) {
      if (cnt2[b2] - s2 > 32)
        sort_u64(key + s2, w->key2 + s2, cnt2[b2] - s2, 64 - d, 0);
      s2 = cnt2[b2];
    }
    start = e;
  }
  insertion_keys(key, m);
  for (p = 1; p < m; p++) {
    size_t q;

    if ((key[p] ^ key[p - 1]) > pmask)
      continue;
    /* key[p - 1 .. q - 1] equal on the top bits: by whole keys */
    for (q = p + 1; q < m && (key[q] ^ key[p - 1]) <= pmask; q++)
      ;
    for (i = p - 1; i < q; i++) {
      w->key2[i] = bits_at(bw, key[i] & pmask);
      sa[i] = (uint32_t)(key[i] & pmask);
    }
    insertion(w->key2 + p - 1, sa + p - 1, q - p + 1);
    for (i = p - 1; i < q; i++) {
      key[i] = sa[i];
      if (i >= p)
        ties |= w->key2[i] == w->key2[i - 1];
    }
    p = q;
  }
  return ties;
}

/* binary_sort's order of all m suffixes into w->sa (plain positions) by
 * induction: with two token values a suffix is of type L (greater than
 * the suffix after it) exactly when it starts with a 1, but for the run
 * that ends at S, whose type S's rank decides. Only the type-S suffixes
 * (starting with 0, about half) are sorted by key; they end the buckets of
 * their first token, and one scan in rank order puts each type-L suffix
 * i-1 at the next free start of its bucket when it meets suffix i (Ko and
 * Aluru; Nong, Zhang and Chan's SA-IS). 0 when two keys of type-S
 * suffixes are equal (binary_sort then sorts all suffixes). */
static int binary_induce(struct mb_bz2len *w, size_t m, int cls)
{
  const uint64_t *bw = w->bits;
  uint64_t *key = w->key, pmask = ((uint64_t)1 << w->ib) - 1;
  uint32_t *sa = w->sa;
  size_t r0, i, k, ns = 0, n0 = 0, st0, st1, stS, head[2];
  unsigned last, last_l;

#define BIT(i) ((unsigned)(bw[(i) >> 6] >> (63 - ((i)&63))) & 1u)
  if (m < 3)
    return 0;
  /* the run ending at m - 2, and its type */
  last = BIT(m - 2);
  for (r0 = m - 2; r0 > 0 && BIT(r0 - 1) == last; r0--)
    ;
  last_l = last ? cls <= 0 : cls < 0;
  /* zeros among the regular tokens */
  for (k = 0; k < (m - 1) / 64; k++)
    n0 += 64 - (size_t)mb_popcount64(bw[k]);
  for (i = k * 64; i < m - 1; i++)
    n0 += !BIT(i);
  /* keys of the type-S suffixes that start with a 0 (the zeros before
   * r0, the last run if it is of zeros and of type S), from the token
   * after the 0 (the same for all, so 64 tokens that tell apart) */
  for (k = 0; k * 64 < r0; k++) {
    uint64_t z = ~bw[k];

    if (r0 - k * 64 < 64)
      z &= ~(~0ull >> (r0 - k * 64));
    while (z) {
      int lz = __builtin_clzll(z);
      size_t pos = k * 64 + (size_t)lz;

      key[ns++] = (bits_at(bw, pos + 1) & ~pmask) | pos;
      z ^= (1ull << 63) >> lz;
    }
  }
  if (!last_l && last == 0)
    for (i = r0; i < m - 1; i++)
      key[ns++] = (bits_at(bw, i + 1) & ~pmask) | i;
  if (sort_keys(w, ns, pmask))
    return 0;
  /* buckets in the order of their token: 0, 1 and S placed by cls */
  st0 = cls < 0 ? 1u : 0u;
  st1 = cls < 0 ? 1 + n0 : cls == 0 ? n0 + 1 : n0;
  stS = cls < 0 ? 0 : cls == 0 ? n0 : m - 1;
  /* type-S suffixes at their buckets' ends; starting with a 1 only the
   * last run when S is above 1, where the later suffix (the shorter run
   * of 1s before S) is the higher */
  for (i = 0; i < ns; i++)
    sa[st0 + n0 - ns + i] = (uint32_t)(key[i] & pmask);
  if (!last_l && last == 1)
    for (i = r0; i < m - 1; i++)
      sa[st1 + (m - 1 - n0) - (m - 1 - r0) + (i - r0)] = (uint32_t)i;
  sa[stS] = (uint32_t)(m - 1);
  head[0] = st0;
  head[1] = st1;
  /* the scan: a slot is filled before the scan reaches it; a suffix that
   * places nothing writes to the spare slot sa[m] */
  for (k = 0; k < m; k++) {
    size_t j = sa[k], y, t, c;

    if (j == 0)
      continue;
    y = j - 1;
    c = BIT(y);
    t = y >= r0 ? last_l : c;
    sa[t ? head[c] : m] = (uint32_t)y;
    head[c] += t;
  }
#undef BIT
  return 1;
}

/* binary_runs' lists hold runs of equal bits, one 64-bit word each: the
 * position after the run's end (bits 0-20), its length (21-41) and, for
 * runs of zeros, its index among them (42-62). */
#define RL_BITS 21
#define RL_MASK (((uint64_t)1 << RL_BITS) - 1)
#define RL_LEN(v) ((uint32_t)(((v) >> RL_BITS) & RL_MASK))
#define RL_IDX(v) ((size_t)((v) >> (2 * RL_BITS)))

/* Sorts the n keys k[] by value: two counting passes (least significant
 * digit first) on the top d bits, d from n so that their buckets come out
 * small, then a bucket of more than 32 by radix on the rest and one pass
 * of insertion over the whole (each key moves only within its bucket).
 * t is scratch. */
static void sort_top(uint64_t *k, uint64_t *t, size_t n)
{
  uint32_t cnt[2][257];
  size_t i, b, s;
  int d = bit_width(n) + 1, d1, d2; /* about two buckets a key */

  d = d < 4 ? 4 : d > 16 ? 16 : d;
  d1 = d / 2;
  d2 = d - d1;
  memset(cnt, 0, sizeof(cnt));
  for (i = 0; i < n; i++) {
    cnt[0][((k[i] >> (64 - d)) & (((uint64_t)1 << d2) - 1)) + 1]++;
    cnt[1][(k[i] >> (64 - d1)) + 1]++;
  }
  for (b = 1; b <= 256; b++) {
    cnt[0][b] += cnt[0][b - 1];
    cnt[1][b] += cnt[1][b - 1];
  }
  for (i = 0; i < n; i++)
    t[cnt[0][(k[i] >> (64 - d)) & (((uint64_t)1 << d2) - 1)]++] = k[i];
  for (i = 0; i < n; i++)
    k[cnt[1][t[i] >> (64 - d1)]++] = t[i];
  /* a bucket of more than 32 holds two keys 32 apart (rare: no branch
   * per bucket otherwise) */
  for (i = 32; i < n; i++) {
    if ((k[i] >> (64 - d)) != (k[i - 32] >> (64 - d)))
      continue;
    for (s = i - 32; s > 0 && (k[s - 1] >> (64 - d)) == (k[i] >> (64 - d)); s--)
      ;
    for (b = i + 1; b < n && (k[b] >> (64 - d)) == (k[i] >> (64 - d)); b++)
      ;
    sort_u64(k + s, t + s, b - s, 64 - d, 0);
    i = b + 31;
  }
  insertion_keys(k, n);
}

/* Orders the suffixes at a and b (a != b) of binary_sort's bit string
 * (binary_sort's comment says why the padding after S orders them truly
 * but for suffixes that reach S within a word): -1 or 1, or 0 when they
 * agree on 16 words (binary_runs then gives the sort up). */
static int bits_cmp(const uint64_t *bw, size_t m, int cls, size_t a, size_t b)
{
  size_t t, far = a > b ? a : b;

  for (t = 0; t < 16 * 64; t += 64) {
    uint64_t x = bits_at(bw, a + t), y = bits_at(bw, b + t);

    if (x != y)
      return x < y ? -1 : 1;
    if (far + t + 64 >= m) /* the later one reaches S here: S decides */
      return (a > b) == (cls >= 0) ? 1 : -1;
  }
  return 0;
}

/* Merge sort of the n run keys k[] (index in the bits of kmask, into zr)
 * by the suffixes after their runs' ends; t is scratch. 0 when two agree
 * on 16 words. */
static int group_sort(uint64_t *k, uint64_t *t, size_t n, const uint64_t *zr,
                      uint64_t kmask, const uint64_t *bw, size_t m, int cls)
{
  uint64_t *src = k, *dst = t, *x;
  size_t width, i;

  for (width = 1; width < n; width *= 2) {
    for (i = 0; i < n; i += 2 * width) {
      size_t a = i, am = i + width < n ? i + width : n, b = am,
             bm = i + 2 * width < n ? i + 2 * width : n, o = i;

      while (a < am && b < bm) {
        int c = bits_cmp(bw, m, cls, (size_t)(zr[src[a] & kmask] & RL_MASK) + 1,
                         (size_t)(zr[src[b] & kmask] & RL_MASK) + 1);

        if (!c)
          return 0;
        dst[o++] = c < 0 ? src[a++] : src[b++];
      }
      while (a < am)
        dst[o++] = src[a++];
      while (b < bm)
        dst[o++] = src[b++];
    }
    x = src;
    src = dst;
    dst = x;
  }
  if (src != k)
    memcpy(k, src, n * sizeof(*k));
  return 1;
}

/* Writes the classes k = 1, 2, ... of the runs list[0..n-1] into sa: class
 * k holds, in list order, the suffix k before the end of every run at
 * least k long; upward from `at`, or downward (class 1 last) ending at
 * `at`. Above a position goes the preceding token's rank: `same` inside a
 * run, `other` at its start, `first` at position 0 (the start of the run
 * of length zero_len in the list, if any: 0 when none). With `starts`, the
 * runs in the order their starts take downward (class K's first). list is
 * consumed. */
static void emit_runs(uint32_t *sa, uint64_t *list, size_t n, size_t at, int down,
                      uint32_t same, uint32_t other, uint32_t first, uint32_t zero_len,
                      uint64_t *starts)
{
  uint32_t k, flip = same ^ other;

  for (k = 1; n; k++) {
    size_t j, kept = 0, d = 0;
    uint32_t *out;

    if (down)
      at -= n;
    out = sa + at;
    if (!down)
      at += n;
    /* without branches on the data (whether a run ends here is a coin
     * flip on fair bits); position 0 is mended below */
    if (starts) {
      for (j = 0; j < n; j++) {
        uint64_t v = list[j];
        uint32_t l = RL_LEN(v), pos = (uint32_t)(v & RL_MASK) - k;

        out[j] = pos | (same ^ (flip & (0u - (uint32_t)(l <= k))));
        list[kept] = v;
        kept += l > k;
        starts[d] = v;
        d += l == k;
      }
    } else {
      for (j = 0; j < n; j++) {
        uint64_t v = list[j];
        uint32_t l = RL_LEN(v), pos = (uint32_t)(v & RL_MASK) - k;

        out[j] = pos | (same ^ (flip & (0u - (uint32_t)(l <= k))));
        list[kept] = v;
        kept += l > k;
      }
    }
    if (k == zero_len) /* the run that starts at position 0 is here */
      for (j = 0; j < n; j++)
        if (out[j] == other)
          out[j] = first;
    /* this class's starts come after those of the kept (longer) runs;
     * starts[0..kept) is free until the later classes fill it */
    if (starts)
      memmove(starts + kept, starts, d * sizeof(*starts));
    n = kept;
  }
}

/* binary_sort's order of all m suffixes into w->sa, packed (position |
 * preceding token's rank << ib), from the runs of equal bits. A suffix
 * inside a run of zeros with k zeros left (0^k then a 1) sorts first by
 * k, more zeros lower, then by the suffix after the run (which starts a
 * run of ones); inside a run of ones (1^k then a 0) by k, more ones higher,
 * then by the suffix after the run (which starts a run of zeros). So the
 * zeros' bucket is, for k = K..1, the runs of zeros at least k long in
 * the order of the suffixes after them; that order is the only sort (by
 * 64-bit keys: one suffix per run of zeros, a quarter of all on fair
 * bits), and the bucket tells the order of the suffixes that start the
 * runs of zeros, which orders the ones' bucket the same way, for k =
 * 1..K. Both buckets are written in passes over lists of runs that
 * shrink as k grows. S ranks as the suffix after the last run: lowest
 * (cls < 0), highest of the zeros' followers and lowest of the ones'
 * (cls = 0: 0 < S < 1), or highest (cls > 0); where it is lower than a
 * zero (cls < 0, a last run of zeros: 0S < 00S < ... below every other
 * suffix starting with 0) or higher than a one (cls > 0, a last run of
 * ones: 1S > 11S > ... above every other), that run's suffixes go apart.
 * rk[b] is the rank (<< ib) of a token of bit b, rw the wrap token's.
 * Returns 0, sa untouched, when two keys agree on 16 words (long
 * repeats: binary_induce or the full sort then), or when disabled. */
static int binary_runs(struct mb_bz2len *w, size_t m, int cls, const uint32_t rk[2],
                       uint32_t rw)
{
  const uint64_t *bw = w->bits;
  uint32_t *sa = w->sa;
  uint64_t *zr, *orr, *A, *S0, *B, *key = w->key, kmask;
  size_t half = m / 2 + 3, nz = 0, no = 0, n0 = 0, end = m - 1, i, p, ns, na, nb, st0,
         st1, stS, sp;
  int first0, lastz, kb;

#define BIT(i) ((unsigned)(bw[(i) >> 6] >> (63 - ((i)&63))) & 1u)
  if (w->no_runs || m < 3 || m >= ((size_t)1 << RL_BITS))
    return 0;
  if (5 * half > w->cap_runs) {
    if (grow((void **)&w->runs, 5 * half, sizeof(*w->runs)))
      return 0;
    w->cap_runs = 5 * half;
  }
  zr = w->runs;
  orr = zr + half;
  A = orr + half;
  S0 = A + half;
  B = S0 + half;
  /* the runs of the regular tokens [0, m - 1), in position order: from
   * the positions where a bit differs from the one before (a loop per run
   * would mispredict its end at every run) */
  {
    uint32_t *bnd = w->sa2;
    size_t r = 0, k, j, b0 = BIT(0);
    uint64_t carry = b0;

    for (k = 0; k * 64 < end; k++) {
      uint64_t x = bw[k], t = x ^ ((x >> 1) | (carry << 63));

      carry = x & 1;
      if ((k + 1) * 64 > end) /* nothing at or after end */
        t &= ~(~0ull >> (end - k * 64));
      if (t) { /* lowest bit first (a shorter chain), so filled backwards */
        size_t idx = r + (size_t)mb_popcount64(t);

        r = idx;
        while (t) {
          bnd[--idx] = (uint32_t)(k * 64 + 63 - (size_t)__builtin_ctzll(t));
          t &= t - 1;
        }
      }
    }
    /* bnd[0..r) now start the runs after the first; run j is
     * [bnd[j - 1], bnd[j]) with bnd[-1] = 0 and bnd[r] = end */
    bnd[r] = (uint32_t)end;
    for (j = b0; j <= r; j += 2) { /* zeros */
      size_t s0 = j ? bnd[j - 1] : 0, e = bnd[j];

      zr[nz] =
          (uint64_t)e | (uint64_t)(e - s0) << RL_BITS | (uint64_t)nz << (2 * RL_BITS);
      nz++;
      n0 += e - s0;
    }
    for (j = !b0; j <= r; j += 2) { /* ones */
      size_t s0 = j ? bnd[j - 1] : 0, e = bnd[j];

      orr[no++] = (uint64_t)e | (uint64_t)(e - s0) << RL_BITS;
    }
  }
  first0 = !BIT(0);
  lastz = !BIT(m - 2);

  /* the runs of zeros followed by a 1, by the suffix after that 1 */
  ns = nz - (size_t)lastz;
  kb = bit_width(nz);
  kmask = ((uint64_t)1 << kb) - 1;
  for (i = 0; i < ns; i++)
    key[i] = (bits_at(bw, (size_t)(zr[i] & RL_MASK) + 1) & ~kmask) | i;
  sort_top(key, w->key2, ns);
  for (p = 1; p < ns; p++) {
    size_t q;

    if ((key[p] ^ key[p - 1]) > kmask)
      continue;
    /* key[p - 1 .. q - 1] agree on their top bits */
    for (q = p + 1; q < ns && (key[q] ^ key[p - 1]) <= kmask; q++)
      ;
    if (!group_sort(key + p - 1, w->key2, q - p + 1, zr, kmask, bw, m, cls))
      return 0;
    p = q;
  }

  /* buckets in the order of their token: 0, 1 and S placed by cls */
  st0 = cls < 0 ? 1u : 0u;
  st1 = cls < 0 ? 1 + n0 : cls == 0 ? n0 + 1 : n0;
  stS = cls < 0 ? 0 : cls == 0 ? n0 : m - 1;
  sa[stS] = (uint32_t)(m - 1) | rk[BIT(m - 2)];

  /* the zeros' bucket; S0 gets the runs of zeros in the order of their
   * starts */
  na = 0;
  sp = 0;
  if (lastz && cls < 0) { /* 0S < 00S < ... at the bottom */
    size_t r = RL_LEN(zr[nz - 1]), k;

    for (k = 1; k <= r; k++)
      sa[st0 + k - 1] = (uint32_t)(m - 1 - k) | (k < r       ? rk[0]
                                                 : m - 1 - r ? rk[1]
                                                             : rw);
    S0[sp++] = zr[nz - 1];
  }
  if (lastz && cls == 0)
    A[na++] = zr[nz - 1];
  for (i = 0; i < ns; i++)
    A[na++] = zr[key[i] & kmask];
  if (lastz && cls > 0)
    A[na++] = zr[nz - 1];
  emit_runs(sa, A, na, st0 + n0, 1, rk[0], rk[1], rw,
            first0 && !(lastz && cls < 0 && nz == 1) ? RL_LEN(zr[0]) : 0, S0 + sp);

  /* the ones' bucket: each run of ones is followed by the start of a run
   * of zeros (in S0's order) or by S */
  nb = 0;
  if (!lastz && cls < 0)
    B[nb++] = orr[no - 1];
  for (i = 0; i < nz; i++) {
    size_t z = RL_IDX(S0[i]);

    if (z || !first0)
      B[nb++] = orr[z - (size_t)first0];
  }
  if (!lastz && cls == 0)
    B[nb++] = orr[no - 1];
  if (!lastz && cls > 0) { /* ... 11S < 1S at the top */
    size_t r = RL_LEN(orr[no - 1]), k, top = st1 + (m - 1 - n0);

    for (k = 1; k <= r; k++)
      sa[top - k] = (uint32_t)(m - 1 - k) | (k < r ? rk[1] : m - 1 - r ? rk[0] : rw);
  }
  emit_runs(sa, B, nb, st1, 0, rk[1], rk[0], rw,
            !first0 && !(!lastz && cls > 0 && no == 1) ? RL_LEN(orr[0]) : 0, NULL);
  w->runs_done++;
#undef BIT
  return 1;
}

/* The cyclic suffix array into w->sa (as cyclic_sort leaves it) when the
 * tokens take two values except the last one, tr[m-1], which occurs once
 * (binary samples: "0 ", "1 " and the wrap token). 0 when that is not the
 * case (cyclic_sort then).
 *
 * As the last token occurs once, the rotations order as the suffixes of
 * the linear sequence ending with it, a sentinel S that decides every
 * comparison it takes part in. Each regular token becomes one bit (0 for
 * the smaller), 64 to a key; S becomes 0 then 1s when it ranks between the
 * two values, 1s when above both, 0s when below. Keys that differ order
 * their suffixes truly (the padding after S only compares where S already
 * decided the same way). Equal keys have equal regular tokens, except that
 * a suffix reaching S within its key (position m-64 or later) may join a
 * group of others: it is then truly above them (S ranks above the token
 * its encoding ties with; below for the low S), and of two such suffixes
 * the one reaching S first is the higher (lower). Those are split off, and
 * groups left are refined by prefix doubling, which never reaches past S. */
static int binary_sort(struct mb_bz2len *w, size_t m, size_t nd)
{
  const uint32_t *tr = w->tr;
  uint32_t *sa = w->sa, rw, hi, imask;
  uint64_t *bw, *key = w->key, pad, pmask;
  size_t nw, i, ng = 0, p;
  int cls, ties = 0, induced; /* cls: -1 S lowest, 0 between, 1 highest */

  if (m < 2 || nd < 2 || nd > 3)
    return 0;
  rw = tr[m - 1];
  if (w->dt[rw].cnt != 1)
    return 0;
  /* regular ranks: {0, .., nd-1} without rw; hi the higher when two */
  hi = nd == 3 ? (rw == 2 ? 1 : 2) : UINT32_MAX;
  cls = rw == 0 ? -1 : rw == nd - 1 ? 1 : 0;
  nw = m / 64 + 3;
  if (nw > w->cap_bits) {
    if (grow((void **)&w->bits, nw, sizeof(*w->bits)))
      return 0;
    w->cap_bits = nw;
  }
  bw = w->bits;
  for (i = 0; i + 1 < m; i += 64) {
    size_t e = i + 64 < m - 1 ? i + 64 : m - 1, j;
    uint64_t x = 0;

    if (e - i == 64) /* eight at a time: no chain of 64 shifts */
      for (j = i; j < e; j += 8)
        x = x << 8 |
            (uint64_t)((unsigned)(tr[j] == hi) << 7 | (unsigned)(tr[j + 1] == hi) << 6 |
                       (unsigned)(tr[j + 2] == hi) << 5 |
                       (unsigned)(tr[j + 3] == hi) << 4 |
                       (unsigned)(tr[j + 4] == hi) << 3 |
                       (unsigned)(tr[j + 5] == hi) << 2 |
                       (unsigned)(tr[j + 6] == hi) << 1 | (unsigned)(tr[j + 7] == hi));
    else
      for (j = i; j < e; j++)
        x = (x << 1) | (tr[j] == hi);
    bw[i >> 6] = x << (64 - (e - i));
  }
  /* S at m-1, then padding to the end of the last word read */
  pad = cls < 0 ? 0 : ~0ull;
  for (i = (m - 1) >> 6; i < nw; i++) {
    size_t lo = i << 6;
    uint64_t keep;

    if (lo >= m - 1) {
      bw[i] = pad;
      continue;
    }
    keep = ~0ull << (64 - (m - 1 - lo)); /* the regular tokens' bits */
    bw[i] = (bw[i] & keep) | (pad & ~keep);
  }
  if (cls == 0) /* S itself is a 0 */
    bw[(m - 1) >> 6] &= ~(1ull << (63 - ((m - 1) & 63)));

  w->ib = bit_width(m);
  w->packed = w->ib + 2 <= 32;
  imask = w->packed ? ((uint32_t)1 << w->ib) - 1 : UINT32_MAX;
  pmask = ((uint64_t)1 << w->ib) - 1;
  if (w->packed) {
    uint32_t rk[2], lo = rw == 0 ? 1 : 0;

    rk[0] = lo << w->ib;
    rk[1] = (nd == 3 ? hi : lo) << w->ib;
    if (binary_runs(w, m, cls, rk, rw << w->ib))
      return 1;
  }
  induced = binary_induce(w, m, cls);
  if (!induced) {
    for (i = 0; i < m; i++)
      key[i] = (bits_at(bw, i) & ~pmask) | i;
    ties = sort_keys(w, m, pmask);
  }
  /* the positions (in sa when induced, else in key), with the preceding
   * token's rank above them */
  if (w->packed) {
    /* the rank from the bit (the bits are in cache, tr[] is not) */
    uint32_t rk[2], lo = rw == 0 ? 1 : 0;

    rk[0] = lo << w->ib;
    rk[1] = (nd == 3 ? hi : lo) << w->ib;
    for (p = 0; p < m; p++) {
      size_t x = induced ? sa[p] : (size_t)(key[p] & pmask);

      if (x) {
        size_t y = x - 1;

        sa[p] = (uint32_t)x | rk[(bw[y >> 6] >> (63 - (y & 63))) & 1];
      } else {
        sa[p] = rw << w->ib;
      }
    }
  } else if (!induced) {
    for (p = 0; p < m; p++)
      sa[p] = (uint32_t)(key[p] & pmask);
  }
  if (!ties)
    return 1;

  /* Equal keys: split off the suffixes that reach S, rank the rest by
   * group, refine. */
  for (p = 0; p < m; p++)
    key[p] = bits_at(bw, sa[p] & imask);
  for (p = 0; p < m;) {
    size_t q = p + 1, r, ns = 0, lo, hi_end;

    while (q < m && key[q] == key[p])
      q++;
    if (q - p > 1) {
      /* suffixes reaching S to the group's end (or start), in the order
       * of their positions: the scratch sa2 holds them meanwhile */
      size_t k = p;

      for (r = p; r < q; r++) {
        uint32_t x = sa[r];

        if ((x & imask) + 64 >= m)
          w->sa2[ns++] = x;
        else
          sa[k++] = x;
      }
      if (ns > 1) /* by position; stable enough: positions are distinct */
        for (r = 1; r < ns; r++) {
          uint32_t x = w->sa2[r];
          size_t j = r;

          for (; j > 0 && (w->sa2[j - 1] & imask) > (x & imask); j--)
            w->sa2[j] = w->sa2[j - 1];
          w->sa2[j] = x;
        }
      if (cls < 0) { /* below the others, the later position lower */
        memmove(sa + p + ns, sa + p, (k - p) * sizeof(*sa));
        for (r = 0; r < ns; r++)
          sa[p + r] = w->sa2[ns - 1 - r];
        lo = p + ns;
        hi_end = q;
      } else { /* above the others, the later position higher */
        for (r = 0; r < ns; r++)
          sa[k + r] = w->sa2[r];
        lo = p;
        hi_end = k;
      }
      for (r = p; r < q; r++)
        w->grank[sa[r] & imask] = (uint32_t)r;
      if (hi_end - lo > 1) {
        for (r = lo; r < hi_end; r++)
          w->grank[sa[r] & imask] = (uint32_t)lo;
        w->groups[2 * ng] = (uint32_t)lo;
        w->groups[2 * ng + 1] = (uint32_t)(hi_end - lo);
        ng++;
      }
    } else {
      w->grank[sa[p] & imask] = (uint32_t)p;
    }
    p = q;
  }
  doubling(w, m, 64, ng, imask);
  return 1;
}

/* ----------------------------------------------------------- tokens */

static int ensure_dist(struct mb_bz2len *w, size_t d)
{
  if (d <= w->cap_dist)
    return MB_OK;
  d = d < 256 ? 256 : d * 2;
  if (grow((void **)&w->dval, d, 8) || grow((void **)&w->dcnt, d, 4) ||
      grow((void **)&w->drank, d, 4) || grow((void **)&w->dt, d, sizeof(struct dtoken)))
    return MB_ENOMEM;
  w->cap_dist = d;
  return MB_OK;
}

static uint32_t hash64(uint64_t x)
{
  x ^= x >> 29;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 32;
  return (uint32_t)x;
}

static int hash_reset(struct mb_bz2len *w, size_t cap)
{
  if (cap > w->hcap) {
    if (grow((void **)&w->hkey, cap, 8) || grow((void **)&w->hid, cap, 4))
      return MB_ENOMEM;
    w->hcap = cap;
  }
  memset(w->hid, 0xff, cap * sizeof(*w->hid));
  return MB_OK;
}

/* The id of packed token x (new ids numbered from *nd). Returns -1 when out
 * of memory. */
static long token_id(struct mb_bz2len *w, size_t *hcap, size_t *nd, uint64_t x)
{
  size_t mask = *hcap - 1, j = hash64(x) & mask;

  for (;;) {
    if (w->hid[j] == UINT32_MAX)
      break;
    if (w->hkey[j] == x)
      return (long)w->hid[j];
    j = (j + 1) & mask;
  }
  if (ensure_dist(w, *nd + 1))
    return -1;
  if (2 * (*nd + 1) > *hcap) { /* grow and rehash */
    size_t cap = *hcap * 4, i;

    if (hash_reset(w, cap))
      return -1;
    *hcap = cap;
    mask = cap - 1;
    for (i = 0; i < *nd; i++) {
      size_t k = hash64(w->dval[i]) & mask;

      while (w->hid[k] != UINT32_MAX)
        k = (k + 1) & mask;
      w->hkey[k] = w->dval[i];
      w->hid[k] = (uint32_t)i;
    }
    j = hash64(x) & mask;
    while (w->hid[j] != UINT32_MAX)
      j = (j + 1) & mask;
  }
  w->hkey[j] = x;
  w->hid[j] = (uint32_t)*nd;
  w->dval[*nd] = x;
  w->dcnt[*nd] = 0;
  return (long)(*nd)++;
}

/* ------------------------------------------------------------ BWT */

static int bwt_tokens(struct mb_bz2len *w, size_t m, size_t nd);

/* The BWT's last column of blk[0..nb-1] into w->L: tokens, then
 * bwt_tokens. */
static int bwt(struct mb_bz2len *w, const uint8_t *blk, size_t nb, const size_t *count)
{
  size_t best = 0, i, m = 0, nd = 0, hcap = 1024, f = 0, p;
  int sep = -1;
  uint8_t *rot = w->rot;
  uint32_t *tid;
  struct dtoken *dt = NULL;
  int status = MB_OK;

  for (i = 0; i < 256; i++)
    if (count[i] > count[best])
      best = i;
  /* Separator mode when the most common byte cuts the cyclic block into
   * tokens of at most 8 bytes. */
  {
    const uint8_t *q = memchr(blk, (int)best, nb);

    if (q) {
      f = (size_t)(q - blk);
      memcpy(rot, blk + f + 1, nb - f - 1);
      memcpy(rot + nb - f - 1, blk, f + 1);
      memset(rot + nb, (int)best, 8);
      sep = (int)best;
      for (p = 0; p < nb;) {
        uint64_t x = mb_load_le64(rot + p) ^ (0x0101010101010101ull * (uint64_t)best);
        uint64_t z = (x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull;

        if (!z) {
          sep = -1;
          break;
        }
        p += (size_t)(__builtin_ctzll(z) / 8) + 1;
        m++;
      }
    }
  }
  if (sep < 0) {
    memcpy(rot, blk, nb);
    memset(rot + nb, 0, 8);
    m = nb;
  }
  status = ensure_tokens(w, m);
  if (status)
    return status;
  tid = w->sa2; /* token ids, before ranking */
  status = hash_reset(w, hcap);
  if (status)
    return status;
  if (sep >= 0) {
    size_t t = 0;

    for (p = 0; p < nb; t++) {
      uint64_t raw = mb_load_le64(rot + p);
      uint64_t x = raw ^ (0x0101010101010101ull * (uint64_t)(unsigned)sep);
      uint64_t z = (x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull;
      int l = __builtin_ctzll(z) / 8 + 1;
      uint64_t v = __builtin_bswap64(raw) & (~0ull << (64 - 8 * l));
      long id = token_id(w, &hcap, &nd, v);

      if (id < 0)
        return MB_ENOMEM;
      tid[t] = (uint32_t)id;
      w->dcnt[id]++;
      p += (size_t)l;
    }
  } else {
    long map[256];

    for (i = 0; i < 256; i++)
      map[i] = -1;
    for (p = 0; p < nb; p++) {
      uint8_t c = rot[p];

      if (map[c] < 0) {
        if (ensure_dist(w, nd + 1))
          return MB_ENOMEM;
        w->dval[nd] = (uint64_t)c << 56;
        w->dcnt[nd] = 0;
        map[c] = (long)nd++;
      }
      tid[p] = (uint32_t)map[c];
      w->dcnt[map[c]]++;
    }
  }
  /* Rank the distinct tokens in string order (= numeric order of the
   * packed values, the tokens being prefix-free). */
  dt = w->dt;
  {
    /* sort (value, id) by value */
    uint64_t *k = malloc(nd * sizeof(*k) * 2);
    uint32_t *v = malloc(nd * sizeof(*v) * 2);

    if (!k || !v) {
      free(k);
      free(v);
      return MB_ENOMEM;
    }
    for (i = 0; i < nd; i++) {
      k[i] = w->dval[i];
      v[i] = (uint32_t)i;
    }
    sort_pairs(k, v, k + nd, v + nd, nd, 64, 0);
    for (i = 0; i < nd; i++) {
      w->drank[v[i]] = (uint32_t)i;
      dt[i].val = k[i];
      dt[i].cnt = w->dcnt[v[i]];
      dt[i].len = 1;
    }
    free(k);
    free(v);
  }
  for (i = 0; i < m; i++)
    w->tr[i] = w->drank[tid[i]];
  /* Token lengths: in separator mode the position of the separator. */
  for (i = 0; i < nd; i++) {
    if (sep >= 0) {
      int l;

      for (l = 1; l <= 8; l++)
        if (((dt[i].val >> (64 - 8 * l)) & 0xff) == (uint64_t)sep)
          break;
      dt[i].len = (uint8_t)l;
    }
  }
  return bwt_tokens(w, m, nd);
}

/* bwt_tokens' scatter when every token ends with the separator and has
 * 2 bytes or more (np < 65535 partials; the payloads packed). A rotation
 * gives one byte for each offset o of its preceding token d but the last
 * (see bwt_tokens), and one to the separator's bucket in rotation order
 * (for a token of 1 byte, the separator alone, that is the separator
 * before it). For o = 0 that byte is the separator: when no other token
 * ends with d (8-bit samples: every 3-digit number), d's bucket holds only
 * those and is filled at once. The other bytes, at most two for most
 * tokens, are written for every rotation through two counters from one
 * 8-byte record of d, without a branch on d's length: a token with fewer
 * sends the rest to two counters of their own that write into w->key2,
 * unused here (at most m bytes each: two, so that the two stores of a
 * rotation do not wait on each other through one counter); one with more
 * (in the decimal text only the wrap token, once a block) takes a branch.
 * When almost every rotation writes nothing through a counter, a branch
 * on the record skips the counters. A token that occurs once (the wrap
 * token, when no sample's token equals it) then does not stop another
 * token's bucket being filled at once: its byte there goes after as many
 * of the owner's bytes as the owner has rotations before it (counted in
 * the loop, in a register). So binary samples ("0 ", "1 "
 * and a wrap token such as "10 ", which also ends with "0 ") write L with
 * no counter but for that token's one rotation. 1 when
 * done, 0 when tokens with more than two are common (the caller's general
 * loop then), -1 when out of memory. */
struct short_rec {
  uint16_t id[2];
  uint8_t byte[2];
  uint8_t more; /* 0, or the offset of d's third byte written */
  uint8_t last; /* d's byte before the separator */
};

static int scatter_short(struct mb_bz2len *w, size_t m, size_t nd, size_t np,
                         const uint32_t *slot, const uint32_t *pstart, uint8_t sep_byte)
{
  const struct dtoken *dt = w->dt;
  const uint32_t sep = slot[(size_t)dt[0].len - 1], *sa = w->sa;
  struct short_rec *rec = malloc(nd * sizeof(*rec));
  uint8_t **ptr = malloc((np + 2) * sizeof(*ptr)), *Ls = w->L + pstart[sep];
  uint32_t *refs = calloc(np, sizeof(*refs));
  size_t d, k, p, n_more = 0, n_some = 0, rare = nd, od1 = nd;
  int ib = w->ib, done = 0;

  if (!rec || !ptr || !refs) {
    done = -1;
    goto out;
  }
  for (k = 0; k < np; k++)
    ptr[k] = w->L + pstart[k];
  ptr[np] = (uint8_t *)w->key2;
  ptr[np + 1] = (uint8_t *)w->key2 + m;
  for (d = 0; d < nd; d++) {
    int o;

    for (o = 0; o < dt[d].len - 1; o++)
      refs[slot[d * 8 + (size_t)o]]++;
    if (dt[d].cnt == 1) /* the one token that occurs once, if only one does */
      rare = rare == nd ? d : nd + 1;
  }
  if (rare < nd) {
    /* Would almost every other rotation fill its buckets at once, if the
     * rare token did not count? (Binary samples: the wrap token "10 " is
     * all that ends with "0 " but "0 " itself.) od1 is then the token
     * whose bucket is filled at once but for the rare token's byte: one
     * at most (two would be suffixes of the rare token, so the longer
     * would end with the shorter, whose bucket it would share). */
    size_t n_common = 0, od = nd;
    int o;

    for (d = 0; d < nd; d++) {
      uint32_t s0 = slot[d * 8], by_rare = 0;

      if (d == rare || dt[d].len < 2)
        continue;
      for (o = 0; o < dt[rare].len - 1; o++)
        by_rare |= slot[rare * 8 + (size_t)o] == s0;
      if (dt[d].len > 2 || refs[s0] - by_rare != 1)
        n_common += dt[d].cnt;
      if (by_rare && refs[s0] == 2)
        od = d;
    }
    if (n_common > m / 16)
      rare = nd;
    else
      od1 = od;
  } else {
    rare = nd;
  }
  for (d = 0; d < nd; d++) {
    int o, l = dt[d].len, f = 0;
    uint64_t v = dt[d].val;
    uint32_t s0 = slot[d * 8];

    rec[d].id[0] = (uint16_t)np;
    rec[d].id[1] = (uint16_t)(np + 1);
    rec[d].byte[0] = rec[d].byte[1] = 0;
    rec[d].more = 0;
    rec[d].last = (uint8_t)(l > 1 ? v >> (64 - 8 * (l - 1)) : sep_byte);
    if (d == rare) { /* its own branch below */
      rec[d].id[0] = 0;
      if (l > 1 && refs[s0] == 1)
        memset(ptr[s0], sep_byte, dt[d].cnt);
      continue;
    }
    for (o = 0; o < l - 1; o++) {
      if (o == 0 && (refs[s0] == 1 || d == od1)) {
        /* only d ends with d, or d and the rare token (put in below) */
        memset(ptr[s0], sep_byte, dt[d].cnt + refs[s0] - 1);
        continue;
      }
      if (f == 2) {
        rec[d].more = (uint8_t)o;
        n_more += dt[d].cnt;
        break;
      }
      rec[d].id[f] = (uint16_t)slot[d * 8 + (size_t)o];
      rec[d].byte[f] = (uint8_t)(o == 0 ? sep_byte : v >> (64 - 8 * o));
      f++;
    }
    if (f)
      n_some += dt[d].cnt;
  }
  if (n_more > m / 16)
    goto out;
  /* a branch on the record (rec[d].more only when f == 2); with a rare
   * token, n_some <= m / 16 too */
  if (rare < nd || n_some <= m / 16) {
    const uint32_t p1 = od1 < nd ? slot[od1 * 8] : UINT32_MAX;
    size_t c1 = 0; /* od1's rotations so far */

    for (p = 0; p < m; p++) {
      const uint32_t d32 = sa[p] >> ib;
      const struct short_rec r = rec[d32];

      c1 += d32 == od1;
      if (r.id[0] != np) {
        const uint32_t *sl = slot + (size_t)d32 * 8;
        uint64_t v = dt[d32].val;
        int o;

        if (d32 == rare) {
          for (o = 0; o < dt[d32].len - 1; o++) {
            uint32_t id = sl[o];
            uint8_t byte = (uint8_t)(o == 0 ? sep_byte : v >> (64 - 8 * o));

            if (id == p1) /* after od1's bytes of the rotations before */
              w->L[pstart[id] + c1] = byte;
            else if (o > 0 || refs[id] > 1) /* else filled at once */
              *ptr[id]++ = byte;
          }
        } else {
          *ptr[r.id[0]]++ = r.byte[0];
          *ptr[r.id[1]]++ = r.byte[1];
          for (o = r.more; r.more && o < dt[d32].len - 1; o++)
            *ptr[sl[o]]++ = (uint8_t)(v >> (64 - 8 * o));
        }
      }
      Ls[p] = r.last;
    }
    done = 1;
    goto out;
  }
  for (p = 0; p < m; p++) {
    const uint32_t d32 = sa[p] >> ib;
    const struct short_rec r = rec[d32];
    uint8_t *q0 = ptr[r.id[0]], *q1;

    *q0 = r.byte[0];
    ptr[r.id[0]] = q0 + 1;
    q1 = ptr[r.id[1]];
    *q1 = r.byte[1];
    ptr[r.id[1]] = q1 + 1;
    if (r.more) {
      const uint32_t *sl = slot + (size_t)d32 * 8;
      uint64_t v = dt[d32].val;
      int o;

      for (o = r.more; o < dt[d32].len - 1; o++)
        *ptr[sl[o]]++ = (uint8_t)(v >> (64 - 8 * o));
    }
    Ls[p] = r.last;
  }
  done = 1;
out:
  free(rec);
  free(ptr);
  free(refs);
  return done;
}

/* The BWT's last column into w->L from the cyclic token sequence w->tr[0..m-1]
 * (ranks of the nd distinct tokens w->dt, prefix-free, in string order;
 * w->dt[r].cnt must be the number of r in tr: the buckets are laid out
 * from those counts). */
static int bwt_tokens(struct mb_bz2len *w, size_t m, size_t nd)
{
  const struct dtoken *dt = w->dt;
  size_t i, p, np = 0;
  uint32_t *pstart = NULL;
  int status = MB_OK;

  if (!binary_sort(w, m, nd))
    cyclic_sort(w, m, nd);

  /* Partial tokens: every suffix of every distinct token, in string order;
   * bucket starts from their counts. */
  {
    size_t total = 0, k;
    uint64_t *pk;
    uint32_t *pv;

    for (i = 0; i < nd; i++)
      total += dt[i].len;
    pk = malloc(total * 2 * sizeof(*pk));
    pv = malloc(total * 2 * sizeof(*pv));
    pstart = malloc((total + 1) * sizeof(*pstart));
    if (!pk || !pv || !pstart) {
      free(pk);
      free(pv);
      status = MB_ENOMEM;
      goto out;
    }
    k = 0;
    for (i = 0; i < nd; i++) {
      int o;

      for (o = 0; o < dt[i].len; o++) {
        pk[k] = o ? dt[i].val << (8 * o) : dt[i].val;
        pv[k] = (uint32_t)(i * 8 + (size_t)o);
        k++;
      }
    }
    sort_pairs(pk, pv, pk + total, pv + total, total, 64, 0);
    /* pid per (token rank, offset) slot; counts per distinct partial */
    {
      uint32_t *slot = malloc(nd * 8 * sizeof(*slot));

      if (!slot) {
        free(pk);
        free(pv);
        status = MB_ENOMEM;
        goto out;
      }
      np = 0;
      for (k = 0; k < total; k++) {
        if (k > 0 && pk[k] != pk[k - 1])
          np++;
        slot[pv[k]] = (uint32_t)np;
        pstart[np] = 0;
      }
      np++;
      for (k = 0; k < total; k++)
        pstart[slot[pv[k]]] += dt[pv[k] / 8].cnt;
      {
        uint32_t acc = 0;

        for (k = 0; k < np; k++) {
          uint32_t c = pstart[k];

          pstart[k] = acc;
          acc += c;
        }
      }
      /* Scatter: rotation j's preceding token d gives one L byte per offset
       * o, into the bucket of d's partial from o: d's byte o - 1, or for
       * o = 0 the last byte of the token before d (the separator, in
       * separator mode). */
      {
        int same_last = 1, ib = w->ib;
        uint32_t imask = ((uint32_t)1 << ib) - 1;
        uint8_t last0 = (uint8_t)(dt[0].val >> (64 - 8 * dt[0].len));

        int fixed = 0;

        for (i = 1; i < nd; i++)
          same_last &= (uint8_t)(dt[i].val >> (64 - 8 * dt[i].len)) == last0;
        if (w->packed && same_last && np + 1 < UINT16_MAX)
          fixed = scatter_short(w, m, nd, np, slot, pstart, last0);
        if (fixed < 0) {
          status = MB_ENOMEM;
          free(slot);
          free(pk);
          free(pv);
          goto out;
        }
        /* Otherwise (scatter_short gave up, or tokens end differently)
         * byte by byte, a counter per bucket. */
        for (p = 0; p < m && !fixed; p++) {
          uint32_t x = w->sa[p], d;
          size_t ti;
          const uint32_t *sl;
          uint64_t v;
          int o, l;

          if (w->packed) {
            d = x >> ib;
            ti = (x & imask) ? (x & imask) - 1 : m - 1;
          } else {
            ti = x ? x - 1 : m - 1;
            d = w->tr[ti];
          }
          sl = slot + (size_t)d * 8;
          v = dt[d].val;
          l = dt[d].len;
          if (same_last) {
            w->L[pstart[sl[0]]++] = last0;
          } else {
            uint32_t pr = w->tr[ti ? ti - 1 : m - 1];

            w->L[pstart[sl[0]]++] = (uint8_t)(dt[pr].val >> (64 - 8 * dt[pr].len));
          }
          for (o = 1; o < l; o++)
            w->L[pstart[sl[o]]++] = (uint8_t)(v >> (64 - 8 * o));
        }
      }
      free(slot);
    }
    free(pk);
    free(pv);
  }
out:
  free(pstart);
  return status;
}

/* ---------------------------------------------------------- Huffman */

/* The top of the heap heap[1..*n_heap] (smallest weight), the last entry
 * moved to the top and sifted down, the right child taken only when
 * strictly lighter and the sift stopping at a strictly lighter entry. */
static int heap_pop(int32_t *heap, int *n_heap, const int32_t *weight)
{
  int top = heap[1], zz = 1, yy;
  int32_t tmp;

  heap[1] = heap[(*n_heap)--];
  tmp = heap[1];
  for (;;) {
    yy = zz << 1;
    if (yy > *n_heap)
      break;
    if (yy < *n_heap && weight[heap[yy + 1]] < weight[heap[yy]])
      yy++;
    if (weight[tmp] < weight[heap[yy]])
      break;
    heap[zz] = heap[yy];
    zz = yy;
  }
  heap[zz] = tmp;
  return top;
}

/* bzip2's code lengths: a heap of weights (frequency << 8 | depth),
 * scaled down and rebuilt while any code is longer than max_len. */
static void make_code_lengths(uint8_t *len, const uint32_t *freq, int alpha,
                              int max_len)
{
  int32_t heap[MAX_ALPHA + 2], weight[MAX_ALPHA * 2], parent[MAX_ALPHA * 2];
  int i, j, k, n_nodes, n_heap, too_long;

  for (i = 0; i < alpha; i++)
    weight[i + 1] = (int32_t)((freq[i] == 0 ? 1 : freq[i]) << 8);
  for (;;) {
    n_nodes = alpha;
    n_heap = 0;
    heap[0] = 0;
    weight[0] = 0;
    parent[0] = -2;
    for (i = 1; i <= alpha; i++) {
      int zz = ++n_heap;
      int32_t tmp = i;

      parent[i] = -1;
      heap[zz] = i;
      while (weight[tmp] < weight[heap[zz >> 1]]) {
        heap[zz] = heap[zz >> 1];
        zz >>= 1;
      }
      heap[zz] = tmp;
    }
    while (n_heap > 1) {
      int n1, n2;

      n1 = heap_pop(heap, &n_heap, weight);
      n2 = heap_pop(heap, &n_heap, weight);

      n_nodes++;
      parent[n1] = parent[n2] = n_nodes;
      {
        int32_t d1 = weight[n1] & 0xff, d2 = weight[n2] & 0xff;

        weight[n_nodes] = (int32_t)(((uint32_t)weight[n1] & 0xffffff00u) +
                                    ((uint32_t)weight[n2] & 0xffffff00u)) |
                          (1 + (d1 > d2 ? d1 : d2));
      }
      parent[n_nodes] = -1;
      {
        int zz = ++n_heap;
        int32_t tmp = n_nodes;

        heap[zz] = n_nodes;
        while (weight[tmp] < weight[heap[zz >> 1]]) {
          heap[zz] = heap[zz >> 1];
          zz >>= 1;
        }
        heap[zz] = tmp;
      }
    }
    too_long = 0;
    for (i = 1; i <= alpha; i++) {
      j = 0;
      k = i;
      while (parent[k] >= 0) {
        k = parent[k];
        j++;
      }
      len[i - 1] = (uint8_t)j;
      if (j > max_len)
        too_long = 1;
    }
    if (!too_long)
      break;
    for (i = 1; i <= alpha; i++) {
      j = weight[i] >> 8;
      j = 1 + j / 2;
      weight[i] = j << 8;
    }
  }
}

/* ------------------------------------------------------- one block */

/* Where MTF/RLE2 values go: their frequencies, and either the values or,
 * for small alphabets, one histogram per group of 50. */
struct emitter {
  uint32_t *freq;
  uint16_t *hg; /* the current group's histogram, or NULL */
  uint16_t *mtfv;
  size_t n;
  unsigned fill;
  unsigned stride; /* counts a histogram: the alphabet rounded up to 4 */
};

static inline void emit(struct emitter *e, unsigned v)
{
  if (e->hg) { /* the frequencies are the histograms' sums */
    e->hg[v]++;
    if (++e->fill == G_SIZE) {
      e->fill = 0;
      e->hg += e->stride;
    }
  } else {
    e->freq[v]++;
    e->mtfv[e->n] = (uint16_t)v;
  }
  e->n++;
}

/* A run of z > 0 zeros in bijective base 2: RUNA = 1, RUNB = 2, least
 * significant first; that is the bits of z + 1 below its top one, least
 * significant first, RUNA for a 0. Within a group of 50 only the counts
 * matter. */
static inline void emit_zeros(struct emitter *e, size_t z)
{
  unsigned k = (unsigned)bit_width(z + 1) - 1;

  if (e->hg && e->fill + k < G_SIZE) {
    unsigned b = (unsigned)mb_popcount64(z + 1) - 1;

    e->hg[RUNA] = (uint16_t)(e->hg[RUNA] + (k - b));
    e->hg[RUNB] = (uint16_t)(e->hg[RUNB] + b);
    e->fill += k;
    e->n += k;
    return;
  }
  z--;
  for (;;) {
    emit(e, (z & 1) ? RUNB : RUNA);
    if (z < 2)
      break;
    z = (z - 2) / 2;
  }
}

/* emit_zeros() as bytes: the RUNA (0) and RUNB (1) values of a run of
 * z > 0 zeros written from q on; returns the end. */
static inline uint8_t *put_zeros(uint8_t *q, size_t z)
{
  for (z--;; z = (z - 2) / 2) {
    *q++ = (uint8_t)(z & 1);
    if (z < 2)
      break;
  }
  return q;
}

/* Bit k set where L[i + k] differs from the byte before it (last: the
 * byte before L[i]), k < 8; *last becomes L[i + 7]. */
static inline unsigned starts8(const uint8_t *L, size_t i, uint64_t *last)
{
  const uint64_t lo7 = 0x7f7f7f7f7f7f7f7full;
  uint64_t cur = mb_load_le64(L + i), x = cur ^ ((cur << 8) | (*last >> 56));
  uint64_t nz = (((x & lo7) + lo7) | x) & ~lo7; /* high bit of each byte that differs */

  *last = cur;
  return (unsigned)(((nz >> 7) * 0x0102040810204080ull) >> 56);
}

/* The RUNA/RUNB values of a run of z zeros to q: from the tables zs, zn
 * (zs[z] the values of z < 64 zeros as 8 bytes, zn[z] how many; none for
 * z = 0) as one 8-byte store, or put_zeros(); returns the end. */
static inline uint8_t *put_zrun(uint8_t *q, size_t z, const uint64_t *zs,
                                const uint8_t *zn)
{
  if (__builtin_expect(z < 64, 1)) {
    memcpy(q, &zs[z], 8);
    return q + zn[z];
  }
  return put_zeros(q, z);
}

/* mtf_small's loop over the run starts (starts, L[0..nb-1]) with the
 * list in the nibbles of one word (position k in nibble k; unused nibbles
 * hold 15, which is then no symbol): a symbol is found as the first zero
 * nibble of the list xor'ed with it, and the mask of the nibbles up to
 * it, from that zero's bit, shifts them by one without a table. The
 * list's update is the loop's only chain, of 8 ALU operations. Returns
 * the end of the values written from q on; *zstart becomes the byte after
 * the last run start. */
static uint8_t *mtf_runs(const uint8_t *L, size_t nb, const uint64_t *starts,
                         const uint8_t *seq, int n_in_use, const uint64_t *zs,
                         const uint8_t *zn, uint8_t *q, size_t *zstart)
{
  const uint64_t ones = 0x1111111111111111ull, highs = 0x8888888888888888ull;
  uint64_t lst = 0, sym[256];
  size_t zs0 = 0, base;
  int k;

  for (k = 0; k < 256; k++)
    sym[k] = seq[k] * ones;
  for (k = 0; k < 16; k++)
    lst |= (uint64_t)(k < n_in_use ? k : 15) << (4 * k);
  for (base = 0; base < nb; base += 64) {
    const uint8_t *Lb = L + base;
    uint64_t mask = starts[base / 64];

    while (mask) {
      size_t o = (size_t)__builtin_ctzll(mask), z = base + o - zs0;
      uint64_t so = sym[Lb[o]], x = lst ^ so, f = (x - ones) & ~x & highs;
      uint64_t upto = f ^ (f - 1); /* the nibbles up to the symbol's */

      mask &= mask - 1;
      lst = (lst & ~upto) | (((lst << 4) | (so & 15)) & upto);
      zs0 = base + o + 1;
      q = put_zrun(q, z, zs, zn);
      /* the value: the symbol's position j + 1, from its bit 4j + 3 */
      *q++ = (uint8_t)((__builtin_ctzll(f) + 1) >> 2);
    }
  }
  *zstart = zs0;
  return q;
}

#if MTF_SSSE3
/* The run starts among L[base..base+63] as bits (a byte that differs
 * from the one before; L[base - 1] must be readable when base > 0, and
 * when base = 0, L[0] is one). */
__attribute__((target("ssse3"))) static inline uint64_t starts64(const uint8_t *L,
                                                                 size_t base)
{
  const uint8_t *Lb = L + base;
  __m128i c0 = _mm_loadu_si128((const __m128i *)Lb), p0;
  uint64_t eq;
  int k;

  if (base)
    p0 = _mm_loadu_si128((const __m128i *)(Lb - 1));
  else
    p0 = _mm_or_si128(_mm_slli_si128(c0, 1), _mm_cvtsi32_si128((uint8_t)~Lb[0]));
  eq = (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(c0, p0));
  for (k = 1; k < 4; k++) {
    __m128i c1 = _mm_loadu_si128((const __m128i *)(Lb + 16 * k));
    __m128i p1 = _mm_loadu_si128((const __m128i *)(Lb + 16 * k - 1));

    eq |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(c1, p1)) << (16 * k);
  }
  return ~eq;
}

/* The list of mtf_runs_ssse3() as ranks: byte t of an SSE register is the
 * position of symbol t (127 for unused t, never less than a position).
 * For the byte c of L (symbol s = seq[c]), pshufb broadcasts s's position
 * p = R[s] into P, using bs[c] (every byte s); the symbols before it
 * (R[t] < p) move back one (subtract the compare's -1), and s goes to 0
 * (and with ns[c]: all ones but byte s). */
#define MTF_RANKS(R, P, c)                                                             \
  do {                                                                                 \
    (P) = _mm_shuffle_epi8((R), bs[c]);                                                \
    (R) = _mm_and_si128(_mm_sub_epi8((R), _mm_cmpgt_epi8((P), (R))), ns[c]);           \
  } while (0)

/* One run start of a segment in mtf_runs_ssse3(): mask its starts in the
 * 64 bytes from base, zs0 the byte after its last run start, q where its
 * values go, R its list. */
#define MTF_STEP(mask, base, zs0, q, R)                                                \
  do {                                                                                 \
    size_t p_ = (base) + (size_t)__builtin_ctzll(mask), z_ = p_ - (zs0);               \
    unsigned c_ = L[p_];                                                               \
    __m128i P_;                                                                        \
                                                                                       \
    (mask) &= (mask)-1;                                                                \
    MTF_RANKS(R, P_, c_);                                                              \
    (zs0) = p_ + 1;                                                                    \
    (q) = put_zrun((q), z_, zs, zn);                                                   \
    *(q)++ = (uint8_t)(_mm_cvtsi128_si32(P_) + 1);                                     \
  } while (0)

/* mtf_runs() with the list as ranks in an SSE register (MTF_RANKS), and
 * the run starts found 16 bytes a compare (starts64(); the first run is
 * left out when skip is 1). The list's update is a chain of 4 vector
 * operations, 2 cycles each on some CPUs; so a block of at least 4096
 * bytes is cut in two halves A and B (at h, a multiple of 64) whose run
 * starts are moved to front in one loop, as two independent chains: A
 * from the true initial list, B from a guess W, its values to out2 (past
 * A's room). A list after some run starts is the symbols met, the last
 * met first, then the others in their order before; so two lists that
 * met the same run starts are equal from the point where they agree (at
 * the latest where every symbol has been met), and stay so. B is then
 * redone from A's last list and, in the same loop, from W, up to the run
 * start after which the two agree; the values after it were right. If
 * they never agree (a symbol absent from B whose place W guessed wrong),
 * all of B is redone. W puts the symbols in order of their counts, the
 * commonest first: a symbol absent from B is likely rare, and behind the
 * others in the true list. Last, the zero run across h is written again
 * as one and B's values moved after A's. Returns the end of the values
 * written from q on; *zstart becomes the byte after the last run start. */
__attribute__((target("ssse3"))) static uint8_t *
mtf_runs_ssse3(const uint8_t *L, size_t nb, uint64_t skip, const uint8_t *seq,
               const size_t *count, int n_in_use, const uint64_t *zs, const uint8_t *zn,
               uint8_t *q, size_t *zstart)
{
  __m128i bs[256], ns[256], Ra, Rb, W;
  uint8_t b[16];
  size_t h = nb >= 4096 ? nb / 2 & ~(size_t)63 : nb, ba = 0, bb = h, za = 0, zb = h;
  uint64_t ma, mb = 0;
  uint8_t *out2 = q + h + 16, *qb = out2, *first;
  int k;

  for (k = 0; k < 256; k++) { /* seq[k] is set only for bytes in use */
    memset(b, 0xff, sizeof(b));
    b[seq[k] & 15] = 0;
    ns[k] = _mm_loadu_si128((const __m128i *)b);
    bs[k] = _mm_set1_epi8((char)(seq[k] & 15));
  }
  for (k = 0; k < 16; k++)
    b[k] = (uint8_t)(k < n_in_use ? k : 127);
  Ra = _mm_loadu_si128((const __m128i *)b);
  { /* W: the symbols by their counts, the commonest first */
    for (k = 0; k < 256; k++)
      if (count[k]) {
        int r = 0, j;

        for (j = 0; j < 256; j++)
          r += count[j] > count[k] || (count[j] == count[k] && count[j] && j < k);
        b[seq[k]] = (uint8_t)r;
      }
    W = Rb = _mm_loadu_si128((const __m128i *)b);
  }

  ma = starts64(L, 0) & ~skip;
  if (h < 64)
    ma &= ~(~0ull << h);
  if (h < nb) {
    mb = starts64(L, h);
    if (nb - h < 64)
      mb &= ~(~0ull << (nb - h));
  }
  /* A and B at once, while both have run starts */
  if (h < nb)
    for (;;) {
      while (!ma && ba + 64 < h)
        ma = starts64(L, ba += 64);
      while (!mb && bb + 64 < nb) {
        mb = starts64(L, bb += 64);
        if (nb - bb < 64)
          mb &= ~(~0ull << (nb - bb));
      }
      if (!ma || !mb)
        break;
      MTF_STEP(ma, ba, za, q, Ra);
      MTF_STEP(mb, bb, zb, qb, Rb);
    }
  /* the rest of A */
  for (;;) {
    while (!ma && ba + 64 < h) {
      ma = starts64(L, ba += 64);
      if (h - ba < 64)
        ma &= ~(~0ull << (h - ba));
    }
    if (!ma)
      break;
    MTF_STEP(ma, ba, za, q, Ra);
  }
  if (h == nb) {
    *zstart = za;
    return q;
  }
  /* the rest of B */
  for (;;) {
    while (!mb && bb + 64 < nb) {
      mb = starts64(L, bb += 64);
      if (nb - bb < 64)
        mb &= ~(~0ull << (nb - bb));
    }
    if (!mb)
      break;
    MTF_STEP(mb, bb, zb, qb, Rb);
  }
  if (zb == h) { /* no run start in B */
    *zstart = za;
    return q;
  }
  /* B again from A's last list (and from W) to where they agree */
  {
    __m128i Rt = Ra, Rw = W, Pw;
    uint8_t *qr = out2;
    size_t zr = h, br = h;
    uint64_t mr = starts64(L, h);

    if (nb - h < 64)
      mr &= ~(~0ull << (nb - h));
    while (_mm_movemask_epi8(_mm_cmpeq_epi8(Rt, Rw)) != 0xffff) {
      while (!mr && br + 64 < nb) {
        mr = starts64(L, br += 64);
        if (nb - br < 64)
          mr &= ~(~0ull << (nb - br));
      }
      if (!mr)
        break;
      { /* MTF_STEP, but the zeros' values are there already (an 8-byte
         * store of them would overwrite the values after) */
        size_t p = br + (size_t)__builtin_ctzll(mr), z = p - zr;
        __m128i Pt;

        mr &= mr - 1;
        MTF_RANKS(Rw, Pw, L[p]);
        MTF_RANKS(Rt, Pt, L[p]);
        zr = p + 1;
        qr += z < 64 ? zn[z] : (size_t)bit_width(z + 1) - 1;
        *qr++ = (uint8_t)(_mm_cvtsi128_si32(Pt) + 1);
      }
    }
    (void)Pw;
  }
  /* the zero run across h as one, then B's values after A's */
  {
    size_t a = h, lead;

    while (!(mb = starts64(L, a & ~(size_t)63) & (~0ull << (a & 63))))
      a = (a & ~(size_t)63) + 64;
    a = (a & ~(size_t)63) + (size_t)__builtin_ctzll(mb);
    lead = (size_t)bit_width(a - h + 1) - 1; /* B's codes of its first zeros */
    if (a > za)
      q = put_zeros(q, a - za);
    first = out2 + lead;
    memmove(q, first, (size_t)(qb - first));
    q += qb - first;
  }
  *zstart = zb;
  return q;
}
#undef MTF_STEP
#undef MTF_RANKS
#endif

/* Move-to-front over at most 16 symbols, run by run of L (a run's first
 * byte moves its symbol to the front, the rest are zeros), into the group
 * histograms (e->hg set; e empty).
 *
 * The run starts are found first, in a pass of their own, as a bit per
 * byte in starts (nb / 64 + 1 words): in the same loop as the list, 64
 * bytes at a time, they left it short of registers (its constants and the
 * block's position went to the stack), about 4 % slower in all
 * (`bench_bz2len`). Then mtf_runs() or mtf_runs_ssse3() (simd set) move
 * them to front. The values go as bytes to out (room for nb + 8): a zero
 * run of z < 64 as one 8-byte store of its RUNA/RUNB values from a table;
 * the histograms are counted afterwards in one pass, so that the loop
 * does not branch on group ends. L[nb..nb+63] must be readable. */
static void mtf_small(struct emitter *e, const uint8_t *L, size_t nb,
                      const uint8_t *seq, const size_t *count, int n_in_use,
                      uint8_t *out, uint64_t *starts, int simd)
{
  uint64_t last = (uint64_t)(uint8_t)~L[0] << 56, zs[64], skip;
  uint8_t zn[64], *q = out;
  size_t zstart = 0, base, n, g;
  int k;

  /* the values of a run of k < 64 zeros, as one 8-byte store */
  zs[0] = 0;
  zn[0] = 0;
  for (k = 1; k < 64; k++) {
    uint8_t b[8] = {0};

    zn[k] = (uint8_t)(put_zeros(b, (size_t)k) - b);
    memcpy(&zs[k], b, 8);
  }
  /* The first run is zeros when its symbol is at the front already (no
   * other run can be). */
  skip = seq[L[0]] == 0;
#if MTF_SSSE3
  if (simd) {
    q = mtf_runs_ssse3(L, nb, skip, seq, count, n_in_use, zs, zn, q, &zstart);
  } else
#endif
  {
    for (base = 0; base < nb; base += 64) {
      uint64_t mask = 0;

      for (k = 0; k < 64; k += 8)
        mask |= (uint64_t)starts8(L, base + (size_t)k, &last) << k;
      starts[base / 64] = mask;
    }
    if (nb % 64)
      starts[nb / 64] &= ~(~0ull << (nb % 64));
    starts[0] &= ~skip;
    q = mtf_runs(L, nb, starts, seq, n_in_use, zs, zn, q, &zstart);
  }
  (void)simd;
  (void)count;
  if (nb > zstart)
    q = put_zeros(q, nb - zstart);
  /* the histograms of the groups of 50, the last one partial; four
   * groups side by side, so that a count does not wait on its own store
   * when a value repeats */
  n = (size_t)(q - out);
  for (g = 0; (g + 4) * G_SIZE <= n; g += 4) {
    uint16_t *h0 = e->hg + g * e->stride, *h1 = h0 + e->stride, *h2 = h1 + e->stride,
             *h3 = h2 + e->stride;
    const uint8_t *o0 = out + g * G_SIZE;
    size_t i;

    for (i = 0; i < G_SIZE; i++) {
      h0[o0[i]]++;
      h1[o0[i + G_SIZE]]++;
      h2[o0[i + 2 * G_SIZE]]++;
      h3[o0[i + 3 * G_SIZE]]++;
    }
  }
  for (; g * G_SIZE < n; g++) {
    size_t end = (g + 1) * G_SIZE < n ? (g + 1) * G_SIZE : n, i;
    uint16_t *hg = e->hg + g * e->stride;

    for (i = g * G_SIZE; i < end; i++)
      hg[out[i]]++;
  }
  e->n = n;
  e->fill = (unsigned)(n % G_SIZE);
  e->hg += (n / G_SIZE) * e->stride;
}

static void mtf_large(struct emitter *e, const uint8_t *L, size_t nb,
                      const uint8_t *seq, int n_in_use)
{
  uint8_t list[256];
  size_t i, z_pend = 0;
  int k;

  for (k = 0; k < n_in_use; k++)
    list[k] = (uint8_t)k;
  for (i = 0; i < nb; i++) {
    uint8_t s = seq[L[i]], t;
    int j;

    if (list[0] == s) {
      z_pend++;
      continue;
    }
    if (z_pend) {
      emit_zeros(e, z_pend);
      z_pend = 0;
    }
    t = list[0];
    for (j = 1; list[j] != s; j++) {
      uint8_t u = list[j];

      list[j] = t;
      t = u;
    }
    list[j] = t;
    list[0] = s;
    emit(e, (unsigned)j + 1);
  }
  if (z_pend)
    emit_zeros(e, z_pend);
}

/* One of sendMTFValues' refinement passes over n_sel groups given by
 * their histograms (hist, stride counts a group, a multiple of 4 of at
 * least alpha, at most HIST_MAX_ALPHA; counts past alpha are 0): each
 * group's table (sel[g]) is the first of the cheapest under the code
 * lengths len, and rfreq[t] (zeroed by the caller) becomes the counts of
 * the groups that chose table t.
 *
 * A group's cost under a table is at most 50 * 17 < 2^10, so the lengths
 * of symbol v in all six tables fit in one word, 10 bits a table: one
 * multiply-add a symbol gives all six costs. A table beyond n_groups gets
 * length 20 for every symbol, dearer than any real one for any group, so
 * that all six are compared without branches. The cheapest is the least
 * of cost << 3 | table (the first on ties, as bzip2's strict comparison
 * does). The counts are added four at a time, 16 bits each, and carried
 * into rfreq before a lane can overflow. */
static inline void choose_hist(const uint16_t *hist, size_t stride, size_t n_sel,
                               int alpha, int n_groups,
                               uint8_t len[N_GROUPS][MAX_ALPHA], uint8_t *sel,
                               uint32_t rfreq[N_GROUPS][MAX_ALPHA])
{
  enum { NW = HIST_MAX_ALPHA / 4, FLUSH = 65535 / G_SIZE };
  uint64_t lane[HIST_MAX_ALPHA], acc[N_GROUPS][NW];
  size_t g, since = 0, v;
  int t, k, nw = (int)stride / 4;

  for (v = 0; v < stride; v++) {
    uint64_t x = 0;

    for (t = 0; t < N_GROUPS && v < (size_t)alpha; t++)
      x |= (uint64_t)(t < n_groups ? len[t][v] : 20) << (10 * t);
    lane[v] = x;
  }
  memset(acc, 0, sizeof(acc));
  for (g = 0; g < n_sel; g++) {
    const uint16_t *hg = hist + g * stride;
    uint64_t c = 0, b0, b1, b2, b3, b4, b5;

    for (v = 0; v < stride; v += 4)
      c += hg[v] * lane[v] + hg[v + 1] * lane[v + 1] + hg[v + 2] * lane[v + 2] +
           hg[v + 3] * lane[v + 3];
    b0 = (c & 1023) << 3;
    b1 = ((c >> 7) & (1023 << 3)) | 1;
    b2 = ((c >> 17) & (1023 << 3)) | 2;
    b3 = ((c >> 27) & (1023 << 3)) | 3;
    b4 = ((c >> 37) & (1023 << 3)) | 4;
    b5 = ((c >> 47) & (1023 << 3)) | 5;
    b0 = b1 < b0 ? b1 : b0;
    b2 = b3 < b2 ? b3 : b2;
    b4 = b5 < b4 ? b5 : b4;
    b0 = b2 < b0 ? b2 : b0;
    b0 = b4 < b0 ? b4 : b0;
    t = (int)(b0 & 7);
    sel[g] = (uint8_t)t;
    for (k = 0; k < nw; k++) {
      uint64_t h;

      memcpy(&h, hg + 4 * k, sizeof(h));
      acc[t][k] += h;
    }
    if (++since == FLUSH || g + 1 == n_sel) {
      for (t = 0; t < n_groups; t++)
        for (k = 0; k < nw; k++) {
          uint16_t u[4];
          int j;

          memcpy(u, &acc[t][k], sizeof(u));
          for (j = 0; j < 4 && 4 * k + j < alpha; j++)
            rfreq[t][4 * k + j] += u[j];
          acc[t][k] = 0;
        }
      since = 0;
    }
  }
}

/* Bits of one block of nb bytes (count[] of each byte value) whose BWT
 * last column is in w->L. */
static int block_tail(struct mb_bz2len *w, const size_t *count, size_t nb,
                      uint64_t *bits)
{
  size_t i, n_mtf = 0, n_sel, g;
  uint8_t seq[256];
  int n_in_use = 0, alpha, n_groups, t, v, in16 = 0, use_hist;
  unsigned stride;
  uint32_t mtf_freq[MAX_ALPHA];
  uint8_t len[N_GROUPS][MAX_ALPHA];
  uint32_t rfreq[N_GROUPS][MAX_ALPHA];
  uint64_t total = 48 + 32 + 1 + 24;

  for (i = 0; i < 256; i++)
    if (count[i])
      seq[i] = (uint8_t)n_in_use++;
  for (i = 0; i < 16; i++) {
    int j, any = 0;

    for (j = 0; j < 16; j++)
      any |= count[i * 16 + (size_t)j] != 0;
    in16 += any;
  }
  total += 16 + 16 * (uint64_t)in16;
  alpha = n_in_use + 2;
  use_hist = alpha <= HIST_MAX_ALPHA;
  stride = ((unsigned)alpha + 3) & ~3u;

  /* MTF and RLE2 of L; group histograms for small alphabets. */
  memset(mtf_freq, 0, sizeof(mtf_freq));
  if (use_hist)
    memset(w->hist, 0, (nb / G_SIZE + 2) * stride * sizeof(*w->hist));
  {
    struct emitter e = {mtf_freq, use_hist ? w->hist : NULL, w->mtfv, 0, 0, stride};

    if (n_in_use <= 16) {
      /* mtf_small reads whole words: the bytes after the block are
       * defined (they never decide a run, but memory checkers would flag
       * them) */
      memset(w->L + nb, 0, 64);
      mtf_small(&e, w->L, nb, seq, count, n_in_use, (uint8_t *)w->mtfv, w->starts,
                !w->no_simd && mtf_ssse3());
    } else {
      mtf_large(&e, w->L, nb, seq, n_in_use);
    }
    emit(&e, (unsigned)n_in_use + 1);
    n_mtf = e.n;
    if (use_hist) { /* the histograms' sums, four 16-bit counts a word
                     * (carried out before a count can overflow) */
      size_t ng = (n_mtf + G_SIZE - 1) / G_SIZE, nw = stride / 4, k;
      uint64_t acc[HIST_MAX_ALPHA / 4] = {0};

      for (g = 0; g < ng; g++) {
        for (k = 0; k < nw; k++) {
          uint64_t h;

          memcpy(&h, w->hist + g * stride + 4 * k, sizeof(h));
          acc[k] += h;
        }
        if ((g + 1) % (65535 / G_SIZE) == 0 || g + 1 == ng)
          for (k = 0; k < nw; k++) {
            for (v = 0; v < 4 && 4 * k + (size_t)v < (size_t)alpha; v++)
              mtf_freq[4 * k + (size_t)v] += (uint32_t)(acc[k] >> (16 * v)) & 0xffff;
            acc[k] = 0;
          }
      }
    }
  }

  /* sendMTFValues: initial tables from the cumulative frequencies. */
  n_groups = n_mtf < 200    ? 2
             : n_mtf < 600  ? 3
             : n_mtf < 1200 ? 4
             : n_mtf < 2400 ? 5
                            : 6;
  {
    int n_part = n_groups, gs = 0;
    size_t rem = n_mtf;

    while (n_part > 0) {
      size_t t_freq = rem / (size_t)n_part, a_freq = 0;
      int ge = gs - 1;

      while (a_freq < t_freq && ge < alpha - 1) {
        ge++;
        a_freq += mtf_freq[ge];
      }
      if (ge > gs && n_part != n_groups && n_part != 1 &&
          ((n_groups - n_part) % 2 == 1)) {
        a_freq -= mtf_freq[ge];
        ge--;
      }
      for (v = 0; v < alpha; v++)
        len[n_part - 1][v] = (uint8_t)(v >= gs && v <= ge ? 0 : 15);
      n_part--;
      gs = ge + 1;
      rem -= a_freq;
    }
  }
  n_sel = (n_mtf + G_SIZE - 1) / G_SIZE;
  {
    int iter;

    for (iter = 0; iter < N_ITERS; iter++) {
      memset(rfreq, 0, sizeof(rfreq));
      if (use_hist) {
        if (stride == 16) /* the loops unrolled (decimal text: alpha 13) */
          choose_hist(w->hist, 16, n_sel, alpha, n_groups, len, w->sel, rfreq);
        else
          choose_hist(w->hist, stride, n_sel, alpha, n_groups, len, w->sel, rfreq);
      } else {
        for (g = 0; g < n_sel; g++) {
          uint32_t cost[N_GROUPS], bc = 999999999;
          int bt = -1;
          size_t gs = g * G_SIZE, ge = gs + G_SIZE < n_mtf ? gs + G_SIZE : n_mtf, k;

          for (t = 0; t < n_groups; t++)
            cost[t] = 0;
          for (k = gs; k < ge; k++)
            for (t = 0; t < n_groups; t++)
              cost[t] += len[t][w->mtfv[k]];
          for (t = 0; t < n_groups; t++)
            if (cost[t] < bc) {
              bc = cost[t];
              bt = t;
            }
          w->sel[g] = (uint8_t)bt;
          for (k = gs; k < ge; k++)
            rfreq[bt][w->mtfv[k]]++;
        }
      }
      for (t = 0; t < n_groups; t++)
        make_code_lengths(len[t], rfreq[t], alpha, MAX_CODE_LEN);
    }
  }
  /* Groups, selectors (move-to-front, unary), tables (delta coded), data. */
  total += 3 + 15;
  {
    /* the selectors' move-to-front by ranks: nibble t of rk is table t's
     * place in the list; the tables before the selector's (rank < j, the
     * nibble's bit 3 of j + 7 - rank) move back one, and it goes to 0.
     * Without branches (a loop that searched the list mispredicted its
     * end about once a group). Tables past n_groups keep ranks past
     * those in use. */
    const uint32_t ones = 0x111111u, highs = 0x888888u;
    uint32_t rk = 0x543210u;

    for (g = 0; g < n_sel; g++) {
      unsigned sh = 4u * w->sel[g], j = (rk >> sh) & 15;

      total += (uint64_t)j + 1;
      rk += ((((j + 7) * ones) - rk) & highs) >> 3;
      rk &= ~(15u << sh);
    }
  }
  for (t = 0; t < n_groups; t++) {
    int cur = len[t][0];

    total += 5;
    for (v = 0; v < alpha; v++) {
      int d = len[t][v] - cur;

      total += 2 * (uint64_t)(d < 0 ? -d : d) + 1;
      cur = len[t][v];
    }
    for (v = 0; v < alpha; v++)
      total += (uint64_t)rfreq[t][v] * len[t][v];
  }
  *bits = total;
  return MB_OK;
}

/* Bits of one block of nb > 0 bytes after RLE1. */
static int block_bits(struct mb_bz2len *w, const uint8_t *blk, size_t nb,
                      uint64_t *bits)
{
  size_t count[256], i;
  int status;

  {
    uint32_t c[256];

    byte_counts(blk, nb, c);
    for (i = 0; i < 256; i++)
      count[i] = c[i];
  }
  status = bwt(w, blk, nb, count);
  if (status)
    return status;
  return block_tail(w, count, nb, bits);
}

/* ------------------------------------------------------------ stream */

/* Whether 4 equal bytes follow each other anywhere (RLE1 then changes the
 * data). Eight bytes at a time: x has a zero byte where a byte equals the
 * next one; three such in a row start a run of 4. */
static int has_run4(const uint8_t *d, size_t n)
{
  const uint64_t lo7 = 0x7f7f7f7f7f7f7f7full;
  size_t p = 0;

  for (; p + 9 <= n; p += 6) {
    uint64_t x = mb_load_le64(d + p) ^ mb_load_le64(d + p + 1);
    uint64_t zb = ~(((x & lo7) + lo7) | x | lo7);

    if (zb & (zb >> 8) & (zb >> 16))
      return 1;
  }
  for (p = p > 0 ? p - 1 : 0; p + 3 < n; p++)
    if (d[p] == d[p + 1] && d[p] == d[p + 2] && d[p] == d[p + 3])
      return 1;
  return 0;
}

/* RLE1 writes a run of 1..3 as it is, of 4..255 as 4 bytes and a count. */
static inline size_t put_run(uint8_t *blk, size_t nb, unsigned ch, unsigned run)
{
  blk[nb] = blk[nb + 1] = blk[nb + 2] = blk[nb + 3] = (uint8_t)ch;
  if (run < 4)
    return nb + run;
  blk[nb + 4] = (uint8_t)(run - 4);
  return nb + 5;
}

/* The block size for bzip2's level block100k (1-9) into *nmax (bytes a
 * block holds: 100,000 x level - 19) and room for a block in w. */
static int begin(struct mb_bz2len *w, int block100k, size_t *nmax)
{
  if (block100k < 1 || block100k > 9)
    return MB_EINVALID;
  *nmax = (size_t)100000 * (size_t)block100k - 19;
  return ensure_block(w, *nmax + 32);
}

int mb_bz2len_compute(struct mb_bz2len *w, const uint8_t *data, size_t len,
                      int block100k, uint64_t *out)
{
  size_t nmax, pos = 0;
  uint64_t total = 32 + 48 + 32; /* "BZh" + level; end magic and CRC */
  unsigned ch = 256, run = 0;
  int status = begin(w, block100k, &nmax);

  if (status)
    return status;
  if (!has_run4(data, len)) {
    /* RLE1 changes nothing; a block ends at the first run start q at
     * least nmax bytes in that has a byte after it (the check before that
     * byte sees the block full; the run starting at q carries over). */
    size_t s = 0;

    while (s < len) {
      size_t e = len;
      uint64_t bits;

      if (len - s > nmax + 1) {
        size_t q;

        for (q = s + nmax; q + 1 < len; q++)
          if (data[q] != data[q - 1]) {
            e = q;
            break;
          }
      }
      status = block_bits(w, data + s, e - s, &bits);
      if (status)
        return status;
      total += bits;
      s = e;
    }
    *out = (total + 7) / 8;
    return MB_OK;
  }
  for (;;) {
    size_t nb = 0;
    uint64_t bits;

    /* RLE1: runs of 4..255 equal bytes become 4 bytes and a count; the
     * block is full once it holds nmax bytes, checked before each input
     * byte; the run in progress carries over to the next block. */
    while (pos < len) {
      unsigned c;

      if (nb >= nmax)
        break;
      c = data[pos++];
      if (c != ch || run == 255) {
        if (ch < 256) {
          nb = put_run(w->blk, nb, ch, run);
        }
        ch = c;
        run = 1;
      } else {
        run++;
      }
    }
    if (pos == len && ch < 256) {
      nb = put_run(w->blk, nb, ch, run);
      ch = 256;
    }
    if (nb > 0) {
      status = block_bits(w, w->blk, nb, &bits);
      if (status)
        return status;
      total += bits;
    }
    if (pos == len)
      break;
  }
  *out = (total + 7) / 8;
  return MB_OK;
}

/* ------------------------------------------------------ decimal text */

/* The text of sample v: its decimal digits, then a space (the last sample
 * has no space). Token v is "v " packed big-endian, zero padded. */
static int dec_digits(unsigned v, uint8_t *out)
{
  int l = 0;

  if (v >= 100)
    out[l++] = (uint8_t)('0' + v / 100);
  if (v >= 10)
    out[l++] = (uint8_t)('0' + (v / 10) % 10);
  out[l++] = (uint8_t)('0' + v % 10);
  return l;
}

static uint64_t pack_bytes(const uint8_t *b, int l)
{
  uint64_t x = 0;
  int i;

  for (i = 0; i < 8; i++)
    x = (x << 8) | (i < l ? b[i] : 0u);
  return x;
}

struct dec_tables {
  uint64_t tok[256];  /* packed "v " */
  uint8_t len[256];   /* digits + 1 */
  uint8_t order[256]; /* values in string order of their tokens */
  uint8_t bytes[256][4];
};

static void dec_tables_init(struct dec_tables *dt)
{
  unsigned v, a, b, c, n = 0;

  for (v = 0; v < 256; v++) {
    int l = dec_digits(v, dt->bytes[v]);

    dt->bytes[v][l] = ' ';
    dt->len[v] = (uint8_t)(l + 1);
    dt->tok[v] = pack_bytes(dt->bytes[v], l + 1);
  }
  /* String order: a number before its extensions by a digit (the space
   * ranks below every digit), those in the order of that digit. */
  dt->order[n++] = 0;
  for (a = 1; a <= 9; a++) {
    dt->order[n++] = (uint8_t)a;
    for (b = 0; b <= 9; b++) {
      dt->order[n++] = (uint8_t)(a * 10 + b);
      for (c = 0; c <= 9 && (a * 10 + b) * 10 + c < 256; c++)
        dt->order[n++] = (uint8_t)((a * 10 + b) * 10 + c);
    }
  }
}

/* Text bytes [from, to) of samples s[k...] where sample k starts at text
 * offset pk; returns the number written (to stops at the text's end). */
static size_t dec_text(const struct dec_tables *dt, const uint8_t *s, size_t n,
                       size_t k, size_t pk, size_t from, size_t to, uint8_t *out)
{
  size_t w = 0;

  for (; k < n && pk < to; k++) {
    size_t l = dt->len[s[k]] - (k == n - 1 ? 1u : 0u), o;

    for (o = 0; o < l; o++)
      if (pk + o >= from && pk + o < to)
        out[w++] = dt->bytes[s[k]][o];
    pk += l;
  }
  return w;
}

int mb_bz2len_decimal(struct mb_bz2len *w, const uint8_t *s, size_t n, int block100k,
                      uint64_t *out)
{
  struct dec_tables dt;
  size_t nmax, T = 0, i, B = 0, a = 0, pa = 0;
  uint32_t hist[256];
  uint64_t total = 32 + 48 + 32;
  int status = begin(w, block100k, &nmax);

  if (status)
    return status;
  status = ensure_tokens(w, (nmax + 32) / 2 + 2); /* a token has 2 bytes or more */
  if (status)
    return status;
  dec_tables_init(&dt);
  byte_counts(s, n, hist);
  for (i = 0; i < 256; i++)
    T += (size_t)hist[i] * dt.len[i];
  if (n < 16) { /* tiny: write the text out */
    uint8_t buf[16 * 4];
    size_t l = dec_text(&dt, s, n, 0, 0, 0, T ? T - 1 : 0, buf);

    return mb_bz2len_compute(w, buf, l, block100k, out);
  }
  T--; /* no space after the last sample */
  /* The text never holds 4 equal bytes in a row (at most 3 digits, single
   * spaces), so RLE1 changes nothing and blocks end as in
   * mb_bz2len_compute's fast path. */
  while (B < T) {
    size_t E = T, k, pk, la = dt.len[s[a]] - (a == n - 1 ? 1u : 0u);
    size_t head_end = pa + la, m = 0, nd = 0, c, pc, count[256];
    uint32_t cnt[256], rank[256];
    uint8_t wb[8];
    uint64_t wval, bits;
    int wl, wrap_is = -1;
    unsigned v;

    if (a == n - 1) { /* no separator in the block: the general way */
      size_t l = dec_text(&dt, s, n, a, pa, B, T, w->blk);

      status = block_bits(w, w->blk, l, &bits);
      if (status)
        return status;
      total += bits;
      break;
    }
    memset(cnt, 0, sizeof(cnt));
    /* Full tokens a+1, a+2, ... up to the one holding B + nmax. */
    k = a + 1;
    pk = head_end;
    if (T - B > nmax + 1) {
      size_t target = B + nmax, q, wpos, wn;
      uint8_t win[32];

      /* eight tokens a step while all eight fit (the running position
       * waits on one add a step, not eight), then one at a time */
      for (; k + 8 <= n; k += 8) {
        const uint8_t *f = s + k;
        size_t l8 =
            (size_t)(dt.len[f[0]] + dt.len[f[1]]) + (dt.len[f[2]] + dt.len[f[3]]) +
            ((size_t)(dt.len[f[4]] + dt.len[f[5]]) + (dt.len[f[6]] + dt.len[f[7]]));

        if (pk + l8 > target)
          break;
        pk += l8;
      }
      for (; pk + dt.len[s[k]] <= target; k++)
        pk += dt.len[s[k]];
      /* sample k holds target; look at samples k-1 .. k+3 */
      wpos = pk - dt.len[s[k - 1]];
      wn = dec_text(&dt, s, n, k - 1, wpos, wpos, wpos + sizeof(win), win);
      for (q = target; q + 1 < T; q++) {
        if (q - wpos >= wn)
          break; /* cannot happen: runs are at most 3 bytes */
        if (win[q - wpos] != win[q - 1 - wpos]) {
          E = q;
          break;
        }
      }
    }
    /* Full tokens: whole "v " inside [head_end, E). */
    if (a == 0 && E == T) {
      /* one block: every sample but the first and the last (which has
       * no space, and is cut), counted already */
      c = n - 1;
      pc = T - (dt.len[s[n - 1]] - 1u);
      m = c - 1;
      memcpy(cnt, hist, sizeof(cnt));
      cnt[s[0]]--;
      cnt[s[n - 1]]--;
    } else {
      for (; k < n - 1 && pk + dt.len[s[k]] <= E; k++)
        pk += dt.len[s[k]];
      c = k;
      pc = pk;
      m = c - (a + 1);
    }
    if (!(a == 0 && E == T)) {
      /* four tables, so that equal neighbours do not wait on each other */
      uint32_t c4[3][256];
      const uint8_t *f = s + a + 1;

      memset(c4, 0, sizeof(c4));
      for (i = 0; i + 4 <= m; i += 4) {
        cnt[f[i]]++;
        c4[0][f[i + 1]]++;
        c4[1][f[i + 2]]++;
        c4[2][f[i + 3]]++;
      }
      for (; i < m; i++)
        cnt[f[i]]++;
      for (i = 0; i < 256; i++)
        cnt[i] += c4[0][i] + c4[1][i] + c4[2][i];
    }
    /* The wrap token: the cut token's start, then the head (B's token
     * from B on, ending with its space). */
    wl = (int)dec_text(&dt, s, n, c, pc, pc, E, wb);
    wl += (int)dec_text(&dt, s, n, a, pa, B, head_end, wb + wl);
    wval = pack_bytes(wb, wl);
    for (v = 0; v < 256; v++)
      if (dt.tok[v] == wval)
        wrap_is = (int)v;
    /* Dense ranks of the tokens present, in string order. */
    {
      int placed = wrap_is >= 0;
      uint32_t wrank = 0;

      if (wrap_is >= 0)
        cnt[wrap_is]++;
      if (ensure_dist(w, 258) != MB_OK)
        return MB_ENOMEM;
      for (i = 0; i < 256; i++) {
        unsigned u = dt.order[i];

        if (!placed && wval < dt.tok[u]) {
          wrank = (uint32_t)nd;
          w->dt[nd].val = wval;
          w->dt[nd].cnt = 1;
          w->dt[nd].len = (uint8_t)wl;
          nd++;
          placed = 1;
        }
        if (cnt[u]) {
          rank[u] = (uint32_t)nd;
          w->dt[nd].val = dt.tok[u];
          w->dt[nd].cnt = cnt[u];
          w->dt[nd].len = dt.len[u];
          nd++;
        }
      }
      if (!placed) {
        wrank = (uint32_t)nd;
        w->dt[nd].val = wval;
        w->dt[nd].cnt = 1;
        w->dt[nd].len = (uint8_t)wl;
        nd++;
      }
      if (ensure_tokens(w, m + 1) != MB_OK)
        return MB_ENOMEM;
      for (i = 0; i < m; i++)
        w->tr[i] = rank[s[a + 1 + i]];
      w->tr[m++] = wrap_is >= 0 ? rank[wrap_is] : wrank;
    }
    /* Byte counts of the block. */
    memset(count, 0, sizeof(count));
    for (i = 0; i < nd; i++) {
      int o;

      for (o = 0; o < w->dt[i].len; o++)
        count[(w->dt[i].val >> (56 - 8 * o)) & 0xff] += w->dt[i].cnt;
    }
    status = bwt_tokens(w, m, nd);
    if (status)
      return status;
    status = block_tail(w, count, E - B, &bits);
    if (status)
      return status;
    total += bits;
    B = E;
    a = c;
    pa = pc;
  }
  *out = (total + 7) / 8;
  return MB_OK;
}
