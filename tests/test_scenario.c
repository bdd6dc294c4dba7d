/* Tests for the scenario loader (models/scenario*.c): the example scenarios load into the exact
 * topologies they describe, extends/add/replace/remove patch as documented, every bad-input class
 * fails with its exact `file:line:col: message` (tests/scenarios/bad/), thousands of mutated files
 * load or fail cleanly with a positioned message, and docs/scenario-keys.md equals the reference
 * generated from the loader's key tables, which agree key for key with what the loader accepts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vpcsim/aws/params.h"
#include "vpcsim/aws/scenario.h"

/* ---- helpers --------------------------------------------------------------------------------- */

static const char *source_dir(void)
{
    const char *d = getenv("VPCSIM_SOURCE_DIR");
    return d ? d : ".";
}

static char *read_text(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf) buf[n] = '\0';
    if (len) *len = (size_t)n;
    return buf;
}

static scenario *load_example(const char *name)
{
    char path[1024];
    scenario *s = NULL;
    vs_error err = {""};
    snprintf(path, sizeof path, "%s/experiments/examples/%s", source_dir(), name);
    if (scenario_load_file(path, &s, &err)) fail_msg("%s: %s", name, err.msg);
    return s;
}

static scenario *load_text(const char *text)
{
    scenario *s = NULL;
    vs_error err = {""};
    if (scenario_load_buffer(text, strlen(text), "t.yaml", &s, &err))
        fail_msg("unexpected load error: %s", err.msg);
    return s;
}

static void expect_error(const char *text, const char *msg)
{
    scenario *s = (scenario *)1;
    vs_error err = {""};
    int rc = scenario_load_buffer(text, strlen(text), "t.yaml", &s, &err);
    if (rc == 0) scenario_free(s);
    assert_int_equal(rc, -1);
    assert_null(s);
    assert_string_equal(err.msg, msg);
}

static const topology *arch(const scenario *s, const char *name)
{
    int i = scenario_find_arch(s, name);
    if (i < 0) fail_msg("no architecture %s", name);
    return &s->archs[i];
}

static void assert_cidr(ipv4_cidr c, const char *text)
{
    char buf[24];
    assert_string_equal(cidr_format(c, buf, sizeof buf), text);
}

static void assert_pos(topo_pos p, int line, int col)
{
    assert_non_null(p.file);
    assert_int_equal(p.line, line);
    assert_int_equal(p.col, col);
}

#define IN(i, n) ((i) >= 0 && (size_t)(i) < (n))

/* Every index of a loaded topology is in range, and the AWS rules the loader enforces hold. */
static void check_topology(const topology *t)
{
    for (size_t i = 0; i < t->nvpcs; i++) {
        assert_true(IN(t->vpcs[i].region, t->nregions));
        assert_true(t->vpcs[i].igw == -1 || IN(t->vpcs[i].igw, t->nigws));
        assert_true(t->vpcs[i].main_route_table == -1 ||
                    IN(t->vpcs[i].main_route_table, t->nroute_tables));
    }
    for (size_t i = 0; i < t->nsubnets; i++) {
        const topo_subnet *s = &t->subnets[i];
        assert_true(IN(s->vpc, t->nvpcs) && IN(s->az, t->nazs));
        assert_int_equal(t->azs[s->az].region, t->vpcs[s->vpc].region);
        assert_true(cidr_contains(t->vpcs[s->vpc].cidr, s->cidr.addr));
        assert_true(s->route_table == -1 || t->route_tables[s->route_table].vpc == s->vpc);
    }
    for (size_t i = 0; i < t->nroute_tables; i++) {
        const topo_route_table *rt = &t->route_tables[i];
        assert_true(IN(rt->vpc, t->nvpcs) && rt->nroutes >= 1);
        assert_int_equal(rt->routes[0].target, RT_LOCAL);
        assert_int_equal(rt->routes[0].dst.addr, t->vpcs[rt->vpc].cidr.addr);
        for (size_t k = 0; k < rt->nroutes; k++) {
            const topo_route *r = &rt->routes[k];
            assert_true(r->pos.line >= 1);
            if (r->target == RT_GATEWAY_ENDPOINT) {
                assert_true(IN(r->target_index, t->ngateway_endpoints));
                assert_int_equal(r->prefix_list, t->gateway_endpoints[r->target_index].service);
            } else {
                assert_int_equal(r->prefix_list, -1);
            }
            if (r->target == RT_NAT) assert_true(IN(r->target_index, t->nnats));
            if (r->target == RT_IGW) assert_true(IN(r->target_index, t->nigws));
            if (r->target == RT_TGW) assert_true(IN(r->target_index, t->ntgws));
            if (r->target == RT_PEERING) assert_true(IN(r->target_index, t->npeerings));
        }
    }
    for (size_t i = 0; i < t->nnats; i++)
        assert_true(IN(t->nats[i].subnet, t->nsubnets) && t->nats[i].ips >= 1 &&
                    t->nats[i].ips <= 8);
    for (size_t i = 0; i < t->ngateway_endpoints; i++)
        for (size_t k = 0; k < t->gateway_endpoints[i].nroute_tables; k++)
            assert_true(IN(t->gateway_endpoints[i].route_tables[k], t->nroute_tables));
    for (size_t i = 0; i < t->ninterface_endpoints; i++) {
        const topo_interface_endpoint *x = &t->interface_endpoints[i];
        assert_true((x->aws_service >= 0) != (x->endpoint_service >= 0));
        for (size_t k = 0; k < x->nsubnets; k++) {
            assert_int_equal(t->subnets[x->subnets[k]].vpc, x->vpc);
            for (size_t j = 0; j < k; j++)
                assert_int_not_equal(t->subnets[x->subnets[j]].az, t->subnets[x->subnets[k]].az);
        }
        assert_true(x->policy == -1 || IN(x->policy, t->npolicies));
    }
    for (size_t i = 0; i < t->ntgws; i++) {
        const topo_tgw *g = &t->tgws[i];
        for (size_t k = 0; k < g->nattachments; k++)
            assert_true(IN(g->attachments[k].route_table, g->nroute_tables));
        for (size_t k = 0; k < g->npeers; k++) assert_true(IN(g->peers[k], t->ntgws));
        for (size_t k = 0; k < g->nroute_tables; k++)
            for (size_t r = 0; r < g->route_tables[k].nroutes; r++) {
                const topo_tgw_route *x = &g->route_tables[k].routes[r];
                assert_true(x->attachment == -1 || IN(x->attachment, g->nattachments));
                assert_true(x->peer_tgw == -1 || IN(x->peer_tgw, t->ntgws));
            }
    }
    for (size_t i = 0; i < t->nworkloads; i++) {
        const topo_workload *w = &t->workloads[i];
        assert_true((w->source_subnet >= 0) != (w->source_site >= 0));
        assert_true(w->nsource_sgs <= 8 && w->port >= 1 && w->port <= 65535);
        assert_true(w->max_attempts >= 1 && w->timeout_ns > 0);
        assert_non_null(w->action);
        assert_non_null(w->principal);
    }
}

/* ---- the examples ---------------------------------------------------------------------------- */

static void examples_load(void **st)
{
    static const char *const names[] = {"s3-access.yaml", "hybrid-dx-vpn.yaml",
                                        "hub-spoke-tgw.yaml"};
    (void)st;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        scenario *s = load_example(names[i]);
        assert_true(s->narchs >= 2);
        for (size_t a = 0; a < s->narchs; a++) check_topology(&s->archs[a]);
        scenario_free(s);
    }
    scenario_free(NULL);
}

