/* Every key a scenario file may hold, one table per section: the loader checks maps against these
 * tables and takes defaults from them, and docs/scenario-keys.md is printed from them, so the
 * reference cannot drift from the loader. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_impl.h"
#include "vpcsim/aws/precision.h"

#define T_DURATION CONFIG_TYPE_DURATION
#define T_SIZE     CONFIG_TYPE_SIZE
#define T_BITRATE  CONFIG_TYPE_BITRATE
#define T_RATE     CONFIG_TYPE_RATE
#define T_INT      CONFIG_TYPE_INT
#define T_DOUBLE   CONFIG_TYPE_DOUBLE
#define T_BOOL     CONFIG_TYPE_BOOL
#define T_STRING   CONFIG_TYPE_STRING
#define T_ENUM     CONFIG_TYPE_ENUM
#define T_MAP      CONFIG_TYPE_MAP
#define T_SEQ      CONFIG_TYPE_SEQ
#define END                                                                                        \
    {                                                                                              \
        NULL, CONFIG_TYPE_STRING, NULL, NULL, NULL                                                 \
    }
#define NAME(what)                                                                                 \
    {                                                                                              \
        "name", T_STRING, "name", NULL, "unique among " what "; letters, digits, - _ ."            \
    }

static const config_keydef top_keys[] = {
    {"version", T_INT, "1", NULL, "schema version; this build reads 1"},
    {"name", T_STRING, NULL, NULL, "scenario name"},
    {"description", T_STRING, NULL, "", "free text"},
    {"seed", T_INT, "0..2^63-1", "1", "default seed of runs"},
    {"regions", T_SEQ, NULL, NULL, "AWS Regions and their AZs (regions[])"},
    {"architectures", T_SEQ, NULL, NULL, "the architectures to compare (architectures[])"},
    {"workloads", T_SEQ, NULL, "[]", "workloads of every architecture (workloads[])"},
    {"overrides", T_MAP, "kind or kind/instance", "{}", "parameter overrides (overrides)"},
    {"run", T_MAP, NULL, "{}", "how `vpcsim run` runs the scenario (run)"},
    {"faults", T_SEQ, NULL, "[]", "scheduled faults, the same in every architecture (faults[])"},
    {"output", T_MAP, NULL, "{}", "what `vpcsim run -o` keeps besides the summary (output)"},
    {"expect", T_SEQ, NULL, "[]", "what must hold of the results (expect[])"},
    {"accounts", T_SEQ, NULL, "[]",
     "each account's organization and OU, which RAM shares to them reach (accounts[])"},
    {"quotas", T_MAP, "quota -> value", "{}",
     "AWS quotas raised for these accounts (docs/scenario.md, Quotas); none: AWS's defaults"},
    END};

static const config_keydef region_keys[] = {
    {"name", T_STRING, "Region code", NULL, "e.g. us-east-1; unique"},
    {"azs", T_SEQ, "AZ ids", NULL,
     "its Availability Zone ids (use1-az1: the same in every account)"},
    END};

#define KIND_KEYS(dflt, what)                                                                      \
    {"vpcs", T_SEQ, NULL, dflt, what " (vpcs[])"},                                                 \
        {"subnets", T_SEQ, NULL, dflt, what " (subnets[])"},                                       \
        {"route_tables", T_SEQ, NULL, dflt, what " (route_tables[])"},                             \
        {"nat_gateways", T_SEQ, NULL, dflt, what " (nat_gateways[])"},                             \
        {"gateway_endpoints", T_SEQ, NULL, dflt, what " (gateway_endpoints[])"},                   \
        {"interface_endpoints", T_SEQ, NULL, dflt, what " (interface_endpoints[])"},               \
        {"endpoint_services", T_SEQ, NULL, dflt, what " (endpoint_services[])"},                   \
        {"transit_gateways", T_SEQ, NULL, dflt, what " (transit_gateways[])"},                     \
        {"peerings", T_SEQ, NULL, dflt, what " (peerings[])"},                                     \
        {"sites", T_SEQ, NULL, dflt, what " (sites[])"},                                           \
        {"resolver_endpoints", T_SEQ, NULL, dflt, what " (resolver_endpoints[])"},                 \
        {"security_groups", T_SEQ, NULL, dflt, what " (security_groups[])"},                       \
        {"policies", T_SEQ, NULL, dflt, what " (policies[])"},                                     \
        {"network_acls", T_SEQ, NULL, dflt, what " (network_acls[])"},                             \
        {"resource_policies", T_SEQ, NULL, dflt, what " (resource_policies[])"},                   \
    {                                                                                              \
        "failover_records", T_SEQ, NULL, dflt, what " (failover_records[])"                        \
    }

static const config_keydef arch_keys[] = {
    NAME("architectures"),
    {"description", T_STRING, NULL, "", "free text"},
    {"extends", T_STRING, "architecture name", "", "start from this architecture's elements"},
    {"add", T_MAP, "kind -> elements", "{}", "new elements (new names only)"},
    {"replace", T_MAP, "kind -> elements", "{}", "whole elements (existing names only)"},
    {"remove", T_MAP, "kind -> names", "{}", "elements to drop (existing names only)"},
    KIND_KEYS("[]", "elements, not with extends"),
    END};

static const config_keydef patch_keys[] = {
    KIND_KEYS("[]", "elements or names"),
    {"workloads", T_SEQ, NULL, "[]", "elements or names (workloads[])"},
    END};

static const config_keydef vpc_keys[] = {
    NAME("VPCs"),
    {"id", T_STRING, "vpc-...", "", "as policy conditions name it (aws:SourceVpc); none: its name"},
    {"account", T_STRING, "12 digits", "",
     "owning account (aws:VpceAccount of its endpoints); none: not known"},
    {"region", T_STRING, "Region code", NULL, "its Region"},
    {"cidr", T_STRING, "IPv4 CIDR /16../28", NULL, "its address range"},
    {"internet_gateway", T_STRING, "name", "", "internet gateway attached (route target igw/NAME)"},
    {"vpn_gateway", T_BOOL, NULL, "false",
     "a virtual private gateway is attached (route target vgw; private VIF, VPN)"},
    END};

static const config_keydef subnet_keys[] = {
    NAME("subnets"),
    {"vpc", T_STRING, "name", NULL, "its VPC"},
    {"az", T_STRING, "AZ id", NULL, "an AZ of the VPC's Region"},
    {"cidr", T_STRING, "IPv4 CIDR /16../28", NULL, "inside the VPC's CIDR, overlapping no subnet"},
    {"public", T_BOOL, NULL, "false",
     "instances get public IPs (a public subnet also routes 0.0.0.0/0 to igw)"},
    {"route_table", T_STRING, "name", "", "associated route table; none: the VPC's main table"},
    {"shared_with", T_SEQ, "account ids, o-... or ou-...", "[]",
     "accounts, organizations or OUs it is shared with through AWS RAM (they may place endpoints "
     "in it)"},
    END};

static const config_keydef rt_keys[] = {
    NAME("route tables"),
    {"vpc", T_STRING, "name", NULL, "its VPC"},
    {"main", T_BOOL, NULL, "false", "the VPC's main table (at most one per VPC)"},
    {"routes", T_SEQ, NULL, "[]", "after the implicit local route (routes[])"},
    END};

static const config_keydef route_keys[] = {
    {"destination", T_STRING, "IPv4 CIDR", "", "destination range; or prefix_list"},
    {"prefix_list", T_ENUM, "s3|dynamodb", "",
     "AWS-managed prefix list as destination; target must be gateway_endpoint/NAME"},
    {"target", T_STRING,
     "local, igw/NAME, nat/NAME, gateway_endpoint/NAME, tgw/NAME, peering/NAME, vgw, blackhole",
     NULL, "where matching packets go"},
    END};

static const config_keydef nat_keys[] = {
    NAME("NAT gateways"),
    {"subnet", T_STRING, "name", NULL, "subnet it lives in (its AZ)"},
    {"ips", T_INT, "1..8", "1", "IP addresses: 55,000 connections per destination per IP"},
    {"public_ip", T_STRING, "IPv4 address", "",
     "its first Elastic IP: aws:SourceIp of what it forwards; none: not known"},
    {"connectivity", T_ENUM, "public|private", "public",
     "public needs an internet gateway in the VPC; private has no internet"},
    END};

static const config_keydef gwe_keys[] = {
    NAME("gateway endpoints"),
    {"id", T_STRING, "vpce-...", "",
     "as policy conditions name it (aws:SourceVpce); none: its name"},
    {"vpc", T_STRING, "name", NULL, "its VPC"},
    {"service", T_STRING, "s3 or dynamodb", NULL, "the only services with gateway endpoints"},
    {"route_tables", T_SEQ, "names", "[]", "tables of its VPC that get its prefix-list route"},
    {"policy", T_STRING, "name", "", "endpoint policy; none: full access"},
    END};

static const config_keydef ife_keys[] = {
    NAME("interface endpoints"),
    {"id", T_STRING, "vpce-...", "",
     "as policy conditions name it (aws:SourceVpce); none: its name"},
    {"vpc", T_STRING, "name", NULL, "its VPC"},
    {"service", T_STRING, "AWS service", "", "s3, dynamodb, sqs, ...; or endpoint_service"},
    {"endpoint_service", T_STRING, "name", "", "a PrivateLink endpoint service; or service"},
    {"subnets", T_SEQ, "names", NULL, "one ENI per subnet, at most one subnet per AZ"},
    {"security_groups", T_SEQ, "names", "[]",
     "security groups on its ENIs, of its VPC; none: the VPC's default group (members only)"},
    {"private_dns", T_BOOL, NULL, "true", "the service's default name resolves to its ENIs"},
    {"dns_shared_with", T_SEQ, "VPC names", "[]",
     "other VPCs where its DNS name also resolves (shared private hosted zone)"},
    {"policy", T_STRING, "name", "", "endpoint policy; none: full access"},
    {"account", T_STRING, "12 digits", "",
     "the endpoint's owner; none: its VPC's account (another needs the subnets shared)"},
    {"connection", T_ENUM, "accepted|pending|rejected", "accepted",
     "endpoint_service: the state of its connection; only accepted carries traffic"},
    END};

static const config_keydef eps_keys[] = {
    NAME("endpoint services"),
    {"vpc", T_STRING, "name", NULL, "provider VPC"},
    {"subnets", T_SEQ, "names", NULL, "subnets of its Network Load Balancer"},
    {"port", T_INT, "1..65535", "443", "listener port"},
    {"cross_zone", T_BOOL, NULL, "false",
     "NLB cross-zone load balancing: each NLB node spreads over the targets of every AZ; "
     "off: only over its own AZ's"},
    {"targets", T_SEQ, "names", "its subnets",
     "subnets where its targets run, one per AZ, in the provider VPC"},
    {"allowed_principals", T_SEQ, "\"*\", ARNs or account ids", "",
     "who may connect an endpoint (its own account always may); none: not checked"},
    {"acceptance_required", T_BOOL, NULL, "false",
     "connections from other accounts wait for the owner's acceptance"},
    {"supported_regions", T_SEQ, "Region codes", "[]",
     "other Regions whose interface endpoints may connect (cross-Region PrivateLink)"},
    END};

static const config_keydef tgw_keys[] = {
    NAME("Transit Gateways"),
    {"region", T_STRING, "Region code", NULL, "its Region"},
    {"attachments", T_SEQ, NULL, "[]", "attachments (attachments[])"},
    {"route_tables", T_SEQ, NULL, "[]", "TGW route tables (route_tables[])"},
    {"peers", T_SEQ, "TGW names", "[]", "peered Transit Gateways (declare on either side)"},
    {"account", T_STRING, "12 digits", "", "owning account; none: not given"},
    {"shared_with", T_SEQ, "account ids, o-... or ou-...", "[]",
     "accounts, organizations or OUs it is shared with through AWS RAM (they may attach their "
     "VPCs)"},
    END};

static const config_keydef tgw_att_keys[] = {
    NAME("the TGW's attachments"),
    {"vpc", T_STRING, "name", "", "VPC attachment: the VPC, in the TGW's Region"},
    {"subnets", T_SEQ, "names", "[]", "VPC attachment: one subnet per AZ served"},
    {"direct_connect_gateway", T_BOOL, NULL, "false", "a Direct Connect gateway attachment"},
    {"vpn", T_BOOL, NULL, "false", "a Site-to-Site VPN attachment"},
    {"route_table", T_STRING, "name", "", "associated TGW route table; none: the first"},
    END};

static const config_keydef tgw_rt_keys[] = {
    NAME("the TGW's route tables"), {"routes", T_SEQ, NULL, "[]", "static routes (routes[])"}, END};

static const config_keydef tgw_route_keys[] = {
    {"destination", T_STRING, "IPv4 CIDR", NULL, "destination range"},
    {"attachment", T_STRING, "name", "", "target attachment; or blackhole, or peer"},
    {"blackhole", T_BOOL, NULL, "false", "drop matching packets"},
    {"peer", T_STRING, "TGW name", "", "a peered TGW (listed in peers)"},
    END};

static const config_keydef peering_keys[] = {
    NAME("peerings"),
    {"vpcs", T_SEQ, "two VPC names", NULL, "the peered VPCs (non-overlapping CIDRs)"},
    END};

static const config_keydef site_keys[] = {
    NAME("sites"),
    {"cidr", T_STRING, "IPv4 CIDR", NULL, "on-premises range; overlaps no VPC it connects to"},
    {"region", T_STRING, "Region code", NULL, "home Region of its connections"},
    {"direct_connect", T_MAP, NULL, "", "Direct Connect connection (direct_connect)"},
    {"vpn", T_MAP, NULL, "", "Site-to-Site VPN connection (vpn)"},
    {"dns_resolver", T_STRING, "name", "",
     "Route 53 Resolver inbound endpoint its DNS forwards AWS names to"},
    END};

static const config_keydef dx_keys[] = {
    {"location", T_STRING, NULL, NULL, "Direct Connect location, e.g. EqDC2"},
    {"distance_km", T_DOUBLE, "0..20000 km", NULL, "fibre distance site -> location -> Region"},
    {"port_speed", T_BITRATE,
     "hosted 50..500Mbps, 1, 2, 5, 10, 25Gbps; dedicated 1, 10, 100, 400Gbps", NULL,
     "connection speed"},
    {"vif", T_ENUM, "private|transit", NULL, "virtual interface type"},
    {"vpc", T_STRING, "name", "", "private VIF: the VPC whose virtual private gateway it reaches"},
    {"transit_gateway", T_STRING, "name", "",
     "transit VIF: the TGW (with a direct_connect_gateway attachment)"},
    END};

static const config_keydef vpn_keys[] = {
    {"tunnels", T_INT, "1..2", "2", "IPsec tunnels (1.25 Gbps, 140 kpps each)"},
    {"ecmp", T_BOOL, NULL, "false",
     "on a TGW with VPN ECMP support and BGP: traffic spreads over every tunnel; else one "
     "tunnel carries it and the other stands by"},
    {"tunnel_bandwidth", T_ENUM, "standard|large", "standard",
     "large: 5 Gbps per tunnel (TGW only, since 2025)"},
    {"vpc", T_STRING, "name", "", "terminates on this VPC's virtual private gateway; or"},
    {"transit_gateway", T_STRING, "name", "", "on this TGW (with a vpn attachment)"},
    END};

static const config_keydef resolver_keys[] = {
    NAME("resolver endpoints"),
    {"vpc", T_STRING, "name", NULL, "its VPC"},
    {"subnets", T_SEQ, "names", NULL, "subnets of its ENIs"},
    END};

static const config_keydef sg_keys[] = {
    NAME("security groups"),
    {"vpc", T_STRING, "name", NULL, "its VPC"},
    {"ingress", T_SEQ, NULL, "[]", "inbound rules (rules[])"},
    {"egress", T_SEQ, NULL, "all to 0.0.0.0/0", "outbound rules (rules[]); [] for none"},
    END};

static const config_keydef sg_rule_keys[] = {
    {"ports", T_STRING, "N, N-M or all", NULL, "TCP destination ports"},
    {"cidr", T_STRING, "IPv4 CIDR", "", "peer range; or security_group"},
    {"security_group", T_STRING, "name", "", "peer security group"},
    {"prefix_list", T_ENUM, "s3|dynamodb", "",
     "AWS-managed prefix list of the service's public ranges in the Region (egress)"},
    END};

static const config_keydef nacl_keys[] = {
    NAME("network ACLs"),
    {"vpc", T_STRING, "name", NULL, "its VPC"},
    {"subnets", T_SEQ, "names", "[]",
     "subnets of its VPC associated with it (a subnet has at most one); others use the VPC's "
     "default ACL, which allows all"},
    {"ingress", T_SEQ, NULL, "[]", "inbound rules (rules[]); then `*` denies"},
    {"egress", T_SEQ, NULL, "[]", "outbound rules (rules[]); then `*` denies"},
    END};

static const config_keydef nacl_rule_keys[] = {
    {"rule", T_INT, "1..32766", NULL, "rule number: ascending order, the first match decides"},
    {"action", T_ENUM, "allow|deny", NULL, "what a match does"},
    {"protocol", T_ENUM, "all|tcp|udp|icmp", "all", "requests and responses are TCP"},
    {"ports", T_STRING, "N, N-M or all", "all",
     "destination ports (tcp, udp); responses go to the client's ephemeral ports"},
    {"cidr", T_STRING, "IPv4 CIDR", NULL, "source (ingress) or destination (egress) range"},
    END};

static const config_keydef policy_keys[] = {
    NAME("policies"),
    {"statements", T_SEQ, NULL, NULL, "evaluated as IAM does: explicit Deny wins (statements[])"},
    END};

static const config_keydef statement_keys[] = {
    {"sid", T_STRING, NULL, "", "statement id, shown in verdicts"},
    {"effect", T_ENUM, "Allow|Deny", NULL, "what a match does"},
    {"actions", T_SEQ, "patterns", NULL, "\"s3:Get*\", \"*\"; * matches any run of characters"},
    {"resources", T_SEQ, "patterns", "[\"*\"]", "ARN patterns"},
    {"principals", T_SEQ, "patterns", "[\"*\"]", "\"*\", ARNs or account ids"},
    {"conditions", T_MAP, "operator -> key -> values", "{}",
     "IAM condition operators (StringEquals, StringNotEquals, StringLike, ArnLike, IpAddress, "
     "Bool, Null, ...IfExists) on aws:SourceVpce, aws:SourceVpc, aws:VpceAccount, "
     "aws:PrincipalOrgID, aws:PrincipalAccount, aws:PrincipalArn, aws:SourceIp, "
     "aws:SecureTransport; all must hold, values of one key are ORed"},
    END};

static const config_keydef resource_policy_keys[] = {
    NAME("resource policies"),
    {"service", T_STRING, "AWS service", NULL, "s3 (bucket policy), kms (key policy), sqs, ..."},
    {"resource", T_STRING, "ARN pattern", "*",
     "the workloads' resources it governs, e.g. arn:aws:s3:::bucket*"},
    {"policy", T_STRING, "name", NULL, "the policy (policies[]); its principals say who"},
    {"account", T_STRING, "12 digits", "",
     "the resource's account; another than the caller's needs both policies to allow"},
    END};

static const config_keydef workload_keys[] = {
    NAME("workloads"),
    {"source", T_MAP, NULL, NULL, "where requests start (source)"},
    {"target", T_MAP, NULL, NULL, "where they go (target)"},
    {"port", T_INT, "1..65535", "", "destination port; none: the endpoint service's, else 443"},
    {"dns", T_ENUM, "regional|zonal", "regional", "interface endpoint name clients use"},
    {"action", T_STRING, "IAM action", "", "e.g. s3:GetObject, for endpoint policies"},
    {"resource", T_STRING, "ARN", "", "e.g. arn:aws:s3:::bucket/key, for endpoint policies"},
    {"principal", T_STRING, "ARN", "*", "caller, for endpoint policies"},
    {"principal_org", T_STRING, "o-...", "", "the caller's organization (aws:PrincipalOrgID)"},
    {"identity_policy", T_STRING, "name", "",
     "the caller's identity policy (policies[]); none: it allows what the workload calls"},
    {"secure_transport", T_BOOL, NULL, "true", "requests use TLS (aws:SecureTransport)"},
    {"ephemeral_ports", T_STRING, "N-M", "1024-65535",
     "the clients' source ports, where responses return (network ACLs)"},
    {"traffic", T_MAP, NULL, "", "traffic for `vpcsim run` (traffic); none: check only"},
    {"dynamodb", T_MAP, NULL, "",
     "target dynamodb: the table's partitions and items (dynamodb); none: no throttling"},
    {"kinesis", T_MAP, NULL, "", "target kinesis-streams: the stream's shards (kinesis)"},
    END};

static const config_keydef dynamodb_keys[] = {
    {"partitions", T_INT, "1..100000", NULL,
     "partitions of the table (3,000 RCU and 1,000 WCU each)"},
    {"keys", T_ENUM, "uniform|hot", "uniform",
     "uniform: spread over every partition; hot: one key range (one partition)"},
    {"consistency", T_ENUM, "eventual|strong", "eventual",
     "reads: eventual takes half a read unit per 4 KB, strong one"},
    {"item_size", T_SIZE, NULL, "",
     "item size; none: response_size (reads), request_size (writes)"},
    {"capacity", T_RATE, "units per second", "",
     "provisioned RCU (reads) or WCU (writes) of the table; none: on-demand"},
    END};

static const config_keydef kinesis_keys[] = {
    {"shards", T_INT, "1..100000", NULL,
     "shards of the stream (each 1,000 records and 1 MiB/s in, 5 reads and 2 MiB/s out)"},
    END};

static const config_keydef source_keys[] = {
    {"subnet", T_STRING, "name", "", "clients in this subnet; or site"},
    {"security_groups", T_SEQ, "names", "[]", "their security groups (at most 8, of its VPC)"},
    {"site", T_STRING, "name", "", "clients on premises"},
    END};

static const config_keydef target_keys[] = {
    {"service", T_STRING, "AWS service", "",
     "s3, dynamodb, sqs, ...; or endpoint_service, internet"},
    {"region", T_STRING, "Region code", "", "the service's Region; none: the source's"},
    {"endpoint_service", T_STRING, "name", "", "a PrivateLink endpoint service"},
    {"internet", T_STRING, "IPv4 address", "", "a public host on the internet"},
    {"record", T_STRING, "name", "", "a Route 53 failover record of the architecture"},
    END};

static const config_keydef traffic_keys[] = {
    {"arrival", T_ENUM, "poisson|constant|onoff|schedule|replay|closed", "poisson",
     "arrival process; closed: clients with think time"},
    {"rate", T_RATE, "per second", "", "mean rate (poisson, constant; onoff: while on)"},
    {"on", T_DURATION, NULL, "", "onoff: mean burst length"},
    {"off", T_DURATION, NULL, "", "onoff: mean pause length"},
    {"schedule", T_SEQ, NULL, "", "schedule: rate steps (schedule[])"},
    {"file", T_STRING, "path", "", "replay: file of arrival timestamps"},
    {"clients", T_INT, "1..1000000", "", "closed: number of clients"},
    {"think_time", T_DURATION, NULL, "0s", "closed: mean think time"},
    {"request_size", T_SIZE, NULL, "1KiB", "bytes sent per request"},
    {"response_size", T_SIZE, NULL, "1KiB", "bytes received per response"},
    {"reuse_connections", T_BOOL, NULL, "true", "else a new TCP + TLS connection per request"},
    {"timeout", T_DURATION, NULL, "10s", "per attempt"},
    {"retry", T_MAP, NULL, "", "SDK retries (retry)"},
    END};

static const config_keydef retry_keys[] = {
    {"mode", T_ENUM, "standard|none", "standard", "SDK retry mode"},
    {"max_attempts", T_INT, "1..20", "", "attempts in all; none: 3 (standard), 1 (none)"},
    END};

static const config_keydef schedule_keys[] = {
    {"at", T_DURATION, NULL, NULL, "step start; the first at 0s, then increasing"},
    {"rate", T_RATE, "per second", NULL, "rate from then on"},
    END};

static const config_keydef run_keys[] = {
    {"duration", T_DURATION, NULL, "", "simulated time per replication (read by `vpcsim run`)"},
    {"warmup", T_DURATION, "or auto", "",
     "deleted from statistics; auto: chosen per run by MSER-5 (read by `vpcsim run`)"},
    {"replications", T_INT, "1..100000", "", "independent replications (read by `vpcsim run`)"},
    {"sweep", T_MAP, NULL, "", "parameter sweep (read by `vpcsim run`)"},
    {"seed", T_INT, "0..2^63-1", "", "seed of runs, instead of the top-level one"},
    {"precision", T_MAP, NULL, "", "add replications until intervals are narrow (run.precision)"},
    END};

static const config_keydef output_keys[] = {
    {"records", CONFIG_TYPE_PROBABILITY, "0..1", "1",
     "share of measured calls kept as request records (lowered to about 200,000 a run)"},
    {"spans", CONFIG_TYPE_PROBABILITY, "0..1", "0.01",
     "share of requests whose per-hop spans are kept (lowered to about 100,000 calls a run)"},
    {"series_bin", T_DURATION, NULL, "", "time series bin (default: run length / 200)"},
    END};

static const config_keydef account_keys[] = {
    {"id", T_STRING, "12 digits", NULL, "the account; unique"},
    {"organization", T_STRING, "o-...", "", "its AWS Organizations organization"},
    {"ou", T_STRING, "ou-...", "", "its organizational unit"},
    END};

static const config_keydef fault_keys[] = {
    {"kind", T_ENUM, "az_impaired|down|latency|errors|region", NULL,
     "az_impaired: every zonal component in `az` is down; down: `component` is down (its part "
     "in `az` only, if given); latency: `component` adds `add`; errors: `component` answers "
     "`rate` of requests with a 5xx; region: every component in `region` is down"},
    {"component", T_STRING, "kind or kind/instance", "",
     "what fails, named as in `overrides` (\"nat_gateway/nat-a\", \"service_s3\"); not with "
     "az_impaired"},
    {"az", T_STRING, "AZ id", "",
     "az_impaired: the AZ (required); else one AZ of a zonal component"},
    {"region", T_STRING, "Region code", "", "region: the Region (required); not with other kinds"},
    {"start", T_DURATION, ">= 0", NULL, "run time (warm-up included) when the fault begins"},
    {"end", T_DURATION, "> start", "", "when it ends; none: it never recovers"},
    {"add", T_DURATION, "or a distribution map", "", "latency: added to each request served"},
    {"rate", T_DOUBLE, "(0, 1]", "", "errors: share of requests answered with an error"},
    END};

static const config_keydef record_keys[] = {
    NAME("failover records"),
    {"primary", T_MAP, "target", NULL, "answered while its health check passes"},
    {"secondary", T_MAP, "target", "",
     "answered while the primary is unhealthy; none: no failover"},
    {"ttl", T_DURATION, ">= 0", "60s", "how long clients cache the answer"},
    {"health_check", T_MAP, NULL, "{}", "the primary's health check"},
    END};

static const config_keydef record_target_keys[] = {
    {"service", T_STRING, "AWS service", "", "s3, dynamodb, sqs, ...; with region"},
    {"region", T_STRING, "Region code", "", "the service's Region (required with service)"},
    {"endpoint_service", T_STRING, "name", "", "a PrivateLink endpoint service"},
    END};

static const config_keydef health_check_keys[] = {
    {"interval", T_DURATION, "10s or 30s", "30s", "request interval of each health checker"},
    {"failure_threshold", T_INT, "1..10", "3",
     "consecutive checks that must fail (or pass) to change the status"},
    END};

static const config_keydef expect_keys[] = {
    {"metric", T_ENUM, "mean|p50|p90|p99|p99.9|success|completed|cost|utilisation", NULL,
     "the figure: latency of successful calls, success ratio, completed calls a second, monthly "
     "cost, or a station's utilisation"},
    {"workload", T_STRING, "name", "",
     "latency, success, completed: the workload (required); not for cost or utilisation"},
    {"architecture", T_STRING, "name", "", "the architecture; none: every architecture"},
    {"component", T_STRING, "kind or kind/instance", "",
     "utilisation: the station, named as in `overrides` (\"nat_gateway/nat-a\"; every AZ's part "
     "must hold)"},
    {"below", T_STRING, "by metric", "",
     "upper bound: a duration (120ms), a share (99.9%), a rate (100/s) or money ($500); give "
     "below or above"},
    {"above", T_STRING, "by metric", "", "lower bound, as below"},
    END};

const sc_section_info sc_sections[SEC_COUNT] = {
    [SEC_TOP] = {"top level", "A scenario file is one YAML map.", top_keys},
    [SEC_REGION] = {"regions[]", "Regions the architectures may use, with their AZ ids.",
                    region_keys},
    [SEC_ARCH] = {"architectures[]",
                  "An architecture either lists its elements, or `extends` another and patches "
                  "it with `add`, `replace` and `remove` (applied in the order remove, replace, "
                  "add).",
                  arch_keys},
    [SEC_PATCH] = {"architectures[].add, .replace, .remove",
                   "Keys are element kinds; `add` and `replace` take whole elements, `remove` "
                   "takes names.",
                   patch_keys},
    [SEC_VPC] = {"vpcs[]", NULL, vpc_keys},
    [SEC_SUBNET] = {"subnets[]", NULL, subnet_keys},
    [SEC_RT] = {"route_tables[]",
                "Every table starts with the implicit `local` route for its VPC's CIDR; gateway "
                "endpoints append their prefix-list routes.",
                rt_keys},
    [SEC_ROUTE] = {"route_tables[].routes[]", NULL, route_keys},
    [SEC_NAT] = {"nat_gateways[]", NULL, nat_keys},
    [SEC_GWE] = {"gateway_endpoints[]", NULL, gwe_keys},
    [SEC_IFE] = {"interface_endpoints[]", "Give `service` or `endpoint_service`.", ife_keys},
    [SEC_EPS] = {"endpoint_services[]", "A private service behind a Network Load Balancer.",
                 eps_keys},
    [SEC_TGW] = {"transit_gateways[]", NULL, tgw_keys},
    [SEC_TGW_ATT] = {"transit_gateways[].attachments[]",
                     "Exactly one of `vpc`, `direct_connect_gateway: true`, `vpn: true`.",
                     tgw_att_keys},
    [SEC_TGW_RT] = {"transit_gateways[].route_tables[]", NULL, tgw_rt_keys},
    [SEC_TGW_ROUTE] = {"transit_gateways[].route_tables[].routes[]",
                       "Exactly one of `attachment`, `blackhole: true`, `peer`.", tgw_route_keys},
    [SEC_PEERING] = {"peerings[]", "VPC peering: not transitive.", peering_keys},
    [SEC_SITE] = {"sites[]", "An on-premises site.", site_keys},
    [SEC_DX] = {"sites[].direct_connect", NULL, dx_keys},
    [SEC_VPN] = {"sites[].vpn", "Give `vpc` or `transit_gateway`.", vpn_keys},
    [SEC_RESOLVER] = {"resolver_endpoints[]", "Route 53 Resolver inbound endpoint.", resolver_keys},
    [SEC_SG] = {"security_groups[]", NULL, sg_keys},
    [SEC_SG_RULE] = {"security_groups[].ingress[], .egress[]",
                     "Give one of `cidr`, `security_group`, `prefix_list`.", sg_rule_keys},
    [SEC_NACL] = {"network_acls[]",
                  "A network ACL: stateless rules on traffic entering and leaving its subnets, "
                  "both directions (VPC guide, network ACLs).",
                  nacl_keys},
    [SEC_NACL_RULE] = {"network_acls[].ingress[], .egress[]", NULL, nacl_rule_keys},
    [SEC_POLICY] = {"policies[]",
                    "IAM policies: endpoint policies, identity policies of workloads and resource "
                    "policies (bucket, key, queue policies).",
                    policy_keys},
    [SEC_STATEMENT] = {"policies[].statements[]", NULL, statement_keys},
    [SEC_RESOURCE_POLICY] = {"resource_policies[]",
                             "A resource-based policy: evaluated with the caller's identity "
                             "policy as AWS does (explicit Deny wins; same account, either "
                             "Allow; across accounts, both; a KMS key policy must allow).",
                             resource_policy_keys},
    [SEC_WORKLOAD] = {"workloads[]",
                      "Top-level workloads run in every architecture; an architecture may add, "
                      "replace or remove workloads.",
                      workload_keys},
    [SEC_SOURCE] = {"workloads[].source", "Give `subnet` or `site`.", source_keys},
    [SEC_TARGET] = {"workloads[].target",
                    "Give one of `service`, `endpoint_service`, `internet`, `record`.",
                    target_keys},
    [SEC_TRAFFIC] = {"workloads[].traffic", NULL, traffic_keys},
    [SEC_RETRY] = {"workloads[].traffic.retry", NULL, retry_keys},
    [SEC_SCHEDULE] = {"workloads[].traffic.schedule[]", NULL, schedule_keys},
    [SEC_RUN] = {"run", "Kept for `vpcsim run`; only these keys are accepted.", run_keys},
    [SEC_PRECISION] = {"run.precision",
                       "A stopping rule: replications are added in batches until every "
                       "workload's interval of `metric` meets the target at every architecture "
                       "of a sweep point, or the cap (docs/scenario.md, Stopping rules).",
                       precision_keys},
    [SEC_FAULT] = {"faults[]",
                   "Scheduled faults (docs/scenario.md, Faults), the same list in every "
                   "architecture; a fault whose component an architecture lacks does nothing "
                   "there.",
                   fault_keys},
    [SEC_OUTPUT] = {"output",
                    "Read by `vpcsim run -o` (docs/output.md); --records, --spans and "
                    "--series-bin override it.",
                    output_keys},
    [SEC_EXPECT] = {"expect[]",
                    "What must hold of the results; `vpcsim run` evaluates each on the 95% "
                    "confidence interval, per sweep point (docs/run.md, Expectations).",
                    expect_keys},
    [SEC_ACCOUNTS] = {"accounts[]",
                      "Where accounts sit in AWS Organizations: a `shared_with` entry naming an "
                      "organization (o-...) or OU (ou-...) reaches the accounts listed in it.",
                      account_keys},
    [SEC_RECORD] = {"failover_records[]",
                    "A Route 53 failover record: workloads call it with `target: {record: NAME}`.",
                    record_keys},
    [SEC_RECORD_TARGET] = {"failover_records[].primary, .secondary",
                           "Give `service` (with `region`) or `endpoint_service`.",
                           record_target_keys},
    [SEC_HEALTH_CHECK] = {"failover_records[].health_check", NULL, health_check_keys},
    [SEC_DYNAMODB] = {"workloads[].dynamodb",
                      "Per-partition throughput of the workload's DynamoDB table (`vpcsim run`): "
                      "requests beyond it are throttled (ProvisionedThroughputExceeded).",
                      dynamodb_keys},
    [SEC_KINESIS] = {"workloads[].kinesis",
                     "Per-shard throughput of the workload's Kinesis data stream (`vpcsim run`): "
                     "PutRecord beyond it, or GetRecords, is throttled.",
                     kinesis_keys},
};

const sc_kind_info sc_kinds[SK_COUNT] = {
    [SK_VPC] = {"vpcs", "VPC", "VPCs", SEC_VPC},
    [SK_SUBNET] = {"subnets", "subnet", "subnets", SEC_SUBNET},
    [SK_ROUTE_TABLE] = {"route_tables", "route table", "route tables", SEC_RT},
    [SK_NAT] = {"nat_gateways", "NAT gateway", "NAT gateways", SEC_NAT},
    [SK_GWE] = {"gateway_endpoints", "gateway endpoint", "gateway endpoints", SEC_GWE},
    [SK_IFE] = {"interface_endpoints", "interface endpoint", "interface endpoints", SEC_IFE},
    [SK_EPS] = {"endpoint_services", "endpoint service", "endpoint services", SEC_EPS},
    [SK_TGW] = {"transit_gateways", "Transit Gateway", "Transit Gateways", SEC_TGW},
    [SK_PEERING] = {"peerings", "peering", "peerings", SEC_PEERING},
    [SK_SITE] = {"sites", "site", "sites", SEC_SITE},
    [SK_RESOLVER] = {"resolver_endpoints", "resolver endpoint", "resolver endpoints", SEC_RESOLVER},
    [SK_SG] = {"security_groups", "security group", "security groups", SEC_SG},
    [SK_POLICY] = {"policies", "policy", "policies", SEC_POLICY},
    [SK_RESOURCE_POLICY] = {"resource_policies", "resource policy", "resource policies",
                            SEC_RESOURCE_POLICY},
    [SK_NACL] = {"network_acls", "network ACL", "network ACLs", SEC_NACL},
    [SK_RECORD] = {"failover_records", "failover record", "failover records", SEC_RECORD},
    [SK_WORKLOAD] = {"workloads", "workload", "workloads", SEC_WORKLOAD},
};

#define NO_INSTANCES(name)                                                                         \
    {                                                                                              \
        name, SC_INST_NONE, SK_VPC, "none"                                                         \
    }

const sc_override_kind sc_override_kinds[SC_NOVERRIDE_KINDS] = {
    NO_INSTANCES("link_intra_az"),
    NO_INSTANCES("link_cross_az"),
    NO_INSTANCES("link_inter_region"),
    NO_INSTANCES("link_internet"),
    NO_INSTANCES("link_onprem"),
    {"direct_connect", SC_INST_DX_SITE, SK_SITE, "sites with direct_connect"},
    {"vpn_tunnel", SC_INST_VPN_SITE, SK_SITE, "sites with vpn"},
    {"nat_gateway", SC_INST_KIND, SK_NAT, "NAT gateways"},
    {"interface_endpoint", SC_INST_KIND, SK_IFE, "interface endpoints"},
    {"gateway_endpoint", SC_INST_KIND, SK_GWE, "gateway endpoints"},
    {"internet_gateway", SC_INST_IGW, SK_VPC, "internet gateways"},
    {"peering", SC_INST_KIND, SK_PEERING, "peerings"},
    {"transit_gateway", SC_INST_KIND, SK_TGW, "Transit Gateways"},
    {"nlb", SC_INST_KIND, SK_EPS, "endpoint services (their load balancers)"},
    {"resolver_endpoint", SC_INST_KIND, SK_RESOLVER, "resolver endpoints"},
    NO_INSTANCES("service_s3"),
    NO_INSTANCES("service_dynamodb"),
    NO_INSTANCES("service_sqs"),
    NO_INSTANCES("service_secretsmanager"),
    NO_INSTANCES("service_kms"),
    NO_INSTANCES("service_sts"),
    NO_INSTANCES("service_lambda"),
    NO_INSTANCES("service_ecr"),
    NO_INSTANCES("service_sns"),
    NO_INSTANCES("service_logs"),
    NO_INSTANCES("service_ec2"),
    NO_INSTANCES("service_kinesis"),
    NO_INSTANCES("service_monitoring"),
    {"private_service", SC_INST_KIND, SK_EPS, "endpoint services"},
    NO_INSTANCES("internet_host"),
    {"client", SC_INST_KIND, SK_WORKLOAD, "workloads (their clients)"},
};

const config_keydef *sc_keydef(sc_section sec, const char *key)
{
    for (const config_keydef *d = sc_sections[sec].defs; d->name; d++)
        if (strcmp(d->name, key) == 0) return d;
    fprintf(stderr, "vpcsim: internal error: key '%s' not in table %s\n", key,
            sc_sections[sec].title);
    abort();
}

const char *sc_dflt(sc_section sec, const char *key)
{
    return sc_keydef(sec, key)->dflt;
}

void sc_enum_choices(sc_section sec, const char *key, char *buf, size_t n, const char **choices,
                     size_t max)
{
    const char *unit = sc_keydef(sec, key)->unit;
    size_t k = 0;
    snprintf(buf, n, "%s", unit);
    for (char *p = buf; p && *p && k + 1 < max; k++) {
        choices[k] = p;
        if ((p = strchr(p, '|'))) *p++ = '\0';
    }
    choices[k] = NULL;
}

/* ---- the reference --------------------------------------------------------------------------- */

