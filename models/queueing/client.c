/* The client LP kind (one per workload): arrivals, attempts over routes, timeouts, SDK standard
 * retries. Calls (across their attempts and backoffs) and attempts in flight live in two tables
 * with free lists (a slot's index is the request id); timeouts share one timer event over a FIFO
 * of deadlines (every attempt has the same timeout, so deadlines come in creation order): O(1)
 * per request, no allocation in the steady state, and about one timer event per response time
 * rather than one per request. Under faults an attempt takes its way from the state in force. */
#include "vpcsim/aws/client.h"

#include "vpcsim/grow.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

enum {
    CLIENT_EV_CALL = FLOW_EV_PRIVATE, /* a new call; payload u32[0] = closed-loop client or NONE */
    CLIENT_EV_RETRY,                  /* a retry is due; payload u32[0] = call, u32[1] = attempt
                                         | cost << 8 */
    CLIENT_EV_TIMER,                  /* the earliest deadline may have passed */
    SLOT_START = 64,                  /* first size of the slot table and the deadline FIFO */
    /* Calls one client holds open at once (rate x latency): a bound on its memory (~1 GiB with
     * their events) met within a second of wall time by a rate no network could serve (1e12/s
     * grew 250 MB/s); realistic loads hold far fewer (1e6/s x 1 s = 1e6). */
    MAX_OPEN_CALLS = 1 << 22
};

#define NONE UINT32_MAX

typedef enum slot_state { SLOT_FREE, SLOT_WAITING, SLOT_TIMED_OUT } slot_state;

/* A call from its creation to its end, across its attempts and backoffs. */
typedef struct client_callrec {
    uint64_t number;    /* creation order, from 0 */
    vs_time start;      /* creation */
    uint32_t vclient;   /* closed loop client, or NONE */
    uint32_t next_free; /* free list link */
    uint32_t attempts;  /* attempts started */
    uint32_t sent;      /* requests sent (handshakes excluded) */
    uint16_t alt;       /* the way of its last attempt */
    bool open;          /* in use */
} client_callrec;

/* An attempt in flight. A timed-out attempt keeps its slot until its response or drop comes
 * (its call may be over by then: call_start still says whether it is measured). */
typedef struct client_slot {
    vs_time call_start;    /* creation of the call (first attempt) */
    vs_time attempt_start; /* creation of this attempt: its deadline is this + timeout */
    uint32_t seq;          /* allocations of this slot so far: stale deadlines compare it */
    uint32_t call;         /* its call (callrec index) */
    uint32_t next_free;    /* free list link */
    uint16_t alt;          /* the way it goes */
    uint8_t attempt;       /* 1 for the first */
    uint8_t state;         /* slot_state */
    uint8_t hs_left;       /* handshake round trips still to make */
    uint8_t cost;          /* tokens this attempt took (0: the first attempt) */
} client_slot;

typedef struct deadline {
    uint32_t slot, seq; /* the attempt (stale when the slot's seq moved on) */
} deadline;

/* Invariants: slots[0..nslots) are in use or on the free list (free_head, linked by next_free);
 * the deadline FIFO holds attempts in creation order; timer_pending iff a CLIENT_EV_TIMER is
 * scheduled, and then at or before the first live deadline. */
typedef struct client_state {
    const lp_kind *tag;     /* &client_kind once initialised */
    const client_params *p; /* shared, read-only */
    client_stats *st;       /* p->out */
    double next_ns;         /* open loop: time of the next arrival, unrounded */
    double phase_end_ns;    /* onoff: end of the present burst or pause */
    bool on;                /* onoff: in a burst */
    uint32_t step;          /* schedule: the step in force */
    uint64_t replayed;      /* replay: times used */
    client_slot *slots;     /* attempts in flight */
    uint32_t nslots, cap;   /* slots made, allocated */
    uint32_t free_head;     /* first free slot, or NONE */
    client_callrec *calls;  /* open calls */
    uint32_t ncalls, call_cap, call_free;
    uint64_t created;        /* calls created so far (the next call's number) */
    client_ways base;        /* the ways when there are no faults */
    uint32_t dns_i, route_i; /* DNS and route changes at or before now */
    deadline *dl;            /* FIFO ring of deadlines */
    uint32_t dl_head, dl_len, dl_cap;
    bool timer_pending; /* a timer event is scheduled */
    int64_t tokens;     /* retry token bucket */
} client_state;

