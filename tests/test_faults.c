/* Scheduled faults and recovery in `vpcsim run`, and the client's call observer: observed calls
 * match the client's counts; a NAT gateway down loses the calls created in its window (time-outs)
 * and only those; an interface endpoint's AZ impaired is left by DNS over the TTL ((t - t0) / TTL
 * of calls on the new answer, within a binomial interval) while retries land on the healthy ENI;
 * Direct Connect fails over to the VPN after BFD detection; error rates and added latency give
 * the ratios and shifts they should; faulted runs are the same for any thread count; bad fault
 * inputs exit 2 with file:line:col. Scenarios: tests/scenarios/faults/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_run.h"
#include "vpcsim/aws/netmodel.h"
#include "vpcsim/aws/scenario.h"
#include "scenario_fixture.h"

#define S(x) ((vs_time)((x)*1e9))

/* ---- fixtures -------------------------------------------------------------------------------- */

/* tests/scenarios/<dir>/<name> (tests/scenario_fixture.h). */
static fixture load(const char *dir, const char *name)
{
    char rel[256];
    snprintf(rel, sizeof rel, "%s/%s", dir, name);
    return fixture_load(rel);
}

/* Every call one workload's observer was told of. */
typedef struct calls {
    client_call *v;
    size_t n, cap;
    uint32_t workload; /* as told */
    int bad;           /* calls told with another workload number */
} calls;

static void on_call(void *ctx, uint32_t workload, const client_call *c)
{
    calls *l = ctx;
    if (workload != l->workload) l->bad++;
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 1024;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
        assert_non_null(l->v);
    }
    l->v[l->n++] = *c;
}

/* A run of architecture arch with an observer per workload (obs[nworkloads], freed by
 * observed_free). */
typedef struct observed {
    netmodel_result r;
    calls *obs;
    size_t n;
} observed;

static observed run_observed(const fixture *f, size_t arch, double warmup_s, double duration_s,
                             uint64_t seed, int threads)
{
    const topology *t = &f->s->archs[arch];
    observed o = {.n = t->nworkloads};
    o.obs = calloc(t->nworkloads + 1, sizeof *o.obs);
    client_observer *ob = calloc(t->nworkloads + 1, sizeof *ob);
    assert_non_null(o.obs), assert_non_null(ob);
    for (size_t w = 0; w < t->nworkloads; w++) {
        o.obs[w].workload = (uint32_t)(100 + w);
        ob[w] = (client_observer){on_call, &o.obs[w], (uint32_t)(100 + w), NULL};
    }
    netmodel_config cfg = {.seed = seed,
                           .warmup_ns = (vs_time)(warmup_s * 1e9),
                           .duration_ns = (vs_time)(duration_s * 1e9),
                           .threads = threads,
                           .observers = ob};
    vs_error err = {0};
    if (netmodel_run(t, f->params, &cfg, &o.r, &err)) fail_msg("%s", err.msg);
    free(ob);
    return o;
}

static void observed_free(observed *o)
{
    for (size_t w = 0; w < o->n; w++) free(o->obs[w].v);
    free(o->obs);
    netmodel_result_free(&o->r);
}

static size_t workload_index(const observed *o, const char *name)
{
    for (size_t w = 0; w < o->r.nworkloads; w++)
        if (strcmp(o->r.workloads[w].name, name) == 0) return w;
    fail_msg("no workload %s", name);
    return 0;
}

/* The observer's records agree with the client's counts: one per offered call, causes as
 * counted, attempts summed, distinct call numbers. */
static void check_observed_counts(const observed *o, size_t w)
{
    const client_stats *st = &o->r.workloads[w].st;
    const calls *l = &o->obs[w];
    uint64_t ok = 0, unfinished = 0, failed[CLIENT_FAIL_COUNT] = {0}, attempts = 0;
    assert_int_equal(l->bad, 0);
    assert_int_equal(l->n, st->offered);
    for (size_t i = 0; i < l->n; i++) {
        const client_call *c = &l->v[i];
        attempts += c->attempts;
        if (c->cause == CLIENT_CALL_OK)
            ok++;
        else if (c->cause == CLIENT_CALL_UNFINISHED)
            unfinished++;
        else if (c->cause >= 0 && c->cause < CLIENT_FAIL_COUNT)
            failed[c->cause]++;
        else
            fail_msg("cause %d", c->cause);
        assert_true(c->end_ns >= c->start_ns);
        if (i > 0) assert_true(c->call != l->v[i - 1].call || c->start_ns != l->v[i - 1].start_ns);
    }
    assert_int_equal(ok, st->succeeded);
    assert_int_equal(unfinished, st->unfinished);
    for (int c = 0; c < CLIENT_FAIL_COUNT; c++) assert_int_equal(failed[c], st->failed[c]);
    assert_int_equal(attempts, st->attempts);
}

