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

/* A test of the difference new - base: its confidence interval and two-sided p-value. */
typedef struct stats_test {
    double diff; /* new - base (mean difference) */
    double half; /* half-width of its interval at the requested level; NaN when untestable */
    double t;    /* the statistic */
    double df;   /* degrees of freedom (Welch-Satterthwaite, or n - 1 paired) */
    double p;    /* two-sided p-value; NaN when untestable (fewer than 2 values a side) */
} stats_test;

/* Welch's t for means of independent samples given as mean, sd and size. A zero standard error
 * gives p 1 when the means are equal, else 0 (a difference with no noise). Returns 0, or -1 if a
 * side has fewer than 2 values or level is outside (0, 1) (out: diff set, the rest NaN). */
int stats_welch(double mean_base, double sd_base, size_t n_base, double mean_new, double sd_new,
                size_t n_new, double level, stats_test *out);
/* The paired t on new[i] - base[i] (common random numbers: replication i of both used one
 * stream). Returns 0, or -1 with n < 2 or level outside (0, 1) (out as stats_welch's). */
int stats_paired_test(const double *base, const double *new_, size_t n, double level,
                      stats_test *out);
/* The standard deviation behind a half-width of n values at level (inverting stats_mean_ci);
 * NaN with n < 2. */
double stats_sd_of_half(double half, size_t n, double level);
/* Holm-Bonferroni adjusted p-values of p[0..m) into adj[0..m) (NaN stays NaN and is not counted
 * in m): reject test i at family-wise level alpha when adj[i] < alpha. Returns 0, or -1 when out
 * of memory. */
int stats_holm(const double *p, size_t m, double *adj);

#endif
