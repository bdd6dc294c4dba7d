/* Path resolution (include/vpcsim/aws/paths.h): for one workload, DNS then routing, hop by hop,
 * with the verdict and its reason. Called per architecture x workload at check time and again when
 * a fault changes DNS or routing during runs, so it never allocates: all state fits in path_result
 * and a walk on the stack. This file holds the driver and the shared hop and wording helpers. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "paths_impl.h"

static const char *const link_names[LINK_CLASS_COUNT] = {
    [LINK_NONE] = "none",         [LINK_INTRA_AZ] = "intra-az",
    [LINK_CROSS_AZ] = "cross-az", [LINK_INTER_REGION] = "inter-region",
    [LINK_DX] = "direct-connect", [LINK_VPN] = "vpn",
    [LINK_INTERNET] = "internet", [LINK_ONPREM] = "on-prem",
};

const char *link_class_name(link_class c)
{
    return (unsigned)c < LINK_CLASS_COUNT ? link_names[c] : "?";
}

/* ---- verdicts and hops ---------------------------------------------------------------------- */

char *paths_text(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return buf;
}

int paths_stop(walk *k, verdict v, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(k->out->reason, sizeof k->out->reason, fmt, ap);
    va_end(ap);
    k->out->verdict = v;
    return STEP_STOP;
}

/* The class of the link into a hop served in (az, region) from the previous hop. */
static link_class link_between(const walk *k, int32_t az, int32_t region)
{
    if (k->region >= 0 && region >= 0 && region != k->region) return LINK_INTER_REGION;
    if (k->az >= 0 && az >= 0 && az != k->az) return LINK_CROSS_AZ;
    return LINK_INTRA_AZ;
}

int paths_push_link(walk *k, hop_kind kind, int32_t index, int32_t az, int32_t region,
                    link_class link)
{
    path_alt *a = k->alt;
    if (a->nhops == PATH_MAX_HOPS)
        return paths_stop(k, VERDICT_UNREACHABLE,
                          "the path is longer than %d hops: the route tables form a loop",
                          PATH_MAX_HOPS);
    a->hops[a->nhops++] =
        (path_hop){.kind = kind, .index = index, .az = az, .link = link, .region = region};
    k->az = az;
    k->region = region;
    return STEP_OK;
}

int paths_push(walk *k, hop_kind kind, int32_t index, int32_t az, int32_t region)
{
    link_class link = k->alt->nhops ? link_between(k, az, region) : LINK_NONE;
    return paths_push_link(k, kind, index, az, region, link);
}

/* ---- faults --------------------------------------------------------------------------------- */

bool paths_az_down(const walk *k, int32_t az)
{
    return k->faults && az >= 0 && az < 64 && (k->faults->az_down >> az & 1u);
}

bool paths_down(const walk *k, hop_kind kind, int32_t index, int32_t az)
{
    if (paths_az_down(k, az)) return true;
    return k->faults && k->faults->is_down && k->faults->is_down(k->faults->ctx, kind, index, az);
}

/* ---- words ---------------------------------------------------------------------------------- */

const char *paths_az_name(const topology *t, int32_t az)
{
    return az >= 0 && (size_t)az < t->nazs ? t->azs[az].name : "-";
}

const char *paths_pos(topo_pos p, char *buf, size_t n)
{
    paths_text(buf, n, "%s:%d", p.file ? p.file : "?", p.line);
    return buf;
}

const char *paths_ip(uint32_t a, char *buf, size_t n)
{
    return ipv4_format(a, buf, n);
}

const char *paths_cidr(ipv4_cidr c, char *buf, size_t n)
{
    return cidr_format(c, buf, n);
}

/* An ENI's address: the subnet's fifth address (AWS reserves the first four of every subnet). */
uint32_t paths_eni_addr(const topology *t, int32_t subnet)
{
    ipv4_cidr c = t->subnets[subnet].cidr;
    return c.len <= 29 ? c.addr + 4 : c.addr;
}

int32_t paths_vpc_region(const topology *t, int32_t vpc)
{
    return t->vpcs[vpc].region;
}

const char *paths_dest_words(const walk *k, char *buf, size_t n)
{
    const topology *t = k->t;
    char ip[20];
    switch (k->d.kind) {
    case DEST_PUBLIC:
        paths_text(buf, n, "the public addresses of %s in %s",
                   aws_service_name((aws_service)k->d.service), t->regions[k->d.region].name);
        break;
    case DEST_ENI:
        paths_text(buf, n, "%s (ENI of interface endpoint '%s' in VPC '%s')",
                   paths_ip(k->d.addr, ip, sizeof ip), t->interface_endpoints[k->d.endpoint].name,
                   t->vpcs[t->subnets[k->d.subnet].vpc].name);
        break;
    case DEST_INTERNET:
        paths_text(buf, n, "internet host %s", paths_ip(k->d.addr, ip, sizeof ip));
        break;
    }
    return buf;
}

