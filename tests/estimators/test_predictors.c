/* test_predictors.c: the prediction estimators (SP 800-90B §6.3.7–§6.3.10)
 * against hand-checked sequences, a slow reimplementation, and the values
 * NIST's ea_non_iid v1.1.7 prints.
 *
 * `test_predictors --dump NAME FILE` writes the raw bytes of generated data
 * set NAME, which is how the reference values below were produced:
 *   test_predictors --dump uniform8 u8.bin && ea_non_iid -i -a -v -v u8.bin 8
 * and reading C, r (= longest run + 1), N and "min entropy" for each of the
 * four predictors, Literal and Bitstring.
 */
#include "check.h"
#include "internal.h"

typedef int (*pred_fn)(const uint8_t *, size_t, unsigned, struct mb_estimate *);

static const struct {
  const char *name;
  pred_fn fn;
} predictors[4] = {
    {"multi_mcw", mb_est_multi_mcw},
    {"lag", mb_est_lag},
    {"multi_mmc", mb_est_multi_mmc},
    {"lz78y", mb_est_lz78y},
};

/* ---- deterministic data ------------------------------------------------ */

/* splitmix64: fixed seeds give the same bytes on every platform. */
static uint64_t rng_next(uint64_t *x)
{
  uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

struct dataset {
  const char *name;
  unsigned bits;
  size_t n;
};

static const struct dataset datasets[] = {
    {"uniform8", 8, 200000}, /* reaches the MultiMMC and LZ78Y caps */
    {"skew4", 4, 50000},     /* geometric 4-bit values */
    {"markov1", 1, 100000},  /* 1-bit Markov chain, flips with probability 1/5 */
    {"periodic8", 8, 30000}, /* period 7 with noise */
    {"small3", 3, 5000},     /* five values in 3 bits */
    {"two8", 8, 20000},      /* two distinct bytes: binary after translation */
};

static void generate(const char *name, uint8_t *out, size_t n)
{
  uint64_t x = 0x6d6562656e6368ull; /* "mebench" */
  unsigned state = 0;
  size_t i;

  for (i = 0; i < n; i++) {
    uint64_t r = rng_next(&x);
    unsigned v = 0;

    if (!strcmp(name, "uniform8")) {
      v = (unsigned)(r >> 56);
    } else if (!strcmp(name, "skew4")) {
      v = (unsigned)__builtin_clzll(r | 1);
      v = v > 15 ? 15 : v;
    } else if (!strcmp(name, "markov1")) {
      state ^= (r % 5 == 0);
      v = state;
    } else if (!strcmp(name, "periodic8")) {
      v = (unsigned)(i % 7) * 30 + ((r >> 32) % 10 < 3 ? (unsigned)(r % 3) : 0);
    } else if (!strcmp(name, "small3")) {
      v = (unsigned)(r % 5);
    } else if (!strcmp(name, "two8")) {
      v = (r >> 63) ? 200 : 3;
    }
    out[i] = (uint8_t)v;
  }
}

/* The reference tool's two views of the data: symbols ranked to 0..k-1, and
 * every symbol's bits, most significant first. */
static unsigned translate(const uint8_t *raw, size_t n, uint8_t *lit)
{
  unsigned rank[256] = {0}, k = 0, v;
  size_t i;

  for (i = 0; i < n; i++)
    rank[raw[i]] = 1;
  for (v = 0; v < 256; v++)
    if (rank[v])
      rank[v] = k++;
  for (i = 0; i < n; i++)
    lit[i] = (uint8_t)rank[raw[i]];
  return k;
}

static void to_bits(const uint8_t *raw, size_t n, unsigned bits, uint8_t *out)
{
  size_t i;
  unsigned j;

  for (i = 0; i < n; i++)
    for (j = 0; j < bits; j++)
      out[i * bits + j] = (uint8_t)((raw[i] >> (bits - 1 - j)) & 1);
}

/* ---- the reference tool's values --------------------------------------- */

struct expect {
  const char *dataset;
  int bitstring;    /* 0: literal */
  int pred;         /* index in predictors[] */
  uint64_t c, n, r; /* r as NIST prints it: longest run + 1 */
  double h;
};

/* Printed by ea_non_iid v1.1.7 (-i -a -v -v) on the --dump output. */
static const struct expect expected[] = {
#include "predictors_expected.inc"
};

static void check_reference(void)
{
  size_t d, e;

  for (d = 0; d < sizeof datasets / sizeof datasets[0]; d++) {
    const struct dataset *ds = &datasets[d];
    uint8_t *raw = malloc(ds->n), *lit = malloc(ds->n), *bs = malloc(ds->n * ds->bits);
    unsigned k;

    if (!raw || !lit || !bs) {
      CHECK(0 && "out of memory");
      return;
    }
    generate(ds->name, raw, ds->n);
    k = translate(raw, ds->n, lit);
    to_bits(raw, ds->n, ds->bits, bs);
    for (e = 0; e < sizeof expected / sizeof expected[0]; e++) {
      const struct expect *x = &expected[e];
      struct mb_estimate est;

      if (strcmp(x->dataset, ds->name))
        continue;
      memset(&est, 0, sizeof est);
      if (x->bitstring)
        CHECK_EQ_INT(predictors[x->pred].fn(bs, ds->n * ds->bits, 2, &est), MB_OK);
      else
        CHECK_EQ_INT(predictors[x->pred].fn(lit, ds->n, k, &est), MB_OK);
      if (!est.ran) {
        fprintf(stderr, "%s %s %s: skipped\n", ds->name,
                x->bitstring ? "bitstring" : "literal", predictors[x->pred].name);
        CHECK(est.ran);
        continue;
      }
      if (est.correct != x->c || est.predictions != x->n ||
          est.longest_run + 1 != x->r || fabs(est.h - x->h) > 1e-9)
        fprintf(stderr, "%s %s %s:\n", ds->name, x->bitstring ? "bitstring" : "literal",
                predictors[x->pred].name);
      CHECK_EQ_U64(est.correct, x->c);
      CHECK_EQ_U64(est.predictions, x->n);
      CHECK_EQ_U64(est.longest_run + 1, x->r);
      CHECK_NEAR(est.h, x->h, 1e-9);
    }
    free(raw);
    free(lit);
    free(bs);
  }
}

/* ---- hand-checked sequences -------------------------------------------- */

static void run(int p, const uint8_t *s, size_t n, unsigned k, struct mb_estimate *e)
{
  memset(e, 0xa5, sizeof *e);
  CHECK_EQ_INT(predictors[p].fn(s, n, k, e), MB_OK);
}

static void check_hand(void)
{
  uint8_t s[6000];
  struct mb_estimate e;
  size_t i;
  int p;

  /* A constant sequence is predicted perfectly by all four: h = 0. */
  memset(s, 0, sizeof s);
  for (p = 0; p < 4; p++) {
    run(p, s, sizeof s, 2, &e);
    CHECK(e.ran);
    CHECK_EQ_U64(e.correct, e.predictions);
    CHECK_EQ_U64(e.longest_run, e.predictions);
    CHECK_NEAR(e.p, 1.0, 0);
    CHECK_NEAR(e.h, 0.0, 0);
  }
  /* A single symbol (k = 1) is computed as binary: h = 0 as well. */
  for (p = 0; p < 4; p++) {
    run(p, s, sizeof s, 1, &e);
    CHECK(e.ran);
    CHECK_NEAR(e.h, 0.0, 0);
  }
  run(0, s, sizeof s, 2, &e);
  CHECK_EQ_U64(e.predictions, sizeof s - 63);
  run(1, s, sizeof s, 2, &e);
  CHECK_EQ_U64(e.predictions, sizeof s - 1);
  run(2, s, sizeof s, 2, &e);
  CHECK_EQ_U64(e.predictions, sizeof s - 2);
  run(3, s, sizeof s, 2, &e);
  CHECK_EQ_U64(e.predictions, sizeof s - 17);

  /* Lag on 0 1 0 1 0 1: lag 1 misses at 1 and 2; lag 2 scores at 2 and
   * predicts 3, 4 and 5 right. */
  for (i = 0; i < 6; i++)
    s[i] = (uint8_t)(i & 1);
  run(1, s, 6, 2, &e);
  CHECK_EQ_U64(e.correct, 3);
  CHECK_EQ_U64(e.predictions, 5);
  CHECK_EQ_U64(e.longest_run, 3);
  /* P_global' = 0.6 + 2.5758 * sqrt(0.24 / 4) > 1: p = 1. */
  CHECK_NEAR(e.p_global, 0.6, 1e-15);
  CHECK_NEAR(e.p_global_upper, 1.0, 0);
  CHECK_NEAR(e.h, 0.0, 0);

  /* MultiMMC on 0 1 2 0 1 2 0 1 2: no order-1 context is known at steps 2
   * and 3; from step 4 the order-1 model is right every time and stays the
   * winner. */
  for (i = 0; i < 9; i++)
    s[i] = (uint8_t)(i % 3);
  run(2, s, 9, 3, &e);
  CHECK_EQ_U64(e.correct, 5);
  CHECK_EQ_U64(e.predictions, 7);
  CHECK_EQ_U64(e.longest_run, 5);

  /* LZ78Y on period 3: the dictionary starts with the contexts ending at
   * S[15]; those ending at S[16] and S[17] are new (no prediction, so
   * wrong), and from step 19 on every context is known and right. */
  for (i = 0; i < 40; i++)
    s[i] = (uint8_t)(i % 3);
  run(3, s, 40, 3, &e);
  CHECK_EQ_U64(e.correct, 21);
  CHECK_EQ_U64(e.predictions, 23);
  CHECK_EQ_U64(e.longest_run, 21);

  /* MultiMCW on alternating bits: an odd window of them begins and ends
   * with its majority, the previous symbol, so every prediction is wrong
   * and h is 1 bit (p = 1/k). */
  for (i = 0; i < 5000; i++)
    s[i] = (uint8_t)(i & 1);
  run(0, s, 5000, 2, &e);
  CHECK_EQ_U64(e.correct, 0);
  CHECK_EQ_U64(e.predictions, 5000 - 63);
  /* No correct prediction: P_global' = 1 - 0.01^(1/N) (§6.3.7 step 4). */
  CHECK_NEAR(e.p_global_upper, 1.0 - pow(0.01, 1.0 / 4937.0), 1e-15);
  CHECK_NEAR(e.p, 0.5, 0);
  CHECK_NEAR(e.h, 1.0, 0);

  /* Too short: skipped with a reason, never a crash. */
  run(0, s, 4095, 2, &e);
  CHECK(!e.ran && e.skipped != NULL);
  run(0, s, 4096, 2, &e);
  CHECK(e.ran);
  run(1, s, 2, 2, &e);
  CHECK(!e.ran && e.skipped != NULL);
  run(2, s, 2, 2, &e);
  CHECK(!e.ran && e.skipped != NULL);
  run(3, s, 17, 2, &e);
  CHECK(!e.ran && e.skipped != NULL);
  run(3, s, 18, 2, &e);
  CHECK(e.ran);
  for (p = 0; p < 4; p++) {
    run(p, s, 0, 2, &e);
    CHECK(!e.ran && e.skipped != NULL);
    run(p, NULL, 0, 2, &e);
    CHECK(!e.ran);
  }
  /* The shortest inputs that run give finite answers. */
  for (p = 1; p < 4; p++) {
    for (i = 0; i < 20; i++)
      s[i] = (uint8_t)(i % 5 == 0);
    run(p, s, p == 3 ? 18 : 3, 2, &e);
    CHECK(e.ran && e.h >= 0.0 && e.h <= 1.0);
  }
}

/* A fast path's estimate against the plain path's (and their traces,
 * 0 and 0 where there is none), naming the case when they differ. */
static void same_estimate(const char *what, unsigned kind, size_t n,
                          const struct mb_estimate *fast,
                          const struct mb_estimate *plain, uint64_t fast_trace,
                          uint64_t plain_trace)
{
  if (fast->correct != plain->correct || fast->longest_run != plain->longest_run ||
      fast_trace != plain_trace)
    fprintf(stderr, "%s kind %u, n = %zu\n", what, kind, n);
  CHECK_EQ_U64(fast_trace, plain_trace);
  CHECK_EQ_U64(fast->correct, plain->correct);
  CHECK_EQ_U64(fast->longest_run, plain->longest_run);
  CHECK_EQ_U64(fast->predictions, plain->predictions);
  CHECK(fast->h == plain->h);
}

/* ---- a slow, plain reimplementation ------------------------------------ */

struct tally {
  uint64_t c, run, longest;
};

static void tally(struct tally *t, int hit)
{
  if (hit) {
    t->c++;
    if (++t->run > t->longest)
      t->longest = t->run;
  } else {
    t->run = 0;
  }
}

static void naive_mcw(const uint8_t *s, size_t n, unsigned k, struct tally *t)
{
  static const size_t w[4] = {63, 255, 1023, 4095};
  size_t score[4] = {0}, i, q, cnt[256], last[256];
  unsigned freq[4], j, v, winner = 0;

  (void)k;
  for (i = w[0]; i < n; i++) {
    for (j = 0; j < 4 && i >= w[j]; j++) {
      memset(cnt, 0, sizeof cnt);
      for (q = i - w[j]; q < i; q++) {
        cnt[s[q]]++;
        last[s[q]] = q;
      }
      freq[j] = s[i - 1];
      for (v = 0; v < 256; v++)
        if (cnt[v] > cnt[freq[j]] ||
            (cnt[v] == cnt[freq[j]] && cnt[v] && last[v] > last[freq[j]]))
          freq[j] = v;
    }
    tally(t, freq[winner] == s[i]);
    for (j = 0; j < 4 && i >= w[j]; j++)
      if (freq[j] == s[i] && ++score[j] >= score[winner])
        winner = j;
  }
}

static void naive_lag(const uint8_t *s, size_t n, struct tally *t)
{
  size_t score[129] = {0}, i, d, winner = 1;

  for (i = 1; i < n; i++) {
    tally(t, s[i - winner] == s[i]);
    for (d = 1; d <= 128 && d <= i; d++)
      if (s[i - d] == s[i] && ++score[d] >= score[winner])
        winner = d;
  }
}

/* A map from byte strings (level, context..., [postfix]) to counts. */
#define MAP_SLOTS (1u << 18)
struct map_entry {
  uint8_t key[20];
  uint8_t len;
  uint32_t val;
};
struct map {
  struct map_entry *e;
};

static uint32_t *map_get(struct map *m, const uint8_t *key, size_t len, int create)
{
  uint32_t h = 2166136261u;
  size_t i;

  for (i = 0; i < len; i++)
    h = (h ^ key[i]) * 16777619u;
  for (h &= MAP_SLOTS - 1;; h = (h + 1) & (MAP_SLOTS - 1)) {
    struct map_entry *x = &m->e[h];
    if (x->len == len && !memcmp(x->key, key, len))
      return &x->val;
    if (!x->len) {
      if (!create)
        return NULL;
      memcpy(x->key, key, len);
      x->len = (uint8_t)len;
      x->val = 0;
      return &x->val;
    }
  }
}

/* key: kind (0 context, 1 pair), level, the context oldest first, [y]. */
static size_t ctx_key(uint8_t *key, int kind, unsigned level, const uint8_t *ctx,
                      size_t len)
{
  key[0] = (uint8_t)kind;
  key[1] = (uint8_t)level;
  memcpy(key + 2, ctx, len);
  return len + 2;
}

/* The most frequent postfix of a known context; ties to the larger symbol. */
static unsigned map_predict(struct map *m, unsigned level, const uint8_t *ctx,
                            size_t len, unsigned k, uint32_t *count)
{
  uint8_t key[20];
  size_t kl = ctx_key(key, 1, level, ctx, len);
  unsigned y, best = 0;
  uint32_t *c;

  *count = 0;
  for (y = 0; y < k; y++) {
    key[kl] = (uint8_t)y;
    c = map_get(m, key, kl + 1, 0);
    if (c && *c >= *count) {
      *count = *c;
      best = y;
    }
  }
  return best;
}

static int map_has_ctx(struct map *m, unsigned level, const uint8_t *ctx, size_t len)
{
  uint8_t key[20];
  return map_get(m, key, ctx_key(key, 0, level, ctx, len), 0) != NULL;
}

/* Count pair (ctx, y); a new pair only if allowed. Returns 1 if new. */
static int map_count(struct map *m, unsigned level, const uint8_t *ctx, size_t len,
                     uint8_t y, int allow_new)
{
  uint8_t key[20];
  size_t kl = ctx_key(key, 1, level, ctx, len);
  uint32_t *c;

  key[kl] = y;
  c = map_get(m, key, kl + 1, 0);
  if (c) {
    ++*c;
    return 0;
  }
  if (!allow_new)
    return 0;
  *map_get(m, key, kl + 1, 1) = 1;
  kl = ctx_key(key, 0, level, ctx, len);
  map_get(m, key, kl, 1);
  return 1;
}

static void naive_mmc(const uint8_t *s, size_t n, unsigned k, struct tally *t,
                      struct map *m)
{
  uint64_t score[16] = {0}, entries[16] = {0};
  unsigned d, winner = 0;
  size_t i;

  memset(m->e, 0, MAP_SLOTS * sizeof *m->e);
  for (d = 0; d < 16 && d + 2 < n; d++) {
    map_count(m, d, s, d + 1, s[d + 1], 1);
    entries[d] = 1;
  }
  for (i = 2; i < n; i++) {
    unsigned cur = winner;
    int found = 0;

    for (d = 0; d < 16 && d + 2 <= i; d++) {
      const uint8_t *ctx = s + i - d - 1;
      if (d == 0 || found)
        found = map_has_ctx(m, d, ctx, d + 1);
      if (found) {
        uint32_t cnt;
        unsigned pred = map_predict(m, d, ctx, d + 1, k, &cnt);
        if (pred == s[i]) {
          if (++score[d] >= score[winner])
            winner = d;
          if (d == cur)
            tally(t, 1);
        } else if (d == cur) {
          tally(t, 0);
        }
        entries[d] += (uint64_t)map_count(m, d, ctx, d + 1, s[i], entries[d] < 100000);
      } else if (entries[d] < 100000) {
        map_count(m, d, ctx, d + 1, s[i], 1);
        entries[d]++;
      }
    }
  }
}

static void naive_lz78y(const uint8_t *s, size_t n, unsigned k, struct tally *t,
                        struct map *m)
{
  uint64_t dict = 0;
  unsigned j;
  size_t i;

  memset(m->e, 0, MAP_SLOTS * sizeof *m->e);
  for (j = 1; j <= 16; j++) {
    map_count(m, j, s + 16 - j, j, s[16], 1);
    dict++;
  }
  for (i = 17; i < n; i++) {
    uint32_t best = 0, cnt;
    unsigned pred = 0, y;

    for (j = 16; j >= 1; j--) {
      const uint8_t *ctx = s + i - j;
      if (map_has_ctx(m, j, ctx, j)) {
        y = map_predict(m, j, ctx, j, k, &cnt);
        if (cnt > best) {
          best = cnt;
          pred = y;
        }
        map_count(m, j, ctx, j, s[i], 1);
      } else if (dict < 65536) {
        map_count(m, j, ctx, j, s[i], 1);
        dict++;
      }
    }
    tally(t, best > 0 && pred == s[i]);
  }
}

static void check_naive(void)
{
  struct map m;
  uint64_t x = 42;
  unsigned bits;

  m.e = malloc(MAP_SLOTS * sizeof *m.e);
  if (!m.e) {
    CHECK(0 && "out of memory");
    return;
  }
  for (bits = 1; bits <= 8; bits++) {
    int rep;
    for (rep = 0; rep < 2; rep++) {
      size_t n = rep ? 4300 : 1500, i;
      uint8_t raw[4300], lit[4300];
      unsigned k, mode = (unsigned)(rng_next(&x) % 3);
      int p;

      /* Uniform, skewed, or runs, so that every predictor wins sometimes. */
      for (i = 0; i < n; i++) {
        uint64_t r = rng_next(&x);
        unsigned v = (unsigned)(r >> 40);
        if (mode == 1)
          v = (unsigned)__builtin_clzll(r | 1) * 37u;
        else if (mode == 2)
          v = i > 0 && (r & 3) ? raw[i - 1] : v;
        raw[i] = (uint8_t)(v & ((1u << bits) - 1));
      }
      k = translate(raw, n, lit);
      if (k < 2)
        continue;
      for (p = 0; p < 4; p++) {
        struct tally t = {0, 0, 0};
        struct mb_estimate e;

        if ((p == 0 && n < 4096) || (p >= 2 && n > 1500 && k > 16))
          continue; /* keep the brute force quick */
        if (p == 0)
          naive_mcw(lit, n, k, &t);
        else if (p == 1)
          naive_lag(lit, n, &t);
        else if (p == 2)
          naive_mmc(lit, n, k, &t, &m);
        else
          naive_lz78y(lit, n, k, &t, &m);
        run(p, lit, n, k, &e);
        if (e.correct != t.c || e.longest_run != t.longest)
          fprintf(stderr, "%s: %u bits, k = %u, n = %zu, mode %u\n", predictors[p].name,
                  bits, k, n, mode);
        CHECK_EQ_U64(e.correct, t.c);
        CHECK_EQ_U64(e.longest_run, t.longest);
        CHECK(e.h >= 0.0 && e.h <= log2((double)k) + 1e-12);
      }
    }
  }
  free(m.e);
}

/* Binary data of the kinds that fill LZ78Y's dictionary in different ways,
 * generated as bytes of 0 and 1: kind 0 uniform, 1 biased (1 in 4 ones),
 * 2 Markov (flips with probability 1/4), 3 the MSB-first bitstring of
 * heavy-tailed byte values, 4 period 23 with 16 % noise, 5 uniform for the
 * first half then long runs (contexts of runs arrive after the dictionary
 * is full), 6 long runs first then uniform, 7 constant, 8 period 8 (the
 * bitstring of one byte value repeated), 9 period 64 with 1 % noise. */
static void binary_kind(unsigned kind, uint8_t *s, size_t n, uint64_t *x)
{
  size_t i;
  unsigned state = 0;

  for (i = 0; i < n; i++) {
    uint64_t r = rng_next(x);
    unsigned v = (unsigned)(r >> 63);

    if (kind == 1) {
      v = (r >> 62) == 0;
    } else if (kind == 2) {
      state ^= (r >> 62) == 0;
      v = state;
    } else if (kind == 3 && i % 8 == 0) {
      unsigned byte =
          (unsigned)__builtin_clzll(r | 1) * 13u + (unsigned)((r >> 8) & 15);
      size_t j;

      for (j = 0; j < 8 && i + j < n; j++)
        s[i + j] = (uint8_t)((byte >> (7 - j)) & 1);
      i += 7;
      continue;
    } else if (kind == 4) {
      v = ((i % 23) * 7 % 5 < 2) ^ ((r >> 56) < 40);
    } else if ((kind == 5 && i >= n / 2) || (kind == 6 && i < n / 2)) {
      v = i > 0 && (r & 15) ? s[i - 1] : (unsigned)(r >> 63);
    } else if (kind == 7) {
      v = 0;
    } else if (kind == 8) {
      v = (0xB4u >> (i % 8)) & 1;
    } else if (kind == 9) {
      v = (unsigned)((0x9E3779B97F4A7C15ull >> (i % 64)) & 1) ^ ((r >> 56) < 3);
    }
    s[i] = (uint8_t)v;
  }
}

/* LZ78Y on binary data takes shortcuts while its dictionary is nested
 * (predictors.c, lz_nested, lz_binary_pruned, lz_binary_short): the same
 * estimate as scanning every context length at every step, on data that
 * fills the dictionary early, late, not at all, or (kinds 5, 6) with
 * contexts that never enter it, that keeps long contexts alive (periodic,
 * constant) or not, at sizes around the 64-step words and 4,096-step
 * chunks after the dictionary fills; and the slow reimplementation's
 * count. */
static void check_lz78y_binary(void)
{
  static uint8_t s[1500001];
  static const size_t sizes[] = {18,    19,    100,   4000,   4200,    5000,   9000,
                                 30000, 30001, 30031, 30063,  30064,   30065,  30100,
                                 65600, 65663, 65664, 400000, 1500000, 1500001};
  uint64_t x = 15;
  unsigned kind;
  struct map m;

  for (kind = 0; kind < 10; kind++) {
    unsigned z;

    for (z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
      struct mb_estimate fast, plain;

      if (sizes[z] >= 1500000 && kind >= 7 && z + 1 < sizeof sizes / sizeof sizes[0])
        continue; /* keep the test quick */
      binary_kind(kind, s, sizes[z], &x);
      CHECK_EQ_INT(mb_est_lz78y_path(s, sizes[z], 2, 0, &fast), MB_OK);
      CHECK_EQ_INT(mb_est_lz78y_path(s, sizes[z], 2, 1, &plain), MB_OK);
      same_estimate("lz78y binary", kind, sizes[z], &fast, &plain, 0, 0);
    }
  }
  m.e = malloc(MAP_SLOTS * sizeof *m.e);
  if (!m.e) {
    CHECK(0 && "out of memory");
    return;
  }
  for (kind = 0; kind < 7; kind += 3) {
    struct tally t = {0, 0, 0};
    struct mb_estimate e;

    binary_kind(kind, s, 40000, &x);
    naive_lz78y(s, 40000, 2, &t, &m);
    run(3, s, 40000, 2, &e);
    CHECK_EQ_U64(e.correct, t.c);
    CHECK_EQ_U64(e.longest_run, t.longest);
  }
  free(m.e);
}

/* Lag on binary data goes block by block (predictors.c, lag_binary): the
 * slow reimplementation's count and longest run on every kind of binary
 * data, at sizes around the 128 steps done one by one and the 64-step
 * blocks, and on longer inputs where one lag leads for long stretches
 * (periodic, constant, long runs) or several keep taking the lead. */
static void check_lag_binary(void)
{
  static uint8_t s[300000];
  static const size_t sizes[] = {3,   64,  127, 128, 129,  130,   191,   192,
                                 193, 255, 256, 257, 5000, 40001, 300000};
  uint64_t x = 16;
  unsigned kind, z;

  for (kind = 0; kind < 10; kind++) {
    for (z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
      struct tally t = {0, 0, 0};
      struct mb_estimate e;

      if (sizes[z] > 5000 && kind % 3 == 1 && z + 1 < sizeof sizes / sizeof sizes[0])
        continue;
      binary_kind(kind, s, sizes[z], &x);
      naive_lag(s, sizes[z], &t);
      run(1, s, sizes[z], 2, &e);
      if (e.correct != t.c || e.longest_run != t.longest)
        fprintf(stderr, "lag binary kind %u, n = %zu\n", kind, sizes[z]);
      CHECK_EQ_U64(e.correct, t.c);
      CHECK_EQ_U64(e.longest_run, t.longest);
    }
  }
}

/* MultiMCW on binary data goes 64 steps at a time once its four windows are
 * full (predictors.c, mcw_binary_blocks): the same estimate as every window
 * and the scoreboard step by step, on every kind of binary data (some where
 * one window leads for long, some where the windows keep trading the lead),
 * at the smallest sizes, around the 64-step blocks after 4,095 and the
 * 16-step lanes within them; and the slow reimplementation's count. */
static void check_mcw_binary(void)
{
  static uint8_t s[1000001];
  static const size_t sizes[] = {4096,  4097,  4110,  4111,  4112,  4126,   4158,
                                 4159,  4160,  4161,  4200,  8191,  8192,   8193,
                                 20000, 65600, 65601, 65663, 65664, 300001, 1000001};
  uint64_t x = 19;
  unsigned kind, z;

  for (kind = 0; kind < 10; kind++) {
    for (z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
      struct mb_estimate fast, plain;

      binary_kind(kind, s, sizes[z], &x);
      CHECK_EQ_INT(mb_est_multi_mcw_path(s, sizes[z], 2, 0, &fast), MB_OK);
      CHECK_EQ_INT(mb_est_multi_mcw_path(s, sizes[z], 2, 1, &plain), MB_OK);
      same_estimate("multi_mcw binary", kind, sizes[z], &fast, &plain, 0, 0);
    }
  }
  for (kind = 0; kind < 10; kind += 2) {
    struct tally t = {0, 0, 0};
    struct mb_estimate e;

    binary_kind(kind, s, 6000, &x);
    naive_mcw(s, 6000, 2, &t);
    run(0, s, 6000, 2, &e);
    CHECK_EQ_U64(e.correct, t.c);
    CHECK_EQ_U64(e.longest_run, t.longest);
  }
}

/* MultiMMC on binary data does its shortest orders 64 steps at a time once
 * they know all of their contexts (predictors.c, mmc_binary_words), and
 * its scoreboard follows only the models within reach of the winner
 * (mmc_binary_board), on 32-bit differences in passes of four orders
 * (mmc_binary_pass, mmc_binary_last): the same estimate, and the same
 * digest of every model's predictions, as the tables of pairs of counts and
 * every score step by step, on every kind of binary data (uniform, biased,
 * timing-like, periodic, long runs, constant), at tiny sizes, around the
 * 64-step words and 4,096-step chunks, and at 600,001 bits, where the
 * order-16 model of random data reaches its cap; and the slow
 * reimplementation's count where it is quick. */
static void check_mmc_binary(void)
{
  static uint8_t s[600001];
  static const size_t sizes[] = {3,    4,    17,   18,   19,   81,    82,    83,
                                 145,  146,  147,  4113, 4114, 4115,  4177,  8209,
                                 8210, 8211, 8273, 8274, 9000, 60000, 600001};
  uint64_t x = 18;
  unsigned kind, z;
  struct map m;

  m.e = malloc(MAP_SLOTS * sizeof *m.e);
  if (!m.e) {
    CHECK(0 && "out of memory");
    return;
  }
  for (kind = 0; kind < 10; kind++) {
    for (z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
      struct mb_estimate fast, plain;
      uint64_t fast_trace, plain_trace;

      binary_kind(kind, s, sizes[z], &x);
      CHECK_EQ_INT(mb_est_multi_mmc_trace(s, sizes[z], 2, 0, &fast, &fast_trace),
                   MB_OK);
      CHECK_EQ_INT(mb_est_multi_mmc_trace(s, sizes[z], 2, 1, &plain, &plain_trace),
                   MB_OK);
      same_estimate("multi_mmc binary", kind, sizes[z], &fast, &plain, fast_trace,
                    plain_trace);
      if (sizes[z] >= 4113 && sizes[z] <= 9000 &&
          (kind == 0 || kind == 3 || kind == 5)) {
        struct tally t = {0, 0, 0};

        naive_mmc(s, sizes[z], 2, &t, &m);
        CHECK_EQ_U64(fast.correct, t.c);
        CHECK_EQ_U64(fast.longest_run, t.longest);
      }
    }
  }
  free(m.e);
}

/* Wide-alphabet data for MultiMMC's trie: kind 0 uniform bytes, 1
 * timing-like (the low 8 bits of heavy-tailed deltas on a 3-tick clock),
 * 2 period 1000 with 0.1 % noise, 3 bytes held for 1..4096 samples, 4 three
 * values, 5 four values, 6 sixteen skewed values, 7 uniform bytes for the
 * first half then runs, 8 a Markov chain on 7 values (stays with
 * probability 1/2), 9 period 37 over 20 values with 2 % noise, 10 twelve
 * uniform values, 11 runs of 1..64 of 5 values, 12 150,000 uniform bytes
 * repeated (every context comes back after the caps), 13 102,000 uniform
 * bytes repeated with 1.6 % noise. Translated to ranks; returns k. */
static unsigned wide_kind(unsigned kind, uint8_t *raw, uint8_t *lit, size_t n,
                          uint64_t *x)
{
  size_t i, held = 0;
  uint8_t v = 0;

  for (i = 0; i < n; i++) {
    uint64_t r = rng_next(x);

    if (kind == 1) {
      /* exp(3 + 0.6 N) by a sum of uniforms for N; rare stalls */
      double u = (double)(r >> 40) / 16777216.0 +
                 (double)((r >> 16) & 0xFFFFFF) / 16777216.0 +
                 (double)(rng_next(x) >> 40) / 16777216.0 - 1.5;
      double t = 1200.0 + exp(3.0 + 0.6 * 2.0 * u);

      if ((r & 127) == 0)
        t += 2000.0 + (double)(r >> 50);
      raw[i] = (uint8_t)(((uint64_t)t / 3u * 3u) & 0xFFu);
    } else if (kind == 2) {
      raw[i] = (r >> 54) == 0 ? (uint8_t)r : (uint8_t)((i % 1000) * 2654435761u >> 24);
    } else if (kind == 3 || (kind == 7 && i >= n / 2) || kind == 11) {
      if (held == 0) {
        v = (uint8_t)(kind == 11 ? (r >> 32) % 5 : r);
        held = 1 + (size_t)((r >> 20) % (kind == 11 ? 64 : 4096));
      }
      held--;
      raw[i] = v;
    } else if (kind == 4 || kind == 5) {
      raw[i] = (uint8_t)((r >> 32) % (kind - 1));
    } else if (kind == 6) {
      raw[i] = (uint8_t)(__builtin_clzll(r | 1) < 15 ? __builtin_clzll(r | 1) : 15);
    } else if (kind == 8) {
      raw[i] = i > 0 && (r & 1) ? raw[i - 1] : (uint8_t)((r >> 32) % 7);
    } else if (kind == 9) {
      raw[i] =
          (r >> 32) % 50 == 0 ? (uint8_t)((r >> 40) % 20) : (uint8_t)(i % 37 * 7 % 20);
    } else if (kind == 10) {
      raw[i] = (uint8_t)((r >> 32) % 12);
    } else if (kind == 12 || kind == 13) {
      size_t period = kind == 12 ? 150000 : 102000;

      raw[i] = i >= period && (kind == 12 || (r & 127) > 1) ? raw[i - period]
                                                            : (uint8_t)(r >> 56);
    } else {
      raw[i] = (uint8_t)(r >> 56);
    }
  }
  return translate(raw, n, lit);
}

/* MultiMMC on more than two symbols (predictors.c, mmc_general) walks the
 * context trie ahead of the steps, in batches (walk_batch), and creates a
 * node only for a step's shortest new context, a leaf standing for the
 * longer ones until a later step needs them (mmc_unfold). The estimate,
 * and every prediction of every model (mb_est_multi_mmc_trace), must be
 * those of each step walking the trie itself and creating every node
 * (mode 3, the plain procedure), on data that fills the models' caps
 * early, late, in different orders or never, at sizes around the batches
 * and the caps, and on tiny inputs. */
static void check_mmc_walk(void)
{
  static uint8_t raw[260000], lit[260000];
  static const size_t sizes[] = {
      3,  4,  5,  17, 18, 19, 25, 26,  27,  33,   34,    35,     41,     42,
      43, 65, 66, 67, 97, 98, 99, 129, 130, 1000, 99999, 100017, 120000, 260000};
  uint64_t x = 17;
  unsigned kind, z;

  for (kind = 0; kind < 14; kind++) {
    for (z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
      struct mb_estimate ref, e;
      uint64_t ref_trace, trace;
      unsigned k;
      int mode;

      /* keep the test quick: past the caps on half the kinds (far past
       * on the data that comes back), just before and after them on the
       * others */
      if ((sizes[z] == 260000 && kind != 2 && kind < 12) ||
          (sizes[z] == 120000 && kind % 2 == 1) ||
          ((sizes[z] == 99999 || sizes[z] == 100017) && kind % 2 == 0))
        continue;
      k = wide_kind(kind, raw, lit, sizes[z], &x);
      if (k < 3)
        continue;
      CHECK_EQ_INT(mb_est_multi_mmc_trace(lit, sizes[z], k, 3, &ref, &ref_trace),
                   MB_OK);
      CHECK_EQ_INT(mb_est_multi_mmc(lit, sizes[z], k, &e), MB_OK);
      CHECK_EQ_U64(e.correct, ref.correct);
      CHECK_EQ_U64(e.longest_run, ref.longest_run);
      for (mode = 0; mode < 3; mode++) {
        CHECK_EQ_INT(mb_est_multi_mmc_trace(lit, sizes[z], k, mode, &e, &trace), MB_OK);
        if (e.correct != ref.correct || e.longest_run != ref.longest_run ||
            trace != ref_trace)
          fprintf(stderr, "multi_mmc mode %d kind %u, n = %zu\n", mode, kind, sizes[z]);
        CHECK_EQ_U64(trace, ref_trace);
        CHECK_EQ_U64(e.correct, ref.correct);
        CHECK_EQ_U64(e.longest_run, ref.longest_run);
        CHECK_EQ_U64(e.predictions, ref.predictions);
        CHECK(e.h == ref.h);
      }
    }
  }
}

/* MultiMCW on more than two symbols finds a window's new most common value,
 * when the old one leaves, from the number of values at each count
 * (predictors.c, mcw_search): the same estimate as the maximum over the
 * window's values, on every kind of wide data (where the most common value
 * keeps leaving the small windows, where counts tie, where one value fills
 * the windows), at the smallest sizes and longer; and the slow
 * reimplementation's count. */
static void check_mcw_wide(void)
{
  static uint8_t raw[300000], lit[300000];
  static const size_t sizes[] = {4096, 4097, 4160, 5000, 9000, 40000, 300000};
  uint64_t x = 23;
  unsigned kind, z;

  for (kind = 0; kind < 14; kind++) {
    for (z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
      struct mb_estimate fast, plain;
      unsigned k = wide_kind(kind, raw, lit, sizes[z], &x);

      if (k < 3)
        continue;
      CHECK_EQ_INT(mb_est_multi_mcw_path(lit, sizes[z], k, 0, &fast), MB_OK);
      CHECK_EQ_INT(mb_est_multi_mcw_path(lit, sizes[z], k, 1, &plain), MB_OK);
      same_estimate("multi_mcw wide", kind, sizes[z], &fast, &plain, 0, 0);
      if (sizes[z] == 4160 && kind % 3 == 0) {
        struct tally t = {0, 0, 0};

        naive_mcw(lit, sizes[z], k, &t);
        CHECK_EQ_U64(fast.correct, t.c);
        CHECK_EQ_U64(fast.longest_run, t.longest);
      }
    }
  }
}

/* LZ78Y on more than two symbols walks the context trie in batches of
 * steps once its dictionary is full (predictors.c, lz_walk_batch), and
 * stops a step at its first context without a node: the same estimate and
 * predictions (mb_est_lz78y_trace) as each step walking the whole trie
 * itself, on every kind of wide data
 * (filling the dictionary early, late or never; contexts coming back after
 * it filled), at tiny sizes, around the batches' ends and longer. */
static void check_lz78y_wide(void)
{
  static uint8_t raw[300000], lit[300000];
  static const size_t sizes[] = {18,   19,   20,    49,    50,     51,
                                 1000, 9000, 40000, 40031, 150001, 300000};
  uint64_t x = 29;
  unsigned kind, z;

  for (kind = 0; kind < 14; kind++) {
    for (z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
      struct mb_estimate fast, plain;
      uint64_t fast_trace, plain_trace;
      unsigned k = wide_kind(kind, raw, lit, sizes[z], &x);

      if (k < 3)
        continue;
      CHECK_EQ_INT(mb_est_lz78y_trace(lit, sizes[z], k, 0, &fast, &fast_trace), MB_OK);
      CHECK_EQ_INT(mb_est_lz78y_trace(lit, sizes[z], k, 1, &plain, &plain_trace),
                   MB_OK);
      same_estimate("lz78y wide", kind, sizes[z], &fast, &plain, fast_trace,
                    plain_trace);
    }
  }
}

/* Short inputs of every alphabet size: a result or a skip, never a crash,
 * and h within [0, log2 k]. */
static void check_small(void)
{
  uint64_t x = 7;
  int rep;

  for (rep = 0; rep < 400; rep++) {
    uint8_t s[300];
    size_t n = (size_t)(rng_next(&x) % 300), i;
    unsigned k = 1 + (unsigned)(rng_next(&x) % 256), kk = k < 2 ? 2 : k;
    int p;

    for (i = 0; i < n; i++)
      s[i] = (uint8_t)(rep & 1 ? rng_next(&x) % k : (i / 7) % k);
    for (p = 0; p < 4; p++) {
      struct mb_estimate e;
      run(p, s, n, k, &e);
      CHECK(e.ran ? e.h >= 0.0 && e.h <= log2((double)kk) + 1e-12 && e.predictions > 0
                  : e.skipped != NULL);
    }
  }
}

int main(int argc, char **argv)
{
  if (argc == 4 && !strcmp(argv[1], "--dump")) {
    size_t d;
    for (d = 0; d < sizeof datasets / sizeof datasets[0]; d++) {
      if (!strcmp(argv[2], datasets[d].name)) {
        uint8_t *raw = malloc(datasets[d].n);
        FILE *f = fopen(argv[3], "wb");
        if (!raw || !f)
          return 1;
        generate(datasets[d].name, raw, datasets[d].n);
        fwrite(raw, 1, datasets[d].n, f);
        fclose(f);
        free(raw);
        return 0;
      }
    }
    fprintf(stderr, "unknown data set %s\n", argv[2]);
    return 2;
  }
  check_hand();
  check_small();
  check_naive();
  check_lz78y_binary();
  check_lag_binary();
  check_mcw_binary();
  check_mmc_binary();
  check_mmc_walk();
  check_mcw_wide();
  check_lz78y_wide();
  check_reference();
  return CHECK_DONE();
}
