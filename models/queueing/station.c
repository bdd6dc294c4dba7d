/* The queueing station LP kind. FIFO: O(1) per event, a ring of waiting jobs; the job in service
 * travels in its own departure event. PS: virtual time (service each present job has received)
 * and a min-heap of finish tags, O(log n) per event, one "next completion" event at a time tagged
 * with a generation so superseded ones are ignored. Job arrays grow geometrically: no allocation
 * per event in the steady state. A station of "many" servers without faults needs no departure
 * events: its ends of service are known on arrival (one event per request, not two). Fault windows
 * are opened and closed lazily at the first event past their edge (an index of the next window and
 * a list of the open ones: O(1) amortised); time series and sampled spans are hooks that draw
 * nothing from the stream. */
#include "vpcsim/aws/station.h"
#include "station_impl.h"

#include "vpcsim/grow.h"
#include "vpcsim/rng.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

enum {
    STATION_EV_PS = FLOW_EV_PRIVATE, /* PS: next completion; payload u32[0] = generation */
    STATION_EV_SCALE,                /* PS scaling up: the end of a period of scale_period_ns */
    STATION_EV_DEPART,               /* FIFO: service done; payload = the request; the type is
                                        STATION_EV_DEPART + the epoch the service began in */
    STATION_ARRAY_START = 16         /* first size of a job array */
};

#define STATION_NEVER INT64_MAX
/* A: the busy share of a scale-up period that makes a station double its capacity (AWS publishes
 * no scaling rule; "scales with traffic"). */
#define SCALE_BUSY 0.8

typedef struct fifo_job {
    vs_payload req;  /* the request */
    vs_time arrived; /* when it arrived (for its wait) */
} fifo_job;

typedef struct ps_job {
    double finish_v; /* virtual time at which its work is done */
    uint64_t seq;    /* arrival order: ties complete first come, first served */
    vs_payload req;  /* the request */
    vs_time arrived; /* when it arrived (for its span) */
} ps_job;

typedef struct many_job {
    vs_time end;    /* when its service ends */
    uint32_t bytes; /* its request bytes */
} many_job;

/* Invariants: n = jobs present; FIFO: busy = min(n, c) and qlen = n - busy; PS: n = heap size,
 * every finish_v >= v up to rounding, heap[0] the least (finish_v, seq), v = 0 when n = 0; the
 * areas are integrals over [from, min(last, until)). Faults: faults[0 .. fnext) have opened,
 * active[0 .. nactive) are those still open (in opening order), fchange = the next time that set
 * changes (> the time of every event handled); a FIFO departure of an older epoch is a job that
 * was in service when a DOWN window opened: lost then. Many (FIFO): n = busy = the heap's size,
 * every end > the time of the last event handled. */
typedef struct station_state {
    const lp_kind *tag;         /* &station_kind once initialised */
    const station_params *p;    /* shared, read-only */
    double ns_per_byte;         /* 8e9 / bandwidth_bps, or 0 */
    double ns_per_packet;       /* 1e9 / packets_per_s, or 0 */
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
    bool unsent;                /* PS: that event is still to be sent (station_handle) */
    vs_time last;               /* time of the last state change */
    double busy_area, wait_area, in_area; /* ns x jobs over the window so far */
    double speed;        /* PS: the capacity in force as a fraction of the full one (scale-up) */
    double busy_run;     /* ns x busy servers since the start of the run (scale-up only) */
    double busy_mark;    /* busy_run at the start of the scale-up period */
    double *tokens;      /* [nbuckets] tokens left, or NULL */
    vs_time *refilled;   /* [nbuckets] when tokens were last brought up */
    uint32_t *conns;     /* [nconns] connections held, or NULL */
    station_stats st;    /* results (counters live, averages filled at finish) */
    uint32_t fnext;      /* faults: windows opened so far */
    uint32_t *active;    /* faults: open windows, or NULL */
    uint32_t nactive;    /* faults: open windows */
    uint32_t ndown;      /* faults: open DOWN windows */
    uint32_t nacting;    /* faults: open SLOW or ERRORS windows */
    uint32_t epoch;      /* faults: DOWN windows opened so far */
    vs_time fchange;     /* faults: next opening or closing */
    size_t span_base;    /* spans: the list's length when the run began */
    bool spans_on;       /* spans: still recording */
    bool many;           /* many servers, no faults: one event per request */
    bool scales;         /* scales up (keeps busy_run) */
    many_job *ends;      /* many: ends of service of the n present, a min-heap */
    uint32_t ecap;       /* many: heap slots */
    uint32_t xfer_bytes; /* the message size xfer_ns is for */
    vs_time xfer_ns;     /* station_transfer_ns(xfer_bytes) */
} station_state;

