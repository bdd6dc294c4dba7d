/* The resolved topology of one architecture: what a scenario file describes, flattened after
 * `extends` and patches, every reference turned into an index. Immutable once loaded; made by
 * models/scenario/scenario.c, read by path resolution (models/paths/paths.c), the cost model and
 * the CLI. Indices are int32_t into the topology's own arrays; -1 means "none". */
#ifndef VPCSIM_TOPOLOGY_H
#define VPCSIM_TOPOLOGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vpcsim/config.h"
#include "vpcsim/error.h"

/* ---- addresses ------------------------------------------------------------------------------ */

typedef struct ipv4_cidr {
    uint32_t addr; /* network address, host order, host bits zero */
    uint8_t len;   /* prefix length 0..32 */
} ipv4_cidr;

/* Parses "10.0.0.0/16" (host bits must be zero). Returns 0, or -1 with err set. */
int cidr_parse(const char *s, ipv4_cidr *out, vs_error *err);
bool cidr_contains(ipv4_cidr net, uint32_t addr);
bool cidr_overlaps(ipv4_cidr a, ipv4_cidr b);
char *cidr_format(ipv4_cidr c, char *buf, size_t n);   /* "10.0.0.0/16" */
char *ipv4_format(uint32_t addr, char *buf, size_t n); /* "203.0.113.10" */

/* ---- AWS services ---------------------------------------------------------------------------- */

typedef enum aws_service {
    SVC_S3,
    SVC_DYNAMODB,
    SVC_SQS,
    SVC_SECRETSMANAGER,
    SVC_KMS,
    SVC_STS,
    SVC_LAMBDA,
    SVC_ECR_API,
    SVC_ECR_DKR,
    SVC_SNS,
    SVC_CLOUDWATCH_LOGS,
    SVC_EC2,
    SVC_KINESIS,    /* Kinesis Data Streams (interface endpoint kinesis-streams) */
    SVC_MONITORING, /* CloudWatch metrics (interface endpoint monitoring) */
    SVC_COUNT
} aws_service;

/* "s3", "dynamodb", ...; gateway endpoints exist for s3 and dynamodb only. */
const char *aws_service_name(aws_service s);
int aws_service_find(const char *name); /* index, or -1 */
bool aws_service_has_gateway_endpoint(aws_service s);

/* ---- components ------------------------------------------------------------------------------ */

typedef struct topo_pos {
    const char *file; /* where the component was declared, for messages */
    int line, col;
} topo_pos;

typedef struct topo_region {
    const char *name; /* "us-east-1" */
    int32_t first_az; /* index of its first AZ in topology.azs */
    int32_t naz;      /* its AZs are [first_az, first_az + naz) */
} topo_region;

typedef struct topo_az {
    const char *name; /* AZ id, "use1-az1" */
    int32_t region;   /* index */
} topo_az;

typedef struct topo_vpc {
    const char *name;
    const char *id;      /* "vpc-..." as conditions name it (aws:SourceVpc); default: the name */
    const char *account; /* owning account (12 digits), or NULL: not given */
    topo_pos pos;
    int32_t region;
    ipv4_cidr cidr;
    int32_t igw;              /* internet gateway attached, or -1 */
    bool vgw;                 /* a virtual private gateway is attached */
    int32_t main_route_table; /* for subnets without an explicit association, or -1 */
} topo_vpc;

typedef struct topo_subnet {
    const char *name;
    topo_pos pos;
    int32_t vpc;
    int32_t az; /* index into topology.azs */
    ipv4_cidr cidr;
    bool public_ip;      /* instances get public IPs (a "public subnet" also needs an IGW route) */
    int32_t route_table; /* associated, or the VPC's main table; -1 if neither */
    int32_t nacl;        /* network ACL associated, or -1: the VPC's default ACL (allows all) */
    const char **shared_with; /* accounts it is shared with through AWS RAM */
    size_t nshared_with;
} topo_subnet;

/* A network ACL rule (VPC guide, network ACLs): stateless, one direction, evaluated in rule
 * number order, the first match decides; after the last, the implicit rule `*` denies. */
