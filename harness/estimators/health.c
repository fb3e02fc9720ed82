/* health.c: SP 800-90B §4.4 health-test cut-offs and their replay over
 * recorded symbols. */
#include "health.h"

#include <math.h>
#include <string.h>

/* The smallest c with Pr(X > c) <= alpha for X ~ Binomial(w, p): the
 * upper tail is summed from the top, so that tails far below alpha keep
 * their precision. */
static unsigned binom_critical(unsigned w, long double p, long double alpha)
{
  long double tail = 0, lp = logl(p), lq = log1pl(-p);
  unsigned c = w; /* Pr(X > w) = 0 */

  while (c > 0) {
    /* Pr(X > c - 1) = Pr(X > c) + Pr(X = c) */
    long double lpmf = lgammal((long double)w + 1) - lgammal((long double)c + 1) -
                       lgammal((long double)(w - c) + 1) + (long double)c * lp +
                       (long double)(w - c) * lq;

    tail += expl(lpmf);
    if (tail > alpha)
      break;
    c--;
  }
  return c;
}

int mb_health_cutoffs(double h, double alpha, int binary, struct mb_health_cutoffs *out)
{
  long double p;
  unsigned c, w;

  memset(out, 0, sizeof(*out));
  if (!(h > 0 && h <= 8) || !(alpha > 0 && alpha < 1))
    return -1;
  out->h = h;
  out->alpha = alpha;
  /* §4.4.1: a run of C identical samples has probability at most
   * 2^(-h (C - 1)) <= alpha. */
  out->rct = 1 + (uint64_t)ceil(-log2(alpha) / h);
  /* §4.4.2: C = 1 + CRITBINOM(W, 2^-h, 1 - alpha), the smallest c whose
   * binomial CDF reaches 1 - alpha, i.e. whose upper tail Pr(X > c) is at
   * most alpha. */
  w = binary ? MB_HEALTH_APT_WINDOW_BINARY : MB_HEALTH_APT_WINDOW;
  out->window = w;
  p = powl(2.0L, -(long double)h);
  if (p >= 1.0L) {
    c = w;
  } else {
    c = binom_critical(w, p, (long double)alpha);
  }
  out->apt = (uint64_t)c + 1;
  out->apt_possible = out->apt <= w;
  return 0;
}

void mb_health_replay(const uint8_t *s, size_t n, const struct mb_health_cutoffs *c,
                      struct mb_health_counts *acc)
{
  size_t i, run = 0;

  acc->samples += n;
  if (n == 0 || c->rct == 0)
    return;
  /* §4.4.1: count repeats of the previous sample; a run that reaches C
   * samples fires once, however much longer it goes on. */
  if (n >= c->rct)
    acc->rct_opportunities += n - c->rct + 1;
  for (i = 0; i < n; i++) {
    run = (i > 0 && s[i] == s[i - 1]) ? run + 1 : 1;
    if (run == c->rct)
      acc->rct_fired++;
  }
  /* §4.4.2: non-overlapping windows of W samples; the first sample of a
   * window is counted with its later copies, and the window fires when
   * the count reaches C. */
  for (i = 0; i + c->window <= n; i += c->window) {
    uint8_t a = s[i];
    size_t j, b = 0;

    for (j = i; j < i + c->window; j++)
      b += s[j] == a;
    acc->apt_windows++;
    if (b >= c->apt)
      acc->apt_fired++;
  }
}

double mb_health_expected_rct(const struct mb_health_counts *k, double alpha)
{
  return (double)k->rct_opportunities * alpha;
}

double mb_health_expected_apt(const struct mb_health_counts *k, double alpha)
{
  return (double)k->apt_windows * alpha;
}

double mb_health_poisson_tail(uint64_t fired, double expected)
{
  double below = 0, term;
  uint64_t k;

  if (fired == 0)
    return 1.0;
  if (expected <= 0)
    return 0.0;
  /* 1 - Pr(X <= fired - 1), with terms built in log space. */
  for (k = 0; k < fired; k++) {
    term = exp((double)k * log(expected) - expected - lgamma((double)k + 1));
    below += term;
  }
  return below >= 1.0 ? 0.0 : 1.0 - below;
}
