/* Test helper: builds `topology` structs (include/vpcsim/aws/topology.h) directly, without the YAML
 * loader, filled the way the loader fills them: every route table starts with its implicit local
 * route, gateway endpoints add their prefix-list routes, subnets use their VPC's main table until
 * associated. Components refer to each other by name; the builder owns all memory (tb_free) and
 * aborts on misuse (an unknown name), since it only serves tests.
 *
 *     tb *b = tb_new();
 *     tb_region(b, "us-east-1", 3);                  AZs use1-az1..3; current Region
 *     tb_vpc(b, "app", "10.0.0.0/16");               with main route table "app-main"
 *     tb_subnet(b, "priv-a", "app", 0, "10.0.1.0/24", false);    AZ 0 of the VPC's Region
 *     tb_route_table(b, "rt", "app"); tb_assoc(b, "priv-a", "rt");
 *     tb_route(b, "rt", "0.0.0.0/0", RT_NAT, "nat-a");
 *     const topology *t = tb_topo(b); ... tb_free(b);
 *
 * Every declared component gets position topo.yaml:N:3, N counting up from 1 (tb_at sets it). */
#ifndef VPCSIM_TEST_TOPO_BUILDER_H
#define VPCSIM_TEST_TOPO_BUILDER_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vpcsim/aws/topology.h"

typedef struct tb {
    topology t;      /* what is built */
    char **strings;  /* owned copies of every string in t */
    size_t nstrings; /* count of strings */
    int line;        /* line of the next declared component */
    int32_t region;  /* Region of the next VPC, TGW or site (the last tb_region) */
} tb;

static inline void tb_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static inline void tb_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("topo_builder: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

static inline void *tb_realloc(void *p, size_t size)
{
    void *q = realloc(p, size ? size : 1);
    if (!q) tb_fail("out of memory");
    return q;
}

/* Appends a zeroed element to arr (count n) and yields its address. */
#define TB_PUSH(arr, n)                                                                            \
    ((arr) = tb_realloc((arr), ((n) + 1) * sizeof *(arr)), memset(&(arr)[(n)], 0, sizeof *(arr)),  \
     &(arr)[(n)++])

static inline const char *tb_str(tb *b, const char *s)
{
    size_t len = strlen(s);
    char *c = tb_realloc(NULL, len + 1);
    memcpy(c, s, len + 1);
    *TB_PUSH(b->strings, b->nstrings) = c;
    return c;
}

static inline topo_pos tb_pos(tb *b)
{
    return (topo_pos){.file = "topo.yaml", .line = b->line++, .col = 3};
}

/* The next declared component is at topo.yaml:line. */
static inline void tb_at(tb *b, int line)
{
    b->line = line;
}

static inline ipv4_cidr tb_cidr(const char *s)
{
    ipv4_cidr c;
    vs_error err;
    if (cidr_parse(s, &c, &err)) tb_fail("%s", err.msg);
    return c;
}

static inline uint32_t tb_ip(const char *s)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%s/32", s);
    return tb_cidr(buf).addr;
}

#define TB_DEFINE_FIND(fn, arr, n, what)                                                           \
    static inline int32_t fn(const tb *b, const char *name)                                        \
    {                                                                                              \
        for (size_t i = 0; i < b->t.n; i++)                                                        \
            if (strcmp(b->t.arr[i].name, name) == 0) return (int32_t)i;                            \
        tb_fail("no %s named '%s'", what, name);                                                   \
    }

