/* A run's state in its group of the results file (docs/output.md, state/): the raw counts its
 * summary is made of (latency histogram included), its components' counts, the ways its calls
 * took and its billed bytes, written beside its tables and read back by `vpcsim merge`,
 * `vpcsim run --resume` and MPI rank 0, which rebuild the run's job exactly (same doubles) instead
 * of running it again. A few kB a run: the histogram keeps its non-empty buckets only. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/h5_results_impl.h"
#include "vpcsim/hist.h"

typedef struct state_wl {
    uint32_t workload;
    uint8_t active, out_of_memory;
    uint64_t offered, succeeded, unfinished, attempts, retries, quota_refusals, late, handshakes;
    uint64_t failed[CLIENT_FAIL_COUNT];
    uint64_t bytes[CLIENT_BYTES_COUNT];
    uint64_t latency_count;
    int64_t latency_min_ns, latency_max_ns;
    double latency_sum_ns;
} state_wl;

typedef struct state_bucket {
    uint32_t workload, bucket;
    uint64_t count;
} state_bucket;

typedef struct state_comp {
    char component[160];
    int32_t kind, index, az;
    uint8_t unlimited, out_of_memory;
    uint32_t servers, peak, conn_peak;
    double capacity_bps, wait_sum_ns, window_ns, utilisation, mean_waiting, mean_in_station;
    uint64_t arrivals, completions, drops, bytes, waits, throttles, port_refusals, lost, errors;
} state_comp;

typedef struct state_way {
    uint32_t workload, alt, hop, station;
} state_way;

typedef struct state_billed {
    uint32_t item;
    double bytes_per_s;
} state_billed;

/* Billed inter-Region bytes per second sent out of one Region into another (job.region_bytes_s;
 * the pairs of the run's inter_region table, as the doubles the bill is made of). */
typedef struct state_region {
    char from_region[64], to_region[64];
    double bytes_per_s;
} state_region;

_Static_assert(NETMODEL_NAME_MAX == 160, "state_comp.component is a STR160");

/* Workload columns: fixed ones, then failed_<cause> and bytes_<class> built at run time. */
typedef struct wl_names {
    char failed[CLIENT_FAIL_COUNT][48];
} wl_names;

static size_t wl_cols(h5file_col *c, wl_names *nm)
{
    size_t n = 0;
    c[n++] = (h5file_col)H5_COL(state_wl, TRACE_U32, workload, NULL);
    c[n++] = (h5file_col)H5_COL(state_wl, TRACE_U8, active, NULL);
    c[n++] = (h5file_col)H5_COL(state_wl, TRACE_U8, out_of_memory, NULL);
    c[n++] = (h5file_col)H5_COL(state_wl, TRACE_U64, offered, "calls");
    c[n++] = (h5file_col)H5_COL(state_wl, TRACE_U64, succeeded, "calls");
    c[n++] = (h5file_col)H5_COL(state_wl, TRACE_U64, unfinished, "calls");
    c[n++] = (h5file_col)H5_COL(state_wl, TRACE_U64, attempts, "attempts");
    c[n++] = (h5file_col)H5_COL(state_wl, TRACE_U64, retries, "attempts");
    c[n++] = (h5file_col)H5_COL(state_wl, TRACE_U64, quota_refusals, "retries");
    c[n++] = (h5file_col)H5_COL(state_wl, TRACE_U64, late, "responses");
    c[n++] = (h5file_col)H5_COL(state_wl, TRACE_U64, handshakes, "round trips");
    for (int k = 0; k < CLIENT_FAIL_COUNT; k++)
        c[n++] = (h5file_col){
            summary_cause_metric((client_cause)k, nm->failed[k], sizeof nm->failed[k]), TRACE_U64,
            offsetof(state_wl, failed) + (size_t)k * sizeof(uint64_t), "calls"};
    for (int k = 0; k < CLIENT_BYTES_COUNT; k++)
        c[n++] = (h5file_col){h5_bytes_name[k], TRACE_U64,
                              offsetof(state_wl, bytes) + (size_t)k * sizeof(uint64_t), "B"};
    c[n++] = (h5file_col)H5_COL(state_wl, TRACE_U64, latency_count, "calls");
    c[n++] = (h5file_col)H5_COL(state_wl, TRACE_I64, latency_min_ns, "ns");
    c[n++] = (h5file_col)H5_COL(state_wl, TRACE_I64, latency_max_ns, "ns");
    c[n++] = (h5file_col)H5_COL(state_wl, TRACE_F64, latency_sum_ns, "ns");
    return n;
}

