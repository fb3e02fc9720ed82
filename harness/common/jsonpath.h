/* jsonpath.h: file paths (any bytes but NUL, as Unix allows) in JSON, which
 * holds only UTF-8.
 *
 * The encoding (results/README.md, "Paths in JSON"): a path that is valid
 * UTF-8 is written as it is. Any other path is written with U+FFFD in place
 * of each byte that is not part of a valid UTF-8 sequence (readable), and
 * its exact bytes go beside it under KEY_hex, two lowercase hex digits per
 * byte. Readers take KEY_hex when it is there. Thread-safe.
 */
#ifndef MB_JSONPATH_H
#define MB_JSONPATH_H

#include <jansson.h>
#include <stddef.h>

/* 1 when s[0..n) is valid UTF-8 (no overlong forms, surrogates or code
 * points above U+10FFFF, as jansson requires). */
int mb_utf8_valid(const char *s, size_t n);

/* A new JSON string of path, each invalid byte replaced by U+FFFD; NULL on
 * allocation failure. */
json_t *mb_json_path(const char *path);

/* Set obj.key to path by the encoding above (obj.key_hex too when path is
 * not UTF-8; an older key_hex is removed otherwise). path NULL sets null.
 * Returns 0, or -1 on allocation failure. */
int mb_json_set_path(json_t *obj, const char *key, const char *path);

/* The path stored under obj.key: decoded from key_hex when present (a new
 * string: free it), else a copy of the string. NULL when absent, not a
 * string, badly encoded, or out of memory. */
char *mb_json_get_path(const json_t *obj, const char *key);

#endif
