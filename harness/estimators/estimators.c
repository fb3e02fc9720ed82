/* estimators.c: the estimator table (keys, titles, sections) and the helpers
 * estimators use to fill their results. */
#include "internal.h"

#include <string.h>

struct estimator_info {
  const char *key;
  const char *title;
  const char *section;
};

static const struct estimator_info table[MB_EST_COUNT] = {
#define MB_X(id, key, title, section) {key, title, section},
    MB_ESTIMATOR_TABLE(MB_X)
#undef MB_X
};

const char *mb_estimator_key(enum mb_estimator e)
{
  return (unsigned)e < MB_EST_COUNT ? table[e].key : "?";
}

const char *mb_estimator_title(enum mb_estimator e)
{
  return (unsigned)e < MB_EST_COUNT ? table[e].title : "?";
}

const char *mb_estimator_section(enum mb_estimator e)
{
  return (unsigned)e < MB_EST_COUNT ? table[e].section : "?";
}

int mb_estimator_parse(const char *key, enum mb_estimator *out)
{
  unsigned i;

  if (!key)
    return MB_EINVALID;
  for (i = 0; i < MB_EST_COUNT; i++) {
    if (strcmp(table[i].key, key) == 0) {
      *out = (enum mb_estimator)i;
      return MB_OK;
    }
  }
  return MB_EINVALID;
}

void mb_estimate_set(struct mb_estimate *e, double h, double p)
{
  e->ran = 1;
  e->skipped = NULL;
  e->h = h + 0.0; /* -log2(1) is -0; report 0 */
  e->p = p;
}

void mb_estimate_skip(struct mb_estimate *e, const char *reason)
{
  e->ran = 0;
  e->skipped = reason;
  e->h = -1.0;
  e->p = -1.0;
  e->n_values = 0;
}

void mb_estimate_add(struct mb_estimate *e, const char *name, double value)
{
  if (e->n_values >= MB_ESTIMATE_MAX_VALUES)
    return;
  e->values[e->n_values].name = name;
  e->values[e->n_values].value = value;
  e->n_values++;
}
