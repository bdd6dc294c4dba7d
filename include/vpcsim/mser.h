/* MSER-k warm-up detection (White 1997; MSER-5: White, Cobb and Spratt 2000): the truncation of
 * an output series that minimises the squared standard error of the mean of what is left, over
 * batch means of k observations. One pass over the series after a run: O(n) time, no allocation. */
#ifndef VPCSIM_MSER_H
#define VPCSIM_MSER_H

#include <stddef.h>

enum { MSER_BATCH = 5 }; /* MSER-5 */

typedef struct mser_result {
    size_t truncate;  /* observations to delete from the start (a multiple of the batch) */
    size_t batches;   /* batch means in the series (m) */
    double statistic; /* MSER(d*) = sum_{j>d*} (Z_j - mean)^2 / (m - d*)^2 */
    int at_limit;     /* d* is the last allowed (m / 2): the series may be too short to settle */
} mser_result;

/* The MSER-k truncation of x[0..n) with batches of k observations (k >= 1; the last n mod k are
 * left out): d* minimising MSER(d) over d = 0 .. m/2 (the first half), the smallest d on ties.
 * Returns 0, or -1 with fewer than 4 batches (out: truncate 0). NaNs are not allowed in x. */
int mser_truncate(const double *x, size_t n, size_t k, mser_result *out);

#endif
