/* `vpcsim import terraform`: one const table says which AWS provider resource types become which
 * scenario elements, in passes (a route needs its NAT gateway's element, a site its gateways').
 * Every resource ends imported, consumed by another element, or listed with the reason. */
#include <stdlib.h>
#include <string.h>

#include "cli/import_tf_impl.h"

#define V(r)    ((r)->values)
#define S(r, k) tf_str(c, r, k)

/* Attribute key of r as a string; NULL when absent or unknown. Any other type is bad input: the
 * first such is kept in c (its JSON path) and ends the import with exit 2. */
const char *tf_str(tf_ctx *c, const tf_res *r, const char *key)
{
    json_object *v = import_get(r->values, key);
    if (!v || json_object_is_type(v, json_type_string)) return v ? json_object_get_string(v) : NULL;
    if (!c->bad)
        error_set(c->err, "%s: %s.values.%s: expected a string, got %s", c->file, r->jpath, key,
                  json_type_to_name(json_object_get_type(v)));
    c->bad = 1;
    return NULL;
}

/* "hub.this" from module.hub.aws_vpc.this, "spoke.0.a" from module.spoke[0].aws_subnet.a. */
const char *tf_name(const tf_res *r, char *buf, size_t n)
{
    char raw[TF_ADDR_MAX];
    size_t k = 0;
    const char *p = r->addr;
    while (strncmp(p, "module.", 7) == 0 || strncmp(p, "data.", 5) == 0) {
        if (strncmp(p, "data.", 5) == 0) {
            p += 5;
            break;
        }
        p += 7;
        size_t m = strcspn(p, ".");
        if (p[strcspn(p, ".[")] == '[') m = strchr(p, ']') ? (size_t)(strchr(p, ']') - p + 1) : m;
        k += (size_t)snprintf(raw + k, sizeof raw - k, "%.*s.", (int)m, p);
        p += m + (p[m] == '.');
        if (k >= sizeof raw) break;
    }
    p = strchr(p, '.') ? strchr(p, '.') + 1 : p; /* drop the resource type */
    snprintf(raw + (k < sizeof raw ? k : 0), sizeof raw - (k < sizeof raw ? k : 0), "%s", p);
    for (char *q = raw; *q; q++)
        if (*q == '[' || *q == ']' || *q == '"') *q = '.';
    import_sanitize(raw, buf, n);
    /* collapse the dots the brackets left */
    char *w = buf;
    for (const char *q = buf; *q; q++)
        if (!(*q == '.' && (w == buf || w[-1] == '.'))) *w++ = *q;
    while (w > buf + 1 && w[-1] == '.') w--;
    *w = 0;
    return buf;
}

json_object *tf_elem(tf_ctx *c, tf_res *r, const char *kind)
{
    char nm[IMPORT_NAME_MAX + 1];
    r->elem = import_elem_new(c->e, kind, tf_name(r, nm, sizeof nm), r->addr);
    r->name = import_str(r->elem, "name");
    r->done = 1;
    return r->elem;
}

void tf_skip(tf_ctx *c, tf_res *r, const char *why)
{
    if (r->done) return;
    import_skip(c->e, r->addr, "%s", why);
    r->done = 1;
}

/* The element name of what attribute attr refers to, if it is of type and was imported. */
const char *tf_ref_name(tf_ctx *c, tf_res *r, const char *attr, const char *type)
{
    tf_res *t = tf_ref1(c, r, V(r), r->expr, attr, type);
    return t && t->name ? t->name : NULL;
}

/* A nested block's expressions (a plan): the i-th of n blocks when the counts match. */
json_object *tf_block_expr(tf_res *r, const char *block, size_t i, size_t n)
{
    json_object *b = import_get(r->expr, block);
    return import_len(b) == n ? json_object_array_get_idx(b, i) : NULL;
}

/* ---- VPCs, subnets, gateways ----------------------------------------------------------------- */

static void tf_vpc(tf_ctx *c, tf_res *r)
{
    if (!S(r, "cidr_block")) return tf_skip(c, r, "cidr_block unknown (IPAM-allocated?): give it");
    json_object *o = tf_elem(c, r, "vpcs");
    import_set_str(o, "region", S(r, "region")); /* provider 6 has it; else from the subnets */
    import_set_str(o, "cidr", S(r, "cidr_block"));
}

