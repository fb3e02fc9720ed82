/* test_nonutf8.c: a path with a byte that is not UTF-8 (0xff), as Unix
 * allows, works end to end: run, resume, report, baseline, compare --json
 * and validate --json, with the path in JSON by jsonpath.h's encoding (U+FFFD
 * for the reader, the exact bytes in KEY_hex) and no key dropped. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "cli.h"
#include "commands.h"
#include "jsonpath.h"
#include "testutil.h"

#define TIMINGS MB_SOURCE_DIR "/tests/data/runner/timings.txt"

/* The one run directory under parent (its path into out). */
static int only_run(const char *parent, char *out, size_t n)
{
  char cmd[1400];
  FILE *p;
  int ok;

  snprintf(cmd, sizeof(cmd), "ls -d '%s'/odd/*/ 2>/dev/null", parent);
  p = popen(cmd, "r");
  ok = p && fgets(out, (int)n, p) != NULL;
  if (p)
    pclose(p);
  if (ok) {
    out[strcspn(out, "\n")] = '\0';
    if (out[0] && out[strlen(out) - 1] == '/')
      out[strlen(out) - 1] = '\0';
  }
  return ok;
}

int main(void)
{
  char tmp[] = "/tmp/mb_nonutf8_XXXXXX";
  char dir[256], exp[400], out[400], run[1200], text[2000], got[1400], base[1400];
  struct mb_error err;
  json_t *doc;
  char *s;

  if (!mkdtemp(tmp)) {
    fprintf(stderr, "mkdtemp: %s\n", strerror(errno));
    return 1;
  }
  snprintf(dir, sizeof(dir), "%s/x\xff", tmp); /* not UTF-8 */
  CHECK(mkdir(dir, 0755) == 0);
  snprintf(exp, sizeof(exp), "%s/exp.json", dir);
  snprintf(out, sizeof(out), "%s/out", dir);
  snprintf(text, sizeof(text),
           "{\"name\": \"odd\", \"source\": \"replay\", \"replay\": \"%s\", "
           "\"samples\": 200, \"repetitions\": 2, \"warmup\": 0, "
           "\"sweep\": {\"num_ports\": [1, 2]}, "
           "\"analysis\": {\"raw_bits\": 4, \"estimators\": [\"mcv\"]}}\n",
           TIMINGS);
  CHECK_EQ_INT(mb_test_write_text(exp, text), 0);
  {
    const char *w[] = {"mebench", "run", "-q", "-o", out, exp};

    CHECK_EQ_INT(mb_test_cli(w, 6), 0);
  }
  CHECK(only_run(out, run, sizeof(run)));
  snprintf(got, sizeof(got), "%s/run.json", run);
  doc = json_load_file(got, 0, NULL);
  CHECK(doc != NULL);
  s = mb_json_get_path(json_object_get(doc, "experiment"), "path");
  CHECK(s && strcmp(s, exp) == 0); /* the exact bytes come back */
  free(s);
  CHECK(
      json_is_string(json_object_get(json_object_get(doc, "experiment"), "path_hex")));
  CHECK(strstr(json_string_value(
                   json_object_get(json_object_get(doc, "experiment"), "path")),
               "x\xef\xbf\xbd/exp.json") != NULL);
  json_decref(doc);
  { /* resume without the file: the recorded path, decoded */
    const char *w[] = {"mebench", "run", "-q", "--resume", run};

    CHECK_EQ_INT(mb_test_cli(w, 5), 0);
  }
  {
    const char *w[] = {"mebench", "report", run};

    CHECK_EQ_INT(mb_test_cli(w, 3), 0);
  }
  { /* baseline: no "out of memory" */
    const char *w[] = {"mebench", "baseline", "--dir", dir, run, "odd"};

    CHECK_EQ_INT(mb_test_cli(w, 6), 0);
  }
  snprintf(base, sizeof(base), "%s/odd.json", dir);
  doc = json_load_file(base, 0, NULL);
  CHECK(doc != NULL);
  s = mb_json_get_path(
      json_array_get(json_object_get(json_object_get(doc, "baseline"), "from"), 0),
      "path");
  CHECK(s && strncmp(s, run, strlen(run)) == 0);
  free(s);
  json_decref(doc);
  { /* compare --json: every key there */
    const char *w[] = {"compare", "--json", base, run};

    snprintf(got, sizeof(got), "%s/compare.json", tmp);
    CHECK_EQ_INT(mb_test_command(got, mb_cmd_compare, 4, w, &err), MB_OK);
    doc = json_load_file(got, 0, NULL);
    CHECK(doc != NULL);
    CHECK(json_is_string(json_object_get(json_object_get(doc, "baseline"), "path")));
    CHECK(json_is_string(json_object_get(json_object_get(doc, "current"), "path")));
    CHECK(json_is_string(json_object_get(json_object_get(doc, "current"), "path_hex")));
    CHECK(json_array_size(json_object_get(doc, "warnings")) >= 1); /* same data */
    json_decref(doc);
  }
  { /* validate --json: the file named, not dropped */
    const char *w[] = {"validate", "--json", "--no-estimate", exp};

    snprintf(got, sizeof(got), "%s/validate.json", tmp);
    CHECK_EQ_INT(mb_test_command(got, mb_cmd_validate, 4, w, &err), MB_OK);
    doc = json_load_file(got, 0, NULL);
    CHECK(json_is_array(doc));
    s = mb_json_get_path(json_array_get(doc, 0), "file");
    CHECK(s && strcmp(s, exp) == 0);
    free(s);
    json_decref(doc);
  }
  mb_test_rmtree(tmp);
  return CHECK_DONE();
}
