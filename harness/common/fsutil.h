/* fsutil.h: the file-system steps several modules share: atomic whole-file
 * writes, the one rule for output paths, reads that cannot block, and
 * mkdir -p.
 *
 * Not thread-safe with respect to the same path; distinct paths may be used
 * from distinct threads.
 */
#ifndef MB_FSUTIL_H
#define MB_FSUTIL_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "error.h"

/* mb_fs_write_atomic flags. */
#define MB_FS_REPLACE 1 /* replace an existing path; without it, never overwrite */

/* Write len bytes of data to path atomically: a temporary ".<name>.tmp"
 * beside it (a leftover from a killed process is replaced), written in full
 * (EINTR retried), fsync'd and closed, then renamed over path
 * (MB_FS_REPLACE) or hard-linked to it, then the directory is fsync'd
 * (EINVAL and EROFS from that fsync are not errors). So a reader sees path
 * absent, as it was, or complete.
 *
 * Without MB_FS_REPLACE an existing path (anything lstat sees, a dangling
 * link included) is never overwritten, even by a writer racing this one:
 * link() refuses an existing name atomically. Both cases give MB_EEXISTS
 * with exists_text (NULL: "already exists") so callers can say what the
 * user may do about it. On a file system without hard links (link fails
 * otherwise than EEXIST) the file is renamed into place, having been
 * checked absent just before.
 *
 * Errors name path: MB_EINVALID when the temporary name would not fit,
 * MB_ENOSPACE for a full disk, MB_ESYSTEM/MB_EIO otherwise (see
 * mb_error_errno). On failure the temporary file is removed and an existing
 * path is left as it was. data may be NULL when len is 0. */
int mb_fs_write_atomic(const char *path, const void *data, size_t len, int flags,
                       const char *exists_text, struct mb_error *err);

/* What kind of file a command writes, so that an existing file is replaced
 * only when it is one of ours. is_own gets the first bytes of the existing
 * file (at most MB_FS_HEAD_MAX, fewer when the file is shorter) and returns
 * 1 when they show the file is of this kind. name says it in messages
 * ("a mebench report"). */
#define MB_FS_HEAD_MAX 4096
struct mb_fs_kind {
  const char *name;
  int (*is_own)(const unsigned char *head, size_t n);
};

/* mb_fs_write_output flags. */
#define MB_FS_KEEP 2 /* never replace an existing regular file, even of its kind */

/* Write an output file of kind (whole data) to path, by THE rule every
 * command that writes output follows (README.md, "Output paths"):
 * - "-" is standard output;
 * - a new path is created atomically (mb_fs_write_atomic, never over a
 *   file that appears meanwhile);
 * - an existing regular file is replaced atomically only when it is empty
 *   or kind->is_own recognises it (and MB_FS_KEEP is not set); otherwise
 *   MB_EEXISTS with exists_text (NULL: "exists and is not <kind>: not
 *   replaced (choose another file, or remove it first)");
 * - a character or block device, FIFO or socket is written in place, never
 *   replaced: `-o /dev/null` stays a device. It is opened with O_NONBLOCK,
 *   so a FIFO nobody reads is MB_ESYSTEM ("no process reads it") at once
 *   instead of a hang;
 * - a symbolic link is followed: the rule applies to what it points to,
 *   and the link itself stays (a dangling link's target is created,
 *   atomically, where the chain of links ends);
 * - a directory is MB_EINVALID.
 * Nothing is opened for reading except a regular file (checked with fstat
 * on a descriptor opened with O_NONBLOCK), and only its first
 * MB_FS_HEAD_MAX bytes. kind NULL: no existing regular file is replaced.
 * Errors name path. Not thread-safe for the same path. */
int mb_fs_write_output(const char *path, const void *data, size_t len,
                       const struct mb_fs_kind *kind, int flags,
                       const char *exists_text, struct mb_error *err);

/* Whether mb_fs_write_output(path, ..., kind, flags, exists_text) would
 * write path, found without writing anything: MB_OK, or the error it would
 * give (MB_EEXISTS for a regular file not of kind, MB_EINVALID for a
 * directory or link loop). For commands that write several files and
 * refuse before writing any. A FIFO without a reader is found only when
 * written. */