static int by_number(const void *a, const void *b)
{
    uint64_t x = ((const client_call *)a)->call, y = ((const client_call *)b)->call;
    return x < y ? -1 : x > y;
}

/* ---- the observer ---------------------------------------------------------------------------- */

/* retries.yaml (see its header): 39 calls, all time out; the first 25 make 3 attempts (50
 * retries take the 500 tokens at 10 each), the other 14 one; calls are numbered 0..38 in
 * creation order (no warm-up), each sent its 1 KiB request (the default size) once per attempt. */
static void observer_counts_retries(void **state)
{
    (void)state;
    fixture f = load("run", "retries.yaml");
    observed o = run_observed(&f, 0, 0, 40, 1, 1);
    size_t w = workload_index(&o, "standard");
    check_observed_counts(&o, w);
    calls *l = &o.obs[w];
    assert_int_equal(l->n, 39);
    qsort(l->v, l->n, sizeof *l->v, by_number);
    for (size_t i = 0; i < l->n; i++) {
        const client_call *c = &l->v[i];
        assert_int_equal(c->call, i);
        assert_int_equal(c->cause, CLIENT_FAIL_TIMEOUT);
        assert_int_equal(c->attempts, i < 25 ? 3 : 1);
        assert_int_equal(c->start_ns, (vs_time)(i + 1) * 1000000000);
        assert_int_equal(c->bytes_up, (uint64_t)c->attempts * 1024);
        assert_int_equal(c->bytes_down, 0);
    }
    check_observed_counts(&o, workload_index(&o, "no-retry"));
    observed_free(&o);
    fixture_unload(&f);
}

/* hybrid-dx-vpn.yaml: orders-to-sqs calls at 2 ms, 4 ms, ... (constant 500/s): after a 1 s
 * warm-up the measured calls are numbers 499 .. 998 (499 warm-up calls before), each a success
 * with its 2 KiB request and 512 B response; the closed loop's calls match its counts. */
static void observer_numbers_after_warmup(void **state)
{
    (void)state;
    fixture f = load("faults", "hybrid.yaml");
    observed o = run_observed(&f, 0, 1, 1, 5, 1);
    size_t w = workload_index(&o, "orders");
    check_observed_counts(&o, w);
    calls *l = &o.obs[w];
    assert_int_equal(l->n, 500);
    qsort(l->v, l->n, sizeof *l->v, by_number);
    for (size_t i = 0; i < l->n; i++) {
        assert_int_equal(l->v[i].call, 499 + i);
        assert_int_equal(l->v[i].cause, CLIENT_CALL_OK);
        assert_int_equal(l->v[i].bytes_up, 2048);
        assert_int_equal(l->v[i].bytes_down, 512);
        assert_int_equal(l->v[i].attempts, 1);
    }
    check_observed_counts(&o, workload_index(&o, "billing"));
    observed_free(&o);
    fixture_unload(&f);
}

/* With a 1 ms drain, the calls still open at the end are told as unfinished at the end of the
 * run, as many as the client counts. */
static void observer_unfinished_calls(void **state)
{
    (void)state;
    fixture f = load("faults", "hybrid.yaml");
    const topology *t = &f.s->archs[0];
    calls obs[2] = {{.workload = 0}, {.workload = 1}};
    client_observer ob[2] = {{on_call, &obs[0], 0, NULL}, {on_call, &obs[1], 1, NULL}};
    netmodel_config cfg = {.seed = 2,
                           .warmup_ns = S(0.1),
                           .duration_ns = S(0.5),
                           .drain_ns = S(0.001),
                           .threads = 1,
                           .observers = ob};
    observed o = {.n = 2, .obs = obs};
    vs_error err = {0};
    assert_int_equal(t->nworkloads, 2);
    if (netmodel_run(t, f.params, &cfg, &o.r, &err)) fail_msg("%s", err.msg);
    uint64_t unfinished = 0;
    for (size_t w = 0; w < 2; w++) {
        check_observed_counts(&o, w);
        for (size_t i = 0; i < obs[w].n; i++)
            if (obs[w].v[i].cause == CLIENT_CALL_UNFINISHED) {
                unfinished++;
                assert_int_equal(obs[w].v[i].end_ns, o.r.end_ns);
                assert_int_equal(obs[w].v[i].bytes_down, 0);
            }
    }
    assert_true(unfinished > 2); /* calls take over 10 ms: a few are open at 601 ms */
    for (size_t w = 0; w < 2; w++) free(obs[w].v);
    netmodel_result_free(&o.r);
    fixture_unload(&f);
}

