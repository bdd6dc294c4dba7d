/* A bump allocator for data that lives and dies together (a configuration document, a loaded
 * topology): many small allocations, one free. Blocks of 64 KiB; a large request gets a block of
 * its own. Not for anything freed piecemeal. */
#ifndef VPCSIM_ARENA_H
#define VPCSIM_ARENA_H

#include <stddef.h>

typedef struct vs_arena vs_arena;

vs_arena *arena_new(void);    /* NULL when out of memory */
void arena_free(vs_arena *a); /* frees everything allocated from a; NULL is a no-op */
/* n zeroed objects of size bytes, aligned for any type (n may be 0: a valid unique pointer).
 * NULL when n * size overflows or memory runs out. */
void *arena_alloc(vs_arena *a, size_t n, size_t size);
/* A NUL-terminated copy of s[0..len), or NULL when out of memory. */
char *arena_strndup(vs_arena *a, const char *s, size_t len);

#endif
