/* test_restart.c: the SP 800-90B §3.1.4 restart tests (estimators/restart.c)
 * against what NIST's ea_restart 1.1.7 printed for the same matrices.
 *
 * The matrices come from a fixed generator in this file, so only the
 * expected values are committed (tests/data/restart/expected.json, written
 * by make_restart_fixtures.py, which calls `test_restart --write CASE
 * FILE` and runs ea_restart on the file).
 *
 * Usage: test_restart                  check every case
 *        test_restart --write CASE FILE  write a case's matrix */
#include <jansson.h>

#include "check.h"
#include "commands.h"
#include "restart.h"
#include "testutil.h"

#define N ((size_t)MB_RESTART_ROWS * MB_RESTART_COLS)

static uint64_t next(uint64_t *x)
{
  *x ^= *x << 13;
  *x ^= *x >> 7;
  *x ^= *x << 17;
  return *x;
}

/* skewed4: IID 4-bit samples, 0 twice as likely as the others, which
 * passes. stuck: the same, but restart 500 repeats one value for its
 * first 300 samples, which the sanity check must catch. binary: IID bits
 * with P(1) = 0.6. */
static int make(const char *name, uint8_t *m)
{
  uint64_t x = 88172645463325252ull;
  size_t i;

  if (strcmp(name, "skewed4") == 0 || strcmp(name, "stuck") == 0) {
    for (i = 0; i < N; i++) {
      unsigned v = (unsigned)(next(&x) % 17);

      m[i] = (uint8_t)(v == 16 ? 0 : v);
    }
    if (strcmp(name, "stuck") == 0)
      memset(m + 500 * MB_RESTART_COLS, 9, 300);
    return 0;
  }
  if (strcmp(name, "binary") == 0) {
    for (i = 0; i < N; i++)
      m[i] = (uint8_t)(next(&x) % 10 < 6);
    return 0;
  }
  return -1;
}

static void check_case(json_t *c, uint8_t *m)
{
  const char *name = json_string_value(json_object_get(c, "case"));
  struct mb_restart_result *r = malloc(sizeof(*r));
  struct mb_error err;
  double hi = json_number_value(json_object_get(c, "h_initial"));
  int bits = (int)json_integer_value(json_object_get(c, "bits"));
  long cut = (long)json_integer_value(json_object_get(c, "x_cutoff"));

  CHECK(name && make(name, m) == 0);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_restart_analyse(m, (unsigned)bits, hi, 0, r, &err), MB_OK);
  CHECK_NEAR(r->alpha, json_number_value(json_object_get(c, "alpha")), 1e-15);
  CHECK_EQ_INT(r->x_max, json_integer_value(json_object_get(c, "x_max")));
  /* ea_restart's cut-off is a quantile of 1,000,000 simulations; the exact
   * one may differ from it by one. */
  if (labs((long)r->x_cutoff - cut) <= 1)
    mb_check_passed++;
  else
    MB_CHECK_FAIL_("%s: cut-off %u, ea_restart %ld", name, r->x_cutoff, cut);
  CHECK_EQ_INT(r->sanity_pass, json_is_true(json_object_get(c, "sanity_pass")));
  if (r->sanity_pass) {
    CHECK_NEAR(r->h_r, json_number_value(json_object_get(c, "h_r")), 1e-6);
    CHECK_NEAR(r->h_c, json_number_value(json_object_get(c, "h_c")), 1e-6);
    CHECK_EQ_INT(r->validation_pass,
                 json_is_true(json_object_get(c, "validation_pass")));
  }
  printf("%s: X_max %u, cut-off %u (ea_restart %ld), H_r %.6f, H_c %.6f\n", name,
         r->x_max, r->x_cutoff, cut, r->h_r, r->h_c);
  free(r);
}

/* A matrix of one value is data with no entropy, never an input error:
 * against a claimed H_I = 1 its X_max of 1,000 fails the sanity check
 * (cut-off 572); against H_I = 0.001 (cut-off 1,000) its estimates of 0
 * fail the validation; with H_I = 0 nothing is checked (no_entropy). And
 * `mebench restart --matrix` reports that verdict (exit 0), not exit 3. */
