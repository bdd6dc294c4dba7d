/* Tests for models/paths*.c and models/paths/policy.c: path resolution, DNS then routing,
 * table-driven (each AWS rule shown allowed and refused, with the exact hops, AZs and link classes,
 * and the reason's words), plus the policy matcher, names, broken topologies and determinism.
 * Topologies are built with tests/topo_builder.h, not the YAML loader. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vpcsim/aws/policy.h"
#include "topo_builder.h"
#include "vpcsim/aws/paths.h"
#include "vpcsim/aws/scenario.h"

/* ---- rendering a path: "kind:name@az/link" per hop --------------------------------------------
 */

static const char *hop_component(const topology *t, const path_hop *h)
{
    switch (h->kind) {
    case HOP_ONPREM_ROUTER:
    case HOP_DX:
    case HOP_VPN:
        return t->sites[h->index].name;
    case HOP_VGW:
        return t->vpcs[h->index].name;
    case HOP_TGW:
        return t->tgws[h->index].name;
    case HOP_PEERING:
        return t->peerings[h->index].name;
    case HOP_NAT:
        return t->nats[h->index].name;
    case HOP_IGW:
        return t->igws[h->index].name;
    case HOP_GATEWAY_ENDPOINT:
        return t->gateway_endpoints[h->index].name;
    case HOP_INTERFACE_ENDPOINT:
        return t->interface_endpoints[h->index].name;
    case HOP_NLB:
    case HOP_PRIVATE_SERVICE:
        return t->endpoint_services[h->index].name;
    case HOP_AWS_SERVICE:
        return aws_service_name((aws_service)h->index);
    default:
        return NULL;
    }
}

static void render(const topology *t, const path_alt *a, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = 0;
    for (size_t i = 0; i < a->nhops && len + 1 < n; i++) {
        const path_hop *h = &a->hops[i];
        const char *c = hop_component(t, h);
        len += (size_t)snprintf(buf + len, n - len, "%s%s%s%s@%s/%s", i ? " " : "",
                                hop_kind_name(h->kind), c ? ":" : "", c ? c : "",
                                h->az >= 0 ? t->azs[h->az].name : "-", link_class_name(h->link));
    }
}

/* ---- faults ---------------------------------------------------------------------------------- */

typedef struct fault {
    hop_kind kind;
    int32_t index;
    int32_t az; /* -1: down in every AZ */
} fault;

static bool fault_is_down(const void *ctx, hop_kind kind, int32_t index, int32_t az)
{
    const fault *f = ctx;
    return f->kind == kind && f->index == index && (f->az < 0 || f->az == az);
}

/* ---- the worlds ----------------------------------------------------------------------------- */

/* us-east-1 (use1-az1..3) and us-west-2; VPC app 10.0.0.0/16 with public and private subnets in
 * two AZs, an internet gateway, a NAT gateway per AZ, endpoint subnets ep-a/ep-b (main table),
 * security groups app-sg (all egress) and ep-sg (443 from 10.0.0.0/16). */
static void world(tb *b)
{
    tb_region(b, "us-west-2", 3);
    tb_region(b, "us-east-1", 3);
    tb_vpc(b, "app", "10.0.0.0/16");
    tb_subnet(b, "pub-a", "app", 0, "10.0.0.0/24", true);
    tb_subnet(b, "pub-b", "app", 1, "10.0.3.0/24", true);
    tb_subnet(b, "priv-a", "app", 0, "10.0.1.0/24", false);
    tb_subnet(b, "priv-b", "app", 1, "10.0.2.0/24", false);
    tb_subnet(b, "priv-c", "app", 2, "10.0.4.0/24", false);
    tb_subnet(b, "ep-a", "app", 0, "10.0.10.0/24", false);
    tb_subnet(b, "ep-b", "app", 1, "10.0.11.0/24", false);
    tb_igw(b, "igw", "app");
    tb_nat(b, "nat-a", "pub-a");
    tb_nat(b, "nat-b", "pub-b");
    tb_route_table(b, "rt-pub", "app");
    tb_route(b, "rt-pub", "0.0.0.0/0", RT_IGW, "igw");
    tb_assoc(b, "pub-a", "rt-pub");
    tb_assoc(b, "pub-b", "rt-pub");
    tb_route_table(b, "rt-priv-a", "app");
    tb_route(b, "rt-priv-a", "0.0.0.0/0", RT_NAT, "nat-a");
    tb_assoc(b, "priv-a", "rt-priv-a");
    tb_route_table(b, "rt-priv-b", "app");
    tb_route(b, "rt-priv-b", "0.0.0.0/0", RT_NAT, "nat-b");
    tb_assoc(b, "priv-b", "rt-priv-b");
    tb_assoc(b, "priv-c", "rt-priv-b");
    tb_sg(b, "app-sg", "app");
    tb_sg_rule(b, "app-sg", false, 0, 65535, "0.0.0.0/0");
    tb_sg(b, "ep-sg", "app");
    tb_sg_rule(b, "ep-sg", true, 443, 443, "10.0.0.0/16");
}

static void sqs_endpoint(tb *b, bool private_dns)
{
    tb_interface_endpoint(b, "sqs-ep", "app", "sqs", "ep-a,ep-b", "ep-sg", private_dns);
}

/* ---- gateway endpoints, NAT, internet gateway ---- */

static void b_gep_s3(tb *b)
{
    world(b);
    tb_gateway_endpoint(b, "s3-gw", "app", "s3", "rt-priv-a");
    tb_workload(b, "w", "priv-a", "s3");
}

static void b_gep_other_table(tb *b)
{
    world(b);
    tb_gateway_endpoint(b, "s3-gw", "app", "s3", "rt-priv-b");
    tb_workload(b, "w", "priv-a", "s3");
}

static void b_gep_s3_dynamodb_traffic(tb *b)
{
    world(b);
    tb_gateway_endpoint(b, "s3-gw", "app", "s3", "rt-priv-a");
    tb_workload(b, "w", "priv-a", "dynamodb");
}

static void b_gep_dynamodb(tb *b)
{
    world(b);
    tb_gateway_endpoint(b, "ddb-gw", "app", "dynamodb", "rt-priv-a");
    tb_workload(b, "w", "priv-a", "dynamodb");
}

static void b_gep_cross_region(tb *b)
{
    b_gep_s3(b);
    tb_wl_region(b, "w", "us-west-2");
}

/* priv-a on a table with the local route and the gateway endpoint only: no NAT. */
static void b_gep_isolated(tb *b)
{
    world(b);
    tb_at(b, 33);
    tb_route_table(b, "rt-iso", "app");
    tb_assoc(b, "priv-a", "rt-iso");
    tb_gateway_endpoint(b, "s3-gw", "app", "s3", "rt-iso");
    tb_workload(b, "w", "priv-a", "s3");
}

static void b_gep_isolated_cross_region(tb *b)
{
    b_gep_isolated(b);
    tb_wl_region(b, "w", "us-west-2");
}

static void b_nat_cross_az(tb *b)
{
    world(b);
    tb_assoc(b, "priv-b", "rt-priv-a");
    tb_workload(b, "w", "priv-b", "sqs");
}

static void b_nat_same_az(tb *b)
{
    world(b);
    tb_workload(b, "w", "priv-b", "sqs");
}

static void b_nat_without_igw_route(tb *b)
{
    world(b);
    tb_nat(b, "nat-x", "ep-a");
    tb_route_table(b, "rt-x", "app");
    tb_route(b, "rt-x", "0.0.0.0/0", RT_NAT, "nat-x");
    tb_assoc(b, "priv-a", "rt-x");
    tb_workload(b, "w", "priv-a", "sqs");
}

static void b_private_nat(tb *b)
{
    world(b);
    b->t.nats[tb_find_nat(b, "nat-a")].private_nat = true;
    tb_workload(b, "w", "priv-a", "sqs");
}

static void b_public_internet(tb *b)
{
    world(b);
    tb_workload(b, "w", "pub-a", "s3");
    tb_wl_internet(b, "w", "203.0.113.10");
}

static void b_private_internet(tb *b)
{
    world(b);
    tb_workload(b, "w", "priv-a", "s3");
    tb_wl_internet(b, "w", "203.0.113.10");
}

static void b_igw_no_public_ip(tb *b)
{
    world(b);
    tb_assoc(b, "priv-a", "rt-pub");
    tb_workload(b, "w", "priv-a", "s3");
    tb_wl_internet(b, "w", "203.0.113.10");
}

static void b_blackhole(tb *b)
{
    world(b);
    tb_route(b, "rt-priv-a", "203.0.113.0/24", RT_BLACKHOLE, NULL);
    tb_workload(b, "w", "priv-a", "s3");
    tb_wl_internet(b, "w", "203.0.113.10");
}

/* ---- interface endpoints and DNS ---- */

static void b_iep(tb *b)
{
    world(b);
    sqs_endpoint(b, true);
    tb_workload(b, "w", "priv-a", "sqs");
}

static void b_iep_dns_off(tb *b)
{
    world(b);
    sqs_endpoint(b, false);
    tb_workload(b, "w", "priv-a", "sqs");
}

static void b_iep_zonal(tb *b)
{
    b_iep(b);
    tb_wl(b, "w")->dns = DNS_ZONAL;
}

static void b_iep_zonal_b(tb *b)
{
    world(b);
    sqs_endpoint(b, true);
    tb_workload(b, "w", "priv-b", "sqs");
    tb_wl(b, "w")->dns = DNS_ZONAL;
}

static void b_iep_zonal_no_local_eni(tb *b)
{
    world(b);
    tb_interface_endpoint(b, "sqs-ep", "app", "sqs", "ep-b", "ep-sg", true);
    tb_workload(b, "w", "priv-a", "sqs");
    tb_wl(b, "w")->dns = DNS_ZONAL;
}

static void b_iep_from_az3(tb *b)
{
    world(b);
    sqs_endpoint(b, true);
    tb_workload(b, "w", "priv-c", "sqs");
}

/* ---- security groups ---- */

static void b_sg_narrow(tb *b)
{
    world(b);
    tb_at(b, 70);
    tb_sg(b, "narrow-sg", "app");
    tb_sg_rule(b, "narrow-sg", true, 443, 443, "10.0.10.0/24");
    tb_interface_endpoint(b, "sqs-ep", "app", "sqs", "ep-a,ep-b", "narrow-sg", true);
    tb_workload(b, "w", "priv-a", "sqs");
}

static void b_sg_reference(tb *b)
{
    world(b);
    tb_sg(b, "ref-sg", "app");
    tb_sg_rule(b, "ref-sg", true, 443, 443, "sg:app-sg");
    tb_interface_endpoint(b, "sqs-ep", "app", "sqs", "ep-a,ep-b", "ref-sg", true);
    tb_workload(b, "w", "priv-a", "sqs");
    tb_wl_sgs(b, "w", "app-sg");
}

static void b_sg_reference_missing(tb *b)
{
    b_sg_reference(b);
    tb_wl(b, "w")->nsource_sgs = 0;
}

static void b_sg_wrong_port(tb *b)
{
    world(b);
    tb_at(b, 80);
    tb_sg(b, "web-sg", "app");
    tb_sg_rule(b, "web-sg", true, 80, 80, "10.0.0.0/8");
    tb_interface_endpoint(b, "sqs-ep", "app", "sqs", "ep-a,ep-b", "web-sg", true);
    tb_workload(b, "w", "priv-a", "sqs");
}

static void tight_sg(tb *b)
{
    tb_at(b, 90);
    tb_sg(b, "tight-sg", "app");
    tb_sg_rule(b, "tight-sg", false, 443, 443, "10.0.0.0/16");
}

static void b_sg_egress_denied(tb *b)
{
    world(b);
    tight_sg(b);
    tb_workload(b, "w", "priv-a", "s3");
    tb_wl_sgs(b, "w", "tight-sg");
}

static void b_sg_egress_to_eni(tb *b)
{
    world(b);
    tight_sg(b);
    sqs_endpoint(b, true);
    tb_workload(b, "w", "priv-a", "sqs");
    tb_wl_sgs(b, "w", "tight-sg");
}

/* ---- endpoint policies ---- */