/* ---- helpers for the fault tests ------------------------------------------------------------- */

/* The name of the first station of the way of call c of workload w. */
static const char *first_station(const observed *o, size_t w, const client_call *c)
{
    const netmodel_workload *rw = &o->r.workloads[w];
    assert_true(c->alt < rw->nalts);
    assert_true(rw->alts[c->alt].nstations > 0);
    return o->r.components[rw->alts[c->alt].stations[0]].name;
}

/* A 99% two-sided interval check of count k of n against probability p (normal approximation;
 * tests use n p (1 - p) well above 10). */
static void assert_binomial(uint64_t k, uint64_t n, double p)
{
    double mean = (double)n * p, sd = sqrt((double)n * p * (1 - p));
    if (getenv("FAULTS_VERBOSE"))
        printf("%llu of %llu: expected %.1f +- %.1f\n", (unsigned long long)k,
               (unsigned long long)n, mean, 2.576 * sd);
    if (fabs((double)k - mean) > 2.576 * sd)
        fail_msg("%llu of %llu: expected %.1f +- %.1f (p = %g)", (unsigned long long)k,
                 (unsigned long long)n, mean, 2.576 * sd, p);
}

/* Mean and variance of the latency (end - start, ns) of successful calls created in [a, b). */
static void latency_stats(const calls *l, vs_time a, vs_time b, double *mean, double *var,
                          size_t *n)
{
    double s = 0, s2 = 0;
    *n = 0;
    for (size_t i = 0; i < l->n; i++) {
        const client_call *c = &l->v[i];
        if (c->cause != CLIENT_CALL_OK || c->start_ns < a || c->start_ns >= b) continue;
        double x = (double)(c->end_ns - c->start_ns);
        s += x, s2 += x * x, (*n)++;
    }
    assert_true(*n > 1);
    *mean = s / (double)*n;
    *var = (s2 - s * s / (double)*n) / (double)(*n - 1);
}

/* The mean latency of calls created in [a, b) exceeds that of calls in [c, d) by shift_ns, within
 * the 99% interval of the difference of means (Welch). */
static void assert_shift(const calls *l, vs_time a, vs_time b, vs_time c, vs_time d,
                         double shift_ns)
{
    double m1, v1, m0, v0;
    size_t n1, n0;
    latency_stats(l, a, b, &m1, &v1, &n1);
    latency_stats(l, c, d, &m0, &v0, &n0);
    double se = sqrt(v1 / (double)n1 + v0 / (double)n0), diff = m1 - m0;
    if (getenv("FAULTS_VERBOSE"))
        printf("shift %.1f us, expected %.1f +- %.1f us (n %zu, %zu)\n", diff / 1e3, shift_ns / 1e3,
               2.576 * se / 1e3, n1, n0);
    if (fabs(diff - shift_ns) > 2.576 * se)
        fail_msg("latency shift %.1f us, expected %.1f +- %.1f us", diff / 1e3, shift_ns / 1e3,
                 2.576 * se / 1e3);
    assert_true(2.576 * se < 0.1 * shift_ns); /* a test that can tell */
}

/* ---- a NAT gateway down ---------------------------------------------------------------------- */

/* nat-down.yaml: nat-a is down over [3 s, 6 s) with no failover. from-a's calls (constant 200/s:
 * one every 5 ms, no retries) fail by timeout exactly when created in the window, give or take
 * one round trip (a call created just before 3 s may have its response lost on the way back; one
 * created in the last instants arrives after 6 s): all 600 calls created in [3 s, 6 s - 5 ms]
 * fail, none created before 2.99 s or from 6 s on; from-b (nat-b, another AZ) never fails. */
