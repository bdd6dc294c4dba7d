/* Random streams: xoshiro256** registered as a gsl_rng_type, seeded from (seed, stable name)
 * through FNV-1a and splitmix64; samplers go through GSL's gsl_ran_*. Called per event: small. */
#include "engine/rng_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/rng_zig_table.h"

#include <gsl/gsl_randist.h>

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* The output the next step gives, the state left as it is. */
static inline uint64_t xoshiro_peek(const uint64_t *s)
{
    return rotl(s[1] * 5, 7) * 9;
}

static inline uint64_t xoshiro_next(uint64_t *s)
{
    uint64_t result = xoshiro_peek(s), t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t rng_splitmix64(uint64_t *x)
{
    return rng_mix64(*x += RNG_GOLDEN_GAMMA);
}

static void xoshiro_fill(uint64_t *s, uint64_t x)
{
    for (int i = 0; i < 4; i++) s[i] = rng_splitmix64(&x);
    if ((s[0] | s[1] | s[2] | s[3]) == 0) s[0] = 1; /* the one forbidden state */
}

/* gsl_rng_type callbacks: GSL hands us the state pointer. */
static void xoshiro_set(void *state, unsigned long seed)
{
    xoshiro_fill(state, seed);
}
static unsigned long xoshiro_get(void *state)
{
    return (unsigned long)(xoshiro_next(state) >> 32);
}
static double xoshiro_get_double(void *state)
{
    return rng_unit53(xoshiro_next(state));
}

static const gsl_rng_type xoshiro_type = {
    .name = "xoshiro256**",
    .max = 0xffffffffUL,
    .min = 0,
    .size = 4 * sizeof(uint64_t),
    .set = xoshiro_set,
    .get = xoshiro_get,
    .get_double = xoshiro_get_double,
};
const gsl_rng_type *const rng_xoshiro256ss = &xoshiro_type;

uint64_t rng_name_hash(const char *name)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        h ^= *p;
        h *= 0x100000001b3ULL;
    }
    return h;
}

void rng_init(rng_stream *r, uint64_t seed, const char *name)
{
    r->gsl.type = rng_xoshiro256ss;
    r->gsl.state = r->s;
    /* The seed goes through one splitmix round first so seeds 1 and 2 are not neighbours of one
     * name hash's XOR pattern. */
    uint64_t x = seed;
    xoshiro_fill(r->s, rng_splitmix64(&x) ^ rng_name_hash(name));
}

rng_stream *rng_new(uint64_t seed, const char *name)
{
    rng_stream *r = malloc(sizeof *r);
    if (r) rng_init(r, seed, name);
    return r;
}

void rng_free(rng_stream *r)
{
    free(r);
}
void rng_seed(rng_stream *r, uint64_t seed, const char *name)
{
    rng_init(r, seed, name);
}
uint64_t rng_next_u64(rng_stream *r)
{
    return xoshiro_next(r->s);
}
/* The same numbers as gsl_rng_uniform (xoshiro_get_double) without the call through the type. */
double rng_uniform(rng_stream *r)
{
    return rng_unit53(xoshiro_next(r->s));
}
double rng_uniform_pos(rng_stream *r)
{
    double x;
    do x = rng_uniform(r);
    while (x == 0);
    return x;
}

/* Lemire's multiply-and-reject: unbiased, one multiplication in the common case. */
uint32_t rng_uniform_int(rng_stream *r, uint32_t n)
{
    uint64_t m = (xoshiro_next(r->s) >> 32) * (uint64_t)n;
    uint32_t low = (uint32_t)m;
    if (low < n) {
        uint32_t threshold = (uint32_t)(-n) % n;
        while (low < threshold) {
            m = (xoshiro_next(r->s) >> 32) * (uint64_t)n;
            low = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}

/* gsl_ran_exponential's inversion, -mean log(1 - u), on rng_uniform: the same numbers. */
double rng_exponential(rng_stream *r, double mean)
{
    return -mean * log1p(-rng_uniform(r));
}
/* gsl_ran_gaussian_ziggurat without its calls, the same numbers: its first 32-bit draw k picks a
 * strip (low 7 bits), a sign (bit 7) and a position j (the next 24); below the strip's bound GSL
 * returns sign * sigma * (j * w) at once, and so does this (about 99% of draws; the tables are
 * GSL's own, read by rng_zig_probe at build time). The draw is read from the state before the
 * stream steps: otherwise the stream is left as it was and GSL takes it from there. */
double rng_gaussian(rng_stream *r, double sigma)
{
    uint32_t k = (uint32_t)(xoshiro_peek(r->s) >> 32), i = k & 0x7f, j = k >> 8;
    if (j < rng_zig_k[i]) { /* GSL's sign * sigma: -sigma when bit 7 is clear, without a branch */
        xoshiro_next(r->s);
        uint64_t bits;
        memcpy(&bits, &sigma, sizeof bits);
        bits ^= (uint64_t)(~k & 0x80) << 56;
        memcpy(&sigma, &bits, sizeof bits);
        return sigma * ((double)j * rng_zig_w[i]);
    }
    return gsl_ran_gaussian_ziggurat(&r->gsl, sigma);
}
/* exp of a normal from GSL's ziggurat (exact, about one draw and no logarithm per sample; its
 * polar-method gsl_ran_lognormal takes two draws, a log and a sqrt, and rejects 21%). */
double rng_lognormal(rng_stream *r, double mu, double sigma)
{
    return exp(mu + rng_gaussian(r, sigma));
}
double rng_gamma(rng_stream *r, double shape, double scale)
{
    return gsl_ran_gamma(&r->gsl, shape, scale);
}
double rng_weibull(rng_stream *r, double scale, double shape)
{
    return gsl_ran_weibull(&r->gsl, scale, shape);
}
double rng_pareto(rng_stream *r, double alpha, double scale)
{
    return gsl_ran_pareto(&r->gsl, alpha, scale);
}
