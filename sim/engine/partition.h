/* The partitioner: which partition each locality group runs in, and whether splitting a run
 * pays at all. Groups joined by short links (less lookahead than the chosen window) stay
 * together; the clusters left are packed by expected load; the cut with the best estimated gain
 * wins, and one partition when none wins by enough. Setup only (groups are tens). */
#ifndef VPCSIM_PARTITION_H
#define VPCSIM_PARTITION_H

#include <stdint.h>

#include "vpcsim/engine.h"

/* What the partitioner sees. */
typedef struct partition_input {
    uint32_t ngroups;    /* groups (some may hold no LP) */
    const uint64_t *lps; /* [ngroups] LPs in each group */
    const double *load;  /* [ngroups] expected events per simulated second, or NULL: no hints */
    const vs_time *la;   /* [ngroups x ngroups] least delay a -> b (a != b), > 0 */
    int threads;         /* at most this many partitions */
    vs_time run_ns;      /* simulated time the run covers */
    bool always;         /* split at the best cut even if it cannot pay */
} partition_input;

/* What it chose. group_part is the caller's [ngroups] array. */
typedef struct partition_plan {
    uint32_t *group_part;     /* [ngroups] partition of each group */
    int nparts;               /* partitions (1: one thread) */
    vs_time window_ns;        /* least lookahead across partitions (VS_TIME_LIMIT: none) */
    double events_per_window; /* expected events in one window, all partitions (0: no hints) */
    double gain;              /* estimated speed-up over one partition (1: none) */
    engine_split why;         /* the reason for the choice */
} partition_plan;

/* Fills plan from in. Deterministic: the same input gives the same plan. Returns 0, or -1 when
 * out of memory (plan then holds one partition). */
int partition_choose(const partition_input *in, partition_plan *plan);

/* Cost model (ns of one core): an event, and one window's barrier and deliveries. Used
 * both up front and for the density the run measures. */
#define PARTITION_EVENT_NS  150.0
#define PARTITION_WINDOW_NS 6000.0
/* A split must promise this estimated gain over one thread, else the run stays on one. */
#define PARTITION_MIN_GAIN 1.2

#endif
