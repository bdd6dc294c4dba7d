/* The scenario's top-level `faults:` list (docs/scenario.md, Faults): each item checked (kind,
 * target component, AZ, times, added latency, error rate) and made into one topo_fault array that
 * every architecture's topology shares. Expects a handful of faults; a target must exist in some
 * architecture (it does nothing in those that lack it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_impl.h"
#include "vpcsim/dist.h"

/* Where the instances of a kind that can fail come from. */
typedef enum fk_src {
    FK_NONE, /* no instances: the kind as a whole (AWS services, internet hosts) */
    FK_NAT,  /* NAT gateways (zonal) */
    FK_IFE,  /* interface endpoints (an ENI per AZ) */
    FK_TGW,  /* Transit Gateways (an attachment per AZ) */
    FK_DX,   /* sites with direct_connect */
    FK_VPN,  /* sites with vpn */
    FK_EPS   /* endpoint services: their NLB nodes and servers (per AZ) */
} fk_src;

typedef struct fk_info {
    const char *name;  /* parameter kind, as in overrides */
    fk_src src;        /* its instances */
    const char *nouns; /* for messages */
} fk_info;

/* The component kinds that are stations of the run model, and so can fail. */
static const fk_info fkinds[] = {
    {"nat_gateway", FK_NAT, "NAT gateways"},
    {"interface_endpoint", FK_IFE, "interface endpoints"},
    {"transit_gateway", FK_TGW, "Transit Gateways"},
    {"direct_connect", FK_DX, "sites with direct_connect"},
    {"vpn_tunnel", FK_VPN, "sites with vpn"},
    {"nlb", FK_EPS, "endpoint services"},
    {"private_service", FK_EPS, "endpoint services"},
    {"service_s3", FK_NONE, NULL},
    {"service_dynamodb", FK_NONE, NULL},
    {"service_sqs", FK_NONE, NULL},
    {"service_secretsmanager", FK_NONE, NULL},
    {"service_kms", FK_NONE, NULL},
    {"service_sts", FK_NONE, NULL},
    {"service_lambda", FK_NONE, NULL},
    {"service_ecr", FK_NONE, NULL},
    {"service_sns", FK_NONE, NULL},
    {"service_logs", FK_NONE, NULL},
    {"service_ec2", FK_NONE, NULL},
    {"service_kinesis", FK_NONE, NULL},
    {"service_monitoring", FK_NONE, NULL},
    {"internet_host", FK_NONE, NULL},
};
enum { NFKINDS = sizeof fkinds / sizeof fkinds[0] };

/* ---- instances ------------------------------------------------------------------------------- */

static size_t fk_count(const topology *t, fk_src src)
{
    switch (src) {
    case FK_NAT:
        return t->nnats;
    case FK_IFE:
        return t->ninterface_endpoints;
    case FK_TGW:
        return t->ntgws;
    case FK_DX:
    case FK_VPN:
        return t->nsites;
    case FK_EPS:
        return t->nendpoint_services;
    default:
        return 0;
    }
}

/* The name of instance i, or NULL when it is not one (a site without that connection). */
static const char *fk_name(const topology *t, fk_src src, size_t i)
{
    switch (src) {
    case FK_NAT:
        return t->nats[i].name;
    case FK_IFE:
        return t->interface_endpoints[i].name;
    case FK_TGW:
        return t->tgws[i].name;
    case FK_DX:
        return t->sites[i].dx.present ? t->sites[i].name : NULL;
    case FK_VPN:
        return t->sites[i].vpn.present ? t->sites[i].name : NULL;
    case FK_EPS:
        return t->endpoint_services[i].name;
    default:
        return NULL;
    }
}

static bool subnets_in(const topology *t, const int32_t *sub, size_t n, int32_t az)
{
    for (size_t i = 0; i < n; i++)
        if (t->subnets[sub[i]].az == az) return true;
    return false;
}

/* Whether instance i has a zonal part (NAT, ENI, attachment, NLB node) in az. */
static bool fk_in_az(const topology *t, fk_src src, size_t i, int32_t az)
{
    switch (src) {
    case FK_NAT:
        return t->subnets[t->nats[i].subnet].az == az;
    case FK_IFE:
        return subnets_in(t, t->interface_endpoints[i].subnets, t->interface_endpoints[i].nsubnets,
                          az);
    case FK_TGW:
        for (size_t a = 0; a < t->tgws[i].nattachments; a++)
            if (subnets_in(t, t->tgws[i].attachments[a].subnets, t->tgws[i].attachments[a].nsubnets,
                           az))
                return true;
        return false;
    case FK_EPS:
        return subnets_in(t, t->endpoint_services[i].subnets, t->endpoint_services[i].nsubnets, az);
    default:
        return false;
    }
}

