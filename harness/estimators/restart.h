/* restart.h: the SP 800-90B restart tests (section 3.1.4) on a restart
 * matrix: the sanity check of §3.1.4.3 (the most frequent value's count in
 * any row and in any column against a cut-off) and the validation of
 * §3.1.4.2 (the non-IID estimates of the rows and of the columns against
 * half the initial entropy estimate H_I), as NIST's ea_restart 1.1.7 makes
 * them (its default, non-IID mode).
 *
 * Pure functions, thread-safe. */
#ifndef MB_ESTIMATORS_RESTART_H
#define MB_ESTIMATORS_RESTART_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "estimators.h"

/* §3.1.4: 1,000 restarts of 1,000 samples each. */
#define MB_RESTART_ROWS 1000u
#define MB_RESTART_COLS 1000u

struct mb_restart_result {
  unsigned bits_per_symbol;
  unsigned alphabet_size;
  double h_initial; /* H_I */
  /* §3.1.4.3: alpha = 1 - 0.99^(1/(r + c)); the cut-off is the (1 - alpha)
   * quantile of the largest count among 1,000 draws from the distribution
   * with min-entropy H_I that allows the largest counts (as many values of
   * probability 2^-H_I as fit, and one with the rest). ea_restart estimates
   * that quantile from 1,000,000 simulations; mebench computes it exactly,
   * so the two may differ by one in rare cases. */
  double alpha;
  unsigned x_cutoff;
  unsigned x_rows, x_cols, x_max;
  int sanity_pass;
  /* §3.1.4.2: the literal non-IID estimates (no bitstring) of the matrix
   * read row by row and column by column; H_r, H_c = min(bits, estimates). */
  struct mb_assessment rows, cols;
  double h_r, h_c;
  int validation_pass; /* min(H_r, H_c) >= H_I / 2 */
  int pass;            /* both */
  double h;            /* min(H_r, H_c, H_I) when pass; -1 otherwise */
  /* H_I was 0 (the matrix's own estimate, a matrix of one value): there is
   * no entropy to validate and none is awarded; no check is run, pass 0. */
  int no_entropy;
};

/* Analyse a MB_RESTART_ROWS x MB_RESTART_COLS matrix m (row i = restart i,
 * stored row after row, as ea_restart reads it) of `bits`-bit samples
 * (1..8; 0 = infer) against h_initial (0 < h_initial <= bits). When the
 * sanity check fails the estimates are not computed (ea_restart stops
 * there too). A matrix of one value is data, not an error: against any
 * H_I whose cut-off is below 1,000 its X_max of 1,000 fails the sanity
 * check, else its estimates of 0 fail the validation. h_initial 0 (a
 * caller's own estimate of such a matrix) sets no_entropy and runs no
 * check. threads as in mb_assess. MB_EINVALID for a bad width or a
 * negative h_initial, or one above bits; MB_ENOMEM. */
int mb_restart_analyse(const uint8_t *m, unsigned bits, double h_initial, int threads,
                       struct mb_restart_result *out, struct mb_error *err);

/* The §3.1.4.3 cut-off for n draws with the given alpha and H (exposed
 * for tests). */
unsigned mb_restart_cutoff(double h, double alpha, unsigned n);

#endif
