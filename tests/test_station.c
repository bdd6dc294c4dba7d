/* The queueing station and request plumbing on hand-computed timelines: FIFO order, c servers,
 * processor sharing finish times, bandwidth service, drops, added delay, routes, time-integral
 * statistics, the source (arrivals, warm-up, batches, in-flight ring), errors and determinism;
 * fault windows (down, slow, errors), time series and sampled spans against what a logging
 * source saw and against exact identities (Little's law over a run that starts and ends empty). */
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_run.h"

#include "vpcsim/rng.h"
#include "vpcsim/aws/station.h"

/* cmocka 1.1 has no double comparison: this one prints both values. */
#define assert_near(got, want, tol)                                                                \
    do {                                                                                           \
        double got_ = (got), want_ = (want);                                                       \
        if (!(fabs(got_ - want_) <= (tol)))                                                        \
            fail_msg("%s = %.17g, want %.17g (tolerance %g)", #got, got_, want_, (double)(tol));   \
    } while (0)

#define MS VS_NS_PER_MS
#define US VS_NS_PER_US

/* ---- a probe LP: injects scripted requests, logs what comes back ---------------------------- */

typedef struct inject {
    vs_time at;     /* creation time */
    uint32_t id;    /* request id */
    uint32_t bytes; /* request size */
} inject;

typedef struct probe_params {
    const flow_table *flows;
    uint16_t route;
    const inject *inj; /* script */
    int n;             /* its length */
} probe_params;

enum { LOG_MAX = 64 };
typedef struct record {
    uint32_t type, id, hop;
    vs_time t;
} record;

typedef struct probe_state {
    int n;
    record log[LOG_MAX];
} probe_state;

static void probe_init(void *state, vs_lp *self, const void *arg)
{
    (void)state;
    const probe_params *p = arg;
    for (int i = 0; i < p->n; i++) {
        flow_req r = {p->inj[i].id, lp_id(self), p->inj[i].bytes, p->route, 0, true};
        flow_start(self, p->flows, r, p->inj[i].at);
    }
}

static void probe_handle(void *state, vs_lp *self, const vs_event *ev)
{
    (void)self;
    probe_state *s = state;
    flow_req r = flow_unpack(ev->data);
    if (s->n < LOG_MAX) s->log[s->n] = (record){ev->type, r.id, r.hop, ev->time};
    s->n++;
}

static const lp_kind probe_kind = {
    .name = "probe", .state_size = sizeof(probe_state), .init = probe_init, .handle = probe_handle};

/* A probe (LP 0) and up to four stations (LPs 1..) on route {1, ..., nst}; runs until `end`. */
typedef struct bench {
    vs_engine *eng;
    dist_set *set;
    uint32_t hops[4];
    flow_route route;
    flow_table table;
    probe_params probe;
    station_params st[4];
} bench;

static void bench_init(bench *b, int nst, const inject *inj, int n)
{
    vs_error err = {{0}};
    memset(b, 0, sizeof *b);
    b->eng = engine_new(&(engine_opts){.threads = 1, .seed = 1}, &err);
    b->set = dist_set_new();
    assert_non_null(b->eng);
    for (int i = 0; i < nst; i++) b->hops[i] = (uint32_t)(i + 1);
    b->route = (flow_route){.hops = b->hops, .len = (uint16_t)nst};
    b->table = (flow_table){&b->route, 1};
    b->probe = (probe_params){&b->table, 0, inj, n};
    for (int i = 0; i < nst; i++)
        b->st[i] = (station_params){.flows = &b->table, .servers = 1, .queue_capacity = -1};
}

static void bench_run(bench *b, int nst, vs_time end)
{
    vs_error err = {{0}};
    assert_int_equal(engine_add_lp(b->eng, &probe_kind, "probe", 0, &b->probe, &err), 0);
    for (int i = 0; i < nst; i++) {
        char name[16];
        snprintf(name, sizeof name, "st%d", i);
        if (station_add(b->eng, name, 0, &b->st[i], &err) != i + 1) fail_msg("%s", err.msg);
    }
    assert_int_equal(flow_table_check(&b->table, engine_lp_count(b->eng), &err), 0);
    assert_int_equal(engine_run(b->eng, end, &err), 0);
}

static const probe_state *bench_log(bench *b)
{
    return engine_lp_state(b->eng, 0);
}

static void bench_fini(bench *b)
{
    engine_free(b->eng);
    dist_set_free(b->set);
}

/* Asserts the probe's log is exactly (type, id, time) x n in order. */
static void expect_log(bench *b, const record *want, int n)
{
    const probe_state *s = bench_log(b);
    assert_int_equal(s->n, n);
    for (int i = 0; i < n; i++) {
        if (s->log[i].type != want[i].type || s->log[i].id != want[i].id ||
            s->log[i].t != want[i].t)
            fail_msg("event %d: got type %u id %u t %lld, want type %u id %u t %lld", i,
                     s->log[i].type, s->log[i].id, (long long)s->log[i].t, want[i].type, want[i].id,
                     (long long)want[i].t);
    }
}

enum { DONE = FLOW_EV_DONE, DROP = FLOW_EV_DROP };

/* ---- plumbing ------------------------------------------------------------------------------- */

static void payload_round_trip(void **st)
{
    (void)st;
    flow_req r = {0xdeadbeef, 16777215, 4000000000u, 65535, FLOW_MAX_HOPS, true};
    vs_payload p = flow_pack(r);
    assert_int_equal(p.u32[0], 0xdeadbeef);
    assert_int_equal(p.u32[1], 16777215);
    assert_int_equal(p.u32[2], 4000000000u);
    assert_int_equal(p.u32[3], 65535u | (uint32_t)FLOW_MAX_HOPS << 16 | 1u << 31);
    flow_req q = flow_unpack(p);
    assert_true(q.traced);
    assert_int_equal(q.hop, FLOW_MAX_HOPS);
    r.traced = false, r.hop = 513;
    assert_false(flow_unpack(flow_pack(r)).traced);
    assert_int_equal(flow_unpack(flow_pack(r)).hop, 513);
    r.hop = FLOW_MAX_HOPS;
    assert_int_equal(q.id, r.id);
    assert_int_equal(q.origin, r.origin);
    assert_int_equal(q.bytes, r.bytes);
    assert_int_equal(q.route, r.route);
    assert_int_equal(q.hop, r.hop);
}

/* ---- FIFO ----------------------------------------------------------------------------------- */

/* One server, 1 ms each: three at once leave at 1, 2, 3 ms in arrival order; one at 0.5 ms at
 * 4 ms. */
static void fifo_serves_in_arrival_order(void **st)
{
    (void)st;
    inject inj[] = {{0, 1, 0}, {0, 2, 0}, {0, 3, 0}, {500 * US, 4, 0}};
    bench b;
    bench_init(&b, 1, inj, 4);
    b.st[0].service = dist_constant(b.set, MS);
    bench_run(&b, 1, 100 * MS);
    record want[] = {
        {DONE, 1, 0, MS}, {DONE, 2, 0, 2 * MS}, {DONE, 3, 0, 3 * MS}, {DONE, 4, 0, 4 * MS}};
    expect_log(&b, want, 4);
    bench_fini(&b);
}

/* Two servers: four at once leave two at 1 ms and two at 2 ms. */
static void fifo_servers_work_in_parallel(void **st)
{
    (void)st;
    inject inj[] = {{0, 1, 0}, {0, 2, 0}, {0, 3, 0}, {0, 4, 0}, {2500 * US, 5, 0}};
    bench b;
    bench_init(&b, 1, inj, 5);
    b.st[0].servers = 2;
    b.st[0].service = dist_constant(b.set, MS);
    bench_run(&b, 1, 100 * MS);
    record want[] = {{DONE, 1, 0, MS},
                     {DONE, 2, 0, MS},
                     {DONE, 3, 0, 2 * MS},
                     {DONE, 4, 0, 2 * MS},
                     {DONE, 5, 0, 3500 * US}};
    expect_log(&b, want, 5);
    bench_fini(&b);
}

/* Bandwidth: 1250 B at 10 Mbps is 1 ms; with a 100 us fixed part, 1.1 ms; 0 B takes the fixed
 * part only. */
static void bandwidth_service_is_bytes_over_rate(void **st)
{
    (void)st;
    inject inj[] = {{0, 1, 1250}, {10 * MS, 2, 0}, {20 * MS, 3, 125}};
    bench b;
    bench_init(&b, 1, inj, 3);
    b.st[0].bandwidth_bps = 10e6;
    bench_run(&b, 1, 100 * MS);
    record want[] = {{DONE, 1, 0, MS}, {DONE, 2, 0, 10 * MS}, {DONE, 3, 0, 20 * MS + 100 * US}};
    expect_log(&b, want, 3);
    bench_fini(&b);

    bench_init(&b, 1, inj, 1);
    b.st[0].bandwidth_bps = 10e6;
    b.st[0].service = dist_constant(b.set, 100 * US);
    bench_run(&b, 1, 100 * MS);
    record want2[] = {{DONE, 1, 0, 1100 * US}};
    expect_log(&b, want2, 1);
    const station_stats *s = station_stats_of(b.eng, 1);
    assert_non_null(s);
    assert_int_equal(s->bytes, 1250);
    bench_fini(&b);
}

/* Scale-up: a PS station of 8 Mbps (a byte is 1 us at full capacity) starting at a quarter of it
 * and checking every 1 ms. A 2000-byte job alone from 0 keeps it busy: 250 us of its work done by
 * 1 ms, when the capacity doubles; 500 us more by 2 ms, when it doubles again to the full; the last
 * 1250 us end at 3.25 ms (2 ms without scale-up). A 100-byte job at 2.5 ms keeps it busy 400 us of
 * the period [2 ms, 3 ms): under 80%, no scale-up, done at 2.9 ms. A FIFO station cannot scale. */
static void scale_up_doubles_capacity_while_busy(void **st)
{
    (void)st;
    static const struct {
        vs_time at;
        uint32_t bytes;
        double start;
        vs_time done;
    } cases[] = {{0, 2000, 0.25, 3250 * US},
                 {0, 2000, 1, 2 * MS},
                 {0, 2000, 0, 2 * MS},
                 {2500 * US, 100, 0.25, 2900 * US}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        inject inj[] = {{cases[i].at, 1, cases[i].bytes}};
        bench b;
        bench_init(&b, 1, inj, 1);
        b.st[0].discipline = STATION_PS;
        b.st[0].bandwidth_bps = 8e6;
        b.st[0].start_fraction = cases[i].start;
        b.st[0].scale_period_ns = MS;
        bench_run(&b, 1, 100 * MS);
        record want[] = {{DONE, 1, 0, cases[i].done}};
        expect_log(&b, want, 1);
        bench_fini(&b);
    }
    vs_error err = {{0}};
    flow_table t = {0};
    station_params p = {.flows = &t,
                        .servers = 1,
                        .bandwidth_bps = 8e6,
                        .queue_capacity = -1,
                        .start_fraction = 0.5,
                        .scale_period_ns = MS};
    assert_int_equal(station_params_check(&p, &err), -1);
    assert_non_null(strstr(err.msg, "scaling up needs a PS station"));
    p.discipline = STATION_PS;
    assert_int_equal(station_params_check(&p, &err), 0);
    p.scale_period_ns = 0;
    assert_int_equal(station_params_check(&p, &err), -1);
}

/* Waiting room of 1 behind one server: the third of three simultaneous arrivals is dropped and
 * its origin told after drop_notice_ns; with no waiting room the second is. */
static void fifo_drops_when_full(void **st)
{
    (void)st;
    inject inj[] = {{0, 1, 0}, {0, 2, 0}, {0, 3, 0}, {5 * MS, 4, 0}};
    bench b;
    bench_init(&b, 1, inj, 4);
    b.st[0].service = dist_constant(b.set, MS);
    b.st[0].queue_capacity = 1;
    b.st[0].drop_notice_ns = 7 * US;
    bench_run(&b, 1, 100 * MS);
    record want[] = {
        {DROP, 3, 0, 7 * US}, {DONE, 1, 0, MS}, {DONE, 2, 0, 2 * MS}, {DONE, 4, 0, 6 * MS}};
    expect_log(&b, want, 4);
    const station_stats *s = station_stats_of(b.eng, 1);
    assert_int_equal(s->arrivals, 4);
    assert_int_equal(s->drops, 1);
    assert_int_equal(s->completions, 3);
    assert_int_equal(s->peak, 2);
    bench_fini(&b);

    bench_init(&b, 1, inj, 2);
    b.st[0].service = dist_constant(b.set, MS);
    b.st[0].queue_capacity = 0;
    bench_run(&b, 1, 100 * MS);
    record want0[] = {{DROP, 2, 0, 0}, {DONE, 1, 0, MS}};
    expect_log(&b, want0, 2);
    bench_fini(&b);
}

/* ---- processor sharing ---------------------------------------------------------------------- */

/* Jobs of 2 ms and 4 ms (bytes at 8 Mbps: 1 B = 1 us) together: each runs at half speed until
 * 4 ms, when the first is done; the second has 2 ms left alone: done at 6 ms. */
static void ps_two_jobs_finish_at_4_and_6_ms(void **st)
{
    (void)st;
    inject inj[] = {{0, 1, 2000}, {0, 2, 4000}};
    bench b;
    bench_init(&b, 1, inj, 2);
    b.st[0].discipline = STATION_PS;
    b.st[0].bandwidth_bps = 8e6;
    bench_run(&b, 1, 100 * MS);
    record want[] = {{DONE, 1, 0, 4 * MS}, {DONE, 2, 0, 6 * MS}};
    expect_log(&b, want, 2);
    bench_fini(&b);
}

/* A later, shorter job: A (4 ms) alone 0-1 ms (3 ms left); B (1 ms) arrives at 1 ms: both at half
 * speed, B done at 3 ms (its completion supersedes A's at 4 ms); A has 2 ms left: done at 5 ms.
 * A later, longer job: C (2 ms) alone 0-1 ms; D (10 ms) at 1 ms pushes C's finish from 2 ms (the
 * event kept, which finds nothing due) to 3 ms; D has 9 ms left then: done at 12 ms. */
static void ps_reschedules_on_arrival(void **st)
{
    (void)st;
    inject inj[] = {{0, 1, 4000}, {MS, 2, 1000}};
    bench b;
    bench_init(&b, 1, inj, 2);
    b.st[0].discipline = STATION_PS;
    b.st[0].bandwidth_bps = 8e6;
    bench_run(&b, 1, 100 * MS);
    record want[] = {{DONE, 2, 0, 3 * MS}, {DONE, 1, 0, 5 * MS}};
    expect_log(&b, want, 2);
    /* 2 arrivals, completion events at 3 (B), 4 (A's, superseded: ignored) and 5 ms, 2 returns */
    assert_int_equal(engine_get_stats(b.eng)->events, 7);
    bench_fini(&b);

    inject inj2[] = {{0, 3, 2000}, {MS, 4, 10000}};
    bench_init(&b, 1, inj2, 2);
    b.st[0].discipline = STATION_PS;
    b.st[0].bandwidth_bps = 8e6;
    bench_run(&b, 1, 100 * MS);
    record want2[] = {{DONE, 3, 0, 3 * MS}, {DONE, 4, 0, 12 * MS}};
    expect_log(&b, want2, 2);
    /* 2 arrivals, completion events at 2 (early: rescheduled), 3 and 12 ms, 2 returns */
    assert_int_equal(engine_get_stats(b.eng)->events, 7);
    bench_fini(&b);
}

/* PS with c = 2: three 3 ms jobs share two units (2/3 each): all done at 4.5 ms; a fourth of
 * 1 ms alone at 10 ms runs at full speed (min(1, c/n) = 1). Equal finishes leave in arrival
 * order. */
static void ps_with_two_servers(void **st)
{
    (void)st;
    inject inj[] = {{0, 1, 0}, {0, 2, 0}, {0, 3, 0}, {10 * MS, 4, 0}};
    bench b;
    bench_init(&b, 1, inj, 4);
    b.st[0].discipline = STATION_PS;
    b.st[0].servers = 2;
    b.st[0].service = dist_constant(b.set, 3 * MS);
    bench_run(&b, 1, 100 * MS);
    record want[] = {{DONE, 1, 0, 4500 * US},
                     {DONE, 2, 0, 4500 * US},
                     {DONE, 3, 0, 4500 * US},
                     {DONE, 4, 0, 13 * MS}};
    expect_log(&b, want, 4);
    const station_stats *s = station_stats_of(b.eng, 1);
    /* busy = min(n, 2) = 2 over [0, 4.5 ms) and 1 over [10, 13 ms) of a 100 ms run */
    assert_near(s->utilisation, (2 * 4.5 + 3) / (2 * 100.0), 1e-12);
    assert_near(s->mean_waiting, 4.5 / 100, 1e-12);
    bench_fini(&b);
}

/* PS waiting room: c + capacity jobs at most (1 + 1): the third is dropped; the two 1 ms jobs
 * share the server and both finish at 2 ms. */
static void ps_drops_when_full(void **st)
{
    (void)st;
    inject inj[] = {{0, 1, 0}, {0, 2, 0}, {0, 3, 0}};
    bench b;
    bench_init(&b, 1, inj, 3);
    b.st[0].discipline = STATION_PS;
    b.st[0].queue_capacity = 1;
    b.st[0].service = dist_constant(b.set, MS);
    bench_run(&b, 1, 100 * MS);
    record want[] = {{DROP, 3, 0, 0}, {DONE, 1, 0, 2 * MS}, {DONE, 2, 0, 2 * MS}};
    expect_log(&b, want, 3);
    assert_int_equal(station_stats_of(b.eng, 1)->drops, 1);
    bench_fini(&b);
}

/* ---- routes, added delay, statistics -------------------------------------------------------- */

/* Route {st0, st1}: 1 ms at st0, 100 us added delay, 2 ms at st1, 50 us added delay home. */
static void route_visits_every_hop_then_returns(void **st)
{
    (void)st;
    inject inj[] = {{0, 9, 0}};
    bench b;
    bench_init(&b, 2, inj, 1);
    b.st[0].service = dist_constant(b.set, MS);
    b.st[0].delay = dist_constant(b.set, 100 * US);
    b.st[1].service = dist_constant(b.set, 2 * MS);
    b.st[1].delay = dist_constant(b.set, 50 * US);
    bench_run(&b, 2, 100 * MS);
    record want[] = {{DONE, 9, 1, 3150 * US}};
    expect_log(&b, want, 1);
    assert_int_equal(bench_log(&b)->log[0].hop, 1);
    assert_int_equal(station_stats_of(b.eng, 1)->completions, 1);
    assert_int_equal(station_stats_of(b.eng, 2)->completions, 1);
    assert_null(station_stats_of(b.eng, 0)); /* the probe is not a station */
    assert_null(station_stats_of(b.eng, 7));
    bench_fini(&b);
}

/* Two servers, 2 ms each, 100 B requests; A, B, C at 0 and D at 3 ms:
 *   [0,2) n=3 (A, B served, C waits)  [2,3) n=1 (C)  [3,4) n=2 (C, D)  [4,5) n=1 (D)  then 0.
 * Window [0, 6 ms): busy 2*2+1+2+1 = 8, waiting 1*2 = 2, present 6+1+2+1 = 10 (ms x jobs).
 * Window [1 ms, 6 ms): busy 2+1+2+1 = 6, waiting 1, present 3+1+2+1 = 7; only D arrives in it. */
static void statistics_integrate_the_timeline(void **st)
{
    (void)st;
    inject inj[] = {{0, 1, 100}, {0, 2, 100}, {0, 3, 100}, {3 * MS, 4, 100}};
    bench b;
    bench_init(&b, 1, inj, 4);
    b.st[0].servers = 2;
    b.st[0].service = dist_constant(b.set, 2 * MS);
    b.st[0].delay = dist_constant(b.set, 10 * MS); /* after service: not in the station */
    b.st[0].stats_until_ns = 6 * MS;
    bench_run(&b, 1, 100 * MS);
    const station_stats *s = station_stats_of(b.eng, 1);
    assert_near(s->window_ns, 6e6, 0);
    assert_near(s->utilisation, 8.0 / (2 * 6), 1e-12);
    assert_near(s->mean_waiting, 2.0 / 6, 1e-12);
    assert_near(s->mean_in_station, 10.0 / 6, 1e-12);
    assert_int_equal(s->arrivals, 4);
    assert_int_equal(s->completions, 4);
    assert_int_equal(s->bytes, 400);
    assert_int_equal(s->waits, 4);
    assert_near(station_mean_wait_ns(s), 2e6 / 4, 1e-9); /* only C waited, 2 ms */
    assert_int_equal(s->peak, 3);
    assert_false(s->out_of_memory);
    bench_fini(&b);

    bench_init(&b, 1, inj, 4);
    b.st[0].servers = 2;
    b.st[0].service = dist_constant(b.set, 2 * MS);
    b.st[0].stats_from_ns = MS;
    b.st[0].stats_until_ns = 6 * MS;
    bench_run(&b, 1, 100 * MS);
    s = station_stats_of(b.eng, 1);
    assert_near(s->window_ns, 5e6, 0);
    assert_near(s->utilisation, 6.0 / (2 * 5), 1e-12);
    assert_near(s->mean_waiting, 1.0 / 5, 1e-12);
    assert_near(s->mean_in_station, 7.0 / 5, 1e-12);
    assert_int_equal(s->arrivals, 1);
    assert_int_equal(s->completions, 4); /* at 2, 2, 4 and 5 ms */
    assert_int_equal(s->waits, 1);
    assert_near(station_mean_wait_ns(s), 0, 0);
    bench_fini(&b);

    /* No end given: the window closes with the run, at 8 ms. */
    bench_init(&b, 1, inj, 4);
    b.st[0].servers = 2;
    b.st[0].service = dist_constant(b.set, 2 * MS);
    bench_run(&b, 1, 8 * MS);
    s = station_stats_of(b.eng, 1);
    assert_near(s->window_ns, 8e6, 0);
    assert_near(s->mean_in_station, 10.0 / 8, 1e-12);
    bench_fini(&b);

    /* The run ends at 3.5 ms with C and D in service: integrals stop there. */
    bench_init(&b, 1, inj, 4);
    b.st[0].servers = 2;
    b.st[0].service = dist_constant(b.set, 2 * MS);
    bench_run(&b, 1, 3500 * US);
    s = station_stats_of(b.eng, 1);
    assert_near(s->window_ns, 3.5e6, 0);
    assert_near(s->mean_in_station, (6 + 1 + 1) / 3.5, 1e-12);
    assert_int_equal(s->completions, 2);
    bench_fini(&b);
}

/* ---- the source ----------------------------------------------------------------------------- */

typedef struct src_bench {
    vs_engine *eng;
    dist_set *set;
    uint32_t hops[1];
    flow_route route;
    flow_table table;
    flow_source_params src;
    station_params st;
} src_bench;

static void src_init(src_bench *b, uint64_t seed)
{
    vs_error err = {{0}};
    memset(b, 0, sizeof *b);
    b->eng = engine_new(&(engine_opts){.threads = 1, .seed = seed}, &err);
    b->set = dist_set_new();
    b->hops[0] = 1;
    b->route = (flow_route){.hops = b->hops, .len = 1};
    b->table = (flow_table){&b->route, 1};
    b->src = (flow_source_params){.flows = &b->table, .arrivals = FLOW_ARRIVALS_CONSTANT};
    b->st = (station_params){.flows = &b->table, .servers = 1, .queue_capacity = -1};
}

static const flow_source_stats *src_run(src_bench *b, vs_time end)
{
    vs_error err = {{0}};
    if (flow_source_add(b->eng, "src", 0, &b->src, &err) != 0) fail_msg("%s", err.msg);
    if (station_add(b->eng, "st", 0, &b->st, &err) != 1) fail_msg("%s", err.msg);
    assert_int_equal(engine_run(b->eng, end, &err), 0);
    const flow_source_stats *s = flow_source_stats_of(b->eng, 0);
    assert_non_null(s);
    assert_null(flow_source_stats_of(b->eng, 1));
    return s;
}

static void src_fini(src_bench *b)
{
    engine_free(b->eng);
    dist_set_free(b->set);
}

/* 1000/s constant from 1 ms, horizon 100 ms: arrivals at 1..99 ms, 90 of them after the 10 ms
 * warm-up, 10 per 10 ms batch; 0.5 ms service: every sojourn is exactly 0.5 ms. */
static void source_constant_arrivals_warmup_and_batches(void **st)
{
    (void)st;
    src_bench b;
    src_init(&b, 1);
    b.src.rate_per_s = 1000;
    b.src.bytes = 10;
    b.src.warmup_ns = 10 * MS;
    b.src.horizon_ns = 100 * MS;
    b.src.batches = 9;
    b.st.service = dist_constant(b.set, 500 * US);
    const flow_source_stats *s = src_run(&b, VS_TIME_LIMIT);
    assert_int_equal(s->created, 99);
    assert_int_equal(s->measured, 90);
    assert_int_equal(s->completed, 90);
    assert_int_equal(s->dropped, 0);
    assert_int_equal(s->in_flight, 0);
    assert_int_equal(s->sojourn.count, 90);
    assert_int_equal(s->sojourn.min, 500 * US);
    assert_int_equal(s->sojourn.max, 500 * US);
    double means[FLOW_MAX_BATCHES];
    assert_int_equal(flow_batch_sojourn_means(s, means), 9);
    for (int i = 0; i < 9; i++) {
        assert_int_equal(s->batch[i].created, 10);
        assert_near(means[i], 500e3, 0);
    }
    assert_int_equal(station_stats_of(b.eng, 1)->bytes, 990);
    src_fini(&b);
}

/* Constant gaps of 1 ms, 2.5 ms service, no waiting room: of every three arrivals the first is
 * served and the next two are dropped, exactly. */
static void source_counts_drops(void **st)
{
    (void)st;
    src_bench b;
    src_init(&b, 1);
    b.src.rate_per_s = 1000;
    b.src.horizon_ns = 60 * MS + 1; /* arrivals at 1..60 ms */
    b.src.batches = 2;
    b.st.service = dist_constant(b.set, 2500 * US);
    b.st.queue_capacity = 0;
    const flow_source_stats *s = src_run(&b, VS_TIME_LIMIT);
    assert_int_equal(s->measured, 60);
    assert_int_equal(s->completed, 20);
    assert_int_equal(s->dropped, 40);
    double frac[FLOW_MAX_BATCHES];
    assert_int_equal(flow_batch_drop_fractions(s, frac), 2);
    assert_near(frac[0], 2.0 / 3, 1e-15); /* 1..30 ms and 31..60 ms */
    assert_near(frac[1], 2.0 / 3, 1e-15);
    assert_int_equal(station_stats_of(b.eng, 1)->drops, 40);
    src_fini(&b);
}

/* Errors count as refused: under an ERRORS window of rate 1 over [50 ms, 80 ms), the 30 requests
 * served there (constant gaps of 1 ms, 0.5 ms service) come back as drops, the rest completed. */
static void source_counts_errors_as_refused(void **st)
{
    (void)st;
    station_fault f = {
        .kind = STATION_ERRORS, .from_ns = 50 * MS, .until_ns = 80 * MS, .error_rate = 1};
    src_bench b;
    src_init(&b, 1);
    b.src.rate_per_s = 1000;
    b.src.horizon_ns = 100 * MS; /* arrivals at 1..99 ms, served until +0.5 ms */
    b.st.service = dist_constant(b.set, 500 * US);
    b.st.faults = &f;
    b.st.nfaults = 1;
    const flow_source_stats *s = src_run(&b, VS_TIME_LIMIT);
    assert_int_equal(s->measured, 99);
    assert_int_equal(s->dropped, 30); /* served at 50.5 .. 79.5 ms */
    assert_int_equal(s->completed, 69);
    assert_int_equal(station_stats_of(b.eng, 1)->errors, 30);
    src_fini(&b);
}

/* 1 arrival per us for 5 ms into a 10 us server: request k (at k us) leaves at 1 + 10k us, so
 * thousands are in flight at once (the ring grows) and the sojourns are known exactly. */
static void source_ring_grows_with_requests_in_flight(void **st)
{
    (void)st;
    src_bench b;
    src_init(&b, 1);
    b.src.rate_per_s = 1e6;
    b.src.horizon_ns = 5 * MS;
    b.st.service = dist_constant(b.set, 10 * US);
    const flow_source_stats *s = src_run(&b, VS_TIME_LIMIT);
    assert_int_equal(s->completed, 4999);
    assert_int_equal(s->in_flight, 0);
    assert_int_equal(s->sojourn.min, 10 * US);
    assert_int_equal(s->sojourn.max, (9 * 4999 + 1) * US);
    double sum = 0;
    for (int k = 1; k <= 4999; k++) sum += (9.0 * k + 1) * 1e3;
    assert_near(s->sojourn.sum, sum, 0);
    assert_int_equal(station_stats_of(b.eng, 1)->peak, 4500); /* at 4999 us: 4999 - 499 done */
    src_fini(&b);

    src_init(&b, 1); /* stopped early: the rest are still in flight */
    b.src.rate_per_s = 1e6;
    b.src.horizon_ns = 5 * MS;
    b.st.service = dist_constant(b.set, 10 * US);
    s = src_run(&b, 10 * MS);
    assert_int_equal(s->completed, 999); /* 1 + 10k < 10000 us: k <= 999 */
    assert_int_equal(s->in_flight, 4000);
    src_fini(&b);
}

/* Poisson arrivals: the count over 10 s at 2000/s is within 4 sd of 20000; same seed, same run. */
static void source_poisson_count_and_determinism(void **st)
{
    (void)st;
    uint64_t created[3];
    double sum[3];
    for (int i = 0; i < 3; i++) {
        src_bench b;
        src_init(&b, i < 2 ? 5 : 6);
        b.src.arrivals = FLOW_ARRIVALS_POISSON;
        b.src.rate_per_s = 2000;
        b.src.horizon_ns = 10 * VS_NS_PER_S;
        b.st.service = dist_exponential(b.set, 200e3);
        const flow_source_stats *s = src_run(&b, VS_TIME_LIMIT);
        created[i] = s->created;
        sum[i] = s->sojourn.sum;
        assert_int_equal(s->completed, s->created);
        src_fini(&b);
    }
    assert_true(fabs((double)created[0] - 20000) < 4 * sqrt(20000));
    assert_int_equal(created[0], created[1]);
    assert_near(sum[0], sum[1], 0);
    assert_true(sum[2] != sum[0]);
}

/* ---- parallel runs: stations in their own groups, lookahead-safe delays --------------------- */

typedef struct par_result {
    uint64_t completed, dropped, hist_count, peak;
    double sum, util;
} par_result;

#define LOOKAHEAD (200 * US) /* between any two groups */

static par_result run_parallel(int threads)
{
    vs_error err = {{0}};
    vs_engine *e = engine_new(&(engine_opts){.threads = threads, .seed = 42}, &err);
    dist_set *set = dist_set_new();
    assert_non_null(e);
    enum { NSRC = 4 };
    uint32_t hops[NSRC][2];
    flow_route routes[NSRC];
    for (uint32_t i = 0; i < NSRC; i++) {
        hops[i][0] = NSRC + i % 2; /* two front stations, one shared back station */
        hops[i][1] = NSRC + 2;
        routes[i] = (flow_route){.hops = hops[i], .len = 2};
    }
    flow_table table = {routes, NSRC};
    flow_source_params sp[NSRC];
    for (uint32_t i = 0; i < NSRC; i++) {
        sp[i] = (flow_source_params){.flows = &table,
                                     .route = (uint16_t)i,
                                     .arrivals = FLOW_ARRIVALS_POISSON,
                                     .rate_per_s = 2000,
                                     .bytes = 1000,
                                     .send_delay_ns = LOOKAHEAD,
                                     .horizon_ns = VS_NS_PER_S,
                                     .batches = 4};
        char name[16];
        snprintf(name, sizeof name, "src%u", i);
        assert_int_equal(flow_source_add(e, name, i, &sp[i], &err), i);
    }
    /* a link latency whose minimum (a shift) keeps every cross-group send above the lookahead */
    dist link = {.family = DIST_LOGNORMAL, .shift_ns = LOOKAHEAD, .a = log(50e3), .b = 0.3};
    station_params front = {.flows = &table,
                            .servers = 2,
                            .service = dist_exponential(set, 400e3),
                            .delay = &link,
                            .queue_capacity = 3,
                            .drop_notice_ns = LOOKAHEAD};
    station_params back = front;
    back.discipline = STATION_PS;
    back.servers = 1;
    back.service = NULL;
    back.bandwidth_bps = 80e6; /* 1000 B = 100 us */
    back.queue_capacity = -1;
    assert_int_equal(station_add(e, "front0", NSRC, &front, &err), NSRC);
    assert_int_equal(station_add(e, "front1", NSRC + 1, &front, &err), NSRC + 1);
    assert_int_equal(station_add(e, "back", NSRC + 2, &back, &err), NSRC + 2);
    assert_int_equal(engine_set_default_lookahead(e, LOOKAHEAD, &err), 0);
    assert_int_equal(engine_run(e, 2 * VS_NS_PER_S, &err), 0);
    par_result r = {0};
    for (uint32_t i = 0; i < NSRC; i++) {
        const flow_source_stats *s = flow_source_stats_of(e, i);
        r.completed += s->completed;
        r.dropped += s->dropped;
        r.hist_count += s->sojourn.count;
        r.sum += s->sojourn.sum;
    }
    r.peak = station_stats_of(e, NSRC + 2)->peak;
    r.util = station_stats_of(e, NSRC)->utilisation;
    if (threads > 1) assert_true(engine_get_stats(e)->cross_events > 0);
    engine_free(e);
    dist_set_free(set);
    return r;
}

static void same_results_for_any_thread_count(void **st)
{
    (void)st;
    par_result a = run_parallel(1), b = run_parallel(2), c = run_parallel(4);
    assert_true(a.completed > 5000 && a.dropped > 0);
    assert_int_equal(a.completed, a.hist_count);
    assert_int_equal(a.completed, b.completed);
    assert_int_equal(a.completed, c.completed);
    assert_int_equal(a.dropped, c.dropped);
    assert_int_equal(a.peak, c.peak);
    assert_near(a.sum, b.sum, 0);
    assert_near(a.sum, c.sum, 0);
    assert_near(a.util, c.util, 0);
}

/* ---- a logging source: Poisson arrivals, every request's send and answer recorded -------------
 */

enum { TSRC_TICK = FLOW_EV_PRIVATE };

typedef struct tsrc_params {
    const flow_table *flows;
    double rate_per_s;  /* Poisson arrivals (exponential gaps from the LP's stream) */
    vs_time horizon_ns; /* none at or after */
    uint32_t max;       /* room in the logs */
    vs_time *sent;      /* [max] creation = arrival at hop 0 (no links, no send delay) */
    vs_time *back;      /* [max] when the answer came, -1 if none */
    uint32_t *type;     /* [max] its event type */
    double trace_rate;  /* traces request i when a hash of i is below this (as clients do) */
} tsrc_params;

typedef struct tsrc_state {
    const tsrc_params *p;
    uint32_t n; /* requests sent */
} tsrc_state;

static void tsrc_next(tsrc_state *s, vs_lp *self)
{
    vs_time gap = (vs_time)(rng_exponential(lp_rng(self), 1e9 / s->p->rate_per_s) + 0.5);
    if (lp_now(self) + gap < s->p->horizon_ns && s->n < s->p->max)
        lp_send(self, lp_id(self), gap, TSRC_TICK, (vs_payload){{0}});
}

static void tsrc_init(void *state, vs_lp *self, const void *arg)
{
    tsrc_state *s = state;
    s->p = arg;
    for (uint32_t i = 0; i < s->p->max; i++) s->p->back[i] = -1, s->p->type[i] = 0;
    tsrc_next(s, self);
}

static void tsrc_handle(void *state, vs_lp *self, const vs_event *ev)
{
    tsrc_state *s = state;
    if (ev->type == TSRC_TICK) {
        s->p->sent[s->n] = lp_now(self);
        uint64_t z = (uint64_t)s->n * 0x9e3779b97f4a7c15u; /* SplitMix64's finaliser */
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
        bool traced = (double)((z ^ (z >> 31)) >> 11) * 0x1.0p-53 < s->p->trace_rate;
        flow_start(self, s->p->flows, (flow_req){s->n++, lp_id(self), 100, 0, 0, traced}, 0);
        tsrc_next(s, self);
        return;
    }
    flow_req r = flow_unpack(ev->data);
    assert_true(r.id < s->n);
    assert_int_equal(s->p->back[r.id], -1); /* one answer per request */
    s->p->back[r.id] = ev->time;
    s->p->type[r.id] = ev->type;
}

static const lp_kind tsrc_kind = {
    .name = "tsrc", .state_size = sizeof(tsrc_state), .init = tsrc_init, .handle = tsrc_handle};

/* A logging source (LP 0) and nst stations on route {1, ..., nst}; exponential service. */
typedef struct qbench {
    vs_engine *eng;
    dist_set *set;
    uint32_t hops[2];
    flow_route route;
    flow_table table;
    tsrc_params src;
    station_params st[2];
    int nst;
} qbench;

enum { QMAX = 40000 };

static void qbench_init(qbench *q, int nst, double rate_per_s, double mean_service_ns,
                        vs_time horizon_ns, uint64_t seed)
{
    vs_error err = {{0}};
    memset(q, 0, sizeof *q);
    q->eng = engine_new(&(engine_opts){.threads = 1, .seed = seed}, &err);
    q->set = dist_set_new();
    assert_non_null(q->eng);
    q->nst = nst;
    for (int i = 0; i < nst; i++) q->hops[i] = (uint32_t)(i + 1);
    q->route = (flow_route){.hops = q->hops, .len = (uint16_t)nst};
    q->table = (flow_table){&q->route, 1};
    q->src = (tsrc_params){&q->table,
                           rate_per_s,
                           horizon_ns,
                           QMAX,
                           calloc(QMAX, sizeof(vs_time)),
                           calloc(QMAX, sizeof(vs_time)),
                           calloc(QMAX, sizeof(uint32_t)),
                           0};
    assert_true(q->src.sent && q->src.back && q->src.type);
    for (int i = 0; i < nst; i++)
        q->st[i] = (station_params){.flows = &q->table,
                                    .servers = 1,
                                    .service = dist_exponential(q->set, mean_service_ns),
                                    .queue_capacity = -1};
}

/* engine_run's result (err set on -1). */
static int qbench_try(qbench *q, vs_time end, vs_error *err)
{
    q->src.trace_rate = q->st[0].span_rate; /* the stations record what the source traces */
    assert_int_equal(engine_add_lp(q->eng, &tsrc_kind, "tsrc", 0, &q->src, err), 0);
    for (int i = 0; i < q->nst; i++) {
        char name[16];
        snprintf(name, sizeof name, "st%d", i);
        if (station_add(q->eng, name, 0, &q->st[i], err) != i + 1) fail_msg("%s", err->msg);
    }
    return engine_run(q->eng, end, err);
}

static void qbench_run(qbench *q, vs_time end)
{
    vs_error err = {{0}};
    if (qbench_try(q, end, &err)) fail_msg("%s", err.msg);
}

static uint32_t qbench_sent(qbench *q)
{
    return ((const tsrc_state *)engine_lp_state(q->eng, 0))->n;
}

static const station_stats *qbench_stats(qbench *q, int i)
{
    return station_stats_of(q->eng, (uint32_t)i + 1);
}

static void qbench_fini(qbench *q)
{
    free(q->src.sent), free(q->src.back), free(q->src.type);
    engine_free(q->eng);
    dist_set_free(q->set);
}

static bool within(vs_time t, const station_fault *f)
{
    return t >= f->from_ns && t < f->until_ns;
}

/* ---- fault windows -------------------------------------------------------------------------- */

/* DOWN windows on a single-hop M/M/c (FIFO and PS): exactly the arrivals inside a window and the
 * jobs present when it opens (arrived before, not answered before: answers come back at the end
 * of service here) never come back; everything else does; stats.lost counts them. */
static void down_case(station_discipline disc, uint32_t servers)
{
    station_fault f[] = {{.kind = STATION_DOWN, .from_ns = 2000 * MS, .until_ns = 2500 * MS},
                         {.kind = STATION_DOWN, .from_ns = 2400 * MS, .until_ns = 2450 * MS},
                         {.kind = STATION_DOWN, .from_ns = 4000 * MS, .until_ns = 4100 * MS}};
    qbench q;
    qbench_init(&q, 1, 1000, 800e3 * servers, 6 * VS_NS_PER_S, 3);
    q.st[0].discipline = disc;
    q.st[0].servers = servers;
    q.st[0].faults = f;
    q.st[0].nfaults = 3;
    station_spans sp = {0};
    q.st[0].span_rate = 1;
    q.st[0].spans = &sp;
    qbench_run(&q, 20 * VS_NS_PER_S);
    uint32_t n = qbench_sent(&q), inside = 0, present = 0, unanswered = 0;
    for (uint32_t i = 0; i < n; i++) {
        vs_time a = q.src.sent[i], b = q.src.back[i];
        bool in = within(a, &f[0]) || within(a, &f[2]);
        bool there = (a < f[0].from_ns && (b < 0 || b >= f[0].from_ns)) ||
                     (a < f[2].from_ns && (b < 0 || b >= f[2].from_ns));
        inside += in, present += there && !in;
        unanswered += b < 0;
        if ((b < 0) != (in || there))
            fail_msg("request %u (arrived %lld, answer %lld): lost %d, expected %d", i,
                     (long long)a, (long long)b, b < 0, in || there);
        if (b >= 0) assert_int_equal(q.src.type[i], FLOW_EV_DONE);
    }
    const station_stats *s = qbench_stats(&q, 0);
    assert_true(inside > 400 && present > 0); /* ~600 arrivals in the windows, some present */
    assert_int_equal(s->lost, inside + present);
    assert_int_equal(unanswered, inside + present);
    assert_int_equal(s->arrivals, n);
    assert_int_equal(s->completions, n - unanswered);
    assert_int_equal(s->errors, 0);
    assert_int_equal(sp.n, n - unanswered); /* spans of the jobs lost in service are struck */
    for (size_t i = 0; i < sp.n; i++) assert_int_equal(sp.v[i].depart_ns, q.src.back[sp.v[i].id]);
    free(sp.v);
    qbench_fini(&q);
}

static void down_window_loses_arrivals_and_jobs_present(void **st)
{
    (void)st;
    down_case(STATION_FIFO, 1);
    down_case(STATION_FIFO, 3);
    down_case(STATION_PS, 1);
}

/* A SLOW window adding a constant d (no draw): against the same run without it, a request whose
 * service ended inside the window comes back exactly d later, every other one at the same time.
 * With a random extra, requests served before the window are untouched (draws only inside). */
static void slow_window_adds_its_delay(void **st)
{
    (void)st;
    const vs_time d = 3 * MS;
    qbench base, slow;
    qbench_init(&base, 1, 2000, 300e3, 3 * VS_NS_PER_S, 4);
    base.st[0].delay = dist_constant(base.set, 100 * US);
    qbench_run(&base, 10 * VS_NS_PER_S);
    qbench_init(&slow, 1, 2000, 300e3, 3 * VS_NS_PER_S, 4);
    slow.st[0].delay = dist_constant(slow.set, 100 * US);
    station_fault f = {.kind = STATION_SLOW,
                       .from_ns = VS_NS_PER_S,
                       .until_ns = 2 * VS_NS_PER_S,
                       .extra = dist_constant(slow.set, d)};
    slow.st[0].faults = &f;
    slow.st[0].nfaults = 1;
    qbench_run(&slow, 10 * VS_NS_PER_S);
    uint32_t n = qbench_sent(&base), k = 0;
    double sum_base = 0, sum_slow = 0;
    assert_int_equal(qbench_sent(&slow), n);
    for (uint32_t i = 0; i < n; i++) {
        vs_time served = base.src.back[i] - 100 * US; /* end of service */
        bool in = within(served, &f);
        assert_int_equal(slow.src.back[i] - base.src.back[i], in ? d : 0);
        if (in) {
            k++;
            sum_base += (double)(base.src.back[i] - base.src.sent[i]);
            sum_slow += (double)(slow.src.back[i] - slow.src.sent[i]);
        }
    }
    assert_true(k > 1500);
    assert_near(sum_slow / k - sum_base / k, (double)d, 1e-6);
    qbench_fini(&slow);

    qbench_init(&slow, 1, 2000, 300e3, 3 * VS_NS_PER_S, 4);
    slow.st[0].delay = dist_constant(slow.set, 100 * US);
    f.extra = dist_exponential(slow.set, 2e6);
    slow.st[0].faults = &f;
    slow.st[0].nfaults = 1;
    qbench_run(&slow, 10 * VS_NS_PER_S);
    uint32_t same = 0, differ = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (base.src.back[i] - 100 * US < f.from_ns)
            assert_int_equal(slow.src.back[i], base.src.back[i]), same++;
        else
            differ += slow.src.back[i] != base.src.back[i];
    }
    assert_true(same > 1500 && differ > 1500);
    qbench_fini(&slow);
    qbench_fini(&base);
}

