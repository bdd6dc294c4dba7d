/* Scenario loader, services part: endpoint policies, security groups, endpoint services,
 * interface endpoints, Route 53 Resolver endpoints and on-premises sites with their Direct
 * Connect and VPN connections; then the rule that a site and the VPCs it reaches do not overlap. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_impl.h"
#include "vpcsim/aws/policy.h"
#include "vpcsim/units.h"

enum { CIDR_TEXT = 24 };

#define ELEM(b, kind, i) (&(b)->a->lists[kind].items[i])

static int oom(const sc_build *b, const config_node *at)
{
    return config_error_at(at, b->err, "out of memory");
}

/* ---- policies -------------------------------------------------------------------------------- */

typedef int (*pattern_check)(const char *s);

static int action_ok(const char *s)
{
    const char *colon = strchr(s, ':');
    return strcmp(s, "*") == 0 || (colon && colon > s && colon[1]);
}

static int resource_ok(const char *s)
{
    return strcmp(s, "*") == 0 || strncmp(s, "arn:", 4) == 0;
}

static int principal_ok(const char *s)
{
    size_t n = strspn(s, "0123456789");
    return strcmp(s, "*") == 0 || strncmp(s, "arn:", 4) == 0 || (n == 12 && !s[12]);
}

/* A list of patterns (key of sec); absent and optional: ["*"]. */
static int patterns(sc_build *b, const config_node *map, sc_section sec, const char *key,
                    pattern_check ok, const char *expect, const char ***out, size_t *n)
{
    const config_node *seq;
    char q[96];
    if (sc_get_seq(map, sec, key, &seq, b->err)) return -1;
    *n = seq ? config_len(seq) : 1;
    if (!(*out = arena_alloc(b->ld->arena, *n, sizeof **out))) return oom(b, map);
    if (!seq) {
        (*out)[0] = "*";
        return 0;
    }
    if (*n == 0) return sc_error(b, seq, "%s: key '%s': give at least one", b->what, key);
    for (size_t i = 0; i < *n; i++) {
        if (config_as_string(config_at(seq, i), &(*out)[i], b->err)) return -1;
        if (!ok((*out)[i]))
            return sc_error(b, config_at(seq, i), "%s: key '%s': expected %s, got %s", b->what, key,
                            expect, units_format_quoted((*out)[i], 60, q, sizeof q));
    }
    return 0;
}

/* The values of one condition key: a scalar or a non-empty sequence of scalars, each well formed
 * for the operator. */
static int condition_values(sc_build *b, topo_condition *c, const config_node *v)
{
    bool seq = config_kind_of(v) == CONFIG_KIND_SEQ;
    c->nvalues = seq ? config_len(v) : 1;
    if (c->nvalues == 0)
        return sc_error(b, v, "%s: condition %s on %s: give at least one value", b->what,
                        policy_op_name(c->op), policy_key_name(c->key));
    if (!(c->values = arena_alloc(b->ld->arena, c->nvalues, sizeof *c->values))) return oom(b, v);
    for (size_t i = 0; i < c->nvalues; i++) {
        const config_node *x = seq ? config_at(v, i) : v;
        if (config_as_string(x, &c->values[i], b->err)) return -1;
        if (!policy_op_value_ok(c->op, c->values[i]))
            return sc_error(b, x, "%s: condition %s on %s: expected %s", b->what,
                            policy_op_name(c->op), policy_key_name(c->key),
                            c->op == COND_IP_ADDRESS || c->op == COND_NOT_IP_ADDRESS
                                ? "an IPv4 address or CIDR"
                                : "true or false");
    }
    return 0;
}

/* "Did you mean" material: every key name, for errors. */
static char *key_list(char *buf, size_t n)
{
    buf[0] = 0;
    for (int k = 0; k < CKEY_COUNT; k++)
        snprintf(buf + strlen(buf), n - strlen(buf), "%s%s", k ? ", " : "",
                 policy_key_name((cond_key)k));
    return buf;
}

/* `conditions: {Operator: {key: value or [values]}}` into st->conditions (IAM's Condition
 * element; operator and key names as IAM spells them, keys case-insensitive). */
