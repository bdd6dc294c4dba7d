/* What one run observed, as tables of its group: the sampled request records (in workload, then
 * call order), the stations' sampled per-hop spans, the workloads' time series and the
 * components' time series. Rows go out a block at a time: memory stays one block per table.
 * Expected sizes: up to the record cap (200,000) records and about a million spans per run. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/h5_results_impl.h"

/* ---- requests -------------------------------------------------------------------------------- */

typedef struct req_row {
    uint64_t call;
    char architecture[64];
    int32_t point, replication;
    char workload[64];
    int64_t start_ns, end_ns, latency_ns;
    char status[16];
    uint32_t attempts;
    uint64_t bytes_up, bytes_down;
    int32_t path;
    char az[64];
} req_row;

/* clang-format off */
static const h5file_col req_cols[] = {
    H5_COL(req_row, TRACE_U64, call, NULL),
    H5_COL(req_row, TRACE_STR64, architecture, NULL),
    H5_COL(req_row, TRACE_I32, point, NULL),
    H5_COL(req_row, TRACE_I32, replication, NULL),
    H5_COL(req_row, TRACE_STR64, workload, NULL),
    H5_COL(req_row, TRACE_I64, start_ns, "ns"),
    H5_COL(req_row, TRACE_I64, end_ns, "ns"),
    H5_COL(req_row, TRACE_I64, latency_ns, "ns"),
    H5_COL(req_row, TRACE_STR16, status, NULL),
    H5_COL(req_row, TRACE_U32, attempts, "attempts"),
    H5_COL(req_row, TRACE_U64, bytes_up, "B"),
    H5_COL(req_row, TRACE_U64, bytes_down, "B"),
    H5_COL(req_row, TRACE_I32, path, NULL),
    H5_COL(req_row, TRACE_STR64, az, NULL),
};
/* clang-format on */

const char *h5_status_name(int32_t cause)
{
    if (cause == CLIENT_CALL_OK) return "ok";
    if (cause == CLIENT_CALL_UNFINISHED) return "unfinished";
    return client_cause_name((client_cause)cause);
}

/* The AZ of way a of workload w in run r: its first zonal station's, or "". */
static const char *h5_way_az(const topology *t, const netmodel_result *r, size_t w, size_t a)
{
    const netmodel_workload *rw = &r->workloads[w];
    if (!rw->alts || a >= rw->nalts) return "";
    for (uint32_t i = 0; i < rw->alts[a].nstations; i++) {
        uint32_t c = rw->alts[a].stations[i];
        int32_t az = c < r->ncomponents ? r->components[c].az : -1;
        if (az >= 0 && (size_t)az < t->nazs) return t->azs[az].name;
    }
    return "";
}

static void fill_req(req_row *r, const job *j, const topology *t, size_t w,
                     const netmodel_result *res, const client_call *c)
{
    r->call = c->call;
    snprintf(r->architecture, sizeof r->architecture, "%s", t->name);
    r->point = (int32_t)j->pt, r->replication = (int32_t)j->rep;
    snprintf(r->workload, sizeof r->workload, "%s", t->workloads[w].name);
    r->start_ns = c->start_ns, r->end_ns = c->end_ns;
    r->latency_ns = c->cause == CLIENT_CALL_OK ? c->end_ns - c->start_ns : -1;
    snprintf(r->status, sizeof r->status, "%s", h5_status_name(c->cause));
    r->attempts = c->attempts;
    r->bytes_up = c->bytes_up, r->bytes_down = c->bytes_down;
    bool way = c->attempts > 0 && c->alt < res->workloads[w].nalts;
    r->path = way ? (int32_t)c->alt : -1;
    snprintf(r->az, sizeof r->az, "%s", way ? h5_way_az(t, res, w, c->alt) : "");
}

