/* test_fixtures.c: mebench's assessment of a fixture equals the reference
 * tool's (ea_non_iid 1.1.7) to 1e-6 bits, estimator by estimator, with the
 * same estimators skipped, and the same final values.
 *
 * Usage: test_fixtures CASE [--threads-check]
 * Reads tests/data/estimators/CASE/{input.bin,expected.json}, written by
 * make_fixtures.py. --threads-check also assesses on 1 and 2 threads and
 * requires bit-identical results.
 */
#include <jansson.h>

#include "check.h"
#include "estimators.h"
#include "testutil.h"

#define TOL_H 1e-6

static int in_list(json_t *list, const char *key)
{
  size_t i;
  json_t *v;

  json_array_foreach(list, i, v)
  {
    if (json_is_string(v) && strcmp(json_string_value(v), key) == 0)
      return 1;
  }
  return 0;
}

/* Compare one section, estimator by estimator. */
static void check_section(const char *name, const struct mb_estimate *got, json_t *exp,
                          json_t *skipped)
{
  unsigned i;

  for (i = 0; i < MB_EST_COUNT; i++) {
    const char *key = mb_estimator_key((enum mb_estimator)i);
    json_t *e = json_object_get(exp, key);
    const struct mb_estimate *g = &got[i];

    if (e) {
      double h = json_real_value(json_object_get(e, "h"));
      double p = json_real_value(json_object_get(e, "p"));

      if (!g->ran) {
        MB_CHECK_FAIL_(
            "%s.%s: the reference ran it (h = %.17g), mebench skipped it: %s", name,
            key, h, g->skipped ? g->skipped : "(no reason)");
        continue;
      }
      if (fabs(g->h - h) > TOL_H)
        MB_CHECK_FAIL_("%s.%s: h = %.17g, reference %.17g (diff %.3g)", name, key, g->h,
                       h, g->h - h);
      else
        mb_check_passed++;
      if (fabs(g->p - p) > 1e-6 * fmax(fabs(p), 1e-300) && fabs(g->p - p) > 1e-12)
        MB_CHECK_FAIL_("%s.%s: p = %.17g, reference %.17g", name, key, g->p, p);
      else
        mb_check_passed++;
    } else if (in_list(skipped, key)) {
      if (g->ran)
        MB_CHECK_FAIL_("%s.%s: the reference skipped it, mebench ran it (h = %.17g)",
                       name, key, g->h);
      else
        mb_check_passed++;
    } else {
      /* The reference does not run it on this data at all. */
      if (g->ran)
        MB_CHECK_FAIL_("%s.%s: not run by the reference on this data, mebench ran it",
                       name, key);
      else
        mb_check_passed++;
    }
  }
}

static double json_num_or(json_t *v, double dflt)
{
  return json_is_number(v) ? json_number_value(v) : dflt;
}

int main(int argc, char **argv)
{
  char path[1024];
  json_t *exp, *skipped;
  json_error_t jerr;
  struct mb_assessment *a = calloc(1, sizeof(*a));
  struct mb_assess_options opt = {0, 0, 0, 0};
  struct mb_error err;
  uint8_t *data;
  size_t n;
  unsigned bits;

  if (argc < 2 || !a) {
    fprintf(stderr, "usage: test_fixtures CASE [--threads-check]\n");
    return 2;
  }
  snprintf(path, sizeof(path), "%s/tests/data/estimators/%s/expected.json",
           MB_SOURCE_DIR, argv[1]);
  exp = json_load_file(path, 0, &jerr);
  if (!exp) {
    fprintf(stderr, "%s:%d: %s\n", path, jerr.line, jerr.text);
    return 1;
  }
  snprintf(path, sizeof(path), "%s/tests/data/estimators/%s/input.bin", MB_SOURCE_DIR,
           argv[1]);
  data = (uint8_t *)mb_test_slurp(path, &n);
  if (!data) {
    fprintf(stderr, "%s: cannot read\n", path);
    return 1;
  }
  bits = (unsigned)json_integer_value(json_object_get(exp, "bits_arg"));

  mb_error_init(&err);
  CHECK_EQ_INT(mb_assess(data, n, bits, &opt, a, &err), MB_OK);
  CHECK_EQ_U64(a->samples, json_integer_value(json_object_get(exp, "samples")));
  CHECK_EQ_INT(a->bits_per_symbol,
               json_integer_value(json_object_get(exp, "bits_per_symbol")));
  CHECK_EQ_INT(a->alphabet_size,
               json_integer_value(json_object_get(exp, "alphabet_size")));
  CHECK_EQ_INT(a->binary, json_is_true(json_object_get(exp, "binary")));

  skipped = json_object_get(exp, "skipped");
  check_section("literal", a->literal, json_object_get(exp, "literal"),
                json_object_get(skipped, "literal"));
  check_section("bitstring", a->bitstring, json_object_get(exp, "bitstring"),
                json_object_get(skipped, "bitstring"));

  CHECK_NEAR(a->h_original, json_num_or(json_object_get(exp, "h_original"), -1.0),
             TOL_H);
  CHECK_NEAR(a->h_bitstring, json_num_or(json_object_get(exp, "h_bitstring"), -1.0),
             TOL_H);
  CHECK_NEAR(a->h_assessed, json_num_or(json_object_get(exp, "h_assessed"), -1.0),
             TOL_H);

  if (argc > 2 && strcmp(argv[2], "--threads-check") == 0) {
    struct mb_assessment *b = calloc(1, sizeof(*b));
    unsigned i;

    opt.threads = 1;
    CHECK_EQ_INT(mb_assess(data, n, bits, &opt, a, &err), MB_OK);
    opt.threads = 2;
    CHECK(b != NULL);
    if (b) {
      CHECK_EQ_INT(mb_assess(data, n, bits, &opt, b, &err), MB_OK);
      for (i = 0; i < MB_EST_COUNT; i++) {
        CHECK_EQ_MEM(&a->literal[i].h, &b->literal[i].h, sizeof(double));
        CHECK_EQ_MEM(&a->bitstring[i].h, &b->bitstring[i].h, sizeof(double));
        CHECK_EQ_MEM(&a->bitstring[i].p, &b->bitstring[i].p, sizeof(double));
      }
      CHECK_EQ_MEM(&a->h_assessed, &b->h_assessed, sizeof(double));
      free(b);
    }
  }
  free(data);
  free(a);
  json_decref(exp);
  return CHECK_DONE();
}
