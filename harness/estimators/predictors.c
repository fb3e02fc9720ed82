/* predictors.c: the prediction estimators of SP 800-90B §6.3.7–§6.3.10
 * (MultiMCW, Lag, MultiMMC, LZ78Y) and the estimate they share.
 *
 * Each predictor walks the data once, predicting every symbol from the ones
 * before it; the count of correct predictions C out of N and the longest run
 * of correct ones give the estimate (§6.3.7 steps 4-5 and the same steps in
 * the three sections after). The predictions follow the conventions of the
 * reference tool (ea_non_iid v1.1.7) exactly, including its tie-breaking,
 * dictionary caps and the order in which dictionaries fill, so that the same
 * predictions come out; harness/estimators/README.md ("The prediction estimators")
 * lists them. The data structures are ours and are chosen for speed: flat tables for
 * binary data, a compact context trie for wider symbols.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bits.h"
#include "internal.h"

/* ---- the shared estimate: §6.3.7 steps 4-5 ---------------------------- */

/* z_(1-alpha/2) for the 99% upper bound on P_global (§6.3.7 step 4). The
 * specification prints 2.576; the reference tool uses the full quantile. */
#define PRED_Z 2.5758293035489008
/* P_local solves P(no run longer than r-1 in N predictions) = 0.99
 * (§6.3.7 step 5, §6.3.11 with alpha = 0.01). */
#define PRED_LOCAL_CONFIDENCE 0.99
/* Iteration caps of the reference tool: the fixed-point iteration for x in
 * the run-length formula (§6.3.7 step 5) and the bisection for P_local
 * (enough halvings to exhaust a double's exponent range and mantissa). */
#define PRED_X_ITERATIONS 66
#define PRED_BISECTIONS 1076

/* log of the probability that N predictions of success probability p hold no
 * run of r successes (the expression of §6.3.7 step 5), in long double as
 * the reference tool computes it. */
static double pred_run_log_prob(double p, uint64_t r, uint64_t n)
{
  long double lp = p, q = 1.0L - lp, lr = (long double)r;
  long double x = 1.0L, prev, qpr = q * powl(lp, lr);
  int i;

  for (i = 0; i < PRED_X_ITERATIONS; i++) {
    prev = x;
    x = 1.0L + qpr * powl(x, lr + 1.0L);
    if (x - prev <= LDBL_EPSILON * x)
      break;
  }
  return (double)(logl(1.0L - lp * x) - logl((lr + 1.0L - lr * x) * q) -
                  ((long double)n + 1.0L) * logl(x));
}

/* Equal within DBL_EPSILON relative or 4 units in the last place: the
 * tolerance at which the reference tool's bisection stops. */
static int pred_close(double a, double b)
{
  double da = fabs(a), db = fabs(b), big = da > db ? da : db;
  uint64_t ia, ib;

  if (isnan(a) || isnan(b))
    return 0;
  if (!(a < b) && !(a > b))
    return 1;
  if (fabs(a - b) <= big * DBL_EPSILON)
    return 1;
  if (signbit(a) != signbit(b))
    return 0;
  memcpy(&ia, &da, sizeof ia);
  memcpy(&ib, &db, sizeof ib);
  return (ia > ib ? ia - ib : ib - ia) <= 4;
}

/* P_local in [lo, 1] by bisection (§6.3.7 step 5). The function is
 * decreasing in p; when it stops being so numerically, or the interval can
 * no longer be halved, the upper end is the conservative answer. */
static double pred_p_local(double lo, uint64_t r, uint64_t n)
{
  const double target = log(PRED_LOCAL_CONFIDENCE);
  double hi = 1.0, v_lo = INFINITY, v_hi = -INFINITY;
  double p = (lo + hi) / 2.0, v = pred_run_log_prob(p, r, n), mid;
  int i;

  for (i = 0; i < PRED_BISECTIONS; i++) {
    if (pred_close(v, target))
      break;
    if (v > target) {
      lo = p;
      v_lo = v;
    } else {
      hi = p;
      v_hi = v;
    }
    mid = (lo + hi) / 2.0;
    if (!(mid > lo && mid < hi)) {
      p = hi;
      break;
    }
    p = mid;
    v = pred_run_log_prob(p, r, n);
    if (!(v <= v_lo && v >= v_hi)) {
      p = hi;
      break;
    }
  }
  return p;
}

/* Fill out from C correct predictions out of N, the longest run of correct
 * ones and the alphabet size k: h = -log2(max(P_global', P_local, 1/k)). */
static void pred_finish(struct mb_estimate *out, uint64_t c, uint64_t n, uint64_t run,
                        unsigned k)
{
  double pg, pgu, p, bound;

  out->ran = 1;
  out->skipped = NULL;
  out->predictions = n;
  out->correct = c;
  out->longest_run = run;
  out->p_local = -1.0;
  pg = (double)c / (double)n;
  if (c == 0) {
    /* No correct prediction: the bound for zero successes (§6.3.7 step 4). */
    pgu = 1.0 - pow(0.01, 1.0 / (double)n);
  } else if (n < 2) {
    pgu = 1.0;
  } else {
    bound = pg + PRED_Z * sqrt(pg * (1.0 - pg) / ((double)n - 1.0));
    pgu = bound < 1.0 ? bound : 1.0;
  }
  out->p_global = pg;
  out->p_global_upper = pgu;
  p = 1.0 / (double)k;
  if (pgu > p)
    p = pgu;
  /* P_local matters only when a run that long is unlikely at p. */
  if (p < 1.0 && pred_run_log_prob(p, run + 1, n) > log(PRED_LOCAL_CONFIDENCE)) {
    out->p_local = pred_p_local(p, run + 1, n);
    if (out->p_local > p)
      p = out->p_local;
  }
  out->p = p;
  out->h = -log2(p);
}

static void pred_skip(struct mb_estimate *out, const char *why)
{
  memset(out, 0, sizeof *out);
  out->ran = 0;
  out->skipped = why;
}

/* Counts are 32-bit and positions fit in size_t; longer inputs are refused. */
#define PRED_MAX_SAMPLES ((size_t)UINT32_MAX - 1)

/* Run bookkeeping shared by every predictor. */
struct pred_tally {
  uint64_t correct, run, longest;
};

static void pred_hit(struct pred_tally *t)
{
  t->correct++;
  if (++t->run > t->longest)
    t->longest = t->run;
}

/* ---- MultiMCW: §6.3.7 ------------------------------------------------- */

/* The four window sizes w1..w4 (§6.3.7 step 1). */
#define MCW_WINDOWS 4
static const size_t mcw_w[MCW_WINDOWS] = {63, 255, 1023, 4095};

/* A prediction's outcome, without a branch: the outcome of a random
 * source's prediction is a coin flip a branch predictor cannot learn. */
static void pred_tally_add(struct pred_tally *t, uint64_t hit)
{
  t->correct += hit;
  t->run = (t->run + 1) * hit;
  t->longest = t->run > t->longest ? t->run : t->longest;
}

/* Helpers on bits packed 64 to a word, defined with Lag below. */
static uint64_t pack64(const uint8_t *b, size_t len);
static void pred_tally_word(struct pred_tally *t, uint64_t hits, unsigned len);

/* Once all four windows are full, MultiMCW on binary data goes 64 steps at
 * a time. The four counts of ones ride in the 16-bit lanes of one word, each
 * biased so that its lane's top bit is the window's majority (2 * ones > w),
 * and move by the entering bit minus the four leaving ones in one addition
 * (no lane leaves 0..0xFFFF: counts stay within 0..4095). That gives each
 * window's predictions for the block, 16 steps to a lane, and its outcomes
 * are ~(predictions ^ data). The scoreboard then goes step by step only when
 * another window is within the block's length of the high score; otherwise
 * the winner alone can lead and every score grows by a popcount. The
 * predictions, scores and winners are those of the plain step-by-step loop
 * (mcw_binary with plain set). */
#define MCW_LANES 0x0001000100010001ull
#define MCW_BLOCK 64

static void mcw_binary_blocks(const uint8_t *s, size_t a, size_t n, const size_t *ones,
                              size_t *score, unsigned *winner_io, size_t *wscore_io,
                              struct pred_tally *t)
{
  size_t wscore = *wscore_io;
  unsigned winner = *winner_io, j;
  uint64_t v = 0;

  for (j = 0; j < MCW_WINDOWS; j++)
    v |= (uint64_t)(ones[j] + 0x8000u - (mcw_w[j] + 1) / 2) << (16 * j);
  for (; a < n; a += MCW_BLOCK) {
    size_t len = n - a < MCW_BLOCK ? n - a : MCW_BLOCK, c, b, near = 0;
    uint64_t x = pack64(s + a, len), pred[MCW_WINDOWS] = {0, 0, 0, 0};
    uint64_t hit[MCW_WINDOWS],
        mask = len == 64 ? ~(uint64_t)0 : ((uint64_t)1 << len) - 1;

    for (c = 0; c < len; c += 16) {
      size_t e = len - c < 16 ? len - c : 16, i = a + c;
      uint64_t acc = 0;

      for (b = 0; b < e; b++, i++) {
        uint64_t out = (uint64_t)s[i - mcw_w[0]] | (uint64_t)s[i - mcw_w[1]] << 16 |
                       (uint64_t)s[i - mcw_w[2]] << 32 |
                       (uint64_t)s[i - mcw_w[3]] << 48;

        acc |= ((v >> 15) & MCW_LANES) << b;
        v += s[i] * MCW_LANES - out;
      }
      for (j = 0; j < MCW_WINDOWS; j++)
        pred[j] |= (acc >> (16 * j) & 0xFFFF) << c;
    }
    for (j = 0; j < MCW_WINDOWS; j++) {
      hit[j] = ~(pred[j] ^ x) & mask;
      near |= j != winner && wscore - score[j] <= len;
    }
    if (!near) {
      /* No other window can reach the high score within the block. */
      pred_tally_word(t, hit[winner], (unsigned)len);
      for (j = 0; j < MCW_WINDOWS; j++)
        score[j] += mb_popcount64(hit[j]);
      wscore = score[winner];
      continue;
    }
    for (b = 0; b < len; b++) {
      pred_tally_add(t, (hit[winner] >> b) & 1);
      for (j = 0; j < MCW_WINDOWS; j++) {
        size_t h = (size_t)((hit[j] >> b) & 1), sc = score[j] + h;
        int take = h && sc >= wscore;

        score[j] = sc;
        winner = take ? j : winner;
        wscore = take ? sc : wscore;
      }
    }
  }
  *winner_io = winner;
  *wscore_io = wscore;
}

/* Binary data: every window is odd, so the most common value of a full
 * window is simply the majority and there are no ties to break. */
static void mcw_binary(const uint8_t *s, size_t n, int plain, struct pred_tally *t)
{
  size_t ones[MCW_WINDOWS] = {0}, score[MCW_WINDOWS] = {0}, i, top, wscore = 0;
  unsigned j, winner = 0, active;
  uint8_t freq[MCW_WINDOWS];

  for (i = 0; i < mcw_w[MCW_WINDOWS - 1]; i++)
    for (j = 0; j < MCW_WINDOWS; j++)
      if (i < mcw_w[j])
        ones[j] += s[i];
  for (j = 0; j < MCW_WINDOWS; j++)
    freq[j] = (uint8_t)(2 * ones[j] > mcw_w[j]);

  /* The windows join one by one, then all four run to the end. */
  for (active = 1; active <= MCW_WINDOWS; active++) {
    top = active < MCW_WINDOWS ? mcw_w[active] : n;
    if (active == MCW_WINDOWS && !plain) {
      mcw_binary_blocks(s, mcw_w[active - 1], n, ones, score, &winner, &wscore, t);
      break;
    }
    for (i = mcw_w[active - 1]; i < top && i < n; i++) {
      uint8_t y = s[i];

      pred_tally_add(t, freq[winner] == y);
      for (j = 0; j < active; j++) {
        size_t hit = freq[j] == y, sc = score[j] + hit;
        int take = hit && sc >= wscore;

        score[j] = sc;
        winner = take ? j : winner;
        wscore = take ? sc : wscore;
        ones[j] += y;
        ones[j] -= s[i - mcw_w[j]];
        freq[j] = (uint8_t)(2 * ones[j] > mcw_w[j]);
      }
    }
  }
}

/* Any alphabet: the most common value of a window, ties going to the value
 * seen most recently, kept up to date as the window slides; a new search is
 * needed only when the current most common value leaves the window. Each
 * value's count and last position are one key, count << 32 | position, so
 * that the most common value is the one with the largest key (a position
 * names its value: s[position]). */
#define MCW_COUNT_ONE ((uint64_t)1 << 32)

/* The plain search: the largest key of a window's values, over the w
 * values in the window when they are fewer than k (a value in it has a
 * count, so its key beats that of any value outside it), else over all k. */
static uint64_t mcw_rescan(const uint64_t *c, unsigned k, const uint8_t *win, size_t w)
{
  uint64_t b0 = 0, b1 = 0, b2 = 0, b3 = 0;
  size_t q;

  if (w < k) {
    for (q = 0; q + 4 <= w; q += 4) {
      b0 = c[win[q]] > b0 ? c[win[q]] : b0;
      b1 = c[win[q + 1]] > b1 ? c[win[q + 1]] : b1;
      b2 = c[win[q + 2]] > b2 ? c[win[q + 2]] : b2;
      b3 = c[win[q + 3]] > b3 ? c[win[q + 3]] : b3;
    }
    for (; q < w; q++)
      b0 = c[win[q]] > b0 ? c[win[q]] : b0;
  } else {
    for (q = 0; q + 4 <= k; q += 4) {
      b0 = c[q] > b0 ? c[q] : b0;
      b1 = c[q + 1] > b1 ? c[q + 1] : b1;
      b2 = c[q + 2] > b2 ? c[q + 2] : b2;
      b3 = c[q + 3] > b3 ? c[q + 3] : b3;
    }
    for (; q < k; q++)
      b0 = c[q] > b0 ? c[q] : b0;
  }
  b0 = b1 > b0 ? b1 : b0;
  b2 = b3 > b2 ? b3 : b2;
  return b2 > b0 ? b2 : b0;
}

/* The fast search, from the number of values of each count or more
 * (`atleast`): the most common value m, of count M, has just left and the
 * arriving value did not reach M, so the largest count is now M if another
 * value had it too (atleast[M] > 0, m itself now being below), else M - 1
 * (which m itself still has, so the search ends inside the window). Among
 * the values of that count the most recent is the first met going back
 * from the newest sample: each value's last position is its first
 * occurrence met that way. On timing-like data that takes 6-9 samples,
 * against a maximum over 63 to 256 keys.
 *
 * Keeping atleast up to date costs two writes per window and step, more
 * than the searches save where the most common value seldom leaves (on
 * uniform bytes it leaves the windows at 0.5-3 % of the steps, on
 * timing-like bytes at 10-13 %). So each window counts its searches over
 * MCW_PROBE steps and keeps atleast, rebuilt from the keys, only while
 * they are more than one in MCW_PROBE_RATE. */
#define MCW_PROBE 4096
#define MCW_PROBE_RATE 16

static unsigned mcw_search(const uint64_t *c, const uint32_t *atleast, const uint8_t *s,
                           size_t i, uint64_t m_count)
{
  uint64_t want = atleast[m_count] > 0 ? m_count : m_count - 1;

  while (c[s[i]] >> 32 != want)
    i--;
  return s[i];
}

