/* Values with units as written in scenario files (`250us`, `5KiB`, `10Gbps`, `2000/s`, `$0.045`,
 * `25%`): strict parsing into nanoseconds, bytes, bits/s, events/s, dollars, and printing back. */
#ifndef VPCSIM_UNITS_H
#define VPCSIM_UNITS_H

#include <stddef.h>
#include <stdint.h>

#include "vpcsim/error.h"

/* Every parser below reads the whole string: no surrounding spaces, no space between number and
 * unit, units are case-sensitive, `nan`/`inf`/hex are not numbers. On success it returns 0 and
 * stores the value; on failure it returns -1, leaves *out unchanged and puts a message that says
 * what was expected and what was found in err (`expected a duration such as 250us or 1.5ms, got
 * "12parsecs" (unknown unit "parsecs"; use ns, us, ms, s, m, h or d)`). Messages carry no
 * position: the caller (config.c) prefixes one. */

/* Duration, `ns us ms s m h d` (also `µs`), decimals allowed (`1.5ms`), >= 0, whole nanoseconds,
 * at most INT64_MAX ns (about 106751d). A bare number is an error. */
int units_parse_duration(const char *s, int64_t *out_ns, vs_error *err);
/* As units_parse_duration, but a bare number is read in bare_unit (e.g. "ms"); bare_unit must be
 * one of the duration units, else a bare number fails with "internal error"; NULL: no default. */
int units_parse_duration_default(const char *s, const char *bare_unit, int64_t *out_ns,
                                 vs_error *err);

/* Size, `B KiB MiB GiB TiB` (powers of 1024) or `KB MB GB TB` (powers of 1000), >= 0; decimals
 * allowed when the result is a whole number of bytes (`1.5KiB` yes, `1.3B` no). */
int units_parse_size(const char *s, int64_t *out_bytes, vs_error *err);
/* As units_parse_size, a bare number being read in bare_unit (e.g. "B"). */
int units_parse_size_default(const char *s, const char *bare_unit, int64_t *out_bytes,
                             vs_error *err);

/* Bit rate, `bps Kbps Mbps Gbps` (decimal SI: 1Kbps = 1000 bits/s), >= 0, finite. */
int units_parse_bitrate(const char *s, double *out_bps, vs_error *err);
/* As units_parse_bitrate, a bare number being read in bare_unit (e.g. "Mbps"). */
int units_parse_bitrate_default(const char *s, const char *bare_unit, double *out_bps,
                                vs_error *err);

/* Event rate `<number>/<duration unit>` (`2000/s`, `5/ms`, `120/m`, `10/h`) in events per
 * second, >= 0, finite. A bare number is an error (per what?). */
int units_parse_rate(const char *s, double *out_per_s, vs_error *err);

/* Money in dollars, `$0.045` or `0.045`, >= 0, no exponent. */
int units_parse_money(const char *s, double *out_dollars, vs_error *err);

/* Probability, `25%` or `0.25` (exponent allowed: `1e-3`), from 0 to 1 inclusive. */
int units_parse_probability(const char *s, double *out_p, vs_error *err);

/* Plain finite number, sign and exponent allowed (`-1.5`, `2e-3`). */
int units_parse_double(const char *s, double *out, vs_error *err);

/* Plain integer (`42`, `-7`), no fraction or exponent, within int64_t. */
int units_parse_int(const char *s, int64_t *out, vs_error *err);

/* Printing. Each writes a NUL-terminated text into buf (truncated to n bytes; n >= 1) and
 * returns buf, so that it can be used as a printf argument. */

/* Exact and re-parseable, in the largest unit that reads well: 1500000 -> "1.5ms",
 * 90000000000 -> "1.5m", 1234 -> "1.234us", 0 -> "0s". */
char *units_format_duration(int64_t ns, char *buf, size_t n);
/* Exact and re-parseable: 5120 -> "5KiB", 1500000 -> "1.5MB", 1234567 -> "1234567B". */
char *units_format_size(int64_t bytes, char *buf, size_t n);
/* Six significant digits: 1e10 -> "10Gbps", 1.25e9 -> "1.25Gbps", 300 -> "300bps". */
char *units_format_bitrate(double bps, char *buf, size_t n);
/* Six significant digits, per second: 2000 -> "2000/s". */
char *units_format_rate(double per_s, char *buf, size_t n);
/* s in double quotes for messages: `"`, `\` and control bytes escaped (\n, \x01), cut after
 * max_chars characters with "..." so that a huge or binary input cannot flood a message. */
char *units_format_quoted(const char *s, size_t max_chars, char *buf, size_t n);

#endif
