/* The routing step inside a VPC: longest prefix match in a subnet's route table, then what the
 * chosen target (internet gateway, NAT gateway, gateway endpoint, peering, Transit Gateway) lets
 * through, given how the packet entered the VPC. Route tables hold a few to tens of routes. */
#include <stdio.h>

#include "paths_impl.h"

/* ---- lookups -------------------------------------------------------------------------------- */

/* How specific route r is for d, or -1 if it does not match. Public service addresses match only
 * /0 and the service's prefix list; the prefix list counts as more specific than any /0 (VPC
 * guide, gateway endpoints: the prefix-list route is preferred over 0.0.0.0/0; aws-facts.md
 * Gateway endpoint mechanism, D21), and lists only
 * the addresses of the VPC's own Region (gateway endpoints are same-Region only). */
static int route_score(const topology *t, int32_t table, const topo_route *r, const dest *d,
                       bool prefix_lists)
{
    if (r->prefix_list >= 0) {
        if (!prefix_lists || d->kind != DEST_PUBLIC || r->prefix_list != d->service) return -1;
        return paths_vpc_region(t, t->route_tables[table].vpc) == d->region ? 1 : -1;
    }
    if (d->kind == DEST_PUBLIC) return r->dst.len == 0 ? 0 : -1;
    return cidr_contains(r->dst, d->addr) ? r->dst.len + 1 : -1;
}

const topo_route *paths_lookup(const topology *t, int32_t table, const dest *d, bool prefix_lists)
{
    const topo_route_table *rt = &t->route_tables[table];
    const topo_route *best = NULL;
    int best_score = -1;
    for (size_t i = 0; i < rt->nroutes; i++) {
        int s = route_score(t, table, &rt->routes[i], d, prefix_lists);
        if (s > best_score) best = &rt->routes[i], best_score = s;
    }
    return best;
}

/* The route a table uses for a whole block of addresses (the client's, for responses). */
static const topo_route *lookup_block(const topology *t, int32_t table, ipv4_cidr block)
{
    const topo_route_table *rt = &t->route_tables[table];
    const topo_route *best = NULL;
    for (size_t i = 0; i < rt->nroutes; i++) {
        const topo_route *r = &rt->routes[i];
        if (r->prefix_list >= 0 || r->dst.len > block.len || !cidr_contains(r->dst, block.addr))
            continue;
        if (!best || r->dst.len > best->dst.len) best = r;
    }
    return best;
}

int32_t paths_gateway_endpoint_for(const topology *t, int32_t vpc, const dest *d)
{
    if (d->kind != DEST_PUBLIC) return -1;
    for (size_t i = 0; i < t->ngateway_endpoints; i++) {
        const topo_gateway_endpoint *g = &t->gateway_endpoints[i];
        if (g->vpc == vpc && (int32_t)g->service == d->service &&
            paths_vpc_region(t, vpc) == d->region)
            return (int32_t)i;
    }
    return -1;
}

/* ---- words ---------------------------------------------------------------------------------- */

static const char *table_words(const walk *k, int32_t table, int32_t subnet, char *buf, size_t n)
{
    char pos[80];
    const topo_route_table *rt = &k->t->route_tables[table];
    paths_text(buf, n, "route table '%s' (%s) of subnet '%s'", rt->name,
               paths_pos(rt->pos, pos, sizeof pos), k->t->subnets[subnet].name);
    return buf;
}

static const char *target_words(const topology *t, const topo_route *r, char *buf, size_t n)
{
    int32_t i = r->target_index;
    switch (r->target) {
    case RT_LOCAL:
        paths_text(buf, n, "local");
        break;
    case RT_IGW:
        paths_text(buf, n, "internet gateway '%s'", t->igws[i].name);
        break;
    case RT_NAT:
        paths_text(buf, n, "NAT gateway '%s'", t->nats[i].name);
        break;
    case RT_GATEWAY_ENDPOINT:
        paths_text(buf, n, "gateway endpoint '%s'", t->gateway_endpoints[i].name);
        break;
    case RT_TGW:
        paths_text(buf, n, "transit gateway '%s'", t->tgws[i].name);
        break;
    case RT_PEERING:
        paths_text(buf, n, "peering '%s'", t->peerings[i].name);
        break;
    case RT_VGW:
        paths_text(buf, n, "the virtual private gateway");
        break;
    case RT_BLACKHOLE:
        paths_text(buf, n, "a blackhole");
        break;
    }
    return buf;
}

/* ---- refusals ------------------------------------------------------------------------------- */

