/* cmd_report.c: `mebench report`, a research report beside the results. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "fsutil.h"
#include "report.h"
#include "merge.h"
#include "rundir.h"
#include "study_report.h"

enum { OPT_FORMAT = 1, OPT_HELP, OPT_JSON, OPT_OUTPUT, OPT_PLOTS, OPT_POINT };

static const struct mb_opt options[] = {
    {"format", 'f', "FORMAT", OPT_FORMAT,
     "markdown (default), latex (a booktabs table) or json (the numbers)"},
    {"help", 'h', NULL, OPT_HELP, "show this help"},
    {"json", 0, NULL, OPT_JSON, "the same as --format json"},
    {"output", 'o', "FILE", OPT_OUTPUT,
     "where to write ('-': stdout; default RESULTS_DIR/report.md, .tex or .json)"},
    {"plots", 0, "DIR", OPT_PLOTS,
     "where scripts/plot put the figures (RESULTS_DIR/plots)"},
    {"point", 'p', "N", OPT_POINT, "the point scripts/plot --point drew over time (0)"},
};
#define N_OPTIONS (sizeof(options) / sizeof(options[0]))

#define USAGE "mebench report [OPTIONS] RESULTS_DIR"

static void usage(FILE *out)
{
  fprintf(
      out,
      "Usage: " USAGE "\n\n"
      "Write a Markdown report of a run beside its results: machine and provenance,\n"
      "the experiment, a table per swept axis, the figures of scripts/plot, and the\n"
      "anomalies found in the data (rules in scripts/README.md). It opens with\n"
      "conclusions drawn from a variance decomposition of every metric (axes,\n"
      "round, recorded conditions, residual) and each axis level's effect with a\n"
      "95%% interval. --format latex writes a booktabs table for papers instead;\n"
      "--json writes the report's numbers as JSON for scripts.\n\nOptions:\n");
  mb_opt_print(out, options, N_OPTIONS);
  fprintf(out, "\n");
  mb_cli_print_exit_codes_of(out, MB_EXITS_COMMON | MB_EXIT_BIT(INVALID));
}

/* An absolute, '/'-separated form of path (resolved when it exists). */
static int absolute(const char *path, char *out, size_t n)
{
  char cwd[PATH_MAX];

  if (realpath(path, out))
    return 0;
  if (path[0] == '/') {
    snprintf(out, n, "%s", path);
    return 0;
  }
  if (!getcwd(cwd, sizeof(cwd)))
    return -1;
  if (strlen(cwd) + strlen(path) + 2 > n)
    return errno = ENAMETOOLONG, -1;
  memcpy(out, cwd, strlen(cwd));
  out[strlen(cwd)] = '/';
  memcpy(out + strlen(cwd) + 1, path, strlen(path) + 1);
  return 0;
}

/* The path of `to` relative to directory `from`, both absolute. */
static void relative(const char *from, const char *to, char *out, size_t n)
{
  size_t i = 0, common = 0, len;

  /* the longest common prefix ending at a component boundary */
  while (from[i] && from[i] == to[i]) {
    i++;
    if ((from[i] == '/' || from[i] == '\0') && (to[i] == '/' || to[i] == '\0'))
      common = i;
  }
  out[0] = '\0';
  for (i = common; from[i]; i++)
    if (from[i] == '/') {
      len = strlen(out);
      snprintf(out + len, n - len, "../");
    }
  len = strlen(out);
  snprintf(out + len, n - len, "%s", to[common] == '/' ? to + common + 1 : to + common);
  len = strlen(out);
  if (len == 0)
    snprintf(out, n, ".");
  else if (out[len - 1] == '/')
    out[len - 1] = '\0';
}

/* A report this command wrote: its first line says so (Markdown, LaTeX, or
 * the JSON of --format json). */
static int is_report(const unsigned char *head, size_t n)
{
  static const char json_head[] = "{\n  \"schema\": \"mebench-report/";
  size_t k = sizeof(json_head) - 1;

  return (n >= 16 && (memcmp(head, "# mebench report", 16) == 0 ||
                      memcmp(head, "% mebench report", 16) == 0)) ||
         (n >= k && memcmp(head, json_head, k) == 0);
}

/* Free whichever of a run and a study was loaded (both accept zeroed). */
static void release(struct mb_rundir *rd, struct mb_study *st)
{
  mb_rundir_cleanup(rd);
  mb_study_cleanup(st);
}

/* The report of the study when one was loaded, else of the run. */
static int emit(FILE *f, const char *name, const struct mb_rundir *rd,
                const struct mb_study *st, const struct mb_report_options *ro,
                struct mb_error *err)
{
  if (st->n_machines > 0)
    return mb_study_report_write(f, name, st, ro, err);
  return mb_report_write(f, name, rd, ro, err);
}

static const struct mb_fs_kind report_kind = {"a mebench report", is_report};

