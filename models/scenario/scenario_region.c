/* Scenario loader, the cross-Region parts of an architecture. Route 53 failover records
 * (docs/scenario.md, Failover records): a name whose answer is the primary target while its health
 * check passes and the secondary otherwise, with the answer's TTL and the health check's interval
 * and failure threshold. Workloads call a record with `target: {record: NAME}`; a handful of
 * records per architecture. And the Regions an endpoint service accepts cross-Region interface
 * endpoints from (`supported_regions`). */
#include <stdio.h>
#include <string.h>

#include "scenario_impl.h"

enum { NS_PER_S = 1000000000 };

int sc_supported_regions(sc_build *b, const config_node *eps, int32_t **out, size_t *n)
{
    const config_node *seq;
    *out = NULL;
    *n = 0;
    if (sc_get_seq(eps, SEC_EPS, "supported_regions", &seq, b->err)) return -1;
    if (!seq || config_len(seq) == 0) return 0;
    *out = arena_alloc(b->ld->arena, config_len(seq), sizeof **out);
    if (!*out) return sc_error(b, seq, "out of memory");
    for (size_t i = 0; i < config_len(seq); i++)
        if (sc_region_ref(b, config_at(seq, i), &(*out)[i])) return -1;
    *n = config_len(seq);
    return 0;
}

/* A record's target: `service` with `region`, or `endpoint_service`. */
static int record_target(sc_build *b, const config_node *m, topo_target *out)
{
    const config_node *svc = config_find(m, "service"), *eps = config_find(m, "endpoint_service"),
                      *region = config_find(m, "region");
    if (sc_check_keys(m, SEC_RECORD_TARGET, b->err)) return -1;
    *out = (topo_target){.service = -1, .service_region = -1, .endpoint_service = -1};
    if ((svc != NULL) == (eps != NULL))
        return sc_error(b, m, "%s: a target gives service (with region) or endpoint_service",
                        b->what);
    if (eps) {
        if (region)
            return sc_error(b, region,
                            "%s: region goes with service (an endpoint service is in "
                            "its VPC's Region)",
                            b->what);
        out->kind = TARGET_ENDPOINT_SERVICE;
        return sc_ref_node(b, eps, SK_EPS, &out->endpoint_service);
    }
    if (!region)
        return sc_error(b, m, "%s: a service target needs its region (the record is not in a VPC)",
                        b->what);
    out->kind = TARGET_AWS_SERVICE;
    return sc_service_ref(b, svc, &out->service) || sc_region_ref(b, region, &out->service_region);
}

/* `health_check`: interval 10 s or 30 s, failure_threshold 1..10 (Route 53 API,
 * HealthCheckConfig: RequestInterval and FailureThreshold). */
static int health_check(sc_build *b, const config_node *m, topo_failover_record *r)
{
    int64_t thr;
    if (sc_check_keys(m, SEC_HEALTH_CHECK, b->err) ||
        config_get_duration(m, "interval", sc_dflt(SEC_HEALTH_CHECK, "interval"), &r->interval_ns,
                            b->err) ||
        sc_get_int(m, SEC_HEALTH_CHECK, "failure_threshold", 1, 10, &thr, b->err))
        return -1;
    if (r->interval_ns != 10LL * NS_PER_S && r->interval_ns != 30LL * NS_PER_S)
        return sc_error(b, config_find(m, "interval"),
                        "%s: a Route 53 health check's interval is 10s or 30s, got %s", b->what,
                        config_scalar(config_find(m, "interval")));
    r->failure_threshold = (int32_t)thr;
    return 0;
}

static int build_record(sc_build *b, size_t i)
{
    const sc_elem *e = sc_enter(b, SK_RECORD, i);
    topo_failover_record *r = &b->t->failover_records[i];
    const config_node *primary, *secondary, *hc;
    if (!e) return -1;
    *r = (topo_failover_record){.name = e->name, .pos = sc_pos(e->node)};
    if (sc_check_keys(e->node, SEC_RECORD, b->err) ||
        sc_get_map(e->node, SEC_RECORD, "primary", &primary, b->err) ||
        sc_get_map(e->node, SEC_RECORD, "secondary", &secondary, b->err) ||
        sc_get_map(e->node, SEC_RECORD, "health_check", &hc, b->err) ||
        config_get_duration(e->node, "ttl", sc_dflt(SEC_RECORD, "ttl"), &r->ttl_ns, b->err))
        return -1;
    if (r->ttl_ns < 0)
        return sc_error(b, config_find(e->node, "ttl"), "%s: ttl must be >= 0", b->what);
    r->has_secondary = secondary != NULL;
    r->interval_ns = 30LL * NS_PER_S;
    r->failure_threshold = 3;
    if (record_target(b, primary, &r->primary) ||
        (secondary && record_target(b, secondary, &r->secondary)) || (hc && health_check(b, hc, r)))
        return -1;
    if (secondary && topo_target_same(&r->primary, &r->secondary))
        return sc_error(b, secondary, "%s: the secondary is the primary: nothing to fail over to",
                        b->what);
    return 0;
}

int sc_build_records(sc_build *b)
{
    size_t n = b->a->lists[SK_RECORD].n;
    b->t->nfailover_records = n;
    if (n == 0) return 0;
    b->t->failover_records = arena_alloc(b->ld->arena, n, sizeof *b->t->failover_records);
    if (!b->t->failover_records) return sc_error(b, b->a->node, "out of memory");
    for (size_t i = 0; i < n; i++)
        if (build_record(b, i)) return -1;
    return 0;
}
