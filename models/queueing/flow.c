/* Request plumbing (routes, hop forwarding) and the open-loop source LP kind. A source keeps the
 * creation time of each request in flight in a ring indexed by request id (grown geometrically),
 * so its per-request work is O(1) and allocation-free in the steady state. */
#include "vpcsim/aws/flow.h"

#include <stdio.h>
#include <stdlib.h>

enum { SOURCE_EV_TICK = FLOW_EV_PRIVATE, SOURCE_RING_START = 1024 };

int flow_table_check(const flow_table *t, uint32_t nlps, vs_error *err)
{
    if (!t || (t->count > 0 && !t->routes)) return error_set(err, "flow table: no routes");
    for (uint16_t i = 0; i < t->count; i++) {
        const flow_route *r = &t->routes[i];
        if (r->len == 0 || !r->hops) return error_set(err, "route %u: no hops", i);
        if (r->len > FLOW_MAX_HOPS)
            return error_set(err, "route %u: %u hops, at most %u", i, r->len, FLOW_MAX_HOPS);
        if (r->turn >= r->len && r->turn != 0)
            return error_set(err, "route %u: turn %u is beyond its %u hops", i, r->turn, r->len);
        for (uint16_t h = 0; h < r->len; h++)
            if (r->hops[h] >= nlps)
                return error_set(err, "route %u hop %u: LP id %u does not exist (%u LPs)", i, h,
                                 r->hops[h], nlps);
    }
    return 0;
}

void flow_start(vs_lp *self, const flow_table *t, flow_req r, vs_time delay)
{
    const flow_route *route = &t->routes[r.route];
    r.hop = 0;
    if (route->links) delay += flow_link_sample(&route->links[0], lp_rng(self));
    lp_send(self, route->hops[0], delay, FLOW_EV_ARRIVE, flow_pack(r));
}

void flow_forward(vs_lp *self, const flow_table *t, flow_req r, vs_time delay)
{
    const flow_route *route = &t->routes[r.route];
    if (route->links) delay += flow_link_sample(&route->links[r.hop + 1], lp_rng(self));
    if (r.hop + 1 < route->len) {
        r.hop++;
        r.bytes = route->turn && r.hop == route->turn ? route->resp_bytes : r.bytes;
        lp_send(self, route->hops[r.hop], delay, FLOW_EV_ARRIVE, flow_pack(r));
    } else {
        lp_send(self, r.origin, delay, FLOW_EV_DONE, flow_pack(r));
    }
}

/* ---- links ----------------------------------------------------------------------------------- */

vs_time flow_link_sample(const flow_link *l, rng_stream *r)
{
    vs_time ns = l->const_ns;
    for (int i = 0; i < FLOW_LINK_PARTS && l->parts[i]; i++) ns += dist_sample_ns(l->parts[i], r);
    return ns > l->floor_ns ? ns : l->floor_ns;
}

vs_time flow_dist_min_ns(const dist *d)
{
    return dist_min_ns(d); /* shift, the family's least value and `min` (sim/io/dist.c) */
}

vs_time flow_link_min(const flow_link *l)
{
    vs_time ns = l->const_ns;
    for (int i = 0; i < FLOW_LINK_PARTS && l->parts[i]; i++) ns += flow_dist_min_ns(l->parts[i]);
    return ns > l->floor_ns ? ns : l->floor_ns;
}

/* ---- source ---------------------------------------------------------------------------------- */

/* Invariants: ids in [oldest, next_id) are the only ones that may be in flight; start[id & mask]
 * is the creation time of a request in flight and -1 otherwise; next_id - oldest <= mask + 1. */
typedef struct source_state {
    const lp_kind *tag;          /* &flow_source_kind once initialised */
    const flow_source_params *p; /* shared, read-only */
    double next_ns;              /* time of the next arrival, unrounded (no drift) */
    uint32_t next_id;            /* id of the next request */
    uint32_t oldest;             /* oldest id that may be in flight */
    vs_time *start;              /* ring of creation times */
    uint32_t mask;               /* ring slots - 1 (a power of two minus one) */
    double batch_per_ns;         /* batches per ns of [warmup, horizon) */
    flow_source_stats st;        /* what it measured */
} source_state;

