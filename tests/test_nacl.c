/* Network ACLs on paths (models/paths/paths_nacl.c) against AWS's documented semantics (Amazon
 * VPC User Guide, "Control subnet traffic with network ACLs"): rules are evaluated "starting with
 * the lowest numbered rule" and "as soon as a rule matches traffic, it's applied regardless of
 * any higher-numbered rule that might contradict it"; "each network ACL includes a rule whose
 * rule number is an asterisk (*)... if a packet doesn't match any of the other numbered rules,
 * it's denied"; ACLs are stateless, so responses need rules of their own for the client's
 * ephemeral ports ("Ephemeral ports": a NAT gateway uses 1024-65535); a subnet without an
 * association uses the VPC's default ACL, which allows all inbound and outbound traffic ("Default
 * network ACL"). Each case states which of these decides. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <json-c/json.h>

#include "cli_run.h"
#include "vpcsim/aws/paths.h"
#include "vpcsim/aws/scenario.h"

static const char acl_yaml[] =
    "version: 1\n"
    "name: acl\n"
    "regions: [{name: us-east-1, azs: [use1-az1, use1-az2]}]\n"
    "architectures:\n"
    "  - name: base\n"
    "    vpcs: [{name: app, region: us-east-1, cidr: 10.0.0.0/16, internet_gateway: igw}]\n"
    "    subnets:\n"
    "      - {name: plain, vpc: app, az: use1-az1, cidr: 10.0.1.0/24, route_table: priv}\n"
    "      - {name: banned, vpc: app, az: use1-az2, cidr: 10.0.2.0/24, route_table: priv}\n"
    "      - {name: late-deny, vpc: app, az: use1-az2, cidr: 10.0.3.0/24, route_table: priv}\n"
    "      - {name: mirrored, vpc: app, az: use1-az1, cidr: 10.0.4.0/24, route_table: priv}\n"
    "      - {name: web-only, vpc: app, az: use1-az1, cidr: 10.0.5.0/24, route_table: priv}\n"
    "      - {name: high-eph, vpc: app, az: use1-az1, cidr: 10.0.6.0/24, route_table: priv}\n"
    "      - {name: ep-a, vpc: app, az: use1-az1, cidr: 10.0.10.0/24, route_table: priv}\n"
    "      - {name: pub-a, vpc: app, az: use1-az1, cidr: 10.0.0.0/24, public: true,\n"
    "         route_table: pub}\n"
    "    route_tables:\n"
    "      - {name: priv, vpc: app, routes: [{destination: 0.0.0.0/0, target: nat/nat-a}]}\n"
    "      - {name: pub, vpc: app, routes: [{destination: 0.0.0.0/0, target: igw/igw}]}\n"
    "    nat_gateways: [{name: nat-a, subnet: pub-a}]\n"
    "    gateway_endpoints: [{name: s3-gw, vpc: app, service: s3, route_tables: [priv]}]\n"
    "    interface_endpoints:\n"
    "      - {name: sqs, vpc: app, service: sqs, subnets: [ep-a], security_groups: [ep-sg]}\n"
    "    security_groups:\n"
    "      - {name: ep-sg, vpc: app, ingress: [{ports: 443, cidr: 10.0.0.0/16}]}\n"
    "    network_acls:\n"
    "      - name: ep-acl\n"
    "        vpc: app\n"
    "        subnets: [ep-a]\n"
    "        ingress:\n"
    "          - {rule: 100, action: allow, protocol: tcp, ports: 443, cidr: 10.0.0.0/16}\n"
    "          - {rule: 90, action: deny, protocol: tcp, ports: 443, cidr: 10.0.2.0/24}\n"
    "          - {rule: 110, action: deny, protocol: tcp, ports: 443, cidr: 10.0.3.0/24}\n"
    "        egress:\n"
    "          - {rule: 100, action: allow, protocol: tcp, ports: 1024-65535, cidr: 10.0.0.0/16}\n"
    "      - name: mirrored-acl\n"
    "        vpc: app\n"
    "        subnets: [mirrored]\n"
    "        ingress: [{rule: 100, action: allow, protocol: tcp, ports: 443, cidr: 0.0.0.0/0}]\n"
    "        egress: [{rule: 100, action: allow, protocol: tcp, ports: 443, cidr: 0.0.0.0/0}]\n"
    "      - name: web-acl\n"
    "        vpc: app\n"
    "        subnets: [web-only]\n"
    "        ingress: [{rule: 100, action: allow, cidr: 0.0.0.0/0}]\n"
    "        egress: [{rule: 100, action: allow, protocol: tcp, ports: 80, cidr: 0.0.0.0/0}]\n"
    "      - name: high-acl\n"
    "        vpc: app\n"
    "        subnets: [high-eph]\n"
    "        ingress:\n"
    "          - {rule: 100, action: allow, protocol: tcp, ports: 32768-65535, cidr: 0.0.0.0/0}\n"
    "        egress: [{rule: 100, action: allow, cidr: 0.0.0.0/0}]\n"
    "      - name: nat-acl\n"
    "        vpc: app\n"
    "        subnets: [pub-a]\n"
    "        ingress:\n"
    "          - {rule: 100, action: allow, protocol: tcp, ports: 443, cidr: 10.0.0.0/16}\n"
    "          - {rule: 200, action: allow, protocol: tcp, ports: 32768-65535, cidr: "
    "0.0.0.0/0}\n"
    "        egress: [{rule: 100, action: allow, cidr: 0.0.0.0/0}]\n"
    "  - name: nat-fixed\n"
    "    extends: base\n"
    "    replace:\n"
    "      network_acls:\n"
    "        - name: nat-acl\n"
    "          vpc: app\n"
    "          subnets: [pub-a]\n"
    "          ingress:\n"
    "            - {rule: 100, action: allow, protocol: tcp, ports: 443, cidr: 10.0.0.0/16}\n"
    "            - {rule: 200, action: allow, protocol: tcp, ports: 1024-65535, cidr: "
    "0.0.0.0/0}\n"
    "          egress: [{rule: 100, action: allow, cidr: 0.0.0.0/0}]\n"
    "workloads:\n"
    "  - {name: default-acl, source: {subnet: plain}, target: {service: sqs}}\n"
    "  - {name: lower-deny, source: {subnet: banned}, target: {service: sqs}}\n"
    "  - {name: higher-deny, source: {subnet: late-deny}, target: {service: sqs}}\n"
    "  - {name: no-return-rule, source: {subnet: mirrored}, target: {service: sqs}}\n"
    "  - {name: implicit-deny, source: {subnet: web-only}, target: {service: sqs}}\n"
    "  - {name: eph-too-wide, source: {subnet: high-eph}, target: {service: sqs}}\n"
    "  - {name: eph-linux, source: {subnet: high-eph}, target: {service: sqs},\n"
    "     ephemeral_ports: 32768-60999}\n"
    "  - {name: via-nat, source: {subnet: plain}, target: {internet: 203.0.113.10}}\n"
    "  - {name: gw-endpoint, source: {subnet: web-only}, target: {service: s3}}\n"
    "  - {name: gw-endpoint-ok, source: {subnet: high-eph}, target: {service: s3},\n"
    "     ephemeral_ports: 49152-65535}\n";

typedef struct acl_case {
    const char *arch, *workload;
    verdict want;
    const char *says; /* in the reason, or NULL */
} acl_case;

