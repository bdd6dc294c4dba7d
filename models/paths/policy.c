/* Endpoint policy evaluation (see models/paths/policy.h): IAM's rule of explicit Deny over Allow
 * over implicit deny, with '*' and '?' wildcards. Policies are small (a few statements, a few
 * patterns each), so evaluation is a plain scan. */
#include "policy.h"

#include <string.h>

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

/* IAM compares the service prefix and the action name case-insensitively, resources and
 * principals (ARNs) case-sensitively (IAM User Guide, policy elements: Action, Resource). */
static bool statement_matches(const topo_statement *s, const char *action, const char *resource,
                              const char *principal)
{
    return any_match(s->actions, s->nactions, action, true) &&
           any_match(s->resources, s->nresources, resource, false) &&
           any_principal(s->principals, s->nprincipals, principal);
}

policy_decision policy_evaluate(const topo_policy *p, const char *action, const char *resource,
                                const char *principal, size_t *statement)
{
    size_t allow = p ? p->nstatements : 0;
    if (!p) {
        if (statement) *statement = 0;
        return POLICY_ALLOWED;
    }
    for (size_t i = 0; i < p->nstatements; i++) {
        if (!statement_matches(&p->statements[i], action, resource, principal)) continue;
        if (p->statements[i].effect == EFFECT_DENY) {
            if (statement) *statement = i;
            return POLICY_EXPLICIT_DENY;
        }
        if (allow == p->nstatements) allow = i;
    }
    if (statement) *statement = allow;
    return allow < p->nstatements ? POLICY_ALLOWED : POLICY_IMPLICIT_DENY;
}