/* ---- statistics ------------------------------------------------------------------------------ */

static bool in_window(const station_state *s, vs_time t)
{
    return t >= s->from && t < s->until;
}

/* ---- time series ----------------------------------------------------------------------------- */

/* The bin of time t, or NULL if the station keeps no series or t is past its bins. */
static station_bin *series_bin(const station_state *s, vs_time t)
{
    const station_params *p = s->p;
    if (p->series_bin_ns <= 0 || !p->series) return NULL;
    vs_time b = t / p->series_bin_ns;
    return b < (vs_time)p->nbins ? &p->series[b] : NULL;
}

/* Adds [lo, hi) at the present n to the bins it covers, split exactly at their edges: O(1 +
 * edges crossed), so O(1) amortised over a run. */
static void series_account(station_state *s, vs_time lo, vs_time hi)
{
    const station_params *p = s->p;
    if (p->series_bin_ns <= 0 || !p->series || s->n == 0) return;
    uint32_t c = p->servers, busy = s->n < c ? s->n : c;
    vs_time w = p->series_bin_ns, end = (vs_time)p->nbins * w;
    if (hi > end) hi = end;
    while (lo < hi) {
        vs_time b = lo / w, edge = (b + 1) * w, to = hi < edge ? hi : edge;
        double dt = (double)(to - lo);
        p->series[b].busy_ns += (double)busy * dt;
        p->series[b].in_station_ns += (double)s->n * dt;
        lo = to;
    }
}

/* Adds the time since the last change, clipped to the window, to the integrals (and unclipped to
 * the series). Call before any change of n. */
static void station_account(station_state *s, vs_time now)
{
    vs_time lo = s->last > s->from ? s->last : s->from;
    vs_time hi = now < s->until ? now : s->until;
    if (hi > lo && s->n > 0) { /* an empty station adds zeros: the areas would not change */
        double dt = (double)(hi - lo), in = (double)s->n * dt;
        uint32_t c = s->p->servers;
        if (s->n <= c) { /* nobody waits: busy = n, and adding 0 * dt would change nothing */
            s->busy_area += in;
        } else {
            s->busy_area += (double)c * dt;
            s->wait_area += (double)(s->n - c) * dt;
        }
        s->in_area += in;
    }
    if (now > s->last && (s->scales || s->p->series)) {
        uint32_t c = s->p->servers;
        if (s->scales) s->busy_run += (double)(s->n < c ? s->n : c) * (double)(now - s->last);
        series_account(s, s->last, now);
    }
    s->last = now;
}

/* ---- spans ----------------------------------------------------------------------------------- */

/* Whether request r is one whose spans are kept: its origin chose it (flow_req.traced, from a
 * hash of its workload and call number, so every architecture keeps the same calls) and nothing
 * is drawn from the stream. */
static bool span_chosen(const station_state *s, flow_req r)
{
    return s->spans_on && r.traced;
}

/* Out of memory mid-run ends the run with an error (lp_fail): results that miss what could not
 * be held would be wrong. The flag says which station it was. */
static void station_oom(station_state *s, vs_lp *self, const char *what)
{
    s->st.out_of_memory = true;
    lp_fail(self, what);
}

/* Appends a span, doubling the list when full; without memory, the run fails. */
static void span_add(station_state *s, vs_lp *self, flow_req r, vs_time arrive, vs_time start,
                     vs_time depart)
{
    station_spans *l = s->p->spans;
    station_span *v = grow_reserve(l->v, l->n + 1, &l->cap, sizeof *v, 64);
    if (!v) {
        s->spans_on = false;
        station_oom(s, self, "out of memory: the span list could not grow");
        return;
    }
    l->v = v;
    l->v[l->n++] = (station_span){r.origin, r.id, r.route, r.hop, arrive, start, depart};
}

