/* Scenario loader, network part: VPCs and their internet gateways, route table headers, subnets,
 * NAT gateways, VPC peerings, Transit Gateways, gateway endpoints, then every route table's routes
 * (implicit local route first, the written routes, then gateway-endpoint prefix-list routes).
 * Checks the AWS rules of docs/scenario.md as it goes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_impl.h"
#include "vpcsim/units.h"

enum { CIDR_TEXT = 24 };

#define ELEM(b, kind, i) (&(b)->a->lists[kind].items[i])

static int oom(const sc_build *b, const config_node *at)
{
    return config_error_at(at, b->err, "out of memory");
}

/* Every topology array, sized by the architecture's lists (internet gateways come later). */
static int alloc_topology(sc_build *b)
{
    topology *t = b->t;
    const sc_list *l = b->a->lists;
    vs_arena *ar = b->ld->arena;
#define ALLOC(field, kind)                                                                         \
    do {                                                                                           \
        t->field = arena_alloc(ar, l[kind].n, sizeof *t->field);                                   \
        t->n##field = l[kind].n;                                                                   \
        if (!t->field) return oom(b, b->a->node);                                                  \
    } while (0)
    ALLOC(vpcs, SK_VPC);
    ALLOC(subnets, SK_SUBNET);
    ALLOC(route_tables, SK_ROUTE_TABLE);
    ALLOC(nats, SK_NAT);
    ALLOC(gateway_endpoints, SK_GWE);
    ALLOC(interface_endpoints, SK_IFE);
    ALLOC(endpoint_services, SK_EPS);
    ALLOC(tgws, SK_TGW);
    ALLOC(peerings, SK_PEERING);
    ALLOC(sites, SK_SITE);
    ALLOC(resolver_endpoints, SK_RESOLVER);
    ALLOC(security_groups, SK_SG);
    ALLOC(policies, SK_POLICY);
    ALLOC(resource_policies, SK_RESOURCE_POLICY);
    ALLOC(nacls, SK_NACL);
    ALLOC(workloads, SK_WORKLOAD);
#undef ALLOC
    return 0;
}

/* A VPC or subnet block: AWS allows /16 to /28. */
static int check_block(const sc_build *b, const config_node *at, ipv4_cidr c)
{
    char txt[CIDR_TEXT];
    if (c.len >= 16 && c.len <= 28) return 0;
    return sc_error(b, at,
                    "%s: CIDR %s is %s than AWS allows (a VPC or subnet block is /16 to /28)",
                    b->what, cidr_format(c, txt, sizeof txt), c.len < 16 ? "larger" : "smaller");
}

/* ---- VPCs and internet gateways -------------------------------------------------------------- */

static int build_vpc(sc_build *b, size_t i)
{
    const sc_elem *e = sc_enter(b, SK_VPC, i);
    topo_vpc *v = &b->t->vpcs[i];
    const char *s;
    if (!e) return -1;
    v->name = e->name;
    v->pos = sc_pos(e->node);
    v->igw = -1;
    v->main_route_table = -1;
    if (sc_get_string(e->node, SEC_VPC, "region", &s, b->err) ||
        sc_region_ref(b, config_find(e->node, "region"), &v->region) ||
        sc_get_cidr(e->node, SEC_VPC, "cidr", &v->cidr, b->err) ||
        check_block(b, config_find(e->node, "cidr"), v->cidr) ||
        sc_get_bool(e->node, SEC_VPC, "vpn_gateway", &v->vgw, b->err) ||
        sc_get_id(b, e->node, SEC_VPC, e->name, &v->id) ||
        sc_get_account(b, e->node, SEC_VPC, "account", &v->account))
        return -1;
    s = NULL;
    if (sc_get_string(e->node, SEC_VPC, "internet_gateway", &s, b->err)) return -1;
    return s ? sc_check_name(config_find(e->node, "internet_gateway"), "internet gateway name",
                             b->err)
             : 0;
}

static int build_igws(sc_build *b)
{
    topology *t = b->t;
    size_t n = 0;
    for (size_t i = 0; i < t->nvpcs; i++)
        n += config_find(ELEM(b, SK_VPC, i)->node, "internet_gateway") != NULL;
    if (!(t->igws = arena_alloc(b->ld->arena, n, sizeof *t->igws))) return oom(b, b->a->node);
    for (size_t i = 0; i < t->nvpcs; i++) {
        const config_node *at = config_find(ELEM(b, SK_VPC, i)->node, "internet_gateway");
        const char *name = config_scalar(at);
        if (!at) continue;
        b->owner = ELEM(b, SK_VPC, i)->owner;
        for (size_t j = 0; j < t->nigws; j++)
            if (strcmp(t->igws[j].name, name) == 0)
                return sc_error(b, at,
                                "VPC '%s': internet gateway '%s' is already attached to VPC '%s' "
                                "(an internet gateway serves one VPC)",
                                t->vpcs[i].name, name, t->vpcs[t->igws[j].vpc].name);
        t->vpcs[i].igw = (int32_t)t->nigws;
        t->igws[t->nigws++] = (topo_igw){name, sc_pos(at), (int32_t)i};
    }
    return 0;
}

/* ---- route table headers and subnets --------------------------------------------------------- */

static int build_rt_header(sc_build *b, size_t i)
{
    const sc_elem *e = sc_enter(b, SK_ROUTE_TABLE, i);
    topo_route_table *rt = &b->t->route_tables[i];
    bool main_table = false;
    if (!e) return -1;
    rt->name = e->name;
    rt->pos = sc_pos(e->node);
    if (sc_ref(b, e->node, SEC_RT, "vpc", SK_VPC, &rt->vpc) ||
        sc_get_bool(e->node, SEC_RT, "main", &main_table, b->err))
        return -1;
    if (main_table) {
        topo_vpc *v = &b->t->vpcs[rt->vpc];
        if (v->main_route_table >= 0)
            return sc_error(b, config_find(e->node, "main"),
                            "%s: VPC '%s' already has a main route table, '%s'", b->what, v->name,
                            b->t->route_tables[v->main_route_table].name);
        v->main_route_table = (int32_t)i;
    }
    return 0;
}

