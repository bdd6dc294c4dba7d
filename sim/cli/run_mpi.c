/* `mpirun -n N vpcsim run FILE -o OUT`: the runs spread over the ranks (docs/large-studies.md).
 * Every rank loads the same plan; the jobs are taken one at a time from one counter on rank 0
 * (MPI one-sided fetch-and-add: no rank waits for a coordinator, and rank 0 runs jobs too), in
 * the order of their expected length, longest first. Each rank writes its runs to its own file,
 * OUT.rankR, through run's usual writer; once all are done rank 0 takes their runs into OUT with
 * the code of merge and --resume (sim/cli/run_adopt.c), so OUT's datasets are those of one
 * process whatever ran where. Without mpirun (or with one rank) MPI is never initialised. */
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/run_impl.h"
#include "vpcsim/grow.h"
#include "engine/clock.h"

#ifdef VPCSIM_HAVE_MPI
#include <mpi.h>
#include <pthread.h>

struct run_mpi {
    int rank, size;
    MPI_Win win;          /* rank 0: {next job of order[], runs finished on other ranks} */
    uint64_t *counters;   /* the window's memory (rank 0) */
    size_t *order;        /* jobs, longest expected first */
    struct weighed *w;    /* scratch [njobs] for the order */
    size_t n;             /* jobs */
    pthread_mutex_t lock; /* MPI calls one thread at a time (MPI_THREAD_SERIALIZED) */
    engine_ranks ranks;   /* the collectives of one run across the ranks (run_mpi_ranks) */
    vs_event *in;         /* what the last exchange brought */
    size_t nin, incap;
    MPI_Request *reqs; /* [size] the exchange's sends */
};

/* Whether an MPI launcher started this process (Open MPI, PMI, PMIx), read before MPI_Init so
 * that a plain `vpcsim run` never initialises MPI. */
static bool launched(void)
{
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMI_SIZE") || getenv("PMIX_RANK");
}

run_mpi *run_mpi_start(int *argc, char ***argv)
{
    int provided = 0, size = 1;
    if (!launched()) return NULL;
    MPI_Init_thread(argc, argv, MPI_THREAD_SERIALIZED, &provided);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    run_mpi *m = calloc(1, sizeof *m);
    if (!m || provided < MPI_THREAD_SERIALIZED) {
        fputs("vpcsim run: MPI without threads (MPI_THREAD_SERIALIZED) or out of memory\n", stderr);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &m->rank);
    m->size = size;
    m->win = MPI_WIN_NULL;
    pthread_mutex_init(&m->lock, NULL);
    return m;
}

int run_mpi_rank(const run_mpi *m)
{
    return m ? m->rank : 0;
}

/* ---- one run across the ranks: engine_ranks over MPI_COMM_WORLD ------------------------------ */

enum { TAG_EVENTS = 17 }; /* messages between two ranks do not overtake: windows stay in order */

static void out_of_memory(const char *what)
{
    fprintf(stderr, "vpcsim run: out of memory %s\n", what);
    MPI_Abort(MPI_COMM_WORLD, 1);
}

/* Waiting between windows spins on MPI's progress for a while, then yields the core between
 * looks, then sleeps between them, like the threads' barrier: a rank that waits does not take a
 * core from a process that needs it (on a shared machine the rank it waits for may be that
 * process's neighbour), and a nap (a wake-up costs 100 us or more here) comes only after a
 * wait longer than most windows' imbalance. */
enum { SPIN_NS = 100000, YIELD_NS = 1000000, NAP_NS = 30000 };

/* After a look that found nothing: keep spinning until SPIN_NS have passed, then yield until
 * YIELD_NS, then nap. */
static void idle(int64_t since)
{
    int64_t waited = clock_mono_ns() - since;
    if (waited < SPIN_NS) return;
    if (waited < YIELD_NS)
        sched_yield();
    else
        nanosleep(&(struct timespec){0, NAP_NS}, NULL);
}

static void wait_all(int n, MPI_Request *reqs)
{
    int64_t t0 = clock_mono_ns();
    for (;;) {
        int done = 0;
        MPI_Testall(n, reqs, &done, MPI_STATUSES_IGNORE);
        if (done) return;
        idle(t0);
    }
}

