/* `vpcsim compare` end to end on tests/scenarios/compare/tiny.yaml (an M/D/1-PS NAT at rho 0.5,
 * 8 replications of 1 s): runs with different seeds show no regression (20 seed pairs: the
 * false-alarm rate stays near alpha); planted regressions (+2 ms of link latency, a NAT at 4
 * instead of 5 Gbps, a dearer per-GB price) are worse on exactly the figures they move, by the
 * amounts worked out by hand; with common random numbers the paired interval is narrower than
 * Welch's; files that cannot be compared and bad options exit 2. And the scenario's expectations:
 * pass, fail (exit 1) and inconclusive. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdbool.h>

#include <json-c/json.h>

#include "cli_run.h"

#define RUN(res, ...)                                                                              \
    assert_int_equal(cli_run((char *const[]){"vpcsim", __VA_ARGS__, NULL}, res), 0)

typedef struct fixture {
    char dir[64];       /* a temporary folder for the files */
    char scenario[512]; /* tiny.yaml */
    char base[128];     /* seed 11 */
} fixture;

static char *path_in(const fixture *fx, const char *name, char *buf, size_t n)
{
    snprintf(buf, n, "%s/%s", fx->dir, name);
    return buf;
}

/* vpcsim run tiny.yaml -o DIR/name --quiet with up to four more arguments (NULL-terminated). */
static void run_h5(const fixture *fx, const char *name, const char *a1, const char *a2,
                   const char *a3, const char *a4)
{
    static cli_result r;
    char out[128];
    char *argv[] = {
        "vpcsim",  "run",      (char *)fx->scenario, "-o",       path_in(fx, name, out, sizeof out),
        "--quiet", (char *)a1, (char *)a2,           (char *)a3, (char *)a4,
        NULL};
    assert_int_equal(cli_run(argv, &r), 0);
    if (r.code != 0) fail_msg("run %s: exit %d: %s", name, r.code, r.err);
}

static int setup(void **state)
{
    static fixture fx;
    snprintf(fx.dir, sizeof fx.dir, "/tmp/vpcsim-compare-XXXXXX");
    if (!mkdtemp(fx.dir)) return -1;
    cli_source_path("tests/scenarios/compare/tiny.yaml", fx.scenario, sizeof fx.scenario);
    path_in(&fx, "base.h5", fx.base, sizeof fx.base);
    run_h5(&fx, "base.h5", NULL, NULL, NULL, NULL);
    *state = &fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* compare --json BASE NEW [extra...]: the document, and the exit code into *code. */
static json_object *compare_json(const char *base, const char *new_, const char *extra,
                                 const char *extra2, int *code)
{
    char *out = NULL, err[4096];
    char *argv[] = {"vpcsim", "compare",     (char *)base,   (char *)new_,
                    "--json", (char *)extra, (char *)extra2, NULL};
    *code = cli_run_report(argv, &out, err, sizeof err);
    json_object *doc = out ? json_tokener_parse(out) : NULL;
    if (!doc) fail_msg("compare: exit %d, no JSON: %s", *code, err);
    free(out);
    return doc;
}

static json_object *get(json_object *o, const char *key)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(o, key, &v)) fail_msg("no key %s", key);
    return v;
}

static const char *str(json_object *o, const char *key)
{
    return json_object_get_string(get(o, key));
}

/* The test of metric (of any subject when subject is NULL), or NULL. */
static json_object *find_test(json_object *doc, const char *metric)
{
    json_object *tests = get(doc, "tests");
    for (size_t i = 0; i < json_object_array_length(tests); i++) {
        json_object *t = json_object_array_get_idx(tests, i);
        if (strcmp(str(t, "metric"), metric) == 0) return t;
    }
    return NULL;
}

/* Every test is worse when its metric is in worse (space-separated words), else same. */
static void assert_worse_exactly(json_object *doc, const char *worse)
{
    json_object *tests = get(doc, "tests");
    char word[40];
    for (size_t i = 0; i < json_object_array_length(tests); i++) {
        json_object *t = json_object_array_get_idx(tests, i);
        snprintf(word, sizeof word, " %s ", str(t, "metric"));
        char padded[256];
        snprintf(padded, sizeof padded, " %s ", worse);
        const char *want = strstr(padded, word) ? "worse" : "same";
        if (strcmp(str(t, "verdict"), want) != 0)
            fail_msg("%s of %s: %s, wanted %s", str(t, "metric"), str(t, "subject"),
                     str(t, "verdict"), want);
    }
}

