/* mwu.c: the Mann-Whitney U test (see mwu.h for the choice of methods). */
#include "mwu.h"

#include <math.h>
#include <stdlib.h>

#include "error.h"

struct ranked {
  double value;
  int is_x;
};

static int cmp_ranked(const void *a, const void *b)
{
  const struct ranked *ra = a, *rb = b;

  return (ra->value > rb->value) - (ra->value < rb->value);
}

/* Standard normal lower tail. */
static double norm_cdf(double z)
{
  return 0.5 * erfc(-z / sqrt(2.0));
}

static double clamp_p(double p)
{
  return p > 1.0 ? 1.0 : p;
}

/* Exact permutation distribution of the sum of nx doubled mid-ranks drawn
 * without replacement from rank2[0..n-1]. Doubled so that mid-ranks (k/2) are
 * integers and sums compare exactly. count[k * (smax + 1) + s] is the number
 * of k-subsets of the items seen so far with sum s. */
static int exact_p(const unsigned *rank2, size_t n, size_t nx, unsigned long obs2,
                   struct mb_mwu_result *out, enum mb_mwu_alternative alt)
{
  size_t smax = 0, i, k, s, width;
  double *count, total = 0, le = 0, ge = 0, lo_p, hi_p;
  size_t lo = (size_t)-1, hi = 0;

  for (i = 0; i < n; i++)
    smax += rank2[i];
  width = smax + 1;
  count = calloc((nx + 1) * width, sizeof(*count));
  if (!count)
    return MB_ENOMEM;
  count[0] = 1;
  for (i = 0; i < n; i++) {
    size_t kmax = i + 1 < nx ? i + 1 : nx;

    /* Descending k so each item is used at most once. */
    for (k = kmax; k >= 1; k--) {
      double *dst = count + k * width, *src = count + (k - 1) * width;

      for (s = smax; s >= rank2[i]; s--) {
        dst[s] += src[s - rank2[i]];
        if (s == rank2[i])
          break;
      }
    }
  }
  for (s = 0; s <= smax; s++) {
    double c = count[nx * width + s];

    if (c == 0)
      continue;
    total += c;
    if (s <= obs2)
      le += c;
    if (s >= obs2)
      ge += c;
    if (lo == (size_t)-1)
      lo = s;
    hi = s;
  }
  lo_p = count[nx * width + lo] / total;
  hi_p = count[nx * width + hi] / total;
  free(count);
  le /= total;
  ge /= total;
  switch (alt) {
  case MB_MWU_LESS:
    out->p = clamp_p(le);
    out->p_min = lo_p;
    break;
  case MB_MWU_GREATER:
    out->p = clamp_p(ge);
    out->p_min = hi_p;
    break;
  default:
    out->p = clamp_p(2.0 * (le < ge ? le : ge));
    out->p_min = clamp_p(2.0 * (lo_p < hi_p ? lo_p : hi_p));
    break;
  }
  return MB_OK;
}

/* Normal approximation: E[U] = nx ny / 2 and, with t_j the sizes of the tied
 * groups, Var[U] = nx ny / 12 * ((N + 1) - sum(t_j^3 - t_j) / (N (N - 1))). */
static void normal_p(double u, size_t nx, size_t ny, double tie_sum,
                     struct mb_mwu_result *out, enum mb_mwu_alternative alt)
{
  double n = (double)(nx + ny);
  double mu = (double)nx * (double)ny / 2.0;
  double var = (double)nx * (double)ny / 12.0 * ((n + 1.0) - tie_sum / (n * (n - 1.0)));
  double sd = var > 0 ? sqrt(var) : 0;
  double z_lo, z_hi, p_lo, p_hi, pmin_lo, pmin_hi;

  if (sd == 0) { /* every value tied: no evidence either way */
    out->p = 1.0;
    out->p_min = 1.0;
    out->z = 0;
    return;
  }
  z_lo = (u - mu + 0.5) / sd;
  z_hi = (u - mu - 0.5) / sd;
  p_lo = clamp_p(norm_cdf(z_lo));
  p_hi = clamp_p(norm_cdf(-z_hi));
  pmin_lo = norm_cdf((0 - mu + 0.5) / sd);
  pmin_hi = norm_cdf(-(2.0 * mu - mu - 0.5) / sd);
  switch (alt) {
  case MB_MWU_LESS:
    out->p = p_lo;
    out->z = z_lo;
    out->p_min = pmin_lo;
    break;
  case MB_MWU_GREATER:
    out->p = p_hi;
    out->z = z_hi;
    out->p_min = pmin_hi;
    break;
  default:
    out->p = clamp_p(2.0 * (p_lo < p_hi ? p_lo : p_hi));
    out->z = p_lo < p_hi ? z_lo : z_hi;
    out->p_min = clamp_p(2.0 * pmin_lo);
    break;
  }
}

int mb_mwu_test(const double *x, size_t nx, const double *y, size_t ny,
                enum mb_mwu_alternative alt, struct mb_mwu_result *out)
{
  size_t n = nx + ny, i, j;
  struct ranked *all;
  unsigned *rank2;
  unsigned long obs2 = 0;
  double tie_sum = 0;
  int status = MB_OK;

  out->u = 0;
  out->p = 1;
  out->p_min = 1;
  out->z = 0;
  out->exact = 0;
  out->ties = 0;
  if (!x || !y || nx == 0 || ny == 0)
    return MB_EINVALID;
  for (i = 0; i < nx; i++)
    if (!isfinite(x[i]))
      return MB_EINVALID;
  for (i = 0; i < ny; i++)
    if (!isfinite(y[i]))
      return MB_EINVALID;
  all = malloc(n * sizeof(*all));
  rank2 = malloc(n * sizeof(*rank2));
  if (!all || !rank2) {
    free(all);
    free(rank2);
    return MB_ENOMEM;
  }
  for (i = 0; i < nx; i++) {
    all[i].value = x[i];
    all[i].is_x = 1;
  }
  for (i = 0; i < ny; i++) {
    all[nx + i].value = y[i];
    all[nx + i].is_x = 0;
  }
  qsort(all, n, sizeof(*all), cmp_ranked);
  /* Tied values share the mean of the ranks they span: positions i..j-1
   * (1-based ranks i+1..j) get (i + 1 + j) / 2, i.e. doubled i + 1 + j. */
  for (i = 0; i < n; i = j) {
    size_t t;

    for (j = i + 1; j < n && all[j].value == all[i].value; j++)
      ;
    t = j - i;
    if (t > 1) {
      out->ties++;
      tie_sum += (double)t * (double)t * (double)t - (double)t;
    }
    for (size_t k = i; k < j; k++) {
      rank2[k] = (unsigned)(i + 1 + j);
      if (all[k].is_x)
        obs2 += rank2[k];
    }
  }
  /* U = R - nx (nx + 1) / 2, with R the rank sum of x (obs2 / 2). */
  out->u = (double)obs2 / 2.0 - (double)nx * (double)(nx + 1) / 2.0;
  if (n <= MB_MWU_EXACT_MAX) {
    out->exact = 1;
    status = exact_p(rank2, n, nx, obs2, out, alt);
  } else {
    normal_p(out->u, nx, ny, tie_sum, out, alt);
  }
  free(all);
  free(rank2);
  return status;
}
