/* Tests for models/cost/cost.c: the shipped price table, the worked checks of aws-facts.md
 * (computed there, by hand, not by this code), PrivateLink tiers across the 1 PB and 5 PB bounds,
 * the static cost of hand-built topologies, money formatting, and bad price files with their
 * positions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vpcsim/aws/cost.h"
#include "vpcsim/aws/paths.h"

/* A small valid table; the error tests below know its line and column numbers. */
static const char table[] =
    "version: 1\n"                                                                      /* 1 */
    "region: us-east-1\n"                                                               /* 2 */
    "currency: USD\n"                                                                   /* 3 */
    "taken: \"2026\"\n"                                                                 /* 4 */
    "hours_per_month: 730\n"                                                            /* 5 */
    "sources: {S: pricing page, A: assumption}\n"                                       /* 6 */
    "hourly:\n"                                                                         /* 7 */
    "  nat_gateway: {price: $0.045, per: gateway, source: S}\n"                         /* 8 */
    "  public_ipv4_address: {price: $0.005, per: address, source: S}\n"                 /* 9 */
    "  interface_endpoint: {price: $0.01, per: ENI, source: [S, A]}\n"                  /* 10 */
    "  gateway_endpoint: {price: $0, per: endpoint, source: S}\n"                       /* 11 */
    "  transit_gateway_attachment: {price: $0.05, per: attachment, source: S}\n"        /* 12 */
    "  vpn_connection: {price: $0.05, per: connection, source: S}\n"                    /* 13 */
    "  resolver_endpoint_eni: {price: $0.125, per: ENI, source: A, note: verify}\n"     /* 14 */
    "dx_ports:\n"                                                                       /* 15 */
    "  - {speed: 1Gbps, price: $0.30, source: S}\n"                                     /* 16 */
    "  - {speed: 10Gbps, price: $2.25, source: S}\n"                                    /* 17 */
    "per_gb:\n"                                                                         /* 18 */
    "  nat_gateway_processing: {price: $0.045, source: S}\n"                            /* 19 */
    "  interface_endpoint_processing:\n"                                                /* 20 */
    "    source: S\n"                                                                   /* 21 */
    "    tiers:\n"                                                                      /* 22 */
    "      - {up_to: 1024TiB, price: $0.01}\n"                                          /* 23 */
    "      - {up_to: 5120TiB, price: $0.006}\n"                                         /* 24 */
    "      - {price: $0.004}\n"                                                         /* 25 */
    "  transit_gateway_processing: {price: $0.02, source: S}\n"                         /* 26 */
    "  cross_az_transfer: {price: $0.01, source: S}\n"                                  /* 27 */
    "  dx_transfer_out: {price: $0.02, source: S}\n"                                    /* 28 */
    "  internet_transfer_out: {price: $0.09, source: S}\n"                              /* 29 */
    "  inter_region_transfer: {price: $0.02, source: S}\n"                              /* 30 */
    "  cross_az_transfer_through:\n"                                                    /* 31 */
    "    {price: $0, through: [interface-endpoint, nlb, transit-gateway], source: S}\n" /* 32 */
    "requests:\n"                                                                       /* 33 */
    "  s3_get: {price: $0.0004, per: 1000, source: S}\n"                                /* 34 */
    "  s3_put: {price: $0.005, per: 1000, source: S}\n"                                 /* 35 */
    "  dynamodb_read: {price: $0.125, per: 1000000, source: A, note: verify}\n"         /* 36 */
    "  dynamodb_write: {price: $0.625, per: 1000000, source: A, note: verify}\n"        /* 37 */
    "  sqs: {price: $0.40, per: 1000000, source: A, note: verify}\n"                    /* 38 */
    "  kms: {price: $0.03, per: 10000, source: A, note: verify}\n"                      /* 39 */
    "  secretsmanager: {price: $0.05, per: 10000, source: A, note: verify}\n";          /* 40 */

static cost_prices *load_text(const char *text)
{
    vs_error err = {""};
    cost_prices *p = NULL;
    if (cost_prices_load_buffer(text, strlen(text), "p.yaml", &p, &err))
        fail_msg("unexpected load error: %s", err.msg);
    return p;
}

static cost_prices *load_shipped(void)
{
    char path[4096];
    const char *src = getenv("VPCSIM_SOURCE_DIR");
    vs_error err = {""};
    cost_prices *p = NULL;
    assert_non_null(src);
    snprintf(path, sizeof path, "%s/experiments/prices/aws-us-east-1.yaml", src);
    if (cost_prices_load_file(path, &p, &err)) fail_msg("shipped price table: %s", err.msg);
    return p;
}

