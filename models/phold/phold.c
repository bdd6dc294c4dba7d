/* PHOLD: the engine benchmark model. One event in, one event out; the per-event work is two or
 * three random draws and a send, so the run measures the engine, not the model. */
#include "vpcsim/phold.h"

#include <stdio.h>

#include "vpcsim/rng.h"

typedef struct phold_state {
    const phold_params *params; /* shared, read-only */
    uint64_t count;             /* events handled */
    uint64_t hash;              /* order-sensitive hash of (time, tie) handled */
} phold_state;

static vs_time phold_delay(vs_lp *self, const phold_params *p)
{
    return p->lookahead_ns + (vs_time)(rng_exponential(lp_rng(self), p->mean_ns) + 0.5);
}

static void phold_init(void *state, vs_lp *self, const void *arg)
{
    phold_state *s = state;
    s->params = arg;
    for (uint32_t j = 0; j < s->params->start_events; j++)
        lp_send(self, lp_id(self), phold_delay(self, s->params), 0, (vs_payload){{0}});
}

static void phold_handle(void *state, vs_lp *self, const vs_event *ev)
{
    phold_state *s = state;
    const phold_params *p = s->params;
    s->count++;
    s->hash = rng_mix64(s->hash ^ (uint64_t)ev->time) + ev->tie;
    uint32_t dst = lp_id(self);
    if (rng_uniform(lp_rng(self)) < p->remote) dst = rng_uniform_int(lp_rng(self), p->lps);
    lp_send(self, dst, phold_delay(self, p), 0, (vs_payload){{0}});
}

const lp_kind phold_kind = {
    .name = "phold",
    .state_size = sizeof(phold_state),
    .init = phold_init,
    .handle = phold_handle,
};

int phold_setup(vs_engine *eng, const phold_params *p, vs_error *err)
{
    if (p->lps == 0 || p->lookahead_ns <= 0 || !(p->mean_ns >= 0) || !(p->remote >= 0) ||
        !(p->remote <= 1))
        return error_set(err, "phold: need lps >= 1, lookahead > 0, mean >= 0, remote in [0, 1]");
    uint32_t groups = p->groups ? p->groups : (p->lps < 64 ? p->lps : 64);
    if (groups > p->lps) groups = p->lps;
    char name[32];
    for (uint32_t i = 0; i < p->lps; i++) {
        snprintf(name, sizeof name, "phold/%u", i);
        uint32_t g = (uint32_t)((uint64_t)i * groups / p->lps);
        if (engine_add_lp(eng, &phold_kind, name, g, p, err) < 0) return -1;
    }
    return engine_set_default_lookahead(eng, p->lookahead_ns, err);
}

uint64_t phold_checksum(vs_engine *eng)
{
    uint64_t c = RNG_GOLDEN_GAMMA;
    for (uint32_t i = 0; i < engine_lp_count(eng); i++) {
        const phold_state *s = engine_lp_state(eng, i);
        c = rng_mix64(c ^ s->count) ^ s->hash;
    }
    return c;
}