static const h5file_col bucket_cols[] = {
    H5_COL(state_bucket, TRACE_U32, workload, NULL),
    H5_COL(state_bucket, TRACE_U32, bucket, NULL),
    H5_COL(state_bucket, TRACE_U64, count, "calls"),
};

static const h5file_col comp_cols[] = {
    H5_COL(state_comp, TRACE_STR160, component, NULL),
    H5_COL(state_comp, TRACE_I32, kind, NULL),
    H5_COL(state_comp, TRACE_I32, index, NULL),
    H5_COL(state_comp, TRACE_I32, az, NULL),
    H5_COL(state_comp, TRACE_U8, unlimited, NULL),
    H5_COL(state_comp, TRACE_U8, out_of_memory, NULL),
    H5_COL(state_comp, TRACE_U32, servers, NULL),
    H5_COL(state_comp, TRACE_U32, peak, "requests"),
    H5_COL(state_comp, TRACE_U32, conn_peak, "connections"),
    H5_COL(state_comp, TRACE_F64, capacity_bps, "bit/s"),
    H5_COL(state_comp, TRACE_F64, wait_sum_ns, "ns"),
    H5_COL(state_comp, TRACE_F64, window_ns, "ns"),
    H5_COL(state_comp, TRACE_F64, utilisation, "1"),
    H5_COL(state_comp, TRACE_F64, mean_waiting, "requests"),
    H5_COL(state_comp, TRACE_F64, mean_in_station, "requests"),
    H5_COL(state_comp, TRACE_U64, arrivals, "requests"),
    H5_COL(state_comp, TRACE_U64, completions, "requests"),
    H5_COL(state_comp, TRACE_U64, drops, "requests"),
    H5_COL(state_comp, TRACE_U64, bytes, "B"),
    H5_COL(state_comp, TRACE_U64, waits, "requests"),
    H5_COL(state_comp, TRACE_U64, throttles, "requests"),
    H5_COL(state_comp, TRACE_U64, port_refusals, "requests"),
    H5_COL(state_comp, TRACE_U64, lost, "requests"),
    H5_COL(state_comp, TRACE_U64, errors, "requests"),
};

static const h5file_col way_cols[] = {
    H5_COL(state_way, TRACE_U32, workload, NULL),
    H5_COL(state_way, TRACE_U32, alt, NULL),
    H5_COL(state_way, TRACE_U32, hop, NULL),
    H5_COL(state_way, TRACE_U32, station, NULL),
};

static const h5file_col billed_cols[] = {
    H5_COL(state_billed, TRACE_U32, item, NULL),
    H5_COL(state_billed, TRACE_F64, bytes_per_s, "B/s"),
};

static const h5file_col region_cols[] = {
    H5_COL(state_region, TRACE_STR64, from_region, NULL),
    H5_COL(state_region, TRACE_STR64, to_region, NULL),
    H5_COL(state_region, TRACE_F64, bytes_per_s, "B/s"),
};

void h5_state_group(char *buf, size_t n, const char *arch, size_t pt, size_t rep)
{
    snprintf(buf, n, "/architectures/%s/point%zu/rep%zu", arch, pt, rep);
}

/* ---- writing --------------------------------------------------------------------------------- */

/* Rows are zeroed before their fields are set: the file's rows hold the struct's padding too,
 * which must not carry stack garbage into files compared byte for byte. */
