/* The last steps of a path: delivery to an interface endpoint ENI or a public address, the
 * security groups on both ends (stateful, so only the request direction is checked) and the
 * endpoint policy. A security group holds a few to tens of rules. */
#include <stdio.h>
#include <string.h>

#include "paths_impl.h"
#include "vpcsim/aws/policy.h"

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
    if (r->prefix_list >= 0) /* the service's public ranges in the VPC's Region */
        return k->d.kind == DEST_PUBLIC && k->d.service == r->prefix_list &&
               k->d.region == paths_vpc_region(k->t, k->src_vpc);
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
    if (!r->ingress || !port_in(r, k->w->port) || r->prefix_list >= 0) return false;
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

/* An endpoint created without security groups gets its VPC's default group (PrivateLink guide,
 * create an interface endpoint; VPC guide, default security groups): it admits only members of
 * that default group, and a client launched without groups is in its VPC's default group; as a
 * group reference it works only in the same VPC or across a same-Region peering. */
static int check_default_group(walk *k, const topo_interface_endpoint *e)
{
    if (k->src_subnet >= 0 && k->w->nsource_sgs == 0 && sg_reference_works(k, e->vpc))
        return STEP_OK;
    char pos[80], cl[120];
    paths_client_words(k, cl, sizeof cl);
    return paths_stop(k, VERDICT_DENIED,
                      "interface endpoint '%s' (%s) has no security_groups, so its ENIs have VPC "
                      "'%s''s default security group, which admits only its own members; the "
                      "client at %s is not one (%s)",
                      e->name, paths_pos(e->pos, pos, sizeof pos), k->t->vpcs[e->vpc].name, cl,
                      k->src_subnet < 0   ? "on premises"
                      : k->w->nsource_sgs ? "it has its own security groups"
                                          : "another VPC's default group");
}

