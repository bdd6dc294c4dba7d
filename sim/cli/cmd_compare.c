/* `vpcsim compare BASE.h5 NEW.h5`: whether NEW regressed against BASE, figure by figure, with
 * a test per difference (sim/cli/compare.c) and a verdict per figure; exit 0 when nothing
 * regressed, 1 when something did (or changed, --fail-on changed), 2 on bad input or files that
 * cannot be compared. A pipeline gates on `vpcsim compare base.h5 new.h5 || exit 1`. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/compare.h"

enum { DEFAULT_THRESHOLD_PERMILLE = 10 }; /* 1%: smaller changes are "same" */
#define DEFAULT_ALPHA 0.01

typedef struct compare_optdef {
    const char *name;
    const char *value; /* the value's name in the help, or NULL: a flag */
    const char *help;
    int (*parse)(compare_opts *o, const char *v, vs_error *err);
} compare_optdef;

static int opt_alpha(compare_opts *o, const char *v, vs_error *err)
{
    return options_parse_double("--alpha", v, 0, 0.5, true, &o->alpha, err);
}

/* The family named name[0..n), or -1. */
static int family_named(const char *name, size_t n)
{
    for (int f = 0; f < FAM_COUNT; f++)
        if (strlen(compare_families[f].name) == n &&
            strncmp(name, compare_families[f].name, n) == 0)
            return f;
    return -1;
}

/* "5%" or "0.05" (no upper bound: 200% is a threshold too). */
static int share(const char *opt, const char *s, double *out, vs_error *err)
{
    char *end = NULL;
    double x = *s ? strtod(s, &end) : NAN;
    if (end && *end == '%' && end[1] == 0) x /= 100, end++;
    if (!end || *end || !(x >= 0) || isinf(x))
        return error_set(err, "%s expects a share such as 5%% or 0.05, got '%s'", opt, s);
    *out = x;
    return 0;
}

/* "5%", "p99=10%,cost=1%", or both: a bare share sets every family, then KEY=share one. */
static int opt_threshold(compare_opts *o, const char *v, vs_error *err)
{
    char item[64];
    for (const char *p = v; *p;) {
        size_t n = strcspn(p, ",");
        snprintf(item, sizeof item, "%.*s", (int)n, p);
        char *eq = strchr(item, '=');
        double x = 0;
        int f = eq ? family_named(item, (size_t)(eq - item)) : FAM_COUNT;
        if (f < 0)
            return error_set(err,
                             "--threshold: unknown metric '%.*s' (mean, p50, p90, p99, "
                             "p99.9, success, completed, failures, utilisation, cost)",
                             (int)(eq - item), item);
        if (share("--threshold", eq ? eq + 1 : item, &x, err)) return -1;
        for (int k = 0; k < FAM_COUNT; k++)
            if (k == f || f == FAM_COUNT) o->threshold[k] = x;
        p += n + (p[n] == ',');
    }
    return 0;
}

static int opt_metrics(compare_opts *o, const char *v, vs_error *err)
{
    memset(o->metrics, 0, sizeof o->metrics);
    for (const char *p = v; *p;) {
        size_t n = strcspn(p, ",");
        int f = family_named(p, n);
        if (f < 0)
            return error_set(err,
                             "--metrics: unknown metric '%.*s' (mean, p50, p90, p99, p99.9, "
                             "success, completed, failures, utilisation, cost)",
                             (int)n, p);
        o->metrics[f] = true;
        p += n + (p[n] == ',');
    }
    for (int f = 0; f < FAM_COUNT; f++)
        if (o->metrics[f]) return 0;
    return error_set(err, "--metrics needs at least one metric");
}

static int opt_fail_on(compare_opts *o, const char *v, vs_error *err)
{
    if (strcmp(v, "worse") && strcmp(v, "changed"))
        return error_set(err, "--fail-on expects worse or changed, got '%s'", v);
    o->fail_on_changed = strcmp(v, "changed") == 0;
    return 0;
}

static int opt_partial(compare_opts *o, const char *v, vs_error *err)
{
    (void)v, (void)err;
    return o->partial = true, 0;
}

static int opt_json(compare_opts *o, const char *v, vs_error *err)
{
    (void)v;
    if (o->format != CMP_TEXT) return error_set(err, "--json and --markdown: one or the other");
    return o->format = CMP_JSON, 0;
}

static int opt_markdown(compare_opts *o, const char *v, vs_error *err)
{
    (void)v;
    if (o->format != CMP_TEXT) return error_set(err, "--json and --markdown: one or the other");
    return o->format = CMP_MARKDOWN, 0;
}