static void nat_down_loses_calls_in_its_window(void **state)
{
    (void)state;
    fixture f = load("faults", "nat-down.yaml");
    observed o = run_observed(&f, 0, 1, 8, 1, 1);
    size_t a = workload_index(&o, "from-a"), b = workload_index(&o, "from-b");
    check_observed_counts(&o, a);
    check_observed_counts(&o, b);
    const calls *l = &o.obs[a];
    uint64_t in_window = 0, failed = 0;
    for (size_t i = 0; i < l->n; i++) {
        const client_call *c = &l->v[i];
        bool fail = c->cause != CLIENT_CALL_OK;
        if (fail) {
            failed++;
            assert_int_equal(c->cause, CLIENT_FAIL_TIMEOUT);
            assert_true(c->start_ns >= S(2.99) && c->start_ns < S(6));
            assert_int_equal(c->end_ns - c->start_ns, S(0.5)); /* the timeout */
        }
        if (c->start_ns >= S(3) && c->start_ns <= S(5.995)) {
            in_window++;
            assert_true(fail);
        }
    }
    assert_int_equal(in_window, 600);
    assert_true(failed >= 600 && failed <= 603);
    assert_int_equal(o.r.workloads[a].st.failed[CLIENT_FAIL_TIMEOUT], failed);
    assert_int_equal(o.r.workloads[b].st.succeeded, o.r.workloads[b].st.offered);
    assert_int_equal(o.r.workloads[b].st.offered, 1600);
    for (size_t i = 0; i < o.r.ncomponents; i++)
        if (strncmp(o.r.components[i].name, "nat-gateway/nat-a", 17) == 0)
            assert_true(o.r.components[i].st.lost >= 600);
    observed_free(&o);
    fixture_unload(&f);
}

/* ---- an AZ impaired: DNS and retries --------------------------------------------------------- */

enum { ENI_BINS = 6 };

/* eni-az.yaml: use1-az1 impaired from t0 = 10 s; TTL 60 s; timeout 1 s; 3 attempts; backoff
 * U(0, 1) x min(50 ms x 2^(n-1), 20 s). A call created at t (x = (t - t0) / TTL) meets the down
 * ENI on an attempt with probability q(x) = (1 - x) / 2: the old answer (1 - x) and its az1 half.
 * - calls with a second attempt, per 10 s bin of [t0, t0 + TTL): binomial around the mean of q;
 * - failed calls (three attempts lost): Poisson-binomial around the sum over calls of q(t) q(t +
 *   1.025 s) q(t + 2.075 s) (mean attempt times), and every one a timeout whose last way is az1's;
 * - before t0 (less a round trip) every call succeeds at once; from t0 + TTL on every call
 *   succeeds at once on the use1-az2 ENI. */
static double eni_q(vs_time t)
{
    double x = (double)(t - S(10)) / 60e9;
    return x < 0 ? 0.5 : x >= 1 ? 0 : (1 - x) / 2;
}

static void az_impaired_dns_ttl_and_retries(void **state)
{
    (void)state;
    fixture f = load("faults", "eni-az.yaml");
    observed o = run_observed(&f, 0, 5, 80, 1, 1);
    check_observed_counts(&o, 0);
    const calls *l = &o.obs[0];
    uint64_t second[ENI_BINS] = {0}, n[ENI_BINS] = {0}, failed = 0;
    double q_sum[ENI_BINS] = {0}, fail_mean = 0, fail_var = 0;
    for (size_t i = 0; i < l->n; i++) {
        const client_call *c = &l->v[i];
        vs_time t = c->start_ns;
        if (t < S(10)) {
            if (t < S(9.99)) assert_int_equal(c->attempts, 1);
            assert_int_equal(c->cause, CLIENT_CALL_OK);
            continue;
        }
        if (t >= S(70)) {
            assert_int_equal(c->cause, CLIENT_CALL_OK);
            assert_int_equal(c->attempts, 1);
            assert_string_equal(first_station(&o, 0, c), "interface-endpoint/sqs-ep/use1-az2");
            continue;
        }
        double p = eni_q(t) * eni_q(t + S(1.025)) * eni_q(t + S(2.075));
        fail_mean += p, fail_var += p * (1 - p);
        if (c->cause != CLIENT_CALL_OK) {
            failed++;
            assert_int_equal(c->cause, CLIENT_FAIL_TIMEOUT);
            assert_int_equal(c->attempts, 3);
            assert_string_equal(first_station(&o, 0, c), "interface-endpoint/sqs-ep/use1-az1");
        }
        size_t bin = (size_t)((t - S(10)) / S(10));
        n[bin]++;
        second[bin] += c->attempts > 1;
        q_sum[bin] += eni_q(t);
    }
    for (size_t b = 0; b < ENI_BINS; b++) {
        assert_true(n[b] > 1500);
        assert_binomial(second[b], n[b], q_sum[b] / (double)n[b]);
    }
    if (getenv("FAULTS_VERBOSE"))
        printf("%llu failed, expected %.1f +- %.1f\n", (unsigned long long)failed, fail_mean,
               2.576 * sqrt(fail_var));
    if (fabs((double)failed - fail_mean) > 2.576 * sqrt(fail_var))
        fail_msg("%llu failed calls, expected %.1f +- %.1f", (unsigned long long)failed, fail_mean,
                 2.576 * sqrt(fail_var));
    assert_true(fail_mean > 300); /* about 12,000 calls / 32 */
    observed_free(&o);
    fixture_unload(&f);
}