/* Money compared to the cent, as a bill is. */
#define assert_usd(got, want) assert_true(fabs((got) - (want)) < 0.005)

static void shipped_table_carries_prices_sources_and_date(void **st)
{
    (void)st;
    cost_prices *p = load_shipped();
    assert_string_equal(p->region, "us-east-1");
    assert_string_equal(p->currency, "USD");
    assert_string_equal(p->taken, "2026");
    assert_true(p->hours_per_month == 730);
    assert_true(p->hourly[COST_H_NAT_GATEWAY].usd_per_hour == 0.045);
    assert_true(p->hourly[COST_H_PUBLIC_IPV4].usd_per_hour == 0.005);
    assert_true(p->hourly[COST_H_INTERFACE_ENDPOINT].usd_per_hour == 0.01);
    assert_true(p->hourly[COST_H_GATEWAY_ENDPOINT].usd_per_hour == 0);
    assert_true(p->hourly[COST_H_TGW_ATTACHMENT].usd_per_hour == 0.05);
    assert_true(p->hourly[COST_H_VPN_CONNECTION].usd_per_hour == 0.05);
    assert_true(p->hourly[COST_H_RESOLVER_ENI].usd_per_hour == 0.125);
    assert_string_equal(p->hourly[COST_H_NAT_GATEWAY].basis.tags, "S");
    assert_string_equal(p->hourly[COST_H_NAT_GATEWAY].basis.text,
                        "S: third-party 2026 pricing page");
    assert_string_equal(p->hourly[COST_H_INTERFACE_ENDPOINT].basis.tags, "S, W");
    assert_string_equal(p->hourly[COST_H_GATEWAY_ENDPOINT].basis.tags, "D21");
    assert_string_equal(p->hourly[COST_H_RESOLVER_ENI].basis.tags, "A");
    assert_non_null(strstr(p->hourly[COST_H_RESOLVER_ENI].basis.note, "assumption to verify"));
    assert_int_equal(p->ndx_ports, 3);
    assert_true(p->dx_ports[0].bps == 1e9 && p->dx_ports[0].usd_per_hour == 0.30);
    assert_true(p->dx_ports[1].bps == 1e10 && p->dx_ports[1].usd_per_hour == 2.25);
    assert_true(p->dx_ports[2].bps == 1e11 && p->dx_ports[2].usd_per_hour == 22.50);
    const cost_gb_price *ie = &p->per_gb[COST_GB_INTERFACE_ENDPOINT];
    assert_int_equal(ie->ntiers, 3);
    assert_true(ie->tiers[0].up_to_gb == 1048576.0 && ie->tiers[0].usd_per_gb == 0.01);
    assert_true(ie->tiers[1].up_to_gb == 5242880.0 && ie->tiers[1].usd_per_gb == 0.006);
    assert_true(isinf(ie->tiers[2].up_to_gb) && ie->tiers[2].usd_per_gb == 0.004);
    const double flat[][2] = {{COST_GB_NAT, 0.045},
                              {COST_GB_TGW, 0.02},
                              {COST_GB_CROSS_AZ, 0.01},
                              {COST_GB_DX_OUT, 0.02},
                              {COST_GB_INTER_REGION, 0.02}};
    /* cross-AZ through PrivateLink and TGW: free since 2022-04-01 (aws-facts.md, W) */
    assert_int_equal(p->cross_az_through_hops,
                     1u << HOP_INTERFACE_ENDPOINT | 1u << HOP_NLB | 1u << HOP_TGW);
    assert_true(p->per_gb[COST_GB_CROSS_AZ_THROUGH].tiers[0].usd_per_gb == 0);
    assert_string_equal(p->per_gb[COST_GB_CROSS_AZ_THROUGH].basis.tags, "W");
    assert_non_null(strstr(p->per_gb[COST_GB_CROSS_AZ_THROUGH].basis.note, "2022-04-01"));
    for (size_t i = 0; i < sizeof flat / sizeof flat[0]; i++) {
        const cost_gb_price *g = &p->per_gb[(int)flat[i][0]];
        assert_int_equal(g->ntiers, 1);
        assert_true(g->tiers[0].usd_per_gb == flat[i][1]);
        assert_true(g->basis.tags[0] != 0);
    }
    cost_prices_free(p);
}

/* ---- hand-built topologies ------------------------------------------------------------------- */

static topology empty_arch(const char *name)
{
    return (topology){.name = name};
}