typedef struct topo_nacl_rule {
    int32_t number;           /* 1..32766 */
    bool egress;              /* outbound (leaving the subnet), else inbound */
    int32_t protocol;         /* IANA number: 6 TCP, 17 UDP, 1 ICMP; -1 all */
    int32_t port_lo, port_hi; /* destination ports, inclusive (all: 0..65535) */
    ipv4_cidr cidr;           /* the peer: source (inbound) or destination (outbound) */
    bool allow;               /* else deny */
    topo_pos pos;
} topo_nacl_rule;

typedef struct topo_nacl {
    const char *name;
    topo_pos pos;
    int32_t vpc;
    topo_nacl_rule *rules; /* both directions, in ascending rule number */
    size_t nrules;
} topo_nacl;

typedef enum route_target {
    RT_LOCAL,
    RT_IGW,
    RT_NAT,
    RT_GATEWAY_ENDPOINT, /* only as a prefix-list route, added by the endpoint */
    RT_TGW,
    RT_PEERING,
    RT_VGW,
    RT_BLACKHOLE
} route_target;

typedef struct topo_route {
    ipv4_cidr dst;       /* destination CIDR, unless prefix_list >= 0 */
    int32_t prefix_list; /* aws_service whose managed prefix list is the destination, or -1 */
    route_target target;
    int32_t target_index; /* into the target's array (igws, nats, ...); -1 for local/vgw */
    topo_pos pos;
} topo_route;

typedef struct topo_route_table {
    const char *name;
    topo_pos pos;
    int32_t vpc;
    topo_route *routes; /* includes the implicit local route and gateway-endpoint routes */
    size_t nroutes;
} topo_route_table;

typedef struct topo_igw {
    const char *name;
    topo_pos pos;
    int32_t vpc;
} topo_igw;

typedef struct topo_nat {
    const char *name;
    topo_pos pos;
    int32_t subnet;     /* it lives in this subnet's AZ */
    int32_t ips;        /* 1..8 public IPs (55,000 connections per destination per IP) */
    uint32_t public_ip; /* its first Elastic IP (aws:SourceIp of what it forwards), or 0: not
                           given */
    bool private_nat;   /* connectivity_type private: no IGW needed, no internet */
} topo_nat;

typedef enum policy_effect { EFFECT_ALLOW, EFFECT_DENY } policy_effect;

/* Condition operators of IAM policies (IAM User Guide, Condition operators). A family says how a
 * value is compared; negated operators hold when no value matches, and also when the key is absent
 * from the request; ...IfExists holds when the key is absent; Null tests presence only. */
typedef enum cond_op {
    COND_STRING_EQUALS,
    COND_STRING_NOT_EQUALS,
    COND_STRING_EQUALS_IGNORE_CASE,
    COND_STRING_NOT_EQUALS_IGNORE_CASE,
    COND_STRING_LIKE,
    COND_STRING_NOT_LIKE,
    COND_ARN_EQUALS,
    COND_ARN_NOT_EQUALS,
    COND_ARN_LIKE,
    COND_ARN_NOT_LIKE,
    COND_IP_ADDRESS,
    COND_NOT_IP_ADDRESS,
    COND_BOOL,
    COND_NULL,
    COND_OP_COUNT
} cond_op;

/* Global condition keys that path resolution knows the value of (IAM User Guide, AWS global
 * condition context keys). */
typedef enum cond_key {
    CKEY_SOURCE_VPCE,       /* aws:SourceVpce: the VPC endpoint the request came through */
    CKEY_SOURCE_VPC,        /* aws:SourceVpc: that endpoint's VPC */
    CKEY_VPCE_ACCOUNT,      /* aws:VpceAccount: the account that owns that endpoint */
    CKEY_PRINCIPAL_ORG_ID,  /* aws:PrincipalOrgID: the caller's organization */
    CKEY_PRINCIPAL_ACCOUNT, /* aws:PrincipalAccount: the caller's account */
    CKEY_PRINCIPAL_ARN,     /* aws:PrincipalArn: the caller */
    CKEY_SOURCE_IP,         /* aws:SourceIp: the public address, never through an endpoint */
    CKEY_SECURE_TRANSPORT,  /* aws:SecureTransport: TLS */
    CKEY_COUNT
} cond_key;

