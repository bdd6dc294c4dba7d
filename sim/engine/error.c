/* Error messages as values (see include/vpcsim/error.h). */
#include "vpcsim/error.h"

#include <stdio.h>

int error_vset(vs_error *err, const char *fmt, va_list ap)
{
    if (err) vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    return -1;
}

int error_set(vs_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_vset(err, fmt, ap);
    va_end(ap);
    return -1;
}
