/* The scenario loader: a YAML scenario (through the configuration tree) into one resolved
 * topology per architecture, after `extends` and add/replace/remove patches, with every rule of
 * docs/scenario.md checked. Expects files of a few hundred lines read once; hostile input fails
 * with `file:line:col: message`, never a crash. This file: the top level, Regions, architectures
 * and their patches, overrides and run; the builders live in scenario_{net,svc,wl}.c. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_impl.h"
#include "vpcsim/aws/precision.h"
#include "vpcsim/units.h"

/* ---- Regions --------------------------------------------------------------------------------- */

/* Fails if name was already used by an earlier entry of names[0..n) (from the nodes in at[]). */
static int check_unique(const char *what, const char *name, const config_node *node,
                        const char *const *names, const config_node *const *at, size_t n,
                        vs_error *err)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return config_error_at(node, err, "duplicate %s '%s' (first at line %d, column %d)",
                                   what, name, config_line(at[i]), config_col(at[i]));
    return 0;
}

static int count_azs(const config_node *regions, size_t *n, vs_error *err)
{
    const config_node *azs;
    *n = 0;
    for (size_t i = 0; i < config_len(regions); i++) {
        const config_node *r = config_at(regions, i);
        if (sc_check_keys(r, SEC_REGION, err) || sc_get_seq(r, SEC_REGION, "azs", &azs, err))
            return -1;
        if (config_len(azs) == 0)
            return config_error_at(azs, err, "key 'azs': a Region needs at least one AZ");
        *n += config_len(azs);
    }
    return 0;
}

/* The AZs of region r (index ri) into ld->azs from index *k on. */
static int load_azs(sc_loader *ld, const config_node *r, int32_t ri, size_t *k,
                    const config_node **at)
{
    const config_node *azs = config_find(r, "azs");
    ld->regions[ri].first_az = (int32_t)*k;
    ld->regions[ri].naz = (int32_t)config_len(azs);
    for (size_t j = 0; j < config_len(azs); j++, (*k)++) {
        const config_node *az = config_at(azs, j);
        const char *name;
        if (config_as_string(az, &name, ld->err) || sc_check_name(az, "AZ id", ld->err)) return -1;
        for (size_t m = 0; m < *k; m++)
            if (strcmp(ld->azs[m].name, name) == 0)
                return config_error_at(az, ld->err,
                                       "duplicate AZ id '%s' (first at line %d, column %d)", name,
                                       config_line(at[m]), config_col(at[m]));
        at[*k] = az;
        ld->azs[*k] = (topo_az){name, ri};
    }
    return 0;
}

