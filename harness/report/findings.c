/* findings.c: variance decomposition, effects and causes of a loaded run. */
#include "findings.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *mb_metric_name(enum mb_metric m)
{
  return m == MB_METRIC_H_BYTES ? "h_bytes"
         : m == MB_METRIC_H_RAW ? "h_raw"
                                : "ns_per_op";
}

const char *mb_metric_unit(enum mb_metric m, char *buf, size_t n, unsigned raw_bits)
{
  if (m == MB_METRIC_H_BYTES)
    snprintf(buf, n, "bits/byte");
  else if (m == MB_METRIC_H_RAW)
    snprintf(buf, n, "bits/%u-bit symbol", raw_bits);
  else
    snprintf(buf, n, "ns");
  return buf;
}

double mb_metric_value(const struct mb_rundir_call *c, enum mb_metric m)
{
  return m == MB_METRIC_H_BYTES ? c->h_bytes
         : m == MB_METRIC_H_RAW ? c->h_raw
                                : c->ns_per_op;
}

/* The derived waited share leads the conditions, unless the run records a
 * condition of that name itself. */
static int own_waited(const struct mb_rundir *rd)
{
  size_t j;

  for (j = 0; j < rd->n_cond; j++)
    if (strcmp(rd->cond_names[j], "waited_share") == 0)
      return 1;
  return 0;
}

size_t mb_findings_n_conditions(const struct mb_rundir *rd)
{
  return rd->n_cond + (own_waited(rd) ? 0 : 1);
}

const char *mb_findings_condition_name(const struct mb_rundir *rd, size_t k)
{
  if (!own_waited(rd)) {
    if (k == 0)
      return "waited_share";
    k--;
  }
  return k < rd->n_cond ? rd->cond_names[k] : "?";
}

double mb_findings_condition(const struct mb_rundir *rd, const struct mb_rundir_call *c,
                             size_t k)
{
  if (!own_waited(rd)) {
    if (k == 0)
      return c->waited_share;
    k--;
  }
  return k < rd->n_cond && c->condv ? c->condv[k] : NAN;
}

size_t mb_findings_round(const struct mb_rundir *rd, const struct mb_rundir_call *c)
{
  if (strcmp(rd->order, "shuffled") == 0 && rd->n_points > 0)
    return c->sequence / rd->n_points;
  return c->repetition;
}

int mb_effect_clear(const struct mb_effect *e)
{
  return !isnan(e->iv.lo) && (e->iv.lo > 0 || e->iv.hi < 0);
}

/* Index of v among the axis's values. */
static size_t level_of(const struct mb_rundir *rd, enum mb_axis a, uint32_t v)
{
  size_t i;

  for (i = 0; i < rd->axes[a].n; i++)
    if (rd->axes[a].values[i] == v)
      return i;
  return 0;
}

struct design {
  size_t n, *rows; /* calls used */
  size_t *fac[MB_AXIS_COUNT + 2];
  double **cov; /* per condition, NULL when not used */
  double *y;
};

static void design_free(struct design *d, size_t ncond)
{
  size_t k;

  free(d->rows);
  for (k = 0; k < MB_AXIS_COUNT + 2; k++)
    free(d->fac[k]);
  if (d->cov)
    for (k = 0; k < ncond; k++)
      free(d->cov[k]);
  free(d->cov);
  free(d->y);
  memset(d, 0, sizeof(*d));
}

static int decompose(const struct mb_rundir *rd, enum mb_metric m,
                     struct mb_metric_findings *mf, struct mb_error *err)
{
  size_t ncond = mb_findings_n_conditions(rd), i, k, nt = 0, nswept = 0, reps = 0;
  size_t *pointmap = NULL, npoints = 0;
  struct design d;
  struct mb_varpart_term *terms = NULL;
  struct mb_varpart_result res;
  size_t cond_term0 = 0;
  int a, rc = MB_OK;