/* Index of the AZ named name, or -1. */
static int32_t az_find(const sc_build *b, const char *name)
{
    for (size_t i = 0; i < b->ld->nazs; i++)
        if (strcmp(b->ld->azs[i].name, name) == 0) return (int32_t)i;
    return -1;
}

/* The AZ of a subnet: known, and in its VPC's Region. */
static int subnet_az(sc_build *b, const config_node *at, int32_t region, int32_t *out)
{
    const topo_region *r = &b->ld->regions[region];
    const char *name = config_scalar(at), *names[64];
    char hint[512], q[96];
    size_t n = 0;
    int32_t az = az_find(b, name);
    for (int32_t k = 0; k < r->naz && n < 64; k++) names[n++] = b->ld->azs[r->first_az + k].name;
    if (az < 0)
        return sc_error(
            b, at, "%s: AZ %s not found in regions%s", b->what, sc_show(name, q, sizeof q),
            sc_not_found_hint(name, names, n, "AZs of the VPC's Region", hint, sizeof hint));
    if (b->ld->azs[az].region != region)
        return sc_error(b, at, "%s: AZ '%s' is in %s, not in the VPC's Region %s%s", b->what, name,
                        sc_region_name(b, b->ld->azs[az].region), r->name,
                        sc_name_list(names, n, "its AZs", hint, sizeof hint));
    *out = az;
    return 0;
}

/* The subnet's CIDR: a /16../28 block inside its VPC, overlapping no earlier subnet of it. */
static int subnet_cidr(sc_build *b, size_t i, const config_node *at)
{
    const topology *t = b->t;
    const topo_subnet *s = &t->subnets[i];
    const topo_vpc *v = &t->vpcs[s->vpc];
    char c1[CIDR_TEXT], c2[CIDR_TEXT];
    if (check_block(b, at, s->cidr)) return -1;
    if (!cidr_contains(v->cidr, s->cidr.addr) || s->cidr.len < v->cidr.len)
        return sc_error(b, at, "%s: CIDR %s is outside VPC '%s' (%s)", b->what,
                        cidr_format(s->cidr, c1, sizeof c1), v->name,
                        cidr_format(v->cidr, c2, sizeof c2));
    for (size_t j = 0; j < i; j++)
        if (t->subnets[j].vpc == s->vpc && cidr_overlaps(t->subnets[j].cidr, s->cidr))
            return sc_error(b, at, "%s: CIDR %s overlaps subnet '%s' (%s, line %d)", b->what,
                            cidr_format(s->cidr, c1, sizeof c1), t->subnets[j].name,
                            cidr_format(t->subnets[j].cidr, c2, sizeof c2), t->subnets[j].pos.line);
    return 0;
}

static int build_subnet(sc_build *b, size_t i)
{
    const sc_elem *e = sc_enter(b, SK_SUBNET, i);
    topo_subnet *s = &b->t->subnets[i];
    const char *az;
    int32_t rt;
    if (!e) return -1;
    s->name = e->name;
    s->pos = sc_pos(e->node);
    if (sc_ref(b, e->node, SEC_SUBNET, "vpc", SK_VPC, &s->vpc) ||
        sc_get_string(e->node, SEC_SUBNET, "az", &az, b->err) ||
        subnet_az(b, config_find(e->node, "az"), b->t->vpcs[s->vpc].region, &s->az) ||
        sc_get_cidr(e->node, SEC_SUBNET, "cidr", &s->cidr, b->err) ||
        subnet_cidr(b, i, config_find(e->node, "cidr")) ||
        sc_get_bool(e->node, SEC_SUBNET, "public", &s->public_ip, b->err) ||
        sc_ref(b, e->node, SEC_SUBNET, "route_table", SK_ROUTE_TABLE, &rt))
        return -1;
    if (rt < 0) {
        s->route_table = b->t->vpcs[s->vpc].main_route_table;
        return 0;
    }
    if (b->t->route_tables[rt].vpc != s->vpc)
        return sc_error(b, config_find(e->node, "route_table"),
                        "%s: route table '%s' belongs to VPC '%s', not to the subnet's VPC '%s'",
                        b->what, b->t->route_tables[rt].name,
                        b->t->vpcs[b->t->route_tables[rt].vpc].name, b->t->vpcs[s->vpc].name);
    s->route_table = rt;
    return 0;
}

/* ---- NAT gateways and peerings --------------------------------------------------------------- */

/* `public_ip`: one IPv4 address, or 0 when absent. */
static int nat_public_ip(const sc_build *b, const config_node *map, uint32_t *out)
{
    const char *s = NULL;
    char buf[24];
    ipv4_cidr c;
    vs_error ignored;
    *out = 0;
    if (sc_get_string(map, SEC_NAT, "public_ip", &s, b->err)) return -1;
    if (!s || !*s) return 0; /* absent: its default "" */
    snprintf(buf, sizeof buf, "%.15s/32", s);
    if (strlen(s) > 15 || strchr(s, '/') || cidr_parse(buf, &c, &ignored))
        return sc_error(b, config_find(map, "public_ip"),
                        "%s: key 'public_ip': expected an IPv4 address such as 203.0.113.10",
                        b->what);
    *out = c.addr;
    return 0;
}

