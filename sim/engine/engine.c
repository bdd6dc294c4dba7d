/* The engine: LP registry, sends, and the scheduler (sequential, or OpenMP conservative
 * synchronous windows). Hot path: one pop, one handler call and about one push per event; no
 * allocation beyond amortised buffer growth, no locks, no clock reads inside a window.
 *
 * A run: LPs are laid out (fixed stride, state inline), groups are mapped to partitions (one
 * event list each; partition.c chooses, by lookahead and load hints), every LP's init runs in id
 * order, then windows [T, T+W) repeat until the end, W being the least lookahead between groups
 * in different partitions. A split run measures its events per window as it goes and moves
 * everything to one partition when the windows hold too little work to pay for the barriers.
 * The layout is in engine_impl.h; a run across MPI ranks is engine_ranks.c. */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine_impl.h"
#include "engine/partition.h"
#include "engine/rng_impl.h"
#include "vpcsim/grow.h"
#include "engine/clock.h"

/* ---- construction ------------------------------------------------------------------------ */

vs_engine *engine_new(const engine_opts *opts, vs_error *err)
{
    const evq_type *qt = evq_type_find(opts->queue);
    if (!qt) {
        error_set(err, "unknown event list '%s' (expected ladder or heap)", opts->queue);
        return NULL;
    }
    if (opts->threads < 1 || opts->threads > MAX_THREADS) {
        error_set(err, "threads must be in [1, %d], got %d", MAX_THREADS, opts->threads);
        return NULL;
    }
    if (opts->ranks &&
        (opts->ranks->size < 1 || opts->ranks->rank < 0 || opts->ranks->rank >= opts->ranks->size ||
         opts->ranks->size > ENGINE_MAX_RANKS)) {
        error_set(err, "ranks: need 0 <= rank < size <= %d", ENGINE_MAX_RANKS);
        return NULL;
    }
    if (opts->ranks && opts->ranks->size > 1 && opts->threads != 1) {
        error_set(err, "a run across %d ranks takes one thread per rank, not %d", opts->ranks->size,
                  opts->threads);
        return NULL;
    }
    vs_engine *e = lines_alloc(1, sizeof *e);
    if (!e) {
        error_set(err, "out of memory");
        return NULL;
    }
    e->opts = *opts;
    if (opts->ranks && opts->ranks->size > 1) e->ranks = opts->ranks;
    e->qtype = qt;
    e->opts.queue = qt->name;
    return e;
}

static void free_layout(vs_engine *e)
{
    for (int i = 0; e->parts && i < e->nparts; i++) {
        partition *p = &e->parts[i];
        evq_free(p->q);
        for (int k = 0; k < 2; k++) {
            for (int j = 0; p->outs[k] && j < e->nparts; j++) free(p->outs[k][j].v);
            free(p->outs[k]);
        }
    }
    free(e->parts);
    if (e->bar_ready) barrier_fini(&e->bar);
    e->bar_ready = false;
    free(e->lp_mem);
    free(e->lp_group);
    free(e->la);
    free(e->group_part);
    free(e->plan_part);
}

void engine_free(vs_engine *e)
{
    if (!e) return;
    free_layout(e);
    free(e->desc);
    free(e->names);
    free(e->la_set);
    free(e->load);
    free(e);
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    void *q = grow_reserve(*p, need, cap, elem, 16);
    if (!q) return -1;
    *p = q;
    return 0;
}

int64_t engine_add_lp(vs_engine *e, const lp_kind *kind, const char *name, uint32_t group,
                      const void *arg, vs_error *err)
{
    if (e->ran) return error_set(err, "engine_add_lp after engine_run");
    if (!kind || !name || !*name) return error_set(err, "an LP needs a kind and a name");
    if (e->nlps >= MAX_LPS) return error_set(err, "too many LPs (at most %u)", MAX_LPS);
    if (group >= MAX_GROUPS)
        return error_set(err, "LP '%s': group %u out of range (at most %d groups)", name, group,
                         MAX_GROUPS);
    size_t len = strlen(name) + 1, cap = e->cap;
    if (grow((void **)&e->desc, &cap, e->nlps + 1, sizeof *e->desc) ||
        grow((void **)&e->names, &e->names_cap, e->names_len + len, 1))
        return error_set(err, "out of memory adding LP '%s'", name);
    e->cap = (uint32_t)cap;
    memcpy(e->names + e->names_len, name, len);
    e->desc[e->nlps] = (lp_desc){kind, e->names_len, group, arg};
    e->names_len += len;
    if (group + 1 > e->ngroups) e->ngroups = group + 1;
    return e->nlps++;
}

