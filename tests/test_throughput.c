/* Throughput limits of a workload's target and its way there, through netmodel_run on the
 * scenarios of tests/scenarios/throughput/, checked against AWS's published arithmetic:
 * DynamoDB's 3,000 read and 1,000 write units per partition (a strongly consistent read of up to
 * 4 KB takes one read unit, an eventually consistent one half; a write one unit per KB), Kinesis's
 * 1,000 records and 1 MiB per second per shard in, and a Site-to-Site VPN's 1.25 Gbps per tunnel,
 * two of them with ECMP on a Transit Gateway, 5 Gbps per Large tunnel, packets of its 1,446 B MTU;
 * and where an NLB behind an
 * endpoint service sends, with and without cross-zone load balancing, and what that is billed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vpcsim/aws/netmodel.h"
#include "vpcsim/aws/paths.h"
#include "vpcsim/aws/scenario.h"
#include "vpcsim/hist.h"
#include "scenario_fixture.h"

/* A scenario of tests/scenarios/throughput/ (tests/scenario_fixture.h). */
static fixture load(const char *name)
{
    char rel[256];
    snprintf(rel, sizeof rel, "throughput/%s", name);
    return fixture_load(rel);
}

/* Runs architecture arch for warmup + duration (seconds) with seed 1. */
static void run(const fixture *f, size_t arch, double warmup_s, double duration_s,
                netmodel_result *out)
{
    netmodel_config cfg = {.seed = 1,
                           .warmup_ns = (vs_time)(warmup_s * 1e9),
                           .duration_ns = (vs_time)(duration_s * 1e9),
                           .threads = 1};
    vs_error err = {0};
    if (netmodel_run(&f->s->archs[arch], f->params, &cfg, out, &err)) fail_msg("%s", err.msg);
}

static const netmodel_component *component(const netmodel_result *r, const char *prefix)
{
    for (size_t i = 0; i < r->ncomponents; i++)
        if (strncmp(r->components[i].name, prefix, strlen(prefix)) == 0) return &r->components[i];
    fail_msg("no component %s", prefix);
    return NULL;
}

/* Requests the service completed per second of the window, within rel of want. */
static void served_near(const netmodel_result *r, const char *station, double want, double rel)
{
    double got = (double)component(r, station)->st.completions / r->window_s;
    if (fabs(got - want) > rel * want)
        fail_msg("%s served %g/s, expected %g/s (within %g%%)", station, got, want, rel * 100);
}

/* No request throttled and every call served. */
static void none_throttled(const netmodel_result *r, const char *station)
{
    const client_stats *c = &r->workloads[0].st;
    assert_int_equal(component(r, station)->st.throttles, 0);
    assert_int_equal(c->failed[CLIENT_FAIL_THROTTLED], 0);
    assert_int_equal(c->succeeded, c->offered);
}

/* ---- DynamoDB -------------------------------------------------------------------------------- */

#define DDB "aws-service/dynamodb/"

/* 20,000 strongly consistent GetItem/s of 1 KiB items on one key range: one partition, 3,000 RCU,
 * one unit per read (<= 4 KB), so 3,000/s are served and the rest throttled
 * (ProvisionedThroughputExceeded), with the SDK's retries; the same load spread over 10
 * partitions has 30,000 RCU: nothing throttled. */
static void dynamodb_hot_partition_throttles(void **state)
{
    (void)state;
    fixture f = load("dynamodb.yaml");
    netmodel_result r;
    run(&f, 0, 3, 3, &r);
    served_near(&r, DDB, 3000, 0.03);
    const client_stats *c = &r.workloads[0].st;
    assert_true(c->failed[CLIENT_FAIL_THROTTLED] > 0);
    assert_true(component(&r, DDB)->st.throttles > 0);
    assert_true(c->retries > 0); /* standard mode retries throttled attempts */
    netmodel_result_free(&r);

    f.s->archs[0].workloads[0].hot_key = false;
    run(&f, 0, 3, 3, &r);
    none_throttled(&r, DDB);
    netmodel_result_free(&r);
    fixture_unload(&f);
}

/* The units a request takes: an eventually consistent read of 1 KiB half a unit (6,000/s from
 * one partition), a strongly consistent read of 10 KiB ceil(10 / 4) = 3 units (1,000/s), a
 * PutItem of 2 KiB 2 write units of the partition's 1,000 (500/s). */
