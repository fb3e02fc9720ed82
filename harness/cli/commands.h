/* commands.h: the entry points of mebench's commands, one per cmd_*.c file.
 * Each follows struct mb_command's contract (cli.h). */
#ifndef MB_COMMANDS_H
#define MB_COMMANDS_H

#include "error.h"

/* mebench assess FILE: SP 800-90B assessment of a sample file (cmd_assess.c). */
int mb_cmd_assess(int argc, char **argv, struct mb_error *err);

/* mebench sources [--json]: list collectors, their availability and clocks. */
int mb_cmd_sources(int argc, char **argv, struct mb_error *err);

/* `mebench run`: the sweep (cmd_run.c). */
int mb_cmd_run(int argc, char **argv, struct mb_error *err);

/* mebench merge [--output DIR] RUN...: shards into one run, machines into a
 * study (cmd_merge.c). */
int mb_cmd_merge(int argc, char **argv, struct mb_error *err);

/* mebench plotdata RESULTS_DIR OUTDIR: the tables behind scripts/plot. */
int mb_cmd_plotdata(int argc, char **argv, struct mb_error *err);

/* mebench report RESULTS_DIR: the Markdown report or LaTeX table of a run. */
int mb_cmd_report(int argc, char **argv, struct mb_error *err);

int mb_cmd_baseline(int argc, char **argv, struct mb_error *err);
int mb_cmd_compare(int argc, char **argv, struct mb_error *err);

/* mebench validate [--json] [--no-estimate] EXPERIMENT.json...: check
 * experiment files and print their plans (cmd_validate.c). */
int mb_cmd_validate(int argc, char **argv, struct mb_error *err);

#endif
