/* Reading a results file back (sim/cli/results_file.h): the attributes and tables vpcsim report
 * prints, and per-replication values from /architectures/ARCH/pointP/repR/{summary,components}
 * for vpcsim compare (paired tests need each replication, not only the mean). */
#include "cli/results_file.h"

#include "cli/report_check.h"
#include "vpcsim/grow.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Whether the file is vpcsim's, of the format this build reads. Returns 0, or -1 with err set
 * (out of memory reading the tool's name is not the file's fault, and says so). */
static int check_kind(results_file *r, const char *path, vs_error *err)
{
    int64_t format;
    if (h5file_has_attr(r->f, "/", "tool") &&
        h5file_get_str(r->f, "/", "tool", r->tool, sizeof r->tool, err) &&
        !strstr(err->msg, "not text"))
        return -1;
    if (!h5file_has_attr(r->f, "/", "tool") || strncmp(r->tool, "vpcsim ", 7) != 0)
        return error_set(err, "%s: not a vpcsim file (no 'tool' attribute saying vpcsim)", path);
    if (h5file_get_i64(r->f, "/", "format", &format, err)) return -1;
    if (format < H5_RESULTS_FORMAT_OLDEST || format > H5_RESULTS_FORMAT)
        return error_set(
            err, "%s: written in format %lld by %s; this vpcsim reads formats %d to %d", path,
            (long long)format, r->tool, H5_RESULTS_FORMAT_OLDEST, H5_RESULTS_FORMAT);
    if (!h5file_has_attr(r->f, "/", "complete") ||
        h5file_get_i64(r->f, "/", "complete", &r->complete, err))
        r->complete = 0;
    return 0;
}

static int read_attrs(results_file *r, vs_error *err)
{
    if (h5file_get_str(r->f, "/", "scenario_name", r->name, sizeof r->name, err) ||
        h5file_get_str(r->f, "/", "scenario_file", r->file, sizeof r->file, err) ||
        h5file_get_i64(r->f, "/", "replications", &r->reps, err) ||
        h5file_get_i64(r->f, "/", "sweep_points", &r->points, err) ||
        h5file_get_i64(r->f, "/", "duration_ns", &r->duration_ns, err) ||
        h5file_get_i64(r->f, "/", "warmup_ns", &r->warmup_ns, err) ||
        h5file_get_u64(r->f, "/", "seed", &r->seed, err) ||
        h5file_get_f64(r->f, "/", "hours_per_month", &r->hours, err) ||
        h5file_get_strs(r->f, "/", "architecture_names", &r->archs, &r->narchs, err))
        return -1;
    report_text_clean(r->name), report_text_clean(r->file);
    if (r->points < 1 || r->reps < 1) return error_set(err, "no sweep point or replication");
    if (h5file_has_attr(r->f, "/", "runs_total")) {
        if (h5file_get_i64(r->f, "/", "runs_total", &r->runs, err) ||
            h5file_get_i64(r->f, "/", "runs_completed", &r->kept, err))
            return -1;
    }
    return 0;
}

/* /sweep, then every count read back bounded by what the file holds (report_check: no product
 * that can wrap, text fields cut to end with a NUL). */
static int read_sweep(results_file *r, const char *path, vs_error *err)
{
    void *rows;
    if (h5file_table_read(r->f, "/sweep", h5_sweep_cols, h5_sweep_ncols, sizeof(h5_sweep_row),
                          &rows, &r->nsweep, err))
        return -1;
    r->sweep = rows;
    report_tables t = {.points = r->points,
                       .reps = r->reps,
                       .narchs = r->narchs,
                       .sweep = r->sweep,
                       .nsweep = r->nsweep,
                       .rows = r->rows,
                       .nrows = r->nrows};
    vs_error why = {""};
    if (report_check(&t, &why)) return error_set(err, "%s: %s", path, why.msg);
    r->nkeys = report_sweep_keys(&t);
    return 0;
}

int results_file_open(results_file *r, const char *path, vs_error *err)
{
    void *rows;
    memset(r, 0, sizeof *r);
    if (access(path, R_OK) != 0) return error_set(err, "%s: %s", path, strerror(errno));
    if (!(r->f = h5file_open(path, err)) || check_kind(r, path, err)) return -1;
    if (!h5file_exists(r->f, "/summary"))
        return error_set(err, "%s: the file is %s and has no summary (%s)", path,
                         r->complete ? "complete" : "incomplete",
                         r->complete ? "broken?" : "interrupted before any run finished");
    if (read_attrs(r, err) || h5file_table_read(r->f, "/summary", h5_sum_cols, h5_sum_ncols,
                                                sizeof(summary_row), &rows, &r->nrows, err))
        return -1;
    r->rows = rows;
    return read_sweep(r, path, err);
}

void results_file_free(results_file *r)
{
    h5file_free(r->f);
    free(r->archs), free(r->rows), free(r->sweep);
    memset(r, 0, sizeof *r);
}

int run_values_add(run_values *rv, const run_value *v)
{
    run_value *grown = grow_reserve(rv->v, rv->n + 1, &rv->cap, sizeof *grown, 256);
    if (!grown) return -1;
    rv->v = grown;
    rv->v[rv->n++] = *v;
    return 0;
}

int run_values_put(run_values *rv, run_value *b, const char *subject, const char *metric,
                   const char *unit, double value)
{
    snprintf(b->subject, sizeof b->subject, "%.*s", (int)sizeof b->subject - 1, subject);
    snprintf(b->metric, sizeof b->metric, "%.*s", (int)sizeof b->metric - 1, metric);
    snprintf(b->unit, sizeof b->unit, "%.*s", (int)sizeof b->unit - 1, unit);
    b->value = value;
    return run_values_add(rv, b);
}

