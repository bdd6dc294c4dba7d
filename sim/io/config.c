/* The configuration tree (see include/vpcsim/config.h): libyaml events turned into immutable
 * nodes in one arena, then typed getters and strict key checks over it. Workload: scenario files
 * of a few hundred lines read once at start; hostile input must fail cleanly, never blow up. */
#include "vpcsim/config.h"
#include "vpcsim/infile.h"

#include "vpcsim/arena.h"
#include "vpcsim/rng.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "vpcsim/units.h"
#include "vpcsim/grow.h"

enum {
    KEY_SHOWN = 40,              /* characters of a key shown in a path or message */
    KEY_BUF = 4 * KEY_SHOWN + 8, /* room for a key cut to KEY_SHOWN UTF-8 characters */
    QUOTED_BUF = 320,            /* room for units_format_quoted(s, 60, ...) */
    PATH_BUF = 256,              /* room for a config_path in a message */
    LIST_BUF = 512               /* room for a list of allowed keys or choices */
};

/* ---- the tree ------------------------------------------------------------------------------ */

struct config_doc {
    vs_arena *arena;         /* every node and string of the document */
    const config_node *root; /* the top node */
};

/* Invariants: a map has n keys (scalars, unique texts) and n values, order[] lists 0..n-1 sorted
 * by key text; a sequence has n items; a scalar has text and n == 0. weight and height count
 * aliased subtrees in full, so that walking the tree is bounded by the load-time limits. */
struct config_node {
    config_kind kind;          /* map, sequence or scalar */
    int line, col;             /* 1-based start position */
    int plain;                 /* scalar: written without quotes */
    int height;                /* levels below this node */
    size_t weight;             /* nodes in the expanded subtree, this one included */
    const char *file;          /* display name of the source */
    const config_node *parent; /* the map or sequence it was written in; NULL for the root */
    const config_node *key;    /* map value: its key node; NULL otherwise */
    size_t index;              /* sequence item or map key: its index in the parent */
    const char *text;          /* scalar: NUL-terminated value; NULL otherwise */
    size_t n;                  /* map entries or sequence items */
    const config_node **items; /* sequence items, or map values */
    const config_node **keys;  /* map keys, document order */
    const size_t *order;       /* map entry indices sorted by key text */
};

void config_free(config_doc *doc)
{
    if (!doc) return;
    arena_free(doc->arena);
    free(doc);
}