static void s3_example_baseline(void **st)
{
    scenario *s = load_example("s3-access.yaml");
    const topology *t = arch(s, "nat");
    const topo_route_table *rt;
    (void)st;
    assert_int_equal(s->version, 1);
    assert_string_equal(s->name, "s3-access");
    assert_int_equal(s->seed, 42);
    assert_non_null(strstr(s->file, "experiments/examples/s3-access.yaml"));
    assert_null(s->overrides);
    assert_non_null(s->run);
    assert_int_equal(s->narchs, 3);
    assert_string_equal(s->archs[0].name, "nat");
    assert_int_equal(scenario_find_arch(s, "interface-endpoint"), 2);
    assert_int_equal(scenario_find_arch(s, "nope"), -1);
    assert_pos(t->pos, 13, 5);
    assert_int_equal(t->nregions, 1);
    assert_int_equal(t->nazs, 3);
    assert_string_equal(t->azs[2].name, "use1-az3");
    assert_int_equal(t->regions[0].first_az, 0);
    assert_int_equal(t->regions[0].naz, 3);
    /* VPC and internet gateway */
    assert_int_equal(t->nvpcs, 1);
    assert_cidr(t->vpcs[0].cidr, "10.0.0.0/16");
    assert_int_equal(t->vpcs[0].igw, 0);
    assert_false(t->vpcs[0].vgw);
    assert_int_equal(t->vpcs[0].main_route_table, -1);
    assert_pos(t->vpcs[0].pos, 16, 9);
    assert_int_equal(t->nigws, 1);
    assert_string_equal(t->igws[0].name, "igw-app");
    assert_pos(t->igws[0].pos, 16, 77);
    /* subnets */
    assert_int_equal(t->nsubnets, 4);
    assert_string_equal(t->subnets[2].name, "priv-a");
    assert_int_equal(t->subnets[2].az, 0);
    assert_int_equal(t->subnets[3].az, 1);
    assert_int_equal(t->subnets[2].route_table, 1);
    assert_true(t->subnets[0].public_ip);
    assert_false(t->subnets[2].public_ip);
    assert_cidr(t->subnets[3].cidr, "10.0.11.0/24");
    /* route tables: the implicit local route first, then the written ones */
    rt = &t->route_tables[1];
    assert_string_equal(rt->name, "private-a");
    assert_pos(rt->pos, 27, 9);
    assert_int_equal(rt->nroutes, 2);
    assert_int_equal(rt->routes[0].target, RT_LOCAL);
    assert_int_equal(rt->routes[0].target_index, -1);
    assert_cidr(rt->routes[0].dst, "10.0.0.0/16");
    assert_pos(rt->routes[0].pos, 27, 9);
    assert_int_equal(rt->routes[1].target, RT_NAT);
    assert_int_equal(rt->routes[1].target_index, 0);
    assert_int_equal(rt->routes[1].prefix_list, -1);
    assert_cidr(rt->routes[1].dst, "0.0.0.0/0");
    assert_pos(rt->routes[1].pos, 30, 13);
    assert_int_equal(t->route_tables[0].routes[1].target, RT_IGW);
    assert_int_equal(t->route_tables[2].routes[1].target_index, 1);
    /* NAT gateways: ips default 1 */
    assert_int_equal(t->nats[0].ips, 2);
    assert_int_equal(t->nats[1].ips, 1);
    assert_int_equal(t->nats[1].subnet, 1);
    assert_false(t->nats[0].private_nat);
    /* security groups: AWS's default egress rule when egress is absent */
    assert_int_equal(t->security_groups[0].nrules, 1);
    assert_false(t->security_groups[0].rules[0].ingress);
    assert_int_equal(t->security_groups[0].rules[0].port_lo, 0);
    assert_int_equal(t->security_groups[0].rules[0].port_hi, 65535);
    assert_cidr(t->security_groups[0].rules[0].cidr, "0.0.0.0/0");
    assert_int_equal(t->security_groups[1].nrules, 2);
    assert_true(t->security_groups[1].rules[0].ingress);
    assert_int_equal(t->security_groups[1].rules[0].port_lo, 443);
    assert_int_equal(t->security_groups[1].rules[0].port_hi, 443);
    assert_int_equal(t->security_groups[1].rules[0].source_sg, 0);
    /* policy: resources given, principals default to "*" */
    assert_int_equal(t->policies[0].nstatements, 1);
    assert_string_equal(t->policies[0].statements[0].sid, "ReadDataLake");
    assert_int_equal(t->policies[0].statements[0].effect, EFFECT_ALLOW);
    assert_int_equal(t->policies[0].statements[0].nactions, 2);
    assert_string_equal(t->policies[0].statements[0].actions[1], "s3:ListBucket");
    assert_int_equal(t->policies[0].statements[0].nprincipals, 1);
    assert_string_equal(t->policies[0].statements[0].principals[0], "*");
    assert_pos(t->policies[0].statements[0].pos, 49, 13);
    scenario_free(s);
}

static void s3_example_patches(void **st)
{
    scenario *s = load_example("s3-access.yaml");
    const topology *g = arch(s, "gateway-endpoint"), *i = arch(s, "interface-endpoint");
    const topo_route_table *rt = &g->route_tables[1];
    (void)st;
    /* add: the gateway endpoint appends its prefix-list route to the tables it lists */
    assert_int_equal(g->ngateway_endpoints, 1);
    assert_int_equal(g->gateway_endpoints[0].service, SVC_S3);
    assert_int_equal(g->gateway_endpoints[0].nroute_tables, 2);
    assert_int_equal(g->gateway_endpoints[0].route_tables[0], 1);
    assert_int_equal(g->gateway_endpoints[0].route_tables[1], 2);
    assert_int_equal(g->gateway_endpoints[0].policy, 0);
    assert_int_equal(rt->nroutes, 3);
    assert_int_equal(rt->routes[2].target, RT_GATEWAY_ENDPOINT);
    assert_int_equal(rt->routes[2].prefix_list, SVC_S3);
    assert_int_equal(rt->routes[2].target_index, 0);
    assert_pos(rt->routes[2].pos, 62, 26);
    assert_pos(g->route_tables[2].routes[2].pos, 62, 37);
    assert_int_equal(g->nnats, 2);
    /* remove + replace + add; the base architecture is untouched */
    assert_int_equal(i->nnats, 0);
    assert_int_equal(i->route_tables[1].nroutes, 1);
    assert_pos(i->route_tables[1].pos, 72, 11);
    assert_int_equal(arch(s, "nat")->route_tables[1].nroutes, 2);
    assert_int_equal(arch(s, "nat")->ngateway_endpoints, 0);
    assert_int_equal(i->ninterface_endpoints, 1);
    assert_int_equal(i->interface_endpoints[0].aws_service, SVC_S3);
    assert_int_equal(i->interface_endpoints[0].endpoint_service, -1);
    assert_int_equal(i->interface_endpoints[0].nsubnets, 2);
    assert_int_equal(i->interface_endpoints[0].subnets[1], 3);
    assert_int_equal(i->interface_endpoints[0].nsecurity_groups, 1);
    assert_int_equal(i->interface_endpoints[0].security_groups[0], 1);
    assert_true(i->interface_endpoints[0].private_dns);
    assert_int_equal(i->interface_endpoints[0].ndns_vpcs, 0);
    assert_int_equal(i->interface_endpoints[0].policy, 0);
    scenario_free(s);
}

