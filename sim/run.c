/* `vpcsim run FILE`: every architecture x replication as an independent engine run (side by side
 * on OpenMP threads when there are enough runs, else one run split across threads), then per
 * architecture a table of what each workload saw (rates, success, latency quantiles with 95%
 * Student-t half-widths over replications, failures by cause, retries), what each component
 * carried, the monthly cost, and paired differences against the first architecture. Output is a
 * pure function of the scenario, the seed and the options other than --threads. */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "engine_runs.h"
#include "vpcsim/cost.h"
#include "vpcsim/params.h"
#include "vpcsim/run.h"
#include "vpcsim/scenario.h"
#include "vpcsim/stats.h"
#include "vpcsim/units.h"

#ifndef VPCSIM_SOURCE_DIR
#define VPCSIM_SOURCE_DIR "."
#endif

static const char DEFAULT_PRICES[] = VPCSIM_SOURCE_DIR "/experiments/prices/aws-us-east-1.yaml";
static const char DEFAULT_PARAMS[] = VPCSIM_SOURCE_DIR "/experiments/defaults/aws-us-east-1.yaml";

enum { MAX_REPLICATIONS = 100000 };
#define LEVEL              0.95
#define SECONDS_A_MONTH(p) ((p)->hours_per_month * 3600.0)
#define GB                 1073741824.0 /* AWS bills GB of 2^30 bytes (the price table's convention) */

/* ---- options --------------------------------------------------------------------------------- */

typedef struct run_opts {
    const char *file, *prices, *defaults, *queue;
    int threads;
    bool quiet;
    bool has_seed, has_reps, has_duration, has_warmup;
    uint64_t seed, reps;
    int64_t duration_ns, warmup_ns;
} run_opts;

static void run_usage(FILE *f)
{
    fputs(
        "usage: vpcsim run FILE [options]\n"
        "  simulates every architecture x replication of the scenario FILE and prints, per\n"
        "  architecture, each workload's rates, success, latency quantiles and failures, each\n"
        "  component's load, the monthly cost, and paired differences against the first\n"
        "  architecture (mean over replications +- 95% Student-t half-width)\n"
        "  --threads N         worker threads (default 1); results do not depend on it\n"
        "  --seed S            seed (default: the scenario's run.seed, else its seed)\n"
        "  --replications R    replications (default: run.replications, else 5)\n"
        "  --duration D        measured simulated time per run, e.g. 30s (default: run.duration,\n"
        "                      else 60s)\n"
        "  --warmup W          warm-up deleted from the statistics (default: run.warmup, else 5s)\n"
        "  --defaults FILE     model parameters (default: "
        "experiments/defaults/aws-us-east-1.yaml)\n"
        "  --prices FILE       price table (default: experiments/prices/aws-us-east-1.yaml)\n"
        "  --queue NAME        event list: ladder (default) or heap; same results\n"
        "  --quiet             no progress or speed figures on stderr\n",
        f);
}

static int parse_duration_opt(const char *opt, const char *s, int64_t *out, vs_error *err)
{
    vs_error e = {""};
    if (units_parse_duration(s, out, &e)) return error_set(err, "%s: %s", opt, e.msg);
    return 0;
}

/* Reads the value of option argv[*i]. Returns it, or NULL with err set. */
static const char *opt_value(int argc, char **argv, int *i, vs_error *err)
{
    if (*i + 1 >= argc) return error_set(err, "%s needs a value", argv[*i]), NULL;
    return argv[++*i];
}