typedef struct topo_condition {
    cond_op op;
    bool if_exists; /* the operator had the IfExists suffix */
    cond_key key;
    const char **values; /* ORed (NORed for a negated operator) */
    size_t nvalues;
    topo_pos pos;
} topo_condition;

typedef struct topo_statement {
    policy_effect effect;
    const char **actions; /* patterns with '*' wildcards: "s3:Get*" */
    size_t nactions;
    const char **resources; /* ARN patterns with wildcards, e.g. "arn:aws:s3:::bucket/x*" */
    size_t nresources;
    const char **principals; /* "*" or ARNs */
    size_t nprincipals;
    topo_condition *conditions; /* all must hold (ANDed across operators and keys) */
    size_t nconditions;
    topo_pos pos;
    const char *sid; /* may be NULL */
} topo_statement;

typedef struct topo_policy {
    const char *name;
    topo_pos pos;
    topo_statement *statements;
    size_t nstatements;
} topo_policy;

/* A resource-based policy (S3 bucket policy, KMS key policy, SQS queue policy, ...): it governs
 * the requests of workloads whose target service is `service` and whose resource matches
 * `resource`. */
typedef struct topo_resource_policy {
    const char *name;
    topo_pos pos;
    aws_service service;
    const char *resource; /* ARN pattern with wildcards: "arn:aws:s3:::bucket*" */
    int32_t policy;       /* index into policies */
    const char *account;  /* the resource's account (12 digits), or NULL: the caller's */
} topo_resource_policy;

typedef struct topo_gateway_endpoint {
    const char *name;
    const char *id; /* "vpce-..." as conditions name it (aws:SourceVpce); default: the name */
    topo_pos pos;
    int32_t vpc;
    aws_service service;   /* SVC_S3 or SVC_DYNAMODB */
    int32_t *route_tables; /* where its prefix-list route is added */
    size_t nroute_tables;
    int32_t policy; /* -1: full access */
} topo_gateway_endpoint;

typedef struct topo_interface_endpoint {
    const char *name;
    const char *id; /* "vpce-..." as conditions name it (aws:SourceVpce); default: the name */
    topo_pos pos;
    int32_t vpc;
    int32_t aws_service;      /* aws_service, or -1 when endpoint_service is set */
    int32_t endpoint_service; /* index into endpoint_services, or -1 */
    int32_t *subnets;         /* one ENI per subnet, at most one subnet per AZ */
    size_t nsubnets;
    int32_t *security_groups;
    size_t nsecurity_groups;
    bool private_dns;
    int32_t *dns_vpcs; /* other VPCs where its private DNS also resolves (shared hosted zone) */
    size_t ndns_vpcs;
    int32_t policy;      /* -1: full access */
    const char *account; /* the endpoint's owner (consumer), or NULL: its VPC's account */
    int32_t connection;  /* endpoint_service: conn_state of its connection */
} topo_interface_endpoint;

/* The state of an interface endpoint's connection to an endpoint service (PrivateLink guide,
 * accept or reject connection requests): only an accepted connection carries traffic. */
typedef enum conn_state { CONN_ACCEPTED, CONN_PENDING, CONN_REJECTED } conn_state;

typedef struct topo_endpoint_service {
    const char *name;
    topo_pos pos;
    int32_t vpc;      /* provider VPC */
    int32_t *subnets; /* NLB subnets */
    size_t nsubnets;
    bool cross_zone;  /* NLB cross-zone load balancing */
    int32_t *targets; /* subnets where its targets run, one per AZ (default: its NLB subnets) */
    size_t ntargets;
    int32_t port;
    const char **allowed_principals; /* who may connect ("*", ARNs, account ids), or NULL: not
                                        checked */
    size_t nallowed_principals;
    bool acceptance_required;   /* connections from other accounts wait for acceptance */
    int32_t *supported_regions; /* other Regions whose interface endpoints may connect (cross-Region
                                   PrivateLink, enabled by the provider) */
    size_t nsupported_regions;
} topo_endpoint_service;