static void tf_igw(tf_ctx *c, tf_res *r)
{
    const char *attr = "vpc_id";
    tf_res *gw = strcmp(r->type, "aws_internet_gateway") == 0
                     ? r
                     : tf_ref1(c, r, V(r), r->expr, "internet_gateway_id", NULL);
    json_object *vpc = import_find(c->e, "vpcs", tf_ref_name(c, r, attr, "aws_vpc"));
    if (!vpc || !gw) {
        if (strcmp(r->type, "aws_internet_gateway") == 0 && !r->expr && !S(r, "vpc_id")) return;
        return tf_skip(c, r, "not attached to a VPC of this estate");
    }
    if (!gw->name) gw->name = tf_name(gw, gw->own, sizeof gw->own);
    import_set_str(vpc, "internet_gateway", gw->name);
    gw->done = r->done = 1;
}

static void tf_vgw(tf_ctx *c, tf_res *r)
{
    json_object *vpc = import_find(c->e, "vpcs", tf_ref_name(c, r, "vpc_id", "aws_vpc"));
    tf_res *gw = strcmp(r->type, "aws_vpn_gateway") == 0
                     ? r
                     : tf_ref1(c, r, V(r), r->expr, "vpn_gateway_id", "aws_vpn_gateway");
    if (!vpc || !gw) {
        if (strcmp(r->type, "aws_vpn_gateway") == 0) return; /* an attachment may follow */
        return tf_skip(c, r, "not attached to a VPC of this estate");
    }
    import_set_bool(vpc, "vpn_gateway", true);
    gw->name = import_str(vpc, "name");
    gw->done = r->done = 1;
}

static void tf_subnet(tf_ctx *c, tf_res *r)
{
    const char *vpc = tf_ref_name(c, r, "vpc_id", "aws_vpc");
    const char *az =
        S(r, "availability_zone") ? S(r, "availability_zone") : S(r, "availability_zone_id");
    char reg[64];
    if (!vpc)
        return tf_skip(c, r, "its VPC is not in this estate (a data source or another state?)");
    if (!az || !S(r, "cidr_block"))
        return tf_skip(c, r,
                       "availability_zone or cidr_block unknown: give them in the configuration");
    const char *region = import_az_region(az, reg, sizeof reg);
    if (!region) return tf_skip(c, r, "availability_zone is not an AZ name (us-east-1a)");
    json_object *o = tf_elem(c, r, "subnets");
    import_set_str(o, "vpc", vpc);
    import_set_str(o, "az", az);
    import_set_str(o, "cidr", S(r, "cidr_block"));
    if (import_bool(V(r), "map_public_ip_on_launch", false)) import_set_bool(o, "public", true);
    import_region_az(c->e, region, az);
    json_object *v = import_find(c->e, "vpcs", vpc);
    if (v && !import_str(v, "region")) import_set_str(v, "region", region);
}

static void tf_route_table(tf_ctx *c, tf_res *r)
{
    bool dflt = strcmp(r->type, "aws_default_route_table") == 0;
    const char *vpc = tf_ref_name(c, r, "vpc_id", "aws_vpc");
    if (!vpc && dflt) vpc = tf_ref_name(c, r, "default_route_table_id", "aws_vpc");
    if (!vpc) return tf_skip(c, r, "its VPC is not in this estate");
    json_object *o = tf_elem(c, r, "route_tables");
    import_set_str(o, "vpc", vpc);
    if (dflt) import_set_bool(o, "main", true);
}

static void tf_rt_assoc(tf_ctx *c, tf_res *r)
{
    const char *rt = tf_ref_name(c, r, "route_table_id", NULL);
    json_object *sn = import_find(c->e, "subnets", tf_ref_name(c, r, "subnet_id", "aws_subnet"));
    if (!rt || !sn)
        return tf_skip(c, r,
                       S(r, "gateway_id") || import_get(r->expr, "gateway_id")
                           ? "edge association (gateway route table) is not modelled"
                           : "its subnet or route table is not in this estate");
    import_set_str(sn, "route_table", rt);
    r->done = 1;
}

