/* Price tables by sending Region (sim/cli/region_prices.h). A scenario names a few Regions, so
 * lookups are linear over at most REGION_PRICES_MAX names; done once per pair and replication
 * when the bill is made. */
#include "cli/region_prices.h"

#include <string.h>

#include "cli/datafiles.h"

static bool known(const region_prices *rp, const char *region)
{
    if (rp->run->region && strcmp(rp->run->region, region) == 0) return true;
    for (size_t i = 0; i < rp->n; i++)
        if (strcmp(rp->name[i], region) == 0) return true;
    return false;
}

/* Adds Region `region` with its shipped table, if one ships. Returns 0 or -1. */
static int add_region(region_prices *rp, const char *region, vs_error *err)
{
    char rel[128], path[4096];
    vs_error missing = {""};
    if (known(rp, region)) return 0;
    if (rp->n == REGION_PRICES_MAX)
        return error_set(err, "more than %d Regions to price", REGION_PRICES_MAX);
    rp->name[rp->n] = region;
    rp->table[rp->n] = NULL;
    if (cost_prices_region_file(region, rel, sizeof rel) &&
        datafiles_find(rel, path, sizeof path, &missing) == 0 &&
        cost_prices_load_file(path, &rp->table[rp->n], err))
        return -1;
    rp->n++;
    return 0;
}

int region_prices_load(region_prices *rp, const cost_prices *run, const scenario *const *s,
                       size_t ns, vs_error *err)
{
    memset(rp, 0, sizeof *rp);
    rp->run = run;
    for (size_t i = 0; i < ns; i++)
        for (size_t a = 0; a < s[i]->narchs; a++)
            for (size_t r = 0; r < s[i]->archs[a].nregions; r++)
                if (add_region(rp, s[i]->archs[a].regions[r].name, err)) {
                    region_prices_free(rp);
                    return -1;
                }
    return 0;
}

void region_prices_free(region_prices *rp)
{
    for (size_t i = 0; i < rp->n; i++) cost_prices_free(rp->table[i]);
    memset(rp, 0, sizeof *rp);
}

/* The table that prices what leaves Region `from`, or NULL. */
static const cost_prices *table_of(const region_prices *rp, const char *from)
{
    if (rp->run->region && strcmp(rp->run->region, from) == 0) return rp->run;
    for (size_t i = 0; i < rp->n; i++)
        if (strcmp(rp->name[i], from) == 0) return rp->table[i];
    return NULL;
}

double region_prices_pair(const region_prices *rp, const char *from, const char *to,
                          region_price_basis *basis)
{
    const cost_prices *p = table_of(rp, from);
    const cost_basis *b = NULL;
    if (!p) {
        *basis = REGION_PRICE_RUN_FLAT;
        return rp->run->per_gb[COST_GB_INTER_REGION].tiers[0].usd_per_gb;
    }
    double usd = cost_inter_region_usd_per_gb(p, to, &b);
    *basis = b == &p->per_gb[COST_GB_INTER_REGION].basis ? REGION_PRICE_FLAT : REGION_PRICE_PAIR;
    return usd;
}
