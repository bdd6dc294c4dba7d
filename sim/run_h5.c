/* `vpcsim run -o FILE`: the results as one HDF5 file (layout in docs/output.md): metadata as root
 * attributes, the sweep, a top-level summary of the means and 95% half-widths the text report
 * prints, and per architecture, sweep point and replication the workloads' and components'
 * counts. Written through sim/trace (temporary name, renamed when complete); nothing in it
 * depends on the thread count. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_impl.h"
#include "trace.h"
#include "vpcsim/hist.h"

#ifndef VPCSIM_VERSION
#define VPCSIM_VERSION "unknown"
#endif

enum { H5_FORMAT = 1 };

_Static_assert(CLIENT_BYTES_COUNT == 4, "name the new byte class here and in docs/output.md");
static const char *const bytes_name[CLIENT_BYTES_COUNT] = {
    [CLIENT_BYTES_CROSS_AZ] = "bytes_cross_az",
    [CLIENT_BYTES_INTER_REGION] = "bytes_inter_region",
    [CLIENT_BYTES_INTERNET_OUT] = "bytes_internet_out",
    [CLIENT_BYTES_DX_OUT] = "bytes_dx_out",
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

typedef struct sum_row {
    uint32_t point;
    char architecture[160], subject[160];
    char metric[32], unit[32];
    double mean, half_width;
    uint32_t n;
} sum_row;

typedef struct sweep_row {
    uint32_t point;
    char parameter[160], value[160];
} sweep_row;

/* Column names that the tables build at run time (failure causes). */
typedef struct names {
    char failed[CLIENT_FAIL_COUNT][48];
} names;

#define COL(row, type, field, unit)                                                                \
    {                                                                                              \
#field, type, offsetof(row, field), unit                                                   \
    }

static size_t wl_cols(trace_col *c, names *nm)
{
    size_t n = 0;
    c[n++] = (trace_col){"workload", TRACE_STR160, offsetof(wl_row, workload), NULL};
    c[n++] = (trace_col)COL(wl_row, TRACE_U8, active, NULL);
    c[n++] = (trace_col)COL(wl_row, TRACE_U64, offered, "calls");
    c[n++] = (trace_col)COL(wl_row, TRACE_U64, completed, "calls");
    c[n++] = (trace_col)COL(wl_row, TRACE_F64, success_ratio, "1");
    c[n++] = (trace_col)COL(wl_row, TRACE_I64, p50_ns, "ns");
    c[n++] = (trace_col)COL(wl_row, TRACE_I64, p90_ns, "ns");
    c[n++] = (trace_col)COL(wl_row, TRACE_I64, p99_ns, "ns");
    c[n++] = (trace_col)COL(wl_row, TRACE_I64, p999_ns, "ns");
    c[n++] = (trace_col)COL(wl_row, TRACE_F64, mean_ns, "ns");
    for (int k = 0; k < CLIENT_FAIL_COUNT; k++) {
        snprintf(nm->failed[k], sizeof nm->failed[k], "failed_%s",
                 client_cause_name((client_cause)k));
        for (char *s = nm->failed[k]; *s; s++)
            if (*s == ' ') *s = '_';
        c[n++] = (trace_col){nm->failed[k], TRACE_U64,
                             offsetof(wl_row, failed) + (size_t)k * sizeof(uint64_t), "calls"};
    }
    c[n++] = (trace_col)COL(wl_row, TRACE_U64, no_retry_quota, "retries");
    c[n++] = (trace_col)COL(wl_row, TRACE_U64, late, "responses");
    c[n++] = (trace_col)COL(wl_row, TRACE_U64, unfinished, "calls");
    c[n++] = (trace_col)COL(wl_row, TRACE_U64, attempts, "attempts");
    c[n++] = (trace_col)COL(wl_row, TRACE_U64, retries, "attempts");
    for (int k = 0; k < CLIENT_BYTES_COUNT; k++)
        c[n++] = (trace_col){bytes_name[k], TRACE_U64,
                             offsetof(wl_row, bytes) + (size_t)k * sizeof(uint64_t), "B"};
    return n;
}

