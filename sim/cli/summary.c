/* Statistics over replications (means with 95% Student-t half-widths, monthly bills, paired
 * differences against the first architecture) and the summary rows they make: every figure the
 * text report prints, in the order it prints them, so that the report can be printed again from
 * a file's /summary alone. Work is per figure x replications: small next to the runs. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/results.h"
#include "vpcsim/grow.h"

/* ---- statistics over replications ------------------------------------------------------------ */

/* Mean and half-width of field values x[0..n) (NaNs skipped; n_ok < n marks missing ones).
 * x is scratch: its values are moved in place (no allocation, so no result lost to one). */
stats_interval summary_interval(double *x, size_t n)
{
    size_t k = 0;
    stats_interval s = {NAN, NAN, NAN, 0};
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i])) x[k++] = x[i];
    if (k > 0) stats_mean_ci(x, k, RUN_LEVEL, &s);
    return s;
}

const job *summary_job_at(const point_jobs *rp, size_t arch, size_t rep)
{
    return &rp->jobs[arch * rp->stride + rep];
}

/* Interval over replications of the double at byte offset off of workload w's summary. */
stats_interval summary_wl_interval(const point_jobs *rp, size_t a, size_t w, size_t off)
{
    for (size_t r = 0; r < rp->reps; r++) {
        const char *base = (const char *)&summary_job_at(rp, a, r)->wl[w];
        memcpy(&rp->x[r], base + off, sizeof(double));
    }
    return summary_interval(rp->x, rp->reps);
}

/* The same for component c's summary. */
stats_interval summary_comp_interval(const point_jobs *rp, size_t a, size_t c, size_t off)
{
    for (size_t r = 0; r < rp->reps; r++) {
        const char *base = (const char *)&summary_job_at(rp, a, r)->comp[c];
        memcpy(&rp->x[r], base + off, sizeof(double));
    }
    return summary_interval(rp->x, rp->reps);
}

/* ---- cost ------------------------------------------------------------------------------------ */

/* GB a month of item k at job j's byte rate (cross-AZ bytes are billed on both sides). */
static double monthly_gb(const cost_prices *p, const job *j, int k)
{
    double gb = j->gb_bytes_s[k] * RUN_SECONDS_A_MONTH(p) / RUN_GB;
    return k == COST_GB_CROSS_AZ || k == COST_GB_CROSS_AZ_THROUGH ? 2 * gb : gb;
}

/* Requests a month of item r in job j: its completed calls to the service that bills r (one
 * request each; retried attempts are not counted). */
static double monthly_requests(const cost_prices *p, const topology *t, const job *j, int r)
{
    double n = 0;
    for (size_t w = 0; w < t->nworkloads; w++) {
        const topo_workload *wl = &t->workloads[w];
        if (j->wl[w].active && wl->target == TARGET_AWS_SERVICE &&
            cost_req_item_of(wl->service, wl->action) == r)
            n += j->wl[w].completed;
    }
    return n * RUN_SECONDS_A_MONTH(p);
}

/* ---- inter-Region transfer by Region pair ---------------------------------------------------- */

/* GB a month job j sent out of Region `from` into Region `to` (its topology's indexes). */
static double pair_gb(const cost_prices *p, const job *j, size_t from, size_t to)
{
    if (!j->region_bytes_s || from >= j->nregions || to >= j->nregions) return 0;
    return j->region_bytes_s[from * j->nregions + to] * RUN_SECONDS_A_MONTH(p) / RUN_GB;
}

/* $ per GB from Region `from` to `to` of topology t: the sending Region's price to the other. */
static double pair_price(const run_inputs *in, const topology *t, size_t from, size_t to,
                         region_price_basis *basis)
{
    if (!in->by_region) {
        *basis = REGION_PRICE_RUN_FLAT;
        return in->prices->per_gb[COST_GB_INTER_REGION].tiers[0].usd_per_gb;
    }
    return region_prices_pair(in->by_region, t->regions[from].name, t->regions[to].name, basis);
}

/* The inter-Region transfer of job j: each pair's GB at the sending Region's price to the
 * receiving one; a job without pairs (none counted) at the flat item. */