/* Whether a workload of t calls what kind k (a service or internet kind) stands for. */
static bool kind_called(const topology *t, const char *k)
{
    for (size_t w = 0; w < t->nworkloads; w++) {
        const topo_workload *x = &t->workloads[w];
        if (x->target == TARGET_INTERNET && strcmp(k, "internet_host") == 0) return true;
        if (x->target == TARGET_AWS_SERVICE &&
            strcmp(aws_service_param_kind((aws_service)x->service), k) == 0)
            return true;
    }
    return false;
}

/* ---- one fault ------------------------------------------------------------------------------- */

/* The kind named by the first len bytes of text, or NULL with err set at node. */
static const fk_info *fault_kind_of(const sc_loader *ld, const config_node *node, const char *text,
                                    size_t len, const char *what)
{
    const char *names[NFKINDS];
    char kind[64], q[96], hint[512];
    snprintf(kind, sizeof kind, "%.*s", (int)(len < 63 ? len : 63), text);
    for (size_t k = 0; k < NFKINDS; k++) {
        names[k] = fkinds[k].name;
        if (strlen(names[k]) == len && strncmp(names[k], text, len) == 0) return &fkinds[k];
    }
    for (size_t k = 0; k < SC_NOVERRIDE_KINDS; k++)
        if (strcmp(sc_override_kinds[k].name, kind) == 0) {
            config_error_at(node, ld->err,
                            "%s: component kind %s %s: it is not a station of the model%s", what,
                            sc_show(kind, q, sizeof q),
                            strcmp(what, "faults") == 0 ? "cannot fail" : "has no utilisation",
                            sc_name_list(names, NFKINDS, "kinds that can", hint, sizeof hint));
            return NULL;
        }
    config_error_at(
        node, ld->err, "%s: unknown component kind %s%s", what, sc_show(kind, q, sizeof q),
        sc_not_found_hint(kind, names, NFKINDS, "kinds that can fail", hint, sizeof hint));
    return NULL;
}

/* Whether some architecture has instance `inst` of k (any instance when NULL), in az if >= 0. */
static bool target_exists(const sc_loader *ld, const fk_info *k, const char *inst, int32_t az)
{
    for (size_t a = 0; a < ld->narchs; a++) {
        const topology *t = &ld->topos[a];
        if (k->src == FK_NONE && kind_called(t, k->name)) return true;
        for (size_t i = 0; i < fk_count(t, k->src); i++) {
            const char *name = fk_name(t, k->src, i);
            if (name && (!inst || strcmp(name, inst) == 0) &&
                (az < 0 || fk_in_az(t, k->src, i, az)))
                return true;
        }
    }
    return false;
}

/* The error for an instance no architecture has: a hint from the names of every architecture. */
static int no_instance(const sc_loader *ld, const config_node *node, const fk_info *k,
                       const char *inst, const char *what)
{
    size_t n = 0, cap = 1;
    for (size_t a = 0; a < ld->narchs; a++) cap += fk_count(&ld->topos[a], k->src);
    const char **names = malloc(cap * sizeof *names);
    char q[96], hint[512];
    for (size_t a = 0; names && a < ld->narchs; a++)
        for (size_t i = 0; i < fk_count(&ld->topos[a], k->src); i++) {
            const char *name = fk_name(&ld->topos[a], k->src, i);
            bool seen = !name;
            for (size_t j = 0; !seen && j < n; j++) seen = strcmp(names[j], name) == 0;
            if (!seen) names[n++] = name;
        }
    sc_not_found_hint(inst, names, names ? n : 0, k->nouns, hint, sizeof hint);
    free(names);
    return config_error_at(node, ld->err, "%s: no %s %s in any architecture%s", what, k->name,
                           sc_show(inst, q, sizeof q), hint);
}