static void probe(int from, MPI_Status *st)
{
    int64_t t0 = clock_mono_ns();
    for (;;) {
        int there = 0;
        MPI_Iprobe(from, TAG_EVENTS, MPI_COMM_WORLD, &there, st);
        if (there) return;
        idle(t0);
    }
}

/* Each peer gets one message a window (maybe empty); the receiver sizes it by probing. */
static void mpi_exchange(void *ctx, vs_event *const *out, const size_t *nout, const vs_event **in,
                         size_t *nin)
{
    run_mpi *m = ctx;
    const size_t ev = sizeof(vs_event);
    pthread_mutex_lock(&m->lock);
    int nreq = 0;
    for (int r = 0; r < m->size; r++) {
        if (r == m->rank) continue;
        if (nout[r] > (size_t)INT32_MAX / ev) out_of_memory("for a window's events (over 2 GiB)");
        MPI_Isend(out[r], (int)(nout[r] * ev), MPI_BYTE, r, TAG_EVENTS, MPI_COMM_WORLD,
                  &m->reqs[nreq++]);
    }
    m->nin = 0;
    for (int r = 0; r < m->size; r++) {
        if (r == m->rank) continue;
        MPI_Status st;
        int bytes = 0;
        probe(r, &st);
        MPI_Get_count(&st, MPI_BYTE, &bytes);
        size_t n = (size_t)bytes / ev;
        if (m->nin + n > m->incap) {
            vs_event *v = grow_reserve(m->in, m->nin + n, &m->incap, ev, 1024);
            if (!v) out_of_memory("receiving events from another rank");
            m->in = v;
        }
        MPI_Recv(m->in + m->nin, bytes, MPI_BYTE, r, TAG_EVENTS, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        m->nin += n;
    }
    wait_all(nreq, m->reqs);
    pthread_mutex_unlock(&m->lock);
    *in = m->in, *nin = m->nin;
}

static void mpi_min(void *ctx, int64_t *v, int n)
{
    run_mpi *m = ctx;
    MPI_Request req;
    pthread_mutex_lock(&m->lock);
    MPI_Iallreduce(MPI_IN_PLACE, v, n, MPI_INT64_T, MPI_MIN, MPI_COMM_WORLD, &req);
    wait_all(1, &req);
    pthread_mutex_unlock(&m->lock);
}

static void mpi_sum(void *ctx, uint64_t *v, int n)
{
    run_mpi *m = ctx;
    pthread_mutex_lock(&m->lock);
    MPI_Allreduce(MPI_IN_PLACE, v, n, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
    pthread_mutex_unlock(&m->lock);
}

static void mpi_bcast(void *ctx, int root, void *buf, size_t len)
{
    run_mpi *m = ctx;
    pthread_mutex_lock(&m->lock);
    MPI_Bcast(buf, (int)len, MPI_BYTE, root, MPI_COMM_WORLD);
    pthread_mutex_unlock(&m->lock);
}

static void mpi_gather(void *ctx, const void *mine, size_t len, void **all, size_t *lens)
{
    run_mpi *m = ctx;
    uint64_t n = len, *ns = NULL;
    int *counts = NULL, *at = NULL;
    char *buf = NULL;
    if (len > INT32_MAX) out_of_memory("for one rank's measurements (over 2 GiB)");
    if (m->rank == 0 && (!(ns = calloc((size_t)m->size, sizeof *ns)) ||
                         !(counts = calloc((size_t)m->size, sizeof *counts)) ||
                         !(at = calloc((size_t)m->size, sizeof *at))))
        out_of_memory("gathering the ranks' measurements");
    pthread_mutex_lock(&m->lock);
    MPI_Gather(&n, 1, MPI_UINT64_T, ns, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
    uint64_t total = 0;
    for (int r = 0; m->rank == 0 && r < m->size; r++) {
        if (total + ns[r] > INT32_MAX) out_of_memory("for the ranks' measurements (over 2 GiB)");
        at[r] = (int)total, counts[r] = (int)ns[r], lens[r] = (size_t)ns[r], total += ns[r];
    }
    if (m->rank == 0 && !(buf = malloc(total ? total : 1)))
        out_of_memory("gathering the ranks' measurements");
    MPI_Gatherv(mine, (int)len, MPI_BYTE, buf, counts, at, MPI_BYTE, 0, MPI_COMM_WORLD);
    pthread_mutex_unlock(&m->lock);
    free(ns), free(counts), free(at);
    *all = buf;
}

const engine_ranks *run_mpi_ranks(run_mpi *m)
{
    if (!m) return NULL;
    if (!m->reqs && !(m->reqs = calloc((size_t)m->size, sizeof *m->reqs)))
        out_of_memory("for the exchange between ranks");
    m->ranks = (engine_ranks){.rank = m->rank,
                              .size = m->size,
                              .ctx = m,
                              .exchange = mpi_exchange,
                              .min = mpi_min,
                              .sum = mpi_sum,
                              .bcast = mpi_bcast,
                              .gather = mpi_gather};
    return &m->ranks;
}

int run_mpi_size(const run_mpi *m)
{
    return m ? m->size : 1;
}

/* Calls a job is expected to make (its length, roughly): each workload's rate over the whole
 * run, three times as many messages when every call opens a connection. */
static double expected_calls(const run_inputs *in, const topology *t)
{
    double s = (double)(in->warmup_ns + in->duration_ns) / 1e9, calls = 0;
    for (size_t w = 0; w < t->nworkloads; w++) {
        const topo_workload *x = &t->workloads[w];
        double rate = x->rate_per_s > 0 ? x->rate_per_s
                      : x->think_ns > 0 ? (double)x->clients * 1e9 / (double)x->think_ns
                                        : (double)x->clients * 1000;
        calls += rate * s * (x->reuse_connections ? 1 : 3);
    }
    return calls;
}

typedef struct weighed {
    double calls;
    size_t i; /* execution order: ties keep it */
} weighed;

static int by_calls(const void *a, const void *b)
{
    const weighed *x = a, *y = b;
    if (x->calls != y->calls) return x->calls > y->calls ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* The n jobs of ctx that jobs[i] names (or, jobs NULL, the execution order's first n) into
 * m->order, longest expected first. */
static void order_jobs(run_mpi *m, const run_ctx *ctx, const size_t *jobs, size_t n)
{
    weighed *w = m->w;
    for (size_t i = 0; i < n; i++) {
        const job *j = &ctx->jobs[jobs ? jobs[i] : run_job_index(ctx, i)];
        const run_inputs *in = &ctx->pts[j->pt];
        w[i] = (weighed){expected_calls(in, &in->s->archs[j->arch]), i};
    }
    qsort(w, n, sizeof *w, by_calls); /* the same order on every rank */
    for (size_t i = 0; i < n; i++) m->order[i] = jobs ? jobs[w[i].i] : run_job_index(ctx, w[i].i);
    m->n = n;
}

int run_mpi_order(run_mpi *m, const run_ctx *ctx)
{
    m->order = calloc(ctx->njobs ? ctx->njobs : 1, sizeof *m->order);
    m->w = calloc(ctx->njobs ? ctx->njobs : 1, sizeof *m->w);
    if (!m->order || !m->w) return -1;
    order_jobs(m, ctx, NULL, ctx->njobs);
    MPI_Aint bytes = m->rank == 0 ? 2 * sizeof(uint64_t) : 0;
    MPI_Win_allocate(bytes, sizeof(uint64_t), MPI_INFO_NULL, MPI_COMM_WORLD, &m->counters, &m->win);
    if (m->rank == 0) m->counters[0] = m->counters[1] = 0;
    MPI_Barrier(MPI_COMM_WORLD);
    return 0;
}

void run_mpi_batch(run_mpi *m, const run_ctx *ctx, const size_t *jobs, size_t n)
{
    order_jobs(m, ctx, jobs, n);
    pthread_mutex_lock(&m->lock); /* rank 0's watcher reads a counter meanwhile */
    if (m->rank == 0) { /* no rank claims until the barrier: the last batch's claims are over */
        MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, m->win);
        m->counters[0] = 0;
        MPI_Win_unlock(0, m->win);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    pthread_mutex_unlock(&m->lock);
}

int run_mpi_any(run_mpi *m, int mine)
{
    int any = 0;
    pthread_mutex_lock(&m->lock);
    MPI_Allreduce(&mine, &any, 1, MPI_INT, MPI_LOR, MPI_COMM_WORLD);
    pthread_mutex_unlock(&m->lock);
    return any;
}

void run_mpi_share(run_mpi *m, uint64_t *bits, size_t n)
{
    pthread_mutex_lock(&m->lock);
    for (size_t at = 0; at < n;) { /* MPI counts are ints */
        int k = n - at > (size_t)1 << 30 ? 1 << 30 : (int)(n - at);
        MPI_Allreduce(MPI_IN_PLACE, bits + at, k, MPI_UINT64_T, MPI_BOR, MPI_COMM_WORLD);
        at += (size_t)k;
    }
    pthread_mutex_unlock(&m->lock);
}

/* Adds one to counter k of rank 0; returns its value before. */
static uint64_t fetch_add(run_mpi *m, int k, uint64_t add)
{
    uint64_t old = 0;
    pthread_mutex_lock(&m->lock);
    MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, m->win);
    MPI_Fetch_and_op(&add, &old, MPI_UINT64_T, 0, k, MPI_SUM, m->win);
    MPI_Win_unlock(0, m->win);
    pthread_mutex_unlock(&m->lock);
    return old;
}

size_t run_mpi_claim(run_mpi *m)
{
    uint64_t k = fetch_add(m, 0, 1);
    return k < m->n ? m->order[k] : SIZE_MAX;
}

void run_mpi_finished(run_mpi *m)
{
    if (m->rank != 0) fetch_add(m, 1, 1);
}

size_t run_mpi_finished_elsewhere(run_mpi *m)
{
    return (size_t)fetch_add(m, 1, 0);
}

int run_mpi_max(run_mpi *m, int rc)
{
    int max = rc;
    pthread_mutex_lock(&m->lock);
    MPI_Allreduce(&rc, &max, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    pthread_mutex_unlock(&m->lock);
    return max;
}

int run_mpi_all_ok(run_mpi *m, int ok, int *bad_rank)
{
    int mine = ok ? m->size : m->rank, first = 0; /* the lowest failed rank, or size */
    MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    *bad_rank = first;
    return first == m->size;
}

void run_mpi_end(run_mpi *m)
{
    if (!m) return;
    if (m->win != MPI_WIN_NULL) MPI_Win_free(&m->win);
    free(m->order), free(m->w), free(m->in), free(m->reqs);
    pthread_mutex_destroy(&m->lock);
    free(m);
    MPI_Finalize();
}

#else /* built without MPI: every run is a plain one */

run_mpi *run_mpi_start(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    return NULL;
}
int run_mpi_rank(const run_mpi *m)
{
    (void)m;
    return 0;
}
int run_mpi_size(const run_mpi *m)
{
    (void)m;
    return 1;
}
const engine_ranks *run_mpi_ranks(run_mpi *m)
{
    (void)m;
    return NULL;
}
int run_mpi_order(run_mpi *m, const run_ctx *ctx)
{
    (void)m, (void)ctx;
    return -1;
}
size_t run_mpi_claim(run_mpi *m)
{
    (void)m;
    return SIZE_MAX;
}
void run_mpi_batch(run_mpi *m, const run_ctx *ctx, const size_t *jobs, size_t n)
{
    (void)m, (void)ctx, (void)jobs, (void)n;
}
int run_mpi_any(run_mpi *m, int mine)
{
    (void)m;
    return mine;
}
void run_mpi_share(run_mpi *m, uint64_t *bits, size_t n)
{
    (void)m, (void)bits, (void)n;
}
void run_mpi_finished(run_mpi *m)
{
    (void)m;
}
size_t run_mpi_finished_elsewhere(run_mpi *m)
{
    (void)m;
    return 0;
}
int run_mpi_max(run_mpi *m, int rc)
{
    (void)m;
    return rc;
}
int run_mpi_all_ok(run_mpi *m, int ok, int *bad_rank)
{
    (void)m, *bad_rank = 0;
    return ok;
}
void run_mpi_end(run_mpi *m)
{
    (void)m;
}
#endif

/* The file rank r writes its runs to: OUT.rankR beside OUT. */
void run_mpi_rank_path(char *buf, size_t n, const char *out, int rank)
{
    snprintf(buf, n, "%s.rank%d", out, rank);
}
