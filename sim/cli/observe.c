/* The call collector of one run (see observe.h). Expected load: one call per observer call, up
 * to millions a second per thread, so the work per call is a hash, a few counters and at most one
 * append. Latency quantiles per bin: calls end in time order on their client's thread, so one bin
 * is open at a time; its latencies go to a small buffer (exact quantiles) and past LAT_BUF values
 * to one full histogram (hist.h, within 0.4%), reset only when it was used. */
#include "cli/observe.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "vpcsim/hist.h"
#include "vpcsim/rng.h"
#include "vpcsim/grow.h"

enum { LAT_BUF = 4096 };

typedef struct obs_wl {
    _Atomic int64_t now_ns; /* latest end time told (read by the progress line) */
    const char *name;       /* the workload's */
    uint64_t name_hash;     /* FNV-1a of name */
    double keep;            /* records: hash below this */
    size_t limit;           /* records this workload may hold before keep halves */
    client_call *rec;       /* kept calls, in end order until finish */
    size_t nrec, caprec;
    obs_bin *bins; /* [nbins], or NULL: no series */
    uint32_t nbins;
    int64_t bin_ns;
    uint32_t cur; /* the open bin (latency) */
    int64_t *lat; /* [LAT_BUF] latencies of the open bin */
    size_t nlat;  /* in lat, or all recorded in h */
    hist *h;      /* past LAT_BUF, or NULL */
    bool h_used;  /* the open bin's latencies are in h */
    bool oom;     /* an allocation failed: records are missing */
    double trace; /* spans: trace the calls whose hash is below this */
    obs_msg *msg; /* messages of traced calls, in send order until finish, then by (req, t) */
    size_t nmsg, capmsg;
} obs_wl;

struct observation {
    obs_cfg cfg;
    obs_wl *wl; /* [nwl] */
    size_t nwl;
    client_observer *observers; /* [nwl] */
    double fraction;            /* after finish */
};

/* ---- hashing --------------------------------------------------------------------------------- */

static double hash_unit(uint64_t name_hash, uint64_t call)
{
    return rng_unit53(rng_mix64_nth(name_hash, call));
}

double observe_hash(const char *workload, uint64_t call)
{
    return hash_unit(rng_name_hash(workload), call);
}

int64_t observe_quantile(const int64_t *sorted, size_t n, double q)
{
    if (n == 0) return -1;
    uint64_t rank = (uint64_t)(q * (double)n);
    if ((double)rank < q * (double)n) rank++; /* ceil, as hist_quantile */
    if (rank == 0) rank = 1;
    if (rank > n) rank = n;
    return sorted[rank - 1];
}

/* ---- records --------------------------------------------------------------------------------- */

/* Drops the records whose hash is not below keep. */
static void filter(obs_wl *w)
{
    size_t k = 0;
    for (size_t i = 0; i < w->nrec; i++)
        if (hash_unit(w->name_hash, w->rec[i].call) < w->keep) w->rec[k++] = w->rec[i];
    w->nrec = k;
}

static void keep_call(obs_wl *w, const client_call *c)
{
    if (!(hash_unit(w->name_hash, c->call) < w->keep)) return;
    client_call *r = grow_reserve(w->rec, w->nrec + 1, &w->caprec, sizeof *r, 1024);
    if (!r) {
        w->oom = true;
        return;
    }
    w->rec = r;
    w->rec[w->nrec++] = *c;
    while (w->nrec > w->limit) { /* over the cap: halve the fraction (a subset of the same calls) */
        w->keep /= 2;
        filter(w);
    }
}

/* ---- series ---------------------------------------------------------------------------------- */

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Quantiles of the open bin into its row; then it is empty. */
static void close_bin(obs_wl *w)
{
    obs_bin *b = &w->bins[w->cur];
    if (w->h_used) {
        b->p50_ns = hist_quantile(w->h, 0.5);
        b->p90_ns = hist_quantile(w->h, 0.9);
        b->p99_ns = hist_quantile(w->h, 0.99);
        hist_init(w->h);
        w->h_used = false;
    } else if (w->nlat > 0) {
        qsort(w->lat, w->nlat, sizeof *w->lat, cmp_i64);
        b->p50_ns = observe_quantile(w->lat, w->nlat, 0.5);
        b->p90_ns = observe_quantile(w->lat, w->nlat, 0.9);
        b->p99_ns = observe_quantile(w->lat, w->nlat, 0.99);
    }
    w->nlat = 0;
}