static int load_regions(sc_loader *ld)
{
    const config_node *seq, **at = NULL, **rat = NULL;
    const char **names = NULL;
    size_t nazs, k = 0;
    int rc = -1;
    if (sc_get_seq(ld->root, SEC_TOP, "regions", &seq, ld->err) || count_azs(seq, &nazs, ld->err))
        return -1;
    if (config_len(seq) == 0)
        return config_error_at(seq, ld->err, "key 'regions': give at least one Region");
    ld->nregions = config_len(seq);
    ld->nazs = nazs;
    ld->regions = arena_alloc(ld->arena, ld->nregions, sizeof *ld->regions);
    ld->azs = arena_alloc(ld->arena, nazs, sizeof *ld->azs);
    at = malloc((nazs + 1) * sizeof *at);
    rat = malloc((ld->nregions + 1) * sizeof *rat);
    names = malloc((ld->nregions + 1) * sizeof *names);
    if (!ld->regions || !ld->azs || !at || !rat || !names) {
        config_error_at(seq, ld->err, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < ld->nregions; i++) {
        const config_node *r = config_at(seq, i);
        if (sc_elem_name(r, &names[i], ld->err) ||
            check_unique("Region", names[i], config_find(r, "name"), names, rat, i, ld->err) ||
            load_azs(ld, r, (int32_t)i, &k, at))
            goto out;
        rat[i] = config_find(r, "name");
        ld->regions[i].name = names[i];
    }
    rc = 0;
out:
    free(at);
    free(rat);
    free(names);
    return rc;
}

/* ---- element lists --------------------------------------------------------------------------- */

/* Appends the elements of seq (maps with unique names) to l, owned by owner. */
static int list_from_seq(sc_loader *ld, sc_list *l, const config_node *seq, sc_kind kind, int owner)
{
    sc_elem *items = arena_alloc(ld->arena, l->n + config_len(seq), sizeof *items);
    if (!items) return config_error_at(seq, ld->err, "out of memory");
    if (l->n) memcpy(items, l->items, l->n * sizeof *items);
    for (size_t i = 0; i < config_len(seq); i++) {
        const config_node *el = config_at(seq, i);
        const char *name;
        int32_t dup;
        if (sc_elem_name(el, &name, ld->err)) return -1;
        l->items = items;
        if ((dup = sc_list_find(l, name)) >= 0) {
            const config_node *first = config_find(items[dup].node, "name");
            return config_error_at(config_find(el, "name"), ld->err,
                                   "duplicate %s name '%s' (first at line %d, column %d)",
                                   sc_kinds[kind].noun, name, config_line(first),
                                   config_col(first));
        }
        items[l->n++] = (sc_elem){el, name, owner};
    }
    l->items = items;
    return 0;
}

static int arch_error(const sc_loader *ld, int i, const config_node *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int arch_error(const sc_loader *ld, int i, const config_node *at, const char *fmt, ...)
{
    char msg[VS_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return config_error_at(at, ld->err, "architecture '%s': %s", ld->archs[i].name, msg);
}

/* Names of l for a hint, malloc'd (error paths only). */
static const char **names_of(const sc_list *l)
{
    const char **names = malloc((l->n + 1) * sizeof *names);
    for (size_t i = 0; names && i < l->n; i++) names[i] = l->items[i].name;
    return names;
}

static int patch_missing(const sc_loader *ld, int i, const char *op, const config_node *at,
                         sc_kind kind, const sc_list *l, const char *name)
{
    char hint[512], q[96];
    const char **names = names_of(l);
    sc_not_found_hint(name, names, names ? l->n : 0, sc_kinds[kind].nouns, hint, sizeof hint);
    free(names);
    return arch_error(ld, i, at, "%s: %s %s not found%s", op, sc_kinds[kind].noun,
                      sc_show(name, q, sizeof q), hint);
}

/* remove: {kind: [names]} */
static int patch_remove(sc_loader *ld, int i, sc_kind kind, const config_node *seq)
{
    sc_list *l = &ld->archs[i].lists[kind];
    for (size_t j = 0; j < config_len(seq); j++) {
        const char *name;
        int32_t at;
        if (config_as_string(config_at(seq, j), &name, ld->err)) return -1;
        if ((at = sc_list_find(l, name)) < 0)
            return patch_missing(ld, i, "remove", config_at(seq, j), kind, l, name);
        memmove(&l->items[at], &l->items[at + 1], (l->n - (size_t)at - 1) * sizeof l->items[0]);
        l->n--;
    }
    return 0;
}

/* replace: {kind: [whole elements]} */
static int patch_replace(sc_loader *ld, int i, sc_kind kind, const config_node *seq)
{
    sc_list *l = &ld->archs[i].lists[kind];
    for (size_t j = 0; j < config_len(seq); j++) {
        const config_node *el = config_at(seq, j);
        const char *name;
        int32_t at;
        if (sc_elem_name(el, &name, ld->err)) return -1;
        if ((at = sc_list_find(l, name)) < 0)
            return patch_missing(ld, i, "replace", config_find(el, "name"), kind, l, name);
        for (size_t m = 0; m < j; m++)
            if (l->items[at].node == config_at(seq, m))
                return arch_error(ld, i, config_find(el, "name"), "replace: %s '%s' given twice",
                                  sc_kinds[kind].noun, name);
        l->items[at] = (sc_elem){el, name, i};
    }
    return 0;
}

/* add: {kind: [new elements]} */
static int patch_add(sc_loader *ld, int i, sc_kind kind, const config_node *seq)
{
    sc_list *l = &ld->archs[i].lists[kind];
    sc_elem *items = arena_alloc(ld->arena, l->n + config_len(seq), sizeof *items);
    if (!items) return config_error_at(seq, ld->err, "out of memory");
    if (l->n) memcpy(items, l->items, l->n * sizeof *items);
    l->items = items;
    for (size_t j = 0; j < config_len(seq); j++) {
        const config_node *el = config_at(seq, j);
        const char *name;
        int32_t at;
        if (sc_elem_name(el, &name, ld->err)) return -1;
        if ((at = sc_list_find(l, name)) >= 0) {
            const config_node *first = config_find(l->items[at].node, "name");
            return arch_error(ld, i, config_find(el, "name"),
                              "add: %s '%s' already exists (line %d, column %d); use replace "
                              "to change it",
                              sc_kinds[kind].noun, name, config_line(first), config_col(first));
        }
        items[l->n++] = (sc_elem){el, name, i};
    }
    return 0;
}

typedef int (*patch_fn)(sc_loader *ld, int i, sc_kind kind, const config_node *seq);

/* Applies one of add/replace/remove (key op) of architecture i to its lists. */
static int apply_patch(sc_loader *ld, int i, const char *op, patch_fn fn)
{
    const config_node *patch;
    if (config_get_map(ld->archs[i].node, op, 0, &patch, ld->err) ||
        sc_check_keys(patch, SEC_PATCH, ld->err))
        return -1;
    for (int k = 0; patch && k < SK_COUNT; k++) {
        const config_node *seq;
        if (sc_get_seq(patch, SEC_PATCH, sc_kinds[k].key, &seq, ld->err)) return -1;
        if (seq && fn(ld, i, (sc_kind)k, seq)) return -1;
    }
    return 0;
}

/* The lists of architecture i before its patches: its parent's, or its own and the shared
 * workloads. */
/* A copy of list l that patches may change. */
static int copy_list(sc_loader *ld, sc_list *dst, const sc_list *l)
{
    dst->n = l->n;
    if (!(dst->items = arena_alloc(ld->arena, l->n, sizeof *l->items)))
        return config_error_at(ld->root, ld->err, "out of memory");
    if (l->n) memcpy(dst->items, l->items, l->n * sizeof *l->items);
    return 0;
}

static int base_lists(sc_loader *ld, int i)
{
    sc_arch *a = &ld->archs[i];
    if (a->parent >= 0) {
        for (int k = 0; k < SK_COUNT; k++)
            if (copy_list(ld, &a->lists[k], &ld->archs[a->parent].lists[k])) return -1;
        return 0;
    }
    for (int k = 0; k < SK_COUNT; k++) {
        const config_node *seq = NULL;
        if (k == SK_WORKLOAD) {
            if (copy_list(ld, &a->lists[k], &ld->shared)) return -1;
            continue;
        }
        if (sc_get_seq(a->node, SEC_ARCH, sc_kinds[k].key, &seq, ld->err)) return -1;
        if (seq && list_from_seq(ld, &a->lists[k], seq, (sc_kind)k, i)) return -1;
    }
    return 0;
}

static int patch_arch(sc_loader *ld, int i)
{
    if (base_lists(ld, i) || apply_patch(ld, i, "remove", patch_remove) ||
        apply_patch(ld, i, "replace", patch_replace) || apply_patch(ld, i, "add", patch_add))
        return -1;
    for (int k = 0; k < SK_COUNT; k++) {
        if (ld->archs[i].lists[k].n > SC_MAX_ITEMS)
            return arch_error(ld, i, ld->archs[i].node, "more than %d %s", SC_MAX_ITEMS,
                              sc_kinds[k].nouns);
        ld->nelements += ld->archs[i].lists[k].n;
    }
    if (ld->nelements > SC_MAX_ELEMENTS)
        return arch_error(ld, i, ld->archs[i].node,
                          "the architectures hold more than %d elements in all", SC_MAX_ELEMENTS);
    ld->archs[i].state = 2;
    return 0;
}

static int arch_find(const sc_loader *ld, const char *name)
{
    for (size_t i = 0; i < ld->narchs; i++)
        if (strcmp(ld->archs[i].name, name) == 0) return (int)i;
    return -1;
}

/* Sets archs[k].parent from its extends. */
static int find_parent(sc_loader *ld, int k)
{
    sc_arch *a = &ld->archs[k];
    const char *name, **names;
    char hint[512], q[96];
    a->parent = -1;
    if (!a->extends) return 0;
    if (config_as_string(a->extends, &name, ld->err)) return -1;
    if ((a->parent = arch_find(ld, name)) >= 0) return 0;
    names = malloc((ld->narchs + 1) * sizeof *names);
    for (size_t i = 0; names && i < ld->narchs; i++) names[i] = ld->archs[i].name;
    sc_not_found_hint(name, names, names ? ld->narchs : 0, "architectures", hint, sizeof hint);
    free(names);
    return arch_error(ld, k, a->extends, "extends unknown architecture %s%s",
                      sc_show(name, q, sizeof q), hint);
}

/* `a -> b -> a` for the cycle through k. */
static int cycle_error(sc_loader *ld, int k)
{
    char chain[512];
    size_t pos = (size_t)snprintf(chain, sizeof chain, "%s", ld->archs[k].name);
    int j = ld->archs[k].parent;
    for (size_t steps = 0; pos + 1 < sizeof chain && steps <= ld->narchs; steps++) {
        pos += (size_t)snprintf(chain + pos, sizeof chain - pos, " -> %s", ld->archs[j].name);
        if (j == k) break;
        j = ld->archs[j].parent;
    }
    return arch_error(ld, k, ld->archs[k].extends, "extends forms a cycle: %s", chain);
}

/* Patches architecture i after its ancestors, walking up iteratively; order[] receives each
 * architecture as it is done (parents first). */
static int resolve_arch(sc_loader *ld, int i, int *stack, int *order, size_t *norder)
{
    size_t depth = 0;
    int k = i;
    while (k >= 0 && ld->archs[k].state != 2) {
        if (ld->archs[k].state == 1) return cycle_error(ld, k);
        ld->archs[k].state = 1;
        if (find_parent(ld, k)) return -1;
        stack[depth++] = k;
        k = ld->archs[k].parent;
    }
    while (depth-- > 0) {
        if (patch_arch(ld, stack[depth])) return -1;
        order[(*norder)++] = stack[depth];
    }
    return 0;
}

/* Reads name, extends and the patch flag of architecture i; an extending one may not list
 * elements itself. */
static int arch_header(sc_loader *ld, const config_node *seq, int i, const config_node **at)
{
    sc_arch *a = &ld->archs[i];
    a->node = config_at(seq, (size_t)i);
    if (sc_check_keys(a->node, SEC_ARCH, ld->err) || sc_elem_name(a->node, &a->name, ld->err))
        return -1;
    at[i] = config_find(a->node, "name");
    for (int j = 0; j < i; j++)
        if (strcmp(ld->archs[j].name, a->name) == 0)
            return config_error_at(at[i], ld->err,
                                   "duplicate architecture name '%s' (first at line %d, column %d)",
                                   a->name, config_line(at[j]), config_col(at[j]));
    a->extends = config_find(a->node, "extends");
    a->patched = a->extends || config_find(a->node, "add") || config_find(a->node, "replace") ||
                 config_find(a->node, "remove");
    a->parent = -1;
    for (int k = 0; a->extends && k < SK_COUNT; k++) {
        const config_node *key = config_find(a->node, sc_kinds[k].key);
        if (key)
            return arch_error(ld, i, key,
                              "it extends another, so it changes elements through add, replace "
                              "and remove, not '%s' itself",
                              sc_kinds[k].key);
    }
    return 0;
}

static int load_archs(sc_loader *ld, int **order)
{
    const config_node *seq, **at;
    int *stack;
    size_t norder = 0;
    int rc = 0;
    if (sc_get_seq(ld->root, SEC_TOP, "architectures", &seq, ld->err)) return -1;
    if (config_len(seq) == 0)
        return config_error_at(seq, ld->err, "key 'architectures': give at least one");
    ld->narchs = config_len(seq);
    ld->archs = arena_alloc(ld->arena, ld->narchs, sizeof *ld->archs);
    *order = arena_alloc(ld->arena, ld->narchs, sizeof **order);
    stack = malloc(ld->narchs * sizeof *stack);
    at = malloc(ld->narchs * sizeof *at);
    if (!ld->archs || !*order || !stack || !at) rc = config_error_at(seq, ld->err, "out of memory");
    for (size_t i = 0; rc == 0 && i < ld->narchs; i++) rc = arch_header(ld, seq, (int)i, at);
    for (size_t i = 0; rc == 0 && i < ld->narchs; i++)
        rc = resolve_arch(ld, (int)i, stack, *order, &norder);
    free(stack);
    free(at);
    return rc;
}

/* ---- building -------------------------------------------------------------------------------- */

static int build_arch(sc_loader *ld, int i)
{
    sc_build b = {
        .ld = ld, .arch = i, .a = &ld->archs[i], .t = &ld->topos[i], .owner = i, .err = ld->err};
    topology *t = b.t;
    t->name = b.a->name;
    t->pos = sc_pos(b.a->node);
    t->regions = ld->regions;
    t->nregions = ld->nregions;
    t->azs = ld->azs;
    t->nazs = ld->nazs;
    if (sc_build_network(&b) || sc_build_services(&b) || sc_build_nacls(&b) ||
        sc_check_accounts(&b) || sc_build_records(&b) || sc_build_workloads(&b))
        return -1;
    ld->archs[i].state = 3;
    return 0;
}

/* ---- overrides and run ----------------------------------------------------------------------- */

/* Pushes name into names[*n] unless there. */
static void add_name(const char **names, size_t *n, const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(names[i], name) == 0) return;
    names[(*n)++] = name;
}

/* The instances of override kind o in every architecture, deduplicated, into names (room for
 * count_instances). */
static void instances(const sc_loader *ld, const sc_override_kind *o, const char **names, size_t *n)
{
    *n = 0;
    for (size_t a = 0; a < ld->narchs; a++) {
        const topology *t = &ld->topos[a];
        const sc_list *l = &ld->archs[a].lists[o->kind];
        if (o->src == SC_INST_KIND)
            for (size_t i = 0; i < l->n; i++) add_name(names, n, l->items[i].name);
        if (o->src == SC_INST_IGW)
            for (size_t i = 0; i < t->nigws; i++) add_name(names, n, t->igws[i].name);
        if (o->src == SC_INST_DX_SITE || o->src == SC_INST_VPN_SITE)
            for (size_t i = 0; i < t->nsites; i++)
                if (o->src == SC_INST_DX_SITE ? t->sites[i].dx.present : t->sites[i].vpn.present)
                    add_name(names, n, t->sites[i].name);
    }
}

static size_t count_instances(const sc_loader *ld)
{
    size_t n = 1;
    for (size_t a = 0; a < ld->narchs; a++) {
        for (int k = 0; k < SK_COUNT; k++) n += ld->archs[a].lists[k].n;
        n += ld->topos[a].nigws;
    }
    return n;
}

/* The override kind named by the first len bytes of text, or NULL with err set at key. */
static const sc_override_kind *override_kind(const sc_loader *ld, const config_node *key,
                                             const char *text, size_t len)
{
    const char *names[SC_NOVERRIDE_KINDS];
    char kind[64], hint[512], q[96];
    snprintf(kind, sizeof kind, "%.*s", (int)(len < 63 ? len : 63), text);
    for (size_t k = 0; k < SC_NOVERRIDE_KINDS; k++) {
        names[k] = sc_override_kinds[k].name;
        if (strlen(names[k]) == len && strncmp(names[k], text, len) == 0)
            return &sc_override_kinds[k];
    }
    config_error_at(key, ld->err, "overrides: unknown component kind %s%s",
                    sc_show(kind, q, sizeof q),
                    sc_not_found_hint(kind, names, SC_NOVERRIDE_KINDS, "kinds (docs/parameters.md)",
                                      hint, sizeof hint));
    return NULL;
}

/* Checks one overrides key "kind" or "kind/instance": a registry kind, an existing instance. */
static int check_override_key(const sc_loader *ld, const config_node *key, const char **names)
{
    const char *text = config_scalar(key), *slash = strchr(text, '/');
    const sc_override_kind *o =
        override_kind(ld, key, text, slash ? (size_t)(slash - text) : strlen(text));
    char hint[512], q[96];
    size_t n;
    if (!o) return -1;
    if (!slash) return 0;
    if (o->src == SC_INST_NONE)
        return config_error_at(
            key, ld->err, "overrides: kind '%s' has no instances; override it as a whole", o->name);
    instances(ld, o, names, &n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], slash + 1) == 0) return 0;
    return config_error_at(key, ld->err, "overrides: no %s %s in any architecture%s", o->name,
                           sc_show(slash + 1, q, sizeof q),
                           sc_not_found_hint(slash + 1, names, n, o->nouns, hint, sizeof hint));
}

