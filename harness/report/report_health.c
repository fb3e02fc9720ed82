/* report_health.c: the report's health-test and IID section. */
#include "report_health.h"

void mb_report_health_md(FILE *f, const struct mb_rundir *rd)
{
  size_t p, n = 0;

  for (p = 0; p < rd->n_points; p++)
    n += rd->points[p].health.present != 0;
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
  for (p = 0; p < rd->n_points; p++) {
    const struct mb_rundir_point *pt = &rd->points[p];
    const struct mb_rundir_health *h = &pt->health;
    char iid[48];

    if (!h->present)
      continue;
    if (pt->iid_tested)
      snprintf(iid, sizeof(iid), "%zu of %zu", pt->iid_passed, pt->iid_tested);
    else
      snprintf(iid, sizeof(iid), "not tested");
    if (!h->cutoffs) {
      fprintf(f, "| %zu | 0 | | | | | | %s | no cut-offs |\n", p, iid);
      continue;
    }
    fprintf(f,
            "| %zu | %.3f | %.3g | %llu | %llu (%.3g) | %llu / %llu | %llu (%.3g) | %s "
            "| %s |\n",
            p, h->h, h->alpha, h->rct_cutoff, h->rct_fired, h->rct_expected,
            h->apt_cutoff, h->apt_window, h->apt_fired, h->apt_expected, iid,
            h->flagged ? "**yes**" : "no");
  }
  fputs("\nIID calls: calls whose raw symbols passed every test of the IID track "
        "(SP 800-90B section 5; experiment key analysis.iid).\n\n",
        f);
}
