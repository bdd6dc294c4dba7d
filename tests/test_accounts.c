/* Accounts (models/scenario/scenario_acct.c, models/paths/paths_guard.c) against AWS's
 * documented rules. PrivateLink guide, "Configure an endpoint service": "By default, your
 * endpoint service is not available to service consumers. You must add permissions that allow
 * specific AWS principals"; an account ARN (arn:aws:iam::ID:root) "includes all principals in
 * the account", "*" all accounts. EC2 API, AcceptanceRequired: "whether requests from other AWS
 * accounts to create an endpoint to the service must first be accepted"; a pending connection
 * carries no traffic. Transit Gateway guide, "Share a transit gateway": another account attaches
 * its VPC only to a transit gateway shared with it through AWS RAM. VPC guide, "Share your VPC
 * with other accounts": participants create resources only in subnets shared with them. IAM,
 * aws:VpceAccount: "the AWS account ID of the VPC endpoint" the request came through. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "vpcsim/aws/paths.h"
#include "vpcsim/aws/scenario.h"

/* A provider (account 111111111111) with one endpoint service that allows 222222222222 and
 * requires acceptance; consumers in 222222222222 and 333333333333; a shared Transit Gateway. */
#define HEAD                                                                                       \
    "version: 1\nname: accounts\nregions: [{name: us-east-1, azs: [use1-az1]}]\n"                  \
    "architectures:\n  - name: a\n"                                                                \
    "    vpcs:\n"                                                                                  \
    "      - {name: prov, region: us-east-1, cidr: 10.0.0.0/16, account: \"111111111111\"}\n"      \
    "      - {name: c2, region: us-east-1, cidr: 10.2.0.0/16, account: \"222222222222\"}\n"        \
    "      - {name: c3, region: us-east-1, cidr: 10.3.0.0/16, account: \"333333333333\"}\n"        \
    "      - {name: c4, region: us-east-1, cidr: 10.4.0.0/16, account: \"222222222222\"}\n"        \
    "    subnets:\n"                                                                               \
    "      - {name: nlb, vpc: prov, az: use1-az1, cidr: 10.0.1.0/24,\n"                            \
    "         shared_with: [\"222222222222\"]}\n"                                                  \
    "      - {name: c2a, vpc: c2, az: use1-az1, cidr: 10.2.1.0/24}\n"                              \
    "      - {name: c4a, vpc: c4, az: use1-az1, cidr: 10.4.1.0/24}\n"                              \
    "      - {name: c3a, vpc: c3, az: use1-az1, cidr: 10.3.1.0/24}\n"                              \
    "    endpoint_services:\n"                                                                     \
    "      - {name: api, vpc: prov, subnets: [nlb], allowed_principals:\n"                         \
    "         [\"arn:aws:iam::222222222222:root\"], acceptance_required: true}\n"

static const char ok_yaml[] =
    HEAD "    interface_endpoints:\n"
         "      - {name: e2, vpc: c2, endpoint_service: api, subnets: [c2a], private_dns: false}\n"
         "      - {name: e4p, vpc: c4, endpoint_service: api, subnets: [c4a], private_dns: false,\n"
         "         connection: pending}\n"
         "      - {name: e3, vpc: c3, endpoint_service: api, subnets: [c3a], private_dns: false}\n"
         "      - {name: kms-in-shared, vpc: prov, service: kms, subnets: [nlb],\n"
         "         account: \"222222222222\"}\n"
         "    transit_gateways:\n"
         "      - name: hub\n"
         "        region: us-east-1\n"
         "        account: \"111111111111\"\n"
         "        shared_with: [\"222222222222\"]\n"
         "        attachments: [{name: c2-att, vpc: c2, subnets: [c2a]}]\n"
         "        route_tables: [{name: rt}]\n"
         "    policies:\n"
         "      - name: own-endpoints\n"
         "        statements:\n"
         "          - {effect: Deny, actions: [\"kms:*\"], conditions: {StringNotEquals:\n"
         "             {\"aws:VpceAccount\": \"222222222222\"}}}\n"
         "          - {effect: Allow, actions: [\"kms:*\"]}\n"
         "    resource_policies: [{name: key, service: kms, policy: own-endpoints}]\n"
         "workloads:\n"
         "  - {name: allowed, source: {subnet: c2a}, target: {endpoint_service: api}}\n"
         "  - {name: pending, source: {subnet: c4a}, target: {endpoint_service: api}}\n"
         "  - {name: not-allowed, source: {subnet: c3a}, target: {endpoint_service: api}}\n"
         "  - {name: vpce-account, source: {subnet: nlb}, target: {service: kms},\n"
         "     action: kms:Decrypt, resource: \"arn:aws:kms:us-east-1:111111111111:key/k\"}\n";

static const topo_workload *find(const topology *t, const char *name, size_t *w)
{
    for (*w = 0; *w < t->nworkloads; ++*w)
        if (strcmp(t->workloads[*w].name, name) == 0) return &t->workloads[*w];
    fail_msg("no workload %s", name);
    return NULL;
}