/* A key as shown in paths and messages: at most KEY_SHOWN characters, control bytes as '?'. */
static char *show_key(const char *key, char *buf, size_t n)
{
    size_t pos = 0, chars = 0;
    for (; *key && pos + 4 < n; key++) {
        unsigned char c = (unsigned char)*key;
        if ((c & 0xc0) != 0x80 && chars++ == KEY_SHOWN) {
            snprintf(buf + pos, n - pos, "...");
            return buf;
        }
        buf[pos++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
    }
    buf[pos] = '\0';
    return buf;
}

/* ---- loading: state and errors --------------------------------------------------------------- */

typedef struct anchor_entry {
    const char *name;        /* NULL for an empty slot */
    const config_node *node; /* the node it names (the latest definition) */
} anchor_entry;

typedef struct loader {
    yaml_parser_t parser;  /* libyaml's event parser over data */
    config_doc *doc;       /* the document being built */
    const char *file;      /* display name, in the arena */
    const char *data;      /* the input, to place reader errors */
    size_t len;            /* bytes in data */
    anchor_entry *anchors; /* open addressing, linear probing; cap is 0 or a power of two */
    size_t nanchors, cap;  /* anchors defined, slots in the table */
    size_t literal;        /* nodes created so far */
    vs_error *err;         /* where the first error goes */
} loader;

/* Where a node goes: in which container, under which key, at which index. */
typedef struct slot {
    const config_node *parent; /* NULL for the root */
    const config_node *key;    /* for a map value, its key node */
    size_t index;              /* for a sequence item or map key, its index */
} slot;

static int clamp_int(size_t v)
{
    return v >= INT_MAX ? INT_MAX : (int)v;
}

static int error_at_mark(const loader *ld, yaml_mark_t mark, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int error_at_mark(const loader *ld, yaml_mark_t mark, const char *fmt, ...)
{
    char msg[VS_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return error_set(ld->err, "%s:%d:%d: %s", ld->file, clamp_int(mark.line + 1),
                     clamp_int(mark.column + 1), msg);
}

static int out_of_memory(const loader *ld)
{
    return error_set(ld->err, "%s: out of memory while loading", ld->file);
}

/* The mark of byte offset in the input (libyaml gives reader errors as offsets). */
static yaml_mark_t mark_of_offset(const loader *ld, size_t offset)
{
    yaml_mark_t m = {offset, 0, 0};
    for (size_t i = 0; i < offset && i < ld->len; i++) {
        if (ld->data[i] == '\n') {
            m.line++;
            m.column = 0;
        } else if ((ld->data[i] & 0xc0) != 0x80) {
            m.column++;
        }
    }
    return m;
}

/* Turns the parser's error into `file:line:col: problem (context at line L, column C)`. */
static int syntax_error(const loader *ld)
{
    const yaml_parser_t *p = &ld->parser;
    const char *problem = p->problem ? p->problem : "invalid YAML";
    if (p->error == YAML_MEMORY_ERROR) return out_of_memory(ld);
    if (p->error == YAML_READER_ERROR) {
        if (p->problem_value == -1)
            return error_at_mark(ld, mark_of_offset(ld, p->problem_offset), "%s", problem);
        return error_at_mark(ld, mark_of_offset(ld, p->problem_offset), "%s (byte 0x%02x)", problem,
                             (unsigned)p->problem_value);
    }
    if (!p->context) return error_at_mark(ld, p->problem_mark, "%s", problem);
    return error_at_mark(ld, p->problem_mark, "%s (%s at line %d, column %d)", problem, p->context,
                         clamp_int(p->context_mark.line + 1),
                         clamp_int(p->context_mark.column + 1));
}

static int next_event(loader *ld, yaml_event_t *ev)
{
    return yaml_parser_parse(&ld->parser, ev) ? 0 : syntax_error(ld);
}

/* ---- loading: anchors ------------------------------------------------------------------------ */

static size_t hash_name(const char *s)
{
    return (size_t)rng_name_hash(s);
}

/* The slot holding name, or the empty slot where it would go; needs cap > nanchors. */
static anchor_entry *anchor_slot(anchor_entry *table, size_t cap, const char *name)
{
    size_t i = hash_name(name) & (cap - 1);
    while (table[i].name && strcmp(table[i].name, name) != 0) i = (i + 1) & (cap - 1);
    return &table[i];
}

static int anchor_grow(loader *ld)
{
    size_t cap = ld->cap ? ld->cap * 2 : 16;
    anchor_entry *table = calloc(cap, sizeof *table);
    if (!table) return out_of_memory(ld);
    for (size_t i = 0; i < ld->cap; i++)
        if (ld->anchors[i].name) *anchor_slot(table, cap, ld->anchors[i].name) = ld->anchors[i];
    free(ld->anchors);
    ld->anchors = table;
    ld->cap = cap;
    return 0;
}

/* Names node; a later definition of the same name replaces the earlier one (YAML rule). */
static int anchor_put(loader *ld, const char *name, const config_node *node)
{
    anchor_entry *a;
    if ((ld->nanchors + 1) * 2 > ld->cap && anchor_grow(ld)) return -1;
    a = anchor_slot(ld->anchors, ld->cap, name);
    if (!a->name) {
        if (!(a->name = arena_strndup(ld->doc->arena, name, strlen(name))))
            return out_of_memory(ld);
        ld->nanchors++;
    }
    a->node = node;
    return 0;
}

static const config_node *anchor_get(const loader *ld, const char *name)
{
    return ld->cap ? anchor_slot(ld->anchors, ld->cap, name)->node : NULL;
}

/* ---- loading: nodes -------------------------------------------------------------------------- */

typedef struct node_vec {
    const config_node **items; /* malloc'd while a container is being read */
    size_t n, cap;             /* items used, and allocated */
} node_vec;

static int vec_push(const loader *ld, node_vec *v, const config_node *node)
{
    const config_node **items = grow_reserve(v->items, v->n + 1, &v->cap, sizeof *items, 8);
    if (!items) return out_of_memory(ld);
    v->items = items;
    v->items[v->n++] = node;
    return 0;
}

/* Moves the vector's items into the arena (NULL when empty) and frees the vector. */
static int vec_to_arena(const loader *ld, node_vec *v, const config_node ***out)
{
    *out = NULL;
    if (v->n && (*out = arena_alloc(ld->doc->arena, 1, v->n * sizeof **out)))
        memcpy(*out, v->items, v->n * sizeof **out);
    free(v->items);
    v->items = NULL;
    return v->n && !*out ? out_of_memory(ld) : 0;
}

static config_node *new_node(loader *ld, config_kind kind, yaml_mark_t start, slot at)
{
    if (ld->literal >= CONFIG_MAX_NODES) { /* a node costs ~150 B: memory stays bounded */
        error_at_mark(ld, start, "more than %d nodes (values, keys, lists and maps) in one file",
                      CONFIG_MAX_NODES);
        return NULL;
    }
    config_node *n = arena_alloc(ld->doc->arena, 1, sizeof *n);
    if (!n) {
        out_of_memory(ld);
        return NULL;
    }
    memset(n, 0, sizeof *n);
    n->kind = kind;
    n->line = clamp_int(start.line + 1);
    n->col = clamp_int(start.column + 1);
    n->weight = 1;
    n->file = ld->file;
    n->parent = at.parent;
    n->key = at.key;
    n->index = at.index;
    ld->literal++;
    return n;
}

/* Counts child into parent's weight and height; fails on an alias bomb. */
static int add_weight(const loader *ld, config_node *parent, const config_node *child)
{
    parent->weight += child->weight; /* both <= literal + limit: no overflow */
    if (child->height + 1 > parent->height) parent->height = child->height + 1;
    if (parent->weight - 1 > ld->literal + CONFIG_MAX_ALIAS_NODES)
        return error_set(ld->err, "%s:%d:%d: aliases expand to more than %d extra nodes", ld->file,
                         parent->line, parent->col, CONFIG_MAX_ALIAS_NODES);
    return 0;
}

/* Rejects tags; registers the anchor, if any, for the finished node. */
static int finish_node(loader *ld, const yaml_event_t *ev, const config_node *node)
{
    const yaml_char_t *anchor = NULL, *tag = NULL;
    char quoted[QUOTED_BUF];
    if (ev->type == YAML_SCALAR_EVENT) {
        anchor = ev->data.scalar.anchor;
        tag = ev->data.scalar.tag;
    } else if (ev->type == YAML_SEQUENCE_START_EVENT) {
        anchor = ev->data.sequence_start.anchor;
        tag = ev->data.sequence_start.tag;
    } else if (ev->type == YAML_MAPPING_START_EVENT) {
        anchor = ev->data.mapping_start.anchor;
        tag = ev->data.mapping_start.tag;
    }
    if (tag)
        return error_at_mark(ld, ev->start_mark, "tags are not supported, got %s",
                             units_format_quoted((const char *)tag, 60, quoted, sizeof quoted));
    return anchor ? anchor_put(ld, (const char *)anchor, node) : 0;
}

static int build_node(loader *ld, const yaml_event_t *ev, slot at, int depth,
                      const config_node **out);

/* The first control character of s[0..len) (C0 but tab and line break, DEL, C1 as UTF-8), or
 * -1: names reach terminals and reports, where ESC sequences would act (issue 10). */
static int control_char(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) return c;
        if (c == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] >= 0x80 &&
            (unsigned char)s[i + 1] <= 0x9f)
            return (unsigned char)s[i + 1];
    }
    return -1;
}

