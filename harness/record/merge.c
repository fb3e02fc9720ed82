/* merge.c: shards into one run, machines into a study (merge.h). */
#include "merge.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "fsutil.h"
#include "plural.h"
#include "results.h"
#include "rundir.h"
#include "sysinfo.h"

/* One input run. */
struct input {
  const char *dir;
  struct mb_rundir rd; /* the strict reader's view; rd.root is the document */
  size_t index, count; /* its shard; 1/1 when it holds the whole plan */
  const char *layout;  /* source.layout, "" when absent */
  const char *label;   /* machine.label (run --machine), "" when absent */
  size_t group;        /* its machine */
};

/* One machine: the inputs that ran there. */
struct group {
  size_t first; /* the input whose provenance stands for the machine */
  size_t n_inputs;
  char label[64];
};

static int nomem(struct mb_error *err)
{
  return mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
}

static const char *text_at(const json_t *doc, const char *obj, const char *key)
{
  const char *s = json_string_value(json_object_get(json_object_get(doc, obj), key));

  return s ? s : "";
}

/* The same machine and clock: what a "machine" factor of a study is. Runs
 * named with run --machine are the machine of that name, whatever host
 * they ran on (their clocks are checked per machine). */
static int same_machine(const struct input *a, const struct input *b)
{
  const struct mb_rundir *x = &a->rd, *y = &b->rd;

  if (a->label[0] || b->label[0])
    return strcmp(a->label, b->label) == 0;
  return strcmp(x->hostname, y->hostname) == 0 &&
         strcmp(x->cpu_model, y->cpu_model) == 0 && strcmp(x->os, y->os) == 0 &&
         strcmp(x->kernel, y->kernel) == 0 && strcmp(x->arch, y->arch) == 0 &&
         strcmp(x->clock_name, y->clock_name) == 0 && x->tick_num == y->tick_num &&
         x->tick_den == y->tick_den;
}

static int load_input(struct input *in, struct mb_error *err)
{
  const json_t *sh;
  int rc;

  if (mb_merge_is_study(in->dir))
    return mb_error_set(err, MB_EINVALID, in->dir, 0, 0, NULL,
                        "a study, not a run: merge its machines' runs instead "
                        "(%s/machines/*)",
                        in->dir);
  rc = mb_rundir_load(in->dir, &in->rd, err);

  if (rc != MB_OK)
    return rc;
  if (strcmp(in->rd.status, "complete") != 0)
    return mb_error_set(err, MB_EINVALID, in->rd.json_path, 0, 0, "status",
                        "the run is %s, not complete: its missing calls would leave "
                        "holes in the merge; complete it first with: mebench run "
                        "--resume %s",
                        in->rd.status, in->dir);
  in->layout = text_at(in->rd.root, "source", "layout");
  in->label = text_at(in->rd.root, "machine", "label");
  sh = json_object_get(in->rd.root, "shard");
  in->index = in->count = 1;
  if (sh && !json_is_null(sh)) {
    json_int_t k = json_integer_value(json_object_get(sh, "index"));
    json_int_t n = json_integer_value(json_object_get(sh, "count"));

    if (!json_is_integer(json_object_get(sh, "index")) ||
        !json_is_integer(json_object_get(sh, "count")) || n < 1 || k < 1 || k > n)
      return mb_error_set(err, MB_EINVALID, in->rd.json_path, 0, 0, "shard",
                          "expected {\"index\": K, \"count\": N} with 1 <= K <= N");
    in->index = (size_t)k;
    in->count = (size_t)n;
  }
  return MB_OK;
}

