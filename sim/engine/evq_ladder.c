/* The default event list: a ladder queue (Tang, Goh & Thng 2005). Far events sit unsorted in
 * `top`; a rebuild spreads them over rung 0, a bounded number of equal-width buckets (power-of-two
 * width). The next non-empty bucket of the deepest rung either spawns a finer rung (when it holds
 * many events) or is copied into `bottom` and sorted. Pushes and pops are O(1) amortised; rung 0
 * stays small enough (RUNG0_MAX buckets) for its bucket tails to stay in cache with millions of
 * pending events. Expected load: PHOLD and request flows, events spread smoothly ahead of now.
 * Bottom is sorted by spreading (a counting sort on the high bits of the time), not by
 * comparisons: O(n) expected with few mispredicted branches, where quicksort's were the cost.
 *
 * Invariant (ladder_check): bottom < bot_end <= deepest rung ... <= rung 0 < top_start <= top.
 * Rung i holds events in [bound_i, end_i); rung i+1 covers the bucket of rung i just expanded,
 * [start_{i+1}, bound_i); bucket k of a rung holds [start + k*w, start + (k+1)*w), w = 2^shift. */
#include <stdlib.h>
#include <string.h>

#include "engine/evq.h"
#include "engine/lines.h"
#include "vpcsim/grow.h"

enum {
    BUCKET_TARGET = 32, /* events per bucket a width aims at (bucket_target) */
    SMALL_TARGET = 8,   /* ... in a list of at most SMALL_LIST events */
    SMALL_LIST = 1 << 16,
    SPAWN_MIN = 64,     /* a bucket with more events spawns a finer rung instead of a sort */
    BOTTOM_MAX = 128,   /* a bottom grown past this by pushes is spread over a new finer rung */
    RUNG0_MAX = 4096,   /* buckets of rung 0 */
    MAX_RUNGS = 8,      /* rung depth */
    CHUNK_EVENTS = 16,  /* events per bucket chunk (a chunk is 648 bytes; a power of two) */
    SLAB_CHUNKS = 64,   /* chunks allocated at a time */
    SAMPLE_MAX = 64,    /* events sampled to choose rung 0's width */
    INSERTION_MAX = 16, /* sorts this small use insertion sort */
    SPREAD_BITS = 10,   /* a spreading sort uses at most 2^SPREAD_BITS sub-ranges */
    MAX_SHIFT = 59,     /* start + nb * width stays below 2^63 for times < VS_TIME_LIMIT */
};

/* Buckets are lists of fixed-size chunks from a shared free list, so memory follows the events
 * held rather than each bucket's peak. Every chunk of a bucket but its tail is full, so the
 * bucket's count says where the next event goes: a push reads no chunk header. */
typedef struct chunk {
    vs_event ev[CHUNK_EVENTS]; /* unsorted */
    struct chunk *next;        /* next chunk of the bucket, or of the free list */
} chunk;

typedef struct bucket {
    chunk *head; /* first chunk, NULL when empty */
    chunk *tail; /* chunk appended to */
    size_t n;    /* events held: full chunks, then n % CHUNK_EVENTS in the tail (if not 0) */
} bucket;

typedef struct slab {
    struct slab *next;         /* all slabs, for freeing */
    chunk chunks[SLAB_CHUNKS]; /* carved into the free list */
} slab;

typedef struct rung {
    bucket *bk;    /* buckets */
    size_t nb;     /* buckets in use */
    size_t alloc;  /* bucket headers allocated */
    size_t cur;    /* next bucket to take; [0, cur) are empty */
    vs_time start; /* start of bucket 0 */
    vs_time bound; /* start + cur * width: what is below went to a finer rung or bottom */
    int shift;     /* width = 1 << shift ns */
    size_t n;      /* events held */
} rung;

typedef struct evvec {
    vs_event *v; /* events */
    size_t n;    /* held */
    size_t cap;  /* allocated */
} evvec;