/* atleast[1..] from the keys of the k values of a window. */
static void mcw_count_levels(uint32_t *atleast, size_t w, const uint64_t *c, unsigned k)
{
  unsigned v;
  uint64_t q;

  memset(atleast, 0, (w + 2) * sizeof *atleast);
  for (v = 0; v < k; v++)
    for (q = c[v] >> 32; q > 0; q--)
      atleast[q]++;
}

/* plain: the full search (mcw_rescan) always, for tests. */
static int mcw_general(const uint8_t *s, size_t n, unsigned k, int plain,
                       struct pred_tally *t)
{
  uint64_t *key = calloc((size_t)MCW_WINDOWS * k, sizeof *key);
  /* atleast[j][c]: how many values have count c or more in window j (a
   * count moving by one changes one entry), kept while `levels` has bit j;
   * searches[j]: window j's searches in the current MCW_PROBE steps. */
  uint32_t *atleast[MCW_WINDOWS] = {NULL};
  size_t score[MCW_WINDOWS] = {0}, searches[MCW_WINDOWS] = {0}, i;
  unsigned freq[MCW_WINDOWS] = {0}, levels = 0, y;
  int j, winner = 0, rc = MB_ENOMEM;

  for (j = 0; j < MCW_WINDOWS; j++)
    if (!(atleast[j] = malloc((mcw_w[j] + 2) * sizeof *atleast[j])))
      goto done;
  if (!key)
    goto done;
  for (i = 0; i < mcw_w[MCW_WINDOWS - 1]; i++) {
    y = s[i];
    for (j = 0; j < MCW_WINDOWS; j++) {
      uint64_t *c = key + (size_t)j * k;

      if (i >= mcw_w[j])
        continue;
      c[y] = ((c[y] >> 32) + 1u) << 32 | (uint64_t)i;
      if (c[y] >= c[freq[j]])
        freq[j] = y;
    }
  }

  for (i = mcw_w[0]; i < n; i++) {
    y = s[i];
    if (freq[winner] == y)
      pred_hit(t);
    else
      t->run = 0;
    if (!plain && (i - mcw_w[0]) % MCW_PROBE == 0) {
      for (j = 0; j < MCW_WINDOWS; j++) {
        unsigned had = levels >> j & 1u;

        levels &= ~(1u << j);
        if (searches[j] * MCW_PROBE_RATE > MCW_PROBE) {
          levels |= 1u << j;
          if (!had)
            mcw_count_levels(atleast[j], mcw_w[j], key + (size_t)j * k, k);
        }
        searches[j] = 0;
      }
    }
    for (j = 0; j < MCW_WINDOWS; j++) {
      uint64_t *c = key + (size_t)j * k;
      unsigned gone;

      if (i < mcw_w[j])
        break;
      if (freq[j] == y && ++score[j] >= score[winner])
        winner = j;
      gone = s[i - mcw_w[j]];
      if (levels >> j & 1u)
        atleast[j][c[gone] >> 32]--;
      c[gone] -= MCW_COUNT_ONE;
      c[y] = ((c[y] >> 32) + 1u) << 32 | (uint64_t)i;
      if (levels >> j & 1u)
        atleast[j][c[y] >> 32]++;
      if (gone != freq[j]) {
        if (c[y] > c[freq[j]])
          freq[j] = y;
      } else if ((c[y] >> 32) > (c[gone] >> 32) || gone == y) {
        /* y now has at least the count the leaving value had, which no
         * other value exceeded, and the latest position. */
        freq[j] = y;
      } else if (searches[j]++, levels >> j & 1u) {
        freq[j] = mcw_search(c, atleast[j], s, i, (c[gone] >> 32) + 1);
      } else {
        freq[j] = s[(uint32_t)mcw_rescan(c, k, s + i + 1 - mcw_w[j], mcw_w[j])];
      }
    }
  }
  rc = MB_OK;
done:
  for (j = 0; j < MCW_WINDOWS; j++)
    free(atleast[j]);
  free(key);
  return rc;
}

int mb_est_multi_mcw(const uint8_t *s, size_t n, unsigned k, struct mb_estimate *out)
{
  return mb_est_multi_mcw_path(s, n, k, 0, out);
}

int mb_est_multi_mcw_path(const uint8_t *s, size_t n, unsigned k, int plain,
                          struct mb_estimate *out)
{
  struct pred_tally t = {0, 0, 0};

  /* The largest window must fill before predicting (§6.3.7 step 1). */
  if (n <= mcw_w[MCW_WINDOWS - 1]) {
    pred_skip(out, "needs at least 4096 samples");
    return MB_OK;
  }
  if (n > PRED_MAX_SAMPLES) {
    pred_skip(out, "more than 4294967294 samples");
    return MB_OK;
  }
  if (k <= 2) {
    mcw_binary(s, n, plain, &t);
  } else if (mcw_general(s, n, k, plain, &t) != MB_OK) {
    return MB_ENOMEM;
  }
  /* Predictions start once the smallest window is full (§6.3.7 step 2). */
  pred_finish(out, t.correct, n - mcw_w[0], t.longest, k < 2 ? 2 : k);
  return MB_OK;
}

/* ---- Lag: §6.3.8 ------------------------------------------------------ */

/* D = 128 lags (§6.3.8 step 1). */
#define LAG_D 128

/* Scoreboard of the lags: a lag whose score reaches the high score (ties
 * going to the larger lag, visited last) becomes the next predictor. */
struct lag_board {
  uint64_t score[LAG_D + 1];
  uint64_t high;
  size_t winner;
};

static void lag_score(struct lag_board *b, size_t d)
{
  if (++b->score[d] >= b->high) {
    b->high = b->score[d];
    b->winner = d;
  }
}

/* Wide alphabets: only the lags at which the current symbol occurred can
 * score, and they are found by chaining back through its last occurrences;
 * a ring of the last 256 positions holds each one's previous occurrence. */
static int lag_general(const uint8_t *s, size_t n, unsigned k, struct lag_board *b,
                       struct pred_tally *t)
{
  size_t prev[256], *last = malloc(k * sizeof *last), i, j;
  unsigned v;

  if (!last)
    return MB_ENOMEM;
  for (v = 0; v < k; v++)
    last[v] = SIZE_MAX;
  for (i = 0; i < n; i++) {
    uint8_t y = s[i];

    if (i > 0) {
      if (s[i - b->winner] == y)
        pred_hit(t);
      else
        t->run = 0;
    }
    for (j = last[y]; j != SIZE_MAX && i - j <= LAG_D; j = prev[j & 255])
      lag_score(b, i - j);
    prev[i & 255] = last[y];
    last[y] = i;
  }
  free(last);
  return MB_OK;
}

/* Eight bytes of 0 or 1 -> eight bits, the first byte lowest. */
static inline uint64_t pack8(const uint8_t *b)
{
  uint64_t v;

  memcpy(&v, b, sizeof v);
  return (v * 0x0102040810204080ull) >> 56;
}

static uint64_t pack64(const uint8_t *b, size_t len)
{
  uint8_t tail[64] = {0};
  uint64_t w = 0;
  unsigned j;

  if (len < 64) {
    memcpy(tail, b, len);
    b = tail;
  }
  for (j = 0; j < 8; j++)
    w |= pack8(b + 8 * j) << (8 * j);
  return w;
}

/* Bits i..i+63 of a packed bit array, bit 0 first. */
static uint64_t bits64(const uint64_t *w, size_t i)
{
  size_t q = i >> 6;
  unsigned r = (unsigned)(i & 63);
  uint64_t v = w[q] >> r;

  if (r)
    v |= w[q + 1] << (64 - r);
  return v;
}

/* Binary data, where half the lags match at every step: done block by block.
 * In a block of B steps the high score never falls and no lag gains more
 * than B, so only lags within B of the high score at the block's start can
 * take the lead; they are scored step by step, in order, and all the others
 * are brought up to date at the block's end by counting matches with XOR and
 * popcount. The predictions, scores and winners are those of the plain
 * step-by-step scoreboard. */
#define LAG_BLOCK 64
#define LAG_WHEEL 256

/* pred_tally_add() for the len steps whose outcomes are bits 0..len-1 of
 * hits (no bit set above them). The first run of hits extends the current
 * run and the last one starts the next; a run in between matters only when
 * it beats the longest so far, which a few shifts rule out at once (a run of
 * m hits starts at bit i when bit i survives ANDing the word with itself
 * shifted by 1..m-1); only then are the runs walked one by one. */
static void pred_tally_word(struct pred_tally *t, uint64_t hits, unsigned len)
{
  uint64_t full = len == 64 ? ~(uint64_t)0 : ((uint64_t)1 << len) - 1, y, z;
  unsigned lead, tail, m, k, pos;

  t->correct += mb_popcount64(hits);
  if (hits == full) {
    t->run += len;
    t->longest = t->run > t->longest ? t->run : t->longest;
    return;
  }
  lead = (unsigned)__builtin_ctzll(~hits); /* < len: there is a miss */
  t->run += lead;
  t->longest = t->run > t->longest ? t->run : t->longest;
  y = hits >> lead; /* bit 0: the first miss */
  tail = (unsigned)__builtin_clzll(~(hits << (64 - len)));
  t->run = tail;
  t->longest = tail > t->longest ? tail : t->longest;
  if (t->longest >= 64)
    return;
  m = (unsigned)t->longest + 1;
  z = y;
  for (k = 1; 2 * k <= m; k *= 2)
    z &= z >> k;
  z &= z >> (m - k);
  if (!z)
    return;
  /* Some run in between is longer than any so far: walk them. */
  for (pos = 0; y >> pos;) {
    uint64_t r;
    unsigned ones;

    pos += (unsigned)__builtin_ctzll(y >> pos);
    r = y >> pos;
    ones = ~r ? (unsigned)__builtin_ctzll(~r) : 64 - pos;
    t->longest = ones > t->longest ? ones : t->longest;
    pos += ones;
    if (pos >= 64)
      break;
  }
}

/* Lag d's outcomes over the block of steps a..a+63: bit b is whether
 * S[a+b] equals S[a+b-d], from the 64-bit windows at a-128, a-64 and a. */
static uint64_t lag_matches(uint64_t w0, uint64_t w1, uint64_t w2, size_t d)
{
  uint64_t past;

  if (d < 64)
    past = w2 << d | w1 >> (64 - d);
  else if (d == 64)
    past = w1;
  else if (d < 128)
    past = w1 << (d - 64) | w0 >> (128 - d);
  else
    past = w0;
  return ~(w2 ^ past);
}

/* Matches of lag d over the words k0..k1-1 (positions 64 * k0 up to
 * 64 * k1, all at least d): the mismatches are XORs of each word with the
 * bits d before it, summed eight words at a time through carry-save adders
 * (ones, twos, fours: the bits of weight 1, 2 and 4 of the running sum) so
 * that one popcount counts eight words. */
#define LAG_CSA(hi, lo, a, b, c)                                                       \
  do {                                                                                 \
    __typeof__(a) u_ = (a) ^ (b);                                                      \
    hi = ((a) & (b)) | (u_ & (c));                                                     \
    lo = u_ ^ (c);                                                                     \
  } while (0)

/* Two words side by side: the compiler's vector extension, SSE2 or NEON. */
typedef uint64_t lag_v2 __attribute__((vector_size(16)));

static lag_v2 lag_load2(const uint64_t *p)
{
  lag_v2 v;

  memcpy(&v, p, sizeof v);
  return v;
}

static uint64_t lag_count(const uint64_t *w, size_t d, size_t k0, size_t k1)
{
  size_t q = (64 * k0 - d) >> 6, k = k0;
  unsigned r = (unsigned)((64 * k0 - d) & 63);
  uint64_t eights = 0, fours = 0, ones = 0, twos = 0, miss = 0;

  if (k1 - k0 >= 16) {
    /* Sixteen words a round, two at a time. */
    lag_v2 v1 = {0, 0}, v2 = {0, 0}, v4 = {0, 0};
    uint64_t n8 = 0;

#define LAG_VMISS(j)                                                                   \
  (lag_load2(w + k + 2 * (j)) ^ (lag_load2(w + q + 2 * (j)) >> r |                     \
                                 (lag_load2(w + q + 2 * (j) + 1) << 1) << (63 - r)))
    for (; k + 16 <= k1; k += 16, q += 16) {
      lag_v2 ta, tb, fa, fb, e;

      LAG_CSA(ta, v1, v1, LAG_VMISS(0), LAG_VMISS(1));
      LAG_CSA(tb, v1, v1, LAG_VMISS(2), LAG_VMISS(3));
      LAG_CSA(fa, v2, v2, ta, tb);
      LAG_CSA(ta, v1, v1, LAG_VMISS(4), LAG_VMISS(5));
      LAG_CSA(tb, v1, v1, LAG_VMISS(6), LAG_VMISS(7));
      LAG_CSA(fb, v2, v2, ta, tb);
      LAG_CSA(e, v4, v4, fa, fb);
      n8 += mb_popcount64(e[0]) + mb_popcount64(e[1]);
    }
#undef LAG_VMISS
    miss = 8 * n8 + 4 * (uint64_t)(mb_popcount64(v4[0]) + mb_popcount64(v4[1])) +
           2 * (uint64_t)(mb_popcount64(v2[0]) + mb_popcount64(v2[1])) +
           mb_popcount64(v1[0]) + mb_popcount64(v1[1]);
  }
#define LAG_PAST(j) (w[q + (j)] >> r | (w[q + (j) + 1] << 1) << (63 - r))
#define LAG_MISS(j) (w[k + (j)] ^ LAG_PAST(j))
  if (k1 - k >= 8) {
    for (; k + 8 <= k1; k += 8, q += 8) {
      uint64_t ta, tb, fa, fb, e;

      LAG_CSA(ta, ones, ones, LAG_MISS(0), LAG_MISS(1));
      LAG_CSA(tb, ones, ones, LAG_MISS(2), LAG_MISS(3));
      LAG_CSA(fa, twos, twos, ta, tb);
      LAG_CSA(ta, ones, ones, LAG_MISS(4), LAG_MISS(5));
      LAG_CSA(tb, ones, ones, LAG_MISS(6), LAG_MISS(7));
      LAG_CSA(fb, twos, twos, ta, tb);
      LAG_CSA(e, fours, fours, fa, fb);
      eights += mb_popcount64(e);
    }
    miss += 8 * eights + 4 * (uint64_t)mb_popcount64(fours) +
            2 * (uint64_t)mb_popcount64(twos) + mb_popcount64(ones);
  }
  for (; k < k1; k++, q++)
    miss += mb_popcount64(LAG_MISS(0));
#undef LAG_MISS
#undef LAG_PAST
  return 64 * (uint64_t)(k1 - k0) - miss;
}

static int lag_binary(const uint8_t *s, size_t n, struct lag_board *b,
                      struct pred_tally *t)
{
  size_t nw = n / 64 + 2, i, d, a, upto[LAG_D + 1];
  uint64_t on[2], wheel[LAG_WHEEL][2];
  uint64_t *w = calloc(nw, sizeof *w);

  if (!w)
    return MB_ENOMEM;
  for (i = 0; i * 64 < n; i++)
    w[i] = pack64(s + i * 64, n - i * 64 < 64 ? n - i * 64 : 64);

  /* Until every lag reaches back into the data, step by step. */
  for (i = 1; i < n && i < LAG_D; i++) {
    if (s[i - b->winner] == s[i])
      pred_hit(t);
    else
      t->run = 0;
    for (d = 1; d <= i; d++)
      if (s[i - d] == s[i])
        lag_score(b, d);
  }

