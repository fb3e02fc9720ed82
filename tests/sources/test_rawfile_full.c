/* test_rawfile_full.c: a raw file written to a full disk fails with
 * MB_ENOSPACE and leaves nothing behind (Linux: needs a private tmpfs). */
#include <errno.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "rawfile.h"

int main(void)
{
  char dir[64], mnt[128], path[160];
  struct mb_collection c;
  struct mb_raw_meta m;
  struct mb_error err;
  size_t i;

  snprintf(dir, sizeof(dir), "/tmp/mb-rawfull-XXXXXX");
  if (!mkdtemp(dir))
    MB_SKIP("cannot make a temporary directory");
  /* A private 8 KiB tmpfs: needs CAP_SYS_ADMIN (root). */
  snprintf(mnt, sizeof(mnt), "%s/full", dir);
  mkdir(mnt, 0755);
  if (unshare(CLONE_NEWNS) != 0 ||
      mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
      mount("tmpfs", mnt, "tmpfs", 0, "size=8k") != 0) {
    int e = errno;
    rmdir(mnt);
    rmdir(dir);
    MB_SKIP("cannot mount a small tmpfs: %s", strerror(e));
  }
  mb_collection_init(&c);
  CHECK_EQ_INT(mb_collection_reserve(&c, 20000, 100), MB_OK);
  for (i = 0; i < 20000; i++) {
    c.timings[i] = 1000000 + i * 7919; /* 3-byte varints: ~60 KB */
    c.status[i] = 0;
  }
  c.n_timings = 20000;
  c.n_bytes = 100;
  memset(c.bytes, 1, 100);
  memset(&m, 0, sizeof(m));
  m.config.num_ports = 8;
  m.config.ool_size = 4096;
  m.samples = 100;
  snprintf(m.clock_name, sizeof(m.clock_name), "CLOCK_MONOTONIC_RAW");
  m.tick_num = m.tick_den = 1;
  snprintf(path, sizeof(path), "%s/p0-r0.mbr", mnt);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_rawfile_write(path, &m, &c, &err), MB_ENOSPACE);
  CHECK_EQ_STR(err.source, path);
  CHECK(strstr(err.text, "No space left") != NULL);
  CHECK(access(path, F_OK) != 0);
  snprintf(path, sizeof(path), "%s/.p0-r0.mbr.tmp", mnt);
  CHECK(access(path, F_OK) != 0); /* the temporary file is gone too */
  /* A small file still fits afterwards: the failure left no debris. */
  c.n_timings = 10;
  snprintf(path, sizeof(path), "%s/p0-r1.mbr", mnt);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_rawfile_write(path, &m, &c, &err), MB_OK);
  umount(mnt);
  rmdir(mnt);
  rmdir(dir);
  mb_collection_cleanup(&c);
  return CHECK_DONE();
}
