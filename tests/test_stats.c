/* Histogram against exact quantiles of the same data (sorted-array oracle), merge, bounds; and
 * confidence intervals against published values (R's t.test on 1:10); Welch, paired t and Holm
 * against SciPy and a hand count. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "vpcsim/hist.h"
#include "vpcsim/rng.h"
#include "vpcsim/stats.h"

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int64_t exact_quantile(const int64_t *sorted, size_t n, double q)
{
    size_t rank = (size_t)ceil(q * (double)n);
    return sorted[rank ? rank - 1 : 0];
}

static void quantiles_within_one_percent(void **st)
{
    (void)st;
    const size_t n = 200000;
    int64_t *v = malloc(n * sizeof *v);
    hist *h = hist_new();
    rng_stream *r = rng_new(1, "hist");
    for (size_t i = 0; i < n; i++) { /* lognormal around 20 ms with a heavy tail, in ns */
        v[i] = (int64_t)rng_lognormal(r, log(20e6), 0.8);
        if (i % 100 == 0) v[i] = (int64_t)(rng_pareto(r, 2.0, 1e8));
        hist_record(h, v[i]);
    }
    qsort(v, n, sizeof *v, cmp_i64);
    const double qs[] = {0.0001, 0.01, 0.5, 0.9, 0.99, 0.999, 0.9999};
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
        double want = (double)exact_quantile(v, n, qs[i]), got = (double)hist_quantile(h, qs[i]);
        assert_true(fabs(got - want) <= 0.01 * want);
    }
    assert_int_equal(hist_quantile(h, 0), v[0]);
    assert_int_equal(hist_quantile(h, 1), v[n - 1]);
    assert_true(hist_check(h));
    hist_free(h);
    free(v);
    rng_free(r);
}

static void small_values_are_exact(void **st)
{
    (void)st;
    hist h;
    hist_init(&h);
    for (int64_t v = 0; v < 256; v++) hist_record(&h, v);
    assert_int_equal(hist_quantile(&h, 0.5), 127); /* rank 128 of 0..255 */
    assert_int_equal(hist_quantile(&h, 0.999), 255);
    assert_true(fabs(hist_mean(&h) - 127.5) < 1e-9);
}

static void buckets_tile_the_line(void **st)
{
    (void)st;
    int64_t lo, hi, prev_hi = -1;
    for (int b = 0; b < HIST_BUCKETS; b++) {
        hist_bucket_range(b, &lo, &hi);
        assert_int_equal(lo, prev_hi + 1);
        assert_int_equal(hist_bucket_of(lo), b);
        assert_int_equal(hist_bucket_of(hi), b);
        assert_true((double)(hi - lo) <= (double)lo / 128.0 + 1); /* width <= 1/128 of value */
        prev_hi = hi;
    }
    assert_int_equal(prev_hi, INT64_MAX);
}

static void merge_equals_whole(void **st)
{
    (void)st;
    hist *a = hist_new(), *b = hist_new(), *all = hist_new();
    rng_stream *r = rng_new(2, "merge");
    for (int i = 0; i < 50000; i++) {
        int64_t v = (int64_t)rng_exponential(r, 1e6);
        hist_record(i % 3 ? a : b, v);
        hist_record(all, v);
    }
    hist_merge(a, b);
    assert_int_equal(a->count, all->count);
    assert_int_equal(a->min, all->min);
    assert_int_equal(a->max, all->max);
    for (int i = 0; i < HIST_BUCKETS; i++) assert_int_equal(a->buckets[i], all->buckets[i]);
    assert_true(hist_check(a));
    hist_free(a), hist_free(b), hist_free(all), rng_free(r);
    hist_free(NULL);
}

/* R: t.test(1:10) -> mean 5.5, 95 percent CI 3.334149 7.665851. */
static void t_interval_matches_r(void **st)
{
    (void)st;
    double x[10];
    for (int i = 0; i < 10; i++) x[i] = i + 1;
    stats_interval ci;
    assert_int_equal(stats_mean_ci(x, 10, 0.95, &ci), 0);
    assert_true(fabs(ci.mean - 5.5) < 1e-12);
    assert_true(fabs(ci.mean - ci.half - 3.334149) < 1e-6);
    assert_true(fabs(ci.mean + ci.half - 7.665851) < 1e-6);
    /* R: t.test(c(1,2,4), c(0,0,1), paired=TRUE) -> mean diff 2, 95% CI -0.4841377 4.4841377 */
    double a[] = {1, 2, 4}, b[] = {0, 0, 1};
    assert_int_equal(stats_paired_ci(a, b, 3, 0.95, &ci), 0);
    assert_true(fabs(ci.mean - 2) < 1e-12 && fabs(ci.half - 2.4841377) < 1e-6);
    assert_int_equal(stats_mean_ci(x, 1, 0.95, &ci), 0);
    assert_true(ci.half == 0);
    assert_int_equal(stats_mean_ci(x, 0, 0.95, &ci), -1);
    assert_int_equal(stats_mean_ci(x, 10, 1.0, &ci), -1);
}

