/* `vpcsim run` end to end through the binary: the same seed gives the same report for any
 * --threads (runs side by side, one after the other, or one run split across threads); a gateway
 * endpoint beats a NAT gateway at p50 for S3 (paired, common random numbers); a NAT made into one
 * processor-sharing server matches queueing theory at rho 0.5 and 0.9; per-GB bills match the
 * hand computations in tests/scenarios/run/nat-cost.yaml; timeouts, retries and the retry token
 * bucket count as worked out in retries.yaml; new connections cost their handshake round trips
 * (handshake.yaml); rate schedules, on/off bursts and closed loops offer the load they should
 * (arrivals.yaml); unreachable workloads fail at once; bad options
 * and inputs exit 2 with a message; runs split by the partitioner (or, with --split-always,
 * wherever a cut exists) report what one thread reports, and --verbose says how they were split.
 * Durations are short: the whole file runs in seconds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <math.h>

#include "cli_run.h"
#include "vpcsim/aws/client.h"

#define REPORT(...) cli_report_ok((char *const[]){"vpcsim", "run", __VA_ARGS__, "--quiet", NULL})

/* The cells of the row of `name` in the table headed `head` in architecture `arch`'s section (or
 * the section whose header starts with arch, when arch starts with "==="),
 * split at runs of two or more spaces, into cells[ncells][64]. Returns the number of cells. */
static size_t row_cells(const char *text, const char *arch, const char *head, const char *name,
                        char cells[][64], size_t ncells)
{
    char key[128];
    if (strncmp(arch, "===", 3) == 0)
        snprintf(key, sizeof key, "%s", arch);
    else
        snprintf(key, sizeof key, "=== architecture %s ===", arch);
    const char *a = strstr(text, key);
    if (!a) fail_msg("no section %s in:\n%s", arch, text);
    const char *t = strstr(a, head);
    if (!t) fail_msg("no table \"%s\" in %s:\n%s", head, arch, a);
    snprintf(key, sizeof key, "\n    %s  ", name);
    const char *r = strstr(t, key);
    if (!r) fail_msg("no row %s under \"%s\":\n%s", name, head, t);
    r += 5;
    size_t n = 0;
    while (*r && *r != '\n' && n < ncells) {
        size_t len = 0;
        while (r[len] && r[len] != '\n' && !(r[len] == ' ' && r[len + 1] == ' ')) len++;
        snprintf(cells[n++], 64, "%.*s", (int)len, r);
        r += len;
        while (*r == ' ') r++;
    }
    return n;
}

/* "12.3 ± 0.4" -> mean and half-width (0 without one). */
static void parse_ci(const char *cell, double *mean, double *half)
{
    char *end;
    *mean = strtod(cell, &end);
    if (end == cell) fail_msg("not a number: \"%s\"", cell);
    *half = strncmp(end, " ± ", strlen(" ± ")) == 0 ? strtod(end + strlen(" ± "), NULL) : 0;
}

/* ---- determinism ----------------------------------------------------------------------------- */

/* s3-access has three architectures: with one replication, --threads 4 splits each run across
 * threads, --threads 2 runs two side by side, --threads 1 runs them one after the other. */
static void same_output_for_any_thread_count(void **state)
{
    (void)state;
    char f[512];
    cli_source_path("experiments/examples/s3-access.yaml", f, sizeof f);
    char *one = REPORT(f, "--duration", "300ms", "--warmup", "100ms", "--replications", "1",
                       "--threads", "1");
    char *two = REPORT(f, "--duration", "300ms", "--warmup", "100ms", "--replications", "1",
                       "--threads", "2");
    char *four = REPORT(f, "--duration", "300ms", "--warmup", "100ms", "--replications", "1",
                        "--threads", "4");
    char *heap = REPORT(f, "--duration", "300ms", "--warmup", "100ms", "--replications", "1",
                        "--queue", "heap");
    /* the partitioner keeps these runs on one thread (too little work per window): split them
     * anyway, into 2 and 4 partitions */
    char *split2 = REPORT(f, "--duration", "300ms", "--warmup", "100ms", "--replications", "1",
                          "--threads", "4", "--split-always");
    char *split4 = REPORT(f, "--duration", "300ms", "--warmup", "100ms", "--replications", "3",
                          "--threads", "2", "--split-always");
    char *three = REPORT(f, "--duration", "300ms", "--warmup", "100ms", "--replications", "3",
                         "--threads", "1");
    assert_string_equal(one, two);
    assert_string_equal(one, four);
    assert_string_equal(one, heap);
    assert_string_equal(one, split2);
    assert_string_equal(three, split4);
    free(split2), free(split4), free(three);
    assert_text_has(one, "1 replication of 300ms after 100ms of warm-up, seed 42");
    char *other = REPORT(f, "--duration", "300ms", "--warmup", "100ms", "--replications", "1",
                         "--seed", "43");
    assert_true(strcmp(one, other) != 0);
    free(one), free(two), free(four), free(heap), free(other);
}

