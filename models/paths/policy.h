/* Endpoint policies evaluated the way IAM does: an explicit Deny that matches wins, otherwise at
 * least one Allow must match action, resource and principal; no policy means full access. Used by
 * path resolution (models/paths*.c) once per workload and endpoint: a handful of statements. */
#ifndef VPCSIM_MODELS_POLICY_H
#define VPCSIM_MODELS_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "vpcsim/aws/topology.h"

typedef enum policy_decision {
    POLICY_ALLOWED,       /* an Allow matched and no Deny did */
    POLICY_EXPLICIT_DENY, /* a Deny statement matched (it wins over any Allow) */
    POLICY_IMPLICIT_DENY  /* no statement matched: what is not allowed is denied */
} policy_decision;

/* True if text matches pattern, where '*' matches any run of characters (also none) and '?'
 * exactly one. fold_case compares ASCII letters case-insensitively (IAM actions); resources and
 * principals compare case-sensitively. NULL text is treated as "". */
bool policy_pattern_match(const char *pattern, const char *text, bool fold_case);

/* Evaluates p for one request. A statement matches when one of its actions, one of its resources
 * and one of its principals match (an empty list matches anything: the loader fills defaults); an
 * account principal ("123456789012" or "arn:aws:iam::123456789012:root") matches every principal
 * of that account.
 * Returns the decision; *statement is the index of the deciding statement (the first matching
 * Deny, or the first matching Allow), or p->nstatements for an implicit deny. p NULL: allowed. */
policy_decision policy_evaluate(const topo_policy *p, const char *action, const char *resource,
                                const char *principal, size_t *statement);

#endif