static const char *const cause_names[CLIENT_FAIL_COUNT] = {
    [CLIENT_FAIL_TIMEOUT] = "timeout",     [CLIENT_FAIL_DROPPED] = "dropped",
    [CLIENT_FAIL_DENIED] = "denied",       [CLIENT_FAIL_UNREACHABLE] = "unreachable",
    [CLIENT_FAIL_THROTTLED] = "throttled", [CLIENT_FAIL_PORT_ALLOCATION] = "port allocation",
    [CLIENT_FAIL_ERROR] = "error",
};

const char *client_cause_name(client_cause c)
{
    return (unsigned)c < CLIENT_FAIL_COUNT ? cause_names[c] : "?";
}

static bool measured(const client_state *s, vs_time call_start)
{
    return call_start >= s->p->warmup_ns && call_start < s->p->horizon_ns;
}

static void client_bug(vs_lp *self, const char *what, uint32_t x)
{
    fprintf(stderr, "vpcsim: model bug: client '%s' at t=%lld ns: %s (%u)\n", lp_name(self),
            (long long)lp_now(self), what, x);
    abort();
}

/* ---- arrivals -------------------------------------------------------------------------------- */

static double exp_ns(rng_stream *r, double mean_ns)
{
    return mean_ns > 0 ? rng_exponential(r, mean_ns) : 0;
}

/* The next Poisson arrival after t under a rate schedule: a draw at the rate in force, redrawn
 * from a step's start when it falls past it (exact: the exponential forgets). */
static double schedule_next(client_state *s, double t)
{
    const client_params *p = s->p;
    for (;;) {
        double rate = p->steps[s->step].rate_per_s;
        double end = s->step + 1 < p->nsteps ? (double)p->steps[s->step + 1].at_ns : INFINITY;
        double x = rate > 0 ? t + rng_exponential(p->arrivals, 1e9 / rate) : INFINITY;
        if (x < end) return x;
        if (end >= (double)p->horizon_ns) return INFINITY;
        t = end;
        s->step++;
    }
}

/* The next arrival after t in exponential bursts (Poisson inside) and pauses. */
static double onoff_next(client_state *s, double t)
{
    const client_params *p = s->p;
    for (;;) {
        if (t >= (double)p->horizon_ns) return INFINITY;
        if (s->on) {
            double x = t + rng_exponential(p->arrivals, 1e9 / p->rate_per_s);
            if (x < s->phase_end_ns) return x;
            t = s->phase_end_ns;
            s->on = false;
            s->phase_end_ns = t + exp_ns(p->arrivals, (double)p->off_ns);
        } else {
            t = s->phase_end_ns;
            s->on = true;
            s->phase_end_ns = t + exp_ns(p->arrivals, (double)p->on_ns);
        }
    }
}

static double next_arrival(client_state *s, double t)
{
    const client_params *p = s->p;
    switch (p->arrival) {
    case ARRIVAL_CONSTANT:
        return t + 1e9 / p->rate_per_s;
    case ARRIVAL_ONOFF:
        return onoff_next(s, t);
    case ARRIVAL_SCHEDULE:
        return schedule_next(s, t);
    case ARRIVAL_REPLAY:
        return s->replayed < p->nreplay ? (double)p->replay[s->replayed++] : INFINITY;
    default:
        return t + rng_exponential(p->arrivals, 1e9 / p->rate_per_s);
    }
}

