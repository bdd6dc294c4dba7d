/* The routing step between networks: Transit Gateways (attachments, route tables, inter-Region
 * peering) and on-premises sites (Direct Connect with a private or transit VIF, Site-to-Site VPN,
 * the virtual private gateway). A path crosses at most a few of these. */
#include <stdio.h>

#include "paths_impl.h"

/* The attachment of VPC vpc. */
static int32_t attachment_of(const topo_tgw *g, int32_t vpc)
{
    for (size_t i = 0; i < g->nattachments; i++)
        if (g->attachments[i].vpc == vpc) return (int32_t)i;
    return -1;
}

/* The Direct Connect gateway (dx) or VPN attachment a site's connection arrives by. */
static int32_t onprem_attachment(const topo_tgw *g, bool dx)
{
    for (size_t i = 0; i < g->nattachments; i++)
        if (g->attachments[i].vpc < 0 &&
            (dx ? g->attachments[i].dx_gateway : g->attachments[i].vpn))
            return (int32_t)i;
    return -1;
}

static int32_t attachment_subnet_in(const topology *t, const topo_tgw_attachment *a, int32_t az)
{
    for (size_t i = 0; i < a->nsubnets; i++)
        if (t->subnets[a->subnets[i]].az == az) return a->subnets[i];
    return -1;
}

/* Longest prefix match in a TGW route table; public addresses match only 0.0.0.0/0. */
static const topo_tgw_route *tgw_lookup(const topo_tgw_route_table *rt, const dest *d)
{
    const topo_tgw_route *best = NULL;
    for (size_t i = 0; i < rt->nroutes; i++) {
        const topo_tgw_route *r = &rt->routes[i];
        bool hit = d->kind == DEST_PUBLIC ? r->dst.len == 0 : cidr_contains(r->dst, d->addr);
        if (hit && (!best || r->dst.len > best->dst.len)) best = r;
    }
    return best;
}

static const topo_tgw_route *tgw_lookup_block(const topo_tgw_route_table *rt, ipv4_cidr block)
{
    const topo_tgw_route *best = NULL;
    for (size_t i = 0; i < rt->nroutes; i++) {
        const topo_tgw_route *r = &rt->routes[i];
        if (r->dst.len > block.len || !cidr_contains(r->dst, block.addr)) continue;
        if (!best || r->dst.len > best->dst.len) best = r;
    }
    return best;
}

static bool tgw_peered(const topo_tgw *g, int32_t other)
{
    for (size_t i = 0; i < g->npeers; i++)
        if (g->peers[i] == other) return true;
    return false;
}

/* ---- through a Transit Gateway -------------------------------------------------------------- */

/* The attachment subnet the packet leaves by: the one in the wanted AZ (the destination's, or
 * the AZ it entered in: a TGW keeps traffic in its AZ when it can), else the first that is up. */
static int32_t exit_subnet(const walk *k, const topo_tgw_attachment *a, int32_t want)
{
    int32_t s = attachment_subnet_in(k->t, a, want);
    if (s >= 0 && !paths_az_down(k, want)) return s;
    for (size_t i = 0; i < a->nsubnets; i++)
        if (!paths_az_down(k, k->t->subnets[a->subnets[i]].az)) return a->subnets[i];
    return -1;
}

static int tgw_exit(walk *k, int32_t tgw, int32_t ai)
{
    const topology *t = k->t;
    const topo_tgw_attachment *a = &t->tgws[tgw].attachments[ai];
    bool to_here = k->d.kind == DEST_ENI && t->subnets[k->d.subnet].vpc == a->vpc;
    int32_t s = exit_subnet(k, a, to_here ? t->subnets[k->d.subnet].az : k->az);
    if (s < 0)
        return paths_stop(k, VERDICT_UNREACHABLE,
                          "every subnet of transit gateway attachment "
                          "'%s' is in an AZ that is down",
                          a->name);
    k->vpc = a->vpc;
    k->arr = ARR_TGW;
    k->arr_index = tgw;
    k->arr_att = ai;
    if (k->az < 0) k->az = t->subnets[s].az; /* entered from on premises: no AZ before */
    return paths_vpc_forward(k, s);
}