static void add_latency(obs_wl *w, int64_t ns)
{
    if (!w->h_used && w->nlat == LAT_BUF) {
        if (!w->h && !(w->h = hist_new())) {
            w->oom = true;
            return;
        }
        for (size_t i = 0; i < w->nlat; i++) hist_record(w->h, w->lat[i]);
        w->h_used = true;
    }
    if (w->h_used)
        hist_record(w->h, ns);
    else
        w->lat[w->nlat] = ns;
    w->nlat++;
}

static uint32_t bin_of(const obs_wl *w, int64_t t)
{
    int64_t b = t < 0 ? 0 : t / w->bin_ns;
    return b >= (int64_t)w->nbins ? w->nbins - 1 : (uint32_t)b;
}

static void bin_call(obs_wl *w, const client_call *c)
{
    w->bins[bin_of(w, c->start_ns)].offered++;
    if (c->cause == CLIENT_CALL_UNFINISHED) return;
    uint32_t e = bin_of(w, c->end_ns);
    if (c->cause != CLIENT_CALL_OK) {
        w->bins[e].failed++;
        return;
    }
    w->bins[e].completed++;
    if (e > w->cur) {
        close_bin(w);
        w->cur = e;
    }
    if (e == w->cur) add_latency(w, c->end_ns - c->start_ns); /* (an earlier bin is closed) */
}

/* ---- traces ---------------------------------------------------------------------------------- */

/* Whether the call is traced; if so its message is logged for the spans to find their call. */
static bool on_trace(void *ctx, uint32_t workload, uint64_t call, uint32_t attempt, uint32_t req,
                     bool handshake, vs_time t)
{
    obs_wl *w = ctx;
    (void)workload;
    if (!(hash_unit(w->name_hash, call) < w->trace)) return false;
    if (w->nmsg == w->capmsg) {
        size_t cap = w->capmsg ? 2 * w->capmsg : 256;
        obs_msg *m = realloc(w->msg, cap * sizeof *m);
        if (!m) {
            w->oom = true;
            return false;
        }
        w->msg = m, w->capmsg = cap;
    }
    w->msg[w->nmsg++] = (obs_msg){req, attempt, call, t, handshake};
    return true;
}

static int cmp_msg(const void *pa, const void *pb)
{
    const obs_msg *a = pa, *b = pb;
    if (a->req != b->req) return a->req < b->req ? -1 : 1;
    if (a->t_ns != b->t_ns) return a->t_ns < b->t_ns ? -1 : 1;
    if (a->call != b->call) return a->call < b->call ? -1 : 1; /* a slot reused at once */
    if (a->attempt != b->attempt) return a->attempt < b->attempt ? -1 : 1;
    return (int)b->handshake - (int)a->handshake;
}

const obs_msg *observe_msg_of(const observation *o, size_t w, uint32_t req, int64_t arrive_ns)
{
    const obs_wl *x = &o->wl[w];
    size_t lo = 0, hi = x->nmsg; /* the first message after (req, arrive_ns) */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const obs_msg *m = &x->msg[mid];
        if (m->req < req || (m->req == req && m->t_ns <= arrive_ns))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo > 0 && x->msg[lo - 1].req == req ? &x->msg[lo - 1] : NULL;
}

/* ---- the observer ---------------------------------------------------------------------------- */

static void on_call(void *ctx, uint32_t workload, const client_call *c)
{
    obs_wl *w = ctx;
    (void)workload;
    atomic_store_explicit(&w->now_ns, c->end_ns, memory_order_relaxed);
    if (w->keep > 0) keep_call(w, c);
    if (w->bins) bin_call(w, c);
}