static int parse_one(run_opts *o, int argc, char **argv, int *i, vs_error *err)
{
    const char *a = argv[*i], *v;
    uint64_t n;
    if (strcmp(a, "--quiet") == 0) return o->quiet = true, 0;
    if (strncmp(a, "--", 2) != 0 || !a[2]) {
        if (o->file)
            return error_set(err, "unexpected argument '%s' (one scenario FILE at a time)", a);
        o->file = a;
        return 0;
    }
    if (strcmp(a, "--threads") && strcmp(a, "--seed") && strcmp(a, "--replications") &&
        strcmp(a, "--duration") && strcmp(a, "--warmup") && strcmp(a, "--defaults") &&
        strcmp(a, "--prices") && strcmp(a, "--queue"))
        return error_set(err, "unknown option '%s'", a);
    if (!(v = opt_value(argc, argv, i, err))) return -1;
    if (strcmp(a, "--threads") == 0) {
        if (cli_parse_u64(a, v, 1, 256, &n, err)) return -1;
        o->threads = (int)n;
    } else if (strcmp(a, "--seed") == 0) {
        o->has_seed = true;
        return cli_parse_u64(a, v, 0, INT64_MAX, &o->seed, err);
    } else if (strcmp(a, "--replications") == 0) {
        o->has_reps = true;
        return cli_parse_u64(a, v, 1, MAX_REPLICATIONS, &o->reps, err);
    } else if (strcmp(a, "--duration") == 0) {
        o->has_duration = true;
        if (parse_duration_opt(a, v, &o->duration_ns, err)) return -1;
        if (o->duration_ns <= 0) return error_set(err, "--duration must be more than 0s");
    } else if (strcmp(a, "--warmup") == 0) {
        o->has_warmup = true;
        return parse_duration_opt(a, v, &o->warmup_ns, err);
    } else if (strcmp(a, "--defaults") == 0) {
        o->defaults = v;
    } else if (strcmp(a, "--queue") == 0) {
        if (strcmp(v, "ladder") && strcmp(v, "heap"))
            return error_set(err, "--queue expects ladder or heap, got '%s'", v);
        o->queue = v;
    } else {
        o->prices = v;
    }
    return 0;
}

static int parse_args(run_opts *o, int argc, char **argv, vs_error *err)
{
    *o = (run_opts){.prices = DEFAULT_PRICES, .defaults = DEFAULT_PARAMS, .threads = 1};
    for (int i = 0; i < argc; i++)
        if (parse_one(o, argc, argv, &i, err)) return -1;
    if (!o->file) return error_set(err, "missing the scenario FILE");
    return 0;
}

/* ---- inputs and settings --------------------------------------------------------------------- */

typedef struct run_inputs {
    scenario *s;
    param_table *params;
    cost_prices *prices;
    uint64_t seed;
    size_t reps;
    vs_time duration_ns, warmup_ns;
} run_inputs;

static void inputs_free(run_inputs *in)
{
    cost_prices_free(in->prices);
    params_free(in->params);
    scenario_free(in->s);
}

/* run: duration, warmup, replications, seed, each overridden by its option. */
static int settings(const run_opts *o, run_inputs *in, vs_error *err)
{
    const config_node *run = in->s->run;
    int64_t reps = 5, seed = (int64_t)in->s->seed;
    in->duration_ns = 60 * VS_NS_PER_S;
    in->warmup_ns = 5 * VS_NS_PER_S;
    if (run &&
        (config_get_duration(run, "duration", "60s", &in->duration_ns, err) ||
         config_get_duration(run, "warmup", "5s", &in->warmup_ns, err) ||
         config_get_int(run, "replications", "5", 1, MAX_REPLICATIONS, &reps, err) ||
         (config_find(run, "seed") && config_get_int(run, "seed", NULL, 0, INT64_MAX, &seed, err))))
        return -1;
    if (run && config_find(run, "duration") && in->duration_ns <= 0)
        return config_error_at(config_find(run, "duration"), err, "duration must be more than 0s");
    if (o->has_duration) in->duration_ns = o->duration_ns;
    if (o->has_warmup) in->warmup_ns = o->warmup_ns;
    in->reps = o->has_reps ? (size_t)o->reps : (size_t)reps;
    in->seed = o->has_seed ? o->seed : (uint64_t)seed;
    return 0;
}

static int load_inputs(const run_opts *o, run_inputs *in)
{
    vs_error err = {""};
    *in = (run_inputs){0};
    if (scenario_load_file(o->file, &in->s, &err) || settings(o, in, &err)) goto bad;
    if (!(in->params = params_load_file(o->defaults, &err)) ||
        params_apply_overrides(in->params, in->s->overrides, &err))
        goto bad;
    if (cost_prices_load_file(o->prices, &in->prices, &err)) goto bad;
    if (!o->quiet && in->s->run && config_find(in->s->run, "sweep"))
        fprintf(stderr,
                "vpcsim run: note: run.sweep is not supported yet; running the base point\n");
    return 0;
bad:
    fprintf(stderr, "%s\n", err.msg);
    inputs_free(in);
    return EXIT_USAGE;
}

