/* cmd_assess.c: `mebench assess FILE`: the SP 800-90B non-IID assessment of
 * a sample file, as NIST's ea_non_iid makes it, or with --iid the IID track
 * as NIST's ea_iid makes it, with the health-test cut-offs that follow from
 * the result, in text or JSON. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli.h"
#include "commands.h"
#include "jsonpath.h"
#include "estimators.h"
#include "fsutil.h"
#include "health.h"
#include "iid.h"
#include "iid_json.h"
#include "plural.h"
#include "rawfile.h"
#include "results.h"

enum {
  OPT_ALPHA = 1,
  OPT_BITS,
  OPT_ESTIMATORS,
  OPT_HELP,
  OPT_IID,
  OPT_JSON,
  OPT_NO_BITSTRING,
  OPT_PERMUTATIONS,
  OPT_RAW_BITS,
  OPT_SEED,
  OPT_THREADS,
};

static const struct mb_opt options[] = {
    {"alpha", 0, "A", OPT_ALPHA,
     "health-test false-positive probability, 1e-300 to 0.5 (default 2^-20)"},
    {"bits", 'b', "N", OPT_BITS,
     "bits per symbol, 1..8 (default: the highest bit set in the data)"},
    {"estimators", 'e', "LIST", OPT_ESTIMATORS,
     "comma-separated estimators to run (default: all): mcv,collision,..."},
    {"help", 'h', NULL, OPT_HELP, "show this help"},
    {"iid", 0, NULL, OPT_IID,
     "the IID track (section 5, as ea_iid): permutation, chi-square and LRS tests"},
    {"json", 0, NULL, OPT_JSON, "print the assessment as JSON"},
    {"no-bitstring", 0, NULL, OPT_NO_BITSTRING,
     "skip the bitstring assessment of non-binary data"},
    {"permutations", 0, "N", OPT_PERMUTATIONS,
     "--iid: permutations, 1..1000000 (default 10000, as section 5.1 says)"},
    {"raw-bits", 'r', "N", OPT_RAW_BITS,
     "raw .mbr file: assess the low N bits (1..8) of each timing delta"},
    {"seed", 0, "N", OPT_SEED,
     "--iid: the permutations' seed, 0..2^53-1 (default: drawn and printed)"},
    {"threads", 'j', "N", OPT_THREADS,
     "worker threads, 0..64, 0 = all cores (default 0)"},
};
#define N_OPTIONS (sizeof(options) / sizeof(options[0]))

#define USAGE "mebench assess [OPTIONS] FILE"

static void usage(FILE *out)
{
  fprintf(
      out,
      "Usage: " USAGE "\n\n"
      "Estimate the min-entropy of FILE with the ten non-IID estimators of NIST\n"
      "SP 800-90B (section 6.3), as NIST's ea_non_iid 1.1.7 does: the estimators\n"
      "that apply to the samples themselves give H_original; for data with more\n"
      "than two distinct values, all ten run on the samples written out as bits\n"
      "(most significant first) and give H_bitstring; the assessment is\n"
      "min(H_original, bits x H_bitstring).\n\n"
      "FILE holds one sample per byte, like the reference tool's input (a\n"
      "sample wider than --bits is refused); '-' reads standard input. A raw file\n"
      "of a run (named *.mbr, or any file with --raw-bits) gives its extracted\n"
      "bytes (8 bits each), or with --raw-bits N the low N bits of each timing\n"
      "delta, as the runner assesses them. The name or --raw-bits decides, never\n"
      "the file's first bytes.\n\n"
      "With --iid, the IID track of section 5 instead, as NIST's ea_iid 1.1.7: the\n"
      "19 permutation-test statistics over 10,000 seeded permutations (the seed is\n"
      "printed; --seed repeats a result exactly, whatever --threads), the\n"
      "chi-square independence and goodness-of-fit tests, the longest-repeated-\n"
      "substring test, and the Most Common Value estimate on the samples and their\n"
      "bitstring. h_assessed applies only when every test passes (\"iid\": true).\n"
      "The IID verdict is a result, not an error: exit 0 either way; gate on\n"
      "\"iid\" in --json.\n\n"
      "Both print the health-test cut-offs (section 4.4) that follow from\n"
      "h_assessed at the false-positive probability --alpha.\n\n"
      "Options:\n");
  mb_opt_print(out, options, N_OPTIONS);
  fprintf(out, "\n");
  mb_cli_print_exit_codes_of(out, MB_EXITS_COMMON | MB_EXIT_BIT(INVALID));
}

/* Read all of path ("-": stdin) into *buf: the shared input reader, which
 * refuses a FIFO or device (never blocks) and stops at MB_FS_READ_MAX. */
