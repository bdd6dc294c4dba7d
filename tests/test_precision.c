/* The stopping rule and the automatic warm-up of `vpcsim run` (sim/cli/run_precision.c) end to
 * end, on the M/M/1 of tests/scenarios/validate/mm1.yaml (mu 1000/s): the stopped run's interval
 * meets its target and holds the analytic value (E[T] = 1 / (mu - lambda), p99 = ln(100) /
 * (mu - lambda)); a cap that is hit says so; MSER-5's per-run cuts of an empty-start M/M/1 at
 * rho 0.9 sit near its relaxation time; results do not depend on --threads; bad keys give
 * file:line:col and exit 2. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <hdf5.h>
#include <json-c/json.h>

#include "cli_run.h"

#define MU 1000.0

/* tests/scenarios/validate/mm1.yaml with its `run:` line replaced by run_line, into a new
 * temporary folder; path receives the file. */
static void scenario_with(const char *run_line, char *path, size_t n)
{
    char src[512], dir[] = "/tmp/vpcsim-precision-XXXXXX", line[1024];
    assert_non_null(mkdtemp(dir));
    snprintf(path, n, "%s/mm1.yaml", dir);
    FILE *in = fopen(cli_source_path("tests/scenarios/validate/mm1.yaml", src, sizeof src), "r"),
         *out = fopen(path, "w");
    assert_non_null(in);
    assert_non_null(out);
    while (fgets(line, sizeof line, in))
        fputs(strncmp(line, "run:", 4) == 0 ? run_line : line, out);
    fputc('\n', out);
    fclose(in), fclose(out);
}

/* The /summary row (subject, metric) of the JSON document doc. */
static json_object *row(json_object *doc, const char *subject, const char *metric)
{
    json_object *rows = json_object_object_get(doc, "summary");
    for (size_t i = 0; rows && i < json_object_array_length(rows); i++) {
        json_object *r = json_object_array_get_idx(rows, i);
        if (!strcmp(json_object_get_string(json_object_object_get(r, "subject")), subject) &&
            !strcmp(json_object_get_string(json_object_object_get(r, "metric")), metric))
            return r;
    }
    fail_msg("no /summary row %s %s", subject, metric);
    return NULL;
}

static double field(json_object *r, const char *name)
{
    json_object *v = json_object_object_get(r, name);
    return v && !json_object_is_type(v, json_type_null) ? json_object_get_double(v) : NAN;
}

/* Runs `vpcsim run file --json json_path [extra...]`, expects exit 0, returns the document. */
static json_object *run_json(const char *file, const char *extra)
{
    char json[600];
    cli_result res;
    snprintf(json, sizeof json, "%s.json", file);
    char *argv[] = {"vpcsim", "run",    (char *)file, "--quiet",     "--threads",
                    "2",      "--json", json,         (char *)extra, NULL};
    assert_int_equal(cli_run(argv, &res), 0);
    if (res.code != 0) fail_msg("vpcsim run exits %d: %s", res.code, res.err);
    json_object *doc = json_object_from_file(json);
    assert_non_null(doc);
    return doc;
}

/* The rule stopped because it was met: the interval is as narrow as asked, holds the analytic
 * value, and the report says so. */
static void check_met(json_object *doc, const char *metric, double target, double analytic_ms)
{
    json_object *m = row(doc, "call", metric);
    double mean = field(m, "mean"), half = field(m, "half_width");
    if (!(half / mean <= target))
        fail_msg("%s: half-width %g of %g is more than %g%%", metric, half, mean, 100 * target);
    if (fabs(mean - analytic_ms) > half)
        fail_msg("%s: %g ± %g ms does not hold the analytic %g ms", metric, mean, half,
                 analytic_ms);
    assert_true(field(row(doc, "", "precision_met"), "mean") == 1);
    double n = field(row(doc, "", "precision_replications"), "mean");
    assert_true(n >= 5 && n < field(row(doc, "", "precision_max_replications"), "mean"));
    assert_true(field(m, "n") == n); /* the summary covers exactly the replications run */
}

