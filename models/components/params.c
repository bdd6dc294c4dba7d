/* The parameter registry (every kind's parameters, declared here so the reference is generated
 * from code) and the table of values: defaults with their basis from a data file, then a
 * scenario's overrides by kind or instance. Looked up at setup, never per event. */
#include "vpcsim/aws/params.h"
#include "vpcsim/grow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFS(a) a, sizeof(a) / sizeof(a[0])
#define QUEUE_MEANING                                                                              \
    "requests that may wait beyond those in service (-1: no limit); more are dropped"
#define SERVERS_MEANING "requests served at once, FIFO, service time its latency (-1: no limit)"

static const param_def link_defs[] = {{"latency", PARAM_DIST, "one-way latency of the link", 0}};
static const param_def intra_az_defs[] = {
    {"latency", PARAM_DIST, "one-way latency between two points of one AZ", 0},
    {"flow_bandwidth", PARAM_BITRATE, "largest rate of a single flow", 0},
};
static const param_def dx_defs[] = {
    {"per_km", PARAM_DURATION, "one-way propagation per km of fibre", 0},
    {"equipment", PARAM_DIST, "one-way latency added by routers and the DX location", 0},
    {"bfd_detect", PARAM_DURATION, "failure detection with BFD", 0},
    {"bgp_hold", PARAM_DURATION, "failure detection by the BGP hold timer (no BFD)", 0},
    {"queue_capacity", PARAM_INT, QUEUE_MEANING, -1},
};
#define SCALE_MEANING                                                                              \
    "0: at the scaled-up capacity from the start; else the run starts at bandwidth and doubles "   \
    "the capacity (bandwidth and packet rate) after each such period busy 80% of the time, up to " \
    "the _max values"
static const param_def nat_defs[] = {
    {"added_latency", PARAM_DIST, "latency the gateway adds", 0},
    {"bandwidth", PARAM_BITRATE, "capacity before automatic scale-up", 0},
    {"bandwidth_max", PARAM_BITRATE, "capacity after scale-up", 0},
    {"packets_per_s", PARAM_RATE, "packet rate before scale-up", 0},
    {"packets_per_s_max", PARAM_RATE, "packet rate after scale-up; beyond it packets drop", 0},
    {"connections_per_destination", PARAM_INT, "simultaneous connections per destination per IP",
     0},
    {"idle_timeout", PARAM_DURATION, "idle connection timeout", 0},
    {"queue_capacity", PARAM_INT, QUEUE_MEANING, -1},
    {"scale_up_period", PARAM_DURATION, SCALE_MEANING, 0},
};
static const param_def ie_defs[] = {
    {"added_latency", PARAM_DIST, "latency an endpoint ENI adds", 0},
    {"bandwidth", PARAM_BITRATE, "capacity per AZ before scale-up", 0},
    {"bandwidth_max", PARAM_BITRATE, "capacity per AZ after scale-up", 0},
    {"mtu", PARAM_SIZE,
     "largest packet; larger are dropped (not used: TCP's MSS keeps packets within it and the "
     "endpoint has no packet-rate limit)",
     0},
    {"queue_capacity", PARAM_INT, QUEUE_MEANING, -1},
    {"scale_up_period", PARAM_DURATION, SCALE_MEANING, 0},
};
static const param_def gwe_defs[] = {
    {"added_latency", PARAM_DIST, "latency added (a route entry)", 0}};
