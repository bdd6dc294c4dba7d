/* The table-driven option parser (options.h) and the strict value parsers under it: a value is
 * the whole string, in range, or a message that says which option wanted what and what it got.
 * Command lines are short, so options are found by a linear search of the table. */
#include "cli/options.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "vpcsim/units.h"

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

/* ---- values ---------------------------------------------------------------------------------- */

/* "ladder or heap", "a, b or c" into buf. */
static const char *choice_list(const char *const *choices, char *buf, size_t n)
{
    size_t len = 0, k = 0;
    buf[0] = 0;
    for (; choices[k]; k++) {
        const char *sep = k == 0 ? "" : choices[k + 1] ? ", " : " or ";
        int w = snprintf(buf + len, n - len, "%s%s", sep, choices[k]);
        if (w < 0 || (size_t)w >= n - len) break;
        len += (size_t)w;
    }
    return buf;
}

static int parse_choice(const option_def *d, const char *v, const char **out, vs_error *err)
{
    char list[256];
    for (const char *const *c = d->choices; *c; c++)
        if (strcmp(*c, v) == 0) return *out = *c, 0;
    return error_set(err, "%s expects %s, got '%s'", d->name,
                     choice_list(d->choices, list, sizeof list), v);
}

static int parse_uint(const option_def *d, const char *v, void *at, vs_error *err)
{
    uint64_t u;
    if (options_parse_u64(d->name, v, d->umin, d->umax, &u, err)) return -1;
    if (d->size == sizeof(uint64_t)) {
        *(uint64_t *)at = u;
    } else {
        uint32_t w = (uint32_t)u; /* the table's range keeps it in 32 bits */
        memcpy(at, &w, sizeof w);
    }
    return 0;
}

static int parse_duration(const option_def *d, const char *v, int64_t *out, vs_error *err)
{
    vs_error e = {""};
    if (units_parse_duration(v, out, &e)) return error_set(err, "%s: %s", d->name, e.msg);
    if (d->positive && *out <= 0)
        return error_set(err, "%s must be more than 0s, got '%s'", d->name, v);
    return 0;
}

/* Stores value v of option d into opts. Returns 0, or -1 with err set. */
static int store(const option_def *d, void *opts, const char *v, vs_error *err)
{
    void *at = (char *)opts + d->at;
    double share;
    switch (d->kind) {
    case OPTION_FLAG:
        return *(bool *)at = true, 0;
    case OPTION_FILE:
        if (!*v) return error_set(err, "%s needs a file name", d->name);
        return *(const char **)at = v, 0;
    case OPTION_STRING:
        return *(const char **)at = v, 0;
    case OPTION_CHOICE:
        return parse_choice(d, v, (const char **)at, err);
    case OPTION_UINT:
        return parse_uint(d, v, at, err);
    case OPTION_DOUBLE:
        return options_parse_double(d->name, v, d->dmin, d->dmax, d->dmin_open, at, err);
    case OPTION_DURATION:
        return parse_duration(d, v, at, err);
    case OPTION_SHARE:
        if (units_parse_probability(v, &share, &(vs_error){""}))
            return error_set(err, "%s expects a share from 0 to 1 (or 0%% to 100%%), got '%s'",
                             d->name, v);
        return *(double *)at = share, 0;
    case OPTION_CUSTOM:
        return d->parse(opts, d->name, v, err);
    }
    return error_set(err, "%s: option of an unknown kind", d->name);
}

/* ---- the command line ------------------------------------------------------------------------ */

static const option_def *find(const options_spec *spec, const char *name)
{
    for (size_t i = 0; i < spec->nopts; i++)
        if (strcmp(spec->opts[i].name, name) == 0) return &spec->opts[i];
    return NULL;
}

static bool is_help(const char *a)
{
    return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0;
}

/* A positional argument: the FILE, once. */
static int take_file(const options_spec *spec, void *opts, const char *a, vs_error *err)
{
    const char **file = (const char **)((char *)opts + spec->file_at);
    if (!spec->file) return error_set(err, "unexpected argument '%s'", a);
    if (*file) return error_set(err, "unexpected argument '%s' (one %s at a time)", a, spec->file);
    *file = a;
    return 0;
}

/* Option argv[*i] and its value, if it takes one. Returns 0, or -1 with err set. */
static int take_option(const options_spec *spec, void *opts, int argc, char **argv, int *i,
                       vs_error *err)
{
    const option_def *d = find(spec, argv[*i]);
    if (!d) return error_set(err, "unknown option '%s'", argv[*i]);
    const char *v = "";
    if (d->kind != OPTION_FLAG) {
        if (*i + 1 >= argc) return error_set(err, "%s needs a value", d->name);
        v = argv[++*i];
    }
    if (store(d, opts, v, err)) return -1;
    if (d->seen) *(bool *)((char *)opts + d->seen - 1) = true;
    return 0;
}

int options_parse(const options_spec *spec, void *opts, int argc, char **argv, vs_error *err)
{
    for (int i = 0; i < argc; i++)
        if (is_help(argv[i])) return OPTIONS_HELP;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        bool option = a[0] == '-' && a[1]; /* "-" alone is a file name (stdin, by custom) */
        if (option ? take_option(spec, opts, argc, argv, &i, err) : take_file(spec, opts, a, err))
            return -1;
    }
    if (spec->file && !*(const char **)((char *)opts + spec->file_at))
        return error_set(err, "missing the %s", spec->file);
    return 0;
}

/* ---- usage ----------------------------------------------------------------------------------- */

static void put_synopsis(const options_spec *spec, FILE *f)
{
    fprintf(f, "usage: vpcsim %s%s", spec->command, spec->file ? " FILE" : "");
    if (!spec->list_in_synopsis) {
        fputs(spec->nopts ? " [options]\n" : "\n", f);
        return;
    }
    for (size_t i = 0; i < spec->nopts; i++) {
        const option_def *d = &spec->opts[i];
        fprintf(f, " [%s%s%s]", d->name, d->value_name ? " " : "",
                d->value_name ? d->value_name : "");
    }
    fputc('\n', f);
}

/* "  --threads N" padded to the help column, then the help, its later lines indented alike. */
static void put_option(const options_spec *spec, const option_def *d, FILE *f)
{
    int w = fprintf(f, "  %s%s%s", d->name, d->value_name ? " " : "",
                    d->value_name ? d->value_name : "");
    fprintf(f, "%*s", w < spec->help_column ? spec->help_column - w : 1, "");
    for (const char *s = d->help; *s;) {
        size_t len = strcspn(s, "\n");
        fprintf(f, "%.*s\n", (int)len, s);
        s += len;
        if (*s == '\n' && *++s) fprintf(f, "%*s", spec->help_column, "");
    }
}

void options_usage(const options_spec *spec, FILE *f)
{
    put_synopsis(spec, f);
    if (spec->about) fputs(spec->about, f);
    for (size_t i = 0; i < spec->nopts; i++) put_option(spec, &spec->opts[i], f);
    if (spec->footer) fputs(spec->footer, f);
}

bool options_take(const options_spec *spec, void *opts, int argc, char **argv, int *exit_code)
{
    vs_error err = {""};
    int rc = options_parse(spec, opts, argc, argv, &err);
    if (rc == 0) return true;
    if (rc == OPTIONS_HELP) {
        options_usage(spec, stdout);
        *exit_code = 0;
    } else {
        fprintf(stderr, "vpcsim %s: %s\n", spec->command, err.msg);
        options_usage(spec, stderr);
        *exit_code = EXIT_USAGE;
    }
    return false;
}
