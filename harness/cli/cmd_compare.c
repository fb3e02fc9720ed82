/* cmd_compare.c: `mebench compare BASELINE CURRENT`: the CI regression gate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "compare.h"
#include "fsutil.h"
#include "plural.h"
#include "merge.h"
#include "study.h"

enum {
  OPT_ALPHA = 1,
  OPT_GAB,
  OPT_GATE_RATE,
  OPT_HELP,
  OPT_JSON,
  OPT_MARKDOWN,
  OPT_MAX_DROP,
  OPT_MIN_ENTROPY
};

static const struct mb_opt opts[] = {
    {"alpha", 0, "A", OPT_ALPHA, "significance level of the one-sided test (0.01)"},
    {"gab", 0, "FILE", OPT_GAB,
     "also write github-action-benchmark customBiggerIsBetter JSON ('-': stdout)"},
    {"gate-rate", 0, NULL, OPT_GATE_RATE,
     "gate the entropy rate (bits/s) too (same machine only)"},
    {"help", 'h', NULL, OPT_HELP, "show this help"},
    {"json", 0, NULL, OPT_JSON, "print the comparison as JSON"},
    {"markdown", 0, NULL, OPT_MARKDOWN,
     "print a markdown table (pull-request comment)"},
    {"max-drop", 0, "F", OPT_MAX_DROP,
     "tolerated relative drop, 0.10 = 10% (0.10); smaller drops never regress"},
    {"min-entropy", 0, "BITS", OPT_MIN_ENTROPY,
     "fail any point whose median h_bytes is below BITS per byte"},
};
#define N_OPTS (sizeof(opts) / sizeof(opts[0]))

static void usage(FILE *out)
{
  fprintf(out,
          "Usage: mebench compare BASELINE CURRENT [OPTIONS]\n\n"
          "Compare two runs point by point and fail on an entropy regression.\n"
          "BASELINE and CURRENT are each a results directory, its run.json, or a\n"
          "baseline file (results/baselines/NAME.json, made by `mebench baseline`);\n"
          "'-' reads one of them from standard input.\n"
          "Points are matched by all five axes: num_ports, ool_size, mode, variant\n"
          "and placement (a run older than variants counts as the variant it\n"
          "measured, linux_ipc sdk; one older than placements as free). A point\n"
          "regresses when the median min-entropy of its extracted bytes or of its raw\n"
          "deltas fell by more than --max-drop AND a one-sided Mann-Whitney U test\n"
          "over the repetitions gives p <= --alpha / k, k the number of gated\n"
          "metrics (Bonferroni), or when it is below --min-entropy.\n"
          "Runs of different collectors, experiments, samples, raw_bits, estimators\n"
          "or clocks are refused (exit 7); different machines are compared with a\n"
          "warning, and so is the same run on both sides (or a baseline made from\n"
          "the current run). When no point has repetitions on both sides nothing\n"
          "was compared: exit 8, never a pass.\n\n"
          "Two studies (directories with study.json, from `mebench merge` of several\n"
          "machines) are compared machine by machine: each machine of BASELINE with\n"
          "the machine of the same label in CURRENT, point by point as above; a\n"
          "machine on one side only is named on stderr; no machine in common is\n"
          "exit 7. The worst outcome of the machines is the exit code.\n\nOptions:\n");
  mb_opt_print(out, opts, N_OPTS);
  fprintf(out, "\n");
  mb_cli_print_exit_codes_of(out, MB_EXITS_COMMON | MB_EXIT_BIT(INVALID) |
                                      MB_EXIT_BIT(REGRESSION) | MB_EXIT_BIT(MISMATCH) |
                                      MB_EXIT_BIT(NOTHING));
}

/* github-action-benchmark JSON: an array. A slip such as --gab
 * RUN/run.json must not destroy a run's record. */