/* Schedules the open loop's next call if it falls before the horizon. */
static void schedule_open(client_state *s, vs_lp *self)
{
    s->next_ns = next_arrival(s, s->next_ns);
    if (!(s->next_ns < (double)s->p->horizon_ns)) return;
    vs_time t = (vs_time)(s->next_ns + 0.5);
    if (t >= s->p->horizon_ns) return;
    lp_send(self, lp_id(self), t - lp_now(self), CLIENT_EV_CALL, (vs_payload){.u32 = {NONE}});
}

/* Closed loop: client c thinks, then calls (nothing once the horizon is reached). */
static void schedule_think(client_state *s, vs_lp *self, uint32_t c)
{
    vs_time think = (vs_time)(exp_ns(s->p->arrivals, (double)s->p->think_ns) + 0.5);
    if (lp_now(self) + think >= s->p->horizon_ns) return;
    lp_send(self, lp_id(self), think, CLIENT_EV_CALL, (vs_payload){.u32 = {c}});
}

/* ---- slots and deadlines --------------------------------------------------------------------- */

/* A free slot's index, or NONE when out of memory. */
static uint32_t slot_alloc(client_state *s)
{
    if (s->free_head != NONE) {
        uint32_t i = s->free_head;
        s->free_head = s->slots[i].next_free;
        return i;
    }
    if (s->nslots == s->cap &&
        grow_double((void **)&s->slots, &s->cap, sizeof *s->slots, SLOT_START))
        return NONE;
    s->slots[s->nslots] = (client_slot){.seq = 0};
    return s->nslots++;
}

static void slot_free(client_state *s, uint32_t i)
{
    s->slots[i].state = SLOT_FREE;
    s->slots[i].next_free = s->free_head;
    s->free_head = i;
}

/* A new open call record's index, or NONE when out of memory. */
static uint32_t call_alloc(client_state *s, vs_time now, uint32_t vclient)
{
    uint32_t i = s->call_free;
    if (i != NONE) {
        s->call_free = s->calls[i].next_free;
    } else {
        if (s->ncalls == s->call_cap &&
            (s->ncalls >= MAX_OPEN_CALLS ||
             grow_double((void **)&s->calls, &s->call_cap, sizeof *s->calls, SLOT_START)))
            return NONE;
        i = s->ncalls++;
    }
    s->calls[i] =
        (client_callrec){.number = s->created - 1, .start = now, .vclient = vclient, .open = true};
    return i;
}

static void call_free(client_state *s, uint32_t i)
{
    s->calls[i].open = false;
    s->calls[i].next_free = s->call_free;
    s->call_free = i;
}

/* Appends a deadline, unrolling the ring into a doubled array when full. Returns 0 or -1. */
static int dl_push(client_state *s, deadline d)
{
    return ring_push((void **)&s->dl, &s->dl_cap, s->dl_head, &s->dl_len, &d, sizeof d, SLOT_START);
}

static void arm_timer(client_state *s, vs_lp *self, vs_time at)
{
    s->timer_pending = true;
    lp_send(self, lp_id(self), at - lp_now(self), CLIENT_EV_TIMER, (vs_payload){{0}});
}

/* ---- attempts -------------------------------------------------------------------------------- */

/* The ways an attempt made now takes: the base, or under faults the state in force (a DNS
 * change less than a TTL old is seen with probability age / TTL). */
static const client_ways *ways_now(client_state *s, vs_lp *self)
{
    const client_params *p = s->p;
    vs_time now = lp_now(self);
    if (!p->ways) return &s->base;
    while (s->route_i < p->nroute && p->route_at[s->route_i] <= now) s->route_i++;
    while (s->dns_i < p->ndns && p->dns_at[s->dns_i] <= now) s->dns_i++;
    uint32_t d = s->dns_i;
    if (d > 0 && now - p->dns_at[d - 1] < p->dns_ttl_ns) {
        double resolved = (double)now - rng_uniform(lp_rng(self)) * (double)p->dns_ttl_ns;
        while (d > 0 && (double)p->dns_at[d - 1] > resolved) d--;
    }
    return &p->ways[(size_t)d * (p->nroute + 1) + s->route_i];
}

