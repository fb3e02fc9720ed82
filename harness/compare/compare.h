/* compare.h: compare two runs (or a run and a baseline) point by point.
 *
 * A run is read from a results directory, its run.json (schema
 * mebench-run/1) or a baseline file (mebench-baseline/1, written by
 * `mebench baseline`). Points are matched by configuration (num_ports,
 * ool_size, mode, variant, placement), never by index. For each matched point and each
 * metric (assessed min-entropy of extracted bytes, of raw deltas, entropy rate) the
 * repetitions of both sides are summarised and tested with a one-sided
 * Mann-Whitney U test (mwu.h). A metric regresses only when its drop is both
 * significant (p <= alpha) and larger than max_drop (relative); a point also
 * fails when its assessed min-entropy of extracted bytes is below the
 * absolute floor.
 *
 * What is refused and what is only warned about (results/baselines/README.md has the
 * why): refused (MB_EMISMATCH): a different collector, experiment name, samples per
 * call, raw_bits, bitstring setting, estimator set, clock or tick; warned: a different
 * machine, experiment file contents (sha256), number of repetitions, a run that is not
 * complete, points present on one side only.
 */
#ifndef MB_COMPARE_H
#define MB_COMPARE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"

/* The metrics compared. X(ID, key, title, unit, gated by default) */
#define MB_COMPARE_METRIC_TABLE(X)                                                     \
  X(H_BYTES, "h_bytes", "min-entropy of extracted bytes", "bits/byte", 1)              \
  X(H_RAW, "h_raw", "min-entropy of raw deltas", "bits/symbol", 1)                     \
  X(RATE, "rate", "entropy rate", "bits/s", 0)

enum mb_compare_metric {
#define MB_X(id, key, title, unit, gated) MB_CMP_##id,
  MB_COMPARE_METRIC_TABLE(MB_X)
#undef MB_X
      MB_CMP_METRIC_COUNT
};

const char *mb_compare_metric_key(enum mb_compare_metric m);  /* "h_bytes" */
const char *mb_compare_metric_unit(enum mb_compare_metric m); /* "bits/byte" */

/* One sweep point of a loaded run: its repetitions' values per metric. */
struct mb_compare_point {
  uint32_t num_ports;
  uint32_t ool_size;
  char mode[16];
  char placement[24]; /* "free" when the run predates the placement axis */
  char variant[16];   /* as recorded; for runs older than variants, the one
                         they measured (mb_variant_legacy) */
  size_t n;           /* repetitions recorded (calls of this point) */
  /* The values that exist, in call order: count[m] <= n, because the runner
   * writes null when a call could not be assessed (no estimate, no time). */
  size_t count[MB_CMP_METRIC_COUNT];
  double *values[MB_CMP_METRIC_COUNT];
};

/* A run or baseline as compare sees it. String members are borrowed from
 * root and live as long as the struct; "" when absent from the file. */
struct mb_compare_run {
  char path[512];  /* the file read */
  json_t *root;    /* the whole document (owned) */
  int is_baseline; /* 1: mebench-baseline/1 */
  const char *baseline_name;
  const char *status;     /* complete / interrupted / failed */
  const char *experiment; /* experiment name */
  const char *sha256;     /* of the experiment file */
  const char *source;     /* collector name */
  const char *clock;      /* clock name */
  const char *hostname, *os, *kernel, *arch, *cpu_model;
  const char *started, *git_commit;
  long long cores;
  long long tick_num, tick_den; /* one clock tick = num/den ns; -1 absent */
  long long samples, repetitions, raw_bits, bitstring; /* -1 when absent */
  char estimators[256];   /* comma-joined keys, "" when absent */
  double inject_constant; /* experiment.inject_constant, 0 when absent */
  struct mb_compare_point *points;
  size_t n_points;
  size_t n_null[MB_CMP_METRIC_COUNT]; /* calls whose value is null */
};

/* Load path: a directory (its run.json is read), a run.json or a baseline.
 * Errors name the file, line:column for JSON syntax or the JSON path
 * (calls[3].entropy.bytes.h_assessed) for content: MB_EINVALID, MB_EIO,
 * MB_ENOMEM. run is always safe to pass to mb_compare_run_cleanup(). */
int mb_compare_run_load(const char *path, struct mb_compare_run *run,
                        struct mb_error *err);

/* The same from a parsed document; steals the reference to root (it is
 * released by cleanup, even on error). source_name is used in messages. */
int mb_compare_run_from_json(json_t *root, const char *source_name,
                             struct mb_compare_run *run, struct mb_error *err);

void mb_compare_run_cleanup(struct mb_compare_run *run);

struct mb_compare_options {
  double alpha;       /* significance level of the one-sided test (0.01) */
  double max_drop;    /* tolerated relative drop, 0.10 = 10% */
  double min_entropy; /* floor on current median h_bytes; < 0: none */
  int gate_rate;      /* 1: the entropy rate (bits/s) is gated too */
};

