/* The verdicts of vpcsim compare (sim/cli/compare.h) as a text table, Markdown (a pull-request
 * comment: the changes only) or one JSON document; regressions first, then improvements. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/compare.h"
#include "cli/json_out.h"

static const char *const verdict_name[] = {
    [CMP_SAME] = "same", [CMP_BETTER] = "better", [CMP_WORSE] = "worse"};
static const char *const method_name[] = {[CMP_PAIRED] = "paired", [CMP_WELCH] = "welch"};

/* Test indices, worse first, then better, then same; file order within each. */
static size_t *order(const compare_result *r)
{
    static const int rank[] = {[CMP_WORSE] = 0, [CMP_BETTER] = 1, [CMP_SAME] = 2};
    size_t *ix = malloc((r->n + 1) * sizeof *ix), k = 0;
    for (int v = 0; ix && v < 3; v++)
        for (size_t i = 0; i < r->n; i++)
            if (rank[r->tests[i].verdict] == v) ix[k++] = i;
    return ix;
}

static const char *num(double x, char *buf, size_t n)
{
    if (isnan(x)) return snprintf(buf, n, "-"), buf;
    snprintf(buf, n, "%.4g", x);
    return buf;
}

/* "+1.23 ± 0.45": the difference and its half-width. */
static const char *change_text(const compare_test *t, char *buf, size_t n)
{
    char d[16], h[16]; /* %+.4g: at most 11 characters */
    snprintf(d, sizeof d, "%+.4g", t->t.diff);
    if (isnan(t->t.half))
        return snprintf(buf, n, "%s", t->t.diff == 0 ? "0 (identical)" : "untested (n < 2)"), buf;
    snprintf(buf, n, "%s ± %s", d, num(t->t.half, h, sizeof h));
    return buf;
}

static const char *rel_text(const compare_test *t, char *buf, size_t n)
{
    if (isinf(t->relative)) return snprintf(buf, n, "%s", t->relative > 0 ? "+inf" : "-inf"), buf;
    snprintf(buf, n, "%+.2f%%", 100 * t->relative);
    return buf;
}

static const char *method_text(const compare_result *r)
{
    return r->method == CMP_PAIRED ? "paired t (same seed and replications: common random numbers)"
                                   : "Welch's t (different seeds or replications: independent)";
}

static void thresholds_text(const compare_opts *o, char *buf, size_t n)
{
    size_t at = (size_t)snprintf(buf, n, "%g%%", 100 * o->threshold[FAM_MEAN]);
    for (int f = 0; f < FAM_COUNT && at < n; f++)
        if (o->threshold[f] != o->threshold[FAM_MEAN])
            at += (size_t)snprintf(buf + at, n - at, ", %s %g%%", compare_families[f].name,
                                   100 * o->threshold[f]);
}

/* ---- text ------------------------------------------------------------------------------------ */

static void text_header(FILE *f, const compare_result *r, const results_file *b,
                        const results_file *n, const compare_opts *o)
{
    char th[256];
    thresholds_text(o, th, sizeof th);
    fprintf(f,
            "vpcsim compare: %s (seed %llu, %lld replications) -> %s (seed %llu, %lld "
            "replications)\n",
            o->base_path, (unsigned long long)b->seed, (long long)b->reps, o->new_path,
            (unsigned long long)n->seed, (long long)n->reps);
    fprintf(f, "method: %s; cost: Welch's t on the summary\n", method_text(r));
    fprintf(f, "%zu tests, Holm-Bonferroni at alpha %g (intervals at %g%%); same below %s\n", r->n,
            o->alpha, 100 * (1 - o->alpha), th);
    for (size_t i = 0; i < r->nwarnings; i++) fprintf(f, "warning: %s\n", r->warnings[i]);
}

enum { TEXT_COLS = 12, TEXT_CELL = 520 }; /* the longest cell: a sweep point's text */

