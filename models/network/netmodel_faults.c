/* What the scheduled faults of a topology do to one run (netmodel_impl.h): which stations they hit
 * and with what window, the times and states of DNS answers and routes that the model resolves
 * paths for, and the ways each workload takes in each state. Runs at setup only, over a handful
 * of faults. */
#include "netmodel_impl.h"

#include <stdlib.h>
#include <string.h>

/* ---- which station a fault hits -------------------------------------------------------------- */

bool netmodel_faults_applies(const topology *t, const topo_fault *f, hop_kind kind, int32_t index,
                             int32_t az)
{
    if (f->kind == FAULT_AZ_IMPAIRED) return kinds_get(kind)->zonal && az >= 0 && az == f->az;
    if (f->kind == FAULT_REGION) return az >= 0 && t->azs[az].region == f->region;
    const char *pk = kinds_param_kind(kind, index);
    if (!pk || !f->param_kind || strcmp(pk, f->param_kind) != 0) return false;
    if (f->instance) {
        const char *name = kinds_component_name(t, kind, index);
        if (!name || strcmp(name, f->instance) != 0) return false;
    }
    return f->az < 0 || az == f->az;
}

int netmodel_faults_windows(const topology *t, hop_kind kind, int32_t index, int32_t az,
                            int32_t region, bool front_end, dist_set *dists, const dist **extra,
                            station_fault *out, vs_error *err)
{
    int n = 0;
    for (size_t i = 0; i < t->nfaults; i++) {
        const topo_fault *f = &t->faults[i];
        bool down =
            f->kind == FAULT_AZ_IMPAIRED || f->kind == FAULT_DOWN || f->kind == FAULT_REGION;
        bool hit = f->kind == FAULT_REGION ? region >= 0 && region == f->region
                                           : netmodel_faults_applies(t, f, kind, index, az);
        if (!hit || (front_end && !down)) continue;
        station_fault w = {.kind = down                       ? STATION_DOWN
                                   : f->kind == FAULT_LATENCY ? STATION_SLOW
                                                              : STATION_ERRORS,
                           .from_ns = f->start_ns,
                           .until_ns = f->end_ns,
                           .error_rate = f->kind == FAULT_ERRORS ? f->error_rate : 0};
        if (f->kind == FAULT_LATENCY) {
            if (!extra[i] && !(extra[i] = dist_read(dists, f->add, err))) return -1;
            w.extra = extra[i];
        }
        out[n++] = w;
    }
    return n;
}

/* ---- when DNS and routes change -------------------------------------------------------------- */

/* Whether f takes an ENI of t down (a DNS change). */
static bool hits_eni(const topology *t, const topo_fault *f)
{
    if (f->kind != FAULT_AZ_IMPAIRED && f->kind != FAULT_DOWN && f->kind != FAULT_REGION)
        return false;
    for (size_t e = 0; e < t->ninterface_endpoints; e++)
        for (size_t s = 0; s < t->interface_endpoints[e].nsubnets; s++) {
            int32_t az = t->subnets[t->interface_endpoints[e].subnets[s]].az;
            if (netmodel_faults_applies(t, f, HOP_INTERFACE_ENDPOINT, (int32_t)e, az)) return true;
        }
    return false;
}

/* Whether f takes a site's DX or VPN down (a routing change); *kind says which. */
static bool hits_route(const topology *t, const topo_fault *f, hop_kind *kind)
{
    if (f->kind != FAULT_DOWN) return false;
    for (size_t s = 0; s < t->nsites; s++) {
        if (t->sites[s].dx.present && netmodel_faults_applies(t, f, HOP_DX, (int32_t)s, -1)) {
            *kind = HOP_DX;
            return true;
        }
        if (t->sites[s].vpn.present && netmodel_faults_applies(t, f, HOP_VPN, (int32_t)s, -1)) {
            *kind = HOP_VPN;
            return true;
        }
    }
    return false;
}

/* BGP notices a DX failure through BFD (bfd_detect), a VPN's through dead peer detection. */
static int detect_ns(const param_table *params, const topo_fault *f, hop_kind kind, vs_time *out,
                     vs_error *err)
{
    const char *pk = kinds_get(kind)->param_kind, *name = kinds_get(kind)->detect;
    const param_value *v = params_get(params, pk, f->instance, name);
    if (!v) return error_set(err, "parameter %s.%s is not in the registry (a model bug)", pk, name);
    if (v->i < 0) return error_set(err, "%s.%s must be >= 0", pk, name);
    *out = v->i;
    return 0;
}

/* Appends t (unless never) to v[*n]. */
static void add_time(vs_time *v, uint32_t *n, vs_time t)
{
    if (t != INT64_MAX) v[(*n)++] = t;
}

static int cmp_time(const void *a, const void *b)
{
    vs_time x = *(const vs_time *)a, y = *(const vs_time *)b;
    return x < y ? -1 : x > y;
}

