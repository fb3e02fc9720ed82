/* plotdata.c: compute and write the tables the gnuplot scripts draw. */
#include "plotdata.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "findings.h"
#include "plural.h"
#include "fsutil.h"
#include "rawfile.h"

int mb_hist_make(const uint64_t *v, size_t n, uint64_t lo, uint64_t hi, size_t max_bins,
                 struct mb_hist *h)
{
  uint64_t span = hi - lo + 1, i;

  memset(h, 0, sizeof(*h));
  if (max_bins == 0)
    max_bins = 1;
  h->lo = lo;
  /* span is 0 only when [lo, hi] is all of uint64_t. */
  h->width = span == 0 ? (UINT64_MAX / max_bins) + 1 : (span + max_bins - 1) / max_bins;
  h->n_bins = span == 0 ? max_bins : (size_t)((span + h->width - 1) / h->width);
  h->counts = calloc(h->n_bins, sizeof(*h->counts));
  if (!h->counts)
    return MB_ENOMEM;
  for (i = 0; i < n; i++) {
    uint64_t b;

    if (v[i] < lo) {
      h->below++;
      continue;
    }
    b = (v[i] - lo) / h->width;
    if (b >= h->n_bins)
      h->above++;
    else
      h->counts[b]++;
  }
  return MB_OK;
}

void mb_hist_cleanup(struct mb_hist *h)
{
  free(h->counts);
  memset(h, 0, sizeof(*h));
}

void mb_autocorr(const double *x, size_t n, size_t max_lag, double *out)
{
  double m = 0, den = 0;
  size_t t, k;

  for (t = 0; t < n; t++)
    m += x[t];
  m = n ? m / (double)n : 0;
  for (t = 0; t < n; t++)
    den += (x[t] - m) * (x[t] - m);
  for (k = 1; k <= max_lag; k++) {
    double num = 0;

    if (k >= n || den == 0) {
      out[k - 1] = NAN;
      continue;
    }
    for (t = 0; t + k < n; t++)
      num += (x[t] - m) * (x[t + k] - m);
    out[k - 1] = num / den;
  }
}

uint64_t mb_quantile_sorted(const uint64_t *sorted, size_t n, double q)
{
  double r = ceil(q * (double)n);
  size_t i = r < 1 ? 0 : (size_t)r - 1;

  return sorted[i < n ? i : n - 1];
}

/* Which axes get their own figures: numeric axes when swept; a categorical
 * one (mode, variant, placement) only when no numeric axis is swept
 * (otherwise each of its values is a line). */
static int figure_axis(const struct mb_rundir *rd, enum mb_axis a)
{
  if (!mb_rundir_swept(rd, a))
    return 0;
  if (mb_axis_categorical(a))
    return !mb_rundir_swept(rd, MB_AXIS_NUM_PORTS) &&
           !mb_rundir_swept(rd, MB_AXIS_OOL_SIZE);
  return 1;
}

int mb_plotdata_figures(const struct mb_rundir *rd, size_t point,
                        struct mb_figure **out, size_t *n)
{
  struct mb_figure *f = calloc(3 * MB_AXIS_COUNT + 4 + rd->n_points, sizeof(*f));
  size_t k = 0, p;
  int a;

  *out = NULL;
  *n = 0;
  if (!f)
    return MB_ENOMEM;
  for (a = 0; a < MB_AXIS_COUNT; a++) {
    const char *an = mb_axis_name((enum mb_axis)a);

    if (!figure_axis(rd, (enum mb_axis)a))
      continue;
    snprintf(f[k].name, sizeof(f[k].name), "entropy-%s", an);
    snprintf(f[k].script, sizeof(f[k].script), "entropy.gp");
    snprintf(f[k].vars, sizeof(f[k].vars), "axis-%s.gp", an);
    snprintf(f[k].title, sizeof(f[k].title), "Assessed min-entropy against %s", an);
    k++;
    snprintf(f[k].name, sizeof(f[k].name), "optime-%s", an);
    snprintf(f[k].script, sizeof(f[k].script), "optime.gp");
    snprintf(f[k].vars, sizeof(f[k].vars), "axis-%s.gp", an);
    snprintf(f[k].title, sizeof(f[k].title), "Operation time against %s", an);
    k++;
    snprintf(f[k].name, sizeof(f[k].name), "rate-%s", an);
    snprintf(f[k].script, sizeof(f[k].script), "rate.gp");
    snprintf(f[k].vars, sizeof(f[k].vars), "axis-%s.gp", an);
    snprintf(f[k].title, sizeof(f[k].title), "Entropy rate against %s", an);
    k++;
  }
  snprintf(f[k].name, sizeof(f[k].name), "estimators");
  snprintf(f[k].script, sizeof(f[k].script), "estimators.gp");
  snprintf(f[k].vars, sizeof(f[k].vars), "estimators.gp");
  snprintf(f[k].title, sizeof(f[k].title),
           "Estimates of each SP 800-90B estimator per point");
  k++;
  snprintf(f[k].name, sizeof(f[k].name), "hcond");
  snprintf(f[k].script, sizeof(f[k].script), "hcond.gp");
  snprintf(f[k].vars, sizeof(f[k].vars), "hcond.gp");
  snprintf(f[k].title, sizeof(f[k].title),
           "Min-entropy of each call against the condition that explains most");
  k++;
  for (p = 0; p < rd->n_points; p++) {
    if (rd->points[p].n_calls == 0)
      continue; /* an interrupted run: nothing measured here */
    snprintf(f[k].name, sizeof(f[k].name), "hist-p%zu", p);
    snprintf(f[k].script, sizeof(f[k].script), "hist.gp");
    snprintf(f[k].vars, sizeof(f[k].vars), "hist-p%zu.gp", p);
    snprintf(f[k].title, sizeof(f[k].title), "Histogram of raw deltas, point %zu", p);
    k++;
  }
  if (point >= rd->n_points || rd->points[point].n_calls == 0) {
    *out = f;
    *n = k;
    return MB_OK;
  }
  snprintf(f[k].name, sizeof(f[k].name), "series-p%zu", point);
  snprintf(f[k].script, sizeof(f[k].script), "series.gp");
  snprintf(f[k].vars, sizeof(f[k].vars), "series-p%zu.gp", point);
  snprintf(f[k].title, sizeof(f[k].title), "Raw deltas over time, point %zu", point);
  k++;
  snprintf(f[k].name, sizeof(f[k].name), "acf-p%zu", point);
  snprintf(f[k].script, sizeof(f[k].script), "acf.gp");
  snprintf(f[k].vars, sizeof(f[k].vars), "acf-p%zu.gp", point);
  snprintf(f[k].title, sizeof(f[k].title), "Autocorrelation of raw deltas, point %zu",
           point);
  k++;
  *out = f;
  *n = k;
  return MB_OK;
}

/* --- output helpers --------------------------------------------------------- */

/* A file made and not yet written. */
struct pending {
  char path[1024];
  char *text;
  size_t len;
};

struct out {
  const char *dir;
  struct mb_error *err;
  char path[1024];
  FILE *f; /* a memory stream; out_close keeps it for out_flush */
  char *text;
  size_t len;
  struct pending *files; /* n_files made, written by out_flush */
  size_t n_files, cap_files;
};

/* Every file plotdata writes begins with "# mebench plotdata", so a later
 * plotdata into the same OUTDIR replaces its own files and nothing else
 * (the output rule, fsutil.h). */
static int is_plotdata(const unsigned char *head, size_t n)
{
  return n >= 18 && memcmp(head, "# mebench plotdata", 18) == 0;
}

static const struct mb_fs_kind plotdata_kind = {"a file of mebench plotdata",
                                                is_plotdata};

