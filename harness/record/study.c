/* study.c: read a study (study.h). */
#include "plural.h"
#include "study.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "fsutil.h"
#include "merge.h"

static int bad(struct mb_study *st, struct mb_error *err, const char *path,
               const char *what)
{
  return mb_error_set(err, MB_EINVALID, st->json_path, 0, 0, path, "%s", what);
}

static int label_ok(const char *s)
{
  size_t n = 0;

  for (; s[n]; n++)
    if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') ||
          (s[n] >= '0' && s[n] <= '9') || s[n] == '.' || s[n] == '_' || s[n] == '-'))
      return 0;
  return n > 0 && n < 64 && strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

int mb_study_load(const char *dir, struct mb_study *st, struct mb_error *err)
{
  json_t *root, *machines, *exp;
  json_error_t jerr;
  size_t i, n = strlen(dir) + 16;
  const char *schema;

  memset(st, 0, sizeof(*st));
  st->dir = strdup(dir);
  st->json_path = malloc(n);
  if (!st->dir || !st->json_path)
    return mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
  snprintf(st->json_path, n, "%s/study.json", dir);
  {
    /* Read without blocking, a regular file only (fsutil.h). */
    unsigned char *text = NULL;
    size_t len = 0;
    struct mb_error e;
    int rc;

    mb_error_init(&e);
    rc = mb_fs_read_file(st->json_path, 1, &text, &len, &e);
    if (rc != MB_OK) {
      if (access(st->json_path, F_OK) != 0 && errno == ENOENT)
        return mb_error_set(err, MB_EINVALID, st->json_path, 0, 0, NULL,
                            "no study.json: %s is not a study", dir);
      return mb_error_set(err, rc, e.source, e.line, e.column,
                          e.path[0] ? e.path : NULL, "%s", e.text);
    }
    root = json_loadb((const char *)text, len, JSON_REJECT_DUPLICATES, &jerr);
    free(text);
  }
  if (!root)
    return mb_error_set(err, MB_EINVALID, st->json_path, jerr.line, jerr.column, NULL,
                        "%s", jerr.text);
  st->root = root;
  schema = json_string_value(json_object_get(root, "schema"));
  if (!json_is_object(root) || !schema || strcmp(schema, MB_STUDY_SCHEMA) != 0)
    return bad(st, err, "schema", "expected \"" MB_STUDY_SCHEMA "\"");
  exp = json_object_get(root, "experiment");
  st->exp_name = json_string_value(json_object_get(exp, "name"));
  st->exp_sha256 = json_string_value(json_object_get(exp, "sha256"));
  if (!st->exp_name || !st->exp_sha256)
    return bad(st, err, "experiment", "expected an object with name and sha256");
  st->created = json_string_value(json_object_get(root, "created"));
  if (!st->created)
    st->created = "";
  machines = json_object_get(root, "machines");
  if (!json_is_array(machines) || json_array_size(machines) == 0)
    return bad(st, err, "machines", "expected a non-empty array");
  st->machines = calloc(json_array_size(machines), sizeof(*st->machines));
  if (!st->machines)
    return mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
  for (i = 0; i < json_array_size(machines); i++) {
    json_t *m = json_array_get(machines, i);
    const char *label = json_string_value(json_object_get(m, "label"));
    const char *mdir = json_string_value(json_object_get(m, "dir"));
    char path[64], want[96], *full;
    struct mb_study_machine *sm = &st->machines[i];
    int rc;

    snprintf(path, sizeof(path), "machines[%zu]", i);
    if (!label || !label_ok(label))
      return bad(st, err, path,
                 "expected a label of 1 to 63 letters, digits, '.', '_' or '-'");
    snprintf(want, sizeof(want), "machines/%s", label);
    if (!mdir || strcmp(mdir, want) != 0) {
      snprintf(path, sizeof(path), "machines[%zu].dir", i);
      return mb_error_set(err, MB_EINVALID, st->json_path, 0, 0, path,
                          "expected \"%s\"", want);
    }
    snprintf(sm->label, sizeof(sm->label), "%s", label);
    full = malloc(strlen(dir) + strlen(mdir) + 2);
    if (!full)
      return mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    sprintf(full, "%s/%s", dir, mdir);
    rc = mb_rundir_load(full, &sm->rd, err);
    free(full);
    st->n_machines = i + 1;
    if (rc != MB_OK)
      return rc;
    if (strcmp(sm->rd.exp_sha256, st->exp_sha256) != 0)
      return mb_error_set(err, MB_EINVALID, sm->rd.json_path, 0, 0, "experiment.sha256",
                          "%.12s differs from the study's experiment (%.12s)",
                          sm->rd.exp_sha256, st->exp_sha256);
    if (i > 0) {
      const struct mb_rundir *a = &st->machines[0].rd, *b = &sm->rd;
      char la[256], lb[256];
      size_t p;

      if (a->n_points != b->n_points)
        return mb_error_set(err, MB_EINVALID, b->json_path, 0, 0, "points",
                            "%zu point%s where the first machine has %zu", b->n_points,
                            mb_s(b->n_points), a->n_points);
      /* Compared in words, every axis included, so any axis counts. */
      for (p = 0; p < a->n_points; p++)
        if (strcmp(mb_rundir_point_label(a, &a->points[p], 0, la, sizeof(la)),
                   mb_rundir_point_label(b, &b->points[p], 0, lb, sizeof(lb))) != 0) {
          snprintf(path, sizeof(path), "points[%zu]", p);
          return mb_error_set(err, MB_EINVALID, b->json_path, 0, 0, path,
                              "differs from the first machine's point %zu", p);
        }
    }
  }
  return MB_OK;
}

void mb_study_cleanup(struct mb_study *st)
{
  size_t i;

  if (!st)
    return;
  for (i = 0; i < st->n_machines; i++)
    mb_rundir_cleanup(&st->machines[i].rd);
  free(st->machines);
  free(st->dir);
  free(st->json_path);
  json_decref((json_t *)st->root);
  memset(st, 0, sizeof(*st));
}

int mb_study_arrays(const struct mb_study *st, const struct mb_rundir ***runs,
                    const char ***labels)
{
  size_t i;

  *runs = calloc(st->n_machines + 1, sizeof(**runs));
  *labels = calloc(st->n_machines + 1, sizeof(**labels));
  if (!*runs || !*labels) {
    free((void *)*runs);
    free((void *)*labels);
    *runs = NULL;
    *labels = NULL;
    return MB_ENOMEM;
  }
  for (i = 0; i < st->n_machines; i++) {
    (*runs)[i] = &st->machines[i].rd;
    (*labels)[i] = st->machines[i].label;
  }
  return MB_OK;
}
