/* The one array-doubling rule of the project: growable arrays (tables, lists, per-LP job tables)
 * and power-of-two rings, doubled when full, so n appends allocate O(log n) times and never per
 * event. Header-only: used on hot paths. */
#ifndef VPCSIM_GROW_H
#define VPCSIM_GROW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Room for need items in the array v (*cap items of elem bytes): doubles *cap, from first when
 * 0, until it holds need. Returns the array, moved perhaps, with *cap updated; or NULL with v and
 * *cap unchanged (overflow, out of memory). For arrays counted in size_t (tables, lists). */
static inline void *grow_reserve(void *v, size_t need, size_t *cap, size_t elem, size_t first)
{
    if (need <= *cap) return v;
    size_t c = *cap ? *cap : first;
    while (c < need) {
        if (c > SIZE_MAX / 2) return NULL;
        c *= 2;
    }
    if (c > SIZE_MAX / elem) return NULL;
    void *p = realloc(v, c * elem);
    if (p) *cap = c;
    return p;
}

/* Doubles *v, an array of *cap items of elem bytes (first: the size of the first allocation,
 * a power of two). Returns 0, or -1 with the array unchanged (overflow, out of memory). The
 * uint32_t form of grow_reserve, for per-LP job tables. */
static inline int grow_double(void **v, uint32_t *cap, size_t elem, uint32_t first)
{
    size_t c = *cap;
    if (c > UINT32_MAX / 2) return -1;
    void *p = grow_reserve(*v, c + 1, &c, elem, first);
    if (!p) return -1;
    *v = p;
    *cap = (uint32_t)c;
    return 0;
}

/* Appends item to the ring *v (capacity *cap, a power of two; items [head, head + *len) modulo
 * *cap), doubling it and unwrapping the part before head when full. Returns 0, or -1 with the
 * ring unchanged. */
static inline int ring_push(void **v, uint32_t *cap, uint32_t head, uint32_t *len, const void *item,
                            size_t elem, uint32_t first)
{
    if (*len == *cap) {
        uint32_t old = *cap;
        if (grow_double(v, cap, elem, first)) return -1;
        memcpy((char *)*v + (size_t)old * elem, *v, (size_t)head * elem);
    }
    memcpy((char *)*v + (size_t)((head + (*len)++) & (*cap - 1)) * elem, item, elem);
    return 0;
}

/* Bytes appended one piece after another (what a rank packs for rank 0); oom is set by the first
 * append that could not grow, and later appends do nothing. */
typedef struct grow_bytes {
    char *v;
    size_t n, cap;
    bool oom;
} grow_bytes;

static inline void grow_bytes_put(grow_bytes *b, const void *x, size_t len)
{
    if (b->oom || len == 0) return;
    char *v = (char *)grow_reserve(b->v, b->n + len, &b->cap, 1, 4096);
    if (!v) {
        b->oom = true;
        return;
    }
    b->v = v;
    memcpy(b->v + b->n, x, len);
    b->n += len;
}

/* Reads back, in order, what grow_bytes_put wrote (rank 0 reading what a rank packed). A take
 * past the end zeroes what it was to fill and marks the reader bad; every later take does the
 * same, so a reader checks bad once, after its takes. */
typedef struct bytes_reader {
    const char *v;
    size_t n, at;
    bool bad;
} bytes_reader;

static inline void bytes_take(bytes_reader *r, void *x, size_t len)
{
    if (len == 0) return; /* x may be NULL (an empty array) */
    if (r->bad || len > r->n - r->at) {
        r->bad = true;
        memset(x, 0, len);
        return;
    }
    memcpy(x, r->v + r->at, len);
    r->at += len;
}

static inline uint64_t bytes_take_u64(bytes_reader *r)
{
    uint64_t x;
    bytes_take(r, &x, sizeof x);
    return x;
}

/* The next len bytes in a new array (malloc; free it), or NULL with the reader bad when they are
 * not there; NULL without marking it when memory ran out. */
static inline void *bytes_take_new(bytes_reader *r, size_t len)
{
    if (r->bad || len > r->n - r->at) {
        r->bad = true;
        return NULL;
    }
    void *v = malloc(len ? len : 1);
    if (v) bytes_take(r, v, len);
    return v;
}

#endif
