/* IAM policies evaluated the way AWS does (IAM User Guide, policy evaluation logic): statements
 * match on action, resource, principal and conditions; an explicit Deny in any policy wins; within
 * one account an Allow in the identity policy or in the resource policy suffices, across accounts
 * both must allow; a VPC endpoint policy and a KMS key policy must allow as well. Used by path
 * resolution once per workload and hop: a handful of statements. */
#ifndef VPCSIM_AWS_POLICY_H
#define VPCSIM_AWS_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "vpcsim/aws/topology.h"

typedef enum policy_decision {
    POLICY_ALLOWED,       /* an Allow matched and no Deny did */
    POLICY_EXPLICIT_DENY, /* a Deny statement matched (it wins over any Allow) */
    POLICY_IMPLICIT_DENY  /* no statement matched: what is not allowed is denied */
} policy_decision;

/* The request as policies see it: the caller, what it asks, and the global condition keys
 * (values[k] NULL: key k is absent from the request context). */
typedef struct policy_request {
    const char *action, *resource, *principal;
    const char *values[CKEY_COUNT];
} policy_request;

/* ---- names, for the scenario loader and messages ---- */

/* The key named name ("aws:SourceVpce"; case-insensitive as in IAM), or -1. */
int policy_key_find(const char *name);
const char *policy_key_name(cond_key k);
/* The operator named name ("StringNotEquals", "StringLikeIfExists"), or -1; *if_exists tells the
 * suffix. */
int policy_op_find(const char *name, bool *if_exists);
const char *policy_op_name(cond_op op);
/* True if value is well formed for the operator's family (an IPv4 address or CIDR for IpAddress,
 * "true"/"false" for Bool and Null). */
bool policy_op_value_ok(cond_op op, const char *value);

/* ---- evaluation ---- */

/* True if text matches pattern, where '*' matches any run of characters (also none) and '?'
 * exactly one. fold_case compares ASCII letters case-insensitively (IAM actions); resources and
 * principals compare case-sensitively. NULL text is treated as "". */
bool policy_pattern_match(const char *pattern, const char *text, bool fold_case);

/* True if condition c holds for request r. */
bool policy_condition_holds(const topo_condition *c, const policy_request *r);

/* Evaluates p for request r. A statement matches when one of its actions, one of its resources
 * and one of its principals match (an empty list matches anything: the loader fills defaults)
 * and all its conditions hold; an account principal ("123456789012" or
 * "arn:aws:iam::123456789012:root") matches every principal of that account.
 * Returns the decision; *statement is the index of the deciding statement (the first matching
 * Deny, or the first matching Allow), or p->nstatements for an implicit deny. p NULL: allowed. */
policy_decision policy_evaluate(const topo_policy *p, const policy_request *r, size_t *statement);

/* The 12-digit account of a principal ARN or account id, copied into buf[13]; NULL when it has
 * none ("*"). */
const char *policy_principal_account(const char *principal, char *buf);

/* Which policy decided a request (policy_layers). */
typedef enum policy_layer {
    LAYER_NONE,     /* allowed, nothing denied */
    LAYER_IDENTITY, /* the caller's identity policy */
    LAYER_RESOURCE  /* the resource policy (bucket, key, queue policy) */
} policy_layer;

typedef struct policy_verdict {
    policy_decision decision;
    policy_layer layer; /* the policy that decided (for a denial) */
    size_t statement;   /* its deciding statement, or its nstatements (implicit deny) */
    bool cross_account; /* the caller and the resource are in different accounts */
    bool key_policy;    /* the resource policy is a KMS key policy, which must allow */
} policy_verdict;

/* The identity and resource layers for one request (the endpoint policy is checked where the
 * request crosses the endpoint): explicit Deny in either wins; same account, either Allow
 * suffices; across accounts (resource_account given and not the caller's) both must allow; a KMS
 * key policy must allow. identity or resource may be NULL: no identity policy allows what the
 * workload calls (the caller's role is assumed to); no resource policy grants nothing. */
policy_verdict policy_layers(const topo_policy *identity, const topo_policy *resource,
                             const char *resource_account, bool key_policy,
                             const policy_request *r);

#endif
