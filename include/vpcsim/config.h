/* The configuration tree read from a scenario file: maps (ordered keys), sequences and scalars
 * that remember file:line:col, typed getters that report `file:line:col: key 'k': expected ...`,
 * and strict key checking so that each reader declares the keys it accepts. */
#ifndef VPCSIM_CONFIG_H
#define VPCSIM_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "vpcsim/error.h"

enum {
    CONFIG_MAX_DEPTH = 64,            /* nesting levels, counting aliased nodes in full */
    CONFIG_MAX_ALIAS_NODES = 100000,  /* nodes that aliases may add to the expanded tree */
    CONFIG_MAX_FILE_BYTES = 64 << 20, /* largest scenario file config_load_file reads */
    /* Nodes written in one file (aliases aside): the tree costs ~150 bytes a node (a 10 MB list
     * of numbers was 1.7 M nodes, 0.3 GB), so this bounds the loader near 80 MB; scenarios,
     * price and parameter tables hold a few thousand. */
    CONFIG_MAX_NODES = 500000
};

typedef enum config_kind { CONFIG_KIND_MAP, CONFIG_KIND_SEQ, CONFIG_KIND_SCALAR } config_kind;

/* One node of the tree; immutable, owned by its config_doc, valid until config_free. An alias
 * (*name) is the anchored node itself, so it reports the anchor's position. */
typedef struct config_node config_node;
/* A loaded file: owns every node and string. */
typedef struct config_doc config_doc;

/* ---- loading ------------------------------------------------------------------------------ */

/* Loads one YAML document from path (at most CONFIG_MAX_FILE_BYTES; "-" is standard input, named
 * "<stdin>"). Returns the document, or NULL with `path:line:col: message` (or `path: cannot
 * read: ...`) in err. */
config_doc *config_load_file(const char *path, vs_error *err);
/* Reads the whole of path (at most CONFIG_MAX_FILE_BYTES; a regular file, or "-" for standard
 * input, named "<stdin>" in messages) into a malloc'd buffer of *len bytes, not NUL-terminated.
 * Returns it, or NULL with `path: ...` in err. */
char *config_read_file(const char *path, size_t *len, vs_error *err);
/* Loads one YAML document from data[0..len); name (e.g. "<stdin>", NULL for "<buffer>") is the
 * file name in positions. Returns the document, or NULL with `name:line:col: message` in err.
 * Rejected: syntax errors and invalid UTF-8, more than one document, duplicate keys, keys that
 * are not non-empty scalars, tags (`!foo`, `!!str`), NUL characters in values, undefined aliases,
 * nesting deeper than CONFIG_MAX_DEPTH, aliases adding more than CONFIG_MAX_ALIAS_NODES nodes.
 * An empty stream (nothing, or only comments) loads as one null scalar at 1:1. */
config_doc *config_load_buffer(const char *data, size_t len, const char *name, vs_error *err);
/* Frees the document and all its nodes; NULL is a no-op. */
void config_free(config_doc *doc);
/* The top node of the document (never NULL for a loaded document). */
const config_node *config_root(const config_doc *doc);

/* ---- reading nodes ------------------------------------------------------------------------ */

config_kind config_kind_of(const config_node *node);
/* "a map", "a sequence", "a scalar": for messages. */
const char *config_kind_name(config_kind kind);
const char *config_file(const config_node *node); /* display name of the source */
int config_line(const config_node *node);         /* 1-based line where the node starts */
int config_col(const config_node *node);          /* 1-based column (in characters) */
/* Entries of a map or items of a sequence; 0 for a scalar. */
size_t config_len(const config_node *node);
/* Item i of a sequence, or the value of entry i of a map (document order); NULL if out of range. */
const config_node *config_at(const config_node *node, size_t i);
/* The key node of entry i of a map (a scalar); NULL if out of range or not a map. */
const config_node *config_key_at(const config_node *map, size_t i);
/* The value stored under key in a map (binary search), or NULL if absent or node is no map. */
const config_node *config_find(const config_node *map, const char *key);
/* The text of a scalar (NUL-terminated, no NUL inside), or NULL for a map or sequence. */
const char *config_scalar(const config_node *node);
/* 1 for an unquoted empty, `~` or `null` scalar (YAML's null), else 0. */
int config_is_null(const config_node *node);
/* Where the node sits, for messages: "vpcs[1].subnets", "" for the top; keys longer than 40
 * characters are cut. Writes at most n bytes (n >= 1) and returns buf. */
char *config_path(const config_node *node, char *buf, size_t n);
/* Sets err to `file:line:col: <formatted message>` at node and returns -1: for readers' own
 * checks (`rate must be > 0`). */
