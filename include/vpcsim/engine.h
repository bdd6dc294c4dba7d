/* The engine API that models program against: logical processes (LPs) as const vtables, events
 * ordered by (time, tie key), sends, and the per-LP random stream. The engine knows nothing of
 * AWS; it runs sequentially or in conservative synchronous windows across OpenMP threads. */
#ifndef VPCSIM_ENGINE_H
#define VPCSIM_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vpcsim/error.h"
#include "vpcsim/rng.h"

typedef int64_t vs_time; /* simulated time in nanoseconds */

/* Event times stay below this (about 73 years): bucket arithmetic never overflows. */
#define VS_TIME_LIMIT ((vs_time)1 << 61)
#define VS_NS_PER_US  ((vs_time)1000)
#define VS_NS_PER_MS  ((vs_time)1000000)
#define VS_NS_PER_S   ((vs_time)1000000000)

enum {
    VS_LP_ID_BITS = 24,   /* at most 16,777,216 LPs */
    VS_SEND_SEQ_BITS = 40 /* per-LP send counter inside the tie key */
};

/* Small inline payload; models keep larger state in their LPs and pass ids. */
typedef union vs_payload {
    uint64_t u64[2];
    int64_t i64[2];
    uint32_t u32[4];
    double f64[2];
} vs_payload;

/* An event as a handler sees it (read-only). */
typedef struct vs_event {
    vs_time time;    /* when it happens */
    uint64_t tie;    /* sender id << VS_SEND_SEQ_BITS | sender's send count: total order */
    uint32_t dst;    /* destination LP id */
    uint32_t type;   /* model-defined */
    vs_payload data; /* model-defined */
} vs_event;

typedef struct vs_lp vs_lp;         /* the running LP's handle (opaque) */
typedef struct vs_engine vs_engine; /* opaque */

/* An LP kind: a const table of callbacks. NULL callbacks mean "nothing to do". */
typedef struct lp_kind {
    const char *name;  /* for messages */
    size_t state_size; /* bytes of zeroed state the engine allocates per LP */
    /* Called once per LP, in LP id order, at time 0; may send. arg is engine_add_lp's. */
    void (*init)(void *state, vs_lp *self, const void *arg);
    /* Called for every event addressed to the LP, in (time, tie) order. */
    void (*handle)(void *state, vs_lp *self, const vs_event *ev);
    /* Called once per LP, in LP id order, after the run. */
    void (*finish)(void *state, vs_lp *self);
} lp_kind;

/* Processes that run one simulation together (MPI ranks, sim/cli/run_mpi.c): each rank builds
 * the same engine (the same LPs in the same order, the same options), partition p runs on rank p,
 * and the ranks exchange events and minima through these callbacks, so the engine needs no MPI.
 * Every rank calls every callback at the same point (they are collectives); a failure inside one
 * (no memory for a receive buffer) ends the whole job with a message. */
enum { ENGINE_MAX_RANKS = 256 }; /* ranks of one run at most (engine_new refuses more) */

typedef struct engine_ranks {
    int rank, size; /* this process and how many there are (>= 1) */
    void *ctx;
    /* Sends out[r] (nout[r] events; out[rank] is empty) to every rank r, and points *in at the
     * *nin events the others sent here (valid until the next call). */
    void (*exchange)(void *ctx, vs_event *const *out, const size_t *nout, const vs_event **in,
                     size_t *nin);
    void (*min)(void *ctx, int64_t *v, int n);  /* v[0..n) := element-wise minimum over ranks */
    void (*sum)(void *ctx, uint64_t *v, int n); /* v[0..n) := element-wise sum over ranks */
    void (*bcast)(void *ctx, int root, void *buf, size_t len); /* root's len bytes to all */
    /* Rank 0 gets every rank's bytes: *all (malloc'd, the caller frees) holds them in rank
     * order, lens[r] each ([size], rank 0 only); the other ranks get *all = NULL. */
    void (*gather)(void *ctx, const void *mine, size_t len, void **all, size_t *lens);
} engine_ranks;

typedef struct engine_opts {
    int threads;       /* worker threads (>= 1); the run is identical for any count */
    const char *queue; /* event list: "ladder" (default) or "heap"; NULL = default */
    uint64_t seed;     /* scenario seed: LP streams derive from (seed, LP name) */
    bool split_always; /* split wherever a cut exists, even if it cannot pay (tests) */
    /* NULL, or ranks that run this one simulation together (then threads must be 1: one
     * partition per rank) */
    const engine_ranks *ranks;
} engine_opts;

/* Why a run has the partitions it has (engine_split_text: a phrase for reports). */
typedef enum engine_split {
    ENGINE_SPLIT_ONE_THREAD,   /* one thread asked */
    ENGINE_SPLIT_ONE_GROUP,    /* no cut: the LPs are one group, or one cluster of short links */
    ENGINE_SPLIT_NO_GAIN,      /* a cut exists but would not pay: too little work per window */
    ENGINE_SPLIT_BY_COUNT,     /* no load hints: groups in runs balanced by LP count */
    ENGINE_SPLIT_BY_LOOKAHEAD, /* split where the links are long, balanced by load hints */
    ENGINE_SPLIT_FELL_BACK,    /* split, then the measured events per window were too few */
    ENGINE_SPLIT_ALWAYS,       /* split at the best cut though it may not pay (split_always) */
    ENGINE_SPLIT_COUNT
} engine_split;
const char *engine_split_text(engine_split s);

