/* cmd_baseline.c: `mebench baseline RESULTS_DIR NAME`: keep a run's summaries
 * as a named, committable baseline for `mebench compare`. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "commands.h"
#include "compare.h"
#include "fsutil.h"
#include "plural.h"
#include "results.h"

enum { OPT_DIR = 1, OPT_FORCE, OPT_HELP };

static const struct mb_opt opts[] = {
    {"dir", 'd', "DIR", OPT_DIR, "where baselines live (results/baselines)"},
    {"force", 'f', NULL, OPT_FORCE,
     "replace an existing baseline; accept a run that is not complete"},
    {"help", 'h', NULL, OPT_HELP, "show this help"},
};
#define N_OPTS (sizeof(opts) / sizeof(opts[0]))

#define USAGE "mebench baseline RESULTS_DIR [RESULTS_DIR...] NAME [OPTIONS]"

static void usage(FILE *out)
{
  fprintf(out, "Usage: " USAGE "\n\n"
               "Keep the run in RESULTS_DIR (or its run.json) as the baseline NAME:\n"
               "DIR/NAME.json holds the run's provenance, plan and per-call summaries\n"
               "(entropy assessments, statistics, rates) without the raw files, small\n"
               "enough to commit. `mebench compare DIR/NAME.json CURRENT` compares\n"
               "against it. An existing baseline is never replaced without --force.\n"
               "Several runs of the same experiment file are pooled into one baseline\n"
               "(each run once); NAME.json is taken as NAME.\n\n"
               "Options:\n");
  mb_opt_print(out, opts, N_OPTS);
  fprintf(out, "\n");
  mb_cli_print_exit_codes_of(out, MB_EXITS_COMMON | MB_EXIT_BIT(INVALID) |
                                      MB_EXIT_BIT(MISMATCH));
}

static int valid_name(const char *name)
{
  size_t i, n = strlen(name);

  if (n == 0 || n > 100 || name[0] == '.' || name[0] == '-')
    return 0;
  for (i = 0; i < n; i++) {
    char c = name[i];

    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
          c == '_' || c == '-' || c == '.'))
      return 0;
  }
  return 1;
}

/* Now in UTC ISO 8601, or SOURCE_DATE_EPOCH when set (reproducible files). */
static void utc_now(char out[32])
{
  const char *sde = getenv("SOURCE_DATE_EPOCH");

  mb_results_iso_time(sde && *sde ? (time_t)strtoll(sde, NULL, 10) : time(NULL), out);
}

/* The document indented, except that each call takes one compact line: a
 * baseline is read in diffs, where a call is the unit that changes, and it
 * stays small. The calls come last. Returns a new string or NULL. */
static char *format_baseline(json_t *doc)
{
  json_t *calls = json_incref(json_object_get(doc, "calls"));
  char *head, *out = NULL, *grown;
  size_t i, len, cap;

  json_object_del(doc, "calls");
  head = json_dumps(doc, JSON_INDENT(1) | JSON_COMPACT | JSON_REAL_PRECISION(17));
  json_object_set(doc, "calls", calls);
  len = head ? strlen(head) : 0;
  if (!head || len < 2 || head[len - 1] != '}')
    goto done;
  cap = len + 64;
  out = malloc(cap);
  if (!out)
    goto done;
  /* "{\n ...\n}" becomes "{\n ...,\n \"calls\":[\n" */
  memcpy(out, head, len - 2);
  len -= 2;
  memcpy(out + len, ",\n \"calls\":[\n", 13);
  len += 13;
  for (i = 0; i < json_array_size(calls); i++) {
    char *one =
        json_dumps(json_array_get(calls, i), JSON_COMPACT | JSON_REAL_PRECISION(17));
    size_t n = one ? strlen(one) : 0;

    grown = one ? realloc(out, len + n + 8) : NULL;
    if (!grown) {
      free(one);
      free(out);
      out = NULL;
      goto done;
    }
    out = grown;
    memcpy(out + len, "  ", 2);
    memcpy(out + len + 2, one, n);
    len += n + 2;
    if (i + 1 < json_array_size(calls))
      out[len++] = ',';
    out[len++] = '\n';
    free(one);
  }
  grown = realloc(out, len + 8);
  if (!grown) {
    free(out);
    out = NULL;
    goto done;
  }
  out = grown;
  memcpy(out + len, " ]\n}\n", 6); /* with the NUL */
done:
  free(head);
  json_decref(calls);
  return out;
}

/* A baseline this command wrote names its schema first (format_baseline). */
static int is_baseline(const unsigned char *head, size_t n)
{
  static const char schema[] = "\"mebench-baseline/1\"";
  size_t i, k = sizeof(schema) - 1;

  for (i = 0; i + k <= n && i < 64; i++)
    if (memcmp(head + i, schema, k) == 0)
      return 1;
  return 0;
}

static const struct mb_fs_kind baseline_kind = {"a mebench baseline", is_baseline};

