/* Internals of path resolution shared by models/paths*.c: the state of one walk through a
 * topology (the client, what DNS answered, where the packet is and how it entered the VPC it is
 * in) and the named steps. A walk lives on paths_resolve's stack: nothing here allocates. */
#ifndef VPCSIM_MODELS_PATHS_IMPL_H
#define VPCSIM_MODELS_PATHS_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "vpcsim/aws/paths.h"

/* What a client sends to, after DNS. */
typedef enum dest_kind {
    DEST_PUBLIC,  /* public addresses of an AWS service: only /0 and prefix-list routes match */
    DEST_ENI,     /* a private address: one ENI of an interface endpoint */
    DEST_INTERNET /* a host on the internet */
} dest_kind;

typedef struct dest {
    dest_kind kind;
    int32_t service;  /* DEST_PUBLIC: aws_service */
    int32_t region;   /* DEST_PUBLIC: the service's Region */
    uint32_t addr;    /* DEST_ENI, DEST_INTERNET: the address */
    int32_t endpoint; /* DEST_ENI: interface endpoint */
    int32_t subnet;   /* DEST_ENI: the ENI's subnet */
} dest;

/* How the packet entered the VPC it is in: decides what that VPC may forward it to. */
typedef enum arrival {
    ARR_OWN,     /* it started there */
    ARR_PEERING, /* over a peering connection: delivered only to the VPC's own addresses */
    ARR_TGW,     /* out of a Transit Gateway attachment: routed by that subnet's table */
    ARR_VGW      /* from on premises through the VGW: delivered only to the VPC's addresses */
} arrival;

/* Step results: go on, stop with out->verdict set, or a broken topology (err set). */
enum { STEP_OK = 0, STEP_STOP = 1, STEP_ERR = -1 };

typedef struct walk {
    const topology *t;
    const topo_workload *w;
    const path_faults *faults; /* may be NULL */
    path_result *out;
    vs_error *err;
    path_alt *alt; /* the alternative being walked (one of out->alts) */
    /* the client */
    int32_t src_subnet; /* or -1 */
    int32_t src_site;   /* or -1 */
    int32_t src_vpc;    /* -1 on premises */
    ipv4_cidr src;      /* its addresses: the subnet's or the site's CIDR */
    int32_t src_region;
    /* what DNS answered for this alternative */
    dest d;
    /* where the packet is */
    int32_t az;          /* AZ of the last hop, or -1 */
    int32_t region;      /* Region of the last hop, or -1 */
    int32_t vpc;         /* VPC it is in, or -1 */
    arrival arr;         /* how it entered that VPC */
    int32_t arr_index;   /* ARR_PEERING: peering; ARR_TGW: TGW; else -1 */
    int32_t arr_att;     /* ARR_TGW: attachment it came out of */
    int32_t entry_att;   /* attachment of the first TGW it went into, or -1 */
    int32_t ntgw;        /* Transit Gateways crossed */
    int32_t via_peering; /* peering crossed, or -1 */
    /* what the request context of policies needs (aws:SourceVpce, aws:SourceIp) */
    int32_t via_nat;                /* NAT gateway crossed, or -1 */
    int32_t via_gateway_endpoint;   /* gateway endpoint crossed, or -1 */
    int32_t via_interface_endpoint; /* interface endpoint delivered to, or -1 */
} walk;