static int wl_init(obs_wl *w, const topo_workload *tw, const obs_cfg *cfg, size_t limit)
{
    atomic_init(&w->now_ns, 0);
    w->name = tw->name;
    w->name_hash = rng_name_hash(tw->name);
    if (cfg->progress_only) return 0;
    w->keep = cfg->records;
    w->trace = cfg->spans;
    w->limit = limit;
    if (cfg->bin_ns <= 0) return 0;
    int64_t n = (cfg->end_ns + cfg->bin_ns - 1) / cfg->bin_ns;
    w->nbins = (uint32_t)(n < 1 ? 1 : n);
    w->bin_ns = cfg->bin_ns;
    w->bins = calloc(w->nbins, sizeof *w->bins);
    w->lat = malloc(LAT_BUF * sizeof *w->lat);
    if (!w->bins || !w->lat) return -1;
    for (uint32_t b = 0; b < w->nbins; b++)
        w->bins[b].p50_ns = w->bins[b].p90_ns = w->bins[b].p99_ns = -1;
    return 0;
}

observation *observe_new(const topology *t, const obs_cfg *cfg, vs_error *err)
{
    observation *o = calloc(1, sizeof *o);
    size_t nw = t->nworkloads, active = 0;
    if (o) {
        o->cfg = *cfg;
        o->nwl = nw;
        o->wl = calloc(nw ? nw : 1, sizeof *o->wl);
        o->observers = calloc(nw ? nw : 1, sizeof *o->observers);
    }
    if (!o || !o->wl || !o->observers) goto oom;
    for (size_t w = 0; w < nw; w++) active += t->workloads[w].traffic != NULL;
    size_t limit = cfg->records_cap / (active ? active : 1);
    for (size_t w = 0; w < nw; w++) {
        if (wl_init(&o->wl[w], &t->workloads[w], cfg, limit ? limit : 1)) goto oom;
        o->observers[w] = (client_observer){.call = on_call,
                                            .trace = cfg->spans > 0 ? on_trace : NULL,
                                            .ctx = &o->wl[w],
                                            .workload = (uint32_t)w};
    }
    return o;
oom:
    observe_free(o);
    error_set(err, "out of memory");
    return NULL;
}

void observe_free(observation *o)
{
    if (!o) return;
    for (size_t w = 0; o->wl && w < o->nwl; w++) {
        free(o->wl[w].rec), free(o->wl[w].bins), free(o->wl[w].lat), free(o->wl[w].msg);
        hist_free(o->wl[w].h);
    }
    free(o->wl), free(o->observers), free(o);
}

const client_observer *observe_observers(const observation *o)
{
    return o->observers;
}

int64_t observe_now(const observation *o)
{
    int64_t now = 0;
    for (size_t w = 0; w < o->nwl; w++) {
        int64_t t = atomic_load_explicit(&o->wl[w].now_ns, memory_order_relaxed);
        if (t > now) now = t;
    }
    return now;
}

static int cmp_call(const void *a, const void *b)
{
    uint64_t x = ((const client_call *)a)->call, y = ((const client_call *)b)->call;
    return (x > y) - (x < y);
}

/* One fraction for the whole run: the smallest any workload halved to, then halved again
 * while the run holds more than the cap. */
static void common_fraction(observation *o)
{
    double keep = o->cfg.records;
    size_t total;
    for (size_t w = 0; w < o->nwl; w++)
        if (o->wl[w].keep < keep) keep = o->wl[w].keep;
    for (;;) {
        total = 0;
        for (size_t w = 0; w < o->nwl; w++) {
            o->wl[w].keep = keep;
            filter(&o->wl[w]);
            total += o->wl[w].nrec;
        }
        if (total <= o->cfg.records_cap || keep == 0) break;
        keep /= 2;
    }
    o->fraction = keep;
}

int observe_finish(observation *o, vs_error *err)
{
    bool oom = false;
    if (o->cfg.progress_only) return 0;
    for (size_t w = 0; w < o->nwl; w++) {
        obs_wl *x = &o->wl[w];
        if (x->bins) close_bin(x);
        oom |= x->oom;
    }
    if (oom) return error_set(err, "out of memory while keeping request records");
    common_fraction(o);
    for (size_t w = 0; w < o->nwl; w++) {
        obs_wl *x = &o->wl[w];
        if (x->nrec) qsort(x->rec, x->nrec, sizeof *x->rec, cmp_call);
        if (x->nmsg) qsort(x->msg, x->nmsg, sizeof *x->msg, cmp_msg);
    }
    return 0;
}