TB_DEFINE_FIND(tb_find_region, regions, nregions, "region")
TB_DEFINE_FIND(tb_find_vpc, vpcs, nvpcs, "VPC")
TB_DEFINE_FIND(tb_find_subnet, subnets, nsubnets, "subnet")
TB_DEFINE_FIND(tb_find_rt, route_tables, nroute_tables, "route table")
TB_DEFINE_FIND(tb_find_igw, igws, nigws, "internet gateway")
TB_DEFINE_FIND(tb_find_nat, nats, nnats, "NAT gateway")
TB_DEFINE_FIND(tb_find_gep, gateway_endpoints, ngateway_endpoints, "gateway endpoint")
TB_DEFINE_FIND(tb_find_iep, interface_endpoints, ninterface_endpoints, "interface endpoint")
TB_DEFINE_FIND(tb_find_es, endpoint_services, nendpoint_services, "endpoint service")
TB_DEFINE_FIND(tb_find_tgw, tgws, ntgws, "transit gateway")
TB_DEFINE_FIND(tb_find_peering, peerings, npeerings, "peering")
TB_DEFINE_FIND(tb_find_site, sites, nsites, "site")
TB_DEFINE_FIND(tb_find_resolver, resolver_endpoints, nresolver_endpoints, "resolver endpoint")
TB_DEFINE_FIND(tb_find_sg, security_groups, nsecurity_groups, "security group")
TB_DEFINE_FIND(tb_find_policy, policies, npolicies, "policy")
TB_DEFINE_FIND(tb_find_workload, workloads, nworkloads, "workload")

/* Resolves "a,b,c" (names; "" is an empty list) to indices with find. */
static inline void tb_list(tb *b, const char *csv, int32_t (*find)(const tb *, const char *),
                           int32_t **out, size_t *n)
{
    char name[128];
    for (const char *p = csv ? csv : ""; *p;) {
        size_t len = strcspn(p, ",");
        if (len >= sizeof name) tb_fail("name too long in \"%s\"", csv);
        memcpy(name, p, len);
        name[len] = 0;
        *TB_PUSH(*out, *n) = find(b, name);
        p += len + (p[len] == ',');
    }
}

/* "s3:Get*,s3:List*" as owned strings. */
static inline void tb_strings(tb *b, const char *csv, const char ***out, size_t *n)
{
    char item[256];
    for (const char *p = csv ? csv : ""; *p;) {
        size_t len = strcspn(p, ",");
        if (len >= sizeof item) tb_fail("item too long in \"%s\"", csv);
        memcpy(item, p, len);
        item[len] = 0;
        *TB_PUSH(*out, *n) = tb_str(b, item);
        p += len + (p[len] == ',');
    }
}

/* ---- the whole ------------------------------------------------------------------------------ */

static inline tb *tb_new(void)
{
    tb *b = tb_realloc(NULL, sizeof *b);
    memset(b, 0, sizeof *b);
    b->line = 1;
    b->region = -1;
    b->t.name = "arch";
    b->t.pos = (topo_pos){"topo.yaml", 0, 0};
    return b;
}

static inline const topology *tb_topo(tb *b)
{
    return &b->t;
}

static inline void tb_free_tgws(topology *t)
{
    for (size_t i = 0; i < t->ntgws; i++) {
        topo_tgw *g = &t->tgws[i];
        for (size_t j = 0; j < g->nattachments; j++) free(g->attachments[j].subnets);
        for (size_t j = 0; j < g->nroute_tables; j++) free(g->route_tables[j].routes);
        free(g->attachments);
        free(g->route_tables);
        free(g->peers);
    }
    free(t->tgws);
}

static inline void tb_free_lists(topology *t)
{
    for (size_t i = 0; i < t->nroute_tables; i++) free(t->route_tables[i].routes);
    for (size_t i = 0; i < t->ngateway_endpoints; i++) free(t->gateway_endpoints[i].route_tables);
    for (size_t i = 0; i < t->ninterface_endpoints; i++) {
        free(t->interface_endpoints[i].subnets);
        free(t->interface_endpoints[i].security_groups);
        free(t->interface_endpoints[i].dns_vpcs);
    }
    for (size_t i = 0; i < t->nendpoint_services; i++) free(t->endpoint_services[i].subnets);
    for (size_t i = 0; i < t->nresolver_endpoints; i++) free(t->resolver_endpoints[i].subnets);
    for (size_t i = 0; i < t->nsecurity_groups; i++) free(t->security_groups[i].rules);
    for (size_t i = 0; i < t->npolicies; i++) {
        for (size_t j = 0; j < t->policies[i].nstatements; j++) {
            free(t->policies[i].statements[j].actions);
            free(t->policies[i].statements[j].resources);
            free(t->policies[i].statements[j].principals);
        }
        free(t->policies[i].statements);
    }
}

