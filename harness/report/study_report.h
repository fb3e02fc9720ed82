/* study_report.h: the Markdown report of a study (`mebench report STUDY`). */
#ifndef MB_STUDY_REPORT_H
#define MB_STUDY_REPORT_H

#include <stdio.h>

#include "error.h"
#include "report.h"
#include "study.h"

/* Write the report of st to f: each machine's provenance (host, CPU, OS,
 * kernel, clock and tick, collector, build, shards), the study's figures
 * (opt->plots, opt->plots_drawn as for one run), the machines side by side
 * per point, and a table and the anomalies per machine; with
 * opt->format MB_REPORT_LATEX, one booktabs table of the points with each
 * machine's min-entropy and operation time side by side. MB_EIO naming
 * out_name when writing fails, MB_ENOMEM. */
int mb_study_report_write(FILE *f, const char *out_name, const struct mb_study *st,
                          const struct mb_report_options *opt, struct mb_error *err);

#endif
