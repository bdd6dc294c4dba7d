/* The component (hop) kinds, each described once in a const table (models/components/kinds.c):
 * its name, the parameter kind that configures it, its role in the run model, how its instances
 * are named, what faults do to it and what it is billed per GB. Every layer reads the table
 * instead of switching on the kind, so a new kind is one enum value and one table entry. */
#ifndef VPCSIM_KINDS_H
#define VPCSIM_KINDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vpcsim/aws/topology.h"

typedef enum hop_kind {
    HOP_SOURCE,             /* the client: an instance in a subnet (index: subnet) or a host on
                               premises (index: site) */
    HOP_ONPREM_ROUTER,      /* customer router (index: site) */
    HOP_DX,                 /* Direct Connect connection and VIF (index: site) */
    HOP_VPN,                /* Site-to-Site VPN tunnel (index: site) */
    HOP_VGW,                /* virtual private gateway (index: vpc) */
    HOP_TGW,                /* Transit Gateway, entered through an attachment (index: tgw) */
    HOP_PEERING,            /* VPC peering connection (index: peering) */
    HOP_NAT,                /* NAT gateway (index: nat) */
    HOP_IGW,                /* internet gateway (index: igw) */
    HOP_GATEWAY_ENDPOINT,   /* gateway endpoint (index: gateway endpoint) */
    HOP_INTERFACE_ENDPOINT, /* one ENI of an interface endpoint (index: endpoint; az: its AZ) */
    HOP_NLB,                /* Network Load Balancer of an endpoint service (index: service) */
    HOP_AWS_SERVICE,        /* AWS service front end (index: aws_service) */
    HOP_PRIVATE_SERVICE,    /* the service behind an endpoint service (index: service) */
    HOP_INTERNET_HOST,      /* a host on the internet (index: -1) */
    HOP_KIND_COUNT
} hop_kind;

/* What a hop becomes in the run model. */
typedef enum kind_role {
    KIND_SOURCE,  /* the client's own hop (the client LP) */
    KIND_STATION, /* a station LP per instance, and per AZ where the kind is zonal */
    KIND_PASS,    /* a route-table target: no LP; its added latency joins the link out of it and
                     the link into it is dropped */
    KIND_ROUTER   /* the customer router: no LP, its on-premises link kept */
} kind_role;

/* Where the name of an instance comes from. */
typedef enum kind_instance {
    KIND_NAMED,       /* a topology component: the `name` of the array at kind_desc.names */
    KIND_FROM_SOURCE, /* the workload's source: its subnet, or its site */
    KIND_SERVICE,     /* an AWS service: aws_service_name(index) */
    KIND_INTERNET_IP  /* the workload's internet host, dotted */
} kind_instance;

/* Where a station of the kind runs (its AZ and locality group). */
typedef enum kind_place {
    PLACE_AZ,       /* the hop's AZ, else the Region of the workload's source */
    PLACE_TGW,      /* the TGW's AZ on the path (its own, else a neighbour's), else its Region */
    PLACE_SITE,     /* the site of the connection (DX, VPN) */
    PLACE_REGION,   /* the service's Region, no AZ (AWS service front ends) */
    PLACE_INTERNET, /* the internet */
} kind_place;

/* What a DOWN fault of the kind changes besides its station. */
typedef enum kind_failover {
    FAILOVER_NONE,  /* nothing: calls through it fail */
    FAILOVER_DNS,   /* DNS stops answering with it (an interface endpoint's ENI) */
    FAILOVER_ROUTE, /* routes move off it once BGP notices (`detect`): DX, VPN */
} kind_failover;

/* The offsets of a topology array of named components: topology.<array>, topology.n<array>, the
 * size of one element and of its `name` member. */
typedef struct kind_names {
    size_t array, count, stride, name;
} kind_names;

/* How the run model makes a station of the kind (role KIND_STATION). Parameter names are those
 * of the kind's parameter kind in the registry (models/components/params.c). */
typedef struct kind_station {
    bool bandwidth;       /* processor sharing at a capacity; else FIFO servers (`servers`) */
    const char *capacity; /* bandwidth: its capacity, or NULL: its site's DX port speed */
    const char *packets;  /* bandwidth: its packet-rate limit, or NULL */
    const char *mtu;      /* its largest packet, or NULL: packets carry at most mtu - 40 B of
                             TCP payload here (client.mss when smaller) */
    const char *service;  /* servers: each request's service time */
    bool queue;           /* it has a queue_capacity */
    bool scales_up;       /* it has a scale_up_period (and starts at bandwidth/bandwidth_max) */
    bool shared;          /* one set of parameters for every instance (by kind, not instance) */
    bool tunnels;         /* capacity and packets are per tunnel: times the tunnels of the site's
                             VPN that carry traffic (ECMP), large_ values for Large tunnels */
    kind_place place;
} kind_station;

typedef struct kind_desc {
    const char *name;       /* "nat-gateway": LP names, `check`, HDF5 */
    const char *param_kind; /* "nat_gateway" (overrides, faults); NULL: no parameters, or one
                               kind per AWS service (kinds_param_kind) */
    kind_role role;
    kind_instance instance;
    kind_names names;         /* KIND_NAMED */
    const char *shown_prefix; /* what `check` writes before an instance's name ("vgw of "),
                                 or NULL */
    const char *delay;        /* parameter of the latency it adds (station or pass-through), or
                                 NULL */
    bool zonal;               /* a part per AZ: an impaired AZ takes it down */
    kind_failover failover;   /* what a DOWN fault changes */
    const char *detect;       /* FAILOVER_ROUTE: parameter of the time BGP takes to notice */
    int gb_item;              /* cost_gb_item of the bytes it processes, or -1 */
    kind_station station;     /* KIND_STATION */
} kind_desc;

/* The description of kind k; k must be a kind (< HOP_KIND_COUNT). */
const kind_desc *kinds_get(hop_kind k);

const char *hop_kind_name(hop_kind k); /* "nat-gateway", ...; "?" for no kind */

/* The parameter kind of component (k, index): the table's, or for an AWS service of that index
 * its own ("service_s3"); NULL for kinds without parameters. */
const char *kinds_param_kind(hop_kind k, int32_t index);

/* The scenario name of component (k, index) of a KIND_NAMED kind, or NULL (other kinds, or an
 * index out of range). */
const char *kinds_component_name(const topology *t, hop_kind k, int32_t index);

/* The name an instance of any kind is known by for workload w: the component's, the source
 * subnet's or site's, the AWS service's, or the internet host's address (written into buf).
 * "?" when the index is out of range. */
const char *kinds_instance_name(const topology *t, const topo_workload *w, hop_kind k,
                                int32_t index, char *buf, size_t n);

#endif