/* Frees everything; NULL is a no-op. */
static inline void tb_free(tb *b)
{
    if (!b) return;
    topology *t = &b->t;
    tb_free_lists(t);
    tb_free_tgws(t);
    free(t->regions), free(t->azs), free(t->vpcs), free(t->subnets), free(t->route_tables);
    free(t->igws), free(t->nats), free(t->gateway_endpoints), free(t->interface_endpoints);
    free(t->endpoint_services), free(t->peerings), free(t->sites), free(t->resolver_endpoints);
    free(t->security_groups), free(t->policies), free(t->workloads);
    for (size_t i = 0; i < b->nstrings; i++) free(b->strings[i]);
    free(b->strings);
    free(b);
}

/* ---- places --------------------------------------------------------------------------------- */

/* A Region with naz AZs whose IDs follow AWS's pattern: us-east-1 -> use1-az1, use1-az2, ...
 * Later VPCs, TGWs and sites go in it. */
static inline int32_t tb_region(tb *b, const char *name, int naz)
{
    char abbr[16] = "", az[40];
    size_t n = 0;
    for (const char *p = name; *p && n + 3 < sizeof abbr; p++)
        if (p == name || p[-1] == '-') {
            abbr[n++] = *p;
            if (p == name && p[1]) abbr[n++] = p[1];
        }
    abbr[n] = 0;
    topo_region *r = TB_PUSH(b->t.regions, b->t.nregions);
    r->name = tb_str(b, name);
    r->first_az = (int32_t)b->t.nazs;
    r->naz = naz;
    b->region = (int32_t)b->t.nregions - 1;
    for (int i = 0; i < naz; i++) {
        snprintf(az, sizeof az, "%s-az%d", abbr, i + 1);
        topo_az *a = TB_PUSH(b->t.azs, b->t.nazs);
        a->name = tb_str(b, az);
        a->region = b->region;
    }
    return b->region;
}

/* Makes later VPCs, TGWs and sites go in Region name. */
static inline void tb_in(tb *b, const char *region)
{
    b->region = tb_find_region(b, region);
}

static inline int32_t tb_route_table(tb *b, const char *name, const char *vpc)
{
    int32_t v = tb_find_vpc(b, vpc);
    topo_route_table *rt = TB_PUSH(b->t.route_tables, b->t.nroute_tables);
    rt->name = tb_str(b, name);
    rt->pos = tb_pos(b);
    rt->vpc = v;
    topo_route *local = TB_PUSH(rt->routes, rt->nroutes);
    *local = (topo_route){.dst = b->t.vpcs[v].cidr,
                          .prefix_list = -1,
                          .target = RT_LOCAL,
                          .target_index = -1,
                          .pos = rt->pos};
    return (int32_t)b->t.nroute_tables - 1;
}

/* A VPC in the current Region, with its main route table "<name>-main" (local route only). */
static inline int32_t tb_vpc(tb *b, const char *name, const char *cidr)
{
    char main_name[160];
    if (b->region < 0) tb_fail("tb_vpc before tb_region");
    topo_vpc *v = TB_PUSH(b->t.vpcs, b->t.nvpcs);
    v->name = tb_str(b, name);
    v->id = v->name;
    v->pos = tb_pos(b);
    v->region = b->region;
    v->cidr = tb_cidr(cidr);
    v->igw = -1;
    int32_t vi = (int32_t)b->t.nvpcs - 1;
    snprintf(main_name, sizeof main_name, "%s-main", name);
    b->t.vpcs[vi].main_route_table = tb_route_table(b, main_name, name);
    return vi;
}