static int read_all(const char *path, uint8_t **buf, size_t *len, struct mb_error *err)
{
  return mb_fs_read_input(path, MB_FS_STDIN, MB_FS_READ_MAX,
                          "a sample file or a raw .mbr file", buf, len, err);
}

/* A raw file (already read into *data to see its magic): replace *data with
 * the symbols the runner assesses: the extracted bytes (8 bits), or with
 * raw_bits the low raw_bits bits of each timing delta. */
static int raw_symbols(const char *path, unsigned raw_bits, uint8_t **data, size_t *n,
                       unsigned *bits, struct mb_error *err)
{
  struct mb_raw_meta meta;
  struct mb_collection c;
  uint8_t *s;
  size_t i, count;
  int status;

  if (strcmp(path, "-") == 0)
    return mb_error_set(err, MB_EINVALID, "<stdin>", 0, 0, NULL,
                        "a raw .mbr file must be named, not read from standard input");
  mb_collection_init(&c);
  status = mb_rawfile_read(path, &meta, &c, err);
  if (status != MB_OK) {
    mb_collection_cleanup(&c);
    return status;
  }
  count = raw_bits ? c.n_timings : c.n_bytes;
  if (count == 0) {
    mb_collection_cleanup(&c);
    return mb_error_set(err, MB_EINVALID, path, 0, 0, NULL, "the raw file holds no %s",
                        raw_bits ? "timings" : "extracted bytes");
  }
  s = malloc(count);
  if (!s) {
    mb_collection_cleanup(&c);
    return mb_error_set(err, MB_ENOMEM, path, 0, 0, NULL,
                        "out of memory for %zu samples", count);
  }
  for (i = 0; i < count; i++)
    s[i] = (uint8_t)(raw_bits ? c.timings[i] & ((1u << raw_bits) - 1u) : c.bytes[i]);
  mb_collection_cleanup(&c);
  free(*data);
  *data = s;
  *n = count;
  *bits = raw_bits ? raw_bits : 8;
  return MB_OK;
}

static int parse_estimators(const char *list, unsigned *mask, struct mb_error *err)
{
  char word[64];
  const char *p = list;

  *mask = 0;
  if (strcmp(list, "all") == 0) {
    *mask = MB_EST_ALL;
    return MB_OK;
  }
  while (*p) {
    size_t len = strcspn(p, ",");
    enum mb_estimator e;

    if (len == 0 || len >= sizeof(word))
      return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                          "assess: --estimators: empty or overlong name in '%s'", list);
    memcpy(word, p, len);
    word[len] = '\0';
    if (mb_estimator_parse(word, &e) != MB_OK) {
      const char *keys[MB_EST_COUNT];
      const char *hint;
      unsigned i;

      for (i = 0; i < MB_EST_COUNT; i++)
        keys[i] = mb_estimator_key((enum mb_estimator)i);
      hint = mb_suggest(word, keys, MB_EST_COUNT);
      if (hint)
        return mb_error_set(
            err, MB_EUSAGE, NULL, 0, 0, NULL,
            "assess: --estimators: unknown estimator '%s' (did you mean "
            "'%s'?)",
            word, hint);
      return mb_error_set(
          err, MB_EUSAGE, NULL, 0, 0, NULL,
          "assess: --estimators: unknown estimator '%s' (expected a "
          "comma-separated list of mcv, collision, markov, compression, "
          "t_tuple, lrs, multi_mcw, lag, multi_mmc, lz78y, or all)",
          word);
    }
    *mask |= 1u << e;
    p += len;
    if (*p == ',')
      p++;
  }
  if (*mask == 0)
    return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                        "assess: --estimators: no estimator named");
  return MB_OK;
}

