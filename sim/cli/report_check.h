/* The checks `vpcsim report` makes of the tables it read back from a file, before printing them:
 * every count bounded by what the file holds, without products that can wrap. Separate from the
 * HDF5 reading so that a fuzzer can drive it (tests/fuzz_report.c). */
#ifndef VPCSIM_REPORT_CHECK_H
#define VPCSIM_REPORT_CHECK_H

#include "cli/h5_results_impl.h"

typedef struct report_tables {
    int64_t points, reps; /* root attributes sweep_points, replications */
    size_t narchs;        /* architecture_names */
    h5_sweep_row *sweep;  /* /sweep */
    size_t nsweep;
    summary_row *rows; /* /summary */
    size_t nrows;
} report_tables;

/* 0 when the tables are consistent: /sweep has the same keys for each point in point order (or
 * no rows and one point), every /summary row names an existing point in order, replications and
 * architectures fit a row's count; text fields are cut to end with a NUL. Else -1 with err set.
 * Once it passes, text_report_print reads only inside the tables. */
int report_check(report_tables *t, vs_error *err);
/* Control characters of s (C0, DEL, C1) become '?': text read from a file never moves the
 * terminal (escape sequences in a crafted file's names). */
void report_text_clean(char *s);
/* Keys per sweep point (the /sweep rows of point 0). */
size_t report_sweep_keys(const report_tables *t);

#endif
