/* The routes of the network model (netmodel_impl.h): each way of a workload's path becomes a
 * route over its stations, there and back, with the latency of the links between them (pass-
 * through hops fold into the link out of them), the bytes it bills, the engine's lookaheads
 * and the stations' drop notices. Setup only: workloads x ways x hops. */
#include <math.h>
#include <string.h>

#include "netmodel_impl.h"

/* The way between two kept elements of a path, as it is built. */
typedef struct route_segment {
    flow_link link;
    int nparts;
    uint32_t classes[LINK_CLASS_COUNT]; /* links of each class it contains */
    uint32_t through; /* of its cross-AZ links, those into or out of a cross_az_through_hops hop */
} route_segment;

/* ---- links ----------------------------------------------------------------------------------- */

/* Adds d to the segment: constants fold into const_ns, zero constants vanish. */
static int seg_add(netmodel *m, route_segment *g, const dist *d)
{
    if (!d) return -1;
    if (d->family == DIST_CONSTANT) {
        g->link.const_ns += flow_dist_min_ns(d);
        return 0;
    }
    if (g->nparts == FLOW_LINK_PARTS)
        return error_set(m->err, "more than %d random latencies between two stations",
                         FLOW_LINK_PARTS);
    g->link.parts[g->nparts++] = d;
    return 0;
}

/* Adds the link into hop h (by its class) to the segment. */
static int seg_add_link(netmodel *m, route_segment *g, const path_hop *h)
{
    const char *site =
        h->index >= 0 && (size_t)h->index < m->t->nsites ? m->t->sites[h->index].name : NULL;
    g->classes[h->link]++;
    switch (h->link) {
    case LINK_NONE:
        return 0;
    case LINK_INTRA_AZ:
        return seg_add(m, g, netmodel_param_dist(m, "link_intra_az", NULL, "latency"));
    case LINK_CROSS_AZ:
        return seg_add(m, g, netmodel_param_dist(m, "link_cross_az", NULL, "latency"));
    case LINK_INTER_REGION:
        return seg_add(m, g, netmodel_param_dist(m, "link_inter_region", NULL, "latency"));
    case LINK_INTERNET:
        return seg_add(m, g, netmodel_param_dist(m, "link_internet", NULL, "latency"));
    case LINK_ONPREM:
        return seg_add(m, g, netmodel_param_dist(m, "link_onprem", NULL, "latency"));
    case LINK_VPN:
        return seg_add(m, g, netmodel_param_dist(m, "vpn_tunnel", site, "added_latency"));
    case LINK_DX: {
        const param_value *km = netmodel_param(m, "direct_connect", site, "per_km");
        if (!km || !site) return -1;
        g->link.const_ns += (vs_time)((double)km->i * m->t->sites[h->index].dx.distance_km + 0.5);
        return seg_add(m, g, netmodel_param_dist(m, "direct_connect", site, "equipment"));
    }
    case LINK_CLASS_COUNT:
        break;
    }
    return -1;
}

/* The added latency of a pass-through hop, joined to the link out of it. */
static int seg_add_pass(netmodel *m, route_segment *g, const topo_workload *w, const path_hop *h)
{
    char buf[32];
    const kind_desc *d = kinds_get(h->kind);
    if (!d->delay) return 0; /* VGW: no parameters */
    const char *inst = kinds_instance_name(m->t, w, h->kind, h->index, buf, sizeof buf);
    return seg_add(m, g, netmodel_param_dist(m, d->param_kind, inst, d->delay));
}

/* ---- routes ---------------------------------------------------------------------------------- */

/* The stations of one alternative and the segments into each. */
typedef struct route_way {
    uint32_t stations[PATH_MAX_HOPS];  /* in order from the client */
    route_segment into[PATH_MAX_HOPS]; /* into[j] leads to stations[j] */
    size_t nstations;
    netmodel_alt borders; /* only its crossings: the Region borders, in order */
} route_way;

/* Notes the inter-Region link into hop i of a (from the Region of the hop before). */
static int way_crossing(netmodel *m, route_way *y, const path_alt *a, size_t i)
{
    netmodel_alt *b = &y->borders;
    int32_t from = a->hops[i - 1].region, to = a->hops[i].region;
    if (from < 0 || to < 0 || (size_t)from >= m->t->nregions || (size_t)to >= m->t->nregions)
        return error_set(m->err, "an inter-Region link without its Regions (a model bug)");
    if (b->ncrossings == NETMODEL_MAX_CROSSINGS)
        return error_set(m->err, "a way crosses more than %d Region borders",
                         NETMODEL_MAX_CROSSINGS);
    b->crossings[b->ncrossings].from = from;
    b->crossings[b->ncrossings++].to = to;
    return 0;
}

/* Whether hop i is an NLB's cross-zone send to its targets: EC2 data transfer charges apply to
 * it (ELB guide, cross-zone load balancing), even behind PrivateLink. */
