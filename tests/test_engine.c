/* The engine: tie order across senders, identical handling for any thread count, the lookahead
 * and other model-bug aborts (run in a child process), the end horizon, and setup errors. */
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

#include "faulty_malloc.h"
#include "vpcsim/engine.h"
#include "vpcsim/phold.h"
#include "vpcsim/rng.h"

/* A sink records what it handles; a source sends a burst at one instant to the sink. */
enum { LOG_MAX = 256 };
typedef struct sink_state {
    uint64_t ties[LOG_MAX]; /* tie keys in handling order */
    vs_time times[LOG_MAX]; /* and times */
    int n;                  /* handled */
} sink_state;

static void sink_handle(void *state, vs_lp *self, const vs_event *ev)
{
    sink_state *s = state;
    (void)self;
    if (s->n < LOG_MAX) s->ties[s->n] = ev->tie, s->times[s->n] = ev->time;
    s->n++;
}

static const lp_kind sink_kind = {
    .name = "sink", .state_size = sizeof(sink_state), .handle = sink_handle};

typedef struct source_arg {
    uint32_t sink; /* destination */
    vs_time delay; /* of every send */
    int count;     /* sends at init */
} source_arg;

static void source_init(void *state, vs_lp *self, const void *arg)
{
    const source_arg *a = arg;
    (void)state;
    for (int i = 0; i < a->count; i++) lp_send(self, a->sink, a->delay, 0, (vs_payload){{0}});
}

static const lp_kind source_kind = {.name = "source", .init = source_init};

static vs_engine *new_engine(int threads)
{
    vs_error err;
    vs_engine *e = engine_new(&(engine_opts){.threads = threads, .seed = 1}, &err);
    assert_non_null(e);
    return e;
}

/* Sources are added in an order unrelated to their ids' tie order; equal-time events must come
 * out ordered by (sender id, send count), for 1 and 3 threads. */
static void equal_times_in_tie_order(void **st)
{
    (void)st;
    for (int threads = 1; threads <= 3; threads += 2) {
        vs_engine *e = new_engine(threads);
        vs_error err;
        assert_int_equal(engine_add_lp(e, &sink_kind, "sink", 0, NULL, &err), 0);
        source_arg a = {0, 5000, 4};
        char name[16];
        for (int i = 0; i < 6; i++) {
            snprintf(name, sizeof name, "src%d", i);
            assert_true(engine_add_lp(e, &source_kind, name, (uint32_t)(1 + i % 3), &a, &err) > 0);
        }
        assert_int_equal(engine_set_default_lookahead(e, 1000, &err), 0);
        assert_int_equal(engine_run(e, 10000, &err), 0);
        sink_state *s = engine_lp_state(e, 0);
        assert_int_equal(s->n, 24);
        for (int i = 0; i < 24; i++) {
            assert_int_equal(s->times[i], 5000);
            uint64_t want = (uint64_t)(1 + i / 4) << VS_SEND_SEQ_BITS | (uint64_t)(i % 4);
            assert_int_equal(s->ties[i], want);
        }
        assert_int_equal(engine_get_stats(e)->events, 24);
        assert_ptr_equal(engine_lp_kind(e, 0), &sink_kind);
        assert_ptr_equal(engine_lp_kind(e, 1), &source_kind);
        assert_null(engine_lp_kind(e, 7));
        assert_int_equal(engine_get_stats(e)->planned_partitions, threads == 1 ? 1 : 3);
        engine_free(e);
    }
}

/* Events at or past the end are never handled. */
static void end_is_exclusive(void **st)
{
    (void)st;
    vs_engine *e = new_engine(1);
    vs_error err;
    engine_add_lp(e, &sink_kind, "sink", 0, NULL, &err);
    source_arg at_end = {0, 10000, 3}, before = {0, 9999, 2};
    engine_add_lp(e, &source_kind, "a", 0, &at_end, &err);
    engine_add_lp(e, &source_kind, "b", 0, &before, &err);
    assert_int_equal(engine_run(e, 10000, &err), 0);
    assert_int_equal(((sink_state *)engine_lp_state(e, 0))->n, 2);
    assert_int_equal(engine_run(e, 20000, &err), -1); /* once per engine */
    engine_free(e);
}

static int violation_threads;

