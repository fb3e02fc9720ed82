/* runner.c: the sweep, call by call, recorded without loss (runner.h). */
#include "plural.h"
#include "runner.h"
#include "pointtests.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "estimators.h"
#include "jsonpath.h"
#include "rawfile.h"
#include "results.h"
#include "source.h"
#include "stats.h"
#include "sysinfo.h"

/* Everything one run holds. Its size is set by one call's data (the
 * collection, the statistics scratch, the symbol buffer) plus the summaries
 * in run.json, never by the raw data of earlier calls. */
struct run {
  const struct mb_experiment *exp;
  const struct mb_runner_options *opt;
  struct mb_collector *col;
  struct mb_clock clk;
  struct mb_sysinfo si;
  struct mb_buildinfo bi;
  struct mb_collection coll;
  struct mb_stats_scratch scratch;
  uint8_t *symbols;
  size_t cap_symbols;
  struct mb_call_summary sum; /* large: kept here, not on the stack */

  json_t *doc;         /* run.json */
  char *dir;           /* the run directory */
  unsigned char *done; /* per point * repetitions + repetition: recorded */
  size_t n_done;       /* calls recorded, all sessions */
  size_t n_session;    /* calls measured in this session */
  size_t n_unsaved;    /* calls in doc only: their journal line failed and
                          run.json has not been written since */
  size_t n_todo;       /* calls still to measure when this session began */

  double t_begin; /* monotonic seconds at the session's start */
  double warmup_s, collect_s, analyse_s, write_s; /* this session */
  double prior[5]; /* durations recorded by earlier sessions */
  int tty;
  int bar_shown;
  int lock;    /* descriptor holding the run directory's lock, or -1 */
  int journal; /* the call journal (results.h), or -1 */
  double last_save,
      save_cost; /* when run.json was last written, and how long it took */
  int cut;       /* a call was ended by an interrupt and discarded */
};

/* run.json is rewritten at most every SAVE_EVERY_S seconds and never more
 * often than keeps its writing under 1/SAVE_SHARE of the run's time: it
 * grows with the calls, so writing it after every call makes a long run
 * quadratic (a 180-call run spent 30 % of its time there). The journal
 * holds each call the moment it is measured. */
#define SAVE_EVERY_S 2.0
#define SAVE_SHARE 20.0

enum { D_TOTAL, D_WARMUP, D_COLLECT, D_ANALYSE, D_WRITE };
static const char *const duration_keys[] = {"total_s", "warmup_s", "collect_s",
                                            "analyse_s", "write_s"};

