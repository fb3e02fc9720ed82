/* test_iid.c: the IID track (estimators/iid.c) and the health tests
 * (estimators/health.c).
 *
 * Usage: test_iid               unit cases: edge cases, determinism across
 *                               thread counts, health-test cut-offs and replay
 *        test_iid CASE          agreement with ea_iid 1.1.7 on
 *                               tests/data/iid/CASE (make_iid_fixtures.py):
 *                               every unpermuted statistic, the chi-square and
 *                               LRS results within 1e-9 relative, the MCV
 *                               estimates, and every verdict. */
#include <jansson.h>

#include "check.h"
#include "commands.h"
#include "health.h"
#include "iid.h"
#include "testutil.h"

#define REL 1e-9

static void check_rel(const char *what, double got, double want)
{
  double tol = REL * fmax(fabs(want), 1e-300);

  if (fabs(got - want) <= tol || (got == 0 && want == 0))
    mb_check_passed++;
  else
    MB_CHECK_FAIL_("%s: %.17g, ea_iid %.17g (relative diff %.3g)", what, got, want,
                   (got - want) / want);
}

static double num(json_t *o, const char *key)
{
  json_t *v = json_object_get(o, key);

  if (!json_is_number(v)) {
    MB_CHECK_FAIL_("expected.json has no number %s", key);
    return NAN;
  }
  return json_number_value(v);
}

static int fixture(const char *name)
{
  char path[1024];
  uint8_t *data;
  size_t n, j;
  json_t *exp, *stats, *counts;
  json_error_t jerr;
  struct mb_iid_result *r = malloc(sizeof(*r)), *r1 = malloc(sizeof(*r1));
  struct mb_iid_options o;
  struct mb_error err;

  snprintf(path, sizeof(path), "%s/tests/data/iid/%s/input.bin", MB_SOURCE_DIR, name);
  data = (uint8_t *)mb_test_slurp(path, &n);
  if (!data)
    MB_SKIP("cannot read %s", path);
  snprintf(path, sizeof(path), "%s/tests/data/iid/%s/expected.json", MB_SOURCE_DIR,
           name);
  exp = json_load_file(path, 0, &jerr);
  CHECK(exp != NULL);
  if (!exp || !r || !r1)
    return CHECK_DONE();
  memset(&o, 0, sizeof(o));
  o.seed = 20261201;
  o.threads = 2;
  mb_error_init(&err);
  CHECK_EQ_INT(mb_iid_assess(data, n, (unsigned)num(exp, "bits"), &o, r, &err), MB_OK);

  /* §5.1 statistics of the data as it is. */
  stats = json_object_get(exp, "statistics");
  for (j = 0; j < MB_IID_NSTATS; j++) {
    const char *nist = mb_iid_stat_nist_name((enum mb_iid_stat)j);

    check_rel(nist, r->stat[j], num(stats, nist));
  }
  check_rel("mean", r->mean, num(exp, "mean"));
  check_rel("median", r->median, num(exp, "median"));

  /* §5.2 */
  check_rel("independence T", r->independence.t, num(exp, "independence_t"));
  CHECK_EQ_INT(r->independence.df, (long)num(exp, "independence_df"));
  check_rel("independence p", r->independence.p_value, num(exp, "independence_p"));
  check_rel("goodness-of-fit T", r->goodness_of_fit.t, num(exp, "gof_t"));
  CHECK_EQ_INT(r->goodness_of_fit.df, (long)num(exp, "gof_df"));
  check_rel("goodness-of-fit p", r->goodness_of_fit.p_value, num(exp, "gof_p"));
  CHECK_EQ_INT(r->chi_square_pass,
               json_is_true(json_object_get(exp, "chi_square_pass")));
  check_rel("LRS P_col", r->lrs_p_col, num(exp, "lrs_p_col"));
  CHECK_EQ_INT(r->lrs_w, (long long)num(exp, "lrs_w"));
  check_rel("LRS Pr(X >= 1)", r->lrs_pr, num(exp, "lrs_pr"));
  CHECK_EQ_INT(r->lrs_pass, json_is_true(json_object_get(exp, "lrs_pass")));

  /* §6.3.1 and the assessed value ea_iid prints. */
  check_rel("H_original", r->h_original, num(exp, "h_original"));
  if (json_object_get(exp, "h_bitstring"))
    check_rel("H_bitstring", r->h_bitstring, num(exp, "h_bitstring"));
  check_rel("h_assessed", r->h_assessed, num(exp, "h_assessed"));

  /* Verdicts: each statistic's and the overall ones (the counters differ:
   * ea_iid draws its own permutations). */
  counts = json_object_get(exp, "permutation_counts");
  for (j = 0; j < MB_IID_NSTATS; j++) {
    json_t *c = json_object_get(counts, mb_iid_stat_nist_name((enum mb_iid_stat)j));

    if (!c)
      continue;
    if (r->stat_pass[j] == !json_is_true(json_object_get(c, "fail")))
      mb_check_passed++;
    else
      MB_CHECK_FAIL_("%s: mebench %s, ea_iid %s",
                     mb_iid_stat_nist_name((enum mb_iid_stat)j),
                     r->stat_pass[j] ? "passes" : "fails",
                     json_is_true(json_object_get(c, "fail")) ? "fails" : "passes");
  }
  CHECK_EQ_INT(r->permutation_pass,
               json_is_true(json_object_get(exp, "permutation_pass")));
  CHECK_EQ_INT(r->iid, json_is_true(json_object_get(exp, "iid")));

  /* The same seed on one thread gives the same counters (checked where
   * the statistics settle early; the non-IID cases run all 10,000). */
  if (r->permutations_counted < 2000) {
    o.threads = 1;
    CHECK_EQ_INT(mb_iid_assess(data, n, (unsigned)num(exp, "bits"), &o, r1, &err),
                 MB_OK);
    CHECK_EQ_MEM(r->counter, r1->counter, sizeof(r->counter));
    CHECK_EQ_INT(r->permutations_counted, r1->permutations_counted);
  }
  printf("%s: iid %d, %u permutations counted\n", name, r->iid,
         r->permutations_counted);
  json_decref(exp);
  free(data);
  free(r);
  free(r1);
  return CHECK_DONE();
}