/* Why cut-offs from the IID track's h_assessed must not be used when the
 * data failed the IID tests (§3.1.1: the non-IID track applies then). */
static const char not_iid_note[] =
    "h_assessed does not apply (the data are not IID): take the cut-offs from the "
    "non-IID estimate, `mebench assess FILE`";

/* §4.4 cut-offs from an assessed entropy, for the text output; applies 0:
 * the entropy does not apply to the data, and the cut-offs say so. */
static void print_health_text(double h, int binary, double alpha, int applies)
{
  struct mb_health_cutoffs c;

  if (mb_health_cutoffs(h, alpha, binary, &c) != 0) {
    printf("Health tests (4.4): no cut-offs (h_assessed is 0)\n");
    return;
  }
  if (!applies)
    printf("Health tests (4.4): NOT FOR USE: %s. For h_assessed as computed:\n",
           not_iid_note);
  printf("Health tests (4.4) at alpha = %.6g, h = %.6f:\n", alpha, h);
  printf("  Repetition Count Test cut-off:    %llu identical samples in a row\n",
         (unsigned long long)c.rct);
  printf("  Adaptive Proportion Test cut-off: %llu of a window of %u%s\n",
         (unsigned long long)c.apt, c.window,
         c.apt_possible ? "" : " (can never fire)");
}

/* The health cut-offs as JSON beside an assessment; NULL when h is 0.
 * "applies": false (with a "note") when h does not apply to the data. */
static int add_health_json(json_t *root, double h, int binary, double alpha,
                           int applies)
{
  struct mb_health_cutoffs c;
  json_t *hj;

  if (mb_health_cutoffs(h, alpha, binary, &c) != 0)
    return json_object_set_new(root, "health", json_null());
  hj = mb_health_json(&c, NULL);
  if (hj &&
      (json_object_set_new(hj, "applies", json_boolean(applies)) != 0 ||
       (!applies && json_object_set_new(hj, "note", json_string(not_iid_note)) != 0))) {
    json_decref(hj);
    hj = NULL;
  }
  return hj ? json_object_set_new(root, "health", hj) : -1;
}

/* The assessment as run.json records it (mb_results_assessment_json), after
 * the name of the file assessed. */
/* Print {"file": FILE, ...body, health cut-offs for h at alpha} to stdout.
 * body is stolen (NULL when building it failed). */
static int print_json_doc(const char *file, json_t *body, double h, int binary,
                          double alpha, int applies, struct mb_error *err)
{
  json_t *root = json_object();
  char *text = NULL;

  if (root && body && mb_json_set_path(root, "file", file) == 0 &&
      json_object_update(root, body) == 0 &&
      add_health_json(root, h, binary, alpha, applies) == 0)
    text = json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
  json_decref(body);
  json_decref(root);
  if (!text)
    return mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "cannot format JSON");
  puts(text);
  free(text);
  return MB_OK;
}

static int print_json(const char *file, const struct mb_assessment *a, double alpha,
                      struct mb_error *err)
{
  return print_json_doc(file, mb_results_assessment_json(a), a->h_assessed, a->binary,
                        alpha, 1, err);
}

static int any_listed(const struct mb_estimate *section)
{
  unsigned i;

  for (i = 0; i < MB_EST_COUNT; i++)
    if (section[i].ran || section[i].skipped)
      return 1;
  return 0;
}

