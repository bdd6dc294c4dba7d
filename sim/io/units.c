/* Strict parsing and printing of values with units (see include/vpcsim/units.h). Called a few
 * thousand times per scenario load; durations and sizes use integer arithmetic on the decimal
 * digits, so "1.5ms" is exactly 1500000 ns and "0.1s" has no binary rounding. */
#include "vpcsim/units.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    QUOTE_CHARS = 60, /* characters of the input shown in a message */
    QUOTE_BUF = 320,  /* room for QUOTE_CHARS escaped characters */
    POW10_MAX = 19    /* 10^19 is the largest power of ten in a uint64_t */
};

typedef struct unit_def {
    const char *name; /* as written after the number */
    int64_t scale;    /* base units (ns, bytes, bits/s) in one of this unit */
    int decimals;     /* decimals when printing; scale == 10^decimals or decimals == 3 */
} unit_def;

typedef struct quantity {
    const char *what;      /* "a duration", for "expected a duration such as ..." */
    const char *example;   /* two typical spellings */
    const char *quantum;   /* what the value must be a whole number of, or NULL */
    const char *max_text;  /* the largest value, in words */
    const unit_def *units; /* accepted units, largest first */
    size_t nunits;         /* entries in units */
    const char *unit_list; /* the units, for "use ns, us, ..." */
} quantity;

static const unit_def duration_units[] = {
    {"d", 86400000000000, 3}, {"h", 3600000000000, 3}, {"m", 60000000000, 3},
    {"s", 1000000000, 9},     {"ms", 1000000, 6},      {"us", 1000, 3},
    {"\xc2\xb5s", 1000, 3},   {"\xce\xbcs", 1000, 3},  {"ns", 1, 0},
};

static const unit_def size_units[] = {
    {"TiB", 1099511627776, 3}, {"TB", 1000000000000, 12}, {"GiB", 1073741824, 3},
    {"GB", 1000000000, 9},     {"MiB", 1048576, 3},       {"MB", 1000000, 6},
    {"KiB", 1024, 3},          {"KB", 1000, 3},           {"B", 1, 0},
};

static const unit_def bitrate_units[] = {
    {"Gbps", 1000000000, 9}, {"Mbps", 1000000, 6}, {"Kbps", 1000, 3}, {"bps", 1, 0}};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const quantity duration_q = {.what = "a duration",
                                    .example = "250us or 1.5ms",
                                    .quantum = "nanoseconds",
                                    .max_text = "106751d",
                                    .units = duration_units,
                                    .nunits = COUNT(duration_units),
                                    .unit_list = "ns, us, ms, s, m, h or d"};

static const quantity size_q = {.what = "a size",
                                .example = "5KiB or 1.5MB",
                                .quantum = "bytes",
                                .max_text = "8388607TiB",
                                .units = size_units,
                                .nunits = COUNT(size_units),
                                .unit_list = "B, KiB, MiB, GiB, TiB, KB, MB, GB or TB"};

static const quantity bitrate_q = {.what = "a bit rate",
                                   .example = "10Gbps or 500Mbps",
                                   .max_text = "1e308bps",
                                   .units = bitrate_units,
                                   .nunits = COUNT(bitrate_units),
                                   .unit_list = "bps, Kbps, Mbps or Gbps"};

static const quantity rate_q = {.what = "a rate",
                                .example = "2000/s or 5/ms",
                                .max_text = "1e308/s",
                                .units = duration_units,
                                .nunits = COUNT(duration_units),
                                .unit_list = "/ns, /us, /ms, /s, /m, /h or /d"};

static const quantity money_q = {
    .what = "an amount of money", .example = "$0.045 or 0.045", .max_text = "1e308"};
static const quantity prob_q = {.what = "a probability", .example = "25% or 0.25"};
static const quantity double_q = {.what = "a number", .example = "1.5 or -2e-3"};
static const quantity int_q = {.what = "an integer", .example = "42 or -7"};

/* ---- messages ---------------------------------------------------------------------------- */

