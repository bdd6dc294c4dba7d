/* IAM policy evaluation (see include/vpcsim/aws/policy.h): explicit Deny over Allow over implicit
 * deny, with '*' and '?' wildcards and condition operators, and the layering of identity, resource
 * and key policies. Policies are small (a few statements, a few patterns each), so evaluation is a
 * plain scan. */
#include "vpcsim/aws/policy.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static char fold(char c, bool fold_case)
{
    return fold_case && c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Greedy wildcard matching with one backtrack point (the last '*'): O(len(p) x len(t)) at worst,
 * no recursion, so a hostile pattern cannot blow the stack. */
bool policy_pattern_match(const char *pattern, const char *text, bool fold_case)
{
    const char *p = pattern ? pattern : "", *t = text ? text : "";
    const char *star = NULL, *resume = NULL;
    while (*t) {
        if (*p == '*') {
            star = p++;
            resume = t;
        } else if (*p && (*p == '?' || fold(*p, fold_case) == fold(*t, fold_case))) {
            p++;
            t++;
        } else if (star) {
            p = star + 1;
            t = ++resume;
        } else {
            return false;
        }
    }
    while (*p == '*') p++;
    return *p == 0;
}

static bool any_match(const char *const *patterns, size_t n, const char *text, bool fold_case)
{
    if (n == 0) return true;
    for (size_t i = 0; i < n; i++)
        if (policy_pattern_match(patterns[i], text, fold_case)) return true;
    return false;
}

/* The 12-digit account of an account principal ("123456789012" or
 * "arn:aws:iam::123456789012:root"), or NULL. */
static const char iam_arn[] = "arn:aws:iam::";

static const char *account_principal(const char *p)
{
    const char *acct = strncmp(p, iam_arn, sizeof iam_arn - 1) == 0 ? p + sizeof iam_arn - 1 : p;
    for (int i = 0; i < 12; i++)
        if (acct[i] < '0' || acct[i] > '9') return NULL;
    if (acct == p ? acct[12] == 0 : strcmp(acct + 12, ":root") == 0) return acct;
    return NULL;
}

/* The account field of an ARN (the fifth, "arn:aws:iam::ACCOUNT:role/x"), or of a bare account id;
 * NULL when there is none. */
static const char *account_of(const char *principal)
{
    const char *p = principal;
    if (account_principal(p)) return account_principal(p);
    for (int field = 0; field < 4; field++) {
        p = strchr(p, ':');
        if (!p++) return NULL;
    }
    return strlen(p) > 12 && p[12] == ':' ? p : NULL;
}

/* A principal pattern matches by wildcards, and an account principal matches every principal of
 * that account (IAM User Guide, principal element: AWS account principals). */
static bool principal_matches(const char *pattern, const char *principal)
{
    if (policy_pattern_match(pattern, principal, false)) return true;
    const char *want = pattern ? account_principal(pattern) : NULL;
    const char *have = principal ? account_of(principal) : NULL;
    return want && have && strncmp(want, have, 12) == 0;
}

static bool any_principal(const char *const *patterns, size_t n, const char *principal)
{
    if (n == 0) return true;
    for (size_t i = 0; i < n; i++)
        if (principal_matches(patterns[i], principal)) return true;
    return false;
}

/* ---- conditions ----------------------------------------------------------------------------- */

typedef enum cond_family {
    FAM_STRING,
    FAM_STRING_IC,
    FAM_LIKE,
    FAM_IP,
    FAM_BOOL,
    FAM_NULL
} cond_family;

/* Every operator once (IAM User Guide, Condition operators): ARN operators compare like
 * StringLike (ArnEquals also takes wildcards, as IAM documents). */
static const struct {
    const char *name;
    cond_family family;
    bool negated;
} ops[COND_OP_COUNT] = {
    [COND_STRING_EQUALS] = {"StringEquals", FAM_STRING, false},
    [COND_STRING_NOT_EQUALS] = {"StringNotEquals", FAM_STRING, true},
    [COND_STRING_EQUALS_IGNORE_CASE] = {"StringEqualsIgnoreCase", FAM_STRING_IC, false},
    [COND_STRING_NOT_EQUALS_IGNORE_CASE] = {"StringNotEqualsIgnoreCase", FAM_STRING_IC, true},
    [COND_STRING_LIKE] = {"StringLike", FAM_LIKE, false},
    [COND_STRING_NOT_LIKE] = {"StringNotLike", FAM_LIKE, true},
    [COND_ARN_EQUALS] = {"ArnEquals", FAM_LIKE, false},
    [COND_ARN_NOT_EQUALS] = {"ArnNotEquals", FAM_LIKE, true},
    [COND_ARN_LIKE] = {"ArnLike", FAM_LIKE, false},
    [COND_ARN_NOT_LIKE] = {"ArnNotLike", FAM_LIKE, true},
    [COND_IP_ADDRESS] = {"IpAddress", FAM_IP, false},
    [COND_NOT_IP_ADDRESS] = {"NotIpAddress", FAM_IP, true},
    [COND_BOOL] = {"Bool", FAM_BOOL, false},
    [COND_NULL] = {"Null", FAM_NULL, false},
};

static const char *const key_names[CKEY_COUNT] = {
    [CKEY_SOURCE_VPCE] = "aws:SourceVpce",
    [CKEY_SOURCE_VPC] = "aws:SourceVpc",
    [CKEY_VPCE_ACCOUNT] = "aws:VpceAccount",
    [CKEY_PRINCIPAL_ORG_ID] = "aws:PrincipalOrgID",
    [CKEY_PRINCIPAL_ACCOUNT] = "aws:PrincipalAccount",
    [CKEY_PRINCIPAL_ARN] = "aws:PrincipalArn",
    [CKEY_SOURCE_IP] = "aws:SourceIp",
    [CKEY_SECURE_TRANSPORT] = "aws:SecureTransport",
};

int policy_key_find(const char *name)
{
    for (int k = 0; k < CKEY_COUNT; k++)
        if (name && strcasecmp(name, key_names[k]) == 0) return k;
    return -1;
}

const char *policy_key_name(cond_key k)
{
    return k < CKEY_COUNT ? key_names[k] : "?";
}

int policy_op_find(const char *name, bool *if_exists)
{
    static const char suffix[] = "IfExists";
    size_t n = name ? strlen(name) : 0, ns = sizeof suffix - 1;
    *if_exists = n > ns && strcmp(name + n - ns, suffix) == 0;
    if (*if_exists) n -= ns;
    for (int op = 0; op < COND_OP_COUNT; op++)
        if (strlen(ops[op].name) == n && strncmp(name, ops[op].name, n) == 0)
            return op == COND_NULL && *if_exists ? -1 : op; /* NullIfExists means nothing */
    return -1;
}

const char *policy_op_name(cond_op op)
{
    return op < COND_OP_COUNT ? ops[op].name : "?";
}

/* "10.1.2.3" or "10.1.0.0/16" into *c. */
static bool parse_ip_range(const char *s, ipv4_cidr *c)
{
    char buf[24];
    vs_error ignored;
    if (!s || strlen(s) >= sizeof buf - 3) return false;
    snprintf(buf, sizeof buf, "%s%s", s, strchr(s, '/') ? "" : "/32");
    return cidr_parse(buf, c, &ignored) == 0;
}

bool policy_op_value_ok(cond_op op, const char *value)
{
    ipv4_cidr c;
    switch (ops[op].family) { /* value syntax per family, not per component kind */
    case FAM_IP:
        return parse_ip_range(value, &c);
    case FAM_BOOL:
    case FAM_NULL:
        return strcmp(value, "true") == 0 || strcmp(value, "false") == 0;
    default:
        return value != NULL;
    }
}

static bool value_matches(cond_family f, const char *want, const char *have)
{
    ipv4_cidr range, addr;
    switch (f) {
    case FAM_STRING:
        return strcmp(want, have) == 0;
    case FAM_STRING_IC:
        return strcasecmp(want, have) == 0;
    case FAM_LIKE:
        return policy_pattern_match(want, have, false);
    case FAM_IP:
        return parse_ip_range(want, &range) && parse_ip_range(have, &addr) &&
               cidr_contains(range, addr.addr);
    case FAM_BOOL:
        return strcasecmp(want, have) == 0;
    case FAM_NULL:
        return false;
    }
    return false;
}

/* IAM User Guide, Condition operators: a key absent from the request makes a condition false,
 * except a negated operator (true), ...IfExists (true) and Null (which tests presence). Several
 * values are ORed; for a negated operator NORed. */
bool policy_condition_holds(const topo_condition *c, const policy_request *r)
{
    const char *have = r->values[c->key];
    if (ops[c->op].family == FAM_NULL) {
        bool want_absent = c->nvalues > 0 && strcmp(c->values[0], "true") == 0;
        return want_absent == (have == NULL);
    }
    if (!have) return c->if_exists || ops[c->op].negated;
    bool any = false;
    for (size_t i = 0; i < c->nvalues && !any; i++)
        any = value_matches(ops[c->op].family, c->values[i], have);
    return ops[c->op].negated ? !any : any;
}

/* ---- statements and policies ---------------------------------------------------------------- */

/* IAM compares the service prefix and the action name case-insensitively, resources and
 * principals (ARNs) case-sensitively (IAM User Guide, policy elements: Action, Resource). */
static bool statement_matches(const topo_statement *s, const policy_request *r)
{
    if (!any_match(s->actions, s->nactions, r->action, true) ||
        !any_match(s->resources, s->nresources, r->resource, false) ||
        !any_principal(s->principals, s->nprincipals, r->principal))
        return false;
    for (size_t i = 0; i < s->nconditions; i++)
        if (!policy_condition_holds(&s->conditions[i], r)) return false;
    return true;
}

policy_decision policy_evaluate(const topo_policy *p, const policy_request *r, size_t *statement)
{
    size_t allow = p ? p->nstatements : 0;
    if (!p) {
        if (statement) *statement = 0;
        return POLICY_ALLOWED;
    }
    for (size_t i = 0; i < p->nstatements; i++) {
        if (!statement_matches(&p->statements[i], r)) continue;
        if (p->statements[i].effect == EFFECT_DENY) {
            if (statement) *statement = i;
            return POLICY_EXPLICIT_DENY;
        }
        if (allow == p->nstatements) allow = i;
    }
    if (statement) *statement = allow;
    return allow < p->nstatements ? POLICY_ALLOWED : POLICY_IMPLICIT_DENY;
}

const char *policy_principal_account(const char *principal, char *buf)
{
    const char *a = principal ? account_of(principal) : NULL;
    if (!a) return NULL;
    memcpy(buf, a, 12);
    buf[12] = 0;
    return buf;
}

/* ---- layers --------------------------------------------------------------------------------- */

/* Does the Allow statement s name the caller itself (not only its account)? A key policy that
 * allows the account delegates to the account's IAM policies (KMS developer guide, default key
 * policy); one that names the caller grants by itself. */
static bool names_caller(const topo_statement *s, const char *principal)
{
    for (size_t i = 0; i < s->nprincipals; i++)
        if (!account_principal(s->principals[i]) &&
            policy_pattern_match(s->principals[i], principal, false))
            return true;
    return s->nprincipals == 0;
}

static policy_verdict verdict(policy_decision d, policy_layer layer, size_t statement)
{
    return (policy_verdict){.decision = d, .layer = layer, .statement = statement};
}

policy_verdict policy_layers(const topo_policy *identity, const topo_policy *resource,
                             const char *resource_account, bool key_policy, const policy_request *r)
{
    size_t si = 0, sr = 0;
    policy_decision di = identity ? policy_evaluate(identity, r, &si) : POLICY_ALLOWED;
    policy_decision dr = resource ? policy_evaluate(resource, r, &sr) : POLICY_IMPLICIT_DENY;
    char acct[13];
    const char *caller = policy_principal_account(r->principal, acct);
    bool cross = resource_account && caller && strcmp(resource_account, caller) != 0;
    policy_verdict v;
    if (di == POLICY_EXPLICIT_DENY)
        v = verdict(di, LAYER_IDENTITY, si);
    else if (dr == POLICY_EXPLICIT_DENY)
        v = verdict(dr, LAYER_RESOURCE, sr);
    else if (key_policy && resource && dr != POLICY_ALLOWED)
        v = verdict(dr, LAYER_RESOURCE, sr);
    else if (key_policy && resource && !names_caller(&resource->statements[sr], r->principal) &&
             di != POLICY_ALLOWED)
        v = verdict(di, LAYER_IDENTITY, si);
    else if (cross && di != POLICY_ALLOWED)
        v = verdict(di, LAYER_IDENTITY, si);
    else if (cross && dr != POLICY_ALLOWED)
        v = verdict(dr, LAYER_RESOURCE, sr);
    else if (!cross && di != POLICY_ALLOWED && dr != POLICY_ALLOWED)
        v = verdict(di, LAYER_IDENTITY, si);
    else
        v = verdict(POLICY_ALLOWED, LAYER_NONE, 0);
    v.cross_account = cross;
    v.key_policy = key_policy && resource;
    return v;
}