/* eni-one-az.yaml: the endpoint's only ENI is in use1-az1, impaired over [10 s, 20 s); calls
 * every 10 ms from use1-az2, no retries, 500 ms timeout. DNS fails open (the answer keeps the
 * ENI when none is healthy): the calls created in the window (1,000, give or take a round trip at
 * each edge) time out, and all 2,000 calls created from 20 s to the horizon (40 s) succeed, not
 * only those after the TTL. */
static void dns_fails_open_when_no_eni_is_left(void **state)
{
    (void)state;
    fixture f = load("faults", "eni-one-az.yaml");
    observed o = run_observed(&f, 0, 5, 35, 1, 1);
    check_observed_counts(&o, 0);
    const calls *l = &o.obs[0];
    uint64_t failed = 0, after = 0;
    for (size_t i = 0; i < l->n; i++) {
        const client_call *c = &l->v[i];
        if (c->cause != CLIENT_CALL_OK) {
            failed++;
            assert_int_equal(c->cause, CLIENT_FAIL_TIMEOUT);
            assert_true(c->start_ns >= S(9.99) && c->start_ns < S(20));
        } else if (c->start_ns >= S(20)) {
            after++;
        }
    }
    assert_true(failed >= 999 && failed <= 1001);
    assert_int_equal(after, 2000);
    observed_free(&o);
    fixture_unload(&f);
}

/* ---- replayed arrivals ------------------------------------------------------------------------
 */

/* replay/replay.yaml: calls exactly at the times of times.txt that fall in the measured window
 * [1 s, 4 s) (seconds, durations with units, comments, a blank line and a repeated time), none
 * at or after the horizon; the run is the same for 1 and 2 threads. */
static void replay_creates_calls_at_the_file_times(void **state)
{
    (void)state;
    static const vs_time want[] = {S(1), S(1.25), S(1.5), S(2), S(2), 3999999999};
    fixture f = load("replay", "replay.yaml");
    for (int threads = 1; threads <= 2; threads++) {
        observed o = run_observed(&f, 0, 1, 3, 1, threads);
        const calls *l = &o.obs[0];
        assert_int_equal(l->n, 6);
        for (size_t i = 0; i < l->n; i++) { /* told in end order: find call i + 1 */
            size_t k = 0;
            while (k < l->n && l->v[k].call != i + 1) k++; /* call 0: the warm-up one at 0.5 s */
            assert_true(k < l->n);
            assert_int_equal(l->v[k].start_ns, want[i]);
            assert_int_equal(l->v[k].cause, CLIENT_CALL_OK);
        }
        assert_int_equal(o.r.workloads[0].st.offered, 6);
        observed_free(&o);
    }
    fixture_unload(&f);
}