static const acl_case cases[] = {
    /* client on the default ACL (allows all), ENI subnet allows the VPC in and its ephemeral
     * ports out: reachable */
    {"base", "default-acl", VERDICT_REACHABLE, NULL},
    /* deny 90 comes before allow 100: the lowest number decides */
    {"base", "lower-deny", VERDICT_DENIED, "by rule 90 ("},
    /* allow 100 matches before deny 110, which is never reached */
    {"base", "higher-deny", VERDICT_REACHABLE, NULL},
    /* the client's subnet lets 443 out and 443 in, but not the responses to its ephemeral
     * ports: stateless, so the `*` rule drops them */
    {"base", "no-return-rule", VERDICT_DENIED,
     "network ACL 'mirrored-acl' (acl.yaml:36) of subnet 'mirrored' denies the responses "
     "entering the subnet (inbound TCP ports 1024-65535 from 10.0.10.4/32) by its final rule *"},
    /* only port 80 may leave: the request to 443 matches no numbered rule */
    {"base", "implicit-deny", VERDICT_DENIED,
     "outbound TCP port 443 to 10.0.10.4/32) by its final "
     "rule * (no numbered rule matches)"},
    /* 32768-65535 open for responses, the client may use 1024-65535 (AWS's range): part of it
     * is dropped */
    {"base", "eph-too-wide", VERDICT_DENIED, "ports 1024-32767 of ports 1024-65535"},
    /* a Linux client (32768-60999) fits inside the rule */
    {"base", "eph-linux", VERDICT_REACHABLE, NULL},
    /* a NAT gateway uses source ports 1024-65535: its subnet's ACL must admit responses there */
    {"base", "via-nat", VERDICT_DENIED,
     "subnet 'pub-a' denies the responses to its NAT gateway entering the subnet (inbound TCP "
     "ports 1024-32767 of ports 1024-65535 from 203.0.113.10/32)"},
    {"nat-fixed", "via-nat", VERDICT_REACHABLE, NULL},
    /* a gateway endpoint is a route, not a hop in a subnet, but the request still leaves the
     * client's subnet (to S3's public addresses) */
    {"base", "gw-endpoint", VERDICT_DENIED, "outbound TCP port 443 to public addresses"},
    {"base", "gw-endpoint-ok", VERDICT_REACHABLE, NULL},
};