static void dynamodb_units_per_request(void **state)
{
    (void)state;
    fixture f = load("dynamodb.yaml");
    topo_workload *w = &f.s->archs[0].workloads[0];
    netmodel_result r;
    w->strong_reads = false;
    run(&f, 0, 3, 3, &r);
    served_near(&r, DDB, 6000, 0.03);
    netmodel_result_free(&r);

    w->strong_reads = true;
    w->item_bytes = 10 * 1024;
    run(&f, 0, 3, 3, &r);
    served_near(&r, DDB, 1000, 0.03);
    netmodel_result_free(&r);

    w->action = "dynamodb:PutItem";
    w->item_bytes = 2048;
    w->rate_per_s = 2000;
    run(&f, 0, 3, 3, &r);
    served_near(&r, DDB, 500, 0.05);
    assert_true(r.workloads[0].st.failed[CLIENT_FAIL_THROTTLED] > 0);
    netmodel_result_free(&r);
    fixture_unload(&f);
}

/* A provisioned table of 5,000 RCU over 10 partitions: uniform keys get the table's 5,000 (not
 * the partitions' 30,000); a hot key range gets, by adaptive capacity, the table's capacity up to
 * the partition maximum, 3,000, not 5,000 / 10 = 500. */
static void dynamodb_provisioned_and_adaptive_capacity(void **state)
{
    (void)state;
    fixture f = load("dynamodb.yaml");
    topo_workload *w = &f.s->archs[0].workloads[0];
    netmodel_result r;
    w->table_capacity = 5000;
    w->hot_key = false;
    run(&f, 0, 3, 3, &r);
    served_near(&r, DDB, 5000, 0.03);
    netmodel_result_free(&r);

    w->hot_key = true;
    run(&f, 0, 3, 3, &r);
    served_near(&r, DDB, 3000, 0.03);
    netmodel_result_free(&r);
    fixture_unload(&f);
}

/* ---- Kinesis --------------------------------------------------------------------------------- */

#define KINESIS "aws-service/kinesis-streams/"

/* 5,000 PutRecord/s of 512 B into 2 shards: 1,000 records/s each, 2,000/s served; 6 shards take
 * all; records of 4 KiB at 1,000/s into 2 shards meet the 1 MiB/s per shard first: 256 a shard,
 * 512/s. */
static void kinesis_shards_limit_puts(void **state)
{
    (void)state;
    fixture f = load("kinesis.yaml");
    topo_workload *w = &f.s->archs[0].workloads[0];
    netmodel_result r;
    run(&f, 0, 3, 3, &r);
    served_near(&r, KINESIS, 2000, 0.03);
    assert_true(r.workloads[0].st.failed[CLIENT_FAIL_THROTTLED] > 0);
    netmodel_result_free(&r);

    w->shards = 6;
    run(&f, 0, 3, 3, &r);
    none_throttled(&r, KINESIS);
    netmodel_result_free(&r);

    w->shards = 2;
    w->bytes_up = 4096;
    w->rate_per_s = 1000;
    run(&f, 0, 3, 3, &r);
    served_near(&r, KINESIS, 512, 0.05);
    netmodel_result_free(&r);
    fixture_unload(&f);
}

/* ---- VPN tunnels and ECMP -------------------------------------------------------------------- */

static double vpn_bps(const netmodel_result *r)
{
    return (double)component(r, "vpn/dc1")->st.bytes * 8 / r->window_s;
}

/* 3.36 Gbps of downloads offered: one tunnel carries 1.25 Gbps (the other stands by), ECMP over
 * the two tunnels on the TGW 2.5 Gbps, twice as much; two Large tunnels (5 Gbps each) carry all of
 * it, nothing dropped. */
static void vpn_ecmp_doubles_the_ceiling(void **state)
{
    (void)state;
    fixture f = load("vpn-ecmp.yaml");
    netmodel_result r;
    double want[2] = {1.25e9, 2.5e9};
    for (size_t a = 0; a < 2; a++) {
        run(&f, a, 2, 10, &r);
        double bps = vpn_bps(&r);
        if (fabs(bps - want[a]) > 0.02 * want[a])
            fail_msg("%s delivered %g bps, expected %g", f.s->archs[a].name, bps, want[a]);
        assert_true(r.workloads[0].st.failed[CLIENT_FAIL_DROPPED] > 0);
        netmodel_result_free(&r);
    }
    run(&f, 2, 2, 10, &r);
    assert_int_equal(r.workloads[0].st.failed[CLIENT_FAIL_DROPPED], 0);
    assert_int_equal(r.workloads[0].st.succeeded, r.workloads[0].st.offered);
    netmodel_result_free(&r);
    fixture_unload(&f);
}