static int is_gab(const unsigned char *head, size_t n)
{
  size_t i = 0;

  while (i < n &&
         (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t'))
    i++;
  return i < n && head[i] == '[';
}

static const struct mb_fs_kind gab_kind = {"github-action-benchmark JSON", is_gab};

static int write_gab_file(const char *path, const struct mb_compare_report *rep,
                          struct mb_error *err)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *mem;
  int status;

  mem = open_memstream(&buf, &len);
  if (!mem)
    return mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
  status = mb_compare_write_gab(mem, rep);
  if (fclose(mem) != 0 && status == MB_OK)
    status = MB_ENOMEM;
  if (status == MB_OK)
    status = mb_fs_write_output(path, buf, len, &gab_kind, 0, NULL, err);
  else
    mb_error_set(err, status, path, 0, 0, NULL, "cannot format the output");
  free(buf);
  return status;
}

/* Two studies: each baseline machine against the current machine of the same
 * label, written one after another under the machine's name. */
static int compare_studies(const char *bdir, const char *cdir,
                           const struct mb_compare_options *copts, int format,
                           struct mb_error *err)
{
  struct mb_study bs, cs;
  size_t i, j, matched = 0, regressed = 0;
  int status = mb_study_load(bdir, &bs, err);

  memset(&cs, 0, sizeof(cs));
  if (status == MB_OK)
    status = mb_study_load(cdir, &cs, err);
  if (status == MB_OK && format == OPT_JSON)
    printf("{\"machines\": [\n");
  for (i = 0; status == MB_OK && i < bs.n_machines; i++) {
    struct mb_compare_run base, cur;
    struct mb_compare_report rep;
    int wst;

    for (j = 0; j < cs.n_machines; j++)
      if (strcmp(bs.machines[i].label, cs.machines[j].label) == 0)
        break;
    if (j == cs.n_machines) {
      fprintf(stderr, "mebench: compare: machine %s of %s is not in %s; not compared\n",
              bs.machines[i].label, bdir, cdir);
      continue;
    }
    memset(&rep, 0, sizeof(rep));
    memset(&cur, 0, sizeof(cur));
    status = mb_compare_run_load(bs.machines[i].rd.dir, &base, err);
    if (status == MB_OK)
      status = mb_compare_run_load(cs.machines[j].rd.dir, &cur, err);
    if (status == MB_OK)
      status = mb_compare_runs(&base, &cur, copts, &rep, err);
    if (status == MB_OK) {
      if (format == OPT_JSON)
        printf("%s{\"machine\": \"%s\", \"comparison\":\n", matched ? ",\n" : "",
               bs.machines[i].label);
      else if (format == OPT_MARKDOWN)
        printf("%s### Machine %s\n\n", matched ? "\n" : "", bs.machines[i].label);
      else
        printf("%smachine %s:\n", matched ? "\n" : "", bs.machines[i].label);
      fflush(stdout);
      wst = format == OPT_JSON       ? mb_compare_write_json(stdout, &rep)
            : format == OPT_MARKDOWN ? mb_compare_write_markdown(stdout, &rep)
                                     : mb_compare_write_text(stdout, &rep);
      if (format == OPT_JSON)
        printf("}");
      if (wst)
        status =
            mb_error_set(err, wst, "<stdout>", 0, 0, NULL, "cannot write the report");
      matched++;
      regressed += mb_compare_status(&rep) != MB_OK;
    }
    mb_compare_report_cleanup(&rep);
    mb_compare_run_cleanup(&cur);
    mb_compare_run_cleanup(&base);
  }
  if (status == MB_OK && format == OPT_JSON)
    printf("\n]}\n");
  for (j = 0; status == MB_OK && j < cs.n_machines; j++) {
    for (i = 0; i < bs.n_machines; i++)
      if (strcmp(bs.machines[i].label, cs.machines[j].label) == 0)
        break;
    if (i == bs.n_machines)
      fprintf(stderr, "mebench: compare: machine %s of %s is not in %s; not compared\n",
              cs.machines[j].label, cdir, bdir);
  }
  if (status == MB_OK && matched == 0)
    status = mb_error_set(err, MB_EMISMATCH, NULL, 0, 0, NULL,
                          "compare: the studies %s and %s have no machine in common "
                          "(machines are matched by label)",
                          bdir, cdir);
  if (status == MB_OK && regressed)
    status = mb_error_set(err, MB_EREGRESSION, NULL, 0, 0, NULL,
                          "%zu of %zu machine%s regressed against %s", regressed,
                          matched, mb_s(matched), bdir);
  mb_study_cleanup(&cs);
  mb_study_cleanup(&bs);
  return status;
}

int mb_cmd_compare(int argc, char **argv, struct mb_error *err)
{
  struct mb_optparse p;
  struct mb_compare_options copts;
  struct mb_compare_run base, cur;
  struct mb_compare_report rep;
  const char *paths[2] = {NULL, NULL};
  const char *gab = NULL;
  int format = 0; /* 0 text, OPT_JSON, OPT_MARKDOWN */
  size_t npaths = 0;
  int id, status;

  mb_compare_options_init(&copts);
  mb_opt_init(&p, argc, argv, "compare");
  while ((id = mb_opt_next(&p, opts, N_OPTS, err)) != MB_OPT_END) {
    switch (id) {
    case MB_OPT_POSITIONAL:
      if (npaths == 2)
        return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                            "compare: too many arguments: '%s' (expected BASELINE "
                            "CURRENT)",
                            p.arg);
      paths[npaths++] = p.arg;
      break;
    case OPT_ALPHA:
      if (mb_opt_double(p.arg, 1e-9, 0.5, "--alpha", &copts.alpha, err))
        return MB_EUSAGE;
      break;
    case OPT_MAX_DROP:
      if (mb_opt_double(p.arg, 0, 0.99, "--max-drop", &copts.max_drop, err))
        return MB_EUSAGE;
      break;
    case OPT_MIN_ENTROPY:
      if (mb_opt_double(p.arg, 0, 8, "--min-entropy", &copts.min_entropy, err))
        return MB_EUSAGE;
      break;
    case OPT_GATE_RATE:
      copts.gate_rate = 1;
      break;
    case OPT_GAB:
      gab = p.arg;
      break;
    case OPT_JSON:
    case OPT_MARKDOWN:
      if (format && format != id)
        return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                            "compare: --json and --markdown exclude each other");
      format = id;
      break;
    case OPT_HELP:
      usage(stdout);
      return MB_OK;
    default:
      return id < 0 ? id : MB_EUSAGE;
    }
  }
  if (npaths != 2)
    return mb_cli_missing(err, "compare",
                          npaths == 0
                              ? "BASELINE and CURRENT (results directories, "
                                "run.json or baseline files)"
                              : "CURRENT (the run to compare with the baseline)",
                          "mebench compare BASELINE CURRENT [OPTIONS]");
  if (strcmp(paths[0], "-") == 0 && strcmp(paths[1], "-") == 0)
    return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                        "compare: '-' can stand for BASELINE or CURRENT, not both "
                        "(standard input is read once)");
  if (gab && strcmp(gab, "-") == 0 && format)
    return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                        "compare: --gab - and --%s both write to stdout",
                        format == OPT_JSON ? "json" : "markdown");
  if (mb_merge_is_study(paths[0]) || mb_merge_is_study(paths[1])) {
    if (!mb_merge_is_study(paths[0]) || !mb_merge_is_study(paths[1]))
      return mb_error_set(err, MB_EMISMATCH, NULL, 0, 0, NULL,
                          "compare: %s is a study and %s is not: compare a study with "
                          "a study, or a machine's run (STUDY/machines/<machine>) with "
                          "a run",
                          mb_merge_is_study(paths[0]) ? paths[0] : paths[1],
                          mb_merge_is_study(paths[0]) ? paths[1] : paths[0]);
    if (gab)
      return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                          "compare: --gab takes runs, not studies: give a machine's "
                          "run (STUDY/machines/<machine>)");
    return compare_studies(paths[0], paths[1], &copts, format, err);
  }
  status = mb_compare_run_load(paths[0], &base, err);
  if (status == MB_OK)
    status = mb_compare_run_load(paths[1], &cur, err);
  else
    memset(&cur, 0, sizeof(cur));
  memset(&rep, 0, sizeof(rep));
  if (status == MB_OK)
    status = mb_compare_runs(&base, &cur, &copts, &rep, err);
  if (status == MB_OK) {
    int wst = MB_OK;

    /* With --gab - stdout carries the benchmark JSON alone; the table goes
     * to stderr so a person still sees the verdicts. */
    FILE *out = gab && strcmp(gab, "-") == 0 ? stderr : stdout;

    if (format == OPT_JSON)
      wst = mb_compare_write_json(out, &rep);
    else if (format == OPT_MARKDOWN)
      wst = mb_compare_write_markdown(out, &rep);
    else
      wst = mb_compare_write_text(out, &rep);
    if (wst)
      status = mb_error_set(err, wst, out == stdout ? "<stdout>" : "<stderr>", 0, 0,
                            NULL, "cannot write the report");
    if (status == MB_OK && gab)
      status = write_gab_file(gab, &rep, err);
    if (status == MB_OK) {
      status = mb_compare_status(&rep);
      if (status == MB_ENOTHING)
        mb_error_set(err, status, NULL, 0, 0, NULL,
                     "nothing was compared: no point has repetitions in both %s and %s "
                     "(a gate must not pass on that)",
                     paths[0], paths[1]);
      else if (status)
        mb_error_set(err, status, NULL, 0, 0, NULL,
                     "%zu of %zu point%s regressed against %s", rep.n_regressed,
                     rep.n_rows, mb_s(rep.n_rows), paths[0]);
    }
  }
  mb_compare_report_cleanup(&rep);
  mb_compare_run_cleanup(&cur);
  mb_compare_run_cleanup(&base);
  return status;
}