static int tgw_route(walk *k, int32_t tgw, int32_t rt, const char *from);

/* Inter-Region peering: the peer routes by its first (default) route table, since a peering
 * attachment has no table of its own in the topology. */
static int tgw_peer(walk *k, int32_t from, int32_t to)
{
    const topology *t = k->t;
    const topo_tgw *g = &t->tgws[to];
    if (!tgw_peered(&t->tgws[from], to))
        return paths_stop(k, VERDICT_UNREACHABLE,
                          "transit gateway '%s' routes to transit gateway "
                          "'%s', but the two are not peered",
                          t->tgws[from].name, g->name);
    if (paths_down(k, HOP_TGW, to, -1))
        return paths_stop(k, VERDICT_UNREACHABLE, "transit gateway '%s' is down", g->name);
    k->ntgw++;
    int rc = paths_push(k, HOP_TGW, to, -1, g->region);
    if (rc) return rc;
    if (g->nroute_tables == 0)
        return paths_stop(k, VERDICT_UNREACHABLE,
                          "transit gateway '%s' has no route table for "
                          "traffic from its peering with '%s'",
                          g->name, t->tgws[from].name);
    return tgw_route(k, to, 0, "its peering");
}

static int tgw_route(walk *k, int32_t tgw, int32_t rt, const char *from)
{
    const topo_tgw *g = &k->t->tgws[tgw];
    char to[200];
    if (rt < 0)
        return paths_stop(k, VERDICT_UNREACHABLE,
                          "attachment '%s' of transit gateway '%s' is "
                          "associated with no route table",
                          from, g->name);
    const topo_tgw_route_table *tr = &g->route_tables[rt];
    const topo_tgw_route *r = tgw_lookup(tr, &k->d);
    if (!r)
        return paths_stop(k, VERDICT_UNREACHABLE,
                          "transit gateway '%s' route table '%s' (used by "
                          "%s) has no route to %s",
                          g->name, tr->name, from, paths_dest_words(k, to, sizeof to));
    if (r->peer_tgw >= 0) return tgw_peer(k, tgw, r->peer_tgw);
    if (r->attachment < 0)
        return paths_stop(k, VERDICT_UNREACHABLE,
                          "transit gateway '%s' route table '%s' sends %s "
                          "to a blackhole route",
                          g->name, tr->name, paths_dest_words(k, to, sizeof to));
    if (g->attachments[r->attachment].vpc < 0)
        return paths_stop(k, VERDICT_UNREACHABLE,
                          "transit gateway '%s' route table '%s' sends %s "
                          "to on-premises attachment '%s': the simulator does not route to it "
                          "through an on-premises site",
                          g->name, tr->name, paths_dest_words(k, to, sizeof to),
                          g->attachments[r->attachment].name);
    return tgw_exit(k, tgw, r->attachment);
}

static int tgw_enter(walk *k, int32_t tgw, int32_t ai, int32_t az)
{
    const topo_tgw *g = &k->t->tgws[tgw];
    if (paths_down(k, HOP_TGW, tgw, -1))
        return paths_stop(k, VERDICT_UNREACHABLE, "transit gateway '%s' is down", g->name);
    if (k->ntgw++ == 0) k->entry_att = ai;
    int rc = paths_push(k, HOP_TGW, tgw, az, g->region);
    return rc ? rc : tgw_route(k, tgw, g->attachments[ai].route_table, g->attachments[ai].name);
}

/* Traffic enters a TGW through the attachment subnet of its own AZ: resources in an AZ without an
 * attachment subnet cannot reach the transit gateway (Transit Gateway guide, VPC attachments). */