/* rho 0.5: E[T] = 2 ms; stopping on the mean at 2%. */
static void mm1_mean_meets_target(void **st)
{
    (void)st;
    char file[600];
    scenario_with("run: {duration: 5s, warmup: 1s, replications: 5, precision: {metric: mean, "
                  "relative_half_width: 2%, confidence: 95%, max_replications: 100}}",
                  file, sizeof file);
    json_object *doc = run_json(file, NULL);
    check_met(doc, "mean", 0.02, 1e3 / (MU - 500));
    json_object_put(doc);
}

/* p99 of the sojourn time, exponential with rate mu - lambda: ln(100) / 500 = 9.21 ms. */
static void mm1_p99_meets_target(void **st)
{
    (void)st;
    char file[600];
    scenario_with("run: {duration: 5s, warmup: 1s, replications: 5, precision: {metric: p99, "
                  "relative_half_width: 3%, max_replications: 100}}",
                  file, sizeof file);
    json_object *doc = run_json(file, NULL);
    check_met(doc, "p99", 0.03, 1e3 * log(100) / (MU - 500));
    json_object_put(doc);
}

/* A target no cap of 4 can meet: the report and the rows say the cap was hit. */
static void cap_hit_is_reported(void **st)
{
    (void)st;
    char file[600], err[4096], *out = NULL;
    scenario_with("run: {duration: 2s, warmup: 1s, precision: {metric: p99.9, "
                  "relative_half_width: 0.1%, min_replications: 3, max_replications: 4}}",
                  file, sizeof file);
    char *argv[] = {"vpcsim", "run", file, "--quiet", NULL};
    assert_int_equal(cli_run_report(argv, &out, err, sizeof err), 0);
    assert_text_has(out, "x up to 4 replications");
    assert_text_has(out, "stopping rule: p99.9 within ±0.1% of its mean (95% interval): not met: "
                         "cap of 4 replications hit; widest ±");
    free(out);
    json_object *doc = run_json(file, NULL);
    assert_true(field(row(doc, "", "precision_met"), "mean") == 0);
    assert_true(field(row(doc, "", "precision_replications"), "mean") == 4);
    assert_true(field(row(doc, "call", "precision_relative_half_width"), "mean") > 0.001);
    assert_true(field(row(doc, "call", "p99.9"), "n") == 4);
    json_object_put(doc);
}

/* The batches and the warm-up cuts depend on results only: --threads 1 and 3 print the same. */
static void threads_do_not_matter(void **st)
{
    (void)st;
    char file[600], err[4096], *one = NULL, *three = NULL;
    scenario_with("run: {duration: 2s, warmup: auto, replications: 3, precision: {metric: p90, "
                  "relative_half_width: 2%, max_replications: 30}}",
                  file, sizeof file);
    char *a1[] = {"vpcsim", "run", file, "--quiet", "--threads", "1", NULL};
    char *a3[] = {"vpcsim", "run", file, "--quiet", "--threads", "3", NULL};
    assert_int_equal(cli_run_report(a1, &one, err, sizeof err), 0);
    assert_int_equal(cli_run_report(a3, &three, err, sizeof err), 0);
    assert_text_has(one, "stopping rule: p90");
    assert_text_has(one, "warm-up (MSER-5, per run): ");
    assert_string_equal(one, three);
    free(one), free(three);
}

/* The mean of the per-run warm-up_ns attributes of the file's runs, in s (and their count). */
static double mean_warmup_s(const char *h5, size_t *n)
{
    hid_t f = H5Fopen(h5, H5F_ACC_RDONLY, H5P_DEFAULT);
    double sum = 0;
    char group[128];
    assert_true(f >= 0);
    for (*n = 0;; (*n)++) {
        snprintf(group, sizeof group, "/architectures/privatelink/point0/rep%zu", *n);
        if (H5Lexists(f, "/architectures/privatelink/point0", H5P_DEFAULT) <= 0 ||
            H5Lexists(f, group, H5P_DEFAULT) <= 0)
            break;
        int64_t v;
        hid_t a = H5Aopen_by_name(f, group, "warmup_ns", H5P_DEFAULT, H5P_DEFAULT);
        assert_true(a >= 0);
        assert_true(H5Aread(a, H5T_NATIVE_INT64, &v) >= 0);
        H5Aclose(a);
        sum += (double)v / 1e9;
    }
    H5Fclose(f);
    return *n ? sum / (double)*n : NAN;
}

