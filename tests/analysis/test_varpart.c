/* test_varpart.c: sequential sums of squares on small designed data sets
 * (hand-computed below), Student t quantiles against published values (R's
 * qt()), t-intervals by hand, and the coverage of the interval on seeded
 * simulations of a blocked design. */
#include <math.h>
#include <stdint.h>

#include "check.h"
#include "varpart.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* A balanced 2 x 2 design, one observation per cell:
 *        r0  r1
 *   a0    1   2
 *   a1    3   6
 * mean 3; total SS 4 + 0 + 1 + 9 = 14; a means 1.5 and 4.5: SS_a = 4 * 1.5^2
 * = 9; r means 2 and 4: SS_r = 4 * 1^2 = 4; residual 14 - 9 - 4 = 1 on 1 df.
 * Balanced, so the order of the terms does not matter. */
static void check_balanced(void)
{
  const double y[] = {1, 3, 2, 6};
  const size_t a[] = {0, 1, 0, 1}, r[] = {0, 0, 1, 1};
  struct mb_varpart_term t[2] = {{MB_VARPART_FACTOR, a, 2, NULL},
                                 {MB_VARPART_FACTOR, r, 2, NULL}};
  struct mb_varpart_term u[2] = {{MB_VARPART_FACTOR, r, 2, NULL},
                                 {MB_VARPART_FACTOR, a, 2, NULL}};
  struct mb_varpart_result res;
  struct mb_error err;

  mb_error_init(&err);
  CHECK_EQ_INT(mb_varpart_sequential(y, 4, t, 2, &res, &err), MB_OK);
  CHECK_NEAR(res.total_ss, 14, 1e-12);
  CHECK_NEAR(res.terms[0].ss, 9, 1e-12);
  CHECK_EQ_INT(res.terms[0].df, 1);
  CHECK_NEAR(res.terms[1].ss, 4, 1e-12);
  CHECK_EQ_INT(res.terms[1].df, 1);
  CHECK_NEAR(res.residual.ss, 1, 1e-12);
  CHECK_EQ_INT(res.residual.df, 1);
  CHECK_NEAR(res.terms[0].share, 9.0 / 14, 1e-12);
  CHECK_NEAR(res.residual.share, 1.0 / 14, 1e-12);
  mb_varpart_result_cleanup(&res);
  CHECK_EQ_INT(mb_varpart_sequential(y, 4, u, 2, &res, &err), MB_OK);
  CHECK_NEAR(res.terms[0].ss, 4, 1e-12);
  CHECK_NEAR(res.terms[1].ss, 9, 1e-12);
  mb_varpart_result_cleanup(&res);
}

/* Unbalanced, a factor and a covariate, where the order matters:
 *   a = 0 0 1 1 1, x = 1 2 1 2 4, y = 1 3 2 4 7.
 * mean 3.4, total SS 21.2. Group means of y: 2 and 13/3, so
 * SS_a = 2 (2 - 3.4)^2 + 3 (13/3 - 3.4)^2 = 98/15.
 * x after a: deviations from the group means, x: -1/2 1/2 | -4/3 -1/3 5/3,
 * y: -1 1 | -7/3 -1/3 8/3; Sxy = 26/3, Sxx = 31/6, SS_x|a = Sxy^2 / Sxx =
 * 1352/93. Residual 21.2 - 98/15 - 1352/93 = 4/31 on 5 - 3 = 2 df.
 * x first: Sxy = 11, Sxx = 6, SS_x = 121/6; SS_a|x = 21.2 - 121/6 - 4/31. */
