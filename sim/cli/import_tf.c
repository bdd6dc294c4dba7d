/* `vpcsim import terraform`: the resources of `terraform show -json` (a state, or a plan's
 * planned values with its configuration) into an estate. A reference is resolved by id where the
 * value is known (a state) and through the configuration's `references` where it is not (a plan),
 * following input variables and module outputs across modules, so both give the same estate.
 * Resource types are handled by passes of a const table (import_tf_types.c). */
#include <stdlib.h>
#include <string.h>

#include "cli/import_tf_impl.h"

/* ---- collecting resources -------------------------------------------------------------------- */

static int tf_add(tf_ctx *c, json_object *r, const char *jpath)
{
    const char *addr = import_str(r, "address"), *type = import_str(r, "type");
    if (!addr || !type) return -1;
    if (import_get(c->by_addr, addr)) return 0; /* a plan's prior state repeats its resources */
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 64;
        tf_res *g = realloc(c->res, cap * sizeof *g);
        if (!g) return -1;
        c->res = g, c->cap = cap;
    }
    tf_res *t = &c->res[c->n];
    *t = (tf_res){.addr = addr, .type = type, .values = import_get(r, "values")};
    const char *mode = import_str(r, "mode");
    t->data = mode && strcmp(mode, "data") == 0;
    snprintf(t->jpath, sizeof t->jpath, "%s", jpath);
    /* the module instance is what precedes the resource part of the address */
    const char *local = addr;
    for (const char *p = addr; (p = strstr(p, "module.")) == addr || (p && p[-1] == '.');) {
        const char *dot = strchr(p + 7, '.');
        if (!dot) break;
        /* skip an instance key that may hold dots: module.x["a.b"] */
        const char *br = strchr(p + 7, '[');
        if (br && br < dot) {
            const char *close = strstr(br, "].");
            if (!close) break;
            dot = close + 1;
        }
        local = dot + 1, p = local;
        if (strncmp(p, "module.", 7) != 0) break;
    }
    snprintf(t->module, sizeof t->module, "%.*s", local > addr ? (int)(local - addr - 1) : 0, addr);
    const char *br = strchr(local, '[');
    if (br) snprintf(t->idx, sizeof t->idx, "%.*s", (int)(strlen(br) - 2), br + 1);
    json_object_object_add(c->by_addr, addr, json_object_new_int((int)c->n));
    c->n++;
    return 0;
}

static int tf_collect(tf_ctx *c, json_object *mod, const char *jpath, int depth, vs_error *err)
{
    char p[TF_JPATH_MAX];
    if (depth > 64) return error_set(err, "%s: %s: modules nested too deeply", c->file, jpath);
    json_object *rs = import_get(mod, "resources"), *cm = import_get(mod, "child_modules");
    if ((rs && !json_object_is_type(rs, json_type_array)) ||
        (cm && !json_object_is_type(cm, json_type_array)))
        return error_set(err, "%s: %s.%s: expected a list", c->file, jpath,
                         rs && !json_object_is_type(rs, json_type_array) ? "resources"
                                                                         : "child_modules");
    for (size_t i = 0; i < import_len(rs); i++) {
        if (snprintf(p, sizeof p, "%s.resources[%zu]", jpath, i) >= (int)sizeof p)
            return error_set(err, "%s: %s: modules nested too deeply", c->file, jpath);
        json_object *r = json_object_array_get_idx(rs, i), *v = import_get(r, "values");
        if (tf_add(c, r, p))
            return error_set(err, "%s: %s: a resource needs address and type", c->file, p);
        if (v && !json_object_is_type(v, json_type_object))
            return error_set(err, "%s: %s.values: expected an object", c->file, p);
    }
    for (size_t i = 0; i < import_len(cm); i++) {
        if (snprintf(p, sizeof p, "%s.child_modules[%zu]", jpath, i) >= (int)sizeof p)
            return error_set(err, "%s: %s: modules nested too deeply", c->file, jpath);
        if (tf_collect(c, json_object_array_get_idx(cm, i), p, depth + 1, err)) return -1;
    }
    return 0;
}