/* Defaults: alpha 0.01, max_drop 0.10, no floor, rate not gated. */
void mb_compare_options_init(struct mb_compare_options *opts);

enum mb_verdict {
  MB_VERDICT_UNCHANGED,
  MB_VERDICT_IMPROVED,
  MB_VERDICT_REGRESSED,
  MB_VERDICT_MISSING
};

const char *mb_verdict_name(enum mb_verdict v); /* "regressed", ... */

/* One metric of one matched point. */
struct mb_compare_stat {
  size_t n_base, n_cur;
  double base_median, base_min, base_max;
  double cur_median, cur_min, cur_max;
  double change; /* (cur - base) / base; NAN when base median is 0 */
  double p_drop; /* one-sided MWU p: current smaller than baseline */
  double p_rise; /* one-sided MWU p: current larger than baseline */
  double p_min;  /* smallest p these sample sizes allow (no ties) */
  int exact;     /* MWU p is exact */
  int gated;     /* this metric decides the verdict */
  int regressed; /* gated, p_drop <= alpha and change < -max_drop */
  int improved;  /* gated, p_rise <= alpha and change > max_drop */
};

/* One row: a configuration present in either run. */
struct mb_compare_row {
  uint32_t num_ports;
  uint32_t ool_size;
  char mode[16];
  char placement[24];
  char variant[16];
  int in_base, in_cur; /* present with at least one repetition */
  struct mb_compare_stat stat[MB_CMP_METRIC_COUNT]; /* valid when both */
  double cur_h_bytes; /* current median h_bytes (NAN when not in_cur) */
  int below_floor;    /* cur_h_bytes < min_entropy */
  int untestable;     /* p_min > alpha: only the floor can fail it */
  enum mb_verdict verdict;
  char reason[192]; /* why, in words: "h_bytes -23.1% (p=0.0002)" */
};

struct mb_compare_report {
  struct mb_compare_options opts;
  const struct mb_compare_run *base, *cur; /* borrowed */
  struct mb_compare_row *rows; /* baseline's points in order, then new ones */
  size_t n_rows;
  char **warnings; /* each "what differs: baseline X, current Y" */
  size_t n_warnings;
  int rate_gated; /* gate_rate asked and the machines are the same */
  size_t n_regressed, n_improved, n_unchanged, n_missing;
  size_t n_compared; /* rows with repetitions on both sides */
};

/* Compare cur against base. Returns MB_OK (the report is filled: see
 * mb_compare_status), MB_EMISMATCH when the runs are not comparable (err
 * says what differs and how), MB_EINVALID for bad options, MB_ENOMEM.
 * The report borrows base and cur; release it with
 * mb_compare_report_cleanup() whatever the status. Thread-compatible. */
int mb_compare_runs(const struct mb_compare_run *base, const struct mb_compare_run *cur,
                    const struct mb_compare_options *opts,
                    struct mb_compare_report *report, struct mb_error *err);

/* MB_EREGRESSION when a point regressed (or fell below the floor);
 * otherwise MB_ENOTHING when no point had repetitions on both sides (nothing
 * was compared: a gate must not pass on that), else MB_OK. */
int mb_compare_status(const struct mb_compare_report *report);

void mb_compare_report_cleanup(struct mb_compare_report *report);

/* Writers. Deterministic for given inputs (golden-file tested). Return MB_OK
 * or MB_EIO when out reports a write error. */
int mb_compare_write_text(FILE *out, const struct mb_compare_report *report);
int mb_compare_write_markdown(FILE *out, const struct mb_compare_report *report);
int mb_compare_write_json(FILE *out, const struct mb_compare_report *report);
/* github-action-benchmark's customBiggerIsBetter input: a JSON array of
 * {"name", "unit", "value", "range", "extra"}, three entries per point of
 * the current run. */
int mb_compare_write_gab(FILE *out, const struct mb_compare_report *report);

/* Turn one run, or several runs of the same experiment file pooled, into a
 * baseline document (schema mebench-baseline/1): the summaries of runs[0]
 * (provenance, plan, points, calls) with the calls of runs[1..] appended
 * (their "point" remapped by configuration, "run" naming the run), every
 * calls[].raw_file removed, estimators reduced to h and p, and a "baseline"
 * object {name, created, run_schema, from: [{path, started, hostname,
 * git_commit, calls}]}. Pooling several runs makes the baseline's medians
 * those of the machine rather than of one run. Returns a new reference, or
 * NULL with err set: MB_EINVALID (an input is already a baseline),
 * MB_EMISMATCH (runs that compare would refuse, or another experiment file),
 * MB_ENOMEM. */
json_t *mb_compare_make_baseline(const struct mb_compare_run *const *runs,
                                 size_t n_runs, const char *name, const char *created,
                                 struct mb_error *err);

#endif
