/* The comparison of two results files (sim/cli/compare.h): which figures both files have, and a
 * test of each difference. Per-replication values come from the per-run tables (paired when both
 * files share seed and replications: replication r of both ran on the same random streams), the
 * monthly cost from /summary (mean, half-width, n: Welch). Holm-Bonferroni over every test keeps
 * the family-wise false-alarm rate at alpha however many figures there are. */
#include "cli/compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const compare_family_def compare_families[FAM_COUNT] = {
    [FAM_MEAN] = {"mean", "mean", false},
    [FAM_P50] = {"p50", "p50", false},
    [FAM_P90] = {"p90", "p90", false},
    [FAM_P99] = {"p99", "p99", false},
    [FAM_P999] = {"p99.9", "p99.9", false},
    [FAM_SUCCESS] = {"success", "success_ratio", true},
    [FAM_COMPLETED] = {"completed", "completed", true},
    [FAM_FAILURES] = {"failures", "failed_", false},
    [FAM_UTILISATION] = {"utilisation", "utilisation", false},
    [FAM_COST] = {"cost", "monthly_total", false},
};

/* The family of a metric, or FAM_COUNT when compare does not test it. */
static compare_family family_of(const char *metric)
{
    for (int f = 0; f < FAM_COUNT; f++) {
        const char *m = compare_families[f].metric;
        if (f == FAM_FAILURES ? strncmp(metric, m, strlen(m)) == 0 : strcmp(metric, m) == 0)
            return (compare_family)f;
    }
    return FAM_COUNT;
}

const char *compare_point_text(const results_file *f, uint32_t p, char *buf, size_t n)
{
    size_t at = 0;
    buf[0] = 0;
    for (size_t k = 0; k < f->nkeys && p < (uint32_t)f->points && at < n; k++) {
        const h5_sweep_row *s = &f->sweep[(size_t)p * f->nkeys + k];
        at += (size_t)snprintf(buf + at, n - at, "%s%s=%s", k ? ", " : "", s->parameter, s->value);
    }
    return buf;
}

/* ---- what both files have -------------------------------------------------------------------- */

static void warn(compare_result *r, const char *what, const char *name)
{
    if (r->nwarnings < sizeof r->warnings / sizeof r->warnings[0])
        snprintf(r->warnings[r->nwarnings++], sizeof r->warnings[0], "%.80s: %.500s", what, name);
}

static bool has_arch(const results_file *f, const char *name)
{
    for (size_t a = 0; a < f->narchs; a++)
        if (strcmp(f->archs[a], name) == 0) return true;
    return false;
}

/* Whether point p of a and point q of b have the same swept keys and values. */
static bool same_point(const results_file *a, uint32_t p, const results_file *b, uint32_t q)
{
    if (a->nkeys != b->nkeys) return false;
    for (size_t k = 0; k < a->nkeys; k++) {
        const h5_sweep_row *x = &a->sweep[p * a->nkeys + k], *y = &b->sweep[q * b->nkeys + k];
        if (strcmp(x->parameter, y->parameter) || strcmp(x->value, y->value)) return false;
    }
    return true;
}

/* map[q]: the base point of new point q, or -1. Returns how many points map. */
static size_t map_points(const results_file *b, const results_file *n, int64_t *map)
{
    size_t matched = 0;
    for (int64_t q = 0; q < n->points; q++) {
        map[q] = -1;
        for (int64_t p = 0; p < b->points && map[q] < 0; p++)
            if (same_point(b, (uint32_t)p, n, (uint32_t)q)) map[q] = p, matched++;
    }
    return matched;
}

/* What makes the files incomparable, or NULL: a reason that --partial turns into a warning. */
static int check_same(const results_file *b, const results_file *n, int64_t *map,
                      const compare_opts *o, compare_result *r, vs_error *err)
{
    char why[3][300];
    size_t nwhy = 0, matched = map_points(b, n, map);
    if (strcmp(b->name, n->name) != 0)
        snprintf(why[nwhy++], sizeof why[0], "different scenarios ('%.100s' and '%.100s')", b->name,
                 n->name);
    if (strcmp(b->tool, n->tool) != 0)
        snprintf(why[nwhy++], sizeof why[0], "written by different versions (%.100s and %.100s)",
                 b->tool, n->tool);
    bool archs = b->narchs == n->narchs;
    for (size_t a = 0; a < n->narchs; a++) archs &= has_arch(b, n->archs[a]);
    if (!archs)
        snprintf(why[nwhy++], sizeof why[0],
                 "different architectures (%zu and %zu, not the same "
                 "names)",
                 b->narchs, n->narchs);
    if (nwhy < 3 && (matched != (size_t)n->points || b->points != n->points))
        snprintf(why[nwhy++], sizeof why[0], "different sweeps (%lld and %lld points, %zu alike)",
                 (long long)b->points, (long long)n->points, matched);
    if (nwhy && !o->partial)
        return error_set(err,
                         "%s and %s cannot be compared: %s%s%s (--partial compares what "
                         "they share)",
                         o->base_path, o->new_path, why[0], nwhy > 1 ? "; " : "",
                         nwhy > 1 ? why[1] : ""),
               2;
    for (size_t i = 0; i < nwhy; i++) warn(r, "compared on what both files share", why[i]);
    if (matched == 0)
        return error_set(err, "%s and %s share no sweep point", o->base_path, o->new_path), 2;
    return 0;
}

