/* What the pieces of `vpcsim run` share (sim/cli/cmd_run.c: options, inputs, sweep points and jobs;
 * sim/cli/summary.c: statistics over replications and the summary rows; sim/cli/text_report.c: the
 * text tables from those rows; sim/cli/h5_results.c: the HDF5 file; sim/cli/cmd_report.c: `vpcsim
 * report`): one job's summary, the inputs of one sweep point, a point's view of the jobs, the
 * summary rows. */
#ifndef VPCSIM_RUN_IMPL_H
#define VPCSIM_RUN_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/region_prices.h"
#include "cli/scenario_patch.h"
#include "vpcsim/aws/client.h"
#include "vpcsim/aws/cost.h"
#include "vpcsim/aws/params.h"
#include "vpcsim/aws/netmodel.h"
#include "vpcsim/aws/precision.h"
#include "vpcsim/aws/scenario.h"
#include "vpcsim/stats.h"

#define RUN_LEVEL              0.95
#define RUN_SECONDS_A_MONTH(p) ((p)->hours_per_month * 3600.0)
#define RUN_GB                 1073741824.0 /* AWS bills GB of 2^30 bytes (the price table's) */

enum { Q_MEAN, Q_P50, Q_P90, Q_P99, Q_P999, NQ };
/* Lines of a monthly bill: hourly, per-GB items, request items, total. */
enum { COST_LINE_REQ = 1 + COST_GB_COUNT, COST_LINES = COST_GB_COUNT + COST_REQ_COUNT + 2 };
enum { RUN_SWEEP_KEYS = 6 }; /* the loader's limit on swept keys */

/* One sweep point (the whole scenario when there is no sweep): its scenario and parameters, and
 * the settings every point shares. */
