/* Cross-Region PrivateLink (since 2024-11): an interface endpoint in the consumer's Region
 * connects to an endpoint service in another Region when the provider lists the consumer's
 * Region in the service's supported Regions (PrivateLink guide, "Cross-Region access"); requests
 * then cross an inter-Region link between the endpoint's ENI and the service's load balancer,
 * billed as inter-Region data transfer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paths_impl.h"

bool paths_region_cross(const topology *t, const topo_interface_endpoint *e)
{
    if (e->endpoint_service < 0) return false;
    const topo_endpoint_service *s = &t->endpoint_services[e->endpoint_service];
    return paths_vpc_region(t, s->vpc) != paths_vpc_region(t, e->vpc);
}

/* AZ IDs differ between Regions, so a cross-Region ENI has no NLB "in its AZ": AWS spreads the
 * connections over the service's AZs. The model joins the consumer's k-th AZ of its Region to the
 * provider's (k mod n)-th NLB subnet, so a multi-AZ endpoint spreads over the service's AZs. */
int32_t paths_region_provider_az(const topology *t, const topo_interface_endpoint *e, int32_t az)
{
    if (!paths_region_cross(t, e)) return az;
    const topo_endpoint_service *s = &t->endpoint_services[e->endpoint_service];
    int32_t k = az - t->regions[t->azs[az].region].first_az;
    return t->subnets[s->subnets[(size_t)k % s->nsubnets]].az;
}

static bool supported(const topo_endpoint_service *s, int32_t region)
{
    for (size_t i = 0; i < s->nsupported_regions; i++)
        if (s->supported_regions[i] == region) return true;
    return false;
}

int paths_region_check(walk *k, const topo_interface_endpoint *e)
{
    const topology *t = k->t;
    if (!paths_region_cross(t, e)) return STEP_OK;
    const topo_endpoint_service *s = &t->endpoint_services[e->endpoint_service];
    int32_t mine = paths_vpc_region(t, e->vpc), theirs = paths_vpc_region(t, s->vpc);
    char pos[80];
    if (supported(s, mine)) return STEP_OK;
    return paths_stop(k, VERDICT_DENIED,
                      "endpoint service '%s' (%s) is in %s and does not list %s in its "
                      "supported_regions: the provider must enable cross-Region access from the "
                      "Region of interface endpoint '%s'",
                      s->name, paths_pos(s->pos, pos, sizeof pos), t->regions[theirs].name,
                      t->regions[mine].name, e->name);
}

/* The record's secondary as `check` should see it: its target and verdict, in a few words. */
static void secondary_words(walk *k, const topo_failover_record *r, char *buf, size_t n)
{
    const topology *t = k->t;
    topo_workload w = *k->w;
    path_result *pr = malloc(sizeof *pr);
    vs_error err = {""};
    char what[160];
    topo_target_apply(&w, &r->secondary);
    if (w.target == TARGET_ENDPOINT_SERVICE)
        paths_text(what, sizeof what, "endpoint service '%s'",
                   t->endpoint_services[w.endpoint_service].name);
    else
        paths_text(what, sizeof what, "%s in %s", aws_service_name((aws_service)w.service),
                   t->regions[w.service_region].name);
    if (!pr || paths_resolve_as(t, &w, NULL, pr, &err))
        paths_text(buf, n, "secondary %s: not resolved (%s)", what, pr ? err.msg : "out of memory");
    else
        paths_text(buf, n, "secondary %s: %s%s%.160s", what,
                   pr->verdict == VERDICT_REACHABLE ? "reachable"
                   : pr->verdict == VERDICT_DENIED  ? "denied"
                                                    : "unreachable",
                   pr->reason[0] ? ": " : "", pr->reason);
    free(pr);
}

void paths_region_dns_note(walk *k, const dest *dests, size_t n)
{
    const topology *t = k->t;
    char was[PATH_TEXT_MAX], other[320] = "no secondary";
    if (k->w->record >= 0 && (size_t)k->w->record < t->nfailover_records) {
        const topo_failover_record *r = &t->failover_records[k->w->record];
        bool primary = topo_target_called(k->w, &r->primary);
        if (primary && r->has_secondary) secondary_words(k, r, other, sizeof other);
        snprintf(was, sizeof was, "%s", k->out->dns);
        paths_text(k->out->dns, sizeof k->out->dns,
                   "failover record '%s' (TTL %llds; %s) answers its %s: %s", r->name,
                   (long long)(r->ttl_ns / 1000000000),
                   primary ? other : "the primary is unhealthy", primary ? "primary" : "secondary",
                   was);
    }
    if (n == 0 || dests[0].kind != DEST_ENI) return;
    const topo_interface_endpoint *e = &t->interface_endpoints[dests[0].endpoint];
    if (!paths_region_cross(t, e)) return;
    const topo_endpoint_service *s = &t->endpoint_services[e->endpoint_service];
    size_t len = strlen(k->out->dns);
    if (len + 1 < sizeof k->out->dns)
        paths_text(k->out->dns + len, sizeof k->out->dns - len,
                   "; cross-Region PrivateLink to endpoint service '%s' in %s (inter-Region link, "
                   "its bytes billed as inter-Region data transfer)",
                   s->name, t->regions[paths_vpc_region(t, s->vpc)].name);
}
