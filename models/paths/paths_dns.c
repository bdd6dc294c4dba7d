/* The DNS step of path resolution: what the name a client uses answers, before any routing.
 * Private DNS of an interface endpoint answers inside its VPC (and in VPCs sharing its private
 * hosted zone, dns_vpcs); on premises only through a Route 53 Resolver inbound endpoint. */
#include <stdio.h>
#include <string.h>

#include "paths_impl.h"

/* The VPC whose private DNS view the client has: its own, or for a site the VPC of the Route 53
 * Resolver inbound endpoint its DNS forwards to (Route 53 Resolver guide: inbound endpoints let
 * on-premises resolvers answer from the VPC's private hosted zones); -1 for none. */
static int32_t dns_view(const walk *k)
{
    if (k->src_subnet >= 0) return k->src_vpc;
    int32_t r = k->t->sites[k->src_site].dns_resolver;
    return r >= 0 ? k->t->resolver_endpoints[r].vpc : -1;
}

static int32_t service_region(const walk *k)
{
    return k->w->service_region >= 0 ? k->w->service_region : k->src_region;
}

static bool in_dns_vpcs(const topo_interface_endpoint *e, int32_t vpc)
{
    for (size_t i = 0; i < e->ndns_vpcs; i++)
        if (e->dns_vpcs[i] == vpc) return true;
    return false;
}

/* Does endpoint e answer the client's name in view? Private DNS of an AWS service endpoint makes
 * the service's default name resolve to the ENIs in its VPC (PrivateLink guide, "private DNS");
 * other VPCs see it only when the private hosted zone is shared with them. An endpoint service is
 * named by the endpoint's own names in its VPC, and elsewhere by its shared private DNS. */
static bool endpoint_answers(const topo_interface_endpoint *e, int32_t view, bool own_vpc)
{
    if (view < 0) return false;
    if (own_vpc) return e->vpc == view && (e->private_dns || e->endpoint_service >= 0);
    return e->vpc != view && e->private_dns && in_dns_vpcs(e, view);
}

static bool endpoint_for_target(const walk *k, const topo_interface_endpoint *e)
{
    if (k->w->target == TARGET_ENDPOINT_SERVICE)
        return e->endpoint_service == k->w->endpoint_service;
    return e->aws_service == k->w->service && paths_vpc_region(k->t, e->vpc) == service_region(k);
}

/* The endpoint whose private DNS answers: one in the view VPC first, then a shared one. */
static int32_t find_endpoint(const walk *k, int32_t view)
{
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < k->t->ninterface_endpoints; i++) {
            const topo_interface_endpoint *e = &k->t->interface_endpoints[i];
            if (endpoint_for_target(k, e) && endpoint_answers(e, view, pass == 0))
                return (int32_t)i;
        }
    return -1;
}

/* Why no endpoint answers, for the DNS line and the unreachable reason. */
static void no_endpoint_hint(const walk *k, int32_t view, char *buf, size_t n)
{
    const topology *t = k->t;
    if (k->src_site >= 0 && view < 0) {
        paths_text(buf, n,
                   "site '%s' has no Route 53 Resolver inbound endpoint (dns_resolver), so "
                   "private DNS names do not resolve on premises",
                   t->sites[k->src_site].name);
        return;
    }
    for (size_t i = 0; i < t->ninterface_endpoints; i++) {
        const topo_interface_endpoint *e = &t->interface_endpoints[i];
        if (!endpoint_for_target(k, e)) continue;
        if (e->vpc == view && !e->private_dns) {
            paths_text(buf, n, "interface endpoint '%s' has private DNS off", e->name);
            return;
        }
        if (e->vpc != view) {
            paths_text(buf, n,
                       "interface endpoint '%s' in VPC '%s' answers privately only in its "
                       "own VPC and the VPCs in its dns_shared_with (with private_dns on), "
                       "not in VPC '%s'",
                       e->name, t->vpcs[e->vpc].name, t->vpcs[view].name);
            return;
        }
    }
    paths_text(buf, n, "no interface endpoint for it in VPC '%s'", t->vpcs[view].name);
}

