/* Duration distributions: read from the configuration tree (strict keys, positioned errors) and
 * sampled through GSL via the LP's stream. Sampling is called per request hop: no allocation.
 * Each family's CDF (GSL) gives truncation its mass, truncated means and quantiles for tests. */
#include "vpcsim/dist.h"
#include "vpcsim/grow.h"

#include "io/exp_round.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>

struct dist_set {
    dist **all; /* every distribution made */
    size_t n;   /* made */
    size_t cap; /* allocated slots */
};

dist_set *dist_set_new(void)
{
    return calloc(1, sizeof(dist_set));
}

void dist_set_free(dist_set *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->n; i++) free(s->all[i]);
    free(s->all);
    free(s);
}

static dist *dist_alloc(dist_set *s, dist_family f)
{
    dist **all = grow_reserve(s->all, s->n + 1, &s->cap, sizeof *all, 16);
    if (!all) return NULL;
    s->all = all;
    dist *d = calloc(1, sizeof *d);
    if (d) {
        d->family = f;
        s->all[s->n++] = d;
    }
    return d;
}

const dist *dist_constant(dist_set *set, int64_t ns)
{
    dist *d = dist_alloc(set, DIST_CONSTANT);
    if (d) d->a = (double)ns;
    return d;
}

const dist *dist_exponential(dist_set *set, double mean_ns)
{
    if (!(mean_ns > 0) || !isfinite(mean_ns)) return NULL;
    dist *d = dist_alloc(set, DIST_EXPONENTIAL);
    if (d) d->a = mean_ns;
    return d;
}

const dist *dist_lognormal(dist_set *set, double mu, double sigma)
{
    if (!isfinite(mu) || !(sigma > 0) || !isfinite(sigma)) return NULL;
    dist *d = dist_alloc(set, DIST_LOGNORMAL);
    if (d) d->a = mu, d->b = sigma;
    return d;
}

/* ---- reading ------------------------------------------------------------------------------ */

static const char *const family_names[] = {"constant",  "exponential", "normal",  "uniform",
                                           "lognormal", "gamma",       "weibull", "pareto",
                                           "empirical", "mixture",     NULL};

/* The keys a family accepts: dist, shift, min, max, its own, and weight when it is a mixture
 * part. */
static int check_family_keys(const config_node *m, const char *k1, const char *k2, bool part,
                             vs_error *err)
{
    const char *keys[8];
    int n = 0;
    keys[n++] = "dist";
    keys[n++] = "shift";
    keys[n++] = "min";
    keys[n++] = "max";
    if (k1) keys[n++] = k1;
    if (k2) keys[n++] = k2;
    if (part) keys[n++] = "weight";
    keys[n] = NULL;
    return config_check_keys(m, keys, err);
}

static int get_positive_ns(const config_node *m, const char *key, double *out, vs_error *err)
{
    int64_t ns;
    if (config_get_duration(m, key, NULL, &ns, err)) return -1;
    if (ns <= 0) return config_error_at(config_find(m, key), err, "%s must be > 0", key);
    *out = (double)ns;
    return 0;
}

static int read_lognormal(const config_node *m, dist *d, bool part, vs_error *err)
{
    if (config_find(m, "median")) {
        if (check_family_keys(m, "median", "sigma", part, err) ||
            get_positive_ns(m, "median", &d->a, err) ||
            config_get_double(m, "sigma", NULL, 1e-9, 20, &d->b, err))
            return -1;
        d->a = log(d->a);
        return 0;
    }
    double p50 = 0, p99 = 0;
    if (check_family_keys(m, "p50", "p99", part, err) || get_positive_ns(m, "p50", &p50, err) ||
        get_positive_ns(m, "p99", &p99, err))
        return -1;
    if (p99 <= p50)
        return config_error_at(config_find(m, "p99"), err, "p99 must be greater than p50");
    d->a = log(p50);
    d->b = (log(p99) - log(p50)) / gsl_cdf_ugaussian_Pinv(0.99);
    return 0;
}

static int read_two(const config_node *m, dist *d, const char *ka, const char *kb, bool a_time,
                    bool b_time, bool part, vs_error *err)
{
    if (check_family_keys(m, ka, kb, part, err)) return -1;
    if (a_time ? get_positive_ns(m, ka, &d->a, err)
               : config_get_double(m, ka, NULL, 1e-9, 1e9, &d->a, err))
        return -1;
    if (!kb) return 0;
    return b_time ? get_positive_ns(m, kb, &d->b, err)
                  : config_get_double(m, kb, NULL, 1e-9, 1e9, &d->b, err);
}

