/* `vpcsim run -o FILE`: the results as one HDF5 file (layout in docs/output.md), written through
 * sim/trace (temporary name, renamed when complete). The file is created before the runs; each
 * run's group is written as soon as it finishes, from whichever thread ran it (one lock: HDF5
 * calls are serialised), so request records never pile up in memory; the summary, the sweep and
 * the topology follow at the end. Nothing in it depends on the thread count but the root
 * attributes `threads` and `command_line`. */
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/h5_results_impl.h"
#include "cli/run_precision.h"
#include "vpcsim/hist.h"

#ifndef VPCSIM_VERSION
#define VPCSIM_VERSION "unknown"
#endif

_Static_assert(CLIENT_BYTES_COUNT == 5, "name the new byte class here and in docs/output.md");
const char *const h5_bytes_name[CLIENT_BYTES_COUNT] = {
    [CLIENT_BYTES_CROSS_AZ] = "bytes_cross_az",
    [CLIENT_BYTES_INTER_REGION] = "bytes_inter_region",
    [CLIENT_BYTES_INTERNET_OUT] = "bytes_internet_out",
    [CLIENT_BYTES_DX_OUT] = "bytes_dx_out",
    [CLIENT_BYTES_CROSS_AZ_THROUGH] = "bytes_cross_az_through",
};

struct h5_results {
    h5file *f;            /* the file, or NULL once a write failed (it is then removed) */
    vs_error failed;      /* why it failed (msg "" until then) */
    char tmp[PATH_MAX];   /* its temporary path, readable without the lock (signal watcher) */
    pthread_mutex_t lock; /* serialises every HDF5 call */
    h5_results_meta meta;
    output_plan out;
    const run_inputs *pts;
    size_t npoints;
};

/* ---- rows ------------------------------------------------------------------------------------ */

typedef struct wl_row {
    char workload[160];
    uint8_t active;
    uint64_t offered, completed;
    double success_ratio;
    int64_t p50_ns, p90_ns, p99_ns, p999_ns;
    double mean_ns;
    uint64_t failed[CLIENT_FAIL_COUNT];
    uint64_t no_retry_quota, late, unfinished, attempts, retries;
    uint64_t bytes[CLIENT_BYTES_COUNT];
} wl_row;

typedef struct comp_row {
    char component[160];
    char kind[32];
    int32_t az;
    uint32_t servers;
    double capacity_bps, utilisation, mean_in_station;
    uint32_t peak;
    uint64_t arrivals, completions, bytes, drops;
} comp_row;

/* Column names that the tables build at run time (failure causes). */
typedef struct names {
    char failed[CLIENT_FAIL_COUNT][48];
} names;

static size_t wl_cols(h5file_col *c, names *nm)
{
    size_t n = 0;
    c[n++] = (h5file_col){"workload", TRACE_STR160, offsetof(wl_row, workload), NULL};
    c[n++] = (h5file_col)H5_COL(wl_row, TRACE_U8, active, NULL);
    c[n++] = (h5file_col)H5_COL(wl_row, TRACE_U64, offered, "calls");
    c[n++] = (h5file_col)H5_COL(wl_row, TRACE_U64, completed, "calls");
    c[n++] = (h5file_col)H5_COL(wl_row, TRACE_F64, success_ratio, "1");
    c[n++] = (h5file_col)H5_COL(wl_row, TRACE_I64, p50_ns, "ns");
    c[n++] = (h5file_col)H5_COL(wl_row, TRACE_I64, p90_ns, "ns");
    c[n++] = (h5file_col)H5_COL(wl_row, TRACE_I64, p99_ns, "ns");
    c[n++] = (h5file_col)H5_COL(wl_row, TRACE_I64, p999_ns, "ns");
    c[n++] = (h5file_col)H5_COL(wl_row, TRACE_F64, mean_ns, "ns");
    for (int k = 0; k < CLIENT_FAIL_COUNT; k++)
        c[n++] = (h5file_col){
            summary_cause_metric((client_cause)k, nm->failed[k], sizeof nm->failed[k]), TRACE_U64,
            offsetof(wl_row, failed) + (size_t)k * sizeof(uint64_t), "calls"};
    c[n++] = (h5file_col)H5_COL(wl_row, TRACE_U64, no_retry_quota, "retries");
    c[n++] = (h5file_col)H5_COL(wl_row, TRACE_U64, late, "responses");
    c[n++] = (h5file_col)H5_COL(wl_row, TRACE_U64, unfinished, "calls");
    c[n++] = (h5file_col)H5_COL(wl_row, TRACE_U64, attempts, "attempts");
    c[n++] = (h5file_col)H5_COL(wl_row, TRACE_U64, retries, "attempts");
    for (int k = 0; k < CLIENT_BYTES_COUNT; k++)
        c[n++] = (h5file_col){h5_bytes_name[k], TRACE_U64,
                              offsetof(wl_row, bytes) + (size_t)k * sizeof(uint64_t), "B"};
    return n;
}

