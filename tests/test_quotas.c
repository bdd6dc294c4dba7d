/* AWS quotas (models/components/quotas.c) against AWS's quota pages: PrivateLink quotas
 * ("Interface and Gateway Load Balancer endpoints per VPC: 50, adjustable"; "Gateway VPC
 * endpoints per Region: 20, adjustable; you can create up to 255 gateway endpoints per VPC"),
 * Amazon VPC quotas ("VPCs per Region: 5, adjustable"; "Elastic IP addresses per public NAT
 * gateway: 2, adjustable, up to 8"), Transit Gateway quotas ("Attachments per transit gateway:
 * 5,000, not adjustable"). The table's figures are checked against those pages here, the
 * counting against scenarios built to cross them by one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli_run.h"
#include "vpcsim/aws/quotas.h"
#include "vpcsim/aws/scenario.h"

/* The figures as the pages state them (read 2026-12-05). */
static void test_table_matches_aws(void **state)
{
    (void)state;
    static const struct {
        quota_id q;
        int64_t dflt;
        bool adjustable;
        int64_t max;
    } pages[] = {
        {QUOTA_IFE_PER_VPC, 50, true, 0},
        {QUOTA_GWE_PER_REGION, 20, true, 0},
        {QUOTA_GWE_PER_VPC, 255, false, 0},
        {QUOTA_VPCS_PER_REGION, 5, true, 0},
        {QUOTA_NAT_IPS, 2, true, 8},
        {QUOTA_TGW_ATTACHMENTS, 5000, false, 0},
        {QUOTA_TGWS_PER_REGION, 5, true, 0},
        {QUOTA_SUBNETS_PER_VPC, 200, true, 0},
        {QUOTA_PEERINGS_PER_VPC, 50, true, 125},
        {QUOTA_NAT_PER_AZ, 5, true, 0},
    };
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        const quota_info *in = quota_info_of(pages[i].q);
        assert_int_equal(in->dflt, pages[i].dflt);
        assert_int_equal(in->adjustable, pages[i].adjustable);
        assert_int_equal(in->max, pages[i].max);
        assert_non_null(strstr(in->basis, "2026-12-05"));
        assert_int_equal(quota_find(in->key), (int)pages[i].q);
    }
    assert_int_equal(quota_find("nope"), -1);
}

/* A VPC with n interface endpoints, and quotas_text under `quotas:` (or ""). */
static char *endpoints_yaml(int n, const char *quotas)
{
    size_t cap = 4096 + (size_t)n * 120;
    char *y = malloc(cap);
    size_t len =
        (size_t)snprintf(y, cap,
                         "version: 1\nname: q\nregions: [{name: us-east-1, azs: [use1-az1]}]\n%s"
                         "architectures:\n  - name: a\n"
                         "    vpcs: [{name: hub, region: us-east-1, cidr: 10.0.0.0/16}]\n"
                         "    subnets: [{name: s, vpc: hub, az: use1-az1, cidr: 10.0.1.0/24}]\n"
                         "    endpoint_services: [{name: svc, vpc: hub, subnets: [s]}]\n"
                         "    interface_endpoints:\n",
                         quotas);
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(y + len, cap - len,
                                "      - {name: e%d, vpc: hub, endpoint_service: svc, subnets: "
                                "[s], private_dns: false}\n",
                                i);
    return y;
}

/* The findings of yaml's first architecture; the first one's scope is copied into scope (the
 * scenario, which owns the names, is freed before returning). */
static size_t findings(const char *yaml, quota_finding *out, size_t max, char *scope, size_t n)
{
    scenario *sc = NULL;
    vs_error err = {""};
    if (scenario_load_buffer(yaml, strlen(yaml), "q.yaml", &sc, &err)) fail_msg("%s", err.msg);
    size_t found = quotas_check(&sc->archs[0], sc->quotas, out, max);
    snprintf(scope, n, "%s", found ? out[0].scope : "");
    for (size_t i = 0; i < found && i < max; i++) out[i].scope = out[i].account = NULL;
    scenario_free(sc);
    return found;
}

static void test_interface_endpoints_per_vpc(void **state)
{
    (void)state;
    quota_finding f[4];
    char scope[64];
    char *y = endpoints_yaml(50, "");
    assert_int_equal(findings(y, f, 4, scope, sizeof scope), 0); /* 50 is the quota itself */
    free(y);
    y = endpoints_yaml(51, "");
    assert_int_equal(findings(y, f, 4, scope, sizeof scope),
                     1); /* the 51st warns: adjustable, so not an error */
    assert_int_equal(f[0].quota, QUOTA_IFE_PER_VPC);
    assert_int_equal(f[0].count, 51);
    assert_int_equal(f[0].limit, 50);
    assert_false(f[0].error);
    assert_string_equal(scope, "hub");
    free(y);
    y = endpoints_yaml(51, "quotas: {interface_endpoints_per_vpc: 60}\n");
    assert_int_equal(findings(y, f, 4, scope, sizeof scope), 0); /* a declared raise */
    free(y);
}