/* An ERRORS window of rate p: of the requests served inside it, the fraction answered
 * FLOW_EV_ERROR (after drop_notice_ns) lies in the binomial 99% interval; none outside; before
 * the window the run is the one without the fault, answer for answer. */
static void errors_window_answers_a_fraction_with_errors(void **st)
{
    (void)st;
    const double p = 0.2;
    const vs_time notice = 7 * US;
    station_fault f = {
        .kind = STATION_ERRORS, .from_ns = 500 * MS, .until_ns = 4500 * MS, .error_rate = p};
    qbench base, q;
    qbench_init(&base, 1, 2000, 250e3, 5 * VS_NS_PER_S, 5);
    qbench_run(&base, 10 * VS_NS_PER_S);
    qbench_init(&q, 1, 2000, 250e3, 5 * VS_NS_PER_S, 5);
    q.st[0].faults = &f;
    q.st[0].nfaults = 1;
    q.st[0].drop_notice_ns = notice;
    qbench_run(&q, 10 * VS_NS_PER_S);
    uint32_t n = qbench_sent(&q), served = 0, errors = 0;
    for (uint32_t i = 0; i < n; i++) {
        bool err = q.src.type[i] == FLOW_EV_ERROR;
        vs_time end = q.src.back[i] - (err ? notice : 0);
        assert_true(q.src.back[i] >= 0);
        if (!within(end, &f)) assert_false(err);
        if (end < f.from_ns) assert_int_equal(q.src.back[i], base.src.back[i]);
        served += within(end, &f);
        errors += err;
    }
    double frac = (double)errors / served, half = 2.5758 * sqrt(p * (1 - p) / served);
    if (fabs(frac - p) > half)
        fail_msg("error fraction %g of %u, want %g +- %g", frac, served, p, half);
    const station_stats *s = qbench_stats(&q, 0);
    assert_int_equal(s->errors, errors);
    assert_int_equal(s->completions, n);
    assert_int_equal(s->lost, 0);
    qbench_fini(&q);
    qbench_fini(&base);
}