static int build_scalar(loader *ld, const yaml_event_t *ev, slot at, const config_node **out)
{
    const char *value = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    config_node *n;
    int ctl;
    if (memchr(value, '\0', len))
        return error_at_mark(ld, ev->start_mark, "NUL characters are not allowed in values");
    if ((ctl = control_char(value, len)) >= 0)
        return error_at_mark(ld, ev->start_mark,
                             "control character U+%04X in a value: names and values must be "
                             "printable text (tabs and line breaks aside)",
                             (unsigned)ctl);
    if (!(n = new_node(ld, CONFIG_KIND_SCALAR, ev->start_mark, at))) return -1;
    if (!(n->text = arena_strndup(ld->doc->arena, value, len))) return out_of_memory(ld);
    n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    *out = n;
    return finish_node(ld, ev, n);
}

static int resolve_alias(const loader *ld, const yaml_event_t *ev, int depth,
                         const config_node **out)
{
    const char *name = (const char *)ev->data.alias.anchor;
    const config_node *n = anchor_get(ld, name);
    char quoted[QUOTED_BUF];
    units_format_quoted(name, 60, quoted, sizeof quoted);
    if (!n) return error_at_mark(ld, ev->start_mark, "undefined alias %s", quoted);
    if (depth + n->height > CONFIG_MAX_DEPTH)
        return error_at_mark(ld, ev->start_mark, "nesting deeper than %d levels through alias %s",
                             CONFIG_MAX_DEPTH, quoted);
    *out = n;
    return 0;
}

static int build_seq(loader *ld, const yaml_event_t *start, slot at, int depth,
                     const config_node **out)
{
    config_node *n = new_node(ld, CONFIG_KIND_SEQ, start->start_mark, at);
    node_vec items = {NULL, 0, 0};
    yaml_event_t ev;
    int rc = 0;
    if (!n) return -1;
    while (rc == 0 && (rc = next_event(ld, &ev)) == 0) {
        const config_node *child = NULL;
        if (ev.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&ev);
            break;
        }
        rc = build_node(ld, &ev, (slot){n, NULL, items.n}, depth + 1, &child);
        yaml_event_delete(&ev);
        if (rc == 0) rc = add_weight(ld, n, child);
        if (rc == 0) rc = vec_push(ld, &items, child);
    }
    n->n = items.n;
    if (vec_to_arena(ld, &items, &n->items) || rc) return -1;
    *out = n;
    return finish_node(ld, start, n);
}

/* Builds the key of the next map entry from ev: a non-empty scalar, written or aliased. */
static int build_key(loader *ld, const yaml_event_t *ev, slot at, int depth,
                     const config_node **out)
{
    const config_node *key = NULL;
    if (ev->type == YAML_SEQUENCE_START_EVENT || ev->type == YAML_MAPPING_START_EVENT)
        return error_at_mark(ld, ev->start_mark, "keys must be scalars, got %s",
                             ev->type == YAML_MAPPING_START_EVENT ? "a map" : "a sequence");
    if (build_node(ld, ev, at, depth, &key)) return -1;
    if (key->kind != CONFIG_KIND_SCALAR)
        return error_at_mark(ld, ev->start_mark, "keys must be scalars, got an alias to %s",
                             config_kind_name(key->kind));
    if (!key->text[0]) return error_at_mark(ld, ev->start_mark, "empty key");
    *out = key;
    return 0;
}

/* Reads one `key: value` entry (ev holds the key's event) into keys and values. */
static int build_entry(loader *ld, config_node *map, const yaml_event_t *ev, int depth,
                       node_vec *keys, node_vec *values)
{
    const config_node *key = NULL, *value = NULL;
    yaml_event_t vev;
    int rc;
    if (build_key(ld, ev, (slot){map, NULL, keys->n}, depth + 1, &key) || add_weight(ld, map, key))
        return -1;
    if (next_event(ld, &vev)) return -1;
    rc = build_node(ld, &vev, (slot){map, key, keys->n}, depth + 1, &value);
    yaml_event_delete(&vev);
    if (rc || add_weight(ld, map, value) || vec_push(ld, keys, key)) return -1;
    return vec_push(ld, values, value);
}

typedef struct key_ref {
    const char *text; /* the key */
    size_t index;     /* its entry in the map */
} key_ref;

static int compare_key_refs(const void *a, const void *b)
{
    const key_ref *x = a, *y = b;
    int c = strcmp(x->text, y->text);
    return c ? c : (x->index > y->index) - (x->index < y->index);
}

/* Fills map->order (keys sorted) and fails on the duplicate that comes first in the file. */
static int index_keys(loader *ld, config_node *map)
{
    key_ref *refs;
    size_t *order, dup = SIZE_MAX, first = 0;
    char shown[KEY_BUF];
    if (map->n == 0) return 0;
    refs = malloc(map->n * sizeof *refs);
    order = arena_alloc(ld->doc->arena, 1, map->n * sizeof *order);
    if (!refs || !order) {
        free(refs);
        return out_of_memory(ld);
    }
    for (size_t i = 0; i < map->n; i++) refs[i] = (key_ref){map->keys[i]->text, i};
    qsort(refs, map->n, sizeof *refs, compare_key_refs);
    for (size_t i = 0; i < map->n; i++) {
        order[i] = refs[i].index;
        if (i && strcmp(refs[i].text, refs[i - 1].text) == 0 && refs[i].index < dup) {
            dup = refs[i].index;
            first = refs[i - 1].index;
        }
    }
    free(refs);
    map->order = order;
    if (dup == SIZE_MAX) return 0;
    return config_error_at(map->keys[dup], ld->err,
                           "duplicate key '%s' (first at line %d, column %d)",
                           show_key(map->keys[dup]->text, shown, sizeof shown),
                           map->keys[first]->line, map->keys[first]->col);
}

