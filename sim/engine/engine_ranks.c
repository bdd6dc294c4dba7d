/* One run across ranks (engine_opts.ranks): partition p runs on rank p, and the ranks go
 * through the threads' windows with the caller's collectives for barriers (the engine has no
 * MPI). Per window: exchange the events sent to other ranks | least pending time and "a
 * partition stopped" over the ranks | process [T, T + W). */
#include <string.h>

#include "engine/engine_impl.h"

/* This rank's partition, or NULL: a rank beyond the plan's partitions runs no LP. */
static partition *own_partition(const vs_engine *e)
{
    return e->ranks->rank < e->nparts ? &e->parts[e->ranks->rank] : NULL;
}

/* Sends the events this rank's LPs sent to other ranks' partitions in the last window (or in
 * init) to them, and puts the events they sent here into this rank's list. */
static void exchange_ranks(vs_engine *e, partition *me)
{
    const engine_ranks *r = e->ranks;
    vs_event *out[ENGINE_MAX_RANKS];
    size_t nout[ENGINE_MAX_RANKS];
    for (int i = 0; i < r->size; i++) {
        bool to = me && i < e->nparts && i != (int)me->id;
        out[i] = to ? me->out[i].v : NULL;
        nout[i] = to ? me->out[i].n : 0;
    }
    const vs_event *in = NULL;
    size_t nin = 0;
    engine_stream_fence();
    r->exchange(r->ctx, out, nout, &in, &nin);
    for (int i = 0; me && i < e->nparts; i++) me->out[i].n = 0;
    for (size_t k = 0; me && k < nin; k++) evq_push(me->q, &in[k]);
}

/* The windows of a run across ranks: exchange | least pending time and "stopped" over the
 * ranks | process. The same phases as the threads' windows, with MPI collectives for barriers:
 * every rank computes the same T from the same minimum, so all leave together. */
void engine_run_ranks(vs_engine *e, vs_time end)
{
    partition *me = own_partition(e);
    uint64_t windows = 0;
    for (;;) {
        exchange_ranks(e, me);
        int64_t v[2] = {me ? evq_min_time(me->q) : VS_TIME_LIMIT,
                        me && engine_partition_stopped(me) ? -1 : 0};
        e->ranks->min(e->ranks->ctx, v, 2);
        if (v[0] >= end || v[1] < 0) break;
        vs_time wend = e->window >= end - v[0] ? end : v[0] + e->window;
        if (me) engine_process_until(me, wend);
        windows++;
    }
    e->stats.windows = e->nparts > 1 ? windows : 0;
    if (me && e->nparts > 1) me->split_events = me->events;
}

/* The counts of every rank's partitions, added up (engine_run, after the run). */
static void sum_ranks(vs_engine *e)
{
    uint64_t v[4] = {e->stats.events, e->stats.cross_events, 0, e->stats.at_once};
    for (int i = 0; i < e->nparts; i++) v[2] += e->parts[i].split_events;
    e->ranks->sum(e->ranks->ctx, v, 4);
    e->stats.events = v[0], e->stats.cross_events = v[1], e->stats.split_events = v[2];
    e->stats.at_once = v[3];
}

/* rc made the same on every rank: the first failing rank's message. */
static int ranks_failure(const vs_engine *e, int rc, vs_error *err)
{
    const engine_ranks *r = e->ranks;
    int64_t first = rc ? r->rank : r->size;
    r->min(r->ctx, &first, 1);
    if (first == r->size) return 0;
    r->bcast(r->ctx, (int)first, err->msg, sizeof err->msg);
    err->msg[sizeof err->msg - 1] = '\0';
    return -1;
}

int engine_ranks_finish(vs_engine *e, int rc, vs_error *err)
{
    sum_ranks(e);
    return ranks_failure(e, rc, err);
}
