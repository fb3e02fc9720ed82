/* iid_json.c: JSON of the IID track and of the health tests. */
#include "iid_json.h"

#include <math.h>

static json_t *jreal(double v)
{
  return isfinite(v) ? json_real(v) : json_null();
}

static json_t *ju64(uint64_t v)
{
  return v <= (uint64_t)INT64_MAX ? json_integer((json_int_t)v) : json_real((double)v);
}

/* json_object_set_new that remembers a failure. */
static void put(json_t *obj, const char *key, json_t *value, int *bad)
{
  if (!obj || !value || json_object_set_new(obj, key, value) != 0)
    *bad = 1;
}

static json_t *mcv_json(const struct mb_estimate *e, int *bad)
{
  json_t *o = json_object();
  unsigned v;

  if (!e->ran) {
    put(o, "skipped", json_string(e->skipped ? e->skipped : "not assessed"), bad);
    return o;
  }
  put(o, "h", jreal(e->h + 0.0), bad);
  put(o, "p", jreal(e->p), bad);
  for (v = 0; v < e->n_values && v < MB_ESTIMATE_MAX_VALUES; v++)
    if (e->values[v].name)
      put(o, e->values[v].name, jreal(e->values[v].value), bad);
  return o;
}

static json_t *chisq_json(const struct mb_iid_chisq *c, int *bad)
{
  json_t *o = json_object();

  put(o, "t", jreal(c->t), bad);
  put(o, "df", json_integer(c->df), bad);
  put(o, "p_value", jreal(c->p_value), bad);
  put(o, "pass", json_boolean(c->pass), bad);
  if (c->note)
    put(o, "note", json_string(c->note), bad);
  return o;
}

const char *mb_iid_verdict(const struct mb_iid_result *r)
{
  if (r->skipped)
    return "not tested: one distinct value carries no entropy";
  if (r->iid)
    return "IID: every test passed; h_assessed applies";
  if (!r->permutations_ran && r->chi_square_pass && r->lrs_pass)
    return "not established: the permutation tests were not run; h_assessed does "
           "not apply";
  return "not IID: at least one test failed; h_assessed does not apply (use the "
         "non-IID track)";
}

json_t *mb_iid_json(const struct mb_iid_result *r)
{
  json_t *o = json_object(), *perm, *stats, *chi, *lrs, *mcv;
  int bad = !o;
  unsigned j;

  if (bad)
    return NULL;
  put(o, "iid", json_boolean(r->iid), &bad);
  put(o, "h_assessed", r->h_assessed < 0 ? json_null() : jreal(r->h_assessed), &bad);
  put(o, "verdict", json_string(mb_iid_verdict(r)), &bad);
  put(o, "samples", ju64(r->samples), &bad);
  put(o, "bits_per_symbol", json_integer(r->bits_per_symbol), &bad);
  put(o, "alphabet_size", json_integer(r->alphabet_size), &bad);
  put(o, "binary", json_boolean(r->binary), &bad);
  /* no permutation was drawn from a seed when nothing was tested */
  put(o, "seed", r->skipped ? json_null() : ju64(r->seed), &bad);
  put(o, "h_original", r->h_original < 0 ? json_null() : jreal(r->h_original), &bad);
  put(o, "h_bitstring", r->h_bitstring < 0 ? json_null() : jreal(r->h_bitstring), &bad);
  if (r->skipped) {
    put(o, "skipped", json_string(r->skipped), &bad);
    if (bad) {
      json_decref(o);
      return NULL;
    }
    return o;
  }
  put(o, "mean", jreal(r->mean), &bad);
  put(o, "median", jreal(r->median), &bad);

  perm = json_object();
  put(perm, "ran", json_boolean(r->permutations_ran), &bad);
  put(perm, "permutations", json_integer(r->permutations), &bad);
  put(perm, "counted", json_integer(r->permutations_counted), &bad);
  put(perm, "pass",
      r->permutations_ran ? json_boolean(r->permutation_pass) : json_null(), &bad);
  stats = json_object();
  for (j = 0; j < MB_IID_NSTATS; j++) {
    json_t *s = json_object();

    put(s, "value", jreal(r->stat[j]), &bad);
    if (r->permutations_ran) {
      put(s, "c0", json_integer(r->counter[j][0]), &bad);
      put(s, "c1", json_integer(r->counter[j][1]), &bad);
      put(s, "c2", json_integer(r->counter[j][2]), &bad);
      put(s, "pass", json_boolean(r->stat_pass[j]), &bad);
    }
    put(stats, mb_iid_stat_key((enum mb_iid_stat)j), s, &bad);
  }
  put(perm, "statistics", stats, &bad);
  put(o, "permutation_tests", perm, &bad);

  chi = json_object();
  put(chi, "pass", json_boolean(r->chi_square_pass), &bad);
  put(chi, "independence", chisq_json(&r->independence, &bad), &bad);
  put(chi, "goodness_of_fit", chisq_json(&r->goodness_of_fit, &bad), &bad);
  put(o, "chi_square", chi, &bad);

  lrs = json_object();
  put(lrs, "w", ju64(r->lrs_w), &bad);
  put(lrs, "p_col", jreal(r->lrs_p_col), &bad);
  put(lrs, "pr_at_least_one", jreal(r->lrs_pr), &bad);
  put(lrs, "pass", json_boolean(r->lrs_pass), &bad);
  put(o, "lrs_test", lrs, &bad);

  mcv = json_object();
  put(mcv, "literal", mcv_json(&r->mcv_literal, &bad), &bad);
  if (!r->binary)
    put(mcv, "bitstring", mcv_json(&r->mcv_bitstring, &bad), &bad);
  put(o, "mcv", mcv, &bad);
  if (bad) {
    json_decref(o);
    return NULL;
  }
  return o;
}

int mb_health_flagged(const struct mb_health_cutoffs *c,
                      const struct mb_health_counts *k)
{
  if (!k || c->rct == 0)
    return 0;
  return mb_health_poisson_tail(k->rct_fired, mb_health_expected_rct(k, c->alpha)) <
             MB_HEALTH_FLAG_P ||
         mb_health_poisson_tail(k->apt_fired, mb_health_expected_apt(k, c->alpha)) <
             MB_HEALTH_FLAG_P;
}

json_t *mb_health_json(const struct mb_health_cutoffs *c,
                       const struct mb_health_counts *k)
{
  json_t *o = json_object();
  int bad = !o;

  if (bad)
    return NULL;
  put(o, "h", jreal(c->h), &bad);
  put(o, "alpha", jreal(c->alpha), &bad);
  put(o, "rct_cutoff", ju64(c->rct), &bad);
  put(o, "apt_cutoff", ju64(c->apt), &bad);
  put(o, "apt_window", json_integer(c->window), &bad);
  if (k) {
    put(o, "samples", ju64(k->samples), &bad);
    put(o, "rct_fired", ju64(k->rct_fired), &bad);
    put(o, "rct_expected", jreal(mb_health_expected_rct(k, c->alpha)), &bad);
    put(o, "apt_fired", ju64(k->apt_fired), &bad);
    put(o, "apt_windows", ju64(k->apt_windows), &bad);
    put(o, "apt_expected", jreal(mb_health_expected_apt(k, c->alpha)), &bad);
    put(o, "flagged", json_boolean(mb_health_flagged(c, k)), &bad);
  }
  if (bad) {
    json_decref(o);
    return NULL;
  }
  return o;
}