static int check_overrides(sc_loader *ld, const config_node *overrides)
{
    const char **names;
    int rc = 0;
    if (!overrides) return 0;
    if (!(names = malloc(count_instances(ld) * sizeof *names)))
        return config_error_at(overrides, ld->err, "out of memory");
    for (size_t i = 0; rc == 0 && i < config_len(overrides); i++) {
        rc = check_override_key(ld, config_key_at(overrides, i), names);
        if (rc == 0) rc = sc_expect_map(config_at(overrides, i), ld->err);
    }
    free(names);
    return rc;
}

/* run.sweep: {"dotted.path": [value, ...], ...}: at most SWEEP_MAX_KEYS keys, each a non-empty
 * sequence of values, SWEEP_MAX_POINTS points in all. The paths and values are checked by the
 * run, which patches them into the scenario. */
enum { SWEEP_MAX_KEYS = 6, SWEEP_MAX_POINTS = 10000 };

static int check_sweep(const config_node *sweep, vs_error *err)
{
    size_t points = 1;
    if (!sweep) return 0;
    if (config_len(sweep) > SWEEP_MAX_KEYS)
        return config_error_at(config_key_at(sweep, SWEEP_MAX_KEYS), err,
                               "run.sweep: at most %d swept keys", SWEEP_MAX_KEYS);
    for (size_t i = 0; i < config_len(sweep); i++) {
        const config_node *v = config_at(sweep, i), *key = config_key_at(sweep, i);
        if (config_kind_of(v) != CONFIG_KIND_SEQ || config_len(v) == 0)
            return config_error_at(v, err,
                                   "run.sweep '%s': expected a list of values such as "
                                   "[1000/s, 2000/s], got %s",
                                   config_scalar(key),
                                   config_kind_of(v) == CONFIG_KIND_SEQ
                                       ? "an empty list"
                                       : config_kind_name(config_kind_of(v)));
        for (size_t j = 0; j < config_len(v); j++)
            if (config_kind_of(config_at(v, j)) != CONFIG_KIND_SCALAR ||
                config_is_null(config_at(v, j)))
                return config_error_at(config_at(v, j), err,
                                       "run.sweep '%s': each value must be a scalar",
                                       config_scalar(key));
        points *= config_len(v);
        if (points > SWEEP_MAX_POINTS)
            return config_error_at(v, err, "run.sweep: more than %d points", SWEEP_MAX_POINTS);
    }
    return 0;
}

