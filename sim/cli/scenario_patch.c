/* Patched scenarios (see scenario_patch.h). The tree is written as flow-style YAML, one map entry
 * or sequence item a line, every scalar double-quoted (YAML nulls kept plain), and each key, value
 * and collection start is remembered with the node or patch it came from, so a message at
 * line:col of the new text can be put back where the user wrote it. */
#include "cli/scenario_patch.h"
#include "vpcsim/grow.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PATCH_REST_MAX = 512 };

typedef struct origin {
    int line, col;           /* in the patched text */
    const config_node *node; /* the original node, or NULL */
    int patch;               /* else the index of the patch */
} origin;

struct scenario_patch_map {
    char *name;              /* file name of the patched text */
    const scenario_patch *p; /* the patches (the caller's array) */
    origin *o;               /* in emission order: lines increase */
    size_t n, cap;
};

/* A patch resolved against the tree: a scalar to replace, or keys to add under a map. */
typedef struct plan {
    const config_node *replace; /* scalar it replaces, or NULL */
    const config_node *parent;  /* else the map it adds keys to */
    char rest[PATCH_REST_MAX];  /* the keys it adds, dotted ("run.seed" when run is absent) */
    bool done;                  /* emitted (additions) */
} plan;

typedef struct emitter {
    FILE *f;
    int line, col; /* where the next character goes */
    scenario_patch_map *m;
    const scenario_patch *p;
    plan *plans;
    size_t n;
    bool failed; /* out of memory */
    vs_error *err;
} emitter;

/* ---- resolving paths ------------------------------------------------------------------------- */

/* Length of the name matching the front of rest ("" if none): n followed by '.' or the end. */
static size_t front_match(const char *rest, const char *n)
{
    size_t len = n ? strlen(n) : 0;
    if (len == 0 || strncmp(rest, n, len) != 0 || (rest[len] && rest[len] != '.')) return 0;
    return len;
}

static const char *item_name(const config_node *item)
{
    return config_kind_of(item) == CONFIG_KIND_MAP ? config_scalar(config_find(item, "name"))
                                                   : NULL;
}

/* The child of n that the front of rest names (the longest match; in a sequence an item's name
 * or index), with *len the characters it took; NULL if none. */
static const config_node *step(const config_node *n, const char *rest, size_t *len)
{
    const config_node *best = NULL;
    bool seq = config_kind_of(n) == CONFIG_KIND_SEQ;
    *len = 0;
    for (size_t i = 0; i < config_len(n); i++) {
        const char *name = seq ? item_name(config_at(n, i)) : config_scalar(config_key_at(n, i));
        size_t l = front_match(rest, name);
        if (l > *len) *len = l, best = config_at(n, i);
    }
    if (best || !seq) return best;
    char *end;
    unsigned long k = strtoul(rest, &end, 10);
    if (end == rest || (*end && *end != '.') || k >= config_len(n)) return NULL;
    *len = (size_t)(end - rest);
    return config_at(n, k);
}

static int bad_path(const char *path, vs_error *err)
{
    for (const char *s = path;; s++) {
        if (*s == '.' || !*s) {
            if (s == path || s[-1] == '.' || (!*s && s[-1] == '.'))
                return error_set(err, "empty key in path '%s'", path);
            if (!*s) return 0;
        }
    }
}

static int seq_error(const config_node *n, const char *rest, const char *label, vs_error *err)
{
    char where[128], names[256] = "";
    size_t seg = strcspn(rest, ".");
    for (size_t i = 0; i < config_len(n); i++) {
        const char *nm = item_name(config_at(n, i));
        if (nm && strlen(names) + strlen(nm) + 3 < sizeof names)
            snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", i ? ", " : "",
                     nm);
    }
    config_path(n, where, sizeof where);
    return error_set(err, "%s: no item named '%.*s' in %s (there: %s)", label, (int)seg, rest,
                     where[0] ? where : "the top level", names[0] ? names : "none");
}

static int resolve(const config_node *root, const scenario_patch *p, plan *pl, vs_error *err)
{
    const config_node *n = root;
    const char *rest = p->path;
    vs_error e = {""};
    *pl = (plan){0};
    if (bad_path(p->path, &e)) return error_set(err, "%s: %s", p->label, e.msg);
    for (size_t len;; rest += len + (rest[len] == '.')) {
        config_kind k = config_kind_of(n);
        if (k == CONFIG_KIND_SCALAR && !*rest) return pl->replace = n, 0;
        if (k == CONFIG_KIND_SCALAR)
            return error_set(err, "%s: '%.*s' is a value, not a map", p->label,
                             (int)(rest - p->path - 1), p->path);
        if (!*rest)
            return error_set(err, "%s: '%s' is %s; --set and sweeps set values only", p->label,
                             p->path, config_kind_name(k));
        const config_node *child = step(n, rest, &len);
        if (child) {
            n = child;
            continue;
        }
        if (k == CONFIG_KIND_SEQ) return seq_error(n, rest, p->label, err);
        if (strlen(rest) >= PATCH_REST_MAX) return error_set(err, "%s: path too long", p->label);
        pl->parent = n;
        snprintf(pl->rest, sizeof pl->rest, "%s", rest);
        return 0;
    }
}

