/* study_report.c: the Markdown report of a study (several machines, one
 * experiment): provenance of every machine, figures with one line per
 * machine, the machines side by side per point, and a table per machine. */
#include "plural.h"
#include "study_report.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "plotdata.h"
#include "report.h"

static void cell(FILE *f, const char *s)
{
  fputc(' ', f);
  if (!s || !s[0])
    s = "unknown";
  for (; *s; s++) {
    if (*s == '|')
      fputs("\\|", f);
    else if (*s == '\n' || *s == '\r')
      fputc(' ', f);
    else
      fputc(*s, f);
  }
  fputs(" |", f);
}

static const char *num2(double v, char *buf, size_t n)
{
  snprintf(buf, n, isnan(v) ? "n/a" : "%.2f", v);
  return buf;
}

/* A time in ns, 4 significant digits (whole numbers from 10000 ns). */
static const char *ns4(double v, char *buf, size_t n)
{
  if (isnan(v))
    snprintf(buf, n, "n/a");
  else if (fabs(v) >= 9999.5)
    snprintf(buf, n, "%.0f", v);
  else
    snprintf(buf, n, "%.4g", v);
  return buf;
}

static const char *json_text(const json_t *o, const char *key)
{
  const char *s = json_string_value(json_object_get(o, key));

  return s ? s : "";
}

static void machines_table(FILE *f, const struct mb_study *st)
{
  const json_t *arr = json_object_get((const json_t *)st->root, "machines");
  size_t i;

  fputs("| machine | host | CPU | OS | kernel | arch | cores | clock | tick (ns) | "
        "collector | compiler | shards | calls | first call started | last call "
        "finished |\n| --- | --- | --- | --- | --- | --- | ---: | --- | ---: | --- "
        "| --- | ---: | ---: | --- | --- |\n",
        f);
  for (i = 0; i < st->n_machines; i++) {
    const struct mb_rundir *rd = &st->machines[i].rd;
    const json_t *m = json_array_get(arr, i);
    const json_t *sh = json_object_get(m, "shards");
    const char *layout = json_text(json_object_get(m, "source"), "layout");
    char buf[160];

    fputs("|", f);
    cell(f, st->machines[i].label);
    cell(f, rd->hostname);
    cell(f, rd->cpu_model);
    cell(f, rd->os);
    cell(f, rd->kernel);
    cell(f, rd->arch);
    fprintf(f, " %lld |", rd->cores);
    cell(f, rd->clock_name);
    snprintf(buf, sizeof(buf), "%llu/%llu = %.6g", (unsigned long long)rd->tick_num,
             (unsigned long long)rd->tick_den, rd->tick_ns);
    cell(f, buf);
    snprintf(buf, sizeof(buf), "%s%s%s", rd->source_name, layout[0] ? " layout=" : "",
             layout);
    cell(f, buf);
    cell(f, rd->compiler);
    fprintf(f, " %lld | %zu of %zu |", json_is_integer(sh) ? json_integer_value(sh) : 1,
            rd->n_calls, rd->n_points * rd->repetitions);
    cell(f, rd->started);
    cell(f, rd->finished);
    fputc('\n', f);
  }
  fputc('\n', f);
}

/* Per point, each machine's medians side by side: entropy, then time. */
static void side_by_side(FILE *f, const struct mb_study *st)
{
  const struct mb_rundir *rd0 = &st->machines[0].rd;
  size_t p, m;
  char buf[160];

  fputs("| point | configuration |", f);
  for (m = 0; m < st->n_machines; m++)
    fprintf(f, " H bytes, %s |", st->machines[m].label);
  for (m = 0; m < st->n_machines; m++)
    fprintf(f, " time/op ns, %s |", st->machines[m].label);
  fputs("\n| ---: | --- |", f);
  for (m = 0; m < 2 * st->n_machines; m++)
    fputs(" ---: |", f);
  fputc('\n', f);
  for (p = 0; p < rd0->n_points; p++) {
    fprintf(f, "| %zu |", p);
    cell(f, mb_rundir_point_label(rd0, &rd0->points[p], 0, buf, sizeof(buf)));
    for (m = 0; m < st->n_machines; m++)
      fprintf(f, " %s |", num2(st->machines[m].rd.points[p].h_bytes.med, buf, 32));
    for (m = 0; m < st->n_machines; m++)
      fprintf(f, " %s |", ns4(st->machines[m].rd.points[p].ns_per_op.med, buf, 32));
    fputc('\n', f);
  }
  fputc('\n', f);
}