static int build_map(loader *ld, const yaml_event_t *start, slot at, int depth,
                     const config_node **out)
{
    config_node *n = new_node(ld, CONFIG_KIND_MAP, start->start_mark, at);
    node_vec keys = {NULL, 0, 0}, values = {NULL, 0, 0};
    yaml_event_t ev;
    int rc = 0;
    if (!n) return -1;
    while (rc == 0 && (rc = next_event(ld, &ev)) == 0) {
        if (ev.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&ev);
            break;
        }
        rc = build_entry(ld, n, &ev, depth, &keys, &values);
        yaml_event_delete(&ev);
    }
    n->n = keys.n;
    rc |= vec_to_arena(ld, &keys, &n->keys);
    rc |= vec_to_arena(ld, &values, &n->items);
    if (rc || index_keys(ld, n)) return -1;
    *out = n;
    return finish_node(ld, start, n);
}

static int build_node(loader *ld, const yaml_event_t *ev, slot at, int depth,
                      const config_node **out)
{
    if (depth > CONFIG_MAX_DEPTH)
        return error_at_mark(ld, ev->start_mark, "nesting deeper than %d levels", CONFIG_MAX_DEPTH);
    switch (ev->type) {
    case YAML_ALIAS_EVENT:
        return resolve_alias(ld, ev, depth, out);
    case YAML_SCALAR_EVENT:
        return build_scalar(ld, ev, at, out);
    case YAML_SEQUENCE_START_EVENT:
        return build_seq(ld, ev, at, depth, out);
    case YAML_MAPPING_START_EVENT:
        return build_map(ld, ev, at, depth, out);
    default:
        return error_at_mark(ld, ev->start_mark, "unexpected YAML event %d", (int)ev->type);
    }
}

/* ---- loading: the stream --------------------------------------------------------------------- */

/* Reads the next event and checks that it has the given type. */
static int expect_event(loader *ld, yaml_event_type_t type, yaml_event_t *ev)
{
    yaml_mark_t mark;
    int got;
    if (next_event(ld, ev)) return -1;
    if (ev->type == type) return 0;
    mark = ev->start_mark;
    got = (int)ev->type;
    yaml_event_delete(ev);
    return error_at_mark(ld, mark, "unexpected YAML event %d", got);
}

/* An empty stream (only comments, or nothing) is one null scalar at 1:1. */
static int load_empty(loader *ld)
{
    const yaml_mark_t start = {0, 0, 0};
    config_node *n = new_node(ld, CONFIG_KIND_SCALAR, start, (slot){NULL, NULL, 0});
    if (!n || !(n->text = arena_strndup(ld->doc->arena, "", 0))) return -1;
    n->plain = 1;
    ld->doc->root = n;
    return 0;
}

static int load_document(loader *ld)
{
    yaml_event_t ev;
    int rc;
    if (next_event(ld, &ev)) return -1;
    rc = build_node(ld, &ev, (slot){NULL, NULL, 0}, 0, &ld->doc->root);
    yaml_event_delete(&ev);
    if (rc || expect_event(ld, YAML_DOCUMENT_END_EVENT, &ev)) return -1;
    yaml_event_delete(&ev);
    if (next_event(ld, &ev)) return -1;
    rc = 0;
    if (ev.type != YAML_STREAM_END_EVENT)
        rc = error_at_mark(ld, ev.start_mark, "a second YAML document; a scenario file holds one");
    yaml_event_delete(&ev);
    return rc;
}

static int load_stream(loader *ld)
{
    yaml_event_t ev;
    yaml_event_type_t type;
    if (expect_event(ld, YAML_STREAM_START_EVENT, &ev)) return -1;
    yaml_event_delete(&ev);
    if (next_event(ld, &ev)) return -1;
    type = ev.type;
    yaml_event_delete(&ev);
    if (type == YAML_STREAM_END_EVENT) return load_empty(ld);
    return load_document(ld); /* the event was a DOCUMENT-START */
}

config_doc *config_load_buffer(const char *data, size_t len, const char *name, vs_error *err)
{
    loader ld;
    int rc = -1;
    memset(&ld, 0, sizeof ld);
    ld.err = err;
    ld.data = data ? data : "";
    ld.len = data ? len : 0;
    ld.file = name ? name : "<buffer>";
    if (!(ld.doc = calloc(1, sizeof *ld.doc)) || !(ld.doc->arena = arena_new()) ||
        !(ld.file = arena_strndup(ld.doc->arena, ld.file, strlen(ld.file)))) {
        error_set(err, "%s: out of memory while loading", name ? name : "<buffer>");
        config_free(ld.doc);
        return NULL;
    }
    if (yaml_parser_initialize(&ld.parser)) {
        yaml_parser_set_input_string(&ld.parser, (const unsigned char *)ld.data, ld.len);
        yaml_parser_set_encoding(&ld.parser, YAML_UTF8_ENCODING);
        rc = load_stream(&ld);
        yaml_parser_delete(&ld.parser);
    } else {
        out_of_memory(&ld);
    }
    free(ld.anchors);
    if (rc == 0) return ld.doc;
    config_free(ld.doc);
    return NULL;
}

