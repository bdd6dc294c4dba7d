/* Internal: the layout of a random stream, so the engine can embed one per LP (no allocation).
 * A stream is GSL's gsl_rng over our own gsl_rng_type (xoshiro256**, 32 bytes of state). */
#ifndef VPCSIM_RNG_IMPL_H
#define VPCSIM_RNG_IMPL_H

#include <gsl/gsl_rng.h>

#include "vpcsim/rng.h"

struct rng_stream {
    gsl_rng gsl;   /* type + state pointer (points at s) */
    uint64_t s[4]; /* xoshiro256** state, never all zero */
};

/* The gsl_rng_type of xoshiro256** (Blackman & Vigna 2018); `get` returns the top 32 bits. */
extern const gsl_rng_type *const rng_xoshiro256ss;

/* Initialises an embedded stream from (seed, name). */
void rng_init(rng_stream *r, uint64_t seed, const char *name);

/* splitmix64 step (Steele, Lea & Flood 2014): the seeding expander. */
uint64_t rng_splitmix64(uint64_t *x);

#endif