static uint16_t pick_alt(const client_params *p, const client_ways *w, rng_stream *r)
{
    if (w->n == 1) return (uint16_t)w->first;
    double u = rng_uniform(r);
    uint32_t a = w->first, end = w->first + w->n;
    /* the first way whose cumulative weight exceeds u: weights increase, so the count of those
     * at or below u, taken without a branch (the choice is a coin toss the predictor misses) */
    for (uint32_t k = w->first; k + 1u < end; k++) a += u >= p->alts[k].cum_weight;
    return (uint16_t)a;
}

/* Sends the next message of slot i: a handshake round trip or the request. */
static void slot_send(client_state *s, vs_lp *self, uint32_t i)
{
    const client_slot *sl = &s->slots[i];
    const client_alt *a = &s->p->alts[sl->alt];
    bool hs = sl->hs_left > 0;
    const client_observer *o = s->p->observer;
    flow_req r = {i,
                  lp_id(self),
                  hs ? s->p->hs_request_bytes : s->p->request_bytes,
                  hs ? a->hs_route : a->route,
                  0,
                  false};
    if (o && o->trace && measured(s, sl->call_start))
        r.traced = o->trace(o->ctx, o->workload, s->calls[sl->call].number, sl->attempt, i, hs,
                            lp_now(self));
    if (!hs) s->calls[sl->call].sent++;
    flow_start(self, s->p->flows, r, 0);
}

static void call_failed(client_state *s, vs_lp *self, client_slot c, client_cause why);

/* Out of memory the run ends with an error (lp_fail): counting the call as dropped would invent
 * a result (and a table that cannot grow would fail again at every arrival). */
static void client_oom(client_state *s, vs_lp *self, const char *what)
{
    s->st->out_of_memory = true;
    lp_fail(self, what);
}

static void start_attempt(client_state *s, vs_lp *self, client_slot c)
{
    uint32_t i = slot_alloc(s);
    if (i == NONE || dl_push(s, (deadline){i, s->slots[i].seq + 1})) {
        if (i != NONE) slot_free(s, i);
        client_oom(s, self, "out of memory: a client's table of attempts could not grow");
        return;
    }
    client_slot *sl = &s->slots[i];
    c.seq = sl->seq + 1;
    c.attempt_start = lp_now(self);
    c.state = SLOT_WAITING;
    c.hs_left = (uint8_t)s->p->handshakes;
    *sl = c;
    s->calls[c.call].attempts++;
    s->calls[c.call].alt = c.alt;
    if (measured(s, c.call_start)) {
        s->st->attempts++;
        s->st->retries += c.attempt > 1;
    }
    if (!s->timer_pending) arm_timer(s, self, lp_now(self) + s->p->timeout_ns);
    slot_send(s, self, i);
}

/* Tells the observer what became of call record r (a measured call) at `end`. */
static void observe(const client_state *s, const client_callrec *r, int32_t cause, vs_time end)
{
    const client_params *p = s->p;
    uint32_t down = 0;
    if (cause == CLIENT_CALL_OK) down = p->flows->routes[p->alts[r->alt].route].resp_bytes;
    client_call c = {.call = r->number,
                     .start_ns = r->start,
                     .end_ns = end,
                     .cause = cause,
                     .attempts = r->attempts,
                     .alt = r->alt,
                     .bytes_up = (uint64_t)r->sent * p->request_bytes,
                     .bytes_down = down};
    p->observer->call(p->observer->ctx, p->observer->workload, &c);
}

/* A call of a closed-loop client found no path under faults: it calls again after a timeout
 * (and a think time), not at once, so that an instant failure cannot spin. */
static void schedule_after_no_path(client_state *s, vs_lp *self, uint32_t c)
{
    vs_time wait =
        s->p->timeout_ns + (vs_time)(exp_ns(s->p->arrivals, (double)s->p->think_ns) + 0.5);
    if (lp_now(self) + wait >= s->p->horizon_ns) return;
    lp_send(self, lp_id(self), wait, CLIENT_EV_CALL, (vs_payload){.u32 = {c}});
}