/* Doubles *buf (up to CONFIG_MAX_FILE_BYTES + 1 bytes, which marks a file too large). */
static int grow_buffer(const char *path, char **buf, size_t *cap, vs_error *err)
{
    const size_t limit = (size_t)CONFIG_MAX_FILE_BYTES + 1;
    size_t bigger = *cap ? *cap * 2 : 4096;
    char *p;
    if (*cap == limit)
        return error_set(err, "%s: larger than %d MiB, too large for a scenario file", path,
                         CONFIG_MAX_FILE_BYTES >> 20);
    if (!(p = realloc(*buf, bigger < limit ? bigger : limit)))
        return error_set(err, "%s: out of memory while reading", path);
    *buf = p;
    *cap = bigger < limit ? bigger : limit;
    return 0;
}

/* Reads the whole file into a malloc'd buffer; returns NULL with err set on failure. "-" is
 * standard input, named "<stdin>" in messages: the one input that need not be a regular file. */
char *config_read_file(const char *path, size_t *len, vs_error *err)
{
    bool in = strcmp(path, "-") == 0;
    /* a regular file only: a FIFO cannot hang the load */
    FILE *f = in ? stdin : infile_open(path, err);
    char *buf = NULL;
    size_t cap = 0;
    int rc = 0;
    if (!f) return NULL;
    *len = 0;
    while (rc == 0 && !feof(f) && !ferror(f)) {
        if (*len == cap && (rc = grow_buffer(in ? "<stdin>" : path, &buf, &cap, err))) break;
        *len += fread(buf + *len, 1, cap - *len, f);
    }
    if (rc == 0 && ferror(f))
        rc = error_set(err, "%s: cannot read: %s", in ? "<stdin>" : path, strerror(errno));
    if (!in) fclose(f);
    if (rc == 0) return buf;
    free(buf);
    return NULL;
}

config_doc *config_load_file(const char *path, vs_error *err)
{
    size_t len = 0;
    char *data = config_read_file(path, &len, err);
    config_doc *doc;
    if (!data) return NULL;
    doc = config_load_buffer(data, len, strcmp(path, "-") == 0 ? "<stdin>" : path, err);
    free(data);
    return doc;
}

/* ---- reading nodes -----------------------------------------------------------------------------
 */

const config_node *config_root(const config_doc *doc)
{
    return doc ? doc->root : NULL;
}
config_kind config_kind_of(const config_node *node)
{
    return node->kind;
}
const char *config_file(const config_node *node)
{
    return node->file;
}
int config_line(const config_node *node)
{
    return node->line;
}
int config_col(const config_node *node)
{
    return node->col;
}
size_t config_len(const config_node *node)
{
    return node ? node->n : 0;
}
const char *config_scalar(const config_node *node)
{
    return node ? node->text : NULL;
}

const char *config_kind_name(config_kind kind)
{
    switch (kind) {
    case CONFIG_KIND_MAP:
        return "a map";
    case CONFIG_KIND_SEQ:
        return "a sequence";
    default:
        return "a scalar";
    }
}

const config_node *config_at(const config_node *node, size_t i)
{
    return node && i < node->n ? node->items[i] : NULL;
}

const config_node *config_key_at(const config_node *map, size_t i)
{
    return map && map->kind == CONFIG_KIND_MAP && i < map->n ? map->keys[i] : NULL;
}