static void violate_lookahead(void)
{
    vs_engine *e = new_engine(violation_threads);
    vs_error err;
    engine_add_lp(e, &sink_kind, "far-sink", 1, NULL, &err);
    source_arg a = {0, 10, 1}; /* 10 ns across groups whose lookahead is 1000 ns */
    engine_add_lp(e, &source_kind, "hasty-source", 0, &a, &err);
    engine_set_lookahead(e, 0, 1, 1000, &err);
    engine_set_lookahead(e, 1, 0, 1000, &err);
    engine_run(e, 1000000, &err);
}

/* Caught the same way whether or not the two groups share a partition. */
static void lookahead_violation_aborts_naming_both(void **st)
{
    (void)st;
    char buf[2048];
    for (violation_threads = 1; violation_threads <= 2; violation_threads++) {
        int status = child_run(violate_lookahead, buf, sizeof buf);
        assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
        assert_non_null(strstr(buf, "lookahead violation"));
        assert_non_null(strstr(buf, "'hasty-source'"));
        assert_non_null(strstr(buf, "'far-sink'"));
        assert_non_null(strstr(buf, "delay 10 ns < lookahead 1000 ns"));
    }
}

static void send_into_past(void)
{
    vs_engine *e = new_engine(1);
    vs_error err;
    engine_add_lp(e, &sink_kind, "sink", 0, NULL, &err);
    source_arg a = {0, -5, 1};
    engine_add_lp(e, &source_kind, "time-traveller", 0, &a, &err);
    engine_run(e, 1000, &err);
}

static void send_to_nobody(void)
{
    vs_engine *e = new_engine(1);
    vs_error err;
    source_arg a = {7, 5, 1};
    engine_add_lp(e, &source_kind, "lost", 0, &a, &err);
    engine_run(e, 1000, &err);
}

static void model_bugs_abort(void **st)
{
    (void)st;
    char buf[2048];
    int status = child_run(send_into_past, buf, sizeof buf);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
    assert_non_null(strstr(buf, "'time-traveller'"));
    assert_non_null(strstr(buf, "into the past"));
    status = child_run(send_to_nobody, buf, sizeof buf);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
    assert_non_null(strstr(buf, "LP id 7"));
}

static void setup_errors(void **st)
{
    (void)st;
    vs_error err = {{0}};
    assert_null(engine_new(&(engine_opts){.threads = 0}, &err));
    assert_non_null(strstr(err.msg, "threads"));
    assert_null(engine_new(&(engine_opts){.threads = 1, .queue = "splay"}, &err));
    assert_non_null(strstr(err.msg, "splay"));

    vs_engine *e = new_engine(1);
    engine_add_lp(e, &sink_kind, "twin", 0, NULL, &err);
    engine_add_lp(e, &sink_kind, "twin", 0, NULL, &err);
    assert_int_equal(engine_run(e, 100, &err), -1);
    assert_non_null(strstr(err.msg, "two LPs are named 'twin'"));
    engine_free(e);

    e = new_engine(2); /* two partitions but no lookahead between them */
    engine_add_lp(e, &sink_kind, "a", 0, NULL, &err);
    engine_add_lp(e, &sink_kind, "b", 1, NULL, &err);
    assert_int_equal(engine_run(e, 100, &err), -1);
    assert_non_null(strstr(err.msg, "no lookahead"));
    assert_int_equal(engine_set_lookahead(e, 0, 0, 5, &err), -1);
    assert_int_equal(engine_set_default_lookahead(e, 0, &err), -1);
    assert_int_equal(engine_add_lp(e, &sink_kind, "", 0, NULL, &err), -1);
    engine_free(e);
    engine_free(NULL);
}

/* PHOLD on 1 and 2 threads, each list, where the k-th allocation inside engine_run fails: the run
 * returns -1 saying out of memory, never a result (before: abort() in the event list). */
static void out_of_memory_is_an_error(void **st)
{
    (void)st;
    const char *queues[] = {"ladder", "heap"};
    phold_params p = {
        .lps = 64, .start_events = 64, .remote = 0.5, .mean_ns = 1e6, .lookahead_ns = 100000};
    for (int q = 0; q < 2; q++)
        for (int threads = 1; threads <= 2; threads++)
            for (long k = 1; k <= 40; k += 3) {
                vs_error err = {{0}};
                vs_engine *e = engine_new(
                    &(engine_opts){.threads = threads, .queue = queues[q], .seed = 3}, &err);
                assert_non_null(e);
                assert_int_equal(phold_setup(e, &p, &err), 0);
                faulty_malloc_fail_at(k);
                int rc = engine_run(e, 50 * VS_NS_PER_MS, &err);
                if (faulty_malloc_failed()) {
                    assert_int_equal(rc, -1);
                    if (!strstr(err.msg, "out of memory"))
                        fail_msg("%s, %d threads, k=%ld: %s", queues[q], threads, k, err.msg);
                } else {
                    assert_int_equal(rc, 0);
                }
                faulty_malloc_fail_at(0);
                engine_free(e);
            }
}

