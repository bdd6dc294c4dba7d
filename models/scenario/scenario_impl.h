/* Private tier of the scenario loader (models/scenario*.c): the key tables, the arena that owns
 * the topology arrays, the per-architecture element lists after `extends` and patches, and the
 * helpers the builders share. Not part of the public API. */
#ifndef VPCSIM_SCENARIO_IMPL_H
#define VPCSIM_SCENARIO_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vpcsim/config.h"
#include "vpcsim/arena.h"
#include "vpcsim/aws/scenario.h"
#include "vpcsim/aws/topology.h"

/* ---- key tables (scenario_keys.c) ------------------------------------------------------------ */

typedef enum sc_section {
    SEC_TOP,
    SEC_REGION,
    SEC_ARCH,
    SEC_PATCH,
    SEC_VPC,
    SEC_SUBNET,
    SEC_RT,
    SEC_ROUTE,
    SEC_NAT,
    SEC_GWE,
    SEC_IFE,
    SEC_EPS,
    SEC_TGW,
    SEC_TGW_ATT,
    SEC_TGW_RT,
    SEC_TGW_ROUTE,
    SEC_PEERING,
    SEC_SITE,
    SEC_DX,
    SEC_VPN,
    SEC_RESOLVER,
    SEC_SG,
    SEC_SG_RULE,
    SEC_NACL,
    SEC_NACL_RULE,
    SEC_POLICY,
    SEC_STATEMENT,
    SEC_RESOURCE_POLICY,
    SEC_WORKLOAD,
    SEC_SOURCE,
    SEC_TARGET,
    SEC_TRAFFIC,
    SEC_RETRY,
    SEC_SCHEDULE,
    SEC_RUN,
    SEC_PRECISION,
    SEC_FAULT,
    SEC_OUTPUT,
    SEC_EXPECT,
    SEC_ACCOUNTS,
    SEC_RECORD,
    SEC_RECORD_TARGET,
    SEC_HEALTH_CHECK,
    SEC_DYNAMODB,
    SEC_KINESIS,
    SEC_COUNT
} sc_section;

typedef struct sc_section_info {
    const char *title;         /* "vpcs[]", as in the reference */
    const char *intro;         /* one or two lines above its table */
    const config_keydef *defs; /* ended by {NULL} */
} sc_section_info;

extern const sc_section_info sc_sections[SEC_COUNT];

/* The keydef of key in section sec; a key missing from the table is a loader bug (abort). */
const config_keydef *sc_keydef(sc_section sec, const char *key);
/* The default of key as written in its table (NULL: required; "": none). */
const char *sc_dflt(sc_section sec, const char *key);
/* The choices of an enum key, split from its unit ("a|b|c") into choices[] (NULL-ended). */
void sc_enum_choices(sc_section sec, const char *key, char *buf, size_t n, const char **choices,
                     size_t max);

/* Bounds that keep hostile files from exhausting time or memory; far above AWS quotas. */
enum {
    SC_MAX_ITEMS = 10000,    /* items of any one sequence; elements of one kind per architecture */
    SC_MAX_ELEMENTS = 200000 /* elements of all kinds summed over the architectures */
};

/* ---- element kinds --------------------------------------------------------------------------- */

typedef enum sc_kind {
    SK_VPC,
    SK_SUBNET,
    SK_ROUTE_TABLE,
    SK_NAT,
    SK_GWE,
    SK_IFE,
    SK_EPS,
    SK_TGW,
    SK_PEERING,
    SK_SITE,
    SK_RESOLVER,
    SK_SG,
    SK_POLICY,
    SK_RESOURCE_POLICY,
    SK_NACL,
    SK_RECORD,
    SK_WORKLOAD,
    SK_COUNT
} sc_kind;

typedef struct sc_kind_info {
    const char *key;    /* key in an architecture and in add/replace/remove: "nat_gateways" */
    const char *noun;   /* for messages: "NAT gateway" */
    const char *nouns;  /* "NAT gateways" */
    sc_section section; /* its key table */
} sc_kind_info;

extern const sc_kind_info sc_kinds[SK_COUNT];

/* Component kinds of the parameter registry (models/components/params.c, docs/parameters.md) as
 * keys of `overrides:`, and where their instances come from; a test checks both lists agree. */
typedef enum sc_inst_src {
    SC_INST_NONE,    /* no instances: the kind only (links, AWS services) */
    SC_INST_KIND,    /* the elements of one kind */
    SC_INST_IGW,     /* internet gateways */
    SC_INST_DX_SITE, /* sites with direct_connect */
    SC_INST_VPN_SITE /* sites with vpn */
} sc_inst_src;