/* Runs that cannot be joined at all: another experiment or another build. */
static int check_common(const struct input *in, size_t n, struct mb_error *err)
{
  size_t i;

  for (i = 1; i < n; i++) {
    const struct mb_rundir *a = &in[0].rd, *b = &in[i].rd;

    if (strcmp(a->exp_sha256, b->exp_sha256) != 0 || a->exp_sha256[0] == '\0')
      return mb_error_set(err, MB_EMISMATCH, NULL, 0, 0, NULL,
                          "cannot merge: %s and %s ran different experiments (%s, "
                          "sha256 %.12s; %s, sha256 %.12s); only runs of one "
                          "experiment file join",
                          in[0].dir, in[i].dir, a->exp_name, a->exp_sha256, b->exp_name,
                          b->exp_sha256);
    if (strcmp(a->version, b->version) != 0 ||
        strcmp(a->git_commit, b->git_commit) != 0)
      return mb_error_set(err, MB_EMISMATCH, NULL, 0, 0, NULL,
                          "cannot merge: %s and %s come from different mebench builds "
                          "(%s %s; %s %s); run every part with one build",
                          in[0].dir, in[i].dir, a->version, a->git_commit, b->version,
                          b->git_commit);
    if (a->n_points != b->n_points || a->repetitions != b->repetitions)
      return mb_error_set(err, MB_EMISMATCH, NULL, 0, 0, NULL,
                          "cannot merge: %s and %s have different plans (%zu point%s x "
                          "%zu repetition%s; %zu x %zu)",
                          in[0].dir, in[i].dir, a->n_points, mb_s(a->n_points),
                          a->repetitions, mb_s(a->repetitions), b->n_points,
                          b->repetitions);
  }
  return MB_OK;
}

/* A machine's inputs: one collector, one split, every shard once, and
 * together every call of the plan exactly once. */
