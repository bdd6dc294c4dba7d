/* The last steps of a path: delivery to an interface endpoint ENI or a public address, the
 * security groups on both ends (stateful, so only the request direction is checked) and the
 * endpoint policy. A security group holds a few to tens of rules. */
#include <stdio.h>
#include <string.h>

#include "paths_impl.h"
#include "policy.h"

/* ---- security groups ------------------------------------------------------------------------ */

static bool port_in(const topo_sg_rule *r, int32_t port)
{
    return port >= r->port_lo && port <= r->port_hi;
}

static bool client_has_sg(const walk *k, int32_t sg)
{
    for (size_t i = 0; k->src_subnet >= 0 && i < k->w->nsource_sgs; i++)
        if (k->w->source_sgs[i] == sg) return true;
    return false;
}

static bool eni_has_sg(const topo_interface_endpoint *e, int32_t sg)
{
    for (size_t i = 0; i < e->nsecurity_groups; i++)
        if (e->security_groups[i] == sg) return true;
    return false;
}

/* A rule naming a security group matches clients in the same VPC, or across a peering in the
 * same Region (VPC peering guide: reference peer security groups; not across Regions, not through
 * a Transit Gateway or from on premises). */
static bool sg_reference_works(const walk *k, int32_t other_vpc)
{
    const topology *t = k->t;
    if (k->src_vpc < 0) return false;
    if (k->src_vpc == other_vpc) return true;
    if (k->via_peering < 0) return false;
    const topo_peering *p = &t->peerings[k->via_peering];
    bool joins = (p->vpc_a == k->src_vpc && p->vpc_b == other_vpc) ||
                 (p->vpc_b == k->src_vpc && p->vpc_a == other_vpc);
    return joins && t->vpcs[k->src_vpc].region == t->vpcs[other_vpc].region;
}

/* Does an egress rule of the client let the request out to the destination? */
static bool egress_matches(const walk *k, const topo_sg_rule *r)
{
    if (r->ingress || !port_in(r, k->w->port)) return false;
    if (r->source_sg >= 0) {
        if (k->d.kind != DEST_ENI) return false;
        const topo_interface_endpoint *e = &k->t->interface_endpoints[k->d.endpoint];
        return eni_has_sg(e, r->source_sg) && sg_reference_works(k, e->vpc);
    }
    if (k->d.kind == DEST_PUBLIC) return r->cidr.len == 0;
    return cidr_contains(r->cidr, k->d.addr);
}

/* Does an ingress rule of the ENI admit the client? By CIDR it must hold all the client's
 * addresses (its subnet's or site's CIDR), or name a security group the client has. */
static bool ingress_matches(const walk *k, const topo_sg_rule *r, int32_t eni_vpc)
{
    if (!r->ingress || !port_in(r, k->w->port)) return false;
    if (r->source_sg >= 0) return client_has_sg(k, r->source_sg) && sg_reference_works(k, eni_vpc);
    return r->cidr.len <= k->src.len && cidr_contains(r->cidr, k->src.addr);
}

static int check_client_egress(walk *k)
{
    const topology *t = k->t;
    if (k->src_subnet < 0 || k->w->nsource_sgs == 0) return STEP_OK;
    for (size_t i = 0; i < k->w->nsource_sgs; i++) {
        const topo_security_group *g = &t->security_groups[k->w->source_sgs[i]];
        for (size_t j = 0; j < g->nrules; j++)
            if (egress_matches(k, &g->rules[j])) return STEP_OK;
    }
    const topo_security_group *g = &t->security_groups[k->w->source_sgs[0]];
    char pos[80], to[200];
    return paths_stop(k, VERDICT_DENIED,
                      "security group '%s' (%s) of the client allows no egress "
                      "on port %d to %s",
                      g->name, paths_pos(g->pos, pos, sizeof pos), k->w->port,
                      paths_dest_words(k, to, sizeof to));
}

