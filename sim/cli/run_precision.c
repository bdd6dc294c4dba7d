/* run.precision and run.warmup: auto for `vpcsim run` (sim/cli/run_precision.h). A study of a few
 * points x architectures x up to a few hundred replications: the decisions are over the jobs'
 * summaries (workloads x replications per point), small next to the runs they decide. */
#include "cli/run_precision.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/jobs.h"
#include "vpcsim/grow.h"
#include "vpcsim/mser.h"
#include "vpcsim/stats.h"

/* The byte offset in wl_sum of each metric a rule may name (indexed by precision_metric). */
static const size_t metric_off[PRECISION_METRIC_COUNT] = {
    [PRECISION_MEAN] = WL(lat_ms) + Q_MEAN * sizeof(double),
    [PRECISION_P50] = WL(lat_ms) + Q_P50 * sizeof(double),
    [PRECISION_P90] = WL(lat_ms) + Q_P90 * sizeof(double),
    [PRECISION_P99] = WL(lat_ms) + Q_P99 * sizeof(double),
    [PRECISION_P999] = WL(lat_ms) + Q_P999 * sizeof(double),
    [PRECISION_SUCCESS_RATIO] = WL(success),
    [PRECISION_COMPLETED] = WL(completed),
};

/* ---- settings -------------------------------------------------------------------------------- */

int run_precision_settings(const config_node *run, bool has_warmup, run_inputs *in, vs_error *err)
{
    if (precision_read(run, (int64_t)in->reps, &in->precision, err)) return -1;
    if (in->precision.on) in->reps = (size_t)in->precision.max_replications;
    in->warmup_auto = !has_warmup && precision_warmup_auto(run);
    if (in->warmup_auto) in->warmup_ns = 0;
    return 0;
}

/* ---- judging a point ------------------------------------------------------------------------- */

/* The relative half-width of workload w of architecture a over the first rp->reps replications
 * at the rule's level (the /summary interval when the level is 95%): NaN when no replication has
 * a value (nothing to judge), infinite when fewer than 2 have one. x: scratch [rp->reps]. */
static double relative_half(const point_jobs *rp, size_t a, size_t w, const precision_rule *rule,
                            double *x, size_t *nvalues)
{
    size_t k = 0;
    for (size_t r = 0; r < rp->reps; r++) {
        double v;
        memcpy(&v, (const char *)&summary_job_at(rp, a, r)->wl[w] + metric_off[rule->metric],
               sizeof v);
        if (!isnan(v)) x[k++] = v;
    }
    stats_interval s;
    *nvalues = k;
    if (k == 0) return NAN;
    if (k < 2 || stats_mean_ci(x, k, rule->confidence, &s)) return INFINITY;
    if (s.half == 0) return 0;
    return s.mean != 0 ? s.half / fabs(s.mean) : INFINITY;
}

/* The widest relative half-width of architecture a's workloads with traffic (NaN: none to
 * judge), its workload in *worst_w, and in *needed the replications that width projects to
 * reach the target (n x (width / target)^2, the interval narrowing as 1 / sqrt(n)). */
static double arch_worst(const point_jobs *rp, size_t a, const precision_rule *rule, double *x,
                         size_t *worst_w, double *needed)
{
    double worst = NAN;
    size_t nw = rp->in->s->archs[a].nworkloads, k;
    for (size_t w = 0; w < nw; w++) {
        if (!summary_job_at(rp, a, 0)->wl[w].active) continue;
        double rel = relative_half(rp, a, w, rule, x, &k);
        if (isnan(rel)) continue;
        double n = isinf(rel) ? INFINITY : (double)k * pow(rel / rule->relative_half_width, 2);
        if (n > *needed) *needed = n;
        if (isnan(worst) || rel > worst) worst = rel, *worst_w = w;
    }
    return worst;
}

/* Whether point rp meets the rule at rp->reps; *needed: the replications projected to. */
static bool point_met(const point_jobs *rp, double *x, double *needed)
{
    bool met = true;
    size_t w;
    *needed = 0;
    for (size_t a = 0; a < rp->in->s->narchs; a++) {
        double worst = arch_worst(rp, a, &rp->in->precision, x, &w, needed);
        if (!isnan(worst) && !(worst <= rp->in->precision.relative_half_width)) met = false;
    }
    return met;
}

