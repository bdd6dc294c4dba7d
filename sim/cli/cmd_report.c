/* `vpcsim report FILE [--csv]`: the tables `vpcsim run` printed, again, from the HDF5 file alone
 * (its /summary holds every figure, its root attributes and /sweep the rest), through the same
 * printer, so the text is byte for byte the same; or /summary as one CSV (RFC 4180) for
 * spreadsheets. A file that is not vpcsim's, or of another format, is an error (exit 2); an
 * incomplete one (interrupted) reports with a warning if it has a summary. */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/datafiles.h"
#include "cli/h5_results_impl.h"
#include "cli/html_report.h"

/* `report --html` runs the plot scripts with Debian's Python (VPCSIM_PYTHON overrides it); they
 * are found in the data folder, beside the price tables (VPCSIM_PLOTS_DIR overrides it). */
static const char DEFAULT_PYTHON[] = "/usr/bin/python3";

typedef struct report_opts {
    const char *file; /* the HDF5 file */
    bool csv;         /* --csv */
    const char *html; /* --html OUT, or NULL */
} report_opts;

static const option_def report_options[] = {
    {.name = "--csv",
     .kind = OPTION_FLAG,
     OPTION_AT(report_opts, csv),
     .help = "instead, the summary as CSV: point, architecture, subject, metric, unit,\n"
             "mean, half_width, n (point 0-based; an empty half_width: one replication)"},
    {.name = "--html",
     .kind = OPTION_FILE,
     .value_name = "OUT",
     OPTION_AT(report_opts, html),
     .help = "instead, one self-contained page OUT: the tables, every figure of\n"
             "plots/ (inline SVG, drawn by /usr/bin/python3 plots/all.py) and the\n"
             "scenario text"},
};

static const options_spec report_spec = {
    .command = "report",
    .file = "HDF5 FILE",
    .file_at = offsetof(report_opts, file),
    .list_in_synopsis = true,
    .about =
        "  prints the tables `vpcsim run` printed for the HDF5 file FILE (vpcsim run -o FILE)\n",
    .opts = report_options,
    .nopts = sizeof report_options / sizeof *report_options,
    .help_column = 10,
};

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
    char tool[128];
    int64_t format;
    if (!h5file_has_attr(r->f, "/", "tool") ||
        h5file_get_str(r->f, "/", "tool", tool, sizeof tool, err) ||
        strncmp(tool, "vpcsim ", 7) != 0)
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
    return 0;
}

/* ---- text ------------------------------------------------------------------------------------ */

/* The replications an incomplete file's tables cover: the most values any summary row has (the
 * header must not claim the replications asked for). */
static size_t reps_covered(const report_file *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nrows; i++)
        if (r->rows[i].n > n) n = r->rows[i].n;
    return n;
}

static int print_text(FILE *out, const report_file *r, vs_error *err)
{
    size_t npoints = (size_t)r->points, nkeys = 0;
    while (nkeys < r->nsweep && r->sweep[nkeys].point == 0) nkeys++;
    if (nkeys * npoints != r->nsweep)
        return error_set(err, "/sweep has %zu rows, not %zu points x %zu keys", r->nsweep, npoints,
                         nkeys);
    const char **keys = calloc(nkeys + 1, sizeof *keys),
               **values = calloc(r->nsweep + 1, sizeof *values);
    int rc = keys && values ? 0 : error_set(err, "out of memory");
    for (size_t k = 0; rc == 0 && k < nkeys; k++) keys[k] = r->sweep[k].parameter;
    for (size_t i = 0; rc == 0 && i < r->nsweep; i++) values[i] = r->sweep[i].value;
    text_report_head t = {.name = r->name,
                          .file = r->file,
                          .narchs = r->narchs,
                          .reps = (size_t)r->reps,
                          .reps_covered = r->complete ? 0 : reps_covered(r),
                          .npoints = npoints,
                          .duration_ns = r->duration_ns,
                          .warmup_ns = r->warmup_ns,
                          .seed = r->seed,
                          .hours_per_month = r->hours,
                          .keys = keys,
                          .nkeys = nkeys,
                          .values = values};
    if (rc == 0 && text_report_print(out, &t, r->rows, r->nrows))
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

/* ---- HTML ------------------------------------------------------------------------------------ */

static const char *env_or(const char *name, const char *def)
{
    const char *v = getenv(name);
    return v && v[0] ? v : def;
}

/* The page of `--html out`: the text report and the scenario from the file, the figures from
 * the plot scripts. A page without figures (no Python or plots) is written with a warning. */
static int write_html(const report_file *r, const char *path, const char *out, vs_error *err)
{
    char *tables = NULL, **text = NULL, note[4608];
    size_t len = 0, n = 0;
    FILE *mem = open_memstream(&tables, &len);
    if (!mem) return error_set(err, "out of memory");
    int rc = print_text(mem, r, err);
    if (fclose(mem) != 0 && rc == 0) rc = error_set(err, "out of memory");
    if (rc == 0 && h5file_has_attr(r->f, "/", "scenario"))
        rc = h5file_get_strs(r->f, "/", "scenario", &text, &n, err);
    char plots[4096] = "";
    vs_error missing = {""};
    const char *plots_dir = getenv("VPCSIM_PLOTS_DIR");
    if (!plots_dir || !plots_dir[0]) { /* the data folder's plots/, or none: a page without */
        if (datafiles_find("plots/all.py", plots, sizeof plots, &missing) == 0)
            *strrchr(plots, '/') = 0;
        plots_dir = plots[0] ? plots : "plots";
    }
    html_report_in in = {.h5_path = path,
                         .title = r->name,
                         .tables = tables ? tables : "",
                         .scenario = n ? text[0] : "",
                         .plots_dir = plots_dir,
                         .python = env_or("VPCSIM_PYTHON", DEFAULT_PYTHON),
                         .incomplete = !r->complete};
    if (rc == 0) rc = html_report_write(&in, out, note, sizeof note, err);
    if (rc == 0 && note[0]) fprintf(stderr, "vpcsim report: warning: no figures: %s\n", note);
    free(tables), free(text);
    return rc;
}

/* ---- the command ----------------------------------------------------------------------------- */

int report_main(int argc, char **argv)
{
    vs_error err = {""};
    report_opts o = {.file = NULL};
    report_file r = {0};
    int rc;
    if (!options_take(&report_spec, &o, argc, argv, &rc)) return rc;
    const char *path = o.file;
    if (o.csv && o.html) {
        fprintf(stderr, "vpcsim report: --csv and --html: one at a time\n");
        options_usage(&report_spec, stderr);
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
    rc = 0;
    if (o.csv)
        print_csv(&r);
    else if (o.html)
        rc = write_html(&r, path, o.html, &err);
    else
        rc = print_text(stdout, &r, &err);
    if (rc == 0 && (fflush(stdout) || ferror(stdout))) rc = error_set(&err, "cannot write");
    if (rc) fprintf(stderr, "vpcsim report: %s\n", err.msg);
    report_free(&r);
    return rc ? 1 : 0;
}
