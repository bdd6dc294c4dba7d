/* The stopping rule and the automatic warm-up of `vpcsim run` (run.precision, run.warmup: auto;
 * include/vpcsim/aws/precision.h reads them): batches of replications until every workload's
 * interval is narrow enough, MSER-5 per run, and the /summary rows and report lines that say
 * what they did. Private to sim/cli. */
#ifndef VPCSIM_CLI_RUN_PRECISION_H
#define VPCSIM_CLI_RUN_PRECISION_H

#include <stdio.h>

#include "cli/run_impl.h"
#include "io/h5file.h"

/* run.precision and run.warmup: auto of the `run:` map (NULL: none) into in, after the options
 * set in->reps (the first batch unless min_replications says otherwise) and in->warmup_ns
 * (has_warmup: --warmup, which wins over auto). With a rule, in->reps becomes the cap (the jobs'
 * stride). Returns 0, or -1 with err at the key. */
int run_precision_settings(const config_node *run, bool has_warmup, run_inputs *in, vs_error *err);

/* Runs ctx's jobs in batches under the stopping rule of ctx->pts[0] (run_one(ctx, i) runs
 * ctx->order[i]): every point starts with min_replications, then each point whose intervals are
 * not yet narrow enough gets more, in every architecture (common random numbers stay paired),
 * until it meets the target or the cap. Decisions depend only on results, never on threads.
 * Returns how many jobs failed (0 when a signal stopped it: ctx->stop is set). */
size_t run_precision_run(run_ctx *ctx, int threads, int (*run_one)(void *ctx, size_t i));

/* The pilot pass of `warmup: auto` for job j (cfg: its seed, threads and files; in: its point):
 * runs the whole length with no warm-up, takes each workload's latency series of successful
 * calls in creation order, finds the MSER-5 truncation, and sets cfg->warmup_ns to the creation
 * time of the first call kept (the latest over workloads), cfg->duration_ns to the rest, and
 * j->warmup_ns. Returns 0, or -1 with j->err set. */
int run_warmup_pick(const run_inputs *in, const topology *t, netmodel_config *cfg, job *j);

/* Appends to each point x architecture block of rows the rows of the stopping rule and of the
 * automatic warm-up (nothing when neither is on). Returns 0, or -1 (out of memory; rows as
 * they were). */
int run_precision_rows(summary_rows *rows, point_jobs *rps, size_t npoints);

/* Root attributes of the file: the rule and whether the warm-up is automatic (none when off). */
int run_precision_file_attrs(h5file *f, const run_inputs *in, vs_error *err);

/* The report's lines about the rule and the warm-up for one block of rows (nothing when it has
 * none of their rows). */
void run_precision_print(FILE *f, const summary_row *r, size_t n);
/* Whether rows hold the rule's (adaptive: replications vary) or the automatic warm-up's rows. */
void run_precision_kinds(const summary_row *r, size_t n, bool *adaptive, bool *auto_warmup);

#endif
