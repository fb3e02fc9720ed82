/* cmd_validate.c: `mebench validate`: check experiment files and print the
 * plan each would run, with an estimate of its collection time. */
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "commands.h"
#include "jsonpath.h"
#include "estimators.h"
#include "experiment.h"
#include "iid.h"
#include "source.h"

enum { OPT_HELP = 1, OPT_JSON, OPT_NO_ESTIMATE, OPT_SHARD };

static const struct mb_opt options[] = {
    {"help", 'h', NULL, OPT_HELP, "show this help"},
    {"json", 0, NULL, OPT_JSON,
     "print the plans as one JSON array (an invalid file's entry holds its error)"},
    {"no-estimate", 0, NULL, OPT_NO_ESTIMATE,
     "do not run the collector to estimate the time"},
    {"shard", 's', "K/N", OPT_SHARD,
     "show shard K of N of the plan, as `run --shard K/N` runs it"},
};
#define N_OPTIONS (sizeof(options) / sizeof(options[0]))

/* The calibration: at most CAL_POINTS points, each timed CAL_CALLS times
 * at CAL_SAMPLES samples (or the plan's, if smaller), and no new point once
 * CAL_BUDGET_S has gone, so validate stays quick. The median of three calls
 * resists the odd call slowed by other load; calls of 4096 samples (16448
 * operations) are long enough that timer and scheduling noise are small. */
#define CAL_POINTS 16u
#define CAL_CALLS 3u
#define CAL_SAMPLES 4096u
#define CAL_BUDGET_S 3.0

static void usage(FILE *out)
{
  fprintf(out,
          "Usage: mebench validate [OPTIONS] EXPERIMENT.json...\n\n"
          "Parse, validate and expand each experiment file and print its plan:\n"
          "every sweep point, the repetitions, warm-up calls and samples per call\n"
          "(a call makes 4n + 64 timed operations), the order and shuffle seed,\n"
          "the collector and whether it can run here, the estimators, the output\n"
          "directory, and an estimate of the collection time. '-' reads standard\n"
          "input.\n\n"
          "The estimate comes from a short calibration: one warm-up call, then\n"
          "for up to %u points spread over the sweep the median of %u collect\n"
          "calls of %u samples (fewer if the plan's calls are smaller), scaled\n"
          "to the plan's operations per call and summed over its calls. It\n"
          "covers collection only: the SP 800-90B analysis of each call comes on\n"
          "top. It is skipped when the collector is not available here.\n\n"
          "A valid file exits 0 even when its collector cannot run on this machine\n"
          "(the plan says so); an invalid file exits 3 with the file, the JSON path\n"
          "or line:column, and what was expected.\n\n"
          "Options:\n",
          CAL_POINTS, CAL_CALLS, CAL_SAMPLES);
  mb_opt_print(out, options, N_OPTIONS);
  fprintf(out, "\nThe format is documented in experiments/README.md.\n\n");
  mb_cli_print_exit_codes_of(out, MB_EXITS_COMMON | MB_EXIT_BIT(INVALID));
}

