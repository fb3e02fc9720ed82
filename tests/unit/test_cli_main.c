/* test_cli_main.c: the top-level dispatch of mb_cli_main (help, "-", "--"). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

  { /* every command's help ends with the exit codes */
    static const char *const names[] = {"assess", "baseline", "compare", "plotdata",
                                        "report", "run",      "sources", "validate"};
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
      const char *w[] = {"mebench", "help", names[i]};
      char out[] = "/tmp/mb_cli_help_XXXXXX", line[256];
      int saved = dup(1), ofd = mkstemp(out), found = 0;
      FILE *hf;

      fflush(stdout);
      dup2(ofd, 1);
      CHECK_EQ_INT(cli(3, w), MB_OK);
      dup2(saved, 1);
      close(saved);
      close(ofd);
      hf = fopen(out, "r");
      while (hf && fgets(line, sizeof(line), hf))
        found |= strcmp(line, "Exit codes:\n") == 0;
      if (hf)
        fclose(hf);
      remove(out);
      if (!found)
        fprintf(stderr, "mebench help %s: no exit codes\n", names[i]);
      CHECK(found);
    }
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
