/* cmd_plotdata.c: `mebench plotdata`, the data behind scripts/plot's figures. */
#include <stdio.h>

#include "cli.h"
#include "commands.h"
#include "plotdata.h"
#include "rundir.h"

enum { OPT_HELP = 1, OPT_POINT };

static const struct mb_opt options[] = {
    {"help", 'h', NULL, OPT_HELP, "show this help"},
    {"point", 'p', "N", OPT_POINT,
     "point of the time-series and autocorrelation plots (0)"},
};
#define N_OPTIONS (sizeof(options) / sizeof(options[0]))

static void usage(FILE *out)
{
  fprintf(out,
          "Usage: mebench plotdata [OPTIONS] RESULTS_DIR OUTDIR\n\n"
          "Write the gnuplot-ready tables of a run (per-axis medians and spreads,\n"
          "per-estimator estimates, histograms, time series, autocorrelations) and\n"
          "figures.tsv, the list of figures scripts/plot draws from them.\n"
          "Most users run scripts/plot RESULTS_DIR instead.\n\nOptions:\n");
  mb_opt_print(out, options, N_OPTIONS);
  fprintf(out, "\n");
  mb_cli_print_exit_codes_of(out, MB_EXITS_COMMON | MB_EXIT_BIT(INVALID));
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
  if (!dir || !outdir) {
    usage(stderr);
    return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                        "plotdata: RESULTS_DIR and OUTDIR are required");
  }
  rc = mb_rundir_load(dir, &rd, err);
  if (!rc)
    rc = mb_plotdata_write(&rd, outdir, (size_t)point, err);
  mb_rundir_cleanup(&rd);
  return rc;
}