/* ---- per-replication series ------------------------------------------------------------------ */

static int value_cmp(const void *x, const void *y)
{
    const run_value *a = x, *b = y;
    int c = (a->point > b->point) - (a->point < b->point);
    if (!c) c = strcmp(a->architecture, b->architecture);
    if (!c) c = strcmp(a->subject, b->subject);
    if (!c) c = strcmp(a->metric, b->metric);
    if (!c) c = (a->rep > b->rep) - (a->rep < b->rep);
    return c;
}

static bool same_key(const run_value *a, const run_value *b)
{
    return a->point == b->point && !strcmp(a->architecture, b->architecture) &&
           !strcmp(a->subject, b->subject) && !strcmp(a->metric, b->metric);
}

/* Keeps the values of families asked for, on points and architectures both files have (the new
 * file's points renumbered as the base's), sorted by figure then replication. */
static void keep_values(run_values *v, const int64_t *map, const results_file *other,
                        const compare_opts *o)
{
    size_t k = 0;
    for (size_t i = 0; i < v->n; i++) {
        run_value x = v->v[i];
        compare_family f = family_of(x.metric);
        if (f == FAM_COUNT || !o->metrics[f] || !has_arch(other, x.architecture)) continue;
        if (map) {
            if (map[x.point] < 0) continue;
            x.point = (uint32_t)map[x.point];
        }
        v->v[k++] = x;
    }
    v->n = k;
    qsort(v->v, v->n, sizeof *v->v, value_cmp);
}

static size_t group_end(const run_values *v, size_t i)
{
    size_t j = i + 1;
    while (j < v->n && same_key(&v->v[i], &v->v[j])) j++;
    return j;
}

/* Mean, sd and count of the non-NaN values of a group. */
static stats_interval group_stats(const run_value *g, size_t n, double *scratch)
{
    size_t k = 0;
    stats_interval s = {NAN, NAN, NAN, 0};
    for (size_t i = 0; i < n; i++)
        if (!isnan(g[i].value)) scratch[k++] = g[i].value;
    if (k) stats_mean_ci(scratch, k, 0.95, &s);
    if (k == 1) s.sd = NAN;
    return s;
}

/* The paired test of two groups: replications present in both with a value. */
static void test_paired(compare_test *t, const run_value *b, size_t nb, const run_value *n,
                        size_t nn, double level, double *xs, double *ys)
{
    size_t k = 0;
    for (size_t i = 0; i < nb; i++)
        for (size_t j = 0; j < nn; j++)
            if (b[i].rep == n[j].rep && !isnan(b[i].value) && !isnan(n[j].value))
                xs[k] = b[i].value, ys[k++] = n[j].value;
    stats_paired_test(xs, ys, k, level, &t->t);
    t->n_base = t->n_new = k;
}

static int add_test(compare_result *r, const compare_test *t)
{
    compare_test x = *t;
    /* the same constant in both files (no failures, every call answered): nothing to test, and
     * not counted in the correction */
    if (x.t.diff == 0 && x.t.half == 0) x.t.p = NAN, x.t.half = NAN;
    t = &x;
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 128;
        compare_test *g = realloc(r->tests, cap * sizeof *g);
        if (!g) return -1;
        r->tests = g, r->cap = cap;
    }
    r->tests[r->n++] = *t;
    return 0;
}

static compare_test test_head(const run_value *v, compare_method m)
{
    compare_test t = {.point = v->point, .family = family_of(v->metric), .method = m};
    snprintf(t.architecture, sizeof t.architecture, "%s", v->architecture);
    snprintf(t.subject, sizeof t.subject, "%s", v->subject);
    snprintf(t.metric, sizeof t.metric, "%s", v->metric);
    snprintf(t.unit, sizeof t.unit, "%s", v->unit);
    return t;
}

