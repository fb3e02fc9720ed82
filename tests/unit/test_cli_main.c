/* test_cli_main.c: the top-level dispatch of mb_cli_main (help, "-", "--"). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cli.h"

static int cli(int n, const char *const *words)
{
  char *argv[8];
  int i, rc;

  for (i = 0; i < n && i < 7; i++)
    argv[i] = (char *)(uintptr_t)words[i];
  argv[i] = NULL;
  rc = mb_cli_main(n, argv);
  fflush(stdout);
  return rc;
}

int main(void)
{
  char path[] = "/tmp/mb_cli_main_XXXXXX";
  FILE *f;
  int fd;

  {
    const char *w[] = {"mebench", "help", "validate"};
    CHECK_EQ_INT(cli(3, w), MB_OK);
  }
  { /* help for a command that does not exist is a usage error, not the overview */
    const char *w[] = {"mebench", "help", "nosuch"};
    CHECK_EQ_INT(cli(3, w), MB_EUSAGE);
  }
  {
    const char *w[] = {"mebench", "--help", "reprot"};
    CHECK_EQ_INT(cli(3, w), MB_EUSAGE);
  }
  {
    const char *w[] = {"mebench", "--bogus"};
    CHECK_EQ_INT(cli(2, w), MB_EUSAGE);
  }

  /* "mebench -" is "mebench run -": the experiment comes from standard
   * input. An invalid one there proves run read it (MB_EINVALID, not the
   * MB_EUSAGE of an unknown option), without running a collector. */
  fd = mkstemp(path);
  CHECK(fd >= 0);
  if (fd < 0)
    return CHECK_DONE();
  f = fdopen(fd, "w");
  fputs("{\"name\": \"x\", \"samples\": 0}\n", f);
  fclose(f);
  CHECK(freopen(path, "r", stdin) != NULL);
  {
    const char *w[] = {"mebench", "-"};
    CHECK_EQ_INT(cli(2, w), MB_EINVALID);
  }
  /* "--" ends the options: the next word is the experiment file. */
  {
    const char *w[] = {"mebench", "--", path};
    CHECK_EQ_INT(cli(3, w), MB_EINVALID);
  }
  {
    const char *w[] = {"mebench", "--"};
    CHECK_EQ_INT(cli(2, w), MB_EUSAGE);
  }
  remove(path);
  return CHECK_DONE();
}