static int build_conditions(sc_build *b, topo_statement *st, const config_node *map)
{
    size_t n = 0;
    for (size_t i = 0; i < config_len(map); i++) {
        const config_node *keys = config_at(map, i);
        if (sc_expect_map(keys, b->err)) return -1;
        n += config_len(keys);
    }
    if (!(st->conditions = arena_alloc(b->ld->arena, n ? n : 1, sizeof *st->conditions)))
        return oom(b, map);
    for (size_t i = 0; i < config_len(map); i++) {
        const config_node *keys = config_at(map, i);
        bool ifx;
        int op = policy_op_find(config_scalar(config_key_at(map, i)), &ifx);
        char q[96], names[400];
        if (op < 0)
            return sc_error(
                b, keys,
                "%s: unknown condition operator %s (StringEquals, StringNotEquals, "
                "StringEqualsIgnoreCase, StringNotEqualsIgnoreCase, StringLike, "
                "StringNotLike, ArnEquals, ArnNotEquals, ArnLike, ArnNotLike, "
                "IpAddress, NotIpAddress, Bool, Null; ...IfExists)",
                b->what,
                units_format_quoted(config_scalar(config_key_at(map, i)), 60, q, sizeof q));
        for (size_t j = 0; j < config_len(keys); j++) {
            topo_condition *c = &st->conditions[st->nconditions++];
            int key = policy_key_find(config_scalar(config_key_at(keys, j)));
            if (key < 0)
                return sc_error(
                    b, config_at(keys, j), "%s: unknown condition key %s (%s)", b->what,
                    units_format_quoted(config_scalar(config_key_at(keys, j)), 60, q, sizeof q),
                    key_list(names, sizeof names));
            *c = (topo_condition){.op = (cond_op)op,
                                  .if_exists = ifx,
                                  .key = (cond_key)key,
                                  .pos = sc_pos(config_at(keys, j))};
            if (condition_values(b, c, config_at(keys, j))) return -1;
        }
    }
    return 0;
}

static int build_statement(sc_build *b, topo_statement *st, const config_node *el)
{
    const config_node *conds;
    int effect = 0;
    st->pos = sc_pos(el);
    if (sc_check_keys(el, SEC_STATEMENT, b->err) ||
        sc_get_string(el, SEC_STATEMENT, "sid", &st->sid, b->err) ||
        sc_get_enum(el, SEC_STATEMENT, "effect", &effect, b->err) ||
        patterns(b, el, SEC_STATEMENT, "actions", action_ok, "\"*\" or service:Action (s3:Get*)",
                 &st->actions, &st->nactions) ||
        patterns(b, el, SEC_STATEMENT, "resources", resource_ok, "\"*\" or an ARN pattern",
                 &st->resources, &st->nresources) ||
        patterns(b, el, SEC_STATEMENT, "principals", principal_ok,
                 "\"*\", an ARN or a 12-digit account id", &st->principals, &st->nprincipals) ||
        sc_get_map(el, SEC_STATEMENT, "conditions", &conds, b->err) ||
        (conds && build_conditions(b, st, conds)))
        return -1;
    st->effect = effect == 0 ? EFFECT_ALLOW : EFFECT_DENY;
    return 0;
}

static int build_policy(sc_build *b, size_t i)
{
    const sc_elem *e = sc_enter(b, SK_POLICY, i);
    topo_policy *p = &b->t->policies[i];
    const config_node *seq;
    if (!e) return -1;
    p->name = e->name;
    p->pos = sc_pos(e->node);
    if (sc_get_seq(e->node, SEC_POLICY, "statements", &seq, b->err)) return -1;
    if (config_len(seq) == 0)
        return sc_error(b, seq, "%s: key 'statements': give at least one statement", b->what);
    p->nstatements = config_len(seq);
    if (!(p->statements = arena_alloc(b->ld->arena, p->nstatements, sizeof *p->statements)))
        return oom(b, seq);
    for (size_t k = 0; k < p->nstatements; k++)
        if (build_statement(b, &p->statements[k], config_at(seq, k))) return -1;
    return 0;
}