  /* A lag whose score is D behind the high score at the block starting at
   * a cannot be a candidate at any block starting before a + D - 64 (the
   * high score never falls, the lag gains at most one a step): it sits out
   * until then, on a wheel of LAG_WHEEL blocks (a lag due further ahead is
   * looked at again after LAG_WHEEL - 1 blocks, which is only early), and
   * its score is brought up to date from upto with one count over the
   * blocks it sat out. Lags 1..128 are the bits 0..127 of two words. */
  memset(wheel, 0, sizeof wheel);
  for (d = 1; d <= LAG_D; d++)
    upto[d] = LAG_D;
  on[0] = on[1] = ~(uint64_t)0;
  for (a = LAG_D; a < n; a += LAG_BLOCK) {
    size_t e = n - a < LAG_BLOCK ? n : a + LAG_BLOCK, len = e - a, nc = 0, c, cw = 0;
    size_t slot = (a / LAG_BLOCK) % LAG_WHEEL;
    uint64_t mask = len == 64 ? ~(uint64_t)0 : ((uint64_t)1 << len) - 1;
    uint64_t w0 = bits64(w, a - 128), w1 = bits64(w, a - 64), w2 = bits64(w, a), mw;
    uint64_t cm[LAG_D]; /* the candidates' outcomes, lags in increasing order */
    size_t cl[LAG_D];
    unsigned h;

    /* The high score never falls below the winner's, so a lag can take the
     * lead in the block only if it matches, where the winner does not, at
     * least as often as it is behind. */
    mw = lag_matches(w0, w1, w2, b->winner) & mask;
    on[0] |= wheel[slot][0];
    on[1] |= wheel[slot][1];
    wheel[slot][0] = wheel[slot][1] = 0;
    for (h = 0; h < 2; h++) {
      uint64_t bits = on[h];

      for (; bits; bits &= bits - 1) {
        uint64_t m, behind;
        size_t blocks;

        d = 64 * h + (size_t)__builtin_ctzll(bits) + 1;
        if (upto[d] < a) {
          b->score[d] += lag_count(w, d, upto[d] / 64, a / 64);
          upto[d] = a;
        }
        behind = b->high - b->score[d];
        if (behind > len) {
          blocks = (size_t)(behind - 64 + LAG_BLOCK - 1) / LAG_BLOCK;
          blocks = blocks < LAG_WHEEL - 1 ? blocks : LAG_WHEEL - 1;
          if (blocks > 1) {
            on[h] &= ~(bits & -bits);
            wheel[(slot + blocks) % LAG_WHEEL][h] |= bits & -bits;
          }
          continue;
        }
        m = d == b->winner ? mw : lag_matches(w0, w1, w2, d) & mask;
        if (mb_popcount64(m & ~mw) < behind)
          continue; /* counted when next looked at, from upto */
        upto[d] = e;
        /* The winner holds the high score, so it is always a candidate. */
        cw = d == b->winner ? nc : cw;
        cm[nc] = m;
        cl[nc++] = d;
      }
    }
    if (nc == 1) {
      /* The winner alone can lead: it predicts every step of the block. */
      pred_tally_word(t, cm[0], (unsigned)len);
      b->score[cl[0]] += mb_popcount64(cm[0]);
      b->high = b->score[cl[0]];
      continue;
    }
    for (i = 0; i < len; i++) {
      pred_tally_add(t, (cm[cw] >> i) & 1);
      /* Lags in increasing order; branch-free, outcomes are coin flips. */
      for (c = 0; c < nc; c++) {
        uint64_t hit = (cm[c] >> i) & 1, sc = b->score[cl[c]] + hit;
        int take = hit && sc >= b->high;

        b->score[cl[c]] = sc;
        b->high = take ? sc : b->high;
        cw = take ? c : cw;
      }
    }
    b->winner = cl[cw];
  }
  free(w);
  return MB_OK;
}

int mb_est_lag(const uint8_t *s, size_t n, unsigned k, struct mb_estimate *out)
{
  struct lag_board b;
  struct pred_tally t = {0, 0, 0};
  int rc;

  if (n < 3) {
    pred_skip(out, "needs at least 3 samples");
    return MB_OK;
  }
  if (n > PRED_MAX_SAMPLES) {
    pred_skip(out, "more than 4294967294 samples");
    return MB_OK;
  }
  memset(&b, 0, sizeof b);
  b.winner = 1; /* the first prediction is the previous symbol (§6.3.8 step 3) */
  rc = k <= 2 ? lag_binary(s, n, &b, &t) : lag_general(s, n, k, &b, &t);
  if (rc != MB_OK)
    return rc;
  /* Every symbol but the first is predicted (§6.3.8 step 2). */
  pred_finish(out, t.correct, n - 1, t.longest, k < 2 ? 2 : k);
  return MB_OK;
}

/* ---- the context trie of MultiMMC and LZ78Y on wide alphabets ---------- */

/* A node is a context, the symbols before position i read backwards: the
 * child of the context S[i-L..i-1] for S[i-L-1] is the context one symbol
 * longer, so that one walk visits the contexts of every length. A node is
 * in the dictionary when it has a postfix (best > 0); other nodes only
 * carry the path to deeper ones. Each node keeps its first child and first postfix
 * inline; further ones go to a hash table keyed by (node, kind, symbol). */
#define TRIE_NONE UINT32_MAX
#define TRIE_MORE_CHILDREN 1u
#define TRIE_MORE_POSTFIXES 2u
/* A leaf of MultiMMC (mmc_general): the node has no child node yet, and
 * `child` holds the position whose longer contexts it stands for. */
#define TRIE_LEAF 4u

struct trie_node {
  uint32_t child;       /* first child, or TRIE_NONE; a position for a leaf */
  uint32_t best;        /* count of the predicted postfix; 0: not in dictionary */
  uint32_t first_count; /* count of the first postfix */
  uint8_t child_sym;
  uint8_t best_y; /* the prediction: most frequent postfix, ties to the largest */
  uint8_t first_y;
  uint8_t flags;
};

/* Nodes live in one array per context length, so that the short contexts,
 * visited at every step, share few cache lines. A node id is the length in
 * the top 8 bits and the index below. The trie hangs from the contexts of
 * the longest dense length (see ctx_dense below); when that length is 1,
 * their children are a direct table. */
#define TRIE_LEVELS 17
#define TRIE_INDEX_BITS 24
#define TRIE_INDEX_MASK ((1u << TRIE_INDEX_BITS) - 1)

/* The extra children (kind 0) and postfixes (kind 1) of the nodes of one
 * context length: open addressing, a slot being the key (node index << 8 |
 * symbol, TRIE_SLOT_EMPTY when free) and its value side by side, so that a
 * probe touches one cache line, and one table per length and kind, so that
 * the short contexts visited at every step stay in cache. */
#define TRIE_SLOT_EMPTY UINT32_MAX

struct trie_slot {
  uint32_t key, val;
};

struct trie_table {
  struct trie_slot *slot;
  size_t slots, fill;
  unsigned shift; /* 64 - log2(slots), for trie_hash */
};

struct trie {
  struct trie_node *lvl[TRIE_LEVELS];
  uint32_t used[TRIE_LEVELS], cap[TRIE_LEVELS];
  uint32_t *pair_child; /* children of one-symbol contexts: [index * 256 + sym] */
  struct trie_table tab[TRIE_LEVELS][2];
  uint64_t created; /* nodes added where a path found earlier may have had
                       none: such a path still holds while this has not changed */
};

static struct trie_node *trie_at(const struct trie *t, uint32_t id)
{
  return &t->lvl[id >> TRIE_INDEX_BITS][id & TRIE_INDEX_MASK];
}

static struct trie_slot *trie_slots_new(size_t slots)
{
  struct trie_slot *sl = malloc(slots * sizeof *sl);

  if (sl)
    memset(sl, 0xff, slots * sizeof *sl);
  return sl;
}

static int trie_init(struct trie *t)
{
  unsigned l, kind;

  memset(t, 0, sizeof *t);
  for (l = 0; l < TRIE_LEVELS; l++) {
    t->cap[l] = l < 2 ? 256 : 1024;
    t->lvl[l] = malloc((size_t)t->cap[l] * sizeof *t->lvl[l]);
    for (kind = 0; kind < 2; kind++) {
      t->tab[l][kind].slots = 64;
      t->tab[l][kind].shift = 64 - 6;
      t->tab[l][kind].slot = trie_slots_new(64);
      if (!t->tab[l][kind].slot)
        return MB_ENOMEM;
    }
  }
  t->pair_child = malloc(256 * 256 * sizeof *t->pair_child);
  for (l = 0; l < TRIE_LEVELS; l++)
    if (!t->lvl[l])
      return MB_ENOMEM;
  if (!t->pair_child)
    return MB_ENOMEM;
  memset(t->pair_child, 0xff, 256 * 256 * sizeof *t->pair_child);
  t->used[0] = 1; /* reserve id 0: no context */
  memset(&t->lvl[0][0], 0, sizeof t->lvl[0][0]);
  t->lvl[0][0].child = TRIE_NONE;
  return MB_OK;
}

static void trie_cleanup(struct trie *t)
{
  unsigned l;

  for (l = 0; l < TRIE_LEVELS; l++) {
    free(t->lvl[l]);
    free(t->tab[l][0].slot);
    free(t->tab[l][1].slot);
  }
  free(t->pair_child);
}

/* Fibonacci hashing: the top bits of the product depend on every bit of
 * the key; the bits just above its low word leave clusters (twice the
 * probes on timing-like data). */
static size_t trie_hash(uint32_t key, const struct trie_table *tb)
{
  return (size_t)(((uint64_t)key * 0x9E3779B97F4A7C15ull) >> tb->shift);
}

/* The key of (node id, sym) in its length's tables. */

static uint32_t trie_key(uint32_t id, uint8_t sym)
{
  return (id & TRIE_INDEX_MASK) << 8 | sym;
}

static uint32_t *trie_find(const struct trie *t, uint32_t id, unsigned kind,
                           uint8_t sym)
{
  const struct trie_table *tb = &t->tab[id >> TRIE_INDEX_BITS][kind];
  uint32_t key = trie_key(id, sym);
  size_t h = trie_hash(key, tb);

  for (;; h = (h + 1) & (tb->slots - 1)) {
    if (tb->slot[h].key == key)
      return &tb->slot[h].val;
    if (tb->slot[h].key == TRIE_SLOT_EMPTY)
      return NULL;
  }
}

static int trie_put(struct trie *t, uint32_t id, unsigned kind, uint8_t sym,
                    uint32_t val)
{
  struct trie_table *tb = &t->tab[id >> TRIE_INDEX_BITS][kind];
  uint32_t key = trie_key(id, sym);
  size_t h;

  if ((tb->fill + 1) * 4 > tb->slots * 3) {
    size_t old = tb->slots, i;
    struct trie_slot *os = tb->slot;

    tb->slot = trie_slots_new(old * 2);
    if (!tb->slot) {
      tb->slot = os;
      return MB_ENOMEM;
    }
    tb->slots = old * 2;
    tb->shift--;
    for (i = 0; i < old; i++) {
      if (os[i].key == TRIE_SLOT_EMPTY)
        continue;
      for (h = trie_hash(os[i].key, tb); tb->slot[h].key != TRIE_SLOT_EMPTY;
           h = (h + 1) & (tb->slots - 1))
        ;
      tb->slot[h] = os[i];
    }
    free(os);
  }
  for (h = trie_hash(key, tb); tb->slot[h].key != TRIE_SLOT_EMPTY;
       h = (h + 1) & (tb->slots - 1))
    ;
  tb->slot[h].key = key;
  tb->slot[h].val = val;
  tb->fill++;
  return MB_OK;
}

/* The child of id for sym, nd being trie_at(t, id) and id longer than 1. */
static uint32_t trie_child_of(const struct trie *t, const struct trie_node *nd,
                              uint32_t id, uint8_t sym)
{
  const uint32_t *v;

  if (nd->child == TRIE_NONE)
    return TRIE_NONE;
  if (nd->child_sym == sym)
    return nd->child;
  if (!(nd->flags & TRIE_MORE_CHILDREN))
    return TRIE_NONE;
  v = trie_find(t, id, 0, sym);
  return v ? *v : TRIE_NONE;
}

static uint32_t trie_child(const struct trie *t, uint32_t id, uint8_t sym)
{
  if (id >> TRIE_INDEX_BITS == 1)
    return t->pair_child[(id & TRIE_INDEX_MASK) * 256 + sym];
  return trie_child_of(t, trie_at(t, id), id, sym);
}

/* A new node for a context of length l, linked to no parent, or TRIE_NONE
 * when out of memory. */
static uint32_t trie_new_node(struct trie *t, unsigned l)
{
  uint32_t c;
  struct trie_node *nd;

  /* Index TRIE_INDEX_MASK stays unused: its key could equal TRIE_SLOT_EMPTY. */
  if (l >= TRIE_LEVELS || t->used[l] >= TRIE_INDEX_MASK)
    return TRIE_NONE;
  if (t->used[l] == t->cap[l]) {
    uint32_t cap = t->cap[l] * 2;
    struct trie_node *grown;

    if (cap > TRIE_INDEX_MASK + 1u)
      return TRIE_NONE;
    grown = realloc(t->lvl[l], (size_t)cap * sizeof *grown);
    if (!grown)
      return TRIE_NONE;
    t->lvl[l] = grown;
    t->cap[l] = cap;
  }
  c = (uint32_t)l << TRIE_INDEX_BITS | t->used[l]++;
  nd = trie_at(t, c);
  memset(nd, 0, sizeof *nd);
  nd->child = TRIE_NONE;
  return c;
}

/* A new child of id for sym (which it must not have yet), or TRIE_NONE when
 * out of memory. Counted in t->created unless quiet (a child of a leaf,
 * which no path can have missed: see mmc_unfold). */
static uint32_t trie_add_child(struct trie *t, uint32_t id, uint8_t sym, int quiet)
{
  unsigned l = (id >> TRIE_INDEX_BITS) + 1;
  uint32_t c = trie_new_node(t, l);
  struct trie_node *nd;

  if (c == TRIE_NONE)
    return TRIE_NONE;
  t->created += (uint64_t)!quiet;
  if (l == 2) {
    t->pair_child[(id & TRIE_INDEX_MASK) * 256 + sym] = c;
    return c;
  }
  nd = trie_at(t, id);
  if (nd->child == TRIE_NONE) {
    nd->child = c;
    nd->child_sym = sym;
  } else {
    if (trie_put(t, id, 0, sym, c) != MB_OK)
      return TRIE_NONE;
    nd->flags |= TRIE_MORE_CHILDREN;
  }
  return c;
}

/* Count postfix y after context id, nd being trie_at(t, id). An unseen
 * postfix is added only when allow_new; *added tells whether it was.
 * Returns MB_OK or MB_ENOMEM. */