static void wl_from(const client_stats *c, bool active, uint32_t w, state_wl *r)
{
    memset(r, 0, sizeof *r);
    r->workload = w, r->active = active, r->out_of_memory = c->out_of_memory;
    r->offered = c->offered, r->succeeded = c->succeeded, r->unfinished = c->unfinished;
    r->attempts = c->attempts, r->retries = c->retries, r->quota_refusals = c->quota_refusals;
    r->late = c->late, r->handshakes = c->handshakes;
    r->latency_count = c->latency.count;
    r->latency_min_ns = c->latency.min, r->latency_max_ns = c->latency.max;
    r->latency_sum_ns = c->latency.sum;
    memcpy(r->failed, c->failed, sizeof r->failed);
    memcpy(r->bytes, c->bytes, sizeof r->bytes);
}

static void comp_from(const comp_sum *s, state_comp *r)
{
    const station_stats *x = &s->raw;
    memset(r, 0, sizeof *r);
    snprintf(r->component, sizeof r->component, "%s", s->name);
    r->kind = (int32_t)s->kind, r->index = s->index, r->az = s->az;
    r->unlimited = s->many, r->out_of_memory = x->out_of_memory;
    r->servers = s->servers, r->peak = x->peak, r->conn_peak = x->conn_peak;
    r->capacity_bps = s->capacity_bps, r->wait_sum_ns = x->wait_sum_ns;
    r->window_ns = x->window_ns, r->utilisation = x->utilisation;
    r->mean_waiting = x->mean_waiting, r->mean_in_station = x->mean_in_station;
    r->arrivals = x->arrivals, r->completions = x->completions, r->drops = x->drops;
    r->bytes = x->bytes, r->waits = x->waits, r->throttles = x->throttles;
    r->port_refusals = x->port_refusals, r->lost = x->lost, r->errors = x->errors;
}

static int write_workloads(h5file *f, const char *at, const job *j, size_t nw, vs_error *err)
{
    char path[700];
    h5file_col cols[64];
    wl_names nm;
    size_t ncols = wl_cols(cols, &nm), nb = 0;
    state_wl *r = calloc(nw ? nw : 1, sizeof *r);
    if (!r) return error_set(err, "out of memory");
    for (size_t w = 0; w < nw; w++) {
        wl_from(&j->wl[w].raw, j->wl[w].active, (uint32_t)w, &r[w]);
        for (size_t b = 0; b < HIST_BUCKETS; b++) nb += j->wl[w].raw.latency.buckets[b] != 0;
    }
    snprintf(path, sizeof path, "%s/workloads", at);
    int rc = h5_write_table(f, path, cols, ncols, sizeof *r, r, nw, err);
    free(r);
    state_bucket *b = rc ? NULL : calloc(nb ? nb : 1, sizeof *b);
    if (rc == 0 && !b) rc = error_set(err, "out of memory");
    size_t k = 0;
    for (size_t w = 0; rc == 0 && w < nw; w++)
        for (size_t i = 0; i < HIST_BUCKETS; i++)
            if (j->wl[w].raw.latency.buckets[i])
                b[k].workload = (uint32_t)w, b[k].bucket = (uint32_t)i,
                b[k++].count = j->wl[w].raw.latency.buckets[i];
    snprintf(path, sizeof path, "%s/histogram", at);
    if (rc == 0)
        rc = h5_write_table(f, path, bucket_cols, H5_NCOLS(bucket_cols), sizeof *b, b, nb, err);
    free(b);
    return rc;
}

static int write_components(h5file *f, const char *at, const job *j, vs_error *err)
{
    char path[700];
    state_comp *r = calloc(j->ncomp ? j->ncomp : 1, sizeof *r);
    if (!r) return error_set(err, "out of memory");
    for (size_t c = 0; c < j->ncomp; c++) comp_from(&j->comp[c], &r[c]);
    snprintf(path, sizeof path, "%s/components", at);
    int rc = h5_write_table(f, path, comp_cols, H5_NCOLS(comp_cols), sizeof *r, r, j->ncomp, err);
    free(r);
    return rc;
}

