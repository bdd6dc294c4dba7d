/* Index checks for path resolution: the loader promises a consistent topology, but a loader bug
 * (or a hand-built topology in a test) must give an error naming the field, never a crash. One
 * linear pass per resolution; topologies hold tens of components. */
#include "paths_impl.h"

/* i must be a valid index into an array of n; -1 is allowed when opt. */
#define CHECK_INDEX(i, n, opt, what, owner)                                                        \
    do {                                                                                           \
        if (!(((opt) && (i) == -1) || ((i) >= 0 && (size_t)(i) < (n))))                            \
            return error_set(err, "topology '%s': %s of %s is %d, out of range (%zu)", tname,      \
                             what, owner ? owner : "?", (int)(i), (size_t)(n));                    \
    } while (0)

#define CHECK_NAME(s, what)                                                                        \
    do {                                                                                           \
        if (!(s)) return error_set(err, "topology '%s': a %s has no name", tname, what);           \
    } while (0)

static int check_places(const topology *t, const char *tname, vs_error *err)
{
    for (size_t i = 0; i < t->nregions; i++) {
        const topo_region *r = &t->regions[i];
        CHECK_NAME(r->name, "region");
        if (r->first_az < 0 || r->naz < 0 || (size_t)r->first_az + (size_t)r->naz > t->nazs)
            return error_set(err, "topology '%s': AZs of region %s out of range", tname, r->name);
    }
    for (size_t i = 0; i < t->nazs; i++) {
        CHECK_NAME(t->azs[i].name, "AZ");
        CHECK_INDEX(t->azs[i].region, t->nregions, 0, "region", t->azs[i].name);
    }
    for (size_t i = 0; i < t->nvpcs; i++) {
        const topo_vpc *v = &t->vpcs[i];
        CHECK_NAME(v->name, "VPC");
        CHECK_INDEX(v->region, t->nregions, 0, "region", v->name);
        CHECK_INDEX(v->igw, t->nigws, 1, "igw", v->name);
        CHECK_INDEX(v->main_route_table, t->nroute_tables, 1, "main route table", v->name);
    }
    for (size_t i = 0; i < t->nsubnets; i++) {
        const topo_subnet *s = &t->subnets[i];
        CHECK_NAME(s->name, "subnet");
        CHECK_INDEX(s->vpc, t->nvpcs, 0, "vpc", s->name);
        CHECK_INDEX(s->az, t->nazs, 0, "az", s->name);
        CHECK_INDEX(s->route_table, t->nroute_tables, 1, "route table", s->name);
        CHECK_INDEX(s->nacl, t->nnacls, 1, "network ACL", s->name);
    }
    return 0;
}

static size_t route_target_count(const topology *t, route_target target)
{
    switch (target) {
    case RT_IGW:
        return t->nigws;
    case RT_NAT:
        return t->nnats;
    case RT_GATEWAY_ENDPOINT:
        return t->ngateway_endpoints;
    case RT_TGW:
        return t->ntgws;
    case RT_PEERING:
        return t->npeerings;
    default:
        return 0;
    }
}

static int check_routes(const topology *t, const char *tname, vs_error *err)
{
    for (size_t i = 0; i < t->nroute_tables; i++) {
        const topo_route_table *rt = &t->route_tables[i];
        CHECK_NAME(rt->name, "route table");
        CHECK_INDEX(rt->vpc, t->nvpcs, 0, "vpc", rt->name);
        for (size_t j = 0; j < rt->nroutes; j++) {
            const topo_route *r = &rt->routes[j];
            if ((unsigned)r->target > RT_BLACKHOLE)
                return error_set(err, "topology '%s': route %zu of %s has target %d", tname, j,
                                 rt->name, (int)r->target);
            CHECK_INDEX(r->prefix_list, SVC_COUNT, 1, "prefix list", rt->name);
            if (r->target != RT_LOCAL && r->target != RT_VGW && r->target != RT_BLACKHOLE)
                CHECK_INDEX(r->target_index, route_target_count(t, r->target), 0, "route target",
                            rt->name);
        }
    }
    return 0;
}