/* ---- jobs ------------------------------------------------------------------------------------ */

enum { Q_MEAN, Q_P50, Q_P90, Q_P99, Q_P999, NQ };
static const double quantile_of[NQ] = {0, 0.5, 0.9, 0.99, 0.999};
static const char *const quantile_head[NQ] = {"mean ms", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms"};

/* What one run measured, per second of the window where it is a count. */
typedef struct wl_sum {
    bool active;
    double offered, completed, retries, late, unfinished, quota;
    double failed[CLIENT_FAIL_COUNT];
    double success;    /* completed / offered (NaN when nothing was offered) */
    double lat_ms[NQ]; /* NaN when nothing completed */
    uint64_t attempts; /* measured attempts (for speed figures) */
} wl_sum;

typedef struct comp_sum {
    char name[RUN_NAME_MAX];
    hop_kind kind;
    bool many; /* many-server station: utilisation means nothing */
    double util, in_station, bytes_s, drops_s, peak;
} comp_sum;

typedef struct job {
    size_t arch, rep;
    uint64_t seed;
    wl_sum *wl;     /* [workloads] */
    comp_sum *comp; /* [ncomp] */
    size_t ncomp;
    double gb_bytes_s[COST_GB_COUNT]; /* billed bytes per second by item */
    double core_s;                    /* engine wall time x partitions */
    uint64_t events;
    int failed;
    vs_error err;
} job;

typedef struct run_ctx {
    const run_inputs *in;
    job *jobs; /* [arch x rep], arch-major */
    int engine_threads;
    const char *queue; /* event list, NULL: the engine's default */
} run_ctx;

/* Replication r's seed: the same in every architecture (common random numbers). SplitMix64 of
 * the scenario seed and r. */
static uint64_t replication_seed(uint64_t seed, size_t r)
{
    uint64_t z = seed + 0x9E3779B97F4A7C15ull * (uint64_t)(r + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static void summarise_workload(const run_workload *w, double window_s, wl_sum *s)
{
    const client_stats *c = &w->st;
    s->active = w->active;
    s->offered = (double)c->offered / window_s;
    s->completed = (double)c->succeeded / window_s;
    s->retries = (double)c->retries / window_s;
    s->late = (double)c->late / window_s;
    s->unfinished = (double)c->unfinished;
    s->quota = (double)c->quota_refusals / window_s;
    for (int k = 0; k < CLIENT_FAIL_COUNT; k++) s->failed[k] = (double)c->failed[k] / window_s;
    s->success = c->offered ? (double)c->succeeded / (double)c->offered : NAN;
    s->attempts = c->attempts;
    for (int q = 0; q < NQ; q++)
        s->lat_ms[q] = c->latency.count == 0 ? NAN
                       : q == Q_MEAN         ? hist_mean(&c->latency) / 1e6
                                     : (double)hist_quantile(&c->latency, quantile_of[q]) / 1e6;
}

static void summarise_component(const run_component *c, double window_s, comp_sum *s)
{
    snprintf(s->name, sizeof s->name, "%s", c->name);
    s->kind = c->kind;
    s->many = c->capacity_bps == 0;
    s->util = c->st.utilisation;
    s->in_station = c->st.mean_in_station;
    s->bytes_s = (double)c->st.bytes / window_s;
    s->drops_s = (double)c->st.drops / window_s;
    s->peak = (double)c->st.peak;
}

static int summarise(job *j, const run_result *r)
{
    size_t nw = r->nworkloads ? r->nworkloads : 1;
    j->wl = calloc(nw, sizeof *j->wl);
    j->comp = calloc(r->ncomponents ? r->ncomponents : 1, sizeof *j->comp);
    if (!j->wl || !j->comp) return error_set(&j->err, "out of memory");
    for (size_t w = 0; w < r->nworkloads; w++)
        summarise_workload(&r->workloads[w], r->window_s, &j->wl[w]);
    for (size_t c = 0; c < r->ncomponents; c++)
        summarise_component(&r->components[c], r->window_s, &j->comp[c]);
    j->ncomp = r->ncomponents;
    for (int k = 0; k < COST_GB_COUNT; k++) j->gb_bytes_s[k] = (double)r->gb_bytes[k] / r->window_s;
    j->core_s = r->engine.wall_s * (r->engine.partitions > 0 ? r->engine.partitions : 1);
    j->events = r->engine.events;
    return 0;
}

static int run_job(void *ctxp, size_t i)
{
    run_ctx *ctx = ctxp;
    job *j = &ctx->jobs[i];
    const run_inputs *in = ctx->in;
    run_config cfg = {.seed = j->seed,
                      .warmup_ns = in->warmup_ns,
                      .duration_ns = in->duration_ns,
                      .threads = ctx->engine_threads,
                      .queue = ctx->queue};
    run_result r;
    if (run_model_run(&in->s->archs[j->arch], in->params, &cfg, &r, &j->err)) return j->failed = 1;
    if (summarise(j, &r)) j->failed = 1;
    run_result_free(&r);
    return j->failed;
}

static void jobs_free(job *jobs, size_t n)
{
    for (size_t i = 0; jobs && i < n; i++) free(jobs[i].wl), free(jobs[i].comp);
    free(jobs);
}

/* ---- statistics over replications ------------------------------------------------------------ */

/* Mean and half-width of field values x[0..n) (NaNs skipped; n_ok < n marks missing ones). */
static stats_interval interval(const double *x, size_t n)
{
    double *v = malloc((n ? n : 1) * sizeof *v);
    size_t k = 0;
    stats_interval s = {NAN, NAN, NAN, 0};
    if (!v) return s;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i])) v[k++] = x[i];
    if (k > 0) stats_mean_ci(v, k, LEVEL, &s);
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

enum { COLS = 10, CELL = RUN_NAME_MAX + 8 };

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

typedef struct report {
    const run_inputs *in;
    const job *jobs;
    size_t reps;
    double *x, *y; /* scratch [reps] */
} report;

static const job *job_at(const report *rp, size_t arch, size_t rep)
{
    return &rp->jobs[arch * rp->reps + rep];
}

/* Interval over replications of the double at byte offset off of workload w's summary. */
static stats_interval wl_interval(const report *rp, size_t a, size_t w, size_t off)
{
    for (size_t r = 0; r < rp->reps; r++) {
        const char *base = (const char *)&job_at(rp, a, r)->wl[w];
        memcpy(&rp->x[r], base + off, sizeof(double));
    }
    return interval(rp->x, rp->reps);
}

/* The same for component c's summary. */
static stats_interval comp_interval(const report *rp, size_t a, size_t c, size_t off)
{
    for (size_t r = 0; r < rp->reps; r++) {
        const char *base = (const char *)&job_at(rp, a, r)->comp[c];
        memcpy(&rp->x[r], base + off, sizeof(double));
    }
    return interval(rp->x, rp->reps);
}

#define WL(field)   offsetof(wl_sum, field)
#define COMP(field) offsetof(comp_sum, field)

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
        if (!job_at(rp, a, 0)->wl[w].active) {
            snprintf(cell(&tb, 1), CELL, "no traffic");
            continue;
        }
        fmt_ci(wl_interval(rp, a, w, WL(offered)), 1, cell(&tb, 1), CELL);
        fmt_ci(wl_interval(rp, a, w, WL(completed)), 1, cell(&tb, 2), CELL);
        fmt_ci(wl_interval(rp, a, w, WL(success)), 100, cell(&tb, 3), CELL);
        for (int q = 0; q < NQ; q++)
            fmt_ci(wl_interval(rp, a, w, WL(lat_ms) + (size_t)order[q] * sizeof(double)), 1,
                   cell(&tb, 4 + (size_t)q), CELL);
        fmt_ci(wl_interval(rp, a, w, WL(retries)), 1, cell(&tb, 9), CELL);
    }
    fputs("  workloads (calls created after the warm-up; latency of the successful ones)\n", f);
    table_print(f, &tb);
    return 0;
}

