/* The default event list: a one-rung ladder queue (after Tang, Goh & Thng 2005). Far events sit
 * unsorted in `top`; a rebuild spreads them over a rung of equal-width buckets (power-of-two
 * width, about BUCKET_TARGET events each); the next non-empty bucket is swapped into `bottom` and
 * sorted. Pushes and pops are O(1) amortised for the smooth time spreads of PHOLD and of request
 * flows; a skewed spread costs at worst one sort of a large bucket, never a wrong order.
 *
 * Invariant (ladder_check): bottom < bot_end <= rung buckets [cur, nb) < top_start <= top, each
 * bucket i holding [r_start + i*w, r_start + (i+1)*w), w = 2^shift; bottom sorted descending. */
#include <stdlib.h>
#include <string.h>

#include "evq.h"

enum {
    BUCKET_TARGET = 4,  /* events per bucket the width aims at */
    SAMPLE_MAX = 64,    /* events sampled to choose the width */
    INSERTION_MAX = 24, /* sorts this small use insertion sort */
    MAX_SHIFT = 59,     /* r_start + nb * width stays below 2^63 for times < VS_TIME_LIMIT */
};

typedef struct bucket {
    vs_event *v;  /* events, unsorted */
    uint32_t n;   /* held */
    uint32_t cap; /* allocated */
} bucket;

typedef struct ladder {
    evq base;
    bucket bot;        /* events < bot_end, sorted descending (least last) */
    vs_time bot_end;   /* end of what bottom covers */
    bucket *bk;        /* the rung */
    size_t nb;         /* buckets in use */
    size_t cur;        /* next bucket to move to bottom; [0, cur) are empty */
    size_t bk_alloc;   /* bucket headers allocated (>= nb) */
    vs_time r_start;   /* start of bucket 0 */
    int shift;         /* bucket width is 1 << shift ns */
    size_t nrung;      /* events in the rung */
    vs_time top_start; /* start of what top covers */
    bucket top;        /* events >= top_start, unsorted */
    vs_time top_min;   /* least time in top (valid when top.n > 0) */
    vs_time top_max;   /* greatest time in top (valid when top.n > 0) */
    size_t n;          /* events held in all */
} ladder;

static void bucket_reserve(bucket *b, uint32_t need)
{
    if (need <= b->cap) return;
    uint32_t cap = b->cap ? b->cap : 4;
    while (cap < need) cap *= 2;
    vs_event *v = realloc(b->v, (size_t)cap * sizeof *v);
    if (!v) abort(); /* out of memory mid-run */
    b->v = v;
    b->cap = cap;
}

static inline void bucket_append(bucket *b, const vs_event *ev)
{
    if (b->n == b->cap) bucket_reserve(b, b->n + 1);
    b->v[b->n++] = *ev;
}

static evq *ladder_create(void)
{
    ladder *l = calloc(1, sizeof *l);
    if (!l) return NULL;
    l->base.type = &evq_ladder_type;
    return &l->base;
}

static void ladder_destroy(evq *q)
{
    ladder *l = (ladder *)q;
    for (size_t i = 0; i < l->bk_alloc; i++) free(l->bk[i].v);
    free(l->bk);
    free(l->bot.v);
    free(l->top.v);
    free(l);
}

/* Descending order: the least event ends up last, so a pop is a decrement. */
static int cmp_desc(const void *a, const void *b)
{
    return ev_before(a, b) ? 1 : ev_before(b, a) ? -1 : 0;
}

static void sort_desc(vs_event *v, size_t n)
{
    if (n > INSERTION_MAX) {
        qsort(v, n, sizeof *v, cmp_desc);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        vs_event e = v[i];
        size_t j = i;
        for (; j > 0 && ev_before(&v[j - 1], &e); j--) v[j] = v[j - 1];
        v[j] = e;
    }
}

static void bottom_insert(ladder *l, const vs_event *ev)
{
    bucket *b = &l->bot;
    if (b->n == b->cap) bucket_reserve(b, b->n + 1);
    size_t i = b->n;
    for (; i > 0 && ev_before(ev, &b->v[i - 1]); i--) {}
    memmove(&b->v[i + 1], &b->v[i], (b->n - i) * sizeof *ev);
    b->v[i] = *ev;
    b->n++;
}

static void ladder_push(evq *q, const vs_event *ev)
{
    ladder *l = (ladder *)q;
    vs_time t = ev->time;
    l->n++;
    if (t >= l->top_start) {
        if (l->top.n == 0 || t < l->top_min) l->top_min = t;
        if (l->top.n == 0 || t > l->top_max) l->top_max = t;
        bucket_append(&l->top, ev);
    } else if (t >= l->bot_end) {
        bucket_append(&l->bk[(size_t)(t - l->r_start) >> l->shift], ev);
        l->nrung++;
    } else {
        bottom_insert(l, ev);
    }
}

static int floor_log2(uint64_t x) { return x ? 63 - __builtin_clzll(x) : 0; }

/* Width from a sample: the span up to the sample's upper quartile holds ~3/4 of the events;
 * buckets of about BUCKET_TARGET events over it. Far stragglers stay in top. */
