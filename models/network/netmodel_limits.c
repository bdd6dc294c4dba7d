/* Admission limits of the network model (netmodel_impl.h): S3's request rate per prefix (a token
 * bucket per prefix and request class at the S3 station), DynamoDB's capacity per partition and
 * Kinesis's per shard (a bucket per table or stream and class, each request taking what it
 * costs), and a NAT gateway's connections per destination (a count per destination IP and
 * port). Setup only, linear in workloads. */
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

/* Each route of workload wi's ways gets service bucket id taking `tokens` a request (its request
 * routes), or NAT destination id (its request and handshake routes: a new connection holds its
 * port from the first handshake). */
static void mark_routes(netmodel *m, size_t wi, bool nat, uint32_t id, double tokens)
{
    const client_params *p = &m->workload[wi].params;
    for (uint32_t a = 0; a < p->nalts; a++) {
        netmodel_route *r = &m->route[p->alts[a].route];
        if (!nat) {
            r->bucket = id;
            r->tokens = tokens;
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
    mark_routes(m, wi, false, b, 1);
    return 0;
}

/* DynamoDB's request class of an action: 1 for writes (PutItem, UpdateItem, DeleteItem, batch and
 * transactional writes), else 0 (reads, and no action). */
static uint32_t dynamodb_class(const char *action)
{
    static const char *const writes[] = {"dynamodb:Put", "dynamodb:Update", "dynamodb:Delete",
                                         "dynamodb:BatchWrite", "dynamodb:TransactWrite"};
    for (size_t i = 0; action && i < sizeof writes / sizeof writes[0]; i++)
        if (starts_with(action, writes[i])) return 1;
    return 0;
}

/* A bucket for (resource, class, tag) at rate per second whose requests take `tokens` each (at
 * most a full bucket, so that an oversized request can pass once the bucket is full). */
static void throughput_bucket(netmodel *m, size_t wi, uint32_t cls, uint32_t tag, double rate,
                              double tokens)
{
    const char *res = m->t->workloads[wi].resource ? m->t->workloads[wi].resource : "";
    netmodel_key k = {res, strlen(res), cls, tag};
    uint32_t b = key_id(m->buckets, &m->nbuckets, k);
    m->bucket_rate[b] = rate;
    mark_routes(m, wi, false, b, tokens < rate ? tokens : rate);
}

/* The parameters (kind, name) of a throughput limit, all > 0; NaN with err set if not. */
static double limit_param(netmodel *m, const char *kind, const char *name)
{
    const param_value *v = netmodel_param(m, kind, NULL, name);
    if (!v) return NAN;
    double x = v->type == PARAM_SIZE ? (double)v->i : v->x;
    if (!(x > 0) || !isfinite(x)) {
        error_set(m->err, "%s.%s must be more than 0 (%s)", kind, name, v->basis);
        return NAN;
    }
    return x;
}

/* DynamoDB workloads with `dynamodb:` (DynamoDB developer guide: read/write capacity units, burst
 * and adaptive capacity). A read of an item of n bytes takes ceil(n / 4 KB) read units (half for
 * an eventually consistent read), a write ceil(n / 1 KB) write units. Each partition serves at
 * most 3,000 read and 1,000 write units per second; with uniform keys the table serves the sum
 * over its partitions, with one hot key range one partition's; adaptive capacity lets a hot
 * partition use the table's provisioned capacity, but never beyond the partition maximum, so a
 * provisioned table serves min(its capacity, the partitions' sum). Tokens are capacity units;
 * the bucket holds one second of them (burst capacity, up to 300 s of unused provisioned
 * capacity, is not modelled). */
static int dynamodb_buckets(netmodel *m, size_t wi)
{
    const topo_workload *w = &m->t->workloads[wi];
    if (w->target != TARGET_AWS_SERVICE || w->service != SVC_DYNAMODB || w->partitions < 1 ||
        m->workload[wi].params.nalts == 0)
        return 0;
    uint32_t cls = dynamodb_class(w->action);
    double per_partition =
               limit_param(m, "service_dynamodb",
                           cls ? "write_units_per_partition" : "read_units_per_partition"),
           unit = limit_param(m, "service_dynamodb", cls ? "write_unit_size" : "read_unit_size");
    if (isnan(per_partition) || isnan(unit)) return -1;
    int64_t item = w->item_bytes > 0 ? w->item_bytes : cls ? w->bytes_up : w->bytes_down;
    double units = ceil((double)(item > 0 ? item : 1) / unit);
    if (cls == 0 && !w->strong_reads) units /= 2;
    double rate = per_partition * (w->hot_key ? 1 : w->partitions);
    if (w->table_capacity > 0 && w->table_capacity < rate) rate = w->table_capacity;
    throughput_bucket(m, wi, cls, 1 + SVC_DYNAMODB + (w->hot_key ? SVC_COUNT : 0), rate, units);
    return 0;
}

/* Kinesis workloads with `kinesis:` (Kinesis Data Streams developer guide, quotas): a shard takes
 * 1,000 records and 1 MiB per second in and serves 5 GetRecords calls and 2 MiB per second out.
 * Tokens are shard-seconds: a record (PutRecord, one record per request) takes the larger of
 * 1/1,000 and its bytes / 1 MiB, a GetRecords call the larger of 1/5 and its bytes / 2 MiB; the
 * stream's bucket fills at its shard count per second (records spread over the shards by
 * partition key). */
static int kinesis_buckets(netmodel *m, size_t wi)
{
    const topo_workload *w = &m->t->workloads[wi];
    if (w->target != TARGET_AWS_SERVICE || w->service != SVC_KINESIS || w->shards < 1 ||
        m->workload[wi].params.nalts == 0)
        return 0;
    bool read = w->action && starts_with(w->action, "kinesis:GetRecords");
    double calls =
               limit_param(m, "service_kinesis", read ? "shard_read_calls" : "shard_write_records"),
           bytes =
               limit_param(m, "service_kinesis", read ? "shard_read_bytes" : "shard_write_bytes");
    if (isnan(calls) || isnan(bytes)) return -1;
    double by_bytes = (double)(read ? w->bytes_down : w->bytes_up) / bytes;
    throughput_bucket(m, wi, read ? 0 : 1, 1 + SVC_KINESIS, (double)w->shards,
                      by_bytes > 1 / calls ? by_bytes : 1 / calls);
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
    mark_routes(m, wi, true, key_id(m->nat_dests, &m->nnat_dests, k), 0);
}

/* Points the service and NAT stations at the limit tables (a service station sees only its own
 * routes, so every one may share the tables). Returns 0 or -1. */
static int station_limits(netmodel *m)
{
    for (size_t i = 0; i < m->nstations; i++) {
        netmodel_station *s = &m->stations[i];
        if (s->component.kind == HOP_AWS_SERVICE && m->nbuckets > 0) {
            s->config.route_bucket = m->route_bucket;
            s->config.bucket_rate = m->bucket_rate;
            s->config.route_tokens = m->route_tokens;
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
        if (s3_buckets(m, wi) || dynamodb_buckets(m, wi) || kinesis_buckets(m, wi)) return -1;
        nat_destinations(m, wi);
    }
    for (size_t r = 0; r < m->route_cap; r++) {
        m->route_bucket[r] = m->route[r].bucket;
        m->route_conn[r] = m->route[r].conn;
        m->route_tokens[r] = m->route[r].tokens > 0 ? m->route[r].tokens : 1;
    }
    return station_limits(m);
}