typedef struct ladder {
    evq base;
    evvec bot;             /* events < bot_end, sorted descending (least last) */
    evvec spare;           /* scratch of a refill: a bucket's events before they are sorted */
    vs_time bot_end;       /* end of what bottom covers */
    rung rungs[MAX_RUNGS]; /* [0, nr) active; 0 is the coarsest */
    int nr;                /* active rungs */
    vs_time top_start;     /* start of what top covers (= end of rung 0) */
    evvec top;             /* events >= top_start, unsorted */
    vs_time top_min;       /* least time in top (valid when top.n > 0) */
    vs_time top_max;       /* greatest time in top (valid when top.n > 0) */
    size_t n;              /* events held in all */
    chunk *free;           /* free chunks */
    slab *slabs;           /* every slab allocated */
} ladder;

/* Out of memory the ladder fails (evq_fail): it becomes a list that drops pushes and pops
 * nothing, the engine reports the error, and the operation under way stops where it stands (the
 * counts may then disagree with the contents: only destroy reads the structure afterwards). */
static bool ladder_fail(ladder *l)
{
    evq_fail(&l->base);
    return false;
}

static bool evvec_reserve(ladder *l, evvec *b, size_t need)
{
    vs_event *v = grow_reserve(b->v, need, &b->cap, sizeof *v, 64);
    if (!v) return ladder_fail(l);
    b->v = v;
    return true;
}

static inline void evvec_append(ladder *l, evvec *b, const vs_event *ev)
{
    if (b->n == b->cap && !evvec_reserve(l, b, b->n + 1)) return;
    b->v[b->n++] = *ev;
}

/* A free chunk, or NULL (the ladder failed) out of memory. */
static chunk *chunk_get(ladder *l)
{
    if (!l->free) {
        slab *s = malloc(sizeof *s);
        if (!s) {
            ladder_fail(l);
            return NULL;
        }
        s->next = l->slabs;
        l->slabs = s;
        for (size_t i = 0; i < SLAB_CHUNKS; i++) {
            s->chunks[i].next = l->free;
            l->free = &s->chunks[i];
        }
    }
    chunk *c = l->free;
    l->free = c->next;
    c->next = NULL;
    return c;
}

/* Chains a new tail to bucket b; false (the ladder failed) out of memory. */
static bool bucket_extend(ladder *l, bucket *b)
{
    chunk *c = chunk_get(l);
    if (!c) return false;
    if (b->n)
        b->tail->next = c;
    else
        b->head = c;
    b->tail = c;
    return true;
}

static inline void bucket_append(ladder *l, bucket *b, const vs_event *ev)
{
    size_t slot = b->n % CHUNK_EVENTS;
    if (slot == 0 && !bucket_extend(l, b)) return;
    b->tail->ev[slot] = *ev;
    b->n++;
}

/* Events held by chunk c of bucket b, `left` of whose events are in c and the chunks after it. */
static inline size_t chunk_count(size_t left)
{
    return left < CHUNK_EVENTS ? left : CHUNK_EVENTS;
}

static inline void rung_append(ladder *l, rung *r, const vs_event *ev)
{
    bucket_append(l, &r->bk[(size_t)(ev->time - r->start) >> r->shift], ev);
    r->n++;
}

static void chunk_release(ladder *l, chunk *c)
{
    c->next = l->free;
    l->free = c;
}

/* Empties bucket b into the scratch vector and gives its chunks back; false when out of memory
 * (the ladder failed). */
static bool bucket_to_spare(ladder *l, bucket *b)
{
    if (!evvec_reserve(l, &l->spare, b->n)) return false;
    vs_event *dst = l->spare.v;
    size_t left = b->n;
    for (chunk *c = b->head, *next; c; c = next) {
        next = c->next;
        size_t k = chunk_count(left);
        memcpy(dst, c->ev, k * sizeof *dst);
        dst += k, left -= k;
        chunk_release(l, c);
    }
    l->spare.n = b->n;
    *b = (bucket){NULL, NULL, 0};
    return true;
}

static const evq_type ladder_failed_type;

static evq *ladder_create(void)
{
    ladder *l = lines_alloc(1, sizeof *l); /* two threads' lists are made one after the other */
    if (!l) return NULL;
    l->base.type = &evq_ladder_type;
    return &l->base;
}

