/* The quota warnings of `vpcsim check` (sim/cli/check_quotas.h), from models/components/quotas.c.
 * An architecture exceeds a handful of quotas at most. */
#include <stdint.h>

#include "cli/check_quotas.h"
#include "cli/json_out.h"
#include "vpcsim/aws/quotas.h"

enum { MAX_WARNINGS = 64 }; /* shown per architecture; more are counted */

void check_quotas_print(FILE *f, const scenario *s, const topology *t)
{
    quota_finding found[MAX_WARNINGS];
    size_t n = quotas_check(t, s->quotas, found, MAX_WARNINGS);
    char text[700];
    for (size_t i = 0; i < n && i < MAX_WARNINGS; i++)
        fprintf(f, "  warning: %s:%d: %s\n", found[i].pos.file ? found[i].pos.file : "?",
                found[i].pos.line, quotas_describe(&found[i], text, sizeof text));
    if (n > MAX_WARNINGS)
        fprintf(f, "  warning: %zu more quotas exceeded\n", n - (size_t)MAX_WARNINGS);
}

static json_object *finding_json(const quota_finding *q)
{
    const quota_info *in = quota_info_of(q->quota);
    json_object *o = json_object_new_object();
    char text[700], at[300];
    snprintf(at, sizeof at, "%s:%d:%d", q->pos.file ? q->pos.file : "?", q->pos.line, q->pos.col);
    json_out_set(o, "quota", json_out_string(in->key));
    json_out_set(o, "count", json_object_new_int64(q->count));
    json_out_set(o, "limit", json_object_new_int64(q->limit));
    json_out_set(o, "default", json_object_new_int64(in->dflt));
    json_out_set(o, "adjustable", json_object_new_boolean(in->adjustable));
    json_out_set(o, "scope", json_out_string(q->scope));
    json_out_set(o, "account", q->account ? json_out_string(q->account) : NULL);
    json_out_set(o, "at", json_out_string(at));
    json_out_set(o, "message", json_out_string(quotas_describe(q, text, sizeof text)));
    return o;
}

json_object *check_quotas_json(const scenario *s, const topology *t)
{
    quota_finding found[MAX_WARNINGS];
    size_t n = quotas_check(t, s->quotas, found, MAX_WARNINGS);
    if (n == 0) return NULL;
    json_object *a = json_object_new_array();
    for (size_t i = 0; i < n && i < MAX_WARNINGS; i++)
        json_object_array_add(a, finding_json(&found[i]));
    return a;
}
