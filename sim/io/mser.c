/* MSER-k (include/vpcsim/mser.h) over a run's series of up to a few million observations: batch
 * means computed on the fly, then one backward pass with suffix sums of the centred means. */
#include "vpcsim/mser.h"

#include <math.h>

/* Mean of batch j (observations j*k .. j*k + k - 1). */
static double batch_mean(const double *x, size_t k, size_t j)
{
    double s = 0;
    for (size_t i = 0; i < k; i++) s += x[j * k + i];
    return s / (double)k;
}

/* Mean of all m batch means, the centre that keeps the suffix sums small. */
static double grand_mean(const double *x, size_t k, size_t m)
{
    double s = 0;
    for (size_t j = 0; j < m; j++) s += batch_mean(x, k, j);
    return s / (double)m;
}

int mser_truncate(const double *x, size_t n, size_t k, mser_result *out)
{
    *out = (mser_result){.truncate = 0, .batches = k ? n / k : 0, .statistic = NAN};
    size_t m = out->batches;
    if (k == 0 || m < 4) return -1;
    double c = grand_mean(x, k, m), s1 = 0, s2 = 0, best = INFINITY;
    size_t best_d = 0, dmax = m / 2;
    /* walk d from m - 1 down to 0: after adding batch d, s1 and s2 hold the sums over j >= d,
     * which is the series left after deleting d batches */
    for (size_t d = m; d-- > 0;) {
        double z = batch_mean(x, k, d) - c;
        s1 += z, s2 += z * z;
        if (d > dmax) continue;
        double left = (double)(m - d), ss = s2 - s1 * s1 / left;
        double stat = (ss > 0 ? ss : 0) / (left * left);
        if (stat <= best) best = stat, best_d = d; /* <=: the smallest d on ties */
    }
    out->truncate = best_d * k;
    out->statistic = best;
    out->at_limit = best_d == dmax;
    return 0;
}
