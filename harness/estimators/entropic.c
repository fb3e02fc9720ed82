/* entropic.c: the entropic-statistic estimators of SP 800-90B: Most Common
 * Value (§6.3.1), Collision (§6.3.2), Markov (§6.3.3), Compression (§6.3.4).
 *
 * Each follows the arithmetic of the reference tool (ea_non_iid 1.1.7), not
 * only the text of the specification: the same confidence constant, the
 * same closed form for the collision bound, the same compensated sums and
 * the same bisection with the same stopping rules. The one deliberate
 * difference is the compression G function, summed in double and only as
 * far as its terms matter (the tool runs every sum to underflow in long
 * double): ten times faster, within 1e-12 bits of the tool's estimate.
 * README.md in this folder lists the tool's conventions matched here.
 */
#include "internal.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- §6.3.1 */

int mb_est_mcv(const uint8_t *s, size_t n, unsigned k, struct mb_estimate *out)
{
  size_t counts[256];
  size_t i, mode = 0;
  double phat, pu;

  memset(out, 0, sizeof(*out));
  if (n < 2) {
    /* p_u needs n - 1 > 0 (§6.3.1 step 3); the reference tool asserts. */
    mb_estimate_skip(out, "needs at least 2 samples");
    return MB_OK;
  }
  memset(counts, 0, sizeof(counts));
  if (k == 2) {
    /* Bits: a sum the compiler vectorises, not a histogram. */
    size_t ones = 0;

    for (i = 0; i < n; i++)
      ones += s[i] & 1u;
    counts[0] = n - ones;
    counts[1] = ones;
  } else {
    for (i = 0; i < n; i++)
      counts[s[i]]++;
  }
  for (i = 0; i < 256; i++)
    if (counts[i] > mode)
      mode = counts[i];
  /* §6.3.1 steps 2-4: p-hat, its 99% upper bound p_u, -log2(p_u). */
  phat = (double)mode / (double)n;
  pu = phat + MB_ZALPHA * sqrt(phat * (1.0 - phat) / ((double)n - 1.0));
  if (pu > 1.0)
    pu = 1.0;
  mb_estimate_set(out, -log2(pu), pu);
  mb_estimate_add(out, "mode", (double)mode);
  mb_estimate_add(out, "p_hat", phat);
  return MB_OK;
}

/* ---------------------------------------------------------------- §6.3.2 */

int mb_est_collision(const uint8_t *s, size_t n, unsigned k, struct mb_estimate *out)
{
  size_t i = 0, v = 0;
  double sumsq = 0.0, xbar, sigma, xprime, p, h;

  memset(out, 0, sizeof(*out));
  if (k != 2) {
    mb_estimate_skip(out, "applies to binary data only");
    return MB_OK;
  }
  /* §6.3.2 steps 1-2: walk the data, each collision time is 2 (the next
   * bit repeats) or 3 (the third bit repeats one of the first two). */
  while (n > 1 && i < n - 1) {
    unsigned t;

    if (s[i] == s[i + 1])
      t = 2;
    else if (i < n - 2)
      t = 3;
    else
      break;
    v++;
    sumsq += (double)(t * t);
    i += t;
  }
  if (v < 2) {
    /* The sample standard deviation needs two collision times; the
     * reference tool computes NaN here and reports 1 bit. */
    mb_estimate_skip(out, "needs at least 2 collisions");
    return MB_OK;
  }
  /* Step 3: mean and standard deviation, with sum t_i = i. */
  xbar = (double)i / (double)v;
  sigma = sqrt((sumsq - ((double)i * xbar)) / (double)(v - 1));
  /* Step 4: lower confidence bound on the mean. */
  xprime = xbar - MB_ZALPHA * sigma / sqrt((double)v);
  /* 2 is the smallest possible mean collision time. */
  if (xprime < 2.0)
    xprime = 2.0;
  /* Step 5: with the tool's simplification for binary data the expected
   * collision time is -2p^2 + 2p + 2; its root above 1/2 exists while the
   * bound is below 2.5, otherwise step 6 gives full entropy. A NaN bound
   * (never for v >= 2 in practice) takes the same branch as in the tool. */
  if (xprime < 2.5) {
    p = 0.5 + sqrt(1.25 - 0.5 * xprime);
    h = -log2(p);
  } else {
    p = 0.5;
    h = 1.0;
  }
  mb_estimate_set(out, h, p);
  mb_estimate_add(out, "v", (double)v);
  mb_estimate_add(out, "x_bar", xbar);
  mb_estimate_add(out, "sigma", sigma);
  mb_estimate_add(out, "x_bar_prime", xprime);
  return MB_OK;
}