static void choose_width(ladder *l, size_t *nb_out)
{
    size_t n = l->top.n, s = n < SAMPLE_MAX ? n : SAMPLE_MAX;
    vs_time sample[SAMPLE_MAX];
    for (size_t i = 0; i < s; i++) {
        vs_time t = l->top.v[i * (n / s)].time;
        size_t j = i;
        for (; j > 0 && sample[j - 1] > t; j--) sample[j] = sample[j - 1];
        sample[j] = t;
    }
    uint64_t q3 = (uint64_t)(sample[(3 * s) / 4 < s ? (3 * s) / 4 : s - 1] - l->top_min);
    double width = (double)q3 * BUCKET_TARGET * 4 / (double)(3 * n + 1);
    int shift = floor_log2(width >= 1 ? (uint64_t)width : 1);
    l->shift = shift < MAX_SHIFT ? shift : MAX_SHIFT;
    uint64_t span_buckets = ((uint64_t)(l->top_max - l->top_min) >> l->shift) + 1;
    uint64_t nb_max = 4 * n / BUCKET_TARGET + 16;
    *nb_out = span_buckets < nb_max ? span_buckets : nb_max;
}

static void ensure_buckets(ladder *l, size_t nb)
{
    if (nb <= l->bk_alloc) return;
    size_t alloc = l->bk_alloc ? l->bk_alloc : 64;
    while (alloc < nb) alloc *= 2;
    bucket *bk = realloc(l->bk, alloc * sizeof *bk);
    if (!bk) abort();
    memset(bk + l->bk_alloc, 0, (alloc - l->bk_alloc) * sizeof *bk);
    l->bk = bk;
    l->bk_alloc = alloc;
}

/* Spreads top over a new rung; keeps in top what lies past it. Called with bottom and rung empty. */
static void rebuild(ladder *l)
{
    size_t nb;
    choose_width(l, &nb);
    ensure_buckets(l, nb);
    l->nb = nb;
    l->cur = 0;
    l->r_start = l->bot_end = l->top_min;
    l->top_start = l->r_start + (vs_time)((uint64_t)nb << l->shift);
    size_t kept = 0;
    vs_time kmin = VS_TIME_LIMIT, kmax = 0;
    for (size_t i = 0; i < l->top.n; i++) {
        const vs_event *ev = &l->top.v[i];
        size_t k = (size_t)(ev->time - l->r_start) >> l->shift;
        if (k < nb) {
            bucket_append(&l->bk[k], ev);
            continue;
        }
        if (ev->time < kmin) kmin = ev->time;
        if (ev->time > kmax) kmax = ev->time;
        l->top.v[kept++] = *ev;
    }
    l->nrung = l->top.n - kept;
    l->top.n = (uint32_t)kept;
    l->top_min = kmin;
    l->top_max = kmax;
}

/* Makes bottom non-empty if any event is pending; false when the list is empty. */
static bool refill(ladder *l)
{
    for (;;) {
        if (l->nrung > 0) {
            while (l->bk[l->cur].n == 0) l->cur++;
            bucket tmp = l->bot; /* swap buffers: bottom is empty, no copy needed */
            l->bot = l->bk[l->cur];
            l->bk[l->cur] = tmp;
            l->nrung -= l->bot.n;
            l->cur++;
            l->bot_end = l->r_start + (vs_time)((uint64_t)l->cur << l->shift);
            sort_desc(l->bot.v, l->bot.n);
            return true;
        }
        if (l->top.n == 0) return false;
        rebuild(l);
    }
}

static bool ladder_pop_before(evq *q, vs_time limit, vs_event *out)
{
    ladder *l = (ladder *)q;
    if (l->bot.n == 0 && !refill(l)) return false;
    const vs_event *least = &l->bot.v[l->bot.n - 1];
    if (least->time >= limit) return false;
    *out = *least;
    l->bot.n--;
    l->n--;
    return true;
}

static vs_time ladder_min_time(evq *q)
{
    ladder *l = (ladder *)q;
    if (l->bot.n == 0 && !refill(l)) return VS_TIME_LIMIT;
    return l->bot.v[l->bot.n - 1].time;
}

static size_t ladder_size(const evq *q) { return ((const ladder *)q)->n; }

static bool bucket_in(const bucket *b, vs_time lo, vs_time hi)
{
    for (uint32_t i = 0; i < b->n; i++)
        if (b->v[i].time < lo || b->v[i].time >= hi) return false;
    return true;
}

static bool ladder_check(const evq *q)
{
    const ladder *l = (const ladder *)q;
    for (uint32_t i = 1; i < l->bot.n; i++)
        if (!ev_before(&l->bot.v[i], &l->bot.v[i - 1])) return false;
    if (l->bot.n && l->bot.v[0].time >= l->bot_end) return false;
    size_t in_rung = 0;
    for (size_t i = 0; i < l->nb; i++) {
        vs_time lo = l->r_start + (vs_time)((uint64_t)i << l->shift);
        if (i < l->cur && l->bk[i].n) return false;
        if (!bucket_in(&l->bk[i], lo, lo + ((vs_time)1 << l->shift))) return false;
        in_rung += l->bk[i].n;
    }
    for (size_t i = l->nb; i < l->bk_alloc; i++)
        if (l->bk[i].n) return false;
    if (in_rung != l->nrung || !bucket_in(&l->top, l->top_start, VS_TIME_LIMIT)) return false;
    return l->bot.n + l->nrung + l->top.n == l->n;
}

const evq_type evq_ladder_type = {
    .name = "ladder",
    .create = ladder_create,
    .destroy = ladder_destroy,
    .push = ladder_push,
    .pop_before = ladder_pop_before,
    .min_time = ladder_min_time,
    .size = ladder_size,
    .check = ladder_check,
};
