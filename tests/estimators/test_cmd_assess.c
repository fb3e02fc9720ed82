/* test_cmd_assess.c: `mebench assess`: text and JSON output, options, and
 * the errors bad files and bad options give. */
#include <jansson.h>
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

#include "check.h"
#include "commands.h"
#include "estimators.h"

static char out_path[256];

/* Run `assess ARGS...` with stdout captured into out_path. */
static int run(struct mb_error *err, int argc, const char **argv)
{
  int saved, fd, status;
  char *args[16];
  int i;

  for (i = 0; i < argc && i < 15; i++)
    args[i] = (char *)(uintptr_t)argv[i];
  args[i] = NULL;
  fflush(stdout);
  saved = dup(1);
  fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  dup2(fd, 1);
  close(fd);
  mb_error_init(err);
  status = mb_cmd_assess(argc, args, err);
  fflush(stdout);
  dup2(saved, 1);
  close(saved);
  return status;
}

static char *slurp(const char *path)
{
  FILE *f = fopen(path, "rb");
  static char buf[1 << 16];
  size_t n;

  if (!f)
    return NULL;
  n = fread(buf, 1, sizeof(buf) - 1, f);
  buf[n] = '\0';
  fclose(f);
  return buf;
}

static void write_file(const char *path, const uint8_t *d, size_t n)
{
  FILE *f = fopen(path, "wb");

  if (f) {
    fwrite(d, 1, n, f);
    fclose(f);
  }
}

int main(void)
{
  char dir[] = "/tmp/mb_test_assess_XXXXXX";
  char data_path[300], wide_path[300], empty_path[300];
  static uint8_t d[20000];
  struct mb_error err;
  json_t *j;
  json_error_t jerr;
  const char *text;
  uint64_t x = 88172645463325252ull;
  size_t i;

  if (!mkdtemp(dir))
    MB_SKIP("cannot make a temporary folder");
  snprintf(out_path, sizeof(out_path), "%s/out", dir);
  snprintf(data_path, sizeof(data_path), "%s/data.bin", dir);
  snprintf(wide_path, sizeof(wide_path), "%s/wide.bin", dir);
  snprintf(empty_path, sizeof(empty_path), "%s/empty.bin", dir);
  for (i = 0; i < sizeof(d); i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    d[i] = (uint8_t)(x % 16);
  }
  write_file(data_path, d, sizeof(d));
  d[1234] = 0x10;
  write_file(wide_path, d, sizeof(d));
  write_file(empty_path, d, 0);

  {
    const char *argv[] = {"assess", "--json", "--threads", "2", data_path};

    CHECK_EQ_INT(run(&err, 5, argv), MB_OK);
    j = json_loads(slurp(out_path), 0, &jerr);
    CHECK(j != NULL);
    if (j) {
      json_t *lit = json_object_get(j, "literal"), *bit = json_object_get(j, "bitstring");

      CHECK_EQ_INT(json_integer_value(json_object_get(j, "samples")), 20000);
      CHECK_EQ_INT(json_integer_value(json_object_get(j, "bits_per_symbol")), 4);
      CHECK_EQ_INT(json_integer_value(json_object_get(j, "alphabet_size")), 16);
      CHECK(json_is_false(json_object_get(j, "binary")));
      CHECK(json_is_real(json_object_get(j, "h_original")));
      CHECK(json_is_real(json_object_get(j, "h_bitstring")));
      CHECK(json_is_real(json_object_get(j, "h_assessed")));
      CHECK(json_is_real(json_object_get(json_object_get(lit, "mcv"), "h")));
      CHECK(json_is_real(json_object_get(json_object_get(lit, "mcv"), "p")));
      CHECK(json_is_string(json_object_get(json_object_get(lit, "markov"), "skipped")));
      CHECK(json_is_real(json_object_get(json_object_get(bit, "compression"), "h")));
      json_decref(j);
    }
  }
  {
    const char *argv[] = {"assess", "-e", "mcv,markov", "--no-bitstring", data_path};

    CHECK_EQ_INT(run(&err, 5, argv), MB_OK);
    text = slurp(out_path);
    CHECK(text && strstr(text, "Most Common Value") != NULL);
    CHECK(text && strstr(text, "H_assessed:") != NULL);
    CHECK(text && strstr(text, "--no-bitstring") != NULL);
    CHECK(text && strstr(text, "LZ78Y") == NULL);
  }
  {
    const char *argv[] = {"assess", "--bits", "4", wide_path};

    CHECK_EQ_INT(run(&err, 4, argv), MB_EINVALID);
    CHECK(strstr(err.text, "offset 1234") != NULL);
    CHECK_EQ_STR(err.source, wide_path);
  }
  {
    const char *argv[] = {"assess", empty_path};

    CHECK_EQ_INT(run(&err, 2, argv), MB_EINVALID);
    CHECK(strstr(err.text, "empty") != NULL);
  }
  {
    const char *argv[] = {"assess", "/nonexistent/file.bin"};

    CHECK(run(&err, 2, argv) != MB_OK);
    CHECK_EQ_STR(err.source, "/nonexistent/file.bin");
  }
  {
    const char *argv[] = {"assess", "-e", "lz87y", data_path};

    CHECK_EQ_INT(run(&err, 4, argv), MB_EUSAGE);
    CHECK(strstr(err.text, "did you mean 'lz78y'") != NULL);
  }
  {
    const char *argv[] = {"assess", "--bits", "9", data_path};

    CHECK_EQ_INT(run(&err, 4, argv), MB_EUSAGE);
  }
  {
    const char *argv[] = {"assess"};

    CHECK_EQ_INT(run(&err, 1, argv), MB_EUSAGE);
  }
  {
    const char *argv[] = {"assess", "--help"};

    CHECK_EQ_INT(run(&err, 2, argv), MB_OK);
    text = slurp(out_path);
    CHECK(text && strstr(text, "Usage: mebench assess") != NULL);
  }
  {
    /* '-' reads standard input. */
    const char *argv[] = {"assess", "--json", "-e", "mcv", "-"};

    CHECK(freopen(data_path, "rb", stdin) != NULL);
    CHECK_EQ_INT(run(&err, 5, argv), MB_OK);
    text = slurp(out_path);
    CHECK(text && strstr(text, "\"samples\": 20000") != NULL);
  }
  unlink(out_path);
  unlink(data_path);
  unlink(wide_path);
  unlink(empty_path);
  rmdir(dir);
  return CHECK_DONE();
}
