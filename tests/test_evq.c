/* Event lists against a sorted-array oracle over long random operation sequences (several time
 * spreads: smooth, bursts of equal times, far outliers, times near the limit), tie order, the
 * pop limit, and the whole-object invariant after every batch of operations; out of memory at
 * every allocation a list makes, the list fails cleanly (pops nothing, drops pushes). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine/evq.h"
#include "engine/rng_impl.h"
#include "faulty_malloc.h"

/* The oracle: an array kept sorted descending, least last. Obviously right, O(n) per push. */
typedef struct oracle {
    vs_event *v;
    size_t n, cap;
} oracle;

static void oracle_push(oracle *o, const vs_event *ev)
{
    if (o->n == o->cap) {
        o->cap = o->cap ? 2 * o->cap : 1024;
        o->v = realloc(o->v, o->cap * sizeof *o->v);
        assert_non_null(o->v);
    }
    size_t i = o->n;
    while (i > 0 && ev_before(&o->v[i - 1], ev)) i--;
    memmove(&o->v[i + 1], &o->v[i], (o->n - i) * sizeof *ev);
    o->v[i] = *ev;
    o->n++;
}

typedef enum {
    SPREAD_SMOOTH,
    SPREAD_BURSTY,
    SPREAD_OUTLIERS,
    SPREAD_HUGE,
    SPREAD_NEAR_FAR, /* mostly tiny delays under wide buckets: bottom fills and respawns */
    SPREAD_COUNT
} spread;

static vs_time draw_delay(rng_stream *r, spread s)
{
    switch (s) {
    case SPREAD_SMOOTH:
        return 1000 + (vs_time)rng_exponential(r, 5000);
    case SPREAD_BURSTY:
        return (vs_time)rng_uniform_int(r, 4) * 1000; /* many equal times */
    case SPREAD_OUTLIERS:
        return rng_uniform(r) < 0.01 ? (vs_time)rng_uniform_int(r, 1u << 30) * 1000
                                     : (vs_time)rng_exponential(r, 300);
    default:
        return (vs_time)(rng_uniform(r) * (double)(VS_TIME_LIMIT / 64));
    }
}

/* Pushes and pops at random, the list and the oracle side by side; every pop must agree. */
static void differential(const evq_type *t, spread s, int ops, uint64_t seed)
{
    evq *q = evq_new(t);
    assert_non_null(q);
    oracle o = {0};
    rng_stream *r = rng_new(seed, t->name);
    vs_time now = 0;
    uint64_t seq = 0;
    for (int i = 0; i < ops; i++) {
        bool push = o.n == 0 || rng_uniform(r) < (i < ops / 2 ? 0.55 : 0.45);
        if (push) {
            vs_time at = now + draw_delay(r, s);
            if (at >= VS_TIME_LIMIT) at = VS_TIME_LIMIT - 1;
            uint32_t src = rng_uniform_int(r, 64);
            vs_event ev = {at, (uint64_t)src << VS_SEND_SEQ_BITS | seq++, src, (uint32_t)i, {{0}}};
            evq_push(q, &ev);
            oracle_push(&o, &ev);
        } else {
            vs_event got, want = o.v[--o.n];
            uint32_t next;
            assert_false(evq_pop_before(q, want.time, &got, &next)); /* limit is exclusive */
            assert_true(evq_pop_before(q, want.time + 1, &got, &next));
            assert_int_equal(got.time, want.time);
            assert_int_equal(got.tie, want.tie);
            assert_int_equal(got.type, want.type);
            now = got.time;
        }
        assert_int_equal(evq_size(q), o.n);
        if (i % 4999 == 0) assert_true(evq_check(q));
    }
    vs_event got;
    uint32_t next;
    while (o.n) { /* drain */
        assert_true(evq_pop_before(q, VS_TIME_LIMIT, &got, &next));
        assert_int_equal(got.tie, o.v[--o.n].tie);
    }
    assert_false(evq_pop_before(q, VS_TIME_LIMIT, &got, &next));
    assert_int_equal(evq_min_time(q), VS_TIME_LIMIT);
    assert_true(evq_check(q));
    rng_free(r);
    free(o.v);
    evq_free(q);
}

static void heap_against_oracle(void **st)
{
    (void)st;
    for (int s = 0; s < SPREAD_COUNT; s++) differential(&evq_heap_type, s, 60000, 1 + s);
}

static void ladder_against_oracle(void **st)
{
    (void)st;
    for (int s = 0; s < SPREAD_COUNT; s++) differential(&evq_ladder_type, s, 200000, 1 + s);
}

/* Half the population in a narrow cluster: buckets overflow and the ladder spawns finer rungs. */
static vs_time clustered(rng_stream *r)
{
    return rng_uniform(r) < 0.5 ? (vs_time)rng_uniform_int(r, 1u << 20)
                                : (1 << 19) + (vs_time)rng_uniform_int(r, 1u << 10);
}

