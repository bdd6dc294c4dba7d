/* `vpcsim merge PART... -o OUT`: the parts of a study run with `vpcsim run --shard I/N` made into
 * the file one `vpcsim run` would have written (datasets identical). The parts are checked here
 * (one study, every shard once, each whole); the file is then made by run's own code from the
 * arguments the parts stored, taking every run from the parts (sim/cli/run_adopt.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/run_impl.h"
#include "io/h5file.h"

enum { MERGE_MAX_PARTS = 100000 };

/* What a part says about itself. */
typedef struct part {
    const char *path;
    char tool[128];
    char **text, **identity, **args; /* h5file_get_strs blocks */
    size_t nargs;
    int64_t shard, shards, runs, kept, interrupted;
    uint64_t seed;
} part;

static void part_free(part *p)
{
    free(p->text), free(p->identity), free(p->args);
}

static int read_strs(h5file *f, const char *name, char ***v, size_t *n, vs_error *err)
{
    size_t k = 0;
    if (h5file_get_strs(f, "/", name, v, &k, err)) return -1;
    if (n)
        *n = k;
    else if (k != 1)
        return error_set(err, "attribute %s is not one string", name);
    return 0;
}

/* Reads p->path's attributes. Returns 0, or -1 with err saying why it is no part. */
static int part_read(part *p, vs_error *err)
{
    vs_error e = {""};
    h5file *f = h5file_open(p->path, err);
    if (!f) return -1;
    int rc = 0;
    if (!h5file_has_attr(f, "/", "tool") ||
        h5file_get_str(f, "/", "tool", p->tool, sizeof p->tool, &e) ||
        strncmp(p->tool, "vpcsim ", 7) != 0)
        rc = error_set(err, "%s: not a vpcsim results file", p->path);
    else if (!h5file_has_attr(f, "/", "part_shard"))
        rc = error_set(err, "%s: not a part file (vpcsim run --shard I/N -o FILE makes them)",
                       p->path);
    else if (h5file_get_i64(f, "/", "part_shard", &p->shard, &e) ||
             h5file_get_i64(f, "/", "part_shards", &p->shards, &e) ||
             h5file_get_i64(f, "/", "part_runs", &p->runs, &e) ||
             h5file_get_i64(f, "/", "runs_completed", &p->kept, &e) ||
             h5file_get_i64(f, "/", "interrupted", &p->interrupted, &e) ||
             h5file_get_u64(f, "/", "seed", &p->seed, &e) ||
             read_strs(f, "scenario", &p->text, NULL, &e) ||
             read_strs(f, "identity", &p->identity, NULL, &e) ||
             read_strs(f, "part_arguments", &p->args, &p->nargs, &e))
        rc = error_set(err, "%s: a damaged part (%s)", p->path, e.msg);
    h5file_free(f);
    return rc;
}

/* Whether b belongs with a (the first part). Returns 0, or -1 with err saying what differs. */
static int part_match(const part *a, const part *b, vs_error *err)
{
    if (strcmp(a->tool, b->tool) != 0)
        return error_set(err, "%s and %s were written by different versions (%s, %s)", a->path,
                         b->path, a->tool, b->tool);
    if (strcmp(a->text[0], b->text[0]) != 0)
        return error_set(err, "%s and %s are parts of different scenarios", a->path, b->path);
    if (a->seed != b->seed)
        return error_set(err, "%s and %s have different seeds (%llu, %llu)", a->path, b->path,
                         (unsigned long long)a->seed, (unsigned long long)b->seed);
    if (strcmp(a->identity[0], b->identity[0]) != 0)
        return error_set(err, "%s and %s were run with different settings (%s; %s)", a->path,
                         b->path, a->identity[0], b->identity[0]);
    if (a->shards != b->shards)
        return error_set(err, "%s and %s are of different shard counts (%lld, %lld)", a->path,
                         b->path, (long long)a->shards, (long long)b->shards);
    return 0;
}

/* Every shard 1..N once, each whole. Returns 0, or -1 with err set. */
static int parts_cover(const part *p, size_t n, vs_error *err)
{
    size_t shards = (size_t)p[0].shards;
    if (p[0].shards < 1 || p[0].shards > MERGE_MAX_PARTS)
        return error_set(err, "%s: shard count %lld", p[0].path, (long long)p[0].shards);
    const part **by = calloc(shards, sizeof *by);
    if (!by) return error_set(err, "out of memory");
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        size_t s = (size_t)p[i].shard;
        if (p[i].shard < 1 || s > shards)
            rc = error_set(err, "%s: shard %lld of %zu", p[i].path, (long long)p[i].shard, shards);
        else if (by[s - 1])
            rc = error_set(err, "%s and %s are both part %zu/%zu", by[s - 1]->path, p[i].path, s,
                           shards);
        else if (p[i].kept < p[i].runs)
            rc = error_set(err,
                           "%s is part %zu/%zu with %lld of its %lld runs%s: finish it with "
                           "vpcsim run ... --shard %zu/%zu -o %s --resume",
                           p[i].path, s, shards, (long long)p[i].kept, (long long)p[i].runs,
                           p[i].interrupted ? " (interrupted)" : "", s, shards, p[i].path);
        else
            by[s - 1] = &p[i];
    }
    for (size_t s = 0; rc == 0 && s < shards; s++)
        if (!by[s]) rc = error_set(err, "part %zu/%zu is missing", s + 1, shards);
    free(by);
    return rc;
}

