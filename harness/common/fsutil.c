/* fsutil.c: atomic whole-file writes, whole-stream reads and mkdir -p
 * (contracts in fsutil.h). */
#include "fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* Split path into its directory ("." when none) and the temporary name
 * ".<base>.tmp" beside it. */
static int temp_paths(const char *path, char *dir, size_t ndir, char *tmp, size_t ntmp)
{
  const char *slash = strrchr(path, '/');
  int w;

  if (slash) {
    size_t len = (size_t)(slash - path);

    if (len + 1 > ndir)
      return -1;
    memcpy(dir, path, len);
    dir[len == 0 ? 1 : len] = '\0';
    if (len == 0)
      dir[0] = '/';
    w = snprintf(tmp, ntmp, "%.*s/.%s.tmp", (int)len, path, slash + 1);
  } else {
    snprintf(dir, ndir, ".");
    w = snprintf(tmp, ntmp, ".%s.tmp", path);
  }
  return w < 0 || (size_t)w >= ntmp ? -1 : 0;
}

/* fsync a directory so a rename in it is durable; file systems that cannot
 * sync directories (EINVAL, EROFS) are not an error. */
static int sync_dir(const char *dir, struct mb_error *err)
{
  int fd = open(dir, O_RDONLY);

  if (fd < 0)
    return mb_error_errno(err, errno, dir, "cannot open directory to sync it");
  if (fsync(fd) != 0 && errno != EINVAL && errno != EROFS) {
    int e = errno;

    close(fd);
    return mb_error_errno(err, e, dir, "cannot sync directory");
  }
  close(fd);
  return MB_OK;
}

static int exists(const char *path, const char *exists_text, struct mb_error *err)
{
  return mb_error_set(err, MB_EEXISTS, path, 0, 0, NULL, "%s",
                      exists_text ? exists_text : "already exists");
}

int mb_fs_write_atomic(const char *path, const void *data, size_t len, int flags,
                       const char *exists_text, struct mb_error *err)
{
  char dir[PATH_MAX], tmp[PATH_MAX];
  const unsigned char *p = data;
  int replace = (flags & MB_FS_REPLACE) != 0;
  struct stat sb;
  size_t done = 0;
  int fd, e;

  if (temp_paths(path, dir, sizeof(dir), tmp, sizeof(tmp)) != 0)
    return mb_error_set(err, MB_EINVALID, path, 0, 0, NULL, "path is too long");
  if (!replace && lstat(path, &sb) == 0)
    return exists(path, exists_text, err);
  fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return mb_error_errno(err, errno, path, "cannot create its temporary file %s", tmp);
  while (done < len) {
    ssize_t w = write(fd, p + done, len - done);

    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0) {
      e = w < 0 ? errno : EIO;
      goto fail;
    }
    done += (size_t)w;
  }
  if (fsync(fd) != 0) {
    e = errno;
    goto fail;
  }
  if (close(fd) != 0) {
    fd = -1;
    e = errno;
    goto fail;
  }
  fd = -1;
  if (replace) {
    if (rename(tmp, path) != 0) {
      e = errno;
      unlink(tmp);
      return mb_error_errno(err, e, path, "cannot rename %s to it", tmp);
    }
  } else if (link(tmp, path) != 0) {
    e = errno;
    if (e == EEXIST) {
      unlink(tmp);
      return exists(path, exists_text, err);
    }
    if (rename(tmp, path) != 0) {
      e = errno;
      unlink(tmp);
      return mb_error_errno(err, e, path, "cannot rename %s to it", tmp);
    }
  } else {
    unlink(tmp);
  }
  return sync_dir(dir, err);

fail:
  if (fd >= 0)
    close(fd);
  unlink(tmp);
  return mb_error_errno(err, e, path, "cannot write %zu bytes (wrote %zu)", len, done);
}

int mb_fs_read_stream(FILE *f, const char *name, unsigned char **buf, size_t *len,
                      struct mb_error *err)
{
  unsigned char *data = NULL;
  size_t cap = 1u << 16, n = 0;
  struct stat st;

  *buf = NULL;
  *len = 0;
  /* One byte more than the size, so the read that meets the end needs no
   * growth. */
  if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 0 &&
      (unsigned long long)st.st_size < (unsigned long long)(SIZE_MAX / 2))
    cap = (size_t)st.st_size + 1;
  for (;;) {
    size_t got;

    if (!data || n == cap) {
      size_t ncap = data ? cap * 2 : cap;
      unsigned char *p = ncap > cap || !data ? realloc(data, ncap) : NULL;

      if (!p) {
        free(data);
        return mb_error_set(err, MB_ENOMEM, name, 0, 0, NULL,
                            "out of memory after %zu bytes", n);
      }
      data = p;
      cap = ncap;
    }
    got = fread(data + n, 1, cap - n, f);
    n += got;
    if (got == 0)
      break;
  }
  if (ferror(f)) {
    int e = errno;

    free(data);
    /* A directory named where a file belongs is the user's slip: invalid
     * input (exit 3), not a failing device. */
    if (e == EISDIR)
      return mb_error_set(err, MB_EINVALID, name, 0, 0, NULL,
                          "is a directory; expected a file");
    return mb_error_errno(err, e ? e : EIO, name, "cannot read");
  }
  *buf = data;
  *len = n;
  return MB_OK;
}

int mb_fs_mkdirs(const char *dir, mode_t mode, const char *what, struct mb_error *err)
{
  char buf[PATH_MAX];
  size_t i, n = strlen(dir);

  if (n >= sizeof(buf))
    return mb_error_set(err, MB_EUSAGE, dir, 0, 0, NULL, "path is too long");
  memcpy(buf, dir, n + 1);
  for (i = 1; i <= n; i++) {
    if (buf[i] != '/' && buf[i] != '\0')
      continue;
    buf[i] = '\0';
    if (mkdir(buf, mode) != 0 && errno != EEXIST)
      return mb_error_errno(err, errno, buf, "cannot create %s", what);
    buf[i] = dir[i];
  }
  return MB_OK;
}