/* Window edges on a hand-made timeline (one server, 5 ms each, errors told after 1 us): windows
 * are [from, until): a service ending at `from` is in, one ending at `until` is out; two ERRORS
 * windows overlap (rates 1 and 0: always, never); a DOWN window loses the job in service when it
 * opens and an arrival inside, and a window opening after the station's last event still does. */
static void faults_at_the_edges(void **st)
{
    (void)st;
    inject inj[] = {{0, 1, 0},       {0, 2, 0},       {20 * MS, 3, 0}, {40 * MS, 4, 0},
                    {50 * MS, 5, 0}, {58 * MS, 6, 0}, {65 * MS, 7, 0}, {70 * MS, 8, 0}};
    station_fault f[] = {
        {.kind = STATION_ERRORS, .from_ns = 10 * MS, .until_ns = 50 * MS, .error_rate = 1},
        {.kind = STATION_ERRORS, .from_ns = 15 * MS, .until_ns = 30 * MS, .error_rate = 0},
        {.kind = STATION_DOWN, .from_ns = 60 * MS, .until_ns = 70 * MS}};
    bench b;
    bench_init(&b, 1, inj, 8);
    b.st[0].service = dist_constant(b.set, 5 * MS);
    b.st[0].faults = f;
    b.st[0].nfaults = 3;
    b.st[0].drop_notice_ns = US;
    bench_run(&b, 1, 100 * MS);
    enum { ERR = FLOW_EV_ERROR };
    record want[] = {{DONE, 1, 0, 5 * MS},      {ERR, 2, 0, 10 * MS + US},
                     {ERR, 3, 0, 25 * MS + US}, {ERR, 4, 0, 45 * MS + US},
                     {DONE, 5, 0, 55 * MS},     {DONE, 8, 0, 75 * MS}};
    expect_log(&b, want, 6);
    const station_stats *s = station_stats_of(b.eng, 1);
    assert_int_equal(s->arrivals, 8);
    assert_int_equal(s->completions, 6); /* errors are services done */
    assert_int_equal(s->errors, 3);
    assert_int_equal(s->lost, 2);
    /* busy: 0-10, 20-25, 40-45, 50-55, 58-60 (lost at 60), 70-75 ms */
    assert_near(s->utilisation, 32.0 / 100, 1e-12);
    bench_fini(&b);

    /* a 50 ms job from 0; a window opens at 30 ms and the run ends at 40 ms with no event between
     */
    inject inj2[] = {{0, 1, 0}};
    station_fault g = {.kind = STATION_DOWN, .from_ns = 30 * MS, .until_ns = INT64_MAX};
    bench_init(&b, 1, inj2, 1);
    b.st[0].service = dist_constant(b.set, 50 * MS);
    b.st[0].faults = &g;
    b.st[0].nfaults = 1;
    bench_run(&b, 1, 40 * MS);
    s = station_stats_of(b.eng, 1);
    assert_int_equal(s->lost, 1);
    assert_near(s->mean_in_station, 30.0 / 40, 1e-12);
    assert_int_equal(bench_log(&b)->n, 0);
    bench_fini(&b);
}