static const trace_col comp_cols[] = {
    COL(comp_row, TRACE_STR160, component, NULL),
    COL(comp_row, TRACE_STR32, kind, NULL),
    COL(comp_row, TRACE_I32, az, NULL),
    COL(comp_row, TRACE_U32, servers, NULL),
    COL(comp_row, TRACE_F64, capacity_bps, "bit/s"),
    COL(comp_row, TRACE_F64, utilisation, "1"),
    COL(comp_row, TRACE_F64, mean_in_station, "requests"),
    COL(comp_row, TRACE_U32, peak, "requests"),
    COL(comp_row, TRACE_U64, arrivals, "requests"),
    COL(comp_row, TRACE_U64, completions, "requests"),
    COL(comp_row, TRACE_U64, bytes, "B"),
    COL(comp_row, TRACE_U64, drops, "requests"),
};

static const trace_col sum_cols[] = {
    COL(sum_row, TRACE_U32, point, NULL),
    COL(sum_row, TRACE_STR160, architecture, NULL),
    COL(sum_row, TRACE_STR160, subject, NULL),
    COL(sum_row, TRACE_STR32, metric, NULL),
    COL(sum_row, TRACE_STR32, unit, NULL),
    COL(sum_row, TRACE_F64, mean, "see unit"),
    COL(sum_row, TRACE_F64, half_width, "see unit"),
    COL(sum_row, TRACE_U32, n, "replications"),
};

static const trace_col sweep_cols[] = {
    COL(sweep_row, TRACE_U32, point, NULL),
    COL(sweep_row, TRACE_STR160, parameter, NULL),
    COL(sweep_row, TRACE_STR160, value, NULL),
};

#define NCOLS(a) (sizeof(a) / sizeof(a)[0])

/* ---- per replication ------------------------------------------------------------------------- */

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

static int write_table(trace_file *f, const char *path, const trace_col *cols, size_t ncols,
                       size_t row_size, const void *rows, size_t n, vs_error *err)
{
    size_t chunk = n < 1 ? 1 : n > 4096 ? 4096 : n; /* small tables: a chunk of their size */
    trace_table *t = trace_table_new_chunked(f, path, cols, ncols, row_size, chunk, err);
    if (!t || trace_table_append(t, rows, n, err)) return -1;
    trace_table_close(t);
    return 0;
}

static int write_job(trace_file *f, const char *group, const topology *t, const job *j,
                     vs_error *err)
{
    char path[640];
    trace_col cols[64];
    names nm;
    size_t nw = t->nworkloads, ncols = wl_cols(cols, &nm);
    wl_row *wl = calloc(nw ? nw : 1, sizeof *wl);
    comp_row *cr = calloc(j->ncomp ? j->ncomp : 1, sizeof *cr);
    int rc = !wl || !cr ? error_set(err, "out of memory") : trace_group(f, group, err);
    if (rc == 0) rc = trace_attr_u64(f, group, "seed", j->seed, err);
    for (size_t w = 0; rc == 0 && w < nw; w++) fill_wl(t, j, w, &wl[w]);
    for (size_t c = 0; rc == 0 && c < j->ncomp; c++) fill_comp(&j->comp[c], &cr[c]);
    snprintf(path, sizeof path, "%s/summary", group);
    if (rc == 0) rc = write_table(f, path, cols, ncols, sizeof *wl, wl, nw, err);
    snprintf(path, sizeof path, "%s/components", group);
    if (rc == 0)
        rc = write_table(f, path, comp_cols, NCOLS(comp_cols), sizeof *cr, cr, j->ncomp, err);
    free(wl), free(cr);
    return rc;
}

static int write_jobs(trace_file *f, report *rps, size_t npoints, vs_error *err)
{
    char group[512];
    for (size_t p = 0; p < npoints; p++) {
        const scenario *s = rps[p].in->s;
        for (size_t a = 0; a < s->narchs; a++)
            for (size_t r = 0; r < rps[p].reps; r++) {
                snprintf(group, sizeof group, "/architectures/%s/point%zu/rep%zu", s->archs[a].name,
                         p, r);
                if (write_job(f, group, &s->archs[a], run_job_at(&rps[p], a, r), err)) return -1;
            }
    }
    return 0;
}

/* ---- the summary ----------------------------------------------------------------------------- */

typedef struct rows {
    sum_row *r;
    size_t n, cap;
    size_t point;
    const char *arch;
} rows;

