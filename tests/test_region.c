/* Region failures, Route 53 failover records and cross-Region PrivateLink
 * (tests/scenarios/region/failover.yaml): failover timing from the health check's interval,
 * failure threshold and the record's TTL, checked against Route 53's documented rules (status
 * changes after failure_threshold consecutive checks, the endpoint unhealthy once 18% or fewer of
 * the checkers report healthy) and against the plain bound threshold x interval .. + interval +
 * TTL; failback when the Region recovers; no failover without a secondary; the cross-Region path
 * (an inter-Region link, its bytes billed) and its denial when the provider has not enabled the
 * consumer's Region; bad inputs exit 2 with file:line:col. */
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
#include "vpcsim/aws/paths.h"
#include "vpcsim/aws/scenario.h"
#include "scenario_fixture.h"

#define S(x) ((vs_time)((x)*1e9))

/* failover.yaml: us-east-1 fails at 20 s and recovers at 140 s; health checks every 10 s,
 * threshold 3; the record's TTL 30 s (the clients' own DNS TTL is 60 s); 100 calls a second
 * (constant), no retries, timeout 1 s. */
static const double T_FAULT = 20, T_RECOVER = 140, INTERVAL = 10, THRESHOLD = 3, TTL = 30;
/* Route 53: unhealthy once 82% of the unsynchronised checkers (phases uniform over the interval)
 * have seen THRESHOLD failures, each known after the HTTP check's 4 s connection timeout; healthy
 * once more than 18% have seen THRESHOLD passes. */
#define DETECT_DOWN ((THRESHOLD - 1 + 0.82) * INTERVAL + 4)
#define DETECT_UP   ((THRESHOLD - 1 + 0.18) * INTERVAL)

typedef struct calls {
    client_call *v;
    size_t n, cap;
} calls;

static void on_call(void *ctx, uint32_t workload, const client_call *c)
{
    calls *l = ctx;
    (void)workload;
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 4096;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
        assert_non_null(l->v);
    }
    l->v[l->n++] = *c;
}

static fixture load(void)
{
    return fixture_load("region/failover.yaml");
}

/* The calls of workload wl of architecture `arch`, run for 240 s after 5 s of warm-up. */
static calls run_workload(const fixture *f, const char *arch, size_t wl, netmodel_result *r)
{
    int a = scenario_find_arch(f->s, arch);
    assert_true(a >= 0);
    const topology *t = &f->s->archs[a];
    calls l = {0}, other = {0};
    client_observer *ob = calloc(t->nworkloads, sizeof *ob);
    assert_non_null(ob);
    for (size_t w = 0; w < t->nworkloads; w++)
        ob[w] = (client_observer){on_call, w == wl ? &l : &other, (uint32_t)w, NULL};
    netmodel_config cfg = {
        .seed = 16, .warmup_ns = S(5), .duration_ns = S(240), .threads = 1, .observers = ob};
    vs_error err = {0};
    if (netmodel_run(t, f->params, &cfg, r, &err)) fail_msg("%s", err.msg);
    free(ob), free(other.v);
    return l;
}

static calls run_calls(const fixture *f, const char *arch, netmodel_result *r)
{
    return run_workload(f, arch, 0, r);
}

/* k of n within 4.5 standard deviations of n p (p in (0, 1)). */
static void assert_binomial(uint64_t k, uint64_t n, double p)
{
    double sd = sqrt((double)n * p * (1 - p));
    if (fabs((double)k - (double)n * p) > 4.5 * sd + 1)
        fail_msg("%llu of %llu, expected %.1f (sd %.1f)", (unsigned long long)k,
                 (unsigned long long)n, (double)n * p, sd);
}

/* Per 10 s bin of [from, from + TTL): calls matching `hit` against the chance that a call's cached
 * answer is still the old one, 1 - (t - from) / TTL (the bin's mean). */
static void assert_ttl_bins(const calls *l, double from, bool (*hit)(const client_call *))
{
    for (int b = 0; b < (int)(TTL / 10); b++) {
        double lo = from + 10 * b, hi = lo + 10;
        uint64_t n = 0, k = 0;
        for (size_t i = 0; i < l->n; i++) {
            double t = (double)l->v[i].start_ns / 1e9;
            if (t < lo || t >= hi) continue;
            n++;
            k += hit(&l->v[i]);
        }
        assert_true(n >= 990 && n <= 1001);
        assert_binomial(k, n, 1 - (10 * b + 5) / TTL);
    }
}