const config_node *config_find(const config_node *map, const char *key)
{
    size_t lo = 0, hi;
    if (!map || map->kind != CONFIG_KIND_MAP || !key) return NULL;
    hi = map->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(key, map->keys[map->order[mid]]->text);
        if (c == 0) return map->items[map->order[mid]];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

int config_is_null(const config_node *node)
{
    const char *t = node && node->kind == CONFIG_KIND_SCALAR && node->plain ? node->text : NULL;
    return t && (!t[0] || strcmp(t, "~") == 0 || strcmp(t, "null") == 0);
}

char *config_path(const config_node *node, char *buf, size_t n)
{
    const config_node *chain[CONFIG_MAX_DEPTH + 2];
    size_t depth = 0, pos = 0;
    char key[KEY_BUF];
    buf[0] = '\0';
    for (; node && node->parent && depth < sizeof chain / sizeof chain[0]; node = node->parent)
        chain[depth++] = node;
    while (depth-- > 0 && pos + 1 < n) {
        const config_node *c = chain[depth];
        int w;
        if (c->parent->kind == CONFIG_KIND_SEQ)
            w = snprintf(buf + pos, n - pos, "[%zu]", c->index);
        else
            w = snprintf(buf + pos, n - pos, "%s%s", pos ? "." : "",
                         show_key((c->key ? c->key : c)->text, key, sizeof key));
        pos += (size_t)w < n - pos ? (size_t)w : n - pos - 1;
    }
    return buf;
}

int config_error_at(const config_node *node, vs_error *err, const char *fmt, ...)
{
    char msg[VS_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!node) return error_set(err, "%s", msg);
    return error_set(err, "%s:%d:%d: %s", node->file, node->line, node->col, msg);
}

/* ---- typed getters --------------------------------------------------------------------------- */

/* What a getter wants: the type, plus a range or the choices where the type has them. */
typedef struct value_spec {
    config_type type;           /* what to convert to */
    int64_t imin, imax;         /* CONFIG_TYPE_INT */
    double dmin, dmax;          /* CONFIG_TYPE_DOUBLE */
    const char *const *choices; /* CONFIG_TYPE_ENUM, NULL-terminated */
} value_spec;

static const char *const type_names[] = {"duration",    "size",    "bit rate", "rate", "money",
                                         "probability", "integer", "number",   "bool", "string",
                                         "enum",        "map",     "sequence"};

/* What each type reads as after "expected " (CONFIG_TYPE_ENUM lists its choices instead). */
static const char *const type_wanted[] = {
    "a duration",         "a size",     "a bit rate", "a rate",        "an amount of money",
    "a probability",      "an integer", "a number",   "true or false", "a string",
    "one of the choices", "a map",      "a sequence"};

const char *config_type_name(config_type type)
{
    return (unsigned)type < sizeof type_names / sizeof type_names[0] ? type_names[type] : "?";
}

/* The NULL-terminated list joined by ", ", cut to n bytes. */
static char *join_list(const char *const *list, char *buf, size_t n)
{
    size_t pos = 0;
    buf[0] = '\0';
    for (size_t i = 0; list && list[i] && pos + 1 < n; i++) {
        int w = snprintf(buf + pos, n - pos, "%s%s", i ? ", " : "", list[i]);
        pos += (size_t)w < n - pos ? (size_t)w : n - pos - 1;
    }
    return buf;
}

static const char *wanted_number(const value_spec *sp, char *buf, size_t n)
{
    if (sp->type == CONFIG_TYPE_INT && (sp->imin > INT64_MIN || sp->imax < INT64_MAX))
        snprintf(buf, n, "an integer from %lld to %lld", (long long)sp->imin, (long long)sp->imax);
    else if (sp->type == CONFIG_TYPE_INT)
        snprintf(buf, n, "an integer");
    else if (isfinite(sp->dmin) && isfinite(sp->dmax))
        snprintf(buf, n, "a number from %g to %g", sp->dmin, sp->dmax);
    else if (isfinite(sp->dmin) || isfinite(sp->dmax))
        snprintf(buf, n, "a number %s %g",
                 isfinite(sp->dmin) ? ">=" : "<=", isfinite(sp->dmin) ? sp->dmin : sp->dmax);
    else
        snprintf(buf, n, "a number");
    return buf;
}

/* What the spec wants, to follow "expected ". */
static const char *wanted(const value_spec *sp, char *buf, size_t n)
{
    char list[LIST_BUF];
    if (sp->type == CONFIG_TYPE_ENUM) {
        snprintf(buf, n, "one of %s", join_list(sp->choices, list, sizeof list));
        return buf;
    }
    if (sp->type == CONFIG_TYPE_INT || sp->type == CONFIG_TYPE_DOUBLE)
        return wanted_number(sp, buf, n);
    return (unsigned)sp->type < sizeof type_wanted / sizeof type_wanted[0] ? type_wanted[sp->type]
                                                                           : "?";
}

/* "expected <wanted>, got "<s>"" into err. */
static int fail_wanted(const value_spec *sp, const char *s, vs_error *err)
{
    char w[LIST_BUF + 16], q[QUOTED_BUF];
    if (!s[0]) return error_set(err, "expected %s, got an empty value", wanted(sp, w, sizeof w));
    return error_set(err, "expected %s, got %s", wanted(sp, w, sizeof w),
                     units_format_quoted(s, 60, q, sizeof q));
}

static int convert_int(const value_spec *sp, const char *s, int64_t *out)
{
    int64_t v;
    if (units_parse_int(s, &v, NULL) || v < sp->imin || v > sp->imax) return -1;
    *out = v;
    return 0;
}

static int convert_double(const value_spec *sp, const char *s, double *out)
{
    double v;
    if (units_parse_double(s, &v, NULL) || !(v >= sp->dmin && v <= sp->dmax)) return -1;
    *out = v;
    return 0;
}

static int convert_enum(const value_spec *sp, const char *s, int *out)
{
    for (int i = 0; sp->choices && sp->choices[i]; i++) {
        if (strcmp(sp->choices[i], s) == 0) {
            *out = i;
            return 0;
        }
    }
    return -1;
}

static int convert_bool(const char *s, int *out)
{
    if (strcmp(s, "true") != 0 && strcmp(s, "false") != 0) return -1;
    *out = s[0] == 't';
    return 0;
}

/* Text s as the spec's type into out (whose type matches); returns 0, or -1 with err set. */
static int convert(const value_spec *sp, const char *s, void *out, vs_error *err)
{
    switch (sp->type) {
    case CONFIG_TYPE_DURATION:
        return units_parse_duration(s, out, err);
    case CONFIG_TYPE_SIZE:
        return units_parse_size(s, out, err);
    case CONFIG_TYPE_BITRATE:
        return units_parse_bitrate(s, out, err);
    case CONFIG_TYPE_RATE:
        return units_parse_rate(s, out, err);
    case CONFIG_TYPE_MONEY:
        return units_parse_money(s, out, err);
    case CONFIG_TYPE_PROBABILITY:
        return units_parse_probability(s, out, err);
    case CONFIG_TYPE_INT:
        return convert_int(sp, s, out) ? fail_wanted(sp, s, err) : 0;
    case CONFIG_TYPE_DOUBLE:
        return convert_double(sp, s, out) ? fail_wanted(sp, s, err) : 0;
    case CONFIG_TYPE_BOOL:
        return convert_bool(s, out) ? fail_wanted(sp, s, err) : 0;
    case CONFIG_TYPE_ENUM:
        return convert_enum(sp, s, out) ? fail_wanted(sp, s, err) : 0;
    case CONFIG_TYPE_STRING:
        *(const char **)out = s;
        return 0;
    default:
        return error_set(err, "internal error: %s is not a scalar type",
                         config_type_name(sp->type));
    }
}

/* node (a map value under key, or a sequence item when key is NULL) as the spec's type. */
static int node_value(const config_node *node, const char *key, const value_spec *sp, void *out,
                      vs_error *err)
{
    vs_error why;
    char w[LIST_BUF + 16], q[QUOTED_BUF];
    if (!node) return error_set(err, "internal error: no node to read");
    if (node->kind != CONFIG_KIND_SCALAR)
        error_set(&why, "expected %s, got %s", wanted(sp, w, sizeof w),
                  config_kind_name(node->kind));
    else if (sp->type == CONFIG_TYPE_STRING && config_is_null(node) && !node->text[0])
        error_set(&why, "expected a string, got an empty value");
    else if (sp->type == CONFIG_TYPE_STRING && config_is_null(node))
        error_set(&why, "expected a string, got %s, which YAML reads as null (quote it)",
                  units_format_quoted(node->text, 60, q, sizeof q));
    else if (convert(sp, node->text, out, &why) == 0)
        return 0;
    if (!key) return config_error_at(node, err, "%s", why.msg);
    return config_error_at(node, err, "key '%s': %s", key, why.msg);
}

/* Fails unless map is a map or NULL (an absent optional section). */
static int check_map(const config_node *map, vs_error *err)
{
    if (!map || map->kind == CONFIG_KIND_MAP) return 0;
    return config_error_at(map, err, "expected a map, got %s", config_kind_name(map->kind));
}

/* `missing required key 'cidr' in vpcs[0] (name 'prod')`, at the map. */
static int missing_key(const config_node *map, const char *key, vs_error *err)
{
    char path[PATH_BUF], name[KEY_BUF], named[sizeof name + 16] = "";
    const char *name_text = config_scalar(config_find(map, "name"));
    if (!map) return error_set(err, "missing required key '%s'", key);
    config_path(map, path, sizeof path);
    if (name_text && name_text[0] && path[0])
        snprintf(named, sizeof named, " (name '%s')", show_key(name_text, name, sizeof name));
    return config_error_at(map, err, "missing required key '%s' %s%s%s", key,
                           path[0] ? "in " : "at the top level", path, named);
}

/* The value of key in map as the spec's type, the default when absent. */
static int map_value(const config_node *map, const char *key, const char *dflt,
                     const value_spec *sp, void *out, vs_error *err)
{
    const config_node *v;
    vs_error why;
    if (check_map(map, err)) return -1;
    if ((v = config_find(map, key))) return node_value(v, key, sp, out, err);
    if (!dflt) return missing_key(map, key, err);
    if (convert(sp, dflt, out, &why) == 0) return 0;
    return config_error_at(map, err, "internal error: default \"%s\" of key '%s': %s", dflt, key,
                           why.msg);
}

int config_get_duration(const config_node *map, const char *key, const char *dflt, int64_t *out_ns,
                        vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_DURATION};
    return map_value(map, key, dflt, &sp, out_ns, err);
}

