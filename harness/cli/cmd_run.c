/* cmd_run.c: `mebench run`, the sweep from the command line. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "commands.h"
#include "jsonpath.h"
#include "experiment.h"
#include "results.h"
#include "runner.h"
#include "source.h"

enum { OPT_HELP = 1, OPT_MACHINE, OPT_OUTPUT, OPT_QUIET, OPT_RESUME, OPT_SHARD };

static const struct mb_opt opts[] = {
    {"help", 'h', NULL, OPT_HELP, "show this help"},
    {"machine", 'm', "NAME", OPT_MACHINE,
     "name the machine in run.json (machine.label); merge groups runs by it"},
    {"output", 'o', "DIR", OPT_OUTPUT,
     "results root (default: the experiment's output, \"results\")"},
    {"quiet", 'q', NULL, OPT_QUIET, "no progress and no closing table on stderr"},
    {"resume", 'r', "RESULTS_DIR", OPT_RESUME,
     "complete the missing calls of an interrupted run"},
    {"shard", 's', "K/N", OPT_SHARD,
     "run only shard K of N: repetitions r with r mod N = K-1 of every point"},
};
#define N_OPTS (sizeof(opts) / sizeof(opts[0]))

static volatile sig_atomic_t stop_signal, signals_seen, call_now, call_total;

/* Append the decimal digits of v to buf at *len (async-signal-safe). */
static void put_uint(char *buf, size_t *len, size_t cap, long v)
{
  char digits[24];
  size_t n = 0;

  if (v < 0)
    v = 0;
  do {
    digits[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v > 0 && n < sizeof(digits));
  while (n > 0 && *len + 1 < cap)
    buf[(*len)++] = digits[--n];
}

static void put_text(char *buf, size_t *len, size_t cap, const char *s)
{
  while (*s && *len + 1 < cap)
    buf[(*len)++] = *s++;
}

/* First SIGINT or SIGTERM: say at once what happens (the call in progress
 * finishes, then the run stops, keeping everything). Second: end the call
 * in progress now (mb_sources_interrupt: within about 0.1 s; that call is
 * discarded, the recorded ones stay). Third: the default action, for a
 * process that does not stop. Only async-signal-safe calls here. */
static void on_signal(int sig)
{
  char msg[160];
  size_t len = 0;
  ssize_t w;

  signals_seen++;
  stop_signal = sig;
  if (signals_seen == 1) {
    put_text(msg, &len, sizeof(msg), "\nmebench: stopping: finishing ");
    if (call_now > 0) {
      put_text(msg, &len, sizeof(msg), "call ");
      put_uint(msg, &len, sizeof(msg), (long)call_now);
      put_text(msg, &len, sizeof(msg), "/");
      put_uint(msg, &len, sizeof(msg), (long)call_total);
    } else {
      put_text(msg, &len, sizeof(msg), "the warm-up call");
    }
    put_text(msg, &len, sizeof(msg), "; Ctrl-C again to stop now\n");
  } else if (signals_seen == 2) {
    mb_sources_interrupt();
    put_text(msg, &len, sizeof(msg),
             "\nmebench: stopping now; the call in progress is discarded\n");
  } else {
    signal(sig, SIG_DFL);
    raise(sig);
    return;
  }
  w = write(STDERR_FILENO, msg, len);
  (void)w;
}

static const char *stop_reason(void)
{
  return stop_signal == SIGTERM  ? "SIGTERM"
         : stop_signal == SIGINT ? "SIGINT"
                                 : "a signal";
}

static void usage(FILE *out)
{
  fprintf(
      out,
      "Usage: mebench run [OPTIONS] [--shard K/N] EXPERIMENT.json\n"
      "       mebench run [OPTIONS] --resume RESULTS_DIR [EXPERIMENT.json]\n\n"
      "Run every call of the experiment's sweep with the full collector (after its\n"
      "warm-up calls), record every raw timing, and write the SP 800-90B estimates\n"
      "and statistics of each call to results/<name>/<UTC time>-<host>/ (run.json,\n"
      "summary.csv, raw/; see results/README.md). SIGINT or SIGTERM stops after the\n"
      "call in progress, keeping everything measured (exit 130); a second one ends\n"
      "the call in progress at once (it is discarded, the recorded calls stay);\n"
      "--resume completes such a run when the experiment file, the mebench build\n"
      "and the machine are the same. The run directory is printed on stdout.\n\n"
      "--shard K/N runs one of N disjoint slices of the plan (whole repetitions of\n"
      "every point), for spreading one experiment over N machines or CI jobs;\n"
      "`mebench merge` joins the N results into one run. --machine NAME names the\n"
      "machine for merge, which joins runs of one name as one machine (e.g. a CI\n"
      "runner type whose shards ran on different hosts) and runs of different\n"
      "names as a study.\n\n"
      "Options:\n");
  mb_opt_print(out, opts, N_OPTS);
  fprintf(out, "\n");
  mb_cli_print_exit_codes_of(out, MB_EXITS_COMMON | MB_EXIT_BIT(INVALID) |
                                      MB_EXIT_BIT(UNAVAILABLE) | MB_EXIT_BIT(MISMATCH) |
                                      MB_EXIT_BIT(INTERRUPTED));
}

/* The shard a run records in run.json ("shard": {"index", "count"}); count
 * 0 when it holds the whole plan. */
static void recorded_shard(const char *dir, struct mb_shard *out)
{
  json_t *doc = NULL, *sh;

  out->index = out->count = 0;
  if (mb_results_load_run(dir, &doc, NULL) != MB_OK)
    return;
  sh = json_object_get(doc, "shard");
  if (json_is_integer(json_object_get(sh, "index")) &&
      json_is_integer(json_object_get(sh, "count")) &&
      json_integer_value(json_object_get(sh, "index")) > 0 &&
      json_integer_value(json_object_get(sh, "count")) > 0) {
    out->index = (size_t)json_integer_value(json_object_get(sh, "index"));
    out->count = (size_t)json_integer_value(json_object_get(sh, "count"));
  }
  json_decref(doc);
}

/* Resuming from another directory: a replay path relative to where the run
 * started no longer resolves; the run records it absolute in source.replay. */
static void use_recorded_replay(const char *dir, struct mb_experiment *exp)
{
  json_t *doc = NULL;
  char *rec;

  if (!exp->replay || access(exp->replay, R_OK) == 0 ||
      mb_results_load_run(dir, &doc, NULL) != MB_OK)
    return;
  rec = mb_json_get_path(json_object_get(doc, "source"), "replay");
  if (rec && rec[0] == '/' && access(rec, R_OK) == 0) {
    free(exp->replay);
    exp->replay = rec;
    rec = NULL;
  }
  free(rec);
  json_decref(doc);
}

int mb_cmd_run(int argc, char **argv, struct mb_error *err)
{
  struct mb_optparse p;
  struct mb_runner_options ro;
  struct mb_experiment exp;
  struct sigaction sa, old_int, old_term;
  const char *file = NULL;
  char *recorded = NULL, *text = NULL, *dir = NULL;
  char dirbuf[4096];
  size_t text_len = 0;
  struct mb_shard shard = {0, 0};
  int quiet = 0, id, rc, sharded = 0;

  memset(&ro, 0, sizeof(ro));
  mb_opt_init(&p, argc, argv, "run");
  while ((id = mb_opt_next(&p, opts, N_OPTS, err)) != MB_OPT_END) {
    switch (id) {
    case OPT_HELP:
      usage(stdout);
      return MB_OK;
    case OPT_OUTPUT:
      ro.output = p.arg;
      break;
    case OPT_QUIET:
      quiet = 1;
      break;
    case OPT_RESUME:
      ro.resume_dir = mb_opt_dir(p.arg, dirbuf, sizeof(dirbuf));
      break;
    case OPT_MACHINE: {
      size_t i, n = strlen(p.arg);

      for (i = 0; i < n; i++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-",
                    p.arg[i]))
          break;
      if (i < n || n > 48 || strcmp(p.arg, ".") == 0 || strcmp(p.arg, "..") == 0)
        return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                            "run: --machine '%s': expected 1 to 48 letters, digits, "
                            "'.', '_' or '-' (it names a folder of a study)",
                            p.arg);
      ro.machine_label = p.arg;
      break;
    }
    case OPT_SHARD:
      rc = mb_shard_parse(p.arg, "run: --shard", &shard, err);
      if (rc != MB_OK)
        return rc;
      sharded = 1;
      break;
    case MB_OPT_POSITIONAL:
      if (file)
        return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                            "run: one experiment file expected, got '%s' and '%s'",
                            file, p.arg);
      file = p.arg;
      break;
    default:
      return id; /* MB_EUSAGE, err filled */
    }
  }
  if (ro.resume_dir && ro.machine_label)
    return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                        "run: --machine and --resume exclude each other (a resumed run "
                        "keeps its name)");
  if (ro.resume_dir && ro.output)
    return mb_error_set(
        err, MB_EUSAGE, NULL, 0, 0, NULL,
        "run: --output and --resume exclude each other (a resumed run stays "
        "in its directory)");
  if (!file && ro.resume_dir) {
    rc = mb_runner_recorded_experiment(ro.resume_dir, &recorded, &text, &text_len, err);
    if (rc != MB_OK)
      return rc;
    file = recorded;
  }
  if (!file)
    return mb_cli_missing(
        err, "run",
        "EXPERIMENT.json (the experiment to run, or --resume "
        "RESULTS_DIR)",
        "mebench run [OPTIONS] [--shard K/N] EXPERIMENT.json, or "
        "mebench run [OPTIONS] --resume RESULTS_DIR [EXPERIMENT.json]");

  /* Resuming without a file: the experiment's own bytes from run.json, so it
   * works from any directory and cannot pick up a file edited since; named
   * by its recorded path, against which a replay file is resolved. */
  if (text) {
    struct mb_error inner;

    mb_error_init(&inner);
    rc = mb_experiment_load_buffer(text, text_len, file, &exp, &inner);
    if (rc == MB_OK) {
      use_recorded_replay(ro.resume_dir, &exp);
    } else if (rc == MB_EINVALID) {
      /* The bytes came from run.json, not from the user's file: blame the
       * record, and say how to resume anyway. */
      char what[1400], where[4200];

      mb_error_format(&inner, what, sizeof(what));
      snprintf(where, sizeof(where), "%s/run.json", ro.resume_dir);
      rc = mb_error_set(err, MB_EINVALID, where, 0, 0, "experiment.text",
                        "the experiment recorded in the run is damaged (%s); name the "
                        "experiment file to resume with it: mebench run --resume %s "
                        "EXPERIMENT.json",
                        what, ro.resume_dir);
    } else {
      *err = inner;
    }
  } else
    rc = mb_experiment_load(file, &exp, err);
  /* A resumed shard stays the shard it was: its slice comes from run.json
   * (a --shard that says otherwise is refused by the runner). */
  if (rc == MB_OK && ro.resume_dir && !sharded)
    recorded_shard(ro.resume_dir, &shard);
  if (rc == MB_OK)
    rc = mb_experiment_set_shard(&exp, &shard, err);
  if (rc == MB_OK) {
    ro.progress = quiet ? NULL : stderr;
    ro.progress_tty = -1;
    ro.stop = &stop_signal;
    ro.stop_reason = stop_reason;
    ro.progress_call = &call_now;
    ro.progress_total = &call_total;
    stop_signal = 0;
    signals_seen = 0;
    call_now = 0;
    call_total = 0;
    mb_sources_interrupt_clear();
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    /* SA_RESTART: the collector's system calls carry on undisturbed; the
     * runner looks at the flag between calls, the collectors at the
     * interrupt request between operations. */
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    rc = mb_runner_run(&exp, &ro, &dir, err);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    mb_sources_interrupt_clear();
    if (dir) {
      printf("%s\n", dir);
      fflush(stdout);
    }
  }
  mb_experiment_cleanup(&exp);
  free(dir);
  free(recorded);
  free(text);
  return rc;
}