static void s3_policy_world(tb *b, const char *action, const char *resource)
{
    world(b);
    tb_gateway_endpoint(b, "s3-gw", "app", "s3", "rt-priv-a");
    tb_at(b, 100);
    tb_policy(b, "s3-pol");
    tb_statement(b, "s3-pol", EFFECT_ALLOW, "s3:Get*,s3:List*", "arn:aws:s3:::data/*", "*",
                 "ReadData");
    tb_endpoint_policy(b, "s3-gw", "s3-pol");
    tb_workload(b, "w", "priv-a", "s3");
    tb_wl_request(b, "w", action, resource, "*");
}

static void b_pol_get(tb *b)
{
    s3_policy_world(b, "s3:GetObject", "arn:aws:s3:::data/k");
}

static void b_pol_put(tb *b)
{
    s3_policy_world(b, "s3:PutObject", "arn:aws:s3:::data/k");
}

static void b_pol_case_action(tb *b)
{
    s3_policy_world(b, "S3:getobject", "arn:aws:s3:::data/k");
}

static void b_pol_case_resource(tb *b)
{
    s3_policy_world(b, "s3:GetObject", "arn:aws:s3:::Data/k");
}

static void b_pol_explicit_deny(tb *b)
{
    s3_policy_world(b, "s3:PutObject", "arn:aws:s3:::data/k");
    tb_statement(b, "s3-pol", EFFECT_ALLOW, "*", "*", "*", "All"); /* line 103 */
    tb_statement(b, "s3-pol", EFFECT_DENY, "s3:Put*", "arn:aws:s3:::data/*", "*", "DenyPut");
}

static void b_pol_interface_deny_index(tb *b)
{
    b_iep(b);
    tb_at(b, 110);
    tb_policy(b, "sqs-pol");
    tb_statement(b, "sqs-pol", EFFECT_ALLOW, "sqs:*", "*", "*", NULL);
    tb_statement(b, "sqs-pol", EFFECT_DENY, "sqs:Delete*", "*", "*", NULL);
    tb_endpoint_policy(b, "sqs-ep", "sqs-pol");
    tb_wl_request(b, "w", "sqs:DeleteQueue", "arn:aws:sqs:us-east-1:111122223333:q", "*");
}

static void principal_world(tb *b, const char *principal)
{
    b_iep(b);
    tb_policy(b, "role-pol");
    tb_statement(b, "role-pol", EFFECT_ALLOW, "sqs:SendMessage", "*",
                 "arn:aws:iam::111122223333:role/app-*", NULL);
    tb_endpoint_policy(b, "sqs-ep", "role-pol");
    tb_wl_request(b, "w", "sqs:SendMessage", "arn:aws:sqs:us-east-1:111122223333:q", principal);
}

static void b_pol_principal_ok(tb *b)
{
    principal_world(b, "arn:aws:iam::111122223333:role/app-writer");
}

static void b_pol_principal_other(tb *b)
{
    principal_world(b, "arn:aws:iam::444455556666:role/app-writer");
}

/* ---- peering ---- */

/* VPC spoke 10.1.0.0/16 (subnet spoke-a in AZ 1), peered with app as pcx; spoke routes app's CIDR
 * over pcx; app's main table (endpoint subnets) routes spoke's CIDR back unless no_return. */
static void peer_world(tb *b, bool no_return)
{
    world(b);
    tb_vpc(b, "spoke", "10.1.0.0/16");
    tb_subnet(b, "spoke-a", "spoke", 0, "10.1.1.0/24", false);
    tb_sg(b, "spoke-sg", "spoke");
    tb_sg_rule(b, "spoke-sg", false, 0, 65535, "0.0.0.0/0");
    tb_peering(b, "pcx", "app", "spoke");
    tb_route_table(b, "rt-spoke", "spoke");
    tb_route(b, "rt-spoke", "10.0.0.0/16", RT_PEERING, "pcx");
    tb_assoc(b, "spoke-a", "rt-spoke");
    if (!no_return) tb_route(b, "app-main", "10.1.0.0/16", RT_PEERING, "pcx");
    tb_sg(b, "wide-sg", "app");
    tb_sg_rule(b, "wide-sg", true, 443, 443, "10.0.0.0/8");
    tb_interface_endpoint(b, "sqs-ep", "app", "sqs", "ep-a,ep-b", "wide-sg", true);
}

static void b_peer_no_dns(tb *b)
{
    peer_world(b, false);
    tb_workload(b, "w", "spoke-a", "sqs");
}

static void b_peer_dns(tb *b)
{
    peer_world(b, false);
    tb_dns_vpcs(b, "sqs-ep", "spoke");
    tb_workload(b, "w", "spoke-a", "sqs");
}

static void b_peer_no_return(tb *b)
{
    peer_world(b, true);
    tb_dns_vpcs(b, "sqs-ep", "spoke");
    tb_workload(b, "w", "spoke-a", "sqs");
}

/* far 10.2.0.0/16 peered with app (pcx2) only; its endpoint shares DNS with spoke. */
static void far_world(tb *b, const char *spoke_route_via)
{
    peer_world(b, false);
    tb_vpc(b, "far", "10.2.0.0/16");
    tb_subnet(b, "far-a", "far", 0, "10.2.1.0/24", false);
    tb_peering(b, "pcx2", "app", "far");
    tb_interface_endpoint(b, "far-ep", "far", "sqs", "far-a", "", true);
    tb_dns_vpcs(b, "far-ep", "spoke");
    tb_route(b, "rt-spoke", "10.2.0.0/16", RT_PEERING, spoke_route_via);
    tb_workload(b, "w", "spoke-a", "sqs");
}

static void b_peer_not_transitive(tb *b)
{
    far_world(b, "pcx");
}

static void b_peer_wrong_connection(tb *b)
{
    far_world(b, "pcx2");
}

static void b_peer_sg_reference(tb *b)
{
    peer_world(b, false);
    tb_dns_vpcs(b, "sqs-ep", "spoke");
    tb_sg(b, "from-spoke", "app");
    tb_sg_rule(b, "from-spoke", true, 443, 443, "sg:spoke-sg");
    b->t.interface_endpoints[0].security_groups[0] = tb_find_sg(b, "from-spoke");
    tb_workload(b, "w", "spoke-a", "sqs");
    tb_wl_sgs(b, "w", "spoke-sg");
}

static void b_peer_sg_reference_cross_region(tb *b)
{
    b_peer_sg_reference(b);
    b->t.vpcs[tb_find_vpc(b, "spoke")].region = tb_find_region(b, "us-west-2");
    b->t.subnets[tb_find_subnet(b, "spoke-a")].az = b->t.regions[0].first_az;
    tb_wl_region(b, "w", "us-east-1");
}

static void b_peer_gateway_endpoint(tb *b)
{
    peer_world(b, false);
    tb_route(b, "rt-spoke", "0.0.0.0/0", RT_PEERING, "pcx");
    tb_gateway_endpoint(b, "s3-gw", "app", "s3", "rt-priv-a,app-main");
    tb_workload(b, "w", "spoke-a", "s3");
}

static void b_peer_nat(tb *b)
{
    peer_world(b, false);
    tb_route(b, "rt-spoke", "0.0.0.0/0", RT_PEERING, "pcx");
    tb_workload(b, "w", "spoke-a", "kms");
}

/* ---- on premises ---- */

/* Site dc 192.168.0.0/16 with a private VIF to app's VGW; app's main table routes the site back
 * over the VGW; resolver in app when resolver is true. */
static void dc_world(tb *b, bool resolver)
{
    world(b);
    tb_vgw(b, "app");
    tb_route(b, "app-main", "192.168.0.0/16", RT_VGW, NULL);
    tb_site(b, "dc", "192.168.0.0/16");
    tb_site_dx(b, "dc", VIF_PRIVATE, "app", 80);
    tb_sg(b, "dc-sg", "app");
    tb_sg_rule(b, "dc-sg", true, 443, 443, "192.168.0.0/16");
    if (!resolver) return;
    tb_resolver(b, "r53-in", "app", "ep-a,ep-b");
    tb_site_resolver(b, "dc", "r53-in");
}

static void b_dc_interface(tb *b)
{
    dc_world(b, true);
    tb_interface_endpoint(b, "s3-if", "app", "s3", "ep-a,ep-b", "dc-sg", true);
    tb_workload(b, "w", "site:dc", "s3");
}

static void b_dc_no_resolver_gep(tb *b)
{
    dc_world(b, false);
    tb_interface_endpoint(b, "s3-if", "app", "s3", "ep-a,ep-b", "dc-sg", true);
    tb_gateway_endpoint(b, "s3-gw", "app", "s3", "rt-priv-a,app-main");
    tb_workload(b, "w", "site:dc", "s3");
}

static void b_dc_nat(tb *b)
{
    dc_world(b, true);
    tb_workload(b, "w", "site:dc", "sqs");
}

static void b_dc_vpn(tb *b)
{
    b_dc_interface(b);
    tb_site_vpn(b, "dc", "app", NULL);
}

static void b_dc_no_return(tb *b)
{
    b_dc_interface(b);
    b->t.route_tables[tb_find_rt(b, "app-main")].nroutes = 1; /* local only */
}

static void b_dc_sg_denied(tb *b)
{
    dc_world(b, true);
    tb_interface_endpoint(b, "s3-if", "app", "s3", "ep-a,ep-b", "ep-sg", true);
    tb_workload(b, "w", "site:dc", "s3");
}

/* A TGW in us-east-1: egress VPC (NAT and IGW) behind attachment att-egress, the site's transit
 * VIF behind att-dx, one TGW route table: 0.0.0.0/0 -> egress, the site -> dx. */
static void egress_world(tb *b)
{
    world(b);
    tb_site(b, "dc", "192.168.0.0/16");
    tb_vpc(b, "egress", "10.9.0.0/16");
    tb_subnet(b, "eg-pub-a", "egress", 0, "10.9.0.0/24", true);
    tb_subnet(b, "eg-tgw-a", "egress", 0, "10.9.1.0/24", false);
    tb_subnet(b, "eg-tgw-b", "egress", 1, "10.9.2.0/24", false);
    tb_igw(b, "eg-igw", "egress");
    tb_nat(b, "eg-nat", "eg-pub-a");
    tb_tgw(b, "tgw");
    tb_tgw_rt(b, "tgw", "rt-main");
    tb_tgw_attach(b, "tgw", "att-egress", "egress", "eg-tgw-a,eg-tgw-b", "rt-main");
    tb_tgw_attach(b, "tgw", "att-dx", "@dx", "", "rt-main");
    tb_tgw_route(b, "tgw", "rt-main", "0.0.0.0/0", "att-egress");
    tb_tgw_route(b, "tgw", "rt-main", "192.168.0.0/16", "att-dx");
    tb_route_table(b, "rt-eg-pub", "egress");
    tb_route(b, "rt-eg-pub", "0.0.0.0/0", RT_IGW, "eg-igw");
    tb_route(b, "rt-eg-pub", "192.168.0.0/16", RT_TGW, "tgw");
    tb_assoc(b, "eg-pub-a", "rt-eg-pub");
    tb_route_table(b, "rt-eg-tgw", "egress");
    tb_route(b, "rt-eg-tgw", "0.0.0.0/0", RT_NAT, "eg-nat");
    tb_assoc(b, "eg-tgw-a", "rt-eg-tgw");
    tb_assoc(b, "eg-tgw-b", "rt-eg-tgw");
    tb_site_dx(b, "dc", VIF_TRANSIT, "tgw", 80);
}

static void b_egress_tgw(tb *b)
{
    egress_world(b);
    tb_workload(b, "w", "site:dc", "sqs");
}

static void b_egress_tgw_gep(tb *b)
{
    egress_world(b);
    tb_gateway_endpoint(b, "eg-s3", "egress", "s3", "rt-eg-tgw");
    tb_workload(b, "w", "site:dc", "s3");
}

static void b_egress_tgw_no_default(tb *b)
{
    egress_world(b);
    b->t.tgws[0].route_tables[0].routes[0].dst = tb_cidr("10.9.0.0/16");
    tb_workload(b, "w", "site:dc", "sqs");
}

static void b_egress_private_vif(tb *b)
{
    egress_world(b);
    b->t.sites[0].dx.vif = VIF_PRIVATE;
    tb_workload(b, "w", "site:dc", "sqs");
}

static void b_egress_no_nat_return(tb *b)
{
    egress_world(b);
    b->t.route_tables[tb_find_rt(b, "rt-eg-pub")].nroutes = 2; /* drops the route to the site */
    tb_workload(b, "w", "site:dc", "sqs");
}

