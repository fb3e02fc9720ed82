/* fsutil.c: atomic whole-file writes, the output-path rule, reads that
 * cannot block, and mkdir -p (contracts in fsutil.h). */
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

int mb_fs_sync_dir(const char *dir, struct mb_error *err)
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
  return mb_fs_sync_dir(dir, err);

fail:
  if (fd >= 0)
    close(fd);
  unlink(tmp);
  return mb_error_errno(err, e, path, "cannot write %zu bytes (wrote %zu)", len, done);
}

/* Write all of data to fd (EINTR retried; a non-blocking descriptor that
 * is full is waited for). Returns 0 or an errno value. */
static int write_all(int fd, const unsigned char *p, size_t len)
{
  size_t done = 0;

  while (done < len) {
    ssize_t w = write(fd, p + done, len - done);

    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return w < 0 ? errno : EIO;
    done += (size_t)w;
  }
  return 0;
}

const char *mb_fs_kind(mode_t m)
{
  return S_ISREG(m)    ? "a regular file"
         : S_ISLNK(m)  ? "a symbolic link"
         : S_ISDIR(m)  ? "a directory"
         : S_ISFIFO(m) ? "a FIFO"
         : S_ISCHR(m)  ? "a character device"
         : S_ISBLK(m)  ? "a block device"
         : S_ISSOCK(m) ? "a socket"
                       : "not a regular file";
}

/* Write into an existing non-regular node (device, FIFO) or through a
 * dangling link (creating its target), in place. */
static int write_in_place(const char *path, const void *data, size_t len, int create,
                          struct mb_error *err)
{
  int fd =
      open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | (create ? O_CREAT : 0),
           0644);
  struct stat st;
  int e, fl;

  if (fd < 0) {
    e = errno;
    if (e == ENXIO)
      return mb_error_set(err, MB_ESYSTEM, path, 0, 0, NULL,
                          "cannot write: no process reads it (a FIFO or socket "
                          "needs a reader)");
    return mb_error_errno(err, e, path, "cannot open for writing");
  }
  /* Blocking from here on: a FIFO has a reader, which will drain it. */
  fl = fcntl(fd, F_GETFL);
  if (fl >= 0)
    (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && ftruncate(fd, 0) != 0) {
    e = errno;
    close(fd);
    return mb_error_errno(err, e, path, "cannot truncate");
  }
  e = write_all(fd, data, len);
  if (close(fd) != 0 && e == 0 && errno != EINTR)
    e = errno;
  if (e)
    return mb_error_errno(err, e, path, "cannot write %zu bytes", len);
  return MB_OK;
}

/* Whether the existing regular file at path may be replaced: empty, or of
 * kind. Opened without blocking and checked to be regular after opening. */
static int replaceable(const char *path, const struct mb_fs_kind *kind, int *regular,
                       struct mb_error *err)
{
  unsigned char head[MB_FS_HEAD_MAX];
  struct stat st;
  size_t n = 0;
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

  *regular = 0;
  if (fd < 0)
    return mb_error_errno(err, errno, path, "cannot open to check what it is");
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return 0; /* changed kind under us: the caller looks again */
  }
  *regular = 1;
  while (n < sizeof(head)) {
    ssize_t r = read(fd, head + n, sizeof(head) - n);

    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      break;
    n += (size_t)r;
  }
  close(fd);
  return n == 0 || (kind && kind->is_own && kind->is_own(head, n));
}

/* The file a dangling link chain names, into out: the first name along it
 * that does not exist. 0, or -1 when the chain loops, is too long, or
 * changed while followed (the caller then writes through the link). */
