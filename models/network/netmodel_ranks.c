/* A run across ranks (netmodel_config.ranks): every rank built the same model and ran the LPs of
 * its partition; here rank 0 takes what the others' LPs measured (a station's statistics, time
 * series and spans; a client's statistics and exchange counts per way) so that its result is
 * that of one process. The bytes travel through engine_ranks.gather: the ranks run one build on
 * one kind of machine, so structures go as they are laid out in memory. */
#include <stdlib.h>
#include <string.h>

#include "netmodel_impl.h"
#include "vpcsim/grow.h"

enum { TAG_STATION = 1, TAG_CLIENT = 2, TAG_FAILED = 3 };

static void put_u64(grow_bytes *p, uint64_t x)
{
    grow_bytes_put(p, &x, sizeof x);
}

/* What this rank's stations and clients measured, tagged by kind and index. */
static void pack(const netmodel *m, grow_bytes *p)
{
    for (size_t i = 0; i < m->nstations; i++) {
        const station_stats *st = station_stats_of(m->engine, (uint32_t)i);
        if (!st) continue; /* ran elsewhere */
        const netmodel_component *c = &m->stations[i].component;
        put_u64(p, TAG_STATION), put_u64(p, i);
        grow_bytes_put(p, st, sizeof *st);
        put_u64(p, c->nbins);
        grow_bytes_put(p, c->series, (size_t)c->nbins * sizeof *c->series);
        put_u64(p, c->spans.n);
        grow_bytes_put(p, c->spans.v, c->spans.n * sizeof *c->spans.v);
    }
    for (size_t wi = 0; wi < m->t->nworkloads; wi++) {
        const netmodel_client *c = &m->workload[wi];
        if (!m->out->workloads[wi].active || !engine_lp_local(m->engine, c->lp)) continue;
        put_u64(p, TAG_CLIENT), put_u64(p, wi);
        grow_bytes_put(p, &m->out->workloads[wi].st, sizeof m->out->workloads[wi].st);
        grow_bytes_put(p, c->exchanges, 2 * m->ways_per_workload * sizeof *c->exchanges);
    }
}

/* One station's record into m (rank 0): statistics, series into the bins it has, spans. */
static int take_station(netmodel *m, bytes_reader *r)
{
    uint64_t i = bytes_take_u64(r);
    if (r->bad || i >= m->nstations) return r->bad = true, 0;
    netmodel_component *c = &m->stations[i].component;
    bytes_take(r, &c->st, sizeof c->st);
    uint64_t nbins = bytes_take_u64(r);
    if (nbins != c->nbins) return r->bad = true, 0;
    bytes_take(r, c->series, (size_t)nbins * sizeof *c->series);
    uint64_t nspans = bytes_take_u64(r);
    if (r->bad || nspans > (r->n - r->at) / sizeof *c->spans.v) return r->bad = true, 0;
    if (nspans) {
        station_span *v = bytes_take_new(r, nspans * sizeof *v);
        if (!v) return -1; /* the bytes are there (checked): no memory */
        free(c->spans.v);
        c->spans = (station_spans){v, nspans, nspans};
    }
    return 0;
}

static void take_client(netmodel *m, bytes_reader *r)
{
    uint64_t wi = bytes_take_u64(r);
    if (r->bad || wi >= m->t->nworkloads) {
        r->bad = true;
        return;
    }
    bytes_take(r, &m->out->workloads[wi].st, sizeof m->out->workloads[wi].st);
    bytes_take(r, m->workload[wi].exchanges, 2 * m->ways_per_workload * sizeof(uint64_t));
}

/* Rank s's bytes into m. Returns 0, or -1 with err set. */
static int unpack(netmodel *m, int s, const char *v, size_t n)
{
    bytes_reader r = {v, n, 0, false};
    while (!r.bad && r.at < r.n) {
        uint64_t tag = bytes_take_u64(&r);
        if (tag == TAG_FAILED)
            return error_set(m->err, "out of memory on rank %d packing its measurements", s);
        if (tag == TAG_STATION && take_station(m, &r))
            return error_set(m->err, "out of memory taking rank %d's spans", s);
        if (tag == TAG_CLIENT) take_client(m, &r);
        if (tag != TAG_STATION && tag != TAG_CLIENT) r.bad = true;
    }
    return r.bad ? error_set(m->err, "rank %d's measurements are not those of this model", s) : 0;
}

int netmodel_ranks_gather(netmodel *m)
{
    const engine_ranks *rk = m->cfg->ranks;
    grow_bytes p = {0};
    if (rk->rank > 0) pack(m, &p);
    const uint64_t failed = TAG_FAILED;
    void *all = NULL;
    size_t lens[ENGINE_MAX_RANKS] = {0};
    if (p.oom)
        rk->gather(rk->ctx, &failed, sizeof failed, &all, lens);
    else
        rk->gather(rk->ctx, p.v, p.n, &all, lens);
    free(p.v);
    int rc = 0;
    const char *at = all;
    for (int s = 1; rk->rank == 0 && s < rk->size && rc == 0; s++) {
        at += lens[s - 1];
        rc = unpack(m, s, at, lens[s]);
    }
    free(all);
    return rc;
}

int netmodel_ranks_agree(const netmodel_config *cfg, int rc, vs_error *err)
{
    int64_t v = rc ? -1 : 0;
    cfg->ranks->min(cfg->ranks->ctx, &v, 1);
    if (v < 0 && rc == 0) return error_set(err, "another rank could not build the model");
    return v < 0 ? -1 : 0;
}
