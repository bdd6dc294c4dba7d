/* `vpcsim import`: what both importers do to an estate once its elements are in: a site's range
 * and Region from the routes toward it, interface endpoint names shared through a private hosted
 * zone, the implicit main route tables, and the Regions and AZs a scenario must declare. */
#include <stdio.h>
#include <string.h>

#include "cli/import_impl.h"

json_object *import_find(const import_estate *e, const char *kind, const char *name)
{
    json_object *l = import_get(e->kinds, kind);
    for (size_t i = 0; name && i < import_len(l); i++)
        if (strcmp(import_str(json_object_array_get_idx(l, i), "name"), name) == 0)
            return json_object_array_get_idx(l, i);
    return NULL;
}

const char *import_ports(const char *proto, json_object *from, json_object *to, char *buf, size_t n)
{
    bool all = proto && (strcmp(proto, "-1") == 0 || strcmp(proto, "all") == 0);
    if (!all && (!proto || (strcmp(proto, "tcp") && strcmp(proto, "6")))) return NULL;
    long lo = from ? json_object_get_int(from) : 0, hi = to ? json_object_get_int(to) : 65535;
    if (all || (lo <= 0 && hi >= 65535))
        snprintf(buf, n, "all");
    else if (lo == hi)
        snprintf(buf, n, "%ld", lo);
    else
        snprintf(buf, n, "%ld-%ld", lo, hi);
    return buf;
}

void import_sg_add(json_object *sg, const char *dir, const char *ports, const char *key,
                   const char *peer, const char *source)
{
    json_object *list = import_get(sg, dir);
    for (size_t i = 0; i < import_len(list); i++) { /* one rule per ports and peer */
        json_object *o = json_object_array_get_idx(list, i);
        const char *p = import_str(o, key);
        if (strcmp(import_str(o, "ports"), ports) == 0 && p && strcmp(p, peer) == 0) {
            /* a state lists a rule resource's rule in its group too: keep the resource's name */
            if (source && !import_str(o, "#")) import_set_str(o, "#", source);
            return;
        }
    }
    json_object *rule = json_object_new_object();
    if (source) import_set_str(rule, "#", source);
    import_set_str(rule, "ports", ports);
    import_set_str(rule, key, peer);
    if (!list) json_object_object_add(sg, dir, list = json_object_new_array());
    json_object_array_add(list, rule);
}

/* The destination of the first route of a VPC's tables to its virtual private gateway. */
static const char *vpc_route_to_vgw(json_object *rts, const char *vpc)
{
    for (size_t i = 0; i < import_len(rts); i++) {
        json_object *rt = json_object_array_get_idx(rts, i), *routes = import_get(rt, "routes");
        if (strcmp(import_str(rt, "vpc"), vpc) != 0) continue;
        for (size_t k = 0; k < import_len(routes); k++) {
            const char *t = import_str(json_object_array_get_idx(routes, k), "target");
            if (t && strcmp(t, "vgw") == 0)
                return import_str(json_object_array_get_idx(routes, k), "destination");
        }
    }
    return NULL;
}

/* The destination of the first static route of a TGW's tables to attachment att. */
static const char *tgw_route_to_att(json_object *trts, const char *att)
{
    for (size_t i = 0; att && i < import_len(trts); i++) {
        json_object *routes = import_get(json_object_array_get_idx(trts, i), "routes");
        for (size_t k = 0; k < import_len(routes); k++) {
            const char *a = import_str(json_object_array_get_idx(routes, k), "attachment");
            if (a && strcmp(a, att) == 0)
                return import_str(json_object_array_get_idx(routes, k), "destination");
        }
    }
    return NULL;
}

/* A site's range from the routes toward it, its Region from what it reaches; else it goes. */
void import_sites_finish(import_estate *e, bool final)
{
    json_object *sites = import_get(e->kinds, "sites");
    json_object *resolvers = import_get(e->kinds, "resolver_endpoints");
    for (size_t i = import_len(sites); i-- > 0;) {
        json_object *s = json_object_array_get_idx(sites, i);
        const char *via = import_str(s, "#via"), *cidr = import_str(s, "cidr");
        json_object *vpc = import_find(e, "vpcs", via),
                    *tgw = import_find(e, "transit_gateways", via);
        if (!cidr && vpc) cidr = vpc_route_to_vgw(import_get(e->kinds, "route_tables"), via);
        json_object *trts = import_get(tgw, "route_tables");
        if (!cidr) cidr = tgw_route_to_att(trts, import_str(s, "#att_vpn"));
        if (!cidr) cidr = tgw_route_to_att(trts, import_str(s, "#att_dx"));
        if (cidr) import_set_str(s, "cidr", cidr);
        if (!final) continue;
        const char *region = import_str(vpc ? vpc : tgw, "region");
        if (!cidr || !region) {
            import_skip(e, import_str(s, "#"),
                        "site not imported: no on-premises range found (add an "
                        "aws_vpn_connection_route or a route to it)");
            json_object_array_del_idx(sites, i, 1);
            continue;
        }
        import_set_str(s, "region", region);
        if (import_len(resolvers))
            import_set_str(s, "dns_resolver",
                           import_str(json_object_array_get_idx(resolvers, 0), "name"));
        static const char *const hidden[] = {"#via", "#att_vpn", "#att_dx"};
        for (size_t k = 0; k < 3; k++) json_object_object_del(s, hidden[k]);
    }
}

