/* The queueing station LP kind. FIFO: O(1) per event, a ring of waiting jobs; the job in service
 * travels in its own departure event. PS: virtual time (service each present job has received)
 * and a min-heap of finish tags, O(log n) per event, one "next completion" event at a time tagged
 * with a generation so superseded ones are ignored. Job arrays grow geometrically: no allocation
 * per event in the steady state. */
#include "vpcsim/station.h"

#include "vpcsim/grow.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

enum {
    STATION_EV_DEPART = FLOW_EV_PRIVATE, /* FIFO: service done; payload = the request */
    STATION_EV_PS,                       /* PS: next completion; payload u32[0] = generation */
    STATION_ARRAY_START = 16             /* first size of a job array */
};

/* Limits queue_capacity so that c + capacity and array sizes fit in 32 bits. */
#define STATION_MAX_CAPACITY ((int64_t)1 << 30)

typedef struct fifo_job {
    vs_payload req;  /* the request */
    vs_time arrived; /* when it arrived (for its wait) */
} fifo_job;

typedef struct ps_job {
    double finish_v; /* virtual time at which its work is done */
    uint64_t seq;    /* arrival order: ties complete first come, first served */
    vs_payload req;  /* the request */
} ps_job;

/* Invariants: n = jobs present; FIFO: busy = min(n, c) and qlen = n - busy; PS: n = heap size,
 * every finish_v >= v up to rounding, heap[0] the least (finish_v, seq), v = 0 when n = 0; the
 * areas are integrals over [from, min(last, until)). */
typedef struct station_state {
    const lp_kind *tag;         /* &station_kind once initialised */
    const station_params *p;    /* shared, read-only */
    double ns_per_byte;         /* 8e9 / bandwidth_bps, or 0 */
    vs_time from, until;        /* statistics window */
    uint32_t n;                 /* jobs present (waiting and in service) */
    uint32_t busy;              /* FIFO: servers busy */
    fifo_job *q;                /* FIFO: ring of waiting jobs */
    uint32_t qhead, qlen, qcap; /* FIFO: ring head, length, size (a power of two) */
    ps_job *heap;               /* PS: jobs by finish tag */
    uint32_t hcap;              /* PS: heap slots */
    double v;                   /* PS: virtual time */
    vs_time v_at;               /* PS: when v was last brought up to date */
    uint64_t seq;               /* PS: arrivals so far */
    uint32_t gen;               /* PS: generation of the live completion event */
    bool pending;               /* PS: a completion event of generation gen is scheduled */
    vs_time pending_at;         /* PS: its time */
    vs_time last;               /* time of the last state change */
    double busy_area, wait_area, in_area; /* ns x jobs over the window so far */
    double *tokens;                       /* [nbuckets] tokens left, or NULL */
    vs_time *refilled;                    /* [nbuckets] when tokens were last brought up */
    uint32_t *conns;                      /* [nconns] connections held, or NULL */
    station_stats st;                     /* results (counters live, averages filled at finish) */
} station_state;

/* ---- statistics ------------------------------------------------------------------------------ */

static bool in_window(const station_state *s, vs_time t)
{
    return t >= s->from && t < s->until;
}

/* Adds the time since the last change, clipped to the window, to the integrals. Call before any
 * change of n. */
static void station_account(station_state *s, vs_time now)
{
    vs_time lo = s->last > s->from ? s->last : s->from;
    vs_time hi = now < s->until ? now : s->until;
    if (hi > lo) {
        double dt = (double)(hi - lo);
        uint32_t c = s->p->servers, busy = s->n < c ? s->n : c;
        s->busy_area += (double)busy * dt;
        s->wait_area += (double)(s->n - busy) * dt;
        s->in_area += (double)s->n * dt;
    }
    s->last = now;
}

static void station_admitted(station_state *s)
{
    s->n++;
    if (s->n > s->st.peak) s->st.peak = s->n;
}

static void station_drop(station_state *s, vs_lp *self, const vs_event *ev)
{
    if (in_window(s, ev->time)) s->st.drops++;
    lp_send(self, flow_unpack(ev->data).origin, s->p->drop_notice_ns, FLOW_EV_DROP, ev->data);
}