typedef struct topo_tgw_attachment {
    const char *name;
    int32_t vpc;      /* -1 for a DX gateway or VPN attachment */
    int32_t *subnets; /* one per AZ the attachment serves */
    size_t nsubnets;
    int32_t route_table; /* TGW route table associated, index into the TGW's tables */
    bool dx_gateway;     /* a Direct Connect gateway attachment (vpc is -1) */
    bool vpn;            /* a Site-to-Site VPN attachment (vpc is -1) */
} topo_tgw_attachment;

typedef struct topo_tgw_route {
    ipv4_cidr dst;
    int32_t attachment; /* index into the TGW's attachments, or -1 for blackhole */
    int32_t peer_tgw;   /* a TGW peering target instead (index into tgws), or -1 */
} topo_tgw_route;

typedef struct topo_tgw_route_table {
    const char *name;
    topo_tgw_route *routes;
    size_t nroutes;
} topo_tgw_route_table;

typedef struct topo_tgw {
    const char *name;
    topo_pos pos;
    int32_t region;
    topo_tgw_attachment *attachments;
    size_t nattachments;
    topo_tgw_route_table *route_tables;
    size_t nroute_tables;
    int32_t *peers; /* inter-Region peerings, indices into tgws */
    size_t npeers;
    const char *account;      /* owning account, or NULL: not given */
    const char **shared_with; /* accounts it is shared with through AWS RAM */
    size_t nshared_with;
} topo_tgw;

typedef struct topo_peering {
    const char *name;
    topo_pos pos;
    int32_t vpc_a, vpc_b;
} topo_peering;

typedef enum vif_kind { VIF_PRIVATE, VIF_TRANSIT } vif_kind;

typedef struct topo_dx {
    bool present;
    const char *location; /* DX location name */
    double distance_km;   /* fibre distance site -> location -> Region */
    double port_bps;      /* 1, 10, 100 Gbps dedicated; hosted 50 Mbps..10 Gbps */
    vif_kind vif;
    int32_t vpc; /* private VIF (via DX gateway) -> this VPC's VGW, or -1 */
    int32_t tgw; /* transit VIF (via DX gateway) -> this TGW, or -1 */
} topo_dx;

typedef struct topo_vpn {
    bool present;
    int32_t tunnels; /* 1 or 2 */
    bool ecmp;       /* TGW only: traffic spreads over the tunnels (else one carries it) */
    bool large;      /* TGW only: Large bandwidth tunnels (5 Gbps each, AWS 2025) */
    int32_t vpc;     /* terminates on this VPC's VGW, or -1 */
    int32_t tgw;     /* terminates on this TGW, or -1 */
} topo_vpn;

typedef struct topo_site {
    const char *name;
    topo_pos pos;
    ipv4_cidr cidr;
    int32_t region; /* the home Region of its connections */
    topo_dx dx;
    topo_vpn vpn;
    int32_t dns_resolver; /* Route 53 Resolver inbound endpoint its DNS forwards to, or -1 */
} topo_site;

typedef struct topo_resolver_endpoint {
    const char *name;
    topo_pos pos;
    int32_t vpc;
    int32_t *subnets;
    size_t nsubnets;
} topo_resolver_endpoint;

typedef struct topo_sg_rule {
    bool ingress;
    int32_t port_lo, port_hi; /* inclusive; 0..65535 */
    ipv4_cidr cidr;           /* when source_sg < 0 */
    int32_t source_sg;        /* a security group as the peer, or -1 */
    int32_t prefix_list;      /* an AWS-managed prefix list as the peer (aws_service), or -1 */
    topo_pos pos;
} topo_sg_rule;

typedef struct topo_security_group {
    const char *name;
    topo_pos pos;
    int32_t vpc;
    topo_sg_rule *rules;
    size_t nrules;
} topo_security_group;

/* ---- workloads ------------------------------------------------------------------------------- */