/* VPCs and TGWs without a Region, subnets without a table: what the scenario cannot leave out. */
void import_finish(import_estate *e)
{
    import_sites_finish(e, true);
    json_object *vpcs = import_get(e->kinds, "vpcs"), *subnets = import_get(e->kinds, "subnets");
    for (size_t i = 0; i < import_len(vpcs); i++) {
        json_object *v = json_object_array_get_idx(vpcs, i);
        const char *name = import_str(v, "name");
        if (!import_str(v, "region")) {
            const char *r0 = NULL;
            json_object_object_foreach(e->regions, rn, azs)
            {
                (void)azs;
                if (!r0) r0 = rn;
            }
            import_set_str(v, "region", r0 ? r0 : "us-east-1");
            import_note(e, "VPC %s has no subnet: its Region (%s) is a guess", name,
                        r0 ? r0 : "us-east-1");
            import_region_az(e, r0 ? r0 : "us-east-1", NULL);
        }
        bool has_main = false, needs_main = false;
        json_object *rts = import_get(e->kinds, "route_tables");
        for (size_t k = 0; k < import_len(rts); k++) {
            json_object *rt = json_object_array_get_idx(rts, k);
            has_main |= strcmp(import_str(rt, "vpc"), name) == 0 && import_bool(rt, "main", false);
        }
        for (size_t k = 0; k < import_len(subnets); k++) {
            json_object *s = json_object_array_get_idx(subnets, k);
            needs_main |= strcmp(import_str(s, "vpc"), name) == 0 && !import_str(s, "route_table");
        }
        if (!has_main && needs_main) {
            char want[IMPORT_NAME_MAX + 8], src[600];
            snprintf(want, sizeof want, "%.57s.main", name);
            snprintf(src, sizeof src,
                     "main route table of %s (its routes are not in Terraform: "
                     "local only)",
                     import_str(v, "#"));
            json_object *rt = import_elem_new(e, "route_tables", want, src);
            import_set_str(rt, "vpc", name);
            import_set_bool(rt, "main", true);
        }
    }
    json_object_object_foreach(e->regions, rn, azs)
    {
        if (json_object_object_length(azs) > 0) continue;
        char az[80];
        snprintf(az, sizeof az, "%sa", rn); /* a Region needs an AZ; none was seen */
        json_object_object_add(azs, az, json_object_new_boolean(1));
        import_note(e, "Region %s has no subnet: its AZ %s is a guess", rn, az);
    }
    json_object *tgws = import_get(e->kinds, "transit_gateways");
    for (size_t i = 0; i < import_len(tgws); i++) {
        json_object *t = json_object_array_get_idx(tgws, i);
        if (!import_str(t, "region")) {
            import_set_str(t, "region", import_str(json_object_array_get_idx(vpcs, 0), "region"));
            import_note(e, "TGW %s attaches no VPC: its Region is a guess", import_str(t, "name"));
        }
    }
}

bool import_share_zone(import_estate *e, const char *zone, const char *const *vpcs, size_t nv)
{
    char svc[160];
    json_object *eps = import_get(e->kinds, "interface_endpoints");
    size_t zl = zone ? strlen(zone) : 0;
    if (zl && zone[zl - 1] == '.') zl--; /* Route 53 writes names with the root's dot */
    for (size_t i = 0; zl && i < import_len(eps); i++) {
        json_object *ep = json_object_array_get_idx(eps, i);
        const char *s = import_str(ep, "service");
        json_object *v = import_find(e, "vpcs", import_str(ep, "vpc"));
        if (!s || !v || !import_str(v, "region")) continue;
        snprintf(svc, sizeof svc, "%s.%s.amazonaws.com", s, import_str(v, "region"));
        bool own = false;
        for (size_t k = 0; k < nv; k++) own |= strcmp(vpcs[k], import_str(ep, "vpc")) == 0;
        if (strlen(svc) != zl || strncmp(svc, zone, zl) || !own) continue;
        import_set_bool(ep, "private_dns", true);
        for (size_t k = 0; k < nv; k++)
            if (strcmp(vpcs[k], import_str(ep, "vpc")))
                import_add_str(ep, "dns_shared_with", vpcs[k]);
        return true;
    }
    return false;
}

json_object *import_site_for(import_estate *e, const char *via, const char *want,
                             const char *source)
{
    json_object *sites = import_get(e->kinds, "sites");
    for (size_t i = 0; i < import_len(sites); i++) {
        json_object *s = json_object_array_get_idx(sites, i);
        const char *v = import_str(s, "#via");
        if (v && strcmp(v, via) == 0) return s;
    }
    json_object *s = import_elem_new(e, "sites", want, source);
    import_set_str(s, "cidr", NULL);
    import_set_str(s, "region", NULL);
    import_set_str(s, "#via", via);
    return s;
}