double observe_fraction(const observation *o)
{
    return o->fraction;
}

const client_call *observe_records(const observation *o, size_t w, size_t *n)
{
    *n = o->wl[w].nrec;
    return o->wl[w].rec;
}

const obs_bin *observe_bins(const observation *o, size_t w, uint32_t *nbins)
{
    *nbins = o->wl[w].bins ? o->wl[w].nbins : 0;
    return o->wl[w].bins;
}

/* ---- a run across ranks ---------------------------------------------------------------------- */

/* Workload w's raw observation: its records (before the common fraction), bins (closed),
 * traced messages. */
static void pack_wl(grow_bytes *b, uint64_t w, const obs_wl *x)
{
    uint64_t head[4] = {w, x->nrec, x->bins ? x->nbins : 0, x->nmsg};
    grow_bytes_put(b, head, sizeof head);
    grow_bytes_put(b, &x->keep, sizeof x->keep);
    grow_bytes_put(b, &x->oom, sizeof x->oom);
    grow_bytes_put(b, x->rec, x->nrec * sizeof *x->rec);
    if (x->bins) grow_bytes_put(b, x->bins, x->nbins * sizeof *x->bins);
    grow_bytes_put(b, x->msg, x->nmsg * sizeof *x->msg);
}

/* The records of one workload a rank sent, in place of rank 0's (empty) ones. */
static bool unpack_wl(observation *o, bytes_reader *r)
{
    uint64_t head[4];
    bytes_take(r, head, sizeof head);
    if (r->bad || head[0] >= o->nwl || head[1] > SIZE_MAX / sizeof(client_call) ||
        head[3] > SIZE_MAX / sizeof(obs_msg))
        return false;
    obs_wl *x = &o->wl[head[0]];
    if (head[2] != (x->bins ? x->nbins : 0)) return false;
    bytes_take(r, &x->keep, sizeof x->keep);
    bytes_take(r, &x->oom, sizeof x->oom);
    client_call *rec = bytes_take_new(r, head[1] * sizeof *rec);
    obs_bin *bins = head[2] ? bytes_take_new(r, head[2] * sizeof *bins) : NULL;
    obs_msg *msg = bytes_take_new(r, head[3] * sizeof *msg);
    bool ok = !r->bad && rec && (bins || !head[2]) && msg;
    if (ok) {
        free(x->rec), free(x->msg);
        x->rec = rec, x->nrec = x->caprec = head[1];
        x->msg = msg, x->nmsg = x->capmsg = head[3];
        if (bins) memcpy(x->bins, bins, head[2] * sizeof *bins);
        rec = NULL, msg = NULL;
    }
    free(rec), free(bins), free(msg);
    return ok;
}

int observe_gather(observation *o, const engine_ranks *ranks, const int *owner, vs_error *err)
{
    grow_bytes b = {0};
    for (size_t w = 0; w < o->nwl; w++) {
        if (o->wl[w].bins) close_bin(&o->wl[w]); /* again in observe_finish: a no-op then */
        if (ranks->rank > 0 && owner[w] == ranks->rank && !o->cfg.progress_only)
            pack_wl(&b, w, &o->wl[w]);
    }
    static const char failed[] = "no memory";
    void *all = NULL;
    size_t lens[ENGINE_MAX_RANKS] = {0};
    if (b.oom)
        ranks->gather(ranks->ctx, failed, sizeof failed, &all, lens);
    else
        ranks->gather(ranks->ctx, b.v, b.n, &all, lens);
    free(b.v);
    const char *at = all;
    int rc = 0;
    for (int r = 1; ranks->rank == 0 && r < ranks->size && rc == 0; r++) {
        at += lens[r - 1];
        bytes_reader rd = {at, lens[r], 0, false};
        if (lens[r] == sizeof failed && memcmp(at, failed, sizeof failed) == 0)
            rc = error_set(err, "out of memory on rank %d packing its request records", r);
        while (rc == 0 && rd.at < rd.n)
            if (!unpack_wl(o, &rd))
                rc = error_set(err, "rank %d's request records do not fit this run (or no memory)",
                               r);
    }
    free(all);
    return rc;
}