/* A subnet in AZ number az (from 0) of its VPC's Region, using the VPC's main route table. */
static inline int32_t tb_subnet(tb *b, const char *name, const char *vpc, int az, const char *cidr,
                                bool public_ip)
{
    int32_t v = tb_find_vpc(b, vpc);
    const topo_region *r = &b->t.regions[b->t.vpcs[v].region];
    if (az < 0 || az >= r->naz) tb_fail("subnet %s: region %s has no AZ %d", name, r->name, az);
    topo_subnet *s = TB_PUSH(b->t.subnets, b->t.nsubnets);
    s->name = tb_str(b, name);
    s->pos = tb_pos(b);
    s->vpc = v;
    s->az = r->first_az + az;
    s->cidr = tb_cidr(cidr);
    s->public_ip = public_ip;
    s->route_table = b->t.vpcs[v].main_route_table;
    s->nacl = -1; /* the VPC's default network ACL */
    return (int32_t)b->t.nsubnets - 1;
}

static inline void tb_assoc(tb *b, const char *subnet, const char *rt)
{
    b->t.subnets[tb_find_subnet(b, subnet)].route_table = tb_find_rt(b, rt);
}

/* ---- gateways and routes -------------------------------------------------------------------- */

static inline int32_t tb_igw(tb *b, const char *name, const char *vpc)
{
    int32_t v = tb_find_vpc(b, vpc);
    topo_igw *g = TB_PUSH(b->t.igws, b->t.nigws);
    g->name = tb_str(b, name);
    g->pos = tb_pos(b);
    g->vpc = v;
    b->t.vpcs[v].igw = (int32_t)b->t.nigws - 1;
    return b->t.vpcs[v].igw;
}

static inline void tb_vgw(tb *b, const char *vpc)
{
    b->t.vpcs[tb_find_vpc(b, vpc)].vgw = true;
}

static inline int32_t tb_nat(tb *b, const char *name, const char *subnet)
{
    int32_t s = tb_find_subnet(b, subnet);
    topo_nat *n = TB_PUSH(b->t.nats, b->t.nnats);
    n->name = tb_str(b, name);
    n->pos = tb_pos(b);
    n->subnet = s;
    n->ips = 2;
    return (int32_t)b->t.nnats - 1;
}

static inline int32_t tb_peering(tb *b, const char *name, const char *vpc_a, const char *vpc_b)
{
    int32_t a = tb_find_vpc(b, vpc_a), c = tb_find_vpc(b, vpc_b);
    topo_peering *p = TB_PUSH(b->t.peerings, b->t.npeerings);
    p->name = tb_str(b, name);
    p->pos = tb_pos(b);
    p->vpc_a = a;
    p->vpc_b = c;
    return (int32_t)b->t.npeerings - 1;
}

static inline int32_t tb_route_target(const tb *b, route_target target, const char *name)
{
    switch (target) {
    case RT_IGW:
        return tb_find_igw(b, name);
    case RT_NAT:
        return tb_find_nat(b, name);
    case RT_GATEWAY_ENDPOINT:
        return tb_find_gep(b, name);
    case RT_TGW:
        return tb_find_tgw(b, name);
    case RT_PEERING:
        return tb_find_peering(b, name);
    default:
        return -1;
    }
}

/* A route dst -> target; target_name names the IGW, NAT, TGW or peering (NULL for the others). */
static inline void tb_route(tb *b, const char *rt, const char *dst, route_target target,
                            const char *target_name)
{
    int32_t ti = tb_route_target(b, target, target_name);
    topo_route_table *t = &b->t.route_tables[tb_find_rt(b, rt)];
    topo_route *r = TB_PUSH(t->routes, t->nroutes);
    *r = (topo_route){.dst = tb_cidr(dst),
                      .prefix_list = -1,
                      .target = target,
                      .target_index = ti,
                      .pos = tb_pos(b)};
}

/* A gateway endpoint for service ("s3", "dynamodb") on route tables "rt-a,rt-b": adds the
 * prefix-list route to each. */
