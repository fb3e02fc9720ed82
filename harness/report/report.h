/* report.h: a research report of one results directory (Markdown), or a
 * booktabs table of it (LaTeX), and the anomaly rules the report applies.
 *
 * The rules, with their thresholds, are documented in scripts/README.md
 * ("Anomaly rules"); keep the two in step.
 */
#ifndef MB_REPORT_H
#define MB_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "error.h"
#include "rundir.h"

/* A point's timer is coarse when the median absolute deviation of its deltas
 * is at most this many timer steps (the larger of the clock's measured
 * resolution and the GCD of the deltas): the tick is then as coarse as the
 * spread, the deltas move by a step at a time, and their low bits record
 * quantization more than jitter. */
#define MB_REPORT_TICK_STEPS 1.0
/* Estimators disagree widely when, at a point, the lowest median estimate
 * is below this fraction of the highest. */
#define MB_REPORT_EST_RATIO 0.5
/* Repetitions disagree on entropy when the range (max - min) of a point's
 * assessed min-entropy exceeds both of these: an absolute floor in bits per
 * byte, and a fraction of the median. */
#define MB_REPORT_REP_H_ABS 0.5
#define MB_REPORT_REP_H_REL 0.10
/* Repetitions disagree on time when the range of their median operation
 * times exceeds this fraction of the median. */
#define MB_REPORT_REP_TIME_REL 0.25

enum mb_anomaly_kind {
  MB_ANOMALY_STATUS = 0, /* the run is not complete */
  MB_ANOMALY_MISSING,    /* a point has fewer calls than planned */
  MB_ANOMALY_TIMEOUTS,   /* timed operations timed out */
  MB_ANOMALY_FAILURES,   /* timed operations failed with a system error */
  MB_ANOMALY_FALLBACK,   /* the collector made no pool (simple fallback) */
  MB_ANOMALY_COARSE_TICK,
  MB_ANOMALY_ESTIMATORS,
  MB_ANOMALY_REPS_ENTROPY,
  MB_ANOMALY_REPS_TIME,
  MB_ANOMALY_RAW,   /* a call's raw file is missing or damaged */
  MB_ANOMALY_HEALTH /* the health tests fired far more often than alpha predicts */
};

struct mb_anomaly {
  enum mb_anomaly_kind kind;
  size_t point;   /* the point, or SIZE_MAX for the whole run */
  char text[640]; /* one or two sentences, Markdown */
};

/* Apply every anomaly rule to rd, in run-then-point order. *out is new
 * (free()), *n its count (0: nothing found; *out may then be NULL).
 * Returns MB_OK or MB_ENOMEM. */
int mb_report_anomalies(const struct mb_rundir *rd, struct mb_anomaly **out, size_t *n);

/* Markdown (the report), LaTeX (a booktabs table), JSON (the report's
 * numbers for scripts: "mebench-report/1", results/README.md). */
enum mb_report_format { MB_REPORT_MARKDOWN = 0, MB_REPORT_LATEX, MB_REPORT_JSON };

struct mb_report_options {
  enum mb_report_format format;
  const char *plots; /* link prefix of the figures ("plots"), relative to
                        where the report is written */
  size_t point;      /* the point of the time-series and ACF figures */
  int plots_drawn;   /* 1: scripts/plot has drawn them (else the report
                        says how to) */
};

/* Write the report of rd to out. Returns MB_OK, or MB_EIO (err names
 * `out_name`) when writing fails, MB_ENOMEM. */
int mb_report_write(FILE *out, const char *out_name, const struct mb_rundir *rd,
                    const struct mb_report_options *opt, struct mb_error *err);

#endif
