/* test_results.c: atomic files, run directories, the JSON builders,
 * summary.csv and reading run.json back. */
#include <dirent.h>
#include <stdint.h>
#include <errno.h>
#include <sys/stat.h>
#if defined(__linux__)
#include <sys/sysmacros.h>
#endif
#include <sys/wait.h>
#include <unistd.h>

#include <math.h>

#include "check.h"
#include "results.h"
#include "testutil.h"

static char base[512];

/* Entries of dir whose name starts with '.' other than "." and "..". */
static int hidden_files(const char *dir)
{
  DIR *d = opendir(dir);
  struct dirent *e;
  int n = 0;

  if (!d)
    return -1;
  while ((e = readdir(d)) != NULL)
    if (e->d_name[0] == '.' && strcmp(e->d_name, ".") != 0 &&
        strcmp(e->d_name, "..") != 0)
      n++;
  closedir(d);
  return n;
}

static void check_atomic(void)
{
  char path[600], blocked[700];
  struct mb_error err;
  char *s;

  snprintf(path, sizeof(path), "%s/a.txt", base);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_results_write_atomic(path, "first", 5, 0, &err), MB_OK);
  CHECK_EQ_STR((s = mb_test_slurp(path, NULL)), "first");
  free(s);
  /* Never overwritten unless asked. */
  CHECK_EQ_INT(mb_results_write_atomic(path, "second", 6, 0, &err), MB_EEXISTS);
  CHECK_EQ_STR(err.source, path);
  CHECK(strstr(err.text, "never overwritten") != NULL);
  CHECK_EQ_STR((s = mb_test_slurp(path, NULL)), "first");
  free(s);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_results_write_atomic(path, "third", 5, 1, &err), MB_OK);
  CHECK_EQ_STR((s = mb_test_slurp(path, NULL)), "third");
  free(s);
  CHECK_EQ_INT(mb_results_write_atomic(path, "", 0, 1, &err), MB_OK);
  CHECK_EQ_STR((s = mb_test_slurp(path, NULL)), "");
  free(s);
  CHECK_EQ_INT(hidden_files(base), 0); /* no temporary left behind */

  /* A directory that cannot be written: its "parent" is a regular file
   * (tests run as root, so permission bits would not stop them). */
  snprintf(blocked, sizeof(blocked), "%s/dir/run.json", path);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_results_write_atomic(blocked, "x", 1, 1, &err), MB_ESYSTEM);
  CHECK_EQ_STR(err.source, blocked);
  CHECK(strstr(err.text, "cannot create its temporary file") != NULL);
  CHECK(strstr(err.text, "Not a directory") != NULL);
}

static void check_dirs(void)
{
  char root[600], file[600], *d1 = NULL, *d2 = NULL, *d3 = NULL, raw[700], iso[32];
  struct stat st;
  struct mb_error err;
  time_t when = 1795256100; /* 2026-11-21T10:15:00Z */

  snprintf(root, sizeof(root), "%s/res/deep", base);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_results_create_dir(root, "ports_sweep", "lab1", when, &d1, &err),
               MB_OK);
  CHECK_EQ_INT(mb_results_create_dir(root, "ports_sweep", "lab1", when, &d2, &err),
               MB_OK);
  CHECK_EQ_INT(mb_results_create_dir(root, "ports_sweep", "lab1", when, &d3, &err),
               MB_OK);
  if (d1 && d2 && d3) {
    CHECK(strstr(d1, "/res/deep/ports_sweep/20261121T101500Z-lab1") != NULL);
    CHECK(strcmp(d1 + strlen(d1) - 4, "lab1") == 0);
    CHECK(strcmp(d2 + strlen(d2) - 7, "-lab1-2") == 0);
    CHECK(strcmp(d3 + strlen(d3) - 7, "-lab1-3") == 0);
    snprintf(raw, sizeof(raw), "%s/raw", d3);
    CHECK(stat(raw, &st) == 0 && S_ISDIR(st.st_mode));
  }
  free(d1);
  free(d2);
  free(d3);

  snprintf(file, sizeof(file), "%s/a.txt", base);
  mb_error_init(&err);
  d1 = NULL;
  /* a file where the results directory belongs: invalid input, named */
  CHECK_EQ_INT(mb_results_create_dir(file, "x", "h", when, &d1, &err), MB_EINVALID);
  CHECK(d1 == NULL);
  CHECK(strstr(err.source, "a.txt") != NULL);
  CHECK(strstr(err.text, "is a regular file, where the results directory was "
                         "expected") != NULL);

  mb_results_iso_time(when, iso);
  CHECK_EQ_STR(iso, "2026-11-21T10:15:00Z");
  mb_results_iso_time(0, iso);
  CHECK_EQ_STR(iso, "1970-01-01T00:00:00Z");
  mb_results_raw_name(12, 3, raw, sizeof(raw));
  CHECK_EQ_STR(raw, "raw/p12-r3.mbr");
}