static double now_s(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int nomem(struct mb_error *err)
{
  return mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
}

/* ---- run.json's fixed parts ---------------------------------------------- */

static json_t *experiment_json(const struct mb_experiment *exp)
{
  json_t *content = json_loadb(exp->text, exp->text_len, 0, NULL);
  json_t *keys = json_array();
  unsigned mask = exp->estimators ? exp->estimators : MB_EST_ALL;
  int i;

  for (i = 0; i < MB_EST_COUNT && keys; i++)
    if (mask & (1u << i))
      json_array_append_new(keys, json_string(mb_estimator_key((enum mb_estimator)i)));
  json_t *o = json_pack(
      "{s:s,s:s,s:s%,s:o,s:I,s:I,s:I,s:s,s:I,s:i,s:o,s:b,s:f}", "path", "", "sha256",
      exp->sha256, "text", exp->text, exp->text_len, "content",
      content ? content : json_stringn(exp->text, exp->text_len), "samples",
      (json_int_t)exp->samples, "repetitions", (json_int_t)exp->repetitions, "warmup",
      (json_int_t)exp->warmup, "order", mb_order_name(exp->order), "seed",
      (json_int_t)exp->seed, "raw_bits", (int)exp->raw_bits, "estimators", keys,
      "bitstring", exp->bitstring ? 1 : 0, "inject_constant", exp->inject_constant);

  /* The file's path is any bytes; JSON holds UTF-8 (jsonpath.h). */
  if (o && mb_json_set_path(o, "path", exp->path) != 0) {
    json_decref(o);
    return NULL;
  }
  return o;
}

static json_t *points_json(const struct mb_experiment *exp)
{
  json_t *arr = json_array();
  size_t i;

  for (i = 0; arr && i < exp->n_points; i++) {
    const struct mb_config *p = &exp->points[i];

    if (json_array_append_new(
            arr, json_pack("{s:I,s:I,s:I,s:s,s:s,s:s}", "index", (json_int_t)i,
                           "num_ports", (json_int_t)p->num_ports, "ool_size",
                           (json_int_t)p->ool_size, "mode", mb_mode_name(p->mode),
                           "variant", mb_variant_name(p->variant), "placement",
                           mb_placement_name(p->placement))) != 0) {
      json_decref(arr);
      return NULL;
    }
  }
  return arr;
}

/* run.json's "shard": which slice of the whole plan this run holds, so
 * `mebench merge` knows shards that belong together (results/README.md). */
static json_t *shard_json(const struct mb_experiment *exp)
{
  return json_pack(
      "{s:I,s:I,s:s,s:I,s:I}", "index", (json_int_t)exp->shard.index, "count",
      (json_int_t)exp->shard.count, "rule", "repetition mod count == index - 1",
      "calls", (json_int_t)exp->n_shard_calls, "plan_calls", (json_int_t)exp->n_calls);
}

static json_t *new_doc(struct run *r, time_t started, json_error_t *jerr)
{
  const struct mb_source_info *info = mb_collector_info(r->col);
  char when[32], abs_replay[PATH_MAX];
  const char *replay = r->exp->replay;
  json_t *doc;

  /* Absolute, so that --resume finds the recording from any directory. */
  if (replay && realpath(replay, abs_replay))
    replay = abs_replay;
  mb_results_iso_time(started, when);
  doc = json_pack_ex(
      jerr, 0,
      "{s:s,s:s,s:o,s:o,"
      "s:{s:s,s:I,s:I,s:f,s:f},s:{s:s,s:s,s:s,s:s?},s:o,s:s,s:s,s:[],s:o,s:[]}",
      "schema", MB_RESULTS_SCHEMA, "status", "running", "mebench",
      mb_buildinfo_json(&r->bi), "machine", mb_sysinfo_json(&r->si), "clock", "name",
      r->clk.name ? r->clk.name : "", "tick_num", (json_int_t)r->clk.tick_num,
      "tick_den", (json_int_t)r->clk.tick_den, "read_cost_ns",
      isfinite(r->clk.read_cost_ns) ? r->clk.read_cost_ns : 0.0, "resolution_ns",
      isfinite(r->clk.resolution_ns) ? r->clk.resolution_ns : 0.0, "source", "name",
      info->name, "platform", info->platform, "description", info->description,
      "replay", NULL, "experiment", experiment_json(r->exp), "started", when,
      "finished", when, "sessions", "points", points_json(r->exp), "calls");
  if (doc && replay &&
      mb_json_set_path(json_object_get(doc, "source"), "replay", replay) != 0) {
    json_decref(doc);
    snprintf(jerr->text, sizeof(jerr->text), "out of memory");
    return NULL;
  }
  if (doc && r->opt->machine_label &&
      json_object_set_new(json_object_get(doc, "machine"), "label",
                          json_string(r->opt->machine_label)) != 0) {
    json_decref(doc);
    snprintf(jerr->text, sizeof(jerr->text), "out of memory");
    return NULL;
  }
  if (doc && r->exp->shard.count > 0 &&
      json_object_set_new(doc, "shard", shard_json(r->exp)) != 0) {
    json_decref(doc);
    snprintf(jerr->text, sizeof(jerr->text), "out of memory");
    return NULL;
  }
  return doc;
}

/* ---- resume --------------------------------------------------------------- */

static const char *str_at(const json_t *doc, const char *obj, const char *key)
{
  const char *s = json_string_value(json_object_get(json_object_get(doc, obj), key));

  return s ? s : "";
}

/* Refuse to mix measurements: the experiment file, the build and the
 * machine must be the ones the run began with. */
static int check_resumable(struct run *r, struct mb_error *err)
{
  const json_t *doc = r->doc;
  char path[4200];
  struct {
    const char *what, *obj, *key, *now;
  } same[] = {
      {"experiment file (sha256)", "experiment", "sha256", r->exp->sha256},
      {"mebench version", "mebench", "version", r->bi.version},
      {"mebench build (git commit)", "mebench", "git_commit", r->bi.git_commit},
      {"machine (hostname)", "machine", "hostname", r->si.hostname},
      {"machine (CPU model)", "machine", "cpu_model", r->si.cpu_model},
      {"machine (kernel)", "machine", "kernel", r->si.kernel},
  };
  size_t i;

  snprintf(path, sizeof(path), "%s/run.json", r->dir);
  for (i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
    const char *then = str_at(doc, same[i].obj, same[i].key);

    if (strcmp(then, same[i].now) != 0)
      return mb_error_set(
          err, MB_EMISMATCH, path, 0, 0, NULL,
          "cannot resume: the %s differs: the run has \"%s\", this is \"%s\"",
          same[i].what, then, same[i].now);
  }
  {
    const json_t *sh = json_object_get(doc, "shard");
    size_t k = (size_t)json_integer_value(json_object_get(sh, "index"));
    size_t n = (size_t)json_integer_value(json_object_get(sh, "count"));

    if (k != r->exp->shard.index || n != r->exp->shard.count)
      return mb_error_set(err, MB_EMISMATCH, path, 0, 0, NULL,
                          "cannot resume: the run holds %s%zu/%zu, this is %s%zu/%zu",
                          n ? "shard " : "the whole plan", k, n,
                          r->exp->shard.count ? "shard " : "the whole plan",
                          r->exp->shard.index, r->exp->shard.count);
  }
  if (json_array_size(json_object_get(doc, "points")) != r->exp->n_points)
    return mb_error_set(err, MB_EMISMATCH, path, 0, 0, NULL,
                        "cannot resume: the run has %zu points, the experiment %zu",
                        json_array_size(json_object_get(doc, "points")),
                        r->exp->n_points);
  return MB_OK;
}

/* Whether the raw file of a recorded call is there and whole (its CRC
 * verified, and it holds the call run.json says). Returns MB_OK when it is,
 * MB_EINVALID with why in *why when it is missing or damaged, MB_ENOMEM. */
static int verify_raw(struct run *r, const json_t *c, char *why, size_t n)
{
  const char *name = json_string_value(json_object_get(c, "raw_file"));
  struct mb_raw_meta meta;
  struct mb_error e;
  char path[4200];
  int rc;

  if (!name || !*name) {
    snprintf(why, n, "names no raw file");
    return MB_EINVALID;
  }
  snprintf(path, sizeof(path), "%s/%s", r->dir, name);
  if (access(path, F_OK) != 0) {
    snprintf(why, n, "its raw file %s is missing", name);
    return MB_EINVALID;
  }
  mb_error_init(&e);
  rc = mb_rawfile_read(path, &meta, &r->coll, &e);
  if (rc == MB_ENOMEM)
    return rc;
  if (rc != MB_OK) {
    snprintf(why, n, "its raw file %s is damaged (%.300s)", name, e.text);
    return MB_EINVALID;
  }
  if ((json_int_t)meta.point != json_integer_value(json_object_get(c, "point")) ||
      (json_int_t)meta.repetition !=
          json_integer_value(json_object_get(c, "repetition")) ||
      (json_int_t)r->coll.n_timings !=
          json_integer_value(json_object_get(c, "timings"))) {
    snprintf(why, n, "its raw file %s holds another call (point %zu repetition %zu)",
             name, meta.point, meta.repetition);
    return MB_EINVALID;
  }
  return MB_OK;
}

/* A recorded call whose raw file is missing or damaged is measured again:
 * its summary moves from calls to discarded_calls (with the reason), a
 * damaged file is kept beside as NAME.damaged-N, never deleted. */
static int discard_call(struct run *r, size_t i, const char *why, struct mb_error *err)
{
  json_t *calls = json_object_get(r->doc, "calls");
  json_t *c = json_incref(json_array_get(calls, i));
  json_t *gone = json_object_get(r->doc, "discarded_calls");
  const char *name = json_string_value(json_object_get(c, "raw_file"));
  char path[4200], aside[4300];
  unsigned k;

  if (name && *name) {
    snprintf(path, sizeof(path), "%s/%s", r->dir, name);
    if (access(path, F_OK) == 0) {
      for (k = 1; k < 1000; k++) {
        snprintf(aside, sizeof(aside), "%s.damaged-%u", path, k);
        if (access(aside, F_OK) != 0)
          break;
      }
      if (rename(path, aside) != 0) {
        json_decref(c);
        return mb_error_errno(err, errno, path, "cannot set aside a damaged raw file");
      }
    }
  }
  if (!json_is_array(gone)) {
    gone = json_array();
    if (!gone || json_object_set_new(r->doc, "discarded_calls", gone) != 0) {
      json_decref(c);
      return nomem(err);
    }
  }
  if (json_object_set_new(c, "discarded", json_string(why)) != 0 ||
      json_array_append(gone, c) != 0 || json_array_remove(calls, i) != 0) {
    json_decref(c);
    return nomem(err);
  }
  if (r->opt->progress)
    fprintf(r->opt->progress,
            "mebench: point %lld repetition %lld: %s; it is measured again\n",
            (long long)json_integer_value(json_object_get(c, "point")),
            (long long)json_integer_value(json_object_get(c, "repetition")), why);
  json_decref(c);
  return MB_OK;
}

static int mark_recorded(struct run *r, struct mb_error *err)
{
  const json_t *calls = json_object_get(r->doc, "calls");
  const json_t *dur = json_object_get(r->doc, "durations");
  char path[4200], why[600];
  size_t i;
  int rc;

  snprintf(path, sizeof(path), "%s/run.json", r->dir);
  /* The raw files first (presence, CRC): a call whose raw data is lost is
   * not recorded, whatever run.json says. */
  for (i = 0; i < json_array_size(calls);) {
    rc = verify_raw(r, json_array_get(calls, i), why, sizeof(why));
    if (rc == MB_ENOMEM)
      return nomem(err);
    if (rc == MB_OK) {
      i++;
      continue;
    }
    rc = discard_call(r, i, why, err);
    if (rc)
      return rc;
  }
  for (i = 0; i < json_array_size(calls); i++) {
    const json_t *c = json_array_get(calls, i);
    json_int_t p = json_integer_value(json_object_get(c, "point"));
    json_int_t rep = json_integer_value(json_object_get(c, "repetition"));
    size_t k;

    if (p < 0 || (size_t)p >= r->exp->n_points || rep < 0 ||
        (size_t)rep >= r->exp->repetitions)
      return mb_error_set(
          err, MB_EINVALID, path, 0, 0, NULL,
          "calls[%zu]: point %lld repetition %lld is not in the experiment", i,
          (long long)p, (long long)rep);
    k = (size_t)p * r->exp->repetitions + (size_t)rep;
    {
      struct mb_call call = {(size_t)p, (size_t)rep};

      if (!mb_experiment_in_shard(r->exp, &call))
        return mb_error_set(err, MB_EINVALID, path, 0, 0, NULL,
                            "calls[%zu]: point %lld repetition %lld is not in shard "
                            "%zu/%zu",
                            i, (long long)p, (long long)rep, r->exp->shard.index,
                            r->exp->shard.count);
    }
    if (r->done[k])
      return mb_error_set(err, MB_EINVALID, path, 0, 0, NULL,
                          "calls[%zu]: point %lld repetition %lld is recorded twice", i,
                          (long long)p, (long long)rep);
    r->done[k] = 1;
    r->n_done++;
  }
  for (i = 0; i < 5; i++) {
    const json_t *v = json_object_get(dur, duration_keys[i]);

    r->prior[i] = json_is_number(v) ? json_number_value(v) : 0.0;
  }
  return MB_OK;
}

/* A raw file without its summary (the process died between the two) is
 * not part of the run: move it aside so the call can be measured again,
 * never deleting data. */
static int set_aside(struct run *r, const char *raw_name, struct mb_error *err)
{
  char path[4200], aside[4300];
  unsigned k;

  snprintf(path, sizeof(path), "%s/%s", r->dir, raw_name);
  if (access(path, F_OK) != 0)
    return MB_OK;
  for (k = 1; k < 1000; k++) {
    snprintf(aside, sizeof(aside), "%s.orphan-%u", path, k);
    if (access(aside, F_OK) != 0)
      break;
  }
  if (rename(path, aside) != 0)
    return mb_error_errno(err, errno, path, "cannot set aside unrecorded raw file");
  if (r->opt->progress)
    fprintf(r->opt->progress,
            "mebench: %s had no summary in run.json or its journal; kept as %s\n", path,
            aside);
  return MB_OK;
}

/* ---- progress -------------------------------------------------------------- */

static void fmt_duration(double s, char *out, size_t n)
{
  long t = (long)(s + 0.5);

  if (!isfinite(s) || s < 0)
    snprintf(out, n, "?");
  else if (t >= 3600)
    snprintf(out, n, "%ldh%02ldm", t / 3600, (t / 60) % 60);
  else if (t >= 60)
    snprintf(out, n, "%ldm%02lds", t / 60, t % 60);
  else
    snprintf(out, n, "%lds", t);
}

static double eta_s(const struct run *r)
{
  double elapsed = now_s() - r->t_begin - r->warmup_s;

  if (r->n_session == 0)
    return NAN;
  return elapsed / (double)r->n_session * (double)(r->n_todo - r->n_session);
}

static void show_bar(struct run *r, size_t point)
{
  FILE *out = r->opt->progress;
  const struct mb_config *p = &r->exp->points[point];
  size_t total = r->exp->n_shard_calls, width = 24,
         filled = total ? r->n_done * width / total : 0;
  char bar[32], eta[32];
  size_t i;

  if (!out || !r->tty)
    return;
  for (i = 0; i < width; i++)
    bar[i] = i < filled ? '#' : '-';
  bar[width] = '\0';
  fmt_duration(eta_s(r), eta, sizeof(eta));
  fprintf(out,
          "\r\033[K[%s] %zu/%zu calls  point %zu of %zu (p%zu: num_ports %" PRIu32
          ", ool_size %" PRIu32 ", %s, %s, %s)  ETA %s",
          bar, r->n_done, total, point + 1, r->exp->n_points, point, p->num_ports,
          p->ool_size, mb_mode_name(p->mode), mb_variant_name(p->variant),
          mb_placement_name(p->placement), eta);
  fflush(out);
  r->bar_shown = 1;
}

static void end_bar(struct run *r)
{
  if (r->bar_shown && r->opt->progress) {
    fprintf(r->opt->progress, "\r\033[K");
    fflush(r->opt->progress);
  }
  r->bar_shown = 0;
}

static void show_line(struct run *r, const struct mb_call_summary *s)
{
  FILE *out = r->opt->progress;
  char eta[32];

  if (!out || r->tty)
    return;
  fmt_duration(eta_s(r), eta, sizeof(eta));
  fprintf(out,
          "mebench: call %zu/%zu  point %zu rep %zu  h_bytes %.3f  h_raw %.3f  "
          "%.1f ns/op  %zu timeouts  %zu failures%s  %.2f s  ETA %s\n",
          r->n_done, r->exp->n_shard_calls, s->point, s->repetition,
          s->entropy_bytes.h_assessed, s->entropy_raw.h_assessed,
          (double)s->raw_stats.p50 * s->ns_per_tick, s->timeouts, s->failures,
          s->aborted ? "  ENDED BY THE WATCHDOG" : "", s->wall_s, eta);
  fflush(out);
}

static double num(const json_t *obj, const char *a, const char *b, const char *c)
{
  const json_t *v = json_object_get(obj, a);

  if (b)
    v = json_object_get(v, b);
  if (c)
    v = json_object_get(v, c);
  return json_is_number(v) ? json_number_value(v) : NAN;
}

/* The closing table: per point, medians over its recorded repetitions. */
static void print_table(struct run *r)
{
  FILE *out = r->opt->progress;
  const json_t *calls = json_object_get(r->doc, "calls");
  size_t n = json_array_size(calls), p, i;
  double *hb, *hr, *ns;

  if (!out || n == 0)
    return;
  hb = calloc(n, sizeof(*hb));
  hr = calloc(n, sizeof(*hr));
  ns = calloc(n, sizeof(*ns));
  if (hb && hr && ns) {
    fprintf(out, "%5s %9s %8s %-7s %-12s %-9s %5s %8s %8s %11s %8s %8s %7s\n", "point",
            "num_ports", "ool_size", "mode", "variant", "placement", "calls", "h_bytes",
            "h_raw", "ns/op", "timeouts", "failures", "aborted");
    for (p = 0; p < r->exp->n_points; p++) {
      const struct mb_config *cfg = &r->exp->points[p];
      size_t m = 0;
      double timeouts = 0, failures = 0, aborted = 0;

      for (i = 0; i < n; i++) {
        const json_t *c = json_array_get(calls, i);

        if ((size_t)json_integer_value(json_object_get(c, "point")) != p)
          continue;
        hb[m] = num(c, "entropy", "bytes", "h_assessed");
        hr[m] = num(c, "entropy", "raw", "h_assessed");
        ns[m] = num(c, "ns_per_op", NULL, NULL);
        timeouts += num(c, "timeouts", NULL, NULL);
        failures += num(c, "failures", NULL, NULL);
        if (isfinite(num(c, "aborted", NULL, NULL)))
          aborted += num(c, "aborted", NULL, NULL);
        m++;
      }
      if (m == 0)
        continue;
      fprintf(out,
              "%5zu %9" PRIu32 " %8" PRIu32 " %-7s %-12s %-9s %5zu %8.3f %8.3f %11.1f "
              "%8.0f %8.0f %7.0f\n",
              p, cfg->num_ports, cfg->ool_size, mb_mode_name(cfg->mode),
              mb_variant_name(cfg->variant), mb_placement_name(cfg->placement), m,
              mb_stats_median_finite(hb, m), mb_stats_median_finite(hr, m),
              mb_stats_median_finite(ns, m), timeouts, failures, aborted);
    }
    fprintf(out, "(h_bytes, h_raw: median assessed min-entropy, bits per symbol; "
                 "ns/op: median of the calls' median raw delta; timeouts, failures, "
                 "aborted: operations, summed over the calls)\n");
    /* The health tests' verdict, which the table has no room for. */
    {
      const json_t *health = json_object_get(r->doc, "health");
      size_t k, flagged = 0;

      for (k = 0; k < json_array_size(health); k++)
        if (json_is_true(json_object_get(json_array_get(health, k), "flagged")))
          fprintf(out, "%s%lld", flagged++ ? ", " : "health: FLAGGED at point ",
                  (long long)json_integer_value(
                      json_object_get(json_array_get(health, k), "point")));
      if (flagged)
        fprintf(out, ": the RCT or APT, replayed over the raw symbols, fired far more "
                     "often than alpha predicts (the assessed entropy is too high "
                     "for that data; `mebench report` shows the counts)\n");
      else if (json_array_size(health))
        fprintf(out, "health: no point flagged (the RCT and APT fired no more often "
                     "than alpha predicts)\n");
    }
    /* Where this session's time went, as run.json's durations record it. */
    {
      double total = now_s() - r->t_begin;

      if (total > 0)
        fprintf(out,
                "time: %.1f s; collecting %.0f %%, analysing %.0f %%, writing %.0f %%, "
                "warm-up %.0f %%\n",
                total, 100 * r->collect_s / total, 100 * r->analyse_s / total,
                100 * r->write_s / total, 100 * r->warmup_s / total);
    }
  }
  free(hb);
  free(hr);
  free(ns);
}

/* ---- one call --------------------------------------------------------------- */

/* The 1-minute load average, NAN when the system does not tell. */
static double load_1min(void)
{
  double l[1];

  return getloadavg(l, 1) == 1 ? l[0] : NAN;
}

static int ensure_symbols(struct run *r, size_t n, struct mb_error *err)
{
  if (r->cap_symbols >= n)
    return MB_OK;
  free(r->symbols);
  r->symbols = malloc(n ? n : 1);
  r->cap_symbols = r->symbols ? n : 0;
  return r->symbols ? MB_OK : nomem(err);
}

static int analyse(struct run *r, struct mb_call_summary *s, struct mb_error *err)
{
  const struct mb_collection *c = &r->coll;
  struct mb_assess_options opt;
  uint64_t mask = (1u << r->exp->raw_bits) - 1u;
  size_t i;
  int rc;

  memset(&opt, 0, sizeof(opt));
  opt.estimators = r->exp->estimators;
  opt.no_bitstring = !r->exp->bitstring;
  opt.threads = 0; /* nothing else runs meanwhile: use every core */
  rc = mb_stats_compute(c->timings, c->n_timings, &r->scratch, &s->raw_stats, err);
  if (rc != MB_OK)
    return rc;
  for (i = 0; i < c->n_timings; i++) {
    if (c->status[i] == MB_OP_TIMED_OUT)
      s->timeouts++;
    else if (c->status[i] == MB_OP_WAITED)
      s->waited++;
    else if (c->status[i] == MB_OP_ABORTED)
      s->aborted++;
    else if (c->status[i] > 0)
      s->failures++;
  }
  rc = mb_assess(c->bytes, c->n_bytes, 8, &opt, &s->entropy_bytes, err);
  if (rc != MB_OK)
    return rc;
  /* The two halves of the bytes, assessed on their own: how far apart they
   * land measures the estimator's own sampling noise (results/README.md,
   * "bytes_halves"). About a third more assessment time per call. */
  {
    struct mb_assessment half;
    size_t h = c->n_bytes / 2;

    s->h_bytes_halves[0] = s->h_bytes_halves[1] = -1;
    if (h >= 2) {
      rc = mb_assess(c->bytes, h, 8, &opt, &half, err);
      if (rc != MB_OK)
        return rc;
      s->h_bytes_halves[0] = half.h_assessed;
      rc = mb_assess(c->bytes + h, h, 8, &opt, &half, err);
      if (rc != MB_OK)
        return rc;
      s->h_bytes_halves[1] = half.h_assessed;
    }
  }
  rc = ensure_symbols(r, c->n_timings, err);
  if (rc != MB_OK)
    return rc;
  for (i = 0; i < c->n_timings; i++)
    r->symbols[i] = (uint8_t)(c->timings[i] & mask);
  return mb_assess(r->symbols, c->n_timings, r->exp->raw_bits, &opt, &s->entropy_raw,
                   err);
}

static int write_raw(struct run *r, const struct mb_call_summary *s,
                     struct mb_error *err)
{
  struct mb_raw_meta meta;
  char path[4200];

  memset(&meta, 0, sizeof(meta));
  meta.point = s->point;
  meta.repetition = s->repetition;
  meta.config = r->exp->points[s->point];
  meta.samples = r->exp->samples;
  meta.pool_size = r->coll.pool_size;
  snprintf(meta.clock_name, sizeof(meta.clock_name), "%s",
           r->clk.name ? r->clk.name : "");
  meta.tick_num = r->clk.tick_num;
  meta.tick_den = r->clk.tick_den;
  snprintf(path, sizeof(path), "%s/%s", r->dir, s->raw_file);
  return mb_rawfile_write(path, &meta, &r->coll, err);
}

/* Refresh the parts of run.json that change as the run goes, then write it
 * and summary.csv. */
static int save(struct run *r, const char *status, const struct mb_error *failure,
                struct mb_error *err)
{
  json_t *dur = json_object(), *sessions = json_object_get(r->doc, "sessions");
  json_t *session = json_array_get(sessions, json_array_size(sessions) - 1);
  double t0 = now_s();
  double mine[5];
  char when[32];
  size_t i;
  int rc;

  mine[D_TOTAL] = t0 - r->t_begin;
  mine[D_WARMUP] = r->warmup_s;
  mine[D_COLLECT] = r->collect_s;
  mine[D_ANALYSE] = r->analyse_s;
  mine[D_WRITE] = r->write_s;
  mb_results_iso_time(time(NULL), when);
  for (i = 0; dur && i < 5; i++)
    json_object_set_new(dur, duration_keys[i], json_real(r->prior[i] + mine[i]));
  if (!dur || json_object_set_new(r->doc, "durations", dur) != 0 ||
      json_object_set_new(r->doc, "status", json_string(status)) != 0 ||
      json_object_set_new(r->doc, "finished", json_string(when)) != 0 ||
      json_object_set_new(session, "finished", json_string(when)) != 0 ||
      json_object_set_new(session, "status", json_string(status)) != 0 ||
      json_object_set_new(session, "calls", json_integer((json_int_t)r->n_session)) !=
          0)
    return nomem(err);
  if (failure && failure->code) {
    char text[2048];

    mb_error_format(failure, text, sizeof(text));
    json_object_set_new(r->doc, "error", json_string(text));
  }
  rc = mb_results_write_run(r->dir, r->doc, err);
  if (rc == MB_OK)
    r->n_unsaved = 0; /* run.json holds every call */
  if (rc == MB_OK)
    rc = mb_results_write_summary(r->dir, r->doc, err);
  if (rc == MB_OK)
    rc = mb_results_journal_reset(r->journal, r->dir, err);
  r->last_save = now_s();
  r->save_cost = r->last_save - t0;
  r->write_s += r->save_cost;
  return rc;
}

/* Prefix the collector's message (which says only what failed) with the
 * call it failed in. */
static void name_call(struct mb_error *err, const char *which)
{
  char text[sizeof(err->text) + 256];
  size_t len;

  if (!err || !err->code)
    return;
  snprintf(text, sizeof(text), "%.200s: %s", which, err->text);
  len = strlen(text) < sizeof(err->text) ? strlen(text) : sizeof(err->text) - 1;
  memcpy(err->text, text, len);
  err->text[len] = '\0';
}

/* What a signal handler may say about the call in progress (runner.h). */
static void tell_progress(const struct run *r, size_t call)
{
  if (r->opt->progress_call)
    *r->opt->progress_call = (sig_atomic_t)call;
  if (r->opt->progress_total)
    *r->opt->progress_total = (sig_atomic_t)r->exp->n_shard_calls;
}

static int measure(struct run *r, size_t seq, struct mb_error *err)
{
  const struct mb_call *call = &r->exp->calls[seq];
  struct mb_call_summary *s = &r->sum;
  json_t *js;
  double t0, t1, t2, t3;
  int rc;

  memset(s, 0, sizeof(*s));
  s->point = call->point;
  s->repetition = call->repetition;
  s->sequence = seq;
  s->ns_per_tick =
      r->clk.tick_den ? (double)r->clk.tick_num / (double)r->clk.tick_den : NAN;
  mb_results_raw_name(call->point, call->repetition, s->raw_file, sizeof(s->raw_file));
  rc = set_aside(r, s->raw_file, err);
  if (rc != MB_OK)
    return rc;
  show_bar(r, call->point);

  s->started = time(NULL);
  tell_progress(r, r->n_done + 1);
  /* Where this call is in the whole plan, after the warm-up calls: replay
   * plays the same timings into it whether the run is whole, a shard or
   * resumed (other collectors ignore it). */
  mb_collector_seek_call(r->col, r->exp->warmup + seq, call->point, call->repetition);
  s->load_before = load_1min();
  t0 = now_s();
  rc = mb_collector_collect(r->col, &r->exp->points[call->point], r->exp->samples,
                            &r->coll, err);
  t1 = now_s();
  s->load_after = load_1min();
  if (rc == MB_EINTERRUPTED) {
    /* A second Ctrl-C: the partial call is not recorded; every recorded
     * call stays, and --resume measures this one again. */
    mb_error_init(err);
    r->cut = 1;
    return MB_OK;
  }
  if (rc != MB_OK) {
    char which[96];

    snprintf(which, sizeof(which), "call %zu (point %zu, repetition %zu)", seq,
             call->point, call->repetition);
    name_call(err, which);
    return rc;
  }
  s->wall_s = t1 - t0;
  s->conditions = r->coll.conditions;
  s->cpu_mhz = mb_sysinfo_cpu_mhz(s->conditions.timing.cpu_mask |
                                  s->conditions.receiver.cpu_mask);
  /* The gate's power measurement: a known entropy drop, after collection
   * and before extraction (the bytes are extracted again), recorded in the
   * raw file as analysed. Seeded by the call's place in the schedule. */
  if (r->exp->inject_constant > 0)
    s->injected = mb_collection_inject_constant(&r->coll, r->exp->inject_constant,
                                                (uint64_t)seq + 1, r->exp->samples);
  s->pool_size = r->coll.pool_size;
  s->timings = r->coll.n_timings;
  s->bytes = r->coll.n_bytes;
  rc = write_raw(r, s, err);
  t2 = now_s();
  if (rc != MB_OK)
    return rc;
  rc = analyse(r, s, err);
  t3 = now_s();
  if (rc != MB_OK)
    return rc;
  s->write_s = t2 - t1;
  s->analyse_s = t3 - t2;
  r->collect_s += s->wall_s;
  r->write_s += s->write_s;
  r->analyse_s += s->analyse_s;

  js = mb_results_call_json(s);
  if (!js || json_array_append_new(json_object_get(r->doc, "calls"), js) != 0)
    return nomem(err);
  r->done[call->point * r->exp->repetitions + call->repetition] = 1;
  r->n_done++;
  r->n_session++;
  t0 = now_s();
  rc = mb_results_journal_append(r->journal, r->dir, js, err);
  if (rc != MB_OK)
    r->n_unsaved++; /* kept only if the failure's save of run.json works */
  r->write_s += now_s() - t0;
  if (rc == MB_OK && t0 - r->last_save >= SAVE_EVERY_S &&
      t0 - r->last_save >= SAVE_SHARE * r->save_cost)
    rc = save(r, "running", NULL, err);
  if (rc != MB_OK)
    return rc;
  show_bar(r, call->point);
  show_line(r, s);
  return MB_OK;
}

/* run.json holds every call: the journal has done its work. */
static void end_journal(struct run *r)
{
  mb_results_journal_remove(r->journal, r->dir);
  r->journal = -1;
}

/* Record the run as interrupted (run.json, then the journal emptied) and
 * return MB_EINTERRUPTED with the message fmt; or the status of a save
 * that failed. */
static int save_interrupted(struct run *r, struct mb_error *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int save_interrupted(struct run *r, struct mb_error *err, const char *fmt, ...)
{
  char text[sizeof(err->text)];
  va_list ap;
  int rc = save(r, "interrupted", NULL, err);

  if (rc != MB_OK)
    return rc;
  end_journal(r);
  va_start(ap, fmt);
  vsnprintf(text, sizeof(text), fmt, ap);
  va_end(ap);
  return mb_error_set(err, MB_EINTERRUPTED, NULL, 0, 0, NULL, "%s", text);
}

static int stopped(const struct run *r)
{
  return r->cut || (r->opt->stop && *r->opt->stop);
}

/* Warm-up calls: the first scheduled call's configuration, measured and
 * thrown away, so caches, page tables and the scheduler settle first. */
static int warm_up(struct run *r, size_t first, struct mb_error *err)
{
  double t0 = now_s();
  size_t i;
  int rc = MB_OK;

  if (r->exp->n_calls == 0)
    return MB_OK;
  if (r->opt->progress && r->exp->warmup > 0 && !r->tty)
    fprintf(r->opt->progress, "mebench: %zu warm-up call%s\n", r->exp->warmup,
            r->exp->warmup == 1 ? "" : "s");
  for (i = 0; i < r->exp->warmup && !stopped(r) && rc == MB_OK; i++) {
    if (r->opt->progress && r->tty) {
      fprintf(r->opt->progress, "\r\033[Kwarm-up call %zu of %zu", i + 1,
              r->exp->warmup);
      fflush(r->opt->progress);
      r->bar_shown = 1;
    }
    tell_progress(r, 0);
    mb_collector_seek(r->col, i);
    rc = mb_collector_collect(r->col, &r->exp->points[r->exp->calls[first].point],
                              r->exp->samples, &r->coll, err);
    if (rc == MB_EINTERRUPTED) {
      mb_error_init(err);
      r->cut = 1;
      rc = MB_OK;
    } else if (rc != MB_OK) {
      char which[64];

      snprintf(which, sizeof(which), "warm-up call %zu of %zu", i + 1, r->exp->warmup);
      name_call(err, which);
    }
  }
  r->warmup_s = now_s() - t0;
  return rc;
}

/* ---- the run ------------------------------------------------------------------ */

static int open_new(struct run *r, struct mb_error *err)
{
  const char *root = r->opt->output   ? r->opt->output
                     : r->exp->output ? r->exp->output
                                      : "results";
  char host[64];
  json_error_t jerr;
  time_t t = time(NULL);
  int rc;

  mb_sysinfo_host_label(r->si.hostname, host, sizeof(host));
  /* The record first: a run that cannot describe itself leaves no empty
   * directory behind. */
  r->doc = new_doc(r, t, &jerr);
  if (!r->doc)
    return mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "cannot build run.json: %s",
                        jerr.text);
  rc = mb_results_create_dir(root, r->exp->name, host, t, &r->dir, err);
  if (rc == MB_OK)
    rc = mb_results_lock(r->dir, &r->lock, err);
  return rc;
}

static int open_resume(struct run *r, struct mb_error *err)
{
  int rc;

  r->dir = strdup(r->opt->resume_dir);
  if (!r->dir)
    return nomem(err);
  /* Lock first, then read: a run still going cannot change under us. */
  rc = mb_results_load_run(r->dir, &r->doc, err);
  if (rc == MB_OK) {
    json_decref(r->doc);
    r->doc = NULL;
    rc = mb_results_lock(r->dir, &r->lock, err);
  }
  if (rc == MB_OK)
    rc = mb_results_load_run(r->dir, &r->doc, err);
  if (rc == MB_OK)
    rc = check_resumable(r, err);
  if (rc == MB_OK)
    rc = mark_recorded(r, err);
  if (rc == MB_OK)
    json_object_del(r->doc, "error"); /* from the session that failed */
  return rc;
}

static int start_session(struct run *r, struct mb_error *err)
{
  char when[32];

  mb_results_iso_time(time(NULL), when);
  if (!json_is_array(json_object_get(r->doc, "sessions")))
    json_object_set_new(r->doc, "sessions", json_array());
  if (json_array_append_new(json_object_get(r->doc, "sessions"),
                            json_pack("{s:s,s:s,s:s,s:i}", "started", when, "finished",
                                      when, "status", "running", "calls", 0)) != 0)
    return nomem(err);
  return MB_OK;
}

int mb_runner_run(const struct mb_experiment *exp, const struct mb_runner_options *opt,
                  char **dir_out, struct mb_error *err)
{
  struct run *r = calloc(1, sizeof(*r));
  size_t seq, first = 0;
  int rc;

  *dir_out = NULL;
  if (!r)
    return nomem(err);
  r->exp = exp;
  r->opt = opt;
  r->lock = -1;
  r->journal = -1;
  r->t_begin = now_s();
  mb_collection_init(&r->coll);
  mb_stats_scratch_init(&r->scratch);
  mb_sysinfo_build(&r->bi);
  r->tty = opt->progress_tty >= 0 ? opt->progress_tty
           : opt->progress        ? isatty(fileno(opt->progress))
                                  : 0;
  r->done = calloc(exp->n_points * exp->repetitions + 1, 1);
  rc = r->done ? mb_sysinfo_get(&r->si, err) : nomem(err);
  /* The collector first: an unavailable one leaves no empty directory. */
  if (rc == MB_OK)
    rc = mb_collector_open(exp->source, mb_experiment_collector_option(exp), &r->col,
                           err);
  if (rc == MB_OK && mb_collector_clock(r->col, &r->clk) != MB_OK)
    rc = mb_error_set(err, MB_ECOLLECT, NULL, 0, 0, NULL,
                      "cannot describe the clock of collector %s", exp->source);
  if (rc == MB_OK)
    rc = opt->resume_dir ? open_resume(r, err) : open_new(r, err);
  if (rc == MB_OK && opt->resume_dir && r->n_done == exp->n_shard_calls &&
      json_is_string(json_object_get(r->doc, "status")) &&
      strcmp(json_string_value(json_object_get(r->doc, "status")), "complete") == 0) {
    /* Nothing is left to measure: leave the run exactly as it is (no empty
     * session, no rewrite of run.json). */
    *dir_out = strdup(r->dir);
    if (opt->progress)
      fprintf(opt->progress,
              "mebench: nothing to resume: the %zu call%s of %s %s recorded\n",
              exp->n_shard_calls, mb_s(exp->n_shard_calls), r->dir,
              exp->n_shard_calls == 1 ? "is" : "are");
    goto out;
  }
  if (rc == MB_OK)
    rc = mb_results_journal_open(r->dir, &r->journal, err);
  if (rc == MB_OK)
    rc = start_session(r, err);
  if (rc != MB_OK)
    goto out;
  *dir_out = strdup(r->dir);
  r->n_todo = exp->n_shard_calls - r->n_done;
  if (opt->progress && exp->shard.count)
    fprintf(opt->progress,
            "mebench: %s %s, shard %zu/%zu: %zu of its %zu call%s (%zu point%s x %zu "
            "repetition%s; this shard: repetitions r with r mod %zu = %zu)\n",
            opt->resume_dir ? "resuming" : "running", exp->name, exp->shard.index,
            exp->shard.count, exp->n_shard_calls, exp->n_calls, mb_s(exp->n_calls),
            exp->n_points, mb_s(exp->n_points), exp->repetitions,
            mb_s(exp->repetitions), exp->shard.count, exp->shard.index - 1);
  else if (opt->progress)
    fprintf(opt->progress,
            "mebench: %s %s: %zu call%s (%zu point%s x %zu repetition%s)\n",
            opt->resume_dir ? "resuming" : "running", exp->name, exp->n_calls,
            mb_s(exp->n_calls), exp->n_points, mb_s(exp->n_points), exp->repetitions,
            mb_s(exp->repetitions));
  if (opt->progress && opt->resume_dir)
    fprintf(opt->progress, "mebench: %zu call%s recorded, %zu to go\n", r->n_done,
            mb_s(r->n_done), r->n_todo);
  if (opt->progress)
    fprintf(opt->progress, "mebench: results in %s\n", r->dir);

  /* run.json exists from the start, so even a run killed during warm-up
   * leaves a directory that says what it was. */
  rc = save(r, "running", NULL, err);
  while (first < exp->n_calls && (r->done[exp->calls[first].point * exp->repetitions +
                                          exp->calls[first].repetition] ||
                                  !mb_experiment_in_shard(exp, &exp->calls[first])))
    first++;
  if (rc == MB_OK && r->n_todo > 0)
    rc = warm_up(r, first, err);
  for (seq = first; rc == MB_OK && seq < exp->n_calls && !stopped(r); seq++) {
    const struct mb_call *c = &exp->calls[seq];

    if (r->done[c->point * exp->repetitions + c->repetition] ||
        !mb_experiment_in_shard(exp, c))
      continue;
    rc = measure(r, seq, err);
  }
  end_bar(r);
  if (rc == MB_OK && stopped(r) && r->n_done < exp->n_shard_calls) {
    rc = save_interrupted(
        r, err,
        "interrupted by %s after %zu of %zu calls%s; the results so "
        "far are in %s; complete them with: mebench run --resume %s %s",
        opt->stop_reason ? opt->stop_reason() : "a signal", r->n_done,
        exp->n_shard_calls,
        r->cut ? " (the call in progress was ended and discarded)" : "", r->dir, r->dir,
        exp->path);
  } else if (rc == MB_OK) {
    /* Health-test replay (and the IID track) over the recorded calls: part
     * of the analysis time, and stopped by the same signal as the calls. */
    struct mb_pointtests_watch watch = {opt->stop, opt->progress, r->tty};
    double t0 = now_s();

    if (opt->progress_call)
      *opt->progress_call = -1; /* no call in progress: the analyses */

    rc = mb_pointtests_run(exp, r->dir, r->doc, exp->seed, &watch, err);
    r->analyse_s += now_s() - t0;
    if (rc == MB_OK) {
      rc = save(r, "complete", NULL, err);
      if (rc == MB_OK)
        end_journal(r);
    } else if (rc == MB_EINTERRUPTED) {
      /* every call is recorded: only the analyses are left to do */
      mb_error_init(err);
      rc = save_interrupted(r, err,
                            "interrupted by %s during the %s, after all %zu calls were "
                            "recorded in %s; finish the analyses with: mebench run "
                            "--resume %s %s",
                            opt->stop_reason ? opt->stop_reason() : "a signal",
                            exp->iid ? "IID track" : "health-test replay",
                            exp->n_shard_calls, r->dir, r->dir, exp->path);
    } else if (save(r, "failed", err, NULL) == MB_OK) {
      end_journal(r);
    }
  } else {
    /* Record the failure when the disk still lets us; the previous run.json
     * and the journal stay otherwise. */
    if (save(r, "failed", err, NULL) == MB_OK)
      end_journal(r);
  }
  /* A full disk is not the run's fault: say how to complete it, as an
   * interruption does (the journal holds the calls run.json could not). */
  if (rc == MB_ENOSPACE && err && err->code == MB_ENOSPACE) {
    size_t len = strlen(err->text);

    snprintf(err->text + len, sizeof(err->text) - len,
             "; %zu of %zu calls are kept in %s: free some space, then complete "
             "them with: mebench run --resume %s",
             r->n_done - r->n_unsaved, exp->n_shard_calls, r->dir, r->dir);
  }
  print_table(r);

out:
  if (r->journal >= 0)
    close(r->journal);
  mb_results_unlock(r->lock);
  if (r->col)
    mb_collector_free(r->col);
  mb_collection_cleanup(&r->coll);
  mb_stats_scratch_cleanup(&r->scratch);
  json_decref(r->doc);
  free(r->symbols);
  free(r->done);
  free(r->dir);
  free(r);
  return rc;
}

int mb_runner_recorded_experiment(const char *dir, char **path, char **text,
                                  size_t *len, struct mb_error *err)
{
  json_t *doc;
  const json_t *t;
  int has_text, rc = mb_results_load_run(dir, &doc, err);

  *path = NULL;
  *text = NULL;
  *len = 0;
  if (rc != MB_OK)
    return rc;
  *path = mb_json_get_path(json_object_get(doc, "experiment"), "path");
  if (!*path)
    *path = strdup("");
  t = json_object_get(json_object_get(doc, "experiment"), "text");
  if (json_is_string(t)) {
    *len = json_string_length(t);
    *text = malloc(*len + 1);
    if (*text) {
      memcpy(*text, json_string_value(t), *len);
      (*text)[*len] = '\0';
    }
  }
  has_text = json_is_string(t);
  json_decref(doc); /* t is gone with it */
  if (!*path || (has_text && !*text)) {
    free(*path);
    free(*text);
    *path = *text = NULL;
    return nomem(err);
  }
  return MB_OK;
}
