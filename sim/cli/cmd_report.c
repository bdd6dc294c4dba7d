/* `vpcsim report FILE [--csv]`: the tables `vpcsim run` printed, again, from the HDF5 file alone
 * (its /summary holds every figure, its root attributes and /sweep the rest), through the same
 * printer, so the text is byte for byte the same; or /summary as one CSV (RFC 4180) for
 * spreadsheets. A file that is not vpcsim's, or of another format, is an error (exit 2); an
 * incomplete one (interrupted) reports with a warning if it has a summary. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/h5_results_impl.h"
#include "cli/report_check.h"

static void report_usage(FILE *f)
{
    fputs("usage: vpcsim report FILE [--csv]\n"
          "  prints the tables `vpcsim run` printed for the HDF5 file FILE (vpcsim run -o FILE)\n"
          "  --csv   instead, the summary as CSV: point, architecture, subject, metric, unit,\n"
          "          mean, half_width, n (point 0-based; an empty half_width: one replication)\n",
          f);
}

typedef struct report_file {
    h5file *f;
    char name[256], file[1024];
    int64_t reps, points, duration_ns, warmup_ns, complete, runs, kept;
    uint64_t seed;
    double hours;
    size_t narchs;
    summary_row *rows;
    size_t nrows;
    h5_sweep_row *sweep;
    size_t nsweep;
} report_file;

static void report_free(report_file *r)
{
    h5file_free(r->f);
    free(r->rows), free(r->sweep);
}

/* Whether f is a vpcsim file of the format this build reads. Returns 0, or -1 with err set. */
static int check_kind(report_file *r, const char *path, vs_error *err)
{
    char tool[128] = "";
    int64_t format;
    if (h5file_has_attr(r->f, "/", "tool") &&
        h5file_get_str(r->f, "/", "tool", tool, sizeof tool, err) && !strstr(err->msg, "not text"))
        return -1; /* out of memory: not the file's fault */
    if (!h5file_has_attr(r->f, "/", "tool") || strncmp(tool, "vpcsim ", 7) != 0)
        return error_set(err, "%s: not a vpcsim file (no 'tool' attribute saying vpcsim)", path);
    if (h5file_get_i64(r->f, "/", "format", &format, err)) return -1;
    if (format != H5_RESULTS_FORMAT)
        return error_set(err, "%s: written in format %lld by %s; this vpcsim reads format %d", path,
                         (long long)format, tool, H5_RESULTS_FORMAT);
    if (!h5file_has_attr(r->f, "/", "complete") ||
        h5file_get_i64(r->f, "/", "complete", &r->complete, err))
        r->complete = 0;
    return 0;
}

static int read_attrs(report_file *r, vs_error *err)
{
    char **names;
    if (h5file_get_str(r->f, "/", "scenario_name", r->name, sizeof r->name, err) ||
        h5file_get_str(r->f, "/", "scenario_file", r->file, sizeof r->file, err) ||
        h5file_get_i64(r->f, "/", "replications", &r->reps, err) ||
        h5file_get_i64(r->f, "/", "sweep_points", &r->points, err) ||
        h5file_get_i64(r->f, "/", "duration_ns", &r->duration_ns, err) ||
        h5file_get_i64(r->f, "/", "warmup_ns", &r->warmup_ns, err) ||
        h5file_get_u64(r->f, "/", "seed", &r->seed, err) ||
        h5file_get_f64(r->f, "/", "hours_per_month", &r->hours, err) ||
        h5file_get_strs(r->f, "/", "architecture_names", &names, &r->narchs, err))
        return -1;
    free(names);
    if (r->points < 1 || r->reps < 1) return error_set(err, "no sweep point or replication");
    if (h5file_has_attr(r->f, "/", "runs_total")) {
        if (h5file_get_i64(r->f, "/", "runs_total", &r->runs, err) ||
            h5file_get_i64(r->f, "/", "runs_completed", &r->kept, err))
            return -1;
    }
    return 0;
}

/* Every count read back is bounded by what the file holds (report_check). */
static int check_counts(report_file *r, vs_error *err)
{
    report_tables t = {.points = r->points,
                       .reps = r->reps,
                       .narchs = r->narchs,
                       .sweep = r->sweep,
                       .nsweep = r->nsweep,
                       .rows = r->rows,
                       .nrows = r->nrows};
    return report_check(&t, err);
}

