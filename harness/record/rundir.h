/* rundir.h: a results directory read back (run.json), validated, with the
 * per-point aggregates that plots and reports are drawn from.
 *
 * The schema is results/README.md ("mebench-run/1"). Every value the readers
 * use is checked on load; a missing or mistyped one is MB_EINVALID naming
 * run.json and the JSON path (calls[3].raw_stats.p50).
 */
#ifndef MB_RUNDIR_H
#define MB_RUNDIR_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "error.h"
#include "estimators.h"
#include "source.h"

/* The axes an experiment can sweep. */
enum mb_axis {
  MB_AXIS_NUM_PORTS = 0,
  MB_AXIS_OOL_SIZE,
  MB_AXIS_MODE,
  MB_AXIS_PLACEMENT,
  MB_AXIS_VARIANT,
  MB_AXIS_COUNT
};

/* The key of estimator e ("mcv", ...; "?" out of range), from
 * MB_ESTIMATOR_TABLE, so reading results does not need the estimators. */
const char *mb_rundir_est_key(int e);

/* "num_ports", "ool_size", "mode", "placement", "variant". */
const char *mb_axis_name(enum mb_axis axis);

/* Whether an axis's values are words (mode, placement, variant), not
 * numbers. */
int mb_axis_categorical(enum mb_axis axis);

/* The word of a categorical axis's value ("complex", "split"); NULL for a
 * numeric axis. Static string. */
const char *mb_axis_value_name(enum mb_axis axis, uint32_t value);

/* The conditions of one call (results/README.md, "conditions"); NAN where
 * run.json has null or predates them. */
struct mb_rundir_conditions {
  double waited_share;
  double timing_nvcsw, timing_nivcsw, timing_migrations, timing_cpus;
  double recv_nvcsw, recv_nivcsw, recv_migrations, recv_cpus;
  double same_cpu_share;
  double load_before, load_after;
  double cpu_mhz;
};

/* "num_ports", "ool_size", "mode", "variant". */
const char *mb_axis_name(enum mb_axis axis);

/* Whether the axis has named values (mode, variant) rather than numbers. */
int mb_axis_categorical(enum mb_axis axis);

/* A categorical axis's value as its name ("complex", "seed"); NULL for a
 * numeric axis. */
const char *mb_axis_value_name(enum mb_axis axis, uint32_t value);

/* One measured call, as run.json records it. Missing estimates are NAN. */
struct mb_rundir_call {
  size_t point, repetition, sequence;
  const char *raw_file; /* relative to the run directory; borrowed */
  double wall_s;
  uint32_t pool_size;
  size_t timings, bytes, timeouts, failures;
  size_t aborted; /* MB_OP_ABORTED operations (0 when run.json predates them) */
  /* raw_stats, in ticks */
  double raw_min, raw_p01, raw_p50, raw_p99, raw_max, raw_mean, raw_stddev, raw_mad;
  double raw_quantum;
  size_t raw_distinct;
  double ns_per_op, ops_per_s, bytes_per_s, bits_per_s;
  double h_bytes, h_raw; /* h_assessed of entropy.bytes / entropy.raw */
  /* Each estimator's share in h_assessed: min(literal h, bits_per_symbol *
   * bitstring h), in bits per symbol; NAN when it did not run. */
  double est_bytes[MB_EST_COUNT];
  double est_raw[MB_EST_COUNT];
  size_t injected;                  /* timings replaced by inject_constant */
  struct mb_rundir_conditions cond; /* results/README.md "conditions" */
  /* Sends that waited for queue room, and their share of the timings
   * (NAN when the call has no timings). */
  size_t waited;
  double waited_share;
  /* h_assessed of the first and second half of the extracted bytes
   * (entropy.bytes_halves; NAN when not recorded, as in older runs). */
  double h_half[2];
  /* The call's recorded conditions: rd->n_cond values in rd->cond_names'
   * order (NAN where this call has none); borrowed from rd. */
  const double *condv;
  /* The IID track of its raw symbols (entropy.raw_iid, analysis.iid): -1
   * not run, 0 not IID, 1 IID; h_iid its h_assessed (NAN when not run). */
  int iid;
  double h_iid;
};