/* A resource-based policy: the service it belongs to, which resources, which policy. */
static int build_resource_policy(sc_build *b, size_t i)
{
    const sc_elem *e = sc_enter(b, SK_RESOURCE_POLICY, i);
    topo_resource_policy *r = &b->t->resource_policies[i];
    const char *s;
    int32_t svc;
    if (!e) return -1;
    r->name = e->name;
    r->pos = sc_pos(e->node);
    if (sc_get_string(e->node, SEC_RESOURCE_POLICY, "service", &s, b->err) ||
        sc_service_ref(b, config_find(e->node, "service"), &svc) ||
        sc_get_string(e->node, SEC_RESOURCE_POLICY, "resource", &r->resource, b->err) ||
        sc_ref(b, e->node, SEC_RESOURCE_POLICY, "policy", SK_POLICY, &r->policy) ||
        sc_get_account(b, e->node, SEC_RESOURCE_POLICY, "account", &r->account))
        return -1;
    r->service = (aws_service)svc;
    if (!resource_ok(r->resource))
        return sc_error(b, config_find(e->node, "resource"),
                        "%s: key 'resource': expected \"*\" or an ARN pattern", b->what);
    return 0;
}

/* ---- security groups ------------------------------------------------------------------------- */

static int build_rule(sc_build *b, topo_sg_rule *r, const config_node *el, bool ingress)
{
    const config_node *cidr = config_find(el, "cidr"), *sg = config_find(el, "security_group");
    const config_node *pl = config_find(el, "prefix_list");
    int which = 0;
    r->ingress = ingress;
    r->pos = sc_pos(el);
    r->source_sg = r->prefix_list = -1;
    if (sc_check_keys(el, SEC_SG_RULE, b->err) ||
        sc_get_ports(b, el, SEC_SG_RULE, "ports", &r->port_lo, &r->port_hi))
        return -1;
    if ((cidr != NULL) + (sg != NULL) + (pl != NULL) != 1)
        return sc_error(b, el, "%s: a rule gives cidr, security_group or prefix_list (one of them)",
                        b->what);
    if (cidr) return sc_get_cidr(el, SEC_SG_RULE, "cidr", &r->cidr, b->err);
    if (sg) return sc_ref_node(b, sg, SK_SG, &r->source_sg);
    if (ingress)
        return sc_error(b, pl,
                        "%s: a prefix list of AWS service ranges is an egress peer: services do "
                        "not open connections to clients",
                        b->what);
    if (sc_get_enum(el, SEC_SG_RULE, "prefix_list", &which, b->err)) return -1;
    r->prefix_list = which == 0 ? SVC_S3 : SVC_DYNAMODB;
    return 0;
}

static int build_sg(sc_build *b, size_t i)
{
    const sc_elem *e = sc_enter(b, SK_SG, i);
    topo_security_group *g = &b->t->security_groups[i];
    const config_node *in, *out;
    size_t k = 0;
    if (!e) return -1;
    g->name = e->name;
    g->pos = sc_pos(e->node);
    if (sc_ref(b, e->node, SEC_SG, "vpc", SK_VPC, &g->vpc) ||
        sc_get_seq(e->node, SEC_SG, "ingress", &in, b->err) ||
        sc_get_seq(e->node, SEC_SG, "egress", &out, b->err))
        return -1;
    g->nrules = config_len(in) + (out ? config_len(out) : 1);
    if (!(g->rules = arena_alloc(b->ld->arena, g->nrules, sizeof *g->rules)))
        return oom(b, e->node);
    for (; k < config_len(in); k++)
        if (build_rule(b, &g->rules[k], config_at(in, k), true)) return -1;
    if (!out) { /* AWS's default outbound rule */
        g->rules[k] =
            (topo_sg_rule){.port_hi = 65535, .source_sg = -1, .prefix_list = -1, .pos = g->pos};
        return 0;
    }
    for (size_t j = 0; j < config_len(out); j++, k++)
        if (build_rule(b, &g->rules[k], config_at(out, j), false)) return -1;
    return 0;
}

/* ---- endpoint services and interface endpoints ----------------------------------------------- */

