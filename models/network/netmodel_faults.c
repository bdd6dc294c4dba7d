/* What the scheduled faults of a topology do to one run (models/network/netmodel_faults.h): which
 * stations they hit and with what window, and the times and states of DNS answers and routes that
 * the run model resolves paths for. Runs at setup only, over a handful of faults. */
#include "netmodel_faults.h"

#include <stdlib.h>
#include <string.h>

/* ---- which station a fault hits -------------------------------------------------------------- */

bool rf_applies(const topology *t, const topo_fault *f, hop_kind kind, int32_t index, int32_t az)
{
    if (f->kind == FAULT_AZ_IMPAIRED) return kinds_get(kind)->zonal && az >= 0 && az == f->az;
    const char *pk = kinds_param_kind(kind, index);
    if (!pk || !f->param_kind || strcmp(pk, f->param_kind) != 0) return false;
    if (f->instance) {
        const char *name = kinds_component_name(t, kind, index);
        if (!name || strcmp(name, f->instance) != 0) return false;
    }
    return f->az < 0 || az == f->az;
}

int rf_station_windows(const topology *t, hop_kind kind, int32_t index, int32_t az, bool front_end,
                       dist_set *dists, const dist **extra, station_fault *out, vs_error *err)
{
    int n = 0;
    for (size_t i = 0; i < t->nfaults; i++) {
        const topo_fault *f = &t->faults[i];
        bool down = f->kind == FAULT_AZ_IMPAIRED || f->kind == FAULT_DOWN;
        if (!rf_applies(t, f, kind, index, az) || (front_end && !down)) continue;
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
    if (f->kind != FAULT_AZ_IMPAIRED && f->kind != FAULT_DOWN) return false;
    for (size_t e = 0; e < t->ninterface_endpoints; e++)
        for (size_t s = 0; s < t->interface_endpoints[e].nsubnets; s++) {
            int32_t az = t->subnets[t->interface_endpoints[e].subnets[s]].az;
            if (rf_applies(t, f, HOP_INTERFACE_ENDPOINT, (int32_t)e, az)) return true;
        }
    return false;
}

/* Whether f takes a site's DX or VPN down (a routing change); *kind says which. */
static bool hits_route(const topology *t, const topo_fault *f, hop_kind *kind)
{
    if (f->kind != FAULT_DOWN) return false;
    for (size_t s = 0; s < t->nsites; s++) {
        if (t->sites[s].dx.present && rf_applies(t, f, HOP_DX, (int32_t)s, -1)) {
            *kind = HOP_DX;
            return true;
        }
        if (t->sites[s].vpn.present && rf_applies(t, f, HOP_VPN, (int32_t)s, -1)) {
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

int rf_plan_make(const topology *t, const param_table *params, rf_plan *p, vs_error *err)
{
    size_t n = t->nfaults;
    *p = (rf_plan){.t = t};
    if (n == 0) return 0;
    p->dns_at = calloc(2 * n, sizeof *p->dns_at);
    p->route_at = calloc(2 * n, sizeof *p->route_at);
    p->detect = calloc(n, sizeof *p->detect);
    if (!p->dns_at || !p->route_at || !p->detect) {
        rf_plan_free(p);
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
                rf_plan_free(p);
                return -1;
            }
            add_time(p->route_at, &p->nroute, plus(f->start_ns, p->detect[i]));
            add_time(p->route_at, &p->nroute, plus(f->end_ns, p->detect[i]));
        }
    }
    sort_unique(p->dns_at, &p->ndns);
    sort_unique(p->route_at, &p->nroute);
    if (rf_states(p) > RF_MAX_STATES) {
        rf_plan_free(p);
        return error_set(err,
                         "faults: %s: too many changes of DNS answers and routes (at most %d "
                         "states of them)",
                         t->name, RF_MAX_STATES);
    }
    return 0;
}

void rf_plan_free(rf_plan *p)
{
    free(p->dns_at);
    free(p->route_at);
    free(p->detect);
    *p = (rf_plan){.t = p->t};
}

/* ---- the paths' view of a state -------------------------------------------------------------- */

static bool in_window(vs_time x, vs_time from, vs_time until)
{
    return from <= x && x < until;
}

/* Whether the view has component (kind, index) down, in az for an ENI. */
static bool view_fault(const rf_view *v, hop_kind kind, int32_t index, int32_t az)
{
    const topology *t = v->plan->t;
    kind_failover failover = kinds_get(kind)->failover;
    bool dns = failover == FAILOVER_DNS, route = failover == FAILOVER_ROUTE;
    for (size_t i = 0; (dns || route) && i < t->nfaults; i++) {
        const topo_fault *f = &t->faults[i];
        if (f->kind != FAULT_DOWN && (f->kind != FAULT_AZ_IMPAIRED || !dns)) continue;
        vs_time d = route ? v->plan->detect[i] : 0, x = dns ? v->dns_t : v->route_t;
        if (in_window(x, plus(f->start_ns, d), plus(f->end_ns, d)) &&
            rf_applies(t, f, kind, index, route ? -1 : az))
            return true;
    }
    return false;
}

/* DNS fails open: when every ENI of an endpoint is down, the answer keeps them all (Route 53
 * answers with every record of a set when none is healthy), so clients keep trying them and
 * succeed as soon as one recovers, instead of caching an empty answer for a TTL. */
static bool view_down(const void *ctx, hop_kind kind, int32_t index, int32_t az)
{
    const rf_view *v = ctx;
    if (!view_fault(v, kind, index, az)) return false;
    if (kind != HOP_INTERFACE_ENDPOINT) return true;
    const topology *t = v->plan->t;
    const topo_interface_endpoint *e = &t->interface_endpoints[index];
    for (size_t i = 0; i < e->nsubnets; i++)
        if (!view_fault(v, kind, index, t->subnets[e->subnets[i]].az)) return true;
    return false;
}

void rf_state_faults(const rf_plan *p, size_t s, rf_view *ctx, path_faults *out)
{
    size_t d = s / (p->nroute + 1), q = s % (p->nroute + 1);
    *ctx = (rf_view){.plan = p,
                     .dns_t = d ? p->dns_at[d - 1] : INT64_MIN,
                     .route_t = q ? p->route_at[q - 1] : INT64_MIN};
    *out = (path_faults){.az_down = 0, .is_down = view_down, .ctx = ctx};
}
