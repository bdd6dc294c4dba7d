/* `vpcsim report FILE [--csv | --json | --html OUT]`: the tables `vpcsim run` printed, again, from
 * the HDF5 file alone (its /summary holds every figure, its root attributes and /sweep the rest),
 * through the same printer, so the text is byte for byte the same; or /summary as one CSV (RFC
 * 4180) for spreadsheets (or each run's values), or as one JSON document (sim/cli/results_json.c),
 * or as one self-contained page with the figures (sim/cli/html_report.c). A file that is not
 * vpcsim's, or of another format, is an error (exit 2); an incomplete one (interrupted) reports
 * with a warning if it has a summary. */
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
#include "cli/results_file.h"
#include "cli/results_json.h"

typedef results_file report_file; /* sim/cli/results_file.c reads it */

typedef struct report_opts {
    const char *file;
    bool csv, json, per_rep; /* --csv, --json, --per-replication */
    const char *html;        /* --html OUT, or NULL */
} report_opts;

/* `report --html` runs the plot scripts with Debian's Python (VPCSIM_PYTHON overrides it); they
 * are found in the data folder, beside the price tables (VPCSIM_PLOTS_DIR overrides it). */
static const char DEFAULT_PYTHON[] = "/usr/bin/python3";

static const option_def report_options[] = {
    {.name = "--csv",
     .kind = OPTION_FLAG,
     OPTION_AT(report_opts, csv),
     .help = "instead, the summary as CSV: point, the swept keys' values, architecture,\n"
             "subject, metric, unit, mean, half_width, n (point 0-based; an empty\n"
             "half_width: one replication)"},
    {.name = "--per-replication",
     .kind = OPTION_FLAG,
     OPTION_AT(report_opts, per_rep),
     .help = "with --csv: one row per run and figure instead (architecture,\n"
             "replication, seed, subject, metric, unit, value)"},
    {.name = "--json",
     .kind = OPTION_FLAG,
     OPTION_AT(report_opts, json),
     .help = "the whole summary and every run's values as one JSON document\n"
             "(docs/results.schema.json)"},
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
    .help_column = 20,
};

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

/* The header of the text report (and of the JSON document) from the file; keys and values
 * allocated (free both). Returns 0, or -1 when out of memory. */
