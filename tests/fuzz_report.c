/* libFuzzer target over what `vpcsim report` reads back from a file: the bytes are decoded into
 * the root counts, /sweep and /summary rows (points, names and metrics from small sets so the
 * printer's paths are reached, any number for counts and values), report_check judges them, and
 * whatever it passes is printed by text_report_print as cmd_report.c does. The invariant: what
 * passes the check prints without reading outside the tables (ASan + UBSan). Built by .ci/fuzz. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/report_check.h"

typedef struct reader {
    const uint8_t *p;
    size_t n;
} reader;

static uint8_t byte(reader *r)
{
    if (!r->n) return 0;
    r->n--;
    return *r->p++;
}

static uint64_t word(reader *r)
{
    uint64_t x = 0;
    for (int i = 0; i < 8; i++) x = x << 8 | byte(r);
    return x;
}

/* A count: mostly small, sometimes any 64-bit value (2^62 + 1, negative...). */
static int64_t count(reader *r)
{
    uint8_t b = byte(r);
    return b & 0x80 ? (int64_t)word(r) : b;
}

static double number(reader *r)
{
    uint8_t b = byte(r);
    if (b < 200) return b / 4.0;
    uint64_t bits = word(r);
    double x;
    memcpy(&x, &bits, sizeof x);
    return x;
}

static const char *const archs[] = {"a", "b", "c"};
static const char *const subjects[] = {"", "download", "upload", "nat-gateway/nat-a/use1-az1",
                                       "NAT gateway processing"};
static const char *const metrics[] = {"active",
                                      "bytes",
                                      "completed",
                                      "delta_mean",
                                      "delta_monthly_total",
                                      "delta_p50",
                                      "delta_p99",
                                      "drops",
                                      "late",
                                      "mean_in_station",
                                      "monthly",
                                      "monthly_gb",
                                      "monthly_hourly_items",
                                      "monthly_total",
                                      "no_retry_quota",
                                      "offered",
                                      "p50",
                                      "p99",
                                      "peak",
                                      "per_million_completed",
                                      "retries",
                                      "success_ratio",
                                      "unfinished",
                                      "utilisation",
                                      "x"};
#define PICK(r, table) (table)[byte(r) % (sizeof(table) / sizeof((table)[0]))]

static void print_checked(report_tables *t, FILE *sink)
{
    size_t nkeys = report_sweep_keys(t);
    const char **keys = calloc(nkeys + 1, sizeof *keys),
               **values = calloc(t->nsweep + 1, sizeof *values);
    for (size_t k = 0; keys && k < nkeys; k++) keys[k] = t->sweep[k].parameter;
    for (size_t i = 0; values && i < t->nsweep; i++) values[i] = t->sweep[i].value;
    text_report_head h = {.name = "fuzz",
                          .file = "fuzz.yaml",
                          .narchs = t->narchs,
                          .reps = (size_t)t->reps,
                          .npoints = (size_t)t->points,
                          .duration_ns = 1000000000,
                          .warmup_ns = 0,
                          .seed = 1,
                          .hours_per_month = 730,
                          .keys = keys,
                          .nkeys = nkeys,
                          .values = values};
    if (keys && values) text_report_print(sink, &h, t->rows, t->nrows);
    free(keys), free(values);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *sink;
    if (!sink && !(sink = fopen("/dev/null", "w"))) return 0;
    reader r = {data, size};
    report_tables t = {.points = count(&r), .reps = count(&r), .narchs = byte(&r) % 4};
    t.nsweep = byte(&r) % 16, t.nrows = byte(&r) % 64;
    t.sweep = calloc(t.nsweep + 1, sizeof *t.sweep);
    t.rows = calloc(t.nrows + 1, sizeof *t.rows);
    for (size_t i = 0; i < t.nsweep; i++) {
        t.sweep[i].point = byte(&r);
        snprintf(t.sweep[i].parameter, sizeof t.sweep[i].parameter, "key%u", byte(&r) % 3);
        memset(t.sweep[i].value, 'v', sizeof t.sweep[i].value); /* unterminated: the check cuts */
    }
    for (size_t i = 0; i < t.nrows; i++) {
        summary_row *x = &t.rows[i];
        x->point = byte(&r);
        snprintf(x->architecture, sizeof x->architecture, "%s", PICK(&r, archs));
        snprintf(x->subject, sizeof x->subject, "%s", PICK(&r, subjects));
        snprintf(x->metric, sizeof x->metric, "%s", PICK(&r, metrics));
        x->mean = number(&r), x->half_width = number(&r), x->n = byte(&r);
    }
    vs_error err = {""};
    if (report_check(&t, &err) == 0) print_checked(&t, sink);
    free(t.sweep), free(t.rows);
    return 0;
}
