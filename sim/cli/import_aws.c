/* `vpcsim import aws DIR`: the JSON that the AWS CLI's describe-* commands print (one file each,
 * named as experiments/aws-describe.sh writes them) into an estate. Names come from Name tags,
 * else ids; every element's comment names its id and file. A file that is absent is a part of
 * the estate not described (listed); one that is malformed is an error with its JSON path. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "cli/import_impl.h"

typedef struct aws_ctx {
    const char *dir;    /* the folder */
    import_estate *e;   /* what is filled */
    json_object *names; /* AWS id -> element name */
    json_object *docs;  /* file name -> parsed document (owned) */
    vs_error *err;      /* set on bad input */
    int bad;            /* an error was set */
} aws_ctx;

/* The array key of file (NULL if the file is absent: listed once); -1 in c->bad on bad input. */
static json_object *aws_list(aws_ctx *c, const char *file, const char *key)
{
    char path[4096];
    json_object *doc = import_get(c->docs, file);
    if (!doc && !c->bad) {
        snprintf(path, sizeof path, "%s/%s", c->dir, file);
        FILE *f = fopen(path, "rb");
        if (!f) {
            import_note(c->e, "%s is absent: what it describes is not imported", file);
            json_object_object_add(c->docs, file, json_object_new_object());
            return NULL;
        }
        fclose(f);
        if (!(doc = import_json_load(path, c->err))) return c->bad = 1, NULL;
        json_object_object_add(c->docs, file, doc);
    }
    if (doc && !json_object_is_type(doc, json_type_object)) {
        error_set(c->err,
                  "%s/%s: expected a JSON object holding %s (the output of the describe "
                  "command)",
                  c->dir, file, key);
        c->bad = 1;
        return NULL;
    }
    json_object *a = import_get(doc, key);
    if (doc && json_object_object_length(doc) && (!a || !json_object_is_type(a, json_type_array))) {
        error_set(c->err, "%s/%s: %s: expected a list (the output of the describe command)", c->dir,
                  file, key);
        c->bad = 1;
        return NULL;
    }
    return a;
}

/* o[key] as a string, or an error naming file, list[i].key; NULL then. */
static const char *aws_need(aws_ctx *c, const char *file, const char *list, size_t i,
                            json_object *o, const char *key)
{
    const char *s = import_str(o, key);
    if (!s && !c->bad) {
        error_set(c->err, "%s/%s: %s[%zu].%s: expected a string", c->dir, file, list, i, key);
        c->bad = 1;
    }
    return s;
}

static const char *aws_tag(json_object *o, const char *key)
{
    json_object *tags = import_get(o, key ? key : "Tags");
    for (size_t i = 0; i < import_len(tags); i++) {
        json_object *t = json_object_array_get_idx(tags, i);
        const char *k = import_str(t, "Key") ? import_str(t, "Key") : import_str(t, "key");
        if (k && strcmp(k, "Name") == 0)
            return import_str(t, "Value") ? import_str(t, "Value") : import_str(t, "value");
    }
    return NULL;
}

static const char *aws_name(const aws_ctx *c, const char *id)
{
    return id ? import_str(c->names, id) : NULL;
}

/* A new element of kind for the AWS object o with id; named by its Name tag, else the id. */
static json_object *aws_elem(aws_ctx *c, const char *kind, const char *id, json_object *o,
                             const char *file)
{
    char src[512];
    const char *tag = aws_tag(o, NULL);
    snprintf(src, sizeof src, "%s (%s)%s%s", id, file, tag ? " Name=" : "", tag ? tag : "");
    json_object *el = import_elem_new(c->e, kind, tag ? tag : id, src);
    json_object_object_add(c->names, id, json_object_new_string(import_str(el, "name")));
    return el;
}