/* ---- time series ----------------------------------------------------------------------------- */

/* One server, 2.5 ms each, room for one waiting, bins of 1 ms (4 of them, a guard after):
 * A at 0.5 ms served to 3 ms; B at 1 ms waits, served 3 to 5.5 ms; C at 1.5 ms is dropped.
 * n = 1 on [0.5, 1), 2 on [1, 3), 1 on [3, 5.5): integrals split at every whole ms. */
static void series_splits_integrals_at_bin_edges(void **st)
{
    (void)st;
    inject inj[] = {{500 * US, 1, 0}, {MS, 2, 0}, {1500 * US, 3, 0}};
    station_bin bins[5] = {{0}};
    bench b;
    bench_init(&b, 1, inj, 3);
    b.st[0].service = dist_constant(b.set, 2500 * US);
    b.st[0].queue_capacity = 1;
    b.st[0].series_bin_ns = MS;
    b.st[0].series = bins;
    b.st[0].nbins = 4;
    bench_run(&b, 1, 100 * MS);
    double busy[] = {5e5, 1e6, 1e6, 1e6}, in[] = {5e5, 2e6, 2e6, 1e6};
    uint64_t arr[] = {1, 2, 0, 0}, comp[] = {0, 0, 0, 1}, drops[] = {0, 1, 0, 0};
    for (int i = 0; i < 4; i++) {
        assert_near(bins[i].busy_ns, busy[i], 0);
        assert_near(bins[i].in_station_ns, in[i], 0);
        assert_int_equal(bins[i].arrivals, arr[i]);
        assert_int_equal(bins[i].completions, comp[i]);
        assert_int_equal(bins[i].drops, drops[i]);
        assert_int_equal(bins[i].lost + bins[i].errors, 0);
    }
    assert_near(bins[4].busy_ns + bins[4].in_station_ns, 0, 0); /* past nbins: untouched */
    bench_fini(&b);
}

