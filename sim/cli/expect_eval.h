/* The scenario's `expect:` list evaluated on a run's summary (docs/run.md, Expectations): per
 * expectation, sweep point and architecture, pass when the whole 95% interval is on the right
 * side of the bound, fail when the whole of it is on the wrong side, else inconclusive. */
#ifndef VPCSIM_CLI_EXPECT_EVAL_H
#define VPCSIM_CLI_EXPECT_EVAL_H

#include "cli/json_out.h"
#include "cli/results.h"

typedef enum expect_verdict { EV_PASS, EV_INCONCLUSIVE, EV_FAIL, EV_NONE } expect_verdict;

typedef struct expect_result {
    const scenario_expect *e;
    size_t point;
    const char *architecture;
    char where[300]; /* file:line:col of the entry, in the scenario file as written */
    expect_verdict verdict;
    double mean, half; /* the figure (the worst station's for a component); NaN: none */
} expect_result;

typedef struct expect_results {
    expect_result *r;
    size_t n;
    size_t pass, fail, inconclusive;
} expect_results;

/* Evaluates s's expectations on rows (npoints points); map (or NULL) says where the text of a
 * patched scenario came from (--set). Returns 0, or -1 when out of memory. */
int expect_eval_run(const scenario *s, const scenario_patch_map *map, const summary_row *rows,
                    size_t nrows, size_t npoints, expect_results *out);
/* One line per verdict and the counts; nothing when there are none. */
void expect_eval_print(FILE *f, const expect_results *r, size_t npoints);
/* What run says on stderr: how many were inconclusive (a warning) and failed. */
void expect_eval_warn(FILE *f, const expect_results *r);
/* The verdicts as a JSON array (docs/results.schema.json, expectations). */
json_object *expect_eval_json(const expect_results *r);
void expect_eval_free(expect_results *r);

#endif
