/* test_cli.c: the option parser and the "did you mean" helper. */
#include "check.h"
#include "cli.h"

enum { OPT_BITS = 1, OPT_JSON, OPT_QUIET };

static const struct mb_opt opts[] = {
    {"bits", 'b', "N", OPT_BITS, "bits per symbol"},
    {"json", 0, NULL, OPT_JSON, "print JSON"},
    {"quiet", 'q', NULL, OPT_QUIET, "no progress"},
};
#define NOPTS (sizeof(opts) / sizeof(opts[0]))

/* argv arrays must be writable char *; literals are const under -Wwrite-strings. */
static char **mkargv(int n, const char *const *words)
{
  static char store[16][32];
  static char *argv[16];
  int i;

  for (i = 0; i < n && i < 16; i++) {
    snprintf(store[i], sizeof(store[i]), "%s", words[i]);
    argv[i] = store[i];
  }
  return argv;
}

int main(void)
{
  struct mb_optparse p;
  struct mb_error err;
  long long v = 0;
  double d = 0;

  {
    const char *w[] = {"assess", "--bits=4", "-q", "file", "--json", "--", "--x", "-"};
    char **argv = mkargv(8, w);
    mb_opt_init(&p, 8, argv, "assess");
    mb_error_init(&err);
    CHECK_EQ_INT(mb_opt_next(&p, opts, NOPTS, &err), OPT_BITS);
    CHECK_EQ_STR(p.arg, "4");
    CHECK_EQ_INT(mb_opt_next(&p, opts, NOPTS, &err), OPT_QUIET);
    CHECK_EQ_INT(mb_opt_next(&p, opts, NOPTS, &err), MB_OPT_POSITIONAL);
    CHECK_EQ_STR(p.arg, "file");
    CHECK_EQ_INT(mb_opt_next(&p, opts, NOPTS, &err), OPT_JSON);
    CHECK_EQ_INT(mb_opt_next(&p, opts, NOPTS, &err), MB_OPT_POSITIONAL);
    CHECK_EQ_STR(p.arg, "--x");
    CHECK_EQ_INT(mb_opt_next(&p, opts, NOPTS, &err), MB_OPT_POSITIONAL);
    CHECK_EQ_STR(p.arg, "-");
    CHECK_EQ_INT(mb_opt_next(&p, opts, NOPTS, &err), MB_OPT_END);
  }
  {
    const char *w[] = {"assess", "-b8", "--bits", "2", "--jsn"};
    char **argv = mkargv(5, w);
    mb_opt_init(&p, 5, argv, "assess");
    mb_error_init(&err);
    CHECK_EQ_INT(mb_opt_next(&p, opts, NOPTS, &err), OPT_BITS);
    CHECK_EQ_STR(p.arg, "8");
    CHECK_EQ_INT(mb_opt_next(&p, opts, NOPTS, &err), OPT_BITS);
    CHECK_EQ_STR(p.arg, "2");
    CHECK_EQ_INT(mb_opt_next(&p, opts, NOPTS, &err), MB_EUSAGE);
    CHECK_EQ_STR(err.text, "assess: unknown option '--jsn' (did you mean '--json'?)");
  }
  {
    const char *w[] = {"assess", "--bits"};
    char **argv = mkargv(2, w);
    mb_opt_init(&p, 2, argv, "assess");
    mb_error_init(&err);
    CHECK_EQ_INT(mb_opt_next(&p, opts, NOPTS, &err), MB_EUSAGE);
    CHECK_EQ_STR(err.text, "assess: option '--bits' needs an argument N");
  }
  { /* an empty value is refused: as a path it would be the current or the
       root directory (run --output= wrote to /NAME/) */
    const char *w[] = {"assess", "--bits=", "--bits", "", "-b", ""};
    char **argv = mkargv(6, w);
    mb_opt_init(&p, 6, argv, "assess");
    mb_error_init(&err);
    CHECK_EQ_INT(mb_opt_next(&p, opts, NOPTS, &err), MB_EUSAGE);
    CHECK_EQ_STR(err.text, "assess: option '--bits' needs a non-empty N");
    mb_error_init(&err);
    CHECK_EQ_INT(mb_opt_next(&p, opts, NOPTS, &err), MB_EUSAGE);
    mb_error_init(&err);
    CHECK_EQ_INT(mb_opt_next(&p, opts, NOPTS, &err), MB_EUSAGE);
    CHECK_EQ_STR(err.text, "assess: option '-b' needs a non-empty N");
  }
  { /* an empty positional argument too (plotdata RUN "" wrote into /) */
    const char *w[] = {"plotdata", "run", ""};
    char **argv = mkargv(3, w);
    mb_opt_init(&p, 3, argv, "plotdata");
    mb_error_init(&err);
    CHECK_EQ_INT(mb_opt_next(&p, opts, NOPTS, &err), MB_OPT_POSITIONAL);
    CHECK_EQ_INT(mb_opt_next(&p, opts, NOPTS, &err), MB_EUSAGE);
    CHECK_EQ_STR(err.text,
                 "plotdata: empty argument (argument 2): a file, directory or "
                 "name is expected");
  }
  {
    const char *w[] = {"assess", "--json=1"};
    char **argv = mkargv(2, w);
    mb_opt_init(&p, 2, argv, "assess");
    mb_error_init(&err);
    CHECK_EQ_INT(mb_opt_next(&p, opts, NOPTS, &err), MB_EUSAGE);
    CHECK_EQ_STR(err.text, "assess: option '--json' takes no argument");
  }

  mb_error_init(&err);
  CHECK_EQ_INT(mb_opt_long("12", 1, 64, "--bits", &v, &err), MB_OK);
  CHECK_EQ_INT(v, 12);
  CHECK_EQ_INT(mb_opt_long("65", 1, 64, "--bits", &v, &err), MB_EUSAGE);
  CHECK_EQ_STR(err.text, "--bits: '65' is not a whole number in 1..64");
  mb_error_init(&err);
  CHECK_EQ_INT(mb_opt_long("99999999999999999999", 1, 64, "--n", &v, &err), MB_EUSAGE);
  CHECK_EQ_INT(mb_opt_long("", 1, 64, "--n", &v, NULL), MB_EUSAGE);
  CHECK_EQ_INT(mb_opt_double("0.05", 0, 1, "--alpha", &d, NULL), MB_OK);
  CHECK_NEAR(d, 0.05, 1e-15);
  CHECK_EQ_INT(mb_opt_double("nan", 0, 1, "--alpha", &d, NULL), MB_EUSAGE);

  {
    const char *keys[] = {"num_ports", "ool_size", "mode"};
    CHECK_EQ_STR(mb_suggest("num_port", keys, 3), "num_ports");
    CHECK_EQ_STR(mb_suggest("ool_szie", keys, 3), "ool_size");
    CHECK(mb_suggest("colour", keys, 3) == NULL);
  }
  {
    /* a swap of neighbouring letters is one slip, even in a short word */
    const char *cmds[] = {"assess", "report", "run", "sources"};
    const char *ests[] = {"mcv", "lag", "lrs"};

    CHECK_EQ_STR(mb_suggest("rnu", cmds, 4), "run");
    CHECK_EQ_STR(mb_suggest("reprot", cmds, 4), "report");
    CHECK_EQ_STR(mb_suggest("mvc", ests, 3), "mcv");
    CHECK(mb_suggest("xyz", ests, 3) == NULL);
  }

  /* `mebench [RUN OPTIONS] EXPERIMENT.json` runs: the option goes to run,
   * which then fails on the missing file as invalid input, not on usage. */
  {
    const char *w[] = {"mebench", "--quiet", "no-such-experiment.json"};
    CHECK_EQ_INT(mb_cli_main(3, mkargv(3, w)), MB_EINVALID);
  }
  { /* an option run does not know is still a usage error */
    const char *w[] = {"mebench", "--quite", "no-such-experiment.json"};
    CHECK_EQ_INT(mb_cli_main(3, mkargv(3, w)), MB_EUSAGE);
  }
  { /* an option alone is a mistyped global option */
    const char *w[] = {"mebench", "--verison"};
    CHECK_EQ_INT(mb_cli_main(2, mkargv(2, w)), MB_EUSAGE);
  }
  {
    /* directory arguments lose their trailing slashes ("run//run.json") */
    char buf[16];

    CHECK_EQ_STR(mb_opt_dir("results/x/", buf, sizeof(buf)), "results/x");
    CHECK_EQ_STR(mb_opt_dir("results/x//", buf, sizeof(buf)), "results/x");
    CHECK_EQ_STR(mb_opt_dir("results/x", buf, sizeof(buf)), "results/x");
    CHECK_EQ_STR(mb_opt_dir("/", buf, sizeof(buf)), "/");
    CHECK_EQ_STR(mb_opt_dir("//", buf, sizeof(buf)), "/");
  }
  return CHECK_DONE();
}
