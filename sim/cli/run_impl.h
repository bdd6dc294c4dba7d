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
    output_plan_asked asked; /* --records, --spans, --series-bin */
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
    atomic_bool stop;   /* a signal came: start no more runs */
    atomic_int signo;   /* which (SIGINT, SIGTERM, SIGHUP): the exit code is 128 + it */
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

#endif