static void fake_assessment(struct mb_assessment *a, double h)
{
  memset(a, 0, sizeof(*a));
  a->samples = 1000;
  a->bits_per_symbol = 8;
  a->alphabet_size = 200;
  a->h_original = h;
  a->h_bitstring = 0.9;
  a->h_assessed = h;
  a->literal[MB_EST_MCV].ran = 1;
  a->literal[MB_EST_MCV].h = h;
  a->literal[MB_EST_MCV].p = 0.25;
  a->literal[MB_EST_LZ78Y].skipped = "too few samples";
  a->literal[MB_EST_MCV].n_values = 1;
  a->literal[MB_EST_MCV].values[0].name = "p_hat";
  a->literal[MB_EST_MCV].values[0].value = 0.2;
  a->literal[MB_EST_LAG].ran = 1;
  a->literal[MB_EST_LAG].h = -0.0;
  a->literal[MB_EST_LAG].p = 1.0;
  a->literal[MB_EST_LAG].predictions = 998;
  a->literal[MB_EST_LAG].correct = 10;
  a->literal[MB_EST_LAG].longest_run = 2;
  a->literal[MB_EST_LAG].p_global = 10.0 / 998;
  a->literal[MB_EST_LAG].p_global_upper = 0.0175;
  a->literal[MB_EST_LAG].p_local = -1;
  a->bitstring[MB_EST_MCV].ran = 1;
  a->bitstring[MB_EST_MCV].h = 0.9;
  a->bitstring[MB_EST_MCV].p = 0.5358983848622454;
}

