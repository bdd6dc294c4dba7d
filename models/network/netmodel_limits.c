/* Admission limits of the network model (netmodel_impl.h): S3's request rate per prefix (a token
 * bucket per prefix and request class at the S3 station) and a NAT gateway's connections per
 * destination (a count per destination IP and port). Setup only, linear in workloads. */
#include <math.h>
#include <string.h>

#include "netmodel_impl.h"

/* The id of key k in keys (added if new). */
static uint32_t key_id(netmodel_key *keys, uint32_t *n, netmodel_key k)
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

/* Each route of workload wi's ways gets S3 bucket id (its request routes), or NAT destination id
 * (its request and handshake routes: a new connection holds its port from the first handshake). */
static void mark_routes(netmodel *m, size_t wi, bool nat, uint32_t id)
{
    const client_params *p = &m->workload[wi].params;
    for (uint32_t a = 0; a < p->nalts; a++) {
        netmodel_route *r = &m->route[p->alts[a].route];
        if (!nat) {
            r->bucket = id;
            continue;
        }
        r->conn = id;
        if (p->handshakes) m->route[p->alts[a].hs_route].conn = id;
    }
}

/* S3 workloads: a token bucket per (prefix, class) at the S3 station (5,500 GET/HEAD and 3,500
 * PUT/COPY/POST/DELETE per second per prefix, then 503 SlowDown). */
static int s3_buckets(netmodel *m, size_t wi)
{
    const topo_workload *w = &m->t->workloads[wi];
    if (w->target != TARGET_AWS_SERVICE || w->service != SVC_S3 ||
        m->workload[wi].params.nalts == 0)
        return 0;
    const char *res = w->resource ? w->resource : "", *slash = strrchr(res, '/');
    netmodel_key k = {res, slash ? (size_t)(slash - res) : strlen(res), s3_class(w->action), 0};
    const param_value *rate =
        netmodel_param(m, "service_s3", NULL, k.a ? "put_per_prefix" : "get_per_prefix");
    if (!rate) return -1;
    if (!(rate->x > 0) || !isfinite(rate->x))
        return error_set(m->err, "service_s3: request rates per prefix must be > 0");
    uint32_t b = key_id(m->buckets, &m->nbuckets, k);
    m->bucket_rate[b] = rate->x;
    mark_routes(m, wi, false, b);
    return 0;
}

/* Workloads that open a connection per request to an internet host: each destination (IP, port,
 * TCP) takes a port of the NAT gateways on the way. AWS service endpoints answer from many
 * addresses and are not counted. */
static void nat_destinations(netmodel *m, size_t wi)
{
    const topo_workload *w = &m->t->workloads[wi];
    if (w->target != TARGET_INTERNET || w->reuse_connections || m->workload[wi].params.nalts == 0)
        return;
    netmodel_key k = {NULL, 0, w->internet_ip, (uint32_t)w->port};
    mark_routes(m, wi, true, key_id(m->nat_dests, &m->nnat_dests, k));
}

/* Points the S3 and NAT stations at the limit tables. Returns 0 or -1. */
static int station_limits(netmodel *m)
{
    for (size_t i = 0; i < m->nstations; i++) {
        netmodel_station *s = &m->stations[i];
        if (s->component.kind == HOP_AWS_SERVICE && s->component.index == SVC_S3 &&
            m->nbuckets > 0) {
            s->config.route_bucket = m->route_bucket;
            s->config.bucket_rate = m->bucket_rate;
            s->config.nbuckets = m->nbuckets;
        } else if (s->component.kind == HOP_NAT && m->nnat_dests > 0) {
            const topo_nat *nat = &m->t->nats[s->component.index];
            const param_value *v =
                netmodel_param(m, "nat_gateway", nat->name, "connections_per_destination");
            if (!v) return -1;
            if (v->i < 1)
                return error_set(m->err,
                                 "nat_gateway %s: connections_per_destination "
                                 "must be >= 1",
                                 nat->name);
            s->config.route_conn = m->route_conn;
            s->config.nconns = m->nnat_dests;
            s->config.conn_limit = v->i * (nat->ips > 0 ? nat->ips : 1);
        }
    }
    return 0;
}

int netmodel_limits_build(netmodel *m)
{
    for (size_t r = 0; r < m->route_cap; r++)
        m->route[r].bucket = m->route[r].conn = STATION_NO_KEY;
    for (size_t wi = 0; wi < m->t->nworkloads; wi++) {
        if (!m->out->workloads[wi].active) continue;
        if (s3_buckets(m, wi)) return -1;
        nat_destinations(m, wi);
    }
    for (size_t r = 0; r < m->route_cap; r++) {
        m->route_bucket[r] = m->route[r].bucket;
        m->route_conn[r] = m->route[r].conn;
    }
    return station_limits(m);
}