int config_get_size(const config_node *map, const char *key, const char *dflt, int64_t *out_bytes,
                    vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_SIZE};
    return map_value(map, key, dflt, &sp, out_bytes, err);
}

int config_get_bitrate(const config_node *map, const char *key, const char *dflt, double *out_bps,
                       vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_BITRATE};
    return map_value(map, key, dflt, &sp, out_bps, err);
}

int config_get_rate(const config_node *map, const char *key, const char *dflt, double *out_per_s,
                    vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_RATE};
    return map_value(map, key, dflt, &sp, out_per_s, err);
}

int config_get_money(const config_node *map, const char *key, const char *dflt, double *out_dollars,
                     vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_MONEY};
    return map_value(map, key, dflt, &sp, out_dollars, err);
}

int config_get_probability(const config_node *map, const char *key, const char *dflt, double *out_p,
                           vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_PROBABILITY};
    return map_value(map, key, dflt, &sp, out_p, err);
}

int config_get_int(const config_node *map, const char *key, const char *dflt, int64_t min,
                   int64_t max, int64_t *out, vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_INT, .imin = min, .imax = max};
    return map_value(map, key, dflt, &sp, out, err);
}

int config_get_double(const config_node *map, const char *key, const char *dflt, double min,
                      double max, double *out, vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_DOUBLE, .dmin = min, .dmax = max};
    return map_value(map, key, dflt, &sp, out, err);
}

int config_get_bool(const config_node *map, const char *key, const char *dflt, int *out,
                    vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_BOOL};
    return map_value(map, key, dflt, &sp, out, err);
}

int config_get_string(const config_node *map, const char *key, const char *dflt, const char **out,
                      vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_STRING};
    return map_value(map, key, dflt, &sp, out, err);
}

int config_get_enum(const config_node *map, const char *key, const char *dflt,
                    const char *const *choices, int *out_index, vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_ENUM, .choices = choices};
    return map_value(map, key, dflt, &sp, out_index, err);
}

static int get_child(const config_node *map, const char *key, int required, config_kind kind,
                     const config_node **out, vs_error *err)
{
    const config_node *v;
    if (check_map(map, err)) return -1;
    if (!(v = config_find(map, key))) {
        if (required) return missing_key(map, key, err);
        *out = NULL;
        return 0;
    }
    if (v->kind == kind) {
        *out = v;
        return 0;
    }
    if (v->kind != CONFIG_KIND_SCALAR)
        return config_error_at(v, err, "key '%s': expected %s, got %s", key, config_kind_name(kind),
                               config_kind_name(v->kind));
    return config_error_at(v, err, "key '%s': expected %s, got %s", key, config_kind_name(kind),
                           v->text[0] ? "a scalar" : "an empty value");
}

int config_get_map(const config_node *map, const char *key, int required, const config_node **out,
                   vs_error *err)
{
    return get_child(map, key, required, CONFIG_KIND_MAP, out, err);
}

int config_get_seq(const config_node *map, const char *key, int required, const config_node **out,
                   vs_error *err)
{
    return get_child(map, key, required, CONFIG_KIND_SEQ, out, err);
}

int config_as_duration(const config_node *node, int64_t *out_ns, vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_DURATION};
    return node_value(node, NULL, &sp, out_ns, err);
}

int config_as_size(const config_node *node, int64_t *out_bytes, vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_SIZE};
    return node_value(node, NULL, &sp, out_bytes, err);
}

int config_as_bitrate(const config_node *node, double *out_bps, vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_BITRATE};
    return node_value(node, NULL, &sp, out_bps, err);
}

int config_as_rate(const config_node *node, double *out_per_s, vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_RATE};
    return node_value(node, NULL, &sp, out_per_s, err);
}