/* `component`: "kind" or "kind/instance", a kind that can fail, an instance that exists. */
static int read_target(sc_loader *ld, const config_node *map, topo_fault *f, const fk_info **k)
{
    const config_node *node = config_find(map, "component");
    const char *text, *slash;
    if (config_get_string(map, "component", NULL, &text, ld->err)) return -1;
    slash = strchr(text, '/');
    if (!(*k = fault_kind_of(ld, node, text, slash ? (size_t)(slash - text) : strlen(text),
                             "faults")))
        return -1;
    f->target = text;
    f->param_kind = (*k)->name;
    if (!slash) {
        if (target_exists(ld, *k, NULL, -1)) return 0;
        return config_error_at(node, ld->err,
                               (*k)->src == FK_NONE
                                   ? "faults: no workload of any architecture calls %s"
                                   : "faults: no %s in any architecture",
                               (*k)->name);
    }
    if ((*k)->src == FK_NONE)
        return config_error_at(
            node, ld->err, "faults: kind '%s' has no instances; name the kind alone", (*k)->name);
    size_t len = strlen(slash + 1);
    char *inst = arena_alloc(ld->arena, len + 1, 1);
    if (!inst) return config_error_at(node, ld->err, "out of memory");
    memcpy(inst, slash + 1, len + 1);
    f->instance = inst;
    return target_exists(ld, *k, inst, -1) ? 0 : no_instance(ld, node, *k, inst, "faults");
}

int sc_check_component(sc_loader *ld, const config_node *node, const char *text, const char *what)
{
    const char *slash = strchr(text, '/');
    size_t len = slash ? (size_t)(slash - text) : strlen(text);
    const fk_info *k = fault_kind_of(ld, node, text, len, what);
    if (!k) return -1;
    if (!slash)
        return target_exists(ld, k, NULL, -1)
                   ? 0
                   : config_error_at(node, ld->err, "%s: no %s in any architecture", what, k->name);
    return target_exists(ld, k, slash + 1, -1) ? 0 : no_instance(ld, node, k, slash + 1, what);
}

/* `az`: an AZ id of the Regions; with a component, a zonal kind that has a part there. */
static int read_az(sc_loader *ld, const config_node *map, topo_fault *f, const fk_info *k)
{
    const config_node *node = config_find(map, "az");
    const char *name, *names[64];
    char q[96], hint[512];
    f->az = -1;
    if (!node) return 0;
    if (config_as_string(node, &name, ld->err)) return -1;
    for (size_t i = 0; i < ld->nazs; i++)
        if (strcmp(ld->azs[i].name, name) == 0) f->az = (int32_t)i;
    if (f->az < 0) {
        size_t n = ld->nazs < 64 ? ld->nazs : 64;
        for (size_t i = 0; i < n; i++) names[i] = ld->azs[i].name;
        return config_error_at(node, ld->err, "faults: AZ %s is not in the scenario's Regions%s",
                               sc_show(name, q, sizeof q),
                               sc_not_found_hint(name, names, n, "AZs", hint, sizeof hint));
    }
    if (!k) return 0;
    if (k->src == FK_NONE || k->src == FK_DX || k->src == FK_VPN)
        return config_error_at(node, ld->err,
                               "faults: %s is not zonal; leave out az (or use kind az_impaired)",
                               k->name);
    if (!target_exists(ld, k, f->instance, f->az))
        return config_error_at(node, ld->err, "faults: %s has no part in %s in any architecture",
                               f->target, name);
    return 0;
}

static int read_times(sc_loader *ld, const config_node *map, topo_fault *f)
{
    int64_t end;
    if (config_get_duration(map, "start", NULL, &f->start_ns, ld->err)) return -1;
    if (f->start_ns < 0)
        return config_error_at(config_find(map, "start"), ld->err,
                               "faults: start must be >= 0 (run time from 0)");
    f->end_ns = INT64_MAX;
    if (!config_find(map, "end")) return 0;
    if (config_get_duration(map, "end", NULL, &end, ld->err)) return -1;
    if (end <= f->start_ns)
        return config_error_at(
            config_find(map, "end"), ld->err, "faults: end (%s) must be after start (%s)",
            config_scalar(config_find(map, "end")), config_scalar(config_find(map, "start")));
    f->end_ns = end;
    return 0;
}

/* A key only some kinds take: present iff the kind takes it. */
static int key_for(sc_loader *ld, const config_node *map, const char *key, bool takes,
                   const char *kind)
{
    const config_node *node = config_find(map, key);
    if (takes && !node)
        return config_error_at(map, ld->err, "faults: a fault of kind %s needs key '%s'", kind,
                               key);
    if (!takes && node)
        return config_error_at(node, ld->err,
                               "faults: key '%s' does not apply to a fault of kind %s", key, kind);
    return 0;
}