/* The configuration of module instance addr ("module.a[0].module.b"): its module object. */
json_object *tf_cfg_module(const tf_ctx *c, const char *addr)
{
    json_object *m = c->cfg_root;
    char name[256];
    for (const char *p = addr; m && *p;) {
        if (strncmp(p, "module.", 7) != 0) return NULL;
        p += 7;
        size_t n = strcspn(p, ".[");
        snprintf(name, sizeof name, "%.*s", (int)n, p);
        p += n;
        if (*p == '[') {
            const char *close = strstr(p, "]");
            if (!close) return NULL;
            p = close + 1;
        }
        if (*p == '.') p++;
        m = import_get(import_get(import_get(m, "module_calls"), name), "module");
    }
    return m;
}

/* Expressions of each resource from the configuration (a plan), and ids of every resource. */
static void tf_index(tf_ctx *c)
{
    for (size_t i = 0; i < c->n; i++) {
        tf_res *r = &c->res[i];
        json_object *m = tf_cfg_module(c, r->module), *rs = import_get(m, "resources");
        const char *local = r->addr + (r->module[0] ? strlen(r->module) + 1 : 0);
        size_t ln = strcspn(local, "[");
        for (size_t k = 0; k < import_len(rs); k++) {
            const char *a = import_str(json_object_array_get_idx(rs, k), "address");
            if (a && strlen(a) == ln && strncmp(a, local, ln) == 0)
                r->expr = import_get(json_object_array_get_idx(rs, k), "expressions");
        }
    }
    static const char *const alias[][2] = {{"", "id"},
                                           {"aws_vpc_endpoint_service", "service_name"},
                                           {"aws_vpn_connection", "transit_gateway_attachment_id"},
                                           {"", "arn"}};
    for (size_t a = 0; a < sizeof alias / sizeof *alias; a++)
        for (size_t i = 0; i < c->n; i++) {
            const char *id = import_str(c->res[i].values, alias[a][1]);
            if (!id || !*id || (alias[a][0][0] && strcmp(alias[a][0], c->res[i].type)) ||
                import_get(c->by_id, id))
                continue;
            json_object_object_add(c->by_id, id, json_object_new_int((int)i));
        }
}

/* ---- references ------------------------------------------------------------------------------ */

tf_res *tf_by_addr(const tf_ctx *c, const char *addr)
{
    json_object *v = import_get(c->by_addr, addr);
    return v ? &c->res[json_object_get_int(v)] : NULL;
}

static void refs_push(tf_res **out, size_t *n, size_t max, tf_res *r)
{
    for (size_t i = 0; i < *n; i++)
        if (out[i] == r) return;
    if (*n < max) out[(*n)++] = r;
}

static size_t refs_resolve(const tf_ctx *c, const char *scope, json_object *refs, const char *idx,
                           tf_res **out, size_t n, size_t max, int depth);

/* "var.x" in scope: the module call's argument x, in the parent's scope. */
static size_t refs_var(const tf_ctx *c, const char *scope, const char *ref, tf_res **out, size_t n,
                       size_t max, int depth)
{
    const char *last = NULL;
    for (const char *p = scope; (p = strstr(p, "module.")); p += 7) last = p;
    if (!last) return n;
    char parent[TF_ADDR_MAX], call[256], var[256], idx[64] = "";
    snprintf(parent, sizeof parent, "%.*s", last > scope ? (int)(last - scope - 1) : 0, scope);
    size_t cn = strcspn(last + 7, ".[");
    snprintf(call, sizeof call, "%.*s", (int)cn, last + 7);
    if (last[7 + cn] == '[')
        snprintf(idx, sizeof idx, "%.*s", (int)strcspn(last + 8 + cn, "]"), last + 8 + cn);
    snprintf(var, sizeof var, "%.*s", (int)strcspn(ref + 4, ".["), ref + 4);
    json_object *calls = import_get(tf_cfg_module(c, parent), "module_calls");
    json_object *e = import_get(import_get(import_get(calls, call), "expressions"), var);
    return refs_resolve(c, parent, import_get(e, "references"), idx[0] ? idx : NULL, out, n, max,
                        depth + 1);
}