static double source_gap_ns(source_state *s, vs_lp *self)
{
    double mean = 1e9 / s->p->rate_per_s;
    return s->p->arrivals == FLOW_ARRIVALS_POISSON ? rng_exponential(lp_rng(self), mean) : mean;
}

/* Schedules the next arrival if it falls before the horizon. */
static void source_schedule(source_state *s, vs_lp *self)
{
    s->next_ns += source_gap_ns(s, self);
    if (!(s->next_ns < (double)s->p->horizon_ns)) return;
    vs_time t = (vs_time)(s->next_ns + 0.5);
    if (t >= s->p->horizon_ns) return;
    lp_send(self, lp_id(self), t - lp_now(self), SOURCE_EV_TICK, (vs_payload){{0}});
}

/* Doubles the ring. Returns 0, or -1 (out of memory; the ring is unchanged). */
static int source_grow(source_state *s)
{
    uint32_t slots = s->start ? 2 * (s->mask + 1) : SOURCE_RING_START;
    if (slots == 0) return -1; /* 2^32 requests in flight */
    vs_time *ring = malloc((size_t)slots * sizeof *ring);
    if (!ring) return -1;
    for (uint32_t i = 0; i < slots; i++) ring[i] = -1;
    for (uint32_t id = s->oldest; id != s->next_id; id++)
        ring[id & (slots - 1)] = s->start[id & s->mask];
    free(s->start);
    s->start = ring;
    s->mask = slots - 1;
    return 0;
}

static flow_batch *source_batch(source_state *s, vs_time created)
{
    if (s->st.batches == 0) return NULL;
    double x = (double)(created - s->p->warmup_ns) * s->batch_per_ns;
    uint32_t b = x < (double)s->st.batches ? (uint32_t)x : s->st.batches - 1;
    return &s->st.batch[b];
}

static void source_create(source_state *s, vs_lp *self)
{
    vs_time now = lp_now(self);
    if ((!s->start || s->next_id - s->oldest > s->mask) && source_grow(s)) {
        s->st.out_of_memory = true; /* the run ends with an error: no result misses them */
        lp_fail(self, "out of memory: a source's table of requests in flight could not grow");
        return;
    }
    uint32_t id = s->next_id++;
    s->start[id & s->mask] = now;
    s->st.created++;
    if (now >= s->p->warmup_ns) {
        s->st.measured++;
        flow_batch *b = source_batch(s, now);
        if (b) b->created++;
    }
    flow_req r = {id, lp_id(self), s->p->bytes, s->p->route, 0, false};
    flow_start(self, s->p->flows, r, s->p->send_delay_ns);
}

static void source_init(void *state, vs_lp *self, const void *arg)
{
    source_state *s = state;
    s->tag = &flow_source_kind;
    s->p = arg;
    s->st.batches = s->p->batches;
    s->batch_per_ns = (double)s->p->batches / (double)(s->p->horizon_ns - s->p->warmup_ns);
    hist_init(&s->st.sojourn);
    source_schedule(s, self);
}

/* Takes request id out of flight; returns its creation time. Aborts on a stray id: model bug. */
static vs_time source_retire(source_state *s, vs_lp *self, const vs_event *ev)
{
    flow_req r = flow_unpack(ev->data);
    uint32_t k = r.id - s->oldest;
    if (!s->start || k >= s->next_id - s->oldest || s->start[r.id & s->mask] < 0) {
        fprintf(stderr,
                "vpcsim: model bug: source '%s' got event %u for request %u, not in flight\n",
                lp_name(self), ev->type, r.id);
        abort();
    }
    vs_time t0 = s->start[r.id & s->mask];
    s->start[r.id & s->mask] = -1;
    while (s->oldest != s->next_id && s->start[s->oldest & s->mask] < 0) s->oldest++;
    return t0;
}

