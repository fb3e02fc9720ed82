/* testutil.h: helpers several test programs share (reading and writing a
 * whole file,
 * running a command with its output captured, removing a temporary
 * directory, an estimator's named value). Like check.h, header-only:
 * static inline, so a test that uses none of them gets no warning.
 */
#ifndef MB_TESTUTIL_H
#define MB_TESTUTIL_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "error.h"
#include "estimators.h"

/* The whole of path, NUL-terminated (binary files may hold NULs: use *n).
 * Returns a new buffer (free it), or NULL when the file cannot be read.
 * n may be NULL. */
static inline char *mb_test_slurp(const char *path, size_t *n)
{
  FILE *f = fopen(path, "rb");
  char *buf;
  long len;

  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  len = ftell(f);
  fseek(f, 0, SEEK_SET);
  if (len < 0) {
    fclose(f);
    return NULL;
  }
  buf = malloc((size_t)len + 1);
  if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
    free(buf);
    buf = NULL;
  }
  if (buf)
    buf[len] = '\0';
  fclose(f);
  if (buf && n)
    *n = (size_t)len;
  return buf;
}

/* The intermediate value an estimator recorded under name, NAN when it
 * recorded none so named. */
static inline double mb_test_value(const struct mb_estimate *e, const char *name)
{
  unsigned i;

  for (i = 0; i < e->n_values; i++)
    if (strcmp(e->values[i].name, name) == 0)
      return e->values[i].value;
  return NAN;
}

/* rm -rf dir, a test's temporary directory (dir must hold no '). Returns 0,
 * or -1 after saying on stderr that dir could not be removed. */
static inline int mb_test_rmtree(const char *dir)
{
  char cmd[1100];

  if ((size_t)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir) >= sizeof(cmd) ||
      system(cmd) != 0) {
    fprintf(stderr, "could not remove %s\n", dir);
    return -1;
  }
  return 0;
}

/* Write n bytes of data to path (created or truncated). Returns 0, or -1
 * when the file cannot be written in full. */
static inline int mb_test_write(const char *path, const void *data, size_t n)
{
  FILE *f = fopen(path, "wb");
  int ok;

  if (!f)
    return -1;
  ok = fwrite(data, 1, n, f) == n;
  return fclose(f) == 0 && ok ? 0 : -1;
}

/* mb_test_write() of a string, without its NUL. */
static inline int mb_test_write_text(const char *path, const char *text)
{
  return mb_test_write(path, text, strlen(text));
}

/* `mebench WORDS...` in-process (words[0] is "mebench"; at most 15 words),
 * as main() would run it: returns the exit code. stdout is flushed after. */
static inline int mb_test_cli(const char *const *words, int n)
{
  char *argv[16];
  int i, st;

  for (i = 0; i < n && i < 15; i++)
    argv[i] = strdup(words[i]);
  argv[i] = NULL;
  st = mb_cli_main(i, argv);
  while (i-- > 0)
    free(argv[i]);
  fflush(stdout);
  return mb_status_exit(st);
}

/* Call cmd with words as its argv (at most 15, each copied, so a command
 * may permute them), with its stdout written to out_path (created or
 * truncated) unless out_path is NULL. err is cleared first. Returns the
 * command's status, or MB_EIO when out_path cannot be created. */
static inline int mb_test_command(const char *out_path,
                                  int (*cmd)(int, char **, struct mb_error *), int argc,
                                  const char *const *words, struct mb_error *err)
{
  char *argv[16];
  FILE *f = NULL;
  int saved = -1, status, i;

  mb_error_init(err);
  if (out_path) {
    f = fopen(out_path, "w");
    if (!f)
      return MB_EIO;
  }
  for (i = 0; i < argc && i < 15; i++)
    argv[i] = strdup(words[i]);
  argv[i] = NULL;
  if (f) {
    fflush(stdout);
    saved = dup(1);
    dup2(fileno(f), 1);
  }
  status = cmd(i, argv, err);
  if (f) {
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    fclose(f);
  }
  while (i-- > 0)
    free(argv[i]);
  return status;
}

#endif