static int build_nat(sc_build *b, size_t i)
{
    const sc_elem *e = sc_enter(b, SK_NAT, i);
    topo_nat *n = &b->t->nats[i];
    int64_t ips = 0;
    int conn = 0;
    if (!e) return -1;
    n->name = e->name;
    n->pos = sc_pos(e->node);
    if (sc_ref(b, e->node, SEC_NAT, "subnet", SK_SUBNET, &n->subnet) ||
        sc_get_int(e->node, SEC_NAT, "ips", 1, 8, &ips, b->err) ||
        sc_get_enum(e->node, SEC_NAT, "connectivity", &conn, b->err) ||
        nat_public_ip(b, e->node, &n->public_ip))
        return -1;
    n->ips = (int32_t)ips;
    n->private_nat = conn == 1;
    if (!n->private_nat && b->t->vpcs[b->t->subnets[n->subnet].vpc].igw < 0)
        return sc_error(b, e->node,
                        "%s: a public NAT gateway needs an internet gateway on VPC '%s' (set its "
                        "internet_gateway, or connectivity: private)",
                        b->what, b->t->vpcs[b->t->subnets[n->subnet].vpc].name);
    return 0;
}

/* Fails if two VPCs that AWS would connect have overlapping CIDRs. */
static int vpcs_disjoint(const sc_build *b, const config_node *at, int32_t x, int32_t y,
                         const char *why)
{
    const topo_vpc *a = &b->t->vpcs[x], *c = &b->t->vpcs[y];
    char t1[CIDR_TEXT], t2[CIDR_TEXT];
    if (!cidr_overlaps(a->cidr, c->cidr)) return 0;
    return sc_error(b, at, "%s: VPC '%s' (%s) and VPC '%s' (%s) overlap; %s", b->what, a->name,
                    cidr_format(a->cidr, t1, sizeof t1), c->name,
                    cidr_format(c->cidr, t2, sizeof t2), why);
}

static int build_peering(sc_build *b, size_t i)
{
    const sc_elem *e = sc_enter(b, SK_PEERING, i);
    topo_peering *p = &b->t->peerings[i];
    const config_node *vpcs;
    if (!e) return -1;
    p->name = e->name;
    p->pos = sc_pos(e->node);
    if (sc_get_seq(e->node, SEC_PEERING, "vpcs", &vpcs, b->err)) return -1;
    if (config_len(vpcs) != 2)
        return sc_error(b, vpcs, "%s: key 'vpcs': give exactly two VPCs, got %zu", b->what,
                        config_len(vpcs));
    if (sc_ref_node(b, config_at(vpcs, 0), SK_VPC, &p->vpc_a) ||
        sc_ref_node(b, config_at(vpcs, 1), SK_VPC, &p->vpc_b))
        return -1;
    if (p->vpc_a == p->vpc_b)
        return sc_error(b, vpcs, "%s: a VPC cannot peer with itself", b->what);
    for (size_t j = 0; j < i; j++) {
        const topo_peering *q = &b->t->peerings[j];
        if ((q->vpc_a == p->vpc_a && q->vpc_b == p->vpc_b) ||
            (q->vpc_a == p->vpc_b && q->vpc_b == p->vpc_a))
            return sc_error(b, vpcs, "%s: VPCs '%s' and '%s' are already peered by '%s'", b->what,
                            b->t->vpcs[p->vpc_a].name, b->t->vpcs[p->vpc_b].name, q->name);
    }
    return vpcs_disjoint(b, vpcs, p->vpc_a, p->vpc_b,
                         "AWS does not peer VPCs with overlapping CIDRs");
}

/* ---- Transit Gateways ------------------------------------------------------------------------ */

/* Fails if two named sub-elements of seq share a name. */
static int unique_names(sc_build *b, const config_node *seq, const char *noun)
{
    for (size_t i = 0; i < config_len(seq); i++) {
        const char *ni;
        if (sc_elem_name(config_at(seq, i), &ni, b->err)) return -1;
        for (size_t j = 0; j < i; j++) {
            const config_node *nj = config_find(config_at(seq, j), "name");
            if (strcmp(config_scalar(nj), ni) == 0)
                return sc_error(b, config_find(config_at(seq, i), "name"),
                                "%s: duplicate %s name '%s' (first at line %d, column %d)", b->what,
                                noun, ni, config_line(nj), config_col(nj));
        }
    }
    return 0;
}

int sc_subnets_one_per_az(const sc_build *b, const config_node *seq, const int32_t *sub, size_t n,
                          int32_t vpc)
{
    const topology *t = b->t;
    for (size_t i = 0; i < n; i++) {
        const topo_subnet *s = &t->subnets[sub[i]];
        if (vpc >= 0 && s->vpc != vpc)
            return sc_error(b, config_at(seq, i), "%s: subnet '%s' is in VPC '%s', not in '%s'",
                            b->what, s->name, t->vpcs[s->vpc].name, t->vpcs[vpc].name);
        for (size_t j = 0; j < i; j++)
            if (t->subnets[sub[j]].az == s->az)
                return sc_error(b, config_at(seq, i),
                                "%s: subnets '%s' and '%s' are both in %s; AWS allows one subnet "
                                "per AZ",
                                b->what, t->subnets[sub[j]].name, s->name, t->azs[s->az].name);
    }
    return 0;
}

/* The VPC of a VPC attachment: in the TGW's Region, attached once, not overlapping the others. */
static int attachment_vpc(sc_build *b, const topo_tgw *g, size_t k, const config_node *at)
{
    const topo_tgw_attachment *x = &g->attachments[k];
    const topo_vpc *v = &b->t->vpcs[x->vpc];
    if (v->region != g->region)
        return sc_error(b, at,
                        "%s: VPC '%s' is in %s; a Transit Gateway attaches VPCs of its own "
                        "Region (%s)",
                        b->what, v->name, sc_region_name(b, v->region),
                        sc_region_name(b, g->region));
    for (size_t j = 0; j < k; j++) {
        if (g->attachments[j].vpc < 0) continue;
        if (g->attachments[j].vpc == x->vpc)
            return sc_error(b, at, "%s: VPC '%s' is already attached by '%s'", b->what, v->name,
                            g->attachments[j].name);
        if (vpcs_disjoint(b, at, g->attachments[j].vpc, x->vpc,
                          "a Transit Gateway cannot route between overlapping VPCs"))
            return -1;
    }
    return 0;
}

