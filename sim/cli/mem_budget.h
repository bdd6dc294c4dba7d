/* A memory budget for `vpcsim run`: what a plan would keep, checked before it runs. */
#ifndef VPCSIM_MEM_BUDGET_H
#define VPCSIM_MEM_BUDGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vpcsim/error.h"

typedef struct run_inputs run_inputs;

/* Half of the physical memory, or UINT64_MAX when the system does not say. */
uint64_t mem_budget_default(void);
/* 0 when the runs of pts[0..npoints) would keep at most limit bytes of results; else -1 with
 * err naming the keys (given: the limit came from --memory-limit). */
int mem_budget_check(const run_inputs *pts, size_t npoints, uint64_t limit, bool given,
                     vs_error *err);

#endif