static const char *arrival_origin(arrival a)
{
    switch (a) {
    case ARR_PEERING:
        return "from peered VPCs";
    case ARR_TGW:
        return "through a Transit Gateway";
    case ARR_VGW:
        return "from on-premises (Direct Connect/VPN)";
    default:
        return "from elsewhere";
    }
}

/* Gateway endpoints serve only traffic that starts in their own VPC: not from on-premises, peered
 * VPCs or through a Transit Gateway (PrivateLink guide, gateway endpoints, considerations;
 * aws-facts.md Gateway endpoint reach, D21). */
static int refuse_gateway_endpoint(walk *k, int32_t g)
{
    char pos[80];
    const topo_gateway_endpoint *e = &k->t->gateway_endpoints[g];
    return paths_stop(k, VERDICT_UNREACHABLE,
                      "gateway endpoint '%s' (%s) cannot carry this traffic: gateway endpoints "
                      "only serve traffic from instances in their own VPC, not %s",
                      e->name, paths_pos(e->pos, pos, sizeof pos), arrival_origin(k->arr));
}

static bool vpc_has_nat_or_igw(const topology *t, int32_t vpc)
{
    if (t->vpcs[vpc].igw >= 0) return true;
    for (size_t i = 0; i < t->nnats; i++)
        if (t->subnets[t->nats[i].subnet].vpc == vpc) return true;
    return false;
}

/* Peering and a VGW deliver only to the VPC's own addresses: VPC peering is not transitive and
 * there is no edge-to-edge routing (VPC peering guide, unsupported configurations; VPN and Direct
 * Connect to a VGW likewise; aws-facts.md VPC peering: no transitive routing, W). */
static int refuse_transit(walk *k)
{
    const topology *t = k->t;
    const topo_vpc *v = &t->vpcs[k->vpc];
    char to[200], cidr[24];
    int32_t g = paths_gateway_endpoint_for(t, k->vpc, &k->d);
    if (g >= 0) return refuse_gateway_endpoint(k, g);
    paths_dest_words(k, to, sizeof to);
    paths_cidr(v->cidr, cidr, sizeof cidr);
    if (k->arr == ARR_VGW)
        return paths_stop(k, VERDICT_UNREACHABLE,
                          "no edge-to-edge routing: on-premises traffic arriving through the "
                          "virtual private gateway of VPC '%s' is delivered only to addresses in "
                          "that VPC (%s), not to %s; it cannot use the VPC's NAT gateway, internet "
                          "gateway or peerings (a Transit Gateway egress VPC can)",
                          v->name, cidr, to);
    const topo_peering *p = &t->peerings[k->arr_index];
    int32_t from = p->vpc_a == k->vpc ? p->vpc_b : p->vpc_a;
    return paths_stop(k, VERDICT_UNREACHABLE,
                      "VPC peering is not transitive: traffic from VPC '%s' arriving in VPC '%s' "
                      "over peering '%s' is delivered only to addresses in '%s' (%s), not to %s%s",
                      t->vpcs[from].name, v->name, p->name, v->name, cidr, to,
                      k->d.kind != DEST_ENI && vpc_has_nat_or_igw(t, k->vpc)
                          ? " (it cannot use that VPC's NAT or internet gateway: no edge-to-edge "
                            "routing)"
                          : "");
}

/* A private address of another VPC sent to a NAT or internet gateway never gets there. */
static int refuse_private_via_gateway(walk *k, int32_t table, int32_t subnet, const topo_route *r)
{
    char tw[200], to[200], via[120], cidr[24];
    const topo_vpc *v = &k->t->vpcs[k->t->subnets[k->d.subnet].vpc];
    return paths_stop(k, VERDICT_UNREACHABLE,
                      "%s sends %s to %s; a private address of another VPC needs a route to VPC "
                      "'%s' (%s) through a peering connection or a transit gateway",
                      table_words(k, table, subnet, tw, sizeof tw),
                      paths_dest_words(k, to, sizeof to), target_words(k->t, r, via, sizeof via),
                      v->name, paths_cidr(v->cidr, cidr, sizeof cidr));
}