/* The security group to blame: the first with an ingress rule on the port, else the first. */
static const topo_security_group *sg_to_name(const walk *k, const topo_interface_endpoint *e)
{
    for (size_t i = 0; i < e->nsecurity_groups; i++) {
        const topo_security_group *g = &k->t->security_groups[e->security_groups[i]];
        for (size_t j = 0; j < g->nrules; j++)
            if (g->rules[j].ingress && port_in(&g->rules[j], k->w->port)) return g;
    }
    return &k->t->security_groups[e->security_groups[0]];
}

/* "10.0.0.0/16, security group 'app-sg'": who g admits on the port; *refs counts references
 * to a group the client has but that cannot match it (another VPC without a same-Region peering).
 */
static void ingress_sources(const walk *k, const topo_security_group *g, char *buf, size_t n,
                            int *refs)
{
    buf[0] = 0;
    *refs = 0;
    for (size_t j = 0; j < g->nrules; j++) {
        const topo_sg_rule *r = &g->rules[j];
        if (!r->ingress || !port_in(r, k->w->port)) continue;
        size_t len = strlen(buf);
        char c[24];
        if (len + 1 >= n) break;
        if (r->source_sg >= 0 && client_has_sg(k, r->source_sg)) ++*refs;
        paths_text(buf + len, n - len, "%s%s%s%s", len ? ", " : "",
                   r->source_sg >= 0 ? "security group '" : "",
                   r->source_sg >= 0 ? k->t->security_groups[r->source_sg].name
                                     : paths_cidr(r->cidr, c, sizeof c),
                   r->source_sg >= 0 ? "'" : "");
    }
}

static int check_eni_ingress(walk *k, const topo_interface_endpoint *e)
{
    for (size_t i = 0; i < e->nsecurity_groups; i++) {
        const topo_security_group *g = &k->t->security_groups[e->security_groups[i]];
        for (size_t j = 0; j < g->nrules; j++)
            if (ingress_matches(k, &g->rules[j], e->vpc)) return STEP_OK;
    }
    if (e->nsecurity_groups == 0) return STEP_OK; /* none modelled: nothing to refuse */
    const topo_security_group *g = sg_to_name(k, e);
    char pos[80], from[200], cl[120];
    int refs;
    ingress_sources(k, g, from, sizeof from, &refs);
    paths_pos(g->pos, pos, sizeof pos);
    paths_client_words(k, cl, sizeof cl);
    if (!from[0])
        return paths_stop(k, VERDICT_DENIED,
                          "security group '%s' (%s) has no ingress rule for "
                          "port %d; the client at %s is refused",
                          g->name, pos, k->w->port, cl);
    return paths_stop(k, VERDICT_DENIED,
                      "security group '%s' (%s) allows %d only from %s; the "
                      "client at %s is not in it%s",
                      g->name, pos, k->w->port, from, cl,
                      refs ? " (a security group reference matches only clients in the same VPC "
                             "or in a peered VPC of the same Region)"
                           : "");
}

/* ---- endpoint policies ---------------------------------------------------------------------- */

static const char *or_none(const char *s)
{
    return s && *s ? s : "(none)";
}

int paths_check_policy(walk *k, int32_t policy, const char *what, const char *name)
{
    if (policy < 0) return STEP_OK;
    const topo_policy *p = &k->t->policies[policy];
    const topo_workload *w = k->w;
    size_t st;
    policy_decision dec = policy_evaluate(p, w->action, w->resource, w->principal, &st);
    if (dec == POLICY_ALLOWED) return STEP_OK;
    char ppos[80], spos[80], sname[80];
    paths_pos(p->pos, ppos, sizeof ppos);
    if (dec == POLICY_IMPLICIT_DENY)
        return paths_stop(k, VERDICT_DENIED,
                          "endpoint policy '%s' (%s) of %s '%s' does not allow "
                          "%s on %s for principal %s: none of its %zu statements is a matching "
                          "Allow",
                          p->name, ppos, what, name, or_none(w->action), or_none(w->resource),
                          or_none(w->principal), p->nstatements);
    const topo_statement *s = &p->statements[st];
    if (s->sid)
        paths_text(sname, sizeof sname, "'%s'", s->sid);
    else
        paths_text(sname, sizeof sname, "#%zu", st + 1);
    return paths_stop(k, VERDICT_DENIED,
                      "endpoint policy '%s' (%s) of %s '%s' denies %s on %s: "
                      "statement %s (%s) is an explicit Deny, which wins over any Allow",
                      p->name, ppos, what, name, or_none(w->action), or_none(w->resource), sname,
                      paths_pos(s->pos, spos, sizeof spos));
}