static void tf_main_assoc(tf_ctx *c, tf_res *r)
{
    json_object *rt = import_find(c->e, "route_tables", tf_ref_name(c, r, "route_table_id", NULL));
    if (!rt) return tf_skip(c, r, "its route table is not in this estate");
    import_set_bool(rt, "main", true);
    r->done = 1;
}

static void tf_nat(tf_ctx *c, tf_res *r)
{
    const char *sn = tf_ref_name(c, r, "subnet_id", "aws_subnet");
    if (!sn) return tf_skip(c, r, "its subnet is not in this estate");
    json_object *o = tf_elem(c, r, "nat_gateways");
    import_set_str(o, "subnet", sn);
    const char *conn = S(r, "connectivity_type");
    size_t extra = import_len(import_get(V(r), "secondary_allocation_ids"));
    tf_res *eips[TF_REFS_MAX];
    size_t ne = tf_refs(c, r, V(r), r->expr, "allocation_id", eips, TF_REFS_MAX);
    ne += tf_refs(c, r, V(r), r->expr, "secondary_allocation_ids", eips + ne, TF_REFS_MAX - ne);
    for (size_t i = 0; i < ne; i++) eips[i]->done = 1; /* its addresses */
    if (ne > 1 + extra) extra = ne - 1;
    if (extra) import_set_int(o, "ips", (long long)(1 + extra > 8 ? 8 : 1 + extra));
    if (conn && strcmp(conn, "private") == 0) import_set_str(o, "connectivity", "private");
}

static void tf_peering(tf_ctx *c, tf_res *r)
{
    const char *a = tf_ref_name(c, r, "vpc_id", "aws_vpc"),
               *b = tf_ref_name(c, r, "peer_vpc_id", "aws_vpc");
    if (!a || !b)
        return tf_skip(c, r, "a peer VPC is not in this estate (another account or state)");
    json_object *o = tf_elem(c, r, "peerings");
    import_add_str(o, "vpcs", a);
    import_add_str(o, "vpcs", b);
}

/* ---- routes ---------------------------------------------------------------------------------- */

/* The target of a route (values vals, expressions ex) as the scenario writes it, or NULL with
 * *why set. A gateway endpoint route adds the table to the endpoint instead (*gwe). */
static const char *route_target(tf_ctx *c, tf_res *r, json_object *vals, json_object *ex, char *buf,
                                size_t n, const char **why)
{
    static const struct {
        const char *attr, *type, *prefix;
    } kinds[] = {{"nat_gateway_id", "aws_nat_gateway", "nat/"},
                 {"transit_gateway_id", "aws_ec2_transit_gateway", "tgw/"},
                 {"vpc_peering_connection_id", "aws_vpc_peering_connection", "peering/"},
                 {"gateway_id", "aws_internet_gateway", "igw/"},
                 {"gateway_id", "aws_vpn_gateway", "vgw"}};
    const char *gw = import_str(vals, "gateway_id");
    if (gw && strcmp(gw, "local") == 0) return "local";
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
        tf_res *t = tf_ref1(c, r, vals, ex, kinds[i].attr, kinds[i].type);
        if (!t) continue;
        if (!t->name) return *why = "its target is not imported", NULL;
        if (strcmp(kinds[i].prefix, "vgw") == 0) return "vgw";
        snprintf(buf, n, "%s%s", kinds[i].prefix, t->name);
        return buf;
    }
    static const char *const others[] = {"network_interface_id", "egress_only_gateway_id",
                                         "carrier_gateway_id",   "local_gateway_id",
                                         "core_network_arn",     "vpc_endpoint_id"};
    for (size_t i = 0; i < sizeof others / sizeof *others; i++)
        if (import_str(vals, others[i]) && *import_str(vals, others[i]))
            return *why = "a target the scenario language has no route to (ENI, egress-only, "
                          "carrier, local gateway, Cloud WAN, GWLB endpoint)",
                   NULL;
    return *why = "its target is not in this estate", NULL;
}