static void s3_example_workload(void **st)
{
    scenario *s = load_example("s3-access.yaml");
    (void)st;
    for (size_t a = 0; a < s->narchs; a++) {
        const topo_workload *w = &s->archs[a].workloads[0];
        assert_int_equal(s->archs[a].nworkloads, 1);
        assert_string_equal(w->name, "analytics-get");
        assert_pos(w->pos, 85, 5);
        assert_int_equal(w->source_subnet, 2);
        assert_int_equal(w->source_site, -1);
        assert_int_equal(w->nsource_sgs, 1);
        assert_int_equal(w->source_sgs[0], 0);
        assert_int_equal(w->target, TARGET_AWS_SERVICE);
        assert_int_equal(w->service, SVC_S3);
        assert_int_equal(w->service_region, 0);
        assert_int_equal(w->endpoint_service, -1);
        assert_int_equal(w->port, 443);
        assert_int_equal(w->dns, DNS_REGIONAL);
        assert_string_equal(w->action, "s3:GetObject");
        assert_string_equal(w->principal, "arn:aws:iam::111122223333:role/analytics");
        assert_int_equal(w->arrival, ARRIVAL_POISSON);
        assert_true(w->rate_per_s == 2000.0);
        assert_int_equal(w->bytes_up, 1024);
        assert_int_equal(w->bytes_down, 1048576);
        assert_true(w->reuse_connections);
        assert_int_equal(w->timeout_ns, 5000000000);
        assert_int_equal(w->retry, RETRY_STANDARD);
        assert_int_equal(w->max_attempts, 3);
        assert_non_null(w->traffic);
    }
    scenario_free(s);
}

static void hybrid_example(void **st)
{
    scenario *s = load_example("hybrid-dx-vpn.yaml");
    const topology *p = arch(s, "private-vif"), *t = arch(s, "transit");
    const topo_workload *w;
    (void)st;
    assert_true(p->vpcs[0].vgw);
    assert_int_equal(p->vpcs[0].main_route_table, 0);
    assert_int_equal(p->subnets[2].route_table, 1); /* the provider VPC's main table */
    assert_int_equal(p->route_tables[0].routes[1].target, RT_VGW);
    assert_true(p->sites[0].dx.present);
    assert_string_equal(p->sites[0].dx.location, "EqDC2");
    assert_true(p->sites[0].dx.distance_km == 80.0);
    assert_true(p->sites[0].dx.port_bps == 10e9);
    assert_int_equal(p->sites[0].dx.vif, VIF_PRIVATE);
    assert_int_equal(p->sites[0].dx.vpc, 0);
    assert_int_equal(p->sites[0].dx.tgw, -1);
    assert_int_equal(p->sites[0].vpn.tunnels, 2);
    assert_int_equal(p->sites[0].vpn.vpc, 0);
    assert_int_equal(p->sites[0].dns_resolver, 0);
    assert_cidr(p->sites[0].cidr, "192.168.0.0/16");
    assert_int_equal(p->endpoint_services[0].port, 8443);
    assert_false(p->endpoint_services[0].cross_zone);
    assert_int_equal(p->interface_endpoints[1].endpoint_service, 0);
    assert_int_equal(p->interface_endpoints[1].aws_service, -1);
    assert_false(p->interface_endpoints[1].private_dns);
    assert_int_equal(p->resolver_endpoints[0].nsubnets, 2);
    /* transit: DX and VPN on the TGW, and the attachment kinds tell them apart */
    assert_false(t->vpcs[0].vgw);
    assert_int_equal(t->route_tables[0].routes[1].target, RT_TGW);
    assert_int_equal(t->sites[0].dx.vif, VIF_TRANSIT);
    assert_int_equal(t->sites[0].dx.tgw, 0);
    assert_int_equal(t->sites[0].dx.vpc, -1);
    assert_int_equal(t->sites[0].vpn.tgw, 0);
    assert_int_equal(t->tgws[0].nattachments, 3);
    assert_int_equal(t->tgws[0].attachments[0].vpc, 0);
    assert_false(t->tgws[0].attachments[0].dx_gateway);
    assert_true(t->tgws[0].attachments[1].dx_gateway);
    assert_int_equal(t->tgws[0].attachments[1].vpc, -1);
    assert_true(t->tgws[0].attachments[2].vpn);
    assert_int_equal(t->tgws[0].attachments[2].route_table, 0);
    assert_int_equal(t->tgws[0].route_tables[0].routes[1].attachment, 1);
    /* workloads: a site source; an endpoint service's port is the default port */
    w = &t->workloads[0];
    assert_int_equal(w->source_site, 0);
    assert_int_equal(w->source_subnet, -1);
    assert_int_equal(w->service_region, 0);
    assert_int_equal(w->arrival, ARRIVAL_CONSTANT);
    assert_int_equal(w->timeout_ns, 2000000000);
    assert_int_equal(w->bytes_down, 512);
    w = &t->workloads[1];
    assert_int_equal(w->target, TARGET_ENDPOINT_SERVICE);
    assert_int_equal(w->endpoint_service, 0);
    assert_int_equal(w->port, 8443);
    assert_int_equal(w->dns, DNS_ZONAL);
    assert_int_equal(w->arrival, ARRIVAL_CLOSED);
    assert_int_equal(w->clients, 64);
    assert_int_equal(w->think_ns, 20000000);
    assert_false(w->reuse_connections);
    assert_int_equal(w->retry, RETRY_NONE);
    assert_int_equal(w->max_attempts, 1);
    assert_int_equal(w->timeout_ns, 10000000000); /* the table's default */
    assert_string_equal(w->action, "");
    assert_string_equal(w->principal, "*");
    scenario_free(s);
}

static void hub_spoke_example(void **st)
{
    scenario *s = load_example("hub-spoke-tgw.yaml");
    const topology *t = arch(s, "tgw-egress"), *p = arch(s, "peering");
    const topo_tgw_route_table *spokes = &t->tgws[0].route_tables[0];
    (void)st;
    /* peering declared on one side is known on both */
    assert_int_equal(t->tgws[0].npeers, 1);
    assert_int_equal(t->tgws[0].peers[0], 1);
    assert_int_equal(t->tgws[1].npeers, 1);
    assert_int_equal(t->tgws[1].peers[0], 0);
    assert_int_equal(t->tgws[1].region, 1);
    assert_int_equal(spokes->nroutes, 3);
    assert_int_equal(spokes->routes[0].attachment, 0);
    assert_int_equal(spokes->routes[1].attachment, -1);
    assert_int_equal(spokes->routes[1].peer_tgw, -1);
    assert_int_equal(spokes->routes[2].peer_tgw, 1);
    assert_cidr(spokes->routes[2].dst, "10.20.0.0/16");
    assert_int_equal(t->tgws[0].attachments[1].route_table, 0);
    assert_int_equal(t->tgws[0].attachments[0].route_table, 1);
    assert_int_equal(t->tgws[1].attachments[0].route_table, 0); /* the first table */
    assert_int_equal(t->gateway_endpoints[0].service, SVC_DYNAMODB);
    assert_int_equal(t->route_tables[1].routes[2].prefix_list, SVC_DYNAMODB);
    assert_int_equal(t->subnets[4].route_table, 3);
    assert_int_equal(p->ntgws, 0);
    assert_int_equal(p->npeerings, 2);
    assert_int_equal(p->peerings[1].vpc_a, 0);
    assert_int_equal(p->peerings[1].vpc_b, 2);
    assert_int_equal(p->route_tables[0].routes[2].target, RT_PEERING);
    assert_int_equal(p->route_tables[0].routes[2].target_index, 0);
    assert_int_equal(p->route_tables[0].routes[3].target_index, 1);
    assert_int_equal(t->workloads[1].target, TARGET_INTERNET);
    assert_int_equal(t->workloads[1].internet_ip, 0xCB00710Au);
    assert_int_equal(t->workloads[1].arrival, ARRIVAL_ONOFF);
    assert_non_null(config_find(t->workloads[1].traffic, "on"));
    assert_non_null(s->overrides);
    assert_int_equal(config_len(s->overrides), 3);
    assert_null(s->run);
    scenario_free(s);
}

