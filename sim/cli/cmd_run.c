/* `vpcsim run FILE`: every sweep point x architecture x replication as an independent engine run
 * (side by side on OpenMP threads when there are enough runs, else one run split across threads),
 * then the text report (sim/cli/text_report.c, from the summary rows of sim/cli/summary.c) and,
 * with -o, an HDF5 file (sim/cli/h5_results.c) that each run adds its group to as it finishes.
 * --set and sweep points patch the scenario's text before it is loaded (sim/cli/scenario_patch.c).
 * A watcher thread (sim/cli/progress.c) draws the progress line and takes SIGINT. Output is a pure
 * function of the scenario, the seed and the options other than --threads. */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "engine/jobs.h"
#include "cli/progress.h"
#include "cli/results.h"
#include "cli/observe.h"
#include "vpcsim/units.h"

#ifndef VPCSIM_SOURCE_DIR
#define VPCSIM_SOURCE_DIR "."
#endif

/* A marker: the table of the scenario's Region (prices_path_for) */
static const char DEFAULT_PRICES[] = "experiments/prices/aws-REGION.yaml";
static const char DEFAULT_PARAMS[] = VPCSIM_SOURCE_DIR "/experiments/defaults/aws-us-east-1.yaml";

enum { MAX_REPLICATIONS = 100000, MAX_SETS = 256 };
static const double quantile_of[NQ] = {0, 0.5, 0.9, 0.99, 0.999};

/* ---- options --------------------------------------------------------------------------------- */

