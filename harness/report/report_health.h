/* report_health.h: the report's section on the SP 800-90B health tests
 * (§4.4) and the IID track (§5), from run.json's "health" and each call's
 * entropy.raw_iid as the shared reader (rundir.h) loaded them. */
#ifndef MB_REPORT_HEALTH_H
#define MB_REPORT_HEALTH_H

#include <stdio.h>

#include "rundir.h"

/* Write the Markdown section (nothing when no point has a health entry). */
void mb_report_health_md(FILE *f, const struct mb_rundir *rd);

#endif