static bool failed(const client_call *c)
{
    return c->cause != CLIENT_CALL_OK;
}

/* The client's ways are those of each DNS state in turn (client.h, client_params.ways): way 0 the
 * primary's, way 1 the secondary's (after the switch), way 2 the primary's again (after the
 * recovery). */
static bool on_secondary(const client_call *c)
{
    assert_true(c->alt <= 2);
    return c->alt == 1;
}

static void failover_timing_and_failback(void **state)
{
    (void)state;
    fixture f = load();
    netmodel_result r;
    calls l = run_calls(&f, "failover", &r);
    double t_switch = T_FAULT + DETECT_DOWN, t_back = T_RECOVER + DETECT_UP;
    double last_fail = 0, first_fail = 1e9;
    uint64_t fails = 0;
    assert_true(l.n >= 23990);
    for (size_t i = 0; i < l.n; i++) {
        const client_call *c = &l.v[i];
        double t = (double)c->start_ns / 1e9;
        if (failed(c)) {
            fails++;
            assert_int_equal(c->cause, CLIENT_FAIL_TIMEOUT);
            last_fail = t > last_fail ? t : last_fail;
            first_fail = t < first_fail ? t : first_fail;
        }
        if (t < T_FAULT - 0.2) assert_false(failed(c) || on_secondary(c));
        if (t >= T_FAULT && t < t_switch) assert_true(failed(c)); /* detection: every call */
        if (t >= t_switch + TTL + 0.001) assert_false(failed(c)); /* every cache has expired */
        if (t >= t_switch + TTL + 0.001 && t < t_back) assert_true(on_secondary(c));
        if (t >= t_back + TTL + 0.001) assert_false(on_secondary(c)); /* failed back */
    }
    /* The plain arithmetic: requests to the primary fail from the fault for at least
     * threshold x interval and at most threshold x interval + an interval + the TTL. */
    assert_true(first_fail >= T_FAULT - 0.2 && first_fail < T_FAULT + 0.02);
    assert_true(last_fail - T_FAULT >= THRESHOLD * INTERVAL);
    assert_true(last_fail - T_FAULT < THRESHOLD * INTERVAL + INTERVAL + TTL);
    /* Over the TTL after the switch, the share still failing falls linearly... */
    assert_ttl_bins(&l, t_switch, failed);
    /* ...and after the Region recovers, the share still on the secondary likewise. */
    assert_ttl_bins(&l, t_back, on_secondary);
    /* In all: 100/s x (detection + TTL / 2), within 4.5 sd of the Bernoulli sum over the TTL. */
    double expect = 100 * (DETECT_DOWN + TTL / 2), sd = sqrt(100 * TTL / 6);
    assert_true(fabs((double)fails - expect) < 4.5 * sd + 25); /* + calls in flight at 20 s */
    free(l.v);
    netmodel_result_free(&r);
    fixture_unload(&f);
}

/* A record without a secondary cannot fail over: calls fail for the whole fault, and only then. */
static void no_secondary_fails_for_the_whole_fault(void **state)
{
    (void)state;
    fixture f = load();
    netmodel_result r;
    calls l = run_calls(&f, "single", &r);
    uint64_t in_fault = 0;
    for (size_t i = 0; i < l.n; i++) {
        const client_call *c = &l.v[i];
        double t = (double)c->start_ns / 1e9;
        assert_false(on_secondary(c));
        if (t >= T_FAULT && t < T_RECOVER) in_fault++;
        if (t >= T_FAULT && t < T_RECOVER - 0.2) { /* (later calls reach it after 140 s) */
            assert_true(failed(c));
        }
        if (t < T_FAULT - 0.2 || t >= T_RECOVER) assert_false(failed(c));
    }
    assert_int_equal(in_fault, 12000); /* 100/s constant over 120 s */
    free(l.v);
    netmodel_result_free(&r);
    fixture_unload(&f);
}

/* A record of an AWS service in two Regions: its hops to either are the same kinds, so the
 * secondary's way must still reach the us-west-2 service's station (not us-east-1's, which the
 * Region failure holds down): every call after the switch and the TTL succeeds. */
