/* Request plumbing: a request travels a route (a read-only list of station LP ids) inside a
 * 16-byte event payload, and returns to its origin LP after the last hop or when a hop drops it.
 * Also a simple open-loop source LP kind (Poisson or constant arrivals) for tests and benchmarks.
 */
#ifndef VPCSIM_FLOW_H
#define VPCSIM_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vpcsim/dist.h"
#include "vpcsim/engine.h"
#include "vpcsim/hist.h"

/* Event types of the plumbing (vs_event.type); payload = a packed flow_req. Kinds' private event
 * types start at FLOW_EV_PRIVATE so that a stray event is recognisable. */
enum flow_event {
    FLOW_EV_ARRIVE = 1,   /* to a station: the request reaches hop `hop` of its route */
    FLOW_EV_DONE = 2,     /* to the origin: the request finished its last hop */
    FLOW_EV_DROP = 3,     /* to the origin: hop `hop` refused the request (waiting room full) */
    FLOW_EV_THROTTLE = 4, /* to the origin: hop `hop` said slow down (a rate limit) */
    FLOW_EV_NO_PORT = 5,  /* to the origin: hop `hop` had no connection left (port allocation) */
    FLOW_EV_ERROR = 6,    /* to the origin: hop `hop` answered with an error (a fault's error
                             rate: a 5xx the SDKs retry) */
    FLOW_EV_PRIVATE = 16
};

enum { FLOW_LINK_PARTS = 4 }; /* distributions summed on one link */

/* The way between two consecutive hops of a route (or between the origin and a hop): a constant
 * plus the sum of up to FLOW_LINK_PARTS samples, never less than floor_ns. A link between LPs of
 * different groups needs floor_ns >= their lookahead. */
typedef struct flow_link {
    const dist *parts[FLOW_LINK_PARTS]; /* summed samples; a NULL ends the list */
    vs_time const_ns;                   /* a constant part (e.g. fibre length x per-km delay) */
    vs_time floor_ns;                   /* the least delay of the link (>= 0) */
} flow_link;

/* A route: the stations a request visits, in order. Routes with links add each link's delay to
 * the sends of flow_start and flow_forward; routes with a turn carry resp_bytes from that hop on
 * (the way back of a request-response exchange). */
typedef struct flow_route {
    const uint32_t *hops;   /* station LP ids; read-only, outlives the run */
    uint16_t len;           /* hops (>= 1) */
    const flow_link *links; /* len + 1 links: [0] origin -> hops[0], [h] hops[h-1] -> hops[h],
                               [len] hops[len-1] -> origin; NULL: no link delays */
    uint16_t turn;          /* first hop that carries resp_bytes (0: bytes never change) */
    uint32_t resp_bytes;    /* the response's size, from hop `turn` on */
} flow_route;

/* Every route of one simulation, shared read-only by all stations and origins. */
typedef struct flow_table {
    const flow_route *routes; /* indexed by flow_req.route */
    uint16_t count;           /* routes */
} flow_table;

/* A request in flight. Packed into vs_payload as u32[0] = id, u32[1] = origin, u32[2] = bytes,
 * u32[3] = route | hop << 16 | traced << 31 (so routes have at most FLOW_MAX_HOPS hops). */
#define FLOW_MAX_HOPS 0x7fff
typedef struct flow_req {
    uint32_t id;     /* unique per origin (wraps after 2^32) */
    uint32_t origin; /* LP id told of completion or drop */
    uint32_t bytes;  /* request size (bandwidth-bound stations use it) */
    uint16_t route;  /* index into the flow_table */
    uint16_t hop;    /* index of the current hop in the route */
    bool traced;     /* its origin chose it for per-hop spans (stations with spans record it) */
} flow_req;

static inline vs_payload flow_pack(flow_req r)
{
    vs_payload p;
    p.u32[0] = r.id;
    p.u32[1] = r.origin;
    p.u32[2] = r.bytes;
    p.u32[3] = (uint32_t)r.route | (uint32_t)r.hop << 16 | (uint32_t)r.traced << 31;
    return p;
}

static inline flow_req flow_unpack(vs_payload p)
{
    flow_req r = {p.u32[0],
                  p.u32[1],
                  p.u32[2],
                  (uint16_t)(p.u32[3] & 0xffffu),
                  (uint16_t)(p.u32[3] >> 16 & FLOW_MAX_HOPS),
                  (p.u32[3] >> 31) != 0};
    return r;
}

