/* `vpcsim import terraform`: Transit Gateways (attachments, route tables, associations,
 * propagations, routes, peerings), on-premises sites (VPN and Direct Connect, merged per gateway
 * they reach) and endpoint names shared through private hosted zones. Handlers of the table in
 * import_tf_types.c. */
#include <string.h>

#include "cli/import_tf_impl.h"

#define V(r)    ((r)->values)
#define S(r, k) tf_str(c, r, k)

/* ---- Transit Gateways ------------------------------------------------------------------------ */

void tf_tgw(tf_ctx *c, tf_res *r)
{
    json_object *o = tf_elem(c, r, "transit_gateways");
    import_set_str(o, "region", S(r, "region"));
}

static bool tgw_default(tf_ctx *c, const tf_res *tgw, const char *key)
{
    const char *v = S(tgw, key);
    return !v || strcmp(v, "disable") != 0; /* AWS's default: enable */
}

/* The TGW's default route table (made on first use). */
static json_object *tgw_default_rt(tf_ctx *c, tf_res *tgw)
{
    json_object *rts = import_get(tgw->elem, "route_tables");
    for (size_t i = 0; i < import_len(rts); i++)
        if (strcmp(import_str(json_object_array_get_idx(rts, i), "#"), "default route table") == 0)
            return json_object_array_get_idx(rts, i);
    (void)c;
    json_object *rt = import_sub_new(tgw->elem, "route_tables", "default", "default route table");
    json_object_object_add(rt, "routes", json_object_new_array());
    return rt;
}

/* A new attachment of kind ("vpc", "vpn", "dx") of r to tgw, associated and propagated as the
 * TGW's defaults and the attachment's flags say. */
static json_object *tgw_attach(tf_res *r, tf_res *tgw, const char *kind)
{
    char nm[IMPORT_NAME_MAX + 1];
    json_object *a = import_sub_new(tgw->elem, "attachments", tf_name(r, nm, sizeof nm), r->addr);
    if (strcmp(kind, "vpn") == 0) import_set_bool(a, "vpn", true);
    if (strcmp(kind, "dx") == 0) import_set_bool(a, "direct_connect_gateway", true);
    r->att = a, r->tgw = tgw, r->done = 1;
    return a;
}

/* The TGW's default association, unless the attachment or the TGW turns it off (written after
 * the attachment's other keys). */
static void tgw_attach_default(tf_ctx *c, tf_res *r)
{
    bool assoc = import_bool(V(r), "transit_gateway_default_route_table_association", true);
    if (assoc && tgw_default(c, r->tgw, "default_route_table_association"))
        import_set_str(r->att, "route_table", import_str(tgw_default_rt(c, r->tgw), "name"));
}

void tf_tgw_vpc_att(tf_ctx *c, tf_res *r)
{
    tf_res *tgw = tf_ref1(c, r, V(r), r->expr, "transit_gateway_id", "aws_ec2_transit_gateway");
    const char *vpc = tf_ref_name(c, r, "vpc_id", "aws_vpc");
    if (!tgw || !tgw->elem || !vpc) return tf_skip(c, r, "its TGW or VPC is not in this estate");
    json_object *a = tgw_attach(r, tgw, "vpc");
    import_set_str(a, "vpc", vpc);
    tf_names_of(c, r, "subnet_ids", "aws_subnet", a, "subnets");
    tgw_attach_default(c, r);
    json_object *v = import_find(c->e, "vpcs", vpc);
    if (!import_str(tgw->elem, "region") && v && import_str(v, "region"))
        import_set_str(tgw->elem, "region", import_str(v, "region"));
}

void tf_tgw_rt(tf_ctx *c, tf_res *r)
{
    tf_res *tgw = tf_ref1(c, r, V(r), r->expr, "transit_gateway_id", "aws_ec2_transit_gateway");
    if (!tgw || !tgw->elem) return tf_skip(c, r, "its TGW is not in this estate");
    char nm[IMPORT_NAME_MAX + 1];
    r->elem = import_sub_new(tgw->elem, "route_tables", tf_name(r, nm, sizeof nm), r->addr);
    json_object_object_add(r->elem, "routes", json_object_new_array());
    r->name = import_str(r->elem, "name"), r->tgw = tgw, r->done = 1;
}

