/* Confidence intervals over replications (a handful to a few hundred values): GSL's mean and
 * standard deviation, and its Student t quantile; the tests of vpcsim compare (Welch's t, the
 * paired t, Holm-Bonferroni over a few hundred tests). */
#include "vpcsim/stats.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

int stats_mean_ci(const double *x, size_t n, double level, stats_interval *out)
{
    if (n == 0 || !(level > 0 && level < 1)) return -1;
    stats_interval r = {.mean = gsl_stats_mean(x, 1, n), .n = n};
    if (n >= 2) {
        r.sd = gsl_stats_sd_m(x, 1, n, r.mean);
        double t = gsl_cdf_tdist_Pinv(0.5 + level / 2, (double)(n - 1));
        r.half = t * r.sd / sqrt((double)n);
    }
    *out = r;
    return 0;
}

int stats_paired_ci(const double *a, const double *b, size_t n, double level, stats_interval *out)
{
    if (n == 0) return -1;
    double *d = malloc(n * sizeof *d);
    if (!d) return -1;
    for (size_t i = 0; i < n; i++) d[i] = a[i] - b[i];
    int rc = stats_mean_ci(d, n, level, out);
    free(d);
    return rc;
}

/* Fills out from a difference, its standard error and degrees of freedom. */
static void t_test(double diff, double se, double df, double level, stats_test *out)
{
    *out = (stats_test){.diff = diff, .df = df};
    if (se == 0) {
        out->half = 0, out->t = diff == 0 ? 0 : copysign(INFINITY, diff);
        out->p = diff == 0 ? 1 : 0;
        return;
    }
    out->t = diff / se;
    out->half = gsl_cdf_tdist_Pinv(0.5 + level / 2, df) * se;
    out->p = fmin(1, 2 * gsl_cdf_tdist_Q(fabs(out->t), df));
}

static int untestable(double diff, stats_test *out)
{
    *out = (stats_test){.diff = diff, .half = NAN, .t = NAN, .df = NAN, .p = NAN};
    return -1;
}

int stats_welch(double mean_base, double sd_base, size_t n_base, double mean_new, double sd_new,
                size_t n_new, double level, stats_test *out)
{
    double diff = mean_new - mean_base;
    if (n_base < 2 || n_new < 2 || !(level > 0 && level < 1)) return untestable(diff, out);
    double vb = sd_base * sd_base / (double)n_base, vn = sd_new * sd_new / (double)n_new;
    double se = sqrt(vb + vn);
    double df = se == 0 ? (double)(n_base + n_new - 2)
                        : (vb + vn) * (vb + vn) /
                              (vb * vb / (double)(n_base - 1) + vn * vn / (double)(n_new - 1));
    t_test(diff, se, df, level, out);
    return 0;
}

int stats_paired_test(const double *base, const double *new_, size_t n, double level,
                      stats_test *out)
{
    stats_interval d;
    if (n < 2 || !(level > 0 && level < 1) || stats_paired_ci(new_, base, n, level, &d))
        return untestable(n ? gsl_stats_mean(new_, 1, n) - gsl_stats_mean(base, 1, n) : NAN, out);
    t_test(d.mean, d.sd / sqrt((double)n), (double)(n - 1), level, out);
    return 0;
}

typedef struct holm_item {
    double p;
    size_t i;
} holm_item;

static int holm_cmp(const void *a, const void *b)
{
    double x = ((const holm_item *)a)->p, y = ((const holm_item *)b)->p;
    return x < y ? -1 : x > y ? 1 : 0;
}

int stats_holm(const double *p, size_t m, double *adj)
{
    holm_item *it = malloc((m ? m : 1) * sizeof *it);
    size_t k = 0;
    if (!it) return -1;
    for (size_t i = 0; i < m; i++) {
        adj[i] = NAN;
        if (!isnan(p[i])) it[k++] = (holm_item){p[i], i};
    }
    qsort(it, k, sizeof *it, holm_cmp);
    double run = 0; /* adjusted p-values never decrease along the order */
    for (size_t j = 0; j < k; j++) {
        run = fmax(run, fmin(1, (double)(k - j) * it[j].p));
        adj[it[j].i] = run;
    }
    free(it);
    return 0;
}

double stats_sd_of_half(double half, size_t n, double level)
{
    if (n < 2 || !(level > 0 && level < 1)) return NAN;
    return half * sqrt((double)n) / gsl_cdf_tdist_Pinv(0.5 + level / 2, (double)(n - 1));
}