/* Each object o (index i) of the list key of file; nothing if the file is absent. */
#define EACH(c, file, key, i, o)                                                                   \
    for (json_object *o##_list = aws_list(c, file, key), *o = NULL; !(c)->bad && o##_list;         \
         o##_list = NULL)                                                                          \
        for (size_t i = 0; i < import_len(o##_list) &&                                             \
                           (o = json_object_array_get_idx(o##_list, i)) && !(c)->bad;              \
             i++)

/* ---- VPCs, subnets, gateways ----------------------------------------------------------------- */

static void aws_vpcs(aws_ctx *c)
{
    EACH(c, "vpcs.json", "Vpcs", i, v)
    {
        const char *id = aws_need(c, "vpcs.json", "Vpcs", i, v, "VpcId");
        const char *cidr = aws_need(c, "vpcs.json", "Vpcs", i, v, "CidrBlock");
        if (!id || !cidr) return;
        json_object *el = aws_elem(c, "vpcs", id, v, "vpcs.json");
        import_set_str(el, "region", NULL);
        import_set_str(el, "cidr", cidr);
        json_object *set = import_get(v, "CidrBlockAssociationSet");
        for (size_t k = 0; k < import_len(set); k++) {
            const char *b = import_str(json_object_array_get_idx(set, k), "CidrBlock");
            if (b && strcmp(b, cidr))
                import_skip(c->e, id, "secondary CIDR %s: a scenario VPC has one range", b);
        }
    }
    EACH(c, "internet-gateways.json", "InternetGateways", i, g)
    {
        const char *id =
            aws_need(c, "internet-gateways.json", "InternetGateways", i, g, "InternetGatewayId");
        json_object *att = json_object_array_get_idx(import_get(g, "Attachments"), 0);
        json_object *vpc = import_find(c->e, "vpcs", aws_name(c, import_str(att, "VpcId")));
        if (!id) return;
        if (!vpc) {
            import_skip(c->e, id, "an internet gateway attached to no VPC described");
            continue;
        }
        char nm[IMPORT_NAME_MAX + 1];
        import_sanitize(aws_tag(g, NULL) ? aws_tag(g, NULL) : id, nm, sizeof nm);
        import_set_str(vpc, "internet_gateway", nm);
        json_object_object_add(c->names, id, json_object_new_string(nm));
    }
}

static void aws_subnets(aws_ctx *c)
{
    static const char F[] = "subnets.json";
    EACH(c, F, "Subnets", i, s)
    {
        const char *id = aws_need(c, F, "Subnets", i, s, "SubnetId");
        const char *vpc = aws_name(c, aws_need(c, F, "Subnets", i, s, "VpcId"));
        const char *az = aws_need(c, F, "Subnets", i, s, "AvailabilityZone");
        const char *cidr = aws_need(c, F, "Subnets", i, s, "CidrBlock");
        char reg[64];
        if (!id || !az || !cidr) return;
        const char *region = import_az_region(az, reg, sizeof reg);
        if (!vpc || !region) {
            import_skip(c->e, id, "its VPC is not described, or its AZ is not an AZ name");
            continue;
        }
        json_object *el = aws_elem(c, "subnets", id, s, F);
        import_set_str(el, "vpc", vpc);
        import_set_str(el, "az", az);
        import_set_str(el, "cidr", cidr);
        if (import_bool(s, "MapPublicIpOnLaunch", false)) import_set_bool(el, "public", true);
        import_region_az(c->e, region, az);
        json_object *v = import_find(c->e, "vpcs", vpc);
        if (!import_str(v, "region")) import_set_str(v, "region", region);
    }
}

static void aws_nats(aws_ctx *c)
{
    static const char F[] = "nat-gateways.json";
    EACH(c, F, "NatGateways", i, n)
    {
        const char *id = aws_need(c, F, "NatGateways", i, n, "NatGatewayId");
        const char *sn = aws_name(c, import_str(n, "SubnetId")), *st = import_str(n, "State");
        if (!id) return;
        if (st && (strcmp(st, "available") && strcmp(st, "pending"))) continue; /* deleted */
        if (!sn) {
            import_skip(c->e, id, "its subnet is not described");
            continue;
        }
        json_object *el = aws_elem(c, "nat_gateways", id, n, F);
        import_set_str(el, "subnet", sn);
        size_t ips = import_len(import_get(n, "NatGatewayAddresses"));
        if (ips > 1) import_set_int(el, "ips", ips > 8 ? 8 : (long long)ips);
        const char *conn = import_str(n, "ConnectivityType");
        if (conn && strcmp(conn, "private") == 0) import_set_str(el, "connectivity", "private");
    }
}

static void aws_peerings(aws_ctx *c)
{
    static const char F[] = "vpc-peering-connections.json";
    EACH(c, F, "VpcPeeringConnections", i, p)
    {
        const char *id = aws_need(c, F, "VpcPeeringConnections", i, p, "VpcPeeringConnectionId");
        const char *a = aws_name(c, import_str(import_get(p, "RequesterVpcInfo"), "VpcId"));
        const char *b = aws_name(c, import_str(import_get(p, "AccepterVpcInfo"), "VpcId"));
        const char *code = import_str(import_get(p, "Status"), "Code");
        if (!id) return;
        if (code && strcmp(code, "active")) continue;
        if (!a || !b) {
            import_skip(c->e, id, "a peer VPC is not described (another account or Region)");
            continue;
        }
        json_object *el = aws_elem(c, "peerings", id, p, F);
        import_add_str(el, "vpcs", a);
        import_add_str(el, "vpcs", b);
    }
}

/* ---- route tables ---------------------------------------------------------------------------- */

/* A route as the scenario writes it, or NULL (a gateway endpoint's or local route: implicit). */
static const char *aws_target(aws_ctx *c, json_object *r, json_object *vpc, char *buf, size_t n)
{
    static const struct {
        const char *key, *prefix;
    } kinds[] = {{"NatGatewayId", "nat/"},
                 {"TransitGatewayId", "tgw/"},
                 {"VpcPeeringConnectionId", "peering/"}};
    const char *gw = import_str(r, "GatewayId"), *st = import_str(r, "State");
    if (st && strcmp(st, "blackhole") == 0) return "blackhole";
    if (gw && strcmp(gw, "local") == 0) return "local";
    if (gw && strncmp(gw, "vgw-", 4) == 0) {
        import_set_bool(vpc, "vpn_gateway", true);
        return "vgw";
    }
    if (gw && strncmp(gw, "igw-", 4) == 0 && aws_name(c, gw)) {
        snprintf(buf, n, "igw/%s", aws_name(c, gw));
        return buf;
    }
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++)
        if (aws_name(c, import_str(r, kinds[k].key))) {
            snprintf(buf, n, "%s%s", kinds[k].prefix, aws_name(c, import_str(r, kinds[k].key)));
            return buf;
        }
    return NULL;
}

static void aws_routes(aws_ctx *c, json_object *el, json_object *rt, const char *id)
{
    json_object *routes = import_get(rt, "Routes");
    json_object *vpc = import_find(c->e, "vpcs", import_str(el, "vpc"));
    char buf[IMPORT_NAME_MAX + 16];
    for (size_t k = 0; k < import_len(routes); k++) {
        json_object *r = json_object_array_get_idx(routes, k);
        const char *dst = import_str(r, "DestinationCidrBlock"), *gw = import_str(r, "GatewayId");
        if (import_str(r, "DestinationPrefixListId") && gw && strncmp(gw, "vpce-", 5) == 0)
            continue; /* the gateway endpoint's own route: from its route_tables */
        if (!dst) {
            import_skip(c->e, id, "a route to an IPv6 range or prefix list is not modelled");
            continue;
        }
        if (strcmp(dst, import_str(vpc, "cidr")) == 0 && gw && strcmp(gw, "local") == 0) continue;
        const char *t = aws_target(c, r, vpc, buf, sizeof buf);
        if (!t) {
            import_skip(c->e, id, "route to %s: its target is not described or not modelled", dst);
            continue;
        }
        json_object *o = import_add_obj(el, "routes");
        import_set_str(o, "destination", dst);
        import_set_str(o, "target", t);
    }
}

static void aws_route_tables(aws_ctx *c)
{
    static const char F[] = "route-tables.json";
    EACH(c, F, "RouteTables", i, rt)
    {
        const char *id = aws_need(c, F, "RouteTables", i, rt, "RouteTableId");
        const char *vpc = aws_name(c, aws_need(c, F, "RouteTables", i, rt, "VpcId"));
        if (!id) return;
        if (!vpc) {
            import_skip(c->e, id, "its VPC is not described");
            continue;
        }
        json_object *el = aws_elem(c, "route_tables", id, rt, F),
                    *as = import_get(rt, "Associations");
        import_set_str(el, "vpc", vpc);
        for (size_t k = 0; k < import_len(as); k++) {
            json_object *a = json_object_array_get_idx(as, k);
            json_object *sn = import_find(c->e, "subnets", aws_name(c, import_str(a, "SubnetId")));
            if (import_bool(a, "Main", false)) import_set_bool(el, "main", true);
            if (sn) import_set_str(sn, "route_table", import_str(el, "name"));
        }
        aws_routes(c, el, rt, id);
    }
}

/* ---- security groups and endpoints ----------------------------------------------------------- */

static void aws_perm(aws_ctx *c, json_object *sg, const char *dir, json_object *p, const char *id)
{
    char ports[32];
    if (!import_ports(import_str(p, "IpProtocol"), import_get(p, "FromPort"),
                      import_get(p, "ToPort"), ports, sizeof ports)) {
        import_skip(c->e, id, "%s rule for protocol %s: the model has TCP only", dir,
                    import_str(p, "IpProtocol") ? import_str(p, "IpProtocol") : "?");
        return;
    }
    json_object *ranges = import_get(p, "IpRanges"), *pairs = import_get(p, "UserIdGroupPairs");
    for (size_t k = 0; k < import_len(ranges); k++) {
        const char *cidr = import_str(json_object_array_get_idx(ranges, k), "CidrIp");
        if (cidr) import_sg_add(sg, dir, ports, "cidr", cidr, NULL);
    }
    for (size_t k = 0; k < import_len(pairs); k++) {
        const char *g = aws_name(c, import_str(json_object_array_get_idx(pairs, k), "GroupId"));
        if (g)
            import_sg_add(sg, dir, ports, "security_group", g, NULL);
        else
            import_skip(c->e, id, "a %s rule names a security group not described", dir);
    }
    if (import_len(import_get(p, "Ipv6Ranges")) || import_len(import_get(p, "PrefixListIds")))
        import_skip(c->e, id, "%s rule's IPv6 ranges and prefix lists are not modelled", dir);
}

static void aws_sgs(aws_ctx *c)
{
    static const char F[] = "security-groups.json";
    EACH(c, F, "SecurityGroups", i, g)
    {
        const char *id = aws_need(c, F, "SecurityGroups", i, g, "GroupId");
        const char *vpc = aws_name(c, import_str(g, "VpcId"));
        if (!id) return;
        if (!vpc) {
            import_skip(c->e, id, "its VPC is not described");
            continue;
        }
        char src[512];
        const char *nm = aws_tag(g, NULL) ? aws_tag(g, NULL) : import_str(g, "GroupName");
        snprintf(src, sizeof src, "%s (%s)", id, F);
        json_object *el = import_elem_new(c->e, "security_groups", nm ? nm : id, src);
        json_object_object_add(c->names, id, json_object_new_string(import_str(el, "name")));
        import_set_str(el, "vpc", vpc);
        json_object_object_add(el, "ingress", json_object_new_array());
        json_object_object_add(el, "egress", json_object_new_array());
    }
    EACH(c, F, "SecurityGroups", i, g)
    {
        json_object *el =
            import_find(c->e, "security_groups", aws_name(c, import_str(g, "GroupId")));
        static const char *const dirs[][2] = {{"IpPermissions", "ingress"},
                                              {"IpPermissionsEgress", "egress"}};
        for (size_t d = 0; el && d < 2; d++) {
            json_object *ps = import_get(g, dirs[d][0]);
            for (size_t k = 0; k < import_len(ps); k++)
                aws_perm(c, el, dirs[d][1], json_object_array_get_idx(ps, k),
                         import_str(g, "GroupId"));
        }
    }
}

static void aws_names_of(aws_ctx *c, json_object *ids, const char *sub, json_object *el,
                         const char *key)
{
    for (size_t k = 0; k < import_len(ids); k++) {
        json_object *x = json_object_array_get_idx(ids, k);
        const char *n = aws_name(c, sub ? import_str(x, sub) : json_object_get_string(x));
        if (n) import_add_str(el, key, n);
    }
}

static void aws_endpoints(aws_ctx *c)
{
    static const char F[] = "vpc-endpoints.json";
    EACH(c, F, "VpcEndpoints", i, ep)
    {
        const char *id = aws_need(c, F, "VpcEndpoints", i, ep, "VpcEndpointId");
        const char *vpc = aws_name(c, import_str(ep, "VpcId"));
        const char *type = import_str(ep, "VpcEndpointType"),
                   *doc = import_str(ep, "PolicyDocument");
        char svc[64], pol[IMPORT_NAME_MAX + 1];
        const char *aws = import_service_short(import_str(ep, "ServiceName"), svc, sizeof svc);
        if (!id) return;
        bool gw = type && strcmp(type, "Gateway") == 0;
        if (!vpc || !aws || (gw && strcmp(aws, "s3") && strcmp(aws, "dynamodb")) ||
            (!gw && (!type || strcmp(type, "Interface")))) {
            import_skip(c->e, id,
                        "not modelled: its VPC is not described, or it serves an "
                        "endpoint service or is a Gateway Load Balancer endpoint");
            continue;
        }
        json_object *el = aws_elem(c, gw ? "gateway_endpoints" : "interface_endpoints", id, ep, F);
        import_set_str(el, "vpc", vpc);
        import_set_str(el, "service", aws);
        if (gw) {
            aws_names_of(c, import_get(ep, "RouteTableIds"), NULL, el, "route_tables");
        } else {
            aws_names_of(c, import_get(ep, "SubnetIds"), NULL, el, "subnets");
            aws_names_of(c, import_get(ep, "Groups"), "GroupId", el, "security_groups");
            import_set_bool(el, "private_dns", import_bool(ep, "PrivateDnsEnabled", false));
        }
        if (doc && import_policy(c->e, doc, import_str(el, "name"), id, pol, sizeof pol) == 0)
            import_set_str(el, "policy", pol);
    }
}

/* ---- Transit Gateways ------------------------------------------------------------------------ */

static void aws_tgws(aws_ctx *c)
{
    static const char F[] = "transit-gateways.json";
    EACH(c, F, "TransitGateways", i, t)
    {
        const char *id = aws_need(c, F, "TransitGateways", i, t, "TransitGatewayId");
        const char *arn = import_str(t, "TransitGatewayArn");
        char region[64] = "";
        if (!id) return;
        if (arn && strncmp(arn, "arn:aws:ec2:", 12) == 0) /* arn:aws:ec2:REGION:ACCOUNT:... */
            snprintf(region, sizeof region, "%.*s", (int)strcspn(arn + 12, ":"), arn + 12);
        json_object *el = aws_elem(c, "transit_gateways", id, t, F);
        import_set_str(el, "region", region[0] ? region : NULL);
    }
}

static json_object *aws_tgw_of(aws_ctx *c, json_object *o)
{
    return import_find(c->e, "transit_gateways", aws_name(c, import_str(o, "TransitGatewayId")));
}

static json_object *aws_sub(aws_ctx *c, json_object *tgw, const char *key, const char *id,
                            json_object *o, const char *file)
{
    char src[512];
    const char *tag = aws_tag(o, NULL);
    snprintf(src, sizeof src, "%s (%s)", id, file);
    json_object *el = import_sub_new(tgw, key, tag ? tag : id, src);
    json_object_object_add(c->names, id, json_object_new_string(import_str(el, "name")));
    return el;
}

/* The subnets of a VPC attachment: from describe-transit-gateway-vpc-attachments. */
static void aws_att_subnets(aws_ctx *c, const char *att_id, json_object *el)
{
    EACH(c, "transit-gateway-vpc-attachments.json", "TransitGatewayVpcAttachments", i, v)
    {
        const char *id = import_str(v, "TransitGatewayAttachmentId");
        if (id && strcmp(id, att_id) == 0)
            aws_names_of(c, import_get(v, "SubnetIds"), NULL, el, "subnets");
    }
}

static void aws_tgw_atts(aws_ctx *c)
{
    static const char F[] = "transit-gateway-attachments.json",
                      R[] = "transit-gateway-route-tables.json";
    EACH(c, R, "TransitGatewayRouteTables", i, rt)
    {
        const char *id =
            aws_need(c, R, "TransitGatewayRouteTables", i, rt, "TransitGatewayRouteTableId");
        json_object *tgw = aws_tgw_of(c, rt);
        if (!id) return;
        if (tgw)
            json_object_object_add(aws_sub(c, tgw, "route_tables", id, rt, R), "routes",
                                   json_object_new_array());
    }
    EACH(c, F, "TransitGatewayAttachments", i, a)
    {
        const char *id =
            aws_need(c, F, "TransitGatewayAttachments", i, a, "TransitGatewayAttachmentId");
        const char *type = import_str(a, "ResourceType"), *res = import_str(a, "ResourceId");
        json_object *tgw = aws_tgw_of(c, a);
        if (!id) return;
        if (!tgw || !type || !res) {
            import_skip(c->e, id, "its Transit Gateway is not described");
            continue;
        }
        if (strcmp(type, "peering") == 0) {
            continue; /* peers: from the routes that use it */
        } else if (strcmp(type, "vpc") && strcmp(type, "vpn") &&
                   strcmp(type, "direct-connect-gateway")) {
            import_skip(c->e, id, "a %s attachment is not modelled", type);
            continue;
        }
        if (strcmp(type, "vpc") == 0 && !aws_name(c, res)) {
            import_skip(c->e, id, "its VPC is not described");
            continue;
        }
        json_object *el = aws_sub(c, tgw, "attachments", id, a, F);
        if (strcmp(type, "vpc") == 0) {
            import_set_str(el, "vpc", aws_name(c, res));
            aws_att_subnets(c, id, el);
        } else {
            import_set_bool(el, strcmp(type, "vpn") == 0 ? "vpn" : "direct_connect_gateway", true);
        }
        const char *rt =
            aws_name(c, import_str(import_get(a, "Association"), "TransitGatewayRouteTableId"));
        if (rt) import_set_str(el, "route_table", rt);
    }
}

static void aws_tgw_routes(aws_ctx *c)
{
    EACH(c, "transit-gateway-route-tables.json", "TransitGatewayRouteTables", i, rt)
    {
        char file[160];
        const char *id = import_str(rt, "TransitGatewayRouteTableId");
        json_object *tgw = aws_tgw_of(c, rt), *el = NULL, *rts = import_get(tgw, "route_tables");
        const char *want = aws_name(c, id);
        for (size_t k = 0; want && k < import_len(rts); k++) {
            const char *name = import_str(json_object_array_get_idx(rts, k), "name");
            if (name && strcmp(name, want) == 0) el = json_object_array_get_idx(rts, k);
        }
        json_object *routes = import_get(el, "routes");
        if (!json_object_is_type(routes, json_type_array)) continue;
        snprintf(file, sizeof file, "transit-gateway-routes-%.100s.json", id);
        EACH(c, file, "Routes", k, r)
        {
            const char *dst = import_str(r, "DestinationCidrBlock"), *st = import_str(r, "State");
            json_object *att =
                json_object_array_get_idx(import_get(r, "TransitGatewayAttachments"), 0);
            const char *type = import_str(att, "ResourceType");
            const char *an = aws_name(c, import_str(att, "TransitGatewayAttachmentId"));
            if (!dst) continue; /* a prefix list route */
            json_object *o = json_object_new_object();
            import_set_str(o, "destination", dst);
            if (st && strcmp(st, "blackhole") == 0) {
                import_set_bool(o, "blackhole", true);
            } else if (type && strcmp(type, "peering") == 0 &&
                       aws_name(c, import_str(att, "ResourceId"))) {
                const char *peer = aws_name(c, import_str(att, "ResourceId"));
                import_set_str(o, "peer", peer);
                import_add_str(tgw, "peers", peer);
            } else if (an) {
                import_set_str(o, "attachment", an);
            } else {
                import_skip(c->e, id, "route to %s: its attachment is not described", dst);
                json_object_put(o);
                continue;
            }
            json_object_array_add(routes, o);
        }
    }
}

/* ---- sites ----------------------------------------------------------------------------------- */

/* The TGW attachment element of resource id (a VPN or a DX gateway), or NULL. */
static const char *aws_att_of(aws_ctx *c, const char *res)
{
    EACH(c, "transit-gateway-attachments.json", "TransitGatewayAttachments", i, a)
    {
        const char *r = import_str(a, "ResourceId");
        if (r && res && strcmp(r, res) == 0)
            return aws_name(c, import_str(a, "TransitGatewayAttachmentId"));
    }
    return NULL;
}

/* The VPC whose route tables route to virtual private gateway vgw. */
static const char *aws_vgw_vpc(aws_ctx *c, const char *vgw)
{
    EACH(c, "route-tables.json", "RouteTables", i, rt)
    {
        json_object *routes = import_get(rt, "Routes");
        for (size_t k = 0; vgw && k < import_len(routes); k++) {
            const char *g = import_str(json_object_array_get_idx(routes, k), "GatewayId");
            if (g && strcmp(g, vgw) == 0) return aws_name(c, import_str(rt, "VpcId"));
        }
    }
    return NULL;
}

static void aws_vpns(aws_ctx *c)
{
    static const char F[] = "vpn-connections.json";
    EACH(c, F, "VpnConnections", i, v)
    {
        const char *id = aws_need(c, F, "VpnConnections", i, v, "VpnConnectionId");
        const char *tgw = aws_name(c, import_str(v, "TransitGatewayId"));
        const char *vpc = aws_vgw_vpc(c, import_str(v, "VpnGatewayId")),
                   *st = import_str(v, "State");
        if (!id) return;
        if (st && strcmp(st, "available")) continue;
        if (!tgw && !vpc) {
            import_skip(c->e, id, "its Transit Gateway or VPN gateway's VPC is not described");
            continue;
        }
        char src[256];
        snprintf(src, sizeof src, "%s (%s)", id, F);
        const char *tag = aws_tag(v, NULL);
        json_object *s = import_site_for(c->e, tgw ? tgw : vpc, tag ? tag : id, src),
                    *vpn = json_object_new_object();
        import_set_int(vpn, "tunnels", import_len(import_get(v, "VgwTelemetry")) == 1 ? 1 : 2);
        import_set_str(vpn, tgw ? "transit_gateway" : "vpc", tgw ? tgw : vpc);
        json_object_object_add(s, "vpn", vpn);
        if (tgw && aws_att_of(c, id)) import_set_str(s, "#att_vpn", aws_att_of(c, id));
        const char *cidr = import_str(json_object_array_get_idx(import_get(v, "Routes"), 0),
                                      "DestinationCidrBlock");
        if (cidr) import_set_str(s, "cidr", cidr);
    }
}

static const char *aws_bandwidth(aws_ctx *c, const char *conn)
{
    EACH(c, "connections.json", "connections", i, x)
    {
        const char *id = import_str(x, "connectionId");
        if (id && conn && strcmp(id, conn) == 0) return import_str(x, "bandwidth");
    }
    return NULL;
}

static void aws_vifs(aws_ctx *c)
{
    static const char F[] = "virtual-interfaces.json";
    EACH(c, F, "virtualInterfaces", i, v)
    {
        const char *id = aws_need(c, F, "virtualInterfaces", i, v, "virtualInterfaceId");
        const char *type = import_str(v, "virtualInterfaceType"), *loc = import_str(v, "location");
        const char *speed = aws_bandwidth(c, import_str(v, "connectionId"));
        if (!id) return;
        bool transit = type && strcmp(type, "transit") == 0;
        const char *att = transit ? aws_att_of(c, import_str(v, "directConnectGatewayId")) : NULL;
        const char *gw = transit ? NULL : aws_vgw_vpc(c, import_str(v, "virtualGatewayId"));
        json_object *tgws = import_get(c->e->kinds, "transit_gateways");
        for (size_t k = 0; att && !gw && k < import_len(tgws); k++) {
            json_object *as = import_get(json_object_array_get_idx(tgws, k), "attachments");
            for (size_t m = 0; m < import_len(as); m++)
                if (strcmp(import_str(json_object_array_get_idx(as, m), "name"), att) == 0)
                    gw = import_str(json_object_array_get_idx(tgws, k), "name");
        }
        if (!gw || !loc || !speed) {
            import_skip(c->e, id,
                        "its gateway, location or connection (connections.json) is not described");
            continue;
        }
        char src[256];
        snprintf(src, sizeof src, "%s (%s)", id, F);
        const char *nm = import_str(v, "virtualInterfaceName");
        json_object *s = import_site_for(c->e, gw, nm ? nm : id, src),
                    *dx = json_object_new_object();
        import_set_str(dx, "location", loc);
        import_set_int(dx, "distance_km", 50);
        import_set_str(dx, "port_speed", speed);
        import_set_str(dx, "vif", transit ? "transit" : "private");
        import_set_str(dx, transit ? "transit_gateway" : "vpc", gw);
        json_object_object_add(s, "direct_connect", dx);
        if (att) import_set_str(s, "#att_dx", att);
        import_note(c->e, "%s: distance_km 50 is assumed (not described): set the fibre distance",
                    id);
    }
}

/* ---- Route 53: shared zones and Resolver inbound endpoints ----------------------------------- */

static int aws_cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void aws_zones(aws_ctx *c)
{
    enum { ZONES_MAX = 1024 };
    DIR *d = opendir(c->dir);
    struct dirent *de;
    char *files[ZONES_MAX];
    size_t nf = 0, more = 0;
    while (d && (de = readdir(d)))
        if (strncmp(de->d_name, "hosted-zone-", 12) == 0 && strstr(de->d_name, ".json")) {
            if (nf < ZONES_MAX && (files[nf] = strdup(de->d_name)))
                nf++;
            else
                more++;
        }
    if (d) closedir(d);
    if (more)
        import_note(c->e, "%zu hosted-zone files beyond the first %d are not read", more,
                    ZONES_MAX);
    qsort(files, nf, sizeof *files, aws_cmp_names); /* readdir's order is the file system's */
    for (size_t f = 0; f < nf && !c->bad; f++) {
        json_object *vpcs = aws_list(c, files[f], "VPCs");
        json_object *hz = import_get(import_get(c->docs, files[f]), "HostedZone");
        const char *names[ZONE_VPCS_MAX];
        size_t n = 0;
        for (size_t k = 0; k < import_len(vpcs) && n < ZONE_VPCS_MAX; k++)
            if (aws_name(c, import_str(json_object_array_get_idx(vpcs, k), "VPCId")))
                names[n++] = aws_name(c, import_str(json_object_array_get_idx(vpcs, k), "VPCId"));
        if (!import_share_zone(c->e, import_str(hz, "Name"), names, n))
            import_skip(c->e, files[f],
                        "a private hosted zone is modelled only when it shares an "
                        "interface endpoint's service name (dns_shared_with)");
    }
    for (size_t f = 0; f < nf; f++) free(files[f]);
}

static void aws_resolvers(aws_ctx *c)
{
    static const char F[] = "resolver-endpoints.json";
    EACH(c, F, "ResolverEndpoints", i, r)
    {
        const char *id = aws_need(c, F, "ResolverEndpoints", i, r, "Id");
        const char *dir = import_str(r, "Direction"),
                   *vpc = aws_name(c, import_str(r, "HostVPCId"));
        char file[160], src[256];
        if (!id) return;
        if (!dir || strcmp(dir, "INBOUND") || !vpc) {
            import_skip(c->e, id, "only inbound Resolver endpoints of described VPCs are modelled");
            continue;
        }
        snprintf(file, sizeof file, "resolver-endpoint-ips-%.100s.json", id);
        snprintf(src, sizeof src, "%s (%s)", id, F);
        json_object *el = import_elem_new(c->e, "resolver_endpoints",
                                          import_str(r, "Name") ? import_str(r, "Name") : id, src);
        import_set_str(el, "vpc", vpc);
        aws_names_of(c, aws_list(c, file, "IpAddresses"), "SubnetId", el, "subnets");
    }
}

int import_aws(const char *dir, import_estate *e, vs_error *err)
{
    aws_ctx c = {.dir = dir,
                 .e = e,
                 .names = json_object_new_object(),
                 .docs = json_object_new_object(),
                 .err = err};
    void (*const steps[])(aws_ctx *) = {aws_vpcs,     aws_subnets,      aws_nats, aws_tgws,
                                        aws_peerings, aws_route_tables, aws_sgs,  aws_endpoints,
                                        aws_tgw_atts, aws_tgw_routes,   aws_vpns, aws_vifs,
                                        aws_resolvers};
    DIR *d = opendir(dir);
    if (!d)
        c.bad = 1, error_set(err, "%s: not a folder of describe-* outputs", dir);
    else
        closedir(d);
    for (size_t i = 0; !c.bad && i < sizeof steps / sizeof *steps; i++) steps[i](&c);
    if (!c.bad) import_sites_finish(e, false);
    if (!c.bad) import_finish(e);
    if (!c.bad) aws_zones(&c);
    json_object_put(c.names), json_object_put(c.docs);
    return c.bad ? -1 : 0;
}
