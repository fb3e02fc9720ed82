/* varpart.c: sequential sums of squares, t-intervals and correlations. */
#include "varpart.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plural.h"

/* A column whose norm after orthogonalization falls below this fraction of
 * its norm before is a combination of earlier columns (aliased). */
#define MB_VARPART_ALIAS_TOL 1e-9

static double dot(const double *a, const double *b, size_t n)
{
  double s = 0;
  size_t i;

  for (i = 0; i < n; i++)
    s += a[i] * b[i];
  return s;
}

/* Orthogonalize col against basis[0..k) (unit columns of length n), twice;
 * normalize it and return 1 when it is not aliased, else 0. */
static int add_column(double *basis, size_t k, size_t n, double *col)
{
  double before = sqrt(dot(col, col, n)), after;
  size_t j, i, pass;

  if (before == 0)
    return 0;
  for (pass = 0; pass < 2; pass++)
    for (j = 0; j < k; j++) {
      const double *q = basis + j * n;
      double c = dot(q, col, n);

      for (i = 0; i < n; i++)
        col[i] -= c * q[i];
    }
  after = sqrt(dot(col, col, n));
  if (after <= MB_VARPART_ALIAS_TOL * before)
    return 0;
  for (i = 0; i < n; i++)
    col[i] /= after;
  memcpy(basis + k * n, col, n * sizeof(*col));
  return 1;
}

void mb_varpart_result_cleanup(struct mb_varpart_result *r)
{
  if (!r)
    return;
  free(r->terms);
  memset(r, 0, sizeof(*r));
}

int mb_varpart_sequential(const double *y, size_t n,
                          const struct mb_varpart_term *terms, size_t nt,
                          struct mb_varpart_result *out, struct mb_error *err)
{
  size_t p = 1, t, i, l, k = 0;
  double *basis = NULL, *col = NULL, mean = 0, explained = 0;
  int rc = MB_OK;

  memset(out, 0, sizeof(*out));
  if (n < 2)
    return mb_error_set(err, MB_EINVALID, NULL, 0, 0, NULL,
                        "variance decomposition: %zu observation%s, at least 2 needed",
                        n, mb_s(n));
  for (i = 0; i < n; i++)
    if (!isfinite(y[i]))
      return mb_error_set(err, MB_EINVALID, NULL, 0, 0, NULL,
                          "variance decomposition: observation %zu is not finite", i);
  for (t = 0; t < nt; t++) {
    if (terms[t].kind == MB_VARPART_FACTOR) {
      for (i = 0; i < n; i++)
        if (terms[t].level[i] >= terms[t].n_levels)
          return mb_error_set(err, MB_EINVALID, NULL, 0, 0, NULL,
                              "variance decomposition: term %zu, observation %zu: "
                              "level %zu of %zu",
                              t, i, terms[t].level[i], terms[t].n_levels);
      p += terms[t].n_levels;
    } else {
      for (i = 0; i < n; i++)
        if (!isfinite(terms[t].x[i]))
          return mb_error_set(err, MB_EINVALID, NULL, 0, 0, NULL,
                              "variance decomposition: term %zu, observation %zu is "
                              "not finite",
                              t, i);
      p++;
    }
  }
  /* More than n columns can never all be independent. */
  if (p > n)
    p = n;
  out->terms = calloc(nt ? nt : 1, sizeof(*out->terms));
  basis = malloc(p * n * sizeof(*basis));
  col = malloc(n * sizeof(*col));
  if (!out->terms || !basis || !col) {
    rc = mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    goto done;
  }
  out->n = n;
  out->n_terms = nt;
  for (i = 0; i < n; i++)
    mean += y[i];
  mean /= (double)n;
  for (i = 0; i < n; i++)
    out->total_ss += (y[i] - mean) * (y[i] - mean);
  /* the intercept */
  for (i = 0; i < n; i++)
    col[i] = 1;
  k += (size_t)add_column(basis, k, n, col);
  for (t = 0; t < nt; t++) {
    size_t ncol = terms[t].kind == MB_VARPART_FACTOR ? terms[t].n_levels : 1;
    double ss = 0;

    for (l = 0; l < ncol && k < p; l++) {
      for (i = 0; i < n; i++)
        col[i] = terms[t].kind == MB_VARPART_FACTOR ? (terms[t].level[i] == l)
                                                    : terms[t].x[i];
      if (add_column(basis, k, n, col)) {
        double c = dot(basis + k * n, y, n);

        ss += c * c;
        out->terms[t].df++;
        k++;
      }
    }
    out->terms[t].ss = ss;
    explained += ss;
  }
  out->residual.ss = out->total_ss - explained;
  /* rounding can leave a tiny negative residual for an exact fit */
  if (out->residual.ss < 0)
    out->residual.ss = 0;
  out->residual.df = n - k;
  for (t = 0; t < nt; t++)
    out->terms[t].share = out->total_ss > 0 ? out->terms[t].ss / out->total_ss : NAN;
  out->residual.share = out->total_ss > 0 ? out->residual.ss / out->total_ss : NAN;
done:
  free(basis);
  free(col);
  if (rc)
    mb_varpart_result_cleanup(out);
  return rc;
}