static void edge_cases(void)
{
  struct mb_iid_result *r = malloc(sizeof(*r));
  struct mb_iid_options o;
  struct mb_error err;
  uint8_t d[512];
  size_t i;

  memset(&o, 0, sizeof(o));
  o.permutations = 200;
  /* Empty input and too-wide samples are errors. */
  mb_error_init(&err);
  CHECK_EQ_INT(mb_iid_assess(d, 0, 8, &o, r, &err), MB_EINVALID);
  d[0] = 9;
  mb_error_init(&err);
  CHECK_EQ_INT(mb_iid_assess(d, 1, 3, &o, r, &err), MB_EINVALID);
  /* One value: h = 0, nothing to test (the tool refuses the file). */
  memset(d, 7, sizeof(d));
  CHECK_EQ_INT(mb_iid_assess(d, sizeof(d), 0, &o, r, &err), MB_OK);
  CHECK(r->skipped != NULL);
  CHECK_EQ_INT(r->iid, 0);
  CHECK_NEAR(r->h_assessed, 0, 0);
  /* 256 distinct bytes once each: nothing repeats (the tool asserts in its
   * LRS test); no collision either. A defined answer, no crash. */
  for (i = 0; i < 256; i++)
    d[i] = (uint8_t)i;
  CHECK_EQ_INT(mb_iid_assess(d, 256, 8, &o, r, &err), MB_OK);
  CHECK_EQ_INT(r->lrs_w, 0);
  CHECK_EQ_INT(r->lrs_pass, 1);
  CHECK_NEAR(r->stat[MB_IID_AVG_COLLISION], 0, 0);
  /* ... and far too few pairs for 256 values: df < 0, no test, a pass as
   * in ea_iid (p = 1), with a note saying so */
  CHECK(r->independence.df <= 0);
  CHECK_EQ_INT(r->independence.pass, 1);
  CHECK(r->independence.note && strstr(r->independence.note, "no test"));
  /* Two binary samples: T of the ten parts is undefined (NaN in ea_iid,
   * which passes it): a pass with a note, not a FAIL. */
  d[0] = 0;
  d[1] = 1;
  CHECK_EQ_INT(mb_iid_assess(d, 2, 1, &o, r, &err), MB_OK);
  CHECK_EQ_INT(r->goodness_of_fit.pass, 1);
  CHECK(r->goodness_of_fit.note && strstr(r->goodness_of_fit.note, "undefined"));
  CHECK(r->independence.note != NULL); /* df = 0 */
  /* Fewer bits than one Conversion block, shorter than every lag. */
  d[0] = 0;
  d[1] = 1;
  d[2] = 1;
  CHECK_EQ_INT(mb_iid_assess(d, 3, 1, &o, r, &err), MB_OK);
  CHECK_NEAR(r->stat[MB_IID_PERIODICITY_32], 0, 0);
  CHECK_NEAR(r->stat[MB_IID_LEN_DIR_RUNS], 1, 0);
  /* Alternating data is the clearest non-IID there is. */
  for (i = 0; i < sizeof(d); i++)
    d[i] = (uint8_t)(i & 1);
  o.permutations = 1000;
  CHECK_EQ_INT(mb_iid_assess(d, sizeof(d), 1, &o, r, &err), MB_OK);
  CHECK_EQ_INT(r->iid, 0);
  CHECK_EQ_INT(r->permutation_pass, 0);
  CHECK_EQ_INT(r->permutations_counted, 1000);
  free(r);
}