/* OUT may be written (a new or regular file) and is none of the parts. */
static int out_ok(const char *out, const part *p, size_t n, vs_error *err)
{
    struct stat so, sp;
    if (h5file_check_target(out, err)) return -1;
    if (stat(out, &so) != 0) return 0;
    for (size_t i = 0; i < n; i++)
        if (stat(p[i].path, &sp) == 0 && sp.st_dev == so.st_dev && sp.st_ino == so.st_ino)
            return error_set(err, "-o %s is an input (%s): it would be overwritten", out,
                             p[i].path);
    return 0;
}

static void merge_usage(FILE *f)
{
    fputs("usage: vpcsim merge PART... -o OUT [--quiet]\n"
          "  makes OUT from the parts of one study run with vpcsim run FILE --shard I/N -o PART\n"
          "  (every part 1..N once, the same scenario, seed, settings and version): the file one\n"
          "  vpcsim run FILE -o OUT would have written, and prints its report\n"
          "  (docs/large-studies.md)\n"
          "options:\n"
          "  -o OUT    the merged file (a new or regular file, none of the parts)\n"
          "  --quiet   no line on stderr saying what was merged\n",
          f);
}

/* The parts named on the command line and the options. Returns 0 to go on, else the exit code. */
static int merge_args(int argc, char **argv, const char **paths, size_t *n, const char **out,
                      bool *quiet)
{
    *n = 0, *out = NULL, *quiet = false;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            merge_usage(stdout);
            return -1;
        } else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
            *out = argv[++i];
        } else if (strcmp(argv[i], "--quiet") == 0) {
            *quiet = true;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "vpcsim merge: unknown option '%s'\n", argv[i]);
            merge_usage(stderr);
            return EXIT_USAGE;
        } else {
            paths[(*n)++] = argv[i];
        }
    }
    if (*n == 0 || !*out) {
        fprintf(stderr, "vpcsim merge: %s\n", *n ? "-o OUT is missing" : "no part named");
        merge_usage(stderr);
        return EXIT_USAGE;
    }
    return 0;
}

/* Runs `vpcsim run` with the first part's arguments, taking every run from the parts. */
static int merge_write(const part *p, size_t n, const char *const *paths, const char *out,
                       bool quiet, int argc, char **argv)
{
    size_t len = sizeof "vpcsim merge";
    for (int i = 0; i < argc; i++) len += strlen(argv[i]) + 1;
    char *cmd = malloc(len);
    if (!cmd) return fputs("vpcsim merge: out of memory\n", stderr), 1;
    strcpy(cmd, "vpcsim merge");
    for (int i = 0; i < argc; i++) strcat(strcat(cmd, " "), argv[i]);
    run_merge m = {.text = p[0].text[0],
                   .parts = paths,
                   .nparts = n,
                   .out = out,
                   .command_line = cmd,
                   .quiet = true};
    int rc = run_main_with((int)p[0].nargs, p[0].args, &m);
    free(cmd);
    if (rc == 0 && !quiet) fprintf(stderr, "vpcsim merge: %zu parts into %s\n", n, out);
    return rc;
}

int merge_main(int argc, char **argv)
{
    const char **paths = calloc(argc > 0 ? (size_t)argc : 1, sizeof *paths), *out;
    part *p = calloc(argc > 0 ? (size_t)argc : 1, sizeof *p);
    size_t n = 0;
    bool quiet;
    vs_error err = {""};
    if (!paths || !p)
        return free(paths), free(p), fputs("vpcsim merge: out of memory\n", stderr), 1;
    int rc = merge_args(argc, argv, paths, &n, &out, &quiet);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        p[i].path = paths[i];
        if (part_read(&p[i], &err) || part_match(&p[0], &p[i], &err)) rc = EXIT_USAGE;
    }
    if (rc == 0 && (parts_cover(p, n, &err) || out_ok(out, p, n, &err))) rc = EXIT_USAGE;
    if (rc == EXIT_USAGE && err.msg[0]) fprintf(stderr, "vpcsim merge: %s\n", err.msg);
    if (rc == 0) rc = merge_write(p, n, paths, out, quiet, argc, argv);
    for (size_t i = 0; i < n; i++) part_free(&p[i]);
    free(paths), free(p);
    return rc < 0 ? 0 : rc;
}