void tf_tgw_peering(tf_ctx *c, tf_res *r)
{
    tf_res *a = tf_ref1(c, r, V(r), r->expr, "transit_gateway_id", "aws_ec2_transit_gateway");
    tf_res *b = tf_ref1(c, r, V(r), r->expr, "peer_transit_gateway_id", "aws_ec2_transit_gateway");
    if (!a || !b || !a->elem || !b->elem) return tf_skip(c, r, "a peer TGW is not in this estate");
    import_add_str(a->elem, "peers", b->name);
    r->tgw = a, r->name = b->name, r->done = 1;
}

/* The attachment an attribute names: a VPC, VPN or DX attachment, or a peering (peer set). */
static tf_res *tgw_att_ref(tf_ctx *c, tf_res *r, const char *attr, const char **peer)
{
    tf_res *t = tf_ref1(c, r, V(r), r->expr, attr, NULL);
    *peer = NULL;
    if (t && strcmp(t->type, "aws_ec2_transit_gateway_peering_attachment") == 0) {
        *peer = t->name;
        return t;
    }
    if (t && t->data) { /* data.aws_ec2_transit_gateway_{dx_gateway,vpn}_attachment */
        tf_res *by = tf_ref1(c, t, V(t), t->expr, "vpn_connection_id", "aws_vpn_connection");
        tf_res *dxgw = tf_ref1(c, t, V(t), t->expr, "dx_gateway_id", "aws_dx_gateway");
        for (size_t i = 0; !by && dxgw && i < c->n; i++)
            if (strcmp(c->res[i].type, "aws_dx_gateway_association") == 0 &&
                tf_ref1(c, &c->res[i], V(&c->res[i]), c->res[i].expr, "dx_gateway_id", NULL) ==
                    dxgw)
                by = &c->res[i];
        t->done = t->done || (by && by->att);
        t = by;
    }
    return t && t->att ? t : NULL;
}

void tf_tgw_assoc(tf_ctx *c, tf_res *r)
{
    const char *peer;
    tf_res *att = tgw_att_ref(c, r, "transit_gateway_attachment_id", &peer);
    tf_res *rt = tf_ref1(c, r, V(r), r->expr, "transit_gateway_route_table_id", NULL);
    if (!att || peer || !rt || !rt->elem)
        return tf_skip(c, r, "its attachment or route table is not imported");
    import_set_str(att->att, "route_table", rt->name);
    r->done = 1;
}

/* The range behind an attachment: its VPC's CIDR, or its site's. */
static const char *att_range(tf_ctx *c, json_object *att)
{
    json_object *v = import_find(c->e, "vpcs", import_str(att, "vpc"));
    if (v) return import_str(v, "cidr");
    json_object *sites = import_get(c->e->kinds, "sites");
    const char *tgw_att = import_str(att, "name");
    for (size_t i = 0; i < import_len(sites); i++) {
        json_object *s = json_object_array_get_idx(sites, i);
        const char *via = import_str(s, "#att_vpn"), *via2 = import_str(s, "#att_dx");
        if ((via && strcmp(via, tgw_att) == 0) || (via2 && strcmp(via2, tgw_att) == 0))
            return import_str(s, "cidr");
    }
    return NULL;
}

/* The routes of a TGW route table element, or NULL when the reference led to something else
 * (a crafted or broken file can name another resource type there). */
static json_object *tgw_routes(json_object *rt)
{
    json_object *routes = import_get(rt, "routes");
    return json_object_is_type(routes, json_type_array) ? routes : NULL;
}

static void tgw_propagate(tf_ctx *c, json_object *rt, json_object *att, const char *source)
{
    const char *dst = att_range(c, att);
    json_object *routes = tgw_routes(rt);
    if (!dst || !routes) {
        import_skip(c->e, source,
                    !dst ? "propagation of an attachment with no known range"
                         : "its route table is not a Transit Gateway route table");
        return;
    }
    json_object *o = json_object_new_object();
    import_set_str(o, "#", source);
    import_set_str(o, "destination", dst);
    import_set_str(o, "attachment", import_str(att, "name"));
    for (size_t i = 0; i < import_len(routes); i++) {
        const char *d = import_str(json_object_array_get_idx(routes, i), "destination");
        if (d && strcmp(d, dst) == 0) {
            json_object_put(o); /* a static route wins over a propagated one */
            return;
        }
    }
    json_object_array_add(routes, o);
}

void tf_tgw_prop(tf_ctx *c, tf_res *r)
{
    const char *peer;
    tf_res *att = tgw_att_ref(c, r, "transit_gateway_attachment_id", &peer);
    tf_res *rt = tf_ref1(c, r, V(r), r->expr, "transit_gateway_route_table_id", NULL);
    if (!att || peer || !rt || !rt->elem)
        return tf_skip(c, r, "its attachment or route table is not imported");
    char src[TF_ADDR_MAX + 16];
    snprintf(src, sizeof src, "propagated: %s", r->addr);
    tgw_propagate(c, rt->elem, att->att, src);
    r->done = 1;
}

