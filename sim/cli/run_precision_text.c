/* The text report's lines of `run.precision` and `warmup: auto` (sim/cli/run_precision.h), from
 * the /summary rows that sim/cli/run_precision.c adds: apart from the running, so that `vpcsim
 * report` and the report fuzzer print them without the simulator behind them. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/run_precision.h"

/* ---- report lines ---------------------------------------------------------------------------- */

static const summary_row *row_find(const summary_row *r, size_t n, const char *metric)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(r[i].metric, metric) == 0) return &r[i];
    return NULL;
}

void run_precision_kinds(const summary_row *r, size_t n, bool *adaptive, bool *auto_warmup)
{
    *adaptive = row_find(r, n, "precision_replications") != NULL;
    *auto_warmup = row_find(r, n, "warmup_auto") != NULL;
}

/* "met at 37 replications", "cap of 200 replications hit", "not met after 12 replications
 * (interrupted)". */
static void print_rule(FILE *f, const summary_row *r, size_t n)
{
    const summary_row *reps = row_find(r, n, "precision_replications"),
                      *cap = row_find(r, n, "precision_max_replications"),
                      *target = row_find(r, n, "precision_target"),
                      *level = row_find(r, n, "precision_confidence"),
                      *met = row_find(r, n, "precision_met"), *widest = NULL;
    if (!reps || !cap || !target || !level || !met) return;
    for (size_t i = 0; i < n; i++)
        if (strcmp(r[i].metric, "precision_relative_half_width") == 0 &&
            (!widest || r[i].mean > widest->mean))
            widest = &r[i];
    fprintf(f,
            "  stopping rule: %s within ±%.3g%% of its mean (%.3g%% interval): ", target->subject,
            100 * target->mean, 100 * level->mean);
    if (met->mean != 0)
        fprintf(f, "met at %.0f replications", reps->mean);
    else if (reps->mean >= cap->mean)
        fprintf(f, "not met: cap of %.0f replications hit", cap->mean);
    else
        fprintf(f, "not met after %.0f replications (interrupted)", reps->mean);
    if (widest) fprintf(f, "; widest ±%.3g%% (%s)", 100 * widest->mean, widest->subject);
    fputc('\n', f);
}

void run_precision_print(FILE *f, const summary_row *r, size_t n)
{
    print_rule(f, r, n);
    const summary_row *w = row_find(r, n, "warmup_auto");
    if (!w) return;
    if (isnan(w->mean)) {
        fputs("  warm-up (MSER-5, per run): -\n", f);
    } else if (w->n > 1) {
        fprintf(
            f, "  warm-up (MSER-5, per run): %.4g ± %.2g s over %u runs (each run's in the file)\n",
            w->mean, w->half_width, w->n);
    } else {
        fprintf(f, "  warm-up (MSER-5, per run): %.4g s\n", w->mean);
    }
}
