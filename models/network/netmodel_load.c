/* The network model's side of partitioning (netmodel_impl.h): the events each locality group
 * (AZ, Region, site, internet) is expected to handle per simulated second, as hints for the
 * engine's partitioner, and the text that says how a run was partitioned (`vpcsim run
 * --verbose`). Setup and reporting only: workloads x ways x hops. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netmodel_impl.h"

/* Events of one call at its client (the arrival and the answer), and of one visit at a station
 * (arrival and departure): the constant factors of the estimate. */
#define CLIENT_EVENTS_PER_CALL   2.0
#define STATION_EVENTS_PER_VISIT 2.0

/* The calls per second workload wi is expected to make (a hint: the mean of its arrivals). */
static double calls_per_s(const netmodel *m, size_t wi)
{
    const client_params *p = &m->workload[wi].params;
    double horizon_s = (double)m->horizon_ns / 1e9, r = 0;
    switch (p->arrival) {
    case ARRIVAL_POISSON:
    case ARRIVAL_CONSTANT:
        return p->rate_per_s;
    case ARRIVAL_ONOFF:
        return p->rate_per_s * (double)p->on_ns / (double)(p->on_ns + p->off_ns + 1);
    case ARRIVAL_SCHEDULE:
        for (uint32_t i = 0; i < p->nsteps; i++)
            if (p->steps[i].rate_per_s > r) r = p->steps[i].rate_per_s;
        return r;
    case ARRIVAL_REPLAY:
        return horizon_s > 0 ? (double)p->nreplay / horizon_s : 0;
    case ARRIVAL_CLOSED: /* each client: a think time and about a millisecond in flight */
        return (double)p->clients * 1e9 / ((double)p->think_ns + 1e6);
    }
    return 0;
}

/* Adds `rate` visits per second of each hop of route r to the groups' loads. */
static void add_route(const netmodel *m, uint16_t r, double rate, double *load)
{
    const flow_route *route = &m->flow_routes[r];
    for (uint16_t h = 0; h < route->len; h++)
        load[m->stations[route->hops[h]].group] += rate * STATION_EVENTS_PER_VISIT;
}

/* Adds the load of workload wi (its calls over the ways of the fault-free state) to load[]. */
static void add_workload(const netmodel *m, size_t wi, double *load)
{
    const client_params *p = &m->workload[wi].params;
    double calls = calls_per_s(m, wi), before = 0;
    uint32_t first = p->ways ? p->ways[0].first : 0, n = p->ways ? p->ways[0].n : p->nalts;
    if (!(calls > 0)) return;
    load[m->workload[wi].group] += calls * CLIENT_EVENTS_PER_CALL;
    for (uint32_t a = first; a < first + n; a++) {
        double share = calls * (p->alts[a].cum_weight - before);
        before = p->alts[a].cum_weight;
        if (!(share > 0)) continue;
        add_route(m, p->alts[a].route, share, load);
        if (p->handshakes) add_route(m, p->alts[a].hs_route, share * p->handshakes, load);
    }
}

int netmodel_load_hints(netmodel *m)
{
    double *load = calloc(m->ngroups, sizeof *load);
    if (!load) return error_set(m->err, "out of memory");
    for (size_t wi = 0; wi < m->t->nworkloads; wi++)
        if (m->out->workloads[wi].active) add_workload(m, wi, load);
    int rc = 0;
    for (uint32_t g = 0; g < m->ngroups && rc == 0; g++)
        rc = engine_set_group_load(m->engine, g, load[g] < 1e18 ? load[g] : 1e18, m->err);
    free(load);
    return rc;
}

/* ---- the report ------------------------------------------------------------------------------ */

static const char *group_name(const netmodel *m, uint32_t g)
{
    const topology *t = m->t;
    if (g < t->nazs) return t->azs[g].name;
    if (g < t->nazs + t->nregions) return t->regions[g - t->nazs].name;
    if (g < t->nazs + t->nregions + t->nsites) return t->sites[g - t->nazs - t->nregions].name;
    return "internet";
}

/* A growing text. */
typedef struct text {
    char *s;
    size_t len, cap;
    bool failed;
} text;