/* A model's lp_fail ends the run with its message; finish still runs. */
static int finished;
static void fail_init(void *state, vs_lp *self, const void *arg)
{
    (void)state, (void)arg;
    lp_send(self, lp_id(self), 10, 0, (vs_payload){{0}});
}
static void fail_handle(void *state, vs_lp *self, const vs_event *ev)
{
    (void)state;
    if (ev->time == 50) lp_fail(self, "out of memory: a test table");
    lp_send(self, lp_id(self), 10, 0, (vs_payload){{0}});
}
static void fail_finish(void *state, vs_lp *self)
{
    (void)state, (void)self;
    finished++;
}

static void fail_init_handle(void *state, vs_lp *self, const vs_event *ev)
{
    (void)ev;
    fail_init(state, self, NULL);
}

static void lp_fail_ends_the_run(void **st)
{
    (void)st;
    static const lp_kind k = {
        .name = "f", .init = fail_init, .handle = fail_handle, .finish = fail_finish};
    vs_error err = {{0}};
    vs_engine *e = engine_new(&(engine_opts){.threads = 1, .seed = 1}, &err);
    assert_int_equal(engine_add_lp(e, &k, "f0", 0, NULL, &err), 0);
    finished = 0;
    assert_int_equal(engine_run(e, 1000000, &err), -1);
    assert_string_equal(err.msg, "out of memory: a test table (LP 'f0' at t=50 ns)");
    assert_int_equal(engine_get_stats(e)->events, 5); /* 10, 20, ..., 50: then it stopped */
    assert_int_equal(finished, 1);
    engine_free(e);
}

/* Two LPs in different partitions pass one event back and forth at a delay of 1.5 lookaheads:
 * after every window both lists are empty and the only pending event is in flight between the
 * partitions, so the next window must start from it (not end the run). Times are k * 1500 ns,
 * k = 1, 2, ... below the end: 66 events before 100000 ns, odd k at pong, even k at ping. */
typedef struct relay_state {
    uint32_t peer; /* the other LP */
    int n;         /* handled */
    vs_time last;  /* time of the last handled */
} relay_state;

static void relay_init(void *state, vs_lp *self, const void *arg)
{
    relay_state *s = state;
    s->peer = lp_id(self) ^ 1;
    if (arg) lp_send(self, s->peer, 1500, 0, (vs_payload){{0}});
}

static void relay_handle(void *state, vs_lp *self, const vs_event *ev)
{
    relay_state *s = state;
    s->n++;
    s->last = ev->time;
    lp_send(self, s->peer, 1500, 0, (vs_payload){{0}});
}

static void in_flight_events_carry_the_run(void **st)
{
    (void)st;
    static const lp_kind relay = {.name = "relay",
                                  .state_size = sizeof(relay_state),
                                  .init = relay_init,
                                  .handle = relay_handle};
    for (int threads = 1; threads <= 2; threads++) {
        vs_error err = {{0}};
        vs_engine *e =
            engine_new(&(engine_opts){.threads = threads, .seed = 1, .split_always = true}, &err);
        assert_non_null(e);
        assert_int_equal(engine_add_lp(e, &relay, "ping", 0, "starts", &err), 0);
        assert_int_equal(engine_add_lp(e, &relay, "pong", 1, NULL, &err), 1);
        assert_int_equal(engine_set_default_lookahead(e, 1000, &err), 0);
        assert_int_equal(engine_run(e, 100000, &err), 0);
        const relay_state *ping = engine_lp_state(e, 0), *pong = engine_lp_state(e, 1);
        assert_int_equal(ping->n, 33);
        assert_int_equal(pong->n, 33);
        assert_int_equal(ping->last, 66 * 1500);
        assert_int_equal(pong->last, 65 * 1500);
        const engine_stats *s = engine_get_stats(e);
        assert_int_equal(s->events, 66);
        if (threads == 2) {
            assert_int_equal(s->partitions, 2);
            assert_int_equal(s->cross_events, 66); /* the last send, past the end, is dropped */
            assert_true(s->windows >= 66);
        }
        engine_free(e);
    }
}

