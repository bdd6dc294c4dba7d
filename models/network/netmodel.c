/* The engine model of one architecture (include/vpcsim/aws/netmodel.h): every workload's path,
 * resolved by models/paths/paths.c, becomes routes over station LPs (found or made per component
 * instance and AZ) with the latency of the links between them; the response comes back over the
 * same hops in reverse. Setup cost is proportional to workloads x alternatives x hops (tens to
 * thousands); nothing here runs per event.
 *
 * Modelling choices, each visible in a station or link:
 * - gateway endpoints, peering, virtual private gateways and internet gateways are pass-throughs:
 *   no LP; their added latency joins the link out of them, and the link into them is dropped
 *   (a route-table target, not another trip across the network); the customer router is a
 *   pass-through that keeps its on-premises link;
 * - bandwidth stations (NAT, interface endpoint ENI, TGW, DX, VPN) are one processor-sharing
 *   server at their capacity; a lone flow moves at the route's rate (the least of EC2's
 *   single-flow limit and the stations' capacities), so the part of its transfer time the
 *   stations do not already give is a constant on the route's first link (request) and last link
 *   (response), counted once per exchange however many stations it crosses. NAT and interface
 *   endpoints are taken at their scaled-up capacity (bandwidth_max): runs model the steady state
 *   after AWS's scale-up;
 * - services, NLBs and internet hosts are FIFO stations with `servers` (-1, the default: many
 *   servers, no capacity limit), their latency as service time; private services, internet
 *   hosts and NLBs also have a `queue_capacity`;
 * - limits: `queue_capacity` bounds the waiting room of NAT, endpoint, TGW, DX, VPN and NLB
 *   stations (more are dropped); the S3 station keeps a token bucket per (prefix, GET or PUT
 *   class) at get_per_prefix / put_per_prefix and throttles beyond it; a NAT station counts the
 *   connections to each internet destination (IP, port) of workloads without connection reuse,
 *   held while a message of the call is beyond the NAT (no TIME_WAIT), and refuses one over
 *   connections_per_destination x its IPs (cause `port allocation`). */
#include "netmodel_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_LOOKAHEAD (VS_TIME_LIMIT / 4) /* group pairs no request ever crosses */

/* ---- parameters ------------------------------------------------------------------------------ */

const param_value *netmodel_param(netmodel *m, const char *kind, const char *inst, const char *name)
{
    const param_value *v = params_get(m->params, kind, inst, name);
    if (!v) error_set(m->err, "parameter %s.%s is not in the registry (a model bug)", kind, name);
    return v;
}

const dist *netmodel_param_dist(netmodel *m, const char *kind, const char *inst, const char *name)
{
    const param_value *v = netmodel_param(m, kind, inst, name);
    return v ? v->dist : NULL;
}

double netmodel_param_bitrate(netmodel *m, const char *kind, const char *inst, const char *name)
{
    const param_value *v = netmodel_param(m, kind, inst, name);
    return v ? v->x : NAN;
}

/* ---- the model ------------------------------------------------------------------------------- */

/* Sizes: every workload may use PATH_MAX_ALTS ways of the fault-free state plus the extra ways of
 * the other states, each way a request route and a handshake route. */
static size_t max_routes(const netmodel *m, size_t nw)
{
    return nw * PATH_MAX_ALTS * 2 + m->extra_fault_ways * 2;
}

static int stations_alloc(netmodel *m, size_t nw)
{
    m->station_cap = nw * PATH_MAX_ALTS * PATH_MAX_HOPS + m->extra_fault_ways * (PATH_MAX_HOPS + 1);
    m->stations = calloc(m->station_cap, sizeof *m->stations);
    return m->stations ? 0 : -1;
}

static void stations_free(netmodel *m)
{
    for (size_t i = 0; m->stations && i < m->nstations; i++)
        free(m->stations[i].component.series), free(m->stations[i].component.spans.v);
    free(m->stations);
}

/* The flow table's routes, their records, the packed hops and links they point into, and the
 * limit tables stations read per route. */
