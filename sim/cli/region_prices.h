/* The price tables a run's inter-Region bytes are billed from: AWS bills a transfer between
 * Regions to the sending Region, at that Region's price to the receiving one. The run's own
 * table (its first Region's, or --prices) prices what leaves its Region; the shipped table of
 * each other Region of the scenario prices what leaves that one. */
#ifndef VPCSIM_CLI_REGION_PRICES_H
#define VPCSIM_CLI_REGION_PRICES_H

#include <stddef.h>

#include "vpcsim/aws/cost.h"
#include "vpcsim/aws/scenario.h"

enum { REGION_PRICES_MAX = 32 }; /* Regions of one scenario with a table */

/* Where a pair's price comes from (the /summary row `price_basis` holds the number). */
typedef enum region_price_basis {
    REGION_PRICE_RUN_FLAT = 0, /* no table for the sending Region: the run table's flat
                                  inter_region_transfer */
    REGION_PRICE_FLAT = 1,     /* the sending Region's flat inter_region_transfer */
    REGION_PRICE_PAIR = 2      /* the sending Region's inter_region_pairs entry */
} region_price_basis;

typedef struct region_prices {
    const cost_prices *run;                /* the run's table (not owned) */
    const char *name[REGION_PRICES_MAX];   /* other Regions (into the scenarios) */
    cost_prices *table[REGION_PRICES_MAX]; /* their shipped tables (owned), NULL: none ships */
    size_t n;
} region_prices;

/* Fills rp for the Regions of every architecture of pts[0 .. npoints): the run's table for
 * run->region, a shipped table (prices/aws-REGION.yaml of the data folder) for each other one
 * that has one. Returns 0, or -1 with err set (a shipped table that does not load, too many
 * Regions) and rp empty. */
int region_prices_load(region_prices *rp, const cost_prices *run, const scenario *const *s,
                       size_t ns, vs_error *err);
void region_prices_free(region_prices *rp); /* leaves it empty; an empty one is a no-op */

/* $ per GB sent from Region `from` to Region `to`, and where the price comes from. */
double region_prices_pair(const region_prices *rp, const char *from, const char *to,
                          region_price_basis *basis);

#endif
