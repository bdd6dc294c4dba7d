/* `vpcsim report FILE [--csv | --json]`: the tables `vpcsim run` printed, again, from the HDF5 file
 * alone (its /summary holds every figure, its root attributes and /sweep the rest), through the
 * same printer, so the text is byte for byte the same; or /summary as one CSV (RFC 4180) for
 * spreadsheets (or each run's values), or as one JSON document (sim/cli/results_json.c). A file
 * that is not vpcsim's, or of another format, is an error (exit 2); an incomplete one (interrupted)
 * reports with a warning if it has a summary. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/h5_results_impl.h"
#include "cli/results_file.h"
#include "cli/results_json.h"

static void report_usage(FILE *f)
{
    fputs("usage: vpcsim report FILE [--csv [--per-replication] | --json]\n"
          "  prints the tables `vpcsim run` printed for the HDF5 file FILE (vpcsim run -o FILE)\n"
          "  --csv   instead, the summary as CSV: point, the swept keys' values, architecture,\n"
          "          subject, metric, unit, mean, half_width, n (point 0-based; an empty\n"
          "          half_width: one replication)\n"
          "  --per-replication  with --csv: one row per run and figure instead (architecture,\n"
          "          replication, seed, subject, metric, unit, value)\n"
          "  --json  the whole summary and every run's values as one JSON document\n"
          "          (docs/results.schema.json)\n",
          f);
}

typedef results_file report_file; /* sim/cli/results_file.c reads it */

typedef struct report_opts {
    const char *file;
    bool csv, json, per_rep; /* --csv, --json, --per-replication */
} report_opts;

/* ---- text ------------------------------------------------------------------------------------ */

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

static int print_text(const report_file *r, vs_error *err)
{
    text_report_head t;
    const char **keys, **values;
    int rc = report_head(r, &t, &keys, &values);
    if (rc == 0) rc = text_report_print(stdout, &t, r->rows, r->nrows);
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

/* ---- the command ----------------------------------------------------------------------------- */

static int parse(int argc, char **argv, report_opts *o, vs_error *err)
{
    *o = (report_opts){0};
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--csv") == 0)
            o->csv = true;
        else if (strcmp(argv[i], "--json") == 0)
            o->json = true;
        else if (strcmp(argv[i], "--per-replication") == 0)
            o->per_rep = true;
        else if (argv[i][0] == '-' && argv[i][1])
            return error_set(err, "unknown option '%s'", argv[i]);
        else if (o->file)
            return error_set(err, "unexpected argument '%s' (one FILE at a time)", argv[i]);
        else
            o->file = argv[i];
    }
    if (o->csv && o->json) return error_set(err, "--csv and --json: one or the other");
    if (o->per_rep && !o->csv) return error_set(err, "--per-replication goes with --csv");
    return o->file ? 0 : error_set(err, "missing the HDF5 FILE");
}

int report_main(int argc, char **argv)
{
    vs_error err = {""};
    report_opts o;
    report_file r = {0};
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            report_usage(stdout);
            return 0;
        }
    if (parse(argc, argv, &o, &err)) {
        fprintf(stderr, "vpcsim report: %s\n", err.msg);
        report_usage(stderr);
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
    int rc = 0;
    if (o.csv && o.per_rep)
        rc = print_csv_runs(&r, &err);
    else if (o.csv)
        print_csv(&r);
    else if (o.json)
        rc = print_json(&r, &err);
    else
        rc = print_text(&r, &err);
    if (rc == 0 && (fflush(stdout) || ferror(stdout))) rc = error_set(&err, "cannot write");
    if (rc) fprintf(stderr, "vpcsim report: %s\n", err.msg);
    results_file_free(&r);
    return rc ? 1 : 0;
}
