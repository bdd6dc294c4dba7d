/* The client LP kind: one per workload. It makes calls (open loop: Poisson, constant, on/off
 * bursts, a rate schedule; closed loop: N clients with think time), sends each attempt along a
 * route chosen by weight (after TCP and TLS handshake round trips when connections are not
 * reused), times attempts out, retries as the AWS SDKs' standard mode does (backoff with jitter,
 * a retry token bucket) and counts what happened to the calls created in its window. */
#ifndef VPCSIM_CLIENT_H
#define VPCSIM_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "vpcsim/engine.h"
#include "vpcsim/aws/flow.h"
#include "vpcsim/hist.h"
#include "vpcsim/aws/topology.h"

/* Why a call failed (after its last attempt). */
typedef enum client_cause {
    CLIENT_FAIL_TIMEOUT,         /* no response within the timeout */
    CLIENT_FAIL_DROPPED,         /* a hop refused it (full queue) */
    CLIENT_FAIL_DENIED,          /* security group or endpoint policy */
    CLIENT_FAIL_UNREACHABLE,     /* no path (an AWS routing or DNS rule) */
    CLIENT_FAIL_THROTTLED,       /* the service said slow down */
    CLIENT_FAIL_PORT_ALLOCATION, /* a NAT gateway had no port left for the destination */
    CLIENT_FAIL_ERROR,           /* a faulty component answered with an error (5xx) */
    CLIENT_FAIL_COUNT
} client_cause;

const char *client_cause_name(client_cause c); /* "timeout", "dropped", ... */

/* Billed link classes whose bytes a client counts (stations count their own). */
typedef enum client_bytes {
    CLIENT_BYTES_CROSS_AZ,         /* bytes that crossed between AZs, either way */
    CLIENT_BYTES_INTER_REGION,     /* bytes that crossed between Regions, either way */
    CLIENT_BYTES_INTERNET_OUT,     /* bytes that left AWS for the internet (or a VPN) */
    CLIENT_BYTES_DX_OUT,           /* bytes that left AWS over Direct Connect */
    CLIENT_BYTES_CROSS_AZ_THROUGH, /* bytes that crossed between AZs into or out of a hop of
                                      netmodel_config.cross_az_through_hops (PrivateLink, TGW) */
    CLIENT_BYTES_COUNT
} client_bytes;

/* One way a call can go (a DNS answer): its routes and its share. */
typedef struct client_alt {
    double cum_weight;                     /* taken when a uniform draw is below this */
    uint16_t route;                        /* the request and its response */
    uint16_t hs_route;                     /* one handshake round trip (new connections) */
    uint64_t bytes[CLIENT_BYTES_COUNT];    /* billed bytes of one completed exchange */
    uint64_t hs_bytes[CLIENT_BYTES_COUNT]; /* ... of one handshake round trip */
} client_alt;

/* One step of a rate schedule: from at_ns on, Poisson arrivals at rate_per_s (0: none). */
typedef struct client_step {
    vs_time at_ns;
    double rate_per_s;
} client_step;

/* What a client measured: calls created in [warmup, horizon) and what became of them. */
typedef struct client_stats {
    uint64_t offered;                   /* calls created */
    uint64_t succeeded;                 /* answered within the timeout, at some attempt */
    uint64_t failed[CLIENT_FAIL_COUNT]; /* failed after their last attempt, by cause */
    uint64_t unfinished;                /* neither when the run ended */
    uint64_t attempts;                  /* attempts made for them */
    uint64_t retries;                   /* attempts beyond the first */
    uint64_t quota_refusals;            /* retries the token bucket refused */
    uint64_t late;                      /* responses that came after their attempt timed out */
    uint64_t handshakes;                /* handshake round trips completed */
    uint64_t bytes[CLIENT_BYTES_COUNT]; /* billed bytes of their completed exchanges */
    bool out_of_memory;                 /* a call or slot table could not grow: run stopped */
    hist latency;                       /* call latency (creation to success), ns */
} client_stats;

/* What became of one measured call, told to an observer when the call is over. */
enum { CLIENT_CALL_OK = -1, CLIENT_CALL_UNFINISHED = -2 };

/* The highest arrival rate a client takes (per s): the scenario loader refuses more, at the
 * key's position, so that check and run reject the same files. */
#define CLIENT_RATE_MAX_PER_S 1e12
typedef struct client_call {
    uint64_t call;            /* its number in its client, from 0 in creation order (warm-up
                                 calls included) */
    vs_time start_ns, end_ns; /* creation; success, final failure, or the end of the run */
    int32_t cause;            /* CLIENT_CALL_OK, a client_cause, or CLIENT_CALL_UNFINISHED */
    uint32_t attempts;        /* attempts made */
    uint16_t alt;             /* the way of its last attempt (index into client_params.alts;
                                 0 when it made none) */
    uint64_t bytes_up;        /* request bytes sent over all attempts (handshakes excluded) */
    uint64_t bytes_down;      /* response bytes received (0 unless it succeeded) */
} client_call;