static int check_group(const struct input *in, size_t n, size_t g,
                       const struct group *grp, struct mb_error *err)
{
  const struct input *f = &in[grp->first];
  size_t count = f->count, i, j, calls = 0;
  unsigned char *seen = NULL, *have = NULL;
  int rc = MB_OK;

  for (i = 0; i < n; i++) {
    if (in[i].group != g)
      continue;
    if (strcmp(in[i].rd.source_name, f->rd.source_name) != 0 ||
        strcmp(in[i].layout, f->layout) != 0)
      return mb_error_set(err, MB_EMISMATCH, NULL, 0, 0, NULL,
                          "cannot merge: shards %s and %s of machine %s used different "
                          "collectors (%s%s%s; %s%s%s)",
                          f->dir, in[i].dir, grp->label, f->rd.source_name,
                          f->layout[0] ? " layout=" : "", f->layout,
                          in[i].rd.source_name, in[i].layout[0] ? " layout=" : "",
                          in[i].layout);
    if (strcmp(in[i].rd.clock_name, f->rd.clock_name) != 0 ||
        in[i].rd.tick_num != f->rd.tick_num || in[i].rd.tick_den != f->rd.tick_den)
      return mb_error_set(
          err, MB_EMISMATCH, NULL, 0, 0, NULL,
          "cannot merge: %s and %s, both machine %s, ran with different "
          "clocks (%s, tick %llu/%llu ns; %s, tick %llu/%llu ns): one "
          "run holds one clock; name them as different machines",
          f->dir, in[i].dir, grp->label, f->rd.clock_name,
          (unsigned long long)f->rd.tick_num, (unsigned long long)f->rd.tick_den,
          in[i].rd.clock_name, (unsigned long long)in[i].rd.tick_num,
          (unsigned long long)in[i].rd.tick_den);
    if (strcmp(in[i].rd.order, f->rd.order) != 0 || in[i].rd.seed != f->rd.seed)
      return mb_error_set(
          err, MB_EMISMATCH, NULL, 0, 0, NULL,
          "cannot merge: %s and %s, both machine %s, scheduled the plan "
          "differently (%s, seed %llu; %s, seed %llu)",
          f->dir, in[i].dir, grp->label, f->rd.order, f->rd.seed, in[i].rd.order,
          in[i].rd.seed);
    if (in[i].count != count)
      return mb_error_set(
          err, MB_EINVALID, NULL, 0, 0, NULL,
          "cannot merge: %s is shard %zu/%zu but %s is shard %zu/%zu of "
          "machine %s: shards of one machine must split the plan the "
          "same way",
          f->dir, f->index, f->count, in[i].dir, in[i].index, in[i].count, grp->label);
  }
  have = calloc(count + 1, 1);
  seen = calloc(f->rd.n_points * f->rd.repetitions + 1, 1);
  if (!have || !seen) {
    rc = nomem(err);
    goto out;
  }
  for (i = 0; i < n && rc == MB_OK; i++) {
    if (in[i].group != g)
      continue;
    if (have[in[i].index]) {
      for (j = 0; j < i && !(in[j].group == g && in[j].index == in[i].index); j++)
        ;
      rc = mb_error_set(err, MB_EINVALID, NULL, 0, 0, NULL,
                        "cannot merge: overlapping shards: %s and %s both hold shard "
                        "%zu/%zu of machine %s",
                        in[j].dir, in[i].dir, in[i].index, count, grp->label);
      break;
    }
    have[in[i].index] = 1;
    for (j = 0; j < in[i].rd.n_calls; j++) {
      const struct mb_rundir_call *c = &in[i].rd.calls[j];
      size_t k = c->point * f->rd.repetitions + c->repetition;

      if (c->repetition >= f->rd.repetitions ||
          c->repetition % count != in[i].index - 1)
        rc = mb_error_set(err, MB_EINVALID, in[i].rd.json_path, 0, 0, NULL,
                          "calls[%zu]: repetition %zu is not in shard %zu/%zu", j,
                          c->repetition, in[i].index, count);
      else if (seen[k])
        rc = mb_error_set(err, MB_EINVALID, in[i].rd.json_path, 0, 0, NULL,
                          "calls[%zu]: point %zu repetition %zu is recorded twice", j,
                          c->point, c->repetition);
      if (rc != MB_OK)
        break;
      seen[k] = 1;
      calls++;
    }
  }
  if (rc == MB_OK) {
    char missing[256] = "";
    size_t len = 0, n_missing = 0;

    for (i = 1; i <= count; i++)
      if (!have[i]) {
        if (len < sizeof(missing) - 16)
          len += (size_t)snprintf(missing + len, sizeof(missing) - len, "%s%zu/%zu",
                                  n_missing ? ", " : "", i, count);
        n_missing++;
      }
    if (n_missing)
      rc = mb_error_set(err, MB_EINVALID, NULL, 0, 0, NULL,
                        "cannot merge: missing shard%s %s of machine %s (a merge needs "
                        "all %zu shards)",
                        n_missing == 1 ? "" : "s", missing, grp->label, count);
    else if (calls != f->rd.n_points * f->rd.repetitions)
      rc = mb_error_set(err, MB_EINVALID, NULL, 0, 0, NULL,
                        "cannot merge: the shards of machine %s hold %zu of the plan's "
                        "%zu calls",
                        grp->label, calls, f->rd.n_points * f->rd.repetitions);
  }
out:
  free(have);
  free(seen);
  return rc;
}

/* ---- writing -------------------------------------------------------------- */

/* Link src to dst, or copy it where links cannot be made (another file
 * system, a file system without them). dst must not exist. */