typedef enum target_kind {
    TARGET_AWS_SERVICE,
    TARGET_ENDPOINT_SERVICE,
    TARGET_INTERNET
} target_kind;
typedef enum dns_mode { DNS_REGIONAL, DNS_ZONAL } dns_mode;
typedef enum arrival_kind {
    ARRIVAL_POISSON,
    ARRIVAL_CONSTANT,
    ARRIVAL_ONOFF,
    ARRIVAL_SCHEDULE,
    ARRIVAL_REPLAY,
    ARRIVAL_CLOSED
} arrival_kind;
typedef enum retry_mode { RETRY_STANDARD, RETRY_NONE } retry_mode;

typedef struct topo_workload {
    const char *name;
    topo_pos pos;
    int32_t source_subnet; /* a subnet, or -1 */
    int32_t source_site;   /* an on-premises site, or -1 */
    int32_t source_sgs[8]; /* security groups of the clients (subnet sources) */
    size_t nsource_sgs;
    target_kind target;
    int32_t service;           /* aws_service (TARGET_AWS_SERVICE) */
    int32_t service_region;    /* Region of the service (default: the source's) */
    int32_t endpoint_service;  /* (TARGET_ENDPOINT_SERVICE) */
    uint32_t internet_ip;      /* (TARGET_INTERNET) host address */
    int32_t port;              /* destination port (443) */
    dns_mode dns;              /* how clients name an interface endpoint */
    int32_t eph_lo, eph_hi;    /* the clients' ephemeral (source) ports, for network ACLs */
    const char *action;        /* "s3:GetObject", for policies */
    const char *resource;      /* "arn:aws:s3:::bucket/key" */
    const char *principal;     /* "arn:aws:iam::123456789012:role/app" or "*" */
    const char *principal_org; /* aws:PrincipalOrgID of the caller ("o-..."), or NULL */
    int32_t identity_policy;   /* the caller's identity policy, or -1: allows what it calls */
    bool secure_transport;     /* aws:SecureTransport: the SDK speaks TLS (default) */
    /* traffic (used by `vpcsim run`) */
    arrival_kind arrival;
    double rate_per_s;      /* open loop mean rate */
    int32_t clients;        /* closed loop */
    int64_t think_ns;       /* closed loop mean think time */
    int64_t bytes_up;       /* request size */
    int64_t bytes_down;     /* response size */
    bool reuse_connections; /* else a new TCP + TLS connection per request */
    int64_t timeout_ns;
    retry_mode retry;
    int32_t max_attempts;
    const config_node *traffic; /* the `traffic:` map as written, for keys that depend on the
                                   arrival kind (on/off, schedule, file), or NULL */
    int32_t record; /* the Route 53 failover record it calls by name (its target fields are the
                       record's primary), or -1 */
    /* throughput limits of the target (`dynamodb:`, `kinesis:`; used by `vpcsim run`) */
    int32_t partitions;    /* DynamoDB partitions the table's keys spread over; 0: no limit */
    bool hot_key;          /* DynamoDB: every request goes to one key range (one partition) */
    bool strong_reads;     /* DynamoDB: strongly consistent reads (else eventually) */
    int64_t item_bytes;    /* DynamoDB item size (0: the response size for reads, else the
                              request size) */
    double table_capacity; /* DynamoDB provisioned RCU (reads) or WCU (writes); 0: on-demand */
    int32_t shards;        /* Kinesis shards of the stream; 0: no limit */
} topo_workload;

/* ---- Route 53 failover records ----------------------------------------------------------------
 */

/* Where a record's answer sends calls: the target fields of a workload. */
typedef struct topo_target {
    target_kind kind;
    int32_t service;          /* aws_service (TARGET_AWS_SERVICE) */
    int32_t service_region;   /* its Region */
    int32_t endpoint_service; /* (TARGET_ENDPOINT_SERVICE) */
    uint32_t internet_ip;     /* (TARGET_INTERNET) */
} topo_target;

/* A failover record: Route 53 answers the primary while its health check passes, else the
 * secondary (Route 53 Developer Guide, failover routing). The health check turns unhealthy once
 * failure_threshold consecutive checks, every interval, fail (and healthy again as many passes
 * later); clients cache the answer for ttl. */
