/* cmd_restart.c: `mebench restart`: the SP 800-90B §3.1.4 restart tests.
 * Collects, per point of an experiment, 1,000 independent full collect
 * calls (each starts the collector from nothing: pool set-up, receiver,
 * timed operations, clean-up) and keeps 1,000 samples of each as one row
 * of the point's restart matrix; writes the matrix as ea_restart reads it
 * and runs the sanity check and the row and column estimates. Or, with
 * --matrix, analyses a matrix file someone else collected. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "commands.h"
#include "experiment.h"
#include "fsutil.h"
#include "jsonpath.h"
#include "plural.h"
#include "restart.h"
#include "results.h"
#include "source.h"
#include "stop.h"
#include "sysinfo.h"

enum {
  OPT_BITS = 1,
  OPT_H_INITIAL,
  OPT_HELP,
  OPT_JSON,
  OPT_KIND,
  OPT_MATRIX,
  OPT_OUTPUT,
  OPT_QUIET,
  OPT_THREADS,
};

static const struct mb_opt options[] = {
    {"bits", 'b', "N", OPT_BITS, "--matrix: bits per sample, 1..8 (default: inferred)"},
    {"h-initial", 0, "H", OPT_H_INITIAL,
     "the initial entropy estimate H_I per sample (default: the rows' own)"},
    {"help", 'h', NULL, OPT_HELP, "show this help"},
    {"json", 0, NULL, OPT_JSON, "print the results as JSON"},
    {"kind", 0, "raw|bytes", OPT_KIND,
     "samples of each restart: raw symbols (analysis.raw_bits; default) or "
     "extracted bytes"},
    {"matrix", 'm', "FILE", OPT_MATRIX,
     "analyse a 1000x1000 matrix file (row i = restart i; - reads standard input) "
     "instead of collecting"},
    {"output", 'o', "DIR", OPT_OUTPUT,
     "where the matrices and restart.json go, checked before any call (default: "
     "a new <output>/<name>-restart/<UTC time>-<host> directory)"},
    {"quiet", 'q', NULL, OPT_QUIET,
     "a collection: no progress on stderr (errors are still said)"},
    {"threads", 'j', "N", OPT_THREADS,
     "worker threads, 0..64, 0 = all cores (default 0)"},
};
#define N_OPTIONS (sizeof(options) / sizeof(options[0]))

/* restart.json's schema (results/README.md, "Restart tests"). */
#define MB_RESTART_SCHEMA "mebench-restart/1"

static void usage(FILE *out)
{
  fprintf(
      out,
      "Usage: mebench restart [OPTIONS] EXPERIMENT.json\n"
      "       mebench restart --matrix FILE [--bits N] [--h-initial H] [--threads N]\n"
      "                       [--json]\n\n"
      "The restart tests of NIST SP 800-90B section 3.1.4. For every point of the\n"
      "experiment, 1,000 independent collect calls (the full collector each time),\n"
      "in the experiment's order (sequential: point by point; interleaved and\n"
      "shuffled: restart by restart, round-robin over the points); the first 1,000\n"
      "samples of call i form row i of the point's matrix, written to\n"
      "DIR/pP.restart.bin row after row, one sample per byte, as NIST's ea_restart\n"
      "reads it. Then the sanity check (3.1.4.3: the most common value's count in\n"
      "any row or column against the cut-off for H_I at alpha = 1 - 0.99^(1/2000))\n"
      "and the validation (3.1.4.2: the non-IID estimates of the rows and of the\n"
      "columns, H_r and H_c, must reach H_I / 2); the restart-validated entropy is\n"
      "min(H_r, H_c, H_I). Results go to DIR/restart.json and standard output\n"
      "(--json: restart.json itself); progress goes to stderr unless --quiet.\n"
      "Options, the collector and DIR are checked before the first call. Every\n"
      "point is analysed even when another fails; each failure is said, and the\n"
      "worst sets the exit code. Interrupted (SIGINT, SIGTERM: exit 130) or\n"
      "stopped by a collector error, it keeps the rows collected so far (a point\n"
      "with all 1,000: DIR/pP.restart.bin, for --matrix; fewer:\n"
      "DIR/pP.restart.partial.bin) and says so in restart.json (\"status\").\n"
      "A matrix of one value fails the sanity check against a claimed H_I; without\n"
      "--h-initial its own estimate is 0: no_entropy, nothing to check, not passed.\n"
      "The verdict is a result, not an error: exit 0 whether the tests pass or\n"
      "FAIL (as assess --iid); gate on \"pass\" (restart.json: true when every\n"
      "point passed), e.g.\n"
      "  mebench restart --json --matrix M | jq -e .pass\n"
      "  mebench restart --json --quiet EXPERIMENT.json | jq -e .pass\n\n"
      "Options:\n");
  mb_opt_print(out, options, N_OPTIONS);
  fprintf(out, "\n");
  mb_cli_print_exit_codes_of(out, MB_EXITS_COMMON | MB_EXIT_BIT(INVALID) |
                                      MB_EXIT_BIT(UNAVAILABLE) |
                                      MB_EXIT_BIT(INTERRUPTED));
}

