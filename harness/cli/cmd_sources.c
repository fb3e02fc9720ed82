/* cmd_sources.c: `mebench sources`: every collector built in, whether it
 * can run here (and why not), its platform and its clock. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "source.h"

enum { OPT_HELP = 1, OPT_JSON };

static const struct mb_opt opts[] = {
    {"help", 'h', NULL, OPT_HELP, "show this help"},
    {"json", 0, NULL, OPT_JSON, "print JSON instead of a table"},
};
#define N_OPTS (sizeof(opts) / sizeof(opts[0]))

/* What is known about one collector on this machine. */
struct row {
  const struct mb_source_info *info;
  int available;
  char reason[768];
  int have_clock; /* a live clock was measured */
  struct mb_clock clk;
};

static void survey(struct row *r, const struct mb_source_info *info)
{
  struct mb_error err;
  struct mb_collector *col;

  memset(r, 0, sizeof(*r));
  r->info = info;
  mb_error_init(&err);
  r->available = mb_source_probe(info->name, &err) == MB_OK;
  if (!r->available) {
    snprintf(r->reason, sizeof(r->reason), "%s", err.text);
    return;
  }
  /* A collector that needs an option (replay's FILE) has no clock until it
   * is given one: its tick is the recording's. */
  if (info->option_required)
    return;
  mb_error_init(&err);
  if (mb_collector_open(info->name, NULL, &col, &err) != MB_OK) {
    r->available = 0;
    snprintf(r->reason, sizeof(r->reason), "%s", err.text);
    return;
  }
  mb_collector_clock(col, &r->clk);
  r->have_clock = 1;
  mb_collector_free(col);
}

/* The variants collector `name` runs, as a JSON array of names. */
static json_t *variants_json(const char *name)
{
  json_t *a = json_array();
  unsigned v;

  for (v = 0; a && v < MB_VARIANT_COUNT; v++)
    if (mb_source_has_variant(name, (enum mb_variant)v))
      json_array_append_new(a, json_string(mb_variant_name((enum mb_variant)v)));
  return a ? a : json_null();
}

static int print_json(const struct row *rows, size_t n)
{
  json_t *root = json_object(), *list = json_array();
  size_t i;
  int rc;

  if (!root || !list) {
    json_decref(root);
    json_decref(list);
    return MB_ENOMEM;
  }
  json_object_set_new(root, "default", json_string(mb_sources_default()));
  json_object_set_new(root, "sources", list);
  for (i = 0; i < n; i++) {
    const struct row *r = &rows[i];
    json_t *clock = json_null(), *placements = json_array();
    unsigned k;

    for (k = 0; placements && k < MB_PLACEMENT_COUNT; k++)
      if (r->info->placements & MB_PLACEMENT_BIT(k))
        json_array_append_new(placements,
                              json_string(mb_placement_name((enum mb_placement)k)));
    if (r->have_clock)
      clock = json_pack("{s:s, s:I, s:I, s:f, s:f}", "name", r->clk.name, "tick_num",
                        (json_int_t)r->clk.tick_num, "tick_den",
                        (json_int_t)r->clk.tick_den, "read_cost_ns",
                        r->clk.read_cost_ns, "resolution_ns", r->clk.resolution_ns);
    else if (r->available && r->info->option_required)
      clock = json_pack("{s:s, s:n, s:n, s:s}", "name", "replay", "tick_num",
                        "tick_den", "note", "tick of the recording played back");
    json_array_append_new(
        list,
        json_pack("{s:s, s:s, s:s, s:b, s:o, s:o, s:b, s:{s:I, s:I, s:s, s:s}, s:o, "
                  "s:o, s:o}",
                  "name", r->info->name, "description", r->info->description,
                  "platform", r->info->platform, "available", r->available, "reason",
                  r->available ? json_null() : json_string(r->reason), "option",
                  r->info->option ? json_string(r->info->option) : json_null(),
                  "option_required", r->info->option_required, "defaults", "num_ports",
                  (json_int_t)r->info->defaults.num_ports, "ool_size",
                  (json_int_t)r->info->defaults.ool_size, "mode",
                  mb_mode_name(r->info->defaults.mode), "variant",
                  mb_variant_name(r->info->defaults.variant), "variants",
                  variants_json(r->info->name), "clock", clock, "placements",
                  placements));
  }
  rc = json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 ? MB_OK
                                                                           : MB_EIO;
  fputc('\n', stdout);
  json_decref(root);
  return rc;
}