  memset(&d, 0, sizeof(d));
  memset(&res, 0, sizeof(res));
  mf->metric = m;
  mf->main_cond = -1;
  mf->noise_var = mf->noise_share = mf->noise_share_resid = NAN;
  d.rows = malloc((rd->n_calls + 1) * sizeof(size_t));
  d.y = malloc((rd->n_calls + 1) * sizeof(double));
  d.cov = calloc(ncond + 1, sizeof(*d.cov));
  pointmap = malloc((rd->n_points + 1) * sizeof(size_t));
  terms = calloc(MB_AXIS_COUNT + 2 + ncond + 1, sizeof(*terms));
  if (!d.rows || !d.y || !d.cov || !pointmap || !terms)
    goto nomem;
  for (i = 0; i < rd->n_calls; i++) {
    double v = mb_metric_value(&rd->calls[i], m);

    if (isfinite(v)) {
      d.rows[d.n] = i;
      d.y[d.n++] = v;
    }
  }
  mf->n = d.n;
  if (d.n < 3) {
    rc = MB_OK;
    goto done;
  }
  /* the swept axes, in axis order */
  for (a = 0; a < MB_AXIS_COUNT; a++) {
    if (!mb_rundir_swept(rd, (enum mb_axis)a))
      continue;
    d.fac[nt] = malloc(d.n * sizeof(size_t));
    if (!d.fac[nt])
      goto nomem;
    for (i = 0; i < d.n; i++)
      d.fac[nt][i] =
          level_of(rd, (enum mb_axis)a,
                   mb_rundir_axis_value(&rd->points[rd->calls[d.rows[i]].point],
                                        (enum mb_axis)a));
    terms[nt].kind = MB_VARPART_FACTOR;
    terms[nt].level = d.fac[nt];
    terms[nt].n_levels = rd->axes[a].n;
    mf->terms[nt].group = MB_TERM_AXIS;
    snprintf(mf->terms[nt].name, sizeof(mf->terms[nt].name), "%s",
             mb_axis_name((enum mb_axis)a));
    nt++;
    nswept++;
  }
  /* the points themselves after the axes: what the axes explain together
   * beyond their separate (additive) effects */
  if (nswept >= 2) {
    for (i = 0; i < rd->n_points; i++)
      pointmap[i] = SIZE_MAX;
    d.fac[nt] = malloc(d.n * sizeof(size_t));
    if (!d.fac[nt])
      goto nomem;
    for (i = 0; i < d.n; i++) {
      size_t p = rd->calls[d.rows[i]].point;

      if (pointmap[p] == SIZE_MAX)
        pointmap[p] = npoints++;
      d.fac[nt][i] = pointmap[p];
    }
    terms[nt].kind = MB_VARPART_FACTOR;
    terms[nt].level = d.fac[nt];
    terms[nt].n_levels = npoints;
    mf->terms[nt].group = MB_TERM_INTERACTIONS;
    snprintf(mf->terms[nt].name, sizeof(mf->terms[nt].name), "axes together");
    nt++;
  }
  /* the round (mb_findings_round) */
  for (i = 0; i < d.n; i++)
    if (mb_findings_round(rd, &rd->calls[d.rows[i]]) + 1 > reps)
      reps = mb_findings_round(rd, &rd->calls[d.rows[i]]) + 1;
  /* With one call per round (a single point) the round would be the call
   * itself: it would take all the variance and leave nothing to the
   * conditions or the residual. Then it is left out, and said so. */
  mf->round_left_out = reps >= 2 && reps >= d.n;
  if (reps >= 2 && reps < d.n) {
    d.fac[nt] = malloc(d.n * sizeof(size_t));
    if (!d.fac[nt])
      goto nomem;
    for (i = 0; i < d.n; i++)
      d.fac[nt][i] = mb_findings_round(rd, &rd->calls[d.rows[i]]);
    terms[nt].kind = MB_VARPART_FACTOR;
    terms[nt].level = d.fac[nt];
    terms[nt].n_levels = reps;
    mf->terms[nt].group = MB_TERM_ROUND;
    snprintf(mf->terms[nt].name, sizeof(mf->terms[nt].name), "round");
    nt++;
  }
  /* the conditions that every used call has */
  cond_term0 = nt;
  for (k = 0; k < ncond; k++) {
    size_t missing = 0, have = 0;
    double first = NAN;
    int varies = 0;

    for (i = 0; i < d.n; i++) {
      double v = mb_findings_condition(rd, &rd->calls[d.rows[i]], k);

      missing += isfinite(v) ? 0u : 1u;
      have += isfinite(v) ? 1u : 0u;
      if (isfinite(v) && isnan(first))
        first = v;
      else if (isfinite(v) && v != first)
        varies = 1;
    }
    /* absent, or the same in every call: it cannot explain anything */
    if (have == 0 || !varies)
      continue;
    if (missing) {
      size_t len = strlen(mf->left_out);

      if (len + 1 < sizeof(mf->left_out))
        snprintf(mf->left_out + len, sizeof(mf->left_out) - len, "%s`%s` (%zu of %zu)",
                 len ? ", " : "", mb_findings_condition_name(rd, k), have, d.n);
      mf->cond_left_out++;
      continue;
    }
    d.cov[k] = malloc(d.n * sizeof(double));
    if (!d.cov[k])
      goto nomem;
    for (i = 0; i < d.n; i++)
      d.cov[k][i] = mb_findings_condition(rd, &rd->calls[d.rows[i]], k);
    terms[nt].kind = MB_VARPART_COVARIATE;
    terms[nt].x = d.cov[k];
    mf->terms[nt].group = MB_TERM_CONDITION;
    snprintf(mf->terms[nt].name, sizeof(mf->terms[nt].name), "%s",
             mb_findings_condition_name(rd, k));
    nt++;
  }
  rc = mb_varpart_sequential(d.y, d.n, terms, nt, &res, err);
  if (rc)
    goto done;
  mf->ok = 1;
  mf->n_terms = nt;
  mf->total_var = res.total_ss / (double)(d.n - 1);
  for (k = 0; k < nt; k++) {
    mf->terms[k].seq = res.terms[k];
    mf->terms[k].alone_share = NAN;
    if (mf->terms[k].group == MB_TERM_CONDITION) {
      mf->share_cond += res.terms[k].share;
      mf->n_cond_terms++;
    } else if (mf->terms[k].group == MB_TERM_ROUND)
      mf->share_round += res.terms[k].share;
    else
      mf->share_axes += res.terms[k].share;
  }
  mf->residual = res.residual;
  mb_varpart_result_cleanup(&res);
  /* each condition alone after the axes and the round: which one matters
   * does not then depend on the order of the conditions */
  for (k = cond_term0; k < nt; k++) {
    struct mb_varpart_term saved = terms[cond_term0];

    terms[cond_term0] = terms[k];
    rc = mb_varpart_sequential(d.y, d.n, terms, cond_term0 + 1, &res, err);
    terms[cond_term0] = saved;
    if (rc)
      goto done;
    mf->terms[k].alone_share = res.terms[cond_term0].share;
    if (!isnan(mf->terms[k].alone_share) &&
        (mf->main_cond < 0 ||
         mf->terms[k].alone_share > mf->terms[mf->main_cond].alone_share))
      mf->main_cond = (int)k;
    mb_varpart_result_cleanup(&res);
  }
  /* the estimator's own noise: the halves differ by sampling (and by any
   * change within the call); with a variance that falls as 1/n, a whole
   * call's estimate varies by a quarter of the mean squared difference */
  if (m == MB_METRIC_H_BYTES) {
    double s = 0;
    size_t nn = 0;

    for (i = 0; i < d.n; i++) {
      const struct mb_rundir_call *c = &rd->calls[d.rows[i]];

      if (isfinite(c->h_half[0]) && isfinite(c->h_half[1])) {
        s += (c->h_half[0] - c->h_half[1]) * (c->h_half[0] - c->h_half[1]);
        nn++;
      }
    }
    mf->noise_n = nn;
    if (nn > 0) {
      mf->noise_var = s / (double)nn / 4;
      mf->noise_share = mf->total_var > 0 ? mf->noise_var / mf->total_var : NAN;
      mf->noise_share_resid =
          mf->residual.df > 0 && mf->residual.ss > 0
              ? mf->noise_var / (mf->residual.ss / (double)mf->residual.df)
              : NAN;
    }
  }
  goto done;
nomem:
  rc = mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
done:
  mb_varpart_result_cleanup(&res);
  design_free(&d, ncond);
  free(pointmap);
  free(terms);
  return rc;
}