/* Bad replay files: exit 2 with the file, line and column and what was expected. */
static void replay_errors_name_the_line(void **state)
{
    (void)state;
    static const struct {
        const char *file, *want;
    } cases[] = {
        {"decreasing.yaml", "replay/decreasing.txt:3:1: times must not decrease"},
        {"bad-time.yaml", "replay/bad-time.txt:2:3: expected a time from the start "
                          "of the run (seconds, or a duration such as 250ms)"},
        {"long-line.yaml", "replay/long-line.txt:2:1: line longer than 510 characters"},
        {"missing.yaml", "tests/scenarios/replay/missing.yaml:22:38: replay file: "},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[512], *argv[] = {"vpcsim", "run", path, "--quiet", NULL};
        static cli_result r;
        char dir[400];
        cli_source_path("tests/scenarios/replay", dir, sizeof dir);
        snprintf(path, sizeof path, "%s/%s", dir, cases[i].file);
        assert_int_equal(cli_run(argv, &r), 0);
        assert_int_equal(r.code, 2);
        if (!strstr(r.err, cases[i].want)) fail_msg("%s: got %s", cases[i].file, r.err);
    }
}

/* ---- Direct Connect down: failover to the VPN ------------------------------------------------ */

/* The mean one-way delay (ns) of parameter kind.name (a distribution) of instance inst. */
static double param_mean(const fixture *f, const char *kind, const char *inst, const char *name)
{
    const param_value *v = params_get(f->params, kind, inst, name);
    assert_non_null(v);
    return dist_mean_ns(v->dist);
}

/* dx-down.yaml: DX down over [3 s, 6 s), bfd_detect 900 ms. Calls (one per 2 ms, no retries)
 * created in [3 s, 3.9 s) are lost at the DX: all 450 fail by timeout, plus at most a round trip's
 * worth created just before 3 s, and none other. Calls created in [4 s, 6.8 s) go over the VPN:
 * their mean latency exceeds that of the DX's calls after recovery ([7 s, 10 s)) by twice the
 * difference of the one-way delays (VPN added latency, against 80 km x per_km + DX equipment) and
 * the time 2.5 KiB takes at 1.25 Gbps (a tunnel) rather than 5 Gbps (EC2's single-flow limit). */
static void dx_down_fails_over_to_vpn(void **state)
{
    (void)state;
    fixture f = load("faults", "dx-down.yaml");
    observed o = run_observed(&f, 0, 1, 9, 1, 1);
    check_observed_counts(&o, 0);
    const calls *l = &o.obs[0];
    uint64_t gap = 0, failed = 0;
    for (size_t i = 0; i < l->n; i++) {
        const client_call *c = &l->v[i];
        bool in_gap = c->start_ns >= S(3) && c->start_ns < S(3.9);
        gap += in_gap;
        if (c->cause == CLIENT_CALL_OK) {
            assert_false(in_gap);
            const char *first = first_station(&o, 0, c);
            bool vpn = c->start_ns >= S(3.9) && c->start_ns < S(6.9);
            assert_string_equal(first, vpn ? "vpn/dc1" : "direct-connect/dc1");
            continue;
        }
        failed++;
        assert_int_equal(c->cause, CLIENT_FAIL_TIMEOUT);
        assert_true(c->start_ns >= S(2.99) && c->start_ns < S(3.9));
    }
    assert_int_equal(gap, 450);
    assert_true(failed >= 450 && failed <= 455);
    double dx = 80 * (double)params_get(f.params, "direct_connect", "dc1", "per_km")->i +
                param_mean(&f, "direct_connect", "dc1", "equipment");
    double vpn = param_mean(&f, "vpn_tunnel", "dc1", "added_latency");
    double bits = (2048 + 512) * 8,
           tunnel = params_get(f.params, "vpn_tunnel", "dc1", "bandwidth")->x;
    double flow = params_get(f.params, "link_intra_az", NULL, "flow_bandwidth")->x;
    double shift = 2 * (vpn - dx) + bits / tunnel * 1e9 - bits / flow * 1e9;
    assert_true(tunnel < flow && flow < 10e9); /* the DX port (10 Gbps) does not limit a flow */
    assert_shift(l, S(4), S(6.8), S(7), S(10), shift);
    observed_free(&o);
    fixture_unload(&f);
}

/* ---- error rates and added latency ----------------------------------------------------------- */

/* errors.yaml: 20% of requests answered with a 5xx. One attempt: failures binomial around 0.2, all
 * of cause error; three attempts (the bucket never empties): around 0.2^3. */
