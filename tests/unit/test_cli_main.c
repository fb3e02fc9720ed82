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
  { /* a missing positional argument is one usage error: what is missing, the
     * usage line and where the help is; never the whole help */
    static const char *const cmds[][3] = {
        {"assess", NULL, "FILE"},         {"baseline", NULL, "RESULTS_DIR"},
        {"compare", NULL, "BASELINE"},    {"compare", "a", "CURRENT"},
        {"export", NULL, "RESULTS_DIR"},  {"export", "a", "DIR"},
        {"merge", NULL, "RESULTS_DIR"},   {"plotdata", NULL, "RESULTS_DIR"},
        {"plotdata", "a", "OUTDIR"},      {"report", NULL, "RESULTS_DIR"},
        {"restart", NULL, "EXPERIMENT"},  {"run", NULL, "EXPERIMENT"},
        {"validate", NULL, "EXPERIMENT"},
    };
    size_t i;

    for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
      const char *w[] = {"mebench", cmds[i][0], cmds[i][1]};
      char err[] = "/tmp/mb_cli_err_XXXXXX", text[4096], want[128], try[128];
      int saved = dup(2), efd = mkstemp(err);
      size_t n;
      FILE *ef;

      fflush(stderr);
      dup2(efd, 2);
      CHECK_EQ_INT(cli(cmds[i][1] ? 3 : 2, w), MB_EUSAGE);
      fflush(stderr);
      dup2(saved, 2);
      close(saved);
      close(efd);
      ef = fopen(err, "r");
      n = ef ? fread(text, 1, sizeof(text) - 1, ef) : 0;
      text[n] = '\0';
      if (ef)
        fclose(ef);
      remove(err);
      snprintf(want, sizeof(want), "mebench: %s: missing %s", cmds[i][0], cmds[i][2]);
      snprintf(try, sizeof(try), "Try 'mebench %s --help'.\n", cmds[i][0]);
      if (strncmp(text, want, strlen(want)) != 0 || !strstr(text, try) ||
          strstr(text, "Options:") || !strstr(text, "; usage: mebench "))
        fprintf(stderr, "mebench %s %s: unexpected message:\n%s", cmds[i][0],
                cmds[i][1] ? cmds[i][1] : "", text);
      CHECK(strncmp(text, want, strlen(want)) == 0);
      CHECK(strstr(text, "; usage: mebench ") != NULL);
      CHECK(strstr(text, try) != NULL);
      CHECK(strstr(text, "Options:") == NULL); /* not the whole help */
      /* the other form of the command is named too */
      if (strcmp(cmds[i][0], "run") == 0)
        CHECK(strstr(text, "--resume RESULTS_DIR") != NULL);
      if (strcmp(cmds[i][0], "restart") == 0)
        CHECK(strstr(text, "--matrix FILE") != NULL);
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