/* Results depend on the seed only: 1, 2 and 3 threads agree. */
static void determinism(void)
{
  struct mb_iid_result *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
  struct mb_iid_options o;
  struct mb_error err;
  uint8_t d[3000];
  uint64_t x = 12345;
  size_t i;
  int t;

  for (i = 0; i < sizeof(d); i++) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    d[i] = (uint8_t)(x >> 60);
  }
  memset(&o, 0, sizeof(o));
  o.seed = 7;
  o.threads = 1;
  mb_error_init(&err);
  CHECK_EQ_INT(mb_iid_assess(d, sizeof(d), 4, &o, a, &err), MB_OK);
  for (t = 2; t <= 3; t++) {
    o.threads = t;
    CHECK_EQ_INT(mb_iid_assess(d, sizeof(d), 4, &o, b, &err), MB_OK);
    CHECK_EQ_MEM(a->counter, b->counter, sizeof(a->counter));
    CHECK_EQ_INT(a->permutations_counted, b->permutations_counted);
  }
  /* Another seed draws other permutations. */
  o.seed = 8;
  CHECK_EQ_INT(mb_iid_assess(d, sizeof(d), 4, &o, b, &err), MB_OK);
  CHECK(memcmp(a->counter, b->counter, sizeof(a->counter)) != 0);
  free(a);
  free(b);
}

/* Case t of a comparison: the statistics of d[0..n-1] computed the fast
 * way and sample by sample (plain) are equal bit for bit, and so are the
 * counters of 30 permutations for every 10th case. binary: what the data
 * must be taken for. a and b are scratch results. */
static void same_as_plain(const uint8_t *d, size_t n, size_t t, int binary,
                          struct mb_iid_result *a, struct mb_iid_result *b,
                          const char *what)
{
  struct mb_iid_options o;
  struct mb_error err;

  mb_error_init(&err);
  memset(&o, 0, sizeof(o));
  o.seed = t;
  o.threads = 1;
  o.permutations = 30;
  o.no_permutations = t % 10 != 0;
  CHECK_EQ_INT(mb_iid_assess(d, n, 0, &o, a, &err), MB_OK);
  o.plain = 1;
  CHECK_EQ_INT(mb_iid_assess(d, n, 0, &o, b, &err), MB_OK);
  CHECK_EQ_INT(a->binary, binary);
  CHECK_EQ_MEM(a->stat, b->stat, sizeof(a->stat));
  CHECK_EQ_MEM(a->counter, b->counter, sizeof(a->counter));
  if (memcmp(a->stat, b->stat, sizeof(a->stat)) != 0)
    fprintf(stderr, "%s: case %zu (%zu samples) differs\n", what, t, n);
}