static json_t *result_json(const struct mb_restart_result *r)
{
  json_t *o = json_object();

  if (!o)
    return NULL;
  json_object_set_new(o, "bits_per_symbol", json_integer(r->bits_per_symbol));
  json_object_set_new(o, "alphabet_size", json_integer(r->alphabet_size));
  json_object_set_new(o, "h_initial", json_real(r->h_initial));
  /* With no_entropy no check ran: its figures are null, not zeros. */
  json_object_set_new(o, "alpha", r->no_entropy ? json_null() : json_real(r->alpha));
  json_object_set_new(o, "x_cutoff",
                      r->no_entropy ? json_null() : json_integer(r->x_cutoff));
  json_object_set_new(o, "x_rows",
                      r->no_entropy ? json_null() : json_integer(r->x_rows));
  json_object_set_new(o, "x_cols",
                      r->no_entropy ? json_null() : json_integer(r->x_cols));
  json_object_set_new(o, "x_max", r->no_entropy ? json_null() : json_integer(r->x_max));
  json_object_set_new(o, "no_entropy", json_boolean(r->no_entropy));
  json_object_set_new(o, "sanity_pass",
                      r->no_entropy ? json_null() : json_boolean(r->sanity_pass));
  json_object_set_new(o, "h_r", r->h_r >= 0 ? json_real(r->h_r) : json_null());
  json_object_set_new(o, "h_c", r->h_c >= 0 ? json_real(r->h_c) : json_null());
  json_object_set_new(o, "validation_pass",
                      r->sanity_pass ? json_boolean(r->validation_pass) : json_null());
  json_object_set_new(o, "pass", json_boolean(r->pass));
  json_object_set_new(o, "h", r->h >= 0 ? json_real(r->h) : json_null());
  return o;
}

static void print_result(const char *label, const struct mb_restart_result *r)
{
  printf("%s: %u-bit samples, %u distinct value%s, H_I = %.6f\n", label,
         r->bits_per_symbol, r->alphabet_size, r->alphabet_size == 1 ? "" : "s",
         r->h_initial);
  if (r->no_entropy) {
    printf("  no entropy: the matrix's own estimate H_I is 0, so there is no claim "
           "to check\n  restart tests FAILED: no entropy awarded (--h-initial H "
           "runs the checks against a claimed H)\n");
    return;
  }
  printf("  sanity check (3.1.4.3): X_max = %u (rows %u, columns %u), cut-off %u at "
         "alpha %.6g: %s\n",
         r->x_max, r->x_rows, r->x_cols, r->x_cutoff, r->alpha,
         r->sanity_pass ? "pass" : "FAIL");
  if (r->sanity_pass) {
    printf("  validation (3.1.4.2): H_r = %.6f, H_c = %.6f, H_I / 2 = %.6f: %s\n",
           r->h_r, r->h_c, r->h_initial / 2, r->validation_pass ? "pass" : "FAIL");
  }
  if (r->pass)
    printf("  restart tests passed: h = min(H_r, H_c, H_I) = %.6f bits per sample\n",
           r->h);
  else
    printf("  restart tests FAILED: the entropy estimate is not validated\n");
}