/* Empty-start M/M/1 at rho 0.9 (lambda 900/s), 20 s runs: the mean over 20 runs of MSER-5's cut
 * lies within [tau / 2, 6 tau], tau = 1 / (mu (1 - sqrt(rho))^2) = 0.38 s the relaxation time
 * (the tolerance tests/test_mser.c finds for the same queue by Lindley's recursion), and
 * E[T] = 10 ms lies inside the interval of what is left. */
static void mm1_rho09_warmup_near_relaxation(void **st)
{
    (void)st;
    char file[600], h5[640], json[640];
    cli_result res;
    scenario_with("run: {duration: 20s, warmup: auto, replications: 20}", file, sizeof file);
    snprintf(h5, sizeof h5, "%s.h5", file);
    snprintf(json, sizeof json, "%s.json", file);
    char *argv[] = {"vpcsim",    "run", file,        "--quiet",
                    "--threads", "2",   "--set",     "workloads.call.traffic.rate=900/s",
                    "-o",        h5,    "--records", "0",
                    "--json",    json,  NULL};
    assert_int_equal(cli_run(argv, &res), 0);
    assert_int_equal(res.code, 0);
    size_t n;
    double tau = 1 / (MU * pow(1 - sqrt(0.9), 2)), cut = mean_warmup_s(h5, &n);
    assert_int_equal(n, 20);
    if (!(cut >= tau / 2 && cut <= 6 * tau))
        fail_msg("mean cut %.3f s outside [%.3f, %.3f] s", cut, tau / 2, 6 * tau);
    json_object *doc = json_object_from_file(json);
    json_object *w = row(doc, "", "warmup_auto"), *m = row(doc, "call", "mean");
    assert_true(fabs(field(w, "mean") - cut) < 1e-9);
    if (fabs(field(m, "mean") - 10) > field(m, "half_width"))
        fail_msg("E[T] %g ± %g ms does not hold 10 ms", field(m, "mean"), field(m, "half_width"));
    json_object_put(doc);
}

/* A bad block: `vpcsim check` and `vpcsim run` both exit 2 naming the file, line and column. */
static void bad_block(const char *run_line, const char *want)
{
    char file[600], where[700];
    cli_result res;
    scenario_with(run_line, file, sizeof file);
    snprintf(where, sizeof where, "%s:", file);
    char *check[] = {"vpcsim", "check", file, NULL}, *run[] = {"vpcsim", "run", file, NULL};
    assert_int_equal(cli_run(check, &res), 0);
    assert_int_equal(res.code, 2);
    assert_text_has(res.err, where);
    assert_text_has(res.err, want);
    assert_int_equal(cli_run(run, &res), 0);
    assert_int_equal(res.code, 2);
    assert_text_has(res.err, where);
    assert_text_has(res.err, want);
}

static void bad_keys_give_positions(void **st)
{
    (void)st;
    bad_block("run: {precision: {metric: p98, relative_half_width: 2%}}", "p98");
    bad_block("run: {precision: {metric: p99, relative_halfwidth: 2%}}",
              "did you mean 'relative_half_width'");
    bad_block("run: {precision: {metric: p99}}", "relative_half_width");
    bad_block("run: {precision: {metric: p99, relative_half_width: 0%}}", "both excluded");
    bad_block("run: {precision: {metric: p99, relative_half_width: 2%, confidence: 100%}}",
              "both excluded");
    bad_block("run: {precision: {metric: mean, relative_half_width: 2%, min_replications: 50, "
              "max_replications: 10}}",
              "max_replications (10) is below min_replications (50)");
    bad_block("run: {precision: {metric: mean, relative_half_width: 2%, max_replications: 1}}",
              "max_replications");
    bad_block("run: {precision: 5%}", "expected a map");
    bad_block("run: {warmup: automatic}", "warmup");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mm1_mean_meets_target),
        cmocka_unit_test(mm1_p99_meets_target),
        cmocka_unit_test(cap_hit_is_reported),
        cmocka_unit_test(threads_do_not_matter),
        cmocka_unit_test(mm1_rho09_warmup_near_relaxation),
        cmocka_unit_test(bad_keys_give_positions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