static double inter_region_usd(const run_inputs *in, const topology *t, const job *j)
{
    region_price_basis b;
    double usd = 0;
    if (!j->region_bytes_s)
        return cost_tiered(in->prices, COST_GB_INTER_REGION,
                           monthly_gb(in->prices, j, COST_GB_INTER_REGION));
    for (size_t from = 0; from < j->nregions && from < t->nregions; from++)
        for (size_t to = 0; to < j->nregions && to < t->nregions; to++) {
            double gb = pair_gb(in->prices, j, from, to);
            if (gb > 0) usd += gb * pair_price(in, t, from, to, &b);
        }
    return usd;
}

/* The monthly bill of job j of topology t: [0] hourly, [1 + k] per-GB item k,
 * [COST_LINE_REQ + r] request item r, [COST_LINES - 1] total. */
static void job_bill(const run_inputs *in, const topology *t, double hourly, const job *j,
                     double *usd)
{
    const cost_prices *p = in->prices;
    usd[0] = hourly;
    usd[COST_LINES - 1] = hourly;
    for (int k = 0; k < COST_GB_COUNT; k++) {
        usd[1 + k] = k == COST_GB_INTER_REGION
                         ? inter_region_usd(in, t, j)
                         : cost_tiered(p, (cost_gb_item)k, monthly_gb(p, j, k));
        usd[COST_LINES - 1] += usd[1 + k];
    }
    for (int r = 0; r < COST_REQ_COUNT; r++) {
        usd[COST_LINE_REQ + r] = monthly_requests(p, t, j, r) * p->requests[r].usd_per_request;
        usd[COST_LINES - 1] += usd[COST_LINE_REQ + r];
    }
}

static double job_completed_s(const job *j, size_t nw)
{
    double c = 0;
    for (size_t w = 0; w < nw; w++) c += j->wl[w].active ? j->wl[w].completed : 0;
    return c;
}

/* Interval over replications of bill line `line` (or, line < 0, of the cost per million
 * completed requests). */
stats_interval summary_bill_interval(point_jobs *rp, size_t a, double hourly, int line)
{
    const cost_prices *p = rp->in->prices;
    size_t nw = rp->in->s->archs[a].nworkloads;
    double usd[COST_LINES];
    for (size_t r = 0; r < rp->reps; r++) {
        const job *j = summary_job_at(rp, a, r);
        job_bill(rp->in, &rp->in->s->archs[a], hourly, j, usd);
        double per_m = job_completed_s(j, nw) * RUN_SECONDS_A_MONTH(p) / 1e6;
        rp->x[r] = line >= 0 ? usd[line] : per_m > 0 ? usd[COST_LINES - 1] / per_m : NAN;
    }
    return summary_interval(rp->x, rp->reps);
}

static stats_interval requests_interval(point_jobs *rp, size_t a, int r)
{
    for (size_t i = 0; i < rp->reps; i++)
        rp->x[i] =
            monthly_requests(rp->in->prices, &rp->in->s->archs[a], summary_job_at(rp, a, i), r);
    return summary_interval(rp->x, rp->reps);
}

stats_interval summary_gb_interval(point_jobs *rp, size_t a, int k)
{
    for (size_t r = 0; r < rp->reps; r++)
        rp->x[r] = monthly_gb(rp->in->prices, summary_job_at(rp, a, r), k);
    return summary_interval(rp->x, rp->reps);
}

/* The static monthly cost of every architecture. Returns 0, or -1 with err set. */
int summary_static_costs(const run_inputs *in, double *hourly, vs_error *err)
{
    for (size_t a = 0; a < in->s->narchs; a++) {
        cost_lines l = {0};
        if (cost_static(&in->s->archs[a], in->prices, &l, err)) return -1;
        hourly[a] = l.total_usd;
        cost_lines_free(&l);
    }
    return 0;
}

/* ---- paired differences ---------------------------------------------------------------------- */

/* Paired interval, architecture a minus 0, of the values at x[r] (a) and y[r] (0); none when a
 * replication has no value. x is scratch: it receives the differences (no allocation, so no
 * figure lost to one; the arithmetic is stats_paired_ci's). */