static int check_run(const config_node *run, vs_error *err)
{
    const config_node *sweep;
    int64_t v;
    if (!run) return 0;
    if (sc_check_keys(run, SEC_RUN, err) || sc_get_map(run, SEC_RUN, "sweep", &sweep, err) ||
        check_sweep(sweep, err))
        return -1;
    if (config_find(run, "duration") && config_get_duration(run, "duration", NULL, &v, err))
        return -1;
    if (config_find(run, "warmup") && !precision_warmup_auto(run) &&
        config_get_duration(run, "warmup", NULL, &v, err))
        return -1;
    int64_t reps = 5;
    precision_rule rule;
    if (sc_get_int(run, SEC_RUN, "replications", 1, 100000, &reps, err) ||
        precision_read(run, reps, &rule, err))
        return -1;
    return sc_get_int(run, SEC_RUN, "seed", 0, INT64_MAX, &v, err);
}

/* The `output:` block: its keys and value types (sim/cli/output_plan.c reads the values). */
static int check_output(const config_node *root, vs_error *err)
{
    const config_node *o = config_find(root, "output");
    double p;
    int64_t bin;
    if (!o) return 0;
    if (config_kind_of(o) != CONFIG_KIND_MAP)
        return config_error_at(o, err, "output: expected a map of records, spans, series_bin");
    if (sc_check_keys(o, SEC_OUTPUT, err)) return -1;
    if (config_find(o, "records") && config_get_probability(o, "records", NULL, &p, err)) return -1;
    if (config_find(o, "spans") && config_get_probability(o, "spans", NULL, &p, err)) return -1;
    if (config_find(o, "series_bin") && config_get_duration(o, "series_bin", NULL, &bin, err))
        return -1;
    return 0;
}