static int no_route(walk *k, int32_t table, int32_t subnet)
{
    const topology *t = k->t;
    char tw[200], to[200], hint[260] = "";
    for (size_t i = 0; i < t->ngateway_endpoints && k->d.kind == DEST_PUBLIC; i++) {
        const topo_gateway_endpoint *g = &t->gateway_endpoints[i];
        if (g->vpc != k->vpc || (int32_t)g->service != k->d.service) continue;
        int32_t own = paths_vpc_region(t, g->vpc);
        if (own != k->d.region)
            paths_text(hint, sizeof hint,
                       "; gateway endpoint '%s' serves %s only in its own Region "
                       "(%s): a gateway endpoint cannot reach %s in another Region",
                       g->name, aws_service_name(g->service), t->regions[own].name,
                       aws_service_name(g->service));
        else
            paths_text(hint, sizeof hint,
                       "; gateway endpoint '%s' is not associated with route "
                       "table '%s'",
                       g->name, t->route_tables[table].name);
        break;
    }
    if (k->d.kind == DEST_ENI) {
        const topo_vpc *v = &t->vpcs[t->subnets[k->d.subnet].vpc];
        char cidr[24];
        paths_text(hint, sizeof hint,
                   "; it needs a route to VPC '%s' (%s) through a peering "
                   "connection or a transit gateway",
                   v->name, paths_cidr(v->cidr, cidr, sizeof cidr));
    }
    return paths_stop(k, VERDICT_UNREACHABLE, "%s has no route to %s%s",
                      table_words(k, table, subnet, tw, sizeof tw),
                      paths_dest_words(k, to, sizeof to), hint);
}

/* ---- targets -------------------------------------------------------------------------------- */

/* An internet gateway translates only addresses of its VPC's instances that have public IPs
 * (VPC guide, internet gateways); traffic from elsewhere needs a NAT gateway first. */
static int igw_step(walk *k, int32_t subnet, int32_t igw, bool from_nat)
{
    const topology *t = k->t;
    const topo_igw *g = &t->igws[igw];
    if (g->vpc != k->vpc)
        return paths_stop(k, VERDICT_UNREACHABLE,
                          "internet gateway '%s' belongs to VPC '%s', not "
                          "to VPC '%s'",
                          g->name, t->vpcs[g->vpc].name, t->vpcs[k->vpc].name);
    if (!from_nat && k->arr == ARR_TGW)
        return paths_stop(k, VERDICT_UNREACHABLE,
                          "traffic arriving from transit gateway '%s' is routed by subnet '%s' "
                          "straight to internet gateway '%s', which serves only instances of its "
                          "VPC with public IPs: route 0.0.0.0/0 to a NAT gateway in the egress VPC",
                          t->tgws[k->arr_index].name, t->subnets[subnet].name, g->name);
    if (!from_nat && !t->subnets[subnet].public_ip)
        return paths_stop(k, VERDICT_UNREACHABLE,
                          "subnet '%s' routes to internet gateway '%s' but its instances have no "
                          "public IPs (public: false): an internet gateway needs a public IP or "
                          "a NAT gateway in front",
                          t->subnets[subnet].name, g->name);
    if (paths_down(k, HOP_IGW, igw, -1))
        return paths_stop(k, VERDICT_UNREACHABLE, "internet gateway '%s' is down", g->name);
    int rc = paths_push(k, HOP_IGW, igw, -1, paths_vpc_region(t, k->vpc));
    return rc ? rc : paths_deliver_public(k);
}

static int nat_down(walk *k, const topo_nat *n, int32_t subnet)
{
    const topology *t = k->t;
    int32_t az = t->subnets[n->subnet].az;
    if (!paths_az_down(k, az))
        return paths_stop(k, VERDICT_UNREACHABLE, "NAT gateway '%s' (in %s) is down", n->name,
                          paths_az_name(t, az));
    return paths_stop(
        k, VERDICT_UNREACHABLE,
        "NAT gateway '%s' is in %s, which is down: subnet '%s' in %s routes to it, and "
        "a NAT gateway is zonal (no egress for any AZ routed to it when its AZ fails)",
        n->name, paths_az_name(t, az), t->subnets[subnet].name,
        paths_az_name(t, t->subnets[subnet].az));
}

/* A NAT gateway is zonal and sends on by its own subnet's route table, which needs a route to an
 * internet gateway (VPC guide, NAT gateways: public NAT gateway in a public subnet). Zonal: other
 * AZs routed to it lose egress when its AZ fails (aws-facts.md NAT gateway zonal, D). */