static int check_gateways(const topology *t, const char *tname, vs_error *err)
{
    for (size_t i = 0; i < t->nigws; i++) {
        CHECK_NAME(t->igws[i].name, "internet gateway");
        CHECK_INDEX(t->igws[i].vpc, t->nvpcs, 0, "vpc", t->igws[i].name);
    }
    for (size_t i = 0; i < t->nnats; i++) {
        CHECK_NAME(t->nats[i].name, "NAT gateway");
        CHECK_INDEX(t->nats[i].subnet, t->nsubnets, 0, "subnet", t->nats[i].name);
    }
    for (size_t i = 0; i < t->ngateway_endpoints; i++) {
        const topo_gateway_endpoint *g = &t->gateway_endpoints[i];
        CHECK_NAME(g->name, "gateway endpoint");
        CHECK_INDEX(g->vpc, t->nvpcs, 0, "vpc", g->name);
        CHECK_INDEX((int32_t)g->service, SVC_COUNT, 0, "service", g->name);
        CHECK_INDEX(g->policy, t->npolicies, 1, "policy", g->name);
        for (size_t j = 0; j < g->nroute_tables; j++)
            CHECK_INDEX(g->route_tables[j], t->nroute_tables, 0, "route table", g->name);
    }
    for (size_t i = 0; i < t->npeerings; i++) {
        CHECK_NAME(t->peerings[i].name, "peering");
        CHECK_INDEX(t->peerings[i].vpc_a, t->nvpcs, 0, "vpc_a", t->peerings[i].name);
        CHECK_INDEX(t->peerings[i].vpc_b, t->nvpcs, 0, "vpc_b", t->peerings[i].name);
    }
    return 0;
}

static int check_list(const int32_t *v, size_t n, size_t max, const char *what, const char *owner,
                      const char *tname, vs_error *err)
{
    for (size_t j = 0; j < n; j++) CHECK_INDEX(v[j], max, 0, what, owner);
    return 0;
}

static int check_endpoints(const topology *t, const char *tname, vs_error *err)
{
    for (size_t i = 0; i < t->ninterface_endpoints; i++) {
        const topo_interface_endpoint *e = &t->interface_endpoints[i];
        CHECK_NAME(e->name, "interface endpoint");
        CHECK_INDEX(e->vpc, t->nvpcs, 0, "vpc", e->name);
        CHECK_INDEX(e->aws_service, SVC_COUNT, 1, "service", e->name);
        CHECK_INDEX(e->endpoint_service, t->nendpoint_services, 1, "endpoint service", e->name);
        if ((e->aws_service < 0) == (e->endpoint_service < 0))
            return error_set(err,
                             "topology '%s': interface endpoint %s needs exactly one of "
                             "service and endpoint service",
                             tname, e->name);
        CHECK_INDEX(e->policy, t->npolicies, 1, "policy", e->name);
        if (check_list(e->subnets, e->nsubnets, t->nsubnets, "subnet", e->name, tname, err) ||
            check_list(e->security_groups, e->nsecurity_groups, t->nsecurity_groups,
                       "security group", e->name, tname, err) ||
            check_list(e->dns_vpcs, e->ndns_vpcs, t->nvpcs, "dns vpc", e->name, tname, err))
            return -1;
    }
    for (size_t i = 0; i < t->nendpoint_services; i++) {
        const topo_endpoint_service *s = &t->endpoint_services[i];
        CHECK_NAME(s->name, "endpoint service");
        CHECK_INDEX(s->vpc, t->nvpcs, 0, "vpc", s->name);
        if (check_list(s->subnets, s->nsubnets, t->nsubnets, "subnet", s->name, tname, err) ||
            check_list(s->targets, s->ntargets, t->nsubnets, "target subnet", s->name, tname, err))
            return -1;
    }
    return 0;
}

static int check_tgw(const topology *t, const topo_tgw *g, const char *tname, vs_error *err)
{
    CHECK_NAME(g->name, "transit gateway");
    CHECK_INDEX(g->region, t->nregions, 0, "region", g->name);
    for (size_t j = 0; j < g->nattachments; j++) {
        const topo_tgw_attachment *a = &g->attachments[j];
        CHECK_NAME(a->name, "transit gateway attachment");
        CHECK_INDEX(a->vpc, t->nvpcs, 1, "vpc", a->name);
        CHECK_INDEX(a->route_table, g->nroute_tables, 1, "route table", a->name);
        if (check_list(a->subnets, a->nsubnets, t->nsubnets, "subnet", a->name, tname, err))
            return -1;
    }
    for (size_t j = 0; j < g->nroute_tables; j++) {
        CHECK_NAME(g->route_tables[j].name, "transit gateway route table");
        for (size_t r = 0; r < g->route_tables[j].nroutes; r++) {
            const topo_tgw_route *tr = &g->route_tables[j].routes[r];
            CHECK_INDEX(tr->attachment, g->nattachments, 1, "attachment", g->name);
            CHECK_INDEX(tr->peer_tgw, t->ntgws, 1, "peer", g->name);
        }
    }
    return check_list(g->peers, g->npeers, t->ntgws, "peer", g->name, tname, err);
}

