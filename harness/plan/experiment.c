/* experiment.c: experiment JSON -> a validated, expanded plan of calls.
 *
 * The file is checked as bytes first (size, NUL, UTF-8, nesting depth) so
 * that jansson only ever sees well-formed text of bounded depth; then every
 * key is checked against the format in experiments/README.md. Nothing is
 * ever "fixed": a value the format does not allow is an error that names the
 * file, the JSON path and what was expected.
 */
#include "experiment.h"
#include "health.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "estimators.h"
#include "sha256.h"

/* The state of one load: where messages go and what they name. */
struct loader {
  const char *source; /* file name for messages */
  struct mb_experiment *exp;
  struct mb_error *err;
};

static int fail(struct loader *ld, const char *path, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int fail(struct loader *ld, const char *path, const char *fmt, ...)
{
  char text[sizeof(ld->err->text)];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(text, sizeof(text), fmt, ap);
  va_end(ap);
  return mb_error_set(ld->err, MB_EINVALID, ld->source, 0, 0, path, "%s", text);
}

static int nomem(struct loader *ld)
{
  return mb_error_set(ld->err, MB_ENOMEM, ld->source, 0, 0, NULL,
                      "out of memory while loading the experiment");
}

static char *dup_str(const char *s)
{
  size_t n = strlen(s) + 1;
  char *p = malloc(n);

  if (p)
    memcpy(p, s, n);
  return p;
}

/* Copy s into buf for a message: at most max characters of it, with
 * control characters and quotes escaped so the message stays one line. */
static const char *show(const char *s, char *buf, size_t n, size_t max)
{
  size_t used = 0, shown = 0;

  for (; *s && used + 8 < n; s++) {
    unsigned char c = (unsigned char)*s;

    if (shown == max) {
      memcpy(buf + used, "...", 3);
      used += 3;
      break;
    }
    if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
      int w =
          snprintf(buf + used, n - used, c == '"' || c == '\\' ? "\\%c" : "\\x%02x", c);
      used += (size_t)w;
    } else {
      buf[used++] = (char)c;
    }
    if ((c & 0xc0) != 0x80)
      shown++;
  }
  buf[used] = '\0';
  return buf;
}

/* "the string \"abc\"", "the real number 8.5", "an object", ... */
static const char *describe(const json_t *v, char *buf, size_t n)
{
  char tmp[160];

  switch (json_typeof(v)) {
  case JSON_OBJECT:
    snprintf(buf, n, "an object");
    break;
  case JSON_ARRAY:
    snprintf(buf, n, "an array");
    break;
  case JSON_STRING:
    snprintf(buf, n, "the string \"%s\"",
             show(json_string_value(v), tmp, sizeof(tmp), 32));
    break;
  case JSON_INTEGER:
    snprintf(buf, n, "the integer %" JSON_INTEGER_FORMAT, json_integer_value(v));
    break;
  case JSON_REAL: {
    double d = json_real_value(v);

    /* 1024.0 and 1e3 are reals in JSON; say why a whole number was refused. */
    /* Range first: converting an out-of-range double is undefined. */
    if (d > -1e15 && d < 1e15 && d == (double)(long long)d)
      snprintf(buf, n,
               "the real number %.17g (write whole numbers without a decimal "
               "point or exponent)",
               d);
    else
      snprintf(buf, n, "the real number %.17g", d);
    break;
  }
  case JSON_TRUE:
    snprintf(buf, n, "true");
    break;
  case JSON_FALSE:
    snprintf(buf, n, "false");
    break;
  default:
    snprintf(buf, n, "null");
    break;
  }
  return buf;
}

/* Every key of obj must be one of allowed[]; the first that is not is an
 * error with a "did you mean" hint or the list of keys that are allowed. */
static int check_keys(struct loader *ld, json_t *obj, const char *path,
                      const char *const *allowed, size_t n)
{
  const char *key;
  json_t *value;

  json_object_foreach(obj, key, value)
  {
    size_t i;
    const char *hint;
    char shown[160], list[256];
    size_t used = 0;

    (void)value;
    for (i = 0; i < n; i++)
      if (strcmp(key, allowed[i]) == 0)
        break;
    if (i < n)
      continue;
    show(key, shown, sizeof(shown), 40);
    hint = mb_suggest(key, allowed, n);
    if (hint)
      return fail(ld, path, "unknown key \"%s\" (did you mean \"%s\"?)", shown, hint);
    list[0] = '\0';
    for (i = 0; i < n && used < sizeof(list); i++) {
      int w =
          snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "", allowed[i]);
      if (w > 0)
        used += (size_t)w;
    }
    return fail(ld, path, "unknown key \"%s\"; expected one of: %s", shown, list);
  }
  return MB_OK;
}

/* An integer in min..max. */
static int get_uint(struct loader *ld, const json_t *v, const char *path, uint64_t min,
                    uint64_t max, uint64_t *out)
{
  char what[200];
  json_int_t i;

  if (!json_is_integer(v))
    return fail(ld, path, "expected an integer in %llu..%llu, got %s",
                (unsigned long long)min, (unsigned long long)max,
                describe(v, what, sizeof(what)));
  i = json_integer_value(v);
  if (i < 0 || (uint64_t)i < min || (uint64_t)i > max)
    return fail(ld, path, "%" JSON_INTEGER_FORMAT " is outside %llu..%llu", i,
                (unsigned long long)min, (unsigned long long)max);
  *out = (uint64_t)i;
  return MB_OK;
}

/* A string of 1..max bytes (UTF-8 was checked on the whole file). */
static int get_string(struct loader *ld, const json_t *v, const char *path, size_t max,
                      int allow_empty, const char **out)
{
  char what[200];
  size_t len;

  if (!json_is_string(v))
    return fail(ld, path, "expected a string, got %s", describe(v, what, sizeof(what)));
  len = json_string_length(v);
  if (len == 0 && !allow_empty)
    return fail(ld, path, "expected a non-empty string");
  if (len > max)
    return fail(ld, path, "is %zu bytes long; at most %zu are allowed", len, max);
  *out = json_string_value(v);
  return MB_OK;
}

/* One of a fixed set of words, with a hint for a near miss. */
static int get_word(struct loader *ld, const json_t *v, const char *path,
                    const char *const *words, size_t n, size_t *out)
{
  char what[200], shown[160];
  const char *s, *hint;
  size_t i;

  if (!json_is_string(v))
    return fail(ld, path, "expected one of \"%s\"%s%s%s, got %s", words[0],
                n > 1 ? ", \"" : "", n > 1 ? words[1] : "",
                n > 2   ? "\", ..."
                : n > 1 ? "\""
                        : "",
                describe(v, what, sizeof(what)));
  s = json_string_value(v);
  for (i = 0; i < n; i++) {
    if (strcmp(s, words[i]) == 0) {
      *out = i;
      return MB_OK;
    }
  }
  show(s, shown, sizeof(shown), 40);
  hint = mb_suggest(s, words, n);
  if (hint)
    return fail(ld, path, "unknown value \"%s\" (did you mean \"%s\"?)", shown, hint);
  {
    char list[256];
    size_t used = 0;

    list[0] = '\0';
    for (i = 0; i < n; i++) {
      int w = snprintf(list + used, sizeof(list) - used, "%s\"%s\"", i ? ", " : "",
                       words[i]);
      if (w > 0 && (size_t)w < sizeof(list) - used)
        used += (size_t)w;
    }
    return fail(ld, path, "unknown value \"%s\"; expected one of %s", shown, list);
  }
}