static inline int32_t tb_gateway_endpoint(tb *b, const char *name, const char *vpc,
                                          const char *service, const char *route_tables)
{
    int32_t v = tb_find_vpc(b, vpc), svc = aws_service_find(service);
    if (svc < 0) tb_fail("unknown service %s", service);
    topo_gateway_endpoint *g = TB_PUSH(b->t.gateway_endpoints, b->t.ngateway_endpoints);
    int32_t gi = (int32_t)b->t.ngateway_endpoints - 1;
    g->name = tb_str(b, name);
    g->pos = tb_pos(b);
    g->vpc = v;
    g->service = (aws_service)svc;
    g->policy = -1;
    tb_list(b, route_tables, tb_find_rt, &g->route_tables, &g->nroute_tables);
    for (size_t i = 0; i < g->nroute_tables; i++) {
        topo_route_table *t = &b->t.route_tables[g->route_tables[i]];
        *TB_PUSH(t->routes, t->nroutes) = (topo_route){
            .prefix_list = svc, .target = RT_GATEWAY_ENDPOINT, .target_index = gi, .pos = g->pos};
    }
    return gi;
}

/* ---- endpoints ------------------------------------------------------------------------------ */

static inline int32_t tb_sg(tb *b, const char *name, const char *vpc)
{
    int32_t v = tb_find_vpc(b, vpc);
    topo_security_group *g = TB_PUSH(b->t.security_groups, b->t.nsecurity_groups);
    g->name = tb_str(b, name);
    g->pos = tb_pos(b);
    g->vpc = v;
    return (int32_t)b->t.nsecurity_groups - 1;
}

/* A rule on ports lo..hi; peer is a CIDR ("10.0.0.0/16") or "sg:name". */
static inline void tb_sg_rule(tb *b, const char *sg, bool ingress, int lo, int hi, const char *peer)
{
    int32_t src = strncmp(peer, "sg:", 3) == 0 ? tb_find_sg(b, peer + 3) : -1;
    topo_security_group *g = &b->t.security_groups[tb_find_sg(b, sg)];
    topo_sg_rule *r = TB_PUSH(g->rules, g->nrules);
    r->ingress = ingress;
    r->port_lo = lo;
    r->port_hi = hi;
    r->source_sg = src;
    r->prefix_list = -1;
    if (src < 0) r->cidr = tb_cidr(peer);
    r->pos = tb_pos(b);
}

static inline int32_t tb_endpoint_service(tb *b, const char *name, const char *vpc,
                                          const char *subnets, int port)
{
    int32_t v = tb_find_vpc(b, vpc);
    topo_endpoint_service *s = TB_PUSH(b->t.endpoint_services, b->t.nendpoint_services);
    s->name = tb_str(b, name);
    s->pos = tb_pos(b);
    s->vpc = v;
    s->port = port;
    tb_list(b, subnets, tb_find_subnet, &s->subnets, &s->nsubnets);
    return (int32_t)b->t.nendpoint_services - 1;
}

/* An interface endpoint for target: an AWS service ("sqs") or "es:name" for an endpoint service;
 * one ENI per subnet in subnets ("ep-a,ep-b"), security groups sgs ("ep-sg" or ""). */
static inline int32_t tb_interface_endpoint(tb *b, const char *name, const char *vpc,
                                            const char *target, const char *subnets,
                                            const char *sgs, bool private_dns)
{
    int32_t v = tb_find_vpc(b, vpc), svc = -1, es = -1;
    if (strncmp(target, "es:", 3) == 0)
        es = tb_find_es(b, target + 3);
    else if ((svc = aws_service_find(target)) < 0)
        tb_fail("unknown service %s", target);
    topo_interface_endpoint *e = TB_PUSH(b->t.interface_endpoints, b->t.ninterface_endpoints);
    e->name = tb_str(b, name);
    e->id = e->name;
    e->pos = tb_pos(b);
    e->vpc = v;
    e->aws_service = svc;
    e->endpoint_service = es;
    e->private_dns = private_dns;
    e->policy = -1;
    tb_list(b, subnets, tb_find_subnet, &e->subnets, &e->nsubnets);
    tb_list(b, sgs, tb_find_sg, &e->security_groups, &e->nsecurity_groups);
    return (int32_t)b->t.ninterface_endpoints - 1;
}