/* Welch's t against SciPy 1.10 (scipy.stats.ttest_ind(new, base, equal_var=False)) on
 * base {10.1, 9.8, 10.4, 10.0, 9.7} and new {10.9, 10.2, 11.1, 10.5, 10.6, 10.8}: t 3.823270,
 * p 0.00408869, df 8.977057; the 99% half-width t(0.995, df) x se = 0.581219. */
static void welch_matches_scipy(void **st)
{
    (void)st;
    static const double a[] = {10.1, 9.8, 10.4, 10.0, 9.7},
                        b[] = {10.9, 10.2, 11.1, 10.5, 10.6, 10.8};
    stats_interval sa, sb;
    stats_test t;
    assert_int_equal(stats_mean_ci(a, 5, 0.95, &sa), 0);
    assert_int_equal(stats_mean_ci(b, 6, 0.95, &sb), 0);
    assert_int_equal(stats_welch(sa.mean, sa.sd, 5, sb.mean, sb.sd, 6, 0.99, &t), 0);
    assert_float_equal(t.diff, 0.683333333, 1e-8);
    assert_float_equal(t.t, 3.823269714, 1e-8);
    assert_float_equal(t.df, 8.977056747, 1e-8);
    assert_float_equal(t.p, 0.00408869186, 1e-10);
    assert_float_equal(t.half, 0.581219326, 1e-8);
    /* no noise: equal means p 1, different means p 0; one value a side: untestable */
    assert_int_equal(stats_welch(2, 0, 3, 2, 0, 3, 0.99, &t), 0);
    assert_float_equal(t.p, 1, 0);
    assert_int_equal(stats_welch(2, 0, 3, 2.5, 0, 3, 0.99, &t), 0);
    assert_float_equal(t.p, 0, 0);
    assert_int_equal(stats_welch(2, 0, 1, 2.5, 0, 3, 0.99, &t), -1);
    assert_true(isnan(t.p));
}

/* The paired t against SciPy (scipy.stats.ttest_rel(new, base)) on base {5.0, 6.1, 7.2, 5.5},
 * new {5.3, 6.2, 7.6, 5.9}: t 4.242641, p 0.0239812; 95% half-width 0.2250329. */
static void paired_matches_scipy(void **st)
{
    (void)st;
    static const double x[] = {5.0, 6.1, 7.2, 5.5}, y[] = {5.3, 6.2, 7.6, 5.9};
    stats_test t;
    assert_int_equal(stats_paired_test(x, y, 4, 0.95, &t), 0);
    assert_float_equal(t.diff, 0.3, 1e-12);
    assert_float_equal(t.t, 4.242640687, 1e-8);
    assert_float_equal(t.p, 0.0239811996, 1e-9);
    assert_float_equal(t.half, 0.2250329363, 1e-9);
    assert_float_equal(t.df, 3, 0);
}

/* Holm (1979) by hand: p {0.01, 0.04, 0.03, 0.005} sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2,
 * 1 = 0.02, 0.03, 0.06, 0.04, kept non-decreasing: 0.02, 0.03, 0.06, 0.06. NaN is not a test. */
static void holm_by_hand(void **st)
{
    (void)st;
    static const double p[] = {0.01, 0.04, NAN, 0.03, 0.005};
    double adj[5];
    assert_int_equal(stats_holm(p, 5, adj), 0);
    assert_float_equal(adj[0], 0.03, 1e-15);
    assert_float_equal(adj[1], 0.06, 1e-15);
    assert_true(isnan(adj[2]));
    assert_float_equal(adj[3], 0.06, 1e-15);
    assert_float_equal(adj[4], 0.02, 1e-15);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quantiles_within_one_percent), cmocka_unit_test(small_values_are_exact),
        cmocka_unit_test(buckets_tile_the_line),        cmocka_unit_test(merge_equals_whole),
        cmocka_unit_test(t_interval_matches_r),         cmocka_unit_test(welch_matches_scipy),
        cmocka_unit_test(paired_matches_scipy),         cmocka_unit_test(holm_by_hand),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