static int write_ways(h5file *f, const char *at, const job *j, vs_error *err)
{
    char path[700];
    size_t n = 0, k = 0;
    for (size_t i = 0; i < j->nways; i++) n += j->ways[i].nstations;
    state_way *r = calloc(n ? n : 1, sizeof *r);
    state_billed b[COST_GB_COUNT];
    memset(b, 0, sizeof b); /* padding after item */
    if (!r) return error_set(err, "out of memory");
    for (size_t i = 0; i < j->nways; i++)
        for (uint32_t h = 0; h < j->ways[i].nstations; h++)
            r[k].workload = j->ways[i].workload, r[k].alt = j->ways[i].alt, r[k].hop = h,
            r[k++].station = j->ways[i].stations[h];
    for (int i = 0; i < COST_GB_COUNT; i++)
        b[i].item = (uint32_t)i, b[i].bytes_per_s = j->gb_bytes_s[i];
    snprintf(path, sizeof path, "%s/ways", at);
    int rc = h5_write_table(f, path, way_cols, H5_NCOLS(way_cols), sizeof *r, r, n, err);
    snprintf(path, sizeof path, "%s/billed", at);
    if (rc == 0)
        rc = h5_write_table(f, path, billed_cols, H5_NCOLS(billed_cols), sizeof *b, b,
                            COST_GB_COUNT, err);
    free(r);
    return rc;
}

/* Every ordered pair of t's Regions (none with one Region). */
static int write_regions(h5file *f, const char *at, const topology *t, const job *j, vs_error *err)
{
    char path[700];
    size_t nr = t->nregions, n = 0;
    state_region *r = calloc(nr > 1 ? nr * (nr - 1) : 1, sizeof *r);
    if (!r) return error_set(err, "out of memory");
    for (size_t from = 0; from < nr; from++)
        for (size_t to = 0; to < nr; to++) {
            if (from == to) continue;
            state_region *x = &r[n++];
            snprintf(x->from_region, sizeof x->from_region, "%s", t->regions[from].name);
            snprintf(x->to_region, sizeof x->to_region, "%s", t->regions[to].name);
            x->bytes_per_s =
                j->region_bytes_s && j->nregions == nr ? j->region_bytes_s[from * nr + to] : 0;
        }
    snprintf(path, sizeof path, "%s/regions", at);
    int rc = h5_write_table(f, path, region_cols, H5_NCOLS(region_cols), sizeof *r, r, n, err);
    free(r);
    return rc;
}

int h5_state_write(h5file *f, const char *group, const topology *t, const job *j, vs_error *err)
{
    char at[600];
    snprintf(at, sizeof at, "%s/state", group);
    return h5file_group(f, at, err) || write_workloads(f, at, j, t->nworkloads, err) ||
                   write_components(f, at, j, err) || write_ways(f, at, j, err) ||
                   write_regions(f, at, t, j, err)
               ? -1
               : 0;
}

/* ---- reading --------------------------------------------------------------------------------- */

static int read_table(h5file *f, const char *at, const char *name, const h5file_col *cols,
                      size_t ncols, size_t row_size, void **rows, size_t *n, vs_error *err)
{
    char path[700];
    snprintf(path, sizeof path, "%s/%s", at, name);
    return h5file_table_read(f, path, cols, ncols, row_size, rows, n, err);
}

static void wl_into(const state_wl *r, client_stats *c)
{
    *c = (client_stats){.offered = r->offered,
                        .succeeded = r->succeeded,
                        .unfinished = r->unfinished,
                        .attempts = r->attempts,
                        .retries = r->retries,
                        .quota_refusals = r->quota_refusals,
                        .late = r->late,
                        .handshakes = r->handshakes,
                        .out_of_memory = r->out_of_memory};
    memcpy(c->failed, r->failed, sizeof c->failed);
    memcpy(c->bytes, r->bytes, sizeof c->bytes);
    hist_init(&c->latency);
    c->latency.count = r->latency_count;
    c->latency.min = r->latency_min_ns, c->latency.max = r->latency_max_ns;
    c->latency.sum = r->latency_sum_ns;
}