/* The cells of test t's row (or the header when t is NULL). */
static void text_cells(const compare_test *t, const results_file *b, char (*c)[TEXT_CELL])
{
    static const char *const head[TEXT_COLS] = {"verdict", "point",    "architecture", "subject",
                                                "metric",  "unit",     "base",         "new",
                                                "change",  "relative", "p (Holm)",     "method"};
    char pt[512];
    if (!t) {
        for (int i = 0; i < TEXT_COLS; i++) snprintf(c[i], TEXT_CELL, "%s", head[i]);
        return;
    }
    compare_point_text(b, t->point, pt, sizeof pt);
    snprintf(c[0], TEXT_CELL, "%s", verdict_name[t->verdict]);
    snprintf(c[1], TEXT_CELL, "%s", pt[0] ? pt : "-");
    snprintf(c[2], TEXT_CELL, "%s", t->architecture);
    snprintf(c[3], TEXT_CELL, "%s", t->subject[0] ? t->subject : "-");
    snprintf(c[4], TEXT_CELL, "%s", t->metric);
    snprintf(c[5], TEXT_CELL, "%s", t->unit);
    num(t->base, c[6], TEXT_CELL);
    num(t->new_, c[7], TEXT_CELL);
    change_text(t, c[8], TEXT_CELL);
    rel_text(t, c[9], TEXT_CELL);
    num(t->p_adj, c[10], TEXT_CELL);
    snprintf(c[11], TEXT_CELL, "%s", method_name[t->method]);
}