static void source_done(source_state *s, vs_lp *self, const vs_event *ev, bool dropped)
{
    vs_time t0 = source_retire(s, self, ev);
    if (t0 < s->p->warmup_ns) return;
    flow_batch *b = source_batch(s, t0);
    if (dropped) {
        s->st.dropped++;
        if (b) b->dropped++;
        return;
    }
    vs_time sojourn = lp_now(self) - t0;
    s->st.completed++;
    hist_record(&s->st.sojourn, sojourn);
    if (b) b->completed++, b->sojourn_ns += (double)sojourn;
}

static void source_handle(void *state, vs_lp *self, const vs_event *ev)
{
    source_state *s = state;
    switch (ev->type) {
    case SOURCE_EV_TICK:
        source_create(s, self);
        source_schedule(s, self);
        return;
    case FLOW_EV_DONE:
        source_done(s, self, ev, false);
        return;
    case FLOW_EV_DROP:
    case FLOW_EV_THROTTLE:
    case FLOW_EV_NO_PORT:
    case FLOW_EV_ERROR:
        source_done(s, self, ev, true);
        return;
    default:
        fprintf(stderr, "vpcsim: model bug: source '%s' got event type %u\n", lp_name(self),
                ev->type);
        abort();
    }
}

static void source_finish(void *state, vs_lp *self)
{
    (void)self;
    source_state *s = state;
    for (uint32_t id = s->oldest; id != s->next_id; id++)
        s->st.in_flight += s->start[id & s->mask] >= 0;
    free(s->start);
    s->start = NULL;
}

const lp_kind flow_source_kind = {
    .name = "source",
    .state_size = sizeof(source_state),
    .init = source_init,
    .handle = source_handle,
    .finish = source_finish,
};

static int source_params_check(const flow_source_params *p, vs_error *err)
{
    if (!p->flows || p->route >= p->flows->count)
        return error_set(err, "source: route %u is not in the flow table", p->route);
    if (!(p->rate_per_s > 0) || p->rate_per_s > 1e12)
        return error_set(err, "source: rate must be in (0, 1e12] per s, got %g", p->rate_per_s);
    if (p->arrivals != FLOW_ARRIVALS_POISSON && p->arrivals != FLOW_ARRIVALS_CONSTANT)
        return error_set(err, "source: unknown arrival process %d", (int)p->arrivals);
    if (p->send_delay_ns < 0 || p->warmup_ns < 0 || p->horizon_ns <= p->warmup_ns ||
        p->horizon_ns >= VS_TIME_LIMIT)
        return error_set(err, "source: need send delay >= 0 and 0 <= warmup < horizon");
    if (p->batches > FLOW_MAX_BATCHES)
        return error_set(err, "source: at most %d batches, got %u", FLOW_MAX_BATCHES, p->batches);
    return 0;
}

int64_t flow_source_add(vs_engine *eng, const char *name, uint32_t group,
                        const flow_source_params *p, vs_error *err)
{
    if (!p) return error_set(err, "source: no parameters");
    if (source_params_check(p, err)) return -1;
    return engine_add_lp(eng, &flow_source_kind, name, group, p, err);
}

const flow_source_stats *flow_source_stats_of(vs_engine *eng, uint32_t id)
{
    const source_state *s = engine_lp_state(eng, id);
    return s && s->tag == &flow_source_kind ? &s->st : NULL;
}

size_t flow_batch_sojourn_means(const flow_source_stats *s, double *out)
{
    size_t n = 0;
    for (uint32_t b = 0; b < s->batches; b++)
        if (s->batch[b].completed)
            out[n++] = s->batch[b].sojourn_ns / (double)s->batch[b].completed;
    return n;
}

size_t flow_batch_drop_fractions(const flow_source_stats *s, double *out)
{
    size_t n = 0;
    for (uint32_t b = 0; b < s->batches; b++)
        if (s->batch[b].created)
            out[n++] = (double)s->batch[b].dropped / (double)s->batch[b].created;
    return n;
}