static int nat_step(walk *k, int32_t subnet, int32_t nat)
{
    const topology *t = k->t;
    const topo_nat *n = &t->nats[nat];
    const topo_subnet *ns = &t->subnets[n->subnet];
    if (ns->vpc != k->vpc)
        return paths_stop(k, VERDICT_UNREACHABLE,
                          "NAT gateway '%s' is in VPC '%s', not in VPC "
                          "'%s'",
                          n->name, t->vpcs[ns->vpc].name, t->vpcs[k->vpc].name);
    if (paths_down(k, HOP_NAT, nat, ns->az)) return nat_down(k, n, subnet);
    k->via_nat = nat;
    int rc = paths_push(k, HOP_NAT, nat, ns->az, paths_vpc_region(t, k->vpc));
    if (rc) return rc;
    if (n->private_nat)
        return paths_stop(k, VERDICT_UNREACHABLE,
                          "NAT gateway '%s' is private (connectivity "
                          "type private): it does not reach the internet or public AWS "
                          "addresses",
                          n->name);
    const topo_route *r =
        ns->route_table >= 0 ? paths_lookup(t, ns->route_table, &k->d, false) : NULL;
    if (!r || r->target != RT_IGW)
        return paths_stop(k, VERDICT_UNREACHABLE,
                          "NAT gateway '%s' is in subnet '%s' whose route "
                          "table has no route to an internet gateway",
                          n->name, ns->name);
    rc = paths_check_return(k, n->subnet);
    return rc ? rc : igw_step(k, n->subnet, r->target_index, true);
}

static int gateway_endpoint_step(walk *k, int32_t table, int32_t subnet, int32_t g)
{
    const topology *t = k->t;
    const topo_gateway_endpoint *e = &t->gateway_endpoints[g];
    char tw[200], to[200];
    if (k->arr != ARR_OWN) return refuse_gateway_endpoint(k, g);
    if (e->vpc != k->vpc || k->d.kind != DEST_PUBLIC || (int32_t)e->service != k->d.service ||
        paths_vpc_region(t, e->vpc) != k->d.region)
        return paths_stop(k, VERDICT_UNREACHABLE,
                          "%s sends %s to gateway endpoint '%s', which "
                          "serves only %s in %s from VPC '%s'",
                          table_words(k, table, subnet, tw, sizeof tw),
                          paths_dest_words(k, to, sizeof to), e->name, aws_service_name(e->service),
                          t->regions[paths_vpc_region(t, e->vpc)].name, t->vpcs[e->vpc].name);
    if (paths_down(k, HOP_GATEWAY_ENDPOINT, g, -1))
        return paths_stop(k, VERDICT_UNREACHABLE, "gateway endpoint '%s' is down", e->name);
    k->via_gateway_endpoint = g;
    int rc = paths_push(k, HOP_GATEWAY_ENDPOINT, g, k->az, k->region);
    if (!rc) rc = paths_check_policy(k, e->policy, "gateway endpoint", e->name);
    return rc ? rc : paths_deliver_public(k);
}

/* A peering route must name the connection that joins exactly these two VPCs (VPC peering
 * guide); what arrives over it is delivered only inside the peer (not transitive: aws-facts.md
 * VPC peering, W). */
static int peering_step(walk *k, int32_t table, int32_t subnet, int32_t p)
{
    const topology *t = k->t;
    const topo_peering *pc = &t->peerings[p];
    char tw[200], to[200];
    int32_t other = pc->vpc_a == k->vpc ? pc->vpc_b : pc->vpc_b == k->vpc ? pc->vpc_a : -1;
    if (other < 0)
        return paths_stop(k, VERDICT_UNREACHABLE,
                          "%s sends %s to peering '%s', which joins VPCs '%s' and '%s', not VPC "
                          "'%s': VPC peering is not transitive, a peering route must use the "
                          "connection between exactly those two VPCs",
                          table_words(k, table, subnet, tw, sizeof tw),
                          paths_dest_words(k, to, sizeof to), pc->name, t->vpcs[pc->vpc_a].name,
                          t->vpcs[pc->vpc_b].name, t->vpcs[k->vpc].name);
    if (k->arr == ARR_TGW)
        return paths_stop(k, VERDICT_UNREACHABLE,
                          "VPC peering is not transitive: traffic arriving in VPC '%s' from "
                          "transit gateway '%s' cannot continue over peering '%s'",
                          t->vpcs[k->vpc].name, t->tgws[k->arr_index].name, pc->name);
    if (paths_down(k, HOP_PEERING, p, -1))
        return paths_stop(k, VERDICT_UNREACHABLE, "peering '%s' is down", pc->name);
    int rc = paths_push(k, HOP_PEERING, p, k->az, k->region);
    if (rc) return rc;
    k->vpc = other;
    k->arr = ARR_PEERING;
    k->arr_index = k->via_peering = p;
    return paths_vpc_forward(k, -1);
}