int config_error_at(const config_node *node, vs_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- typed getters -------------------------------------------------------------------------
 * config_get_*(map, key, dflt, ..., out, err) reads key from map. dflt is the default written as
 * in a file ("250us"), used when the key is absent; NULL makes the key required. A NULL map reads
 * as an empty one (an optional section that is absent). Each returns 0 with *out set, or -1 with
 * *out unchanged and err set to one of
 *   file:line:col: key 'timeout': expected a duration such as 250us or 1.5ms, got "fast"
 *   file:line:col: missing required key 'cidr' in vpcs[0] (name 'prod')   (position of the map)
 *   file:line:col: expected a map, got a sequence                          (map is not a map)
 * config_as_*(node, ..., out, err) convert one scalar node (a sequence item) the same way, the
 * message reading `file:line:col: expected ...`. Values follow units.h. */

int config_get_duration(const config_node *map, const char *key, const char *dflt, int64_t *out_ns,
                        vs_error *err);
int config_get_size(const config_node *map, const char *key, const char *dflt, int64_t *out_bytes,
                    vs_error *err);
int config_get_bitrate(const config_node *map, const char *key, const char *dflt, double *out_bps,
                       vs_error *err);
int config_get_rate(const config_node *map, const char *key, const char *dflt, double *out_per_s,
                    vs_error *err);
int config_get_money(const config_node *map, const char *key, const char *dflt, double *out_dollars,
                     vs_error *err);
int config_get_probability(const config_node *map, const char *key, const char *dflt, double *out_p,
                           vs_error *err);
/* An integer in [min, max]. */
int config_get_int(const config_node *map, const char *key, const char *dflt, int64_t min,
                   int64_t max, int64_t *out, vs_error *err);
/* A finite number in [min, max]. */
int config_get_double(const config_node *map, const char *key, const char *dflt, double min,
                      double max, double *out, vs_error *err);
/* `true` or `false`, nothing else (no yes/no/on/off). */
int config_get_bool(const config_node *map, const char *key, const char *dflt, int *out,
                    vs_error *err);
/* Any scalar but null (quote it: name: "null"); *out points into the document. */
int config_get_string(const config_node *map, const char *key, const char *dflt, const char **out,
                      vs_error *err);
/* One of the NULL-terminated choices; *out_index is its index. The message lists the choices. */
int config_get_enum(const config_node *map, const char *key, const char *dflt,
                    const char *const *choices, int *out_index, vs_error *err);
/* A child map or sequence; when absent, fails if required, else sets *out = NULL and returns 0. */
int config_get_map(const config_node *map, const char *key, int required, const config_node **out,
                   vs_error *err);
int config_get_seq(const config_node *map, const char *key, int required, const config_node **out,
                   vs_error *err);

int config_as_duration(const config_node *node, int64_t *out_ns, vs_error *err);
int config_as_size(const config_node *node, int64_t *out_bytes, vs_error *err);
int config_as_bitrate(const config_node *node, double *out_bps, vs_error *err);
int config_as_rate(const config_node *node, double *out_per_s, vs_error *err);
int config_as_money(const config_node *node, double *out_dollars, vs_error *err);
int config_as_probability(const config_node *node, double *out_p, vs_error *err);
int config_as_int(const config_node *node, int64_t min, int64_t max, int64_t *out, vs_error *err);
int config_as_double(const config_node *node, double min, double max, double *out, vs_error *err);
int config_as_bool(const config_node *node, int *out, vs_error *err);
int config_as_string(const config_node *node, const char **out, vs_error *err);
int config_as_enum(const config_node *node, const char *const *choices, int *out_index,
                   vs_error *err);

/* ---- strict keys ---------------------------------------------------------------------------- */

/* Returns 0 if every key of map is in the NULL-terminated list allowed, else -1 with
 *   file:line:col: unknown key 'cdir' in vpcs[0]; did you mean 'cidr'? (allowed: name, cidr)
 * at the first unknown key (the suggestion when within 2 edits). A NULL map passes. */
int config_check_keys(const config_node *map, const char *const *allowed, vs_error *err);

typedef enum config_type {
    CONFIG_TYPE_DURATION,
    CONFIG_TYPE_SIZE,
    CONFIG_TYPE_BITRATE,
    CONFIG_TYPE_RATE,
    CONFIG_TYPE_MONEY,
    CONFIG_TYPE_PROBABILITY,
    CONFIG_TYPE_INT,
    CONFIG_TYPE_DOUBLE,
    CONFIG_TYPE_BOOL,
    CONFIG_TYPE_STRING,
    CONFIG_TYPE_ENUM,
    CONFIG_TYPE_MAP,
    CONFIG_TYPE_SEQ
} config_type;

/* One accepted key, as a reader declares it; a table of these (ended by {NULL}) is also the
 * source of the generated key reference. */
typedef struct config_keydef {
    const char *name;    /* the key as written in the file */
    config_type type;    /* what the value must be */
    const char *unit;    /* unit or range shown in the reference ("per second", "0..1"), or NULL */
    const char *dflt;    /* default as in a file; NULL = required; "" = optional, no default
                            (read such a key after config_find, not with a getter default) */
    const char *meaning; /* one line for the reference */
} config_keydef;

/* The choice nearest to word within 2 edits (insert, delete, substitute, swap two neighbours;
 * the first on ties), or NULL: the "did you mean" of every message. */
const char *config_suggest(const char *word, const char *const *choices, size_t n);

/* "duration", "size", ... "sequence": for the reference and messages. */
const char *config_type_name(config_type type);
/* config_check_keys against the names in defs, then every key whose dflt is NULL must be
 * present. Returns 0, or -1 with the first problem (unknown key, then missing key) in err. */
int config_check_keydefs(const config_node *map, const config_keydef *defs, vs_error *err);

#endif