static const compare_optdef optdefs[] = {
    {"--alpha", "A", "family-wise false-alarm rate, Holm-Bonferroni over every test (0.01)",
     opt_alpha},
    {"--threshold", "T",
     "changes smaller than this share of the base are same even when significant:\n"
     "                    5% for all, p99=10%,cost=1% per metric, or both (default 1%)",
     opt_threshold},
    {"--metrics", "LIST",
     "metrics to compare: mean, p50, p90, p99, p99.9, success, completed,\n"
     "                    failures, utilisation, cost (default: all)",
     opt_metrics},
    {"--fail-on", "WHAT", "worse (default): exit 1 on a regression; changed: on any change",
     opt_fail_on},
    {"--partial", NULL, "compare what both files share (warn) instead of refusing", opt_partial},
    {"--json", NULL, "one JSON document (docs/compare.schema.json)", opt_json},
    {"--markdown", NULL, "Markdown for a pull-request comment (the changes only)", opt_markdown},
};
enum { NOPTS = sizeof optdefs / sizeof optdefs[0] };

static void compare_usage(FILE *f)
{
    fputs("usage: vpcsim compare BASE.h5 NEW.h5 [options]\n"
          "  for every architecture x sweep point x workload of both results files (vpcsim run\n"
          "  -o) and every metric: base, new, the difference with its confidence interval and a\n"
          "  verdict (better, worse, same); paired t when both share seed and replications\n"
          "  (common random numbers), else Welch's t. Exit 0: nothing regressed; 1: something\n"
          "  did; 2: bad input, or files of different scenarios, architectures, sweeps or\n"
          "  versions\n",
          f);
    char head[32];
    for (size_t i = 0; i < NOPTS; i++) {
        snprintf(head, sizeof head, "%s%s%s", optdefs[i].name, optdefs[i].value ? " " : "",
                 optdefs[i].value ? optdefs[i].value : "");
        fprintf(f, "  %-17s %s\n", head, optdefs[i].help);
    }
}

static int parse_args(compare_opts *o, int argc, char **argv, vs_error *err)
{
    *o = (compare_opts){.alpha = DEFAULT_ALPHA};
    for (int f = 0; f < FAM_COUNT; f++)
        o->metrics[f] = true, o->threshold[f] = DEFAULT_THRESHOLD_PERMILLE / 1000.0;
    for (int i = 0; i < argc; i++) {
        const compare_optdef *d = NULL;
        for (size_t k = 0; k < NOPTS && !d; k++)
            if (strcmp(argv[i], optdefs[k].name) == 0) d = &optdefs[k];
        if (!d && argv[i][0] == '-' && argv[i][1])
            return error_set(err, "unknown option '%s'", argv[i]);
        if (!d && o->new_path)
            return error_set(err, "unexpected argument '%s' (two files: BASE and NEW)", argv[i]);
        if (!d) {
            *(o->base_path ? &o->new_path : &o->base_path) = argv[i];
            continue;
        }
        if (d->value && i + 1 >= argc) return error_set(err, "%s needs a value", d->name);
        if (d->parse(o, d->value ? argv[++i] : NULL, err)) return -1;
    }
    return o->new_path ? 0 : error_set(err, "needs two files: BASE.h5 NEW.h5");
}

int compare_main(int argc, char **argv)
{
    compare_opts o;
    vs_error err = {""};
    results_file b = {0}, n = {0};
    compare_result r = {0};
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return compare_usage(stdout), 0;
    if (parse_args(&o, argc, argv, &err)) {
        fprintf(stderr, "vpcsim compare: %s\n", err.msg);
        compare_usage(stderr);
        return EXIT_USAGE;
    }
    int rc = results_file_open(&b, o.base_path, &err) || results_file_open(&n, o.new_path, &err)
                 ? 2
                 : compare_files(&b, &n, &o, &r, &err);
    if (rc == 0) {
        for (size_t i = 0; i < r.nwarnings; i++)
            fprintf(stderr, "vpcsim compare: warning: %s\n", r.warnings[i]);
        if (compare_out_print(stdout, &r, &b, &n, &o) || fflush(stdout) || ferror(stdout))
            rc = error_set(&err, "cannot write the comparison");
    }
    if (rc) fprintf(stderr, "vpcsim compare: %s\n", err.msg);
    size_t bad = r.count[CMP_WORSE] + (o.fail_on_changed ? r.count[CMP_BETTER] : 0);
    compare_result_free(&r);
    results_file_free(&b), results_file_free(&n);
    return rc == 2 ? EXIT_USAGE : rc ? 1 : bad ? 1 : 0;
}
