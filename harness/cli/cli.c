/* cli.c: argv -> command, the option parser and the top-level help. */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "version.h"

/* Sorted by name. */
static const struct mb_command commands[] = {
    {"assess", "estimate the min-entropy of a sample file (SP 800-90B)", mb_cmd_assess},
    {"baseline", "keep a run's summaries as a named baseline for compare",
     mb_cmd_baseline},
    {"compare", "compare two runs; fail on an entropy regression", mb_cmd_compare},
    {"export", "write a run's calls as sample files for NIST's SP 800-90B tools",
     mb_cmd_export},
    {"merge", "join shards of a run, or runs on several machines into a study",
     mb_cmd_merge},
    {"plotdata", "write the gnuplot-ready tables of a results directory",
     mb_cmd_plotdata},
    {"report", "write a research report (Markdown) or LaTeX table of a run",
     mb_cmd_report},
    {"restart", "collect and test 1,000 restarts per point (SP 800-90B 3.1.4)",
     mb_cmd_restart},
    {"run", "run an experiment's sweep and record every raw timing and estimate",
     mb_cmd_run},
    {"sources", "list collectors, whether they run here, and their clocks",
     mb_cmd_sources},
    {"validate", "check experiment files and print their plans and time estimates",
     mb_cmd_validate},
    {NULL, NULL, NULL},
};
static const size_t n_commands = sizeof(commands) / sizeof(commands[0]) - 1;

void mb_opt_init(struct mb_optparse *p, int argc, char **argv, const char *cmd)
{
  memset(p, 0, sizeof(*p));
  p->argc = argc;
  p->argv = argv;
  p->index = 1;
  p->cmd = cmd;
}

static int unknown_option(struct mb_optparse *p, const struct mb_opt *opts,
                          size_t nopts, const char *word, struct mb_error *err)
{
  const char *names[64];
  size_t n = 0, i;
  const char *hint;
  char bare[128];
  const char *eq;

  for (i = 0; i < nopts && n < 64; i++)
    names[n++] = opts[i].name;
  snprintf(bare, sizeof(bare), "%s", word);
  eq = strchr(bare, '=');
  if (eq)
    bare[eq - bare] = '\0';
  hint = mb_suggest(bare, names, n);
  if (hint)
    return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                        "%s: unknown option '--%s' (did you mean '--%s'?)", p->cmd,
                        word, hint);
  return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL, "%s: unknown option '%s%s'",
                      p->cmd, strlen(word) == 1 ? "-" : "--", word);
}

int mb_opt_next(struct mb_optparse *p, const struct mb_opt *opts, size_t nopts,
                struct mb_error *err)
{
  const char *word;
  size_t i;

  p->arg = NULL;
  if (p->index >= p->argc)
    return MB_OPT_END;
  word = p->argv[p->index++];
  /* Every argument names a file, a directory or a name: "" would be taken
   * as the root ("/run.json") or the current directory. */
  if (word[0] == '\0')
    return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                        "%s: empty argument (argument %d): a file, directory or name "
                        "is expected",
                        p->cmd, p->index - 1);
  if (p->options_done || word[0] != '-' || word[1] == '\0') {
    p->arg = word;
    return MB_OPT_POSITIONAL;
  }
  if (word[1] == '-' && word[2] == '\0') {
    p->options_done = 1;
    return mb_opt_next(p, opts, nopts, err);
  }
  if (word[1] == '-') {
    const char *name = word + 2;
    const char *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);

    for (i = 0; i < nopts; i++) {
      if (strlen(opts[i].name) != len || strncmp(opts[i].name, name, len) != 0)
        continue;
      if (!opts[i].argname) {
        if (eq)
          return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                              "%s: option '--%s' takes no argument", p->cmd,
                              opts[i].name);
        return opts[i].id;
      }
      if (eq) {
        p->arg = eq + 1;
      } else if (p->index < p->argc) {
        p->arg = p->argv[p->index++];
      } else {
        return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                            "%s: option '--%s' needs an argument %s", p->cmd,
                            opts[i].name, opts[i].argname);
      }
      /* No option takes an empty value; taken as a path, "" would mean the
       * current or (joined with "/name") the root directory. */
      if (p->arg[0] == '\0')
        return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                            "%s: option '--%s' needs a non-empty %s", p->cmd,
                            opts[i].name, opts[i].argname);
      return opts[i].id;
    }
    return unknown_option(p, opts, nopts, name, err);
  }
  /* A short option, possibly with its argument attached: -b4. */
  for (i = 0; i < nopts; i++) {
    if (opts[i].short_name != word[1] || opts[i].short_name == 0)
      continue;
    if (!opts[i].argname) {
      if (word[2] != '\0')
        return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                            "%s: option '-%c' takes no argument", p->cmd, word[1]);
      return opts[i].id;
    }
    if (word[2] != '\0') {
      p->arg = word + 2;
    } else if (p->index < p->argc) {
      p->arg = p->argv[p->index++];
    } else {
      return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                          "%s: option '-%c' needs an argument %s", p->cmd, word[1],
                          opts[i].argname);
    }
    if (p->arg[0] == '\0')
      return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                          "%s: option '-%c' needs a non-empty %s", p->cmd, word[1],
                          opts[i].argname);
    return opts[i].id;
  }
  return unknown_option(p, opts, nopts, word + 1, err);
}

