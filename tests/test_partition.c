/* The partitioner (sim/engine/partition.c) and the engine's windows that pay: cuts where links
 * are long, balanced by load; one partition when a split cannot win (checked against the cost
 * model's formula worked by hand); the old LP-count mapping without hints; and, through the
 * engine, PHOLD runs with hints that split, that fall back to one thread after measuring too few
 * events per window, and that stay on one: the same checksum as one thread every time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine/partition.h"
#include "vpcsim/phold.h"

enum { NG = 5, MS = 1000000, US = 1000 };
#define NONE (VS_TIME_LIMIT / 4) /* the network model's lookahead for pairs no request crosses */

/* Two Regions of two groups each (10 us inside a Region, 20 ms between them) and a fifth group
 * one ms from both (the internet). */
static void two_regions(vs_time *la)
{
    for (int a = 0; a < NG; a++)
        for (int b = 0; b < NG; b++) la[a * NG + b] = NONE;
    la[0 * NG + 1] = la[1 * NG + 0] = 10 * US;
    la[2 * NG + 3] = la[3 * NG + 2] = 10 * US;
    la[0 * NG + 2] = la[2 * NG + 0] = 20 * MS;
    la[1 * NG + 3] = la[3 * NG + 1] = 20 * MS;
    for (int g = 0; g < 4; g++) la[g * NG + 4] = la[4 * NG + g] = 1 * MS;
}

static const uint64_t lps[NG] = {3, 2, 3, 2, 1};

static partition_plan choose(const double *load, const vs_time *la, int threads, uint32_t *part)
{
    partition_input in = {NG, lps, load, la, threads, 10 * (vs_time)1000 * MS, false};
    partition_plan plan = {.group_part = part};
    assert_int_equal(partition_choose(&in, &plan), 0);
    return plan;
}

/* Heavy Regions: the cut keeps each Region whole, the internet with the lighter one, and the
 * window is the least lookahead across the cut (1 ms, the internet). The gain is the model's
 * formula: one thread 4.2e6 events/s x 150 ns against the busiest partition's 2.1e6 x 150 ns
 * plus 1000 windows/s x 6 us. */
static void long_links_are_cut(void **state)
{
    (void)state;
    vs_time la[NG * NG];
    two_regions(la);
    double load[NG] = {1.0e6, 1.1e6, 1.0e6, 1.0e6, 0.1e6};
    uint32_t part[NG];
    partition_plan p = choose(load, la, 2, part);
    assert_int_equal(p.why, ENGINE_SPLIT_BY_LOOKAHEAD);
    assert_int_equal(p.nparts, 2);
    assert_int_equal(part[0], part[1]);
    assert_int_equal(part[2], part[3]);
    assert_int_not_equal(part[0], part[2]);
    assert_int_equal(part[4], part[2]); /* 2.1e6 + 0.1e6 against 2.1e6: the lighter side */
    assert_int_equal(p.window_ns, 1 * MS);
    double gain = 4.2e6 * 150 / (2.1e6 * 150 + 1000 * 6000.0);
    assert_true(p.gain > gain * 0.999 && p.gain < gain * 1.001);
    assert_true(p.events_per_window > 4.2e3 * 0.999 && p.events_per_window < 4.2e3 * 1.001);
}

/* Light load: 1,000 windows a second for 4,200 events is not worth it; one partition, and the
 * best cut's window and gain are kept to report. */
static void light_load_stays_on_one(void **state)
{
    (void)state;
    vs_time la[NG * NG];
    two_regions(la);
    double load[NG] = {1000, 1100, 1000, 1000, 100};
    uint32_t part[NG];
    partition_plan p = choose(load, la, 2, part);
    assert_int_equal(p.why, ENGINE_SPLIT_NO_GAIN);
    assert_int_equal(p.nparts, 1);
    for (int g = 0; g < NG; g++) assert_int_equal(part[g], 0);
    assert_true(p.gain < PARTITION_MIN_GAIN);
    assert_int_equal(p.window_ns, 1 * MS);
}

