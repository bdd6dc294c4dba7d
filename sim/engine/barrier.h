/* A barrier for the engine's window threads that spins briefly, then yields its core for up to
 * a millisecond, then sleeps: a thread that arrives first does not burn a core another process
 * may need while its partner is late (on a shared machine the partner may not be running at
 * all), and a short wait, the common case, does not pay a wake-up (slow on a VM). */
#ifndef VPCSIM_BARRIER_H
#define VPCSIM_BARRIER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

typedef struct barrier {
    _Atomic uint32_t arrived;  /* threads at the barrier in this phase */
    _Atomic uint32_t phase;    /* bumped by the last to arrive */
    _Atomic uint32_t sleepers; /* threads that may be asleep on cv */
    uint32_t n;                /* threads that meet here */
    pthread_mutex_t lock;      /* guards the sleep */
    pthread_cond_t cv;         /* signalled when phase changes with sleepers */
} barrier;

/* Returns 0, or -1 (no resources). */
int barrier_init(barrier *b, uint32_t n);
void barrier_fini(barrier *b);
/* Returns when all n threads have called it; memory written before is visible after. */
void barrier_wait(barrier *b);

#endif