static void check_json(void)
{
  struct mb_assessment a;
  struct mb_call_summary c;
  json_t *j, *call;
  const uint64_t x[] = {100, 110, 120, 130};

  fake_assessment(&a, 2.0);
  j = mb_results_assessment_json(&a);
  CHECK(j != NULL);
  CHECK_EQ_INT(json_integer_value(json_object_get(j, "samples")), 1000);
  CHECK(json_is_false(json_object_get(j, "binary")));
  CHECK_NEAR(json_real_value(json_object_get(j, "h_assessed")), 2.0, 0);
  CHECK_NEAR(json_real_value(json_object_get(
                 json_object_get(json_object_get(j, "literal"), "mcv"), "p")),
             0.25, 0);
  CHECK_EQ_STR(json_string_value(json_object_get(
                   json_object_get(json_object_get(j, "literal"), "lz78y"), "skipped")),
               "too few samples");
  CHECK(json_object_get(json_object_get(j, "literal"), "markov") ==
        NULL); /* not asked */
  {
    const json_t *mcv = json_object_get(json_object_get(j, "literal"), "mcv");
    const json_t *lag = json_object_get(json_object_get(j, "literal"), "lag");
    char *text = json_dumps(lag, JSON_COMPACT);

    CHECK_NEAR(json_real_value(json_object_get(mcv, "p_hat")), 0.2, 0);
    CHECK(json_object_get(mcv, "N") == NULL); /* not a predictor */
    CHECK_EQ_INT(json_integer_value(json_object_get(lag, "N")), 998);
    CHECK_EQ_INT(json_integer_value(json_object_get(lag, "C")), 10);
    CHECK_EQ_INT(json_integer_value(json_object_get(lag, "r")), 3);
    CHECK(json_object_get(lag, "p_local") == NULL);   /* could not change p */
    CHECK(text && strstr(text, "\"h\":0.0") != NULL); /* never -0 */
    free(text);
  }
  CHECK_EQ_INT(json_object_size(json_object_get(j, "bitstring")), 1);
  json_decref(j);
  a.h_assessed = -1;
  j = mb_results_assessment_json(&a);
  CHECK(json_is_null(json_object_get(j, "h_assessed")));
  json_decref(j);

  memset(&c, 0, sizeof(c));
  c.point = 1;
  c.repetition = 2;
  c.sequence = 5;
  snprintf(c.raw_file, sizeof(c.raw_file), "raw/p1-r2.mbr");
  c.started = 1795256100;
  c.wall_s = 0.5;
  c.pool_size = 8;
  c.timings = 4;
  c.bytes = 2;
  c.timeouts = 1;
  c.ns_per_tick = 125.0 / 3.0;
  CHECK_EQ_INT(mb_stats_compute(x, 4, NULL, &c.raw_stats, NULL), MB_OK);
  fake_assessment(&c.entropy_bytes, 3.0);
  fake_assessment(&c.entropy_raw, 1.5);
  call = mb_results_call_json(&c);
  CHECK(call != NULL);
  CHECK_EQ_STR(json_string_value(json_object_get(call, "started")),
               "2026-11-21T10:15:00Z");
  CHECK_NEAR(json_real_value(json_object_get(call, "ns_per_op")), 110 * 125.0 / 3.0,
             1e-9);
  CHECK_NEAR(json_real_value(
                 json_object_get(json_object_get(call, "throughput"), "ops_per_s")),
             8.0, 0);
  CHECK_NEAR(
      json_real_value(json_object_get(json_object_get(call, "rate"), "bits_per_s")),
      12.0, 0);
  CHECK_EQ_INT(json_integer_value(
                   json_object_get(json_object_get(call, "raw_stats"), "quantum")),
               10);
  CHECK_EQ_INT(json_integer_value(json_object_get(call, "timeouts")), 1);
  json_decref(call);
  /* A zero wall time (instant replay) gives null rates, never inf. */
  c.wall_s = 0;
  call = mb_results_call_json(&c);
  CHECK(
      json_is_null(json_object_get(json_object_get(call, "throughput"), "ops_per_s")));
  CHECK(json_is_null(json_object_get(json_object_get(call, "rate"), "bits_per_s")));
  json_decref(call);
}

static json_t *csv_call(int point, int rep, double hb, double hr, double ns, int p01,
                        int p99, int timeouts, double wall)
{
  return json_pack(
      "{s:i,s:i,s:{s:{s:f},s:{s:f}},s:f,s:{s:i,s:i},s:{s:f,s:f},s:{s:f},s:i,"
      "s:i,s:f}",
      "point", point, "repetition", rep, "entropy", "bytes", "h_assessed", hb, "raw",
      "h_assessed", hr, "ns_per_op", ns, "raw_stats", "p01", p01, "p99", p99,
      "throughput", "ops_per_s", 1000.0 / wall, "bytes_per_s", 250.0 / wall, "rate",
      "bits_per_s", hb * 250.0 / wall, "timeouts", timeouts, "failures", 0, "wall_s",
      wall);
}

/* A call's conditions as the runner records them (a receiver for complex
 * mode only; cpu_mhz unknown in the first). */
static json_t *with_conditions(json_t *call, double ws, int tn, int rn, double same,
                               double load)
{
  json_t *recv = rn < 0 ? json_null()
                        : json_pack("{s:i,s:i,s:i,s:i}", "nvcsw", 0, "nivcsw", rn,
                                    "migrations", 0, "cpus", 1);

  json_object_set_new(call, "conditions",
                      json_pack("{s:f,s:{s:i,s:i,s:i,s:i},s:o,s:o,s:f,s:f,s:o}",
                                "waited_share", ws, "timing_thread", "nvcsw", tn,
                                "nivcsw", 1, "migrations", 2, "cpus", 2,
                                "receiver_thread", recv, "same_cpu_share",
                                isnan(same) ? json_null() : json_real(same),
                                "load_before", load, "load_after", load + 0.5,
                                "cpu_mhz", load > 1 ? json_real(2300.0) : json_null()));
  return call;
}