static void run_static(const topology *t, const cost_prices *p, cost_lines *l)
{
    vs_error err = {""};
    if (cost_static(t, p, l, &err)) fail_msg("cost_static: %s", err.msg);
}

/* aws-facts.md: one NAT gateway processing 1 TB in a month = 32.85 + 46.08 = $78.93. */
static void worked_check_nat_gateway_1tb(void **st)
{
    (void)st;
    cost_prices *p = load_shipped();
    topo_nat nat = {.name = "nat-a", .subnet = 0, .ips = 1};
    topology t = empty_arch("nat");
    t.nats = &nat, t.nnats = 1;
    cost_lines l;
    run_static(&t, p, &l);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.lines[0].kind, "NAT gateway");
    assert_string_equal(l.lines[0].component, "nat-a");
    assert_int_equal(l.lines[0].quantity, 1);
    assert_usd(l.lines[0].monthly_usd, 32.85);
    assert_usd(cost_tiered(p, COST_GB_NAT, 1024), 46.08);
    assert_usd(l.lines[0].monthly_usd + cost_tiered(p, COST_GB_NAT, 1024), 78.93);
    /* the public IPv4 address of the NAT gateway is its own line: 730 x $0.005 */
    assert_string_equal(l.lines[1].kind, "public IPv4 address");
    assert_usd(l.lines[1].monthly_usd, 3.65);
    assert_usd(l.total_usd, 36.50);
    cost_lines_free(&l);
    cost_prices_free(p);
}

/* aws-facts.md: an interface endpoint in 3 AZs = $21.90 a month + $10.24 per TB. */
static void worked_check_interface_endpoint_3_azs(void **st)
{
    (void)st;
    cost_prices *p = load_shipped();
    int32_t subnets[3] = {0, 1, 2};
    topo_interface_endpoint ie = {.name = "sqs-ep", .subnets = subnets, .nsubnets = 3};
    topology t = empty_arch("ie");
    t.interface_endpoints = &ie, t.ninterface_endpoints = 1;
    cost_lines l;
    run_static(&t, p, &l);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.lines[0].quantity, 3);
    assert_usd(l.lines[0].monthly_usd, 21.90);
    assert_usd(l.total_usd, 21.90);
    assert_usd(cost_tiered(p, COST_GB_INTERFACE_ENDPOINT, 1024), 10.24);
    assert_string_equal(l.lines[0].tags, "S, W");
    cost_lines_free(&l);
    cost_prices_free(p);
}

/* aws-facts.md: a TGW with 10 attachments carrying 20 TB = 365 + 409.60 = $774.60. */
static void worked_check_tgw_10_attachments_20tb(void **st)
{
    (void)st;
    cost_prices *p = load_shipped();
    topo_tgw_attachment att[10];
    for (int i = 0; i < 10; i++) att[i] = (topo_tgw_attachment){.name = "a", .vpc = i};
    topo_tgw tgw = {.name = "tgw-main", .attachments = att, .nattachments = 10};
    topology t = empty_arch("tgw");
    t.tgws = &tgw, t.ntgws = 1;
    cost_lines l;
    run_static(&t, p, &l);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.lines[0].quantity, 10);
    assert_usd(l.lines[0].monthly_usd, 365.00);
    assert_usd(cost_tiered(p, COST_GB_TGW, 20 * 1024), 409.60);
    assert_usd(l.total_usd + cost_tiered(p, COST_GB_TGW, 20 * 1024), 774.60);
    cost_lines_free(&l);
    cost_prices_free(p);
}

/* PrivateLink data processing, by hand (1 PB = 1,048,576 GB; 5 PB = 5,242,880 GB):
 *   1 PB            = 1,048,576 x 0.01                         = $10,485.76
 *   1 PB + 1,000 GB = 10,485.76 + 1,000 x 0.006                = $10,491.76
 *   5 PB            = 10,485.76 + 4,194,304 x 0.006            = $35,651.584
 *   6 PB            = 35,651.584 + 1,048,576 x 0.004           = $39,845.888
 *   5 PB + 500 GB   = 35,651.584 + 500 x 0.004                 = $35,653.584 */
static void interface_endpoint_tiers_across_1pb_and_5pb(void **st)
{
    (void)st;
    cost_prices *p = load_shipped();
    const double cases[][2] = {
        {0, 0},
        {1, 0.01},
        {1048575, 10485.75},
        {1048576, 10485.76},
        {1048576 + 1000, 10491.76},
        {5242880, 35651.584},
        {5242880 + 500, 35653.584},
        {6291456, 39845.888},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double got = cost_tiered(p, COST_GB_INTERFACE_ENDPOINT, cases[i][0]);
        if (fabs(got - cases[i][1]) > 1e-6)
            fail_msg("%.0f GB: got %.6f, want %.6f", cases[i][0], got, cases[i][1]);
    }
    /* flat items stay flat at any volume: 6 PB through a NAT gateway */
    assert_usd(cost_tiered(p, COST_GB_NAT, 6291456), 283115.52);
    cost_prices_free(p);
}

