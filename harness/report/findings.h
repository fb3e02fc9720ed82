/* findings.h: what a run's numbers say, computed once for the report's
 * Markdown and JSON: where the variance between calls comes from (swept
 * axes, the round, the recorded conditions, the residual), each axis level's
 * effect within rounds with a confidence interval, the estimator's own
 * sampling noise, and per point the condition that follows a metric most
 * closely. The method is documented in scripts/README.md ("Where the
 * variance comes from"); the arithmetic is harness/analysis/varpart.c.
 */
#ifndef MB_FINDINGS_H
#define MB_FINDINGS_H

#include <stddef.h>

#include "rundir.h"
#include "varpart.h"

/* The metrics analysed, per call. */
enum mb_metric {
  MB_METRIC_H_BYTES = 0,
  MB_METRIC_H_RAW,
  MB_METRIC_NS_PER_OP,
  MB_METRIC_COUNT
};

/* Confidence of the effect intervals. */
#define MB_FINDINGS_CONF 0.95
/* A condition "follows" a point's metric when |Pearson r| over the point's
 * calls is at least this, with at least MB_FINDINGS_CAUSE_N calls. */
#define MB_FINDINGS_CAUSE_R 0.7
#define MB_FINDINGS_CAUSE_N 4

/* "h_bytes", "h_raw", "ns_per_op". */
const char *mb_metric_name(enum mb_metric m);
/* Its unit in words: "bits/byte", ... */
const char *mb_metric_unit(enum mb_metric m, char *buf, size_t n, unsigned raw_bits);
/* Its value in call c (NAN when missing). */
double mb_metric_value(const struct mb_rundir_call *c, enum mb_metric m);

enum mb_term_group {
  MB_TERM_AXIS = 0,
  MB_TERM_INTERACTIONS,
  MB_TERM_ROUND,
  MB_TERM_CONDITION
};

struct mb_term_result {
  enum mb_term_group group;
  char name[72];            /* the axis, "round", or the condition's name */
  struct mb_varpart_ss seq; /* sequential, in table order */
  double alone_share;       /* a condition entered alone after axes and round */
};

/* One axis level against the axis's reference level (its first value). */
struct mb_effect {
  enum mb_metric metric;
  enum mb_axis axis;
  uint32_t level, reference;
  struct mb_varpart_interval iv; /* over rounds of the within-round difference */
};

struct mb_metric_findings {
  enum mb_metric metric;
  int ok;           /* 0: too few calls for a decomposition */
  size_t n;         /* calls used */
  double total_var; /* total SS / (n - 1) */
  struct mb_term_result terms[MB_AXIS_COUNT + 2 + MB_RUNDIR_MAX_COND + 1];
  size_t n_terms;
  struct mb_varpart_ss residual;
  double share_axes, share_round, share_cond; /* sums of the sequential shares */
  size_t n_cond_terms;                        /* conditions in the model */
  int main_cond;        /* index in terms of the condition with the largest alone
                           share, -1: none */
  size_t cond_left_out; /* conditions missing in some calls: not used */
  int round_left_out;   /* every call its own round (one point): no round term */
  char left_out[256];   /* their names, comma-separated (truncated) */
  /* Estimator noise (h_bytes only, from the halves): variance of a call's
   * estimate by sampling alone, mean((h1 - h2)^2) / 4, and its share of the
   * total and of the residual variance; NAN when not recorded. */
  size_t noise_n;
  double noise_var, noise_share, noise_share_resid;
};

struct mb_findings {
  struct mb_metric_findings m[MB_METRIC_COUNT];
  struct mb_effect *effects; /* owned */
  size_t n_effects;
  int blocked; /* the order interleaves or shuffles points within a round */
};

/* Compute the findings of rd into f (caller-allocated; always safe to
 * clean up). Returns MB_OK or MB_ENOMEM. */
int mb_findings_compute(const struct mb_rundir *rd, struct mb_findings *f,
                        struct mb_error *err);
void mb_findings_cleanup(struct mb_findings *f);

/* The round of call c, the block of the decomposition and of the paired
 * effects: its repetition for the interleaved order (repetition r of every
 * point runs together) and the sequential one (a label only: not a block in
 * time); for the shuffled order, which consecutive stretch of n_points calls
 * of the schedule it ran in (sequence / n_points), a block in time. */
size_t mb_findings_round(const struct mb_rundir *rd, const struct mb_rundir_call *c);

/* Whether an effect's interval excludes 0. */
int mb_effect_clear(const struct mb_effect *e);

/* The condition (waited share or a recorded one) whose values over point
 * p's calls correlate most strongly with metric m: its name into name (n
 * bytes) and r into *r; 0 when none reaches MB_FINDINGS_CAUSE_R. */
int mb_findings_point_cause(const struct mb_rundir *rd, size_t p, enum mb_metric m,
                            char *name, size_t n, double *r, size_t *ncalls);

/* Condition k of call c: k == 0 is the waited share unless the run records
 * its own "waited_share" condition; the rest are rd->cond_names. The count
 * is mb_findings_n_conditions(). */
size_t mb_findings_n_conditions(const struct mb_rundir *rd);
const char *mb_findings_condition_name(const struct mb_rundir *rd, size_t k);
double mb_findings_condition(const struct mb_rundir *rd, const struct mb_rundir_call *c,
                             size_t k);

#endif
