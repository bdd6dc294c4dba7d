/* Independent jobs on OpenMP threads (sim/engine/jobs.h): a dynamic schedule, one job at a time
 * per thread, because runs differ in length (architectures with more hops take longer). Jobs
 * are coarse (whole engine runs), so the schedule's overhead does not matter. */
#include "engine/jobs.h"

#include <omp.h>

size_t jobs_run(size_t n, int threads, engine_job_fn job, void *ctx)
{
    size_t failed = 0;
    long long count = (long long)n;
    int nth = threads < 1 ? 1 : threads;
    if ((long long)nth > count) nth = count > 0 ? (int)count : 1;
    if (nth == 1) { /* no parallel region: a job may split its own run across threads */
        for (size_t i = 0; i < n; i++) failed += job(ctx, i) != 0;
        return failed;
    }
#pragma omp parallel for schedule(dynamic, 1) num_threads(nth) reduction(+ : failed)
    for (long long i = 0; i < count; i++) failed += job(ctx, (size_t)i) != 0;
    return failed;
}
