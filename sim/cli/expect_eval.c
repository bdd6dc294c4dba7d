/* Expectations (sim/cli/expect_eval.h) against the /summary rows: a handful of expectations x
 * points x architectures, each a scan of the rows. Utilisation covers every station of the
 * component (each AZ's part): the worst verdict counts. */
#include "cli/expect_eval.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const verdict_text[] = {
    [EV_PASS] = "pass",
    [EV_INCONCLUSIVE] = "inconclusive: needs more replications",
    [EV_FAIL] = "FAIL",
    [EV_NONE] = "inconclusive: no value",
};

static const char *const unit_of[EXPECT_METRIC_COUNT] = {
    [EXPECT_MEAN] = "ms",      [EXPECT_P50] = "ms",    [EXPECT_P90] = "ms",
    [EXPECT_P99] = "ms",       [EXPECT_P999] = "ms",   [EXPECT_SUCCESS] = "",
    [EXPECT_COMPLETED] = "/s", [EXPECT_COST] = " USD", [EXPECT_UTILISATION] = "",
};

static expect_verdict judge(const scenario_expect *e, const summary_row *r)
{
    if (isnan(r->mean)) return EV_NONE;
    if (isnan(r->half_width)) return EV_INCONCLUSIVE; /* one replication: no interval */
    double lo = r->mean - r->half_width, hi = r->mean + r->half_width;
    if (e->below) return hi < e->bound ? EV_PASS : lo > e->bound ? EV_FAIL : EV_INCONCLUSIVE;
    return lo > e->bound ? EV_PASS : hi < e->bound ? EV_FAIL : EV_INCONCLUSIVE;
}

/* Whether station name (kind-with-dashes/instance/AZ) is the expectation's component
 * ("nat_gateway/nat-a": every AZ's part; "nat_gateway": every instance). */
static bool station_of(const char *component, const char *name)
{
    char want[200];
    size_t n = (size_t)snprintf(want, sizeof want, "%s/", component);
    for (char *c = want; *c && *c != '/'; c++)
        if (*c == '_') *c = '-';
    return n < sizeof want && strncmp(name, want, n) == 0;
}

static bool row_matches(const scenario_expect *e, const summary_row *r, size_t p, const char *arch)
{
    if (r->point != p || strcmp(r->architecture, arch) != 0 ||
        strcmp(r->metric, scenario_expect_summary_metric(e->metric)) != 0)
        return false;
    if (e->metric == EXPECT_UTILISATION) return station_of(e->component, r->subject);
    return strcmp(r->subject, e->workload ? e->workload : "") == 0;
}

static void print_one(FILE *f, const expect_result *x, size_t npoints)
{
    const scenario_expect *e = x->e;
    double k = e->metric == EXPECT_SUCCESS || e->metric == EXPECT_UTILISATION ? 100 : 1;
    const char *unit = k == 100 ? "%" : unit_of[e->metric];
    const char *subject = e->workload ? e->workload : e->component;
    fprintf(f, "  %s: %s", x->where, x->architecture);
    if (npoints > 1) fprintf(f, ", sweep point %zu", x->point + 1);
    fprintf(f, ": %s%s%s %s %s: ", subject ? subject : "", subject ? " " : "",
            scenario_expect_metric_name(e->metric), e->below ? "below" : "above", e->bound_text);
    if (!isnan(x->mean) && !isnan(x->half))
        fprintf(f, "%.4g ± %.2g%s: ", k * x->mean, k * x->half, unit);
    else if (!isnan(x->mean))
        fprintf(f, "%.4g%s (one replication): ", k * x->mean, unit);
    fprintf(f, "%s\n", verdict_text[x->verdict]);
}

/* The verdict of e at point p in architecture arch: the worst over its rows. */
static expect_result eval_one(const scenario_expect *e, const summary_row *rows, size_t nrows,
                              size_t p, const char *arch)
{
    expect_result x = {.e = e, .point = p, .architecture = arch, .mean = NAN, .half = NAN};
    const summary_row *at = NULL;
    for (size_t i = 0; i < nrows; i++) {
        if (!row_matches(e, &rows[i], p, arch)) continue;
        expect_verdict v = judge(e, &rows[i]);
        if (!at || v > x.verdict) x.verdict = v, at = &rows[i];
    }
    if (!at)
        x.verdict = EV_NONE;
    else
        x.mean = at->mean, x.half = at->half_width;
    return x;
}