/* ---- paths.c: hops, verdicts, faults, words ---- */
/* snprintf that truncates silently (texts are bounded by PATH_TEXT_MAX); returns buf. */
char *paths_text(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int paths_stop(walk *k, verdict v, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int paths_push(walk *k, hop_kind kind, int32_t index, int32_t az, int32_t region);
int paths_push_link(walk *k, hop_kind kind, int32_t index, int32_t az, int32_t region,
                    link_class link);
bool paths_down(const walk *k, hop_kind kind, int32_t index, int32_t az);
bool paths_az_down(const walk *k, int32_t az);
const char *paths_az_name(const topology *t, int32_t az);
const char *paths_pos(topo_pos p, char *buf, size_t n);             /* "file:line" */
const char *paths_ip(uint32_t addr, char *buf, size_t n);           /* "10.0.1.4" */
const char *paths_cidr(ipv4_cidr c, char *buf, size_t n);           /* "10.0.0.0/16" */
const char *paths_dest_words(const walk *k, char *buf, size_t n);   /* the destination, in words */
const char *paths_client_words(const walk *k, char *buf, size_t n); /* subnet 'x' 10.0.1.0/24 */
uint32_t paths_eni_addr(const topology *t, int32_t subnet);
int32_t paths_vpc_region(const topology *t, int32_t vpc);

/* ---- paths_check.c: index checks, so a loader bug is an error and never a crash ---- */
int paths_check_topology(const topology *t, vs_error *err);
int paths_check_workload(const topology *t, const topo_workload *w, vs_error *err);

/* ---- paths_dns.c ---- */
/* Fills out->dns and dests[0..*n) (equal weights), or stops (no answer). */
int paths_dns(walk *k, dest *dests, size_t *n);

/* ---- paths_vpc.c: routing inside a VPC ---- */
/* Forwards the packet in k->vpc, routed by subnet table_subnet's route table (-1: only local
 * delivery is possible, e.g. after a VGW). */
int paths_vpc_forward(walk *k, int32_t table_subnet);
/* Checks that subnet's route table sends responses back the way the packet came. */
int paths_check_return(walk *k, int32_t subnet);
const topo_route *paths_lookup(const topology *t, int32_t table, const dest *d, bool prefix_lists);
int32_t paths_gateway_endpoint_for(const topology *t, int32_t vpc, const dest *d);

/* ---- paths_transit.c: Transit Gateway, on-premises sites ---- */
int paths_tgw_from_vpc(walk *k, int32_t tgw, int32_t table);
int paths_site_start(walk *k);
/* Checks that the TGW route table the packet left by routes the client's addresses back to the
 * attachment it came in by (one TGW on the path; peered TGWs are not checked). */
int paths_tgw_return(walk *k);

/* ---- paths_guard.c: delivery, security groups, endpoint, identity and resource policies ---- */
int paths_deliver_eni(walk *k);
int paths_deliver_public(walk *k); /* after an IGW or a gateway endpoint */
int paths_check_policy(walk *k, int32_t policy, const char *what, const char *name);

/* ---- paths_nacl.c: network ACLs at the subnet boundaries the request and its responses cross */
int paths_nacl_request(walk *k);
int paths_nacl_response(walk *k);
/* paths_region.c: cross-Region PrivateLink. Whether endpoint e reaches an endpoint service in
 * another Region; the provider AZ whose NLB an ENI of e in az joins; STEP_OK, or STEP_STOP
 * (denied) when the service does not support e's Region. */
bool paths_region_cross(const topology *t, const topo_interface_endpoint *e);
int32_t paths_region_provider_az(const topology *t, const topo_interface_endpoint *e, int32_t az);
int paths_region_check(walk *k, const topo_interface_endpoint *e);
/* Adds to k->out->dns the failover record the client resolved (and which target it answered) and,
 * for an endpoint in another Region than its service, that the link is inter-Region and billed. */
void paths_region_dns_note(walk *k, const dest *dests, size_t n);
/* paths_spread.c: NLB cross-zone load balancing. The AZ of the targets that the node of endpoint
 * service s in az sends to first (az itself if it has targets, else with cross-zone on the first
 * target AZ), or -1: none (cross-zone off and no target in az). */
int32_t paths_target_az(const topology *t, const topo_endpoint_service *s, int32_t az);
/* Splits every way of out that ends at a cross-zone endpoint service's targets into one way per
 * target AZ, its weight shared equally (out->nalts grows). Returns false, out unchanged, when
 * that would be more than PATH_MAX_ALTS ways. */
bool paths_spread_targets(const topology *t, path_result *out);

#endif