typedef struct topo_failover_record {
    const char *name;
    topo_pos pos;
    topo_target primary;
    topo_target secondary; /* valid if has_secondary */
    bool has_secondary;
    int64_t ttl_ns;            /* the answer's TTL */
    int64_t interval_ns;       /* health check request interval: 10 s or 30 s */
    int32_t failure_threshold; /* 1..10 */
} topo_failover_record;

void topo_target_apply(topo_workload *w, const topo_target *x); /* w's target fields := x */
bool topo_target_same(const topo_target *a, const topo_target *b);
bool topo_target_called(const topo_workload *w, const topo_target *x); /* w's target is x */

/* ---- faults ---------------------------------------------------------------------------------- */

/* A fault scheduled in the scenario's top-level `faults:` list (the same in every architecture;
 * a fault whose component an architecture lacks does nothing there). Times are run time, from 0
 * (warm-up included). */
typedef enum fault_kind {
    FAULT_AZ_IMPAIRED, /* every zonal component in `az` is down */
    FAULT_DOWN,        /* one component (or its ENI / attachment in `az`) is down */
    FAULT_LATENCY,     /* a component adds `add` to each request it serves */
    FAULT_ERRORS,      /* a component (a service) answers error_rate of requests with a 5xx */
    FAULT_REGION       /* every component in `region` is down */
} fault_kind;

typedef struct topo_fault {
    fault_kind kind;
    topo_pos pos;
    const char *target;     /* as written: "nat_gateway/nat-a", "service_s3", or NULL (AZ) */
    const char *param_kind; /* the parameter kind of the target ("nat_gateway"), or NULL */
    const char *instance;   /* the instance ("nat-a"), or NULL for every instance of the kind */
    int32_t az;             /* the AZ (AZ_IMPAIRED), or one AZ of a zonal component, or -1 */
    int64_t start_ns;       /* the fault begins */
    int64_t end_ns;         /* and ends (INT64_MAX: it never recovers) */
    const config_node *add; /* FAULT_LATENCY: the added latency as written (a duration or a
                               distribution), read through params/dist */
    double error_rate;      /* FAULT_ERRORS, in (0, 1] */
    int32_t region;         /* FAULT_REGION: the Region, else -1 */
} topo_fault;

/* The parameter kind of an AWS service ("service_s3"; both ECR services are "service_ecr"): how
 * overrides and faults name it. */
const char *aws_service_param_kind(aws_service s);

/* ---- the whole ------------------------------------------------------------------------------- */

typedef struct topology {
    const char *name; /* architecture name */
    topo_pos pos;
    topo_region *regions;
    size_t nregions;
    topo_az *azs;
    size_t nazs;
    topo_vpc *vpcs;
    size_t nvpcs;
    topo_subnet *subnets;
    size_t nsubnets;
    topo_route_table *route_tables;
    size_t nroute_tables;
    topo_igw *igws;
    size_t nigws;
    topo_nat *nats;
    size_t nnats;
    topo_gateway_endpoint *gateway_endpoints;
    size_t ngateway_endpoints;
    topo_interface_endpoint *interface_endpoints;
    size_t ninterface_endpoints;
    topo_endpoint_service *endpoint_services;
    size_t nendpoint_services;
    topo_tgw *tgws;
    size_t ntgws;
    topo_peering *peerings;
    size_t npeerings;
    topo_site *sites;
    size_t nsites;
    topo_resolver_endpoint *resolver_endpoints;
    size_t nresolver_endpoints;
    topo_security_group *security_groups;
    size_t nsecurity_groups;
    topo_nacl *nacls;
    size_t nnacls;
    topo_policy *policies;
    size_t npolicies;
    topo_resource_policy *resource_policies;
    size_t nresource_policies;
    topo_workload *workloads;
    size_t nworkloads;
    topo_fault *faults; /* in start order */
    size_t nfaults;
    topo_failover_record *failover_records;
    size_t nfailover_records;
} topology;

#endif
