/* Internals of the configuration tree shared by sim/io/config.c (loading: libyaml events into
 * nodes) and sim/io/config_read.c (reading: node accessors, typed getters, strict keys): the node
 * and document layouts and the way keys are shown in messages. Not part of the public API. */
#ifndef VPCSIM_IO_CONFIG_IMPL_H
#define VPCSIM_IO_CONFIG_IMPL_H

#include <stddef.h>

#include "vpcsim/arena.h"
#include "vpcsim/config.h"

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

/* A key as shown in paths and messages: at most KEY_SHOWN characters, control bytes as '?'.
 * Returns buf. */
char *config_show_key(const char *key, char *buf, size_t n);

#endif