/* Shares the endpoint's private DNS with VPCs "a,b" (an associated private hosted zone). */
static inline void tb_dns_vpcs(tb *b, const char *endpoint, const char *vpcs)
{
    topo_interface_endpoint *e = &b->t.interface_endpoints[tb_find_iep(b, endpoint)];
    tb_list(b, vpcs, tb_find_vpc, &e->dns_vpcs, &e->ndns_vpcs);
}

static inline int32_t tb_policy(tb *b, const char *name)
{
    topo_policy *p = TB_PUSH(b->t.policies, b->t.npolicies);
    p->name = tb_str(b, name);
    p->pos = tb_pos(b);
    return (int32_t)b->t.npolicies - 1;
}

/* A statement; actions, resources and principals are comma-separated patterns; sid may be NULL. */
static inline void tb_statement(tb *b, const char *policy, policy_effect effect,
                                const char *actions, const char *resources, const char *principals,
                                const char *sid)
{
    topo_policy *p = &b->t.policies[tb_find_policy(b, policy)];
    topo_statement *s = TB_PUSH(p->statements, p->nstatements);
    s->effect = effect;
    s->pos = tb_pos(b);
    s->sid = sid ? tb_str(b, sid) : NULL;
    tb_strings(b, actions, &s->actions, &s->nactions);
    tb_strings(b, resources, &s->resources, &s->nresources);
    tb_strings(b, principals, &s->principals, &s->nprincipals);
}

/* Attaches policy to a gateway or interface endpoint (looked up in that order). */
static inline void tb_endpoint_policy(tb *b, const char *endpoint, const char *policy)
{
    int32_t p = tb_find_policy(b, policy);
    for (size_t i = 0; i < b->t.ngateway_endpoints; i++)
        if (strcmp(b->t.gateway_endpoints[i].name, endpoint) == 0) {
            b->t.gateway_endpoints[i].policy = p;
            return;
        }
    b->t.interface_endpoints[tb_find_iep(b, endpoint)].policy = p;
}

/* ---- Transit Gateway ------------------------------------------------------------------------ */

static inline int32_t tb_tgw(tb *b, const char *name)
{
    topo_tgw *g = TB_PUSH(b->t.tgws, b->t.ntgws);
    g->name = tb_str(b, name);
    g->pos = tb_pos(b);
    g->region = b->region;
    return (int32_t)b->t.ntgws - 1;
}

static inline int32_t tb_tgw_rt(tb *b, const char *tgw, const char *name)
{
    topo_tgw *g = &b->t.tgws[tb_find_tgw(b, tgw)];
    TB_PUSH(g->route_tables, g->nroute_tables)->name = tb_str(b, name);
    return (int32_t)g->nroute_tables - 1;
}

static inline int32_t tb_tgw_find_rt(const topo_tgw *g, const char *name)
{
    for (size_t i = 0; i < g->nroute_tables; i++)
        if (strcmp(g->route_tables[i].name, name) == 0) return (int32_t)i;
    tb_fail("transit gateway %s has no route table %s", g->name, name);
}

static inline int32_t tb_tgw_find_att(const topo_tgw *g, const char *name)
{
    for (size_t i = 0; i < g->nattachments; i++)
        if (strcmp(g->attachments[i].name, name) == 0) return (int32_t)i;
    tb_fail("transit gateway %s has no attachment %s", g->name, name);
}

/* An attachment of vpc in subnets "a,b", associated with TGW route table rt; vpc "@dx" (or NULL)
 * makes a Direct Connect gateway attachment, "@vpn" a VPN attachment (subnets ""). */