/* "module.m.out" (or "module.m[0].out") in scope: the output's expression inside the module. */
static size_t refs_output(const tf_ctx *c, const char *scope, const char *ref, tf_res **out,
                          size_t n, size_t max, int depth)
{
    const char *p = ref + 7;
    size_t cn = strcspn(p, ".[");
    char child[TF_ADDR_MAX], outname[256];
    const char *rest = p + cn;
    if (*rest == '[') rest = strchr(rest, ']') ? strchr(rest, ']') + 1 : rest + strlen(rest);
    if (*rest != '.') return n; /* the whole module object: nothing to follow */
    snprintf(child, sizeof child, "%s%s%.*s", scope, scope[0] ? "." : "", (int)(rest - ref), ref);
    snprintf(outname, sizeof outname, "%.*s", (int)strcspn(rest + 1, ".["), rest + 1);
    json_object *o = import_get(import_get(tf_cfg_module(c, child), "outputs"), outname);
    return refs_resolve(c, child, import_get(import_get(o, "expression"), "references"), NULL, out,
                        n, max, depth + 1);
}

/* A resource reference "[data.]type.name[idx]..." split into its base and index. */
static bool ref_resource(const char *ref, char *base, size_t nb, char *idx, size_t ni)
{
    const char *p = ref;
    if (strncmp(p, "data.", 5) == 0) p += 5;
    const char *dot = strchr(p, '.');
    if (!dot || (strncmp(ref, "aws_", 4) && strncmp(ref, "data.aws_", 9))) return false;
    size_t nn = strcspn(dot + 1, ".[");
    snprintf(base, nb, "%.*s", (int)(dot + 1 + nn - ref), ref);
    idx[0] = 0;
    if (dot[1 + nn] == '[') {
        const char *s = dot + 2 + nn, *e = strchr(s, ']');
        if (e) snprintf(idx, ni, "%.*s", (int)(e - s), s);
    }
    return true;
}

static size_t refs_resource(const tf_ctx *c, const char *scope, const char *base, const char *ix,
                            const char *idx, tf_res **out, size_t n, size_t max)
{
    char a[2 * TF_ADDR_MAX + 2];
    snprintf(a, sizeof a, "%s%s%s", scope, scope[0] ? "." : "", base);
    size_t al = strlen(a);
    char with[sizeof a + 70];
    if (ix[0] || idx) {
        snprintf(with, sizeof with, "%s[%s]", a, ix[0] ? ix : idx);
        tf_res *r = tf_by_addr(c, with);
        if (r) return refs_push(out, &n, max, r), n;
        if (ix[0]) return n;
    }
    tf_res *r = tf_by_addr(c, a);
    if (r) return refs_push(out, &n, max, r), n;
    for (size_t i = 0; i < c->n; i++) /* a splat or a for expression: every instance */
        if (strncmp(c->res[i].addr, a, al) == 0 && c->res[i].addr[al] == '[')
            refs_push(out, &n, max, &c->res[i]);
    return n;
}

static size_t refs_resolve(const tf_ctx *c, const char *scope, json_object *refs, const char *idx,
                           tf_res **out, size_t n, size_t max, int depth)
{
    char base[TF_ADDR_MAX], ix[64], base2[TF_ADDR_MAX], ix2[64];
    if (depth > 32) return n;
    for (size_t i = 0; i < import_len(refs); i++) {
        const char *ref = json_object_get_string(json_object_array_get_idx(refs, i));
        if (!ref) continue;
        if (strncmp(ref, "var.", 4) == 0) {
            n = refs_var(c, scope, ref, out, n, max, depth);
        } else if (strncmp(ref, "module.", 7) == 0) {
            n = refs_output(c, scope, ref, out, n, max, depth);
        } else if (ref_resource(ref, base, sizeof base, ix, sizeof ix)) {
            bool indexed_elsewhere = false; /* "a.b[0].id", "a.b[0]", "a.b": take the first */
            for (size_t k = 0; !ix[0] && k < import_len(refs); k++) {
                const char *o = json_object_get_string(json_object_array_get_idx(refs, k));
                if (o && ref_resource(o, base2, sizeof base2, ix2, sizeof ix2) && ix2[0] &&
                    strcmp(base, base2) == 0)
                    indexed_elsewhere = true;
            }
            if (!indexed_elsewhere) n = refs_resource(c, scope, base, ix, idx, out, n, max);
        }
    }
    return n;
}

