/* exp_round against its oracle, libm: (int64_t)(exp(y) + 0.5) for every y it decides, over the
 * range lognormal samples take (under a ns to hours), at values planted next to rounding
 * boundaries (y = log(k + 0.5) and its neighbouring doubles, where a loose bound rounds wrongly:
 * with no margin this test fails), and the edges (below -1, past 2^44, NaN, infinities).
 * Fallbacks to exp must stay rare. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "io/exp_round.h"
#include "vpcsim/rng.h"

static int64_t oracle(double y)
{
    return (int64_t)(exp(y) + 0.5);
}

/* Checks y; returns 1 when exp_round decided it, 0 when it fell back. */
static int check(double y)
{
    int64_t got = -7;
    if (!exp_round(y, &got)) {
        assert_int_equal(got, -7); /* untouched */
        return 0;
    }
    if (got != oracle(y))
        fail_msg("y = %a: exp_round %lld, libm %lld", y, (long long)got, (long long)oracle(y));
    return 1;
}

/* Uniform y over [-3, 30.4]: lognormal samples from under a ns to 2^44 ns. */
static void test_random_range(void **st)
{
    (void)st;
    rng_stream *r = rng_new(5, "exp_round");
    int decided = 0, n = 2000000;
    for (int i = 0; i < n; i++) decided += check(-3 + 33.4 * rng_uniform(r));
    rng_free(r);
    assert_true(decided > n - n / 100); /* near 2^44 the margin grows to 1/16 */
}

/* Samples like the shipped defaults': exp(mu + sigma z), medians 50 us to 50 ms. */
static void test_typical_samples(void **st)
{
    (void)st;
    rng_stream *r = rng_new(9, "exp_round typical");
    int decided = 0, n = 2000000;
    for (int i = 0; i < n; i++) {
        double mu = log(5e4 * (1 + 999 * rng_uniform(r)));
        decided += check(mu + rng_gaussian(r, 0.6));
    }
    rng_free(r);
    assert_true(decided >= n - 2);
}

/* y next to log(k + 0.5), forty doubles either side, for k from 0 to 1.6e13: exp_round must fall
 * back or agree with libm. */
static void test_boundaries(void **st)
{
    (void)st;
    for (double k = 0; k < 1.6e13; k = k * 1.37 + 1) {
        double y = log(k + 0.5);
        for (int s = 0; s < 40; s++) {
            check(y), check(-y);
            y = nextafter(y, INFINITY);
        }
        y = log(k + 0.5);
        for (int s = 0; s < 40; s++) {
            check(y);
            y = nextafter(y, -INFINITY);
        }
    }
}

/* Below -1 the answer is 0; past 2^44, NaN and +infinity it falls back. */
static void test_edges(void **st)
{
    (void)st;
    int64_t got = -7;
    assert_true(exp_round(-1.5, &got));
    assert_int_equal(got, 0);
    assert_true(exp_round(-INFINITY, &got));
    assert_int_equal(got, 0);
    assert_true(exp_round(0, &got));
    assert_int_equal(got, 1);
    assert_true(exp_round(log(2.0), &got));
    assert_int_equal(got, 2);
    assert_true(exp_round(20, &got));
    assert_int_equal(got, 485165195);
    assert_false(exp_round(30.5, &got));
    assert_false(exp_round(NAN, &got));
    assert_false(exp_round(INFINITY, &got));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_range),
        cmocka_unit_test(test_typical_samples),
        cmocka_unit_test(test_boundaries),
        cmocka_unit_test(test_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