typedef struct run_inputs {
    scenario *s;                    /* the scenario at this point (owned) */
    param_table *params;            /* its parameters (owned) */
    scenario_patch_map *map;        /* where its text came from (owned), or NULL: the file's */
    const cost_prices *prices;      /* shared */
    const region_prices *by_region; /* shared: inter-Region prices by sending Region */
    uint64_t seed;                  /* scenario seed of replication seeds */
    size_t reps;                    /* replications (run.precision: the cap) */
    vs_time duration_ns, warmup_ns;
    precision_rule precision; /* run.precision (on: reps is the cap; sim/cli/run_precision.c) */
    bool warmup_auto;         /* run.warmup: auto: warmup_ns is 0 and duration_ns the whole run;
                                 each run's warm-up is MSER-5's */
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

/* The figures of s from the counts c of a window of window_s seconds (sim/cli/job_sum.c). */
void job_sum_workload(const client_stats *c, bool active, double window_s, wl_sum *s);

typedef struct comp_sum {
    char name[NETMODEL_NAME_MAX];
    hop_kind kind;
    int32_t index; /* into the topology's array of that kind */
    bool many;     /* many-server station: utilisation means nothing */
    double util, in_station, bytes_s, drops_s, peak;
    int32_t az;          /* AZ, or -1 */
    uint32_t servers;    /* flows served at full rate at once */
    double capacity_bps; /* or 0 */
    station_stats raw;   /* the counts */
} comp_sum;

/* util, in_station, bytes_s, drops_s and peak of s from s->raw (window_s seconds). */
void job_sum_component(comp_sum *s, double window_s);

/* One way a workload's calls went in a run (netmodel_workload.alts): the stations it crosses. */
typedef struct job_way {
    uint32_t workload, alt;           /* topology order; client_call.alt */
    uint32_t stations[PATH_MAX_HOPS]; /* into the job's comp[] */
    uint32_t nstations;
} job_way;

typedef struct job {
    size_t pt, arch, rep;
    uint64_t seed;
    wl_sum *wl;     /* [workloads] */
    comp_sum *comp; /* [ncomp] */
    size_t ncomp;
    double gb_bytes_s[COST_GB_COUNT]; /* billed bytes per second by item */
    double core_s;                    /* engine wall time x partitions */
    double wall_s;                    /* engine wall time */
    uint64_t events;
    int partitions;          /* partitions the run ended with (1: one thread) */
    vs_time end_ns;          /* the run's end */
    vs_time warmup_ns;       /* the warm-up deleted (warmup: auto: MSER-5's, per run) */
    double records_fraction; /* of calls its request records hold (-o) */
    job_way *ways;           /* -o: every workload's ways, for /topology */
    size_t nways;
    double *region_bytes_s; /* [nregions x nregions] bytes per second sent out of Region i into
                               Region j (the architecture's topology.regions), or NULL */
    size_t nregions;
    int failed;
    bool done; /* it ran and its summary is filled (and written, with -o); not after SIGINT */
    bool skip; /* not run here: read back from a file (done), or another shard's (not done) */
    vs_error err;
} job;

/* One point's jobs, arch-major, and scratch space for statistics. */
typedef struct point_jobs {
    const run_inputs *in;
    const job *jobs; /* [narchs x stride] */
    size_t reps;     /* replications to summarise (the first `reps` of each architecture) */
    size_t stride;   /* replications run (in->reps) */
    double *x, *y;   /* scratch [reps] */
} point_jobs;

#define WL(field)   offsetof(wl_sum, field)
#define COMP(field) offsetof(comp_sum, field)

const job *summary_job_at(const point_jobs *rp, size_t arch, size_t rep);
/* Mean and 95% half-width of x[0..n), NaNs skipped. */
stats_interval summary_interval(double *x, size_t n); /* x is scratch */
/* Over replications: the double at byte offset off of workload w's (component c's) summary. */
stats_interval summary_wl_interval(const point_jobs *rp, size_t a, size_t w, size_t off);
stats_interval summary_comp_interval(const point_jobs *rp, size_t a, size_t c, size_t off);
/* Bill line `line` of architecture a (0 hourly, 1 + k per-GB item k, COST_LINE_REQ + r request
 * item r, COST_LINES - 1 total; < 0:
 * the cost per million completed requests). */
stats_interval summary_bill_interval(point_jobs *rp, size_t a, double hourly, int line);
/* GB a month of per-GB item k of architecture a, over replications. */
stats_interval summary_gb_interval(point_jobs *rp, size_t a, int k);
/* Paired interval (architecture a minus the first) of a workload field or the total bill. */
stats_interval summary_paired_wl(point_jobs *rp, size_t a, size_t w, size_t off);
stats_interval summary_paired_bill(point_jobs *rp, size_t a, const double *hourly);
bool summary_comparable(const point_jobs *rp, size_t a, size_t w);
/* The static monthly cost of every architecture of in into hourly[narchs]. */
int summary_static_costs(const run_inputs *in, double *hourly, vs_error *err);
/* "failed_port_allocation": the summary's name of a failure cause. */
char *summary_cause_metric(client_cause k, char *buf, size_t n);

/* ---- the summary: every figure of the text report, as /summary rows -------------------------- */

/* One figure (a /summary row). Rows come in blocks of one point and architecture, in the order
 * the text report prints them (sim/cli/summary.c says which). */
typedef struct summary_row {
    uint32_t point;
    char architecture[160], subject[160];
    char metric[32], unit[32];
    double mean, half_width; /* half_width: NaN with fewer than 2 values */
    uint32_t n;              /* replications with a value */
} summary_row;

typedef struct summary_rows {
    summary_row *r;
    size_t n, cap;
} summary_rows;

/* The rows of every point (a point whose report has reps 0 has none). Returns 0, or -1 (out of
 * memory) with out empty. */
int summary_build(summary_rows *out, point_jobs *rps, size_t npoints, double *const *hourly);
void summary_free(summary_rows *s);

/* What the text report prints besides the rows: the header and the sweep. */
typedef struct text_report_head {
    const char *name, *file; /* the scenario's */
    size_t narchs, reps, npoints;
    size_t reps_covered; /* 0: the tables cover every replication; else how many they cover
                            (an interrupted file: fewer than reps) */
    vs_time duration_ns, warmup_ns;
    uint64_t seed;
    double hours_per_month;
    const char *const *keys; /* swept paths [nkeys] */
    size_t nkeys;
    const char *const *values; /* [npoints x nkeys] */
} text_report_head;

/* The text report from the rows alone (so `vpcsim report` prints the same bytes from a file).
 * Returns 0, or -1 (out of memory). */
int text_report_print(FILE *f, const text_report_head *t, const summary_row *rows, size_t n);

/* ---- the HDF5 file --------------------------------------------------------------------------- */

/* Output settings of `vpcsim run -o` (scenario `output:`, then --records, --spans,
 * --series-bin). */
typedef struct output_plan {
    double records;        /* fraction of measured calls kept as records (the cap applied) */
    double spans;          /* fraction of requests whose per-hop spans are kept (0: none) */
    vs_time series_bin_ns; /* time series bin (> 0) */
    vs_time run_length_ns; /* the longest run's end */
    size_t records_cap;    /* records per run at most */
} output_plan;

/* What the scenario and the options ask for (has_*: given on the command line, which wins). */
typedef struct output_plan_asked {
    bool has_records, has_spans, has_bin;
    double records, spans;
    vs_time bin_ns;
} output_plan_asked;

/* The settings of every point's runs from the scenario's `output:` block (block, or NULL) and
 * the options. Returns 0, or -1 with err set (`file:line:col: ...` for the block). */
int output_plan_make(const run_inputs *pts, size_t npoints, const config_node *block,
                     const output_plan_asked *asked, output_plan *out, vs_error *err);
/* The keys the `output:` block accepts (for the key reference). */
const config_keydef *output_plan_keys(void);

/* What the file says besides the runs. */
typedef struct h5_results_meta {
    const char *path;         /* -o */
    const char *command_line; /* as typed, arguments joined by spaces */
    const char *text;         /* the scenario's text, as read (NUL-terminated) */
    int threads;
    const char *const *keys; /* swept paths */
    size_t nkeys;
    const output_plan *out;
    const char *prices;   /* the price table's file */
    const char *identity; /* what runs to be combined must share (sim/cli/run_adopt.c) */
} h5_results_meta;

typedef struct h5_results h5_results;
typedef struct h5file h5file;
struct observation;

/* Creates the temporary file (docs/output.md) and writes the root attributes known before the
 * runs and /faults. Returns the writer, or NULL with err set and nothing left behind. */
h5_results *h5_results_open(const h5_results_meta *meta, const run_inputs *pts, size_t npoints,
                            vs_error *err);
/* Writes the group of job j, which just ran r on topology t with collector o (NULL: none): its
 * tables, records, spans and series. Any thread may call it; calls are serialised inside.
 * Returns 0, or -1 with err set: the file is then removed at once (the target stays as it was),
 * later calls do nothing and h5_results_close returns the error again. */
int h5_results_run(h5_results *h, const job *j, const topology *t, const netmodel_result *r,
                   const struct observation *o, vs_error *err);

/* How the file ends. */
typedef struct h5_results_end {
    bool complete;       /* every run is in it */
    bool interrupted;    /* SIGINT stopped the run */
    size_t runs, kept;   /* runs asked for, runs in the file */
    double records_kept; /* the smallest fraction of records any run kept */
} h5_results_end;

/* Writes /sweep, /summary (rows), /topology and the last attributes, closes and renames.
 * Returns 0, or -1 with err set and the temporary file removed (also when a run's write had
 * failed). h is freed either way. */
int h5_results_close(h5_results *h, point_jobs *rps, size_t npoints, const summary_rows *rows,
                     const h5_results_end *end, vs_error *err);
/* Copies group (a run's, h5_state_group) of src into the file, as h5_results_run would have
 * written it. Returns 0, or -1 with err set (the file is then dropped, as in h5_results_run). */
int h5_results_copy_run(h5_results *h, h5file *src, const char *group, vs_error *err);
/* Marks the file as part shard of shards (1-based) holding runs runs, made by `vpcsim run` with
 * the arguments args (merge rebuilds the plan from them). Returns 0 or -1. */
int h5_results_part(h5_results *h, uint32_t shard, uint32_t shards, const char *const *args,
                    size_t nargs, size_t runs, vs_error *err);
/* Closes and removes the temporary file. NULL is a no-op. */
void h5_results_abort(h5_results *h);
/* The temporary path (for the signal watcher's last-moment unlink; safe to read on any thread
 * while h lives). */
const char *h5_results_temp_path(const h5_results *h);

#endif