/* ---------------------------------------------------------------------- */
/* The byte-level checks that run before jansson sees the text.            */

/* Length of the UTF-8 sequence at p (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF), or 0 when it is invalid. */
static size_t utf8_sequence(const unsigned char *p, size_t left)
{
  unsigned char c = p[0];
  size_t need, i;
  uint32_t cp;

  if (c < 0x80)
    return 1;
  if (c >= 0xc2 && c <= 0xdf) {
    need = 2;
    cp = c & 0x1fu;
  } else if (c >= 0xe0 && c <= 0xef) {
    need = 3;
    cp = c & 0x0fu;
  } else if (c >= 0xf0 && c <= 0xf4) {
    need = 4;
    cp = c & 0x07u;
  } else {
    return 0;
  }
  if (left < need)
    return 0;
  for (i = 1; i < need; i++) {
    if ((p[i] & 0xc0) != 0x80)
      return 0;
    cp = (cp << 6) | (p[i] & 0x3fu);
  }
  if ((need == 3 && cp < 0x800) || (need == 4 && cp < 0x10000) || cp > 0x10ffff ||
      (cp >= 0xd800 && cp <= 0xdfff))
    return 0;
  return need;
}

/* Reject what jansson would either misreport or should never be asked to
 * parse: NUL bytes, invalid UTF-8, a byte-order mark, absurd nesting.
 * Columns count characters, as jansson's do. */