static int link_or_copy(const char *src, const char *dst, struct mb_error *err)
{
  char buf[65536];
  int in, out, rc = MB_OK;
  ssize_t got;

  if (link(src, dst) == 0)
    return MB_OK;
  if (errno == EEXIST)
    return mb_error_set(err, MB_EEXISTS, dst, 0, 0, NULL, "already exists");
  in = open(src, O_RDONLY);
  if (in < 0)
    return mb_error_errno(err, errno, src, "cannot read raw file");
  out = open(dst, O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (out < 0) {
    close(in);
    return mb_error_errno(err, errno, dst, "cannot create");
  }
  while (rc == MB_OK && (got = read(in, buf, sizeof(buf))) != 0) {
    ssize_t done = 0;

    if (got < 0) {
      if (errno == EINTR)
        continue;
      rc = mb_error_errno(err, errno, src, "cannot read raw file");
      break;
    }
    while (done < got) {
      ssize_t w = write(out, buf + done, (size_t)(got - done));

      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0) {
        rc = mb_error_errno(err, errno, dst, "cannot write");
        break;
      }
      done += w;
    }
  }
  if (rc == MB_OK && fsync(out) != 0 && errno != EINVAL && errno != EROFS)
    rc = mb_error_errno(err, errno, dst, "cannot write");
  if (close(out) != 0 && rc == MB_OK)
    rc = mb_error_errno(err, errno, dst, "cannot write");
  close(in);
  return rc;
}

/* A raw file's name as run.json gives it: raw/<name> with no way out of
 * the run directory. */
static int safe_raw_name(const char *name)
{
  return strncmp(name, "raw/", 4) == 0 && !strstr(name, "..") && !strchr(name + 4, '/');
}

static int cmp_sequence(const void *a, const void *b)
{
  json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "sequence"));
  json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "sequence"));

  return x < y ? -1 : x > y;
}

static const char *const duration_keys[] = {"total_s", "warmup_s", "collect_s",
                                            "analyse_s", "write_s"};