/* M/M/2 with a waiting room of 2, a DOWN and an ERRORS window, statistics over [100 ms, 2 s)
 * (bins 10 .. 199 of 10 ms): the bins over the window add up to the window's integrals and
 * counts; over all bins (warm-up included) the arrivals are all the source sent. */
static void series_adds_up_to_the_window(void **st)
{
    (void)st;
    station_fault f[] = {
        {.kind = STATION_DOWN, .from_ns = 500 * MS, .until_ns = 600 * MS},
        {.kind = STATION_ERRORS, .from_ns = 1000 * MS, .until_ns = 1500 * MS, .error_rate = 0.3}};
    enum { NB = 250 };
    station_bin *bins = calloc(NB, sizeof *bins);
    qbench q;
    qbench_init(&q, 1, 3000, 1e6, 2300 * MS, 6);
    q.st[0].servers = 2;
    q.st[0].queue_capacity = 2;
    q.st[0].stats_from_ns = 100 * MS;
    q.st[0].stats_until_ns = 2000 * MS;
    q.st[0].faults = f;
    q.st[0].nfaults = 2;
    q.st[0].series_bin_ns = 10 * MS;
    q.st[0].series = bins;
    q.st[0].nbins = NB;
    qbench_run(&q, 2500 * MS);
    station_bin sum = {0};
    uint64_t all_arrivals = 0;
    for (int i = 0; i < NB; i++) {
        all_arrivals += bins[i].arrivals;
        assert_true(bins[i].busy_ns <= 2 * 10e6 && bins[i].busy_ns <= bins[i].in_station_ns);
        if ((i < 50 || i >= 60) && bins[i].lost)
            fail_msg("bin %d: %lu lost", i, (unsigned long)bins[i].lost);
        if ((i < 100 || i >= 150) && bins[i].errors) fail_msg("bin %d: errors", i);
        if (i < 10 || i >= 200) continue;
        sum.busy_ns += bins[i].busy_ns, sum.in_station_ns += bins[i].in_station_ns;
        sum.arrivals += bins[i].arrivals, sum.completions += bins[i].completions;
        sum.drops += bins[i].drops, sum.lost += bins[i].lost, sum.errors += bins[i].errors;
    }
    const station_stats *s = qbench_stats(&q, 0);
    double w = 1.9e9;
    assert_near(s->window_ns, w, 0);
    assert_near(sum.busy_ns / (s->utilisation * 2 * w), 1, 1e-9);
    assert_near(sum.in_station_ns / (s->mean_in_station * w), 1, 1e-9);
    assert_int_equal(sum.arrivals, s->arrivals);
    assert_int_equal(sum.completions, s->completions);
    assert_int_equal(sum.drops, s->drops);
    assert_int_equal(sum.lost, s->lost);
    assert_int_equal(sum.errors, s->errors);
    assert_true(s->drops > 0 && s->lost > 100 && s->errors > 100);
    assert_int_equal(all_arrivals, qbench_sent(&q));
    qbench_fini(&q);
    free(bins);
}

