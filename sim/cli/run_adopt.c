/* Runs done elsewhere (docs/large-studies.md): `--shard I/N` runs part of the jobs and marks the
 * file a part; `--resume` takes the runs already in -o's file; `vpcsim merge` takes every run of
 * its parts. A run taken from a file is rebuilt from its state/ tables (sim/cli/h5_state.c) and
 * its group copied whole (H5Ocopy), so the summary, /topology and every dataset come out as if it
 * had run here. Files of another study (scenario text, seed, settings, version) are refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/h5_results_impl.h"
#include "cli/run_impl.h"
#include "io/h5file.h"

#ifndef VPCSIM_VERSION
#define VPCSIM_VERSION "unknown"
#endif

int run_shard_parse(void *opts, const char *name, const char *v, vs_error *err)
{
    run_opts *o = opts;
    unsigned long i = 0, n = 0;
    char *end = NULL;
    i = strtoul(v, &end, 10);
    if (end != v && *end == '/') n = strtoul(end + 1, &end, 10);
    if (!end || *end || n < 1 || n > 1000000 || i < 1 || i > n || v[0] == '-' || v[0] == '+')
        return error_set(err, "%s expects I/N with 1 <= I <= N (e.g. 2/10), got '%s'", name, v);
    o->shard = (uint32_t)i, o->shards = (uint32_t)n;
    return 0;
}

/* Round robin over the execution order (replication-major): each part gets every architecture
 * and point in turn, so the parts take about the same time; stable for any machine or threads. */
bool run_shard_has(size_t i, uint32_t shard, uint32_t shards)
{
    return shards == 0 || i % shards == (size_t)(shard - 1);
}

char *run_identity(const run_plan *pl, const run_opts *o, const output_plan *out)
{
    const run_inputs *in = &pl->pts[0];
    size_t n = 256;
    for (size_t i = 0; i < o->nsets; i++) n += strlen(o->sets[i].label) + 3;
    char *s = malloc(n);
    if (!s) return NULL;
    int k = snprintf(s, n,
                     "replications=%zu duration_ns=%lld warmup_ns=%lld records=%.17g spans=%.17g "
                     "series_bin_ns=%lld",
                     in->reps, (long long)in->duration_ns, (long long)in->warmup_ns, out->records,
                     out->spans, (long long)out->series_bin_ns);
    for (size_t i = 0; i < o->nsets && k > 0 && (size_t)k < n; i++)
        k += snprintf(s + k, n - (size_t)k, " [%s]", o->sets[i].label);
    return s;
}

/* ---- whether a file holds runs of this study ------------------------------------------------- */

typedef struct study {
    const char *text;     /* the scenario's text */
    uint64_t seed;        /* its seed */
    const char *identity; /* run_identity */
} study;

/* Returns 0, or -1 with err saying what differs. */
static int same_study(h5file *f, const char *path, const study *s, vs_error *err)
{
    char tool[128] = "", *text = NULL;
    int64_t format = 0;
    uint64_t seed = 0;
    vs_error e = {""};
    if (!h5file_has_attr(f, "/", "tool") || h5file_get_str(f, "/", "tool", tool, sizeof tool, &e) ||
        strncmp(tool, "vpcsim ", 7) != 0)
        return error_set(err, "%s: not a vpcsim results file", path);
    if (strcmp(tool, "vpcsim " VPCSIM_VERSION) != 0 ||
        h5file_get_i64(f, "/", "format", &format, &e) || format != H5_RESULTS_FORMAT)
        return error_set(err, "%s: written by %s (format %lld); this is vpcsim %s (format %d)",
                         path, tool, (long long)format, VPCSIM_VERSION, H5_RESULTS_FORMAT);
    size_t len = strlen(s->text) + strlen(s->identity) + 2; /* a longer text is cut: differs */
    if (!(text = malloc(len))) return error_set(err, "out of memory");
    int rc = h5file_get_str(f, "/", "scenario", text, len, &e);
    if (rc || strcmp(text, s->text) != 0)
        rc = error_set(err, "%s: another scenario (its text differs)", path);
    if (rc == 0 && (h5file_get_u64(f, "/", "seed", &seed, &e) || seed != s->seed))
        rc = error_set(err, "%s: another seed (%llu, not %llu)", path, (unsigned long long)seed,
                       (unsigned long long)s->seed);
    if (rc == 0 &&
        (h5file_get_str(f, "/", "identity", text, len, &e) || strcmp(text, s->identity) != 0))
        rc = error_set(err, "%s: other settings (%.900s, not %.900s)", path, text, s->identity);
    free(text);
    return rc;
}

/* ---- taking runs ----------------------------------------------------------------------------- */