/* Internet egress in us-east-1, by hand from AWS's tiers (10 TB = 10,240 GB; 50 TB = 51,200 GB;
 * 150 TB = 153,600 GB): first 10 TB $0.09, next 40 TB $0.085, next 100 TB $0.07, then $0.05:
 *   10 TB           = 10,240 x 0.09                          = $921.60
 *   10 TB + 1 GB    = 921.60 + 0.085                         = $921.685 (bill: $921.69)
 *   50 TB           = 921.60 + 40,960 x 0.085                = $4,403.20
 *   150 TB          = 4,403.20 + 102,400 x 0.07              = $11,571.20
 *   150 TB + 100 GB = 11,571.20 + 100 x 0.05                 = $11,576.20
 *   200 TB          = 11,571.20 + 51,200 x 0.05              = $14,131.20 */
static void internet_egress_tiers_across_10_50_150_tb(void **st)
{
    (void)st;
    cost_prices *p = load_shipped();
    const double cases[][2] = {
        {0, 0},
        {1000, 90},
        {10240, 921.60},
        {10241, 921.685},
        {51200, 4403.20},
        {51201, 4403.27},
        {153600, 11571.20},
        {153700, 11576.20},
        {204800, 14131.20},
    };
    char b[32];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double got = cost_tiered(p, COST_GB_INTERNET_OUT, cases[i][0]);
        if (fabs(got - cases[i][1]) > 1e-6)
            fail_msg("%.0f GB: got %.6f, want %.6f", cases[i][0], got, cases[i][1]);
    }
    assert_string_equal(cost_format_usd(cost_tiered(p, COST_GB_INTERNET_OUT, 10241), b, sizeof b),
                        "$921.69");
    cost_prices_free(p);
}

static cost_prices *load_region(const char *region)
{
    char path[4096], rel[64];
    const char *src = getenv("VPCSIM_SOURCE_DIR");
    vs_error err = {""};
    cost_prices *p = NULL;
    assert_non_null(src);
    assert_non_null(cost_prices_region_file(region, rel, sizeof rel));
    snprintf(path, sizeof path, "%s/experiments/%s", src, rel);
    if (cost_prices_load_file(path, &p, &err)) fail_msg("%s: %s", region, err.msg);
    assert_string_equal(p->region, region); /* the file is named after its Region */
    return p;
}

/* Every price tagged A (an assumption) says in its note what it rests on. */
static void assumptions_name_their_basis(const cost_prices *p)
{
    for (int i = 0; i < COST_HOURLY_COUNT; i++)
        if (strstr(p->hourly[i].basis.tags, "A") && !p->hourly[i].basis.note[0])
            fail_msg("%s: %s is an assumption without a note", p->region,
                     cost_hourly_item_name((cost_hourly_item)i));
    for (int i = 0; i < COST_GB_COUNT; i++)
        if (strstr(p->per_gb[i].basis.tags, "A") && !p->per_gb[i].basis.note[0])
            fail_msg("%s: %s is an assumption without a note", p->region,
                     cost_gb_item_name((cost_gb_item)i));
}

/* One price per shipped Region, worked by hand from the figure its table cites (730 h, 1 TB =
 * 1,024 GB):
 *   us-east-1 -> us-east-2 1 TB at $0.01 (S6)                  = $10.24; to eu-west-1 at $0.02 =
 * $20.48 us-east-2 -> us-east-1 1 TB at $0.01 (S6)                  = $10.24 us-west-2 internet 1
 * TB, first tier $0.09 (S7)             = $92.16 eu-west-1 NAT gateway a month, $0.048 (S3, low
 * end)        = $35.04 eu-central-1 NAT gateway a month, $0.052 (S3, high end)    = $37.96
 *   ap-southeast-1 NAT a month + 1 TB, $0.059 (S4)             = 43.07 + 60.416 = $103.486
 *   ap-northeast-1 TGW 10 attachments + 20 TB, $0.07, $0.02 (S5) = 511 + 409.60 = $920.60 */