static const param_def nlb_defs[] = {
    {"added_latency", PARAM_DIST, "latency the load balancer adds", 0},
    {"queue_capacity", PARAM_INT, QUEUE_MEANING, -1},
    {"servers", PARAM_INT,
     "requests (either way) handled at once, FIFO, each for its added_latency (-1: no limit)", -1},
};
static const param_def tgw_defs[] = {
    {"added_latency", PARAM_DIST, "latency the Transit Gateway adds", 0},
    {"bandwidth", PARAM_BITRATE, "capacity per VPC attachment per AZ", 0},
    {"packets_per_s", PARAM_RATE, "packet rate per attachment", 0},
    {"mtu", PARAM_SIZE, "largest packet: at most mtu - 40 B of TCP payload each", 0},
    {"queue_capacity", PARAM_INT, QUEUE_MEANING, -1},
};
static const param_def vpn_defs[] = {
    {"added_latency", PARAM_DIST, "latency of IPsec processing and the internet path", 0},
    {"bandwidth", PARAM_BITRATE, "capacity per tunnel", 0},
    {"packets_per_s", PARAM_RATE, "packet rate per tunnel", 0},
    {"large_bandwidth", PARAM_BITRATE, "capacity per Large tunnel (tunnel_bandwidth: large)", 0},
    {"large_packets_per_s", PARAM_RATE, "packet rate per Large tunnel", 0},
    {"mtu", PARAM_SIZE,
     "largest packet inside the tunnel: at most mtu - 40 B of TCP payload each (MSS clamping)", 0},
    {"dpd_timeout", PARAM_DURATION, "dead peer detection: failover time", 0},
    {"queue_capacity", PARAM_INT, QUEUE_MEANING, -1},
};
static const param_def resolver_defs[] = {
    {"packets_per_s", PARAM_RATE, "DNS queries per second per ENI", 0},
};
static const param_def s3_defs[] = {
    {"latency", PARAM_DIST, "service time of a small GET", 0},
    {"get_per_prefix", PARAM_RATE, "GET/HEAD per second per prefix before 503 SlowDown", 0},
    {"put_per_prefix", PARAM_RATE, "PUT/COPY/POST/DELETE per second per prefix before 503", 0},
    {"servers", PARAM_INT, SERVERS_MEANING, -1},
};
static const param_def ddb_defs[] = {
    {"latency", PARAM_DIST, "service time of GetItem", 0},
    {"read_units_per_partition", PARAM_RATE, "read capacity units per partition", 0},
    {"write_units_per_partition", PARAM_RATE, "write capacity units per partition", 0},
    {"read_unit_size", PARAM_SIZE,
     "item bytes one read unit covers (strongly consistent; an eventually consistent read takes "
     "half)",
     0},
    {"write_unit_size", PARAM_SIZE, "item bytes one write unit covers", 0},
    {"servers", PARAM_INT, SERVERS_MEANING, -1},
};
static const param_def kinesis_defs[] = {
    {"latency", PARAM_DIST, "service time of one request", 0},
    {"shard_write_records", PARAM_RATE, "records written per second per shard", 0},
    {"shard_write_bytes", PARAM_SIZE, "bytes written per second per shard", 0},
    {"shard_read_calls", PARAM_RATE, "GetRecords calls per second per shard", 0},
    {"shard_read_bytes", PARAM_SIZE, "bytes read per second per shard", 0},
    {"servers", PARAM_INT, SERVERS_MEANING, -1},
};
static const param_def service_defs[] = {
    {"latency", PARAM_DIST, "service time of one request", 0},
    {"servers", PARAM_INT, SERVERS_MEANING, -1},
};
/* Private services and internet hosts: the customer's own servers, with a waiting room. */
static const param_def host_defs[] = {
    {"latency", PARAM_DIST, "service time of one request", 0},
    {"servers", PARAM_INT, SERVERS_MEANING, -1},
    {"queue_capacity", PARAM_INT, QUEUE_MEANING, -1},
};
static const param_def client_defs[] = {
    {"tcp_handshake_rtts", PARAM_INT, "round trips of a TCP handshake", 0},
    {"tls_handshake_rtts", PARAM_INT, "round trips of a TLS handshake (1 for TLS 1.3)", 0},
    {"pool_size", PARAM_INT, "connections kept per client", 0},
    {"retry_base", PARAM_DURATION, "standard retry mode: backoff base", 0},
    {"retry_throttle_base", PARAM_DURATION, "backoff base after a throttling error", 0},
    {"retry_cap", PARAM_DURATION, "largest backoff", 0},
    {"retry_quota", PARAM_INT, "retry token bucket size", 0},
    {"retry_cost", PARAM_INT, "tokens a retry takes", 0},
    {"timeout_retry_cost", PARAM_INT, "tokens a retry after a timeout takes", 0},
    {"dns_ttl", PARAM_DURATION, "TTL of endpoint DNS answers: re-resolution after a fault", 0},
    {"mss", PARAM_SIZE,
     "TCP payload per packet: a message of n bytes is ceil(n / mss) packets "
     "at packet-rate limits",
     0},
};