/* app attached to the egress world's TGW; the site resolves through r53-in in app. */
static void b_dc_tgw_iep(tb *b)
{
    egress_world(b);
    tb_tgw_attach(b, "tgw", "att-app", "app", "ep-a,ep-b", "rt-main");
    tb_tgw_route(b, "tgw", "rt-main", "10.0.0.0/16", "att-app");
    tb_route(b, "app-main", "192.168.0.0/16", RT_TGW, "tgw");
    tb_sg(b, "dc-sg", "app");
    tb_sg_rule(b, "dc-sg", true, 443, 443, "192.168.0.0/16");
    tb_interface_endpoint(b, "s3-if", "app", "s3", "ep-a,ep-b", "dc-sg", true);
    tb_resolver(b, "r53-in", "app", "ep-a");
    tb_site_resolver(b, "dc", "r53-in");
    tb_workload(b, "w", "site:dc", "s3");
}

/* The same, but the resolver lives in the egress VPC, with which s3-if shares its DNS. */
static void b_dc_tgw_shared(tb *b)
{
    b_dc_tgw_iep(b);
    tb_resolver(b, "r53-eg", "egress", "eg-tgw-a");
    tb_site_resolver(b, "dc", "r53-eg");
    tb_dns_vpcs(b, "s3-if", "egress");
}

/* The VPN has its own attachment; the TGW's route to the site still names att-dx (BGP would
 * withdraw it with the DX: either on-premises attachment leads back). */
static void b_egress_vpn(tb *b)
{
    egress_world(b);
    tb_tgw_attach(b, "tgw", "att-vpn", "@vpn", "", "rt-main");
    tb_site_vpn(b, "dc", NULL, "tgw");
    tb_workload(b, "w", "site:dc", "sqs");
}

static void b_egress_vpn_no_att(tb *b)
{
    egress_world(b);
    tb_site_vpn(b, "dc", NULL, "tgw");
    tb_workload(b, "w", "site:dc", "sqs");
}

/* A second NAT in AZ 2 for the attachment subnet there. */
static void b_egress_tgw_nat_b(tb *b)
{
    egress_world(b);
    tb_subnet(b, "eg-pub-b", "egress", 1, "10.9.3.0/24", true);
    tb_assoc(b, "eg-pub-b", "rt-eg-pub");
    tb_nat(b, "eg-nat-b", "eg-pub-b");
    tb_route_table(b, "rt-eg-tgw-b", "egress");
    tb_route(b, "rt-eg-tgw-b", "0.0.0.0/0", RT_NAT, "eg-nat-b");
    tb_assoc(b, "eg-tgw-b", "rt-eg-tgw-b");
    tb_workload(b, "w", "site:dc", "sqs");
}

/* Centralised egress: a spoke VPC sends 0.0.0.0/0 to the TGW, which sends it to the egress VPC. */
static void b_spoke_egress(tb *b)
{
    egress_world(b);
    tb_vpc(b, "spoke", "10.1.0.0/16");
    tb_subnet(b, "spoke-a", "spoke", 0, "10.1.1.0/24", false);
    tb_subnet(b, "spoke-b", "spoke", 1, "10.1.2.0/24", false);
    tb_tgw_attach(b, "tgw", "att-spoke", "spoke", "spoke-a,spoke-b", "rt-main");
    tb_tgw_route(b, "tgw", "rt-main", "10.1.0.0/16", "att-spoke");
    tb_route_table(b, "rt-spoke", "spoke");
    tb_route(b, "rt-spoke", "0.0.0.0/0", RT_TGW, "tgw");
    tb_assoc(b, "spoke-a", "rt-spoke");
    tb_assoc(b, "spoke-b", "rt-spoke");
    tb_route(b, "rt-eg-pub", "10.1.0.0/16", RT_TGW, "tgw");
    tb_workload(b, "w", "spoke-a", "sqs");
    tb_workload(b, "wb", "spoke-b", "sqs");
}

/* ---- endpoint services, Transit Gateway between VPCs ---- */

static void provider(tb *b, int port)
{
    tb_vpc(b, "prov", "10.5.0.0/16");
    tb_subnet(b, "prov-a", "prov", 0, "10.5.1.0/24", false);
    tb_subnet(b, "prov-b", "prov", 1, "10.5.2.0/24", false);
    tb_endpoint_service(b, "billing", "prov", "prov-a,prov-b", port);
}

static void b_es_same_vpc(tb *b)
{
    world(b);
    provider(b, 443);
    tb_interface_endpoint(b, "billing-ep", "app", "es:billing", "ep-a,ep-b", "ep-sg", false);
    tb_workload(b, "w", "priv-a", "s3");
    tb_wl_endpoint_service(b, "w", "billing");
}

static void b_es_no_endpoint(tb *b)
{
    world(b);
    provider(b, 443);
    tb_workload(b, "w", "priv-a", "s3");
    tb_wl_endpoint_service(b, "w", "billing");
}

static void b_es_port(tb *b)
{
    world(b);
    provider(b, 8443);
    tb_interface_endpoint(b, "billing-ep", "app", "es:billing", "ep-a,ep-b", "", false);
    tb_workload(b, "w", "priv-a", "s3");
    tb_wl_endpoint_service(b, "w", "billing");
}

/* spoke 10.1.0.0/16 and app attached to one TGW; the endpoint for billing lives in app. */
static void tgw_world(tb *b, bool private_dns, const char *spoke_att_subnets)
{
    world(b);
    provider(b, 443);
    tb_vpc(b, "spoke", "10.1.0.0/16");
    tb_subnet(b, "spoke-a", "spoke", 0, "10.1.1.0/24", false);
    tb_subnet(b, "spoke-b", "spoke", 1, "10.1.2.0/24", false);
    tb_tgw(b, "tgw");
    tb_tgw_rt(b, "tgw", "rt-main");
    tb_tgw_attach(b, "tgw", "att-app", "app", "ep-a,ep-b", "rt-main");
    tb_tgw_attach(b, "tgw", "att-spoke", "spoke", spoke_att_subnets, "rt-main");
    tb_tgw_route(b, "tgw", "rt-main", "10.0.0.0/16", "att-app");
    tb_tgw_route(b, "tgw", "rt-main", "10.1.0.0/16", "att-spoke");
    tb_route_table(b, "rt-spoke", "spoke");
    tb_route(b, "rt-spoke", "10.0.0.0/16", RT_TGW, "tgw");
    tb_assoc(b, "spoke-a", "rt-spoke");
    tb_assoc(b, "spoke-b", "rt-spoke");
    tb_route(b, "app-main", "10.1.0.0/16", RT_TGW, "tgw");
    tb_sg(b, "wide-sg", "app");
    tb_sg_rule(b, "wide-sg", true, 443, 443, "10.0.0.0/8");
    tb_interface_endpoint(b, "billing-ep", "app", "es:billing", "ep-a,ep-b", "wide-sg",
                          private_dns);
    tb_dns_vpcs(b, "billing-ep", "spoke");
    tb_workload(b, "w", "spoke-a", "s3");
    tb_wl_endpoint_service(b, "w", "billing");
}

static void b_tgw_es(tb *b)
{
    tgw_world(b, true, "spoke-a,spoke-b");
}

static void b_tgw_es_dns_off(tb *b)
{
    tgw_world(b, false, "spoke-a,spoke-b");
}

static void b_tgw_missing_az(tb *b)
{
    tgw_world(b, true, "spoke-b");
}

static void b_tgw_no_return(tb *b)
{
    tgw_world(b, true, "spoke-a,spoke-b");
    b->t.tgws[0].route_tables[0].nroutes = 1; /* only 10.0.0.0/16 -> att-app */
}

static void b_tgw_no_forward(tb *b)
{
    tgw_world(b, true, "spoke-a,spoke-b");
    b->t.tgws[0].route_tables[0].routes[0].attachment = -1; /* 10.0.0.0/16 blackholed */
}

/* spoke in us-west-2 behind tgw-west, peered with tgw in us-east-1. */
static void b_tgw_inter_region(tb *b)
{
    world(b);
    provider(b, 443);
    tb_tgw(b, "tgw");
    tb_tgw_rt(b, "tgw", "rt-main");
    tb_tgw_attach(b, "tgw", "att-app", "app", "ep-a,ep-b", "rt-main");
    tb_tgw_route(b, "tgw", "rt-main", "10.0.0.0/16", "att-app");
    tb_in(b, "us-west-2");
    tb_vpc(b, "west", "10.1.0.0/16");
    tb_subnet(b, "west-a", "west", 0, "10.1.1.0/24", false);
    tb_tgw(b, "tgw-west");
    tb_tgw_rt(b, "tgw-west", "rt-west");
    tb_tgw_attach(b, "tgw-west", "att-west", "west", "west-a", "rt-west");
    tb_tgw_route_peer(b, "tgw-west", "rt-west", "10.0.0.0/16", "tgw");
    tb_tgw_peer(b, "tgw", "tgw-west");
    tb_tgw_route_peer(b, "tgw", "rt-main", "10.1.0.0/16", "tgw-west");
    tb_route_table(b, "rt-west", "west");
    tb_route(b, "rt-west", "10.0.0.0/16", RT_TGW, "tgw-west");
    tb_assoc(b, "west-a", "rt-west");
    tb_route(b, "app-main", "10.1.0.0/16", RT_TGW, "tgw");
    tb_sg(b, "wide-sg", "app");
    tb_sg_rule(b, "wide-sg", true, 443, 443, "10.0.0.0/8");
    tb_interface_endpoint(b, "billing-ep", "app", "es:billing", "ep-a,ep-b", "wide-sg", true);
    tb_dns_vpcs(b, "billing-ep", "west");
    tb_workload(b, "w", "west-a", "s3");
    tb_wl_endpoint_service(b, "w", "billing");
}

static void b_tgw_gateway_endpoint(tb *b)
{
    tgw_world(b, true, "spoke-a,spoke-b");
    tb_route(b, "rt-spoke", "0.0.0.0/0", RT_TGW, "tgw");
    tb_tgw_route(b, "tgw", "rt-main", "0.0.0.0/0", "att-app");
    tb_gateway_endpoint(b, "s3-gw", "app", "s3", "rt-priv-a,app-main");
    tb_workload(b, "w2", "spoke-a", "s3");
}

/* ---- the table ------------------------------------------------------------------------------ */

typedef struct path_case {
    const char *name;
    void (*build)(tb *b);
    const char *workload; /* NULL: "w" */
    uint64_t az_down;     /* bits of topology.azs: us-west-2 is 0..2, us-east-1 3..5 */
    const fault *down;    /* a component reported down, or NULL */
    verdict verdict;
    const char *reason; /* substring of the reason; "" when reachable */
    bool exact;         /* reason must equal it */
    const char *dns;    /* substring of the DNS line */
    size_t nalts;
    const char *hops;  /* alts[0], rendered exactly */
    const char *hops2; /* alts[1], or NULL */
} path_case;

#define AZ1 (1u << 3) /* use1-az1 */
#define AZ2 (1u << 4) /* use1-az2 */

static const fault nat_a_down = {HOP_NAT, 0, -1};
static const fault eni_az1_down = {HOP_INTERFACE_ENDPOINT, 0, 3};
static const fault dx_down = {HOP_DX, 0, -1};

#define R VERDICT_REACHABLE
#define D VERDICT_DENIED
#define U VERDICT_UNREACHABLE