/* Checks that every route has at least one hop and only LP ids below nlps. Returns 0, or -1 with
 * err naming the route and hop. */
int flow_table_check(const flow_table *t, uint32_t nlps, vs_error *err);

/* Inside handlers. Sends r (hop set to 0) to the first station of its route, `delay` ns from now
 * (plus the delay of links[0] if the route has links). */
void flow_start(vs_lp *self, const flow_table *t, flow_req r, vs_time delay);
/* Sends r on from its current hop: to the next station, or FLOW_EV_DONE to its origin after the
 * last hop, `delay` ns from now (plus the delay of the link it takes if the route has links;
 * from hop `turn` on, r.bytes becomes the route's resp_bytes). */
void flow_forward(vs_lp *self, const flow_table *t, flow_req r, vs_time delay);
/* One sample of a link's delay in ns: const_ns + the parts' samples, at least floor_ns. */
vs_time flow_link_sample(const flow_link *l, rng_stream *r);
/* The least delay a link can give (its constant plus the parts' lower bounds, at least
 * floor_ns): what the lookahead between its ends may be. */
vs_time flow_link_min(const flow_link *l);
/* The least value a distribution can give in ns (dist_min_ns: its shift plus its family's lower
 * bound, a constant's value, a uniform's low, a mixture's least part, an empirical's first point;
 * or its truncation `min` if higher). */
vs_time flow_dist_min_ns(const dist *d);

/* ---- open-loop source ------------------------------------------------------------------------ */

typedef enum flow_arrivals {
    FLOW_ARRIVALS_POISSON, /* exponential gaps */
    FLOW_ARRIVALS_CONSTANT /* gaps of exactly 1/rate (the first at 1/rate) */
} flow_arrivals;

enum { FLOW_MAX_BATCHES = 256 };

typedef struct flow_source_params {
    const flow_table *flows; /* routes (shared, read-only) */
    uint16_t route;          /* the route every request takes */
    flow_arrivals arrivals;  /* arrival process */
    double rate_per_s;       /* mean arrival rate (> 0) */
    uint32_t bytes;          /* size of every request */
    vs_time send_delay_ns;   /* creation to arrival at the first hop (>= lookahead across groups) */
    vs_time warmup_ns;       /* requests created before this are not measured */
    vs_time horizon_ns;      /* no request is created at or after this (> warmup_ns) */
    uint32_t batches;        /* equal time batches over [warmup, horizon) (<= FLOW_MAX_BATCHES) */
} flow_source_params;

/* One batch: the measured requests created in its time slice. */
typedef struct flow_batch {
    uint64_t created;   /* requests created */
    uint64_t completed; /* of those, back at the origin */
    uint64_t dropped;   /* of those, refused on the way */
    double sojourn_ns;  /* sum of the completed ones' sojourn times */
} flow_batch;

/* What a source measured; read after engine_run through flow_source_stats_of. */
typedef struct flow_source_stats {
    uint64_t created;   /* all requests created, warm-up included */
    uint64_t measured;  /* created in [warmup, horizon) */
    uint64_t completed; /* measured and back at the origin */
    uint64_t dropped;   /* measured and refused on the way (dropped, throttled, no port, or
                           answered with an error) */
    uint64_t in_flight; /* created (any) and neither back nor dropped when the run ended */
    bool out_of_memory; /* the in-flight table could not grow: the run was stopped */
    uint32_t batches;   /* batches in use */
    flow_batch batch[FLOW_MAX_BATCHES];
    hist sojourn; /* sojourn (creation to return, ns) of the measured completed requests */
} flow_source_stats;

extern const lp_kind flow_source_kind;

/* Adds a source LP. params must outlive the run. Returns its LP id, or -1 with err set (bad
 * parameters, or the engine's error). */
int64_t flow_source_add(vs_engine *eng, const char *name, uint32_t group,
                        const flow_source_params *params, vs_error *err);
/* The statistics of source LP id after engine_run, or NULL if id is not a source that ran. */
const flow_source_stats *flow_source_stats_of(vs_engine *eng, uint32_t id);
/* Batch means: writes the mean sojourn (ns) of each batch with completions into out (room for
 * s->batches) and returns how many. */
size_t flow_batch_sojourn_means(const flow_source_stats *s, double *out);
/* Writes each batch's dropped / created (batches with requests) into out; returns how many. */
size_t flow_batch_drop_fractions(const flow_source_stats *s, double *out);

#endif
