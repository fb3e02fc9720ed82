/* commands.h: the entry points of mebench's commands, one per cmd_*.c file.
 * Each follows struct mb_command's contract (cli.h). */
#ifndef MB_COMMANDS_H
#define MB_COMMANDS_H

#include "error.h"

int mb_cmd_baseline(int argc, char **argv, struct mb_error *err);
int mb_cmd_compare(int argc, char **argv, struct mb_error *err);

#endif
