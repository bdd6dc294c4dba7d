/* exp(y) rounded to whole nanoseconds as (int64_t)(exp(y) + 0.5) gives it, without libm's exp in
 * the common case: lognormal samples (exp of a normal) are taken per request hop and only their
 * rounded value is used, so an estimate whose error bound proves the rounding is as good. */
#ifndef VPCSIM_EXP_ROUND_H
#define VPCSIM_EXP_ROUND_H

#include <stdbool.h>
#include <stdint.h>

/* Sets *out to (int64_t)(exp(y) + 0.5) and returns true when a fast estimate of exp(y) lies far
 * enough from a rounding boundary that libm's exp (within an ulp of the truth) rounds the same
 * way, and exp(y) < 2^44; else returns false (*out untouched): call exp. About one call in 10^9
 * returns false for samples of milliseconds (2^-47 x the sample in ns). */
bool exp_round(double y, int64_t *out);

#endif