static int routes_alloc(netmodel *m, size_t nw)
{
    m->route_cap = max_routes(m, nw);
    m->route_hop_cap = m->route_cap * 2 * PATH_MAX_HOPS;
    m->route_link_cap = m->route_hop_cap + m->route_cap;
    if (!(m->flow_routes = calloc(m->route_cap, sizeof *m->flow_routes)) ||
        !(m->route = calloc(m->route_cap, sizeof *m->route)) ||
        !(m->route_hops = calloc(m->route_hop_cap, sizeof *m->route_hops)) ||
        !(m->route_links = calloc(m->route_link_cap, sizeof *m->route_links)) ||
        !(m->route_bucket = calloc(m->route_cap, sizeof *m->route_bucket)) ||
        !(m->route_tokens = calloc(m->route_cap, sizeof *m->route_tokens)) ||
        !(m->route_conn = calloc(m->route_cap, sizeof *m->route_conn)))
        goto fail;
    m->flows = (flow_table){m->flow_routes, 0};
    return 0;
fail:
    free(m->flow_routes), free(m->route), free(m->route_hops), free(m->route_links);
    free(m->route_bucket), free(m->route_conn), free(m->route_tokens);
    m->flow_routes = NULL, m->route = NULL, m->route_hops = NULL, m->route_links = NULL;
    m->route_bucket = m->route_conn = NULL;
    m->route_tokens = NULL;
    return -1;
}

static void routes_free(netmodel *m)
{
    free(m->flow_routes), free(m->route), free(m->route_hops), free(m->route_links);
    free(m->route_bucket), free(m->route_conn), free(m->route_tokens);
}

/* The per-workload records, each pointing at its share of the ways (ways_per_workload each). */
static int workloads_alloc(netmodel *m, size_t nw)
{
    if (!(m->workload = calloc(nw, sizeof *m->workload)) ||
        !(m->all_ways = calloc(nw * m->ways_per_workload, sizeof *m->all_ways)) ||
        !(m->all_way_stations = calloc(nw * m->ways_per_workload, sizeof *m->all_way_stations)) ||
        !(m->all_exchanges = calloc(nw * m->ways_per_workload * 2, sizeof *m->all_exchanges)))
        goto fail;
    for (size_t wi = 0; wi < nw; wi++) {
        m->workload[wi].ways = m->all_ways + wi * m->ways_per_workload;
        m->workload[wi].way_stations = m->all_way_stations + wi * m->ways_per_workload;
        m->workload[wi].exchanges = m->all_exchanges + wi * m->ways_per_workload * 2;
    }
    return 0;
fail:
    free(m->workload), free(m->all_ways), free(m->all_way_stations), free(m->all_exchanges);
    m->workload = NULL, m->all_ways = NULL, m->all_way_stations = NULL, m->all_exchanges = NULL;
    return -1;
}

static void workloads_free(netmodel *m, size_t nw)
{
    for (size_t wi = 0; m->workload && wi < nw; wi++) {
        netmodel_client *c = &m->workload[wi];
        rng_free(c->arrivals);
        free(c->steps), free(c->replay), free(c->state_ways);
    }
    free(m->workload), free(m->all_ways), free(m->all_way_stations), free(m->all_exchanges);
}

/* The limit keys: at most one service bucket (S3 prefix, DynamoDB table, Kinesis stream) and one
 * NAT destination per workload. */
static int limits_alloc(netmodel *m, size_t nw)
{
    if (!(m->buckets = calloc(nw, sizeof *m->buckets)) ||
        !(m->bucket_rate = calloc(nw, sizeof *m->bucket_rate)) ||
        !(m->nat_dests = calloc(nw, sizeof *m->nat_dests)))
        goto fail;
    return 0;
fail:
    free(m->buckets), free(m->bucket_rate), free(m->nat_dests);
    m->buckets = NULL, m->bucket_rate = NULL, m->nat_dests = NULL;
    return -1;
}

static void limits_free(netmodel *m)
{
    free(m->buckets), free(m->bucket_rate), free(m->nat_dests);
}