static int read_empirical(const config_node *m, dist *d, bool part, vs_error *err)
{
    const config_node *q;
    if (check_family_keys(m, "quantiles", NULL, part, err) ||
        config_get_seq(m, "quantiles", 1, &q, err))
        return -1;
    size_t n = config_len(q);
    if (n < 1 || n > DIST_MAX_POINTS)
        return config_error_at(q, err, "quantiles needs 1 to %d [p, value] pairs", DIST_MAX_POINTS);
    for (size_t i = 0; i < n; i++) {
        const config_node *pair = config_at(q, i);
        int64_t ns;
        if (config_kind_of(pair) != CONFIG_KIND_SEQ || config_len(pair) != 2)
            return config_error_at(pair, err, "expected a pair [p, value] such as [0.99, 80ms]");
        if (config_as_probability(config_at(pair, 0), &d->p[i], err) ||
            config_as_duration(config_at(pair, 1), &ns, err))
            return -1;
        d->v[i] = (double)ns;
        if (i > 0 && (d->p[i] <= d->p[i - 1] || d->v[i] < d->v[i - 1]))
            return config_error_at(pair, err,
                                   "quantiles must increase in p and not decrease in value");
    }
    if (d->p[n - 1] != 1.0)
        return config_error_at(config_at(q, n - 1), err, "the last quantile must have p = 1");
    d->npoints = (int)n;
    return 0;
}

static const dist *read_any(dist_set *set, const config_node *node, int depth, vs_error *err);

static int read_mixture(dist_set *set, const config_node *m, dist *d, int depth, vs_error *err)
{
    const config_node *parts;
    if (check_family_keys(m, "parts", NULL, depth > 0, err) ||
        config_get_seq(m, "parts", 1, &parts, err))
        return -1;
    size_t n = config_len(parts);
    if (n < 1 || n > DIST_MAX_PARTS)
        return config_error_at(parts, err, "a mixture needs 1 to %d parts", DIST_MAX_PARTS);
    double total = 0;
    for (size_t i = 0; i < n; i++) {
        const config_node *part = config_at(parts, i);
        if (config_get_double(part, "weight", NULL, 1e-12, 1e12, &d->weight[i], err)) return -1;
        if (!(d->parts[i] = read_any(set, part, depth + 1, err))) return -1;
        total += d->weight[i];
    }
    for (size_t i = 0; i < n; i++) d->weight[i] /= total;
    d->nparts = (int)n;
    return 0;
}

static int read_family(dist_set *set, const config_node *m, dist *d, int depth, vs_error *err)
{
    bool part = depth > 0;
    switch (d->family) {
    case DIST_CONSTANT:
        return read_two(m, d, "value", NULL, true, false, part, err);
    case DIST_EXPONENTIAL:
        return read_two(m, d, "mean", NULL, true, false, part, err);
    case DIST_NORMAL:
        return read_two(m, d, "mean", "sd", true, true, part, err);
    case DIST_UNIFORM:
        return read_two(m, d, "low", "high", true, true, part, err);
    case DIST_LOGNORMAL:
        return read_lognormal(m, d, part, err);
    case DIST_GAMMA:
        return read_two(m, d, "shape", "mean", false, true, part, err);
    case DIST_WEIBULL:
        return read_two(m, d, "shape", "scale", false, true, part, err);
    case DIST_PARETO:
        return read_two(m, d, "alpha", "scale", false, true, part, err);
    case DIST_EMPIRICAL:
        return read_empirical(m, d, part, err);
    case DIST_MIXTURE:
        return read_mixture(set, m, d, depth, err);
    }
    return -1;
}

static double shifted_cdf(const dist *d, double ns);

/* Truncation keeps at least this share of the distribution: a sample then takes at most about
 * 1/MIN_MASS draws on average. */
static const double MIN_MASS = 1e-3;

/* `shift` (added to every sample), then `min` and `max` (truncation). Needs the family's
 * parameters: the kept mass comes from its CDF. */