static void test_acl_paths(void **state)
{
    (void)state;
    scenario *sc = NULL;
    vs_error err = {""};
    if (scenario_load_buffer(acl_yaml, sizeof acl_yaml - 1, "acl.yaml", &sc, &err))
        fail_msg("%s", err.msg);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const acl_case *c = &cases[i];
        int a = scenario_find_arch(sc, c->arch);
        assert_true(a >= 0);
        const topology *t = &sc->archs[a];
        size_t w = 0;
        while (w < t->nworkloads && strcmp(t->workloads[w].name, c->workload)) w++;
        path_result r;
        if (w == t->nworkloads || paths_resolve(t, w, NULL, &r, &err))
            fail_msg("%s/%s: %s", c->arch, c->workload, err.msg);
        if (r.verdict != c->want)
            fail_msg("%s/%s: verdict %d, want %d: %s", c->arch, c->workload, r.verdict, c->want,
                     r.reason);
        if (c->says && !strstr(r.reason, c->says))
            fail_msg("%s/%s: reason lacks \"%s\": %s", c->arch, c->workload, c->says, r.reason);
    }
    scenario_free(sc);
}

/* The loader refuses what AWS refuses: a rule number twice in one direction, ports on a rule
 * for all protocols, a subnet in two ACLs or in another VPC's ACL. */
