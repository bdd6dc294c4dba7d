/* Scenario loader, workloads: source (a subnet with its security groups, or a site), target (an
 * AWS service, an endpoint service, an internet host), policy context and traffic knobs. Shared
 * workloads are read once per architecture, so a dangling source names the architecture. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "scenario_impl.h"
#include "vpcsim/aws/client.h"
#include "vpcsim/units.h"

enum { MAX_SOURCE_SGS = 8 };

/* ---- source and target ----------------------------------------------------------------------- */

static int build_source(sc_build *b, topo_workload *w, const config_node *m)
{
    const topology *t = b->t;
    int32_t *sgs = NULL;
    size_t n = 0;
    if (sc_check_keys(m, SEC_SOURCE, b->err) ||
        sc_ref(b, m, SEC_SOURCE, "subnet", SK_SUBNET, &w->source_subnet) ||
        sc_ref(b, m, SEC_SOURCE, "site", SK_SITE, &w->source_site) ||
        sc_ref_list(b, m, SEC_SOURCE, "security_groups", SK_SG, &sgs, &n))
        return -1;
    if ((w->source_subnet >= 0) == (w->source_site >= 0))
        return sc_error(b, m, "%s: source gives subnet or site (one of them)", b->what);
    if (n && w->source_site >= 0)
        return sc_error(b, config_find(m, "security_groups"),
                        "%s: security_groups belong to a subnet source, not to a site", b->what);
    if (n > MAX_SOURCE_SGS)
        return sc_error(b, config_find(m, "security_groups"),
                        "%s: at most %d security groups per source, got %zu", b->what,
                        MAX_SOURCE_SGS, n);
    for (size_t k = 0; k < n; k++) {
        const topo_security_group *g = &t->security_groups[sgs[k]];
        int32_t vpc = t->subnets[w->source_subnet].vpc;
        if (g->vpc != vpc)
            return sc_error(b, config_at(config_find(m, "security_groups"), k),
                            "%s: security group '%s' is in VPC '%s', not in the source's VPC '%s'",
                            b->what, g->name, t->vpcs[g->vpc].name, t->vpcs[vpc].name);
        w->source_sgs[k] = sgs[k];
    }
    w->nsource_sgs = n;
    return 0;
}

/* Address space that is not on the public internet (RFC 6890 and neighbours). */
static const char *const reserved[] = {"0.0.0.0/8",      "10.0.0.0/8",     "100.64.0.0/10",
                                       "127.0.0.0/8",    "169.254.0.0/16", "172.16.0.0/12",
                                       "192.168.0.0/16", "224.0.0.0/3"};

/* A public IPv4 address (not private, loopback, link-local, shared or multicast space). */
static int internet_ip(const sc_build *b, const config_node *node, uint32_t *ip)
{
    const char *s = config_scalar(node);
    char buf[24], q[96];
    ipv4_cidr c;
    if (strlen(s) > 15 || strspn(s, "0123456789.") != strlen(s) ||
        (snprintf(buf, sizeof buf, "%s/32", s), cidr_parse(buf, &c, NULL)))
        return sc_error(b, node,
                        "%s: key 'internet': expected an IPv4 address such as "
                        "203.0.113.10, got %s",
                        b->what, units_format_quoted(s, 40, q, sizeof q));
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++) {
        ipv4_cidr r;
        cidr_parse(reserved[i], &r, NULL);
        if (cidr_contains(r, c.addr))
            return sc_error(b, node, "%s: key 'internet': %s is in %s, not a public address",
                            b->what, s, reserved[i]);
    }
    *ip = c.addr;
    return 0;
}

static int32_t source_region(const topology *t, const topo_workload *w)
{
    return w->source_subnet >= 0 ? t->vpcs[t->subnets[w->source_subnet].vpc].region
                                 : t->sites[w->source_site].region;
}

/* A failover record by name: the workload's target is the record's primary (what `check` shows
 * and calls get while its health check passes). */
static int record_target(sc_build *b, topo_workload *w, const config_node *node)
{
    const topo_failover_record *r;
    if (sc_ref_node(b, node, SK_RECORD, &w->record)) return -1;
    r = &b->t->failover_records[w->record];
    topo_target_apply(w, &r->primary);
    return 0;
}

static int build_target(sc_build *b, topo_workload *w, const config_node *m)
{
    const config_node *svc = config_find(m, "service"), *eps = config_find(m, "endpoint_service"),
                      *inet = config_find(m, "internet"), *region = config_find(m, "region"),
                      *rec = config_find(m, "record");
    const char *s;
    w->record = -1;
    if (sc_check_keys(m, SEC_TARGET, b->err)) return -1;
    if ((svc != NULL) + (eps != NULL) + (inet != NULL) + (rec != NULL) != 1)
        return sc_error(b, m, "%s: target gives one of service, endpoint_service, internet, record",
                        b->what);
    if (rec) return record_target(b, w, rec);
    if (region && !svc) return sc_error(b, region, "%s: target region goes with service", b->what);
    if (svc) {
        w->target = TARGET_AWS_SERVICE;
        w->service_region = source_region(b->t, w);
        return sc_service_ref(b, svc, &w->service) ||
               (region && sc_region_ref(b, region, &w->service_region));
    }
    if (eps) {
        w->target = TARGET_ENDPOINT_SERVICE;
        return sc_ref_node(b, eps, SK_EPS, &w->endpoint_service);
    }
    w->target = TARGET_INTERNET;
    return sc_get_string(m, SEC_TARGET, "internet", &s, b->err) ||
           internet_ip(b, inet, &w->internet_ip);
}