/* Binary data's statistics a word at a time (Conversions I and II eight
 * samples at once, the runs about the median from 64-bit words) against
 * the same sample by sample (plain): every statistic bit for bit,
 * on the data and, for some, on 30 permutations (the counters). Sizes
 * around every word and block end; fair, biased, sticky (runs longer than
 * a word, so the longest run crosses words), alternating, period 3,
 * long runs; values 0/1, 1/0 swapped, 7/200. */
static void binary_words(void)
{
  static const uint8_t vals[3][2] = {{0, 1}, {1, 0}, {7, 200}};
  struct mb_iid_result *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
  size_t cap = 70000, n, i, t;
  uint8_t *d = malloc(cap);
  uint64_t x = 99;

  CHECK(a && b && d);
  if (!a || !b || !d)
    goto out;
  for (t = 0; t < 600; t++) {
    int kind = (int)(t % 7);
    const uint8_t *v = vals[(t / 7) % 3];

    n = t < 280 ? 2 + t : t < 590 ? 2 + (size_t)(x >> 33) % 5000 : cap;
    for (i = 0; i < n; i++) {
      unsigned bit;

      x = x * 6364136223846793005ull + 1442695040888963407ull;
      switch (kind) {
      case 0: /* fair */
        bit = (unsigned)(x >> 63);
        break;
      case 1: /* mostly the first value */
        bit = (x >> 59) == 0;
        break;
      case 2: /* mostly the second */
        bit = (x >> 59) != 0;
        break;
      case 3: /* sticky: runs of about 100 */
        bit = i && (x >> 57) != 0 ? d[i - 1] == v[1] : (unsigned)(x >> 63);
        break;
      case 4: /* alternating */
        bit = (unsigned)(i & 1);
        break;
      case 5: /* period 3 */
        bit = i % 3 == 1;
        break;
      default: /* runs of 60..200 */
        bit = (unsigned)(i / (60 + t % 141)) & 1;
        break;
      }
      d[i] = v[bit];
    }
    d[0] = v[0]; /* both values present */
    d[n - 1] = v[1];
    same_as_plain(d, n, t, 1, a, b, "binary words");
  }
out:
  free(a);
  free(b);
  free(d);
}

/* The statistics of wider data computed several samples at a time (the
 * directional runs from a bit per difference, eight at a time; the
 * excursion four samples a step; the periodicity eight matches at a time)
 * against the same sample by sample (plain): every statistic bit for bit,
 * on the data and, for some, on 30 permutations (the counters). Sizes
 * around every 4, 8 and 64 samples; alphabets of 3 to 256 values;
 * uniform, a random walk (long monotone stretches), stretches of equal
 * values, a sawtooth, extremes only (0 and 255: the bytes' top bits
 * decide), and strictly rising. */
