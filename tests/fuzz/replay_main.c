/* replay_main.c: run a fuzz target's entry point over files and folders of
 * inputs without libFuzzer, so corpora replay as ordinary (sanitized) tests.
 * Usage: <target>_replay PATH... (a folder means every file in it). */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int cmp_names(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_file(const char *path)
{
  FILE *f = fopen(path, "rb");
  uint8_t *buf = NULL;
  size_t len = 0, cap = 0;

  if (!f) {
    perror(path);
    return -1;
  }
  for (;;) {
    size_t got;

    if (len == cap) {
      uint8_t *grown = realloc(buf, cap ? cap * 2 : 4096);

      if (!grown) {
        fclose(f);
        free(buf);
        return -1;
      }
      buf = grown;
      cap = cap ? cap * 2 : 4096;
    }
    got = fread(buf + len, 1, cap - len, f);
    if (got == 0)
      break;
    len += got;
  }
  fclose(f);
  /* An exact-size copy, so ASan sees reads past the input's end. */
  {
    uint8_t *exact = malloc(len ? len : 1);

    if (!exact) {
      free(buf);
      return -1;
    }
    memcpy(exact, buf, len);
    free(buf);
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
  }
  return 0;
}

/* Folders in sorted order, so a failure reproduces in the same sequence. */
static int run_path(const char *path, size_t *count)
{
  struct stat st;
  DIR *d;
  struct dirent *e;
  char **names = NULL;
  size_t n = 0, i;
  int rc = 0;

  if (stat(path, &st) != 0) {
    perror(path);
    return -1;
  }
  if (!S_ISDIR(st.st_mode)) {
    if (run_file(path) != 0)
      return -1;
    (*count)++;
    return 0;
  }
  if (!(d = opendir(path))) {
    perror(path);
    return -1;
  }
  while ((e = readdir(d)) != NULL) {
    char **grown;
    size_t need;

    if (e->d_name[0] == '.')
      continue;
    grown = realloc(names, (n + 1) * sizeof(*names));
    need = strlen(path) + strlen(e->d_name) + 2;
    if (!grown || !(grown[n] = malloc(need))) {
      free(grown ? grown : names);
      closedir(d);
      return -1;
    }
    names = grown;
    snprintf(names[n], need, "%s/%s", path, e->d_name);
    n++;
  }
  closedir(d);
  if (n)
    qsort(names, n, sizeof(*names), cmp_names);
  for (i = 0; i < n; i++) {
    if (rc == 0)
      rc = run_path(names[i], count);
    free(names[i]);
  }
  free(names);
  return rc;
}

int main(int argc, char **argv)
{
  size_t count = 0;
  int i;

  if (argc < 2) {
    fprintf(stderr, "usage: %s FILE_OR_FOLDER...\n", argv[0]);
    return 2;
  }
  for (i = 1; i < argc; i++)
    if (run_path(argv[i], &count) != 0)
      return 1;
  printf("%zu inputs replayed without a finding\n", count);
  return count > 0 ? 0 : 1;
}
