/* Region failures and Route 53 failover records in a run (netmodel_impl.h): which stations a
 * Region failure takes down, when a record's health check turns its answer from the primary to
 * the secondary and back, and the workload a call by the record's name is in each state. Runs at
 * setup only, over a handful of records and faults. */
#include "netmodel_impl.h"

#include <string.h>

/* Route 53 health checkers in several locations check the endpoint every interval, unsynchronised
 * (their phases spread over the interval); each turns unhealthy after failure_threshold
 * consecutive failures, and the check is unhealthy once 18% or fewer report healthy (Route 53
 * Developer Guide, "How Route 53 determines whether a health check is healthy"). So the status
 * changes when the 82nd percentile of the checkers' phases (failing) or the 18th (recovering) has
 * seen failure_threshold checks; a failed HTTP check is known after its 4 s connection timeout. */
enum { HC_CONNECT_TIMEOUT_NS = 4000000000 };
static const double UNHEALTHY_PHASE = 0.82, HEALTHY_PHASE = 0.18;

vs_time netmodel_region_detect_ns(const topo_failover_record *r, bool failing)
{
    double checks =
        (double)(r->failure_threshold - 1) + (failing ? UNHEALTHY_PHASE : HEALTHY_PHASE);
    return (vs_time)(checks * (double)r->interval_ns) + (failing ? HC_CONNECT_TIMEOUT_NS : 0);
}

/* ---- the Region of a station ----------------------------------------------------------------- */

int32_t netmodel_region_of_group(const netmodel *m, uint32_t group)
{
    if (group < m->t->nazs) return m->t->azs[group].region;
    if (group < m->t->nazs + m->t->nregions) return (int32_t)(group - m->t->nazs);
    return -1; /* a site or the internet: outside every Region */
}

/* ---- failover records ------------------------------------------------------------------------ */

static int32_t target_region(const topology *t, const topo_target *x)
{
    if (x->kind == TARGET_AWS_SERVICE) return x->service_region;
    if (x->kind == TARGET_ENDPOINT_SERVICE)
        return t->vpcs[t->endpoint_services[x->endpoint_service].vpc].region;
    return -1;
}

/* Whether fault f fails the health check of r's primary: its Region fails, or the whole target
 * (every AZ) is down. */
static bool hits_primary(const topology *t, const topo_failover_record *r, const topo_fault *f)
{
    const topo_target *x = &r->primary;
    if (f->kind == FAULT_REGION) return f->region == target_region(t, x);
    if (f->kind != FAULT_DOWN || f->az >= 0 || !f->param_kind) return false;
    if (x->kind == TARGET_AWS_SERVICE)
        return strcmp(f->param_kind, aws_service_param_kind((aws_service)x->service)) == 0;
    if (x->kind != TARGET_ENDPOINT_SERVICE) return false;
    return (strcmp(f->param_kind, "nlb") == 0 || strcmp(f->param_kind, "private_service") == 0) &&
           (!f->instance ||
            strcmp(f->instance, t->endpoint_services[x->endpoint_service].name) == 0);
}

static vs_time plus(vs_time t, vs_time d)
{
    return t == INT64_MAX || t > INT64_MAX - d ? INT64_MAX : t + d;
}

size_t netmodel_region_times(const topology *t, vs_time *v)
{
    size_t n = 0;
    for (size_t r = 0; r < t->nfailover_records; r++) {
        const topo_failover_record *x = &t->failover_records[r];
        for (size_t i = 0; x->has_secondary && i < t->nfaults; i++) {
            const topo_fault *f = &t->faults[i];
            if (!hits_primary(t, x, f)) continue;
            if (v) v[n] = plus(f->start_ns, netmodel_region_detect_ns(x, true));
            n++;
            if (f->end_ns == INT64_MAX) continue;
            if (v) v[n] = plus(f->end_ns, netmodel_region_detect_ns(x, false));
            n++;
        }
    }
    return n;
}

bool netmodel_region_primary_down(const topology *t, const topo_failover_record *r, vs_time at)
{
    for (size_t i = 0; r->has_secondary && i < t->nfaults; i++) {
        const topo_fault *f = &t->faults[i];
        if (hits_primary(t, r, f) && plus(f->start_ns, netmodel_region_detect_ns(r, true)) <= at &&
            at < plus(f->end_ns, netmodel_region_detect_ns(r, false)))
            return true;
    }
    return false;
}

const topo_workload *netmodel_region_workload(const topology *t, size_t wi, vs_time dns_t,
                                              topo_workload *scratch)
{
    const topo_workload *w = &t->workloads[wi];
    if (w->record < 0 || (size_t)w->record >= t->nfailover_records) return w;
    const topo_failover_record *r = &t->failover_records[w->record];
    if (!netmodel_region_primary_down(t, r, dns_t)) return w;
    *scratch = *w;
    topo_target_apply(scratch, &r->secondary);
    return scratch;
}

int netmodel_region_resolve(const topology *t, size_t wi, const topo_workload *w,
                            const path_faults *pf, path_result *pr, vs_error *err)
{
    return w == &t->workloads[wi] ? paths_resolve(t, wi, pf, pr, err)
                                  : paths_resolve_as(t, w, pf, pr, err);
}
