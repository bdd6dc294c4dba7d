/* AWS service quotas that a topology can exceed (VPCs per Region, interface endpoints per VPC,
 * NAT gateway addresses, Transit Gateway attachments, ...): one const table with each quota's
 * default, whether AWS raises it on request (and how far), and its source. `vpcsim check` warns
 * when an adjustable quota is exceeded (a scenario's `quotas:` declares a raised one) and the
 * loader refuses a topology over a quota that cannot be raised. */
#ifndef VPCSIM_AWS_QUOTAS_H
#define VPCSIM_AWS_QUOTAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vpcsim/aws/topology.h"

typedef enum quota_id {
    QUOTA_VPCS_PER_REGION,
    QUOTA_SUBNETS_PER_VPC,
    QUOTA_IFE_PER_VPC,
    QUOTA_GWE_PER_REGION,
    QUOTA_GWE_PER_VPC,
    QUOTA_NAT_PER_AZ,
    QUOTA_NAT_IPS,
    QUOTA_TGWS_PER_REGION,
    QUOTA_TGW_ATTACHMENTS,
    QUOTA_TGW_ROUTE_TABLES,
    QUOTA_PEERINGS_PER_VPC,
    QUOTA_NACL_RULES,
    QUOTA_COUNT
} quota_id;

typedef struct quota_info {
    const char *key;   /* the `quotas:` key: "interface_endpoints_per_vpc" */
    const char *name;  /* as AWS's quota pages name it */
    int64_t dflt;      /* the default quota */
    bool adjustable;   /* AWS raises it on request */
    int64_t max;       /* the highest a raise gives, or 0: not published */
    const char *basis; /* the page it comes from, and when it was read */
} quota_info;

const quota_info *quota_info_of(quota_id q);
int quota_find(const char *key); /* the quota whose key is key, or -1 */

/* One quota exceeded: where, by how much, and whether that is an error. */
typedef struct quota_finding {
    quota_id quota;
    bool error;          /* over a quota AWS does not raise, or beyond what it raises it to */
    int64_t count;       /* what the topology holds in the scope */
    int64_t limit;       /* the quota in force */
    const char *scope;   /* the VPC, Region, AZ, NAT gateway, TGW or ACL it counts in */
    const char *account; /* the account it counts for, or NULL: the default account */
    topo_pos pos;        /* the element that goes over */
} quota_finding;

/* Counts t against the quotas in force (limits[q], or the default where limits is NULL or
 * limits[q] <= 0). Writes the first max findings to out (in quota-table order, then element
 * order) and returns how many there are in all. */
size_t quotas_check(const topology *t, const int64_t *limits, quota_finding *out, size_t max);

/* "interface endpoints per VPC: 51 in VPC 'hub' (quota 50, adjustable: ...)" into buf. */
char *quotas_describe(const quota_finding *f, char *buf, size_t n);

#endif
