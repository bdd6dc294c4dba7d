/* PHOLD, the standard PDES benchmark (Fujimoto 1990), as ROSS and others run it: N LPs, each
 * starts with M events at lookahead + Exp(mean); an event at LP i sends one event, with
 * probability `remote` to an LP uniform in [0, N) (i included), else to i, at delay
 * lookahead + Exp(mean). */
#ifndef VPCSIM_PHOLD_H
#define VPCSIM_PHOLD_H

#include "vpcsim/engine.h"

typedef struct phold_params {
    uint32_t lps;          /* N */
    uint32_t start_events; /* M per LP */
    double remote;         /* probability of a uniform destination */
    double mean_ns;        /* mean of the exponential part of each delay */
    vs_time lookahead_ns;  /* fixed part of each delay (> 0) */
    uint32_t groups;       /* locality groups (contiguous LP blocks); 0 = min(N, 64) */
} phold_params;

extern const lp_kind phold_kind;

/* Adds the N PHOLD LPs (named "phold/<i>") and their lookahead to eng. params must outlive the
 * run. Returns 0, or -1 with err set. */
int phold_setup(vs_engine *eng, const phold_params *params, vs_error *err);

/* Checksum of all final LP states (event counts and order-sensitive hashes of what each LP
 * handled), in LP id order: equal checksums mean equal runs. Call after engine_run. */
uint64_t phold_checksum(vs_engine *eng);

#endif