static int report_head(const report_file *r, text_report_head *t, const char ***keys_out,
                       const char ***values_out)
{
    size_t npoints = (size_t)r->points, nkeys = r->nkeys;
    const char **keys = calloc(nkeys + 1, sizeof *keys),
               **values = calloc(r->nsweep + 1, sizeof *values);
    *keys_out = keys, *values_out = values;
    if (!keys || !values) return -1;
    for (size_t k = 0; k < nkeys; k++) keys[k] = r->sweep[k].parameter;
    for (size_t i = 0; i < r->nsweep; i++) values[i] = r->sweep[i].value;
    *t = (text_report_head){.name = r->name,
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
    return 0;
}

static int print_text(FILE *out, const report_file *r, vs_error *err)
{
    text_report_head t;
    const char **keys, **values;
    int rc = report_head(r, &t, &keys, &values);
    if (rc == 0) rc = text_report_print(out, &t, r->rows, r->nrows);
    free(keys), free(values);
    return rc ? error_set(err, "out of memory") : 0;
}

/* --json: the whole summary and every run's values, one document on stdout. */
static int print_json(report_file *r, vs_error *err)
{
    text_report_head t;
    const char **keys, **values;
    run_values rv = {0};
    int rc = report_head(r, &t, &keys, &values) ? error_set(err, "out of memory") : 0;
    if (rc == 0) rc = results_file_runs(r, &rv, err);
    if (rc == 0)
        rc =
            results_json_write(results_json_doc(&t, r->complete, r->rows, r->nrows, &rv), "-", err);
    free(keys), free(values);
    run_values_free(&rv);
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

/* The swept keys as header fields, and point p's values as fields (none without a sweep). */
static void csv_keys(const report_file *r)
{
    for (size_t k = 0; k < r->nkeys; k++)
        csv_text(stdout, r->sweep[k].parameter), fputc(',', stdout);
}

static void csv_values(const report_file *r, uint32_t p)
{
    for (size_t k = 0; k < r->nkeys && p < (uint32_t)r->points; k++)
        csv_text(stdout, r->sweep[(size_t)p * r->nkeys + k].value), fputc(',', stdout);
}

static void print_csv(const report_file *r)
{
    fputs("point,", stdout);
    csv_keys(r);
    fputs("architecture,subject,metric,unit,mean,half_width,n\r\n", stdout);
    for (size_t i = 0; i < r->nrows; i++) {
        const summary_row *x = &r->rows[i];
        printf("%u,", x->point);
        csv_values(r, x->point);
        csv_text(stdout, x->architecture), fputc(',', stdout);
        csv_text(stdout, x->subject), fputc(',', stdout);
        csv_text(stdout, x->metric), fputc(',', stdout);
        csv_text(stdout, x->unit), fputc(',', stdout);
        csv_number(stdout, x->mean), fputc(',', stdout);
        csv_number(stdout, x->half_width);
        printf(",%u\r\n", x->n);
    }
}

/* --csv --per-replication: one row per run and figure (sim/cli/results_file.h says which). */
static int print_csv_runs(report_file *r, vs_error *err)
{
    run_values rv = {0};
    if (results_file_runs(r, &rv, err)) return run_values_free(&rv), -1;
    fputs("point,", stdout);
    csv_keys(r);
    fputs("architecture,replication,seed,subject,metric,unit,value\r\n", stdout);
    for (size_t i = 0; i < rv.n; i++) {
        const run_value *x = &rv.v[i];
        printf("%u,", x->point);
        csv_values(r, x->point);
        csv_text(stdout, x->architecture);
        printf(",%u,%llu,", x->rep, (unsigned long long)x->seed);
        csv_text(stdout, x->subject), fputc(',', stdout);
        csv_text(stdout, x->metric), fputc(',', stdout);
        csv_text(stdout, x->unit), fputc(',', stdout);
        csv_number(stdout, x->value);
        fputs("\r\n", stdout);
    }
    run_values_free(&rv);
    return 0;
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

/* The option combinations that make no sense. Returns 0, or -1 with err set. */
static int check_combination(const report_opts *o, vs_error *err)
{
    if (o->csv + o->json + (o->html != NULL) > 1)
        return error_set(err, "--csv, --json and --html: one at a time");
    if (o->per_rep && !o->csv) return error_set(err, "--per-replication goes with --csv");
    return 0;
}

int report_main(int argc, char **argv)
{
    vs_error err = {""};
    report_opts o = {0};
    report_file r = {0};
    int rc;
    if (!options_take(&report_spec, &o, argc, argv, &rc)) return rc;
    if (check_combination(&o, &err)) {
        fprintf(stderr, "vpcsim report: %s\n", err.msg);
        options_usage(&report_spec, stderr);
        return EXIT_USAGE;
    }
    const char *path = o.file;
    if (results_file_open(&r, path, &err)) {
        fprintf(stderr, "vpcsim report: %s\n", err.msg);
        results_file_free(&r);
        return EXIT_USAGE;
    }
    if (!r.complete)
        fprintf(stderr,
                "vpcsim report: warning: %s is incomplete (interrupted: %lld of %lld runs kept); "
                "the tables cover the replications that finished in every architecture\n",
                path, (long long)r.kept, (long long)r.runs);
    rc = 0;
    if (o.csv && o.per_rep)
        rc = print_csv_runs(&r, &err);
    else if (o.csv)
        print_csv(&r);
    else if (o.json)
        rc = print_json(&r, &err);
    else if (o.html)
        rc = write_html(&r, path, o.html, &err);
    else
        rc = print_text(stdout, &r, &err);
    if (rc == 0 && (fflush(stdout) || ferror(stdout))) rc = error_set(&err, "cannot write");
    if (rc) fprintf(stderr, "vpcsim report: %s\n", err.msg);
    results_file_free(&r);
    return rc ? 1 : 0;
}