static bool nlb_to_target(const path_alt *a, size_t i)
{
    return a->hops[i].kind == HOP_PRIVATE_SERVICE && a->hops[i - 1].kind == HOP_NLB;
}

static int build_way(netmodel *m, const topo_workload *w, const path_alt *a, route_way *y)
{
    route_segment g = {.link.floor_ns = 1};
    y->nstations = 0;
    y->borders = (netmodel_alt){0}; /* copied whole into the way's record */
    for (size_t i = 1; i < a->nhops; i++) {
        const path_hop *h = &a->hops[i];
        kind_role r = kinds_get(h->kind)->role;
        if (r == KIND_PASS) {
            if (seg_add_pass(m, &g, w, h)) return -1;
            continue;
        }
        if (seg_add_link(m, &g, h)) return -1;
        if (h->link == LINK_INTER_REGION && way_crossing(m, y, a, i)) return -1;
        g.through += h->link == LINK_CROSS_AZ && !nlb_to_target(a, i) &&
                     (m->cfg->cross_az_through_hops >> h->kind & 1u ||
                      m->cfg->cross_az_through_hops >> a->hops[i - 1].kind & 1u);
        if (r == KIND_ROUTER) continue;
        int64_t s = netmodel_stations_for(m, w, a, i);
        if (s < 0) return -1;
        y->stations[y->nstations] = (uint32_t)s;
        y->into[y->nstations++] = g;
        g = (route_segment){.link.floor_ns = 1};
    }
    if (y->nstations == 0)
        return error_set(m->err, "workload %s: a path without a station", w->name);
    return 0;
}

/* The time a lone flow of `bytes` needs on way y beyond what its stations give it: bytes at the
 * route's rate (the single-flow limit, or the slowest station) less bytes at each station's
 * capacity, in ns (>= 0). */
static vs_time transfer_ns(netmodel *m, const route_way *y, uint64_t bytes)
{
    const param_value *flow = netmodel_param(m, "link_intra_az", NULL, "flow_bandwidth");
    double rate = flow && flow->x > 0 ? flow->x : INFINITY, station_s_per_bit = 0;
    for (size_t j = 0; j < y->nstations; j++) {
        const netmodel_station *st = &m->stations[y->stations[j]];
        double cap = st->component.capacity_bps;
        if (cap > 0) {
            station_s_per_bit += 1 / cap;
            if (cap < rate) rate = cap;
        }
        if (st->flow_bps > 0 && st->flow_bps < rate) rate = st->flow_bps;
    }
    double s = isfinite(rate) ? (double)bytes * 8 * (1 / rate - station_s_per_bit) : 0;
    return s > 0 ? (vs_time)(s * 1e9 + 0.5) : 0;
}

/* Appends a route over the way there and back for up bytes out and down bytes back; returns its
 * index, or -1. */
static int64_t add_route(netmodel *m, const route_way *y, uint32_t up, uint32_t resp_bytes)
{
    size_t k = y->nstations, len = 2 * k - 1;
    if (m->nroutes == m->route_cap || m->nroute_hops + len > m->route_hop_cap ||
        m->nroute_links + len + 1 > m->route_link_cap)
        return error_set(m->err, "too many routes (a model bug)");
    uint32_t *hops = m->route_hops + m->nroute_hops;
    flow_link *links = m->route_links + m->nroute_links;
    for (size_t j = 0; j < k; j++) {
        hops[j] = y->stations[j];
        hops[len - 1 - j] = y->stations[j];
        links[j] = y->into[j].link;
        links[len - j] = y->into[j].link;
    }
    links[0].const_ns += transfer_ns(m, y, up);
    links[len].const_ns += transfer_ns(m, y, resp_bytes);
    m->flow_routes[m->nroutes] =
        (flow_route){hops, (uint16_t)len, links, (uint16_t)(k > 1 ? k : 0), resp_bytes};
    m->nroute_hops += len;
    m->nroute_links += len + 1;
    return (int64_t)m->nroutes++;
}

static void way_timing(netmodel *m, const route_way *y, uint32_t cg);

/* The route of one handshake round trip over way y (clients in group cg): to the target's front
 * end and back. */
static int64_t handshake_route(netmodel *m, const route_way *y, uint32_t cg)
{
    route_way h = *y;
    int64_t fe = netmodel_stations_front_end(m, y->stations[y->nstations - 1]);
    if (fe < 0) return -1;
    h.stations[h.nstations - 1] = (uint32_t)fe;
    way_timing(m, &h, cg);
    return add_route(m, &h, HS_REQUEST_BYTES, HS_RESPONSE_BYTES);
}

