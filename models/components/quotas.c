/* AWS service quotas (include/vpcsim/aws/quotas.h): one table, each quota with its default,
 * whether it is adjustable, how far, and its source; and the counting of a topology against them.
 * Counting groups elements by (account, scope) in O(n^2) over elements of one kind: topologies
 * hold tens to a few thousand elements, and `check` counts once per architecture. */
#include <stdio.h>
#include <string.h>

#include "vpcsim/aws/quotas.h"

/* One element as a quota counts it: in which account and scope, or with which value. */
typedef struct quota_item {
    const char *account; /* NULL: the default account (or the scope needs none) */
    int32_t place;       /* the scope's index (Region, VPC, AZ), for grouped quotas */
    const char *scope;   /* its name, for messages */
    topo_pos pos;
    int64_t value; /* per-element quotas: the element's own count */
} quota_item;

typedef struct quota_rule {
    quota_info info;
    bool grouped;                      /* count elements per (account, place); else each value */
    size_t (*count)(const topology *); /* how many items */
    quota_item (*item)(const topology *, size_t);
} quota_rule;

/* ---- items ----------------------------------------------------------------------------------- */

static const char *vpc_region_name(const topology *t, int32_t vpc)
{
    return t->regions[t->vpcs[vpc].region].name;
}

static size_t n_vpcs(const topology *t)
{
    return t->nvpcs;
}
static size_t n_subnets(const topology *t)
{
    return t->nsubnets;
}
static size_t n_ifes(const topology *t)
{
    return t->ninterface_endpoints;
}
static size_t n_gwes(const topology *t)
{
    return t->ngateway_endpoints;
}
static size_t n_nats(const topology *t)
{
    return t->nnats;
}
static size_t n_tgws(const topology *t)
{
    return t->ntgws;
}
static size_t n_peering_sides(const topology *t)
{
    return 2 * t->npeerings;
}
static size_t n_nacl_sides(const topology *t)
{
    return 2 * t->nnacls;
}

static quota_item vpc_item(const topology *t, size_t i)
{
    const topo_vpc *v = &t->vpcs[i];
    return (quota_item){v->account, v->region, t->regions[v->region].name, v->pos, 0};
}

static quota_item subnet_item(const topology *t, size_t i)
{
    const topo_subnet *s = &t->subnets[i];
    return (quota_item){NULL, s->vpc, t->vpcs[s->vpc].name, s->pos, 0};
}

static quota_item ife_item(const topology *t, size_t i)
{
    const topo_interface_endpoint *e = &t->interface_endpoints[i];
    return (quota_item){NULL, e->vpc, t->vpcs[e->vpc].name, e->pos, 0};
}

/* Gateway endpoints count per account per Region (PrivateLink quotas). */
static quota_item gwe_region_item(const topology *t, size_t i)
{
    const topo_gateway_endpoint *g = &t->gateway_endpoints[i];
    return (quota_item){t->vpcs[g->vpc].account, t->vpcs[g->vpc].region, vpc_region_name(t, g->vpc),
                        g->pos, 0};
}

static quota_item gwe_vpc_item(const topology *t, size_t i)
{
    const topo_gateway_endpoint *g = &t->gateway_endpoints[i];
    return (quota_item){NULL, g->vpc, t->vpcs[g->vpc].name, g->pos, 0};
}

static quota_item nat_az_item(const topology *t, size_t i)
{
    const topo_nat *n = &t->nats[i];
    const topo_subnet *s = &t->subnets[n->subnet];
    return (quota_item){t->vpcs[s->vpc].account, s->az, t->azs[s->az].name, n->pos, 0};
}

/* The quota on Elastic IPs applies to public NAT gateways only. */
static quota_item nat_ips_item(const topology *t, size_t i)
{
    const topo_nat *n = &t->nats[i];
    return (quota_item){NULL, -1, n->name, n->pos, n->private_nat ? 0 : n->ips};
}

static quota_item tgw_item(const topology *t, size_t i)
{
    const topo_tgw *g = &t->tgws[i];
    return (quota_item){g->account, g->region, t->regions[g->region].name, g->pos, 0};
}

static quota_item tgw_att_item(const topology *t, size_t i)
{
    const topo_tgw *g = &t->tgws[i];
    return (quota_item){NULL, -1, g->name, g->pos, (int64_t)g->nattachments};
}