int config_as_money(const config_node *node, double *out_dollars, vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_MONEY};
    return node_value(node, NULL, &sp, out_dollars, err);
}

int config_as_probability(const config_node *node, double *out_p, vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_PROBABILITY};
    return node_value(node, NULL, &sp, out_p, err);
}

int config_as_int(const config_node *node, int64_t min, int64_t max, int64_t *out, vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_INT, .imin = min, .imax = max};
    return node_value(node, NULL, &sp, out, err);
}

int config_as_double(const config_node *node, double min, double max, double *out, vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_DOUBLE, .dmin = min, .dmax = max};
    return node_value(node, NULL, &sp, out, err);
}

int config_as_bool(const config_node *node, int *out, vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_BOOL};
    return node_value(node, NULL, &sp, out, err);
}

int config_as_string(const config_node *node, const char **out, vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_STRING};
    return node_value(node, NULL, &sp, out, err);
}

int config_as_enum(const config_node *node, const char *const *choices, int *out_index,
                   vs_error *err)
{
    const value_spec sp = {.type = CONFIG_TYPE_ENUM, .choices = choices};
    return node_value(node, NULL, &sp, out_index, err);
}

/* ---- strict keys ------------------------------------------------------------------------------
 */

enum { EDIT_MAX_LEN = 63 }; /* keys longer than this get no suggestion */

static int min3(int a, int b, int c)
{
    return a < b ? (a < c ? a : c) : (b < c ? b : c);
}

/* Edit distance (insert, delete, substitute, swap two neighbours) between a and b, capped at 3;
 * 3 too when either is longer than EDIT_MAX_LEN. Rows are fixed arrays: no allocation. */
static int edit_distance(const char *a, const char *b)
{
    int rows[3][EDIT_MAX_LEN + 1]; /* row i lives in rows[i % 3] */
    size_t la = strnlen(a, EDIT_MAX_LEN + 1), lb = strnlen(b, EDIT_MAX_LEN + 1);
    if (la > EDIT_MAX_LEN || lb > EDIT_MAX_LEN || la > lb + 2 || lb > la + 2) return 3;
    for (size_t j = 0; j <= lb; j++) rows[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int *c = rows[i % 3], *p = rows[(i + 2) % 3], *pp = rows[(i + 1) % 3];
        c[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            c[j] = min3(p[j] + 1, c[j - 1] + 1, p[j - 1] + (a[i - 1] != b[j - 1]));
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                pp[j - 2] + 1 < c[j])
                c[j] = pp[j - 2] + 1;
        }
    }
    return rows[la % 3][lb] < 3 ? rows[la % 3][lb] : 3;
}

const char *config_suggest(const char *word, const char *const *choices, size_t n)
{
    const char *best = NULL;
    int best_d = 3;
    for (size_t i = 0; i < n; i++) {
        int d = edit_distance(word, choices[i]);
        if (d < best_d) {
            best_d = d;
            best = choices[i];
        }
    }
    return best;
}

/* The allowed key nearest to key, if within 2 edits (the first such on ties), else NULL. */
static const char *closest_key(const char *key, const char *const *allowed)
{
    size_t n = 0;
    while (allowed[n]) n++;
    return config_suggest(key, allowed, n);
}

/* Whether key could be a key of some vpcsim file: a name of letters, digits and _ - . /
 * (what a typo of a real key looks like). Anything else is content of a file that is not one. */
static bool key_like(const char *key)
{
    size_t n = 0;
    for (; key[n]; n++)
        if (!isalnum((unsigned char)key[n]) && !strchr("_-./", key[n])) return false;
    return n > 0;
}

/* `unknown key 'cdir' in vpcs[0]; did you mean 'cidr'? (allowed: name, cidr)`, at the key. */
static int unknown_key(const config_node *map, const config_node *key, const char *const *allowed,
                       vs_error *err)
{
    char shown[KEY_BUF], path[PATH_BUF], list[LIST_BUF], hint[64 + EDIT_MAX_LEN] = "";
    const char *near = closest_key(key->text, allowed);
    if (near) snprintf(hint, sizeof hint, "; did you mean '%s'?", near);
    config_path(map, path, sizeof path);
    if (!key_like(key->text)) /* another kind of file (a password file...): never echo it */
        return config_error_at(key, err,
                               "unknown key %s%s, not a name (is %s the right file?) "
                               "(allowed: %s)",
                               path[0] ? "in " : "at the top level", path, config_file(key),
                               allowed[0] ? join_list(allowed, list, sizeof list) : "none");
    return config_error_at(key, err, "unknown key '%s' %s%s%s (allowed: %s)",
                           show_key(key->text, shown, sizeof shown),
                           path[0] ? "in " : "at the top level", path, hint,
                           allowed[0] ? join_list(allowed, list, sizeof list) : "none");
}

static int is_listed(const char *key, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(list[i], key) == 0) return 1;
    return 0;
}

int config_check_keys(const config_node *map, const char *const *allowed, vs_error *err)
{
    if (check_map(map, err)) return -1;
    for (size_t i = 0; map && i < map->n; i++)
        if (!is_listed(map->keys[i]->text, allowed))
            return unknown_key(map, map->keys[i], allowed, err);
    return 0;
}

int config_check_keydefs(const config_node *map, const config_keydef *defs, vs_error *err)
{
    size_t n = 0;
    const char **names;
    int rc;
    while (defs[n].name) n++;
    if (!(names = malloc((n + 1) * sizeof *names)))
        return error_set(err, "out of memory while checking keys");
    for (size_t i = 0; i <= n; i++) names[i] = defs[i].name;
    rc = config_check_keys(map, names, err);
    free(names);
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (!defs[i].dflt && !config_find(map, defs[i].name))
            rc = missing_key(map, defs[i].name, err);
    return rc;
}