/* ---- traffic --------------------------------------------------------------------------------- */

static const char *const arrival_names[] = {"poisson",  "constant", "onoff",
                                            "schedule", "replay",   "closed"};

/* Keys that only some arrival kinds take, and the kinds that require them (bit per kind). */
typedef struct arrival_key {
    const char *key;
    unsigned takes, needs; /* bit k: arrival_kind k */
} arrival_key;

enum {
    A_POISSON = 1u << ARRIVAL_POISSON,
    A_CONSTANT = 1u << ARRIVAL_CONSTANT,
    A_ONOFF = 1u << ARRIVAL_ONOFF,
    A_SCHEDULE = 1u << ARRIVAL_SCHEDULE,
    A_REPLAY = 1u << ARRIVAL_REPLAY,
    A_CLOSED = 1u << ARRIVAL_CLOSED
};

static const arrival_key arrival_keys[] = {
    {"rate", A_POISSON | A_CONSTANT | A_ONOFF, A_POISSON | A_CONSTANT | A_ONOFF},
    {"on", A_ONOFF, A_ONOFF},
    {"off", A_ONOFF, A_ONOFF},
    {"schedule", A_SCHEDULE, A_SCHEDULE},
    {"file", A_REPLAY, A_REPLAY},
    {"clients", A_CLOSED, A_CLOSED},
    {"think_time", A_CLOSED, 0},
};

/* The keys of m that the arrival kind takes and needs. */
static int arrival_fit(const sc_build *b, const config_node *m, int kind)
{
    for (size_t i = 0; i < sizeof arrival_keys / sizeof arrival_keys[0]; i++) {
        const arrival_key *k = &arrival_keys[i];
        const config_node *v = config_find(m, k->key);
        if (v && !(k->takes & (1u << kind)))
            return sc_error(b, v, "%s: key '%s' does not go with arrival: %s", b->what, k->key,
                            arrival_names[kind]);
        if (!v && (k->needs & (1u << kind)))
            return sc_error(b, m, "%s: arrival: %s needs key '%s'", b->what, arrival_names[kind],
                            k->key);
    }
    return 0;
}

/* schedule: [{at, rate}], from 0s, increasing; rate_per_s is the first step's. */
static int schedule(const sc_build *b, topo_workload *w, const config_node *seq)
{
    int64_t prev = -1;
    if (config_len(seq) == 0)
        return sc_error(b, seq, "%s: key 'schedule': give at least one step", b->what);
    for (size_t i = 0; i < config_len(seq); i++) {
        const config_node *step = config_at(seq, i);
        int64_t at;
        double rate;
        if (sc_check_keys(step, SEC_SCHEDULE, b->err) ||
            config_get_duration(step, "at", NULL, &at, b->err) ||
            config_get_rate(step, "rate", NULL, &rate, b->err))
            return -1;
        if (rate > CLIENT_RATE_MAX_PER_S)
            return sc_error(b, config_find(step, "rate"),
                            "%s: key 'rate': at most 1e12/s (a simulation of more would not end), "
                            "got %g/s",
                            b->what, rate);
        if ((i == 0 && at != 0) || (i > 0 && at <= prev))
            return sc_error(b, config_find(step, "at"),
                            "%s: schedule steps start at 0s and increase", b->what);
        if (i == 0) w->rate_per_s = rate;
        prev = at;
    }
    return 0;
}

static int open_or_closed(const sc_build *b, topo_workload *w, const config_node *m)
{
    const config_node *seq;
    int64_t clients = 0, ns;
    const char *file;
    if (config_find(m, "rate")) {
        if (config_get_rate(m, "rate", NULL, &w->rate_per_s, b->err)) return -1;
        if (!(w->rate_per_s > 0) || w->rate_per_s > CLIENT_RATE_MAX_PER_S)
            return sc_error(b, config_find(m, "rate"),
                            "%s: key 'rate': must be more than 0/s and at most 1e12/s, got %g/s",
                            b->what, w->rate_per_s);
    }
    if ((config_find(m, "on") && config_get_duration(m, "on", NULL, &ns, b->err)) ||
        (config_find(m, "off") && config_get_duration(m, "off", NULL, &ns, b->err)) ||
        sc_get_string(m, SEC_TRAFFIC, "file", &file, b->err) ||
        sc_get_seq(m, SEC_TRAFFIC, "schedule", &seq, b->err) || (seq && schedule(b, w, seq)) ||
        sc_get_int(m, SEC_TRAFFIC, "clients", 1, 1000000, &clients, b->err) ||
        config_get_duration(m, "think_time", sc_dflt(SEC_TRAFFIC, "think_time"), &w->think_ns,
                            b->err))
        return -1;
    w->clients = (int32_t)clients;
    return 0;
}