static void ladder_clustered_population(void **st)
{
    (void)st;
    evq *q = evq_new(&evq_ladder_type);
    oracle o = {0};
    rng_stream *r = rng_new(99, "large");
    for (uint32_t i = 0; i < 30000; i++) {
        vs_event ev = {clustered(r), i, i, 0, {{0}}};
        evq_push(q, &ev);
        oracle_push(&o, &ev);
    }
    vs_event got;
    uint32_t next;
    for (int i = 0; i < 60000; i++) {
        assert_true(evq_pop_before(q, VS_TIME_LIMIT, &got, &next));
        vs_event want = o.v[--o.n];
        assert_int_equal(got.time, want.time);
        assert_int_equal(got.tie, want.tie);
        vs_event ev = {got.time + clustered(r), 1000000u + (uint32_t)i, 0, 0, {{0}}};
        evq_push(q, &ev);
        oracle_push(&o, &ev);
        if (i % 10007 == 0) assert_true(evq_check(q));
    }
    rng_free(r);
    free(o.v);
    evq_free(q);
}

/* Equal times come out in tie-key order whatever order they went in. */
static void tie_order(void **st)
{
    (void)st;
    const evq_type *types[] = {&evq_heap_type, &evq_ladder_type};
    for (int k = 0; k < 2; k++) {
        evq *q = evq_new(types[k]);
        uint64_t ties[500];
        for (int i = 0; i < 500; i++) ties[i] = (uint64_t)(i * 7919 % 500) << 3; /* a shuffle */
        for (int i = 0; i < 500; i++) {
            vs_event ev = {12345, ties[i], 0, 0, {{0}}};
            evq_push(q, &ev);
        }
        vs_event got;
        uint32_t next;
        for (uint64_t want = 0; want < 500; want++) {
            assert_true(evq_pop_before(q, 12346, &got, &next));
            assert_int_equal(got.tie, want << 3);
        }
        evq_free(q);
    }
}

static void registry(void **st)
{
    (void)st;
    assert_ptr_equal(evq_type_find(NULL), &evq_ladder_type);
    assert_ptr_equal(evq_type_find("heap"), &evq_heap_type);
    assert_null(evq_type_find("calendar"));
    assert_string_equal(evq_type_names()[0], "ladder");
    evq_free(NULL);
}

/* Pushes and pops at random (no oracle: it would allocate too) until ops are done or q failed. */
static void churn(evq *q, rng_stream *r, spread s, int ops)
{
    vs_time now = 0;
    uint64_t seq = 0;
    size_t held = 0;
    for (int i = 0; i < ops && !evq_has_failed(q); i++) {
        if (held == 0 || rng_uniform(r) < (i < ops / 2 ? 0.6 : 0.4)) {
            vs_time at = now + draw_delay(r, s);
            vs_event ev = {at < VS_TIME_LIMIT ? at : VS_TIME_LIMIT - 1, seq++, 0, 0, {{0}}};
            evq_push(q, &ev);
            held++;
        } else {
            vs_event got;
            uint32_t next;
            if (!evq_pop_before(q, VS_TIME_LIMIT, &got, &next)) break;
            now = got.time;
            held--;
        }
    }
}

/* Allocation k of a churn fails, for every k the churn makes: the list says it failed, pops
 * nothing, drops pushes, and frees cleanly (ASan in CI). Before: abort() inside the push. */
static void out_of_memory_fails_the_list(void **st)
{
    (void)st;
    const evq_type *types[] = {&evq_heap_type, &evq_ladder_type};
    const spread spreads[] = {SPREAD_SMOOTH, SPREAD_NEAR_FAR, SPREAD_OUTLIERS};
    long points = 0;
    for (int t = 0; t < 2; t++)
        for (int sp = 0; sp < 3; sp++) {
            rng_stream *r = rng_new(11, types[t]->name);
            long before = faulty_malloc_count();
            evq *q = evq_new(types[t]);
            churn(q, r, spreads[sp], 30000);
            assert_false(evq_has_failed(q));
            evq_free(q);
            rng_free(r);
            long total = faulty_malloc_count() - before;
            assert_true(total > 2);
            for (long k = 1; k <= total; k++, points++) {
                r = rng_new(11, types[t]->name);
                faulty_malloc_fail_at(k);
                q = evq_new(types[t]);
                if (!q) {
                    assert_int_equal(k, 1);
                } else {
                    churn(q, r, spreads[sp], 30000);
                    assert_true(faulty_malloc_failed());
                    assert_true(evq_has_failed(q));
                    vs_event ev = {VS_TIME_LIMIT - 1, 0, 0, 0, {{0}}}, got;
                    uint32_t next;
                    size_t n = evq_size(q);
                    evq_push(q, &ev);
                    assert_int_equal(evq_size(q), n);
                    assert_false(evq_pop_before(q, VS_TIME_LIMIT, &got, &next));
                    assert_int_equal(evq_min_time(q), VS_TIME_LIMIT);
                    evq_free(q);
                }
                faulty_malloc_fail_at(0);
                rng_free(r);
            }
        }
    print_message("%ld allocation failure points, all clean\n", points);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(heap_against_oracle),
        cmocka_unit_test(ladder_against_oracle),
        cmocka_unit_test(ladder_clustered_population),
        cmocka_unit_test(tie_order),
        cmocka_unit_test(registry),
        cmocka_unit_test(out_of_memory_fails_the_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