/* Sorts v[*n] and drops repeats. */
static void sort_unique(vs_time *v, uint32_t *n)
{
    uint32_t k = 0;
    qsort(v, *n, sizeof *v, cmp_time);
    for (uint32_t i = 0; i < *n; i++)
        if (k == 0 || v[i] != v[k - 1]) v[k++] = v[i];
    *n = k;
}

static vs_time plus(vs_time t, vs_time d)
{
    return t == INT64_MAX || t > INT64_MAX - d ? INT64_MAX : t + d;
}

int netmodel_faults_plan_make(const topology *t, const param_table *params, netmodel_fault_plan *p,
                              vs_error *err)
{
    size_t n = t->nfaults;
    *p = (netmodel_fault_plan){.t = t};
    if (n == 0) return 0;
    p->dns_at = calloc(2 * n + netmodel_region_times(t, NULL), sizeof *p->dns_at);
    p->route_at = calloc(2 * n, sizeof *p->route_at);
    p->detect = calloc(n, sizeof *p->detect);
    if (!p->dns_at || !p->route_at || !p->detect) {
        netmodel_faults_plan_free(p);
        return error_set(err, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        const topo_fault *f = &t->faults[i];
        hop_kind kind;
        if (hits_eni(t, f)) {
            add_time(p->dns_at, &p->ndns, f->start_ns);
            add_time(p->dns_at, &p->ndns, f->end_ns);
        } else if (hits_route(t, f, &kind)) {
            if (detect_ns(params, f, kind, &p->detect[i], err)) {
                netmodel_faults_plan_free(p);
                return -1;
            }
            add_time(p->route_at, &p->nroute, plus(f->start_ns, p->detect[i]));
            add_time(p->route_at, &p->nroute, plus(f->end_ns, p->detect[i]));
        }
    }
    p->ndns += (uint32_t)netmodel_region_times(t, p->dns_at + p->ndns);
    sort_unique(p->dns_at, &p->ndns);
    sort_unique(p->route_at, &p->nroute);
    if (netmodel_faults_states(p) > NETMODEL_FAULTS_MAX_STATES) {
        netmodel_faults_plan_free(p);
        return error_set(err,
                         "faults: %s: too many changes of DNS answers and routes (at most %d "
                         "states of them)",
                         t->name, NETMODEL_FAULTS_MAX_STATES);
    }
    return 0;
}

void netmodel_faults_plan_free(netmodel_fault_plan *p)
{
    free(p->dns_at);
    free(p->route_at);
    free(p->detect);
    *p = (netmodel_fault_plan){.t = p->t};
}

/* ---- the paths' view of a state -------------------------------------------------------------- */

static bool in_window(vs_time x, vs_time from, vs_time until)
{
    return from <= x && x < until;
}

/* Whether the view has component (kind, index) down, in az for an ENI. */
static bool view_fault(const netmodel_fault_view *v, hop_kind kind, int32_t index, int32_t az)
{
    const topology *t = v->plan->t;
    kind_failover failover = kinds_get(kind)->failover;
    bool dns = failover == FAILOVER_DNS, route = failover == FAILOVER_ROUTE;
    for (size_t i = 0; (dns || route) && i < t->nfaults; i++) {
        const topo_fault *f = &t->faults[i];
        bool wide = f->kind == FAULT_AZ_IMPAIRED || f->kind == FAULT_REGION;
        if (f->kind != FAULT_DOWN && (!wide || !dns)) continue;
        vs_time d = route ? v->plan->detect[i] : 0, x = dns ? v->dns_t : v->route_t;
        if (in_window(x, plus(f->start_ns, d), plus(f->end_ns, d)) &&
            netmodel_faults_applies(t, f, kind, index, route ? -1 : az))
            return true;
    }
    return false;
}

/* DNS fails open: when every ENI of an endpoint is down, the answer keeps them all (Route 53
 * answers with every record of a set when none is healthy), so clients keep trying them and
 * succeed as soon as one recovers, instead of caching an empty answer for a TTL. */
static bool view_down(const void *ctx, hop_kind kind, int32_t index, int32_t az)
{
    const netmodel_fault_view *v = ctx;
    if (!view_fault(v, kind, index, az)) return false;
    if (kind != HOP_INTERFACE_ENDPOINT) return true;
    const topology *t = v->plan->t;
    const topo_interface_endpoint *e = &t->interface_endpoints[index];
    for (size_t i = 0; i < e->nsubnets; i++)
        if (!view_fault(v, kind, index, t->subnets[e->subnets[i]].az)) return true;
    return false;
}

void netmodel_faults_state_view(const netmodel_fault_plan *p, size_t s, netmodel_fault_view *ctx,
                                path_faults *out)
{
    size_t d = s / (p->nroute + 1), q = s % (p->nroute + 1);
    *ctx = (netmodel_fault_view){.plan = p,
                                 .dns_t = d ? p->dns_at[d - 1] : INT64_MIN,
                                 .route_t = q ? p->route_at[q - 1] : INT64_MIN};
    *out = (path_faults){.az_down = 0, .is_down = view_down, .ctx = ctx};
}

/* ---- the ways of each state of DNS answers and routes ---------------------------------------- */

static bool same_alt(const path_alt *a, const path_alt *b)
{
    return a->nhops == b->nhops && memcmp(a->hops, b->hops, a->nhops * sizeof *a->hops) == 0;
}

/* The ways seen so far of one workload: their paths, and whether each was resolved with the
 * workload calling its failover record's secondary (hops do not name a service's Region, so the
 * same hops to another Region's service are another way). */
typedef struct seen_ways {
    path_alt *alts;
    bool *secondary;
} seen_ways;

/* The index of a way with a's hops, resolved as `secondary` says, in seen[0 .. n), or n. */
static uint32_t find_alt(const seen_ways *seen, uint32_t n, const path_alt *a, bool secondary)
{
    uint32_t k = 0;
    while (k < n && (seen->secondary[k] != secondary || !same_alt(&seen->alts[k], a))) k++;
    return k;
}

static int seen_alloc(netmodel *m, seen_ways *seen)
{
    seen->alts = malloc(m->ways_per_workload * sizeof *seen->alts);
    seen->secondary = calloc(m->ways_per_workload, sizeof *seen->secondary);
    return seen->alts && seen->secondary ? 0 : error_set(m->err, "out of memory");
}

static void seen_free(seen_ways *seen)
{
    free(seen->alts), free(seen->secondary);
}

/* Resolves workload wi in fault state s into *pr; *w is the workload its calls are then (a
 * failover record may answer its secondary: *scratch). Returns 0 or -1. */
static int resolve_state(netmodel *m, size_t wi, size_t s, path_result *pr, const topo_workload **w,
                         topo_workload *scratch)
{
    netmodel_fault_view v;
    path_faults pf;
    netmodel_faults_state_view(&m->fault_plan, s, &v, &pf);
    *w = netmodel_region_workload(m->t, wi, v.dns_t, scratch);
    return netmodel_region_resolve(m->t, wi, *w, &pf, pr, m->err);
}

/* The ways of one state (path pr) of workload wi as alternatives from *n on (seen[] holds the
 * paths of those before): a way seen before reuses its routes. Returns 0 or -1. */
static int state_ways(netmodel *m, size_t wi, const topo_workload *w, const path_result *pr,
                      client_ways *cw, seen_ways *seen, uint32_t *n)
{
    client_alt *ways = m->workload[wi].ways;
    netmodel_alt *way_stations = m->workload[wi].way_stations;
    double cum = 0;
    *cw = (client_ways){
        *n, 0, pr->verdict == VERDICT_DENIED ? CLIENT_FAIL_DENIED : CLIENT_FAIL_UNREACHABLE};
    if (pr->verdict != VERDICT_REACHABLE) return 0;
    for (size_t a = 0; a < pr->nalts; a++, cw->n++, (*n)++) {
        bool secondary = w != &m->t->workloads[wi];
        uint32_t k = find_alt(seen, *n, &pr->alts[a], secondary);
        if (k < *n) {
            ways[*n] = ways[k];
            way_stations[*n] = way_stations[k];
        } else if (netmodel_routes_make_alt_as(m, wi, w, &pr->alts[a], &ways[*n],
                                               &way_stations[*n])) {
            return -1;
        }
        seen->alts[*n] = pr->alts[a];
        seen->secondary[*n] = secondary;
        cum += pr->alts[a].weight;
        ways[*n].cum_weight = a + 1 == pr->nalts ? 1.0 : cum;
    }
    return 0;
}

/* Whether two sets of ways of workload wi send calls the same way. */
static bool same_ways(const netmodel *m, size_t wi, const client_ways *a, const client_ways *b)
{
    const client_alt *alts = m->workload[wi].ways;
    if (a->n != b->n || (a->n == 0 && a->no_path != b->no_path)) return false;
    for (uint32_t i = 0; i < a->n; i++)
        if (alts[a->first + i].route != alts[b->first + i].route ||
            alts[a->first + i].cum_weight != alts[b->first + i].cum_weight)
            return false;
    return true;
}

/* Hands workload wi's table of states to its client, with the times they change. */
static int give_states(netmodel *m, size_t wi, client_ways *ways, uint32_t nalts)
{
    int rc = 0;
    client_params *p = &m->workload[wi].params;
    const topo_workload *w = &m->t->workloads[wi];
    p->dns_ttl_ns = netmodel_clients_int(m, w->name, "dns_ttl", &rc);
    if (rc || p->dns_ttl_ns < 0) return rc ? -1 : error_set(m->err, "client.dns_ttl must be >= 0");
    if (w->record >= 0 && (size_t)w->record < m->t->nfailover_records) /* the record's TTL */
        p->dns_ttl_ns = m->t->failover_records[w->record].ttl_ns;
    m->workload[wi].state_ways = ways;
    p->ways = ways;
    p->nalts = nalts;
    p->dns_at = m->fault_plan.dns_at;
    p->ndns = m->fault_plan.ndns;
    p->route_at = m->fault_plan.route_at;
    p->nroute = m->fault_plan.nroute;
    return 0;
}

/* Under faults that change DNS answers or routes, the ways of workload wi (reachable without
 * faults) in every state; a workload they do not change keeps its fault-free ways. */
int netmodel_faults_workload_states(netmodel *m, size_t wi)
{
    client_params *p = &m->workload[wi].params;
    client_ways *ways = calloc(m->nstates, sizeof *ways);
    seen_ways seen;
    path_result *pr = malloc(sizeof *pr);
    uint32_t n = p->nalts;
    bool differs = false;
    int rc = seen_alloc(m, &seen);
    if (rc || !ways || !pr) {
        rc = rc ? rc : error_set(m->err, "out of memory");
        goto out;
    }
    rc = -1;
    memcpy(seen.alts, m->workload[wi].path.alts, n * sizeof *seen.alts);
    ways[0] = (client_ways){0, n, p->no_path};
    for (size_t s = 1; s < m->nstates; s++) {
        const topo_workload *w;
        topo_workload scratch;
        if (resolve_state(m, wi, s, pr, &w, &scratch) ||
            state_ways(m, wi, w, pr, &ways[s], &seen, &n))
            goto out;
        differs |= !same_ways(m, wi, &ways[s], &ways[0]);
    }
    rc = 0;
    if (differs && (rc = give_states(m, wi, ways, n)) == 0) ways = NULL;
out:
    free(ways), seen_free(&seen), free(pr);
    return rc;
}

/* The ways the states add beyond the fault-free ones, over all workloads (to size the tables
 * before routes are built). Returns 0 or -1. */
static int count_state_ways(netmodel *m)
{
    seen_ways seen;
    path_result *pr = malloc(sizeof *pr);
    int rc = seen_alloc(m, &seen);
    if (!rc && !pr) rc = error_set(m->err, "out of memory");
    for (size_t wi = 0; rc == 0 && wi < m->t->nworkloads; wi++) {
        uint32_t n = 0;
        for (size_t s = 0; rc == 0 && m->t->workloads[wi].traffic && s < m->nstates; s++) {
            const topo_workload *w;
            topo_workload scratch;
            if ((rc = resolve_state(m, wi, s, pr, &w, &scratch)) ||
                pr->verdict != VERDICT_REACHABLE) {
                if (s == 0) break; /* unreachable without faults: no ways at all */
                continue;
            }
            bool secondary = w != &m->t->workloads[wi];
            for (size_t a = 0; a < pr->nalts; a++)
                if (find_alt(&seen, n, &pr->alts[a], secondary) == n) {
                    seen.alts[n] = pr->alts[a];
                    seen.secondary[n++] = secondary;
                    m->extra_fault_ways += s > 0;
                }
        }
    }
    seen_free(&seen), free(pr);
    return rc;
}

/* The plan of the faults (before allocation): states, and the ways they add. */
int netmodel_faults_prepare(netmodel *m)
{
    if (netmodel_faults_plan_make(m->t, m->params, &m->fault_plan, m->err)) return -1;
    m->nstates = netmodel_faults_states(&m->fault_plan);
    m->ways_per_workload = m->nstates * PATH_MAX_ALTS;
    return m->nstates > 1 ? count_state_ways(m) : 0;
}

/* Every station's fault windows. Returns 0 or -1. */
int netmodel_faults_stations(netmodel *m)
{
    size_t nf = m->t->nfaults;
    if (nf == 0) return 0;
    m->fault_windows = calloc(m->nstations * nf + 1, sizeof *m->fault_windows);
    m->fault_latency = calloc(nf, sizeof *m->fault_latency);
    if (!m->fault_windows || !m->fault_latency) return error_set(m->err, "out of memory");
    for (size_t i = 0; i < m->nstations; i++) {
        netmodel_station *s = &m->stations[i];
        station_fault *w = m->fault_windows + i * nf;
        int n = netmodel_faults_windows(m->t, s->component.kind, s->component.index,
                                        s->component.az, netmodel_region_of_group(m, s->group),
                                        s->front_end, m->dists, m->fault_latency, w, m->err);
        if (n < 0) return -1;
        s->config.faults = n ? w : NULL;
        s->config.nfaults = (uint32_t)n;
    }
    return 0;
}