/* One machine's inputs as one run in dir (made here, with raw/). */
static int write_run(const struct input *in, size_t n, size_t g,
                     const struct group *grp, const char *dir,
                     const struct mb_merge_options *opt, struct mb_error *err)
{
  const struct input *f = &in[grp->first];
  json_t *doc = NULL, *calls = NULL, *sessions = NULL, *from = NULL, *dur = NULL;
  json_t **all = NULL;
  double sums[5] = {0, 0, 0, 0, 0};
  const char *started = NULL, *finished = NULL;
  size_t total = 0, m = 0, i, j, d;
  char path[4200];
  int rc = MB_OK;

  snprintf(path, sizeof(path), "%s/raw", dir);
  if (mkdir(path, 0755) != 0 && errno != EEXIST)
    return mb_error_errno(err, errno, path, "cannot create raw directory");
  for (i = 0; i < n; i++)
    if (in[i].group == g)
      total += in[i].rd.n_calls;
  doc = json_deep_copy(f->rd.root);
  calls = json_array();
  sessions = json_array();
  from = json_array();
  dur = json_object();
  all = calloc(total + 1, sizeof(*all));
  if (!doc || !calls || !sessions || !from || !dur || !all) {
    rc = nomem(err);
    goto out;
  }
  for (i = 0; i < n && rc == MB_OK; i++) {
    const json_t *root = in[i].rd.root;
    json_t *c, *s;
    size_t k;

    if (in[i].group != g)
      continue;
    json_array_foreach(json_object_get(root, "calls"), k, c) all[m++] = c;
    json_array_foreach(json_object_get(root, "sessions"), k, s)
        json_array_append(sessions, s);
    for (d = 0; d < 5; d++) {
      const json_t *v =
          json_object_get(json_object_get(root, "durations"), duration_keys[d]);

      sums[d] += json_is_number(v) ? json_number_value(v) : 0.0;
    }
    if (!started || strcmp(in[i].rd.started, started) < 0)
      started = in[i].rd.started;
    if (!finished || strcmp(in[i].rd.finished, finished) > 0)
      finished = in[i].rd.finished;
    if (json_array_append_new(
            from,
            json_pack("{s:s,s:o,s:s,s:s,s:I,s:O*,s:O*,s:O*}", "dir", in[i].dir, "shard",
                      in[i].count > 1 || json_object_get(root, "shard")
                          ? json_pack("{s:I,s:I}", "index", (json_int_t)in[i].index,
                                      "count", (json_int_t)in[i].count)
                          : json_null(),
                      "started", in[i].rd.started, "finished", in[i].rd.finished,
                      "calls", (json_int_t)in[i].rd.n_calls, "durations",
                      json_object_get(root, "durations"), "clock",
                      json_object_get(root, "clock"), "machine",
                      json_object_get(root, "machine"))) != 0) {
      rc = nomem(err);
      goto out;
    }
    for (j = 0; j < in[i].rd.n_calls && rc == MB_OK; j++) {
      const char *name = in[i].rd.calls[j].raw_file;
      char src[4200], dst[4200];

      if (!safe_raw_name(name)) {
        rc = mb_error_set(err, MB_EINVALID, in[i].rd.json_path, 0, 0, NULL,
                          "calls[%zu].raw_file: \"%s\" is not a file in the run's raw/",
                          j, name);
        break;
      }
      snprintf(src, sizeof(src), "%s/%s", in[i].dir, name);
      snprintf(dst, sizeof(dst), "%s/%s", dir, name);
      rc = link_or_copy(src, dst, err);
    }
  }
  if (rc != MB_OK)
    goto out;
  /* The whole run's order: each shard kept its calls' places in the plan. */
  qsort(all, m, sizeof(*all), cmp_sequence);
  for (i = 0; i < m; i++)
    if (json_array_append(calls, all[i]) != 0) {
      rc = nomem(err);
      goto out;
    }
  for (d = 0; d < 5; d++)
    json_object_set_new(dur, duration_keys[d], json_real(sums[d]));
  json_object_del(doc, "shard");
  json_object_del(doc, "error");
  json_object_del(doc, "health"); /* the first shard's: its calls only */
  if (json_object_set(doc, "calls", calls) != 0 ||
      json_object_set(doc, "sessions", sessions) != 0 ||
      json_object_set(doc, "durations", dur) != 0 ||
      json_object_set_new(doc, "status", json_string("complete")) != 0 ||
      json_object_set_new(doc, "started", json_string(started)) != 0 ||
      json_object_set_new(doc, "finished", json_string(finished)) != 0 ||
      json_object_set_new(
          doc, "merged",
          json_pack("{s:I,s:O}", "shards", (json_int_t)f->count, "from", from)) != 0) {
    rc = nomem(err);
    goto out;
  }
  if (opt->retest)
    rc = opt->retest(dir, doc, err);
  if (rc == MB_OK)
    rc = mb_results_write_run(dir, doc, err);
  if (rc == MB_OK)
    rc = mb_results_write_summary(dir, doc, err);
out:
  free(all);
  json_decref(doc);
  json_decref(calls);
  json_decref(sessions);
  json_decref(from);
  json_decref(dur);
  return rc;
}

static json_t *machine_json(const struct input *in, size_t n, size_t g,
                            const struct group *grp)
{
  const struct mb_rundir *r = &in[grp->first].rd;
  json_t *dirs = json_array(), *hosts = json_array();
  size_t i;

  for (i = 0; i < n && dirs && hosts; i++)
    if (in[i].group == g) {
      json_array_append_new(dirs, json_string(in[i].dir));
      json_array_append_new(hosts, json_string(in[i].rd.hostname));
    }
  return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:{s:s,s:I,s:I,s:f},s:{s:s,s:s},"
                   "s:I,s:o,s:o}",
                   "label", grp->label, "dir", "", "hostname", r->hostname, "cpu_model",
                   r->cpu_model, "os", r->os, "kernel", r->kernel, "arch", r->arch,
                   "cores", (json_int_t)r->cores, "clock", "name", r->clock_name,
                   "tick_num", (json_int_t)r->tick_num, "tick_den",
                   (json_int_t)r->tick_den, "tick_ns", r->tick_ns, "source", "name",
                   r->source_name, "layout", in[grp->first].layout, "shards",
                   (json_int_t)in[grp->first].count, "from", dirs, "hosts", hosts);
}