/* The full example of docs/scenario.md loads, and means what the guide says. */
static void guide_example(void **st)
{
    char path[1024], *doc, *start, *end;
    scenario *s;
    const topology *g;
    (void)st;
    snprintf(path, sizeof path, "%s/docs/scenario.md", source_dir());
    assert_non_null(doc = read_text(path, NULL));
    assert_non_null(start = strstr(doc, "```yaml\n"));
    start += 8;
    assert_non_null(end = strstr(start, "```\n"));
    *end = '\0';
    s = load_text(start);
    g = arch(s, "gateway-endpoint");
    assert_int_equal(g->route_tables[1].nroutes, 3);
    assert_int_equal(g->route_tables[1].routes[2].target, RT_GATEWAY_ENDPOINT);
    assert_int_equal(g->security_groups[0].nrules, 1);
    assert_int_equal(s->archs[0].nats[0].ips, 2);
    assert_int_equal(config_len(s->overrides), 2);
    scenario_free(s);
    free(doc);
}

/* ---- patching -------------------------------------------------------------------------------- */

#define HEAD                                                                                       \
    "version: 1\n"                                                                                 \
    "name: t\n"                                                                                    \
    "regions: [{name: r1, azs: [a1, a2]}]\n"

static void patch_order_and_shared_workloads(void **st)
{
    static const char text[] = HEAD
        "architectures:\n"                                                 /* 4 */
        "  - name: child\n"                                                /* 5 */
        "    extends: base\n"                                              /* 6 */
        "    remove: {subnets: [s2], workloads: [w2]}\n"                   /* 7 */
        "    add:\n"                                                       /* 8 */
        "      subnets: [{name: s2, vpc: v, az: a1, cidr: 10.0.9.0/24}]\n" /* 9 */
        "      workloads: [{name: w3, source: {subnet: s2}, target: {service: kms}}]\n"
        "    replace: {workloads: [{name: w1, source: {subnet: s1}, target: {service: sts}}]}\n"
        "  - name: base\n" /* 12 */
        "    vpcs: [{name: v, region: r1, cidr: 10.0.0.0/16}]\n"
        "    subnets:\n"
        "      - {name: s1, vpc: v, az: a1, cidr: 10.0.1.0/24}\n"
        "      - {name: s2, vpc: v, az: a2, cidr: 10.0.2.0/24}\n"
        "workloads:\n"
        "  - {name: w1, source: {subnet: s1}, target: {service: s3}}\n"
        "  - {name: w2, source: {subnet: s2}, target: {service: sqs}}\n";
    scenario *s = load_text(text);
    const topology *c = arch(s, "child"), *b = arch(s, "base");
    (void)st;
    assert_string_equal(s->archs[0].name, "child"); /* file order, though built parent first */
    assert_int_equal(c->nsubnets, 2);
    assert_int_equal(c->subnets[1].az, 0);
    assert_cidr(c->subnets[1].cidr, "10.0.9.0/24");
    assert_int_equal(b->subnets[1].az, 1);
    assert_int_equal(c->nworkloads, 2);
    assert_string_equal(c->workloads[0].name, "w1");
    assert_int_equal(c->workloads[0].service, SVC_STS);
    assert_string_equal(c->workloads[1].name, "w3");
    assert_int_equal(c->workloads[1].source_subnet, 1);
    assert_int_equal(b->nworkloads, 2);
    assert_int_equal(b->workloads[0].service, SVC_S3);
    assert_int_equal(b->workloads[1].service, SVC_SQS);
    assert_int_equal(b->workloads[0].rate_per_s, 0); /* no traffic: for check only */
    assert_null(b->workloads[0].traffic);
    assert_int_equal(b->workloads[0].max_attempts, 3);
    assert_int_equal(b->workloads[0].bytes_up, 1024);
    scenario_free(s);
}

static void patch_errors_name_the_architecture(void **st)
{
    (void)st;
    expect_error(HEAD "architectures:\n"
                      "  - name: base\n"
                      "    vpcs: [{name: v, region: r1, cidr: 10.0.0.0/16}]\n"
                      "    subnets: [{name: s1, vpc: v, az: a1, cidr: 10.0.1.0/24}]\n"
                      "  - name: child\n"
                      "    extends: base\n"
                      "    replace: {vpcs: [{name: v, region: r1, cidr: 10.1.0.0/16}]}\n",
                 "t.yaml:7:48: architecture 'child': subnet 's1': CIDR 10.0.1.0/24 is outside "
                 "VPC 'v' (10.1.0.0/16)");
    expect_error(HEAD "architectures:\n"
                      "  - name: base\n"
                      "    vpcs: [{name: v, region: r1, cidr: 10.0.0.0/16}]\n"
                      "  - name: child\n"
                      "    extends: base\n"
                      "    add: {subnets: [{name: s1, vpc: w, az: a1, cidr: 10.0.1.0/24}]}\n",
                 "t.yaml:9:37: architecture 'child': subnet 's1': VPC 'w' not found; did you "
                 "mean 'v'?");
    expect_error(HEAD "architectures:\n"
                      "  - name: a\n"
                      "    extends: a\n",
                 "t.yaml:6:14: architecture 'a': extends forms a cycle: a -> a");
    expect_error(HEAD "architectures:\n"
                      "  - name: a\n"
                      "    vpcs: [{name: v, region: r1, cidr: 10.0.0.0/16}]\n"
                      "    remove: {vpcs: [v, v]}\n",
                 "t.yaml:7:24: architecture 'a': remove: VPC 'v' not found (no VPCs declared)");
    expect_error(HEAD "architectures:\n"
                      "  - name: a\n"
                      "    add: {vpcs: [{name: v, region: r1, cidr: 10.0.0.0/16}]}\n"
                      "    replace: {vpcs: [{name: v, region: r1, cidr: 10.1.0.0/16}, "
                      "{name: v, region: r1, cidr: 10.2.0.0/16}]}\n",
                 "t.yaml:7:29: architecture 'a': replace: VPC 'v' not found (no VPCs declared)");
    expect_error(HEAD "architectures:\n"
                      "  - name: a\n"
                      "    vpcs: [{name: v, region: r1, cidr: 10.0.0.0/16}]\n"
                      "    replace: {vpcs: [{name: v, region: r1, cidr: 10.1.0.0/16}, "
                      "{name: v, region: r1, cidr: 10.2.0.0/16}]}\n",
                 "t.yaml:7:71: architecture 'a': replace: VPC 'v' given twice");
    expect_error(HEAD "architectures:\n"
                      "  - name: a\n"
                      "    add: {vpcs: [{name: v, region: r1, cidr: 10.0.0.0/16}]}\n"
                      "    adds: {}\n",
                 "t.yaml:7:5: unknown key 'adds' in architectures[0]; did you mean 'add'? "
                 "(allowed: name, description, extends, add, replace, remove, vpcs, subnets, "
                 "route_tables, nat_gateways, gateway_endpoints, interface_endpoints, "
                 "endpoint_services, transit_gateways, peerings, sites, resolver_endpoints, "
                 "security_groups, policies, network_acls, resource_policies, failover_records)");
    expect_error(HEAD "architectures:\n"
                      "  - name: a\n"
                      "  - name: a\n",
                 "t.yaml:6:11: duplicate architecture name 'a' (first at line 5, column 11)");
    expect_error(HEAD "architectures: []\n", "t.yaml:4:16: key 'architectures': give at least one");
}