int mb_cmd_report(int argc, char **argv, struct mb_error *err)
{
  struct mb_optparse p;
  struct mb_rundir rd;
  struct mb_study st;
  struct mb_report_options ro;
  const char *dir = NULL, *output = NULL, *plots = NULL;
  char dirbuf[4096];
  char defout[PATH_MAX], link[PATH_MAX], absplots[PATH_MAX], absout[PATH_MAX],
      plotsbuf[PATH_MAX];
  long long point = 0;
  int id, rc;
  char *text = NULL;
  size_t len = 0;
  FILE *mem;

  memset(&ro, 0, sizeof(ro));
  mb_opt_init(&p, argc, argv, "report");
  while ((id = mb_opt_next(&p, options, N_OPTIONS, err)) != MB_OPT_END) {
    switch (id) {
    case OPT_FORMAT:
      if (strcmp(p.arg, "markdown") == 0 || strcmp(p.arg, "md") == 0)
        ro.format = MB_REPORT_MARKDOWN;
      else if (strcmp(p.arg, "latex") == 0 || strcmp(p.arg, "tex") == 0)
        ro.format = MB_REPORT_LATEX;
      else if (strcmp(p.arg, "json") == 0)
        ro.format = MB_REPORT_JSON;
      else
        return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                            "report: --format '%s' is not markdown, latex or json",
                            p.arg);
      break;
    case OPT_JSON:
      ro.format = MB_REPORT_JSON;
      break;
    case OPT_HELP:
      usage(stdout);
      return MB_OK;
    case OPT_OUTPUT:
      output = p.arg;
      break;
    case OPT_PLOTS:
      plots = p.arg;
      break;
    case OPT_POINT:
      rc = mb_opt_long(p.arg, 0, 1000000, "--point", &point, err);
      if (rc)
        return rc;
      break;
    case MB_OPT_POSITIONAL:
      if (dir)
        return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                            "report: unexpected argument '%s'", p.arg);
      dir = mb_opt_dir(p.arg, dirbuf, sizeof(dirbuf));
      break;
    default:
      return id;
    }
  }
  if (!dir)
    return mb_cli_missing(err, "report", "RESULTS_DIR (the run to report on)", USAGE);
  memset(&rd, 0, sizeof(rd));
  memset(&st, 0, sizeof(st));
  if (mb_merge_is_study(dir)) {
    rc = mb_study_load(dir, &st, err);
  } else {
    rc = mb_rundir_load(dir, &rd, err);
  }
  if (rc) {
    release(&rd, &st);
    return rc;
  }
  if (st.n_machines == 0 && (size_t)point >= rd.n_points) {
    size_t n_points = rd.n_points; /* cleanup zeroes rd */

    release(&rd, &st);
    return mb_error_set(
        err, MB_EUSAGE, NULL, 0, 0, NULL,
        "report: --point %lld does not exist (the run has points 0..%zu)", point,
        n_points - 1);
  }
  ro.point = (size_t)point;
  if (!output) {
    snprintf(defout, sizeof(defout), "%s/report.%s", dir,
             ro.format == MB_REPORT_LATEX  ? "tex"
             : ro.format == MB_REPORT_JSON ? "json"
                                           : "md");
    output = defout;
  }
  /* Links to the figures are relative to where the report goes; on stdout,
   * relative to the results directory. */
  if (!plots) {
    snprintf(plotsbuf, sizeof(plotsbuf), "%s/plots", dir);
    plots = plotsbuf;
  }
  if (absolute(plots, absplots, sizeof(absplots)) != 0) {
    release(&rd, &st);
    return mb_error_errno(err, errno, plots, "cannot resolve");
  }
  {
    char outdir[PATH_MAX];
    const char *slash = strrchr(output, '/');

    if (strcmp(output, "-") == 0)
      snprintf(outdir, sizeof(outdir), "%s", dir);
    else if (slash)
      snprintf(outdir, sizeof(outdir), "%.*s", (int)(slash - output), output);
    else
      snprintf(outdir, sizeof(outdir), ".");
    if (absolute(outdir[0] ? outdir : "/", absout, sizeof(absout)) != 0) {
      release(&rd, &st);
      return mb_error_errno(err, errno, outdir, "cannot resolve");
    }
  }
  relative(absout, absplots, link, sizeof(link));
  ro.plots = link;
  {
    char probe[PATH_MAX + 32];

    /* scripts/plot leaves its list of figures in DIR/data */
    snprintf(probe, sizeof(probe), "%s/data/figures.tsv", absplots);
    ro.plots_drawn = access(probe, R_OK) == 0;
  }

  if (strcmp(output, "-") == 0) {
    rc = emit(stdout, "<stdout>", &rd, &st, &ro, err);
    release(&rd, &st);
    return rc;
  }
  /* Formatted in memory, then written by the output rule (fsutil.h): an
   * older report is replaced atomically, a device or FIFO written in place,
   * anything else (`-o RUN/run.json`) left alone. */
  mem = open_memstream(&text, &len);
  if (!mem) {
    release(&rd, &st);
    return mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
  }
  rc = emit(mem, output, &rd, &st, &ro, err);
  if (fclose(mem) != 0 && rc == MB_OK)
    rc = mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
  if (rc == MB_OK)
    rc = mb_fs_write_output(output, text, len, &report_kind, 0, NULL, err);
  free(text);
  if (rc == MB_OK)
    fprintf(stderr, "report: wrote %s\n", output);
  release(&rd, &st);
  return rc;
}