/* A point's SP 800-90B §4.4 health tests, run.json's "health" entry for
 * it (results/README.md, "Health tests"). */
struct mb_rundir_health {
  int present; /* 0: the run has no entry for the point (older runs) */
  int cutoffs; /* 0: no cut-offs (the point's assessed entropy is 0) */
  double h, alpha;
  unsigned long long rct_cutoff, apt_cutoff, apt_window;
  unsigned long long samples, rct_fired, apt_fired, apt_windows;
  double rct_expected, apt_expected;
  int flagged; /* fired far more often than alpha predicts */
};

/* Median and spread of one figure over a point's repetitions. */
struct mb_spread {
  double med, min, max; /* NAN when no repetition has a value */
};

/* A point's aggregate over its repetitions. */
struct mb_rundir_point {
  size_t index;
  struct mb_config config;
  size_t n_calls; /* repetitions measured (fewer if interrupted) */
  struct mb_spread h_bytes, h_raw, bits_per_s, ops_per_s, wall_s;
  struct mb_spread ns_per_op;          /* of each call's median delta, ns */
  double ns_p01, ns_p99;               /* median over calls of raw_stats p01/p99, ns */
  double mad_ns;                       /* median over calls of raw_stats.mad, ns */
  double quantum_ns;                   /* largest raw_stats.quantum over calls, ns */
  size_t timeouts, failures;           /* summed over calls */
  size_t aborted, aborted_calls;       /* MB_OP_ABORTED: summed, calls with any */
  size_t timeout_calls, failure_calls; /* calls with any */
  size_t fallbacks;                    /* calls with pool_size 0 */
  struct mb_spread est_bytes[MB_EST_COUNT];
  struct mb_spread est_raw[MB_EST_COUNT];
  /* The binding estimator: the one that gave the lowest estimate (and so
   * the assessed value) in the most calls, ties to the lower median; -1:
   * none. bind_count: in how many calls it did. */
  int bind_bytes;
  size_t bind_count;
  struct mb_spread waited_share;
  struct mb_rundir_health health;
  size_t iid_tested, iid_passed; /* calls whose IID track ran, and passed */
};

/* The distinct values of one axis over the run's points, ascending (modes
 * and placements in enum order). */
struct mb_axis_values {
  uint32_t values[64];
  size_t n;
};

/* A loaded results directory. Strings are borrowed from the parsed JSON and
 * live until mb_rundir_cleanup(); "" stands for a null or absent text. */
struct mb_rundir {
  char *dir;       /* the directory as named by the caller */
  char *json_path; /* dir/run.json */
  void *root;      /* the parsed json_t, owned */

  const char *schema, *status, *started, *finished;
  const char *error; /* what failed, when status is "failed" */
  const char *version, *git_commit, *compiler, *flags;
  const char *hostname, *os, *kernel, *arch, *cpu_model;
  long long cores;
  const char *clock_name;
  uint64_t tick_num, tick_den;
  double tick_ns, read_cost_ns, resolution_ns;
  const char *source_name, *source_platform, *source_description;
  const char *source_replay; /* the replay collector's file, else "" */
  double total_s, collect_s, analyse_s, write_s; /* durations; NAN if absent */
  double warmup_s;                               /* NAN if absent */
  size_t n_sessions; /* the first run and each --resume; 0 if not recorded */
  const char *exp_path, *exp_sha256, *exp_name, *exp_description, *order;
  size_t samples, repetitions, warmup;
  unsigned long long seed;
  unsigned raw_bits;
  int bitstring;
  double inject_constant; /* 0 when absent */
  char estimators[160];   /* the keys, comma-separated */

  struct mb_rundir_point *points; /* n_points, in index order */
  size_t n_points;
  struct mb_rundir_call *calls; /* n_calls, in the order they ran */
  size_t n_calls;

  struct mb_axis_values axes[MB_AXIS_COUNT];