static int build_eps(sc_build *b, size_t i)
{
    const sc_elem *e = sc_enter(b, SK_EPS, i);
    topo_endpoint_service *s = &b->t->endpoint_services[i];
    int64_t port = 0;
    if (!e) return -1;
    s->name = e->name;
    s->pos = sc_pos(e->node);
    if (sc_ref(b, e->node, SEC_EPS, "vpc", SK_VPC, &s->vpc) ||
        sc_ref_list(b, e->node, SEC_EPS, "subnets", SK_SUBNET, &s->subnets, &s->nsubnets) ||
        sc_get_int(e->node, SEC_EPS, "port", 1, 65535, &port, b->err) ||
        sc_get_bool(e->node, SEC_EPS, "cross_zone", &s->cross_zone, b->err) ||
        sc_supported_regions(b, e->node, &s->supported_regions, &s->nsupported_regions) ||
        sc_ref_list(b, e->node, SEC_EPS, "targets", SK_SUBNET, &s->targets, &s->ntargets))
        return -1;
    s->port = (int32_t)port;
    if (s->nsubnets == 0)
        return sc_error(b, config_find(e->node, "subnets"), "%s: key 'subnets': give at least one",
                        b->what);
    if (sc_subnets_one_per_az(b, config_find(e->node, "subnets"), s->subnets, s->nsubnets, s->vpc))
        return -1;
    if (!config_find(e->node, "targets")) {
        s->targets = s->subnets;
        s->ntargets = s->nsubnets;
        return 0;
    }
    if (s->ntargets == 0)
        return sc_error(b, config_find(e->node, "targets"), "%s: key 'targets': give at least one",
                        b->what);
    return sc_subnets_one_per_az(b, config_find(e->node, "targets"), s->targets, s->ntargets,
                                 s->vpc);
}

/* Consumers of an endpoint service can use only the AZs it runs in (same Region). */
static int ife_azs(sc_build *b, const topo_interface_endpoint *x, const config_node *seq)
{
    const topology *t = b->t;
    const topo_endpoint_service *s = &t->endpoint_services[x->endpoint_service];
    if (t->vpcs[s->vpc].region != t->vpcs[x->vpc].region) return 0;
    for (size_t i = 0; i < x->nsubnets; i++) {
        int32_t az = t->subnets[x->subnets[i]].az;
        bool found = false;
        for (size_t k = 0; k < s->nsubnets; k++) found |= t->subnets[s->subnets[k]].az == az;
        if (!found)
            return sc_error(b, config_at(seq, i),
                            "%s: endpoint service '%s' is not available in %s (subnet '%s'); it "
                            "runs where its load balancer has subnets",
                            b->what, s->name, t->azs[az].name, t->subnets[x->subnets[i]].name);
    }
    return 0;
}

/* Security groups of the endpoint's VPC; shared DNS in other VPCs; one private DNS per service. */
static int ife_checks(sc_build *b, size_t i, const config_node *el)
{
    const topology *t = b->t;
    const topo_interface_endpoint *x = &t->interface_endpoints[i];
    for (size_t k = 0; k < x->nsecurity_groups; k++)
        if (t->security_groups[x->security_groups[k]].vpc != x->vpc)
            return sc_error(
                b, config_at(config_find(el, "security_groups"), k),
                "%s: security group '%s' is in VPC '%s', not in the endpoint's VPC '%s'", b->what,
                t->security_groups[x->security_groups[k]].name,
                t->vpcs[t->security_groups[x->security_groups[k]].vpc].name, t->vpcs[x->vpc].name);
    for (size_t k = 0; k < x->ndns_vpcs; k++)
        if (x->dns_vpcs[k] == x->vpc)
            return sc_error(b, config_at(config_find(el, "dns_shared_with"), k),
                            "%s: dns_shared_with lists the endpoint's own VPC", b->what);
    for (size_t j = 0; x->private_dns && j < i; j++) {
        const topo_interface_endpoint *o = &t->interface_endpoints[j];
        if (o->private_dns && o->vpc == x->vpc && o->aws_service == x->aws_service &&
            o->endpoint_service == x->endpoint_service)
            return sc_error(b, config_find(el, "name"),
                            "%s: VPC '%s' already has private DNS for this service through "
                            "interface endpoint '%s' (AWS allows one)",
                            b->what, t->vpcs[x->vpc].name, o->name);
    }
    return x->endpoint_service >= 0 ? ife_azs(b, x, config_find(el, "subnets")) : 0;
}

