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
#include "vpcsim/aws/netmodel.h"

#include "netmodel_faults.h"
#include "vpcsim/grow.h"
#include "vpcsim/units.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    MANY_SERVERS = NETMODEL_MANY_SERVERS, /* "no limit": station.c's largest c */
    HS_REQUEST_BYTES = 256,               /* A: a TCP or TLS handshake message from the client */
    HS_RESPONSE_BYTES = 4096 /* A: the server's reply (a TLS certificate chain is a few KiB) */
};

#define DEFAULT_LOOKAHEAD (VS_TIME_LIMIT / 4) /* group pairs no request ever crosses */

/* A station of the model, before and after it joins the engine. */
typedef struct rm_station {
    netmodel_component c; /* identity, then statistics */
    uint32_t group;       /* locality group */
    station_params p;     /* its configuration (drop_notice_ns set when routes are known) */
    bool notice_set;      /* drop_notice_ns holds a route's value */
    bool front;           /* a service's front end (handshakes) */
} rm_station;

/* A key of an admission limit: an S3 prefix and request class, or a destination IP and port. */
typedef struct rm_key {
    const char *prefix; /* S3: the resource up to its last '/' (not terminated there) */
    size_t len;         /* its length */
    uint32_t a, b;      /* S3: class (0 GET/HEAD, 1 PUT/COPY/POST/DELETE); NAT: IP, port */
} rm_key;

/* The way between two kept elements of a path, as it is built. */
typedef struct rm_seg {
    flow_link link;
    int nparts;
    uint32_t classes[LINK_CLASS_COUNT]; /* links of each class it contains */
    uint32_t through; /* of its cross-AZ links, those into or out of a cross_az_through_hops hop */
} rm_seg;

typedef struct rm {
    const topology *t;
    const param_table *pt;
    const netmodel_config *cfg;
    vs_error *err;
    vs_time horizon, end;
    dist_set *dists; /* distributions made here */
    rm_station *st;  /* stations, LP id = index */
    size_t nst, stcap;
    flow_route *routes; /* the flow table's */
    size_t nroutes, routecap;
    uint32_t *hops; /* every route's hops, packed */
    size_t nhops, hopcap;
    flow_link *links; /* every route's links, packed */
    size_t nlinks, linkcap;
    flow_table table;
    client_params *cp;      /* per workload */
    client_alt *alts;       /* per workload, walts each */
    netmodel_alt *ralts;    /* per workload, walts each: the stations of each of its alts */
    client_step **steps;    /* per workload: its schedule, or NULL */
    vs_time **replay;       /* per workload: its replayed call times, or NULL */
    rng_stream **arrivals;  /* per workload */
    uint32_t *client_group; /* per workload */
    uint32_t *route_group;  /* per route: its client's group */
    path_result *paths;     /* per workload */
    uint32_t ngroups;
    vs_time *la;            /* [ngroups x ngroups] least delay between groups, or 0 */
    uint32_t *route_bucket; /* per route: its S3 token bucket, or STATION_NO_KEY */
    uint32_t *route_conn;   /* per route: the destination whose NAT port it holds, or NO_KEY */
    rm_key *buckets;        /* S3 (prefix, class) buckets */
    double *bucket_rate;    /* their rates */
    uint32_t nbuckets;
    rm_key *dests; /* NAT destinations (IP, port, protocol) */
    uint32_t ndests;
    vs_engine *eng;
    netmodel_result *out;
    /* faults */
    rf_plan plan;           /* when DNS answers and routes change */
    size_t nstates;         /* states of them (1: none) */
    size_t walts;           /* alternatives per workload: nstates x PATH_MAX_ALTS */
    size_t extra_ways;      /* ways of the states beyond those of the fault-free one */
    client_ways **ways;     /* per workload: its ways in each state, or NULL */
    station_fault *windows; /* [nst x nfaults] the stations' fault windows */
    const dist **extra;     /* [nfaults] latency faults' added latency, read once */
} rm;

/* ---- parameters ------------------------------------------------------------------------------ */

static const param_value *param(rm *m, const char *kind, const char *inst, const char *name)
{
    const param_value *v = params_get(m->pt, kind, inst, name);
    if (!v) error_set(m->err, "parameter %s.%s is not in the registry (a model bug)", kind, name);
    return v;
}

static const dist *param_dist(rm *m, const char *kind, const char *inst, const char *name)
{
    const param_value *v = param(m, kind, inst, name);
    return v ? v->dist : NULL;
}

/* ---- groups ---------------------------------------------------------------------------------- */

static uint32_t group_az(const rm *m, int32_t az)
{
    (void)m;
    return (uint32_t)az;
}
static uint32_t group_region(const rm *m, int32_t region)
{
    return (uint32_t)(m->t->nazs + (size_t)region);
}
static uint32_t group_site(const rm *m, int32_t site)
{
    return (uint32_t)(m->t->nazs + m->t->nregions + (size_t)site);
}
static uint32_t group_internet(const rm *m)
{
    return (uint32_t)(m->t->nazs + m->t->nregions + m->t->nsites);
}

/* ---- stations -------------------------------------------------------------------------------- */

typedef enum hop_role { ROLE_STATION, ROLE_PASS, ROLE_ROUTER } hop_role;

static hop_role role_of(hop_kind k)
{
    switch (k) {
    case HOP_GATEWAY_ENDPOINT:
    case HOP_PEERING:
    case HOP_VGW:
    case HOP_IGW:
        return ROLE_PASS;
    case HOP_ONPREM_ROUTER:
        return ROLE_ROUTER;
    default:
        return ROLE_STATION;
    }
}

/* The scenario name of a hop's component (parameter instance and LP name). */
static const char *hop_component(const rm *m, const topo_workload *w, const path_hop *h, char *buf,
                                 size_t n)
{
    const topology *t = m->t;
    switch (h->kind) {
    case HOP_NAT:
        return t->nats[h->index].name;
    case HOP_INTERFACE_ENDPOINT:
        return t->interface_endpoints[h->index].name;
    case HOP_TGW:
        return t->tgws[h->index].name;
    case HOP_NLB:
    case HOP_PRIVATE_SERVICE:
        return t->endpoint_services[h->index].name;
    case HOP_DX:
    case HOP_VPN:
    case HOP_ONPREM_ROUTER:
        return t->sites[h->index].name;
    case HOP_GATEWAY_ENDPOINT:
        return t->gateway_endpoints[h->index].name;
    case HOP_PEERING:
        return t->peerings[h->index].name;
    case HOP_IGW:
        return t->igws[h->index].name;
    case HOP_VGW:
        return t->vpcs[h->index].name;
    case HOP_AWS_SERVICE:
        return aws_service_name((aws_service)h->index);
    case HOP_INTERNET_HOST:
        snprintf(buf, n, "%u.%u.%u.%u", w->internet_ip >> 24, w->internet_ip >> 16 & 255,
                 w->internet_ip >> 8 & 255, w->internet_ip & 255);
        return buf;
    default:
        return "?";
    }
}

/* The AZ a TGW hop is served in: its own, else the nearest hop's of the same Region after it,
 * then before it; -1 if none. */
static int32_t tgw_az(const rm *m, const path_alt *a, size_t i)
{
    int32_t region = m->t->tgws[a->hops[i].index].region;
    if (a->hops[i].az >= 0) return a->hops[i].az;
    for (size_t j = i + 1; j < a->nhops; j++)
        if (a->hops[j].az >= 0 && m->t->azs[a->hops[j].az].region == region) return a->hops[j].az;
    for (size_t j = i; j-- > 0;)
        if (a->hops[j].az >= 0 && m->t->azs[a->hops[j].az].region == region) return a->hops[j].az;
    return -1;
}

