/* Expectations (sim/cli/expect_eval.h) against the /summary rows: a handful of expectations x
 * points x architectures, each a scan of the rows. Utilisation covers every station of the
 * component (each AZ's part): the worst verdict counts. */
#include "cli/expect_eval.h"

#include <math.h>
#include <string.h>

typedef enum expect_verdict { EV_PASS, EV_INCONCLUSIVE, EV_FAIL, EV_NONE } expect_verdict;

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

static void print_one(FILE *f, const scenario_expect *e, size_t p, size_t npoints, const char *arch,
                      expect_verdict v, const summary_row *r)
{
    double k = e->metric == EXPECT_SUCCESS || e->metric == EXPECT_UTILISATION ? 100 : 1;
    const char *unit = k == 100 ? "%" : unit_of[e->metric];
    const char *subject = e->workload ? e->workload : e->component;
    fprintf(f, "  %s:%d:%d: %s", e->file, e->line, e->col, arch);
    if (npoints > 1) fprintf(f, ", sweep point %zu", p + 1);
    fprintf(f, ": %s%s%s %s %s: ", subject ? subject : "", subject ? " " : "",
            scenario_expect_metric_name(e->metric), e->below ? "below" : "above", e->bound_text);
    if (r && !isnan(r->mean) && !isnan(r->half_width))
        fprintf(f, "%.4g ± %.2g%s: ", k * r->mean, k * r->half_width, unit);
    else if (r && !isnan(r->mean))
        fprintf(f, "%.4g%s (one replication): ", k * r->mean, unit);
    fprintf(f, "%s\n", verdict_text[v]);
}

/* The verdict of e at point p in architecture arch: the worst over its rows. */
static expect_verdict eval_one(FILE *f, const scenario_expect *e, const summary_row *rows,
                               size_t nrows, size_t p, size_t npoints, const char *arch)
{
    expect_verdict worst = EV_PASS;
    const summary_row *at = NULL;
    for (size_t i = 0; i < nrows; i++) {
        if (!row_matches(e, &rows[i], p, arch)) continue;
        expect_verdict v = judge(e, &rows[i]);
        if (!at || v > worst) worst = v, at = &rows[i];
    }
    if (!at) worst = EV_NONE;
    print_one(f, e, p, npoints, arch, worst, at);
    return worst;
}

void expect_eval_print(FILE *f, const scenario *s, const summary_row *rows, size_t nrows,
                       size_t npoints, expect_counts *out)
{
    *out = (expect_counts){0};
    if (s->nexpects == 0) return;
    fputs("\nexpectations (95% interval against the bound)\n", f);
    for (size_t i = 0; i < s->nexpects; i++) {
        const scenario_expect *e = &s->expects[i];
        for (size_t p = 0; p < npoints; p++)
            for (size_t a = 0; a < s->narchs; a++) {
                if (e->architecture && strcmp(e->architecture, s->archs[a].name) != 0) continue;
                expect_verdict v = eval_one(f, e, rows, nrows, p, npoints, s->archs[a].name);
                if (v == EV_PASS)
                    out->pass++;
                else if (v == EV_FAIL)
                    out->fail++;
                else
                    out->inconclusive++;
            }
    }
    fprintf(f, "  %zu pass, %zu fail, %zu inconclusive\n", out->pass, out->fail, out->inconclusive);
}