/* A multi-group scenario (on premises, DX, TGW, endpoints, NLB) with handshakes and a closed
 * loop, its two runs split across 4 threads or not. */
static void same_output_multi_hop(void **state)
{
    (void)state;
    char f[512];
    cli_source_path("experiments/examples/hybrid-dx-vpn.yaml", f, sizeof f);
    char *one = REPORT(f, "--duration", "300ms", "--warmup", "100ms", "--replications", "1",
                       "--threads", "1");
    char *four = REPORT(f, "--duration", "300ms", "--warmup", "100ms", "--replications", "1",
                        "--threads", "4");
    char *split = REPORT(f, "--duration", "300ms", "--warmup", "100ms", "--replications", "1",
                         "--threads", "4", "--split-always");
    assert_string_equal(one, four);
    assert_string_equal(one, split);
    free(split);
    assert_text_has(one, "direct-connect/dc1");
    assert_text_has(one, "transit-gateway/tgw1/use1-az1");
    free(one), free(four);
}

/* The large benchmark estate (two Regions, TGW peering, DX) at a short duration: one run split
 * between the Regions by the partitioner (windows of 1 ms, the internet's least latency, hold
 * thousands of events) gives the report of one thread; --verbose says how it was split and why,
 * and tgw-hub (one Region, 10 us links, 4 events a window) stays on one thread, saying so. */
static void large_estate_split_same_output(void **state)
{
    (void)state;
    char f[512], hub[512];
    cli_source_path("experiments/bench/large-estate.yaml", f, sizeof f);
    cli_source_path("experiments/bench/tgw-hub.yaml", hub, sizeof hub);
    char *one = REPORT(f, "--duration", "200ms", "--warmup", "50ms", "--threads", "1");
    char *two = REPORT(f, "--duration", "200ms", "--warmup", "50ms", "--threads", "2");
    char *three = REPORT(f, "--duration", "200ms", "--warmup", "50ms", "--threads", "3");
    assert_string_equal(one, two);
    assert_string_equal(one, three);
    free(one), free(two), free(three);
    /* scheduled faults (their ways are part of each client's ways: the load hints read only
     * the fault-free ones) */
    char dx[512];
    cli_source_path("experiments/hybrid-dx.yaml", dx, sizeof dx);
    one = REPORT(dx, "--duration", "300ms", "--warmup", "100ms", "--replications", "1", "--threads",
                 "1");
    two = REPORT(dx, "--duration", "300ms", "--warmup", "100ms", "--replications", "1", "--threads",
                 "4", "--split-always");
    assert_string_equal(one, two);
    free(one), free(two);
    cli_result *r = malloc(sizeof *r);
    assert_non_null(r);
    assert_int_equal(cli_run((char *const[]){"vpcsim", "check", f, NULL}, r), 0);
    assert_int_equal(r->code, 0);
    assert_text_has(r->out, "estate               22       0            0");
    assert_int_equal(
        cli_run((char *const[]){"vpcsim", "run", f, "--duration", "200ms", "--warmup", "50ms",
                                "--threads", "2", "--verbose", "--json", "/dev/null", NULL},
                r),
        0);
    assert_int_equal(r->code, 0);
    assert_text_has(r->err, "partitions: 2 on 2 threads: split where "
                            "links are long");
    assert_text_has(r->err, "window 1 ms");
    assert_text_has(r->err, "partition 0: use1-az1 use1-az2 use1-az4 us-east-1 dc1");
    assert_text_has(r->err, "partition 1: usw2-az1 usw2-az2 usw2-az3 us-west-2 internet");
    assert_text_has(r->err, "lookahead between partitions 0 and 1: 1 ms");
    assert_text_has(r->err, "(each run split across the threads)");
    assert_int_equal(
        cli_run((char *const[]){"vpcsim", "run", hub, "--duration", "200ms", "--replications", "1",
                                "--threads", "2", "--verbose", "--json", "/dev/null", NULL},
                r),
        0);
    assert_int_equal(r->code, 0);
    assert_text_has(r->err, "partitions: 1 on 2 threads: one thread: a "
                            "split would not pay");
    assert_text_has(r->err, "window 10 us");
    assert_text_has(r->err, "(1 of 1 runs on one thread: a split would not pay)");
    /* its TGW and endpoint stations end most services at once (lp_handle_next): about a third
     * of the events, each counted */
    const char *at = strstr(r->err, " events handled at once");
    assert_non_null(at);
    while (at > r->err && at[-1] != '\n') at--;
    unsigned long long once = 0, events = 0;
    assert_int_equal(sscanf(at, " %llu of %llu events handled at once", &once, &events), 2);
    assert_true(events > 10000 && once > events / 5 && once < events / 2);
    free(r);
}