static void check_constant(uint8_t *m)
{
  struct mb_restart_result *r = malloc(sizeof(*r));
  struct mb_error err;
  char dir[] = "/tmp/mb_restart_XXXXXX", file[128], out[128];
  json_t *doc;
  json_error_t jerr;

  if (!r || !mkdtemp(dir)) {
    CHECK(0);
    free(r);
    return;
  }
  memset(m, 0, N);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_restart_analyse(m, 1, 1.0, 1, r, &err), MB_OK);
  CHECK_EQ_INT(r->alphabet_size, 1);
  CHECK_EQ_INT(r->x_max, 1000);
  CHECK_EQ_INT(r->x_cutoff, 572);
  CHECK(!r->sanity_pass && !r->pass && !r->no_entropy);
  CHECK_EQ_INT(mb_restart_analyse(m, 1, 0.001, 1, r, &err), MB_OK);
  CHECK_EQ_INT(r->x_cutoff, 1000);
  CHECK(r->sanity_pass && !r->validation_pass && !r->pass);
  CHECK(r->h_r == 0 && r->h_c == 0);
  CHECK_EQ_INT(mb_restart_analyse(m, 0, 0.0, 1, r, &err), MB_OK);
  CHECK(r->no_entropy && !r->pass && r->h < 0);
  CHECK_EQ_INT(r->bits_per_symbol, 1);
  CHECK_EQ_INT(mb_restart_analyse(m, 1, -1.0, 1, r, &err), MB_EINVALID);

  snprintf(file, sizeof(file), "%s/const.bin", dir);
  snprintf(out, sizeof(out), "%s/out.json", dir);
  CHECK(mb_test_write(file, m, N) == 0);
  {
    const char *own[] = {"restart", "--json", "--matrix", file};
    const char *claim[] = {"restart", "--json", "--matrix", file, "--h-initial", "1"};

    CHECK_EQ_INT(mb_test_command(out, mb_cmd_restart, 4, own, &err), MB_OK);
    doc = json_load_file(out, 0, &jerr);
    CHECK(doc != NULL);
    CHECK(json_is_true(json_object_get(doc, "no_entropy")));
    CHECK(json_is_false(json_object_get(doc, "pass")));
    CHECK(json_is_null(json_object_get(doc, "sanity_pass")));
    json_decref(doc);
    CHECK_EQ_INT(mb_test_command(out, mb_cmd_restart, 6, claim, &err), MB_OK);
    doc = json_load_file(out, 0, &jerr);
    CHECK(doc != NULL);
    CHECK(json_is_false(json_object_get(doc, "no_entropy")));
    CHECK(json_is_false(json_object_get(doc, "sanity_pass")));
    CHECK(json_is_false(json_object_get(doc, "pass")));
    CHECK_EQ_INT(json_integer_value(json_object_get(doc, "x_max")), 1000);
    json_decref(doc);
  }
  mb_test_rmtree(dir);
  free(r);
}

int main(int argc, char **argv)
{
  uint8_t *m = malloc(N);
  char path[1024];
  json_t *exp, *c;
  json_error_t jerr;
  size_t i;

  if (!m)
    return 1;
  if (argc == 4 && strcmp(argv[1], "--write") == 0) {
    if (make(argv[2], m) != 0 || mb_test_write(argv[3], m, N) != 0)
      return 1;
    free(m);
    return 0;
  }
  /* With H = 1 there are two values of probability 1/2; the largest of the
   * two counts over 1,000 draws exceeds x with probability
   * 2 Pr(Bin(1000, 1/2) > x), at most alpha from x = 572 on (computed with
   * 50-digit arithmetic). */
  CHECK_EQ_INT(mb_restart_cutoff(1.0, 5.0251553006530614e-6, 1000), 572);
  check_constant(m);
  snprintf(path, sizeof(path), "%s/tests/data/restart/expected.json", MB_SOURCE_DIR);
  exp = json_load_file(path, 0, &jerr);
  if (!exp)
    MB_SKIP("cannot read %s", path);
  json_array_foreach(exp, i, c) check_case(c, m);
  json_decref(exp);
  free(m);
  return CHECK_DONE();
}
