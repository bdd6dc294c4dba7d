/* run.precision and run.warmup: auto (include/vpcsim/aws/precision.h): read once, so that
 * `vpcsim check` and `vpcsim run` accept and refuse the same blocks at the same positions. */
#include <stdio.h>
#include <string.h>

#include "vpcsim/aws/precision.h"

/* Indexed by precision_metric; the names are /summary's workload metrics. */
static const char *const metric_names[PRECISION_METRIC_COUNT + 1] = {
    [PRECISION_MEAN] = "mean",
    [PRECISION_P50] = "p50",
    [PRECISION_P90] = "p90",
    [PRECISION_P99] = "p99",
    [PRECISION_P999] = "p99.9",
    [PRECISION_SUCCESS_RATIO] = "success_ratio",
    [PRECISION_COMPLETED] = "completed",
    [PRECISION_METRIC_COUNT] = NULL,
};

enum { PRECISION_CAP = 100000 }; /* run.replications' own limit */

const config_keydef precision_keys[] = {
    {"metric", CONFIG_TYPE_ENUM, "mean|p50|p90|p99|p99.9|success_ratio|completed", NULL,
     "the workload metric whose interval is judged (as /summary names it)"},
    {"relative_half_width", CONFIG_TYPE_PROBABILITY, "0..1, e.g. 2%", NULL,
     "target: the interval's half-width over |mean|, for every workload with traffic"},
    {"confidence", CONFIG_TYPE_PROBABILITY, "0..1, e.g. 95%", "95%",
     "level of the Student-t interval over replications"},
    {"min_replications", CONFIG_TYPE_INT, "2..100000", "",
     "the first batch; none: run.replications (at least 2)"},
    {"max_replications", CONFIG_TYPE_INT, "2..100000", "200",
     "the cap: a point stops there, target met or not"},
    {NULL, CONFIG_TYPE_STRING, NULL, NULL, NULL},
};

const char *precision_metric_name(precision_metric m)
{
    return (unsigned)m < PRECISION_METRIC_COUNT ? metric_names[m] : "?";
}

bool precision_warmup_auto(const config_node *run)
{
    const config_node *w = run ? config_find(run, "warmup") : NULL;
    return w && config_scalar(w) && strcmp(config_scalar(w), "auto") == 0;
}

/* A share strictly inside (0, 1) (a target of 0 or 100% means nothing). */
static int read_open_share(const config_node *p, const char *key, const char *dflt, double *out,
                           vs_error *err)
{
    if (config_get_probability(p, key, dflt, out, err)) return -1;
    if (*out > 0 && *out < 1) return 0;
    return config_error_at(config_find(p, key), err,
                           "run.precision.%s must be between 0%% and "
                           "100%% (both excluded), got %s",
                           key, config_scalar(config_find(p, key)));
}

int precision_read(const config_node *run, int64_t default_min, precision_rule *out, vs_error *err)
{
    const config_node *p = run ? config_find(run, "precision") : NULL;
    int m;
    memset(out, 0, sizeof *out);
    if (!p) return 0;
    if (config_kind_of(p) != CONFIG_KIND_MAP)
        return config_error_at(p, err,
                               "run.precision: expected a map of metric, "
                               "relative_half_width, confidence, min_replications, "
                               "max_replications");
    if (config_check_keydefs(p, precision_keys, err) ||
        config_get_enum(p, "metric", NULL, metric_names, &m, err) ||
        read_open_share(p, "relative_half_width", NULL, &out->relative_half_width, err) ||
        read_open_share(p, "confidence", "95%", &out->confidence, err))
        return -1;
    out->metric = (precision_metric)m;
    char dmin[24];
    snprintf(dmin, sizeof dmin, "%lld", (long long)(default_min < 2 ? 2 : default_min));
    if (config_get_int(p, "min_replications", dmin, 2, PRECISION_CAP, &out->min_replications,
                       err) ||
        config_get_int(p, "max_replications", "200", 2, PRECISION_CAP, &out->max_replications, err))
        return -1;
    if (out->max_replications < out->min_replications)
        return config_error_at(
            config_find(p, "max_replications")   ? config_find(p, "max_replications")
            : config_find(p, "min_replications") ? config_find(p, "min_replications")
                                                 : p,
            err,
            "run.precision: max_replications (%lld) is below "
            "min_replications (%lld)",
            (long long)out->max_replications, (long long)out->min_replications);
    out->on = true;
    return 0;
}