/* ---- batches --------------------------------------------------------------------------------- */

/* The replications point p has after a batch that left it not met at n: the projection, at least
 * 2 more and at most twice n (a projection from few replications is noisy), within the cap. */
static size_t next_reps(size_t n, double needed, size_t cap)
{
    double want = ceil(needed);
    size_t next = want >= (double)(2 * n) ? 2 * n : want < (double)(n + 2) ? n + 2 : (size_t)want;
    return next < cap ? next : cap;
}

typedef struct batch_state {
    size_t *have, *want; /* [npoints]: replications done, asked for */
    size_t *order;       /* [njobs]: the batch's jobs */
    double *x;           /* scratch [cap] */
} batch_state;

/* The jobs of replications have..want of every open point into order (replication-major, so
 * that an interrupted batch keeps whole replications first). Returns their count. */
static size_t batch_order(run_ctx *ctx, const batch_state *b)
{
    size_t narchs = ctx->pts[0].s->narchs, cap = ctx->pts[0].reps, n = 0;
    for (size_t p = 0; p < ctx->npoints; p++)
        for (size_t r = b->have[p]; r < b->want[p]; r++)
            for (size_t a = 0; a < narchs; a++) b->order[n++] = (p * narchs + a) * cap + r;
    return n;
}

/* After a batch: each open point either stops (met, or at the cap) or asks for more. Returns
 * whether any point asks for more. */
static bool batch_decide(run_ctx *ctx, batch_state *b)
{
    size_t narchs = ctx->pts[0].s->narchs, cap = ctx->pts[0].reps;
    bool more = false;
    for (size_t p = 0; p < ctx->npoints; p++) {
        if (b->have[p] == b->want[p] && b->have[p] > 0) continue; /* stopped earlier */
        b->have[p] = b->want[p];
        point_jobs rp = {.in = &ctx->pts[p],
                         .jobs = ctx->jobs + p * narchs * cap,
                         .reps = b->have[p],
                         .stride = cap};
        double needed;
        if (point_met(&rp, b->x, &needed) || b->have[p] >= cap) continue;
        b->want[p] = next_reps(b->have[p], needed, cap);
        pthread_mutex_lock(&ctx->lock); /* the watcher reads it */
        ctx->planned += (b->want[p] - b->have[p]) * narchs;
        pthread_mutex_unlock(&ctx->lock);
        more = true;
    }
    return more;
}

/* ---- MPI: every rank decides the same ---------------------------------------------------------
 */

/* Job idx's workloads. */
static size_t job_nw(const run_ctx *ctx, size_t idx)
{
    const job *j = &ctx->jobs[idx];
    return ctx->pts[j->pt].s->archs[j->arch].nworkloads;
}

/* Each workload's active flag and metric of the batch's jobs done here into bits (out), or
 * from bits into those not done here. */
static void batch_copy(run_ctx *ctx, const batch_state *b, size_t n, uint64_t *bits, bool out)
{
    for (size_t i = 0, k = 0; i < n; i++) {
        job *j = &ctx->jobs[b->order[i]];
        size_t nw = job_nw(ctx, b->order[i]), off = metric_off[ctx->pts[j->pt].precision.metric];
        for (size_t w = 0; j->done == out && w < nw; w++, k += 2) {
            if (out) {
                bits[k] = j->wl[w].active;
                memcpy(&bits[k + 1], (const char *)&j->wl[w] + off, sizeof *bits);
            } else {
                j->wl[w].active = bits[k] != 0;
                memcpy((char *)&j->wl[w] + off, &bits[k + 1], sizeof *bits);
            }
        }
        if (j->done != out) k += 2 * nw;
    }
}

/* Gives the jobs of the batch that other ranks ran what batch_decide reads of them (each
 * workload's active flag and the rule's metric, point_met), copied bit for bit from the rank
 * that ran each: every rank then takes the same decision. Their wl is scratch, freed by
 * batch_forget; they stay not done (rank 0 takes the runs from the ranks' files at the end).
 * Collective. Returns whether every rank may go on (no failure, signal or lack of memory). */
