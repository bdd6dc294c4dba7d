/* Private tier of the run model (models/network/netmodel.c, models/network/netmodel_faults.c): what
 * a topology's scheduled faults do to one run. Stations get fault windows; DNS answers (interface
 * endpoint ENIs) and routes (Direct Connect and VPN, after detection) change at known times, and
 * each state of them has its own resolved paths. Not part of the public API. */
#ifndef VPCSIM_RUN_FAULTS_H
#define VPCSIM_RUN_FAULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vpcsim/dist.h"
#include "vpcsim/aws/params.h"
#include "vpcsim/aws/paths.h"
#include "vpcsim/aws/station.h"
#include "vpcsim/aws/topology.h"

/* The times the faults of one topology change what paths_resolve sees. State (d, q): d DNS
 * changes and q route changes have taken effect. */
typedef struct rf_plan {
    const topology *t;
    vs_time *dns_at; /* [ndns] increasing: an ENI goes down or comes back */
    uint32_t ndns;
    vs_time *route_at; /* [nroute] increasing: a DX or VPN change takes effect (detection) */
    uint32_t nroute;
    vs_time *detect; /* [nfaults] detection delay of each DX or VPN fault, else 0 */
} rf_plan;

enum { RF_MAX_STATES = 1024 }; /* (ndns + 1) x (nroute + 1) at most */

/* Makes the plan of t (detection delays from params: direct_connect.bfd_detect, vpn_tunnel
 * .dpd_timeout of the site). Returns 0, or -1 with err set (a missing parameter, too many
 * states) and p empty. */
int rf_plan_make(const topology *t, const param_table *params, rf_plan *p, vs_error *err);
void rf_plan_free(rf_plan *p); /* leaves it empty */
static inline size_t rf_states(const rf_plan *p)
{
    return (size_t)(p->ndns + 1) * (p->nroute + 1);
}

/* The faults in force in state s (in [0, rf_states)), for paths_resolve: ENIs (DNS) and DX/VPN
 * (routing) only, since NAT gateways, Transit Gateways, load balancers and services have no
 * failover (their losses are station windows). ctx must outlive the use of *out. */
typedef struct rf_view {
    const rf_plan *plan;
    vs_time dns_t, route_t; /* the state's instants */
} rf_view;
void rf_state_faults(const rf_plan *p, size_t s, rf_view *ctx, path_faults *out);

/* Whether fault f hits the station of component (kind, index) in az (-1: not zonal). */
bool rf_applies(const topology *t, const topo_fault *f, hop_kind kind, int32_t index, int32_t az);

/* The windows of the station of (kind, index, az) into out (room for t->nfaults), sorted by
 * start; a service's front end (handshakes) gets only the DOWN ones. Latency faults' `add` is
 * read into dists (extra[f] caches it per fault; NULL entries are read). Returns the number of
 * windows, or -1 with err set. */
int rf_station_windows(const topology *t, hop_kind kind, int32_t index, int32_t az, bool front_end,
                       dist_set *dists, const dist **extra, station_fault *out, vs_error *err);

#endif
