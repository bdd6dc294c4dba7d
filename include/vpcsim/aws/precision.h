/* The run settings that make `vpcsim run` adapt to its results: `run.precision` (add
 * replications until every workload's confidence interval of a metric is narrow enough, or a cap)
 * and `run.warmup: auto` (each run's warm-up chosen by MSER-5). Read here once, for the loader's
 * checks (file:line:col errors) and for sim/cli/run_precision.c, which applies them. */
#ifndef VPCSIM_AWS_PRECISION_H
#define VPCSIM_AWS_PRECISION_H

#include <stdbool.h>
#include <stdint.h>

#include "vpcsim/config.h"
#include "vpcsim/error.h"

/* The metrics a precision target may name: each is a /summary workload metric of that name. */
typedef enum precision_metric {
    PRECISION_MEAN,
    PRECISION_P50,
    PRECISION_P90,
    PRECISION_P99,
    PRECISION_P999,
    PRECISION_SUCCESS_RATIO,
    PRECISION_COMPLETED,
    PRECISION_METRIC_COUNT
} precision_metric;

/* run.precision as read (on: the block is there). */
typedef struct precision_rule {
    bool on;
    precision_metric metric;
    double relative_half_width; /* target: half-width / |mean|, in (0, 1] */
    double confidence;          /* level of the interval the target is judged on, in (0, 1) */
    int64_t min_replications;   /* the first batch (>= 2) */
    int64_t max_replications;   /* the cap (>= min_replications) */
} precision_rule;

/* The /summary name of metric m ("p99", "success_ratio"). */
const char *precision_metric_name(precision_metric m);

/* run.precision of the `run:` map (NULL: none) into out; min_replications defaults to
 * default_min (the run's replications) raised to 2. Returns 0 (out->on false when absent), or -1
 * with err at the offending key (`file:line:col: ...`). */
int precision_read(const config_node *run, int64_t default_min, precision_rule *out, vs_error *err);

/* Whether run.warmup is `auto` (MSER-5 per run) rather than a duration. */
bool precision_warmup_auto(const config_node *run);

/* The keys of run.precision (for the loader's key table and the reference). */
extern const config_keydef precision_keys[];

#endif