static vs_time station_service_ns(station_state *s, vs_lp *self, vs_payload req)
{
    vs_time ns = s->p->service ? dist_sample_ns(s->p->service, lp_rng(self)) : 0;
    if (s->ns_per_byte > 0) ns += (vs_time)((double)flow_unpack(req).bytes * s->ns_per_byte + 0.5);
    return ns;
}

/* A service is done: count it and send the request on after the added delay. */
static void station_complete(station_state *s, vs_lp *self, vs_payload req)
{
    flow_req r = flow_unpack(req);
    s->n--;
    if (in_window(s, lp_now(self))) {
        s->st.completions++;
        s->st.bytes += r.bytes;
    }
    vs_time delay = s->p->delay ? dist_sample_ns(s->p->delay, lp_rng(self)) : 0;
    flow_forward(self, s->p->flows, r, delay);
}

/* ---- FIFO ------------------------------------------------------------------------------------ */

static void fifo_start(station_state *s, vs_lp *self, vs_payload req, vs_time arrived)
{
    vs_time now = lp_now(self);
    s->busy++;
    if (in_window(s, arrived)) {
        s->st.waits++;
        s->st.wait_sum_ns += (double)(now - arrived);
    }
    lp_send(self, lp_id(self), station_service_ns(s, self, req), STATION_EV_DEPART, req);
}

/* Appends to the ring, unrolling it into a doubled array when full. Returns 0 or -1. */
static int fifo_push(station_state *s, vs_payload req, vs_time arrived)
{
    fifo_job job = {req, arrived};
    return ring_push((void **)&s->q, &s->qcap, s->qhead, &s->qlen, &job, sizeof job,
                     STATION_ARRAY_START);
}

/* Returns whether the request was admitted (else it was dropped). */
static bool fifo_arrive(station_state *s, vs_lp *self, const vs_event *ev)
{
    int64_t cap = s->p->queue_capacity;
    if (s->busy < s->p->servers) {
        station_admitted(s);
        fifo_start(s, self, ev->data, ev->time);
    } else if (cap >= 0 && s->qlen >= (uint64_t)cap) {
        station_drop(s, self, ev);
        return false;
    } else if (fifo_push(s, ev->data, ev->time)) {
        s->st.out_of_memory = true;
        station_drop(s, self, ev);
        return false;
    } else {
        station_admitted(s);
    }
    return true;
}

static void fifo_depart(station_state *s, vs_lp *self, const vs_event *ev)
{
    s->busy--;
    station_complete(s, self, ev->data);
    if (s->qlen == 0) return;
    fifo_job j = s->q[s->qhead];
    s->qhead = (s->qhead + 1) & (s->qcap - 1);
    s->qlen--;
    fifo_start(s, self, j.req, j.arrived);
}

/* ---- processor sharing ----------------------------------------------------------------------- */

static bool ps_before(const ps_job *a, const ps_job *b)
{
    return a->finish_v < b->finish_v || (a->finish_v == b->finish_v && a->seq < b->seq);
}

static void ps_sift_up(ps_job *h, uint32_t i)
{
    ps_job x = h[i];
    while (i > 0 && ps_before(&x, &h[(i - 1) / 2])) {
        h[i] = h[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h[i] = x;
}

static void ps_sift_down(ps_job *h, uint32_t n, uint32_t i)
{
    ps_job x = h[i];
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && ps_before(&h[c + 1], &h[c])) c++;
        if (!ps_before(&h[c], &x)) break;
        h[i] = h[c];
        i = c;
    }
    h[i] = x;
}

/* Service rate each job gets with n present. */
static double ps_rate(const station_state *s)
{
    return s->n <= s->p->servers ? 1.0 : (double)s->p->servers / (double)s->n;
}

/* Brings virtual time up to now. Call before any change of n. */
static void ps_advance(station_state *s, vs_time now)
{
    if (s->n > 0) s->v += (double)(now - s->v_at) * ps_rate(s);
    s->v_at = now;
}

