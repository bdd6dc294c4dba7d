/* IAM policy evaluation (models/paths/policy.c) against AWS's documented rules: condition
 * operators (IAM User Guide, "Condition operators": a key absent from the request makes a
 * condition false, except negated operators, ...IfExists and Null), several values ORed and
 * several keys ANDed ("Conditions with multiple context keys or values"), and the evaluation
 * logic across identity, resource and key policies ("Policy evaluation logic", "Cross-account
 * policy evaluation logic", KMS developer guide "Key policies"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vpcsim/aws/policy.h"

/* ---- conditions ------------------------------------------------------------------------------ */

typedef struct cond_case {
    const char *op;      /* as written, IfExists suffix included */
    const char *key;     /* as written */
    const char *vals[3]; /* NULL-ended */
    const char *have;    /* the request's value, or NULL: absent */
    bool want;
} cond_case;

static const cond_case conds[] = {
    /* StringEquals: exact, case-sensitive; absent -> false */
    {"StringEquals", "aws:SourceVpce", {"vpce-1"}, "vpce-1", true},
    {"StringEquals", "aws:SourceVpce", {"vpce-1"}, "vpce-2", false},
    {"StringEquals", "aws:SourceVpce", {"vpce-1"}, "VPCE-1", false},
    {"StringEquals", "aws:SourceVpce", {"vpce-1"}, NULL, false},
    /* values of one key are ORed */
    {"StringEquals", "aws:SourceVpce", {"vpce-1", "vpce-2"}, "vpce-2", true},
    /* negated: true when no value matches (NOR), and when the key is absent */
    {"StringNotEquals", "aws:SourceVpce", {"vpce-1"}, "vpce-1", false},
    {"StringNotEquals", "aws:SourceVpce", {"vpce-1"}, "vpce-2", true},
    {"StringNotEquals", "aws:SourceVpce", {"vpce-1", "vpce-2"}, "vpce-2", false},
    {"StringNotEquals", "aws:SourceVpce", {"vpce-1"}, NULL, true},
    /* IfExists: absent -> true; present -> the operator */
    {"StringEqualsIfExists", "aws:SourceVpc", {"vpc-1"}, NULL, true},
    {"StringEqualsIfExists", "aws:SourceVpc", {"vpc-1"}, "vpc-2", false},
    {"StringEqualsIfExists", "aws:SourceVpc", {"vpc-1"}, "vpc-1", true},
    /* case-insensitive variants */
    {"StringEqualsIgnoreCase", "aws:PrincipalOrgID", {"O-ABC"}, "o-abc", true},
    {"StringNotEqualsIgnoreCase", "aws:PrincipalOrgID", {"O-ABC"}, "o-abc", false},
    /* wildcards */
    {"StringLike", "aws:SourceVpce", {"vpce-0a*"}, "vpce-0a12", true},
    {"StringLike", "aws:SourceVpce", {"vpce-0a*"}, "vpce-0b12", false},
    {"StringNotLike", "aws:SourceVpce", {"vpce-0a*"}, "vpce-0b12", true},
    {"StringNotLike", "aws:SourceVpce", {"vpce-0a*"}, NULL, true},
    {"ArnLike",
     "aws:PrincipalArn",
     {"arn:aws:iam::111122223333:role/app-*"},
     "arn:aws:iam::111122223333:role/app-web",
     true},
    {"ArnNotLike",
     "aws:PrincipalArn",
     {"arn:aws:iam::111122223333:role/app-*"},
     "arn:aws:iam::111122223333:role/batch",
     true},
    {"ArnEquals", "aws:PrincipalArn", {"arn:aws:iam::111122223333:role/app"}, NULL, false},
    /* IP ranges */
    {"IpAddress", "aws:SourceIp", {"203.0.113.0/24"}, "203.0.113.7", true},
    {"IpAddress", "aws:SourceIp", {"203.0.113.0/24"}, "198.51.100.1", false},
    {"IpAddress", "aws:SourceIp", {"203.0.113.7"}, "203.0.113.7", true},
    {"IpAddress", "aws:SourceIp", {"203.0.113.0/24"}, NULL, false},
    {"NotIpAddress", "aws:SourceIp", {"203.0.113.0/24"}, NULL, true},
    {"NotIpAddress", "aws:SourceIp", {"203.0.113.0/24"}, "203.0.113.9", false},
    /* Bool */
    {"Bool", "aws:SecureTransport", {"false"}, "false", true},
    {"Bool", "aws:SecureTransport", {"false"}, "true", false},
    /* Null tests presence only */
    {"Null", "aws:SourceVpce", {"true"}, NULL, true},
    {"Null", "aws:SourceVpce", {"true"}, "vpce-1", false},
    {"Null", "aws:SourceVpce", {"false"}, "vpce-1", true},
    {"Null", "aws:SourceVpce", {"false"}, NULL, false},
    /* key names are case-insensitive (IAM: condition key names are not case-sensitive) */
    {"StringEquals", "AWS:SOURCEVPCE", {"vpce-1"}, "vpce-1", true},
};