static void route_add(tf_ctx *c, tf_res *r, json_object *rt, json_object *vals, json_object *ex)
{
    const char *dst = import_str(vals, "destination_cidr_block");
    if (!dst) dst = import_str(vals, "cidr_block");
    const char *why = NULL;
    char buf[IMPORT_NAME_MAX + 16];
    if (!dst || !*dst) {
        import_skip(c->e, r->addr, "a route to %s is not modelled (IPv6 or a prefix list)",
                    import_str(vals, "destination_ipv6_cidr_block")  ? "an IPv6 range"
                    : import_str(vals, "destination_prefix_list_id") ? "a prefix list"
                                                                     : "an unknown range");
        return;
    }
    const char *t = route_target(c, r, vals, ex, buf, sizeof buf, &why);
    if (!t) {
        import_skip(c->e, r->addr, "route to %s not imported: %s", dst, why);
        return;
    }
    json_object *o = import_add_obj(rt, "routes");
    if (strcmp(r->type, "aws_route") == 0) import_set_str(o, "#", r->addr); /* its own resource */
    import_set_str(o, "destination", dst);
    import_set_str(o, "target", t);
}

static void tf_route(tf_ctx *c, tf_res *r)
{
    json_object *rt = import_find(c->e, "route_tables", tf_ref_name(c, r, "route_table_id", NULL));
    r->done = 1;
    if (!rt) return import_skip(c->e, r->addr, "its route table is not in this estate");
    route_add(c, r, rt, V(r), r->expr);
}

static void tf_inline_routes(tf_ctx *c, tf_res *r)
{
    json_object *routes = import_get(V(r), "route");
    for (size_t i = 0; r->elem && i < import_len(routes); i++)
        route_add(c, r, r->elem, json_object_array_get_idx(routes, i),
                  tf_block_expr(r, "route", i, import_len(routes)));
}

/* ---- security groups ------------------------------------------------------------------------- */

/* One rule (inline block or rule resource) into sg; what it cannot say goes to the skip list. */
static void sg_rule(tf_ctx *c, tf_res *r, json_object *sg, const char *dir, json_object *vals,
                    json_object *ex, const char *proto_key)
{
    const char *proto = import_str(vals, proto_key);
    const char *src = strcmp(r->type, "aws_security_group") ? r->addr : NULL; /* a rule resource */
    char ports[32];
    if (!proto) return import_skip(c->e, r->addr, "a %s rule with an unknown protocol", dir);
    if (!import_ports(proto, import_get(vals, "from_port"), import_get(vals, "to_port"), ports,
                      sizeof ports))
        return import_skip(c->e, r->addr, "%s rule for protocol %s: the model has TCP only", dir,
                           proto);
    static const char *const cidr_keys[] = {"cidr_blocks", "cidr_ipv4"};
    for (size_t k = 0; k < 2; k++) {
        json_object *v = import_get(vals, cidr_keys[k]);
        if (v && json_object_is_type(v, json_type_string))
            import_sg_add(sg, dir, ports, "cidr", json_object_get_string(v), src);
        for (size_t i = 0; i < import_len(v); i++)
            import_sg_add(sg, dir, ports, "cidr",
                          json_object_get_string(json_object_array_get_idx(v, i)), src);
    }
    static const char *const sg_keys[] = {"security_groups", "source_security_group_id",
                                          "referenced_security_group_id"};
    tf_res *peers[TF_REFS_MAX];
    for (size_t k = 0; k < 3; k++) {
        size_t n = tf_refs(c, r, vals, ex, sg_keys[k], peers, TF_REFS_MAX);
        for (size_t i = 0; i < n; i++)
            if (peers[i]->name && strcmp(peers[i]->type, "aws_security_group") == 0)
                import_sg_add(sg, dir, ports, "security_group", peers[i]->name, src);
    }
    if (import_bool(vals, "self", false))
        import_sg_add(sg, dir, ports, "security_group", import_str(sg, "name"), src);
    if (import_len(import_get(vals, "ipv6_cidr_blocks")) || import_str(vals, "cidr_ipv6") ||
        import_len(import_get(vals, "prefix_list_ids")) || import_str(vals, "prefix_list_id"))
        import_skip(c->e, r->addr, "%s rule's IPv6 ranges and prefix lists are not modelled", dir);
}