/* A hard quota cannot be raised, and a topology over it does not load. */
static void test_hard_quotas(void **state)
{
    (void)state;
    scenario *sc = NULL;
    vs_error err = {""};
    char *y = endpoints_yaml(1, "quotas: {attachments_per_transit_gateway: 6000}\n");
    assert_int_equal(scenario_load_buffer(y, strlen(y), "q.yaml", &sc, &err), -1);
    assert_non_null(strstr(err.msg, "attachments_per_transit_gateway (attachments per transit "
                                    "gateway, 5000) cannot be raised"));
    free(y);
    y = endpoints_yaml(1, "quotas: {nat_gateway_ips: 9}\n"); /* AWS raises it to 8 at most */
    assert_int_equal(scenario_load_buffer(y, strlen(y), "q.yaml", &sc, &err), -1);
    free(y);
    y = endpoints_yaml(1, "quotas: {interface_endpoint_per_vpc: 9}\n");
    assert_int_equal(scenario_load_buffer(y, strlen(y), "q.yaml", &sc, &err), -1);
    assert_non_null(strstr(err.msg, "did you mean 'interface_endpoints_per_vpc'"));
    free(y);

    /* 256 gateway endpoints in one VPC: over the 255 AWS allows, an error at the 256th */
    topo_region region = {.name = "us-east-1", .first_az = 0, .naz = 0};
    topo_vpc vpc = {.name = "hub", .region = 0};
    enum { N = 256 };
    topo_gateway_endpoint *g = calloc(N, sizeof *g);
    for (int i = 0; i < N; i++) g[i] = (topo_gateway_endpoint){.name = "g", .vpc = 0};
    g[N - 1].pos = (topo_pos){.file = "x.yaml", .line = 256, .col = 9};
    topology t = {.name = "a",
                  .regions = &region,
                  .nregions = 1,
                  .vpcs = &vpc,
                  .nvpcs = 1,
                  .gateway_endpoints = g,
                  .ngateway_endpoints = N};
    quota_finding f[4];
    int64_t raised[QUOTA_COUNT] = {[QUOTA_GWE_PER_REGION] = 1000};
    assert_int_equal(quotas_check(&t, raised, f, 4), 1);
    assert_int_equal(f[0].quota, QUOTA_GWE_PER_VPC);
    assert_true(f[0].error);
    assert_int_equal(f[0].pos.line, 256);
    /* with the default per-Region quota of 20, that warns too (adjustable), first in the table */
    assert_int_equal(quotas_check(&t, NULL, f, 4), 2);
    assert_int_equal(f[0].quota, QUOTA_GWE_PER_REGION);
    assert_false(f[0].error);
    free(g);
}

/* Elastic IPs of a public NAT gateway: 3 warns under the default of 2; a private NAT has none. */
static void test_nat_ips(void **state)
{
    (void)state;
    topo_nat nats[2] = {{.name = "pub", .ips = 3}, {.name = "priv", .ips = 5, .private_nat = true}};
    topology t = {.name = "a", .nats = nats, .nnats = 2};
    quota_finding f[4];
    /* both NATs are in subnet s (AZ use1-az1): 2 of the 5 NAT gateways per AZ */
    topo_subnet sub = {.name = "s", .vpc = 0, .az = 0};
    topo_vpc vpc = {.name = "v"};
    topo_az az = {.name = "use1-az1"};
    topo_region region = {.name = "us-east-1", .naz = 1};
    t.subnets = &sub, t.nsubnets = 1, t.vpcs = &vpc, t.nvpcs = 1, t.azs = &az, t.nazs = 1;
    t.regions = &region, t.nregions = 1;
    assert_int_equal(quotas_check(&t, NULL, f, 4), 1);
    assert_int_equal(f[0].quota, QUOTA_NAT_IPS);
    assert_string_equal(f[0].scope, "pub");
    assert_false(f[0].error);
    int64_t raised[QUOTA_COUNT] = {[QUOTA_NAT_IPS] = 4};
    assert_int_equal(quotas_check(&t, raised, f, 4), 0);
}

/* `check` prints the warnings: experiment centralised-endpoints puts 9 VPCs of one account in
 * us-east-1 (a hub and 8 spokes), over the default of 5; declaring a raise silences it. */
static void test_check_warns(void **state)
{
    (void)state;
    char path[1024], err[4096] = "", *out = NULL;
    cli_source_path("experiments/centralised-endpoints.yaml", path, sizeof path);
    assert_int_equal(
        cli_run_report((char *const[]){"vpcsim", "check", path, NULL}, &out, err, sizeof err), 0);
    assert_text_has(out, "warning: ");
    assert_text_has(out, "VPCs per Region: 9 in 'us-east-1', over the quota of 5 (adjustable");
    free(out);
    assert_int_equal(cli_run_report((char *const[]){"vpcsim", "check", path, "--json", NULL}, &out,
                                    err, sizeof err),
                     0);
    assert_text_has(out, "\"quota_warnings\": [");
    assert_text_has(out, "\"quota\": \"vpcs_per_region\"");
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_matches_aws),
        cmocka_unit_test(test_interface_endpoints_per_vpc),
        cmocka_unit_test(test_hard_quotas),
        cmocka_unit_test(test_nat_ips),
        cmocka_unit_test(test_check_warns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
