/* Random streams: known values from the published algorithms (xoshiro256**, splitmix64,
 * FNV-1a) and from an independent re-implementation of the seeding; stream independence;
 * samplers against their distributions' moments. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <gsl/gsl_randist.h>

#include "engine/rng_impl.h"

static void xoshiro_reference_values(void **st)
{
    (void)st;
    rng_stream r;
    rng_init(&r, 0, "x");
    uint64_t seed_state[4] = {1, 2, 3, 4}; /* the reference implementation's example state */
    memcpy(r.s, seed_state, sizeof seed_state);
    assert_int_equal(rng_next_u64(&r), 11520u);
    assert_int_equal(rng_next_u64(&r), 0u);
    assert_int_equal(rng_next_u64(&r), 1509978240u);
    assert_int_equal(rng_next_u64(&r), 1215971899390074240u);
}

static void splitmix_and_fnv_reference_values(void **st)
{
    (void)st;
    uint64_t x = 0;
    assert_int_equal(rng_splitmix64(&x), 0xe220a8397b1dcdafULL);
    assert_int_equal(rng_name_hash(""), 0xcbf29ce484222325ULL);
    assert_int_equal(rng_name_hash("a"), 0xaf63dc4c8601ec8cULL);
    /* the counter form: outputs 0 and 1 of splitmix64 from state 0 */
    assert_int_equal(rng_mix64_nth(0, 0), 0xe220a8397b1dcdafULL);
    assert_int_equal(rng_mix64_nth(0, 1), 0x6e789e6aa1b965f4ULL);
    assert_true(rng_unit53(1ULL << 11) == 0x1p-53);
    assert_true(rng_unit53(UINT64_MAX) == 1.0 - 0x1p-53);
}

/* Expected values come from a separate Python implementation of the seeding rule. */
static void seeded_known_values(void **st)
{
    (void)st;
    rng_stream *r = rng_new(42, "phold/0");
    assert_non_null(r);
    assert_int_equal(rng_next_u64(r), 13126036353910191149ULL);
    assert_int_equal(rng_next_u64(r), 549344467458446258ULL);
    assert_int_equal(rng_next_u64(r), 4565607706806982502ULL);
    rng_seed(r, 1, "nat/use1-az1");
    assert_int_equal(rng_next_u64(r), 5476853890742236823ULL);
    assert_int_equal(rng_next_u64(r), 28300931274073794ULL);
    rng_free(r);
    rng_free(NULL);
}

static void same_pair_same_stream_distinct_names_distinct(void **st)
{
    (void)st;
    rng_stream *a = rng_new(7, "lp/a"), *b = rng_new(7, "lp/a"), *c = rng_new(7, "lp/b"),
               *d = rng_new(8, "lp/a");
    int same_ac = 0, same_ad = 0;
    for (int i = 0; i < 1000; i++) {
        uint64_t x = rng_next_u64(a), y = rng_next_u64(b);
        assert_int_equal(x, y);
        same_ac += x == rng_next_u64(c);
        same_ad += x == rng_next_u64(d);
    }
    assert_int_equal(same_ac, 0);
    assert_int_equal(same_ad, 0);
    rng_free(a), rng_free(b), rng_free(c), rng_free(d);
}

/* The stream is a gsl_rng: GSL's own uniform and our wrapper see the same sequence. */
static void is_a_gsl_rng(void **st)
{
    (void)st;
    rng_stream *a = rng_new(3, "g"), *b = rng_new(3, "g");
    assert_string_equal(gsl_rng_name(&a->gsl), "xoshiro256**");
    for (int i = 0; i < 100; i++) {
        double u = gsl_rng_uniform(&a->gsl);
        assert_true(u >= 0 && u < 1);
        assert_true(u == rng_uniform(b));
    }
    rng_free(a), rng_free(b);
}

static void moments(rng_stream *r, double (*draw)(rng_stream *, const double *), const double *p,
                    int n, double *mean, double *var)
{
    double m = 0, s = 0;
    for (int i = 1; i <= n; i++) { /* Welford */
        double x = draw(r, p), d = x - m;
        m += d / i;
        s += d * (x - m);
    }
    *mean = m;
    *var = s / (n - 1);
}