static void tf_sg(tf_ctx *c, tf_res *r)
{
    const char *vpc = tf_ref_name(c, r, "vpc_id", "aws_vpc");
    if (!vpc) return tf_skip(c, r, "no VPC of this estate (EC2-Classic or a default VPC)");
    json_object *o = tf_elem(c, r, "security_groups");
    import_set_str(o, "vpc", vpc);
    json_object_object_add(o, "ingress", json_object_new_array());
    json_object_object_add(o, "egress",
                           json_object_new_array()); /* Terraform drops AWS's default */
}

static void tf_sg_inline(tf_ctx *c, tf_res *r)
{
    static const char *const dirs[] = {"ingress", "egress"};
    for (size_t d = 0; r->elem && d < 2; d++) {
        json_object *rules = import_get(V(r), dirs[d]);
        for (size_t i = 0; i < import_len(rules); i++)
            sg_rule(c, r, r->elem, dirs[d], json_object_array_get_idx(rules, i),
                    tf_block_expr(r, dirs[d], i, import_len(rules)), "protocol");
    }
}

static void tf_sg_rule(tf_ctx *c, tf_res *r)
{
    json_object *sg = import_find(c->e, "security_groups",
                                  tf_ref_name(c, r, "security_group_id", "aws_security_group"));
    const char *dir = S(r, "type");
    bool vpc_rule = strncmp(r->type, "aws_vpc_security_group_", 23) == 0;
    if (vpc_rule) dir = strstr(r->type, "ingress") ? "ingress" : "egress";
    r->done = 1;
    if (!sg || !dir) return import_skip(c->e, r->addr, "its security group is not in this estate");
    sg_rule(c, r, sg, dir, V(r), r->expr, vpc_rule ? "ip_protocol" : "protocol");
}

/* ---- endpoints ------------------------------------------------------------------------------- */

static void tf_lb_unused(tf_ctx *c, tf_res *r)
{
    if (!r->done)
        tf_skip(c, r,
                strcmp(r->type, "aws_lb") == 0
                    ? "a load balancer is modelled only as the NLB of an endpoint service"
                    : "its load balancer is not imported");
}

static void tf_endpoint_service(tf_ctx *c, tf_res *r)
{
    tf_res *lbs[8];
    size_t n = tf_refs(c, r, V(r), r->expr, "network_load_balancer_arns", lbs, 8);
    if (n == 0)
        return tf_skip(c, r,
                       "no Network Load Balancer of this estate (Gateway Load Balancer "
                       "services are not modelled)");
    tf_res *lb = lbs[0];
    json_object *subs = import_get(V(lb), "subnets"), *maps = import_get(V(lb), "subnet_mapping");
    tf_res *sn[TF_REFS_MAX];
    size_t ns = tf_refs(c, lb, V(lb), lb->expr, "subnets", sn, TF_REFS_MAX);
    for (size_t i = 0; ns == 0 && i < import_len(maps); i++) {
        json_object *m = json_object_array_get_idx(maps, i);
        tf_res *s = tf_ref1(c, lb, m, tf_block_expr(lb, "subnet_mapping", i, import_len(maps)),
                            "subnet_id", "aws_subnet");
        if (s) sn[ns++] = s;
    }
    (void)subs;
    json_object *first = ns ? import_find(c->e, "subnets", sn[0]->name) : NULL;
    if (!first) return tf_skip(c, r, "its load balancer's subnets are not in this estate");
    json_object *o = tf_elem(c, r, "endpoint_services");
    import_set_str(o, "vpc", import_str(first, "vpc"));
    for (size_t i = 0; i < ns; i++)
        if (sn[i]->name) import_add_str(o, "subnets", sn[i]->name);
    if (import_bool(V(lb), "enable_cross_zone_load_balancing", false))
        import_set_bool(o, "cross_zone", true);
    for (size_t i = 0; i < n; i++) lbs[i]->done = 1, lbs[i]->elem = o;
}

