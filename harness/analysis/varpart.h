/* varpart.h: where the variance of a per-call figure comes from, and how large
 * an effect is against its uncertainty. Pure functions over arrays; no I/O.
 *
 * Variance decomposition (mb_varpart_sequential): an ordinary least-squares
 * linear model fitted term by term, in the order given (sequential, "type I"
 * sums of squares, as R's anova(lm(y ~ a + b + ...)) prints them). A term is
 * a factor (one indicator column per level) or a covariate (its values,
 * entered linearly). Each term's sum of squares is the drop of the residual
 * sum of squares when it joins the terms before it; so the shares add up to
 * 1 with the residual, and a term that is aliased with earlier ones (a
 * constant covariate, a factor nested in an earlier one) gets what is left,
 * down to 0 with 0 degrees of freedom. Columns are orthogonalized by modified
 * Gram-Schmidt (twice, for stability); a column whose remaining norm is below
 * 1e-9 of its own is aliased and dropped.
 *
 * Effects (mb_varpart_t_interval): the mean of paired differences with a
 * Student t confidence interval, mean +- t(1 - (1 - conf)/2, n - 1) * sd /
 * sqrt(n). The caller pairs within a block (a round of the run), so slow
 * drifts and whole-round moods cancel.
 */
#ifndef MB_VARPART_H
#define MB_VARPART_H

#include <stddef.h>

#include "error.h"

enum mb_varpart_kind { MB_VARPART_FACTOR = 0, MB_VARPART_COVARIATE };

/* One model term over n observations (borrowed arrays). */
struct mb_varpart_term {
  enum mb_varpart_kind kind;
  const size_t *level; /* factor: level of each observation, < n_levels */
  size_t n_levels;
  const double *x; /* covariate: value of each observation (finite) */
};

/* What a term explains. */
struct mb_varpart_ss {
  double ss;    /* sum of squares */
  size_t df;    /* degrees of freedom it used (columns not aliased) */
  double share; /* ss / total; NAN when the total is 0 */
};

struct mb_varpart_result {
  size_t n;                    /* observations */
  double total_ss;             /* about the mean */
  struct mb_varpart_ss *terms; /* n_terms, owned: mb_varpart_result_cleanup() */
  size_t n_terms;
  struct mb_varpart_ss residual;
};

/* Fit y[0..n) (finite) on the intercept and terms[0..nt) in order into out
 * (caller-allocated; always safe to clean up afterwards). Returns MB_OK,
 * MB_EINVALID when n < 2, a factor level is out of range or a value is not
 * finite (err says which), MB_ENOMEM. Cost: O(n * p^2) time, O(n * p)
 * memory for p columns. Thread-safe (no shared state). */
int mb_varpart_sequential(const double *y, size_t n,
                          const struct mb_varpart_term *terms, size_t nt,
                          struct mb_varpart_result *out, struct mb_error *err);
void mb_varpart_result_cleanup(struct mb_varpart_result *r);

/* A mean with a two-sided confidence interval. */
struct mb_varpart_interval {
  size_t n;
  double mean, sd, lo, hi; /* lo/hi NAN when n < 2 (no interval) */
  double conf;
};

/* The t-interval of the mean of d[0..n) (finite values) at confidence conf
 * (0 < conf < 1). */
struct mb_varpart_interval mb_varpart_t_interval(const double *d, size_t n,
                                                 double conf);

/* Quantile p (0 < p < 1) of Student's t distribution with df >= 1 degrees of
 * freedom (bisection on the CDF, itself from the regularized incomplete beta
 * function; absolute error below 1e-9). */
double mb_varpart_t_quantile(double p, double df);

/* Student's t CDF at t with df >= 1 degrees of freedom. */
double mb_varpart_t_cdf(double t, double df);

/* Pearson's correlation of x and y over n points; NAN when n < 3 or either
 * is constant. */
double mb_varpart_correlation(const double *x, const double *y, size_t n);

#endif