static int out_open(struct out *o, const char *name)
{
  size_t n = strlen(name);

  snprintf(o->path, sizeof(o->path), "%s/%s", o->dir, name);
  o->text = NULL;
  o->len = 0;
  o->f = open_memstream(&o->text, &o->len);
  if (!o->f)
    return mb_error_set(o->err, MB_ENOMEM, o->path, 0, 0, NULL, "out of memory");
  /* .dat files say what they hold on their first line already. */
  if (n < 4 || strcmp(name + n - 4, ".dat") != 0)
    fprintf(o->f, "# mebench plotdata: %s\n", name);
  return MB_OK;
}

static void out_init(struct out *o, const char *outdir, struct mb_error *err)
{
  memset(o, 0, sizeof(*o));
  o->dir = outdir;
  o->err = err;
}

/* The file made since out_open, kept (in memory) for out_flush: nothing
 * is written until every file is made and every path checked. */
static int out_close(struct out *o)
{
  int bad = ferror(o->f);
  struct pending *p;

  if (fclose(o->f) != 0 || bad) {
    o->f = NULL;
    free(o->text);
    o->text = NULL;
    return mb_error_set(o->err, MB_ENOMEM, o->path, 0, 0, NULL, "out of memory");
  }
  o->f = NULL;
  if (o->n_files == o->cap_files) {
    size_t cap = o->cap_files ? o->cap_files * 2 : 64;

    p = realloc(o->files, cap * sizeof(*p));
    if (!p) {
      free(o->text);
      o->text = NULL;
      return mb_error_set(o->err, MB_ENOMEM, o->path, 0, 0, NULL, "out of memory");
    }
    o->files = p;
    o->cap_files = cap;
  }
  p = &o->files[o->n_files++];
  memcpy(p->path, o->path, sizeof(p->path));
  p->text = o->text;
  p->len = o->len;
  o->text = NULL;
  return MB_OK;
}

/* With rc MB_OK, write every kept file by the output rule, having checked
 * every path first (mb_fs_check_output), so a file in the way (not
 * plotdata's own) is refused before anything is written; then, or with
 * another rc, free them. Returns rc or the first error. A failure while
 * writing (a full disk) leaves only plotdata's own files, which a rerun
 * replaces. */
static int out_flush(struct out *o, int rc)
{
  size_t i;

  if (o->f) {
    fclose(o->f);
    o->f = NULL;
    free(o->text);
    o->text = NULL;
  }
  for (i = 0; i < o->n_files && rc == MB_OK; i++)
    rc = mb_fs_check_output(o->files[i].path, &plotdata_kind, 0, NULL, o->err);
  for (i = 0; i < o->n_files && rc == MB_OK; i++)
    rc = mb_fs_write_output(o->files[i].path, o->files[i].text, o->files[i].len,
                            &plotdata_kind, 0, NULL, o->err);
  for (i = 0; i < o->n_files; i++)
    free(o->files[i].text);
  free(o->files);
  o->files = NULL;
  o->n_files = o->cap_files = 0;
  return rc;
}

/* A gnuplot single-quoted string: '' stands for ', line breaks become spaces. */
static void gp_str(FILE *f, const char *s)
{
  fputc('\'', f);
  for (; *s; s++) {
    if (*s == '\'')
      fputs("''", f);
    else if (*s == '\n' || *s == '\r')
      fputc(' ', f);
    else
      fputc(*s, f);
  }
  fputc('\'', f);
}

static void gp_set(FILE *f, const char *var, const char *value)
{
  fprintf(f, "%s = ", var);
  gp_str(f, value);
  fputc('\n', f);
}

/* A number, or '?' (the missing-value marker the scripts declare). */
static void num(FILE *f, double v)
{
  if (isnan(v) || isinf(v))
    fputs(" ?", f);
  else
    fprintf(f, " %.6g", v);
}

/* --- per-axis tables -------------------------------------------------------- */

/* A numeric axis is drawn on a log2 scale when its values span 8x or more
 * (ool_size always: its values are usually powers of two over decades). */
static int axis_log2(const struct mb_rundir *rd, enum mb_axis a)
{
  const struct mb_axis_values *v = &rd->axes[a];

  if (a == MB_AXIS_OOL_SIZE)
    return 1;
  return a == MB_AXIS_NUM_PORTS && v->n > 1 && v->values[v->n - 1] >= 8 * v->values[0];
}

static const char *axis_label(const struct mb_rundir *rd, enum mb_axis a)
{
  switch (a) {
  case MB_AXIS_NUM_PORTS:
    return axis_log2(rd, a) ? "ports in the pool, num_ports (log2 scale)"
                            : "ports in the pool, num_ports";
  case MB_AXIS_OOL_SIZE:
    return "out-of-line payload, ool_size (bytes, log2 scale)";
  case MB_AXIS_PLACEMENT:
    return "placement of the timing and receiver threads";
  default:
    return mb_axis_name(a);
  }
}

/* The drawing parameters every axis figure reads (axis.gp): the axis, its
 * label, scale and range, nser series, and the tics: one per category at its
 * rank, named once (not once per series), or the values when they are few.
 * Shared by a run's and a study's axis tables. */
static void axis_script_head(FILE *f, const struct mb_rundir *rd, enum mb_axis a,
                             size_t nser)
{
  size_t i, n = rd->axes[a].n;

  gp_set(f, "axis", mb_axis_name(a));
  gp_set(f, "xlabel", axis_label(rd, a));
  fprintf(f,
          "logx = %d\ncategorical = %d\nncat = %zu\nxlo = %u\nxhi = %u\nnser = %zu\n"
          "array ser[%zu]\n",
          axis_log2(rd, a) ? 2 : 0, mb_axis_categorical(a), n, rd->axes[a].values[0],
          rd->axes[a].values[n - 1], nser, nser);
  if (mb_axis_categorical(a)) {
    fputs("xticks = '", f);
    for (i = 0; i < n; i++)
      fprintf(f, "%s\"%s\" %zu", i ? ", " : "",
              mb_axis_value_name(a, rd->axes[a].values[i]), i);
    fputs("'\n", f);
  } else if (n <= 12) {
    fputs("xticks = '", f);
    for (i = 0; i < n; i++)
      fprintf(f, "%s%u", i ? ", " : "", rd->axes[a].values[i]);
    fputs("'\n", f);
  }
}

/* Sort the m point indices in order ascending along axis a (an insertion
 * sort: a series holds a few dozen points at most). */
static void sort_along_axis(const struct mb_rundir *rd, enum mb_axis a, size_t *order,
                            size_t m)
{
  size_t i, j;

  for (i = 1; i < m; i++)
    for (j = i; j > 0 && mb_rundir_axis_value(&rd->points[order[j - 1]], a) >
                             mb_rundir_axis_value(&rd->points[order[j]], a);
         j--) {
      size_t t = order[j];

      order[j] = order[j - 1];
      order[j - 1] = t;
    }
}

/* Where value v of axis a is drawn: the value itself, or for a category its
 * rank among the run's values (0, 1, ...), where axis.gp's x range expects
 * it. */
static uint32_t axis_x(const struct mb_rundir *rd, enum mb_axis a, uint32_t v)
{
  uint32_t rank = 0;

  if (!mb_axis_categorical(a))
    return v;
  while (rank < rd->axes[a].n && rd->axes[a].values[rank] != v)
    rank++;
  return rank;
}

/* Whether two points agree on every axis but `a`. */
static int same_series(const struct mb_rundir_point *p, const struct mb_rundir_point *q,
                       enum mb_axis a)
{
  int b;