/* Mean latency (ms) of a lone download a second over architecture arch. */
static double lone_download_ms(fixture *f, size_t arch)
{
    netmodel_result r;
    f->s->archs[arch].workloads[0].rate_per_s = 1;
    run(f, arch, 1, 30, &r);
    assert_true(r.workloads[0].st.succeeded > 20);
    double ms = hist_mean(&r.workloads[0].st.latency) / 1e6;
    netmodel_result_free(&r);
    return ms;
}

/* One flow is hashed onto one tunnel: with ECMP a lone 1 MiB download still crosses at 1.25 Gbps
 * (6.7 ms), as over one tunnel (at 2.5 Gbps it would take 3.4 ms less); over a Large tunnel at
 * 5 Gbps (1.7 ms) it takes 5 ms less. Same seed, so the other hops' samples are the same. */
static void vpn_ecmp_one_flow_one_tunnel(void **state)
{
    (void)state;
    fixture f = load("vpn-ecmp.yaml");
    double one = lone_download_ms(&f, 0), ecmp = lone_download_ms(&f, 1),
           large = lone_download_ms(&f, 2);
    double at_1g25 = 1048576.0 * 8 / 1.25e9 * 1e3, at_5g = 1048576.0 * 8 / 5e9 * 1e3;
    if (fabs(ecmp - one) > 0.5) fail_msg("one tunnel %g ms, ECMP %g ms: expected equal", one, ecmp);
    if (fabs(one - large - (at_1g25 - at_5g)) > 0.5)
        fail_msg("one tunnel %g ms, Large %g ms: expected %g ms less", one, large, at_1g25 - at_5g);
    fixture_unload(&f);
}

/* ---- MTU ------------------------------------------------------------------------------------- */

/* Messages of 1,420 B through one VPN tunnel: its 1,446 B MTU leaves 1,406 B of TCP payload a
 * packet (Site-to-Site VPN quotas: MSS 1406), so each is 2 packets, and 120,000 messages a second
 * are 240,000 packets, over the tunnel's 140,000: it passes 70,000 messages a second (2 packets
 * take 14.3 us, more than the 9.1 us of 1,420 B at 1.25 Gbps). With a 1,500 B MTU (1,460 B of
 * payload) each is one packet (7.1 us) and the bandwidth binds at 137,500 a second: 80,000 a
 * second pass, less the few that find the waiting room full (processor sharing at utilisation 0.73
 * with room for 17: about 0.73^17 = 0.5% of them). */
static void vpn_mtu_sets_packets_per_message(void **state)
{
    (void)state;
    fixture f = load("vpn-ecmp.yaml");
    topo_workload *w = &f.s->archs[0].workloads[0];
    netmodel_result r;
    w->bytes_up = w->bytes_down = 1420;
    w->rate_per_s = 60000;
    run(&f, 0, 1, 2, &r);
    served_near(&r, "vpn/dc1", 70000, 0.02);
    assert_true(component(&r, "vpn/dc1")->st.drops > 0);
    netmodel_result_free(&r);

    vs_error err = {0};
    static const char mtu[] = "vpn_tunnel: {mtu: 1500B}\n";
    config_doc *d = config_load_buffer(mtu, strlen(mtu), "t", &err);
    assert_non_null(d);
    if (params_apply_overrides(f.params, config_root(d), &err)) fail_msg("%s", err.msg);
    w->rate_per_s = 40000;
    run(&f, 0, 1, 2, &r);
    served_near(&r, "vpn/dc1", 80000, 0.02);
    double lost = (double)component(&r, "vpn/dc1")->st.drops / (80000 * r.window_s);
    if (lost > 0.01) fail_msg("the tunnel dropped %g of the messages, expected about 0.5%%", lost);
    netmodel_result_free(&r);
    config_free(d);
    fixture_unload(&f);
}

/* ---- NLB cross-zone load balancing ----------------------------------------------------------- */

/* nlb-cross-zone.yaml: ENIs in use1-az1 and use1-az2, NLB nodes in both, targets in use1-az1 only
 * (`off`, `on`) or in both (`on-both`). ELB guide: without cross-zone load balancing a node sends
 * only to its own AZ's targets, so use1-az2's node has none and the workload (regional DNS: both
 * ENIs) is unreachable; with it, the node sends across to use1-az1; with targets in both AZs each
 * node spreads evenly: four ways of 25%, two of them crossing AZs after the NLB. */