static inline int32_t tb_tgw_attach(tb *b, const char *tgw, const char *name, const char *vpc,
                                    const char *subnets, const char *rt)
{
    bool onprem = !vpc || vpc[0] == '@', vpn = vpc && strcmp(vpc, "@vpn") == 0;
    int32_t gi = tb_find_tgw(b, tgw), v = onprem ? -1 : tb_find_vpc(b, vpc);
    int32_t rti = tb_tgw_find_rt(&b->t.tgws[gi], rt);
    topo_tgw *g = &b->t.tgws[gi];
    topo_tgw_attachment *a = TB_PUSH(g->attachments, g->nattachments);
    a->name = tb_str(b, name);
    a->vpc = v;
    a->route_table = rti;
    a->dx_gateway = onprem && !vpn;
    a->vpn = vpn;
    tb_list(b, subnets, tb_find_subnet, &a->subnets, &a->nsubnets);
    return (int32_t)g->nattachments - 1;
}

/* A TGW route dst -> attachment (NULL: blackhole). */
static inline void tb_tgw_route(tb *b, const char *tgw, const char *rt, const char *dst,
                                const char *attachment)
{
    topo_tgw *g = &b->t.tgws[tb_find_tgw(b, tgw)];
    int32_t att = attachment ? tb_tgw_find_att(g, attachment) : -1;
    topo_tgw_route_table *t = &g->route_tables[tb_tgw_find_rt(g, rt)];
    *TB_PUSH(t->routes, t->nroutes) =
        (topo_tgw_route){.dst = tb_cidr(dst), .attachment = att, .peer_tgw = -1};
}

/* Peers two TGWs both ways. */
static inline void tb_tgw_peer(tb *b, const char *tgw_a, const char *tgw_b)
{
    int32_t a = tb_find_tgw(b, tgw_a), c = tb_find_tgw(b, tgw_b);
    *TB_PUSH(b->t.tgws[a].peers, b->t.tgws[a].npeers) = c;
    *TB_PUSH(b->t.tgws[c].peers, b->t.tgws[c].npeers) = a;
}

static inline void tb_tgw_route_peer(tb *b, const char *tgw, const char *rt, const char *dst,
                                     const char *peer)
{
    int32_t p = tb_find_tgw(b, peer);
    topo_tgw *g = &b->t.tgws[tb_find_tgw(b, tgw)];
    topo_tgw_route_table *t = &g->route_tables[tb_tgw_find_rt(g, rt)];
    *TB_PUSH(t->routes, t->nroutes) =
        (topo_tgw_route){.dst = tb_cidr(dst), .attachment = -1, .peer_tgw = p};
}

/* ---- on premises ---------------------------------------------------------------------------- */

static inline int32_t tb_site(tb *b, const char *name, const char *cidr)
{
    topo_site *s = TB_PUSH(b->t.sites, b->t.nsites);
    s->name = tb_str(b, name);
    s->pos = tb_pos(b);
    s->cidr = tb_cidr(cidr);
    s->region = b->region;
    s->dx = (topo_dx){.present = false, .vpc = -1, .tgw = -1};
    s->vpn = (topo_vpn){.present = false, .vpc = -1, .tgw = -1};
    s->dns_resolver = -1;
    return (int32_t)b->t.nsites - 1;
}

/* Direct Connect: a private VIF to the VGW of VPC `to`, or a transit VIF to TGW `to`. */
static inline void tb_site_dx(tb *b, const char *site, vif_kind vif, const char *to,
                              double distance_km)
{
    topo_site *s = &b->t.sites[tb_find_site(b, site)];
    int32_t vpc = vif == VIF_PRIVATE ? tb_find_vpc(b, to) : -1;
    int32_t tgw = vif == VIF_TRANSIT ? tb_find_tgw(b, to) : -1;
    s->dx = (topo_dx){.present = true,
                      .location = "EqDC2",
                      .distance_km = distance_km,
                      .port_bps = 10e9,
                      .vif = vif,
                      .vpc = vpc,
                      .tgw = tgw};
}

/* Site-to-Site VPN to the VGW of vpc, or to TGW tgw (the other NULL). */
static inline void tb_site_vpn(tb *b, const char *site, const char *vpc, const char *tgw)
{
    topo_site *s = &b->t.sites[tb_find_site(b, site)];
    int32_t v = vpc ? tb_find_vpc(b, vpc) : -1, g = tgw ? tb_find_tgw(b, tgw) : -1;
    s->vpn = (topo_vpn){.present = true, .tunnels = 2, .vpc = v, .tgw = g};
}