/* Whether points p and q agree on every axis but a. */
static int same_but(const struct mb_rundir_point *p, const struct mb_rundir_point *q,
                    enum mb_axis a)
{
  int b;

  for (b = 0; b < MB_AXIS_COUNT; b++)
    if (b != (int)a && mb_rundir_axis_value(p, (enum mb_axis)b) !=
                           mb_rundir_axis_value(q, (enum mb_axis)b))
      return 0;
  return 1;
}

/* For each swept axis and each level but the first: per round, the mean
 * over the other axes' settings of (metric at the level - metric at the
 * reference level), both measured in that round; then the t-interval of
 * those per-round differences. */
static int effects(const struct mb_rundir *rd, struct mb_findings *f,
                   struct mb_error *err)
{
  size_t reps = 0, i, p, q, r, cap = 0, *cnt = NULL;
  double *grid = NULL, *d = NULL;
  int a, m, rc = MB_OK;

  for (i = 0; i < rd->n_calls; i++)
    if (mb_findings_round(rd, &rd->calls[i]) + 1 > reps)
      reps = mb_findings_round(rd, &rd->calls[i]) + 1;
  if (reps < 2)
    return MB_OK;
  grid = malloc(rd->n_points * reps * sizeof(*grid) + 1);
  cnt = malloc(rd->n_points * reps * sizeof(*cnt) + 1);
  d = malloc(reps * sizeof(*d));
  if (!grid || !cnt || !d)
    goto nomem;
  for (m = 0; m < MB_METRIC_COUNT; m++) {
    /* the mean of a point's calls in a round (a shuffled round can hold a
     * point twice, or not at all) */
    for (i = 0; i < rd->n_points * reps; i++) {
      grid[i] = 0;
      cnt[i] = 0;
    }
    for (i = 0; i < rd->n_calls; i++) {
      size_t g = rd->calls[i].point * reps + mb_findings_round(rd, &rd->calls[i]);
      double v = mb_metric_value(&rd->calls[i], (enum mb_metric)m);

      if (isfinite(v)) {
        grid[g] += v;
        cnt[g]++;
      }
    }
    for (i = 0; i < rd->n_points * reps; i++)
      grid[i] = cnt[i] ? grid[i] / (double)cnt[i] : NAN;
    for (a = 0; a < MB_AXIS_COUNT; a++) {
      size_t l;

      if (!mb_rundir_swept(rd, (enum mb_axis)a))
        continue;
      for (l = 1; l < rd->axes[a].n; l++) {
        uint32_t ref = rd->axes[a].values[0], lev = rd->axes[a].values[l];
        size_t nd = 0;
        struct mb_effect *e;

        for (r = 0; r < reps; r++) {
          double s = 0;
          size_t k = 0;

          for (p = 0; p < rd->n_points; p++) {
            if (mb_rundir_axis_value(&rd->points[p], (enum mb_axis)a) != lev ||
                !isfinite(grid[p * reps + r]))
              continue;
            for (q = 0; q < rd->n_points; q++)
              if (mb_rundir_axis_value(&rd->points[q], (enum mb_axis)a) == ref &&
                  same_but(&rd->points[p], &rd->points[q], (enum mb_axis)a) &&
                  isfinite(grid[q * reps + r])) {
                s += grid[p * reps + r] - grid[q * reps + r];
                k++;
              }
          }
          if (k)
            d[nd++] = s / (double)k;
        }
        if (nd == 0)
          continue;
        if (f->n_effects == cap) {
          size_t c = cap ? 2 * cap : 16;
          struct mb_effect *ne = realloc(f->effects, c * sizeof(*ne));

          if (!ne)
            goto nomem;
          f->effects = ne;
          cap = c;
        }
        e = &f->effects[f->n_effects++];
        e->metric = (enum mb_metric)m;
        e->axis = (enum mb_axis)a;
        e->level = lev;
        e->reference = ref;
        e->iv = mb_varpart_t_interval(d, nd, MB_FINDINGS_CONF);
      }
    }
  }
  goto done;
nomem:
  rc = mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
done:
  free(grid);
  free(cnt);
  free(d);
  return rc;
}

