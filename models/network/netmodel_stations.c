/* The stations of the network model (netmodel_impl.h): one per component instance, and per AZ
 * where AWS is zonal, found or made as routes cross them; each configured from its kind's
 * recipe in the kind table (kinds.h: bandwidth or servers, queue, packet rate, scale-up). Setup
 * only: a linear search by LP name over at most a few thousand stations. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "netmodel_impl.h"

/* The scenario name of a hop's component (parameter instance and LP name). */
static const char *hop_component(const netmodel *m, const topo_workload *w, const path_hop *h,
                                 char *buf, size_t n)
{
    return kinds_instance_name(m->t, w, h->kind, h->index, buf, n);
}

/* The AZ a TGW hop is served in: its own, else the nearest hop's of the same Region after it,
 * then before it; -1 if none. */
static int32_t tgw_az(const netmodel *m, const path_alt *a, size_t i)
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
static void station_place(const netmodel *m, const topo_workload *w, const path_alt *a, size_t i,
                          int32_t *az, uint32_t *group)
{
    const path_hop *h = &a->hops[i];
    *az = h->az;
    switch (kinds_get(h->kind)->station.place) {
    case PLACE_SITE:
        *group = netmodel_group_site(m, h->index);
        return;
    case PLACE_INTERNET:
        *group = netmodel_group_internet(m);
        return;
    case PLACE_REGION:
        *az = -1;
        *group = netmodel_group_region(m, w->service_region >= 0 ? w->service_region
                                                                 : source_region(m->t, w));
        return;
    case PLACE_TGW:
        *az = tgw_az(m, a, i);
        *group = *az >= 0 ? netmodel_group_az(*az)
                          : netmodel_group_region(m, m->t->tgws[h->index].region);
        return;
    case PLACE_AZ:
        break;
    }
    *group = *az >= 0 ? netmodel_group_az(*az) : netmodel_group_region(m, source_region(m->t, w));
}

/* A bandwidth station: one processor-sharing server at the capacity. A flow's own rate limit is
 * in its route (see transfer_ns): the station adds the contention. */
static void bandwidth_station(netmodel_station *s, double capacity_bps)
{
    s->config.discipline = STATION_PS;
    s->config.servers = 1;
    s->config.bandwidth_bps = capacity_bps;
    s->component.servers = 1;
    s->component.capacity_bps = capacity_bps;
}

/* The packet rate of a bandwidth station (0: none), its packets of client.mss bytes, or of its
 * kind's mtu less 40 B of IPv4 and TCP headers where that is smaller (a VPN tunnel's 1446 B MTU:
 * 1406 B, as AWS clamps the MSS). Returns 0 or -1. */
static int packet_limit(netmodel *m, netmodel_station *s, const char *pk, const char *inst,
                        double pps)
{
    if (pps == 0) return 0;
    const char *mtu_name = kinds_get(s->component.kind)->station.mtu;
    const param_value *mss = netmodel_param(m, "client", NULL, "mss"),
                      *mtu = mtu_name ? netmodel_param(m, pk, inst, mtu_name) : NULL;
    if (!mss || (mtu_name && !mtu)) return -1;
    if (!(pps > 0) || !isfinite(pps) || mss->i < 1 || mss->i > 65535)
        return error_set(m->err,
                         "%s: packets_per_s must be > 0 and client.mss 1 B to 64 KiB, got "
                         "%g and %lld B (%s)",
                         s->component.name, pps, (long long)mss->i, mss->basis);
    if (mtu && (mtu->i < 576 || mtu->i > 65535))
        return error_set(m->err, "%s: %s.mtu must be 576 B to 64 KiB, got %lld B (%s)",
                         s->component.name, pk, (long long)mtu->i, mtu->basis);
    s->config.packets_per_s = pps;
    s->config.packet_bytes = (uint32_t)(mtu && mtu->i - 40 < mss->i ? mtu->i - 40 : mss->i);
    return 0;
}

/* Automatic scale-up of NAT gateways and interface endpoints (scale_up_period > 0): the station
 * starts at bandwidth / bandwidth_max of its capacity. Returns 0 or -1. */
