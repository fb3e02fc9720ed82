/* test_mwu.c: the Mann-Whitney U test against tabulated exact values, a
 * brute-force enumeration with ties, and the normal approximation. */
#include <math.h>
#include <stdint.h>

#include "check.h"
#include "error.h"
#include "mwu.h"

/* x[i] exceeds exactly c[i] of the ys (y = 10, 20, ...), so U = sum(c). */
static void build(size_t nx, size_t ny, const unsigned *c, double *x, double *y)
{
  size_t i;

  for (i = 0; i < ny; i++)
    y[i] = 10.0 * (double)(i + 1);
  for (i = 0; i < nx; i++)
    x[i] = 10.0 * (double)c[i] + 1.0 + 0.01 * (double)i;
}

/* P(U <= u) from Mann & Whitney (1947), Table I, 3 decimals. */
struct tab {
  size_t nx, ny;
  unsigned c[5]; /* placement of x among y; U = sum */
  double p;
};

static const struct tab table[] = {
    {3, 3, {0, 0, 0}, 0.050},       {3, 3, {0, 0, 1}, 0.100},
    {3, 3, {0, 0, 2}, 0.200},       {3, 3, {0, 1, 2}, 0.350},
    {4, 4, {0, 0, 0, 0}, 0.014},    {4, 4, {0, 0, 0, 1}, 0.029},
    {4, 4, {0, 0, 0, 2}, 0.057},    {4, 4, {0, 0, 0, 3}, 0.100},
    {4, 4, {0, 0, 0, 4}, 0.171},    {4, 4, {0, 0, 1, 4}, 0.243},
    {5, 5, {0, 0, 0, 0, 0}, 0.004}, {5, 5, {0, 0, 0, 0, 1}, 0.008},
    {5, 5, {0, 0, 0, 0, 2}, 0.016}, {5, 5, {0, 0, 0, 0, 3}, 0.028},
    {5, 5, {0, 0, 0, 0, 4}, 0.048}, {5, 5, {0, 0, 0, 0, 5}, 0.075},
    {5, 5, {0, 0, 0, 1, 5}, 0.111}, {3, 5, {0, 0, 0}, 0.018},
    {3, 5, {0, 0, 1}, 0.036},       {3, 5, {0, 0, 2}, 0.071},
    {3, 5, {0, 1, 2}, 0.125},       {3, 5, {0, 0, 4}, 0.196},
};

/* Reference: enumerate every nx-subset of the pooled sample and count those
 * whose rank sum is <= the observed one (an independent, slow method). */
