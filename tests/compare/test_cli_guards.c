/* test_cli_guards.c: `mebench baseline` refuses the same run twice and takes
 * NAME.json as NAME; `mebench compare --gab` replaces only its own kind of
 * file; `-` reads a run or baseline from standard input. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "commands.h"
#include "compare.h"

static int baseline(struct mb_error *err, int n, const char *const *words)
{
  char *argv[12];
  int i, rc;

  for (i = 0; i < n && i < 11; i++)
    argv[i] = (char *)(uintptr_t)words[i];
  argv[i] = NULL;
  mb_error_init(err);
  rc = mb_cmd_baseline(n, argv, err);
  fflush(stdout);
  return rc;
}

int main(void)
{
  char tmp[] = "/tmp/mb_baseline_args_XXXXXX", path[600], cmd[700];
  struct mb_error err;

  if (chdir(MB_SOURCE_DIR "/tests/data/compare") != 0 || !mkdtemp(tmp)) {
    fprintf(stderr, "set-up: %s\n", strerror(errno));
    return 1;
  }
  {
    const char *w[] = {"baseline", "base", "base/run.json", "twice", "--dir", tmp};

    CHECK_EQ_INT(baseline(&err, 6, w), MB_EUSAGE);
    CHECK(strstr(err.text, "the same run") != NULL);
    snprintf(path, sizeof(path), "%s/twice.json", tmp);
    CHECK(access(path, F_OK) != 0);
  }
  { /* two different runs still pool */
    const char *w[] = {"baseline", "base", "current", "pooled", "--dir", tmp};

    CHECK_EQ_INT(baseline(&err, 6, w), MB_OK);
  }
  {
    const char *w[] = {"baseline", "base", "named.json", "--dir", tmp};
    struct mb_compare_run run;

    CHECK_EQ_INT(baseline(&err, 5, w), MB_OK);
    snprintf(path, sizeof(path), "%s/named.json", tmp);
    mb_error_init(&err);
    CHECK_EQ_INT(mb_compare_run_load(path, &run, &err), MB_OK);
    CHECK_EQ_STR(run.baseline_name ? run.baseline_name : "(none)", "named");
    mb_compare_run_cleanup(&run);
    snprintf(path, sizeof(path), "%s/named.json.json", tmp);
    CHECK(access(path, F_OK) != 0);
  }
  { /* --gab onto a run's record (a slip) leaves it alone */
    char keep[600];
    const char *w[] = {"compare", "base", "base", "--gab", keep};
    char *argv[6];
    FILE *f;
    int i;

    snprintf(keep, sizeof(keep), "%s/summary.csv", tmp);
    f = fopen(keep, "w");
    if (f) {
      fputs("kind,point\n", f);
      fclose(f);
    }
    for (i = 0; i < 5; i++)
      argv[i] = (char *)(uintptr_t)w[i];
    argv[5] = NULL;
    mb_error_init(&err);
    CHECK_EQ_INT(mb_cmd_compare(5, argv, &err), MB_EEXISTS);
    f = fopen(keep, "r");
    CHECK(f && fgets(cmd, sizeof(cmd), f) && strcmp(cmd, "kind,point\n") == 0);
    if (f)
      fclose(f);
    /* its own output is replaced */
    snprintf(keep, sizeof(keep), "%s/gab.json", tmp);
    mb_error_init(&err);
    CHECK_EQ_INT(mb_cmd_compare(5, argv, &err), MB_OK);
    mb_error_init(&err);
    CHECK_EQ_INT(mb_cmd_compare(5, argv, &err), MB_OK);
  }
  { /* "-": the baseline on standard input */
    const char *w[] = {"compare", "-", "base"};
    char *argv[4];
    struct mb_compare_run run;
    int i;

    for (i = 0; i < 3; i++)
      argv[i] = (char *)(uintptr_t)w[i];
    argv[3] = NULL;
    CHECK(freopen("base/run.json", "r", stdin) != NULL);
    mb_error_init(&err);
    CHECK_EQ_INT(mb_cmd_compare(3, argv, &err), MB_OK);
    CHECK(freopen("/dev/null", "r", stdin) != NULL);
    mb_error_init(&err);
    CHECK_EQ_INT(mb_compare_run_load("-", &run, &err), MB_EINVALID);
    CHECK_EQ_STR(err.source, "<stdin>");
    mb_compare_run_cleanup(&run);
  }
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
  if (system(cmd) != 0)
    fprintf(stderr, "could not remove %s\n", tmp);
  return CHECK_DONE();
}