/* Call i is over (success, final failure by cause, or no path): the observer is told, and a
 * closed-loop client thinks again (without a path and without faults, each client fails once
 * and stops: its calls would all fail at the same instant). */
static void call_over(client_state *s, vs_lp *self, uint32_t i, int32_t cause, bool no_path)
{
    client_callrec r = s->calls[i];
    call_free(s, i);
    if (s->p->observer && measured(s, r.start)) observe(s, &r, cause, lp_now(self));
    if (r.vclient == NONE) return;
    if (!no_path)
        schedule_think(s, self, r.vclient);
    else if (s->p->ways)
        schedule_after_no_path(s, self, r.vclient);
}

static void new_call(client_state *s, vs_lp *self, uint32_t vclient)
{
    vs_time now = lp_now(self);
    s->created++;
    if (measured(s, now)) s->st->offered++;
    uint32_t i = call_alloc(s, now, vclient);
    if (i == NONE) {
        client_oom(s, self,
                   s->ncalls >= MAX_OPEN_CALLS
                       ? "memory budget: more than 4194304 calls open at once (arrival rate x "
                         "latency); lower the workload's traffic.rate"
                       : "out of memory: a client's table of calls could not grow");
        return;
    }
    client_slot c = {.call_start = now, .call = i, .attempt = 1};
    const client_ways *w = ways_now(s, self);
    if (w->n == 0) {
        c.attempt = (uint8_t)s->p->max_attempts;
        call_failed(s, self, c, w->no_path);
        return;
    }
    c.alt = pick_alt(s->p, w, lp_rng(self));
    start_attempt(s, self, c);
}

/* Payload of a retry: u32[0] = call, u32[1] = attempt | cost << 8. */
static vs_payload retry_pack(const client_slot *c, uint8_t attempt, uint8_t cost)
{
    vs_payload p = {{0}};
    p.u32[0] = c->call;
    p.u32[1] = (uint32_t)attempt | (uint32_t)cost << 8;
    return p;
}

/* The attempt c failed: retry if the mode, the attempts left and the token bucket allow. */
static void call_failed(client_state *s, vs_lp *self, client_slot c, client_cause why)
{
    const client_params *p = s->p;
    if (p->retry && c.attempt < p->max_attempts) {
        int64_t cost = why == CLIENT_FAIL_TIMEOUT ? p->timeout_retry_cost : p->retry_cost;
        if (s->tokens >= cost) {
            s->tokens -= cost;
            vs_time base = why == CLIENT_FAIL_THROTTLED && p->retry_throttle_base_ns > 0
                               ? p->retry_throttle_base_ns
                               : p->retry_base_ns;
            double cap = (double)base * ldexp(1.0, c.attempt - 1);
            if (cap > (double)p->retry_cap_ns) cap = (double)p->retry_cap_ns;
            vs_time backoff = (vs_time)(rng_uniform(lp_rng(self)) * cap + 0.5);
            lp_send(self, lp_id(self), backoff, CLIENT_EV_RETRY,
                    retry_pack(&c, (uint8_t)(c.attempt + 1), (uint8_t)cost));
            return;
        }
        if (measured(s, c.call_start)) s->st->quota_refusals++;
    }
    if (measured(s, c.call_start)) s->st->failed[why]++;
    call_over(s, self, c.call, (int32_t)why,
              s->calls[c.call].attempts == 0 &&
                  (why == CLIENT_FAIL_DENIED || why == CLIENT_FAIL_UNREACHABLE));
}

static void on_retry(client_state *s, vs_lp *self, const vs_event *ev)
{
    uint32_t i = ev->data.u32[0];
    client_slot c = {.call_start = s->calls[i].start,
                     .call = i,
                     .attempt = (uint8_t)(ev->data.u32[1] & 255),
                     .cost = (uint8_t)(ev->data.u32[1] >> 8)};
    const client_ways *w = ways_now(s, self);
    if (w->n == 0) { /* the way is gone: the call fails now, as a fresh one would */
        c.attempt = (uint8_t)s->p->max_attempts;
        call_failed(s, self, c, w->no_path);
        return;
    }
    c.alt = pick_alt(s->p, w, lp_rng(self));
    start_attempt(s, self, c);
}