static int build_attachment(sc_build *b, topo_tgw *g, size_t k, const config_node *el)
{
    topo_tgw_attachment *x = &g->attachments[k];
    bool dx = false, vpn = false;
    char tgw_what[sizeof b->what];
    snprintf(tgw_what, sizeof tgw_what, "%s", b->what);
    x->name = config_scalar(config_find(el, "name"));
    sc_what(b, "%.100s attachment '%s'", tgw_what, x->name);
    if (sc_check_keys(el, SEC_TGW_ATT, b->err) ||
        sc_get_bool(el, SEC_TGW_ATT, "direct_connect_gateway", &dx, b->err) ||
        sc_get_bool(el, SEC_TGW_ATT, "vpn", &vpn, b->err) ||
        sc_ref(b, el, SEC_TGW_ATT, "vpc", SK_VPC, &x->vpc) ||
        sc_ref_list(b, el, SEC_TGW_ATT, "subnets", SK_SUBNET, &x->subnets, &x->nsubnets))
        return -1;
    x->dx_gateway = dx;
    x->vpn = vpn;
    if ((x->vpc >= 0) + dx + vpn != 1)
        return sc_error(
            b, el, "%s: give exactly one of vpc, direct_connect_gateway: true, vpn: true", b->what);
    if (x->vpc < 0 && x->nsubnets)
        return sc_error(b, config_find(el, "subnets"), "%s: only a VPC attachment has subnets",
                        b->what);
    if (x->vpc >= 0 && x->nsubnets == 0)
        return sc_error(b, el, "%s: a VPC attachment needs subnets (one per AZ it serves)",
                        b->what);
    if (x->vpc >= 0 &&
        (attachment_vpc(b, g, k, config_find(el, "vpc")) ||
         sc_subnets_one_per_az(b, config_find(el, "subnets"), x->subnets, x->nsubnets, x->vpc)))
        return -1;
    snprintf(b->what, sizeof b->what, "%s", tgw_what);
    return 0;
}

/* Index of the TGW route table named by node in g, failing with a hint. */
static int tgw_table(sc_build *b, const topo_tgw *g, const config_node *node, int32_t *out)
{
    const char *name, *names[64];
    char hint[512], q[96];
    size_t n = 0;
    if (config_as_string(node, &name, b->err)) return -1;
    for (size_t i = 0; i < g->nroute_tables; i++) {
        if (strcmp(g->route_tables[i].name, name) == 0) {
            *out = (int32_t)i;
            return 0;
        }
        if (n < 64) names[n++] = g->route_tables[i].name;
    }
    return sc_error(b, node, "%s: TGW route table %s not found%s", b->what,
                    sc_show(name, q, sizeof q),
                    sc_not_found_hint(name, names, n, "its route tables", hint, sizeof hint));
}

/* Attachments and their route table associations. */
static int build_attachments(sc_build *b, topo_tgw *g, const config_node *atts)
{
    for (size_t k = 0; k < g->nattachments; k++) {
        const config_node *el = config_at(atts, k), *rt;
        if (build_attachment(b, g, k, el)) return -1;
        g->attachments[k].route_table = 0;
        if ((rt = config_find(el, "route_table"))) {
            if (tgw_table(b, g, rt, &g->attachments[k].route_table)) return -1;
        } else if (g->nroute_tables == 0) {
            return sc_error(b, el,
                            "%s: attachment '%s' needs a route table; add one under route_tables",
                            b->what, g->attachments[k].name);
        }
    }
    return 0;
}

/* First pass over TGW i: Region, route table names, attachments, declared peers. */
static int build_tgw(sc_build *b, size_t i)
{
    const sc_elem *e = sc_enter(b, SK_TGW, i);
    topo_tgw *g = &b->t->tgws[i];
    const config_node *atts, *rts;
    const char *s;
    if (!e) return -1;
    g->name = e->name;
    g->pos = sc_pos(e->node);
    if (sc_get_string(e->node, SEC_TGW, "region", &s, b->err) ||
        sc_region_ref(b, config_find(e->node, "region"), &g->region) ||
        sc_get_seq(e->node, SEC_TGW, "attachments", &atts, b->err) ||
        sc_get_seq(e->node, SEC_TGW, "route_tables", &rts, b->err) ||
        unique_names(b, atts, "attachment") || unique_names(b, rts, "route table") ||
        sc_ref_list(b, e->node, SEC_TGW, "peers", SK_TGW, &g->peers, &g->npeers))
        return -1;
    g->nattachments = config_len(atts);
    g->nroute_tables = config_len(rts);
    g->attachments = arena_alloc(b->ld->arena, g->nattachments, sizeof *g->attachments);
    g->route_tables = arena_alloc(b->ld->arena, g->nroute_tables, sizeof *g->route_tables);
    if (!g->attachments || !g->route_tables) return oom(b, e->node);
    for (size_t k = 0; k < g->nroute_tables; k++) {
        if (sc_check_keys(config_at(rts, k), SEC_TGW_RT, b->err)) return -1;
        g->route_tables[k].name = config_scalar(config_find(config_at(rts, k), "name"));
    }
    for (size_t k = 0; k < g->npeers; k++)
        if (g->peers[k] == (int32_t)i)
            return sc_error(b, config_at(config_find(e->node, "peers"), k),
                            "%s: a Transit Gateway cannot peer with itself", b->what);
    return build_attachments(b, g, atts);
}

static bool has_peer(const topo_tgw *g, int32_t p)
{
    for (size_t k = 0; k < g->npeers; k++)
        if (g->peers[k] == p) return true;
    return false;
}

