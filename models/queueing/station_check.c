/* The station's parameters, checked once before it joins the engine (station_add): every
 * value the LP kind (station.c) relies on at run time. */
#include <math.h>

#include "station_impl.h"

/* Fault windows: known kinds, 0 <= from < until, sorted by from, what each kind needs. */
static int faults_check(const station_params *p, vs_error *err)
{
    if (p->nfaults > 0 && !p->faults) return error_set(err, "station: no fault windows given");
    if (p->nfaults > STATION_MAX_FAULTS)
        return error_set(err, "station: at most 2^24 fault windows, got %u", p->nfaults);
    for (uint32_t i = 0; i < p->nfaults; i++) {
        const station_fault *f = &p->faults[i];
        if (f->kind != STATION_DOWN && f->kind != STATION_SLOW && f->kind != STATION_ERRORS)
            return error_set(err, "station: fault %u: unknown kind %d", i, (int)f->kind);
        if (f->from_ns < 0 || f->until_ns <= f->from_ns)
            return error_set(err, "station: fault %u: window must have 0 <= from < until", i);
        if (i > 0 && f->from_ns < p->faults[i - 1].from_ns)
            return error_set(err, "station: fault %u: windows must be sorted by start", i);
        if (f->kind == STATION_SLOW && !f->extra)
            return error_set(err, "station: fault %u: a slow window needs its extra delay", i);
        if (f->kind == STATION_ERRORS && !(f->error_rate >= 0 && f->error_rate <= 1))
            return error_set(err, "station: fault %u: error rate must be in [0, 1], got %g", i,
                             f->error_rate);
    }
    return 0;
}

/* Time series and spans: where they go. */
static int observation_check(const station_params *p, vs_error *err)
{
    if (p->series_bin_ns < 0)
        return error_set(err, "station: series bin must be >= 0, got %lld",
                         (long long)p->series_bin_ns);
    if (p->series_bin_ns > 0 && p->nbins > 0 && !p->series)
        return error_set(err, "station: a time series needs its bins");
    if (!(p->span_rate >= 0 && p->span_rate <= 1))
        return error_set(err, "station: span rate must be in [0, 1], got %g", p->span_rate);
    if (p->span_rate > 0 && !p->spans) return error_set(err, "station: spans need their list");
    return 0;
}

int station_params_check(const station_params *p, vs_error *err)
{
    if (!p) return error_set(err, "station: no parameters");
    if (!p->flows) return error_set(err, "station: no flow table");
    if (p->discipline != STATION_FIFO && p->discipline != STATION_PS)
        return error_set(err, "station: unknown discipline %d", (int)p->discipline);
    if (p->servers < 1 || p->servers > STATION_MAX_CAPACITY)
        return error_set(err, "station: servers must be in [1, 2^30], got %u", p->servers);
    if (!(p->start_fraction >= 0) ||
        (station_scales(p) && (p->discipline != STATION_PS || p->scale_period_ns <= 0)))
        return error_set(err, "station: scaling up needs a PS station, start_fraction in (0, 1] "
                              "and scale_period_ns > 0");
    if (!(p->packets_per_s >= 0) || !isfinite(p->packets_per_s) ||
        (p->packets_per_s > 0 && p->packet_bytes == 0))
        return error_set(err,
                         "station: packets_per_s must be >= 0 (with packet_bytes >= 1), got %g",
                         p->packets_per_s);
    if (!(p->bandwidth_bps >= 0) || !isfinite(p->bandwidth_bps))
        return error_set(err, "station: bandwidth must be >= 0, got %g", p->bandwidth_bps);
    if (!p->service && p->bandwidth_bps == 0)
        return error_set(err, "station: needs a service time, a bandwidth or both");
    if (p->queue_capacity < -1 || p->queue_capacity > STATION_MAX_CAPACITY)
        return error_set(err, "station: queue capacity must be -1 or in [0, 2^30], got %lld",
                         (long long)p->queue_capacity);
    if (p->drop_notice_ns < 0) return error_set(err, "station: drop notice delay must be >= 0");
    for (uint32_t b = 0; p->route_bucket && b < p->nbuckets; b++)
        if (!p->bucket_rate || !(p->bucket_rate[b] > 0) || !isfinite(p->bucket_rate[b]))
            return error_set(err, "station: token bucket %u needs a rate > 0", b);
    if (p->route_conn && p->nconns > 0 && p->conn_limit < 1)
        return error_set(err, "station: connection limit must be >= 1, got %lld",
                         (long long)p->conn_limit);
    if (p->stats_from_ns < 0 || (p->stats_until_ns != 0 && p->stats_until_ns <= p->stats_from_ns))
        return error_set(err, "station: statistics window must have 0 <= from < until");
    return faults_check(p, err) || observation_check(p, err) ? -1 : 0;
}