/* ---- spans ---------------------------------------------------------------------------------- */

/* Every request's span (rate 1) on a station that starts and ends empty: each matches what the
 * source saw (answers come at the end of service), they are in the order they ended, and their
 * mean time in station equals the station's own (Little: the area under n(t) over a run that
 * begins and ends empty is the sum of the times in station). */
static void spans_case(station_discipline disc, uint32_t servers)
{
    station_spans sp = {0};
    qbench q;
    qbench_init(&q, 1, 1000, 700e3 * servers, 3 * VS_NS_PER_S, 7);
    q.st[0].discipline = disc;
    q.st[0].servers = servers;
    q.st[0].span_rate = 1;
    q.st[0].spans = &sp;
    qbench_run(&q, 10 * VS_NS_PER_S);
    const station_stats *s = qbench_stats(&q, 0);
    uint32_t n = qbench_sent(&q);
    assert_int_equal(sp.n, n);
    assert_int_equal(s->completions, n);
    double stay = 0, wait = 0;
    for (size_t i = 0; i < sp.n; i++) {
        const station_span *x = &sp.v[i];
        assert_true(x->id < n && x->origin == 0 && x->route == 0 && x->hop == 0);
        assert_int_equal(x->arrive_ns, q.src.sent[x->id]);
        assert_int_equal(x->depart_ns, q.src.back[x->id]);
        assert_true(x->arrive_ns <= x->start_ns && x->start_ns <= x->depart_ns);
        if (disc == STATION_PS) assert_int_equal(x->start_ns, x->arrive_ns);
        if (i > 0) assert_true(sp.v[i - 1].depart_ns <= x->depart_ns);
        stay += (double)(x->depart_ns - x->arrive_ns);
        wait += (double)(x->start_ns - x->arrive_ns);
    }
    assert_near(stay / n / (s->mean_in_station * s->window_ns / n), 1, 1e-9);
    if (disc == STATION_FIFO) assert_near(wait / s->wait_sum_ns, 1, 1e-9);
    free(sp.v);
    qbench_fini(&q);
}

static void spans_of_every_request_match_the_station(void **st)
{
    (void)st;
    spans_case(STATION_FIFO, 1);
    spans_case(STATION_FIFO, 3); /* services end out of their start order */
    spans_case(STATION_PS, 1);
}

/* Rate 0.1 over two hops: the fraction kept lies in the binomial 99% interval, and both stations
 * keep the same requests (a hash of the request, not a draw). */
static void spans_sample_the_same_requests_at_every_hop(void **st)
{
    (void)st;
    const double rate = 0.1;
    station_spans sp[2] = {{0}};
    qbench q;
    qbench_init(&q, 2, 2000, 300e3, 5 * VS_NS_PER_S, 8);
    q.st[1].discipline = STATION_PS;
    for (int i = 0; i < 2; i++) q.st[i].span_rate = rate, q.st[i].spans = &sp[i];
    qbench_run(&q, 10 * VS_NS_PER_S);
    uint32_t n = qbench_sent(&q);
    double frac = (double)sp[0].n / n, half = 2.5758 * sqrt(rate * (1 - rate) / n);
    if (fabs(frac - rate) > half) fail_msg("kept %g of %u, want %g +- %g", frac, n, rate, half);
    assert_int_equal(sp[0].n, sp[1].n);
    char *kept = calloc(n, 1);
    for (size_t i = 0; i < sp[0].n; i++) kept[sp[0].v[i].id] = 1;
    for (size_t i = 0; i < sp[1].n; i++) {
        assert_true(kept[sp[1].v[i].id]);
        assert_int_equal(sp[1].v[i].hop, 1);
    }
    free(kept);
    free(sp[0].v), free(sp[1].v);
    qbench_fini(&q);
}