static stats_interval paired_of(double *x, const double *y, size_t n)
{
    stats_interval s = {NAN, NAN, NAN, 0};
    for (size_t r = 0; r < n; r++)
        if (isnan(x[r]) || isnan(y[r])) return s;
    for (size_t r = 0; r < n; r++) x[r] -= y[r];
    if (n > 0) stats_mean_ci(x, n, RUN_LEVEL, &s);
    return s;
}

/* Paired interval of the double at offset off of workload w's summary. */
stats_interval summary_paired_wl(point_jobs *rp, size_t a, size_t w, size_t off)
{
    for (size_t r = 0; r < rp->reps; r++) {
        memcpy(&rp->x[r], (const char *)&summary_job_at(rp, a, r)->wl[w] + off, sizeof(double));
        memcpy(&rp->y[r], (const char *)&summary_job_at(rp, 0, r)->wl[w] + off, sizeof(double));
    }
    return paired_of(rp->x, rp->y, rp->reps);
}

stats_interval summary_paired_bill(point_jobs *rp, size_t a, const double *hourly)
{
    double usd[COST_LINES];
    for (size_t r = 0; r < rp->reps; r++) {
        job_bill(rp->in, &rp->in->s->archs[a], hourly[a], summary_job_at(rp, a, r), usd);
        rp->x[r] = usd[COST_LINES - 1];
        job_bill(rp->in, &rp->in->s->archs[0], hourly[0], summary_job_at(rp, 0, r), usd);
        rp->y[r] = usd[COST_LINES - 1];
    }
    return paired_of(rp->x, rp->y, rp->reps);
}

/* Whether workload w of architecture a is also workload w of the first, and ran in both. */
bool summary_comparable(const point_jobs *rp, size_t a, size_t w)
{
    const scenario *s = rp->in->s;
    return w < s->archs[0].nworkloads && summary_job_at(rp, a, 0)->wl[w].active &&
           summary_job_at(rp, 0, 0)->wl[w].active &&
           strcmp(s->archs[a].workloads[w].name, s->archs[0].workloads[w].name) == 0;
}

char *summary_cause_metric(client_cause k, char *buf, size_t n)
{
    snprintf(buf, n, "failed_%s", client_cause_name(k));
    for (char *s = buf; *s; s++)
        if (*s == ' ') *s = '_';
    return buf;
}

/* ---- the rows -------------------------------------------------------------------------------- */

/* Rows of one point and architecture, in this order (sim/cli/text_report.c reads them so):
 *   per workload: active, and when active offered ... unfinished, failed_<cause>;
 *   per component: utilisation (bandwidth stations only), mean_in_station, peak, bytes, drops;
 *   the architecture (subject ""): monthly_hourly_items; per-GB item (subject: the item's name
 *   in the price table): monthly_gb, monthly; per Region pair that carried bytes in some
 *   replication (subject "inter_region_transfer FROM -> TO"): monthly_gb, usd_per_gb,
 *   price_basis, monthly; then monthly_total, per_million_completed;
 *   beyond the first architecture: delta_monthly_total, and per comparable workload delta_mean,
 *   delta_p50, delta_p99. */
typedef struct rows {
    summary_rows *s;
    size_t point;
    const char *arch;
} rows;

static int add(rows *rs, const char *subject, const char *metric, const char *unit,
               stats_interval v)
{
    summary_rows *s = rs->s;
    summary_row *grown = grow_reserve(s->r, s->n + 1, &s->cap, sizeof *grown, 256);
    if (!grown) return -1;
    s->r = grown;
    summary_row *r = &s->r[s->n++];
    memset(r, 0, sizeof *r);
    r->point = (uint32_t)rs->point;
    snprintf(r->architecture, sizeof r->architecture, "%s", rs->arch);
    snprintf(r->subject, sizeof r->subject, "%s", subject);
    snprintf(r->metric, sizeof r->metric, "%s", metric);
    snprintf(r->unit, sizeof r->unit, "%s", unit);
    r->mean = v.mean, r->half_width = v.n > 1 ? v.half : NAN, r->n = (uint32_t)v.n;
    return 0;
}

