/* Path resolution: for one workload of one architecture, what DNS answers and where the route
 * tables send each request, hop by hop, with the class of every link; or why it is denied
 * (security group rule, endpoint policy statement) or unreachable (the AWS rule that forbids it).
 * Pure functions of a topology (and the faults in force): recomputed when a fault changes DNS or
 * routing. */
#ifndef VPCSIM_PATHS_H
#define VPCSIM_PATHS_H

#include "vpcsim/aws/kinds.h"
#include "vpcsim/aws/topology.h"

typedef enum link_class {
    LINK_NONE,     /* first hop */
    LINK_INTRA_AZ, /* same AZ */
    LINK_CROSS_AZ, /* AZs of one Region: latency and $0.01/GB each way */
    LINK_INTER_REGION,
    LINK_DX,  /* Direct Connect fibre, by distance */
    LINK_VPN, /* IPsec over the internet */
    LINK_INTERNET,
    LINK_ONPREM, /* inside the customer's site */
    LINK_CLASS_COUNT
} link_class;

typedef struct path_hop {
    hop_kind kind;
    int32_t index;   /* see hop_kind */
    int32_t az;      /* AZ where the hop is served, or -1 (regional, on premises, internet) */
    link_class link; /* class of the link from the previous hop to this one */
    int32_t region;  /* Region it belongs to (topology.regions), or -1 (the internet): an
                        inter-Region link goes from the previous hop's Region to this one's */
} path_hop;

/* PATH_MAX_ALTS: DNS answers at most 8 ENIs, and an NLB with cross-zone load balancing may
 * spread each over the targets of up to 2 AZs more... 16 ways in all. */
enum { PATH_MAX_HOPS = 24, PATH_MAX_ALTS = 16, PATH_DNS_MAX_ALTS = 8, PATH_TEXT_MAX = 512 };

/* One way requests go; several when DNS answers several addresses (round robin over the ENIs of
 * all AZs of an interface endpoint). */
typedef struct path_alt {
    double weight; /* share of requests, the alternatives sum to 1 */
    path_hop hops[PATH_MAX_HOPS];
    size_t nhops;
} path_alt;

typedef enum verdict { VERDICT_REACHABLE, VERDICT_DENIED, VERDICT_UNREACHABLE } verdict;

typedef struct path_result {
    verdict verdict;
    char dns[PATH_TEXT_MAX];      /* what DNS answered, in words */
    char reason[PATH_TEXT_MAX];   /* denied: the SG rule or policy statement (with file:line);
                                     unreachable: the AWS rule; reachable: "" */
    path_alt alts[PATH_MAX_ALTS]; /* reachable: every way requests go; denied/unreachable: one
                                     alternative, the path up to where it stopped (none when DNS
                                     gave no answer) */
    size_t nalts;
} path_result;

/* Faults in force: a component or a whole AZ down. NULL means none. */
typedef struct path_faults {
    uint64_t az_down; /* bit i: topology.azs[i] is impaired */
    /* true if component (kind, index) is down in AZ az (az -1: everywhere); may be NULL */
    bool (*is_down)(const void *ctx, hop_kind kind, int32_t index, int32_t az);
    const void *ctx;
} path_faults;

/* Resolves workload w of t. Returns 0 with *out filled (any verdict), or -1 with err set when
 * the topology itself is inconsistent (a loader bug). */
int paths_resolve(const topology *t, size_t w, const path_faults *faults, path_result *out,
                  vs_error *err);

/* The same for workload w of t seen with other fields (a failover record's workload calling its
 * secondary): w need not be in t->workloads. */
int paths_resolve_as(const topology *t, const topo_workload *w, const path_faults *faults,
                     path_result *out, vs_error *err);

const char *link_class_name(link_class c); /* "intra-az", "cross-az", ... */

#endif
