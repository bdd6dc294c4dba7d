/* Memory on cache lines of its own. What one thread reads on every send (the group and lookahead
 * tables) or writes on every event (a partition's clock, its event list's counts) must share no
 * 64-byte line with what another thread writes, or each access pays a transfer between cores:
 * small blocks from malloc sit side by side. */
#ifndef VPCSIM_LINES_H
#define VPCSIM_LINES_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { LINE_BYTES = 64 };

/* n zeroed elements of size bytes, 64-byte aligned and padded to whole lines; NULL on overflow or
 * out of memory. Freed with free(). */
static inline void *lines_alloc(size_t n, size_t size)
{
    if (size && n > (SIZE_MAX - LINE_BYTES) / size) return NULL;
    size_t bytes = (n * size + LINE_BYTES - 1) / LINE_BYTES * LINE_BYTES;
    if (bytes == 0) bytes = LINE_BYTES;
    void *p = aligned_alloc(LINE_BYTES, bytes);
    if (p) memset(p, 0, bytes);
    return p;
}

#endif
