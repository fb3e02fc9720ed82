/* restart.c: SP 800-90B §3.1.4 restart tests on a 1000 x 1000 matrix (see
 * restart.h). */
#include "restart.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Pr(every count <= x) for n draws over k_full values of probability p and
 * one value of probability rest (if rest > 0): n! [t^n] of the product of
 * the truncated exponential series sum_{j<=x} (p t)^j / j!. */
static long double all_at_most(unsigned x, unsigned n, unsigned k_full, long double p,
                               long double rest)
{
  long double *poly = calloc(n + 1, sizeof(*poly)),
              *next = calloc(n + 1, sizeof(*next));
  long double term[1024], res;
  unsigned f, i, j, factors = k_full + (rest > 0 ? 1u : 0u);

  if (!poly || !next || x >= 1024) {
    free(poly);
    free(next);
    return -1;
  }
  poly[0] = 1;
  for (f = 0; f < factors; f++) {
    long double q = f < k_full ? p : rest;

    term[0] = 1;
    for (j = 1; j <= x; j++)
      term[j] = term[j - 1] * q / (long double)j;
    memset(next, 0, (n + 1) * sizeof(*next));
    for (i = 0; i <= n; i++) {
      if (poly[i] == 0)
        continue;
      for (j = 0; j <= x && i + j <= n; j++)
        next[i + j] += poly[i] * term[j];
    }
    memcpy(poly, next, (n + 1) * sizeof(*poly));
  }
  res = poly[n];
  for (i = 2; i <= n; i++)
    res *= (long double)i;
  free(poly);
  free(next);
  return res;
}

unsigned mb_restart_cutoff(double h, double alpha, unsigned n)
{
  long double p = powl(2.0L, -(long double)h);
  unsigned k_full = (unsigned)floorl(1.0L / p), x;
  long double rest = 1.0L - (long double)k_full * p;

  if (rest < 1e-15L)
    rest = 0; /* 1/p is a whole number: no residual value */
  for (x = (n + k_full) / (k_full + (rest > 0)); x < n && x < 1023; x++) {
    long double f = all_at_most(x, n, k_full, p, rest);

    if (f < 0 || 1.0L - f <= (long double)alpha)
      return x;
  }
  return x;
}

/* The largest count of one value in any of `lines` lines of `len`
 * samples, each line's samples `step` apart, lines `stride` apart. */
static unsigned max_count(const uint8_t *m, size_t lines, size_t len, size_t stride,
                          size_t step)
{
  unsigned best = 0, counts[256];
  size_t i, j;

  for (i = 0; i < lines; i++) {
    memset(counts, 0, sizeof(counts));
    for (j = 0; j < len; j++) {
      unsigned c = ++counts[m[i * stride + j * step]];

      if (c > best)
        best = c;
    }
  }
  return best;
}

int mb_restart_analyse(const uint8_t *m, unsigned bits, double h_initial, int threads,
                       struct mb_restart_result *out, struct mb_error *err)
{
  const size_t r = MB_RESTART_ROWS, c = MB_RESTART_COLS, n = r * c;
  struct mb_assess_options opt;
  uint8_t *cols, present[256];
  unsigned mask = 0, k = 0, v;
  size_t i, j;
  int rc;

  memset(out, 0, sizeof(*out));
  out->h = -1;
  out->h_r = out->h_c = -1;
  if (bits > 8)
    return mb_error_set(err, MB_EINVALID, NULL, 0, 0, NULL,
                        "%u bits per symbol is outside 1..8", bits);
  memset(present, 0, sizeof(present));
  for (i = 0; i < n; i++) {
    mask |= m[i];
    present[m[i]] = 1;
  }
  if (bits == 0)
    for (bits = 8; bits > 1 && !(mask & (1u << (bits - 1))); bits--)
      ;
  if ((mask >> bits) != 0)
    return mb_error_set(err, MB_EINVALID, NULL, 0, 0, NULL,
                        "a sample is wider than %u bits", bits);
  for (v = 0; v < 256; v++)
    k += present[v];
  out->bits_per_symbol = bits;
  out->alphabet_size = k;
  out->h_initial = h_initial;
  if (h_initial == 0) { /* nothing claimed, nothing to validate or award */
    out->no_entropy = 1;
    return MB_OK;
  }
  if (!(h_initial > 0) || h_initial > bits)
    return mb_error_set(err, MB_EINVALID, NULL, 0, 0, NULL,
                        "H_I = %g is outside (0, %u]", h_initial, bits);
  /* One value only (k = 1) is a valid matrix with no entropy, and the
   * checks give their verdict on it: §3.1.4.3's sanity check fails when
   * X_max = 1,000 exceeds the cut-off for the claimed H_I. */

  /* §3.1.4.3 */
  out->alpha = 1.0 - exp(log(0.99) / (double)(r + c));
  out->x_cutoff = mb_restart_cutoff(h_initial, out->alpha, (unsigned)c);
  out->x_rows = max_count(m, r, c, c, 1);
  out->x_cols = max_count(m, c, r, 1, c);
  out->x_max = out->x_rows > out->x_cols ? out->x_rows : out->x_cols;
  out->sanity_pass = out->x_max <= out->x_cutoff;
  if (!out->sanity_pass)
    return MB_OK;

  /* §3.1.4.2 */
  cols = malloc(n);
  if (!cols)
    return mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
  for (i = 0; i < r; i++)
    for (j = 0; j < c; j++)
      cols[j * r + i] = m[i * c + j];
  memset(&opt, 0, sizeof(opt));
  opt.no_bitstring = 1;
  opt.threads = threads;
  rc = mb_assess(m, n, bits, &opt, &out->rows, err);
  if (rc == MB_OK)
    rc = mb_assess(cols, n, bits, &opt, &out->cols, err);
  free(cols);
  if (rc != MB_OK)
    return rc;
  out->h_r = out->rows.h_original;
  out->h_c = out->cols.h_original;
  out->validation_pass = fmin(out->h_r, out->h_c) >= h_initial / 2.0;
  out->pass = out->validation_pass;
  if (out->pass)
    out->h = fmin(fmin(out->h_r, out->h_c), h_initial);
  return MB_OK;
}