void mb_opt_print(FILE *out, const struct mb_opt *opts, size_t nopts)
{
  size_t i;

  for (i = 0; i < nopts; i++) {
    char left[96];

    if (opts[i].short_name)
      snprintf(left, sizeof(left), "-%c, --%s%s%s", opts[i].short_name, opts[i].name,
               opts[i].argname ? " " : "", opts[i].argname ? opts[i].argname : "");
    else
      snprintf(left, sizeof(left), "    --%s%s%s", opts[i].name,
               opts[i].argname ? " " : "", opts[i].argname ? opts[i].argname : "");
    fprintf(out, "  %-28s %s\n", left, opts[i].help);
  }
}

int mb_opt_long(const char *text, long long min, long long max, const char *what,
                long long *out, struct mb_error *err)
{
  char *end;
  long long v;

  errno = 0;
  v = strtoll(text, &end, 10);
  if (text[0] == '\0' || *end != '\0' || errno == ERANGE || v < min || v > max)
    return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                        "%s: '%s' is not a whole number in %lld..%lld", what, text, min,
                        max);
  *out = v;
  return MB_OK;
}

int mb_opt_double(const char *text, double min, double max, const char *what,
                  double *out, struct mb_error *err)
{
  char *end;
  double v;

  errno = 0;
  v = strtod(text, &end);
  if (text[0] == '\0' || *end != '\0' || errno == ERANGE || !isfinite(v) || v < min ||
      v > max)
    return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                        "%s: '%s' is not a number in %g..%g", what, text, min, max);
  *out = v;
  return MB_OK;
}

const char *mb_opt_dir(const char *path, char *buf, size_t n)
{
  size_t len = strlen(path);

  while (len > 1 && path[len - 1] == '/')
    len--;
  if (len == strlen(path) || len >= n)
    return path;
  memcpy(buf, path, len);
  buf[len] = '\0';
  return buf;
}

int mb_cli_missing(struct mb_error *err, const char *cmd, const char *what,
                   const char *usage)
{
  return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL, "%s: missing %s; usage: %s",
                      cmd, what, usage);
}

void mb_cli_print_exit_codes(FILE *out)
{
  mb_cli_print_exit_codes_of(out, ~0u);
}

void mb_cli_print_exit_codes_of(FILE *out, unsigned mask)
{
  fprintf(out, "Exit codes:\n");
#define MB_X(name, value, text)                                                        \
  if (mask & MB_EXIT_BIT(name))                                                        \
    fprintf(out, "  %3d  %s\n", value, text);
  MB_EXIT_TABLE(MB_X)
#undef MB_X
}

static void print_help(FILE *out)
{
  size_t i;

  fprintf(out,
          "Usage: mebench [RUN OPTIONS] EXPERIMENT.json   (same as: mebench run ...)\n"
          "       mebench COMMAND [OPTIONS] [ARGS]\n"
          "       mebench COMMAND --help\n\n"
          "Characterize timing-jitter entropy sources (openentropy's mach_ipc and its\n"
          "Linux analog): sweep their knobs, record every raw timing, and estimate\n"
          "min-entropy with NIST SP 800-90B.\n\n"
          "Commands:\n");
  for (i = 0; i < n_commands; i++)
    fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf(out, "\nOptions:\n"
               "  -h, --help      show this help\n"
               "  -V, --version   show the version and build\n\n");
  mb_cli_print_exit_codes(out);
}

static const struct mb_command *find_command(const char *name)
{
  size_t i;

  for (i = 0; i < n_commands; i++)
    if (strcmp(commands[i].name, name) == 0)
      return &commands[i];
  return NULL;
}

/* cmd: the command that failed (its own --help is the one to read), or NULL. */
static int print_error(const char *prog, const char *cmd, struct mb_error *err,
                       int status)
{
  char buf[2048];

  if (status == MB_OK)
    return status;
  if (err->code == 0)
    mb_error_set(err, status, NULL, 0, 0, NULL, "%s", mb_strerror(status));
  fprintf(stderr, "%s: %s\n", prog, mb_error_format(err, buf, sizeof(buf)));
  if (status == MB_EUSAGE)
    fprintf(stderr, "Try 'mebench %s%s--help'.\n", cmd ? cmd : "", cmd ? " " : "");
  return status;
}

static int dispatch(int argc, char **argv);