static void ladder_destroy(evq *q)
{
    ladder *l = (ladder *)q;
    while (l->slabs) {
        slab *next = l->slabs->next;
        free(l->slabs);
        l->slabs = next;
    }
    for (int i = 0; i < MAX_RUNGS; i++) free(l->rungs[i].bk);
    free(l->bot.v);
    free(l->spare.v);
    free(l->top.v);
    free(l);
}

static void insertion_sort_desc(vs_event *v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        vs_event e = v[i];
        size_t j = i;
        for (; j > 0 && ev_before(&v[j - 1], &e); j--) v[j] = v[j - 1];
        v[j] = e;
    }
}

static inline void ev_swap(vs_event *a, vs_event *b)
{
    vs_event t = *a;
    *a = *b;
    *b = t;
}

/* Descending order, so the least event ends up last and a pop is a decrement. Quicksort with a
 * median-of-three pivot; recursion on the smaller side keeps the stack O(log n). */
static void sort_desc(vs_event *v, size_t n)
{
    while (n > INSERTION_MAX) {
        size_t mid = n / 2;
        if (ev_before(&v[0], &v[mid])) ev_swap(&v[0], &v[mid]);
        if (ev_before(&v[mid], &v[n - 1])) ev_swap(&v[mid], &v[n - 1]);
        if (ev_before(&v[0], &v[mid])) ev_swap(&v[0], &v[mid]);
        vs_event pivot = v[mid];
        size_t i = 0, j = n - 1;
        for (;;) {
            while (ev_before(&pivot, &v[i])) i++;
            while (ev_before(&v[j], &pivot)) j--;
            if (i >= j) break;
            ev_swap(&v[i++], &v[j--]);
        }
        size_t left = j + 1; /* v[0, left) >= pivot >= v[left, n) */
        if (left < n - left) {
            sort_desc(v, left);
            v += left, n -= left;
        } else {
            sort_desc(v + left, n - left);
            n = left;
        }
    }
    insertion_sort_desc(v, n);
}

static void bottom_insert(ladder *l, const vs_event *ev)
{
    evvec *b = &l->bot;
    if (b->n == b->cap && !evvec_reserve(l, b, b->n + 1)) return;
    size_t i = b->n++;
    for (; i > 0 && ev_before(&b->v[i - 1], ev); i--) b->v[i] = b->v[i - 1]; /* few: near least */
    b->v[i] = *ev;
}

static void respawn_bottom(ladder *l);

/* Into the sorted bottom; one grown past BOTTOM_MAX becomes a finer rung. */
static void bottom_push(ladder *l, const vs_event *ev)
{
    bottom_insert(l, ev);
    if (l->bot.n > BOTTOM_MAX && l->nr < MAX_RUNGS) respawn_bottom(l);
}

void evq_ladder_push(evq *q, const vs_event *ev)
{
    ladder *l = (ladder *)q;
    vs_time t = ev->time;
    l->n++;
    if (t < l->bot_end) { /* below every rung: the bottom (about half the pushes of a flow model) */
        bottom_push(l, ev);
        return;
    }
    if (t >= l->top_start) {
        if (l->top.n == 0 || t < l->top_min) l->top_min = t;
        if (l->top.n == 0 || t > l->top_max) l->top_max = t;
        evvec_append(l, &l->top, ev);
        return;
    }
    /* Bounds fall from rung 0 down, so the rung of t is the count of rungs whose bound is above
     * t: counted without a branch (which rung an event lands in is close to random). */
    int i = 0;
    for (int k = 0; k < l->nr; k++) i += t < l->rungs[k].bound;
    if (i < l->nr) {
        rung_append(l, &l->rungs[i], ev);
        return;
    }
    bottom_push(l, ev); /* above bot_end, below every bound: the rungs under it are spent */
}

/* Events per bucket a new rung aims at. A list small enough to stay in cache (a flow model's
 * few hundred events in flight) gains by small buckets: fewer events sorted per refill and
 * shifted per bottom insert (tgw-hub: 3.5% of the run); a large one (PHOLD's 2 M) pays a cache
 * miss per bucket and keeps 32 (8 there costs 13%). */