/* ---- the top level --------------------------------------------------------------------------- */

static int check_version(const config_node *root, int *version, vs_error *err)
{
    const config_node *v = config_find(root, "version");
    int64_t ver;
    if (config_kind_of(root) != CONFIG_KIND_MAP)
        return config_error_at(root, err,
                               "a scenario is a map with version, name, regions and "
                               "architectures; got %s",
                               config_is_null(root) ? "an empty document"
                                                    : config_kind_name(config_kind_of(root)));
    if (!v)
        return config_error_at(root, err,
                               "missing required key 'version' at the top level (this build reads "
                               "version %d)",
                               SCENARIO_VERSION);
    if (config_get_int(root, "version", NULL, INT64_MIN, INT64_MAX, &ver, err)) return -1;
    if (ver != SCENARIO_VERSION)
        return config_error_at(v, err,
                               "unsupported scenario version %lld; this build reads version %d",
                               (long long)ver, SCENARIO_VERSION);
    *version = (int)ver;
    return 0;
}

static int load_header(sc_loader *ld, scenario *s)
{
    const config_node *root = ld->root;
    int64_t seed;
    s->description = "";
    if (check_version(root, &s->version, ld->err) || sc_check_keys(root, SEC_TOP, ld->err) ||
        config_get_string(root, "name", NULL, &s->name, ld->err) ||
        sc_get_string(root, SEC_TOP, "description", &s->description, ld->err) ||
        sc_get_int(root, SEC_TOP, "seed", 0, INT64_MAX, &seed, ld->err) ||
        sc_get_map(root, SEC_TOP, "overrides", &s->overrides, ld->err) ||
        sc_get_map(root, SEC_TOP, "run", &s->run, ld->err))
        return -1;
    s->seed = (uint64_t)seed;
    s->file = config_file(root);
    return 0;
}