#define MAX_POOLED 64

int mb_cmd_baseline(int argc, char **argv, struct mb_error *err)
{
  struct mb_optparse p;
  struct mb_compare_run *runs;
  const struct mb_compare_run *pool[MAX_POOLED];
  const char *args[MAX_POOLED + 1];
  const char *dir = "results/baselines", *name;
  char path[600], created[32], bare[128];
  size_t nargs = 0, n_runs, calls, k, loaded = 0;
  int force = 0, id, status = MB_OK;
  json_t *doc = NULL;
  char *text = NULL;

  mb_opt_init(&p, argc, argv, "baseline");
  while ((id = mb_opt_next(&p, opts, N_OPTS, err)) != MB_OPT_END) {
    switch (id) {
    case MB_OPT_POSITIONAL:
      if (nargs == MAX_POOLED + 1)
        return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                            "baseline: at most %d runs can be pooled", MAX_POOLED);
      args[nargs++] = p.arg;
      break;
    case OPT_DIR:
      dir = p.arg;
      break;
    case OPT_FORCE:
      force = 1;
      break;
    case OPT_HELP:
      usage(stdout);
      return MB_OK;
    default:
      return id < 0 ? id : MB_EUSAGE;
    }
  }
  if (nargs < 2)
    return mb_cli_missing(err, "baseline",
                          nargs == 0 ? "RESULTS_DIR (the run to keep) and NAME"
                                     : "NAME (or RESULTS_DIR): a run and a name are "
                                       "both needed",
                          USAGE);
  name = args[nargs - 1];
  n_runs = nargs - 1;
  {
    /* NAME.json is what users see in results/baselines/: accept it as NAME
     * rather than writing NAME.json.json. */
    size_t len = strlen(name);

    if (len > 5 && len < sizeof(bare) && strcmp(name + len - 5, ".json") == 0) {
      memcpy(bare, name, len - 5);
      bare[len - 5] = '\0';
      name = bare;
    }
  }
  if (!valid_name(name))
    return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                        "baseline: name '%s': expected 1 to 100 of A-Z a-z 0-9 _ - . "
                        "not starting with '.' or '-'",
                        name);
  if (snprintf(path, sizeof(path), "%s/%s.json", dir, name) >= (int)sizeof(path))
    return mb_error_set(err, MB_EUSAGE, dir, 0, 0, NULL, "path is too long");
  runs = calloc(n_runs, sizeof(*runs));
  if (!runs)
    return mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
  for (k = 0; k < n_runs && status == MB_OK; k++) {
    status = mb_compare_run_load(args[k], &runs[k], err);
    loaded = k + 1;
    pool[k] = &runs[k];
    if (status == MB_OK && !force && strcmp(runs[k].status, "complete") != 0)
      status = mb_error_set(err, MB_EINVALID, runs[k].path, 0, 0, "status",
                            "the run is %s, not complete: a baseline should be made of "
                            "whole runs (--force keeps it anyway)",
                            *runs[k].status ? runs[k].status : "of unknown status");
  }
  /* The same run twice (a path repeated, or a copy of a run directory)
   * would double its repetitions and fake the significance compare finds. */
  for (k = 1; k < n_runs && status == MB_OK; k++) {
    size_t j;

    for (j = 0; j < k && status == MB_OK; j++)
      if (json_array_size(json_object_get(runs[j].root, "calls")) > 0 &&
          json_equal(json_object_get(runs[j].root, "calls"),
                     json_object_get(runs[k].root, "calls")))
        status = mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                              "baseline: %s and %s hold the same run; pooling it "
                              "twice would count its repetitions twice",
                              runs[j].path, runs[k].path);
  }
  if (status == MB_OK) {
    utc_now(created);
    doc = mb_compare_make_baseline(pool, n_runs, name, created, err);
    if (!doc)
      status = err && err->code ? err->code : MB_ENOMEM;
  }
  if (status == MB_OK) {
    text = format_baseline(doc);
    if (!text)
      status = mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
  }
  if (status == MB_OK)
    status = mb_fs_mkdirs(dir, 0777, "the folder", err);
  if (status == MB_OK) {
    size_t len = strlen(text);

    calls = json_array_size(json_object_get(doc, "calls"));
    status = mb_fs_write_output(
        path, text, len, &baseline_kind, force ? 0 : MB_FS_KEEP,
        force ? NULL : "already exists (use --force to replace it)", err);
    if (status == MB_OK)
      printf("baseline '%s': %s (%zu run%s, %zu point%s, %zu call%s, %zu byte%s)\n",
             name, path, n_runs, mb_s(n_runs),
             json_array_size(json_object_get(doc, "points")),
             mb_s(json_array_size(json_object_get(doc, "points"))), calls, mb_s(calls),
             len, mb_s(len));
  }
  free(text);
  json_decref(doc);
  for (k = 0; k < loaded; k++)
    mb_compare_run_cleanup(&runs[k]);
  free(runs);
  return status;
}