static const param_kind kinds[] = {
    {"link_intra_az", DEFS(intra_az_defs)},
    {"link_cross_az", DEFS(link_defs)},
    {"link_inter_region", DEFS(link_defs)},
    {"link_internet", DEFS(link_defs)},
    {"link_onprem", DEFS(link_defs)},
    {"direct_connect", DEFS(dx_defs)},
    {"vpn_tunnel", DEFS(vpn_defs)},
    {"nat_gateway", DEFS(nat_defs)},
    {"interface_endpoint", DEFS(ie_defs)},
    {"gateway_endpoint", DEFS(gwe_defs)},
    {"internet_gateway", DEFS(gwe_defs)},
    {"peering", DEFS(gwe_defs)},
    {"transit_gateway", DEFS(tgw_defs)},
    {"nlb", DEFS(nlb_defs)},
    {"resolver_endpoint", DEFS(resolver_defs)},
    {"service_s3", DEFS(s3_defs)},
    {"service_dynamodb", DEFS(ddb_defs)},
    {"service_sqs", DEFS(service_defs)},
    {"service_secretsmanager", DEFS(service_defs)},
    {"service_kms", DEFS(service_defs)},
    {"service_sts", DEFS(service_defs)},
    {"service_lambda", DEFS(service_defs)},
    {"service_ecr", DEFS(service_defs)},
    {"service_sns", DEFS(service_defs)},
    {"service_logs", DEFS(service_defs)},
    {"service_ec2", DEFS(service_defs)},
    {"service_kinesis", DEFS(kinesis_defs)},
    {"service_monitoring", DEFS(service_defs)},
    {"private_service", DEFS(host_defs)},
    {"internet_host", DEFS(host_defs)},
    {"client", DEFS(client_defs)},
};
enum { NKINDS = sizeof kinds / sizeof kinds[0], MAX_DEFS = 16 };

const param_kind *params_kinds(size_t *n)
{
    *n = NKINDS;
    return kinds;
}

static int kind_index(const char *name, size_t len)
{
    for (int k = 0; k < NKINDS; k++)
        if (strlen(kinds[k].name) == len && strncmp(kinds[k].name, name, len) == 0) return k;
    return -1;
}

const param_kind *params_kind_find(const char *name)
{
    int k = kind_index(name, strlen(name));
    return k < 0 ? NULL : &kinds[k];
}

static int def_index(const param_kind *k, const char *name)
{
    for (size_t i = 0; i < k->ndefs; i++)
        if (strcmp(k->defs[i].name, name) == 0) return (int)i;
    return -1;
}

/* ---- the table ---------------------------------------------------------------------------- */

typedef struct override {
    int kind, def;        /* what it sets */
    const char *instance; /* NULL: the whole kind */
    param_value value;    /* value.basis points at basis */
    char basis[160];      /* "scenario file:line:col" */
} override;

struct param_table {
    config_doc *doc;                      /* the defaults file */
    dist_set *dists;                      /* every distribution read */
    param_value values[NKINDS][MAX_DEFS]; /* defaults */
    override **ov;                        /* overrides, each allocated; later ones win */
    size_t nov, ovcap;
};

