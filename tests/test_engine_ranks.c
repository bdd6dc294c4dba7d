/* A run across ranks (engine_opts.ranks) without MPI: each "rank" is a thread with its own
 * engine, and the collectives meet in shared memory behind a barrier (the same contract as
 * sim/cli/run_mpi.c's). PHOLD over 2, 3 and 4 ranks ends with every LP's state byte for byte
 * that of one process, the ranks' counts add up to its events, and an LP that fails on one rank
 * stops every rank with that LP's message. The MPI version runs in test_mpi.sh. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vpcsim/engine.h"
#include "vpcsim/phold.h"

enum { MAX_RANKS = 4 };

/* What the ranks share: mailboxes and one slot per rank for the reductions. */
typedef struct hub {
    int size;
    pthread_barrier_t bar;
    vs_event *box[MAX_RANKS][MAX_RANKS]; /* [from][to], copies the sender made */
    size_t nbox[MAX_RANKS][MAX_RANKS];
    int64_t mins[MAX_RANKS][4];
    uint64_t sums[MAX_RANKS][4];
    const void *gather[MAX_RANKS];
    size_t glen[MAX_RANKS];
    char bytes[VS_ERROR_MSG_MAX];
} hub;

typedef struct fake_rank {
    hub *h;
    int rank;
    vs_event *in; /* what the last exchange brought */
    size_t nin;
} fake_rank;

static void fake_exchange(void *ctx, vs_event *const *out, const size_t *nout, const vs_event **in,
                          size_t *nin)
{
    fake_rank *f = ctx;
    hub *h = f->h;
    for (int r = 0; r < h->size; r++) {
        assert_true(r != f->rank || nout[r] == 0);
        h->box[f->rank][r] = nout[r] ? malloc(nout[r] * sizeof(vs_event)) : NULL;
        if (nout[r]) memcpy(h->box[f->rank][r], out[r], nout[r] * sizeof(vs_event));
        h->nbox[f->rank][r] = nout[r];
    }
    pthread_barrier_wait(&h->bar);
    size_t n = 0;
    for (int s = 0; s < h->size; s++) n += h->nbox[s][f->rank];
    free(f->in);
    f->in = malloc((n ? n : 1) * sizeof(vs_event));
    f->nin = 0;
    for (int s = 0; s < h->size; s++) {
        if (h->nbox[s][f->rank])
            memcpy(f->in + f->nin, h->box[s][f->rank], h->nbox[s][f->rank] * sizeof(vs_event));
        f->nin += h->nbox[s][f->rank];
        free(h->box[s][f->rank]);
    }
    pthread_barrier_wait(&h->bar);
    *in = f->in, *nin = f->nin;
}

static void fake_min(void *ctx, int64_t *v, int n)
{
    fake_rank *f = ctx;
    memcpy(f->h->mins[f->rank], v, (size_t)n * sizeof *v);
    pthread_barrier_wait(&f->h->bar);
    for (int r = 0; r < f->h->size; r++)
        for (int i = 0; i < n; i++)
            if (f->h->mins[r][i] < v[i]) v[i] = f->h->mins[r][i];
    pthread_barrier_wait(&f->h->bar);
}

static void fake_sum(void *ctx, uint64_t *v, int n)
{
    fake_rank *f = ctx;
    memcpy(f->h->sums[f->rank], v, (size_t)n * sizeof *v);
    pthread_barrier_wait(&f->h->bar);
    for (int i = 0; i < n; i++) {
        v[i] = 0;
        for (int r = 0; r < f->h->size; r++) v[i] += f->h->sums[r][i];
    }
    pthread_barrier_wait(&f->h->bar);
}

static void fake_bcast(void *ctx, int root, void *buf, size_t len)
{
    fake_rank *f = ctx;
    assert_true(len <= sizeof f->h->bytes);
    if (f->rank == root) memcpy(f->h->bytes, buf, len);
    pthread_barrier_wait(&f->h->bar);
    if (f->rank != root) memcpy(buf, f->h->bytes, len);
    pthread_barrier_wait(&f->h->bar);
}

static void fake_gather(void *ctx, const void *mine, size_t len, void **all, size_t *lens)
{
    fake_rank *f = ctx;
    f->h->gather[f->rank] = mine, f->h->glen[f->rank] = len;
    pthread_barrier_wait(&f->h->bar);
    *all = NULL;
    if (f->rank == 0) {
        size_t n = 0;
        for (int r = 0; r < f->h->size; r++) n += f->h->glen[r];
        char *p = malloc(n ? n : 1);
        *all = p;
        for (int r = 0; r < f->h->size; r++) {
            if (f->h->glen[r]) memcpy(p, f->h->gather[r], f->h->glen[r]);
            p += f->h->glen[r], lens[r] = f->h->glen[r];
        }
    }
    pthread_barrier_wait(&f->h->bar);
}

/* ---- PHOLD across ranks ---------------------------------------------------------------------- */

static const phold_params phold = {.lps = 96,
                                   .start_events = 4,
                                   .remote = 0.5,
                                   .mean_ns = 1000,
                                   .lookahead_ns = 200,
                                   .groups = 12};
enum { PHOLD_END = 400000 };

typedef struct rank_job {
    fake_rank f;
    engine_ranks ranks;
    vs_engine *e;
    int rc;
    vs_error err;
} rank_job;

/* One rank: the same PHOLD as everyone, run together. */
static void *phold_rank(void *p)
{
    rank_job *j = p;
    engine_opts o = {.threads = 1, .seed = 7, .ranks = &j->ranks, .split_always = true};
    j->e = engine_new(&o, &j->err);
    if (!j->e || phold_setup(j->e, &phold, &j->err)) {
        j->rc = -1;
        return NULL;
    }
    j->rc = engine_run(j->e, PHOLD_END, &j->err);
    return NULL;
}