static int read_bounds(const config_node *node, dist *d, vs_error *err)
{
    const config_node *mn = config_find(node, "min"), *mx = config_find(node, "max");
    if (config_get_duration(node, "shift", "0ns", &d->shift_ns, err)) return -1;
    if (d->shift_ns < 0)
        return config_error_at(config_find(node, "shift"), err, "shift must be >= 0");
    if (!mn && !mx) return 0;
    d->truncated = true, d->lo_ns = 0, d->hi_ns = INT64_MAX;
    if (mn && (config_as_duration(mn, &d->lo_ns, err))) return -1;
    if (mx && (config_as_duration(mx, &d->hi_ns, err))) return -1;
    if (d->lo_ns < 0) return config_error_at(mn, err, "min must be >= 0");
    if (d->hi_ns <= d->lo_ns) return config_error_at(mx, err, "max must be greater than min");
    double hi = d->hi_ns == INT64_MAX ? 1 : shifted_cdf(d, (double)d->hi_ns);
    d->mass = hi - shifted_cdf(d, (double)d->lo_ns);
    if (!(d->mass >= MIN_MASS))
        return config_error_at(mn ? mn : mx, err,
                               "[min, max] keeps %.3g of the distribution; at least %g is needed "
                               "(move the bounds towards its median, or use shift to move it)",
                               d->mass, MIN_MASS);
    return 0;
}

/* A map: the family, its parameters, shift, min, max. A mixture part's `weight` is read by the
 * mixture. */
static const dist *read_map(dist_set *set, const config_node *node, int depth, vs_error *err)
{
    int f;
    if (config_get_enum(node, "dist", NULL, family_names, &f, err)) return NULL;
    dist *d = dist_alloc(set, (dist_family)f);
    if (!d) return error_set(err, "out of memory"), NULL;
    if (read_family(set, node, d, depth, err)) return NULL;
    if (d->family == DIST_UNIFORM && d->b < d->a)
        return config_error_at(config_find(node, "high"), err, "high must be >= low"), NULL;
    if (d->family == DIST_GAMMA) d->b /= d->a; /* mean -> scale */
    return read_bounds(node, d, err) ? NULL : d;
}

static const dist *read_any(dist_set *set, const config_node *node, int depth, vs_error *err)
{
    if (depth > 4) return config_error_at(node, err, "mixtures nest at most 4 deep"), NULL;
    if (config_kind_of(node) == CONFIG_KIND_SCALAR) {
        int64_t ns;
        if (config_as_duration(node, &ns, err)) return NULL;
        if (ns < 0) return config_error_at(node, err, "a duration must be >= 0"), NULL;
        const dist *d = dist_constant(set, ns);
        return d ? d : (error_set(err, "out of memory"), NULL);
    }
    if (config_kind_of(node) != CONFIG_KIND_MAP)
        return config_error_at(node, err,
                               "expected a duration or a distribution map such as "
                               "{dist: lognormal, median: 20ms, sigma: 0.6}"),
               NULL;
    return read_map(set, node, depth, err);
}

const dist *dist_read(dist_set *set, const config_node *node, vs_error *err)
{
    return read_any(set, node, 0, err);
}

/* ---- sampling ----------------------------------------------------------------------------- */

static double empirical_inverse(const dist *d, double u)
{
    if (u <= d->p[0]) return d->v[0];
    for (int i = 1; i < d->npoints; i++)
        if (u <= d->p[i])
            return d->v[i - 1] +
                   (d->v[i] - d->v[i - 1]) * (u - d->p[i - 1]) / (d->p[i] - d->p[i - 1]);
    return d->v[d->npoints - 1];
}

static double sample_body(const dist *d, rng_stream *r)
{
    switch (d->family) {
    case DIST_CONSTANT:
        return d->a;
    case DIST_EXPONENTIAL:
        return rng_exponential(r, d->a);
    case DIST_NORMAL:
        for (int i = 0; i < 64; i++) { /* truncated at 0 by rejection */
            double x = d->a + rng_gaussian(r, d->b);
            if (x >= 0) return x;
        }
        return 0;
    case DIST_UNIFORM:
        return d->a + (d->b - d->a) * rng_uniform(r);
    case DIST_LOGNORMAL:
        return rng_lognormal(r, d->a, d->b);
    case DIST_GAMMA:
        return rng_gamma(r, d->a, d->b);
    case DIST_WEIBULL:
        return rng_weibull(r, d->b, d->a);
    case DIST_PARETO:
        return rng_pareto(r, d->a, d->b);
    case DIST_EMPIRICAL:
        return empirical_inverse(d, rng_uniform(r));
    case DIST_MIXTURE: {
        double u = rng_uniform(r);
        int i = 0;
        while (i < d->nparts - 1 && u >= d->weight[i]) u -= d->weight[i++];
        return (double)dist_sample_ns(d->parts[i], r);
    }
    }
    return 0;
}