static int scan_text(struct loader *ld, const unsigned char *p, size_t len)
{
  size_t i = 0;
  int line = 1, column = 1;
  int in_string = 0, escaped = 0;
  unsigned depth = 0;

  if (len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
    return mb_error_set(ld->err, MB_EINVALID, ld->source, 1, 1, NULL,
                        "the file starts with a UTF-8 byte-order mark; JSON "
                        "(RFC 8259) forbids it: save the file without it");
  while (i < len) {
    size_t step;

    if (p[i] == 0)
      return mb_error_set(ld->err, MB_EINVALID, ld->source, line, column, NULL,
                          "NUL byte in the file; an experiment file is UTF-8 text");
    step = utf8_sequence(p + i, len - i);
    if (step == 0)
      return mb_error_set(
          ld->err, MB_EINVALID, ld->source, line, column, NULL,
          "invalid UTF-8 (byte 0x%02x); an experiment file is UTF-8 text", p[i]);
    if (in_string) {
      if (escaped)
        escaped = 0;
      else if (p[i] == '\\')
        escaped = 1;
      else if (p[i] == '"')
        in_string = 0;
    } else if (p[i] == '"') {
      in_string = 1;
    } else if (p[i] == '[' || p[i] == '{') {
      if (++depth > MB_EXP_MAX_DEPTH)
        return mb_error_set(ld->err, MB_EINVALID, ld->source, line, column, NULL,
                            "nesting deeper than %u levels; an experiment is at most "
                            "4 levels deep",
                            MB_EXP_MAX_DEPTH);
    } else if ((p[i] == ']' || p[i] == '}') && depth > 0) {
      depth--;
    }
    if (p[i] == '\n') {
      line++;
      column = 1;
    } else {
      column++;
    }
    i += step;
  }
  return MB_OK;
}

/* ---------------------------------------------------------------------- */
/* The sweep.                                                              */

struct axis {
  const char *name;
  uint32_t min, max, dflt;
  uint32_t *values;
  size_t n;
};

static int axis_push(struct loader *ld, struct axis *ax, uint32_t v)
{
  uint32_t *grown = realloc(ax->values, (ax->n + 1) * sizeof(*grown));

  if (!grown)
    return nomem(ld);
  ax->values = grown;
  ax->values[ax->n++] = v;
  return MB_OK;
}

static int axis_range(struct loader *ld, json_t *obj, const char *path, struct axis *ax)
{
  static const char *const keys[] = {"from", "to", "scale", "step"};
  static const char *const scales[] = {"linear", "log2"};
  char sub[128];
  uint64_t from, to, step = 1, count, v;
  size_t scale = 0;
  json_t *j;
  int rc;

  if ((rc = check_keys(ld, obj, path, keys, 4)) != MB_OK)
    return rc;
  if (!json_object_get(obj, "from") || !json_object_get(obj, "to"))
    return fail(ld, path,
                "a range needs \"from\" and \"to\", e.g. {\"from\": %u, \"to\": %u, "
                "\"scale\": \"log2\"}",
                ax->min, ax->max);
  snprintf(sub, sizeof(sub), "%s.from", path);
  if ((rc = get_uint(ld, json_object_get(obj, "from"), sub, ax->min, ax->max, &from)))
    return rc;
  snprintf(sub, sizeof(sub), "%s.to", path);
  if ((rc = get_uint(ld, json_object_get(obj, "to"), sub, ax->min, ax->max, &to)))
    return rc;
  if ((j = json_object_get(obj, "scale")) != NULL) {
    snprintf(sub, sizeof(sub), "%s.scale", path);
    if ((rc = get_word(ld, j, sub, scales, 2, &scale)) != MB_OK)
      return rc;
  }
  if ((j = json_object_get(obj, "step")) != NULL) {
    snprintf(sub, sizeof(sub), "%s.step", path);
    if (scale == 1)
      return fail(ld, sub,
                  "\"step\" applies to a linear range; a log2 range doubles "
                  "each value");
    if ((rc = get_uint(ld, j, sub, 1, ax->max, &step)) != MB_OK)
      return rc;
  }
  if (from > to)
    return fail(ld, path,
                "the range from %llu to %llu yields no values (\"from\" must "
                "not exceed \"to\")",
                (unsigned long long)from, (unsigned long long)to);
  if (scale == 0) {
    count = (to - from) / step + 1;
    if (count > MB_EXP_POINTS_MAX)
      return fail(ld, path,
                  "the range yields %llu values; a sweep has at most %u points",
                  (unsigned long long)count, MB_EXP_POINTS_MAX);
    for (v = from; v <= to; v += step)
      if ((rc = axis_push(ld, ax, (uint32_t)v)) != MB_OK)
        return rc;
  } else {
    for (v = from; v <= to; v *= 2)
      if ((rc = axis_push(ld, ax, (uint32_t)v)) != MB_OK)
        return rc;
  }
  return MB_OK;
}

static int axis_list(struct loader *ld, json_t *arr, const char *path, struct axis *ax)
{
  uint8_t *seen;
  size_t *where;
  size_t i;
  int rc = MB_OK;

  if (json_array_size(arr) == 0)
    return fail(ld, path,
                "empty list; give at least one value, or omit the axis for "
                "the default %u",
                ax->dflt);
  seen = calloc((size_t)ax->max + 1, 1);
  where = calloc((size_t)ax->max + 1, sizeof(*where));
  if (!seen || !where) {
    free(seen);
    free(where);
    return nomem(ld);
  }
  for (i = 0; i < json_array_size(arr) && rc == MB_OK; i++) {
    char sub[128];
    uint64_t v;

    snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
    rc = get_uint(ld, json_array_get(arr, i), sub, ax->min, ax->max, &v);
    if (rc != MB_OK)
      break;
    if (seen[v]) {
      rc = fail(ld, sub, "%llu repeats %s[%zu]; each value may appear once",
                (unsigned long long)v, path, where[v]);
      break;
    }
    seen[v] = 1;
    where[v] = i;
    rc = axis_push(ld, ax, (uint32_t)v);
  }
  free(seen);
  free(where);
  return rc;
}

static int parse_axis(struct loader *ld, json_t *sweep, struct axis *ax)
{
  char path[64], what[200];
  json_t *v = json_object_get(sweep, ax->name);

  snprintf(path, sizeof(path), "sweep.%s", ax->name);
  if (!v)
    return axis_push(ld, ax, ax->dflt);
  if (json_is_array(v))
    return axis_list(ld, v, path, ax);
  if (json_is_object(v))
    return axis_range(ld, v, path, ax);
  return fail(ld, path,
              "expected a list such as [%u] or a range object such as {\"from\": %u, "
              "\"to\": %u}, got %s",
              ax->dflt, ax->min, ax->max, describe(v, what, sizeof(what)));
}

static int parse_modes(struct loader *ld, json_t *sweep, enum mb_mode *modes, size_t *n)
{
  static const char *const names[] = {"complex", "simple"};
  json_t *v = json_object_get(sweep, "mode");
  size_t where[2] = {0, 0};
  int seen[2] = {0, 0};
  char what[200];
  size_t i;

  *n = 0;
  if (!v) {
    modes[(*n)++] = MB_MODE_COMPLEX;
    return MB_OK;
  }
  if (!json_is_array(v))
    return fail(ld, "sweep.mode",
                "expected a list such as [\"complex\", \"simple\"], got %s",
                describe(v, what, sizeof(what)));
  if (json_array_size(v) == 0)
    return fail(ld, "sweep.mode",
                "empty list; give at least one mode, or omit the axis "
                "for the default \"complex\"");
  for (i = 0; i < json_array_size(v); i++) {
    char sub[64];
    size_t k;
    int rc;

    snprintf(sub, sizeof(sub), "sweep.mode[%zu]", i);
    if ((rc = get_word(ld, json_array_get(v, i), sub, names, 2, &k)) != MB_OK)
      return rc;
    if (seen[k])
      return fail(ld, sub, "\"%s\" repeats sweep.mode[%zu]; each value may appear once",
                  names[k], where[k]);
    seen[k] = 1;
    where[k] = i;
    modes[(*n)++] = k == 0 ? MB_MODE_COMPLEX : MB_MODE_SIMPLE;
  }
  return MB_OK;
}

/* The placements the experiment's collector can do, and a refusal that
 * names the platform for one it cannot (sources/README.md, "Placement"). */
static int check_placement(struct loader *ld, const char *path, enum mb_placement p)
{
  const struct mb_source_info *list;
  size_t count = 0, i;

  list = mb_sources_list(&count);
  for (i = 0; i < count; i++) {
    char can[256];
    size_t used = 0;
    unsigned k;

    if (strcmp(list[i].name, ld->exp->source) != 0)
      continue;
    if (list[i].placements & MB_PLACEMENT_BIT(p))
      return MB_OK;
    if (strcmp(list[i].platform, "any") == 0)
      return fail(ld, path,
                  "placement \"%s\": the \"%s\" collector plays timings back and has "
                  "no threads to place; only \"free\" applies",
                  mb_placement_name(p), list[i].name);
    can[0] = '\0';
    for (k = 0; k < MB_PLACEMENT_COUNT; k++)
      if (list[i].placements & MB_PLACEMENT_BIT(k)) {
        int w = snprintf(can + used, sizeof(can) - used, "%s\"%s\"", used ? ", " : "",
                         mb_placement_name((enum mb_placement)k));
        if (w > 0 && (size_t)w < sizeof(can) - used)
          used += (size_t)w;
      }
    return fail(ld, path,
                "placement \"%s\" cannot be done on %s (collector \"%s\"%s); it can "
                "do %s",
                mb_placement_name(p), list[i].platform, list[i].name,
                p == MB_PLACEMENT_SHARED || p == MB_PLACEMENT_SPLIT
                    ? ": it cannot pin threads to CPUs"
                : p == MB_PLACEMENT_FREE ? ""
                                         : ": QoS classes are macOS's",
                can);
  }
  return MB_OK; /* an unknown collector was refused already */
}

/* The placement axis: a list under sweep.placement, or one value as the
 * top-level key "placement" (not both); default "free". */
static int parse_placements(struct loader *ld, json_t *root, json_t *sweep,
                            enum mb_placement *out, size_t *n)
{
  static const char *names[MB_PLACEMENT_COUNT];
  json_t *v = json_object_get(sweep, "placement"),
         *top = json_object_get(root, "placement");
  size_t where[MB_PLACEMENT_COUNT];
  int seen[MB_PLACEMENT_COUNT];
  char what[200];
  size_t i, k;
  int rc;

  for (k = 0; k < MB_PLACEMENT_COUNT; k++)
    names[k] = mb_placement_name((enum mb_placement)k);
  memset(seen, 0, sizeof(seen));
  *n = 0;
  if (v && top)
    return fail(ld, "placement",
                "given both here and as sweep.placement; give one value here or a "
                "list there");
  if (top) {
    if ((rc = get_word(ld, top, "placement", names, MB_PLACEMENT_COUNT, &k)) != MB_OK ||
        (rc = check_placement(ld, "placement", (enum mb_placement)k)) != MB_OK)
      return rc;
    out[(*n)++] = (enum mb_placement)k;
    return MB_OK;
  }
  if (!v) {
    out[(*n)++] = MB_PLACEMENT_FREE;
    return MB_OK;
  }
  if (!json_is_array(v))
    return fail(ld, "sweep.placement",
                "expected a list such as [\"free\", \"shared\", \"split\"], got %s",
                describe(v, what, sizeof(what)));
  if (json_array_size(v) == 0)
    return fail(ld, "sweep.placement",
                "empty list; give at least one placement, or omit the axis for the "
                "default \"free\"");
  for (i = 0; i < json_array_size(v); i++) {
    char sub[64];

    snprintf(sub, sizeof(sub), "sweep.placement[%zu]", i);
    if ((rc = get_word(ld, json_array_get(v, i), sub, names, MB_PLACEMENT_COUNT, &k)) !=
        MB_OK)
      return rc;
    if (seen[k])
      return fail(ld, sub,
                  "\"%s\" repeats sweep.placement[%zu]; each value may appear once",
                  names[k], where[k]);
    if ((rc = check_placement(ld, sub, (enum mb_placement)k)) != MB_OK)
      return rc;
    seen[k] = 1;
    where[k] = i;
    out[(*n)++] = (enum mb_placement)k;
  }
  return MB_OK;
}

/* The variants of the experiment's collector ("seed", ...; source.h),
 * each once, in the file's order; the default is the seed as shipped. */
static int parse_variants(struct loader *ld, json_t *sweep, enum mb_variant *variants,
                          size_t *n)
{
  const char *names[MB_VARIANT_COUNT];
  json_t *v = json_object_get(sweep, "variant");
  size_t where[MB_VARIANT_COUNT], n_names = 0, i;
  int seen[MB_VARIANT_COUNT];
  char what[200], list[160];

  memset(seen, 0, sizeof(seen));
  for (i = 0; i < MB_VARIANT_COUNT; i++)
    if (mb_source_has_variant(ld->exp->source, (enum mb_variant)i))
      names[n_names++] = mb_variant_name((enum mb_variant)i);
  mb_source_variant_list(ld->exp->source, list, sizeof(list));
  *n = 0;
  if (!v) {
    variants[(*n)++] = MB_VARIANT_SEED;
    return MB_OK;
  }
  if (!json_is_array(v))
    return fail(ld, "sweep.variant",
                "expected a list such as [\"seed\", \"sdk\"], got %s",
                describe(v, what, sizeof(what)));
  if (json_array_size(v) == 0)
    return fail(ld, "sweep.variant",
                "empty list; give at least one of %s, or omit the axis for the "
                "default \"seed\"",
                list);
  for (i = 0; i < json_array_size(v); i++) {
    json_t *e = json_array_get(v, i);
    enum mb_variant k;
    char sub[64], shown[160];
    const char *hint;

    snprintf(sub, sizeof(sub), "sweep.variant[%zu]", i);
    if (!json_is_string(e))
      return fail(ld, sub, "expected a variant name (%s), got %s", list,
                  describe(e, what, sizeof(what)));
    if (mb_variant_parse(json_string_value(e), &k) != MB_OK ||
        !mb_source_has_variant(ld->exp->source, k)) {
      show(json_string_value(e), shown, sizeof(shown), 40);
      hint = mb_suggest(json_string_value(e), (const char *const *)names, n_names);
      return fail(ld, sub,
                  "unknown variant \"%s\"%s%s%s; the variants of collector %s are %s",
                  shown, hint ? " (did you mean \"" : "", hint ? hint : "",
                  hint ? "\"?)" : "", ld->exp->source, list);
    }
    if (seen[k])
      return fail(ld, sub,
                  "\"%s\" repeats sweep.variant[%zu]; each value may appear once",
                  mb_variant_name(k), where[k]);
    seen[k] = 1;
    where[k] = i;
    variants[(*n)++] = k;
  }
  return MB_OK;
}

/* The points are the cartesian product, mode outermost, then variant,
 * num_ports, ool_size and placement, each axis in the order the file gives
 * its values. */
static int parse_sweep(struct loader *ld, json_t *root)
{
  static const char *const keys[] = {"num_ports", "ool_size", "mode", "variant",
                                     "placement"};
  struct axis ports = {
      "num_ports", MB_NUM_PORTS_MIN, MB_NUM_PORTS_MAX, MB_NUM_PORTS_DEFAULT, NULL, 0};
  struct axis ool = {
      "ool_size", MB_OOL_SIZE_MIN, MB_OOL_SIZE_MAX, MB_OOL_SIZE_DEFAULT, NULL, 0};
  struct mb_experiment *exp = ld->exp;
  enum mb_mode modes[2];
  enum mb_variant variants[MB_VARIANT_COUNT];
  enum mb_placement places[MB_PLACEMENT_COUNT];
  size_t n_modes = 0, n_variants = 0, n_places = 0, m, p, o, v, q;
  uint64_t total;
  json_t *sweep = json_object_get(root, "sweep");
  char what[200];
  int rc;

  if (sweep && !json_is_object(sweep))
    return fail(ld, "sweep",
                "expected an object with the axes num_ports, ool_size, "
                "mode, variant, placement, got %s",
                describe(sweep, what, sizeof(what)));
  if (sweep && json_object_size(sweep) == 0)
    return fail(ld, "sweep",
                "empty sweep; give at least one axis, or omit \"sweep\" to "
                "run the seed defaults (8 ports, 4096 bytes, complex)");
  if (!sweep)
    sweep = json_object(); /* every axis takes its default */
  else
    json_incref(sweep);
  if (!sweep)
    return nomem(ld);
  rc = check_keys(ld, sweep, "sweep", keys, 5);
  if (rc == MB_OK)
    rc = parse_modes(ld, sweep, modes, &n_modes);
  if (rc == MB_OK)
    rc = parse_variants(ld, sweep, variants, &n_variants);
  if (rc == MB_OK)
    rc = parse_placements(ld, root, sweep, places, &n_places);
  if (rc == MB_OK)
    rc = parse_axis(ld, sweep, &ports);
  if (rc == MB_OK)
    rc = parse_axis(ld, sweep, &ool);
  json_decref(sweep);
  if (rc == MB_OK) {
    total = (uint64_t)n_modes * n_variants * ports.n * ool.n * n_places;
    if (total > MB_EXP_POINTS_MAX)
      rc = fail(ld, "sweep",
                "%zu modes x %zu variants x %zu num_ports x %zu ool_size x %zu "
                "placement values make %llu points; at most %u are allowed",
                n_modes, n_variants, ports.n, ool.n, n_places,
                (unsigned long long)total, MB_EXP_POINTS_MAX);
  }
  if (rc == MB_OK) {
    exp->n_points = n_modes * n_variants * ports.n * ool.n * n_places;
    exp->n_variants = n_variants;
    exp->points = calloc(exp->n_points, sizeof(*exp->points));
    if (!exp->points)
      rc = nomem(ld);
  }
  if (rc == MB_OK) {
    size_t k = 0;

    for (m = 0; m < n_modes; m++)
      for (v = 0; v < n_variants; v++)
        for (p = 0; p < ports.n; p++)
          for (o = 0; o < ool.n; o++)
            for (q = 0; q < n_places; q++) {
              exp->points[k].mode = modes[m];
              exp->points[k].variant = variants[v];
              exp->points[k].num_ports = ports.values[p];
              exp->points[k].ool_size = ool.values[o];
              exp->points[k].placement = places[q];
              k++;
            }
  }
  free(ports.values);
  free(ool.values);
  return rc;
}

/* ---------------------------------------------------------------------- */
/* order, analysis, and the scalar keys.                                   */

static const char *const order_names[] = {"sequential", "interleaved", "shuffled"};

const char *mb_order_name(enum mb_order order)
{
  if ((unsigned)order < sizeof(order_names) / sizeof(order_names[0]))
    return order_names[order];
  return "?";
}

/* A seed for an unseeded shuffle. Only its recording matters for
 * reproducibility, so the time and pid are an acceptable fallback when the
 * system's random device cannot be read. */
static uint64_t draw_seed(void)
{
  uint64_t seed = 0;
  int fd = open("/dev/urandom", O_RDONLY);
  int ok = 0;

  if (fd >= 0) {
    ok = read(fd, &seed, sizeof(seed)) == (ssize_t)sizeof(seed);
    close(fd);
  }
  if (!ok) {
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    seed = (uint64_t)ts.tv_sec * 1000000007u ^ (uint64_t)ts.tv_nsec ^
           ((uint64_t)getpid() << 32);
  }
  return seed & MB_EXP_SEED_MAX;
}

static int parse_order(struct loader *ld, json_t *root)
{
  static const char *const keys[] = {"kind", "seed"};
  struct mb_experiment *exp = ld->exp;
  json_t *v = json_object_get(root, "order");
  json_t *seed = NULL;
  size_t k;
  char what[200];
  int rc;

  exp->order = MB_EXP_DEFAULT_ORDER;
  if (!v)
    return MB_OK;
  if (json_is_object(v)) {
    json_t *kind;

    if ((rc = check_keys(ld, v, "order", keys, 2)) != MB_OK)
      return rc;
    kind = json_object_get(v, "kind");
    if (!kind)
      return fail(ld, "order",
                  "an order object needs \"kind\", e.g. {\"kind\": "
                  "\"shuffled\", \"seed\": 42}");
    if ((rc = get_word(ld, kind, "order.kind", order_names, 3, &k)) != MB_OK)
      return rc;
    seed = json_object_get(v, "seed");
  } else if (json_is_string(v)) {
    if ((rc = get_word(ld, v, "order", order_names, 3, &k)) != MB_OK)
      return rc;
  } else {
    return fail(ld, "order",
                "expected \"sequential\", \"interleaved\", \"shuffled\" or an object "
                "{\"kind\": \"shuffled\", \"seed\": N}, got %s",
                describe(v, what, sizeof(what)));
  }
  exp->order = (enum mb_order)k;
  if (seed) {
    uint64_t s;

    if (exp->order != MB_ORDER_SHUFFLED)
      return fail(ld, "order.seed",
                  "a seed only applies to the \"shuffled\" order, not "
                  "\"%s\"",
                  order_names[k]);
    if ((rc = get_uint(ld, seed, "order.seed", 0, MB_EXP_SEED_MAX, &s)) != MB_OK)
      return rc;
    exp->seed = s;
  } else if (exp->order == MB_ORDER_SHUFFLED) {
    exp->seed = draw_seed();
    exp->seed_drawn = 1;
  }
  return MB_OK;
}

static const char *const estimator_keys[] = {
#define MB_X(id, key, title, section) key,
    MB_ESTIMATOR_TABLE(MB_X)
#undef MB_X
};

static int parse_analysis(struct loader *ld, json_t *root)
{
  static const char *const keys[] = {"raw_bits", "estimators", "bitstring", "iid",
                                     "health_alpha"};
  struct mb_experiment *exp = ld->exp;
  json_t *a = json_object_get(root, "analysis");
  json_t *v;
  char what[200];
  uint64_t u;
  int rc;

  exp->raw_bits = MB_EXP_DEFAULT_RAW_BITS;
  exp->estimators = MB_EST_ALL;
  exp->bitstring = 1;
  exp->iid = 0;
  exp->health_alpha = MB_HEALTH_ALPHA;
  if (!a)
    return MB_OK;
  if (!json_is_object(a))
    return fail(ld, "analysis",
                "expected an object with raw_bits, estimators, "
                "bitstring, iid, health_alpha, got %s",
                describe(a, what, sizeof(what)));
  if ((rc = check_keys(ld, a, "analysis", keys, 5)) != MB_OK)
    return rc;
  if ((v = json_object_get(a, "raw_bits")) != NULL) {
    if ((rc = get_uint(ld, v, "analysis.raw_bits", 1, 8, &u)) != MB_OK)
      return rc;
    exp->raw_bits = (unsigned)u;
  }
  if ((v = json_object_get(a, "estimators")) != NULL) {
    if (json_is_string(v) && strcmp(json_string_value(v), "all") == 0) {
      exp->estimators = MB_EST_ALL;
    } else if (json_is_array(v)) {
      size_t i;
      size_t where[MB_EST_COUNT];

      if (json_array_size(v) == 0)
        return fail(ld, "analysis.estimators",
                    "empty list; name at least one estimator, or write \"all\"");
      exp->estimators = 0;
      for (i = 0; i < json_array_size(v); i++) {
        char sub[64];
        size_t k;

        snprintf(sub, sizeof(sub), "analysis.estimators[%zu]", i);
        rc = get_word(ld, json_array_get(v, i), sub, estimator_keys, MB_EST_COUNT, &k);
        if (rc != MB_OK)
          return rc;
        if (exp->estimators & (1u << k))
          return fail(ld, sub,
                      "\"%s\" repeats analysis.estimators[%zu]; each estimator "
                      "may appear once",
                      estimator_keys[k], where[k]);
        exp->estimators |= 1u << k;
        where[k] = i;
      }
    } else {
      return fail(ld, "analysis.estimators",
                  "expected \"all\" or a list of estimator keys such as [\"mcv\", "
                  "\"lz78y\"], got %s",
                  describe(v, what, sizeof(what)));
    }
  }
  if ((v = json_object_get(a, "bitstring")) != NULL) {
    if (!json_is_boolean(v))
      return fail(ld, "analysis.bitstring", "expected true or false, got %s",
                  describe(v, what, sizeof(what)));
    exp->bitstring = json_is_true(v);
  }
  if ((v = json_object_get(a, "iid")) != NULL) {
    if (!json_is_boolean(v))
      return fail(ld, "analysis.iid", "expected true or false, got %s",
                  describe(v, what, sizeof(what)));
    exp->iid = json_is_true(v);
  }
  if ((v = json_object_get(a, "health_alpha")) != NULL) {
    double d = json_is_number(v) ? json_number_value(v) : -1;

    /* §4.4: a false-positive probability; 2^-20 is the recommendation,
     * 2^-40 the smallest the specification names. */
    if (!(d >= MB_HEALTH_ALPHA_MIN && d <= MB_HEALTH_ALPHA_MAX))
      return fail(ld, "analysis.health_alpha",
                  "expected a probability in 1e-300..0.5 such as 9.5367431640625e-07 "
                  "(2^-20), got %s",
                  describe(v, what, sizeof(what)));
    exp->health_alpha = d;
  }
  return MB_OK;
}

static int valid_name(const char *s)
{
  for (; *s; s++) {
    char c = *s;

    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
          c == '_' || c == '-'))
      return 0;
  }
  return 1;
}