static bool batch_share(run_ctx *ctx, const batch_state *b, size_t n, size_t failed)
{
    size_t nbits = 0;
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        job *j = &ctx->jobs[b->order[i]];
        nbits += 2 * job_nw(ctx, b->order[i]);
        if (!j->done && !j->wl && !(j->wl = calloc(job_nw(ctx, b->order[i]) + 1, sizeof *j->wl)))
            ok = false;
    }
    uint64_t *bits = calloc(nbits ? nbits : 1, sizeof *bits);
    if (run_mpi_any(ctx->mpi, failed || atomic_load(&ctx->stop) || !ok || !bits)) {
        free(bits);
        return false;
    }
    batch_copy(ctx, b, n, bits, true);
    run_mpi_share(ctx->mpi, bits, nbits);
    batch_copy(ctx, b, n, bits, false);
    free(bits);
    return true;
}

/* After the batches: the scratch of the jobs other ranks ran goes (their runs come back whole
 * from the ranks' files). */
static void batch_forget(run_ctx *ctx)
{
    for (size_t i = 0; i < ctx->njobs; i++)
        if (!ctx->jobs[i].done) free(ctx->jobs[i].wl), ctx->jobs[i].wl = NULL;
}

size_t run_precision_run(run_ctx *ctx, int threads, int (*run_one)(void *ctx, size_t i))
{
    size_t np = ctx->npoints, cap = ctx->pts[0].reps, failed = 0;
    size_t first = (size_t)ctx->pts[0].precision.min_replications;
    batch_state b = {calloc(np, sizeof(size_t)), calloc(np, sizeof(size_t)),
                     calloc(ctx->njobs ? ctx->njobs : 1, sizeof(size_t)),
                     calloc(cap, sizeof(double))};
    bool oom = !b.have || !b.want || !b.order || !b.x;
    if (ctx->mpi && run_mpi_any(ctx->mpi, oom) && !oom) goto out; /* that rank says why */
    if (oom) {
        failed = ctx->jobs[0].failed = 1; /* run_all reports it as the first failure */
        error_set(&ctx->jobs[0].err, "out of memory");
        goto out;
    }
    for (size_t p = 0; p < np; p++) b.want[p] = first < cap ? first : cap;
    pthread_mutex_lock(&ctx->lock);
    ctx->planned = np * ctx->pts[0].s->narchs * b.want[0];
    pthread_mutex_unlock(&ctx->lock);
    do {
        size_t n = batch_order(ctx, &b);
        if (ctx->mpi) run_mpi_batch(ctx->mpi, ctx, b.order, n); /* run_job claims them */
        ctx->order = b.order;
        failed = jobs_run(n, threads < (int)n ? threads : (int)(n ? n : 1), run_one, ctx);
        ctx->order = NULL;
        if (ctx->mpi && !batch_share(ctx, &b, n, failed)) break;
    } while (!failed && !atomic_load(&ctx->stop) && batch_decide(ctx, &b));
    if (ctx->mpi) batch_forget(ctx);
out:
    free(b.have), free(b.want), free(b.order), free(b.x);
    return failed;
}

/* ---- warmup: auto ---------------------------------------------------------------------------- */

/* One successful call of the pilot pass. */
typedef struct pilot_call {
    uint64_t call;    /* creation order */
    vs_time start_ns; /* creation */
    double latency;   /* ns */
} pilot_call;

/* One workload's series (each client tells its own, on its own thread). */
typedef struct pilot_series {
    pilot_call *c;
    size_t n, cap;
    bool out_of_memory;
} pilot_series;

static void pilot_take(void *ctx, uint32_t workload, const client_call *c)
{
    pilot_series *s = ctx;
    (void)workload;
    if (c->cause != CLIENT_CALL_OK || s->out_of_memory) return;
    pilot_call *g = grow_reserve(s->c, s->n + 1, &s->cap, sizeof *g, 4096);
    if (!g) {
        s->out_of_memory = true;
        return;
    }
    s->c = g;
    s->c[s->n++] = (pilot_call){c->call, c->start_ns, (double)(c->end_ns - c->start_ns)};
}

