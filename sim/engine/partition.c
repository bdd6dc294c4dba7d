/* The partitioner (partition.h). Without load hints (PHOLD, tests) groups go to partitions in
 * contiguous runs balanced by LP count, as the engine always did. With hints, each distinct
 * lookahead W between groups holding LPs is a candidate cut: groups linked by less than W are
 * joined into clusters (union-find), the clusters are packed into at most `threads` partitions
 * largest load first, and the estimate of partition.h's cost model scores the cut:
 *   one thread:  total events x EVENT_NS
 *   split:       busiest partition's events x EVENT_NS + windows x WINDOW_NS
 * per simulated second. The best cut wins if its gain reaches PARTITION_MIN_GAIN. Setup only:
 * candidates x groups^2 steps, groups being tens (AZs, Regions, sites). */
#include "engine/partition.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_HINTED_GROUPS = 256 }; /* beyond this, the cost of trying every cut is not worth it */

/* Contiguous runs of groups balanced by LP count (no hints): the engine's old mapping. */
static void plan_by_count(const partition_input *in, partition_plan *plan)
{
    uint64_t total = 0, before = 0;
    uint32_t used = 0;
    for (uint32_t g = 0; g < in->ngroups; g++) total += in->lps[g], used += in->lps[g] > 0;
    plan->nparts = (int)(used < (uint32_t)in->threads ? (used ? used : 1) : (uint32_t)in->threads);
    for (uint32_t g = 0; g < in->ngroups; g++) {
        plan->group_part[g] = (uint32_t)(before * (uint64_t)plan->nparts / (total ? total : 1));
        before += in->lps[g];
    }
    plan->why = plan->nparts > 1 ? ENGINE_SPLIT_BY_COUNT : ENGINE_SPLIT_ONE_GROUP;
}

static uint32_t uf_find(uint32_t *up, uint32_t x)
{
    while (up[x] != x) x = up[x] = up[up[x]];
    return x;
}

static vs_time la_of(const partition_input *in, uint32_t a, uint32_t b)
{
    return in->la[(size_t)a * in->ngroups + b];
}

/* Joins groups (with LPs) linked below w, either way; root[g] is g's cluster (its least group).
 * Returns the number of clusters. */
static uint32_t cluster_below(const partition_input *in, vs_time w, uint32_t *root)
{
    uint32_t n = in->ngroups, k = 0;
    for (uint32_t g = 0; g < n; g++) root[g] = g;
    for (uint32_t a = 0; a < n; a++)
        for (uint32_t b = a + 1; in->lps[a] && b < n; b++) {
            if (!in->lps[b] || (la_of(in, a, b) >= w && la_of(in, b, a) >= w)) continue;
            uint32_t ra = uf_find(root, a), rb = uf_find(root, b);
            if (ra != rb) root[ra > rb ? ra : rb] = ra < rb ? ra : rb;
        }
    for (uint32_t g = 0; g < n; g++) {
        root[g] = uf_find(root, g);
        k += in->lps[g] && root[g] == g;
    }
    return k;
}

/* A cluster to pack: its root group and its load. */
typedef struct cluster {
    uint32_t root;
    double load;
} cluster;

static int cmp_cluster(const void *x, const void *y)
{
    const cluster *a = x, *b = y;
    if (a->load != b->load) return a->load > b->load ? -1 : 1;
    return a->root < b->root ? -1 : a->root > b->root;
}

/* Packs the clusters of root[] into at most threads partitions, heaviest first into the lightest
 * (ties: the lowest index). Fills part[] (for every group) and returns the busiest partition's
 * load. c and bin are scratch of ngroups and threads entries. */
static double pack(const partition_input *in, const uint32_t *root, uint32_t nclusters, cluster *c,
                   double *bin, uint32_t *part, int *nparts)
{
    uint32_t k = 0;
    for (uint32_t g = 0; g < in->ngroups; g++)
        if (in->lps[g] && root[g] == g) c[k++] = (cluster){g, 0};
    for (uint32_t g = 0; g < in->ngroups; g++)
        for (uint32_t i = 0; in->lps[g] && i < k; i++)
            if (c[i].root == root[g]) c[i].load += in->load[g];
    qsort(c, k, sizeof *c, cmp_cluster);
    int np = (int)(nclusters < (uint32_t)in->threads ? nclusters : (uint32_t)in->threads);
    for (int p = 0; p < np; p++) bin[p] = 0;
    for (uint32_t i = 0; i < k; i++) {
        int best = 0;
        for (int p = 1; p < np; p++)
            if (bin[p] < bin[best]) best = p;
        bin[best] += c[i].load;
        for (uint32_t g = 0; g < in->ngroups; g++)
            if (root[g] == c[i].root) part[g] = (uint32_t)best;
    }
    double busiest = 0;
    for (int p = 0; p < np; p++)
        if (bin[p] > busiest) busiest = bin[p];
    *nparts = np;
    return busiest;
}