/* How the client came to see this endpoint's private DNS. */
static void answer_origin(const walk *k, int32_t ep, int32_t view, char *buf, size_t n)
{
    const topology *t = k->t;
    const topo_interface_endpoint *e = &t->interface_endpoints[ep];
    char how[160], via[120] = "";
    if (e->vpc != view)
        paths_text(how, sizeof how, "private DNS shared (dns_shared_with) with VPC '%s'",
                   t->vpcs[view].name);
    else
        paths_text(how, sizeof how, "%s in its VPC '%s'",
                   e->private_dns ? "private DNS" : "endpoint DNS name", t->vpcs[view].name);
    if (k->src_site >= 0)
        paths_text(via, sizeof via, "via Route 53 Resolver inbound endpoint '%s', ",
                   t->resolver_endpoints[t->sites[k->src_site].dns_resolver].name);
    paths_text(buf, n, "%s%s", via, how);
}

static void target_name(const walk *k, char *buf, size_t n)
{
    const topology *t = k->t;
    if (k->w->target == TARGET_ENDPOINT_SERVICE)
        paths_text(buf, n, "endpoint service '%s'",
                   t->endpoint_services[k->w->endpoint_service].name);
    else
        paths_text(buf, n, "%s.%s.amazonaws.com", aws_service_name((aws_service)k->w->service),
                   t->regions[service_region(k)].name);
}

static dest eni_dest(const topology *t, int32_t ep, int32_t subnet)
{
    return (dest){.kind = DEST_ENI,
                  .service = -1,
                  .region = -1,
                  .addr = paths_eni_addr(t, subnet),
                  .endpoint = ep,
                  .subnet = subnet};
}

static bool eni_down(const walk *k, int32_t ep, int32_t subnet)
{
    return paths_down(k, HOP_INTERFACE_ENDPOINT, ep, k->t->subnets[subnet].az);
}

/* Appends " 10.0.1.4 (use1-az1)" to buf. */
static void append_eni(const topology *t, int32_t subnet, char *buf, size_t n, bool first)
{
    char ip[20];
    size_t len = strlen(buf);
    if (len + 1 < n)
        paths_text(buf + len, n - len, "%s%s (%s)", first ? " " : ", ",
                   paths_ip(paths_eni_addr(t, subnet), ip, sizeof ip),
                   paths_az_name(t, t->subnets[subnet].az));
}

/* Regional name: the ENIs of all AZs that are up, equally weighted (PrivateLink guide: the
 * regional DNS name resolves to the ENIs of every AZ; aws-facts.md Interface endpoint DNS, D21).
 * An AZ that is down leaves the answer. */
static int answer_regional(walk *k, int32_t ep, dest *dests, size_t *n, char *list, size_t ln)
{
    const topo_interface_endpoint *e = &k->t->interface_endpoints[ep];
    size_t dropped = 0;
    if (e->nsubnets == 0)
        return paths_stop(k, VERDICT_UNREACHABLE, "interface endpoint '%s' has no ENI", e->name);
    for (size_t i = 0; i < e->nsubnets; i++) {
        if (eni_down(k, ep, e->subnets[i])) {
            dropped++;
            continue;
        }
        if (*n == PATH_DNS_MAX_ALTS) continue;
        append_eni(k->t, e->subnets[i], list, ln, *n == 0);
        dests[(*n)++] = eni_dest(k->t, ep, e->subnets[i]);
    }
    if (*n) return STEP_OK;
    return paths_stop(k, VERDICT_UNREACHABLE,
                      "every ENI of interface endpoint '%s' is down (%zu of %zu AZs): DNS has no "
                      "address to answer",
                      e->name, dropped, e->nsubnets);
}

/* Zonal name: the ENI in the client's AZ if the endpoint has one there, else the first. A zonal
 * name does not fail over (PrivateLink guide: zonal DNS names resolve to one AZ's ENI;
 * aws-facts.md clients: with a zonal name there is no failover). */
