/* fuzz_experiment.c: libFuzzer target for the experiment loader. Any input
 * must load or fail cleanly; a loaded experiment must satisfy every
 * invariant the runner relies on. A broken invariant aborts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "estimators.h"
#include "experiment.h"

static void check_loaded(const struct mb_experiment *exp)
{
  size_t i;
  const char *c;

  if (!exp->name || !exp->name[0] || strlen(exp->name) > MB_EXP_MAX_NAME)
    abort();
  for (c = exp->name; *c; c++)
    if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-", *c))
      abort();
  if (!exp->source || !exp->output || !exp->output[0])
    abort();
  if ((exp->replay != NULL) != (strcmp(exp->source, "replay") == 0))
    abort();
  if (exp->samples < 1 || exp->samples > MB_EXP_SAMPLES_MAX || exp->repetitions < 1 ||
      exp->repetitions > MB_EXP_REPETITIONS_MAX || exp->warmup > MB_EXP_WARMUP_MAX)
    abort();
  if (exp->raw_bits < 1 || exp->raw_bits > 8 || exp->estimators == 0 ||
      (exp->estimators & ~MB_EST_ALL) != 0)
    abort();
  if (exp->order == MB_ORDER_SHUFFLED ? exp->seed > MB_EXP_SEED_MAX : exp->seed != 0)
    abort();
  if (exp->n_points < 1 || exp->n_points > MB_EXP_POINTS_MAX || !exp->points)
    abort();
  for (i = 0; i < exp->n_points; i++) {
    const struct mb_config *p = &exp->points[i];
    size_t j;

    if (p->num_ports < MB_NUM_PORTS_MIN || p->num_ports > MB_NUM_PORTS_MAX ||
        p->ool_size < MB_OOL_SIZE_MIN || p->ool_size > MB_OOL_SIZE_MAX ||
        (p->mode != MB_MODE_COMPLEX && p->mode != MB_MODE_SIMPLE))
      abort();
    /* Distinct points: duplicates are refused, never merged. Quadratic, so
     * only on small sweeps. */
    for (j = 0; j < i && exp->n_points <= 256; j++)
      if (exp->points[j].num_ports == p->num_ports &&
          exp->points[j].ool_size == p->ool_size && exp->points[j].mode == p->mode)
        abort();
  }
  if (exp->n_calls != exp->n_points * exp->repetitions ||
      exp->n_calls > MB_EXP_CALLS_MAX)
    abort();
  for (i = 0; i < exp->n_calls; i++)
    if (exp->calls[i].point >= exp->n_points ||
        exp->calls[i].repetition >= exp->repetitions)
      abort();
  if (strlen(exp->sha256) != 64)
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct mb_experiment exp;
  struct mb_error err;
  int rc;

  mb_error_init(&err);
  rc = mb_experiment_load_buffer((const char *)data, size, "fuzz/input.json", &exp,
                                 &err);
  if (rc == MB_OK) {
    if (err.code != 0)
      abort();
    check_loaded(&exp);
  } else {
    /* A failure says what failed, and leaves nothing behind. */
    if ((rc != MB_EINVALID && rc != MB_ENOMEM) || err.code != rc || !err.text[0] ||
        exp.name || exp.points || exp.calls || exp.text)
      abort();
  }
  mb_experiment_cleanup(&exp);
  return 0;
}