static int dangling_target(const char *path, char *out, size_t cap)
{
  char cur[PATH_MAX], next[PATH_MAX], link[PATH_MAX];
  int hops;

  if (strlen(path) >= sizeof(cur))
    return -1;
  strcpy(cur, path);
  for (hops = 0; hops < 40; hops++) {
    struct stat st;
    ssize_t n = readlink(cur, link, sizeof(link) - 1);
    const char *slash = strrchr(cur, '/');
    int w;

    if (n < 0)
      return -1;
    link[n] = '\0';
    if (link[0] == '/' || !slash)
      w = snprintf(next, sizeof(next), "%s", link);
    else
      w = snprintf(next, sizeof(next), "%.*s/%s", (int)(slash - cur), cur, link);
    if (w < 0 || (size_t)w >= sizeof(next))
      return -1;
    strcpy(cur, next);
    if (lstat(cur, &st) != 0) {
      if (errno != ENOENT || strlen(cur) >= cap)
        return -1;
      strcpy(out, cur);
      return 0;
    }
    if (!S_ISLNK(st.st_mode))
      return -1;
  }
  return -1;
}

/* MB_EEXISTS for a regular file at path that is not to be replaced. */
static int not_replaced(const char *path, const struct mb_fs_kind *kind,
                        const char *exists_text, struct mb_error *err)
{
  if (exists_text)
    return mb_error_set(err, MB_EEXISTS, path, 0, 0, NULL, "%s", exists_text);
  return mb_error_set(err, MB_EEXISTS, path, 0, 0, NULL,
                      "exists and is not %s: not replaced (choose another file, or "
                      "remove it first)",
                      kind ? kind->name : "a file mebench wrote");
}

int mb_fs_check_output(const char *path, const struct mb_fs_kind *kind, int flags,
                       const char *exists_text, struct mb_error *err)
{
  struct stat st;
  int rc, regular;

  if (strcmp(path, "-") == 0)
    return MB_OK;
  if (lstat(path, &st) != 0) {
    if (errno != ENOENT)
      return mb_error_errno(err, errno, path, "cannot look at");
    return MB_OK;
  }
  if (S_ISLNK(st.st_mode) && stat(path, &st) != 0) {
    if (errno == ENOENT)
      return MB_OK; /* a dangling link: its target is created */
    if (errno == ELOOP)
      return mb_error_set(err, MB_EINVALID, path, 0, 0, NULL,
                          "is a symbolic link loop; expected a file");
    return mb_error_errno(err, errno, path, "cannot follow the link");
  }
  if (S_ISDIR(st.st_mode))
    return mb_error_set(err, MB_EINVALID, path, 0, 0, NULL,
                        "is a directory; expected a file");
  if (!S_ISREG(st.st_mode))
    return MB_OK; /* written in place */
  rc = replaceable(path, kind, &regular, err);
  if (rc < 0)
    return rc;
  if (regular && (!rc || (flags & MB_FS_KEEP))) {
    return not_replaced(path, kind, exists_text, err);
  }
  return MB_OK;
}

int mb_fs_write_output(const char *path, const void *data, size_t len,
                       const struct mb_fs_kind *kind, int flags,
                       const char *exists_text, struct mb_error *err)
{
  char target[PATH_MAX];
  const char *where = path;
  struct stat st;
  int rc, regular;

  if (strcmp(path, "-") == 0) {
    if (len && fwrite(data, 1, len, stdout) != len)
      return mb_error_errno(err, errno ? errno : EIO, "<stdout>", "cannot write");
    if (fflush(stdout) != 0)
      return mb_error_errno(err, errno ? errno : EIO, "<stdout>", "cannot write");
    return MB_OK;
  }
  if (lstat(path, &st) != 0) {
    if (errno != ENOENT)
      return mb_error_errno(err, errno, path, "cannot look at");
    return mb_fs_write_atomic(path, data, len, 0, exists_text, err);
  }
  if (S_ISLNK(st.st_mode)) {
    /* Followed, never replaced: the rule applies to what it names. */
    if (stat(path, &st) != 0) {
      /* A dangling link: the file it names is made there, atomically,
       * as any new file is; the link stays. */
      if (errno == ENOENT)
        return dangling_target(path, target, sizeof(target)) == 0
                   ? mb_fs_write_atomic(target, data, len, 0, exists_text, err)
                   : write_in_place(path, data, len, 1, err);
      if (errno == ELOOP)
        return mb_error_set(err, MB_EINVALID, path, 0, 0, NULL,
                            "is a symbolic link loop; expected a file");
      return mb_error_errno(err, errno, path, "cannot follow the link");
    }
    if (S_ISREG(st.st_mode)) {
      if (!realpath(path, target))
        return mb_error_errno(err, errno, path, "cannot follow the link");
      where = target;
    }
  }
  if (S_ISDIR(st.st_mode))
    return mb_error_set(err, MB_EINVALID, path, 0, 0, NULL,
                        "is a directory; expected a file");
  if (!S_ISREG(st.st_mode))
    return write_in_place(where, data, len, 0, err);
  rc = replaceable(where, kind, &regular, err);
  if (rc < 0)
    return rc;
  if (!regular) /* became a device or FIFO since lstat: never rename over it */
    return write_in_place(where, data, len, 0, err);
  if (!rc || (flags & MB_FS_KEEP)) {
    return not_replaced(path, kind, exists_text, err);
  }
  return mb_fs_write_atomic(where, data, len, MB_FS_REPLACE, NULL, err);
}