int scenario_patch_resolve(const config_node *root, const scenario_patch *p, vs_error *err)
{
    plan *pl = malloc(sizeof *pl);
    if (!pl) return error_set(err, "out of memory");
    int rc = resolve(root, p, pl, err);
    free(pl);
    return rc;
}

/* ---- writing --------------------------------------------------------------------------------- */

static void mark(emitter *e, const config_node *node, int patch)
{
    scenario_patch_map *m = e->m;
    origin *o = grow_reserve(m->o, m->n + 1, &m->cap, sizeof *o, 256);
    if (!o) {
        e->failed = true;
        return;
    }
    m->o = o;
    m->o[m->n++] = (origin){e->line, e->col, node, patch};
}

/* Writes s (n bytes) and advances the column by its characters. */
static void put(emitter *e, const char *s, size_t n)
{
    fwrite(s, 1, n, e->f);
    for (size_t i = 0; i < n; i++) e->col += ((unsigned char)s[i] & 0xC0) != 0x80;
}

static void puts_(emitter *e, const char *s)
{
    put(e, s, strlen(s));
}

static void newline(emitter *e, int depth)
{
    fputc('\n', e->f);
    e->line++, e->col = 1;
    for (int i = 0; i <= depth; i++) put(e, " ", 1);
}

/* A double-quoted scalar of s[0..n). */
static void quoted(emitter *e, const char *s, size_t n)
{
    put(e, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        if (c == '"' || c == '\\')
            snprintf(esc, sizeof esc, "\\%c", c);
        else if (c < 0x20 || c == 0x7f)
            snprintf(esc, sizeof esc, "\\x%02x", c);
        else {
            put(e, s + i, 1);
            continue;
        }
        puts_(e, esc);
    }
    put(e, "\"", 1);
}

static int replacing(const emitter *e, const config_node *n)
{
    for (size_t i = e->n; i-- > 0;)
        if (e->plans[i].replace == n) return (int)i;
    return -1;
}

static void emit_node(emitter *e, const config_node *n, int depth);

/* The keys that plans under one map add, merged by their first key ("run.seed" and
 * "run.duration" share a new `run`). idx: the plans, each with its rest from offset off. */
static void emit_added(emitter *e, size_t *idx, size_t *off, size_t k, int depth, bool *first)
{
    for (size_t i = 0; i < k; i++) {
        const char *r = e->plans[idx[i]].rest + off[i];
        size_t seg = strcspn(r, "."), leaf = SIZE_MAX, nsub = 0;
        if (off[i] == SIZE_MAX) continue;
        size_t *sub = malloc(k * sizeof *sub), *suboff = malloc(k * sizeof *suboff);
        if (!sub || !suboff) {
            free(sub), free(suboff), e->failed = true;
            return;
        }
        for (size_t j = i; j < k; j++) {
            const char *rj = off[j] == SIZE_MAX ? "" : e->plans[idx[j]].rest + off[j];
            if (off[j] == SIZE_MAX || strncmp(rj, r, seg) || (rj[seg] && rj[seg] != '.')) continue;
            if (rj[seg])
                sub[nsub] = idx[j], suboff[nsub++] = off[j] + seg + 1;
            else
                leaf = idx[j];
            off[j] = SIZE_MAX;
        }
        if (leaf != SIZE_MAX && nsub)
            error_set(e->err, "%s: conflicts with %s", e->p[leaf].label, e->p[sub[0]].label);
        if (!*first) put(e, ",", 1);
        *first = false;
        newline(e, depth);
        mark(e, NULL, (int)(leaf != SIZE_MAX ? leaf : sub[0]));
        quoted(e, r, seg);
        puts_(e, ": ");
        if (leaf != SIZE_MAX) {
            mark(e, NULL, (int)leaf);
            quoted(e, e->p[leaf].value, strlen(e->p[leaf].value));
        } else {
            bool f = true;
            mark(e, NULL, (int)sub[0]);
            put(e, "{", 1);
            emit_added(e, sub, suboff, nsub, depth + 1, &f);
            put(e, "}", 1);
        }
        free(sub), free(suboff);
    }
}

static void emit_additions(emitter *e, const config_node *map, int depth, bool *first)
{
    size_t k = 0, *idx = malloc((e->n ? e->n : 1) * sizeof *idx);
    size_t *off = malloc((e->n ? e->n : 1) * sizeof *off);
    if (!idx || !off) {
        free(idx), free(off), e->failed = true;
        return;
    }
    for (size_t i = 0; i < e->n; i++)
        if (e->plans[i].parent == map) idx[k] = i, off[k++] = 0;
    if (k) emit_added(e, idx, off, k, depth, first);
    free(idx), free(off);
}

static void emit_map(emitter *e, const config_node *n, int depth)
{
    bool first = true;
    put(e, "{", 1);
    for (size_t i = 0; i < config_len(n); i++) {
        const char *key = config_scalar(config_key_at(n, i));
        if (!first) put(e, ",", 1);
        first = false;
        newline(e, depth + 1);
        mark(e, config_key_at(n, i), -1);
        quoted(e, key, strlen(key));
        puts_(e, ": ");
        emit_node(e, config_at(n, i), depth + 1);
    }
    emit_additions(e, n, depth + 1, &first);
    put(e, "}", 1);
}