/* Only short links: with every pair 10 us apart, the one cut (10 us windows) cannot pay for a
 * load of 5e5 events/s (100,000 windows/s cost 0.6 s of a core per simulated second). */
static void short_links_only(void **state)
{
    (void)state;
    vs_time la[NG * NG];
    for (int i = 0; i < NG * NG; i++) la[i] = 10 * US;
    double load[NG] = {1e5, 1e5, 1e5, 1e5, 1e5};
    uint32_t part[NG];
    partition_plan p = choose(load, la, 2, part);
    assert_int_equal(p.nparts, 1);
    assert_int_equal(p.why, ENGINE_SPLIT_NO_GAIN);
    assert_int_equal(p.window_ns, 10 * US);
}

static void one_thread_or_one_cluster(void **state)
{
    (void)state;
    vs_time la[NG * NG];
    two_regions(la);
    double load[NG] = {1e6, 1e6, 1e6, 1e6, 1e6};
    uint32_t part[NG];
    partition_plan p = choose(load, la, 1, part);
    assert_int_equal(p.why, ENGINE_SPLIT_ONE_THREAD);
    assert_int_equal(p.nparts, 1);
    /* every pair linked at NONE but 0-1: still a cut at NONE between {0,1} and each other */
    for (int i = 0; i < NG * NG; i++) la[i] = 5 * US;
    p = choose(load, la, 2, part);
    assert_int_equal(p.nparts, 1); /* 200,000 windows/s of 6 us: worse than one thread */
    /* no lookahead at all (0): never cut */
    memset(la, 0, sizeof la);
    p = choose(load, la, 2, part);
    assert_int_equal(p.why, ENGINE_SPLIT_ONE_GROUP);
    assert_int_equal(p.nparts, 1);
}

/* Without hints: contiguous runs of groups balanced by LP count (11 LPs on 2 threads: groups
 * before LP 5.5 in partition 0). */
static void no_hints_by_count(void **state)
{
    (void)state;
    vs_time la[NG * NG];
    two_regions(la);
    uint32_t part[NG];
    partition_plan p = choose(NULL, la, 2, part);
    assert_int_equal(p.why, ENGINE_SPLIT_BY_COUNT);
    assert_int_equal(p.nparts, 2);
    uint32_t want[NG] = {0, 0, 0, 1, 1}; /* LPs before: 0, 3, 5, 8, 10 of 11 */
    for (int g = 0; g < NG; g++) assert_int_equal(part[g], want[g]);
}

/* Four clusters on three threads: heaviest first into the lightest partition. */
static void packing_balances(void **state)
{
    (void)state;
    vs_time la[NG * NG];
    for (int i = 0; i < NG * NG; i++) la[i] = 50 * MS;
    double load[NG] = {4e6, 3e6, 2e6, 2e6, 1e6};
    uint32_t part[NG];
    partition_plan p = choose(load, la, 3, part);
    assert_int_equal(p.nparts, 3);
    /* 4 -> p0, 3 -> p1, 2 -> p2, 2 -> p2 (4) , 1 -> p1 (4): busiest 4e6 */
    uint32_t want[NG] = {0, 1, 2, 2, 1};
    for (int g = 0; g < NG; g++) assert_int_equal(part[g], want[g]);
}

/* ---- through the engine: PHOLD --------------------------------------------------------------- */

static const phold_params phold = {.lps = 64,
                                   .start_events = 4,
                                   .remote = 0.25,
                                   .mean_ns = 2000,
                                   .lookahead_ns = 500,
                                   .groups = 4};

/* PHOLD on `threads` with load hints of events_per_s per group (< 0: none). */
static uint64_t phold_run(int threads, double events_per_s, engine_stats *st)
{
    vs_error err;
    vs_engine *e = engine_new(&(engine_opts){.threads = threads, .seed = 11}, &err);
    assert_non_null(e);
    assert_int_equal(phold_setup(e, &phold, &err), 0);
    for (uint32_t g = 0; events_per_s >= 0 && g < phold.groups; g++)
        assert_int_equal(engine_set_group_load(e, g, events_per_s, &err), 0);
    assert_int_equal(engine_run(e, 20 * MS, &err), 0);
    *st = *engine_get_stats(e);
    uint64_t sum = phold_checksum(e);
    engine_free(e);
    return sum;
}