static int print_failures(FILE *f, report *rp, size_t a)
{
    const topology *t = &rp->in->s->archs[a];
    table tb = {.ncols = 9,
                .head = {"workload", "timeout/s", "dropped/s", "denied/s", "unreachable/s",
                         "throttled/s", "no retry quota/s", "late replies/s", "unfinished"}};
    for (size_t w = 0; w < t->nworkloads; w++) {
        if (!job_at(rp, a, 0)->wl[w].active) continue;
        if (table_row(&tb)) return -1;
        snprintf(cell(&tb, 0), CELL, "%s", t->workloads[w].name);
        for (int k = 0; k < CLIENT_FAIL_COUNT; k++)
            fmt_ci(wl_interval(rp, a, w, WL(failed) + (size_t)k * sizeof(double)), 1,
                   cell(&tb, 1 + (size_t)k), CELL);
        fmt_ci(wl_interval(rp, a, w, WL(quota)), 1, cell(&tb, 6), CELL);
        fmt_ci(wl_interval(rp, a, w, WL(late)), 1, cell(&tb, 7), CELL);
        fmt_ci(wl_interval(rp, a, w, WL(unfinished)), 1, cell(&tb, 8), CELL);
    }
    if (tb.nrows == 0) return 0;
    fputs("  failures after the last attempt, by cause (per second of the window)\n", f);
    table_print(f, &tb);
    return 0;
}

