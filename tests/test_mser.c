/* MSER-5 (sim/io/mser.c) on series whose transient is known: a step (exact answer), a constant
 * (ties go to no truncation), an exponential decay plus Gaussian noise, and the sojourn times of
 * an empty-start M/M/1 at rho 0.9 from Lindley's recursion (no simulator involved). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "vpcsim/mser.h"
#include "vpcsim/rng.h"

/* 100 values of 10, then 900 of 0: deleting exactly 20 batches leaves no variance at all. */
static void step_is_cut_exactly(void **st)
{
    (void)st;
    double x[1000];
    mser_result m;
    for (size_t i = 0; i < 1000; i++) x[i] = i < 100 ? 10 : 0;
    assert_int_equal(mser_truncate(x, 1000, MSER_BATCH, &m), 0);
    assert_int_equal(m.truncate, 100);
    assert_int_equal(m.batches, 200);
    assert_true(m.statistic == 0);
    assert_false(m.at_limit);
}

/* A constant has MSER 0 at every d: the smallest (no truncation) wins. */
static void constant_keeps_everything(void **st)
{
    (void)st;
    double x[103];
    mser_result m;
    for (size_t i = 0; i < 103; i++) x[i] = 3.5;
    assert_int_equal(mser_truncate(x, 103, MSER_BATCH, &m), 0);
    assert_int_equal(m.truncate, 0);
    assert_int_equal(m.batches, 20); /* the last 3 observations are left out */
}

/* Fewer than 4 batches cannot be judged; a batch of 0 is refused. */
static void short_series_refused(void **st)
{
    (void)st;
    double x[19] = {0};
    mser_result m;
    assert_int_equal(mser_truncate(x, 19, MSER_BATCH, &m), -1);
    assert_int_equal(m.truncate, 0);
    assert_int_equal(mser_truncate(x, 19, 0, &m), -1);
    assert_int_equal(mser_truncate(x, 0, MSER_BATCH, &m), -1);
}

/* The same statistic computed directly (O(m^2)) as an oracle for the one-pass sums. */
static size_t brute_force(const double *x, size_t n, size_t k)
{
    size_t m = n / k, best_d = 0;
    double best = INFINITY;
    for (size_t d = 0; d <= m / 2; d++) {
        double mean = 0, ss = 0;
        for (size_t j = d; j < m; j++) {
            double z = 0;
            for (size_t i = 0; i < k; i++) z += x[j * k + i] / (double)k;
            mean += z / (double)(m - d);
        }
        for (size_t j = d; j < m; j++) {
            double z = 0;
            for (size_t i = 0; i < k; i++) z += x[j * k + i] / (double)k;
            ss += (z - mean) * (z - mean);
        }
        double stat = ss / ((double)(m - d) * (double)(m - d));
        if (stat < best * (1 - 1e-12)) best = stat, best_d = d;
    }
    return best_d * k;
}

/* x_i = 10 exp(-i / 200) + N(0, 1): the bias falls to half the noise's sd at i = 3 tau. MSER-5
 * must cut between 2 tau (bias 1.35 sd) and 5 tau (0.07 sd), and agree with the direct sums. */
static void decay_cut_near_its_transient(void **st)
{
    (void)st;
    const size_t n = 20000;
    const double tau = 200;
    double *x = malloc(n * sizeof *x);
    for (uint64_t seed = 1; seed <= 10; seed++) {
        rng_stream *r = rng_new(seed, "decay");
        mser_result m;
        for (size_t i = 0; i < n; i++) x[i] = 10 * exp(-(double)i / tau) + rng_gaussian(r, 1);
        assert_int_equal(mser_truncate(x, n, MSER_BATCH, &m), 0);
        if (m.truncate < 2 * tau || m.truncate > 5 * tau)
            fail_msg("seed %llu: cut %zu, outside [2, 5] x tau = [%g, %g]",
                     (unsigned long long)seed, m.truncate, 2 * tau, 5 * tau);
        if (seed <= 2) assert_int_equal(m.truncate, brute_force(x, n, MSER_BATCH));
        rng_free(r);
    }
    free(x);
}

/* Empty-start M/M/1, lambda 900/s, mu 1000/s (rho 0.9), 18,000 calls (20 s) per run: sojourn
 * times by Lindley's recursion. Its relaxation time is tau = 1 / (mu (1 - sqrt(rho))^2) = 0.38 s
 * (Morse 1955). Single runs are noisy (MSER-5 keeps everything in many of them, and cuts a slow
 * excursion in others), so the test is on the mean cut over 20 runs: within [tau / 2, 6 tau]. */
static void mm1_empty_start_cut_near_relaxation(void **st)
{
    (void)st;
    const size_t n = 18000, runs = 20;
    const double lambda = 900, mu = 1000, tau = 1 / (mu * pow(1 - sqrt(lambda / mu), 2));
    double *x = malloc(n * sizeof *x), *at = malloc(n * sizeof *at), sum = 0;
    for (size_t run = 0; run < runs; run++) {
        rng_stream *r = rng_new(run + 1, "mm1");
        double w = 0, t = 0; /* w: work in the system just after the previous arrival */
        mser_result m;
        for (size_t i = 0; i < n; i++) {
            double a = rng_exponential(r, 1 / lambda), s = rng_exponential(r, 1 / mu);
            t += a;
            w = i ? fmax(0, w - a) : 0;
            x[i] = w + s, at[i] = t, w += s;
        }
        assert_int_equal(mser_truncate(x, n, MSER_BATCH, &m), 0);
        sum += m.truncate ? at[m.truncate] : 0;
        rng_free(r);
    }
    double mean = sum / (double)runs;
    if (mean < tau / 2 || mean > 6 * tau)
        fail_msg("mean cut %.3f s, outside [%.3f, %.3f] s", mean, tau / 2, 6 * tau);
    free(x), free(at);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(step_is_cut_exactly),
        cmocka_unit_test(constant_keeps_everything),
        cmocka_unit_test(short_series_refused),
        cmocka_unit_test(decay_cut_near_its_transient),
        cmocka_unit_test(mm1_empty_start_cut_near_relaxation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