static void test_acl_errors(void **state)
{
    (void)state;
    static const struct {
        const char *acls, *says;
    } bad[] = {
        {"[{name: x, vpc: v, ingress: [{rule: 5, action: allow, cidr: 0.0.0.0/0}, {rule: 5, "
         "action: deny, cidr: 0.0.0.0/0}]}]",
         "ingress rule number 5 is used twice"},
        {"[{name: x, vpc: v, egress: [{rule: 5, action: allow, ports: 443, cidr: 0.0.0.0/0}]}]",
         "ports apply only to tcp and udp rules"},
        {"[{name: x, vpc: v, subnets: [s]}, {name: y, vpc: v, subnets: [s]}]",
         "already associated with network ACL 'x'"},
        {"[{name: x, vpc: v, ingress: [{rule: 40000, action: allow, cidr: 0.0.0.0/0}]}]", "rule"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char yaml[1024];
        snprintf(yaml, sizeof yaml,
                 "version: 1\nname: e\nregions: [{name: us-east-1, azs: [use1-az1]}]\n"
                 "architectures:\n  - name: a\n"
                 "    vpcs: [{name: v, region: us-east-1, cidr: 10.0.0.0/16}]\n"
                 "    subnets: [{name: s, vpc: v, az: use1-az1, cidr: 10.0.1.0/24}]\n"
                 "    network_acls: %s\n",
                 bad[i].acls);
        scenario *sc = NULL;
        vs_error err = {""};
        if (scenario_load_buffer(yaml, strlen(yaml), "e.yaml", &sc, &err) == 0)
            fail_msg("case %zu loaded", i);
        if (!strstr(err.msg, bad[i].says)) fail_msg("case %zu: %s", i, err.msg);
    }
}

/* End to end: `check` names the ACL and its rule in text and JSON, and a run fails the calls with
 * cause `denied` (experiment shared-services-accounts: the hub's return rule misses the Linux
 * clients' ports 32768-49151). */
static double failed_denied(json_object *doc, const char *arch, const char *workload)
{
    json_object *rows = json_object_object_get(doc, "summary");
    for (size_t i = 0; rows && i < json_object_array_length(rows); i++) {
        json_object *r = json_object_array_get_idx(rows, i);
        if (!strcmp(json_object_get_string(json_object_object_get(r, "architecture")), arch) &&
            !strcmp(json_object_get_string(json_object_object_get(r, "subject")), workload) &&
            !strcmp(json_object_get_string(json_object_object_get(r, "metric")), "failed_denied"))
            return json_object_get_double(json_object_object_get(r, "mean"));
    }
    fail_msg("no failed_denied of %s/%s", arch, workload);
    return -1;
}

static void test_acl_cli(void **state)
{
    (void)state;
    char path[1024], err[4096] = "", *out = NULL;
    const char *rule = "of subnet 'hub-a' denies the responses leaving the subnet (outbound TCP "
                       "ports 32768-49151 of ports 32768-60999 to 10.3.0.0/24) by its final rule *";
    cli_source_path("experiments/shared-services-accounts.yaml", path, sizeof path);
    assert_int_equal(
        cli_run_report((char *const[]){"vpcsim", "check", path, NULL}, &out, err, sizeof err), 0);
    assert_text_has(out, "verdict  denied: network ACL 'hub-ep-acl' (");
    assert_text_has(out, rule);
    free(out);
    assert_int_equal(cli_run_report((char *const[]){"vpcsim", "check", path, "--json", NULL}, &out,
                                    err, sizeof err),
                     0);
    assert_text_has(out, "\"reason\": \"network ACL 'hub-ep-acl' (");
    assert_text_has(out, rule);
    free(out);
    assert_int_equal(
        cli_run_report((char *const[]){"vpcsim", "run", path, "--duration", "2s", "--warmup", "0s",
                                       "--replications", "1", "--json", "-", "--quiet", NULL},
                       &out, err, sizeof err),
        0);
    json_object *doc = json_tokener_parse(out);
    assert_non_null(doc);
    assert_true(failed_denied(doc, "acl-mistake", "orders-sqs") > 50); /* ~100/s offered */
    assert_true(failed_denied(doc, "acl-fixed", "orders-sqs") == 0);
    assert_true(failed_denied(doc, "acl-mistake", "analytics-kms") == 0);
    json_object_put(doc);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_acl_paths),
        cmocka_unit_test(test_acl_errors),
        cmocka_unit_test(test_acl_cli),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