static inline int trie_count_at(struct trie *t, struct trie_node *nd, uint32_t id,
                                uint8_t y, int allow_new, int *added)
{
  uint32_t c, *v;

  *added = 0;
  if (nd->best == 0) {
    if (!allow_new)
      return MB_OK;
    nd->first_y = y;
    nd->first_count = 1;
    *added = 1;
    c = 1;
  } else if (nd->first_y == y) {
    c = ++nd->first_count;
  } else if ((nd->flags & TRIE_MORE_POSTFIXES) && (v = trie_find(t, id, 1, y))) {
    c = ++*v;
  } else if (allow_new) {
    if (trie_put(t, id, 1, y, 1) != MB_OK)
      return MB_ENOMEM;
    nd->flags |= TRIE_MORE_POSTFIXES;
    c = 1;
    *added = 1;
  } else {
    return MB_OK;
  }
  if (c > nd->best || (c == nd->best && y > nd->best_y)) {
    nd->best = c;
    nd->best_y = y;
  }
  return MB_OK;
}

static int trie_count(struct trie *t, uint32_t id, uint8_t y, int allow_new, int *added)
{
  return trie_count_at(t, trie_at(t, id), id, y, allow_new, added);
}

#define DENSE_MAX 16 /* context lengths 1..16, in both MultiMMC and LZ78Y */
/* Dense contexts, for MultiMMC and LZ78Y on wide alphabets: the shortest
 * contexts, read as base-k numbers (newest symbol lowest), index flat tables
 * of counts, as long as a length's table holds at most 2^18 counts; for
 * small alphabets that covers the lengths where contexts keep being known.
 * Longer contexts use the trie, hanging from the contexts of the longest
 * dense length (the anchors). */
#define DENSE_COUNTS ((size_t)1 << 18)

struct ctx_dense {
  unsigned levels, k;         /* orders 1..levels are dense */
  uint32_t *count[DENSE_MAX]; /* [context * k + symbol] */
  uint32_t *best[DENSE_MAX];  /* count of the predicted symbol; 0: unknown context */
  uint8_t *best_y[DENSE_MAX]; /* the prediction: most frequent, ties to the largest */
  uint32_t *anchor;           /* trie node of each context of order `levels` */
};

static int dense_init(struct ctx_dense *dn, unsigned k)
{
  size_t size = k, j;
  unsigned d;

  memset(dn, 0, sizeof *dn);
  dn->k = k;
  dn->levels = 1;
  while (dn->levels < DENSE_MAX && size * k * k <= DENSE_COUNTS) {
    size *= k;
    dn->levels++;
  }
  for (d = 0, size = k; d < dn->levels; d++, size *= k) {
    dn->count[d] = calloc(size * k, sizeof *dn->count[d]);
    dn->best[d] = calloc(size, sizeof *dn->best[d]);
    dn->best_y[d] = calloc(size, sizeof *dn->best_y[d]);
    if (!dn->count[d] || !dn->best[d] || !dn->best_y[d])
      return MB_ENOMEM;
  }
  size /= k;
  dn->anchor = malloc(size * sizeof *dn->anchor);
  if (!dn->anchor)
    return MB_ENOMEM;
  for (j = 0; j < size; j++)
    dn->anchor[j] = TRIE_NONE;
  return MB_OK;
}

static void dense_cleanup(struct ctx_dense *dn)
{
  unsigned d;

  for (d = 0; d < DENSE_MAX; d++) {
    free(dn->count[d]);
    free(dn->best[d]);
    free(dn->best_y[d]);
  }
  free(dn->anchor);
}

/* trie_count() for a dense context. */
static int dense_count(struct ctx_dense *dn, unsigned d, size_t ctx, uint8_t y,
                       int allow_new)
{
  uint32_t *c = &dn->count[d][ctx * dn->k + y], *best = &dn->best[d][ctx];
  int added = *c == 0;

  if (added && !allow_new)
    return 0;
  ++*c;
  if (*c > *best || (*c == *best && y > dn->best_y[d][ctx])) {
    *best = *c;
    dn->best_y[d][ctx] = y;
  }
  return added;
}

/* The context of the `len` symbols before position i as a base-k number. */
static size_t dense_index(const uint8_t *s, size_t i, unsigned len, unsigned k)
{
  size_t ctx = 0, mul = 1;
  unsigned j;

  for (j = 0; j < len; j++, mul *= k)
    ctx += s[i - 1 - j] * mul;
  return ctx;
}

/* The trie node of the order-levels context number anchor_ctx, created
 * (and counted in tr->created) when missing; TRIE_NONE when out of memory. */
static uint32_t dense_anchor(struct trie *tr, struct ctx_dense *dn, size_t anchor_ctx)
{
  uint32_t p = dn->anchor[anchor_ctx];

  if (p == TRIE_NONE &&
      (p = dn->anchor[anchor_ctx] = trie_new_node(tr, dn->levels)) != TRIE_NONE)
    tr->created++;
  return p;
}

/* The trie node of the order-(depth+1) context before position i (depth at
 * least dn->levels), created with its missing ancestors back to its anchor,
 * the order-levels context number anchor_ctx. path[levels..depth-1] holds
 * the nodes found this step or TRIE_NONE; it is completed up to depth. */
static uint32_t dense_make_path(struct trie *tr, struct ctx_dense *dn, const uint8_t *s,
                                size_t i, uint32_t *path, unsigned depth,
                                size_t anchor_ctx)
{
  uint32_t p = dense_anchor(tr, dn, anchor_ctx);
  unsigned l;

  if (p == TRIE_NONE)
    return TRIE_NONE;
  for (l = dn->levels; l <= depth; l++) {
    uint32_t c = path[l] != TRIE_NONE ? path[l] : trie_child(tr, p, s[i - l - 1]);
    if (c == TRIE_NONE && (c = trie_add_child(tr, p, s[i - l - 1], 0)) == TRIE_NONE)
      return TRIE_NONE;
    path[l] = p = c;
  }
  return p;
}

/* Walking ahead. A step's walk down the trie is a chain of loads, each
 * waiting for the one before (a node, then the slot of its child), and in a
 * large trie each is a cache miss. But which contexts a step looks up is
 * known from the data long before, and nodes are never removed: so every
 * WALK_BATCH steps the walks of the WALK_BATCH steps WALK_AHEAD ahead are
 * made together, one context length at a time, first asking for the cache
 * lines every walk needs at that length (its node and the slot of its
 * child: the walks do not depend on one another, so their misses overlap),
 * then reading them; the nodes found are kept for those steps, with the
 * cache lines of the counts they will update asked for.
 *
 * A walk ends early at a context without a node, at a leaf (whose children
 * are not nodes yet: mmc_unfold), or after the first context outside its
 * (capped) model, where the step ends. The step itself looks up the nodes
 * from where the walk ended at a leaf, and from where it found no node when
 * nodes have been added since the walk (trie.created): up to there, the
 * nodes it found still hold.
 *
 * Batches of 32 steps (a ring of 64 paths, 4 KB): on 4,000,000 timing-like
 * bytes about a tenth less CPU than batches of 8 (their misses, one round
 * trip per length and batch, shared by four times as many steps); 64
 * gained nothing more. */
#define WALK_BATCH 32
#define WALK_AHEAD 32
#define WALK_RING 64 /* a power of two, at least WALK_AHEAD + WALK_BATCH */

/* Where a walk ended: the first length the step must look up itself
 * (`lazy`, after a leaf), or the first without a node (`absent`: path[] is
 * TRIE_NONE there, and the step looks up what follows itself); DENSE_MAX
 * when none. path[] is not written past the end of a walk. */
struct walk_end {
  uint8_t lazy, absent;
};

struct walk_ring {
  uint32_t path[WALK_RING][DENSE_MAX];
  uint64_t stamp[WALK_RING]; /* trie.created when walked; UINT64_MAX: not walked */
  struct walk_end end[WALK_RING];
};

/* Whether step j looks up the same contexts as step j - 1: the last
 * DENSE_MAX + 1 symbols are equal (a run), and both have every length. */
static inline int walk_same(const uint8_t *s, size_t j)
{
  return j >= DENSE_MAX + 2 && s[j - 1] == s[j - DENSE_MAX - 1] &&
         memcmp(s + j - DENSE_MAX - 1, s + j - DENSE_MAX, DENSE_MAX) == 0;
}

/* The order-levels context before position j, and the cache lines of the
 * dense counts of S[j] after the shorter contexts asked for. */
static size_t walk_dense(const struct ctx_dense *dn, const uint8_t *s, size_t j)
{
  size_t ctx = 0, mul = 1;
  unsigned l;

  for (l = 0; l < dn->levels; l++, mul *= dn->k) {
    ctx += s[j - l - 1] * mul;
    __builtin_prefetch(&dn->count[l][ctx * dn->k + s[j]]);
    __builtin_prefetch(&dn->best[l][ctx]);
  }
  return ctx;
}

/* The nodes of the contexts before position j, path[levels..top], ending as
 * walk_end says, or after the first context of length stop + 1 or more
 * that is not in the dictionary (the step ends there). j > top. */
static struct walk_end walk_path(const struct trie *tr, const struct ctx_dense *dn,
                                 const uint8_t *s, size_t j, unsigned top,
                                 unsigned stop, uint32_t *path)
{
  uint32_t par = dn->anchor[walk_dense(dn, s, j)];
  struct walk_end e = {DENSE_MAX, DENSE_MAX};
  unsigned l;

  if (par == TRIE_NONE) {
    path[dn->levels] = TRIE_NONE;
    e.absent = (uint8_t)dn->levels;
    return e;
  }
  for (l = dn->levels; l <= top; l++) {
    if (l > dn->levels && (trie_at(tr, par)->flags & TRIE_LEAF)) {
      e.lazy = (uint8_t)l;
      break;
    }
    par = trie_child(tr, par, s[j - l - 1]);
    path[l] = par;
    if (par == TRIE_NONE) {
      e.absent = (uint8_t)l;
      break;
    }
    if (l >= stop && trie_at(tr, par)->best == 0)
      break;
  }
  return e;
}

/* walk_path() with top = DENSE_MAX - 1 for the steps j0 .. j0+WALK_BATCH-1,
 * into the ring, the walks interleaved length by length; not for a step
 * that will keep the nodes of the one before (walk_same). */
static void walk_batch(struct walk_ring *w, const struct trie *tr,
                       const struct ctx_dense *dn, const uint8_t *s, size_t j0,
                       unsigned stop)
{
  uint32_t par[WALK_BATCH], *path[WALK_BATCH];
  struct walk_end *end[WALK_BATCH];
  unsigned l, b;
  uint64_t live = 0, m;

  for (b = 0; b < WALK_BATCH; b++) {
    unsigned r = (unsigned)((j0 + b) & (WALK_RING - 1));

    path[b] = w->path[r];
    end[b] = &w->end[r];
    end[b]->lazy = end[b]->absent = DENSE_MAX;
    if (walk_same(s, j0 + b)) {
      w->stamp[r] = UINT64_MAX;
      continue;
    }
    w->stamp[r] = tr->created;
    par[b] = dn->anchor[walk_dense(dn, s, j0 + b)];
    if (par[b] != TRIE_NONE) {
      live |= (uint64_t)1 << b;
    } else {
      path[b][dn->levels] = TRIE_NONE;
      end[b]->absent = (uint8_t)dn->levels;
    }
  }
  for (l = dn->levels; l < DENSE_MAX && live; l++) {
    /* The lines of the shortest length are asked for here, those of the
     * longer ones as soon as the node before is found (below). */
    for (m = l == dn->levels ? live : 0; m; m &= m - 1) {
      uint32_t id;
      uint8_t sym;

      b = (unsigned)__builtin_ctzll(m);
      id = par[b];
      sym = s[j0 + b - l - 1];
      __builtin_prefetch(trie_at(tr, id));
      if (id >> TRIE_INDEX_BITS == 1) {
        __builtin_prefetch(&tr->pair_child[(id & TRIE_INDEX_MASK) * 256 + sym]);
      } else {
        const struct trie_table *tb = &tr->tab[id >> TRIE_INDEX_BITS][0];
        __builtin_prefetch(&tb->slot[trie_hash(trie_key(id, sym), tb)]);
      }
    }
    for (m = live; m; m &= m - 1) {
      uint32_t c;

      b = (unsigned)__builtin_ctzll(m);
      if (l > dn->levels) {
        const struct trie_node *nd = trie_at(tr, par[b]);

        /* The walk ends after a context of length stop + 1 or more
         * outside the dictionary, and at a leaf. */
        if (l - 1 >= stop && nd->best == 0) {
          live &= ~((uint64_t)1 << b);
          continue;
        }
        if (nd->flags & TRIE_LEAF) {
          end[b]->lazy = (uint8_t)l;
          live &= ~((uint64_t)1 << b);
          continue;
        }
        c = trie_child_of(tr, nd, par[b], s[j0 + b - l - 1]);
      } else {
        c = trie_child(tr, par[b], s[j0 + b - l - 1]);
      }
      path[b][l] = par[b] = c;
      if (c == TRIE_NONE) {
        end[b]->absent = (uint8_t)l;
        live &= ~((uint64_t)1 << b);
      } else {
        const struct trie_table *tb = &tr->tab[c >> TRIE_INDEX_BITS][1];
        __builtin_prefetch(&tb->slot[trie_hash(trie_key(c, s[j0 + b]), tb)]);
        __builtin_prefetch(trie_at(tr, c));
        if (l + 1 < DENSE_MAX) {
          tb = &tr->tab[c >> TRIE_INDEX_BITS][0];
          __builtin_prefetch(&tb->slot[trie_hash(trie_key(c, s[j0 + b - l - 2]), tb)]);
        }
      }
    }
  }
}

static void walk_ring_init(struct walk_ring *w)
{
  unsigned r;

  for (r = 0; r < WALK_RING; r++)
    w->stamp[r] = UINT64_MAX;
}

/* The path of step i into path[levels..top] (nothing while top < levels):
 * the one walked ahead when it still holds, else walked now; returns the
 * first length from which the step must look up the nodes itself (see
 * walk_end; DENSE_MAX when none). Unless plain, every WALK_BATCH steps from
 * first (the first step of the loop) the steps WALK_AHEAD ahead are walked,
 * when they all lie before n and have every context length (j > DENSE_MAX).
 * keep > 0: step i looks up the contexts of step i - 1 (walk_same), whose
 * nodes path[levels..keep-1] still holds; the step keeps them. */
static unsigned walk_step(struct walk_ring *w, const struct trie *tr,
                          const struct ctx_dense *dn, const uint8_t *s, size_t i,
                          size_t first, size_t n, unsigned top, unsigned stop,
                          int plain, unsigned keep, uint32_t *path)
{
  unsigned r = (unsigned)(i & (WALK_RING - 1)), l;
  struct walk_end e;

  if (top < dn->levels)
    return DENSE_MAX; /* no context long enough for the trie yet */
  if (!plain && (i - first) % WALK_BATCH == 0 && i + WALK_AHEAD + WALK_BATCH <= n &&
      i + WALK_AHEAD > DENSE_MAX)
    walk_batch(w, tr, dn, s, i + WALK_AHEAD, stop);
  if (keep) {
    w->stamp[r] = UINT64_MAX;
    return keep;
  }
  if (w->stamp[r] == UINT64_MAX) {
    e = walk_path(tr, dn, s, i, top, stop, path);
    return e.absent < e.lazy ? e.absent + 1u : e.lazy;
  }
  for (l = dn->levels; l <= top; l++)
    path[l] = w->path[r][l];
  e = w->end[r];
  if (e.absent < e.lazy)
    /* Nodes added since the walk may be where it found none. */
    e.lazy = (uint8_t)(e.absent + (w->stamp[r] == tr->created));
  w->stamp[r] = UINT64_MAX; /* used: the slot's next walk is of another step */
  return e.lazy;
}

/* ---- MultiMMC: §6.3.9 ------------------------------------------------- */