static void check_csv(void)
{
  json_t *run = json_pack(
      "{s:{s:i,s:i},s:[{s:i,s:i,s:i,s:s,s:s},{s:i,s:i,s:i,s:s,s:s,s:s}],s:[]}", "clock",
      "tick_num", 2, "tick_den", 1, "points", "index", 0, "num_ports", 8, "ool_size",
      4096, "mode", "complex", "variant", "sdk", "index", 1, "num_ports", 1, "ool_size",
      1, "mode", "simple", "variant", "seed", "placement", "split", "calls");
  json_t *calls = json_object_get(run, "calls");
  char *csv;

  json_array_append_new(calls,
                        with_conditions(csv_call(0, 0, 6.0, 3.0, 100.0, 40, 90, 0, 0.5),
                                        0.5, 10, 12, 1.0, 0.25));
  json_array_append_new(calls,
                        with_conditions(csv_call(1, 0, 7.5, 1.0, 40.0, 10, 30, 2, 0.25),
                                        0.0, 0, -1, NAN, 2.0));
  json_array_append_new(calls,
                        with_conditions(csv_call(0, 1, 5.0, 3.5, 120.0, 50, 80, 1, 0.5),
                                        0.25, 20, 21, 0.5, 1.5));
  /* Recorded before the conditions were: empty columns. */
  json_array_append_new(calls, csv_call(0, 2, 4.0, 2.5, 110.0, 45, 70, 0, 1.0));
  /* Point 0 has health-test results, point 1 none: its columns stay empty. */
  json_object_set_new(run, "health",
                      json_pack("[{s:i,s:i,s:i,s:i,s:i,s:b}]", "point", 0, "rct_cutoff",
                                6, "apt_cutoff", 105, "rct_fired", 2, "apt_fired", 0,
                                "flagged", 1));
  csv = mb_results_summary_csv(run);
  CHECK_EQ_STR(
      csv,
      "kind,point,repetition,num_ports,ool_size,mode,variant,placement,h_bytes,"
      "h_bytes_min,h_bytes_max,h_raw,h_raw_min,h_raw_max,ns_per_op,ns_per_op_p01,"
      "ns_per_op_p99,ops_per_s,bytes_per_s,bits_per_s,timeouts,failures,aborted,wall_s,"
      "waited_share,timing_nvcsw,timing_nivcsw,timing_migrations,recv_nvcsw,recv_"
      "nivcsw,"
      "recv_migrations,same_cpu_share,load_before,load_after,cpu_mhz,rct_cutoff,apt_"
      "cutoff,rct_fired,apt_fired,health_flagged\n"
      "call,0,0,8,4096,complex,sdk,free,6.000000,,,3.000000,,,100.000,80.000,180.000,"
      "2000.0,500.0,3000.0,0,0,0,0.500000,0.500000,10,1,2,0,12,0,1.000000,0.25,0.75,,,,"
      ",,\n"
      "call,1,0,1,1,simple,seed,split,7.500000,,,1.000000,,,40.000,20.000,60.000,4000."
      "0,"
      "1000.0,7500.0,2,0,0,0.250000,0.000000,0,1,2,,,,,2.00,2.50,2300.0,,,,,\n"
      "call,0,1,8,4096,complex,sdk,free,5.000000,,,3.500000,,,120.000,100.000,160.000,"
      "2000.0,500.0,2500.0,1,0,0,0.500000,0.250000,20,1,2,0,21,0,0.500000,1.50,2.00,"
      "2300.0,,,,,\n"
      "call,0,2,8,4096,complex,sdk,free,4.000000,,,2.500000,,,110.000,90.000,140.000,"
      "1000.0,250.0,1000.0,0,0,0,1.000000,,,,,,,,,,,,,,,,\n"
      "point,0,,8,4096,complex,sdk,free,5.000000,4.000000,6.000000,3.000000,2.500000,"
      "3.500000,110.000,90.000,160.000,2000.0,500.0,2500.0,1,0,0,2.000000,0.375000,"
      "15.0,1.0,2.0,0.0,16.5,0.0,0.750000,0.88,1.38,2300.0,6,105,2,0,1\n"
      "point,1,,1,1,simple,seed,split,7.500000,7.500000,7.500000,1.000000,1.000000,"
      "1.000000,40.000,20.000,60.000,4000.0,1000.0,7500.0,2,0,0,0.250000,0.000000,0.0,"
      "1.0,2.0,,,,,2.00,2.50,2300.0,,,,,\n");
  free(csv);
  json_decref(run);
}

