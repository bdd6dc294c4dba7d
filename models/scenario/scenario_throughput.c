/* Scenario loader, a workload's target throughput: the partitions of its DynamoDB table
 * (`dynamodb:`) and the shards of its Kinesis stream (`kinesis:`), which `vpcsim run` turns into
 * token buckets at the service (models/network/netmodel_limits.c). One small map per workload. */
#include <math.h>

#include "scenario_impl.h"

/* `dynamodb:` of a workload whose target is DynamoDB. */
static int dynamodb(const sc_build *b, topo_workload *w, const config_node *m)
{
    int64_t partitions = 0;
    int keys = 0, consistency = 0;
    if (sc_check_keys(m, SEC_DYNAMODB, b->err) ||
        sc_get_int(m, SEC_DYNAMODB, "partitions", 1, 100000, &partitions, b->err) ||
        sc_get_enum(m, SEC_DYNAMODB, "keys", &keys, b->err) ||
        sc_get_enum(m, SEC_DYNAMODB, "consistency", &consistency, b->err) ||
        (config_find(m, "item_size") &&
         config_get_size(m, "item_size", NULL, &w->item_bytes, b->err)) ||
        (config_find(m, "capacity") &&
         config_get_rate(m, "capacity", NULL, &w->table_capacity, b->err)))
        return -1;
    if (config_find(m, "item_size") && w->item_bytes < 1)
        return sc_error(b, config_find(m, "item_size"), "%s: item_size must be at least 1B",
                        b->what);
    if (config_find(m, "capacity") && !(w->table_capacity > 0 && isfinite(w->table_capacity)))
        return sc_error(b, config_find(m, "capacity"), "%s: capacity must be more than 0/s",
                        b->what);
    w->partitions = (int32_t)partitions;
    w->hot_key = keys == 1;
    w->strong_reads = consistency == 1;
    return 0;
}

static int kinesis(const sc_build *b, topo_workload *w, const config_node *m)
{
    int64_t shards = 0;
    if (sc_check_keys(m, SEC_KINESIS, b->err) ||
        sc_get_int(m, SEC_KINESIS, "shards", 1, 100000, &shards, b->err))
        return -1;
    w->shards = (int32_t)shards;
    return 0;
}

/* The map at key of workload node e, which only a workload calling service svc may have. */
static int service_map(const sc_build *b, const topo_workload *w, const config_node *e,
                       const char *key, aws_service svc, const config_node **out)
{
    if (sc_get_map(e, SEC_WORKLOAD, key, out, b->err)) return -1;
    if (*out && (w->target != TARGET_AWS_SERVICE || w->service != (int32_t)svc))
        return sc_error(b, config_find(e, key), "%s: %s goes with target service %s", b->what, key,
                        aws_service_name(svc));
    return 0;
}

int sc_build_throughput(const sc_build *b, topo_workload *w, const config_node *e)
{
    const config_node *d, *k;
    if (service_map(b, w, e, "dynamodb", SVC_DYNAMODB, &d) ||
        service_map(b, w, e, "kinesis", SVC_KINESIS, &k))
        return -1;
    return (d && dynamodb(b, w, d)) || (k && kinesis(b, w, k)) ? -1 : 0;
}
