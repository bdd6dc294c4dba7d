/* NLB cross-zone load balancing behind an endpoint service (ELB guide, "Cross-zone load balancing
 * for target groups"): off, each load balancer node sends only to the targets of its own AZ; on,
 * to the targets of every AZ, evenly. A way that ends at such a service's targets is split after
 * the walk into one way per target AZ. At most a few ways per workload, once per resolution. */
#include "paths_impl.h"

/* The subnets of endpoint service s's targets: its `targets`, else (a topology made without
 * them) its NLB subnets. */
static const int32_t *targets(const topo_endpoint_service *s, size_t *n)
{
    *n = s->ntargets ? s->ntargets : s->nsubnets;
    return s->ntargets ? s->targets : s->subnets;
}

/* Whether endpoint service s has targets in az. */
static bool has_targets(const topology *t, const topo_endpoint_service *s, int32_t az)
{
    size_t n;
    const int32_t *sub = targets(s, &n);
    for (size_t i = 0; i < n; i++)
        if (t->subnets[sub[i]].az == az) return true;
    return false;
}

int32_t paths_target_az(const topology *t, const topo_endpoint_service *s, int32_t az)
{
    size_t n;
    const int32_t *sub = targets(s, &n);
    if (has_targets(t, s, az)) return az;
    return s->cross_zone && n > 0 ? t->subnets[sub[0]].az : -1;
}

/* The endpoint service whose targets way a ends at, if it balances across zones; else NULL. */
static const topo_endpoint_service *spread_service(const topology *t, const path_alt *a)
{
    if (a->nhops < 2 || a->hops[a->nhops - 1].kind != HOP_PRIVATE_SERVICE) return NULL;
    const topo_endpoint_service *s = &t->endpoint_services[a->hops[a->nhops - 1].index];
    size_t n;
    targets(s, &n);
    return s->cross_zone && n > 1 ? s : NULL;
}

/* Ways out would have once spread. */
static size_t spread_count(const topology *t, const path_result *out)
{
    size_t n = 0;
    for (size_t i = 0; i < out->nalts; i++) {
        const topo_endpoint_service *s = spread_service(t, &out->alts[i]);
        size_t k = 1;
        if (s) targets(s, &k);
        n += k;
    }
    return n;
}

bool paths_spread_targets(const topology *t, path_result *out)
{
    size_t n = spread_count(t, out);
    if (n == out->nalts) return true;
    if (n > PATH_MAX_ALTS) return false;
    /* from the last way down, so that each is read before a later way overwrites it */
    for (size_t i = out->nalts, to = n; i-- > 0;) {
        const path_alt a = out->alts[i];
        const topo_endpoint_service *s = spread_service(t, &a);
        if (!s) {
            out->alts[--to] = a;
            continue;
        }
        int32_t node_az = a.hops[a.nhops - 2].az;
        size_t m;
        const int32_t *sub = targets(s, &m);
        for (size_t k = m; k-- > 0;) {
            path_alt *b = &out->alts[--to];
            int32_t az = t->subnets[sub[k]].az;
            *b = a;
            b->weight = a.weight / (double)m;
            b->hops[a.nhops - 1].az = az;
            b->hops[a.nhops - 1].link = az == node_az ? LINK_INTRA_AZ : LINK_CROSS_AZ;
        }
    }
    out->nalts = n;
    return true;
}
