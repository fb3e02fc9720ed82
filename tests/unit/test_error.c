/* test_error.c: the status table, the error record and its format. */
#include "check.h"
#include "error.h"

#include <errno.h>

int main(void)
{
  struct mb_error err;
  char buf[256];

  mb_error_init(&err);
  CHECK_EQ_INT(err.code, 0);

  /* First error wins. */
  CHECK_EQ_INT(mb_error_set(&err, MB_EINVALID, "experiments/x.json", 0, 0,
                            "sweep.num_ports[3]", "%d is outside 1..64", 0),
               MB_EINVALID);
  CHECK_EQ_INT(mb_error_set(&err, MB_EIO, "other", 1, 1, NULL, "second"), MB_EIO);
  CHECK_EQ_STR(mb_error_format(&err, buf, sizeof(buf)),
               "experiments/x.json: sweep.num_ports[3]: 0 is outside 1..64");

  mb_error_init(&err);
  mb_error_set(&err, MB_EINVALID, "x.json", 12, 5, NULL, "expected '}'");
  CHECK_EQ_STR(mb_error_format(&err, buf, sizeof(buf)), "x.json:12:5: expected '}'");

  /* NULL is accepted everywhere. */
  CHECK_EQ_INT(mb_error_set(NULL, MB_ENOMEM, NULL, 0, 0, NULL, "x"), MB_ENOMEM);
  mb_error_init(NULL);

  /* errno conversion keeps the system's text. */
  mb_error_init(&err);
  CHECK_EQ_INT(mb_error_errno(&err, ENOSPC, "results/a", "cannot write"), MB_ENOSPACE);
  CHECK(strstr(err.text, "cannot write: ") == err.text);
  CHECK_EQ_INT(mb_error_errno(NULL, ENOMEM, NULL, "x"), MB_ENOMEM);
  CHECK_EQ_INT(mb_error_errno(NULL, EACCES, NULL, "x"), MB_ESYSTEM);

  /* Every status has a message, a name and an exit kind. */
  CHECK_EQ_STR(mb_strerror(MB_OK), "success");
  CHECK_EQ_STR(mb_status_name(MB_EUNAVAILABLE), "MB_EUNAVAILABLE");
  CHECK_EQ_STR(mb_strerror(12345), "unknown status");
  CHECK_EQ_INT(mb_status_exit(MB_OK), MB_EXIT_OK);
  CHECK_EQ_INT(mb_status_exit(MB_EUSAGE), MB_EXIT_USAGE);
  CHECK_EQ_INT(mb_status_exit(MB_EINVALID), MB_EXIT_INVALID);
  CHECK_EQ_INT(mb_status_exit(MB_EUNAVAILABLE), MB_EXIT_UNAVAILABLE);
  CHECK_EQ_INT(mb_status_exit(MB_EINTERRUPTED), MB_EXIT_INTERRUPTED);
  CHECK_EQ_INT(mb_status_exit(MB_EREGRESSION), MB_EXIT_REGRESSION);
  CHECK_EQ_INT(mb_status_exit(MB_ECOLLECT), MB_EXIT_FAILURE);
  CHECK_EQ_INT(mb_status_exit(-999), MB_EXIT_FAILURE);

  /* Truncation keeps the buffer terminated. */
  mb_error_init(&err);
  mb_error_set(&err, MB_EINVALID, "a-rather-long-file-name.json", 1, 2, "p", "text");
  mb_error_format(&err, buf, 10);
  CHECK_EQ_INT(strlen(buf), 9);
  return CHECK_DONE();
}
