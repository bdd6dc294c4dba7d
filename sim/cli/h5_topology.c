/* The scenario's side of the file: /faults (as written: the same in every architecture) and
 * /topology/ARCH with each workload's ways as a run built them (DNS share, verdict, the stations
 * they cross) and each component's capacity and hourly price. Small tables: a few rows per
 * workload and component. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/h5_results_impl.h"

/* ---- faults ---------------------------------------------------------------------------------- */

typedef struct fault_row {
    char kind[16];
    char target[160];
    char az[64];
    int64_t start_ns, end_ns;
    double error_rate;
    char add[160];
} fault_row;

/* clang-format off */
static const h5file_col fault_cols[] = {
    H5_COL(fault_row, TRACE_STR16, kind, NULL),
    H5_COL(fault_row, TRACE_STR160, target, NULL),
    H5_COL(fault_row, TRACE_STR64, az, NULL),
    H5_COL(fault_row, TRACE_I64, start_ns, "ns"),
    H5_COL(fault_row, TRACE_I64, end_ns, "ns"),
    H5_COL(fault_row, TRACE_F64, error_rate, "1"),
    H5_COL(fault_row, TRACE_STR160, add, NULL),
};
/* clang-format on */

static const char *fault_kind_name(fault_kind k)
{
    switch (k) {
    case FAULT_AZ_IMPAIRED:
        return "az_impaired";
    case FAULT_DOWN:
        return "down";
    case FAULT_LATENCY:
        return "latency";
    case FAULT_ERRORS:
        return "errors";
    case FAULT_REGION:
        return "region";
    }
    return "?";
}

/* A value as written, on one line: a scalar, or a flow map / sequence of them. */
static void node_text(const config_node *n, char *buf, size_t len)
{
    size_t k = config_len(n), at;
    if (!n || len == 0) return;
    if (config_kind_of(n) == CONFIG_KIND_SCALAR) {
        snprintf(buf, len, "%s", config_scalar(n));
        return;
    }
    bool map = config_kind_of(n) == CONFIG_KIND_MAP;
    snprintf(buf, len, "%s", map ? "{" : "[");
    for (size_t i = 0; i < k; i++) {
        at = strlen(buf);
        if (i) snprintf(buf + at, len - at, ", "), at = strlen(buf);
        if (map) snprintf(buf + at, len - at, "%s: ", config_scalar(config_key_at(n, i)));
        at = strlen(buf);
        node_text(config_at(n, i), buf + at, len - at);
    }
    at = strlen(buf);
    snprintf(buf + at, len - at, "%s", map ? "}" : "]");
}

static void fill_fault(const topology *t, const topo_fault *x, fault_row *r)
{
    memset(r, 0, sizeof *r);
    const char *az = x->az >= 0 && (size_t)x->az < t->nazs ? t->azs[x->az].name : "";
    snprintf(r->kind, sizeof r->kind, "%s", fault_kind_name(x->kind));
    snprintf(r->target, sizeof r->target, "%s",
             x->target                      ? x->target
             : x->kind == FAULT_AZ_IMPAIRED ? az
             : x->kind == FAULT_REGION && x->region >= 0 && (size_t)x->region < t->nregions
                 ? t->regions[x->region].name
                 : "");
    snprintf(r->az, sizeof r->az, "%s", az);
    r->start_ns = x->start_ns;
    r->end_ns = x->end_ns == INT64_MAX ? -1 : x->end_ns;
    r->error_rate = x->kind == FAULT_ERRORS ? x->error_rate : NAN;
    if (x->kind == FAULT_LATENCY && x->add) node_text(x->add, r->add, sizeof r->add);
}

int h5_write_faults(h5file *f, const topology *t, vs_error *err)
{
    fault_row *r = calloc(t->nfaults ? t->nfaults : 1, sizeof *r);
    if (!r) return error_set(err, "out of memory");
    for (size_t i = 0; i < t->nfaults; i++) fill_fault(t, &t->faults[i], &r[i]);
    int rc = h5_write_table(f, "/faults", fault_cols, H5_NCOLS(fault_cols), sizeof *r, r,
                            t->nfaults, err);
    free(r);
    return rc;
}

/* ---- paths ----------------------------------------------------------------------------------- */

typedef struct path_row {
    char workload[64];
    int32_t path;
    double weight;
    char verdict[16];
    char reason[512];
    char az[64];
    char hops[1024];
} path_row;

/* clang-format off */
static const h5file_col path_cols[] = {
    H5_COL(path_row, TRACE_STR64, workload, NULL),
    H5_COL(path_row, TRACE_I32, path, NULL),
    H5_COL(path_row, TRACE_F64, weight, "1"),
    H5_COL(path_row, TRACE_STR16, verdict, NULL),
    H5_COL(path_row, TRACE_STR512, reason, NULL),
    H5_COL(path_row, TRACE_STR64, az, NULL),
    H5_COL(path_row, TRACE_STR1024, hops, NULL),
};
/* clang-format on */

/* One row per way workload k's calls took in run j (path: client_call.alt; weight: its DNS share
 * before any fault, 0 for the ways only faults open), or one row with path -1 when it took none
 * (no traffic, denied, unreachable). */