void params_free(param_table *t)
{
    if (!t) return;
    config_free(t->doc);
    dist_set_free(t->dists);
    for (size_t i = 0; i < t->nov; i++) free(t->ov[i]);
    free(t->ov);
    free(t);
}

static int read_value(param_table *t, const config_node *node, const param_def *def, param_value *v,
                      vs_error *err)
{
    param_type type = def->type;
    v->type = type;
    switch (type) {
    case PARAM_DIST:
        return (v->dist = dist_read(t->dists, node, err)) ? 0 : -1;
    case PARAM_DURATION:
        return config_as_duration(node, &v->i, err);
    case PARAM_BITRATE:
        return config_as_bitrate(node, &v->x, err);
    case PARAM_RATE:
        return config_as_rate(node, &v->x, err);
    case PARAM_INT:
        return config_as_int(node, def->min_int, INT64_MAX, &v->i, err);
    case PARAM_SIZE:
        return config_as_size(node, &v->i, err);
    case PARAM_PROBABILITY:
        return config_as_probability(node, &v->x, err);
    }
    return -1;
}

/* One kind's map in the defaults file: every parameter, each {value, basis}. */
static int read_kind_defaults(param_table *t, int k, const config_node *map, vs_error *err)
{
    const char *names[MAX_DEFS + 1];
    for (size_t i = 0; i < kinds[k].ndefs; i++) names[i] = kinds[k].defs[i].name;
    names[kinds[k].ndefs] = NULL;
    if (config_check_keys(map, names, err)) return -1;
    for (size_t i = 0; i < kinds[k].ndefs; i++) {
        const config_node *entry;
        if (config_get_map(map, names[i], 1, &entry, err) ||
            config_check_keys(entry, (const char *[]){"value", "basis", NULL}, err) ||
            config_get_string(entry, "basis", NULL, &t->values[k][i].basis, err))
            return -1;
        const config_node *value = config_find(entry, "value");
        if (!value) return config_error_at(entry, err, "missing required key 'value'");
        if (read_value(t, value, &kinds[k].defs[i], &t->values[k][i], err)) return -1;
    }
    return 0;
}

static int read_defaults(param_table *t, vs_error *err)
{
    const config_node *root = config_root(t->doc), *km;
    int64_t version;
    const char *date;
    if (config_check_keys(root, (const char *[]){"version", "date", "region", "kinds", NULL},
                          err) ||
        config_get_int(root, "version", NULL, 1, 1, &version, err) ||
        config_get_string(root, "date", NULL, &date, err) ||
        config_get_map(root, "kinds", 1, &km, err))
        return -1;
    const char *names[NKINDS + 1];
    for (int k = 0; k < NKINDS; k++) names[k] = kinds[k].name;
    names[NKINDS] = NULL;
    if (config_check_keys(km, names, err)) return -1;
    for (int k = 0; k < NKINDS; k++) {
        const config_node *map;
        if (config_get_map(km, kinds[k].name, 1, &map, err) || read_kind_defaults(t, k, map, err))
            return -1;
    }
    return 0;
}

static param_table *load(config_doc *doc, vs_error *err)
{
    if (!doc) return NULL;
    param_table *t = calloc(1, sizeof *t);
    if (!t || !(t->dists = dist_set_new())) {
        config_free(doc);
        free(t);
        error_set(err, "out of memory");
        return NULL;
    }
    t->doc = doc;
    if (read_defaults(t, err)) {
        params_free(t);
        return NULL;
    }
    return t;
}

param_table *params_load_file(const char *path, vs_error *err)
{
    return load(config_load_file(path, err), err);
}

param_table *params_load_buffer(const char *data, size_t len, const char *name, vs_error *err)
{
    return load(config_load_buffer(data, len, name, err), err);
}

/* ---- overrides ---------------------------------------------------------------------------- */