static int32_t source_region(const topology *t, const topo_workload *w)
{
    return w->source_subnet >= 0 ? t->vpcs[t->subnets[w->source_subnet].vpc].region
                                 : t->sites[w->source_site].region;
}

/* Where station hop i of alternative a runs: its AZ (or -1) and its group. */
static void station_place(const rm *m, const topo_workload *w, const path_alt *a, size_t i,
                          int32_t *az, uint32_t *group)
{
    const path_hop *h = &a->hops[i];
    *az = h->kind == HOP_TGW ? tgw_az(m, a, i) : h->az;
    switch (h->kind) {
    case HOP_DX:
    case HOP_VPN:
        *group = group_site(m, h->index);
        return;
    case HOP_INTERNET_HOST:
        *group = group_internet(m);
        return;
    case HOP_AWS_SERVICE:
        *az = -1;
        *group =
            group_region(m, w->service_region >= 0 ? w->service_region : source_region(m->t, w));
        return;
    case HOP_TGW:
        *group = *az >= 0 ? group_az(m, *az) : group_region(m, m->t->tgws[h->index].region);
        return;
    default:
        *group = *az >= 0 ? group_az(m, *az) : group_region(m, source_region(m->t, w));
        return;
    }
}

/* A bandwidth station: one processor-sharing server at the capacity. A flow's own rate limit is
 * in its route (see transfer_ns): the station adds the contention. */
static void bandwidth_station(rm_station *s, double capacity_bps)
{
    s->p.discipline = STATION_PS;
    s->p.servers = 1;
    s->p.bandwidth_bps = capacity_bps;
    s->c.servers = 1;
    s->c.capacity_bps = capacity_bps;
}

/* The packet rate of a bandwidth station (0: none), its packets of client.mss bytes. */
static int packet_limit(rm *m, rm_station *s, double pps)
{
    if (pps == 0) return 0;
    const param_value *mss = param(m, "client", NULL, "mss");
    if (!mss) return -1;
    if (!(pps > 0) || !isfinite(pps) || mss->i < 1 || mss->i > 65535)
        return error_set(m->err,
                         "%s: packets_per_s must be > 0 and client.mss 1 B to 64 KiB, got "
                         "%g and %lld B (%s)",
                         s->c.name, pps, (long long)mss->i, mss->basis);
    s->p.packets_per_s = pps;
    s->p.packet_bytes = (uint32_t)mss->i;
    return 0;
}

static double param_bitrate(rm *m, const char *kind, const char *inst, const char *name);

/* Automatic scale-up of NAT gateways and interface endpoints (scale_up_period > 0): the station
 * starts at bandwidth / bandwidth_max of its capacity. Returns 0 or -1. */
static int scale_up(rm *m, rm_station *s, const char *kind, const char *inst)
{
    if (s->c.kind != HOP_NAT && s->c.kind != HOP_INTERFACE_ENDPOINT) return 0;
    const param_value *period = param(m, kind, inst, "scale_up_period");
    double base = param_bitrate(m, kind, inst, "bandwidth");
    if (!period || isnan(base)) return -1;
    if (period->i == 0) return 0;
    if (period->i < 0 || !(base > 0) || base > s->c.capacity_bps)
        return error_set(m->err,
                         "%s: %s.scale_up_period must be >= 0 and bandwidth in (0, "
                         "bandwidth_max], got %lld ns and %g of %g bps (%s)",
                         s->c.name, kind, (long long)period->i, base, s->c.capacity_bps,
                         period->basis);
    s->p.start_fraction = base / s->c.capacity_bps;
    s->p.scale_period_ns = period->i;
    return 0;
}

static void many_servers(rm_station *s, const dist *service)
{
    s->p.discipline = STATION_FIFO;
    s->p.servers = MANY_SERVERS;
    s->p.service = service;
    s->c.servers = MANY_SERVERS;
}

/* A service-like station (NLB, AWS or private service, internet host): FIFO with the `servers`
 * of its kind (-1: many), each request served for a sample of `service`. Returns 0 or -1. */
static int server_station(rm *m, rm_station *s, const char *kind, const char *inst,
                          const dist *service)
{
    const param_value *v = param(m, kind, inst, "servers");
    if (!v || !service) return -1;
    if (v->i == 0 || v->i > MANY_SERVERS)
        return error_set(m->err, "%s: %s.servers must be -1 (no limit) or 1 to %d, got %lld (%s)",
                         s->c.name, kind, MANY_SERVERS, (long long)v->i, v->basis);
    many_servers(s, service);
    if (v->i > 0) s->p.servers = s->c.servers = (uint32_t)v->i;
    return 0;
}

static double param_bitrate(rm *m, const char *kind, const char *inst, const char *name)
{
    const param_value *v = param(m, kind, inst, name);
    return v ? v->x : NAN;
}

/* The queue capacity of a station of parameter kind `kind` (-1: no limit). Returns 0 or -1. */
static int station_queue(rm *m, rm_station *s, const char *kind, const char *inst)
{
    const param_value *v = param(m, kind, inst, "queue_capacity");
    if (!v) return -1;
    s->p.queue_capacity = v->i;
    return 0;
}

/* The parameter kind of a station hop that has a queue capacity, or NULL (AWS services). */
static const char *queue_kind(hop_kind k)
{
    return k == HOP_AWS_SERVICE ? NULL : rf_param_kind(k, 0);
}

/* Fills s->p from the parameters of its kind. Returns 0 or -1. */
static int station_configure(rm *m, rm_station *s, const char *inst)
{
    double cap = NAN, pps = 0;
    const char *pk = rf_param_kind(s->c.kind, s->c.index); /* "nat_gateway", "service_s3" */
    if (!pk) return error_set(m->err, "hop kind %s cannot be a station", hop_kind_name(s->c.kind));
    const char *qk = queue_kind(s->c.kind);
    if (qk && station_queue(m, s, qk, inst)) return -1;
    switch (s->c.kind) {
    case HOP_NAT:
        cap = param_bitrate(m, pk, inst, "bandwidth_max");
        pps = param_bitrate(m, pk, inst, "packets_per_s_max");
        s->p.delay = param_dist(m, pk, inst, "added_latency");
        break;
    case HOP_INTERFACE_ENDPOINT:
        cap = param_bitrate(m, pk, inst, "bandwidth_max");
        s->p.delay = param_dist(m, pk, inst, "added_latency");
        break;
    case HOP_TGW:
        cap = param_bitrate(m, pk, inst, "bandwidth");
        pps = param_bitrate(m, pk, inst, "packets_per_s");
        s->p.delay = param_dist(m, pk, inst, "added_latency");
        break;
    case HOP_VPN:
        cap = param_bitrate(m, pk, inst, "bandwidth");
        pps = param_bitrate(m, pk, inst, "packets_per_s");
        break;
    case HOP_DX:
        cap = m->t->sites[s->c.index].dx.port_bps;
        break;
    case HOP_NLB:
        return server_station(m, s, pk, inst, param_dist(m, pk, inst, "added_latency"));
    case HOP_AWS_SERVICE:
    case HOP_INTERNET_HOST:
        return server_station(m, s, pk, NULL, param_dist(m, pk, NULL, "latency"));
    default: /* HOP_PRIVATE_SERVICE */
        return server_station(m, s, pk, inst, param_dist(m, pk, inst, "latency"));
    }
    if (isnan(cap) || isnan(pps)) return -1; /* a missing parameter */
    if (!(cap > 0) || !isfinite(cap))
        return error_set(m->err, "%s: capacity must be > 0 bps, got %g", s->c.name, cap);
    bandwidth_station(s, cap);
    return packet_limit(m, s, pps) || scale_up(m, s, pk, inst);
}