static int model_alloc(netmodel *m)
{
    const topology *t = m->t;
    size_t nw = t->nworkloads ? t->nworkloads : 1;
    m->ngroups = (uint32_t)(t->nazs + t->nregions + t->nsites + 1);
    if (stations_alloc(m, nw) || routes_alloc(m, nw) || workloads_alloc(m, nw) ||
        limits_alloc(m, nw) ||
        !(m->lookahead = calloc((size_t)m->ngroups * m->ngroups, sizeof *m->lookahead)) ||
        !(m->dists = dist_set_new()) ||
        !(m->out->workloads = calloc(nw, sizeof *m->out->workloads)))
        return error_set(m->err, "out of memory");
    if (m->ngroups > 1024)
        return error_set(m->err, "too many AZs, Regions and sites (%u groups, at most 1024)",
                         m->ngroups);
    return 0;
}

static void model_free(netmodel *m)
{
    size_t nw = m->t->nworkloads ? m->t->nworkloads : 1;
    engine_free(m->engine);
    stations_free(m);
    routes_free(m);
    workloads_free(m, nw);
    limits_free(m);
    free(m->lookahead), free(m->fault_windows), free(m->fault_latency);
    netmodel_faults_plan_free(&m->fault_plan);
    dist_set_free(m->dists);
}

static int build_workloads(netmodel *m)
{
    netmodel_result *out = m->out;
    out->nworkloads = m->t->nworkloads;
    for (size_t wi = 0; wi < m->t->nworkloads; wi++) {
        const topo_workload *w = &m->t->workloads[wi];
        netmodel_workload *rw = &out->workloads[wi];
        rw->name = w->name;
        if (paths_resolve(m->t, wi, NULL, &m->workload[wi].path, m->err)) return -1;
        rw->verdict = m->workload[wi].path.verdict;
        rw->active = w->traffic != NULL;
        if (!rw->active) continue;
        if (netmodel_clients_make(m, wi)) return -1;
        if (m->nstates > 1 && rw->verdict == VERDICT_REACHABLE &&
            netmodel_faults_workload_states(m, wi))
            return -1;
        rw->nalts = m->workload[wi].params.nalts;
    }
    if (m->nroutes > UINT16_MAX) return error_set(m->err, "more than 65535 routes");
    m->flows.count = (uint16_t)m->nroutes;
    netmodel_routes_drop_timing(m);
    return netmodel_limits_build(m) || netmodel_faults_stations(m) ? -1 : 0;
}

/* ---- observation ----------------------------------------------------------------------------- */

/* Time series and span buffers of every station, and each client's observer (cfg). Returns 0 or
 * -1. The buffers belong to m->stations[i].component until collect() hands them to the result. */
static int observation_setup(netmodel *m)
{
    const netmodel_config *cfg = m->cfg;
    for (size_t wi = 0; cfg->observers && wi < m->t->nworkloads; wi++)
        m->workload[wi].params.observer = &cfg->observers[wi];
    if (cfg->series_bin_ns < 0 || !(cfg->span_rate >= 0 && cfg->span_rate <= 1))
        return error_set(m->err, "run: series bin must be >= 0 and span rate in [0, 1]");
    vs_time bins =
        cfg->series_bin_ns > 0 ? (m->end_ns + cfg->series_bin_ns - 1) / cfg->series_bin_ns : 0;
    if (bins > UINT32_MAX) return error_set(m->err, "run: more than 2^32 time series bins");
    for (size_t i = 0; i < m->nstations; i++) {
        netmodel_station *s = &m->stations[i];
        if (bins > 0) {
            if (!(s->component.series = calloc((size_t)bins, sizeof *s->component.series)))
                return error_set(m->err, "out of memory");
            s->component.nbins = (uint32_t)bins;
            s->config.series_bin_ns = cfg->series_bin_ns;
            s->config.series = s->component.series;
            s->config.nbins = s->component.nbins;
        }
        if (cfg->span_rate > 0) {
            s->config.span_rate = cfg->span_rate;
            s->config.spans = &s->component.spans;
        }
    }
    return 0;
}