static void aws_service_secondary_is_the_other_regions(void **state)
{
    (void)state;
    fixture f = load();
    netmodel_result r;
    calls l = run_workload(&f, "failover", 1, &r);
    double t_switch = T_FAULT + DETECT_DOWN;
    uint64_t n = 0;
    for (size_t i = 0; i < l.n; i++) {
        double t = (double)l.v[i].start_ns / 1e9;
        if (t >= T_FAULT && t < t_switch) assert_true(failed(&l.v[i]));
        if (t >= t_switch + TTL + 0.001 && t < T_RECOVER) {
            n++;
            assert_false(failed(&l.v[i]));
        }
    }
    assert_true(n > 4500);
    bool west = false;
    for (size_t i = 0; i < r.ncomponents; i++)
        west |= strcmp(r.components[i].name, "aws-service/dynamodb/us-west-2") == 0;
    assert_true(west);
    free(l.v);
    netmodel_result_free(&r);
    fixture_unload(&f);
}

/* The path of the first workload of architecture `arch` without faults (the caller frees it). */
static path_result *resolve_first(const fixture *f, const char *arch)
{
    int a = scenario_find_arch(f->s, arch);
    path_result *pr = malloc(sizeof *pr);
    vs_error err = {0};
    assert_true(a >= 0);
    assert_non_null(pr);
    if (paths_resolve(&f->s->archs[a], 0, NULL, pr, &err)) fail_msg("%s", err.msg);
    return pr;
}

/* The cross-Region way has exactly one inter-Region link (consumer ENI to the provider's NLB), so
 * every completed call bills its request and response as inter-Region bytes. */
static void cross_region_path_bills_inter_region_bytes(void **state)
{
    (void)state;
    fixture f = load();
    path_result *pr = resolve_first(&f, "failover");
    assert_int_equal(pr->verdict, VERDICT_REACHABLE);
    int inter = 0;
    for (size_t h = 0; h < pr->alts[0].nhops; h++)
        if (pr->alts[0].hops[h].link == LINK_INTER_REGION) {
            inter++;
            assert_int_equal(pr->alts[0].hops[h].kind, HOP_NLB);
        }
    assert_int_equal(inter, 1);
    assert_non_null(strstr(pr->dns, "failover record 'api'"));
    assert_non_null(strstr(pr->dns, "answers its primary"));
    assert_non_null(strstr(pr->dns, "cross-Region PrivateLink to endpoint service 'api-east' in "
                                    "us-east-1"));
    free(pr);
    netmodel_result r;
    calls l = run_calls(&f, "failover", &r);
    const client_stats *st = &r.workloads[0].st;
    assert_true(st->succeeded > 0);
    assert_int_equal(st->bytes[CLIENT_BYTES_INTER_REGION], st->succeeded * (1024 + 1024));
    free(l.v);
    netmodel_result_free(&r);
    fixture_unload(&f);
}

/* Without the consumer's Region in the provider's supported_regions, the endpoint is denied. */
static void cross_region_needs_supported_region(void **state)
{
    (void)state;
    fixture f = load();
    path_result *pr = resolve_first(&f, "closed");
    assert_int_equal(pr->verdict, VERDICT_DENIED);
    assert_non_null(strstr(pr->reason, "endpoint service 'api-east'"));
    assert_non_null(strstr(pr->reason, "does not list us-east-2 in its supported_regions"));
    free(pr);
    fixture_unload(&f);
}

/* Region faults and failover states give the same report for any thread count (here the three
 * architectures' runs side by side). */
static void same_for_any_thread_count(void **state)
{
    (void)state;
    char f[512];
    cli_source_path("tests/scenarios/region/failover.yaml", f, sizeof f);
    char *one =
        cli_report_ok((char *const[]){"vpcsim", "run", f, "--duration", "90s", "--replications",
                                      "2", "--threads", "1", "--quiet", NULL});
    char *two =
        cli_report_ok((char *const[]){"vpcsim", "run", f, "--duration", "90s", "--replications",
                                      "2", "--threads", "2", "--quiet", NULL});
    assert_string_equal(one, two);
    assert_text_has(one, "aws-service/dynamodb/us-west-2");
    free(one), free(two);
}

/* The scenario with `old` replaced by `new` fails to load with message at the line and column of
 * `at` (in new). */
/* failover.yaml with the first `old` replaced by `new` (the caller frees it); *at_pos is the offset
 * of `at` (in new) in it. */