static int machine_section(FILE *f, const struct mb_study *st, size_t m)
{
  const struct mb_study_machine *sm = &st->machines[m];
  const struct mb_rundir *rd = &sm->rd;
  struct mb_anomaly *an = NULL;
  size_t nan_ = 0, p, i;
  char a[64], b[64], c[64], d[64], e[64];

  if (mb_report_anomalies(rd, &an, &nan_) != MB_OK)
    return MB_ENOMEM;
  fprintf(f, "## Machine %s\n\n", sm->label);
  fprintf(f,
          "%s, %s, %s; clock %s, 1 tick = %.6g ns. Run `%s/machines/%s` (%s, %zu of "
          "%zu calls); its own report: `mebench report %s/machines/%s`.\n\n",
          rd->hostname, rd->cpu_model[0] ? rd->cpu_model : "CPU unknown",
          rd->os[0] ? rd->os : "OS unknown", rd->clock_name, rd->tick_ns, st->dir,
          sm->label, rd->status, rd->n_calls, rd->n_points * rd->repetitions, st->dir,
          sm->label);
  fprintf(f,
          "| point | configuration | calls | H bytes (bits/byte) | H raw (bits/%u-bit "
          "symbol) | time/op, ns: median (p01–p99) | timeouts | failures |\n| ---: | "
          "--- | ---: | ---: | ---: | ---: | ---: | ---: |\n",
          rd->raw_bits);
  for (p = 0; p < rd->n_points; p++) {
    const struct mb_rundir_point *pt = &rd->points[p];
    char label[160];

    fprintf(f, "| %zu |", p);
    cell(f, mb_rundir_point_label(rd, pt, 0, label, sizeof(label)));
    fprintf(f, " %zu | %s | %s | %s (%s–%s) | %zu | %zu |\n", pt->n_calls,
            num2(pt->h_bytes.med, a, sizeof(a)), num2(pt->h_raw.med, b, sizeof(b)),
            ns4(pt->ns_per_op.med, c, sizeof(c)), ns4(pt->ns_p01, d, sizeof(d)),
            ns4(pt->ns_p99, e, sizeof(e)), pt->timeouts, pt->failures);
  }
  fputc('\n', f);
  if (nan_ == 0)
    fputs("No anomaly found by the report's rules.\n\n", f);
  for (i = 0; i < nan_; i++)
    fprintf(f, "- %s\n%s", an[i].text, i + 1 == nan_ ? "\n" : "");
  free(an);
  return MB_OK;
}

static void tex(FILE *f, const char *s)
{
  for (; *s; s++) {
    if (strchr("&%$#_{}", *s)) {
      fputc('\\', f);
      fputc(*s, f);
    } else if (*s == '~') {
      fputs("\\textasciitilde{}", f);
    } else if (*s == '^') {
      fputs("\\textasciicircum{}", f);
    } else if (*s == '\\') {
      fputs("\\textbackslash{}", f);
    } else {
      fputc(*s, f);
    }
  }
}

/* One booktabs table: a row per point, per machine its median min-entropy
 * of the bytes and its operation time in ns; the caption names each
 * machine's CPU and clock tick. */
static void write_latex(FILE *f, const struct mb_study *st)
{
  const struct mb_rundir *rd0 = &st->machines[0].rd;
  size_t p, m;
  char buf[160];

  fputs("% mebench report: ", f);
  fputs(st->exp_name[0] ? st->exp_name : rd0->exp_path, f);
  fprintf(f, ", a study of %zu machines.\n%% Needs \\usepackage{booktabs}.\n",
          st->n_machines);
  fputs("\\begin{table}[htbp]\n  \\centering\n  \\caption{Min-entropy (NIST SP "
        "800-90B) of the extracted bytes, bits per byte, and time per operation, ns, "
        "on each machine: median over repetitions. Machines: ",
        f);
  for (m = 0; m < st->n_machines; m++) {
    const struct mb_rundir *rd = &st->machines[m].rd;

    tex(f, st->machines[m].label);
    fputs(" (", f);
    tex(f, rd->cpu_model[0] ? rd->cpu_model : "CPU unknown");
    fputs(", ", f);
    tex(f, rd->source_name);
    fprintf(f, ", tick %.6g~ns)%s", rd->tick_ns, m + 1 < st->n_machines ? "; " : ".");
  }
  fputs(" Times are each machine's ticks converted with its own tick.}\n"
        "  \\label{tab:mebench-study-",
        f);
  for (const char *s = st->exp_name[0] ? st->exp_name : "run"; *s; s++)
    fputc(*s == '_' ? '-' : *s, f);
  fputs("}\n  \\begin{tabular}{l", f);
  for (m = 0; m < 2 * st->n_machines; m++)
    fputc('r', f);
  fprintf(f,
          "}\n    \\toprule\n     & \\multicolumn{%zu}{c}{$H$ (bits/byte)} & "
          "\\multicolumn{%zu}{c}{time/op (ns)} \\\\\n    point",
          st->n_machines, st->n_machines);
  for (m = 0; m < 2 * st->n_machines; m++) {
    fputs(" & ", f);
    tex(f, st->machines[m % st->n_machines].label);
  }
  fputs(" \\\\\n    \\midrule\n", f);
  for (p = 0; p < rd0->n_points; p++) {
    fputs("    ", f);
    tex(f, mb_rundir_point_label(rd0, &rd0->points[p], 1, buf, sizeof(buf)));
    for (m = 0; m < st->n_machines; m++)
      fprintf(f, " & %s", num2(st->machines[m].rd.points[p].h_bytes.med, buf, 32));
    for (m = 0; m < st->n_machines; m++)
      fprintf(f, " & %s", ns4(st->machines[m].rd.points[p].ns_per_op.med, buf, 32));
    fputs(" \\\\\n", f);
  }
  fputs("    \\bottomrule\n  \\end{tabular}\n\\end{table}\n", f);
}