static void add_bytes(client_state *s, const uint64_t *b)
{
    for (int k = 0; k < CLIENT_BYTES_COUNT; k++) s->st->bytes[k] += b[k];
}

/* The attempt in slot i succeeded: the call is done. */
static void call_succeeded(client_state *s, vs_lp *self, uint32_t i)
{
    client_slot c = s->slots[i];
    slot_free(s, i);
    if (measured(s, c.call_start)) {
        s->st->succeeded++;
        hist_record(&s->st->latency, lp_now(self) - c.call_start);
    }
    /* botocore: a success gives back what its retry took, else 1 token */
    s->tokens += c.cost ? c.cost : 1;
    if (s->tokens > s->p->retry_quota) s->tokens = s->p->retry_quota;
    call_over(s, self, c.call, CLIENT_CALL_OK, false);
}

static uint32_t slot_of(client_state *s, vs_lp *self, const vs_event *ev)
{
    uint32_t i = flow_unpack(ev->data).id;
    if (i >= s->nslots || s->slots[i].state == SLOT_FREE)
        client_bug(self, "a response for no attempt in flight", i);
    return i;
}

static void on_done(client_state *s, vs_lp *self, const vs_event *ev)
{
    uint32_t i = slot_of(s, self, ev);
    client_slot *sl = &s->slots[i];
    bool hs = sl->hs_left > 0, meas = measured(s, sl->call_start);
    if (meas) {
        add_bytes(s, hs ? s->p->alts[sl->alt].hs_bytes : s->p->alts[sl->alt].bytes);
        if (s->p->alt_exchanges) s->p->alt_exchanges[2 * (size_t)sl->alt + hs]++;
    }
    if (sl->state == SLOT_TIMED_OUT) {
        if (meas) s->st->late++;
        slot_free(s, i);
    } else if (hs) {
        if (meas) s->st->handshakes++;
        sl->hs_left--;
        slot_send(s, self, i);
    } else {
        call_succeeded(s, self, i);
    }
}

/* A hop sent the attempt back (dropped, throttled, no port): it failed with cause why. */
static void on_refused(client_state *s, vs_lp *self, const vs_event *ev, client_cause why)
{
    uint32_t i = slot_of(s, self, ev);
    client_slot c = s->slots[i];
    slot_free(s, i);
    if (c.state == SLOT_WAITING) call_failed(s, self, c, why);
}

/* Expires every attempt whose deadline has passed and re-arms the timer at the next one. */
static void on_timer(client_state *s, vs_lp *self)
{
    vs_time now = lp_now(self);
    s->timer_pending = false;
    while (s->dl_len > 0) {
        deadline d = s->dl[s->dl_head];
        client_slot *sl = &s->slots[d.slot];
        if (sl->seq == d.seq && sl->state == SLOT_WAITING) {
            vs_time due = sl->attempt_start + s->p->timeout_ns;
            if (due > now) {
                arm_timer(s, self, due);
                return;
            }
            sl->state = SLOT_TIMED_OUT;
            call_failed(s, self, *sl, CLIENT_FAIL_TIMEOUT);
        }
        s->dl_head = (s->dl_head + 1) & (s->dl_cap - 1);
        s->dl_len--;
    }
}

/* ---- the LP kind ----------------------------------------------------------------------------- */

static void client_init(void *state, vs_lp *self, const void *arg)
{
    client_state *s = state;
    s->tag = &client_kind;
    s->p = arg;
    s->st = s->p->out;
    s->free_head = NONE;
    s->call_free = NONE;
    s->base = (client_ways){0, s->p->nalts, s->p->no_path};
    s->tokens = s->p->retry_quota;
    if (s->p->arrival == ARRIVAL_CLOSED) {
        for (uint32_t c = 0; c < s->p->clients; c++) schedule_think(s, self, c);
        return;
    }
    if (s->p->arrival == ARRIVAL_ONOFF) {
        s->on = true;
        s->phase_end_ns = exp_ns(s->p->arrivals, (double)s->p->on_ns);
    }
    schedule_open(s, self);
}