static int build_ife(sc_build *b, size_t i)
{
    const sc_elem *e = sc_enter(b, SK_IFE, i);
    topo_interface_endpoint *x = &b->t->interface_endpoints[i];
    const config_node *svc;
    if (!e) return -1;
    x->name = e->name;
    x->pos = sc_pos(e->node);
    x->aws_service = x->endpoint_service = -1;
    svc = config_find(e->node, "service");
    if ((svc != NULL) == (config_find(e->node, "endpoint_service") != NULL))
        return sc_error(b, e->node, "%s: give service or endpoint_service (one of them)", b->what);
    if (sc_ref(b, e->node, SEC_IFE, "vpc", SK_VPC, &x->vpc) ||
        (svc && sc_service_ref(b, svc, &x->aws_service)) ||
        sc_ref(b, e->node, SEC_IFE, "endpoint_service", SK_EPS, &x->endpoint_service) ||
        sc_ref_list(b, e->node, SEC_IFE, "subnets", SK_SUBNET, &x->subnets, &x->nsubnets) ||
        sc_ref_list(b, e->node, SEC_IFE, "security_groups", SK_SG, &x->security_groups,
                    &x->nsecurity_groups) ||
        sc_get_bool(e->node, SEC_IFE, "private_dns", &x->private_dns, b->err) ||
        sc_ref_list(b, e->node, SEC_IFE, "dns_shared_with", SK_VPC, &x->dns_vpcs, &x->ndns_vpcs) ||
        sc_ref(b, e->node, SEC_IFE, "policy", SK_POLICY, &x->policy) ||
        sc_get_id(b, e->node, SEC_IFE, e->name, &x->id))
        return -1;
    if (x->nsubnets == 0)
        return sc_error(b, config_find(e->node, "subnets"), "%s: key 'subnets': give at least one",
                        b->what);
    if (sc_subnets_one_per_az(b, config_find(e->node, "subnets"), x->subnets, x->nsubnets, x->vpc))
        return -1;
    return ife_checks(b, i, e->node);
}

static int build_resolver(sc_build *b, size_t i)
{
    const sc_elem *e = sc_enter(b, SK_RESOLVER, i);
    topo_resolver_endpoint *r = &b->t->resolver_endpoints[i];
    const topology *t = b->t;
    if (!e) return -1;
    r->name = e->name;
    r->pos = sc_pos(e->node);
    if (sc_ref(b, e->node, SEC_RESOLVER, "vpc", SK_VPC, &r->vpc) ||
        sc_ref_list(b, e->node, SEC_RESOLVER, "subnets", SK_SUBNET, &r->subnets, &r->nsubnets))
        return -1;
    if (r->nsubnets == 0)
        return sc_error(b, config_find(e->node, "subnets"), "%s: key 'subnets': give at least one",
                        b->what);
    for (size_t k = 0; k < r->nsubnets; k++)
        if (t->subnets[r->subnets[k]].vpc != r->vpc)
            return sc_error(b, config_at(config_find(e->node, "subnets"), k),
                            "%s: subnet '%s' is in VPC '%s', not in '%s'", b->what,
                            t->subnets[r->subnets[k]].name,
                            t->vpcs[t->subnets[r->subnets[k]].vpc].name, t->vpcs[r->vpc].name);
    return 0;
}

/* ---- sites ----------------------------------------------------------------------------------- */

/* Direct Connect speeds: hosted 50 Mbps..25 Gbps, dedicated 1, 10, 100, 400 Gbps. */
static const double dx_speeds[] = {50e6, 100e6, 200e6, 300e6, 400e6, 500e6, 1e9,
                                   2e9,  5e9,   10e9,  25e9,  100e9, 400e9};

static int dx_speed(const sc_build *b, const config_node *map, double *bps)
{
    char txt[32];
    if (config_get_bitrate(map, "port_speed", NULL, bps, b->err)) return -1;
    for (size_t i = 0; i < sizeof dx_speeds / sizeof dx_speeds[0]; i++)
        if (*bps == dx_speeds[i]) return 0;
    return sc_error(b, config_find(map, "port_speed"),
                    "%s: key 'port_speed': Direct Connect runs at 50, 100, 200, 300, 400 or "
                    "500Mbps or 1, 2, 5, 10 or 25Gbps (hosted), or 1, 10, 100 or 400Gbps "
                    "(dedicated), not %s",
                    b->what, units_format_bitrate(*bps, txt, sizeof txt));
}

/* A connection that ends on a VPC's virtual private gateway or on a TGW (with an attachment of
 * the right kind): exactly one of the keys vpc, transit_gateway. */