/* "file:line:col" of e, translated back through the --set patches. */
static void where_of(const scenario_expect *e, const scenario_patch_map *map, char *buf, size_t n)
{
    vs_error pos = {""};
    snprintf(pos.msg, sizeof pos.msg, "%s:%d:%d: ", e->file, e->line, e->col);
    scenario_patch_translate(map, &pos);
    size_t len = strlen(pos.msg);
    snprintf(buf, n, "%.*s", (int)(len >= 2 ? len - 2 : len), pos.msg);
}

int expect_eval_run(const scenario *s, const scenario_patch_map *map, const summary_row *rows,
                    size_t nrows, size_t npoints, expect_results *out)
{
    *out = (expect_results){0};
    size_t cap = s->nexpects * npoints * s->narchs;
    if (cap == 0) return 0;
    if (!(out->r = calloc(cap, sizeof *out->r))) return -1;
    for (size_t i = 0; i < s->nexpects; i++)
        for (size_t p = 0; p < npoints; p++)
            for (size_t a = 0; a < s->narchs; a++) {
                const scenario_expect *e = &s->expects[i];
                if (e->architecture && strcmp(e->architecture, s->archs[a].name) != 0) continue;
                expect_result x = eval_one(e, rows, nrows, p, s->archs[a].name);
                where_of(e, map, x.where, sizeof x.where);
                out->r[out->n++] = x;
                if (x.verdict == EV_PASS)
                    out->pass++;
                else if (x.verdict == EV_FAIL)
                    out->fail++;
                else
                    out->inconclusive++;
            }
    return 0;
}

void expect_eval_print(FILE *f, const expect_results *r, size_t npoints)
{
    if (r->n == 0) return;
    fputs("\nexpectations (95% interval against the bound)\n", f);
    for (size_t i = 0; i < r->n; i++) print_one(f, &r->r[i], npoints);
    fprintf(f, "  %zu pass, %zu fail, %zu inconclusive\n", r->pass, r->fail, r->inconclusive);
}

void expect_eval_warn(FILE *f, const expect_results *r)
{
    if (r->inconclusive)
        fprintf(f,
                "vpcsim run: warning: %zu expectation%s inconclusive: more replications narrow "
                "the intervals\n",
                r->inconclusive, r->inconclusive == 1 ? "" : "s");
    if (r->fail)
        fprintf(f, "vpcsim run: %zu expectation%s failed\n", r->fail, r->fail == 1 ? "" : "s");
}

json_object *expect_eval_json(const expect_results *r)
{
    static const char *const verdict_word[] = {[EV_PASS] = "pass",
                                               [EV_INCONCLUSIVE] = "inconclusive",
                                               [EV_FAIL] = "fail",
                                               [EV_NONE] = "inconclusive"};
    json_object *a = json_object_new_array();
    for (size_t i = 0; i < r->n; i++) {
        const expect_result *x = &r->r[i];
        json_object *o = json_object_new_object();
        json_out_set(o, "where", json_out_string(x->where));
        json_out_set(o, "point", json_object_new_int64((int64_t)x->point));
        json_out_set(o, "architecture", json_out_string(x->architecture));
        json_out_set(o, "subject",
                     x->e->workload    ? json_out_string(x->e->workload)
                     : x->e->component ? json_out_string(x->e->component)
                                       : NULL);
        json_out_set(o, "metric", json_out_string(scenario_expect_metric_name(x->e->metric)));
        json_out_set(o, "bound", json_out_number(x->e->bound));
        json_out_set(o, "below", json_object_new_boolean(x->e->below));
        json_out_set(o, "mean", json_out_number(x->mean));
        json_out_set(o, "half_width", json_out_number(x->half));
        json_out_set(o, "verdict", json_out_string(verdict_word[x->verdict]));
        json_object_array_add(a, o);
    }
    return a;
}

void expect_eval_free(expect_results *r)
{
    free(r->r);
    *r = (expect_results){0};
}