static double d_exp(rng_stream *r, const double *p)
{
    return rng_exponential(r, p[0]);
}
static double d_uni(rng_stream *r, const double *p)
{
    return p[0] * rng_uniform(r);
}
static double d_logn(rng_stream *r, const double *p)
{
    return rng_lognormal(r, p[0], p[1]);
}
static double d_gamma(rng_stream *r, const double *p)
{
    return rng_gamma(r, p[0], p[1]);
}

static void sampler_moments(void **st)
{
    (void)st;
    rng_stream *r = rng_new(11, "moments");
    const int n = 400000;
    double m, v;
    moments(r, d_exp, (double[]){2.5}, n, &m, &v);
    assert_true(fabs(m - 2.5) < 0.02 && fabs(v - 6.25) < 0.15);
    moments(r, d_uni, (double[]){1.0}, n, &m, &v);
    assert_true(fabs(m - 0.5) < 0.003 && fabs(v - 1.0 / 12) < 0.002);
    double mu = 0.1, sg = 0.5; /* lognormal: mean exp(mu + s^2/2) */
    moments(r, d_logn, (double[]){mu, sg}, n, &m, &v);
    assert_true(fabs(m - exp(mu + sg * sg / 2)) < 0.01);
    moments(r, d_gamma, (double[]){3.0, 2.0}, n, &m, &v); /* mean k*theta, var k*theta^2 */
    assert_true(fabs(m - 6.0) < 0.05 && fabs(v - 12.0) < 0.3);
    rng_free(r);
}

/* Chi-square over 10 cells at 9 degrees of freedom: 27.88 is the 0.999 quantile. */
static void uniform_int_is_uniform(void **st)
{
    (void)st;
    rng_stream *r = rng_new(5, "ints");
    int cells[10] = {0};
    const int n = 200000;
    for (int i = 0; i < n; i++) {
        uint32_t k = rng_uniform_int(r, 10);
        assert_true(k < 10);
        cells[k]++;
    }
    double chi2 = 0, e = n / 10.0;
    for (int i = 0; i < 10; i++) chi2 += (cells[i] - e) * (cells[i] - e) / e;
    assert_true(chi2 < 27.88);
    assert_int_equal(rng_uniform_int(r, 1), 0);
    rng_free(r);
}

/* rng_gaussian is GSL's ziggurat without the calls: on twin streams it must give
 * gsl_ran_gaussian_ziggurat's numbers bit for bit, slow path and tail strip included (2^20 draws
 * reach every strip's rejection path many times), and leave the streams in the same state. */
static void gaussian_is_gsl_ziggurat(void **st)
{
    (void)st;
    const double sigmas[] = {1.0, 0.35, 1e-9, 7.5};
    for (size_t s = 0; s < sizeof sigmas / sizeof *sigmas; s++) {
        rng_stream a, b;
        rng_init(&a, 42 + s, "twin");
        rng_init(&b, 42 + s, "twin");
        for (int i = 0; i < 1 << 20; i++) {
            double x = rng_gaussian(&a, sigmas[s]),
                   y = gsl_ran_gaussian_ziggurat(&b.gsl, sigmas[s]);
            if (memcmp(&x, &y, sizeof x) != 0)
                fail_msg("draw %d, sigma %g: %a != %a", i, sigmas[s], x, y);
        }
        assert_memory_equal(a.s, b.s, sizeof a.s);
        double l = rng_lognormal(&a, 3.0, sigmas[s]);
        assert_true(l == exp(3.0 + gsl_ran_gaussian_ziggurat(&b.gsl, sigmas[s])));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(xoshiro_reference_values),
        cmocka_unit_test(splitmix_and_fnv_reference_values),
        cmocka_unit_test(seeded_known_values),
        cmocka_unit_test(same_pair_same_stream_distinct_names_distinct),
        cmocka_unit_test(is_a_gsl_rng),
        cmocka_unit_test(sampler_moments),
        cmocka_unit_test(uniform_int_is_uniform),
        cmocka_unit_test(gaussian_is_gsl_ziggurat),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