static void test_account_paths(void **state)
{
    (void)state;
    static const struct {
        const char *workload;
        verdict want;
        const char *says;
    } cases[] = {
        /* 222222222222 is an allowed principal (account ARN) and its connection is accepted */
        {"allowed", VERDICT_REACHABLE, NULL},
        /* the same account, but this endpoint's connection awaits acceptance: nothing passes */
        {"pending", VERDICT_UNREACHABLE, "is pending acceptance"},
        /* 333333333333 is not among the allowed principals */
        {"not-allowed", VERDICT_DENIED,
         "endpoint service 'api' (accounts.yaml:18) of account 111111111111 does not allow "
         "account 333333333333"},
        /* the endpoint belongs to 222222222222 though its VPC is 111111111111's: aws:VpceAccount
         * is the endpoint's owner, so the key policy's Deny does not match */
        {"vpce-account", VERDICT_REACHABLE, NULL},
    };
    scenario *sc = NULL;
    vs_error err = {""};
    if (scenario_load_buffer(ok_yaml, sizeof ok_yaml - 1, "accounts.yaml", &sc, &err))
        fail_msg("%s", err.msg);
    const topology *t = &sc->archs[0];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t w;
        path_result r;
        find(t, cases[i].workload, &w);
        if (paths_resolve(t, w, NULL, &r, &err)) fail_msg("%s", err.msg);
        if (r.verdict != cases[i].want)
            fail_msg("%s: verdict %d, want %d: %s", cases[i].workload, r.verdict, cases[i].want,
                     r.reason);
        if (cases[i].says && !strstr(r.reason, cases[i].says))
            fail_msg("%s: reason lacks \"%s\": %s", cases[i].workload, cases[i].says, r.reason);
    }
    scenario_free(sc);
}

/* What AWS refuses to create is a load error naming the missing share. */
static void test_account_errors(void **state)
{
    (void)state;
    static const struct {
        const char *tail, *says;
    } bad[] = {
        /* a TGW of 111111111111 not shared with 333333333333 */
        {"    transit_gateways:\n"
         "      - {name: hub, region: us-east-1, account: \"111111111111\",\n"
         "         shared_with: [\"222222222222\"], attachments: [{name: c3-att, vpc: c3,\n"
         "         subnets: [c3a]}], route_tables: [{name: rt}]}\n",
         "attaches VPC 'c3' of account 333333333333, but the Transit Gateway belongs to account "
         "111111111111 and is not shared with 333333333333 through AWS RAM"},
        /* an endpoint of 333333333333 in a subnet shared only with 222222222222 */
        {"    interface_endpoints:\n"
         "      - {name: x, vpc: prov, service: kms, subnets: [nlb], account: \"333333333333\"}\n",
         "subnet 'nlb' belongs to account 111111111111 (VPC 'prov') and is not shared with "
         "333333333333"},
        /* pending in the provider's own account: AWS accepts at once */
        {"    interface_endpoints:\n"
         "      - {name: x, vpc: prov, endpoint_service: api, subnets: [nlb],\n"
         "         connection: pending}\n",
         "is in the endpoint's own account: AWS accepts the connection at once"},
        {"    interface_endpoints:\n"
         "      - {name: x, vpc: c2, service: kms, subnets: [c2a], connection: rejected}\n",
         "applies to endpoint_service endpoints only"},
        {"    transit_gateways: [{name: hub, region: us-east-1, shared_with: [\"12\"]}]\n",
         "expected a 12-digit AWS account id"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char yaml[4096];
        snprintf(yaml, sizeof yaml, "%s%s", HEAD, bad[i].tail);
        scenario *sc = NULL;
        vs_error err = {""};
        if (scenario_load_buffer(yaml, strlen(yaml), "bad.yaml", &sc, &err) == 0)
            fail_msg("case %zu loaded", i);
        if (!strstr(err.msg, bad[i].says)) fail_msg("case %zu: %s", i, err.msg);
    }
}

/* A share to an OU reaches the accounts `accounts:` puts in it, and no other (AWS RAM: sharing
 * with an OU shares with every account in it). */
static void test_share_to_ou(void **state)
{
    (void)state;
    static const char *const tails[] = {"ou-ab12-cdef3456", "ou-ab12-99999999"};
    for (int k = 0; k < 2; k++) {
        char yaml[4096];
        snprintf(yaml, sizeof yaml,
                 "accounts:\n  - {id: \"333333333333\", ou: ou-ab12-cdef3456}\n"
                 "  - {id: \"444444444444\", organization: o-abc123defg}\n%s"
                 "    transit_gateways:\n"
                 "      - {name: hub, region: us-east-1, account: \"111111111111\",\n"
                 "         shared_with: [%s], attachments: [{name: c3-att, vpc: c3,\n"
                 "         subnets: [c3a]}], route_tables: [{name: rt}]}\n",
                 HEAD, tails[k]);
        scenario *sc = NULL;
        vs_error err = {""};
        int rc = scenario_load_buffer(yaml, strlen(yaml), "ou.yaml", &sc, &err);
        if (k == 0 && rc) fail_msg("%s", err.msg);
        if (k == 1 && !rc) fail_msg("a share to another OU let account 333333333333 attach");
        if (k == 1) assert_non_null(strstr(err.msg, "is not shared with 333333333333"));
        scenario_free(sc);
    }
}

/* The same TGW shared with the consumer's account loads (the allow side of the share rule). */
static void test_share_allows(void **state)
{
    (void)state;
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "%s    transit_gateways:\n"
             "      - {name: hub, region: us-east-1, account: \"111111111111\",\n"
             "         shared_with: [\"333333333333\"], attachments: [{name: c3-att, vpc: c3,\n"
             "         subnets: [c3a]}], route_tables: [{name: rt}]}\n"
             "    interface_endpoints:\n"
             "      - {name: x, vpc: prov, service: kms, subnets: [nlb], account: "
             "\"222222222222\"}\n",
             HEAD);
    scenario *sc = NULL;
    vs_error err = {""};
    if (scenario_load_buffer(yaml, strlen(yaml), "ok.yaml", &sc, &err)) fail_msg("%s", err.msg);
    assert_string_equal(sc->archs[0].tgws[0].shared_with[0], "333333333333");
    scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_account_paths),
        cmocka_unit_test(test_account_errors),
        cmocka_unit_test(test_share_allows),
        cmocka_unit_test(test_share_to_ou),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
