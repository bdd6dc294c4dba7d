/* `vpcsim check` end to end through the binary: usage and bad input exit 2 with the loader's
 * file:line:col message; scenarios under tests/scenarios/check/ print paths, verdicts and the
 * static monthly cost (amounts worked by hand from the price table); --json is one valid JSON
 * document (checked by a small validator below, then read with json-c) with strings escaped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ctype.h>
#include <stdbool.h>

#include <json-c/json.h>
#include <json-c/json_pointer.h>

#include "cli_run.h"

#define RUN(res, ...)                                                                              \
    assert_int_equal(cli_run((char *const[]){"vpcsim", __VA_ARGS__, NULL}, res), 0)

/* A file of the source tree (tests/scenarios/check/NAME). */
static char *scenario_path(const char *name, char *buf, size_t n)
{
    const char *src = getenv("VPCSIM_SOURCE_DIR");
    assert_non_null(src);
    snprintf(buf, n, "%s/tests/scenarios/check/%s", src, name);
    return buf;
}

#define REPORT(out, ...)                                                                           \
    do {                                                                                           \
        char err_[4096];                                                                           \
        int code_ = cli_run_report((char *const[]){"vpcsim", __VA_ARGS__, NULL}, &(out), err_,     \
                                   sizeof err_);                                                   \
        if (code_ != 0) fail_msg("exit %d: %s", code_, err_);                                      \
        assert_string_equal(err_, "");                                                             \
    } while (0)

static void assert_lacks(const char *text, const char *unwanted)
{
    if (strstr(text, unwanted)) fail_msg("unexpected \"%s\" in:\n%s", unwanted, text);
}

/* The text from the line that starts with start up to the next line that starts with end (or
 * the end of text), copied into buf. */
static const char *section(const char *text, const char *start, const char *end, char *buf,
                           size_t n)
{
    const char *a = strstr(text, start), *b, *nl;
    if (!a) fail_msg("no section \"%s\" in:\n%s", start, text);
    nl = strchr(a, '\n'); /* the end is looked for from the next line on */
    b = end && nl ? strstr(nl, end) : NULL;
    size_t len = b ? (size_t)(b - a) : strlen(a);
    snprintf(buf, n, "%.*s", (int)len, a);
    return buf;
}

/* ---- a small JSON validator (RFC 8259 grammar; no semantic checks) --------------------------- */

static const char *json_value(const char *p, int depth);

static const char *json_ws(const char *p)
{
    while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') p++;
    return p;
}

static const char *json_str(const char *p)
{
    if (*p++ != '"') return NULL;
    while (*p != '"') {
        if ((unsigned char)*p < 0x20) return NULL; /* raw control characters are invalid */
        if (*p == '\\') {
            p++;
            if (*p == 'u') {
                for (int i = 1; i <= 4; i++)
                    if (!isxdigit((unsigned char)p[i])) return NULL;
                p += 4;
            } else if (!strchr("\"\\/bfnrt", *p) || !*p) {
                return NULL;
            }
        }
        p++;
    }
    return p + 1;
}

static const char *json_num(const char *p)
{
    if (*p == '-') p++;
    if (*p == '0')
        p++;
    else if (*p >= '1' && *p <= '9')
        while (isdigit((unsigned char)*p)) p++;
    else
        return NULL;
    if (*p == '.') {
        if (!isdigit((unsigned char)*++p)) return NULL;
        while (isdigit((unsigned char)*p)) p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-') p++;
        if (!isdigit((unsigned char)*p)) return NULL;
        while (isdigit((unsigned char)*p)) p++;
    }
    return p;
}

static const char *json_members(const char *p, char close, int depth)
{
    p = json_ws(p + 1);
    if (*p == close) return p + 1;
    for (;;) {
        if (close == '}') {
            if (!(p = json_str(json_ws(p)))) return NULL;
            p = json_ws(p);
            if (*p++ != ':') return NULL;
        }
        if (!(p = json_value(p, depth + 1))) return NULL;
        p = json_ws(p);
        if (*p == close) return p + 1;
        if (*p++ != ',') return NULL;
    }
}

static const char *json_value(const char *p, int depth)
{
    p = json_ws(p);
    if (depth > 64) return NULL;
    if (*p == '{') return json_members(p, '}', depth);
    if (*p == '[') return json_members(p, ']', depth);
    if (*p == '"') return json_str(p);
    if (strncmp(p, "true", 4) == 0) return p + 4;
    if (strncmp(p, "false", 5) == 0) return p + 5;
    if (strncmp(p, "null", 4) == 0) return p + 4;
    return json_num(p);
}

