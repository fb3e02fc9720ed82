/* cmd_plotdata.c: `mebench plotdata`, the data behind scripts/plot's figures. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "commands.h"
#include "merge.h"
#include "plotdata.h"
#include "rundir.h"
#include "study.h"

enum { OPT_HELP = 1, OPT_POINT };

static const struct mb_opt options[] = {
    {"help", 'h', NULL, OPT_HELP, "show this help"},
    {"point", 'p', "N", OPT_POINT,
     "point of the time-series and autocorrelation plots (0)"},
};
#define N_OPTIONS (sizeof(options) / sizeof(options[0]))

#define USAGE "mebench plotdata [OPTIONS] RESULTS_DIR OUTDIR"

static void usage(FILE *out)
{
  fprintf(out,
          "Usage: " USAGE "\n\n"
          "Write the gnuplot-ready tables of a run (per-axis medians and spreads,\n"
          "per-estimator estimates, histograms, time series, autocorrelations) and\n"
          "figures.tsv, the list of figures scripts/plot draws from them.\n"
          "Most users run scripts/plot RESULTS_DIR instead. For a study (a directory\n"
          "with study.json, from `mebench merge` of several machines) it writes the\n"
          "figures with one line per machine.\n"
          "OUTDIR is created if missing. plotdata's own earlier files there (each\n"
          "begins \"# mebench plotdata\") are replaced; any other file at a name it\n"
          "writes is refused before anything is written (exit 1).\n\nOptions:\n");
  mb_opt_print(out, options, N_OPTIONS);
  fprintf(out, "\n");
  mb_cli_print_exit_codes_of(out, MB_EXITS_COMMON | MB_EXIT_BIT(INVALID));
}

/* A study (`mebench merge` of several machines): the figures with one line
 * per machine; each machine's own figures come from its run under
 * machines/<label>/. */
static int study_plotdata(const char *dir, const char *outdir, struct mb_error *err)
{
  struct mb_study st;
  const struct mb_rundir **runs = NULL;
  const char **labels = NULL;
  int rc = mb_study_load(dir, &st, err);

  if (!rc && mb_study_arrays(&st, &runs, &labels) != MB_OK)
    rc = mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
  if (!rc)
    rc = mb_plotdata_study_write(runs, labels, st.n_machines, outdir, err);
  free((void *)runs);
  free((void *)labels);
  mb_study_cleanup(&st);
  return rc;
}

int mb_cmd_plotdata(int argc, char **argv, struct mb_error *err)
{
  struct mb_optparse p;
  struct mb_rundir rd;
  const char *dir = NULL, *outdir = NULL;
  char dirbuf[4096];
  long long point = 0;
  int id, rc;

  mb_opt_init(&p, argc, argv, "plotdata");
  while ((id = mb_opt_next(&p, options, N_OPTIONS, err)) != MB_OPT_END) {
    switch (id) {
    case OPT_HELP:
      usage(stdout);
      return MB_OK;
    case OPT_POINT:
      rc = mb_opt_long(p.arg, 0, 1000000, "--point", &point, err);
      if (rc)
        return rc;
      break;
    case MB_OPT_POSITIONAL:
      if (!dir)
        dir = mb_opt_dir(p.arg, dirbuf, sizeof(dirbuf));
      else if (!outdir)
        outdir = p.arg;
      else
        return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                            "plotdata: unexpected argument '%s'", p.arg);
      break;
    default:
      return id;
    }
  }
  if (!dir || !outdir)
    return mb_cli_missing(err, "plotdata",
                          !dir
                              ? "RESULTS_DIR (the run) and OUTDIR (where the tables go)"
                              : "OUTDIR (the folder to write the tables into)",
                          USAGE);
  if (mb_merge_is_study(dir))
    return study_plotdata(dir, outdir, err);
  rc = mb_rundir_load(dir, &rd, err);
  if (!rc)
    rc = mb_plotdata_write(&rd, outdir, (size_t)point, err);
  mb_rundir_cleanup(&rd);
  return rc;
}