static topo_condition make(const cond_case *c)
{
    bool ifx;
    int op = policy_op_find(c->op, &ifx);
    int key = policy_key_find(c->key);
    if (op < 0 || key < 0) fail_msg("operator %s or key %s unknown", c->op, c->key);
    topo_condition t = {.op = (cond_op)op,
                        .if_exists = ifx,
                        .key = (cond_key)key,
                        .values = (const char **)c->vals};
    while (t.nvalues < 3 && c->vals[t.nvalues]) t.nvalues++;
    return t;
}

static void test_condition_operators(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof conds / sizeof conds[0]; i++) {
        topo_condition t = make(&conds[i]);
        policy_request r = {0};
        r.values[t.key] = conds[i].have;
        if (policy_condition_holds(&t, &r) != conds[i].want)
            fail_msg("%s {%s: %s%s} on %s: want %s", conds[i].op, conds[i].key, conds[i].vals[0],
                     conds[i].vals[1] ? ", ..." : "", conds[i].have ? conds[i].have : "(absent)",
                     conds[i].want ? "true" : "false");
    }
}

static void test_names(void **state)
{
    (void)state;
    bool ifx = true;
    assert_int_equal(policy_op_find("StringEquals", &ifx), COND_STRING_EQUALS);
    assert_false(ifx);
    assert_int_equal(policy_op_find("StringNotLikeIfExists", &ifx), COND_STRING_NOT_LIKE);
    assert_true(ifx);
    assert_int_equal(policy_op_find("NullIfExists", &ifx), -1); /* means nothing in IAM */
    assert_int_equal(policy_op_find("stringequals", &ifx), -1); /* operators are exact */
    assert_int_equal(policy_op_find("IfExists", &ifx), -1);
    assert_int_equal(policy_op_find(NULL, &ifx), -1);
    assert_int_equal(policy_key_find("aws:sourcevpce"), CKEY_SOURCE_VPCE);
    assert_int_equal(policy_key_find("aws:SourceVpcx"), -1);
    for (int op = 0; op < COND_OP_COUNT; op++)
        assert_int_equal(policy_op_find(policy_op_name((cond_op)op), &ifx), op);
    for (int k = 0; k < CKEY_COUNT; k++)
        assert_int_equal(policy_key_find(policy_key_name((cond_key)k)), k);
    assert_true(policy_op_value_ok(COND_IP_ADDRESS, "10.0.0.0/8"));
    assert_false(policy_op_value_ok(COND_IP_ADDRESS, "10.0.0.300"));
    assert_false(policy_op_value_ok(COND_BOOL, "yes"));
    assert_true(policy_op_value_ok(COND_NULL, "false"));
    char acct[13];
    assert_string_equal(policy_principal_account("arn:aws:iam::111122223333:role/a", acct),
                        "111122223333");
    assert_null(policy_principal_account("*", acct));
}

/* ---- statements: conditions ANDed across operators and keys ---------------------------------- */

static void test_statement_conditions(void **state)
{
    (void)state;
    const char *vpce[] = {"vpce-1"}, *tls[] = {"true"}, *any[] = {"*"};
    topo_condition both[] = {
        {.op = COND_STRING_EQUALS, .key = CKEY_SOURCE_VPCE, .values = vpce, .nvalues = 1},
        {.op = COND_BOOL, .key = CKEY_SECURE_TRANSPORT, .values = tls, .nvalues = 1},
    };
    topo_statement st = {.effect = EFFECT_ALLOW,
                         .actions = any,
                         .nactions = 1,
                         .conditions = both,
                         .nconditions = 2};
    topo_policy p = {.name = "p", .statements = &st, .nstatements = 1};
    policy_request r = {.action = "s3:GetObject", .resource = "arn:aws:s3:::b/k", .principal = "*"};
    size_t at;
    r.values[CKEY_SOURCE_VPCE] = "vpce-1";
    r.values[CKEY_SECURE_TRANSPORT] = "true";
    assert_int_equal(policy_evaluate(&p, &r, &at), POLICY_ALLOWED);
    r.values[CKEY_SECURE_TRANSPORT] = "false";
    assert_int_equal(policy_evaluate(&p, &r, &at), POLICY_IMPLICIT_DENY);
    assert_int_equal(at, 1);
    r.values[CKEY_SECURE_TRANSPORT] = "true";
    r.values[CKEY_SOURCE_VPCE] = NULL;
    assert_int_equal(policy_evaluate(&p, &r, &at), POLICY_IMPLICIT_DENY);
}

/* ---- layers -----------------------------------------------------------------------------------
 */