static int by_call(const void *a, const void *b)
{
    uint64_t x = ((const pilot_call *)a)->call, y = ((const pilot_call *)b)->call;
    return x < y ? -1 : x > y;
}

/* The creation time of the first call MSER-5 keeps of s (0: keep all, or too short to judge).
 * lat: scratch [s->n]. */
static vs_time series_cut(pilot_series *s, double *lat)
{
    mser_result m;
    if (s->n < 4 * MSER_BATCH) return 0;      /* too short to judge: nothing deleted */
    qsort(s->c, s->n, sizeof *s->c, by_call); /* told in completion order */
    for (size_t i = 0; i < s->n; i++) lat[i] = s->c[i].latency;
    if (mser_truncate(lat, s->n, MSER_BATCH, &m) || m.truncate == 0) return 0;
    return s->c[m.truncate].start_ns;
}

/* The pilot: the whole length measured from 0, each workload's series into s[nw]. */
static int pilot_run(const topology *t, const param_table *params, const netmodel_config *cfg,
                     pilot_series *s, client_observer *obs, vs_error *err)
{
    netmodel_result r;
    netmodel_config pc = *cfg;
    for (size_t w = 0; w < t->nworkloads; w++)
        obs[w] = (client_observer){.call = pilot_take, .ctx = &s[w], .workload = (uint32_t)w};
    pc.observers = obs;
    pc.series_bin_ns = 0, pc.span_rate = 0;
    if (netmodel_run(t, params, &pc, &r, err)) return -1;
    netmodel_result_free(&r);
    for (size_t w = 0; w < t->nworkloads; w++)
        if (s[w].out_of_memory) return error_set(err, "out of memory (warm-up series)");
    return 0;
}

int run_warmup_pick(const run_inputs *in, const topology *t, netmodel_config *cfg, job *j)
{
    size_t nw = t->nworkloads ? t->nworkloads : 1, most = 0;
    pilot_series *s = calloc(nw, sizeof *s);
    client_observer *obs = calloc(nw, sizeof *obs);
    double *lat = NULL;
    vs_time cut = 0;
    cfg->warmup_ns = 0, cfg->duration_ns = in->duration_ns;
    int rc = !s || !obs ? error_set(&j->err, "out of memory") : 0;
    if (rc == 0) rc = pilot_run(t, in->params, cfg, s, obs, &j->err);
    for (size_t w = 0; rc == 0 && w < t->nworkloads; w++) most = s[w].n > most ? s[w].n : most;
    if (rc == 0 && !(lat = malloc((most ? most : 1) * sizeof *lat)))
        rc = error_set(&j->err, "out of memory");
    for (size_t w = 0; rc == 0 && w < t->nworkloads; w++) {
        vs_time c = series_cut(&s[w], lat);
        cut = c > cut ? c : cut;
    }
    for (size_t w = 0; s && w < nw; w++) free(s[w].c);
    free(s), free(obs), free(lat);
    if (rc) return -1;
    /* the cut is a call's creation in the first half of the series: before the horizon */
    cfg->warmup_ns = cut < in->duration_ns ? cut : 0;
    cfg->duration_ns = in->duration_ns - cfg->warmup_ns;
    j->warmup_ns = cfg->warmup_ns;
    return 0;
}

/* ---- what it did: rows, report lines, file attributes ---------------------------------------- */

typedef struct row_out {
    summary_row *r;
    size_t n, cap;
} row_out;

static int row_add(row_out *o, const summary_row *like, const char *subject, const char *metric,
                   const char *unit, double mean, double half, size_t n)
{
    summary_row *g = grow_reserve(o->r, o->n + 1, &o->cap, sizeof *g, 256);
    if (!g) return -1;
    o->r = g;
    summary_row *r = &o->r[o->n++];
    memset(r, 0, sizeof *r);
    r->point = like->point;
    snprintf(r->architecture, sizeof r->architecture, "%s", like->architecture);
    snprintf(r->subject, sizeof r->subject, "%s", subject);
    snprintf(r->metric, sizeof r->metric, "%s", metric);
    snprintf(r->unit, sizeof r->unit, "%s", unit);
    r->mean = mean, r->half_width = half, r->n = (uint32_t)n;
    return 0;
}

