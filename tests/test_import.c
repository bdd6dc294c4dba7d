/* `vpcsim import` end to end: the estate of tests/import (written by gen_estate.py from
 * Terraform's documented JSON Output Format) imported from its state and from its plan gives the
 * same scenario; `check` gives the verdicts AWS's rules predict; the scenario runs; what cannot be
 * imported is listed; bad input is reported with its position and exit 2. */
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_run.h"

/* GCC 13 reports a dangling pointer into a malloc'd report after inlining (as in
 * test_run_cli.c); the pointers here never outlive the report. */
#pragma GCC diagnostic ignored "-Wdangling-pointer"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = calloc((size_t)n + 1, 1);
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) s[0] = 0;
    fclose(f);
    return s;
}

static void spit(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Imports fixture rel (with the workloads file if wl) to out; returns the exit code. */
static int import_to(const char *rel, const char *out, bool wl, cli_result *res)
{
    char in[1024], w[1024];
    if (rel[0] == '/')
        snprintf(in, sizeof in, "%s", rel);
    else
        cli_source_path(rel, in, sizeof in);
    cli_source_path("tests/import/workloads.yaml", w, sizeof w);
    char *argv[] = {
        "vpcsim", "import", "terraform", in, "-o", (char *)out, wl ? "--workloads" : NULL, w, NULL};
    assert_int_equal(cli_run(argv, res), 0);
    return res->code;
}

/* The scenario below its header (which names the input file). */
static const char *body(const char *yaml)
{
    const char *p = strstr(yaml, "\nregions:");
    assert_non_null(p);
    return p;
}

static void test_state_and_plan_agree(void **state)
{
    (void)state;
    cli_result r;
    assert_int_equal(import_to("tests/import/state.json", "/tmp/vpcsim-imp-s.yaml", true, &r), 0);
    assert_int_equal(import_to("tests/import/plan.json", "/tmp/vpcsim-imp-p.yaml", true, &r), 0);
    char *s = slurp("/tmp/vpcsim-imp-s.yaml"), *p = slurp("/tmp/vpcsim-imp-p.yaml");
    assert_non_null(s);
    assert_non_null(p);
    assert_string_equal(body(s), body(p));
    /* every element names its Terraform address; names come from the addresses */
    assert_text_has(
        s, "{name: hub.this, region: us-east-1, cidr: 10.0.0.0/16}  # module.hub.aws_vpc.this");
    assert_text_has(s, "# module.spoke[\"app2\"].aws_subnet.b");
    /* a plan's unknown ids were resolved through module outputs, variables and for_each */
    assert_text_has(p, "{name: spoke.app1.this, vpc: spoke.app1.this, subnets: [spoke.app1.a, "
                       "spoke.app1.b], route_table: spokes}");
    assert_text_has(p, "dns_shared_with: [spoke.app1.this, spoke.app2.this]");
    assert_text_has(p, "{destination: 192.168.0.0/16, attachment: tgw}");
    free(s), free(p);
}

/* The verdict line check prints for workload name (its first words are compared). */
static void assert_verdict(const char *out, const char *name, const char *want)
{
    char head[128], got[128] = "";
    snprintf(head, sizeof head, "workload %s:", name);
    size_t at = strstr(out, head) ? (size_t)(strstr(out, head) - out) : strlen(out);
    size_t v = at + (strstr(out + at, "    verdict  ")
                         ? (size_t)(strstr(out + at, "    verdict  ") - (out + at)) + 13
                         : 0);
    if (v > at) snprintf(got, sizeof got, "%.120s", out + v);
    if (strncmp(got, want, strlen(want)) != 0)
        fail_msg("workload %s: want verdict \"%s\", got \"%s\"", name, want, got);
}

/* The verdicts follow AWS's rules (DESIGN.md, Models), from the state and from the plan. */
static void test_check_verdicts(void **state)
{
    (void)state;
    cli_result r;
    static const char *const want[][2] = {
        {"spoke-to-sqs", "reachable"},   /* the hub's endpoint, its name shared with the spoke */
        {"onprem-to-sqs", "reachable"},  /* DX to the TGW, the Resolver inbound endpoint */
        {"onprem-to-s3", "unreachable"}, /* a gateway endpoint serves only its own VPC */
        {"hub-to-s3", "reachable"},
        {"hub-s3-write", "denied: endpoint policy 'hub.s3.policy'"},
        {"spoke-to-internet", "reachable"}, /* TGW -> egress VPC -> NAT -> internet gateway */
        {"legacy-to-sqs", "unreachable"}};  /* peered, but the zone is not shared with it */
    const char *files[] = {"tests/import/state.json", "tests/import/plan.json"};
    for (size_t f = 0; f < 2; f++) {
        assert_int_equal(import_to(files[f], "/tmp/vpcsim-imp-c.yaml", true, &r), 0);
        char *argv[] = {"vpcsim", "check", "/tmp/vpcsim-imp-c.yaml", NULL};
        char *out = cli_report_ok(argv);
        for (size_t i = 0; i < sizeof want / sizeof *want; i++)
            assert_verdict(out, want[i][0], want[i][1]);
        assert_text_has(out,
                        "DNS      sqs.us-east-1.amazonaws.com -> interface endpoint 'hub.sqs'");
        free(out);
    }
}

/* The same estate from AWS's describe-* outputs: the same verdicts; bad files name the place. */
static void test_aws_describe(void **state)
{
    (void)state;
    cli_result r;
    char dir[1024], w[1024];
    cli_source_path("tests/import/aws", dir, sizeof dir);
    cli_source_path("tests/import/workloads.yaml", w, sizeof w);
    char *argv[] = {"vpcsim",      "import", "aws", dir, "-o", "/tmp/vpcsim-imp-a.yaml",
                    "--workloads", w,        NULL};
    assert_int_equal(cli_run(argv, &r), 0);
    assert_int_equal(r.code, 0);
    char *check[] = {"vpcsim", "check", "/tmp/vpcsim-imp-a.yaml", NULL};
    char *out = cli_report_ok(check);
    static const char *const want[][2] = {
        {"spoke-to-sqs", "reachable"},
        {"onprem-to-sqs", "reachable"},
        {"onprem-to-s3", "unreachable"},
        {"hub-to-s3", "reachable"},
        {"hub-s3-write", "denied: endpoint policy 'hub.s3.policy'"},
        {"spoke-to-internet", "reachable"},
        {"legacy-to-sqs", "unreachable"}};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        assert_verdict(out, want[i][0], want[i][1]);
    free(out);
    char *run[] = {"vpcsim", "run", "/tmp/vpcsim-imp-a.yaml", "--duration", "1s", "--replications",
                   "1",      NULL};
    assert_int_equal(cli_run(run, &r), 0);
    if (r.code != 0) fail_msg("run: exit %d: %s", r.code, r.err);
    /* a malformed file: its line and column; a missing field: its JSON path */
    mkdir("/tmp/vpcsim-imp-aws", 0700);
    spit("/tmp/vpcsim-imp-aws/vpcs.json", "{\"Vpcs\": [\n  {\"VpcId\": \"vpc-1\",}\n]}\n");
    char *bad[] = {"vpcsim", "import", "aws", "/tmp/vpcsim-imp-aws", NULL};
    assert_int_equal(cli_run(bad, &r), 0);
    assert_int_equal(r.code, 2);
    assert_text_has(r.err, "vpcs.json:2:21: bad JSON");
    spit("/tmp/vpcsim-imp-aws/vpcs.json", "{\"Vpcs\": [{\"VpcId\": \"vpc-1\", \"CidrBlock\": "
                                          "\"10.0.0.0/16\"}, {\"VpcId\": \"vpc-2\"}]}");
    assert_int_equal(cli_run(bad, &r), 0);
    assert_int_equal(r.code, 2);
    assert_text_has(r.err, "vpcs.json: Vpcs[1].CidrBlock: expected a string");
}

static void test_imported_scenario_runs(void **state)
{
    (void)state;
    cli_result r;
    assert_int_equal(import_to("tests/import/state.json", "/tmp/vpcsim-imp-r.yaml", true, &r), 0);
    char *argv[] = {"vpcsim", "run", "/tmp/vpcsim-imp-r.yaml", "--duration", "1s", "--replications",
                    "1",      NULL};
    assert_int_equal(cli_run(argv, &r), 0);
    if (r.code != 0) fail_msg("run: exit %d: %s", r.code, r.err);
}

static void test_unsupported_are_listed(void **state)
{
    (void)state;
    cli_result r;
    assert_int_equal(import_to("tests/import/state.json", "/tmp/vpcsim-imp-u.yaml", false, &r), 0);
    assert_text_has(r.err, "not imported: module.egress.aws_network_acl.public: network ACLs");
    assert_text_has(r.err, "not imported: aws_s3_bucket.logs: resource type not in the scenario");
    char *s = slurp("/tmp/vpcsim-imp-u.yaml");
    assert_text_has(s, "# Not imported (3):\n#   - module.egress.aws_network_acl.public");
    assert_text_has(s, "# workloads:\n"); /* the skeleton, when no workloads were merged */
    assert_text_has(s, "workloads: []\n");
    free(s);
    char *argv[] = {"vpcsim", "check", "/tmp/vpcsim-imp-u.yaml", NULL};
    char *out = cli_report_ok(argv);
    assert_text_has(out, "no workloads");
    free(out);
}

static void test_bad_json_position(void **state)
{
    (void)state;
    cli_result r;
    unlink("/tmp/vpcsim-imp-b.yaml"); /* from an earlier run: the end checks none is written */
    /* the stray comma is on line 3, column 13 */
    spit("/tmp/vpcsim-imp-bad.json", "{\n  \"format_version\": \"1.0\",\n  \"values\": ,\n}\n");
    assert_int_equal(import_to("/tmp/vpcsim-imp-bad.json", "/tmp/vpcsim-imp-b.yaml", false, &r), 2);
    assert_text_has(r.err, "vpcsim-imp-bad.json:3:13: bad JSON");
    spit("/tmp/vpcsim-imp-bad.json", "{\"format_version\": \"2.0\", \"values\": {}}");
    assert_int_equal(import_to("/tmp/vpcsim-imp-bad.json", "/tmp/vpcsim-imp-b.yaml", false, &r), 2);
    assert_text_has(r.err, "format_version: \"2.0\" is a major version this build does not read");
    spit("/tmp/vpcsim-imp-bad.json", "{\"format_version\": \"1.0\"}");
    assert_int_equal(import_to("/tmp/vpcsim-imp-bad.json", "/tmp/vpcsim-imp-b.yaml", false, &r), 2);
    assert_text_has(r.err, "nothing to import");
    spit("/tmp/vpcsim-imp-bad.json",
         "{\"format_version\": \"1.0\", \"values\": {\"root_module\": {\"resources\": "
         "[{\"address\": "
         "\"aws_vpc.a\", \"type\": \"aws_vpc\", \"values\": {\"cidr_block\": 5}}]}}}");
    assert_int_equal(import_to("/tmp/vpcsim-imp-bad.json", "/tmp/vpcsim-imp-b.yaml", false, &r), 2);
    assert_text_has(r.err, "values.root_module.resources[0].values.cidr_block: expected a string");
    /* modules 12 deep: the path of the innermost one's resources passes the 192 characters a
     * path may have, an error naming the module, not a path cut short */
    char deep[1024] = "{\"format_version\": \"1.0\", \"values\": {\"root_module\": {";
    for (int i = 0; i < 12; i++) strcat(deep, "\"child_modules\": [{");
    strcat(deep, "\"resources\": [{\"address\": \"aws_vpc.a\", \"type\": \"aws_vpc\"}]");
    for (int i = 0; i < 12; i++) strcat(deep, "}]");
    strcat(deep, "}}}");
    spit("/tmp/vpcsim-imp-bad.json", deep);
    assert_int_equal(import_to("/tmp/vpcsim-imp-bad.json", "/tmp/vpcsim-imp-b.yaml", false, &r), 2);
    assert_text_has(r.err, "vpcsim-imp-bad.json: values.root_module.child_modules[0]");
    assert_text_has(r.err, ": modules nested too deeply");
    struct stat st;
    assert_int_not_equal(stat("/tmp/vpcsim-imp-b.yaml", &st), 0); /* nothing written */
}

/* count: `aws_subnet.private[count.index].id` gives the references "aws_subnet.private" and
 * "count.index" (the index is not constant); each instance takes its own index's target. */
static void test_plan_count_index(void **state)
{
    (void)state;
    cli_result r;
    spit("/tmp/vpcsim-imp-count.json",
         "{\"format_version\": \"1.2\", \"planned_values\": {\"root_module\": {\"resources\": [\n"
         " {\"address\": \"aws_vpc.main\", \"type\": \"aws_vpc\", \"values\": {\"cidr_block\": "
         "\"10.0.0.0/16\"}},\n"
         " {\"address\": \"aws_subnet.private[0]\", \"type\": \"aws_subnet\", \"index\": 0, "
         "\"values\": {\"cidr_block\": \"10.0.0.0/24\", \"availability_zone\": \"us-east-1a\"}},\n"
         " {\"address\": \"aws_subnet.private[1]\", \"type\": \"aws_subnet\", \"index\": 1, "
         "\"values\": {\"cidr_block\": \"10.0.1.0/24\", \"availability_zone\": \"us-east-1b\"}},\n"
         " {\"address\": \"aws_route_table.private[0]\", \"type\": \"aws_route_table\", "
         "\"values\": {}},\n"
         " {\"address\": \"aws_route_table.private[1]\", \"type\": \"aws_route_table\", "
         "\"values\": {}},\n"
         " {\"address\": \"aws_route_table_association.private[0]\", \"type\": "
         "\"aws_route_table_association\", \"values\": {}},\n"
         " {\"address\": \"aws_route_table_association.private[1]\", \"type\": "
         "\"aws_route_table_association\", \"values\": {}}]}},\n"
         "\"configuration\": {\"root_module\": {\"resources\": [\n"
         " {\"address\": \"aws_subnet.private\", \"expressions\": {\"vpc_id\": {\"references\": "
         "[\"aws_vpc.main.id\", \"aws_vpc.main\"]}}},\n"
         " {\"address\": \"aws_route_table.private\", \"expressions\": {\"vpc_id\": "
         "{\"references\": [\"aws_vpc.main.id\", \"aws_vpc.main\"]}}},\n"
         " {\"address\": \"aws_route_table_association.private\", \"expressions\": {\"subnet_id\": "
         "{\"references\": [\"aws_subnet.private\", \"count.index\"]}, \"route_table_id\": "
         "{\"references\": [\"aws_route_table.private\", \"count.index\"]}}}]}}}\n");
    assert_int_equal(
        import_to("/tmp/vpcsim-imp-count.json", "/tmp/vpcsim-imp-count.yaml", false, &r), 0);
    char *s = slurp("/tmp/vpcsim-imp-count.yaml");
    assert_text_has(s,
                    "{name: private.0, vpc: main, az: us-east-1a, cidr: 10.0.0.0/24, route_table: "
                    "private.0}  # aws_subnet.private[0]");
    assert_text_has(s,
                    "{name: private.1, vpc: main, az: us-east-1b, cidr: 10.0.1.0/24, route_table: "
                    "private.1}  # aws_subnet.private[1]");
    free(s);
}

static void test_unsafe_targets_refused(void **state)
{
    (void)state;
    cli_result r;
    char in[1024];
    cli_source_path("tests/import/state.json", in, sizeof in);
    assert_int_equal(import_to("tests/import/state.json", in, false, &r), 2);
    assert_text_has(r.err, "is an input");
    assert_int_equal(import_to("tests/import/state.json", "/tmp", false, &r), 2);
    assert_text_has(r.err, "not a regular file");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_state_and_plan_agree),
        cmocka_unit_test(test_check_verdicts),
        cmocka_unit_test(test_imported_scenario_runs),
        cmocka_unit_test(test_unsupported_are_listed),
        cmocka_unit_test(test_bad_json_position),
        cmocka_unit_test(test_unsafe_targets_refused),
        cmocka_unit_test(test_aws_describe),
        cmocka_unit_test(test_plan_count_index),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