static void each_region_prices_from_its_table(void **st)
{
    (void)st;
    static const char *const regions[] = {"us-east-1",     "us-east-2",    "us-west-2",
                                          "eu-west-1",     "eu-central-1", "ap-southeast-1",
                                          "ap-northeast-1"};
    const cost_basis *b;
    cost_prices *p[7];
    for (size_t i = 0; i < 7; i++) {
        p[i] = load_region(regions[i]);
        assumptions_name_their_basis(p[i]);
    }
    assert_usd(1024 * cost_inter_region_usd_per_gb(p[0], "us-east-2", &b), 10.24);
    assert_string_equal(b->tags, "S6");
    assert_usd(1024 * cost_inter_region_usd_per_gb(p[0], "eu-west-1", NULL), 20.48);
    assert_usd(1024 * cost_inter_region_usd_per_gb(p[1], "us-east-1", NULL), 10.24);
    assert_usd(cost_tiered(p[2], COST_GB_INTERNET_OUT, 1024), 92.16);
    assert_usd(p[3]->hourly[COST_H_NAT_GATEWAY].usd_per_hour * 730, 35.04);
    assert_usd(p[4]->hourly[COST_H_NAT_GATEWAY].usd_per_hour * 730, 37.96);
    assert_usd(p[5]->hourly[COST_H_NAT_GATEWAY].usd_per_hour * 730 +
                   cost_tiered(p[5], COST_GB_NAT, 1024),
               103.486);
    assert_usd(10 * p[6]->hourly[COST_H_TGW_ATTACHMENT].usd_per_hour * 730 +
                   cost_tiered(p[6], COST_GB_TGW, 20 * 1024),
               920.60);
    assert_string_equal(p[6]->hourly[COST_H_TGW_ATTACHMENT].basis.tags, "S5");
    for (size_t i = 0; i < 7; i++) cost_prices_free(p[i]);
}

/* Requests: each call's price item by service and action, and prices per request from the
 * shipped table (a million S3 PUTs at $0.005 per 1,000 = $5.00; a million GETs $0.40; 10,000 KMS
 * requests $0.03). */
static void requests_priced_by_service_and_action(void **st)
{
    (void)st;
    cost_prices *p = load_shipped();
    assert_int_equal(cost_req_item_of(SVC_S3, "s3:GetObject"), COST_REQ_S3_GET);
    assert_int_equal(cost_req_item_of(SVC_S3, ""), COST_REQ_S3_GET);
    assert_int_equal(cost_req_item_of(SVC_S3, "s3:PutObject"), COST_REQ_S3_PUT);
    assert_int_equal(cost_req_item_of(SVC_S3, "s3:ListBucket"), COST_REQ_S3_PUT);
    assert_int_equal(cost_req_item_of(SVC_DYNAMODB, "dynamodb:Query"), COST_REQ_DYNAMODB_READ);
    assert_int_equal(cost_req_item_of(SVC_DYNAMODB, "dynamodb:UpdateItem"),
                     COST_REQ_DYNAMODB_WRITE);
    assert_int_equal(cost_req_item_of(SVC_SQS, NULL), COST_REQ_SQS);
    assert_int_equal(cost_req_item_of(SVC_STS, ""), -1); /* STS is not billed per request */
    assert_usd(1e6 * p->requests[COST_REQ_S3_PUT].usd_per_request, 5.00);
    assert_usd(1e6 * p->requests[COST_REQ_S3_GET].usd_per_request, 0.40);
    assert_usd(1e4 * p->requests[COST_REQ_KMS].usd_per_request, 0.03);
    assert_string_equal(p->requests[COST_REQ_S3_GET].basis.tags, "S9");
    assert_string_equal(cost_req_item_name(COST_REQ_SECRETSMANAGER), "secretsmanager");
    cost_prices_free(p);
}