static int fail_expected(const quantity *q, const char *s, const char *hint, vs_error *err)
{
    char quoted[QUOTE_BUF];
    if (!*s)
        return error_set(err, "expected %s such as %s, got an empty value", q->what, q->example);
    return error_set(err, "expected %s such as %s, got %s%s", q->what, q->example,
                     units_format_quoted(s, QUOTE_CHARS, quoted, sizeof quoted), hint);
}

/* "expected <what>, got "<s>"" for a value of the right form but out of range. */
static int fail_range(const char *what, const char *s, vs_error *err)
{
    char quoted[QUOTE_BUF];
    return error_set(err, "expected %s, got %s", what,
                     units_format_quoted(s, QUOTE_CHARS, quoted, sizeof quoted));
}

static int fail_negative(const quantity *q, const char *s, vs_error *err)
{
    char what[64];
    snprintf(what, sizeof what, "%s >= 0", q->what);
    return fail_range(what, s, err);
}

static int fail_too_large(const quantity *q, const char *s, vs_error *err)
{
    char what[96];
    snprintf(what, sizeof what, "%s of at most %s", q->what, q->max_text);
    return fail_range(what, s, err);
}

static int fail_unit(const quantity *q, const char *s, const char *unit, vs_error *err)
{
    char hint[QUOTE_BUF + 96], quoted[QUOTE_BUF];
    unsigned char c = (unsigned char)*unit;
    if (!*unit) return fail_expected(q, s, " (no unit)", err);
    if (!((c | 0x20) >= 'a' && (c | 0x20) <= 'z') && c < 0x80 && c != '%' && c != '$')
        return fail_expected(q, s, "", err); /* junk such as "1.5.5ms", not a unit */
    snprintf(hint, sizeof hint, " (unknown unit %s; use %s)",
             units_format_quoted(unit, QUOTE_CHARS, quoted, sizeof quoted), q->unit_list);
    return fail_expected(q, s, hint, err);
}

/* ---- numbers ----------------------------------------------------------------------------- */

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static size_t digits_len(const char *s)
{
    size_t n = 0;
    while (is_digit(s[n])) n++;
    return n;
}

/* Length of the number at the start of s, `-?digits(.digits)?` plus `[eE][+-]?digits` when
 * allow_exp; 0 when s does not start with one. */
static size_t number_len(const char *s, int allow_exp)
{
    size_t n = (*s == '-'), d = digits_len(s + n), e;
    if (d == 0) return 0;
    n += d;
    if (s[n] == '.' && (d = digits_len(s + n + 1)) > 0) n += 1 + d;
    if (allow_exp && (s[n] == 'e' || s[n] == 'E')) {
        e = n + 1 + (s[n + 1] == '+' || s[n + 1] == '-');
        if ((d = digits_len(s + e)) > 0) n = e + d;
    }
    return n;
}

/* The decimal digits of a number without exponent, as mant / 10^frac. */
typedef struct decimal {
    uint64_t mant; /* significant digits; no trailing zeros after the point */
    int frac;      /* digits after the point kept in mant */
    int too_big;   /* the integer part does not fit in mant */
    int too_fine;  /* the fraction does not fit in mant */
} decimal;

/* mant = mant * 10 + digit; returns 1 (mant unchanged) if that overflows. */
static int push_digit(uint64_t *mant, int digit)
{
    if (*mant > (UINT64_MAX - (uint64_t)digit) / 10) return 1;
    *mant = *mant * 10 + (uint64_t)digit;
    return 0;
}

/* Appends `zeros` zeros then digit to the fraction. */
static void push_fraction(decimal *d, int zeros, int digit)
{
    for (int i = 0; i <= zeros && !d->too_fine; i++) {
        d->too_fine = push_digit(&d->mant, i < zeros ? 0 : digit);
        d->frac++;
    }
}

/* Reads the digits of s[0..len), a number_len(s, 0) match; the sign is ignored. */
static decimal decimal_of(const char *s, size_t len)
{
    decimal d = {0, 0, 0, 0};
    size_t i = (*s == '-');
    int zeros = 0;
    for (; i < len && s[i] != '.'; i++) d.too_big |= push_digit(&d.mant, s[i] - '0');
    for (i++; i < len; i++) {
        if (s[i] == '0') {
            zeros++;
        } else {
            push_fraction(&d, zeros, s[i] - '0');
            zeros = 0;
        }
    }
    return d;
}