/* The LP name of the station serving a hop: kind, component, and AZ (or Region for services). */
static void station_name(const rm *m, const topo_workload *w, const path_hop *h, int32_t az,
                         uint32_t group, char *name, size_t n)
{
    char buf[32];
    const char *inst = hop_component(m, w, h, buf, sizeof buf), *kind = hop_kind_name(h->kind);
    if (az >= 0)
        snprintf(name, n, "%s/%s/%s", kind, inst, m->t->azs[az].name);
    else if (h->kind == HOP_AWS_SERVICE)
        snprintf(name, n, "%s/%s/%s", kind, inst, m->t->regions[group - m->t->nazs].name);
    else
        snprintf(name, n, "%s/%s", kind, inst);
}

/* The station serving hop i of alternative a (found, or made). Returns its index, or -1. */
static int64_t station_for(rm *m, const topo_workload *w, const path_alt *a, size_t i)
{
    const path_hop *h = &a->hops[i];
    int32_t az;
    uint32_t group;
    char buf[32], name[NETMODEL_NAME_MAX];
    station_place(m, w, a, i, &az, &group);
    station_name(m, w, h, az, group, name, sizeof name);
    for (size_t k = 0; k < m->nst; k++)
        if (strcmp(m->st[k].c.name, name) == 0) return (int64_t)k;
    if (m->nst == m->stcap) return error_set(m->err, "too many stations (a model bug)");
    rm_station *s = &m->st[m->nst];
    memset(s, 0, sizeof *s);
    snprintf(s->c.name, sizeof s->c.name, "%s", name);
    s->c.kind = h->kind;
    s->c.index = h->index;
    s->c.az = az;
    s->group = group;
    s->p.flows = &m->table;
    s->p.queue_capacity = -1;
    s->p.stats_from_ns = m->cfg->warmup_ns;
    s->p.stats_until_ns = m->horizon;
    bool shared = h->kind == HOP_AWS_SERVICE || h->kind == HOP_INTERNET_HOST;
    if (station_configure(m, s, shared ? NULL : hop_component(m, w, h, buf, sizeof buf))) return -1;
    return (int64_t)m->nst++;
}

/* ---- links ----------------------------------------------------------------------------------- */

/* Adds d to the segment: constants fold into const_ns, zero constants vanish. */
static int seg_add(rm *m, rm_seg *g, const dist *d)
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
static int seg_add_link(rm *m, rm_seg *g, const path_hop *h)
{
    const char *site =
        h->index >= 0 && (size_t)h->index < m->t->nsites ? m->t->sites[h->index].name : NULL;
    g->classes[h->link]++;
    switch (h->link) {
    case LINK_NONE:
        return 0;
    case LINK_INTRA_AZ:
        return seg_add(m, g, param_dist(m, "link_intra_az", NULL, "latency"));
    case LINK_CROSS_AZ:
        return seg_add(m, g, param_dist(m, "link_cross_az", NULL, "latency"));
    case LINK_INTER_REGION:
        return seg_add(m, g, param_dist(m, "link_inter_region", NULL, "latency"));
    case LINK_INTERNET:
        return seg_add(m, g, param_dist(m, "link_internet", NULL, "latency"));
    case LINK_ONPREM:
        return seg_add(m, g, param_dist(m, "link_onprem", NULL, "latency"));
    case LINK_VPN:
        return seg_add(m, g, param_dist(m, "vpn_tunnel", site, "added_latency"));
    case LINK_DX: {
        const param_value *km = param(m, "direct_connect", site, "per_km");
        if (!km || !site) return -1;
        g->link.const_ns += (vs_time)((double)km->i * m->t->sites[h->index].dx.distance_km + 0.5);
        return seg_add(m, g, param_dist(m, "direct_connect", site, "equipment"));
    }
    case LINK_CLASS_COUNT:
        break;
    }
    return -1;
}

/* The added latency of a pass-through hop, joined to the link out of it. */
static int seg_add_pass(rm *m, rm_seg *g, const topo_workload *w, const path_hop *h)
{
    char buf[32];
    const char *inst = hop_component(m, w, h, buf, sizeof buf);
    switch (h->kind) {
    case HOP_GATEWAY_ENDPOINT:
        return seg_add(m, g, param_dist(m, "gateway_endpoint", inst, "added_latency"));
    case HOP_PEERING:
        return seg_add(m, g, param_dist(m, "peering", inst, "added_latency"));
    case HOP_IGW:
        return seg_add(m, g, param_dist(m, "internet_gateway", inst, "added_latency"));
    default:
        return 0; /* VGW: no parameters */
    }
}

/* ---- routes ---------------------------------------------------------------------------------- */

/* The stations of one alternative and the segments into each (seg[j] leads to stations[j]). */
typedef struct rm_way {
    uint32_t stations[PATH_MAX_HOPS];
    rm_seg seg[PATH_MAX_HOPS];
    size_t k;
} rm_way;

static int build_way(rm *m, const topo_workload *w, const path_alt *a, rm_way *y)
{
    rm_seg g = {.link.floor_ns = 1};
    y->k = 0;
    for (size_t i = 1; i < a->nhops; i++) {
        const path_hop *h = &a->hops[i];
        hop_role r = role_of(h->kind);
        if (r == ROLE_PASS) {
            if (seg_add_pass(m, &g, w, h)) return -1;
            continue;
        }
        if (seg_add_link(m, &g, h)) return -1;
        g.through +=
            h->link == LINK_CROSS_AZ && (m->cfg->cross_az_through_hops >> h->kind & 1u ||
                                         m->cfg->cross_az_through_hops >> a->hops[i - 1].kind & 1u);
        if (r == ROLE_ROUTER) continue;
        int64_t s = station_for(m, w, a, i);
        if (s < 0) return -1;
        y->stations[y->k] = (uint32_t)s;
        y->seg[y->k++] = g;
        g = (rm_seg){.link.floor_ns = 1};
    }
    if (y->k == 0) return error_set(m->err, "workload %s: a path without a station", w->name);
    return 0;
}

/* The time a lone flow of `bytes` needs on way y beyond what its stations give it: bytes at the
 * route's rate (the single-flow limit, or the slowest station) less bytes at each station's
 * capacity, in ns (>= 0). */
static vs_time transfer_ns(rm *m, const rm_way *y, uint64_t bytes)
{
    const param_value *flow = param(m, "link_intra_az", NULL, "flow_bandwidth");
    double rate = flow && flow->x > 0 ? flow->x : INFINITY, station_s_per_bit = 0;
    for (size_t j = 0; j < y->k; j++) {
        double cap = m->st[y->stations[j]].c.capacity_bps;
        if (cap > 0) {
            station_s_per_bit += 1 / cap;
            if (cap < rate) rate = cap;
        }
    }
    double s = isfinite(rate) ? (double)bytes * 8 * (1 / rate - station_s_per_bit) : 0;
    return s > 0 ? (vs_time)(s * 1e9 + 0.5) : 0;
}

/* Appends a route over the way there and back for up bytes out and down bytes back; returns its
 * index, or -1. */
