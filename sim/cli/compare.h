/* `vpcsim compare BASE.h5 NEW.h5`: the statistical comparison of two results files. compare.c
 * matches the figures of both files and tests each difference; compare_out.c prints the verdicts
 * as text, Markdown or JSON; cmd_compare.c is the command. Hundreds of tests, small files. */
#ifndef VPCSIM_CLI_COMPARE_H
#define VPCSIM_CLI_COMPARE_H

#include <stdbool.h>
#include <stdio.h>

#include "cli/results_file.h"
#include "vpcsim/stats.h"

typedef enum compare_verdict { CMP_SAME, CMP_BETTER, CMP_WORSE } compare_verdict;
typedef enum compare_method { CMP_PAIRED, CMP_WELCH } compare_method;

/* The metric families (--metrics, --threshold keys), each with its direction. */
typedef enum compare_family {
    FAM_MEAN,
    FAM_P50,
    FAM_P90,
    FAM_P99,
    FAM_P999,
    FAM_SUCCESS,
    FAM_COMPLETED,
    FAM_FAILURES,
    FAM_UTILISATION,
    FAM_COST,
    FAM_COUNT
} compare_family;

typedef struct compare_family_def {
    const char *name;   /* as --metrics and --threshold name it */
    const char *metric; /* the /summary metric (a prefix for failures) */
    bool higher_better; /* success and throughput; lower latency, failures, load and cost */
} compare_family_def;
extern const compare_family_def compare_families[FAM_COUNT];

typedef struct compare_opts {
    const char *base_path, *new_path;
    double alpha;                /* family-wise error rate (Holm-Bonferroni) */
    double threshold[FAM_COUNT]; /* practical significance: relative change below it is same */
    bool metrics[FAM_COUNT];     /* families compared */
    bool fail_on_changed;        /* exit 1 on better too */
    bool partial;                /* compare what both files share, with a warning */
    enum { CMP_TEXT, CMP_JSON, CMP_MARKDOWN } format;
} compare_opts;

/* One tested figure: a metric of a subject of an architecture at a sweep point. */
typedef struct compare_test {
    uint32_t point; /* the base file's point */
    char architecture[160], subject[160], metric[32], unit[32];
    compare_family family;
    compare_method method;
    double base, new_;    /* means over replications */
    size_t n_base, n_new; /* replications with a value (pairs when paired) */
    stats_test t;         /* new - base, its interval at 1 - alpha, p */
    double p_adj;         /* Holm-Bonferroni; NaN: untestable */
    double relative;      /* diff / |base| (inf when base is 0 and diff is not) */
    compare_verdict verdict;
} compare_test;

typedef struct compare_result {
    compare_test *tests;
    size_t n, cap;
    compare_method method; /* the files' method: paired (common random numbers) or Welch */
    char warnings[8][640]; /* --partial: what was left out */
    size_t nwarnings;
    size_t count[3]; /* by verdict */
} compare_result;

/* Matches the figures of files b and n and tests every one (Holm-Bonferroni over all). Returns
 * 0; 2 with err set when the files cannot be compared (different scenarios, architectures, sweep
 * or versions without --partial); -1 with err set on other failures. */
int compare_files(results_file *b, results_file *n, const compare_opts *o, compare_result *out,
                  vs_error *err);
void compare_result_free(compare_result *r);

/* The sweep values of point p of f as "key=value, ..." ("" without a sweep). */
const char *compare_point_text(const results_file *f, uint32_t p, char *buf, size_t n);

/* The verdicts: a text table (regressions first), Markdown for a pull-request comment, or one
 * JSON document (docs/compare.schema.json). Returns 0, or -1 (out of memory, write failure). */
int compare_out_print(FILE *f, const compare_result *r, const results_file *b,
                      const results_file *n, const compare_opts *o);

#endif