/* The directory to write into: opt->output (must not exist) or a new one
 * under results/<experiment>/. */
static int make_output(const struct input *in, const struct mb_merge_options *opt,
                       int study, char **dir_out, struct mb_error *err)
{
  const char *name = in[0].rd.exp_name[0] ? in[0].rd.exp_name : "merged";
  char parent[4096];
  const char *slash;
  int rc;

  if (!opt->output) {
    rc = mb_results_create_dir("results", name, study ? "study" : "merged", time(NULL),
                               dir_out, err);
    return rc;
  }
  slash = strrchr(opt->output, '/');
  if (slash && slash != opt->output) {
    snprintf(parent, sizeof(parent), "%.*s", (int)(slash - opt->output), opt->output);
    rc = mb_fs_mkdirs(parent, 0755, "the output's parent directory", err);
    if (rc != MB_OK)
      return rc;
  }
  if (mkdir(opt->output, 0755) != 0) {
    int e = errno;
    struct stat st;

    /* A file where the new directory belongs is a wrong kind of path
     * (exit 3); an existing directory is refused as any existing result. */
    if (e == EEXIST && (stat(opt->output, &st) != 0 || !S_ISDIR(st.st_mode)))
      return mb_error_set(err, MB_EINVALID, opt->output, 0, 0, NULL,
                          "exists and is no directory (a file, FIFO, device or "
                          "dangling link); --output names the new directory merge "
                          "creates (a path that does not exist)");
    if (e == EEXIST)
      return mb_error_set(err, MB_EEXISTS, opt->output, 0, 0, NULL,
                          "already exists; merge writes a new directory and never into "
                          "an existing one: name another with --output");
    return mb_error_errno(err, e, opt->output, "cannot create");
  }
  *dir_out = strdup(opt->output);
  return *dir_out ? MB_OK : nomem(err);
}

