/* The engine's spin-yield-sleep barrier (barrier.h). The last thread to arrive bumps the phase
 * and wakes sleepers only if there are any, so a barrier between busy threads costs two atomic
 * operations each; a waiter spins about BARRIER_SPINS pauses (some microseconds), then yields
 * its core for up to BARRIER_YIELD_NS, then sleeps. The yielding phase is there because a wake-up
 * is slow on a VM (100-250 us measured here from the release to the sleeper running, against
 * windows of a few hundred us): a waiter that slept starts the next window that late, so its
 * partner then waits long enough to sleep in turn, and every window pays a wake-up. A yield on an
 * idle core returns at once; on a busy one it hands the core to whoever else wants it.
 * The sleeper count and the phase are both sequentially consistent: a waiter counts itself then
 * reads the phase, the last arriver writes the phase then reads the count, so one of them always
 * sees the other (no lost wake-up). */
#include "engine/barrier.h"
#include "engine/clock.h"

#include <sched.h>

enum {
    BARRIER_SPINS = 500,        /* pauses (about 40 ns each here) before yielding */
    BARRIER_YIELD_NS = 1000000, /* yielding before sleeping: longer than a wake-up */
};

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

int barrier_init(barrier *b, uint32_t n)
{
    atomic_init(&b->arrived, 0);
    atomic_init(&b->phase, 0);
    atomic_init(&b->sleepers, 0);
    b->n = n;
    if (pthread_mutex_init(&b->lock, NULL)) return -1;
    if (pthread_cond_init(&b->cv, NULL)) {
        pthread_mutex_destroy(&b->lock);
        return -1;
    }
    return 0;
}

void barrier_fini(barrier *b)
{
    pthread_cond_destroy(&b->cv);
    pthread_mutex_destroy(&b->lock);
}

static void barrier_release(barrier *b, uint32_t phase)
{
    atomic_store(&b->arrived, 0);
    atomic_store(&b->phase, phase + 1);
    if (atomic_load(&b->sleepers) == 0) return;
    pthread_mutex_lock(&b->lock);
    pthread_cond_broadcast(&b->cv);
    pthread_mutex_unlock(&b->lock);
}

void barrier_wait(barrier *b)
{
    uint32_t phase = atomic_load(&b->phase);
    if (atomic_fetch_add(&b->arrived, 1) + 1 == b->n) {
        barrier_release(b, phase);
        return;
    }
    for (int i = 0; i < BARRIER_SPINS; i++) {
        if (atomic_load_explicit(&b->phase, memory_order_acquire) != phase) return;
        cpu_relax();
    }
    for (int64_t t0 = clock_mono_ns(); clock_mono_ns() - t0 < BARRIER_YIELD_NS;) {
        if (atomic_load_explicit(&b->phase, memory_order_acquire) != phase) return;
        sched_yield();
    }
    pthread_mutex_lock(&b->lock);
    atomic_fetch_add(&b->sleepers, 1);
    while (atomic_load(&b->phase) == phase) pthread_cond_wait(&b->cv, &b->lock);
    atomic_fetch_sub(&b->sleepers, 1);
    pthread_mutex_unlock(&b->lock);
}
