/* test_resume_elsewhere.c: `mebench run --resume DIR` of a replay run works
 * from another directory than the one the run started in, although the
 * experiment names its recording relative to itself. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <jansson.h>

#include "check.h"
#include "commands.h"

static int run_cmd(struct mb_error *err, int argc, const char *const *args)
{
  char *argv[8];
  int i;

  for (i = 0; i < argc && i < 7; i++)
    argv[i] = (char *)(uintptr_t)args[i];
  argv[i] = NULL;
  mb_error_init(err);
  return mb_cmd_run(argc, argv, err);
}

int main(void)
{
  char base[512], path[700], dir[1200], cmd[700];
  struct mb_error err;
  struct dirent *e;
  DIR *d;
  FILE *f;
  json_t *run;
  int i, rc;

  snprintf(base, sizeof(base), "%s/tests/runner/elsewhere-XXXXXX", MB_BINARY_DIR);
  if (!mkdtemp(base) || chdir(base) != 0) {
    fprintf(stderr, "set-up: %s\n", strerror(errno));
    return 1;
  }
  mkdir("exp", 0777);
  f = fopen("exp/t.txt", "w");
  if (!f)
    return 1;
  for (i = 0; i < 400; i++)
    fprintf(f, "%d\n", 1000 + (i * 7919) % 613);
  fclose(f);
  f = fopen("exp/e.json", "w");
  if (!f)
    return 1;
  fputs("{\"name\": \"elsewhere\", \"source\": \"replay\", \"replay\": \"t.txt\",\n"
        " \"samples\": 50, \"repetitions\": 2, \"warmup\": 0,\n"
        " \"analysis\": {\"estimators\": [\"mcv\"]}}\n",
        f);
  fclose(f);
  {
    const char *a[] = {"run", "-q", "-o", "out", "exp/e.json"};

    rc = run_cmd(&err, 5, a);
    if (rc)
      fprintf(stderr, "run: %s\n", err.text);
    CHECK_EQ_INT(rc, MB_OK);
  }
  dir[0] = '\0';
  d = opendir("out/elsewhere");
  while (d && (e = readdir(d)) != NULL)
    if (e->d_name[0] != '.')
      snprintf(dir, sizeof(dir), "%s/out/elsewhere/%s", base, e->d_name);
  if (d)
    closedir(d);
  CHECK(dir[0] != '\0');

  /* The process stopped before its last call was recorded. */
  snprintf(path, sizeof(path), "%s/run.json", dir);
  run = json_load_file(path, 0, NULL);
  CHECK(run != NULL);
  if (!run)
    return CHECK_DONE();
  json_array_remove(json_object_get(run, "calls"), 1);
  json_object_set_new(run, "status", json_string("interrupted"));
  json_dump_file(run, path, JSON_INDENT(2));
  json_decref(run);

  /* Resumed from elsewhere, without naming the experiment file. */
  CHECK_EQ_INT(chdir("/"), 0);
  {
    const char *a[] = {"run", "-q", "--resume", dir};

    rc = run_cmd(&err, 4, a);
    if (rc)
      fprintf(stderr, "resume: %s\n", err.text);
    CHECK_EQ_INT(rc, MB_OK);
  }
  run = json_load_file(path, 0, NULL);
  CHECK(run != NULL);
  if (run) {
    CHECK_EQ_STR(json_string_value(json_object_get(run, "status")), "complete");
    CHECK_EQ_INT(json_array_size(json_object_get(run, "calls")), 2);
    json_decref(run);
  }
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
  if (system(cmd) != 0)
    fprintf(stderr, "could not remove %s\n", base);
  return CHECK_DONE();
}
