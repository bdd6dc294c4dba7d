/* Distributions of durations (latencies, service and think times), read from scenario values and
 * sampled in nanoseconds from an LP's stream. A scalar ("250us") is a constant; a map names the
 * family: {dist: lognormal, median: 20ms, sigma: 0.6} or {dist: lognormal, p50: 12ms, p99: 105ms},
 * exponential (mean), normal (mean, sd; truncated at 0), uniform (low, high), gamma (shape,
 * mean), weibull (shape, scale), pareto (alpha, scale), empirical (quantiles: [[p, value], ...]),
 * mixture (parts: [{weight, ...}]). Every family also takes `shift` (added to every sample) and
 * `min`/`max` (truncation: samples outside [min, max] are drawn again, so the distribution is the
 * shifted one conditioned on the interval, with no atom at either bound). docs/scenario.md. */
#ifndef VPCSIM_DIST_H
#define VPCSIM_DIST_H

#include <stdbool.h>
#include <stdint.h>

#include "vpcsim/config.h"
#include "vpcsim/rng.h"

typedef enum dist_family {
    DIST_CONSTANT,
    DIST_EXPONENTIAL,
    DIST_NORMAL,
    DIST_UNIFORM,
    DIST_LOGNORMAL,
    DIST_GAMMA,
    DIST_WEIBULL,
    DIST_PARETO,
    DIST_EMPIRICAL,
    DIST_MIXTURE
} dist_family;

enum { DIST_MAX_POINTS = 32, DIST_MAX_PARTS = 8 };

typedef struct dist dist;
struct dist {
    dist_family family;
    int64_t shift_ns; /* added to every sample */
    bool truncated;   /* samples are kept inside [lo_ns, hi_ns] (drawn again when outside) */
    int64_t lo_ns;    /* truncated: the least sample (`min`) */
    int64_t hi_ns;    /* truncated: the greatest sample (`max`; INT64_MAX: none) */
    double mass;      /* truncated: probability of [lo_ns, hi_ns] before truncation (> 0) */
    double a, b;      /* family parameters in ns where they are times (see dist.c) */
    int npoints;      /* empirical: (p, value) points, p increasing to 1 */
    double p[DIST_MAX_POINTS], v[DIST_MAX_POINTS];
    int nparts; /* mixture */
    double weight[DIST_MAX_PARTS];
    const dist *parts[DIST_MAX_PARTS]; /* owned by the dist_set that made this */
};

/* Owns the distributions read from one document (mixtures' parts included). */
typedef struct dist_set dist_set;
dist_set *dist_set_new(void);    /* NULL if out of memory */
void dist_set_free(dist_set *s); /* NULL is a no-op */

/* Reads a distribution from node (a scalar duration or a map). Returns it (owned by set), or
 * NULL with `file:line:col: message` in err. */
const dist *dist_read(dist_set *set, const config_node *node, vs_error *err);
/* A constant (no file): for defaults. */
const dist *dist_constant(dist_set *set, int64_t ns);
/* Built in code (models' defaults, tests). Each returns the distribution (owned by set), or NULL
 * if out of memory or a parameter is out of range. */
const dist *dist_exponential(dist_set *set, double mean_ns); /* mean_ns > 0 */
/* Lognormal: ln(X) ~ N(mu, sigma^2), X in ns, so the median is exp(mu) ns; sigma > 0. */
const dist *dist_lognormal(dist_set *set, double mu, double sigma);

int64_t dist_sample_ns(const dist *d, rng_stream *r); /* >= dist_min_ns(d), never negative */
double dist_mean_ns(const dist *d); /* analytic mean (NaN if infinite); truncated: numeric */
int64_t dist_min_ns(const dist *d); /* the least sample: a lower bound for lookaheads */
/* P(sample <= ns), analytic (GSL's CDFs), shift and truncation included; samples are taken as
 * continuous (before rounding to whole ns). */
double dist_cdf(const dist *d, double ns);
/* The p-quantile (0 < p < 1) in ns, by bisection on dist_cdf: for tests and reports, not per
 * event. */
double dist_quantile_ns(const dist *d, double p);

#endif