static int answer_zonal(walk *k, int32_t ep, dest *dests, size_t *n, char *list, size_t ln)
{
    const topology *t = k->t;
    const topo_interface_endpoint *e = &t->interface_endpoints[ep];
    if (e->nsubnets == 0)
        return paths_stop(k, VERDICT_UNREACHABLE, "interface endpoint '%s' has no ENI", e->name);
    int32_t pick = e->subnets[0];
    int32_t client_az = k->src_subnet >= 0 ? t->subnets[k->src_subnet].az : -1;
    for (size_t i = 0; i < e->nsubnets; i++)
        if (t->subnets[e->subnets[i]].az == client_az) pick = e->subnets[i];
    if (eni_down(k, ep, pick))
        return paths_stop(k, VERDICT_UNREACHABLE,
                          "the zonal DNS name of interface endpoint '%s' points only at its ENI in "
                          "%s, which is down; a zonal name does not fail over to another AZ",
                          e->name, paths_az_name(t, t->subnets[pick].az));
    append_eni(t, pick, list, ln, true);
    dests[(*n)++] = eni_dest(t, ep, pick);
    return STEP_OK;
}

static int answer_endpoint(walk *k, int32_t ep, int32_t view, dest *dests, size_t *n)
{
    char name[128], origin[200], list[200] = "";
    const topo_interface_endpoint *e = &k->t->interface_endpoints[ep];
    bool zonal = k->w->dns == DNS_ZONAL;
    int rc = zonal ? answer_zonal(k, ep, dests, n, list, sizeof list)
                   : answer_regional(k, ep, dests, n, list, sizeof list);
    if (rc) return rc;
    target_name(k, name, sizeof name);
    answer_origin(k, ep, view, origin, sizeof origin);
    paths_text(k->out->dns, sizeof k->out->dns, "%s%s -> interface endpoint '%s' (%s):%s",
               zonal ? "zonal name of " : "", name, e->name, origin, list);
    return STEP_OK;
}

static int dns_aws_service(walk *k, dest *dests, size_t *n)
{
    int32_t view = dns_view(k), ep = find_endpoint(k, view);
    if (ep >= 0) return answer_endpoint(k, ep, view, dests, n);
    char name[128], hint[300];
    target_name(k, name, sizeof name);
    no_endpoint_hint(k, view, hint, sizeof hint);
    paths_text(k->out->dns, sizeof k->out->dns, "%s -> public addresses (%s)", name, hint);
    dests[(*n)++] = (dest){.kind = DEST_PUBLIC,
                           .service = k->w->service,
                           .region = service_region(k),
                           .endpoint = -1,
                           .subnet = -1};
    return STEP_OK;
}

/* An endpoint service has no public address: PrivateLink is its only way in. */
static int dns_endpoint_service(walk *k, dest *dests, size_t *n)
{
    int32_t view = dns_view(k), ep = find_endpoint(k, view);
    if (ep >= 0) return answer_endpoint(k, ep, view, dests, n);
    const topo_endpoint_service *s = &k->t->endpoint_services[k->w->endpoint_service];
    char hint[300], pos[80];
    no_endpoint_hint(k, view, hint, sizeof hint);
    paths_text(k->out->dns, sizeof k->out->dns, "endpoint service '%s' -> no answer (%s)", s->name,
               hint);
    return paths_stop(k, VERDICT_UNREACHABLE,
                      "endpoint service '%s' (%s) is reachable only through an interface endpoint "
                      "(PrivateLink), and none resolves for the client: %s",
                      s->name, paths_pos(s->pos, pos, sizeof pos), hint);
}

static int dns_internet(walk *k, dest *dests, size_t *n)
{
    char ip[20];
    paths_text(k->out->dns, sizeof k->out->dns, "internet host %s (no lookup)",
               paths_ip(k->w->internet_ip, ip, sizeof ip));
    dests[(*n)++] = (dest){.kind = DEST_INTERNET,
                           .service = -1,
                           .region = -1,
                           .addr = k->w->internet_ip,
                           .endpoint = -1,
                           .subnet = -1};
    return STEP_OK;
}

int paths_dns(walk *k, dest *dests, size_t *n)
{
    int rc = STEP_ERR;
    *n = 0;
    switch (k->w->target) {
    case TARGET_AWS_SERVICE:
        rc = dns_aws_service(k, dests, n);
        break;
    case TARGET_ENDPOINT_SERVICE:
        rc = dns_endpoint_service(k, dests, n);
        break;
    case TARGET_INTERNET:
        rc = dns_internet(k, dests, n);
        break;
    }
    if (rc != STEP_ERR) {
        paths_region_dns_note(k, dests, *n);
        return rc;
    }
    error_set(k->err, "workload '%s': unknown target kind", k->w->name);
    return STEP_ERR;
}
