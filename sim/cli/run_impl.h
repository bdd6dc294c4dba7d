/* Private tier of `vpcsim run` (sim/cli/cmd_run.c: options, inputs, jobs and the running of
 * them; sim/cli/run_output.c: what it prints and writes when they are done): the options, the plan
 * of every sweep point, and the context the jobs share. Not part of any public API. */
#ifndef VPCSIM_CLI_RUN_IMPL_H
#define VPCSIM_CLI_RUN_IMPL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli/observe.h"
#include "cli/results.h"
#include "cli/scenario_patch.h"

enum { MAX_SETS = 256 }; /* --set options */

typedef struct run_mpi run_mpi; /* sim/cli/run_mpi.c */

typedef struct run_opts {
    const char *file, *prices, *defaults, *queue;
    const char *out;  /* -o: the HDF5 file, or NULL */
    const char *json; /* --json: the JSON document's file ("-": stdout, no text report), or NULL */
    int threads;
    bool quiet;
    bool verbose;       /* --verbose: how each run was partitioned, on stderr */
    bool split_always;  /* --split-always: split runs even where it cannot pay (tests) */
    bool allow_outside; /* --allow-outside-files: replay files anywhere */
    bool has_seed, has_reps, has_duration, has_warmup, has_memory_limit;
    int64_t memory_limit; /* --memory-limit: bytes of results the runs may keep */
    uint64_t seed, reps;
    int64_t duration_ns, warmup_ns;
    scenario_patch sets[MAX_SETS]; /* --set, in order (label malloc'd, path and value inside it) */
    size_t nsets;
    output_plan_asked asked;  /* --records, --spans, --series-bin */
    uint32_t shard, shards;   /* --shard I/N: this part's runs only (0/0: every run) */
    bool resume;              /* --resume: keep the runs already in -o's file */
    const char *text;         /* merge: the scenario's text (from the parts), not read from file */
    const char *const *parts; /* merge: the part files whose runs make the file */
    size_t nparts;
    run_mpi *mpi;   /* under mpirun with more than one rank, else NULL */
    bool rank_file; /* MPI rank > 0: out is this rank's file (OUT.rankR), no report */
    /* MPI, a study of one run: the ranks run it together (else NULL); on a rank > 0 (follower)
     * nothing is written or printed, though out stays set so that it observes what -o keeps */
    const engine_ranks *ranks;
    bool follower;
    const char *command_line; /* merge: the file's command_line (NULL: run's, as typed) */
} run_opts;

/* Everything the run reads: the file as loaded, the scenario after --set, the sweep, and one
 * run_inputs per sweep point. */
typedef struct run_plan {
    char *text;                       /* the scenario's text, read once (the file or stdin) */
    scenario *file;                   /* as loaded from text: the tree patches start from */
    scenario *base;                   /* after --set (the file's when there is none) */
    scenario_patch_map *base_map;     /* where base's text came from, or NULL */
    cost_prices *prices;              /* the price table */
    region_prices by_region;          /* inter-Region prices by sending Region */
    const config_node *sweep;         /* base's run.sweep, or NULL */
    const char *keys[RUN_SWEEP_KEYS]; /* swept paths */
    size_t nkeys;
    run_inputs *pts; /* [npoints] */
    size_t npoints;
    scenario_patch *patches; /* scratch: --set then the point's values */
    char (*labels)[320];     /* scratch: labels of the point's values */
} run_plan;

typedef struct run_ctx {
    const run_inputs *pts; /* [npoints] */
    size_t npoints;
    job *jobs; /* [point x arch x rep], point-major then arch-major */
    size_t njobs;
    const size_t *order; /* the jobs run_job's i names (run.precision's batches), or NULL: all */
    size_t planned; /* runs asked for so far (run.precision; written under lock), or 0: njobs */
    int engine_threads;
    int side_by_side;   /* runs at once (1: one run split across the threads) */
    const char *queue;  /* event list, NULL: the engine's default */
    bool allow_outside; /* --allow-outside-files */
    bool verbose;       /* --verbose: each run's partitioning on stderr */
    bool split_always;  /* --split-always */
    h5_results *h5;     /* -o: the file being written, or NULL */
    output_plan out;    /* -o: what the runs keep */
    bool observe;       /* -o: collect records and series */
    bool progress;      /* the progress line: collectors that only track the simulated time */
    run_mpi *mpi;       /* MPI: jobs are claimed from rank 0's counter; NULL: none */
    const engine_ranks *ranks; /* MPI: the ranks run the one run together; NULL: none */
    run_mpi *mpi_all;          /* then: the ranks' MPI (ctx->mpi is NULL: nothing is claimed) */
    atomic_bool stop;          /* a signal came: start no more runs */
    atomic_int signo;          /* which (SIGINT, SIGTERM, SIGHUP): the exit code is 128 + it */
    /* shared with the watcher's thread, under lock */
    pthread_mutex_t lock;
    observation **live; /* [njobs] collectors of the runs in progress */
    size_t running, done;
} run_ctx;

