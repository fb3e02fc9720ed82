/* cli.h: the command table, option parsing and help shared by every command.
 *
 * Each command lives in its own harness/cli/cmd_*.c file and is listed, sorted,
 * in cli.c. A command returns MB_OK or a negative MB_E* status and fills err;
 * it never exits: only main() turns the status into an exit code.
 */
#ifndef MB_CLI_H
#define MB_CLI_H

#include <stdio.h>

#include "error.h"

/* One command of the mebench CLI. */
struct mb_command {
  const char *name;    /* "run", "validate", ... */
  const char *summary; /* one line for `mebench --help` */
  /* Run with argv[0] = the command name. Print results to stdout, progress
   * and diagnostics to stderr; return MB_OK or MB_E* with err filled. */
  int (*run)(int argc, char **argv, struct mb_error *err);
};

/* An option of a command: tables are sorted by long name. */
struct mb_opt {
  const char *name;    /* long name without "--" */
  char short_name;     /* 0 when none */
  const char *argname; /* NULL when the option takes no argument */
  int id;              /* positive value returned by mb_opt_next() */
  const char *help;    /* one line for the command's --help */
};

/* Parser state over argv[1..argc-1]; initialise with mb_opt_init(). */
struct mb_optparse {
  int argc;
  char **argv;
  int index;        /* next argv element to look at */
  int options_done; /* set after "--" */
  const char *arg;  /* the option's argument, or the positional word */
  const char *cmd;  /* command name for messages */
};

#define MB_OPT_END 0            /* no more arguments */
#define MB_OPT_POSITIONAL -1000 /* p->arg holds a positional argument */

void mb_opt_init(struct mb_optparse *p, int argc, char **argv, const char *cmd);

/* The next option: its id (>0), MB_OPT_POSITIONAL, MB_OPT_END, or MB_EUSAGE
 * with err naming the unknown option (with a "did you mean" hint) or the
 * missing argument. "--" ends options; "-" alone is positional.
 * Accepts "--name=value", "--name value", "-x value" and "-xvalue". */
int mb_opt_next(struct mb_optparse *p, const struct mb_opt *opts, size_t nopts,
                struct mb_error *err);

/* Print the option table, aligned, one line each, to out. */
void mb_opt_print(FILE *out, const struct mb_opt *opts, size_t nopts);

/* Parse a whole decimal number in [min, max] for option `what`; MB_EUSAGE
 * with a message otherwise. */
int mb_opt_long(const char *text, long long min, long long max, const char *what,
                long long *out, struct mb_error *err);

/* Parse a decimal floating-point number in [min, max]. */
int mb_opt_double(const char *text, double min, double max, const char *what,
                  double *out, struct mb_error *err);

/* A directory argument without its trailing slashes ("run/" -> "run"), so
 * that paths built from it and messages naming it read cleanly: in buf, or
 * path itself when it has none or buf is too small. "/" stays "/". */
const char *mb_opt_dir(const char *path, char *buf, size_t n);

/* A missing positional argument: records the usage error "CMD: missing
 * WHAT; usage: USAGE" in err (the one line of the command's usage, not
 * its whole help; mb_cli_main then adds "Try 'mebench CMD --help'.") and
 * returns MB_EUSAGE (exit 2). */
int mb_cli_missing(struct mb_error *err, const char *cmd, const char *what,
                   const char *usage);

/* Print the list of exit codes (from MB_EXIT_TABLE) to out. */
void mb_cli_print_exit_codes(FILE *out);

/* The bit of an exit code in a mask for mb_cli_print_exit_codes_of, e.g.
 * MB_EXIT_BIT(INVALID). */
enum mb_exit_index {
#define MB_X(name, value, text) MB_EXIT_INDEX_##name,
  MB_EXIT_TABLE(MB_X)
#undef MB_X
};
#define MB_EXIT_BIT(name) (1u << MB_EXIT_INDEX_##name)
/* What every command can end with: success, failure, bad usage. */
#define MB_EXITS_COMMON (MB_EXIT_BIT(OK) | MB_EXIT_BIT(FAILURE) | MB_EXIT_BIT(USAGE))

/* Only the exit codes in mask, as "Exit codes:" lines for a command's own
 * --help (so it lists what that command can return, not every code). */
void mb_cli_print_exit_codes_of(FILE *out, unsigned mask);

/* The whole CLI: dispatch argv to a command, print any error to stderr.
 * Returns a status; main() maps it with mb_status_exit(). */
int mb_cli_main(int argc, char **argv);

#endif