static void tf_lb_listener(tf_ctx *c, tf_res *r)
{
    tf_res *lb = tf_ref1(c, r, V(r), r->expr, "load_balancer_arn", "aws_lb");
    json_object *port = import_get(V(r), "port");
    if (!lb || !lb->elem || !port) return tf_skip(c, r, "its load balancer is not imported");
    if (!import_get(lb->elem, "port")) import_set_int(lb->elem, "port", json_object_get_int(port));
    r->done = 1;
}

static void endpoint_policy(tf_ctx *c, tf_res *r, json_object *o)
{
    const char *doc = S(r, "policy");
    char pol[IMPORT_NAME_MAX + 1];
    if (doc && *doc &&
        import_policy(c->e, doc, import_str(o, "name"), r->addr, pol, sizeof pol) == 0)
        import_set_str(o, "policy", pol);
    else if (!doc && import_get(r->expr, "policy"))
        import_skip(c->e, r->addr, "policy unknown until apply: the endpoint has full access here");
}

void tf_names_of(tf_ctx *c, tf_res *r, const char *attr, const char *type, json_object *o,
                 const char *key)
{
    tf_res *t[TF_REFS_MAX];
    size_t n = tf_refs(c, r, V(r), r->expr, attr, t, TF_REFS_MAX);
    for (size_t i = 0; i < n; i++)
        if (t[i]->name && strcmp(t[i]->type, type) == 0) import_add_str(o, key, t[i]->name);
}

static void tf_vpc_endpoint(tf_ctx *c, tf_res *r)
{
    const char *kind = S(r, "vpc_endpoint_type") ? S(r, "vpc_endpoint_type") : "Gateway";
    const char *vpc = tf_ref_name(c, r, "vpc_id", "aws_vpc");
    tf_res *svc = tf_ref1(c, r, V(r), r->expr, "service_name", "aws_vpc_endpoint_service");
    char shortname[64];
    const char *aws = import_service_short(S(r, "service_name"), shortname, sizeof shortname);
    if (!vpc) return tf_skip(c, r, "its VPC is not in this estate");
    if (strcmp(kind, "Gateway") == 0) {
        if (!aws || (strcmp(aws, "s3") && strcmp(aws, "dynamodb")))
            return tf_skip(c, r, "a gateway endpoint for a service other than s3 or dynamodb");
        json_object *o = tf_elem(c, r, "gateway_endpoints");
        import_set_str(o, "vpc", vpc);
        import_set_str(o, "service", aws);
        tf_names_of(c, r, "route_table_ids", "aws_route_table", o, "route_tables");
        tf_names_of(c, r, "route_table_ids", "aws_default_route_table", o, "route_tables");
        return endpoint_policy(c, r, o);
    }
    if (strcmp(kind, "Interface") != 0)
        return tf_skip(c, r, "Gateway Load Balancer endpoints are not modelled");
    if (!svc && !aws)
        return tf_skip(c, r,
                       "service_name is neither an AWS service nor an endpoint service of "
                       "this estate (a partner or another account's service)");
    if (svc && !svc->name) return tf_skip(c, r, "its endpoint service is not imported");
    json_object *o = tf_elem(c, r, "interface_endpoints");
    import_set_str(o, "vpc", vpc);
    import_set_str(o, svc ? "endpoint_service" : "service", svc ? svc->name : aws);
    tf_names_of(c, r, "subnet_ids", "aws_subnet", o, "subnets");
    if (!import_get(o, "subnets"))
        import_skip(c->e, r->addr, "no subnets known: check will say so");
    tf_names_of(c, r, "security_group_ids", "aws_security_group", o, "security_groups");
    import_set_bool(o, "private_dns", import_bool(V(r), "private_dns_enabled", false));
    endpoint_policy(c, r, o);
}

static void tf_endpoint_rt(tf_ctx *c, tf_res *r)
{
    tf_res *ep = tf_ref1(c, r, V(r), r->expr, "vpc_endpoint_id", "aws_vpc_endpoint");
    const char *rt = tf_ref_name(c, r, "route_table_id", NULL);
    if (!ep || !ep->elem || !rt)
        return tf_skip(c, r, "its endpoint or route table is not imported");
    import_add_str(ep->elem, "route_tables", rt);
    r->done = 1;
}