/* Default propagation of every attachment that has it, after the static routes. */
void tf_default_props(tf_ctx *c, tf_res *r)
{
    if (!r->att || !r->tgw || !tgw_default(c, r->tgw, "default_route_table_propagation") ||
        !import_bool(V(r), "transit_gateway_default_route_table_propagation", true))
        return;
    char src[TF_ADDR_MAX + 32];
    snprintf(src, sizeof src, "default propagation: %s", r->addr);
    tgw_propagate(c, tgw_default_rt(c, r->tgw), r->att, src);
}

void tf_tgw_route(tf_ctx *c, tf_res *r)
{
    const char *peer, *dst = S(r, "destination_cidr_block");
    tf_res *rt = tf_ref1(c, r, V(r), r->expr, "transit_gateway_route_table_id", NULL);
    tf_res *att = tgw_att_ref(c, r, "transit_gateway_attachment_id", &peer);
    bool hole = import_bool(V(r), "blackhole", false);
    r->done = 1;
    if (!rt || !tgw_routes(rt->elem) || !dst || (!att && !hole))
        return import_skip(c->e, r->addr, "its route table, range or attachment is not imported");
    json_object *o = json_object_new_object();
    import_set_str(o, "destination", dst);
    if (hole)
        import_set_bool(o, "blackhole", true);
    else if (peer)
        import_set_str(o, "peer", peer);
    else
        import_set_str(o, "attachment", import_str(att->att, "name"));
    json_object_array_add(tgw_routes(rt->elem), o);
}

/* ---- sites: VPN and Direct Connect ----------------------------------------------------------- */

/* The site reached through gateway gw (one per customer location: a VPN and a DX to the same
 * gateway are one site), named after owner (customer gateway or DX connection) if new. */
static json_object *site_for(tf_ctx *c, tf_res *owner, const char *gw)
{
    char nm[IMPORT_NAME_MAX + 1];
    if (owner->elem) return owner->elem;
    json_object *s = import_site_for(c->e, gw, tf_name(owner, nm, sizeof nm), owner->addr);
    owner->elem = s, owner->done = 1;
    return s;
}

void tf_vpn(tf_ctx *c, tf_res *r)
{
    tf_res *cgw = tf_ref1(c, r, V(r), r->expr, "customer_gateway_id", "aws_customer_gateway");
    tf_res *vgw = tf_ref1(c, r, V(r), r->expr, "vpn_gateway_id", "aws_vpn_gateway");
    tf_res *tgw = tf_ref1(c, r, V(r), r->expr, "transit_gateway_id", "aws_ec2_transit_gateway");
    if (!cgw || (!(vgw && vgw->name) && !(tgw && tgw->elem)))
        return tf_skip(c, r,
                       "its customer gateway, or its VPN or Transit Gateway, is not imported");
    json_object *vpn = json_object_new_object();
    import_set_int(vpn, "tunnels", 2);
    if (tgw && tgw->elem) {
        json_object *a = tgw_attach(r, tgw, "vpn");
        tgw_attach_default(c, r);
        import_set_str(vpn, "transit_gateway", tgw->name);
        json_object *s = site_for(c, cgw, tgw->name);
        cgw->elem = s, cgw->done = 1;
        import_set_str(s, "#att_vpn", import_str(a, "name"));
        json_object_object_add(s, "vpn", vpn);
    } else {
        import_set_str(vpn, "vpc", vgw->name);
        json_object *s = site_for(c, cgw, vgw->name);
        cgw->elem = s, cgw->done = 1;
        json_object_object_add(s, "vpn", vpn);
    }
    r->elem = cgw->elem, r->done = 1;
}

void tf_vpn_route(tf_ctx *c, tf_res *r)
{
    tf_res *vpn = tf_ref1(c, r, V(r), r->expr, "vpn_connection_id", "aws_vpn_connection");
    r->done = 1;
    if (!vpn || !vpn->elem || !S(r, "destination_cidr_block"))
        return import_skip(c->e, r->addr, "its VPN connection is not imported");
    if (!import_str(vpn->elem, "cidr"))
        import_set_str(vpn->elem, "cidr", S(r, "destination_cidr_block"));
    else
        import_skip(c->e, r->addr, "a site has one range: %s kept, %s left out",
                    import_str(vpn->elem, "cidr"), S(r, "destination_cidr_block"));
}

