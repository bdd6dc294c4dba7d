/* The registry of event-list implementations. */
#include "engine/evq.h"

#include <string.h>

static const evq_type *const all_types[] = {&evq_ladder_type, &evq_heap_type, NULL};
static const char *const all_names[] = {"ladder", "heap", NULL};

const evq_type *evq_type_find(const char *name)
{
    if (!name) return all_types[0];
    for (int i = 0; all_types[i]; i++)
        if (strcmp(all_types[i]->name, name) == 0) return all_types[i];
    return NULL;
}

const char *const *evq_type_names(void)
{
    return all_names;
}

void evq_dead_push(evq *q, const vs_event *ev)
{
    (void)q, (void)ev;
}

bool evq_dead_pop_before(evq *q, vs_time limit, vs_event *out, uint32_t *next_dst)
{
    (void)q, (void)limit, (void)out, (void)next_dst;
    return false;
}

vs_time evq_dead_min_time(evq *q)
{
    (void)q;
    return VS_TIME_LIMIT;
}

bool evq_dead_check(const evq *q)
{
    (void)q;
    return true;
}
