/* The engine's private tier: the layout of LPs, partitions and the engine itself, shared by
 * engine.c (registry, sends, threads' windows) and engine_ranks.c (windows across ranks). Not
 * part of the API (include/vpcsim/engine.h). */
#ifndef VPCSIM_ENGINE_IMPL_H
#define VPCSIM_ENGINE_IMPL_H

#include <stdbool.h>
#include <stdint.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "engine/barrier.h"
#include "engine/evq.h"
#include "engine/lines.h"
#include "engine/rng_impl.h"
#include "vpcsim/engine.h"

enum {
    MAX_GROUPS = 1024, /* lookahead matrix stays <= 8 MiB */
    MAX_THREADS = 256,
};
#define MAX_LPS   ((uint32_t)1 << VS_LP_ID_BITS)
#define SEQ_LIMIT ((uint64_t)1 << VS_SEND_SEQ_BITS)

typedef void (*handle_fn)(void *state, vs_lp *self, const vs_event *ev);

typedef struct partition partition;

struct vs_lp {
    handle_fn handle;    /* kind->handle, or a no-op */
    void *state;         /* inline, right after this record */
    partition *part;     /* where it runs */
    uint64_t sends;      /* send counter: low bits of the tie key */
    uint32_t id;         /* dense id */
    uint32_t group;      /* locality group */
    rng_stream rng;      /* its own stream */
    const lp_kind *kind; /* the vtable */
    const char *name;    /* stable, unique */
};

typedef struct evbuf {
    vs_event *v; /* events sent to another partition in this window */
    size_t n;    /* held */
    size_t cap;  /* allocated */
} evbuf;

/* What a partition tells the others at the window barrier: written by its thread before the
 * barrier, read by all after it. Two copies, by window parity, so a thread that is already a
 * window ahead never overwrites what a slower one is still reading. */
typedef struct published {
    vs_time next; /* least pending time: its list and what it sent in the window */
    bool stopped; /* it had stopped early (lp_fail, no memory) */
} published;

struct partition {
    _Alignas(64) evq *q;   /* pending events of this partition's LPs (a line of its own) */
    vs_time now;           /* time of the event being handled */
    vs_time end;           /* run end: later events are never delivered */
    vs_time limit;         /* events before it are handled now (engine_process_until) */
    uint32_t id;           /* index */
    const vs_engine *eng;  /* read-only during the run */
    evbuf *out;            /* [partitions] outgoing, by destination: outs[parity of window] */
    evbuf *outs[2];        /* sends of even and odd windows, delivered after the next barrier */
    uint64_t events;       /* handled */
    uint64_t cross;        /* sent to other partitions */
    uint64_t at_once;      /* of events, handled at once (lp_handle_next) */
    uint64_t split_events; /* handled in windows across the threads */
    published pub[2];      /* at the barrier after an even, odd window */
    char fail[256];        /* why the partition stopped early (lp_fail, no memory); "" if not */
};

typedef struct lp_desc {
    const lp_kind *kind; /* vtable */
    size_t name_off;     /* offset into names */
    uint32_t group;      /* locality group */
    const void *arg;     /* init argument */
} lp_desc;

typedef struct la_entry {
    uint32_t a, b; /* groups */
    vs_time ns;    /* least delay a -> b */
} la_entry;

struct vs_engine {
    engine_opts opts;      /* as given (queue resolved) */
    const evq_type *qtype; /* event list type */
    lp_desc *desc;         /* LPs added, in id order */
    uint32_t nlps, cap;    /* count and allocated descriptors */
    char *names;           /* all names, NUL-separated */
    size_t names_len, names_cap;
    uint32_t ngroups;   /* max group + 1 */
    vs_time default_la; /* lookahead for unset pairs (0 = none set) */
    la_entry *la_set;   /* explicit pairs */
    size_t nla, la_cap;
    double *load; /* [MAX_GROUPS] expected events/s per group, or NULL: no hints */
    /* laid out by engine_run */
    char *lp_mem; /* nlps records of `stride` bytes */
    size_t stride;
    uint32_t *lp_group;   /* [nlps] group of each LP */
    vs_time *la;          /* [ngroups * ngroups] lookahead matrix */
    uint32_t *group_part; /* [ngroups] partition of each group */
    uint32_t *plan_part;  /* [ngroups] the partitioner's choice (group_part when split) */
    partition *parts;     /* [nparts] */
    int nparts;
    vs_time window;           /* W */
    _Alignas(64) barrier bar; /* the window threads' barrier: its lines written at each wait */
    _Alignas(64) int parity; /* parity of the last window run: which outs each partition's out is */
    const engine_ranks *ranks; /* ranks that run this simulation together, or NULL: alone */
    bool bar_ready;            /* bar was initialised */
    bool ran;
    engine_stats stats;
};

static inline vs_lp *lp_at(const vs_engine *e, uint32_t id)
{
    return (vs_lp *)(e->lp_mem + (size_t)id * e->stride);
}

/* Handles partition p's events with time < limit, in (time, tie) order. */
void engine_process_until(partition *p, vs_time limit);
/* Whether p stopped early (lp_fail, no memory). */
bool engine_partition_stopped(const partition *p);
/* -1 with err set if a partition stopped early (the first in id order), else 0. */
int engine_run_failure(const vs_engine *e, vs_error *err);

/* Orders the events sent to other partitions (stored past the caches, engine.c) before what
 * follows: the barrier or the exchange that hands them over. */
static inline void engine_stream_fence(void)
{
#if defined(__x86_64__)
    _mm_sfence();
#endif
}

/* ---- a run across ranks (engine_ranks.c) ------------------------------------------------- */

/* Whether partition p runs in this process: partition p runs on rank p. */
static inline bool engine_part_local(const vs_engine *e, const partition *p)
{
    return !e->ranks || (int)p->id == e->ranks->rank;
}
/* The windows of a run across ranks, from the LPs' init to the end. */
void engine_run_ranks(vs_engine *e, vs_time end);
/* After the run: the counts of every rank added up, and rc (0, or -1 with err set on a rank
 * whose partition stopped) made the same on every rank. Returns that rc. */
int engine_ranks_finish(vs_engine *e, int rc, vs_error *err);

#endif
