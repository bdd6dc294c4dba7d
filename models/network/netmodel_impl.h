/* Private tier of the network model (include/vpcsim/aws/netmodel.h): the model under
 * construction and the functions its files share. One file per section: netmodel.c (allocation,
 * build, run, results), netmodel_stations.c, netmodel_routes.c, netmodel_clients.c (arrivals,
 * schedules, replayed times, retries), netmodel_limits.c (S3 prefixes, NAT ports) and
 * netmodel_faults.c (what scheduled faults do). Not part of the public API. */
#ifndef VPCSIM_NETMODEL_IMPL_H
#define VPCSIM_NETMODEL_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vpcsim/aws/netmodel.h"
#include "vpcsim/dist.h"
#include "vpcsim/rng.h"

enum {
    MANY_SERVERS = NETMODEL_MANY_SERVERS, /* "no limit": station.c's largest c */
    HS_REQUEST_BYTES = 256,               /* A: a TCP or TLS handshake message from the client */
    HS_RESPONSE_BYTES = 4096 /* A: the server's reply (a TLS certificate chain is a few KiB) */
};

/* ---- faults (netmodel_faults.c) -------------------------------------------------------------- */

/* The times the faults of one topology change what paths_resolve sees. State (d, q): d DNS
 * changes and q route changes have taken effect. */
typedef struct netmodel_fault_plan {
    const topology *t;
    vs_time *dns_at; /* [ndns] increasing: an ENI goes down or comes back */
    uint32_t ndns;
    vs_time *route_at; /* [nroute] increasing: a DX or VPN change takes effect (detection) */
    uint32_t nroute;
    vs_time *detect; /* [nfaults] detection delay of each DX or VPN fault, else 0 */
} netmodel_fault_plan;

enum { NETMODEL_FAULTS_MAX_STATES = 1024 }; /* (ndns + 1) x (nroute + 1) at most */

/* Makes the plan of t (detection delays from params: the kind table's `detect` parameter of the
 * site's DX or VPN). Returns 0, or -1 with err set (a missing parameter, too many states) and p
 * empty. */
int netmodel_faults_plan_make(const topology *t, const param_table *params, netmodel_fault_plan *p,
                              vs_error *err);
void netmodel_faults_plan_free(netmodel_fault_plan *p); /* leaves it empty */
static inline size_t netmodel_faults_states(const netmodel_fault_plan *p)
{
    return (size_t)(p->ndns + 1) * (p->nroute + 1);
}

/* The faults in force in state s (in [0, netmodel_faults_states)), for paths_resolve: ENIs (DNS)
 * and DX/VPN (routing) only, since NAT gateways, Transit Gateways, load balancers and services
 * have no failover (their losses are station windows). view must outlive the use of *out. */
typedef struct netmodel_fault_view {
    const netmodel_fault_plan *plan;
    vs_time dns_t, route_t; /* the state's instants */
} netmodel_fault_view;
void netmodel_faults_state_view(const netmodel_fault_plan *p, size_t s, netmodel_fault_view *view,
                                path_faults *out);

/* Whether fault f hits the station of component (kind, index) in az (-1: not zonal). */
bool netmodel_faults_applies(const topology *t, const topo_fault *f, hop_kind kind, int32_t index,
                             int32_t az);

/* The windows of the station of (kind, index, az, in region: -1 outside every Region) into out
 * (room for t->nfaults), sorted by start; a service's front end (handshakes) gets only the DOWN
 * ones. Latency faults' `add` is read into dists (extra[f] caches it per fault; NULL entries are
 * read). Returns the number of windows, or -1 with err set. */
int netmodel_faults_windows(const topology *t, hop_kind kind, int32_t index, int32_t az,
                            int32_t region, bool front_end, dist_set *dists, const dist **extra,
                            station_fault *out, vs_error *err);

/* ---- Region failures and failover records (netmodel_region.c) ---------------------------------
 */

/* How long after its primary fails (failing) or recovers a record's health check changes status:
 * (failure_threshold - 1 + 0.82) x interval + 4 s, or (failure_threshold - 1 + 0.18) x interval. */
vs_time netmodel_region_detect_ns(const topo_failover_record *r, bool failing);
/* The times records' answers change under t's faults into v (NULL: count only); returns them. */
size_t netmodel_region_times(const topology *t, vs_time *v);
/* Whether record r answers its secondary at time at. */
bool netmodel_region_primary_down(const topology *t, const topo_failover_record *r, vs_time at);
/* Workload wi as calls see it once DNS changes up to dns_t are in: itself, or (a record that
 * answers its secondary) *scratch with the secondary as target. */
const topo_workload *netmodel_region_workload(const topology *t, size_t wi, vs_time dns_t,
                                              topo_workload *scratch);
