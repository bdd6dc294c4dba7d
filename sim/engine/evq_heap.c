/* The reference event list: a binary min-heap of events by value, ordered by (time, tie).
 * O(log n) per operation; simple enough to trust, used to check the faster lists. */
#include <stdlib.h>
#include <string.h>

#include "engine/evq.h"
#include "engine/lines.h"
#include "vpcsim/grow.h"

typedef struct heap {
    evq base;
    vs_event *a; /* a[0] is the least; a[(i-1)/2] <= a[i] */
    size_t n;    /* events held */
    size_t cap;  /* slots allocated */
} heap;

static const evq_type heap_failed_type;

static evq *heap_create(void)
{
    heap *h = lines_alloc(1, sizeof *h); /* two threads' lists are made one after the other */
    if (!h) return NULL;
    h->base.type = &evq_heap_type;
    return &h->base;
}

static void heap_destroy(evq *q)
{
    heap *h = (heap *)q;
    free(h->a);
    free(h);
}

/* Doubles the array; out of memory, the heap fails (evq_fail) and false is returned. */
static bool heap_grow(heap *h)
{
    vs_event *a = grow_reserve(h->a, h->n + 1, &h->cap, sizeof *a, 64);
    if (!a) {
        evq_fail(&h->base);
        return false;
    }
    h->a = a;
    return true;
}

static void heap_push(evq *q, const vs_event *ev)
{
    heap *h = (heap *)q;
    if (h->n == h->cap && !heap_grow(h)) return;
    size_t i = h->n++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!ev_before(ev, &h->a[p])) break;
        h->a[i] = h->a[p];
        i = p;
    }
    h->a[i] = *ev;
}

static void sift_down(heap *h, vs_event e)
{
    size_t i = 0, n = h->n;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && ev_before(&h->a[c + 1], &h->a[c])) c++;
        if (!ev_before(&h->a[c], &e)) break;
        h->a[i] = h->a[c];
        i = c;
    }
    h->a[i] = e;
}

static bool heap_pop_before(evq *q, vs_time limit, vs_event *out, uint32_t *next_dst)
{
    heap *h = (heap *)q;
    if (h->n == 0 || h->a[0].time >= limit) return false;
    *out = h->a[0];
    if (--h->n > 0) sift_down(h, h->a[h->n]);
    *next_dst = h->n ? h->a[0].dst : UINT32_MAX;
    return true;
}

static vs_time heap_min_time(evq *q)
{
    heap *h = (heap *)q;
    return h->n ? h->a[0].time : VS_TIME_LIMIT;
}

static size_t heap_size(const evq *q)
{
    return ((const heap *)q)->n;
}

static bool heap_check(const evq *q)
{
    const heap *h = (const heap *)q;
    for (size_t i = 1; i < h->n; i++)
        if (ev_before(&h->a[i], &h->a[(i - 1) / 2])) return false;
    return h->n <= h->cap;
}

const evq_type evq_heap_type = {
    .name = "heap",
    .create = heap_create,
    .destroy = heap_destroy,
    .push = heap_push,
    .pop_before = heap_pop_before,
    .min_time = heap_min_time,
    .size = heap_size,
    .check = heap_check,
    .failed = &heap_failed_type,
};

static const evq_type heap_failed_type = {
    .name = "heap",
    .create = heap_create,
    .destroy = heap_destroy,
    .push = evq_dead_push,
    .pop_before = evq_dead_pop_before,
    .min_time = evq_dead_min_time,
    .size = heap_size,
    .check = evq_dead_check,
};