/* The workloads and their histograms into j->wl[nw]. */
static int read_workloads(h5file *f, const char *at, size_t nw, double window_s, job *j,
                          vs_error *err)
{
    h5file_col cols[64];
    wl_names nm;
    size_t ncols = wl_cols(cols, &nm), n = 0, nb = 0;
    void *rows = NULL, *brows = NULL;
    int rc = read_table(f, at, "workloads", cols, ncols, sizeof(state_wl), &rows, &n, err) ||
             read_table(f, at, "histogram", bucket_cols, H5_NCOLS(bucket_cols),
                        sizeof(state_bucket), &brows, &nb, err);
    if (rc == 0 && n != nw)
        rc = error_set(err, "%s/workloads: %zu rows for %zu workloads", at, n, nw);
    if (rc == 0 && !(j->wl = calloc(nw ? nw : 1, sizeof *j->wl)))
        rc = error_set(err, "out of memory");
    client_stats *c = rc ? NULL : calloc(nw ? nw : 1, sizeof *c);
    if (rc == 0 && !c) rc = error_set(err, "out of memory");
    for (size_t w = 0; rc == 0 && w < nw; w++) wl_into((state_wl *)rows + w, &c[w]);
    for (size_t i = 0; rc == 0 && i < nb; i++) {
        const state_bucket *b = (state_bucket *)brows + i;
        if (b->workload >= nw || b->bucket >= HIST_BUCKETS)
            rc = error_set(err, "%s/histogram: row %zu out of range", at, i);
        else
            c[b->workload].latency.buckets[b->bucket] = b->count;
    }
    for (size_t w = 0; rc == 0 && w < nw; w++)
        job_sum_workload(&c[w], ((state_wl *)rows)[w].active, window_s, &j->wl[w]);
    free(c), free(rows), free(brows);
    return rc;
}

static void comp_into(const state_comp *r, double window_s, comp_sum *s)
{
    snprintf(s->name, sizeof s->name, "%.*s", (int)sizeof r->component - 1, r->component);
    s->kind = (hop_kind)r->kind;
    s->index = r->index, s->az = r->az, s->many = r->unlimited;
    s->servers = r->servers, s->capacity_bps = r->capacity_bps;
    s->raw = (station_stats){.arrivals = r->arrivals,
                             .completions = r->completions,
                             .drops = r->drops,
                             .bytes = r->bytes,
                             .waits = r->waits,
                             .wait_sum_ns = r->wait_sum_ns,
                             .peak = r->peak,
                             .window_ns = r->window_ns,
                             .utilisation = r->utilisation,
                             .mean_waiting = r->mean_waiting,
                             .mean_in_station = r->mean_in_station,
                             .out_of_memory = r->out_of_memory,
                             .throttles = r->throttles,
                             .port_refusals = r->port_refusals,
                             .conn_peak = r->conn_peak,
                             .lost = r->lost,
                             .errors = r->errors};
    job_sum_component(s, window_s);
}

static int read_components(h5file *f, const char *at, double window_s, job *j, vs_error *err)
{
    void *rows = NULL;
    size_t n = 0;
    if (read_table(f, at, "components", comp_cols, H5_NCOLS(comp_cols), sizeof(state_comp), &rows,
                   &n, err))
        return -1;
    int rc = 0;
    if (!(j->comp = calloc(n ? n : 1, sizeof *j->comp))) rc = error_set(err, "out of memory");
    for (size_t c = 0; rc == 0 && c < n; c++) {
        const state_comp *r = (state_comp *)rows + c;
        if (r->kind < 0 || r->kind >= HOP_KIND_COUNT)
            rc = error_set(err, "%s/components: row %zu has no kind", at, c);
        else
            comp_into(r, window_s, &j->comp[c]);
    }
    j->ncomp = rc ? 0 : n;
    free(rows);
    return rc;
}