static void wide_words(void)
{
  struct mb_iid_result *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
  size_t cap = 70000, n, i, t;
  uint8_t *d = malloc(cap);
  uint64_t x = 7;

  CHECK(a && b && d);
  if (!a || !b || !d)
    goto out;
  for (t = 0; t < 420; t++) {
    int kind = (int)(t % 6);
    unsigned k = t % 5 == 0   ? 256
                 : t % 5 == 1 ? 3
                 : t % 5 == 2 ? 16
                 : t % 5 == 3 ? 100
                              : 7;
    unsigned v = 0;

    n = t < 200 ? 3 + t : t < 410 ? 3 + (size_t)(x >> 33) % 5000 : cap;
    for (i = 0; i < n; i++) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      switch (kind) {
      case 0: /* uniform */
        v = (unsigned)(x >> 40) % k;
        break;
      case 1: /* a random walk */
        v = (v + k + ((x >> 62) & 1 ? 1u : k - 1u)) % k;
        break;
      case 2: /* stretches of equal values */
        v = (x >> 58) == 0 ? (unsigned)(x >> 40) % k : v;
        break;
      case 3: /* a sawtooth */
        v = (unsigned)(i % 9) % k;
        break;
      case 4: /* extremes only */
        v = (x >> 63) ? 255u : 0u;
        break;
      default: /* rising, then from 0 again */
        v = (unsigned)i % k;
        break;
      }
      d[i] = (uint8_t)(kind == 4 ? v : v * (255u / (k - 1u)));
    }
    d[0] = 0; /* at least three distinct values: not binary */
    d[1] = 128;
    d[2] = 255;
    same_as_plain(d, n, t, 0, a, b, "wide words");
  }
out:
  free(a);
  free(b);
  free(d);
}

static void health(void)
{
  struct mb_health_cutoffs c;
  struct mb_health_counts k;
  uint8_t d[4096];
  size_t i;

  /* §4.4.1: C = 1 + ceil(20 / H) at alpha = 2^-20. */
  CHECK_EQ_INT(mb_health_cutoffs(1.0, MB_HEALTH_ALPHA, 1, &c), 0);
  CHECK_EQ_U64(c.rct, 21);
  CHECK_EQ_INT(c.window, 512);
  /* §4.4.2: the binomial critical values, computed independently with
   * exact 80-digit arithmetic: W = 1024, H = 1, 2, 4, 8 -> 589, 325, 105,
   * 18; W = 512, H = 1, 0.5, 0.2 -> 311, 410, 480. 589 and 410 are the
   * values SP 800-90B's own table gives. */
  mb_health_cutoffs(1.0, MB_HEALTH_ALPHA, 0, &c);
  CHECK_EQ_U64(c.apt, 589);
  mb_health_cutoffs(2.0, MB_HEALTH_ALPHA, 0, &c);
  CHECK_EQ_U64(c.apt, 325);
  mb_health_cutoffs(4.0, MB_HEALTH_ALPHA, 0, &c);
  CHECK_EQ_U64(c.apt, 105);
  CHECK_EQ_U64(c.rct, 6);
  mb_health_cutoffs(8.0, MB_HEALTH_ALPHA, 0, &c);
  CHECK_EQ_U64(c.apt, 18);
  CHECK_EQ_U64(c.rct, 4);
  mb_health_cutoffs(1.0, MB_HEALTH_ALPHA, 1, &c);
  CHECK_EQ_U64(c.apt, 311);
  mb_health_cutoffs(0.5, MB_HEALTH_ALPHA, 1, &c);
  CHECK_EQ_U64(c.apt, 410);
  mb_health_cutoffs(0.2, MB_HEALTH_ALPHA, 1, &c);
  CHECK_EQ_U64(c.apt, 480);
  CHECK_EQ_INT(mb_health_cutoffs(0.0, MB_HEALTH_ALPHA, 0, &c), -1);
  CHECK_EQ_INT(mb_health_cutoffs(1.0, 0.0, 0, &c), -1);

  /* Replay: a constant stretch fires the RCT once per run and the APT in
   * every window it fills; a negative control fires nothing. */
  mb_health_cutoffs(4.0, MB_HEALTH_ALPHA, 0, &c);
  for (i = 0; i < sizeof(d); i++)
    d[i] = (uint8_t)(i % 16);
  memset(&k, 0, sizeof(k));
  mb_health_replay(d, sizeof(d), &c, &k);
  CHECK_EQ_U64(k.rct_fired, 0);
  CHECK_EQ_U64(k.apt_fired, 0);
  CHECK_EQ_U64(k.apt_windows, 4);
  CHECK_EQ_U64(k.rct_opportunities, sizeof(d) - c.rct + 1);
  memset(d + 100, 3, 20);   /* one run of 20 >= 6 */
  memset(d + 2048, 5, 200); /* fills the third window past 105 */
  mb_health_replay(d, sizeof(d), &c, &k);
  CHECK_EQ_U64(k.rct_fired, 2);
  CHECK_EQ_U64(k.apt_fired, 1);
  CHECK_EQ_U64(k.samples, 2 * sizeof(d));
  CHECK(mb_health_poisson_tail(0, 1e-3) == 1.0);
  CHECK(mb_health_poisson_tail(2, 1e-3) < 1e-5);
  CHECK(mb_health_poisson_tail(1, 5.0) > 0.99);
}