static int parse_source(struct loader *ld, json_t *root)
{
  struct mb_experiment *exp = ld->exp;
  json_t *v = json_object_get(root, "source");
  const struct mb_source_info *list;
  const char *names[32];
  const char *name;
  size_t count = 0, i, n = 0;
  int rc;

  list = mb_sources_list(&count);
  for (i = 0; i < count && n < 32; i++)
    names[n++] = list[i].name;
  if (!v) {
    name = mb_sources_default();
    if (!name)
      return fail(ld, "source",
                  "this platform has no default collector; name one "
                  "with \"source\"");
    exp->source_default = 1;
  } else {
    char shown[160], all[256];
    const char *hint;
    size_t used = 0;

    if ((rc = get_string(ld, v, "source", 64, 0, &name)) != MB_OK)
      return rc;
    for (i = 0; i < n; i++)
      if (strcmp(names[i], name) == 0)
        break;
    if (i == n) {
      all[0] = '\0';
      for (i = 0; i < n; i++) {
        int w =
            snprintf(all + used, sizeof(all) - used, "%s%s", i ? ", " : "", names[i]);
        if (w > 0 && (size_t)w < sizeof(all) - used)
          used += (size_t)w;
      }
      show(name, shown, sizeof(shown), 40);
      hint = mb_suggest(name, names, n);
      if (hint)
        return fail(ld, "source",
                    "unknown collector \"%s\" (did you mean \"%s\"?); "
                    "built in: %s",
                    shown, hint, all);
      return fail(ld, "source", "unknown collector \"%s\"; built in: %s", shown, all);
    }
  }
  exp->source = dup_str(name);
  if (!exp->source)
    return nomem(ld);
  return MB_OK;
}

