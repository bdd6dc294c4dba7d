/* Tests for models/components/kinds.c, the component-kind table: every kind has an entry with its
 * names; every parameter the table names exists in the parameter registry (models/components/
 * params.c), so a typo there fails here and not in the middle of a run; instance names come from
 * the right topology array; per-GB items are the price table's documented keys; static cost lines
 * carry (item, kind, index) that lead back to the component they show. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vpcsim/aws/cost.h"
#include "vpcsim/aws/kinds.h"
#include "vpcsim/aws/params.h"

/* Whether parameter kind pk of the registry has a parameter called name. */
static bool has_param(const char *pk, const char *name)
{
    const param_kind *k = params_kind_find(pk);
    if (!k) fail_msg("parameter kind %s is not in the registry", pk);
    for (size_t i = 0; i < k->ndefs; i++)
        if (strcmp(k->defs[i].name, name) == 0) return true;
    return false;
}

static void assert_param(const char *pk, const char *name)
{
    if (!has_param(pk, name)) fail_msg("%s has no parameter %s", pk, name);
}

static void every_kind_has_an_entry(void **state)
{
    (void)state;
    for (int k = 0; k < HOP_KIND_COUNT; k++) {
        const char *name = hop_kind_name((hop_kind)k);
        assert_non_null(name);
        if (name[0] == '\0' || strcmp(name, "?") == 0) fail_msg("hop kind %d has no entry", k);
        for (int j = 0; j < k; j++) assert_string_not_equal(name, hop_kind_name((hop_kind)j));
    }
    assert_string_equal(hop_kind_name(HOP_KIND_COUNT), "?");
    assert_string_equal(hop_kind_name(HOP_NAT), "nat-gateway"); /* LP names start with it */
}

/* Every parameter kind and parameter that the table names is in the registry. */
static void parameters_are_registered(void **state)
{
    (void)state;
    for (int k = 0; k < HOP_KIND_COUNT; k++) {
        const kind_desc *d = kinds_get((hop_kind)k);
        const kind_station *s = &d->station;
        const char *pk = kinds_param_kind((hop_kind)k, SVC_S3);
        if (d->role == KIND_STATION || d->delay) assert_non_null(pk);
        if (!pk) continue;
        if (d->delay) assert_param(pk, d->delay);
        if (d->detect) assert_param(pk, d->detect);
        if (d->role != KIND_STATION) continue;
        if (s->queue) assert_param(pk, "queue_capacity");
        if (s->bandwidth && s->capacity) assert_param(pk, s->capacity);
        if (s->bandwidth && s->packets) assert_param(pk, s->packets);
        if (!s->bandwidth) assert_param(pk, s->service), assert_param(pk, "servers");
        if (s->scales_up) assert_param(pk, "scale_up_period"), assert_param(pk, "bandwidth");
        assert_int_equal(s->queue, has_param(pk, "queue_capacity")); /* none left unread */
    }
    for (int svc = 0; svc < SVC_COUNT; svc++)
        assert_non_null(params_kind_find(kinds_param_kind(HOP_AWS_SERVICE, svc)));
    assert_string_equal(kinds_param_kind(HOP_AWS_SERVICE, SVC_ECR_DKR), "service_ecr");
    assert_null(kinds_param_kind(HOP_VGW, 0)); /* a VGW has no parameters */
}

/* DX and VPN fail over by routing (BFD, dead peer detection); an interface endpoint's ENI by DNS;
 * a NAT gateway does not fail over at all (AWS: a NAT gateway is zonal, no failover). */
static void failover_as_aws_documents(void **state)
{
    (void)state;
    assert_int_equal(kinds_get(HOP_DX)->failover, FAILOVER_ROUTE);
    assert_int_equal(kinds_get(HOP_VPN)->failover, FAILOVER_ROUTE);
    assert_int_equal(kinds_get(HOP_INTERFACE_ENDPOINT)->failover, FAILOVER_DNS);
    assert_int_equal(kinds_get(HOP_NAT)->failover, FAILOVER_NONE);
    assert_true(kinds_get(HOP_NAT)->zonal);
    assert_false(kinds_get(HOP_DX)->zonal);
    for (int k = 0; k < HOP_KIND_COUNT; k++)
        if (kinds_get((hop_kind)k)->failover == FAILOVER_ROUTE)
            assert_non_null(kinds_get((hop_kind)k)->detect);
}

/* The bytes a kind processes are billed under the price table's key for it (docs/ and
 * experiments/prices/: nat_gateway_processing, ...). */
static void gb_items_are_the_price_keys(void **state)
{
    (void)state;
    assert_string_equal(cost_gb_item_name(kinds_get(HOP_NAT)->gb_item), "nat_gateway_processing");
    assert_string_equal(cost_gb_item_name(kinds_get(HOP_TGW)->gb_item),
                        "transit_gateway_processing");
    assert_string_equal(cost_gb_item_name(kinds_get(HOP_INTERFACE_ENDPOINT)->gb_item),
                        "interface_endpoint_processing");
    int billed = 0;
    for (int k = 0; k < HOP_KIND_COUNT; k++) {
        int item = kinds_get((hop_kind)k)->gb_item;
        assert_true(item >= -1 && item < COST_GB_COUNT);
        billed += item >= 0;
    }
    assert_int_equal(billed, 3);
}

