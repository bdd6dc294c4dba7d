/* What `vpcsim run -o` writes besides the summary: the scenario's `output:` block (records,
 * spans, series_bin), then --records, --spans and --series-bin, then the caps that keep memory
 * and file size independent of the simulated duration (records and spans fractions halved until
 * the expected counts per run fit; at most RUN_MAX_BINS bins per series). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/results.h"
#include "vpcsim/aws/scenario.h"
#include "vpcsim/units.h"

enum {
    RECORDS_CAP = 200000,    /* request records per run */
    SPAN_CALLS_CAP = 100000, /* calls whose spans are kept per run (a few spans each) */
    RUN_MAX_BINS = 1000000,  /* bins of one series */
    DEFAULT_BINS = 2000      /* at most, by default */
};

/* The keys of the `output:` block are the scenario loader's (docs/scenario-keys.md). */
const config_keydef *output_plan_keys(void)
{
    return scenario_keydefs("output");
}

/* The scenario's `output:` block (if any) into o. Returns 0 or -1 with err set. */
static int read_block(const config_node *block, output_plan_asked *o, vs_error *err)
{
    if (!block) return 0;
    if (config_kind_of(block) != CONFIG_KIND_MAP)
        return config_error_at(block, err, "output: expected a map of records, spans, series_bin");
    if (config_check_keydefs(block, output_plan_keys(), err)) return -1;
    if (!o->has_records && config_find(block, "records") &&
        config_get_probability(block, "records", NULL, &o->records, err))
        return -1;
    if (!o->has_spans && config_find(block, "spans") &&
        config_get_probability(block, "spans", NULL, &o->spans, err))
        return -1;
    if (!o->has_bin && config_find(block, "series_bin")) {
        if (config_get_duration(block, "series_bin", NULL, &o->bin_ns, err)) return -1;
        if (o->bin_ns <= 0)
            return config_error_at(config_find(block, "series_bin"), err,
                                   "output.series_bin must be more than 0s");
        o->has_bin = true;
    }
    return 0;
}

/* Calls a second workload w may create at most, roughly (0: cannot tell). */
static double rate_bound(const topo_workload *w)
{
    if (!w->traffic) return 0;
    switch (w->arrival) {
    case ARRIVAL_POISSON:
    case ARRIVAL_CONSTANT:
    case ARRIVAL_ONOFF:
        return w->rate_per_s;
    case ARRIVAL_SCHEDULE: {
        const config_node *seq = config_find(w->traffic, "schedule");
        double top = 0, r;
        vs_error e;
        for (size_t i = 0; seq && i < config_len(seq); i++)
            if (config_get_rate(config_at(seq, i), "rate", NULL, &r, &e) == 0 && r > top) top = r;
        return top;
    }
    case ARRIVAL_CLOSED:
        return (double)w->clients / (w->think_ns > VS_NS_PER_MS ? (double)w->think_ns / 1e9 : 1e-3);
    case ARRIVAL_REPLAY:
        return 0;
    }
    return 0;
}

/* The most calls a second any architecture of any point creates. */
static double calls_per_s(const run_inputs *pts, size_t npoints)
{
    double top = 0;
    for (size_t p = 0; p < npoints; p++)
        for (size_t a = 0; a < pts[p].s->narchs; a++) {
            double sum = 0;
            const topology *t = &pts[p].s->archs[a];
            for (size_t w = 0; w < t->nworkloads; w++) sum += rate_bound(&t->workloads[w]);
            if (sum > top) top = sum;
        }
    return top;
}

/* The longest run: warm-up, duration and drain. */
static vs_time run_length(const run_inputs *pts, size_t npoints)
{
    vs_time top = 0;
    for (size_t p = 0; p < npoints; p++) {
        netmodel_config cfg = {.warmup_ns = pts[p].warmup_ns, .duration_ns = pts[p].duration_ns};
        for (size_t a = 0; a < pts[p].s->narchs; a++) {
            vs_time end = cfg.warmup_ns + cfg.duration_ns +
                          netmodel_drain_ns(&pts[p].s->archs[a], pts[p].params, &cfg);
            if (end > top) top = end;
        }
    }
    return top;
}

/* 200 bins over the warm-up and the window (where calls are made), but at most DEFAULT_BINS over
 * the whole run (the drain may be long: every attempt's timeout); whole milliseconds. */
static vs_time default_bin(const run_inputs *in, vs_time length)
{
    vs_time made = in->warmup_ns + in->duration_ns, bin = made / 200;
    if (bin < length / DEFAULT_BINS) bin = length / DEFAULT_BINS;
    bin = (bin + VS_NS_PER_MS - 1) / VS_NS_PER_MS * VS_NS_PER_MS;
    return bin > 0 ? bin : VS_NS_PER_MS;
}

/* f halved until expected x f is at most cap. */
static double capped(double f, double expected, double cap)
{
    for (int k = 0; k < 64 && f > 0 && expected * f > cap; k++) f /= 2;
    return f;
}

int output_plan_make(const run_inputs *pts, size_t npoints, const config_node *block,
                     const output_plan_asked *asked, output_plan *out, vs_error *err)
{
    output_plan_asked o = *asked;
    char d[32];
    if (!o.has_records) o.records = 1;
    if (!o.has_spans) o.spans = 0.01;
    if (read_block(block, &o, err)) return -1;
    memset(out, 0, sizeof *out);
    out->run_length_ns = run_length(pts, npoints);
    out->series_bin_ns = o.has_bin ? o.bin_ns : default_bin(&pts[0], out->run_length_ns);
    double bins = ceil((double)out->run_length_ns / (double)out->series_bin_ns);
    if (bins > RUN_MAX_BINS)
        return error_set(err, "series bin %s: %.0f bins per run, at most %d (choose a longer bin)",
                         units_format_duration(out->series_bin_ns, d, sizeof d), bins,
                         RUN_MAX_BINS);
    double rate = calls_per_s(pts, npoints);
    out->records_cap = RECORDS_CAP;
    out->records = capped(o.records, rate * (double)pts[0].duration_ns / 1e9, RECORDS_CAP);
    out->spans = capped(o.spans, rate * (double)out->run_length_ns / 1e9, SPAN_CALLS_CAP);
    return 0;
}