static const struct {
    const char *metric, *unit;
    size_t off;
} wl_metrics[] = {
    {"offered", "1/s", WL(offered)},
    {"completed", "1/s", WL(completed)},
    {"success_ratio", "1", WL(success)},
    {"p50", "ms", WL(lat_ms) + Q_P50 * sizeof(double)},
    {"p90", "ms", WL(lat_ms) + Q_P90 * sizeof(double)},
    {"p99", "ms", WL(lat_ms) + Q_P99 * sizeof(double)},
    {"p99.9", "ms", WL(lat_ms) + Q_P999 * sizeof(double)},
    {"mean", "ms", WL(lat_ms) + Q_MEAN * sizeof(double)},
    {"retries", "1/s", WL(retries)},
    {"no_retry_quota", "1/s", WL(quota)},
    {"late", "1/s", WL(late)},
    {"unfinished", "calls", WL(unfinished)},
};

static int workload_rows(rows *rs, point_jobs *rp, size_t a)
{
    const topology *t = &rp->in->s->archs[a];
    char metric[48];
    for (size_t w = 0; w < t->nworkloads; w++) {
        const char *name = t->workloads[w].name;
        bool active = summary_job_at(rp, a, 0)->wl[w].active;
        if (add(rs, name, "active", "1", (stats_interval){active ? 1 : 0, 0, 0, rp->reps}))
            return -1;
        if (!active) continue;
        for (size_t m = 0; m < sizeof wl_metrics / sizeof wl_metrics[0]; m++)
            if (add(rs, name, wl_metrics[m].metric, wl_metrics[m].unit,
                    summary_wl_interval(rp, a, w, wl_metrics[m].off)))
                return -1;
        for (int k = 0; k < CLIENT_FAIL_COUNT; k++)
            if (add(rs, name, summary_cause_metric((client_cause)k, metric, sizeof metric), "1/s",
                    summary_wl_interval(rp, a, w, WL(failed) + (size_t)k * sizeof(double))))
                return -1;
    }
    return 0;
}

static int component_rows(rows *rs, point_jobs *rp, size_t a)
{
    const job *j0 = summary_job_at(rp, a, 0);
    for (size_t c = 0; c < j0->ncomp; c++) {
        const char *name = j0->comp[c].name;
        if ((!j0->comp[c].many &&
             add(rs, name, "utilisation", "1", summary_comp_interval(rp, a, c, COMP(util)))) ||
            add(rs, name, "mean_in_station", "requests",
                summary_comp_interval(rp, a, c, COMP(in_station))) ||
            add(rs, name, "peak", "requests", summary_comp_interval(rp, a, c, COMP(peak))) ||
            add(rs, name, "bytes", "B/s", summary_comp_interval(rp, a, c, COMP(bytes_s))) ||
            add(rs, name, "drops", "1/s", summary_comp_interval(rp, a, c, COMP(drops_s))))
            return -1;
    }
    return 0;
}

static int paired_rows(rows *rs, point_jobs *rp, size_t a, const double *hourly)
{
    if (add(rs, "", "delta_monthly_total", "USD", summary_paired_bill(rp, a, hourly))) return -1;
    for (size_t w = 0; w < rp->in->s->archs[a].nworkloads; w++) {
        const char *name = rp->in->s->archs[a].workloads[w].name;
        if (!summary_comparable(rp, a, w)) continue;
        if (add(rs, name, "delta_mean", "ms",
                summary_paired_wl(rp, a, w, WL(lat_ms) + Q_MEAN * sizeof(double))) ||
            add(rs, name, "delta_p50", "ms",
                summary_paired_wl(rp, a, w, WL(lat_ms) + Q_P50 * sizeof(double))) ||
            add(rs, name, "delta_p99", "ms",
                summary_paired_wl(rp, a, w, WL(lat_ms) + Q_P99 * sizeof(double))))
            return -1;
    }
    return 0;
}

/* Whether any replication of architecture a sent bytes from Region `from` to `to`. */
static bool pair_used(const point_jobs *rp, size_t a, size_t from, size_t to)
{
    for (size_t r = 0; r < rp->reps; r++)
        if (pair_gb(rp->in->prices, summary_job_at(rp, a, r), from, to) > 0) return true;
    return false;
}