static int write_requests(h5file *f, const char *group, const job *j, const topology *t,
                          const netmodel_result *res, const observation *o, vs_error *err)
{
    char path[640];
    h5_rows w;
    size_t total = 0, n;
    for (size_t k = 0; o && k < t->nworkloads; k++) total += (observe_records(o, k, &n), n);
    snprintf(path, sizeof path, "%s/requests", group);
    h5_rows_begin(&w, f, path, req_cols, H5_NCOLS(req_cols), sizeof(req_row), total, err);
    for (size_t k = 0; o && w.rc == 0 && k < t->nworkloads; k++) {
        const client_call *c = observe_records(o, k, &n);
        for (size_t i = 0; w.rc == 0 && i < n; i++) {
            req_row *r = h5_rows_next(&w);
            if (r) fill_req(r, j, t, k, res, &c[i]);
        }
    }
    return h5_rows_end(&w);
}

/* ---- spans ----------------------------------------------------------------------------------- */

/* A span as a row of the per-call trace: sorted by (workload, call, attempt, arrival, hop), the
 * table reads as each traced call's hops in order. */
typedef struct span_row {
    char component[160];
    char workload[64];
    uint64_t call;
    uint32_t attempt;
    char message[16];
    int32_t hop;
    int64_t arrive_ns, start_ns, depart_ns, wait_ns, service_ns;
} span_row;

/* clang-format off */
static const h5file_col span_cols[] = {
    H5_COL(span_row, TRACE_STR160, component, NULL),
    H5_COL(span_row, TRACE_STR64, workload, NULL),
    H5_COL(span_row, TRACE_U64, call, NULL),
    H5_COL(span_row, TRACE_U32, attempt, "attempts"),
    H5_COL(span_row, TRACE_STR16, message, NULL),
    H5_COL(span_row, TRACE_I32, hop, NULL),
    H5_COL(span_row, TRACE_I64, arrive_ns, "ns"),
    H5_COL(span_row, TRACE_I64, start_ns, "ns"),
    H5_COL(span_row, TRACE_I64, depart_ns, "ns"),
    H5_COL(span_row, TRACE_I64, wait_ns, "ns"),
    H5_COL(span_row, TRACE_I64, service_ns, "ns"),
};
/* clang-format on */

/* Where a span goes in the trace order, and which span it is. */
typedef struct span_key {
    size_t w;          /* workload index */
    const obs_msg *m;  /* its message (call, attempt) */
    int64_t arrive_ns; /* then arrival */
    int32_t hop;       /* then hop */
    uint32_t c;        /* component */
    size_t i;          /* span index in the component */
} span_key;

static int cmp_span_key(const void *pa, const void *pb)
{
    const span_key *a = pa, *b = pb;
    if (a->w != b->w) return a->w < b->w ? -1 : 1;
    if (a->m->call != b->m->call) return a->m->call < b->m->call ? -1 : 1;
    if (a->m->attempt != b->m->attempt) return a->m->attempt < b->m->attempt ? -1 : 1;
    if (a->arrive_ns != b->arrive_ns) return a->arrive_ns < b->arrive_ns ? -1 : 1;
    if (a->hop != b->hop) return a->hop < b->hop ? -1 : 1;
    return a->c != b->c ? (a->c < b->c ? -1 : 1) : (a->i > b->i) - (a->i < b->i);
}

/* The workload index of the client that is LP `origin`: the run model adds the stations first
 * (ids 0 .. ncomponents - 1, in netmodel_result order), then one client per active workload in
 * order; SIZE_MAX if none. */
static size_t origin_workload(const netmodel_result *r, uint32_t origin)
{
    if (origin < r->ncomponents) return SIZE_MAX;
    size_t k = origin - r->ncomponents;
    for (size_t w = 0; w < r->nworkloads; w++)
        if (r->workloads[w].active && k-- == 0) return w;
    return SIZE_MAX;
}

/* Every span that belongs to a traced call, in trace order (*n of them); NULL on no memory. */
static span_key *span_keys(const netmodel_result *r, const observation *o, size_t *n)
{
    size_t total = 0, k = 0;
    for (size_t c = 0; c < r->ncomponents; c++) total += r->components[c].spans.n;
    span_key *v = malloc((total ? total : 1) * sizeof *v);
    if (!v) return NULL;
    for (size_t c = 0; c < r->ncomponents; c++)
        for (size_t i = 0; i < r->components[c].spans.n; i++) {
            const station_span *s = &r->components[c].spans.v[i];
            size_t w = origin_workload(r, s->origin);
            const obs_msg *m = w == SIZE_MAX ? NULL : observe_msg_of(o, w, s->id, s->arrive_ns);
            if (m) v[k++] = (span_key){w, m, s->arrive_ns, s->hop, (uint32_t)c, i};
        }
    qsort(v, k, sizeof *v, cmp_span_key);
    *n = k;
    return v;
}