typedef struct run_opts {
    const char *file, *prices, *defaults, *queue;
    const char *out; /* -o: the HDF5 file, or NULL */
    int threads;
    bool quiet;
    bool has_seed, has_reps, has_duration, has_warmup;
    uint64_t seed, reps;
    int64_t duration_ns, warmup_ns;
    scenario_patch sets[MAX_SETS]; /* --set, in order (label malloc'd, path and value inside it) */
    size_t nsets;
    output_plan_asked asked; /* --records, --spans, --series-bin */
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
        "  --prices FILE       price table (default: experiments/prices/aws-REGION.yaml for the\n"
        "                      scenario's first Region; a Region without one is an error)\n"
        "  --queue NAME        event list: ladder (default) or heap; same results\n"
        "  --set KEY=VALUE     sets a scalar of the scenario by its dotted path, as if the file\n"
        "                      said so: run.duration=30s, workloads.NAME.traffic.rate=500/s\n"
        "                      (repeatable; sequence items by name or index)\n"
        "  -o FILE             also write the results to the HDF5 file FILE (docs/output.md);\n"
        "                      Ctrl-C keeps the runs done so far in it, marked incomplete\n"
        "  --records F         with -o: share of measured calls kept as request records, 0 to 1\n"
        "                      (default: output.records, else 1; lowered to ~200,000 a run)\n"
        "  --spans F           with -o: share of requests whose per-hop spans are kept, 0 to 1\n"
        "                      (default: output.spans, else 0.01)\n"
        "  --series-bin D      with -o: time series bin, e.g. 100ms (default: output.series_bin,\n"
        "                      else warm-up + duration / 200)\n"
        "  --quiet             no progress line or speed figures on stderr\n",
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

/* --set KEY=VALUE: label "--set KEY=VALUE", then KEY and VALUE, in one allocation. */
static int parse_set(run_opts *o, const char *v, vs_error *err)
{
    const char *eq = strchr(v, '=');
    size_t n = strlen(v), k = eq ? (size_t)(eq - v) : 0;
    if (!eq || k == 0) return error_set(err, "--set expects KEY=VALUE, got '%s'", v);
    if (o->nsets == MAX_SETS) return error_set(err, "more than %d --set options", MAX_SETS);
    char *buf = malloc(2 * n + 16), *path, *value;
    if (!buf) return error_set(err, "out of memory");
    memcpy(buf, "--set ", 6);
    memcpy(buf + 6, v, n + 1);
    path = buf + n + 7;
    memcpy(path, v, k);
    path[k] = 0;
    value = path + k + 1;
    memcpy(value, eq + 1, n - k); /* with the NUL */
    o->sets[o->nsets++] = (scenario_patch){.path = path, .value = value, .label = buf};
    return 0;
}

static void opts_free(run_opts *o)
{
    for (size_t i = 0; i < o->nsets; i++) free((char *)o->sets[i].label);
    o->nsets = 0;
}

/* --records F, --spans F (0 to 1, or a percentage), --series-bin D (> 0). */
static int parse_output_opt(output_plan_asked *o, const char *opt, const char *v, vs_error *err)
{
    vs_error e = {""};
    if (strcmp(opt, "--series-bin") == 0) {
        if (units_parse_duration(v, &o->bin_ns, &e)) return error_set(err, "%s: %s", opt, e.msg);
        if (o->bin_ns <= 0) return error_set(err, "--series-bin must be more than 0s, got '%s'", v);
        o->has_bin = true;
        return 0;
    }
    double f;
    if (units_parse_probability(v, &f, &e))
        return error_set(err, "%s expects a share from 0 to 1 (or 0%% to 100%%), got '%s'", opt, v);
    if (strcmp(opt, "--records") == 0)
        o->records = f, o->has_records = true;
    else
        o->spans = f, o->has_spans = true;
    return 0;
}

static int parse_one(run_opts *o, int argc, char **argv, int *i, vs_error *err)
{
    const char *a = argv[*i], *v;
    uint64_t n;
    if (strcmp(a, "--quiet") == 0) return o->quiet = true, 0;
    if (strcmp(a, "-o") != 0 && (strncmp(a, "--", 2) != 0 || !a[2])) {
        if (o->file)
            return error_set(err, "unexpected argument '%s' (one scenario FILE at a time)", a);
        o->file = a;
        return 0;
    }
    if (strcmp(a, "--threads") && strcmp(a, "--seed") && strcmp(a, "--replications") &&
        strcmp(a, "--duration") && strcmp(a, "--warmup") && strcmp(a, "--defaults") &&
        strcmp(a, "--prices") && strcmp(a, "--queue") && strcmp(a, "--set") && strcmp(a, "-o") &&
        strcmp(a, "--records") && strcmp(a, "--spans") && strcmp(a, "--series-bin"))
        return error_set(err, "unknown option '%s'", a);
    if (!(v = opt_value(argc, argv, i, err))) return -1;
    if (strcmp(a, "--records") == 0 || strcmp(a, "--spans") == 0 || strcmp(a, "--series-bin") == 0)
        return parse_output_opt(&o->asked, a, v, err);
    if (strcmp(a, "--threads") == 0) {
        if (options_parse_u64(a, v, 1, 256, &n, err)) return -1;
        o->threads = (int)n;
    } else if (strcmp(a, "--seed") == 0) {
        o->has_seed = true;
        return options_parse_u64(a, v, 0, INT64_MAX, &o->seed, err);
    } else if (strcmp(a, "--replications") == 0) {
        o->has_reps = true;
        return options_parse_u64(a, v, 1, MAX_REPLICATIONS, &o->reps, err);
    } else if (strcmp(a, "--duration") == 0) {
        o->has_duration = true;
        if (parse_duration_opt(a, v, &o->duration_ns, err)) return -1;
        if (o->duration_ns <= 0) return error_set(err, "--duration must be more than 0s");
    } else if (strcmp(a, "--warmup") == 0) {
        o->has_warmup = true;
        return parse_duration_opt(a, v, &o->warmup_ns, err);
    } else if (strcmp(a, "--set") == 0) {
        return parse_set(o, v, err);
    } else if (strcmp(a, "-o") == 0) {
        if (!*v) return error_set(err, "-o needs a file name");
        o->out = v;
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
    memset(o, 0, sizeof *o);
    o->prices = DEFAULT_PRICES, o->defaults = DEFAULT_PARAMS, o->threads = 1;
    for (int i = 0; i < argc; i++)
        if (parse_one(o, argc, argv, &i, err)) return -1;
    if (!o->file) return error_set(err, "missing the scenario FILE");
    if (!o->out && (o->asked.has_records || o->asked.has_spans || o->asked.has_bin))
        return error_set(err, "%s only matters with -o FILE",
                         o->asked.has_records ? "--records"
                         : o->asked.has_spans ? "--spans"
                                              : "--series-bin");
    return 0;
}

/* ---- inputs: the scenario, --set, sweep points ----------------------------------------------- */

/* Everything the run reads: the file as loaded, the scenario after --set, the sweep, and one
 * run_inputs per sweep point. */
typedef struct run_plan {
    scenario *file;                   /* as loaded from the file: the text patches start from */
    scenario *base;                   /* after --set (the file's when there is none) */
    scenario_patch_map *base_map;     /* where base's text came from, or NULL */
    cost_prices *prices;              /* the price table */
    const config_node *sweep;         /* base's run.sweep, or NULL */
    const char *keys[RUN_SWEEP_KEYS]; /* swept paths */
    size_t nkeys;
    run_inputs *pts; /* [npoints] */
    size_t npoints;
    scenario_patch *patches; /* scratch: --set then the point's values */
    char (*labels)[320];     /* scratch: labels of the point's values */
} run_plan;

static void plan_free(run_plan *pl)
{
    for (size_t p = 0; pl->pts && p < pl->npoints; p++) {
        params_free(pl->pts[p].params);
        if (pl->pts[p].s != pl->base) scenario_free(pl->pts[p].s);
        scenario_patch_map_free(pl->pts[p].map);
    }
    free(pl->pts), free(pl->patches), free(pl->labels);
    cost_prices_free(pl->prices);
    if (pl->base != pl->file) scenario_free(pl->base);
    scenario_patch_map_free(pl->base_map);
    scenario_free(pl->file);
    memset(pl, 0, sizeof *pl);
}

/* run: duration, warmup, replications, seed, each overridden by its option. */
static int settings(const run_opts *o, const scenario *s, run_inputs *in, vs_error *err)
{
    const config_node *run = s->run;
    int64_t reps = 5, seed = (int64_t)s->seed;
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

/* The swept keys of base's run.sweep; run settings cannot be swept (every point shares them). */
static int sweep_keys(run_plan *pl, vs_error *err)
{
    size_t npoints = 1;
    pl->sweep = pl->base->run ? config_find(pl->base->run, "sweep") : NULL;
    pl->nkeys = pl->sweep ? config_len(pl->sweep) : 0;
    for (size_t k = 0; k < pl->nkeys; k++) {
        const config_node *key = config_key_at(pl->sweep, k);
        pl->keys[k] = config_scalar(key);
        if (strncmp(pl->keys[k], "run.", 4) == 0 || strcmp(pl->keys[k], "run") == 0)
            return config_error_at(key, err,
                                   "run.sweep cannot sweep '%s': run settings are the same for "
                                   "every point (use --set, or one run per value)",
                                   pl->keys[k]);
        npoints *= config_len(config_at(pl->sweep, k));
    }
    pl->npoints = npoints;
    return 0;
}

/* Point p's patches: --set, then each swept key's value at p (the first key varies slowest). */
static size_t point_patches(run_plan *pl, const run_opts *o, size_t p, run_inputs *in)
{
    size_t n = o->nsets, stride = pl->npoints;
    memcpy(pl->patches, o->sets, o->nsets * sizeof *o->sets);
    for (size_t k = 0; k < pl->nkeys; k++) {
        const config_node *vals = config_at(pl->sweep, k), *v;
        stride /= config_len(vals);
        v = config_at(vals, (p / stride) % config_len(vals));
        vs_error pos = {""};
        snprintf(pos.msg, sizeof pos.msg, "%s:%d:%d", config_file(v), config_line(v),
                 config_col(v));
        scenario_patch_translate(pl->base_map, &pos);
        snprintf(pl->labels[k], sizeof pl->labels[k], "%.120s: run.sweep '%.60s' = '%.60s'",
                 pos.msg, pl->keys[k], config_scalar(v));
        in->value[k] = config_scalar(v);
        pl->patches[n++] = (scenario_patch){pl->keys[k], config_scalar(v), pl->labels[k]};
    }
    return n;
}

static int load_point(run_plan *pl, const run_opts *o, size_t p, vs_error *err)
{
    run_inputs *in = &pl->pts[p];
    *in = pl->pts[0]; /* the shared settings */
    in->s = NULL, in->params = NULL, in->map = NULL;
    if (pl->nkeys == 0) {
        in->s = pl->base;
        in->map = pl->base_map, pl->base_map = NULL;
    } else {
        size_t n = point_patches(pl, o, p, in);
        if (scenario_patch_load(config_root(pl->file->doc), o->file, pl->patches, n, &in->s,
                                &in->map, err))
            return -1;
        if (in->s->narchs != pl->base->narchs)
            return error_set(err, "%s: sweep point %zu has other architectures", o->file, p + 1);
    }
    if (!(in->params = params_load_file(o->defaults, err)) ||
        params_apply_overrides(in->params, in->s->overrides, err)) {
        scenario_patch_translate(in->map, err);
        return -1;
    }
    return 0;
}

static int load_base(run_plan *pl, const run_opts *o, vs_error *err)
{
    if (scenario_load_file(o->file, &pl->file, err)) return -1;
    pl->base = pl->file;
    if (o->nsets && scenario_patch_load(config_root(pl->file->doc), o->file, o->sets, o->nsets,
                                        &pl->base, &pl->base_map, err)) {
        pl->base = pl->file;
        return -1;
    }
    return 0;
}

static int load_plan(const run_opts *o, run_plan *pl)
{
    vs_error err = {""};
    memset(pl, 0, sizeof *pl);
    if (load_base(pl, o, &err)) goto bad;
    if (sweep_keys(pl, &err)) goto bad_translated;
    pl->pts = calloc(pl->npoints, sizeof *pl->pts);
    pl->patches = calloc(o->nsets + RUN_SWEEP_KEYS, sizeof *pl->patches);
    pl->labels = calloc(RUN_SWEEP_KEYS, sizeof *pl->labels);
    if (!pl->pts || !pl->patches || !pl->labels) {
        error_set(&err, "out of memory");
        goto bad;
    }
    if (settings(o, pl->base, &pl->pts[0], &err)) goto bad_translated;
    char path[4096];
    const char *prices = o->prices;
    if (prices == DEFAULT_PRICES && prices_path_for(pl->base, path, sizeof path, &err)) goto bad;
    if (prices == DEFAULT_PRICES) prices = path;
    if (cost_prices_load_file(prices, &pl->prices, &err)) goto bad;
    pl->pts[0].prices = pl->prices;
    for (size_t p = 0; p < pl->npoints; p++)
        if (load_point(pl, o, p, &err)) goto bad;
    return 0;
bad_translated:
    scenario_patch_translate(pl->base_map, &err);
bad:
    fprintf(stderr, "%s\n", err.msg);
    plan_free(pl);
    return EXIT_USAGE;
}

/* ---- jobs ------------------------------------------------------------------------------------ */

typedef struct run_ctx {
    const run_inputs *pts; /* [npoints] */
    size_t npoints;
    job *jobs; /* [point x arch x rep], point-major then arch-major */
    size_t njobs;
    int engine_threads;
    int side_by_side;  /* runs at once (1: one run split across the threads) */
    const char *queue; /* event list, NULL: the engine's default */
    h5_results *h5;    /* -o: the file being written, or NULL */
    output_plan out;   /* -o: what the runs keep */
    bool observe;      /* -o: collect records and series */
    bool progress;     /* the progress line: collectors that only track the simulated time */
    atomic_bool stop;  /* SIGINT: start no more runs */
    /* shared with the watcher's thread, under lock */
    pthread_mutex_t lock;
    observation **live; /* [njobs] collectors of the runs in progress */
    size_t running, done;
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

static void summarise_workload(const netmodel_workload *w, double window_s, wl_sum *s)
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
    s->raw = *c;
    for (int q = 0; q < NQ; q++)
        s->lat_ms[q] = c->latency.count == 0 ? NAN
                       : q == Q_MEAN         ? hist_mean(&c->latency) / 1e6
                                     : (double)hist_quantile(&c->latency, quantile_of[q]) / 1e6;
}

static void summarise_component(const netmodel_component *c, double window_s, comp_sum *s)
{
    snprintf(s->name, sizeof s->name, "%s", c->name);
    s->kind = c->kind;
    s->many = netmodel_component_unlimited(c);
    s->util = c->st.utilisation;
    s->in_station = c->st.mean_in_station;
    s->bytes_s = (double)c->st.bytes / window_s;
    s->drops_s = (double)c->st.drops / window_s;
    s->peak = (double)c->st.peak;
    s->raw = c->st;
    s->az = c->az, s->servers = c->servers, s->capacity_bps = c->capacity_bps;
}

static int summarise(job *j, const netmodel_result *r)
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
    j->wall_s = r->engine.wall_s;
    j->events = r->engine.events;
    j->end_ns = r->end_ns;
    return 0;
}

/* Runs execute replication-major (every architecture of replication 0, then of 1, ...) so
 * that an interrupted run keeps whole replications; jobs[] stays arch-major. */
static size_t job_index(const run_ctx *ctx, size_t i)
{
    size_t narchs = ctx->pts[0].s->narchs, reps = ctx->pts[0].reps, per = narchs * reps;
    size_t k = i % per;
    return (i / per) * per + (k % narchs) * reps + k / narchs;
}

/* The collector of job j (NULL with err set: out of memory); sets j->end_ns, the run's end. */
static observation *job_obs(const run_ctx *ctx, job *j, const netmodel_config *cfg)
{
    const run_inputs *in = &ctx->pts[j->pt];
    const topology *t = &in->s->archs[j->arch];
    obs_cfg oc = {.records = ctx->out.records,
                  .records_cap = ctx->out.records_cap,
                  .bin_ns = ctx->observe ? ctx->out.series_bin_ns : 0,
                  .end_ns =
                      cfg->warmup_ns + cfg->duration_ns + netmodel_drain_ns(t, in->params, cfg),
                  .progress_only = !ctx->observe};
    j->end_ns = oc.end_ns;
    return observe_new(t, &oc, &j->err);
}

/* The run in progress is (o) or is no longer (NULL) there for the watcher. */
static void publish(run_ctx *ctx, size_t idx, observation *o, bool ok)
{
    pthread_mutex_lock(&ctx->lock);
    if (ctx->live) ctx->live[idx] = o;
    if (o) {
        ctx->running++;
    } else {
        ctx->running--;
        ctx->done += ok;
        ctx->jobs[idx].done = ok;
    }
    pthread_mutex_unlock(&ctx->lock);
}

/* The ways of every workload of r into j (for the file's /topology). Returns 0 or -1. */
static int keep_ways(job *j, const netmodel_result *r)
{
    size_t n = 0;
    for (size_t w = 0; w < r->nworkloads; w++)
        n += r->workloads[w].alts ? r->workloads[w].nalts : 0;
    if (!(j->ways = calloc(n ? n : 1, sizeof *j->ways))) return error_set(&j->err, "out of memory");
    for (size_t w = 0; w < r->nworkloads; w++)
        for (size_t a = 0; r->workloads[w].alts && a < r->workloads[w].nalts; a++) {
            const netmodel_alt *x = &r->workloads[w].alts[a];
            job_way *y = &j->ways[j->nways++];
            y->workload = (uint32_t)w, y->alt = (uint32_t)a;
            y->nstations = x->nstations < PATH_MAX_HOPS ? x->nstations : PATH_MAX_HOPS;
            memcpy(y->stations, x->stations, y->nstations * sizeof *y->stations);
        }
    return 0;
}

/* One run: model, engine, summary and (with -o) its group of the file. */
static int run_one(run_ctx *ctx, job *j, netmodel_config *cfg, observation *o)
{
    const run_inputs *in = &ctx->pts[j->pt];
    const topology *t = &in->s->archs[j->arch];
    netmodel_result r;
    if (o) cfg->observers = observe_observers(o);
    if (ctx->observe) cfg->series_bin_ns = ctx->out.series_bin_ns, cfg->span_rate = ctx->out.spans;
    int rc = netmodel_run(t, in->params, cfg, &r, &j->err);
    if (rc == 0 && ctx->observe) rc = observe_finish(o, &j->err);
    if (rc == 0) rc = summarise(j, &r);
    if (rc == 0) j->records_fraction = ctx->observe ? observe_fraction(o) : 0;
    if (rc == 0 && ctx->observe) rc = keep_ways(j, &r);
    if (rc == 0 && ctx->h5) rc = h5_results_run(ctx->h5, j, t, &r, o, &j->err);
    netmodel_result_free(&r);
    return rc ? -1 : 0;
}

static int run_job(void *ctxp, size_t i)
{
    run_ctx *ctx = ctxp;
    size_t idx = job_index(ctx, i);
    job *j = &ctx->jobs[idx];
    if (atomic_load(&ctx->stop)) return 0; /* interrupted: j stays not done */
    const run_inputs *in = &ctx->pts[j->pt];
    netmodel_config cfg = {.seed = j->seed,
                           .warmup_ns = in->warmup_ns,
                           .duration_ns = in->duration_ns,
                           .threads = ctx->engine_threads,
                           .queue = ctx->queue,
                           .cross_az_through_hops = in->prices->cross_az_through_hops};
    observation *o = NULL;
    if ((ctx->observe || ctx->progress) && !(o = job_obs(ctx, j, &cfg))) return j->failed = 1;
    if (o) publish(ctx, idx, o, false);
    j->failed = run_one(ctx, j, &cfg, o) != 0;
    if (o)
        publish(ctx, idx, NULL, !j->failed);
    else
        j->done = !j->failed;
    observe_free(o);
    return j->failed;
}

static void jobs_free(job *jobs, size_t n)
{
    for (size_t i = 0; jobs && i < n; i++) free(jobs[i].wl), free(jobs[i].comp), free(jobs[i].ways);
    free(jobs);
}

/* ---- running --------------------------------------------------------------------------------- */

/* Speed figures on stderr: not part of the report (they depend on the machine). */
static void print_speed(const run_ctx *ctx, size_t njobs, int threads, double wall_s)
{
    uint64_t events = 0, attempts = 0;
    double core_s = 0;
    for (size_t i = 0; i < njobs; i++) {
        const job *j = &ctx->jobs[i];
        events += j->events;
        core_s += j->core_s;
        for (size_t w = 0; w < ctx->pts[j->pt].s->archs[j->arch].nworkloads; w++)
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

/* Every architecture's model builds at every point: a fault in the scenario shows before
 * anything runs. */
static int preflight(const run_plan *pl)
{
    vs_error err = {""};
    for (size_t p = 0; p < pl->npoints; p++) {
        const run_inputs *in = &pl->pts[p];
        netmodel_config cfg = {.seed = in->seed,
                               .warmup_ns = in->warmup_ns,
                               .duration_ns = in->duration_ns,
                               .threads = 1};
        for (size_t a = 0; a < in->s->narchs; a++)
            if (netmodel_check(&in->s->archs[a], in->params, &cfg, &err)) {
                scenario_patch_translate(in->map, &err);
                fprintf(stderr, "%s\n", err.msg);
                return EXIT_USAGE;
            }
    }
    return 0;
}

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void job_failure(const run_ctx *ctx, job *j)
{
    const run_inputs *in = &ctx->pts[j->pt];
    scenario_patch_translate(in->map, &j->err);
    fprintf(stderr, "vpcsim run: architecture %s, replication %zu", in->s->archs[j->arch].name,
            j->rep + 1);
    if (ctx->npoints > 1) fprintf(stderr, ", sweep point %zu", j->pt + 1);
    fprintf(stderr, ": %s\n", j->err.msg);
}

/* ---- the watcher's view ---------------------------------------------------------------------- */

static void watch_status_of(void *p, watch_status *s)
{
    run_ctx *ctx = p;
    double fraction = 0, events = 0, wall = 0;
    pthread_mutex_lock(&ctx->lock);
    *s = (watch_status){.done = ctx->done, .running = ctx->running, .total = ctx->njobs};
    for (size_t i = 0; i < ctx->njobs; i++) {
        const job *j = &ctx->jobs[i];
        if (j->done) {
            fraction += 1, events += (double)j->events, wall += j->wall_s;
        } else if (ctx->live[i]) {
            const run_inputs *in = &ctx->pts[j->pt];
            double now = (double)observe_now(ctx->live[i]) / 1e9,
                   end = (double)(in->warmup_ns + in->duration_ns) / 1e9;
            s->sim_s += now, s->sim_end_s += end;
            fraction += now < end ? now / end : 1;
        }
    }
    pthread_mutex_unlock(&ctx->lock);
    if (s->running) s->sim_s /= (double)s->running, s->sim_end_s /= (double)s->running;
    s->events_per_s = wall > 0 ? events / wall * ctx->side_by_side : 0;
    s->fraction = ctx->njobs ? fraction / (double)ctx->njobs : 1;
}

static void watch_interrupt(void *p)
{
    atomic_store(&((run_ctx *)p)->stop, true);
}

/* The second SIGINT: nothing is left under any name (the process exits next). */
static void watch_quit(void *p)
{
    run_ctx *ctx = p;
    if (ctx->h5) unlink(h5_results_temp_path(ctx->h5));
}

/* Runs every job: side by side when there are at least as many as threads, else one after the
 * other, each split across the threads. Returns 0, or 1 after printing the first failure. */
static int run_all(run_ctx *ctx, const run_opts *o)
{
    size_t njobs = ctx->njobs, reps = ctx->pts[0].reps, narchs = ctx->pts[0].s->narchs;
    for (size_t i = 0; i < njobs; i++) {
        ctx->jobs[i].pt = i / (narchs * reps);
        ctx->jobs[i].arch = (i / reps) % narchs;
        ctx->jobs[i].rep = i % reps;
        ctx->jobs[i].seed = replication_seed(ctx->pts[0].seed, i % reps);
    }
    bool side_by_side = njobs >= (size_t)o->threads;
    ctx->engine_threads = side_by_side ? 1 : o->threads;
    ctx->side_by_side = side_by_side ? o->threads : 1;
    watch_cfg wc = {.progress = ctx->progress,
                    .catch_sigint = ctx->h5 != NULL,
                    .status = watch_status_of,
                    .interrupt = watch_interrupt,
                    .quit = watch_quit,
                    .ctx = ctx};
    watch *w = wc.progress || wc.catch_sigint ? watch_start(&wc) : NULL;
    double t0 = wall_now();
    size_t failed = jobs_run(njobs, side_by_side ? o->threads : 1, run_job, ctx);
    watch_stop(w);
    for (size_t i = 0; failed && i < njobs; i++)
        if (ctx->jobs[i].failed) {
            job_failure(ctx, &ctx->jobs[i]);
            return 1;
        }
    if (!o->quiet && !atomic_load(&ctx->stop)) print_speed(ctx, njobs, o->threads, wall_now() - t0);
    return 0;
}

/* ---- output ---------------------------------------------------------------------------------- */

typedef struct outputs {
    point_jobs *rps; /* [npoints] */
    double **hourly; /* [npoints][narchs] */
    size_t n;
    summary_rows rows; /* the summary */
} outputs;

static void outputs_free(outputs *out)
{
    for (size_t p = 0; p < out->n; p++) {
        if (out->rps) free(out->rps[p].x), free(out->rps[p].y);
        if (out->hourly) free(out->hourly[p]);
    }
    free(out->rps), free(out->hourly);
    summary_free(&out->rows);
}

/* Replications of point p that finished in every architecture, from the first on. */
static size_t whole_reps(const run_ctx *ctx, size_t p)
{
    size_t narchs = ctx->pts[p].s->narchs, reps = ctx->pts[p].reps;
    const job *jobs = ctx->jobs + p * narchs * reps;
    for (size_t r = 0; r < reps; r++)
        for (size_t a = 0; a < narchs; a++)
            if (!jobs[a * reps + r].done) return r;
    return reps;
}

static int outputs_make(const run_ctx *ctx, outputs *out, vs_error *err)
{
    size_t per = ctx->pts[0].s->narchs * ctx->pts[0].reps;
    out->n = ctx->npoints;
    out->rps = calloc(out->n, sizeof *out->rps);
    out->hourly = calloc(out->n, sizeof *out->hourly);
    if (!out->rps || !out->hourly) return error_set(err, "out of memory");
    for (size_t p = 0; p < out->n; p++) {
        const run_inputs *in = &ctx->pts[p];
        out->rps[p] = (point_jobs){.in = in,
                                   .jobs = ctx->jobs + p * per,
                                   .reps = whole_reps(ctx, p),
                                   .stride = in->reps,
                                   .x = calloc(in->reps, sizeof(double)),
                                   .y = calloc(in->reps, sizeof(double))};
        out->hourly[p] = calloc(in->s->narchs, sizeof(double));
        if (!out->rps[p].x || !out->rps[p].y || !out->hourly[p])
            return error_set(err, "out of memory");
        if (summary_static_costs(in, out->hourly[p], err)) return -1;
    }
    if (summary_build(&out->rows, out->rps, out->n, out->hourly))
        return error_set(err, "out of memory");
    return 0;
}

static int print_all(FILE *f, const run_plan *pl, const outputs *out)
{
    size_t nv = pl->npoints * pl->nkeys;
    const char **v = calloc(nv + 1, sizeof *v);
    if (!v) return -1;
    for (size_t i = 0; i < nv; i++) v[i] = pl->pts[i / pl->nkeys].value[i % pl->nkeys];
    const run_inputs *in = &pl->pts[0];
    text_report_head t = {.name = in->s->name,
                          .file = in->s->file,
                          .narchs = in->s->narchs,
                          .reps = in->reps,
                          .npoints = pl->npoints,
                          .duration_ns = in->duration_ns,
                          .warmup_ns = in->warmup_ns,
                          .seed = in->seed,
                          .hours_per_month = in->prices->hours_per_month,
                          .keys = pl->keys,
                          .nkeys = pl->nkeys,
                          .values = v};
    int rc = text_report_print(f, &t, out->rows.r, out->rows.n);
    free(v);
    return rc;
}

/* The command line as typed, for the HDF5 file. */
static char *command_line(int argc, char **argv)
{
    size_t n = sizeof "vpcsim run";
    for (int i = 0; i < argc; i++) n += strlen(argv[i]) + 1;
    char *s = malloc(n);
    if (!s) return NULL;
    strcpy(s, "vpcsim run");
    for (int i = 0; i < argc; i++) strcat(strcat(s, " "), argv[i]);
    return s;
}

/* How the file ends: complete, or what an interruption kept. */
static h5_results_end file_end(const run_ctx *ctx)
{
    h5_results_end e = {.runs = ctx->njobs, .records_kept = ctx->out.records};
    for (size_t i = 0; i < ctx->njobs; i++)
        if (ctx->jobs[i].done) {
            if (e.kept == 0 || ctx->jobs[i].records_fraction < e.records_kept)
                e.records_kept = ctx->jobs[i].records_fraction;
            e.kept++;
        }
    e.complete = e.kept == e.runs;
    e.interrupted = !e.complete && atomic_load(&ctx->stop);
    return e;
}

/* After SIGINT: the file keeps the runs done. Returns the exit code (130, or 1 on failure). */
static int keep_interrupted(run_ctx *ctx, const outputs *out, const run_opts *o)
{
    vs_error err = {""};
    h5_results_end e = file_end(ctx);
    size_t whole = 0;
    for (size_t p = 0; p < out->n; p++) whole += out->rps[p].reps;
    if (e.kept == 0) {
        h5_results_abort(ctx->h5), ctx->h5 = NULL;
        fputs("vpcsim run: interrupted before any run finished: nothing written\n", stderr);
        return 130;
    }
    int rc = h5_results_close(ctx->h5, out->rps, out->n, &out->rows, &e, &err);
    ctx->h5 = NULL;
    if (rc) {
        fprintf(stderr, "vpcsim run: %s\n", err.msg);
        return 1;
    }
    fprintf(stderr,
            "vpcsim run: interrupted: %s keeps %zu of %zu runs (marked incomplete); its summary "
            "covers %zu replication%s whole in every architecture; `vpcsim report %s` prints it\n",
            o->out, e.kept, e.runs, whole, whole == 1 ? "" : "s", o->out);
    return 130;
}

static int report_all(run_ctx *ctx, const run_plan *pl, const run_opts *o)
{
    vs_error err = {""};
    outputs out = {0};
    int rc = outputs_make(ctx, &out, &err);
    if (rc == 0 && ctx->h5 && file_end(ctx).interrupted) {
        rc = keep_interrupted(ctx, &out, o);
        outputs_free(&out);
        return rc;
    }
    if (rc == 0 && print_all(stdout, pl, &out)) rc = error_set(&err, "out of memory");
    if (rc == 0 && (fflush(stdout) || ferror(stdout))) rc = error_set(&err, "cannot write");
    if (rc == 0 && ctx->h5) {
        h5_results_end e = file_end(ctx);
        rc = h5_results_close(ctx->h5, out.rps, out.n, &out.rows, &e, &err);
        ctx->h5 = NULL;
    }
    if (rc) fprintf(stderr, "vpcsim run: %s\n", err.msg[0] ? err.msg : "out of memory");
    outputs_free(&out);
    return rc ? 1 : 0;
}

/* The HDF5 file, created before the runs (a folder that is not there fails now, not after an
 * hour of simulation). Returns 0, or the exit code. */
static int open_output(run_ctx *ctx, const run_plan *pl, const run_opts *o, int argc, char **argv)
{
    vs_error err = {""};
    const config_node *block = config_find(config_root(pl->base->doc), "output");
    if (output_plan_make(pl->pts, pl->npoints, block, &o->asked, &ctx->out, &err)) {
        scenario_patch_translate(pl->base_map, &err);
        fprintf(stderr, "vpcsim run: %s\n", err.msg);
        return EXIT_USAGE;
    }
    if (!o->out) return 0;
    char *cmd = command_line(argc, argv);
    h5_results_meta meta = {.path = o->out,
                            .command_line = cmd ? cmd : "",
                            .file = o->file,
                            .threads = o->threads,
                            .keys = pl->keys,
                            .nkeys = pl->nkeys,
                            .out = &ctx->out};
    ctx->h5 = cmd ? h5_results_open(&meta, pl->pts, pl->npoints, &err) : NULL;
    if (!cmd) error_set(&err, "out of memory");
    free(cmd);
    if (!ctx->h5) fprintf(stderr, "vpcsim run: %s\n", err.msg);
    ctx->observe = ctx->h5 != NULL;
    return ctx->h5 ? 0 : 1;
}

static int run_plan_jobs(const run_plan *pl, const run_opts *o, int argc, char **argv)
{
    size_t njobs = pl->npoints * pl->pts[0].s->narchs * pl->pts[0].reps;
    run_ctx ctx = {.pts = pl->pts,
                   .npoints = pl->npoints,
                   .njobs = njobs,
                   .jobs = calloc(njobs ? njobs : 1, sizeof(job)),
                   .live = calloc(njobs ? njobs : 1, sizeof(observation *)),
                   .queue = o->queue,
                   .progress = !o->quiet && isatty(STDERR_FILENO)};
    atomic_init(&ctx.stop, false);
    pthread_mutex_init(&ctx.lock, NULL);
    int rc = !ctx.jobs || !ctx.live ? 1 : 0;
    if (rc) fputs("vpcsim run: out of memory\n", stderr);
    if (rc == 0) rc = open_output(&ctx, pl, o, argc, argv);
    if (rc == 0) rc = run_all(&ctx, o);
    if (rc == 0) rc = report_all(&ctx, pl, o);
    h5_results_abort(ctx.h5); /* after a failure: the temporary file goes */
    pthread_mutex_destroy(&ctx.lock);
    jobs_free(ctx.jobs, njobs);
    free(ctx.live);
    return rc;
}

int run_main(int argc, char **argv)
{
    run_opts o;
    run_plan pl;
    vs_error err = {""};
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            run_usage(stdout);
            return 0;
        }
    if (parse_args(&o, argc, argv, &err)) {
        fprintf(stderr, "vpcsim run: %s\n", err.msg);
        run_usage(stderr);
        opts_free(&o);
        return EXIT_USAGE;
    }
    /* with -o, SIGINT goes to the watcher: block it before any other thread exists */
    if (o.out && watch_block_sigint()) {
        fputs("vpcsim run: cannot take SIGINT\n", stderr);
        opts_free(&o);
        return 1;
    }
    int rc = load_plan(&o, &pl);
    if (rc == 0) {
        rc = preflight(&pl);
        if (rc == 0) rc = run_plan_jobs(&pl, &o, argc, argv);
        plan_free(&pl);
    }
    opts_free(&o);
    return rc;
}