/* D = 16 Markov models, of orders 1..16 (§6.3.9 step 1). */
#define MMC_D 16
/* Each model keeps at most 100,000 (context, next symbol) pairs
 * (§6.3.9, maxEntries). */
#define MMC_MAX_ENTRIES 100000u

/* A digest of what the models predicted (for tests: mb_est_multi_mmc_trace,
 * mb_est_lz78y_trace). */
#define TRACE_START 0xCBF29CE484222325ull /* a digest before any value */
static uint64_t trace_mix(uint64_t h, uint64_t v)
{
  return (h ^ v) * 0x100000001B3ull;
}

struct mmc_board {
  uint64_t score[MMC_D];
  unsigned winner;
};

/* Score model d's prediction of y; the run counts only the winner's. */
static inline void mmc_predicted(struct mmc_board *b, unsigned d, unsigned cur_winner,
                                 uint8_t pred, uint8_t y, struct pred_tally *t)
{
  if (pred == y) {
    if (++b->score[d] >= b->score[b->winner])
      b->winner = d;
    if (d == cur_winner)
      pred_hit(t);
  } else if (d == cur_winner) {
    t->run = 0;
  }
}

/* Binary data: model d's contexts of d+1 bits index a flat table of pairs of
 * counts, 2^(d+2) entries. A context is never missing from a model while
 * present in a longer one (the shorter models, of at most 2^16 pairs, never
 * reach the cap), so an absent pair is simply counted from zero, and each
 * model's table evolves independently of the others and of the scoreboard.
 *
 * That allows the work to be done in chunks of steps, one model at a time
 * (phase 1: each model's table stays hot in cache and no step waits for
 * another), recording per step whether the model had the context and
 * whether its prediction was right; then the scoreboard runs over the
 * recorded bits (phase 2), 64 steps at a time: as for Lag, only models
 * within 64 of the top score can become the winner within those steps, so
 * only they are followed step by step and the others are brought up to
 * date with a popcount. The outcome is that of the plain step-by-step
 * procedure, prediction for prediction. */
#define MMC_CHUNK 4096
/* The passes prefetch the table entry of the step this many ahead: the
 * tables of the long orders (up to 512 KB) do not stay in the first cache
 * levels, and the steps' entries are known in advance (about 5-10 % less
 * time on 32 Mbit; LZ78Y's passes gained nothing from it). The entries
 * past a chunk's end are stale or zero, always within the table. */
#define MMC_AHEAD 16

struct mmc_bits {
  uint64_t seen[MMC_D][MMC_CHUNK / 64]; /* model d had the context */
  uint64_t hit[MMC_D][MMC_CHUNK / 64];  /* ... and predicted right */
  uint32_t hist[MMC_CHUNK + MMC_AHEAD]; /* bit j: S[i-1-j]; see MMC_AHEAD */
  uint64_t ywords[MMC_CHUNK / 64];      /* S[i] as bits */
};

/* Model d's table of differences (see mmc_binary): all of them lie in one
 * array, the longer orders after the shorter ones, each MMC_STAGGER
 * entries (64 bytes) further on than the one before. Without that gap the
 * tables of orders 12 and up start at the same offset within a 4 KB page,
 * so one step's entries in them share their low 12 address bits, and the
 * processor takes each load for one that may depend on the step's store to
 * the table before ("4K aliasing"), and makes it wait. */
#define MMC_STAGGER 16

static inline int32_t *mmc_table(int32_t *dt, unsigned d)
{
  return dt + ((size_t)2 << d) - 2 + MMC_STAGGER * d;
}

/* Phase 1 of the shortest orders, models 0..q-1 (q = MMC_WORD_D), once
 * each knows all of its contexts, 64 steps at a time: step b of a word has
 * context c of model d when mask[d][c] has bit b. A context whose c1 - c0
 * cannot change sign before its last step in the word (it moves by one at
 * each of its steps) predicts the same bit at all of them, so its outcomes
 * are its steps with that next bit; a context near the sign change goes
 * step by step. Each context's counts grow by its steps with a 0 and with
 * a 1 next, counted for the longest order and summed for the shorter ones
 * (a context's steps are those of its two extensions by one older bit).
 * The outcome is that of the tables, prediction for prediction. The tables
 * hold 2 (c1 - c0) + 1 (see mmc_binary). */
#define MMC_WORD_D 4

static void mmc_binary_words(struct mmc_bits *mb, size_t len, int32_t *dt)
{
  const unsigned q = MMC_WORD_D;
  uint64_t prev = 0, mask[MMC_WORD_D][(size_t)2 << (MMC_WORD_D - 1)];
  uint32_t ones[MMC_WORD_D][(size_t)2 << (MMC_WORD_D - 1)];
  uint32_t zeros[MMC_WORD_D][(size_t)2 << (MMC_WORD_D - 1)];
  unsigned j, d;
  size_t w, c;

  /* The bits before the chunk, S[a-1-j] at bit 63-j, as in a word. */
  for (j = 0; j < q; j++)
    prev |= (uint64_t)((mb->hist[0] >> j) & 1u) << (63 - j);
  for (w = 0; w * 64 < len; w++) {
    size_t m = len - w * 64 < 64 ? len - w * 64 : 64;
    uint64_t y = mb->ywords[w], lm = m == 64 ? ~(uint64_t)0 : ((uint64_t)1 << m) - 1;

    /* Bit j of the context: S[i-1-j]. */
    for (d = 0; d < q; d++) {
      uint64_t x = (y << (d + 1)) | (prev >> (63 - d));

      for (c = 0; c < (size_t)2 << d; c++) {
        uint64_t up = d ? mask[d - 1][c & (((size_t)1 << d) - 1)] : lm;
        mask[d][c] = up & ((c >> d) & 1 ? x : ~x);
      }
    }
    for (c = 0; c < (size_t)2 << (q - 1); c++) {
      ones[q - 1][c] = mb_popcount64(mask[q - 1][c] & y);
      zeros[q - 1][c] = mb_popcount64(mask[q - 1][c]) - ones[q - 1][c];
    }
    for (d = q - 1; d-- > 0;) {
      for (c = 0; c < (size_t)2 << d; c++) {
        ones[d][c] = ones[d + 1][c] + ones[d + 1][c + ((size_t)2 << d)];
        zeros[d][c] = zeros[d + 1][c] + zeros[d + 1][c + ((size_t)2 << d)];
      }
    }
    for (d = 0; d < q; d++) {
      uint64_t hits = 0;
      int32_t *tb = mmc_table(dt, d);

      for (c = 0; c < (size_t)2 << d; c++) {
        uint64_t mk = mask[d][c];
        int32_t v = tb[c], diff = (v - 1) / 2; /* known: v = 2 (c1 - c0) + 1 */
        int32_t occ = (int32_t)(ones[d][c] + zeros[d][c]);

        if (diff >= occ - 1) {
          hits |= mk & y; /* predicts 1 at each of its steps */
        } else if (diff <= -occ) {
          hits |= mk & ~y; /* predicts 0 */
        } else {
          for (; mk; mk &= mk - 1) {
            unsigned b = (unsigned)__builtin_ctzll(mk), yb = (unsigned)(y >> b) & 1u;

            hits |= (uint64_t)((diff >= 0) == (int)yb) << b;
            diff += yb ? 1 : -1;
          }
        }
        tb[c] = v + 2 * ((int32_t)ones[d][c] - (int32_t)zeros[d][c]);
      }
      mb->seen[d][w] = ~(uint64_t)0;
      mb->hit[d][w] = hits;
    }
    prev = y;
  }
}

/* Phase 1 of models d..d+k-1 (k <= MMC_PASS, d + k < MMC_D) in one pass
 * over the chunk, on the tables of differences. A model that has seen every
 * context (complete) skips the check; the others record it and count their
 * new contexts in known[]. Each bit enters its word at the top and moves
 * down one place a step: no shift by a variable amount. */
#define MMC_PASS 4
/* Each pass prefetches (see MMC_AHEAD) the tables of the orders from 12 on
 * (16 KB of differences and more), which do not all stay in the first
 * cache level beside the others. */
#define MMC_PREFETCH_D 11
#define MMC_TOP ((uint64_t)1 << 63)

static inline __attribute__((always_inline)) void
mmc_binary_pass(struct mmc_bits *mb, size_t len, int32_t *dt, uint32_t *known,
                unsigned d, unsigned k, int complete)
{
  unsigned j;
  size_t w, b;

  for (w = 0; w * 64 < len; w++) {
    size_t m = len - w * 64 < 64 ? len - w * 64 : 64;
    uint64_t y = mb->ywords[w], low[MMC_PASS] = {0}, seen[MMC_PASS] = {0};
    const uint32_t *hist = mb->hist + w * 64;

    for (b = 0; b < m; b++) {
      uint32_t h = hist[b];
      int32_t step = (int32_t)((y >> b) & 1) * 4 - 2; /* 2 (c1 - c0) moves by 2 */

#pragma GCC unroll 4
      for (j = 0; j < k; j++)
        if (d + j >= MMC_PREFETCH_D)
          __builtin_prefetch(
              mmc_table(dt, d + j) + (hist[b + MMC_AHEAD] & ((2u << (d + j)) - 1)), 1);
#pragma GCC unroll 4 /* keeps low[] and seen[] in registers */
      for (j = 0; j < k; j++) {
        int32_t *c = mmc_table(dt, d + j) + (h & ((2u << (d + j)) - 1)), v = *c;

        low[j] = low[j] >> 1 | ((uint64_t)(int64_t)v & MMC_TOP); /* c1 < c0 */
        if (!complete) {
          seen[j] = seen[j] >> 1 | (uint64_t)(v != 0) << 63;
          v |= 1;
        }
        *c = v + step;
      }
    }
#pragma GCC unroll 4
    for (j = 0; j < k; j++) {
      /* Predicted 1 where not low (ties predict 1): hit where low != y. */
      mb->hit[d + j][w] = (low[j] >> (64 - m)) ^ y;
      mb->seen[d + j][w] = complete ? ~(uint64_t)0 : seen[j] >> (64 - m);
      /* Each step that did not know its context made it known. */
      if (!complete)
        known[d + j] += (uint32_t)m - mb_popcount64(seen[j]);
    }
  }
}

/* Phase 1 of model d (d < MMC_D - 1) for the plain path: its table of
 * pairs of counts, step by step. */
static void mmc_binary_plain(struct mmc_bits *mb, size_t len, uint64_t *tb, unsigned d)
{
  uint32_t mask = (2u << d) - 1;
  size_t w, b;

  for (w = 0; w * 64 < len; w++) {
    size_t m = len - w * 64 < 64 ? len - w * 64 : 64;
    uint64_t y = mb->ywords[w], pred = 0, seen = 0;

    for (b = 0; b < m; b++) {
      uint64_t *c = tb + (mb->hist[w * 64 + b] & mask), v = *c;

      seen |= (uint64_t)(v != 0) << b;
      pred |= (uint64_t)((uint32_t)(v >> 32) >= (uint32_t)v) << b; /* ties: 1 */
      *c = v + ((uint64_t)1 << (32 * ((y >> b) & 1)));
    }
    mb->seen[d][w] = seen;
    mb->hit[d][w] = ~(pred ^ y);
  }
}

/* Whether models d..d+3 (d+2 for d = 12) have all seen every context. */
static int mmc_complete(const uint32_t *known, unsigned d)
{
  unsigned j;

  for (j = d; j < d + MMC_PASS && j < MMC_D - 1; j++)
    if (known[j] <= (2u << j) - 1)
      return 0;
  return 1;
}

/* mmc_binary_pass() on the group of orders from d + 1 (0, 4, 8, 12: four
 * orders, three for the last below 16), every argument a constant: with
 * constant orders, masks and table offsets the pass takes about a fifth
 * less time than with them in registers. A complete order may go with the
 * check: it finds every context seen. */
#define MMC_BINARY_PASS(mb, len, dt, known, d, complete)                               \
  do {                                                                                 \
    unsigned k_ = (d) + MMC_PASS < MMC_D - 1 ? MMC_PASS : MMC_D - 1 - (d);             \
    if (complete)                                                                      \
      mmc_binary_pass(mb, len, dt, known, d, k_, 1);                                   \
    else                                                                               \
      mmc_binary_pass(mb, len, dt, known, d, k_, 0);                                   \
  } while (0)

/* Phase 1 of the order-16 model, which can reach the cap, on its table of
 * differences with the two flags (see mmc_binary); on the plain path (dt
 * NULL) on its pairs of counts, c0 low and c1 high in a 64-bit word.
 * Branch-free: whether a pair is new is a coin flip on random data. Unless
 * plain, a chunk that cannot reach the cap, or starts at it, has room for a
 * new pair at every step or at none (room 1 or 0): its steps then do not
 * wait for each other's count of pairs (room 2: each step looks). */
static inline __attribute__((always_inline)) void
mmc_binary_last(struct mmc_bits *mb, size_t len, uint64_t *tb, int32_t *dt,
                uint32_t *entries, unsigned room_all)
{
  uint32_t mask = (1u << MMC_D) - 1, ent = entries[MMC_D - 1];
  size_t w, b;

  for (w = 0; w * 64 < len; w++) {
    size_t m = len - w * 64 < 64 ? len - w * 64 : 64;
    uint64_t y = mb->ywords[w], low = 0, seen = 0;
    const uint32_t *hist = mb->hist + w * 64;

    for (b = 0; dt && b < m; b++) {
      uint32_t yi = (uint32_t)(y >> b) & 1u, fresh;
      uint32_t room = room_all < 2 ? room_all : ent < MMC_MAX_ENTRIES;
      int32_t *c = dt + (hist[b] & mask), v = *c, flag = 1 + (int32_t)yi, take;

      __builtin_prefetch(dt + (hist[b + MMC_AHEAD] & mask), 1);
      low = low >> 1 | ((uint64_t)(int64_t)v & MMC_TOP);
      seen = seen >> 1 | (uint64_t)(v != 0) << 63;
      fresh = (v & flag) == 0;
      take = -(int32_t)((fresh ^ 1u) | room); /* all ones when counted */
      *c = v + ((((v | flag) + 8 * (int32_t)yi - 4) - v) & take);
      ent += fresh & room;
    }
    for (b = 0; !dt && b < m; b++) {
      uint32_t yi = (uint32_t)(y >> b) & 1u, room = ent < MMC_MAX_ENTRIES, fresh;
      uint64_t *c = tb + (hist[b] & mask), v = *c;

      __builtin_prefetch(tb + (hist[b + MMC_AHEAD] & mask), 1);
      low = low >> 1 | (uint64_t)((uint32_t)(v >> 32) < (uint32_t)v) << 63;
      seen = seen >> 1 | (uint64_t)(v != 0) << 63;
      fresh = (uint32_t)(v >> (32 * yi)) == 0;
      *c = v + ((uint64_t)((fresh ^ 1u) | room) << (32 * yi));
      ent += fresh & room;
    }
    mb->seen[MMC_D - 1][w] = seen >> (64 - m);
    mb->hit[MMC_D - 1][w] = (low >> (64 - m)) ^ y;
  }
  entries[MMC_D - 1] = ent;
}

/* Phase 1 for steps a..e-1 (a >= 17, so every model predicts). On the
 * plain path (dt NULL) each model's table of pairs of counts goes step by
 * step. Otherwise orders 1-4 go by words once they have seen every context,
 * and the orders below 16 four to a pass (orders 1-4, 5-8, 9-12, 13-15). */