static int way_rows(h5_rows *w, const topology *t, const job *j, size_t k, const path_result *pr)
{
    static const char *const verdicts[] = {"reachable", "denied", "unreachable"};
    size_t rows = 0;
    for (size_t i = 0; i <= j->nways; i++) {
        const job_way *y = i < j->nways ? &j->ways[i] : NULL;
        if (y ? y->workload != k : rows > 0) continue;
        path_row *r = h5_rows_next(w);
        if (!r) return -1;
        rows++;
        snprintf(r->workload, sizeof r->workload, "%s", t->workloads[k].name);
        snprintf(r->verdict, sizeof r->verdict, "%s", verdicts[pr->verdict]);
        snprintf(r->reason, sizeof r->reason, "%s", pr->reason);
        r->path = y ? (int32_t)y->alt : -1;
        if (!y) continue;
        r->weight =
            pr->verdict == VERDICT_REACHABLE && y->alt < pr->nalts ? pr->alts[y->alt].weight : 0;
        for (uint32_t s = 0; s < y->nstations && y->stations[s] < j->ncomp; s++) {
            const comp_sum *c = &j->comp[y->stations[s]];
            size_t at = strlen(r->hops);
            if (!r->az[0] && c->az >= 0 && (size_t)c->az < t->nazs)
                snprintf(r->az, sizeof r->az, "%s", t->azs[c->az].name);
            snprintf(r->hops + at, sizeof r->hops - at, "%s%s", at ? " > " : "", c->name);
        }
    }
    return 0;
}

static int write_paths(h5file *f, const char *group, const topology *t, const job *j, vs_error *err)
{
    char path[640];
    h5_rows w;
    path_result *pr = malloc(sizeof *pr);
    if (!pr) return error_set(err, "out of memory");
    snprintf(path, sizeof path, "%s/paths", group);
    h5_rows_begin(&w, f, path, path_cols, H5_NCOLS(path_cols), sizeof(path_row),
                  j->nways + t->nworkloads, err);
    for (size_t k = 0; w.rc == 0 && k < t->nworkloads; k++) {
        if (paths_resolve(t, k, NULL, pr, err) || way_rows(&w, t, j, k, pr)) w.rc = -1;
    }
    free(pr);
    return h5_rows_end(&w);
}

/* ---- components ------------------------------------------------------------------------------ */

typedef struct tcomp_row {
    char component[160];
    char kind[32];
    char az[64];
    uint32_t servers;
    double capacity_bps, hourly_usd;
} tcomp_row;

/* clang-format off */
static const h5file_col tcomp_cols[] = {
    H5_COL(tcomp_row, TRACE_STR160, component, NULL),
    H5_COL(tcomp_row, TRACE_STR32, kind, NULL),
    H5_COL(tcomp_row, TRACE_STR64, az, NULL),
    H5_COL(tcomp_row, TRACE_U32, servers, NULL),
    H5_COL(tcomp_row, TRACE_F64, capacity_bps, "bit/s"),
    H5_COL(tcomp_row, TRACE_F64, hourly_usd, "USD/h"),
};
/* clang-format on */

/* The hourly price of component c: the static cost lines of its component (kind and index),
 * shared evenly among the stations of that component (the ENIs of one endpoint in several AZs). */
static double hourly_of(const comp_sum *cs, size_t ncomp, size_t c, const cost_lines *l)
{
    double usd = 0;
    size_t same = 0;
    for (size_t k = 0; k < ncomp; k++)
        same += cs[k].kind == cs[c].kind && cs[k].index == cs[c].index;
    for (size_t i = 0; i < l->n; i++) {
        const cost_line *x = &l->lines[i];
        if (x->price_known && x->component_kind == cs[c].kind && x->index == cs[c].index)
            usd += (double)x->quantity * x->usd_per_hour;
    }
    return same ? usd / (double)same : usd;
}

static int write_components(h5file *f, const char *group, const topology *t, const run_inputs *in,
                            const job *j, vs_error *err)
{
    char path[640];
    cost_lines l = {0};
    tcomp_row *r = calloc(j->ncomp ? j->ncomp : 1, sizeof *r);
    if (!r) return error_set(err, "out of memory");
    int rc = cost_static(t, in->prices, &l, err);
    for (size_t c = 0; rc == 0 && c < j->ncomp; c++) {
        const comp_sum *s = &j->comp[c];
        snprintf(r[c].component, sizeof r[c].component, "%s", s->name);
        snprintf(r[c].kind, sizeof r[c].kind, "%s", hop_kind_name(s->kind));
        snprintf(r[c].az, sizeof r[c].az, "%s",
                 s->az >= 0 && (size_t)s->az < t->nazs ? t->azs[s->az].name : "");
        r[c].servers = s->servers, r[c].capacity_bps = s->capacity_bps;
        r[c].hourly_usd = hourly_of(j->comp, j->ncomp, c, &l);
    }
    snprintf(path, sizeof path, "%s/components", group);
    if (rc == 0)
        rc = h5_write_table(f, path, tcomp_cols, H5_NCOLS(tcomp_cols), sizeof *r, r, j->ncomp, err);
    cost_lines_free(&l);
    free(r);
    return rc;
}

/* The first finished job of architecture a, point 0 first. */
static const job *first_done(const job *jobs, size_t njobs, size_t a)
{
    for (size_t i = 0; i < njobs; i++)
        if (jobs[i].arch == a && jobs[i].done) return &jobs[i];
    return NULL;
}

int h5_write_topology(h5file *f, const run_inputs *pts, size_t npoints, const job *jobs,
                      size_t njobs, vs_error *err)
{
    char group[320];
    (void)npoints;
    for (size_t a = 0; a < pts[0].s->narchs; a++) {
        const job *j = first_done(jobs, njobs, a);
        const run_inputs *in = &pts[j ? j->pt : 0];
        const topology *t = &in->s->archs[a];
        job none = {0};
        snprintf(group, sizeof group, "/topology/%s", t->name);
        if (h5file_group(f, group, err) || write_paths(f, group, t, j ? j : &none, err) ||
            write_components(f, group, t, in, j ? j : &none, err))
            return -1;
    }
    return 0;
}