static double now_s(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* What validate learned about the collector and the time. */
struct plan_extra {
  int available;
  char reason[1024]; /* why the collector cannot run, or why no estimate */
  int estimated;
  double seconds;     /* estimated collection time of the whole run */
  double longest;     /* estimated collection time of the longest call */
  size_t cal_points;  /* points calibrated */
  size_t cal_calls;   /* calibration collect calls made */
  size_t cal_samples; /* samples of each calibration call */
  double cal_seconds; /* time the calibration took */
};

/* Time one collect call; negative on failure (err filled). */
static double time_call(struct mb_collector *col, const struct mb_config *cfg,
                        size_t samples, struct mb_collection *c, struct mb_error *err)
{
  double t0 = now_s();

  if (mb_collector_collect(col, cfg, samples, c, err) != MB_OK)
    return -1.0;
  return now_s() - t0;
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

/* Points of one mode and variant cost alike; variants differ by orders of
 * magnitude (the seed's sends fail at once, copy_send's can wait). Simple
 * mode ignores the variant. */
static size_t group(const struct mb_config *p)
{
  return p->mode == MB_MODE_SIMPLE ? MB_VARIANT_COUNT + 0u : (size_t)p->variant;
}

/* Time per call at each of up to CAL_POINTS points spread evenly over the
 * sweep, scaled linearly from the calibration's operations to the plan's
 * (the per-call set-up is scaled too, which errs on the long side); points
 * not calibrated take the average of the calibrated ones of their mode and
 * variant, or of all. Receivers live as long as their call, so the linear
 * scaling holds for calls of any size (sources/README.md, "Calls bounded
 * in time"). */
static int estimate(const struct mb_experiment *exp, struct mb_collector *col,
                    struct plan_extra *x, struct mb_error *err)
{
  size_t n_cal = exp->n_points < CAL_POINTS ? exp->n_points : CAL_POINTS;
  size_t cal = exp->samples < CAL_SAMPLES ? exp->samples : CAL_SAMPLES;
  double scale =
      (double)mb_experiment_timings_per_call(exp) / (double)MB_RAW_COUNT((uint64_t)cal);
  double *t = calloc(exp->n_points, sizeof(*t));
  double sum[2 * MB_VARIANT_COUNT], start = now_s(), total = 0, all = 0;
  size_t cnt[2 * MB_VARIANT_COUNT], n_all = 0, i, k;
  struct mb_collection c;
  int rc = MB_OK;

  memset(sum, 0, sizeof(sum));
  memset(cnt, 0, sizeof(cnt));
  mb_collection_init(&c);
  if (!t) {
    rc = mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    goto out;
  }
  /* The first call pays for page faults and thread start-up. */
  if (time_call(col, &exp->points[exp->calls[0].point], cal, &c, err) < 0) {
    rc = err->code;
    goto out;
  }
  x->cal_calls = 1;
  for (i = 0; i < n_cal; i++) {
    size_t p = n_cal == 1 ? 0 : i * (exp->n_points - 1) / (n_cal - 1);
    size_t m = group(&exp->points[p]);
    double times[CAL_CALLS];

    if (i > 0 && now_s() - start > CAL_BUDGET_S)
      break;
    for (k = 0; k < CAL_CALLS; k++) {
      times[k] = time_call(col, &exp->points[p], cal, &c, err);
      if (times[k] < 0) {
        rc = err->code;
        goto out;
      }
    }
    x->cal_calls += CAL_CALLS;
    qsort(times, CAL_CALLS, sizeof(times[0]), cmp_double);
    t[p] = times[CAL_CALLS / 2] * scale;
    sum[m] += t[p];
    cnt[m]++;
    all += t[p];
    n_all++;
    x->cal_points++;
  }
  for (i = 0; i < exp->n_points; i++) {
    size_t m = group(&exp->points[i]);

    if (t[i] > 0)
      continue;
    t[i] = cnt[m] ? sum[m] / (double)cnt[m] : all / (double)n_all;
  }
  for (i = 0; i < exp->n_calls; i++)
    if (mb_experiment_in_shard(exp, &exp->calls[i]))
      total += t[exp->calls[i].point];
  for (i = 0; i < exp->n_points; i++)
    if (t[i] > x->longest)
      x->longest = t[i];
  total += (double)exp->warmup * t[exp->calls[0].point];
  x->seconds = total;
  x->cal_samples = cal;
  x->estimated = 1;
out:
  x->cal_seconds = now_s() - start;
  mb_collection_cleanup(&c);
  free(t);
  return rc;
}

/* Probe, open (which checks the collector's option, such as the replay
 * file) and calibrate. Only a failing open or collect is an error. */
static int inspect(const struct mb_experiment *exp, int want_estimate,
                   struct plan_extra *x, struct mb_error *err)
{
  struct mb_error probe;
  struct mb_collector *col = NULL;
  int rc;

  memset(x, 0, sizeof(*x));
  mb_error_init(&probe);
  rc = mb_source_probe(exp->source, &probe);
  if (rc != MB_OK) {
    mb_error_format(&probe, x->reason, sizeof(x->reason));
    return MB_OK;
  }
  x->available = 1;
  mb_error_init(&probe);
  rc =
      mb_collector_open(exp->source, mb_experiment_collector_option(exp), &col, &probe);
  if (rc != MB_OK) {
    char why[sizeof(probe.text) + sizeof(probe.source) + 64];

    /* Name the experiment key that led to the failure, not only the file. */
    return mb_error_set(err, rc, strcmp(exp->path, "-") == 0 ? "<stdin>" : exp->path, 0,
                        0, exp->replay ? "replay" : "source", "%s",
                        mb_error_format(&probe, why, sizeof(why)));
  }
  if (!want_estimate)
    snprintf(x->reason, sizeof(x->reason), "not asked for (--no-estimate)");
  else
    rc = estimate(exp, col, x, err);
  mb_collector_free(col);
  return rc;
}

static void format_duration(double s, char *buf, size_t n)
{
  if (s < 1.0)
    snprintf(buf, n, "%.2f s", s);
  else if (s < 90.0)
    snprintf(buf, n, "%.0f s", s);
  else if (s < 5400.0)
    snprintf(buf, n, "%.0f min %02.0f s", (double)(long long)(s / 60.0),
             s - 60.0 * (double)(long long)(s / 60.0));
  else
    snprintf(buf, n, "%.0f h %02.0f min", (double)(long long)(s / 3600.0),
             (s - 3600.0 * (double)(long long)(s / 3600.0)) / 60.0);
}

static size_t count_axis(const struct mb_experiment *exp, int which)
{
  size_t i, j, n = 0;

  for (i = 0; i < exp->n_points; i++) {
    for (j = 0; j < i; j++) {
      const struct mb_config *a = &exp->points[i], *b = &exp->points[j];

      if ((which == 0 && a->mode == b->mode) ||
          (which == 1 && a->num_ports == b->num_ports) ||
          (which == 2 && a->ool_size == b->ool_size) ||
          (which == 3 && a->variant == b->variant) ||
          (which == 4 && a->placement == b->placement))
        break;
    }
    if (j == i)
      n++;
  }
  return n;
}

static void print_estimators(FILE *out, unsigned mask)
{
  static const char *const keys[] = {
#define MB_X(id, key, title, section) key,
      MB_ESTIMATOR_TABLE(MB_X)
#undef MB_X
  };
  unsigned i;
  int first = 1;

  fprintf(out, "%s (", mask == MB_EST_ALL ? "all" : "selected");
  for (i = 0; i < MB_EST_COUNT; i++) {
    if (!(mask & (1u << i)))
      continue;
    fprintf(out, "%s%s", first ? "" : ", ", keys[i]);
    first = 0;
  }
  fprintf(out, ")\n");
}

/* Simple mode never uses ool_size or the variant (the seed times port
 * allocate/free only), so simple-mode points that differ only in those
 * measure the same configuration: say so, since a sweep pays for every one
 * of them. */
static void print_simple_ool_note(FILE *out, const struct mb_experiment *exp)
{
  size_t i, j, simple = 0, distinct = 0;

  for (i = 0; i < exp->n_points; i++) {
    int seen = 0;

    if (exp->points[i].mode != MB_MODE_SIMPLE)
      continue;
    simple++;
    for (j = 0; j < i && !seen; j++)
      seen = exp->points[j].mode == MB_MODE_SIMPLE &&
             exp->points[j].num_ports == exp->points[i].num_ports &&
             exp->points[j].placement == exp->points[i].placement;
    distinct += !seen;
  }
  if (simple > distinct)
    fprintf(out,
            "note:         simple mode uses neither ool_size nor variant, so its %zu "
            "points measure %zu configurations; sweep those in complex mode only to "
            "save time\n",
            simple, distinct);
}

/* Every variant the collector runs, those the plan sweeps marked. */
static void print_variants(FILE *out, const struct mb_experiment *exp)
{
  unsigned v;
  size_t i;

  if (exp->n_variants <= 1) {
    fprintf(out, "variant:      %s (%s)\n", mb_variant_name(exp->points[0].variant),
            mb_variant_describe(exp->points[0].variant));
    return;
  }
  fprintf(out, "variants:     %s runs these; * = in this plan (sweep.variant)\n",
          exp->source);
  for (v = 0; v < MB_VARIANT_COUNT; v++) {
    int used = 0;

    if (!mb_source_has_variant(exp->source, (enum mb_variant)v))
      continue;
    for (i = 0; i < exp->n_points && !used; i++)
      used = exp->points[i].variant == (enum mb_variant)v;
    fprintf(out, "  %c %-12s %s\n", used ? '*' : ' ',
            mb_variant_name((enum mb_variant)v),
            mb_variant_describe((enum mb_variant)v));
  }
}

static const char *order_text(enum mb_order order)
{
  switch (order) {
  case MB_ORDER_SEQUENTIAL:
    return "every repetition of a point before the next point";
  case MB_ORDER_INTERLEAVED:
    return "round-robin over the points, repetition by repetition";
  default:
    return "a seeded random permutation of all calls";
  }
}

static void print_text(FILE *out, const struct mb_experiment *exp,
                       const struct plan_extra *x)
{
  const struct mb_source_info *list;
  size_t count = 0, i;
  uint64_t per_call = mb_experiment_timings_per_call(exp);
  uint64_t timings = (uint64_t)(exp->n_shard_calls + exp->warmup) * per_call;
  size_t shown;

  list = mb_sources_list(&count);
  fprintf(out, "experiment:   %s\n", exp->name);
  fprintf(out, "file:         %s\n",
          strcmp(exp->path, "-") == 0 ? "<stdin>" : exp->path);
  fprintf(out, "sha256:       %s\n", exp->sha256);
  if (exp->description)
    fprintf(out, "description:  %s\n", exp->description);
  fprintf(out, "source:       %s%s", exp->source,
          exp->source_default ? " (this platform's default)" : "");
  for (i = 0; i < count; i++)
    if (strcmp(list[i].name, exp->source) == 0)
      fprintf(out, ": %s", list[i].description);
  fprintf(out, "\n");
  if (x->available)
    fprintf(out, "available:    yes\n");
  else
    fprintf(out, "available:    no: %s\n", x->reason);
  if (exp->replay)
    fprintf(out, "replay:       %s\n", exp->replay);
  print_variants(out, exp);
  fprintf(
      out,
      "samples:      %zu extracted bytes per call (%llu timed operations: 4n + 64)\n",
      exp->samples, (unsigned long long)per_call);
  fprintf(out, "repetitions:  %zu per point\n", exp->repetitions);
  fprintf(
      out,
      "warmup:       %zu call%s, made and discarded before the first measured call\n",
      exp->warmup, exp->warmup == 1 ? "" : "s");
  fprintf(out, "order:        %s (%s)\n", mb_order_name(exp->order),
          order_text(exp->order));
  if (exp->order == MB_ORDER_SHUFFLED)
    fprintf(out, "seed:         %llu (%s)\n", (unsigned long long)exp->seed,
            exp->seed_drawn ? "drawn, since the file gives none; the results record it"
                            : "from the file");
  fprintf(out,
          "raw_bits:     %u (symbols for the raw-delta estimates: the low %u bit%s "
          "of each delta)\n",
          exp->raw_bits, exp->raw_bits, exp->raw_bits == 1 ? "" : "s");
  fprintf(out, "estimators:   ");
  print_estimators(out, exp->estimators);
  fprintf(out, "bitstring:    %s\n", exp->bitstring ? "yes" : "no");
  if (exp->iid)
    fprintf(
        out,
        "iid:          yes: after the last call, the IID track (SP 800-90B 5: up to "
        "%u permutations of each call's %llu raw symbols, chi-square, LRS) on "
        "every call, one after another; it can take longer than the collection "
        "(`mebench assess --iid` on one call's raw file shows its time), and it "
        "is not in the estimate below\n",
        MB_IID_PERMUTATIONS, (unsigned long long)mb_experiment_timings_per_call(exp));
  else
    fprintf(out, "iid:          no (analysis.iid: the IID track is not run)\n");
  fprintf(out,
          "health:       RCT and APT cut-offs at alpha = %g (2^%.1f) from each point's "
          "assessed entropy, replayed over every call's raw symbols\n",
          exp->health_alpha, log2(exp->health_alpha));
  fprintf(out, "output:       %s/%s/<UTC timestamp>-<host>/\n", exp->output, exp->name);
  if (exp->inject_constant > 0)
    fprintf(out,
            "inject:       %g of each call's timings replaced by a constant before "
            "extraction (a deliberate entropy drop for measuring the CI gate)\n",
            exp->inject_constant);
  fprintf(
      out,
      "points:       %zu (mode x variant x num_ports x ool_size x placement = %zu x "
      "%zu x %zu x %zu x %zu)\n",
      exp->n_points, count_axis(exp, 0), count_axis(exp, 3), count_axis(exp, 1),
      count_axis(exp, 2), count_axis(exp, 4));
  fprintf(out, "  %5s  %-8s %-12s %9s %9s  %s\n", "point", "mode", "variant",
          "num_ports", "ool_size", "placement");
  for (i = 0; i < exp->n_points; i++)
    fprintf(out, "  %5zu  %-8s %-12s %9u %9u  %s\n", i,
            mb_mode_name(exp->points[i].mode), mb_variant_name(exp->points[i].variant),
            exp->points[i].num_ports, exp->points[i].ool_size,
            mb_placement_name(exp->points[i].placement));
  print_simple_ool_note(out, exp);
  fprintf(out,
          "calls:        %zu measured (%zu point%s x %zu repetition%s) + %zu warm-up\n",
          exp->n_calls, exp->n_points, exp->n_points == 1 ? "" : "s", exp->repetitions,
          exp->repetitions == 1 ? "" : "s", exp->warmup);
  if (exp->shard.count)
    fprintf(out,
            "shard:        %zu/%zu: repetitions r with r mod %zu = %zu of every point, "
            "%zu of the %zu calls (+ %zu warm-up); `mebench merge` joins all %zu "
            "shards\n",
            exp->shard.index, exp->shard.count, exp->shard.count, exp->shard.index - 1,
            exp->n_shard_calls, exp->n_calls, exp->warmup, exp->shard.count);
  fprintf(out, "timings:      %llu timed operations in all%s\n",
          (unsigned long long)timings, exp->shard.count ? " (this shard)" : "");
  fprintf(out, "schedule:    ");
  for (i = 0, shown = 0; i < exp->n_calls && shown < 16; i++)
    if (mb_experiment_in_shard(exp, &exp->calls[i])) {
      fprintf(out, " p%zu/r%zu", exp->calls[i].point, exp->calls[i].repetition);
      shown++;
    }
  if (exp->n_shard_calls > 16)
    fprintf(out, " ... (first 16 of %zu; point/repetition)", exp->n_shard_calls);
  else
    fprintf(out, " (point/repetition)");
  fprintf(out, "\n");
  if (x->estimated) {
    char d[64], c[64];

    format_duration(x->seconds, d, sizeof(d));
    format_duration(x->cal_seconds, c, sizeof(c));
    fprintf(out,
            "estimate:     about %s of collection, scaled from the median of %u "
            "calls of %zu samples on each of %zu of %zu points (%zu calls in %s); "
            "the SP 800-90B analysis of each call comes on top\n",
            d, CAL_CALLS, x->cal_samples, x->cal_points, exp->n_points, x->cal_calls,
            c);
    format_duration(x->longest, d, sizeof(d));
    fprintf(out,
            "longest call: about %s (a first Ctrl-C lets the call in "
            "progress finish, a second ends it at once); receivers live as long as "
            "their call; a send blocked for %u s ends its call (watchdog: "
            "MB_OP_ABORTED)\n",
            d, MB_STALL_LIMIT_MS / 1000u);
  } else {
    fprintf(out, "estimate:     none: %s\n",
            x->available ? x->reason : "the collector is not available here");
  }
}

static json_t *plan_json(const struct mb_experiment *exp, const struct plan_extra *x)
{
  json_t *o = json_object(), *pts = json_array(), *calls = json_array(),
         *est = json_array(), *src = json_object(), *e = json_object();
  uint64_t per_call = mb_experiment_timings_per_call(exp);
  size_t i;

  if (!o || !pts || !calls || !est || !src || !e) {
    json_decref(o);
    json_decref(pts);
    json_decref(calls);
    json_decref(est);
    json_decref(src);
    json_decref(e);
    return NULL;
  }
  json_object_set_new(o, "experiment", json_string(exp->name));
  mb_json_set_path(o, "file", exp->path);
  json_object_set_new(o, "sha256", json_string(exp->sha256));
  json_object_set_new(o, "description",
                      exp->description ? json_string(exp->description) : json_null());
  json_object_set_new(src, "name", json_string(exp->source));
  json_object_set_new(src, "default", json_boolean(exp->source_default));
  json_object_set_new(src, "available", json_boolean(x->available));
  if (!x->available)
    json_object_set_new(src, "reason", mb_json_path(x->reason));
  json_object_set_new(o, "source", src);
  mb_json_set_path(o, "replay", exp->replay);
  {
    json_t *vs = json_array();
    unsigned v;

    for (v = 0; vs && v < MB_VARIANT_COUNT; v++)
      if (mb_source_has_variant(exp->source, (enum mb_variant)v))
        json_array_append_new(vs, json_string(mb_variant_name((enum mb_variant)v)));
    json_object_set_new(o, "variants", vs ? vs : json_null());
  }
  json_object_set_new(o, "samples", json_integer((json_int_t)exp->samples));
  json_object_set_new(o, "timings_per_call", json_integer((json_int_t)per_call));
  json_object_set_new(o, "repetitions", json_integer((json_int_t)exp->repetitions));
  json_object_set_new(o, "warmup", json_integer((json_int_t)exp->warmup));
  json_object_set_new(o, "order", json_string(mb_order_name(exp->order)));
  json_object_set_new(o, "seed",
                      exp->order == MB_ORDER_SHUFFLED
                          ? json_integer((json_int_t)exp->seed)
                          : json_null());
  json_object_set_new(o, "seed_drawn", json_boolean(exp->seed_drawn));
  json_object_set_new(o, "raw_bits", json_integer((json_int_t)exp->raw_bits));
  for (i = 0; i < MB_EST_COUNT; i++) {
    static const char *const keys[] = {
#define MB_X(id, key, title, section) key,
        MB_ESTIMATOR_TABLE(MB_X)
#undef MB_X
    };
    if (exp->estimators & (1u << i))
      json_array_append_new(est, json_string(keys[i]));
  }
  json_object_set_new(o, "estimators", est);
  json_object_set_new(o, "bitstring", json_boolean(exp->bitstring));
  json_object_set_new(o, "iid", json_boolean(exp->iid));
  json_object_set_new(o, "health_alpha", json_real(exp->health_alpha));
  mb_json_set_path(o, "output", exp->output);
  json_object_set_new(o, "inject_constant", json_real(exp->inject_constant));
  for (i = 0; i < exp->n_points; i++)
    json_array_append_new(
        pts, json_pack("{s:I, s:s, s:s, s:I, s:I, s:s}", "index", (json_int_t)i, "mode",
                       mb_mode_name(exp->points[i].mode), "variant",
                       mb_variant_name(exp->points[i].variant), "num_ports",
                       (json_int_t)exp->points[i].num_ports, "ool_size",
                       (json_int_t)exp->points[i].ool_size, "placement",
                       mb_placement_name(exp->points[i].placement)));
  json_object_set_new(o, "points", pts);
  for (i = 0; i < exp->n_calls; i++)
    if (mb_experiment_in_shard(exp, &exp->calls[i]))
      json_array_append_new(calls, json_pack("[I, I]", (json_int_t)exp->calls[i].point,
                                             (json_int_t)exp->calls[i].repetition));
  json_object_set_new(o, "calls", calls);
  /* The slice shown; calls lists only its calls, in the order they run. */
  json_object_set_new(o, "shard",
                      exp->shard.count
                          ? json_pack("{s:I,s:I,s:I,s:I}", "index",
                                      (json_int_t)exp->shard.index, "count",
                                      (json_int_t)exp->shard.count, "calls",
                                      (json_int_t)exp->n_shard_calls, "plan_calls",
                                      (json_int_t)exp->n_calls)
                          : json_null());
  json_object_set_new(
      o, "timings_total",
      json_integer((json_int_t)((exp->n_shard_calls + exp->warmup) * per_call)));
  if (x->estimated) {
    json_object_set_new(e, "seconds", json_real(x->seconds));
    json_object_set_new(e, "longest_call_seconds", json_real(x->longest));
    json_object_set_new(e, "stall_limit_seconds",
                        json_real((double)MB_STALL_LIMIT_MS / 1000.0));
    json_object_set_new(e, "covers", json_string("collection only"));
    json_object_set_new(e, "calibration_calls", json_integer((json_int_t)x->cal_calls));
    json_object_set_new(e, "calibration_samples",
                        json_integer((json_int_t)x->cal_samples));
    json_object_set_new(e, "calibration_points",
                        json_integer((json_int_t)x->cal_points));
    json_object_set_new(e, "calibration_seconds", json_real(x->cal_seconds));
  } else {
    json_object_set_new(e, "seconds", json_null());
    json_object_set_new(
        e, "reason",
        mb_json_path(x->available ? x->reason : "the collector is not available here"));
  }
  json_object_set_new(o, "estimate", e);
  return o;
}

/* Validate one file; print its plan. */
static int validate_one(const char *path, int as_json, int want_estimate,
                        const struct mb_shard *shard, json_t *all, int *printed,
                        struct mb_error *err)
{
  struct mb_experiment exp;
  struct plan_extra x;
  int rc;

  rc = mb_experiment_load(path, &exp, err);
  if (rc == MB_OK)
    rc = mb_experiment_set_shard(&exp, shard, err);
  if (rc == MB_OK)
    rc = inspect(&exp, want_estimate, &x, err);
  if (rc == MB_OK) {
    if (as_json) {
      json_t *o = plan_json(&exp, &x);

      if (!o || json_array_append_new(all, o) != 0)
        rc = mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    } else {
      if ((*printed)++)
        printf("\n");
      print_text(stdout, &exp, &x);
    }
  }
  mb_experiment_cleanup(&exp);
  return rc;
}

int mb_cmd_validate(int argc, char **argv, struct mb_error *err)
{
  struct mb_optparse p;
  const char **files;
  size_t n_files = 0, failed = 0, i;
  int as_json = 0, want_estimate = 1, first_rc = MB_OK, printed = 0, id, rc0;
  struct mb_shard shard = {0, 0};
  json_t *all = NULL;

  files = calloc((size_t)argc + 1, sizeof(*files));
  if (!files)
    return mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
  mb_opt_init(&p, argc, argv, "validate");
  while ((id = mb_opt_next(&p, options, N_OPTIONS, err)) != MB_OPT_END) {
    switch (id) {
    case OPT_HELP:
      usage(stdout);
      free(files);
      return MB_OK;
    case OPT_JSON:
      as_json = 1;
      break;
    case OPT_NO_ESTIMATE:
      want_estimate = 0;
      break;
    case OPT_SHARD:
      rc0 = mb_shard_parse(p.arg, "validate: --shard", &shard, err);
      if (rc0 != MB_OK) {
        free(files);
        return rc0;
      }
      break;
    case MB_OPT_POSITIONAL:
      files[n_files++] = p.arg;
      break;
    default:
      free(files);
      return id;
    }
  }
  if (n_files == 0) {
    free(files);
    return mb_cli_missing(err, "validate", "EXPERIMENT.json (one or more files)",
                          "mebench validate [OPTIONS] EXPERIMENT.json...");
  }
  if (as_json && !(all = json_array())) {
    free(files);
    return mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
  }
  for (i = 0; i < n_files; i++) {
    struct mb_error one;
    int rc;

    mb_error_init(&one);
    rc = validate_one(files[i], as_json, want_estimate, &shard, all, &printed,
                      n_files == 1 ? err : &one);
    if (rc != MB_OK && as_json) {
      /* An invalid file has its entry too, with the error, so the array
       * says what became of every file given. */
      const struct mb_error *e = n_files == 1 ? err : &one;
      json_t *o = json_object(),
             *je = json_pack("{s:s, s:i, s:i, s:i, s:s}", "status",
                             mb_status_name(e->code), "exit", mb_status_exit(e->code),
                             "line", e->line, "column", e->column, "path", e->path);

      if (o && je && mb_json_set_path(je, "source", e->source) == 0 &&
          json_object_set_new(je, "text", mb_json_path(e->text)) == 0 &&
          mb_json_set_path(o, "file", files[i]) == 0 &&
          json_object_set_new(o, "error", je) == 0 &&
          json_array_append_new(all, o) == 0) {
        o = je = NULL;
      }
      json_decref(o);
      json_decref(je);
    }
    if (rc != MB_OK) {
      char buf[2048];

      if (n_files > 1) {
        /* Keep plans and messages in file order when both go to one place. */
        fflush(stdout);
        fprintf(stderr, "mebench: %s\n", mb_error_format(&one, buf, sizeof(buf)));
      }
      if (first_rc == MB_OK)
        first_rc = rc;
      failed++;
    }
  }
  if (as_json) {
    /* Always an array, one entry per file in order, however many. */
    json_dumpf(all, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    printf("\n");
    json_decref(all);
  }
  free(files);
  if (failed && n_files > 1)
    return mb_error_set(err, first_rc, NULL, 0, 0, NULL,
                        "validate: %zu of %zu experiment files are invalid", failed,
                        n_files);
  return first_rc;
}