/* The replay file, resolved against the experiment file's directory so that
 * an experiment and its recording can move together. */
static int parse_replay(struct loader *ld, json_t *root)
{
  struct mb_experiment *exp = ld->exp;
  json_t *v = json_object_get(root, "replay");
  const char *file, *slash;
  size_t dir_len = 0;
  int rc;

  if (strcmp(exp->source, "replay") != 0) {
    if (v)
      return fail(ld, "replay",
                  "only the \"replay\" collector plays a file back; this "
                  "experiment runs \"%s\"",
                  exp->source);
    return MB_OK;
  }
  if (!v)
    return fail(ld, "replay",
                "missing; the \"replay\" collector needs the file to "
                "play back (relative to the experiment file)");
  if ((rc = get_string(ld, v, "replay", MB_EXP_MAX_TEXT, 0, &file)) != MB_OK)
    return rc;
  slash = strrchr(exp->path, '/');
  if (file[0] != '/' && slash && strcmp(exp->path, "-") != 0)
    dir_len = (size_t)(slash - exp->path) + 1;
  exp->replay = malloc(dir_len + strlen(file) + 1);
  if (!exp->replay)
    return nomem(ld);
  memcpy(exp->replay, exp->path, dir_len);
  memcpy(exp->replay + dir_len, file, strlen(file) + 1);
  return MB_OK;
}

