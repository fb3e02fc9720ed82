/* iid_json.h: the JSON shapes of the IID track and of the health-test
 * cut-offs and replays, as `mebench assess --iid --json` prints them and
 * run.json records them (results/README.md). */
#ifndef MB_RECORD_IID_JSON_H
#define MB_RECORD_IID_JSON_H

#include <jansson.h>

#include "health.h"
#include "iid.h"

/* The whole IID result: new reference, NULL on allocation failure. The
 * top-level keys `iid` and `h_assessed` are always present. */
json_t *mb_iid_json(const struct mb_iid_result *r);

/* The verdict in words: whether h_assessed applies and why not. Static. */
const char *mb_iid_verdict(const struct mb_iid_result *r);

/* Cut-offs ({"h", "alpha", "rct_cutoff", "apt_cutoff", "apt_window"}) and,
 * when counts is not NULL, the replay counts with their expectations:
 * new reference, NULL on allocation failure. */
json_t *mb_health_json(const struct mb_health_cutoffs *c,
                       const struct mb_health_counts *counts);

/* A replay is flagged when a test fired so often that a Poisson count
 * with the expected mean reaches it with probability below this. */
#define MB_HEALTH_FLAG_P 0.001

/* 1 when either test fired far more often than alpha predicts. */
int mb_health_flagged(const struct mb_health_cutoffs *c,
                      const struct mb_health_counts *counts);

#endif