int engine_set_lookahead(vs_engine *e, uint32_t a, uint32_t b, vs_time ns, vs_error *err)
{
    if (ns <= 0) return error_set(err, "lookahead must be > 0 ns, got %lld", (long long)ns);
    if (a >= MAX_GROUPS || b >= MAX_GROUPS || a == b)
        return error_set(err, "lookahead needs two distinct groups below %d", MAX_GROUPS);
    if (grow((void **)&e->la_set, &e->la_cap, e->nla + 1, sizeof *e->la_set))
        return error_set(err, "out of memory");
    e->la_set[e->nla++] = (la_entry){a, b, ns};
    return 0;
}

int engine_set_default_lookahead(vs_engine *e, vs_time ns, vs_error *err)
{
    if (ns <= 0) return error_set(err, "lookahead must be > 0 ns, got %lld", (long long)ns);
    e->default_la = ns;
    return 0;
}

int engine_set_group_load(vs_engine *e, uint32_t g, double events_per_s, vs_error *err)
{
    if (g >= MAX_GROUPS || !(events_per_s >= 0))
        return error_set(err, "group load needs a group below %d and a rate >= 0", MAX_GROUPS);
    if (!e->load && !(e->load = calloc(MAX_GROUPS, sizeof *e->load)))
        return error_set(err, "out of memory");
    e->load[g] = events_per_s;
    return 0;
}

/* ---- queries ----------------------------------------------------------------------------- */

const engine_stats *engine_get_stats(const vs_engine *e)
{
    return &e->stats;
}
uint32_t engine_lp_count(const vs_engine *e)
{
    return e->nlps;
}
const char *engine_lp_name(const vs_engine *e, uint32_t id)
{
    return e->names + e->desc[id].name_off;
}
const char *engine_queue_name(const vs_engine *e)
{
    return e->qtype->name;
}
uint32_t engine_group_count(const vs_engine *e)
{
    return e->ngroups;
}
int engine_group_partition(const vs_engine *e, uint32_t g)
{
    if (!e->plan_part || g >= e->ngroups) return -1;
    for (uint32_t i = 0; i < e->nlps; i++)
        if (e->lp_group[i] == g) return (int)e->plan_part[g];
    return -1;
}
vs_time engine_lookahead(const vs_engine *e, uint32_t a, uint32_t b)
{
    return e->la && a < e->ngroups && b < e->ngroups ? e->la[(size_t)a * e->ngroups + b] : 0;
}

static const char *const split_text[ENGINE_SPLIT_COUNT] = {
    [ENGINE_SPLIT_ONE_THREAD] = "one thread",
    [ENGINE_SPLIT_ONE_GROUP] = "one thread: no link long enough to cut",
    [ENGINE_SPLIT_NO_GAIN] = "one thread: a split would not pay (too little work per window)",
    [ENGINE_SPLIT_BY_COUNT] = "split by LP count (no load hints)",
    [ENGINE_SPLIT_BY_LOOKAHEAD] = "split where links are long",
    [ENGINE_SPLIT_FELL_BACK] = "split, then one thread: too few events per window measured",
    [ENGINE_SPLIT_ALWAYS] = "split where links are long, as asked, though it may not pay",
};
const char *engine_split_text(engine_split s)
{
    return s < ENGINE_SPLIT_COUNT ? split_text[s] : "?";
}

const lp_kind *engine_lp_kind(const vs_engine *e, uint32_t id)
{
    return id < e->nlps ? e->desc[id].kind : NULL;
}

bool engine_lp_local(const vs_engine *e, uint32_t id)
{
    return id < e->nlps && (!e->lp_mem || engine_part_local(e, lp_at(e, id)->part));
}

int engine_lp_rank(const vs_engine *e, uint32_t id)
{
    return e->ranks && e->lp_mem && id < e->nlps ? (int)lp_at(e, id)->part->id : 0;
}

void *engine_lp_state(vs_engine *e, uint32_t id)
{
    return e->lp_mem && id < e->nlps ? lp_at(e, id)->state : NULL;
}

vs_time lp_now(const vs_lp *self)
{
    return self->part->now;
}
uint32_t lp_id(const vs_lp *self)
{
    return self->id;
}
const char *lp_name(const vs_lp *self)
{
    return self->name;
}
rng_stream *lp_rng(vs_lp *self)
{
    return &self->rng;
}

/* ---- sends ------------------------------------------------------------------------------- */