static const h5file_col comp_cols[] = {
    H5_COL(comp_row, TRACE_STR160, component, NULL),
    H5_COL(comp_row, TRACE_STR32, kind, NULL),
    H5_COL(comp_row, TRACE_I32, az, NULL),
    H5_COL(comp_row, TRACE_U32, servers, NULL),
    H5_COL(comp_row, TRACE_F64, capacity_bps, "bit/s"),
    H5_COL(comp_row, TRACE_F64, utilisation, "1"),
    H5_COL(comp_row, TRACE_F64, mean_in_station, "requests"),
    H5_COL(comp_row, TRACE_U32, peak, "requests"),
    H5_COL(comp_row, TRACE_U64, arrivals, "requests"),
    H5_COL(comp_row, TRACE_U64, completions, "requests"),
    H5_COL(comp_row, TRACE_U64, bytes, "B"),
    H5_COL(comp_row, TRACE_U64, drops, "requests"),
};

const h5file_col h5_sum_cols[] = {
    H5_COL(summary_row, TRACE_U32, point, NULL),
    H5_COL(summary_row, TRACE_STR160, architecture, NULL),
    H5_COL(summary_row, TRACE_STR160, subject, NULL),
    H5_COL(summary_row, TRACE_STR32, metric, NULL),
    H5_COL(summary_row, TRACE_STR32, unit, NULL),
    H5_COL(summary_row, TRACE_F64, mean, "see unit"),
    H5_COL(summary_row, TRACE_F64, half_width, "see unit"),
    H5_COL(summary_row, TRACE_U32, n, "replications"),
};
const size_t h5_sum_ncols = H5_NCOLS(h5_sum_cols);

const h5file_col h5_sweep_cols[] = {
    H5_COL(h5_sweep_row, TRACE_U32, point, NULL),
    H5_COL(h5_sweep_row, TRACE_STR160, parameter, NULL),
    H5_COL(h5_sweep_row, TRACE_STR160, value, NULL),
};
const size_t h5_sweep_ncols = H5_NCOLS(h5_sweep_cols);

/* ---- tables ---------------------------------------------------------------------------------- */

int h5_write_table(h5file *f, const char *path, const h5file_col *cols, size_t ncols,
                   size_t row_size, const void *rows, size_t n, vs_error *err)
{
    size_t chunk = n < 1 ? 1 : n > 4096 ? 4096 : n; /* small tables: a chunk of their size */
    h5file_table *t = h5file_table_new_chunked(f, path, cols, ncols, row_size, chunk, err);
    if (!t || h5file_table_append(t, rows, n, err)) return -1;
    h5file_table_close(t);
    return 0;
}

enum { H5_BLOCK = 4096 };

int h5_rows_begin(h5_rows *w, h5file *f, const char *path, const h5file_col *cols, size_t ncols,
                  size_t row_size, size_t expected, vs_error *err)
{
    size_t chunk = expected < 1 ? 1 : expected > 16384 ? 16384 : expected;
    *w = (h5_rows){.row_size = row_size, .err = err};
    w->buf = calloc(H5_BLOCK, row_size);
    if (!w->buf) return w->rc = error_set(err, "out of memory");
    w->t = h5file_table_new_chunked(f, path, cols, ncols, row_size, chunk, err);
    if (!w->t) w->rc = -1;
    return w->rc;
}

void *h5_rows_next(h5_rows *w)
{
    if (w->rc) return NULL;
    if (w->n == H5_BLOCK) {
        if (h5file_table_append(w->t, w->buf, w->n, w->err)) return w->rc = -1, NULL;
        w->n = 0;
    }
    void *row = w->buf + w->n++ * w->row_size;
    memset(row, 0, w->row_size);
    return row;
}

int h5_rows_end(h5_rows *w)
{
    if (w->rc == 0 && w->n && h5file_table_append(w->t, w->buf, w->n, w->err)) w->rc = -1;
    if (w->t) h5file_table_close(w->t);
    free(w->buf);
    w->buf = NULL;
    return w->rc;
}