static const char *star[] = {"*"};
static const char *role[] = {"arn:aws:iam::111122223333:role/app"};
static const char *root[] = {"arn:aws:iam::111122223333:root"};
static const char *other[] = {"arn:aws:iam::444455556666:role/x"};

static topo_statement allow_st(const char **principals)
{
    return (topo_statement){.effect = EFFECT_ALLOW,
                            .actions = star,
                            .nactions = 1,
                            .principals = principals,
                            .nprincipals = 1};
}

static topo_policy one(topo_statement *s)
{
    return (topo_policy){.name = "p", .statements = s, .nstatements = 1};
}

static void test_layers(void **state)
{
    (void)state;
    policy_request r = {.action = "s3:GetObject",
                        .resource = "arn:aws:s3:::b/k",
                        .principal = "arn:aws:iam::111122223333:role/app"};
    topo_statement a = allow_st(star), n = allow_st(other), d = allow_st(star);
    d.effect = EFFECT_DENY;
    topo_policy allow = one(&a), none = one(&n), deny = one(&d);
    policy_verdict v;
    /* same account: either Allow suffices */
    assert_int_equal(policy_layers(&allow, NULL, NULL, false, &r).decision, POLICY_ALLOWED);
    assert_int_equal(policy_layers(&none, &allow, NULL, false, &r).decision, POLICY_ALLOWED);
    assert_int_equal(policy_layers(&allow, &none, NULL, false, &r).decision, POLICY_ALLOWED);
    assert_int_equal(policy_layers(NULL, NULL, NULL, false, &r).decision, POLICY_ALLOWED);
    v = policy_layers(&none, &none, NULL, false, &r);
    assert_int_equal(v.decision, POLICY_IMPLICIT_DENY);
    assert_int_equal(v.layer, LAYER_IDENTITY);
    /* an explicit Deny anywhere wins */
    v = policy_layers(&allow, &deny, NULL, false, &r);
    assert_int_equal(v.decision, POLICY_EXPLICIT_DENY);
    assert_int_equal(v.layer, LAYER_RESOURCE);
    v = policy_layers(&deny, &allow, NULL, false, &r);
    assert_int_equal(v.layer, LAYER_IDENTITY);
    /* across accounts both must allow */
    v = policy_layers(&allow, NULL, "444455556666", false, &r);
    assert_int_equal(v.decision, POLICY_IMPLICIT_DENY);
    assert_int_equal(v.layer, LAYER_RESOURCE);
    assert_true(v.cross_account);
    v = policy_layers(&none, &allow, "444455556666", false, &r);
    assert_int_equal(v.layer, LAYER_IDENTITY);
    assert_int_equal(policy_layers(&allow, &allow, "444455556666", false, &r).decision,
                     POLICY_ALLOWED);
    assert_int_equal(policy_layers(&none, &allow, "111122223333", false, &r).decision,
                     POLICY_ALLOWED); /* the same account, named */
}

static void test_kms_key_policy(void **state)
{
    (void)state;
    policy_request r = {.action = "kms:Decrypt",
                        .resource = "arn:aws:kms:us-east-1:111122223333:key/k",
                        .principal = "arn:aws:iam::111122223333:role/app"};
    topo_statement a = allow_st(star), n = allow_st(other), kr = allow_st(root),
                   kn = allow_st(role);
    topo_policy allow = one(&a), none = one(&n), key_root = one(&kr), key_role = one(&kn);
    /* a key policy must allow: the identity policy alone cannot */
    policy_verdict v = policy_layers(&allow, &none, NULL, true, &r);
    assert_int_equal(v.decision, POLICY_IMPLICIT_DENY);
    assert_int_equal(v.layer, LAYER_RESOURCE);
    assert_true(v.key_policy);
    /* a key policy allowing the account delegates to IAM: the identity policy must allow */
    v = policy_layers(&none, &key_root, NULL, true, &r);
    assert_int_equal(v.decision, POLICY_IMPLICIT_DENY);
    assert_int_equal(v.layer, LAYER_IDENTITY);
    assert_int_equal(policy_layers(&allow, &key_root, NULL, true, &r).decision, POLICY_ALLOWED);
    /* a key policy naming the caller grants by itself */
    assert_int_equal(policy_layers(&none, &key_role, NULL, true, &r).decision, POLICY_ALLOWED);
    /* no key policy modelled: the default key policy (the account) and IAM decide */
    assert_int_equal(policy_layers(&allow, NULL, NULL, true, &r).decision, POLICY_ALLOWED);
    assert_int_equal(policy_layers(&none, NULL, NULL, true, &r).decision, POLICY_IMPLICIT_DENY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_condition_operators),  cmocka_unit_test(test_names),
        cmocka_unit_test(test_statement_conditions), cmocka_unit_test(test_layers),
        cmocka_unit_test(test_kms_key_policy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