/* The faults a send can find end the program; kept out of lp_send's body (cold). */
__attribute__((cold, noreturn)) static void send_fault(const vs_lp *self, uint32_t dst,
                                                       vs_time delay)
{
    const vs_engine *e = self->part->eng;
    if (dst >= e->nlps)
        fprintf(stderr, "vpcsim: model bug: LP '%s' at t=%lld ns sent to LP id %u (only %u LPs)\n",
                self->name, (long long)self->part->now, dst, e->nlps);
    else if (delay < 0)
        fprintf(stderr,
                "vpcsim: model bug: LP '%s' at t=%lld ns sent to LP '%s' into the past "
                "(delay %lld ns)\n",
                self->name, (long long)self->part->now, lp_at(e, dst)->name, (long long)delay);
    else
        fprintf(stderr, "vpcsim: model bug: LP '%s' sent more than 2^%d events\n", self->name,
                VS_SEND_SEQ_BITS);
    abort();
}

__attribute__((cold, noreturn)) static void lookahead_fault(const vs_lp *self, uint32_t dst,
                                                            vs_time delay, vs_time la)
{
    const vs_engine *e = self->part->eng;
    const vs_lp *d = lp_at(e, dst);
    fprintf(stderr,
            "vpcsim: lookahead violation: LP '%s' (group %u) at t=%lld ns sent to LP '%s' "
            "(group %u) for t=%lld ns: delay %lld ns < lookahead %lld ns between their groups\n",
            self->name, self->group, (long long)self->part->now, d->name, d->group,
            (long long)(self->part->now + delay), (long long)delay, (long long)la);
    abort();
}

/* Stops partition p: its list fails (drops pushes, pops nothing), so the scheduler leaves it
 * at the next pop, and engine_run reports why. The first reason is kept. */
static void partition_fail(partition *p, const char *why)
{
    if (!p->fail[0]) snprintf(p->fail, sizeof p->fail, "%s", why);
    evq_fail(p->q);
}

void lp_fail(vs_lp *self, const char *what)
{
    char why[sizeof self->part->fail];
    snprintf(why, sizeof why, "%s (LP '%s' at t=%lld ns)", what, self->name,
             (long long)self->part->now);
    partition_fail(self->part, why);
}

static bool evbuf_room(partition *p, evbuf *b)
{
    if (b->n < b->cap || !grow((void **)&b->v, &b->cap, b->n + 1, sizeof *b->v)) return true;
    partition_fail(p, "out of memory: the buffer of events between partitions could not grow");
    return false;
}

static void evbuf_push(partition *p, evbuf *b, const vs_event *ev)
{
    if (evbuf_room(p, b)) b->v[b->n++] = *ev;
}

/* An event for another partition, stored past the caches (x86-64): the buffer's lines were last
 * read by the thread that delivered them, and an ordinary store would first fetch each line back
 * from that core (PHOLD on 2 threads: 7% of the run). engine_stream_fence makes the stores
 * visible before the window's barrier, or before the ranks' exchange. */
static void evbuf_stream(partition *p, evbuf *b, const vs_event *ev)
{
#if defined(__x86_64__)
    _Static_assert(sizeof *ev % 8 == 0, "an event is stored as whole 64-bit words");
    if (!evbuf_room(p, b)) return;
    long long *dst = (long long *)(void *)&b->v[b->n++];
    long long w[sizeof *ev / 8];
    memcpy(w, ev, sizeof w);
    for (size_t i = 0; i < sizeof w / sizeof *w; i++) _mm_stream_si64(dst + i, w[i]);
#else
    evbuf_push(p, b, ev);
#endif
}

/* To another partition: out of lp_send's body, which then needs fewer registers. */
__attribute__((noinline)) static void send_cross(partition *p, uint32_t dp, const vs_event *ev)
{
    evbuf_stream(p, &p->out[dp], ev);
    p->cross++;
}

void lp_send(vs_lp *self, uint32_t dst, vs_time delay, uint32_t type, vs_payload data)
{
    partition *p = self->part;
    const vs_engine *e = p->eng;
    uint64_t seq = self->sends++;
    if (dst >= e->nlps || delay < 0 || seq >= SEQ_LIMIT) send_fault(self, dst, delay);
    uint32_t dg = e->lp_group[dst];
    if (dg != self->group) {
        vs_time la = e->la[(size_t)self->group * e->ngroups + dg];
        if (delay < la) lookahead_fault(self, dst, delay, la);
    }
    if (delay >= p->end - p->now) return; /* at or past the end: never delivered */
    vs_event ev = {p->now + delay, (uint64_t)self->id << VS_SEND_SEQ_BITS | seq, dst, type, data};
    uint32_t dp = e->group_part[dg];
    if (dp == p->id)
        evq_push(p->q, &ev);
    else
        send_cross(p, dp, &ev);
}