static void print_section(const char *title, const struct mb_estimate *section)
{
  unsigned i;

  printf("%s\n", title);
  printf("  %-7s %-46s %12s %14s\n", "section", "estimator", "h (bits)", "p");
  for (i = 0; i < MB_EST_COUNT; i++) {
    const struct mb_estimate *e = &section[i];
    char name[64];

    if (!e->ran && !e->skipped)
      continue;
    snprintf(name, sizeof(name), "%s (%s)", mb_estimator_title((enum mb_estimator)i),
             mb_estimator_key((enum mb_estimator)i));
    if (e->ran)
      printf("  %-7s %-46s %12.6f %14.8g\n", mb_estimator_section((enum mb_estimator)i),
             name, e->h + 0.0, e->p);
    else
      printf("  %-7s %-46s %12s   skipped: %s\n",
             mb_estimator_section((enum mb_estimator)i), name, "-", e->skipped);
  }
  printf("\n");
}

static void print_text(const char *file, const struct mb_assessment *a,
                       int no_bitstring, double alpha)
{
  char title[128];

  printf("%s: %zu sample%s, %u bit%s per symbol, %u distinct value%s (%s)\n\n", file,
         a->samples, mb_s(a->samples), a->bits_per_symbol, mb_s(a->bits_per_symbol),
         a->alphabet_size, mb_s(a->alphabet_size),
         a->binary              ? "binary data"
         : a->alphabet_size < 2 ? "constant data"
                                : "non-binary");
  snprintf(title, sizeof(title),
           "Literal samples (%u-symbol alphabet):", a->alphabet_size);
  if (any_listed(a->literal))
    print_section(title, a->literal);
  snprintf(title, sizeof(title), "Bitstring (%zu bits, most significant first):",
           a->samples * a->bits_per_symbol);
  if (any_listed(a->bitstring))
    print_section(title, a->bitstring);
  else if (a->binary)
    printf("Bitstring: not assessed (binary data is assessed as it is)\n\n");
  else if (no_bitstring)
    printf("Bitstring: not assessed (--no-bitstring)\n\n");

  if (a->samples < 1000000)
    printf(
        "Note: %zu sample%s; SP 800-90B section 3.1.1 asks for at least 1,000,000.\n\n",
        a->samples, mb_s(a->samples));
  if (a->h_original >= 0.0)
    printf("H_original:  %.6f bits per symbol\n", a->h_original);
  else
    printf("H_original:  - (no literal estimator ran)\n");
  if (a->h_bitstring >= 0.0)
    printf("H_bitstring: %.6f bits per bit (x %u = %.6f per symbol)\n", a->h_bitstring,
           a->bits_per_symbol, a->h_bitstring * a->bits_per_symbol);
  if (a->h_assessed >= 0.0 && a->h_bitstring >= 0.0 && a->h_original >= 0.0)
    printf("H_assessed:  %.6f bits per symbol  (min(H_original, %u x H_bitstring))\n",
           a->h_assessed, a->bits_per_symbol);
  else if (a->h_assessed >= 0.0)
    printf("H_assessed:  %.6f bits per symbol\n", a->h_assessed);
  else
    printf("H_assessed:  - (no estimator ran)\n");
  if (a->h_assessed >= 0.0) {
    printf("\n");
    print_health_text(a->h_assessed, a->binary, alpha, 1);
  }
}