static void station_admitted(station_state *s)
{
    s->n++;
    if (s->n > s->st.peak) s->st.peak = s->n;
}

static void station_drop(station_state *s, vs_lp *self, const vs_event *ev)
{
    station_bin *b = series_bin(s, ev->time);
    if (b) b->drops++;
    if (in_window(s, ev->time)) s->st.drops++;
    lp_send(self, flow_unpack(ev->data).origin, s->p->drop_notice_ns, FLOW_EV_DROP, ev->data);
}

/* The time a message of b bytes takes at the bandwidth and packet rate (0 without them). */
static vs_time station_transfer_ns(const station_state *s, uint32_t b)
{
    uint32_t pb = s->p->packet_bytes;
    double bw = (double)b * s->ns_per_byte;
    double pk = s->ns_per_packet > 0 ? (double)(b ? (b - 1) / pb + 1 : 1) * s->ns_per_packet : 0;
    return (vs_time)((bw > pk ? bw : pk) + 0.5);
}

/* A sample of the service time plus the transfer time of the request's bytes; the latter is
 * kept for the last size seen (a route's messages come in a size or two): no division per
 * message. */
static vs_time station_service_ns(station_state *s, vs_lp *self, vs_payload req)
{
    vs_time ns = s->p->service ? dist_sample_ns(s->p->service, lp_rng(self)) : 0;
    uint32_t b = flow_unpack(req).bytes;
    if (b != s->xfer_bytes) {
        s->xfer_bytes = b;
        s->xfer_ns = station_transfer_ns(s, b);
    }
    return ns + s->xfer_ns;
}

/* Whether an open ERRORS window answers this request with an error: one draw per open window. */
static bool fault_errs(station_state *s, vs_lp *self)
{
    for (uint32_t i = 0; i < s->nactive; i++) {
        const station_fault *f = &s->p->faults[s->active[i]];
        if (f->kind == STATION_ERRORS && rng_uniform(lp_rng(self)) < f->error_rate) return true;
    }
    return false;
}

/* The delay open SLOW windows add: one sample of each one's `extra`. */
static vs_time fault_extra_ns(station_state *s, vs_lp *self)
{
    vs_time ns = 0;
    for (uint32_t i = 0; i < s->nactive; i++) {
        const station_fault *f = &s->p->faults[s->active[i]];
        if (f->kind == STATION_SLOW) ns += dist_sample_ns(f->extra, lp_rng(self));
    }
    return ns;
}

/* Counts a service done at t (n is one less). */
static void station_served(station_state *s, vs_time t, uint32_t bytes)
{
    station_bin *b = series_bin(s, t);
    s->n--;
    if (in_window(s, t)) {
        s->st.completions++;
        s->st.bytes += bytes;
    }
    if (b) b->completions++;
}

/* A service is done: count it and send the request on after the added delay (and what open SLOW
 * windows add), or answer it with an error (an open ERRORS window). */
static void station_complete(station_state *s, vs_lp *self, vs_payload req)
{
    flow_req r = flow_unpack(req);
    vs_time now = lp_now(self);
    station_served(s, now, r.bytes);
    if (s->nacting > 0 && fault_errs(s, self)) {
        station_bin *b = series_bin(s, now);
        if (in_window(s, now)) s->st.errors++;
        if (b) b->errors++;
        lp_send(self, r.origin, s->p->drop_notice_ns, FLOW_EV_ERROR, req);
        return;
    }
    vs_time delay = s->p->delay ? dist_sample_ns(s->p->delay, lp_rng(self)) : 0;
    if (s->nacting > 0) delay += fault_extra_ns(s, self);
    flow_forward(self, s->p->flows, r, delay);
}

/* ---- FIFO ------------------------------------------------------------------------------------ */

/* Starts a service; its departure event carries the epoch (see station_state). A chosen
 * request's span is written now, its end known (and struck out at the end if it never came). */