/* Time until the first job finishes at the present rate, in ns (unrounded). */
static double ps_remaining_ns(const station_state *s)
{
    return (s->heap[0].finish_v - s->v) / ps_rate(s);
}

/* Makes sure a completion event is due no later than the first finish. An earlier event is
 * kept (it will find nothing due and reschedule); a later one is superseded by a new generation. */
static void ps_schedule(station_state *s, vs_lp *self)
{
    if (s->n == 0) return;
    double rt = ps_remaining_ns(s);
    vs_time delay = rt > 0 ? (vs_time)(rt + 0.5) : 0, at = lp_now(self) + delay;
    if (s->pending && s->pending_at <= at) return;
    s->gen++;
    s->pending = true;
    s->pending_at = at;
    lp_send(self, lp_id(self), delay, STATION_EV_PS, (vs_payload){.u32 = {s->gen}});
}

/* Returns whether the request was admitted (else it was dropped). */
static bool ps_arrive(station_state *s, vs_lp *self, const vs_event *ev)
{
    int64_t cap = s->p->queue_capacity;
    if (cap >= 0 && s->n >= s->p->servers + (uint64_t)cap) {
        station_drop(s, self, ev);
        return false;
    }
    if (s->n == s->hcap &&
        grow_double((void **)&s->heap, &s->hcap, sizeof *s->heap, STATION_ARRAY_START)) {
        s->st.out_of_memory = true;
        station_drop(s, self, ev);
        return false;
    }
    double work = (double)station_service_ns(s, self, ev->data);
    ps_advance(s, ev->time);
    s->heap[s->n] = (ps_job){s->v + work, s->seq++, ev->data};
    ps_sift_up(s->heap, s->n);
    station_admitted(s);
    ps_schedule(s, self);
    return true;
}

/* Completes every job due within half a nanosecond (time is whole ns), then reschedules. */
static void ps_tick(station_state *s, vs_lp *self, const vs_event *ev)
{
    if (ev->data.u32[0] != s->gen) return; /* superseded */
    s->pending = false;
    ps_advance(s, ev->time);
    while (s->n > 0 && ps_remaining_ns(s) < 0.5) {
        vs_payload req = s->heap[0].req;
        s->heap[0] = s->heap[s->n - 1];
        ps_sift_down(s->heap, s->n - 1, 0);
        station_complete(s, self, req);
    }
    if (s->n == 0) s->v = 0; /* rebase: keeps virtual time small and exact */
    ps_schedule(s, self);
}

#ifndef NDEBUG
/* The invariants above, whole (O(n)): for assert() in Debug builds. */
static bool station_ok(const station_state *s)
{
    uint32_t c = s->p->servers;
    if (s->p->discipline == STATION_FIFO)
        return s->busy == (s->n < c ? s->n : c) && s->qlen == s->n - s->busy &&
               s->qlen <= s->qcap && (s->qcap & (s->qcap - 1)) == 0;
    if (s->n > s->hcap || s->gen == 0 || (s->n == 0 && s->v != 0) || (s->n > 0 && !s->pending))
        return false;
    for (uint32_t i = 1; i < s->n; i++)
        if (ps_before(&s->heap[i], &s->heap[(i - 1) / 2])) return false;
    return true;
}
#endif

/* ---- admission limits ------------------------------------------------------------------------ */

/* Sends the request back to its origin at once with event type `type`. */
static void station_refuse(station_state *s, vs_lp *self, const vs_event *ev, uint32_t type)
{
    lp_send(self, flow_unpack(ev->data).origin, s->p->drop_notice_ns, type, ev->data);
}

/* The token bucket of route r: takes a token, or returns false (throttled). */
static bool bucket_take(station_state *s, vs_time now, flow_req r)
{
    uint32_t b = s->tokens ? s->p->route_bucket[r.route] : STATION_NO_KEY;
    if (b == STATION_NO_KEY) return true;
    double rate = s->p->bucket_rate[b], t = s->tokens[b];
    t += rate * (double)(now - s->refilled[b]) / 1e9;
    s->tokens[b] = t < rate ? t : rate;
    s->refilled[b] = now;
    if (s->tokens[b] < 1) return false;
    s->tokens[b] -= 1;
    return true;
}