static int add_lps(netmodel *m)
{
    if (observation_setup(m)) return -1;
    engine_opts o = {.threads = m->cfg->threads,
                     .queue = m->cfg->queue,
                     .seed = m->cfg->seed,
                     .split_always = m->cfg->split_always,
                     .ranks = m->cfg->ranks};
    if (!(m->engine = engine_new(&o, m->err))) return -1;
    for (size_t i = 0; i < m->nstations; i++)
        if (station_add(m->engine, m->stations[i].component.name, m->stations[i].group,
                        &m->stations[i].config, m->err) != (int64_t)i)
            return -1;
    for (size_t wi = 0; wi < m->t->nworkloads; wi++) {
        char name[NETMODEL_NAME_MAX + 8];
        if (!m->out->workloads[wi].active) continue;
        snprintf(name, sizeof name, "client/%s", m->t->workloads[wi].name);
        int64_t id =
            client_add(m->engine, name, m->workload[wi].group, &m->workload[wi].params, m->err);
        if (id < 0) return -1;
        m->workload[wi].lp = (uint32_t)id;
    }
    for (uint32_t a = 0; a < m->ngroups; a++)
        for (uint32_t b = 0; b < m->ngroups; b++) {
            vs_time la = m->lookahead[(size_t)a * m->ngroups + b];
            if (la > 0 && engine_set_lookahead(m->engine, a, b, la, m->err)) return -1;
        }
    if (engine_set_default_lookahead(m->engine, DEFAULT_LOOKAHEAD, m->err)) return -1;
    if (netmodel_load_hints(m)) return -1;
    return flow_table_check(&m->flows, engine_lp_count(m->engine), m->err);
}

/* Workload wi's inter-Region bytes by direction: over each way, its exchanges' request bytes
 * cross each border outward and their response bytes back (handshakes likewise). */
static void collect_regions(netmodel *m, size_t wi)
{
    const topo_workload *w = &m->t->workloads[wi];
    const netmodel_client *c = &m->workload[wi];
    size_t nr = m->out->nregions;
    for (size_t a = 0; a < m->ways_per_workload; a++) {
        const netmodel_alt *way = &c->way_stations[a];
        uint64_t ex = c->exchanges[2 * a], hs = c->exchanges[2 * a + 1];
        for (uint32_t i = 0; i < way->ncrossings; i++) {
            size_t from = (size_t)way->crossings[i].from, to = (size_t)way->crossings[i].to;
            m->out->region_bytes[from * nr + to] +=
                ex * (uint64_t)w->bytes_up + hs * HS_REQUEST_BYTES;
            m->out->region_bytes[to * nr + from] +=
                ex * (uint64_t)w->bytes_down + hs * HS_RESPONSE_BYTES;
        }
    }
}

/* The bytes the stations and clients counted, by price item. */
/* Returns 0, or -1 when out of memory (a result missing a part would be wrong). */
static int collect(netmodel *m)
{
    netmodel_result *out = m->out;
    out->components = calloc(m->nstations ? m->nstations : 1, sizeof *out->components);
    out->nregions = m->t->nregions;
    if (out->nregions &&
        !(out->region_bytes = calloc(out->nregions * out->nregions, sizeof *out->region_bytes)))
        return -1;
    for (size_t i = 0; out->components && i < m->nstations; i++) {
        netmodel_component *c = &out->components[i];
        *c = m->stations[i].component;
        const station_stats *st = station_stats_of(m->engine, (uint32_t)i);
        if (st) c->st = *st;
        m->stations[i].component.series = NULL; /* now the result's */
        m->stations[i].component.spans = (station_spans){0};
        int item = kinds_get(c->kind)->gb_item;
        if (item >= 0) out->gb_bytes[item] += c->st.bytes;
    }
    out->ncomponents = out->components ? m->nstations : 0;
    for (size_t wi = 0; wi < out->nworkloads; wi++) {
        netmodel_workload *w = &out->workloads[wi];
        w->rank = w->active ? engine_lp_rank(m->engine, m->workload[wi].lp) : 0;
        if (w->nalts && !(w->alts = malloc(w->nalts * sizeof *w->alts))) return -1;
        if (w->nalts) memcpy(w->alts, m->workload[wi].way_stations, w->nalts * sizeof *w->alts);
        const uint64_t *b = out->workloads[wi].st.bytes;
        out->gb_bytes[COST_GB_CROSS_AZ] += b[CLIENT_BYTES_CROSS_AZ];
        out->gb_bytes[COST_GB_CROSS_AZ_THROUGH] += b[CLIENT_BYTES_CROSS_AZ_THROUGH];
        out->gb_bytes[COST_GB_INTER_REGION] += b[CLIENT_BYTES_INTER_REGION];
        out->gb_bytes[COST_GB_INTERNET_OUT] += b[CLIENT_BYTES_INTERNET_OUT];
        out->gb_bytes[COST_GB_DX_OUT] += b[CLIENT_BYTES_DX_OUT];
        if (out->region_bytes) collect_regions(m, wi);
    }
    out->engine = *engine_get_stats(m->engine);
    out->partitioning = netmodel_load_describe(m);
    out->window_s = (double)m->cfg->duration_ns / 1e9;
    return out->components ? 0 : -1;
}

