/* cmd_merge.c: `mebench merge`, shards into one run, machines into a study. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "merge.h"
#include "pointtests.h"

enum { OPT_HELP = 1, OPT_OUTPUT, OPT_QUIET };

static const struct mb_opt opts[] = {
    {"help", 'h', NULL, OPT_HELP, "show this help"},
    {"output", 'o', "DIR", OPT_OUTPUT,
     "the directory to create (default: results/<experiment>/<UTC time>-merged, "
     "or -study)"},
    {"quiet", 'q', NULL, OPT_QUIET, "say nothing on stderr"},
};
#define N_OPTS (sizeof(opts) / sizeof(opts[0]))

#define USAGE "mebench merge [OPTIONS] RESULTS_DIR..."

static void usage(FILE *out)
{
  fprintf(out,
          "Usage: " USAGE "\n\n"
          "Join runs of one experiment into one results directory; the inputs are\n"
          "never modified (raw files are hard-linked, or copied).\n\n"
          "Shards of one machine (`mebench run --shard K/N`, all N of them, each\n"
          "complete) become one run, with its calls in the plan's order, that report,\n"
          "scripts/plot, compare and baseline read as if it had run whole.\n"
          "Overlapping or missing shards, or shards that split the plan differently,\n"
          "are refused (exit 3); runs of different experiments or builds, and shards\n"
          "of one machine with different collectors, clocks or schedules, are\n"
          "refused (exit 7).\n\n"
          "Runs on different machines (host, CPU model, OS and kernel, clock and\n"
          "tick; or the name given with `run --machine NAME`) become a study: "
          "study.json and one merged run per machine in\n"
          "machines/<label>/; report, scripts/plot and compare read it with machine\n"
          "as a factor. The new directory is printed on stdout.\n\n"
          "Options:\n");
  mb_opt_print(out, opts, N_OPTS);
  fprintf(out, "\n");
  mb_cli_print_exit_codes_of(out, MB_EXITS_COMMON | MB_EXIT_BIT(INVALID) |
                                      MB_EXIT_BIT(MISMATCH));
}

int mb_cmd_merge(int argc, char **argv, struct mb_error *err)
{
  struct mb_optparse p;
  struct mb_merge_options mo;
  const char **dirs = calloc((size_t)argc + 1, sizeof(*dirs));
  char **bufs = calloc((size_t)argc + 1, sizeof(*bufs));
  size_t n = 0, i;
  char *out = NULL;
  int quiet = 0, id, rc = MB_OK;

  memset(&mo, 0, sizeof(mo));
  if (!dirs || !bufs) {
    free(dirs);
    free(bufs);
    return mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
  }
  mb_opt_init(&p, argc, argv, "merge");
  while (rc == MB_OK && (id = mb_opt_next(&p, opts, N_OPTS, err)) != MB_OPT_END) {
    switch (id) {
    case OPT_HELP:
      usage(stdout);
      goto done;
    case OPT_OUTPUT:
      mo.output = p.arg;
      break;
    case OPT_QUIET:
      quiet = 1;
      break;
    case MB_OPT_POSITIONAL:
      bufs[n] = malloc(strlen(p.arg) + 1);
      if (!bufs[n]) {
        rc = mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        break;
      }
      dirs[n] = mb_opt_dir(p.arg, bufs[n], strlen(p.arg) + 1);
      n++;
      break;
    default:
      rc = id;
      break;
    }
  }
  if (rc == MB_OK && n == 0)
    rc = mb_cli_missing(err, "merge", "RESULTS_DIR... (the runs to join)", USAGE);
  for (i = 0; rc == MB_OK && i < n; i++)
    if (strcmp(dirs[i], "-") == 0)
      rc = mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                        "merge: '-' is not a results directory (merge reads each run's "
                        "raw files)");
  if (rc == MB_OK) {
    mo.progress = quiet ? NULL : stderr;
    mo.retest = mb_pointtests_rerun;
    rc = mb_merge_runs(dirs, n, &mo, &out, err);
    if (out) {
      printf("%s\n", out);
      fflush(stdout);
    }
  }
done:
  for (i = 0; i < n; i++)
    free(bufs[i]);
  free(bufs);
  free(dirs);
  free(out);
  return rc;
}