static void tf_resolver(tf_ctx *c, tf_res *r)
{
    const char *dir = S(r, "direction");
    if (!dir || strcmp(dir, "INBOUND"))
        return tf_skip(c, r, "only inbound Resolver endpoints are modelled (sites' DNS)");
    json_object *ips = import_get(V(r), "ip_address");
    json_object *o = NULL;
    for (size_t i = 0; i < import_len(ips); i++) {
        json_object *ip = json_object_array_get_idx(ips, i);
        tf_res *s = tf_ref1(c, r, ip, tf_block_expr(r, "ip_address", i, import_len(ips)),
                            "subnet_id", "aws_subnet");
        json_object *sn = s ? import_find(c->e, "subnets", s->name) : NULL;
        if (!sn) continue;
        if (!o)
            o = tf_elem(c, r, "resolver_endpoints"),
            import_set_str(o, "vpc", import_str(sn, "vpc"));
        import_add_str(o, "subnets", s->name);
    }
    if (!o) tf_skip(c, r, "its subnets are not in this estate");
}

/* ---- the last pass: what needs everything else ----------------------------------------------- */

static void tf_unused(tf_ctx *c, tf_res *r)
{
    if (r->done) return;
    if (r->data) return tf_skip(c, r, "data source: read by Terraform, not part of the estate");
    static const char *const consumed[][2] = {
        {"aws_eip", "an Elastic IP not used by a NAT gateway of this estate"},
        {"aws_customer_gateway", "a customer gateway with no VPN connection of this estate"},
        {"aws_dx_connection",
         "a Direct Connect connection with no virtual interface of this estate"},
        {"aws_dx_gateway", "a Direct Connect gateway with no virtual interface of this estate"},
        {"aws_internet_gateway", "an internet gateway attached to no VPC of this estate"},
        {"aws_vpn_gateway", "a virtual private gateway attached to no VPC of this estate"},
        {"aws_route53_record", "a DNS record outside a zone that shares an endpoint's name"}};
    for (size_t i = 0; i < sizeof consumed / sizeof *consumed; i++)
        if (strcmp(r->type, consumed[i][0]) == 0) return tf_skip(c, r, consumed[i][1]);
    tf_skip(c, r, "resource type not in the scenario language");
}

/* ---- the table ------------------------------------------------------------------------------- */

typedef struct tf_type {
    const char *type;                 /* AWS provider resource type */
    int pass;                         /* 1 to 5; what a pass needs was made before it */
    void (*fn)(tf_ctx *c, tf_res *r); /* NULL: not imported, for why */
    const char *why;                  /* why it is not imported */
} tf_type;