/* The rule's rows of architecture a at point rp (after its block, whose first row is like). */
static int rule_rows(row_out *o, const summary_row *like, const point_jobs *rp, size_t a)
{
    const precision_rule *rule = &rp->in->precision;
    const topology *t = &rp->in->s->archs[a];
    size_t n = rp->reps, k, w;
    double needed = 0, *x = rp->x;
    double worst = arch_worst(rp, a, rule, x, &w, &needed);
    const char *m = precision_metric_name(rule->metric);
    if (row_add(o, like, "", "precision_replications", "replications", (double)n, NAN, n) ||
        row_add(o, like, "", "precision_max_replications", "replications",
                (double)rule->max_replications, NAN, n) ||
        row_add(o, like, m, "precision_target", "1", rule->relative_half_width, NAN, n) ||
        row_add(o, like, m, "precision_confidence", "1", rule->confidence, NAN, n) ||
        row_add(o, like, "", "precision_met", "1",
                isnan(worst) || worst <= rule->relative_half_width ? 1 : 0, NAN, n))
        return -1;
    for (w = 0; w < t->nworkloads; w++) {
        if (!summary_job_at(rp, a, 0)->wl[w].active) continue;
        double rel = relative_half(rp, a, w, rule, x, &k);
        if (!isnan(rel) && row_add(o, like, t->workloads[w].name, "precision_relative_half_width",
                                   "1", rel, NAN, k))
            return -1;
    }
    return 0;
}

/* The automatic warm-up's row of architecture a: the truncation over replications, in s. */
static int warmup_row(row_out *o, const summary_row *like, const point_jobs *rp, size_t a)
{
    for (size_t r = 0; r < rp->reps; r++)
        rp->x[r] = (double)summary_job_at(rp, a, r)->warmup_ns / 1e9;
    stats_interval s = summary_interval(rp->x, rp->reps);
    return row_add(o, like, "", "warmup_auto", "s", s.mean, s.n > 1 ? s.half : NAN, s.n);
}

int run_precision_rows(summary_rows *rows, point_jobs *rps, size_t npoints)
{
    const run_inputs *in = rps[0].in;
    if (!in->precision.on && !in->warmup_auto) return 0;
    row_out o = {0};
    size_t i = 0;
    for (size_t p = 0; p < npoints; p++) {
        if (rps[p].reps == 0) continue;
        for (size_t a = 0; a < rps[p].in->s->narchs; a++) {
            const char *name = rps[p].in->s->archs[a].name;
            size_t first = i;
            while (i < rows->n && rows->r[i].point == p && !strcmp(rows->r[i].architecture, name))
                i++;
            if (i == first) continue; /* no block: nothing to add to */
            summary_row like = rows->r[first];
            for (size_t k = first; k < i; k++)
                if (row_add(&o, &rows->r[k], rows->r[k].subject, rows->r[k].metric, rows->r[k].unit,
                            rows->r[k].mean, rows->r[k].half_width, rows->r[k].n))
                    goto oom;
            if ((in->precision.on && rule_rows(&o, &like, &rps[p], a)) ||
                (in->warmup_auto && warmup_row(&o, &like, &rps[p], a)))
                goto oom;
        }
    }
    free(rows->r);
    *rows = (summary_rows){o.r, o.n, o.cap};
    return 0;
oom:
    free(o.r);
    return -1;
}

int run_precision_file_attrs(h5file *f, const run_inputs *in, vs_error *err)
{
    const precision_rule *r = &in->precision;
    if (in->warmup_auto && h5file_attr_i64(f, "/", "warmup_auto", 1, err)) return -1;
    if (!r->on) return 0;
    return h5file_attr_str(f, "/", "precision_metric", precision_metric_name(r->metric), err) ||
                   h5file_attr_f64(f, "/", "precision_relative_half_width", r->relative_half_width,
                                   err) ||
                   h5file_attr_f64(f, "/", "precision_confidence", r->confidence, err) ||
                   h5file_attr_i64(f, "/", "precision_min_replications", r->min_replications,
                                   err) ||
                   h5file_attr_i64(f, "/", "precision_max_replications", r->max_replications, err)
               ? -1
               : 0;
}
