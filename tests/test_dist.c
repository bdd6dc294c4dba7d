/* Distributions: sample moments and quantiles against analytic values (GSL's CDFs and the
 * families' textbook means), shift and truncation (min, max) with the lower bound lookaheads use,
 * each class of bad specification, and the shipped defaults' effective quantiles against the
 * basis ranges written beside them in experiments/defaults/aws-us-east-1.yaml. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <gsl/gsl_cdf.h>

#include "vpcsim/dist.h"
#include "vpcsim/units.h"

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
        {"d: {dist: exponential, mean: 2ms, shift: 1ms}", 3e6},
        /* truncated exponential: memoryless above min, so min + mean */
        {"d: {dist: exponential, mean: 2ms, min: 1ms}", 3e6},
        /* uniform cut to [1.5ms, 2ms] by min and max */
        {"d: {dist: uniform, low: 1ms, high: 3ms, min: 1.5ms, max: 2ms}", 1.75e6},
        {"d: {dist: uniform, low: 1ms, high: 3ms, shift: 1ms, max: 3ms}", 2.5e6},
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

/* E[X | a <= X <= b] of a lognormal (mu, s): the textbook partial-moment formula. */
static double lognormal_truncated_mean(double mu, double s, double a, double b)
{
    double la = log(a), lb = log(b);
    return exp(mu + s * s / 2) *
           (gsl_cdf_ugaussian_P((lb - mu - s * s) / s) -
            gsl_cdf_ugaussian_P((la - mu - s * s) / s)) /
           (gsl_cdf_ugaussian_P((lb - mu) / s) - gsl_cdf_ugaussian_P((la - mu) / s));
}

/* min and max truncate: every sample inside, no atom at a bound, the conditional distribution's
 * median and mean (GSL's lognormal quantile and the partial-moment formula). */
static void min_and_max_truncate(void **st)
{
    fixture *f = *st;
    vs_error err;
    static int64_t v[N];
    const dist *d =
        load(f, "d: {dist: lognormal, median: 10ms, sigma: 0.5, min: 8ms, max: 20ms}", &err);
    assert_non_null(d);
    double mu = log(10e6), fa = gsl_cdf_lognormal_P(8e6, mu, 0.5),
           fb = gsl_cdf_lognormal_P(20e6, mu, 0.5);
    double median = gsl_cdf_lognormal_Pinv((fa + fb) / 2, mu, 0.5),
           mean = lognormal_truncated_mean(mu, 0.5, 8e6, 20e6);
    double got_mean = draw(f, d, v, N);
    assert_true(v[0] >= 8000000 && v[N - 1] <= 20000000);
    size_t at_floor = 0;
    while (at_floor < N && v[at_floor] < 8000100) at_floor++; /* within 100 ns of min */
    assert_true(at_floor < N / 1000);                         /* resampled, not clamped */
    close_to((double)v[N / 2 - 1], median, 0.01);
    close_to(got_mean, mean, 0.01);
    close_to(dist_mean_ns(d), mean, 1e-5);
    close_to(dist_quantile_ns(d, 0.5), median, 1e-5);
    close_to(dist_cdf(d, median), 0.5, 1e-9);
}

/* The least sample, which the engine's lookaheads rely on: shift, the family's bound, min. */
static void least_sample_bounds_every_draw(void **st)
{
    fixture *f = *st;
    vs_error err;
    struct {
        const char *yaml;
        int64_t least_ns;
    } cases[] = {
        {"d: {dist: lognormal, median: 1ms, sigma: 0.5}", 0},
        {"d: {dist: lognormal, median: 1ms, sigma: 0.5, shift: 200us}", 200000},
        {"d: {dist: lognormal, median: 1ms, sigma: 0.5, min: 300us}", 300000},
        {"d: {dist: lognormal, median: 1ms, sigma: 0.5, shift: 200us, min: 300us}", 300000},
        {"d: {dist: uniform, low: 2ms, high: 3ms, shift: 1ms}", 3000000},
        {"d: {dist: uniform, low: 2ms, high: 3ms, shift: 1ms, min: 500us}", 3000000},
        {"d: {dist: pareto, alpha: 2, scale: 5ms, shift: 1ms}", 6000000},
        {"d: {dist: mixture, parts: [{weight: 1, dist: constant, value: 4ms}, "
         "{weight: 1, dist: exponential, mean: 1ms, min: 2ms}]}",
         2000000},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const dist *d = load(f, cases[i].yaml, &err);
        if (!d) fail_msg("%s: %s", cases[i].yaml, err.msg);
        assert_int_equal(dist_min_ns(d), cases[i].least_ns);
        for (int k = 0; k < 20000; k++) assert_true(dist_sample_ns(d, f->r) >= cases[i].least_ns);
    }
}

