/* compare_write.c: compare's reports: text table, markdown, JSON, and the
 * customBiggerIsBetter input of github-action-benchmark. */
#include <math.h>
#include <string.h>

#include "compare.h"
#include "jsonpath.h"
#include "plural.h"

static int finish(FILE *out)
{
  return fflush(out) != 0 || ferror(out) ? MB_EIO : MB_OK;
}

/* Entropies with 4 decimals; rates (large, machine-dependent) with 4
 * significant digits. */
static void fmt_num(char *buf, size_t n, double v, int is_rate)
{
  if (isfinite(v) && is_rate)
    snprintf(buf, n, "%.4g", v);
  else if (isfinite(v))
    snprintf(buf, n, "%.4f", v);
  else
    snprintf(buf, n, "-");
}

static void fmt_change(char *buf, size_t n, const struct mb_compare_stat *st)
{
  if (isfinite(st->change))
    snprintf(buf, n, "%+.1f%%", 100.0 * st->change);
  else
    snprintf(buf, n, "n/a");
}

static const char *result_word(const struct mb_compare_report *r)
{
  return r->n_regressed ? "REGRESSION" : r->n_compared ? "ok" : "NOTHING COMPARED";
}

static void gated_list(char *buf, size_t n, const struct mb_compare_report *r)
{
  size_t m, len = 0;

  buf[0] = '\0';
  for (m = 0; m < MB_CMP_METRIC_COUNT; m++) {
    int gated = m == MB_CMP_RATE ? r->rate_gated : 1;

    if (gated && len < n) {
      int w = snprintf(buf + len, n - len, "%s%s", len ? ", " : "",
                       mb_compare_metric_key((enum mb_compare_metric)m));
      if (w > 0)
        len += (size_t)w;
    }
  }
}

static void describe_run(FILE *out, const char *label, const struct mb_compare_run *run)
{
  fprintf(out, "  %-9s %s", label, run->path);
  if (run->is_baseline)
    fprintf(out, " (baseline '%s')", run->baseline_name);
  fprintf(out, "\n            host %s, started %s, mebench %s\n",
          *run->hostname ? run->hostname : "?", *run->started ? run->started : "?",
          *run->git_commit ? run->git_commit : "?");
}

static void floor_text(char *buf, size_t n, const struct mb_compare_options *o)
{
  if (o->min_entropy >= 0)
    snprintf(buf, n, "floor %g bits/byte", o->min_entropy);
  else
    snprintf(buf, n, "no floor");
}

int mb_compare_write_text(FILE *out, const struct mb_compare_report *r)
{
  char gated[96], floor_s[64];
  size_t i, m;

  gated_list(gated, sizeof(gated), r);
  floor_text(floor_s, sizeof(floor_s), &r->opts);
  fprintf(out, "mebench compare: experiment %s, collector %s\n", r->cur->experiment,
          r->cur->source);
  describe_run(out, "baseline:", r->base);
  describe_run(out, "current:", r->cur);
  fprintf(out,
          "  gate:     one-sided Mann-Whitney U, alpha %g; regressed = significant "
          "drop > %g%%; %s; gated: %s\n",
          r->opts.alpha, 100.0 * r->opts.max_drop, floor_s, gated);
  for (i = 0; i < r->n_warnings; i++)
    fprintf(out, "warning: %s\n", r->warnings[i]);
  fprintf(out, "\n%-24s", "");
  for (m = 0; m < MB_CMP_METRIC_COUNT; m++) {
    char head[64];

    snprintf(head, sizeof(head), "%s (%s)",
             mb_compare_metric_key((enum mb_compare_metric)m),
             mb_compare_metric_unit((enum mb_compare_metric)m));
    fprintf(out, "  %-35s", head);
  }
  fprintf(out, "\n%5s %7s %-10s %-12s %-9s", "ports", "ool", "mode", "variant",
          "placement");
  for (m = 0; m < MB_CMP_METRIC_COUNT; m++)
    fprintf(out, "  %9s %9s %7s %7s", "baseline", "current", "change", "p_drop");
  fprintf(out, "  verdict\n");
  for (i = 0; i < r->n_rows; i++) {
    const struct mb_compare_row *row = &r->rows[i];

    fprintf(out, "%5u %7u %-10s %-12s %-9s", row->num_ports, row->ool_size, row->mode,
            row->variant, row->placement);
    for (m = 0; m < MB_CMP_METRIC_COUNT; m++) {
      const struct mb_compare_stat *st = &row->stat[m];
      char b[32], c[32], ch[32], p[32];
      int vf = m == MB_CMP_RATE;

      if (row->in_base && row->in_cur) {
        fmt_num(b, sizeof(b), st->base_median, vf);
        fmt_num(c, sizeof(c), st->cur_median, vf);
        fmt_change(ch, sizeof(ch), st);
        snprintf(p, sizeof(p), "%.2g", st->p_drop);
      } else {
        fmt_num(b, sizeof(b), st->base_median, vf);
        fmt_num(c, sizeof(c), st->cur_median, vf);
        snprintf(ch, sizeof(ch), "-");
        snprintf(p, sizeof(p), "-");
      }
      fprintf(out, "  %9s %9s %7s %7s", b, c, ch, p);
    }
    fprintf(out, "  %s%s%s\n", mb_verdict_name(row->verdict),
            row->reason[0] ? ": " : "", row->reason);
  }
  fprintf(
      out,
      "\n%zu point%s: %zu regressed, %zu improved, %zu unchanged, %zu missing: %s\n",
      r->n_rows, mb_s(r->n_rows), r->n_regressed, r->n_improved, r->n_unchanged,
      r->n_missing, result_word(r));
  return finish(out);
}

