/* report_health.h: the report's section on the SP 800-90B health tests
 * (§4.4) and the IID track (§5), from run.json's "health" and each call's
 * entropy.raw_iid. */
#ifndef MB_REPORT_HEALTH_H
#define MB_REPORT_HEALTH_H

#include <jansson.h>
#include <stdio.h>

/* Write the Markdown section (nothing when the run has neither). run is
 * run.json's root, borrowed. */
void mb_report_health_md(FILE *f, const json_t *run);

/* The number of points whose health tests fired far more often than alpha
 * predicts (their "flagged" is true). */
size_t mb_report_health_flagged(const json_t *run);

#endif