void tf_dx_assoc(tf_ctx *c, tf_res *r)
{
    tf_res *gw = tf_ref1(c, r, V(r), r->expr, "associated_gateway_id", NULL);
    if (!gw || !gw->name) return tf_skip(c, r, "its associated gateway is not imported");
    if (strcmp(gw->type, "aws_ec2_transit_gateway") == 0) {
        tgw_attach(r, gw, "dx");
        tgw_attach_default(c, r);
    }
    r->tgw = gw, r->done = 1;
}

void tf_dx_vif(tf_ctx *c, tf_res *r)
{
    bool transit = strcmp(r->type, "aws_dx_transit_virtual_interface") == 0;
    tf_res *conn = tf_ref1(c, r, V(r), r->expr, "connection_id", "aws_dx_connection");
    tf_res *vgw = tf_ref1(c, r, V(r), r->expr, "vpn_gateway_id", "aws_vpn_gateway");
    tf_res *dxgw = tf_ref1(c, r, V(r), r->expr, "dx_gateway_id", "aws_dx_gateway"), *assoc = NULL;
    for (size_t i = 0; dxgw && !assoc && i < c->n; i++)
        if (strcmp(c->res[i].type, "aws_dx_gateway_association") == 0 && c->res[i].tgw &&
            tf_ref1(c, &c->res[i], V(&c->res[i]), c->res[i].expr, "dx_gateway_id", NULL) == dxgw)
            assoc = &c->res[i];
    tf_res *gw = vgw ? vgw : assoc ? assoc->tgw : NULL;
    if (!conn || !gw || !gw->name || !S(conn, "bandwidth") || !S(conn, "location"))
        return tf_skip(c, r, "its connection, or the gateway it reaches, is not imported");
    json_object *dx = json_object_new_object();
    import_set_str(dx, "location", S(conn, "location"));
    import_set_int(dx, "distance_km", 50);
    import_set_str(dx, "port_speed", S(conn, "bandwidth"));
    import_set_str(dx, "vif", transit ? "transit" : "private");
    import_set_str(dx, transit ? "transit_gateway" : "vpc", gw->name);
    json_object *s = site_for(c, conn, gw->name);
    conn->elem = s, conn->done = 1;
    if (assoc && assoc->att) import_set_str(s, "#att_dx", import_str(assoc->att, "name"));
    json_object_object_add(s, "direct_connect", dx);
    if (dxgw) dxgw->done = 1;
    r->done = 1;
    import_note(c->e, "%s: distance_km 50 is assumed (not in Terraform): set the fibre distance",
                r->addr);
}

/* Interface endpoint DNS shared through a private hosted zone named as the service. */
void tf_zone(tf_ctx *c, tf_res *r)
{
    const char *zone = S(r, "name");
    size_t zl = zone ? strlen(zone) : 0;
    tf_res *vpcs[ZONE_VPCS_MAX];
    size_t nv = 0;
    json_object *blocks = import_get(V(r), "vpc");
    for (size_t i = 0; i < import_len(blocks); i++) {
        tf_res *v = tf_ref1(c, r, json_object_array_get_idx(blocks, i),
                            tf_block_expr(r, "vpc", i, import_len(blocks)), "vpc_id", "aws_vpc");
        if (v && v->name && nv < ZONE_VPCS_MAX) vpcs[nv++] = v;
    }
    for (size_t i = 0; i < c->n; i++) {
        tf_res *a = &c->res[i];
        if (strcmp(a->type, "aws_route53_zone_association") ||
            tf_ref1(c, a, V(a), a->expr, "zone_id", NULL) != r)
            continue;
        tf_res *v = tf_ref1(c, a, V(a), a->expr, "vpc_id", "aws_vpc");
        if (v && v->name && nv < ZONE_VPCS_MAX) vpcs[nv++] = v;
        a->done = 1;
    }
    const char *names[ZONE_VPCS_MAX];
    for (size_t k = 0; k < nv; k++) names[k] = vpcs[k]->name;
    if (zl && import_share_zone(c->e, zone, names, nv)) {
        r->done = 1;
        for (size_t k = 0; k < c->n; k++) /* its alias records point at the endpoint */
            if (strcmp(c->res[k].type, "aws_route53_record") == 0 &&
                tf_ref1(c, &c->res[k], V(&c->res[k]), c->res[k].expr, "zone_id", NULL) == r)
                c->res[k].done = 1;
        return;
    }
    tf_skip(c, r,
            "a private hosted zone is modelled only when it shares an interface endpoint's "
            "service name (dns_shared_with)");
}