  /* Per-call conditions: every numeric leaf under calls[].conditions,
   * flattened with '.' ("timing_thread.nvcsw"), in order of first
   * appearance; at most MB_RUNDIR_MAX_COND. Absent in older runs
   * (n_cond 0). cond_values holds n_calls x n_cond values. */
  char (*cond_names)[64];
  size_t n_cond;
  double *cond_values;
};

/* The one strict reader of run.json (schema mebench-run/1) and baselines
 * (mebench-baseline/1): resume, report, plotdata, compare and baseline all
 * read through it, so what one accepts every one accepts. */
#define MB_RUNDIR_RUN_SCHEMA "mebench-run/1"
#define MB_RUNDIR_BASELINE_SCHEMA "mebench-baseline/1"
#define MB_RUNDIR_RUN 1      /* accept a run.json */
#define MB_RUNDIR_BASELINE 2 /* accept a baseline */
#define MB_RUNDIR_FILE 4     /* path may name the file itself (else a directory) */

/* Check a parsed document (borrowed) against what every reader relies on:
 * the schema (of the kinds in accept), a known status; a clock with a name
 * and positive whole tick_num and tick_den; experiment.samples,
 * repetitions and raw_bits whole and within the experiment file's limits;
 * points: a non-empty array, index equal to the position, num_ports,
 * ool_size and mode within range, no configuration twice; calls: an array
 * (not empty when the status is complete), each an object with point and
 * repetition in range, one call per (run, point, repetition), entropy.bytes
 * and entropy.raw assessments whose h_assessed (and each estimator's h) is
 * null or within 0..bits per symbol (8 for bytes, raw_bits for raw; 0..1
 * for bitstring estimates), rate.bits_per_s and wall_s finite >= 0 or
 * null. MB_EINVALID names file and the JSON path ("calls[3].repetition")
 * and says what was expected. *is_baseline (may be NULL) says which schema
 * it is. */
int mb_rundir_check_doc(json_t *doc, const char *file, int accept, int *is_baseline,
                        struct mb_error *err);

/* Read path and check it with mb_rundir_check_doc: "-" is standard input; a
 * directory means its run.json; a file is read as such when accept has
 * MB_RUNDIR_FILE. The file is opened without blocking and must be a
 * regular file (a FIFO is refused, never waited on); JSON with a key twice
 * is refused. file (n bytes) receives the name of what was read, for
 * messages. *doc is a new reference, NULL on error. Errors: MB_EINVALID
 * naming the file and line:column or JSON path (a missing path, a symbolic
 * link loop, a directory without run.json, all invalid input), MB_ESYSTEM
 * or MB_EIO when it cannot be read, MB_ENOMEM. */
int mb_rundir_read(const char *path, int accept, json_t **doc, char *file, size_t n,
                   int *is_baseline, struct mb_error *err);

#define MB_RUNDIR_MAX_COND 48

/* Load dir/run.json into rd and compute every point's aggregate. rd is
 * caller-allocated and always safe to pass to mb_rundir_cleanup() afterwards.
 * Returns MB_OK; MB_EINVALID naming the file and JSON path for a missing,
 * mistyped or inconsistent value; MB_ESYSTEM/MB_EIO when it cannot be read;
 * MB_ENOMEM. Not thread-safe on one rd. */
int mb_rundir_load(const char *dir, struct mb_rundir *rd, struct mb_error *err);

void mb_rundir_cleanup(struct mb_rundir *rd);

/* Whether the run swept axis (more than one distinct value). */
int mb_rundir_swept(const struct mb_rundir *rd, enum mb_axis axis);

/* The value of axis at point p (mode and placement as their enum value). */
/* The value of axis at point p (mode and variant as their enum values). */
uint32_t mb_rundir_axis_value(const struct mb_rundir_point *p, enum mb_axis axis);

/* A point's configuration in words, e.g. "8 ports, 4096 B, complex", written
 * into buf of size n; only swept axes when swept_only is set and some axis is
 * swept. Returns buf. */
char *mb_rundir_point_label(const struct mb_rundir *rd, const struct mb_rundir_point *p,
                            int swept_only, char *buf, size_t n);

#endif