static void fill_span(span_row *row, const topology *t, const netmodel_result *r, const span_key *k)
{
    const netmodel_component *rc = &r->components[k->c];
    const station_span *s = &rc->spans.v[k->i];
    snprintf(row->component, sizeof row->component, "%s", rc->name);
    snprintf(row->workload, sizeof row->workload, "%s", t->workloads[k->w].name);
    row->call = k->m->call, row->attempt = k->m->attempt;
    snprintf(row->message, sizeof row->message, "%s", k->m->handshake ? "handshake" : "request");
    row->hop = s->hop;
    row->arrive_ns = s->arrive_ns, row->start_ns = s->start_ns;
    row->depart_ns = s->depart_ns;
    row->wait_ns = s->start_ns - s->arrive_ns;
    row->service_ns = s->depart_ns - s->start_ns;
}

static int write_spans(h5file *f, const char *group, const topology *t, const netmodel_result *r,
                       const observation *o, vs_error *err)
{
    char path[640];
    h5_rows w;
    size_t n = 0;
    span_key *keys = o ? span_keys(r, o, &n) : NULL;
    if (o && !keys) return error_set(err, "out of memory while sorting spans");
    snprintf(path, sizeof path, "%s/spans", group);
    h5_rows_begin(&w, f, path, span_cols, H5_NCOLS(span_cols), sizeof(span_row), n, err);
    for (size_t i = 0; w.rc == 0 && i < n; i++) {
        span_row *row = h5_rows_next(&w);
        if (!row) break;
        fill_span(row, t, r, &keys[i]);
    }
    free(keys);
    return h5_rows_end(&w);
}

/* ---- time series ----------------------------------------------------------------------------- */

typedef struct series_row {
    char workload[64];
    int64_t t_ns, bin_ns;
    double offered, completed, failed;
    int64_t p50_ns, p90_ns, p99_ns;
} series_row;

/* clang-format off */
static const h5file_col series_cols[] = {
    H5_COL(series_row, TRACE_STR64, workload, NULL),
    H5_COL(series_row, TRACE_I64, t_ns, "ns"),
    H5_COL(series_row, TRACE_I64, bin_ns, "ns"),
    H5_COL(series_row, TRACE_F64, offered, "1/s"),
    H5_COL(series_row, TRACE_F64, completed, "1/s"),
    H5_COL(series_row, TRACE_F64, failed, "1/s"),
    H5_COL(series_row, TRACE_I64, p50_ns, "ns"),
    H5_COL(series_row, TRACE_I64, p90_ns, "ns"),
    H5_COL(series_row, TRACE_I64, p99_ns, "ns"),
};
/* clang-format on */

/* Length of bin b of bin_ns each in a run that ends at end_ns (the last one may be short). */
static int64_t bin_len(uint32_t b, int64_t bin_ns, int64_t end_ns)
{
    int64_t t = (int64_t)b * bin_ns, len = end_ns - t;
    return len < bin_ns && len > 0 ? len : bin_ns;
}

static int write_series(h5file *f, const char *group, const topology *t, const observation *o,
                        int64_t bin_ns, int64_t end_ns, vs_error *err)
{
    char path[640];
    h5_rows w;
    uint32_t nb;
    size_t total = 0;
    for (size_t k = 0; o && k < t->nworkloads; k++) total += (observe_bins(o, k, &nb), nb);
    snprintf(path, sizeof path, "%s/series", group);
    h5_rows_begin(&w, f, path, series_cols, H5_NCOLS(series_cols), sizeof(series_row), total, err);
    for (size_t k = 0; o && w.rc == 0 && k < t->nworkloads; k++) {
        const obs_bin *bins = observe_bins(o, k, &nb);
        for (uint32_t b = 0; b < nb; b++) {
            series_row *r = h5_rows_next(&w);
            if (!r) break;
            double s = (double)bin_len(b, bin_ns, end_ns) / 1e9;
            snprintf(r->workload, sizeof r->workload, "%s", t->workloads[k].name);
            r->t_ns = (int64_t)b * bin_ns, r->bin_ns = bin_len(b, bin_ns, end_ns);
            r->offered = (double)bins[b].offered / s;
            r->completed = (double)bins[b].completed / s;
            r->failed = (double)bins[b].failed / s;
            r->p50_ns = bins[b].p50_ns, r->p90_ns = bins[b].p90_ns, r->p99_ns = bins[b].p99_ns;
        }
    }
    return h5_rows_end(&w);
}