static quota_item tgw_rt_item(const topology *t, size_t i)
{
    const topo_tgw *g = &t->tgws[i];
    return (quota_item){NULL, -1, g->name, g->pos, (int64_t)g->nroute_tables};
}

/* A peering counts for the VPCs on both of its sides. */
static quota_item peering_item(const topology *t, size_t i)
{
    const topo_peering *p = &t->peerings[i / 2];
    int32_t v = i % 2 ? p->vpc_b : p->vpc_a;
    return (quota_item){NULL, v, t->vpcs[v].name, p->pos, 0};
}

/* Rules count per ACL and direction (inbound and outbound separately). */
static quota_item nacl_item(const topology *t, size_t i)
{
    const topo_nacl *a = &t->nacls[i / 2];
    bool egress = i % 2;
    int64_t n = 0;
    for (size_t k = 0; k < a->nrules; k++) n += a->rules[k].egress == egress;
    return (quota_item){NULL, -1, a->name, a->pos, n};
}

/* ---- the table ------------------------------------------------------------------------------- */

#define VPC_PAGE                                                                                   \
    "Amazon VPC User Guide, Amazon VPC quotas (amazon-vpc-limits.html), read 2026-12-05"
#define PL_PAGE                                                                                    \
    "AWS PrivateLink Guide, AWS PrivateLink quotas (vpc-limits-endpoints.html), read 2026-12-05"
#define TGW_PAGE                                                                                   \
    "Amazon VPC Transit Gateways Guide, quotas (transit-gateway-quotas.html), read 2026-12-05"

static const quota_rule rules[QUOTA_COUNT] = {
    [QUOTA_VPCS_PER_REGION] = {{"vpcs_per_region", "VPCs per Region", 5, true, 0, VPC_PAGE},
                               true,
                               n_vpcs,
                               vpc_item},
    [QUOTA_SUBNETS_PER_VPC] = {{"subnets_per_vpc", "subnets per VPC", 200, true, 0, VPC_PAGE},
                               true,
                               n_subnets,
                               subnet_item},
    [QUOTA_IFE_PER_VPC] = {{"interface_endpoints_per_vpc",
                            "interface (and Gateway Load Balancer) endpoints per VPC", 50, true, 0,
                            PL_PAGE},
                           true,
                           n_ifes,
                           ife_item},
    [QUOTA_GWE_PER_REGION] = {{"gateway_endpoints_per_region", "gateway VPC endpoints per Region",
                               20, true, 0, PL_PAGE},
                              true,
                              n_gwes,
                              gwe_region_item},
    [QUOTA_GWE_PER_VPC] = {{"gateway_endpoints_per_vpc", "gateway endpoints per VPC", 255, false, 0,
                            PL_PAGE " (comment on gateway VPC endpoints per Region)"},
                           true,
                           n_gwes,
                           gwe_vpc_item},
    [QUOTA_NAT_PER_AZ] = {{"nat_gateways_per_az", "NAT gateways per Availability Zone", 5, true, 0,
                           VPC_PAGE},
                          true,
                          n_nats,
                          nat_az_item},
    [QUOTA_NAT_IPS] = {{"nat_gateway_ips", "Elastic IP addresses per public NAT gateway", 2, true,
                        8, VPC_PAGE " (increase up to 8)"},
                       false,
                       n_nats,
                       nat_ips_item},
    [QUOTA_TGWS_PER_REGION] = {{"transit_gateways_per_region",
                                "transit gateways per account (per Region)", 5, true, 0, TGW_PAGE},
                               true,
                               n_tgws,
                               tgw_item},
    [QUOTA_TGW_ATTACHMENTS] = {{"attachments_per_transit_gateway",
                                "attachments per transit gateway", 5000, false, 0, TGW_PAGE},
                               false,
                               n_tgws,
                               tgw_att_item},
    [QUOTA_TGW_ROUTE_TABLES] = {{"route_tables_per_transit_gateway",
                                 "transit gateway route tables per transit gateway", 20, true, 0,
                                 TGW_PAGE},
                                false,
                                n_tgws,
                                tgw_rt_item},
    [QUOTA_PEERINGS_PER_VPC] = {{"peerings_per_vpc", "active VPC peering connections per VPC", 50,
                                 true, 125,
                                 "AWS General Reference, Amazon VPC endpoints and quotas "
                                 "(vpc-service.html; increase up to 125), read 2026-12-05"},
                                true,
                                n_peering_sides,
                                peering_item},
    [QUOTA_NACL_RULES] = {{"rules_per_network_acl",
                           "rules per network ACL (each direction counts apart)", 20, true, 40,
                           VPC_PAGE ", Network ACLs section; this row was not in the excerpt "
                                    "read (assumption from earlier versions of the page)"},
                          false,
                          n_nacl_sides,
                          nacl_item},
};

