/* What `vpcsim run` prints and writes once its runs are done (sim/cli/run_impl.h): the summary
 * over replications, the text report or JSON document, the expectations' verdicts, and the HDF5
 * file of -o (opened before the runs, closed and renamed after; an input or a device is never
 * replaced). stdout and the file are independent: neither failing loses the other. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/expect_eval.h"
#include "cli/results_json.h"
#include "cli/run_impl.h"
#include "cli/run_precision.h"
#include "io/h5file.h"
#include "vpcsim/infile.h"

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
    if (summary_build(&out->rows, out->rps, out->n, out->hourly) ||
        run_precision_rows(&out->rows, out->rps, out->n))
        return error_set(err, "out of memory");
    return 0;
}

/* The header of the report and of the JSON document; values: the swept values, point-major (the
 * caller frees them). Returns 0, or -1 when out of memory. */
static int plan_head(const run_plan *pl, text_report_head *t, const char ***values)
{
    size_t nv = pl->npoints * pl->nkeys;
    const char **v = calloc(nv + 1, sizeof *v);
    if (!(*values = v)) return -1;
    for (size_t i = 0; i < nv; i++) v[i] = pl->pts[i / pl->nkeys].value[i % pl->nkeys];
    const run_inputs *in = &pl->pts[0];
    *t = (text_report_head){.name = in->s->name,
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
    return 0;
}

static int print_all(FILE *f, const run_plan *pl, const outputs *out)
{
    text_report_head t;
    const char **v;
    int rc = plan_head(pl, &t, &v) ? -1 : text_report_print(f, &t, out->rows.r, out->rows.n);
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
    h5_results_end e = {.runs = ctx->planned ? ctx->planned : ctx->njobs,
                        .records_kept = ctx->out.records};
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

/* After a signal: the file keeps the runs done. Returns the exit code (128 + the signal, or 1 on
 * failure). */
static int keep_interrupted(run_ctx *ctx, const outputs *out, const run_opts *o)
{
    vs_error err = {""};
    h5_results_end e = file_end(ctx);
    size_t whole = 0;
    for (size_t p = 0; p < out->n; p++) whole += out->rps[p].reps;
    if (e.kept == 0) {
        h5_results_abort(ctx->h5), ctx->h5 = NULL;
        fputs("vpcsim run: interrupted before any run finished: nothing written\n", stderr);
        return 128 + atomic_load(&ctx->signo);
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
    return 128 + atomic_load(&ctx->signo);
}

/* --shard: the part is written, no report (its replications are not whole). Returns 0 or 1. */
static int keep_part(run_ctx *ctx, const outputs *out, const run_opts *o)
{
    vs_error err = {""};
    h5_results_end e = file_end(ctx);
    int rc = h5_results_close(ctx->h5, out->rps, out->n, &out->rows, &e, &err);
    ctx->h5 = NULL;
    if (rc) {
        fprintf(stderr, "vpcsim run: %s; %s is left as it was\n", err.msg, o->out);
        return 1;
    }
    if (!o->quiet && o->shards)
        fprintf(stderr,
                "vpcsim run: part %u/%u: %s holds %zu of the %zu runs; `vpcsim merge` of all %u "
                "parts makes the whole file\n",
                o->shard, o->shards, o->out, e.kept, e.runs, o->shards);
    return 0;
}

/* Closes the file (renaming it to -o). Returns 0, or -1 after saying why (target untouched). */
static int close_output(run_ctx *ctx, const outputs *out, const run_opts *o)
{
    vs_error err = {""};
    h5_results_end e = file_end(ctx);
    int rc = h5_results_close(ctx->h5, out->rps, out->n, &out->rows, &e, &err);
    ctx->h5 = NULL;
    if (rc) fprintf(stderr, "vpcsim run: %s; %s is left as it was\n", err.msg, o->out);
    return rc;
}

/* The report on stdout, then the file: stdout and the file are independent, so neither failing
 * (a closed pipe, a full disk) loses the other; either makes the exit code 1. */
/* --json: the document of sim/cli/results_json.c, with the expectations' verdicts. Returns 0, or
 * -1 with err set. */
static int write_json(const run_plan *pl, const outputs *out, const expect_results *ex,
                      const char *path, bool complete, vs_error *err)
{
    text_report_head t;
    const char **v;
    run_values rv = {0};
    json_object *doc = plan_head(pl, &t, &v) || results_json_job_values(out->rps, out->n, &rv)
                           ? NULL
                           : results_json_doc(&t, complete, out->rows.r, out->rows.n, &rv);
    if (doc && ex->n) json_out_set(doc, "expectations", expect_eval_json(ex));
    int rc = results_json_write(doc, path, err);
    free(v);
    run_values_free(&rv);
    return rc;
}

/* How printing the results went: out of memory, no numbers may be trusted and the file goes too;
 * a write that failed (stdout, the JSON file) leaves the HDF5 file to be kept. */
enum { PRINTED = 0, PRINT_NO_MEMORY = -1, PRINT_NOT_WRITTEN = -2 };

/* The text report (unless --json -), the JSON document, the expectations' verdicts (on stderr
 * with --json -). Returns PRINTED, or another of the values above with err set; ex is filled. */
static int print_results(const run_ctx *ctx, const run_plan *pl, const run_opts *o,
                         const outputs *out, expect_results *ex, vs_error *err)
{
    bool text = !o->json || strcmp(o->json, "-") != 0;
    if (text && print_all(stdout, pl, out)) return error_set(err, "out of memory"), PRINT_NO_MEMORY;
    if (expect_eval_run(pl->pts[0].s, pl->pts[0].map, out->rows.r, out->rows.n, pl->npoints, ex))
        return error_set(err, "out of memory"), PRINT_NO_MEMORY;
    if (o->json && write_json(pl, out, ex, o->json, file_end(ctx).complete, err))
        return PRINT_NOT_WRITTEN;
    expect_eval_print(text ? stdout : stderr, ex, pl->npoints);
    if (fflush(stdout) || ferror(stdout))
        return error_set(err, "cannot write the report to stdout (%s)",
                         strerror(errno ? errno : EIO)),
               PRINT_NOT_WRITTEN;
    return PRINTED;
}

/* Whether the file was kept when printing failed. */
static bool ctx_kept(int printed, int filed)
{
    return printed != PRINT_NO_MEMORY && !filed;
}

int run_output_report(run_ctx *ctx, const run_plan *pl, const run_opts *o)
{
    vs_error err = {""};
    outputs out = {0};
    expect_results ex = {0};
    if (outputs_make(ctx, &out, &err)) {
        fprintf(stderr, "vpcsim run: %s\n", err.msg[0] ? err.msg : "out of memory");
        outputs_free(&out);
        return 1;
    }
    if (ctx->h5 && (file_end(ctx).interrupted || o->shards || o->rank_file)) { /* no report */
        int rc =
            file_end(ctx).interrupted ? keep_interrupted(ctx, &out, o) : keep_part(ctx, &out, o);
        outputs_free(&out);
        return rc;
    }
    int printed = print_results(ctx, pl, o, &out, &ex, &err);
    if (printed == PRINT_NO_MEMORY && ctx->h5) { /* out of memory: no file either */
        h5_results_abort(ctx->h5);
        ctx->h5 = NULL;
    }
    int filed = ctx->h5 ? close_output(ctx, &out, o) : 0;
    if (printed)
        fprintf(stderr, "vpcsim run: %s%s%s\n", err.msg[0] ? err.msg : "cannot write the report",
                o->out && ctx_kept(printed, filed) ? "; the results are in " : "",
                o->out && ctx_kept(printed, filed) ? o->out : "");
    if (!printed && !filed) expect_eval_warn(stderr, &ex);
    bool failed = ex.fail > 0;
    expect_eval_free(&ex);
    outputs_free(&out);
    return printed || filed || failed ? 1 : 0;
}

/* Whether path names the file out is (same device and inode: another name, a link, is caught). */
static bool same_file(const char *path, const struct stat *out)
{
    struct stat st;
    return path && stat(path, &st) == 0 && st.st_dev == out->st_dev && st.st_ino == out->st_ino;
}

/* -o must name a new or regular file (h5file_check_target), and not an input: the scenario,
 * --prices, --defaults or a replay file of any point. Returns 0, or -1 with err set. */
static int output_not_input(const run_plan *pl, const run_opts *o, vs_error *err)
{
    struct stat out;
    char path[4096];
    if (h5file_check_target(o->out, err)) return -1;
    if (stat(o->out, &out) != 0) return 0; /* not there yet: no input is it */
    /* stdin ("-") is no file -o could name */
    const char *named[] = {strcmp(o->file, "-") ? o->file : NULL, o->prices, o->defaults};
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (same_file(named[i], &out))
            return error_set(err, "-o %s is an input (%s): it would be overwritten", o->out,
                             named[i]);
    for (size_t p = 0; p < pl->npoints; p++)
        for (size_t a = 0; a < pl->pts[p].s->narchs; a++) {
            const topology *t = &pl->pts[p].s->archs[a];
            for (size_t w = 0; w < t->nworkloads; w++) {
                const config_node *f = config_find(t->workloads[w].traffic, "file");
                vs_error ignored;
                if (f && config_scalar(f) &&
                    infile_resolve(t->workloads[w].pos.file, config_scalar(f), true, path,
                                   sizeof path, &ignored) == 0 &&
                    same_file(path, &out))
                    return error_set(err,
                                     "-o %s is an input (the replay file %s of %s): it "
                                     "would be overwritten",
                                     o->out, path, t->name);
            }
        }
    return 0;
}

/* The HDF5 file, created before the runs (a folder that is not there fails now, not after an
 * hour of simulation). Returns 0, or the exit code. */
int run_output_open(run_ctx *ctx, const run_plan *pl, const run_opts *o, int argc, char **argv)
{
    vs_error err = {""};
    const config_node *block = config_find(config_root(pl->base->doc), "output");
    if (output_plan_make(pl->pts, pl->npoints, block, &o->asked, &ctx->out, &err)) {
        scenario_patch_translate(pl->base_map, &err);
        fprintf(stderr, "vpcsim run: %s\n", err.msg);
        return EXIT_USAGE;
    }
    if (o->follower) { /* rank 0 writes; this rank observes what the file keeps */
        ctx->observe = o->out != NULL;
        return 0;
    }
    if (!o->out) return 0;
    if (output_not_input(pl, o, &err)) {
        fprintf(stderr, "vpcsim run: %s\n", err.msg);
        return EXIT_USAGE;
    }
    char *cmd = o->command_line ? strdup(o->command_line) : command_line(argc, argv),
         *ident = run_identity(pl, o, &ctx->out);
    h5_results_meta meta = {.path = o->out,
                            .identity = ident ? ident : "",
                            .command_line = cmd ? cmd : "",
                            .text = pl->text,
                            .threads = o->threads,
                            .keys = pl->keys,
                            .nkeys = pl->nkeys,
                            .out = &ctx->out};
    ctx->h5 = cmd && ident ? h5_results_open(&meta, pl->pts, pl->npoints, &err) : NULL;
    if (!cmd || !ident) error_set(&err, "out of memory");
    free(cmd), free(ident);
    if (!ctx->h5) fprintf(stderr, "vpcsim run: %s\n", err.msg);
    ctx->observe = ctx->h5 != NULL;
    return ctx->h5 ? 0 : 1;
}