static int64_t add_route(rm *m, const rm_way *y, uint32_t up, uint32_t resp_bytes)
{
    size_t k = y->k, len = 2 * k - 1;
    if (m->nroutes == m->routecap || m->nhops + len > m->hopcap || m->nlinks + len + 1 > m->linkcap)
        return error_set(m->err, "too many routes (a model bug)");
    uint32_t *hops = m->hops + m->nhops;
    flow_link *links = m->links + m->nlinks;
    for (size_t j = 0; j < k; j++) {
        hops[j] = y->stations[j];
        hops[len - 1 - j] = y->stations[j];
        links[j] = y->seg[j].link;
        links[len - j] = y->seg[j].link;
    }
    links[0].const_ns += transfer_ns(m, y, up);
    links[len].const_ns += transfer_ns(m, y, resp_bytes);
    m->routes[m->nroutes] =
        (flow_route){hops, (uint16_t)len, links, (uint16_t)(k > 1 ? k : 0), resp_bytes};
    m->nhops += len;
    m->nlinks += len + 1;
    return (int64_t)m->nroutes++;
}

/* The front end of station i (a service's TCP and TLS endpoint): answers handshakes at once.
 * Found or made; returns its index, or -1. */
static int64_t front_end(rm *m, uint32_t i)
{
    char name[NETMODEL_NAME_MAX];
    snprintf(name, sizeof name, "%.*s/front-end", NETMODEL_NAME_MAX - 11, m->st[i].c.name);
    for (size_t k = 0; k < m->nst; k++)
        if (strcmp(m->st[k].c.name, name) == 0) return (int64_t)k;
    if (m->nst == m->stcap) return error_set(m->err, "too many stations (a model bug)");
    const dist *zero = dist_constant(m->dists, 0);
    if (!zero) return error_set(m->err, "out of memory");
    rm_station *s = &m->st[m->nst];
    *s = m->st[i];
    memcpy(s->c.name, name, sizeof name);
    s->notice_set = false;
    s->front = true;
    s->p.drop_notice_ns = 0;
    many_servers(s, zero);
    s->p.delay = NULL;
    return (int64_t)m->nst++;
}

static void way_timing(rm *m, const rm_way *y, uint32_t cg);

/* The route of one handshake round trip over way y (clients in group cg): to the target's front
 * end and back. */
static int64_t handshake_route(rm *m, const rm_way *y, uint32_t cg)
{
    rm_way h = *y;
    int64_t fe = front_end(m, y->stations[y->k - 1]);
    if (fe < 0) return -1;
    h.stations[h.k - 1] = (uint32_t)fe;
    way_timing(m, &h, cg);
    return add_route(m, &h, HS_REQUEST_BYTES, HS_RESPONSE_BYTES);
}

/* Billed bytes of one exchange of up bytes out and down bytes back over way y. */
static void way_bytes(const rm_way *y, uint64_t up, uint64_t down, uint64_t *b)
{
    for (size_t j = 0; j < y->k; j++) {
        const uint32_t *c = y->seg[j].classes, through = y->seg[j].through;
        b[CLIENT_BYTES_CROSS_AZ] += (up + down) * (c[LINK_CROSS_AZ] - through);
        b[CLIENT_BYTES_CROSS_AZ_THROUGH] += (up + down) * through;
        b[CLIENT_BYTES_INTER_REGION] += (up + down) * c[LINK_INTER_REGION];
        b[CLIENT_BYTES_INTERNET_OUT] += up * c[LINK_INTERNET] + down * c[LINK_VPN];
        b[CLIENT_BYTES_DX_OUT] += down * c[LINK_DX];
    }
}

/* The least delay from station j of way y back to the origin (over its segments). */
static vs_time way_back_min(const rm_way *y, size_t j)
{
    vs_time ns = 0;
    for (size_t i = 0; i <= j; i++) ns += flow_link_min(&y->seg[i].link);
    return ns;
}

static void la_note(rm *m, uint32_t a, uint32_t b, vs_time ns)
{
    if (a == b) return;
    vs_time *x = &m->la[(size_t)a * m->ngroups + b];
    if (*x == 0 || ns < *x) *x = ns;
}

/* Lookaheads and drop notices of way y for a client in group cg. */
static void way_timing(rm *m, const rm_way *y, uint32_t cg)
{
    for (size_t j = 0; j < y->k; j++) {
        rm_station *s = &m->st[y->stations[j]];
        uint32_t from = j ? m->st[y->stations[j - 1]].group : cg;
        vs_time mn = flow_link_min(&y->seg[j].link), back = way_back_min(y, j);
        la_note(m, from, s->group, mn);
        la_note(m, s->group, from, mn);
        if (!s->notice_set || back < s->p.drop_notice_ns) s->p.drop_notice_ns = back;
        s->notice_set = true;
    }
}

/* Drop notices go from a station straight to the client: once every station's notice delay is
 * known (the least over its routes), the lookahead to each client's group allows it. */
static void drop_timing(rm *m)
{
    for (size_t r = 0; r < m->nroutes; r++) {
        const flow_route *route = &m->routes[r];
        for (uint16_t h = 0; h < route->len; h++) {
            const rm_station *s = &m->st[route->hops[h]];
            la_note(m, s->group, m->route_group[r], s->p.drop_notice_ns);
        }
    }
}

/* ---- clients --------------------------------------------------------------------------------- */

static int workload_sizes(rm *m, const topo_workload *w)
{
    if (w->bytes_up < 0 || w->bytes_up > UINT32_MAX || w->bytes_down < 0 ||
        w->bytes_down > UINT32_MAX)
        return error_set(m->err,
                         "%s:%d:%d: workload %s: request and response sizes must be at "
                         "most 4GiB",
                         w->pos.file, w->pos.line, w->pos.col, w->name);
    return 0;
}

/* The routes, billed bytes and timing of way pa of workload wi into *ca (all but its weight)
 * and its stations into *ra. Returns 0 or -1. */
static int make_alt(rm *m, size_t wi, const path_alt *pa, client_alt *ca, netmodel_alt *ra)
{
    const topo_workload *w = &m->t->workloads[wi];
    rm_way y;
    if (build_way(m, w, pa, &y)) return -1;
    int64_t r = add_route(m, &y, (uint32_t)w->bytes_up, (uint32_t)w->bytes_down);
    int64_t hs = m->cp[wi].handshakes ? handshake_route(m, &y, m->client_group[wi]) : r;
    if (r < 0 || hs < 0) return -1;
    m->route_group[r] = m->route_group[hs] = m->client_group[wi];
    *ca = (client_alt){.route = (uint16_t)r, .hs_route = (uint16_t)hs};
    way_bytes(&y, (uint64_t)w->bytes_up, (uint64_t)w->bytes_down, ca->bytes);
    way_bytes(&y, HS_REQUEST_BYTES, HS_RESPONSE_BYTES, ca->hs_bytes);
    way_timing(m, &y, m->client_group[wi]);
    ra->nstations = (uint32_t)y.k;
    memcpy(ra->stations, y.stations, y.k * sizeof *y.stations);
    return 0;
}

/* Routes and alternatives of workload wi's reachable path. */
static int workload_routes(rm *m, size_t wi)
{
    const path_result *pr = &m->paths[wi];
    client_alt *alts = m->alts + wi * m->walts;
    double cum = 0;
    for (size_t a = 0; a < pr->nalts; a++) {
        if (make_alt(m, wi, &pr->alts[a], &alts[a], &m->ralts[wi * m->walts + a])) return -1;
        cum += pr->alts[a].weight;
        alts[a].cum_weight = a + 1 == pr->nalts ? 1.0 : cum;
    }
    m->cp[wi].nalts = (uint32_t)pr->nalts;
    return 0;
}

/* ---- replayed arrivals ------------------------------------------------------------------------
 */