/* The destination whose connection a message of route r opens here (on its way out), or
 * STATION_NO_KEY. */
static uint32_t conn_opened(const station_state *s, flow_req r)
{
    uint32_t d = s->conns ? s->p->route_conn[r.route] : STATION_NO_KEY;
    uint16_t turn = s->p->flows->routes[r.route].turn;
    return turn == 0 || r.hop < turn ? d : STATION_NO_KEY;
}

/* A message on its way back gives its connection back. */
static void conn_close(station_state *s, flow_req r)
{
    uint32_t d = s->conns ? s->p->route_conn[r.route] : STATION_NO_KEY;
    uint16_t turn = s->p->flows->routes[r.route].turn;
    if (d != STATION_NO_KEY && turn > 0 && r.hop >= turn && s->conns[d] > 0) s->conns[d]--;
}

/* Token buckets and connections, then the queue. */
static void station_arrive(station_state *s, vs_lp *self, const vs_event *ev)
{
    flow_req r = flow_unpack(ev->data);
    bool win = in_window(s, ev->time);
    if (!bucket_take(s, ev->time, r)) {
        if (win) s->st.throttles++;
        station_refuse(s, self, ev, FLOW_EV_THROTTLE);
        return;
    }
    uint32_t d = conn_opened(s, r);
    if (d != STATION_NO_KEY && (int64_t)s->conns[d] >= s->p->conn_limit) {
        if (win) s->st.port_refusals++;
        station_refuse(s, self, ev, FLOW_EV_NO_PORT);
        return;
    }
    conn_close(s, r);
    bool in = s->p->discipline == STATION_FIFO ? fifo_arrive(s, self, ev) : ps_arrive(s, self, ev);
    if (in && d != STATION_NO_KEY && ++s->conns[d] > s->st.conn_peak) s->st.conn_peak = s->conns[d];
}

/* Makes the limit tables (full buckets, no connections). Without memory, limits are off. */
static void limits_init(station_state *s)
{
    const station_params *p = s->p;
    if (p->route_bucket && p->nbuckets > 0) {
        s->tokens = calloc(p->nbuckets, sizeof *s->tokens);
        s->refilled = calloc(p->nbuckets, sizeof *s->refilled);
        if (!s->tokens || !s->refilled) {
            free(s->tokens), free(s->refilled);
            s->tokens = NULL, s->refilled = NULL;
            s->st.out_of_memory = true;
        }
        for (uint32_t b = 0; s->tokens && b < p->nbuckets; b++) s->tokens[b] = p->bucket_rate[b];
    }
    if (p->route_conn && p->nconns > 0 && !(s->conns = calloc(p->nconns, sizeof *s->conns)))
        s->st.out_of_memory = true;
}

/* ---- the LP kind ----------------------------------------------------------------------------- */

static void station_init(void *state, vs_lp *self, const void *arg)
{
    (void)self;
    station_state *s = state;
    s->tag = &station_kind;
    s->p = arg;
    s->ns_per_byte = s->p->bandwidth_bps > 0 ? 8e9 / s->p->bandwidth_bps : 0;
    s->from = s->p->stats_from_ns;
    s->until = s->p->stats_until_ns > 0 ? s->p->stats_until_ns : VS_TIME_LIMIT;
    limits_init(s);
}

static void station_bug(vs_lp *self, const vs_event *ev, const char *what)
{
    fprintf(stderr, "vpcsim: model bug: station '%s' at t=%lld ns: %s (event type %u)\n",
            lp_name(self), (long long)ev->time, what, ev->type);
    abort();
}

