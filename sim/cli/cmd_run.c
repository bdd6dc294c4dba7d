/* `vpcsim run FILE`: every sweep point x architecture x replication as an independent engine run
 * (side by side on OpenMP threads when there are enough runs, else one run split across threads),
 * then the text report (sim/cli/text_report.c, from the summary rows of sim/cli/summary.c) and,
 * with -o, an HDF5 file (sim/cli/h5_results.c) that each run adds its group to as it finishes.
 * --set and sweep points patch the scenario's text before it is loaded (sim/cli/scenario_patch.c).
 * A watcher thread (sim/cli/progress.c) draws the progress line and takes SIGINT, SIGTERM and
 * SIGHUP. Output is a pure function of the scenario, the seed and the options other than --threads.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/run_impl.h"
#include "cli/run_precision.h"
#include "cli/datafiles.h"
#include "cli/mem_budget.h"
#include "engine/jobs.h"
#include "cli/progress.h"
#include "cli/results.h"
#include "cli/results_json.h"
#include "cli/expect_eval.h"
#include "cli/observe.h"
#include "io/h5file.h"
#include "vpcsim/infile.h"
#include "vpcsim/units.h"
#include "vpcsim/rng.h"
#include "engine/clock.h"

enum { MAX_REPLICATIONS = 100000 };

/* ---- options --------------------------------------------------------------------------------- */