/* lp_fail in one partition of a split run: every thread leaves at the same window, and the run
 * reports the failure. f0 fails at t=50 (its fifth event); f1, in the other partition, handles
 * at most the events of that window (10, ..., 50). */
static void lp_fail_ends_a_split_run(void **st)
{
    (void)st;
    static const lp_kind k = {
        .name = "f", .init = fail_init, .handle = fail_handle, .finish = fail_finish};
    static const lp_kind self_loop = {.name = "g", .init = fail_init, .handle = fail_init_handle};
    vs_error err = {{0}};
    vs_engine *e = engine_new(&(engine_opts){.threads = 2, .seed = 1, .split_always = true}, &err);
    assert_int_equal(engine_add_lp(e, &k, "f0", 0, NULL, &err), 0);
    assert_int_equal(engine_add_lp(e, &self_loop, "g1", 1, NULL, &err), 1);
    assert_int_equal(engine_set_default_lookahead(e, 10, &err), 0);
    finished = 0;
    assert_int_equal(engine_run(e, 1000000, &err), -1);
    assert_string_equal(err.msg, "out of memory: a test table (LP 'f0' at t=50 ns)");
    const engine_stats *s = engine_get_stats(e);
    assert_int_equal(s->partitions, 2);
    assert_true(s->events >= 9 && s->events <= 10);
    assert_int_equal(finished, 1);
    engine_free(e);
}

/* Jugglers pass a ball to a random peer (another group: at least the lookahead later), and each
 * catch starts a chain of three events to itself, 0-399 ns apart, sent as the last send of each
 * event: with lp_send (mode 0), or handled at once when lp_handle_next allows (mode 1). Both
 * modes must handle the same events in the same order, at the same times, with the same tie
 * keys on the balls (lp_handle_next takes the send count the event would have had). */
enum { BALL, SELF, JUGGLERS = 6 };
typedef struct juggler_state {
    uint64_t hash;    /* of what it handled, in order */
    uint64_t n;       /* events handled */
    uint64_t at_once; /* of them, handled at once (mode 1) */
    int mode;         /* 0: always send; 1: lp_handle_next first */
} juggler_state;

static void juggle(juggler_state *s, vs_lp *self, vs_event ev)
{
    rng_stream *r = lp_rng(self);
    for (;;) {
        s->hash = rng_mix64(s->hash ^ (uint64_t)ev.time) + ev.type + ev.data.u64[0] +
                  (ev.type == BALL ? ev.tie : 0);
        s->n++;
        uint64_t left = ev.data.u64[1];
        if (ev.type == BALL) {
            uint32_t to = (lp_id(self) + 1 + rng_uniform_int(r, JUGGLERS - 1)) % JUGGLERS;
            lp_send(self, to, 1000 + rng_uniform_int(r, 4000), BALL,
                    (vs_payload){{ev.data.u64[0] + 1, 0}});
            left = 3;
        }
        if (left == 0) return;
        vs_time d = rng_uniform_int(r, 400);
        vs_payload next = {{ev.data.u64[0] + 7, left - 1}};
        if (s->mode == 0 || !lp_handle_next(self, d)) {
            lp_send(self, lp_id(self), d, SELF, next);
            return;
        }
        s->at_once++;
        ev = (vs_event){lp_now(self), 0, lp_id(self), SELF, next};
    }
}

static void juggler_init(void *state, vs_lp *self, const void *arg)
{
    juggler_state *s = state;
    s->mode = *(const int *)arg;
    lp_send(self, lp_id(self), lp_id(self) * 300, BALL, (vs_payload){{lp_id(self), 0}});
}

static void juggler_handle(void *state, vs_lp *self, const vs_event *ev)
{
    juggle(state, self, *ev);
}