/* Told of every call created in [warmup, horizon) once it is over, and at the end of the run of
 * those still open (CLIENT_CALL_UNFINISHED). Called on the client's thread: give each client its
 * own ctx. */
typedef struct client_observer {
    void (*call)(void *ctx, uint32_t workload, const client_call *c);
    void *ctx;
    uint32_t workload; /* passed back as is */
    /* Optional (NULL: nothing traced): asked for each message a measured call sends (req = the
     * flow_req id it goes with, handshake or request) whether stations should record its
     * per-hop spans (flow_req.traced). */
    bool (*trace)(void *ctx, uint32_t workload, uint64_t call, uint32_t attempt, uint32_t req,
                  bool handshake, vs_time t);
} client_observer;

/* One set of ways in force (one DNS answer and routing state): alts[first .. first + n), their
 * cum_weight increasing to 1; n = 0: no path (calls fail at once with no_path). */
typedef struct client_ways {
    uint32_t first, n;
    client_cause no_path; /* CLIENT_FAIL_DENIED or CLIENT_FAIL_UNREACHABLE */
} client_ways;

/* A client's configuration: read-only during the run, outlives it. */
typedef struct client_params {
    const flow_table *flows;  /* the routes of alts */
    const client_alt *alts;   /* ways to go, cum_weight increasing to 1 */
    uint32_t nalts;           /* 0: no path, every call fails at once with no_path */
    client_cause no_path;     /* CLIENT_FAIL_DENIED or CLIENT_FAIL_UNREACHABLE */
    arrival_kind arrival;     /* poisson, constant, onoff, schedule or closed */
    double rate_per_s;        /* open loop rate (onoff: while on) */
    vs_time on_ns, off_ns;    /* onoff: mean burst and pause (exponential) */
    const client_step *steps; /* schedule: steps, the first at 0 */
    uint32_t nsteps;
    uint32_t clients;          /* closed loop: clients */
    vs_time think_ns;          /* closed loop: mean think time (exponential; 0: none) */
    uint32_t request_bytes;    /* request size */
    uint32_t handshakes;       /* round trips before each attempt (0: reused connections) */
    uint32_t hs_request_bytes; /* size of a handshake message from the client */
    vs_time timeout_ns;        /* per attempt (> 0) */
    bool retry;                /* SDK standard retry mode; else none */
    uint32_t max_attempts;     /* attempts in all (>= 1) */
    vs_time retry_base_ns;     /* backoff: U(0,1) x min(base x 2^(n-1), cap) */
    vs_time retry_cap_ns;
    int64_t retry_quota;        /* token bucket size */
    int64_t retry_cost;         /* tokens a retry takes */
    int64_t timeout_retry_cost; /* ... after a timeout */
    vs_time warmup_ns;          /* calls created before this are not measured */
    vs_time horizon_ns;         /* no call is created at or after this (> warmup_ns) */
    rng_stream *arrivals;       /* its own stream for arrivals and think times only, so that a
                                   workload sees the same calls in every architecture (routes and
                                   backoff jitter come from the LP's stream) */
    client_stats *out;          /* where it counts (the caller zeroes it and hist_inits latency) */
    vs_time retry_throttle_base_ns;  /* backoff base after a throttled attempt (0: retry_base) */
    const client_observer *observer; /* told of each measured call, or NULL */
    const vs_time *replay;           /* replay: call creation times, non-decreasing, >= 0 */
    uint64_t nreplay;
    /* Faults (NULL / 0: alts, nalts and no_path hold for the whole run). DNS answers changed at
     * dns_at[0 .. ndns) and routes at route_at[0 .. nroute) (detection delays included; both
     * increasing); then alts holds the ways of every state and an attempt at t takes its way
     * from ways[d x (nroute + 1) + q]: q route changes are at or before t, and d DNS changes are
     * at or before t - U x dns_ttl_ns (U uniform on [0, 1), drawn from the LP's stream when a
     * change is less than a TTL old: the client's cached answer expired at a uniform time). */
    const client_ways *ways; /* [(ndns + 1) x (nroute + 1)] */
    const vs_time *dns_at;
    uint32_t ndns;
    vs_time dns_ttl_ns;
    const vs_time *route_at;
    uint32_t nroute;
    /* Where it counts, per way (NULL: nowhere): measured exchanges completed over alts[a] at
     * [2a] and handshake round trips at [2a + 1], each counted when alts[a].bytes (hs_bytes)
     * are, so that bytes can be split by what differs between ways (the Regions they cross). */
    uint64_t *alt_exchanges;
} client_params;

extern const lp_kind client_kind;

/* Checks params. Returns 0, or -1 with err saying what is wrong. */
int client_params_check(const client_params *p, vs_error *err);
/* Adds a client LP after client_params_check. Returns its LP id, or -1 with err set. */
int64_t client_add(vs_engine *eng, const char *name, uint32_t group, const client_params *p,
                   vs_error *err);

#endif