/* paths_resolve of workload wi seen as w (from netmodel_region_workload). Returns 0 or -1. */
int netmodel_region_resolve(const topology *t, size_t wi, const topo_workload *w,
                            const path_faults *pf, path_result *pr, vs_error *err);

/* ---- a run across ranks (netmodel_ranks.c) ------------------------------------------------- */

typedef struct netmodel netmodel;
/* After a run across ranks (cfg->ranks, size > 1), on every rank: rank 0 takes the measurements
 * of the LPs the other ranks ran (into m->stations[].component and the clients' statistics and
 * exchange counts), so that collecting on rank 0 gives the result of one process. Returns 0, or
 * -1 with err set (rank 0: a rank ran out of memory packing, or the bytes do not fit). */
int netmodel_ranks_gather(netmodel *m);
/* Whether every rank built its model (rc 0 here): a collective before the run, so that no rank
 * waits for one that stopped. Returns 0, or -1 (err set here if this rank had built it). */
int netmodel_ranks_agree(const netmodel_config *cfg, int rc, vs_error *err);

/* ---- the model ------------------------------------------------------------------------------- */

/* A station of the model, before and after it joins the engine. */
typedef struct netmodel_station {
    netmodel_component component; /* identity, then statistics */
    uint32_t group;               /* locality group */
    station_params config;        /* its configuration (drop_notice_ns set when routes are known) */
    bool notice_set;              /* config.drop_notice_ns holds a route's value */
    bool front_end;               /* a service's front end (handshakes) */
    double flow_bps;              /* > 0: the most one flow gets here (a VPN tunnel under ECMP) */
} netmodel_station;

/* A key of an admission limit: an S3 prefix and request class, a DynamoDB table or Kinesis
 * stream and its class, or a destination IP and port. */
typedef struct netmodel_key {
    const char *prefix; /* S3: the resource up to its last '/' (not terminated there); DynamoDB,
                           Kinesis: the resource */
    size_t len;         /* its length */
    uint32_t a, b;      /* S3: class (0 GET/HEAD, 1 PUT/COPY/POST/DELETE), 0; DynamoDB, Kinesis:
                           class (0 read, 1 write), 1 + service (+ SVC_COUNT for a hot key);
                           NAT: IP, port */
} netmodel_key;

/* What the model keeps per workload: its client's configuration and everything it points to. */
typedef struct netmodel_client {
    client_params params;       /* the client LP's configuration */
    client_alt *ways;           /* [ways_per_workload] its ways (routes, bytes, weights) */
    netmodel_alt *way_stations; /* [ways_per_workload] the stations of each way */
    uint64_t *exchanges;        /* [2 x ways_per_workload] client_params.alt_exchanges */
    client_ways *state_ways;    /* its ways in each fault state, or NULL */
    client_step *steps;         /* its schedule, or NULL */
    vs_time *replay;            /* its replayed call times, or NULL */
    rng_stream *arrivals;       /* its arrival stream */
    uint32_t group;             /* the locality group of its client */
    uint32_t lp;                /* its client's LP id (active workloads, once added) */
    path_result path;           /* its path without faults */
} netmodel_client;

/* What the model keeps per route (the flow table's routes, same index). */
typedef struct netmodel_route {
    uint32_t group;  /* its client's locality group */
    uint32_t bucket; /* its service's token bucket, or STATION_NO_KEY */
    double tokens;   /* what one request takes from it */
    uint32_t conn;   /* the NAT destination whose port it holds, or STATION_NO_KEY */
} netmodel_route;

struct netmodel {
    const topology *t;
    const param_table *params;
    const netmodel_config *cfg;
    vs_error *err;
    vs_time horizon_ns; /* calls are made until here: warm-up + duration */
    vs_time end_ns;     /* the run stops here: horizon + drain */
    dist_set *dists;    /* distributions made here */
    /* stations (netmodel_stations.c), LP id = index */
    netmodel_station *stations;
    size_t nstations, station_cap;
    /* routes (netmodel_routes.c): the flow table and the arrays its routes point into */
    flow_route *flow_routes;
    netmodel_route *route; /* [route_cap] */
    size_t nroutes, route_cap;
    uint32_t *route_hops; /* every route's hops, packed */
    size_t nroute_hops, route_hop_cap;
    flow_link *route_links; /* every route's links, packed */
    size_t nroute_links, route_link_cap;
    flow_table flows;
    /* workloads (netmodel_clients.c) */
    netmodel_client *workload;      /* [nworkloads] */
    client_alt *all_ways;           /* the clients' ways, ways_per_workload each */
    netmodel_alt *all_way_stations; /* their stations, likewise */
    uint64_t *all_exchanges;        /* their exchange counts, two each */
    size_t ways_per_workload;       /* fault states x PATH_MAX_ALTS */
    /* locality groups: AZs, Regions, sites, the internet */
    uint32_t ngroups;
    vs_time *lookahead; /* [ngroups x ngroups] least delay between groups, or 0 */
    /* admission limits (netmodel_limits.c) */
    uint32_t *route_bucket; /* [route_cap] route[].bucket, as stations read it */
    uint32_t *route_conn;   /* [route_cap] route[].conn, likewise */
    double *route_tokens;   /* [route_cap] route[].tokens, likewise */
    netmodel_key *buckets;  /* S3 (prefix, class), DynamoDB (table, class), Kinesis buckets */
    double *bucket_rate;    /* their rates */
    uint32_t nbuckets;
    netmodel_key *nat_dests; /* NAT destinations (IP, port) */
    uint32_t nnat_dests;
    /* faults (netmodel_faults.c) */
    netmodel_fault_plan fault_plan; /* when DNS answers and routes change */
    size_t nstates;                 /* states of them (1: none) */
    size_t extra_fault_ways;        /* ways of the states beyond those of the fault-free one */
    station_fault *fault_windows;   /* [nstations x nfaults] the stations' fault windows */
    const dist **fault_latency;     /* [nfaults] latency faults' added latency, read once */
    vs_engine *engine;
    netmodel_result *out;
};