static void expect_same_stats(const station_stats *a, const station_stats *b)
{
    assert_int_equal(a->arrivals, b->arrivals);
    assert_int_equal(a->completions, b->completions);
    assert_int_equal(a->drops, b->drops);
    assert_int_equal(a->bytes, b->bytes);
    assert_int_equal(a->waits, b->waits);
    assert_int_equal(a->peak, b->peak);
    assert_int_equal(a->lost, b->lost);
    assert_int_equal(a->errors, b->errors);
    assert_int_equal(a->throttles, b->throttles);
    assert_int_equal(a->port_refusals, b->port_refusals);
    assert_int_equal(a->conn_peak, b->conn_peak);
    double da[] = {a->wait_sum_ns, a->window_ns, a->utilisation, a->mean_waiting,
                   a->mean_in_station};
    double db[] = {b->wait_sum_ns, b->window_ns, b->utilisation, b->mean_waiting,
                   b->mean_in_station};
    assert_memory_equal(da, db, sizeof da); /* bit for bit */
}

/* Spans and series change nothing: the same statistics bit for bit and the same answers at the
 * same times, with faults on; a span list that cannot grow ends the run with an error. */
static void observation_changes_nothing(void **st)
{
    (void)st;
    station_fault f[] = {
        {.kind = STATION_DOWN, .from_ns = 1000 * MS, .until_ns = 1200 * MS},
        {.kind = STATION_ERRORS, .from_ns = 2000 * MS, .until_ns = 3000 * MS, .error_rate = 0.25}};
    enum { NB = 64 };
    station_bin bins[2][NB];
    station_spans sp[2] = {{0}, {.n = SIZE_MAX / 4, .cap = SIZE_MAX / 4}};
    qbench q[3];
    for (int k = 0; k < 3; k++) {
        qbench_init(&q[k], 2, 2000, 300e3, 4 * VS_NS_PER_S, 9);
        for (int i = 0; i < 2; i++) {
            q[k].st[i].faults = f, q[k].st[i].nfaults = 2;
            q[k].st[i].servers = 1 + (uint32_t)i;
            if (k == 0) continue;
            memset(bins[i], 0, sizeof bins[i]);
            q[k].st[i].series_bin_ns = 100 * MS;
            q[k].st[i].series = bins[i];
            q[k].st[i].nbins = NB;
            q[k].st[i].span_rate = k == 1 ? 0.5 : 1;
            q[k].st[i].spans = k == 1 ? &sp[0] : &sp[1];
        }
        vs_error err = {{0}};
        int rc = qbench_try(&q[k], 6 * VS_NS_PER_S, &err);
        assert_int_equal(rc, k == 2 ? -1 : 0);
        if (k == 2) assert_non_null(strstr(err.msg, "out of memory: the span list could not grow"));
        if (k == 2) assert_true(qbench_stats(&q[k], 0)->out_of_memory);
    }
    uint32_t n = qbench_sent(&q[0]);
    for (int k = 1; k < 2; k++) {
        assert_int_equal(qbench_sent(&q[k]), n);
        assert_memory_equal(q[k].src.back, q[0].src.back, n * sizeof(vs_time));
        assert_memory_equal(q[k].src.type, q[0].src.type, n * sizeof(uint32_t));
        for (int i = 0; i < 2; i++) {
            station_stats a = *qbench_stats(&q[0], i), b = *qbench_stats(&q[k], i);
            assert_false(a.out_of_memory || b.out_of_memory);
            expect_same_stats(&a, &b);
        }
    }
    assert_true(sp[0].n > 0);
    assert_int_equal(sp[1].n, SIZE_MAX / 4); /* nothing written */
    assert_null(sp[1].v);
    free(sp[0].v);
    for (int k = 0; k < 3; k++) qbench_fini(&q[k]);
}

/* ---- many servers -----------------------------------------------------------------------------
 */

/* A metronome ticks every 2 us in the stations' partition: a station's end of service is then
 * almost never the next event, and lp_handle_next refuses. */
static void metronome_handle(void *state, vs_lp *self, const vs_event *ev)
{
    (void)state, (void)ev;
    lp_send(self, lp_id(self), 2 * US, 0, (vs_payload){{0}});
}

static void metronome_init(void *state, vs_lp *self, const void *arg)
{
    (void)arg;
    metronome_handle(state, self, NULL);
}

/* Two processor-sharing stations in a row at 20% and 50% load: a completion handled at once when
 * nothing comes first (most of them) gives every request the same answer at the same time, and
 * the stations the same statistics bit for bit, as when completions go through the event list
 * (the metronome, added last, leaves every other LP's id and stream as they were). */
static void ps_end_of_service_at_once_changes_nothing(void **st)
{
    (void)st;
    static const lp_kind metronome = {
        .name = "metronome", .init = metronome_init, .handle = metronome_handle};
    dist service[2] = {{.family = DIST_LOGNORMAL, .shift_ns = 20 * US, .a = log(30e3), .b = 0.5},
                       {.family = DIST_LOGNORMAL, .shift_ns = 20 * US, .a = log(100e3), .b = 0.5}};
    qbench q[2];
    uint64_t at_once[2], events[2];
    for (int m = 0; m < 2; m++) {
        qbench_init(&q[m], 2, 4000, 100e3, 3 * VS_NS_PER_S, 11);
        for (int i = 0; i < 2; i++) {
            q[m].st[i].discipline = STATION_PS;
            q[m].st[i].service = &service[i];
        }
        vs_error err = {{0}};
        assert_int_equal(engine_add_lp(q[m].eng, &tsrc_kind, "tsrc", 0, &q[m].src, &err), 0);
        assert_int_equal(station_add(q[m].eng, "st0", 0, &q[m].st[0], &err), 1);
        assert_int_equal(station_add(q[m].eng, "st1", 0, &q[m].st[1], &err), 2);
        if (m == 1) assert_int_equal(engine_add_lp(q[m].eng, &metronome, "zz", 0, NULL, &err), 3);
        assert_int_equal(engine_run(q[m].eng, 4 * VS_NS_PER_S, &err), 0);
        at_once[m] = engine_get_stats(q[m].eng)->at_once;
        events[m] = engine_get_stats(q[m].eng)->events;
    }
    uint32_t n = qbench_sent(&q[0]);
    assert_true(n > 10000);
    assert_true(at_once[0] * 2 > n); /* of 2n ends of service, more than a quarter at once */
    /* ends of service handled at once count as events: the metronome's ticks are the difference */
    assert_int_equal(events[1], events[0] + 4 * VS_NS_PER_S / (2 * US) - 1);
    assert_int_equal(n, qbench_sent(&q[1]));
    for (uint32_t i = 0; i < n; i++) {
        assert_int_equal(q[0].src.sent[i], q[1].src.sent[i]);
        assert_int_equal(q[0].src.back[i], q[1].src.back[i]);
        assert_int_equal(q[0].src.type[i], q[1].src.type[i]);
    }
    for (int i = 0; i < 2; i++) {
        const station_stats *a = qbench_stats(&q[0], i), *b = qbench_stats(&q[1], i);
        assert_int_equal(a->arrivals, b->arrivals);
        assert_int_equal(a->completions, b->completions);
        assert_int_equal(a->peak, b->peak);
        assert_true(a->peak >= 3); /* the stations were shared, not only idle */
        assert_memory_equal(&a->utilisation, &b->utilisation, sizeof(double));
        assert_memory_equal(&a->mean_in_station, &b->mean_in_station, sizeof(double));
    }
    assert_true(at_once[1] * 20 < at_once[0]);
    for (int m = 0; m < 2; m++) qbench_fini(&q[m]);
}

/* c = 2^30 ("many") without faults takes one event per request (ends of service known on
 * arrival); with a fault window that never opens it takes the departure events. With draws only
 * for the service (the added delay a constant), both must give the same answers at the same
 * times and the same statistics bit for bit, with half the station's events; and M/M/inf has
 * mean number in station lambda E[S] (Little). */
static void many_servers_take_one_event_per_request(void **st)
{
    (void)st;
    station_fault never = {.kind = STATION_SLOW,
                           .from_ns = VS_TIME_LIMIT - 1,
                           .until_ns = VS_TIME_LIMIT,
                           .extra = NULL};
    station_bin bins[2][40];
    station_spans sp[2] = {{0}};
    qbench q[2];
    for (int k = 0; k < 2; k++) {
        qbench_init(&q[k], 1, 5000, 4e6, 4 * VS_NS_PER_S, 10);
        never.extra = dist_constant(q[k].set, 1);
        memset(bins[k], 0, sizeof bins[k]);
        q[k].st[0].servers = 1u << 30;
        q[k].st[0].delay = dist_constant(q[k].set, 250 * US);
        q[k].st[0].stats_from_ns = 500 * MS;
        q[k].st[0].stats_until_ns = 3500 * MS;
        q[k].st[0].series_bin_ns = 100 * MS;
        q[k].st[0].series = bins[k];
        q[k].st[0].nbins = 40;
        q[k].st[0].span_rate = 0.5;
        q[k].st[0].spans = &sp[k];
        if (k == 1) q[k].st[0].faults = &never, q[k].st[0].nfaults = 1;
        qbench_run(&q[k], 3900 * MS); /* some still in service at the end */
    }
    uint32_t n = qbench_sent(&q[0]);
    assert_int_equal(qbench_sent(&q[1]), n);
    assert_memory_equal(q[0].src.back, q[1].src.back, n * sizeof(vs_time));
    const station_stats *a = qbench_stats(&q[0], 0), *b = qbench_stats(&q[1], 0);
    expect_same_stats(a, b);
    assert_memory_equal(bins[0], bins[1], sizeof bins[0]);
    assert_int_equal(sp[0].n, sp[1].n);
    for (size_t i = 0; i < sp[0].n; i++) { /* field by field: padding is not written */
        const station_span *x = &sp[0].v[i], *y = &sp[1].v[i];
        assert_true(x->origin == y->origin && x->id == y->id && x->route == y->route &&
                    x->hop == y->hop && x->arrive_ns == y->arrive_ns &&
                    x->start_ns == y->start_ns && x->depart_ns == y->depart_ns);
    }
    uint64_t ev0 = engine_get_stats(q[0].eng)->events, ev1 = engine_get_stats(q[1].eng)->events;
    uint64_t ended = 0; /* services that ended in the run: the departure events saved */
    for (int i = 0; i < 40; i++) ended += bins[0][i].completions;
    assert_true(ended > 15000);
    assert_int_equal(ev1 - ev0, ended);
    double lambda_es = 5000 * 4e-3; /* 20 */
    assert_near(a->mean_in_station, lambda_es, 0.05 * lambda_es);
    assert_true(a->peak > 30);
    for (int k = 0; k < 2; k++) free(sp[k].v), qbench_fini(&q[k]);
}