static void mmc_binary_models(const uint8_t *s, size_t a, size_t e,
                              uint64_t *const *tab, int32_t *dt, uint32_t *entries,
                              uint32_t *known, struct mmc_bits *mb)
{
  size_t w, len = e - a;
  unsigned d, q = 0;

  for (w = 0; w * 64 < len; w++) {
    uint8_t yb[64];
    size_t m = len - w * 64 < 64 ? len - w * 64 : 64;
    for (d = 0; d < m; d++)
      yb[d] = s[a + w * 64 + d] & 1;
    mb->ywords[w] = pack64(yb, m);
  }
  if (!dt) {
    for (d = 0; d < MMC_D - 1; d++)
      mmc_binary_plain(mb, len, tab[d], d);
    mmc_binary_last(mb, len, tab[MMC_D - 1], NULL, entries, 2);
    return;
  }
  /* Orders 1-4 by words once each has seen every context (within the
   * first chunks on any data that has them). */
  while (q < MMC_WORD_D && known[q] > (2u << q) - 1)
    q++;
  if (q == MMC_WORD_D)
    mmc_binary_words(mb, len, dt);
  else
    MMC_BINARY_PASS(mb, len, dt, known, 0, 0);
  MMC_BINARY_PASS(mb, len, dt, known, 4, mmc_complete(known, 4));
  MMC_BINARY_PASS(mb, len, dt, known, 8, mmc_complete(known, 8));
  MMC_BINARY_PASS(mb, len, dt, known, 12, mmc_complete(known, 12));
  /* Constant room, so that each loop is compiled for it. */
  if (entries[MMC_D - 1] >= MMC_MAX_ENTRIES)
    mmc_binary_last(mb, len, NULL, mmc_table(dt, MMC_D - 1), entries, 0);
  else if (entries[MMC_D - 1] + len <= MMC_MAX_ENTRIES)
    mmc_binary_last(mb, len, NULL, mmc_table(dt, MMC_D - 1), entries, 1);
  else
    mmc_binary_last(mb, len, NULL, mmc_table(dt, MMC_D - 1), entries, 2);
}

/* Phase 2 for the same steps. A word in which no other model is within
 * reach of the winner (usual once the scores have spread) is the winner's
 * alone: its outcomes go to the tally as a word when it predicted at every
 * step. Unless plain, only the models within reach go step by step. */
static void mmc_binary_board(size_t len, struct mmc_bits *mb, uint64_t *score,
                             uint64_t *wscore_io, unsigned *winner_io,
                             struct pred_tally *t, int plain)
{
  uint64_t wscore = *wscore_io;
  unsigned winner = *winner_io, d;
  size_t w, b;

  for (w = 0; w * 64 < len; w++) {
    size_t steps = len - w * 64 < 64 ? len - w * 64 : 64;
    uint64_t found = ~(uint64_t)0, hits[MMC_D];
    uint64_t full = steps == 64 ? ~(uint64_t)0 : ((uint64_t)1 << steps) - 1;
    unsigned cand = 0;

    /* A model predicts only if every shorter one did (§6.3.9 step 3b). */
    for (d = 0; d < MMC_D; d++) {
      found &= mb->seen[d][w];
      mb->seen[d][w] = found;
      hits[d] = mb->hit[d][w] & found & full;
      if (plain || wscore - score[d] <= steps)
        cand |= 1u << d;
    }
    if (cand == 1u << winner && (mb->seen[winner][w] & full) == full) {
      pred_tally_word(t, hits[winner], (unsigned)steps);
      cand = 0; /* every score, the winner's too, grows by a popcount */
    }
    for (b = 0; cand && b < steps; b++) {
      unsigned cur = winner, m;

      /* The run follows the previous winner; no prediction leaves it be. */
      if ((mb->seen[cur][w] >> b) & 1)
        pred_tally_add(t, (hits[cur] >> b) & 1);
      /* Branch-free: whether a model is right is a coin flip. */
      for (m = cand; m; m &= m - 1) {
        uint64_t hit, sc;
        int take;

        d = (unsigned)__builtin_ctz(m);
        hit = (hits[d] >> b) & 1;
        sc = score[d] += hit;
        take = hit && sc >= wscore;
        wscore = take ? sc : wscore;
        winner = take ? d : winner;
      }
    }
    for (d = 0; d < MMC_D; d++)
      if (!(cand >> d & 1))
        score[d] += mb_popcount64(hits[d]);
    wscore = score[winner];
  }
  *wscore_io = wscore;
  *winner_io = winner;
}

static int mmc_binary(const uint8_t *s, size_t n, int plain, struct pred_tally *t,
                      uint64_t *trace)
{
  uint64_t *tab[MMC_D], *all, score[MMC_D] = {0}, wscore = 0;
  int32_t *dt = NULL;
  uint32_t entries[MMC_D] = {0}, known[MMC_D] = {0}, hist = 0;
  struct mmc_bits *mb;
  size_t i, a, e, off = 0;
  unsigned d, winner = 0;

  all = calloc((size_t)1 << (MMC_D + 1), sizeof *all);
  mb = malloc(sizeof *mb);
  if (!all || !mb) {
    free(all);
    free(mb);
    return MB_ENOMEM;
  }
  memset(mb->hist, 0, sizeof mb->hist);
  for (d = 0; d < MMC_D; d++) {
    tab[d] = all + off;
    off += (size_t)1 << (d + 1);
  }
  /* Each model starts with the first pair of its order. */
  for (d = 0; d < MMC_D && d + 2 < n; d++) {
    hist = 0;
    for (i = 0; i <= d; i++)
      hist |= (uint32_t)(s[d - i] & 1) << i;
    tab[d][hist] = (uint64_t)1 << (32 * (s[d + 1] & 1));
    entries[d] = 1;
  }
  /* The first steps, while the longer models have no context yet. */
  hist = (uint32_t)(s[0] & 1) << 1 | (s[1] & 1);
  for (i = 2; i < n && i < MMC_D + 1; i++) {
    unsigned cur = winner, top = (unsigned)(i - 2);
    uint32_t y = s[i] & 1, found = 1;

    for (d = 0; d <= top; d++) {
      uint64_t *c = tab[d] + (hist & ((2u << d) - 1)), v = *c;
      uint32_t c0 = (uint32_t)v, c1 = (uint32_t)(v >> 32), cy = y ? c1 : c0;
      uint32_t room = entries[d] < MMC_MAX_ENTRIES, hit;

      found &= v != 0;
      hit = found & ((uint32_t)(c0 <= c1) == y);
      if (found && d == cur)
        pred_tally_add(t, hit);
      if (hit && ++score[d] >= wscore) {
        wscore = score[d];
        winner = d;
      }
      *c = v + ((uint64_t)((cy != 0) | room) << (32 * y));
      entries[d] += (cy == 0) & room;
    }
    hist = hist << 1 | y;
  }
  /* Contexts seen so far, per order, so that a complete order can skip
   * the check. */
  for (d = 0; d < MMC_D; d++)
    for (off = 0; off < (size_t)2 << d; off++)
      known[d] += tab[d][off] != 0;
  /* Only the sign of c1 - c0 is needed, and whether a context was seen;
   * for the order-16 model after the cap, also whether each of its pairs
   * is held. Unless plain, the tables hold in 32 bits (half the memory:
   * order 16 fits the second cache level) 2 (c1 - c0) + 1 for a context
   * seen and 0 for one never seen, and for order 16 4 (c1 - c0) + the
   * flags 1 (c0 > 0) and 2 (c1 > 0). The prediction is 1 where that is not
   * negative. |c1 - c0| < n < 2^29. */
  if (!plain && n < (size_t)1 << 29) {
    dt = malloc((((size_t)2 << MMC_D) + MMC_STAGGER * MMC_D) * sizeof *dt);
    if (!dt) {
      free(all);
      free(mb);
      return MB_ENOMEM;
    }
    for (d = 0; d < MMC_D; d++) {
      for (e = 0; e < (size_t)2 << d; e++) {
        uint64_t v = tab[d][e];
        int32_t c0 = (int32_t)(uint32_t)v, c1 = (int32_t)(v >> 32);

        mmc_table(dt, d)[e] = d < MMC_D - 1 ? (v ? 2 * (c1 - c0) + 1 : 0)
                                            : 4 * (c1 - c0) + (c0 > 0) + 2 * (c1 > 0);
      }
    }
    /* The pairs of counts are not read again. */
    free(all);
    all = NULL;
    for (d = 0; d < MMC_D; d++)
      tab[d] = NULL;
  }
  for (a = i; a < n; a = e) {
    e = n - a < MMC_CHUNK ? n : a + MMC_CHUNK;
    for (i = a; i < e; i++) {
      mb->hist[i - a] = hist;
      hist = hist << 1 | (s[i] & 1);
    }
    mmc_binary_models(s, a, e, tab, dt, entries, known, mb);
    for (d = 0; trace && d < MMC_D; d++) {
      for (off = 0; off * 64 < e - a; off++) {
        size_t m = e - a - off * 64 < 64 ? e - a - off * 64 : 64;
        uint64_t seen = mb->seen[d][off] & (~(uint64_t)0 >> (64 - m));

        *trace = trace_mix(trace_mix(*trace, seen), mb->hit[d][off] & seen);
      }
    }
    mmc_binary_board(e - a, mb, score, &wscore, &winner, t, plain);
  }
  if (trace)
    *trace = trace_mix(*trace, entries[MMC_D - 1]);
  free(all);
  free(dt);
  free(mb);
  return MB_OK;
}

/* Wide alphabets: dense short orders (above), the trie for longer ones.
 *
 * Leaves. While the models fill (about the first 100,000 steps), nearly
 * every step meets a context never seen before at some order, and every
 * longer context at that step is new as well: creating a node for each,
 * most never visited again, used to be most of the work. A context seen
 * once has had its longer contexts seen once too, at the same step p, each
 * holding the one postfix S[p] in the models that still took pairs then.
 * So a step creates the node of its shortest new context only, as a leaf
 * holding p (trie_node.child, TRIE_LEAF) when a longer model took a pair,
 * and only counts the longer ones' entries. A later step that needs a
 * child of a leaf first unfolds it (mmc_unfold): the node gets its one
 * child, the context one symbol longer at p, itself a leaf while a longer
 * model took a pair at p. The models hold the same pairs and counts as
 * when every node is created, so the predictions are the same; which
 * models took pairs at step p follows from the step at which each filled
 * (full_at). A leaf's children were never looked up (the walks stop at a
 * leaf), so unfolding leaves every path found earlier valid. */
struct mmc_fill {
  uint32_t entries[MMC_D];
  uint32_t full_at[MMC_D]; /* the step at which model d reached its cap, or
                              UINT32_MAX: it took pairs at step p <= full_at */
};

/* Model d takes a new pair at step i. */
static inline void mmc_took(struct mmc_fill *f, unsigned d, size_t i)
{
  if (++f->entries[d] == MMC_MAX_ENTRIES)
    f->full_at[d] = (uint32_t)i;
}

/* Whether a model longer than d took a pair at step p (p >= 2). */
static int mmc_longer_took(const struct mmc_fill *f, size_t p, unsigned d)
{
  unsigned e, top = p - 2 < MMC_D - 1 ? (unsigned)(p - 2) : MMC_D - 1;

  for (e = d + 1; e <= top; e++)
    if (f->full_at[e] >= p)
      return 1;
  return 0;
}

/* mmc_longer_took() for the current step i, from capped_from (the models
 * from it on are full, the one before it is not): models longer than d not
 * yet full, at this step before any of them took a pair. Before step 17
 * no model can be full. */
static int mmc_longer_open(size_t i, unsigned d, unsigned top, unsigned capped_from)
{
  return i < MMC_D + 1 ? d < top : d + 1 < capped_from;
}

/* Unfolds the leaf id, a context of length l seen once, at step p: it gets
 * its child, the context of length l + 1 at p (order l + 1, model l),
 * holding S[p] once if model l took a pair at step p, and a leaf of p while
 * a longer model did. Returns MB_OK or MB_ENOMEM. */
static int mmc_unfold(struct trie *tr, uint32_t id, const uint8_t *s,
                      const struct mmc_fill *f)
{
  struct trie_node *nd = trie_at(tr, id);
  size_t p = nd->child;
  unsigned d = id >> TRIE_INDEX_BITS;
  uint32_t c;

  nd->child = TRIE_NONE;
  nd->flags &= (uint8_t)~TRIE_LEAF;
  if ((c = trie_add_child(tr, id, s[p - d - 1], 1)) == TRIE_NONE)
    return MB_ENOMEM;
  nd = trie_at(tr, c);
  if (f->full_at[d] >= p) {
    nd->best = nd->first_count = 1;
    nd->best_y = nd->first_y = s[p];
  }
  if (mmc_longer_took(f, p, d)) {
    nd->flags |= TRIE_LEAF;
    nd->child = (uint32_t)p;
  }
  return MB_OK;
}

/* path[d], the node of the order-(d+1) context before position i or
 * TRIE_NONE, looked up in its parent path[d-1] (the anchor anchor_ctx for
 * the shortest order in the trie), unfolding the parent if a leaf. */
static int mmc_lookup(struct trie *tr, const struct ctx_dense *dn, const uint8_t *s,
                      size_t i, unsigned d, uint32_t *path, size_t anchor_ctx,
                      const struct mmc_fill *f)
{
  uint32_t par = d == dn->levels ? dn->anchor[anchor_ctx] : path[d - 1];

  path[d] = TRIE_NONE;
  if (par == TRIE_NONE)
    return MB_OK;
  if ((trie_at(tr, par)->flags & TRIE_LEAF) && mmc_unfold(tr, par, s, f) != MB_OK)
    return MB_ENOMEM;
  path[d] = trie_child(tr, par, s[i - d - 1]);
  return MB_OK;
}

/* mode: MMC_PLAIN walks at each step (no walks ahead), MMC_EAGER creates
 * every node (no leaves); for tests, all must give the same estimate. */
#define MMC_PLAIN 1
#define MMC_EAGER 2

static int mmc_general(const uint8_t *s, size_t n, unsigned k, int mode,
                       struct pred_tally *t, uint64_t *trace)
{
  struct trie tr;
  struct ctx_dense dn;
  struct mmc_board b;
  struct mmc_fill f;
  struct walk_ring *wr = malloc(sizeof *wr);
  uint32_t path[MMC_D];
  unsigned d, capped_from = MMC_D, keep = 0;
  size_t i;
  int added, rc, leaves = !(mode & MMC_EAGER);

  rc = trie_init(&tr);
  if (dense_init(&dn, k) != MB_OK || rc != MB_OK || !wr)
    goto nomem;
  walk_ring_init(wr);
  memset(&b, 0, sizeof b);
  memset(&f, 0, sizeof f);
  for (d = 0; d < MMC_D; d++)
    f.full_at[d] = UINT32_MAX;
  /* Model d starts with its first pair: S[0..d] followed by S[d+1]. */
  for (d = 0; d < MMC_D && d + 2 < n; d++) {
    uint32_t id;

    f.entries[d] = 1;
    if (d < dn.levels) {
      dense_count(&dn, d, dense_index(s, d + 1, d + 1, k), s[d + 1], 1);
      continue;
    }
    for (i = 0; i < MMC_D; i++)
      path[i] = TRIE_NONE;
    id = dense_make_path(&tr, &dn, s, d + 1, path, d,
                         dense_index(s, d + 1, dn.levels, k));
    if (id == TRIE_NONE || trie_count(&tr, id, s[d + 1], 1, &added) != MB_OK)
      goto nomem;
  }