static double num(json_object *t, const char *key)
{
    json_object *v = get(t, key);
    return v ? json_object_get_double(v) : NAN;
}

/* ---- no regression between seeds ------------------------------------------------------------- */

/* 20 pairs of runs that differ only in their seed: Welch's t (seeds differ), no regression in
 * any at alpha 0.01 but by chance. Holm-Bonferroni keeps a pair's chance of any false alarm at
 * most 0.01, so 20 pairs see more than 2 with probability below 0.002 (binomial). The rate over
 * 100+ pairs: experiments/regress.sh --false-alarms. */
static void different_seeds_no_regression(void **state)
{
    fixture *fx = *state;
    char a[128], b[128], sa[24], sb[24];
    int alarms = 0, code;
    for (int i = 0; i < 20; i++) {
        snprintf(sa, sizeof sa, "%d", 1000 + 2 * i);
        snprintf(sb, sizeof sb, "%d", 1001 + 2 * i);
        run_h5(fx, "a.h5", "--seed", sa, NULL, NULL);
        run_h5(fx, "b.h5", "--seed", sb, NULL, NULL);
        json_object *doc = compare_json(path_in(fx, "a.h5", a, sizeof a),
                                        path_in(fx, "b.h5", b, sizeof b), NULL, NULL, &code);
        assert_string_equal(str(doc, "method"), "welch");
        assert_true(code == 0 || code == 1);
        alarms += code == 1;
        json_object_put(doc);
    }
    print_message("false alarms: %d of 20 seed pairs at alpha 0.01\n", alarms);
    assert_true(alarms <= 2);
}

/* ---- planted regressions --------------------------------------------------------------------- */

/* +0.5 ms on every intra-AZ link: a call crosses two links each way (subnet-NAT, NAT-IGW), so
 * +2 ms on every latency figure and nothing else (open arrivals: the same calls complete). */
static void link_latency_is_worse_on_latency_only(void **state)
{
    fixture *fx = *state;
    char b[128];
    int code;
    run_h5(fx, "link.h5", "--set", "overrides.link_intra_az.latency=500us", NULL, NULL);
    json_object *doc =
        compare_json(fx->base, path_in(fx, "link.h5", b, sizeof b), NULL, NULL, &code);
    assert_int_equal(code, 1);
    assert_string_equal(str(doc, "method"), "paired");
    assert_worse_exactly(doc, "mean p50 p90 p99 p99.9");
    json_object *mean = find_test(doc, "mean");
    assert_float_equal(num(mean, "difference"), 2.0, 0.01);
    assert_true(num(mean, "ci_low") > 1.9 && num(mean, "ci_high") < 2.1);
    json_object_put(doc);
}

/* The NAT at 4 instead of 5 Gbps: utilisation 298/s x 8 x 2^20 b / 4 Gbps = 0.625 (from 0.5),
 * latency up, throughput and success unchanged. */
static void slower_nat_is_worse_on_latency_and_load(void **state)
{
    fixture *fx = *state;
    char b[128];
    int code;
    run_h5(fx, "bw.h5", "--set", "overrides.nat_gateway.bandwidth_max=4Gbps", NULL, NULL);
    json_object *doc = compare_json(fx->base, path_in(fx, "bw.h5", b, sizeof b), NULL, NULL, &code);
    assert_int_equal(code, 1);
    assert_worse_exactly(doc, "mean p50 p90 p99 p99.9 utilisation");
    json_object *u = find_test(doc, "utilisation");
    assert_float_equal(num(u, "base"), 0.5, 0.03);
    assert_float_equal(num(u, "new"), 0.625, 0.03);
    json_object_put(doc);
}

