/* cmd_run.c: `mebench run`, the sweep from the command line. */
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
#include "stop.h"

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
  struct mb_stop_saved saved;
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
    ro.stop = mb_stop_flag();
    ro.stop_reason = mb_stop_reason;
    ro.progress_call = mb_stop_progress_call();
    ro.progress_total = mb_stop_progress_total();
    mb_stop_install(&saved);
    rc = mb_runner_run(&exp, &ro, &dir, err);
    mb_stop_restore(&saved);
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