/* ---- comparisons ----------------------------------------------------------------------------- */

/* S3 through a gateway endpoint skips the NAT gateway's hop and latency: lower p50, and with
 * common random numbers a negative paired p50 difference. */
static void gateway_endpoint_beats_nat_at_p50(void **state)
{
    (void)state;
    char f[512], c[8][64];
    cli_source_path("experiments/examples/s3-access.yaml", f, sizeof f);
    char *out =
        REPORT(f, "--duration", "3s", "--warmup", "500ms", "--replications", "4", "--threads", "2");
    double nat, gw, half, d, dh;
    assert_true(row_cells(out, "nat", "workloads", "analytics-get", c, 8) >= 5);
    parse_ci(c[4], &nat, &half);
    assert_true(row_cells(out, "gateway-endpoint", "workloads", "analytics-get", c, 8) >= 5);
    parse_ci(c[4], &gw, &half);
    assert_true(gw < nat);
    assert_int_equal(row_cells(out, "=== paired differences", "Δ p50 ms", "gateway-endpoint", c, 8),
                     6);
    assert_string_equal(c[1], "analytics-get");
    parse_ci(c[3], &d, &dh);
    /* the p50s are histogram buckets of ~131 us at 20 ms, so the interval is wide; the paired
     * mean is not: about -0.26 ms (a NAT hop and a link each way) */
    if (!(d < 0 && dh > 0)) fail_msg("paired p50 difference %g +- %g is not below 0", d, dh);
    free(out);
}

/* ---- queueing theory ------------------------------------------------------------------------- */

#define T975_19 2.093024 /* Student t quantiles, 19 degrees of freedom (20 replications) */
#define T995_19 2.860935

/* The mean latency of workload get in FILE against expected_ms: inside the 99% interval, whose
 * half-width is under 3%. */
static void check_mean(const char *file, double expected_ms)
{
    char f[512], c[12][64];
    cli_source_path(file, f, sizeof f);
    char *out = REPORT(f, "--threads", "2");
    assert_text_has(out, "20 replications");
    assert_int_equal(row_cells(out, "nat", "workloads", "get", c, 12), 10);
    double mean, half95;
    parse_ci(c[8], &mean, &half95);
    double half99 = half95 * T995_19 / T975_19;
    if (fabs(mean - expected_ms) > half99 || half99 > 0.03 * expected_ms)
        fail_msg("%s: mean %g ms +- %g (99%%), expected %g ms", file, mean, half99, expected_ms);
    free(out);
}

static void nat_as_processor_sharing_rho_05(void **state)
{
    (void)state;
    check_mean("tests/scenarios/run/mg1ps-rho05.yaml", 1.0 + 1.6777216 / (1 - 298 * 1.6777216e-3));
}

static void nat_as_processor_sharing_rho_09(void **state)
{
    (void)state;
    check_mean("tests/scenarios/run/mg1ps-rho09.yaml",
               1.0 + 1.6777216 / (1 - 536.4 * 1.6777216e-3));
}

/* ---- cost ------------------------------------------------------------------------------------ */

