/* Confidence intervals over replications (a handful to a few hundred values): GSL's mean and
 * standard deviation, and its Student t quantile. */
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
