/* The default price table of a scenario: prices/aws-REGION.yaml of the data folder
 * (datafiles.h) for its Region (the first of its `regions:`), so that a scenario in eu-west-1 is
 * priced at eu-west-1's rates. A Region without a table is an error that names the tables there;
 * `--prices FILE` overrides. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/datafiles.h"
#include "vpcsim/aws/cost.h"
#include "vpcsim/aws/scenario.h"

static int cmp_name(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

/* The Regions that have a table in the data folder's prices/, sorted ("ap-northeast-1, ..."). */
static void tables_available(char *list, size_t n)
{
    enum { MOST = 64 };
    char dir[4096], names[MOST][64];
    size_t k = 0;
    vs_error ignored;
    DIR *d = datafiles_find("prices", dir, sizeof dir, &ignored) ? NULL : opendir(dir);
    for (struct dirent *e; d && k < MOST && (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (len >= 10 && len < 64 + 9 && strncmp(e->d_name, "aws-", 4) == 0 &&
            strcmp(e->d_name + len - 5, ".yaml") == 0)
            snprintf(names[k++], sizeof names[0], "%.*s", (int)(len - 9), e->d_name + 4);
    }
    if (d) closedir(d);
    qsort(names, k, sizeof names[0], cmp_name);
    list[0] = 0;
    for (size_t i = 0, used = 0; i < k && used < n; i++) { /* a full list ends the loop */
        int w = snprintf(list + used, n - used, "%s%s", i ? ", " : "", names[i]);
        if (w < 0) break;
        used += (size_t)w;
    }
}

int prices_path_for(const scenario *s, char *path, size_t n, vs_error *err)
{
    char rel[128], list[512];
    const topology *t = s->narchs ? &s->archs[0] : NULL;
    const char *region = t && t->nregions ? t->regions[0].name : "us-east-1";
    if (!cost_prices_region_file(region, rel, sizeof rel))
        return error_set(err, "%s: Region '%s' is not a Region name", s->file, region);
    vs_error why = {""};
    if (datafiles_find(rel, path, n, &why) == 0) return 0;
    tables_available(list, sizeof list);
    if (!list[0]) /* no table at all: say where they were looked for */
        return error_set(err, "%s: no price table for Region %s: %s; give one with --prices FILE",
                         s->file, region, why.msg);
    return error_set(err,
                     "%s: no price table for Region %s (tables: %s); give one with --prices FILE",
                     s->file, region, list);
}