static int conn_end(sc_build *b, const config_node *map, sc_section sec, const char *what,
                    bool dx_att, int32_t *vpc, int32_t *tgw)
{
    const topology *t = b->t;
    if (sc_ref(b, map, sec, "vpc", SK_VPC, vpc) ||
        sc_ref(b, map, sec, "transit_gateway", SK_TGW, tgw))
        return -1;
    if ((*vpc >= 0) == (*tgw >= 0))
        return sc_error(b, map, "%s: %s gives vpc or transit_gateway (one of them)", b->what, what);
    if (*vpc >= 0 && !t->vpcs[*vpc].vgw)
        return sc_error(b, config_find(map, "vpc"),
                        "%s: %s reaches VPC '%s' through its virtual private gateway; set "
                        "vpn_gateway: true on the VPC",
                        b->what, what, t->vpcs[*vpc].name);
    for (size_t k = 0; *tgw >= 0 && k < t->tgws[*tgw].nattachments; k++)
        if (dx_att ? t->tgws[*tgw].attachments[k].dx_gateway : t->tgws[*tgw].attachments[k].vpn)
            return 0;
    if (*tgw < 0) return 0;
    return sc_error(b, config_find(map, "transit_gateway"),
                    "%s: Transit Gateway '%s' has no %s attachment for %s", b->what,
                    t->tgws[*tgw].name, dx_att ? "direct_connect_gateway" : "vpn", what);
}

static int build_dx(sc_build *b, topo_site *s, const config_node *m)
{
    topo_dx *dx = &s->dx;
    int vif = 0;
    dx->present = true;
    if (sc_check_keys(m, SEC_DX, b->err) ||
        sc_get_string(m, SEC_DX, "location", &dx->location, b->err) ||
        config_get_double(m, "distance_km", NULL, 0, 20000, &dx->distance_km, b->err) ||
        dx_speed(b, m, &dx->port_bps) || sc_get_enum(m, SEC_DX, "vif", &vif, b->err))
        return -1;
    dx->vif = vif == 0 ? VIF_PRIVATE : VIF_TRANSIT;
    if (conn_end(b, m, SEC_DX, dx->vif == VIF_PRIVATE ? "a private VIF" : "a transit VIF", true,
                 &dx->vpc, &dx->tgw))
        return -1;
    if (dx->vif == VIF_PRIVATE && dx->tgw >= 0)
        return sc_error(b, config_find(m, "transit_gateway"),
                        "%s: a private VIF reaches a VPC (vpc); use vif: transit for a Transit "
                        "Gateway",
                        b->what);
    if (dx->vif == VIF_TRANSIT && dx->vpc >= 0)
        return sc_error(b, config_find(m, "vpc"),
                        "%s: a transit VIF reaches a Transit Gateway (transit_gateway); use vif: "
                        "private for a VPC",
                        b->what);
    return 0;
}

static int build_vpn(sc_build *b, topo_site *s, const config_node *m)
{
    int64_t tunnels = 0;
    int32_t region;
    int size = 0;
    s->vpn.present = true;
    if (sc_check_keys(m, SEC_VPN, b->err) ||
        sc_get_int(m, SEC_VPN, "tunnels", 1, 2, &tunnels, b->err) ||
        sc_get_bool(m, SEC_VPN, "ecmp", &s->vpn.ecmp, b->err) ||
        sc_get_enum(m, SEC_VPN, "tunnel_bandwidth", &size, b->err))
        return -1;
    s->vpn.tunnels = (int32_t)tunnels;
    s->vpn.large = size == 1;
    if (conn_end(b, m, SEC_VPN, "a VPN", false, &s->vpn.vpc, &s->vpn.tgw)) return -1;
    /* A virtual private gateway neither balances over tunnels nor takes Large tunnels (VPN user
     * guide: ECMP and Large bandwidth tunnels need a transit gateway). */
    if (s->vpn.vpc >= 0 && (s->vpn.ecmp || s->vpn.large))
        return sc_error(b, config_find(m, s->vpn.ecmp ? "ecmp" : "tunnel_bandwidth"),
                        "%s: %s needs a transit gateway; a virtual private gateway sends over one "
                        "standard tunnel",
                        b->what, s->vpn.ecmp ? "ECMP over VPN tunnels" : "a Large tunnel");
    region = s->vpn.vpc >= 0 ? b->t->vpcs[s->vpn.vpc].region : b->t->tgws[s->vpn.tgw].region;
    if (region == s->region) return 0;
    return sc_error(b, config_find(m, s->vpn.vpc >= 0 ? "vpc" : "transit_gateway"),
                    "%s: a Site-to-Site VPN ends in the site's Region %s, but %s '%s' is in %s",
                    b->what, sc_region_name(b, s->region),
                    s->vpn.vpc >= 0 ? "VPC" : "Transit Gateway",
                    s->vpn.vpc >= 0 ? b->t->vpcs[s->vpn.vpc].name : b->t->tgws[s->vpn.tgw].name,
                    sc_region_name(b, region));
}

