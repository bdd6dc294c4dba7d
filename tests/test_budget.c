/* Accepted input that would exhaust memory fails fast with a clear message (issue 10, item 6):
 * a plan whose results exceed --memory-limit (100,000 replications; 100 sweep points x 1,000
 * replications; 10^4 points x 10^5 replications, before loading the points) exits 2 at once naming
 * the keys; a rate of 1e12/s stops at the open-call bound with exit 1 within seconds; a YAML file
 * of 1.7 million list items (10 MB) is refused past 500,000 nodes instead of taking 0.3 GB (0.9 GB
 * in the measure). Each fails before the fix (exit 0 after long growth, or a timeout). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <time.h>

#include "cli_run.h"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* nat-cost.yaml with `from` replaced by `to`, at path. */
static void variant(const char *from, const char *to, const char *path)
{
    char src[512], text[8192];
    FILE *f = fopen(cli_source_path("tests/scenarios/run/nat-cost.yaml", src, sizeof src), "r");
    assert_non_null(f);
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    char *at = strstr(text, from);
    assert_non_null(at);
    FILE *out = fopen(path, "w");
    assert_non_null(out);
    fprintf(out, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
    fclose(out);
}

/* Runs argv; checks the exit code, a message and the wall time. */
static void expect(char *const argv[], int code, const char *msg, double max_s)
{
    cli_result r;
    double t0 = now_s();
    assert_int_equal(cli_run(argv, &r), 0);
    double took = now_s() - t0;
    if (r.code != code || !strstr(r.err, msg) || took > max_s)
        fail_msg("exit %d after %.1f s (wanted %d within %.0f s, saying \"%s\"): %s", r.code, took,
                 code, max_s, msg, r.err);
}

static void too_many_results_fail_at_once(void **st)
{
    (void)st;
    char f[512];
    cli_source_path("tests/scenarios/run/nat-cost.yaml", f, sizeof f);
    expect((char *const[]){"vpcsim", "run", f, "--replications", "100000", "--duration", "1ms",
                           "--warmup", "0s", "--quiet", "--memory-limit", "1GiB", NULL},
           2,
           "x 100000 replications: run.sweep, run.replications or --replications), over the "
           "memory budget of 1.0 GiB (--memory-limit)",
           5);
    const char *path = "/tmp/vpcsim-budget-sweep.yaml";
    variant("run: {duration: 10s, warmup: 1s, replications: 1}",
            "run:\n  duration: 1ms\n  warmup: 0s\n  replications: 1000\n  sweep:\n"
            "    overrides.service_s3.latency: [1ms, 2ms, 3ms, 4ms, 5ms, 6ms, 7ms, 8ms, 9ms, "
            "10ms]\n    workloads.download.traffic.rate: [10/s, 20/s, 30/s, 40/s, 50/s, 60/s, "
            "70/s, 80/s, 90/s, 100/s]\n",
            path);
    expect(
        (char *const[]){"vpcsim", "run", (char *)path, "--quiet", "--memory-limit", "1GiB", NULL},
        2, "(100 sweep points x 2 architectures x 1000 replications", 20);
    /* 10^4 points x 10^5 replications: refused before the points are loaded (before: 15 s and
     * 2.8 GB loading them, or 17 s and exit 1 in the issue) */
    static char run[4096];
    size_t n = (size_t)snprintf(run, sizeof run,
                                "run:\n  duration: 1ms\n  warmup: 0s\n"
                                "  replications: 100000\n  sweep:\n"
                                "    overrides.service_s3.latency: [1ms");
    for (int i = 2; i <= 100; i++) n += (size_t)snprintf(run + n, sizeof run - n, ", %dms", i);
    n += (size_t)snprintf(run + n, sizeof run - n, "]\n    workloads.download.traffic.rate: [1/s");
    for (int i = 2; i <= 100; i++) n += (size_t)snprintf(run + n, sizeof run - n, ", %d/s", i);
    snprintf(run + n, sizeof run - n, "]\n");
    variant("run: {duration: 10s, warmup: 1s, replications: 1}", run, path);
    expect(
        (char *const[]){"vpcsim", "run", (char *)path, "--quiet", "--memory-limit", "64GiB", NULL},
        2, "(10000 sweep points x 2 architectures x 100000 replications", 5);
    unlink(path);
}

static void impossible_rate_stops_at_the_open_call_bound(void **st)
{
    (void)st;
    const char *path = "/tmp/vpcsim-budget-rate.yaml";
    variant("rate: 100/s", "rate: 1e12/s", path);
    expect((char *const[]){"vpcsim", "run", (char *)path, "--replications", "1", "--duration", "1s",
                           "--quiet", NULL},
           1, "memory budget: more than 4194304 calls open at once", 30);
    unlink(path);
}

static void huge_yaml_is_refused(void **st)
{
    (void)st;
    const char *path = "/tmp/vpcsim-budget-big.yaml";
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("version: 1\nname: big\nitems:\n", f);
    for (int i = 0; i < 1750000; i++) fputs("  - 1\n", f); /* 10 MB */
    fclose(f);
    expect((char *const[]){"vpcsim", "check", (char *)path, NULL}, 2,
           ":499997:5: more than 500000 nodes" /* 3 header lines, 7 nodes before the items */, 10);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(too_many_results_fail_at_once),
        cmocka_unit_test(impossible_rate_stops_at_the_open_call_bound),
        cmocka_unit_test(huge_yaml_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