int mb_compare_write_markdown(FILE *out, const struct mb_compare_report *r)
{
  char gated[96], floor_s[64];
  size_t i, m;

  gated_list(gated, sizeof(gated), r);
  floor_text(floor_s, sizeof(floor_s), &r->opts);
  fprintf(out, "### mebench compare: `%s` on `%s`\n\n", r->cur->experiment,
          r->cur->source);
  if (r->n_regressed)
    fprintf(out, "**Entropy regression**: %zu of %zu point%s regressed", r->n_regressed,
            r->n_rows, mb_s(r->n_rows));
  else
    fprintf(out, "**No regression** in %zu point%s", r->n_rows, mb_s(r->n_rows));
  fprintf(out, " (%zu improved, %zu unchanged, %zu missing).\n\n", r->n_improved,
          r->n_unchanged, r->n_missing);
  fprintf(out,
          "Gate: one-sided Mann-Whitney U over repetitions, alpha %g; a point "
          "regresses on a significant drop larger than %g%%; %s; gated: %s.\n\n",
          r->opts.alpha, 100.0 * r->opts.max_drop, floor_s, gated);
  for (i = 0; i < r->n_warnings; i++)
    fprintf(out, "- **Warning:** %s\n", r->warnings[i]);
  if (r->n_warnings)
    fprintf(out, "\n");
  fprintf(out, "| point |");
  for (m = 0; m < MB_CMP_METRIC_COUNT; m++)
    fprintf(out, " %s (%s) | change | p drop |",
            mb_compare_metric_key((enum mb_compare_metric)m),
            mb_compare_metric_unit((enum mb_compare_metric)m));
  fprintf(out, " verdict |\n|---|");
  for (m = 0; m < MB_CMP_METRIC_COUNT; m++)
    fprintf(out, "---:|---:|---:|");
  fprintf(out, "---|\n");
  for (i = 0; i < r->n_rows; i++) {
    const struct mb_compare_row *row = &r->rows[i];

    fprintf(out, "| %u ports, %u B, %s, %s, %s |", row->num_ports, row->ool_size,
            row->mode, row->variant, row->placement);
    for (m = 0; m < MB_CMP_METRIC_COUNT; m++) {
      const struct mb_compare_stat *st = &row->stat[m];
      int vf = m == MB_CMP_RATE;
      char b[32], c[32], ch[32];

      if (row->in_base && row->in_cur) {
        fmt_num(b, sizeof(b), st->base_median, vf);
        fmt_num(c, sizeof(c), st->cur_median, vf);
        fmt_change(ch, sizeof(ch), st);
        fprintf(out, " %s → %s | %s | %.2g |", b, c, ch, st->p_drop);
      } else {
        fmt_num(b, sizeof(b), st->base_median, vf);
        fmt_num(c, sizeof(c), st->cur_median, vf);
        fprintf(out, " %s → %s | – | – |", b, c);
      }
    }
    if (row->verdict == MB_VERDICT_REGRESSED)
      fprintf(out, " **regressed**: %s |\n", row->reason);
    else
      fprintf(out, " %s%s%s |\n", mb_verdict_name(row->verdict),
              row->reason[0] ? ": " : "", row->reason);
  }
  fprintf(out, "\n<details><summary>Runs compared</summary>\n\n");
  fprintf(out, "| | baseline | current |\n|---|---|---|\n");
  fprintf(out, "| file | `%s` | `%s` |\n", r->base->path, r->cur->path);
  fprintf(out, "| host | %s | %s |\n", r->base->hostname, r->cur->hostname);
  fprintf(out, "| cpu | %s | %s |\n", r->base->cpu_model, r->cur->cpu_model);
  fprintf(out, "| started | %s | %s |\n", r->base->started, r->cur->started);
  fprintf(out, "| mebench commit | %s | %s |\n", r->base->git_commit,
          r->cur->git_commit);
  fprintf(out, "| experiment sha256 | `%.12s` | `%.12s` |\n", r->base->sha256,
          r->cur->sha256);
  fprintf(out, "\n</details>\n");
  return finish(out);
}