void run_values_free(run_values *rv)
{
    free(rv->v);
    *rv = (run_values){0};
}

/* ---- per run --------------------------------------------------------------------------------- */

/* The fields of a run's summary table that compare reads (HDF5 matches them by name). */
typedef struct wl_fields {
    char workload[160];
    uint8_t active;
    uint64_t completed;
    double success_ratio, mean_ns;
    int64_t q_ns[4]; /* p50, p90, p99, p99.9 */
    uint64_t failed[CLIENT_FAIL_COUNT];
} wl_fields;

typedef struct comp_fields {
    char component[160];
    double utilisation;
} comp_fields;

static const h5file_col comp_read_cols[] = {
    H5_COL(comp_fields, TRACE_STR160, component, NULL),
    H5_COL(comp_fields, TRACE_F64, utilisation, NULL),
};

static size_t wl_read_cols(h5file_col *c, char (*failed)[48])
{
    static const char *const q[] = {"p50_ns", "p90_ns", "p99_ns", "p999_ns"};
    size_t n = 0;
    c[n++] = (h5file_col)H5_COL(wl_fields, TRACE_STR160, workload, NULL);
    c[n++] = (h5file_col)H5_COL(wl_fields, TRACE_U8, active, NULL);
    c[n++] = (h5file_col)H5_COL(wl_fields, TRACE_U64, completed, NULL);
    c[n++] = (h5file_col)H5_COL(wl_fields, TRACE_F64, success_ratio, NULL);
    c[n++] = (h5file_col)H5_COL(wl_fields, TRACE_F64, mean_ns, NULL);
    for (size_t k = 0; k < 4; k++)
        c[n++] =
            (h5file_col){q[k], TRACE_I64, offsetof(wl_fields, q_ns) + k * sizeof(int64_t), NULL};
    for (int k = 0; k < CLIENT_FAIL_COUNT; k++)
        c[n++] = (h5file_col){summary_cause_metric((client_cause)k, failed[k], 48), TRACE_U64,
                              offsetof(wl_fields, failed) + (size_t)k * sizeof(uint64_t), NULL};
    return n;
}

static double ns_to_ms(int64_t ns)
{
    return ns < 0 ? NAN : (double)ns / 1e6;
}

/* The values of one workload row of a run. */
static int add_workload(run_values *out, run_value *b, const wl_fields *w, double window_s,
                        char (*failed)[48])
{
    static const char *const q[] = {"p50", "p90", "p99", "p99.9"};
    if (!w->active) return 0;
    int rc = run_values_put(out, b, w->workload, "mean", "ms", w->mean_ns / 1e6);
    for (size_t k = 0; k < 4; k++)
        rc |= run_values_put(out, b, w->workload, q[k], "ms", ns_to_ms(w->q_ns[k]));
    rc |= run_values_put(out, b, w->workload, "success_ratio", "1", w->success_ratio);
    rc |= run_values_put(out, b, w->workload, "completed", "1/s", (double)w->completed / window_s);
    for (int k = 0; k < CLIENT_FAIL_COUNT; k++)
        rc |=
            run_values_put(out, b, w->workload, failed[k], "1/s", (double)w->failed[k] / window_s);
    return rc ? -1 : 0;
}

/* The values of the run in group (its summary and components tables). */
static int read_run(results_file *r, const char *group, run_value *b, run_values *out,
                    vs_error *err)
{
    char path[700], failed[CLIENT_FAIL_COUNT][48];
    h5file_col cols[32];
    size_t ncols = wl_read_cols(cols, failed), nw, nc;
    void *wl = NULL, *comp = NULL;
    double window_s = (double)r->duration_ns / 1e9;
    snprintf(path, sizeof path, "%s/summary", group);
    int rc = h5file_table_read(r->f, path, cols, ncols, sizeof(wl_fields), &wl, &nw, err);
    snprintf(path, sizeof path, "%s/components", group);
    if (rc == 0)
        rc = h5file_table_read(r->f, path, comp_read_cols, H5_NCOLS(comp_read_cols),
                               sizeof(comp_fields), &comp, &nc, err);
    for (size_t i = 0; rc == 0 && i < nw; i++)
        if (add_workload(out, b, (const wl_fields *)wl + i, window_s, failed))
            rc = error_set(err, "out of memory");
    for (size_t i = 0; rc == 0 && i < nc; i++) {
        const comp_fields *c = (const comp_fields *)comp + i;
        if (!isnan(c->utilisation) &&
            run_values_put(out, b, c->component, "utilisation", "1", c->utilisation))
            rc = error_set(err, "out of memory");
    }
    free(wl), free(comp);
    return rc;
}

int results_file_runs(results_file *r, run_values *out, vs_error *err)
{
    char group[512];
    for (int64_t p = 0; p < r->points; p++)
        for (size_t a = 0; a < r->narchs; a++)
            for (int64_t rep = 0; rep < r->reps; rep++) {
                snprintf(group, sizeof group, "/architectures/%s/point%lld/rep%lld", r->archs[a],
                         (long long)p, (long long)rep);
                if (!h5file_exists(r->f, group)) continue; /* interrupted before it finished */
                run_value b = {.point = (uint32_t)p, .rep = (uint32_t)rep};
                snprintf(b.architecture, sizeof b.architecture, "%s", r->archs[a]);
                if (h5file_get_u64(r->f, group, "seed", &b.seed, err) ||
                    read_run(r, group, &b, out, err))
                    return -1;
            }
    return 0;
}
