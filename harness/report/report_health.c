/* report_health.c: the report's health-test and IID section. */
#include "report_health.h"

#include <math.h>

static double num(const json_t *o, const char *key)
{
  const json_t *v = json_object_get(o, key);

  return json_is_number(v) ? json_number_value(v) : NAN;
}

size_t mb_report_health_flagged(const json_t *run)
{
  const json_t *health = json_object_get(run, "health");
  size_t i, n = 0;

  for (i = 0; i < json_array_size(health); i++)
    n += json_is_true(json_object_get(json_array_get(health, i), "flagged"));
  return n;
}

/* Calls of point p whose raw symbols passed the IID track, and how many
 * were tested. */
static void iid_counts(const json_t *run, size_t p, size_t *tested, size_t *passed)
{
  const json_t *calls = json_object_get(run, "calls");
  size_t i;

  *tested = *passed = 0;
  for (i = 0; i < json_array_size(calls); i++) {
    const json_t *c = json_array_get(calls, i);
    const json_t *r = json_object_get(json_object_get(c, "entropy"), "raw_iid");

    if (!r || (size_t)num(c, "point") != p)
      continue;
    (*tested)++;
    *passed += json_is_true(json_object_get(r, "iid"));
  }
}

void mb_report_health_md(FILE *f, const json_t *run)
{
  const json_t *health = json_object_get(run, "health");
  size_t i, n = json_array_size(health);

  if (n == 0)
    return;
  fprintf(f, "## Health tests (SP 800-90B 4.4)\n\n"
             "Cut-offs of the Repetition Count Test (RCT) and the Adaptive "
             "Proportion Test (APT) from each point's assessed raw entropy (the "
             "median over its calls) at the false-positive probability alpha, "
             "and both tests replayed over every recorded call's raw symbols. "
             "*Expected* is the number of test opportunities times alpha, an "
             "upper bound if the entropy claim holds; a point is flagged when a "
             "count that high has a Poisson probability below 0.001 (the claim "
             "is too high for that data).\n\n");
  fputs("| point | h (bits) | alpha | RCT cut-off | RCT fired (expected) | APT "
        "cut-off / window | APT fired (expected) | IID calls | flagged |\n"
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n",
        f);
  for (i = 0; i < n; i++) {
    const json_t *h = json_array_get(health, i);
    size_t p = (size_t)num(h, "point"), tested, passed;
    char iid[48];

    iid_counts(run, p, &tested, &passed);
    if (tested)
      snprintf(iid, sizeof(iid), "%zu of %zu", passed, tested);
    else
      snprintf(iid, sizeof(iid), "not tested");
    if (!json_object_get(h, "rct_cutoff")) {
      fprintf(f, "| %zu | 0 | | | | | | %s | no cut-offs |\n", p, iid);
      continue;
    }
    fprintf(f,
            "| %zu | %.3f | %.3g | %.0f | %.0f (%.3g) | %.0f / %.0f | %.0f (%.3g) | %s "
            "| %s |\n",
            p, num(h, "h"), num(h, "alpha"), num(h, "rct_cutoff"), num(h, "rct_fired"),
            num(h, "rct_expected"), num(h, "apt_cutoff"), num(h, "apt_window"),
            num(h, "apt_fired"), num(h, "apt_expected"), iid,
            json_is_true(json_object_get(h, "flagged")) ? "**yes**" : "no");
  }
  fputs("\nIID calls: calls whose raw symbols passed every test of the IID track "
        "(SP 800-90B section 5; experiment key analysis.iid).\n\n",
        f);
}