/* ---- delivery ------------------------------------------------------------------------------- */

static int service_hop(walk *k, int32_t service, int32_t region)
{
    if (paths_down(k, HOP_AWS_SERVICE, service, -1))
        return paths_stop(k, VERDICT_UNREACHABLE, "%s in %s is down",
                          aws_service_name((aws_service)service), k->t->regions[region].name);
    return paths_push(k, HOP_AWS_SERVICE, service, -1, region);
}

static int32_t nlb_subnet_in(const topology *t, const topo_endpoint_service *s, int32_t az)
{
    for (size_t i = 0; i < s->nsubnets; i++)
        if (t->subnets[s->subnets[i]].az == az) return s->subnets[i];
    return -1;
}

/* PrivateLink joins an endpoint ENI to the service's NLB in the same AZ (AZ ID): the endpoint
 * can only have ENIs where the service is available (PrivateLink guide, endpoint services). */
static int private_service_hops(walk *k, int32_t ep, int32_t az)
{
    const topology *t = k->t;
    const topo_interface_endpoint *e = &t->interface_endpoints[ep];
    const topo_endpoint_service *s = &t->endpoint_services[e->endpoint_service];
    int32_t region = paths_vpc_region(t, s->vpc);
    char pos[80];
    if (s->port > 0 && s->port != k->w->port)
        return paths_stop(k, VERDICT_UNREACHABLE,
                          "endpoint service '%s' (%s) listens on port %d; "
                          "workload '%s' connects to port %d",
                          s->name, paths_pos(s->pos, pos, sizeof pos), s->port, k->w->name,
                          k->w->port);
    if (nlb_subnet_in(t, s, az) < 0)
        return paths_stop(k, VERDICT_UNREACHABLE,
                          "endpoint service '%s' has no load balancer "
                          "subnet in %s, where interface endpoint '%s' has its ENI: PrivateLink "
                          "joins an ENI only to the NLB in its own AZ",
                          s->name, paths_az_name(t, az), e->name);
    if (paths_down(k, HOP_NLB, e->endpoint_service, az))
        return paths_stop(k, VERDICT_UNREACHABLE,
                          "the load balancer of endpoint service '%s' is "
                          "down in %s",
                          s->name, paths_az_name(t, az));
    int rc = paths_push(k, HOP_NLB, e->endpoint_service, az, region);
    return rc ? rc : paths_push(k, HOP_PRIVATE_SERVICE, e->endpoint_service, az, region);
}

int paths_deliver_eni(walk *k)
{
    const topology *t = k->t;
    int32_t ep = k->d.endpoint, az = t->subnets[k->d.subnet].az;
    const topo_interface_endpoint *e = &t->interface_endpoints[ep];
    int32_t region = paths_vpc_region(t, e->vpc);
    int rc = paths_push(k, HOP_INTERFACE_ENDPOINT, ep, az, region);
    if (!rc) rc = paths_check_return(k, k->d.subnet);
    if (!rc) rc = check_client_egress(k);
    if (!rc) rc = check_eni_ingress(k, e);
    if (!rc) rc = paths_check_policy(k, e->policy, "interface endpoint", e->name);
    if (rc) return rc;
    return e->aws_service >= 0 ? service_hop(k, e->aws_service, region)
                               : private_service_hops(k, ep, az);
}

int paths_deliver_public(walk *k)
{
    int rc = check_client_egress(k);
    if (rc) return rc;
    if (k->d.kind == DEST_PUBLIC) return service_hop(k, k->d.service, k->d.region);
    return paths_push_link(k, HOP_INTERNET_HOST, -1, -1, -1, LINK_INTERNET);
}
