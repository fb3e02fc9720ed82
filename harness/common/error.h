/* error.h: mebench's one status convention and its error record.
 *
 * 0 is success; a negative MB_E* is a failure. Every status, its message and
 * the kind of exit it leads to come from MB_STATUS_TABLE, so they cannot
 * drift apart. Parsers and validators fill a caller-owned struct mb_error;
 * the first error recorded wins, and NULL is accepted wherever one is taken.
 */
#ifndef MB_ERROR_H
#define MB_ERROR_H

#include <stddef.h>

/* Exit codes of the mebench command. Only main() turns a status into one.
 * X(NAME, value, meaning) */
#define MB_EXIT_TABLE(X)                                                               \
  X(OK, 0, "success")                                                                  \
  X(FAILURE, 1, "the run or command failed (collector error, I/O error)")              \
  X(USAGE, 2, "invalid command line")                                                  \
  X(INVALID, 3,                                                                        \
    "invalid input: experiment, data, results, or a path of the wrong kind")           \
  X(UNAVAILABLE, 4, "the collector is not available on this machine")                  \
  X(REGRESSION, 5, "compare found an entropy regression")                              \
  X(NOTOOL, 6, "scripts/plot: gnuplot is missing (no mebench command)")                \
  X(MISMATCH, 7, "not comparable: compare, merge or resume refused runs that differ")  \
  X(NOTHING, 8, "compare compared nothing: no point has data on both sides")           \
  X(INTERRUPTED, 130, "interrupted by SIGINT or SIGTERM (results kept)")

enum mb_exit {
#define MB_X(name, value, text) MB_EXIT_##name = value,
  MB_EXIT_TABLE(MB_X)
#undef MB_X
};

/* Statuses. X(NAME, value, exit kind, message) */
#define MB_STATUS_TABLE(X)                                                             \
  X(USAGE, -1, USAGE, "invalid command-line usage")                                    \
  X(INVALID, -2, INVALID, "invalid input")                                             \
  X(NOMEM, -3, FAILURE, "out of memory")                                               \
  X(IO, -4, FAILURE, "input/output error")                                             \
  X(NOSPACE, -5, FAILURE, "no space left on device")                                   \
  X(UNAVAILABLE, -6, UNAVAILABLE, "collector not available on this machine")           \
  X(COLLECT, -7, FAILURE, "collector failed")                                          \
  X(INTERRUPTED, -8, INTERRUPTED, "interrupted")                                       \
  X(REGRESSION, -9, REGRESSION, "entropy regression detected")                         \
  X(MISMATCH, -10, MISMATCH, "inputs are not comparable")                              \
  X(NOTOOL, -11, NOTOOL, "required external tool missing")                             \
  X(EXISTS, -12, FAILURE, "destination already exists")                                \
  X(SYSTEM, -13, FAILURE, "system call failed")                                        \
  X(INTERNAL, -14, FAILURE, "internal error")                                          \
  X(NOTHING, -15, NOTHING, "nothing was compared")

enum mb_status {
  MB_OK = 0,
#define MB_X(name, value, exitkind, text) MB_E##name = value,
  MB_STATUS_TABLE(MB_X)
#undef MB_X
};

/* A caller-owned error record. Initialise with mb_error_init(). */
struct mb_error {
  int code;         /* MB_E*; 0 while no error has been recorded */
  int line;         /* 1-based line in source, 0 when not known */
  int column;       /* 1-based column in source, 0 when not known */
  char source[512]; /* file name, "<stdin>", or "" */
  char path[256];   /* JSON path such as "sweep.num_ports[3]", or "" */
  char text[768];   /* what was wrong and what was expected */
};

/* Clear err (NULL is accepted). */
void mb_error_init(struct mb_error *err);

/* Record an error unless err already holds one (first error wins).
 * source, path may be NULL; line/column 0 when unknown; fmt is printf-style.
 * Returns code, so callers can write `return mb_error_set(err, ...)`.
 * Accepts err == NULL (then only returns code). Thread-compatible. */
int mb_error_set(struct mb_error *err, int code, const char *source, int line,
                 int column, const char *path, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 7, 8)))
#endif
    ;

/* Record a failed system call: errnum (an errno value) becomes MB_ENOSPC,
 * MB_ENOMEM or MB_ESYSTEM/MB_EIO as fits, and the text gets strerror(errnum)
 * appended. Returns the status recorded. */
int mb_error_errno(struct mb_error *err, int errnum, const char *source,
                   const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Write "source:line:column: path: text" (parts that are unknown are left
 * out) into buf of size n, always NUL-terminated. Returns buf. */
char *mb_error_format(const struct mb_error *err, char *buf, size_t n);

/* The message of a status, "unknown status" if it is not in the table. */
const char *mb_strerror(int code);

/* The symbolic name of a status ("MB_EINVALID"), or "MB_OK". */
const char *mb_status_name(int code);

/* The exit code main() uses for a status (MB_OK gives MB_EXIT_OK). */
int mb_status_exit(int code);

/* For "did you mean" hints in messages: the closest of candidates to word
 * by edit distance, or NULL when none is close enough to be a plausible
 * typo. Borrowed pointer into candidates. Thread-safe. */
const char *mb_suggest(const char *word, const char *const *candidates, size_t n);

#endif