static const path_case cases[] = {
    /* Gateway endpoints: the prefix-list route beats 0.0.0.0/0 for S3/DynamoDB, same Region only
     * (aws-facts.md, Gateway endpoint: mechanism and reach, D21). */
    {"gateway endpoint carries S3 from its route table's subnet, not the NAT", b_gep_s3,
     .verdict = R, .reason = "", .dns = "s3.us-east-1.amazonaws.com -> public addresses",
     .nalts = 1,
     .hops = "source@use1-az1/none gateway-endpoint:s3-gw@use1-az1/intra-az "
             "aws-service:s3@-/intra-az"},
    {"subnet whose table lacks the gateway endpoint goes through the NAT", b_gep_other_table,
     .verdict = R, .reason = "", .dns = "public", .nalts = 1,
     .hops = "source@use1-az1/none nat-gateway:nat-a@use1-az1/intra-az "
             "internet-gateway:igw@-/intra-az aws-service:s3@-/intra-az"},
    {"an S3 gateway endpoint does not carry DynamoDB", b_gep_s3_dynamodb_traffic, .verdict = R,
     .reason = "", .dns = "dynamodb.us-east-1", .nalts = 1,
     .hops = "source@use1-az1/none nat-gateway:nat-a@use1-az1/intra-az "
             "internet-gateway:igw@-/intra-az aws-service:dynamodb@-/intra-az"},
    {"a DynamoDB gateway endpoint carries DynamoDB", b_gep_dynamodb, .verdict = R, .reason = "",
     .dns = "dynamodb", .nalts = 1,
     .hops = "source@use1-az1/none gateway-endpoint:ddb-gw@use1-az1/intra-az "
             "aws-service:dynamodb@-/intra-az"},
    {"S3 in another Region bypasses the gateway endpoint (NAT, inter-Region)", b_gep_cross_region,
     .verdict = R, .reason = "", .dns = "s3.us-west-2.amazonaws.com -> public", .nalts = 1,
     .hops = "source@use1-az1/none nat-gateway:nat-a@use1-az1/intra-az "
             "internet-gateway:igw@-/intra-az aws-service:s3@-/inter-region"},
    {"gateway endpoint alone reaches S3 in its Region", b_gep_isolated, .verdict = R, .reason = "",
     .dns = "public", .nalts = 1,
     .hops = "source@use1-az1/none gateway-endpoint:s3-gw@use1-az1/intra-az "
             "aws-service:s3@-/intra-az"},
    {"gateway endpoint alone cannot reach S3 in another Region", b_gep_isolated_cross_region,
     .verdict = U,
     .reason = "route table 'rt-iso' (topo.yaml:33) of subnet 'priv-a' has no route to the public "
               "addresses of s3 in us-west-2; gateway endpoint 's3-gw' serves s3 only in its own "
               "Region (us-east-1): a gateway endpoint cannot reach s3 in another Region",
     .dns = "public", .nalts = 1, .hops = "source@use1-az1/none"},
    /* NAT gateways are zonal (aws-facts.md, NAT gateway: zonal, D). */
    {"subnet routed to another AZ's NAT crosses AZs", b_nat_cross_az, .verdict = R, .reason = "",
     .dns = "sqs", .nalts = 1,
     .hops = "source@use1-az2/none nat-gateway:nat-a@use1-az1/cross-az "
             "internet-gateway:igw@-/intra-az aws-service:sqs@-/intra-az"},
    {"subnet routed to its own AZ's NAT stays in the AZ", b_nat_same_az, .verdict = R, .reason = "",
     .dns = "sqs", .nalts = 1,
     .hops = "source@use1-az2/none nat-gateway:nat-b@use1-az2/intra-az "
             "internet-gateway:igw@-/intra-az aws-service:sqs@-/intra-az"},
    {"another AZ's NAT in a failed AZ: no egress", b_nat_cross_az, .az_down = AZ1, .verdict = U,
     .reason = "NAT gateway 'nat-a' is in use1-az1, which is down: subnet 'priv-b' in use1-az2 "
               "routes to it, and a NAT gateway is zonal",
     .dns = "sqs", .nalts = 1, .hops = "source@use1-az2/none"},
    {"own AZ's NAT survives another AZ's failure", b_nat_same_az, .az_down = AZ1, .verdict = R,
     .reason = "", .dns = "sqs", .nalts = 1,
     .hops = "source@use1-az2/none nat-gateway:nat-b@use1-az2/intra-az "
             "internet-gateway:igw@-/intra-az aws-service:sqs@-/intra-az"},
    {"a NAT reported down by the fault callback", b_nat_cross_az, .down = &nat_a_down, .verdict = U,
     .reason = "NAT gateway 'nat-a' (in use1-az1) is down", .dns = "sqs", .nalts = 1,
     .hops = "source@use1-az2/none"},
    {"NAT in a subnet without an internet gateway route", b_nat_without_igw_route, .verdict = U,
     .reason = "NAT gateway 'nat-x' is in subnet 'ep-a' whose route table has no route to an "
               "internet gateway",
     .dns = "sqs", .nalts = 1, .hops = "source@use1-az1/none nat-gateway:nat-x@use1-az1/intra-az"},
    {"a private NAT gateway does not reach public addresses", b_private_nat, .verdict = U,
     .reason = "NAT gateway 'nat-a' is private", .dns = "sqs", .nalts = 1,
     .hops = "source@use1-az1/none nat-gateway:nat-a@use1-az1/intra-az"},
    /* Internet gateway: public subnets go straight out; private ones need the NAT (VPC guide). */
    {"public subnet goes straight to the internet gateway", b_public_internet, .verdict = R,
     .reason = "", .dns = "internet host 203.0.113.10", .nalts = 1,
     .hops = "source@use1-az1/none internet-gateway:igw@-/intra-az internet-host@-/internet"},
    {"private subnet reaches the internet through its NAT", b_private_internet, .verdict = R,
     .reason = "", .dns = "203.0.113.10", .nalts = 1,
     .hops = "source@use1-az1/none nat-gateway:nat-a@use1-az1/intra-az "
             "internet-gateway:igw@-/intra-az internet-host@-/internet"},
    {"IGW route without public IPs", b_igw_no_public_ip, .verdict = U,
     .reason = "subnet 'priv-a' routes to internet gateway 'igw' but its instances have no public "
               "IPs (public: false)",
     .dns = "203.0.113.10", .nalts = 1, .hops = "source@use1-az1/none"},
    {"a more specific blackhole route wins over 0.0.0.0/0", b_blackhole, .verdict = U,
     .reason = "of subnet 'priv-a' sends internet host 203.0.113.10 to a blackhole route",
     .dns = "203.0.113.10", .nalts = 1, .hops = "source@use1-az1/none"},
    {"a client in a failed AZ", b_nat_same_az, .az_down = AZ2, .verdict = U,
     .reason = "the client subnet 'priv-b' is in use1-az2, which is down", .dns = "", .nalts = 0},
    /* Interface endpoints and DNS: regional name = ENIs of all AZs, zonal = one AZ, private DNS
     * answers inside the VPC (aws-facts.md, Interface endpoint: DNS, D21; clients: no failover with
     * a zonal name). */
    {"private DNS: regional name answers the ENIs of all AZs, equally", b_iep, .verdict = R,
     .reason = "",
     .dns = "sqs.us-east-1.amazonaws.com -> interface endpoint 'sqs-ep' (private DNS in its VPC "
            "'app'): 10.0.10.4 (use1-az1), 10.0.11.4 (use1-az2)",
     .nalts = 2,
     .hops = "source@use1-az1/none interface-endpoint:sqs-ep@use1-az1/intra-az "
             "aws-service:sqs@-/intra-az",
     .hops2 = "source@use1-az1/none interface-endpoint:sqs-ep@use1-az2/cross-az "
              "aws-service:sqs@-/intra-az"},
    {"private DNS off: the default name resolves publicly (NAT)", b_iep_dns_off, .verdict = R,
     .reason = "",
     .dns = "sqs.us-east-1.amazonaws.com -> public addresses (interface endpoint 'sqs-ep' has "
            "private DNS off)",
     .nalts = 1,
     .hops = "source@use1-az1/none nat-gateway:nat-a@use1-az1/intra-az "
             "internet-gateway:igw@-/intra-az aws-service:sqs@-/intra-az"},
    {"zonal name answers the ENI in the client's AZ", b_iep_zonal_b, .verdict = R, .reason = "",
     .dns = "zonal name of sqs.us-east-1.amazonaws.com", .nalts = 1,
     .hops = "source@use1-az2/none interface-endpoint:sqs-ep@use1-az2/intra-az "
             "aws-service:sqs@-/intra-az"},
    {"zonal name without an ENI in the client's AZ answers the first", b_iep_zonal_no_local_eni,
     .verdict = R, .reason = "", .dns = "10.0.11.4 (use1-az2)", .nalts = 1,
     .hops = "source@use1-az1/none interface-endpoint:sqs-ep@use1-az2/cross-az "
             "aws-service:sqs@-/intra-az"},
    {"an AZ that is down leaves the regional answer", b_iep_from_az3, .az_down = AZ2, .verdict = R,
     .reason = "", .dns = ": 10.0.10.4 (use1-az1)", .nalts = 1,
     .hops = "source@use1-az3/none interface-endpoint:sqs-ep@use1-az1/cross-az "
             "aws-service:sqs@-/intra-az"},
    {"an ENI reported down leaves the regional answer", b_iep, .down = &eni_az1_down, .verdict = R,
     .reason = "", .dns = ": 10.0.11.4 (use1-az2)", .nalts = 1,
     .hops = "source@use1-az1/none interface-endpoint:sqs-ep@use1-az2/cross-az "
             "aws-service:sqs@-/intra-az"},
    {"a zonal name does not fail over", b_iep_zonal, .down = &eni_az1_down, .verdict = U,
     .reason = "the zonal DNS name of interface endpoint 'sqs-ep' points only at its ENI in "
               "use1-az1, which is down; a zonal name does not fail over to another AZ",
     .dns = "", .nalts = 0},
    {"every ENI down: no answer", b_iep_from_az3, .az_down = AZ1 | AZ2, .verdict = U,
     .reason = "every ENI of interface endpoint 'sqs-ep' is down (2 of 2 AZs)", .dns = "",
     .nalts = 0},
    /* Security groups on the endpoint ENI (aws-facts.md, Interface endpoint: placement, D21). */
    {"endpoint security group admits the client's CIDR", b_iep, .verdict = R, .reason = "",
     .dns = "sqs-ep", .nalts = 2,
     .hops = "source@use1-az1/none interface-endpoint:sqs-ep@use1-az1/intra-az "
             "aws-service:sqs@-/intra-az",
     .hops2 = "source@use1-az1/none interface-endpoint:sqs-ep@use1-az2/cross-az "
              "aws-service:sqs@-/intra-az"},
    {"endpoint security group without the client's CIDR", b_sg_narrow, .verdict = D,
     .reason = "security group 'narrow-sg' (topo.yaml:70) allows 443 only from 10.0.10.0/24; the "
               "client at subnet 'priv-a' 10.0.1.0/24 is not in it",
     .exact = true, .dns = "sqs-ep", .nalts = 1,
     .hops = "source@use1-az1/none interface-endpoint:sqs-ep@use1-az1/intra-az"},
    {"security group reference admits a client with that group", b_sg_reference, .verdict = R,
     .reason = "", .dns = "sqs-ep", .nalts = 2,
     .hops = "source@use1-az1/none interface-endpoint:sqs-ep@use1-az1/intra-az "
             "aws-service:sqs@-/intra-az",
     .hops2 = "source@use1-az1/none interface-endpoint:sqs-ep@use1-az2/cross-az "
              "aws-service:sqs@-/intra-az"},
    {"security group reference refuses a client without it", b_sg_reference_missing, .verdict = D,
     .reason = "security group 'ref-sg' (topo.yaml:23) allows 443 only from security group "
               "'app-sg'; the client at subnet 'priv-a' 10.0.1.0/24 is not in it",
     .exact = true, .dns = "sqs-ep", .nalts = 1,
     .hops = "source@use1-az1/none interface-endpoint:sqs-ep@use1-az1/intra-az"},
    {"endpoint security group open on another port only", b_sg_wrong_port, .verdict = D,
     .reason = "security group 'web-sg' (topo.yaml:80) has no ingress rule for port 443; the "
               "client at subnet 'priv-a' 10.0.1.0/24 is refused",
     .exact = true, .dns = "sqs-ep", .nalts = 1,
     .hops = "source@use1-az1/none interface-endpoint:sqs-ep@use1-az1/intra-az"},
    {"client security group without egress to public addresses", b_sg_egress_denied, .verdict = D,
     .reason = "security group 'tight-sg' (topo.yaml:90) of the client allows no egress on port "
               "443 to the public addresses of s3 in us-east-1",
     .dns = "public", .nalts = 1,
     .hops = "source@use1-az1/none nat-gateway:nat-a@use1-az1/intra-az "
             "internet-gateway:igw@-/intra-az"},
    {"client security group with egress to the VPC reaches the ENIs", b_sg_egress_to_eni,
     .verdict = R, .reason = "", .dns = "sqs-ep", .nalts = 2,
     .hops = "source@use1-az1/none interface-endpoint:sqs-ep@use1-az1/intra-az "
             "aws-service:sqs@-/intra-az",
     .hops2 = "source@use1-az1/none interface-endpoint:sqs-ep@use1-az2/cross-az "
              "aws-service:sqs@-/intra-az"},
    /* Endpoint policies: explicit Deny over Allow over implicit deny (IAM evaluation logic). */
    {"endpoint policy allows a matching action and resource", b_pol_get, .verdict = R, .reason = "",
     .dns = "public", .nalts = 1,
     .hops = "source@use1-az1/none gateway-endpoint:s3-gw@use1-az1/intra-az "
             "aws-service:s3@-/intra-az"},
    {"endpoint policy denies what no statement allows", b_pol_put, .verdict = D,
     .reason = "endpoint policy 's3-pol' (topo.yaml:100) of gateway endpoint 's3-gw' does not "
               "allow s3:PutObject on arn:aws:s3:::data/k for principal *: none of its 1 "
               "statements is a matching Allow",
     .dns = "public", .nalts = 1,
     .hops = "source@use1-az1/none gateway-endpoint:s3-gw@use1-az1/intra-az"},
    {"an explicit Deny wins over an Allow", b_pol_explicit_deny, .verdict = D,
     .reason = "endpoint policy 's3-pol' (topo.yaml:100) of gateway endpoint 's3-gw' denies "
               "s3:PutObject on arn:aws:s3:::data/k: statement 'DenyPut' (topo.yaml:104) is an "
               "explicit Deny",
     .dns = "public", .nalts = 1,
     .hops = "source@use1-az1/none gateway-endpoint:s3-gw@use1-az1/intra-az"},
    {"actions match case-insensitively", b_pol_case_action, .verdict = R, .reason = "",
     .dns = "public", .nalts = 1,
     .hops = "source@use1-az1/none gateway-endpoint:s3-gw@use1-az1/intra-az "
             "aws-service:s3@-/intra-az"},
    {"resources match case-sensitively", b_pol_case_resource, .verdict = D,
     .reason = "does not allow s3:GetObject on arn:aws:s3:::Data/k", .dns = "public", .nalts = 1,
     .hops = "source@use1-az1/none gateway-endpoint:s3-gw@use1-az1/intra-az"},
    {"interface endpoint policy Deny named by index", b_pol_interface_deny_index, .verdict = D,
     .reason = "endpoint policy 'sqs-pol' (topo.yaml:110) of interface endpoint 'sqs-ep' denies "
               "sqs:DeleteQueue on arn:aws:sqs:us-east-1:111122223333:q: statement #2 "
               "(topo.yaml:112)",
     .dns = "sqs-ep", .nalts = 1,
     .hops = "source@use1-az1/none interface-endpoint:sqs-ep@use1-az1/intra-az"},
    {"principal pattern matches", b_pol_principal_ok, .verdict = R, .reason = "", .dns = "sqs-ep",
     .nalts = 2,
     .hops = "source@use1-az1/none interface-endpoint:sqs-ep@use1-az1/intra-az "
             "aws-service:sqs@-/intra-az",
     .hops2 = "source@use1-az1/none interface-endpoint:sqs-ep@use1-az2/cross-az "
              "aws-service:sqs@-/intra-az"},
    {"principal of another account", b_pol_principal_other, .verdict = D,
     .reason = "for principal arn:aws:iam::444455556666:role/app-writer", .dns = "sqs-ep",
     .nalts = 1, .hops = "source@use1-az1/none interface-endpoint:sqs-ep@use1-az1/intra-az"},
    /* VPC peering: no transitive routing (aws-facts.md, VPC peering, W). */
    {"peered VPC without the endpoint's DNS resolves publicly", b_peer_no_dns, .verdict = U,
     .reason = "route table 'rt-spoke'",
     .dns = "sqs.us-east-1.amazonaws.com -> public addresses (interface endpoint 'sqs-ep' in VPC "
            "'app' answers privately only in its own VPC and the VPCs in its dns_shared_with",
     .nalts = 1, .hops = "source@use1-az1/none"},
    {"peered VPC with the endpoint's DNS shared uses it over the peering", b_peer_dns, .verdict = R,
     .reason = "", .dns = "(private DNS shared (dns_shared_with) with VPC 'spoke')", .nalts = 2,
     .hops = "source@use1-az1/none vpc-peering:pcx@use1-az1/intra-az "
             "interface-endpoint:sqs-ep@use1-az1/intra-az aws-service:sqs@-/intra-az",
     .hops2 = "source@use1-az1/none vpc-peering:pcx@use1-az1/intra-az "
              "interface-endpoint:sqs-ep@use1-az2/cross-az aws-service:sqs@-/intra-az"},
    {"peering without the route back", b_peer_no_return, .verdict = U,
     .reason = "no return route: route table 'app-main' (topo.yaml:2) of subnet 'ep-a' has no "
               "route to the client's addresses; responses to the client (subnet 'spoke-a' "
               "10.1.1.0/24) would not get back through peering 'pcx'",
     .dns = "sqs-ep", .nalts = 1,
     .hops = "source@use1-az1/none vpc-peering:pcx@use1-az1/intra-az "
             "interface-endpoint:sqs-ep@use1-az1/intra-az"},
    {"peering is not transitive", b_peer_not_transitive, .verdict = U,
     .reason = "VPC peering is not transitive: traffic from VPC 'spoke' arriving in VPC 'app' "
               "over peering 'pcx' is delivered only to addresses in 'app' (10.0.0.0/16), not to "
               "10.2.1.4 (ENI of interface endpoint 'far-ep' in VPC 'far')",
     .exact = true, .dns = "far-ep", .nalts = 1,
     .hops = "source@use1-az1/none vpc-peering:pcx@use1-az1/intra-az"},
    {"a peering route must use the connection joining the two VPCs", b_peer_wrong_connection,
     .verdict = U,
     .reason = "sends 10.2.1.4 (ENI of interface endpoint 'far-ep' in VPC 'far') to peering "
               "'pcx2', which joins VPCs 'app' and 'far', not VPC 'spoke'",
     .dns = "far-ep", .nalts = 1, .hops = "source@use1-az1/none"},
    {"security group reference across a same-Region peering", b_peer_sg_reference, .verdict = R,
     .reason = "", .dns = "sqs-ep", .nalts = 2,
     .hops = "source@use1-az1/none vpc-peering:pcx@use1-az1/intra-az "
             "interface-endpoint:sqs-ep@use1-az1/intra-az aws-service:sqs@-/intra-az",
     .hops2 = "source@use1-az1/none vpc-peering:pcx@use1-az1/intra-az "
              "interface-endpoint:sqs-ep@use1-az2/cross-az aws-service:sqs@-/intra-az"},
    {"no security group reference across Regions", b_peer_sg_reference_cross_region, .verdict = D,
     .reason = "security group 'from-spoke' (topo.yaml:35) allows 443 only from security group "
               "'spoke-sg'; the client at subnet 'spoke-a' 10.1.1.0/24 is not in it (a security "
               "group reference matches only clients in the same VPC or in a peered VPC of the "
               "same Region)",
     .exact = true, .dns = "sqs-ep", .nalts = 1,
     .hops = "source@usw2-az1/none vpc-peering:pcx@usw2-az1/intra-az "
             "interface-endpoint:sqs-ep@use1-az1/inter-region"},
    {"a peered VPC cannot use the gateway endpoint", b_peer_gateway_endpoint, .verdict = U,
     .reason = "gateway endpoint 's3-gw' (topo.yaml:", .dns = "public", .nalts = 1,
     .hops = "source@use1-az1/none vpc-peering:pcx@use1-az1/intra-az"},
    {"a peered VPC cannot use the peer's NAT", b_peer_nat, .verdict = U,
     .reason = "not to the public addresses of kms in us-east-1 (it cannot use that VPC's NAT or "
               "internet gateway: no edge-to-edge routing)",
     .dns = "public", .nalts = 1, .hops = "source@use1-az1/none vpc-peering:pcx@use1-az1/intra-az"},
    /* On premises: gateway endpoints are not usable from DX/VPN (aws-facts.md, Gateway endpoint:
     * reach, D21); no edge-to-edge routing through a VGW; DX fails over to the VPN (Direct Connect:
     * failover, D23). */
    {"on premises over DX reaches an interface endpoint through the resolver", b_dc_interface,
     .verdict = R, .reason = "",
     .dns = "s3.us-east-1.amazonaws.com -> interface endpoint 's3-if' (via Route 53 Resolver "
            "inbound endpoint 'r53-in', private DNS in its VPC 'app')",
     .nalts = 2,
     .hops = "source@-/none onprem-router:dc@-/on-prem direct-connect:dc@-/direct-connect "
             "virtual-private-gateway:app@-/intra-az interface-endpoint:s3-if@use1-az1/intra-az "
             "aws-service:s3@-/intra-az",
     .hops2 = "source@-/none onprem-router:dc@-/on-prem direct-connect:dc@-/direct-connect "
              "virtual-private-gateway:app@-/intra-az "
              "interface-endpoint:s3-if@use1-az2/intra-az aws-service:s3@-/intra-az"},
    {"on premises cannot use a gateway endpoint", b_dc_no_resolver_gep, .verdict = U,
     .reason = "gateway endpoints only serve traffic from instances in their own VPC, not from "
               "on-premises (Direct Connect/VPN)",
     .dns = "public addresses (site 'dc' has no Route 53 Resolver inbound endpoint", .nalts = 1,
     .hops = "source@-/none onprem-router:dc@-/on-prem direct-connect:dc@-/direct-connect "
             "virtual-private-gateway:app@-/intra-az"},
    {"on premises cannot use a VPC's NAT through the VGW", b_dc_nat, .verdict = U,
     .reason = "no edge-to-edge routing: on-premises traffic arriving through the virtual "
               "private gateway of VPC 'app' is delivered only to addresses in that VPC",
     .dns = "public", .nalts = 1,
     .hops = "source@-/none onprem-router:dc@-/on-prem direct-connect:dc@-/direct-connect "
             "virtual-private-gateway:app@-/intra-az"},
    {"DX down: the site falls back to its VPN", b_dc_vpn, .down = &dx_down, .verdict = R,
     .reason = "", .dns = "s3-if", .nalts = 2,
     .hops = "source@-/none onprem-router:dc@-/on-prem vpn:dc@-/vpn "
             "virtual-private-gateway:app@-/intra-az interface-endpoint:s3-if@use1-az1/intra-az "
             "aws-service:s3@-/intra-az",
     .hops2 = "source@-/none onprem-router:dc@-/on-prem vpn:dc@-/vpn "
              "virtual-private-gateway:app@-/intra-az "
              "interface-endpoint:s3-if@use1-az2/intra-az aws-service:s3@-/intra-az"},
    {"DX down without a VPN", b_dc_interface, .down = &dx_down, .verdict = U,
     .reason = "site 'dc': Direct Connect is down and the site has no Site-to-Site VPN to fall "
               "back to",
     .dns = "s3-if", .nalts = 1, .hops = "source@-/none onprem-router:dc@-/on-prem"},
    {"VPC without a route back to the site", b_dc_no_return, .verdict = U,
     .reason = "no return route: route table 'app-main' (topo.yaml:2) of subnet 'ep-a' has no "
               "route to the client's addresses; responses to the client (site 'dc' "
               "192.168.0.0/16) would not get back through the virtual private gateway",
     .dns = "s3-if", .nalts = 1,
     .hops = "source@-/none onprem-router:dc@-/on-prem direct-connect:dc@-/direct-connect "
             "virtual-private-gateway:app@-/intra-az interface-endpoint:s3-if@use1-az1/intra-az"},
    {"endpoint security group must admit the site's CIDR", b_dc_sg_denied, .verdict = D,
     .reason = "allows 443 only from 10.0.0.0/16; the client at site 'dc' 192.168.0.0/16 is not "
               "in it",
     .dns = "s3-if", .nalts = 1,
     .hops = "source@-/none onprem-router:dc@-/on-prem direct-connect:dc@-/direct-connect "
             "virtual-private-gateway:app@-/intra-az interface-endpoint:s3-if@use1-az1/intra-az"},
    {"on premises reaches the internet through a TGW egress VPC", b_egress_tgw, .verdict = R,
     .reason = "", .dns = "public", .nalts = 1,
     .hops = "source@-/none onprem-router:dc@-/on-prem direct-connect:dc@-/direct-connect "
             "transit-gateway:tgw@-/intra-az nat-gateway:eg-nat@use1-az1/intra-az "
             "internet-gateway:eg-igw@-/intra-az aws-service:sqs@-/intra-az"},
    {"a gateway endpoint does not serve traffic through a TGW", b_egress_tgw_gep, .verdict = U,
     .reason = "gateway endpoint 'eg-s3' (topo.yaml:", .dns = "public", .nalts = 1,
     .hops = "source@-/none onprem-router:dc@-/on-prem direct-connect:dc@-/direct-connect "
             "transit-gateway:tgw@-/intra-az"},
    {"TGW route table without a default route", b_egress_tgw_no_default, .verdict = U,
     .reason = "transit gateway 'tgw' route table 'rt-main' (used by att-dx) has no route to the "
               "public addresses of sqs in us-east-1",
     .dns = "public", .nalts = 1,
     .hops = "source@-/none onprem-router:dc@-/on-prem direct-connect:dc@-/direct-connect "
             "transit-gateway:tgw@-/intra-az"},
    {"a private VIF cannot reach a TGW", b_egress_private_vif, .verdict = U,
     .reason = "uses a private VIF, which cannot reach transit gateway 'tgw': use a transit VIF",
     .dns = "public", .nalts = 1,
     .hops = "source@-/none onprem-router:dc@-/on-prem direct-connect:dc@-/direct-connect"},
    {"egress NAT subnet without a route back to the site", b_egress_no_nat_return, .verdict = U,
     .reason = "no return route: route table 'rt-eg-pub'", .dns = "public", .nalts = 1,
     .hops = "source@-/none onprem-router:dc@-/on-prem direct-connect:dc@-/direct-connect "
             "transit-gateway:tgw@-/intra-az nat-gateway:eg-nat@use1-az1/intra-az"},
    /* Endpoint services (PrivateLink) and Transit Gateway between VPCs (gateway endpoints not
     * through a TGW: aws-facts.md, Gateway endpoint: reach, D21). */
    {"endpoint service through an endpoint in the client's VPC", b_es_same_vpc, .verdict = R,
     .reason = "",
     .dns = "endpoint service 'billing' -> interface endpoint 'billing-ep' (endpoint DNS name in "
            "its VPC 'app')",
     .nalts = 2,
     .hops = "source@use1-az1/none interface-endpoint:billing-ep@use1-az1/intra-az "
             "nlb:billing@use1-az1/intra-az private-service:billing@use1-az1/intra-az",
     .hops2 = "source@use1-az1/none interface-endpoint:billing-ep@use1-az2/cross-az "
              "nlb:billing@use1-az2/intra-az private-service:billing@use1-az2/intra-az"},
    {"endpoint service without an endpoint", b_es_no_endpoint, .verdict = U,
     .reason = "endpoint service 'billing' (topo.yaml:", .dns = "-> no answer", .nalts = 0},
    {"endpoint service on another port", b_es_port, .verdict = U,
     .reason = "listens on port 8443; workload 'w' connects to port 443", .dns = "billing-ep",
     .nalts = 1, .hops = "source@use1-az1/none interface-endpoint:billing-ep@use1-az1/intra-az"},
    {"endpoint service from a spoke through a TGW", b_tgw_es, .verdict = R, .reason = "",
     .dns = "shared (dns_shared_with) with VPC 'spoke'", .nalts = 2,
     .hops = "source@use1-az1/none transit-gateway:tgw@use1-az1/intra-az "
             "interface-endpoint:billing-ep@use1-az1/intra-az nlb:billing@use1-az1/intra-az "
             "private-service:billing@use1-az1/intra-az",
     .hops2 = "source@use1-az1/none transit-gateway:tgw@use1-az1/intra-az "
              "interface-endpoint:billing-ep@use1-az2/cross-az nlb:billing@use1-az2/intra-az "
              "private-service:billing@use1-az2/intra-az"},
    {"endpoint service DNS not shared with the spoke", b_tgw_es_dns_off, .verdict = U,
     .reason = "none resolves for the client: interface endpoint 'billing-ep' in VPC 'app' answers "
               "privately only in its own VPC",
     .dns = "no answer", .nalts = 0},
    {"TGW attachment without a subnet in the client's AZ", b_tgw_missing_az, .verdict = U,
     .reason = "transit gateway attachment 'att-spoke' has no subnet in use1-az1: resources in an "
               "AZ without an attachment subnet cannot reach the transit gateway",
     .dns = "billing-ep", .nalts = 1, .hops = "source@use1-az1/none"},
    {"TGW route table without the route back", b_tgw_no_return, .verdict = U,
     .reason = "no return route: transit gateway 'tgw' route table 'rt-main' (of attachment "
               "'att-app') has no route back to the client (subnet 'spoke-a' 10.1.1.0/24) "
               "through attachment 'att-spoke'",
     .dns = "billing-ep", .nalts = 1,
     .hops = "source@use1-az1/none transit-gateway:tgw@use1-az1/intra-az "
             "interface-endpoint:billing-ep@use1-az1/intra-az"},
    {"TGW route table blackholes the destination", b_tgw_no_forward, .verdict = U,
     .reason = "transit gateway 'tgw' route table 'rt-main' sends 10.0.10.4 (ENI of interface "
               "endpoint 'billing-ep' in VPC 'app') to a blackhole route",
     .dns = "billing-ep", .nalts = 1,
     .hops = "source@use1-az1/none transit-gateway:tgw@use1-az1/intra-az"},
    {"inter-Region TGW peering", b_tgw_inter_region, .verdict = R, .reason = "",
     .dns = "billing-ep", .nalts = 2,
     .hops = "source@usw2-az1/none transit-gateway:tgw-west@usw2-az1/intra-az "
             "transit-gateway:tgw@-/inter-region interface-endpoint:billing-ep@use1-az1/intra-az "
             "nlb:billing@use1-az1/intra-az private-service:billing@use1-az1/intra-az",
     .hops2 = "source@usw2-az1/none transit-gateway:tgw-west@usw2-az1/intra-az "
              "transit-gateway:tgw@-/inter-region "
              "interface-endpoint:billing-ep@use1-az2/intra-az nlb:billing@use1-az2/intra-az "
              "private-service:billing@use1-az2/intra-az"},
    {"on premises over a transit VIF reaches an interface endpoint through the TGW", b_dc_tgw_iep,
     .verdict = R, .reason = "", .dns = "via Route 53 Resolver inbound endpoint 'r53-in'",
     .nalts = 2,
     .hops = "source@-/none onprem-router:dc@-/on-prem direct-connect:dc@-/direct-connect "
             "transit-gateway:tgw@-/intra-az interface-endpoint:s3-if@use1-az1/intra-az "
             "aws-service:s3@-/intra-az",
     .hops2 = "source@-/none onprem-router:dc@-/on-prem direct-connect:dc@-/direct-connect "
              "transit-gateway:tgw@-/intra-az interface-endpoint:s3-if@use1-az2/intra-az "
              "aws-service:s3@-/intra-az"},
    {"on premises reaches the resolver VPC's shared endpoint DNS (dns_vpcs)", b_dc_tgw_shared,
     .verdict = R, .reason = "",
     .dns = "via Route 53 Resolver inbound endpoint 'r53-eg', private DNS shared (dns_shared_with) "
            "with VPC 'egress'",
     .nalts = 2,
     .hops = "source@-/none onprem-router:dc@-/on-prem direct-connect:dc@-/direct-connect "
             "transit-gateway:tgw@-/intra-az interface-endpoint:s3-if@use1-az1/intra-az "
             "aws-service:s3@-/intra-az"},
    {"DX down: a VPN on the TGW carries the egress", b_egress_vpn, .down = &dx_down, .verdict = R,
     .reason = "", .dns = "public", .nalts = 1,
     .hops = "source@-/none onprem-router:dc@-/on-prem vpn:dc@-/vpn "
             "transit-gateway:tgw@-/intra-az nat-gateway:eg-nat@use1-az1/intra-az "
             "internet-gateway:eg-igw@-/intra-az aws-service:sqs@-/intra-az"},
    {"a VPN to a TGW without a VPN attachment", b_egress_vpn_no_att, .down = &dx_down, .verdict = U,
     .reason = "the Site-to-Site VPN of site 'dc' ends at transit gateway 'tgw', which has no VPN "
               "attachment",
     .exact = true, .dns = "public", .nalts = 1,
     .hops = "source@-/none onprem-router:dc@-/on-prem vpn:dc@-/vpn"},
    {"TGW exit in a failed AZ moves to the attachment's next AZ", b_egress_tgw_nat_b,
     .az_down = AZ1, .verdict = R, .reason = "", .dns = "public", .nalts = 1,
     .hops = "source@-/none onprem-router:dc@-/on-prem direct-connect:dc@-/direct-connect "
             "transit-gateway:tgw@-/intra-az nat-gateway:eg-nat-b@use1-az2/intra-az "
             "internet-gateway:eg-igw@-/intra-az aws-service:sqs@-/intra-az"},
    {"spoke egress through the TGW and the egress VPC's NAT", b_spoke_egress, .verdict = R,
     .reason = "", .dns = "public", .nalts = 1,
     .hops = "source@use1-az1/none transit-gateway:tgw@use1-az1/intra-az "
             "nat-gateway:eg-nat@use1-az1/intra-az internet-gateway:eg-igw@-/intra-az "
             "aws-service:sqs@-/intra-az"},
    {"the TGW keeps the AZ it was entered in; the egress NAT is in another", b_spoke_egress,
     .workload = "wb", .verdict = R, .reason = "", .dns = "public", .nalts = 1,
     .hops = "source@use1-az2/none transit-gateway:tgw@use1-az2/intra-az "
             "nat-gateway:eg-nat@use1-az1/cross-az internet-gateway:eg-igw@-/intra-az "
             "aws-service:sqs@-/intra-az"},
    {"a spoke cannot use the hub's gateway endpoint through a TGW", b_tgw_gateway_endpoint,
     .workload = "w2", .verdict = U,
     .reason = "gateway endpoints only serve traffic from instances in their own VPC, not "
               "through a Transit Gateway",
     .dns = "public", .nalts = 1,
     .hops = "source@use1-az1/none transit-gateway:tgw@use1-az1/intra-az"},
};