/* The former top-level "layout" (seed|sdk, mach_ipc only) is now the sweep
 * axis "variant", which every IPC collector has. Its old "seed" sent the
 * seed's bytes with a 10 ms send timeout the seed does not have, which is
 * the variant "send_timeout"; say so rather than guess. */
static int refuse_layout(struct loader *ld, json_t *root)
{
  if (!json_object_get(root, "layout"))
    return MB_OK;
  return fail(ld, "layout",
              "no longer a key: the message is chosen by the sweep axis \"variant\". "
              "\"layout\": \"sdk\" is \"sweep\": {\"variant\": [\"sdk\"]}; "
              "\"layout\": \"seed\" sent the seed's bytes with a 10 ms send "
              "timeout, which is [\"send_timeout\"]; the seed as shipped (no "
              "timeout) is [\"seed\"], the default");
}

static int parse_scalars(struct loader *ld, json_t *root)
{
  struct mb_experiment *exp = ld->exp;
  json_t *v;
  const char *s;
  uint64_t u;
  int rc;

  v = json_object_get(root, "name");
  if (!v)
    return fail(ld, "name",
                "missing; every experiment needs a name of letters, digits, "
                "'-' and '_' (it names the results directory)");
  if ((rc = get_string(ld, v, "name", MB_EXP_MAX_NAME, 0, &s)) != MB_OK)
    return rc;
  if (!valid_name(s)) {
    char shown[160];

    return fail(ld, "name",
                "\"%s\" may hold only letters, digits, '-' and '_' (it "
                "names the results directory)",
                show(s, shown, sizeof(shown), 64));
  }
  if (!(exp->name = dup_str(s)))
    return nomem(ld);

  if ((v = json_object_get(root, "description")) != NULL) {
    if ((rc = get_string(ld, v, "description", MB_EXP_MAX_TEXT, 1, &s)) != MB_OK)
      return rc;
    if (!(exp->description = dup_str(s)))
      return nomem(ld);
  }

  if ((rc = parse_source(ld, root)) != MB_OK ||
      (rc = parse_replay(ld, root)) != MB_OK || (rc = refuse_layout(ld, root)) != MB_OK)
    return rc;

  exp->samples = MB_EXP_DEFAULT_SAMPLES;
  if ((v = json_object_get(root, "samples")) != NULL) {
    if ((rc = get_uint(ld, v, "samples", 1, MB_EXP_SAMPLES_MAX, &u)) != MB_OK)
      return rc;
    exp->samples = (size_t)u;
  }
  exp->repetitions = MB_EXP_DEFAULT_REPETITIONS;
  if ((v = json_object_get(root, "repetitions")) != NULL) {
    if ((rc = get_uint(ld, v, "repetitions", 1, MB_EXP_REPETITIONS_MAX, &u)) != MB_OK)
      return rc;
    exp->repetitions = (size_t)u;
  }
  exp->warmup = MB_EXP_DEFAULT_WARMUP;
  if ((v = json_object_get(root, "warmup")) != NULL) {
    if ((rc = get_uint(ld, v, "warmup", 0, MB_EXP_WARMUP_MAX, &u)) != MB_OK)
      return rc;
    exp->warmup = (size_t)u;
  }
  if ((v = json_object_get(root, "inject_constant")) != NULL) {
    double f = json_is_number(v) ? json_number_value(v) : -1.0;
    char what[200];

    if (!json_is_number(v) || !(f >= 0.0 && f <= MB_EXP_INJECT_MAX))
      return fail(ld, "inject_constant",
                  "expected a fraction of timings from 0 to %g (a deliberate entropy "
                  "drop for measuring the CI gate), got %s",
                  MB_EXP_INJECT_MAX, describe(v, what, sizeof(what)));
    exp->inject_constant = f;
  }
  s = MB_EXP_DEFAULT_OUTPUT;
  if ((v = json_object_get(root, "output")) != NULL)
    if ((rc = get_string(ld, v, "output", MB_EXP_MAX_TEXT, 0, &s)) != MB_OK)
      return rc;
  if (!(exp->output = dup_str(s)))
    return nomem(ld);
  return MB_OK;
}

/* ---------------------------------------------------------------------- */
/* The schedule.                                                           */

/* splitmix64 (Steele, Lea, Flood 2014) expands the seed into xoshiro's
 * state; xoshiro256** (Blackman, Vigna 2018) drives the shuffle. Both are
 * exact integer arithmetic, hence the same on every platform. */
struct rng {
  uint64_t s[4];
};

static uint64_t splitmix64(uint64_t *x)
{
  uint64_t z = (*x += 0x9e3779b97f4a7c15u);

  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, unsigned k)
{
  return (x << k) | (x >> (64u - k));
}

static void rng_seed(struct rng *r, uint64_t seed)
{
  unsigned i;

  for (i = 0; i < 4; i++)
    r->s[i] = splitmix64(&seed);
}

static uint64_t rng_next(struct rng *r)
{
  uint64_t result = rotl(r->s[1] * 5u, 7) * 9u;
  uint64_t t = r->s[1] << 17;

  r->s[2] ^= r->s[0];
  r->s[3] ^= r->s[1];
  r->s[1] ^= r->s[2];
  r->s[0] ^= r->s[3];
  r->s[2] ^= t;
  r->s[3] = rotl(r->s[3], 45);
  return result;
}