static int print_components(FILE *f, report *rp, size_t a)
{
    const job *j0 = job_at(rp, a, 0);
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
            fmt_ci(comp_interval(rp, a, c, COMP(util)), 100, cell(&tb, 2), CELL);
        fmt_ci(comp_interval(rp, a, c, COMP(in_station)), 1, cell(&tb, 3), CELL);
        fmt_ci(comp_interval(rp, a, c, COMP(peak)), 1, cell(&tb, 4), CELL);
        fmt_ci(comp_interval(rp, a, c, COMP(bytes_s)), 1e-6, cell(&tb, 5), CELL);
        fmt_ci(comp_interval(rp, a, c, COMP(drops_s)), 1, cell(&tb, 6), CELL);
    }
    if (tb.nrows == 0) return 0;
    fputs("  components (utilisation of bandwidth stations; '-': no capacity limit modelled)\n", f);
    table_print(f, &tb);
    return 0;
}

/* ---- cost ------------------------------------------------------------------------------------ */

enum { COST_LINES = COST_GB_COUNT + 2 }; /* hourly, per-GB items, total */

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
    double gb = j->gb_bytes_s[k] * SECONDS_A_MONTH(p) / GB;
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
static stats_interval bill_interval(report *rp, size_t a, double hourly, int line)
{
    const cost_prices *p = rp->in->prices;
    size_t nw = rp->in->s->archs[a].nworkloads;
    double usd[COST_LINES];
    for (size_t r = 0; r < rp->reps; r++) {
        const job *j = job_at(rp, a, r);
        job_bill(p, hourly, j, usd);
        double per_m = job_completed_s(j, nw) * SECONDS_A_MONTH(p) / 1e6;
        rp->x[r] = line >= 0 ? usd[line] : per_m > 0 ? usd[COST_LINES - 1] / per_m : NAN;
    }
    return interval(rp->x, rp->reps);
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
                 bill_interval(rp, a, hourly, 0)))
        return -1;
    for (int k = 0; k < COST_GB_COUNT; k++) {
        for (size_t r = 0; r < rp->reps; r++) rp->x[r] = monthly_gb(p, job_at(rp, a, r), k);
        stats_interval g = interval(rp->x, rp->reps);
        if (!(g.mean > 0)) continue;
        fmt_ci(g, 1, vol, sizeof vol);
        if (cost_row(&tb, gb_label[k], vol, bill_interval(rp, a, hourly, 1 + k))) return -1;
    }
    if (cost_row(&tb, "total", "", bill_interval(rp, a, hourly, COST_LINES - 1)) ||
        cost_row(&tb, "per million completed requests", "", bill_interval(rp, a, hourly, -1)))
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
    if (n > 0) stats_paired_ci(x, y, n, LEVEL, &s);
    return s;
}

/* Paired interval of the double at offset off of workload w's summary. */
static stats_interval paired_wl(report *rp, size_t a, size_t w, size_t off)
{
    for (size_t r = 0; r < rp->reps; r++) {
        memcpy(&rp->x[r], (const char *)&job_at(rp, a, r)->wl[w] + off, sizeof(double));
        memcpy(&rp->y[r], (const char *)&job_at(rp, 0, r)->wl[w] + off, sizeof(double));
    }
    return paired_of(rp->x, rp->y, rp->reps);
}