static void nlb_cross_zone_paths(void **state)
{
    (void)state;
    fixture f = load("nlb-cross-zone.yaml");
    path_result r;
    vs_error err = {0};
    assert_int_equal(paths_resolve(&f.s->archs[0], 0, NULL, &r, &err), 0);
    assert_int_equal(r.verdict, VERDICT_UNREACHABLE);
    assert_non_null(strstr(r.reason, "has no targets in use1-az2"));
    assert_non_null(strstr(r.reason, "cross-zone load balancing is off"));

    assert_int_equal(paths_resolve(&f.s->archs[1], 0, NULL, &r, &err), 0);
    assert_int_equal(r.verdict, VERDICT_REACHABLE);
    assert_int_equal(r.nalts, 2);
    for (size_t a = 0; a < 2; a++) {
        const path_alt *w = &r.alts[a];
        const path_hop *nlb = &w->hops[w->nhops - 2], *target = &w->hops[w->nhops - 1];
        assert_int_equal(nlb->kind, HOP_NLB);
        assert_int_equal(target->kind, HOP_PRIVATE_SERVICE);
        assert_int_equal(target->az, 0); /* use1-az1, the only AZ with targets */
        assert_int_equal(target->link, nlb->az == 0 ? LINK_INTRA_AZ : LINK_CROSS_AZ);
    }

    assert_int_equal(paths_resolve(&f.s->archs[2], 0, NULL, &r, &err), 0);
    assert_int_equal(r.verdict, VERDICT_REACHABLE);
    assert_int_equal(r.nalts, 4);
    size_t crossing = 0;
    for (size_t a = 0; a < 4; a++) {
        assert_true(fabs(r.alts[a].weight - 0.25) < 1e-12);
        crossing += r.alts[a].hops[r.alts[a].nhops - 1].link == LINK_CROSS_AZ;
    }
    assert_int_equal(crossing, 2);
    fixture_unload(&f);
}

/* Billing: cross-AZ bytes through PrivateLink are free (2022-04-01), but EC2 data transfer
 * charges apply to an NLB's cross-zone sends (ELB guide). In `on`, the calls through use1-az2's
 * ENI (half) cross once free (client to ENI) and once billed (NLB node to use1-az1's targets):
 * billed = free = half the calls' bytes, each ~1 MiB + 1 KiB. */
static void nlb_cross_zone_is_billed(void **state)
{
    (void)state;
    fixture f = load("nlb-cross-zone.yaml");
    netmodel_config cfg = {.seed = 1,
                           .warmup_ns = (vs_time)1e9,
                           .duration_ns = 20 * (vs_time)1e9,
                           .threads = 1,
                           .cross_az_through_hops =
                               1u << HOP_INTERFACE_ENDPOINT | 1u << HOP_NLB | 1u << HOP_TGW};
    netmodel_result r;
    vs_error err = {0};
    if (netmodel_run(&f.s->archs[1], f.params, &cfg, &r, &err)) fail_msg("%s", err.msg);
    const client_stats *c = &r.workloads[0].st;
    double billed = (double)c->bytes[CLIENT_BYTES_CROSS_AZ],
           free_ = (double)c->bytes[CLIENT_BYTES_CROSS_AZ_THROUGH],
           half = 0.5 * (double)c->succeeded * (1048576 + 1024);
    assert_true(c->succeeded > 1900);
    if (fabs(free_ - half) > 0.05 * half || fabs(billed - half) > 0.05 * half)
        fail_msg("billed %g B, free %g B; expected each about %g B", billed, free_, half);
    netmodel_result_free(&r);
    fixture_unload(&f);
}

/* ---- scenario errors ------------------------------------------------------------------------- */

static void load_fails(const char *yaml, const char *want)
{
    scenario *s = NULL;
    vs_error err = {0};
    assert_int_equal(scenario_load_buffer(yaml, strlen(yaml), "t.yaml", &s, &err), -1);
    if (!strstr(err.msg, want)) fail_msg("got \"%s\", expected \"%s\"", err.msg, want);
}

#define HEAD                                                                                       \
    "version: 1\nname: t\nregions: [{name: us-east-1, azs: [use1-az1]}]\n"                         \
    "architectures:\n  - name: a\n    vpcs: [{name: v, region: us-east-1, cidr: 10.0.0.0/16, "     \
    "vpn_gateway: true}]\n    subnets: [{name: s, vpc: v, az: use1-az1, cidr: 10.0.1.0/24}]\n"

