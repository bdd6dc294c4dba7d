/* What the pieces of `vpcsim run` share (sim/run.c: options, inputs, sweep points and jobs;
 * sim/run_report.c: statistics over replications and the text tables; sim/run_h5.c: the HDF5
 * file): one job's summary, the inputs of one sweep point, and a point's view of the jobs. */
#ifndef VPCSIM_RUN_IMPL_H
#define VPCSIM_RUN_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "run_patch.h"
#include "vpcsim/client.h"
#include "vpcsim/cost.h"
#include "vpcsim/params.h"
#include "vpcsim/run.h"
#include "vpcsim/scenario.h"
#include "vpcsim/stats.h"

#define RUN_LEVEL              0.95
#define RUN_SECONDS_A_MONTH(p) ((p)->hours_per_month * 3600.0)
#define RUN_GB                 1073741824.0 /* AWS bills GB of 2^30 bytes (the price table's) */

enum { Q_MEAN, Q_P50, Q_P90, Q_P99, Q_P999, NQ };
enum { COST_LINES = COST_GB_COUNT + 2 }; /* hourly, per-GB items, total */
enum { RUN_SWEEP_KEYS = 6 };             /* the loader's limit on swept keys */

/* One sweep point (the whole scenario when there is no sweep): its scenario and parameters, and
 * the settings every point shares. */
typedef struct run_inputs {
    scenario *s;               /* the scenario at this point (owned) */
    param_table *params;       /* its parameters (owned) */
    run_patch_map *map;        /* where its text came from (owned), or NULL: the file's */
    const cost_prices *prices; /* shared */
    uint64_t seed;             /* scenario seed of replication seeds */
    size_t reps;               /* replications */
    vs_time duration_ns, warmup_ns;
    const char *value[RUN_SWEEP_KEYS]; /* the swept values at this point (into the doc) */
} run_inputs;

/* What one run measured, per second of the window where it is a count. */
typedef struct wl_sum {
    bool active;
    double offered, completed, retries, late, unfinished, quota;
    double failed[CLIENT_FAIL_COUNT];
    double success;    /* completed / offered (NaN when nothing was offered) */
    double lat_ms[NQ]; /* NaN when nothing completed */
    uint64_t attempts; /* measured attempts (for speed figures) */
    client_stats raw;  /* the counts (latency histogram included) */
} wl_sum;

typedef struct comp_sum {
    char name[RUN_NAME_MAX];
    hop_kind kind;
    bool many; /* many-server station: utilisation means nothing */
    double util, in_station, bytes_s, drops_s, peak;
    int32_t az;          /* AZ, or -1 */
    uint32_t servers;    /* flows served at full rate at once */
    double capacity_bps; /* or 0 */
    station_stats raw;   /* the counts */
} comp_sum;

typedef struct job {
    size_t pt, arch, rep;
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

/* One point's jobs, arch-major, and scratch space for statistics. */
typedef struct report {
    const run_inputs *in;
    const job *jobs; /* [narchs x reps] */
    size_t reps;
    double *x, *y; /* scratch [reps] */
} report;

#define WL(field)   offsetof(wl_sum, field)
#define COMP(field) offsetof(comp_sum, field)

const job *run_job_at(const report *rp, size_t arch, size_t rep);
/* Mean and 95% half-width of x[0..n), NaNs skipped. */
stats_interval run_interval(const double *x, size_t n);
/* Over replications: the double at byte offset off of workload w's (component c's) summary. */
stats_interval run_wl_interval(const report *rp, size_t a, size_t w, size_t off);
stats_interval run_comp_interval(const report *rp, size_t a, size_t c, size_t off);
/* Bill line `line` of architecture a (0 hourly, 1 + k per-GB item k, COST_LINES - 1 total; < 0:
 * the cost per million completed requests). */
stats_interval run_bill_interval(report *rp, size_t a, double hourly, int line);
/* Paired interval (architecture a minus the first) of a workload field or the total bill. */
stats_interval run_paired_wl(report *rp, size_t a, size_t w, size_t off);
stats_interval run_paired_bill(report *rp, size_t a, const double *hourly);
bool run_comparable(const report *rp, size_t a, size_t w);
/* The static monthly cost of every architecture of in into hourly[narchs]. */
int run_static_costs(const run_inputs *in, double *hourly, vs_error *err);

/* The report header, and one point's architectures and paired differences. */
void run_print_header(FILE *f, const run_inputs *in, size_t npoints);
int run_print_point(FILE *f, report *rp, const double *hourly);
/* The sweep summary: p99 and monthly cost per point x architecture x workload. keys: the swept
 * paths; rps[npoints], hourly[npoints][narchs]. */
int run_print_sweep(FILE *f, report *rps, size_t npoints, const char *const *keys, size_t nkeys,
                    double *const *hourly);

/* What run_h5_write needs besides the points. */
typedef struct run_h5_meta {
    const char *path;         /* -o */
    const char *command_line; /* as typed, arguments joined by spaces */
    const char *file;         /* the scenario file */
    int threads;
    const char *const *keys; /* swept paths */
    size_t nkeys;
} run_h5_meta;

/* Writes the HDF5 file (docs/output.md). Returns 0, or -1 with err set and nothing left under
 * meta->path that was not there before. */
int run_h5_write(const run_h5_meta *meta, report *rps, size_t npoints, double *const *hourly,
                 vs_error *err);

#endif