static stats_interval paired_bill(report *rp, size_t a, const double *hourly)
{
    double usd[COST_LINES];
    for (size_t r = 0; r < rp->reps; r++) {
        job_bill(rp->in->prices, hourly[a], job_at(rp, a, r), usd);
        rp->x[r] = usd[COST_LINES - 1];
        job_bill(rp->in->prices, hourly[0], job_at(rp, 0, r), usd);
        rp->y[r] = usd[COST_LINES - 1];
    }
    return paired_of(rp->x, rp->y, rp->reps);
}

/* Whether workload w of architecture a is also workload w of the first, and ran in both. */
static bool comparable(const report *rp, size_t a, size_t w)
{
    const scenario *s = rp->in->s;
    return w < s->archs[0].nworkloads && job_at(rp, a, 0)->wl[w].active &&
           job_at(rp, 0, 0)->wl[w].active &&
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
            if (!comparable(rp, a, w)) continue;
            if (table_row(&tb)) return -1;
            snprintf(cell(&tb, 0), CELL, "%s", s->archs[a].name);
            snprintf(cell(&tb, 1), CELL, "%s", s->archs[a].workloads[w].name);
            fmt_ci(paired_wl(rp, a, w, WL(lat_ms) + Q_MEAN * sizeof(double)), 1, cell(&tb, 2),
                   CELL);
            fmt_ci(paired_wl(rp, a, w, WL(lat_ms) + Q_P50 * sizeof(double)), 1, cell(&tb, 3), CELL);
            fmt_ci(paired_wl(rp, a, w, WL(lat_ms) + Q_P99 * sizeof(double)), 1, cell(&tb, 4), CELL);
            money_ci(paired_bill(rp, a, hourly), cell(&tb, 5), CELL);
        }
    if (tb.nrows == 0) return 0;
    fprintf(f, "\n=== paired differences against %s (same seeds: architecture minus %s) ===\n",
            s->archs[0].name, s->archs[0].name);
    table_print(f, &tb);
    return 0;
}

/* ---- the whole ------------------------------------------------------------------------------- */

/* The static monthly cost of every architecture. Returns 0, or -1 with err set. */
static int static_costs(const run_inputs *in, double *hourly, vs_error *err)
{
    for (size_t a = 0; a < in->s->narchs; a++) {
        cost_lines l = {0};
        if (cost_static(&in->s->archs[a], in->prices, &l, err)) return -1;
        hourly[a] = l.total_usd;
        cost_lines_free(&l);
    }
    return 0;
}

static int print_report(FILE *f, report *rp, const double *hourly)
{
    const run_inputs *in = rp->in;
    char d[32], w[32];
    fprintf(f,
            "scenario %s (%s): %zu architecture%s x %zu replication%s of %s after %s of "
            "warm-up, seed %llu\n",
            in->s->name, in->s->file, in->s->narchs, in->s->narchs == 1 ? "" : "s", rp->reps,
            rp->reps == 1 ? "" : "s", units_format_duration(in->duration_ns, d, sizeof d),
            units_format_duration(in->warmup_ns, w, sizeof w), (unsigned long long)in->seed);
    fputs("mean over replications ± 95% Student-t half-width\n", f);
    for (size_t a = 0; a < in->s->narchs; a++) {
        fprintf(f, "\n=== architecture %s ===\n", in->s->archs[a].name);
        if (print_workloads(f, rp, a) || print_failures(f, rp, a) || print_components(f, rp, a) ||
            print_cost(f, rp, a, hourly[a]))
            return -1;
    }
    return print_paired(f, rp, hourly);
}

/* Speed figures on stderr: not part of the report (they depend on the machine). */
static void print_speed(const run_ctx *ctx, size_t njobs, int threads, double wall_s)
{
    uint64_t events = 0, attempts = 0;
    double core_s = 0;
    for (size_t i = 0; i < njobs; i++) {
        const job *j = &ctx->jobs[i];
        events += j->events;
        core_s += j->core_s;
        for (size_t w = 0; w < ctx->in->s->archs[j->arch].nworkloads; w++)
            attempts += j->wl[w].attempts;
    }
    fprintf(stderr,
            "vpcsim run: %zu run%s on %d thread%s (%s) in %.2f s: %llu events, %.3g measured "
            "requests/s per core, %.3g events/s per core\n",
            njobs, njobs == 1 ? "" : "s", threads, threads == 1 ? "" : "s",
            ctx->engine_threads > 1 ? "each run split across the threads" : "runs side by side",
            wall_s, (unsigned long long)events, core_s > 0 ? (double)attempts / core_s : 0,
            core_s > 0 ? (double)events / core_s : 0);
}