const char *paths_client_words(const walk *k, char *buf, size_t n)
{
    char c[20];
    if (k->src_subnet >= 0)
        paths_text(buf, n, "subnet '%s' %s", k->t->subnets[k->src_subnet].name,
                   paths_cidr(k->src, c, sizeof c));
    else
        paths_text(buf, n, "site '%s' %s", k->t->sites[k->src_site].name,
                   paths_cidr(k->src, c, sizeof c));
    return buf;
}

/* ---- the driver ----------------------------------------------------------------------------- */

static void walk_init(walk *k, const topology *t, const topo_workload *w, const path_faults *f,
                      path_result *out, vs_error *err)
{
    *k = (walk){.t = t, .w = w, .faults = f, .out = out, .err = err};
    k->src_subnet = w->source_subnet >= 0 ? w->source_subnet : -1;
    k->src_site = k->src_subnet >= 0 ? -1 : w->source_site;
    if (k->src_subnet >= 0) {
        const topo_subnet *s = &t->subnets[k->src_subnet];
        k->src_vpc = s->vpc;
        k->src = s->cidr;
        k->src_region = t->vpcs[s->vpc].region;
    } else {
        k->src_vpc = -1;
        k->src = t->sites[k->src_site].cidr;
        k->src_region = t->sites[k->src_site].region;
    }
}

/* A client in an AZ that is down sends nothing anywhere. */
static int check_source_up(walk *k)
{
    if (k->src_subnet < 0) return STEP_OK;
    int32_t az = k->t->subnets[k->src_subnet].az;
    if (!paths_down(k, HOP_SOURCE, k->src_subnet, az)) return STEP_OK;
    return paths_stop(k, VERDICT_UNREACHABLE, "the client subnet '%s' is in %s, which is down",
                      k->t->subnets[k->src_subnet].name, paths_az_name(k->t, az));
}

/* Resets the position to the client and walks one alternative from its first hop. */
static int walk_one(walk *k)
{
    k->az = -1;
    k->region = -1;
    k->vpc = k->src_vpc;
    k->arr = ARR_OWN;
    k->arr_index = k->arr_att = k->entry_att = k->via_peering = -1;
    k->via_nat = k->via_gateway_endpoint = k->via_interface_endpoint = -1;
    k->ntgw = 0;
    if (k->src_site >= 0) {
        int rc = paths_push(k, HOP_SOURCE, k->src_site, -1, k->src_region);
        return rc ? rc : paths_site_start(k);
    }
    const topo_subnet *s = &k->t->subnets[k->src_subnet];
    int rc = paths_push(k, HOP_SOURCE, k->src_subnet, s->az, k->src_region);
    return rc ? rc : paths_vpc_forward(k, k->src_subnet);
}

/* Walks every alternative DNS gave. All must get through: the first that does not decides the
 * verdict, and its partial path is kept as the only alternative (what `check` shows). */
static int walk_alternatives(walk *base, const dest *dests, size_t n)
{
    path_result *out = base->out;
    for (size_t i = 0; i < n; i++) {
        walk k = *base;
        k.d = dests[i];
        k.alt = &out->alts[i];
        *k.alt = (path_alt){.weight = 1.0 / (double)n};
        int rc = walk_one(&k);
        if (rc == STEP_OK) continue;
        if (rc == STEP_STOP) {
            if (i > 0) out->alts[0] = out->alts[i];
            out->alts[0].weight = 1.0;
            out->nalts = 1;
        }
        return rc;
    }
    out->nalts = n;
    if (paths_spread_targets(base->t, out)) return STEP_OK;
    out->nalts = 1;
    out->alts[0].weight = 1.0;
    return paths_stop(base, VERDICT_UNREACHABLE,
                      "cross-zone load balancing spreads the %zu ways DNS gave over the targets "
                      "of every AZ: more than the %d ways a workload may have (not modelled)",
                      n, PATH_MAX_ALTS);
}

int paths_resolve(const topology *t, size_t w, const path_faults *faults, path_result *out,
                  vs_error *err)
{
    if (!t || !out) return error_set(err, "paths_resolve: no topology or no result");
    if (w >= t->nworkloads)
        return error_set(err,
                         "paths_resolve: workload %zu of architecture '%s' out of range "
                         "(%zu workloads)",
                         w, t->name ? t->name : "?", t->nworkloads);
    return paths_resolve_as(t, &t->workloads[w], faults, out, err);
}

int paths_resolve_as(const topology *t, const topo_workload *w, const path_faults *faults,
                     path_result *out, vs_error *err)
{
    if (paths_check_topology(t, err) || paths_check_workload(t, w, err)) return -1;
    out->verdict = VERDICT_REACHABLE;
    out->dns[0] = out->reason[0] = 0;
    out->nalts = 0;
    walk k;
    walk_init(&k, t, w, faults, out, err);
    path_alt scratch;
    k.alt = &scratch; /* holds no hops: check_source_up and DNS push none */
    scratch.nhops = 0;
    dest dests[PATH_MAX_ALTS];
    size_t n = 0;
    int rc = check_source_up(&k);
    if (rc == STEP_OK) rc = paths_dns(&k, dests, &n);
    if (rc == STEP_OK) rc = walk_alternatives(&k, dests, n);
    return rc == STEP_ERR ? -1 : 0;
}