/* dist_quantile_ns against GSL's inverse CDFs, shifted, and against a sample's quantiles. */
static void quantiles_match_gsl(void **st)
{
    fixture *f = *st;
    vs_error err;
    static int64_t v[N];
    const dist *d = load(f, "d: {dist: lognormal, median: 20ms, sigma: 0.6, shift: 1ms}", &err);
    assert_non_null(d);
    close_to(dist_quantile_ns(d, 0.99), 1e6 + gsl_cdf_lognormal_Pinv(0.99, log(20e6), 0.6), 1e-6);
    d = load(f, "d: {dist: gamma, shape: 2.5, mean: 4ms}", &err);
    close_to(dist_quantile_ns(d, 0.9), gsl_cdf_gamma_Pinv(0.9, 2.5, 1.6e6), 1e-6);
    d = load(f, "d: {dist: weibull, shape: 1.5, scale: 1ms}", &err);
    close_to(dist_quantile_ns(d, 0.5), gsl_cdf_weibull_Pinv(0.5, 1e6, 1.5), 1e-6);
    d = load(f,
             "d: {dist: mixture, parts: [{weight: 0.99, dist: lognormal, median: 4ms, sigma: "
             "0.5}, {weight: 0.01, dist: pareto, alpha: 2, scale: 10ms}]}",
             &err);
    draw(f, d, v, N);
    close_to(dist_quantile_ns(d, 0.5), (double)v[N / 2 - 1], 0.01);
    close_to(dist_quantile_ns(d, 0.99), (double)v[(size_t)(0.99 * N) - 1], 0.03);
}

/* Reads "pNN in [LOW, HIGH]" from a basis text; returns 0 when absent, 1 when read. */
static int basis_range(const char *basis, const char *q, double *lo, double *hi)
{
    char key[16], a[32], b[32];
    snprintf(key, sizeof key, "%s in [", q);
    const char *at = strstr(basis, key);
    int64_t x, y;
    vs_error err;
    if (!at) return 0;
    if (sscanf(at + strlen(key), "%31[^,], %31[^]]", a, b) != 2 ||
        units_parse_duration(a, &x, &err) || units_parse_duration(b, &y, &err))
        fail_msg("cannot read the %s range in: %s", q, basis);
    *lo = (double)x, *hi = (double)y;
    return 1;
}

/* One default: its effective p50 (and p99 where the basis gives one) inside the basis range. */
static void check_default(fixture *f, const char *kind, const char *key, const config_node *e)
{
    vs_error err;
    const char *basis = config_scalar(config_find(e, "basis"));
    const dist *d = dist_read(f->set, config_find(e, "value"), &err);
    double lo, hi;
    if (!d) fail_msg("%s.%s: %s", kind, key, err.msg);
    if (!basis_range(basis, "p50", &lo, &hi))
        fail_msg("%s.%s: its basis gives no \"p50 in [LOW, HIGH]\": %s", kind, key, basis);
    for (double p = 0.5; p < 1; p = p < 0.9 ? 0.99 : 1) {
        double got = dist_quantile_ns(d, p);
        if (p == 0.99 && !basis_range(basis, "p99", &lo, &hi)) break;
        if (!(got >= lo && got <= hi))
            fail_msg("%s.%s: effective p%g = %.4g us, outside its basis [%.4g, %.4g] us", kind, key,
                     p * 100, got / 1e3, lo / 1e3, hi / 1e3);
        print_message("%-24s %-14s p%-3g %10.1f us in [%g, %g] us\n", kind, key, p * 100, got / 1e3,
                      lo / 1e3, hi / 1e3);
    }
}

/* Every distribution in the shipped defaults (a map value) states the range its effective
 * median and p99 must fall in; quantiles are computed from the CDF (shift and truncation in). */
static void defaults_match_their_basis(void **st)
{
    fixture *f = *st;
    char path[4096];
    vs_error err;
    const char *src = getenv("VPCSIM_SOURCE_DIR");
    assert_non_null(src);
    snprintf(path, sizeof path, "%s/experiments/defaults/aws-us-east-1.yaml", src);
    config_doc *doc = config_load_file(path, &err);
    if (!doc) fail_msg("%s", err.msg);
    const config_node *kinds = config_find(config_root(doc), "kinds");
    int checked = 0;
    for (size_t k = 0; k < config_len(kinds); k++) {
        const config_node *params = config_at(kinds, k);
        for (size_t i = 0; i < config_len(params); i++) {
            const config_node *e = config_at(params, i);
            if (config_kind_of(config_find(e, "value")) != CONFIG_KIND_MAP) continue;
            check_default(f, config_scalar(config_key_at(kinds, k)),
                          config_scalar(config_key_at(params, i)), e);
            checked++;
        }
    }
    assert_true(checked >= 20); /* every latency distribution of the file */
    config_free(doc);
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
        {"d: {dist: exponential, mean: 1ms, min: -1ms}", "expected a duration >= 0"},
        {"d: {dist: exponential, mean: 1ms, shift: -1ms}", "expected a duration >= 0"},
        {"d: {dist: exponential, mean: 1ms, min: 2ms, max: 2ms}", "max must be greater than min"},
        {"d: {dist: normal, mean: 1us, sd: 5us, min: 40us}",
         "of the distribution; at least 0.001 is needed"},
        {"d: {dist: constant, value: 1ms, max: 500us}", "[min, max] keeps 0 of the distribution"},
        {"d: {dist: exponential, mean: 1ms, floor: 1ms}", "unknown key 'floor'"},
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
        cmocka_unit_test_setup_teardown(min_and_max_truncate, setup, teardown),
        cmocka_unit_test_setup_teardown(least_sample_bounds_every_draw, setup, teardown),
        cmocka_unit_test_setup_teardown(quantiles_match_gsl, setup, teardown),
        cmocka_unit_test_setup_teardown(defaults_match_their_basis, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_specifications, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