/* --set KEY=VALUE: label "--set KEY=VALUE", then KEY and VALUE, in one allocation. */
static int parse_set(void *opts, const char *name, const char *v, vs_error *err)
{
    run_opts *o = opts;
    const char *eq = strchr(v, '=');
    size_t n = strlen(v), k = eq ? (size_t)(eq - v) : 0;
    if (!eq || k == 0) return error_set(err, "%s expects KEY=VALUE, got '%s'", name, v);
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

/* --memory-limit SIZE (> 0). */
static int parse_memory_limit(void *opts, const char *name, const char *v, vs_error *err)
{
    run_opts *o = opts;
    vs_error e = {""};
    if (units_parse_size(v, &o->memory_limit, &e)) return error_set(err, "%s: %s", name, e.msg);
    if (o->memory_limit <= 0) return error_set(err, "%s must be more than 0B, got '%s'", name, v);
    o->has_memory_limit = true;
    return 0;
}

static const char *const queue_names[] = {"ladder", "heap", NULL};

static const option_def run_options[] = {
    {.name = "--threads",
     .kind = OPTION_UINT,
     .value_name = "N",
     OPTION_UINT_AT(run_opts, threads),
     .umin = 1,
     .umax = 256,
     .help = "worker threads (default 1); results do not depend on it"},
    {.name = "--seed",
     .kind = OPTION_UINT,
     .value_name = "S",
     OPTION_UINT_AT(run_opts, seed),
     OPTION_SEEN(run_opts, has_seed),
     .umin = 0,
     .umax = INT64_MAX,
     .help = "seed (default: the scenario's run.seed, else its seed)"},
    {.name = "--replications",
     .kind = OPTION_UINT,
     .value_name = "R",
     OPTION_UINT_AT(run_opts, reps),
     OPTION_SEEN(run_opts, has_reps),
     .umin = 1,
     .umax = MAX_REPLICATIONS,
     .help = "replications (default: run.replications, else 5)"},
    {.name = "--duration",
     .kind = OPTION_DURATION,
     .value_name = "D",
     OPTION_AT(run_opts, duration_ns),
     OPTION_SEEN(run_opts, has_duration),
     .positive = true,
     .help = "measured simulated time per run, e.g. 30s (default: run.duration,\nelse 60s)"},
    {.name = "--warmup",
     .kind = OPTION_DURATION,
     .value_name = "W",
     OPTION_AT(run_opts, warmup_ns),
     OPTION_SEEN(run_opts, has_warmup),
     .help = "warm-up deleted from the statistics (default: run.warmup, else 5s)"},
    {.name = "--defaults",
     .kind = OPTION_FILE,
     .value_name = "FILE",
     OPTION_AT(run_opts, defaults),
     .help = "model parameters (default: " DATAFILES_DEFAULTS "\nin " DATAFILES_WHERE ")"},
    {.name = "--prices",
     .kind = OPTION_FILE,
     .value_name = "FILE",
     OPTION_AT(run_opts, prices),
     .help = "price table (default: prices/aws-REGION.yaml there, for the\nscenario's first "
             "Region; a Region without one is an error)"},
    {.name = "--queue",
     .kind = OPTION_CHOICE,
     .value_name = "NAME",
     OPTION_AT(run_opts, queue),
     .choices = queue_names,
     .help = "event list: ladder (default) or heap; same results"},
    {.name = "--set",
     .kind = OPTION_CUSTOM,
     .value_name = "KEY=VALUE",
     .parse = parse_set,
     .help = "sets a scalar of the scenario by its dotted path, as if the file\n"
             "said so: run.duration=30s, workloads.NAME.traffic.rate=500/s\n"
             "(repeatable; sequence items by name or index)"},
    {.name = "-o",
     .kind = OPTION_FILE,
     .value_name = "FILE",
     OPTION_AT(run_opts, out),
     .help = "also write the results to the HDF5 file FILE (docs/output.md);\n"
             "Ctrl-C keeps the runs done so far in it, marked incomplete"},
    {.name = "--records",
     .kind = OPTION_SHARE,
     .value_name = "F",
     OPTION_AT(run_opts, asked.records),
     OPTION_SEEN(run_opts, asked.has_records),
     .help = "with -o: share of measured calls kept as request records, 0 to 1\n"
             "(default: output.records, else 1; lowered to ~200,000 a run)"},
    {.name = "--spans",
     .kind = OPTION_SHARE,
     .value_name = "F",
     OPTION_AT(run_opts, asked.spans),
     OPTION_SEEN(run_opts, asked.has_spans),
     .help = "with -o: share of requests whose per-hop spans are kept, 0 to 1\n"
             "(default: output.spans, else 0.01)"},
    {.name = "--series-bin",
     .kind = OPTION_DURATION,
     .value_name = "D",
     OPTION_AT(run_opts, asked.bin_ns),
     OPTION_SEEN(run_opts, asked.has_bin),
     .positive = true,
     .help = "with -o: time series bin, e.g. 100ms (default: output.series_bin,\n"
             "else warm-up + duration / 200)"},
    {.name = "--json",
     .kind = OPTION_FILE,
     .value_name = "FILE",
     OPTION_AT(run_opts, json),
     .help = "also write the results as one JSON document to FILE; '-' writes it\n"
             "to stdout instead of the text report (docs/results.schema.json)"},
    {.name = "--memory-limit",
     .kind = OPTION_CUSTOM,
     .value_name = "SIZE",
     .parse = parse_memory_limit,
     .help = "results the runs may keep, e.g. 2GiB (default: half of RAM); a\n"
             "plan needing more fails at once"},
    {.name = "--shard",
     .kind = OPTION_CUSTOM,
     .value_name = "I/N",
     .parse = run_shard_parse,
     .help = "with -o: only part I of N of the runs (a part file for\n"
             "vpcsim merge; docs/large-studies.md)"},
    {.name = "--resume",
     .kind = OPTION_FLAG,
     OPTION_AT(run_opts, resume),
     .help = "with -o: keep the runs already in FILE (an interrupted run or a\n"
             "part of the same study) and run only the others"},
    {.name = "--quiet",
     .kind = OPTION_FLAG,
     OPTION_AT(run_opts, quiet),
     .help = "no progress line or speed figures on stderr"},
    {.name = "--verbose",
     .kind = OPTION_FLAG,
     OPTION_AT(run_opts, verbose),
     .help = "also say on stderr how each run was split across the threads:\n"
             "partitions, their groups and LPs, the window, and why"},
    {.name = "--split-always",
     .kind = OPTION_FLAG,
     OPTION_AT(run_opts, split_always),
     .help = "split a run across the threads wherever its links allow, even\n"
             "where it cannot pay (for tests: results are the same)"},
    {.name = "--allow-outside-files",
     .kind = OPTION_FLAG,
     OPTION_AT(run_opts, allow_outside),
     .help = "a scenario's replay files may lie outside its folder\n(docs/files.md)"},
};

static const options_spec run_spec = {
    .command = "run",
    .file = "scenario FILE",
    .file_at = offsetof(run_opts, file),
    .about =
        "  simulates every architecture x replication of the scenario FILE and prints, per\n"
        "  architecture, each workload's rates, success, latency quantiles and failures, each\n"
        "  component's load, the monthly cost, and paired differences against the first\n"
        "  architecture (mean over replications +- 95% Student-t half-width)\n",
    .opts = run_options,
    .nopts = sizeof run_options / sizeof *run_options,
    .help_column = 22,
};

/* The options into o (prices, defaults: NULL, the shipped tables). Returns true to go on, else
 * false with *exit_code set and the help or the error printed. */
static bool parse_args(run_opts *o, int argc, char **argv, int *exit_code)
{
    memset(o, 0, sizeof *o);
    o->threads = 1;
    if (!options_take(&run_spec, o, argc, argv, exit_code)) return false;
    if (!o->out && (o->asked.has_records || o->asked.has_spans || o->asked.has_bin || o->shards ||
                    o->resume)) {
        fprintf(stderr, "vpcsim run: %s only matters with -o FILE\n",
                o->asked.has_records ? "--records"
                : o->asked.has_spans ? "--spans"
                : o->shards          ? "--shard"
                : o->resume          ? "--resume"
                                     : "--series-bin");
        options_usage(&run_spec, stderr);
        *exit_code = EXIT_USAGE;
        return false;
    }
    return true;
}

/* ---- inputs: the scenario, --set, sweep points ----------------------------------------------- */

static void plan_free(run_plan *pl)
{
    for (size_t p = 0; pl->pts && p < pl->npoints; p++) {
        params_free(pl->pts[p].params);
        if (pl->pts[p].s != pl->base) scenario_free(pl->pts[p].s);
        scenario_patch_map_free(pl->pts[p].map);
    }
    free(pl->pts), free(pl->patches), free(pl->labels);
    region_prices_free(&pl->by_region);
    cost_prices_free(pl->prices);
    if (pl->base != pl->file) scenario_free(pl->base);
    scenario_patch_map_free(pl->base_map);
    scenario_free(pl->file);
    free(pl->text);
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
         (!precision_warmup_auto(run) &&
          config_get_duration(run, "warmup", "5s", &in->warmup_ns, err)) ||
         config_get_int(run, "replications", "5", 1, MAX_REPLICATIONS, &reps, err) ||
         (config_find(run, "seed") && config_get_int(run, "seed", NULL, 0, INT64_MAX, &seed, err))))
        return -1;
    if (run && config_find(run, "duration") && in->duration_ns <= 0)
        return config_error_at(config_find(run, "duration"), err, "duration must be more than 0s");
    if (o->has_duration) in->duration_ns = o->duration_ns;
    if (o->has_warmup) in->warmup_ns = o->warmup_ns;
    in->reps = o->has_reps ? (size_t)o->reps : (size_t)reps;
    in->seed = o->has_seed ? o->seed : (uint64_t)seed;
    return run_precision_settings(run, o->has_warmup, in, err);
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
        if (scenario_patch_load(config_root(pl->file->doc), pl->file->file, pl->patches, n, &in->s,
                                &in->map, err))
            return -1;
        if (in->s->narchs != pl->base->narchs)
            return error_set(err, "%s: sweep point %zu has other architectures", pl->file->file, p);
    }
    if (!(in->params = params_load_file(o->defaults, err)) ||
        params_apply_overrides(in->params, in->s->overrides, err)) {
        scenario_patch_translate(in->map, err);
        return -1;
    }
    return 0;
}