int mb_merge_is_study(const char *dir)
{
  char path[4200];
  struct stat sb;

  snprintf(path, sizeof(path), "%s/study.json", dir);
  return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

int mb_merge_runs(const char *const *dirs, size_t n, const struct mb_merge_options *opt,
                  char **dir_out, struct mb_error *err)
{
  struct input *in = calloc(n ? n : 1, sizeof(*in));
  struct group *grp = calloc(n ? n : 1, sizeof(*grp));
  size_t n_groups = 0, i, g;
  char *out = NULL;
  json_t *study = NULL, *machines = NULL;
  int rc = MB_OK;

  *dir_out = NULL;
  if (!in || !grp) {
    free(in);
    free(grp);
    return nomem(err);
  }
  if (n == 0)
    rc = mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL, "merge: no run given");
  for (i = 0; i < n && rc == MB_OK; i++) {
    in[i].dir = dirs[i];
    rc = load_input(&in[i], err);
  }
  if (rc == MB_OK)
    rc = check_common(in, n, err);
  for (i = 0; i < n && rc == MB_OK; i++) {
    for (g = 0; g < n_groups && !same_machine(&in[grp[g].first], &in[i]); g++)
      ;
    if (g == n_groups) {
      grp[g].first = i;
      n_groups++;
    }
    in[i].group = g;
    grp[g].n_inputs++;
  }
  /* Labels: the host's name, made safe for a directory name, and made
   * unique when one host appears with two clocks or systems. */
  for (g = 0; g < n_groups && rc == MB_OK; g++) {
    char base[56];
    size_t k, dup = 1;

    if (in[grp[g].first].label[0])
      snprintf(base, sizeof(base), "%s", in[grp[g].first].label);
    else
      mb_sysinfo_host_label(in[grp[g].first].rd.hostname, base, sizeof(base));
    snprintf(grp[g].label, sizeof(grp[g].label), "%s", base);
    for (k = 0; k < g; k++)
      if (strcmp(grp[k].label, grp[g].label) == 0) {
        snprintf(grp[g].label, sizeof(grp[g].label), "%s-%zu", base, ++dup);
        k = (size_t)-1; /* check the new label against all again */
      }
  }
  for (g = 0; g < n_groups && rc == MB_OK; g++)
    rc = check_group(in, n, g, &grp[g], err);
  if (rc == MB_OK)
    rc = make_output(in, opt, n_groups > 1, &out, err);
  if (rc == MB_OK && n_groups == 1) {
    rc = write_run(in, n, 0, &grp[0], out, opt, err);
    if (rc == MB_OK && opt->progress)
      fprintf(opt->progress,
              "mebench: merged %zu run%s of %s on %s (%zu call%s) into %s\n", n,
              mb_s(n), in[0].rd.exp_name, in[0].rd.hostname,
              in[0].rd.n_points * in[0].rd.repetitions,
              mb_s(in[0].rd.n_points * in[0].rd.repetitions), out);
  } else if (rc == MB_OK) {
    char raw[4200], mdir[4200];

    /* A study keeps raw files per machine; the raw/ made with a default
     * directory stays empty, so it goes. */
    snprintf(raw, sizeof(raw), "%s/raw", out);
    rmdir(raw);
    snprintf(mdir, sizeof(mdir), "%s/machines", out);
    if (mkdir(mdir, 0755) != 0)
      rc = mb_error_errno(err, errno, mdir, "cannot create");
    machines = json_array();
    if (rc == MB_OK && !machines)
      rc = nomem(err);
    for (g = 0; g < n_groups && rc == MB_OK; g++) {
      char sub[4300], rel[128];
      json_t *mj;

      snprintf(rel, sizeof(rel), "machines/%s", grp[g].label);
      snprintf(sub, sizeof(sub), "%s/%s", out, rel);
      if (mkdir(sub, 0755) != 0) {
        rc = mb_error_errno(err, errno, sub, "cannot create");
        break;
      }
      rc = write_run(in, n, g, &grp[g], sub, opt, err);
      mj = rc == MB_OK ? machine_json(in, n, g, &grp[g]) : NULL;
      if (rc == MB_OK &&
          (!mj || json_object_set_new(mj, "dir", json_string(rel)) != 0 ||
           json_array_append_new(machines, mj) != 0))
        rc = nomem(err);
      if (rc == MB_OK && opt->progress)
        fprintf(opt->progress, "mebench: machine %s: %zu run%s of %s -> %s\n",
                grp[g].label, grp[g].n_inputs, grp[g].n_inputs == 1 ? "" : "s",
                in[grp[g].first].rd.hostname, sub);
    }
    if (rc == MB_OK) {
      char when[32], path[4200];
      char *text;

      mb_results_iso_time(time(NULL), when);
      study = json_pack("{s:s,s:s,s:{s:s,s:s,s:s},s:{s:s,s:s},s:s,s:O}", "schema",
                        MB_STUDY_SCHEMA, "factor", "machine", "experiment", "name",
                        in[0].rd.exp_name, "path", in[0].rd.exp_path, "sha256",
                        in[0].rd.exp_sha256, "mebench", "version", in[0].rd.version,
                        "git_commit", in[0].rd.git_commit, "created", when, "machines",
                        machines);
      text = study ? json_dumps(study, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
      snprintf(path, sizeof(path), "%s/study.json", out);
      rc =
          text ? mb_results_write_atomic(path, text, strlen(text), 0, err) : nomem(err);
      free(text);
    }
    if (rc == MB_OK && opt->progress)
      fprintf(opt->progress, "mebench: study of %zu machines in %s\n", n_groups, out);
  }
  if (rc == MB_OK)
    *dir_out = out;
  else
    free(out);
  json_decref(study);
  json_decref(machines);
  for (i = 0; i < n; i++)
    mb_rundir_cleanup(&in[i].rd);
  free(in);
  free(grp);
  return rc;
}
