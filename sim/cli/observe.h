/* The call collector of one run (`vpcsim run -o`, and the progress line): one client_observer per
 * workload, each with its own buffers (clients run on any thread), that keeps a sample of request
 * records chosen by a hash of (workload name, call number) and bins every call into a time
 * series. Memory is bounded: at most `records_cap` records per run, one latency buffer per
 * workload, and the bins. */
#ifndef VPCSIM_RUN_OBS_H
#define VPCSIM_RUN_OBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vpcsim/aws/client.h"
#include "vpcsim/error.h"
#include "vpcsim/aws/topology.h"

/* One bin of a workload's time series: bin b covers [b x bin_ns, (b + 1) x bin_ns). */
typedef struct obs_bin {
    uint64_t offered;               /* measured calls created in the bin */
    uint64_t completed;             /* calls that succeeded in the bin (by end time) */
    uint64_t failed;                /* calls that failed for good in the bin (by end time) */
    int64_t p50_ns, p90_ns, p99_ns; /* latency of the bin's successes (nearest rank; -1: none) */
} obs_bin;

typedef struct obs_cfg {
    double records;     /* keep the calls whose hash is below this fraction, in [0, 1] */
    size_t records_cap; /* at most this many records per run (the fraction halves past it) */
    double spans;       /* trace the calls whose hash is below this fraction, in [0, 1] (the
                           same hash as records: at spans <= records, traced calls have records) */
    int64_t bin_ns;     /* > 0: a time series of bins of this length; 0: none */
    int64_t end_ns;     /* the run's end: the bins cover [0, end) */
    bool progress_only; /* keep nothing: only the simulated time for the progress line */
} obs_cfg;

typedef struct observation observation;

/* A collector for the workloads of t. Returns it, or NULL with err set (out of memory). */
observation *observe_new(const topology *t, const obs_cfg *cfg, vs_error *err);
void observe_free(observation *o); /* NULL is a no-op */
/* The observers to give the run (netmodel_config.observers): one per workload of t, in order. */
const client_observer *observe_observers(const observation *o);
/* The latest end time of a call any client told it of (any thread may ask while it runs). */
int64_t observe_now(const observation *o);
/* After the run: closes the last bins, applies the cap, sorts records by call number. Returns 0,
 * or -1 with err set if memory ran out while it collected. */
int observe_finish(observation *o, vs_error *err);
/* A run across ranks, before observe_finish, on every rank (a collective): rank 0 takes what the
 * other ranks' observers saw of the workloads whose clients they ran (owner[w]: that rank), so
 * that its observation is one process's. Returns 0, or -1 with err set (rank 0: out of memory,
 * or a rank's bytes do not fit). */
int observe_gather(observation *o, const engine_ranks *ranks, const int *owner, vs_error *err);
/* After observe_finish: the fraction of calls the records hold (the cap may have halved it). */
double observe_fraction(const observation *o);
/* Workload w's records, in call order (*n of them), and its bins (*nbins). */
const client_call *observe_records(const observation *o, size_t w, size_t *n);
const obs_bin *observe_bins(const observation *o, size_t w, uint32_t *nbins);

/* A message a traced call sent: the stations' spans of flow_req id `req` from time t on (until
 * the next message with that id) are this call's. */
typedef struct obs_msg {
    uint32_t req;     /* the flow_req id (the client's slot) */
    uint32_t attempt; /* 1 for the first */
    uint64_t call;    /* the call's number in its workload */
    int64_t t_ns;     /* when it was sent */
    bool handshake;   /* a handshake round trip, not the request */
} obs_msg;

/* After observe_finish: the message of workload w that a span of flow_req id req arriving at
 * arrive_ns belongs to (the latest sent with that id at or before it), or NULL. */
const obs_msg *observe_msg_of(const observation *o, size_t w, uint32_t req, int64_t arrive_ns);

/* The hash of a call in [0, 1): a call is kept when it is below the fraction. The same call of
 * the same workload (by name) draws the same value in every architecture. */
double observe_hash(const char *workload, uint64_t call);
/* The nearest-rank quantile q in (0, 1) of sorted[0 .. n) (ascending): the ceil(q n)-th smallest,
 * ranked as hist_quantile ranks; -1 when n is 0. */
int64_t observe_quantile(const int64_t *sorted, size_t n, double q);

#endif