static const tf_type TF_TYPES[] = {
    {"aws_vpc", 1, tf_vpc, NULL},
    {"aws_ec2_transit_gateway", 1, tf_tgw, NULL},
    {"aws_subnet", 2, tf_subnet, NULL},
    {"aws_internet_gateway", 2, tf_igw, NULL},
    {"aws_internet_gateway_attachment", 2, tf_igw, NULL},
    {"aws_vpn_gateway", 2, tf_vgw, NULL},
    {"aws_vpn_gateway_attachment", 2, tf_vgw, NULL},
    {"aws_security_group", 2, tf_sg, NULL},
    {"aws_route_table", 2, tf_route_table, NULL},
    {"aws_default_route_table", 2, tf_route_table, NULL},
    {"aws_vpc_peering_connection", 2, tf_peering, NULL},
    {"aws_ec2_transit_gateway_route_table", 2, tf_tgw_rt, NULL},
    {"aws_ec2_transit_gateway_peering_attachment", 2, tf_tgw_peering, NULL},
    {"aws_nat_gateway", 3, tf_nat, NULL},
    {"aws_route_table_association", 3, tf_rt_assoc, NULL},
    {"aws_main_route_table_association", 3, tf_main_assoc, NULL},
    {"aws_security_group", 3, tf_sg_inline, NULL},
    {"aws_security_group_rule", 3, tf_sg_rule, NULL},
    {"aws_vpc_security_group_ingress_rule", 3, tf_sg_rule, NULL},
    {"aws_vpc_security_group_egress_rule", 3, tf_sg_rule, NULL},
    {"aws_ec2_transit_gateway_vpc_attachment", 3, tf_tgw_vpc_att, NULL},
    {"aws_vpc_endpoint_service", 3, tf_endpoint_service, NULL},
    {"aws_lb_listener", 3, tf_lb_listener, NULL},
    {"aws_route53_resolver_endpoint", 3, tf_resolver, NULL},
    {"aws_vpn_connection", 3, tf_vpn, NULL},
    {"aws_dx_gateway_association", 3, tf_dx_assoc, NULL},
    {"aws_vpc_endpoint", 4, tf_vpc_endpoint, NULL},
    {"aws_vpc_endpoint_route_table_association", 4, tf_endpoint_rt, NULL},
    {"aws_route", 4, tf_route, NULL},
    {"aws_route_table", 4, tf_inline_routes, NULL},
    {"aws_default_route_table", 4, tf_inline_routes, NULL},
    {"aws_ec2_transit_gateway_route_table_association", 4, tf_tgw_assoc, NULL},
    {"aws_ec2_transit_gateway_route", 4, tf_tgw_route, NULL},
    {"aws_vpn_connection_route", 4, tf_vpn_route, NULL},
    {"aws_dx_private_virtual_interface", 4, tf_dx_vif, NULL},
    {"aws_dx_transit_virtual_interface", 4, tf_dx_vif, NULL},
    {"aws_ec2_transit_gateway_route_table_propagation", 5, tf_tgw_prop, NULL},
    {"aws_ec2_transit_gateway_vpc_attachment", 5, tf_default_props, NULL},
    {"aws_vpn_connection", 5, tf_default_props, NULL},
    {"aws_dx_gateway_association", 5, tf_default_props, NULL},
    {"aws_route53_zone", 6, tf_zone, NULL},
    {"aws_lb", 6, tf_lb_unused, NULL},
    {"aws_vpc_ipv4_cidr_block_association", 1, NULL,
     "a secondary CIDR: a scenario VPC has one range (subnets in it fail check)"},
    {"aws_network_acl", 1, NULL, "network ACLs are not modelled (security groups are)"},
    {"aws_network_acl_rule", 1, NULL, "network ACLs are not modelled (security groups are)"},
    {"aws_default_network_acl", 1, NULL, "network ACLs are not modelled (security groups are)"},
    {"aws_flow_log", 1, NULL, "flow logs do not change paths"},
    {"aws_vpc_dhcp_options", 1, NULL, "DHCP options do not change paths"},
    {"aws_vpc_dhcp_options_association", 1, NULL, "DHCP options do not change paths"},
    {"aws_egress_only_internet_gateway", 1, NULL, "IPv6 is not modelled"},
    {"aws_ec2_transit_gateway_connect", 1, NULL, "TGW Connect attachments are not modelled"},
    {"aws_vpc_peering_connection_accepter", 1, NULL,
     "the peering is imported from its aws_vpc_peering_connection"},
};

int tf_convert(tf_ctx *c)
{
    for (int pass = 1; pass <= 6; pass++) {
        if (pass == 5) import_sites_finish(c->e, false); /* propagations need the sites' ranges */
        if (pass == 6) import_finish(c->e);
        for (size_t t = 0; t < sizeof TF_TYPES / sizeof *TF_TYPES; t++) {
            const tf_type *ty = &TF_TYPES[t];
            if (ty->pass != pass) continue;
            for (size_t i = 0; i < c->n; i++) {
                tf_res *r = &c->res[i];
                if (r->data || strcmp(r->type, ty->type)) continue;
                if (ty->fn)
                    ty->fn(c, r);
                else
                    tf_skip(c, r, ty->why);
            }
        }
    }
    for (size_t i = 0; i < c->n; i++) tf_unused(c, &c->res[i]);
    return c->bad ? -1 : 0;
}