static uint64_t gcd_u64(uint64_t a, uint64_t b)
{
    while (b) {
        uint64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* d * scale as an int64; returns 0, 1 if larger than INT64_MAX, 2 if not a whole number. */
static int exact_scale(decimal d, int64_t scale, int64_t *out)
{
    uint64_t p = 1, g, q, s;
    if (d.too_big) return 1;
    if (d.too_fine || d.frac > POW10_MAX) return 2; /* mant != 0 here: 2 is right */
    for (int i = 0; i < d.frac; i++) p *= 10;
    g = gcd_u64(p, (uint64_t)scale);
    if (d.mant % (p / g)) return 2;
    q = d.mant / (p / g);
    s = (uint64_t)scale / g;
    if (q > (uint64_t)INT64_MAX / s) return 1;
    *out = (int64_t)(q * s);
    return 0;
}

/* strtod of s[0..len), a number_len match; -1 if strtod reads another length (only possible
 * under a locale whose decimal point is not '.'). */
static int double_of(const char *s, size_t len, double *out)
{
    char *end;
    *out = strtod(s, &end);
    return end == s + len ? 0 : -1;
}

/* ---- units ------------------------------------------------------------------------------- */

static const unit_def *find_unit(const quantity *q, const char *name)
{
    for (size_t i = 0; i < q->nunits; i++)
        if (strcmp(q->units[i].name, name) == 0) return &q->units[i];
    return NULL;
}

/* The unit written at `unit` (the rest of s), or bare_unit when nothing is written. */
static int lookup_unit(const quantity *q, const char *s, const char *unit, const char *bare_unit,
                       const unit_def **out, vs_error *err)
{
    if (!*unit && bare_unit) {
        *out = find_unit(q, bare_unit);
        if (!*out)
            return error_set(err, "internal error: %s is not a unit of %s", bare_unit, q->what);
        return 0;
    }
    *out = find_unit(q, unit);
    return *out ? 0 : fail_unit(q, s, unit, err);
}

static int parse_exact(const quantity *q, const char *s, const char *bare_unit, int64_t *out,
                       vs_error *err)
{
    size_t len = number_len(s, 0);
    const unit_def *u;
    int64_t v = 0;
    if (len == 0) return fail_expected(q, s, "", err);
    if (lookup_unit(q, s, s + len, bare_unit, &u, err)) return -1;
    if (*s == '-') return fail_negative(q, s, err);
    switch (exact_scale(decimal_of(s, len), u->scale, &v)) {
    case 1:
        return fail_too_large(q, s, err);
    case 2: {
        char what[64];
        snprintf(what, sizeof what, "a whole number of %s", q->quantum);
        return fail_range(what, s, err);
    }
    default:
        *out = v;
        return 0;
    }
}

/* A non-negative finite double: the number at s times the scale of the unit after it. */
static int parse_scaled(const quantity *q, const char *s, const char *bare_unit, double *out,
                        vs_error *err)
{
    size_t len = number_len(s, 1);
    const unit_def *u;
    double v;
    if (len == 0) return fail_expected(q, s, "", err);
    if (lookup_unit(q, s, s + len, bare_unit, &u, err)) return -1;
    if (*s == '-') return fail_negative(q, s, err);
    if (double_of(s, len, &v) || !isfinite(v * (double)u->scale)) return fail_too_large(q, s, err);
    *out = v * (double)u->scale;
    return 0;
}

int units_parse_duration(const char *s, int64_t *out_ns, vs_error *err)
{
    return parse_exact(&duration_q, s ? s : "", NULL, out_ns, err);
}

int units_parse_duration_default(const char *s, const char *bare_unit, int64_t *out_ns,
                                 vs_error *err)
{
    return parse_exact(&duration_q, s ? s : "", bare_unit, out_ns, err);
}

int units_parse_size(const char *s, int64_t *out_bytes, vs_error *err)
{
    return parse_exact(&size_q, s ? s : "", NULL, out_bytes, err);
}

int units_parse_size_default(const char *s, const char *bare_unit, int64_t *out_bytes,
                             vs_error *err)
{
    return parse_exact(&size_q, s ? s : "", bare_unit, out_bytes, err);
}

int units_parse_bitrate(const char *s, double *out_bps, vs_error *err)
{
    return parse_scaled(&bitrate_q, s ? s : "", NULL, out_bps, err);
}

int units_parse_bitrate_default(const char *s, const char *bare_unit, double *out_bps,
                                vs_error *err)
{
    return parse_scaled(&bitrate_q, s ? s : "", bare_unit, out_bps, err);
}

int units_parse_rate(const char *s, double *out_per_s, vs_error *err)
{
    size_t len;
    const unit_def *u;
    double v;
    s = s ? s : "";
    len = number_len(s, 1);
    if (len == 0) return fail_expected(&rate_q, s, "", err);
    if (s[len] != '/') return fail_unit(&rate_q, s, s + len, err);
    if (lookup_unit(&rate_q, s, s + len + 1, NULL, &u, err)) return -1;
    if (*s == '-') return fail_negative(&rate_q, s, err);
    if (double_of(s, len, &v)) return fail_too_large(&rate_q, s, err);
    /* v * 1e9 / scale is exact for 120/m; the other order only guards against overflow */
    v = isfinite(v * 1e9) ? v * 1e9 / (double)u->scale : v / ((double)u->scale / 1e9);
    if (!isfinite(v)) return fail_too_large(&rate_q, s, err);
    *out_per_s = v;
    return 0;
}

int units_parse_money(const char *s, double *out_dollars, vs_error *err)
{
    const char *num;
    size_t len;
    double v;
    s = s ? s : "";
    num = s + (*s == '$');
    len = number_len(num, 0);
    if (len == 0 || num[len]) return fail_expected(&money_q, s, "", err);
    if (*num == '-') return fail_negative(&money_q, s, err);
    if (double_of(num, len, &v) || !isfinite(v)) return fail_too_large(&money_q, s, err);
    *out_dollars = v;
    return 0;
}

int units_parse_probability(const char *s, double *out_p, vs_error *err)
{
    size_t len;
    double v;
    int percent;
    s = s ? s : "";
    len = number_len(s, 1);
    percent = s[len] == '%';
    if (len == 0 || s[len + percent]) return fail_expected(&prob_q, s, "", err);
    if (double_of(s, len, &v) || !isfinite(v)) v = HUGE_VAL; /* caught by the range check */
    if (percent) v /= 100.0;
    if (*s == '-' || !(v <= 1.0))
        return fail_range("a probability from 0 to 1 (or 0% to 100%)", s, err);
    *out_p = v;
    return 0;
}

int units_parse_double(const char *s, double *out, vs_error *err)
{
    size_t len;
    double v;
    s = s ? s : "";
    len = number_len(s, 1);
    if (len == 0 || s[len]) return fail_expected(&double_q, s, "", err);
    if (double_of(s, len, &v) || !isfinite(v))
        return fail_range("a number between -1e308 and 1e308", s, err);
    *out = v;
    return 0;
}

int units_parse_int(const char *s, int64_t *out, vs_error *err)
{
    size_t len;
    decimal d;
    s = s ? s : "";
    len = number_len(s, 0);
    if (len == 0 || s[len] || memchr(s, '.', len)) return fail_expected(&int_q, s, "", err);
    d = decimal_of(s, len);
    if (d.too_big || d.mant > (uint64_t)INT64_MAX + (*s == '-'))
        return fail_range("an integer from -9223372036854775808 to 9223372036854775807", s, err);
    /* -(mant - 1) - 1 reaches INT64_MIN without overflowing */
    *out = *s == '-' ? (d.mant ? -(int64_t)(d.mant - 1) - 1 : 0) : (int64_t)d.mant;
    return 0;
}

/* ---- printing ---------------------------------------------------------------------------- */

/* Writes sign, magnitude / u->scale and up to u->decimals decimals; returns -1 (nothing
 * written) unless that is exact. */
static int format_exact(int neg, uint64_t mag, const unit_def *u, char *buf, size_t n)
{
    uint64_t scale = (uint64_t)u->scale, rem = mag % scale, frac = rem, p = 1;
    char digits[24];
    int len = u->decimals;
    for (int i = 0; i < u->decimals; i++) p *= 10;
    if (p != scale) { /* decimals == 3 and rem * 1000 fits: rem < scale < 2^47 */
        if (rem * p % scale) return -1;
        frac = rem * p / scale;
    }
    if (frac == 0) {
        snprintf(buf, n, "%s%llu%s", neg ? "-" : "", (unsigned long long)(mag / scale), u->name);
        return 0;
    }
    snprintf(digits, sizeof digits, "%0*llu", len, (unsigned long long)frac);
    while (len > 0 && digits[len - 1] == '0') len--;
    snprintf(buf, n, "%s%llu.%.*s%s", neg ? "-" : "", (unsigned long long)(mag / scale), len,
             digits, u->name);
    return 0;
}

/* The first unit (largest first) at which v prints exactly with value >= 1. */
static char *format_units(int64_t v, const unit_def *units, size_t nunits, char *buf, size_t n)
{
    uint64_t mag = v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
    for (size_t i = 0; i < nunits; i++) {
        if (units[i].name[0] & 0x80) continue; /* print "us", never "µs" */
        if (mag >= (uint64_t)units[i].scale && format_exact(v < 0, mag, &units[i], buf, n) == 0)
            return buf;
    }
    format_exact(v < 0, mag, &units[nunits - 1], buf, n); /* 0, in the smallest unit */
    return buf;
}

char *units_format_duration(int64_t ns, char *buf, size_t n)
{
    if (ns == 0) {
        snprintf(buf, n, "0s");
        return buf;
    }
    return format_units(ns, duration_units, COUNT(duration_units), buf, n);
}

char *units_format_size(int64_t bytes, char *buf, size_t n)
{
    return format_units(bytes, size_units, COUNT(size_units), buf, n);
}

char *units_format_bitrate(double bps, char *buf, size_t n)
{
    size_t i = 0;
    while (i + 1 < COUNT(bitrate_units) && !(fabs(bps) >= (double)bitrate_units[i].scale)) i++;
    snprintf(buf, n, "%.6g%s", bps / (double)bitrate_units[i].scale, bitrate_units[i].name);
    return buf;
}

char *units_format_rate(double per_s, char *buf, size_t n)
{
    snprintf(buf, n, "%.6g/s", per_s);
    return buf;
}

/* Appends text to buf[0..n) at *pos, never past n - 1; buf stays NUL-terminated. */
static void append(char *buf, size_t n, size_t *pos, const char *text, size_t len)
{
    if (*pos + 1 >= n) return;
    if (len > n - 1 - *pos) len = n - 1 - *pos;
    memcpy(buf + *pos, text, len);
    *pos += len;
    buf[*pos] = '\0';
}

/* One byte of s as it appears between the quotes. */
static size_t escape_byte(unsigned char c, char out[8])
{
    if (c == '"' || c == '\\') return (size_t)snprintf(out, 8, "\\%c", c);
    if (c == '\n') return (size_t)snprintf(out, 8, "\\n");
    if (c == '\t') return (size_t)snprintf(out, 8, "\\t");
    if (c < 0x20 || c == 0x7f) return (size_t)snprintf(out, 8, "\\x%02x", c);
    out[0] = (char)c;
    return 1;
}

char *units_format_quoted(const char *s, size_t max_chars, char *buf, size_t n)
{
    size_t pos = 0, chars = 0;
    char piece[8];
    if (n == 0) return buf;
    buf[0] = '\0';
    append(buf, n, &pos, "\"", 1);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c & 0xc0) != 0x80 && chars++ == max_chars) { /* a new character, one too many */
            append(buf, n, &pos, "...", 3);
            break;
        }
        append(buf, n, &pos, piece, escape_byte(c, piece));
    }
    append(buf, n, &pos, "\"", 1);
    return buf;
}