static void error_rate_with_and_without_retries(void **state)
{
    (void)state;
    fixture f = load("faults", "errors.yaml");
    observed o = run_observed(&f, 0, 1, 20, 1, 1);
    size_t once = workload_index(&o, "once"), thrice = workload_index(&o, "thrice");
    check_observed_counts(&o, once);
    check_observed_counts(&o, thrice);
    const client_stats *a = &o.r.workloads[once].st, *b = &o.r.workloads[thrice].st;
    assert_int_equal(a->failed[CLIENT_FAIL_ERROR] + a->succeeded, a->offered);
    assert_binomial(a->failed[CLIENT_FAIL_ERROR], a->offered, 0.2);
    assert_int_equal(b->failed[CLIENT_FAIL_ERROR] + b->succeeded, b->offered);
    assert_int_equal(b->quota_refusals, 0);
    assert_binomial(b->failed[CLIENT_FAIL_ERROR], b->offered, 0.008);
    uint64_t retried = 0;
    for (size_t i = 0; i < o.obs[thrice].n; i++) retried += o.obs[thrice].v[i].attempts > 1;
    assert_binomial(retried, b->offered, 0.2);
    observed_free(&o);
    fixture_unload(&f);
}

/* latency.yaml: +5 ms over [4 s, 8 s) and +Exp(3 ms) over [10 s, 14 s) on S3. */
static void latency_fault_shifts_the_mean(void **state)
{
    (void)state;
    fixture f = load("faults", "latency.yaml");
    observed o = run_observed(&f, 0, 1, 16, 1, 1);
    check_observed_counts(&o, 0);
    const calls *l = &o.obs[0];
    assert_shift(l, S(4), S(7.99), S(1), S(3.99), 5e6);
    assert_shift(l, S(10), S(13.99), S(14.01), S(17), 3e6);
    observed_free(&o);
    fixture_unload(&f);
}

/* ---- the command line ------------------------------------------------------------------------ */

#define REPORT(...) cli_report_ok((char *const[]){"vpcsim", "run", __VA_ARGS__, "--quiet", NULL})

/* Faulted runs (DNS over the TTL draws from the client's stream; DX failover; windows at the
 * stations) give the same report for any thread count: runs side by side, and (dx-down: a site,
 * AZs and the Region as groups) one run split across threads. */
static void faulted_runs_same_for_any_thread_count(void **state)
{
    (void)state;
    const char *files[] = {"tests/scenarios/faults/dx-down.yaml",
                           "tests/scenarios/faults/eni-az.yaml",
                           "tests/scenarios/faults/nat-down.yaml"};
    char f[512];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        cli_source_path(files[i], f, sizeof f);
        char *one = REPORT(f, "--duration", "20s", "--replications", "2", "--threads", "1");
        char *two = REPORT(f, "--duration", "20s", "--replications", "2", "--threads", "2");
        assert_string_equal(one, two);
        assert_text_has(one, "timeout/s");
        free(one), free(two);
    }
    cli_source_path(files[0], f, sizeof f);
    char *split = REPORT(f, "--duration", "6s", "--replications", "1", "--threads", "2");
    char *seq = REPORT(f, "--duration", "6s", "--replications", "1", "--threads", "1");
    assert_string_equal(split, seq);
    assert_text_has(split, "vpn/dc1");
    free(split), free(seq);
}

/* hybrid.yaml with one more line, `faults: [ITEM]`, in a temporary file; runs `vpcsim run` on it
 * and expects exit 2 and stderr starting with FILE:LINE:COL where COL is that of `at` in ITEM. */
static void bad_fault(const char *item, const char *at, const char *message)
{
    char src[512], path[] = "/tmp/vpcsim-faults-XXXXXX", line[512], want[1024];
    cli_source_path("tests/scenarios/faults/hybrid.yaml", src, sizeof src);
    FILE *in = fopen(src, "r");
    int fd = mkstemp(path), lines = 0;
    FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
    assert_non_null(in), assert_non_null(out);
    while (fgets(line, sizeof line, in)) fputs(line, out), lines++;
    fprintf(out, "faults: [%s]\n", item);
    fclose(in), fclose(out);
    const char *pos = strstr(item, at);
    assert_non_null(pos);
    cli_result r;
    assert_int_equal(cli_run((char *const[]){"vpcsim", "run", path, "--quiet", NULL}, &r), 0);
    unlink(path);
    snprintf(want, sizeof want, "%s:%d:%d: %s", path, lines + 1, (int)(pos - item) + 10, message);
    if (r.code != 2 || !strstr(r.err, want))
        fail_msg("exit %d, stderr:\n%s\nwanted: %s", r.code, r.err, want);
}