/* Peering is declared on either side: make every TGW list the ones that list it. */
static int symmetric_peers(sc_build *b)
{
    topology *t = b->t;
    for (size_t i = 0; i < t->ntgws; i++) {
        size_t extra = 0, n;
        int32_t *peers;
        for (size_t j = 0; j < t->ntgws; j++)
            extra += has_peer(&t->tgws[j], (int32_t)i) && !has_peer(&t->tgws[i], (int32_t)j);
        if (!extra) continue;
        if (!(peers = arena_alloc(b->ld->arena, t->tgws[i].npeers + extra, sizeof *peers)))
            return oom(b, b->a->node);
        n = t->tgws[i].npeers;
        if (n) memcpy(peers, t->tgws[i].peers, n * sizeof *peers);
        for (size_t j = 0; j < t->ntgws; j++)
            if (has_peer(&t->tgws[j], (int32_t)i) && !has_peer(&t->tgws[i], (int32_t)j))
                peers[n++] = (int32_t)j;
        t->tgws[i].peers = peers;
        t->tgws[i].npeers = n;
    }
    return 0;
}

/* Index of the attachment named by node in g. */
static int tgw_attachment(sc_build *b, const topo_tgw *g, const config_node *node, int32_t *out)
{
    const char *name, *names[64];
    char hint[512], q[96];
    size_t n = 0;
    if (config_as_string(node, &name, b->err)) return -1;
    for (size_t i = 0; i < g->nattachments; i++) {
        if (strcmp(g->attachments[i].name, name) == 0) {
            *out = (int32_t)i;
            return 0;
        }
        if (n < 64) names[n++] = g->attachments[i].name;
    }
    return sc_error(b, node, "%s: attachment %s not found%s", b->what, sc_show(name, q, sizeof q),
                    sc_not_found_hint(name, names, n, "its attachments", hint, sizeof hint));
}

static int build_tgw_route(sc_build *b, const topo_tgw *g, const topo_tgw_route_table *rt, size_t k,
                           const config_node *el)
{
    topo_tgw_route *r = &rt->routes[k];
    const config_node *att = config_find(el, "attachment"), *peer = config_find(el, "peer");
    bool blackhole = false;
    char c[CIDR_TEXT];
    r->attachment = r->peer_tgw = -1;
    if (sc_check_keys(el, SEC_TGW_ROUTE, b->err) ||
        sc_get_cidr(el, SEC_TGW_ROUTE, "destination", &r->dst, b->err) ||
        sc_get_bool(el, SEC_TGW_ROUTE, "blackhole", &blackhole, b->err))
        return -1;
    if ((att != NULL) + blackhole + (peer != NULL) != 1)
        return sc_error(b, el, "%s: give exactly one of attachment, blackhole: true, peer",
                        b->what);
    for (size_t j = 0; j < k; j++)
        if (rt->routes[j].dst.addr == r->dst.addr && rt->routes[j].dst.len == r->dst.len)
            return sc_error(b, config_find(el, "destination"),
                            "%s: a route to %s is already in this table", b->what,
                            cidr_format(r->dst, c, sizeof c));
    if (att) return tgw_attachment(b, g, att, &r->attachment);
    if (peer) {
        if (sc_ref_node(b, peer, SK_TGW, &r->peer_tgw)) return -1;
        if (!has_peer(g, r->peer_tgw))
            return sc_error(b, peer,
                            "%s: Transit Gateway '%s' is not a peer of '%s' (list it in peers)",
                            b->what, b->t->tgws[r->peer_tgw].name, g->name);
    }
    return 0;
}

/* Second pass over TGW i: the routes of its tables (peers are known in both directions). */
static int build_tgw_routes(sc_build *b, size_t i)
{
    const sc_elem *e = ELEM(b, SK_TGW, i);
    topo_tgw *g = &b->t->tgws[i];
    const config_node *rts = config_find(e->node, "route_tables");
    b->owner = e->owner;
    for (size_t k = 0; k < g->nroute_tables; k++) {
        topo_tgw_route_table *rt = &g->route_tables[k];
        const config_node *routes;
        sc_what(b, "Transit Gateway '%s' route table '%s'", g->name, rt->name);
        if (sc_get_seq(config_at(rts, k), SEC_TGW_RT, "routes", &routes, b->err)) return -1;
        rt->nroutes = config_len(routes);
        if (!(rt->routes = arena_alloc(b->ld->arena, rt->nroutes, sizeof *rt->routes)))
            return oom(b, e->node);
        for (size_t r = 0; r < rt->nroutes; r++)
            if (build_tgw_route(b, g, rt, r, config_at(routes, r))) return -1;
    }
    return 0;
}

/* ---- gateway endpoints ----------------------------------------------------------------------- */

int sc_service_ref(const sc_build *b, const config_node *node, int32_t *out)
{
    const char *name, *names[SVC_COUNT];
    char hint[512], q[96];
    int s;
    if (config_as_string(node, &name, b->err)) return -1;
    if ((s = aws_service_find(name)) >= 0) {
        *out = s;
        return 0;
    }
    for (int i = 0; i < SVC_COUNT; i++) names[i] = aws_service_name((aws_service)i);
    return sc_error(b, node, "%s: unknown AWS service %s%s", b->what, sc_show(name, q, sizeof q),
                    sc_not_found_hint(name, names, SVC_COUNT, "services", hint, sizeof hint));
}

static int build_gwe(sc_build *b, size_t i)
{
    const sc_elem *e = sc_enter(b, SK_GWE, i);
    topo_gateway_endpoint *g = &b->t->gateway_endpoints[i];
    const char *s;
    int32_t svc;
    if (!e) return -1;
    g->name = e->name;
    g->pos = sc_pos(e->node);
    if (sc_ref(b, e->node, SEC_GWE, "vpc", SK_VPC, &g->vpc) ||
        sc_get_string(e->node, SEC_GWE, "service", &s, b->err) ||
        sc_service_ref(b, config_find(e->node, "service"), &svc) ||
        sc_ref_list(b, e->node, SEC_GWE, "route_tables", SK_ROUTE_TABLE, &g->route_tables,
                    &g->nroute_tables) ||
        sc_ref(b, e->node, SEC_GWE, "policy", SK_POLICY, &g->policy) ||
        sc_get_id(b, e->node, SEC_GWE, e->name, &g->id))
        return -1;
    g->service = (aws_service)svc;
    if (!aws_service_has_gateway_endpoint(g->service))
        return sc_error(b, config_find(e->node, "service"),
                        "%s: AWS offers gateway endpoints for s3 and dynamodb only, not '%s'; use "
                        "an interface endpoint",
                        b->what, s);
    for (size_t k = 0; k < g->nroute_tables; k++)
        if (b->t->route_tables[g->route_tables[k]].vpc != g->vpc)
            return sc_error(b, config_at(config_find(e->node, "route_tables"), k),
                            "%s: route table '%s' is in VPC '%s', not in the endpoint's VPC '%s'",
                            b->what, b->t->route_tables[g->route_tables[k]].name,
                            b->t->vpcs[b->t->route_tables[g->route_tables[k]].vpc].name,
                            b->t->vpcs[g->vpc].name);
    return 0;
}

