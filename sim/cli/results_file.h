/* Reading a results file back (vpcsim run -o FILE, docs/output.md): its root attributes, /sweep,
 * /summary, and the per-replication values of the figures `vpcsim compare` tests, from the per-run
 * tables. Used by `vpcsim report` and `vpcsim compare`; files of a few MB, read whole. */
#ifndef VPCSIM_CLI_RESULTS_FILE_H
#define VPCSIM_CLI_RESULTS_FILE_H

#include "cli/h5_results_impl.h"

/* One figure of one run (architecture x point x replication), in the units of /summary: latency
 * ms (mean, p50, p90, p99, p99.9 of successful calls), success_ratio 1, completed and
 * failed_<cause> 1/s of the window (workload subjects); utilisation 1 (component subjects). */
typedef struct run_value {
    uint32_t point, rep;
    uint64_t seed; /* the replication's seed */
    char architecture[160], subject[160];
    char metric[32], unit[32];
    double value; /* NaN: none (no successful call) */
} run_value;

typedef struct run_values {
    run_value *v;
    size_t n, cap;
} run_values;

typedef struct results_file {
    h5file *f;
    char tool[128], name[256], file[1024];
    int64_t reps, points, duration_ns, warmup_ns, complete, runs, kept;
    uint64_t seed;
    double hours;
    char **archs; /* architecture_names [narchs] */
    size_t narchs;
    summary_row *rows; /* /summary */
    size_t nrows;
    h5_sweep_row *sweep; /* /sweep: [points x nkeys], point-major */
    size_t nsweep, nkeys;
} results_file;

/* Opens path and reads its attributes, /summary and /sweep. Returns 0, or -1 with err set (not a
 * vpcsim file, another format, no summary, an unreadable table). */
int results_file_open(results_file *r, const char *path, vs_error *err);
/* Appends the per-replication values of every run in the file (runs missing from an interrupted
 * file are skipped). Returns 0, or -1 with err set. */
int results_file_runs(results_file *r, run_values *out, vs_error *err);
void results_file_free(results_file *r);

/* Appends one value. Returns 0, or -1 when out of memory. */
int run_values_add(run_values *rv, const run_value *v);
/* Appends b (its point, replication, seed and architecture) with this figure. Returns 0, or -1
 * when out of memory. */
int run_values_put(run_values *rv, run_value *b, const char *subject, const char *metric,
                   const char *unit, double value);
void run_values_free(run_values *rv);

#endif