static int scale_up(netmodel *m, netmodel_station *s, const char *kind, const char *inst)
{
    if (!kinds_get(s->component.kind)->station.scales_up) return 0;
    const param_value *period = netmodel_param(m, kind, inst, "scale_up_period");
    double base = netmodel_param_bitrate(m, kind, inst, "bandwidth");
    if (!period || isnan(base)) return -1;
    if (period->i == 0) return 0;
    if (period->i < 0 || !(base > 0) || base > s->component.capacity_bps)
        return error_set(m->err,
                         "%s: %s.scale_up_period must be >= 0 and bandwidth in (0, "
                         "bandwidth_max], got %lld ns and %g of %g bps (%s)",
                         s->component.name, kind, (long long)period->i, base,
                         s->component.capacity_bps, period->basis);
    s->config.start_fraction = base / s->component.capacity_bps;
    s->config.scale_period_ns = period->i;
    return 0;
}

static void many_servers(netmodel_station *s, const dist *service)
{
    s->config.discipline = STATION_FIFO;
    s->config.servers = MANY_SERVERS;
    s->config.service = service;
    s->component.servers = MANY_SERVERS;
}

/* A service-like station (NLB, AWS or private service, internet host): FIFO with the `servers`
 * of its kind (-1: many), each request served for a sample of `service`. Returns 0 or -1. */
static int server_station(netmodel *m, netmodel_station *s, const char *kind, const char *inst,
                          const dist *service)
{
    const param_value *v = netmodel_param(m, kind, inst, "servers");
    if (!v || !service) return -1;
    if (v->i == 0 || v->i > MANY_SERVERS)
        return error_set(m->err, "%s: %s.servers must be -1 (no limit) or 1 to %d, got %lld (%s)",
                         s->component.name, kind, MANY_SERVERS, (long long)v->i, v->basis);
    many_servers(s, service);
    if (v->i > 0) s->config.servers = s->component.servers = (uint32_t)v->i;
    return 0;
}

/* The queue capacity of a station of parameter kind `kind` (-1: no limit). Returns 0 or -1. */
static int station_queue(netmodel *m, netmodel_station *s, const char *kind, const char *inst)
{
    const param_value *v = netmodel_param(m, kind, inst, "queue_capacity");
    if (!v) return -1;
    s->config.queue_capacity = v->i;
    return 0;
}

/* A NAT gateway's or interface endpoint's capacity: bandwidth_max (the scaled-up steady state),
 * unless the scenario sets its bandwidth, not its bandwidth_max, and no scale-up is modelled
 * (scale_up_period 0), as docs/scenario.md's `"nat_gateway/nat-a": {bandwidth: 10Gbps}`: then
 * that bandwidth, at most bandwidth_max. NAN with the error set on failure. */
static double scaling_bps(netmodel *m, const char *kind, const char *inst)
{
    const param_value *bw = netmodel_param(m, kind, inst, "bandwidth"),
                      *period = netmodel_param(m, kind, inst, "scale_up_period"),
                      *max_v = netmodel_param(m, kind, inst, "bandwidth_max");
    if (!bw || !period || !max_v) return NAN;
    double max = max_v->x;
    if (!bw->overridden || max_v->overridden || period->i != 0) return max;
    if (bw->x <= max) return bw->x;
    error_set(m->err, "%s.bandwidth must be at most bandwidth_max, got %g of %g bps (%s)", kind,
              bw->x, max, bw->basis);
    return NAN;
}

/* A Site-to-Site VPN's capacity (kinds.h: kind_station.tunnels): each tunnel carries bandwidth
 * and packets_per_s (large_ values for Large tunnels). With ECMP on a transit gateway the flows
 * spread over every tunnel, so the station has the tunnels' sum, but one flow is hashed onto one
 * tunnel and never goes faster than it (flow_bps); otherwise one tunnel carries everything and
 * the other stands by (VPN user guide, tunnel options; TGW guide, VPN ECMP support). */
static int vpn_tunnels(netmodel *m, netmodel_station *s, const char *pk, const char *inst,
                       double *cap, double *pps)
{
    const topo_vpn *v = &m->t->sites[s->component.index].vpn;
    if (v->large) {
        *cap = netmodel_param_bitrate(m, pk, inst, "large_bandwidth");
        *pps = netmodel_param_bitrate(m, pk, inst, "large_packets_per_s");
        if (isnan(*cap) || isnan(*pps)) return -1;
    }
    s->flow_bps = *cap;
    int32_t carrying = v->ecmp && v->tgw >= 0 ? v->tunnels : 1;
    *cap *= carrying;
    *pps *= carrying;
    return 0;
}