static json_t *num_or_null(double v)
{
  return isfinite(v) ? json_real(v) : json_null();
}

/* A path is any bytes: jsonpath.h's encoding keeps the key when it is not
 * UTF-8. */
static json_t *run_json(const struct mb_compare_run *run)
{
  json_t *o = json_object();
  json_t *rest = json_pack(
      "{s:s?, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "baseline",
      run->is_baseline ? run->baseline_name : NULL, "status", run->status, "experiment",
      run->experiment, "sha256", run->sha256, "source", run->source, "hostname",
      run->hostname, "started", run->started, "git_commit", run->git_commit);

  if (!o || !rest || mb_json_set_path(o, "path", run->path) != 0 ||
      json_object_update(o, rest) != 0) {
    json_decref(o);
    o = NULL;
  }
  json_decref(rest);
  return o;
}

static json_t *stat_json(const struct mb_compare_stat *st, int both)
{
  json_t *o = json_object();

  json_object_set_new(o, "baseline",
                      json_pack("{s:I, s:o, s:o, s:o}", "n", (json_int_t)st->n_base,
                                "median", num_or_null(st->base_median), "min",
                                num_or_null(st->base_min), "max",
                                num_or_null(st->base_max)));
  json_object_set_new(o, "current",
                      json_pack("{s:I, s:o, s:o, s:o}", "n", (json_int_t)st->n_cur,
                                "median", num_or_null(st->cur_median), "min",
                                num_or_null(st->cur_min), "max",
                                num_or_null(st->cur_max)));
  json_object_set_new(o, "change", num_or_null(st->change));
  json_object_set_new(o, "p_drop", both ? json_real(st->p_drop) : json_null());
  json_object_set_new(o, "p_rise", both ? json_real(st->p_rise) : json_null());
  json_object_set_new(o, "exact", json_boolean(st->exact));
  json_object_set_new(o, "gated", json_boolean(st->gated));
  json_object_set_new(o, "regressed", json_boolean(st->regressed));
  json_object_set_new(o, "improved", json_boolean(st->improved));
  return o;
}