/* ---- the runner ----------------------------------------------------------------------------- */

/* Checks one case; returns 0, or 1 after printing what differs. */
static int check_case(const path_case *c)
{
    tb *b = tb_new();
    c->build(b);
    const topology *t = tb_topo(b);
    path_faults f = {
        .az_down = c->az_down, .is_down = c->down ? fault_is_down : NULL, .ctx = c->down};
    path_result r;
    vs_error err = {""};
    int32_t w = tb_find_workload(b, c->workload ? c->workload : "w");
    char hops[1024];
    int bad = 0;
    if (paths_resolve(t, (size_t)w, &f, &r, &err)) {
        print_error("%s: error %s\n", c->name, err.msg);
        tb_free(b);
        return 1;
    }
    bool reason_ok = c->exact ? !strcmp(r.reason, c->reason) : !!strstr(r.reason, c->reason);
    if (r.verdict != c->verdict || !reason_ok || !strstr(r.dns, c->dns) ||
        (c->verdict == VERDICT_REACHABLE && r.reason[0]) || r.nalts != c->nalts) {
        print_error("%s:\n verdict %d (want %d), %zu alternatives (want %zu)\n reason: %s\n"
                    " want:   %s\n dns: %s\n want: %s\n",
                    c->name, r.verdict, c->verdict, r.nalts, c->nalts, r.reason, c->reason, r.dns,
                    c->dns);
        bad = 1;
    }
    double sum = 0;
    for (size_t i = 0; i < r.nalts; i++) sum += r.alts[i].weight;
    if (r.nalts && (sum < 1 - 1e-12 || sum > 1 + 1e-12)) {
        print_error("%s: weights sum to %g\n", c->name, sum);
        bad = 1;
    }
    if (getenv("VPCSIM_TEST_VERBOSE")) { /* for reading every case's words */
        printf("== %s\n  dns: %s\n  reason: %s\n", c->name, r.dns, r.reason);
        for (size_t i = 0; i < r.nalts; i++) {
            render(t, &r.alts[i], hops, sizeof hops);
            printf("  %.2f %s\n", r.alts[i].weight, hops);
        }
    }
    const char *want[2] = {c->hops, c->hops2};
    for (size_t i = 0; i < 2 && i < r.nalts; i++) {
        render(t, &r.alts[i], hops, sizeof hops);
        if (want[i] && strcmp(hops, want[i])) {
            print_error("%s: alternative %zu\n got:  %s\n want: %s\n", c->name, i, hops, want[i]);
            bad = 1;
        }
    }
    tb_free(b);
    return bad;
}