static void text_add(text *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void text_add(text *x, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (x->failed || n < 0) return;
    if (x->len + (size_t)n + 1 > x->cap) {
        size_t cap = (x->len + (size_t)n + 1) * 2;
        char *s = realloc(x->s, cap);
        if (!s) {
            x->failed = true;
            return;
        }
        x->s = s, x->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(x->s + x->len, x->cap - x->len, fmt, ap);
    va_end(ap);
    x->len += (size_t)n;
}

static void text_time(text *x, vs_time ns)
{
    if (ns >= VS_TIME_LIMIT / 8)
        text_add(x, "none");
    else if (ns >= VS_NS_PER_MS)
        text_add(x, "%.3g ms", (double)ns / 1e6);
    else
        text_add(x, "%.3g us", (double)ns / 1e3);
}

/* LPs in each group: stations, then clients. */
static void count_lps(const netmodel *m, uint64_t *lps)
{
    for (size_t i = 0; i < m->nstations; i++) lps[m->stations[i].group]++;
    for (size_t wi = 0; wi < m->t->nworkloads; wi++)
        if (m->out->workloads[wi].active) lps[m->workload[wi].group]++;
}

static void describe_partitions(const netmodel *m, const uint64_t *lps, int np, text *x)
{
    for (int p = 0; p < np; p++) {
        uint64_t n = 0;
        text_add(x, "  partition %d:", p);
        for (uint32_t g = 0; g < m->ngroups; g++)
            if (lps[g] && engine_group_partition(m->engine, g) == p)
                text_add(x, " %s", group_name(m, g)), n += lps[g];
        text_add(x, " (%llu LPs)\n", (unsigned long long)n);
    }
    for (int a = 0; a < np; a++)
        for (int b = a + 1; b < np; b++) {
            vs_time la = VS_TIME_LIMIT;
            for (uint32_t g = 0; g < m->ngroups; g++)
                for (uint32_t h = 0; h < m->ngroups; h++) {
                    int pg = lps[g] ? engine_group_partition(m->engine, g) : -1,
                        ph = lps[h] ? engine_group_partition(m->engine, h) : -1;
                    if (((pg == a && ph == b) || (pg == b && ph == a)) &&
                        engine_lookahead(m->engine, g, h) < la)
                        la = engine_lookahead(m->engine, g, h);
                }
            text_add(x, "  lookahead between partitions %d and %d: ", a, b);
            text_time(x, la);
            text_add(x, "\n");
        }
}

char *netmodel_load_describe(const netmodel *m)
{
    const engine_stats *st = engine_get_stats(m->engine);
    uint64_t *lps = calloc(m->ngroups, sizeof *lps);
    text x = {0};
    if (!lps) return NULL;
    count_lps(m, lps);
    if (st->ranks > 1) /* partition p ran on rank p */
        text_add(&x, "partitions: %d over %d ranks (partition p on rank p): %s\n",
                 st->planned_partitions, st->ranks, engine_split_text(st->split));
    else
        text_add(&x, "partitions: %d on %d thread%s: %s\n", st->planned_partitions, m->cfg->threads,
                 m->cfg->threads == 1 ? "" : "s", engine_split_text(st->split));
    text_add(&x, "  window ");
    text_time(&x, st->window_ns);
    text_add(&x, ", about %.3g events per window expected (load hints), estimated gain %.2fx\n",
             st->est_window_events, st->est_gain);
    if (st->windows)
        text_add(&x,
                 "  %llu windows, %.3g events per window measured; %llu of %llu events split, "
                 "%llu changes between split and one thread (by measured speed)\n",
                 (unsigned long long)st->windows, (double)st->split_events / (double)st->windows,
                 (unsigned long long)st->split_events, (unsigned long long)st->events,
                 (unsigned long long)st->switches);
    text_add(&x,
             "  %llu of %llu events handled at once (a station's end of service when nothing "
             "else of its partition comes first: no trip through the event list)\n",
             (unsigned long long)st->at_once, (unsigned long long)st->events);
    if (st->windows && st->threads < st->partitions)
        text_add(&x,
                 "  OpenMP gave %d thread%s for %d partitions (OMP_THREAD_LIMIT, OMP_DYNAMIC or a "
                 "nested region): a thread ran several\n",
                 st->threads, st->threads == 1 ? "" : "s", st->partitions);
    describe_partitions(m, lps, st->planned_partitions, &x);
    free(lps);
    if (x.failed) free(x.s);
    return x.failed ? NULL : x.s;
}
