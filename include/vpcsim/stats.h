/* Replication statistics: mean with a Student-t confidence interval, and paired differences
 * between architectures run with common random numbers (over GSL's statistics and t quantiles). */
#ifndef VPCSIM_STATS_H
#define VPCSIM_STATS_H

#include <stddef.h>

typedef struct stats_interval {
    double mean; /* sample mean */
    double half; /* half-width at the requested level; 0 when n < 2 (no interval) */
    double sd;   /* sample standard deviation (n - 1) */
    size_t n;    /* observations */
} stats_interval;

/* Mean of x[0..n) and its two-sided confidence interval at level (e.g. 0.95). Returns 0, or -1
 * if n == 0 or level is outside (0, 1) (out untouched). */
int stats_mean_ci(const double *x, size_t n, double level, stats_interval *out);
/* The same for the differences a[i] - b[i] (paired: replication i of both used one stream). */
int stats_paired_ci(const double *a, const double *b, size_t n, double level, stats_interval *out);

#endif