static int retry(const sc_build *b, topo_workload *w, const config_node *m)
{
    int mode = 0;
    int64_t attempts = -1;
    if (m && sc_check_keys(m, SEC_RETRY, b->err)) return -1;
    if (sc_get_enum(m, SEC_RETRY, "mode", &mode, b->err) ||
        sc_get_int(m, SEC_RETRY, "max_attempts", 1, 20, &attempts, b->err))
        return -1;
    w->retry = mode == 0 ? RETRY_STANDARD : RETRY_NONE;
    if (attempts < 0) attempts = mode == 0 ? 3 : 1;
    if (w->retry == RETRY_NONE && attempts != 1)
        return sc_error(b, config_find(m, "max_attempts"),
                        "%s: retry mode none makes exactly 1 attempt, not %" PRId64, b->what,
                        attempts);
    w->max_attempts = (int32_t)attempts;
    return 0;
}

/* Traffic; m may be NULL (check-only workload: defaults and rate 0). */
static int traffic(const sc_build *b, topo_workload *w, const config_node *m)
{
    const config_node *r = NULL;
    int arrival = 0;
    bool reuse = true;
    if (m && sc_check_keys(m, SEC_TRAFFIC, b->err)) return -1;
    if (sc_get_enum(m, SEC_TRAFFIC, "arrival", &arrival, b->err) ||
        (m && arrival_fit(b, m, arrival)) || (m && open_or_closed(b, w, m)) ||
        config_get_size(m, "request_size", sc_dflt(SEC_TRAFFIC, "request_size"), &w->bytes_up,
                        b->err) ||
        config_get_size(m, "response_size", sc_dflt(SEC_TRAFFIC, "response_size"), &w->bytes_down,
                        b->err) ||
        sc_get_bool(m, SEC_TRAFFIC, "reuse_connections", &reuse, b->err) ||
        config_get_duration(m, "timeout", sc_dflt(SEC_TRAFFIC, "timeout"), &w->timeout_ns,
                            b->err) ||
        sc_get_map(m, SEC_TRAFFIC, "retry", &r, b->err) || retry(b, w, r))
        return -1;
    w->arrival = (arrival_kind)arrival;
    w->reuse_connections = reuse;
    if (w->timeout_ns <= 0)
        return sc_error(b, config_find(m, "timeout"), "%s: key 'timeout': must be more than 0s",
                        b->what);
    w->traffic = m;
    return 0;
}

/* ---- the workload ---------------------------------------------------------------------------- */

static int build_workload(sc_build *b, size_t i)
{
    const sc_elem *e = sc_enter(b, SK_WORKLOAD, i);
    topo_workload *w = &b->t->workloads[i];
    const config_node *src, *dst, *tr;
    int64_t port = 443;
    int dns = 0;
    if (!e) return -1;
    memset(w, 0, sizeof *w);
    w->name = e->name;
    w->pos = sc_pos(e->node);
    w->source_subnet = w->source_site = w->service = w->service_region = -1;
    w->endpoint_service = -1;
    w->action = w->resource = "";
    if (sc_get_map(e->node, SEC_WORKLOAD, "source", &src, b->err) || build_source(b, w, src) ||
        sc_get_map(e->node, SEC_WORKLOAD, "target", &dst, b->err) || build_target(b, w, dst))
        return -1;
    if (w->endpoint_service >= 0) port = b->t->endpoint_services[w->endpoint_service].port;
    if (sc_get_int(e->node, SEC_WORKLOAD, "port", 1, 65535, &port, b->err) ||
        sc_get_enum(e->node, SEC_WORKLOAD, "dns", &dns, b->err) ||
        sc_get_string(e->node, SEC_WORKLOAD, "action", &w->action, b->err) ||
        sc_get_string(e->node, SEC_WORKLOAD, "resource", &w->resource, b->err) ||
        sc_get_string(e->node, SEC_WORKLOAD, "principal", &w->principal, b->err) ||
        sc_get_string(e->node, SEC_WORKLOAD, "principal_org", &w->principal_org, b->err) ||
        sc_ref(b, e->node, SEC_WORKLOAD, "identity_policy", SK_POLICY, &w->identity_policy) ||
        sc_get_bool(e->node, SEC_WORKLOAD, "secure_transport", &w->secure_transport, b->err) ||
        sc_get_ports(b, e->node, SEC_WORKLOAD, "ephemeral_ports", &w->eph_lo, &w->eph_hi) ||
        sc_get_map(e->node, SEC_WORKLOAD, "traffic", &tr, b->err))
        return -1;
    if (w->principal_org && !*w->principal_org) w->principal_org = NULL;
    w->port = (int32_t)port;
    w->dns = dns == 0 ? DNS_REGIONAL : DNS_ZONAL;
    return traffic(b, w, tr) || sc_build_throughput(b, w, e->node);
}

int sc_build_workloads(sc_build *b)
{
    for (size_t i = 0; i < b->t->nworkloads; i++)
        if (build_workload(b, i)) return -1;
    return 0;
}