/* The value of parameter (kind, instance, name), or NULL with err set (not in the registry: a
 * model bug). */
const param_value *netmodel_param(netmodel *m, const char *kind, const char *inst,
                                  const char *name);
const dist *netmodel_param_dist(netmodel *m, const char *kind, const char *inst, const char *name);
double netmodel_param_bitrate(netmodel *m, const char *kind, const char *inst,
                              const char *name); /* NaN if missing */

/* Locality groups: the AZs, then the Regions, the sites and the internet. */
static inline uint32_t netmodel_group_az(int32_t az)
{
    return (uint32_t)az;
}
static inline uint32_t netmodel_group_region(const netmodel *m, int32_t region)
{
    return (uint32_t)(m->t->nazs + (size_t)region);
}
static inline uint32_t netmodel_group_site(const netmodel *m, int32_t site)
{
    return (uint32_t)(m->t->nazs + m->t->nregions + (size_t)site);
}
static inline uint32_t netmodel_group_internet(const netmodel *m)
{
    return (uint32_t)(m->t->nazs + m->t->nregions + m->t->nsites);
}

/* netmodel_stations.c: the station serving hop i of alternative a of workload w (found, or
 * made from its kind's parameters), and the front end of station i (a service's TCP and TLS
 * endpoint, which answers handshakes at once). Return its index, or -1 with err set. */
int64_t netmodel_stations_for(netmodel *m, const topo_workload *w, const path_alt *a, size_t i);
int64_t netmodel_stations_front_end(netmodel *m, uint32_t i);

/* netmodel_routes.c: the routes, billed bytes and timing of way pa of workload wi into *ca (all
 * but its weight) and its stations into *ra; every alternative of workload wi's fault-free path;
 * the lookaheads that drop notices need once every route is made. Return 0 or -1. */
int netmodel_routes_make_alt(netmodel *m, size_t wi, const path_alt *pa, client_alt *ca,
                             netmodel_alt *ra);
/* The same for workload wi seen as w (a failover record's secondary). */
int netmodel_routes_make_alt_as(netmodel *m, size_t wi, const topo_workload *w, const path_alt *pa,
                                client_alt *ca, netmodel_alt *ra);
int netmodel_routes_of_workload(netmodel *m, size_t wi);
void netmodel_routes_drop_timing(netmodel *m);

/* netmodel_clients.c: workload wi's client (arrivals, retries, routes). Returns 0 or -1. */
int netmodel_clients_make(netmodel *m, size_t wi);
/* The integer client parameter `name` of workload inst; sets *rc to -1 if it is missing. */
int64_t netmodel_clients_int(netmodel *m, const char *inst, const char *name, int *rc);

/* netmodel_limits.c: the S3 buckets and NAT destinations of the active workloads, and the
 * stations pointed at them. Returns 0 or -1. */
int netmodel_limits_build(netmodel *m);

/* netmodel_load.c: the engine's load hints, per locality group, from the workloads' rates and
 * routes (0 or -1); the text saying how the run was partitioned, after engine_run (NULL: out of
 * memory; the caller frees it). */
int netmodel_load_hints(netmodel *m);
char *netmodel_load_describe(const netmodel *m);

/* netmodel_faults.c, the model's side: the plan and the ways it adds (before allocation); the
 * ways of workload wi in every state; every station's fault windows. Return 0 or -1. */
int netmodel_faults_prepare(netmodel *m);
int netmodel_faults_workload_states(netmodel *m, size_t wi);
int netmodel_faults_stations(netmodel *m);
/* The Region of a locality group, or -1 (a site, the internet). */
int32_t netmodel_region_of_group(const netmodel *m, uint32_t group);

#endif