/* Fills s->config from the parameters of its kind (kinds.h: kind_station). Returns 0 or -1. */
static int station_configure(netmodel *m, netmodel_station *s, const char *inst)
{
    const kind_desc *d = kinds_get(s->component.kind);
    const kind_station *ks = &d->station;
    const char *pk =
        kinds_param_kind(s->component.kind, s->component.index); /* "nat_gateway", "service_s3" */
    if (d->role != KIND_STATION)
        return error_set(m->err, "hop kind %s cannot be a station",
                         hop_kind_name(s->component.kind));
    if (ks->queue && station_queue(m, s, pk, inst)) return -1;
    if (!ks->bandwidth)
        return server_station(m, s, pk, inst, netmodel_param_dist(m, pk, inst, ks->service));
    double cap = ks->scales_up  ? scaling_bps(m, pk, inst)
                 : ks->capacity ? netmodel_param_bitrate(m, pk, inst, ks->capacity)
                                : m->t->sites[s->component.index].dx.port_bps;
    double pps = ks->packets ? netmodel_param_bitrate(m, pk, inst, ks->packets) : 0;
    if (d->delay) s->config.delay = netmodel_param_dist(m, pk, inst, d->delay);
    if (isnan(cap) || isnan(pps)) return -1; /* a missing parameter */
    if (ks->tunnels && vpn_tunnels(m, s, pk, inst, &cap, &pps)) return -1;
    if (!(cap > 0) || !isfinite(cap))
        return error_set(m->err, "%s: capacity must be > 0 bps, got %g", s->component.name, cap);
    bandwidth_station(s, cap);
    return packet_limit(m, s, pk, inst, pps) || scale_up(m, s, pk, inst);
}

/* The LP name of the station serving a hop: kind, component, and AZ (or Region for services). */
static void station_name(const netmodel *m, const topo_workload *w, const path_hop *h, int32_t az,
                         uint32_t group, char *name, size_t n)
{
    char buf[32];
    const char *inst = hop_component(m, w, h, buf, sizeof buf), *kind = hop_kind_name(h->kind);
    if (az >= 0)
        snprintf(name, n, "%s/%s/%s", kind, inst, m->t->azs[az].name);
    else if (kinds_get(h->kind)->station.place == PLACE_REGION)
        snprintf(name, n, "%s/%s/%s", kind, inst, m->t->regions[group - m->t->nazs].name);
    else
        snprintf(name, n, "%s/%s", kind, inst);
}

/* The station serving hop i of alternative a (found, or made). Returns its index, or -1. */
int64_t netmodel_stations_for(netmodel *m, const topo_workload *w, const path_alt *a, size_t i)
{
    const path_hop *h = &a->hops[i];
    int32_t az;
    uint32_t group;
    char buf[32], name[NETMODEL_NAME_MAX];
    station_place(m, w, a, i, &az, &group);
    station_name(m, w, h, az, group, name, sizeof name);
    for (size_t k = 0; k < m->nstations; k++)
        if (strcmp(m->stations[k].component.name, name) == 0) return (int64_t)k;
    if (m->nstations == m->station_cap) return error_set(m->err, "too many stations (a model bug)");
    netmodel_station *s = &m->stations[m->nstations];
    memset(s, 0, sizeof *s);
    snprintf(s->component.name, sizeof s->component.name, "%s", name);
    s->component.kind = h->kind;
    s->component.index = h->index;
    s->component.az = az;
    s->group = group;
    s->config.flows = &m->flows;
    s->config.queue_capacity = -1;
    s->config.stats_from_ns = m->cfg->warmup_ns;
    s->config.stats_until_ns = m->horizon_ns;
    bool shared = kinds_get(h->kind)->station.shared;
    if (station_configure(m, s, shared ? NULL : hop_component(m, w, h, buf, sizeof buf))) return -1;
    return (int64_t)m->nstations++;
}

int64_t netmodel_stations_front_end(netmodel *m, uint32_t i)
{
    char name[NETMODEL_NAME_MAX];
    snprintf(name, sizeof name, "%.*s/front-end", NETMODEL_NAME_MAX - 11,
             m->stations[i].component.name);
    for (size_t k = 0; k < m->nstations; k++)
        if (strcmp(m->stations[k].component.name, name) == 0) return (int64_t)k;
    if (m->nstations == m->station_cap) return error_set(m->err, "too many stations (a model bug)");
    const dist *zero = dist_constant(m->dists, 0);
    if (!zero) return error_set(m->err, "out of memory");
    netmodel_station *s = &m->stations[m->nstations];
    *s = m->stations[i];
    memcpy(s->component.name, name, sizeof name);
    s->notice_set = false;
    s->front_end = true;
    s->config.drop_notice_ns = 0;
    many_servers(s, zero);
    s->config.delay = NULL;
    return (int64_t)m->nstations++;
}
