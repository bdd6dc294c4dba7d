/* The event list behind one interface: pending events ordered by (time, tie). Implementations:
 * "heap" (binary heap, the reference) and "ladder" (bucketed, the default). One list per
 * partition; one push and one pop per event, so the interface is a const table of functions. */
#ifndef VPCSIM_EVQ_H
#define VPCSIM_EVQ_H

#include <stdbool.h>
#include <stddef.h>

#include "vpcsim/engine.h"

typedef struct evq evq;

typedef struct evq_type {
    const char *name;
    evq *(*create)(void); /* NULL when out of memory */
    void (*destroy)(evq *q);
    void (*push)(evq *q, const vs_event *ev); /* ev->time in [now, VS_TIME_LIMIT) */
    /* Pops the least event into *out if its time < limit: returns true; else false. On true,
     * *next_dst is the destination of the event now least if the list knows it cheaply, else
     * UINT32_MAX: a hint for prefetching, never for correctness. */
    bool (*pop_before)(evq *q, vs_time limit, vs_event *out, uint32_t *next_dst);
    vs_time (*min_time)(evq *q); /* least pending time, or VS_TIME_LIMIT when empty */
    size_t (*size)(const evq *q);
    bool (*check)(const evq *q); /* whole-object invariant, for assert() and tests */
    /* The type a list takes when it cannot grow (evq_fail): same destroy and size, pushes
     * dropped, pops nothing, so a run ends at its next pop without a check per event. NULL in
     * such a failed type itself. */
    const struct evq_type *failed;
} evq_type;

/* Every list starts with its type, so one handle serves all. */
struct evq {
    const evq_type *type;
};

extern const evq_type evq_heap_type;
extern const evq_type evq_ladder_type;

/* The ladder's operations, called directly when a list is a ladder (the default: one push and
 * one pop per event, so the call through the table is worth skipping). */
void evq_ladder_push(evq *q, const vs_event *ev);
bool evq_ladder_pop_before(evq *q, vs_time limit, vs_event *out, uint32_t *next_dst);
vs_time evq_ladder_min_time(evq *q);

/* The type named `name` ("heap", "ladder"; NULL = the default), or NULL if unknown. */
const evq_type *evq_type_find(const char *name);
/* Names of all types, NULL-terminated, for messages. */
const char *const *evq_type_names(void);

static inline bool ev_before(const vs_event *a, const vs_event *b)
{
    return a->time < b->time || (a->time == b->time && a->tie < b->tie);
}

/* The operations of a failed list (every implementation's failed type uses them). */
void evq_dead_push(evq *q, const vs_event *ev);
bool evq_dead_pop_before(evq *q, vs_time limit, vs_event *out, uint32_t *next_dst);
vs_time evq_dead_min_time(evq *q);
bool evq_dead_check(const evq *q);

/* Marks q failed (out of memory): from now on it drops pushes and pops nothing. */
static inline void evq_fail(evq *q)
{
    if (q->type->failed) q->type = q->type->failed;
}
/* True once q has failed: the events it held or was given are lost. */
static inline bool evq_has_failed(const evq *q)
{
    return q->type->failed == NULL;
}

static inline evq *evq_new(const evq_type *t)
{
    return t->create();
}
static inline void evq_free(evq *q)
{
    if (q) q->type->destroy(q);
}
static inline void evq_push(evq *q, const vs_event *ev)
{
    if (q->type == &evq_ladder_type)
        evq_ladder_push(q, ev);
    else
        q->type->push(q, ev);
}
static inline bool evq_pop_before(evq *q, vs_time limit, vs_event *out, uint32_t *next_dst)
{
    if (q->type == &evq_ladder_type) return evq_ladder_pop_before(q, limit, out, next_dst);
    return q->type->pop_before(q, limit, out, next_dst);
}
static inline vs_time evq_min_time(evq *q)
{
    if (q->type == &evq_ladder_type) return evq_ladder_min_time(q);
    return q->type->min_time(q);
}
static inline size_t evq_size(const evq *q)
{
    return q->type->size(q);
}
static inline bool evq_check(const evq *q)
{
    return q->type->check(q);
}

#endif