size_t tf_refs(const tf_ctx *c, const tf_res *r, json_object *vals, json_object *exprs,
               const char *attr, tf_res **out, size_t max)
{
    size_t n = 0;
    json_object *v = import_get(vals, attr);
    if (v && json_object_is_type(v, json_type_string)) {
        json_object *i = import_get(c->by_id, json_object_get_string(v));
        if (i) refs_push(out, &n, max, &c->res[json_object_get_int(i)]);
    }
    for (size_t k = 0; k < import_len(v); k++) {
        json_object *i =
            import_get(c->by_id, json_object_get_string(json_object_array_get_idx(v, k)));
        if (i) refs_push(out, &n, max, &c->res[json_object_get_int(i)]);
    }
    if (n) return n;
    json_object *e = import_get(exprs, attr);
    return refs_resolve(c, r->module, import_get(e, "references"), r->idx[0] ? r->idx : NULL, out,
                        0, max, 0);
}

tf_res *tf_ref1(const tf_ctx *c, const tf_res *r, json_object *vals, json_object *exprs,
                const char *attr, const char *type)
{
    tf_res *out[8];
    size_t n = tf_refs(c, r, vals, exprs, attr, out, 8);
    for (size_t i = 0; i < n; i++)
        if (!type || strcmp(out[i]->type, type) == 0) return out[i];
    return NULL;
}

/* ---- the document ---------------------------------------------------------------------------- */

/* "1.0", "1.2", "0.1", "0.2" are Terraform JSON documents this reader knows. */
static int tf_version(json_object *doc, const char *file, vs_error *err)
{
    const char *v = import_str(doc, "format_version");
    if (!v)
        return error_set(err,
                         "%s: format_version: missing; not the output of `terraform show "
                         "-json`",
                         file);
    if ((v[0] != '0' && v[0] != '1') || v[1] != '.')
        return error_set(err,
                         "%s: format_version: \"%.20s\" is a major version this build does not "
                         "read (it reads 0.x and 1.x)",
                         file, v);
    return 0;
}

int import_tf(json_object *doc, const char *file, import_estate *e, vs_error *err)
{
    if (tf_version(doc, file, err)) return -1;
    tf_ctx c = {.e = e,
                .file = file,
                .err = err,
                .by_addr = json_object_new_object(),
                .by_id = json_object_new_object()};
    json_object *planned = import_get(import_get(doc, "planned_values"), "root_module");
    json_object *state = import_get(import_get(doc, "values"), "root_module");
    int rc = -1;
    if (!c.by_addr || !c.by_id) {
        error_set(err, "%s: out of memory", file);
        goto done;
    }
    if (!planned && !state) {
        error_set(err,
                  "%s: neither values.root_module (a state) nor planned_values.root_module "
                  "(a plan): nothing to import",
                  file);
        goto done;
    }
    c.plan = planned != NULL;
    c.cfg_root = import_get(import_get(doc, "configuration"), "root_module");
    if (tf_collect(&c, planned ? planned : state,
                   planned ? "planned_values.root_module" : "values.root_module", 0, err))
        goto done;
    if (planned) { /* data sources read at plan time live in the prior state */
        json_object *prior =
            import_get(import_get(import_get(doc, "prior_state"), "values"), "root_module");
        size_t before = c.n;
        if (tf_collect(&c, prior, "prior_state.values.root_module", 0, err)) goto done;
        for (size_t i = before; i < c.n; i++)
            if (!c.res[i].data) c.res[i].done = 1; /* to be deleted: not in the planned estate */
    }
    tf_index(&c);
    rc = tf_convert(&c);
done:
    json_object_put(c.by_addr), json_object_put(c.by_id);
    free(c.res);
    return rc;
}