/* Opens the HDF5 file of -o (after checking that it names no input and may be replaced) and
 * writes what is known before the runs. Returns 0, or the exit code with the reason printed. */
int run_output_open(run_ctx *ctx, const run_plan *pl, const run_opts *o, int argc, char **argv);
/* The text report (or JSON), the expectations' verdicts and the file, once the runs are done.
 * Returns the exit code: 0, 1 (something failed or an expectation failed) or 128 + a signal. */
int run_output_report(run_ctx *ctx, const run_plan *pl, const run_opts *o);

/* `vpcsim merge` (sim/cli/cmd_merge.c): run's arguments as the parts stored them, with these. */
typedef struct run_merge {
    const char *text;         /* the scenario's text */
    const char *const *parts; /* the part files */
    size_t nparts;
    const char *out;          /* the merged file */
    const char *command_line; /* `vpcsim merge ...` as typed */
    bool quiet;
} run_merge;
/* `vpcsim run` with argv (m NULL), or the merge of m's parts. Returns the exit code. */
int run_main_with(int argc, char **argv, const run_merge *m);

/* ---- runs done elsewhere (sim/cli/run_adopt.c: --shard, --resume, merge) ------------------- */

/* Every job's point, architecture, replication and seed. */
void run_jobs_init(run_ctx *ctx);
/* --shard I/N: parse "I/N" into o. */
int run_shard_parse(void *opts, const char *name, const char *v, vs_error *err);
/* Whether job i of the execution order belongs to shard (1-based) of shards. */
bool run_shard_has(size_t i, uint32_t shard, uint32_t shards);
/* What the file must share with runs taken into it: the effective settings as one line (the
 * caller frees it), or NULL when out of memory. */
char *run_identity(const run_plan *pl, const run_opts *o, const output_plan *out);
/* After the file is open: marks the jobs of other shards, takes the runs of -o's file
 * (--resume) or of the parts (merge), and marks a part file. Returns 0, or the exit code with
 * the reason printed (2: a file of another study). */
int run_adopt_all(run_ctx *ctx, const run_plan *pl, const run_opts *o, int argc, char **argv);
/* MPI: closes this rank's file (rank > 0), tells rank 0 whether every rank went well, and on
 * rank 0 takes the other ranks' runs into the file (their files are then removed). rc: this
 * rank's exit code so far. Returns the exit code. */
int run_adopt_ranks(run_ctx *ctx, const run_plan *pl, const run_opts *o, int rc);

/* ---- MPI (sim/cli/run_mpi.c; stubs when built without MPI) ----------------------------------- */

/* Initialises MPI when an MPI launcher started the process; NULL otherwise (never initialised). */
run_mpi *run_mpi_start(int *argc, char ***argv);
int run_mpi_rank(const run_mpi *m); /* 0 for NULL */
int run_mpi_size(const run_mpi *m); /* 1 for NULL */
/* The collectives with which the ranks run one run together (engine_ranks over MPI_COMM_WORLD;
 * valid until run_mpi_end), or NULL for NULL or without MPI. */
const engine_ranks *run_mpi_ranks(run_mpi *m);
/* Every rank: the jobs' order (longest expected first) and rank 0's counter. Collective.
 * Returns 0 or -1 (out of memory). */
int run_mpi_order(run_mpi *m, const run_ctx *ctx);
/* Collective, before each batch of run.precision: the claims hand out the n jobs of ctx that
 * jobs[] names (longest expected first) from a counter back at 0 (after run_mpi_order). */
void run_mpi_batch(run_mpi *m, const run_ctx *ctx, const size_t *jobs, size_t n);
/* Collective: whether mine is non-zero on any rank. */
int run_mpi_any(run_mpi *m, int mine);
/* Collective: bits[n] ORed over the ranks, in place (each rank fills what it owns, zeros
 * elsewhere: every rank ends with the same bits, copied rather than recomputed). */
void run_mpi_share(run_mpi *m, uint64_t *bits, size_t n);
/* The next job (index into ctx->jobs) for this rank, or SIZE_MAX when none is left. */
size_t run_mpi_claim(run_mpi *m);
/* A rank > 0 finished a job (for rank 0's progress line); runs finished on ranks > 0. */
void run_mpi_finished(run_mpi *m);
size_t run_mpi_finished_elsewhere(run_mpi *m);
/* Collective: the largest rc of any rank (an exit code every rank then shares). */
int run_mpi_max(run_mpi *m, int rc);
/* Collective: whether every rank is ok; *bad_rank the lowest that is not. */
int run_mpi_all_ok(run_mpi *m, int ok, int *bad_rank);
/* Finalises MPI (NULL: no-op). */
void run_mpi_end(run_mpi *m);
/* OUT.rankR. */
void run_mpi_rank_path(char *buf, size_t n, const char *out, int rank);

/* The execution order's job index i (replication-major) into ctx->jobs (arch-major). */
size_t run_job_index(const run_ctx *ctx, size_t i);

#endif
