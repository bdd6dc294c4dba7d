/* PHOLD through the engine: the checksum of final LP states is identical for 1, 2 and 4 threads
 * and for every event list; the event count matches renewal theory; seeds matter. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <omp.h>

#include "engine/evq.h"
#include "vpcsim/phold.h"

typedef struct result {
    uint64_t checksum, events, cross;
} result;

static result run_phold(const phold_params *p, vs_time end, int threads, const char *queue,
                        uint64_t seed)
{
    vs_error err = {{0}};
    vs_engine *e =
        engine_new(&(engine_opts){.threads = threads, .queue = queue, .seed = seed}, &err);
    assert_non_null(e);
    assert_int_equal(phold_setup(e, p, &err), 0);
    assert_int_equal(engine_run(e, end, &err), 0);
    result r = {phold_checksum(e), engine_get_stats(e)->events, engine_get_stats(e)->cross_events};
    engine_free(e);
    return r;
}

static void checksum_same_for_any_threads_and_queue(void **st)
{
    (void)st;
    phold_params p = {
        .lps = 300, .start_events = 4, .remote = 0.5, .mean_ns = 1e6, .lookahead_ns = 400000};
    const vs_time end = 150 * VS_NS_PER_MS;
    result ref = run_phold(&p, end, 1, "heap", 7);
    const char *const *names = evq_type_names();
    for (int q = 0; names[q]; q++)
        for (int threads = 1; threads <= 4; threads *= 2) {
            result r = run_phold(&p, end, threads, names[q], 7);
            assert_int_equal(r.checksum, ref.checksum);
            assert_int_equal(r.events, ref.events);
            if (threads > 1) assert_true(r.cross > 0);
        }
    assert_true(run_phold(&p, end, 1, NULL, 8).checksum != ref.checksum);
}

/* Zero-delay-free chains with equal timestamps: lookahead only, no exponential part, so every
 * event of a step shares one time and order rests on tie keys alone. */
static void checksum_same_with_all_ties(void **st)
{
    (void)st;
    phold_params p = {.lps = 64,
                      .start_events = 3,
                      .remote = 1.0,
                      .mean_ns = 0,
                      .lookahead_ns = 1000,
                      .groups = 8};
    result a = run_phold(&p, 200000, 1, "heap", 3), b = run_phold(&p, 200000, 4, "ladder", 3);
    assert_int_equal(a.checksum, b.checksum);
    assert_int_equal(a.events, (uint64_t)64 * 3 * 199); /* events at 1000, 2000, ..., 199000 */
}

/* Each of the N*M event chains is a renewal process with gaps L + Exp(X): the expected count
 * before t is t/mu + (s^2 - mu^2)/(2 mu^2), mu = L + X, s^2 = X^2 (Cox 1962). */
static void event_count_matches_renewal_theory(void **st)
{
    (void)st;
    phold_params p = {
        .lps = 256, .start_events = 4, .remote = 0.25, .mean_ns = 1e6, .lookahead_ns = 1000000};
    const double t = 200, mu = 2, s2 = 1;
    double expected = 256 * 4 * (t / mu + (s2 - mu * mu) / (2 * mu * mu));
    result r = run_phold(&p, (vs_time)(t * 1e6), 2, NULL, 11);
    assert_true(fabs((double)r.events - expected) < 0.01 * expected);
}

/* No mutable globals: two engines alive at once, run interleaved, match runs made alone. */
static void two_engines_in_one_process(void **st)
{
    (void)st;
    phold_params p = {
        .lps = 128, .start_events = 2, .remote = 0.3, .mean_ns = 1e6, .lookahead_ns = 500000};
    result alone_a = run_phold(&p, 50 * VS_NS_PER_MS, 2, NULL, 21);
    result alone_b = run_phold(&p, 80 * VS_NS_PER_MS, 1, "heap", 22);
    vs_error err;
    vs_engine *a = engine_new(&(engine_opts){.threads = 2, .seed = 21}, &err);
    vs_engine *b = engine_new(&(engine_opts){.threads = 1, .queue = "heap", .seed = 22}, &err);
    assert_int_equal(phold_setup(a, &p, &err), 0);
    assert_int_equal(phold_setup(b, &p, &err), 0);
    assert_int_equal(engine_run(b, 80 * VS_NS_PER_MS, &err), 0);
    assert_int_equal(engine_run(a, 50 * VS_NS_PER_MS, &err), 0);
    assert_int_equal(phold_checksum(a), alone_a.checksum);
    assert_int_equal(phold_checksum(b), alone_b.checksum);
    engine_free(a);
    engine_free(b);
}

/* OpenMP gives a parallel region nested in an active one a single thread when nesting is off:
 * the 4 partitions of the split then run on that thread, through the same windows, with the
 * result of one thread (a barrier that waited for 4 threads would never return). */
static void fewer_threads_than_partitions(void **st)
{
    (void)st;
    phold_params p = {
        .lps = 256, .start_events = 4, .remote = 0.5, .mean_ns = 1e6, .lookahead_ns = 400000};
    const vs_time end = 100 * VS_NS_PER_MS;
    result one = run_phold(&p, end, 1, NULL, 9);
    int saved = omp_get_max_active_levels(), outer = 0;
    uint64_t checksum = 0, windows = 0;
    int threads = 0, rc = -1;
    omp_set_max_active_levels(1);
#pragma omp parallel num_threads(2)
#pragma omp single
    {
        outer = omp_get_num_threads();
        vs_error err = {{0}};
        vs_engine *e = engine_new(&(engine_opts){.threads = 4, .seed = 9}, &err);
        if (e && phold_setup(e, &p, &err) == 0 && engine_run(e, end, &err) == 0) {
            checksum = phold_checksum(e);
            windows = engine_get_stats(e)->windows;
            threads = engine_get_stats(e)->threads;
            rc = 0;
        }
        engine_free(e);
    }
    omp_set_max_active_levels(saved);
    assert_int_equal(rc, 0);
    assert_int_equal(checksum, one.checksum);
    assert_true(windows > 0);
    if (outer == 2) assert_int_equal(threads, 1);
}

static void bad_params(void **st)
{
    (void)st;
    vs_error err = {{0}};
    vs_engine *e = engine_new(&(engine_opts){.threads = 1}, &err);
    phold_params p = {.lps = 4, .start_events = 1, .remote = 1.5, .mean_ns = 1, .lookahead_ns = 1};
    assert_int_equal(phold_setup(e, &p, &err), -1);
    p.remote = 0.5, p.lookahead_ns = 0;
    assert_int_equal(phold_setup(e, &p, &err), -1);
    engine_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(checksum_same_for_any_threads_and_queue),
        cmocka_unit_test(checksum_same_with_all_ties),
        cmocka_unit_test(event_count_matches_renewal_theory),
        cmocka_unit_test(two_engines_in_one_process),
        cmocka_unit_test(fewer_threads_than_partitions),
        cmocka_unit_test(bad_params),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