static int add(rows *rs, const char *subject, const char *metric, const char *unit,
               stats_interval s)
{
    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? 2 * rs->cap : 256;
        sum_row *r = realloc(rs->r, cap * sizeof *r);
        if (!r) return -1;
        rs->r = r, rs->cap = cap;
    }
    sum_row *r = &rs->r[rs->n++];
    memset(r, 0, sizeof *r);
    r->point = (uint32_t)rs->point;
    snprintf(r->architecture, sizeof r->architecture, "%s", rs->arch);
    snprintf(r->subject, sizeof r->subject, "%s", subject);
    snprintf(r->metric, sizeof r->metric, "%s", metric);
    snprintf(r->unit, sizeof r->unit, "%s", unit);
    r->mean = s.mean, r->half_width = s.n > 1 ? s.half : NAN, r->n = (uint32_t)s.n;
    return 0;
}

static const struct {
    const char *metric, *unit;
    size_t off;
} wl_metrics[] = {
    {"offered", "1/s", WL(offered)},
    {"completed", "1/s", WL(completed)},
    {"success_ratio", "1", WL(success)},
    {"p50", "ms", WL(lat_ms) + Q_P50 * sizeof(double)},
    {"p90", "ms", WL(lat_ms) + Q_P90 * sizeof(double)},
    {"p99", "ms", WL(lat_ms) + Q_P99 * sizeof(double)},
    {"p99.9", "ms", WL(lat_ms) + Q_P999 * sizeof(double)},
    {"mean", "ms", WL(lat_ms) + Q_MEAN * sizeof(double)},
    {"retries", "1/s", WL(retries)},
    {"no_retry_quota", "1/s", WL(quota)},
    {"late", "1/s", WL(late)},
    {"unfinished", "calls", WL(unfinished)},
};

static int workload_rows(rows *rs, report *rp, size_t a)
{
    const topology *t = &rp->in->s->archs[a];
    names nm;
    trace_col cols[64];
    wl_cols(cols, &nm);
    for (size_t w = 0; w < t->nworkloads; w++) {
        if (!run_job_at(rp, a, 0)->wl[w].active) continue;
        const char *name = t->workloads[w].name;
        for (size_t m = 0; m < NCOLS(wl_metrics); m++)
            if (add(rs, name, wl_metrics[m].metric, wl_metrics[m].unit,
                    run_wl_interval(rp, a, w, wl_metrics[m].off)))
                return -1;
        for (int k = 0; k < CLIENT_FAIL_COUNT; k++)
            if (add(rs, name, nm.failed[k], "1/s",
                    run_wl_interval(rp, a, w, WL(failed) + (size_t)k * sizeof(double))))
                return -1;
    }
    return 0;
}

static int component_rows(rows *rs, report *rp, size_t a)
{
    const job *j0 = run_job_at(rp, a, 0);
    for (size_t c = 0; c < j0->ncomp; c++) {
        const char *name = j0->comp[c].name;
        if ((!j0->comp[c].many &&
             add(rs, name, "utilisation", "1", run_comp_interval(rp, a, c, COMP(util)))) ||
            add(rs, name, "mean_in_station", "requests",
                run_comp_interval(rp, a, c, COMP(in_station))) ||
            add(rs, name, "peak", "requests", run_comp_interval(rp, a, c, COMP(peak))) ||
            add(rs, name, "bytes", "B/s", run_comp_interval(rp, a, c, COMP(bytes_s))) ||
            add(rs, name, "drops", "1/s", run_comp_interval(rp, a, c, COMP(drops_s))))
            return -1;
    }
    return 0;
}

static int cost_rows(rows *rs, report *rp, size_t a, const double *hourly)
{
    if (add(rs, "", "monthly_hourly_items", "USD", run_bill_interval(rp, a, hourly[a], 0)) ||
        add(rs, "", "monthly_total", "USD", run_bill_interval(rp, a, hourly[a], COST_LINES - 1)) ||
        add(rs, "", "per_million_completed", "USD", run_bill_interval(rp, a, hourly[a], -1)))
        return -1;
    if (a == 0) return 0;
    if (add(rs, "", "delta_monthly_total", "USD", run_paired_bill(rp, a, hourly))) return -1;
    for (size_t w = 0; w < rp->in->s->archs[a].nworkloads; w++) {
        const char *name = rp->in->s->archs[a].workloads[w].name;
        if (!run_comparable(rp, a, w)) continue;
        if (add(rs, name, "delta_mean", "ms",
                run_paired_wl(rp, a, w, WL(lat_ms) + Q_MEAN * sizeof(double))) ||
            add(rs, name, "delta_p50", "ms",
                run_paired_wl(rp, a, w, WL(lat_ms) + Q_P50 * sizeof(double))) ||
            add(rs, name, "delta_p99", "ms",
                run_paired_wl(rp, a, w, WL(lat_ms) + Q_P99 * sizeof(double))))
            return -1;
    }
    return 0;
}