/* `add` (latency): a duration or a distribution; `rate` (errors): in (0, 1]. */
static int read_effect(sc_loader *ld, const config_node *map, topo_fault *f)
{
    if (f->kind == FAULT_LATENCY) {
        dist_set *scratch = dist_set_new();
        if (!scratch) return config_error_at(map, ld->err, "out of memory");
        f->add = config_find(map, "add");
        const dist *d = dist_read(scratch, f->add, ld->err);
        dist_set_free(scratch);
        return d ? 0 : -1;
    }
    if (f->kind != FAULT_ERRORS) return 0;
    if (config_get_double(map, "rate", NULL, 0, 1, &f->error_rate, ld->err)) return -1;
    if (!(f->error_rate > 0))
        return config_error_at(config_find(map, "rate"), ld->err,
                               "faults: rate must be in (0, 1] (a share of requests), got %s",
                               config_scalar(config_find(map, "rate")));
    return 0;
}

/* In the order of fault_kind and of the `kind` key's choices. */
static const char *const kind_names[] = {"az_impaired", "down", "latency", "errors", "region"};

/* `region` (kind region): a Region of the scenario. */
static int read_region(sc_loader *ld, const config_node *map, topo_fault *f)
{
    const config_node *node = config_find(map, "region");
    const char *name, *names[64];
    char q[96], hint[512];
    if (f->kind != FAULT_REGION) return 0;
    if (config_as_string(node, &name, ld->err)) return -1;
    for (size_t i = 0; i < ld->nregions; i++)
        if (strcmp(ld->regions[i].name, name) == 0) f->region = (int32_t)i;
    if (f->region >= 0) return 0;
    size_t n = ld->nregions < 64 ? ld->nregions : 64;
    for (size_t i = 0; i < n; i++) names[i] = ld->regions[i].name;
    return config_error_at(node, ld->err, "faults: Region %s is not in the scenario's regions%s",
                           sc_show(name, q, sizeof q),
                           sc_not_found_hint(name, names, n, "Regions", hint, sizeof hint));
}

static int read_fault(sc_loader *ld, const config_node *map, topo_fault *f)
{
    const fk_info *k = NULL;
    int kind;
    if (sc_check_keys(map, SEC_FAULT, ld->err) ||
        sc_get_enum(map, SEC_FAULT, "kind", &kind, ld->err))
        return -1;
    *f = (topo_fault){.kind = (fault_kind)kind, .pos = sc_pos(map), .az = -1, .region = -1};
    const char *kn = kind_names[kind];
    bool region_wide = f->kind == FAULT_REGION;
    bool az_wide = f->kind == FAULT_AZ_IMPAIRED, wide = az_wide || region_wide;
    if (key_for(ld, map, "component", !wide, kn) || (az_wide && key_for(ld, map, "az", true, kn)) ||
        (region_wide && key_for(ld, map, "az", false, kn)) ||
        key_for(ld, map, "region", region_wide, kn) ||
        key_for(ld, map, "add", f->kind == FAULT_LATENCY, kn) ||
        key_for(ld, map, "rate", f->kind == FAULT_ERRORS, kn))
        return -1;
    if (!wide && read_target(ld, map, f, &k)) return -1;
    return read_region(ld, map, f) || read_az(ld, map, f, k) || read_times(ld, map, f) ||
           read_effect(ld, map, f);
}

/* ---- the list -------------------------------------------------------------------------------- */

int sc_load_faults(sc_loader *ld, const config_node *seq)
{
    size_t n = seq ? config_len(seq) : 0;
    if (n == 0) return 0;
    topo_fault *v = arena_alloc(ld->arena, n, sizeof *v);
    if (!v) return config_error_at(seq, ld->err, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const config_node *map = config_at(seq, i);
        if (config_kind_of(map) != CONFIG_KIND_MAP)
            return config_error_at(map, ld->err,
                                   "faults: each fault is a map such as {kind: down, component: "
                                   "nat_gateway/nat-a, start: 40s, end: 70s}");
        if (read_fault(ld, map, &v[i])) return -1;
    }
    for (size_t i = 1; i < n; i++) /* stable: faults that start together keep their order */
        for (size_t j = i; j > 0 && v[j].start_ns < v[j - 1].start_ns; j--) {
            topo_fault x = v[j];
            v[j] = v[j - 1];
            v[j - 1] = x;
        }
    for (size_t a = 0; a < ld->narchs; a++) {
        ld->topos[a].faults = v;
        ld->topos[a].nfaults = n;
    }
    return 0;
}