static size_t bucket_target(const ladder *l)
{
    return l->n <= SMALL_LIST ? SMALL_TARGET : BUCKET_TARGET;
}

static int floor_log2(uint64_t x)
{
    return x ? 63 - __builtin_clzll(x) : 0;
}
static int ceil_log2(uint64_t x)
{
    return x > 1 ? floor_log2(x - 1) + 1 : 0;
}

/* Sorts each run of dst's events by comparisons: a run of count[j] events per sub-range, j
 * descending. Runs are short (about one event) unless times cluster. */
static void sort_runs(vs_event *dst, const uint32_t *count, size_t nb)
{
    for (size_t j = nb; j-- > 0;) {
        size_t k = count[j];
        if (k > INSERTION_MAX)
            sort_desc(dst, k);
        else if (k > 1)
            insertion_sort_desc(dst, k);
        dst += k;
    }
}

/* Writes src's n events into dst in descending (time, tie) order: spreads them over about n
 * equal sub-ranges of [least, greatest time] by a counting sort (no comparisons), then sorts
 * each sub-range's few events. */
static void spread_sort_desc(const vs_event *src, size_t n, vs_event *dst)
{
    uint32_t count[1 << SPREAD_BITS];
    vs_time lo = src[0].time, hi = lo;
    for (size_t i = 1; i < n; i++) {
        lo = src[i].time < lo ? src[i].time : lo;
        hi = src[i].time > hi ? src[i].time : hi;
    }
    int bits = ceil_log2(n) < SPREAD_BITS ? ceil_log2(n) : SPREAD_BITS;
    int shift = ceil_log2((uint64_t)(hi - lo) + 1) - bits;
    if (shift < 0) shift = 0;
    size_t nb = (size_t)((uint64_t)(hi - lo) >> shift) + 1;
    memset(count, 0, nb * sizeof *count);
    for (size_t i = 0; i < n; i++) count[(uint64_t)(src[i].time - lo) >> shift]++;
    uint32_t pos[1 << SPREAD_BITS]; /* where sub-range j's next event goes: greatest first */
    uint32_t at = 0;
    for (size_t j = nb; j-- > 0;) pos[j] = at, at += count[j];
    for (size_t i = 0; i < n; i++) dst[pos[(uint64_t)(src[i].time - lo) >> shift]++] = src[i];
    sort_runs(dst, count, nb);
}

/* Gives rung r at least nb zeroed bucket headers; false when out of memory (ladder failed). */
static bool rung_reserve(ladder *l, rung *r, size_t nb)
{
    size_t old = r->alloc;
    bucket *bk = grow_reserve(r->bk, nb, &r->alloc, sizeof *bk, 64);
    if (!bk) return ladder_fail(l);
    memset(bk + old, 0, (r->alloc - old) * sizeof *bk);
    r->bk = bk;
    return true;
}

static bool rung_open(ladder *l, rung *r, vs_time start, int shift, size_t nb)
{
    if (!rung_reserve(l, r, nb)) return false;
    r->nb = nb;
    r->cur = 0;
    r->start = r->bound = start;
    r->shift = shift;
    r->n = 0;
    return true;
}

/* Pushes landing before bot_end (delays shorter than a bucket) grow bottom, and each insertion
 * costs a move of its tail: past BOTTOM_MAX, bottom becomes a new deepest rung ending at bot_end,
 * with buckets of about bucket_target events. */
static void respawn_bottom(ladder *l)
{
    vs_time lo = l->bot.v[l->bot.n - 1].time, hi = l->bot_end;
    uint64_t span = (uint64_t)(hi - lo);
    if (span <= 1) return; /* one instant: the sorted bottom is already the best structure */
    size_t target = bucket_target(l);
    int split = ceil_log2((l->bot.n + target - 1) / target);
    int shift = ceil_log2(span) - split;
    if (shift < 0) shift = 0;
    size_t nb = (size_t)((span + ((uint64_t)1 << shift) - 1) >> shift);
    rung *r = &l->rungs[l->nr];
    if (!rung_open(l, r, hi - (vs_time)((uint64_t)nb << shift), shift, nb)) return;
    l->nr++;
    for (size_t i = 0; i < l->bot.n; i++) rung_append(l, r, &l->bot.v[i]);
    l->bot.n = 0;
    l->bot_end = r->start;
}