static void write_cell(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            fputs("\\|", f);
        else
            fputc(*s, f);
    }
}

static void write_section(FILE *f, const sc_section_info *s)
{
    fprintf(f, "\n## `%s`\n\n", s->title);
    if (s->intro) fprintf(f, "%s\n\n", s->intro);
    fputs("| key | type | unit or range | default | meaning |\n", f);
    fputs("|---|---|---|---|---|\n", f);
    for (const config_keydef *d = s->defs; d->name; d++) {
        fprintf(f, "| `%s` | %s | ", d->name, config_type_name(d->type));
        write_cell(f, d->unit ? d->unit : "");
        fputs(" | ", f);
        if (!d->dflt)
            fputs("required", f);
        else if (!d->dflt[0])
            fputs("none", f);
        else {
            fputc('`', f);
            write_cell(f, d->dflt);
            fputc('`', f);
        }
        fputs(" | ", f);
        write_cell(f, d->meaning);
        fputs(" |\n", f);
    }
}

static void write_overrides(FILE *f)
{
    fputs("\n## `overrides`\n\n"
          "Keys are a component kind of the parameter registry (`nat_gateway`) or a kind and an "
          "instance (`\"nat_gateway/nat-a\"`, quoted for the slash); values are maps of "
          "parameters (docs/parameters.md), checked by the run. An instance must exist in some "
          "architecture.\n\n"
          "| kind | instances |\n|---|---|\n",
          f);
    for (size_t k = 0; k < SC_NOVERRIDE_KINDS; k++)
        fprintf(f, "| `%s` | %s |\n", sc_override_kinds[k].name,
                sc_override_kinds[k].src == SC_INST_NONE ? "none: the kind as a whole"
                                                         : sc_override_kinds[k].nouns);
}

void scenario_write_key_reference(FILE *f)
{
    fputs("# Scenario file keys\n\n"
          "Generated from the loader's key tables (`models/scenario/scenario_keys.c`) by "
          "`scenario_write_key_reference`; do not edit. Regenerate with `cmake --build <build> "
          "--target scenario-keys`. Types and units: `docs/scenario.md`. Default `required`: "
          "the key must be given; `none`: optional, with the meaning stated.\n",
          f);
    for (int s = 0; s < SEC_COUNT; s++) {
        if (s == SEC_RUN) write_overrides(f);
        write_section(f, &sc_sections[s]);
    }
}

const config_keydef *scenario_keydefs(const char *section)
{
    for (int s = 0; s < SEC_COUNT; s++)
        if (strcmp(sc_sections[s].title, section) == 0) return sc_sections[s].defs;
    return NULL;
}