/* Uniform in 0..bound-1 without modulo bias: reject the top partial range. */
static uint64_t rng_below(struct rng *r, uint64_t bound)
{
  uint64_t threshold = (0u - bound) % bound;

  for (;;) {
    uint64_t x = rng_next(r);

    if (x >= threshold)
      return x % bound;
  }
}

int mb_experiment_schedule(size_t n_points, size_t repetitions, enum mb_order order,
                           uint64_t seed, struct mb_call *calls)
{
  size_t n = n_points * repetitions, i, p, r;

  if (order == MB_ORDER_INTERLEAVED) {
    for (i = 0, r = 0; r < repetitions; r++)
      for (p = 0; p < n_points; p++, i++) {
        calls[i].point = p;
        calls[i].repetition = r;
      }
    return MB_OK;
  }
  for (i = 0, p = 0; p < n_points; p++)
    for (r = 0; r < repetitions; r++, i++) {
      calls[i].point = p;
      calls[i].repetition = r;
    }
  if (order == MB_ORDER_SHUFFLED && n > 1) {
    struct rng rng;
    size_t *next = calloc(n_points, sizeof(*next));

    if (!next)
      return MB_ENOMEM;
    rng_seed(&rng, seed);
    for (i = n - 1; i > 0; i--) {
      size_t j = (size_t)rng_below(&rng, (uint64_t)i + 1);
      struct mb_call t = calls[i];

      calls[i] = calls[j];
      calls[j] = t;
    }
    for (i = 0; i < n; i++)
      calls[i].repetition = next[calls[i].point]++;
    free(next);
  }
  return MB_OK;
}

uint64_t mb_experiment_timings_per_call(const struct mb_experiment *exp)
{
  return MB_RAW_COUNT((uint64_t)exp->samples);
}

static int expand(struct loader *ld)
{
  struct mb_experiment *exp = ld->exp;
  uint64_t calls = (uint64_t)exp->n_points * exp->repetitions;
  uint64_t timings;

  if (calls > MB_EXP_CALLS_MAX)
    return fail(ld, "repetitions",
                "%zu points x %zu repetitions make %llu calls; at most %u are allowed",
                exp->n_points, exp->repetitions, (unsigned long long)calls,
                MB_EXP_CALLS_MAX);
  /* Each factor is capped far below 2^32, so the product cannot wrap. */
  timings = (calls + exp->warmup) * mb_experiment_timings_per_call(exp);
  if (timings > MB_EXP_TIMINGS_MAX)
    return fail(
        ld, "samples",
        "the run would make %llu timed operations (%llu calls of %llu); at most "
        "%llu are allowed: lower samples, repetitions or the sweep",
        (unsigned long long)timings, (unsigned long long)(calls + exp->warmup),
        (unsigned long long)mb_experiment_timings_per_call(exp),
        (unsigned long long)MB_EXP_TIMINGS_MAX);
  exp->n_calls = (size_t)calls;
  exp->n_shard_calls = exp->n_calls;
  exp->calls = calloc(exp->n_calls, sizeof(*exp->calls));
  if (!exp->calls)
    return nomem(ld);
  if (mb_experiment_schedule(exp->n_points, exp->repetitions, exp->order, exp->seed,
                             exp->calls) != MB_OK)
    return nomem(ld);
  return MB_OK;
}

/* ---------------------------------------------------------------------- */
/* Loading.                                                                */

static int load_text(struct loader *ld)
{
  static const char *const keys[] = {
      "name",    "description", "source", "replay",         "layout",
      "samples", "repetitions", "warmup", "sweep",          "placement",
      "order",   "analysis",    "output", "inject_constant"};
  struct mb_experiment *exp = ld->exp;
  json_error_t jerr;
  json_t *root;
  char what[200];
  int rc;

  if (exp->text_len == 0)
    return fail(ld, NULL,
                "the file is empty; expected a JSON object such as "
                "{\"name\": \"my_sweep\"}");
  if (exp->text_len > MB_EXP_MAX_FILE_BYTES)
    return fail(ld, NULL,
                "the file is larger than %u bytes; an experiment file is a "
                "small JSON text",
                MB_EXP_MAX_FILE_BYTES);
  if ((rc = scan_text(ld, (const unsigned char *)exp->text, exp->text_len)) != MB_OK)
    return rc;
  root = json_loadb(exp->text, exp->text_len, JSON_REJECT_DUPLICATES, &jerr);
  if (!root) {
    const char *text = jerr.text;
    char buf[sizeof(jerr.text) + 128];

    /* Put jansson's terse or flag-naming messages in the format's terms. */
    switch (json_error_code(&jerr)) {
    case json_error_null_character:
      text = "\\u0000 (a NUL character) is not allowed in a string";
      break;
    case json_error_numeric_overflow:
      snprintf(buf, sizeof(buf),
               "%s: the number does not fit in 64 bits (integers) or "
               "a double (reals); no key of the format takes it",
               jerr.text);
      text = buf;
      break;
    case json_error_duplicate_key:
      snprintf(buf, sizeof(buf), "%s: each key may appear once in an object",
               jerr.text);
      text = buf;
      break;
    default:
      break;
    }
    return mb_error_set(ld->err, MB_EINVALID, ld->source, jerr.line > 0 ? jerr.line : 0,
                        jerr.column > 0 ? jerr.column : 0, NULL, "%s", text);
  }
  if (!json_is_object(root)) {
    rc = fail(ld, NULL, "the top level must be a JSON object, got %s",
              describe(root, what, sizeof(what)));
    json_decref(root);
    return rc;
  }
  rc = check_keys(ld, root, NULL, keys, sizeof(keys) / sizeof(keys[0]));
  if (rc == MB_OK)
    rc = parse_scalars(ld, root);
  if (rc == MB_OK)
    rc = parse_sweep(ld, root);
  if (rc == MB_OK)
    rc = parse_order(ld, root);
  if (rc == MB_OK)
    rc = parse_analysis(ld, root);
  if (rc == MB_OK)
    rc = expand(ld);
  json_decref(root);
  return rc;
}

static int finish(struct loader *ld, int rc)
{
  if (rc != MB_OK) {
    /* A failed load owns nothing: err already holds everything to report. */
    mb_experiment_cleanup(ld->exp);
    return rc;
  }
  mb_sha256_hex(ld->exp->text, ld->exp->text_len, ld->exp->sha256);
  return MB_OK;
}

int mb_experiment_load_buffer(const char *data, size_t len, const char *source_name,
                              struct mb_experiment *exp, struct mb_error *err)
{
  struct loader ld;

  memset(exp, 0, sizeof(*exp));
  ld.source = source_name ? source_name : "<buffer>";
  ld.exp = exp;
  ld.err = err;
  exp->path = dup_str(ld.source);
  exp->text = malloc(len + 1);
  if (!exp->path || !exp->text)
    return finish(&ld, nomem(&ld));
  if (len)
    memcpy(exp->text, data, len);
  exp->text[len] = '\0';
  exp->text_len = len;
  return finish(&ld, load_text(&ld));
}