static void print_iid_text(const char *file, const struct mb_iid_result *r,
                           double alpha)
{
  unsigned j;

  printf("%s: %zu sample%s, %u bit%s per symbol, %u distinct value%s (%s)\n\n", file,
         r->samples, mb_s(r->samples), r->bits_per_symbol, mb_s(r->bits_per_symbol),
         r->alphabet_size, mb_s(r->alphabet_size),
         r->binary              ? "binary data"
         : r->alphabet_size < 2 ? "constant data"
                                : "non-binary");
  if (r->skipped) {
    printf("Not tested: %s\n\nIID: no\nH_assessed: 0 bits per symbol\n\n", r->skipped);
    print_health_text(0, r->binary, alpha, 1);
    return;
  }
  printf("Mean %.17g, median %.17g; seed %llu\n\n", r->mean, r->median,
         (unsigned long long)r->seed);
  if (r->permutations_ran && r->permutations_counted < r->permutations)
    printf("Permutation tests (5.1): %u permutation%s asked, %u counted: every "
           "statistic settled\n",
           r->permutations, mb_s(r->permutations), r->permutations_counted);
  else if (r->permutations_ran)
    printf("Permutation tests (5.1): %s %u permutation%s counted (a statistic "
           "that has not settled by then fails)\n",
           r->permutations == 1 ? "the" : "all", r->permutations,
           mb_s(r->permutations));
  else
    printf("Permutation tests (5.1): not run; statistics of the data only\n");
  printf("  %-7s %-24s %24s %6s %6s %6s  %s\n", "section", "statistic", "value", "C0",
         "C1", "C2", "verdict");
  for (j = 0; j < MB_IID_NSTATS; j++) {
    printf("  %-7s %-24s %24.17g", mb_iid_stat_section((enum mb_iid_stat)j),
           mb_iid_stat_nist_name((enum mb_iid_stat)j), r->stat[j]);
    if (r->permutations_ran)
      printf(" %6u %6u %6u  %s\n", r->counter[j][0], r->counter[j][1], r->counter[j][2],
             r->stat_pass[j] ? "pass" : "FAIL");
    else
      printf("\n");
  }
  printf("\nChi-square tests (5.2):\n");
  printf("  independence (5.2.1):    T = %.17g, df = %ld, p = %.6g  %s\n",
         r->independence.t, r->independence.df, r->independence.p_value,
         r->independence.pass ? "pass" : "FAIL");
  if (r->independence.note)
    printf("    note: %s\n", r->independence.note);
  printf("  goodness of fit (5.2.2): T = %.17g, df = %ld, p = %.6g  %s\n",
         r->goodness_of_fit.t, r->goodness_of_fit.df, r->goodness_of_fit.p_value,
         r->goodness_of_fit.pass ? "pass" : "FAIL");
  if (r->goodness_of_fit.note)
    printf("    note: %s\n", r->goodness_of_fit.note);
  printf("Longest repeated substring test (5.2.3): W = %zu, P_col = %.17g, "
         "Pr(X >= 1) = %.6g  %s\n\n",
         r->lrs_w, r->lrs_p_col, r->lrs_pr, r->lrs_pass ? "pass" : "FAIL");
  if (r->mcv_literal.ran)
    printf("H_original (MCV, 6.3.1):  %.6f bits per symbol\n", r->h_original);
  if (r->mcv_bitstring.ran)
    printf("H_bitstring (MCV):        %.6f bits per bit (x %u = %.6f per symbol)\n",
           r->h_bitstring, r->bits_per_symbol, r->h_bitstring * r->bits_per_symbol);
  if (r->samples < 1000000)
    printf("Note: %zu sample%s; SP 800-90B section 3.1.1 asks for at least "
           "1,000,000.\n",
           r->samples, mb_s(r->samples));
  printf("\nIID: %s\n", r->iid ? "yes" : "no");
  printf("H_assessed: %.6f bits per symbol  (%s)\n\n", r->h_assessed,
         mb_iid_verdict(r));
  print_health_text(r->h_assessed, r->binary, alpha, r->iid);
}

static int print_iid_json(const char *file, const struct mb_iid_result *r, double alpha,
                          struct mb_error *err)
{
  return print_json_doc(file, mb_iid_json(r), r->h_assessed, r->binary, alpha, r->iid,
                        err);
}

