/* The pieces of the HDF5 writer (sim/cli/h5_results.c: the file, its attributes, the summary and
 * the per-run summary tables; sim/cli/h5_observed.c: request records, spans and time series of one
 * run; sim/cli/h5_topology.c: /faults and /topology). All of them run with the writer's lock held.
 */
#ifndef VPCSIM_RUN_H5_PARTS_H
#define VPCSIM_RUN_H5_PARTS_H

#include "cli/results.h"
#include "cli/observe.h"
#include "io/h5file.h"

#define H5_COL(row, type, field, unit)                                                             \
    {                                                                                              \
#field, type, offsetof(row, field), unit                                                   \
    }
#define H5_NCOLS(a) (sizeof(a) / sizeof(a)[0])

/* The layout's version (root attribute `format`): 3 added each run's inter_region table, its
 * state/ (what merge, --resume and MPI rank 0 rebuild a run from) and the /summary rows by Region
 * pair; `report` and `compare` read 2 and 3 alike (neither needs what 3 added). */
enum { H5_RESULTS_FORMAT = 3, H5_RESULTS_FORMAT_OLDEST = 2 };

/* A /sweep row, and the columns of /summary and /sweep (vpcsim report reads them back). */
typedef struct h5_sweep_row {
    uint32_t point;
    char parameter[160], value[160];
} h5_sweep_row;
extern const h5file_col h5_sum_cols[], h5_sweep_cols[];
extern const size_t h5_sum_ncols, h5_sweep_ncols;

/* The column names of the billed byte classes (client_stats.bytes): "bytes_cross_az", ... */
extern const char *const h5_bytes_name[CLIENT_BYTES_COUNT];

/* A whole table at once (a chunk about its size). Returns 0 or -1. */
int h5_write_table(h5file *f, const char *path, const h5file_col *cols, size_t ncols,
                   size_t row_size, const void *rows, size_t n, vs_error *err);

/* A table written a block of rows at a time (memory: one block). */
typedef struct h5_rows {
    h5file_table *t;
    unsigned char *buf; /* [H5_BLOCK rows] */
    size_t row_size, n;
    int rc;
    vs_error *err;
} h5_rows;

/* Creates the table (expected: rows it will likely have, for its chunk size). Returns 0 or -1. */
int h5_rows_begin(h5_rows *w, h5file *f, const char *path, const h5file_col *cols, size_t ncols,
                  size_t row_size, size_t expected, vs_error *err);
/* A zeroed row to fill, or NULL after an error. */
void *h5_rows_next(h5_rows *w);
/* Writes what is left and closes the table. Returns 0, or -1 if any write failed. */
int h5_rows_end(h5_rows *w);

/* The status of a call as the requests table names it: "ok", a cause, "unfinished". */
const char *h5_status_name(int32_t cause);

/* One run's requests, spans (out->spans > 0), series and component_series under group. */
int h5_write_observed(h5file *f, const char *group, const job *j, const topology *t,
                      const netmodel_result *r, const observation *o, const output_plan *out,
                      vs_error *err);
/* /faults of t (the same in every architecture). */
int h5_write_faults(h5file *f, const topology *t, vs_error *err);
/* /topology/ARCH/{paths,components} of every architecture of point 0 (components from the
 * first run of the architecture that finished, hourly prices from prices). */
int h5_write_topology(h5file *f, const run_inputs *pts, size_t npoints, const job *jobs,
                      size_t njobs, vs_error *err);

/* ---- a run's state (sim/cli/h5_state.c): what merge, --resume and MPI ranks read back ------- */

/* Writes group/state/{workloads,histogram,components,ways,billed,regions}: j's raw counts (t: its
 * topology), so that its summary (wl_sum, comp_sum, ways, billed bytes by item and by Region
 * pair) is rebuilt exactly. Returns 0 or -1. */
int h5_state_write(h5file *f, const char *group, const topology *t, const job *j, vs_error *err);
/* Rebuilds j (pt, arch, rep already set; t: its topology, window_s: its measured window) from
 * group of f: seed, end_ns, records_fraction, wl[], comp[], ways[], gb_bytes_s[], region_bytes_s[].
 * Returns 0, or -1 with err set (j's arrays freed and NULL). */
int h5_state_read(h5file *f, const char *group, const topology *t, double window_s, job *j,
                  vs_error *err);
/* The group of run (arch, pt, rep): "/architectures/ARCH/pointP/repR". */
void h5_state_group(char *buf, size_t n, const char *arch, size_t pt, size_t rep);

#endif