static void per_gb_bill_matches_hand_computation(void **state)
{
    (void)state;
    char f[512], c[8][64];
    cli_source_path("tests/scenarios/run/nat-cost.yaml", f, sizeof f);
    char *out = REPORT(f);
    assert_int_equal(row_cells(out, "same-az", "monthly cost", "NAT gateway processing", c, 8), 3);
    assert_string_equal(c[1], "256641");
    assert_string_equal(c[2], "$11,548.83");
    assert_int_equal(row_cells(out, "same-az", "monthly cost", "total", c, 8), 2);
    assert_string_equal(c[1], "$11,690.45");
    row_cells(out, "same-az", "monthly cost", "per million completed requests", c, 8);
    assert_string_equal(c[1], "$44.48");
    /* S3 bills each GET: 100/s x 730 x 3600 s = 262,800,000 x $0.0004 per 1,000 = $105.12 */
    assert_int_equal(row_cells(out, "same-az", "AWS service requests", "S3 GET, HEAD", c, 8), 3);
    assert_string_equal(c[1], "262800000");
    assert_string_equal(c[2], "$105.12");
    row_cells(out, "same-az", "monthly cost", "AWS service requests (below)", c, 8);
    assert_string_equal(c[1], "$105.12");
    row_cells(out, "cross-az", "monthly cost",
              "cross-AZ transfer (out of one AZ and into the other)", c, 8);
    assert_string_equal(c[2], "$5,132.81");
    row_cells(out, "cross-az", "monthly cost", "total", c, 8);
    assert_string_equal(c[1], "$16,823.26");
    /* every latency is constant: the cross-AZ link adds 2 x (300 - 100) us */
    row_cells(out, "same-az", "workloads", "download", c, 8);
    assert_string_equal(c[4], "3.178");
    row_cells(out, "cross-az", "workloads", "download", c, 8);
    assert_string_equal(c[4], "3.578");
    free(out);
}

/* Whether arch's monthly cost table has a row named name. */
static bool has_cost_row(const char *text, const char *arch, const char *name)
{
    char key[128];
    snprintf(key, sizeof key, "=== architecture %s ===", arch);
    const char *a = strstr(text, key), *t = a ? strstr(a, "monthly cost") : NULL;
    const char *end = t ? strstr(t, "\n    total  ") : NULL, *r;
    if (!end) fail_msg("no cost table for %s in:\n%s", arch, text);
    snprintf(key, sizeof key, "\n    %s  ", name);
    return (r = strstr(t, key)) && r < end;
}

/* Cross-AZ links into an interface endpoint or out of a TGW are not billed (AWS, 2022-04-01):
 * the bills of cross-az-free.yaml's header, worked by hand from AWS's prices. */
static void cross_az_free_through_privatelink_and_tgw(void **state)
{
    (void)state;
    char f[512], c[8][64];
    cli_source_path("tests/scenarios/run/cross-az-free.yaml", f, sizeof f);
    char *out = REPORT(f);
    const char *cross = "cross-AZ transfer (out of one AZ and into the other)",
               *through = "cross-AZ transfer through PrivateLink or Transit Gateway";
    row_cells(out, "endpoint-other-az", "monthly cost", "interface endpoint processing", c, 8);
    assert_string_equal(c[2], "$2,566.41");
    row_cells(out, "endpoint-other-az", "monthly cost", through, c, 8);
    assert_string_equal(c[1], "513281");
    assert_string_equal(c[2], "$0.00");
    assert_false(has_cost_row(out, "endpoint-other-az", cross));
    row_cells(out, "endpoint-other-az", "monthly cost", "total", c, 8);
    assert_string_equal(c[1], "$2,678.83"); /* with the GETs' $105.12 */
    row_cells(out, "tgw-two-azs", "monthly cost", "Transit Gateway processing", c, 8);
    assert_string_equal(c[2], "$5,132.81");
    row_cells(out, "tgw-two-azs", "monthly cost", "NAT gateway processing", c, 8);
    assert_string_equal(c[2], "$11,548.83");
    assert_false(has_cost_row(out, "tgw-two-azs", cross));
    row_cells(out, "tgw-two-azs", "monthly cost", "total", c, 8);
    assert_string_equal(c[1], "$16,896.26");
    assert_non_null(strstr(out, "free: AWS does not charge same-Region cross-AZ transfer"));
    free(out);
}