typedef struct engine_stats {
    uint64_t events;          /* events handled (time < end) */
    uint64_t windows;         /* synchronous windows (0 in a one-partition run) */
    uint64_t cross_events;    /* events sent across partitions */
    double wall_s;            /* wall time of engine_run */
    int partitions;           /* partitions of the split (1: one thread, or it fell back) */
    int planned_partitions;   /* partitions the partitioner chose (before any fall-back) */
    engine_split split;       /* why */
    vs_time window_ns;        /* the window W of the split, or of the best cut when the run
                                 did not split (VS_TIME_LIMIT: no cut) */
    double est_window_events; /* events expected per window from the load hints (0: none) */
    double est_gain;          /* estimated speed-up of the split over one thread (1: none) */
    uint64_t split_events;    /* events handled while split (the rest ran on one thread) */
    uint64_t at_once;         /* of events, handled at once (lp_handle_next), not listed */
    uint64_t switches;        /* changes between split and one thread, by measured speed */
    int ranks;                /* processes that ran it together (1: this one alone) */
    int threads;              /* threads OpenMP gave the windows, the least over the run (0: no
                                 windows); below partitions, a thread ran several */
} engine_stats;

/* Returns a new engine, or NULL with err set (bad options, no memory). */
vs_engine *engine_new(const engine_opts *opts, vs_error *err);
void engine_free(vs_engine *eng); /* NULL is a no-op */

/* Adds an LP of `kind` with a stable, unique `name` (its random stream derives from it) in
 * locality `group` (LPs of one group always share a partition). Returns its id (ids are dense,
 * in order of addition), or -1 with err set. `arg` is kept and passed to init. */
int64_t engine_add_lp(vs_engine *eng, const lp_kind *kind, const char *name, uint32_t group,
                      const void *arg, vs_error *err);

/* Smallest delay of any send from group a to group b (a != b), in ns (> 0). Pairs not set use
 * the default lookahead. A send below it aborts: it is a model bug. Returns 0 or -1. */
int engine_set_lookahead(vs_engine *eng, uint32_t group_a, uint32_t group_b, vs_time ns,
                         vs_error *err);
int engine_set_default_lookahead(vs_engine *eng, vs_time ns, vs_error *err);

/* Expected events per simulated second of the LPs of `group` (>= 0): a hint with which the
 * engine chooses partitions by lookahead and judges whether a split pays (a run with no hints
 * at all splits groups by LP count). Hints never change results. Returns 0 or -1. */
int engine_set_group_load(vs_engine *eng, uint32_t group, double events_per_s, vs_error *err);

/* Initialises every LP, runs all events with time < end, then calls finish. Once per engine.
 * Returns 0, or -1 with err set: nothing run (bad setup), or the run stopped early (an event
 * list or buffer out of memory, or lp_fail): every finish was called, results are not valid. */
int engine_run(vs_engine *eng, vs_time end, vs_error *err);

const engine_stats *engine_get_stats(const vs_engine *eng);
uint32_t engine_lp_count(const vs_engine *eng);
void *engine_lp_state(vs_engine *eng, uint32_t id); /* valid after engine_run */
/* The kind LP id was added with, or NULL if there is no such LP: lets a model check that an id
 * names one of its own LPs before reading its state. */
const lp_kind *engine_lp_kind(const vs_engine *eng, uint32_t id);
/* Whether LP id ran in this process (always, without ranks): after a run across ranks, only
 * these LPs' states and the results they wrote are this rank's to read. */
bool engine_lp_local(const vs_engine *eng, uint32_t id);
/* The rank that ran LP id (0 without ranks). */
int engine_lp_rank(const vs_engine *eng, uint32_t id);
const char *engine_lp_name(const vs_engine *eng, uint32_t id);
const char *engine_queue_name(const vs_engine *eng);
/* After engine_run: the partition group g ran in first (-1: no such group or no LP in it), and
 * the lookahead from group a to b (0 if none). For reports. */
int engine_group_partition(const vs_engine *eng, uint32_t g);
vs_time engine_lookahead(const vs_engine *eng, uint32_t a, uint32_t b);
uint32_t engine_group_count(const vs_engine *eng);

/* Inside handlers. */
vs_time lp_now(const vs_lp *self);
uint32_t lp_id(const vs_lp *self);
const char *lp_name(const vs_lp *self);
rng_stream *lp_rng(vs_lp *self);
/* Sends an event to LP dst at now + delay (delay >= 0; across groups >= their lookahead).
 * Events at or beyond the run's end are never delivered. Aborts on a model bug. */
void lp_send(vs_lp *self, uint32_t dst, vs_time delay, uint32_t type, vs_payload data);
/* For an LP about to send itself an event at now + delay, as its last send of this event, and
 * to handle it there: returns true when that event would be the next one its partition handles
 * (nothing pending comes at or before it, and it lies before the bound of the events handled
 * now, so no other partition's event can come first). Then the clock is at now + delay, the
 * event counts as sent and handled, and the LP handles it at once, with no trip through the
 * event list: the same results. Returns false otherwise: send it. */
bool lp_handle_next(vs_lp *self, vs_time delay);
/* Ends the run with an error that is not a model bug (out of memory in the LP's own tables):
 * the LP's partition handles no more events (its sends are dropped), finish still runs, and
 * engine_run returns -1 with "what (LP 'name' at t=... ns)". The first failure is reported. */
void lp_fail(vs_lp *self, const char *what);

#endif