/* A seed nobody chose: from the system's generator, else the clock. */
static uint64_t fresh_seed(void)
{
  uint64_t s = 0;
  FILE *f = fopen("/dev/urandom", "rb");

  if (f) {
    if (fread(&s, sizeof(s), 1, f) != 1)
      s = 0;
    fclose(f);
  }
  if (s == 0)
    s = (uint64_t)time(NULL) * 0x9E3779B97F4A7C15ull;
  return s & MB_IID_SEED_MAX;
}

static int parse_seed(const char *text, uint64_t *out, struct mb_error *err)
{
  char *end = NULL;
  unsigned long long v = 0;

  errno = 0;
  if (text[0] >= '0' && text[0] <= '9')
    v = strtoull(text, &end, 10);
  if (!end || *end != '\0' || errno == ERANGE || v > MB_IID_SEED_MAX)
    return mb_error_set(
        err, MB_EUSAGE, NULL, 0, 0, NULL,
        "assess: --seed: '%s' is not an integer in 0..2^53-1 "
        "(9007199254740991, the largest every JSON reader holds exactly)",
        text);
  *out = (uint64_t)v;
  return MB_OK;
}

int mb_cmd_assess(int argc, char **argv, struct mb_error *err)
{
  struct mb_optparse p;
  struct mb_assess_options opt;
  struct mb_assessment *a;
  struct mb_iid_options iopt;
  const char *file = NULL;
  long long v;
  unsigned bits = 0, raw_bits = 0;
  int is_raw;
  int json = 0, iid = 0, have_seed = 0, id, status;
  double alpha = MB_HEALTH_ALPHA;
  uint8_t *data = NULL;
  size_t n = 0;

  memset(&opt, 0, sizeof(opt));
  memset(&iopt, 0, sizeof(iopt));
  mb_opt_init(&p, argc, argv, "assess");
  while ((id = mb_opt_next(&p, options, N_OPTIONS, err)) != MB_OPT_END) {
    switch (id) {
    case OPT_ALPHA:
      if (mb_opt_double(p.arg, MB_HEALTH_ALPHA_MIN, MB_HEALTH_ALPHA_MAX,
                        "assess: --alpha", &alpha, err) != MB_OK)
        return MB_EUSAGE;
      break;
    case OPT_IID:
      iid = 1;
      break;
    case OPT_PERMUTATIONS:
      if (mb_opt_long(p.arg, 1, 1000000, "assess: --permutations", &v, err) != MB_OK)
        return MB_EUSAGE;
      iopt.permutations = (unsigned)v;
      break;
    case OPT_SEED:
      if (parse_seed(p.arg, &iopt.seed, err) != MB_OK)
        return MB_EUSAGE;
      have_seed = 1;
      break;
    case OPT_BITS:
      if (mb_opt_long(p.arg, 1, 8, "assess: --bits", &v, err) != MB_OK)
        return MB_EUSAGE;
      bits = (unsigned)v;
      break;
    case OPT_ESTIMATORS:
      if (parse_estimators(p.arg, &opt.estimators, err) != MB_OK)
        return MB_EUSAGE;
      break;
    case OPT_HELP:
      usage(stdout);
      return MB_OK;
    case OPT_JSON:
      json = 1;
      break;
    case OPT_NO_BITSTRING:
      opt.no_bitstring = 1;
      break;
    case OPT_RAW_BITS:
      if (mb_opt_long(p.arg, 1, 8, "assess: --raw-bits", &v, err) != MB_OK)
        return MB_EUSAGE;
      raw_bits = (unsigned)v;
      break;
    case OPT_THREADS:
      if (mb_opt_long(p.arg, 0, 64, "assess: --threads", &v, err) != MB_OK)
        return MB_EUSAGE;
      opt.threads = (int)v;
      break;
    case MB_OPT_POSITIONAL:
      if (file)
        return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                            "assess: one FILE expected, got '%s' and '%s'", file,
                            p.arg);
      file = p.arg;
      break;
    default:
      return id; /* MB_EUSAGE, err filled */
    }
  }
  if (!file)
    return mb_cli_missing(err, "assess", "FILE (the samples to assess)", USAGE);
  /* An option that would change nothing is refused, not ignored. */
  if (!iid && (have_seed || iopt.permutations))
    return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                        "assess: --%s is for the IID track's permutations; add --iid",
                        have_seed ? "seed" : "permutations");
  if (iid && (opt.estimators || opt.no_bitstring))
    return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                        "assess: --%s chooses among the non-IID estimators; the IID "
                        "track (--iid) always runs all of its tests",
                        opt.estimators ? "estimators" : "no-bitstring");
  if (bits && raw_bits)
    return mb_error_set(
        err, MB_EUSAGE, NULL, 0, 0, NULL,
        "assess: --bits and --raw-bits exclude each other (--raw-bits is "
        "the width for raw files)");

  /* Raw or samples is said, never guessed from the bytes: --raw-bits or the
   * .mbr extension make it a raw file; anything else is samples, even a
   * sample file that happens to begin with MBRAW001. */
  is_raw = raw_bits > 0 ||
           (strlen(file) > 4 && strcmp(file + strlen(file) - 4, ".mbr") == 0);
  if (is_raw && bits)
    return mb_error_set(
        err, MB_EUSAGE, NULL, 0, 0, NULL,
        "assess: --bits is for sample files, and %s is a raw file (its "
        ".mbr extension): give --raw-bits N to assess the low N bits of "
        "its timings, or nothing for its extracted bytes",
        file);
  status = read_all(file, &data, &n, err);
  if (status != MB_OK)
    return status;
  if (n == 0) {
    free(data);
    return mb_error_set(err, MB_EINVALID, strcmp(file, "-") == 0 ? "<stdin>" : file, 0,
                        0, NULL, "the file is empty: no samples to assess");
  }
  if (is_raw && !(n >= 8 && memcmp(data, "MBRAW001", 8) == 0)) {
    free(data);
    return mb_error_set(err, MB_EINVALID, strcmp(file, "-") == 0 ? "<stdin>" : file, 0,
                        0, NULL,
                        "not a raw file: no MBRAW001 magic (%s; a file of one sample "
                        "per byte is assessed without --raw-bits%s)",
                        raw_bits ? "--raw-bits needs a raw .mbr file"
                                 : "its .mbr extension names a raw file",
                        raw_bits ? "" : " and not named .mbr");
  }
  if (is_raw) {
    status = raw_symbols(file, raw_bits, &data, &n, &bits, err);
    if (status != MB_OK) {
      free(data);
      return status;
    }
  }
  if (iid) {
    struct mb_iid_result *r = malloc(sizeof(*r));

    if (!r) {
      free(data);
      return mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    iopt.threads = opt.threads;
    if (!have_seed)
      iopt.seed = fresh_seed();
    status = mb_iid_assess(data, n, bits, &iopt, r, err);
    if (status != MB_OK) {
      if (err && err->source[0] == '\0')
        snprintf(err->source, sizeof(err->source), "%s",
                 strcmp(file, "-") == 0 ? "<stdin>" : file);
    } else if (json) {
      status = print_iid_json(file, r, alpha, err);
    } else {
      print_iid_text(file, r, alpha);
    }
    free(r);
    free(data);
    return status;
  }
  a = malloc(sizeof(*a));
  if (!a) {
    free(data);
    return mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
  }
  status = mb_assess(data, n, bits, &opt, a, err);
  if (status != MB_OK) {
    /* Name the file in front of mb_assess's message. */
    if (err && err->source[0] == '\0')
      snprintf(err->source, sizeof(err->source), "%s",
               strcmp(file, "-") == 0 ? "<stdin>" : file);
  } else if (json) {
    status = print_json(file, a, alpha, err);
  } else {
    print_text(file, a, opt.no_bitstring, alpha);
  }
  free(a);
  free(data);
  return status;
}
