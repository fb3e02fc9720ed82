/* test_cmd_assess.c: `mebench assess`: text and JSON output, options, and
 * the errors bad files and bad options give. */
#include <jansson.h>
#include <stdint.h>
#include <unistd.h>

#include "check.h"
#include "commands.h"
#include "estimators.h"
#include "rawfile.h"
#include "testutil.h"

static char out_path[256];

/* Run `assess ARGS...` with stdout captured into out_path. */
static int run(struct mb_error *err, int argc, const char **argv)
{
  return mb_test_command(out_path, mb_cmd_assess, argc, (const char *const *)argv, err);
}

int main(void)
{
  char dir[] = "/tmp/mb_test_assess_XXXXXX";
  char data_path[300], wide_path[300], empty_path[300];
  static uint8_t d[20000];
  struct mb_error err;
  json_t *j;
  json_error_t jerr;
  char *text;
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
  mb_test_write(data_path, d, sizeof(d));
  d[1234] = 0x10;
  mb_test_write(wide_path, d, sizeof(d));
  mb_test_write(empty_path, d, 0);

  { /* one sample is "1 sample", in both tracks (plural.h) */
    char one_path[300];
    const char *argv[] = {"assess", "--bits", "4", one_path};
    const char *iid[] = {"assess", "--iid", "--bits", "4", one_path};

    snprintf(one_path, sizeof(one_path), "%s/one.bin", dir);
    mb_test_write(one_path, d, 1);
    CHECK_EQ_INT(run(&err, 4, argv), MB_OK);
    text = mb_test_slurp(out_path, NULL);
    CHECK(text && strstr(text, ": 1 sample, 4 bits per symbol, 1 distinct value ") &&
          strstr(text, "Note: 1 sample;") && !strstr(text, "1 samples"));
    free(text);
    mb_error_init(&err);
    if (run(&err, 5, iid) == MB_OK) { /* or refused as too short: no message */
      text = mb_test_slurp(out_path, NULL);
      CHECK(text && strstr(text, ": 1 sample, ") && !strstr(text, "1 samples"));
      free(text);
    }
  }
  {
    const char *argv[] = {"assess", "--json", "--threads", "2", data_path};

    CHECK_EQ_INT(run(&err, 5, argv), MB_OK);
    j = json_load_file(out_path, 0, &jerr);
    CHECK(j != NULL);
    if (j) {
      json_t *lit = json_object_get(j, "literal"),
             *bit = json_object_get(j, "bitstring");

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
    text = mb_test_slurp(out_path, NULL);
    CHECK(text && strstr(text, "Most Common Value") != NULL);
    CHECK(text && strstr(text, "H_assessed:") != NULL);
    CHECK(text && strstr(text, "--no-bitstring") != NULL);
    CHECK(text && strstr(text, "LZ78Y") == NULL);
    free(text);
  }
  { /* --json: the section not assessed is absent, not {} */
    const char *argv[] = {"assess", "--json", "-e", "mcv", "--no-bitstring", data_path};

    CHECK_EQ_INT(run(&err, 6, argv), MB_OK);
    j = json_load_file(out_path, 0, &jerr);
    CHECK(j && json_object_get(j, "literal") != NULL);
    CHECK(j && json_object_get(j, "bitstring") == NULL);
    json_decref(j);
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

    CHECK_EQ_INT(run(&err, 2, argv), MB_EINVALID); /* exit 3, as validate */
    CHECK_EQ_STR(err.source, "/nonexistent/file.bin");
  }
  {
    const char *argv[] = {"assess", "/"};

    CHECK_EQ_INT(run(&err, 2, argv), MB_EINVALID);
    CHECK(strstr(err.text, "is a directory") != NULL);
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
    text = mb_test_slurp(out_path, NULL);
    CHECK(text && strstr(text, "Usage: mebench assess") != NULL);
    free(text);
  }
  {
    /* '-' reads standard input. */
    const char *argv[] = {"assess", "--json", "-e", "mcv", "-"};

    CHECK(freopen(data_path, "rb", stdin) != NULL);
    CHECK_EQ_INT(run(&err, 5, argv), MB_OK);
    text = mb_test_slurp(out_path, NULL);
    CHECK(text && strstr(text, "\"samples\": 20000") != NULL);
    free(text);
  }
  {
    /* A raw file: its bytes (8 bits), or the low --raw-bits bits of each
     * timing delta, exactly what mb_assess gives on them. */
    char raw_path[300], bad_path[300];
    struct mb_raw_meta meta;
    struct mb_collection c;
    struct mb_assessment *ref = calloc(1, sizeof(*ref));
    static uint8_t sym[5000];
    size_t len;
    FILE *f;

    snprintf(raw_path, sizeof(raw_path), "%s/p0-r0.mbr", dir);
    snprintf(bad_path, sizeof(bad_path), "%s/bad.mbr", dir);
    memset(&meta, 0, sizeof(meta));
    meta.config.num_ports = 1;
    meta.config.ool_size = 64;
    meta.samples = 3000;
    snprintf(meta.clock_name, sizeof(meta.clock_name), "test");
    meta.tick_num = meta.tick_den = 1;
    mb_collection_init(&c);
    CHECK_EQ_INT(mb_collection_reserve(&c, 5000, 3000), MB_OK);
    for (i = 0; i < 5000; i++) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      c.timings[i] = 400 + x % 97;
      c.status[i] = MB_OP_OK;
      sym[i] = (uint8_t)(c.timings[i] & 7u);
    }
    for (i = 0; i < 3000; i++)
      c.bytes[i] = (uint8_t)(c.timings[i] * 31u);
    c.n_timings = 5000;
    c.n_bytes = 3000;
    CHECK_EQ_INT(mb_rawfile_write(raw_path, &meta, &c, &err), MB_OK);
    CHECK(ref != NULL);
    if (ref) {
      const char *argv[] = {"assess", "--json", "--raw-bits", "3", raw_path};
      const char *argv2[] = {"assess", "--json", raw_path};

      CHECK_EQ_INT(mb_assess(sym, 5000, 3, NULL, ref, &err), MB_OK);
      CHECK_EQ_INT(run(&err, 5, argv), MB_OK);
      j = json_load_file(out_path, 0, &jerr);
      CHECK(j != NULL);
      CHECK_EQ_INT(json_integer_value(json_object_get(j, "samples")), 5000);
      CHECK_EQ_INT(json_integer_value(json_object_get(j, "bits_per_symbol")), 3);
      CHECK_NEAR(json_real_value(json_object_get(j, "h_assessed")), ref->h_assessed, 0);
      json_decref(j);

      CHECK_EQ_INT(mb_assess(c.bytes, 3000, 8, NULL, ref, &err), MB_OK);
      CHECK_EQ_INT(run(&err, 3, argv2), MB_OK);
      j = json_load_file(out_path, 0, &jerr);
      CHECK(j != NULL);
      CHECK_EQ_INT(json_integer_value(json_object_get(j, "samples")), 3000);
      CHECK_NEAR(json_real_value(json_object_get(j, "h_assessed")), ref->h_assessed, 0);
      json_decref(j);
      free(ref);
    }
    mb_collection_cleanup(&c);
    {
      /* A damaged raw file names the file. */
      const char *argv[] = {"assess", "--raw-bits", "3", bad_path};

      f = fopen(raw_path, "rb");
      len = f ? fread(d, 1, sizeof(d), f) : 0;
      if (f)
        fclose(f);
      d[len / 2] ^= 0x40;
      mb_test_write(bad_path, d, len);
      CHECK_EQ_INT(run(&err, 4, argv), MB_EINVALID);
      CHECK(strstr(err.source, "bad.mbr") != NULL ||
            strstr(err.text, "bad.mbr") != NULL);
    }
    {
      const char *argv[] = {"assess", "--raw-bits", "3", data_path};
      const char *argv2[] = {"assess", "--raw-bits", "3", "--bits", "4", raw_path};

      CHECK_EQ_INT(run(&err, 4, argv), MB_EINVALID);
      CHECK(strstr(err.text, "MBRAW001") != NULL);
      CHECK_EQ_INT(run(&err, 6, argv2), MB_EUSAGE);
    }
    { /* --bits with a .mbr file is not ignored: a usage error */
      const char *argv[] = {"assess", "-b4", raw_path};

      CHECK_EQ_INT(run(&err, 3, argv), MB_EUSAGE);
      CHECK(strstr(err.text, "--raw-bits") != NULL);
    }
    { /* a sample file that happens to begin with MBRAW001 is samples: the
       * name or --raw-bits decide, never the first bytes */
      char like[300];
      const char *argv[] = {"assess", "--bits", "8", "--json", like};
      const char *argv2[] = {"assess", like};

      snprintf(like, sizeof(like), "%s/looks-raw.bin", dir);
      for (i = 0; i < 4000; i++)
        d[i] = (uint8_t)((i * 2654435761u) >> 13);
      memcpy(d, "MBRAW001", 8);
      mb_test_write(like, d, 4000);
      CHECK_EQ_INT(run(&err, 5, argv), MB_OK);
      j = json_load_file(out_path, 0, &jerr);
      CHECK_EQ_INT(json_integer_value(json_object_get(j, "samples")), 4000);
      json_decref(j);
      CHECK_EQ_INT(run(&err, 2, argv2), MB_OK);
      unlink(like);
    }
    unlink(raw_path);
    unlink(bad_path);
  }
  unlink(out_path);
  unlink(data_path);
  unlink(wide_path);
  unlink(empty_path);
  rmdir(dir);
  return CHECK_DONE();
}