  for (b = 0; b < MB_AXIS_COUNT; b++)
    if (b != (int)a && mb_rundir_axis_value(p, (enum mb_axis)b) !=
                           mb_rundir_axis_value(q, (enum mb_axis)b))
      return 0;
  return 1;
}

/* The series title of p on an axis-a figure: the other swept axes, or the
 * fixed configuration when none is. */
static void series_title(const struct mb_rundir *rd, const struct mb_rundir_point *p,
                         enum mb_axis a, char *buf, size_t n)
{
  size_t len = 0;
  int b, any = 0;

  buf[0] = '\0';
  for (b = 0; b < MB_AXIS_COUNT; b++)
    if (b != (int)a && mb_rundir_swept(rd, (enum mb_axis)b))
      any = 1;
  for (b = 0; b < MB_AXIS_COUNT && len < n; b++) {
    if (b == (int)a || (any && !mb_rundir_swept(rd, (enum mb_axis)b)))
      continue;
    if (b == MB_AXIS_NUM_PORTS)
      snprintf(buf + len, n - len, "%s%u port%s", len ? ", " : "", p->config.num_ports,
               p->config.num_ports == 1 ? "" : "s");
    else if (b == MB_AXIS_OOL_SIZE)
      snprintf(buf + len, n - len, "%s%u B OOL", len ? ", " : "", p->config.ool_size);
    else
      snprintf(buf + len, n - len, "%s%s", len ? ", " : "",
               mb_axis_value_name((enum mb_axis)b,
                                  mb_rundir_axis_value(p, (enum mb_axis)b)));
    len = strlen(buf);
  }
}

/* Close the data file just written (STEM.dat) and open the drawing
 * parameters that go with it (STEM.gp), which begin by naming that file. */
static int data_to_script(struct out *o, const char *stem)
{
  char name[96];
  int rc = out_close(o);

  if (rc)
    return rc;
  snprintf(name, sizeof(name), "%s.gp", stem);
  rc = out_open(o, name);
  if (rc)
    return rc;
  snprintf(name, sizeof(name), "%s.dat", stem);
  gp_set(o->f, "dat", name);
  return MB_OK;
}