static void client_handle(void *state, vs_lp *self, const vs_event *ev)
{
    client_state *s = state;
    switch (ev->type) {
    case CLIENT_EV_CALL:
        new_call(s, self, ev->data.u32[0]);
        if (ev->data.u32[0] == NONE) schedule_open(s, self);
        return;
    case CLIENT_EV_RETRY:
        on_retry(s, self, ev);
        return;
    case CLIENT_EV_TIMER:
        on_timer(s, self);
        return;
    case FLOW_EV_DONE:
        on_done(s, self, ev);
        return;
    case FLOW_EV_DROP:
        on_refused(s, self, ev, CLIENT_FAIL_DROPPED);
        return;
    case FLOW_EV_THROTTLE:
        on_refused(s, self, ev, CLIENT_FAIL_THROTTLED);
        return;
    case FLOW_EV_NO_PORT:
        on_refused(s, self, ev, CLIENT_FAIL_PORT_ALLOCATION);
        return;
    case FLOW_EV_ERROR:
        on_refused(s, self, ev, CLIENT_FAIL_ERROR);
        return;
    default:
        client_bug(self, "unexpected event type", ev->type);
    }
}

static void client_finish(void *state, vs_lp *self)
{
    client_state *s = state;
    client_stats *st = s->st;
    uint64_t over = st->succeeded;
    for (int c = 0; c < CLIENT_FAIL_COUNT; c++) over += st->failed[c];
    st->unfinished = st->offered - over;
    for (uint32_t i = 0; s->p->observer && i < s->ncalls; i++)
        if (s->calls[i].open && measured(s, s->calls[i].start))
            observe(s, &s->calls[i], CLIENT_CALL_UNFINISHED, lp_now(self));
    free(s->slots);
    free(s->dl);
    free(s->calls);
    s->slots = NULL, s->dl = NULL, s->calls = NULL;
    s->nslots = s->cap = s->dl_cap = s->dl_len = s->ncalls = s->call_cap = 0;
}

const lp_kind client_kind = {
    .name = "client",
    .state_size = sizeof(client_state),
    .init = client_init,
    .handle = client_handle,
    .finish = client_finish,
};

/* One set of ways: alts inside the table, weights increasing, a no-path cause that fits. */
static int check_ways(const client_params *p, const client_ways *w, vs_error *err)
{
    if (w->first > p->nalts || w->n > p->nalts - w->first)
        return error_set(err, "client: a set of ways reaches past the alternatives");
    for (uint32_t a = w->first; a < w->first + w->n; a++) {
        const client_alt *x = &p->alts[a];
        if (x->route >= p->flows->count || (p->handshakes && x->hs_route >= p->flows->count))
            return error_set(err, "client: alternative %u names a route not in the table", a);
        if (!(x->cum_weight > 0) || (a > w->first && x->cum_weight < p->alts[a - 1].cum_weight))
            return error_set(err, "client: cumulative weights must increase");
    }
    if (w->n == 0 && w->no_path != CLIENT_FAIL_DENIED && w->no_path != CLIENT_FAIL_UNREACHABLE)
        return error_set(err, "client: without a path, calls fail as denied or unreachable");
    return 0;
}

/* Times what[0 .. n): present, >= 0 and non-decreasing. */
static int check_times(const vs_time *at, uint64_t n, const char *what, vs_error *err)
{
    if (n > 0 && !at) return error_set(err, "client: %s times missing", what);
    for (uint64_t i = 0; i < n; i++)
        if (at[i] < 0 || (i > 0 && at[i] < at[i - 1]))
            return error_set(err, "client: %s times must be >= 0 and non-decreasing", what);
    return 0;
}