static void check_unbalanced(void)
{
  const double y[] = {1, 3, 2, 4, 7}, x[] = {1, 2, 1, 2, 4};
  const size_t a[] = {0, 0, 1, 1, 1};
  struct mb_varpart_term t[2] = {{MB_VARPART_FACTOR, a, 2, NULL},
                                 {MB_VARPART_COVARIATE, NULL, 0, x}};
  struct mb_varpart_term u[2] = {{MB_VARPART_COVARIATE, NULL, 0, x},
                                 {MB_VARPART_FACTOR, a, 2, NULL}};
  struct mb_varpart_result res;
  struct mb_error err;

  mb_error_init(&err);
  CHECK_EQ_INT(mb_varpart_sequential(y, 5, t, 2, &res, &err), MB_OK);
  CHECK_NEAR(res.total_ss, 21.2, 1e-12);
  CHECK_NEAR(res.terms[0].ss, 98.0 / 15, 1e-12);
  CHECK_NEAR(res.terms[1].ss, 1352.0 / 93, 1e-12);
  CHECK_NEAR(res.residual.ss, 4.0 / 31, 1e-12);
  CHECK_EQ_INT(res.residual.df, 2);
  mb_varpart_result_cleanup(&res);
  CHECK_EQ_INT(mb_varpart_sequential(y, 5, u, 2, &res, &err), MB_OK);
  CHECK_NEAR(res.terms[0].ss, 121.0 / 6, 1e-12);
  CHECK_NEAR(res.terms[1].ss, 21.2 - 121.0 / 6 - 4.0 / 31, 1e-12);
  CHECK_NEAR(res.residual.ss, 4.0 / 31, 1e-12);
  mb_varpart_result_cleanup(&res);
}

/* Aliased terms get nothing: a constant covariate (the intercept), a
 * covariate equal to a factor's indicator, a factor repeating one before. */
static void check_aliased(void)
{
  const double y[] = {1, 3, 2, 6}, c[] = {5, 5, 5, 5}, ind[] = {0, 1, 0, 1};
  const size_t a[] = {0, 1, 0, 1};
  struct mb_varpart_term t[4] = {{MB_VARPART_COVARIATE, NULL, 0, c},
                                 {MB_VARPART_FACTOR, a, 2, NULL},
                                 {MB_VARPART_COVARIATE, NULL, 0, ind},
                                 {MB_VARPART_FACTOR, a, 2, NULL}};
  struct mb_varpart_result res;
  struct mb_error err;

  mb_error_init(&err);
  CHECK_EQ_INT(mb_varpart_sequential(y, 4, t, 4, &res, &err), MB_OK);
  CHECK_EQ_INT(res.terms[0].df, 0);
  CHECK_NEAR(res.terms[0].ss, 0, 1e-12);
  CHECK_EQ_INT(res.terms[1].df, 1);
  CHECK_NEAR(res.terms[1].ss, 9, 1e-12);
  CHECK_EQ_INT(res.terms[2].df, 0);
  CHECK_EQ_INT(res.terms[3].df, 0);
  CHECK_NEAR(res.residual.ss, 5, 1e-12);
  CHECK_EQ_INT(res.residual.df, 2);
  mb_varpart_result_cleanup(&res);
}

static void check_errors(void)
{
  const double y[] = {1, NAN, 2}, ok[] = {1, 2, 3};
  const size_t bad[] = {0, 3, 1};
  struct mb_varpart_term t = {MB_VARPART_FACTOR, bad, 2, NULL};
  struct mb_varpart_result res;
  struct mb_error err;

  mb_error_init(&err);
  CHECK_EQ_INT(mb_varpart_sequential(y, 3, NULL, 0, &res, &err), MB_EINVALID);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_varpart_sequential(ok, 1, NULL, 0, &res, &err), MB_EINVALID);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_varpart_sequential(ok, 3, &t, 1, &res, &err), MB_EINVALID);
  mb_varpart_result_cleanup(&res);
}

/* R: qt(c(.975, .975, .975, .975, .95, .025), c(1, 2, 7, 30, 10, 5)). */
static void check_t(void)
{
  CHECK_NEAR(mb_varpart_t_quantile(0.975, 1), 12.70620474, 1e-7);
  CHECK_NEAR(mb_varpart_t_quantile(0.975, 2), 4.30265273, 1e-7);
  CHECK_NEAR(mb_varpart_t_quantile(0.975, 7), 2.36462425, 1e-7);
  CHECK_NEAR(mb_varpart_t_quantile(0.975, 30), 2.04227246, 1e-7);
  CHECK_NEAR(mb_varpart_t_quantile(0.95, 10), 1.81246112, 1e-7);
  CHECK_NEAR(mb_varpart_t_quantile(0.025, 5), -2.57058184, 1e-7);
  CHECK_NEAR(mb_varpart_t_cdf(0, 3), 0.5, 1e-12);
  /* R: pt(2, 4) */
  CHECK_NEAR(mb_varpart_t_cdf(2, 4), 0.94194174, 1e-7);
  CHECK(isnan(mb_varpart_t_quantile(0, 3)));
}

/* d = 1..5: mean 3, sd sqrt(2.5), t(0.975, 4) = 2.77644511 (R), half-width
 * 2.77644511 * sqrt(2.5 / 5). */