static void test_path_table(void **state)
{
    (void)state;
    int failed = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) failed += check_case(&cases[i]);
    assert_int_equal(failed, 0);
}

/* ---- names ---------------------------------------------------------------------------------- */

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(hop_kind_name(HOP_NAT), "nat-gateway");
    assert_string_equal(hop_kind_name(HOP_INTERFACE_ENDPOINT), "interface-endpoint");
    assert_string_equal(hop_kind_name(HOP_GATEWAY_ENDPOINT), "gateway-endpoint");
    assert_string_equal(hop_kind_name(HOP_KIND_COUNT), "?");
    assert_string_equal(hop_kind_name((hop_kind)-1), "?");
    assert_string_equal(link_class_name(LINK_INTRA_AZ), "intra-az");
    assert_string_equal(link_class_name(LINK_CROSS_AZ), "cross-az");
    assert_string_equal(link_class_name(LINK_DX), "direct-connect");
    assert_string_equal(link_class_name(LINK_CLASS_COUNT), "?");
    /* every kind and class has its own name */
    for (int i = 0; i < HOP_KIND_COUNT; i++) {
        assert_string_not_equal(hop_kind_name((hop_kind)i), "?");
        for (int j = 0; j < i; j++)
            assert_string_not_equal(hop_kind_name((hop_kind)i), hop_kind_name((hop_kind)j));
    }
    for (int i = 0; i < LINK_CLASS_COUNT; i++) {
        assert_string_not_equal(link_class_name((link_class)i), "?");
        for (int j = 0; j < i; j++)
            assert_string_not_equal(link_class_name((link_class)i), link_class_name((link_class)j));
    }
}