static int load_top(sc_loader *ld, scenario *s)
{
    const config_node *shared, *faults, *expects;
    int *order = NULL; /* set by load_archs; initialised for -Wmaybe-uninitialized without LTO */
    if (load_header(ld, s) || load_regions(ld) || sc_load_accounts(ld) ||
        sc_get_seq(ld->root, SEC_TOP, "workloads", &shared, ld->err))
        return -1;
    if (shared && list_from_seq(ld, &ld->shared, shared, SK_WORKLOAD, -1)) return -1;
    if (load_archs(ld, &order)) return -1;
    if (!(ld->topos = arena_alloc(ld->arena, ld->narchs, sizeof *ld->topos)))
        return config_error_at(ld->root, ld->err, "out of memory");
    for (size_t i = 0; i < ld->narchs; i++)
        if (build_arch(ld, order[i])) return -1;
    if (check_overrides(ld, s->overrides) || check_run(s->run, ld->err) ||
        check_output(ld->root, ld->err) ||
        sc_get_seq(ld->root, SEC_TOP, "faults", &faults, ld->err) || sc_load_faults(ld, faults) ||
        sc_get_seq(ld->root, SEC_TOP, "expect", &expects, ld->err) ||
        sc_load_expects(ld, expects, s) || sc_load_quotas(ld, s))
        return -1;
    s->archs = ld->topos;
    s->narchs = ld->narchs;
    return 0;
}