/* The least lookahead between groups with LPs in different partitions. */
static vs_time cut_window(const partition_input *in, const uint32_t *part)
{
    vs_time w = VS_TIME_LIMIT;
    for (uint32_t a = 0; a < in->ngroups; a++)
        for (uint32_t b = 0; in->lps[a] && b < in->ngroups; b++)
            if (in->lps[b] && part[a] != part[b] && la_of(in, a, b) < w) w = la_of(in, a, b);
    return w;
}

/* Estimated gain of a split whose busiest partition expects `busiest` of `total` events per
 * simulated second, with windows of w ns. */
static double split_gain(const partition_input *in, double total, double busiest, vs_time w)
{
    double run_s = (double)in->run_ns / 1e9, windows = run_s * 1e9 / (double)w;
    if (windows > total * run_s) windows = total * run_s; /* idle stretches are skipped */
    double one = total * run_s * PARTITION_EVENT_NS;
    double split = busiest * run_s * PARTITION_EVENT_NS + windows * PARTITION_WINDOW_NS;
    return split > 0 ? one / split : 1;
}

static int cmp_time_desc(const void *x, const void *y)
{
    vs_time a = *(const vs_time *)x, b = *(const vs_time *)y;
    return a > b ? -1 : a < b;
}

/* The distinct lookaheads between groups with LPs, largest first, into cand; returns how many. */
static size_t candidates(const partition_input *in, vs_time *cand)
{
    size_t n = 0, k = 0;
    for (uint32_t a = 0; a < in->ngroups; a++)
        for (uint32_t b = 0; in->lps[a] && b < in->ngroups; b++)
            if (a != b && in->lps[b] && la_of(in, a, b) > 0) cand[n++] = la_of(in, a, b);
    qsort(cand, n, sizeof *cand, cmp_time_desc);
    for (size_t i = 0; i < n; i++)
        if (k == 0 || cand[i] != cand[k - 1]) cand[k++] = cand[i];
    return k;
}

typedef struct scratch {
    vs_time *cand;
    uint32_t *root, *part;
    cluster *c;
    double *bin;
} scratch;

/* Tries every candidate cut; keeps the best in plan (gain 1 and one partition if none). */
static void plan_by_lookahead(const partition_input *in, partition_plan *plan, scratch *s)
{
    double total = 0;
    for (uint32_t g = 0; g < in->ngroups; g++) total += in->lps[g] ? in->load[g] : 0;
    size_t nc = candidates(in, s->cand);
    bool any_cut = false;
    plan->gain = 0;
    for (size_t i = 0; i < nc; i++) {
        uint32_t k = cluster_below(in, s->cand[i], s->root);
        if (k < 2) continue;
        any_cut = true;
        int np;
        double busiest = pack(in, s->root, k, s->c, s->bin, s->part, &np);
        vs_time w = cut_window(in, s->part);
        double gain = split_gain(in, total, busiest, w);
        if (gain > plan->gain) {
            plan->gain = gain, plan->nparts = np, plan->window_ns = w;
            memcpy(plan->group_part, s->part, in->ngroups * sizeof *s->part);
        }
    }
    vs_time w = plan->window_ns < VS_TIME_LIMIT ? plan->window_ns : in->run_ns;
    plan->events_per_window = total * (double)w / 1e9;
    if (plan->gain >= PARTITION_MIN_GAIN || (in->always && any_cut)) {
        plan->why =
            plan->gain >= PARTITION_MIN_GAIN ? ENGINE_SPLIT_BY_LOOKAHEAD : ENGINE_SPLIT_ALWAYS;
        return;
    }
    plan->why = any_cut ? ENGINE_SPLIT_NO_GAIN : ENGINE_SPLIT_ONE_GROUP;
    if (!any_cut) plan->gain = 1, plan->events_per_window = 0;
    plan->nparts = 1; /* window_ns, gain and events_per_window stay the best cut's, to report */
    memset(plan->group_part, 0, in->ngroups * sizeof *plan->group_part);
}

int partition_choose(const partition_input *in, partition_plan *plan)
{
    uint32_t n = in->ngroups ? in->ngroups : 1;
    memset(plan->group_part, 0, in->ngroups * sizeof *plan->group_part);
    plan->nparts = 1, plan->window_ns = VS_TIME_LIMIT, plan->events_per_window = 0;
    plan->gain = 1, plan->why = ENGINE_SPLIT_ONE_THREAD;
    if (in->threads <= 1) return 0;
    if (!in->load || in->ngroups > MAX_HINTED_GROUPS) {
        plan_by_count(in, plan);
        return 0;
    }
    scratch s = {malloc((size_t)n * n * sizeof *s.cand), malloc(n * sizeof *s.root),
                 malloc(n * sizeof *s.part), malloc(n * sizeof *s.c),
                 malloc((size_t)in->threads * sizeof *s.bin)};
    int rc = s.cand && s.root && s.part && s.c && s.bin ? 0 : -1;
    if (rc == 0) plan_by_lookahead(in, plan, &s);
    free(s.cand), free(s.root), free(s.part), free(s.c), free(s.bin);
    return rc;
}