int mb_study_report_write(FILE *f, const char *out_name, const struct mb_study *st,
                          const struct mb_report_options *opt, struct mb_error *err)
{
  const struct mb_rundir **runs = NULL;
  const char **labels = NULL;
  struct mb_figure *figs = NULL;
  size_t nfig = 0, i, m;
  const struct mb_rundir *rd0 = &st->machines[0].rd;
  int rc = MB_OK, ticks_differ = 0;

  errno = 0;
  if (opt->format == MB_REPORT_LATEX) {
    write_latex(f, st);
    if (fflush(f) != 0 || ferror(f))
      return mb_error_errno(err, errno ? errno : EIO, out_name,
                            "cannot write the report");
    return MB_OK;
  }
  if (mb_study_arrays(st, &runs, &labels) != MB_OK ||
      mb_plotdata_study_figures(runs, st->n_machines, &figs, &nfig) != MB_OK) {
    rc = mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    goto out;
  }
  for (m = 1; m < st->n_machines; m++)
    ticks_differ |= st->machines[m].rd.tick_num * rd0->tick_den !=
                    rd0->tick_num * st->machines[m].rd.tick_den;
  fprintf(f, "# mebench report: %s, a study of %zu machines\n\n",
          st->exp_name[0] ? st->exp_name : rd0->exp_path, st->n_machines);
  if (rd0->exp_description[0])
    fprintf(f, "%s\n\n", rd0->exp_description);
  fprintf(f,
          "Study directory `%s` (`study.json`, made by `mebench merge` %s): the "
          "experiment `%s` (sha256 `%.16s…`, %zu point%s × %zu repetition%s of %zu "
          "samples) ran on each machine below, with `machine` as a factor. Each "
          "machine's raw timings stay in its own run under `machines/<machine>/`%s. "
          "Times are in nanoseconds, each machine's ticks converted with its own "
          "tick%s; no figure or table averages across machines.\n\n",
          st->dir, st->created, rd0->exp_path, st->exp_sha256, rd0->n_points,
          mb_s(rd0->n_points), rd0->repetitions, mb_s(rd0->repetitions), rd0->samples,
          ticks_differ ? "" : " (one clock tick everywhere)",
          ticks_differ ? " (the machines' ticks differ)" : "");
  fputs("## Machines\n\n", f);
  machines_table(f, st);
  fputs("## Figures\n\n", f);
  if (!opt->plots_drawn)
    fprintf(f, "Not drawn yet: `scripts/plot %s` draws them into `%s`.\n\n", st->dir,
            opt->plots);
  for (i = 0; i < nfig; i++)
    fprintf(f, "![%s](%s/%s.png)\n\n", figs[i].title, opt->plots, figs[i].name);
  fputs("## Machines side by side\n\n"
        "Median over repetitions of each point's assessed min-entropy of the "
        "extracted bytes (bits per byte) and of the operation time (each call's "
        "median raw delta, in ns).\n\n",
        f);
  side_by_side(f, st);
  for (m = 0; m < st->n_machines && rc == MB_OK; m++)
    if (machine_section(f, st, m) != MB_OK)
      rc = mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
  if (rc == MB_OK && (fflush(f) != 0 || ferror(f)))
    rc = mb_error_errno(err, errno ? errno : EIO, out_name, "cannot write the report");
out:
  free((void *)runs);
  free((void *)labels);
  free(figs);
  return rc;
}