/* ---- bad input, one file per class ----------------------------------------------------------- */

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Loads path (whose first line is `# expect: line:col: message`) and checks the message. */
static void check_bad_file(const char *path)
{
    char *text = read_text(path, NULL), want[2048];
    scenario *s = NULL;
    vs_error err = {""};
    char *nl;
    assert_non_null(text);
    if (strncmp(text, "# expect: ", 10) != 0) fail_msg("%s: line 1 is not '# expect: ...'", path);
    nl = strchr(text, '\n');
    snprintf(want, sizeof want, "%s:%.*s", path, (int)(nl - text - 10), text + 10);
    if (scenario_load_file(path, &s, &err) == 0) {
        scenario_free(s);
        fail_msg("%s loaded", path);
    }
    if (strcmp(err.msg, want) != 0) fail_msg("%s:\n got:  %s\n want: %s", path, err.msg, want);
    free(text);
}

static void bad_files(void **st)
{
    char dir[1024], path[1280], *names[256];
    size_t n = 0;
    DIR *d;
    struct dirent *e;
    (void)st;
    snprintf(dir, sizeof dir, "%s/tests/scenarios/bad", source_dir());
    assert_non_null(d = opendir(dir));
    while ((e = readdir(d)) && n < 256)
        if (strstr(e->d_name, ".yaml")) names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof names[0], compare_names);
    assert_true(n >= 45);
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        check_bad_file(path);
        free(names[i]);
    }
}

static void more_bad_input(void **st)
{
    scenario *s = (scenario *)1;
    vs_error err = {""};
    (void)st;
    assert_int_equal(scenario_load_file("/nonexistent/x.yaml", &s, &err), -1);
    assert_null(s);
    assert_string_equal(err.msg, "/nonexistent/x.yaml: cannot read: No such file or directory");
    expect_error("- 1\n", "t.yaml:1:1: a scenario is a map with version, name, regions and "
                          "architectures; got a sequence");
    expect_error("version: one\n", "t.yaml:1:10: key 'version': expected an integer, got \"one\"");
    expect_error(HEAD "architectures:\n"
                      "  - name: a\n"
                      "    vpcs: [{name: v, region: r2, cidr: 10.0.0.0/16}]\n",
                 "t.yaml:6:30: VPC 'v': Region 'r2' not found in regions; did you mean 'r1'?");
    expect_error(HEAD "architectures:\n"
                      "  - name: a\n"
                      "    vpcs: [{name: 'v/1', region: r1, cidr: 10.0.0.0/16}]\n",
                 "t.yaml:6:19: name \"v/1\": use 1 to 63 letters, digits, '-', '_' or '.', "
                 "starting with a letter or digit");
    expect_error(HEAD "architectures:\n"
                      "  - name: a\n"
                      "    vpcs: [{name: v, region: r1, cidr: 10.0.0.0/16, vpn_gateway: true}]\n"
                      "    subnets: [{name: s, vpc: v, az: a1, cidr: 10.0.0.0/24}]\n"
                      "    interface_endpoints: [{name: e, vpc: v, service: sqs, subnets: [s]},\n"
                      "                          {name: f, vpc: v, service: sqs, subnets: [s]}]\n",
                 "t.yaml:9:34: interface endpoint 'f': VPC 'v' already has private DNS for this "
                 "service through interface endpoint 'e' (AWS allows one)");
    expect_error(HEAD
                 "architectures:\n"
                 "  - name: a\n"
                 "    vpcs: [{name: v, region: r1, cidr: 10.0.0.0/16}]\n"
                 "    subnets: [{name: s, vpc: v, az: a1, cidr: 10.0.0.0/24}]\n"
                 "    endpoint_services: [{name: p, vpc: v, subnets: [s]}]\n"
                 "    interface_endpoints: [{name: e, vpc: v, endpoint_service: p, subnets: [s], "
                 "private_dns: false}]\n"
                 "workloads:\n"
                 "  - name: w\n"
                 "    source: {subnet: s}\n"
                 "    target: {endpoint_service: p}\n"
                 "    traffic: {arrival: schedule, schedule: [{at: 0s, rate: 5/s}, "
                 "{at: 0s, rate: 9/s}]}\n",
                 "t.yaml:14:71: architecture 'a': workload 'w': schedule steps start at 0s and "
                 "increase");
    expect_error(HEAD "architectures:\n"
                      "  - name: a\n"
                      "    vpcs: [{name: v, region: r1, cidr: 10.0.0.0/16}]\n"
                      "    subnets: [{name: s, vpc: v, az: a1, cidr: 10.0.0.0/24}]\n"
                      "workloads:\n"
                      "  - name: w\n"
                      "    source: {subnet: s}\n"
                      "    target: {service: s3}\n"
                      "    traffic: {rate: 5/s, retry: {mode: none, max_attempts: 2}}\n",
                 "t.yaml:12:60: architecture 'a': workload 'w': retry mode none makes exactly 1 "
                 "attempt, not 2");
    expect_error(HEAD "architectures: [{name: a}]\n"
                      "overrides: {\"link_cross_az/a1\": {latency: 1ms}}\n",
                 "t.yaml:5:13: overrides: kind 'link_cross_az' has no instances; override it as "
                 "a whole");
    expect_error(HEAD "architectures: [{name: a}]\n"
                      "overrides: {service_s3: 5}\n",
                 "t.yaml:5:25: overrides.service_s3: expected a map, got a scalar");
    expect_error(HEAD "architectures: [{name: a}]\n"
                      "overrides: {link_cros_az: {}}\n",
                 "t.yaml:5:13: overrides: unknown component kind 'link_cros_az'; did you mean "
                 "'link_cross_az'?");
}

/* Sequences longer than the loader's bound fail fast instead of costing quadratic time. */
static void long_sequences_are_refused(void **st)
{
    const char head[] = HEAD "architectures: [{name: a, vpcs: [";
    size_t n = 10001, len = strlen(head) + 2 * n + 8;
    char *text = malloc(len), *p = text;
    (void)st;
    p += sprintf(p, "%s", head);
    for (size_t i = 0; i < n; i++) p += sprintf(p, "x,");
    sprintf(p - 1, "]}]\n");
    expect_error(text, "t.yaml:4:33: key 'vpcs': more than 10000 items");
    free(text);
}

static void overrides_and_run_kept(void **st)
{
    scenario *s = load_text(HEAD "architectures: [{name: a}]\n"
                                 "overrides: {service_kms: {x: 1}, link_onprem: {y: 2}}\n"
                                 "run: {duration: 1m, seed: 9, sweep: {rate: [1, 2]}}\n");
    (void)st;
    assert_int_equal(config_len(s->overrides), 2);
    assert_string_equal(config_scalar(config_find(config_find(s->overrides, "link_onprem"), "y")),
                        "2");
    assert_string_equal(config_scalar(config_find(s->run, "seed")), "9");
    assert_int_equal(s->seed, 1); /* the table's default */
    assert_string_equal(s->description, "");
    assert_int_equal(s->archs[0].nvpcs, 0);
    scenario_free(s);
}

/* ---- mutations ------------------------------------------------------------------------------- */

/* A fixed-seed 64-bit LCG (Knuth's MMIX constants): the same mutations on every run. */
static uint64_t lcg_next(uint64_t *state)
{
    *state = *state * 6364136223846793005u + 1442695040888963407u;
    return *state >> 33;
}

static const char *const tokens[] = {
    "x",         ":",   " ",   "\n",         "- ",   "{",         "}",
    "[",         "]",   ",",   "0",          "/",    ".",         "\"",
    "'",         "&a ", "*a",  "10.0.0.0/8", "true", "nat/nat-a", "extends: nat",
    "name: nat", "s3",  "9",   "-1",         "app",  "use1-az9",  "2000/s",
    "0s",        "~",   "null"};