/* ---- failures -------------------------------------------------------------------------------- */

static void timeouts_retries_and_the_token_bucket(void **state)
{
    (void)state;
    char f[512], c[12][64];
    cli_source_path("tests/scenarios/run/retries.yaml", f, sizeof f);
    char *out = REPORT(f);
    /* per second of the 40 s window: 39 calls, 50 retries, 14 refusals */
    assert_int_equal(row_cells(out, "tiny-nat", "workloads", "standard", c, 12), 10);
    assert_string_equal(c[1], "0.9750");
    assert_string_equal(c[2], "0");
    assert_string_equal(c[9], "1.250");
    /* workload, one column per cause (client_cause_name), quota, late, unfinished */
    assert_int_equal(row_cells(out, "tiny-nat", "failures", "standard", c, 12),
                     CLIENT_FAIL_COUNT + 4);
    assert_string_equal(c[1], "0.9750");                     /* timeout */
    assert_string_equal(c[2], "0");                          /* dropped */
    assert_string_equal(c[CLIENT_FAIL_COUNT + 1], "0.3500"); /* no retry quota */
    assert_string_equal(c[CLIENT_FAIL_COUNT + 3], "0");      /* unfinished */
    row_cells(out, "tiny-nat", "workloads", "no-retry", c, 12);
    assert_string_equal(c[9], "0");
    row_cells(out, "tiny-nat", "failures", "no-retry", c, 12);
    assert_string_equal(c[1], "0.9750");
    assert_string_equal(c[CLIENT_FAIL_COUNT + 1], "0");
    free(out);
}

#define T975_9 2.262157 /* Student t quantiles, 9 degrees of freedom (10 replications) */
#define T995_9 3.249836

/* Offered rate of workload name in arrivals.yaml's report: inside the 99% interval of want. */
static void check_offered(const char *out, const char *name, double want)
{
    char c[12][64];
    double mean, half;
    row_cells(out, "gateway-endpoint", "workloads", name, c, 12);
    parse_ci(c[1], &mean, &half);
    if (fabs(mean - want) > half * T995_9 / T975_9)
        fail_msg("%s: offered %g/s +- %g (95%%), expected %g/s", name, mean, half, want);
}

/* A rate schedule, on/off bursts and a closed loop offer what arrivals.yaml works out. */
static void arrival_processes(void **state)
{
    (void)state;
    char f[512], c[12][64];
    cli_source_path("tests/scenarios/run/arrivals.yaml", f, sizeof f);
    char *out = REPORT(f);
    check_offered(out, "schedule", 112.5);
    check_offered(out, "onoff", 100);
    double rate, latency, half;
    row_cells(out, "gateway-endpoint", "workloads", "closed", c, 12);
    parse_ci(c[1], &rate, &half);
    parse_ci(c[8], &latency, &half);
    double want = 20 / (0.1 + latency / 1000); /* N / (think + response time) */
    if (fabs(rate - want) > 0.01 * want) fail_msg("closed: %g/s, expected %g/s", rate, want);
    free(out);
}

/* New connections make a TCP and a TLS round trip to the service's front end first. */
static void handshakes_before_requests(void **state)
{
    (void)state;
    char f[512], c[12][64];
    cli_source_path("tests/scenarios/run/handshake.yaml", f, sizeof f);
    char *out = REPORT(f);
    row_cells(out, "gateway-endpoint", "workloads", "reused", c, 12);
    assert_string_equal(c[8], "1.203");
    row_cells(out, "gateway-endpoint", "workloads", "new-connection", c, 12);
    assert_string_equal(c[8], "1.617");
    assert_text_has(out, "aws-service/s3/us-east-1/front-end");
    free(out);
}

/* hub-spoke-tgw: DynamoDB from a spoke cannot use the hub's gateway endpoint; its calls fail as
 * unreachable at the offered rate, and a workload that is unreachable in one architecture still
 * sees the same arrivals (common random numbers). */