/* A site's range may not overlap a VPC it reaches (directly, or attached to its TGW). */
static int site_vpc_disjoint(sc_build *b, const topo_site *s, int32_t vpc, const char *how)
{
    const topo_vpc *v = &b->t->vpcs[vpc];
    char c1[CIDR_TEXT], c2[CIDR_TEXT];
    if (!cidr_overlaps(s->cidr, v->cidr)) return 0;
    return sc_error(b, config_find(ELEM(b, SK_SITE, (size_t)(s - b->t->sites))->node, "cidr"),
                    "%s: CIDR %s overlaps VPC '%s' (%s), which it reaches over %s; AWS cannot "
                    "route between overlapping ranges",
                    b->what, cidr_format(s->cidr, c1, sizeof c1), v->name,
                    cidr_format(v->cidr, c2, sizeof c2), how);
}

static int site_disjoint(sc_build *b, const topo_site *s)
{
    const topology *t = b->t;
    int32_t tgws[2] = {s->dx.present ? s->dx.tgw : -1, s->vpn.present ? s->vpn.tgw : -1};
    if (s->dx.present && s->dx.vpc >= 0 && site_vpc_disjoint(b, s, s->dx.vpc, "Direct Connect"))
        return -1;
    if (s->vpn.present && s->vpn.vpc >= 0 && site_vpc_disjoint(b, s, s->vpn.vpc, "VPN")) return -1;
    for (int k = 0; k < 2; k++)
        for (size_t a = 0; tgws[k] >= 0 && a < t->tgws[tgws[k]].nattachments; a++)
            if (t->tgws[tgws[k]].attachments[a].vpc >= 0 &&
                site_vpc_disjoint(b, s, t->tgws[tgws[k]].attachments[a].vpc,
                                  k == 0 ? "Direct Connect and its Transit Gateway"
                                         : "VPN and its Transit Gateway"))
                return -1;
    return 0;
}

static int build_site(sc_build *b, size_t i)
{
    const sc_elem *e = sc_enter(b, SK_SITE, i);
    topo_site *s = &b->t->sites[i];
    const config_node *dx, *vpn;
    const char *r;
    if (!e) return -1;
    s->name = e->name;
    s->pos = sc_pos(e->node);
    s->dx.vpc = s->dx.tgw = s->vpn.vpc = s->vpn.tgw = -1;
    if (sc_get_cidr(e->node, SEC_SITE, "cidr", &s->cidr, b->err) ||
        sc_get_string(e->node, SEC_SITE, "region", &r, b->err) ||
        sc_region_ref(b, config_find(e->node, "region"), &s->region) ||
        sc_get_map(e->node, SEC_SITE, "direct_connect", &dx, b->err) ||
        sc_get_map(e->node, SEC_SITE, "vpn", &vpn, b->err) ||
        sc_ref(b, e->node, SEC_SITE, "dns_resolver", SK_RESOLVER, &s->dns_resolver) ||
        (dx && build_dx(b, s, dx)) || (vpn && build_vpn(b, s, vpn)))
        return -1;
    return site_disjoint(b, s);
}

int sc_build_services(sc_build *b)
{
    topology *t = b->t;
    for (size_t i = 0; i < t->npolicies; i++)
        if (build_policy(b, i)) return -1;
    for (size_t i = 0; i < t->nresource_policies; i++)
        if (build_resource_policy(b, i)) return -1;
    for (size_t i = 0; i < t->nsecurity_groups; i++)
        if (build_sg(b, i)) return -1;
    for (size_t i = 0; i < t->nendpoint_services; i++)
        if (build_eps(b, i)) return -1;
    for (size_t i = 0; i < t->ninterface_endpoints; i++)
        if (build_ife(b, i)) return -1;
    for (size_t i = 0; i < t->nresolver_endpoints; i++)
        if (build_resolver(b, i)) return -1;
    for (size_t i = 0; i < t->nsites; i++)
        if (build_site(b, i)) return -1;
    return 0;
}