static void handle_next_changes_nothing(void **st)
{
    (void)st;
    static const lp_kind juggler = {.name = "juggler",
                                    .state_size = sizeof(juggler_state),
                                    .init = juggler_init,
                                    .handle = juggler_handle};
    juggler_state want[JUGGLERS];
    uint64_t want_events = 0;
    for (int threads = 1; threads <= 3; threads++) {
        for (int mode = 0; mode <= 1; mode++) {
            vs_error err = {{0}};
            vs_engine *e = engine_new(
                &(engine_opts){.threads = threads, .seed = 3, .split_always = true}, &err);
            assert_non_null(e);
            char name[16];
            for (int i = 0; i < JUGGLERS; i++) {
                snprintf(name, sizeof name, "j%d", i);
                assert_int_equal(engine_add_lp(e, &juggler, name, (uint32_t)i, &mode, &err), i);
            }
            assert_int_equal(engine_set_default_lookahead(e, 1000, &err), 0);
            assert_int_equal(engine_run(e, 2000000, &err), 0);
            uint64_t self_events = 0, at_once = 0;
            for (int i = 0; i < JUGGLERS; i++) {
                const juggler_state *j = engine_lp_state(e, (uint32_t)i);
                at_once += j->at_once;
                self_events += j->n;
                if (threads == 1 && mode == 0) {
                    want[i] = *j;
                    continue;
                }
                assert_int_equal(j->hash, want[i].hash);
                assert_int_equal(j->n, want[i].n);
            }
            const engine_stats *s = engine_get_stats(e);
            if (threads == 1 && mode == 0) want_events = s->events;
            assert_int_equal(s->events, want_events); /* handled at once counts as handled */
            assert_int_equal(s->events, self_events);
            if (mode == 1) { /* both answers happened: at once, and sent */
                assert_true(at_once > s->events / 10);
                assert_true(at_once < s->events / 2);
            }
            if (threads > 1) assert_true(s->windows > 100);
            engine_free(e);
        }
    }
}

/* lp_handle_next refuses whatever could come first: a pending event at or before the time, the
 * run's end (events there are never handled), a negative delay. */
typedef struct next_state {
    vs_time seen[8]; /* times of what it handled, at once or not */
    int n;
} next_state;

static void next_init(void *state, vs_lp *self, const void *arg)
{
    (void)state, (void)arg;
    lp_send(self, lp_id(self), 10, 0, (vs_payload){{0}});
    lp_send(self, lp_id(self), 50, 1, (vs_payload){{0}});
}

static void next_handle(void *state, vs_lp *self, const vs_event *ev)
{
    next_state *s = state;
    s->seen[s->n++] = ev->time;
    if (ev->type == 0) {                        /* at 10; the other event is at 50 */
        assert_false(lp_handle_next(self, 40)); /* 50: a tie with the pending one */
        assert_false(lp_handle_next(self, 41));
        assert_false(lp_handle_next(self, -1));
        assert_true(lp_handle_next(self, 39));
        s->seen[s->n++] = lp_now(self); /* 49 */
        return;
    }
    assert_false(lp_handle_next(self, 50)); /* at 100, the end of the run */
    assert_true(lp_handle_next(self, 49));
    s->seen[s->n++] = lp_now(self); /* 99 */
}

static void handle_next_refuses_what_could_come_first(void **st)
{
    (void)st;
    static const lp_kind k = {
        .name = "n", .state_size = sizeof(next_state), .init = next_init, .handle = next_handle};
    vs_engine *e = new_engine(1);
    vs_error err;
    assert_int_equal(engine_add_lp(e, &k, "n", 0, NULL, &err), 0);
    assert_int_equal(engine_run(e, 100, &err), 0);
    const next_state *s = engine_lp_state(e, 0);
    assert_int_equal(s->n, 4);
    vs_time want[] = {10, 49, 50, 99};
    for (int i = 0; i < 4; i++) assert_int_equal(s->seen[i], want[i]);
    assert_int_equal(engine_get_stats(e)->events, 4);
    engine_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(equal_times_in_tie_order),
        cmocka_unit_test(end_is_exclusive),
        cmocka_unit_test(lookahead_violation_aborts_naming_both),
        cmocka_unit_test(model_bugs_abort),
        cmocka_unit_test(setup_errors),
        cmocka_unit_test(out_of_memory_is_an_error),
        cmocka_unit_test(lp_fail_ends_the_run),
        cmocka_unit_test(in_flight_events_carry_the_run),
        cmocka_unit_test(lp_fail_ends_a_split_run),
        cmocka_unit_test(handle_next_changes_nothing),
        cmocka_unit_test(handle_next_refuses_what_could_come_first),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