static void unreachable_calls_fail_at_once(void **state)
{
    (void)state;
    char f[512], c[12][64], offered[64];
    cli_source_path("experiments/examples/hub-spoke-tgw.yaml", f, sizeof f);
    char *out = REPORT(f, "--duration", "2s", "--warmup", "0s", "--replications", "1");
    row_cells(out, "tgw-egress", "workloads", "spoke1-ddb", c, 12);
    snprintf(offered, sizeof offered, "%s", c[1]);
    assert_string_equal(c[2], "0");
    row_cells(out, "tgw-egress", "failures", "spoke1-ddb", c, 12);
    assert_string_equal(c[4], offered);
    row_cells(out, "peering", "workloads", "spoke2-web", c, 12);
    snprintf(offered, sizeof offered, "%s", c[1]);
    row_cells(out, "tgw-egress", "workloads", "spoke2-web", c, 12);
    assert_string_equal(c[1], offered);
    free(out);
}

/* ---- bad input ------------------------------------------------------------------------------- */

static void expect_usage(const char *want, char *const argv[])
{
    cli_result r;
    assert_int_equal(cli_run(argv, &r), 0);
    assert_int_equal(r.code, 2);
    if (!strstr(r.err, want)) fail_msg("missing \"%s\" in stderr:\n%s", want, r.err);
}

#define USAGE(want, ...) expect_usage(want, (char *const[]){"vpcsim", "run", __VA_ARGS__, NULL})

static void bad_options_exit_2(void **state)
{
    (void)state;
    char f[512];
    cli_source_path("tests/scenarios/run/nat-cost.yaml", f, sizeof f);
    USAGE("missing the scenario FILE", "--quiet");
    USAGE("--threads expects a whole number in [1, 256], got '0'", f, "--threads", "0");
    USAGE("--replications expects a whole number in [1, 100000], got 'x'", f, "--replications",
          "x");
    USAGE("--duration: expected a duration", f, "--duration", "10");
    USAGE("--duration must be more than 0s", f, "--duration", "0s");
    USAGE("--seed needs a value", f, "--seed");
    USAGE("unknown option '--sweep'", f, "--sweep");
    USAGE("unexpected argument", f, f);
    USAGE("no-such-file.yaml", "no-such-file.yaml");
    USAGE("no-such-defaults.yaml", f, "--defaults", "no-such-defaults.yaml");
}

/* A replay file that is not there: positioned at its key, exit 2, nothing run. */
static void replay_file_missing_exit_2(void **state)
{
    (void)state;
    char dir[] = "/tmp/vpcsim-run-replay-XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/replay.yaml", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    static const char text[] =
        "version: 1\nname: replay\nregions:\n  - {name: us-east-1, azs: [use1-az1]}\n"
        "architectures:\n  - name: a\n    vpcs:\n"
        "      - {name: v, region: us-east-1, cidr: 10.0.0.0/16}\n    subnets:\n"
        "      - {name: s, vpc: v, az: use1-az1, cidr: 10.0.1.0/24}\n"
        "    gateway_endpoints: [{name: g, vpc: v, service: s3, route_tables: [main]}]\n"
        "    route_tables: [{name: main, vpc: v}]\n"
        "workloads:\n  - name: w\n    source: {subnet: s}\n    target: {service: s3}\n"
        "    traffic: {arrival: replay, file: arrivals.txt}\n";
    assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
    close(fd);
    char want[600]; /* the file is looked for beside the scenario */
    snprintf(want, sizeof want,
             "%s:17:38: replay file: %s/arrivals.txt: cannot read: No such file or directory", path,
             dir);
    USAGE(want, path);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_output_for_any_thread_count),
        cmocka_unit_test(same_output_multi_hop),
        cmocka_unit_test(gateway_endpoint_beats_nat_at_p50),
        cmocka_unit_test(nat_as_processor_sharing_rho_05),
        cmocka_unit_test(nat_as_processor_sharing_rho_09),
        cmocka_unit_test(per_gb_bill_matches_hand_computation),
        cmocka_unit_test(cross_az_free_through_privatelink_and_tgw),
        cmocka_unit_test(timeouts_retries_and_the_token_bucket),
        cmocka_unit_test(arrival_processes),
        cmocka_unit_test(handshakes_before_requests),
        cmocka_unit_test(unreachable_calls_fail_at_once),
        cmocka_unit_test(bad_options_exit_2),
        cmocka_unit_test(replay_file_missing_exit_2),
        cmocka_unit_test(large_estate_split_same_output),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
