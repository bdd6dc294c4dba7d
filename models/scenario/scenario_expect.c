/* The `expect:` list of a scenario (what must hold of the results, evaluated by `vpcsim run`):
 * each entry's metric, workload, architecture, component and bound checked against every built
 * architecture, so that `vpcsim check` reports a bad entry at its file:line:col. A handful of
 * entries. */
#include <string.h>

#include "scenario_impl.h"
#include "vpcsim/units.h"

typedef enum bound_kind { B_DURATION, B_SHARE, B_RATE, B_MONEY } bound_kind;

static const struct {
    const char *name;    /* metric: value */
    const char *summary; /* the /summary metric */
    bound_kind bound;    /* how below/above read */
    bool per_workload;   /* needs workload:; else none */
} metrics[EXPECT_METRIC_COUNT] = {
    [EXPECT_MEAN] = {"mean", "mean", B_DURATION, true},
    [EXPECT_P50] = {"p50", "p50", B_DURATION, true},
    [EXPECT_P90] = {"p90", "p90", B_DURATION, true},
    [EXPECT_P99] = {"p99", "p99", B_DURATION, true},
    [EXPECT_P999] = {"p99.9", "p99.9", B_DURATION, true},
    [EXPECT_SUCCESS] = {"success", "success_ratio", B_SHARE, true},
    [EXPECT_COMPLETED] = {"completed", "completed", B_RATE, true},
    [EXPECT_COST] = {"cost", "monthly_total", B_MONEY, false},
    [EXPECT_UTILISATION] = {"utilisation", "utilisation", B_SHARE, false},
};

const char *scenario_expect_metric_name(expect_metric m)
{
    return (unsigned)m < EXPECT_METRIC_COUNT ? metrics[m].name : "?";
}

const char *scenario_expect_summary_metric(expect_metric m)
{
    return (unsigned)m < EXPECT_METRIC_COUNT ? metrics[m].summary : "?";
}

/* The bound at node in the metric's unit (ms for durations, "$500/month" read as $500). */
static int read_bound(const config_node *node, bound_kind k, double *out, vs_error *err)
{
    int64_t ns;
    char money[64];
    const char *text = config_scalar(node);
    switch (k) {
    case B_DURATION:
        if (config_as_duration(node, &ns, err)) return -1;
        *out = (double)ns / 1e6;
        return 0;
    case B_SHARE:
        return config_as_probability(node, out, err);
    case B_RATE:
        return config_as_rate(node, out, err);
    case B_MONEY:
        if (text && strlen(text) > 6 && strcmp(text + strlen(text) - 6, "/month") == 0) {
            snprintf(money, sizeof money, "%.*s", (int)(strlen(text) - 6), text);
            if (units_parse_money(money, out, err) == 0) return 0;
            return config_error_at(node, err,
                                   "expect: a monthly cost such as $500 or "
                                   "$500/month, got '%s'",
                                   text);
        }
        return config_as_money(node, out, err);
    }
    return -1;
}

static bool arch_has_workload(const topology *t, const char *name)
{
    for (size_t w = 0; w < t->nworkloads; w++)
        if (strcmp(t->workloads[w].name, name) == 0) return true;
    return false;
}

/* architecture: and workload: name what exists (the workload in that architecture, or in one). */
static int check_names(sc_loader *ld, const config_node *map, const scenario_expect *e)
{
    int a = -1;
    if (e->architecture) {
        for (size_t i = 0; i < ld->narchs && a < 0; i++)
            if (strcmp(ld->topos[i].name, e->architecture) == 0) a = (int)i;
        if (a < 0)
            return config_error_at(config_find(map, "architecture"), ld->err,
                                   "expect: unknown architecture '%s'", e->architecture);
    }
    if (!e->workload) return 0;
    for (size_t i = 0; i < ld->narchs; i++)
        if ((a < 0 || (size_t)a == i) && arch_has_workload(&ld->topos[i], e->workload)) return 0;
    return config_error_at(config_find(map, "workload"), ld->err,
                           "expect: unknown workload '%s'%s%s", e->workload,
                           a >= 0 ? " in architecture " : "", a >= 0 ? e->architecture : "");
}

/* The keys that go with the metric: workload for the per-workload ones, component for
 * utilisation, exactly one of below and above. */
static int check_keys(sc_loader *ld, const config_node *map, expect_metric m)
{
    const config_node *wl = config_find(map, "workload"), *comp = config_find(map, "component");
    bool below = config_find(map, "below") != NULL, above = config_find(map, "above") != NULL;
    if (metrics[m].per_workload && !wl)
        return config_error_at(map, ld->err, "expect: metric %s needs a workload", metrics[m].name);
    if (!metrics[m].per_workload && wl)
        return config_error_at(wl, ld->err, "expect: metric %s has no workload", metrics[m].name);
    if ((m == EXPECT_UTILISATION) != (comp != NULL))
        return config_error_at(comp ? comp : map, ld->err,
                               comp ? "expect: component goes with metric utilisation only"
                                    : "expect: metric utilisation needs a component");
    if (below == above)
        return config_error_at(map, ld->err, "expect: give %s of below and above",
                               below ? "only one" : "one");
    return 0;
}

static int read_expect(sc_loader *ld, const config_node *map, scenario_expect *e)
{
    int m;
    static const char *const names[] = {"mean",    "p50",       "p90",  "p99",         "p99.9",
                                        "success", "completed", "cost", "utilisation", NULL};
    if (config_kind_of(map) != CONFIG_KIND_MAP)
        return config_error_at(map, ld->err,
                               "expect: each entry is a map such as {workload: "
                               "get, metric: p99, below: 120ms}");
    if (sc_check_keys(map, SEC_EXPECT, ld->err)) return -1;
    const config_node *mn = config_find(map, "metric");
    if (!mn) return config_error_at(map, ld->err, "expect: missing required key 'metric'");
    if (config_as_enum(mn, names, &m, ld->err)) return -1;
    if (check_keys(ld, map, (expect_metric)m)) return -1;
    *e = (scenario_expect){.metric = (expect_metric)m,
                           .file = config_file(map),
                           .line = config_line(map),
                           .col = config_col(map)};
    if (sc_get_string(map, SEC_EXPECT, "workload", &e->workload, ld->err) ||
        sc_get_string(map, SEC_EXPECT, "architecture", &e->architecture, ld->err) ||
        sc_get_string(map, SEC_EXPECT, "component", &e->component, ld->err))
        return -1;
    if (e->workload && !*e->workload) e->workload = NULL;
    if (e->architecture && !*e->architecture) e->architecture = NULL;
    if (e->component && !*e->component) e->component = NULL;
    const config_node *b = config_find(map, "below");
    e->below = b != NULL;
    if (!b) b = config_find(map, "above");
    e->bound_text = config_scalar(b);
    if (read_bound(b, metrics[m].bound, &e->bound, ld->err) || check_names(ld, map, e)) return -1;
    return e->component
               ? sc_check_component(ld, config_find(map, "component"), e->component, "expect")
               : 0;
}

int sc_load_expects(sc_loader *ld, const config_node *seq, scenario *s)
{
    size_t n = seq ? config_len(seq) : 0;
    if (n == 0) return 0;
    scenario_expect *e = arena_alloc(ld->arena, n, sizeof *e);
    if (!e) return config_error_at(seq, ld->err, "out of memory");
    for (size_t i = 0; i < n; i++)
        if (read_expect(ld, config_at(seq, i), &e[i])) return -1;
    s->expects = e, s->nexpects = n;
    return 0;
}
