/* The component-kind table (include/vpcsim/aws/kinds.h): every hop kind described once, as Lua's
 * lopcodes.c describes every opcode once. Read at check time, at model setup and when writing
 * results; never per event. */
#include "vpcsim/aws/kinds.h"

#include <stdio.h>
#include <string.h>

#include "vpcsim/aws/cost.h"

/* The topology array of a KIND_NAMED kind. */
#define NAMED(arr, type)                                                                           \
    .instance = KIND_NAMED, .names = {offsetof(topology, arr), offsetof(topology, n##arr),         \
                                      sizeof(type), offsetof(type, name)}

static const kind_desc kinds[HOP_KIND_COUNT] = {
    [HOP_SOURCE] = {.name = "source",
                    .role = KIND_SOURCE,
                    .instance = KIND_FROM_SOURCE,
                    .gb_item = -1},
    [HOP_ONPREM_ROUTER] = {.name = "onprem-router",
                           .role = KIND_ROUTER,
                           NAMED(sites, topo_site),
                           .gb_item = -1},
    [HOP_DX] = {.name = "direct-connect",
                .param_kind = "direct_connect",
                .role = KIND_STATION,
                NAMED(sites, topo_site),
                .failover = FAILOVER_ROUTE,
                .detect = "bfd_detect",
                .gb_item = -1,
                .station = {.bandwidth = true, .queue = true, .place = PLACE_SITE}},
    [HOP_VPN] = {.name = "vpn",
                 .param_kind = "vpn_tunnel",
                 .role = KIND_STATION,
                 NAMED(sites, topo_site),
                 .failover = FAILOVER_ROUTE,
                 .detect = "dpd_timeout",
                 .gb_item = -1,
                 .station = {.bandwidth = true,
                             .capacity = "bandwidth",
                             .packets = "packets_per_s",
                             .mtu = "mtu",
                             .queue = true,
                             .tunnels = true,
                             .place = PLACE_SITE}},
    [HOP_VGW] = {.name = "virtual-private-gateway",
                 .role = KIND_PASS,
                 NAMED(vpcs, topo_vpc),
                 .shown_prefix = "vgw of ",
                 .gb_item = -1},
    [HOP_TGW] = {.name = "transit-gateway",
                 .param_kind = "transit_gateway",
                 .role = KIND_STATION,
                 NAMED(tgws, topo_tgw),
                 .delay = "added_latency",
                 .zonal = true,
                 .gb_item = COST_GB_TGW,
                 .station = {.bandwidth = true,
                             .capacity = "bandwidth",
                             .packets = "packets_per_s",
                             .mtu = "mtu",
                             .queue = true,
                             .place = PLACE_TGW}},
    [HOP_PEERING] = {.name = "vpc-peering",
                     .param_kind = "peering",
                     .role = KIND_PASS,
                     NAMED(peerings, topo_peering),
                     .delay = "added_latency",
                     .gb_item = -1},
    [HOP_NAT] = {.name = "nat-gateway",
                 .param_kind = "nat_gateway",
                 .role = KIND_STATION,
                 NAMED(nats, topo_nat),
                 .delay = "added_latency",
                 .zonal = true,
                 .gb_item = COST_GB_NAT,
                 .station = {.bandwidth = true,
                             .capacity = "bandwidth_max",
                             .packets = "packets_per_s_max",
                             .queue = true,
                             .scales_up = true,
                             .place = PLACE_AZ}},
    [HOP_IGW] = {.name = "internet-gateway",
                 .param_kind = "internet_gateway",
                 .role = KIND_PASS,
                 NAMED(igws, topo_igw),
                 .delay = "added_latency",
                 .gb_item = -1},
    [HOP_GATEWAY_ENDPOINT] = {.name = "gateway-endpoint",
                              .param_kind = "gateway_endpoint",
                              .role = KIND_PASS,
                              NAMED(gateway_endpoints, topo_gateway_endpoint),
                              .delay = "added_latency",
                              .gb_item = -1},
    [HOP_INTERFACE_ENDPOINT] = {.name = "interface-endpoint",
                                .param_kind = "interface_endpoint",
                                .role = KIND_STATION,
                                NAMED(interface_endpoints, topo_interface_endpoint),
                                .delay = "added_latency",
                                .zonal = true,
                                .failover = FAILOVER_DNS,
                                .gb_item = COST_GB_INTERFACE_ENDPOINT,
                                .station = {.bandwidth = true,
                                            .capacity = "bandwidth_max",
                                            .queue = true,
                                            .scales_up = true,
                                            .place = PLACE_AZ}},
    [HOP_NLB] = {.name = "nlb",
                 .param_kind = "nlb",
                 .role = KIND_STATION,
                 NAMED(endpoint_services, topo_endpoint_service),
                 .zonal = true,
                 .gb_item = -1,
                 .station = {.service = "added_latency", .queue = true, .place = PLACE_AZ}},
    [HOP_AWS_SERVICE] = {.name = "aws-service",
                         .role = KIND_STATION,
                         .instance = KIND_SERVICE,
                         .gb_item = -1,
                         .station = {.service = "latency", .shared = true, .place = PLACE_REGION}},
    [HOP_PRIVATE_SERVICE] = {.name = "private-service",
                             .param_kind = "private_service",
                             .role = KIND_STATION,
                             NAMED(endpoint_services, topo_endpoint_service),
                             .zonal = true,
                             .gb_item = -1,
                             .station = {.service = "latency", .queue = true, .place = PLACE_AZ}},
    [HOP_INTERNET_HOST] =
        {.name = "internet-host",
         .param_kind = "internet_host",
         .role = KIND_STATION,
         .instance = KIND_INTERNET_IP,
         .gb_item = -1,
         .station = {.service = "latency", .queue = true, .shared = true, .place = PLACE_INTERNET}},
};

const kind_desc *kinds_get(hop_kind k)
{
    return &kinds[k];
}

const char *hop_kind_name(hop_kind k)
{
    return (unsigned)k < HOP_KIND_COUNT ? kinds[k].name : "?";
}

const char *kinds_param_kind(hop_kind k, int32_t index)
{
    if (k == HOP_AWS_SERVICE) return aws_service_param_kind((aws_service)index);
    return (unsigned)k < HOP_KIND_COUNT ? kinds[k].param_kind : NULL;
}

/* Element i of the named array at n in t, or NULL out of range. */
static const char *named(const topology *t, const kind_names *n, int32_t i)
{
    const char *base;
    size_t count;
    memcpy(&base, (const char *)t + n->array, sizeof base);
    memcpy(&count, (const char *)t + n->count, sizeof count);
    if (i < 0 || (size_t)i >= count || !base) return NULL;
    const char *name;
    memcpy(&name, base + (size_t)i * n->stride + n->name, sizeof name);
    return name;
}

const char *kinds_component_name(const topology *t, hop_kind k, int32_t index)
{
    if ((unsigned)k >= HOP_KIND_COUNT || kinds[k].instance != KIND_NAMED) return NULL;
    return named(t, &kinds[k].names, index);
}

/* The source's subnet or site (index into the one the workload starts from), or NULL. */
static const char *source_name(const topology *t, const topo_workload *w, int32_t i)
{
    if (w->source_site >= 0) return i >= 0 && (size_t)i < t->nsites ? t->sites[i].name : NULL;
    return i >= 0 && (size_t)i < t->nsubnets ? t->subnets[i].name : NULL;
}

const char *kinds_instance_name(const topology *t, const topo_workload *w, hop_kind k,
                                int32_t index, char *buf, size_t n)
{
    const char *name = NULL;
    if ((unsigned)k >= HOP_KIND_COUNT) return "?";
    switch (kinds[k].instance) {
    case KIND_NAMED:
        name = named(t, &kinds[k].names, index);
        break;
    case KIND_FROM_SOURCE:
        name = source_name(t, w, index);
        break;
    case KIND_SERVICE:
        return aws_service_name((aws_service)index);
    case KIND_INTERNET_IP:
        return ipv4_format(w->internet_ip, buf, n);
    }
    return name ? name : "?";
}