static int add_override(param_table *t, int k, const char *instance, const config_node *params,
                        vs_error *err)
{
    for (size_t i = 0; i < config_len(params); i++) {
        const config_node *key = config_key_at(params, i), *val = config_at(params, i);
        int d = def_index(&kinds[k], config_scalar(key));
        if (d < 0) {
            const char *names[MAX_DEFS + 1];
            for (size_t j = 0; j < kinds[k].ndefs; j++) names[j] = kinds[k].defs[j].name;
            names[kinds[k].ndefs] = NULL;
            return config_check_keys(params, names, err); /* the message with did-you-mean */
        }
        override **ov = grow_reserve(t->ov, t->nov + 1, &t->ovcap, sizeof *ov, 16);
        if (!ov) return error_set(err, "out of memory");
        t->ov = ov;
        override *o = calloc(1, sizeof *o);
        if (!o) return error_set(err, "out of memory");
        t->ov[t->nov++] = o;
        *o = (override){.kind = k, .def = d, .instance = instance};
        if (read_value(t, val, &kinds[k].defs[d], &o->value, err)) return -1;
        snprintf(o->basis, sizeof o->basis, "scenario %s:%d:%d", config_file(val), config_line(val),
                 config_col(val));
        o->value.basis = o->basis;
        o->value.overridden = true;
    }
    return 0;
}

int params_apply_overrides(param_table *t, const config_node *overrides, vs_error *err)
{
    if (!overrides) return 0;
    if (config_kind_of(overrides) != CONFIG_KIND_MAP)
        return config_error_at(overrides, err, "overrides: expected a map of kind -> parameters");
    for (size_t i = 0; i < config_len(overrides); i++) {
        const config_node *key = config_key_at(overrides, i), *params = config_at(overrides, i);
        const char *name = config_scalar(key), *slash = strchr(name, '/');
        int k = kind_index(name, slash ? (size_t)(slash - name) : strlen(name));
        if (k < 0)
            return config_error_at(key, err,
                                   "unknown component kind '%.*s' (see the parameter "
                                   "reference for the kinds)",
                                   slash ? (int)(slash - name) : (int)strlen(name), name);
        if (slash && !slash[1])
            return config_error_at(key, err, "expected kind/instance, got '%s'", name);
        if (config_kind_of(params) != CONFIG_KIND_MAP)
            return config_error_at(params, err, "expected a map of parameter -> value");
        if (add_override(t, k, slash ? slash + 1 : NULL, params, err)) return -1;
    }
    return 0;
}

/* ---- lookup ------------------------------------------------------------------------------- */

const param_value *params_get(const param_table *t, const char *kind, const char *instance,
                              const char *name)
{
    int k = kind_index(kind, strlen(kind));
    int d = k < 0 ? -1 : def_index(&kinds[k], name);
    if (d < 0) return NULL;
    const override *kind_wide = NULL, *inst = NULL;
    for (size_t i = 0; i < t->nov; i++) {
        const override *o = t->ov[i];
        if (o->kind != k || o->def != d) continue;
        if (!o->instance)
            kind_wide = o;
        else if (instance && strcmp(o->instance, instance) == 0)
            inst = o;
    }
    const override *o = inst ? inst : kind_wide;
    return o ? &o->value : &t->values[k][d];
}

static const char *const type_names[] = {"distribution", "duration", "bit rate",   "rate",
                                         "integer",      "size",     "probability"};

static const char *type_name(param_type t)
{
    return type_names[t];
}

void params_write_reference(const param_table *t, FILE *f)
{
    fputs("| kind | parameter | type | meaning | basis of the default |\n"
          "|---|---|---|---|---|\n",
          f);
    for (int k = 0; k < NKINDS; k++)
        for (size_t i = 0; i < kinds[k].ndefs; i++)
            fprintf(f, "| %s | %s | %s | %s | %s |\n", kinds[k].name, kinds[k].defs[i].name,
                    type_name(kinds[k].defs[i].type), kinds[k].defs[i].meaning,
                    t->values[k][i].basis);
}