/* Read f to its end, at most max bytes (more is MB_EINVALID naming the
 * limit and what was expected). */
static int read_capped(FILE *f, const char *name, unsigned long long max,
                       const char *expected, unsigned char **buf, size_t *len,
                       struct mb_error *err)
{
  unsigned char *data = NULL;
  size_t cap = 1u << 16, n = 0;
  struct stat st;

  *buf = NULL;
  *len = 0;
  if (max > (unsigned long long)(SIZE_MAX / 2))
    max = (unsigned long long)(SIZE_MAX / 2);
  /* One byte more than the size, so the read that meets the end needs no
   * growth; never more than one byte past the limit. */
  if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 0 &&
      (unsigned long long)st.st_size <= max)
    cap = (size_t)st.st_size + 1;
  if ((unsigned long long)cap > max + 1)
    cap = (size_t)max + 1;
  for (;;) {
    size_t got;

    if (!data || n == cap) {
      size_t ncap = !data                                   ? cap
                    : (unsigned long long)cap * 2 > max + 1 ? (size_t)max + 1
                                                            : cap * 2;
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
    if ((unsigned long long)n > max) {
      free(data);
      if (max >= MB_FS_READ_MAX || !expected)
        return mb_error_set(err, MB_EINVALID, name, 0, 0, NULL,
                            "holds more than %llu bytes, the most mebench reads from "
                            "one input%s%s",
                            max, expected ? "; expected " : "",
                            expected ? expected : "");
      return mb_error_set(err, MB_EINVALID, name, 0, 0, NULL,
                          "holds more than %llu bytes; expected %s", max, expected);
    }
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

/* path opened for reading as a stream, only when it is a regular file:
 * opened without blocking (a FIFO without a writer, a terminal), checked
 * with fstat, then made blocking. A FIFO, device, socket or directory is
 * MB_EINVALID "is <kind>; expected <what><tail>"; an open that fails is
 * what open_error(errno, path, what, arg) makes of it. */
static int open_regular(const char *path, const char *what, const char *tail,
                        int (*open_error)(int e, const char *path, const char *what,
                                          int arg, struct mb_error *err),
                        int arg, FILE **out, struct mb_error *err)
{
  struct stat st;
  int fd, fl;

  *out = NULL;
  fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0)
    return open_error(errno, path, what, arg, err);
  if (fstat(fd, &st) != 0) {
    int e = errno;

    close(fd);
    return mb_error_errno(err, e, path, "cannot open");
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    return mb_error_set(err, MB_EINVALID, path, 0, 0, NULL, "is %s; expected %s%s",
                        mb_fs_kind(st.st_mode), what, tail);
  }
  fl = fcntl(fd, F_GETFL);
  if (fl >= 0)
    (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
  *out = fdopen(fd, "rb");
  if (!*out) {
    int e = errno;

    close(fd);
    return mb_error_errno(err, e, path, "cannot open");
  }
  return MB_OK;
}

/* mb_fs_read_input's open errors: a file named wrong is invalid input
 * (exit 3); only a failing device is an I/O error. */
static int input_open_error(int e, const char *path, const char *what, int arg,
                            struct mb_error *err)
{
  (void)arg;
  if (e == ENOENT || e == ENOTDIR || e == EACCES || e == ENAMETOOLONG || e == ELOOP ||
      e == EISDIR)
    return mb_error_set(err, MB_EINVALID, path, 0, 0, NULL,
                        "cannot open: %s; expected %s", strerror(e), what);
  return mb_error_errno(err, e, path, "cannot open");
}

int mb_fs_read_input(const char *path, int flags, unsigned long long max,
                     const char *expected, unsigned char **buf, size_t *len,
                     struct mb_error *err)
{
  FILE *f;
  int rc;
  const char *what = expected ? expected : "a file";

  *buf = NULL;
  *len = 0;
  if ((flags & MB_FS_STDIN) && strcmp(path, "-") == 0)
    return read_capped(stdin, "<stdin>", max, expected, buf, len, err);
  rc = open_regular(path, what,
                    flags & MB_FS_STDIN ? " (a regular file, or - for standard input)"
                                        : " (a regular file)",
                    input_open_error, 0, &f, err);
  if (rc != MB_OK)
    return rc;
  rc = read_capped(f, path, max, expected, buf, len, err);
  fclose(f);
  return rc;
}

/* mb_fs_read_file's open errors; arg: missing_invalid. */
static int file_open_error(int e, const char *path, const char *what, int arg,
                           struct mb_error *err)
{
  (void)what;
  if (e == ENOENT && arg)
    return mb_error_set(err, MB_EINVALID, path, 0, 0, NULL, "no such file");
  if (e == ELOOP)
    return mb_error_set(err, MB_EINVALID, path, 0, 0, NULL,
                        "is a symbolic link loop; expected a file");
  if (e == EISDIR)
    return mb_error_set(err, MB_EINVALID, path, 0, 0, NULL,
                        "is a directory; expected a file");
  return mb_error_errno(err, e, path, "cannot open");
}

int mb_fs_read_file(const char *path, int missing_invalid, unsigned char **buf,
                    size_t *len, struct mb_error *err)
{
  FILE *f;
  int rc;

  *buf = NULL;
  *len = 0;
  rc = open_regular(path, "a regular file", "", file_open_error, missing_invalid, &f,
                    err);
  if (rc != MB_OK)
    return rc;
  rc = read_capped(f, path, MB_FS_READ_MAX, NULL, buf, len, err);
  fclose(f);
  if (rc == MB_OK) {
    unsigned char *p = realloc(*buf, *len + 1);

    if (!p) {
      free(*buf);
      *buf = NULL;
      return mb_error_set(err, MB_ENOMEM, path, 0, 0, NULL, "out of memory");
    }
    p[*len] = '\0';
    *buf = p;
  }
  return rc;
}

int mb_fs_read_stream(FILE *f, const char *name, unsigned char **buf, size_t *len,
                      struct mb_error *err)
{
  return read_capped(f, name, MB_FS_READ_MAX, NULL, buf, len, err);
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
    if (mkdir(buf, mode) != 0) {
      struct stat st;

      if (errno != EEXIST)
        return mb_error_errno(err, errno, buf, "cannot create %s", what);
      /* Something else by that name (a file, a FIFO, a dangling link) is
       * the user's slip, invalid input (exit 3), not a failing disk. */
      if (stat(buf, &st) != 0)
        return mb_error_set(err, MB_EINVALID, buf, 0, 0, NULL,
                            "is %s, where %s was expected (a directory, or a path "
                            "that does not exist)",
                            errno == ENOENT ? "a symbolic link to nothing"
                                            : "not a directory one can reach",
                            what);
      if (!S_ISDIR(st.st_mode))
        return mb_error_set(err, MB_EINVALID, buf, 0, 0, NULL,
                            "is %s, where %s was expected (a directory, or a path "
                            "that does not exist)",
                            mb_fs_kind(st.st_mode), what);
    }
    buf[i] = dir[i];
  }
  return MB_OK;
}
