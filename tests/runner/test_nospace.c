/* test_nospace.c: a full disk is reported as MB_ENOSPACE naming the file,
 * and what was written before survives. Needs a tiny tmpfs, so it mounts
 * one (root only; skipped otherwise). */
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "results.h"

int main(void)
{
  char mnt[512], cmd[700], small[600], big[600], tmp[600];
  static char data[256 * 1024];
  struct mb_error err;
  int rc;

  snprintf(mnt, sizeof(mnt), "%s/tests/runner/nospace-XXXXXX", MB_BINARY_DIR);
  if (!mkdtemp(mnt))
    MB_SKIP("cannot make a directory under %s", MB_BINARY_DIR);
  snprintf(cmd, sizeof(cmd), "mount -t tmpfs -o size=64k tmpfs '%s' 2>/dev/null", mnt);
  if (geteuid() != 0 || system(cmd) != 0) {
    rmdir(mnt);
    MB_SKIP("cannot mount a 64 KiB tmpfs (needs root) to fill a disk");
  }
  snprintf(small, sizeof(small), "%s/run.json", mnt);
  snprintf(big, sizeof(big), "%s/p0-r0.mbr", mnt);
  snprintf(tmp, sizeof(tmp), "%s/.p0-r0.mbr.tmp", mnt);
  memset(data, 0xBE, sizeof(data));

  CHECK_EQ_INT(mb_results_write_atomic(small, "{\"kept\": true}", 14, 0, NULL), MB_OK);
  mb_error_init(&err);
  rc = mb_results_write_atomic(big, data, sizeof(data), 0, &err);
  CHECK_EQ_INT(rc, MB_ENOSPACE);
  CHECK_EQ_STR(err.source, big);
  CHECK(strstr(err.text, "No space left on device") != NULL);
  CHECK(access(big, F_OK) != 0); /* nothing half-written under the real name */
  CHECK(access(tmp, F_OK) != 0); /* and the temporary is gone */
  /* Replacing run.json on the full disk keeps the old complete version. */
  CHECK_EQ_INT(mb_results_write_atomic(big, data, 60 * 1024, 0, NULL), MB_OK);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_results_write_atomic(small, data, sizeof(data), 1, &err),
               MB_ENOSPACE);
  {
    FILE *f = fopen(small, "r");
    char buf[32] = {0};

    CHECK(f != NULL);
    if (f) {
      CHECK(fread(buf, 1, sizeof(buf) - 1, f) == 14);
      fclose(f);
    }
    CHECK_EQ_STR(buf, "{\"kept\": true}");
  }
  snprintf(cmd, sizeof(cmd), "umount '%s'", mnt);
  if (system(cmd) != 0)
    fprintf(stderr, "could not unmount %s\n", mnt);
  rmdir(mnt);
  return CHECK_DONE();
}