/* The tables of the Regions bytes leave (every point's architectures), shared by the points.
 * Returns 0 or -1. */
static int load_region_prices(run_plan *pl, vs_error *err)
{
    const scenario **s = malloc(pl->npoints * sizeof *s);
    if (!s) return error_set(err, "out of memory");
    for (size_t p = 0; p < pl->npoints; p++) s[p] = pl->pts[p].s;
    int rc = region_prices_load(&pl->by_region, pl->prices, s, pl->npoints, err);
    free(s);
    for (size_t p = 0; rc == 0 && p < pl->npoints; p++) pl->pts[p].by_region = &pl->by_region;
    return rc;
}

/* Reads the scenario once (stdin cannot be read twice): the HDF5 file stores this text, --set
 * and the sweep points patch the tree loaded from it. */
static int load_base(run_plan *pl, const run_opts *o, vs_error *err)
{
    size_t len = 0;
    const char *name = strcmp(o->file, "-") == 0 ? "<stdin>" : o->file;
    char *text = o->text ? strdup(o->text) : config_read_file(o->file, &len, err), *z;
    if (o->text && text) len = strlen(text);
    if (o->text && !text) return error_set(err, "out of memory");
    if (!text) return -1;
    if (!(z = realloc(text, len + 1))) return free(text), error_set(err, "out of memory");
    pl->text = z, z[len] = 0; /* NUL-terminated for the HDF5 attribute */
    if (scenario_load_buffer(pl->text, len, name, &pl->file, err)) return -1;
    pl->base = pl->file;
    if (o->nsets && scenario_patch_load(config_root(pl->file->doc), name, o->sets, o->nsets,
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
    if (mem_budget_check(pl->file->file, pl->base, pl->pts[0].reps, pl->npoints,
                         o->has_memory_limit ? (uint64_t)o->memory_limit : mem_budget_default(),
                         o->has_memory_limit, &err))
        goto bad;
    char path[4096];
    const char *prices = o->prices;
    if (!prices && prices_path_for(pl->base, path, sizeof path, &err)) goto bad; /* its Region's */
    if (!prices) prices = path;
    if (cost_prices_load_file(prices, &pl->prices, &err)) goto bad;
    pl->pts[0].prices = pl->prices;
    for (size_t p = 0; p < pl->npoints; p++)
        if (load_point(pl, o, p, &err)) goto bad;
    if (load_region_prices(pl, &err)) goto bad;
    return 0;
bad_translated:
    scenario_patch_translate(pl->base_map, &err);
bad:
    fprintf(stderr, "%s\n", err.msg);
    plan_free(pl);
    return EXIT_USAGE;
}

/* ---- jobs ------------------------------------------------------------------------------------ */

/* Replication r's seed: the same in every architecture (common random numbers). SplitMix64 of
 * the scenario seed and r. */
static uint64_t replication_seed(uint64_t seed, size_t r)
{
    return rng_mix64_nth(seed, r);
}

static void summarise_component(const netmodel_component *c, double window_s, comp_sum *s)
{
    snprintf(s->name, sizeof s->name, "%s", c->name);
    s->kind = c->kind;
    s->index = c->index;
    s->many = netmodel_component_unlimited(c);
    s->raw = c->st;
    s->az = c->az, s->servers = c->servers, s->capacity_bps = c->capacity_bps;
    job_sum_component(s, window_s);
}

static int summarise(job *j, const netmodel_result *r)
{
    size_t nw = r->nworkloads ? r->nworkloads : 1;
    j->wl = calloc(nw, sizeof *j->wl);
    j->comp = calloc(r->ncomponents ? r->ncomponents : 1, sizeof *j->comp);
    if (!j->wl || !j->comp) return error_set(&j->err, "out of memory");
    for (size_t w = 0; w < r->nworkloads; w++)
        job_sum_workload(&r->workloads[w].st, r->workloads[w].active, r->window_s, &j->wl[w]);
    for (size_t c = 0; c < r->ncomponents; c++)
        summarise_component(&r->components[c], r->window_s, &j->comp[c]);
    j->ncomp = r->ncomponents;
    for (int k = 0; k < COST_GB_COUNT; k++) j->gb_bytes_s[k] = (double)r->gb_bytes[k] / r->window_s;
    size_t nn = r->nregions * r->nregions;
    if (nn && !(j->region_bytes_s = malloc(nn * sizeof *j->region_bytes_s)))
        return error_set(&j->err, "out of memory");
    for (size_t k = 0; k < nn; k++) j->region_bytes_s[k] = (double)r->region_bytes[k] / r->window_s;
    j->nregions = r->nregions;
    int cores = r->engine.ranks > 1 ? r->engine.ranks : r->engine.partitions;
    j->core_s = r->engine.wall_s * (cores > 0 ? cores : 1);
    j->wall_s = r->engine.wall_s;
    j->events = r->engine.events;
    j->partitions = r->engine.partitions;
    j->end_ns = r->end_ns;
    return 0;
}

/* Runs execute replication-major (every architecture of replication 0, then of 1, ...) so
 * that an interrupted run keeps whole replications; jobs[] stays arch-major. */
size_t run_job_index(const run_ctx *ctx, size_t i)
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
                  .spans = ctx->observe ? ctx->out.spans : 0,
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

/* A run across ranks, on every rank: whether all went well, and then rank 0 takes what the
 * other ranks' observers saw. Returns 0 or -1 (err set here, or on another rank). */
static int gather_observed(const run_ctx *ctx, observation *o, const netmodel_result *r, int rc,
                           vs_error *err)
{
    if (run_mpi_any(ctx->mpi_all, rc != 0)) {
        if (rc == 0) error_set(err, "the run failed on another rank");
        return -1;
    }
    if (!o || !ctx->observe) return 0;
    int *owner = calloc(r->nworkloads ? r->nworkloads : 1, sizeof *owner);
    if (!owner) error_set(err, "out of memory");
    if (run_mpi_any(ctx->mpi_all, owner == NULL)) {
        free(owner);
        if (owner) error_set(err, "out of memory on another rank");
        return -1;
    }
    for (size_t w = 0; w < r->nworkloads; w++) owner[w] = r->workloads[w].rank;
    int g = observe_gather(o, ctx->ranks, owner, err);
    free(owner);
    return g;
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
    if (ctx->ranks) rc = gather_observed(ctx, o, &r, rc, &j->err);
    if (rc == 0 && ctx->verbose && r.partitioning && (!ctx->ranks || ctx->ranks->rank == 0))
        fprintf(stderr, "vpcsim run: architecture %s, replication %zu: %s", t->name, j->rep + 1,
                r.partitioning);
    if (rc == 0 && ctx->observe) rc = observe_finish(o, &j->err);
    if (rc == 0) rc = summarise(j, &r);
    if (rc == 0) j->records_fraction = ctx->observe ? observe_fraction(o) : 0;
    if (rc == 0 && ctx->observe) rc = keep_ways(j, &r);
    /* a failed write drops the file but not the run: its results still reach stdout, and
     * h5_results_close reports the failure (exit 1) */
    vs_error file_err;
    if (rc == 0 && ctx->h5) h5_results_run(ctx->h5, j, t, &r, o, &file_err);
    netmodel_result_free(&r);
    return rc ? -1 : 0;
}

static int run_job(void *ctxp, size_t i)
{
    run_ctx *ctx = ctxp;
    size_t idx = ctx->mpi     ? run_mpi_claim(ctx->mpi)
                 : ctx->order ? ctx->order[i]
                              : run_job_index(ctx, i);
    if (idx == SIZE_MAX) return 0; /* MPI: every job is taken */
    job *j = &ctx->jobs[idx];
    if (j->skip) return 0;                 /* read back from a file, or another shard's */
    if (atomic_load(&ctx->stop)) return 0; /* interrupted: j stays not done */
    const run_inputs *in = &ctx->pts[j->pt];
    netmodel_config cfg = {.seed = j->seed,
                           .warmup_ns = in->warmup_ns,
                           .duration_ns = in->duration_ns,
                           .threads = ctx->engine_threads,
                           .ranks = ctx->ranks,
                           .split_always = ctx->split_always,
                           .queue = ctx->queue,
                           .allow_outside_files = ctx->allow_outside,
                           .cross_az_through_hops = in->prices->cross_az_through_hops};
    observation *o = NULL;
    j->warmup_ns = in->warmup_ns;
    if (in->warmup_auto && run_warmup_pick(in, &in->s->archs[j->arch], &cfg, j))
        return j->failed = 1;
    if ((ctx->observe || ctx->progress) && !(o = job_obs(ctx, j, &cfg))) return j->failed = 1;
    if (o) publish(ctx, idx, o, false);
    j->failed = run_one(ctx, j, &cfg, o) != 0;
    if (o)
        publish(ctx, idx, NULL, !j->failed);
    else
        j->done = !j->failed;
    observe_free(o);
    if (ctx->mpi && j->done) run_mpi_finished(ctx->mpi);
    return j->failed;
}

static void jobs_free(job *jobs, size_t n)
{
    for (size_t i = 0; jobs && i < n; i++)
        free(jobs[i].wl), free(jobs[i].comp), free(jobs[i].ways), free(jobs[i].region_bytes_s);
    free(jobs);
}

/* ---- running --------------------------------------------------------------------------------- */

/* Speed figures on stderr: not part of the report (they depend on the machine). */
static void print_speed(const run_ctx *ctx, int threads, double wall_s)
{
    uint64_t events = 0, attempts = 0;
    size_t one = 0;
    double core_s = 0;
    size_t ran = 0;
    char how[96];
    for (size_t i = 0; i < ctx->njobs; i++) {
        const job *j = &ctx->jobs[i];
        if (!j->done || j->skip) continue; /* not run here (--shard, --resume, merge) */
        ran++;
        events += j->events;
        one += j->partitions <= 1;
        core_s += j->core_s;
        for (size_t w = 0; w < ctx->pts[j->pt].s->archs[j->arch].nworkloads; w++)
            attempts += j->wl[w].attempts;
    }
    if (ctx->ranks)
        snprintf(how, sizeof how, "one run across %d ranks", ctx->ranks->size);
    else if (ctx->engine_threads <= 1)
        snprintf(how, sizeof how, "runs side by side");
    else if (one == 0)
        snprintf(how, sizeof how, "each run split across the threads");
    else
        snprintf(how, sizeof how, "%zu of %zu runs on one thread: a split would not pay", one, ran);
    fprintf(stderr,
            "vpcsim run: %zu run%s on %d thread%s (%s) in %.2f s: %llu events, %.3g measured "
            "requests/s per core, %.3g events/s per core\n",
            ran, ran == 1 ? "" : "s", threads, threads == 1 ? "" : "s", how, wall_s,
            (unsigned long long)events, core_s > 0 ? (double)attempts / core_s : 0,
            core_s > 0 ? (double)events / core_s : 0);
}

/* Every architecture's model builds at every point: a fault in the scenario shows before
 * anything runs. */
static int preflight(const run_plan *pl, const run_opts *o)
{
    vs_error err = {""};
    for (size_t p = 0; p < pl->npoints; p++) {
        const run_inputs *in = &pl->pts[p];
        netmodel_config cfg = {.seed = in->seed,
                               .warmup_ns = in->warmup_ns,
                               .duration_ns = in->duration_ns,
                               .threads = 1,
                               .allow_outside_files = o->allow_outside};
        for (size_t a = 0; a < in->s->narchs; a++)
            if (netmodel_check(&in->s->archs[a], in->params, &cfg, &err)) {
                scenario_patch_translate(in->map, &err);
                fprintf(stderr, "%s\n", err.msg);
                return EXIT_USAGE;
            }
    }
    return 0;
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
    size_t total = ctx->planned ? ctx->planned : ctx->njobs; /* run.precision: asked so far */
    *s = (watch_status){.done = ctx->done, .running = ctx->running, .total = total};
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
    if (ctx->mpi) { /* rank 0: the other ranks' finished runs too */
        size_t elsewhere = run_mpi_finished_elsewhere(ctx->mpi);
        s->done += elsewhere, fraction += (double)elsewhere;
    }
    if (s->running) s->sim_s /= (double)s->running, s->sim_end_s /= (double)s->running;
    s->events_per_s = wall > 0 ? events / wall * ctx->side_by_side : 0;
    s->fraction = total ? fraction / (double)total : 1;
}

static void watch_interrupt(void *p, int sig)
{
    atomic_store(&((run_ctx *)p)->signo, sig);
    atomic_store(&((run_ctx *)p)->stop, true);
}

/* The second signal: nothing is left under any name (the process exits next). */
static void watch_quit(void *p)
{
    run_ctx *ctx = p;
    if (ctx->h5 && h5_results_temp_path(ctx->h5)[0]) unlink(h5_results_temp_path(ctx->h5));
}

/* Runs every job: side by side when there are at least as many as threads, else one after the
 * other, each split across the threads. Returns 0, or 1 after printing the first failure. */
void run_jobs_init(run_ctx *ctx)
{
    size_t reps = ctx->pts[0].reps, narchs = ctx->pts[0].s->narchs;
    for (size_t i = 0; i < ctx->njobs; i++) {
        ctx->jobs[i].pt = i / (narchs * reps);
        ctx->jobs[i].arch = (i / reps) % narchs;
        ctx->jobs[i].rep = i % reps;
        ctx->jobs[i].seed = replication_seed(ctx->pts[0].seed, i % reps);
    }
}

static int run_all(run_ctx *ctx, const run_opts *o)
{
    size_t njobs = ctx->njobs;
    bool side_by_side = njobs >= (size_t)o->threads;
    ctx->engine_threads = side_by_side ? 1 : o->threads;
    ctx->side_by_side = side_by_side ? o->threads : 1;
    watch_cfg wc = {.progress = ctx->progress,
                    .catch_signals = ctx->h5 != NULL,
                    .status = watch_status_of,
                    .interrupt = watch_interrupt,
                    .quit = watch_quit,
                    .ctx = ctx};
    watch *w = wc.progress || wc.catch_signals ? watch_start(&wc) : NULL;
    double t0 = clock_mono_s();
    size_t failed = ctx->pts[0].precision.on
                        ? run_precision_run(ctx, side_by_side ? o->threads : 1, run_job)
                        : jobs_run(njobs, side_by_side ? o->threads : 1, run_job, ctx);
    watch_stop(w);
    for (size_t i = 0; failed && i < njobs; i++)
        if (ctx->jobs[i].failed) {
            if (!o->follower) job_failure(ctx, &ctx->jobs[i]); /* rank 0 says it */
            return 1;
        }
    if (!o->quiet && !atomic_load(&ctx->stop)) print_speed(ctx, o->threads, clock_mono_s() - t0);
    return 0;
}

/* run.precision decides how many runs there are as they finish, and warmup: auto gives each run
 * a pilot pass: neither is split into shards, resumed or merged yet (the decisions would have to
 * be made in one place between batches), and warmup: auto is not spread over ranks yet (rank 0
 * does not read the warm-ups back). run.precision is: its batches share what the decisions read
 * (sim/cli/run_precision.c). Returns 0, or 2 with the reason printed. */
static int plain_study(const run_plan *pl, const run_opts *o)
{
    const run_inputs *in = &pl->pts[0];
    const char *how = o->parts                    ? "vpcsim merge"
                      : o->shards                 ? "--shard"
                      : o->resume                 ? "--resume"
                      : o->mpi && in->warmup_auto ? "mpirun"
                                                  : NULL;
    if (!how || (!in->precision.on && !in->warmup_auto)) return 0;
    fprintf(stderr,
            "vpcsim run: %s: %s cannot be used with %s yet; run it in one process (threads "
            "are fine)\n",
            in->s->file,
            in->precision.on && strcmp(how, "mpirun") ? "run.precision" : "warmup: auto", how);
    return EXIT_USAGE;
}

static int run_plan_jobs(const run_plan *pl, const run_opts *o, int argc, char **argv)
{
    if (plain_study(pl, o)) return EXIT_USAGE;
    size_t njobs = pl->npoints * pl->pts[0].s->narchs * pl->pts[0].reps;
    run_ctx ctx = {.pts = pl->pts,
                   .npoints = pl->npoints,
                   .njobs = njobs,
                   .jobs = calloc(njobs ? njobs : 1, sizeof(job)),
                   .live = calloc(njobs ? njobs : 1, sizeof(observation *)),
                   .queue = o->queue,
                   .allow_outside = o->allow_outside,
                   .verbose = o->verbose,
                   .split_always = o->split_always,
                   .progress = !o->quiet && isatty(STDERR_FILENO)};
    atomic_init(&ctx.stop, false);
    atomic_init(&ctx.signo, 0);
    pthread_mutex_init(&ctx.lock, NULL);
    int rc = !ctx.jobs || !ctx.live ? 1 : 0;
    if (rc) fputs("vpcsim run: out of memory\n", stderr);
    if (rc == 0) run_jobs_init(&ctx);
    if (rc == 0) rc = run_output_open(&ctx, pl, o, argc, argv);
    if (rc == 0) rc = run_adopt_all(&ctx, pl, o, argc, argv);
    ctx.mpi = o->ranks ? NULL : o->mpi;
    ctx.ranks = o->ranks, ctx.mpi_all = o->mpi;
    if (o->ranks) rc = run_mpi_max(o->mpi, rc); /* no rank waits for one that stopped */
    if (rc == 0 && ctx.mpi && run_mpi_order(ctx.mpi, &ctx)) rc = 1;
    if (rc == 0) rc = run_all(&ctx, o);
    if (ctx.mpi) rc = run_adopt_ranks(&ctx, pl, o, rc);
    if (rc == 0 && !o->rank_file && !o->follower) rc = run_output_report(&ctx, pl, o);
    h5_results_abort(ctx.h5); /* after a failure: the temporary file goes */
    pthread_mutex_destroy(&ctx.lock);
    jobs_free(ctx.jobs, njobs);
    free(ctx.live);
    return rc;
}

/* MPI when launched by mpirun with more than one rank (o->mpi), else none. */
static void mpi_setup(run_opts *o)
{
    o->mpi = run_mpi_start(NULL, NULL);
    if (run_mpi_size(o->mpi) < 2) {
        run_mpi_end(o->mpi);
        o->mpi = NULL;
    }
}

/* Under mpirun with more than one rank: a study of one run is run by the ranks together (rank 0
 * reports and writes -o; one thread per rank). Otherwise the runs are spread over the ranks: -o
 * is needed (their runs meet in it), and a rank > 0 writes its runs to OUT.rankR and prints
 * nothing but errors. Returns 0, or the exit code. */
static int mpi_roles(run_opts *o, const run_plan *pl, char *rank_out, size_t n)
{
    if (!o->mpi) return 0;
    const run_inputs *in = &pl->pts[0];
    if (pl->npoints * in->s->narchs * in->reps == 1 && !in->precision.on && !in->warmup_auto &&
        !o->shards && !o->resume) {
        if (o->threads != 1) {
            if (run_mpi_rank(o->mpi) == 0)
                fprintf(stderr,
                        "vpcsim run: one run across %d ranks takes one thread per rank; "
                        "drop --threads %d (or run more ranks)\n",
                        run_mpi_size(o->mpi), o->threads);
            return EXIT_USAGE;
        }
        o->ranks = run_mpi_ranks(o->mpi);
        if (run_mpi_rank(o->mpi) > 0) o->follower = true, o->quiet = true, o->json = NULL;
        return 0;
    }
    if (!o->out) {
        if (run_mpi_rank(o->mpi) == 0)
            fputs("vpcsim run: under mpirun, -o FILE is needed: the ranks' runs meet in it\n",
                  stderr);
        return EXIT_USAGE;
    }
    if (run_mpi_rank(o->mpi) > 0) {
        run_mpi_rank_path(rank_out, n, o->out, run_mpi_rank(o->mpi));
        o->out = rank_out, o->rank_file = true, o->quiet = true, o->json = NULL;
    }
    return 0;
}

int run_main(int argc, char **argv)
{
    return run_main_with(argc, argv, NULL);
}

int run_main_with(int argc, char **argv, const run_merge *m)
{
    run_opts o;
    run_plan pl;
    vs_error err = {""};
    char defaults[PATH_MAX];
    int rc;
    if (!parse_args(&o, argc, argv, &rc)) {
        opts_free(&o);
        return rc;
    }
    if (m) { /* merge: the parts' study into m->out, nothing run */
        o.text = m->text, o.parts = m->parts, o.nparts = m->nparts, o.out = m->out;
        o.shard = o.shards = 0, o.resume = false, o.json = NULL, o.quiet = m->quiet;
        o.command_line = m->command_line;
    }
    char rank_out[PATH_MAX];
    if (!m) mpi_setup(&o);
    /* the price table is the scenario's Region's unless --prices names one (load_plan) */
    if (datafiles_default(&o.defaults, DATAFILES_DEFAULTS, defaults, sizeof defaults, &err)) {
        fprintf(stderr, "vpcsim run: %s\n", err.msg);
        opts_free(&o);
        return EXIT_USAGE;
    }
    /* with -o, SIGINT, SIGTERM and SIGHUP go to the watcher: block them before any other thread
     * exists */
    if (o.out && watch_block_signals()) {
        fputs("vpcsim run: cannot take SIGINT\n", stderr);
        opts_free(&o);
        return 1;
    }
    /* with -o, a reader that went away (`| head`) must not kill the run before the file is
     * renamed: the write fails with EPIPE instead, and report_all keeps the file */
    if (o.out) signal(SIGPIPE, SIG_IGN);
    rc = load_plan(&o, &pl);
    if (rc == 0) {
        rc = mpi_roles(&o, &pl, rank_out, sizeof rank_out);
        if (rc == 0) rc = preflight(&pl, &o);
        if (rc == 0) rc = run_plan_jobs(&pl, &o, argc, argv);
        plan_free(&pl);
    }
    run_mpi_end(o.mpi);
    opts_free(&o);
    return rc;
}