static int check_alts(const client_params *p, vs_error *err)
{
    if (p->nalts > 0 && (!p->alts || !p->flows))
        return error_set(err, "client: alternatives without routes");
    if (p->nalts > UINT16_MAX) return error_set(err, "client: at most 65535 alternatives");
    if (!p->ways) return check_ways(p, &(client_ways){0, p->nalts, p->no_path}, err);
    if (p->ndns >= UINT16_MAX || p->nroute >= UINT16_MAX || p->dns_ttl_ns < 0)
        return error_set(err, "client: too many DNS or route changes, or a DNS TTL < 0");
    if (check_times(p->dns_at, p->ndns, "DNS change", err) ||
        check_times(p->route_at, p->nroute, "route change", err))
        return -1;
    for (size_t i = 0; i < (size_t)(p->ndns + 1) * (p->nroute + 1); i++)
        if (check_ways(p, &p->ways[i], err)) return -1;
    return 0;
}

static int check_arrivals(const client_params *p, vs_error *err)
{
    switch (p->arrival) {
    case ARRIVAL_POISSON:
    case ARRIVAL_CONSTANT:
    case ARRIVAL_ONOFF:
        if (!(p->rate_per_s > 0) || p->rate_per_s > CLIENT_RATE_MAX_PER_S)
            return error_set(err, "client: rate must be in (0, 1e12] per s, got %g", p->rate_per_s);
        if (p->arrival == ARRIVAL_ONOFF && (p->on_ns <= 0 || p->off_ns < 0))
            return error_set(err, "client: on/off needs a burst length > 0 and a pause >= 0");
        return 0;
    case ARRIVAL_SCHEDULE:
        if (p->nsteps == 0 || !p->steps || p->steps[0].at_ns != 0)
            return error_set(err, "client: a schedule needs steps, the first at 0");
        for (uint32_t i = 0; i < p->nsteps; i++)
            if (!(p->steps[i].rate_per_s >= 0) || p->steps[i].rate_per_s > CLIENT_RATE_MAX_PER_S ||
                (i > 0 && p->steps[i].at_ns <= p->steps[i - 1].at_ns))
                return error_set(err, "client: schedule steps must increase, rates >= 0");
        return 0;
    case ARRIVAL_REPLAY:
        return check_times(p->replay, p->nreplay, "replay", err);
    case ARRIVAL_CLOSED:
        if (p->clients < 1 || p->think_ns < 0)
            return error_set(err, "client: a closed loop needs clients >= 1 and think >= 0");
        return 0;
    default:
        return error_set(err, "client: arrival kind %d is not supported", (int)p->arrival);
    }
}

int client_params_check(const client_params *p, vs_error *err)
{
    if (!p || !p->out || !p->arrivals) return error_set(err, "client: no parameters");
    if (check_alts(p, err) || check_arrivals(p, err)) return -1;
    if (p->timeout_ns <= 0) return error_set(err, "client: timeout must be > 0");
    if (p->max_attempts < 1 || p->max_attempts > 255 || (!p->retry && p->max_attempts != 1))
        return error_set(err, "client: attempts must be in [1, 255] (1 without retries)");
    if (p->handshakes > 255) return error_set(err, "client: at most 255 handshake round trips");
    if (p->retry_base_ns < 0 || p->retry_throttle_base_ns < 0 || p->retry_cap_ns < 0 ||
        p->retry_quota < 0 || p->retry_cost < 0 || p->retry_cost > 255 ||
        p->timeout_retry_cost < 0 || p->timeout_retry_cost > 255)
        return error_set(err, "client: retry base, cap, quota and costs must be >= 0 "
                              "(costs <= 255)");
    if (p->warmup_ns < 0 || p->horizon_ns <= p->warmup_ns || p->horizon_ns >= VS_TIME_LIMIT)
        return error_set(err, "client: need 0 <= warmup < horizon");
    return 0;
}

int64_t client_add(vs_engine *eng, const char *name, uint32_t group, const client_params *p,
                   vs_error *err)
{
    if (client_params_check(p, err)) return -1;
    return engine_add_lp(eng, &client_kind, name, group, p, err);
}
