/* libFuzzer target for the scenario loader: any bytes must either load into topologies whose
 * every index is in range, or fail with a `fuzz:line:col: message`.
 * build: clang -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -Isim sim/engine/error.c \
 *        sim/engine/arena.c sim/io/units.c sim/io/config.c sim/io/config_read.c sim/io/dist.c
 * sim/engine/rng.c models/components/topology.c \ models/scenario*.c tests/fuzz_scenario.c -lyaml
 * -lgsl -lgslcblas -lm
 * run:   ./a.out -max_total_time=300 -dict=tests/fuzz_corpus/scenario.dict \
 *        tests/fuzz_corpus/scenario */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vpcsim/aws/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_scenario: %s:%d: %s\n", __FILE__, __LINE__, #cond);              \
            abort();                                                                               \
        }                                                                                          \
    } while (0)
#define IN(i, n) ((i) >= 0 && (size_t)(i) < (n))

static void check_positioned(const char *msg)
{
    int line = 0, col = 0, used = 0;
    if (sscanf(msg, "fuzz:%d:%d: %n", &line, &col, &used) != 2 || used == 0 || line < 1 ||
        col < 1 || !msg[used] || strncmp(msg + used, "internal error", 14) == 0) {
        fprintf(stderr, "fuzz_scenario: unpositioned message: %s\n", msg);
        abort();
    }
}

static void check_routes(const topology *t)
{
    for (size_t i = 0; i < t->nroute_tables; i++) {
        const topo_route_table *rt = &t->route_tables[i];
        CHECK(IN(rt->vpc, t->nvpcs) && rt->nroutes >= 1 && rt->routes[0].target == RT_LOCAL);
        for (size_t k = 0; k < rt->nroutes; k++) {
            const topo_route *r = &rt->routes[k];
            size_t n = r->target == RT_NAT                ? t->nnats
                       : r->target == RT_IGW              ? t->nigws
                       : r->target == RT_TGW              ? t->ntgws
                       : r->target == RT_PEERING          ? t->npeerings
                       : r->target == RT_GATEWAY_ENDPOINT ? t->ngateway_endpoints
                                                          : 0;
            CHECK(n ? IN(r->target_index, n) : r->target_index == -1);
            CHECK((r->prefix_list >= 0) == (r->target == RT_GATEWAY_ENDPOINT));
        }
    }
}

static void check_elements(const topology *t)
{
    for (size_t i = 0; i < t->nsubnets; i++)
        CHECK(IN(t->subnets[i].vpc, t->nvpcs) && IN(t->subnets[i].az, t->nazs) &&
              (t->subnets[i].route_table == -1 || IN(t->subnets[i].route_table, t->nroute_tables)));
    for (size_t i = 0; i < t->nnats; i++) CHECK(IN(t->nats[i].subnet, t->nsubnets));
    for (size_t i = 0; i < t->ninterface_endpoints; i++)
        for (size_t k = 0; k < t->interface_endpoints[i].nsubnets; k++)
            CHECK(IN(t->interface_endpoints[i].subnets[k], t->nsubnets));
    for (size_t i = 0; i < t->ntgws; i++)
        for (size_t k = 0; k < t->tgws[i].nattachments; k++)
            CHECK(IN(t->tgws[i].attachments[k].route_table, t->tgws[i].nroute_tables));
    for (size_t i = 0; i < t->nsites; i++)
        CHECK(IN(t->sites[i].region, t->nregions) &&
              (!t->sites[i].dx.present || (t->sites[i].dx.vpc >= 0) != (t->sites[i].dx.tgw >= 0)));
    for (size_t i = 0; i < t->nworkloads; i++) {
        const topo_workload *w = &t->workloads[i];
        CHECK((w->source_subnet >= 0) != (w->source_site >= 0) && w->nsource_sgs <= 8);
        CHECK(w->source_subnet < 0 || IN(w->source_subnet, t->nsubnets));
        CHECK(w->target != TARGET_AWS_SERVICE || IN(w->service, SVC_COUNT));
        CHECK(w->record == -1 || IN(w->record, t->nfailover_records));
    }
    for (size_t i = 0; i < t->nfailover_records; i++) {
        const topo_failover_record *r = &t->failover_records[i];
        for (int k = 0; k < 1 + r->has_secondary; k++) {
            const topo_target *x = k ? &r->secondary : &r->primary;
            CHECK(x->kind != TARGET_AWS_SERVICE ||
                  (IN(x->service, SVC_COUNT) && IN(x->service_region, t->nregions)));
            CHECK(x->kind != TARGET_ENDPOINT_SERVICE ||
                  IN(x->endpoint_service, t->nendpoint_services));
        }
        CHECK(r->failure_threshold >= 1 && r->failure_threshold <= 10 && r->ttl_ns >= 0);
    }
    for (size_t i = 0; i < t->nendpoint_services; i++)
        for (size_t k = 0; k < t->endpoint_services[i].nsupported_regions; k++)
            CHECK(IN(t->endpoint_services[i].supported_regions[k], t->nregions));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    scenario *s = NULL;
    vs_error err = {""};
    if (scenario_load_buffer((const char *)data, size, "fuzz", &s, &err)) {
        CHECK(s == NULL);
        check_positioned(err.msg);
        return 0;
    }
    CHECK(s->narchs >= 1);
    for (size_t a = 0; a < s->narchs; a++) {
        check_routes(&s->archs[a]);
        check_elements(&s->archs[a]);
    }
    scenario_free(s);
    return 0;
}