/* ---- per run --------------------------------------------------------------------------------- */

static void fill_wl(const topology *t, const job *j, size_t w, wl_row *r)
{
    const client_stats *c = &j->wl[w].raw;
    memset(r, 0, sizeof *r);
    snprintf(r->workload, sizeof r->workload, "%s", t->workloads[w].name);
    r->active = j->wl[w].active;
    r->offered = c->offered, r->completed = c->succeeded;
    r->success_ratio = j->wl[w].success;
    r->p50_ns = c->latency.count ? hist_quantile(&c->latency, 0.5) : -1;
    r->p90_ns = c->latency.count ? hist_quantile(&c->latency, 0.9) : -1;
    r->p99_ns = c->latency.count ? hist_quantile(&c->latency, 0.99) : -1;
    r->p999_ns = c->latency.count ? hist_quantile(&c->latency, 0.999) : -1;
    r->mean_ns = c->latency.count ? hist_mean(&c->latency) : NAN;
    memcpy(r->failed, c->failed, sizeof r->failed);
    r->no_retry_quota = c->quota_refusals, r->late = c->late, r->unfinished = c->unfinished;
    r->attempts = c->attempts, r->retries = c->retries;
    memcpy(r->bytes, c->bytes, sizeof r->bytes);
}

static void fill_comp(const comp_sum *s, comp_row *r)
{
    memset(r, 0, sizeof *r);
    snprintf(r->component, sizeof r->component, "%s", s->name);
    snprintf(r->kind, sizeof r->kind, "%s", hop_kind_name(s->kind));
    r->az = s->az, r->servers = s->servers, r->capacity_bps = s->capacity_bps;
    r->utilisation = s->many ? NAN : s->raw.utilisation;
    r->mean_in_station = s->raw.mean_in_station, r->peak = s->raw.peak;
    r->arrivals = s->raw.arrivals, r->completions = s->raw.completions;
    r->bytes = s->raw.bytes, r->drops = s->raw.drops;
}

/* The run's summary and components tables. */
static int write_counts(h5file *f, const char *group, const topology *t, const job *j,
                        vs_error *err)
{
    char path[640];
    h5file_col cols[64];
    names nm;
    size_t nw = t->nworkloads, ncols = wl_cols(cols, &nm);
    wl_row *wl = calloc(nw ? nw : 1, sizeof *wl);
    comp_row *cr = calloc(j->ncomp ? j->ncomp : 1, sizeof *cr);
    int rc = !wl || !cr ? error_set(err, "out of memory") : 0;
    for (size_t w = 0; rc == 0 && w < nw; w++) fill_wl(t, j, w, &wl[w]);
    for (size_t c = 0; rc == 0 && c < j->ncomp; c++) fill_comp(&j->comp[c], &cr[c]);
    snprintf(path, sizeof path, "%s/summary", group);
    if (rc == 0) rc = h5_write_table(f, path, cols, ncols, sizeof *wl, wl, nw, err);
    snprintf(path, sizeof path, "%s/components", group);
    if (rc == 0)
        rc = h5_write_table(f, path, comp_cols, H5_NCOLS(comp_cols), sizeof *cr, cr, j->ncomp, err);
    free(wl), free(cr);
    return rc;
}

/* A row of the run's inter_region table: bytes sent out of one Region into another. */
typedef struct region_row {
    char from_region[64], to_region[64]; /* not "from": a Python keyword, which PyTables refuses */
    uint64_t bytes;
} region_row;

static const h5file_col region_cols[] = {
    H5_COL(region_row, TRACE_STR64, from_region, NULL),
    H5_COL(region_row, TRACE_STR64, to_region, NULL),
    H5_COL(region_row, TRACE_U64, bytes, "B"),
};

/* The run's inter_region table: every ordered pair of t's Regions (none with one Region). */
static int write_regions(h5file *f, const char *group, const topology *t, const netmodel_result *r,
                         vs_error *err)
{
    char path[640];
    size_t nr = t->nregions, n = 0;
    region_row *rows = calloc(nr > 1 ? nr * (nr - 1) : 1, sizeof *rows);
    if (!rows) return error_set(err, "out of memory");
    for (size_t from = 0; from < nr; from++)
        for (size_t to = 0; to < nr; to++) {
            if (from == to) continue;
            region_row *x = &rows[n++];
            snprintf(x->from_region, sizeof x->from_region, "%s", t->regions[from].name);
            snprintf(x->to_region, sizeof x->to_region, "%s", t->regions[to].name);
            x->bytes = r->region_bytes && r->nregions == nr ? r->region_bytes[from * nr + to] : 0;
        }
    snprintf(path, sizeof path, "%s/inter_region", group);
    int rc =
        h5_write_table(f, path, region_cols, H5_NCOLS(region_cols), sizeof *rows, rows, n, err);
    free(rows);
    return rc;
}