/* Takes job j from f if f holds it. Returns 1 (taken), 0 (not there) or -1 with err set. */
static int adopt_job(run_ctx *ctx, h5file *f, const char *path, job *j, vs_error *err)
{
    const run_inputs *in = &ctx->pts[j->pt];
    const topology *t = &in->s->archs[j->arch];
    char group[512], state[600];
    uint64_t seed = j->seed;
    h5_state_group(group, sizeof group, t->name, j->pt, j->rep);
    snprintf(state, sizeof state, "%s/state", group);
    if (!h5file_exists(f, state)) return 0;
    if (h5_state_read(f, group, t, (double)in->duration_ns / 1e9, j, err)) return -1;
    j->warmup_ns = in->warmup_ns; /* fixed: warmup: auto is not adopted (plain_study) */
    if (j->seed != seed)
        return error_set(err, "%s: %s has seed %llu, not %llu", path, group,
                         (unsigned long long)j->seed, (unsigned long long)seed);
    if (h5_results_copy_run(ctx->h5, f, group, err)) return -1;
    j->done = j->skip = true;
    ctx->done++;
    return 1;
}

/* Takes every run of path that is not done yet and is this shard's. Returns 0, or the exit code
 * with the reason printed: 2 when path is of another study, 1 when it cannot be read. */
static int adopt_file(run_ctx *ctx, const char *path, const study *s, const char *why)
{
    vs_error err = {""};
    h5file *f = h5file_open(path, &err);
    int rc = !f ? EXIT_USAGE : same_study(f, path, s, &err) ? EXIT_USAGE : 0;
    for (size_t i = 0; rc == 0 && i < ctx->njobs; i++) {
        job *j = &ctx->jobs[i];
        if (!j->done && !j->skip && adopt_job(ctx, f, path, j, &err) < 0) rc = 1;
    }
    h5file_free(f);
    if (rc) fprintf(stderr, "vpcsim %s: %s\n", why, err.msg);
    return rc;
}

/* --shard: the jobs of the other parts are skipped; the file says which part it is. */
static int mark_shard(run_ctx *ctx, const run_opts *o, int argc, char **argv)
{
    size_t mine = 0;
    vs_error err = {""};
    for (size_t i = 0; i < ctx->njobs; i++) {
        job *j = &ctx->jobs[run_job_index(ctx, i)];
        j->skip = !run_shard_has(i, o->shard, o->shards);
        mine += !j->skip;
    }
    if (h5_results_part(ctx->h5, o->shard, o->shards, (const char *const *)argv, (size_t)argc, mine,
                        &err)) {
        fprintf(stderr, "vpcsim run: %s\n", err.msg);
        return 1;
    }
    return 0;
}

int run_adopt_all(run_ctx *ctx, const run_plan *pl, const run_opts *o, int argc, char **argv)
{
    struct stat st;
    if (!ctx->h5) return 0;
    char *ident = run_identity(pl, o, &ctx->out);
    if (!ident) return fputs("vpcsim run: out of memory\n", stderr), 1;
    study s = {.text = pl->text, .seed = pl->pts[0].seed, .identity = ident};
    int rc = o->shards ? mark_shard(ctx, o, argc, argv) : 0;
    if (rc == 0 && o->resume && stat(o->out, &st) == 0) rc = adopt_file(ctx, o->out, &s, "run");
    for (size_t p = 0; rc == 0 && p < o->nparts; p++)
        rc = adopt_file(ctx, o->parts[p], &s, "merge");
    free(ident);
    return rc;
}

int run_adopt_ranks(run_ctx *ctx, const run_plan *pl, const run_opts *o, int rc)
{
    int bad = 0, size = run_mpi_size(ctx->mpi);
    char path[4096];
    if (o->rank_file && rc == 0) rc = run_output_report(ctx, pl, o); /* closes OUT.rankR */
    if (!run_mpi_all_ok(ctx->mpi, rc == 0, &bad)) {
        if (!o->rank_file && bad > 0)
            fprintf(stderr,
                    "vpcsim run: MPI rank %d failed (its message is above); %s is left "
                    "as it was\n",
                    bad, o->out);
        return rc ? rc : 1;
    }
    if (o->rank_file) return 0;
    char *ident = run_identity(pl, o, &ctx->out);
    if (!ident) return fputs("vpcsim run: out of memory\n", stderr), 1;
    study s = {.text = pl->text, .seed = pl->pts[0].seed, .identity = ident};
    for (int r = 1; r < size; r++) {
        run_mpi_rank_path(path, sizeof path, o->out, r);
        if (rc == 0) rc = adopt_file(ctx, path, &s, "run");
        unlink(path);
    }
    free(ident);
    return rc;
}