static inline int32_t tb_resolver(tb *b, const char *name, const char *vpc, const char *subnets)
{
    int32_t v = tb_find_vpc(b, vpc);
    topo_resolver_endpoint *r = TB_PUSH(b->t.resolver_endpoints, b->t.nresolver_endpoints);
    r->name = tb_str(b, name);
    r->pos = tb_pos(b);
    r->vpc = v;
    tb_list(b, subnets, tb_find_subnet, &r->subnets, &r->nsubnets);
    return (int32_t)b->t.nresolver_endpoints - 1;
}

static inline void tb_site_resolver(tb *b, const char *site, const char *resolver)
{
    b->t.sites[tb_find_site(b, site)].dns_resolver = tb_find_resolver(b, resolver);
}

/* ---- workloads ------------------------------------------------------------------------------ */

/* A workload from source (a subnet name, or "site:name") to AWS service `service` ("s3") in the
 * source's Region, port 443, regional DNS, principal "*", no action or resource. */
static inline int32_t tb_workload(tb *b, const char *name, const char *source, const char *service)
{
    bool site = strncmp(source, "site:", 5) == 0;
    int32_t src = site ? tb_find_site(b, source + 5) : tb_find_subnet(b, source);
    int32_t svc = aws_service_find(service);
    if (svc < 0) tb_fail("unknown service %s", service);
    topo_workload *w = TB_PUSH(b->t.workloads, b->t.nworkloads);
    w->name = tb_str(b, name);
    w->pos = tb_pos(b);
    w->source_subnet = site ? -1 : src;
    w->source_site = site ? src : -1;
    w->target = TARGET_AWS_SERVICE;
    w->service = svc;
    w->service_region = -1;
    w->endpoint_service = -1;
    w->record = -1;
    w->port = 443;
    w->dns = DNS_REGIONAL;
    w->principal = "*";
    w->identity_policy = -1;
    w->secure_transport = true;
    w->rate_per_s = 100;
    w->bytes_up = w->bytes_down = 1024;
    w->reuse_connections = true;
    w->timeout_ns = 2000000000;
    w->max_attempts = 3;
    return (int32_t)b->t.nworkloads - 1;
}

static inline topo_workload *tb_wl(tb *b, const char *workload)
{
    return &b->t.workloads[tb_find_workload(b, workload)];
}

static inline void tb_wl_endpoint_service(tb *b, const char *workload, const char *es)
{
    int32_t e = tb_find_es(b, es);
    topo_workload *w = tb_wl(b, workload);
    w->target = TARGET_ENDPOINT_SERVICE;
    w->service = -1;
    w->endpoint_service = e;
}

static inline void tb_wl_internet(tb *b, const char *workload, const char *ip)
{
    topo_workload *w = tb_wl(b, workload);
    w->target = TARGET_INTERNET;
    w->service = -1;
    w->internet_ip = tb_ip(ip);
}

static inline void tb_wl_region(tb *b, const char *workload, const char *region)
{
    int32_t r = tb_find_region(b, region);
    tb_wl(b, workload)->service_region = r;
}

/* The clients' security groups, "app-sg,other". */
static inline void tb_wl_sgs(tb *b, const char *workload, const char *sgs)
{
    int32_t *list = NULL;
    size_t n = 0;
    tb_list(b, sgs, tb_find_sg, &list, &n);
    topo_workload *w = tb_wl(b, workload);
    if (n > 8) tb_fail("workload %s: more than 8 security groups", workload);
    if (n) memcpy(w->source_sgs, list, n * sizeof *list);
    w->nsource_sgs = n;
    free(list);
}

static inline void tb_wl_request(tb *b, const char *workload, const char *action,
                                 const char *resource, const char *principal)
{
    topo_workload *w = tb_wl(b, workload);
    w->action = action ? tb_str(b, action) : NULL;
    w->resource = resource ? tb_str(b, resource) : NULL;
    w->principal = principal ? tb_str(b, principal) : NULL;
}

#endif