/* Display width of UTF-8 text (the ± sign is one column). */
static int text_width(const char *s)
{
    int w = 0;
    for (; *s; s++) w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

static void text_row(FILE *f, char (*c)[TEXT_CELL], const int *width)
{
    for (int i = 0; i < TEXT_COLS; i++) {
        int pad = width[i] - text_width(c[i]);
        bool right = i >= 6 && i <= 10; /* numbers */
        if (i) fputs("  ", f);
        if (right)
            fprintf(f, "%*s%s", pad, "", c[i]);
        else
            fprintf(f, "%s%*s", c[i], i == TEXT_COLS - 1 ? 0 : pad, "");
    }
    fputc('\n', f);
}

static void text_print(FILE *f, const compare_result *r, const results_file *b,
                       const results_file *n, const compare_opts *o, const size_t *ix)
{
    char c[TEXT_COLS][TEXT_CELL];
    int width[TEXT_COLS] = {0};
    text_header(f, r, b, n, o);
    for (size_t k = 0; k <= r->n; k++) {
        text_cells(k ? &r->tests[ix[k - 1]] : NULL, b, c);
        for (int i = 0; i < TEXT_COLS; i++)
            if (text_width(c[i]) > width[i]) width[i] = text_width(c[i]);
    }
    fputc('\n', f);
    for (size_t k = 0; k <= r->n; k++) {
        text_cells(k ? &r->tests[ix[k - 1]] : NULL, b, c);
        text_row(f, c, width);
    }
    fprintf(f, "\n%zu worse, %zu better, %zu same\n", r->count[CMP_WORSE], r->count[CMP_BETTER],
            r->count[CMP_SAME]);
}

/* ---- Markdown -------------------------------------------------------------------------------- */

static void md_print(FILE *f, const compare_result *r, const results_file *b, const results_file *n,
                     const compare_opts *o, const size_t *ix)
{
    char th[256], pt[512], bb[32], nb[32], ch[64], rel[32], p[32];
    thresholds_text(o, th, sizeof th);
    fprintf(f, "### vpcsim compare: %zu worse, %zu better, %zu same\n\n", r->count[CMP_WORSE],
            r->count[CMP_BETTER], r->count[CMP_SAME]);
    fprintf(f,
            "`%s` (seed %llu, %lld replications) → `%s` (seed %llu, %lld replications); %s; "
            "%zu tests, Holm-Bonferroni at α = %g; changes below %s count as same.\n",
            o->base_path, (unsigned long long)b->seed, (long long)b->reps, o->new_path,
            (unsigned long long)n->seed, (long long)n->reps, method_text(r), r->n, o->alpha, th);
    for (size_t i = 0; i < r->nwarnings; i++) fprintf(f, "\n> **warning:** %s\n", r->warnings[i]);
    if (r->count[CMP_SAME] == r->n) {
        fputs("\nNo significant change.\n", f);
        return;
    }
    fprintf(f,
            "\n| verdict | point | architecture | subject | metric | base | new | change (%g%% "
            "CI) | relative | p (Holm) |\n|---|---|---|---|---|---:|---:|---:|---:|---:|\n",
            100 * (1 - o->alpha));
    for (size_t k = 0; k < r->n && r->tests[ix[k]].verdict != CMP_SAME; k++) {
        const compare_test *t = &r->tests[ix[k]];
        compare_point_text(b, t->point, pt, sizeof pt);
        fprintf(f, "| **%s** | %s | %s | %s | %s (%s) | %s | %s | %s | %s | %s |\n",
                verdict_name[t->verdict], pt[0] ? pt : "-", t->architecture,
                t->subject[0] ? t->subject : "-", t->metric, t->unit, num(t->base, bb, sizeof bb),
                num(t->new_, nb, sizeof nb), change_text(t, ch, sizeof ch),
                rel_text(t, rel, sizeof rel), num(t->p_adj, p, sizeof p));
    }
}

/* ---- JSON ------------------------------------------------------------------------------------ */

static json_object *file_doc(const results_file *f, const char *path)
{
    json_object *o = json_object_new_object();
    json_out_set(o, "file", json_out_string(path));
    json_out_set(o, "tool", json_out_string(f->tool));
    json_out_set(o, "scenario", json_out_string(f->name));
    json_out_set(o, "seed", json_object_new_uint64(f->seed));
    json_out_set(o, "replications", json_object_new_int64(f->reps));
    return o;
}

static json_object *test_doc(const compare_test *t, const results_file *b)
{
    char pt[512];
    json_object *o = json_object_new_object();
    json_out_set(o, "point", json_object_new_int64(t->point));
    json_out_set(o, "sweep", json_out_string(compare_point_text(b, t->point, pt, sizeof pt)));
    json_out_set(o, "architecture", json_out_string(t->architecture));
    json_out_set(o, "subject", json_out_string(t->subject));
    json_out_set(o, "metric", json_out_string(t->metric));
    json_out_set(o, "unit", json_out_string(t->unit));
    json_out_set(o, "higher_is_better",
                 json_object_new_boolean(compare_families[t->family].higher_better));
    json_out_set(o, "base", json_out_number(t->base));
    json_out_set(o, "new", json_out_number(t->new_));
    json_out_set(o, "difference", json_out_number(t->t.diff));
    json_out_set(o, "ci_low", json_out_number(t->t.diff - t->t.half));
    json_out_set(o, "ci_high", json_out_number(t->t.diff + t->t.half));
    json_out_set(o, "relative", json_out_number(t->relative));
    json_out_set(o, "p", json_out_number(t->t.p));
    json_out_set(o, "p_holm", json_out_number(t->p_adj));
    json_out_set(o, "method", json_out_string(method_name[t->method]));
    json_out_set(o, "n_base", json_object_new_int64((int64_t)t->n_base));
    json_out_set(o, "n_new", json_object_new_int64((int64_t)t->n_new));
    json_out_set(o, "verdict", json_out_string(verdict_name[t->verdict]));
    return o;
}

static int json_print(FILE *f, const compare_result *r, const results_file *b,
                      const results_file *n, const compare_opts *o, const size_t *ix)
{
    json_object *doc = json_object_new_object(), *th = json_object_new_object(),
                *warn = json_object_new_array(), *tests = json_object_new_array(),
                *counts = json_object_new_object();
    json_out_set(doc, "format", json_object_new_int(1));
    json_out_set(doc, "base", file_doc(b, o->base_path));
    json_out_set(doc, "new", file_doc(n, o->new_path));
    json_out_set(doc, "method", json_out_string(method_name[r->method]));
    json_out_set(doc, "correction", json_out_string("holm-bonferroni"));
    json_out_set(doc, "alpha", json_out_number(o->alpha));
    json_out_set(doc, "confidence", json_out_number(1 - o->alpha));
    for (int k = 0; k < FAM_COUNT; k++)
        if (o->metrics[k])
            json_out_set(th, compare_families[k].name, json_out_number(o->threshold[k]));
    json_out_set(doc, "thresholds", th);
    json_out_set(doc, "fail_on", json_out_string(o->fail_on_changed ? "changed" : "worse"));
    for (size_t i = 0; i < r->nwarnings; i++)
        json_object_array_add(warn, json_out_string(r->warnings[i]));
    json_out_set(doc, "warnings", warn);
    for (int v = 0; v < 3; v++)
        json_out_set(counts, verdict_name[v], json_object_new_int64((int64_t)r->count[v]));
    json_out_set(doc, "counts", counts);
    for (size_t k = 0; k < r->n; k++) json_object_array_add(tests, test_doc(&r->tests[ix[k]], b));
    json_out_set(doc, "tests", tests);
    return json_out_print(f, doc);
}

int compare_out_print(FILE *f, const compare_result *r, const results_file *b,
                      const results_file *n, const compare_opts *o)
{
    size_t *ix = order(r);
    int rc = ix ? 0 : -1;
    if (rc == 0 && o->format == CMP_JSON)
        rc = json_print(f, r, b, n, o, ix);
    else if (rc == 0 && o->format == CMP_MARKDOWN)
        md_print(f, r, b, n, o, ix);
    else if (rc == 0)
        text_print(f, r, b, n, o, ix);
    free(ix);
    return rc;
}
