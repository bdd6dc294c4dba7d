/* The text report of `vpcsim run`: per sweep point and architecture, tables of what each workload
 * saw, failures by cause, components, the monthly cost, paired differences against the first
 * architecture (mean over replications +- 95% Student-t half-width), and the sweep summary. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "run_impl.h"
#include "vpcsim/units.h"

static const char *const quantile_head[NQ] = {"mean ms", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms"};
/* ---- statistics over replications ------------------------------------------------------------ */

/* Mean and half-width of field values x[0..n) (NaNs skipped; n_ok < n marks missing ones). */
stats_interval run_interval(const double *x, size_t n)
{
    double *v = malloc((n ? n : 1) * sizeof *v);
    size_t k = 0;
    stats_interval s = {NAN, NAN, NAN, 0};
    if (!v) return s;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i])) v[k++] = x[i];
    if (k > 0) stats_mean_ci(v, k, RUN_LEVEL, &s);
    free(v);
    return s;
}

/* Decimals that show x to about 4 significant digits without an exponent. */
static int decimals(double x)
{
    double a = fabs(x);
    return a >= 1000 ? 0 : a >= 100 ? 1 : a >= 10 ? 2 : a >= 1 ? 3 : a >= 0.1 ? 4 : 5;
}

/* "12.34 ± 0.56", "12.34" (one replication), "-" (no value). */
static char *fmt_ci(stats_interval s, double scale, char *buf, size_t n)
{
    if (isnan(s.mean) || s.n == 0) return snprintf(buf, n, "-"), buf;
    double m = s.mean * scale, h = s.half * scale;
    int d = m == 0 ? (h > 0 ? decimals(h) : 0) : decimals(m);
    if (s.n < 2)
        snprintf(buf, n, "%.*f", d, m);
    else
        snprintf(buf, n, "%.*f ± %.*f", d, m, d, h);
    return buf;
}

/* ---- tables ---------------------------------------------------------------------------------- */

enum { COLS = 16, CELL = RUN_NAME_MAX + 8 };

typedef struct table {
    size_t ncols;
    const char *head[COLS];
    char (*cells)[CELL];
    size_t nrows, cap;
} table;

static int table_row(table *t)
{
    if (t->nrows == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 16;
        void *p = realloc(t->cells, cap * t->ncols * sizeof *t->cells);
        if (!p) return -1;
        t->cells = p;
        t->cap = cap;
    }
    memset(t->cells[t->nrows * t->ncols], 0, t->ncols * sizeof *t->cells);
    t->nrows++;
    return 0;
}

static char *cell(table *t, size_t col)
{
    return t->cells[(t->nrows - 1) * t->ncols + col];
}