static bool json_valid(const char *text)
{
    const char *end = json_value(text, 0);
    return end && *json_ws(end) == 0;
}

static void json_validator_knows_good_from_bad(void **st)
{
    (void)st;
    assert_true(json_valid("{\"a\": [1, -2.5e3, \"x\\\"y\\u0001\", true, null], \"b\": {}}\n"));
    assert_false(json_valid("{\"a\": 1,}"));
    assert_false(json_valid("{\"a\": \"tab\there\"}"));
    assert_false(json_valid("{\"a\": 01}"));
    assert_false(json_valid("{\"a\": 1} {}"));
    assert_false(json_valid("[\"\\x\"]"));
}

/* ---- usage and bad input --------------------------------------------------------------------- */

static void usage_errors_exit_2(void **st)
{
    (void)st;
    static cli_result r;
    char path[4096];
    scenario_path("s3.yaml", path, sizeof path);
    RUN(&r, "check");
    assert_int_equal(r.code, 2);
    assert_text_has(r.err, "vpcsim check: missing the scenario FILE");
    assert_text_has(r.err, "usage: vpcsim check FILE [--json] [--prices FILE] [--defaults FILE] "
                           "[--fail-on VERDICTS]");
    assert_string_equal(r.out, "");
    RUN(&r, "check", path, "--jsn");
    assert_int_equal(r.code, 2);
    assert_text_has(r.err, "unknown option '--jsn'");
    RUN(&r, "check", path, path);
    assert_int_equal(r.code, 2);
    assert_text_has(r.err, "unexpected argument");
    RUN(&r, "check", path, "--prices");
    assert_int_equal(r.code, 2);
    assert_text_has(r.err, "--prices needs a value");
    RUN(&r, "check", "--help");
    assert_int_equal(r.code, 0);
    assert_text_has(r.out, "usage: vpcsim check FILE");
    RUN(&r, "--help");
    assert_text_has(r.out, "check FILE");
}

static void bad_scenario_exits_2_with_position(void **st)
{
    (void)st;
    static cli_result r;
    char path[4096], want[4200];
    scenario_path("bad_key.yaml", path, sizeof path);
    RUN(&r, "check", path);
    assert_int_equal(r.code, 2);
    snprintf(want, sizeof want, "%s:8:40: unknown key 'cdir'", path);
    if (strncmp(r.err, want, strlen(want)) != 0) fail_msg("stderr: %s", r.err);
    assert_text_has(r.err, "did you mean 'cidr'?");
    assert_string_equal(r.out, "");
    RUN(&r, "check", "/nonexistent/scenario.yaml", "--json");
    assert_int_equal(r.code, 2);
    assert_text_has(r.err, "/nonexistent/scenario.yaml");
    assert_string_equal(r.out, "");
}

