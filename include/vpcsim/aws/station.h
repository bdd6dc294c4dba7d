/* The generic queueing station every hop is built from: FIFO with c servers or processor sharing,
 * service from a distribution and/or request bytes over a bandwidth, a pure added delay after
 * service, a finite waiting room (drops), and time-integral statistics over a window. */
#ifndef VPCSIM_STATION_H
#define VPCSIM_STATION_H

#include <stdbool.h>
#include <stdint.h>

#include "vpcsim/dist.h"
#include "vpcsim/engine.h"
#include "vpcsim/aws/flow.h"

typedef enum station_discipline {
    STATION_FIFO, /* c servers, one queue served in arrival order */
    STATION_PS    /* processor sharing: each of n jobs present is served at rate min(1, c/n) */
} station_discipline;

/* A fault window of a station, from the scenario's `faults:`. */
typedef enum station_fault_kind {
    STATION_DOWN,  /* requests that arrive are lost (no answer: the client times out), and so are
                      the jobs in the station when the window opens */
    STATION_SLOW,  /* a sample of `extra` is added to the delay of each request served */
    STATION_ERRORS /* each request served is answered FLOW_EV_ERROR with probability error_rate
                      (after drop_notice_ns) instead of going on */
} station_fault_kind;

/* A window is judged at the time of each event: an arrival (DOWN) or the end of a service (SLOW,
 * ERRORS) inside [from, until). Overlapping SLOW windows each add a sample; overlapping ERRORS
 * windows each draw. Draws are made only while a window is open: without faults a station draws
 * exactly what it drew before faults existed. */
typedef struct station_fault {
    station_fault_kind kind;
    vs_time from_ns, until_ns; /* [from, until), run time (warm-up included); INT64_MAX: never
                                  recovers */
    const dist *extra;         /* STATION_SLOW */
    double error_rate;         /* STATION_ERRORS, in [0, 1] */
} station_fault;

/* Per-bin figures of a station's time series: bin b covers [b x bin, (b + 1) x bin). */
typedef struct station_bin {
    double busy_ns;       /* integral over the bin of busy servers, min(n, c) (utilisation =
                             busy_ns / (c x bin)) */
    double in_station_ns; /* integral over the bin of jobs in the station (mean = / bin) */
    uint64_t arrivals, completions, drops, lost, errors; /* events in the bin */
} station_bin;

/* The passage of one sampled request through a station. */
typedef struct station_span {
    uint32_t origin, id; /* the request (flow_req) */
    uint16_t route, hop; /* its route and the hop this station is on it */
    vs_time arrive_ns;   /* arrival */
    vs_time start_ns;    /* start of service (FIFO; PS: = arrive_ns) */
    vs_time depart_ns;   /* end of service (before the added delay) */
} station_span;

/* A growable list of spans the station appends to (realloc; the caller frees v). */
typedef struct station_spans {
    station_span *v;
    size_t n, cap;
} station_spans;

/* A station's configuration: read-only, shared by any number of stations, outlives the run.
 * A job's service (its work, in ns at full rate) = a sample of `service` (if set) + bytes * 8 /
 * bandwidth_bps s (if bandwidth_bps > 0); at least one must be set. After service the request
 * travels on after a sample of `delay` (an infinite-server latency; it is not "in" the station);
 * across groups that delay must be >= the lookahead, so give `delay` a min. A FIFO station of
 * 2^30 servers ("many") without fault windows never queues: it draws the service, the delay and
 * the next link on arrival and sends the request on at once (one event per request, the same
 * statistics). */