int mb_findings_compute(const struct mb_rundir *rd, struct mb_findings *f,
                        struct mb_error *err)
{
  int m, rc = MB_OK;

  memset(f, 0, sizeof(*f));
  f->blocked =
      strcmp(rd->order, "interleaved") == 0 || strcmp(rd->order, "shuffled") == 0;
  for (m = 0; m < MB_METRIC_COUNT && !rc; m++)
    rc = decompose(rd, (enum mb_metric)m, &f->m[m], err);
  if (!rc)
    rc = effects(rd, f, err);
  if (rc)
    mb_findings_cleanup(f);
  return rc;
}

void mb_findings_cleanup(struct mb_findings *f)
{
  if (!f)
    return;
  free(f->effects);
  memset(f, 0, sizeof(*f));
}

int mb_findings_point_cause(const struct mb_rundir *rd, size_t p, enum mb_metric m,
                            char *name, size_t n, double *r, size_t *ncalls)
{
  size_t ncond = mb_findings_n_conditions(rd), k, i, cnt;
  double *x = malloc((rd->n_calls + 1) * sizeof(double));
  double *y = malloc((rd->n_calls + 1) * sizeof(double));
  double best = 0;
  int found = 0;

  /* (a synthesized run may carry point aggregates without calls) */
  if (!x || !y || !rd->calls) {
    free(x);
    free(y);
    return 0;
  }
  for (k = 0; k < ncond; k++) {
    double c;

    cnt = 0;
    for (i = 0; i < rd->n_calls; i++) {
      const struct mb_rundir_call *call = &rd->calls[i];
      double xv = mb_findings_condition(rd, call, k), yv = mb_metric_value(call, m);

      if (call->point != p || !isfinite(xv) || !isfinite(yv))
        continue;
      x[cnt] = xv;
      y[cnt++] = yv;
    }
    if (cnt < MB_FINDINGS_CAUSE_N)
      continue;
    c = mb_varpart_correlation(x, y, cnt);
    if (!isnan(c) && fabs(c) >= MB_FINDINGS_CAUSE_R && fabs(c) > fabs(best)) {
      best = c;
      snprintf(name, n, "%s", mb_findings_condition_name(rd, k));
      *ncalls = cnt;
      found = 1;
    }
  }
  *r = best;
  free(x);
  free(y);
  return found;
}