static void bad_fault_kind(void **state)
{
    (void)state;
    bad_fault(
        "{kind: dwn, component: direct_connect/dc1, start: 3s}", "dwn",
        "key 'kind': expected one of az_impaired, down, latency, errors, region, got \"dwn\"");
}

static void bad_fault_component_kind(void **state)
{
    (void)state;
    bad_fault("{kind: down, component: direct_conect/dc1, start: 3s}", "direct_conect",
              "faults: unknown component kind 'direct_conect'; did you mean 'direct_connect'?");
    bad_fault("{kind: down, component: gateway_endpoint/gw, start: 3s}", "gateway_endpoint",
              "faults: component kind 'gateway_endpoint' cannot fail");
}

static void bad_fault_instance(void **state)
{
    (void)state;
    bad_fault("{kind: down, component: vpn_tunnel/dc2, start: 3s}", "vpn_tunnel",
              "faults: no vpn_tunnel 'dc2' in any architecture; did you mean 'dc1'?");
    bad_fault("{kind: errors, component: service_s3, rate: 0.1, start: 3s}", "service_s3",
              "faults: no workload of any architecture calls service_s3");
}

static void bad_fault_az(void **state)
{
    (void)state;
    bad_fault("{kind: az_impaired, az: use1-az7, start: 3s}", "use1-az7",
              "faults: AZ 'use1-az7' is not in the scenario's Regions");
    bad_fault("{kind: down, component: direct_connect/dc1, az: use1-az1, start: 3s}", "use1-az1",
              "faults: direct_connect is not zonal");
}

static void bad_fault_times(void **state)
{
    (void)state;
    bad_fault("{kind: down, component: direct_connect/dc1, start: 30s, end: 30s}", "30s}",
              "faults: end (30s) must be after start (30s)");
    bad_fault("{kind: down, component: direct_connect/dc1, end: 30s}", "{",
              "missing required key 'start'");
}

static void bad_fault_rate(void **state)
{
    (void)state;
    bad_fault("{kind: errors, component: service_sqs, rate: 0, start: 3s}", "0,",
              "faults: rate must be in (0, 1] (a share of requests), got 0");
    bad_fault("{kind: errors, component: service_sqs, rate: 1.5, start: 3s}", "1.5",
              "key 'rate': expected a number from 0 to 1, got \"1.5\"");
    bad_fault("{kind: errors, component: service_sqs, start: 3s}", "{",
              "faults: a fault of kind errors needs key 'rate'");
}

static void bad_fault_add(void **state)
{
    (void)state;
    bad_fault("{kind: latency, component: service_sqs, add: soon, start: 3s}", "soon",
              "expected a duration such as 250us or 1.5ms, got \"soon\"");
    bad_fault("{kind: latency, component: service_sqs, add: {dist: gauss, mean: 1ms}, start: 3s}",
              "gauss", "key 'dist': expected one of constant, exponential");
    bad_fault("{kind: down, component: service_sqs, add: 5ms, start: 3s}", "5ms",
              "faults: key 'add' does not apply to a fault of kind down");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(observer_counts_retries),
        cmocka_unit_test(observer_numbers_after_warmup),
        cmocka_unit_test(observer_unfinished_calls),
        cmocka_unit_test(nat_down_loses_calls_in_its_window),
        cmocka_unit_test(az_impaired_dns_ttl_and_retries),
        cmocka_unit_test(dns_fails_open_when_no_eni_is_left),
        cmocka_unit_test(dx_down_fails_over_to_vpn),
        cmocka_unit_test(replay_creates_calls_at_the_file_times),
        cmocka_unit_test(replay_errors_name_the_line),
        cmocka_unit_test(error_rate_with_and_without_retries),
        cmocka_unit_test(latency_fault_shifts_the_mean),
        cmocka_unit_test(faulted_runs_same_for_any_thread_count),
        cmocka_unit_test(bad_fault_kind),
        cmocka_unit_test(bad_fault_component_kind),
        cmocka_unit_test(bad_fault_instance),
        cmocka_unit_test(bad_fault_az),
        cmocka_unit_test(bad_fault_times),
        cmocka_unit_test(bad_fault_rate),
        cmocka_unit_test(bad_fault_add),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