typedef struct sc_override_kind {
    const char *name;  /* "nat_gateway" */
    sc_inst_src src;   /* where its instances come from */
    sc_kind kind;      /* SC_INST_KIND: which elements */
    const char *nouns; /* for messages and the reference */
} sc_override_kind;

enum { SC_NOVERRIDE_KINDS = 31 };
extern const sc_override_kind sc_override_kinds[SC_NOVERRIDE_KINDS];

/* ---- architectures as element lists ---------------------------------------------------------- */

typedef struct sc_elem {
    const config_node *node; /* the element's map */
    const char *name;        /* its name */
    int owner;               /* architecture that declared it; -1: the shared workloads */
} sc_elem;

typedef struct sc_list {
    sc_elem *items;
    size_t n;
} sc_list;

typedef struct sc_arch {
    const char *name;
    const config_node *node;    /* the architecture's map */
    const config_node *extends; /* its `extends` value, or NULL */
    int parent;                 /* index, or -1 */
    int state;                  /* 0 new, 1 being patched, 2 patched, 3 built */
    bool patched;               /* has extends, add, replace or remove */
    sc_list lists[SK_COUNT];    /* its elements after extends and patches */
} sc_arch;

typedef struct sc_loader {
    vs_arena *arena;
    vs_error *err;
    const config_node *root;
    topo_region *regions;
    size_t nregions;
    topo_az *azs;
    size_t nazs;
    sc_arch *archs;
    size_t narchs;
    sc_list shared;   /* top-level workloads */
    size_t nelements; /* elements over all architectures so far (bounded) */
    topology *topos;  /* one per architecture, file order */
} sc_loader;

/* One architecture being turned into a topology. */
typedef struct sc_build {
    sc_loader *ld;
    int arch;         /* index */
    const sc_arch *a; /* ld->archs[arch] */
    topology *t;      /* being filled */
    int owner;        /* owner of the element being read (names the architecture) */
    char what[192];   /* the element being read, for messages: "subnet 'pub-a'" */
    vs_error *err;
} sc_build;

/* ---- helpers (scenario_util.c) --------------------------------------------------------------- */

/* Sets err to `file:line:col: [architecture 'A': ]message` at node: the architecture is named
 * when it is patched or the element being read was not declared in it. Returns -1. */
