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
