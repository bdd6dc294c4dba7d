/* Distributions: sample moments and quantiles against analytic values (GSL's CDFs and the
 * families' textbook means), the minimum shift, and each class of bad specification. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vpcsim/dist.h"

typedef struct fixture {
    config_doc *doc;
    dist_set *set;
    rng_stream *r;
} fixture;

static const dist *load(fixture *f, const char *yaml, vs_error *err)
{
    config_free(f->doc);
    f->doc = config_load_buffer(yaml, strlen(yaml), "d.yaml", err);
    assert_non_null(f->doc);
    return dist_read(f->set, config_find(config_root(f->doc), "d"), err);
}

static int setup(void **st)
{
    fixture *f = calloc(1, sizeof *f);
    f->set = dist_set_new();
    f->r = rng_new(17, "dist");
    *st = f;
    return 0;
}

static int teardown(void **st)
{
    fixture *f = *st;
    config_free(f->doc);
    dist_set_free(f->set);
    rng_free(f->r);
    free(f);
    return 0;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Draws n samples, sorted; returns their mean. */
static double draw(fixture *f, const dist *d, int64_t *v, size_t n)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++) sum += (double)(v[i] = dist_sample_ns(d, f->r));
    qsort(v, n, sizeof *v, cmp_i64);
    return sum / (double)n;
}

static void close_to(double got, double want, double rel)
{
    if (fabs(got - want) > rel * fabs(want))
        fail_msg("got %.6g, want %.6g (+-%.2g%%)", got, want, rel * 100);
}

enum { N = 200000 };

static void families_match_their_moments(void **st)
{
    fixture *f = *st;
    vs_error err = {{0}};
    static int64_t v[N];
    struct {
        const char *yaml;
        double mean_ns;
    } cases[] = {
        {"d: 250us", 250000},
        {"d: {dist: exponential, mean: 2ms}", 2e6},
        {"d: {dist: exponential, mean: 2ms, min: 1ms}", 3e6},
        {"d: {dist: uniform, low: 1ms, high: 3ms}", 2e6},
        {"d: {dist: lognormal, median: 20ms, sigma: 0.6}", 20e6 * exp(0.18)},
        {"d: {dist: gamma, shape: 2.5, mean: 4ms}", 4e6},
        {"d: {dist: weibull, shape: 1.5, scale: 1ms}", 1e6 * 0.9027452929509336}, /* G(1+2/3) */
        {"d: {dist: pareto, alpha: 3, scale: 1ms}", 1.5e6},
        {"d: {dist: normal, mean: 1ms, sd: 1ms}", 1e6 + 1e6 * 0.2419707245 / 0.8413447461},
        {"d: {dist: empirical, quantiles: [[0.5, 10ms], [1, 30ms]]}", 0.5 * 10e6 + 0.5 * 20e6},
        {"d: {dist: mixture, parts: [{weight: 99, dist: constant, value: 1ms}, "
         "{weight: 1, dist: constant, value: 101ms}]}",
         2e6},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const dist *d = load(f, cases[i].yaml, &err);
        if (!d) fail_msg("%s: %s", cases[i].yaml, err.msg);
        close_to(dist_mean_ns(d), cases[i].mean_ns, 1e-6);
        close_to(draw(f, d, v, N), cases[i].mean_ns, 0.02);
    }
}

static void lognormal_from_p50_p99_hits_both(void **st)
{
    fixture *f = *st;
    vs_error err;
    static int64_t v[N];
    const dist *d = load(f, "d: {dist: lognormal, p50: 12ms, p99: 105ms}", &err);
    assert_non_null(d);
    draw(f, d, v, N);
    close_to((double)v[N / 2 - 1], 12e6, 0.02);
    close_to((double)v[(size_t)(0.99 * N) - 1], 105e6, 0.04);
}

static void minimum_is_a_floor(void **st)
{
    fixture *f = *st;
    vs_error err;
    const dist *d = load(f, "d: {dist: normal, mean: 1us, sd: 5us, min: 40us}", &err);
    assert_non_null(d);
    for (int i = 0; i < 10000; i++) assert_true(dist_sample_ns(d, f->r) >= 40000);
}

static void bad_specifications(void **st)
{
    fixture *f = *st;
    vs_error err;
    struct {
        const char *yaml, *says;
    } cases[] = {
        {"d: {dist: cauchy, mean: 1ms}", "d.yaml:1:11: key 'dist'"},
        {"d: {dist: lognormal, median: 20ms, sigmaa: 0.6}", "did you mean 'sigma'"},
        {"d: {dist: lognormal, median: 20ms}", "missing required key 'sigma'"},
        {"d: {dist: lognormal, p50: 20ms, p99: 10ms}", "p99 must be greater than p50"},
        {"d: {dist: exponential, mean: 0ms}", "mean must be > 0"},
        {"d: {dist: exponential, mean: fast}", "expected a duration"},
        {"d: {dist: uniform, low: 3ms, high: 1ms}", "high must be >= low"},
        {"d: {dist: empirical, quantiles: [[0.5, 10ms], [0.9, 30ms]]}",
         "last quantile must have p = 1"},
        {"d: {dist: empirical, quantiles: [[0.5, 10ms], [0.4, 30ms], [1, 40ms]]}", "must increase"},
        {"d: {dist: empirical, quantiles: [0.5]}", "expected a pair [p, value]"},
        {"d: {dist: exponential, mean: 1ms, weight: 3}", "unknown key 'weight'"},
        {"d: {dist: mixture, parts: [{dist: constant, value: 1ms}]}",
         "missing required key 'weight'"},
        {"d: [1ms]", "expected a duration or a distribution map"},
        {"d: {dist: exponential, mean: 1ms, min: -1ms}", "key 'min': expected a duration >= 0"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memset(&err, 0, sizeof err);
        assert_null(load(f, cases[i].yaml, &err));
        if (!strstr(err.msg, cases[i].says)) fail_msg("%s: got '%s'", cases[i].yaml, err.msg);
        assert_non_null(strstr(err.msg, "d.yaml:1:"));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(families_match_their_moments, setup, teardown),
        cmocka_unit_test_setup_teardown(lognormal_from_p50_p99_hits_both, setup, teardown),
        cmocka_unit_test_setup_teardown(minimum_is_a_floor, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_specifications, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
