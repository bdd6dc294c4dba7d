/* One simulation run of one architecture: the engine model built from a resolved topology and a
 * parameter table (one station LP per component instance, per AZ where AWS is zonal; links by
 * class between hops; one client LP per workload), run for one replication seed, and what it
 * measured. Independent of the command line: sim/cli/cmd_run.c calls it per architecture x
 * replication. */
#ifndef VPCSIM_RUN_H
#define VPCSIM_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vpcsim/aws/client.h"
#include "vpcsim/aws/cost.h"
#include "vpcsim/engine.h"
#include "vpcsim/aws/params.h"
#include "vpcsim/aws/paths.h"
#include "vpcsim/aws/station.h"
#include "vpcsim/aws/topology.h"

enum {
    NETMODEL_NAME_MAX = 160,
    NETMODEL_MAX_CROSSINGS = 8 /* Region borders one way may cross */
};

#define NETMODEL_MANY_SERVERS                                                                      \
    (1u << 30) /* netmodel_component.servers of a station without a limit */

typedef struct netmodel_config {
    uint64_t seed;       /* the replication's seed: LP streams derive from (seed, LP name) */
    vs_time warmup_ns;   /* deleted from statistics (>= 0) */
    vs_time duration_ns; /* measured span after the warm-up (> 0); calls are created until
                            warmup + duration */
    vs_time drain_ns;    /* then the run goes on this long for calls in flight; 0: long enough
                            for every attempt and backoff of the slowest workload */
    int threads;         /* engine threads (>= 1); results are the same for any count */
    bool split_always;   /* engine_opts.split_always: split even where it cannot pay (tests) */
    uint32_t cross_az_through_hops; /* bit 1 << hop_kind: cross-AZ links into or out of such a
                                       hop count as CLIENT_BYTES_CROSS_AZ_THROUGH (0: none) */
    const char *queue;              /* event list, NULL: the default */
    /* Observation (NULL / 0: none); none of it changes the results. */
    const client_observer *observers; /* [t->nworkloads], one per workload in topology order
                                         (each with its own ctx: clients run on any thread) */
    vs_time series_bin_ns;            /* > 0: stations keep time series (netmodel_component.series)
                                         over [0, end of the run) */
    double span_rate;                 /* > 0: stations keep the per-hop spans of the requests
                                         the clients trace (netmodel_component.spans); the
                                         observers' trace hook chooses which */
    /* A replay file may lie outside the scenario's folder (infile_resolve); false: it may not. */
    bool allow_outside_files;
    /* NULL, or the ranks that run this one run together (engine_opts.ranks; threads 1): each
     * builds the same model and runs its partition's LPs, and rank 0's result is the whole
     * run's (the other ranks' results hold only what their LPs measured). Observers are each
     * rank's own: the caller gathers what they saw (clients run where their group runs). */
    const engine_ranks *ranks;
} netmodel_config;

/* A station of the model and what it measured over [warmup, warmup + duration). */
typedef struct netmodel_component {
    char name[NETMODEL_NAME_MAX]; /* its LP name: "nat-gateway/nat-a/use1-az1" */
    hop_kind kind;                /* what it is */
    int32_t index;                /* into the topology's array of that kind (see hop_kind) */
    int32_t az;                   /* AZ, or -1 */
    uint32_t servers;             /* flows served at full rate at once (or "many": 2^30) */
    double capacity_bps;          /* servers x per-flow rate, or 0 (no bandwidth) */
    station_stats st;             /* its statistics */
    station_bin *series;          /* [nbins] its time series (cfg.series_bin_ns), or NULL */
    uint32_t nbins;
    station_spans spans; /* its sampled spans (cfg.span_rate), in the order they ended */
} netmodel_component;

/* One way a workload's calls may go (client_call.alt indexes them): the stations on the way
 * there (the response comes back through the same ones). Under faults, every way of every state
 * of DNS answers and routes. */
typedef struct netmodel_alt {
    uint32_t stations[PATH_MAX_HOPS]; /* indexes into netmodel_result.components, in order */
    uint32_t nstations;
    /* The Region borders it crosses, in order from the client (topology.regions indexes):
     * requests go from -> to, responses to -> from. */
    struct {
        int32_t from, to;
    } crossings[NETMODEL_MAX_CROSSINGS];
    uint32_t ncrossings;
} netmodel_alt;

/* Whether c has no capacity limit (many servers, no bandwidth): utilisation means nothing. */
static inline bool netmodel_component_unlimited(const netmodel_component *c)
{
    return c->capacity_bps == 0 && c->servers >= NETMODEL_MANY_SERVERS;
}

/* A workload and what its client measured. */
typedef struct netmodel_workload {
    const char *name;   /* the workload's */
    bool active;        /* it has traffic (else it is for `check` only and did not run) */
    verdict verdict;    /* of its path (without faults): unreachable or denied calls fail at once */
    size_t nalts;       /* ways its calls went */
    netmodel_alt *alts; /* [nalts] those ways */
    client_stats st;    /* calls created in the window and what became of them */
    int rank;           /* the rank whose process ran its client (0 without ranks): its
                           observer saw the calls */
} netmodel_workload;

typedef struct netmodel_result {
    netmodel_workload *workloads; /* in topology order */
    size_t nworkloads;
    netmodel_component *components; /* in order of first use by the workloads */
    size_t ncomponents;
    double window_s;                  /* length of the measured span */
    uint64_t gb_bytes[COST_GB_COUNT]; /* bytes in the window billed per GB, by price item (cross-AZ
                                        bytes counted once per crossing) */
    /* [nregions x nregions]: bytes of completed exchanges in the window sent out of Region i
     * into Region j at [i x nregions + j] (topology.regions; the diagonal is 0). AWS bills each
     * at the sending Region's price to the receiving one; the sum is
     * gb_bytes[COST_GB_INTER_REGION]. NULL when nregions is 0. */
    uint64_t *region_bytes;
    size_t nregions;
    engine_stats engine; /* events, wall time */
    char *partitioning;  /* how the run was partitioned (lines of text), or NULL */
    vs_time end_ns;      /* when the run stopped */
} netmodel_result;

/* Builds the model of t for cfg, runs it and fills out (free with netmodel_result_free). Returns 0,
 * or -1 with err set (a parameter missing or out of range, a size beyond 4 GiB, an engine error)
 * and out empty. t and params are only read: runs may share them across threads. */
int netmodel_run(const topology *t, const param_table *params, const netmodel_config *cfg,
                 netmodel_result *out, vs_error *err);
void netmodel_result_free(netmodel_result *r); /* leaves it empty; an empty one is a no-op */
/* Builds the model of t for cfg without running it: whether the scenario can run (sizes, arrival
 * kinds, parameters). Returns 0, or -1 with err set (`file:line:col: message` where the fault is
 * in the scenario). */
int netmodel_check(const topology *t, const param_table *params, const netmodel_config *cfg,
                   vs_error *err);

/* The length of run the drain of cfg gives for t's workloads (the automatic drain when
 * cfg->drain_ns is 0). */
vs_time netmodel_drain_ns(const topology *t, const param_table *params, const netmodel_config *cfg);

#endif