static int write_summary(trace_file *f, report *rps, size_t npoints, double *const *hourly,
                         vs_error *err)
{
    rows rs = {0};
    int rc = 0;
    for (size_t p = 0; rc == 0 && p < npoints; p++)
        for (size_t a = 0; rc == 0 && a < rps[p].in->s->narchs; a++) {
            rs.point = p, rs.arch = rps[p].in->s->archs[a].name;
            rc = workload_rows(&rs, &rps[p], a) || component_rows(&rs, &rps[p], a) ||
                 cost_rows(&rs, &rps[p], a, hourly[p]);
        }
    if (rc) rc = error_set(err, "out of memory");
    if (rc == 0)
        rc = write_table(f, "/summary", sum_cols, NCOLS(sum_cols), sizeof *rs.r, rs.r, rs.n, err);
    free(rs.r);
    return rc;
}

static int write_sweep(trace_file *f, const run_h5_meta *m, report *rps, size_t npoints,
                       vs_error *err)
{
    size_t n = m->nkeys ? npoints * m->nkeys : 0;
    sweep_row *r = calloc(n ? n : 1, sizeof *r);
    if (!r) return error_set(err, "out of memory");
    for (size_t i = 0; i < n; i++) {
        r[i].point = (uint32_t)(i / m->nkeys);
        snprintf(r[i].parameter, sizeof r[i].parameter, "%s", m->keys[i % m->nkeys]);
        snprintf(r[i].value, sizeof r[i].value, "%s", rps[i / m->nkeys].in->value[i % m->nkeys]);
    }
    int rc = write_table(f, "/sweep", sweep_cols, NCOLS(sweep_cols), sizeof *r, r, n, err);
    free(r);
    return rc;
}

/* ---- the file -------------------------------------------------------------------------------- */

static char *read_text(const char *path, vs_error *err)
{
    FILE *in = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0;
    FILE *out = in ? open_memstream(&buf, &len) : NULL;
    if (!out) {
        if (in) fclose(in);
        return error_set(err, "%s: cannot read it again", path), NULL;
    }
    char chunk[8192];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, in)) > 0) fwrite(chunk, 1, got, out);
    fclose(in);
    if (fclose(out) != 0) return free(buf), error_set(err, "out of memory"), NULL;
    return buf;
}

static int write_meta(trace_file *f, const run_h5_meta *m, const run_inputs *in, size_t npoints,
                      vs_error *err)
{
    char *text = read_text(m->file, err);
    if (!text) return -1;
    int rc = trace_attr_str(f, "/", "tool", "vpcsim " VPCSIM_VERSION, err) ||
             trace_attr_i64(f, "/", "format", H5_FORMAT, err) ||
             trace_attr_str(f, "/", "command_line", m->command_line, err) ||
             trace_attr_str(f, "/", "scenario_file", m->file, err) ||
             trace_attr_str(f, "/", "scenario_name", in->s->name, err) ||
             trace_attr_str(f, "/", "scenario", text, err) ||
             trace_attr_u64(f, "/", "seed", in->seed, err) ||
             trace_attr_i64(f, "/", "threads", m->threads, err) ||
             trace_attr_i64(f, "/", "replications", (int64_t)in->reps, err) ||
             trace_attr_i64(f, "/", "duration_ns", in->duration_ns, err) ||
             trace_attr_i64(f, "/", "warmup_ns", in->warmup_ns, err) ||
             trace_attr_i64(f, "/", "sweep_points", (int64_t)npoints, err) ||
             trace_attr_f64(f, "/", "confidence", RUN_LEVEL, err);
    free(text);
    return rc ? -1 : 0;
}

int run_h5_write(const run_h5_meta *m, report *rps, size_t npoints, double *const *hourly,
                 vs_error *err)
{
    trace_file *f = trace_create(m->path, err);
    if (!f) return -1;
    if (write_meta(f, m, rps[0].in, npoints, err) || write_sweep(f, m, rps, npoints, err) ||
        write_summary(f, rps, npoints, hourly, err) || write_jobs(f, rps, npoints, err)) {
        trace_abort(f);
        return -1;
    }
    return trace_close(f, true, err);
}