/* ---- policy matcher ------------------------------------------------------------------------- */

typedef struct match_case {
    const char *pattern, *text;
    bool fold, want;
} match_case;

static const match_case matches[] = {
    {"*", "", false, true},
    {"*", "anything", false, true},
    {"", "", false, true},
    {"", "a", false, false},
    {"s3:Get*", "s3:GetObject", false, true},
    {"s3:Get*", "s3:PutObject", false, false},
    {"s3:get*", "S3:GETOBJECT", true, true},
    {"s3:get*", "S3:GETOBJECT", false, false},
    {"arn:aws:s3:::data/*", "arn:aws:s3:::data/a/b", false, true},
    {"arn:aws:s3:::data/*", "arn:aws:s3:::Data/a", false, false},
    {"arn:aws:s3:::data/?", "arn:aws:s3:::data/a", false, true},
    {"arn:aws:s3:::data/?", "arn:aws:s3:::data/ab", false, false},
    {"a*b*c", "aXXbYYc", false, true},
    {"a*b*c", "aXXbYY", false, false},
    {"*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false, false},
    {"*.log", "x.log.gz", false, false},
    {"**", "x", false, true},
    {"abc", "ab", false, false},
};

static void test_pattern_match(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof matches / sizeof matches[0]; i++) {
        const match_case *m = &matches[i];
        if (policy_pattern_match(m->pattern, m->text, m->fold) != m->want)
            fail_msg("pattern \"%s\" on \"%s\" (fold %d): want %d", m->pattern, m->text, m->fold,
                     m->want);
    }
    assert_true(policy_pattern_match("*", NULL, false));
    assert_false(policy_pattern_match(NULL, "x", false));
}

/* policy_evaluate on a request with no condition keys. */
static policy_decision evaluate(const topo_policy *p, const char *action, const char *resource,
                                const char *principal, size_t *st)
{
    policy_request r = {.action = action, .resource = resource, .principal = principal};
    return policy_evaluate(p, &r, st);
}

static void test_policy_evaluate(void **state)
{
    (void)state;
    size_t st = 99;
    assert_int_equal(evaluate(NULL, "s3:GetObject", "x", "*", &st), POLICY_ALLOWED);
    tb *b = tb_new();
    tb_policy(b, "p");
    const topo_policy *p = &tb_topo(b)->policies[0];
    assert_int_equal(evaluate(p, "s3:GetObject", "x", "*", &st), POLICY_IMPLICIT_DENY);
    assert_int_equal(st, 0);
    tb_statement(b, "p", EFFECT_ALLOW, "s3:Get*", "*", "*", NULL);
    tb_statement(b, "p", EFFECT_ALLOW, "s3:*", "*", "*", NULL);
    tb_statement(b, "p", EFFECT_DENY, "s3:PutObject", "arn:aws:s3:::secret/*", "*", "NoSecret");
    p = &tb_topo(b)->policies[0];
    assert_int_equal(evaluate(p, "s3:GetObject", "arn:aws:s3:::x", "*", &st), POLICY_ALLOWED);
    assert_int_equal(st, 0); /* the first matching Allow */
    assert_int_equal(evaluate(p, "s3:PutObject", "arn:aws:s3:::x", "*", &st), POLICY_ALLOWED);
    assert_int_equal(st, 1);
    assert_int_equal(evaluate(p, "s3:PutObject", "arn:aws:s3:::secret/k", "*", &st),
                     POLICY_EXPLICIT_DENY);
    assert_int_equal(st, 2);
    assert_int_equal(evaluate(p, "sqs:SendMessage", "arn:aws:s3:::x", "*", &st),
                     POLICY_IMPLICIT_DENY);
    assert_int_equal(st, 3);
    /* an account principal matches every principal of the account */
    tb_policy(b, "acct");
    tb_statement(b, "acct", EFFECT_ALLOW, "*", "*", "111122223333", NULL);
    tb_statement(b, "acct", EFFECT_ALLOW, "*", "*", "arn:aws:iam::444455556666:root", NULL);
    const topo_policy *a = &tb_topo(b)->policies[1];
    static const struct {
        const char *principal;
        policy_decision want;
    } accts[] = {
        {"arn:aws:iam::111122223333:role/app", POLICY_ALLOWED},
        {"arn:aws:sts::111122223333:assumed-role/app/i-1", POLICY_ALLOWED},
        {"111122223333", POLICY_ALLOWED},
        {"arn:aws:iam::444455556666:user/bob", POLICY_ALLOWED},
        {"arn:aws:iam::999999999999:role/app", POLICY_IMPLICIT_DENY},
        {"arn:aws:iam::11112222333:role/short", POLICY_IMPLICIT_DENY},
        {"*", POLICY_IMPLICIT_DENY},
        {"arn:aws:iam::1111222233334:role/x", POLICY_IMPLICIT_DENY},
        {"", POLICY_IMPLICIT_DENY},
    };
    for (size_t i = 0; i < sizeof accts / sizeof accts[0]; i++)
        if (evaluate(a, "s3:GetObject", "x", accts[i].principal, NULL) != accts[i].want)
            fail_msg("principal %s: want %d", accts[i].principal, accts[i].want);
    /* empty lists (loader defaults) match anything; NULL request fields are "" */
    tb_policy(b, "q");
    tb_statement(b, "q", EFFECT_ALLOW, "", "", "", NULL);
    assert_int_equal(evaluate(&tb_topo(b)->policies[2], NULL, NULL, NULL, NULL), POLICY_ALLOWED);
    tb_free(b);
}

/* ---- policies on real paths: the request context each way gives --------------------------- */

/* One VPC in account 111122223333: subnet a routes S3 to a gateway endpoint, subnet b to NAT
 * nat-b (Elastic IP 203.0.113.10), subnet c to NAT nat-c (198.51.100.5); a KMS interface endpoint
 * created without security groups. */
static const char policy_yaml[] =
    "version: 1\n"
    "name: pol\n"
    "regions: [{name: us-east-1, azs: [use1-az1]}]\n"
    "architectures:\n"
    "  - name: one\n"
    "    vpcs: [{name: app, account: \"111122223333\", region: us-east-1, cidr: 10.0.0.0/16,\n"
    "            internet_gateway: igw}]\n"
    "    subnets:\n"
    "      - {name: pub, vpc: app, az: use1-az1, cidr: 10.0.0.0/24, public: true, route_table: "
    "pub}\n"
    "      - {name: a, vpc: app, az: use1-az1, cidr: 10.0.1.0/24, route_table: a}\n"
    "      - {name: b, vpc: app, az: use1-az1, cidr: 10.0.2.0/24, route_table: b}\n"
    "      - {name: c, vpc: app, az: use1-az1, cidr: 10.0.3.0/24, route_table: c}\n"
    "    route_tables:\n"
    "      - {name: pub, vpc: app, routes: [{destination: 0.0.0.0/0, target: igw/igw}]}\n"
    "      - {name: a, vpc: app}\n"
    "      - {name: b, vpc: app, routes: [{destination: 0.0.0.0/0, target: nat/nat-b}]}\n"
    "      - {name: c, vpc: app, routes: [{destination: 0.0.0.0/0, target: nat/nat-c}]}\n"
    "    nat_gateways:\n"
    "      - {name: nat-b, subnet: pub, public_ip: 203.0.113.10}\n"
    "      - {name: nat-c, subnet: pub, public_ip: 198.51.100.5}\n"
    "    gateway_endpoints: [{name: gw, id: vpce-0gw, vpc: app, service: s3, route_tables: [a]}]\n"
    "    interface_endpoints: [{name: kms-ep, vpc: app, service: kms, subnets: [a]}]\n"
    "    security_groups:\n"
    "      - {name: app-sg, vpc: app, egress: [{ports: all, cidr: 0.0.0.0/0}]}\n"
    "      - {name: s3-out, vpc: app, egress: [{ports: 443, prefix_list: s3}]}\n"
    "    policies:\n"
    "      - name: office-only\n"
    "        statements:\n"
    "          - {sid: DenyElsewhere, effect: Deny, actions: [\"s3:*\"], resources: [\"*\"],\n"
    "             conditions: {NotIpAddress: {\"aws:SourceIp\": 203.0.113.0/24}}}\n"
    "      - name: own-account\n"
    "        statements: [{effect: Allow, actions: [\"s3:*\"], principals: [\"111122223333\"]}]\n"
    "      - name: both-accounts\n"
    "        statements: [{effect: Allow, actions: [\"s3:*\"],\n"
    "                      principals: [\"111122223333\", \"444455556666\"]}]\n"
    "      - name: s3-only\n"
    "        statements: [{effect: Allow, actions: [\"s3:*\"]}]\n"
    "      - name: key-account\n"
    "        statements: [{effect: Allow, actions: [\"kms:*\"],\n"
    "                      principals: [\"arn:aws:iam::111122223333:root\"]}]\n"
    "      - name: tls-only\n"
    "        statements:\n"
    "          - {effect: Allow, actions: [\"*\"]}\n"
    "          - {sid: NoPlainText, effect: Deny, actions: [\"*\"],\n"
    "             conditions: {Bool: {\"aws:SecureTransport\": \"false\"}}}\n"
    "    resource_policies:\n"
    "      - {name: ip-bucket, service: s3, resource: \"arn:aws:s3:::ipb/*\", policy: "
    "office-only}\n"
    "      - {name: x1, service: s3, resource: \"arn:aws:s3:::x1/*\", policy: own-account,\n"
    "         account: \"111122223333\"}\n"
    "      - {name: x2, service: s3, resource: \"arn:aws:s3:::x2/*\", policy: both-accounts,\n"
    "         account: \"111122223333\"}\n"
    "      - {name: key, service: kms, resource: \"arn:aws:kms:*:key/k\", policy: key-account}\n"
    "workloads:\n"
    "  - {name: default-member, source: {subnet: a}, target: {service: kms}}\n"
    "  - {name: own-group, source: {subnet: a, security_groups: [app-sg]}, target: {service: "
    "kms}}\n"
    "  - {name: via-nat-b, source: {subnet: b}, target: {service: s3}, action: s3:GetObject,\n"
    "     resource: \"arn:aws:s3:::ipb/k\"}\n"
    "  - {name: via-nat-c, source: {subnet: c}, target: {service: s3}, action: s3:GetObject,\n"
    "     resource: \"arn:aws:s3:::ipb/k\"}\n"
    "  - {name: via-gw, source: {subnet: a}, target: {service: s3}, action: s3:GetObject,\n"
    "     resource: \"arn:aws:s3:::ipb/k\"}\n"
    "  - {name: other-account, source: {subnet: a}, target: {service: s3}, action: s3:GetObject,\n"
    "     resource: \"arn:aws:s3:::x1/k\", principal: \"arn:aws:iam::444455556666:role/r\"}\n"
    "  - {name: other-account-granted, source: {subnet: a}, target: {service: s3},\n"
    "     action: s3:GetObject, resource: \"arn:aws:s3:::x2/k\",\n"
    "     principal: \"arn:aws:iam::444455556666:role/r\", identity_policy: s3-only}\n"
    "  - {name: kms-not-in-identity, source: {subnet: a}, target: {service: kms},\n"
    "     action: kms:Decrypt, resource: \"arn:aws:kms:us-east-1:111122223333:key/k\",\n"
    "     principal: \"arn:aws:iam::111122223333:role/app\", identity_policy: s3-only}\n"
    "  - {name: pl-s3, source: {subnet: a, security_groups: [s3-out]}, target: {service: s3},\n"
    "     action: s3:GetObject, resource: \"arn:aws:s3:::other/k\"}\n"
    "  - {name: pl-kms, source: {subnet: a, security_groups: [s3-out]},\n"
    "     target: {service: kms}}\n"
    "  - {name: plain-http, source: {subnet: a}, target: {service: s3}, action: s3:GetObject,\n"
    "     resource: \"arn:aws:s3:::other/k\", identity_policy: tls-only,\n"
    "     secure_transport: false}\n";