bool lp_handle_next(vs_lp *self, vs_time delay)
{
    partition *p = self->part;
    if (delay < 0 || delay >= p->limit - p->now || self->sends >= SEQ_LIMIT) return false;
    vs_time t = p->now + delay;
    if (evq_min_time(p->q) <= t || engine_partition_stopped(p)) return false;
    self->sends++; /* the tie key the event would have had: later sends keep theirs */
    p->now = t;
    p->events++;
    p->at_once++;
    return true;
}

/* ---- layout ------------------------------------------------------------------------------ */

static void noop_handle(void *state, vs_lp *self, const vs_event *ev)
{
    (void)state, (void)self, (void)ev;
}

typedef struct name_key {
    uint64_t hash;
    uint32_t id;
} name_key;

static int cmp_name_key(const void *a, const void *b)
{
    const name_key *x = a, *y = b;
    if (x->hash != y->hash) return x->hash < y->hash ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* LP names seed the streams, so they must be unique. */
static int check_names(const vs_engine *e, vs_error *err)
{
    name_key *k = malloc((e->nlps ? e->nlps : 1) * sizeof *k);
    if (!k) return error_set(err, "out of memory");
    for (uint32_t i = 0; i < e->nlps; i++)
        k[i] = (name_key){rng_name_hash(engine_lp_name(e, i)), i};
    qsort(k, e->nlps, sizeof *k, cmp_name_key);
    int rc = 0;
    for (uint32_t i = 1; i < e->nlps && rc == 0; i++)
        for (uint32_t j = i; j-- > 0 && k[j].hash == k[i].hash && rc == 0;)
            if (strcmp(engine_lp_name(e, k[j].id), engine_lp_name(e, k[i].id)) == 0)
                rc = error_set(err, "two LPs are named '%s' (ids %u and %u)",
                               engine_lp_name(e, k[i].id), k[j].id, k[i].id);
    free(k);
    return rc;
}

static size_t round_up(size_t x, size_t a)
{
    return (x + a - 1) / a * a;
}

static int layout_lps(vs_engine *e, vs_error *err)
{
    size_t max_state = 0;
    for (uint32_t i = 0; i < e->nlps; i++)
        if (e->desc[i].kind->state_size > max_state) max_state = e->desc[i].kind->state_size;
    e->stride = round_up(sizeof(vs_lp), 16) + round_up(max_state, 16);
    e->lp_mem = lines_alloc(e->nlps ? e->nlps : 1, e->stride);
    e->lp_group = lines_alloc(e->nlps ? e->nlps : 1, sizeof *e->lp_group);
    if (!e->lp_mem || !e->lp_group)
        return error_set(err, "out of memory laying out %u LPs", e->nlps);
    for (uint32_t i = 0; i < e->nlps; i++) {
        const lp_desc *d = &e->desc[i];
        vs_lp *lp = lp_at(e, i);
        lp->handle = d->kind->handle ? d->kind->handle : noop_handle;
        lp->state = (char *)lp + round_up(sizeof(vs_lp), 16);
        lp->id = i;
        lp->group = d->group;
        lp->kind = d->kind;
        lp->name = e->names + d->name_off;
        rng_init(&lp->rng, e->opts.seed, lp->name);
        e->lp_group[i] = d->group;
    }
    return 0;
}

/* Chooses the partitions (partition.c): by lookahead and load when the model gave hints. */
static int map_groups(vs_engine *e, vs_time end, vs_error *err)
{
    uint32_t ng = e->ngroups ? e->ngroups : 1;
    uint64_t *count = calloc(ng, sizeof *count);
    if (!count) return error_set(err, "out of memory");
    for (uint32_t i = 0; i < e->nlps; i++) count[e->lp_group[i]]++;
    int parts = e->ranks ? e->ranks->size : e->opts.threads;
    partition_input in = {ng, count, e->load, e->la, parts, end, e->opts.split_always};
    partition_plan plan = {.group_part = e->group_part};
    int rc = partition_choose(&in, &plan);
    free(count);
    if (rc) return error_set(err, "out of memory");
    e->nparts = plan.nparts;
    e->stats.split = plan.why;
    e->stats.est_window_events = plan.events_per_window;
    e->stats.est_gain = plan.gain;
    e->stats.window_ns = plan.window_ns;
    return 0;
}

/* The least lookahead between groups (with LPs) in different partitions; an error if a pair has
 * none. */
static int window_of(vs_engine *e, vs_error *err)
{
    uint32_t ng = e->ngroups ? e->ngroups : 1;
    bool *used = calloc(ng, sizeof *used);
    if (!used) return error_set(err, "out of memory");
    for (uint32_t i = 0; i < e->nlps; i++) used[e->lp_group[i]] = true;
    e->window = VS_TIME_LIMIT;
    int rc = 0;
    for (uint32_t a = 0; a < ng && rc == 0; a++)
        for (uint32_t b = 0; b < ng && rc == 0; b++) {
            if (!used[a] || !used[b] || e->group_part[a] == e->group_part[b]) continue;
            vs_time la = e->la[(size_t)a * ng + b];
            if (la <= 0)
                rc = error_set(err,
                               "groups %u and %u run in different partitions but no "
                               "lookahead is set between them",
                               a, b);
            else if (la < e->window)
                e->window = la;
        }
    free(used);
    return rc;
}

static int build_lookahead(vs_engine *e, vs_time end, vs_error *err)
{
    uint32_t ng = e->ngroups ? e->ngroups : 1;
    e->la = lines_alloc((size_t)ng * ng, sizeof *e->la);
    e->group_part = lines_alloc(ng, sizeof *e->group_part);
    if (!e->la || !e->group_part) return error_set(err, "out of memory");
    for (size_t i = 0; i < (size_t)ng * ng; i++) e->la[i] = e->default_la;
    for (size_t i = 0; i < e->nla; i++) {
        const la_entry *l = &e->la_set[i];
        if (l->a < ng && l->b < ng) e->la[(size_t)l->a * ng + l->b] = l->ns;
    }
    if (map_groups(e, end, err) || window_of(e, err)) return -1;
    e->stats.window_ns = e->nparts > 1 ? e->window : e->stats.window_ns;
    e->stats.planned_partitions = e->nparts;
    e->plan_part = lines_alloc(ng, sizeof *e->plan_part);
    if (!e->plan_part) return error_set(err, "out of memory");
    memcpy(e->plan_part, e->group_part, ng * sizeof *e->plan_part);
    return 0;
}

static int make_partitions(vs_engine *e, vs_time end, vs_error *err)
{
    e->parts = lines_alloc((size_t)e->nparts, sizeof *e->parts);
    if (!e->parts) return error_set(err, "out of memory");
    for (int i = 0; i < e->nparts; i++) {
        partition *p = &e->parts[i];
        p->id = (uint32_t)i;
        p->eng = e;
        p->end = end;
        p->q = evq_new(e->qtype);
        /* each on cache lines of its own: the destinations empty one while p fills the other */
        for (int k = 0; k < 2; k++) p->outs[k] = lines_alloc((size_t)e->nparts, sizeof(evbuf));
        p->out = p->outs[0];
        if (!p->q || !p->outs[0] || !p->outs[1]) return error_set(err, "out of memory");
    }
    if (e->nparts > 1 && !e->ranks) {
        if (barrier_init(&e->bar, (uint32_t)e->nparts))
            return error_set(err, "no resources for the threads' barrier");
        e->bar_ready = true;
    }
    for (uint32_t i = 0; i < e->nlps; i++)
        lp_at(e, i)->part = &e->parts[e->group_part[e->lp_group[i]]];
    return 0;
}

/* ---- the scheduler ----------------------------------------------------------------------- */

/* Handles this partition's events with time < limit, in (time, tie) order. */
void engine_process_until(partition *p, vs_time limit)
{
    const vs_engine *e = p->eng;
    vs_event ev;
    uint64_t n = 0;
    uint32_t next;
    p->limit = limit < p->end ? limit : p->end;
    while (evq_pop_before(p->q, limit, &ev, &next)) {
        if (next != UINT32_MAX) { /* the next LP's record and state: hide the cache miss */
            const char *rec = (const char *)lp_at(e, next);
            __builtin_prefetch(rec);
            __builtin_prefetch(rec + 64);
        }
        vs_lp *lp = lp_at(e, ev.dst);
        p->now = ev.time;
        lp->handle(lp->state, lp, &ev);
        n++;
    }
    p->events += n;
    p->limit = p->now; /* outside a handler, lp_handle_next refuses */
}

/* Moves every event other partitions sent to p in the window of parity k into p's list. */
static void deliver_to(vs_engine *e, partition *p, int k)
{
    for (int s = 0; s < e->nparts; s++) {
        evbuf *b = &e->parts[s].outs[k][p->id];
        for (size_t i = 0; i < b->n; i++) evq_push(p->q, &b->v[i]);
        b->n = 0;
    }
}

bool engine_partition_stopped(const partition *p)
{
    return p->fail[0] || evq_has_failed(p->q);
}

/* Publishes p's least pending time after the window of parity k: the least of its list and of
 * the events it sent to others in that window (not yet delivered), and whether it stopped. */
static void publish(vs_engine *e, partition *p, int k)
{
    vs_time t = evq_min_time(p->q);
    for (int d = 0; d < e->nparts; d++) {
        const evbuf *b = &p->outs[k][d];
        for (size_t i = 0; i < b->n; i++) t = b->v[i].time < t ? b->v[i].time : t;
    }
    p->pub[k] = (published){t, engine_partition_stopped(p)};
}

/* True when a partition had stopped early at the publish of parity k: every thread reads the
 * same published flags after the barrier, so all leave the loop together. */
static bool any_stopped(const vs_engine *e, int k)
{
    for (int i = 0; i < e->nparts; i++)
        if (e->parts[i].pub[k].stopped) return true;
    return false;
}

/* -1 with err set if a partition stopped early (the first in id order), else 0. */
int engine_run_failure(const vs_engine *e, vs_error *err)
{
    for (int i = 0; i < e->nparts; i++) {
        const partition *p = &e->parts[i];
        if (p->fail[0]) return error_set(err, "%s", p->fail);
        if (evq_has_failed(p->q)) /* the list itself could not grow */
            return error_set(err,
                             "out of memory: the event list could not grow (%zu events "
                             "pending in partition %d)",
                             evq_size(p->q), i);
    }
    return 0;
}

static vs_time global_next(const vs_engine *e, int k)
{
    vs_time t = VS_TIME_LIMIT;
    for (int i = 0; i < e->nparts; i++)
        if (e->parts[i].pub[k].next < t) t = e->parts[i].pub[k].next;
    return t;
}

enum {
    CHUNK_WINDOWS = 256, /* windows of simulated time between two looks at how a split does */
    PROBE_FIRST = 2,     /* chunks before the other way is tried again; doubles while it loses */
    PROBE_MAX = 64,
};

/* Whether the split has paid so far, by partition.h's cost model applied to the counts of its
 * windows: the events of all partitions on one core against the busiest partition's events plus
 * the windows' barriers. Deterministic: counts only. */
static bool split_pays(const vs_engine *e, uint64_t windows)
{
    uint64_t total = 0, busiest = 0;
    for (int i = 0; i < e->nparts; i++) {
        uint64_t n = e->parts[i].split_events;
        total += n;
        if (n > busiest) busiest = n;
    }
    double one = (double)total * PARTITION_EVENT_NS;
    double split = (double)busiest * PARTITION_EVENT_NS + (double)windows * PARTITION_WINDOW_NS;
    return one >= split;
}

/* Conservative synchronous windows until the least pending time reaches stop, one barrier a
 * window: process [T, T+W) (sends to other partitions go to the buffers of the window's parity
 * k) | publish next | barrier | T' = least published | deliver the buffers of parity k. A
 * partition that is already in the next window fills the other buffers, and the next writes
 * to these follow the next barrier, which each thread passes only after its deliveries. Every
 * thread computes the same T from the published minima, so all leave together, with no event
 * left in the buffers. Returns the windows run. */
static uint64_t run_windows(vs_engine *e, vs_time stop)
{
    uint64_t windows = 0;
    int k = e->parity; /* what was sent before (by init) is in the buffers of parity k */
    engine_stream_fence();
#pragma omp parallel num_threads(e->nparts) reduction(+ : windows) firstprivate(k)
    {
        int tid = omp_get_thread_num(), nth = omp_get_num_threads();
        /* OpenMP may give fewer threads than partitions (OMP_THREAD_LIMIT, OMP_DYNAMIC, a
         * region nested in another): each thread then runs several, and the barrier counts the
         * threads there are (waiting for absent ones would never end). */
#pragma omp single
        {
            e->bar.n = (uint32_t)nth;
            if (e->stats.threads == 0 || nth < e->stats.threads) e->stats.threads = nth;
        }
        for (int i = tid; i < e->nparts; i += nth) publish(e, &e->parts[i], k);
        barrier_wait(&e->bar);
        for (;;) {
            for (int i = tid; i < e->nparts; i += nth) deliver_to(e, &e->parts[i], k);
            vs_time t = global_next(e, k);
            if (t >= stop || any_stopped(e, k)) break;
            vs_time wend = e->window >= stop - t ? stop : t + e->window;
            k ^= 1;
            for (int i = tid; i < e->nparts; i += nth) {
                partition *p = &e->parts[i];
                p->out = p->outs[k];
                engine_process_until(p, wend);
                publish(e, p, k);
            }
            engine_stream_fence();
            windows += tid == 0;
            barrier_wait(&e->bar);
        }
#pragma omp single nowait
        e->parity = k;
    }
    return windows;
}

/* Gives p a new, empty list in place of its drained one: a drained ladder keeps its epoch, and
 * events earlier than its last pop would break its order. Out of memory stops the run. */
static void renew_list(partition *p)
{
    evq *q = evq_new(p->eng->qtype);
    if (!q) {
        partition_fail(p, "out of memory: a new event list could not be made");
        return;
    }
    evq_free(p->q);
    p->q = q;
}

/* Moves every pending event and every LP to partition 0 (one thread from now on), or back to
 * the partitions of the plan. Results do not change: the order of events is (time, tie) in any
 * partitioning. */
static void merge_partitions(vs_engine *e)
{
    partition *p0 = &e->parts[0];
    vs_event ev;
    uint32_t next;
    for (int i = 1; i < e->nparts; i++) {
        while (evq_pop_before(e->parts[i].q, VS_TIME_LIMIT, &ev, &next)) evq_push(p0->q, &ev);
        renew_list(&e->parts[i]);
    }
    for (uint32_t g = 0; g < (e->ngroups ? e->ngroups : 1); g++) e->group_part[g] = 0;
    for (uint32_t i = 0; i < e->nlps; i++) lp_at(e, i)->part = p0;
}

static void unmerge_partitions(vs_engine *e)
{
    partition *p0 = &e->parts[0];
    evbuf *b = &p0->out[0]; /* a partition never sends to itself: scratch */
    vs_event ev;
    uint32_t next;
    while (evq_pop_before(p0->q, VS_TIME_LIMIT, &ev, &next)) evbuf_push(p0, b, &ev);
    renew_list(p0);
    memcpy(e->group_part, e->plan_part, (e->ngroups ? e->ngroups : 1) * sizeof *e->group_part);
    for (uint32_t i = 0; i < e->nlps; i++)
        lp_at(e, i)->part = &e->parts[e->group_part[e->lp_group[i]]];
    for (size_t k = 0; k < b->n; k++)
        evq_push(e->parts[e->group_part[e->lp_group[b->v[k].dst]]].q, &b->v[k]);
    b->n = 0;
}

/* How a split run goes: which way it runs and what each way cost when last measured. */
typedef struct pace {
    bool split;             /* windows across the threads, else one thread */
    bool probing;           /* this chunk tries the other way */
    double ns_per_event[2]; /* wall ns per event: [0] one thread, [1] split; 0: not measured */
    int since, every;       /* chunks since the last probe, and chunks between probes */
    uint64_t before[MAX_THREADS]; /* each partition's events at the chunk's start */
} pace;

static uint64_t events_so_far(const vs_engine *e)
{
    uint64_t n = 0;
    for (int i = 0; i < e->nparts; i++) n += e->parts[i].events;
    return n;
}

/* After a chunk that took ns per event: keep the faster way, and now and then try the other
 * one (the machine's load changes). Returns whether to switch. */
static bool pace_next(pace *pc, double ns)
{
    pc->ns_per_event[pc->split] = ns;
    if (pc->probing) {
        pc->probing = false;
        if (ns <= pc->ns_per_event[!pc->split]) {
            pc->every = PROBE_FIRST;
            return false;
        }
        pc->every = pc->every * 2 < PROBE_MAX ? pc->every * 2 : PROBE_MAX;
        return true;
    }
    if (++pc->since < pc->every) return false;
    pc->since = 0, pc->probing = true;
    return true;
}

/* One chunk of the split run: the windows, then the cost model's verdict on them. Returns false
 * if the split cannot pay (the run then stays on one thread). */
static bool split_chunk(vs_engine *e, pace *pc, vs_time stop)
{
    for (int i = 0; i < e->nparts; i++) pc->before[i] = e->parts[i].events;
    uint64_t w = run_windows(e, stop);
    e->stats.windows += w;
    for (int i = 0; i < e->nparts; i++) {
        uint64_t n = e->parts[i].events - pc->before[i];
        e->parts[i].split_events += n;
        e->stats.split_events += n;
    }
    return e->opts.split_always || split_pays(e, e->stats.windows);
}

static vs_time next_time(const vs_engine *e, bool split)
{
    vs_time t = VS_TIME_LIMIT;
    for (int i = 0; i < (split ? e->nparts : 1); i++) {
        vs_time x = evq_min_time(e->parts[i].q);
        if (x < t) t = x;
    }
    return t;
}

static bool any_partition_stopped(const vs_engine *e)
{
    for (int i = 0; i < e->nparts; i++)
        if (engine_partition_stopped(&e->parts[i])) return true;
    return false;
}

/* A split run in chunks of CHUNK_WINDOWS windows: split while it pays by the cost model (else
 * one thread to the end), and (with load hints) by the wall clock, one thread or split,
 * whichever was faster when last measured. */
static void run_split(vs_engine *e, vs_time end)
{
    pace pc = {.split = true, .every = PROBE_FIRST};
    /* by the wall clock only runs with load hints (the network model): PHOLD and tests keep the
     * split they were given, so that it is what they measure */
    bool paced = e->load && !e->opts.split_always;
    vs_time span = e->window < end / CHUNK_WINDOWS ? e->window * CHUNK_WINDOWS : end;
    for (;;) {
        vs_time t = next_time(e, pc.split);
        if (t >= end || any_partition_stopped(e)) break;
        vs_time stop = span >= end - t ? end : t + span;
        uint64_t n0 = events_so_far(e);
        double t0 = clock_mono_s();
        if (pc.split && !split_chunk(e, &pc, stop)) {
            merge_partitions(e);
            e->stats.split = ENGINE_SPLIT_FELL_BACK;
            engine_process_until(&e->parts[0], end);
            return;
        }
        if (!pc.split) engine_process_until(&e->parts[0], stop);
        uint64_t n = events_so_far(e) - n0;
        if (n == 0 || !paced || !pace_next(&pc, (clock_mono_s() - t0) * 1e9 / (double)n)) continue;
        if (pc.split)
            merge_partitions(e);
        else
            unmerge_partitions(e);
        pc.split = !pc.split;
        e->stats.switches++;
    }
}

/* Windows across the partitions (run_split), or one partition from start to end. What the
 * LPs' init sent to other partitions is delivered first: the run starts from the least pending
 * time, and that event may be such a send. */
static void run_events(vs_engine *e, vs_time end)
{
    e->stats.partitions = e->nparts;
    if (e->ranks) {
        engine_run_ranks(e, end);
        return;
    }
    if (e->nparts > 1) {
        for (int i = 0; i < e->nparts; i++) deliver_to(e, &e->parts[i], e->parity);
        run_split(e, end);
        if (e->stats.split == ENGINE_SPLIT_FELL_BACK) e->stats.partitions = 1;
        return;
    }
    engine_process_until(&e->parts[0], end);
}

static void init_lps(vs_engine *e)
{
    for (uint32_t i = 0; i < e->nlps; i++) {
        vs_lp *lp = lp_at(e, i);
        if (!engine_part_local(e, lp->part)) continue;
        lp->part->now = 0;
        if (lp->kind->init) lp->kind->init(lp->state, lp, e->desc[i].arg);
    }
}

static void finish_lps(vs_engine *e, vs_time end)
{
    for (uint32_t i = 0; i < e->nlps; i++) {
        vs_lp *lp = lp_at(e, i);
        if (!engine_part_local(e, lp->part)) continue;
        lp->part->now = end;
        if (lp->kind->finish) lp->kind->finish(lp->state, lp);
    }
}

int engine_run(vs_engine *e, vs_time end, vs_error *err)
{
    if (e->ran) return error_set(err, "engine_run called twice");
    if (end <= 0 || end > VS_TIME_LIMIT)
        return error_set(err, "end time must be in (0, %lld] ns", (long long)VS_TIME_LIMIT);
    if (check_names(e, err) || layout_lps(e, err) || build_lookahead(e, end, err) ||
        make_partitions(e, end, err)) {
        free_layout(e);
        e->parts = NULL, e->lp_mem = NULL, e->lp_group = NULL, e->la = NULL, e->group_part = NULL;
        e->plan_part = NULL;
        e->nparts = 0;
        return -1;
    }
    e->ran = true;
    double t0 = clock_mono_s();
    init_lps(e);
    run_events(e, end);
    e->stats.wall_s = clock_mono_s() - t0;
    finish_lps(e, end);
    for (int i = 0; i < e->nparts; i++) {
        e->stats.events += e->parts[i].events;
        e->stats.cross_events += e->parts[i].cross;
        e->stats.at_once += e->parts[i].at_once;
    }
    e->stats.ranks = e->ranks ? e->ranks->size : 1;
    int rc = engine_run_failure(e, err);
    return e->ranks ? engine_ranks_finish(e, rc, err) : rc;
}
