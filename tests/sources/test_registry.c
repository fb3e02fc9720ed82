/* test_registry.c: the collector registry, modes, collections, and the
 * argument checks every collect call goes through. Touches no kernel
 * object: only the replay collector is opened. */
#include "check.h"
#include "source.h"

int main(void)
{
  const struct mb_source_info *infos;
  struct mb_error err;
  struct mb_collection c;
  struct mb_collector *col = NULL;
  enum mb_mode mode = MB_MODE_SIMPLE;
  size_t n = 0, i;
  int seen_mach = 0, seen_linux = 0, seen_replay = 0;

  infos = mb_sources_list(&n);
  CHECK_EQ_INT(n, 3);
  for (i = 0; i < n; i++) {
    seen_mach += strcmp(infos[i].name, "mach_ipc") == 0;
    seen_linux += strcmp(infos[i].name, "linux_ipc") == 0;
    seen_replay += strcmp(infos[i].name, "replay") == 0;
    /* Every collector carries the seed's defaults. */
    CHECK_EQ_INT(infos[i].defaults.num_ports, 8);
    CHECK_EQ_INT(infos[i].defaults.ool_size, 4096);
    CHECK_EQ_INT(infos[i].defaults.mode, MB_MODE_COMPLEX);
    CHECK(infos[i].description && infos[i].description[0]);
    if (i > 0)
      CHECK(strcmp(infos[i - 1].name, infos[i].name) < 0); /* sorted */
  }
  CHECK_EQ_INT(seen_mach + seen_linux + seen_replay, 3);
#if defined(__linux__)
  CHECK_EQ_STR(mb_sources_default(), "linux_ipc");
  mb_error_init(&err);
  CHECK_EQ_INT(mb_source_probe("mach_ipc", &err), MB_EUNAVAILABLE);
  CHECK(strstr(err.text, "macOS") != NULL);
#elif defined(__APPLE__)
  CHECK_EQ_STR(mb_sources_default(), "mach_ipc");
  mb_error_init(&err);
  CHECK_EQ_INT(mb_source_probe("linux_ipc", &err), MB_EUNAVAILABLE);
#endif
  mb_error_init(&err);
  CHECK_EQ_INT(mb_source_probe("replay", &err), MB_OK);

  /* Unknown names: MB_EINVALID with a hint when one is close. */
  mb_error_init(&err);
  CHECK_EQ_INT(mb_source_probe("linux_icp", &err), MB_EINVALID);
  CHECK(strstr(err.text, "did you mean 'linux_ipc'") != NULL);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_collector_open("zzzzzzzzzzzz", NULL, &col, &err), MB_EINVALID);
  CHECK(col == NULL);
  CHECK(strstr(err.text, "unknown collector 'zzzzzzzzzzzz'") != NULL);
  CHECK(strstr(err.text, "did you mean") == NULL);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_collector_open("replay", NULL, &col, &err), MB_EUSAGE);
  CHECK(strstr(err.text, "replay needs a FILE") != NULL);
  mb_error_init(&err);
#if defined(__linux__)
  CHECK_EQ_INT(mb_collector_open("linux_ipc", "x", &col, &err), MB_EUSAGE);
  CHECK(strstr(err.text, "takes no option") != NULL);
#endif

  /* Modes. */
  CHECK_EQ_INT(mb_mode_parse("complex", &mode), MB_OK);
  CHECK_EQ_INT(mode, MB_MODE_COMPLEX);
  CHECK_EQ_INT(mb_mode_parse("simple", &mode), MB_OK);
  CHECK_EQ_INT(mode, MB_MODE_SIMPLE);
  CHECK_EQ_INT(mb_mode_parse("Simple", &mode), MB_EINVALID);
  CHECK_EQ_INT(mb_mode_parse("", &mode), MB_EINVALID);
  CHECK_EQ_INT(mb_mode_parse(NULL, &mode), MB_EINVALID);
  CHECK_EQ_STR(mb_mode_name(MB_MODE_COMPLEX), "complex");
  CHECK_EQ_STR(mb_mode_name(MB_MODE_SIMPLE), "simple");

  /* Collections grow and keep their capacity. */
  mb_collection_init(&c);
  CHECK_EQ_INT(mb_collection_reserve(&c, 100, 10), MB_OK);
  CHECK(c.timings && c.status && c.bytes);
  CHECK_EQ_INT(c.cap_timings, 100);
  CHECK_EQ_INT(mb_collection_reserve(&c, 50, 5), MB_OK);
  CHECK_EQ_INT(c.cap_timings, 100);
  CHECK_EQ_INT(c.cap_bytes, 10);
  CHECK_EQ_INT(MB_RAW_COUNT(0u), 64);
  CHECK_EQ_INT(MB_RAW_COUNT(1000u), 4064);

  /* The knobs' upper ends are enforced; 0 is clamped to 1 like the seed. */
  {
    const char text[] = "1 2 3 4 5 6 7 8 9 10\n";
    char path[] = "/tmp/mb-registry-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    struct mb_config cfg = {0, 0, MB_MODE_COMPLEX, MB_VARIANT_SEED, MB_PLACEMENT_FREE};

    CHECK(f != NULL);
    if (f) {
      fputs(text, f);
      fclose(f);
    }
    mb_error_init(&err);
    CHECK_EQ_INT(mb_collector_open("replay", path, &col, &err), MB_OK);
    CHECK_EQ_STR(mb_collector_info(col)->name, "replay");
    mb_error_init(&err);
    CHECK_EQ_INT(mb_collector_collect(col, &cfg, 2, &c, &err), MB_OK);
    CHECK_EQ_INT(c.n_timings, 72);
    CHECK_EQ_INT(c.n_bytes, 2);
    CHECK_EQ_INT(c.pool_size, 1); /* text replay reports the clamped pool */
    cfg.num_ports = 65;
    mb_error_init(&err);
    CHECK_EQ_INT(mb_collector_collect(col, &cfg, 2, &c, &err), MB_EINVALID);
    CHECK_EQ_STR(err.path, "num_ports");
    cfg.num_ports = 8;
    cfg.ool_size = 65537;
    mb_error_init(&err);
    CHECK_EQ_INT(mb_collector_collect(col, &cfg, 2, &c, &err), MB_EINVALID);
    CHECK_EQ_STR(err.path, "ool_size");
    cfg.ool_size = 4096;
    cfg.mode = (enum mb_mode)7;
    mb_error_init(&err);
    CHECK_EQ_INT(mb_collector_collect(col, &cfg, 2, &c, &err), MB_EINVALID);
    CHECK_EQ_STR(err.path, "mode");
    mb_collector_free(col);
    remove(path);
  }
  mb_collector_free(NULL);
  mb_collection_cleanup(&c);
  CHECK(c.timings == NULL);
  return CHECK_DONE();
}