/* One test per figure both value lists have. */
static int test_runs(const run_values *b, const run_values *n, const compare_opts *o,
                     compare_result *r, size_t reps)
{
    double *xs = malloc(2 * (reps + 1) * sizeof *xs), *ys = xs + reps + 1;
    size_t i = 0, j = 0;
    if (!xs) return -1;
    while (i < b->n && j < n->n) {
        size_t ie = group_end(b, i), je = group_end(n, j);
        run_value kb = b->v[i], kn = n->v[j];
        kb.rep = kn.rep = 0;
        int c = value_cmp(&kb, &kn);
        if (c < 0) {
            i = ie;
            continue;
        }
        if (c > 0) {
            j = je;
            continue;
        }
        compare_test t = test_head(&b->v[i], r->method);
        stats_interval sb = group_stats(b->v + i, ie - i, xs),
                       sn = group_stats(n->v + j, je - j, xs);
        t.base = sb.mean, t.new_ = sn.mean;
        if (r->method == CMP_PAIRED)
            test_paired(&t, b->v + i, ie - i, n->v + j, je - j, 1 - o->alpha, xs, ys);
        else {
            stats_welch(sb.mean, sb.sd, sb.n, sn.mean, sn.sd, sn.n, 1 - o->alpha, &t.t);
            t.n_base = sb.n, t.n_new = sn.n;
        }
        if (add_test(r, &t)) return free(xs), -1;
        i = ie, j = je;
    }
    free(xs);
    return 0;
}

/* The monthly cost of every architecture and point, from /summary (Welch on mean, half-width
 * and n: the file keeps no per-replication bill). */
static int test_costs(const results_file *b, const results_file *n, const int64_t *map,
                      const compare_opts *o, compare_result *r)
{
    if (!o->metrics[FAM_COST]) return 0;
    for (size_t i = 0; i < b->nrows; i++) {
        const summary_row *x = &b->rows[i];
        if (strcmp(x->metric, "monthly_total") || x->subject[0]) continue;
        for (size_t k = 0; k < n->nrows; k++) {
            const summary_row *y = &n->rows[k];
            if (strcmp(y->metric, "monthly_total") || y->subject[0] || map[y->point] != x->point ||
                strcmp(x->architecture, y->architecture))
                continue;
            run_value v = {.point = x->point};
            snprintf(v.architecture, sizeof v.architecture, "%s", x->architecture);
            snprintf(v.metric, sizeof v.metric, "%s", x->metric);
            snprintf(v.unit, sizeof v.unit, "%s", x->unit);
            compare_test t = test_head(&v, CMP_WELCH);
            t.base = x->mean, t.new_ = y->mean, t.n_base = x->n, t.n_new = y->n;
            stats_welch(x->mean, stats_sd_of_half(x->half_width, x->n, RUN_LEVEL), x->n, y->mean,
                        stats_sd_of_half(y->half_width, y->n, RUN_LEVEL), y->n, 1 - o->alpha, &t.t);
            if (add_test(r, &t)) return -1;
        }
    }
    return 0;
}

/* ---- verdicts -------------------------------------------------------------------------------- */

static void judge(compare_test *t, const compare_opts *o)
{
    double d = t->t.diff, base = fabs(t->base);
    t->relative = base > 0 ? d / base : d == 0 ? 0 : copysign(INFINITY, d);
    t->verdict = CMP_SAME;
    if (isnan(t->p_adj) || !(t->p_adj < o->alpha) || d == 0) return;
    if (fabs(d) < o->threshold[t->family] * base) return; /* significant, but too small to matter */
    bool up_good = compare_families[t->family].higher_better;
    t->verdict = (d > 0) == up_good ? CMP_BETTER : CMP_WORSE;
}

static int judge_all(compare_result *r, const compare_opts *o)
{
    double *p = malloc((r->n + 1) * 2 * sizeof *p), *adj = p + r->n + 1;
    if (!p) return -1;
    for (size_t i = 0; i < r->n; i++) p[i] = r->tests[i].t.p;
    if (stats_holm(p, r->n, adj)) return free(p), -1;
    for (size_t i = 0; i < r->n; i++) {
        r->tests[i].p_adj = adj[i];
        judge(&r->tests[i], o);
        r->count[r->tests[i].verdict]++;
    }
    free(p);
    return 0;
}

int compare_files(results_file *b, results_file *n, const compare_opts *o, compare_result *out,
                  vs_error *err)
{
    int64_t *map = calloc((size_t)n->points + 1, sizeof *map);
    run_values vb = {0}, vn = {0};
    int rc = map ? 0 : error_set(err, "out of memory");
    memset(out, 0, sizeof *out);
    if (rc == 0) rc = check_same(b, n, map, o, out, err);
    out->method = b->seed == n->seed && b->reps == n->reps ? CMP_PAIRED : CMP_WELCH;
    if (rc == 0 && (results_file_runs(b, &vb, err) || results_file_runs(n, &vn, err))) rc = -1;
    if (rc == 0) {
        keep_values(&vb, NULL, n, o);
        keep_values(&vn, map, b, o);
        size_t reps = (size_t)(b->reps > n->reps ? b->reps : n->reps);
        if (test_runs(&vb, &vn, o, out, reps) || test_costs(b, n, map, o, out) || judge_all(out, o))
            rc = error_set(err, "out of memory");
    }
    run_values_free(&vb), run_values_free(&vn);
    free(map);
    return rc;
}

void compare_result_free(compare_result *r)
{
    free(r->tests);
    memset(r, 0, sizeof *r);
}