/* Kinesis Data Streams and CloudWatch metrics are reached privately through their interface
 * endpoints (kinesis-streams, monitoring: PrivateLink guide, AWS services that integrate); they
 * have no gateway endpoint (only S3 and DynamoDB do), and without an endpoint or a NAT a private
 * subnet has no way to them. */
static void kinesis_and_monitoring_endpoints(void **state)
{
    (void)state;
    static const char yaml[] =
        HEAD "    interface_endpoints:\n"
             "      - {name: k, vpc: v, service: kinesis-streams, subnets: [s], "
             "security_groups: [sg]}\n"
             "      - {name: m, vpc: v, service: monitoring, subnets: [s], security_groups: [sg]}\n"
             "    security_groups: [{name: sg, vpc: v, ingress: [{ports: 443, cidr: "
             "10.0.0.0/16}]}]\n"
             "workloads:\n"
             "  - {name: put, source: {subnet: s}, target: {service: kinesis-streams}}\n"
             "  - {name: metrics, source: {subnet: s}, target: {service: monitoring}}\n"
             "  - {name: sqs, source: {subnet: s}, target: {service: sqs}}\n";
    scenario *s = NULL;
    vs_error err = {0};
    if (scenario_load_buffer(yaml, strlen(yaml), "t.yaml", &s, &err)) fail_msg("%s", err.msg);
    for (size_t w = 0; w < 3; w++) {
        path_result r;
        assert_int_equal(paths_resolve(&s->archs[0], w, NULL, &r, &err), 0);
        if (w == 2) {
            assert_int_equal(r.verdict, VERDICT_UNREACHABLE); /* no endpoint, no NAT */
            continue;
        }
        assert_int_equal(r.verdict, VERDICT_REACHABLE);
        assert_int_equal(r.alts[0].hops[1].kind, HOP_INTERFACE_ENDPOINT);
        assert_int_equal(r.alts[0].hops[2].kind, HOP_AWS_SERVICE);
    }
    scenario_free(s);
    load_fails(HEAD "    route_tables: [{name: rt, vpc: v}]\n"
                    "    gateway_endpoints: [{name: g, vpc: v, service: kinesis-streams, "
                    "route_tables: [rt]}]\n",
               "gateway endpoints for s3 and dynamodb only, not 'kinesis-streams'");
}

/* ECMP and Large tunnels need a transit gateway; `dynamodb:` and `kinesis:` go with their
 * service. */
static void scenario_errors(void **state)
{
    (void)state;
    load_fails(HEAD "    sites: [{name: dc, cidr: 192.168.0.0/16, region: us-east-1, "
                    "vpn: {vpc: v, ecmp: true}}]\n",
               "ECMP over VPN tunnels needs a transit gateway");
    load_fails(HEAD "    sites: [{name: dc, cidr: 192.168.0.0/16, region: us-east-1, "
                    "vpn: {vpc: v, tunnel_bandwidth: large}}]\n",
               "a Large tunnel needs a transit gateway");
    load_fails(HEAD "workloads:\n  - {name: w, source: {subnet: s}, target: {service: s3}, "
                    "dynamodb: {partitions: 2}}\n",
               "dynamodb goes with target service dynamodb");
    load_fails(HEAD "workloads:\n  - {name: w, source: {subnet: s}, target: {service: dynamodb}, "
                    "dynamodb: {partitions: 0}}\n",
               "partitions");
    load_fails(HEAD "workloads:\n  - {name: w, source: {subnet: s}, target: {service: sqs}, "
                    "kinesis: {shards: 2}}\n",
               "kinesis goes with target service kinesis-streams");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dynamodb_hot_partition_throttles),
        cmocka_unit_test(dynamodb_units_per_request),
        cmocka_unit_test(dynamodb_provisioned_and_adaptive_capacity),
        cmocka_unit_test(kinesis_shards_limit_puts),
        cmocka_unit_test(vpn_ecmp_doubles_the_ceiling),
        cmocka_unit_test(vpn_ecmp_one_flow_one_tunnel),
        cmocka_unit_test(vpn_mtu_sets_packets_per_message),
        cmocka_unit_test(nlb_cross_zone_paths),
        cmocka_unit_test(nlb_cross_zone_is_billed),
        cmocka_unit_test(kinesis_and_monitoring_endpoints),
        cmocka_unit_test(scenario_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