/* Analyse m against h_initial (or, when h_initial <= 0, the matrix's own
 * non-IID estimate). */
static int analyse(const uint8_t *m, unsigned bits, double h_initial, int threads,
                   struct mb_restart_result *r, struct mb_error *err)
{
  if (h_initial <= 0) {
    struct mb_assessment *a = malloc(sizeof(*a));
    struct mb_assess_options o;
    int rc;

    if (!a)
      return mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    memset(&o, 0, sizeof(o));
    o.threads = threads;
    rc = mb_assess(m, (size_t)MB_RESTART_ROWS * MB_RESTART_COLS, bits, &o, a, err);
    h_initial = a->h_assessed;
    free(a);
    if (rc != MB_OK)
      return rc;
    /* An estimate of 0 (one value, or as good as one) is a verdict: no
     * entropy to validate and none awarded (mb_restart_analyse with H_I 0
     * says so in no_entropy), never an input error. */
    if (h_initial < 0)
      h_initial = 0;
  }
  return mb_restart_analyse(m, bits, h_initial, threads, r, err);
}

/* --matrix FILE ("-": standard input, as assess reads it). */
static int analyse_file(const char *path, unsigned bits, double h_initial, int threads,
                        int json, struct mb_error *err)
{
  const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
  unsigned char *m = NULL;
  size_t len = 0;
  struct mb_restart_result *r;
  int rc;

  /* "-" is standard input; a named file is read only when it is a regular
   * file (never blocks on a FIFO or device), no more than a matrix holds. */
  rc = mb_fs_read_input(
      path, MB_FS_STDIN, (unsigned long long)MB_RESTART_ROWS * MB_RESTART_COLS,
      "a restart matrix of 1000 x 1000 = 1000000 samples", &m, &len, err);
  if (rc != MB_OK)
    return rc;
  if (len != (size_t)MB_RESTART_ROWS * MB_RESTART_COLS) {
    free(m);
    return mb_error_set(err, MB_EINVALID, name, 0, 0, NULL,
                        "holds %zu sample%s; a restart matrix has 1000 x 1000 = "
                        "1000000 (ea_restart refuses other sizes too)",
                        len, mb_s(len));
  }
  r = malloc(sizeof(*r));
  if (!r) {
    free(m);
    return mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
  }
  rc = analyse(m, bits, h_initial, threads, r, err);
  if (rc == MB_OK) {
    if (json) {
      /* {"file": FILE, ...the result}, as assess --json names its file. */
      json_t *o = json_object(), *body = result_json(r);
      char *text = NULL;

      if (o && body && mb_json_set_path(o, "file", path) == 0 &&
          json_object_update(o, body) == 0)
        text = json_dumps(o, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
      if (text)
        puts(text);
      else
        rc = mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "cannot format JSON");
      free(text);
      json_decref(body);
      json_decref(o);
    } else {
      print_result(name, r);
    }
  } else if (err && !err->source[0]) {
    snprintf(err->source, sizeof(err->source), "%s", name);
  }
  free(r);
  free(m);
  return rc;
}