static void check_interval(void)
{
  const double d[] = {1, 2, 3, 4, 5};
  struct mb_varpart_interval iv = mb_varpart_t_interval(d, 5, 0.95);
  double half = 2.77644511 * sqrt(0.5);

  CHECK_EQ_INT(iv.n, 5);
  CHECK_NEAR(iv.mean, 3, 1e-12);
  CHECK_NEAR(iv.sd, sqrt(2.5), 1e-12);
  CHECK_NEAR(iv.lo, 3 - half, 1e-7);
  CHECK_NEAR(iv.hi, 3 + half, 1e-7);
  iv = mb_varpart_t_interval(d, 1, 0.95);
  CHECK_NEAR(iv.mean, 1, 0);
  CHECK(isnan(iv.lo) && isnan(iv.hi));
}

/* x = 1 2 3 4, y = 2 4 5 9: Sxy = 11, Sxx = 5, Syy = 26, r = 11/sqrt(130). */
static void check_correlation(void)
{
  const double x[] = {1, 2, 3, 4}, y[] = {2, 4, 5, 9}, c[] = {1, 1, 1, 1};

  CHECK_NEAR(mb_varpart_correlation(x, y, 4), 11 / sqrt(130), 1e-12);
  CHECK(isnan(mb_varpart_correlation(x, c, 4)));
  CHECK(isnan(mb_varpart_correlation(x, y, 2)));
}

/* xorshift64 and Box-Muller: a fixed, seeded normal sequence. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static double uniform(void)
{
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return ((double)(rng_state >> 11) + 0.5) / 9007199254740992.0;
}

static double normal(void)
{
  return sqrt(-2 * log(uniform())) * cos(6.283185307179586 * uniform());
}

/* A blocked design as the report analyses it: 8 rounds, two levels, a round
 * effect (sd 2) shared by both levels of a round, call noise (sd 1), a true
 * effect of 0.7. The 95% interval on the within-round differences must cover
 * 0.7 in about 95% of 4000 simulated runs (binomial sd 0.34%: accept
 * 93.6%..96.4%, 4 sd); and the decomposition must give the round most of
 * the variance, as built. */
static void check_coverage(void)
{
  const int sims = 4000, rounds = 8;
  int s, r, covered = 0;
  double round_share = 0;

  for (s = 0; s < sims; s++) {
    double d[8], y[16];
    size_t lev[16], rnd[16];
    struct mb_varpart_term t[2];
    struct mb_varpart_result res;
    struct mb_varpart_interval iv;
    struct mb_error err;

    for (r = 0; r < rounds; r++) {
      double block = 2 * normal();

      y[2 * r] = 5 + block + normal();
      y[2 * r + 1] = 5 + 0.7 + block + normal();
      lev[2 * r] = 0;
      lev[2 * r + 1] = 1;
      rnd[2 * r] = rnd[2 * r + 1] = (size_t)r;
      d[r] = y[2 * r + 1] - y[2 * r];
    }
    iv = mb_varpart_t_interval(d, (size_t)rounds, 0.95);
    covered += iv.lo <= 0.7 && 0.7 <= iv.hi;
    t[0].kind = MB_VARPART_FACTOR;
    t[0].level = lev;
    t[0].n_levels = 2;
    t[0].x = NULL;
    t[1].kind = MB_VARPART_FACTOR;
    t[1].level = rnd;
    t[1].n_levels = (size_t)rounds;
    t[1].x = NULL;
    mb_error_init(&err);
    if (mb_varpart_sequential(y, 16, t, 2, &res, &err) == MB_OK)
      round_share += res.terms[1].share;
    mb_varpart_result_cleanup(&res);
  }
  fprintf(stderr, "coverage %.4f, mean round share %.3f\n", (double)covered / sims,
          round_share / sims);
  CHECK((double)covered / sims >= 0.936 && (double)covered / sims <= 0.964);
  /* expected sums of squares: round 2 * 7 * (4 + 1/2) = 63, level about
   * 16 * 0.35^2 + 1 = 3, residual 7: a round share near 63/73 */
  CHECK(round_share / sims > 0.6 && round_share / sims < 0.9);
}

int main(void)
{
  check_balanced();
  check_unbalanced();
  check_aliased();
  check_errors();
  check_t();
  check_interval();
  check_correlation();
  check_coverage();
  return CHECK_DONE();
}