int mb_compare_write_json(FILE *out, const struct mb_compare_report *r)
{
  json_t *doc = json_object(), *warnings = json_array(), *points = json_array();
  size_t i, m;
  int status;

  for (i = 0; i < r->n_warnings; i++)
    json_array_append_new(warnings, mb_json_path(r->warnings[i]));
  for (i = 0; i < r->n_rows; i++) {
    const struct mb_compare_row *row = &r->rows[i];
    json_t *p =
        json_pack("{s:i, s:i, s:s, s:s, s:s, s:s, s:s, s:b, s:b}", "num_ports",
                  (int)row->num_ports, "ool_size", (int)row->ool_size, "mode",
                  row->mode, "variant", row->variant, "placement", row->placement,
                  "verdict", mb_verdict_name(row->verdict), "reason", row->reason,
                  "in_baseline", row->in_base, "in_current", row->in_cur);
    json_t *metrics = json_object();

    json_object_set_new(p, "current_h_bytes", num_or_null(row->cur_h_bytes));
    json_object_set_new(p, "below_floor", json_boolean(row->below_floor));
    json_object_set_new(p, "untestable", json_boolean(row->untestable));
    for (m = 0; m < MB_CMP_METRIC_COUNT; m++)
      json_object_set_new(metrics, mb_compare_metric_key((enum mb_compare_metric)m),
                          stat_json(&row->stat[m], row->in_base && row->in_cur));
    json_object_set_new(p, "metrics", metrics);
    json_array_append_new(points, p);
  }
  json_object_set_new(doc, "schema", json_string("mebench-compare/1"));
  json_object_set_new(doc, "result",
                      json_string(r->n_regressed  ? "regressed"
                                  : r->n_compared ? "ok"
                                                  : "nothing_compared"));
  json_object_set_new(doc, "baseline", run_json(r->base));
  json_object_set_new(doc, "current", run_json(r->cur));
  json_object_set_new(
      doc, "options",
      json_pack("{s:f, s:f, s:o, s:b, s:b}", "alpha", r->opts.alpha, "max_drop",
                r->opts.max_drop, "min_entropy",
                r->opts.min_entropy >= 0 ? json_real(r->opts.min_entropy) : json_null(),
                "gate_rate", r->opts.gate_rate, "rate_gated", r->rate_gated));
  json_object_set_new(
      doc, "summary",
      json_pack("{s:I, s:I, s:I, s:I, s:I}", "points", (json_int_t)r->n_rows,
                "regressed", (json_int_t)r->n_regressed, "improved",
                (json_int_t)r->n_improved, "unchanged", (json_int_t)r->n_unchanged,
                "missing", (json_int_t)r->n_missing));
  json_object_set_new(doc, "warnings", warnings);
  json_object_set_new(doc, "points", points);
  status =
      json_dumpf(doc, out, JSON_INDENT(2) | JSON_REAL_PRECISION(10)) ? MB_EIO : MB_OK;
  json_decref(doc);
  if (status == MB_OK)
    fputc('\n', out);
  return status ? status : finish(out);
}

int mb_compare_write_gab(FILE *out, const struct mb_compare_report *r)
{
  json_t *arr = json_array();
  size_t i, m;
  int status;

  for (i = 0; i < r->n_rows; i++) {
    const struct mb_compare_row *row = &r->rows[i];

    if (!row->in_cur)
      continue;
    for (m = 0; m < MB_CMP_METRIC_COUNT; m++) {
      const struct mb_compare_stat *st = &row->stat[m];
      char name[256], range[64], extra[256];
      double med = st->cur_median;

      if (!isfinite(med))
        continue;
      /* Free placement is left out of the name, so the dashboard's charts of
       * runs from before the placement axis go on. */
      snprintf(name, sizeof(name),
               "%s num_ports=%u ool_size=%u mode=%s variant=%s%s%s %s",
               r->cur->experiment, row->num_ports, row->ool_size, row->mode,
               row->variant, strcmp(row->placement, "free") ? " placement=" : "",
               strcmp(row->placement, "free") ? row->placement : "",
               mb_compare_metric_key((enum mb_compare_metric)m));
      snprintf(range, sizeof(range), "± %.4g", (st->cur_max - st->cur_min) / 2.0);
      if (row->in_base)
        snprintf(extra, sizeof(extra),
                 "median of %zu repetition%s; baseline %.6g (%+.1f%%, p=%.2g); %s",
                 st->n_cur, mb_s(st->n_cur), st->base_median,
                 100.0 * (isfinite(st->change) ? st->change : 0), st->p_drop,
                 mb_verdict_name(row->verdict));
      else
        snprintf(extra, sizeof(extra),
                 "median of %zu repetition%s; not in the baseline", st->n_cur,
                 mb_s(st->n_cur));
      json_array_append_new(arr,
                            json_pack("{s:s, s:s, s:f, s:s, s:s}", "name", name, "unit",
                                      mb_compare_metric_unit((enum mb_compare_metric)m),
                                      "value", med, "range", range, "extra", extra));
    }
  }
  status =
      json_dumpf(arr, out, JSON_INDENT(2) | JSON_REAL_PRECISION(10)) ? MB_EIO : MB_OK;
  json_decref(arr);
  if (status == MB_OK)
    fputc('\n', out);
  return status ? status : finish(out);
}