/* Takes doc: on success the scenario owns it, on failure it is freed. */
static int load_doc(config_doc *doc, scenario **out, vs_error *err)
{
    sc_loader ld;
    scenario *s;
    memset(&ld, 0, sizeof ld);
    ld.err = err;
    ld.root = config_root(doc);
    if (!(ld.arena = arena_new()) || !(s = arena_alloc(ld.arena, 1, sizeof *s))) {
        error_set(err, "%s: out of memory while loading", config_file(ld.root));
    } else if (load_top(&ld, s) == 0) {
        s->doc = doc;
        s->arena = ld.arena;
        *out = s;
        return 0;
    }
    arena_free(ld.arena);
    config_free(doc);
    return -1;
}

int scenario_load_buffer(const char *data, size_t len, const char *name, scenario **out,
                         vs_error *err)
{
    config_doc *doc = config_load_buffer(data, len, name, err);
    *out = NULL;
    return doc ? load_doc(doc, out, err) : -1;
}

int scenario_load_file(const char *path, scenario **out, vs_error *err)
{
    config_doc *doc = config_load_file(path, err);
    *out = NULL;
    return doc ? load_doc(doc, out, err) : -1;
}

void scenario_free(scenario *s)
{
    config_doc *doc;
    if (!s) return;
    doc = s->doc;
    arena_free(s->arena); /* s lives in its own arena */
    config_free(doc);
}

int scenario_find_arch(const scenario *s, const char *name)
{
    for (size_t i = 0; s && i < s->narchs; i++)
        if (strcmp(s->archs[i].name, name) == 0) return (int)i;
    return -1;
}