/* ---------------------------------------------------------------- §6.3.3 */

int mb_est_markov(const uint8_t *s, size_t n, unsigned k, struct mb_estimate *out)
{
  size_t i, c0 = 0, c00 = 0, c10 = 0, c1;
  double p0, p1, p00, p01, p10, p11, hmin, t;

  memset(out, 0, sizeof(*out));
  if (k != 2) {
    mb_estimate_skip(out, "applies to binary data only");
    return MB_OK;
  }
  if (n < 2) {
    mb_estimate_skip(out, "needs at least 2 samples");
    return MB_OK;
  }
  /* Step 2: transition counts over the first n - 1 bits, without branches
   * (random bits would mispredict half of them). */
  for (i = 0; i + 1 < n; i++) {
    size_t a = s[i] != 0, b = s[i + 1] != 0;

    c0 += a ^ 1u;
    c00 += (a | b) ^ 1u;
    c10 += a & (b ^ 1u);
  }
  c1 = n - 1 - c0;
  p00 = c0 > 0 ? (double)c00 / (double)c0 : 0.0;
  p01 = c0 > 0 ? 1.0 - p00 : 0.0;
  p10 = c1 > 0 ? (double)c10 / (double)c1 : 0.0;
  p11 = c1 > 0 ? 1.0 - p10 : 0.0;
  /* Step 1: initial probabilities over all n bits. */
  if (s[n - 1] == 0)
    c0++;
  p0 = (double)c0 / (double)n;
  p1 = 1.0 - p0;

  /* Step 3: the most likely 128-bit sequence is one of six; a transition
   * of probability 0 rules its sequences out. */
  hmin = 128.0;
  if (p00 > 0.0) {
    t = -log2(p0) - 127.0 * log2(p00);
    if (t < hmin)
      hmin = t;
  }
  if (p01 > 0.0 && p10 > 0.0) {
    t = -log2(p0) - 64.0 * log2(p01) - 63.0 * log2(p10);
    if (t < hmin)
      hmin = t;
  }
  if (p01 > 0.0 && p11 > 0.0) {
    t = -log2(p0) - log2(p01) - 126.0 * log2(p11);
    if (t < hmin)
      hmin = t;
  }
  if (p10 > 0.0 && p00 > 0.0) {
    t = -log2(p1) - log2(p10) - 126.0 * log2(p00);
    if (t < hmin)
      hmin = t;
  }
  if (p10 > 0.0 && p01 > 0.0) {
    t = -log2(p1) - 64.0 * log2(p10) - 63.0 * log2(p01);
    if (t < hmin)
      hmin = t;
  }
  if (p11 > 0.0) {
    t = -log2(p1) - 127.0 * log2(p11);
    if (t < hmin)
      hmin = t;
  }
  /* Step 4: per-bit entropy of that sequence, at most 1. p is the
   * probability of the whole 128-bit sequence, as the tool prints it. */
  mb_estimate_set(out, fmin(hmin / 128.0, 1.0), pow(2.0, -hmin));
  mb_estimate_add(out, "p_0", p0);
  mb_estimate_add(out, "p_00", p00);
  mb_estimate_add(out, "p_01", p01);
  mb_estimate_add(out, "p_10", p10);
  mb_estimate_add(out, "p_11", p11);
  return MB_OK;
}

/* ---------------------------------------------------------------- §6.3.4 */

/* §6.3.4 step 1: block size b = 6 bits, dictionary of d = 1000 blocks. */
#define COMP_B 6
#define COMP_D 1000
#define COMP_ALPHABET (1u << COMP_B)
/* §6.3.4 step 5: the standard deviation correction c for b = 6. */
#define COMP_C 0.5907
/* The bisection's iteration bound: enough halvings to walk across every
 * double in [0, 1] (the tool's ITERMAX). */
#define BISECT_MAX_ITER 1076
/* log2(i) is tabulated for i below this bound (512 KiB): the distances of
 * step 4 and the terms of G that matter almost always fall below it. */
