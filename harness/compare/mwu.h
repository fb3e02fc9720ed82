/* mwu.h: the Mann-Whitney U (Wilcoxon rank-sum) test, as a pure function.
 *
 * compare uses it to ask, per sweep point, whether the repetitions of the
 * current run are stochastically smaller than the baseline's. The p-value is
 * exact for small samples (N = nx + ny <= MB_MWU_EXACT_MAX), ties included:
 * it is the permutation distribution of the rank sum over all C(N, nx) ways
 * of splitting the observed mid-ranks between the two groups, counted by
 * dynamic programming. This is the conditional exact test; it stays valid
 * with ties, which entropy estimates (often the same rounded value on every
 * repetition) produce all the time, where the tabulated no-tie distribution
 * would be anti-conservative. Larger samples use the normal approximation
 * with the tie-corrected variance and a continuity correction of 1/2.
 */
#ifndef MB_MWU_H
#define MB_MWU_H

#include <stddef.h>

/* Largest nx + ny for which the exact distribution is computed. Its cost is
 * about nx * N * (nx * 2N) additions and (nx + 1) * 2N * nx doubles of
 * memory: 50 + 50 takes a few milliseconds and 4 MB. */
#define MB_MWU_EXACT_MAX 100

enum mb_mwu_alternative {
  MB_MWU_LESS,     /* H1: x tends to be smaller than y (a drop, for compare) */
  MB_MWU_GREATER,  /* H1: x tends to be larger than y */
  MB_MWU_TWO_SIDED /* H1: either; p = min(1, 2 * the smaller one-sided p) */
};

struct mb_mwu_result {
  double u;     /* U of x: pairs (x_i, y_j) with x_i > y_j, ties counting 1/2 */
  double p;     /* p-value for the requested alternative, in (0, 1] */
  double p_min; /* smallest p any data of these sizes and ties could give:
                   when it exceeds alpha, the test cannot reject */
  double z;     /* normal score of U (continuity-corrected); 0 when exact */
  int exact;    /* 1: exact permutation distribution; 0: normal approx. */
  size_t ties;  /* number of tied groups (values shared by >= 2 samples) */
};

/* Test x[0..nx-1] against y[0..ny-1]. nx, ny >= 1; values must be finite.
 * Returns MB_OK and fills out, MB_EINVALID (empty sample or NaN/infinite
 * value) or MB_ENOMEM. Pure: no I/O, no globals; thread-safe. */
int mb_mwu_test(const double *x, size_t nx, const double *y, size_t ny,
                enum mb_mwu_alternative alt, struct mb_mwu_result *out);

#endif