int h5_results_run(h5_results *h, const job *j, const topology *t, const netmodel_result *r,
                   const observation *o, vs_error *err)
{
    char group[512];
    h5_state_group(group, sizeof group, t->name, j->pt, j->rep);
    pthread_mutex_lock(&h->lock);
    if (!h->f) { /* an earlier write failed: the runs go on for stdout, the file is gone */
        pthread_mutex_unlock(&h->lock);
        return 0;
    }
    int rc = h5file_group(h->f, group, err) || h5file_attr_u64(h->f, group, "seed", j->seed, err) ||
             h5file_attr_i64(h->f, group, "end_ns", j->end_ns, err) ||
             (h->pts[j->pt].warmup_auto &&
              h5file_attr_i64(h->f, group, "warmup_ns", j->warmup_ns, err)) ||
             h5file_attr_f64(h->f, group, "records_fraction", j->records_fraction, err) ||
             write_counts(h->f, group, t, j, err) || write_regions(h->f, group, t, r, err) ||
             h5_state_write(h->f, group, t, j, err) ||
             h5_write_observed(h->f, group, j, t, r, o, &h->out, err);
    if (rc) { /* disk full, most likely: drop the file now (the target stays as it was) */
        h->failed = *err;
        h5file_abort(h->f);
        h->f = NULL;
    }
    pthread_mutex_unlock(&h->lock);
    return rc ? -1 : 0;
}

/* ---- runs taken from another file (merge, --resume, MPI ranks) ------------------------------ */

int h5_results_copy_run(h5_results *h, h5file *src, const char *group, vs_error *err)
{
    pthread_mutex_lock(&h->lock);
    int rc = h->f ? h5file_copy(h->f, src, group, err) : 0;
    if (rc) {
        h->failed = *err;
        h5file_abort(h->f);
        h->f = NULL;
    }
    pthread_mutex_unlock(&h->lock);
    return rc;
}

int h5_results_part(h5_results *h, uint32_t shard, uint32_t shards, const char *const *args,
                    size_t nargs, size_t runs, vs_error *err)
{
    pthread_mutex_lock(&h->lock);
    int rc = !h->f || h5file_attr_i64(h->f, "/", "part_shard", shard, err) ||
             h5file_attr_i64(h->f, "/", "part_shards", shards, err) ||
             h5file_attr_i64(h->f, "/", "part_runs", (int64_t)runs, err) ||
             h5file_attr_strs(h->f, "/", "part_arguments", args, nargs, err);
    pthread_mutex_unlock(&h->lock);
    return rc ? -1 : 0;
}

/* ---- the file -------------------------------------------------------------------------------- */

static int write_names(h5file *f, const scenario *s, vs_error *err)
{
    const char **v = calloc(s->narchs ? s->narchs : 1, sizeof *v);
    if (!v) return error_set(err, "out of memory");
    for (size_t a = 0; a < s->narchs; a++) v[a] = s->archs[a].name;
    int rc = h5file_attr_strs(f, "/", "architecture_names", v, s->narchs, err);
    free(v);
    return rc;
}