static size_t width_of(const char *s)
{
    size_t w = 0;
    for (; *s; s++) w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

/* First column left-aligned, the others right-aligned. */
static void table_print(FILE *f, table *t)
{
    size_t w[COLS];
    for (size_t c = 0; c < t->ncols; c++) {
        w[c] = width_of(t->head[c]);
        for (size_t r = 0; r < t->nrows; r++) {
            size_t x = width_of(t->cells[r * t->ncols + c]);
            if (x > w[c]) w[c] = x;
        }
    }
    for (size_t r = 0; r <= t->nrows; r++) {
        fputs("    ", f);
        for (size_t c = 0; c < t->ncols; c++) {
            const char *s = r ? t->cells[(r - 1) * t->ncols + c] : t->head[c];
            size_t pad = w[c] - width_of(s);
            if (c == 0)
                fprintf(f, "%s%*s", s, c + 1 < t->ncols ? (int)pad : 0, "");
            else
                fprintf(f, "  %*s%s", (int)pad, "", s);
        }
        fputc('\n', f);
    }
    free(t->cells);
    t->cells = NULL;
    t->nrows = t->cap = 0;
}

/* ---- the report ------------------------------------------------------------------------------ */

const job *run_job_at(const report *rp, size_t arch, size_t rep)
{
    return &rp->jobs[arch * rp->reps + rep];
}

/* Interval over replications of the double at byte offset off of workload w's summary. */
stats_interval run_wl_interval(const report *rp, size_t a, size_t w, size_t off)
{
    for (size_t r = 0; r < rp->reps; r++) {
        const char *base = (const char *)&run_job_at(rp, a, r)->wl[w];
        memcpy(&rp->x[r], base + off, sizeof(double));
    }
    return run_interval(rp->x, rp->reps);
}

/* The same for component c's summary. */
stats_interval run_comp_interval(const report *rp, size_t a, size_t c, size_t off)
{
    for (size_t r = 0; r < rp->reps; r++) {
        const char *base = (const char *)&run_job_at(rp, a, r)->comp[c];
        memcpy(&rp->x[r], base + off, sizeof(double));
    }
    return run_interval(rp->x, rp->reps);
}

/* ---- workloads ------------------------------------------------------------------------------- */

static int print_workloads(FILE *f, report *rp, size_t a)
{
    const topology *t = &rp->in->s->archs[a];
    table tb = {.ncols = 10,
                .head = {"workload", "offered/s", "completed/s", "success %", quantile_head[Q_P50],
                         quantile_head[Q_P90], quantile_head[Q_P99], quantile_head[Q_P999],
                         quantile_head[Q_MEAN], "retries/s"}};
    static const int order[NQ] = {Q_P50, Q_P90, Q_P99, Q_P999, Q_MEAN};
    for (size_t w = 0; w < t->nworkloads; w++) {
        if (table_row(&tb)) return -1;
        snprintf(cell(&tb, 0), CELL, "%s", t->workloads[w].name);
        if (!run_job_at(rp, a, 0)->wl[w].active) {
            snprintf(cell(&tb, 1), CELL, "no traffic");
            continue;
        }
        fmt_ci(run_wl_interval(rp, a, w, WL(offered)), 1, cell(&tb, 1), CELL);
        fmt_ci(run_wl_interval(rp, a, w, WL(completed)), 1, cell(&tb, 2), CELL);
        fmt_ci(run_wl_interval(rp, a, w, WL(success)), 100, cell(&tb, 3), CELL);
        for (int q = 0; q < NQ; q++)
            fmt_ci(run_wl_interval(rp, a, w, WL(lat_ms) + (size_t)order[q] * sizeof(double)), 1,
                   cell(&tb, 4 + (size_t)q), CELL);
        fmt_ci(run_wl_interval(rp, a, w, WL(retries)), 1, cell(&tb, 9), CELL);
    }
    fputs("  workloads (calls created after the warm-up; latency of the successful ones)\n", f);
    table_print(f, &tb);
    return 0;
}

static int print_failures(FILE *f, report *rp, size_t a)
{
    const topology *t = &rp->in->s->archs[a];
    char head[CLIENT_FAIL_COUNT][40];
    table tb = {.ncols = CLIENT_FAIL_COUNT + 4, .head = {"workload"}};
    for (int k = 0; k < CLIENT_FAIL_COUNT; k++) {
        snprintf(head[k], sizeof head[k], "%s/s", client_cause_name((client_cause)k));
        tb.head[1 + k] = head[k];
    }
    tb.head[CLIENT_FAIL_COUNT + 1] = "no retry quota/s";
    tb.head[CLIENT_FAIL_COUNT + 2] = "late replies/s";
    tb.head[CLIENT_FAIL_COUNT + 3] = "unfinished";
    for (size_t w = 0; w < t->nworkloads; w++) {
        if (!run_job_at(rp, a, 0)->wl[w].active) continue;
        if (table_row(&tb)) return -1;
        snprintf(cell(&tb, 0), CELL, "%s", t->workloads[w].name);
        for (int k = 0; k < CLIENT_FAIL_COUNT; k++)
            fmt_ci(run_wl_interval(rp, a, w, WL(failed) + (size_t)k * sizeof(double)), 1,
                   cell(&tb, 1 + (size_t)k), CELL);
        fmt_ci(run_wl_interval(rp, a, w, WL(quota)), 1, cell(&tb, CLIENT_FAIL_COUNT + 1), CELL);
        fmt_ci(run_wl_interval(rp, a, w, WL(late)), 1, cell(&tb, CLIENT_FAIL_COUNT + 2), CELL);
        fmt_ci(run_wl_interval(rp, a, w, WL(unfinished)), 1, cell(&tb, CLIENT_FAIL_COUNT + 3),
               CELL);
    }
    if (tb.nrows == 0) return 0;
    fputs("  failures after the last attempt, by cause (per second of the window)\n", f);
    table_print(f, &tb);
    return 0;
}

static int print_components(FILE *f, report *rp, size_t a)
{
    const job *j0 = run_job_at(rp, a, 0);
    table tb = {.ncols = 7,
                .head = {"component", "kind", "utilisation %", "mean in station", "peak", "MB/s",
                         "drops/s"}};
    for (size_t c = 0; c < j0->ncomp; c++) {
        if (table_row(&tb)) return -1;
        snprintf(cell(&tb, 0), CELL, "%s", j0->comp[c].name);
        snprintf(cell(&tb, 1), CELL, "%s", hop_kind_name(j0->comp[c].kind));
        if (j0->comp[c].many)
            snprintf(cell(&tb, 2), CELL, "-");
        else
            fmt_ci(run_comp_interval(rp, a, c, COMP(util)), 100, cell(&tb, 2), CELL);
        fmt_ci(run_comp_interval(rp, a, c, COMP(in_station)), 1, cell(&tb, 3), CELL);
        fmt_ci(run_comp_interval(rp, a, c, COMP(peak)), 1, cell(&tb, 4), CELL);
        fmt_ci(run_comp_interval(rp, a, c, COMP(bytes_s)), 1e-6, cell(&tb, 5), CELL);
        fmt_ci(run_comp_interval(rp, a, c, COMP(drops_s)), 1, cell(&tb, 6), CELL);
    }
    if (tb.nrows == 0) return 0;
    fputs("  components (utilisation of bandwidth stations; '-': no capacity limit modelled)\n", f);
    table_print(f, &tb);
    return 0;
}

/* ---- cost ------------------------------------------------------------------------------------ */

static const char *const gb_label[COST_GB_COUNT] = {
    [COST_GB_NAT] = "NAT gateway processing",
    [COST_GB_INTERFACE_ENDPOINT] = "interface endpoint processing",
    [COST_GB_TGW] = "Transit Gateway processing",
    [COST_GB_CROSS_AZ] = "cross-AZ transfer (out of one AZ and into the other)",
    [COST_GB_DX_OUT] = "Direct Connect transfer out",
    [COST_GB_INTERNET_OUT] = "internet (and VPN) transfer out",
    [COST_GB_INTER_REGION] = "inter-Region transfer",
};

/* GB a month of item k at job j's byte rate (cross-AZ bytes are billed on both sides). */
static double monthly_gb(const cost_prices *p, const job *j, int k)
{
    double gb = j->gb_bytes_s[k] * RUN_SECONDS_A_MONTH(p) / RUN_GB;
    return k == COST_GB_CROSS_AZ ? 2 * gb : gb;
}

/* The monthly bill of job j: [0] hourly, [1 + k] per-GB item k, [COST_LINES - 1] total. */
static void job_bill(const cost_prices *p, double hourly, const job *j, double *usd)
{
    usd[0] = hourly;
    usd[COST_LINES - 1] = hourly;
    for (int k = 0; k < COST_GB_COUNT; k++) {
        usd[1 + k] = cost_tiered(p, (cost_gb_item)k, monthly_gb(p, j, k));
        usd[COST_LINES - 1] += usd[1 + k];
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
stats_interval run_bill_interval(report *rp, size_t a, double hourly, int line)
{
    const cost_prices *p = rp->in->prices;
    size_t nw = rp->in->s->archs[a].nworkloads;
    double usd[COST_LINES];
    for (size_t r = 0; r < rp->reps; r++) {
        const job *j = run_job_at(rp, a, r);
        job_bill(p, hourly, j, usd);
        double per_m = job_completed_s(j, nw) * RUN_SECONDS_A_MONTH(p) / 1e6;
        rp->x[r] = line >= 0 ? usd[line] : per_m > 0 ? usd[COST_LINES - 1] / per_m : NAN;
    }
    return run_interval(rp->x, rp->reps);
}

static void money_ci(stats_interval s, char *buf, size_t n)
{
    char m[48], h[48];
    if (isnan(s.mean)) {
        snprintf(buf, n, "-");
        return;
    }
    cost_format_usd(s.mean, m, sizeof m);
    if (s.n < 2 || s.half < 0.005)
        snprintf(buf, n, "%s", m);
    else
        snprintf(buf, n, "%s ± %s", m, cost_format_usd(s.half, h, sizeof h));
}

static int cost_row(table *tb, const char *item, const char *volume, stats_interval s)
{
    if (table_row(tb)) return -1;
    snprintf(cell(tb, 0), CELL, "%s", item);
    snprintf(cell(tb, 1), CELL, "%s", volume);
    money_ci(s, cell(tb, 2), CELL);
    return 0;
}

static int print_cost(FILE *f, report *rp, size_t a, double hourly)
{
    const cost_prices *p = rp->in->prices;
    table tb = {.ncols = 3, .head = {"item", "GB a month", "monthly"}};
    char vol[CELL];
    if (cost_row(&tb, "provisioned resources (hourly; see vpcsim check)", "",
                 run_bill_interval(rp, a, hourly, 0)))
        return -1;
    for (int k = 0; k < COST_GB_COUNT; k++) {
        for (size_t r = 0; r < rp->reps; r++) rp->x[r] = monthly_gb(p, run_job_at(rp, a, r), k);
        stats_interval g = run_interval(rp->x, rp->reps);
        if (!(g.mean > 0)) continue;
        fmt_ci(g, 1, vol, sizeof vol);
        if (cost_row(&tb, gb_label[k], vol, run_bill_interval(rp, a, hourly, 1 + k))) return -1;
    }
    if (cost_row(&tb, "total", "", run_bill_interval(rp, a, hourly, COST_LINES - 1)) ||
        cost_row(&tb, "per million completed requests", "", run_bill_interval(rp, a, hourly, -1)))
        return -1;
    fprintf(f, "  monthly cost (%g h; the window's byte rates projected to a month)\n",
            p->hours_per_month);
    table_print(f, &tb);
    return 0;
}

/* ---- paired differences ---------------------------------------------------------------------- */

/* Paired interval, architecture a minus 0, of the values at x[r] (a) and y[r] (0); none when a
 * replication has no value. */
static stats_interval paired_of(double *x, double *y, size_t n)
{
    stats_interval s = {NAN, NAN, NAN, 0};
    for (size_t r = 0; r < n; r++)
        if (isnan(x[r]) || isnan(y[r])) return s;
    if (n > 0) stats_paired_ci(x, y, n, RUN_LEVEL, &s);
    return s;
}

/* Paired interval of the double at offset off of workload w's summary. */
stats_interval run_paired_wl(report *rp, size_t a, size_t w, size_t off)
{
    for (size_t r = 0; r < rp->reps; r++) {
        memcpy(&rp->x[r], (const char *)&run_job_at(rp, a, r)->wl[w] + off, sizeof(double));
        memcpy(&rp->y[r], (const char *)&run_job_at(rp, 0, r)->wl[w] + off, sizeof(double));
    }
    return paired_of(rp->x, rp->y, rp->reps);
}

stats_interval run_paired_bill(report *rp, size_t a, const double *hourly)
{
    double usd[COST_LINES];
    for (size_t r = 0; r < rp->reps; r++) {
        job_bill(rp->in->prices, hourly[a], run_job_at(rp, a, r), usd);
        rp->x[r] = usd[COST_LINES - 1];
        job_bill(rp->in->prices, hourly[0], run_job_at(rp, 0, r), usd);
        rp->y[r] = usd[COST_LINES - 1];
    }
    return paired_of(rp->x, rp->y, rp->reps);
}

/* Whether workload w of architecture a is also workload w of the first, and ran in both. */
bool run_comparable(const report *rp, size_t a, size_t w)
{
    const scenario *s = rp->in->s;
    return w < s->archs[0].nworkloads && run_job_at(rp, a, 0)->wl[w].active &&
           run_job_at(rp, 0, 0)->wl[w].active &&
           strcmp(s->archs[a].workloads[w].name, s->archs[0].workloads[w].name) == 0;
}

static int print_paired(FILE *f, report *rp, const double *hourly)
{
    const scenario *s = rp->in->s;
    table tb = {
        .ncols = 6,
        .head = {"architecture", "workload", "Δ mean ms", "Δ p50 ms", "Δ p99 ms", "Δ monthly"}};
    for (size_t a = 1; a < s->narchs; a++)
        for (size_t w = 0; w < s->archs[a].nworkloads; w++) {
            if (!run_comparable(rp, a, w)) continue;
            if (table_row(&tb)) return -1;
            snprintf(cell(&tb, 0), CELL, "%s", s->archs[a].name);
            snprintf(cell(&tb, 1), CELL, "%s", s->archs[a].workloads[w].name);
            fmt_ci(run_paired_wl(rp, a, w, WL(lat_ms) + Q_MEAN * sizeof(double)), 1, cell(&tb, 2),
                   CELL);
            fmt_ci(run_paired_wl(rp, a, w, WL(lat_ms) + Q_P50 * sizeof(double)), 1, cell(&tb, 3),
                   CELL);
            fmt_ci(run_paired_wl(rp, a, w, WL(lat_ms) + Q_P99 * sizeof(double)), 1, cell(&tb, 4),
                   CELL);
            money_ci(run_paired_bill(rp, a, hourly), cell(&tb, 5), CELL);
        }
    if (tb.nrows == 0) return 0;
    fprintf(f, "\n=== paired differences against %s (same seeds: architecture minus %s) ===\n",
            s->archs[0].name, s->archs[0].name);
    table_print(f, &tb);
    return 0;
}

/* ---- the whole ------------------------------------------------------------------------------- */

/* The static monthly cost of every architecture. Returns 0, or -1 with err set. */
int run_static_costs(const run_inputs *in, double *hourly, vs_error *err)
{
    for (size_t a = 0; a < in->s->narchs; a++) {
        cost_lines l = {0};
        if (cost_static(&in->s->archs[a], in->prices, &l, err)) return -1;
        hourly[a] = l.total_usd;
        cost_lines_free(&l);
    }
    return 0;
}

void run_print_header(FILE *f, const run_inputs *in, size_t npoints)
{
    char d[32], w[32];
    fprintf(f,
            "scenario %s (%s): %zu architecture%s x %zu replication%s of %s after %s of "
            "warm-up, seed %llu",
            in->s->name, in->s->file, in->s->narchs, in->s->narchs == 1 ? "" : "s", in->reps,
            in->reps == 1 ? "" : "s", units_format_duration(in->duration_ns, d, sizeof d),
            units_format_duration(in->warmup_ns, w, sizeof w), (unsigned long long)in->seed);
    if (npoints > 1) fprintf(f, ", %zu sweep points", npoints);
    fputs("\nmean over replications ± 95% Student-t half-width\n", f);
}

int run_print_point(FILE *f, report *rp, const double *hourly)
{
    const run_inputs *in = rp->in;
    for (size_t a = 0; a < in->s->narchs; a++) {
        fprintf(f, "\n=== architecture %s ===\n", in->s->archs[a].name);
        if (print_workloads(f, rp, a) || print_failures(f, rp, a) || print_components(f, rp, a) ||
            print_cost(f, rp, a, hourly[a]))
            return -1;
    }
    return print_paired(f, rp, hourly);
}

/* ---- the sweep summary ----------------------------------------------------------------------- */

static int sweep_rows(table *tb, report *rp, size_t nkeys, const double *hourly)
{
    const scenario *s = rp->in->s;
    for (size_t a = 0; a < s->narchs; a++) {
        char monthly[CELL];
        money_ci(run_bill_interval(rp, a, hourly[a], COST_LINES - 1), monthly, sizeof monthly);
        for (size_t w = 0; w < s->archs[a].nworkloads; w++) {
            if (!run_job_at(rp, a, 0)->wl[w].active) continue;
            if (table_row(tb)) return -1;
            for (size_t k = 0; k < nkeys; k++) snprintf(cell(tb, k), CELL, "%s", rp->in->value[k]);
            snprintf(cell(tb, nkeys), CELL, "%s", s->archs[a].name);
            snprintf(cell(tb, nkeys + 1), CELL, "%s", s->archs[a].workloads[w].name);
            fmt_ci(run_wl_interval(rp, a, w, WL(lat_ms) + Q_P99 * sizeof(double)), 1,
                   cell(tb, nkeys + 2), CELL);
            snprintf(cell(tb, nkeys + 3), CELL, "%s", monthly);
        }
    }
    return 0;
}

int run_print_sweep(FILE *f, report *rps, size_t npoints, const char *const *keys, size_t nkeys,
                    double *const *hourly)
{
    table tb = {.ncols = nkeys + 4};
    for (size_t k = 0; k < nkeys; k++) tb.head[k] = keys[k];
    tb.head[nkeys] = "architecture";
    tb.head[nkeys + 1] = "workload";
    tb.head[nkeys + 2] = quantile_head[Q_P99];
    tb.head[nkeys + 3] = "monthly (architecture)";
    for (size_t p = 0; p < npoints; p++)
        if (sweep_rows(&tb, &rps[p], nkeys, hourly[p])) return -1;
    fputs("\n=== sweep summary (p99 latency and monthly cost against the swept values) ===\n", f);
    table_print(f, &tb);
    return 0;
}