/* Writes text to a fresh temporary file; its path goes to path (n >= 32). */
static void temp_file(const char *text, char *path, size_t n)
{
    snprintf(path, n, "/tmp/vpcsim-prices-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

/* The source file rel with `from` replaced by `to`, as a temporary file. */
static void mutated_file(const char *rel, const char *from, const char *to, char *path, size_t n)
{
    char src[4096], text[16384];
    const char *dir = getenv("VPCSIM_SOURCE_DIR");
    snprintf(src, sizeof src, "%s/%s", dir, rel);
    FILE *f = fopen(src, "r");
    assert_non_null(f);
    size_t len = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[len] = 0;
    char *at = strstr(text, from), out[16384];
    assert_non_null(at);
    snprintf(out, sizeof out, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
    temp_file(out, path, n);
}

/* The shipped table with `from` replaced by `to`, as a temporary file. */
static void mutated_prices(const char *from, const char *to, char *path, size_t n)
{
    mutated_file("experiments/prices/aws-us-east-1.yaml", from, to, path, n);
}

/* Issue 10, item 7: check passes only what run accepts, with the same message and position
 * (file:line:col): a rate above 1e12/s (the loader refuses it), a NAT bandwidth above its
 * bandwidth_max with scale-up (the model refuses it). Before, check said nothing (exit 0). */
static void check_rejects_what_run_rejects(void **st)
{
    (void)st;
    static const struct {
        const char *from, *to, *want;
    } cases[] = {
        {"rate: 100/s", "rate: 2e12/s",
         ":34:40: architecture 'same-az': workload 'download': "
         "key 'rate': must be more than 0/s and at most 1e12/s"},
        {"nat_gateway: {added_latency: 50us}",
         "nat_gateway: {added_latency: 50us, bandwidth: 200Gbps, scale_up_period: 10s}",
         "bandwidth in (0, bandwidth_max], got 10000000000 ns and 2e+11 of 1e+11 bps (scenario "},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[64];
        cli_result c, r;
        mutated_file("tests/scenarios/run/nat-cost.yaml", cases[i].from, cases[i].to, path,
                     sizeof path);
        assert_int_equal(cli_run((char *const[]){"vpcsim", "check", path, NULL}, &c), 0);
        assert_int_equal(
            cli_run((char *const[]){"vpcsim", "run", path, "--duration", "10ms", "--warmup", "1ms",
                                    "--replications", "1", "--quiet", NULL},
                    &r),
            0);
        unlink(path);
        if (c.code != 2 || r.code != 2 || !strstr(c.err, cases[i].want) ||
            !strstr(r.err, cases[i].want))
            fail_msg("check exit %d: %s\nrun exit %d: %s\nwanted: %s", c.code, c.err, r.code, r.err,
                     cases[i].want);
    }
    /* the override's position has its column: scenario FILE:38:75 */
    char path[64];
    cli_result c;
    mutated_file("tests/scenarios/run/nat-cost.yaml", cases[1].from, cases[1].to, path,
                 sizeof path);
    assert_int_equal(cli_run((char *const[]){"vpcsim", "check", path, NULL}, &c), 0);
    unlink(path);
    char want[128];
    snprintf(want, sizeof want, "(scenario %s:38:75)", path);
    assert_text_has(c.err, want);
}

static void bad_price_table_exits_2_with_position(void **st)
{
    (void)st;
    static cli_result r;
    char path[4096], prices[64], want[128];
    scenario_path("s3.yaml", path, sizeof path);
    mutated_prices("  nat_gateway:\n    price: $0.045", "  nat_gateway:\n    price: cheap", prices,
                   sizeof prices);
    RUN(&r, "check", path, "--prices", prices);
    assert_int_equal(r.code, 2);
    snprintf(want, sizeof want, "%s:25:12: key 'price': expected an amount of money", prices);
    if (strncmp(r.err, want, strlen(want)) != 0) fail_msg("stderr: %s", r.err);
    assert_string_equal(r.out, "");
    unlink(prices);
    RUN(&r, "check", path, "--prices", "/nonexistent/prices.yaml");
    assert_int_equal(r.code, 2);
    assert_text_has(r.err, "/nonexistent/prices.yaml");
}

/* ---- reports --------------------------------------------------------------------------------- */

/* Worked by hand from the price table: NAT 0.045 x 730 = 32.85; its 2 IPs 2 x 0.005 x 730 =
 * 7.30; the gateway endpoint is free; total 40.15 in both architectures. */
static void s3_text_report(void **st)
{
    (void)st;
    char *out = NULL;
    char path[4096], nat[4096], gw[4096];
    REPORT(out, "check", scenario_path("s3.yaml", path, sizeof path));
    assert_text_has(out, "scenario s3-egress (");
    assert_text_has(out, "2 architectures, 4 workload paths");
    assert_text_has(out, "prices: us-east-1, USD, taken 2026");
    section(out, "=== architecture nat ===", "=== architecture gw ===", nat, sizeof nat);
    section(out, "=== architecture gw ===", "\nsummary", gw, sizeof gw);
    /* through the NAT gateway in its AZ, then the internet gateway */
    assert_text_has(nat, "workload get-object: subnet priv-a (use1-az1) -> s3");
    assert_text_has(nat, "action   s3:GetObject on arn:aws:s3:::reports/*");
    assert_text_has(nat, "verdict  reachable\n");
    assert_text_has(nat, "nat-a      nat-gateway");
    assert_text_has(nat, "igw-app");
    assert_text_has(gw, "s3-gw");
    assert_lacks(section(gw, "workload get-object", "workload locked", gw, sizeof gw), "nat-a");
    section(out, "=== architecture gw ===", "\nsummary", gw, sizeof gw);
    /* no egress rule: denied, naming the security group */
    assert_text_has(nat, "verdict  denied: ");
    assert_text_has(section(nat, "  workload locked", "  static", nat, sizeof nat), "locked-sg");
    section(out, "=== architecture nat ===", "=== architecture gw ===", nat, sizeof nat);
    assert_text_has(nat,
                    "    nat-a      NAT gateway            1  gateway    $0.045/h   $32.85  S\n");
    assert_text_has(nat,
                    "    nat-a      public IPv4 address    2  address    $0.005/h    $7.30  S\n");
    assert_text_has(nat, "    total                                                      $40.15\n");
    assert_text_has(
        gw, "    s3-gw      gateway endpoint       1  endpoint     $0.00/h    $0.00  D21\n");
    assert_text_has(gw, "$40.15");
    assert_text_has(nat, "    sources: S  third-party 2026 pricing page\n");
    assert_text_has(out, "summary\n");
    assert_text_has(out, "  nat                   1       1            0          $40.15\n");
    assert_text_has(out, "  gw                    1       1            0          $40.15\n");
    free(out);
}

/* hybrid: TGW 3 attachments 3 x 0.05 x 730 = 109.50; DX 10 Gbps port 2.25 x 730 = 1,642.50; VPN
 * 0.05 x 730 = 36.50; SQS endpoint in 2 AZs 2 x 0.01 x 730 = 14.60; Resolver 2 ENIs 2 x 0.125 x
 * 730 = 182.50 (an assumption); total 1,985.60. hosted: no VPN, a 500 Mbps hosted port of
 * unknown price: 109.50 + 14.60 + 182.50 = 306.60 plus the unknown. */
static void onprem_text_report(void **st)
{
    (void)st;
    char *out = NULL;
    char path[4096], hy[8192], ho[8192];
    REPORT(out, "check", scenario_path("onprem.yaml", path, sizeof path));
    section(out, "=== architecture hybrid ===", "=== architecture hosted ===", hy, sizeof hy);
    section(out, "=== architecture hosted ===", "\nsummary", ho, sizeof ho);
    assert_text_has(hy, "workload bucket: on-premises site dc1 -> s3");
    assert_text_has(section(hy, "  workload bucket", "  static", hy, sizeof hy), "unreachable: ");
    section(out, "=== architecture hybrid ===", "=== architecture hosted ===", hy, sizeof hy);
    assert_text_has(section(hy, "  workload queue", "  workload bucket", hy, sizeof hy),
                    "verdict  reachable");
    section(out, "=== architecture hybrid ===", "=== architecture hosted ===", hy, sizeof hy);
    assert_text_has(hy, "sqs-ep");
    assert_text_has(hy, "TGW attachment");
    assert_text_has(hy, "$109.50");
    assert_text_has(hy, "DX port 10Gbps");
    assert_text_has(hy, "$1,642.50");
    assert_text_has(hy, "Site-to-Site VPN");
    assert_text_has(hy, "$14.60");
    assert_text_has(hy, "$182.50  A");
    assert_text_has(hy, "$1,985.60");
    assert_text_has(hy, "note (Resolver inbound endpoint): assumption to verify");
    assert_text_has(hy, "             A    assumption (no published number)\n");
    assert_text_has(ho, "DX port 500Mbps");
    assert_text_has(ho, "unknown");
    assert_text_has(ho, "not in the total: DX port 500Mbps dc1: unknown price");
    assert_lacks(ho, "Site-to-Site VPN");
    assert_text_has(ho, "$306.60");
    assert_text_has(out, "$1,985.60\n");
    assert_text_has(out, "$306.60 + ?\n");
    free(out);
}

/* The value at JSON pointer ptr (RFC 6901) of doc, as text ("null" when null); fails if absent. */
static const char *at(json_object *doc, const char *ptr)
{
    json_object *v = NULL;
    if (json_pointer_get(doc, ptr, &v)) fail_msg("no %s in the document", ptr);
    return v ? json_object_get_string(v) : "null";
}

static json_object *parse_json(const char *text)
{
    if (!json_valid(text)) fail_msg("not valid JSON:\n%s", text);
    json_object *doc = json_tokener_parse(text);
    assert_non_null(doc);
    return doc;
}

static void s3_json_report(void **st)
{
    (void)st;
    char *out = NULL;
    char path[4096];
    REPORT(out, "check", scenario_path("s3.yaml", path, sizeof path), "--json");
    json_object *doc = parse_json(out);
    assert_string_equal(at(doc, "/scenario/name"), "s3-egress");
    assert_string_equal(at(doc, "/prices/taken"), "2026");
    assert_string_equal(at(doc, "/prices/hours_per_month"), "730");
    assert_text_has(out, "\"hours_per_month\": 730");
    assert_string_equal(at(doc, "/architectures/0/workloads/0/verdict"), "reachable");
    assert_text_has(out, "\"verdict\": \"denied\"");
    const char *hop = "/architectures/0/workloads/0/paths/0/hops/1";
    char p[160];
    snprintf(p, sizeof p, "%s/component", hop);
    assert_string_equal(at(doc, p), "nat-a");
    snprintf(p, sizeof p, "%s/kind", hop);
    assert_string_equal(at(doc, p), "nat-gateway");
    snprintf(p, sizeof p, "%s/az", hop);
    assert_string_equal(at(doc, p), "use1-az1");
    /* the NAT's line: $0.045/h x 730 h = $32.85 (price table, S) */
    const char *line = "/architectures/0/cost/lines/0";
    static const char *const want[][2] = {{"component", "nat-a"},
                                          {"kind", "NAT gateway"},
                                          {"quantity", "1"},
                                          {"unit", "gateway"},
                                          {"price_known", "true"},
                                          {"usd_per_hour", "0.045"},
                                          {"monthly_usd", "32.85"},
                                          {"source", "S"},
                                          {"basis", "S: third-party 2026 pricing page"}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", line, want[i][0]);
        assert_string_equal(at(doc, p), want[i][1]);
    }
    assert_text_has(out, "\"monthly_usd\": 32.85,");
    assert_text_has(out, "\"total_monthly_usd\": 40.15");
    assert_lacks(out, "=== architecture");
    json_object_put(doc);
    free(out);
}

/* Escaped strings (a name with quotes and a backslash), null for unknown prices. */
static void onprem_json_report(void **st)
{
    (void)st;
    char *out = NULL;
    char path[4096];
    REPORT(out, "check", scenario_path("onprem.yaml", path, sizeof path), "--json");
    json_object *doc = parse_json(out);
    assert_text_has(out, "\"name\": \"on-prem \\\"hybrid\\\" \\\\ check\"");
    assert_string_equal(at(doc, "/scenario/name"), "on-prem \"hybrid\" \\ check");
    bool seen_unknown = false;
    json_object *archs = json_object_object_get(doc, "architectures");
    for (size_t a = 0; a < json_object_array_length(archs); a++) {
        json_object *lines = NULL;
        json_pointer_getf(archs, &lines, "/%zu/cost/lines", a);
        for (size_t i = 0; i < json_object_array_length(lines); i++) {
            json_object *l = json_object_array_get_idx(lines, i);
            if (strcmp(json_object_get_string(json_object_object_get(l, "kind")),
                       "DX port 500Mbps") != 0)
                continue;
            seen_unknown = true;
            assert_false(json_object_get_boolean(json_object_object_get(l, "price_known")));
            assert_null(json_object_object_get(l, "usd_per_hour"));
            assert_null(json_object_object_get(l, "monthly_usd"));
            assert_true(json_object_object_get_ex(l, "monthly_usd", NULL));
        }
    }
    assert_true(seen_unknown);
    assert_text_has(out, "\"total_monthly_usd\": 1985.60");
    assert_text_has(out, "\"total_monthly_usd\": 306.60");
    assert_text_has(out, "\"unknown_price_lines\": 1");
    assert_text_has(out, "\"verdict\": \"unreachable\"");
    json_object_put(doc);
    free(out);
}

/* --fail-on: s3.yaml has a denied path and no unreachable one (tests/scenarios/check/s3.yaml);
 * onprem.yaml an unreachable one. Exit 1 only when a path has a listed verdict. */
static void fail_on_verdicts(void **st)
{
    (void)st;
    static cli_result r;
    char s3[4096], onprem[4096];
    scenario_path("s3.yaml", s3, sizeof s3);
    scenario_path("onprem.yaml", onprem, sizeof onprem);
    RUN(&r, "check", s3, "--fail-on", "unreachable");
    assert_int_equal(r.code, 0);
    RUN(&r, "check", s3, "--fail-on", "denied");
    assert_int_equal(r.code, 1);
    assert_text_has(r.err, "--fail-on: architecture ");
    assert_text_has(r.err, ": denied");
    char *out = NULL, err[4096];
    assert_int_equal(cli_run_report((char *const[]){"vpcsim", "check", onprem, "--fail-on",
                                                    "denied,unreachable", "--json", NULL},
                                    &out, err, sizeof err),
                     1);
    assert_text_has(err, ": unreachable: ");
    json_object *doc = parse_json(out);
    free(out);
    assert_string_equal(at(doc, "/fail_on/failed"), "true");
    assert_string_equal(at(doc, "/fail_on/verdicts/1"), "unreachable");
    assert_string_equal(at(doc, "/fail_on/paths/0/verdict"), "unreachable");
    json_object_put(doc);
    RUN(&r, "check", s3, "--fail-on", "denied,lost");
    assert_int_equal(r.code, 2);
    assert_text_has(r.err, "unknown verdict 'lost'");
    RUN(&r, "check", s3, "--fail-on", "");
    assert_int_equal(r.code, 2);
}

/* --prices replaces the table: a NAT gateway at $0.10/h costs 73.00 a month. */
static void prices_option_changes_the_cost(void **st)
{
    (void)st;
    static cli_result r;
    char path[4096], prices[64];
    mutated_prices("  nat_gateway:\n    price: $0.045", "  nat_gateway:\n    price: $0.10", prices,
                   sizeof prices);
    RUN(&r, "check", scenario_path("s3.yaml", path, sizeof path), "--prices", prices);
    unlink(prices);
    if (r.code != 0) fail_msg("exit %d: %s", r.code, r.err);
    assert_text_has(r.out, "$0.10/h   $73.00");
    assert_text_has(r.out, "$80.30"); /* 73.00 + 7.30 */
    assert_text_has(r.out, prices);
}

/* The default table is the scenario's Region's: eu-west-1 at its NAT price ($0.048 x 730 =
 * $35.04, plus its address $3.65 = $38.69); a Region without a table exits 2 naming the tables,
 * unless --prices names one. */
static void default_prices_follow_the_region(void **st)
{
    (void)st;
    static cli_result r;
    char path[4096], moved[64], text[8192], out[8192];
    RUN(&r, "check", scenario_path("eu-west-1.yaml", path, sizeof path));
    if (r.code != 0) fail_msg("exit %d: %s", r.code, r.err);
    assert_text_has(r.out, "prices: eu-west-1, USD");
    assert_text_has(r.out, "$0.048/h   $35.04");
    assert_text_has(r.out, "$38.69");
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    text[fread(text, 1, sizeof text - 1, f)] = 0;
    fclose(f);
    size_t k = 0; /* every "eu-west-1" becomes "eu-south-2" */
    for (const char *at = text; *at;)
        if (strncmp(at, "eu-west-1", 9) == 0)
            k += (size_t)snprintf(out + k, sizeof out - k, "eu-south-2"), at += 9;
        else
            out[k++] = *at++;
    out[k] = 0;
    temp_file(out, moved, sizeof moved);
    RUN(&r, "check", moved);
    assert_int_equal(r.code, 2);
    assert_text_has(r.err, "no price table for Region eu-south-2 (tables: ap-northeast-1, "
                           "ap-southeast-1, eu-central-1, eu-west-1, us-east-1, us-east-2, "
                           "us-west-2); give one with --prices FILE");
    snprintf(path, sizeof path, "%s/experiments/prices/aws-us-east-1.yaml",
             getenv("VPCSIM_SOURCE_DIR"));
    RUN(&r, "check", moved, "--prices", path);
    unlink(moved);
    if (r.code != 0) fail_msg("exit %d: %s", r.code, r.err);
    assert_text_has(r.out, "components in eu-south-2 are priced at us-east-1 prices");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(json_validator_knows_good_from_bad),
        cmocka_unit_test(usage_errors_exit_2),
        cmocka_unit_test(bad_scenario_exits_2_with_position),
        cmocka_unit_test(bad_price_table_exits_2_with_position),
        cmocka_unit_test(check_rejects_what_run_rejects),
        cmocka_unit_test(s3_text_report),
        cmocka_unit_test(onprem_text_report),
        cmocka_unit_test(s3_json_report),
        cmocka_unit_test(onprem_json_report),
        cmocka_unit_test(fail_on_verdicts),
        cmocka_unit_test(prices_option_changes_the_cost),
        cmocka_unit_test(default_prices_follow_the_region),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