/* Every provisioned kind in one architecture, with quantities and amounts worked by hand. */
static void static_cost_lists_every_provisioned_kind(void **st)
{
    (void)st;
    cost_prices *p = load_shipped();
    int32_t two[2] = {0, 1}, peers0[1] = {1}, peers1[1] = {0};
    topo_nat nats[2] = {{.name = "nat-a", .ips = 2}, {.name = "nat-p", .ips = 1, .private_nat = 1}};
    topo_gateway_endpoint gw = {.name = "s3-gw", .service = SVC_S3};
    topo_interface_endpoint ie = {.name = "sqs-ep", .subnets = two, .nsubnets = 2};
    topo_tgw_attachment att[3] = {{.vpc = 0}, {.vpc = 1}, {.vpc = -1}};
    topo_tgw tgws[2] = {
        {.name = "tgw-east", .attachments = att, .nattachments = 3, .peers = peers0, .npeers = 1},
        {.name = "tgw-west", .peers = peers1, .npeers = 1}};
    topo_site sites[2] = {
        {.name = "dc1", .dx = {.present = 1, .port_bps = 10e9}, .vpn = {.present = 1}},
        {.name = "branch", .dx = {.present = 1, .port_bps = 500e6}},
    };
    topo_resolver_endpoint res = {.name = "inbound", .subnets = two, .nsubnets = 2};
    topology t = empty_arch("all");
    t.nats = nats, t.nnats = 2;
    t.gateway_endpoints = &gw, t.ngateway_endpoints = 1;
    t.interface_endpoints = &ie, t.ninterface_endpoints = 1;
    t.tgws = tgws, t.ntgws = 2;
    t.sites = sites, t.nsites = 2;
    t.resolver_endpoints = &res, t.nresolver_endpoints = 1;
    cost_lines l;
    run_static(&t, p, &l);
    const struct {
        const char *component, *kind;
        int64_t qty;
        double monthly;
        bool known;
    } want[] = {
        {"nat-a", "NAT gateway", 1, 32.85, 1},
        {"nat-a", "public IPv4 address", 2, 7.30, 1},
        {"nat-p", "NAT gateway", 1, 32.85, 1}, /* private NAT: no public address */
        {"s3-gw", "gateway endpoint", 1, 0, 1},
        {"sqs-ep", "interface endpoint", 2, 14.60, 1},
        {"tgw-east", "TGW attachment", 3, 109.50, 1},
        {"tgw-east", "TGW peering attachment", 1, 36.50, 1}, /* counted once per pair */
        {"dc1", "DX port 10Gbps", 1, 1642.50, 1},
        {"dc1", "Site-to-Site VPN", 1, 36.50, 1},
        {"branch", "DX port 500Mbps", 1, 0, 0},
        {"inbound", "Resolver inbound endpoint", 2, 182.50, 1},
    };
    assert_int_equal(l.n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < l.n; i++) {
        const cost_line *c = &l.lines[i];
        assert_string_equal(c->component, want[i].component);
        assert_string_equal(c->kind, want[i].kind);
        assert_int_equal(c->quantity, want[i].qty);
        assert_usd(c->monthly_usd, want[i].monthly);
        assert_int_equal(c->price_known, want[i].known);
    }
    assert_non_null(strstr(l.lines[9].basis, "unknown price"));
    assert_non_null(strstr(l.lines[9].basis, "1Gbps, 10Gbps, 100Gbps"));
    assert_non_null(strstr(l.lines[10].basis, "A: assumption"));
    assert_non_null(strstr(l.lines[10].basis, "assumption to verify"));
    assert_non_null(strstr(l.lines[0].basis, "S: third-party 2026 pricing page"));
    /* 32.85 + 7.30 + 32.85 + 0 + 14.60 + 109.50 + 36.50 + 1642.50 + 36.50 + 182.50 */
    assert_usd(l.total_usd, 2095.10);
    assert_int_equal(l.nunknown, 1);
    cost_lines_free(&l);
    cost_lines_free(&l); /* an empty one is a no-op */
    cost_prices_free(p);
}

static void empty_architecture_costs_nothing(void **st)
{
    (void)st;
    cost_prices *p = load_text(table);
    topology t = empty_arch("none");
    cost_lines l;
    run_static(&t, p, &l);
    assert_int_equal(l.n, 0);
    assert_true(l.total_usd == 0);
    cost_lines_free(&l);
    cost_prices_free(p);
    cost_prices_free(NULL);
}

static void names_and_formatting(void **st)
{
    (void)st;
    char b[64];
    const struct {
        double usd;
        const char *text;
    } money[] = {
        {0, "$0.00"},          {32.85, "$32.85"},           {0.045 * 730, "$32.85"},
        {1234.5, "$1,234.50"}, {999.999, "$1,000.00"},      {1000000, "$1,000,000.00"},
        {-12.5, "-$12.50"},    {123456.784, "$123,456.78"},
    };
    for (size_t i = 0; i < sizeof money / sizeof money[0]; i++)
        assert_string_equal(cost_format_usd(money[i].usd, b, sizeof b), money[i].text);
    assert_string_equal(cost_format_unit_price(0.045, b, sizeof b), "$0.045");
    assert_string_equal(cost_format_unit_price(22.5, b, sizeof b), "$22.50");
    assert_string_equal(cost_format_unit_price(0.01, b, sizeof b), "$0.01");
    assert_string_equal(cost_format_unit_price(0.125, b, sizeof b), "$0.125");
    assert_string_equal(cost_format_unit_price(0, b, sizeof b), "$0.00");
    assert_string_equal(cost_format_usd(1234.5, b, 6), "$1,23"); /* truncated, terminated */
    assert_string_equal(cost_hourly_item_name(COST_H_TGW_ATTACHMENT), "transit_gateway_attachment");
    assert_string_equal(cost_gb_item_name(COST_GB_CROSS_AZ), "cross_az_transfer");
    assert_int_equal(cost_gb_item_find("internet_transfer_out"), COST_GB_INTERNET_OUT);
    assert_string_equal(cost_prices_region_file("eu-west-1", b, sizeof b),
                        "prices/aws-eu-west-1.yaml");
    assert_null(cost_prices_region_file("../etc", b, sizeof b));
    assert_null(cost_prices_region_file("", b, sizeof b));
    assert_null(cost_prices_region_file("us-east-1", b, 10)); /* does not fit */
    assert_int_equal(cost_gb_item_find("internet"), -1);
}

