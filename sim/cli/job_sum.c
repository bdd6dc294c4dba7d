/* One run's summary figures from its raw counts (sim/cli/results.h): the rates per second of the
 * measured window and the latency quantiles. Shared by a run that just ended (sim/cli/cmd_run.c)
 * and a run read back from a file (sim/cli/h5_state.c), so both give the same doubles. */
#include <math.h>

#include "cli/results.h"
#include "vpcsim/hist.h"

static const double quantile_of[NQ] = {0, 0.5, 0.9, 0.99, 0.999};

void job_sum_workload(const client_stats *c, bool active, double window_s, wl_sum *s)
{
    s->active = active;
    s->offered = (double)c->offered / window_s;
    s->completed = (double)c->succeeded / window_s;
    s->retries = (double)c->retries / window_s;
    s->late = (double)c->late / window_s;
    s->unfinished = (double)c->unfinished;
    s->quota = (double)c->quota_refusals / window_s;
    for (int k = 0; k < CLIENT_FAIL_COUNT; k++) s->failed[k] = (double)c->failed[k] / window_s;
    s->success = c->offered ? (double)c->succeeded / (double)c->offered : NAN;
    s->attempts = c->attempts;
    s->raw = *c;
    for (int q = 0; q < NQ; q++)
        s->lat_ms[q] = c->latency.count == 0 ? NAN
                       : q == Q_MEAN         ? hist_mean(&c->latency) / 1e6
                                     : (double)hist_quantile(&c->latency, quantile_of[q]) / 1e6;
}

void job_sum_component(comp_sum *s, double window_s)
{
    s->util = s->raw.utilisation;
    s->in_station = s->raw.mean_in_station;
    s->bytes_s = (double)s->raw.bytes / window_s;
    s->drops_s = (double)s->raw.drops / window_s;
    s->peak = (double)s->raw.peak;
}
