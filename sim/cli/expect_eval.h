/* The scenario's `expect:` list evaluated on a run's summary (docs/run.md, Expectations): per
 * expectation, sweep point and architecture, pass when the whole 95% interval is on the right
 * side of the bound, fail when the whole of it is on the wrong side, else inconclusive. */
#ifndef VPCSIM_CLI_EXPECT_EVAL_H
#define VPCSIM_CLI_EXPECT_EVAL_H

#include "cli/results.h"

typedef struct expect_counts {
    size_t pass, fail, inconclusive;
} expect_counts;

/* Prints the verdicts of s's expectations on rows (npoints points) to f, and counts them.
 * Nothing is printed when the scenario has none. */
void expect_eval_print(FILE *f, const scenario *s, const summary_row *rows, size_t nrows,
                       size_t npoints, expect_counts *out);

#endif