/* Billed bytes of one exchange of up bytes out and down bytes back over way y. */
static void way_bytes(const route_way *y, uint64_t up, uint64_t down, uint64_t *b)
{
    for (size_t j = 0; j < y->nstations; j++) {
        const uint32_t *c = y->into[j].classes, through = y->into[j].through;
        b[CLIENT_BYTES_CROSS_AZ] += (up + down) * (c[LINK_CROSS_AZ] - through);
        b[CLIENT_BYTES_CROSS_AZ_THROUGH] += (up + down) * through;
        b[CLIENT_BYTES_INTER_REGION] += (up + down) * c[LINK_INTER_REGION];
        b[CLIENT_BYTES_INTERNET_OUT] += up * c[LINK_INTERNET] + down * c[LINK_VPN];
        b[CLIENT_BYTES_DX_OUT] += down * c[LINK_DX];
    }
}

/* The least delay from station j of way y back to the origin (over its segments). */
static vs_time way_back_min(const route_way *y, size_t j)
{
    vs_time ns = 0;
    for (size_t i = 0; i <= j; i++) ns += flow_link_min(&y->into[i].link);
    return ns;
}

static void lookahead_note(netmodel *m, uint32_t a, uint32_t b, vs_time ns)
{
    if (a == b) return;
    vs_time *x = &m->lookahead[(size_t)a * m->ngroups + b];
    if (*x == 0 || ns < *x) *x = ns;
}

/* Lookaheads and drop notices of way y for a client in group cg. */
static void way_timing(netmodel *m, const route_way *y, uint32_t cg)
{
    for (size_t j = 0; j < y->nstations; j++) {
        netmodel_station *s = &m->stations[y->stations[j]];
        uint32_t from = j ? m->stations[y->stations[j - 1]].group : cg;
        vs_time mn = flow_link_min(&y->into[j].link), back = way_back_min(y, j);
        lookahead_note(m, from, s->group, mn);
        lookahead_note(m, s->group, from, mn);
        if (!s->notice_set || back < s->config.drop_notice_ns) s->config.drop_notice_ns = back;
        s->notice_set = true;
    }
}

/* Drop notices go from a station straight to the client: once every station's notice delay is
 * known (the least over its routes), the lookahead to each client's group allows it. */
void netmodel_routes_drop_timing(netmodel *m)
{
    for (size_t r = 0; r < m->nroutes; r++) {
        const flow_route *route = &m->flow_routes[r];
        for (uint16_t h = 0; h < route->len; h++) {
            const netmodel_station *s = &m->stations[route->hops[h]];
            lookahead_note(m, s->group, m->route[r].group, s->config.drop_notice_ns);
        }
    }
}

/* ---- alternatives ---------------------------------------------------------------------------- */

/* The routes, billed bytes and timing of way pa of workload wi into *ca (all but its weight)
 * and its stations into *ra. Returns 0 or -1. */
int netmodel_routes_make_alt(netmodel *m, size_t wi, const path_alt *pa, client_alt *ca,
                             netmodel_alt *ra)
{
    return netmodel_routes_make_alt_as(m, wi, &m->t->workloads[wi], pa, ca, ra);
}

int netmodel_routes_make_alt_as(netmodel *m, size_t wi, const topo_workload *w, const path_alt *pa,
                                client_alt *ca, netmodel_alt *ra)
{
    route_way y;
    if (build_way(m, w, pa, &y)) return -1;
    int64_t r = add_route(m, &y, (uint32_t)w->bytes_up, (uint32_t)w->bytes_down);
    int64_t hs =
        m->workload[wi].params.handshakes ? handshake_route(m, &y, m->workload[wi].group) : r;
    if (r < 0 || hs < 0) return -1;
    m->route[r].group = m->route[hs].group = m->workload[wi].group;
    *ca = (client_alt){.route = (uint16_t)r, .hs_route = (uint16_t)hs};
    way_bytes(&y, (uint64_t)w->bytes_up, (uint64_t)w->bytes_down, ca->bytes);
    way_bytes(&y, HS_REQUEST_BYTES, HS_RESPONSE_BYTES, ca->hs_bytes);
    way_timing(m, &y, m->workload[wi].group);
    *ra = y.borders;
    ra->nstations = (uint32_t)y.nstations;
    memcpy(ra->stations, y.stations, y.nstations * sizeof *y.stations);
    return 0;
}

/* Routes and alternatives of workload wi's reachable path. */
int netmodel_routes_of_workload(netmodel *m, size_t wi)
{
    const path_result *pr = &m->workload[wi].path;
    client_alt *alts = m->workload[wi].ways;
    double cum = 0;
    for (size_t a = 0; a < pr->nalts; a++) {
        if (netmodel_routes_make_alt(m, wi, &pr->alts[a], &alts[a],
                                     &m->workload[wi].way_stations[a]))
            return -1;
        cum += pr->alts[a].weight;
        alts[a].cum_weight = a + 1 == pr->nalts ? 1.0 : cum;
    }
    m->workload[wi].params.nalts = (uint32_t)pr->nalts;
    return 0;
}