static void instance_names(void **state)
{
    (void)state;
    topo_nat nats[2] = {{.name = "nat-a"}, {.name = "nat-b"}};
    topo_site sites[1] = {{.name = "dc1"}};
    topo_subnet subnets[1] = {{.name = "priv-a"}};
    topo_vpc vpcs[1] = {{.name = "app"}};
    topology t = {.nats = nats,
                  .nnats = 2,
                  .sites = sites,
                  .nsites = 1,
                  .subnets = subnets,
                  .nsubnets = 1,
                  .vpcs = vpcs,
                  .nvpcs = 1};
    topo_workload w = {.source_subnet = 0, .source_site = -1, .internet_ip = 0x5db8d822};
    char buf[64];
    assert_string_equal(kinds_component_name(&t, HOP_NAT, 1), "nat-b");
    assert_null(kinds_component_name(&t, HOP_NAT, 2));
    assert_null(kinds_component_name(&t, HOP_NAT, -1));
    assert_null(kinds_component_name(&t, HOP_TGW, 0)); /* none in t */
    assert_null(kinds_component_name(&t, HOP_AWS_SERVICE, SVC_S3));
    assert_string_equal(kinds_component_name(&t, HOP_DX, 0), "dc1");
    assert_string_equal(kinds_component_name(&t, HOP_VGW, 0), "app");
    assert_string_equal(kinds_instance_name(&t, &w, HOP_SOURCE, 0, buf, sizeof buf), "priv-a");
    assert_string_equal(kinds_instance_name(&t, &w, HOP_AWS_SERVICE, SVC_S3, buf, sizeof buf),
                        "s3");
    assert_string_equal(kinds_instance_name(&t, &w, HOP_INTERNET_HOST, -1, buf, sizeof buf),
                        "93.184.216.34");
    assert_string_equal(kinds_instance_name(&t, &w, HOP_NAT, 5, buf, sizeof buf), "?");
    w = (topo_workload){.source_subnet = -1, .source_site = 0};
    assert_string_equal(kinds_instance_name(&t, &w, HOP_SOURCE, 0, buf, sizeof buf), "dc1");
}

/* Each static cost line names what it bills by (item, component kind, index), and those fields
 * lead back to the component the line shows: the kind table's instance name (or the Resolver
 * endpoint's) is the line's component, and the item is the price file's key for that kind. */
static void cost_lines_are_typed(void **state)
{
    (void)state;
    char path[4096];
    const char *src = getenv("VPCSIM_SOURCE_DIR");
    vs_error err = {""};
    cost_prices *p = NULL;
    assert_non_null(src);
    snprintf(path, sizeof path, "%s/experiments/prices/aws-us-east-1.yaml", src);
    if (cost_prices_load_file(path, &p, &err)) fail_msg("shipped price table: %s", err.msg);
    int32_t two[2] = {0, 1};
    topo_nat nats[2] = {{.name = "nat-a", .ips = 2}, {.name = "nat-b", .ips = 1}};
    topo_interface_endpoint ie = {.name = "sqs-ep", .subnets = two, .nsubnets = 2};
    topo_tgw_attachment att[2] = {{.vpc = 0}, {.vpc = 1}};
    topo_tgw tgw = {.name = "hub", .attachments = att, .nattachments = 2};
    topo_site sites[2] = {{.name = "dc1", .dx = {.present = 1, .port_bps = 10e9}},
                          {.name = "dc2", .vpn = {.present = 1}}};
    topo_resolver_endpoint res = {.name = "inbound", .subnets = two, .nsubnets = 2};
    topology t = {.name = "typed",
                  .nats = nats,
                  .nnats = 2,
                  .interface_endpoints = &ie,
                  .ninterface_endpoints = 1,
                  .tgws = &tgw,
                  .ntgws = 1,
                  .sites = sites,
                  .nsites = 2,
                  .resolver_endpoints = &res,
                  .nresolver_endpoints = 1};
    cost_lines l;
    if (cost_static(&t, p, &l, &err)) fail_msg("%s", err.msg);
    static const struct {
        hop_kind kind;
        int32_t index;
        const char *item; /* the price file's key; NULL: a DX port, priced by its speed */
    } want[] = {
        {HOP_NAT, 0, "nat_gateway"},
        {HOP_NAT, 0, "public_ipv4_address"},
        {HOP_NAT, 1, "nat_gateway"},
        {HOP_NAT, 1, "public_ipv4_address"},
        {HOP_INTERFACE_ENDPOINT, 0, "interface_endpoint"},
        {HOP_TGW, 0, "transit_gateway_attachment"},
        {HOP_DX, 0, NULL},
        {HOP_VPN, 1, "vpn_connection"},
        {HOP_KIND_COUNT, 0, "resolver_endpoint_eni"},
    };
    assert_int_equal(l.n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < l.n; i++) {
        const cost_line *c = &l.lines[i];
        assert_int_equal(c->component_kind, want[i].kind);
        assert_int_equal(c->index, want[i].index);
        if (want[i].item)
            assert_string_equal(cost_hourly_item_name((cost_hourly_item)c->item), want[i].item);
        else
            assert_int_equal(c->item, -1);
        const char *name = c->component_kind < HOP_KIND_COUNT
                               ? kinds_component_name(&t, c->component_kind, c->index)
                               : t.resolver_endpoints[c->index].name;
        assert_non_null(name);
        assert_string_equal(name, c->component);
    }
    cost_lines_free(&l);
    cost_prices_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_kind_has_an_entry),
        cmocka_unit_test(parameters_are_registered),
        cmocka_unit_test(failover_as_aws_documents),
        cmocka_unit_test(gb_items_are_the_price_keys),
        cmocka_unit_test(instance_names),
        cmocka_unit_test(cost_lines_are_typed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