/* The rows of one Region pair of architecture a. */
static int pair_rows(rows *rs, point_jobs *rp, size_t a, size_t from, size_t to)
{
    const topology *t = &rp->in->s->archs[a];
    char subject[160];
    region_price_basis basis;
    double usd_per_gb = pair_price(rp->in, t, from, to, &basis);
    snprintf(subject, sizeof subject, "%s %s -> %s", cost_gb_item_name(COST_GB_INTER_REGION),
             t->regions[from].name, t->regions[to].name);
    for (size_t r = 0; r < rp->reps; r++)
        rp->x[r] = pair_gb(rp->in->prices, summary_job_at(rp, a, r), from, to);
    if (add(rs, subject, "monthly_gb", "GB", summary_interval(rp->x, rp->reps))) return -1;
    for (size_t r = 0; r < rp->reps; r++) rp->x[r] = usd_per_gb;
    if (add(rs, subject, "usd_per_gb", "USD/GB", summary_interval(rp->x, rp->reps))) return -1;
    for (size_t r = 0; r < rp->reps; r++) rp->x[r] = (double)basis;
    if (add(rs, subject, "price_basis", "1", summary_interval(rp->x, rp->reps))) return -1;
    for (size_t r = 0; r < rp->reps; r++)
        rp->x[r] = pair_gb(rp->in->prices, summary_job_at(rp, a, r), from, to) * usd_per_gb;
    return add(rs, subject, "monthly", "USD", summary_interval(rp->x, rp->reps));
}

/* The pairs of architecture a's Regions that carried bytes, sending Region first. */
static int region_pair_rows(rows *rs, point_jobs *rp, size_t a)
{
    size_t n = rp->in->s->archs[a].nregions;
    for (size_t from = 0; from < n; from++)
        for (size_t to = 0; to < n; to++)
            if (from != to && pair_used(rp, a, from, to) && pair_rows(rs, rp, a, from, to))
                return -1;
    return 0;
}

static int cost_rows(rows *rs, point_jobs *rp, size_t a, const double *hourly)
{
    if (add(rs, "", "monthly_hourly_items", "USD", summary_bill_interval(rp, a, hourly[a], 0)))
        return -1;
    for (int k = 0; k < COST_GB_COUNT; k++) {
        const char *item = cost_gb_item_name((cost_gb_item)k);
        if (add(rs, item, "monthly_gb", "GB", summary_gb_interval(rp, a, k)) ||
            add(rs, item, "monthly", "USD", summary_bill_interval(rp, a, hourly[a], 1 + k)))
            return -1;
    }
    if (region_pair_rows(rs, rp, a)) return -1;
    for (int r = 0; r < COST_REQ_COUNT; r++) {
        const char *item = cost_req_item_name((cost_req_item)r);
        if (add(rs, item, "monthly_requests", "requests", requests_interval(rp, a, r)) ||
            add(rs, item, "monthly", "USD",
                summary_bill_interval(rp, a, hourly[a], COST_LINE_REQ + r)))
            return -1;
    }
    if (add(rs, "", "monthly_total", "USD",
            summary_bill_interval(rp, a, hourly[a], COST_LINES - 1)) ||
        add(rs, "", "per_million_completed", "USD", summary_bill_interval(rp, a, hourly[a], -1)))
        return -1;
    return a == 0 ? 0 : paired_rows(rs, rp, a, hourly);
}

int summary_build(summary_rows *out, point_jobs *rps, size_t npoints, double *const *hourly)
{
    rows rs = {.s = out};
    memset(out, 0, sizeof *out);
    for (size_t p = 0; p < npoints; p++) {
        if (rps[p].reps == 0) continue;
        for (size_t a = 0; a < rps[p].in->s->narchs; a++) {
            rs.point = p, rs.arch = rps[p].in->s->archs[a].name;
            if (workload_rows(&rs, &rps[p], a) || component_rows(&rs, &rps[p], a) ||
                cost_rows(&rs, &rps[p], a, hourly[p])) {
                summary_free(out);
                return -1;
            }
        }
    }
    return 0;
}

void summary_free(summary_rows *s)
{
    free(s->r);
    memset(s, 0, sizeof *s);
}