static void test_policy_paths(void **state)
{
    (void)state;
    static const struct {
        const char *workload;
        verdict want;
        const char *says; /* in the reason */
    } policy_cases[] = {
        /* an endpoint without groups has the VPC's default group: members only */
        {"default-member", VERDICT_REACHABLE, NULL},
        {"own-group", VERDICT_DENIED, "default security group"},
        /* aws:SourceIp is the NAT's address; through a gateway endpoint it is absent, which
         * makes NotIpAddress hold (IAM: negated operators hold on absent keys) */
        {"via-nat-b", VERDICT_REACHABLE, NULL},
        {"via-nat-c", VERDICT_DENIED, "the request has aws:SourceIp '198.51.100.5'"},
        {"via-gw", VERDICT_DENIED, "the request has no aws:SourceIp"},
        /* across accounts the resource policy must grant, and the identity policy too */
        {"other-account", VERDICT_DENIED, "across accounts the resource policy must allow"},
        {"other-account-granted", VERDICT_REACHABLE, NULL},
        /* a key policy allowing the account delegates to IAM */
        {"kms-not-in-identity", VERDICT_DENIED, "identity policy 's3-only'"},
        {"plain-http", VERDICT_DENIED, "statement 'NoPlainText'"},
        /* an egress rule to S3's prefix list lets S3 out, and nothing else */
        {"pl-s3", VERDICT_REACHABLE, NULL},
        {"pl-kms", VERDICT_DENIED, "allows no egress on port 443"},
    };
    scenario *sc = NULL;
    vs_error err = {""};
    if (scenario_load_buffer(policy_yaml, sizeof policy_yaml - 1, "pol.yaml", &sc, &err))
        fail_msg("%s", err.msg);
    const topology *t = &sc->archs[0];
    for (size_t i = 0; i < sizeof policy_cases / sizeof policy_cases[0]; i++) {
        size_t w = 0;
        while (w < t->nworkloads && strcmp(t->workloads[w].name, policy_cases[i].workload)) w++;
        path_result r;
        if (w == t->nworkloads || paths_resolve(t, w, NULL, &r, &err))
            fail_msg("%s: %s", policy_cases[i].workload, err.msg);
        if (r.verdict != policy_cases[i].want)
            fail_msg("%s: verdict %d, want %d: %s", policy_cases[i].workload, r.verdict,
                     policy_cases[i].want, r.reason);
        if (policy_cases[i].says && !strstr(r.reason, policy_cases[i].says))
            fail_msg("%s: reason lacks \"%s\": %s", policy_cases[i].workload, policy_cases[i].says,
                     r.reason);
    }
    scenario_free(sc);
}

/* ---- broken topologies: errors, never crashes ----------------------------------------------- */

static void test_broken_topology_errors(void **state)
{
    (void)state;
    path_result r;
    vs_error err = {""};
    tb *b = tb_new();
    b_iep(b);
    topology *t = &b->t;
    assert_int_equal(paths_resolve(t, 1, NULL, &r, &err), -1);
    assert_string_equal(err.msg, "paths_resolve: workload 1 of architecture 'arch' out of range "
                                 "(1 workloads)");
    assert_int_equal(paths_resolve(NULL, 0, NULL, &r, &err), -1);
    assert_int_equal(paths_resolve(t, 0, NULL, NULL, NULL), -1);
    t->subnets[2].vpc = 7;
    assert_int_equal(paths_resolve(t, 0, NULL, &r, &err), -1);
    assert_string_equal(err.msg, "topology 'arch': vpc of priv-a is 7, out of range (1)");
    t->subnets[2].vpc = 0;
    t->route_tables[1].routes[1].target_index = 3;
    assert_int_equal(paths_resolve(t, 0, NULL, &r, &err), -1);
    assert_string_equal(err.msg, "topology 'arch': route target of rt-pub is 3, out of range (1)");
    t->route_tables[1].routes[1].target_index = 0;
    t->workloads[0].source_site = 0;
    assert_int_equal(paths_resolve(t, 0, NULL, &r, NULL), -1);
    t->workloads[0].source_site = -1;
    t->interface_endpoints[0].endpoint_service = 0;
    assert_int_equal(paths_resolve(t, 0, NULL, &r, &err), -1);
    assert_string_equal(err.msg, "topology 'arch': endpoint service of sqs-ep is 0, out of range "
                                 "(0)");
    t->interface_endpoints[0].endpoint_service = -1;
    assert_int_equal(paths_resolve(t, 0, NULL, &r, &err), 0);
    assert_int_equal(r.verdict, VERDICT_REACHABLE);
    tb_free(b);
}

/* Every index field of a rich topology set to each bad value in turn: paths_resolve returns 0 or
 * -1 and never reads out of bounds (run under ASan in CI). */
static void collect_indices(topology *t, int32_t **f, size_t *n)
{
    for (size_t i = 0; i < t->nsubnets; i++)
        f[(*n)++] = &t->subnets[i].vpc, f[(*n)++] = &t->subnets[i].az,
        f[(*n)++] = &t->subnets[i].route_table;
    for (size_t i = 0; i < t->nvpcs; i++)
        f[(*n)++] = &t->vpcs[i].igw, f[(*n)++] = &t->vpcs[i].region;
    for (size_t i = 0; i < t->nroute_tables; i++)
        for (size_t j = 0; j < t->route_tables[i].nroutes; j++)
            f[(*n)++] = &t->route_tables[i].routes[j].target_index,
            f[(*n)++] = &t->route_tables[i].routes[j].prefix_list;
    for (size_t i = 0; i < t->nnats; i++) f[(*n)++] = &t->nats[i].subnet;
    for (size_t i = 0; i < t->ninterface_endpoints; i++) {
        topo_interface_endpoint *e = &t->interface_endpoints[i];
        f[(*n)++] = &e->vpc, f[(*n)++] = &e->policy, f[(*n)++] = &e->aws_service;
        for (size_t j = 0; j < e->nsubnets; j++) f[(*n)++] = &e->subnets[j];
        for (size_t j = 0; j < e->nsecurity_groups; j++) f[(*n)++] = &e->security_groups[j];
    }
    for (size_t i = 0; i < t->ntgws; i++)
        for (size_t j = 0; j < t->tgws[i].nattachments; j++) {
            topo_tgw_attachment *a = &t->tgws[i].attachments[j];
            f[(*n)++] = &a->vpc, f[(*n)++] = &a->route_table;
            for (size_t k = 0; k < a->nsubnets; k++) f[(*n)++] = &a->subnets[k];
        }
    for (size_t i = 0; i < t->nsites; i++)
        f[(*n)++] = &t->sites[i].dx.tgw, f[(*n)++] = &t->sites[i].dns_resolver,
        f[(*n)++] = &t->sites[i].region;
    for (size_t i = 0; i < t->nsecurity_groups; i++)
        for (size_t j = 0; j < t->security_groups[i].nrules; j++)
            f[(*n)++] = &t->security_groups[i].rules[j].source_sg;
    f[(*n)++] = &t->workloads[0].source_site, f[(*n)++] = &t->workloads[0].service;
    f[(*n)++] = &t->workloads[0].service_region;
}

static void test_corrupted_indices(void **state)
{
    (void)state;
    static const int32_t bad[] = {-7, -1, 0, 1, 5, 64, 1000, INT32_MAX, INT32_MIN};
    void (*builds[])(tb *) = {b_dc_tgw_iep, b_peer_sg_reference, b_pol_explicit_deny};
    size_t runs = 0;
    for (size_t bi = 0; bi < sizeof builds / sizeof builds[0]; bi++) {
        tb *b = tb_new();
        builds[bi](b);
        int32_t *fields[512];
        size_t n = 0;
        collect_indices(&b->t, fields, &n);
        assert_true(n < 512);
        for (size_t i = 0; i < n; i++)
            for (size_t v = 0; v < sizeof bad / sizeof bad[0]; v++) {
                int32_t keep = *fields[i];
                path_result r;
                vs_error err;
                *fields[i] = bad[v];
                int rc = paths_resolve(&b->t, 0, NULL, &r, &err);
                assert_true(rc == 0 || rc == -1);
                *fields[i] = keep;
                runs++;
            }
        tb_free(b);
    }
    assert_true(runs > 500);
}

/* ---- determinism and no hidden state -------------------------------------------------------- */

static void test_repeatable(void **state)
{
    (void)state;
    tb *b = tb_new();
    b_tgw_inter_region(b);
    static path_result r1, r2;
    vs_error err;
    memset(&r1, 0xab, sizeof r1);
    memset(&r2, 0x11, sizeof r2);
    path_faults none = {0};
    assert_int_equal(paths_resolve(tb_topo(b), 0, NULL, &r1, &err), 0);
    assert_int_equal(paths_resolve(tb_topo(b), 0, &none, &r2, &err), 0);
    assert_int_equal(r1.verdict, r2.verdict);
    assert_string_equal(r1.dns, r2.dns);
    assert_string_equal(r1.reason, r2.reason);
    assert_int_equal(r1.nalts, 2);
    assert_int_equal(r2.nalts, 2);
    for (size_t i = 0; i < r1.nalts; i++) {
        assert_true(r1.alts[i].weight == 0.5 && r2.alts[i].weight == 0.5);
        assert_int_equal(r1.alts[i].nhops, r2.alts[i].nhops);
        assert_memory_equal(r1.alts[i].hops, r2.alts[i].hops,
                            r1.alts[i].nhops * sizeof r1.alts[i].hops[0]);
    }
    /* a fault changes the answer, and lifting it restores it */
    path_faults az = {.az_down = AZ1};
    assert_int_equal(paths_resolve(tb_topo(b), 0, &az, &r2, &err), 0);
    assert_int_equal(r2.nalts, 1);
    assert_int_equal(r2.alts[0].hops[3].az, tb_topo(b)->regions[1].first_az + 1);
    assert_int_equal(paths_resolve(tb_topo(b), 0, &none, &r2, &err), 0);
    assert_int_equal(r2.nalts, 2);
    tb_free(b);
}

/* The path_faults AZ mask covers AZ indices 0..63; higher indices are never down by mask. */
static void test_az_mask_bounds(void **state)
{
    (void)state;
    tb *b = tb_new();
    b_iep(b);
    path_result r;
    vs_error err;
    path_faults all = {.az_down = ~0ull};
    assert_int_equal(paths_resolve(tb_topo(b), 0, &all, &r, &err), 0);
    assert_int_equal(r.verdict, VERDICT_UNREACHABLE);
    assert_string_equal(r.reason, "the client subnet 'priv-a' is in use1-az1, which is down");
    tb_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_path_table),        cmocka_unit_test(test_names),
        cmocka_unit_test(test_pattern_match),     cmocka_unit_test(test_policy_evaluate),
        cmocka_unit_test(test_policy_paths),      cmocka_unit_test(test_broken_topology_errors),
        cmocka_unit_test(test_corrupted_indices), cmocka_unit_test(test_repeatable),
        cmocka_unit_test(test_az_mask_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