/* The replay file's path: as written if absolute, else beside the scenario file. */
static void replay_path(const char *scenario, const char *file, char *buf, size_t n)
{
    const char *slash = scenario ? strrchr(scenario, '/') : NULL;
    if (file[0] == '/' || !slash)
        snprintf(buf, n, "%s", file);
    else
        snprintf(buf, n, "%.*s%s", (int)(slash - scenario + 1), scenario, file);
}

/* One line of a replay file: a time (a number of seconds or a duration with its unit), or
 * nothing (blank or a # comment). Returns 1 with *t, 0 for nothing, -1 with err set. */
static int replay_line(char *line, const char *path, size_t lineno, vs_time *t, vs_error *err)
{
    char *hash = strchr(line, '#'), *a = line, *e;
    if (hash) *hash = '\0';
    while (*a == ' ' || *a == '\t') a++;
    e = a + strlen(a);
    while (e > a && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r')) *--e = '\0';
    if (!*a) return 0;
    vs_error why = {{0}};
    if (units_parse_duration_default(a, "s", t, &why))
        return error_set(err,
                         "%s:%zu:%d: expected a time from the start of the run (seconds, or "
                         "a duration such as 250ms): %s",
                         path, lineno, (int)(a - line) + 1, why.msg);
    return 1;
}

/* The call times of workload wi (traffic.file: one time per line, non-decreasing), into
 * m->replay[wi]. Times at or after the horizon make no call. */
static int workload_replay(rm *m, size_t wi, client_params *p)
{
    const topo_workload *w = &m->t->workloads[wi];
    const config_node *f = config_find(w->traffic, "file");
    char path[4096], line[512];
    size_t lineno = 0;
    uint32_t n = 0, cap = 0;
    if (!f || !config_scalar(f))
        return error_set(m->err, "%s:%d:%d: workload %s: arrival: replay needs traffic.file",
                         w->pos.file, w->pos.line, w->pos.col, w->name);
    replay_path(w->pos.file, config_scalar(f), path, sizeof path);
    FILE *in = fopen(path, "r");
    if (!in)
        return config_error_at(f, m->err, "cannot read replay file %s: %s", path, strerror(errno));
    int rc = 0;
    while (rc == 0 && fgets(line, sizeof line, in)) {
        vs_time t;
        lineno++;
        if (!strchr(line, '\n') && !feof(in)) {
            rc = error_set(m->err, "%s:%zu:1: line longer than %zu characters", path, lineno,
                           sizeof line - 2);
            break;
        }
        int got = replay_line(line, path, lineno, &t, m->err);
        if (got < 0) rc = -1;
        if (got <= 0) continue;
        if (n > 0 && t < m->replay[wi][n - 1])
            rc = error_set(m->err,
                           "%s:%zu:1: times must not decrease (this one is earlier than the "
                           "time before it)",
                           path, lineno);
        else if (n == cap && grow_double((void **)&m->replay[wi], &cap, sizeof(vs_time), 1024))
            rc = error_set(m->err, "out of memory");
        else
            m->replay[wi][n++] = t;
    }
    if (rc == 0 && ferror(in)) rc = error_set(m->err, "%s: read error", path);
    fclose(in);
    p->replay = m->replay[wi];
    p->nreplay = n;
    return rc;
}

/* The schedule of workload w (traffic.schedule), into m->steps[wi]. */
static int workload_schedule(rm *m, size_t wi, client_params *p)
{
    const config_node *seq = config_find(m->t->workloads[wi].traffic, "schedule");
    size_t n = seq ? config_len(seq) : 0;
    client_step *steps = n ? calloc(n, sizeof *steps) : NULL;
    if (n && !steps) return error_set(m->err, "out of memory");
    m->steps[wi] = steps;
    for (size_t i = 0; i < n; i++) {
        const config_node *step = config_at(seq, i);
        if (config_get_duration(step, "at", NULL, &steps[i].at_ns, m->err) ||
            config_get_rate(step, "rate", NULL, &steps[i].rate_per_s, m->err))
            return -1;
    }
    p->steps = steps;
    p->nsteps = (uint32_t)n;
    return 0;
}

static int workload_arrivals(rm *m, size_t wi, client_params *p)
{
    const topo_workload *w = &m->t->workloads[wi];
    p->arrival = w->arrival;
    p->rate_per_s = w->rate_per_s;
    p->clients = w->clients > 0 ? (uint32_t)w->clients : 0;
    p->think_ns = w->think_ns;
    if (w->arrival == ARRIVAL_ONOFF &&
        (config_get_duration(w->traffic, "on", NULL, &p->on_ns, m->err) ||
         config_get_duration(w->traffic, "off", NULL, &p->off_ns, m->err)))
        return -1;
    if (w->arrival == ARRIVAL_SCHEDULE) return workload_schedule(m, wi, p);
    if (w->arrival == ARRIVAL_REPLAY) return workload_replay(m, wi, p);
    return 0;
}

static int64_t client_int(rm *m, const char *inst, const char *name, int *rc)
{
    const param_value *v = param(m, "client", inst, name);
    if (!v) *rc = -1;
    return v ? v->i : 0;
}

static int workload_retries(rm *m, const topo_workload *w, client_params *p)
{
    int rc = 0;
    int64_t hs = w->reuse_connections ? 0
                                      : client_int(m, w->name, "tcp_handshake_rtts", &rc) +
                                            client_int(m, w->name, "tls_handshake_rtts", &rc);
    p->handshakes = hs > 255 ? 256 : (uint32_t)hs;
    p->hs_request_bytes = HS_REQUEST_BYTES;
    p->timeout_ns = w->timeout_ns;
    p->retry = w->retry == RETRY_STANDARD;
    p->max_attempts = (uint32_t)w->max_attempts;
    p->retry_base_ns = client_int(m, w->name, "retry_base", &rc);
    p->retry_throttle_base_ns = client_int(m, w->name, "retry_throttle_base", &rc);
    p->retry_cap_ns = client_int(m, w->name, "retry_cap", &rc);
    p->retry_quota = client_int(m, w->name, "retry_quota", &rc);
    p->retry_cost = client_int(m, w->name, "retry_cost", &rc);
    p->timeout_retry_cost = client_int(m, w->name, "timeout_retry_cost", &rc);
    return rc;
}

/* The client group of workload w: its subnet's AZ or its site. */
static uint32_t client_group_of(const rm *m, const topo_workload *w)
{
    return w->source_subnet >= 0 ? group_az(m, m->t->subnets[w->source_subnet].az)
                                 : group_site(m, w->source_site);
}

static int workload_client(rm *m, size_t wi)
{
    const topo_workload *w = &m->t->workloads[wi];
    client_params *p = &m->cp[wi];
    char name[NETMODEL_NAME_MAX + 16];
    snprintf(name, sizeof name, "client/%s/arrivals", w->name);
    if (workload_sizes(m, w)) return -1;
    if (!(m->arrivals[wi] = rng_new(m->cfg->seed, name))) return error_set(m->err, "out of memory");
    *p = (client_params){.flows = &m->table,
                         .alts = m->alts + wi * m->walts,
                         .request_bytes = (uint32_t)w->bytes_up,
                         .warmup_ns = m->cfg->warmup_ns,
                         .horizon_ns = m->horizon,
                         .arrivals = m->arrivals[wi],
                         .out = &m->out->workloads[wi].st};
    hist_init(&p->out->latency);
    m->client_group[wi] = client_group_of(m, w);
    verdict v = m->paths[wi].verdict;
    p->no_path = v == VERDICT_DENIED ? CLIENT_FAIL_DENIED : CLIENT_FAIL_UNREACHABLE;
    if (workload_arrivals(m, wi, p) || workload_retries(m, w, p)) return -1;
    return v == VERDICT_REACHABLE ? workload_routes(m, wi) : 0;
}

/* ---- faults: the ways of each state of DNS answers and routes -------------------------------- */

static bool same_alt(const path_alt *a, const path_alt *b)
{
    return a->nhops == b->nhops && memcmp(a->hops, b->hops, a->nhops * sizeof *a->hops) == 0;
}

/* The index of a way with a's hops in seen[0 .. n), or n. */
static uint32_t find_alt(const path_alt *seen, uint32_t n, const path_alt *a)
{
    uint32_t k = 0;
    while (k < n && !same_alt(&seen[k], a)) k++;
    return k;
}

/* Resolves workload wi in fault state s into *pr. Returns 0 or -1. */
static int resolve_state(rm *m, size_t wi, size_t s, path_result *pr)
{
    rf_view v;
    path_faults pf;
    rf_state_faults(&m->plan, s, &v, &pf);
    return paths_resolve(m->t, wi, &pf, pr, m->err);
}

/* The ways of one state (path pr) of workload wi as alternatives from *n on (seen[] holds the
 * paths of those before): a way seen before reuses its routes. Returns 0 or -1. */
static int state_ways(rm *m, size_t wi, const path_result *pr, client_ways *cw, path_alt *seen,
                      uint32_t *n)
{
    client_alt *alts = m->alts + wi * m->walts;
    netmodel_alt *ralts = m->ralts + wi * m->walts;
    double cum = 0;
    *cw = (client_ways){
        *n, 0, pr->verdict == VERDICT_DENIED ? CLIENT_FAIL_DENIED : CLIENT_FAIL_UNREACHABLE};
    if (pr->verdict != VERDICT_REACHABLE) return 0;
    for (size_t a = 0; a < pr->nalts; a++, cw->n++, (*n)++) {
        uint32_t k = find_alt(seen, *n, &pr->alts[a]);
        if (k < *n) {
            alts[*n] = alts[k];
            ralts[*n] = ralts[k];
        } else if (make_alt(m, wi, &pr->alts[a], &alts[*n], &ralts[*n])) {
            return -1;
        }
        seen[*n] = pr->alts[a];
        cum += pr->alts[a].weight;
        alts[*n].cum_weight = a + 1 == pr->nalts ? 1.0 : cum;
    }
    return 0;
}

/* Whether two sets of ways of workload wi send calls the same way. */
static bool same_ways(const rm *m, size_t wi, const client_ways *a, const client_ways *b)
{
    const client_alt *alts = m->alts + wi * m->walts;
    if (a->n != b->n || (a->n == 0 && a->no_path != b->no_path)) return false;
    for (uint32_t i = 0; i < a->n; i++)
        if (alts[a->first + i].route != alts[b->first + i].route ||
            alts[a->first + i].cum_weight != alts[b->first + i].cum_weight)
            return false;
    return true;
}

/* Hands workload wi's table of states to its client, with the times they change. */
static int give_states(rm *m, size_t wi, client_ways *ways, uint32_t nalts)
{
    int rc = 0;
    client_params *p = &m->cp[wi];
    p->dns_ttl_ns = client_int(m, m->t->workloads[wi].name, "dns_ttl", &rc);
    if (rc || p->dns_ttl_ns < 0) return rc ? -1 : error_set(m->err, "client.dns_ttl must be >= 0");
    m->ways[wi] = ways;
    p->ways = ways;
    p->nalts = nalts;
    p->dns_at = m->plan.dns_at;
    p->ndns = m->plan.ndns;
    p->route_at = m->plan.route_at;
    p->nroute = m->plan.nroute;
    return 0;
}

/* Under faults that change DNS answers or routes, the ways of workload wi (reachable without
 * faults) in every state; a workload they do not change keeps its fault-free ways. */
static int workload_states(rm *m, size_t wi)
{
    client_params *p = &m->cp[wi];
    client_ways *ways = calloc(m->nstates, sizeof *ways);
    path_alt *seen = malloc(m->walts * sizeof *seen);
    path_result *pr = malloc(sizeof *pr);
    uint32_t n = p->nalts;
    bool differs = false;
    int rc = -1;
    if (!ways || !seen || !pr) {
        error_set(m->err, "out of memory");
        goto out;
    }
    memcpy(seen, m->paths[wi].alts, n * sizeof *seen);
    ways[0] = (client_ways){0, n, p->no_path};
    for (size_t s = 1; s < m->nstates; s++) {
        if (resolve_state(m, wi, s, pr) || state_ways(m, wi, pr, &ways[s], seen, &n)) goto out;
        differs |= !same_ways(m, wi, &ways[s], &ways[0]);
    }
    rc = 0;
    if (differs && (rc = give_states(m, wi, ways, n)) == 0) ways = NULL;
out:
    free(ways), free(seen), free(pr);
    return rc;
}

/* The ways the states add beyond the fault-free ones, over all workloads (to size the tables
 * before routes are built). Returns 0 or -1. */
static int count_state_ways(rm *m)
{
    path_alt *seen = malloc(m->walts * sizeof *seen);
    path_result *pr = malloc(sizeof *pr);
    int rc = seen && pr ? 0 : error_set(m->err, "out of memory");
    for (size_t wi = 0; rc == 0 && wi < m->t->nworkloads; wi++) {
        uint32_t n = 0;
        for (size_t s = 0; rc == 0 && m->t->workloads[wi].traffic && s < m->nstates; s++) {
            if ((rc = resolve_state(m, wi, s, pr)) || pr->verdict != VERDICT_REACHABLE) {
                if (s == 0) break; /* unreachable without faults: no ways at all */
                continue;
            }
            for (size_t a = 0; a < pr->nalts; a++)
                if (find_alt(seen, n, &pr->alts[a]) == n) {
                    seen[n++] = pr->alts[a];
                    m->extra_ways += s > 0;
                }
        }
    }
    free(seen), free(pr);
    return rc;
}

/* The plan of the faults (before allocation): states, and the ways they add. */
static int faults_prepare(rm *m)
{
    if (rf_plan_make(m->t, m->pt, &m->plan, m->err)) return -1;
    m->nstates = rf_states(&m->plan);
    m->walts = m->nstates * PATH_MAX_ALTS;
    return m->nstates > 1 ? count_state_ways(m) : 0;
}

/* Every station's fault windows. Returns 0 or -1. */
static int station_faults(rm *m)
{
    size_t nf = m->t->nfaults;
    if (nf == 0) return 0;
    m->windows = calloc(m->nst * nf + 1, sizeof *m->windows);
    m->extra = calloc(nf, sizeof *m->extra);
    if (!m->windows || !m->extra) return error_set(m->err, "out of memory");
    for (size_t i = 0; i < m->nst; i++) {
        rm_station *s = &m->st[i];
        station_fault *w = m->windows + i * nf;
        int n = rf_station_windows(m->t, s->c.kind, s->c.index, s->c.az, s->front, m->dists,
                                   m->extra, w, m->err);
        if (n < 0) return -1;
        s->p.faults = n ? w : NULL;
        s->p.nfaults = (uint32_t)n;
    }
    return 0;
}

/* ---- admission limits ------------------------------------------------------------------------ */

/* The id of key k in keys (added if new). */
static uint32_t key_id(rm_key *keys, uint32_t *n, rm_key k)
{
    for (uint32_t i = 0; i < *n; i++)
        if (keys[i].a == k.a && keys[i].b == k.b && keys[i].len == k.len &&
            (k.len == 0 || memcmp(keys[i].prefix, k.prefix, k.len) == 0))
            return i;
    keys[*n] = k;
    return (*n)++;
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* S3's request class of an action: 0 for GET and HEAD (s3:Get*, s3:Head*, s3:List*, or no
 * action), 1 for PUT, COPY, POST and DELETE (anything else). */
static uint32_t s3_class(const char *action)
{
    return !action || starts_with(action, "s3:Get") || starts_with(action, "s3:Head") ||
                   starts_with(action, "s3:List")
               ? 0
               : 1;
}

/* Each route of workload wi's alternatives (the request routes, and the handshake routes too
 * when hs) gets key id in table. */
static void mark_routes(rm *m, size_t wi, bool hs, uint32_t *table, uint32_t id)
{
    const client_params *p = &m->cp[wi];
    for (uint32_t a = 0; a < p->nalts; a++) {
        table[p->alts[a].route] = id;
        if (hs && p->handshakes) table[p->alts[a].hs_route] = id;
    }
}

/* S3 workloads: a token bucket per (prefix, class) at the S3 station (5,500 GET/HEAD and 3,500
 * PUT/COPY/POST/DELETE per second per prefix, then 503 SlowDown). */
static int s3_buckets(rm *m, size_t wi)
{
    const topo_workload *w = &m->t->workloads[wi];
    if (w->target != TARGET_AWS_SERVICE || w->service != SVC_S3 || m->cp[wi].nalts == 0) return 0;
    const char *res = w->resource ? w->resource : "", *slash = strrchr(res, '/');
    rm_key k = {res, slash ? (size_t)(slash - res) : strlen(res), s3_class(w->action), 0};
    const param_value *rate =
        param(m, "service_s3", NULL, k.a ? "put_per_prefix" : "get_per_prefix");
    if (!rate) return -1;
    if (!(rate->x > 0) || !isfinite(rate->x))
        return error_set(m->err, "service_s3: request rates per prefix must be > 0");
    uint32_t b = key_id(m->buckets, &m->nbuckets, k);
    m->bucket_rate[b] = rate->x;
    mark_routes(m, wi, false, m->route_bucket, b);
    return 0;
}

/* Workloads that open a connection per request to an internet host: each destination (IP, port,
 * TCP) takes a port of the NAT gateways on the way. AWS service endpoints answer from many
 * addresses and are not counted. */
static void nat_destinations(rm *m, size_t wi)
{
    const topo_workload *w = &m->t->workloads[wi];
    if (w->target != TARGET_INTERNET || w->reuse_connections || m->cp[wi].nalts == 0) return;
    rm_key k = {NULL, 0, w->internet_ip, (uint32_t)w->port};
    mark_routes(m, wi, true, m->route_conn, key_id(m->dests, &m->ndests, k));
}

/* Points the S3 and NAT stations at the limit tables. Returns 0 or -1. */
static int station_limits(rm *m)
{
    for (size_t i = 0; i < m->nst; i++) {
        rm_station *s = &m->st[i];
        if (s->c.kind == HOP_AWS_SERVICE && s->c.index == SVC_S3 && m->nbuckets > 0) {
            s->p.route_bucket = m->route_bucket;
            s->p.bucket_rate = m->bucket_rate;
            s->p.nbuckets = m->nbuckets;
        } else if (s->c.kind == HOP_NAT && m->ndests > 0) {
            const topo_nat *nat = &m->t->nats[s->c.index];
            const param_value *v =
                param(m, "nat_gateway", nat->name, "connections_per_destination");
            if (!v) return -1;
            if (v->i < 1)
                return error_set(m->err,
                                 "nat_gateway %s: connections_per_destination "
                                 "must be >= 1",
                                 nat->name);
            s->p.route_conn = m->route_conn;
            s->p.nconns = m->ndests;
            s->p.conn_limit = v->i * (nat->ips > 0 ? nat->ips : 1);
        }
    }
    return 0;
}

static int build_limits(rm *m)
{
    for (size_t r = 0; r < m->routecap; r++) m->route_bucket[r] = m->route_conn[r] = STATION_NO_KEY;
    for (size_t wi = 0; wi < m->t->nworkloads; wi++) {
        if (!m->out->workloads[wi].active) continue;
        if (s3_buckets(m, wi)) return -1;
        nat_destinations(m, wi);
    }
    return station_limits(m);
}

/* ---- the model ------------------------------------------------------------------------------- */

static int rm_alloc(rm *m)
{
    const topology *t = m->t;
    size_t nw = t->nworkloads ? t->nworkloads : 1;
    size_t maxroutes = nw * PATH_MAX_ALTS * 2 + m->extra_ways * 2;
    size_t maxhops = maxroutes * 2 * PATH_MAX_HOPS;
    m->stcap = nw * PATH_MAX_ALTS * PATH_MAX_HOPS + m->extra_ways * (PATH_MAX_HOPS + 1);
    m->routecap = maxroutes;
    m->hopcap = maxhops;
    m->linkcap = maxhops + maxroutes;
    m->ngroups = (uint32_t)(t->nazs + t->nregions + t->nsites + 1);
    m->st = calloc(m->stcap, sizeof *m->st);
    m->routes = calloc(maxroutes, sizeof *m->routes);
    m->hops = calloc(maxhops, sizeof *m->hops);
    m->links = calloc(m->linkcap, sizeof *m->links);
    m->cp = calloc(nw, sizeof *m->cp);
    m->alts = calloc(nw * m->walts, sizeof *m->alts);
    m->ralts = calloc(nw * m->walts, sizeof *m->ralts);
    m->ways = calloc(nw, sizeof *m->ways);
    m->steps = calloc(nw, sizeof *m->steps);
    m->replay = calloc(nw, sizeof *m->replay);
    m->arrivals = calloc(nw, sizeof *m->arrivals);
    m->client_group = calloc(nw, sizeof *m->client_group);
    m->route_group = calloc(maxroutes, sizeof *m->route_group);
    m->paths = calloc(nw, sizeof *m->paths);
    m->la = calloc((size_t)m->ngroups * m->ngroups, sizeof *m->la);
    m->route_bucket = calloc(maxroutes, sizeof *m->route_bucket);
    m->route_conn = calloc(maxroutes, sizeof *m->route_conn);
    m->buckets = calloc(nw, sizeof *m->buckets);
    m->bucket_rate = calloc(nw, sizeof *m->bucket_rate);
    m->dests = calloc(nw, sizeof *m->dests);
    m->dists = dist_set_new();
    m->out->workloads = calloc(nw, sizeof *m->out->workloads);
    if (!m->st || !m->routes || !m->hops || !m->links || !m->cp || !m->alts || !m->steps ||
        !m->replay || !m->arrivals || !m->client_group || !m->route_group || !m->paths || !m->la ||
        !m->dists || !m->out->workloads || !m->route_bucket || !m->route_conn || !m->buckets ||
        !m->bucket_rate || !m->dests || !m->ralts || !m->ways)
        return error_set(m->err, "out of memory");
    if (m->ngroups > 1024)
        return error_set(m->err, "too many AZs, Regions and sites (%u groups, at most 1024)",
                         m->ngroups);
    m->table = (flow_table){m->routes, 0};
    return 0;
}

static void rm_free(rm *m)
{
    size_t nw = m->t->nworkloads ? m->t->nworkloads : 1;
    engine_free(m->eng);
    for (size_t i = 0; m->st && i < m->nst; i++) free(m->st[i].c.series), free(m->st[i].c.spans.v);
    for (size_t i = 0; m->arrivals && i < nw; i++) rng_free(m->arrivals[i]);
    for (size_t i = 0; m->steps && i < nw; i++) free(m->steps[i]);
    for (size_t i = 0; m->replay && i < nw; i++) free(m->replay[i]);
    free(m->replay);
    free(m->st), free(m->routes), free(m->hops), free(m->links), free(m->cp), free(m->alts);
    free(m->steps), free(m->arrivals), free(m->client_group), free(m->route_group), free(m->paths),
        free(m->la);
    free(m->route_bucket), free(m->route_conn), free(m->buckets), free(m->bucket_rate),
        free(m->dests);
    for (size_t i = 0; m->ways && i < nw; i++) free(m->ways[i]);
    free(m->ways), free(m->ralts), free(m->windows), free(m->extra);
    rf_plan_free(&m->plan);
    dist_set_free(m->dists);
}

static int build_workloads(rm *m)
{
    netmodel_result *out = m->out;
    out->nworkloads = m->t->nworkloads;
    for (size_t wi = 0; wi < m->t->nworkloads; wi++) {
        const topo_workload *w = &m->t->workloads[wi];
        netmodel_workload *rw = &out->workloads[wi];
        rw->name = w->name;
        if (paths_resolve(m->t, wi, NULL, &m->paths[wi], m->err)) return -1;
        rw->verdict = m->paths[wi].verdict;
        rw->active = w->traffic != NULL;
        if (!rw->active) continue;
        if (workload_client(m, wi)) return -1;
        if (m->nstates > 1 && rw->verdict == VERDICT_REACHABLE && workload_states(m, wi)) return -1;
        rw->nalts = m->cp[wi].nalts;
    }
    if (m->nroutes > UINT16_MAX) return error_set(m->err, "more than 65535 routes");
    m->table.count = (uint16_t)m->nroutes;
    drop_timing(m);
    return build_limits(m) || station_faults(m) ? -1 : 0;
}

/* ---- observation ----------------------------------------------------------------------------- */

/* Time series and span buffers of every station, and each client's observer (cfg). Returns 0 or
 * -1. The buffers belong to m->st[i].c until collect() hands them to the result. */
static int observation_setup(rm *m)
{
    const netmodel_config *cfg = m->cfg;
    for (size_t wi = 0; cfg->observers && wi < m->t->nworkloads; wi++)
        m->cp[wi].observer = &cfg->observers[wi];
    if (cfg->series_bin_ns < 0 || !(cfg->span_rate >= 0 && cfg->span_rate <= 1))
        return error_set(m->err, "run: series bin must be >= 0 and span rate in [0, 1]");
    vs_time bins =
        cfg->series_bin_ns > 0 ? (m->end + cfg->series_bin_ns - 1) / cfg->series_bin_ns : 0;
    if (bins > UINT32_MAX) return error_set(m->err, "run: more than 2^32 time series bins");
    for (size_t i = 0; i < m->nst; i++) {
        rm_station *s = &m->st[i];
        if (bins > 0) {
            if (!(s->c.series = calloc((size_t)bins, sizeof *s->c.series)))
                return error_set(m->err, "out of memory");
            s->c.nbins = (uint32_t)bins;
            s->p.series_bin_ns = cfg->series_bin_ns;
            s->p.series = s->c.series;
            s->p.nbins = s->c.nbins;
        }
        if (cfg->span_rate > 0) {
            s->p.span_rate = cfg->span_rate;
            s->p.spans = &s->c.spans;
        }
    }
    return 0;
}

static int add_lps(rm *m)
{
    if (observation_setup(m)) return -1;
    engine_opts o = {.threads = m->cfg->threads, .queue = m->cfg->queue, .seed = m->cfg->seed};
    if (!(m->eng = engine_new(&o, m->err))) return -1;
    for (size_t i = 0; i < m->nst; i++)
        if (station_add(m->eng, m->st[i].c.name, m->st[i].group, &m->st[i].p, m->err) != (int64_t)i)
            return -1;
    for (size_t wi = 0; wi < m->t->nworkloads; wi++) {
        char name[NETMODEL_NAME_MAX + 8];
        if (!m->out->workloads[wi].active) continue;
        snprintf(name, sizeof name, "client/%s", m->t->workloads[wi].name);
        if (client_add(m->eng, name, m->client_group[wi], &m->cp[wi], m->err) < 0) return -1;
    }
    for (uint32_t a = 0; a < m->ngroups; a++)
        for (uint32_t b = 0; b < m->ngroups; b++) {
            vs_time la = m->la[(size_t)a * m->ngroups + b];
            if (la > 0 && engine_set_lookahead(m->eng, a, b, la, m->err)) return -1;
        }
    if (engine_set_default_lookahead(m->eng, DEFAULT_LOOKAHEAD, m->err)) return -1;
    return flow_table_check(&m->table, engine_lp_count(m->eng), m->err);
}

/* The bytes the stations and clients counted, by price item. */
static void collect(rm *m)
{
    netmodel_result *out = m->out;
    out->components = calloc(m->nst ? m->nst : 1, sizeof *out->components);
    for (size_t i = 0; out->components && i < m->nst; i++) {
        netmodel_component *c = &out->components[i];
        *c = m->st[i].c;
        const station_stats *st = station_stats_of(m->eng, (uint32_t)i);
        if (st) c->st = *st;
        m->st[i].c.series = NULL; /* now the result's */
        m->st[i].c.spans = (station_spans){0};
        int item = c->kind == HOP_NAT                  ? COST_GB_NAT
                   : c->kind == HOP_INTERFACE_ENDPOINT ? COST_GB_INTERFACE_ENDPOINT
                   : c->kind == HOP_TGW                ? COST_GB_TGW
                                                       : -1;
        if (item >= 0) out->gb_bytes[item] += c->st.bytes;
    }
    out->ncomponents = out->components ? m->nst : 0;
    for (size_t wi = 0; wi < out->nworkloads; wi++) {
        netmodel_workload *w = &out->workloads[wi];
        if (w->nalts && (w->alts = malloc(w->nalts * sizeof *w->alts)))
            memcpy(w->alts, m->ralts + wi * m->walts, w->nalts * sizeof *w->alts);
        const uint64_t *b = out->workloads[wi].st.bytes;
        out->gb_bytes[COST_GB_CROSS_AZ] += b[CLIENT_BYTES_CROSS_AZ];
        out->gb_bytes[COST_GB_CROSS_AZ_THROUGH] += b[CLIENT_BYTES_CROSS_AZ_THROUGH];
        out->gb_bytes[COST_GB_INTER_REGION] += b[CLIENT_BYTES_INTER_REGION];
        out->gb_bytes[COST_GB_INTERNET_OUT] += b[CLIENT_BYTES_INTERNET_OUT];
        out->gb_bytes[COST_GB_DX_OUT] += b[CLIENT_BYTES_DX_OUT];
    }
    out->engine = *engine_get_stats(m->eng);
    out->window_s = (double)m->cfg->duration_ns / 1e9;
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
    rm m = {.t = t, .pt = params, .cfg = cfg, .err = err, .out = out};
    m.horizon = cfg->warmup_ns + cfg->duration_ns;
    m.end = m.horizon + netmodel_drain_ns(t, params, cfg);
    int rc = faults_prepare(&m) || rm_alloc(&m) || build_workloads(&m) || add_lps(&m) ||
             (run && engine_run(m.eng, m.end, err));
    if (rc == 0 && run) {
        collect(&m);
        out->end_ns = m.end;
        if (!out->components) rc = error_set(err, "out of memory");
    }
    rm_free(&m);
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
    memset(r, 0, sizeof *r);
}
