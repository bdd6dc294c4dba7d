/* Strict parsing of command-line values: the whole string, in range, or a message that says
 * which option wanted what and what it got. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "cli/cli.h"

int options_parse_u64(const char *opt, const char *s, uint64_t lo, uint64_t hi, uint64_t *out,
                      vs_error *err)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = (s && *s && *s != '-' && *s != '+') ? strtoull(s, &end, 10) : 0;
    if (!end || *end || errno == ERANGE || v < lo || v > hi)
        return error_set(err, "%s expects a whole number in [%llu, %llu], got '%s'", opt,
                         (unsigned long long)lo, (unsigned long long)hi, s ? s : "");
    *out = v;
    return 0;
}

int options_parse_double(const char *opt, const char *s, double lo, double hi, bool lo_open,
                         double *out, vs_error *err)
{
    char *end = NULL;
    double v = (s && *s) ? strtod(s, &end) : NAN;
    bool ok = end && !*end && isfinite(v) && (lo_open ? v > lo : v >= lo) && v <= hi;
    if (!ok)
        return error_set(err, "%s expects a number in %c%g, %g], got '%s'", opt,
                         lo_open ? '(' : '[', lo, hi, s ? s : "");
    *out = v;
    return 0;
}