  for (i = 2; i < n; i++) {
    unsigned cur = b.winner, top = i - 2 < MMC_D - 1 ? (unsigned)(i - 2) : MMC_D - 1;
    unsigned from;
    uint8_t y = s[i];
    int found = 0, ended = 0;
    size_t ctx = 0, mul = 1, anchor_ctx;

    /* A capped model without the context ends the step: the walk need not
     * go past the first one. Orders from `from` on are looked up here. */
    from = walk_step(wr, &tr, &dn, s, i, 2, n, top, capped_from, mode & MMC_PLAIN,
                     !(mode & MMC_PLAIN) && walk_same(s, i) ? keep : 0, path);
    for (d = 0; d < dn.levels && d <= top; d++) {
      ctx += s[i - d - 1] * mul;
      mul *= k;
      if (d == 0 || found)
        found = dn.best[d][ctx] > 0;
      if (found) {
        mmc_predicted(&b, d, cur, dn.best_y[d][ctx], y, t);
        if (trace)
          *trace = trace_mix(*trace, d << 8 | dn.best_y[d][ctx]);
        if (dense_count(&dn, d, ctx, y, f.entries[d] < MMC_MAX_ENTRIES))
          mmc_took(&f, d, i);
      } else if (f.entries[d] < MMC_MAX_ENTRIES) {
        /* Without a prediction the pair is counted, and counted as new. */
        dense_count(&dn, d, ctx, y, 1);
        mmc_took(&f, d, i);
      } else if (d >= capped_from) {
        ended = 1; /* nothing more to predict or count at this step */
        break;
      }
    }
    anchor_ctx = ctx;
    /* The trie's orders, unless the step ended among the dense ones. */
    for (d = ended ? top + 1 : d; d <= top; d++) {
      uint32_t id;
      struct trie_node *nd;
      int longer = -1;

      if (d >= from && mmc_lookup(&tr, &dn, s, i, d, path, anchor_ctx, &f) != MB_OK)
        goto nomem;
      id = path[d];
      nd = id != TRIE_NONE ? trie_at(&tr, id) : NULL;
      if (found)
        found = nd && nd->best > 0;
      if (found) {
        mmc_predicted(&b, d, cur, nd->best_y, y, t);
        if (trace)
          *trace = trace_mix(*trace, d << 8 | nd->best_y);
        if (trie_count_at(&tr, nd, id, y, f.entries[d] < MMC_MAX_ENTRIES, &added) !=
            MB_OK)
          goto nomem;
        if (added)
          mmc_took(&f, d, i);
      } else if (id != TRIE_NONE || !leaves) {
        if (f.entries[d] < MMC_MAX_ENTRIES) {
          if (id == TRIE_NONE &&
              (id = dense_make_path(&tr, &dn, s, i, path, d, anchor_ctx)) == TRIE_NONE)
            goto nomem;
          if (trie_count(&tr, id, y, 1, &added) != MB_OK)
            goto nomem;
          mmc_took(&f, d, i);
        } else if (d >= capped_from) {
          break;
        }
      } else if (f.entries[d] < MMC_MAX_ENTRIES ||
                 (longer = mmc_longer_open(i, d, top, capped_from))) {
        /* The step's shortest context without a node (its parent has one):
         * the only node it creates. */
        uint32_t par = d == dn.levels ? dn.anchor[anchor_ctx] : path[d - 1];

        if (par == TRIE_NONE && (par = dense_anchor(&tr, &dn, anchor_ctx)) == TRIE_NONE)
          goto nomem;
        if ((id = path[d] = trie_add_child(&tr, par, s[i - d - 1], 0)) == TRIE_NONE)
          goto nomem;
        if (f.entries[d] < MMC_MAX_ENTRIES) {
          if (trie_count(&tr, id, y, 1, &added) != MB_OK)
            goto nomem;
          mmc_took(&f, d, i);
        }
        if (longer < 0)
          longer = mmc_longer_open(i, d, top, capped_from);
        if (longer) {
          unsigned e;

          nd = trie_at(&tr, id);
          nd->flags |= TRIE_LEAF;
          nd->child = (uint32_t)i;
          /* The longer contexts are new: the models not full take them
           * (those from capped_from on are). */
          for (e = d + 1; e <= top && e < capped_from; e++)
            if (f.entries[e] < MMC_MAX_ENTRIES)
              mmc_took(&f, e, i);
        }
        break;
      } else {
        break; /* no model from d on takes a pair */
      }
    }
    /* The nodes the step looked up, for the next one if it keeps them. */
    keep = ended ? dn.levels : d > top ? top + 1 : d + 1;
    while (capped_from > 0 && f.entries[capped_from - 1] >= MMC_MAX_ENTRIES)
      capped_from--;
    if (trace)
      *trace = trace_mix(*trace, UINT64_MAX); /* the step's end */
  }
  for (d = 0; trace && d < MMC_D; d++)
    *trace = trace_mix(trace_mix(*trace, f.entries[d]), f.full_at[d]);
  rc = MB_OK;
  goto done;
nomem:
  rc = MB_ENOMEM;
done:
  trie_cleanup(&tr);
  dense_cleanup(&dn);
  free(wr);
  return rc;
}

int mb_est_multi_mmc(const uint8_t *s, size_t n, unsigned k, struct mb_estimate *out)
{
  return mb_est_multi_mmc_path(s, n, k, 0, out);
}

/* mb_est_multi_mmc_path(), with the digest of every prediction into
 * *trace when trace is not NULL (on binary data, from the chunks on: each
 * model's seen and hit bits, and the order-16 model's fill). */
static int mmc_estimate(const uint8_t *s, size_t n, unsigned k, int plain,
                        struct mb_estimate *out, uint64_t *trace)
{
  struct pred_tally t = {0, 0, 0};
  int rc;

  if (n < 3) {
    pred_skip(out, "needs at least 3 samples");
    return MB_OK;
  }
  if (n > PRED_MAX_SAMPLES) {
    pred_skip(out, "more than 4294967294 samples");
    return MB_OK;
  }
  rc = k <= 2 ? mmc_binary(s, n, plain, &t, trace)
              : mmc_general(s, n, k, plain, &t, trace);
  if (rc != MB_OK)
    return rc;
  /* The first two symbols are not predicted (§6.3.9 step 2). */
  pred_finish(out, t.correct, n - 2, t.longest, k < 2 ? 2 : k);
  return MB_OK;
}

int mb_est_multi_mmc_path(const uint8_t *s, size_t n, unsigned k, int plain,
                          struct mb_estimate *out)
{
  return mmc_estimate(s, n, k, plain, out, NULL);
}

int mb_est_multi_mmc_trace(const uint8_t *s, size_t n, unsigned k, int plain,
                           struct mb_estimate *out, uint64_t *trace)
{
  *trace = TRACE_START;
  return mmc_estimate(s, n, k, plain, out, trace);
}

/* ---- LZ78Y: §6.3.10 --------------------------------------------------- */

/* Contexts of the B = 16 previous symbols and shorter (§6.3.10 step 1). */
#define LZ_B 16
/* The dictionary holds at most 65,536 contexts over all lengths, counting
 * the 16 it starts with (§6.3.10 step 1, maxDictionarySize). */
#define LZ_MAX_DICT 65536u

/* Binary data: the contexts of j bits index a flat table of pairs of
 * counts, one 64-bit word each (c0 low, c1 high). While the dictionary
 * fills, step by step; once it is full (after a few thousand steps on most
 * data) no context is ever added again, the lengths no longer interact, and
 * the rest is done in chunks of steps, one context length at a time, each
 * keeping the best (count, length, prediction) key per step. */
#define LZ_CHUNK 4096
/* While the dictionary fills, chunks shorter than this go step by step. */
#define LZ_MIN_FILL 64

/* Whether every context in the dictionary of at least two bits has counts,
 * for both next bits, no larger than those of its longest shorter suffix in
 * the dictionary, which must exist. Once the dictionary is full no context
 * is added and every later step that counts (x, y) also counts (that
 * suffix of x, y), so this, true when the dictionary fills, stays true to
 * the end: along one step's contexts in the dictionary, from the shortest
 * up, the counts then never grow. (A context may be missing while a longer
 * one is in: the dictionary can fill in the middle of a step.) */
static int lz_nested(uint64_t *const *tab)
{
  uint32_t x;
  unsigned j, l;

  for (j = 2; j <= LZ_B; j++) {
    for (x = 0; x < (1u << j); x++) {
      uint64_t v = tab[j][x], u = 0;

      if (!v)
        continue;
      for (l = j - 1; l > 0 && !(u = tab[l][x & ((1u << l) - 1)]); l--)
        ;
      if (!u || (uint32_t)u < (uint32_t)v || (u >> 32) < (v >> 32))
        return 0;
    }
  }
  return 1;
}

/* Steps a..e-1 while the dictionary is nested (lz_nested): the largest
 * count is the shortest context's, and the prediction is that of the
 * longest context with that same count (§6.3.10 step 3c: largest count,
 * then longest context), found by following, shortest first, the steps
 * whose contexts have kept the count. Every table is still updated at
 * every step; only the search for the prediction is cut short.
 *
 * fill = 0: the dictionary is full, no context is added. fill = 1: it
 * has room for every context of every step (at most 16 a step), so each
 * one missing is added; until the dictionary fills, every step adds all
 * its contexts, so it is nested by construction (a context comes in no
 * later than its suffixes, and both are counted from then on). Returns
 * the number of contexts added. */
static uint32_t lz_binary_nested(const uint8_t *s, size_t a, size_t e,
                                 uint64_t *const *tab, const uint32_t *hists,
                                 uint32_t *top, uint8_t *pred, uint64_t fill)
{
  size_t i, len = e - a, alive = 0;
  uint32_t added = 0;
  unsigned j;

  for (i = 0; i < len; i++) {
    uint64_t *c = tab[1] + (hists[i] & 1u), v = *c;
    uint32_t c0 = (uint32_t)v, c1 = (uint32_t)(v >> 32);

    top[i] = c0 > c1 ? c0 : c1; /* 0: no context known, no prediction */
    pred[i] = (uint8_t)((c0 <= c1) | (top[i] != 0) << 1); /* bit 1: predicts */
    alive += top[i] != 0;
    added += v == 0;
    *c = v + ((fill | (v != 0)) << (32 * (s[a + i] & 1u)));
  }
  for (j = 2; j <= LZ_B; j++) {
    uint64_t *tb = tab[j];
    uint32_t mask = (1u << j) - 1;

    if (alive == 0 && j < LZ_B) {
      /* Nothing left to predict: only counts, two lengths a pass (the
       * hist and the symbol read once). */
      uint64_t *tb2 = tab[j + 1];
      uint32_t mask2 = 2 * mask + 1;

      for (i = 0; i < len; i++) {
        uint32_t h = hists[i], sh = 32 * (s[a + i] & 1u);
        uint64_t *c = tb + (h & mask), *c2 = tb2 + (h & mask2), v = *c, v2 = *c2;

        added += (uint32_t)(v == 0) + (uint32_t)(v2 == 0);
        *c = v + ((fill | (v != 0)) << sh);
        *c2 = v2 + ((fill | (v2 != 0)) << sh);
      }
      j++;
      continue;
    }
    if (alive == 0) {
      for (i = 0; i < len; i++) {
        uint64_t *c = tb + (hists[i] & mask), v = *c;
        added += v == 0;
        *c = v + ((fill | (v != 0)) << (32 * (s[a + i] & 1u)));
      }
      continue;
    }
    alive = 0;
    for (i = 0; i < len; i++) {
      uint64_t *c = tb + (hists[i] & mask), v = *c;
      uint32_t c0 = (uint32_t)v, c1 = (uint32_t)(v >> 32), cnt = c0 > c1 ? c0 : c1;
      /* A context outside the dictionary neither predicts nor ends the
       * search; one inside with a smaller count ends it. */
      uint32_t in = v != 0, same = in & (cnt == top[i]) & (top[i] != 0);

      pred[i] = same ? (uint8_t)(2u | (c0 <= c1)) : pred[i];
      top[i] = (in & !same) ? 0 : top[i];
      alive += top[i] != 0;
      added += v == 0;
      *c = v + ((fill | (v != 0)) << (32 * (s[a + i] & 1u)));
    }
  }
  return fill ? added : 0;
}

/* Whether, in a full and nested dictionary (lz_nested), every two-bit
 * context x2 is in the dictionary with both counts below those of its
 * one-bit suffix x1. Then, and to the end, the one-bit contexts alone make
 * the predictions: every step that counts (x2, y) also counts (x1, y), so
 * the gaps c_y(x1) - c_y(x2) never shrink; a step's longer contexts in the
 * dictionary have counts at most those of x2 (nested), so x1 has the one
 * largest count of the step. Nothing else needs counting from then on.
 *
 * On binary data this holds as soon as the dictionary is full: a two-bit
 * context keeps a gap of zero only while some pattern of three bits never
 * occurs, and data avoiding one has fewer than 65,536 distinct contexts of
 * 1..16 bits (42,760 at most, for 000 or 111), so it never fills the
 * dictionary. The check stays, and the chunked passes below remain for
 * data where it would fail. */
static int lz_short(uint64_t *const *tab)
{
  uint32_t x;

  for (x = 0; x < 4; x++) {
    uint64_t v = tab[2][x], u = tab[1][x & 1];

    if (!v || (uint32_t)v >= (uint32_t)u || (v >> 32) >= (u >> 32))
      return 0;
  }
  return 1;
}

/* Steps a..n-1 once lz_short() holds: each step predicts with its one-bit
 * context, the larger count, ties to 1 (both contexts are in the
 * dictionary). The four counts are kept here, and the steps go 64 at a
 * time: when each context's c1 - c0 is at least 64 from the sign change
 * (it moves by one a step), each predicts one bit for the whole word,
 * whose outcomes and counts are then bit operations; other words go step
 * by step. prev is S[a-1]. */
static void lz_binary_short(const uint8_t *s, size_t a, size_t n, uint64_t *tab1,
                            uint32_t prev, struct pred_tally *t)
{
  uint64_t c[2][2]; /* c[context][next bit] */
  size_t p;
  unsigned x;

  for (x = 0; x < 2; x++) {
    c[x][0] = (uint32_t)tab1[x];
    c[x][1] = tab1[x] >> 32;
  }
  for (p = a; p < n; p += 64) {
    unsigned len = n - p < 64 ? (unsigned)(n - p) : 64, b;
    uint64_t mask = len == 64 ? ~(uint64_t)0 : ((uint64_t)1 << len) - 1;
    uint64_t y = pack64(s + p, len), ctx = (y << 1 | prev) & mask, hits = 0;
    int64_t d0 = (int64_t)(c[0][1] - c[0][0]), d1 = (int64_t)(c[1][1] - c[1][0]);

    if ((d0 >= 64 || d0 <= -64) && (d1 >= 64 || d1 <= -64)) {
      /* Each context predicts one bit throughout: d moves by one a step. */
      uint64_t p0 = d0 >= 0 ? ~(uint64_t)0 : 0, p1 = d1 >= 0 ? ~(uint64_t)0 : 0;
      uint64_t pw = (ctx & p1) | (~ctx & p0);

      hits = ~(pw ^ y) & mask;
      c[0][1] += mb_popcount64(~ctx & y & mask);
      c[0][0] += mb_popcount64(~ctx & ~y & mask);
      c[1][1] += mb_popcount64(ctx & y);
      c[1][0] += mb_popcount64(ctx & ~y & mask);
    } else {
      for (b = 0; b < len; b++) {
        unsigned cx = (unsigned)(ctx >> b) & 1, yb = (unsigned)(y >> b) & 1;

        hits |= (uint64_t)((c[cx][1] >= c[cx][0]) == yb) << b;
        c[cx][yb]++;
      }
    }
    pred_tally_word(t, hits, len);
    prev = (unsigned)(y >> (len - 1)) & 1;
  }
}