static int write_meta(h5file *f, const h5_results_meta *m, const run_inputs *in, size_t npoints,
                      vs_error *err)
{
    int rc = h5file_attr_str(f, "/", "tool", "vpcsim " VPCSIM_VERSION, err) ||
             h5file_attr_i64(f, "/", "format", H5_RESULTS_FORMAT, err) ||
             h5file_attr_str(f, "/", "command_line", m->command_line, err) ||
             h5file_attr_str(f, "/", "scenario_file", in->s->file, err) ||
             h5file_attr_str(f, "/", "scenario_name", in->s->name, err) ||
             h5file_attr_str(f, "/", "scenario", m->text, err) ||
             h5file_attr_u64(f, "/", "seed", in->seed, err) ||
             h5file_attr_i64(f, "/", "threads", m->threads, err) ||
             h5file_attr_i64(f, "/", "replications", (int64_t)in->reps, err) ||
             h5file_attr_i64(f, "/", "duration_ns", in->duration_ns, err) ||
             h5file_attr_i64(f, "/", "warmup_ns", in->warmup_ns, err) ||
             h5file_attr_i64(f, "/", "sweep_points", (int64_t)npoints, err) ||
             h5file_attr_f64(f, "/", "confidence", RUN_LEVEL, err) ||
             h5file_attr_f64(f, "/", "hours_per_month", in->prices->hours_per_month, err) ||
             write_names(f, in->s, err) ||
             h5file_attr_f64(f, "/", "records_fraction", m->out->records, err) ||
             h5file_attr_f64(f, "/", "span_fraction", m->out->spans, err) ||
             h5file_attr_i64(f, "/", "series_bin_ns", m->out->series_bin_ns, err) ||
             h5file_attr_i64(f, "/", "run_length_ns", m->out->run_length_ns, err) ||
             h5file_attr_i64(f, "/", "interrupted", 0, err) ||
             run_precision_file_attrs(f, in, err) ||
             h5file_attr_str(f, "/", "identity", m->identity ? m->identity : "", err) ||
             h5file_group(f, "/architectures", err);
    return rc ? -1 : 0;
}

h5_results *h5_results_open(const h5_results_meta *meta, const run_inputs *pts, size_t npoints,
                            vs_error *err)
{
    h5_results *h = calloc(1, sizeof *h);
    if (!h) return error_set(err, "out of memory"), NULL;
    h->meta = *meta;
    h->out = *meta->out;
    h->meta.out = &h->out;
    h->pts = pts, h->npoints = npoints;
    pthread_mutex_init(&h->lock, NULL);
    if (!(h->f = h5file_create(meta->path, err)) || write_meta(h->f, meta, &pts[0], npoints, err) ||
        h5_write_faults(h->f, &pts[0].s->archs[0], err)) {
        h5_results_abort(h);
        return NULL;
    }
    snprintf(h->tmp, sizeof h->tmp, "%s", h5file_temp_path(h->f));
    return h;
}

static int write_sweep(h5file *f, const h5_results_meta *m, const run_inputs *pts, size_t npoints,
                       vs_error *err)
{
    size_t n = m->nkeys ? npoints * m->nkeys : 0;
    h5_sweep_row *r = calloc(n ? n : 1, sizeof *r);
    if (!r) return error_set(err, "out of memory");
    for (size_t i = 0; i < n; i++) {
        r[i].point = (uint32_t)(i / m->nkeys);
        snprintf(r[i].parameter, sizeof r[i].parameter, "%s", m->keys[i % m->nkeys]);
        snprintf(r[i].value, sizeof r[i].value, "%s", pts[i / m->nkeys].value[i % m->nkeys]);
    }
    int rc = h5_write_table(f, "/sweep", h5_sweep_cols, h5_sweep_ncols, sizeof *r, r, n, err);
    free(r);
    return rc;
}

int h5_results_close(h5_results *h, point_jobs *rps, size_t npoints, const summary_rows *rows,
                     const h5_results_end *end, vs_error *err)
{
    h5file *f = h->f;
    size_t per = rps[0].in->s->narchs * rps[0].stride;
    if (!f) { /* a run's write failed: say so now, after the report */
        *err = h->failed;
        h5_results_abort(h);
        return -1;
    }
    pthread_mutex_lock(&h->lock);
    int rc = write_sweep(f, &h->meta, h->pts, h->npoints, err) ||
             h5_write_table(f, "/summary", h5_sum_cols, h5_sum_ncols, sizeof *rows->r, rows->r,
                            rows->n, err) ||
             h5_write_topology(f, h->pts, h->npoints, rps[0].jobs, npoints * per, err) ||
             h5file_attr_f64(f, "/", "records_fraction", end->records_kept, err) ||
             h5file_attr_i64(f, "/", "interrupted", end->interrupted, err) ||
             h5file_attr_i64(f, "/", "runs_total", (int64_t)end->runs, err) ||
             h5file_attr_i64(f, "/", "runs_completed", (int64_t)end->kept, err);
    pthread_mutex_unlock(&h->lock);
    if (rc) {
        h5_results_abort(h);
        return -1;
    }
    h->f = NULL;
    rc = h5file_close(f, end->complete, err);
    pthread_mutex_destroy(&h->lock);
    free(h);
    return rc;
}

void h5_results_abort(h5_results *h)
{
    if (!h) return;
    h5file_abort(h->f);
    pthread_mutex_destroy(&h->lock);
    free(h);
}

const char *h5_results_temp_path(const h5_results *h)
{
    return h->tmp;
}