/* ---- routes ---------------------------------------------------------------------------------- */

static const char *const target_kinds[] = {"local", "igw",     "nat", "gateway_endpoint",
                                           "tgw",   "peering", "vgw", "blackhole"};
static const route_target target_codes[] = {RT_LOCAL, RT_IGW,     RT_NAT, RT_GATEWAY_ENDPOINT,
                                            RT_TGW,   RT_PEERING, RT_VGW, RT_BLACKHOLE};
enum { NTARGETS = sizeof target_kinds / sizeof target_kinds[0] };

/* Splits "kind/name" into its target code and name; fails with the list of targets. */
static int parse_target(const sc_build *b, const config_node *at, const char *text,
                        route_target *code, const char **name)
{
    const char *slash = strchr(text, '/'), *near;
    char head[40], hint[128], q[96];
    snprintf(head, sizeof head, "%.*s", (int)(slash ? (size_t)(slash - text) : strlen(text)), text);
    *name = slash ? slash + 1 : NULL;
    for (size_t k = 0; k < NTARGETS; k++) {
        bool named = target_codes[k] != RT_LOCAL && target_codes[k] != RT_VGW &&
                     target_codes[k] != RT_BLACKHOLE;
        if (strcmp(target_kinds[k], head) != 0) continue;
        *code = target_codes[k];
        if (named && (!slash || !slash[1]))
            return sc_error(b, at, "%s: route target '%s' needs a name: %s/NAME", b->what,
                            target_kinds[k], target_kinds[k]);
        if (!named && slash)
            return sc_error(b, at, "%s: route target '%s' takes no name", b->what, target_kinds[k]);
        return 0;
    }
    hint[0] = '\0';
    if ((near = config_suggest(head, target_kinds, NTARGETS)))
        snprintf(hint, sizeof hint, "; did you mean '%s%.40s'?", near, slash ? slash : "");
    return sc_error(b, at,
                    "%s: route target %s: expected local, igw/NAME, nat/NAME, "
                    "gateway_endpoint/NAME, tgw/NAME, peering/NAME, vgw or blackhole%s",
                    b->what, sc_show(text, q, sizeof q), hint);
}

static int32_t igw_find(const topology *t, const char *name)
{
    for (size_t k = 0; k < t->nigws; k++)
        if (strcmp(t->igws[k].name, name) == 0) return (int32_t)k;
    return -1;
}

/* A TGW route needs the table's VPC attached; a peering route needs the VPC to be a side. */
static int target_serves(const sc_build *b, const config_node *at, route_target code, int32_t i,
                         int32_t vpc)
{
    const topology *t = b->t;
    if (code == RT_TGW) {
        for (size_t k = 0; k < t->tgws[i].nattachments; k++)
            if (t->tgws[i].attachments[k].vpc == vpc) return 0;
        return sc_error(b, at, "%s: Transit Gateway '%s' has no attachment for VPC '%s'", b->what,
                        t->tgws[i].name, t->vpcs[vpc].name);
    }
    if (t->peerings[i].vpc_a == vpc || t->peerings[i].vpc_b == vpc) return 0;
    return sc_error(b, at, "%s: peering '%s' does not connect VPC '%s'", b->what,
                    t->peerings[i].name, t->vpcs[vpc].name);
}

/* A named target: exists and belongs to (or serves) the table's VPC. */
static int named_target(sc_build *b, const config_node *at, route_target code, const char *name,
                        int32_t vpc, int32_t *index)
{
    const topology *t = b->t;
    char q[96];
    int32_t owner;
    if (code == RT_IGW) {
        if ((*index = igw_find(t, name)) < 0)
            return sc_error(b, at, "%s: internet gateway %s not found%s", b->what,
                            sc_show(name, q, sizeof q),
                            t->vpcs[vpc].igw >= 0 ? "" : " (the VPC has no internet_gateway)");
        owner = t->igws[*index].vpc;
    } else {
        sc_kind kind = code == RT_NAT                ? SK_NAT
                       : code == RT_GATEWAY_ENDPOINT ? SK_GWE
                       : code == RT_TGW              ? SK_TGW
                                                     : SK_PEERING;
        if (sc_ref_name(b, at, kind, name, index)) return -1;
        if (code == RT_TGW || code == RT_PEERING) return target_serves(b, at, code, *index, vpc);
        owner = code == RT_NAT ? t->subnets[t->nats[*index].subnet].vpc
                               : t->gateway_endpoints[*index].vpc;
    }
    if (owner == vpc) return 0;
    return sc_error(b, at, "%s: target '%s' is in VPC '%s', not in the table's VPC '%s'", b->what,
                    name, t->vpcs[owner].name, t->vpcs[vpc].name);
}