static void check_load(void)
{
  char dir[600], path[700];
  struct mb_error err;
  json_t *run = NULL;
  const char *good =
      "{\"schema\":\"mebench-run/1\",\"status\":\"interrupted\","
      "\"mebench\":{\"version\":\"0.1.0\",\"git_commit\":\"abc\"},"
      "\"machine\":{\"hostname\":\"h\",\"cpu_model\":\"c\",\"kernel\":\"k\"},"
      "\"clock\":{\"name\":\"c\",\"tick_num\":1,\"tick_den\":1},"
      "\"experiment\":{\"sha256\":\"00\",\"path\":\"x.json\",\"samples\":1,"
      "\"repetitions\":1,\"raw_bits\":8},"
      "\"points\":[{\"index\":0,\"num_ports\":1,\"ool_size\":1,\"mode\":\"simple\"}],"
      "\"calls\":[{\"point\":0,\"repetition\":0,\"entropy\":{\"bytes\":"
      "{\"h_assessed\":null},\"raw\":{\"h_assessed\":null}},\"rate\":"
      "{\"bits_per_s\":null}}]}";
  const char *bad =
      "{\"schema\":\"mebench-run/1\",\"status\":\"interrupted\","
      "\"mebench\":{\"version\":\"0.1.0\",\"git_commit\":\"abc\"},"
      "\"clock\":{\"name\":\"c\",\"tick_num\":1,\"tick_den\":1},"
      "\"experiment\":{\"samples\":1,\"repetitions\":1,\"raw_bits\":8},"
      "\"points\":[{\"index\":0,\"num_ports\":1,\"ool_size\":1,\"mode\":\"simple\"}],"
      "\"calls\":[],\"machine\":{\"hostname\":\"h\",\"kernel\":\"k\"}}";

  snprintf(dir, sizeof(dir), "%s/load", base);
  mkdir(dir, 0755);
  mb_error_init(&err);
  CHECK(mb_results_load_run(dir, &run, &err) != MB_OK);
  CHECK(strstr(err.text, "holds no run.json") != NULL);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_results_load_run("/nonexistent/run", &run, &err), MB_EINVALID);
  CHECK(strstr(err.text, "cannot open results directory: No such file") != NULL);
  snprintf(path, sizeof(path), "%s/run.json", dir);
  CHECK_EQ_INT(mb_results_write_atomic(path, good, strlen(good), 0, NULL), MB_OK);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_results_load_run(dir, &run, &err), MB_OK);
  CHECK_EQ_INT(json_array_size(json_object_get(run, "calls")), 1);
  json_decref(run);
  CHECK_EQ_INT(mb_results_write_atomic(path, bad, strlen(bad), 1, NULL), MB_OK);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_results_load_run(dir, &run, &err), MB_EINVALID);
  CHECK_EQ_STR(err.text, "machine.cpu_model: missing or not a string");
  CHECK_EQ_STR(err.source, path);
  CHECK_EQ_INT(mb_results_write_atomic(path, "{\"schema\": 1", 12, 1, NULL), MB_OK);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_results_load_run(dir, &run, &err), MB_EINVALID);
  CHECK_EQ_INT(err.line, 1);
}

/* A second process cannot take a run's lock while the first holds it. */
static void check_lock(void)
{
  int up[2], down[2], fd = -1, st;
  char c = 0, expect[64];
  struct mb_error err;
  pid_t pid;

  if (pipe(up) != 0 || pipe(down) != 0)
    return;
  pid = fork();
  if (pid == 0) {
    int mine = -1;

    close(up[0]);
    close(down[1]);
    c = mb_results_lock(base, &mine, NULL) == MB_OK ? 'y' : 'n';
    if (write(up[1], &c, 1) != 1 || read(down[0], &c, 1) < 0)
      _exit(2);
    _exit(0);
  }
  close(up[1]);
  close(down[0]);
  CHECK(read(up[0], &c, 1) == 1);
  CHECK_EQ_INT(c, 'y');
  mb_error_init(&err);
  CHECK_EQ_INT(mb_results_lock(base, &fd, &err), MB_EEXISTS);
  CHECK_EQ_INT(fd, -1);
  snprintf(expect, sizeof(expect), "another mebench (pid %ld)", (long)pid);
  CHECK(strstr(err.text, expect) != NULL);
  CHECK_EQ_STR(err.source, base);
  close(down[1]); /* the child ends, and its lock with it */
  CHECK(waitpid(pid, &st, 0) == pid);
  close(up[0]);
  CHECK_EQ_INT(mb_results_lock(base, &fd, NULL), MB_OK);
  CHECK(fd >= 0);
  mb_results_unlock(fd);
}