typedef struct cseries_row {
    char component[160];
    int64_t t_ns, bin_ns;
    double utilisation, mean_in_station, arrivals, completions, drops, lost, errors;
} cseries_row;

/* clang-format off */
static const h5file_col cseries_cols[] = {
    H5_COL(cseries_row, TRACE_STR160, component, NULL),
    H5_COL(cseries_row, TRACE_I64, t_ns, "ns"),
    H5_COL(cseries_row, TRACE_I64, bin_ns, "ns"),
    H5_COL(cseries_row, TRACE_F64, utilisation, "1"),
    H5_COL(cseries_row, TRACE_F64, mean_in_station, "requests"),
    H5_COL(cseries_row, TRACE_F64, arrivals, "1/s"),
    H5_COL(cseries_row, TRACE_F64, completions, "1/s"),
    H5_COL(cseries_row, TRACE_F64, drops, "1/s"),
    H5_COL(cseries_row, TRACE_F64, lost, "1/s"),
    H5_COL(cseries_row, TRACE_F64, errors, "1/s"),
};
/* clang-format on */

static void fill_cseries(cseries_row *r, const netmodel_component *c, uint32_t b, int64_t bin_ns,
                         int64_t end_ns)
{
    const station_bin *x = &c->series[b];
    int64_t len = bin_len(b, bin_ns, end_ns);
    double s = (double)len / 1e9;
    snprintf(r->component, sizeof r->component, "%s", c->name);
    r->t_ns = (int64_t)b * bin_ns, r->bin_ns = len;
    r->utilisation = netmodel_component_unlimited(c) || c->servers == 0
                         ? NAN
                         : x->busy_ns / ((double)c->servers * (double)len);
    r->mean_in_station = x->in_station_ns / (double)len;
    r->arrivals = (double)x->arrivals / s, r->completions = (double)x->completions / s;
    r->drops = (double)x->drops / s, r->lost = (double)x->lost / s;
    r->errors = (double)x->errors / s;
}

static int write_cseries(h5file *f, const char *group, const netmodel_result *r, int64_t bin_ns,
                         vs_error *err)
{
    char path[640];
    h5_rows w;
    size_t total = 0;
    for (size_t c = 0; c < r->ncomponents; c++)
        total += r->components[c].series ? r->components[c].nbins : 0;
    snprintf(path, sizeof path, "%s/component_series", group);
    h5_rows_begin(&w, f, path, cseries_cols, H5_NCOLS(cseries_cols), sizeof(cseries_row), total,
                  err);
    for (size_t c = 0; w.rc == 0 && c < r->ncomponents; c++) {
        const netmodel_component *rc = &r->components[c];
        for (uint32_t b = 0; rc->series && b < rc->nbins; b++) {
            cseries_row *row = h5_rows_next(&w);
            if (!row) break;
            fill_cseries(row, rc, b, bin_ns, r->end_ns);
        }
    }
    return h5_rows_end(&w);
}

int h5_write_observed(h5file *f, const char *group, const job *j, const topology *t,
                      const netmodel_result *r, const observation *o, const output_plan *out,
                      vs_error *err)
{
    return write_requests(f, group, j, t, r, o, err) ||
                   (out->spans > 0 && write_spans(f, group, t, r, o, err)) ||
                   write_series(f, group, t, o, out->series_bin_ns, r->end_ns, err) ||
                   write_cseries(f, group, r, out->series_bin_ns, err)
               ? -1
               : 0;
}
