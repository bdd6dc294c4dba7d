/* Random streams: one small-state stream per LP, seeded from (scenario seed, stable name), and
 * the samplers models use (implemented over GSL's gsl_rng / gsl_ran_*). */
#ifndef VPCSIM_RNG_H
#define VPCSIM_RNG_H

#include <stdint.h>

typedef struct rng_stream rng_stream; /* opaque; owned by the engine (one per LP) or the caller */

/* A stand-alone stream (tests, tools). Returns NULL if out of memory. */
rng_stream *rng_new(uint64_t seed, const char *name);
void rng_free(rng_stream *r); /* NULL is a no-op */
/* Re-seeds r from (seed, name): same pair, same sequence; distinct names, distinct streams. */
void rng_seed(rng_stream *r, uint64_t seed, const char *name);

uint64_t rng_next_u64(rng_stream *r);                /* raw 64-bit output */
double rng_uniform(rng_stream *r);                   /* [0, 1) */
double rng_uniform_pos(rng_stream *r);               /* (0, 1) */
uint32_t rng_uniform_int(rng_stream *r, uint32_t n); /* [0, n), n >= 1 */
double rng_exponential(rng_stream *r, double mean);
double rng_gaussian(rng_stream *r, double sigma);
double rng_lognormal(rng_stream *r, double mu, double sigma);
double rng_gamma(rng_stream *r, double shape, double scale);
double rng_weibull(rng_stream *r, double scale, double shape);
double rng_pareto(rng_stream *r, double alpha, double scale);

/* 64-bit FNV-1a of a string: the stable name hash behind seeding (and name-keyed tables). */
uint64_t rng_name_hash(const char *name);

/* SplitMix64's increment (Steele, Lea & Flood 2014): 2^64 over the golden ratio, odd. */
#define RNG_GOLDEN_GAMMA 0x9e3779b97f4a7c15ULL

/* SplitMix64's output function: a bijection of 64-bit words in which every input bit reaches
 * every output bit. Inline: models hash per event with it (span sampling, PHOLD). */
static inline uint64_t rng_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Output i (from 0) of SplitMix64 started at seed: a counter-based hash of (seed, i). */
static inline uint64_t rng_mix64_nth(uint64_t seed, uint64_t i)
{
    return rng_mix64(seed + RNG_GOLDEN_GAMMA * (i + 1));
}

/* The top 53 bits of x as a double in [0, 1). */
static inline double rng_unit53(uint64_t x)
{
    return (double)(x >> 11) * 0x1.0p-53;
}

#endif