/* The journal is only ever a regular file of the run's own: whatever else
 * holds its name (made here as private nodes, never system ones) is
 * refused at once, untouched, naming it and what it is. */
static void check_journal_nodes(void)
{
  static const struct {
    const char *what; /* how the node is made */
    const char *kind; /* what the message must call it */
  } nodes[] = {{"fifo", "a FIFO"},
               {"link", "a symbolic link"},
               {"dangling", "a symbolic link"},
               {"dir", "a directory"},
               {"device", "a character device"}};
  char dir[700], path[800], target[800], line[64];
  struct mb_error err;
  struct stat st;
  json_t *call;
  size_t i;
  int fd;

  for (i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
    snprintf(dir, sizeof(dir), "%s/journal-%s", base, nodes[i].what);
    CHECK(mkdir(dir, 0755) == 0);
    snprintf(path, sizeof(path), "%s/%s", dir, MB_RESULTS_JOURNAL);
    snprintf(target, sizeof(target), "%s/elsewhere", dir);
    if (strcmp(nodes[i].what, "fifo") == 0) {
      CHECK(mkfifo(path, 0644) == 0);
    } else if (strcmp(nodes[i].what, "link") == 0) {
      CHECK(mb_test_write_text(target, "kept\n") == 0);
      CHECK(symlink(target, path) == 0);
    } else if (strcmp(nodes[i].what, "dangling") == 0) {
      CHECK(symlink(target, path) == 0);
    } else if (strcmp(nodes[i].what, "dir") == 0) {
      CHECK(mkdir(path, 0755) == 0);
    } else if (mknod(path, S_IFCHR | 0644, makedev(1, 3)) != 0) {
      printf("# no private device node here (%s): device case skipped\n",
             strerror(errno));
      continue;
    }
    mb_error_init(&err);
    fd = 7;
    CHECK_EQ_INT(mb_results_journal_open(dir, &fd, &err), MB_EINVALID);
    CHECK_EQ_INT(fd, -1);
    CHECK_EQ_STR(err.source, path);
    CHECK(strstr(err.text, nodes[i].kind) != NULL);
    CHECK(strstr(err.text, "call journal") != NULL);
    CHECK(lstat(path, &st) == 0); /* left where it was */
    if (strcmp(nodes[i].what, "link") == 0) {
      char *text = mb_test_slurp(target, NULL);

      CHECK(text && strcmp(text, "kept\n") == 0);
      free(text);
    }
    if (strcmp(nodes[i].what, "dangling") == 0)
      CHECK(lstat(target, &st) != 0); /* not created through the link */
  }

  /* A regular file, new or left by a killed run, is appended to. */
  snprintf(dir, sizeof(dir), "%s/journal-file", base);
  CHECK(mkdir(dir, 0755) == 0);
  snprintf(path, sizeof(path), "%s/%s", dir, MB_RESULTS_JOURNAL);
  CHECK(mb_test_write_text(path, "{\"point\":0}\n") == 0);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_results_journal_open(dir, &fd, &err), MB_OK);
  CHECK(fd >= 0);
  call = json_pack("{s:i}", "point", 1);
  CHECK_EQ_INT(mb_results_journal_append(fd, dir, call, &err), MB_OK);
  json_decref(call);
  {
    char *text = mb_test_slurp(path, NULL);

    snprintf(line, sizeof(line), "{\"point\":0}\n{\"point\":1}\n");
    CHECK(text && strcmp(text, line) == 0);
    free(text);
  }
  mb_results_journal_remove(fd, dir);
  CHECK(lstat(path, &st) != 0);
}

int main(void)
{
  snprintf(base, sizeof(base), "%s/tests/runner/results-XXXXXX", MB_BINARY_DIR);
  if (!mkdtemp(base)) {
    perror(base);
    return 1;
  }
  check_atomic();
  check_dirs();
  check_json();
  check_csv();
  check_load();
  check_lock();
  check_journal_nodes();
  mb_test_rmtree(base);
  return CHECK_DONE();
}
