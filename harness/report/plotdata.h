/* plotdata.h: a results directory turned into gnuplot-ready tables.
 *
 * gnuplot cannot read run.json or the binary raw files, so everything a plot
 * shows is computed here and written as whitespace-separated text: per-axis
 * tables of medians and spreads, per-estimator estimates, histograms, time
 * series and autocorrelations of the raw deltas. The .gp scripts in scripts/
 * only draw. Which figures a run gets is decided here too (the run's swept
 * axes), so `scripts/plot` and `mebench report` agree.
 */
#ifndef MB_PLOTDATA_H
#define MB_PLOTDATA_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "rundir.h"

/* Histogram bins of at most this many: wide enough to resolve a 1-tick
 * structure over a few hundred ticks, small enough to stay readable. */
#define MB_PLOTDATA_MAX_BINS 200u
/* Lags of the autocorrelation plot. */
#define MB_PLOTDATA_MAX_LAG 100u
/* The time-series plot shows at most about this many operations in all: past
 * it, every k-th operation of each repetition, so every repetition shows
 * whole. */
#define MB_PLOTDATA_MAX_SERIES 100000u
/* Histograms cover the deltas up to the 99th percentile and time series up
 * to the 99.9th: IPC deltas have tails (preemptions, timeouts) thousands of
 * times the median that would squeeze the body into one bin. What lies above
 * is counted and named in the title. */
#define MB_PLOTDATA_HIST_Q 0.99
#define MB_PLOTDATA_TAIL_Q 0.999

/* An integer histogram: n_bins bins of `width` ticks from lo. */
struct mb_hist {
  uint64_t lo, width;
  size_t n_bins;
  uint64_t *counts;    /* n_bins, owned; free with mb_hist_cleanup() */
  size_t below, above; /* values outside [lo, lo + n_bins * width) */
};

/* Count v[0..n) into bins covering [lo, hi] (lo <= hi), each of
 * ceil((hi - lo + 1) / max_bins) ticks so there are at most max_bins (>= 1).
 * Values outside are counted in below/above. Returns MB_OK or MB_ENOMEM. */
int mb_hist_make(const uint64_t *v, size_t n, uint64_t lo, uint64_t hi, size_t max_bins,
                 struct mb_hist *h);
void mb_hist_cleanup(struct mb_hist *h);

/* Sample autocorrelation of x[0..n) at lags 1..max_lag into out[0..max_lag):
 * r(k) = sum_{t<n-k} (x_t - m)(x_{t+k} - m) / sum_t (x_t - m)^2, m the mean.
 * Lags >= n and a constant series give NAN. */
void mb_autocorr(const double *x, size_t n, size_t max_lag, double *out);

/* The q-quantile (0..1) of sorted[0..n), nearest rank: sorted[ceil(q*n)-1]
 * (sorted[0] for q = 0). n > 0. */
uint64_t mb_quantile_sorted(const uint64_t *sorted, size_t n, double q);

/* One figure scripts/plot draws. */
struct mb_figure {
  char name[48];   /* output file name without extension: "entropy-num_ports" */
  char script[24]; /* the drawing script in scripts/: "entropy.gp" */
  char vars[48];   /* the variables file plotdata writes for it */
  char title[128]; /* what it shows, in words */
};

/* The figures of run rd, with `point` the point of the time-series and
 * autocorrelation plots. *out is new (free()), *n its count. Axis figures
 * (entropy, operation time, rate) for every swept num_ports and ool_size,
 * and for mode when it is the only swept axis (otherwise modes are the
 * lines); the estimator figure; h_bytes per call against the condition that
 * explains most (hcond); a histogram per point; a time series and an
 * autocorrelation for `point`. Points without a measured call (an
 * interrupted run) get no figure of their own. MB_ENOMEM on failure. */
int mb_plotdata_figures(const struct mb_rundir *rd, size_t point,
                        struct mb_figure **out, size_t *n);

/* Write everything the figures of rd need into outdir (created if missing;
 * plotdata's own earlier files replaced, by the output rule): figures.tsv (script,
 * name, variables file, title per line), common.gp (machine, date and units shared by
 * every figure), and per figure its variables file and data. Raw files are read from
 * rd->dir. point must be < rd->n_points and have a measured call (MB_EUSAGE otherwise);
 * a run without any call is MB_EINVALID. A damaged raw file is MB_EINVALID naming it.
 * Every file is made in memory and every path checked (mb_fs_check_output) before any
 * is written: a file in the way that is not plotdata's own is MB_EEXISTS naming it,
 * with nothing written. */
int mb_plotdata_write(const struct mb_rundir *rd, const char *outdir, size_t point,
                      struct mb_error *err);

/* Studies (several machines, one experiment; `mebench merge`): figures with
 * machine as a factor. runs[0..n_runs) are the machines' runs of one plan
 * (same points in the same order), labels their names. Per figure-worthy
 * axis (as for one run), entropy, operation time and rate with one line per
 * machine (and series of the other swept axes); for plans of at most
 * MB_PLOTDATA_STUDY_MAX_POINTS points, the same three against machine, one
 * line per point. Times are in ns, each machine's ticks converted with its
 * own tick; nothing is averaged across machines. */
#define MB_PLOTDATA_STUDY_MAX_POINTS 12u
int mb_plotdata_study_figures(const struct mb_rundir *const *runs, size_t n_runs,
                              struct mb_figure **out, size_t *n);

/* Write the study's figures' tables into outdir (figures.tsv, common.gp,
 * study-axis-*.gp/.dat), as mb_plotdata_write does for one run. */
int mb_plotdata_study_write(const struct mb_rundir *const *runs,
                            const char *const *labels, size_t n_runs,
                            const char *outdir, struct mb_error *err);

#endif