static char *replaced(const char *old, const char *new, const char *at, size_t *at_pos)
{
    char path[512], *text, *out;
    FILE *in;
    long len;
    cli_source_path("tests/scenarios/region/failover.yaml", path, sizeof path);
    assert_non_null(in = fopen(path, "rb"));
    fseek(in, 0, SEEK_END), len = ftell(in), rewind(in);
    text = calloc((size_t)len + 1, 1), out = calloc((size_t)len + strlen(new) + 1, 1);
    assert_true(fread(text, 1, (size_t)len, in) == (size_t)len);
    fclose(in);
    char *p = strstr(text, old);
    assert_non_null(p);
    size_t head = (size_t)(p - text);
    memcpy(out, text, head);
    strcpy(out + head, new);
    strcat(out, p + strlen(old));
    free(text);
    *at_pos = head + (size_t)(strstr(new, at) - new);
    return out;
}

static void bad_input(const char *old, const char *new, const char *at, const char *message)
{
    char want[1024];
    size_t pos;
    char *out = replaced(old, new, at, &pos);
    int line = 1, col = 1;
    for (const char *c = out; c < out + pos; c++) col = *c == '\n' ? (line++, 1) : col + 1;
    scenario *s = NULL;
    vs_error err = {0};
    assert_int_not_equal(scenario_load_buffer(out, strlen(out), "f.yaml", &s, &err), 0);
    snprintf(want, sizeof want, "f.yaml:%d:%d: ", line, col);
    if (!strstr(err.msg, want) || !strstr(err.msg, message))
        fail_msg("got: %s\nwanted: %s...%s", err.msg, want, message);
    free(out);
}

/* `check` sees the DR path before it is needed: when api-west has not enabled us-east-2, the
 * primary's DNS line says that the secondary would be denied, and why. */
static void check_names_a_denied_secondary(void **state)
{
    (void)state;
    size_t pos;
    char *text = replaced("{name: api-west, vpc: west, subnets: [west-a], supported_regions: "
                          "[us-east-2]}",
                          "{name: api-west, vpc: west, subnets: [west-a]}", "{", &pos);
    scenario *s = NULL;
    vs_error err = {0};
    path_result *pr = malloc(sizeof *pr);
    assert_non_null(pr);
    if (scenario_load_buffer(text, strlen(text), "f.yaml", &s, &err)) fail_msg("%s", err.msg);
    assert_int_equal(paths_resolve(&s->archs[0], 0, NULL, pr, &err), 0);
    assert_int_equal(pr->verdict, VERDICT_REACHABLE);
    assert_non_null(strstr(pr->dns, "secondary endpoint service 'api-west': denied: endpoint "
                                    "service 'api-west'"));
    assert_non_null(strstr(pr->dns, "does not list us-east-2 in its supported_regions"));
    free(pr), free(text);
    scenario_free(s);
}

static void bad_inputs(void **state)
{
    (void)state;
    bad_input("region: us-east-1, start", "region: us-east-9, start", "us-east-9",
              "faults: Region 'us-east-9' is not in the scenario's regions");
    bad_input("{kind: region, region: us-east-1,", "{kind: region,", "{kind",
              "faults: a fault of kind region needs key 'region'");
    bad_input("{kind: region, region: us-east-1,", "{kind: region, region: us-east-1, az: x,", "x,",
              "faults: key 'az' does not apply to a fault of kind region");
    bad_input("{kind: region, region: us-east-1,",
              "{kind: region, region: us-east-1, component: nlb/api-east,", "nlb/",
              "faults: key 'component' does not apply to a fault of kind region");
    bad_input("interval: 10s", "interval: 15s", "15s",
              "a Route 53 health check's interval is 10s or 30s, got 15s");
    bad_input("failure_threshold: 3", "failure_threshold: 11", "11", "key 'failure_threshold'");
    bad_input("target: {record: api}", "target: {record: apx}", "apx", "'apx'");
    bad_input("secondary: {endpoint_service: api-west}", "secondary: {endpoint_service: api-east}",
              "{endpoint", "the secondary is the primary");
    bad_input("secondary: {endpoint_service: api-west}", "secondary: {service: sqs}", "{service",
              "a service target needs its region");
    bad_input("supported_regions: [us-east-2]}", "supported_regions: [us-east-7]}", "us-east-7",
              "us-east-7");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(failover_timing_and_failback),
        cmocka_unit_test(no_secondary_fails_for_the_whole_fault),
        cmocka_unit_test(aws_service_secondary_is_the_other_regions),
        cmocka_unit_test(cross_region_path_bills_inter_region_bytes),
        cmocka_unit_test(cross_region_needs_supported_region),
        cmocka_unit_test(check_names_a_denied_secondary),
        cmocka_unit_test(same_for_any_thread_count),
        cmocka_unit_test(bad_inputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