/* Unnamed targets: local (a range inside the VPC, other than its CIDR) and vgw. */
static int plain_target(const sc_build *b, const config_node *el, const topo_route *r,
                        const topo_vpc *v)
{
    char c[CIDR_TEXT];
    if (r->target == RT_VGW && !v->vgw)
        return sc_error(b, config_find(el, "target"),
                        "%s: VPC '%s' has no virtual private gateway (set vpn_gateway: true)",
                        b->what, v->name);
    if (r->target != RT_LOCAL) return 0;
    if (r->prefix_list < 0 && cidr_contains(v->cidr, r->dst.addr) && r->dst.len > v->cidr.len)
        return 0;
    return sc_error(b, config_find(el, "target"),
                    "%s: target 'local' is for ranges inside the VPC's CIDR %s; the local route "
                    "for the whole CIDR is implicit",
                    b->what, cidr_format(v->cidr, c, sizeof c));
}

/* Fails if routes[0..n) already has r's destination (CIDR or prefix list). */
static int route_unique(const sc_build *b, const config_node *el, const topo_route *r,
                        const topo_route *routes, size_t n)
{
    char c[CIDR_TEXT];
    for (size_t j = 0; j < n; j++) {
        const topo_route *o = &routes[j];
        if (r->prefix_list >= 0 && o->prefix_list == r->prefix_list)
            return sc_error(b, el,
                            "%s: the %s prefix list is already routed by this table (line %d)",
                            b->what, aws_service_name((aws_service)r->prefix_list), o->pos.line);
        if (r->prefix_list < 0 && o->prefix_list < 0 && o->dst.addr == r->dst.addr &&
            o->dst.len == r->dst.len)
            return sc_error(b, config_find(el, "destination"),
                            "%s: a route to %s is already in this table (%s)", b->what,
                            cidr_format(r->dst, c, sizeof c),
                            o->target == RT_LOCAL && j == 0 ? "the implicit local route"
                                                            : "an earlier route");
    }
    return 0;
}

/* Destination: a CIDR, or a prefix list routed to a gateway endpoint of that service. */
static int route_destination(const sc_build *b, const config_node *el, topo_route *r)
{
    const config_node *dst = config_find(el, "destination");
    int pl = -1;
    if ((dst != NULL) == (config_find(el, "prefix_list") != NULL))
        return sc_error(b, el, "%s: give destination or prefix_list (one of them)", b->what);
    if (dst) return sc_get_cidr(el, SEC_ROUTE, "destination", &r->dst, b->err);
    if (sc_get_enum(el, SEC_ROUTE, "prefix_list", &pl, b->err)) return -1;
    r->prefix_list = pl == 0 ? SVC_S3 : SVC_DYNAMODB;
    return 0;
}

static int build_route(sc_build *b, const topo_route_table *rt, topo_route *routes, size_t k,
                       const config_node *el)
{
    topo_route *r = &routes[k];
    const topo_vpc *v = &b->t->vpcs[rt->vpc];
    const char *text, *name;
    r->pos = sc_pos(el);
    r->prefix_list = -1;
    r->target_index = -1;
    if (sc_check_keys(el, SEC_ROUTE, b->err) || route_destination(b, el, r) ||
        sc_get_string(el, SEC_ROUTE, "target", &text, b->err) ||
        parse_target(b, config_find(el, "target"), text, &r->target, &name))
        return -1;
    if (r->prefix_list >= 0 && r->target != RT_GATEWAY_ENDPOINT)
        return sc_error(b, config_find(el, "target"),
                        "%s: a prefix_list route goes to a gateway endpoint "
                        "(gateway_endpoint/NAME), not to '%s'",
                        b->what, text);
    if (r->prefix_list < 0 && r->target == RT_GATEWAY_ENDPOINT)
        return sc_error(b, config_find(el, "destination"),
                        "%s: a route to a gateway endpoint has prefix_list: s3 or dynamodb as its "
                        "destination, not a CIDR",
                        b->what);
    if (name &&
        named_target(b, config_find(el, "target"), r->target, name, rt->vpc, &r->target_index))
        return -1;
    if (r->target == RT_GATEWAY_ENDPOINT &&
        (int32_t)b->t->gateway_endpoints[r->target_index].service != r->prefix_list)
        return sc_error(b, config_find(el, "target"), "%s: gateway endpoint '%s' serves %s, not %s",
                        b->what, name,
                        aws_service_name(b->t->gateway_endpoints[r->target_index].service),
                        aws_service_name((aws_service)r->prefix_list));
    return plain_target(b, el, r, v) || route_unique(b, el, r, routes, k);
}

/* Local route plus the written routes of table i, into routes (room for 1 + written). */
static int build_written_routes(sc_build *b, size_t i, topo_route **out, size_t *n)
{
    const sc_elem *e = ELEM(b, SK_ROUTE_TABLE, i);
    const topo_route_table *rt = &b->t->route_tables[i];
    const config_node *seq;
    topo_route *routes;
    b->owner = e->owner;
    sc_what(b, "route table '%s'", rt->name);
    if (sc_get_seq(e->node, SEC_RT, "routes", &seq, b->err)) return -1;
    if (!(routes = arena_alloc(b->ld->arena, 1 + config_len(seq), sizeof *routes)))
        return oom(b, e->node);
    routes[0] = (topo_route){b->t->vpcs[rt->vpc].cidr, -1, RT_LOCAL, -1, rt->pos};
    for (size_t k = 0; k < config_len(seq); k++)
        if (build_route(b, rt, routes, k + 1, config_at(seq, k))) return -1;
    *out = routes;
    *n = 1 + config_len(seq);
    return 0;
}

/* Fails if table rt already routes endpoint g's prefix list (written, or by an earlier endpoint).
 */