int paths_tgw_from_vpc(walk *k, int32_t tgw, int32_t table)
{
    const topology *t = k->t;
    const topo_tgw *g = &t->tgws[tgw];
    char to[200], pos[80];
    if (k->arr == ARR_TGW && k->arr_index == tgw)
        return paths_stop(k, VERDICT_UNREACHABLE,
                          "route table '%s' sends traffic that came out "
                          "of transit gateway '%s' back into it (a routing loop)",
                          t->route_tables[table].name, g->name);
    int32_t ai = attachment_of(g, k->vpc);
    if (ai < 0)
        return paths_stop(k, VERDICT_UNREACHABLE,
                          "route table '%s' (%s) sends %s to transit "
                          "gateway '%s', but VPC '%s' has no attachment to it",
                          t->route_tables[table].name,
                          paths_pos(t->route_tables[table].pos, pos, sizeof pos),
                          paths_dest_words(k, to, sizeof to), g->name, t->vpcs[k->vpc].name);
    if (attachment_subnet_in(t, &g->attachments[ai], k->az) < 0)
        return paths_stop(k, VERDICT_UNREACHABLE,
                          "transit gateway attachment '%s' has no subnet "
                          "in %s: resources in an AZ without an attachment subnet cannot reach "
                          "the transit gateway",
                          g->attachments[ai].name, paths_az_name(t, k->az));
    return tgw_enter(k, tgw, ai, k->az);
}

int paths_tgw_return(walk *k)
{
    if (k->ntgw != 1) return STEP_OK;
    const topo_tgw *g = &k->t->tgws[k->arr_index];
    const topo_tgw_attachment *out_att = &g->attachments[k->arr_att];
    const topo_tgw_attachment *in_att = &g->attachments[k->entry_att];
    const topo_tgw_route *r = NULL;
    if (out_att->route_table >= 0)
        r = tgw_lookup_block(&g->route_tables[out_att->route_table], k->src);
    if (r && r->peer_tgw < 0 && r->attachment == k->entry_att) return STEP_OK;
    /* a site's DX and VPN attachments both lead back to it: BGP picks the one that is up */
    if (r && r->peer_tgw < 0 && r->attachment >= 0 && in_att->vpc < 0 &&
        g->attachments[r->attachment].vpc < 0)
        return STEP_OK;
    char cl[120];
    return paths_stop(
        k, VERDICT_UNREACHABLE,
        "no return route: transit gateway '%s' route table "
        "'%s' (of attachment '%s') has no route back to the client (%s) through "
        "attachment '%s'",
        g->name, out_att->route_table >= 0 ? g->route_tables[out_att->route_table].name : "(none)",
        out_att->name, paths_client_words(k, cl, sizeof cl), in_att->name);
}

/* ---- from an on-premises site --------------------------------------------------------------- */

static int land_vgw(walk *k, int32_t vpc, const char *conn)
{
    const topology *t = k->t;
    const topo_vpc *v = &t->vpcs[vpc];
    if (!v->vgw)
        return paths_stop(k, VERDICT_UNREACHABLE,
                          "the %s of site '%s' ends at VPC '%s', which has "
                          "no virtual private gateway attached",
                          conn, t->sites[k->src_site].name, v->name);
    if (paths_down(k, HOP_VGW, vpc, -1))
        return paths_stop(k, VERDICT_UNREACHABLE,
                          "the virtual private gateway of VPC '%s' is "
                          "down",
                          v->name);
    int rc = paths_push(k, HOP_VGW, vpc, -1, v->region);
    if (rc) return rc;
    k->vpc = vpc;
    k->arr = ARR_VGW;
    return paths_vpc_forward(k, -1);
}

static int land_tgw(walk *k, int32_t tgw, bool dx)
{
    const topo_tgw *g = &k->t->tgws[tgw];
    int32_t ai = onprem_attachment(g, dx);
    if (ai < 0)
        return paths_stop(k, VERDICT_UNREACHABLE,
                          "the %s of site '%s' ends at transit gateway "
                          "'%s', which has no %s attachment",
                          dx ? "Direct Connect" : "Site-to-Site VPN", k->t->sites[k->src_site].name,
                          g->name, dx ? "Direct Connect gateway" : "VPN");
    return tgw_enter(k, tgw, ai, -1);
}

