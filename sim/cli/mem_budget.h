/* A memory budget for `vpcsim run`: what a plan would keep, checked before it runs. */
#ifndef VPCSIM_MEM_BUDGET_H
#define VPCSIM_MEM_BUDGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vpcsim/error.h"

#include "vpcsim/aws/scenario.h"

/* Half of the physical memory, or UINT64_MAX when the system does not say. */
uint64_t mem_budget_default(void);
/* 0 when npoints sweep points of scenario s (file) x reps replications would keep at most limit
 * bytes of results; else -1 with err naming the keys (given: the limit is --memory-limit).
 * Called before the points are loaded: 10^4 of them once took 15 s and 2.8 GB to load. */
int mem_budget_check(const char *file, const scenario *s, size_t reps, size_t npoints,
                     uint64_t limit, bool given, vs_error *err);

#endif