static int lz_binary(const uint8_t *s, size_t n, int plain, struct pred_tally *t)
{
  uint64_t *tab[LZ_B + 1], *all, *best;
  uint32_t dict = 0, hist = 0, *hists, *top;
  uint8_t *pred;
  size_t i, a, e, off = 0;
  unsigned j;
  int nested = 0;

  all = calloc((size_t)1 << (LZ_B + 1), sizeof *all);
  best = malloc(LZ_CHUNK * sizeof *best);
  hists = malloc(LZ_CHUNK * sizeof *hists);
  top = malloc(LZ_CHUNK * sizeof *top);
  pred = malloc(LZ_CHUNK);
  if (!all || !best || !hists || !top || !pred) {
    free(all);
    free(best);
    free(hists);
    free(top);
    free(pred);
    return MB_ENOMEM;
  }
  for (j = 1; j <= LZ_B; j++) {
    tab[j] = all + off;
    off += (size_t)1 << j;
  }
  /* The contexts ending at S[15], each followed by S[16]. */
  for (i = 0; i < LZ_B; i++)
    hist = hist << 1 | (s[i] & 1);
  for (j = 1; j <= LZ_B; j++) {
    tab[j][hist & ((1u << j) - 1)] = (uint64_t)1 << (32 * (s[LZ_B] & 1));
    dict++;
  }
  hist = hist << 1 | (s[LZ_B] & 1);
  /* While the dictionary has room for every context of a chunk of steps,
   * chunks with the nested search; the last steps before it fills, and
   * every step on the plain path, one by one. */
  for (i = LZ_B + 1; !plain && i < n; i = e) {
    size_t len = (LZ_MAX_DICT - dict) / LZ_B;

    len = len < LZ_CHUNK ? len : LZ_CHUNK;
    if (len < LZ_MIN_FILL)
      break;
    e = n - i < len ? n : i + len;
    for (a = i; a < e; a++) {
      hists[a - i] = hist;
      hist = hist << 1 | (s[a] & 1);
    }
    dict += lz_binary_nested(s, i, e, tab, hists, top, pred, 1);
    for (a = i; a < e; a++)
      pred_tally_add(t, pred[a - i] == (2u | (s[a] & 1u)));
  }
  for (; i < n && dict < LZ_MAX_DICT; i++) {
    uint32_t y = s[i] & 1, pr = 0, tp = 0;

    /* Longest context first: the first of equal counts predicts. */
    for (j = LZ_B; j > 0; j--) {
      uint64_t *c = tab[j] + (hist & ((1u << j) - 1)), v = *c;
      uint32_t c0 = (uint32_t)v, c1 = (uint32_t)(v >> 32), cnt = c0 > c1 ? c0 : c1;
      uint32_t seen = v != 0, room = dict<LZ_MAX_DICT, better = cnt> tp;

      pr = better ? (uint32_t)(c0 <= c1) : pr; /* ties predict 1 */
      tp = better ? cnt : tp;
      *c = v + ((uint64_t)(seen | room) << (32 * y));
      dict += (seen ^ 1u) & room;
    }
    pred_tally_add(t, tp && pr == y);
    hist = hist << 1 | y;
  }
  if (i < n && !plain)
    nested = lz_nested(tab);
  for (a = i; a < n; a = e) {
    if (nested && lz_short(tab)) {
      lz_binary_short(s, a, n, tab[1], hist & 1u, t);
      break;
    }
    e = n - a < LZ_CHUNK ? n : a + LZ_CHUNK;
    for (i = a; i < e; i++) {
      hists[i - a] = hist;
      best[i - a] = 0;
      hist = hist << 1 | (s[i] & 1);
    }
    if (nested) {
      lz_binary_nested(s, a, e, tab, hists, top, pred, 0);
      for (i = a; i < e; i++)
        pred_tally_add(t, pred[i - a] == (2u | (s[i] & 1u)));
      continue;
    }
    /* Two lengths per pass over the chunk (faster than one or four). */
    for (j = LZ_B; j > 0; j -= 2) {
      uint64_t *ta = tab[j], *tb = tab[j - 1];
      uint32_t ma = (1u << j) - 1, mb = ma >> 1, ja = j << 1, jb = (j - 1) << 1;

      for (i = a; i < e; i++) {
        uint32_t h = hists[i - a], sh = 32 * (s[i] & 1u);
        uint64_t *c = ta + (h & ma), *d = tb + (h & mb), v = *c, u = *d, ka, kb, bst;
        uint32_t c0 = (uint32_t)v, c1 = (uint32_t)(v >> 32), cnt = c0 > c1 ? c0 : c1;
        uint32_t d0 = (uint32_t)u, d1 = (uint32_t)(u >> 32), dnt = d0 > d1 ? d0 : d1;

        /* Largest count, then longest context (§6.3.10 step 3c). */
        ka = (uint64_t)cnt << 6 | ja | (c0 <= c1);
        kb = (uint64_t)dnt << 6 | jb | (d0 <= d1);
        bst = best[i - a];
        bst = ka > bst ? ka : bst;
        best[i - a] = kb > bst ? kb : bst;
        *c = v + ((uint64_t)(v != 0) << sh);
        *d = u + ((uint64_t)(u != 0) << sh);
      }
    }
    for (i = a; i < e; i++)
      pred_tally_add(t, (best[i - a] >> 6) != 0 && (best[i - a] & 1) == (s[i] & 1));
  }
  free(all);
  free(best);
  free(hists);
  free(top);
  free(pred);
  return MB_OK;
}

/* Wide alphabets: the short contexts dense, the long ones in the trie.
 * Once the dictionary is full no context is added, so no
 * node either: the trie's shape no longer changes and a step's nodes
 * depend on the data alone. The walks down it (a chain of cache misses per
 * step: a node, the slot of its child, the child; the trie and its count
 * tables outgrow the second-level cache) are then made LZ_BATCH steps at a
 * time, one context length at a time: first asking for the cache lines of
 * every walk at that length, so that their misses overlap, then reading
 * them, and asking for the slots of the counts the steps will update. */
#define LZ_BATCH 32

/* The nodes of the contexts before positions i0 .. i0+len-1 (len at most
 * LZ_BATCH, i0 > LZ_B) into path[b][levels..top[b]-1], top[b] being the
 * first length without a node (LZ_B when none); as each step's own walk
 * finds them. */
static void lz_walk_batch(const struct trie *tr, const struct ctx_dense *dn,
                          const uint8_t *s, size_t i0, size_t len,
                          uint32_t (*path)[LZ_B], uint8_t *top)
{
  uint32_t par[LZ_BATCH];
  uint64_t live = 0, m;
  unsigned l, b;

  for (b = 0; b < len; b++) {
    par[b] = dn->anchor[dense_index(s, i0 + b, dn->levels, dn->k)];
    top[b] = (uint8_t)(par[b] != TRIE_NONE ? LZ_B : dn->levels);
    live |= (uint64_t)(par[b] != TRIE_NONE) << b;
  }
  for (l = dn->levels; l < LZ_B && live; l++) {
    for (m = live; m; m &= m - 1) {
      uint32_t id;
      uint8_t sym;

      b = (unsigned)__builtin_ctzll(m);
      id = par[b];
      sym = s[i0 + b - l - 1];
      if (id >> TRIE_INDEX_BITS == 1) {
        __builtin_prefetch(&tr->pair_child[(id & TRIE_INDEX_MASK) * 256 + sym]);
      } else {
        const struct trie_table *tb = &tr->tab[id >> TRIE_INDEX_BITS][0];
        __builtin_prefetch(trie_at(tr, id));
        __builtin_prefetch(&tb->slot[trie_hash(trie_key(id, sym), tb)]);
      }
    }
    for (m = live; m; m &= m - 1) {
      uint32_t c;

      b = (unsigned)__builtin_ctzll(m);
      c = path[b][l] = trie_child(tr, par[b], s[i0 + b - l - 1]);
      par[b] = c;
      if (c == TRIE_NONE) {
        top[b] = (uint8_t)l;
        live &= ~((uint64_t)1 << b);
      } else {
        const struct trie_table *tb = &tr->tab[c >> TRIE_INDEX_BITS][1];
        __builtin_prefetch(trie_at(tr, c));
        __builtin_prefetch(&tb->slot[trie_hash(trie_key(c, s[i0 + b]), tb)]);
      }
    }
  }
}

/* plain: every step walks the trie itself (for tests); trace, when not
 * NULL: the digest of every step's prediction and its count, and of the
 * trie's contexts it counted. */
static int lz_general(const uint8_t *s, size_t n, unsigned k, int plain,
                      struct pred_tally *t, uint64_t *trace)
{
  struct trie tr;
  struct ctx_dense dn;
  uint32_t dict = 0, own[LZ_B], (*rows)[LZ_B] = NULL, par;
  uint8_t tops[LZ_BATCH];
  size_t i, ctx[LZ_B], mul, batch_at = 0, batch_end = 0;
  unsigned j, l, top;
  int added, rc;

  rc = trie_init(&tr);
  if (dense_init(&dn, k) != MB_OK || rc != MB_OK)
    goto nomem;
  if (!plain && !(rows = malloc(LZ_BATCH * sizeof *rows)))
    goto nomem;
  /* The contexts ending at S[15], each followed by S[16]. */
  for (l = 0; l < LZ_B; l++)
    own[l] = TRIE_NONE;
  if (dense_make_path(&tr, &dn, s, LZ_B, own, LZ_B - 1,
                      dense_index(s, LZ_B, dn.levels, k)) == TRIE_NONE)
    goto nomem;
  for (l = 0; l < LZ_B; l++) {
    if (l < dn.levels)
      dense_count(&dn, l, dense_index(s, LZ_B, l + 1, k), s[LZ_B], 1);
    else if (trie_count(&tr, own[l], s[LZ_B], 1, &added) != MB_OK)
      goto nomem;
    dict++;
  }

  for (i = LZ_B + 1; i < n; i++) {
    uint8_t y = s[i], pred = 0;
    uint32_t best = 0, *path = own;

    for (l = 0, mul = 1; l < dn.levels; l++, mul *= k)
      ctx[l] = (l ? ctx[l - 1] : 0) + s[i - l - 1] * mul;
    if (rows && dict >= LZ_MAX_DICT) {
      if (i >= batch_end) {
        batch_at = i;
        batch_end = n - i < LZ_BATCH ? n : i + LZ_BATCH;
        lz_walk_batch(&tr, &dn, s, batch_at, batch_end - batch_at, rows, tops);
      }
      path = rows[i - batch_at];
      top = tops[i - batch_at];
    } else {
      par = dn.anchor[ctx[dn.levels - 1]];
      for (top = LZ_B; l < LZ_B; l++) {
        par = path[l] =
            par != TRIE_NONE ? trie_child(&tr, par, s[i - l - 1]) : TRIE_NONE;
        if (par != TRIE_NONE) {
          /* Ask for the slot of its count of y now: the counts below are
           * then taken with their misses overlapped. */
          const struct trie_table *tb = &tr.tab[par >> TRIE_INDEX_BITS][1];
          __builtin_prefetch(&tb->slot[trie_hash(trie_key(par, y), tb)]);
        } else if (top == LZ_B) {
          top = l;
        }
      }
    }
    /* Longest context first: the first of equal counts predicts. Past
     * the first context without a node only new contexts are left, which
     * a full dictionary no longer takes. */
    for (j = dict < LZ_MAX_DICT ? LZ_B : top; j > dn.levels; j--) {
      uint32_t id = path[j - 1];
      struct trie_node *nd = id != TRIE_NONE ? trie_at(&tr, id) : NULL;

      if (nd && nd->best > 0) {
        if (nd->best > best) {
          best = nd->best;
          pred = nd->best_y;
        }
        if (trie_count_at(&tr, nd, id, y, 1, &added) != MB_OK)
          goto nomem;
        if (trace)
          *trace = trace_mix(*trace, (uint64_t)j << 32 | nd->best);
      } else if (dict < LZ_MAX_DICT) {
        if (id == TRIE_NONE && (id = dense_make_path(&tr, &dn, s, i, path, j - 1,
                                                     ctx[dn.levels - 1])) == TRIE_NONE)
          goto nomem;
        if (trie_count(&tr, id, y, 1, &added) != MB_OK)
          goto nomem;
        dict++;
      }
    }
    for (; j > 0; j--) {
      size_t c = ctx[j - 1];
      uint32_t cnt = dn.best[j - 1][c];

      if (cnt > 0) {
        if (cnt > best) {
          best = cnt;
          pred = dn.best_y[j - 1][c];
        }
        dense_count(&dn, j - 1, c, y, 1);
      } else if (dict < LZ_MAX_DICT) {
        dense_count(&dn, j - 1, c, y, 1);
        dict++;
      }
    }
    if (trace)
      *trace = trace_mix(*trace, (uint64_t)best << 8 | pred);
    if (best && pred == y)
      pred_hit(t);
    else
      t->run = 0;
  }
  if (trace)
    *trace = trace_mix(*trace, dict);
  rc = MB_OK;
  goto done;
nomem:
  rc = MB_ENOMEM;
done:
  trie_cleanup(&tr);
  dense_cleanup(&dn);
  free(rows);
  return rc;
}

int mb_est_lz78y(const uint8_t *s, size_t n, unsigned k, struct mb_estimate *out)
{
  return mb_est_lz78y_path(s, n, k, 0, out);
}

/* mb_est_lz78y_path(), with the digest of every prediction into *trace
 * when trace is not NULL (wide alphabets only). */
static int lz_estimate(const uint8_t *s, size_t n, unsigned k, int plain,
                       struct mb_estimate *out, uint64_t *trace)
{
  struct pred_tally t = {0, 0, 0};
  int rc;

  /* B+2 symbols: the dictionary's first entries and one prediction. */
  if (n < LZ_B + 2) {
    pred_skip(out, "needs at least 18 samples");
    return MB_OK;
  }
  if (n > PRED_MAX_SAMPLES) {
    pred_skip(out, "more than 4294967294 samples");
    return MB_OK;
  }
  rc = k <= 2 ? lz_binary(s, n, plain, &t) : lz_general(s, n, k, plain, &t, trace);
  if (rc != MB_OK)
    return rc;
  /* Predictions start after the first B+1 symbols (§6.3.10 step 2). */
  pred_finish(out, t.correct, n - LZ_B - 1, t.longest, k < 2 ? 2 : k);
  return MB_OK;
}

int mb_est_lz78y_path(const uint8_t *s, size_t n, unsigned k, int plain,
                      struct mb_estimate *out)
{
  return lz_estimate(s, n, k, plain, out, NULL);
}

int mb_est_lz78y_trace(const uint8_t *s, size_t n, unsigned k, int plain,
                       struct mb_estimate *out, uint64_t *trace)
{
  *trace = TRACE_START;
  return lz_estimate(s, n, k, plain, out, trace);
}