static void print_table(const struct row *rows, size_t n)
{
  size_t i;

  printf("%-10s %-8s %-9s %-20s %-9s %10s %11s\n", "COLLECTOR", "PLATFORM", "AVAILABLE",
         "CLOCK", "TICK (ns)", "READ COST", "RESOLUTION");
  for (i = 0; i < n; i++) {
    const struct row *r = &rows[i];
    char tick[48] = "-", cost[32] = "-", res[32] = "-";
    const char *clock = "-";

    if (r->have_clock) {
      clock = r->clk.name;
      snprintf(tick, sizeof(tick), "%llu/%llu", (unsigned long long)r->clk.tick_num,
               (unsigned long long)r->clk.tick_den);
      snprintf(cost, sizeof(cost), "%.1f ns", r->clk.read_cost_ns);
      snprintf(res, sizeof(res), "%.1f ns", r->clk.resolution_ns);
    } else if (r->available && r->info->option_required) {
      clock = "replay";
      snprintf(tick, sizeof(tick), "recorded");
    }
    printf("%-10s %-8s %-9s %-20s %-9s %10s %11s\n", r->info->name, r->info->platform,
           r->available ? "yes" : "no", clock, tick, cost, res);
  }
  printf("\n");
  for (i = 0; i < n; i++) {
    const struct row *r = &rows[i];

    printf("%s: %s.", r->info->name, r->info->description);
    if (!r->available)
      printf(" Not available: %s.", r->reason);
    else if (r->info->option_required)
      printf(" Needs a %s: a .mbr raw file, a run's raw/ directory, or a text "
             "list of integers.",
             r->info->option);
    else if (r->info->option)
      printf(" Option: %s.", r->info->option);
    {
      unsigned k, first = 1;

      printf(" Placements:");
      for (k = 0; k < MB_PLACEMENT_COUNT; k++)
        if (r->info->placements & MB_PLACEMENT_BIT(k)) {
          printf("%s %s", first ? "" : ",", mb_placement_name((enum mb_placement)k));
          first = 0;
        }
      printf(".");
    }
    printf("\n");
  }
  printf("\nDefault collector here: %s. Defaults: num_ports %u, ool_size %u, mode %s, "
         "variant %s.\n",
         mb_sources_default(), MB_NUM_PORTS_DEFAULT, MB_OOL_SIZE_DEFAULT,
         mb_mode_name(MB_MODE_COMPLEX), mb_variant_name(MB_VARIANT_SEED));
  {
    char list[160];

    printf("Variants (sweep axis \"variant\"; sources/FINDINGS.md): %s.\n",
           mb_source_variant_list(mb_sources_default(), list, sizeof(list)));
  }
}

int mb_cmd_sources(int argc, char **argv, struct mb_error *err)
{
  struct mb_optparse p;
  const struct mb_source_info *infos;
  struct row rows[16];
  size_t n, i;
  int json = 0, id;

  mb_opt_init(&p, argc, argv, "sources");
  while ((id = mb_opt_next(&p, opts, N_OPTS, err)) != MB_OPT_END) {
    switch (id) {
    case OPT_HELP:
      printf("Usage: mebench sources [--json]\n\n"
             "List every collector built into mebench: whether it can run on this\n"
             "machine (and why not), its platform, the clock it times with, the\n"
             "length of one tick in nanoseconds (a ratio: 125/3 on Apple Silicon),\n"
             "and the measured cost and resolution of one clock read.\n\nOptions:\n");
      mb_opt_print(stdout, opts, N_OPTS);
      printf("\n");
      mb_cli_print_exit_codes_of(stdout, MB_EXITS_COMMON);
      return MB_OK;
    case OPT_JSON:
      json = 1;
      break;
    case MB_OPT_POSITIONAL:
      return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                          "sources: unexpected argument '%s'", p.arg);
    default:
      return id; /* an MB_EUSAGE already described in err */
    }
  }
  infos = mb_sources_list(&n);
  if (n > sizeof(rows) / sizeof(rows[0]))
    n = sizeof(rows) / sizeof(rows[0]);
  for (i = 0; i < n; i++)
    survey(&rows[i], &infos[i]);
  if (json)
    return print_json(rows, n) == MB_OK
               ? MB_OK
               : mb_error_set(err, MB_EIO, "<stdout>", 0, 0, NULL, "cannot write");
  print_table(rows, n);
  return MB_OK;
}
