/* test_cmd_sources.c: `mebench sources` and `mebench sources --json`. */
#include <jansson.h>
#include <unistd.h>

#include "check.h"
#include "commands.h"
#include "source.h"
#include "testutil.h"

/* Run mb_cmd_sources with stdout sent to a file; returns its status. */
static int run(const char *out, int argc, const char *const *words,
               struct mb_error *err)
{
  return mb_test_command(out, mb_cmd_sources, argc, words, err);
}

int main(void)
{
  char path[] = "/tmp/mb-sources-XXXXXX";
  int fd = mkstemp(path);
  struct mb_error err;
  json_error_t jerr;
  json_t *root, *list;
  size_t i;
  int found = 0;

  if (fd < 0)
    MB_SKIP("cannot make a temporary file");
  close(fd);
  {
    const char *w[] = {"sources", "--json"};
    mb_error_init(&err);
    CHECK_EQ_INT(run(path, 2, w, &err), MB_OK);
  }
  root = json_load_file(path, 0, &jerr);
  CHECK(root != NULL);
  CHECK_EQ_STR(json_string_value(json_object_get(root, "default")),
               mb_sources_default());
  list = json_object_get(root, "sources");
  CHECK_EQ_INT(json_array_size(list), 3);
  for (i = 0; i < json_array_size(list); i++) {
    json_t *s = json_array_get(list, i);
    const char *name = json_string_value(json_object_get(s, "name"));
    int avail = json_is_true(json_object_get(s, "available"));

    CHECK(name != NULL);
    CHECK(json_is_string(json_object_get(s, "platform")));
    /* Unavailable collectors say why; available ones do not. */
    CHECK_EQ_INT(json_is_string(json_object_get(s, "reason")), !avail);
    if (name && strcmp(name, mb_sources_default()) == 0) {
      json_t *clk = json_object_get(s, "clock");
      found = 1;
      CHECK(avail);
      CHECK(json_integer_value(json_object_get(clk, "tick_num")) > 0);
      CHECK(json_integer_value(json_object_get(clk, "tick_den")) > 0);
      CHECK(json_real_value(json_object_get(clk, "read_cost_ns")) > 0);
    }
  }
  CHECK(found);
  json_decref(root);

  {
    const char *w[] = {"sources"};
    char text[4096];
    FILE *f;
    size_t n;

    mb_error_init(&err);
    CHECK_EQ_INT(run(path, 1, w, &err), MB_OK);
    f = fopen(path, "r");
    n = f ? fread(text, 1, sizeof(text) - 1, f) : 0;
    text[n] = '\0';
    if (f)
      fclose(f);
    CHECK(strstr(text, "COLLECTOR") != NULL);
    CHECK(strstr(text, "mach_ipc") != NULL);
    CHECK(strstr(text, "Not available") != NULL);
  }
  {
    const char *w[] = {"sources", "--jsn"};
    mb_error_init(&err);
    CHECK_EQ_INT(run(path, 2, w, &err), MB_EUSAGE);
    CHECK(strstr(err.text, "did you mean '--json'") != NULL);
  }
  {
    const char *w[] = {"sources", "extra"};
    mb_error_init(&err);
    CHECK_EQ_INT(run(path, 2, w, &err), MB_EUSAGE);
  }
  remove(path);
  return CHECK_DONE();
}