static int write_axis(const struct mb_rundir *rd, enum mb_axis a, struct out *o)
{
  char name[64], title[128];
  size_t *order = calloc(rd->n_points, sizeof(*order));
  size_t *series = calloc(rd->n_points, sizeof(*series));
  size_t nser = 0, i, j, s;
  int rc;

  if (!order || !series) {
    free(order);
    free(series);
    return mb_error_set(o->err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
  }
  /* Series are numbered in order of their first point; points without a
   * measured call (an interrupted run) belong to none. */
  for (i = 0; i < rd->n_points; i++) {
    series[i] = SIZE_MAX;
    if (rd->points[i].n_calls == 0)
      continue;
    for (j = 0; j < i; j++)
      if (series[j] != SIZE_MAX && same_series(&rd->points[i], &rd->points[j], a))
        break;
    series[i] = j < i ? series[j] : nser++;
  }
  snprintf(name, sizeof(name), "axis-%s.dat", mb_axis_name(a));
  rc = out_open(o, name);
  if (rc)
    goto done;
  fprintf(o->f,
          "# mebench plotdata: figures against %s, one block per series.\n"
          "# x h_bytes h_bytes_min h_bytes_max h_raw h_raw_min h_raw_max"
          " ns_per_op ns_p01 ns_p99 bits_per_s bits_per_s_min bits_per_s_max"
          " ops_per_s timeouts point label ns_per_op_min ns_per_op_max"
          " waited_share\n"
          "# (ns_per_op: median over calls of each call's median delta; _min/_max:\n"
          "# the lowest and highest call)\n",
          mb_axis_name(a));
  for (s = 0; s < nser; s++) {
    size_t m = 0;

    for (i = 0; i < rd->n_points; i++)
      if (series[i] == s)
        order[m++] = i;
    sort_along_axis(rd, a, order, m);
    if (s > 0)
      fputs("\n\n", o->f);
    for (i = 0; i < m; i++) {
      const struct mb_rundir_point *p = &rd->points[order[i]];
      uint32_t v = mb_rundir_axis_value(p, a);
      const char *word = mb_axis_value_name(a, v);
      uint32_t x = axis_x(rd, a, v);
      fprintf(o->f, "%u", x);
      num(o->f, p->h_bytes.med);
      num(o->f, p->h_bytes.min);
      num(o->f, p->h_bytes.max);
      num(o->f, p->h_raw.med);
      num(o->f, p->h_raw.min);
      num(o->f, p->h_raw.max);
      num(o->f, p->ns_per_op.med);
      num(o->f, p->ns_p01);
      num(o->f, p->ns_p99);
      num(o->f, p->bits_per_s.med);
      num(o->f, p->bits_per_s.min);
      num(o->f, p->bits_per_s.max);
      num(o->f, p->ops_per_s.med);
      fprintf(o->f, " %zu %zu %s", p->timeouts, p->index, word ? word : "-");
      num(o->f, p->ns_per_op.min);
      num(o->f, p->ns_per_op.max);
      num(o->f, p->waited_share.med);
      fputc('\n', o->f);
    }
  }
  snprintf(name, sizeof(name), "axis-%s", mb_axis_name(a));
  rc = data_to_script(o, name);
  if (rc)
    goto done;
  axis_script_head(o->f, rd, a, nser);
  for (s = 0; s < nser; s++) {
    for (i = 0; i < rd->n_points && series[i] != s; i++)
      ;
    series_title(rd, &rd->points[i], a, title, sizeof(title));
    fprintf(o->f, "ser[%zu] = ", s + 1);
    gp_str(o->f, title);
    fputc('\n', o->f);
  }
  rc = out_close(o);
done:
  free(order);
  free(series);
  return rc;
}

/* --- estimators ------------------------------------------------------------- */

/* The swept values of a point, "8, 4096, complex" (every value when none is
 * swept); swept_names gives the matching "num_ports, ool_size (B), mode". */
static void point_values(const struct mb_rundir *rd, const struct mb_rundir_point *p,
                         char *buf, size_t n)
{
  size_t len = 0;
  int b, any = 0;

  for (b = 0; b < MB_AXIS_COUNT; b++)
    any |= mb_rundir_swept(rd, (enum mb_axis)b);
  buf[0] = '\0';
  for (b = 0; b < MB_AXIS_COUNT && len < n; b++) {
    if (any && !mb_rundir_swept(rd, (enum mb_axis)b))
      continue;
    if (mb_axis_categorical((enum mb_axis)b))
      snprintf(buf + len, n - len, "%s%s", len ? ", " : "",
               mb_axis_value_name((enum mb_axis)b,
                                  mb_rundir_axis_value(p, (enum mb_axis)b)));
    else
      snprintf(buf + len, n - len, "%s%u", len ? ", " : "",
               mb_rundir_axis_value(p, (enum mb_axis)b));
    len = strlen(buf);
  }
}

static void swept_names(const struct mb_rundir *rd, char *buf, size_t n)
{
  size_t len = 0;
  int b, any = 0;

  for (b = 0; b < MB_AXIS_COUNT; b++)
    any |= mb_rundir_swept(rd, (enum mb_axis)b);
  buf[0] = '\0';
  for (b = 0; b < MB_AXIS_COUNT && len < n; b++) {
    if (any && !mb_rundir_swept(rd, (enum mb_axis)b))
      continue;
    snprintf(buf + len, n - len, "%s%s", len ? ", " : "",
             b == MB_AXIS_OOL_SIZE ? "ool_size (B)" : mb_axis_name((enum mb_axis)b));
    len = strlen(buf);
  }
}

static int write_estimators(const struct mb_rundir *rd, struct out *o)
{
  char label[128];
  size_t p;
  int e, rc, n = 0, col[MB_EST_COUNT];

  /* Only estimators with an estimate somewhere get a column: gnuplot warns
   * about a series with no valid point. col[e] is e's 1-based column among
   * them, 0 when it has none. */
  for (e = 0; e < MB_EST_COUNT; e++) {
    col[e] = 0;
    for (p = 0; p < rd->n_points; p++)
      if (!isnan(rd->points[p].est_bytes[e].med)) {
        col[e] = ++n;
        break;
      }
  }

  rc = out_open(o, "estimators.dat");
  if (rc)
    return rc;
  fprintf(o->f,
          "# mebench plotdata: per point, each estimator's median estimate over\n"
          "# repetitions (bits per byte of extracted output; min of literal and\n"
          "# 8 x bitstring), the assessed value and the binding estimator\n"
          "# (its column among the estimators below, 1-based; 0: none); after\n"
          "# the label, the lowest and highest per-call assessed value, and in\n"
          "# how many calls the binding estimator gave the minimum, of how many.\n"
          "# point h_bytes binding");
  for (e = 0; e < MB_EST_COUNT; e++)
    if (col[e])
      fprintf(o->f, " %s", mb_rundir_est_key(e));
  fputs(" label h_bytes_min h_bytes_max bind_calls calls\n", o->f);
  for (p = 0; p < rd->n_points; p++) {
    const struct mb_rundir_point *pt = &rd->points[p];

    fprintf(o->f, "%zu", p);
    num(o->f, pt->h_bytes.med);
    fprintf(o->f, " %d", pt->bind_bytes >= 0 ? col[pt->bind_bytes] : 0);
    for (e = 0; e < MB_EST_COUNT; e++)
      if (col[e])
        num(o->f, pt->est_bytes[e].med);
    point_values(rd, pt, label, sizeof(label));
    fprintf(o->f, " \"p%zu: %s\"", p, label);
    num(o->f, pt->h_bytes.min);
    num(o->f, pt->h_bytes.max);
    fprintf(o->f, " %zu %zu\n", pt->bind_count, pt->n_calls);
  }
  rc = out_close(o);
  if (rc)
    return rc;
  rc = out_open(o, "estimators.gp");
  if (rc)
    return rc;
  gp_set(o->f, "dat", "estimators.dat");
  swept_names(rd, label, sizeof(label));
  {
    char xl[192];

    snprintf(xl, sizeof(xl), "point: %s", label);
    gp_set(o->f, "xlabel", xl);
  }
  fprintf(o->f, "npoints = %zu\nnest = %d\nlabcol = %d\narray est[%d]\n", rd->n_points,
          n, n + 4, n ? n : 1);
  for (e = 0; e < MB_EST_COUNT; e++) {
    if (!col[e])
      continue;
    fprintf(o->f, "est[%d] = ", col[e]);
    gp_str(o->f, mb_rundir_est_key(e));
    fputc('\n', o->f);
  }
  if (n == 0)
    fputs("est[1] = ''\n", o->f);
  return out_close(o);
}

/* --- min-entropy against a condition -------------------------------------- */

/* h_bytes of every call against the recorded condition that explains most of
 * its variance on its own after the axes and the round (findings.h), or the
 * waited share when none explains anything; one block per point. */
static int write_hcond(const struct mb_rundir *rd, struct out *o)
{
  struct mb_findings fd;
  const struct mb_metric_findings *mf;
  size_t k = 0, nc = mb_findings_n_conditions(rd), p, i, nblk = 0;
  char label[128], t[192], cname[72];
  double alone = NAN, xlo = NAN, xhi = NAN;
  int rc = mb_findings_compute(rd, &fd, o->err);

  if (rc)
    return rc;
  mf = &fd.m[MB_METRIC_H_BYTES];
  snprintf(cname, sizeof(cname), "%s", mb_findings_condition_name(rd, 0));
  if (mf->ok && mf->main_cond >= 0 && mf->terms[mf->main_cond].alone_share > 0) {
    snprintf(cname, sizeof(cname), "%s", mf->terms[mf->main_cond].name);
    alone = mf->terms[mf->main_cond].alone_share;
  }
  for (i = 0; i < nc; i++)
    if (strcmp(mb_findings_condition_name(rd, i), cname) == 0)
      k = i;
  mb_findings_cleanup(&fd);
  rc = out_open(o, "hcond.dat");
  if (rc)
    return rc;
  fprintf(o->f,
          "# mebench plotdata: assessed min-entropy of the extracted bytes of each\n"
          "# call against its condition %s; one block per point.\n"
          "# condition h_bytes repetition point\n",
          cname);
  for (p = 0; p < rd->n_points; p++) {
    if (rd->points[p].n_calls == 0)
      continue;
    if (nblk++ > 0)
      fputs("\n\n", o->f);
    for (i = 0; i < rd->n_calls; i++) {
      const struct mb_rundir_call *c = &rd->calls[i];

      double x;

      if (c->point != p)
        continue;
      x = mb_findings_condition(rd, c, k);
      if (!isnan(x)) {
        xlo = isnan(xlo) || x < xlo ? x : xlo;
        xhi = isnan(xhi) || x > xhi ? x : xhi;
      }
      num(o->f, x);
      num(o->f, c->h_bytes);
      fprintf(o->f, " %zu %zu\n", c->repetition, p);
    }
  }
  rc = data_to_script(o, "hcond");
  if (rc)
    return rc;
  gp_set(o->f, "cond", cname);
  if (isnan(alone))
    snprintf(t, sizeof(t), "%s (no recorded condition explains any of the variance)",
             cname);
  else
    snprintf(t, sizeof(t),
             "%s explains %s%.0f%% of the variance of h_bytes on its own, after the "
             "axes and the round",
             cname, alone < 0.005 ? "under " : "", alone < 0.005 ? 1.0 : 100 * alone);
  gp_set(o->f, "cond_note", t);
  /* the x range, given: gnuplot warns on a constant condition */
  fprintf(o->f, "xlo = %.6g\nxhi = %.6g\nnblocks = %zu\narray ptitle[%zu]\n",
          isnan(xlo) ? 0.0 : xlo, isnan(xhi) ? 0.0 : xhi, nblk, nblk ? nblk : 1);
  for (p = 0, i = 0; p < rd->n_points; p++) {
    if (rd->points[p].n_calls == 0)
      continue;
    mb_rundir_point_label(rd, &rd->points[p], 1, label, sizeof(label));
    snprintf(t, sizeof(t), "p%zu: %s", p, label);
    fprintf(o->f, "ptitle[%zu] = ", ++i);
    gp_str(o->f, t);
    fputc('\n', o->f);
  }
  if (nblk == 0)
    fputs("ptitle[1] = ''\n", o->f);
  return out_close(o);
}

/* --- raw deltas ------------------------------------------------------------- */

/* Every call of point p, read from its raw file: timings concatenated in
 * repetition order into *all, their statuses into *st, and each call's
 * start offset into starts[0..*ncalls]. */
struct pointraw {
  uint64_t *all;
  int32_t *st;
  size_t n;
  size_t *starts; /* n_calls + 1 */
  size_t *reps;   /* repetition of each call */
  size_t n_calls;
};

static void pointraw_free(struct pointraw *r)
{
  free(r->all);
  free(r->st);
  free(r->starts);
  free(r->reps);
  memset(r, 0, sizeof(*r));
}

static int cmp_call_rep(const void *a, const void *b)
{
  const size_t *x = a, *y = b;

  return x[1] != y[1] ? (x[1] < y[1] ? -1 : 1) : (x[0] < y[0] ? -1 : x[0] > y[0]);
}

/* Read the calls of point p in repetition order. A raw file that is
 * missing, damaged or not the call run.json says is left out with a
 * warning naming the point and the file (damage is contained: every figure
 * that does not need it is still drawn); *skipped counts them. Only running
 * out of memory fails. */
static int read_point(const struct mb_rundir *rd, size_t p, struct pointraw *r,
                      size_t *skipped, struct mb_error *err)
{
  struct mb_collection c;
  struct mb_raw_meta meta;
  size_t i, total = 0, k = 0, j;
  size_t *order;
  char path[1024];
  int rc = MB_OK;

  memset(r, 0, sizeof(*r));
  *skipped = 0;
  for (i = 0; i < rd->n_calls; i++)
    if (rd->calls[i].point == p) {
      total += rd->calls[i].timings;
      k++;
    }
  r->all = malloc((total ? total : 1) * sizeof(*r->all));
  r->st = malloc((total ? total : 1) * sizeof(*r->st));
  r->starts = calloc(k + 1, sizeof(*r->starts));
  r->reps = calloc(k + 1, sizeof(*r->reps));
  order = malloc((k ? k : 1) * 2 * sizeof(*order));
  if (!r->all || !r->st || !r->starts || !r->reps || !order) {
    free(order);
    pointraw_free(r);
    return mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
  }
  /* In repetition order, whatever order the calls ran in: sorted, never a
   * loop over the planned repetitions (a run.json may claim any number). */
  for (i = 0, j = 0; i < rd->n_calls; i++)
    if (rd->calls[i].point == p) {
      order[2 * j] = i;
      order[2 * j + 1] = rd->calls[i].repetition;
      j++;
    }
  qsort(order, k, 2 * sizeof(*order), cmp_call_rep);
  mb_collection_init(&c);
  for (j = 0; j < k && rc == MB_OK; j++) {
    const struct mb_rundir_call *call = &rd->calls[order[2 * j]];
    struct mb_error e;
    char label[128];
    int st;

    snprintf(path, sizeof(path), "%s/%s", rd->dir, call->raw_file);
    mb_error_init(&e);
    st = mb_rawfile_read(path, &meta, &c, &e);
    if (st == MB_ENOMEM) {
      rc = mb_error_set(err, MB_ENOMEM, path, 0, 0, NULL, "out of memory");
      break;
    }
    if (st == MB_OK && (meta.point != p || meta.repetition != call->repetition ||
                        c.n_timings != call->timings || r->n + c.n_timings > total)) {
      st = mb_error_set(&e, MB_EINVALID, path, 0, 0, NULL,
                        "holds point %zu repetition %zu with %zu timings, but run.json "
                        "lists it for point %zu repetition %zu with %zu",
                        meta.point, meta.repetition, c.n_timings, p, call->repetition,
                        call->timings);
    }
    if (st != MB_OK) {
      char msg[1400];

      mb_rundir_point_label(rd, &rd->points[p], 0, label, sizeof(label));
      mb_error_format(&e, msg, sizeof(msg));
      fprintf(stderr,
              "mebench: plotdata: point %zu (%s), repetition %zu: %s; left out of "
              "the point's raw figures (histogram, time series, autocorrelation)\n",
              p, label, call->repetition, msg);
      (*skipped)++;
      continue;
    }
    memcpy(r->all + r->n, c.timings, c.n_timings * sizeof(*r->all));
    memcpy(r->st + r->n, c.status, c.n_timings * sizeof(*r->st));
    r->starts[r->n_calls] = r->n;
    r->reps[r->n_calls] = call->repetition;
    r->n_calls++;
    r->n += c.n_timings;
  }
  r->starts[r->n_calls] = r->n;
  mb_collection_cleanup(&c);
  free(order);
  if (rc)
    pointraw_free(r);
  return rc;
}

static int cmp_u64(const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

  return x < y ? -1 : x > y;
}

static void write_point_title(const struct mb_rundir *rd, size_t p, FILE *f)
{
  char label[128], t[192];

  mb_rundir_point_label(rd, &rd->points[p], 0, label, sizeof(label));
  snprintf(t, sizeof(t), "point %zu: %s", p, label);
  gp_set(f, "point_title", t);
}

static int write_hist(const struct mb_rundir *rd, size_t p, const struct pointraw *r,
                      const uint64_t *sorted, struct out *o)
{
  struct mb_hist h;
  char name[64];
  uint64_t hi;
  size_t b;
  int rc;

  if (r->n == 0) {
    h.lo = 0;
    h.width = 1;
    h.n_bins = 0;
    h.counts = NULL;
    h.below = h.above = 0;
    hi = 0;
  } else {
    hi = mb_quantile_sorted(sorted, r->n, MB_PLOTDATA_HIST_Q);
    if (mb_hist_make(r->all, r->n, sorted[0], hi, MB_PLOTDATA_MAX_BINS, &h))
      return mb_error_set(o->err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
  }
  snprintf(name, sizeof(name), "hist-p%zu.dat", p);
  rc = out_open(o, name);
  if (rc)
    goto done;
  fprintf(o->f,
          "# mebench plotdata: histogram of the raw deltas of point %zu, all\n"
          "# repetitions; bins of %" PRIu64 " tick%s; empty bins left out.\n"
          "# center_ns count lo_tick hi_tick\n",
          p, h.width, mb_s(h.width));
  for (b = 0; b < h.n_bins; b++) {
    uint64_t lo = h.lo + b * h.width;

    if (h.counts[b] == 0)
      continue;
    fprintf(o->f, "%.6g %" PRIu64 " %" PRIu64 " %" PRIu64 "\n",
            ((double)lo + (double)(h.width - 1) / 2.0) * rd->tick_ns, h.counts[b], lo,
            lo + h.width - 1);
  }
  snprintf(name, sizeof(name), "hist-p%zu", p);
  rc = data_to_script(o, name);
  if (rc)
    goto done;
  write_point_title(rd, p, o->f);
  fprintf(o->f,
          "binw_ns = %.6g\nbin_ticks = %" PRIu64 "\nn_total = %zu\nn_above = %zu\n"
          "n_calls = %zu\nempty = %d\nxmin_ns = %.6g\nxmax_ns = %.6g\n",
          (double)h.width * rd->tick_ns, h.width, r->n, h.above, r->n_calls, r->n == 0,
          ((double)h.lo - (double)h.width) * rd->tick_ns,
          ((double)h.lo + (double)(h.n_bins + 1) * (double)h.width) * rd->tick_ns);
  rc = out_close(o);
done:
  mb_hist_cleanup(&h);
  return rc;
}

static int write_series(const struct mb_rundir *rd, size_t p, const struct pointraw *r,
                        const uint64_t *sorted, struct out *o)
{
  char name[64];
  size_t c, i, shown = 0, nbad = 0, above = 0, stride;
  uint64_t hi = r->n ? mb_quantile_sorted(sorted, r->n, MB_PLOTDATA_TAIL_Q) : 0;
  int rc;

  snprintf(name, sizeof(name), "series-p%zu.dat", p);
  rc = out_open(o, name);
  if (rc)
    return rc;
  /* Every repetition whole: past MB_PLOTDATA_MAX_SERIES operations in all,
   * every stride-th operation of each is shown rather than the first ones. */
  stride = r->n > MB_PLOTDATA_MAX_SERIES
               ? (r->n + MB_PLOTDATA_MAX_SERIES - 1) / MB_PLOTDATA_MAX_SERIES
               : 1;
  fprintf(o->f,
          "# mebench plotdata: raw deltas of point %zu in the order they were\n"
          "# timed, one block per repetition (blocks follow each other on x);\n"
          "# every %zu-th operation of each repetition, and every timed-out,\n"
          "# failed or above-the-99.9th-percentile one.\n"
          "# op delta_ns status repetition\n",
          p, stride);
  for (c = 0; c < r->n_calls; c++) {
    if (c > 0)
      fputs("\n\n", o->f);
    for (i = r->starts[c]; i < r->starts[c + 1]; i++) {
      int fault = MB_OP_FAULT(r->st[i]) != 0, tail = r->all[i] > hi;

      nbad += (size_t)fault;
      above += (size_t)tail;
      /* faults and the tail are rare and what the eye looks for: always
       * shown, whatever the stride */
      if ((i - r->starts[c]) % stride != 0 && !fault && !tail)
        continue;
      fprintf(o->f, "%zu %.6g %d %zu\n", i, (double)r->all[i] * rd->tick_ns,
              (int)r->st[i], r->reps[c]);
      shown++;
    }
  }
  snprintf(name, sizeof(name), "series-p%zu", p);
  rc = data_to_script(o, name);
  if (rc)
    return rc;
  write_point_title(rd, p, o->f);
  /* A tail reaching past 20 times the median would flatten the body on a
   * linear axis: draw it on a log axis then. */
  fprintf(o->f,
          "nblocks = %zu\nshown = %zu\nstride = %zu\nn_total = %zu\nn_status = %zu\n"
          "ymin_ns = %.6g\nymax_ns = %.6g\nn_above = %zu\nlogy = %d\n"
          "array rep_start[%zu]\n",
          c, shown, stride, r->n, nbad, r->n ? (double)sorted[0] * rd->tick_ns : 0.0,
          (double)hi * rd->tick_ns, above,
          r->n && (double)hi > 20.0 * (double)mb_quantile_sorted(sorted, r->n, 0.5),
          c ? c : 1);
  for (i = 0; i < c; i++)
    fprintf(o->f, "rep_start[%zu] = %zu\n", i + 1, r->starts[i]);
  if (c == 0)
    fputs("rep_start[1] = 0\n", o->f);
  fprintf(o->f, "array rep_of[%zu]\n", c ? c : 1);
  for (i = 0; i < c; i++)
    fprintf(o->f, "rep_of[%zu] = %zu\n", i + 1, r->reps[i]);
  if (c == 0)
    fputs("rep_of[1] = 0\n", o->f);
  return out_close(o);
}

static int write_acf(const struct mb_rundir *rd, size_t p, const struct pointraw *r,
                     struct out *o)
{
  char name[64];
  size_t c, k, i, nmin = 0, lags = MB_PLOTDATA_MAX_LAG;
  double *acf = calloc(r->n_calls * lags + 1, sizeof(*acf));
  double *x = malloc((r->n ? r->n : 1) * sizeof(*x));
  int rc;

  if (!acf || !x) {
    free(acf);
    free(x);
    return mb_error_set(o->err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
  }
  for (c = 0; c < r->n_calls; c++) {
    size_t len = r->starts[c + 1] - r->starts[c];

    for (i = 0; i < len; i++)
      x[i] = (double)r->all[r->starts[c] + i];
    mb_autocorr(x, len, lags, acf + c * lags);
    if (nmin == 0 || len < nmin)
      nmin = len;
  }
  free(x);
  snprintf(name, sizeof(name), "acf-p%zu.dat", p);
  rc = out_open(o, name);
  if (rc)
    goto done;
  fprintf(o->f,
          "# mebench plotdata: autocorrelation of the raw deltas of point %zu,\n"
          "# each repetition on its own; mean, min and max over repetitions, then\n"
          "# one column per repetition.\n# lag mean min max rep...\n",
          p);
  for (k = 0; k < lags; k++) {
    double sum = 0, lo = NAN, hi = NAN;
    size_t m = 0;

    for (c = 0; c < r->n_calls; c++) {
      double v = acf[c * lags + k];

      if (isnan(v))
        continue;
      sum += v;
      m++;
      lo = isnan(lo) || v < lo ? v : lo;
      hi = isnan(hi) || v > hi ? v : hi;
    }
    fprintf(o->f, "%zu", k + 1);
    num(o->f, m ? sum / (double)m : NAN);
    num(o->f, lo);
    num(o->f, hi);
    for (c = 0; c < r->n_calls; c++)
      num(o->f, acf[c * lags + k]);
    fputc('\n', o->f);
  }
  snprintf(name, sizeof(name), "acf-p%zu", p);
  rc = data_to_script(o, name);
  if (rc)
    goto done;
  write_point_title(rd, p, o->f);
  /* ±1.96/sqrt(n): the 95% band of a white-noise autocorrelation. */
  fprintf(o->f, "nrep = %zu\nmaxlag = %zu\nn_per_rep = %zu\nwhite95 = %.6g\n",
          r->n_calls, lags, nmin, nmin ? 1.96 / sqrt((double)nmin) : 0.0);
  rc = out_close(o);
done:
  free(acf);
  return rc;
}

/* The raw figures of point p; *drawable is 0 when none of its raw files
 * could be read (its figures are then left out of figures.tsv). */
static int write_point_raw(const struct mb_rundir *rd, size_t p, int series,
                           int *drawable, struct out *o)
{
  struct pointraw r;
  uint64_t *sorted;
  size_t skipped;
  int rc = read_point(rd, p, &r, &skipped, o->err);

  *drawable = 0;
  if (rc)
    return rc;
  if (r.n_calls == 0) {
    pointraw_free(&r);
    return MB_OK;
  }
  *drawable = 1;
  sorted = malloc((r.n ? r.n : 1) * sizeof(*sorted));
  if (!sorted) {
    pointraw_free(&r);
    return mb_error_set(o->err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
  }
  memcpy(sorted, r.all, r.n * sizeof(*sorted));
  qsort(sorted, r.n, sizeof(*sorted), cmp_u64);
  rc = write_hist(rd, p, &r, sorted, o);
  if (!rc && series)
    rc = write_series(rd, p, &r, sorted, o);
  if (!rc && series)
    rc = write_acf(rd, p, &r, o);
  free(sorted);
  pointraw_free(&r);
  return rc;
}

/* --- the whole set ---------------------------------------------------------- */

static int write_common(const struct mb_rundir *rd, struct out *o)
{
  char s[512], date[16];
  int rc = out_open(o, "common.gp");

  if (rc)
    return rc;
  /* The run's start date, YYYY-MM-DD, names the figure's date. */
  snprintf(date, sizeof(date), "%.10s", rd->started);
  snprintf(s, sizeof(s), "%s%s%s%s, run of %s, source %s, %s", rd->hostname,
           rd->cpu_model[0] ? " (" : "", rd->cpu_model, rd->cpu_model[0] ? ")" : "",
           date, rd->source_name, rd->exp_name[0] ? rd->exp_name : rd->exp_path);
  gp_set(o->f, "stamp", s);
  gp_set(o->f, "host", rd->hostname);
  gp_set(o->f, "run_date", date);
  snprintf(s, sizeof(s), "%s, 1 tick = %.6g ns", rd->clock_name, rd->tick_ns);
  gp_set(o->f, "clock", s);
  fprintf(o->f, "tick_ns = %.6g\nraw_bits = %u\nsamples = %zu\nrepetitions = %zu\n",
          rd->tick_ns, rd->raw_bits, rd->samples, rd->repetitions);
  return out_close(o);
}

int mb_plotdata_write(const struct mb_rundir *rd, const char *outdir, size_t point,
                      struct mb_error *err)
{
  struct out o;
  struct mb_figure *figs = NULL;
  size_t nfig = 0, i, p, k, damaged = 0;
  char *drawable = NULL;
  int a, rc;

  if (point >= rd->n_points)
    return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                        "point %zu does not exist (the run has points 0..%zu)", point,
                        rd->n_points - 1);
  if (rd->n_calls == 0)
    return mb_error_set(err, MB_EINVALID, rd->json_path, 0, 0, "calls",
                        "no call was measured (status %s): nothing to plot",
                        rd->status);
  if (rd->points[point].n_calls == 0)
    return mb_error_set(
        err, MB_EUSAGE, NULL, 0, 0, NULL,
        "point %zu has no measured call (the run is %s); choose another "
        "with --point",
        point, rd->status);
  /* out_open() composes "outdir/name" in a 1024-byte buffer. */
  if (strlen(outdir) >= sizeof(o.path))
    return mb_error_set(err, MB_EUSAGE, outdir, 0, 0, NULL, "path too long");
  rc = mb_fs_mkdirs(outdir, 0777, "the output directory", err);
  if (rc)
    return rc;
  out_init(&o, outdir, err);
  rc = write_common(rd, &o);
  for (a = 0; a < MB_AXIS_COUNT && !rc; a++)
    if (figure_axis(rd, (enum mb_axis)a))
      rc = write_axis(rd, (enum mb_axis)a, &o);
  if (!rc)
    rc = write_estimators(rd, &o);
  if (!rc)
    rc = write_hcond(rd, &o);
  drawable = calloc(rd->n_points, 1);
  if (!drawable && !rc)
    rc = mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
  for (p = 0; p < rd->n_points && !rc; p++)
    if (rd->points[p].n_calls > 0) {
      int ok = 0;

      rc = write_point_raw(rd, p, p == point, &ok, &o);
      drawable[p] = (char)ok;
      if (!rc && !ok)
        damaged++;
    }
  if (!rc && mb_plotdata_figures(rd, point, &figs, &nfig))
    rc = mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
  /* A point none of whose raw files can be read has no raw figures: the
   * others are drawn all the same. */
  for (i = 0, k = 0; !rc && i < nfig; i++) {
    size_t q;

    if ((sscanf(figs[i].name, "hist-p%zu", &q) == 1 ||
         sscanf(figs[i].name, "series-p%zu", &q) == 1 ||
         sscanf(figs[i].name, "acf-p%zu", &q) == 1) &&
        q < rd->n_points && !drawable[q])
      continue;
    figs[k++] = figs[i];
  }
  if (!rc)
    nfig = k;
  if (!rc && damaged)
    fprintf(stderr,
            "mebench: plotdata: %zu point%s without a readable raw file: their "
            "histograms (and time series) are left out, every other figure is drawn\n",
            damaged, mb_s(damaged));
  free(drawable);
  if (!rc)
    rc = out_open(&o, "figures.tsv");
  if (!rc) {
    fputs("# script\tname\tvariables\ttitle\n", o.f);
    for (i = 0; i < nfig; i++)
      fprintf(o.f, "%s\t%s\t%s\t%s\n", figs[i].script, figs[i].name, figs[i].vars,
              figs[i].title);
    rc = out_close(&o);
  }
  free(figs);
  return out_flush(&o, rc);
}

/* --- studies: machine as a factor ------------------------------------------ */

/* One point's row of an axis table (the columns write_axis documents): x,
 * entropy, time in ns (each machine's ticks converted with its own tick, so
 * rows of different clocks can share a figure), rate, timeouts, label. */
static void study_row(FILE *f, const struct mb_rundir_point *p, uint32_t x,
                      const char *label)
{
  fprintf(f, "%u", x);
  num(f, p->h_bytes.med);
  num(f, p->h_bytes.min);
  num(f, p->h_bytes.max);
  num(f, p->h_raw.med);
  num(f, p->h_raw.min);
  num(f, p->h_raw.max);
  num(f, p->ns_per_op.med);
  num(f, p->ns_p01);
  num(f, p->ns_p99);
  num(f, p->bits_per_s.med);
  num(f, p->bits_per_s.min);
  num(f, p->bits_per_s.max);
  num(f, p->ops_per_s.med);
  fprintf(f, " %zu %zu ", p->timeouts, p->index);
  /* gnuplot reads the label as one word */
  for (; *label; label++)
    fputc(*label == ' ' || *label == '\t' ? '_' : *label, f);
  /* as write_axis: the spread of the calls' median deltas, the waited share */
  num(f, p->ns_per_op.min);
  num(f, p->ns_per_op.max);
  num(f, p->waited_share.med);
  fputc('\n', f);
}

/* study-axis-<a>: one block per machine and series of the other swept axes,
 * titled "<machine>" or "<machine>: <series>", so every line is one machine. */
static int write_study_axis(const struct mb_rundir *const *runs,
                            const char *const *labels, size_t n_runs, enum mb_axis a,
                            struct out *o)
{
  const struct mb_rundir *rd0 = runs[0];
  size_t np = rd0->n_points, m, i, j, s, nser, blocks = 0;
  size_t *order = calloc(np, sizeof(*order)), *series = calloc(np, sizeof(*series));
  char name[64], title[160], sub[128];
  int rc, others = 0, b;

  if (!order || !series) {
    free(order);
    free(series);
    return mb_error_set(o->err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
  }
  for (b = 0; b < MB_AXIS_COUNT; b++)
    others |= b != (int)a && mb_rundir_swept(rd0, (enum mb_axis)b);
  snprintf(name, sizeof(name), "study-axis-%s.dat", mb_axis_name(a));
  rc = out_open(o, name);
  if (rc)
    goto done;
  fprintf(o->f,
          "# mebench plotdata: a study, figures against %s, one block per machine and "
          "series.\n# x h_bytes h_bytes_min h_bytes_max h_raw h_raw_min h_raw_max"
          " ns_per_op ns_p01 ns_p99 bits_per_s bits_per_s_min bits_per_s_max"
          " ops_per_s timeouts point label ns_per_op_min ns_per_op_max"
          " waited_share\n",
          mb_axis_name(a));
  /* Series from the first machine's points (the same plan everywhere). */
  nser = 0;
  for (i = 0; i < np; i++) {
    for (j = 0; j < i; j++)
      if (same_series(&rd0->points[i], &rd0->points[j], a))
        break;
    series[i] = j < i ? series[j] : nser++;
  }
  for (m = 0; m < n_runs; m++)
    for (s = 0; s < nser; s++) {
      size_t k = 0;

      for (i = 0; i < np; i++)
        if (series[i] == s && runs[m]->points[i].n_calls > 0)
          order[k++] = i;
      sort_along_axis(rd0, a, order, k);
      if (blocks++ > 0)
        fputs("\n\n", o->f);
      if (k == 0) /* an empty block keeps block numbers and titles in step */
        fputs("# no measured call\n", o->f);
      for (i = 0; i < k; i++) {
        const struct mb_rundir_point *p = &runs[m]->points[order[i]];

        uint32_t v = mb_rundir_axis_value(p, a);
        const char *word = mb_axis_value_name(a, v);
        uint32_t x = axis_x(rd0, a, v);
        study_row(o->f, p, x, word ? word : "-");
      }
    }
  snprintf(name, sizeof(name), "study-axis-%s", mb_axis_name(a));
  rc = data_to_script(o, name);
  if (rc)
    goto done;
  axis_script_head(o->f, rd0, a, blocks);
  blocks = 0;
  for (m = 0; m < n_runs; m++)
    for (s = 0; s < nser; s++) {
      for (i = 0; i < np && series[i] != s; i++)
        ;
      series_title(rd0, &rd0->points[i], a, sub, sizeof(sub));
      if (others)
        snprintf(title, sizeof(title), "%s: %s", labels[m], sub);
      else
        snprintf(title, sizeof(title), "%s", labels[m]);
      fprintf(o->f, "ser[%zu] = ", ++blocks);
      gp_str(o->f, title);
      fputc('\n', o->f);
    }
  rc = out_close(o);
done:
  free(order);
  free(series);
  return rc;
}

/* study-axis-machine: machine as the x axis (categories), one block per
 * point, so each line joins one point's values across the machines. */
static int write_study_machines(const struct mb_rundir *const *runs,
                                const char *const *labels, size_t n_runs, struct out *o)
{
  const struct mb_rundir *rd0 = runs[0];
  size_t p, m;
  char title[160];
  int rc = out_open(o, "study-axis-machine.dat");

  if (rc)
    return rc;
  fprintf(o->f, "# mebench plotdata: a study, figures against machine (x: the "
                "machine's index), one block per point.\n# x h_bytes h_bytes_min "
                "h_bytes_max h_raw h_raw_min h_raw_max ns_per_op ns_p01 ns_p99 "
                "bits_per_s bits_per_s_min bits_per_s_max ops_per_s timeouts point "
                "machine\n");
  for (p = 0; p < rd0->n_points; p++) {
    if (p > 0)
      fputs("\n\n", o->f);
    /* The machine's name labels the axis once: every block's label would be
     * drawn again, nudged beside the first. */
    for (m = 0; m < n_runs; m++)
      if (runs[m]->points[p].n_calls > 0)
        study_row(o->f, &runs[m]->points[p], (uint32_t)m, p == 0 ? labels[m] : "\"\"");
  }
  rc = data_to_script(o, "study-axis-machine");
  if (rc)
    return rc;
  gp_set(o->f, "axis", "machine");
  gp_set(o->f, "xlabel", "machine");
  fprintf(o->f,
          "logx = 0\ncategorical = 1\nncat = %zu\nxlo = 0\nxhi = %zu\nnser = %zu\n"
          "array ser[%zu]\n",
          n_runs, n_runs - 1, rd0->n_points, rd0->n_points);
  /* Each machine named once, at its index (axis.gp sets the tics). */
  fputs("xticks = '", o->f);
  for (m = 0; m < n_runs; m++) {
    const char *c;

    fputs(m ? ", \"" : "\"", o->f);
    for (c = labels[m]; *c; c++)
      fputc(*c == '"' || *c == '\'' || *c == '\\' ? '_' : *c, o->f);
    fprintf(o->f, "\" %zu", m);
  }
  fputs("'\n", o->f);
  for (p = 0; p < rd0->n_points; p++) {
    mb_rundir_point_label(rd0, &rd0->points[p], 1, title, sizeof(title));
    fprintf(o->f, "ser[%zu] = ", p + 1);
    gp_str(o->f, title);
    fputc('\n', o->f);
  }
  return out_close(o);
}

int mb_plotdata_study_figures(const struct mb_rundir *const *runs, size_t n_runs,
                              struct mb_figure **out, size_t *n)
{
  static const char *const kinds[3][3] = {
      {"entropy", "entropy.gp", "Assessed min-entropy"},
      {"optime", "optime.gp", "Operation time"},
      {"rate", "rate.gp", "Entropy rate"}};
  struct mb_figure *f = calloc(3 * (MB_AXIS_COUNT + 1), sizeof(*f));
  size_t k = 0, j;
  int a;

  *out = NULL;
  *n = 0;
  if (!f)
    return MB_ENOMEM;
  for (a = 0; a <= MB_AXIS_COUNT; a++) {
    const char *an = a < MB_AXIS_COUNT ? mb_axis_name((enum mb_axis)a) : "machine";

    if (a < MB_AXIS_COUNT && !figure_axis(runs[0], (enum mb_axis)a))
      continue;
    /* Against machine: one line per point, readable for a few points. */
    if (a == MB_AXIS_COUNT && runs[0]->n_points > MB_PLOTDATA_STUDY_MAX_POINTS)
      continue;
    for (j = 0; j < 3; j++, k++) {
      snprintf(f[k].name, sizeof(f[k].name), "study-%s-%s", kinds[j][0], an);
      snprintf(f[k].script, sizeof(f[k].script), "%s", kinds[j][1]);
      snprintf(f[k].vars, sizeof(f[k].vars), "study-axis-%s.gp", an);
      if (a < MB_AXIS_COUNT)
        snprintf(f[k].title, sizeof(f[k].title), "%s against %s, one line per machine",
                 kinds[j][2], an);
      else
        snprintf(f[k].title, sizeof(f[k].title), "%s per machine, one line per point",
                 kinds[j][2]);
    }
  }
  (void)n_runs;
  *out = f;
  *n = k;
  return MB_OK;
}

int mb_plotdata_study_write(const struct mb_rundir *const *runs,
                            const char *const *labels, size_t n_runs,
                            const char *outdir, struct mb_error *err)
{
  struct out o;
  struct mb_figure *figs = NULL;
  size_t nfig = 0, i, m, reps = 0;
  char s[512], list[256];
  int a, rc;

  if (n_runs == 0)
    return mb_error_set(err, MB_EINVALID, outdir, 0, 0, NULL,
                        "a study without machines");
  if (strlen(outdir) >= sizeof(o.path))
    return mb_error_set(err, MB_EUSAGE, outdir, 0, 0, NULL, "path too long");
  rc = mb_fs_mkdirs(outdir, 0777, "the output directory", err);
  if (rc)
    return rc;
  out_init(&o, outdir, err);
  list[0] = '\0';
  for (m = 0; m < n_runs; m++) {
    size_t len = strlen(list);

    snprintf(list + len, sizeof(list) - len, "%s%s", m ? ", " : "", labels[m]);
    if (runs[m]->repetitions > reps)
      reps = runs[m]->repetitions;
  }
  rc = out_open(&o, "common.gp");
  if (rc)
    return out_flush(&o, rc);
  snprintf(s, sizeof(s), "study of %zu machines (%s), %s", n_runs, list,
           runs[0]->exp_name[0] ? runs[0]->exp_name : runs[0]->exp_path);
  gp_set(o.f, "stamp", s);
  gp_set(o.f, "host", list);
  snprintf(s, sizeof(s), "%.10s", runs[0]->started);
  gp_set(o.f, "run_date", s);
  gp_set(o.f, "clock", "each machine's own clock, converted to ns with its tick");
  fprintf(o.f, "tick_ns = NaN\nraw_bits = %u\nsamples = %zu\nrepetitions = %zu\n",
          runs[0]->raw_bits, runs[0]->samples, reps);
  rc = out_close(&o);
  for (a = 0; a < MB_AXIS_COUNT && !rc; a++)
    if (figure_axis(runs[0], (enum mb_axis)a))
      rc = write_study_axis(runs, labels, n_runs, (enum mb_axis)a, &o);
  if (!rc && runs[0]->n_points <= MB_PLOTDATA_STUDY_MAX_POINTS)
    rc = write_study_machines(runs, labels, n_runs, &o);
  if (!rc && mb_plotdata_study_figures(runs, n_runs, &figs, &nfig))
    rc = mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
  if (!rc)
    rc = out_open(&o, "figures.tsv");
  if (!rc) {
    fputs("# script\tname\tvariables\ttitle\n", o.f);
    for (i = 0; i < nfig; i++)
      fprintf(o.f, "%s\t%s\t%s\t%s\n", figs[i].script, figs[i].name, figs[i].vars,
              figs[i].title);
    rc = out_close(&o);
  }
  free(figs);
  return out_flush(&o, rc);
}