vs_time netmodel_drain_ns(const topology *t, const param_table *params, const netmodel_config *cfg)
{
    if (cfg->drain_ns > 0) return cfg->drain_ns;
    vs_time drain = 0;
    for (size_t i = 0; i < t->nworkloads; i++) {
        const topo_workload *w = &t->workloads[i];
        const param_value *cap = params_get(params, "client", w->name, "retry_cap");
        vs_time c = cap ? cap->i : 0, n = w->max_attempts > 0 ? w->max_attempts : 1;
        vs_time d = w->timeout_ns * n + c * (n - 1);
        if (w->traffic && d > drain) drain = d;
    }
    drain += VS_NS_PER_S;
    return drain > 3600 * VS_NS_PER_S ? 3600 * VS_NS_PER_S : drain;
}

static int check_config(const netmodel_config *cfg, vs_error *err)
{
    if (cfg->warmup_ns < 0 || cfg->duration_ns <= 0 || cfg->drain_ns < 0 ||
        cfg->warmup_ns > VS_TIME_LIMIT / 4 || cfg->duration_ns > VS_TIME_LIMIT / 4)
        return error_set(err, "run: need warm-up >= 0 and duration > 0 (at most about 18 years)");
    return 0;
}

/* Builds the model (and runs it if run). Returns 0 or -1. */
static int build_and_run(const topology *t, const param_table *params, const netmodel_config *cfg,
                         netmodel_result *out, bool run, vs_error *err)
{
    memset(out, 0, sizeof *out);
    if (check_config(cfg, err)) return -1;
    netmodel m = {.t = t, .params = params, .cfg = cfg, .err = err, .out = out};
    m.horizon_ns = cfg->warmup_ns + cfg->duration_ns;
    m.end_ns = m.horizon_ns + netmodel_drain_ns(t, params, cfg);
    bool ranks = run && cfg->ranks && cfg->ranks->size > 1;
    int rc = netmodel_faults_prepare(&m) || model_alloc(&m) || build_workloads(&m) || add_lps(&m);
    if (ranks) rc = netmodel_ranks_agree(cfg, rc, err);
    rc = rc || (run && engine_run(m.engine, m.end_ns, err)) || (ranks && netmodel_ranks_gather(&m));
    if (rc == 0 && run) {
        if (collect(&m)) rc = error_set(err, "out of memory collecting the results");
        out->end_ns = m.end_ns;
    }
    model_free(&m);
    if (rc || !run) netmodel_result_free(out);
    return rc ? -1 : 0;
}

int netmodel_run(const topology *t, const param_table *params, const netmodel_config *cfg,
                 netmodel_result *out, vs_error *err)
{
    return build_and_run(t, params, cfg, out, true, err);
}

int netmodel_check(const topology *t, const param_table *params, const netmodel_config *cfg,
                   vs_error *err)
{
    netmodel_result scratch;
    return build_and_run(t, params, cfg, &scratch, false, err);
}

void netmodel_result_free(netmodel_result *r)
{
    for (size_t i = 0; r->components && i < r->ncomponents; i++)
        free(r->components[i].series), free(r->components[i].spans.v);
    for (size_t i = 0; r->workloads && i < r->nworkloads; i++) free(r->workloads[i].alts);
    free(r->workloads);
    free(r->components);
    free(r->region_bytes);
    free(r->partitioning);
    memset(r, 0, sizeof *r);
}
