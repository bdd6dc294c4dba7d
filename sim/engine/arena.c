/* Bump allocator (see include/vpcsim/arena.h): the configuration tree and the scenario loader
 * allocate every node, string and array from one, and free it in one call. */
#include "vpcsim/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { ARENA_BLOCK = 64 * 1024 }; /* bytes per block; a request over a quarter gets its own */

typedef struct arena_block {
    struct arena_block *next; /* older blocks */
    size_t used, cap;         /* bytes of data in use, and available */
    max_align_t data[];       /* the memory handed out */
} arena_block;

struct vs_arena {
    arena_block *blocks; /* current block first */
};

vs_arena *arena_new(void)
{
    return calloc(1, sizeof(vs_arena));
}

void arena_free(vs_arena *a)
{
    if (!a) return;
    while (a->blocks) {
        arena_block *next = a->blocks->next;
        free(a->blocks);
        a->blocks = next;
    }
    free(a);
}

/* A new block for need bytes: a large one goes behind the current block, which stays current. */
static arena_block *add_block(vs_arena *a, size_t need)
{
    int large = need > ARENA_BLOCK / 4;
    size_t cap = large ? need : ARENA_BLOCK;
    arena_block *nb = malloc(sizeof *nb + cap);
    if (!nb) return NULL;
    nb->used = 0;
    nb->cap = cap;
    if (a->blocks && large) {
        nb->next = a->blocks->next;
        a->blocks->next = nb;
    } else {
        nb->next = a->blocks;
        a->blocks = nb;
    }
    return nb;
}

void *arena_alloc(vs_arena *a, size_t n, size_t size)
{
    const size_t align = sizeof(max_align_t);
    if (size && n > (SIZE_MAX / 4) / size) return NULL;
    size_t need = (n * size + align - 1) / align * align;
    if (need == 0) need = align;
    arena_block *b = a->blocks;
    if ((!b || b->cap - b->used < need) && !(b = add_block(a, need))) return NULL;
    b->used += need;
    return memset((char *)b->data + b->used - need, 0, need);
}

char *arena_strndup(vs_arena *a, const char *s, size_t len)
{
    char *copy = arena_alloc(a, 1, len + 1);
    if (copy) memcpy(copy, s, len);
    return copy;
}