/* Rung 0's width from a sample of top: the span up to the sample's upper quartile holds ~3/4 of
 * the events; buckets of about bucket_target events over it, at most RUNG0_MAX of them. */
static int rung0_shift(const ladder *l)
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
    double width = (double)q3 * (double)bucket_target(l) * 4 / (double)(3 * n + 1);
    int shift = floor_log2(width >= 1 ? (uint64_t)width : 1);
    while (shift < MAX_SHIFT && (q3 >> shift) >= RUNG0_MAX * 3 / 4) shift++;
    return shift < MAX_SHIFT ? shift : MAX_SHIFT;
}

/* Spreads top over a new rung 0; what lies past it stays in top. Bottom and rungs are empty.
 * False when out of memory (the ladder failed). */
static bool rebuild(ladder *l)
{
    int shift = rung0_shift(l);
    uint64_t span = ((uint64_t)(l->top_max - l->top_min) >> shift) + 1;
    rung *r = &l->rungs[0];
    if (!rung_open(l, r, l->top_min, shift, span < RUNG0_MAX ? span : RUNG0_MAX)) return false;
    l->nr = 1;
    l->bot_end = r->start;
    l->top_start = r->start + (vs_time)((uint64_t)r->nb << shift);
    size_t kept = 0;
    vs_time kmin = VS_TIME_LIMIT, kmax = 0;
    for (size_t i = 0; i < l->top.n; i++) {
        const vs_event *ev = &l->top.v[i];
        if (ev->time < l->top_start) {
            rung_append(l, r, ev);
            continue;
        }
        if (ev->time < kmin) kmin = ev->time;
        if (ev->time > kmax) kmax = ev->time;
        l->top.v[kept++] = *ev;
    }
    l->top.n = kept;
    l->top_min = kmin;
    l->top_max = kmax;
    return !evq_has_failed(&l->base);
}

/* Spreads bucket b ([start, start + 2^parent_shift)) over a new, finer rung. False when out of
 * memory (the ladder failed). */
static bool spawn(ladder *l, bucket *b, vs_time start, int parent_shift)
{
    size_t target = bucket_target(l);
    int split = ceil_log2((b->n + target - 1) / target);
    if (split > parent_shift) split = parent_shift;
    rung *r = &l->rungs[l->nr];
    if (!rung_open(l, r, start, parent_shift - split, (size_t)1 << split)) return false;
    l->nr++;
    size_t left = b->n;
    for (chunk *c = b->head, *next; c; c = next) {
        next = c->next;
        size_t k = chunk_count(left);
        for (size_t i = 0; i < k; i++) rung_append(l, r, &c->ev[i]);
        left -= k;
        chunk_release(l, c);
    }
    *b = (bucket){NULL, NULL, 0};
    return !evq_has_failed(&l->base);
}

/* Makes bottom non-empty if any event is pending; false when the list is empty or failed. */
static bool refill(ladder *l)
{
    for (;;) {
        if (l->nr == 0) {
            if (l->top.n == 0 || !rebuild(l)) return false;
        }
        rung *r = &l->rungs[l->nr - 1];
        if (r->n == 0) {
            l->nr--;
            continue;
        }
        while (r->bk[r->cur].n == 0) r->cur++;
        bucket *b = &r->bk[r->cur++];
        vs_time b_start = r->start + (vs_time)((uint64_t)(r->cur - 1) << r->shift);
        r->bound = r->start + (vs_time)((uint64_t)r->cur << r->shift);
        r->n -= b->n;
        if (b->n > SPAWN_MIN && r->shift > 0 && l->nr < MAX_RUNGS) {
            if (!spawn(l, b, b_start, r->shift)) return false;
            continue;
        }
        if (!bucket_to_spare(l, b) || !evvec_reserve(l, &l->bot, l->spare.n)) return false;
        l->bot_end = r->bound;
        l->bot.n = l->spare.n;
        if (l->bot.n <= INSERTION_MAX) {
            memcpy(l->bot.v, l->spare.v, l->bot.n * sizeof *l->bot.v);
            insertion_sort_desc(l->bot.v, l->bot.n);
        } else {
            spread_sort_desc(l->spare.v, l->spare.n, l->bot.v);
        }
        return true;
    }
}