/* The ways (rows grouped by workload and alt, hops in order) and the billed bytes. */
static int read_ways(h5file *f, const char *at, job *j, vs_error *err)
{
    void *rows = NULL, *brows = NULL;
    size_t n = 0, nb = 0;
    int rc = read_table(f, at, "ways", way_cols, H5_NCOLS(way_cols), sizeof(state_way), &rows, &n,
                        err) ||
             read_table(f, at, "billed", billed_cols, H5_NCOLS(billed_cols), sizeof(state_billed),
                        &brows, &nb, err);
    if (rc == 0 && !(j->ways = calloc(n ? n : 1, sizeof *j->ways)))
        rc = error_set(err, "out of memory");
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const state_way *r = (state_way *)rows + i;
        job_way *y = j->nways ? &j->ways[j->nways - 1] : NULL;
        if (r->hop == 0) y = &j->ways[j->nways++], *y = (job_way){r->workload, r->alt, {0}, 0};
        if (!y || r->hop != y->nstations || r->hop >= PATH_MAX_HOPS)
            rc = error_set(err, "%s/ways: row %zu out of order", at, i);
        else
            y->stations[y->nstations++] = r->station;
    }
    for (size_t i = 0; rc == 0 && i < nb; i++) {
        const state_billed *b = (state_billed *)brows + i;
        if (b->item >= COST_GB_COUNT)
            rc = error_set(err, "%s/billed: row %zu out of range", at, i);
        else
            j->gb_bytes_s[b->item] = b->bytes_per_s;
    }
    free(rows), free(brows);
    return rc;
}

static int32_t region_named(const topology *t, const char *name)
{
    for (size_t r = 0; r < t->nregions; r++)
        if (strcmp(t->regions[r].name, name) == 0) return (int32_t)r;
    return -1;
}

/* state/regions into j->region_bytes_s ([from x n + to], the diagonal 0), t's Regions by name. */
static int read_regions(h5file *f, const char *at, const topology *t, job *j, vs_error *err)
{
    size_t nr = t->nregions, n = 0;
    void *rows = NULL;
    if (read_table(f, at, "regions", region_cols, H5_NCOLS(region_cols), sizeof(state_region),
                   &rows, &n, err))
        return -1;
    int rc = 0;
    if (nr && !(j->region_bytes_s = calloc(nr * nr, sizeof *j->region_bytes_s)))
        rc = error_set(err, "out of memory");
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const state_region *x = &((const state_region *)rows)[i];
        int32_t from = region_named(t, x->from_region), to = region_named(t, x->to_region);
        if (from < 0 || to < 0 || from == to)
            rc = error_set(err,
                           "%s/regions: '%s' -> '%s' is not a pair of the architecture's "
                           "Regions",
                           at, x->from_region, x->to_region);
        else
            j->region_bytes_s[(size_t)from * nr + (size_t)to] = x->bytes_per_s;
    }
    j->nregions = nr;
    free(rows);
    return rc;
}

int h5_state_read(h5file *f, const char *group, const topology *t, double window_s, job *j,
                  vs_error *err)
{
    char at[600];
    int64_t end_ns = 0;
    snprintf(at, sizeof at, "%s/state", group);
    int rc = h5file_get_u64(f, group, "seed", &j->seed, err) ||
             h5file_get_i64(f, group, "end_ns", &end_ns, err) ||
             h5file_get_f64(f, group, "records_fraction", &j->records_fraction, err) ||
             read_workloads(f, at, t->nworkloads, window_s, j, err) ||
             read_components(f, at, window_s, j, err) || read_ways(f, at, j, err) ||
             read_regions(f, at, t, j, err);
    j->end_ns = end_ns;
    if (rc) {
        free(j->wl), free(j->comp), free(j->ways), free(j->region_bytes_s);
        j->wl = NULL, j->comp = NULL, j->ways = NULL, j->region_bytes_s = NULL;
        j->ncomp = j->nways = j->nregions = 0;
        return -1;
    }
    return 0;
}