/* Applies one random edit to buf (text of len bytes, room for cap) and returns the new length. */
static size_t mutate(char *buf, size_t len, size_t cap, uint64_t *rng)
{
    size_t at = len ? lcg_next(rng) % len : 0, n;
    const char *tok;
    switch (lcg_next(rng) % 5) {
    case 0: /* delete a span */
        n = 1 + lcg_next(rng) % 24;
        if (at + n > len) n = len - at;
        memmove(buf + at, buf + at + n, len - at - n);
        return len - n;
    case 1: /* overwrite a byte */
        if (len) buf[at] = (char)(32 + lcg_next(rng) % 95);
        return len;
    case 2: /* duplicate a span */
        n = 1 + lcg_next(rng) % 80;
        if (at + n > len) n = len - at;
        if (len + n >= cap) return len;
        memmove(buf + at + n, buf + at, len - at);
        return len + n;
    default: /* insert a token */
        tok = tokens[lcg_next(rng) % (sizeof tokens / sizeof tokens[0])];
        n = strlen(tok);
        if (len + n >= cap) return len;
        memmove(buf + at + n, buf + at, len - at);
        memcpy(buf + at, tok, n);
        return len + n;
    }
}

/* `m.yaml:L:C: message`, L and C >= 1. */
static void assert_positioned(const char *msg, const char *text)
{
    int line = 0, col = 0, used = 0;
    if (sscanf(msg, "m.yaml:%d:%d: %n", &line, &col, &used) != 2 || used == 0 || line < 1 ||
        col < 1 || !msg[used] || strncmp(msg + used, "internal error", 14) == 0)
        fail_msg("not a positioned message: '%s'\nfor:\n%s", msg, text);
}

static void mutate_example(const char *name, uint64_t seed, int rounds, int *loaded)
{
    char path[1024], *base, *buf;
    size_t len, cap;
    uint64_t rng = seed;
    snprintf(path, sizeof path, "%s/experiments/examples/%s", source_dir(), name);
    assert_non_null(base = read_text(path, &len));
    cap = len * 2 + 256;
    buf = malloc(cap);
    for (int r = 0; r < rounds; r++) {
        size_t n = len, edits = 1 + lcg_next(&rng) % 3;
        scenario *s = NULL;
        vs_error err = {""};
        memcpy(buf, base, len);
        for (size_t e = 0; e < edits; e++) n = mutate(buf, n, cap, &rng);
        if (scenario_load_buffer(buf, n, "m.yaml", &s, &err) == 0) {
            for (size_t a = 0; a < s->narchs; a++) check_topology(&s->archs[a]);
            scenario_free(s);
            (*loaded)++;
        } else {
            buf[n] = '\0';
            assert_positioned(err.msg, buf);
        }
    }
    free(buf);
    free(base);
}

static void mutations_load_or_fail_cleanly(void **st)
{
    int loaded = 0;
    (void)st;
    mutate_example("s3-access.yaml", 1, 1500, &loaded);
    mutate_example("hybrid-dx-vpn.yaml", 2, 1000, &loaded);
    mutate_example("hub-spoke-tgw.yaml", 3, 1000, &loaded);
    /* some mutations are harmless (comments, descriptions): both outcomes are exercised */
    assert_true(loaded > 100 && loaded < 3000);
}

/* ---- the key reference ----------------------------------------------------------------------- */

static void key_reference_is_current(void **st)
{
    char path[1024], *want, *got = NULL;
    size_t got_len = 0;
    FILE *f = open_memstream(&got, &got_len);
    (void)st;
    scenario_write_key_reference(f);
    fclose(f);
    snprintf(path, sizeof path, "%s/docs/scenario-keys.md", source_dir());
    want = read_text(path, NULL);
    if (!want || strcmp(want, got) != 0)
        fail_msg("docs/scenario-keys.md is out of date with models/scenario/scenario_keys.c: run "
                 "`cmake --build <build dir> --target scenario-keys` and commit the result");
    assert_non_null(strstr(got, "| `cidr` | string | IPv4 CIDR /16../28 | required |"));
    assert_non_null(strstr(got, "| `ips` | integer | 1..8 | `1` |"));
    free(want);
    free(got);
}

/* A scenario using every key of every table; `#@<section>` marks a line whose first key opens a
 * map of that section (a line is inserted after it with the same indentation). */