/* The same checksum for one thread, the LP-count split, a split by hints that pays, a split by
 * (false) hints that the run finds too thin and leaves for one thread, and hints that keep the
 * run on one thread from the start. PHOLD's 64 LPs x 4 events at 0.5 + Exp(2) us handle about
 * 1e8 events/s of simulated time: 500 ns windows hold about 50. */
static void phold_same_for_every_partitioning(void **state)
{
    (void)state;
    engine_stats st;
    uint64_t one = phold_run(1, -1, &st);
    assert_int_equal(st.partitions, 1);
    /* no hints: split by LP count, then the windows measured too thin: one thread */
    assert_int_equal(phold_run(2, -1, &st), one);
    assert_int_equal(st.planned_partitions, 2);
    assert_int_equal(st.split, ENGINE_SPLIT_FELL_BACK);
    assert_int_equal(st.partitions, 1);
    /* hints of 1e12 events/s: the split looks worth it, then measures ~50 events a window
     * against the 2 x 40 it needs (6 us / 150 ns each side) and falls back */
    assert_int_equal(phold_run(2, 1e12, &st), one);
    assert_int_equal(st.planned_partitions, 2);
    assert_int_equal(st.split, ENGINE_SPLIT_FELL_BACK);
    assert_int_equal(st.partitions, 1);
    assert_true(st.split_events > 0 && st.split_events < st.events);
    assert_int_equal(phold_run(3, 1e12, &st), one);
    assert_int_equal(st.split, ENGINE_SPLIT_FELL_BACK);
    /* honest hints (2.5e7 a group): 500 ns windows of ~50 events do not pay; one thread */
    assert_int_equal(phold_run(2, 2.5e7, &st), one);
    assert_int_equal(st.split, ENGINE_SPLIT_NO_GAIN);
    assert_int_equal(st.planned_partitions, 1);
    assert_int_equal(st.windows, 0);
}

/* PHOLD with a long lookahead (1 ms) and little remote traffic: windows hold thousands of
 * events, the split pays and runs to the end, with the same checksum. */
static void phold_long_windows_split(void **state)
{
    (void)state;
    static const phold_params wide = {.lps = 64,
                                      .start_events = 16,
                                      .remote = 0.05,
                                      .mean_ns = 1000,
                                      .lookahead_ns = 1 * MS,
                                      .groups = 4};
    vs_error err;
    uint64_t sums[2];
    for (int t = 1; t <= 2; t++) {
        vs_engine *e = engine_new(&(engine_opts){.threads = t, .seed = 5}, &err);
        assert_non_null(e);
        assert_int_equal(phold_setup(e, &wide, &err), 0);
        for (uint32_t g = 0; g < wide.groups; g++)
            assert_int_equal(engine_set_group_load(e, g, 256e3, &err), 0);
        assert_int_equal(engine_run(e, 200 * MS, &err), 0);
        const engine_stats *st = engine_get_stats(e);
        if (t == 2) {
            assert_int_equal(st->split, ENGINE_SPLIT_BY_LOOKAHEAD);
            assert_int_equal(st->partitions, 2);
            assert_int_equal(st->window_ns, 1 * MS);
            assert_int_equal(st->split_events, st->events);
        }
        sums[t - 1] = phold_checksum(e);
        engine_free(e);
    }
    assert_int_equal(sums[0], sums[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(long_links_are_cut),
        cmocka_unit_test(light_load_stays_on_one),
        cmocka_unit_test(short_links_only),
        cmocka_unit_test(one_thread_or_one_cluster),
        cmocka_unit_test(no_hints_by_count),
        cmocka_unit_test(packing_balances),
        cmocka_unit_test(phold_same_for_every_partitioning),
        cmocka_unit_test(phold_long_windows_split),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