#define LOG2_TAB 65536u
/* G's sums stop once what is left of them is below this fraction of what
 * they hold: further terms cannot change a double. */
#define G_TAIL_EPS 1e-17

/* Compensated (Kahan) summation in double, as the tool accumulates the
 * statistic of step 4. */
struct ksum {
  double sum;
  double comp;
};

static void ksum_add(struct ksum *k, double x)
{
  double y = x - k->comp;
  double t = k->sum + y;

  k->comp = (t - k->sum) - y;
  k->sum = t;
}

struct comp_ctx {
  long nblocks;
  double *log2_tab; /* log2(i) for i < filled */
  long filled;
};

static double comp_log2(struct comp_ctx *c, long i)
{
  if (i >= (long)LOG2_TAB)
    return log2((double)i);
  while (c->filled <= i) {
    c->log2_tab[c->filled] = c->filled > 0 ? log2((double)c->filled) : 0.0;
    c->filled++;
  }
  return c->log2_tab[i];
}

/* G(z) of §6.3.4 step 7, with the inner sums rewritten (as the tool does)
 * as running sums of a_i = log2(i) (1 - z)^(i-1):
 *   G(z) = z/v (z (sum_{i=d+1}^{nb} (nb - i) a_i + (nb - d) A) + sum_{i=d+1}^{nb} a_i)
 * with A = sum_{i=2}^{d} a_i. The tool sums every term in long double until
 * one underflows (tens of thousands of terms); here the sums stop once a
 * bound on the rest is below G_TAIL_EPS of their value, which changes G by
 * less than an ulp and the estimate by less than 1e-12 bits. */
static double comp_g(struct comp_ctx *c, double z)
{
  const long nb = c->nblocks;
  const double b = 1.0 - z;
  const double rest = log2((double)nb) * ((double)nb + 1.0 / z);
  double pw = b, ad1 = 0.0, tail = 0.0, weighted = 0.0, head;
  long i;

  if (!(z > 0.0))
    return 0.0;
  for (i = 2; i <= COMP_D; i++) {
    ad1 += comp_log2(c, i) * pw;
    pw *= b;
  }
  head = z * (double)(nb - COMP_D) * ad1;
  for (i = COMP_D + 1; i <= nb; i++) {
    double ai = comp_log2(c, i) * pw;

    tail += ai;
    weighted += (double)(nb - i) * ai;
    pw *= b;
    /* What is left is at most pw * log2(nb) * (nb + 1/z). */
    if (pw * rest < G_TAIL_EPS * (head + z * weighted + tail))
      break;
  }
  return z / (double)(nb - COMP_D) * (z * weighted + head + tail);
}

/* The expected value of the statistic when the most likely block has
 * probability p and the others share 1 - p evenly (§6.3.4 step 7). */
static double comp_expect(struct comp_ctx *c, double p)
{
  double q = (1.0 - p) / ((double)COMP_ALPHABET - 1.0);

  return comp_g(c, p) + ((double)COMP_ALPHABET - 1.0) * comp_g(c, q);
}

/* a and b are equal for the bisection: within DBL_EPSILON relatively, or
 * DBL_MIN absolutely where a relative test is meaningless, or 4 ulps. */
static int nearly_equal(double a, double b)
{
  double lo, hi, diff;
  uint64_t lo_bits, hi_bits;

  if (isnan(a) || isnan(b))
    return 0;
  if (!(a < b) && !(a > b))
    return 1;
  if (isinf(a) || isinf(b))
    return 0;
  lo = fabs(a);
  hi = fabs(b);
  if (lo > hi) {
    double t = lo;

    lo = hi;
    hi = t;
  }
  diff = fabs(a - b);
  if (lo < DBL_MIN || diff < DBL_MIN || isinf(diff) || hi * DBL_EPSILON < DBL_MIN)
    return diff <= DBL_MIN;
  if (diff <= hi * DBL_EPSILON)
    return 1;
  if (signbit(a) != signbit(b))
    return 0;
  memcpy(&lo_bits, &lo, sizeof(lo));
  memcpy(&hi_bits, &hi, sizeof(hi));
  return hi_bits - lo_bits <= 4;
}

static int in_closed(double x, double a, double b)
{
  return a > b ? (x >= b && x <= a) : (x >= a && x <= b);
}

static int in_open(double x, double a, double b)
{
  return a > b ? (x > b && x < a) : (x > a && x < b);
}