/* ---- bad price files ------------------------------------------------------------------------- */

/* table with the first occurrence of from replaced by to. */
static char *mutate(const char *from, const char *to)
{
    const char *at = strstr(table, from);
    if (!at) fail_msg("test bug: '%s' not in the table", from);
    size_t n = strlen(table) + strlen(to) + 1;
    char *s = malloc(n);
    assert_non_null(s);
    snprintf(s, n, "%.*s%s%s", (int)(at - table), table, to, at + strlen(from));
    return s;
}

static void bad_price_files_report_positions(void **st)
{
    (void)st;
    const struct {
        const char *from, *to, *says;
    } cases[] = {
        {"nat_gateway: {", "nat_gatway: {",
         "p.yaml:8:3: unknown key 'nat_gatway' in hourly; did you mean 'nat_gateway'?"},
        {"$0.045, per", "0.045/h, per", "p.yaml:8:24: key 'price': expected an amount of money"},
        {"address, source: S", "address, source: X",
         "p.yaml:9:62: unknown source tag 'X' (defined in sources: S, A)"},
        {"[S, A]", "[S, Q]", "p.yaml:10:60: unknown source tag 'Q'"},
        {"[S, A]", "[]", "p.yaml:10:56: key 'source': expected at least one tag"},
        {"  vpn_connection: {price: $0.05, per: connection, source: S}\n", "",
         "p.yaml:8:3: missing required key 'vpn_connection' in hourly"},
        {"per: gateway, ", "", "p.yaml:8:16: missing required key 'per' in hourly.nat_gateway"},
        {"5120TiB", "512TiB", "p.yaml:24:17: up_to must be above the previous tier's bound"},
        {"{price: $0.004}", "{up_to: 9000TiB, price: $0.004}",
         "p.yaml:25:17: the last tier has no up_to"},
        {"{up_to: 5120TiB, price: $0.006}", "{price: $0.006}",
         "p.yaml:24:9: missing key 'up_to': only the last tier is unbounded"},
        {"1024TiB", "1024PB", "p.yaml:23:17: expected a size"},
        {"    source: S\n    tiers", "    source: S\n    price: $1\n    tiers",
         "p.yaml:21:5: give either 'price' (flat) or 'tiers', not both"},
        {"{price: $0.02, source: S}\n  cross", "{source: S}\n  cross",
         "p.yaml:26:31: give either 'price' (flat) or 'tiers', not neither"},
        {"730", "7300", "p.yaml:5:18: key 'hours_per_month': expected an integer"},
        {"version: 1", "version: 2", "p.yaml:1:10: key 'version': expected an integer"},
        {"currency: USD", "currency: EUR", "p.yaml:3:11: key 'currency'"},
        {"taken:", "takne:", "unknown key 'takne' at the top level; did you mean 'taken'?"},
        {"taken: \"2026\"\n", "", "p.yaml:1:1: missing required key 'taken'"},
        {"speed: 10Gbps", "speed: 1Gbps",
         "p.yaml:17:13: a price for this port speed is already given at line 16"},
        {"speed: 10Gbps", "speed: 0bps", "p.yaml:17:13: speed must be > 0"},
        {"speed: 10Gbps", "speed: fast", "p.yaml:17:13: key 'speed': expected a bit rate"},
        {"dx_ports:\n  - {speed: 1Gbps, price: $0.30, source: S}\n"
         "  - {speed: 10Gbps, price: $2.25, source: S}\n",
         "dx_ports: 3\n", "p.yaml:15:11: key 'dx_ports': expected a sequence"},
        {"  nat_gateway: {price: $0.045, per: gateway, source: S}", "  nat_gateway: 0.045",
         "p.yaml:8:16: expected a map, got a scalar"},
        {"sources: {S: pricing page, A: assumption}", "sources: {}",
         "p.yaml:6:10: sources: define at least one source tag"},
        {"per_gb:\n", "per_gb: [\n", "p.yaml:"},
        {"A: assumption}", "A B: assumption}",
         "p.yaml:6:28: source tag 'A B': use up to 8 letters and digits"},
        {"  inter_region_transfer: {price: $0.02, source: S}\n", "",
         "missing required key 'inter_region_transfer' in per_gb"},
        {"  inter_region_transfer: {price: $0.02, source: S}\n",
         "  inter_region_transfer: {price: $0.02, source: S}\n  intra_az: {price: $0, source: S}\n",
         "p.yaml:31:3: unknown key 'intra_az' in per_gb"},
        {"[interface-endpoint, nlb, transit-gateway]", "[interface-endpoint, nat, nlb]",
         "p.yaml:32:47: unknown hop kind 'nat' (one of: source, onprem-router,"},
        {"{price: $0.02, source: S}\n  internet",
         "{price: $0.02, source: S, through: [nlb]}\n  internet",
         "p.yaml:28:55: key 'through' belongs to cross_az_transfer_through only"},
        {"through: [interface-endpoint, nlb, transit-gateway], ", "",
         "p.yaml:32:5: missing key 'through': the hop kinds whose cross-AZ links"},
        {"transit-gateway], source: S}\n",
         "transit-gateway], source: S}\ninter_region_pairs:\n"
         "  - {to: us-east-1, price: $0.01, source: S}\n",
         "p.yaml:34:10: 'us-east-1' is this table's own Region"},
        {"transit-gateway], source: S}\n",
         "transit-gateway], source: S}\ninter_region_pairs:\n"
         "  - {to: us-east-2, price: $0.01, source: S}\n  - {to: us-east-2, price: $0.02, "
         "source: S}\n",
         "p.yaml:35:10: a price to us-east-2 is already given at line 34"},
        {"s3_put: {price: $0.005, per: 1000,", "s3_put: {price: $0.005, per: 0,", "p.yaml:35:"},
        {"  kms: {price: $0.03, per: 10000, source: A, note: verify}\n", "",
         "missing required key 'kms' in requests"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *text = mutate(cases[i].from, cases[i].to);
        vs_error err = {""};
        cost_prices *p = (cost_prices *)&err; /* must stay untouched on failure */
        int rc = cost_prices_load_buffer(text, strlen(text), "p.yaml", &p, &err);
        if (rc != -1 || !strstr(err.msg, cases[i].says))
            fail_msg("case %zu (%s -> %s): rc %d, message: %s", i, cases[i].from, cases[i].to, rc,
                     err.msg);
        assert_ptr_equal(p, (cost_prices *)&err);
        free(text);
    }
}

static void empty_or_missing_file_is_an_error(void **st)
{
    (void)st;
    vs_error err = {""};
    cost_prices *p = NULL;
    assert_int_equal(cost_prices_load_buffer("", 0, "e.yaml", &p, &err), -1);
    assert_non_null(strstr(err.msg, "e.yaml:1:1: a price table is a map with version"));
    assert_int_equal(cost_prices_load_buffer("- 1\n", 4, "e.yaml", &p, &err), -1);
    assert_non_null(strstr(err.msg, "e.yaml:1:1: a price table is a map"));
    assert_int_equal(cost_prices_load_file("/nonexistent/prices.yaml", &p, &err), -1);
    assert_non_null(strstr(err.msg, "/nonexistent/prices.yaml"));
    assert_null(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shipped_table_carries_prices_sources_and_date),
        cmocka_unit_test(worked_check_nat_gateway_1tb),
        cmocka_unit_test(worked_check_interface_endpoint_3_azs),
        cmocka_unit_test(worked_check_tgw_10_attachments_20tb),
        cmocka_unit_test(interface_endpoint_tiers_across_1pb_and_5pb),
        cmocka_unit_test(internet_egress_tiers_across_10_50_150_tb),
        cmocka_unit_test(each_region_prices_from_its_table),
        cmocka_unit_test(requests_priced_by_service_and_action),
        cmocka_unit_test(static_cost_lists_every_provisioned_kind),
        cmocka_unit_test(empty_architecture_costs_nothing),
        cmocka_unit_test(names_and_formatting),
        cmocka_unit_test(bad_price_files_report_positions),
        cmocka_unit_test(empty_or_missing_file_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