typedef struct station_params {
    const flow_table *flows;       /* routes of the requests it serves */
    station_discipline discipline; /* FIFO or PS */
    uint32_t servers;              /* c >= 1 */
    const dist *service;           /* service time, or NULL */
    double bandwidth_bps;          /* > 0: adds bytes * 8 / bandwidth; 0: none */
    const dist *delay;             /* added latency after service, or NULL for none */
    int64_t queue_capacity;        /* jobs allowed beyond the c in service; -1 = unlimited */
    vs_time drop_notice_ns;        /* delay of FLOW_EV_DROP to the origin (>= lookahead) */
    vs_time stats_from_ns;         /* statistics cover [from, until) ... */
    vs_time stats_until_ns;        /* ... (0 = the end of the run) */
    /* Admission limits, checked on arrival before the queue (NULL / 0: none). Tables are indexed
     * by route (flows->count entries), STATION_NO_KEY where a route has no key. */
    const uint32_t *route_bucket; /* token bucket a route's requests take from here: a bucket of
                                     rate r per s holds at most r tokens (one second's worth) and
                                     an arrival finding less than one token is sent back at once
                                     (FLOW_EV_THROTTLE, after drop_notice_ns) */
    const double *bucket_rate;    /* [nbuckets] tokens per second (> 0) */
    const double *route_tokens;   /* tokens one request of a route takes (> 0; NULL: 1): a
                                     DynamoDB read of 8 KB takes 2 read units */
    uint32_t nbuckets;
    const uint32_t *route_conn; /* destination whose connection a route's message holds while
                                   it is beyond this station: taken on the way out (hops before
                                   the route's turn), given back on the way back */
    uint32_t nconns;            /* destinations */
    int64_t conn_limit;         /* connections per destination at once (> 0); one more is
                                   refused at once (FLOW_EV_NO_PORT) */
    /* Faults (NULL / 0: none): windows sorted by from_ns; they may overlap. */
    const station_fault *faults;
    uint32_t nfaults;
    /* Observation (each station its own buffers; NULL / 0: none). */
    vs_time series_bin_ns; /* > 0: fill series[0 .. nbins) */
    station_bin *series;   /* zeroed by the caller; bins past nbins are not counted */
    uint32_t nbins;
    double span_rate; /* > 0: keep in spans the spans of the requests their origin traced
                         (flow_req.traced); nothing is drawn from the station's stream
                         (results do not change with it) */
    station_spans *spans;
    /* A packet-rate limit (0: none): a job of b bytes is also ceil(b / packet_bytes) packets (at
     * least 1) at packets_per_s, and its work is the larger of that and its bandwidth time (the
     * bandwidth stations of AWS: NAT 10 Mpps, VPN tunnel 140 kpps, TGW attachment). */
    double packets_per_s;
    uint32_t packet_bytes;
    /* Automatic scale-up (PS stations; start_fraction 1 or more, or 0 with the zeroed params that
     * callers start from: none). The station starts at start_fraction of its capacity (bandwidth
     * and packet rate alike) and doubles it, up to the full capacity, at the end of each period
     * of scale_period_ns in which it was busy at least 80% of the time. */
    double start_fraction;
    vs_time scale_period_ns;
} station_params;

#define STATION_NO_KEY UINT32_MAX

/* A station's statistics over its window, filled when the run finishes. "In station" counts
 * waiting and in-service jobs (not those in the added delay); "waiting" counts the jobs beyond
 * the c in service (for PS: max(0, n - c)). */
typedef struct station_stats {
    uint64_t arrivals;      /* requests that arrived in the window, dropped and lost included */
    uint64_t completions;   /* services completed in the window (errors included) */
    uint64_t drops;         /* arrivals refused in the window: the waiting room was full */
    uint64_t bytes;         /* request bytes of those completions */
    uint64_t waits;         /* FIFO: requests that arrived in the window and began service */
    double wait_sum_ns;     /* FIFO: their total time from arrival to start of service */
    uint32_t peak;          /* most jobs in the station at once (whole run) */
    double window_ns;       /* length of the window the averages cover */
    double utilisation;     /* time average of busy servers / c (busy = min(n, c)) */
    double mean_waiting;    /* time average of jobs waiting */
    double mean_in_station; /* time average of jobs in the station */
    bool out_of_memory;     /* a job array, limit or fault table or the span list could not
                               grow: the run was stopped (engine_run failed, lp_fail) */
    uint64_t throttles;     /* arrivals in the window sent back by a token bucket */
    uint64_t port_refusals; /* arrivals in the window refused a connection (limit reached) */
    uint32_t conn_peak;     /* most connections held to one destination at once (whole run) */
    uint64_t lost;          /* requests lost in the window because the station was down (on
                               arrival, or present when a DOWN window opened) */
    uint64_t errors;        /* requests answered with an error in the window (a fault) */
} station_stats;

extern const lp_kind station_kind;

/* Checks params. Returns 0, or -1 with err saying what is wrong. */
int station_params_check(const station_params *params, vs_error *err);
/* Adds a station LP after station_params_check. Returns its LP id, or -1 with err set. */
int64_t station_add(vs_engine *eng, const char *name, uint32_t group, const station_params *params,
                    vs_error *err);
/* The statistics of station LP id after engine_run, or NULL if id is not a station that ran. */
const station_stats *station_stats_of(vs_engine *eng, uint32_t id);
/* Mean time from arrival to start of service of the window's FIFO jobs (ns); NaN if none. */
double station_mean_wait_ns(const station_stats *s);

#endif
