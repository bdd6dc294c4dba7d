/* The queueing station and request plumbing on hand-computed timelines: FIFO order, c servers,
 * processor sharing finish times, bandwidth service, drops, added delay, routes, time-integral
 * statistics, the source (arrivals, warm-up, batches, in-flight ring), errors and determinism. */
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

#include "vpcsim/station.h"

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
        flow_req r = {p->inj[i].id, lp_id(self), p->inj[i].bytes, p->route, 0};
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
    flow_req r = {0xdeadbeef, 16777215, 4000000000u, 65535, 513};
    vs_payload p = flow_pack(r);
    assert_int_equal(p.u32[0], 0xdeadbeef);
    assert_int_equal(p.u32[1], 16777215);
    assert_int_equal(p.u32[2], 4000000000u);
    assert_int_equal(p.u32[3], 65535u | 513u << 16);
    flow_req q = flow_unpack(p);
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
    dist link = {.family = DIST_LOGNORMAL, .min_ns = LOOKAHEAD, .a = log(50e3), .b = 0.3};
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
    lp_send(self, 1, 0, FLOW_EV_ARRIVE, flow_pack((flow_req){7, 0, 0, 0, 0}));
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
        cmocka_unit_test(fifo_drops_when_full),
        cmocka_unit_test(ps_two_jobs_finish_at_4_and_6_ms),
        cmocka_unit_test(ps_reschedules_on_arrival),
        cmocka_unit_test(ps_with_two_servers),
        cmocka_unit_test(ps_drops_when_full),
        cmocka_unit_test(route_visits_every_hop_then_returns),
        cmocka_unit_test(statistics_integrate_the_timeline),
        cmocka_unit_test(source_constant_arrivals_warmup_and_batches),
        cmocka_unit_test(source_counts_drops),
        cmocka_unit_test(source_ring_grows_with_requests_in_flight),
        cmocka_unit_test(source_poisson_count_and_determinism),
        cmocka_unit_test(same_results_for_any_thread_count),
        cmocka_unit_test(parameter_errors),
        cmocka_unit_test(misrouted_request_aborts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