/* The lognormal, the family of most latencies, is drawn without the switch (one per hop), and
 * exp_round gives the whole ns that libm's exp would round to, without calling it, in all but
 * about one draw in a billion. */
static int64_t sample_shifted(const dist *d, rng_stream *r)
{
    double x;
    if (d->family == DIST_LOGNORMAL) {
        double y = d->a + rng_gaussian(r, d->b); /* as rng_lognormal */
        int64_t ns;
        if (exp_round(y, &ns)) return d->shift_ns + ns;
        x = exp(y);
    } else {
        x = sample_body(d, r);
    }
    if (!(x >= 0)) x = 0;
    if (x > 9.0e18) x = 9.0e18; /* heavy tails stay representable */
    return d->shift_ns + (int64_t)(x + 0.5);
}

/* Draws until a sample lies in [lo, hi]: about 1/mass draws (at most 1/MIN_MASS on average). A
 * run of 2^20 misses (odds below e^-1000 at the least mass allowed) clamps the last draw. */
int64_t dist_sample_ns(const dist *d, rng_stream *r)
{
    int64_t x = sample_shifted(d, r);
    for (int i = 0; d->truncated && (x < d->lo_ns || x > d->hi_ns); i++) {
        if (i == 1 << 20) return x < d->lo_ns ? d->lo_ns : d->hi_ns;
        x = sample_shifted(d, r);
    }
    return x;
}

static double empirical_mean(const dist *d)
{
    double m = d->p[0] * d->v[0];
    for (int i = 1; i < d->npoints; i++) m += (d->p[i] - d->p[i - 1]) * (d->v[i] + d->v[i - 1]) / 2;
    return m;
}

static double body_mean(const dist *d)
{
    switch (d->family) {
    case DIST_CONSTANT:
    case DIST_EXPONENTIAL:
        return d->a;
    case DIST_NORMAL: { /* truncated at 0: mean + sd * phi(alpha) / Q(alpha), alpha = -mean/sd */
        double alpha = -d->a / d->b;
        return d->a + d->b * gsl_ran_ugaussian_pdf(alpha) / gsl_cdf_ugaussian_Q(alpha);
    }
    case DIST_UNIFORM:
        return (d->a + d->b) / 2;
    case DIST_LOGNORMAL:
        return exp(d->a + d->b * d->b / 2);
    case DIST_GAMMA:
        return d->a * d->b;
    case DIST_WEIBULL:
        return d->b * gsl_sf_gamma(1 + 1 / d->a);
    case DIST_PARETO:
        return d->a > 1 ? d->a * d->b / (d->a - 1) : NAN;
    case DIST_EMPIRICAL:
        return empirical_mean(d);
    case DIST_MIXTURE: {
        double m = 0;
        for (int i = 0; i < d->nparts; i++) m += d->weight[i] * dist_mean_ns(d->parts[i]);
        return m;
    }
    }
    return NAN;
}

/* ---- CDF, bounds, quantiles ------------------------------------------------------------------ */

static double empirical_cdf(const dist *d, double x)
{
    if (x < d->v[0]) return 0;
    for (int i = 1; i < d->npoints; i++)
        if (x < d->v[i])
            return d->p[i - 1] +
                   (d->p[i] - d->p[i - 1]) * (x - d->v[i - 1]) / (d->v[i] - d->v[i - 1]);
    return 1;
}