static double brute_p_less(const double *x, size_t nx, const double *y, size_t ny)
{
  double all[16], rank[16], obs = 0;
  size_t n = nx + ny, i, j;
  uint32_t mask;
  double le = 0, total = 0;

  for (i = 0; i < nx; i++)
    all[i] = x[i];
  for (i = 0; i < ny; i++)
    all[nx + i] = y[i];
  for (i = 0; i < n; i++) {
    double below = 0, equal = 0;

    for (j = 0; j < n; j++) {
      below += all[j] < all[i];
      equal += all[j] == all[i];
    }
    rank[i] = below + (equal + 1) / 2.0; /* mid-rank */
  }
  for (i = 0; i < nx; i++)
    obs += rank[i];
  for (mask = 0; mask < (1u << n); mask++) {
    double s = 0;
    unsigned bits = 0;

    for (i = 0; i < n; i++)
      if (mask & (1u << i)) {
        s += rank[i];
        bits++;
      }
    if (bits != nx)
      continue;
    total++;
    if (s <= obs + 1e-9)
      le++;
  }
  return le / total;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

int main(void)
{
  struct mb_mwu_result r;
  double x[128], y[128];
  size_t i, t;

  for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
    unsigned u = 0;
    size_t k;

    build(table[i].nx, table[i].ny, table[i].c, x, y);
    for (k = 0; k < table[i].nx; k++)
      u += table[i].c[k];
    CHECK_EQ_INT(mb_mwu_test(x, table[i].nx, y, table[i].ny, MB_MWU_LESS, &r), MB_OK);
    CHECK_NEAR(r.u, u, 1e-12);
    CHECK_NEAR(r.p, table[i].p, 0.0005);
    CHECK_EQ_INT(r.exact, 1);
    CHECK_EQ_INT(r.ties, 0);
  }
  /* Smallest attainable p without ties is 1 / C(N, nx): 1/252 for 5 + 5. */
  build(5, 5, table[10].c, x, y);
  CHECK_EQ_INT(mb_mwu_test(x, 5, y, 5, MB_MWU_LESS, &r), MB_OK);
  CHECK_NEAR(r.p, 1.0 / 252.0, 1e-15);
  CHECK_NEAR(r.p_min, 1.0 / 252.0, 1e-15);
  /* The same data the other way round: x is as small as it can be. */
  CHECK_EQ_INT(mb_mwu_test(x, 5, y, 5, MB_MWU_GREATER, &r), MB_OK);
  CHECK_NEAR(r.p, 1.0, 1e-15);
  CHECK_EQ_INT(mb_mwu_test(y, 5, x, 5, MB_MWU_GREATER, &r), MB_OK);
  CHECK_NEAR(r.p, 1.0 / 252.0, 1e-15);
  CHECK_NEAR(r.u, 25, 1e-12);
  CHECK_EQ_INT(mb_mwu_test(x, 5, y, 5, MB_MWU_TWO_SIDED, &r), MB_OK);
  CHECK_NEAR(r.p, 2.0 / 252.0, 1e-15);

  /* Ties, by hand: x = {1, 1}, y = {1, 2}; mid-ranks 2, 2, 2, 4; rank sum
   * of x is 4; of the 6 pairs, 3 sum to 4 and 3 to 6: P(R <= 4) = 1/2. */
  {
    const double tx[] = {1, 1}, ty[] = {1, 2};

    CHECK_EQ_INT(mb_mwu_test(tx, 2, ty, 2, MB_MWU_LESS, &r), MB_OK);
    CHECK_NEAR(r.p, 0.5, 1e-15);
    CHECK_NEAR(r.u, 1.0, 1e-15); /* (1 vs 1) 1/2 twice, (1 vs 2) 0 twice */
    CHECK_EQ_INT(r.ties, 1);
    CHECK_NEAR(r.p_min, 0.5, 1e-15);
  }
  /* Everything tied: the data say nothing, p = 1. */
  {
    const double tx[] = {7, 7, 7}, ty[] = {7, 7, 7, 7};

    CHECK_EQ_INT(mb_mwu_test(tx, 3, ty, 4, MB_MWU_LESS, &r), MB_OK);
    CHECK_NEAR(r.p, 1.0, 1e-15);
    CHECK_NEAR(r.u, 6.0, 1e-15);
  }

  /* Random small samples with heavy ties against full enumeration. */
  for (t = 0; t < 300; t++) {
    size_t nx = 1 + rng() % 7, ny = 1 + rng() % 7;
    double want;

    for (i = 0; i < nx; i++)
      x[i] = (double)(rng() % 4);
    for (i = 0; i < ny; i++)
      y[i] = (double)(rng() % 4);
    want = brute_p_less(x, nx, y, ny);
    CHECK_EQ_INT(mb_mwu_test(x, nx, y, ny, MB_MWU_LESS, &r), MB_OK);
    CHECK_NEAR(r.p, want, 1e-12);
  }

  /* At N = 100 (still exact) the exact p and the tie-free normal
   * approximation agree closely; beyond it the approximation is used. */
  for (i = 0; i < 50; i++) {
    x[i] = (double)(2 * i) + (i % 5 == 0 ? 9.5 : 0.0);
    y[i] = (double)(2 * i + 1) + 4.0;
  }
  CHECK_EQ_INT(mb_mwu_test(x, 50, y, 50, MB_MWU_LESS, &r), MB_OK);
  CHECK_EQ_INT(r.exact, 1);
  {
    double mu = 1250, sd = sqrt(50.0 * 50.0 * 101.0 / 12.0);
    double approx = 0.5 * erfc(-((r.u - mu + 0.5) / sd) / sqrt(2.0));

    CHECK_NEAR(r.p, approx, 0.002);
    CHECK(r.p > 0.01 && r.p < 0.5);
  }
  for (i = 0; i < 60; i++) {
    x[i] = (double)i;
    y[i] = (double)i + 30.0;
  }
  CHECK_EQ_INT(mb_mwu_test(x, 60, y, 60, MB_MWU_LESS, &r), MB_OK);
  CHECK_EQ_INT(r.exact, 0);
  CHECK(r.p < 1e-6);
  CHECK(r.z < -4);
  CHECK_EQ_INT(mb_mwu_test(x, 60, x, 60, MB_MWU_LESS, &r), MB_OK);
  CHECK(r.p > 0.5 && r.p < 0.55); /* identical samples: U = mean */
  CHECK_NEAR(r.u, 1800, 1e-9);

  /* Bad input. */
  CHECK_EQ_INT(mb_mwu_test(x, 0, y, 3, MB_MWU_LESS, &r), MB_EINVALID);
  x[0] = NAN;
  CHECK_EQ_INT(mb_mwu_test(x, 3, y, 3, MB_MWU_LESS, &r), MB_EINVALID);
  return CHECK_DONE();
}
