/* health.h: the SP 800-90B continuous health tests (section 4.4): the
 * cut-offs of the Repetition Count Test (§4.4.1) and of the Adaptive
 * Proportion Test (§4.4.2) that follow from an assessed min-entropy and a
 * false-positive probability alpha, and both tests replayed over recorded
 * symbols, counting how often each fires.
 *
 * Pure functions, thread-safe. */
#ifndef MB_ESTIMATORS_HEALTH_H
#define MB_ESTIMATORS_HEALTH_H

#include <stddef.h>
#include <stdint.h>

/* §4.4: the recommended false-positive probability, 2^-20. */
#define MB_HEALTH_ALPHA (1.0 / 1048576.0)
/* The range of alpha accepted (assess --alpha, analysis.health_alpha). */
#define MB_HEALTH_ALPHA_MIN 1e-300
#define MB_HEALTH_ALPHA_MAX 0.5

/* §4.4.2: the window is 1,024 samples for non-binary data, 512 for binary. */
#define MB_HEALTH_APT_WINDOW 1024u
#define MB_HEALTH_APT_WINDOW_BINARY 512u

struct mb_health_cutoffs {
  double h;         /* the min-entropy per sample the cut-offs assume */
  double alpha;     /* false-positive probability per test opportunity */
  uint64_t rct;     /* §4.4.1: C = 1 + ceil(-log2(alpha) / h) */
  uint64_t apt;     /* §4.4.2: C = 1 + CRITBINOM(W, 2^-h, 1 - alpha) */
  unsigned window;  /* W */
  int apt_possible; /* 0 when C > W: the APT can never fire */
};

/* The cut-offs for h bits per sample (0 < h <= 8), alpha in (0, 1), and
 * binary (1: window 512) or not. Returns 0, or -1 when h or alpha is out of
 * range (then *out is zeroed). */
int mb_health_cutoffs(double h, double alpha, int binary,
                      struct mb_health_cutoffs *out);

/* Counts of one replay. */
struct mb_health_counts {
  uint64_t samples;
  uint64_t rct_fired;         /* runs that reached the RCT cut-off (one each) */
  uint64_t rct_opportunities; /* samples that could complete a run of C */
  uint64_t apt_fired;         /* windows whose first value reached the cut-off */
  uint64_t apt_windows;       /* complete, non-overlapping windows */
};

/* Replay both tests over s[0..n-1] with cut-offs c, adding to *acc (so that
 * calls of one point accumulate). Each call's symbols are a fresh start:
 * runs and windows do not continue across calls. */
void mb_health_replay(const uint8_t *s, size_t n, const struct mb_health_cutoffs *c,
                      struct mb_health_counts *acc);

/* The expected number of firings if the cut-offs hold: opportunities x
 * alpha for each test. */
double mb_health_expected_rct(const struct mb_health_counts *k, double alpha);
double mb_health_expected_apt(const struct mb_health_counts *k, double alpha);

/* Pr(X >= fired) for X ~ Poisson(expected): how surprising a count is.
 * 1 when fired is 0. */
double mb_health_poisson_tail(uint64_t fired, double expected);

#endif
