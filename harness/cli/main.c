/* main.c: the only place where a status becomes an exit code. */
#include "cli.h"
#include "error.h"

int main(int argc, char **argv)
{
  return mb_status_exit(mb_cli_main(argc, argv));
}