static void fifo_start(station_state *s, vs_lp *self, vs_payload req, vs_time arrived)
{
    vs_time now = lp_now(self);
    s->busy++;
    if (in_window(s, arrived)) {
        s->st.waits++;
        s->st.wait_sum_ns += (double)(now - arrived);
    }
    vs_time service = station_service_ns(s, self, req);
    flow_req r = flow_unpack(req);
    if (span_chosen(s, r)) span_add(s, self, r, arrived, now, now + service);
    lp_send(self, lp_id(self), service, STATION_EV_DEPART + s->epoch, req);
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
        station_oom(s, self, "out of memory: a station queue could not grow");
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

/* ---- many servers: one event per request ---------------------------------------------------- */

/* With c = 2^30 ("many") and no fault windows nobody waits, so a request's stay is known when it
 * arrives: it is sent on at once after service + added delay (+ link), and its end of service
 * goes into a min-heap that is brought up to date lazily, at each event and at the end, exactly
 * as the departure events would have been: the same integrals and counts, one event fewer. */

/* The heap is 4-ary (children of i: 4i + 1 .. 4i + 4): half the levels of a binary heap, and
 * the least of four children is found by two independent comparisons and a third. */
static void many_sift_up(many_job *h, uint32_t i)
{
    many_job x = h[i];
    while (i > 0 && x.end < h[(i - 1) / 4].end) {
        h[i] = h[(i - 1) / 4];
        i = (i - 1) / 4;
    }
    h[i] = x;
}

/* Removes the root of the heap h of n + 1 jobs: the hole goes down to a leaf along the least
 * children, chosen without a branch (h[n], the last job, is set aside and slots n .. n + 2 made
 * sentinels that no child beats: the array holds at least n + 3 slots), then the last job climbs
 * back from there: it usually belongs near the bottom. Jobs ending at the same time may leave in
 * another order than a sift-down would give: nothing depends on that order (their accounting is
 * at one instant). */
static void many_pop(many_job *h, uint32_t n)
{
    many_job x = h[n];
    h[n].end = h[n + 1].end = h[n + 2].end = STATION_NEVER;
    uint32_t i = 0;
    for (uint32_t c = 1; c < n; c = 4 * i + 1) {
        uint32_t a = c + (h[c + 1].end < h[c].end), b = c + 2 + (h[c + 3].end < h[c + 2].end);
        c = h[b].end < h[a].end ? b : a;
        h[i] = h[c];
        i = c;
    }
    while (i > 0 && x.end < h[(i - 1) / 4].end) {
        h[i] = h[(i - 1) / 4];
        i = (i - 1) / 4;
    }
    h[i] = x;
}

/* The services that ended at or before t, in time order, as their departure events would. */
static void many_depart_until(station_state *s, vs_time t)
{
    while (s->n > 0 && s->ends[0].end <= t) {
        many_job j = s->ends[0];
        station_account(s, j.end);
        s->busy--;
        station_served(s, j.end, j.bytes);
        many_pop(s->ends, s->n);
    }
}

/* Returns whether the request was admitted (else it was dropped: no memory). */
static bool many_arrive(station_state *s, vs_lp *self, const vs_event *ev)
{
    if (s->n + 3 > s->ecap && /* the job, and many_pop's two sentinels past it */
        grow_double((void **)&s->ends, &s->ecap, sizeof *s->ends, STATION_ARRAY_START)) {
        station_oom(s, self, "out of memory: a station's job array could not grow");
        station_drop(s, self, ev);
        return false;
    }
    flow_req r = flow_unpack(ev->data);
    vs_time service = station_service_ns(s, self, ev->data);
    if (in_window(s, ev->time)) s->st.waits++; /* a wait of 0 */
    if (span_chosen(s, r)) span_add(s, self, r, ev->time, ev->time, ev->time + service);
    s->ends[s->n] = (many_job){ev->time + service, r.bytes};
    many_sift_up(s->ends, s->n);
    station_admitted(s);
    s->busy++;
    vs_time delay = s->p->delay ? dist_sample_ns(s->p->delay, lp_rng(self)) : 0;
    flow_forward(self, s->p->flows, r, service + delay);
    return true;
}

/* ---- processor sharing ----------------------------------------------------------------------- */

static bool ps_before(const ps_job *a, const ps_job *b)
{
    return a->finish_v < b->finish_v || (a->finish_v == b->finish_v && a->seq < b->seq);
}

/* Adds job x to the heap h of n jobs: parents move down into the hole, x is written once. */
static void ps_heap_add(ps_job *h, uint32_t n, const ps_job *x)
{
    uint32_t i = n;
    while (i > 0 && ps_before(x, &h[(i - 1) / 2])) {
        h[i] = h[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h[i] = *x;
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
    return (s->n <= s->p->servers ? 1.0 : (double)s->p->servers / (double)s->n) * s->speed;
}

/* Brings virtual time up to now. Call before any change of n. */
static void ps_advance(station_state *s, vs_time now)
{
    if (s->n > 0) s->v += (double)(now - s->v_at) * ps_rate(s);
    s->v_at = now;
}

/* Time until the first job finishes at the present rate, in ns (unrounded). The rate is 1 unless
 * the station is shared or scaled down, and x / 1 = x: no division then. */
static double ps_remaining_ns(const station_state *s)
{
    double work = s->heap[0].finish_v - s->v, rate = ps_rate(s);
    return rate == 1 ? work : work / rate;
}

/* Makes sure a completion event is due no later than the first finish (n > 0). An earlier event
 * is kept (it will find nothing due and reschedule); a later one is superseded by a new
 * generation. */
static void ps_schedule_present(station_state *s, vs_lp *self)
{
    double rt = ps_remaining_ns(s);
    vs_time delay = rt > 0 ? (vs_time)(rt + 0.5) : 0, at = lp_now(self) + delay;
    if (s->pending && s->pending_at <= at) return;
    s->gen++;
    s->pending = true;
    s->pending_at = at;
    s->unsent = true; /* sent (or handled at once) by station_handle, its last send */
}

/* Sends the completion event ps_schedule_present left unsent. */
static void ps_send_pending(station_state *s, vs_lp *self)
{
    if (!s->unsent) return;
    s->unsent = false;
    lp_send(self, lp_id(self), s->pending_at - lp_now(self), STATION_EV_PS,
            (vs_payload){.u32 = {s->gen}});
}

/* The same when the station may be empty (then nothing is due). */
static void ps_schedule(station_state *s, vs_lp *self)
{
    if (s->n > 0) ps_schedule_present(s, self);
}

/* Returns whether the request was admitted (else it was dropped). */
/* The end of a scale-up period: a station busy SCALE_BUSY of it doubles its capacity (up to the
 * full one), as AWS's NAT gateways and endpoints scale with their load; jobs in service speed up
 * from now (their remaining work is in full-capacity ns, so only the rate changes). */
static void ps_scale(station_state *s, vs_lp *self, vs_time now)
{
    double busy = (s->busy_run - s->busy_mark) / ((double)s->p->scale_period_ns * s->p->servers);
    s->busy_mark = s->busy_run;
    if (busy >= SCALE_BUSY) {
        ps_advance(s, now);
        s->speed = s->speed * 2 < 1 ? s->speed * 2 : 1;
        ps_schedule(s, self);
        ps_send_pending(s, self);
    }
    if (s->speed < 1)
        lp_send(self, lp_id(self), s->p->scale_period_ns, STATION_EV_SCALE, (vs_payload){0});
}

static bool ps_arrive(station_state *s, vs_lp *self, const vs_event *ev)
{
    int64_t cap = s->p->queue_capacity;
    if (cap >= 0 && s->n >= s->p->servers + (uint64_t)cap) {
        station_drop(s, self, ev);
        return false;
    }
    if (s->n == s->hcap &&
        grow_double((void **)&s->heap, &s->hcap, sizeof *s->heap, STATION_ARRAY_START)) {
        station_oom(s, self, "out of memory: a station's job heap could not grow");
        station_drop(s, self, ev);
        return false;
    }
    double work = (double)station_service_ns(s, self, ev->data);
    ps_advance(s, ev->time);
    ps_job job = {s->v + work, s->seq++, ev->data, ev->time};
    ps_heap_add(s->heap, s->n, &job);
    station_admitted(s);
    ps_schedule_present(s, self);
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
        vs_time arrived = s->heap[0].arrived;
        s->heap[0] = s->heap[s->n - 1];
        ps_sift_down(s->heap, s->n - 1, 0);
        flow_req r = flow_unpack(req);
        if (span_chosen(s, r)) span_add(s, self, r, arrived, arrived, ev->time);
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
    if (s->n > s->hcap || (s->n > 0 && (s->gen == 0 || !s->pending)) || (s->n == 0 && s->v != 0))
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
    double take = s->p->route_tokens ? s->p->route_tokens[r.route] : 1;
    t += rate * (double)(now - s->refilled[b]) / 1e9;
    s->tokens[b] = t < rate ? t : rate;
    s->refilled[b] = now;
    if (s->tokens[b] < take) return false;
    s->tokens[b] -= take;
    return true;
}

/* The destination whose connection a message of route r opens here (on its way out), or
 * STATION_NO_KEY. */
static uint32_t conn_opened(const station_state *s, flow_req r)
{
    if (!s->conns) return STATION_NO_KEY;
    uint32_t d = s->p->route_conn[r.route];
    uint16_t turn = s->p->flows->routes[r.route].turn;
    return turn == 0 || r.hop < turn ? d : STATION_NO_KEY;
}

/* A message on its way back gives its connection back. */
static void conn_close(station_state *s, flow_req r)
{
    if (!s->conns) return;
    uint32_t d = s->p->route_conn[r.route];
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
    bool in = s->many                            ? many_arrive(s, self, ev)
              : s->p->discipline == STATION_FIFO ? fifo_arrive(s, self, ev)
                                                 : ps_arrive(s, self, ev);
    if (in && d != STATION_NO_KEY && ++s->conns[d] > s->st.conn_peak) s->st.conn_peak = s->conns[d];
}

/* Makes the limit tables (full buckets, no connections). Without memory, limits are off. */
static void limits_init(station_state *s, vs_lp *self)
{
    const station_params *p = s->p;
    if (p->route_bucket && p->nbuckets > 0) {
        s->tokens = calloc(p->nbuckets, sizeof *s->tokens);
        s->refilled = calloc(p->nbuckets, sizeof *s->refilled);
        if (!s->tokens || !s->refilled) {
            free(s->tokens), free(s->refilled);
            s->tokens = NULL, s->refilled = NULL;
            station_oom(s, self, "out of memory: no room for a station's token buckets");
        }
        for (uint32_t b = 0; s->tokens && b < p->nbuckets; b++) s->tokens[b] = p->bucket_rate[b];
    }
    if (p->route_conn && p->nconns > 0 && !(s->conns = calloc(p->nconns, sizeof *s->conns)))
        station_oom(s, self, "out of memory: no room for a station's connection table");
}

/* ---- fault windows --------------------------------------------------------------------------- */

/* A DOWN window opens at t: every job present is lost, the waiting ones at once, those in service
 * through their departure's old epoch (FIFO) or a superseded generation (PS). */
static void station_lose_all(station_state *s, vs_time t)
{
    station_account(s, t);
    station_bin *b = series_bin(s, t);
    if (in_window(s, t)) s->st.lost += s->n;
    if (b) b->lost += s->n;
    s->n = 0;
    s->busy = 0, s->qhead = 0, s->qlen = 0;
    s->v = 0, s->v_at = t;
    s->pending = false;
    s->gen++;
    s->epoch++;
}

/* The earliest time after the last step the set of open windows changes: O(open windows). */
static vs_time faults_next_change(const station_state *s)
{
    const station_fault *f = s->p->faults;
    vs_time t = s->fnext < s->p->nfaults ? f[s->fnext].from_ns : STATION_NEVER;
    for (uint32_t i = 0; i < s->nactive; i++)
        if (f[s->active[i]].until_ns < t) t = f[s->active[i]].until_ns;
    return t;
}

/* Closes the windows over at t, then opens those that begin at t. */
static void faults_step(station_state *s, vs_time t)
{
    const station_fault *f = s->p->faults;
    uint32_t k = 0;
    for (uint32_t i = 0; i < s->nactive; i++) {
        uint32_t w = s->active[i];
        if (f[w].until_ns > t)
            s->active[k++] = w;
        else if (f[w].kind == STATION_DOWN)
            s->ndown--;
        else
            s->nacting--;
    }
    s->nactive = k;
    for (; s->fnext < s->p->nfaults && f[s->fnext].from_ns <= t; s->fnext++) {
        s->active[s->nactive++] = s->fnext;
        if (f[s->fnext].kind != STATION_DOWN) {
            s->nacting++;
        } else if (s->ndown++ == 0) {
            station_lose_all(s, t);
        }
    }
    s->fchange = faults_next_change(s);
}

/* Brings the open windows up to time now: first thing at every event, O(1) unless one changes. */
static void faults_advance(station_state *s, vs_time now)
{
    while (s->fchange <= now) faults_step(s, s->fchange);
}

/* An arrival while a DOWN window is open: lost without a word (its origin times out). */
static void station_lost(station_state *s, vs_time now)
{
    station_bin *b = series_bin(s, now);
    if (in_window(s, now)) s->st.lost++;
    if (b) b->lost++;
}

/* The fault table (a list of open windows). Without memory, faults are not applied. */
static void faults_init(station_state *s, vs_lp *self)
{
    s->fchange = STATION_NEVER;
    if (s->p->nfaults == 0) return;
    s->active = malloc((size_t)s->p->nfaults * sizeof *s->active);
    if (!s->active) {
        station_oom(s, self, "out of memory: no room for a station's fault table");
        return;
    }
    s->fchange = s->p->faults[0].from_ns;
}

/* ---- spans at the end ------------------------------------------------------------------------ */

static int span_cmp(const void *pa, const void *pb)
{
    const station_span *a = pa, *b = pb;
    vs_time ka[3] = {a->depart_ns, a->start_ns, a->arrive_ns};
    vs_time kb[3] = {b->depart_ns, b->start_ns, b->arrive_ns};
    for (int i = 0; i < 3; i++)
        if (ka[i] != kb[i]) return ka[i] < kb[i] ? -1 : 1;
    uint64_t ra = (uint64_t)a->origin << 32 | a->id, rb = (uint64_t)b->origin << 32 | b->id;
    if (ra != rb) return ra < rb ? -1 : 1;
    uint32_t ha = (uint32_t)a->route << 16 | a->hop, hb = (uint32_t)b->route << 16 | b->hop;
    return ha < hb ? -1 : ha > hb;
}

/* Whether a FIFO span written at its start never ended: past the run's end, or in service when
 * a DOWN window opened (down[0 .. m) = their faults, by opening time). */
static bool span_void(const station_state *s, const station_span *x, vs_time end,
                      const uint32_t *down, uint32_t m)
{
    if (x->depart_ns >= end) return true;
    uint32_t lo = 0, hi = m; /* the first window opening after the start */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (s->p->faults[down[mid]].from_ns > x->start_ns)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo < m && s->p->faults[down[lo]].from_ns <= x->depart_ns;
}

/* FIFO spans were written when service began: strikes those that never ended and puts the rest
 * in the order they ended. Reuses the list of open windows (the run is over). */
static void spans_finish(station_state *s, vs_time end)
{
    station_spans *l = s->p->spans;
    if (!l || s->p->discipline != STATION_FIFO || l->n <= s->span_base) return;
    uint32_t m = 0;
    for (uint32_t w = 0; s->active && w < s->p->nfaults && s->p->faults[w].from_ns < end; w++)
        if (s->p->faults[w].kind == STATION_DOWN) s->active[m++] = w;
    size_t k = s->span_base;
    for (size_t i = s->span_base; i < l->n; i++)
        if (!span_void(s, &l->v[i], end, s->active, m)) l->v[k++] = l->v[i];
    l->n = k;
    qsort(l->v + s->span_base, l->n - s->span_base, sizeof *l->v, span_cmp);
}

/* ---- the LP kind ----------------------------------------------------------------------------- */

static void station_init(void *state, vs_lp *self, const void *arg)
{
    station_state *s = state;
    s->tag = &station_kind;
    s->p = arg;
    s->ns_per_byte = s->p->bandwidth_bps > 0 ? 8e9 / s->p->bandwidth_bps : 0;
    s->ns_per_packet = s->p->packets_per_s > 0 ? 1e9 / s->p->packets_per_s : 0;
    s->xfer_ns = station_transfer_ns(s, 0);
    s->from = s->p->stats_from_ns;
    s->until = s->p->stats_until_ns > 0 ? s->p->stats_until_ns : VS_TIME_LIMIT;
    limits_init(s, self);
    faults_init(s, self);
    s->many = s->p->discipline == STATION_FIFO && s->p->servers == STATION_MAX_CAPACITY &&
              s->p->nfaults == 0;
    s->spans_on = s->p->span_rate > 0 && s->p->spans;
    s->span_base = s->p->spans ? s->p->spans->n : 0;
    s->scales = station_scales(s->p);
    s->speed = s->scales ? s->p->start_fraction : 1;
    if (s->speed < 1)
        lp_send(self, lp_id(self), s->p->scale_period_ns, STATION_EV_SCALE, (vs_payload){0});
}

static void station_bug(vs_lp *self, const vs_event *ev, const char *what)
{
    fprintf(stderr, "vpcsim: model bug: station '%s' at t=%lld ns: %s (event type %u)\n",
            lp_name(self), (long long)ev->time, what, ev->type);
    abort();
}

static void station_event(station_state *s, vs_lp *self, const vs_event *ev)
{
    bool fifo = s->p->discipline == STATION_FIFO;
    faults_advance(s, ev->time);
    if (ev->type == FLOW_EV_ARRIVE) {
        flow_req r = flow_unpack(ev->data);
        const flow_table *t = s->p->flows;
        if (r.route >= t->count || r.hop >= t->routes[r.route].len ||
            t->routes[r.route].hops[r.hop] != lp_id(self))
            station_bug(self, ev, "request is not routed here");
        if (s->many) many_depart_until(s, ev->time);
        station_account(s, ev->time);
        station_bin *b = series_bin(s, ev->time);
        if (b) b->arrivals++;
        if (in_window(s, ev->time)) s->st.arrivals++;
        if (s->ndown > 0)
            station_lost(s, ev->time);
        else
            station_arrive(s, self, ev);
    } else if (ev->type >= STATION_EV_DEPART && fifo) {
        station_account(s, ev->time);
        if (ev->type - STATION_EV_DEPART == s->epoch) fifo_depart(s, self, ev); /* else lost */
    } else if (ev->type == STATION_EV_PS && !fifo) {
        station_account(s, ev->time);
        ps_tick(s, self, ev);
    } else if (ev->type == STATION_EV_SCALE && !fifo) {
        station_account(s, ev->time);
        ps_scale(s, self, ev->time);
    } else {
        station_bug(self, ev, "unexpected event");
    }
}

/* An event, then the completion event it scheduled (its last send): handled at once when it
 * would be the next event of the partition (lp_handle_next: PS stations at light load, one
 * event a visit instead of two), else sent. */
static void station_handle(void *state, vs_lp *self, const vs_event *ev)
{
    station_state *s = state;
    station_event(s, self, ev);
    while (s->unsent) {
        vs_time at = s->pending_at;
        vs_event tick = {at, 0, lp_id(self), STATION_EV_PS, {.u32 = {s->gen}}};
        if (!lp_handle_next(self, at - lp_now(self))) {
            ps_send_pending(s, self);
            break;
        }
        s->unsent = false;
        station_event(s, self, &tick);
    }
    assert(station_ok(s));
}

/* Closes the integrals at the end of the run (or of the window) and frees the job arrays. */
static void station_finish(void *state, vs_lp *self)
{
    station_state *s = state;
    vs_time end = lp_now(self) < s->until ? lp_now(self) : s->until;
    faults_advance(s, lp_now(self) - 1); /* windows that opened after the last event */
    if (s->many) many_depart_until(s, lp_now(self) - 1);
    station_account(s, lp_now(self));
    spans_finish(s, lp_now(self));
    double w = end > s->from ? (double)(end - s->from) : 0;
    s->st.window_ns = w;
    if (w > 0) {
        s->st.utilisation = s->busy_area / ((double)s->p->servers * w);
        s->st.mean_waiting = s->wait_area / w;
        s->st.mean_in_station = s->in_area / w;
    }
    free(s->q);
    free(s->heap);
    free(s->ends);
    s->ends = NULL;
    free(s->tokens), free(s->refilled), free(s->conns), free(s->active);
    s->q = NULL, s->heap = NULL;
    s->tokens = NULL, s->refilled = NULL, s->conns = NULL, s->active = NULL;
    s->qcap = s->hcap = s->ecap = 0;
}

const lp_kind station_kind = {
    .name = "station",
    .state_size = sizeof(station_state),
    .init = station_init,
    .handle = station_handle,
    .finish = station_finish,
};

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