/* mebench assess --iid: options and the JSON's top-level keys. */
static void cli(void)
{
  char dir[] = "/tmp/mb_test_iid.XXXXXX", in[256], out[256];
  uint8_t d[2000];
  uint64_t x = 99;
  size_t i, n;
  struct mb_error err;
  json_t *j;
  json_error_t jerr;

  if (!mkdtemp(dir)) {
    MB_CHECK_FAIL_("cannot make a temporary directory");
    return;
  }
  snprintf(in, sizeof(in), "%s/in.bin", dir);
  snprintf(out, sizeof(out), "%s/out.json", dir);
  for (i = 0; i < sizeof(d); i++) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    d[i] = (uint8_t)(x >> 58);
  }
  CHECK_EQ_INT(mb_test_write(in, d, sizeof(d)), 0);
  {
    const char *args[] = {"assess",         "--iid", "--json",  "--seed", "5",
                          "--permutations", "300",   "--alpha", "0.001",  in};

    CHECK_EQ_INT(mb_test_command(out, mb_cmd_assess, 10, args, &err), MB_OK);
  }
  j = json_load_file(out, 0, &jerr);
  CHECK(json_is_boolean(json_object_get(j, "iid")));
  CHECK(json_is_number(json_object_get(j, "h_assessed")));
  CHECK(json_is_string(json_object_get(j, "verdict")));
  CHECK_EQ_INT(json_integer_value(json_object_get(j, "seed")), 5);
  CHECK_EQ_INT(json_integer_value(json_object_get(
                   json_object_get(j, "permutation_tests"), "permutations")),
               300);
  CHECK(json_is_number(json_object_get(
      json_object_get(
          json_object_get(json_object_get(j, "permutation_tests"), "statistics"),
          "compression"),
      "value")));
  CHECK(json_is_number(json_object_get(json_object_get(j, "health"), "rct_cutoff")));
  json_decref(j);
  {
    const char *bad_seed[] = {"assess", "--iid", "--seed", "-1", in};
    const char *bad_perm[] = {"assess", "--iid", "--permutations", "0", in};
    const char *bad_alpha[] = {"assess", "--alpha", "1", in};

    const char *big_seed[] = {"assess", "--iid", "--seed", "9007199254740992", in};

    CHECK_EQ_INT(mb_test_command(NULL, mb_cmd_assess, 5, bad_seed, &err), MB_EUSAGE);
    /* past 2^53 - 1 a seed would not read back exactly from JSON */
    CHECK_EQ_INT(mb_test_command(NULL, mb_cmd_assess, 5, big_seed, &err), MB_EUSAGE);
    CHECK(strstr(err.text, "0..2^53-1") != NULL);
    CHECK_EQ_INT(mb_test_command(NULL, mb_cmd_assess, 5, bad_perm, &err), MB_EUSAGE);
    CHECK_EQ_INT(mb_test_command(NULL, mb_cmd_assess, 4, bad_alpha, &err), MB_EUSAGE);
  }
  /* The largest seed, and a drawn one, are JSON integers read back exactly. */
  {
    const char *top[] = {"assess",           "--iid",          "--json", "--seed",
                         "9007199254740991", "--permutations", "20",     in};
    const char *drawn[] = {"assess", "--iid", "--json", "--permutations", "20", in};

    CHECK_EQ_INT(mb_test_command(out, mb_cmd_assess, 8, top, &err), MB_OK);
    j = json_load_file(out, 0, &jerr);
    CHECK(json_is_integer(json_object_get(j, "seed")));
    CHECK(json_integer_value(json_object_get(j, "seed")) == 9007199254740991LL);
    json_decref(j);
    for (i = 0; i < 8; i++) {
      CHECK_EQ_INT(mb_test_command(out, mb_cmd_assess, 6, drawn, &err), MB_OK);
      j = json_load_file(out, 0, &jerr);
      CHECK(json_is_integer(json_object_get(j, "seed")));
      CHECK(json_integer_value(json_object_get(j, "seed")) >= 0 &&
            json_integer_value(json_object_get(j, "seed")) <= 9007199254740991LL);
      json_decref(j);
    }
  }
  /* Not IID: the cut-offs from h_assessed are marked as not for use. */
  {
    const char *args[] = {"assess", "--iid",          "--json", "--seed",
                          "2",      "--permutations", "200",    in};
    const char *text_args[] = {"assess",         "--iid", "--seed", "2",
                               "--permutations", "200",   in};
    uint8_t sticky[2000];
    char *text;

    for (i = 0; i < sizeof(sticky); i++)
      sticky[i] = (uint8_t)((i / 40) % 16);
    CHECK_EQ_INT(mb_test_write(in, sticky, sizeof(sticky)), 0);
    CHECK_EQ_INT(mb_test_command(out, mb_cmd_assess, 8, args, &err), MB_OK);
    j = json_load_file(out, 0, &jerr);
    CHECK(json_is_false(json_object_get(j, "iid")));
    CHECK(json_is_false(json_object_get(json_object_get(j, "health"), "applies")));
    CHECK(json_is_string(json_object_get(json_object_get(j, "health"), "note")));
    json_decref(j);
    CHECK_EQ_INT(mb_test_command(out, mb_cmd_assess, 7, text_args, &err), MB_OK);
    text = mb_test_slurp(out, &n);
    CHECK(text && strstr(text, "NOT FOR USE: h_assessed does not apply"));
    free(text);
    CHECK_EQ_INT(mb_test_write(in, d, sizeof(d)), 0);
  }
  /* Constant data: nothing tested, so no seed was used (null), and the
   * text says there are no cut-offs, as the non-IID assessment does. */
  {
    const char *args[] = {"assess", "--iid", "--json", in};
    const char *text_args[] = {"assess", "--iid", in};
    uint8_t same[300];
    char *text;

    memset(same, 5, sizeof(same));
    CHECK_EQ_INT(mb_test_write(in, same, sizeof(same)), 0);
    CHECK_EQ_INT(mb_test_command(out, mb_cmd_assess, 4, args, &err), MB_OK);
    j = json_load_file(out, 0, &jerr);
    CHECK(json_is_null(json_object_get(j, "seed")));
    json_decref(j);
    CHECK_EQ_INT(mb_test_command(out, mb_cmd_assess, 3, text_args, &err), MB_OK);
    text = mb_test_slurp(out, &n);
    CHECK(text && strstr(text, "Health tests (4.4): no cut-offs"));
    free(text);
    CHECK_EQ_INT(mb_test_write(in, d, sizeof(d)), 0);
  }
  /* The non-IID assessment prints the cut-offs too. */
  {
    const char *args[] = {"assess", "--json", "-e", "mcv", in};
    char *text;

    CHECK_EQ_INT(mb_test_command(out, mb_cmd_assess, 5, args, &err), MB_OK);
    text = mb_test_slurp(out, &n);
    CHECK(text && strstr(text, "\"apt_cutoff\""));
    free(text);
  }
  mb_test_rmtree(dir);
}

int main(int argc, char **argv)
{
  if (argc > 1)
    return fixture(argv[1]);
  edge_cases();
  determinism();
  binary_words();
  wide_words();
  health();
  cli();
  return CHECK_DONE();
}
