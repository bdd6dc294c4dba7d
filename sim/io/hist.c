/* Log-linear latency histogram (see include/vpcsim/hist.h). hist_record is called once per
 * completed request: a count-leading-zeros, a shift and an add. */
#include "vpcsim/hist.h"

#include <stdlib.h>
#include <string.h>

#define SUB ((int64_t)1 << HIST_SUB_BITS) /* 128 */

void hist_init(hist *h)
{
    memset(h, 0, sizeof *h);
}

hist *hist_new(void)
{
    hist *h = malloc(sizeof *h);
    if (h) hist_init(h);
    return h;
}

void hist_free(hist *h)
{
    free(h);
}

/* Values below 2 * SUB map to themselves; above, 2^s-wide buckets with s = magnitude - SUB_BITS. */
int hist_bucket_of(int64_t v)
{
    if (v < 2 * SUB) return v < 0 ? 0 : (int)v;
    int magnitude = 63 - __builtin_clzll((uint64_t)v);
    int shift = magnitude - HIST_SUB_BITS;
    return (int)(((int64_t)shift << HIST_SUB_BITS) + (v >> shift));
}

void hist_bucket_range(int bucket, int64_t *lo, int64_t *hi)
{
    if (bucket < 2 * SUB) {
        *lo = *hi = bucket;
        return;
    }
    int shift = bucket / (int)SUB - 1;
    int64_t sub = bucket - (int64_t)shift * SUB;
    *lo = sub << shift;
    *hi = *lo + (((int64_t)1 << shift) - 1);
}

void hist_record_n(hist *h, int64_t v, uint64_t n)
{
    if (n == 0) return;
    if (v < 0) v = 0;
    if (h->count == 0 || v < h->min) h->min = v;
    if (h->count == 0 || v > h->max) h->max = v;
    h->count += n;
    h->sum += (double)v * (double)n;
    h->buckets[hist_bucket_of(v)] += n;
}

void hist_record(hist *h, int64_t v)
{
    hist_record_n(h, v, 1);
}

void hist_merge(hist *into, const hist *from)
{
    if (from->count == 0) return;
    if (into->count == 0 || from->min < into->min) into->min = from->min;
    if (into->count == 0 || from->max > into->max) into->max = from->max;
    into->count += from->count;
    into->sum += from->sum;
    for (int i = 0; i < HIST_BUCKETS; i++) into->buckets[i] += from->buckets[i];
}

int64_t hist_quantile(const hist *h, double q)
{
    if (h->count == 0) return 0;
    if (q <= 0) return h->min;
    if (q >= 1) return h->max;
    uint64_t rank = (uint64_t)(q * (double)h->count);
    if ((double)rank < q * (double)h->count) rank++; /* ceil */
    if (rank == 0) rank = 1;
    uint64_t seen = 0;
    for (int i = 0; i < HIST_BUCKETS; i++) {
        seen += h->buckets[i];
        if (seen < rank) continue;
        int64_t lo, hi;
        hist_bucket_range(i, &lo, &hi);
        int64_t mid = lo + (hi - lo) / 2;
        return mid < h->min ? h->min : mid > h->max ? h->max : mid;
    }
    return h->max;
}

double hist_mean(const hist *h)
{
    return h->count ? h->sum / (double)h->count : 0;
}

bool hist_check(const hist *h)
{
    uint64_t n = 0;
    for (int i = 0; i < HIST_BUCKETS; i++) n += h->buckets[i];
    if (n != h->count) return false;
    if (n == 0) return true;
    return h->min <= h->max && h->buckets[hist_bucket_of(h->min)] > 0 &&
           h->buckets[hist_bucket_of(h->max)] > 0;
}