/* §6.3.4 step 7: the p in [1/64, 1] whose expected statistic is target,
 * by bisection on the decreasing function comp_expect. Returns the root,
 * or 1/64 (full entropy, step 8) when the search fails. */
static double comp_solve(struct comp_ctx *c, double target)
{
  const double dom_lo = 1.0 / (double)COMP_ALPHABET, dom_hi = 1.0;
  double lb = dom_lo, hb = dom_hi, lv = INFINITY, hv = -INFINITY;
  double p = (lb + hb) / 2.0, last, val = comp_expect(c, p);
  int j;

  for (j = 0; j < BISECT_MAX_ITER; j++) {
    if (nearly_equal(val, target))
      break;
    if (target < val) {
      lb = p;
      lv = val;
    } else {
      hb = p;
      hv = val;
    }
    if (lb >= hb)
      return fmin(fmax(lb, hb), dom_hi);
    if (!in_closed(lb, dom_lo, dom_hi) || !in_closed(hb, dom_lo, dom_hi))
      return dom_lo;
    if (!in_closed(target, lv, hv))
      return dom_lo;
    last = p;
    p = (lb + hb) / 2.0;
    /* No representable midpoint left, or a cycle: settle on the upper
     * bound, the conservative end. */
    if (!in_open(p, lb, hb))
      return hb;
    if (!(last < p) && !(last > p))
      return hb;
    val = comp_expect(c, p);
    if (!in_closed(val, lv, hv))
      return hb;
  }
  return p;
}

int mb_est_compression(const uint8_t *s, size_t n, unsigned k, struct mb_estimate *out)
{
  struct comp_ctx ctx;
  unsigned dict[COMP_ALPHABET];
  struct ksum xs = {0.0, 0.0}, sq = {0.0, 0.0};
  long nb, v, i;
  double xbar, sigma, xprime, p, h;

  memset(out, 0, sizeof(*out));
  if (k != 2) {
    mb_estimate_skip(out, "applies to binary data only");
    return MB_OK;
  }
  nb = (long)(n / COMP_B);
  if (nb <= COMP_D) {
    mb_estimate_skip(out, "needs more than 1000 6-bit blocks (6006 bits)");
    return MB_OK;
  }
  ctx.nblocks = nb;
  ctx.filled = 0;
  ctx.log2_tab = malloc(LOG2_TAB * sizeof(*ctx.log2_tab));
  if (!ctx.log2_tab)
    return MB_ENOMEM;
  /* Step 3: the dictionary holds, per block value, the index (1-based) of
   * its last occurrence among the first d blocks. */
  memset(dict, 0, sizeof(dict));
  for (i = 0; i < nb; i++) {
    unsigned block = 0, j;
    double dist;

    for (j = 0; j < COMP_B; j++)
      block = (block << 1) | (s[(size_t)i * COMP_B + j] & 1u);
    if (i >= COMP_D) {
      /* Step 4: log2 of the distance back to the previous occurrence. */
      dist = comp_log2(&ctx, i + 1 - (long)dict[block]);
      ksum_add(&xs, dist);
      ksum_add(&sq, dist * dist);
    }
    dict[block] = (unsigned)(i + 1);
  }
  v = nb - COMP_D;
  /* Step 5: mean and corrected standard deviation. */
  xbar = xs.sum / (double)v;
  sigma = COMP_C * sqrt(sq.sum / ((double)v - 1.0) - xbar * xbar);
  /* Step 6: lower confidence bound on the mean. */
  xprime = xbar - MB_ZALPHA * sigma / sqrt((double)v);

  /* Step 7: solve for p only when even the uniform case (p = 1/64)
   * expects more than the bound; otherwise full entropy (step 8). */
  p = -1.0;
  if (comp_expect(&ctx, 1.0 / (double)COMP_ALPHABET) > xprime)
    p = comp_solve(&ctx, xprime);
  free(ctx.log2_tab);
  if (p > 1.0 / (double)COMP_ALPHABET) {
    h = -log2(p) / COMP_B;
  } else {
    p = 1.0 / (double)COMP_ALPHABET;
    h = 1.0;
  }
  mb_estimate_set(out, h, p);
  mb_estimate_add(out, "x_bar", xbar);
  mb_estimate_add(out, "sigma", sigma);
  mb_estimate_add(out, "x_bar_prime", xprime);
  return MB_OK;
}