int mb_fs_check_output(const char *path, const struct mb_fs_kind *kind, int flags,
                       const char *exists_text, struct mb_error *err);

/* fsync directory dir, so that a file created or renamed in it is durable;
 * file systems that cannot sync directories (EINVAL, EROFS) are not an
 * error. Errors name dir. */
int mb_fs_sync_dir(const char *dir, struct mb_error *err);

/* What kind of node a stat mode is, for messages: "a regular file", "a
 * symbolic link", "a directory", "a FIFO", "a character device", ... */
const char *mb_fs_kind(mode_t m);

/* The most bytes mebench reads from one input: 4 GiB, above any valid
 * file it reads (the estimators take at most 2^32 - 2 samples, a raw
 * file of the largest call is 32 MiB, an experiment file 1 MiB), so a
 * stream without end (standard input from a device, a pipe that never
 * closes) is refused with this limit in the message instead of filling
 * memory. Callers that know a smaller size pass it (mb_fs_read_input). */
#define MB_FS_READ_MAX (1ull << 32)

/* Read the whole regular file path into *buf (new, NUL-terminated beyond
 * *len; free it). The file is opened with O_NONBLOCK and checked with fstat
 * first, so a FIFO or device named where a file belongs is MB_EINVALID
 * ("is a FIFO; expected a regular file") instead of a hang; what is a
 * directory is MB_EINVALID as well; a missing file MB_EINVALID ("no such
 * file") when missing_invalid is set, else MB_ESYSTEM. More than
 * MB_FS_READ_MAX bytes is MB_EINVALID naming the limit. */
int mb_fs_read_file(const char *path, int missing_invalid, unsigned char **buf,
                    size_t *len, struct mb_error *err);

/* mb_fs_read_input flags. */
#define MB_FS_STDIN 4 /* "-" is standard input (else a file named "-") */

/* The one reader of an input a command is given by name (a sample file, a
 * restart matrix): path "-" is standard input with MB_FS_STDIN; anything
 * else is opened with O_NONBLOCK (so a FIFO without a writer cannot block
 * the open), checked with fstat and read only when it is a regular file;
 * a FIFO, device, socket or directory is MB_EINVALID naming path, what it
 * is and expected ("is a FIFO; expected a sample file ..."), never waited
 * on or read. At most max bytes are read (MB_FS_READ_MAX, or the size the
 * caller expects): one byte more is MB_EINVALID naming the limit, so a
 * stream without end stops there. A path that cannot be opened because it
 * is missing, not reachable, not permitted, a link loop or a directory is
 * MB_EINVALID ("cannot open: <reason>; expected <expected>"), other open
 * and read errors MB_ESYSTEM/MB_EIO (mb_error_errno); MB_ENOMEM. *buf is
 * new (free it; not NUL-terminated), NULL on error. */
int mb_fs_read_input(const char *path, int flags, unsigned long long max,
                     const char *expected, unsigned char **buf, size_t *len,
                     struct mb_error *err);

/* Read f to its end into *buf (new, free it; at least one byte is allocated
 * even for an empty stream) and *len, at most MB_FS_READ_MAX bytes (more is
 * MB_EINVALID naming the limit). A regular file is read in one allocation
 * of its size; other streams (stdin, pipes) grow as they come. Errors name
 * name: MB_ENOMEM "out of memory after N bytes", or the read error through
 * mb_error_errno ("cannot read"); *buf is then NULL. f is left open. */
int mb_fs_read_stream(FILE *f, const char *name, unsigned char **buf, size_t *len,
                      struct mb_error *err);

/* mkdir -p: create dir and each missing parent with mode (umask applies); an
 * existing directory is fine. A failure names the prefix that could not be
 * made, in the text "cannot create <what>" plus the system's reason.
 * MB_EINVALID when dir or one of its parents exists and is not a directory
 * (a regular file, FIFO, device or dangling link): the text names that path
 * and says a directory was expected. MB_EUSAGE when dir is longer than
 * PATH_MAX. */
int mb_fs_mkdirs(const char *dir, mode_t mode, const char *what, struct mb_error *err);

#endif