bool evq_ladder_pop_before(evq *q, vs_time limit, vs_event *out, uint32_t *next_dst)
{
    ladder *l = (ladder *)q;
    if (l->bot.n == 0 && !refill(l)) return false;
    const vs_event *least = &l->bot.v[l->bot.n - 1];
    if (least->time >= limit) return false;
    *out = *least;
    l->n--;
    *next_dst = --l->bot.n ? least[-1].dst : UINT32_MAX;
    return true;
}

vs_time evq_ladder_min_time(evq *q)
{
    ladder *l = (ladder *)q;
    if (l->bot.n == 0 && !refill(l)) return VS_TIME_LIMIT;
    return l->bot.v[l->bot.n - 1].time;
}

static size_t ladder_size(const evq *q)
{
    return ((const ladder *)q)->n;
}

static bool events_in(const vs_event *v, size_t n, vs_time lo, vs_time hi)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].time < lo || v[i].time >= hi) return false;
    return true;
}

static bool bucket_ok(const bucket *b, vs_time lo, vs_time hi)
{
    size_t left = b->n;
    for (const chunk *c = b->head; c; c = c->next) {
        if (left == 0 || !events_in(c->ev, chunk_count(left), lo, hi)) return false;
        if (!c->next && c != b->tail) return false;
        left -= chunk_count(left);
    }
    return left == 0 && (b->head != NULL) == (b->n > 0);
}

/* Rung r's buckets hold what their ranges say, [0, cur) are empty, counts add up. */
static bool rung_ok(const rung *r, vs_time end)
{
    size_t n = 0;
    if (r->start + (vs_time)((uint64_t)r->nb << r->shift) != end) return false;
    if (r->bound != r->start + (vs_time)((uint64_t)r->cur << r->shift)) return false;
    for (size_t i = 0; i < r->alloc; i++) {
        if ((i < r->cur || i >= r->nb) && r->bk[i].n) return false;
        if (i >= r->nb) continue;
        vs_time lo = r->start + (vs_time)((uint64_t)i << r->shift);
        if (!bucket_ok(&r->bk[i], lo, lo + ((vs_time)1 << r->shift))) return false;
        n += r->bk[i].n;
    }
    return n == r->n;
}

static bool ladder_check(const evq *q)
{
    const ladder *l = (const ladder *)q;
    for (size_t i = 1; i < l->bot.n; i++)
        if (!ev_before(&l->bot.v[i], &l->bot.v[i - 1])) return false;
    if (l->bot.n && l->bot.v[0].time >= l->bot_end) return false;
    size_t held = l->bot.n + l->top.n;
    vs_time end = l->top_start;
    for (int i = 0; i < l->nr; i++) {
        if (!rung_ok(&l->rungs[i], end)) return false;
        held += l->rungs[i].n;
        end = l->rungs[i].bound;
    }
    if (l->nr && l->bot_end != end) return false;
    if (!events_in(l->top.v, l->top.n, l->top_start, VS_TIME_LIMIT)) return false;
    return held == l->n;
}

const evq_type evq_ladder_type = {
    .name = "ladder",
    .create = ladder_create,
    .destroy = ladder_destroy,
    .push = evq_ladder_push,
    .pop_before = evq_ladder_pop_before,
    .min_time = evq_ladder_min_time,
    .size = ladder_size,
    .check = ladder_check,
    .failed = &ladder_failed_type,
};

static const evq_type ladder_failed_type = {
    .name = "ladder",
    .create = ladder_create,
    .destroy = ladder_destroy,
    .push = evq_dead_push,
    .pop_before = evq_dead_pop_before,
    .min_time = evq_dead_min_time,
    .size = ladder_size,
    .check = evq_dead_check,
};