/* Every architecture's model builds: a fault in the scenario shows before anything runs. */
static int preflight(const run_inputs *in)
{
    run_config cfg = {
        .seed = in->seed, .warmup_ns = in->warmup_ns, .duration_ns = in->duration_ns, .threads = 1};
    vs_error err = {""};
    for (size_t a = 0; a < in->s->narchs; a++)
        if (run_model_check(&in->s->archs[a], in->params, &cfg, &err)) {
            fprintf(stderr, "%s\n", err.msg);
            return EXIT_USAGE;
        }
    return 0;
}

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Runs every job: side by side when there are at least as many as threads, else one after the
 * other, each split across the threads. Returns 0, or 1 after printing the first failure. */
static int run_all(run_ctx *ctx, size_t njobs, const run_opts *o)
{
    size_t reps = ctx->in->reps;
    for (size_t i = 0; i < njobs; i++) {
        ctx->jobs[i].arch = i / reps;
        ctx->jobs[i].rep = i % reps;
        ctx->jobs[i].seed = replication_seed(ctx->in->seed, i % reps);
    }
    bool side_by_side = njobs >= (size_t)o->threads;
    ctx->engine_threads = side_by_side ? 1 : o->threads;
    double t0 = wall_now();
    size_t failed = engine_runs(njobs, side_by_side ? o->threads : 1, run_job, ctx);
    for (size_t i = 0; failed && i < njobs; i++)
        if (ctx->jobs[i].failed) {
            fprintf(stderr, "vpcsim run: architecture %s, replication %zu: %s\n",
                    ctx->in->s->archs[ctx->jobs[i].arch].name, ctx->jobs[i].rep + 1,
                    ctx->jobs[i].err.msg);
            return 1;
        }
    if (!o->quiet) print_speed(ctx, njobs, o->threads, wall_now() - t0);
    return 0;
}

static int report_all(const run_ctx *ctx)
{
    const run_inputs *in = ctx->in;
    vs_error err = {""};
    double *hourly = calloc(in->s->narchs, sizeof *hourly);
    report rp = {.in = in,
                 .jobs = ctx->jobs,
                 .reps = in->reps,
                 .x = calloc(in->reps, sizeof(double)),
                 .y = calloc(in->reps, sizeof(double))};
    int rc = !hourly || !rp.x || !rp.y ? error_set(&err, "out of memory")
                                       : static_costs(in, hourly, &err);
    if (rc == 0) rc = print_report(stdout, &rp, hourly);
    if (rc == 0 && (fflush(stdout) || ferror(stdout))) rc = error_set(&err, "cannot write");
    if (rc) fprintf(stderr, "vpcsim run: %s\n", err.msg[0] ? err.msg : "out of memory");
    free(hourly), free(rp.x), free(rp.y);
    return rc ? 1 : 0;
}

int run_main(int argc, char **argv)
{
    run_opts o;
    run_inputs in;
    vs_error err = {""};
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            run_usage(stdout);
            return 0;
        }
    if (parse_args(&o, argc, argv, &err)) {
        fprintf(stderr, "vpcsim run: %s\n", err.msg);
        run_usage(stderr);
        return EXIT_USAGE;
    }
    int rc = load_inputs(&o, &in);
    if (rc) return rc;
    if ((rc = preflight(&in)) == 0) {
        size_t njobs = in.s->narchs * in.reps;
        run_ctx ctx = {.in = &in, .jobs = calloc(njobs ? njobs : 1, sizeof(job)), .queue = o.queue};
        if (!ctx.jobs) {
            fputs("vpcsim run: out of memory\n", stderr);
            rc = 1;
        } else {
            rc = run_all(&ctx, njobs, &o);
            if (rc == 0) rc = report_all(&ctx);
        }
        jobs_free(ctx.jobs, njobs);
    }
    inputs_free(&in);
    return rc;
}