int sc_error(const sc_build *b, const config_node *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Element i of kind in the architecture; sets b->owner and b->what ("subnet 'pub-a'") and checks
 * the element's keys. Returns NULL with err set when a key is unknown or missing. */
const sc_elem *sc_enter(sc_build *b, sc_kind kind, size_t i);
/* Sets b->what. */
void sc_what(sc_build *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* name in single quotes, or double-quoted and escaped when it is not a plain name. */
const char *sc_show(const char *name, char *buf, size_t n);
/* config_check_keydefs against the section's table. */
int sc_check_keys(const config_node *map, sc_section sec, vs_error *err);
/* Fails unless node is a map or NULL (an absent optional map). */
int sc_expect_map(const config_node *node, vs_error *err);
/* A name: 1..63 of letters, digits, '-', '_' and '.', starting with a letter or digit. */
int sc_check_name(const config_node *node, const char *what, vs_error *err);
/* The element's `name` (required, checked). */
int sc_elem_name(const config_node *map, const char **out, vs_error *err);

/* Index of name in list, or -1. */
int32_t sc_list_find(const sc_list *l, const char *name);
/* " (VPCs: a, b)" or " (no VPCs declared)" into buf (long lists end with ", ..."). */
char *sc_name_list(const char *const *names, size_t n, const char *nouns, char *buf, size_t len);
/* "; did you mean 'x'?" or " (VPCs: a, b)" or " (no VPCs declared)" into buf. */
char *sc_not_found_hint(const char *name, const char *const *names, size_t n, const char *nouns,
                        char *buf, size_t len);

/* Reads key (a reference to an element of kind) from map; *out = its index, or -1 when the key
 * is absent and optional. Unknown names fail with a hint. */
int sc_ref(const sc_build *b, const config_node *map, sc_section sec, const char *key, sc_kind kind,
           int32_t *out);
/* The element of kind named name (error at node at). */
int sc_ref_name(const sc_build *b, const config_node *at, sc_kind kind, const char *name,
                int32_t *out);
/* The same for one scalar node. */
int sc_ref_node(const sc_build *b, const config_node *node, sc_kind kind, int32_t *out);
/* A sequence of references (key optional unless its table says required): arena array. */
int sc_ref_list(const sc_build *b, const config_node *map, sc_section sec, const char *key,
                sc_kind kind, int32_t **out, size_t *n);

/* An element's `id` as policy conditions name it ("vpce-...", "vpc-..."): a non-empty string
 * without spaces; absent: the element's name. */
int sc_get_id(const sc_build *b, const config_node *map, sc_section sec, const char *name,
              const char **out);
/* An optional AWS account id (12 digits) at key; *out NULL when absent. */
int sc_get_account(const sc_build *b, const config_node *map, sc_section sec, const char *key,
                   const char **out);
/* Typed readers whose default comes from the section's table. */
int sc_get_string(const config_node *map, sc_section sec, const char *key, const char **out,
                  vs_error *err); /* optional without default: *out = NULL when absent */
int sc_get_bool(const config_node *map, sc_section sec, const char *key, bool *out, vs_error *err);
int sc_get_int(const config_node *map, sc_section sec, const char *key, int64_t min, int64_t max,
               int64_t *out, vs_error *err);
int sc_get_enum(const config_node *map, sc_section sec, const char *key, int *out, vs_error *err);
int sc_get_cidr(const config_node *map, sc_section sec, const char *key, ipv4_cidr *out,
                vs_error *err); /* required keys only */
/* A sequence key: *out NULL when absent (optional); at most SC_MAX_ITEMS items. */
int sc_get_seq(const config_node *map, sc_section sec, const char *key, const config_node **out,
               vs_error *err);
int sc_get_map(const config_node *map, sc_section sec, const char *key, const config_node **out,
               vs_error *err);

topo_pos sc_pos(const config_node *node);
const char *sc_region_name(const sc_build *b, int32_t region);
/* Index of the region or AZ named by node, failing with a hint. */
int sc_region_ref(const sc_build *b, const config_node *node, int32_t *out);

/* Subnets sub[0..n) (from seq) all in vpc (unless -1), at most one per AZ. */
int sc_subnets_one_per_az(const sc_build *b, const config_node *seq, const int32_t *sub, size_t n,
                          int32_t vpc);
/* An AWS service by name (scalar node), failing with a hint. */
int sc_service_ref(const sc_build *b, const config_node *node, int32_t *out);

/* ---- builders -------------------------------------------------------------------------------- */

/* scenario_net.c: VPCs, internet gateways, subnets, NAT gateways, peerings, Transit Gateways,
 * route tables and gateway endpoints. */
int sc_build_network(sc_build *b);
/* scenario_svc.c: policies, security groups, endpoint services, interface endpoints, resolver
 * endpoints, sites; then the CIDR overlap rules. */
int sc_build_services(sc_build *b);
/* scenario_acct.c: network ACLs and their subnets; then the account rules (RAM shares of
 * subnets and Transit Gateways, endpoint-service principals and connections). */
int sc_build_nacls(sc_build *b);
/* A port range at key of map: "443", "1024-65535" or "all" (0-65535). */
int sc_get_ports(const sc_build *b, const config_node *map, sc_section sec, const char *key,
                 int32_t *lo, int32_t *hi);
int sc_check_accounts(sc_build *b);
/* scenario_acct.c: the top-level `quotas:` map into s->quotas, then every built architecture
 * counted against them: over a quota AWS does not raise is an error at the element. */
int sc_load_quotas(sc_loader *ld, scenario *s);
/* scenario_acct.c: checks the top-level `accounts:` list (each account's organization and OU,
 * which RAM shares to an organization or OU reach). */
int sc_load_accounts(sc_loader *ld);
/* scenario_wl.c: workloads (shared ones and the architecture's own). */
int sc_build_workloads(sc_build *b);
/* scenario_region.c: Route 53 failover records (before the workloads that call them by name). */
int sc_build_records(sc_build *b);
/* An endpoint service's `supported_regions` (cross-Region PrivateLink): Regions of the scenario. */
int sc_supported_regions(sc_build *b, const config_node *eps, int32_t **out, size_t *n);
/* scenario_throughput.c: a workload's `dynamodb:` and `kinesis:` maps (node e is the workload's
 * map; w has its target). Returns 0 or -1 with b->err set. */
int sc_build_throughput(const sc_build *b, topo_workload *w, const config_node *e);
/* scenario_faults.c: the top-level `faults:` list (seq, or NULL), checked against every
 * architecture once all are built, into every topology's faults. Returns 0 or -1. */
int sc_load_faults(sc_loader *ld, const config_node *seq);
/* scenario_expect.c: the top-level `expect:` list (seq, or NULL), checked against every built
 * architecture. Returns 0 with s->expects set, or -1. */
int sc_load_expects(sc_loader *ld, const config_node *seq, scenario *s);
/* scenario_faults.c: whether text ("kind" or "kind/instance") names a station kind of the run
 * model and an instance some architecture has. Returns 0, or -1 with err set at node (what
 * starts the message: "faults", "expect"). */
int sc_check_component(sc_loader *ld, const config_node *node, const char *text, const char *what);

#endif