/* A private VIF reaches a VGW (through a DX gateway); only a transit VIF reaches a Transit
 * Gateway (Direct Connect guide, virtual interfaces). */
static int land(walk *k, int32_t vpc, int32_t tgw, vif_kind vif, const char *conn)
{
    const char *site = k->t->sites[k->src_site].name;
    if (vif == VIF_PRIVATE && vpc >= 0) return land_vgw(k, vpc, conn);
    if (vif == VIF_TRANSIT && tgw >= 0) return land_tgw(k, tgw, true);
    if (vif == VIF_PRIVATE && tgw >= 0)
        return paths_stop(k, VERDICT_UNREACHABLE,
                          "the %s of site '%s' uses a private VIF, which "
                          "cannot reach transit gateway '%s': use a transit VIF",
                          conn, site, k->t->tgws[tgw].name);
    if (vif == VIF_TRANSIT && vpc >= 0)
        return paths_stop(k, VERDICT_UNREACHABLE,
                          "the %s of site '%s' uses a transit VIF, which "
                          "reaches only a transit gateway, not the VGW of VPC '%s'",
                          conn, site, k->t->vpcs[vpc].name);
    return paths_stop(k, VERDICT_UNREACHABLE,
                      "the %s of site '%s' ends at no VPC or transit "
                      "gateway",
                      conn, site);
}

static int no_connection(walk *k, const topo_site *s)
{
    if (!s->dx.present && !s->vpn.present)
        return paths_stop(k, VERDICT_UNREACHABLE,
                          "site '%s' has neither Direct Connect nor a "
                          "Site-to-Site VPN",
                          s->name);
    if (s->dx.present && s->vpn.present)
        return paths_stop(k, VERDICT_UNREACHABLE,
                          "site '%s': Direct Connect and its "
                          "Site-to-Site VPN are both down",
                          s->name);
    if (s->dx.present)
        return paths_stop(k, VERDICT_UNREACHABLE,
                          "site '%s': Direct Connect is down and the site "
                          "has no Site-to-Site VPN to fall back to",
                          s->name);
    return paths_stop(k, VERDICT_UNREACHABLE, "site '%s': its Site-to-Site VPN is down", s->name);
}

/* The site's router sends over Direct Connect, or over the VPN when the DX is down (BGP prefers
 * DX and fails over to the VPN: Direct Connect resiliency guide). */
int paths_site_start(walk *k)
{
    const topo_site *s = &k->t->sites[k->src_site];
    int rc = paths_push_link(k, HOP_ONPREM_ROUTER, k->src_site, -1, s->region, LINK_ONPREM);
    if (rc) return rc;
    if (s->dx.present && !paths_down(k, HOP_DX, k->src_site, -1)) {
        rc = paths_push_link(k, HOP_DX, k->src_site, -1, s->region, LINK_DX);
        return rc ? rc : land(k, s->dx.vpc, s->dx.tgw, s->dx.vif, "Direct Connect");
    }
    if (s->vpn.present && !paths_down(k, HOP_VPN, k->src_site, -1)) {
        rc = paths_push_link(k, HOP_VPN, k->src_site, -1, s->region, LINK_VPN);
        if (rc) return rc;
        if (s->vpn.vpc >= 0) return land_vgw(k, s->vpn.vpc, "Site-to-Site VPN");
        if (s->vpn.tgw >= 0) return land_tgw(k, s->vpn.tgw, false);
        return paths_stop(k, VERDICT_UNREACHABLE,
                          "the Site-to-Site VPN of site '%s' ends at no "
                          "VPC or transit gateway",
                          s->name);
    }
    return no_connection(k, s);
}
