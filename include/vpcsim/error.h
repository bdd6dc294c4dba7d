/* Errors as values: a failing function returns -1 and leaves a message saying what and where
 * (`scenario.yaml:14:7: rate must be > 0, got -5`) in the caller's vs_error. */
#ifndef VPCSIM_ERROR_H
#define VPCSIM_ERROR_H

#include <stdarg.h>

enum { VS_ERROR_MSG_MAX = 1024 };

typedef struct vs_error {
    char msg[VS_ERROR_MSG_MAX]; /* NUL-terminated message; empty when no error was set */
} vs_error;

/* Formats the message into err (if not NULL); always returns -1 so callers can
 * `return error_set(err, "...")`. */
int error_set(vs_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int error_vset(vs_error *err, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

#endif