/* A price table whose NAT processing costs $0.09/GB instead of $0.045: the monthly cost only. */
static void dearer_price_is_worse_on_cost_only(void **state)
{
    fixture *fx = *state;
    char src[512], text[16384], prices[128], b[128];
    FILE *f = fopen(cli_source_path("experiments/prices/aws-us-east-1.yaml", src, sizeof src), "r");
    assert_non_null(f);
    size_t len = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[len] = 0;
    char *at = strstr(text, "nat_gateway_processing:\n    price: $0.045");
    assert_non_null(at);
    memcpy(strstr(at, "0.045"), "0.090", 5);
    f = fopen(path_in(fx, "prices.yaml", prices, sizeof prices), "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    run_h5(fx, "price.h5", "--prices", prices, NULL, NULL);
    int code;
    json_object *doc =
        compare_json(fx->base, path_in(fx, "price.h5", b, sizeof b), NULL, NULL, &code);
    assert_int_equal(code, 1);
    assert_worse_exactly(doc, "monthly_total");
    json_object_put(doc);
}

/* ---- paired vs Welch ------------------------------------------------------------------------- */

/* The slower NAT against the base with the same seed (paired) and with another (Welch): the
 * paired intervals of the mean latency and the NAT's utilisation are narrower (quantiles of 8
 * replications are printed, not asserted: their interval widths vary too much from seed to seed).
 */
static void paired_interval_is_narrower(void **state)
{
    fixture *fx = *state;
    char b[128], c[128];
    int code;
    run_h5(fx, "bw12.h5", "--set", "overrides.nat_gateway.bandwidth_max=4Gbps", "--seed", "12");
    json_object *paired =
        compare_json(fx->base, path_in(fx, "bw.h5", b, sizeof b), NULL, NULL, &code);
    json_object *welch =
        compare_json(fx->base, path_in(fx, "bw12.h5", c, sizeof c), NULL, NULL, &code);
    assert_string_equal(str(welch, "method"), "welch");
    const char *const metrics[] = {"mean", "p50", "p99", "utilisation"};
    for (size_t i = 0; i < 4; i++) {
        json_object *p = find_test(paired, metrics[i]), *w = find_test(welch, metrics[i]);
        double wp = num(p, "ci_high") - num(p, "ci_low"), ww = num(w, "ci_high") - num(w, "ci_low");
        print_message("%s: paired interval %.4g wide, Welch %.4g (ratio %.2f)\n", metrics[i], wp,
                      ww, wp / ww);
        if (i == 0 || i == 3) assert_true(wp < ww);
    }
    json_object_put(paired), json_object_put(welch);
}

/* ---- options and outputs --------------------------------------------------------------------- */

/* The reverse comparison improves: exit 0, unless --fail-on changed; a threshold above the change
 * makes it same; --metrics keeps the families asked for; Markdown lists the changes. */
static void options_steer_the_verdicts(void **state)
{
    fixture *fx = *state;
    static cli_result r;
    char b[128];
    int code;
    path_in(fx, "link.h5", b, sizeof b);
    json_object *doc = compare_json(b, fx->base, NULL, NULL, &code);
    assert_int_equal(code, 0);
    assert_int_equal(json_object_get_int(get(get(doc, "counts"), "better")), 5);
    json_object_put(doc);
    json_object_put(compare_json(b, fx->base, "--fail-on", "changed", &code));
    assert_int_equal(code, 1);
    /* +2 ms on 3.6 ms (p50) is +55%; on the mean +45%: a 200% threshold makes all same */
    json_object_put(compare_json(fx->base, b, "--threshold", "200%", &code));
    assert_int_equal(code, 0);
    doc = compare_json(fx->base, b, "--threshold", "mean=200%", &code);
    assert_int_equal(code, 1);
    assert_worse_exactly(doc, "p50 p90 p99 p99.9");
    json_object_put(doc);
    doc = compare_json(fx->base, b, "--metrics", "p99,cost", &code);
    assert_int_equal(json_object_array_length(get(doc, "tests")), 2);
    json_object_put(doc);
    RUN(&r, "compare", fx->base, b, "--markdown");
    assert_int_equal(r.code, 1);
    assert_text_has(r.out, "### vpcsim compare: 5 worse, 0 better, 11 same\n");
    assert_text_has(r.out, "| **worse** | - | nat | get | p99 (ms) |");
    RUN(&r, "compare", fx->base, b);
    assert_text_has(r.out, "paired t (same seed and replications: common random numbers)");
    assert_true(strstr(r.out, "\nworse ") && strstr(r.out, "\nworse ") < strstr(r.out, "\nsame "));
}

static void bad_input_exits_2(void **state)
{
    fixture *fx = *state;
    static cli_result r;
    char other[512], h5[128];
    RUN(&r, "compare", fx->base);
    assert_int_equal(r.code, 2);
    assert_text_has(r.err, "needs two files");
    RUN(&r, "compare", fx->base, "/nonexistent.h5");
    assert_int_equal(r.code, 2);
    assert_text_has(r.err, "/nonexistent.h5: No such file");
    RUN(&r, "compare", fx->base, fx->scenario);
    assert_int_equal(r.code, 2);
    RUN(&r, "compare", fx->base, fx->base, "--threshold", "p42=5%");
    assert_int_equal(r.code, 2);
    assert_text_has(r.err, "unknown metric 'p42'");
    RUN(&r, "compare", fx->base, fx->base, "--alpha", "2");
    assert_int_equal(r.code, 2);
    RUN(&r, "compare", fx->base, fx->base, "--fail-on", "better");
    assert_int_equal(r.code, 2);
    RUN(&r, "compare", fx->base, fx->base, "--bogus");
    assert_int_equal(r.code, 2);
    /* another scenario: refused with the reason, or compared on what both share */
    static cli_result run;
    RUN(&run, "run", cli_source_path("tests/scenarios/run/nat-cost.yaml", other, sizeof other),
        "-o", path_in(fx, "other.h5", h5, sizeof h5), "--quiet", "--duration", "1s");
    assert_int_equal(run.code, 0);
    RUN(&r, "compare", fx->base, h5);
    assert_int_equal(r.code, 2);
    assert_text_has(r.err, "cannot be compared: different scenarios ('compare-tiny' and "
                           "'nat-cost')");
    RUN(&r, "compare", fx->base, h5, "--partial");
    assert_int_equal(r.code, 0);
    assert_text_has(r.err, "warning: compared on what both files share: different scenarios");
    /* a file against itself: identical, nothing to test, exit 0 */
    RUN(&r, "compare", fx->base, fx->base);
    assert_int_equal(r.code, 0);
    assert_text_has(r.out, "0 worse, 0 better, 16 same");
}

/* ---- expectations ---------------------------------------------------------------------------- */

/* expect.yaml's bounds hold by a wide margin (its comment works them out): all pass, exit 0; a
 * mean below 2 ms (the M/D/1-PS mean is 4.36 ms) fails, exit 1; one replication has no interval:
 * inconclusive, exit 0 with a warning; a bad entry is a check error at its position, exit 2. */
static void expectations_pass_fail_inconclusive(void **state)
{
    (void)state;
    static cli_result r;
    char f[512], bad[512];
    cli_source_path("tests/scenarios/compare/expect.yaml", f, sizeof f);
    RUN(&r, "run", f, "--quiet");
    assert_int_equal(r.code, 0);
    assert_text_has(r.out, "expect.yaml:34:5: nat: get mean below 10ms: 4.4");
    assert_text_has(r.out, "  6 pass, 0 fail, 0 inconclusive\n");
    RUN(&r, "run", f, "--quiet", "--set", "expect.1.below=2ms");
    assert_int_equal(r.code, 1);
    assert_text_has(r.out, "get mean below 2ms: 4.4");
    assert_text_has(r.out, ": FAIL\n");
    assert_text_has(r.out, "  5 pass, 1 fail, 0 inconclusive\n");
    assert_text_has(r.err, "vpcsim run: 1 expectation failed");
    RUN(&r, "run", f, "--quiet", "--replications", "1");
    assert_int_equal(r.code, 0);
    assert_text_has(r.out, "(one replication): inconclusive: needs more replications\n");
    assert_text_has(r.err, "6 expectations inconclusive");
    RUN(&r, "check", f);
    assert_int_equal(r.code, 0);
    cli_source_path("tests/scenarios/bad/expect-unknown-workload.yaml", bad, sizeof bad);
    RUN(&r, "check", bad);
    assert_int_equal(r.code, 2);
    assert_text_has(r.err, "expect-unknown-workload.yaml:30:16: expect: unknown workload 'put'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(different_seeds_no_regression),
        cmocka_unit_test(link_latency_is_worse_on_latency_only),
        cmocka_unit_test(slower_nat_is_worse_on_latency_and_load),
        cmocka_unit_test(dearer_price_is_worse_on_cost_only),
        cmocka_unit_test(paired_interval_is_narrower),
        cmocka_unit_test(options_steer_the_verdicts),
        cmocka_unit_test(bad_input_exits_2),
        cmocka_unit_test(expectations_pass_fail_inconclusive),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