static void run_ranks(hub *h, rank_job *jobs, int size, void *(*fn)(void *))
{
    memset(h, 0, sizeof *h);
    h->size = size;
    pthread_barrier_init(&h->bar, NULL, (unsigned)size);
    pthread_t th[MAX_RANKS];
    for (int r = 0; r < size; r++) {
        jobs[r] = (rank_job){.f = {.h = h, .rank = r}};
        jobs[r].ranks = (engine_ranks){.rank = r,
                                       .size = size,
                                       .ctx = &jobs[r].f,
                                       .exchange = fake_exchange,
                                       .min = fake_min,
                                       .sum = fake_sum,
                                       .bcast = fake_bcast,
                                       .gather = fake_gather};
        assert_int_equal(pthread_create(&th[r], NULL, fn, &jobs[r]), 0);
    }
    for (int r = 0; r < size; r++) pthread_join(th[r], NULL);
    pthread_barrier_destroy(&h->bar);
}

static void ranks_match_one_process(void **state)
{
    (void)state;
    vs_error err;
    vs_engine *one = engine_new(&(engine_opts){.threads = 1, .seed = 7}, &err);
    assert_non_null(one);
    assert_int_equal(phold_setup(one, &phold, &err), 0);
    assert_int_equal(engine_run(one, PHOLD_END, &err), 0);
    uint64_t events = engine_get_stats(one)->events;
    assert_true(events > 10000);
    for (int size = 2; size <= MAX_RANKS; size++) {
        hub h;
        rank_job jobs[MAX_RANKS];
        run_ranks(&h, jobs, size, phold_rank);
        int ran[MAX_RANKS] = {0};
        for (int r = 0; r < size; r++) {
            assert_int_equal(jobs[r].rc, 0);
            const engine_stats *st = engine_get_stats(jobs[r].e);
            assert_int_equal(st->ranks, size);
            assert_int_equal(st->partitions, size);
            assert_true(st->events == events); /* every rank knows the sum */
            assert_true(st->windows > 100);    /* it really ran in windows */
            assert_true(st->cross_events > 0);
        }
        for (uint32_t id = 0; id < engine_lp_count(one); id++) {
            int owner = -1;
            for (int r = 0; r < size; r++)
                if (engine_lp_local(jobs[r].e, id)) {
                    assert_int_equal(owner, -1); /* exactly one rank ran it */
                    owner = r;
                }
            assert_true(owner >= 0);
            ran[owner]++;
            assert_memory_equal(engine_lp_state(jobs[owner].e, id), engine_lp_state(one, id),
                                phold_kind.state_size);
        }
        for (int r = 0; r < size; r++) assert_true(ran[r] > 0);
        for (int r = 0; r < size; r++) engine_free(jobs[r].e), free(jobs[r].f.in);
    }
    engine_free(one);
}

/* ---- a failure on one rank ------------------------------------------------------------------- */

/* Ticks every 1000 ns to its partner in the other group; the LP named "bad" fails at 50 us. */
static void tick_init(void *st, vs_lp *self, const void *arg)
{
    (void)st, (void)arg;
    lp_send(self, lp_id(self) ^ 1u, 1000, 0, (vs_payload){{0}});
}

static void tick_handle(void *st, vs_lp *self, const vs_event *ev)
{
    (void)st, (void)ev;
    if (lp_now(self) >= 50000 && strcmp(lp_name(self), "bad") == 0) {
        lp_fail(self, "out of memory in a test");
        return;
    }
    lp_send(self, lp_id(self) ^ 1u, 1000, 0, (vs_payload){{0}});
}

static const lp_kind tick_kind = {.name = "tick", .init = tick_init, .handle = tick_handle};

static void *tick_rank(void *p)
{
    rank_job *j = p;
    engine_opts o = {.threads = 1, .seed = 1, .ranks = &j->ranks, .split_always = true};
    j->e = engine_new(&o, &j->err);
    j->rc = !j->e || engine_add_lp(j->e, &tick_kind, "good", 0, NULL, &j->err) != 0 ||
                    engine_add_lp(j->e, &tick_kind, "bad", 1, NULL, &j->err) != 1 ||
                    engine_set_default_lookahead(j->e, 1000, &j->err)
                ? -1
                : engine_run(j->e, 1000000, &j->err);
    return NULL;
}

static void a_failure_stops_every_rank(void **state)
{
    (void)state;
    hub h;
    rank_job jobs[MAX_RANKS];
    run_ranks(&h, jobs, 2, tick_rank);
    for (int r = 0; r < 2; r++) {
        assert_int_equal(jobs[r].rc, -1);
        assert_non_null(strstr(jobs[r].err.msg, "out of memory in a test (LP 'bad' at t=50000"));
        assert_true(engine_get_stats(jobs[r].e)->events < 200); /* it stopped, not ran on */
        engine_free(jobs[r].e), free(jobs[r].f.in);
    }
}

static void threads_with_ranks_refused(void **state)
{
    (void)state;
    engine_ranks r = {.rank = 0, .size = 2};
    vs_error err = {""};
    assert_null(engine_new(&(engine_opts){.threads = 2, .ranks = &r}, &err));
    assert_non_null(strstr(err.msg, "one thread per rank"));
    r.rank = 2;
    assert_null(engine_new(&(engine_opts){.threads = 1, .ranks = &r}, &err));
    assert_non_null(strstr(err.msg, "rank < size"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ranks_match_one_process),
        cmocka_unit_test(a_failure_stops_every_rank),
        cmocka_unit_test(threads_with_ranks_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
