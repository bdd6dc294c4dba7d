/* The memory a run plan keeps, weighed against a budget before anything runs: every run's
 * summary stays until the report (a workload's is ~57 KiB: its latency histogram), so
 * 100,000 replications, or 10^4 sweep points x 10^5 replications, once grew for seconds to
 * many GiB. Too much fails at once, exit 2, naming the keys that make it. */
#include <stdio.h>
#include <unistd.h>

#include "cli/mem_budget.h"
#include "cli/results.h"

enum { COMPONENTS_PER_WORKLOAD = 16 }; /* stations per workload: a generous guess */

uint64_t mem_budget_default(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || size <= 0) return UINT64_MAX;
    return (uint64_t)pages / 2 * (uint64_t)size; /* half of RAM */
}

/* Bytes the summaries of one point's runs keep (saturating). */
static uint64_t point_bytes(const scenario *s, size_t reps)
{
    uint64_t nw = 0;
    for (size_t a = 0; a < s->narchs; a++) nw += s->archs[a].nworkloads;
    uint64_t per_rep = sizeof(job) * s->narchs + nw * sizeof(wl_sum) +
                       nw * COMPONENTS_PER_WORKLOAD * sizeof(comp_sum);
    return reps > UINT64_MAX / per_rep ? UINT64_MAX : reps * per_rep;
}

int mem_budget_check(const char *file, const scenario *s, size_t reps, size_t npoints,
                     uint64_t limit, bool given, vs_error *err)
{
    uint64_t b = point_bytes(s, reps);
    uint64_t need = npoints && b > UINT64_MAX / npoints ? UINT64_MAX : b * npoints;
    if (need <= limit) return 0;
    char a[32], lim[32];
    snprintf(a, sizeof a, "%.1f GiB", (double)need / (1 << 30));
    snprintf(lim, sizeof lim, "%.1f GiB", (double)limit / (1 << 30));
    return error_set(err,
                     "%s: the runs would keep about %s of results (%zu sweep point%s x %zu "
                     "architecture%s x %zu replications: run.sweep, run.replications or "
                     "--replications), over the memory budget of %s (%s); run fewer, or "
                     "raise --memory-limit",
                     file, a, npoints, npoints == 1 ? "" : "s", s->narchs,
                     s->narchs == 1 ? "" : "s", reps, lim,
                     given ? "--memory-limit" : "half of RAM");
}