static const char all_keys[] =
    "version: 1 #@top level\n"
    "name: all\n"
    "description: every key\n"
    "seed: 3\n"
    "regions:\n"
    "  - name: r1 #@regions[]\n"
    "    azs: [a1, a2]\n"
    "architectures:\n"
    "  - name: base #@architectures[]\n"
    "    description: d\n"
    "    vpcs:\n"
    "      - name: v #@vpcs[]\n"
    "        id: vpc-0a1b2c3d\n"
    "        account: \"111122223333\"\n"
    "        region: r1\n"
    "        cidr: 10.0.0.0/16\n"
    "        internet_gateway: igw\n"
    "        vpn_gateway: true\n"
    "      - {name: p, region: r1, cidr: 10.1.0.0/16}\n"
    "      - {name: q, region: r1, cidr: 10.2.0.0/16}\n"
    "    subnets:\n"
    "      - name: s1 #@subnets[]\n"
    "        vpc: v\n"
    "        az: a1\n"
    "        cidr: 10.0.1.0/24\n"
    "        public: true\n"
    "        route_table: rt\n"
    "        shared_with: [\"444455556666\"]\n"
    "      - {name: s2, vpc: v, az: a2, cidr: 10.0.2.0/24}\n"
    "      - {name: p1, vpc: p, az: a1, cidr: 10.1.1.0/24}\n"
    "      - {name: q1, vpc: q, az: a1, cidr: 10.2.1.0/24}\n"
    "    route_tables:\n"
    "      - name: rt #@route_tables[]\n"
    "        vpc: v\n"
    "        main: true\n"
    "        routes:\n"
    "          - destination: 0.0.0.0/0 #@route_tables[].routes[]\n"
    "            target: nat/n\n"
    "          - {prefix_list: dynamodb, target: gateway_endpoint/g2}\n"
    "          - {destination: 10.1.0.0/16, target: peering/pq}\n"
    "          - {destination: 10.2.0.0/16, target: tgw/t}\n"
    "          - {destination: 172.16.0.0/12, target: vgw}\n"
    "    nat_gateways:\n"
    "      - name: n #@nat_gateways[]\n"
    "        subnet: s1\n"
    "        ips: 3\n"
    "        public_ip: 203.0.113.7\n"
    "        connectivity: public\n"
    "    gateway_endpoints:\n"
    "      - name: g #@gateway_endpoints[]\n"
    "        id: vpce-0123\n"
    "        vpc: v\n"
    "        service: s3\n"
    "        route_tables: [rt]\n"
    "        policy: pol\n"
    "      - {name: g2, vpc: v, service: dynamodb}\n"
    "    interface_endpoints:\n"
    "      - name: i #@interface_endpoints[]\n"
    "        id: vpce-0456\n"
    "        vpc: v\n"
    "        service: kms\n"
    "        subnets: [s1, s2]\n"
    "        security_groups: [sg]\n"
    "        private_dns: true\n"
    "        dns_shared_with: [p]\n"
    "        policy: pol\n"
    "      - {name: i2, vpc: v, endpoint_service: es, subnets: [s1], connection: accepted, "
    "account: \"444455556666\"}\n"
    "    endpoint_services:\n"
    "      - name: es #@endpoint_services[]\n"
    "        vpc: p\n"
    "        subnets: [p1]\n"
    "        port: 8443\n"
    "        cross_zone: true\n"
    "        allowed_principals: [\"arn:aws:iam::444455556666:root\"]\n"
    "        acceptance_required: true\n"
    "        supported_regions: [r1]\n"
    "        targets: [p1]\n"
    "    transit_gateways:\n"
    "      - name: t #@transit_gateways[]\n"
    "        region: r1\n"
    "        peers: [t2]\n"
    "        account: \"111122223333\"\n"
    "        shared_with: [\"444455556666\"]\n"
    "        attachments:\n"
    "          - name: va #@transit_gateways[].attachments[]\n"
    "            vpc: v\n"
    "            subnets: [s1]\n"
    "            route_table: main\n"
    "          - {name: dxa, direct_connect_gateway: true}\n"
    "          - {name: vpa, vpn: true}\n"
    "        route_tables:\n"
    "          - name: main #@transit_gateways[].route_tables[]\n"
    "            routes:\n"
    "              - destination: 10.0.0.0/16 #@transit_gateways[].route_tables[].routes[]\n"
    "                attachment: va\n"
    "              - {destination: 10.9.0.0/16, blackhole: true}\n"
    "              - {destination: 10.8.0.0/16, peer: t2}\n"
    "      - {name: t2, region: r1}\n"
    "    peerings:\n"
    "      - name: pq #@peerings[]\n"
    "        vpcs: [v, p]\n"
    "    sites:\n"
    "      - name: dc #@sites[]\n"
    "        cidr: 192.168.0.0/16\n"
    "        region: r1\n"
    "        dns_resolver: res\n"
    "        direct_connect:\n"
    "          location: EqDC2 #@sites[].direct_connect\n"
    "          distance_km: 12.5\n"
    "          port_speed: 500Mbps\n"
    "          vif: transit\n"
    "          transit_gateway: t\n"
    "        vpn:\n"
    "          tunnels: 1 #@sites[].vpn\n"
    "          vpc: v\n"
    "      - {name: dc2, cidr: 172.20.0.0/16, region: r1, vpn: {transit_gateway: t, ecmp: true, "
    "tunnel_bandwidth: large}, "
    "direct_connect: {location: L, distance_km: 1, port_speed: 1Gbps, vif: private, vpc: v}}\n"
    "    resolver_endpoints:\n"
    "      - name: res #@resolver_endpoints[]\n"
    "        vpc: v\n"
    "        subnets: [s1, s2]\n"
    "    security_groups:\n"
    "      - name: sg #@security_groups[]\n"
    "        vpc: v\n"
    "        ingress:\n"
    "          - ports: 443 #@security_groups[].ingress[], .egress[]\n"
    "            cidr: 10.0.0.0/8\n"
    "        egress:\n"
    "          - {ports: all, security_group: sg}\n"
    "          - {ports: 443, prefix_list: s3}\n"
    "    policies:\n"
    "      - name: pol #@policies[]\n"
    "        statements:\n"
    "          - sid: s #@policies[].statements[]\n"
    "            effect: Deny\n"
    "            actions: [\"kms:*\"]\n"
    "            resources: [\"*\"]\n"
    "            principals: [\"123456789012\"]\n"
    "            conditions: {StringNotEquals: {\"aws:SourceVpce\": [vpce-0123]}, "
    "BoolIfExists: {\"aws:SecureTransport\": \"false\"}}\n"
    "    network_acls:\n"
    "      - name: acl #@network_acls[]\n"
    "        vpc: v\n"
    "        subnets: [s2]\n"
    "        ingress:\n"
    "          - rule: 100 #@network_acls[].ingress[], .egress[]\n"
    "            action: allow\n"
    "            protocol: tcp\n"
    "            ports: 443\n"
    "            cidr: 10.0.0.0/8\n"
    "        egress:\n"
    "          - {rule: 90, action: deny, cidr: 10.9.0.0/16}\n"
    "          - {rule: 100, action: allow, cidr: 0.0.0.0/0}\n"
    "    resource_policies:\n"
    "      - name: bucket #@resource_policies[]\n"
    "        service: s3\n"
    "        resource: \"arn:aws:s3:::b*\"\n"
    "        policy: pol\n"
    "        account: \"111122223333\"\n"
    "    failover_records:\n"
    "      - name: rec #@failover_records[]\n"
    "        primary:\n"
    "          service: kms #@failover_records[].primary, .secondary\n"
    "          region: r1\n"
    "        secondary: {endpoint_service: es}\n"
    "        ttl: 30s\n"
    "        health_check:\n"
    "          interval: 10s #@failover_records[].health_check\n"
    "          failure_threshold: 2\n"
    "  - name: child\n"
    "    extends: base\n"
    "    add:\n"
    "      workloads: [] #@architectures[].add, .replace, .remove\n"
    "    replace: {}\n"
    "    remove: {}\n"
    "workloads:\n"
    "  - name: w1 #@workloads[]\n"
    "    source:\n"
    "      subnet: s1 #@workloads[].source\n"
    "      security_groups: [sg]\n"
    "    target:\n"
    "      service: kms #@workloads[].target\n"
    "      region: r1\n"
    "    port: 443\n"
    "    dns: zonal\n"
    "    action: kms:Decrypt\n"
    "    resource: \"*\"\n"
    "    principal: \"*\"\n"
    "    principal_org: o-abc\n"
    "    identity_policy: pol\n"
    "    secure_transport: true\n"
    "    ephemeral_ports: 32768-60999\n"
    "    traffic:\n"
    "      arrival: onoff #@workloads[].traffic\n"
    "      rate: 5/s\n"
    "      on: 1s\n"
    "      off: 2s\n"
    "      request_size: 1KiB\n"
    "      response_size: 2KiB\n"
    "      reuse_connections: false\n"
    "      timeout: 1s\n"
    "      retry:\n"
    "        mode: standard #@workloads[].traffic.retry\n"
    "        max_attempts: 4\n"
    "  - name: w2\n"
    "    source: {site: dc}\n"
    "    target: {endpoint_service: es}\n"
    "    traffic:\n"
    "      arrival: schedule\n"
    "      schedule:\n"
    "        - at: 0s #@workloads[].traffic.schedule[]\n"
    "          rate: 1/s\n"
    "  - {name: w3, source: {site: dc}, target: {internet: 8.8.8.8}, traffic: {arrival: replay, "
    "file: t.csv}}\n"
    "  - {name: w4, source: {site: dc}, target: {service: s3}, traffic: {arrival: closed, "
    "clients: 2, think_time: 1ms}}\n"
    "  - {name: w5, source: {subnet: s1}, target: {record: rec}}\n"
    "  - name: w7\n"
    "    source: {subnet: s1}\n"
    "    target: {service: dynamodb}\n"
    "    dynamodb:\n"
    "      partitions: 4 #@workloads[].dynamodb\n"
    "      keys: hot\n"
    "      consistency: strong\n"
    "      item_size: 8KiB\n"
    "      capacity: 5000/s\n"
    "  - name: w8\n"
    "    source: {subnet: s1}\n"
    "    target: {service: kinesis-streams}\n"
    "    kinesis:\n"
    "      shards: 3 #@workloads[].kinesis\n"
    "overrides: {\"nat_gateway/n\": {}, \"vpn_tunnel/dc\": {}, \"direct_connect/dc2\": {}, "
    "\"client/w1\": {}, \"internet_gateway/igw\": {}, \"nlb/es\": {}}\n"
    "run:\n"
    "  duration: 1m #@run\n"
    "  warmup: 1s\n"
    "  replications: 2\n"
    "  sweep: {}\n"
    "  seed: 5\n"
    "  precision:\n"
    "    metric: p99 #@run.precision\n"
    "    relative_half_width: 5%\n"
    "    confidence: 90%\n"
    "    min_replications: 2\n"
    "    max_replications: 3\n"
    "faults:\n"
    "  - kind: latency #@faults[]\n"
    "    component: interface_endpoint/i\n"
    "    az: a1\n"
    "    add: 1ms\n"
    "    start: 1s\n"
    "    end: 2s\n"
    "  - {kind: errors, component: service_kms, rate: 0.1, start: 0s}\n"
    "  - {kind: region, region: r1, start: 1s, end: 2s}\n"
    "output:\n"
    "  records: 0.5 #@output\n"
    "  spans: 0.1\n"
    "  series_bin: 1s\n"
    "quotas: {nat_gateway_ips: 4}\n"
    "accounts:\n"
    "  - id: \"444455556666\" #@accounts[]\n"
    "    organization: o-abc123defg\n"
    "    ou: ou-ab12-cdef3456\n"
    "expect:\n"
    "  - metric: p99 #@expect[]\n"
    "    workload: w1\n"
    "    architecture: base\n"
    "    below: 1s\n"
    "  - {metric: utilisation, component: interface_endpoint/i, above: 1%}\n";