/* P(body <= x), before shift and truncation. */
static double body_cdf(const dist *d, double x)
{
    if (x < 0) return 0;
    switch (d->family) {
    case DIST_CONSTANT:
        return x >= d->a ? 1 : 0;
    case DIST_EXPONENTIAL:
        return gsl_cdf_exponential_P(x, d->a);
    case DIST_NORMAL: { /* truncated at 0 */
        double q0 = gsl_cdf_ugaussian_P(-d->a / d->b);
        return (gsl_cdf_ugaussian_P((x - d->a) / d->b) - q0) / (1 - q0);
    }
    case DIST_UNIFORM:
        return x >= d->b ? 1 : x <= d->a ? 0 : (x - d->a) / (d->b - d->a);
    case DIST_LOGNORMAL:
        return gsl_cdf_lognormal_P(x, d->a, d->b);
    case DIST_GAMMA:
        return gsl_cdf_gamma_P(x, d->a, d->b);
    case DIST_WEIBULL:
        return gsl_cdf_weibull_P(x, d->b, d->a);
    case DIST_PARETO:
        return gsl_cdf_pareto_P(x, d->a, d->b);
    case DIST_EMPIRICAL:
        return empirical_cdf(d, x);
    case DIST_MIXTURE: {
        double c = 0;
        for (int i = 0; i < d->nparts; i++) c += d->weight[i] * dist_cdf(d->parts[i], x);
        return c;
    }
    }
    return NAN;
}

/* P(shift + body <= ns): the distribution before truncation. */
static double shifted_cdf(const dist *d, double ns)
{
    return body_cdf(d, ns - (double)d->shift_ns);
}

double dist_cdf(const dist *d, double ns)
{
    if (!d->truncated) return shifted_cdf(d, ns);
    if (ns < (double)d->lo_ns) return 0;
    if (ns >= (double)d->hi_ns) return 1;
    return (shifted_cdf(d, ns) - shifted_cdf(d, (double)d->lo_ns)) / d->mass;
}

static double body_min(const dist *d)
{
    switch (d->family) {
    case DIST_CONSTANT:
    case DIST_UNIFORM:
        return d->a;
    case DIST_PARETO:
        return d->b;
    case DIST_EMPIRICAL:
        return d->npoints > 0 ? d->v[0] : 0;
    case DIST_MIXTURE: {
        double m = INFINITY;
        for (int i = 0; i < d->nparts; i++) m = fmin(m, (double)dist_min_ns(d->parts[i]));
        return d->nparts > 0 ? m : 0;
    }
    default: /* exponential, normal (truncated at 0), lognormal, gamma, Weibull: down to 0 */
        return 0;
    }
}

int64_t dist_min_ns(const dist *d)
{
    double body = body_min(d);
    int64_t m = d->shift_ns + (body > 0 ? (int64_t)body : 0);
    return d->truncated && d->lo_ns > m ? d->lo_ns : m;
}

/* The integral of the untruncated CDF over [a, b] (Simpson's rule, 2048 intervals). */
static double cdf_integral(const dist *d, double a, double b)
{
    enum { STEPS = 2048 };
    double h = (b - a) / STEPS, sum = shifted_cdf(d, a) + shifted_cdf(d, b);
    for (int i = 1; i < STEPS; i++) sum += (i % 2 ? 4 : 2) * shifted_cdf(d, a + i * h);
    return sum * h / 3;
}

/* E[X | lo <= X <= hi] from the untruncated CDF G: integration by parts,
 * (hi G(hi) - lo G(lo) - int_lo^hi G) / mass, or with no max
 * (E[X] - lo G(lo) + int_0^lo G) / (1 - G(lo)). */
static double truncated_mean(const dist *d)
{
    double lo = (double)d->lo_ns, glo = shifted_cdf(d, lo);
    if (d->hi_ns == INT64_MAX)
        return ((double)d->shift_ns + body_mean(d) - lo * glo + cdf_integral(d, 0, lo)) / d->mass;
    double hi = (double)d->hi_ns;
    return (hi * shifted_cdf(d, hi) - lo * glo - cdf_integral(d, lo, hi)) / d->mass;
}

double dist_mean_ns(const dist *d)
{
    return d->truncated ? truncated_mean(d) : (double)d->shift_ns + body_mean(d);
}

double dist_quantile_ns(const dist *d, double p)
{
    double lo = (double)dist_min_ns(d), hi = fmax(2 * lo, 1);
    if (!(p > 0 && p < 1)) return NAN;
    while (dist_cdf(d, hi) < p && hi < 9e18) lo = hi, hi *= 2;
    for (int i = 0; i < 200 && hi - lo > 1e-6 * fmax(hi, 1); i++) {
        double mid = (lo + hi) / 2;
        *(dist_cdf(d, mid) < p ? &lo : &hi) = mid;
    }
    return (lo + hi) / 2;
}
