/* check.h: the small test header every test program uses.
 *
 * CHECK_* macros print both operands on failure and count checks; a test
 * ends with `return CHECK_DONE();`, which prints "N passed, N failed" and
 * returns the exit status. MB_SKIP() prints why and exits 77, which CTest
 * reports as skipped.
 */
#ifndef MB_CHECK_H
#define MB_CHECK_H

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int mb_check_passed;
static int mb_check_failed;

#define MB_CHECK_FAIL_(...)                                                            \
  do {                                                                                 \
    mb_check_failed++;                                                                 \
    fprintf(stderr, "%s:%d: FAIL: ", __FILE__, __LINE__);                              \
    fprintf(stderr, __VA_ARGS__);                                                      \
    fputc('\n', stderr);                                                               \
  } while (0)

#define CHECK(cond)                                                                    \
  do {                                                                                 \
    if (cond)                                                                          \
      mb_check_passed++;                                                               \
    else                                                                               \
      MB_CHECK_FAIL_("%s", #cond);                                                     \
  } while (0)

#define CHECK_EQ_INT(a, b)                                                             \
  do {                                                                                 \
    long long a_ = (long long)(a), b_ = (long long)(b);                                \
    if (a_ == b_)                                                                      \
      mb_check_passed++;                                                               \
    else                                                                               \
      MB_CHECK_FAIL_("%s == %s: %lld != %lld", #a, #b, a_, b_);                        \
  } while (0)

#define CHECK_EQ_U64(a, b)                                                             \
  do {                                                                                 \
    uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);                                   \
    if (a_ == b_)                                                                      \
      mb_check_passed++;                                                               \
    else                                                                               \
      MB_CHECK_FAIL_("%s == %s: %" PRIu64 " != %" PRIu64, #a, #b, a_, b_);             \
  } while (0)

#define CHECK_NEAR(a, b, tol)                                                          \
  do {                                                                                 \
    double a_ = (double)(a), b_ = (double)(b);                                         \
    if (fabs(a_ - b_) <= (double)(tol))                                                \
      mb_check_passed++;                                                               \
    else                                                                               \
      MB_CHECK_FAIL_("%s ~= %s: %.12g != %.12g (tolerance %g)", #a, #b, a_, b_,        \
                     (double)(tol));                                                   \
  } while (0)

#define CHECK_EQ_STR(a, b)                                                             \
  do {                                                                                 \
    const char *a_ = (a), *b_ = (b);                                                   \
    if (a_ && b_ && strcmp(a_, b_) == 0)                                               \
      mb_check_passed++;                                                               \
    else                                                                               \
      MB_CHECK_FAIL_("%s == %s: \"%s\" != \"%s\"", #a, #b, a_ ? a_ : "(null)",         \
                     b_ ? b_ : "(null)");                                              \
  } while (0)

#define CHECK_EQ_MEM(a, b, n)                                                          \
  do {                                                                                 \
    if (memcmp((a), (b), (n)) == 0)                                                    \
      mb_check_passed++;                                                               \
    else                                                                               \
      MB_CHECK_FAIL_("%s and %s differ in their first %zu bytes", #a, #b,              \
                     (size_t)(n));                                                     \
  } while (0)

/* Skip the whole test: print the reason, exit 77. */
#define MB_SKIP(...)                                                                   \
  do {                                                                                 \
    printf("SKIP: ");                                                                  \
    printf(__VA_ARGS__);                                                               \
    printf("\n");                                                                      \
    exit(77);                                                                          \
  } while (0)

#define CHECK_DONE()                                                                   \
  (printf("%d passed, %d failed\n", mb_check_passed, mb_check_failed),                 \
   (mb_check_failed || mb_check_passed == 0) ? 1 : 0)

#endif
