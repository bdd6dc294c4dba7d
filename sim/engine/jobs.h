/* Independent runs (architectures x replications x sweep points) side by side: each job on one
 * OpenMP thread, the scheduler's threads left to one-partition runs. Next to the scheduler
 * because only these two files touch OpenMP. */
#ifndef VPCSIM_ENGINE_RUNS_H
#define VPCSIM_ENGINE_RUNS_H

#include <stddef.h>

/* A job: returns 0 on success. Jobs must not share mutable state (each writes its own slot). */
typedef int (*engine_job_fn)(void *ctx, size_t i);

/* Runs job(ctx, i) for every i in [0, n) on up to `threads` threads (>= 1), each job on one
 * thread, in an order that does not matter to the results. Returns how many jobs failed. */
size_t jobs_run(size_t n, int threads, engine_job_fn job, void *ctx);

#endif