static void station_handle(void *state, vs_lp *self, const vs_event *ev)
{
    station_state *s = state;
    bool fifo = s->p->discipline == STATION_FIFO;
    if (ev->type == FLOW_EV_ARRIVE) {
        flow_req r = flow_unpack(ev->data);
        const flow_table *t = s->p->flows;
        if (r.route >= t->count || r.hop >= t->routes[r.route].len ||
            t->routes[r.route].hops[r.hop] != lp_id(self))
            station_bug(self, ev, "request is not routed here");
        station_account(s, ev->time);
        if (in_window(s, ev->time)) s->st.arrivals++;
        station_arrive(s, self, ev);
    } else if (ev->type == STATION_EV_DEPART && fifo) {
        station_account(s, ev->time);
        fifo_depart(s, self, ev);
    } else if (ev->type == STATION_EV_PS && !fifo) {
        station_account(s, ev->time);
        ps_tick(s, self, ev);
    } else {
        station_bug(self, ev, "unexpected event");
    }
    assert(station_ok(s));
}

/* Closes the integrals at the end of the run (or of the window) and frees the job arrays. */
static void station_finish(void *state, vs_lp *self)
{
    station_state *s = state;
    vs_time end = lp_now(self) < s->until ? lp_now(self) : s->until;
    station_account(s, lp_now(self));
    double w = end > s->from ? (double)(end - s->from) : 0;
    s->st.window_ns = w;
    if (w > 0) {
        s->st.utilisation = s->busy_area / ((double)s->p->servers * w);
        s->st.mean_waiting = s->wait_area / w;
        s->st.mean_in_station = s->in_area / w;
    }
    free(s->q);
    free(s->heap);
    free(s->tokens), free(s->refilled), free(s->conns);
    s->q = NULL, s->heap = NULL;
    s->tokens = NULL, s->refilled = NULL, s->conns = NULL;
    s->qcap = s->hcap = 0;
}

const lp_kind station_kind = {
    .name = "station",
    .state_size = sizeof(station_state),
    .init = station_init,
    .handle = station_handle,
    .finish = station_finish,
};

int station_params_check(const station_params *p, vs_error *err)
{
    if (!p) return error_set(err, "station: no parameters");
    if (!p->flows) return error_set(err, "station: no flow table");
    if (p->discipline != STATION_FIFO && p->discipline != STATION_PS)
        return error_set(err, "station: unknown discipline %d", (int)p->discipline);
    if (p->servers < 1 || p->servers > STATION_MAX_CAPACITY)
        return error_set(err, "station: servers must be in [1, 2^30], got %u", p->servers);
    if (!(p->bandwidth_bps >= 0) || !isfinite(p->bandwidth_bps))
        return error_set(err, "station: bandwidth must be >= 0, got %g", p->bandwidth_bps);
    if (!p->service && p->bandwidth_bps == 0)
        return error_set(err, "station: needs a service time, a bandwidth or both");
    if (p->queue_capacity < -1 || p->queue_capacity > STATION_MAX_CAPACITY)
        return error_set(err, "station: queue capacity must be -1 or in [0, 2^30], got %lld",
                         (long long)p->queue_capacity);
    if (p->drop_notice_ns < 0) return error_set(err, "station: drop notice delay must be >= 0");
    for (uint32_t b = 0; p->route_bucket && b < p->nbuckets; b++)
        if (!p->bucket_rate || !(p->bucket_rate[b] > 0) || !isfinite(p->bucket_rate[b]))
            return error_set(err, "station: token bucket %u needs a rate > 0", b);
    if (p->route_conn && p->nconns > 0 && p->conn_limit < 1)
        return error_set(err, "station: connection limit must be >= 1, got %lld",
                         (long long)p->conn_limit);
    if (p->stats_from_ns < 0 || (p->stats_until_ns != 0 && p->stats_until_ns <= p->stats_from_ns))
        return error_set(err, "station: statistics window must have 0 <= from < until");
    return 0;
}

int64_t station_add(vs_engine *eng, const char *name, uint32_t group, const station_params *p,
                    vs_error *err)
{
    if (station_params_check(p, err)) return -1;
    return engine_add_lp(eng, &station_kind, name, group, p, err);
}

const station_stats *station_stats_of(vs_engine *eng, uint32_t id)
{
    const station_state *s = engine_lp_state(eng, id);
    return s && s->tag == &station_kind ? &s->st : NULL;
}

double station_mean_wait_ns(const station_stats *s)
{
    return s->waits ? s->wait_sum_ns / (double)s->waits : NAN;
}