static int follow(walk *k, int32_t table, int32_t subnet, const topo_route *r)
{
    char tw[200], to[200];
    switch (r->target) {
    case RT_IGW:
        return k->d.kind == DEST_ENI ? refuse_private_via_gateway(k, table, subnet, r)
                                     : igw_step(k, subnet, r->target_index, false);
    case RT_NAT:
        return k->d.kind == DEST_ENI ? refuse_private_via_gateway(k, table, subnet, r)
                                     : nat_step(k, subnet, r->target_index);
    case RT_GATEWAY_ENDPOINT:
        return gateway_endpoint_step(k, table, subnet, r->target_index);
    case RT_PEERING:
        return peering_step(k, table, subnet, r->target_index);
    case RT_TGW:
        return paths_tgw_from_vpc(k, r->target_index, table);
    case RT_LOCAL:
        break;
    case RT_VGW:
        return paths_stop(k, VERDICT_UNREACHABLE,
                          "%s sends %s to the virtual private gateway: "
                          "the simulator does not route to it through an on-premises site",
                          table_words(k, table, subnet, tw, sizeof tw),
                          paths_dest_words(k, to, sizeof to));
    case RT_BLACKHOLE:
        return paths_stop(k, VERDICT_UNREACHABLE, "%s sends %s to a blackhole route",
                          table_words(k, table, subnet, tw, sizeof tw),
                          paths_dest_words(k, to, sizeof to));
    }
    return paths_stop(k, VERDICT_UNREACHABLE,
                      "%s keeps %s local, but nothing in VPC '%s' has "
                      "that address",
                      table_words(k, table, subnet, tw, sizeof tw),
                      paths_dest_words(k, to, sizeof to), k->t->vpcs[k->vpc].name);
}

int paths_vpc_forward(walk *k, int32_t table_subnet)
{
    const topology *t = k->t;
    if (k->d.kind == DEST_ENI && t->subnets[k->d.subnet].vpc == k->vpc)
        return paths_deliver_eni(k); /* the implicit local route */
    if (k->arr == ARR_PEERING || k->arr == ARR_VGW) return refuse_transit(k);
    const topo_subnet *s = &t->subnets[table_subnet];
    if (s->route_table < 0)
        return paths_stop(k, VERDICT_UNREACHABLE,
                          "subnet '%s' has no route table (no association "
                          "and VPC '%s' has no main route table)",
                          s->name, t->vpcs[s->vpc].name);
    const topo_route *r = paths_lookup(t, s->route_table, &k->d, true);
    return r ? follow(k, s->route_table, table_subnet, r)
             : no_route(k, s->route_table, table_subnet);
}

/* ---- responses ------------------------------------------------------------------------------ */

static bool route_goes_back(const walk *k, const topo_route *r)
{
    if (!r) return false;
    switch (k->arr) {
    case ARR_PEERING:
        return r->target == RT_PEERING && r->target_index == k->arr_index;
    case ARR_TGW:
        return r->target == RT_TGW && r->target_index == k->arr_index;
    case ARR_VGW:
        return r->target == RT_VGW;
    default:
        return true;
    }
}

static const char *way_back(const walk *k, char *buf, size_t n)
{
    if (k->arr == ARR_PEERING)
        paths_text(buf, n, "peering '%s'", k->t->peerings[k->arr_index].name);
    else if (k->arr == ARR_TGW)
        paths_text(buf, n, "transit gateway '%s'", k->t->tgws[k->arr_index].name);
    else
        paths_text(buf, n, "the virtual private gateway");
    return buf;
}

/* Routing is per direction: the subnet that answers needs a route back to the client through the
 * construct the request came by, or the responses are lost (VPC peering guide: update route
 * tables on both sides; the same holds for a Transit Gateway and a VGW). */
int paths_check_return(walk *k, int32_t subnet)
{
    if (k->arr == ARR_OWN) return STEP_OK;
    const topology *t = k->t;
    int32_t table = t->subnets[subnet].route_table;
    const topo_route *r = table >= 0 ? lookup_block(t, table, k->src) : NULL;
    if (route_goes_back(k, r)) return k->arr == ARR_TGW ? paths_tgw_return(k) : STEP_OK;
    char tw[200], cl[120], back[120], via[120] = "";
    if (table < 0)
        paths_text(tw, sizeof tw, "subnet '%s' (it has no route table)", t->subnets[subnet].name);
    else
        table_words(k, table, subnet, tw, sizeof tw);
    if (r) target_words(t, r, via, sizeof via);
    return paths_stop(k, VERDICT_UNREACHABLE,
                      "no return route: %s %s%s; responses to the client (%s) would not get back "
                      "through %s",
                      tw,
                      r ? "sends the client's addresses to "
                        : "has no route to "
                          "the client's addresses",
                      via, paths_client_words(k, cl, sizeof cl), way_back(k, back, sizeof back));
}