static double now_s(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Point p's matrix file: complete ("pP.restart.bin") or not
 * ("pP.restart.partial.bin"). */
static void matrix_name(size_t p, int complete, char *out, size_t n)
{
  snprintf(out, n, complete ? "p%zu.restart.bin" : "p%zu.restart.partial.bin", p);
}

/* Before a single call is made: outdir must be a directory (made if
 * missing) holding none of the files this collection can write, so that a
 * thousand calls per point are never collected only to be refused. */
static int check_output(const char *outdir, size_t np, struct mb_error *err)
{
  struct stat st;
  char path[4200], name[64];
  size_t p;
  int k, rc;

  if (stat(outdir, &st) == 0 && !S_ISDIR(st.st_mode))
    return mb_error_set(err, MB_EINVALID, outdir, 0, 0, NULL,
                        "is not a directory; --output names the directory for the "
                        "matrices and restart.json");
  rc = mb_fs_mkdirs(outdir, 0777, "the restart directory", err);
  if (rc != MB_OK)
    return rc;
  for (p = 0; p <= np; p++) {
    for (k = 0; k < 2; k++) {
      if (p < np)
        matrix_name(p, k == 0, name, sizeof(name));
      else if (k == 0)
        snprintf(name, sizeof(name), "restart.json");
      else
        break;
      snprintf(path, sizeof(path), "%s/%s", outdir, name);
      if (lstat(path, &st) == 0)
        return mb_error_set(err, MB_EEXISTS, path, 0, 0, NULL,
                            "already exists; choose another --output (nothing was "
                            "collected)");
    }
  }
  return MB_OK;
}

/* restart.json's description of a collection, before its status and
 * points: what was collected, and the provenance run.json records (the
 * build, the machine, the experiment's SHA-256), from the same helpers. */
static json_t *collection_doc(const struct mb_experiment *exp, int bytes, unsigned bits,
                              time_t started)
{
  struct mb_sysinfo si;
  struct mb_buildinfo bi;
  char when[32];

  memset(&si, 0, sizeof(si));
  mb_sysinfo_get(&si, NULL); /* what cannot be read stays empty */
  mb_sysinfo_build(&bi);
  mb_results_iso_time(started, when);
  return json_pack(
      "{s:s,s:o,s:o,s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:s,s:s}", "schema", MB_RESTART_SCHEMA,
      "mebench", mb_buildinfo_json(&bi), "machine", mb_sysinfo_json(&si), "experiment",
      exp->name, "experiment_sha256", exp->sha256, "source", exp->source, "kind",
      bytes ? "bytes" : "raw", "bits_per_symbol", (json_int_t)bits, "restarts",
      (json_int_t)MB_RESTART_ROWS, "samples_per_restart", (json_int_t)MB_RESTART_COLS,
      "order", mb_order_name(exp->order), "started", when);
}

/* A point as the experiment defines it (run.json's points: the swept axes). */
static json_t *point_doc(const struct mb_experiment *exp, size_t p)
{
  const struct mb_config *c = &exp->points[p];

  return json_pack("{s:I,s:I,s:I,s:s,s:s,s:s}", "point", (json_int_t)p, "num_ports",
                   (json_int_t)c->num_ports, "ool_size", (json_int_t)c->ool_size,
                   "mode", mb_mode_name(c->mode), "variant",
                   mb_variant_name(c->variant), "placement",
                   mb_placement_name(c->placement));
}

/* The failures of one collection: each is said on stderr when it happens
 * (the one returned is said by main), the worst (highest exit code; the
 * first of equals) is what the command returns. */
struct failures {
  size_t n;
  struct mb_error worst;
};

static void fail_point(struct failures *f, size_t p, const struct mb_error *e,
                       json_t *o)
{
  char buf[2048];

  mb_error_format(e, buf, sizeof(buf));
  if (p == SIZE_MAX)
    fprintf(stderr, "mebench: restart: %s\n", buf);
  else
    fprintf(stderr, "mebench: restart: point %zu: %s\n", p, buf);
  if (o && !json_object_get(o, "error"))
    json_object_set_new(o, "error", json_string(buf));
  if (f->n++ == 0 || mb_status_exit(e->code) > mb_status_exit(f->worst.code))
    f->worst = *e;
}

/* The end of a collection, however it ended (status "complete",
 * "interrupted" or "failed"): each point's rows are written (all 1,000:
 * pP.restart.bin; fewer: pP.restart.partial.bin), every point with all its
 * rows is analysed unless interrupted, whatever happened to the others;
 * then restart.json, also on stdout with --json. */
static int finish(const struct mb_experiment *exp, const char *outdir, const uint8_t *m,
                  const size_t *done, unsigned bits, double h_initial, int threads,
                  int json, const char *status, json_t *doc, struct failures *f,
                  struct mb_error *err)
{
  const size_t rows = MB_RESTART_ROWS, cols = MB_RESTART_COLS;
  /* Interrupted, the user wants to stop: no analysis. Stopped by the
   * collector, the points it finished are analysed. */
  int complete = strcmp(status, "complete") == 0, all_pass = complete, rc = MB_OK;
  int analysing = strcmp(status, "interrupted") != 0;
  struct mb_restart_result *r = malloc(sizeof(*r));
  json_t *pts = json_array();
  char path[4200], *text = NULL, when[32];
  size_t p;

  if (!r || !pts) {
    free(r);
    json_decref(pts);
    return mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
  }
  for (p = 0; p < exp->n_points; p++) {
    const uint8_t *pm = m + p * rows * cols;
    json_t *o = point_doc(exp, p);
    struct mb_error e;
    char name[64];
    int written = 0;

    if (!o || json_array_append_new(pts, o) != 0) {
      rc = mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
      break;
    }
    json_object_set_new(o, "rows", json_integer((json_int_t)done[p]));
    matrix_name(p, done[p] == rows, name, sizeof(name));
    snprintf(path, sizeof(path), "%s/%s", outdir, name);
    mb_error_init(&e);
    if (done[p] > 0) {
      if (mb_fs_write_atomic(path, pm, done[p] * cols, 0,
                             "already exists (made during the collection); the "
                             "matrix is not written",
                             &e) == MB_OK)
        written = 1;
      else
        fail_point(f, p, &e, o);
    }
    json_object_set_new(o, "matrix", written ? json_string(name) : json_null());
    if (!analysing || done[p] < rows) {
      json_object_set_new(o, "pass", json_false()); /* not analysed */
    } else {
      double t1 = now_s();
      char label[128];

      mb_error_init(&e);
      if (analyse(pm, bits, h_initial, threads, r, &e) == MB_OK) {
        json_t *res = result_json(r);

        if (!res || json_object_update(o, res) != 0) {
          json_decref(res);
          rc = mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
          break;
        }
        json_decref(res);
        json_object_set_new(o, "analyse_s", json_real(now_s() - t1));
        all_pass = all_pass && r->pass;
        snprintf(label, sizeof(label), "point %zu (%s)", p,
                 written ? name : "not written");
        if (!json)
          print_result(label, r);
      } else {
        json_object_set_new(o, "pass", json_false());
        all_pass = 0;
        fail_point(f, p, &e, o);
      }
    }
  }
  free(r);
  if (rc != MB_OK) {
    json_decref(pts);
    return rc;
  }
  if (complete && f->n > 0)
    status = "failed";
  mb_results_iso_time(time(NULL), when);
  json_object_set_new(doc, "status", json_string(status));
  json_object_set_new(doc, "pass", json_boolean(all_pass && f->n == 0));
  json_object_set_new(doc, "finished", json_string(when));
  json_object_set_new(doc, "points", pts);
  text = json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
  snprintf(path, sizeof(path), "%s/restart.json", outdir);
  if (!text)
    return mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
  {
    struct mb_error e;

    mb_error_init(&e);
    if (mb_fs_write_atomic(path, text, strlen(text), 0,
                           "already exists (made during the collection); restart.json "
                           "is not written",
                           &e) != MB_OK)
      fail_point(f, SIZE_MAX, &e, NULL);
  }
  /* On standard output whatever happened: a --json caller gets the record
   * of an interrupted or failed collection too. */
  if (json)
    puts(text);
  free(text);
  fflush(stdout);
  return rc;
}

static int collect(const struct mb_experiment *exp, struct mb_collector *col,
                   const char *outdir, int bytes, double h_initial, int threads,
                   int json, int quiet, struct mb_error *err)
{
  const size_t rows = MB_RESTART_ROWS, cols = MB_RESTART_COLS;
  size_t i, np = exp->n_points, total = rows * exp->n_points, n_done = 0;
  /* Enough timed operations for 1,000 raw symbols (the seed takes
   * n * 4 + 64 timings for n bytes), or 1,000 extracted bytes. */
  size_t samples = bytes ? cols : (cols - 64 + 3) / 4;
  unsigned bits = bytes ? 8 : exp->raw_bits;
  uint64_t mask = (1u << bits) - 1u;
  uint8_t *m = calloc(np * rows * cols, 1);
  size_t *done = calloc(np ? np : 1, sizeof(*done)); /* complete rows per point */
  struct mb_collection c;
  struct mb_error cerr; /* the collector's failure, if any */
  struct failures f;
  json_t *doc = collection_doc(exp, bytes, bits, time(NULL));
  const char *status;
  double t0 = now_s(), t_collect;
  int rc = MB_OK, tty = isatty(STDERR_FILENO), progress = !quiet, bar = 0;

  mb_collection_init(&c);
  mb_error_init(&cerr);
  memset(&f, 0, sizeof(f));
  if (!m || !doc || !done) {
    rc = mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    goto out;
  }
  if (progress)
    fprintf(stderr,
            "mebench: restart %s: %zu call%s (%zu point%s x %zu restarts) into %s\n",
            exp->name, total, mb_s(total), np, mb_s(np), rows, outdir);
  /* Restart i of point p; sequential order finishes a point before the next. */
  for (i = 0; i < total; i++) {
    size_t pt = exp->order == MB_ORDER_SEQUENTIAL ? i / rows : i % np;
    size_t row = exp->order == MB_ORDER_SEQUENTIAL ? i % rows : i / np;
    uint8_t *dst = m + (pt * rows + row) * cols;
    size_t j, have;
    int crc;

    if (*mb_stop_flag())
      break;
    *mb_stop_progress_total() = (sig_atomic_t)total;
    *mb_stop_progress_call() = (sig_atomic_t)(i + 1);
    crc = mb_collector_collect(col, &exp->points[pt], samples, &c, &cerr);
    if (crc == MB_EINTERRUPTED && *mb_stop_flag()) {
      mb_error_init(&cerr); /* the call in progress is discarded; the rows stay */
      break;
    }
    if (crc != MB_OK) {
      char text[sizeof(cerr.text)];

      snprintf(text, sizeof(text), "%s", cerr.text);
      snprintf(cerr.text, sizeof(cerr.text), "restart %zu of point %zu: %.700s", row,
               pt, text);
      break;
    }
    have = bytes ? c.n_bytes : c.n_timings;
    if (have < cols) {
      mb_error_set(&cerr, MB_ECOLLECT, NULL, 0, 0, NULL,
                   "restart %zu of point %zu gave %zu sample%s, fewer than %zu", row,
                   pt, have, mb_s(have), cols);
      break;
    }
    for (j = 0; j < cols; j++)
      dst[j] = bytes ? c.bytes[j] : (uint8_t)(c.timings[j] & mask);
    done[pt]++;
    n_done++;
    if (progress && (i + 1) % 100 == 0) { /* a line each on a log, one on a terminal */
      fprintf(stderr,
              tty ? "\rrestart: %zu of %zu calls" : "restart: %zu of %zu calls\n",
              i + 1, total);
      bar = tty;
    }
  }
  if (bar)
    fprintf(stderr, "\n");
  t_collect = now_s() - t0;
  json_object_set_new(doc, "collect_s", json_real(t_collect));
  json_object_set_new(doc, "calls", json_integer((json_int_t)n_done));
  status = cerr.code ? "failed" : n_done < total ? "interrupted" : "complete";
  if (cerr.code) {
    char buf[2048];

    json_object_set_new(doc, "error",
                        json_string(mb_error_format(&cerr, buf, sizeof(buf))));
  }
  rc = finish(exp, outdir, m, done, bits, h_initial, threads, json, status, doc, &f,
              err);
  if (rc != MB_OK)
    goto out;
  if (cerr.code) {
    /* The worst of the collector's failure and the points' sets the code. */
    int code = f.n > 0 && mb_status_exit(f.worst.code) > mb_status_exit(cerr.code)
                   ? f.worst.code
                   : cerr.code;

    rc = mb_error_set(err, code, cerr.source[0] ? cerr.source : NULL, cerr.line,
                      cerr.column, cerr.path[0] ? cerr.path : NULL,
                      "%s; the %zu of %zu calls collected before are kept in %s "
                      "(restart.json; pP.restart.bin, analysed, for a point with all "
                      "%zu rows, pP.restart.partial.bin for fewer)",
                      cerr.text, n_done, total, outdir, rows);
  } else if (n_done < total) {
    rc = mb_error_set(err, MB_EINTERRUPTED, outdir, 0, 0, NULL,
                      "interrupted by %s after %zu of %zu calls: the rows so far are "
                      "kept (restart.json; pP.restart.bin for a point with all %zu "
                      "rows, pP.restart.partial.bin for fewer; a matrix needs %zu rows "
                      "to be analysed)",
                      mb_stop_reason(), n_done, total, rows, rows);
  } else if (f.n > 0) {
    rc = mb_error_set(err, f.worst.code, outdir, 0, 0, NULL,
                      "%zu failure%s (each said above; restart.json names a point's): "
                      "every other point is written and analysed",
                      f.n, mb_s(f.n));
  } else if (!json) {
    printf("\n%zu restarts per point collected in %.1f s; matrices and "
           "restart.json in %s\n",
           rows, t_collect, outdir);
  }
out:
  mb_collection_cleanup(&c);
  json_decref(doc);
  free(done);
  free(m);
  return rc;
}

int mb_cmd_restart(int argc, char **argv, struct mb_error *err)
{
  struct mb_optparse p;
  struct mb_experiment exp;
  struct mb_collector *col = NULL;
  const char *file = NULL, *matrix = NULL, *output = NULL;
  long long v;
  unsigned bits = 0;
  double h_initial = 0;
  int json = 0, bytes = 0, have_kind = 0, threads = 0, quiet = 0, id, rc;
  char *dir = NULL;

  mb_opt_init(&p, argc, argv, "restart");
  while ((id = mb_opt_next(&p, options, N_OPTIONS, err)) != MB_OPT_END) {
    switch (id) {
    case OPT_BITS:
      if (mb_opt_long(p.arg, 1, 8, "restart: --bits", &v, err) != MB_OK)
        return MB_EUSAGE;
      bits = (unsigned)v;
      break;
    case OPT_H_INITIAL:
      if (mb_opt_double(p.arg, 1e-9, 8, "restart: --h-initial", &h_initial, err) !=
          MB_OK)
        return MB_EUSAGE;
      break;
    case OPT_HELP:
      usage(stdout);
      return MB_OK;
    case OPT_JSON:
      json = 1;
      break;
    case OPT_KIND:
      have_kind = 1;
      if (strcmp(p.arg, "raw") == 0)
        bytes = 0;
      else if (strcmp(p.arg, "bytes") == 0)
        bytes = 1;
      else
        return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                            "restart: --kind: expected raw or bytes, got '%s'", p.arg);
      break;
    case OPT_MATRIX:
      matrix = p.arg;
      break;
    case OPT_OUTPUT:
      output = p.arg;
      break;
    case OPT_QUIET:
      quiet = 1;
      break;
    case OPT_THREADS:
      if (mb_opt_long(p.arg, 0, 64, "restart: --threads", &v, err) != MB_OK)
        return MB_EUSAGE;
      threads = (int)v;
      break;
    case MB_OPT_POSITIONAL:
      if (file)
        return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                            "restart: one EXPERIMENT expected, got '%s' and '%s'", file,
                            p.arg);
      file = p.arg;
      break;
    default:
      return id;
    }
  }
  /* An option that would change nothing is refused, not ignored. */
  if (matrix) {
    if (file)
      return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                          "restart: --matrix analyses a file; no EXPERIMENT with it");
    if (output || have_kind || quiet)
      return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                          "restart: --%s is for a collection; --matrix only analyses "
                          "(the results go to standard output)",
                          output      ? "output"
                          : have_kind ? "kind"
                                      : "quiet");
    if (bits && h_initial > bits)
      return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                          "restart: --h-initial %g is above --bits %u: H_I is at most "
                          "the bits per sample",
                          h_initial, bits);
    return analyse_file(matrix, bits, h_initial, threads, json, err);
  }
  if (bits)
    return mb_error_set(
        err, MB_EUSAGE, NULL, 0, 0, NULL,
        "restart: --bits is for --matrix; a collection takes its width "
        "from --kind (raw: the experiment's analysis.raw_bits; bytes: 8)");
  if (!file)
    return mb_cli_missing(err, "restart", "EXPERIMENT.json (or --matrix FILE)",
                          "mebench restart [OPTIONS] EXPERIMENT.json");
  rc = mb_experiment_load(file, &exp, err);
  if (rc != MB_OK) {
    mb_experiment_cleanup(&exp);
    return rc;
  }
  /* Everything that can be checked is checked before anything is made or
   * collected: the options against the plan, then the collector (an
   * unavailable one leaves no directory behind), then the output. */
  if (h_initial > (bytes ? 8 : exp.raw_bits))
    rc = mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                      "restart: --h-initial %g is above the %u bits per sample this "
                      "collection makes (%s); H_I is at most that (nothing was "
                      "collected)",
                      h_initial, bytes ? 8u : exp.raw_bits,
                      bytes ? "--kind bytes: 8"
                            : "--kind raw: the experiment's "
                              "analysis.raw_bits");
  if (rc == MB_OK)
    rc = mb_collector_open(exp.source, mb_experiment_collector_option(&exp), &col, err);
  if (rc == MB_OK && !output) {
    struct mb_sysinfo si;
    char host[128], name[300], raw[4200];

    memset(&si, 0, sizeof(si));
    mb_sysinfo_get(&si, NULL);
    mb_sysinfo_host_label(si.hostname, host, sizeof(host));
    snprintf(name, sizeof(name), "%s-restart", exp.name);
    rc = mb_results_create_dir(exp.output ? exp.output : "results", name, host,
                               time(NULL), &dir, err);
    /* The run directory's raw/ (made with it for mebench run): a
     * restart writes nothing there, so it does not stay. */
    if (rc == MB_OK) {
      snprintf(raw, sizeof(raw), "%s/raw", dir);
      rmdir(raw);
    }
  }
  if (rc == MB_OK)
    rc = check_output(output ? output : dir, exp.n_points, err);
  if (rc == MB_OK) {
    struct mb_stop_saved saved;

    mb_stop_install(&saved);
    rc = collect(&exp, col, output ? output : dir, bytes, h_initial, threads, json,
                 quiet, err);
    mb_stop_restore(&saved);
  }
  if (col)
    mb_collector_free(col);
  free(dir);
  mb_experiment_cleanup(&exp);
  return rc;
}