static int gwe_route_free(sc_build *b, size_t gi, size_t k, const topo_route *routes, size_t n)
{
    const topology *t = b->t;
    const topo_gateway_endpoint *g = &t->gateway_endpoints[gi];
    const config_node *at = config_at(config_find(ELEM(b, SK_GWE, gi)->node, "route_tables"), k);
    const char *rt = t->route_tables[g->route_tables[k]].name;
    for (size_t j = 0; j < n; j++) {
        if (routes[j].prefix_list != (int32_t)g->service) continue;
        if (routes[j].target_index == (int32_t)gi)
            return sc_error(b, at,
                            "%s: route table '%s' already has a route to this endpoint (line %d); "
                            "list the table here or write the route, not both",
                            b->what, rt, routes[j].pos.line);
        return sc_error(b, at,
                        "%s: route table '%s' already routes the %s prefix list (line %d) to "
                        "gateway endpoint '%s'; a table takes one",
                        b->what, rt, aws_service_name(g->service), routes[j].pos.line,
                        t->gateway_endpoints[routes[j].target_index].name);
    }
    for (size_t h = 0; h < gi; h++)
        for (size_t m = 0; m < t->gateway_endpoints[h].nroute_tables; m++)
            if (t->gateway_endpoints[h].route_tables[m] == g->route_tables[k] &&
                t->gateway_endpoints[h].service == g->service)
                return sc_error(b, at,
                                "%s: route table '%s' already routes the %s prefix list to "
                                "gateway endpoint '%s'; a table takes one",
                                b->what, rt, aws_service_name(g->service),
                                t->gateway_endpoints[h].name);
    return 0;
}

/* Appends the endpoints' prefix-list routes to the tables they list. */
static int append_gwe_routes(sc_build *b, topo_route **written, size_t *nwritten)
{
    topology *t = b->t;
    for (size_t gi = 0; gi < t->ngateway_endpoints; gi++) {
        const topo_gateway_endpoint *g = &t->gateway_endpoints[gi];
        const config_node *seq = config_find(ELEM(b, SK_GWE, gi)->node, "route_tables");
        sc_enter(b, SK_GWE, gi);
        for (size_t k = 0; k < g->nroute_tables; k++) {
            int32_t ti = g->route_tables[k];
            topo_route_table *rt = &t->route_tables[ti];
            if (gwe_route_free(b, gi, k, written[ti], nwritten[ti])) return -1;
            if (!rt->routes) {
                if (!(rt->routes = arena_alloc(b->ld->arena, nwritten[ti] + t->ngateway_endpoints,
                                               sizeof *rt->routes)))
                    return oom(b, seq);
                memcpy(rt->routes, written[ti], nwritten[ti] * sizeof *rt->routes);
                rt->nroutes = nwritten[ti];
            }
            rt->routes[rt->nroutes++] = (topo_route){{0, 0},
                                                     (int32_t)g->service,
                                                     RT_GATEWAY_ENDPOINT,
                                                     (int32_t)gi,
                                                     sc_pos(config_at(seq, k))};
        }
    }
    for (size_t ti = 0; ti < t->nroute_tables; ti++) {
        if (t->route_tables[ti].routes) continue;
        t->route_tables[ti].routes = written[ti];
        t->route_tables[ti].nroutes = nwritten[ti];
    }
    return 0;
}

/* Written prefix-list routes add their table to the endpoint's route_tables too. */
static int add_written_tables(sc_build *b)
{
    topology *t = b->t;
    for (size_t gi = 0; gi < t->ngateway_endpoints; gi++) {
        topo_gateway_endpoint *g = &t->gateway_endpoints[gi];
        size_t extra = 0, n = g->nroute_tables;
        int32_t *tables = NULL;
        for (int pass = 0; pass < 2; pass++) {
            for (size_t ti = 0; ti < t->nroute_tables; ti++) {
                const topo_route_table *rt = &t->route_tables[ti];
                bool listed = false, written = false;
                for (size_t m = 0; m < g->nroute_tables; m++)
                    listed |= g->route_tables[m] == (int32_t)ti;
                for (size_t r = 0; r < rt->nroutes; r++)
                    written |= rt->routes[r].target == RT_GATEWAY_ENDPOINT &&
                               rt->routes[r].target_index == (int32_t)gi;
                if (written && !listed && pass == 0) extra++;
                if (written && !listed && pass == 1) tables[n++] = (int32_t)ti;
            }
            if (pass == 1 || !extra) break;
            if (!(tables = arena_alloc(b->ld->arena, g->nroute_tables + extra, sizeof *tables)))
                return oom(b, b->a->node);
            if (n) memcpy(tables, g->route_tables, n * sizeof *tables);
        }
        if (extra) {
            g->route_tables = tables;
            g->nroute_tables = n;
        }
    }
    return 0;
}

static int build_routes(sc_build *b)
{
    size_t n = b->t->nroute_tables;
    topo_route **written = calloc(n + 1, sizeof *written);
    size_t *nwritten = calloc(n + 1, sizeof *nwritten);
    int rc = written && nwritten ? 0 : oom(b, b->a->node);
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = build_written_routes(b, i, &written[i], &nwritten[i]);
    if (rc == 0) rc = append_gwe_routes(b, written, nwritten);
    if (rc == 0) rc = add_written_tables(b);
    free(written);
    free(nwritten);
    return rc;
}

/* ---- the network, in dependency order -------------------------------------------------------- */

int sc_build_network(sc_build *b)
{
    topology *t = b->t;
    if (alloc_topology(b)) return -1;
    for (size_t i = 0; i < t->nvpcs; i++)
        if (build_vpc(b, i)) return -1;
    if (build_igws(b)) return -1;
    for (size_t i = 0; i < t->nroute_tables; i++)
        if (build_rt_header(b, i)) return -1;
    for (size_t i = 0; i < t->nsubnets; i++)
        if (build_subnet(b, i)) return -1;
    for (size_t i = 0; i < t->nnats; i++)
        if (build_nat(b, i)) return -1;
    for (size_t i = 0; i < t->npeerings; i++)
        if (build_peering(b, i)) return -1;
    for (size_t i = 0; i < t->ntgws; i++)
        if (build_tgw(b, i)) return -1;
    if (symmetric_peers(b)) return -1;
    for (size_t i = 0; i < t->ntgws; i++)
        if (build_tgw_routes(b, i)) return -1;
    for (size_t i = 0; i < t->ngateway_endpoints; i++)
        if (build_gwe(b, i)) return -1;
    return build_routes(b);
}
