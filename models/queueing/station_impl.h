/* What the station LP kind (station.c) and the check of its parameters (station_check.c)
 * share. */
#ifndef VPCSIM_STATION_IMPL_H
#define VPCSIM_STATION_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "vpcsim/aws/station.h"

/* Limits queue_capacity so that c + capacity and array sizes fit in 32 bits; servers = this is
 * "many" (a FIFO station that never queues). */
#define STATION_MAX_CAPACITY ((int64_t)1 << 30)
/* Limits fault windows so that a departure's event type (its kind + the epoch) fits. */
#define STATION_MAX_FAULTS ((uint32_t)1 << 24)

/* Whether a station scales up (start_fraction in (0, 1); 0 and 1 mean at full capacity). */
static inline bool station_scales(const station_params *p)
{
    return p->start_fraction > 0 && p->start_fraction < 1;
}

#endif
