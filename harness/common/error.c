/* error.c: the status table's messages and the error record. */
#include "error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void mb_error_init(struct mb_error *err)
{
  if (err)
    memset(err, 0, sizeof(*err));
}

static void copy_str(char *dst, size_t n, const char *src)
{
  if (!src)
    src = "";
  snprintf(dst, n, "%s", src);
}

/* The format attribute tells clang that fmt is a checked printf format
 * passed through, so -Wformat-nonliteral stays quiet. */
#if defined(__GNUC__)
__attribute__((format(printf, 7, 0)))
#endif
static void
set_va(struct mb_error *err, int code, const char *source, int line, int column,
       const char *path, const char *fmt, va_list ap)
{
  err->code = code;
  err->line = line;
  err->column = column;
  copy_str(err->source, sizeof(err->source), source);
  copy_str(err->path, sizeof(err->path), path);
  vsnprintf(err->text, sizeof(err->text), fmt, ap);
}

int mb_error_set(struct mb_error *err, int code, const char *source, int line,
                 int column, const char *path, const char *fmt, ...)
{
  va_list ap;

  if (!err || err->code != 0)
    return code;
  va_start(ap, fmt);
  set_va(err, code, source, line, column, path, fmt, ap);
  va_end(ap);
  return code;
}

int mb_error_errno(struct mb_error *err, int errnum, const char *source,
                   const char *fmt, ...)
{
  va_list ap;
  int code;
  size_t len;

  switch (errnum) {
  case ENOSPC:
#ifdef EDQUOT
  case EDQUOT:
#endif
    code = MB_ENOSPACE;
    break;
  case ENOMEM:
    code = MB_ENOMEM;
    break;
  case EIO:
    code = MB_EIO;
    break;
  default:
    code = MB_ESYSTEM;
    break;
  }
  if (!err || err->code != 0)
    return code;
  va_start(ap, fmt);
  set_va(err, code, source, 0, 0, NULL, fmt, ap);
  va_end(ap);
  len = strlen(err->text);
  snprintf(err->text + len, sizeof(err->text) - len, ": %s", strerror(errnum));
  return code;
}

char *mb_error_format(const struct mb_error *err, char *buf, size_t n)
{
  size_t used = 0;

#define MB_APPEND(...)                                                                 \
  do {                                                                                 \
    int w_ = snprintf(buf + used, n - used, __VA_ARGS__);                              \
    if (w_ > 0)                                                                        \
      used += (size_t)w_ < n - used ? (size_t)w_ : n - used - 1;                       \
  } while (0)

  if (n == 0)
    return buf;
  buf[0] = '\0';
  if (!err)
    return buf;
  if (err->source[0]) {
    MB_APPEND("%s", err->source);
    if (err->line > 0) {
      MB_APPEND(":%d", err->line);
      if (err->column > 0)
        MB_APPEND(":%d", err->column);
    }
    MB_APPEND(": ");
  }
  if (err->path[0])
    MB_APPEND("%s: ", err->path);
  MB_APPEND("%s", err->text[0] ? err->text : mb_strerror(err->code));
#undef MB_APPEND
  return buf;
}

const char *mb_strerror(int code)
{
  switch (code) {
  case MB_OK:
    return "success";
#define MB_X(name, value, exitkind, text)                                              \
  case MB_E##name:                                                                     \
    return text;
    MB_STATUS_TABLE(MB_X)
#undef MB_X
  default:
    return "unknown status";
  }
}

const char *mb_status_name(int code)
{
  switch (code) {
  case MB_OK:
    return "MB_OK";
#define MB_X(name, value, exitkind, text)                                              \
  case MB_E##name:                                                                     \
    return "MB_E" #name;
    MB_STATUS_TABLE(MB_X)
#undef MB_X
  default:
    return "MB_E?";
  }
}

int mb_status_exit(int code)
{
  switch (code) {
  case MB_OK:
    return MB_EXIT_OK;
#define MB_X(name, value, exitkind, text)                                              \
  case MB_E##name:                                                                     \
    return MB_EXIT_##exitkind;
    MB_STATUS_TABLE(MB_X)
#undef MB_X
  default:
    return MB_EXIT_FAILURE;
  }
}

/* Edit distance counting a swap of two neighbours as one edit (optimal
 * string alignment): "rnu" is one slip from "run", as "ool_szie" from
 * "ool_size". Bounded to short words (option and key names). */
static size_t edit_distance(const char *a, const char *b)
{
  size_t la = strlen(a), lb = strlen(b), i, j;
  size_t rows[3][65];

  if (la > 64 || lb > 64)
    return (size_t)-1;
  for (j = 0; j <= lb; j++)
    rows[0][j] = j;
  for (i = 1; i <= la; i++) {
    size_t *cur = rows[i % 3], *up = rows[(i - 1) % 3], *up2 = rows[(i + 1) % 3];

    cur[0] = i;
    for (j = 1; j <= lb; j++) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      size_t best = up[j - 1] + cost;

      if (up[j] + 1 < best)
        best = up[j] + 1;
      if (cur[j - 1] + 1 < best)
        best = cur[j - 1] + 1;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
          up2[j - 2] + 1 < best)
        best = up2[j - 2] + 1;
      cur[j] = best;
    }
  }
  return rows[la % 3][lb];
}

const char *mb_suggest(const char *word, const char *const *candidates, size_t n)
{
  const char *best = NULL;
  size_t best_d = (size_t)-1, i;
  size_t limit = strlen(word) <= 4 ? 1 : strlen(word) <= 8 ? 2 : 3;

  for (i = 0; i < n; i++) {
    size_t d = edit_distance(word, candidates[i]);

    if (d < best_d) {
      best_d = d;
      best = candidates[i];
    }
  }
  return best_d <= limit ? best : NULL;
}