const quota_info *quota_info_of(quota_id q)
{
    return (unsigned)q < QUOTA_COUNT ? &rules[q].info : NULL;
}

int quota_find(const char *key)
{
    for (int q = 0; q < QUOTA_COUNT; q++)
        if (key && strcmp(rules[q].info.key, key) == 0) return q;
    return -1;
}

/* ---- counting -------------------------------------------------------------------------------- */

static bool same_account(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static bool same_group(const quota_item *x, const quota_item *y)
{
    return x->place == y->place && same_account(x->account, y->account);
}

static void emit(quota_finding *out, size_t max, size_t *n, const quota_finding *f)
{
    if (*n < max) out[*n] = *f;
    ++*n;
}

static quota_finding finding(quota_id q, int64_t count, int64_t limit, const quota_item *it)
{
    const quota_info *in = &rules[q].info;
    bool error = !in->adjustable || (in->max > 0 && count > in->max);
    return (quota_finding){q, error, count, limit, it->scope, it->account, it->pos};
}

/* One finding per group that goes over, at the element that goes over. */
static void check_grouped(const topology *t, quota_id q, int64_t limit, quota_finding *out,
                          size_t max, size_t *n)
{
    const quota_rule *r = &rules[q];
    size_t items = r->count(t);
    for (size_t i = 0; i < items; i++) {
        quota_item it = r->item(t, i);
        int64_t before = 0, total = 0;
        for (size_t j = 0; j < items; j++) {
            quota_item o = r->item(t, j);
            if (!same_group(&it, &o)) continue;
            total++;
            before += j < i;
        }
        if (before == limit) { /* i is the first element over the quota */
            quota_finding f = finding(q, total, limit, &it);
            emit(out, max, n, &f);
        }
    }
}

static void check_values(const topology *t, quota_id q, int64_t limit, quota_finding *out,
                         size_t max, size_t *n)
{
    const quota_rule *r = &rules[q];
    for (size_t i = 0; i < r->count(t); i++) {
        quota_item it = r->item(t, i);
        if (it.value <= limit) continue;
        quota_finding f = finding(q, it.value, limit, &it);
        emit(out, max, n, &f);
    }
}

size_t quotas_check(const topology *t, const int64_t *limits, quota_finding *out, size_t max)
{
    size_t n = 0;
    for (int q = 0; q < QUOTA_COUNT; q++) {
        int64_t limit = limits && limits[q] > 0 ? limits[q] : rules[q].info.dflt;
        if (rules[q].grouped)
            check_grouped(t, (quota_id)q, limit, out, max, &n);
        else
            check_values(t, (quota_id)q, limit, out, max, &n);
    }
    return n;
}

char *quotas_describe(const quota_finding *f, char *buf, size_t n)
{
    const quota_info *in = &rules[f->quota].info;
    char acct[40] = "", how[120];
    if (f->account) snprintf(acct, sizeof acct, " of account %s", f->account);
    if (!in->adjustable)
        snprintf(how, sizeof how, "AWS does not raise it");
    else if (in->max > 0 && f->count > in->max)
        snprintf(how, sizeof how, "beyond %lld, the most AWS raises it to", (long long)in->max);
    else
        snprintf(how, sizeof how, "adjustable: declare a raised quota under quotas: %s", in->key);
    snprintf(buf, n, "%s: %lld in '%s'%s, over the quota of %lld%s (%s; %s)", in->name,
             (long long)f->count, f->scope, acct, (long long)f->limit,
             f->limit != in->dflt ? " declared in quotas" : "", how, in->basis);
    return buf;
}