/* Read all of fd, up to one byte past the size limit so an oversized file
 * is recognised without reading it whole. */
static int read_all(struct loader *ld, int fd)
{
  struct mb_experiment *exp = ld->exp;
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap + 1);

  if (!buf)
    return nomem(ld);
  for (;;) {
    ssize_t got;

    if (len == cap) {
      char *grown;

      if (cap > MB_EXP_MAX_FILE_BYTES)
        break;
      cap *= 2;
      grown = realloc(buf, cap + 1);
      if (!grown) {
        free(buf);
        return nomem(ld);
      }
      buf = grown;
    }
    got = read(fd, buf + len, cap - len);
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0) {
      int e = errno;

      free(buf);
      if (e == EISDIR)
        return fail(ld, NULL, "is a directory; expected an experiment file (JSON)");
      return fail(ld, NULL, "cannot read: %s", strerror(e));
    }
    if (got == 0)
      break;
    len += (size_t)got;
  }
  buf[len] = '\0';
  exp->text = buf;
  exp->text_len = len;
  return MB_OK;
}

int mb_experiment_load(const char *path, struct mb_experiment *exp,
                       struct mb_error *err)
{
  struct loader ld;
  struct stat st;
  int fd, rc;

  memset(exp, 0, sizeof(*exp));
  ld.exp = exp;
  ld.err = err;
  ld.source = strcmp(path, "-") == 0 ? "<stdin>" : path;
  exp->path = dup_str(path);
  if (!exp->path)
    return finish(&ld, nomem(&ld));
  if (strcmp(path, "-") == 0) {
    fd = STDIN_FILENO;
  } else {
    /* O_NONBLOCK: a FIFO nobody writes to is not waited on at open; its
     * read then ends at once (no writer: end of file, an empty file), and a
     * pipe with a writer (`mebench run <(...)`) is read as it comes. */
    fd = open(path, O_RDONLY | O_NONBLOCK);
    if (fd < 0)
      return finish(&ld, fail(&ld, NULL, "cannot open: %s", strerror(errno)));
    if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0) {
      rc = fail(&ld, NULL, "cannot read: %s", strerror(errno));
      close(fd);
      return finish(&ld, rc);
    }
  }
  if (fstat(fd, &st) != 0) {
    rc = fail(&ld, NULL, "cannot read: %s", strerror(errno));
  } else if (S_ISDIR(st.st_mode)) {
    rc = fail(&ld, NULL, "is a directory; expected an experiment file (JSON)");
  } else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) || S_ISSOCK(st.st_mode)) {
    rc = fail(&ld, NULL, "is a device or socket; expected an experiment file (JSON)");
  } else if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > MB_EXP_MAX_FILE_BYTES) {
    rc = fail(&ld, NULL,
              "the file is larger than %u bytes; an experiment file is a "
              "small JSON text",
              MB_EXP_MAX_FILE_BYTES);
  } else {
    rc = read_all(&ld, fd);
  }
  if (fd != STDIN_FILENO)
    close(fd);
  if (rc == MB_OK)
    rc = load_text(&ld);
  return finish(&ld, rc);
}

const char *mb_experiment_collector_option(const struct mb_experiment *exp)
{
  return exp->replay;
}

void mb_experiment_cleanup(struct mb_experiment *exp)
{
  if (!exp)
    return;
  free(exp->path);
  free(exp->text);
  free(exp->name);
  free(exp->description);
  free(exp->source);
  free(exp->replay);
  free(exp->output);
  free(exp->points);
  free(exp->calls);
  memset(exp, 0, sizeof(*exp));
}

/* ---------------------------------------------------------------------- */
/* Shards.                                                                 */

int mb_shard_parse(const char *text, const char *what, struct mb_shard *out,
                   struct mb_error *err)
{
  unsigned long long k = 0, n = 0;
  const char *p = text;
  int digits = 0;

  out->index = out->count = 0;
  for (; *p >= '0' && *p <= '9' && k <= MB_EXP_REPETITIONS_MAX; p++, digits++)
    k = k * 10 + (unsigned)(*p - '0');
  if (digits == 0 || *p != '/')
    goto bad;
  for (p++, digits = 0; *p >= '0' && *p <= '9' && n <= MB_EXP_REPETITIONS_MAX;
       p++, digits++)
    n = n * 10 + (unsigned)(*p - '0');
  if (digits == 0 || *p != '\0')
    goto bad;
  if (n < 1 || n > MB_EXP_REPETITIONS_MAX)
    return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                        "%s '%s': the number of shards N must be in 1..%u", what, text,
                        MB_EXP_REPETITIONS_MAX);
  if (k < 1 || k > n)
    return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                        "%s '%s': the shard K must be in 1..%llu (shards are numbered "
                        "from 1)",
                        what, text, n);
  out->index = (size_t)k;
  out->count = (size_t)n;
  return MB_OK;
bad:
  return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                      "%s '%s': expected K/N, shard K of N (whole numbers, 1 <= K <= "
                      "N), e.g. 1/4",
                      what, text);
}

int mb_experiment_in_shard(const struct mb_experiment *exp, const struct mb_call *call)
{
  return exp->shard.count == 0 ||
         call->repetition % exp->shard.count == exp->shard.index - 1;
}

int mb_experiment_set_shard(struct mb_experiment *exp, const struct mb_shard *shard,
                            struct mb_error *err)
{
  size_t i;

  if (shard->count == 0) {
    exp->shard = *shard;
    exp->n_shard_calls = exp->n_calls;
    return MB_OK;
  }
  if (shard->index < 1 || shard->index > shard->count)
    return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                        "--shard %zu/%zu: the shard must be in 1..%zu", shard->index,
                        shard->count, shard->count);
  if (shard->count > exp->repetitions)
    return mb_error_set(err, MB_EUSAGE, exp->path, 0, 0, NULL,
                        "--shard %zu/%zu: the experiment has %zu repetition%s, so at "
                        "most %zu shards (a shard holds whole repetitions)",
                        shard->index, shard->count, exp->repetitions,
                        exp->repetitions == 1 ? "" : "s", exp->repetitions);
  if (exp->order == MB_ORDER_SHUFFLED && exp->seed_drawn) {
    /* Every shard must compute the same schedule: a seed drawn per process
     * would give each its own. The experiment's hash is the same wherever
     * it runs; its first 53 bits seed the shuffle (recorded as usual). */
    uint64_t seed = 0;

    for (i = 0; i < 14; i++) {
      char c = exp->sha256[i];

      seed = seed << 4 | (uint64_t)(c <= '9' ? c - '0' : c - 'a' + 10);
    }
    exp->seed = seed & MB_EXP_SEED_MAX;
    exp->seed_drawn = 0;
    if (mb_experiment_schedule(exp->n_points, exp->repetitions, exp->order, exp->seed,
                               exp->calls) != MB_OK)
      return mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
  }
  exp->shard = *shard;
  exp->n_shard_calls = 0;
  for (i = 0; i < exp->n_calls; i++)
    exp->n_shard_calls += mb_experiment_in_shard(exp, &exp->calls[i]) != 0;
  return MB_OK;
}