/* Continued fraction of the regularized incomplete beta function (modified
 * Lentz), valid for x < (a + 1) / (a + b + 2). */
static double beta_cf(double a, double b, double x)
{
  const double tiny = 1e-300;
  double c = 1, d = 1 - (a + b) * x / (a + 1), h;
  int m;

  if (fabs(d) < tiny)
    d = tiny;
  d = 1 / d;
  h = d;
  for (m = 1; m <= 300; m++) {
    double m2 = 2.0 * m, aa, del;

    aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    d = fabs(d) < tiny ? tiny : d;
    c = 1 + aa / c;
    c = fabs(c) < tiny ? tiny : c;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    d = fabs(d) < tiny ? tiny : d;
    c = 1 + aa / c;
    c = fabs(c) < tiny ? tiny : c;
    d = 1 / d;
    del = d * c;
    h *= del;
    if (fabs(del - 1) < 1e-15)
      break;
  }
  return h;
}

/* I_x(a, b), the regularized incomplete beta function. */
static double ibeta(double a, double b, double x)
{
  double front;

  if (x <= 0)
    return 0;
  if (x >= 1)
    return 1;
  front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
  if (x < (a + 1) / (a + b + 2))
    return front * beta_cf(a, b, x) / a;
  return 1 - front * beta_cf(b, a, 1 - x) / b;
}

double mb_varpart_t_cdf(double t, double df)
{
  double tail;

  if (isnan(t))
    return NAN;
  if (isinf(t))
    return t > 0 ? 1 : 0;
  /* P(|T| > |t|) = I_{df / (df + t^2)}(df / 2, 1 / 2) */
  tail = 0.5 * ibeta(df / 2, 0.5, df / (df + t * t));
  return t > 0 ? 1 - tail : tail;
}

double mb_varpart_t_quantile(double p, double df)
{
  double lo = -1e6, hi = 1e6;
  int i;

  if (!(p > 0 && p < 1) || !(df >= 1))
    return NAN;
  for (i = 0; i < 200 && hi - lo > 1e-12; i++) {
    double mid = 0.5 * (lo + hi);

    if (mb_varpart_t_cdf(mid, df) < p)
      lo = mid;
    else
      hi = mid;
  }
  return 0.5 * (lo + hi);
}

struct mb_varpart_interval mb_varpart_t_interval(const double *d, size_t n, double conf)
{
  struct mb_varpart_interval r;
  double s = 0, ss = 0;
  size_t i;

  r.n = n;
  r.conf = conf;
  r.mean = r.sd = r.lo = r.hi = NAN;
  if (n == 0)
    return r;
  for (i = 0; i < n; i++)
    s += d[i];
  r.mean = s / (double)n;
  if (n < 2)
    return r;
  for (i = 0; i < n; i++)
    ss += (d[i] - r.mean) * (d[i] - r.mean);
  r.sd = sqrt(ss / (double)(n - 1));
  {
    double half = mb_varpart_t_quantile(1 - (1 - conf) / 2, (double)(n - 1)) * r.sd /
                  sqrt((double)n);

    r.lo = r.mean - half;
    r.hi = r.mean + half;
  }
  return r;
}

double mb_varpart_correlation(const double *x, const double *y, size_t n)
{
  double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0;
  size_t i;

  if (n < 3)
    return NAN;
  for (i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= (double)n;
  my /= (double)n;
  for (i = 0; i < n; i++) {
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
    sxy += (x[i] - mx) * (y[i] - my);
  }
  if (sxx <= 0 || syy <= 0)
    return NAN;
  return sxy / sqrt(sxx * syy);
}