static void emit_node(emitter *e, const config_node *n, int depth)
{
    int r;
    switch (config_kind_of(n)) {
    case CONFIG_KIND_SCALAR:
        if ((r = replacing(e, n)) >= 0) {
            mark(e, NULL, r);
            quoted(e, e->p[r].value, strlen(e->p[r].value));
        } else {
            mark(e, n, -1);
            if (config_is_null(n))
                puts_(e, "null");
            else
                quoted(e, config_scalar(n), strlen(config_scalar(n)));
        }
        return;
    case CONFIG_KIND_MAP:
        mark(e, n, -1);
        emit_map(e, n, depth);
        return;
    case CONFIG_KIND_SEQ:
        mark(e, n, -1);
        put(e, "[", 1);
        for (size_t i = 0; i < config_len(n); i++) {
            if (i) put(e, ",", 1);
            newline(e, depth + 1);
            emit_node(e, config_at(n, i), depth + 1);
        }
        put(e, "]", 1);
        return;
    }
}

/* ---- loading --------------------------------------------------------------------------------- */

/* The text of root with the plans applied, in *text (malloc'd). Returns 0 or -1 with err set. */
static int write_text(emitter *e, const config_node *root, char **text, size_t *len)
{
    e->f = open_memstream(text, len);
    if (!e->f) return error_set(e->err, "out of memory");
    e->line = e->col = 1;
    emit_node(e, root, 0);
    fputc('\n', e->f);
    if (fclose(e->f) != 0 || e->failed) {
        free(*text);
        return error_set(e->err, "out of memory");
    }
    if (e->err->msg[0]) return free(*text), -1; /* a conflict */
    return 0;
}

int scenario_patch_load(const config_node *root, const char *name, const scenario_patch *p,
                        size_t n, scenario **out, scenario_patch_map **mapp, vs_error *err)
{
    char *text = NULL;
    size_t len = 0;
    scenario_patch_map *m = calloc(1, sizeof *m);
    plan *plans = calloc(n ? n : 1, sizeof *plans);
    emitter e = {.m = m, .p = p, .plans = plans, .n = n, .err = err};
    *out = NULL, *mapp = NULL;
    err->msg[0] = 0;
    if (!m || !plans || !(m->name = strdup(name))) {
        error_set(err, "out of memory");
        goto fail;
    }
    m->p = p;
    for (size_t i = 0; i < n; i++)
        if (resolve(root, &p[i], &plans[i], err)) goto fail;
    if (write_text(&e, root, &text, &len)) goto fail;
    int rc = scenario_load_buffer(text, len, name, out, err);
    free(text);
    if (rc) {
        scenario_patch_translate(m, err);
        goto fail;
    }
    free(plans);
    *mapp = m;
    return 0;
fail:
    free(plans);
    scenario_patch_map_free(m);
    return -1;
}

/* ---- messages -------------------------------------------------------------------------------- */

/* The origin nearest (line, col): exact, else the last one before it on the line, else the
 * first of the line; NULL if the line has none. */
static const origin *find_origin(const scenario_patch_map *m, int line, int col)
{
    const origin *best = NULL;
    for (size_t i = 0; i < m->n; i++) {
        const origin *o = &m->o[i];
        if (o->line != line) continue;
        if (!best || o->col <= col) best = o;
        if (o->col == col) return o;
    }
    return best;
}

/* Appends the translation of "name:L:C" at s (its length in *used) to out. */
static bool translate_at(const scenario_patch_map *m, const char *s, size_t *used, char *out,
                         size_t n)
{
    size_t nl = strlen(m->name);
    int line, col, k = 0;
    if (strncmp(s, m->name, nl) != 0 || sscanf(s + nl, ":%d:%d%n", &line, &col, &k) != 2 || !k)
        return false;
    const origin *o = find_origin(m, line, col);
    if (!o) return false;
    size_t at = strlen(out);
    if (o->node)
        snprintf(out + at, n - at, "%s:%d:%d", config_file(o->node), config_line(o->node),
                 config_col(o->node));
    else
        snprintf(out + at, n - at, "%s", m->p[o->patch].label);
    *used = nl + (size_t)k;
    return true;
}

void scenario_patch_translate(const scenario_patch_map *m, vs_error *err)
{
    char out[VS_ERROR_MSG_MAX] = "";
    if (!m) return;
    for (const char *s = err->msg; *s;) {
        size_t used, at = strlen(out);
        if (translate_at(m, s, &used, out, sizeof out)) {
            s += used;
            continue;
        }
        if (at + 1 < sizeof out) out[at] = *s, out[at + 1] = 0;
        s++;
    }
    memcpy(err->msg, out, sizeof out);
}

void scenario_patch_map_free(scenario_patch_map *m)
{
    if (!m) return;
    free(m->name);
    free(m->o);
    free(m);
}
