/* A run's results as one JSON document (`vpcsim run --json`, `vpcsim report --json`; the schema
 * is docs/results.schema.json): metadata, the sweep, every /summary row with its unit, and the
 * per-replication values of the tested figures. */
#ifndef VPCSIM_CLI_RESULTS_JSON_H
#define VPCSIM_CLI_RESULTS_JSON_H

#include "cli/json_out.h"
#include "cli/results.h"
#include "cli/results_file.h"

enum { RESULTS_JSON_FORMAT = 1 }; /* the document's version ("format") */

/* The document (NULL when out of memory). complete: every run finished. */
json_object *results_json_doc(const text_report_head *h, bool complete, const summary_row *rows,
                              size_t nrows, const run_values *runs);
/* Appends the per-replication values of the runs that finished (rps[p].reps of each point), as
 * results_file_runs reads them back from a file. Returns 0, or -1 when out of memory. */
int results_json_job_values(const point_jobs *rps, size_t npoints, run_values *out);
/* Writes doc to path ("-": stdout) and releases it. Returns 0, or -1 with err set. */
int results_json_write(json_object *doc, const char *path, vs_error *err);

#endif