/* The text with "zz_unknown: 1" inserted after the line marked #@title. */
static char *inject(const char *title, size_t *len)
{
    char marker[160];
    const char *m, *line, *key, *eol;
    char *out = malloc(sizeof all_keys + 64);
    size_t pre;
    snprintf(marker, sizeof marker, "#@%s\n", title);
    if (!(m = strstr(all_keys, marker))) return free(out), NULL;
    for (line = m; line > all_keys && line[-1] != '\n'; line--) continue;
    for (key = line; *key == ' ' || *key == '-'; key++) continue;
    eol = strchr(m, '\n') + 1;
    pre = (size_t)(eol - all_keys);
    memcpy(out, all_keys, pre);
    *len = pre + (size_t)sprintf(out + pre, "%*szz_unknown: 1\n", (int)(key - line), "");
    strcpy(out + *len, eol);
    *len += strlen(eol);
    return out;
}

static void keys_agree_with_loader(void **st)
{
    static const char *const titles[] = {"top level",
                                         "regions[]",
                                         "architectures[]",
                                         "architectures[].add, .replace, .remove",
                                         "vpcs[]",
                                         "subnets[]",
                                         "route_tables[]",
                                         "route_tables[].routes[]",
                                         "nat_gateways[]",
                                         "gateway_endpoints[]",
                                         "interface_endpoints[]",
                                         "endpoint_services[]",
                                         "transit_gateways[]",
                                         "transit_gateways[].attachments[]",
                                         "transit_gateways[].route_tables[]",
                                         "transit_gateways[].route_tables[].routes[]",
                                         "peerings[]",
                                         "sites[]",
                                         "sites[].direct_connect",
                                         "sites[].vpn",
                                         "resolver_endpoints[]",
                                         "security_groups[]",
                                         "security_groups[].ingress[], .egress[]",
                                         "policies[]",
                                         "policies[].statements[]",
                                         "network_acls[]",
                                         "network_acls[].ingress[], .egress[]",
                                         "resource_policies[]",
                                         "workloads[]",
                                         "workloads[].source",
                                         "workloads[].target",
                                         "workloads[].traffic",
                                         "workloads[].traffic.retry",
                                         "workloads[].traffic.schedule[]",
                                         "run",
                                         "run.precision",
                                         "faults[]",
                                         "output",
                                         "expect[]",
                                         "accounts[]",
                                         "failover_records[]",
                                         "failover_records[].primary, .secondary",
                                         "failover_records[].health_check",
                                         "workloads[].dynamodb",
                                         "workloads[].kinesis"};
    scenario *s = load_text(all_keys);
    size_t nsections = 0;
    (void)st;
    for (size_t a = 0; a < s->narchs; a++) check_topology(&s->archs[a]);
    scenario_free(s);
    assert_null(scenario_keydefs("nope"));
    for (size_t i = 0; i < sizeof titles / sizeof titles[0]; i++) {
        const config_keydef *defs = scenario_keydefs(titles[i]);
        char allowed[1024] = "(allowed: ", *text;
        size_t len = 0;
        vs_error err = {""};
        if (!defs) fail_msg("no key table titled '%s'", titles[i]);
        nsections++;
        for (const config_keydef *d = defs; d->name; d++) {
            char used[80];
            snprintf(used, sizeof used, "%s:", d->name);
            if (!strstr(all_keys, used))
                fail_msg("%s: key '%s' unused in the test", titles[i], d->name);
            strcat(allowed, d->name);
            strcat(allowed, d[1].name ? ", " : ")");
        }
        assert_non_null(text = inject(titles[i], &len));
        assert_int_equal(scenario_load_buffer(text, len, "k.yaml", &s, &err), -1);
        if (!strstr(err.msg, "unknown key 'zz_unknown'") || !strstr(err.msg, allowed))
            fail_msg("%s: the loader checks other keys:\n got: %s\n want: %s", titles[i], err.msg,
                     allowed);
        free(text);
    }
    /* every section of the reference is covered above */
    {
        char *ref = NULL;
        size_t n = 0, count = 0;
        FILE *f = open_memstream(&ref, &n);
        scenario_write_key_reference(f);
        fclose(f);
        for (const char *p = ref; (p = strstr(p, "\n## `")); p++) count++;
        assert_int_equal(count, nsections + 1); /* + overrides, which has kinds, not keys */
        free(ref);
    }
}

/* The kinds `overrides:` accepts are exactly the parameter registry's (models/components/params.c).
 */
static void override_kinds_match_registry(void **st)
{
    size_t nkinds, listed = 0;
    const param_kind *kinds = params_kinds(&nkinds);
    char *ref = NULL, *section;
    size_t n = 0;
    FILE *f = open_memstream(&ref, &n);
    (void)st;
    scenario_write_key_reference(f);
    fclose(f);
    assert_non_null(section = strstr(ref, "\n## `overrides`"));
    *strstr(section + 1, "\n## ") = '\0';
    for (size_t k = 0; k < nkinds; k++) {
        char text[256], row[96];
        scenario *s;
        snprintf(text, sizeof text, HEAD "architectures: [{name: a}]\noverrides: {%s: {}}\n",
                 kinds[k].name);
        s = load_text(text);
        scenario_free(s);
        snprintf(row, sizeof row, "\n| `%s` |", kinds[k].name);
        if (!strstr(section, row)) fail_msg("kind %s missing from the reference", kinds[k].name);
    }
    for (const char *p = section; (p = strstr(p, "\n| `")); p++) listed++;
    assert_int_equal(listed, nkinds);
    free(ref);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(examples_load),
        cmocka_unit_test(s3_example_baseline),
        cmocka_unit_test(s3_example_patches),
        cmocka_unit_test(s3_example_workload),
        cmocka_unit_test(hybrid_example),
        cmocka_unit_test(hub_spoke_example),
        cmocka_unit_test(guide_example),
        cmocka_unit_test(patch_order_and_shared_workloads),
        cmocka_unit_test(patch_errors_name_the_architecture),
        cmocka_unit_test(bad_files),
        cmocka_unit_test(more_bad_input),
        cmocka_unit_test(long_sequences_are_refused),
        cmocka_unit_test(overrides_and_run_kept),
        cmocka_unit_test(mutations_load_or_fail_cleanly),
        cmocka_unit_test(key_reference_is_current),
        cmocka_unit_test(keys_agree_with_loader),
        cmocka_unit_test(override_kinds_match_registry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