static int check_sites(const topology *t, const char *tname, vs_error *err)
{
    for (size_t i = 0; i < t->nsites; i++) {
        const topo_site *s = &t->sites[i];
        CHECK_NAME(s->name, "site");
        CHECK_INDEX(s->region, t->nregions, 0, "region", s->name);
        CHECK_INDEX(s->dx.vpc, t->nvpcs, 1, "dx vpc", s->name);
        CHECK_INDEX(s->dx.tgw, t->ntgws, 1, "dx tgw", s->name);
        CHECK_INDEX(s->vpn.vpc, t->nvpcs, 1, "vpn vpc", s->name);
        CHECK_INDEX(s->vpn.tgw, t->ntgws, 1, "vpn tgw", s->name);
        CHECK_INDEX(s->dns_resolver, t->nresolver_endpoints, 1, "dns resolver", s->name);
    }
    for (size_t i = 0; i < t->nresolver_endpoints; i++) {
        CHECK_NAME(t->resolver_endpoints[i].name, "resolver endpoint");
        CHECK_INDEX(t->resolver_endpoints[i].vpc, t->nvpcs, 0, "vpc",
                    t->resolver_endpoints[i].name);
    }
    return 0;
}

static int check_guards(const topology *t, const char *tname, vs_error *err)
{
    for (size_t i = 0; i < t->nsecurity_groups; i++) {
        const topo_security_group *g = &t->security_groups[i];
        CHECK_NAME(g->name, "security group");
        CHECK_INDEX(g->vpc, t->nvpcs, 0, "vpc", g->name);
        for (size_t j = 0; j < g->nrules; j++)
            CHECK_INDEX(g->rules[j].source_sg, t->nsecurity_groups, 1, "rule peer", g->name);
    }
    for (size_t i = 0; i < t->npolicies; i++) CHECK_NAME(t->policies[i].name, "policy");
    return 0;
}

int paths_check_topology(const topology *t, vs_error *err)
{
    const char *tname = t->name ? t->name : "?";
    if (check_places(t, tname, err) || check_routes(t, tname, err) ||
        check_gateways(t, tname, err) || check_endpoints(t, tname, err) ||
        check_sites(t, tname, err) || check_guards(t, tname, err))
        return -1;
    for (size_t i = 0; i < t->ntgws; i++)
        if (check_tgw(t, &t->tgws[i], tname, err)) return -1;
    return 0;
}

int paths_check_workload(const topology *t, const topo_workload *w, vs_error *err)
{
    const char *tname = t->name ? t->name : "?";
    CHECK_NAME(w->name, "workload");
    if ((w->source_subnet >= 0) == (w->source_site >= 0))
        return error_set(err, "topology '%s': workload %s needs exactly one source", tname,
                         w->name);
    CHECK_INDEX(w->source_subnet, t->nsubnets, 1, "source subnet", w->name);
    CHECK_INDEX(w->source_site, t->nsites, 1, "source site", w->name);
    if (w->nsource_sgs > 8)
        return error_set(err, "topology '%s': workload %s has %zu security groups (max 8)", tname,
                         w->name, w->nsource_sgs);
    if (check_list(w->source_sgs, w->nsource_sgs, t->nsecurity_groups, "security group", w->name,
                   tname, err))
        return -1;
    CHECK_INDEX(w->service_region, t->nregions, 1, "service region", w->name);
    if (w->target == TARGET_AWS_SERVICE)
        CHECK_INDEX(w->service, SVC_COUNT, 0, "service", w->name);
    else if (w->target == TARGET_ENDPOINT_SERVICE)
        CHECK_INDEX(w->endpoint_service, t->nendpoint_services, 0, "endpoint service", w->name);
    else if (w->target != TARGET_INTERNET)
        return error_set(err, "topology '%s': workload %s has target kind %d", tname, w->name,
                         (int)w->target);
    return 0;
}
