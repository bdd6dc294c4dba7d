/* Latency histogram, HDR-style log-linear: exact below 256 ns, then 128 sub-buckets per power of
 * two, so a reported quantile is within 0.4% of a value in the data (bound: 1/256 relative).
 * Fixed size (~58 KiB), no allocation after hist_new, mergeable across threads and runs. */
#ifndef VPCSIM_HIST_H
#define VPCSIM_HIST_H

#include <stdbool.h>
#include <stdint.h>

enum {
    HIST_SUB_BITS = 7,                                   /* 128 sub-buckets per power of two */
    HIST_BUCKETS = (64 - HIST_SUB_BITS) << HIST_SUB_BITS /* covers [0, 2^63) */
};

typedef struct hist {
    uint64_t count;                 /* values recorded */
    int64_t min, max;               /* exact extremes (valid when count > 0) */
    double sum;                     /* for the mean */
    uint64_t buckets[HIST_BUCKETS]; /* counts */
} hist;

void hist_init(hist *h);              /* empty */
hist *hist_new(void);                 /* empty, or NULL if out of memory */
void hist_free(hist *h);              /* NULL is a no-op */
void hist_record(hist *h, int64_t v); /* v < 0 is recorded as 0 */
void hist_record_n(hist *h, int64_t v, uint64_t n);
void hist_merge(hist *into, const hist *from);
/* Nearest-rank quantile, q in [0, 1]: the representative of the bucket holding the ceil(q*n)-th
 * smallest value (its midpoint, clamped to [min, max]); 0 when empty. */
int64_t hist_quantile(const hist *h, double q);
double hist_mean(const hist *h);
/* Bucket index of v and the range [lo, hi] it covers (for tests and exporters). */
int hist_bucket_of(int64_t v);
void hist_bucket_range(int bucket, int64_t *lo, int64_t *hi);
bool hist_check(const hist *h); /* counts add up, extremes consistent */

#endif