static int read_file(report_file *r, const char *path, vs_error *err)
{
    void *rows;
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
    if (h5file_table_read(r->f, "/sweep", h5_sweep_cols, h5_sweep_ncols, sizeof(h5_sweep_row),
                          &rows, &r->nsweep, err))
        return -1;
    r->sweep = rows;
    return check_counts(r, err);
}

/* ---- text ------------------------------------------------------------------------------------ */

static int print_text(const report_file *r, vs_error *err)
{
    size_t npoints = (size_t)r->points, nkeys = 0; /* bounded: check_counts */
    while (nkeys < r->nsweep && r->sweep[nkeys].point == 0) nkeys++;
    const char **keys = calloc(nkeys + 1, sizeof *keys),
               **values = calloc(r->nsweep + 1, sizeof *values);
    int rc = keys && values ? 0 : error_set(err, "out of memory");
    for (size_t k = 0; rc == 0 && k < nkeys; k++) keys[k] = r->sweep[k].parameter;
    for (size_t i = 0; rc == 0 && i < r->nsweep; i++) values[i] = r->sweep[i].value;
    text_report_head t = {.name = r->name,
                          .file = r->file,
                          .narchs = r->narchs,
                          .reps = (size_t)r->reps,
                          .npoints = npoints,
                          .duration_ns = r->duration_ns,
                          .warmup_ns = r->warmup_ns,
                          .seed = r->seed,
                          .hours_per_month = r->hours,
                          .keys = keys,
                          .nkeys = nkeys,
                          .values = values};
    if (rc == 0 && text_report_print(stdout, &t, r->rows, r->nrows))
        rc = error_set(err, "out of memory");
    free(keys), free(values);
    return rc;
}

/* ---- CSV ------------------------------------------------------------------------------------- */

/* A field, quoted when it holds a comma, a quote or a line break (quotes doubled). */
static void csv_text(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* The shortest decimal that reads back as x; empty for NaN. */
static void csv_number(FILE *f, double x)
{
    char buf[64];
    if (isnan(x)) return;
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, sizeof buf, "%.*g", digits, x);
        if (strtod(buf, NULL) == x) break;
    }
    fputs(buf, f);
}

static void print_csv(const report_file *r)
{
    fputs("point,architecture,subject,metric,unit,mean,half_width,n\r\n", stdout);
    for (size_t i = 0; i < r->nrows; i++) {
        const summary_row *x = &r->rows[i];
        printf("%u,", x->point);
        csv_text(stdout, x->architecture), fputc(',', stdout);
        csv_text(stdout, x->subject), fputc(',', stdout);
        csv_text(stdout, x->metric), fputc(',', stdout);
        csv_text(stdout, x->unit), fputc(',', stdout);
        csv_number(stdout, x->mean), fputc(',', stdout);
        csv_number(stdout, x->half_width);
        printf(",%u\r\n", x->n);
    }
}

/* ---- the command ----------------------------------------------------------------------------- */

static int parse(int argc, char **argv, const char **file, bool *csv, vs_error *err)
{
    *file = NULL, *csv = false;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--csv") == 0)
            *csv = true;
        else if (argv[i][0] == '-' && argv[i][1])
            return error_set(err, "unknown option '%s'", argv[i]);
        else if (*file)
            return error_set(err, "unexpected argument '%s' (one FILE at a time)", argv[i]);
        else
            *file = argv[i];
    }
    return *file ? 0 : error_set(err, "missing the HDF5 FILE");
}

int report_main(int argc, char **argv)
{
    vs_error err = {""};
    const char *path;
    bool csv;
    report_file r = {0};
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            report_usage(stdout);
            return 0;
        }
    if (parse(argc, argv, &path, &csv, &err)) {
        fprintf(stderr, "vpcsim report: %s\n", err.msg);
        report_usage(stderr);
        return EXIT_USAGE;
    }
    if (read_file(&r, path, &err)) {
        fprintf(stderr, "vpcsim report: %s\n", err.msg);
        report_free(&r);
        return EXIT_USAGE;
    }
    if (!r.complete)
        fprintf(stderr,
                "vpcsim report: warning: %s is incomplete (interrupted: %lld of %lld runs kept); "
                "the tables cover the replications that finished in every architecture\n",
                path, (long long)r.kept, (long long)r.runs);
    int rc = 0;
    if (csv)
        print_csv(&r);
    else
        rc = print_text(&r, &err);
    if (rc == 0 && (fflush(stdout) || ferror(stdout))) rc = error_set(&err, "cannot write");
    if (rc) fprintf(stderr, "vpcsim report: %s\n", err.msg);
    report_free(&r);
    return rc ? 1 : 0;
}
