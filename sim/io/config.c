/* The configuration tree (see include/vpcsim/config.h), loading: libyaml events turned into
 * immutable nodes in one arena (the reading side is sim/io/config_read.c). Workload: scenario
 * files of a few hundred lines read once at start; hostile input must fail cleanly, never blow
 * up. */
#include "io/config_impl.h"
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

void config_free(config_doc *doc)
{
    if (!doc) return;
    arena_free(doc->arena);
    free(doc);
}

char *config_show_key(const char *key, char *buf, size_t n)
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
                           config_show_key(map->keys[dup]->text, shown, sizeof shown),
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
