/* jsonpath.c: file paths in JSON (contract in jsonpath.h). */
#include "jsonpath.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The length of the valid UTF-8 sequence at s (at most n bytes), 0 when
 * the byte there does not begin one. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
  unsigned c = s[0], cp;
  size_t len, i;

  if (c < 0x80)
    return 1;
  if (c >= 0xc2 && c <= 0xdf)
    len = 2, cp = c & 0x1f;
  else if (c >= 0xe0 && c <= 0xef)
    len = 3, cp = c & 0x0f;
  else if (c >= 0xf0 && c <= 0xf4)
    len = 4, cp = c & 0x07;
  else
    return 0;
  if (len > n)
    return 0;
  for (i = 1; i < len; i++) {
    if ((s[i] & 0xc0) != 0x80)
      return 0;
    cp = (cp << 6) | (s[i] & 0x3f);
  }
  if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
      (cp >= 0xd800 && cp <= 0xdfff))
    return 0;
  return len;
}

int mb_utf8_valid(const char *s, size_t n)
{
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;

  while (i < n) {
    size_t k = utf8_len(p + i, n - i);

    if (k == 0)
      return 0;
    i += k;
  }
  return 1;
}

json_t *mb_json_path(const char *path)
{
  const unsigned char *p = (const unsigned char *)path;
  size_t n = strlen(path), i = 0, o = 0;
  char *buf;
  json_t *j;

  if (mb_utf8_valid(path, n))
    return json_string(path);
  buf = malloc(3 * n + 1);
  if (!buf)
    return NULL;
  while (i < n) {
    size_t k = utf8_len(p + i, n - i);

    if (k == 0) {
      memcpy(buf + o, "\xef\xbf\xbd", 3); /* U+FFFD */
      o += 3;
      i++;
    } else {
      memcpy(buf + o, p + i, k);
      o += k;
      i += k;
    }
  }
  j = json_stringn(buf, o);
  free(buf);
  return j;
}

int mb_json_set_path(json_t *obj, const char *key, const char *path)
{
  char hexkey[128];
  size_t n, i;
  char *hex;
  int rc;

  if (snprintf(hexkey, sizeof(hexkey), "%s_hex", key) >= (int)sizeof(hexkey))
    return -1;
  if (!path) {
    json_object_del(obj, hexkey);
    return json_object_set_new(obj, key, json_null());
  }
  n = strlen(path);
  if (mb_utf8_valid(path, n)) {
    json_object_del(obj, hexkey);
    return json_object_set_new(obj, key, json_string(path));
  }
  hex = malloc(2 * n + 1);
  if (!hex)
    return -1;
  for (i = 0; i < n; i++)
    snprintf(hex + 2 * i, 3, "%02x", (unsigned)(unsigned char)path[i]);
  rc = json_object_set_new(obj, key, mb_json_path(path));
  if (rc == 0)
    rc = json_object_set_new(obj, hexkey, json_string(hex));
  free(hex);
  return rc;
}

static int hexval(int c)
{
  return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

char *mb_json_get_path(const json_t *obj, const char *key)
{
  char hexkey[128];
  const char *hex, *s;
  size_t n, i;
  char *out;

  if (snprintf(hexkey, sizeof(hexkey), "%s_hex", key) >= (int)sizeof(hexkey))
    return NULL;
  hex = json_string_value(json_object_get(obj, hexkey));
  if (hex) {
    n = strlen(hex);
    if (n % 2)
      return NULL;
    out = malloc(n / 2 + 1);
    if (!out)
      return NULL;
    for (i = 0; i < n / 2; i++) {
      int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);

      if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
        free(out);
        return NULL;
      }
      out[i] = (char)(hi * 16 + lo);
    }
    out[n / 2] = '\0';
    return out;
  }
  s = json_string_value(json_object_get(obj, key));
  return s ? strdup(s) : NULL;
}
