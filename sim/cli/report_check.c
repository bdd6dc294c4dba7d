/* Bounds on the tables `vpcsim report` read back (report_check.h). A crafted file once wrapped
 * nkeys * points (2^62 + 1 points, 4 rows) and read past /sweep, or looped for 2^62 points. */
#include "cli/report_check.h"

#include <string.h>

void report_text_clean(char *s)
{
    for (unsigned char *p = (unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            *p = '?';
        else if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) /* C1 controls in UTF-8 */
            p[0] = p[1] = '?';
}

/* Text fields end with a NUL whatever the file held (HDF5 may fill a field to the brim), and
 * carry no control characters to the terminal. */
#define TERMINATE(field) ((field)[sizeof(field) - 1] = '\0', report_text_clean(field))

size_t report_sweep_keys(const report_tables *t)
{
    size_t nkeys = 0;
    while (nkeys < t->nsweep && t->sweep[nkeys].point == 0) nkeys++;
    return nkeys;
}

static int check_sweep(report_tables *t, vs_error *err)
{
    size_t nkeys = report_sweep_keys(t);
    uint64_t points = (uint64_t)t->points;
    bool ok = t->points >= 1 && (nkeys ? t->nsweep % nkeys == 0 && points == t->nsweep / nkeys
                                       : t->nsweep == 0 && points == 1);
    if (!ok)
        return error_set(err, "/sweep has %zu rows, not %lld points x %zu keys", t->nsweep,
                         (long long)t->points, nkeys);
    for (size_t i = 0; i < t->nsweep; i++) {
        TERMINATE(t->sweep[i].parameter), TERMINATE(t->sweep[i].value);
        if (t->sweep[i].point != i / nkeys ||
            strcmp(t->sweep[i].parameter, t->sweep[i % nkeys].parameter) != 0)
            return error_set(err, "/sweep row %zu is out of place (point %u)", i,
                             t->sweep[i].point);
    }
    return 0;
}

int report_check(report_tables *t, vs_error *err)
{
    if (check_sweep(t, err)) return -1;
    for (size_t i = 0; i < t->nrows; i++) {
        summary_row *x = &t->rows[i];
        TERMINATE(x->architecture), TERMINATE(x->subject), TERMINATE(x->metric);
        TERMINATE(x->unit);
        if (x->point >= (uint64_t)t->points || (i > 0 && x->point < t->rows[i - 1].point))
            return error_set(err, "/summary row %zu names point %u (the file has %lld, in order)",
                             i, x->point, (long long)t->points);
    }
    if (t->reps < 1 || t->reps > (int64_t)UINT32_MAX || t->narchs > UINT32_MAX)
        return error_set(err, "%lld replications x %zu architectures: not what a file holds",
                         (long long)t->reps, t->narchs);
    return 0;
}