static int check_eni_ingress(walk *k, const topo_interface_endpoint *e)
{
    if (e->nsecurity_groups == 0) return check_default_group(k, e);
    for (size_t i = 0; i < e->nsecurity_groups; i++) {
        const topo_security_group *g = &k->t->security_groups[e->security_groups[i]];
        for (size_t j = 0; j < g->nrules; j++)
            if (ingress_matches(k, &g->rules[j], e->vpc)) return STEP_OK;
    }
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

/* ---- policies ------------------------------------------------------------------------------- */

static const char *or_none(const char *s)
{
    return s && *s ? s : "(none)";
}

/* The request as policies see it, from the way the walk went (IAM User Guide, global condition
 * keys: aws:SourceVpce, aws:SourceVpc and aws:VpceAccount only through a VPC endpoint;
 * aws:SourceIp is the public address, absent through a VPC endpoint). acct[13], ip[16]: storage. */
static policy_request request_of(const walk *k, char *acct, char *ip)
{
    const topology *t = k->t;
    const topo_workload *w = k->w;
    policy_request r = {.action = w->action, .resource = w->resource, .principal = w->principal};
    int32_t vpc = -1;
    const char *owner = NULL; /* the endpoint's account, when not its VPC's */
    if (k->via_interface_endpoint >= 0) {
        const topo_interface_endpoint *e = &t->interface_endpoints[k->via_interface_endpoint];
        r.values[CKEY_SOURCE_VPCE] = e->id;
        vpc = e->vpc;
        owner = e->account;
    } else if (k->via_gateway_endpoint >= 0) {
        const topo_gateway_endpoint *e = &t->gateway_endpoints[k->via_gateway_endpoint];
        r.values[CKEY_SOURCE_VPCE] = e->id;
        vpc = e->vpc;
    } else if (k->via_nat >= 0 && t->nats[k->via_nat].public_ip) {
        r.values[CKEY_SOURCE_IP] = paths_ip(t->nats[k->via_nat].public_ip, ip, 16);
    }
    if (vpc >= 0) {
        r.values[CKEY_SOURCE_VPC] = t->vpcs[vpc].id;
        r.values[CKEY_VPCE_ACCOUNT] = owner ? owner : t->vpcs[vpc].account;
    }
    r.values[CKEY_PRINCIPAL_ACCOUNT] = policy_principal_account(w->principal, acct);
    r.values[CKEY_PRINCIPAL_ARN] = w->principal && strcmp(w->principal, "*") ? w->principal : NULL;
    r.values[CKEY_PRINCIPAL_ORG_ID] = w->principal_org;
    r.values[CKEY_SECURE_TRANSPORT] = w->secure_transport ? "true" : "false";
    return r;
}

/* "statement 'Sid' (file:line)" or "statement #2 (file:line)". */
static const char *statement_words(const topo_policy *p, size_t st, char *buf, size_t n)
{
    const topo_statement *s = &p->statements[st];
    char pos[80];
    paths_pos(s->pos, pos, sizeof pos);
    if (s->sid) return paths_text(buf, n, "statement '%s' (%s)", s->sid, pos);
    return paths_text(buf, n, "statement #%zu (%s)", st + 1, pos);
}

/* Why a key is absent from the request, in words. */
static const char *absent_why(cond_key key)
{
    switch (key) { /* condition keys, not component kinds */
    case CKEY_SOURCE_VPCE:
    case CKEY_SOURCE_VPC:
    case CKEY_VPCE_ACCOUNT:
        return ", as it did not come through a VPC endpoint";
    case CKEY_SOURCE_IP:
        return " (it came through a VPC endpoint, or no public_ip is given)";
    default:
        return "";
    }
}

/* The deciding statement's conditions with the request's values, in words: "its condition
 * StringNotEquals aws:SourceVpce holds: the request has no aws:SourceVpce, ...". */
static const char *condition_words(const topo_statement *s, const policy_request *r, char *buf,
                                   size_t n)
{
    buf[0] = 0;
    for (size_t i = 0; i < s->nconditions; i++) {
        const topo_condition *c = &s->conditions[i];
        size_t len = strlen(buf);
        const char *v = r->values[c->key], *key = policy_key_name(c->key);
        if (v)
            paths_text(buf + len, n - len, "%s %s %s holds: the request has %s '%s'",
                       len ? ";" : " (its condition", policy_op_name(c->op), key, key, v);
        else
            paths_text(buf + len, n - len, "%s %s %s holds: the request has no %s%s",
                       len ? ";" : " (its condition", policy_op_name(c->op), key, key,
                       absent_why(c->key));
    }
    if (buf[0]) paths_text(buf + strlen(buf), n - strlen(buf), ")");
    return buf;
}

/* The verdict of policy p (named with its position by who, e.g. "endpoint policy 'ro' (f:3) of
 * gateway endpoint 'gw'") denying request r with decision dec at statement st. */
static int deny(walk *k, const char *who, const topo_policy *p, policy_decision dec, size_t st,
                const policy_request *r, const char *why)
{
    char sw[160], cw[300];
    if (dec == POLICY_IMPLICIT_DENY)
        return paths_stop(k, VERDICT_DENIED,
                          "%s does not allow %s on %s for principal %s: none of its %zu "
                          "statements is a matching Allow%s",
                          who, or_none(r->action), or_none(r->resource), or_none(r->principal),
                          p->nstatements, why);
    return paths_stop(k, VERDICT_DENIED,
                      "%s denies %s on %s: %s is an explicit Deny, which wins over any "
                      "Allow%s%s",
                      who, or_none(r->action), or_none(r->resource),
                      statement_words(p, st, sw, sizeof sw),
                      condition_words(&p->statements[st], r, cw, sizeof cw), why);
}

int paths_check_policy(walk *k, int32_t policy, const char *what, const char *name)
{
    if (policy < 0) return STEP_OK;
    const topo_policy *p = &k->t->policies[policy];
    char acct[13], ip[16], who[200], pos[80];
    policy_request r = request_of(k, acct, ip);
    size_t st;
    policy_decision dec = policy_evaluate(p, &r, &st);
    if (dec == POLICY_ALLOWED) return STEP_OK;
    paths_text(who, sizeof who, "endpoint policy '%s' (%s) of %s '%s'", p->name,
               paths_pos(p->pos, pos, sizeof pos), what, name);
    return deny(k, who, p, dec, st, &r, "");
}

/* The resource policy governing the workload's request to service, or -1. */
static int32_t resource_policy_for(const topology *t, const topo_workload *w, int32_t service)
{
    for (size_t i = 0; i < t->nresource_policies; i++) {
        const topo_resource_policy *rp = &t->resource_policies[i];
        if ((int32_t)rp->service == service &&
            policy_pattern_match(rp->resource, w->resource, false))
            return (int32_t)i;
    }
    return -1;
}

static const char *resource_policy_noun(aws_service s)
{
    return s == SVC_S3    ? "bucket policy"
           : s == SVC_KMS ? "key policy"
           : s == SVC_SQS ? "queue policy"
                          : "resource policy";
}

/* The identity and resource layers at an AWS service (the endpoint layer was checked at the
 * endpoint): which of them decides, named in the verdict. */
static int check_service_access(walk *k, int32_t service)
{
    const topology *t = k->t;
    const topo_workload *w = k->w;
    int32_t rpi = resource_policy_for(t, w, service);
    const topo_resource_policy *rp = rpi >= 0 ? &t->resource_policies[rpi] : NULL;
    const topo_policy *identity = w->identity_policy >= 0 ? &t->policies[w->identity_policy] : NULL;
    const topo_policy *resource = rp ? &t->policies[rp->policy] : NULL;
    char acct[13], ip[16], who[240], pos[80];
    policy_request r = request_of(k, acct, ip);
    policy_verdict v =
        policy_layers(identity, resource, rp ? rp->account : NULL, service == SVC_KMS, &r);
    if (v.decision == POLICY_ALLOWED) return STEP_OK;
    if (v.layer == LAYER_IDENTITY) {
        paths_text(who, sizeof who, "identity policy '%s' (%s) of workload '%s'", identity->name,
                   paths_pos(identity->pos, pos, sizeof pos), w->name);
        return deny(k, who, identity, v.decision, v.statement, &r,
                    v.cross_account ? ": across accounts the caller's identity policy must allow "
                                      "too"
                    : v.key_policy  ? ": the key policy delegates to the account's IAM policies"
                                    : "");
    }
    if (!resource)
        return paths_stop(k, VERDICT_DENIED,
                          "no resource policy of %s grants %s on %s to principal %s, which is in "
                          "another account: across accounts the resource policy must allow",
                          aws_service_name((aws_service)service), or_none(r.action),
                          or_none(r.resource), or_none(r.principal));
    paths_text(who, sizeof who, "%s '%s' (%s) of %s (resource policy '%s')",
               resource_policy_noun((aws_service)service), resource->name,
               paths_pos(resource->pos, pos, sizeof pos), rp->resource, rp->name);
    return deny(k, who, resource, v.decision, v.statement, &r,
                v.key_policy      ? ": a KMS key policy must allow"
                : v.cross_account ? ": across accounts the resource policy must allow"
                                  : "");
}

/* ---- delivery ------------------------------------------------------------------------------- */

static int service_hop(walk *k, int32_t service, int32_t region)
{
    if (paths_down(k, HOP_AWS_SERVICE, service, -1))
        return paths_stop(k, VERDICT_UNREACHABLE, "%s in %s is down",
                          aws_service_name((aws_service)service), k->t->regions[region].name);
    int rc = check_service_access(k, service);
    return rc ? rc : paths_push(k, HOP_AWS_SERVICE, service, -1, region);
}

static int32_t nlb_subnet_in(const topology *t, const topo_endpoint_service *s, int32_t az)
{
    for (size_t i = 0; i < s->nsubnets; i++)
        if (t->subnets[s->subnets[i]].az == az) return s->subnets[i];
    return -1;
}

static const char *account_words(const char *a)
{
    return a ? a : "(the default account)";
}

/* Is the endpoint's account among the service's allowed principals? An account id or any ARN of
 * the account grants it, "*" everyone; the service's own account needs no permission. */
static bool principal_allowed(const topo_endpoint_service *s, const char *consumer,
                              const char *provider)
{
    char buf[13];
    if (!s->allowed_principals || !consumer || !provider || strcmp(consumer, provider) == 0)
        return true;
    for (size_t i = 0; i < s->nallowed_principals; i++) {
        const char *p = s->allowed_principals[i], *acct = policy_principal_account(p, buf);
        if (strcmp(p, "*") == 0 || (acct && strcmp(acct, consumer) == 0)) return true;
    }
    return false;
}

/* An endpoint service admits a connection only from principals it allows, and only once an
 * accepted connection exists (PrivateLink guide, manage permissions: by default a service is
 * available to no consumer; accept or reject connection requests: a pending or rejected
 * connection carries nothing). */
static int check_connection(walk *k, const topo_interface_endpoint *e,
                            const topo_endpoint_service *s)
{
    const topology *t = k->t;
    const char *consumer = e->account ? e->account : t->vpcs[e->vpc].account;
    const char *provider = t->vpcs[s->vpc].account;
    char pos[80];
    paths_pos(s->pos, pos, sizeof pos);
    if (!principal_allowed(s, consumer, provider))
        return paths_stop(k, VERDICT_DENIED,
                          "endpoint service '%s' (%s) of account %s does not allow account %s, "
                          "which owns interface endpoint '%s': none of its %zu allowed_principals "
                          "names it",
                          s->name, pos, account_words(provider), consumer, e->name,
                          s->nallowed_principals);
    if (e->connection == CONN_ACCEPTED) return STEP_OK;
    return paths_stop(k, VERDICT_UNREACHABLE,
                      "the connection of interface endpoint '%s' (account %s) to endpoint "
                      "service '%s' (%s) is %s: %s",
                      e->name, account_words(consumer), s->name, pos,
                      e->connection == CONN_PENDING ? "pending acceptance" : "rejected",
                      e->connection == CONN_PENDING
                          ? "the service's owner has not accepted it, and a pending connection "
                            "carries no traffic"
                          : "the service's owner rejected it, so it carries no traffic");
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
    int rc = check_connection(k, e, s);
    if (rc) return rc;
    if (s->port > 0 && s->port != k->w->port)
        return paths_stop(k, VERDICT_UNREACHABLE,
                          "endpoint service '%s' (%s) listens on port %d; "
                          "workload '%s' connects to port %d",
                          s->name, paths_pos(s->pos, pos, sizeof pos), s->port, k->w->name,
                          k->w->port);
    rc = paths_region_check(k, e);
    if (rc) return rc;
    az = paths_region_provider_az(t, e, az);
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
    rc = paths_push(k, HOP_NLB, e->endpoint_service, az, region);
    if (rc) return rc;
    /* Without cross-zone load balancing an NLB node sends only to its own AZ's targets (ELB
     * guide, cross-zone load balancing); with it, to every AZ's: paths_spread_targets splits the
     * way over them once it is walked. */
    int32_t target_az = paths_target_az(t, s, az);
    if (target_az < 0)
        return paths_stop(k, VERDICT_UNREACHABLE,
                          "endpoint service '%s' has no targets in %s, where its load balancer "
                          "node takes the requests of interface endpoint '%s', and cross-zone "
                          "load balancing is off: the node sends only to its own AZ's targets",
                          s->name, paths_az_name(t, az), e->name);
    return paths_push(k, HOP_PRIVATE_SERVICE, e->endpoint_service, target_az, region);
}

int paths_deliver_eni(walk *k)
{
    const topology *t = k->t;
    int32_t ep = k->d.endpoint, az = t->subnets[k->d.subnet].az;
    const topo_interface_endpoint *e = &t->interface_endpoints[ep];
    int32_t region = paths_vpc_region(t, e->vpc);
    k->via_interface_endpoint = ep;
    int rc = paths_push(k, HOP_INTERFACE_ENDPOINT, ep, az, region);
    if (!rc) rc = paths_check_return(k, k->d.subnet);
    if (!rc) rc = check_client_egress(k);
    if (!rc) rc = paths_nacl_request(k);
    if (!rc) rc = check_eni_ingress(k, e);
    if (!rc) rc = paths_nacl_response(k);
    if (!rc) rc = paths_check_policy(k, e->policy, "interface endpoint", e->name);
    if (rc) return rc;
    return e->aws_service >= 0 ? service_hop(k, e->aws_service, region)
                               : private_service_hops(k, ep, az);
}

int paths_deliver_public(walk *k)
{
    int rc = check_client_egress(k);
    if (!rc) rc = paths_nacl_request(k);
    if (!rc) rc = paths_nacl_response(k);
    if (rc) return rc;
    if (k->d.kind == DEST_PUBLIC) return service_hop(k, k->d.service, k->d.region);
    return paths_push_link(k, HOP_INTERNET_HOST, -1, -1, -1, LINK_INTERNET);
}