/* ---- errors --------------------------------------------------------------------------------- */

static void expect_station_error(const station_params *p, const char *needle)
{
    vs_error err = {{0}};
    assert_int_equal(station_params_check(p, &err), -1);
    if (!strstr(err.msg, needle)) fail_msg("'%s' does not say '%s'", err.msg, needle);
}

static void parameter_errors(void **st)
{
    (void)st;
    dist_set *set = dist_set_new();
    uint32_t hops[] = {1, 5};
    flow_route routes[] = {{.hops = hops, .len = 2}, {.hops = hops, .len = 0}};
    flow_table t = {routes, 1}, bad = {routes, 2};
    const dist *svc = dist_constant(set, MS);
    station_params ok = {.flows = &t, .servers = 1, .service = svc, .queue_capacity = -1};
    vs_error err = {{0}};
    assert_int_equal(station_params_check(&ok, &err), 0);
    station_params p = ok;
    p.flows = NULL;
    expect_station_error(&p, "no flow table");
    p = ok, p.servers = 0;
    expect_station_error(&p, "servers must be in [1, 2^30], got 0");
    p = ok, p.service = NULL;
    expect_station_error(&p, "needs a service time, a bandwidth or both");
    p = ok, p.bandwidth_bps = -1;
    expect_station_error(&p, "bandwidth must be >= 0, got -1");
    p = ok, p.queue_capacity = -2;
    expect_station_error(&p, "queue capacity must be -1 or in [0, 2^30], got -2");
    p = ok, p.discipline = (station_discipline)7;
    expect_station_error(&p, "unknown discipline 7");
    p = ok, p.stats_from_ns = 5, p.stats_until_ns = 5;
    expect_station_error(&p, "0 <= from < until");
    p = ok, p.drop_notice_ns = -1;
    expect_station_error(&p, "drop notice delay must be >= 0");
    expect_station_error(NULL, "no parameters");
    station_fault f[2] = {{.kind = STATION_DOWN, .from_ns = 10, .until_ns = 20},
                          {.kind = STATION_ERRORS, .from_ns = 15, .until_ns = 30, .error_rate = 1}};
    station_spans spl = {0};
    station_bin bins[1];
    p = ok, p.faults = f, p.nfaults = 2;
    assert_int_equal(station_params_check(&p, &err), 0);
    p.faults = NULL;
    expect_station_error(&p, "no fault windows given");
    p.faults = f, f[1].error_rate = 1.5;
    expect_station_error(&p, "fault 1: error rate must be in [0, 1], got 1.5");
    f[1].error_rate = 0.5, f[1].from_ns = 5;
    expect_station_error(&p, "fault 1: windows must be sorted by start");
    f[1].from_ns = 30;
    expect_station_error(&p, "fault 1: window must have 0 <= from < until");
    f[1].from_ns = 15, f[1].kind = STATION_SLOW;
    expect_station_error(&p, "fault 1: a slow window needs its extra delay");
    f[1].kind = (station_fault_kind)9;
    expect_station_error(&p, "fault 1: unknown kind 9");
    f[1].kind = STATION_SLOW, f[1].extra = svc, f[0].from_ns = -1;
    expect_station_error(&p, "fault 0: window must have 0 <= from < until");
    f[0].from_ns = 10;
    assert_int_equal(station_params_check(&p, &err), 0);
    p = ok, p.series_bin_ns = -1;
    expect_station_error(&p, "series bin must be >= 0, got -1");
    p.series_bin_ns = MS, p.nbins = 1;
    expect_station_error(&p, "a time series needs its bins");
    p.series = bins;
    assert_int_equal(station_params_check(&p, &err), 0);
    p = ok, p.span_rate = 0.5;
    expect_station_error(&p, "spans need their list");
    p.spans = &spl, p.span_rate = 1.5;
    expect_station_error(&p, "span rate must be in [0, 1], got 1.5");
    p.span_rate = NAN;
    expect_station_error(&p, "span rate must be in [0, 1], got nan");
    p.span_rate = 1;
    assert_int_equal(station_params_check(&p, &err), 0);
    p.servers = 0; /* bad again for station_add below */

    assert_int_equal(flow_table_check(&t, 6, &err), 0);
    assert_int_equal(flow_table_check(&t, 5, &err), -1);
    assert_string_equal(err.msg, "route 0 hop 1: LP id 5 does not exist (5 LPs)");
    assert_int_equal(flow_table_check(&bad, 6, &err), -1);
    assert_string_equal(err.msg, "route 1: no hops");

    vs_engine *e = engine_new(&(engine_opts){.threads = 1}, &err);
    flow_source_params sp = {.flows = &t, .rate_per_s = 10, .horizon_ns = MS};
    flow_source_params q = sp;
    q.route = 1;
    assert_int_equal(flow_source_add(e, "s", 0, &q, &err), -1);
    assert_string_equal(err.msg, "source: route 1 is not in the flow table");
    q = sp, q.rate_per_s = 0;
    assert_int_equal(flow_source_add(e, "s", 0, &q, &err), -1);
    assert_string_equal(err.msg, "source: rate must be in (0, 1e12] per s, got 0");
    q = sp, q.warmup_ns = MS;
    assert_int_equal(flow_source_add(e, "s", 0, &q, &err), -1);
    assert_non_null(strstr(err.msg, "0 <= warmup < horizon"));
    q = sp, q.batches = FLOW_MAX_BATCHES + 1;
    assert_int_equal(flow_source_add(e, "s", 0, &q, &err), -1);
    assert_non_null(strstr(err.msg, "at most 256 batches, got 257"));
    assert_int_equal(flow_source_add(e, "s", 0, NULL, &err), -1);
    assert_int_equal(station_add(e, "st", 0, &p, &err), -1); /* p is still bad */
    assert_int_equal(engine_lp_count(e), 0);
    engine_free(e);

    assert_null(dist_exponential(set, 0));
    assert_null(dist_lognormal(set, 1, 0));
    assert_near(dist_mean_ns(dist_exponential(set, 250)), 250, 0);
    assert_near(dist_mean_ns(dist_lognormal(set, log(1000), 1)), 1000 * exp(0.5), 1e-9);
    dist_set_free(set);
}

/* A request whose route does not name this station is a model bug: abort, naming the station. */
static void misroute_init(void *state, vs_lp *self, const void *arg)
{
    (void)state, (void)arg;
    lp_send(self, 1, 0, FLOW_EV_ARRIVE, flow_pack((flow_req){7, 0, 0, 0, 0, true}));
}

static const lp_kind misroute_kind = {.name = "misroute", .init = misroute_init};

static void misrouted_request(void)
{
    vs_error err = {{0}};
    vs_engine *e = engine_new(&(engine_opts){.threads = 1}, &err);
    dist_set *set = dist_set_new();
    uint32_t hops[] = {2}; /* the route names LP 2; LP 1 gets the request */
    flow_route route = {.hops = hops, .len = 1};
    flow_table t = {&route, 1};
    station_params p = {.flows = &t, .servers = 1, .service = dist_constant(set, 1)};
    engine_add_lp(e, &misroute_kind, "misroute", 0, NULL, &err);
    station_add(e, "wrong", 0, &p, &err);
    station_add(e, "right", 0, &p, &err);
    engine_run(e, MS, &err);
}

static void misrouted_request_aborts(void **st)
{
    (void)st;
    char buf[2048];
    int status = child_run(misrouted_request, buf, sizeof buf);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
    assert_non_null(strstr(buf, "station 'wrong' at t=0 ns: request is not routed here"));
}

/* An optional argument runs only the tests matching it (cmocka's pattern). */
int main(int argc, char **argv)
{
    if (argc > 1) cmocka_set_test_filter(argv[1]);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(payload_round_trip),
        cmocka_unit_test(fifo_serves_in_arrival_order),
        cmocka_unit_test(fifo_servers_work_in_parallel),
        cmocka_unit_test(bandwidth_service_is_bytes_over_rate),
        cmocka_unit_test(scale_up_doubles_capacity_while_busy),
        cmocka_unit_test(fifo_drops_when_full),
        cmocka_unit_test(ps_two_jobs_finish_at_4_and_6_ms),
        cmocka_unit_test(ps_reschedules_on_arrival),
        cmocka_unit_test(ps_with_two_servers),
        cmocka_unit_test(ps_drops_when_full),
        cmocka_unit_test(ps_end_of_service_at_once_changes_nothing),
        cmocka_unit_test(route_visits_every_hop_then_returns),
        cmocka_unit_test(statistics_integrate_the_timeline),
        cmocka_unit_test(source_constant_arrivals_warmup_and_batches),
        cmocka_unit_test(source_counts_drops),
        cmocka_unit_test(source_counts_errors_as_refused),
        cmocka_unit_test(source_ring_grows_with_requests_in_flight),
        cmocka_unit_test(source_poisson_count_and_determinism),
        cmocka_unit_test(same_results_for_any_thread_count),
        cmocka_unit_test(down_window_loses_arrivals_and_jobs_present),
        cmocka_unit_test(slow_window_adds_its_delay),
        cmocka_unit_test(errors_window_answers_a_fraction_with_errors),
        cmocka_unit_test(faults_at_the_edges),
        cmocka_unit_test(series_splits_integrals_at_bin_edges),
        cmocka_unit_test(series_adds_up_to_the_window),
        cmocka_unit_test(spans_of_every_request_match_the_station),
        cmocka_unit_test(spans_sample_the_same_requests_at_every_hop),
        cmocka_unit_test(observation_changes_nothing),
        cmocka_unit_test(many_servers_take_one_event_per_request),
        cmocka_unit_test(parameter_errors),
        cmocka_unit_test(misrouted_request_aborts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