/* A command's result on standard output is its result: when that output
 * could not be written (a full disk, a closed pipe, /dev/full), a command
 * that otherwise succeeded fails with MB_EIO, not 0. */
int mb_cli_main(int argc, char **argv)
{
  int status = dispatch(argc, argv), e = 0;

  if (fflush(stdout) != 0)
    e = errno;
  if (e || ferror(stdout)) {
    if (status == MB_OK) {
      struct mb_error err;

      mb_error_init(&err);
      mb_error_set(&err, e == ENOSPC ? MB_ENOSPACE : MB_EIO, "<stdout>", 0, 0, NULL,
                   "cannot write the output: %s", e ? strerror(e) : "write error");
      status = print_error("mebench", NULL, &err, err.code);
    }
  }
  return status;
}

static int dispatch(int argc, char **argv)
{
  struct mb_error err;
  const struct mb_command *cmd;
  const char *first;
  int status;

  mb_error_init(&err);
  if (argc < 2) {
    print_help(stderr);
    return MB_EUSAGE;
  }
  first = argv[1];
  if (strcmp(first, "-h") == 0 || strcmp(first, "--help") == 0 ||
      strcmp(first, "help") == 0) {
    const struct mb_command *about = argc > 2 ? find_command(argv[2]) : NULL;

    if (about) {
      char *sub[] = {argv[2], (char *)(uintptr_t) "--help", NULL};
      return about->run(2, sub, &err);
    }
    if (argc > 2) {
      const char *names[32];
      const char *hint;
      size_t i, n = 0;

      for (i = 0; i < n_commands && n < 32; i++)
        names[n++] = commands[i].name;
      hint = mb_suggest(argv[2], names, n);
      if (hint)
        mb_error_set(&err, MB_EUSAGE, NULL, 0, 0, NULL,
                     "no help for '%s': not a command (did you mean '%s'?)", argv[2],
                     hint);
      else
        mb_error_set(&err, MB_EUSAGE, NULL, 0, 0, NULL,
                     "no help for '%s': not a command", argv[2]);
      return print_error("mebench", NULL, &err, MB_EUSAGE);
    }
    print_help(stdout);
    return MB_OK;
  }
  if (strcmp(first, "-V") == 0 || strcmp(first, "--version") == 0) {
    printf("mebench %s (commit %s; %s; %s)\n", MB_VERSION, MB_GIT_COMMIT, MB_COMPILER,
           MB_SYSTEM);
    return MB_OK;
  }
  cmd = find_command(first);
  if (cmd) {
    status = cmd->run(argc - 1, argv + 1, &err);
    return print_error("mebench", cmd->name, &err, status);
  }
  /* "-" (the experiment on standard input) and "--" (then a file name that
   * may start with '-') are run's arguments too, and so are run's options
   * before the experiment: `mebench --quiet x.json`. An option alone is a
   * mistyped global option. */
  if (first[0] == '-' && strcmp(first, "-") != 0 && strcmp(first, "--") != 0 &&
      argc == 2) {
    mb_error_set(&err, MB_EUSAGE, NULL, 0, 0, NULL, "unknown option '%s'", first);
    return print_error("mebench", NULL, &err, MB_EUSAGE);
  }
  /* `mebench EXPERIMENT.json` is `mebench run EXPERIMENT.json`; a word that is
   * not a file and looks like a mistyped command gets a hint instead. */
  {
    const char *names[32];
    size_t i, n = 0;
    const char *hint;
    struct stat st;
    /* whether it names anything; never opened here (a FIFO would block) */
    int probe = stat(first, &st) == 0;

    for (i = 0; i < n_commands && n < 32; i++)
      names[n++] = commands[i].name;
    hint = mb_suggest(first, names, n);
    if (!probe && first[0] != '-' && !strchr(first, '.') && !strchr(first, '/')) {
      if (hint)
        mb_error_set(&err, MB_EUSAGE, NULL, 0, 0, NULL,
                     "unknown command '%s' (did you mean '%s'?)", first, hint);
      else
        mb_error_set(&err, MB_EUSAGE, NULL, 0, 0, NULL, "unknown command '%s'", first);
      return print_error("mebench", NULL, &err, MB_EUSAGE);
    }
    cmd = find_command("run");
    if (!cmd) {
      mb_error_set(&err, MB_EINTERNAL, NULL, 0, 0, NULL,
                   "the run command is not built");
      return print_error("mebench", NULL, &err, MB_EINTERNAL);
    }
    {
      int sub_argc = argc;
      char **sub = calloc((size_t)argc + 1, sizeof(*sub));

      if (!sub)
        return print_error("mebench", NULL, &err, MB_ENOMEM);
      sub[0] = (char *)(uintptr_t) "run";
      for (i = 1; i < (size_t)argc; i++)
        sub[i] = argv[i];
      status = cmd->run(sub_argc, sub, &err);
      free(sub);
      return print_error("mebench", "run", &err, status);
    }
  }
}
